//! `talque._talque.TICKET_FIELDS`: the core's ticket schema as `((name, kind), ...)`.

use pyo3::prelude::*;
use pyo3::types::PyTuple;
use talque_core::schema::TICKET_FIELDS;

pub fn ticket_fields(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    PyTuple::new(
        py,
        TICKET_FIELDS
            .iter()
            .map(|field| (field.name, field.kind.name())),
    )
}
