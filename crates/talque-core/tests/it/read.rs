//! Read batching: sizes, deduplication, order, concurrency bound and failure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use talque_core::{Client, Error};

use crate::common::{config, serve, Canned, Scripted};

#[derive(Default)]
struct Load {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    requests: AtomicUsize,
}

/// Answers each read with one `ticketById` entry per id, after a delay that makes later
/// batches finish first, so that ordering is really tested.
async fn answer(State(load): State<Arc<Load>>, body: Bytes) -> Response {
    load.requests.fetch_add(1, Ordering::SeqCst);
    let now = load.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    load.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let ids: Vec<String> = request["ticketIdList"]
        .as_array()
        .map(|ids| {
            ids.iter()
                .filter_map(|id| id.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let first: u64 = ids
        .first()
        .and_then(|id| id.trim_start_matches('i').parse().ok())
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_millis(60u64.saturating_sub(first * 2))).await;
    load.in_flight.fetch_sub(1, Ordering::SeqCst);
    if ids.iter().any(|id| id == "bad") {
        return (StatusCode::BAD_REQUEST, "{}").into_response();
    }
    let entries: serde_json::Map<String, serde_json::Value> = ids
        .into_iter()
        .map(|id| {
            let item = serde_json::json!({"success": true, "reason": "SUCCESS", "model": {"ticketId": id}});
            (id, item)
        })
        .collect();
    let reply = serde_json::json!({"orgId": "org", "provider": "p", "ticketById": entries});
    ([("content-type", "application/json")], reply.to_string()).into_response()
}

async fn start() -> (Arc<Load>, String) {
    let load = Arc::new(Load::default());
    let router = Router::new()
        .route("/api/v1/ticket/read", post(answer))
        .with_state(load.clone());
    (load, format!("http://{}", serve(router).await))
}

fn ids(count: usize) -> Vec<String> {
    (0..count).map(|index| format!("i{index}")).collect()
}

#[tokio::test]
async fn batches_in_order_with_bounded_concurrency() {
    let (load, url) = start().await;
    let mut settings = config(&url);
    settings.batch_size = 3;
    settings.max_concurrency = 2;
    let client = Client::new(settings).unwrap();
    let mut wanted = ids(20);
    // Duplicates are sent once, at their first position.
    wanted.insert(5, "i1".to_owned());
    wanted.push("i0".to_owned());
    let batches = client.read("org", "p", &wanted, None).await.unwrap();
    let sizes: Vec<usize> = batches.iter().map(|batch| batch.ids.len()).collect();
    assert_eq!(sizes, [3, 3, 3, 3, 3, 3, 2]);
    let sent: Vec<String> = batches.iter().flat_map(|batch| batch.ids.clone()).collect();
    assert_eq!(sent, ids(20));
    for batch in &batches {
        let body: serde_json::Value = serde_json::from_slice(&batch.body).unwrap();
        let keys: Vec<&String> = body["ticketById"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), batch.ids.len());
        assert!(batch.ids.iter().all(|id| keys.contains(&id)));
    }
    assert_eq!(load.requests.load(Ordering::SeqCst), 7);
    assert_eq!(load.max_in_flight.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn concurrency_one_is_sequential() {
    let (load, url) = start().await;
    let mut settings = config(&url);
    settings.batch_size = 2;
    settings.max_concurrency = 1;
    let client = Client::new(settings).unwrap();
    let batches = client.read("org", "p", &ids(7), None).await.unwrap();
    assert_eq!(batches.len(), 4);
    assert_eq!(load.max_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn empty_ids_make_no_request() {
    let server = Scripted::start(vec![Canned::json(500, "{}")]).await;
    let client = Client::new(config(&server.url)).unwrap();
    let batches = client.read("org", "p", &[], None).await.unwrap();
    assert!(batches.is_empty());
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn the_first_failure_fails_the_call_and_stops_the_rest() {
    let (load, url) = start().await;
    let mut settings = config(&url);
    settings.batch_size = 2;
    settings.max_concurrency = 1;
    let client = Client::new(settings).unwrap();
    let mut wanted = ids(10);
    wanted[3] = "bad".to_owned();
    let error = client.read("org", "p", &wanted, None).await.unwrap_err();
    assert!(
        matches!(error, Error::Status { status: 400, .. }),
        "{error:?}"
    );
    assert_eq!(load.requests.load(Ordering::SeqCst), 2);
}
