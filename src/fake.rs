//! `talque._talque.FakeServerHandle`: the fake Talque server of `crates/talque-fake`,
//! running on its own threads inside this process. `talque.testing.FakeServer` wraps it;
//! structured values cross the boundary as JSON text to keep this layer thin.

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use talque_fake::{FakeConfig, FakeServer};

#[pyclass(frozen, module = "talque._talque")]
pub struct FakeServerHandle {
    server: FakeServer,
}

fn value_error(err: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(err.to_string())
}

#[pymethods]
impl FakeServerHandle {
    /// Starts a server from a JSON `FakeConfig`; returns once it is listening.
    #[new]
    fn new(py: Python<'_>, config_json: &str) -> PyResult<Self> {
        let config: FakeConfig = serde_json::from_str(config_json).map_err(value_error)?;
        // Generating a large data set takes a moment; other Python threads may run meanwhile.
        let server = py.detach(|| FakeServer::start(config)).map_err(|err| {
            PyRuntimeError::new_err(format!("fake server failed to start: {err}"))
        })?;
        Ok(FakeServerHandle { server })
    }

    #[getter]
    fn url(&self) -> String {
        self.server.url()
    }

    fn orgs_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.server.orgs()).map_err(value_error)
    }

    #[pyo3(signature = (org_id, profile_id=None))]
    fn tickets_json(&self, org_id: &str, profile_id: Option<&str>) -> Option<String> {
        self.server.tickets_json(org_id, profile_id)
    }

    fn edit_tickets_json(&self, org_id: &str, edits_json: &str) -> PyResult<String> {
        self.server
            .edit_tickets_json(org_id, edits_json)
            .map_err(value_error)
    }

    fn requests_json(&self) -> String {
        self.server.requests_json()
    }

    fn clear_requests(&self) {
        self.server.clear_requests();
    }

    fn push_faults_json(&self, rules_json: &str) -> PyResult<()> {
        self.server
            .push_faults_json(rules_json)
            .map_err(value_error)
    }

    fn clear_faults(&self) {
        self.server.clear_faults();
    }

    fn set_latency_ms(&self, ms: u64) {
        self.server.set_latency_ms(ms);
    }

    fn set_compression(&self, enabled: bool) {
        self.server.set_compression(enabled);
    }

    fn set_bandwidth(&self, bytes_per_sec: u64) {
        self.server.set_bandwidth_bytes_per_sec(bytes_per_sec);
    }

    #[pyo3(signature = (rate, seed, kinds=None))]
    fn set_random_faults(&self, rate: f64, seed: u64, kinds: Option<Vec<String>>) -> PyResult<()> {
        self.server
            .set_random_faults(rate, seed, kinds)
            .map_err(value_error)
    }

    fn stats_json(&self) -> String {
        self.server.stats_json()
    }

    fn stop(&self, py: Python<'_>) {
        py.detach(|| self.server.stop());
    }
}
