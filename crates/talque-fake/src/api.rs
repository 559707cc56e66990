//! The API request pipeline: log, latency, fault, checks, endpoint, and the response.

use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;

use crate::auth::credentials_match;
use crate::endpoint::Endpoint;
use crate::error::FakeError;
use crate::faults::{self, ContentEncoding, Delivery, Fault, FaultAction, ReplyBody};
use crate::handlers::{self, ListMode};
use crate::link::Uncompressed;
use crate::log::{Arrival, CompletionMark, ConnectionId, InFlight};
use crate::reply::{reason_for_status, ApiError, Reply};
use crate::state::AppState;
use crate::validate;

/// The largest request body read; real requests are a few kilobytes at most.
const MAX_BODY_BYTES: usize = 1 << 20;

/// The body of a `not_json` fault, like an error page from a proxy in front of the API.
const NOT_JSON_BODY: &str = "<html>oops</html>";
/// The body of a `bad_json` fault: it starts like a list page and then breaks.
const BAD_JSON_BODY: &str = r#"{"orgId":"x","tickets":[{"orgTicketId": oops"#;

/// Handles every request that is not for the control plane.
pub(crate) async fn handle(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, MAX_BODY_BYTES).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body could not be read or exceeds {MAX_BODY_BYTES} bytes"),
        )
    });
    let config = &state.config;
    let authorized = credentials_match(&parts.headers, &config.client_id, &config.secret);
    let seq = state.log.begin(&Arrival {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        headers: &parts.headers,
        body: body.as_deref().unwrap_or_default(),
        authorized,
        connection: parts.extensions.get::<ConnectionId>().copied(),
    });
    let _in_flight = InFlight::new(state.log.clone());
    let latency = state.latency_ms();
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    let endpoint = Endpoint::route(&parts.method, parts.uri.path());
    let fault = endpoint
        .as_ref()
        .ok()
        .and_then(|endpoint| state.faults().next(*endpoint));
    if let Some(fault) = &fault {
        state.log.faulted(seq, fault.name);
    }
    let request = Incoming {
        headers: &parts.headers,
        body: body.as_deref(),
        endpoint,
        authorized,
    };
    let (reply, delivery, declared) = answer(&state, &request, fault.as_ref()).await;
    state.log.answered(seq, reply.status.as_u16());
    let mark = CompletionMark::new(state.log.clone(), seq);
    let mut response = Response::new(Body::new(ReplyBody::new(
        reply.chunks,
        declared,
        delivery,
        mark,
    )));
    *response.status_mut() = reply.status;
    // The wire stage finds the log entry through this, to record the bytes sent.
    response.extensions_mut().insert(seq);
    if delivery != Delivery::Normal {
        response.extensions_mut().insert(Uncompressed);
    }
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(reply.content_type),
    );
    for (name, value) in reply.headers {
        headers.append(name, value);
    }
    response
}

/// The parts of a request the checks and endpoints look at.
struct Incoming<'a> {
    headers: &'a HeaderMap,
    body: Result<&'a [u8], &'a ApiError>,
    endpoint: Result<Endpoint, ApiError>,
    authorized: bool,
}

/// The reply, how to deliver it, and the `Content-Length` to announce.
async fn answer(
    state: &AppState,
    request: &Incoming<'_>,
    fault: Option<&Fault>,
) -> (Reply, Delivery, u64) {
    let action = fault.map(|fault| &fault.action);
    let (reply, delivery) = match action {
        None => (process(state, request, ListMode::Normal), Delivery::Normal),
        Some(FaultAction::Status {
            status,
            retry_after,
            body,
        }) => {
            let reply = match body {
                Some(text) => Reply::json(*status, vec![Bytes::from(text.clone())]),
                None => Reply::error(&ApiError::new(
                    *status,
                    reason_for_status(*status),
                    format!("injected fault: HTTP {}", status.as_u16()),
                )),
            };
            let reply = match retry_after {
                Some(value) => reply.with_header(header::RETRY_AFTER, value),
                None => reply,
            };
            (reply, Delivery::Normal)
        }
        Some(FaultAction::Delay(delay)) => {
            tokio::time::sleep(*delay).await;
            (process(state, request, ListMode::Normal), Delivery::Normal)
        }
        Some(FaultAction::Reset) => {
            let mut reply = process(state, request, ListMode::Normal);
            let full = reply.len();
            reply.truncate(full / 2);
            return (reply, Delivery::Reset, full as u64);
        }
        Some(FaultAction::Truncate) => {
            let mut reply = process(state, request, ListMode::Normal);
            reply.truncate(reply.len() / 2);
            (reply, Delivery::Normal)
        }
        Some(FaultAction::NotJson(body)) => {
            let text = body.clone().unwrap_or_else(|| NOT_JSON_BODY.to_owned());
            let mut reply = Reply::json(StatusCode::OK, vec![Bytes::from(text)]);
            reply.content_type = "text/html; charset=utf-8";
            (reply, Delivery::Normal)
        }
        Some(FaultAction::BadJson(body)) => {
            let text = body.clone().unwrap_or_else(|| BAD_JSON_BODY.to_owned());
            (
                Reply::json(StatusCode::OK, vec![Bytes::from(text)]),
                Delivery::Normal,
            )
        }
        Some(FaultAction::RepeatCursor) => (
            process(state, request, ListMode::RepeatCursor),
            Delivery::Normal,
        ),
        Some(FaultAction::MoreWithoutCursor) => (
            process(state, request, ListMode::MoreWithoutCursor),
            Delivery::Normal,
        ),
        Some(FaultAction::Stall) => (process(state, request, ListMode::Normal), Delivery::Stall),
        Some(FaultAction::Trickle(interval)) => (
            process(state, request, ListMode::Normal),
            Delivery::Trickle(*interval),
        ),
        Some(FaultAction::CompressedTruncate(encoding)) => {
            let reply = process(state, request, ListMode::Normal);
            (
                compressed_truncate(reply, *encoding).await,
                Delivery::Normal,
            )
        }
        Some(FaultAction::LyingEncoding { encoding, body }) => {
            let reply = match body {
                Some(text) => Reply::json(StatusCode::OK, vec![Bytes::from(text.clone())]),
                None => process(state, request, ListMode::Normal),
            };
            (
                reply.with_header(header::CONTENT_ENCODING, encoding.name()),
                Delivery::Normal,
            )
        }
        Some(FaultAction::GzipBomb(inflated)) => (gzip_bomb_reply(*inflated), Delivery::Normal),
    };
    let declared = reply.len() as u64;
    (reply, delivery, declared)
}

/// The answer encoded as the compression layer would, then cut to its first half.
async fn compressed_truncate(reply: Reply, encoding: ContentEncoding) -> Reply {
    let plain: Vec<u8> = reply.chunks.concat();
    match faults::encode(encoding, &plain).await {
        Ok(mut encoded) => {
            encoded.truncate(encoded.len() / 2);
            Reply {
                chunks: vec![Bytes::from(encoded)],
                ..reply
            }
            .with_header(header::CONTENT_ENCODING, encoding.name())
        }
        Err(error) => internal_error(&error),
    }
}

/// A 200 whose gzip body inflates to `inflated` zero bytes.
fn gzip_bomb_reply(inflated: u64) -> Reply {
    match faults::gzip_bomb(inflated) {
        Ok(chunks) => Reply::json(StatusCode::OK, chunks)
            .with_header(header::CONTENT_ENCODING, ContentEncoding::Gzip.name()),
        Err(error) => internal_error(&error),
    }
}

/// A 500 for a fault body the server could not build.
fn internal_error(error: &FakeError) -> Reply {
    Reply::error(&ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        error.message(),
    ))
}

/// The true answer to a request, error or not.
fn process(state: &AppState, request: &Incoming<'_>, mode: ListMode) -> Reply {
    match checked(state, request, mode) {
        Ok(reply) => reply,
        Err(error) if error.status == StatusCode::METHOD_NOT_ALLOWED => {
            Reply::error(&error).with_header(header::ALLOW, "POST")
        }
        Err(error) => Reply::error(&error),
    }
}

/// The checks in the order the API applies them, then the endpoint itself.
fn checked(state: &AppState, request: &Incoming<'_>, mode: ListMode) -> Result<Reply, ApiError> {
    let endpoint = request.endpoint.clone()?;
    if !request.authorized {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "missing or invalid X-TQ-CLIENT-ID / X-TQ-SECRET",
        ));
    }
    validate::content_type(request.headers)?;
    let body = request.body.map_err(Clone::clone)?;
    let object = validate::json_object(body)?;
    match endpoint {
        Endpoint::List => handlers::list(state, &validate::list_request(&object)?, mode),
        Endpoint::Read => handlers::read(state, &validate::read_request(&object)?),
    }
}
