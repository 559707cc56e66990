//! Deferring Python's cyclic garbage collector while jiter builds one response.
//!
//! Why: a 1,000-ticket page becomes about 19,000 container objects (dicts and lists) in one
//! C call. With the collector running, that call triggers some 27 young collections, and
//! since the half-built page is reachable, every one of them promotes its objects, which
//! the middle and full collections then traverse again. So collection took a larger share of
//! the client's CPU at page size 1,000 than at 100, which is why bigger pages made talque
//! slower (the figures are in `bench/list_pages.py` and the README's Performance section).
//! With collection deferred to the end of the call, the next allocation runs one young
//! collection over the finished page instead.
//!
//! CPython 3.12 made this the interpreter's own behaviour: allocations only schedule a
//! collection, which runs at the next bytecode boundary, never inside a C call. So the
//! pause is taken only on 3.10 and 3.11, to get the same there. It is not a change of the
//! process's collector settings, which a library must not make: it lasts while the GIL is
//! held by a parse that runs no Python code (jiter only creates builtin objects and frees
//! its own strings), so no other thread, `gc.callbacks` entry or finalizer can observe it;
//! the previous state is restored on every path, a collector the application disabled stays
//! disabled, and no allocation escapes collection, since the allocation counter keeps
//! counting. (abi3 extensions do not load in free-threaded CPython.)

use pyo3::{ffi, Python};

/// Runs `parse` (which must not run Python code or release the GIL) with the cyclic garbage
/// collector paused; see the module documentation.
pub fn with_gc_paused<T>(py: Python<'_>, parse: impl FnOnce() -> T) -> T {
    if py.version_info() >= (3, 12) {
        return parse();
    }
    let _pause = Pause::start();
    parse()
}

/// Re-enables the collector on drop if `start` disabled it, also if `parse` unwinds.
struct Pause {
    was_enabled: bool,
}

impl Pause {
    fn start() -> Pause {
        // SAFETY: `with_gc_paused` takes the `Python` token, so the GIL is held, which is
        // all that `PyGC_Disable` (stable ABI since 3.10) requires.
        let was_enabled = unsafe { ffi::PyGC_Disable() } != 0;
        Pause { was_enabled }
    }
}

impl Drop for Pause {
    fn drop(&mut self) {
        if self.was_enabled {
            // SAFETY: dropped inside `with_gc_paused`, whose caller still holds the GIL.
            unsafe { ffi::PyGC_Enable() };
        }
    }
}
