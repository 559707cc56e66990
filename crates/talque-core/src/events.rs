//! Progress events, sent to an optional channel so the Python side can log them at
//! DEBUG level without the core knowing anything about logging.

use std::fmt;
use std::time::Duration;

/// One step of a call. URLs never carry credentials (they travel in headers), so every
/// event is safe to log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// An attempt is about to be sent; `attempt` counts from 1.
    Request {
        method: &'static str,
        url: String,
        attempt: u32,
    },
    /// A response arrived and its body was read.
    Response {
        url: String,
        status: u16,
        elapsed: Duration,
        bytes: usize,
    },
    /// An attempt failed transiently; attempt number `attempt` follows after `delay`.
    Retry {
        url: String,
        attempt: u32,
        delay: Duration,
        cause: String,
    },
}

/// Where events go. An unbounded sender never blocks the request path; a closed
/// receiver simply means nobody listens any more.
pub type EventSink = tokio::sync::mpsc::UnboundedSender<Event>;

/// Sends an event if someone listens; a dropped receiver is not an error.
pub(crate) fn emit(sink: Option<&EventSink>, event: impl FnOnce() -> Event) {
    if let Some(sink) = sink {
        let _ = sink.send(event());
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Request {
                method,
                url,
                attempt,
            } => write!(f, "{method} {url} (attempt {attempt})"),
            Event::Response {
                url,
                status,
                elapsed,
                bytes,
            } => write!(
                f,
                "HTTP {status} from {url} in {:.1} ms ({bytes} bytes)",
                elapsed.as_secs_f64() * 1000.0
            ),
            Event::Retry {
                url,
                attempt,
                delay,
                cause,
            } => write!(
                f,
                "retrying {url} in {:.3} s (attempt {attempt}) after: {cause}",
                delay.as_secs_f64()
            ),
        }
    }
}
