//! The one tokio runtime of this process, created on first use and rebuilt after `fork()`.

use std::sync::Mutex;

use tokio::runtime::{Builder, Runtime};

use super::{lock, PerProcess};

/// The runtime is leaked on creation, so callers can hold it without the lock: it lives until
/// the process exits anyway.
static RUNTIME: Mutex<PerProcess<&'static Runtime>> = Mutex::new(PerProcess::empty());

/// Returns this process's runtime, creating it on first use or after a fork.
pub fn runtime() -> std::io::Result<&'static Runtime> {
    lock(&RUNTIME).get_or_rebuild(build).copied()
}

fn build() -> std::io::Result<&'static Runtime> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get().clamp(1, 4))
        .unwrap_or(2);
    let runtime = Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("talque-runtime")
        .enable_all()
        .build()?;
    Ok(Box::leak(Box::new(runtime)))
}
