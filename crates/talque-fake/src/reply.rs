//! What the server answers: a status, headers and a body made of pre-built byte chunks.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use bytes::Bytes;

use crate::json::Object;

/// The content type of every JSON answer, errors included.
pub(crate) const JSON_CONTENT_TYPE: &str = "application/json; charset=utf-8";

/// An API error in the Talque error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) reason: &'static str,
    pub(crate) message: String,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        reason: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            reason,
            message: message.into(),
        }
    }

    /// A 400 for a request that does not match the request schema.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    /// The same error under another reason code.
    pub(crate) fn with_reason(mut self, reason: &'static str) -> Self {
        self.reason = reason;
        self
    }

    /// `{"success": false, "reason": R, "reasonEnum": R, "message": M}`.
    pub(crate) fn body(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96 + self.message.len());
        let mut object = Object::begin(&mut out);
        object.boolean("success", false);
        object.string("reason", self.reason);
        object.string("reasonEnum", self.reason);
        object.string("message", &self.message);
        object.end();
        out
    }
}

/// A reason code for a bare HTTP status, used by injected status faults.
pub(crate) fn reason_for_status(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "INVALID_REQUEST",
        401 => "UNAUTHORIZED",
        403 => "FORBIDDEN",
        404 => "NOT_FOUND",
        408 => "REQUEST_TIMEOUT",
        429 => "TOO_MANY_REQUESTS",
        500 => "INTERNAL_ERROR",
        502 => "BAD_GATEWAY",
        503 => "SERVICE_UNAVAILABLE",
        504 => "GATEWAY_TIMEOUT",
        _ => "ERROR",
    }
}

/// A complete answer before it is turned into an HTTP response.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) chunks: Vec<Bytes>,
}

impl Reply {
    /// A JSON answer with the given status.
    pub(crate) fn json(status: StatusCode, chunks: Vec<Bytes>) -> Self {
        Self {
            status,
            content_type: JSON_CONTENT_TYPE,
            headers: Vec::new(),
            chunks,
        }
    }

    pub(crate) fn error(error: &ApiError) -> Self {
        Self::json(error.status, vec![Bytes::from(error.body())])
    }

    pub(crate) fn len(&self) -> usize {
        self.chunks.iter().map(Bytes::len).sum()
    }

    /// Keeps only the first `keep` bytes of the body.
    pub(crate) fn truncate(&mut self, keep: usize) {
        let mut left = keep;
        let mut kept = Vec::with_capacity(self.chunks.len());
        for chunk in self.chunks.drain(..) {
            if left == 0 {
                break;
            }
            let take = chunk.len().min(left);
            left -= take;
            kept.push(chunk.slice(..take));
        }
        self.chunks = kept;
    }

    /// Adds a header, silently skipping values that are not valid in HTTP.
    pub(crate) fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.push((name, value));
        }
        self
    }
}

impl From<ApiError> for Reply {
    fn from(error: ApiError) -> Self {
        Self::error(&error)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn error_body_has_the_talque_shape() {
        let error = ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "orgId does not exist");
        let body: serde_json::Value = serde_json::from_slice(&error.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"success": false, "reason": "NOT_FOUND", "reasonEnum": "NOT_FOUND", "message": "orgId does not exist"})
        );
    }

    #[test]
    fn truncate_cuts_across_chunks() {
        let mut reply = Reply::json(
            StatusCode::OK,
            vec![Bytes::from("abc"), Bytes::from("defg")],
        );
        reply.truncate(5);
        assert_eq!(reply.len(), 5);
        assert_eq!(reply.chunks, vec![Bytes::from("abc"), Bytes::from("de")]);
    }
}
