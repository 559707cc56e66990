//! Forwarding the core's request and retry events to the `talque` logger.

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use talque_core::{Event, EventSink};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};

const DEBUG: u8 = 10;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The debug log of one call: the logger, the sink the core sends its events into, and the
/// receiving end they are forwarded from. All three are `None` when DEBUG is off.
pub type CallLog = (
    Option<DebugLog>,
    Option<EventSink>,
    Option<UnboundedReceiver<Event>>,
);

/// The `talque` logger, when it would emit DEBUG records for this call.
pub struct DebugLog {
    logger: Py<PyAny>,
}

impl DebugLog {
    /// Returns `Some` only when `logging.getLogger("talque")` is enabled for DEBUG right now.
    pub fn for_call(py: Python<'_>) -> PyResult<Option<DebugLog>> {
        let logger = LOGGER.get_or_try_init(py, || {
            py.import("logging")?
                .call_method1("getLogger", ("talque",))
                .map(Bound::unbind)
        })?;
        let enabled: bool = logger
            .bind(py)
            .call_method1("isEnabledFor", (DEBUG,))?
            .extract()?;
        Ok(enabled.then(|| DebugLog {
            logger: logger.clone_ref(py),
        }))
    }

    /// Returns this call's log with its event channel, only when DEBUG is enabled right now,
    /// so the core does not even format log lines nobody reads.
    pub fn channel(py: Python<'_>) -> PyResult<CallLog> {
        Ok(match DebugLog::for_call(py)? {
            Some(log) => {
                let (sink, events) = unbounded_channel();
                (Some(log), Some(sink), Some(events))
            }
            None => (None, None, None),
        })
    }

    /// Logs one event. The core's `Display` of an event never contains the secret.
    pub fn emit(&self, py: Python<'_>, event: &Event) -> PyResult<()> {
        self.emit_line(py, &event.to_string())
    }

    /// Logs one line of text, which the caller has made sure holds no secret.
    ///
    /// A failing logging handler (an `Exception`) must not turn a successful request into
    /// an error, so it is ignored. A `KeyboardInterrupt` is returned, though: Python runs a
    /// pending SIGINT handler inside whatever Python code runs next, and that may be the
    /// handler called here. Ignoring it would lose the interrupt, and the call would go on
    /// waiting for the server as if Ctrl-C had never been pressed.
    pub fn emit_line(&self, py: Python<'_>, line: &str) -> PyResult<()> {
        match self.logger.bind(py).call_method1("debug", ("%s", line)) {
            Ok(_) => Ok(()),
            Err(err) if err.is_instance_of::<PyException>(py) => Ok(()),
            Err(interrupt) => Err(interrupt),
        }
    }
}
