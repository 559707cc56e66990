//! The two credential headers.

use axum::http::HeaderMap;

pub(crate) const CLIENT_ID_HEADER: &str = "x-tq-client-id";
pub(crate) const SECRET_HEADER: &str = "x-tq-secret";

/// Whether the request carries exactly the configured client id and secret.
pub(crate) fn credentials_match(headers: &HeaderMap, client_id: &str, secret: &str) -> bool {
    header_is(headers, CLIENT_ID_HEADER, client_id) & header_is(headers, SECRET_HEADER, secret)
}

/// Whether the header appears once with exactly `expected`, compared in constant time so
/// that the fake does not model a timing leak a real server must not have either.
fn header_is(headers: &HeaderMap, name: &str, expected: &str) -> bool {
    let mut values = headers.get_all(name).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let (value, expected) = (value.as_bytes(), expected.as_bytes());
    value.len() == expected.len()
        && value
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn both_headers_must_match_exactly() {
        let mut headers = HeaderMap::new();
        assert!(!credentials_match(&headers, "id", "s"));
        headers.insert(CLIENT_ID_HEADER, "id".parse().unwrap());
        headers.insert(SECRET_HEADER, "s".parse().unwrap());
        assert!(credentials_match(&headers, "id", "s"));
        assert!(!credentials_match(&headers, "id", "S"));
        headers.append(SECRET_HEADER, "s".parse().unwrap());
        assert!(!credentials_match(&headers, "id", "s"));
    }
}
