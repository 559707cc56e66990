//! Keeping our threads out of Python once the interpreter has begun to shut down.
//!
//! A thread that takes the GIL back while CPython finalizes does not get it: CPython 3.11
//! ends the thread with `pthread_exit`, whose unwinding runs the Rust drop glue on its stack
//! (decrements of Python objects, `PyGILState_Release`) without the GIL while the main thread
//! frees the interpreter, which crashes the process (segfault, abort or bus error); newer
//! versions block the thread forever instead. Our threads that enter Python on their own are
//! the runtime's blocking threads that resolve asyncio futures (`aio::bridge`); such a thread
//! can be inside Python with the GIL released (`call_soon_threadsafe` writes to a socket)
//! just as the awaiting coroutine finishes and the program exits. A daemon thread waiting in
//! a sync call (`wait`) takes the GIL back every poll as well.
//!
//! So each such thread holds a `Pass` from the moment it decides to enter Python until it has
//! left it, and an `atexit` hook, which CPython runs after joining the non-daemon threads and
//! before finalizing, closes the gate and waits, with the GIL released and for at most
//! `EXIT_GRACE`, until the passes in use are returned. After that no pass is given out, except
//! to the thread that closed the gate (later `atexit` hooks may still make calls): a result
//! that would be handed to Python is dropped unseen, and a daemon thread parks until the
//! process ends.

use std::convert::Infallible;
use std::sync::{Condvar, Mutex};
use std::thread::ThreadId;
use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::PyCFunction;

use super::{lock, PerProcess};

/// How long interpreter exit waits for threads still in Python: results are converted in
/// milliseconds, so this bounds only a logging handler that blocks.
const EXIT_GRACE: Duration = Duration::from_secs(2);

#[derive(Default)]
struct Gate {
    /// The passes given out and not yet returned.
    in_use: usize,
    /// The thread that ran the `atexit` hook, once it has.
    closed_by: Option<ThreadId>,
}

/// The gate of this process: a thread that held a pass in the parent at `fork()` does not
/// exist in the child, so the child starts from a fresh count.
static GATE: Mutex<PerProcess<Gate>> = Mutex::new(PerProcess::empty());
static RETURNED: Condvar = Condvar::new();

/// Permission to be in Python until dropped.
pub struct Pass(());

impl Drop for Pass {
    fn drop(&mut self) {
        with_gate(|gate| gate.in_use = gate.in_use.saturating_sub(1));
        RETURNED.notify_all();
    }
}

/// Returns a pass, or `None` once the interpreter is shutting down.
pub fn enter() -> Option<Pass> {
    with_gate(|gate| {
        let open = gate
            .closed_by
            .is_none_or(|closer| closer == std::thread::current().id());
        if open {
            gate.in_use += 1;
        }
        open.then_some(Pass(()))
    })
}

/// Returns a pass, or parks this thread for good once the interpreter is shutting down.
pub fn enter_or_park() -> Pass {
    loop {
        if let Some(pass) = enter() {
            return pass;
        }
        // Spurious wake-ups are possible, so the loop parks again.
        std::thread::park();
    }
}

/// Registers the hook that closes the gate at interpreter exit.
pub fn register_exit_hook(py: Python<'_>) -> PyResult<()> {
    let hook = PyCFunction::new_closure(py, None, None, |args, _kwargs| {
        close(args.py());
    })?;
    py.import("atexit")?.call_method1("register", (hook,))?;
    Ok(())
}

/// Closes the gate and waits, without the GIL, for the passes in use.
fn close(py: Python<'_>) {
    let closer = std::thread::current().id();
    py.detach(move || {
        let mut slot = lock(&GATE);
        current_gate(&mut slot).closed_by = Some(closer);
        // Whatever is still in use after the grace period is left to CPython.
        let _ = RETURNED.wait_timeout_while(slot, EXIT_GRACE, |slot| {
            slot.current().is_some_and(|gate| gate.in_use > 0)
        });
    });
}

fn with_gate<R>(change: impl FnOnce(&mut Gate) -> R) -> R {
    change(current_gate(&mut lock(&GATE)))
}

fn current_gate(slot: &mut PerProcess<Gate>) -> &mut Gate {
    match slot.get_or_rebuild(|| Ok::<_, Infallible>(Gate::default())) {
        Ok(gate) => gate,
        Err(never) => match never {},
    }
}
