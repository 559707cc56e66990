//! Scripted faults: what a test asks the next matching requests to suffer.

use serde::{Deserialize, Serialize};

/// Which requests a [`FaultRule`] applies to.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultEndpoint {
    /// `POST /api/v1/ticket/list` only.
    List,
    /// `POST /api/v1/ticket/read` only.
    Read,
    /// Both endpoints.
    #[default]
    Any,
}

/// What goes wrong.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with the error shape (or `body` verbatim), plus `Retry-After` if given.
    Status,
    /// Sleep `delay_ms`, then answer normally.
    Delay,
    /// Send the headers with the full `Content-Length`, half the body, then drop the connection.
    Reset,
    /// Send the first half of the real body with a matching `Content-Length`.
    Truncate,
    /// Answer 200 `text/html` `<html>oops</html>` (or `body`).
    NotJson,
    /// Answer 200 `application/json` with a body that is not JSON (or `body`).
    BadJson,
    /// A list page with `more: true` whose cursor is the one the request sent.
    RepeatCursor,
    /// A list page with `more: true` and `cursor: null`.
    MoreWithoutCursor,
    /// Send the headers, then nothing until the client gives up.
    Stall,
    /// Send the real body one byte every `delay_ms`.
    Trickle,
    /// Send the real body encoded in `encoding` (default gzip), cut to its first half, with a
    /// matching `Content-Length`: a compressed stream that ends early.
    CompressedTruncate,
    /// Say `Content-Encoding: encoding` (default gzip) over the plain real body, or over
    /// `body` verbatim (say, garbage).
    LyingEncoding,
    /// A small gzip body that inflates to `inflated_bytes` (default 2 GiB) of zeros.
    GzipBomb,
}

/// A `Content-Encoding` a compressed-body fault uses.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ContentEncoding {
    #[default]
    Gzip,
    Br,
    Zstd,
    Deflate,
}

impl ContentEncoding {
    /// The header value.
    pub fn name(self) -> &'static str {
        match self {
            Self::Gzip => "gzip",
            Self::Br => "br",
            Self::Zstd => "zstd",
            Self::Deflate => "deflate",
        }
    }
}

impl FaultKind {
    /// The name used in the request log and the stats.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Delay => "delay",
            Self::Reset => "reset",
            Self::Truncate => "truncate",
            Self::NotJson => "not_json",
            Self::BadJson => "bad_json",
            Self::RepeatCursor => "repeat_cursor",
            Self::MoreWithoutCursor => "more_without_cursor",
            Self::Stall => "stall",
            Self::Trickle => "trickle",
            Self::CompressedTruncate => "compressed_truncate",
            Self::LyingEncoding => "lying_encoding",
            Self::GzipBomb => "gzip_bomb",
        }
    }

    /// Whether the kind only makes sense for list pages.
    pub(crate) fn list_only(self) -> bool {
        matches!(self, Self::RepeatCursor | Self::MoreWithoutCursor)
    }
}

/// One scripted fault. Rules are consumed in order: a request meets the first rule whose
/// endpoint matches; that rule first lets `skip` requests pass, then hits `times` requests.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    #[serde(default)]
    pub endpoint: FaultEndpoint,
    /// How many matching requests pass unharmed before this rule strikes.
    #[serde(default)]
    pub skip: u64,
    /// How many matching requests this rule strikes.
    #[serde(default = "one")]
    pub times: u64,
    pub kind: FaultKind,
    /// The status of a `status` fault; 500 when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// A `Retry-After` header value for a `status` fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// Milliseconds for `delay` (the wait) and `trickle` (between bytes).
    #[serde(default)]
    pub delay_ms: u64,
    /// A verbatim body for `status`, `not_json`, `bad_json` and `lying_encoding`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The encoding of `compressed_truncate` and `lying_encoding`; gzip when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<ContentEncoding>,
    /// What a `gzip_bomb` inflates to; [`DEFAULT_BOMB_BYTES`] when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflated_bytes: Option<u64>,
}

/// What a `gzip_bomb` inflates to by default: 2 GiB, about 2 MB on the wire.
pub const DEFAULT_BOMB_BYTES: u64 = 2 << 30;
/// The largest bomb: its chunk list grows by one entry per MiB.
pub const MAX_BOMB_BYTES: u64 = 64 << 30;

fn one() -> u64 {
    1
}

impl FaultRule {
    /// A rule of `kind` that hits the next request of any endpoint once.
    pub fn new(kind: FaultKind) -> Self {
        Self {
            endpoint: FaultEndpoint::Any,
            skip: 0,
            times: 1,
            kind,
            status: None,
            retry_after: None,
            delay_ms: 0,
            body: None,
            encoding: None,
            inflated_bytes: None,
        }
    }

    /// A `status` rule.
    pub fn status(status: u16) -> Self {
        Self {
            status: Some(status),
            ..Self::new(FaultKind::Status)
        }
    }

    pub fn on(mut self, endpoint: FaultEndpoint) -> Self {
        self.endpoint = endpoint;
        self
    }

    pub fn skip(mut self, skip: u64) -> Self {
        self.skip = skip;
        self
    }

    pub fn times(mut self, times: u64) -> Self {
        self.times = times;
        self
    }

    pub fn delay_ms(mut self, delay_ms: u64) -> Self {
        self.delay_ms = delay_ms;
        self
    }

    pub fn retry_after(mut self, retry_after: impl Into<String>) -> Self {
        self.retry_after = Some(retry_after.into());
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn encoding(mut self, encoding: ContentEncoding) -> Self {
        self.encoding = Some(encoding);
        self
    }

    pub fn inflated_bytes(mut self, bytes: u64) -> Self {
        self.inflated_bytes = Some(bytes);
        self
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn rules_parse_with_defaults() {
        let rule: FaultRule = serde_json::from_str(r#"{"kind": "status", "status": 503}"#).unwrap();
        assert_eq!(rule, FaultRule::status(503));
        let rule: FaultRule = serde_json::from_str(
            r#"{"kind": "not_json", "endpoint": "read", "skip": 2, "times": 3}"#,
        )
        .unwrap();
        assert_eq!(
            rule,
            FaultRule::new(FaultKind::NotJson)
                .on(FaultEndpoint::Read)
                .skip(2)
                .times(3)
        );
        assert!(serde_json::from_str::<FaultRule>(r#"{"kind": "status", "bogus": 1}"#).is_err());
        assert!(serde_json::from_str::<FaultRule>(r#"{"kind": "explode"}"#).is_err());
    }
}
