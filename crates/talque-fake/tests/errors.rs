//! Status codes, reason codes and the error shape, in the order the API checks them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;
use talque_fake::{FakeConfig, EMPTY_ORG_ID, FORBIDDEN_ORG_ID, MAIN_ORG_ID};

#[test]
fn missing_or_wrong_credentials_are_401() {
    let server = start_default();
    let body = br#"{"orgId": "orgDemo0000000000001"}"#;
    let cases: [&[(&str, &str)]; 4] = [
        &[("Content-Type", "application/json")],
        &[
            ("Content-Type", "application/json"),
            ("X-TQ-CLIENT-ID", CLIENT_ID),
        ],
        &[
            ("Content-Type", "application/json"),
            ("X-TQ-CLIENT-ID", CLIENT_ID),
            ("X-TQ-SECRET", "wrong"),
        ],
        &[
            ("Content-Type", "application/json"),
            ("X-TQ-CLIENT-ID", "other"),
            ("X-TQ-SECRET", SECRET),
        ],
    ];
    for headers in cases {
        send(&server.url(), "POST", LIST, headers, body).assert_error(401, "UNAUTHORIZED");
        send(&server.url(), "POST", READ, headers, body).assert_error(401, "UNAUTHORIZED");
    }
    // Credentials are checked before the body or the organisation.
    send(&server.url(), "POST", LIST, &[], b"garbage").assert_error(401, "UNAUTHORIZED");
}

#[test]
fn unknown_and_forbidden_orgs() {
    let server = start_default();
    let reply = api(&server, LIST, &json!({"orgId": "orgNope"}));
    reply.assert_error(404, "NOT_FOUND");
    assert_eq!(reply.json()["message"], "orgId does not exist");
    api(
        &server,
        READ,
        &json!({"orgId": "orgNope", "provider": "pretix", "ticketIdList": ["x"]}),
    )
    .assert_error(404, "NOT_FOUND");
    api(&server, LIST, &json!({"orgId": FORBIDDEN_ORG_ID})).assert_error(403, "FORBIDDEN");
    api(
        &server,
        READ,
        &json!({"orgId": FORBIDDEN_ORG_ID, "provider": "pretix", "ticketIdList": ["x"]}),
    )
    .assert_error(403, "FORBIDDEN");
    // The organisation is checked before the limit.
    api(&server, LIST, &json!({"orgId": "orgNope", "limit": 0})).assert_error(404, "NOT_FOUND");
}

#[test]
fn unknown_paths_and_wrong_methods() {
    let server = start_default();
    send(
        &server.url(),
        "POST",
        "/api/v1/ticket/nope",
        &auth_json(),
        b"{}",
    )
    .assert_error(404, "NOT_FOUND");
    send(&server.url(), "GET", "/", &[], b"").assert_error(404, "NOT_FOUND");
    let reply = send(&server.url(), "GET", LIST, &auth_json(), b"");
    reply.assert_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(reply.header("allow"), Some("POST"));
    send(&server.url(), "PUT", READ, &auth_json(), b"{}").assert_error(405, "METHOD_NOT_ALLOWED");
}

#[test]
fn content_type_must_be_json() {
    let server = start_default();
    let body = br#"{"orgId": "orgDemo0000000000001", "limit": 1}"#;
    let with_type = |content_type: Option<&str>| {
        let mut headers = vec![("X-TQ-CLIENT-ID", CLIENT_ID), ("X-TQ-SECRET", SECRET)];
        if let Some(content_type) = content_type {
            headers.push(("Content-Type", content_type));
        }
        send(&server.url(), "POST", LIST, &headers, body)
    };
    with_type(None).assert_error(400, "INVALID_REQUEST");
    with_type(Some("text/plain")).assert_error(400, "INVALID_REQUEST");
    with_type(Some("application/x-www-form-urlencoded")).assert_error(400, "INVALID_REQUEST");
    assert_eq!(
        with_type(Some("application/json; charset=utf-8")).status,
        200
    );
    assert_eq!(with_type(Some("Application/JSON")).status, 200);
}

#[test]
fn bodies_must_match_the_request_schema() {
    let server = start_default();
    let raw = |body: &[u8]| send(&server.url(), "POST", LIST, &auth_json(), body);
    raw(b"").assert_error(400, "INVALID_REQUEST");
    raw(b"{not json").assert_error(400, "INVALID_REQUEST");
    raw(b"[]").assert_error(400, "INVALID_REQUEST");
    for body in [
        json!({}),
        json!({"orgId": 5}),
        json!({"orgId": MAIN_ORG_ID, "limit": "10"}),
        json!({"orgId": MAIN_ORG_ID, "limit": 2.5}),
        json!({"orgId": MAIN_ORG_ID, "limit": null}),
        json!({"orgId": MAIN_ORG_ID, "profileId": 7}),
        json!({"orgId": MAIN_ORG_ID, "cursor": false}),
        json!({"orgId": MAIN_ORG_ID, "orgID": MAIN_ORG_ID}),
    ] {
        api(&server, LIST, &body).assert_error(400, "INVALID_REQUEST");
    }
    for body in [
        json!({"orgId": MAIN_ORG_ID, "provider": "pretix"}),
        json!({"orgId": MAIN_ORG_ID, "ticketIdList": ["a"]}),
        json!({"orgId": MAIN_ORG_ID, "provider": "pretix", "ticketIdList": "a"}),
        json!({"orgId": MAIN_ORG_ID, "provider": "pretix", "ticketIdList": [1, 2]}),
        json!({"orgId": MAIN_ORG_ID, "provider": "pretix", "ticketIdList": ["a"], "extra": 1}),
    ] {
        api(&server, READ, &body).assert_error(400, "INVALID_REQUEST");
    }
}

#[test]
fn limits_are_enforced() {
    let server = start(FakeConfig {
        max_limit: 50,
        max_read_ids: 5,
        ..FakeConfig::default()
    });
    for limit in [json!(0), json!(-1), json!(51), json!(u64::MAX)] {
        api(
            &server,
            LIST,
            &json!({"orgId": MAIN_ORG_ID, "limit": limit}),
        )
        .assert_error(400, "INVALID_REQUEST");
    }
    assert_eq!(
        list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 50}))["tickets"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    // Without a limit the page holds the default 100, capped by the configured maximum.
    assert_eq!(
        list_page(&server, &json!({"orgId": MAIN_ORG_ID}))["tickets"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    let read = |ids: Vec<String>| {
        api(
            &server,
            READ,
            &json!({"orgId": MAIN_ORG_ID, "provider": "pretix", "ticketIdList": ids}),
        )
    };
    read(vec![]).assert_error(400, "INVALID_REQUEST");
    read((0..6).map(|n| n.to_string()).collect()).assert_error(400, "INVALID_REQUEST");
    assert_eq!(read((0..5).map(|n| n.to_string()).collect()).status, 200);
    // The empty organisation still validates the limit.
    api(&server, LIST, &json!({"orgId": EMPTY_ORG_ID, "limit": 0}))
        .assert_error(400, "INVALID_REQUEST");
}

#[test]
fn default_limit_is_100() {
    let server = start_default();
    let page = list_page(&server, &json!({"orgId": MAIN_ORG_ID}));
    assert_eq!(page["tickets"].as_array().unwrap().len(), 100);
    assert_eq!(page["more"], true);
}
