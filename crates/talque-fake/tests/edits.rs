//! Editing tickets as Talque does: the change and a new `mtime` show in later listings and
//! reads, and the order and the cursors stay as they were.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::*;
use serde_json::{json, Value};
use talque_fake::{MAIN_ORG_ID, SMALL_ORG_ID};

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn edits(entries: &[(&Value, Value)]) -> String {
    let list: Vec<Value> = entries
        .iter()
        .map(|(ticket, patch)| json!({"orgTicketId": ticket["orgTicketId"], "patch": patch}))
        .collect();
    serde_json::to_string(&list).unwrap()
}

#[test]
fn an_edit_shows_in_later_pages_reads_and_the_ground_truth() {
    let server = start_default();
    let before = truth(&server, MAIN_ORG_ID, None);
    let first = list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 300}));
    let started = now_ms();
    // One ticket on the page already fetched, two further on (one at the very end).
    let (early, later, last) = (&before[3], &before[700], &before[999]);
    let patch = json!({"holder": {"email": "new.holder@example.com"}});
    let edited: Value = serde_json::from_str(
        &server
            .edit_tickets_json(
                MAIN_ORG_ID,
                &edits(&[
                    (early, patch.clone()),
                    (later, patch.clone()),
                    (last, json!({"isVip": true})),
                ]),
            )
            .unwrap(),
    )
    .unwrap();
    assert_eq!(edited.as_array().unwrap().len(), 3);
    let after = truth(&server, MAIN_ORG_ID, None);
    assert_eq!(after.len(), before.len());
    for (index, (old, new)) in before.iter().zip(&after).enumerate() {
        assert_eq!(
            old["orgTicketId"], new["orgTicketId"],
            "order kept at {index}"
        );
        if [3, 700, 999].contains(&index) {
            assert!(new["mtime"].as_u64().unwrap() >= started);
            let mut expected = old.clone();
            expected["mtime"] = new["mtime"].clone();
            if index == 999 {
                expected["isVip"] = json!(true);
            } else {
                expected["holder"]["email"] = json!("new.holder@example.com");
            }
            assert_eq!(new, &expected, "only the patched keys and mtime change");
            assert_eq!(
                new,
                &edited[[3, 700, 999].iter().position(|i| *i == index).unwrap()]
            );
        } else {
            assert_eq!(old, new);
        }
    }
    // The cursor handed out before the edit still continues where it left off.
    let mut rest = Vec::new();
    let mut cursor = first["cursor"].clone();
    while cursor.is_string() {
        let page = list_page(
            &server,
            &json!({"orgId": MAIN_ORG_ID, "limit": 300, "cursor": cursor}),
        );
        rest.extend(page["tickets"].as_array().unwrap().iter().cloned());
        cursor = page["cursor"].clone();
    }
    assert_eq!(rest, after[300..].to_vec());
    assert_eq!(list_all(&server, MAIN_ORG_ID, None, 1000), after);
    let read = api(
        &server,
        READ,
        &json!({"orgId": MAIN_ORG_ID, "provider": later["provider"], "ticketIdList": [later["ticketId"]]}),
    );
    assert_eq!(
        read.json()["ticketById"][later["ticketId"].as_str().unwrap()]["model"],
        after[700]
    );
    // A profile's listing shows the edit too.
    let profile = server.orgs()[0].profile_ids[0].clone();
    let profile_tickets = list_all(&server, MAIN_ORG_ID, Some(&profile), 50);
    assert_eq!(profile_tickets, truth(&server, MAIN_ORG_ID, Some(&profile)));
}

#[test]
fn bad_edits_change_nothing() {
    let server = start_default();
    let before = server.tickets_json(SMALL_ORG_ID, None).unwrap();
    let tickets = truth(&server, SMALL_ORG_ID, None);
    let good = (&tickets[0], json!({"isVip": true}));
    let unknown = json!({"orgTicketId": "nope"});
    for bad in [
        edits(&[good.clone(), (&unknown, json!({"isVip": true}))]),
        edits(&[good.clone(), (&tickets[1], json!({"ticketId": "changed"}))]),
        r#"[{"orgTicketId": "x"}]"#.to_owned(),
        r#"{"not": "a list"}"#.to_owned(),
    ] {
        assert!(
            server.edit_tickets_json(SMALL_ORG_ID, &bad).is_err(),
            "{bad}"
        );
    }
    assert!(server
        .edit_tickets_json("orgNope", &edits(&[good]))
        .is_err());
    assert_eq!(server.tickets_json(SMALL_ORG_ID, None).unwrap(), before);
}

#[test]
fn the_control_plane_edits_tickets() {
    let server = start_default();
    let ticket = truth(&server, SMALL_ORG_ID, None)[4].clone();
    let body = edits(&[(
        &ticket,
        json!({"holder": {"email": "x@example.com"}, "mtime": 42}),
    )]);
    let path = format!("/_fake/tickets/{SMALL_ORG_ID}");
    let reply = send(&server.url(), "PATCH", &path, &[], body.as_bytes());
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json()[0]["holder"]["email"], "x@example.com");
    assert_eq!(truth(&server, SMALL_ORG_ID, None)[4]["mtime"], 42);
    send(&server.url(), "PATCH", &path, &[], b"[{}]").assert_error(400, "INVALID_REQUEST");
    send(
        &server.url(),
        "PATCH",
        "/_fake/tickets/orgNope",
        &[],
        body.as_bytes(),
    )
    .assert_error(404, "NOT_FOUND");
    assert!(log(&server).is_empty());
}
