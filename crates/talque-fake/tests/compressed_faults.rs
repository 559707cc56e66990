//! Faults of compressed bodies, and how the older faults meet a compressing server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{ErrorKind, Read};

use common::*;
use serde_json::{json, Value};
use talque_fake::{ContentEncoding, FaultKind, FaultRule, MAIN_ORG_ID};

fn page() -> Value {
    json!({"orgId": MAIN_ORG_ID, "limit": 100})
}

const GZIP: [(&str, &str); 1] = [("Accept-Encoding", "gzip")];

#[test]
fn a_truncated_compressed_stream_ends_early_in_every_encoding() {
    let server = start_default();
    let plain = api(&server, LIST, &page()).body;
    for encoding in [
        ContentEncoding::Gzip,
        ContentEncoding::Br,
        ContentEncoding::Zstd,
    ] {
        server.push_faults(vec![
            FaultRule::new(FaultKind::CompressedTruncate).encoding(encoding)
        ]);
        // The fault answers in its encoding whatever the request accepts.
        let reply = api(&server, LIST, &page());
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some(encoding.name()));
        assert_eq!(reply.content_length(), Some(reply.body.len()));
        // brotli's reader calls a stream that stops early invalid rather than cut short.
        let error = decode(encoding.name(), &reply.body).unwrap_err();
        let kinds = [ErrorKind::UnexpectedEof, ErrorKind::InvalidData];
        assert!(kinds.contains(&error.kind()), "{encoding:?}: {error}");
        let entry = log(&server).pop().unwrap();
        assert_eq!(entry["fault"], "compressed_truncate");
        assert_eq!(entry["response_bytes"], reply.body.len() as u64);
    }
    // What does decode is a prefix of the true answer.
    server.push_faults(vec![FaultRule::new(FaultKind::CompressedTruncate)]);
    let reply = api(&server, LIST, &page());
    let mut prefix = Vec::new();
    let _ = flate2::read::GzDecoder::new(reply.body.as_slice()).read_to_end(&mut prefix);
    assert!(!prefix.is_empty() && prefix.len() < plain.len());
    assert!(plain.starts_with(&prefix));
}

#[test]
fn a_lying_content_encoding_covers_a_plain_or_garbage_body() {
    let server = start_default();
    let plain = api(&server, LIST, &page()).body;
    server.push_faults(vec![
        FaultRule::new(FaultKind::LyingEncoding),
        FaultRule::new(FaultKind::LyingEncoding)
            .encoding(ContentEncoding::Zstd)
            .body("\u{1}garbage"),
    ]);
    let reply = api_with(&server, LIST, &page(), &GZIP);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.body, plain);
    assert!(decode("gzip", &reply.body).is_err());
    let reply = api_with(&server, LIST, &page(), &GZIP);
    assert_eq!(reply.header("content-encoding"), Some("zstd"));
    assert_eq!(reply.text(), "\u{1}garbage");
    assert_eq!(log(&server).pop().unwrap()["fault"], "lying_encoding");
}

#[test]
fn a_gzip_bomb_is_small_on_the_wire_and_huge_inflated() {
    let server = start_default();
    let inflated: u64 = 64 << 20;
    server.push_faults(vec![
        FaultRule::new(FaultKind::GzipBomb).inflated_bytes(inflated),
        FaultRule::new(FaultKind::GzipBomb),
    ]);
    let reply = api_with(&server, LIST, &page(), &GZIP);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.content_length(), Some(reply.body.len()));
    assert!(reply.body.len() < 100_000, "{}", reply.body.len());
    // Inflated into a sink: the test holds no more than the bomb does.
    let mut decoder = flate2::read::GzDecoder::new(reply.body.as_slice());
    let out = std::io::copy(&mut decoder, &mut std::io::sink()).unwrap();
    assert_eq!(out, inflated);
    // The default bomb inflates to 2 GiB from about 2 MB; it is not inflated here.
    let reply = api(&server, LIST, &page());
    let wire = reply.body.len() as u64;
    assert!(
        wire > talque_fake::DEFAULT_BOMB_BYTES / 1100
            && wire < talque_fake::DEFAULT_BOMB_BYTES / 900
    );
    assert_eq!(log(&server).pop().unwrap()["response_bytes"], wire);
}

#[test]
fn faults_that_time_their_bytes_are_not_compressed() {
    let server = start_default();
    server.push_faults(vec![
        FaultRule::new(FaultKind::Trickle).delay_ms(0),
        FaultRule::new(FaultKind::Truncate),
    ]);
    let reply = api_with(
        &server,
        LIST,
        &json!({"orgId": MAIN_ORG_ID, "limit": 2}),
        &GZIP,
    );
    assert_eq!(reply.header("content-encoding"), None);
    assert_eq!(reply.json()["orgId"], MAIN_ORG_ID);
    // A plain truncate still compresses: the client sees a valid stream of half a JSON body.
    let reply = api_with(&server, LIST, &page(), &GZIP);
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    let half = decode("gzip", &dechunk(&reply)).unwrap();
    assert!(serde_json::from_slice::<Value>(&half).is_err());
}

#[test]
fn compressed_truncation_is_an_opt_in_random_fault() {
    let server = start_always_faulting(5, &["compressed_truncate"]);
    let reply = api(&server, LIST, &page());
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert!(decode("gzip", &reply.body).is_err());
    assert_eq!(log(&server).pop().unwrap()["fault"], "compressed_truncate");
    let stats: Value = serde_json::from_str(&server.stats_json()).unwrap();
    assert_eq!(stats["by_kind"]["compressed_truncate"], 1);
    // The default kinds are the seven they were, so old seeds give the same sequences.
    let defaults = talque_fake::FakeConfig::default().fault_kinds;
    assert_eq!(defaults.len(), 7);
    assert!(!defaults.contains(&"compressed_truncate".to_owned()));
}
