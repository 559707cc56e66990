//! How a failed export write reaches Python: `OSError` with the OS errno, the core's
//! `talque` exceptions, or `RuntimeError` for a writer that cannot go on.

use pyo3::exceptions::{PyOSError, PyRuntimeError};
use pyo3::prelude::*;
use talque_core::ExportError;

use crate::errors::TalqueErr;

/// Why writing a page failed, carried out of the GIL-free section.
pub enum WriteFailure {
    Closed,
    Export(ExportError),
    TornDescriptor,
}

impl From<ExportError> for WriteFailure {
    fn from(err: ExportError) -> Self {
        WriteFailure::Export(err)
    }
}

impl From<std::io::Error> for WriteFailure {
    fn from(err: std::io::Error) -> Self {
        WriteFailure::Export(ExportError::Io(err))
    }
}

impl From<WriteFailure> for PyErr {
    fn from(failure: WriteFailure) -> PyErr {
        match failure {
            WriteFailure::Closed => closed(),
            WriteFailure::Export(ExportError::Response(err)) => TalqueErr(err).into(),
            WriteFailure::Export(ExportError::Io(err)) => os_error(&err, None),
            WriteFailure::TornDescriptor => PyRuntimeError::new_err(
                "an earlier write to this file descriptor failed part-way, so where its \
                 output ends is unknown; start the export again",
            ),
        }
    }
}

pub fn closed() -> PyErr {
    PyRuntimeError::new_err("this TicketWriter is closed")
}

/// An `OSError` (of the subclass Python picks for the errno) with the OS code and message,
/// and the file name as the caller gave it, like Python's own `open`.
pub fn os_error(err: &std::io::Error, filename: Option<Py<PyAny>>) -> PyErr {
    let Some(code) = err.raw_os_error() else {
        return PyOSError::new_err(err.to_string());
    };
    // std appends " (os error N)" to the OS message; Python's `strerror` is the bare one.
    let message = err.to_string();
    let strerror = message
        .strip_suffix(&format!(" (os error {code})"))
        .unwrap_or(&message)
        .to_owned();
    match filename {
        Some(filename) => PyOSError::new_err((code, strerror, filename)),
        None => PyOSError::new_err((code, strerror)),
    }
}
