//! `talque._talque.CoreClient`: the core client as seen from Python.
//!
//! The public `talque.TalqueClient` (Python) owns one of these; the core checks its options
//! (see `crate::options`). The core client of each process lives in a `ClientCell` (see
//! `process`).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::{ClientOption, OptionValue, PageCursor};

use crate::aio::spawn_awaitable;
use crate::options::{client_config, values_dict};
use crate::pager::CorePager;
use crate::process::ClientCell;
use crate::read::{merge_batches, ReadBatches};
use crate::wait::run_blocking;

#[pyclass(frozen, module = "talque._talque")]
pub struct CoreClient {
    cell: Arc<ClientCell>,
    values: Vec<(&'static ClientOption, OptionValue)>,
}

#[pymethods]
impl CoreClient {
    /// Checks every option with the core's rules; see `talque._talque.CLIENT_OPTIONS`.
    #[new]
    #[pyo3(signature = (client_id, secret, **options))]
    fn new(
        client_id: &Bound<'_, PyAny>,
        secret: &Bound<'_, PyAny>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let config = client_config(client_id, secret, options)?;
        let values = config.values();
        Ok(CoreClient {
            cell: Arc::new(ClientCell::open(config)?),
            values,
        })
    }

    /// The effective options (the secret left out), as a new dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        values_dict(py, &self.values)
    }

    /// Reads `ids` (already validated) and returns the merged `{id: result}` dict.
    fn read<'py>(
        &self,
        py: Python<'py>,
        org_id: String,
        provider: String,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let client = self.cell.get()?;
        let batches = run_blocking(py, move |events| async move {
            client.read(&org_id, &provider, &ids, events.as_ref()).await
        })?;
        merge_batches(py, &batches)
    }

    /// Like `read`, as an awaitable for asyncio.
    fn read_async<'py>(
        &self,
        py: Python<'py>,
        org_id: String,
        provider: String,
        ids: Vec<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let client = self.cell.get()?;
        spawn_awaitable(py, move |events| async move {
            let batches = client
                .read(&org_id, &provider, &ids, events.as_ref())
                .await?;
            Ok(ReadBatches(batches))
        })
    }

    #[pyo3(signature = (org_id, profile_id, limit, cursor, prefetch=true, max_items=None))]
    fn pager(
        &self,
        org_id: String,
        profile_id: Option<String>,
        limit: u32,
        cursor: Option<String>,
        prefetch: bool,
        max_items: Option<u64>,
    ) -> CorePager {
        let cursor = PageCursor::new(org_id, profile_id, limit, cursor).with_max_items(max_items);
        CorePager::new(self.cell.clone(), cursor, prefetch)
    }

    fn close(&self) {
        self.cell.close();
    }
}
