//! Running a core future from a synchronous Python call.
//!
//! The future runs as a task on the process runtime while the calling thread waits with the
//! GIL released. Every `SIGNAL_POLL` the thread takes the GIL back for a moment to run
//! `Python::check_signals` (so Ctrl-C raises `KeyboardInterrupt` promptly and aborts the
//! request) and to forward the core's log events to Python's `logging`. The task itself never
//! touches the GIL.
//!
//! Why an interrupt is always prompt: Python runs a pending SIGINT handler either in
//! `check_signals` or inside whatever Python code runs next with the GIL, and raises
//! `KeyboardInterrupt` there. Here that code is the wait loop's own `check_signals`, at
//! least every `SIGNAL_POLL` and before any log line is forwarded, and the `talque` logger
//! (`DebugLog`), whose errors other than `Exception`s are returned, never ignored. A signal
//! that arrived before this call (during import, runtime start-up or between calls) is
//! found by the check before the request is even started. So from the signal on, at most
//! one `SIGNAL_POLL` passes before the call returns the interrupt and aborts its task.
//! (CPython 3.11 and older can still lose an interrupt before the call: a handler that
//! runs inside a garbage-collector callback has its `KeyboardInterrupt` reported as
//! "Exception ignored" and dropped. Nothing here can see a signal Python has dropped.)

use std::future::Future;
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::Duration;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use talque_core::EventSink;
use tokio::sync::mpsc::UnboundedReceiver;

use crate::errors::{runtime_error, TalqueErr};
use crate::logging::DebugLog;
use crate::process::{exit_gate, runtime};

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
    // An interrupt that is already pending ends the call before anything is sent.
    py.check_signals()?;
    let (log, sink, mut events) = DebugLog::channel(py)?;
    let future = make(sink);
    let (done_tx, mut done_rx) = sync_channel(1);
    let task = runtime().map_err(runtime_error)?.spawn(async move {
        // The receiver is gone only if the caller was interrupted; nothing is left to tell.
        let _ = done_tx.send(future.await);
    });
    loop {
        // The receiver moves into the detached closure and back, since it is not `Sync`.
        // Taking the GIL back needs a pass: a daemon thread still waiting when the interpreter
        // shuts down parks there instead (see `process::exit_gate`).
        let (outcome, rx, _pass) = py.detach(move || {
            let outcome = done_rx.recv_timeout(SIGNAL_POLL);
            (outcome, done_rx, exit_gate::enter_or_park())
        });
        done_rx = rx;
        // A pending interrupt is taken first, before any logging handler runs Python code
        // that it could be raised in. Forwarding may still meet one that arrives meanwhile:
        // that one ends the call too. Aborting the task drops the in-flight request and
        // closes its connection.
        let interrupted = py
            .check_signals()
            .and_then(|()| forward_events(py, log.as_ref(), events.as_mut()));
        if let Err(interrupt) = interrupted {
            task.abort();
            return Err(interrupt);
        }
        match outcome {
            Ok(result) => return result.map_err(|err| TalqueErr(err).into()),
            Err(RecvTimeoutError::Timeout) => {}
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
) -> PyResult<()> {
    if let (Some(log), Some(events)) = (log, events) {
        while let Ok(event) = events.try_recv() {
            log.emit(py, &event)?;
        }
    }
    Ok(())
}
