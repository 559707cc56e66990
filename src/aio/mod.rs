//! The async bridge: core futures as asyncio awaitables, through `pyo3-async-runtimes`.

mod awaitable;
mod bridge;

pub use awaitable::{spawn_awaitable, IntoPython};
