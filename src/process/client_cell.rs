//! The core client of each process, for one `CoreClient`.
//!
//! A core client holds a connection pool that belongs to one runtime, so after `fork()` the
//! child builds its own from the same configuration (and leaks the parent's, see `process`).

use std::sync::Mutex;

use pyo3::prelude::*;
use talque_core::{Client, ClientConfig};

use super::{lock, PerProcess};
use crate::errors::{closed_error, TalqueErr};

/// Builds and caches the core client of the current process.
pub struct ClientCell {
    config: ClientConfig,
    /// `None` once closed: a closed client is never rebuilt.
    slot: Mutex<Option<PerProcess<Client>>>,
}

impl ClientCell {
    /// Builds the client right away, so that a configuration the core rejects fails here.
    pub fn open(config: ClientConfig) -> PyResult<ClientCell> {
        let client = Client::new(config.clone()).map_err(TalqueErr)?;
        Ok(ClientCell {
            config,
            slot: Mutex::new(Some(PerProcess::new(client))),
        })
    }

    /// Returns this process's core client, building it after `fork()`, never after `close()`.
    pub fn get(&self) -> PyResult<Client> {
        let mut slot = lock(&self.slot);
        let Some(current) = slot.as_mut() else {
            drop(slot);
            return Err(Python::attach(closed_error));
        };
        let client =
            current.get_or_rebuild(|| Client::new(self.config.clone()).map_err(TalqueErr))?;
        Ok(client.clone())
    }

    /// Makes every later `get` fail with the closed error.
    pub fn close(&self) {
        // Dropping the client here leaks it instead when it is the parent's.
        drop(lock(&self.slot).take());
    }
}
