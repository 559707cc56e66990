//! `talque._talque.TicketTable`: record batches of the ticket schema, built in the core and
//! handed to pyarrow, polars or DuckDB through the Arrow C stream interface
//! (`__arrow_c_stream__`), without a copy and without pyarrow on the Rust side.

use std::sync::{Mutex, MutexGuard};

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use talque_core::schema::arrow_schema;

use crate::errors::TalqueErr;

#[pyclass(frozen, module = "talque._talque")]
pub struct TicketTable {
    batches: Mutex<Vec<RecordBatch>>,
}

fn lock(batches: &Mutex<Vec<RecordBatch>>) -> MutexGuard<'_, Vec<RecordBatch>> {
    batches.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl TicketTable {
    /// Converts the first `keep` tickets of a validated list body and appends them as one
    /// batch; call it without the GIL. Returns the number of tickets.
    pub fn add_page(&self, body: &[u8], keep: usize) -> Result<usize, talque_core::Error> {
        let batch = talque_core::list_batch(body)?;
        // A zero-copy view: a capped listing cuts a page longer than it asked for.
        let batch = batch.slice(0, keep.min(batch.num_rows()));
        let rows = batch.num_rows();
        if rows > 0 {
            lock(&self.batches).push(batch);
        }
        Ok(rows)
    }
}

#[pymethods]
impl TicketTable {
    #[new]
    fn new() -> Self {
        TicketTable {
            batches: Mutex::new(Vec::new()),
        }
    }

    /// The number of tickets (rows) in the table.
    #[getter]
    fn num_rows(&self) -> usize {
        lock(&self.batches).iter().map(RecordBatch::num_rows).sum()
    }

    /// Appends the tickets of `body`, JSON text of the form `{"tickets": [...]}`.
    fn add_json(&self, py: Python<'_>, body: &[u8]) -> PyResult<usize> {
        py.detach(|| self.add_page(body, usize::MAX))
            .map_err(|err| TalqueErr(err).into())
    }

    /// The Arrow PyCapsule interface: a stream of the table's record batches. The requested
    /// schema, which the protocol lets a producer ignore, is ignored: the schema is fixed.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        // Batches share their buffers, so the copy is of pointers only, and the table can
        // be exported again.
        let batches = lock(&self.batches).clone();
        let reader = RecordBatchIterator::new(batches.into_iter().map(Ok), arrow_schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        // The capsule owns the stream; a consumer moves it out (clearing its release
        // callback), and dropping an unconsumed one releases it.
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }
}
