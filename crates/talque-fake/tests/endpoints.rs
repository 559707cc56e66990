//! Pagination, profile filters, cursors and reads against the ground truth.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;

use common::*;
use serde_json::{json, Value};
use talque_fake::{FakeConfig, EMPTY_ORG_ID, MAIN_ORG_ID, SMALL_ORG_ID};

#[test]
fn pagination_covers_every_ticket_once_in_order() {
    let server = start_default();
    let expected = truth(&server, MAIN_ORG_ID, None);
    assert_eq!(expected.len(), 1000);
    for limit in [1, 7, 100, 1000] {
        let got = list_all(&server, MAIN_ORG_ID, None, limit);
        assert_eq!(got, expected, "limit {limit}");
    }
    assert_eq!(list_all(&server, SMALL_ORG_ID, None, 10).len(), 25);
    assert_eq!(
        list_all(&server, EMPTY_ORG_ID, None, 10),
        Vec::<Value>::new()
    );
}

#[test]
fn a_full_page_is_the_ground_truth_byte_for_byte() {
    let server = start_default();
    let reply = api(
        &server,
        LIST,
        &json!({"orgId": SMALL_ORG_ID, "limit": 1000}),
    );
    let truth = server.tickets_json(SMALL_ORG_ID, None).unwrap();
    let expected =
        format!(r#"{{"orgId":"{SMALL_ORG_ID}","tickets":{truth},"cursor":null,"more":false}}"#);
    assert_eq!(reply.text(), expected);
}

#[test]
fn the_limit_may_change_between_pages_and_cursors_can_be_replayed() {
    let server = start_default();
    let expected = truth(&server, MAIN_ORG_ID, None);
    let first = list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 3}));
    let cursor = first["cursor"].clone();
    let second = list_page(
        &server,
        &json!({"orgId": MAIN_ORG_ID, "limit": 10, "cursor": cursor}),
    );
    assert_eq!(second["tickets"].as_array().unwrap()[..], expected[3..13]);
    let replay = list_page(
        &server,
        &json!({"orgId": MAIN_ORG_ID, "limit": 10, "cursor": cursor}),
    );
    assert_eq!(replay, second);
}

#[test]
fn profile_filters_partition_the_tickets() {
    let server = start_default();
    let orgs = server.orgs();
    let main = orgs.iter().find(|org| org.org_id == MAIN_ORG_ID).unwrap();
    assert!(
        (250..=400).contains(&main.profile_ids.len()),
        "{}",
        main.profile_ids.len()
    );
    let mut seen = HashSet::new();
    for profile_id in &main.profile_ids {
        assert!(
            profile_id.starts_with("prof") && profile_id.len() == 20,
            "{profile_id}"
        );
        let tickets = truth(&server, MAIN_ORG_ID, Some(profile_id));
        assert!(!tickets.is_empty());
        for ticket in &tickets {
            assert!(seen.insert(ticket["orgTicketId"].as_str().unwrap().to_owned()));
        }
    }
    assert_eq!(seen.len(), main.ticket_count);
    // Paging through one profile matches its ground truth.
    let busiest = main
        .profile_ids
        .iter()
        .max_by_key(|id| truth(&server, MAIN_ORG_ID, Some(id)).len())
        .unwrap();
    let expected = truth(&server, MAIN_ORG_ID, Some(busiest));
    assert!(expected.len() >= 2);
    assert_eq!(list_all(&server, MAIN_ORG_ID, Some(busiest), 1), expected);
    // Add-ons share their main ticket's profile.
    let ids: HashSet<&str> = expected
        .iter()
        .map(|t| t["orgTicketId"].as_str().unwrap())
        .collect();
    for ticket in &expected {
        if let Some(main_id) = ticket.get("mainId").and_then(Value::as_str) {
            assert!(ids.contains(main_id));
        }
    }
    // An unknown profile is an empty list, not an error; null means no filter.
    assert_eq!(
        list_all(&server, MAIN_ORG_ID, Some("profNope"), 10),
        Vec::<Value>::new()
    );
    let page = list_page(
        &server,
        &json!({"orgId": MAIN_ORG_ID, "profileId": null, "limit": 5}),
    );
    assert_eq!(
        page["tickets"].as_array().unwrap()[..],
        truth(&server, MAIN_ORG_ID, None)[..5]
    );
}

#[test]
fn tampered_or_foreign_cursors_are_rejected() {
    let server = start_default();
    let page = list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 5}));
    let cursor = page["cursor"].as_str().unwrap().to_owned();
    let with = |org: &str, profile: Value, cursor: &str| {
        api(
            &server,
            LIST,
            &json!({"orgId": org, "profileId": profile, "limit": 5, "cursor": cursor}),
        )
    };
    assert_eq!(with(MAIN_ORG_ID, Value::Null, &cursor).status, 200);
    let mut tampered = cursor.clone().into_bytes();
    let last = tampered.len() / 2;
    tampered[last] = if tampered[last] == b'x' { b'y' } else { b'x' };
    with(
        MAIN_ORG_ID,
        Value::Null,
        std::str::from_utf8(&tampered).unwrap(),
    )
    .assert_error(400, "INVALID_CURSOR");
    with(MAIN_ORG_ID, Value::Null, "").assert_error(400, "INVALID_CURSOR");
    with(MAIN_ORG_ID, Value::Null, "not a cursor").assert_error(400, "INVALID_CURSOR");
    with(SMALL_ORG_ID, Value::Null, &cursor).assert_error(400, "INVALID_CURSOR");
    let profile = server.orgs()[0].profile_ids[0].clone();
    with(MAIN_ORG_ID, json!(profile), &cursor).assert_error(400, "INVALID_CURSOR");
    // A cursor from another server with the very same data is foreign too.
    let other = start_default();
    let reply = api(
        &other,
        LIST,
        &json!({"orgId": MAIN_ORG_ID, "limit": 5, "cursor": cursor}),
    );
    reply.assert_error(400, "INVALID_CURSOR");
}

#[test]
fn reads_find_tickets_by_provider_and_id() {
    let server = start_default();
    let tickets = truth(&server, MAIN_ORG_ID, None);
    let pretix: Vec<&Value> = tickets
        .iter()
        .filter(|t| t["provider"] == "pretix")
        .take(3)
        .collect();
    let eventbrite = tickets
        .iter()
        .find(|t| t["provider"] == "eventbrite")
        .unwrap();
    let ids: Vec<&str> = pretix
        .iter()
        .map(|t| t["ticketId"].as_str().unwrap())
        .collect();
    let request = json!({
        "orgId": MAIN_ORG_ID,
        "provider": "pretix",
        "ticketIdList": [ids[0], ids[1], ids[2], ids[0], "nope", eventbrite["ticketId"]],
    });
    let reply = api(&server, READ, &request);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some(JSON_TYPE));
    let body = reply.json();
    assert_eq!(body["orgId"], MAIN_ORG_ID);
    assert_eq!(body["provider"], "pretix");
    let by_id = body["ticketById"].as_object().unwrap();
    assert_eq!(by_id.len(), 5, "duplicates collapse into one entry");
    for (id, ticket) in ids.iter().zip(&pretix) {
        assert_eq!(
            by_id[*id],
            json!({"success": true, "reason": "SUCCESS", "model": ticket})
        );
    }
    let missing = json!({"success": false, "reason": "NOT_FOUND", "model": null});
    assert_eq!(by_id["nope"], missing);
    // An eventbrite id asked for under "pretix" is not found: the provider is part of the key.
    assert_eq!(by_id[eventbrite["ticketId"].as_str().unwrap()], missing);
    // Entries come in request order.
    let text = reply.text();
    assert!(text.find(ids[0]).unwrap() < text.find(ids[1]).unwrap());
    assert!(text.find(ids[2]).unwrap() < text.find("\"nope\"").unwrap());
}

#[test]
fn reads_of_an_unknown_provider_find_nothing() {
    let server = start(FakeConfig {
        tickets: 10,
        ..FakeConfig::default()
    });
    let reply = api(
        &server,
        READ,
        &json!({"orgId": MAIN_ORG_ID, "provider": "", "ticketIdList": ["a\"b", "ü"]}),
    );
    let body = reply.json();
    assert_eq!(body["ticketById"]["a\"b"]["success"], false);
    assert_eq!(body["ticketById"]["ü"]["reason"], "NOT_FOUND");
}
