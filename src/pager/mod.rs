//! `talque._talque.CorePager`: one cursor-paginated listing, fetched a page at a time.
//!
//! The pagination rules (when to stop, repeated cursors, `more` without a cursor, the
//! `max_items` budget) live in the core's `PageCursor`; this type fetches pages without
//! the GIL, consumes them with it (see `consume.rs`), and only then advances the cursor,
//! so a page that never reached its target is fetched again on resume. It also holds the
//! page a ticket iteration is handing out (see `held.rs`), so the Python pagers keep no
//! iteration state of their own.

mod consume;
mod fetch;
mod held;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use pyo3::types::PyList;
use talque_core::PageCursor;

use crate::aio::spawn_awaitable;
use crate::arrow_table::TicketTable;
use crate::export::TicketWriter;
use crate::process::ClientCell;
use crate::wait::run_blocking;
use consume::{Delivery, Target};
use fetch::{fetch_started, lock, Fetch, FetchedPage, PagerState, SharedState};

#[pyclass(frozen, module = "talque._talque")]
pub struct CorePager {
    cell: Arc<ClientCell>,
    state: SharedState,
}

impl CorePager {
    pub fn new(cell: Arc<ClientCell>, cursor: PageCursor, prefetch: bool) -> Self {
        CorePager {
            cell,
            state: Arc::new(Mutex::new(PagerState::new(cursor, prefetch))),
        }
    }

    /// Fetches the next page into `target` with the GIL released while waiting; the
    /// target's answer for the end when the listing is complete.
    fn next_into<'py>(&self, py: Python<'py>, target: Target) -> PyResult<Bound<'py, PyAny>> {
        target.check()?;
        let Some((fetch, source)) = Fetch::begin(&self.state)? else {
            return target.at_end(py);
        };
        let client = self.cell.get()?;
        let fetcher = client.clone();
        let page = run_blocking(py, move |events| async move {
            source.fetch(&fetcher, events).await
        })?;
        target.consume(
            py,
            FetchedPage {
                fetch,
                page,
                client,
            },
        )
    }

    /// Like `next_into`, as an awaitable for asyncio; cancelling it aborts the request.
    fn next_into_async<'py>(&self, py: Python<'py>, target: Target) -> PyResult<Bound<'py, PyAny>> {
        target.check()?;
        let started = Fetch::begin(&self.state)?;
        let client = self.cell.get()?;
        spawn_awaitable(py, move |events| async move {
            let fetched = fetch_started(started, client, events).await?;
            Ok(Delivery { fetched, target })
        })
    }

    /// The next ticket of the page in progress, ending that page with its last one.
    fn take_held<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let mut state = lock(&self.state);
        let Some(held) = state.held.as_mut() else {
            return Ok(None);
        };
        let (ticket, last) = held.take(py)?;
        // The used-up page is dropped after the lock is released.
        let ended = if last { state.held.take() } else { None };
        drop(state);
        drop(ended);
        Ok(Some(ticket))
    }
}

#[pymethods]
impl CorePager {
    /// The cursor to resume from: while a page is partly handed out, the one fetching it
    /// again; else the one fetching the next page.
    #[getter]
    fn cursor(&self) -> Option<String> {
        lock(&self.state).resume_cursor().map(str::to_owned)
    }

    #[getter]
    fn finished(&self) -> bool {
        lock(&self.state).cursor.is_finished()
    }

    /// Pages delivered so far (to any target).
    #[getter]
    fn pages_fetched(&self) -> u64 {
        lock(&self.state).delivered.pages
    }

    /// Tickets delivered so far (to any target).
    #[getter]
    fn tickets_fetched(&self) -> u64 {
        lock(&self.state).delivered.tickets
    }

    /// The first tickets delivered as dicts, for the notebook view.
    #[getter]
    fn preview<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyAny>> {
        lock(&self.state).delivered.preview(py)
    }

    /// Fetches the next page as a dict, or returns None when the listing is complete.
    ///
    /// On error nothing advances, so `cursor` still fetches the failed page.
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.next_into(py, Target::Page)
    }

    /// Like `next_page`, as an awaitable for asyncio.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.next_into_async(py, Target::Page)
    }

    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    /// The next ticket: from the page in progress, else from the next page, fetched with
    /// the GIL released (empty pages are skipped).
    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        loop {
            if let Some(ticket) = self.take_held(py)? {
                return Ok(Some(ticket));
            }
            if !self.next_into(py, Target::Held)?.is_truthy()? {
                return Ok(None);
            }
        }
    }

    /// The next ticket of the page in progress without fetching; None when it is used up
    /// (the async pager then awaits `fill_async`).
    fn next_held<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.take_held(py)
    }

    /// Fetches the next page to hand out its tickets, as an awaitable of whether there was
    /// one (False when the listing is complete).
    fn fill_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.next_into_async(py, Target::Held)
    }

    /// The tickets of the page in progress not handed out yet, ending that page; None
    /// when no page is in progress.
    fn take_rest<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyList>> {
        let held = lock(&self.state).held.take()?;
        Some(held.rest(py))
    }

    /// Fetches the next page and writes its tickets to `writer`, flushed to the OS, all
    /// without the GIL; returns the number written, or None when the listing is complete.
    ///
    /// On error (fetching or writing) the cursor does not advance and `writer.position`
    /// still ends at the last complete page, so both name the same point to resume from.
    fn write_next_page<'py>(
        &self,
        py: Python<'py>,
        writer: Py<TicketWriter>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into(py, Target::File(writer))
    }

    /// Like `write_next_page`, as an awaitable for asyncio.
    fn write_next_page_async<'py>(
        &self,
        py: Python<'py>,
        writer: Py<TicketWriter>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into_async(py, Target::File(writer))
    }

    /// Fetches the next page and writes it as one Parquet part file at `path`, without
    /// the GIL; returns the number of tickets, or None when the listing is complete.
    fn write_parquet_part<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into(py, Target::Part(path))
    }

    /// Like `write_parquet_part`, as an awaitable for asyncio.
    fn write_parquet_part_async<'py>(
        &self,
        py: Python<'py>,
        path: PathBuf,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into_async(py, Target::Part(path))
    }

    /// Fetches the next page and appends its tickets to `table` as one Arrow record batch,
    /// built without the GIL; returns their number, or None when the listing is complete.
    fn add_next_batch<'py>(
        &self,
        py: Python<'py>,
        table: Py<TicketTable>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into(py, Target::Batch(table))
    }

    /// Like `add_next_batch`, as an awaitable for asyncio.
    fn add_next_batch_async<'py>(
        &self,
        py: Python<'py>,
        table: Py<TicketTable>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.next_into_async(py, Target::Batch(table))
    }

    /// Ends the fetch in progress without waiting for its Rust future to be dropped.
    ///
    /// The async pager calls this when its awaiting task is cancelled, so that the next
    /// fetch can start at once; the abandoned fetch never advances the cursor.
    fn abandon_fetch(&self) {
        lock(&self.state).fetching = None;
    }
}
