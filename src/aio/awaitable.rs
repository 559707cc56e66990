//! Running a core future for an `async def` in Python.
//!
//! The future runs on the process runtime without the GIL. Its outcome, success or core
//! error, travels back as a `Completed` value, which `pyo3-async-runtimes` converts on a
//! blocking thread that holds the GIL: only there do we build Python objects (jiter),
//! exceptions and log records. Cancelling the asyncio future drops the Rust future, which
//! aborts the HTTP request.

use std::future::Future;

use pyo3::prelude::*;
use pyo3_async_runtimes::generic::{future_into_py_with_locals, get_current_locals};
use talque_core::{Error as CoreError, Event, EventSink};

use super::bridge::BridgeRuntime;
use crate::errors::{runtime_error, TalqueErr};
use crate::logging::DebugLog;
use crate::process::runtime;

/// A successful core result that becomes a Python object once the GIL is held.
pub trait IntoPython: Send + 'static {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>>;
}

/// The outcome of a core future, with the log events it produced.
pub struct Completed<T> {
    result: Result<T, CoreError>,
    events: Vec<Event>,
    log: Option<DebugLog>,
}

impl<'py, T: IntoPython> IntoPyObject<'py> for Completed<T> {
    type Target = PyAny;
    type Output = Bound<'py, PyAny>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        if let Some(log) = &self.log {
            for event in &self.events {
                log.emit(py, event)?;
            }
        }
        self.result.map_err(TalqueErr)?.into_python(py)
    }
}

/// Starts `make(events)` on the runtime and returns an asyncio future of its outcome.
pub fn spawn_awaitable<'py, T, F, Fut>(py: Python<'py>, make: F) -> PyResult<Bound<'py, PyAny>>
where
    T: IntoPython,
    F: FnOnce(Option<EventSink>) -> Fut,
    Fut: Future<Output = Result<T, CoreError>> + Send + 'static,
{
    let (log, sink, events) = DebugLog::channel(py)?;
    let future = make(sink);
    let locals = get_current_locals::<BridgeRuntime>(py)?;
    let _entered = runtime().map_err(runtime_error)?.enter();
    future_into_py_with_locals::<BridgeRuntime, _, _>(py, locals, async move {
        let result = future.await;
        let mut collected = Vec::new();
        if let Some(mut events) = events {
            while let Ok(event) = events.try_recv() {
                collected.push(event);
            }
        }
        Ok(Completed {
            result,
            events: collected,
            log,
        })
    })
}
