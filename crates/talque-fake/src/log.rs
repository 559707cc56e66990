//! The request log and counters: what clients sent and what they got.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::HeaderMap;
use serde::Serialize;
use serde_json::Value;

use crate::auth::SECRET_HEADER;

/// The log keeps the newest entries only, so a long-running fake cannot grow without bound.
pub(crate) const MAX_LOG_ENTRIES: usize = 100_000;

/// What stands in for the secret in logged headers.
const REDACTED: &str = "<redacted>";

/// One API request as the server saw and answered it.
#[derive(Debug, Clone, Serialize)]
struct LogEntry {
    seq: u64,
    method: String,
    path: String,
    headers: BTreeMap<String, String>,
    authorized: bool,
    body: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw_body: Option<String>,
    /// `None` while the request is in flight, and forever if the client left first.
    status: Option<u16>,
    fault: Option<&'static str>,
    completed: bool,
    /// The `Content-Encoding` of the answer (`gzip`, `br`, `zstd`, `deflate`), if any.
    content_encoding: Option<String>,
    /// The body bytes handed to the connection, after compression: what went on the wire.
    /// `None` until the answer has been sent or the client has left.
    response_bytes: Option<u64>,
    /// The id of the TCP connection that carried the request, counting from 0 per server: equal
    /// ids mean a reused (kept-alive) connection.
    connection: Option<u64>,
    /// API requests being handled when this one arrived, itself included: lets tests
    /// check how many requests a client really had in flight at once.
    in_flight: usize,
}

#[derive(Debug, Default, Serialize)]
struct Stats {
    requests: u64,
    faults_injected: u64,
    by_kind: BTreeMap<&'static str, u64>,
    /// The sum of the logged `response_bytes`, for benchmarks that report bytes per ticket.
    response_bytes: u64,
    /// TCP connections accepted (API and control plane alike).
    connections: u64,
    /// TLS handshakes completed, and failed (an untrusted certificate, plain HTTP).
    tls_handshakes: u64,
    tls_failures: u64,
}

#[derive(Debug, Default)]
struct LogInner {
    entries: VecDeque<LogEntry>,
    next_seq: u64,
    stats: Stats,
    active: usize,
    next_connection: u64,
}

impl LogInner {
    fn entry(&mut self, seq: u64) -> Option<&mut LogEntry> {
        let first = self.entries.front()?.seq;
        self.entries
            .get_mut(usize::try_from(seq.checked_sub(first)?).ok()?)
    }
}

/// The request log, shared by the server and its handle.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    inner: Mutex<LogInner>,
}

/// The request a handler is working on, as known to the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seq(pub(crate) u64);

/// The id of a TCP connection, put into each request it carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConnectionId(pub(crate) u64);

/// The parts of a request the log records.
pub(crate) struct Arrival<'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    pub(crate) authorized: bool,
    pub(crate) connection: Option<ConnectionId>,
}

impl RequestLog {
    fn lock(&self) -> MutexGuard<'_, LogInner> {
        // A panic elsewhere cannot leave the log half-updated in a harmful way, so a poisoned
        // lock is still used rather than failing every later request.
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records an arriving request and returns its sequence number.
    pub(crate) fn begin(&self, arrival: &Arrival<'_>) -> Seq {
        let mut headers = BTreeMap::new();
        for (name, value) in arrival.headers {
            let value = if name.as_str() == SECRET_HEADER {
                REDACTED.to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            headers
                .entry(name.as_str().to_owned())
                .and_modify(|joined: &mut String| {
                    joined.push_str(", ");
                    joined.push_str(&value);
                })
                .or_insert(value);
        }
        let (body, raw_body) = match serde_json::from_slice::<Value>(arrival.body) {
            Ok(json) => (json, None),
            Err(_) => (
                Value::Null,
                Some(String::from_utf8_lossy(arrival.body).into_owned()),
            ),
        };
        let mut inner = self.lock();
        let seq = inner.next_seq;
        inner.next_seq += 1;
        inner.stats.requests += 1;
        inner.active += 1;
        let in_flight = inner.active;
        if inner.entries.len() >= MAX_LOG_ENTRIES {
            inner.entries.pop_front();
        }
        inner.entries.push_back(LogEntry {
            seq,
            method: arrival.method.to_owned(),
            path: arrival.path.to_owned(),
            headers,
            authorized: arrival.authorized,
            body,
            raw_body,
            status: None,
            fault: None,
            completed: false,
            content_encoding: None,
            response_bytes: None,
            connection: arrival.connection.map(|id| id.0),
            in_flight,
        });
        Seq(seq)
    }

    /// Records the fault chosen for a request, as soon as it is chosen, so a client that
    /// hangs up during a `delay` still shows which fault it met.
    pub(crate) fn faulted(&self, seq: Seq, fault: &'static str) {
        let mut inner = self.lock();
        inner.stats.faults_injected += 1;
        *inner.stats.by_kind.entry(fault).or_default() += 1;
        if let Some(entry) = inner.entry(seq.0) {
            entry.fault = Some(fault);
        }
    }

    /// Records the status of the answer to a request.
    pub(crate) fn answered(&self, seq: Seq, status: u16) {
        if let Some(entry) = self.lock().entry(seq.0) {
            entry.status = Some(status);
        }
    }

    /// Records that the whole answer was handed to the connection. Bytes still in the
    /// connection's write buffer then are not tracked, so for large bodies `completed` means
    /// "fully produced"; a client that leaves earlier (during latency, a delay, a stall or a
    /// trickle) always shows `completed: false`.
    pub(crate) fn completed(&self, seq: Seq) {
        if let Some(entry) = self.lock().entry(seq.0) {
            entry.completed = true;
        }
    }

    /// Counts an accepted TCP connection and gives it its id.
    pub(crate) fn connection_accepted(&self) -> ConnectionId {
        let mut inner = self.lock();
        inner.stats.connections += 1;
        let id = inner.next_connection;
        inner.next_connection += 1;
        ConnectionId(id)
    }

    /// Counts a TLS handshake that completed, or failed.
    pub(crate) fn tls_handshake(&self, completed: bool) {
        let mut inner = self.lock();
        if completed {
            inner.stats.tls_handshakes += 1;
        } else {
            inner.stats.tls_failures += 1;
        }
    }

    /// Records the `Content-Encoding` the answer goes out with.
    pub(crate) fn encoded(&self, seq: Seq, encoding: Option<String>) {
        if let Some(entry) = self.lock().entry(seq.0) {
            entry.content_encoding = encoding;
        }
    }

    /// Records how many body bytes went on the wire for an answer.
    pub(crate) fn sent(&self, seq: Seq, bytes: u64) {
        let mut inner = self.lock();
        inner.stats.response_bytes += bytes;
        if let Some(entry) = inner.entry(seq.0) {
            entry.response_bytes = Some(bytes);
        }
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(&self.lock().entries).unwrap_or_else(|_| "[]".to_owned())
    }

    pub(crate) fn stats_json(&self) -> String {
        serde_json::to_string(&self.lock().stats).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Forgets the logged requests and resets the counters; sequence numbers keep growing so
    /// an entry is never confused with an older one.
    pub(crate) fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.stats = Stats::default();
    }
}

/// Counts a request as in flight from `RequestLog::begin` until this guard is dropped,
/// when its handler has produced the answer or the client has gone.
#[derive(Debug)]
pub(crate) struct InFlight {
    log: Arc<RequestLog>,
}

impl InFlight {
    pub(crate) fn new(log: Arc<RequestLog>) -> Self {
        Self { log }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut inner = self.log.lock();
        inner.active = inner.active.saturating_sub(1);
    }
}

/// Marks a log entry completed once its body has been handed over in full.
#[derive(Debug)]
pub(crate) struct CompletionMark {
    log: Arc<RequestLog>,
    seq: Seq,
}

impl CompletionMark {
    pub(crate) fn new(log: Arc<RequestLog>, seq: Seq) -> Self {
        Self { log, seq }
    }

    pub(crate) fn complete(self) {
        self.log.completed(self.seq);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn entries_record_redacted_headers_and_answers() {
        let log = Arc::new(RequestLog::default());
        let mut headers = HeaderMap::new();
        headers.insert("X-TQ-SECRET", "hunter2".parse().unwrap());
        headers.append("accept", "a".parse().unwrap());
        headers.append("accept", "b".parse().unwrap());
        let arrival = Arrival {
            method: "POST",
            path: "/x",
            headers: &headers,
            body: b"nope",
            authorized: false,
            connection: Some(ConnectionId(7)),
        };
        let seq = log.begin(&arrival);
        log.faulted(seq, "status");
        log.answered(seq, 503);
        CompletionMark::new(log.clone(), seq).complete();
        log.encoded(seq, Some("gzip".to_owned()));
        log.sent(seq, 42);
        let entries: Value = serde_json::from_str(&log.to_json()).unwrap();
        let entry = &entries[0];
        assert_eq!(entry["headers"]["x-tq-secret"], "<redacted>");
        assert_eq!(entry["headers"]["accept"], "a, b");
        assert_eq!(entry["raw_body"], "nope");
        assert_eq!(entry["body"], Value::Null);
        assert_eq!(entry["status"], 503);
        assert_eq!(entry["completed"], true);
        assert_eq!(entry["in_flight"], 1);
        assert_eq!(entry["content_encoding"], "gzip");
        assert_eq!(entry["response_bytes"], 42);
        assert_eq!(entry["connection"], 7);
        assert!(!log.to_json().contains("hunter2"));
        let stats: Value = serde_json::from_str(&log.stats_json()).unwrap();
        assert_eq!(
            stats,
            serde_json::json!({"requests": 1, "faults_injected": 1, "by_kind": {"status": 1},
                "response_bytes": 42, "connections": 0, "tls_handshakes": 0, "tls_failures": 0})
        );
        log.clear();
        assert_eq!(log.to_json(), "[]");
        assert_eq!(log.begin(&arrival), Seq(1));
    }
}
