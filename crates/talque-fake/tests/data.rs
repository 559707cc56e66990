//! The generated data: determinism, every schema field and case, speed, and ticket files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use common::*;
use serde_json::{json, Value};
use talque_core::schema::{PERSON_FIELDS, TICKET_FIELDS};
use talque_fake::{FakeConfig, FakeServer, MAIN_ORG_ID, SMALL_ORG_ID};

/// Every property of a ticket in the spec: the core's ticket schema, the one list of them.
fn fields() -> Vec<&'static str> {
    TICKET_FIELDS.iter().map(|field| field.name).collect()
}

/// The properties the spec lets a ticket set to null or leave out; every other one is
/// required and never null.
const OPTIONAL: [&str; 8] = [
    "category",
    "extImageUrl",
    "mainId",
    "purchaser",
    "purchaseOrderId",
    "extPurchaseOrderId",
    "extSurveyId",
    "extData",
];

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = start(FakeConfig {
        seed: 42,
        ..FakeConfig::default()
    });
    let b = start(FakeConfig {
        seed: 42,
        ..FakeConfig::default()
    });
    let c = start(FakeConfig {
        seed: 43,
        ..FakeConfig::default()
    });
    for org in a.orgs() {
        assert_eq!(
            a.tickets_json(&org.org_id, None),
            b.tickets_json(&org.org_id, None)
        );
    }
    assert_eq!(a.orgs(), b.orgs());
    assert_ne!(
        a.tickets_json(MAIN_ORG_ID, None),
        c.tickets_json(MAIN_ORG_ID, None)
    );
    let page = |server: &FakeServer| {
        list_page(server, &json!({"orgId": MAIN_ORG_ID, "limit": 17}))["tickets"].clone()
    };
    assert_eq!(page(&a), page(&b));
    // Organisations differ from each other even with one seed.
    assert_ne!(
        truth(&a, SMALL_ORG_ID, None)[0],
        truth(&a, MAIN_ORG_ID, None)[0]
    );
}

/// How a key showed up across tickets: its JSON kinds, and whether it was ever absent.
#[derive(Default, Debug)]
struct Seen {
    kinds: HashSet<&'static str>,
    absent: bool,
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(true) => "true",
        Value::Bool(false) => "false",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(n) if n.as_u64().is_some_and(|n| n > 1 << 53) => "big",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn survey(objects: &[&Value], keys: &[&str]) -> HashMap<String, Seen> {
    let mut seen: HashMap<String, Seen> = HashMap::new();
    for object in objects {
        for key in keys {
            let entry = seen.entry((*key).to_owned()).or_default();
            match object.get(*key) {
                Some(value) => {
                    entry.kinds.insert(kind(value));
                }
                None => entry.absent = true,
            }
        }
    }
    seen
}

fn assert_cases(seen: &HashMap<String, Seen>, key: &str, kinds: &[&str], absent: bool) {
    let entry = &seen[key];
    for expected in kinds {
        assert!(
            entry.kinds.contains(expected),
            "{key} never is {expected}: {entry:?}"
        );
    }
    assert_eq!(entry.absent, absent, "{key} absent: {entry:?}");
}

fn check_coverage(tickets: &[Value]) {
    let all: Vec<&Value> = tickets.iter().collect();
    let fields = fields();
    let seen = survey(&all, &fields);
    for &key in fields.iter().filter(|key| !OPTIONAL.contains(key)) {
        assert!(!seen[key].absent, "{key} is required");
        assert!(!seen[key].kinds.contains("null"), "{key} is never null");
    }
    for key in [
        "extImageUrl",
        "mainId",
        "purchaseOrderId",
        "extPurchaseOrderId",
        "extSurveyId",
    ] {
        assert_cases(&seen, key, &["string", "null"], true);
    }
    assert_cases(&seen, "category", &["string", "null"], false);
    assert_cases(&seen, "purchaser", &["object", "null"], true);
    assert_cases(&seen, "isTest", &["true", "false"], false);
    assert_cases(&seen, "isVip", &["true", "false"], false);
    assert_cases(&seen, "isCheckInReset", &["true", "false"], false);
    let ext_data = [
        "object", "array", "string", "int", "float", "big", "true", "false", "null",
    ];
    assert_cases(&seen, "extData", &ext_data, true);
    let holders: Vec<&Value> = tickets.iter().map(|t| &t["holder"]).collect();
    let holder_seen = survey(&holders, &PERSON_FIELDS);
    for key in PERSON_FIELDS {
        assert_cases(&holder_seen, key, &["string", "null"], true);
    }
    assert!(holders
        .iter()
        .any(|h| PERSON_FIELDS.iter().all(|k| h[*k].is_string())));
    let purchasers: Vec<&Value> = tickets
        .iter()
        .filter_map(|t| t.get("purchaser"))
        .filter(|p| p.is_object())
        .collect();
    assert!(!purchasers.is_empty());
}

#[test]
fn every_schema_field_and_case_appears() {
    let server = start_default();
    let tickets = truth(&server, MAIN_ORG_ID, None);
    check_coverage(&tickets);
    // Variant cycling makes even the 25-ticket organisation show every case.
    check_coverage(&truth(&server, SMALL_ORG_ID, None));
    let raw = server.tickets_json(MAIN_ORG_ID, None).unwrap();
    assert!(raw.contains(":9007199254740993"));
    let big = tickets
        .iter()
        .find(|t| t["extData"].as_u64() == Some(9_007_199_254_740_993));
    assert!(big.is_some());
}

#[test]
fn field_values_are_plausible() {
    let server = start_default();
    let tickets = truth(&server, MAIN_ORG_ID, None);
    let mut org_ticket_ids = HashSet::new();
    let mut provider_ids = HashSet::new();
    let mut addons = 0;
    let mut names = String::new();
    for (index, ticket) in tickets.iter().enumerate() {
        let id = ticket["orgTicketId"].as_str().unwrap();
        assert!(
            id.len() == 20 && id.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{id}"
        );
        assert!(org_ticket_ids.insert(id.to_owned()));
        let provider = ticket["provider"].as_str().unwrap();
        assert!(["pretix", "eventbrite", "talque"].contains(&provider));
        assert!(provider_ids.insert((
            provider.to_owned(),
            ticket["ticketId"].as_str().unwrap().to_owned()
        )));
        let (ctime, mtime) = (
            ticket["ctime"].as_u64().unwrap(),
            ticket["mtime"].as_u64().unwrap(),
        );
        // Bought in the ten weeks before the doors first open (2025-09-16 08:00 CEST).
        assert!((SALES_OPEN_MS..SALES_CLOSE_MS).contains(&ctime), "{ctime}");
        assert!(mtime >= ctime);
        let course = ticket["course"].as_str().unwrap();
        assert!(["on-site", "virtual", "hybrid"].contains(&course));
        let check_ins: Vec<u64> = ticket["checkIns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_u64().unwrap())
            .collect();
        assert!(check_ins.len() <= 3);
        assert!(
            course != "virtual" || check_ins.is_empty(),
            "virtual tickets pass no door"
        );
        for stamp in &check_ins {
            assert!(in_opening_hours(*stamp), "{stamp}");
            assert!(mtime >= *stamp, "a check-in changes the ticket");
        }
        let categories = ticket["categories"].as_array().unwrap();
        assert_eq!(
            ticket["category"],
            categories.first().cloned().unwrap_or(Value::Null)
        );
        for key in [
            "tickets",
            "eventIds",
            "extEventIds",
            "vendorIds",
            "extVendorIds",
        ] {
            assert!(
                ticket[key].as_array().unwrap().iter().all(Value::is_string),
                "{key}"
            );
        }
        if let Some(main_id) = ticket.get("mainId").and_then(Value::as_str) {
            addons += 1;
            let main = tickets[..index]
                .iter()
                .find(|t| t["orgTicketId"] == main_id)
                .expect("main is earlier");
            assert!(
                main.get("mainId").and_then(Value::as_str).is_none(),
                "no add-on of an add-on"
            );
        }
        names.push_str(&ticket["holder"].to_string());
    }
    assert!((50..=150).contains(&addons), "{addons} add-ons");
    for needle in [
        "Zoë",
        "Łukasz",
        "山田",
        "Ærøskøbing",
        "🎉",
        "\\\"",
        "\\\\",
        "\\t",
        "\u{2028}",
    ] {
        assert!(names.contains(needle), "{needle}");
    }
}

/// 2025-07-08T00:00:00Z, ten weeks before the event.
const SALES_OPEN_MS: u64 = 1_751_932_800_000;
/// 2025-09-16T06:00:00Z, when the doors first open.
const SALES_CLOSE_MS: u64 = 1_758_002_400_000;
const HOUR_MS: u64 = 3_600_000;

/// Whether a time is on one of the three event days, 08:00 to 18:00 CEST (06:00 to 16:00 UTC).
fn in_opening_hours(stamp: u64) -> bool {
    let first_day = SALES_CLOSE_MS - 6 * HOUR_MS;
    let day = stamp
        .checked_sub(first_day)
        .map(|since| since / (24 * HOUR_MS));
    let hour = stamp % (24 * HOUR_MS) / HOUR_MS;
    matches!(day, Some(0..=2)) && (6..16).contains(&hour)
}

#[test]
fn the_data_looks_like_an_event() {
    let server = start(FakeConfig {
        tickets: 20_000,
        ..FakeConfig::default()
    });
    let tickets = truth(&server, MAIN_ORG_ID, None);
    let ctimes: Vec<u64> = tickets
        .iter()
        .map(|t| t["ctime"].as_u64().unwrap())
        .collect();
    assert!(
        ctimes.windows(2).all(|pair| pair[0] <= pair[1]),
        "list order is purchase order"
    );
    // Sales pick up towards the event: about a quarter in the first half of the sales period.
    let middle = SALES_OPEN_MS + (SALES_CLOSE_MS - SALES_OPEN_MS) / 2;
    let early = ctimes.iter().filter(|c| **c < middle).count() * 100 / tickets.len();
    assert!(
        (20..=30).contains(&early),
        "{early}% sold in the first half"
    );
    // Check-ins: the doors' first two hours carry the most, every hour of the day has some.
    let mut per_hour = [0usize; 24];
    let mut checked_in = 0;
    for ticket in &tickets {
        let stamps = ticket["checkIns"].as_array().unwrap();
        checked_in += usize::from(!stamps.is_empty());
        for stamp in stamps {
            per_hour[(stamp.as_u64().unwrap() % (24 * HOUR_MS) / HOUR_MS) as usize] += 1;
        }
    }
    let open: Vec<usize> = per_hour[6..16].to_vec();
    assert_eq!(open.iter().sum::<usize>(), per_hour.iter().sum::<usize>());
    assert!(open.iter().all(|n| *n > 0), "{open:?}");
    assert!(open[0] > open[2] * 2 && open[1] > open[4] * 2, "{open:?}");
    let share = checked_in * 100 / tickets.len();
    assert!((55..=85).contains(&share), "{share}% checked in");
    // Mostly attendees; VIPs are few, and most among speakers and sponsors; add-ons are
    // workshops, dinners and parking.
    let first = |t: &Value| t["category"].as_str().map(str::to_owned);
    let people: Vec<&Value> = tickets
        .iter()
        .filter(|t| t.get("mainId").and_then(Value::as_str).is_none())
        .collect();
    let attendees = people
        .iter()
        .filter(|t| first(t).as_deref() == Some("Attendee"))
        .count();
    assert!(
        (60..=80).contains(&(attendees * 100 / people.len())),
        "{attendees}"
    );
    let vip = |group: &[&&Value]| {
        group.iter().filter(|t| t["isVip"] == true).count() * 100 / group.len().max(1)
    };
    let (stars, others): (Vec<&&Value>, Vec<&&Value>) = people
        .iter()
        .partition(|t| matches!(first(t).as_deref(), Some("Speaker" | "Sponsor")));
    assert!(
        vip(&stars) >= 20 && vip(&others) <= 6,
        "{} {}",
        vip(&stars),
        vip(&others)
    );
    for addon in tickets
        .iter()
        .filter(|t| t.get("mainId").and_then(Value::as_str).is_some())
    {
        let category = addon["category"].as_str().unwrap();
        assert!(
            ["Workshop", "Gala Dinner", "Parking"].contains(&category),
            "{category}"
        );
    }
}

#[test]
fn large_data_sets_generate_fast() {
    let started = Instant::now();
    let server = start(FakeConfig {
        tickets: 100_000,
        ..FakeConfig::default()
    });
    let elapsed = started.elapsed();
    // Generous for unoptimised test builds; a release build needs a fraction of this.
    assert!(elapsed.as_secs_f64() < 10.0, "{elapsed:?}");
    assert_eq!(server.orgs()[0].ticket_count, 100_000);
    let page = list_page(&server, &json!({"orgId": MAIN_ORG_ID, "limit": 1000}));
    assert_eq!(page["tickets"].as_array().unwrap().len(), 1000);
    eprintln!("100k tickets in {elapsed:?}");
}

#[test]
fn tickets_files_are_served_verbatim() {
    let path = std::env::temp_dir().join(format!("talque-fake-it-{}.jsonl", std::process::id()));
    let lines = [
        r#"{"zeta": 1, "orgTicketId": "A", "provider": "pretix", "ticketId": "T1", "n": 9007199254740993, "f": 1.50, "holder": {"extUserId": "u1"}}"#,
        r#"{"orgTicketId": "B", "provider": "pretix", "ticketId": "T2", "holder": {"extUserId": "u2"}, "future": [null]}"#,
        r#"{"orgTicketId": "C", "provider": "other", "ticketId": "T1", "holder": {"extUserId": "u1"}}"#,
    ];
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let config = FakeConfig {
        tickets_file: Some(path.to_str().unwrap().to_owned()),
        ..FakeConfig::default()
    };
    let server = start(config);
    std::fs::remove_file(&path).unwrap();
    let minified: Vec<String> = lines
        .iter()
        .map(|line| line.replace(", ", ",").replace(": ", ":"))
        .collect();
    assert_eq!(
        server.tickets_json(MAIN_ORG_ID, None).unwrap(),
        format!("[{}]", minified.join(","))
    );
    let page = api(&server, LIST, &json!({"orgId": MAIN_ORG_ID, "limit": 2}));
    assert!(page.text().contains(r#""n":9007199254740993,"f":1.50"#));
    let u1 = list_all(&server, MAIN_ORG_ID, Some("u1"), 1);
    assert_eq!(
        u1.iter()
            .map(|t| t["orgTicketId"].clone())
            .collect::<Vec<_>>(),
        vec![json!("A"), json!("C")]
    );
    let read = api(
        &server,
        READ,
        &json!({"orgId": MAIN_ORG_ID, "provider": "other", "ticketIdList": ["T1", "T2"]}),
    );
    let by_id = &read.json()["ticketById"];
    assert_eq!(by_id["T1"]["model"]["orgTicketId"], "C");
    assert_eq!(by_id["T2"]["success"], false);
    // The other organisations are still generated.
    assert_eq!(server.orgs()[1].ticket_count, 25);
}
