//! The export bindings: `TicketWriter` (CSV and JSON Lines files written from the core) and
//! the Parquet part files, with how their failures reach Python.

mod failure;
pub mod parquet;
mod target;
mod writer;

pub use writer::TicketWriter;
