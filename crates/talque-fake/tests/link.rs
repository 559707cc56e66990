//! The link between the fake and a client: compression as a proxy does it, the bandwidth cap,
//! and the bytes on the wire in the log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use talque_fake::{FakeConfig, MAIN_ORG_ID};

fn big_page() -> Value {
    json!({"orgId": MAIN_ORG_ID, "limit": 1000})
}

fn last_entry(server: &talque_fake::FakeServer) -> Value {
    log(server).pop().unwrap()
}

#[test]
fn answers_are_compressed_as_the_request_accepts() {
    let server = start_default();
    let plain = api(&server, LIST, &big_page());
    assert_eq!(plain.header("content-encoding"), None);
    let entry = last_entry(&server);
    assert_eq!(entry["content_encoding"], Value::Null);
    assert_eq!(entry["response_bytes"], plain.body.len() as u64);
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        let accept = format!("{encoding}, identity;q=0.5");
        let reply = api_with(&server, LIST, &big_page(), &[("Accept-Encoding", &accept)]);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some(encoding));
        assert_eq!(reply.header("vary"), Some("accept-encoding"));
        let wire = dechunk(&reply);
        assert_eq!(decode(encoding, &wire).unwrap(), plain.body, "{encoding}");
        // Even level 1 at least halves the fake's ticket JSON, random ids and all.
        assert!(
            wire.len() * 2 < plain.body.len(),
            "{encoding}: {}",
            wire.len()
        );
        let entry = last_entry(&server);
        assert_eq!(entry["content_encoding"], encoding);
        assert_eq!(entry["response_bytes"], wire.len() as u64);
    }
    let stats: Value = serde_json::from_str(&server.stats_json()).unwrap();
    let logged: u64 = log(&server)
        .iter()
        .map(|entry| entry["response_bytes"].as_u64().unwrap())
        .sum();
    assert_eq!(stats["response_bytes"], logged);
}

#[test]
fn errors_are_compressed_too_and_the_control_plane_is_not_logged() {
    let server = start_default();
    let reply = send(
        &server.url(),
        "POST",
        LIST,
        &[("Accept-Encoding", "gzip")],
        b"{}",
    );
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    let body: Value = serde_json::from_slice(&decode("gzip", &dechunk(&reply)).unwrap()).unwrap();
    assert_eq!(body["reason"], "UNAUTHORIZED");
    let control = send(&server.url(), "GET", "/_fake/stats", &[], b"");
    assert_eq!(control.status, 200);
    assert_eq!(log(&server).len(), 1);
}

#[test]
fn the_switch_turns_compression_off_and_on() {
    let server = start(FakeConfig {
        compression: false,
        ..FakeConfig::default()
    });
    let gzip = [("Accept-Encoding", "gzip")];
    let reply = api_with(&server, LIST, &big_page(), &gzip);
    assert_eq!(reply.header("content-encoding"), None);
    assert_eq!(reply.content_length(), Some(reply.body.len()));
    server.set_compression(true);
    let reply = api_with(&server, LIST, &big_page(), &gzip);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    let put = |body: &str| send(&server.url(), "PUT", "/_fake/link", &[], body.as_bytes());
    assert_eq!(put(r#"{"compression": false}"#).status, 200);
    let reply = api_with(&server, LIST, &big_page(), &gzip);
    assert_eq!(reply.header("content-encoding"), None);
    put(r#"{"on": true}"#).assert_error(400, "INVALID_REQUEST");
}

#[test]
fn the_bandwidth_cap_paces_the_bytes_on_the_wire() {
    let rate: u64 = 400_000;
    let server = start(FakeConfig {
        bandwidth_bytes_per_sec: rate,
        ..FakeConfig::default()
    });
    let started = Instant::now();
    let reply = api(&server, LIST, &json!({"orgId": MAIN_ORG_ID, "limit": 200}));
    let elapsed = started.elapsed();
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_length(), Some(reply.body.len()));
    let bytes = reply.body.len() as u64;
    assert_eq!(last_entry(&server)["response_bytes"], bytes);
    // A lower bound only: pacing can make an answer slower than this, never faster. The first
    // piece (a 50th of a second's worth) leaves at once.
    let floor = Duration::from_secs_f64((bytes - rate / 50) as f64 / rate as f64);
    assert!(
        elapsed >= floor,
        "{bytes} bytes in {elapsed:?}, floor {floor:?}"
    );
    let put = |body: &str| send(&server.url(), "PUT", "/_fake/link", &[], body.as_bytes());
    assert_eq!(put(r#"{"bandwidth_bytes_per_sec": 0}"#).status, 200);
    let reply = api(&server, LIST, &json!({"orgId": MAIN_ORG_ID, "limit": 200}));
    assert_eq!(reply.body.len() as u64, bytes);
    put(r#"{"bandwidth_bytes_per_sec": -1}"#).assert_error(400, "INVALID_REQUEST");
}
