//! Running a core future from a synchronous Python call.
//!
//! The future runs as a task on the process runtime while the calling thread waits with the
//! GIL released. Every `SIGNAL_POLL` the thread takes the GIL back for a moment to run
//! `Python::check_signals` (so Ctrl-C raises `KeyboardInterrupt` promptly and aborts the
//! request) and to forward the core's log events to Python's `logging`. The task itself never
//! touches the GIL.

use std::future::Future;
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use talque_core::EventSink;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

use crate::errors::{runtime_error, TalqueErr};
use crate::logging::DebugLog;
use crate::runtime::runtime;

const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `make(events)` to completion on the runtime, interruptibly, and returns its output.
///
/// `make` receives an event sink only when the `talque` logger has DEBUG enabled, so the
/// core does not even format log lines nobody reads.
pub fn run_blocking<T, F, Fut>(py: Python<'_>, make: F) -> PyResult<T>
where
    T: Send + 'static,
    F: FnOnce(Option<EventSink>) -> Fut,
    Fut: Future<Output = Result<T, talque_core::Error>> + Send + 'static,
{
    let log = DebugLog::for_call(py)?;
    let (sink, mut events) = match log {
        Some(_) => {
            let (tx, rx) = unbounded_channel();
            (Some(tx), Some(rx))
        }
        None => (None, None),
    };
    let future = make(sink);
    let (done_tx, mut done_rx) = sync_channel(1);
    let task = runtime().map_err(runtime_error)?.spawn(async move {
        // The receiver is gone only if the caller was interrupted; nothing is left to tell.
        let _ = done_tx.send(future.await);
    });
    loop {
        // The receiver moves into the detached closure and back, since it is not `Sync`.
        let (outcome, rx) = py.detach(move || (done_rx.recv_timeout(SIGNAL_POLL), done_rx));
        done_rx = rx;
        forward_events(py, log.as_ref(), events.as_mut());
        match outcome {
            Ok(result) => return result.map_err(|err| TalqueErr(err).into()),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(interrupt) = py.check_signals() {
                    // Aborting the task drops the in-flight request and closes its connection.
                    task.abort();
                    return Err(interrupt);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "talque's request task ended without a result",
                ))
            }
        }
    }
}

fn forward_events(
    py: Python<'_>,
    log: Option<&DebugLog>,
    events: Option<&mut UnboundedReceiver<talque_core::Event>>,
) {
    if let (Some(log), Some(events)) = (log, events) {
        while let Ok(event) = events.try_recv() {
            log.emit(py, &event);
        }
    }
}
