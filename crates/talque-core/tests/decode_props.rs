//! Property tests of response decoding: whatever bytes a server answers a 200 with, the
//! client never panics; it accepts exactly the bodies with the documented envelope (and
//! returns them byte for byte) and rejects everything else with `Error::InvalidResponse`.
//!
//! The shape checks are crate-private, so every case goes through the public `Client`
//! against a local axum server whose next answer the test sets. JSON is generated as text
//! (not via `serde_json::Value`), so that numbers beyond `u64`/`f64`, every string escape
//! and astral characters are covered too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, OnceLock};

use axum::body::Body;
use axum::extract::State;
use axum::response::Response;
use axum::Router;
use futures::stream;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use talque_core::{Client, ClientConfig, Error, ListPage, ListRequest, ReadBatch, Secret};
use tokio::net::TcpListener;

// ---------------------------------------------------------------------------------------
// A local server whose answer each case sets

#[derive(Clone)]
struct Answer {
    body: Vec<u8>,
    chunked: bool,
}

type Shared = Arc<Mutex<Answer>>;

struct Harness {
    answer: Shared,
    client: Client,
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
    })
}

async fn reply(State(answer): State<Shared>) -> Response {
    let answer = answer.lock().unwrap().clone();
    let body = if answer.chunked {
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
            answer.body.chunks(997).map(|c| Ok(c.to_vec())).collect();
        Body::from_stream(stream::iter(chunks))
    } else {
        Body::from(answer.body)
    };
    Response::builder()
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .unwrap()
}

impl Harness {
    fn start(max_response_bytes: usize) -> Harness {
        let answer: Shared = Arc::new(Mutex::new(Answer {
            body: Vec::new(),
            chunked: false,
        }));
        let router = Router::new().fallback(reply).with_state(answer.clone());
        let addr = runtime().block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            });
            addr
        });
        let mut config = ClientConfig::new(
            format!("http://{addr}"),
            "client-1",
            Secret::new("s3cr3t-value".to_owned()),
        );
        config.max_retries = 0;
        config.max_response_bytes = max_response_bytes;
        Harness {
            answer,
            client: Client::new(config).unwrap(),
        }
    }

    fn set(&self, body: &[u8], chunked: bool) {
        *self.answer.lock().unwrap() = Answer {
            body: body.to_vec(),
            chunked,
        };
    }

    fn list(&self, body: &[u8]) -> Result<ListPage, Error> {
        self.set(body, false);
        let request = ListRequest {
            org_id: "org".into(),
            profile_id: None,
            limit: 10,
            cursor: None,
        };
        runtime().block_on(self.client.list_page(&request, None))
    }

    fn read(&self, body: &[u8]) -> Result<Vec<ReadBatch>, Error> {
        self.set(body, false);
        runtime().block_on(self.client.read("org", "p", &["a".to_owned()], None))
    }
}

thread_local! {
    // Tests run in parallel threads; each gets its own server, so that one test's answer
    // is never served to another.
    static HARNESS: &'static Harness = Box::leak(Box::new(Harness::start(64 * 1024 * 1024)));
}

fn harness() -> &'static Harness {
    HARNESS.with(|harness| *harness)
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        // No regression files in the source tree.
        failure_persistence: None,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------------------
// JSON as text, with known kinds

/// A JSON value that remembers how it is spelled.
#[derive(Clone, Debug)]
enum Json {
    Null,
    Bool(bool),
    /// The number's exact text: any length, any exponent.
    Number(String),
    /// The string's value and whether to escape every non-ASCII character as `\uXXXX`.
    Str(String, bool),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    fn render(&self, spaced: bool, out: &mut String) {
        let gap = if spaced { " \n\t" } else { "" };
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
            Json::Number(text) => out.push_str(text),
            Json::Str(value, ascii) => render_string(value, *ascii, out),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(gap);
                    item.render(spaced, out);
                }
                out.push_str(gap);
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (index, (key, value)) in entries.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    out.push_str(gap);
                    render_string(key, spaced, out);
                    out.push_str(gap);
                    out.push(':');
                    value.render(spaced, out);
                }
                out.push_str(gap);
                out.push('}');
            }
        }
    }

    fn text(&self, spaced: bool) -> String {
        let mut out = String::new();
        self.render(spaced, &mut out);
        out
    }
}

fn render_string(value: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '/' if ascii => out.push_str("\\/"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c if ascii && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        2 => prop::char::range('\u{10000}', '\u{10FFFF}'),
        2 => prop::sample::select(vec!['"', '\\', '/', '\0', '\u{1f}', '\u{7f}', '\u{2028}', '\u{feff}', 'é', '😀']),
        2 => prop::char::range('a', 'z'),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..10).prop_map(|chars| chars.into_iter().collect())
}

fn string_value() -> impl Strategy<Value = Json> {
    (any_text(), any::<bool>()).prop_map(|(value, ascii)| Json::Str(value, ascii))
}

/// Numbers as text: integers past u64 and i64, long fractions, exponents past f64.
fn number() -> impl Strategy<Value = Json> {
    let digits = prop::collection::vec(0u8..10, 1..40);
    (
        any::<bool>(),
        digits,
        prop::option::of(prop::collection::vec(0u8..10, 1..25)),
        prop::option::of((
            prop::sample::select(vec!["e", "E", "e+", "e-", "E-"]),
            0u32..500,
        )),
        prop::sample::select(vec![
            None,
            Some("9007199254740993"),
            Some("18446744073709551616"),
            Some("-9223372036854775809"),
            Some("1e400"),
            Some("-0"),
            Some("0.0"),
        ]),
    )
        .prop_map(|(negative, int, frac, exp, fixed)| {
            if let Some(fixed) = fixed {
                return Json::Number(fixed.to_owned());
            }
            let mut text = String::new();
            if negative {
                text.push('-');
            }
            // No leading zeros: "0" alone, or a non-zero first digit.
            let first = int[0];
            if first == 0 {
                text.push('0');
            } else {
                for digit in &int {
                    text.push(char::from(b'0' + digit));
                }
            }
            if let Some(frac) = frac {
                text.push('.');
                for digit in frac {
                    text.push(char::from(b'0' + digit));
                }
            }
            if let Some((marker, value)) = exp {
                let _ = write!(text, "{marker}{value}");
            }
            Json::Number(text)
        })
}

fn scalar() -> impl Strategy<Value = Json> {
    prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        number(),
        string_value(),
    ]
}

fn any_json() -> impl Strategy<Value = Json> {
    scalar().prop_recursive(5, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::vec((any_text(), inner), 0..4).prop_map(Json::Object),
        ]
    })
}

fn any_object() -> impl Strategy<Value = Json> {
    prop::collection::vec((any_text(), any_json()), 0..5).prop_map(Json::Object)
}

fn of_kind(kind: &str) -> BoxedStrategy<Json> {
    match kind {
        "null" => Just(Json::Null).boxed(),
        "bool" => any::<bool>().prop_map(Json::Bool).boxed(),
        "number" => number().boxed(),
        "string" => string_value().boxed(),
        "array" => prop::collection::vec(scalar(), 0..3)
            .prop_map(Json::Array)
            .boxed(),
        _ => prop::collection::vec((any_text(), scalar()), 0..3)
            .prop_map(Json::Object)
            .boxed(),
    }
}

/// Any value that is not of the kinds in `allowed`.
fn other_than(allowed: &'static [&'static str]) -> impl Strategy<Value = Json> {
    let kinds = ["null", "bool", "number", "string", "array", "object"];
    prop::strategy::Union::new(
        kinds
            .into_iter()
            .filter(|kind| !allowed.contains(kind))
            .map(of_kind),
    )
}

fn unknown_entries(known: &'static [&'static str]) -> impl Strategy<Value = Vec<(String, Json)>> {
    prop::collection::vec(
        (
            any_text().prop_filter("an unknown key", move |key| !known.contains(&key.as_str())),
            any_json(),
        ),
        0..3,
    )
}

/// Mixes unknown entries among the known ones, at positions chosen by `order`.
fn interleave(
    known: Vec<(String, Json)>,
    extra: Vec<(String, Json)>,
    order: &[usize],
) -> Vec<(String, Json)> {
    let mut entries = known;
    for (index, entry) in extra.into_iter().enumerate() {
        let at = order.get(index).copied().unwrap_or(0) % (entries.len() + 1);
        entries.insert(at, entry);
    }
    entries
}

const LIST_KEYS: &[&str] = &["orgId", "tickets", "cursor", "more"];
const READ_KEYS: &[&str] = &["orgId", "provider", "ticketById"];
const ITEM_KEYS: &[&str] = &["success", "reason", "model"];

/// A valid list page, with the cursor, `more` and ticket count it carries.
#[derive(Clone, Debug)]
struct ValidPage {
    doc: Json,
    cursor: Option<String>,
    more: bool,
    tickets: usize,
}

fn valid_page() -> impl Strategy<Value = ValidPage> {
    (
        string_value(),
        prop::collection::vec(any_object(), 0..4),
        prop::option::of(any_text()),
        any::<bool>(),
        unknown_entries(LIST_KEYS),
        prop::collection::vec(any::<usize>(), 3),
    )
        .prop_map(|(org, tickets, cursor, more, extra, order)| {
            let count = tickets.len();
            let cursor_json = cursor
                .clone()
                .map_or(Json::Null, |value| Json::Str(value, false));
            let known = vec![
                ("orgId".to_owned(), org),
                ("tickets".to_owned(), Json::Array(tickets)),
                ("cursor".to_owned(), cursor_json),
                ("more".to_owned(), Json::Bool(more)),
            ];
            ValidPage {
                doc: Json::Object(interleave(known, extra, &order)),
                cursor,
                more,
                tickets: count,
            }
        })
}

fn valid_item() -> impl Strategy<Value = Json> {
    (
        any::<bool>(),
        string_value(),
        prop_oneof![Just(Json::Null), any_object()],
        unknown_entries(ITEM_KEYS),
        prop::collection::vec(any::<usize>(), 3),
    )
        .prop_map(|(success, reason, model, extra, order)| {
            let known = vec![
                ("success".to_owned(), Json::Bool(success)),
                ("reason".to_owned(), reason),
                ("model".to_owned(), model),
            ];
            Json::Object(interleave(known, extra, &order))
        })
}

fn valid_read() -> impl Strategy<Value = Json> {
    (
        string_value(),
        string_value(),
        prop::collection::vec((any_text(), valid_item()), 0..4),
        unknown_entries(READ_KEYS),
        prop::collection::vec(any::<usize>(), 3),
    )
        .prop_map(|(org, provider, items, extra, order)| {
            let known = vec![
                ("orgId".to_owned(), org),
                ("provider".to_owned(), provider),
                ("ticketById".to_owned(), Json::Object(items)),
            ];
            Json::Object(interleave(known, extra, &order))
        })
}

fn entries_of(doc: &mut Json) -> &mut Vec<(String, Json)> {
    match doc {
        Json::Object(entries) => entries,
        _ => unreachable!("generated envelopes are objects"),
    }
}

fn set_key(doc: &mut Json, key: &str, value: Json) {
    for entry in entries_of(doc).iter_mut() {
        if entry.0 == key {
            entry.1 = value.clone();
        }
    }
}

/// A list page broken in its envelope: a key missing, of the wrong kind, a ticket that is
/// not an object, or not an object at all.
fn broken_page() -> impl Strategy<Value = Json> {
    (
        valid_page(),
        0usize..8,
        prop::sample::select(LIST_KEYS.to_vec()),
        other_than(&["string"]),
        other_than(&["array"]),
        other_than(&["object"]),
        other_than(&["string", "null"]),
        other_than(&["bool"]),
    )
        .prop_map(
            |(page, how, key, not_string, not_array, not_object, not_cursor, not_bool)| {
                let mut doc = page.doc;
                match how {
                    0 => entries_of(&mut doc).retain(|entry| entry.0 != key),
                    1 => set_key(&mut doc, "orgId", not_string),
                    2 => set_key(&mut doc, "tickets", not_array),
                    3 => {
                        for entry in entries_of(&mut doc).iter_mut() {
                            if let ("tickets", Json::Array(items)) =
                                (entry.0.as_str(), &mut entry.1)
                            {
                                items.push(not_object.clone());
                            }
                        }
                    }
                    4 => set_key(&mut doc, "cursor", not_cursor),
                    5 => set_key(&mut doc, "more", not_bool),
                    // Not an object (objects are the one kind `other_than` leaves out).
                    _ => return not_object,
                }
                doc
            },
        )
}

fn broken_read() -> impl Strategy<Value = Json> {
    (
        valid_read(),
        0usize..9,
        prop::sample::select(READ_KEYS.to_vec()),
        prop::sample::select(ITEM_KEYS.to_vec()),
        other_than(&["string"]),
        other_than(&["object"]),
        other_than(&["bool"]),
        other_than(&["object", "null"]),
    )
        .prop_map(
            |(read, how, key, item_key, not_string, not_object, not_bool, not_model)| {
                let mut doc = read;
                // Breaking an item needs one: add a valid one to break.
                let mut item = vec![
                    ("success".to_owned(), Json::Bool(true)),
                    ("reason".to_owned(), Json::Str("SUCCESS".into(), false)),
                    ("model".to_owned(), Json::Null),
                ];
                let broken_item = match how {
                    0 => {
                        entries_of(&mut doc).retain(|entry| entry.0 != key);
                        return doc;
                    }
                    1 => {
                        let target = if key == "orgId" { "orgId" } else { "provider" };
                        set_key(&mut doc, target, not_string);
                        return doc;
                    }
                    2 => {
                        set_key(&mut doc, "ticketById", not_object);
                        return doc;
                    }
                    3 => not_object,
                    4 => {
                        item.retain(|entry| entry.0 != item_key);
                        Json::Object(item)
                    }
                    5 => {
                        item[0].1 = not_bool;
                        Json::Object(item)
                    }
                    6 => {
                        item[1].1 = not_string;
                        Json::Object(item)
                    }
                    7 => {
                        item[2].1 = not_model;
                        Json::Object(item)
                    }
                    _ => return not_object,
                };
                for entry in entries_of(&mut doc).iter_mut() {
                    if let ("ticketById", Json::Object(items)) = (entry.0.as_str(), &mut entry.1) {
                        items.push(("broken".to_owned(), broken_item.clone()));
                    }
                }
                doc
            },
        )
}

fn expect_invalid<T: std::fmt::Debug>(
    outcome: Result<T, Error>,
    body: &[u8],
) -> Result<String, TestCaseError> {
    match outcome {
        Err(Error::InvalidResponse(message)) => Ok(message),
        other => Err(TestCaseError::fail(format!(
            "{} -> {other:?}",
            String::from_utf8_lossy(body)
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// An independent oracle for arbitrary bytes

/// What the client must do with `body`: `Some(true)` accept, `Some(false)` reject, `None`
/// when the bytes are JSON that `serde_json::Value` cannot represent (numbers beyond f64,
/// nesting beyond 128) and the envelope decides alone.
fn list_oracle(body: &[u8]) -> Option<bool> {
    let Ok(text) = std::str::from_utf8(body) else {
        return Some(false);
    };
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(value) => Some(list_envelope_ok(&value)),
        Err(err) => {
            let message = err.to_string();
            // Values the shape check skips are scanned, not decoded: a lone surrogate
            // escape there is JSON's grammar, which RFC 8259 leaves to the reader.
            if message.contains("number out of range")
                || message.contains("recursion limit")
                || message.contains("surrogate")
            {
                None
            } else {
                Some(false)
            }
        }
    }
}

fn list_envelope_ok(value: &serde_json::Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    object
        .get("orgId")
        .is_some_and(serde_json::Value::is_string)
        && object
            .get("tickets")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|tickets| tickets.iter().all(serde_json::Value::is_object))
        && object
            .get("cursor")
            .is_some_and(|cursor| cursor.is_null() || cursor.is_string())
        && object
            .get("more")
            .is_some_and(serde_json::Value::is_boolean)
}

/// Bytes that look like JSON often enough to get past the first token.
fn jsonish_bytes() -> impl Strategy<Value = Vec<u8>> {
    let alphabet: Vec<u8> = b"{}[]\":, \n0123456789-+.eEtruefalsnl\\u/bxX\xff\x80\xc3\xed".to_vec();
    let tokens = prop::collection::vec(prop::sample::select(alphabet), 0..64);
    let prefixes = prop::sample::select(vec![
        &b""[..],
        b"{\"orgId\":\"o\",\"tickets\":[",
        b"{\"orgId\":\"o\",\"tickets\":[],\"cursor\":",
        b"{\"orgId\":\"o\",\"tickets\":[],\"cursor\":null,\"more\":",
        b"{\"orgId\":",
        b"[",
    ]);
    (prefixes, tokens).prop_map(|(prefix, tokens)| {
        let mut body = prefix.to_vec();
        body.extend(tokens);
        body
    })
}

/// A valid page's text with bytes cut, inserted or replaced.
fn damaged_page() -> impl Strategy<Value = Vec<u8>> {
    (
        valid_page(),
        prop::collection::vec((any::<usize>(), 0u8..3, any::<u8>()), 1..4),
    )
        .prop_map(|(page, edits)| {
            let mut body = page.doc.text(false).into_bytes();
            for (at, how, byte) in edits {
                let at = at % (body.len() + 1);
                match how {
                    0 => body.truncate(at),
                    1 => body.insert(at, byte),
                    _ if at < body.len() => body[at] = byte,
                    _ => body.push(byte),
                }
            }
            body
        })
}

const INVALID_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\x80",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xc0\xaf",
    b"\xe0\x80\xaf",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
];

// ---------------------------------------------------------------------------------------
// The properties

proptest! {
    #![proptest_config(config(160))]

    #[test]
    fn valid_pages_are_accepted_byte_for_byte(page in valid_page(), spaced in any::<bool>()) {
        let body = page.doc.text(spaced).into_bytes();
        let got = harness().list(&body);
        let got = got.map_err(|err| TestCaseError::fail(format!(
            "{} -> {err:?}", String::from_utf8_lossy(&body))))?;
        prop_assert_eq!(&got.body[..], &body[..]);
        prop_assert_eq!(got.cursor, page.cursor);
        prop_assert_eq!(got.more, page.more);
        prop_assert_eq!(got.ticket_count, page.tickets);
    }

    #[test]
    fn valid_read_answers_are_accepted_byte_for_byte(doc in valid_read(), spaced in any::<bool>()) {
        let body = doc.text(spaced).into_bytes();
        let batches = harness().read(&body).map_err(|err| TestCaseError::fail(format!(
            "{} -> {err:?}", String::from_utf8_lossy(&body))))?;
        prop_assert_eq!(batches.len(), 1);
        prop_assert_eq!(&batches[0].body[..], &body[..]);
        prop_assert_eq!(&batches[0].ids, &vec!["a".to_owned()]);
    }

    #[test]
    fn broken_pages_are_invalid_responses(doc in broken_page(), spaced in any::<bool>()) {
        let body = doc.text(spaced).into_bytes();
        let message = expect_invalid(harness().list(&body), &body)?;
        prop_assert!(message.starts_with("list response"), "{}", message);
    }

    #[test]
    fn broken_read_answers_are_invalid_responses(doc in broken_read(), spaced in any::<bool>()) {
        let body = doc.text(spaced).into_bytes();
        let message = expect_invalid(harness().read(&body), &body)?;
        prop_assert!(message.starts_with("read response"), "{}", message);
    }

    #[test]
    fn invalid_utf8_anywhere_is_an_invalid_response(
        page in valid_page(),
        at in any::<usize>(),
        bad in prop::sample::select(INVALID_UTF8.to_vec()),
    ) {
        let mut body = page.doc.text(false).into_bytes();
        let at = at % (body.len() + 1);
        body.splice(at..at, bad.iter().copied());
        let message = expect_invalid(harness().list(&body), &body)?;
        prop_assert!(message.contains("UTF-8"), "{}", message);
        let message = expect_invalid(harness().read(&body), &body)?;
        prop_assert!(message.contains("UTF-8"), "{}", message);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_match_the_oracle(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            jsonish_bytes(),
            damaged_page(),
        ],
    ) {
        let outcome = harness().list(&body);
        match (&outcome, list_oracle(&body)) {
            (Err(Error::InvalidResponse(_)), Some(false) | None) => {}
            (Ok(page), Some(true) | None) => prop_assert_eq!(&page.body[..], &body[..]),
            // A top-level array can be a positional struct to serde; see
            // `positional_arrays_are_not_envelopes` below for that known gap.
            (Ok(_), Some(false)) if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') => {}
            (other, expected) => prop_assert!(
                false,
                "{} -> {:?}, expected accept={:?}",
                String::from_utf8_lossy(&body), other, expected
            ),
        }
        // The read endpoint's checks hold up against the same bytes.
        match harness().read(&body) {
            Ok(_) | Err(Error::InvalidResponse(_)) => {}
            Err(other) => prop_assert!(false, "read: {:?}", other),
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn bodies_over_the_limit_are_refused(
        limit in 60usize..5_000,
        delta in -40isize..40,
        chunked in any::<bool>(),
    ) {
        // A client per case would be slow; a few fixed limits cover the boundary.
        thread_local! {
            static SMALL: &'static [Harness] = Box::leak(
                [60usize, 1_000, 4_999].iter().map(|l| Harness::start(*l)).collect::<Vec<_>>().into_boxed_slice(),
            );
        }
        let harnesses = SMALL.with(|small| *small);
        let harness = &harnesses[limit % harnesses.len()];
        let limit = harness.client.config().max_response_bytes;
        let compact = br#"{"orgId":"o","tickets":[],"cursor":null,"more":false}"#;
        let size = usize::try_from((limit as isize + delta).max(compact.len() as isize)).unwrap();
        let mut body = compact.to_vec();
        body.resize(size, b' ');
        harness.set(&body, chunked);
        let request = ListRequest { org_id: "org".into(), profile_id: None, limit: 10, cursor: None };
        let outcome = runtime().block_on(harness.client.list_page(&request, None));
        if size <= limit {
            prop_assert!(outcome.is_ok(), "{} bytes, limit {}: {:?}", size, limit, outcome);
        } else {
            let message = expect_invalid(outcome, b"(padded page)")?;
            prop_assert!(message.contains("max_response_bytes"), "{}", message);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Deep nesting: no stack overflow, whatever the depth

fn nested(depth: usize, open: &str, close: &str) -> String {
    format!("{}0{}", open.repeat(depth), close.repeat(depth))
}

#[test]
fn deep_nesting_inside_tickets_never_overflows_the_stack() {
    for depth in [100, 128, 129, 1_000, 100_000, 2_000_000] {
        for (open, close) in [("[", "]"), ("{\"k\":", "}")] {
            let body = format!(
                r#"{{"orgId":"o","tickets":[{{"extData":{}}}],"cursor":null,"more":false}}"#,
                nested(depth, open, close)
            );
            // Either outcome is a decision the Python layer can act on; a crash is not.
            match harness().list(body.as_bytes()) {
                Ok(page) => assert_eq!(page.ticket_count, 1),
                Err(Error::InvalidResponse(_)) => {}
                Err(other) => panic!("depth {depth}: {other:?}"),
            }
            let body = format!(
                r#"{{"orgId":"o","provider":"p","ticketById":{{"a":{{"success":true,"reason":"S","model":{{"x":{}}}}}}}}}"#,
                nested(depth, open, close)
            );
            match harness().read(body.as_bytes()) {
                Ok(_) | Err(Error::InvalidResponse(_)) => {}
                Err(other) => panic!("depth {depth}: {other:?}"),
            }
        }
    }
}

#[test]
fn deep_nesting_in_the_envelope_is_an_invalid_response() {
    for depth in [200, 100_000] {
        let deep = nested(depth, "[", "]");
        let bodies = [
            deep.clone(),
            format!(r#"{{"orgId":"o","tickets":{deep},"cursor":null,"more":false}}"#),
            format!(r#"{{"orgId":"o","tickets":[{deep}],"cursor":null,"more":false}}"#),
            format!(r#"{{"orgId":{deep},"tickets":[],"cursor":null,"more":false}}"#),
            "[".repeat(depth),
        ];
        for body in bodies {
            let outcome = harness().list(body.as_bytes());
            expect_invalid(outcome, &body.as_bytes()[..40]).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Known gap: serde's derived structs also accept a JSON array of the fields in order.

/// The envelope and each read item must be JSON objects (the spec says `"type":
/// "object"`), but the derived shape types also take `[orgId, tickets, cursor, more]`
/// and `[success, reason, model]` as positional structs. The Python layer rejects a
/// non-object top level, but a positional read item reaches the caller as a list.
#[test]
fn positional_arrays_are_not_envelopes() {
    let mut accepted = Vec::new();
    let lists: [&[u8]; 2] = [br#"["o",[],null,false]"#, br#"["o",[{}],"c",true]"#];
    for body in lists {
        if harness().list(body).is_ok() {
            accepted.push(String::from_utf8_lossy(body).into_owned());
        }
    }
    let reads: [&[u8]; 3] = [
        br#"["o","p",{}]"#,
        br#"{"orgId":"o","provider":"p","ticketById":{"a":[true,"SUCCESS",null]}}"#,
        br#"{"orgId":"o","provider":"p","ticketById":{"a":[false,"NOT_FOUND",{"x":1}]}}"#,
    ];
    for body in reads {
        if harness().read(body).is_ok() {
            accepted.push(String::from_utf8_lossy(body).into_owned());
        }
    }
    assert!(
        accepted.is_empty(),
        "accepted as valid 200 bodies: {accepted:#?}"
    );
}
