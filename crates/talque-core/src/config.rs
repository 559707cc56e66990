//! The client configuration, its defaults and its validation.

use std::path::PathBuf;
use std::time::Duration;

use crate::error::Error;
use crate::secret::Secret;

/// Everything a [`crate::Client`] needs to know; build it with [`ClientConfig::new`] and
/// adjust the public fields.
///
/// `Debug` is safe to log: the secret prints as `***`.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme, host and optional port (and path prefix) of the API, e.g.
    /// `https://event.talque.com`; a trailing `/` is ignored.
    pub base_url: String,
    /// The `X-TQ-CLIENT-ID` credential.
    pub client_id: String,
    /// The `X-TQ-SECRET` credential.
    pub secret: Secret,
    /// Bounds each attempt as a whole: connect, send, status line and the full body.
    pub timeout: Duration,
    /// How many attempts follow the first one when it fails transiently.
    pub max_retries: u32,
    /// How many ids a single read request carries.
    pub batch_size: usize,
    /// How many read requests may be in flight at once.
    pub max_concurrency: usize,
    /// The `User-Agent` header value.
    pub user_agent: String,
    /// The delay before the first retry; it doubles for each further retry.
    pub backoff_initial: Duration,
    /// The largest delay the doubling reaches.
    pub backoff_max: Duration,
    /// The longest wait a server's `Retry-After` can impose.
    pub retry_after_cap: Duration,
    /// Bodies larger than this are refused, so a broken server cannot exhaust memory.
    pub max_response_bytes: usize,
    /// A PEM file of extra root certificates, trusted besides the system's roots.
    pub ca_bundle: Option<PathBuf>,
    /// Whether to ask for compressed answers (`Accept-Encoding: gzip, deflate, br, zstd`)
    /// and decode them on the runtime; off, no `Accept-Encoding` is sent.
    pub compression: bool,
}

/// The production host of the Talque API.
pub const DEFAULT_BASE_URL: &str = "https://event.talque.com";

impl ClientConfig {
    /// A configuration with safe defaults: a 30 s timeout, 3 retries, batches of 100
    /// ids, 8 batches in flight, backoff from 0.5 s to 8 s, `Retry-After` capped at
    /// 60 s, bodies up to 64 MiB (decoded) and compression on.
    pub fn new(base_url: impl Into<String>, client_id: impl Into<String>, secret: Secret) -> Self {
        Self {
            base_url: trim_base_url(&base_url.into()).to_owned(),
            client_id: client_id.into(),
            secret,
            timeout: Duration::from_secs(30),
            max_retries: 3,
            batch_size: 100,
            max_concurrency: 8,
            user_agent: concat!("talque-core/", env!("CARGO_PKG_VERSION")).to_owned(),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(8),
            retry_after_cap: Duration::from_secs(60),
            max_response_bytes: 64 * 1024 * 1024,
            ca_bundle: None,
            compression: true,
        }
    }

    /// Checks every field, so that a mistake is reported before any request is made.
    pub fn validate(&self) -> Result<(), Error> {
        self.parsed_base_url()?;
        check_credential("client_id", &self.client_id)?;
        check_credential("secret", self.secret.expose())?;
        if reqwest::header::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(Error::Config(
                "user_agent must be printable ASCII without control characters".to_owned(),
            ));
        }
        if self.batch_size == 0 {
            return Err(Error::Config("batch_size must be at least 1".to_owned()));
        }
        if self.max_concurrency == 0 {
            return Err(Error::Config(
                "max_concurrency must be at least 1".to_owned(),
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::Config(
                "timeout must be greater than zero".to_owned(),
            ));
        }
        if self.max_response_bytes == 0 {
            return Err(Error::Config(
                "max_response_bytes must be greater than zero".to_owned(),
            ));
        }
        Ok(())
    }

    /// Parses the base URL, trailing `/` removed, accepting only what the endpoint
    /// paths can be appended to.
    pub(crate) fn parsed_base_url(&self) -> Result<url::Url, Error> {
        let text = trim_base_url(&self.base_url);
        let parsed = url::Url::parse(text)
            // The URL itself is not quoted: it may carry a password.
            .map_err(|err| Error::Config(format!("base_url is not a valid URL: {err}")))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(Error::Config(format!(
                "base_url must use http or https, not {:?}",
                parsed.scheme()
            )));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(Error::Config(format!("base_url {text:?} has no host")));
        }
        // Credentials in the URL would be sent as Basic auth, and a query or fragment
        // would end up in the middle of the endpoint path: both are mistakes.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(Error::Config(
                "base_url must not contain a user name or password".to_owned(),
            ));
        }
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "base_url {text:?} must not contain a query or fragment"
            )));
        }
        Ok(parsed)
    }
}

/// Removes trailing slashes, so that `https://host/` and `https://host` mean the same.
pub(crate) fn trim_base_url(base_url: &str) -> &str {
    base_url.trim().trim_end_matches('/')
}

/// A credential goes into an HTTP header, so it must be non-empty visible ASCII. The
/// message names the position, never the character, because the value may be secret.
fn check_credential(name: &str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::Config(format!("{name} must not be empty")));
    }
    match value.bytes().position(|byte| !byte.is_ascii_graphic()) {
        Some(index) => Err(Error::Config(format!(
            "{name} contains a character that is not visible ASCII (at position {index})"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig::new(
            "https://event.talque.com/",
            "client",
            Secret::from("s3cr3t"),
        )
    }

    #[test]
    fn defaults_are_valid() {
        let config = config();
        assert_eq!(config.base_url, "https://event.talque.com");
        assert!(config.validate().is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let text = format!("{:?}", config());
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("***"), "{text}");
    }

    #[test]
    fn rejects_bad_values() {
        type Change = Box<dyn Fn(&mut ClientConfig)>;
        let cases: Vec<Change> = vec![
            Box::new(|c| c.base_url = "ftp://host".into()),
            Box::new(|c| c.base_url = "not a url".into()),
            Box::new(|c| c.base_url = "https://u:p@host".into()),
            Box::new(|c| c.base_url = "https://host/?q=1".into()),
            Box::new(|c| c.client_id = String::new()),
            Box::new(|c| c.client_id = "a\nb".into()),
            Box::new(|c| c.secret = Secret::from("")),
            Box::new(|c| c.secret = Secret::from("s3cr3t\r\n")),
            Box::new(|c| c.secret = Secret::from("sécret")),
            Box::new(|c| c.user_agent = "ua\n".into()),
            Box::new(|c| c.batch_size = 0),
            Box::new(|c| c.max_concurrency = 0),
            Box::new(|c| c.timeout = Duration::ZERO),
        ];
        for (index, change) in cases.iter().enumerate() {
            let mut config = config();
            change(&mut config);
            match config.validate() {
                Err(Error::Config(message)) => {
                    assert!(!message.contains("s3cr3t"), "case {index}: {message}");
                }
                other => panic!("case {index}: expected a config error, got {other:?}"),
            }
        }
    }
}
