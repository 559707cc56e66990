//! State that belongs to one process.

mod runtime;

pub use runtime::runtime;
