//! `talque._talque`: the PyO3 bindings. This file only wires the modules together.

mod aio;
mod arrow_table;
mod client;
mod errors;
mod export;
mod fake;
mod gc_pause;
mod json;
mod logging;
mod options;
mod pager;
mod prefetch;
mod process;
mod read;
mod schema;
mod wait;

use pyo3::prelude::*;
use pyo3::types::PyTuple;

#[pymodule]
fn _talque(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<client::CoreClient>()?;
    m.add_class::<pager::CorePager>()?;
    m.add_class::<fake::FakeServerHandle>()?;
    m.add_class::<export::TicketWriter>()?;
    m.add_class::<arrow_table::TicketTable>()?;
    m.add_class::<options::ClientOptionInfo>()?;
    // The client options, defined once in the core crate.
    m.add("DEFAULT_BASE_URL", talque_core::DEFAULT_BASE_URL)?;
    m.add("CLIENT_OPTIONS", options::client_options(m.py())?)?;
    m.add_function(wrap_pyfunction!(options::parse_option, m)?)?;
    // Tuples, so the one schema cannot be changed from Python.
    m.add(
        "CSV_COLUMNS",
        PyTuple::new(m.py(), talque_core::csv_columns())?,
    )?;
    // The fake server's launcher options, defined once in the fake crate.
    m.add(
        "FAKE_SERVER_OPTIONS_JSON",
        talque_fake::launch::options_json(),
    )?;
    m.add("TICKET_FIELDS", schema::ticket_fields(m.py())?)?;
    m.add(
        "PERSON_FIELDS",
        PyTuple::new(m.py(), talque_core::schema::PERSON_FIELDS)?,
    )?;
    m.add_function(wrap_pyfunction!(export::parquet::merge_parquet_parts, m)?)?;
    process::exit_gate::register_exit_hook(m.py())?;
    Ok(())
}
