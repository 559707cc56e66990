//! Plugs the process runtime into `pyo3-async-runtimes`.
//!
//! Why this bridge and not PyO3's own `async fn` support (`experimental-async`): PyO3's
//! coroutine wakes Python from whichever thread wakes the Rust future, which for us is a
//! tokio worker that would then take the GIL; and it drops the Rust future on cancellation
//! only with an explicit `CancelHandle`. `pyo3-async-runtimes` resolves the asyncio future
//! from a blocking thread and drops the Rust future (aborting the request) as soon as the
//! asyncio future is cancelled, which is what `asyncio.wait_for` users expect. We have not
//! benchmarked the two side by side; `bench/async_read.py` measures this bridge against an
//! httpx peer.
//!
//! We use the crate's generic bridge rather than its `tokio` module because that module
//! keeps one runtime for the life of the process, while ours is rebuilt after `fork()`.
//! Callers enter the process runtime before bridging (see `aio::spawn_awaitable`), so
//! `tokio::spawn` here always finds it; the bridge's own follow-up tasks run on it too.

use std::future::Future;
use std::pin::Pin;

use pyo3_async_runtimes::generic::{self, ContextExt, Runtime};
use pyo3_async_runtimes::TaskLocals;

use crate::process::exit_gate;

tokio::task_local! {
    /// The asyncio event loop and contextvars of the Python call that started a task.
    static TASK_LOCALS: TaskLocals;
}

/// A task that ended without finishing (aborted, or a panic despite our lints).
pub struct TaskError(tokio::task::JoinError);

impl generic::JoinError for TaskError {
    fn is_panic(&self) -> bool {
        self.0.is_panic()
    }

    fn into_panic(self) -> Box<dyn std::any::Any + Send + 'static> {
        self.0
            .try_into_panic()
            .unwrap_or_else(|err| Box::new(err.to_string()))
    }
}

type TaskHandle = Pin<Box<dyn Future<Output = Result<(), TaskError>> + Send>>;

/// The process runtime, as `pyo3-async-runtimes` sees it.
pub struct BridgeRuntime;

impl Runtime for BridgeRuntime {
    type JoinError = TaskError;
    type JoinHandle = TaskHandle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let task = tokio::spawn(fut);
        Box::pin(async move { task.await.map_err(TaskError) })
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        // Results are handed to Python on a blocking thread: taking the GIL on a worker
        // thread could stall every other request on that worker. `f` takes the GIL, so it
        // runs only with a pass; once the interpreter is shutting down it is leaked unrun,
        // since dropping it would release Python objects (see `process::exit_gate`).
        let task = tokio::task::spawn_blocking(move || match exit_gate::enter() {
            Some(_pass) => f(),
            None => std::mem::forget(f),
        });
        Box::pin(async move { task.await.map_err(TaskError) })
    }
}

impl ContextExt for BridgeRuntime {
    fn scope<F, R>(locals: TaskLocals, fut: F) -> Pin<Box<dyn Future<Output = R> + Send>>
    where
        F: Future<Output = R> + Send + 'static,
    {
        Box::pin(TASK_LOCALS.scope(locals, fut))
    }

    fn get_task_locals() -> Option<TaskLocals> {
        TASK_LOCALS.try_with(TaskLocals::clone).ok()
    }
}
