//! Starting and stopping a fake server on its own thread and runtime.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::watch;

use crate::accept::{self, Serving};
use crate::config::FakeConfig;
use crate::control;
use crate::data;
use crate::error::FakeError;
use crate::faults::FaultRule;
use crate::state::{AppState, OrgInfo};
use crate::tls;

/// How long the runtime waits for its tasks after the grace period.
const RUNTIME_SHUTDOWN: Duration = Duration::from_millis(100);

/// A running fake Talque Ticket API server.
///
/// It runs on a dedicated thread with its own two-worker tokio runtime, so it works the same
/// from synchronous tests, async tests and Python, and never competes with the client's
/// runtime. All methods take `&self` and the handle is `Send + Sync`.
#[derive(Debug)]
pub struct FakeServer {
    state: Arc<AppState>,
    url: String,
    stop_signal: Mutex<Option<watch::Sender<bool>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl FakeServer {
    /// Generates the data, binds, and starts serving; returns once the port accepts
    /// connections (they queue in the listen backlog until the runtime picks them up).
    pub fn start(config: FakeConfig) -> Result<FakeServer, FakeError> {
        config.validate()?;
        let orgs = data::build_orgs(&config)?;
        let listener =
            std::net::TcpListener::bind((config.host.as_str(), config.port)).map_err(|err| {
                FakeError::new(format!(
                    "cannot bind {}:{}: {err}",
                    config.host, config.port
                ))
            })?;
        let address: SocketAddr = listener
            .local_addr()
            .map_err(|err| FakeError::new(format!("cannot read the bound address: {err}")))?;
        listener.set_nonblocking(true).map_err(|err| {
            FakeError::new(format!("cannot make the listener non-blocking: {err}"))
        })?;
        let state = Arc::new(AppState::new(
            FakeConfig {
                port: address.port(),
                ..config
            },
            orgs,
        )?);
        let serving = Serving {
            app: control::router(state.clone()),
            tls: tls::acceptor(&state.config)?,
            log: state.log.clone(),
        };
        let scheme = if serving.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let (stop_signal, stopped) = watch::channel(false);
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        // The runtime is built, used and dropped on the server thread only, so starting or
        // dropping a fake from inside another runtime (an async test) is always allowed.
        let thread = std::thread::Builder::new()
            .name("talque-fake-server".to_owned())
            .spawn(move || run_server(listener, serving, stopped, ready_tx))
            .map_err(|err| FakeError::new(format!("cannot start the server thread: {err}")))?;
        let ready = ready_rx.recv().unwrap_or_else(|_| {
            Err(FakeError::new(
                "the server thread ended before it was ready",
            ))
        });
        if let Err(error) = ready {
            // The thread has already returned after reporting the error.
            let _ = thread.join();
            return Err(error);
        }
        Ok(FakeServer {
            state,
            url: format!("{scheme}://{address}"),
            stop_signal: Mutex::new(Some(stop_signal)),
            thread: Mutex::new(Some(thread)),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234` (`https://` when TLS is configured).
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// The configuration the server was started with, with the bound port filled in.
    pub fn config(&self) -> &FakeConfig {
        &self.state.config
    }

    /// The organisations served, with their ticket counts and hidden profile ids.
    pub fn orgs(&self) -> Vec<OrgInfo> {
        self.state.orgs()
    }

    /// The ground truth: the organisation's tickets (of one profile, if given) as a JSON
    /// array, byte for byte as the server serves them and in list order; `None` for an
    /// unknown organisation.
    pub fn tickets_json(&self, org_id: &str, profile_id: Option<&str>) -> Option<String> {
        self.state.tickets_json(org_id, profile_id)
    }

    /// Changes tickets the way an edit in Talque does: `edits_json` is a JSON array of
    /// `{"orgTicketId": id, "patch": {...}}`, each patch a JSON merge patch (RFC 7386) on the
    /// ticket; `mtime` becomes now (unless the patch sets it). Tickets keep their places, so
    /// cursors stay valid. All or nothing; returns the edited tickets as a JSON array.
    pub fn edit_tickets_json(&self, org_id: &str, edits_json: &str) -> Result<String, FakeError> {
        self.state.edit_tickets_json(org_id, edits_json)
    }

    /// The request log as a JSON array, in arrival order.
    pub fn requests_json(&self) -> String {
        self.state.log.to_json()
    }

    /// Forgets the logged requests and resets the stats.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }

    /// Queues scripted faults; they are consumed in order.
    pub fn push_faults(&self, rules: Vec<FaultRule>) {
        self.state.push_faults(rules);
    }

    /// Queues scripted faults given as a JSON array of rules.
    pub fn push_faults_json(&self, json: &str) -> Result<(), FakeError> {
        self.state.push_faults_json(json)
    }

    /// Drops every queued scripted fault.
    pub fn clear_faults(&self) {
        self.state.clear_faults();
    }

    /// Sets the latency added to every API request from now on.
    pub fn set_latency_ms(&self, ms: u64) {
        self.state.set_latency_ms(ms);
    }

    /// Turns compression of answers on or off from now on.
    pub fn set_compression(&self, enabled: bool) {
        self.state.set_compression(enabled);
    }

    /// Caps the body bytes per second of each answer from now on; 0 removes the cap.
    pub fn set_bandwidth_bytes_per_sec(&self, rate: u64) {
        self.state.set_bandwidth_bytes_per_sec(rate);
    }

    /// Replaces the random fault source; `kinds` defaults to every random-able kind.
    pub fn set_random_faults(
        &self,
        rate: f64,
        seed: u64,
        kinds: Option<Vec<String>>,
    ) -> Result<(), FakeError> {
        self.state.set_random_faults(rate, seed, kinds)
    }

    /// `{"requests": n, "faults_injected": n, "by_kind": {kind: n}}` since start or the last
    /// [`FakeServer::clear_requests`].
    pub fn stats_json(&self) -> String {
        self.state.log.stats_json()
    }

    /// Stops serving and waits for the server thread. Open connections get a short grace
    /// period, then are dropped. Calling it again does nothing.
    pub fn stop(&self) {
        if let Some(signal) = lock(&self.stop_signal).take() {
            // The receiver only disappears once the server has stopped, which is fine.
            let _ = signal.send(true);
        }
        if let Some(thread) = lock(&self.thread).take() {
            // The thread has no result, and a panic in it has nowhere better to go.
            let _ = thread.join();
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The body of the server thread: a runtime, the listener on it, and the serve loop.
fn run_server(
    listener: std::net::TcpListener,
    serving: Serving,
    stopped: watch::Receiver<bool>,
    ready: std::sync::mpsc::Sender<Result<(), FakeError>>,
) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("talque-fake-worker")
        .enable_all()
        .build()
        .map_err(|err| FakeError::new(format!("cannot start the tokio runtime: {err}")));
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(error));
            return;
        }
    };
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener)
    };
    match listener {
        Ok(listener) => {
            // The caller may have given up waiting; serving anyway is harmless.
            let _ = ready.send(Ok(()));
            runtime.block_on(accept::serve(listener, serving, stopped));
        }
        Err(err) => {
            let message = format!("cannot register the listener: {err}");
            let _ = ready.send(Err(FakeError::new(message)));
        }
    }
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
}
