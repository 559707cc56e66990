//! State that belongs to one process: the tokio runtime, each client's connection pool, a
//! page prefetch in flight, and the gate that keeps our threads out of a finalizing interpreter.
//!
//! After `fork()` the child inherits the parent's memory but none of its threads. The
//! runtime's workers, the connections of a pool that runs on them and the tasks spawned there
//! all stay the parent's: using them in the child would hang. Dropping them is no better:
//! dropping a runtime joins worker threads that do not exist here, and dropping a task handle
//! or a connection reaches into scheduler state and sockets the parent may have left
//! half-updated (a lock held by a thread that is gone). So each such value is tagged with the
//! pid that created it, and a value found in another process is leaked, never dropped; the
//! child builds its own. `PerProcess` is the one place that does this.

mod client_cell;
pub mod exit_gate;
mod runtime;

use std::sync::{Mutex, MutexGuard};

pub use client_cell::ClientCell;
pub use runtime::runtime;

/// A value that belongs to the process that created it.
pub struct PerProcess<T> {
    pid: u32,
    /// `None` before the first build, after a failed rebuild, and inside `take_current`.
    value: Option<T>,
}

impl<T> PerProcess<T> {
    /// A slot whose value `get_or_rebuild` builds on first use.
    pub const fn empty() -> Self {
        PerProcess {
            pid: 0,
            value: None,
        }
    }

    /// Tags `value` as this process's.
    pub fn new(value: T) -> Self {
        PerProcess {
            pid: std::process::id(),
            value: Some(value),
        }
    }

    /// Returns this process's value, building it with `build` on first use or after `fork()`.
    pub fn get_or_rebuild<E>(&mut self, build: impl FnOnce() -> Result<T, E>) -> Result<&mut T, E> {
        let value = match self.take_current() {
            Some(value) => value,
            None => build()?,
        };
        self.pid = std::process::id();
        Ok(self.value.insert(value))
    }

    /// Returns the value if this process created it.
    pub fn current(&self) -> Option<&T> {
        self.value.as_ref().filter(|_| self.is_current())
    }

    /// Moves the value out if this process created it; one inherited through `fork()` is leaked.
    pub fn into_current(mut self) -> Option<T> {
        self.take_current()
    }

    fn is_current(&self) -> bool {
        self.pid == std::process::id()
    }

    fn take_current(&mut self) -> Option<T> {
        let value = self.value.take();
        if self.is_current() {
            return value;
        }
        // The parent's value: leaked on purpose, for the reasons in the module comment.
        std::mem::forget(value);
        None
    }
}

impl<T> Drop for PerProcess<T> {
    /// Drops the value in the process that created it and leaks it in any other.
    fn drop(&mut self) {
        drop(self.take_current());
    }
}

/// Locks a per-process slot.
///
/// A poisoned lock only means another thread panicked while holding it; a slot is always in
/// a consistent state (every change is one assignment), so we keep using it.
fn lock<T>(slot: &Mutex<T>) -> MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(|poison| poison.into_inner())
}
