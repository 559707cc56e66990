//! `talque._talque.CoreClient`: the core client as seen from Python.
//!
//! The public `talque.TalqueClient` (Python) owns one of these; the core checks its options
//! (see `crate::options`). The core client holds a connection pool that belongs to one
//! runtime, so after `fork()` the child builds its own from the same configuration.

use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::{Client, ClientConfig, ClientOption, OptionValue};

use crate::awaitable::spawn_awaitable;
use crate::errors::{closed_error, TalqueErr};
use crate::options::{client_config, values_dict};
use crate::pager::CorePager;
use crate::read::{merge_batches, ReadBatches};
use crate::wait::run_blocking;

struct ProcessClient {
    pid: u32,
    client: Client,
}

/// Builds and caches the core client of the current process.
pub struct ClientCell {
    config: ClientConfig,
    slot: Mutex<Option<ProcessClient>>,
}

impl ClientCell {
    /// Returns this process's core client, building it on first use, after `fork()`, never after `close()`.
    pub fn get(&self) -> PyResult<Client> {
        let pid = std::process::id();
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        match slot.take() {
            Some(current) if current.pid == pid => {
                let client = current.client.clone();
                *slot = Some(current);
                Ok(client)
            }
            Some(inherited) => {
                // The parent's pool belongs to the parent's runtime; dropping it here could
                // touch connections this process does not own, so it is leaked on purpose.
                std::mem::forget(inherited);
                let client = Client::new(self.config.clone()).map_err(TalqueErr)?;
                *slot = Some(ProcessClient {
                    pid,
                    client: client.clone(),
                });
                Ok(client)
            }
            None => Err(Python::attach(closed_error)),
        }
    }

    fn close(&self) {
        let mut slot = self
            .slot
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if let Some(current) = slot.take() {
            if current.pid != std::process::id() {
                std::mem::forget(current);
            }
        }
    }
}

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
        let client = Client::new(config.clone()).map_err(TalqueErr)?;
        let slot = Mutex::new(Some(ProcessClient {
            pid: std::process::id(),
            client,
        }));
        Ok(CoreClient {
            cell: Arc::new(ClientCell { config, slot }),
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

    #[pyo3(signature = (org_id, profile_id, limit, cursor, prefetch=true))]
    fn pager(
        &self,
        org_id: String,
        profile_id: Option<String>,
        limit: u32,
        cursor: Option<String>,
        prefetch: bool,
    ) -> CorePager {
        CorePager::new(
            self.cell.clone(),
            org_id,
            profile_id,
            limit,
            cursor,
            prefetch,
        )
    }

    fn close(&self) {
        self.cell.close();
    }
}
