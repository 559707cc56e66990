//! A deliberately small HTTP/1.1 client over `std::net::TcpStream`, so tests see exactly
//! what went over the wire (declared vs received length, resets, stalls) without a client
//! library smoothing it over.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;
use talque_fake::{FakeConfig, FakeServer};

pub const CLIENT_ID: &str = "fake-client-id";
pub const SECRET: &str = "fake-secret";
pub const JSON_TYPE: &str = "application/json; charset=utf-8";
pub const LIST: &str = "/api/v1/ticket/list";
pub const READ: &str = "/api/v1/ticket/read";

/// What came back, including how the exchange ended.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The error that ended reading, if it was not a clean end of stream.
    pub read_error: Option<ErrorKind>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("content-length")
            .map(|value| value.parse().unwrap())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Asserts the Talque error shape with this status and reason.
    pub fn assert_error(&self, status: u16, reason: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.header("content-type"), Some(JSON_TYPE));
        let body = self.json();
        assert_eq!(body["success"], false);
        assert_eq!(body["reason"], reason, "{body}");
        assert_eq!(body["reasonEnum"], reason);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(body.as_object().unwrap().len(), 4);
    }
}

pub fn start(config: FakeConfig) -> FakeServer {
    FakeServer::start(config).unwrap()
}

pub fn start_default() -> FakeServer {
    start(FakeConfig::default())
}

/// A default server whose every request draws a random fault from `kinds` (seeded by `seed`).
pub fn start_always_faulting(seed: u64, kinds: &[&str]) -> FakeServer {
    let server = start_default();
    let kinds = kinds.iter().map(|kind| (*kind).to_owned()).collect();
    server.set_random_faults(1.0, seed, Some(kinds)).unwrap();
    server
}

fn address(url: &str) -> &str {
    url.trim_start_matches("http://")
}

/// Sends one request on a fresh connection and reads until the server closes it.
pub fn send_timeout(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> Reply {
    let mut stream = TcpStream::connect(address(url)).unwrap();
    stream.set_read_timeout(Some(timeout)).unwrap();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
        address(url)
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(request.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    let mut chunk = [0u8; 65536];
    let read_error = loop {
        match stream.read(&mut chunk) {
            Ok(0) => break None,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => break Some(err.kind()),
        }
    };
    parse(&raw, read_error)
}

pub fn send(url: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
    send_timeout(url, method, path, headers, body, Duration::from_secs(20))
}

fn parse(raw: &[u8], read_error: Option<ErrorKind>) -> Reply {
    let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Reply {
            status: 0,
            headers: Vec::new(),
            body: raw.to_vec(),
            read_error,
        };
    };
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
        read_error,
    }
}

/// An authorised JSON API request.
pub fn api(server: &FakeServer, path: &str, body: &Value) -> Reply {
    api_within(server, path, body, Duration::from_secs(20))
}

/// An authorised JSON API request like [`api`] that stops reading the reply after `timeout`.
pub fn api_within(server: &FakeServer, path: &str, body: &Value, timeout: Duration) -> Reply {
    let body = serde_json::to_vec(body).unwrap();
    send_timeout(&server.url(), "POST", path, &auth_json(), &body, timeout)
}

pub fn auth_json() -> Vec<(&'static str, &'static str)> {
    vec![
        ("X-TQ-CLIENT-ID", CLIENT_ID),
        ("X-TQ-SECRET", SECRET),
        ("Content-Type", "application/json"),
    ]
}

/// A list page that must succeed.
pub fn list_page(server: &FakeServer, body: &Value) -> Value {
    let reply = api(server, LIST, body);
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some(JSON_TYPE));
    assert_eq!(reply.content_length(), Some(reply.body.len()));
    reply.json()
}

/// Every ticket of a list, page by page, checking the page invariants on the way.
pub fn list_all(
    server: &FakeServer,
    org_id: &str,
    profile_id: Option<&str>,
    limit: u64,
) -> Vec<Value> {
    let mut tickets = Vec::new();
    let mut cursor = Value::Null;
    loop {
        let page = list_page(
            server,
            &serde_json::json!({"orgId": org_id, "profileId": profile_id, "limit": limit, "cursor": cursor}),
        );
        assert_eq!(page["orgId"], org_id);
        let items = page["tickets"].as_array().unwrap();
        assert!(items.len() as u64 <= limit);
        tickets.extend(items.iter().cloned());
        if page["more"] == false {
            assert_eq!(page["cursor"], Value::Null);
            return tickets;
        }
        assert!(!items.is_empty());
        cursor = page["cursor"].clone();
        assert!(cursor.is_string());
    }
}

/// The ground truth as parsed JSON.
pub fn truth(server: &FakeServer, org_id: &str, profile_id: Option<&str>) -> Vec<Value> {
    serde_json::from_str::<Value>(&server.tickets_json(org_id, profile_id).unwrap())
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The request log as parsed JSON.
pub fn log(server: &FakeServer) -> Vec<Value> {
    serde_json::from_str::<Value>(&server.requests_json())
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Polls `check` until it holds or five seconds pass; for effects of a dropped connection,
/// which the server only notices asynchronously.
pub fn eventually(mut check: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < deadline {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    check()
}

/// The body of a `Transfer-Encoding: chunked` reply, with the chunk framing removed.
pub fn dechunk(reply: &Reply) -> Vec<u8> {
    if reply.header("transfer-encoding") != Some("chunked") {
        return reply.body.clone();
    }
    let mut body = Vec::new();
    let mut rest = reply.body.as_slice();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..end]).unwrap();
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16).unwrap();
        rest = &rest[end + 2..];
        if size == 0 || rest.len() < size {
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            break;
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[(size + 2).min(rest.len())..];
    }
    body
}

/// Decodes a body sent with `Content-Encoding: encoding`.
pub fn decode(encoding: &str, body: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(body).read_to_end(&mut out)?,
        "deflate" => flate2::read::ZlibDecoder::new(body).read_to_end(&mut out)?,
        "br" => brotli::Decompressor::new(body, 4096).read_to_end(&mut out)?,
        "zstd" => zstd::stream::read::Decoder::new(body)?.read_to_end(&mut out)?,
        other => panic!("unexpected encoding {other}"),
    };
    Ok(out)
}

/// A list request like [`api`], with extra headers.
pub fn api_with(server: &FakeServer, path: &str, body: &Value, extra: &[(&str, &str)]) -> Reply {
    let body = serde_json::to_vec(body).unwrap();
    let mut headers = auth_json();
    headers.extend_from_slice(extra);
    send(&server.url(), "POST", path, &headers, &body)
}
