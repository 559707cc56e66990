//! The HTTP control plane under `/_fake/`, for users of the fake in another process.
//!
//! It needs no credentials and does not appear in the request log: it steers the fake, it is
//! not part of the API being faked.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Router};
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api;
use crate::error::FakeError;
use crate::link;
use crate::reply::{ApiError, JSON_CONTENT_TYPE};
use crate::state::AppState;

/// The whole application: control routes, and the API pipeline for everything else.
pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/_fake/requests", get(requests).delete(clear_requests))
        .route("/_fake/faults", post(push_faults).delete(clear_faults))
        .route("/_fake/orgs", get(orgs))
        .route("/_fake/tickets/{org_id}", get(tickets).patch(edit_tickets))
        .route("/_fake/stats", get(stats))
        .route("/_fake/latency", put(set_latency))
        .route("/_fake/random-faults", put(set_random_faults))
        .route("/_fake/link", put(set_link))
        .fallback(api::handle)
        .layer(link::compression_layer(state.compression.clone()))
        // Outermost, so it sees the compressed bytes and paces what really goes out.
        .layer(middleware::map_response_with_state(
            state.clone(),
            link::wire_stage,
        ))
        .with_state(state)
}

fn json(status: StatusCode, body: impl Into<Bytes>) -> Response {
    let mut response = (status, body.into()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(JSON_CONTENT_TYPE),
    );
    response
}

fn ok() -> Response {
    json(StatusCode::OK, r#"{"success":true}"#)
}

fn bad_request(error: &FakeError) -> Response {
    let error = ApiError::invalid(error.message());
    json(error.status, error.body())
}

async fn requests(State(state): State<Arc<AppState>>) -> Response {
    json(StatusCode::OK, state.log.to_json())
}

async fn clear_requests(State(state): State<Arc<AppState>>) -> Response {
    state.log.clear();
    ok()
}

async fn push_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    match std::str::from_utf8(&body)
        .map_err(|err| FakeError::new(format!("fault rules are not UTF-8: {err}")))
        .and_then(|text| state.push_faults_json(text))
    {
        Ok(()) => ok(),
        Err(error) => bad_request(&error),
    }
}

async fn clear_faults(State(state): State<Arc<AppState>>) -> Response {
    state.clear_faults();
    ok()
}

async fn orgs(State(state): State<Arc<AppState>>) -> Response {
    match serde_json::to_string(&state.orgs()) {
        Ok(text) => json(StatusCode::OK, text),
        Err(err) => bad_request(&FakeError::new(err.to_string())),
    }
}

#[derive(Deserialize)]
struct TicketsQuery {
    #[serde(rename = "profileId")]
    profile_id: Option<String>,
}

async fn tickets(
    State(state): State<Arc<AppState>>,
    Path(org_id): Path<String>,
    Query(query): Query<TicketsQuery>,
) -> Response {
    match state.tickets_json(&org_id, query.profile_id.as_deref()) {
        Some(text) => json(StatusCode::OK, text),
        None => {
            let error = ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "orgId does not exist");
            json(error.status, error.body())
        }
    }
}

async fn edit_tickets(
    State(state): State<Arc<AppState>>,
    Path(org_id): Path<String>,
    body: Bytes,
) -> Response {
    if !state.orgs.iter().any(|org| org.id == org_id) {
        let error = ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "orgId does not exist");
        return json(error.status, error.body());
    }
    match std::str::from_utf8(&body)
        .map_err(|err| FakeError::new(format!("the edits are not UTF-8: {err}")))
        .and_then(|text| state.edit_tickets_json(&org_id, text))
    {
        Ok(text) => json(StatusCode::OK, text),
        Err(error) => bad_request(&error),
    }
}

async fn stats(State(state): State<Arc<AppState>>) -> Response {
    json(StatusCode::OK, state.log.stats_json())
}

/// Applies a one-setting body such as `{"ms": 20}`, or answers 400 naming the shape expected.
fn setting<T: DeserializeOwned>(body: &[u8], expected: &str, apply: impl FnOnce(T)) -> Response {
    match serde_json::from_slice::<T>(body) {
        Ok(value) => {
            apply(value);
            ok()
        }
        Err(err) => bad_request(&FakeError::new(format!("expected {expected}: {err}"))),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Latency {
    ms: u64,
}

async fn set_latency(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    setting(&body, r#"{"ms": n}"#, |latency: Latency| {
        state.set_latency_ms(latency.ms);
    })
}

/// The link settings; those not given stay as they are.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Link {
    latency_ms: Option<u64>,
    bandwidth_bytes_per_sec: Option<u64>,
    compression: Option<bool>,
}

async fn set_link(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let expected = r#"any of {"latency_ms": n, "bandwidth_bytes_per_sec": n, "compression": bool}"#;
    setting(&body, expected, |link: Link| {
        if let Some(ms) = link.latency_ms {
            state.set_latency_ms(ms);
        }
        if let Some(rate) = link.bandwidth_bytes_per_sec {
            state.set_bandwidth_bytes_per_sec(rate);
        }
        if let Some(enabled) = link.compression {
            state.set_compression(enabled);
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RandomFaultsBody {
    rate: f64,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    kinds: Option<Vec<String>>,
}

async fn set_random_faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let result = serde_json::from_slice::<RandomFaultsBody>(&body)
        .map_err(|err| FakeError::new(format!("expected {{\"rate\", \"seed\", \"kinds\"}}: {err}")))
        .and_then(|body| state.set_random_faults(body.rate, body.seed, body.kinds));
    match result {
        Ok(()) => ok(),
        Err(error) => bad_request(&error),
    }
}
