//! The one error type of the core, with the constructors that keep messages useful and
//! free of secrets.

use std::fmt;

use serde::Deserialize;

/// The most of an error body that is kept: enough for any real error message, small
/// enough that a misbehaving server cannot make an exception hold megabytes.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;

/// Everything that can go wrong in a call.
#[derive(Debug, Clone)]
pub enum Error {
    /// The server answered with a non-2xx status (after retries, if it was retryable).
    ///
    /// `reason` and `message` come from a JSON error body such as
    /// `{"success": false, "reason": "NOT_FOUND", "message": "orgId does not exist"}`;
    /// `body` is the raw body as lossy UTF-8, truncated to 64 KiB.
    Status {
        status: u16,
        body: String,
        reason: Option<String>,
        message: Option<String>,
    },
    /// The connection could not be made, was dropped, or the body ended early.
    Connection(String),
    /// The TLS handshake failed, e.g. an untrusted certificate. Not retried: unlike a
    /// dropped connection, trying again gives the same answer.
    Tls(String),
    /// An attempt took longer than the configured timeout.
    Timeout(String),
    /// The server answered 2xx with something that is not the documented JSON.
    InvalidResponse(String),
    /// The configuration or the arguments of a call are invalid.
    Config(String),
}

/// The fields of a Talque JSON error body that are worth surfacing. Other keys, and
/// values of unexpected types, are ignored rather than turned into a second error.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    reason: Option<serde_json::Value>,
    #[serde(default)]
    message: Option<serde_json::Value>,
}

impl Error {
    /// Builds a [`Error::Status`] from a status code and the (possibly partial) body.
    pub(crate) fn from_status(status: u16, body: &[u8]) -> Self {
        let kept = &body[..body.len().min(MAX_ERROR_BODY)];
        let (reason, message) = match serde_json::from_slice::<ErrorBody>(kept) {
            Ok(parsed) => (into_text(parsed.reason), into_text(parsed.message)),
            Err(_) => (None, None),
        };
        Error::Status {
            status,
            body: String::from_utf8_lossy(kept).into_owned(),
            reason,
            message,
        }
    }

    /// Whether another attempt may succeed where this one failed.
    ///
    /// Rate limiting, request timeouts and server errors are transient by nature; a
    /// 4xx or a malformed 200 would only repeat, so retrying them just wastes time.
    pub(crate) fn is_retryable(&self) -> bool {
        match self {
            Error::Connection(_) | Error::Timeout(_) => true,
            Error::Status { status, .. } => {
                matches!(status, 408 | 429) || (500..=599).contains(status)
            }
            Error::Tls(_) | Error::InvalidResponse(_) | Error::Config(_) => false,
        }
    }
}

/// Keeps a JSON string as is and drops anything else, so that a non-string `reason`
/// does not produce a misleading message.
fn into_text(value: Option<serde_json::Value>) -> Option<String> {
    match value {
        Some(serde_json::Value::String(text)) => Some(text),
        _ => None,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status {
                status,
                reason,
                message,
                ..
            } => {
                write!(f, "HTTP {status}")?;
                match reason {
                    Some(reason) => write!(f, " {reason}")?,
                    None => {
                        // Without a server reason, the standard phrase still tells a
                        // reader more than a bare number does.
                        let phrase = reqwest::StatusCode::from_u16(*status)
                            .ok()
                            .and_then(|code| code.canonical_reason());
                        if let Some(phrase) = phrase {
                            write!(f, " {phrase}")?;
                        }
                    }
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Error::Connection(text) => write!(f, "connection error: {text}"),
            Error::Tls(text) => write!(f, "TLS error: {text}"),
            Error::Timeout(text) => write!(f, "timeout: {text}"),
            Error::InvalidResponse(text) => write!(f, "invalid response: {text}"),
            Error::Config(text) => write!(f, "invalid configuration: {text}"),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn status_message_uses_reason_and_message() {
        let body = br#"{"success":false,"reason":"NOT_FOUND","message":"orgId does not exist"}"#;
        let error = Error::from_status(404, body);
        assert_eq!(
            error.to_string(),
            "HTTP 404 NOT_FOUND: orgId does not exist"
        );
    }

    #[test]
    fn status_message_falls_back_to_the_standard_phrase() {
        let error = Error::from_status(503, b"<html>busy</html>");
        assert_eq!(error.to_string(), "HTTP 503 Service Unavailable");
        match error {
            Error::Status { body, reason, .. } => {
                assert_eq!(body, "<html>busy</html>");
                assert_eq!(reason, None);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn status_body_is_truncated() {
        let body = vec![b'x'; MAX_ERROR_BODY + 10];
        match Error::from_status(500, &body) {
            Error::Status { body, .. } => assert_eq!(body.len(), MAX_ERROR_BODY),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn non_string_reason_is_ignored() {
        let error = Error::from_status(400, br#"{"reason": 3, "message": "bad"}"#);
        assert_eq!(error.to_string(), "HTTP 400 Bad Request: bad");
    }
}
