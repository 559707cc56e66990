//! What a fetched page becomes: a page dict, the tickets a ticket iteration hands out, an
//! Arrow record batch, or lines of an export file or a Parquet part; each cut to the
//! tickets a capped listing keeps.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use super::fetch::{lock, FetchedPage};
use super::held::HeldPage;
use crate::aio::IntoPython;
use crate::arrow_table::TicketTable;
use crate::errors::TalqueErr;
use crate::export::parquet;
use crate::export::TicketWriter;
use crate::json::parse_body;

/// Where a fetched page goes.
pub enum Target {
    /// A page dict, returned.
    Page,
    /// The tickets of a ticket iteration, held in the pager; returns True.
    Held,
    /// One record batch of a table; returns the ticket count.
    Batch(Py<TicketTable>),
    /// The lines of a JSON Lines or CSV export; returns the ticket count.
    File(Py<TicketWriter>),
    /// One Parquet part file; returns the ticket count.
    Part(PathBuf),
}

impl Target {
    /// Fails early, before a page is fetched, when the target cannot take one.
    pub fn check(&self) -> PyResult<()> {
        match self {
            Target::File(writer) => writer.get().check_open(),
            _ => Ok(()),
        }
    }

    /// Consumes the fetched page; the cursor advances only if this succeeds.
    pub fn consume<'py>(
        self,
        py: Python<'py>,
        fetched: FetchedPage,
    ) -> PyResult<Bound<'py, PyAny>> {
        let FetchedPage {
            fetch,
            page,
            client,
        } = fetched;
        let state = fetch.state().clone();
        let start = fetch.start.clone();
        let body = &page.body;
        let written = |count: usize| Ok(count.into_pyobject(py)?.into_any());
        match self {
            Target::Page | Target::Held => {
                let parsed =
                    fetch.deliver_with(py, &page, client, |py, kept| parse(py, body, kept))?;
                let tickets = parsed.get_item("tickets")?;
                let tickets = tickets
                    .as_ref()
                    .map(|tickets| tickets.cast::<PyList>())
                    .transpose()?;
                let mut locked = lock(&state);
                if let Some(tickets) = tickets {
                    if locked.delivered.wants_preview() {
                        locked.delivered.preview_from(tickets);
                    }
                    if matches!(self, Target::Held) {
                        locked.held = HeldPage::new(tickets.clone(), start);
                    }
                }
                drop(locked);
                match self {
                    Target::Held => Ok(true.into_pyobject(py)?.to_owned().into_any()),
                    _ => Ok(parsed.into_any()),
                }
            }
            Target::Batch(table) => {
                let table = table.get();
                let count = fetch.deliver_with(py, &page, client, |py, kept| {
                    py.detach(|| table.add_page(body, kept))
                        .map_err(|err| PyErr::from(TalqueErr(err)))
                })?;
                written(count)
            }
            Target::File(writer) => {
                let writer = writer.get();
                let count = fetch.deliver_with(py, &page, client, |py, kept| {
                    py.detach(|| writer.write_page(body, kept))
                        .map_err(PyErr::from)
                })?;
                written(count)
            }
            Target::Part(path) => {
                let count = fetch.deliver_with(py, &page, client, |py, kept| {
                    py.detach(|| parquet::write_part(body, &path, kept))
                        .map_err(PyErr::from)
                })?;
                written(count)
            }
        }
    }

    /// What the target returns when the listing has no next page.
    pub fn at_end<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Target::Held => Ok(false.into_pyobject(py)?.to_owned().into_any()),
            _ => Ok(py.None().into_bound(py)),
        }
    }
}

/// Parses a page, cut to its first `kept` tickets.
fn parse<'py>(py: Python<'py>, body: &[u8], kept: usize) -> PyResult<Bound<'py, PyDict>> {
    let parsed = parse_body(py, body)?;
    if let Some(tickets) = parsed.get_item("tickets")? {
        let tickets = tickets.cast::<PyList>()?;
        if tickets.len() > kept {
            tickets.del_slice(kept, usize::MAX)?;
        }
    }
    Ok(parsed)
}

/// A fetched page (or the end of the listing) on its way to its target, for an awaiting
/// Python task.
pub struct Delivery {
    pub fetched: Option<FetchedPage>,
    pub target: Target,
}

impl IntoPython for Delivery {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self.fetched {
            Some(fetched) => self.target.consume(py, fetched),
            None => self.target.at_end(py),
        }
    }
}
