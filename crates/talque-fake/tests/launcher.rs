//! The `talque-fake` binary: it takes the shared launcher options and serves what they say.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use serde_json::{json, Value};
use talque_fake::launch::OPTIONS;
use talque_fake::MAIN_ORG_ID;

const BINARY: &str = env!("CARGO_BIN_EXE_talque-fake");

#[test]
fn the_binary_serves_what_the_options_say() {
    let mut child = Command::new(BINARY)
        .args([
            "--port",
            "0",
            "--tickets",
            "5",
            "--no-compression",
            "--secret",
            "s3",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_owned();
    let orgs = send(&url, "GET", "/_fake/orgs", &[], b"");
    let orgs: Value = orgs.json();
    assert_eq!(orgs[0]["org_id"], MAIN_ORG_ID);
    assert_eq!(orgs[0]["ticket_count"], 5);
    let body = serde_json::to_vec(&json!({"orgId": MAIN_ORG_ID})).unwrap();
    let headers = [
        ("X-TQ-CLIENT-ID", CLIENT_ID),
        ("X-TQ-SECRET", "s3"),
        ("Content-Type", "application/json"),
        ("Accept-Encoding", "gzip"),
    ];
    let reply = send(&url, "POST", LIST, &headers, &body);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), None);
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn help_lists_every_option_and_mistakes_exit_2() {
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(help.status.success());
    let text = String::from_utf8(help.stdout).unwrap();
    for option in OPTIONS {
        assert!(text.contains(option.flag), "{}", option.flag);
    }
    let bad = Command::new(BINARY)
        .args(["--port", "nope"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--port"));
}
