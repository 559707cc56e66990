//! Epoch milliseconds as ISO-8601 text in UTC, e.g. `2024-01-02T03:04:05.678Z`.

use std::io::Write;

use time::OffsetDateTime;

/// Appends `millis` (since 1970-01-01 UTC) as ISO-8601 with milliseconds and `Z`.
///
/// Returns `false`, writing nothing, for an instant outside the years -9999..=9999,
/// which the four-digit year of the format cannot express.
pub(super) fn push_iso_millis(millis: i64, out: &mut Vec<u8>) -> bool {
    let Ok(at) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000) else {
        return false;
    };
    let year = at.year();
    if year < 0 {
        out.push(b'-');
    }
    // Writing to a Vec cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        year.unsigned_abs(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    );
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(millis: i64) -> Option<String> {
        let mut out = Vec::new();
        push_iso_millis(millis, &mut out).then(|| String::from_utf8(out).unwrap())
    }

    #[test]
    fn formats_with_milliseconds_and_z() {
        assert_eq!(iso(0).unwrap(), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso(1_704_164_645_678).unwrap(), "2024-01-02T03:04:05.678Z");
        assert_eq!(iso(951_782_400_001).unwrap(), "2000-02-29T00:00:00.001Z");
    }

    #[test]
    fn negative_and_far_instants() {
        assert_eq!(iso(-1).unwrap(), "1969-12-31T23:59:59.999Z");
        assert_eq!(
            iso(-62_135_596_800_000).unwrap(),
            "0001-01-01T00:00:00.000Z"
        );
        assert_eq!(
            iso(-62_167_219_200_001).unwrap(),
            "-0001-12-31T23:59:59.999Z"
        );
        assert_eq!(
            iso(253_402_300_799_999).unwrap(),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(iso(253_402_300_800_000), None);
        assert_eq!(iso(i64::MAX), None);
        assert_eq!(iso(i64::MIN), None);
    }
}
