//! Merging the answers of several read batches into one `{id: result}` dict.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::ReadBatch;

use crate::aio::IntoPython;
use crate::errors::TalqueErr;
use crate::json::parse_body;
use crate::logging::DebugLog;

/// The reason given for an id that the server left out of its answer.
const MISSING_REASON: &str = "MISSING_FROM_RESPONSE";

/// Returns every requested id in request order, and nothing else.
///
/// Ids the server added unasked are dropped: the result must hold exactly what was asked
/// for. They are named on one DEBUG line of the `talque` logger, for whoever investigates.
pub fn merge_batches<'py>(py: Python<'py>, batches: &[ReadBatch]) -> PyResult<Bound<'py, PyDict>> {
    let merged = PyDict::new(py);
    let mut extras: Vec<String> = Vec::new();
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
        for (id, _) in by_id.iter() {
            extras.push(id.str()?.to_string());
        }
    }
    if !extras.is_empty() {
        if let Some(log) = DebugLog::for_call(py)? {
            let line = format!(
                "read: dropped {} id(s) the server answered but were not requested: {}",
                extras.len(),
                extras.join(", ")
            );
            log.emit_line(py, &line)?;
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
