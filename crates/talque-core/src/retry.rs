//! When to retry and how long to wait: exponential backoff with jitter, or the server's
//! `Retry-After` when it sends one.

use std::time::{Duration, SystemTime};

use crate::config::ClientConfig;

/// The wait before retry number `retry` (0 for the first retry).
///
/// A `Retry-After` value the server sent wins over the backoff, because the server knows
/// its own rate limit; it is capped so that a hostile or buggy value cannot stall the
/// caller for hours.
pub(crate) fn delay(config: &ClientConfig, retry: u32, retry_after: Option<&str>) -> Duration {
    retry_after
        .and_then(|value| parse_retry_after(value, SystemTime::now()))
        .map(|wait| wait.min(config.retry_after_cap))
        .unwrap_or_else(|| backoff(config, retry))
}

/// Doubles from `backoff_initial` up to `backoff_max`, then picks uniformly in
/// `[d/2, d]` so that many clients failing together do not retry in lockstep.
pub(crate) fn backoff(config: &ClientConfig, retry: u32) -> Duration {
    let factor = 2u32.saturating_pow(retry.min(31));
    let full = config
        .backoff_initial
        .saturating_mul(factor)
        .min(config.backoff_max);
    full.mul_f64(0.5 + fastrand::f64() * 0.5)
}

/// Parses `Retry-After` as delta-seconds (fractions accepted) or as an HTTP-date.
/// A negative delay or a date in the past means "retry now"; an unparsable value is
/// ignored so that the normal backoff applies.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_nan() {
            return None;
        }
        return Some(Duration::try_from_secs_f64(seconds.max(0.0)).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    fn config() -> ClientConfig {
        let mut config = ClientConfig::new("http://localhost", "id", Secret::from("s"));
        config.backoff_initial = Duration::from_millis(100);
        config.backoff_max = Duration::from_millis(350);
        config.retry_after_cap = Duration::from_secs(10);
        config
    }

    #[test]
    fn backoff_doubles_with_jitter_and_caps() {
        let config = config();
        for _ in 0..100 {
            let first = backoff(&config, 0);
            assert!(first >= Duration::from_millis(50) && first <= Duration::from_millis(100));
            let second = backoff(&config, 1);
            assert!(second >= Duration::from_millis(100) && second <= Duration::from_millis(200));
            let late = backoff(&config, 40);
            assert!(late >= Duration::from_millis(175) && late <= Duration::from_millis(350));
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::now();
        assert_eq!(parse_retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            parse_retry_after(" 0.25 ", now),
            Some(Duration::from_millis(250))
        );
        assert_eq!(parse_retry_after("-3", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("NaN", now), None);
        assert_eq!(parse_retry_after("inf", now), Some(Duration::MAX));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let wait = parse_retry_after(&future, now).unwrap_or_default();
        assert!(wait > Duration::from_secs(28) && wait <= Duration::from_secs(30));
    }

    #[test]
    fn retry_after_wins_and_is_capped() {
        let config = config();
        assert_eq!(delay(&config, 0, Some("1")), Duration::from_secs(1));
        assert_eq!(delay(&config, 0, Some("3600")), Duration::from_secs(10));
        assert!(delay(&config, 0, Some("bogus")) <= Duration::from_millis(100));
    }
}
