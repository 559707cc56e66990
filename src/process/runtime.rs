//! The one tokio runtime of this process.
//!
//! The runtime is created lazily on first use and rebuilt after `fork()`: the child inherits
//! the parent's runtime object but none of its worker threads, so using it would hang. We
//! compare the pid on every access and, in a child, leak the parent's runtime instead of
//! dropping it, because dropping would try to join threads that do not exist here.

use std::sync::Mutex;

use tokio::runtime::{Builder, Runtime};

struct ProcessRuntime {
    pid: u32,
    runtime: &'static Runtime,
}

static RUNTIME: Mutex<Option<ProcessRuntime>> = Mutex::new(None);

/// Returns this process's runtime, creating it on first use or after a fork.
pub fn runtime() -> std::io::Result<&'static Runtime> {
    let pid = std::process::id();
    // A poisoned lock only means another thread panicked while holding it; the slot itself
    // is always in a consistent state, so we keep using it.
    let mut slot = RUNTIME.lock().unwrap_or_else(|poison| poison.into_inner());
    if let Some(current) = slot.as_ref() {
        if current.pid == pid {
            return Ok(current.runtime);
        }
    }
    let workers = std::thread::available_parallelism()
        .map(|n| n.get().clamp(1, 4))
        .unwrap_or(2);
    let runtime = Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("talque-runtime")
        .enable_all()
        .build()?;
    let runtime: &'static Runtime = Box::leak(Box::new(runtime));
    *slot = Some(ProcessRuntime { pid, runtime });
    Ok(runtime)
}
