//! Every fault kind, scripted and random, as a client sees it on the wire.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use talque_fake::{FakeConfig, FaultEndpoint, FaultKind, FaultRule, MAIN_ORG_ID, SMALL_ORG_ID};

fn small_page() -> Value {
    json!({"orgId": SMALL_ORG_ID, "limit": 10})
}

#[test]
fn status_faults_answer_the_status_once() {
    let server = start_default();
    server.push_faults(vec![
        FaultRule::status(503).retry_after("2"),
        FaultRule::status(418).body("{\"x\":1}"),
    ]);
    let reply = api(&server, LIST, &small_page());
    reply.assert_error(503, "SERVICE_UNAVAILABLE");
    assert_eq!(reply.header("retry-after"), Some("2"));
    let reply = api(&server, LIST, &small_page());
    assert_eq!((reply.status, reply.text().as_str()), (418, "{\"x\":1}"));
    assert_eq!(reply.header("content-type"), Some(JSON_TYPE));
    assert_eq!(api(&server, LIST, &small_page()).status, 200);
}

#[test]
fn skip_times_and_endpoint_select_the_requests() {
    let server = start_default();
    server
        .push_faults_json(
            r#"[{"endpoint": "read", "kind": "status", "status": 500, "skip": 1, "times": 2}]"#,
        )
        .unwrap();
    let read = json!({"orgId": SMALL_ORG_ID, "provider": "pretix", "ticketIdList": ["x"]});
    assert_eq!(api(&server, LIST, &small_page()).status, 200);
    let statuses: Vec<u16> = (0..4).map(|_| api(&server, READ, &read).status).collect();
    assert_eq!(statuses, vec![200, 500, 500, 200]);
    assert!(server.push_faults_json(r#"[{"kind": "explode"}]"#).is_err());
    assert!(server.push_faults_json(r#"{"kind": "status"}"#).is_err());
    server.push_faults(vec![FaultRule::status(500).times(5)]);
    server.clear_faults();
    assert_eq!(api(&server, LIST, &small_page()).status, 200);
}

#[test]
fn delay_and_latency_slow_answers_down() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::Delay).delay_ms(300)]);
    let started = Instant::now();
    assert_eq!(api(&server, LIST, &small_page()).status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    server.set_latency_ms(200);
    let started = Instant::now();
    // Latency applies to every API request, errors included.
    api(&server, LIST, &json!({"orgId": "nope"})).assert_error(404, "NOT_FOUND");
    assert!(started.elapsed() >= Duration::from_millis(200));
    server.set_latency_ms(0);
}

#[test]
fn reset_sends_half_the_declared_body_then_drops_the_connection() {
    let server = start_default();
    let normal = api(&server, LIST, &small_page());
    server.push_faults(vec![FaultRule::new(FaultKind::Reset)]);
    let reply = api(&server, LIST, &small_page());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.content_length(), Some(normal.body.len()));
    assert_eq!(reply.body, normal.body[..normal.body.len() / 2]);
}

#[test]
fn truncate_sends_a_consistent_half_body() {
    let server = start_default();
    let normal = api(&server, LIST, &small_page());
    server.push_faults(vec![
        FaultRule::new(FaultKind::Truncate).on(FaultEndpoint::List)
    ]);
    let reply = api(&server, LIST, &small_page());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.read_error, None);
    assert_eq!(reply.content_length(), Some(reply.body.len()));
    assert_eq!(reply.body, normal.body[..normal.body.len() / 2]);
    assert!(serde_json::from_slice::<Value>(&reply.body).is_err());
}

#[test]
fn not_json_and_bad_json() {
    let server = start_default();
    server.push_faults(vec![
        FaultRule::new(FaultKind::NotJson),
        FaultRule::new(FaultKind::BadJson),
    ]);
    let reply = api(&server, LIST, &small_page());
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(reply.text(), "<html>oops</html>");
    let reply = api(&server, LIST, &small_page());
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some(JSON_TYPE));
    assert!(serde_json::from_slice::<Value>(&reply.body).is_err());
}

#[test]
fn repeat_cursor_hands_back_the_same_position() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::RepeatCursor).times(2)]);
    let first = list_page(&server, &small_page());
    assert_eq!(first["more"], true);
    // On the first page, the repeated cursor points at the first page again.
    let again = list_page(
        &server,
        &json!({"orgId": SMALL_ORG_ID, "limit": 10, "cursor": first["cursor"]}),
    );
    assert_eq!(again["tickets"], first["tickets"]);
    assert_eq!(again["cursor"], first["cursor"]);
    assert_eq!(again["more"], true);
    let next = list_page(
        &server,
        &json!({"orgId": SMALL_ORG_ID, "limit": 10, "cursor": again["cursor"]}),
    );
    assert_eq!(next["tickets"], first["tickets"]);
    assert_ne!(next["cursor"], first["cursor"]);
}

#[test]
fn more_without_cursor() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::MoreWithoutCursor)]);
    let page = list_page(&server, &json!({"orgId": SMALL_ORG_ID, "limit": 1000}));
    assert_eq!(
        (page["more"].clone(), page["cursor"].clone()),
        (json!(true), Value::Null)
    );
    assert_eq!(page["tickets"].as_array().unwrap().len(), 25);
}

#[test]
fn list_only_faults_skip_reads() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::MoreWithoutCursor)]);
    let read = json!({"orgId": SMALL_ORG_ID, "provider": "pretix", "ticketIdList": ["x"]});
    assert_eq!(api(&server, READ, &read).status, 200);
    assert_eq!(list_page(&server, &small_page())["cursor"], Value::Null);
}

#[test]
fn stall_sends_headers_and_never_the_body() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::Stall)]);
    let reply = api_within(&server, LIST, &small_page(), Duration::from_millis(400));
    assert_eq!(reply.status, 200);
    assert!(reply.content_length().unwrap() > 0);
    assert!(reply.body.is_empty());
    assert!(matches!(
        reply.read_error,
        Some(ErrorKind::WouldBlock | ErrorKind::TimedOut)
    ));
    assert!(eventually(
        || log(&server).last().unwrap()["completed"] == false
    ));
    // Stopping does not wait for the stalled connection for long.
    let started = Instant::now();
    server.stop();
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn trickle_sends_the_whole_body_slowly() {
    let server = start_default();
    let read = json!({"orgId": SMALL_ORG_ID, "provider": "p", "ticketIdList": ["x"]});
    let normal = api(&server, READ, &read);
    server.push_faults(vec![FaultRule::new(FaultKind::Trickle).delay_ms(2)]);
    let started = Instant::now();
    let reply = api(&server, READ, &read);
    assert_eq!(reply.body, normal.body);
    assert!(started.elapsed() >= Duration::from_millis(2 * (normal.body.len() as u64 - 1)));
    assert!(eventually(
        || log(&server).last().unwrap()["completed"] == true
    ));
}

#[test]
fn random_faults_are_seeded() {
    let config = FakeConfig {
        fault_rate: 0.5,
        fault_seed: 11,
        fault_kinds: vec![
            "status_500".into(),
            "status_502".into(),
            "status_503".into(),
            "status_429".into(),
        ],
        ..FakeConfig::default()
    };
    let run = || {
        let server = start(config.clone());
        let statuses: Vec<u16> = (0..40)
            .map(|_| api(&server, LIST, &small_page()).status)
            .collect();
        (statuses, server.stats_json())
    };
    let (first, stats) = run();
    let (second, _) = run();
    assert_eq!(first, second);
    let faulted = first.iter().filter(|status| **status != 200).count();
    assert!((8..=32).contains(&faulted), "{first:?}");
    assert!(first
        .iter()
        .all(|status| [200, 500, 502, 503, 429].contains(status)));
    let stats: Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["requests"], 40);
    assert_eq!(stats["faults_injected"], faulted);
    let by_kind: u64 = stats["by_kind"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(by_kind, faulted as u64);
}

#[test]
fn random_429s_carry_retry_after_and_scripted_rules_win() {
    let server = start_always_faulting(5, &["status_429"]);
    server.push_faults(vec![FaultRule::new(FaultKind::NotJson)]);
    assert_eq!(
        api(&server, LIST, &small_page()).text(),
        "<html>oops</html>"
    );
    for _ in 0..5 {
        let reply = api(&server, LIST, &small_page());
        reply.assert_error(429, "TOO_MANY_REQUESTS");
        assert!(matches!(reply.header("retry-after"), Some("0" | "1")));
    }
    assert!(server.set_random_faults(1.5, 0, None).is_err());
    assert!(server
        .set_random_faults(0.5, 0, Some(vec!["nope".into()]))
        .is_err());
    server.set_random_faults(0.0, 0, None).unwrap();
    assert_eq!(api(&server, LIST, &small_page()).status, 200);
}

#[test]
fn random_resets_truncations_and_delays_happen() {
    let server = start_always_faulting(3, &["reset", "truncate"]);
    let page = json!({"orgId": MAIN_ORG_ID, "limit": 2});
    for _ in 0..6 {
        let reply = api_within(&server, LIST, &page, Duration::from_secs(5));
        assert_eq!(reply.status, 200);
        assert!(
            reply.body.len() < reply.content_length().unwrap()
                || serde_json::from_slice::<Value>(&reply.body).is_err()
        );
    }
    server
        .set_random_faults(1.0, 3, Some(vec!["delay".into()]))
        .unwrap();
    assert_eq!(api(&server, LIST, &page).status, 200);
    let stats: Value = serde_json::from_str(&server.stats_json()).unwrap();
    assert_eq!(stats["faults_injected"], 7);
    assert_eq!(stats["by_kind"]["delay"], 1);
    assert_eq!(log(&server).last().unwrap()["fault"], "delay");
}
