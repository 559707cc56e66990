//! `talque._talque.CoreClient`: the core client as seen from Python.
//!
//! The public `talque.TalqueClient` (Python) validates arguments and owns one of these. The
//! core client holds a connection pool that belongs to one runtime, so after `fork()` the
//! child builds its own from the same configuration.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::{Client, ClientConfig, Error as CoreError, PageCursor, Secret};

use crate::awaitable::spawn_awaitable;
use crate::errors::{closed_error, TalqueErr};
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
}

#[pymethods]
impl CoreClient {
    #[new]
    #[pyo3(signature = (*, base_url, client_id, secret, timeout, max_retries, batch_size, max_concurrency, max_response_bytes, ca_bundle, user_agent, compression=true))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        base_url: String,
        client_id: String,
        secret: String,
        timeout: f64,
        max_retries: u32,
        batch_size: usize,
        max_concurrency: usize,
        max_response_bytes: usize,
        ca_bundle: Option<std::path::PathBuf>,
        user_agent: String,
        compression: bool,
    ) -> PyResult<Self> {
        let mut config = ClientConfig::new(base_url, client_id, Secret::new(secret));
        config.timeout = Duration::try_from_secs_f64(timeout)
            .map_err(|_| TalqueErr(CoreError::Config(format!("invalid timeout {timeout}"))))?;
        config.max_retries = max_retries;
        config.batch_size = batch_size;
        config.max_concurrency = max_concurrency;
        config.max_response_bytes = max_response_bytes;
        config.ca_bundle = ca_bundle;
        config.user_agent = user_agent;
        config.compression = compression;
        let client = Client::new(config.clone()).map_err(TalqueErr)?;
        let slot = Mutex::new(Some(ProcessClient {
            pid: std::process::id(),
            client,
        }));
        Ok(CoreClient {
            cell: Arc::new(ClientCell { config, slot }),
        })
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
