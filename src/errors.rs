//! The single mapping from core errors to the Python exceptions of `talque._exceptions`.
//!
//! The exception classes are defined in Python (so they pickle, carry attributes and mix in
//! builtins naturally); here we only look them up and instantiate them.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyModule};
use talque_core::Error as CoreError;

/// A core error on its way to Python; `?` converts it into the matching `talque` exception.
pub struct TalqueErr(pub CoreError);

impl From<CoreError> for TalqueErr {
    fn from(err: CoreError) -> Self {
        TalqueErr(err)
    }
}

impl From<TalqueErr> for PyErr {
    fn from(err: TalqueErr) -> PyErr {
        Python::attach(|py| build(py, err.0).unwrap_or_else(|lookup_err| lookup_err))
    }
}

static EXCEPTIONS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn exception_class<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    let module = EXCEPTIONS.get_or_try_init(py, || {
        PyModule::import(py, "talque._exceptions").map(Bound::unbind)
    })?;
    module.bind(py).getattr(name)
}

fn build(py: Python<'_>, err: CoreError) -> PyResult<PyErr> {
    let text = err.to_string();
    let (class, kwargs) = match err {
        CoreError::Status {
            status,
            body,
            reason,
            message,
        } => {
            let kwargs = PyDict::new(py);
            kwargs.set_item("status_code", status)?;
            kwargs.set_item("body", body)?;
            kwargs.set_item("reason", reason)?;
            kwargs.set_item("message", message)?;
            ("_status_error", Some(kwargs))
        }
        CoreError::Connection(_) | CoreError::Tls(_) => ("APIConnectionError", None),
        CoreError::Timeout(_) => ("APITimeoutError", None),
        CoreError::InvalidResponse(_) => ("InvalidResponseError", None),
        // Configuration problems are the caller's bad arguments.
        CoreError::Config(_) => return Ok(PyValueError::new_err(text)),
    };
    let class = exception_class(py, class)?;
    let instance = class.call((text,), kwargs.as_ref())?;
    Ok(PyErr::from_value(instance))
}

/// Wraps an I/O failure of the runtime itself (thread creation) as a `RuntimeError`.
pub fn runtime_error(err: std::io::Error) -> PyErr {
    PyRuntimeError::new_err(format!("talque could not start its I/O runtime: {err}"))
}

/// The `talque.TalqueError` raised when a closed client (or a pager of one) is used.
pub fn closed_error(py: Python<'_>) -> PyErr {
    match exception_class(py, "TalqueError")
        .and_then(|class| class.call1(("this talque client is closed",)))
    {
        Ok(instance) => PyErr::from_value(instance),
        Err(lookup_err) => lookup_err,
    }
}
