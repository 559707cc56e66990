//! The request log, dropped connections, the HTTP control plane and the server lifecycle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use talque_fake::{FakeConfig, FakeServer, FaultKind, FaultRule, MAIN_ORG_ID, SMALL_ORG_ID};

#[test]
fn the_log_records_requests_with_the_secret_redacted() {
    let server = start_default();
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID, "limit": 2}));
    send(
        &server.url(),
        "POST",
        READ,
        &[("X-TQ-SECRET", "not-it")],
        b"plain text",
    );
    let entries = log(&server);
    assert_eq!(entries.len(), 2);
    let first = &entries[0];
    assert_eq!(first["method"], "POST");
    assert_eq!(first["path"], LIST);
    assert_eq!(first["headers"]["x-tq-client-id"], CLIENT_ID);
    assert_eq!(first["headers"]["x-tq-secret"], "<redacted>");
    assert_eq!(first["headers"]["content-type"], "application/json");
    assert_eq!(first["authorized"], true);
    assert_eq!(first["body"], json!({"orgId": SMALL_ORG_ID, "limit": 2}));
    assert!(first.get("raw_body").is_none());
    assert_eq!(
        (first["status"].clone(), first["fault"].clone()),
        (json!(200), Value::Null)
    );
    assert!(eventually(|| log(&server)[0]["completed"] == true));
    let second = &entries[1];
    assert_eq!(
        second["seq"].as_u64().unwrap(),
        first["seq"].as_u64().unwrap() + 1
    );
    assert_eq!(second["authorized"], false);
    assert_eq!(second["body"], Value::Null);
    assert_eq!(second["raw_body"], "plain text");
    assert_eq!(second["status"], 401);
    assert_eq!(second["headers"]["x-tq-secret"], "<redacted>");
    assert!(!server.requests_json().contains(SECRET) && !server.requests_json().contains("not-it"));
    server.clear_requests();
    assert_eq!(log(&server).len(), 0);
    assert_eq!(
        server.stats_json(),
        r#"{"requests":0,"faults_injected":0,"by_kind":{},"response_bytes":0,"connections":0,"tls_handshakes":0,"tls_failures":0}"#
    );
}

#[test]
fn a_client_that_hangs_up_shows_as_a_dropped_connection() {
    let server = start(FakeConfig {
        latency_ms: 400,
        ..FakeConfig::default()
    });
    let mut stream = TcpStream::connect(server.url().trim_start_matches("http://")).unwrap();
    let body = serde_json::to_vec(&json!({"orgId": SMALL_ORG_ID})).unwrap();
    let head = format!(
        "POST {LIST} HTTP/1.1\r\nHost: x\r\nX-TQ-CLIENT-ID: {CLIENT_ID}\r\nX-TQ-SECRET: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&body).unwrap();
    assert!(eventually(|| log(&server).len() == 1));
    drop(stream);
    // Well after the latency would have run out, the request is still unanswered and
    // incomplete: the server dropped the handler with the connection.
    std::thread::sleep(Duration::from_millis(700));
    let entry = &log(&server)[0];
    assert_eq!(entry["completed"], false);
    assert_eq!(entry["status"], Value::Null);
}

#[test]
fn a_client_that_hangs_up_during_a_delay_still_shows_the_fault() {
    let server = start_default();
    server.push_faults(vec![FaultRule::new(FaultKind::Delay).delay_ms(2000)]);
    let reply = api_within(
        &server,
        LIST,
        &json!({"orgId": SMALL_ORG_ID}),
        Duration::from_millis(200),
    );
    assert_eq!(reply.status, 0, "the client gave up before any answer");
    // The client's socket is closed once `send_timeout` returns.
    std::thread::sleep(Duration::from_millis(300));
    let entry = &log(&server)[0];
    assert_eq!(entry["fault"], "delay");
    assert_eq!(entry["status"], Value::Null);
    assert_eq!(entry["completed"], false);
    assert_eq!(
        serde_json::from_str::<Value>(&server.stats_json()).unwrap()["by_kind"]["delay"],
        1
    );
}

#[test]
fn the_control_plane_speaks_http() {
    let server = start_default();
    let url = server.url();
    let get = |path: &str| send(&url, "GET", path, &[], b"");
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID}));
    let requests = get("/_fake/requests");
    assert_eq!(requests.header("content-type"), Some(JSON_TYPE));
    assert_eq!(requests.json().as_array().unwrap().len(), 1);
    // Control requests are not logged.
    assert_eq!(get("/_fake/requests").json().as_array().unwrap().len(), 1);
    assert_eq!(get("/_fake/stats").json()["requests"], 1);
    assert_eq!(
        send(&url, "DELETE", "/_fake/requests", &[], b"").status,
        200
    );
    assert_eq!(get("/_fake/requests").json(), json!([]));

    let orgs = get("/_fake/orgs").json();
    assert_eq!(orgs.as_array().unwrap().len(), 4);
    assert_eq!(orgs[0]["org_id"], MAIN_ORG_ID);
    assert_eq!(orgs[0]["ticket_count"], 1000);
    assert_eq!(orgs[3]["forbidden"], true);
    let tickets = get(&format!("/_fake/tickets/{SMALL_ORG_ID}"));
    assert_eq!(
        tickets.text(),
        server.tickets_json(SMALL_ORG_ID, None).unwrap()
    );
    let profile = orgs[0]["profile_ids"][0].as_str().unwrap();
    let filtered = get(&format!("/_fake/tickets/{MAIN_ORG_ID}?profileId={profile}"));
    assert_eq!(
        filtered.text(),
        server.tickets_json(MAIN_ORG_ID, Some(profile)).unwrap()
    );
    get("/_fake/tickets/orgNope").assert_error(404, "NOT_FOUND");

    let rules = br#"[{"kind": "status", "status": 502}]"#;
    assert_eq!(send(&url, "POST", "/_fake/faults", &[], rules).status, 200);
    send(&url, "POST", "/_fake/faults", &[], b"[{\"kind\": 1}]")
        .assert_error(400, "INVALID_REQUEST");
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID})).assert_error(502, "BAD_GATEWAY");
    send(&url, "POST", "/_fake/faults", &[], rules);
    assert_eq!(send(&url, "DELETE", "/_fake/faults", &[], b"").status, 200);
    assert_eq!(
        api(&server, LIST, &json!({"orgId": SMALL_ORG_ID})).status,
        200
    );

    assert_eq!(
        send(&url, "PUT", "/_fake/latency", &[], br#"{"ms": 150}"#).status,
        200
    );
    let started = Instant::now();
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID}));
    assert!(started.elapsed() >= Duration::from_millis(150));
    send(&url, "PUT", "/_fake/latency", &[], br#"{"ms": 0}"#);
    let random = br#"{"rate": 1.0, "seed": 1, "kinds": ["status_503"]}"#;
    assert_eq!(
        send(&url, "PUT", "/_fake/random-faults", &[], random).status,
        200
    );
    assert_eq!(
        api(&server, LIST, &json!({"orgId": SMALL_ORG_ID})).status,
        503
    );
    send(&url, "PUT", "/_fake/random-faults", &[], br#"{"rate": 7}"#)
        .assert_error(400, "INVALID_REQUEST");
    send(&url, "PUT", "/_fake/random-faults", &[], br#"{"rate": 0}"#);
    assert_eq!(
        api(&server, LIST, &json!({"orgId": SMALL_ORG_ID})).status,
        200
    );
}

#[test]
fn the_handle_is_shared_across_threads_and_stops_once() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<FakeServer>();
    let server = Arc::new(start_default());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    assert_eq!(
                        list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 50}))["more"],
                        true
                    );
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(log(&server).len(), 40);
    let address = server.url().trim_start_matches("http://").to_owned();
    server.stop();
    server.stop();
    assert!(TcpStream::connect(&address).is_err());
}

#[test]
fn config_reports_the_bound_port_and_bad_configs_fail() {
    let server = start_default();
    assert!(server
        .url()
        .ends_with(&format!(":{}", server.config().port)));
    assert_ne!(server.config().port, 0);
    let taken = FakeConfig {
        port: server.config().port,
        ..FakeConfig::default()
    };
    assert!(FakeServer::start(taken)
        .unwrap_err()
        .to_string()
        .contains("cannot bind"));
    assert!(FakeServer::start(FakeConfig {
        fault_rate: -0.1,
        ..FakeConfig::default()
    })
    .is_err());
    let file = FakeConfig {
        tickets_file: Some("/nonexistent.jsonl".into()),
        ..FakeConfig::default()
    };
    assert!(FakeServer::start(file).is_err());
}

#[test]
fn custom_credentials_and_orgs() {
    let config: FakeConfig = serde_json::from_str(
        r#"{"client_id": "me", "secret": "s3", "orgs": [{"org_id": "orgA", "tickets": 3}, {"org_id": "orgB", "tickets": 2, "forbidden": true}]}"#,
    )
    .unwrap();
    let server = start(config);
    let headers = [
        ("X-TQ-CLIENT-ID", "me"),
        ("X-TQ-SECRET", "s3"),
        ("Content-Type", "application/json"),
    ];
    let reply = send(
        &server.url(),
        "POST",
        LIST,
        &headers,
        br#"{"orgId": "orgA"}"#,
    );
    assert_eq!(reply.json()["tickets"].as_array().unwrap().len(), 3);
    send(
        &server.url(),
        "POST",
        LIST,
        &headers,
        br#"{"orgId": "orgB"}"#,
    )
    .assert_error(403, "FORBIDDEN");
    api(&server, LIST, &json!({"orgId": "orgA"})).assert_error(401, "UNAUTHORIZED");
    api(&server, LIST, &json!({"orgId": MAIN_ORG_ID})).assert_error(401, "UNAUTHORIZED");
}

#[test]
fn the_fake_starts_and_stops_inside_another_runtime() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let server = start_default();
        assert_eq!(
            api(&server, LIST, &json!({"orgId": SMALL_ORG_ID})).status,
            200
        );
        drop(server);
    });
}
