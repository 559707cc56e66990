//! One HTTP attempt: send the POST, read the status and the whole body within the
//! per-attempt timeout, and turn transport failures into [`Error`]s.

use std::error::Error as _;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use url::Url;

use crate::error::{Error, MAX_ERROR_BODY};

/// What one attempt brought back: the status, the headers the client acts on, and the
/// body (decoded; complete for 2xx, at most 64 KiB for anything else).
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Option<String>,
    /// A `Content-Encoding` that is still there after reqwest's decoders ran, i.e. one
    /// that was not asked for or is not supported, so the body is not plain JSON.
    pub(crate) content_encoding: Option<String>,
    pub(crate) retry_after: Option<String>,
    pub(crate) body: Bytes,
}

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Sends one POST of a JSON body and reads the reply.
///
/// The whole attempt, not just the connect or the wait for headers, runs under
/// `timeout`: a server that stalls after the headers or trickles the body must not hang
/// the caller. Dropping the returned future drops the request, which closes its
/// connection.
pub(crate) async fn attempt(
    http: &reqwest::Client,
    url: &Url,
    body: Bytes,
    max_response_bytes: usize,
    timeout: Duration,
) -> Result<Reply, Error> {
    match tokio::time::timeout(timeout, send(http, url, body, max_response_bytes)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(Error::Timeout(format!(
            "no complete response from {url} within {:.3} s",
            timeout.as_secs_f64()
        ))),
    }
}

async fn send(
    http: &reqwest::Client,
    url: &Url,
    body: Bytes,
    max_response_bytes: usize,
) -> Result<Reply, Error> {
    let mut response = http
        .post(url.clone())
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await
        .map_err(transport_error)?;
    let status = response.status().as_u16();
    let content_type = header_text(&response, CONTENT_TYPE);
    let content_encoding = header_text(&response, CONTENT_ENCODING);
    let retry_after = header_text(&response, RETRY_AFTER);
    let success = (200..300).contains(&status);
    // An error body only feeds an error message, so a short prefix is enough; a success
    // body is the data and must be complete, within the configured bound. The bound is on
    // the decoded bytes: reqwest's decoders hand the body over in small decoded chunks and
    // drop `Content-Length` (the compressed size) once they decode, so a small compressed
    // body that inflates to gigabytes stops at the bound instead of being allocated.
    let limit = if success {
        max_response_bytes
    } else {
        MAX_ERROR_BODY
    };
    if success {
        if let Some(length) = response.content_length() {
            if length > limit as u64 {
                return Err(too_large(url, limit));
            }
        }
    }
    let capacity = response.content_length().map_or(0, |length| {
        usize::try_from(length).unwrap_or(usize::MAX).min(limit)
    });
    let mut buffer = BytesMut::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(body_error)? {
        if buffer.len() + chunk.len() > limit {
            if success {
                return Err(too_large(url, limit));
            }
            let room = limit - buffer.len();
            buffer.extend_from_slice(&chunk[..room]);
            break;
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        content_type,
        content_encoding,
        retry_after,
        body: buffer.freeze(),
    })
}

/// Checks that a 2xx reply is JSON before anyone parses it; `application/json` with any
/// parameters (such as `charset=utf-8`) is accepted.
pub(crate) fn require_json(reply: &Reply, url: &Url) -> Result<(), Error> {
    if let Some(encoding) = reply
        .content_encoding
        .as_deref()
        .filter(|encoding| !encoding.trim().eq_ignore_ascii_case("identity"))
    {
        return Err(Error::InvalidResponse(format!(
            "response from {url} has Content-Encoding {encoding:?}, which was not asked for \
             or cannot be decoded"
        )));
    }
    let essence = reply
        .content_type
        .as_deref()
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    match essence {
        Some(essence) if essence.eq_ignore_ascii_case("application/json") => Ok(()),
        Some(_) => Err(Error::InvalidResponse(format!(
            "expected application/json from {url}, got Content-Type {:?}",
            reply.content_type.as_deref().unwrap_or_default()
        ))),
        None => Err(Error::InvalidResponse(format!(
            "expected application/json from {url}, got no Content-Type"
        ))),
    }
}

fn header_text(response: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn too_large(url: &Url, limit: usize) -> Error {
    Error::InvalidResponse(format!(
        "response from {url} is larger than max_response_bytes ({limit} bytes)"
    ))
}

/// Maps a failure to send or to receive the headers. reqwest's own timeout only covers
/// the connect here (the attempt timeout is ours), so a timeout is a connect timeout.
fn transport_error(err: reqwest::Error) -> Error {
    let text = describe(&err);
    if err.is_timeout() {
        Error::Timeout(text)
    } else if err.is_builder() {
        Error::Config(text)
    } else if caused_by_tls(&err) {
        Error::Tls(text)
    } else {
        Error::Connection(text)
    }
}

/// Whether a rustls error (a failed handshake or certificate check) is among the causes.
/// `std::io::Error` hides the error it wraps from `source()`, so it is unwrapped by hand.
fn caused_by_tls(err: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        if let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if inner.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
        }
        source = cause.source();
    }
    false
}

/// Maps a failure while reading the body. A compressed body that is cut short or corrupt
/// fails inside reqwest's decoder, whose error arrives here like that of a plain body that
/// ended early: both are connection errors, and so retried. A server whose compression
/// is broken for good therefore costs `max_retries` more attempts, never a hang.
fn body_error(err: reqwest::Error) -> Error {
    let text = describe(&err);
    if err.is_timeout() {
        Error::Timeout(text)
    } else {
        Error::Connection(format!("incomplete response body: {text}"))
    }
}

/// Joins an error with its causes, because the top-level reqwest message ("error
/// sending request") hides the useful part ("connection refused"). Headers are never
/// part of these messages, so the secret cannot appear.
fn describe(err: &reqwest::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}
