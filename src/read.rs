//! Merging the answers of several read batches into one `{id: result}` dict.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::ReadBatch;

use crate::awaitable::IntoPython;
use crate::errors::TalqueErr;
use crate::json::parse_body;

/// The reason given for an id that the server left out of its answer.
const MISSING_REASON: &str = "MISSING_FROM_RESPONSE";

/// Returns every requested id in request order, then any id the server added unasked.
pub fn merge_batches<'py>(py: Python<'py>, batches: &[ReadBatch]) -> PyResult<Bound<'py, PyDict>> {
    let merged = PyDict::new(py);
    let mut extras: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)> = Vec::new();
    for batch in batches {
        let body = parse_body(py, &batch.body)?;
        let by_id = body
            .get_item("ticketById")?
            .and_then(|value| value.cast_into::<PyDict>().ok())
            .ok_or_else(|| {
                TalqueErr(talque_core::Error::InvalidResponse(
                    "ticketById is not an object".to_owned(),
                ))
            })?;
        for id in &batch.ids {
            match by_id.get_item(id)? {
                Some(result) => {
                    by_id.del_item(id)?;
                    merged.set_item(id, result)?
                }
                None => merged.set_item(id, missing(py)?)?,
            }
        }
        extras.extend(by_id.iter());
    }
    for (id, result) in extras {
        if !merged.contains(&id)? {
            merged.set_item(id, result)?;
        }
    }
    Ok(merged)
}

fn missing(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let result = PyDict::new(py);
    result.set_item("success", false)?;
    result.set_item("reason", MISSING_REASON)?;
    result.set_item("model", py.None())?;
    Ok(result)
}

/// The batches of a read on their way to an awaiting Python task.
pub struct ReadBatches(pub Vec<ReadBatch>);

impl IntoPython for ReadBatches {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        merge_batches(py, &self.0).map(Bound::into_any)
    }
}
