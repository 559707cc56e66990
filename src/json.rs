//! JSON bytes to Python objects in one pass, with jiter.
//!
//! The core has already checked the body's shape off the GIL, so a failure here means a
//! value jiter cannot represent (e.g. nesting deeper than its recursion limit).

use jiter::{PythonParse, StringCacheMode};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::TalqueErr;
use crate::gc_pause::with_gc_paused;

/// Parses a validated response body that is a JSON object.
pub fn parse_body<'py>(py: Python<'py>, body: &[u8]) -> PyResult<Bound<'py, PyDict>> {
    let parser = PythonParse {
        // Ticket keys and many values ("pretix", "on-site", ...) repeat on every ticket, so
        // caching all strings costs fewer instructions per page than caching keys only (the
        // measurement is in `bench/list_pages.py`).
        cache_mode: StringCacheMode::All,
        ..PythonParse::default()
    };
    let value = with_gc_paused(py, || parser.python_parse(py, body))
        .map_err(|err| invalid(err.description(body)))?;
    value
        .cast_into::<PyDict>()
        .map_err(|_| invalid("the response body is not a JSON object".to_owned()))
}

fn invalid(message: String) -> PyErr {
    TalqueErr(talque_core::Error::InvalidResponse(message)).into()
}
