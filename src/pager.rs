//! `talque._talque.CorePager`: one cursor-paginated listing, fetched a page at a time.
//!
//! The pagination rules (when to stop, repeated cursors, `more` without a cursor) live in
//! the core's `PageCursor`; this type fetches pages without the GIL, parses them with it,
//! and only then advances the cursor, so a page that never reached Python is fetched again
//! on resume. The state is locked only briefly, never across a network wait or while
//! Python code may run: a thread waiting on the lock while holding the GIL would deadlock
//! with a fetching thread that needs the GIL.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyList;
use talque_core::{Client, Error as CoreError, EventSink, ListPage, ListRequest, PageCursor};

use crate::aio::{spawn_awaitable, IntoPython};
use crate::arrow_table::TicketTable;
use crate::errors::TalqueErr;
use crate::export::{parquet, TicketWriter};
use crate::json::parse_body;
use crate::prefetch::Prefetch;
use crate::process::ClientCell;
use crate::wait::run_blocking;

struct PagerState {
    cursor: PageCursor,
    /// The next page, already requested; see `prefetch.rs`.
    prefetch: Option<Prefetch>,
    prefetch_enabled: bool,
    /// The number of the fetch in progress, if any.
    fetching: Option<u64>,
    fetches: u64,
}

type SharedState = Arc<Mutex<PagerState>>;

fn lock(state: &SharedState) -> MutexGuard<'_, PagerState> {
    state.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Marks the one page fetch in progress; dropping it (done, failed or cancelled) ends it.
///
/// Each fetch has a number, so that a fetch abandoned by a cancelled asyncio task (whose
/// Rust future is dropped a moment later, on another thread) can neither end nor deliver
/// into the fetch that replaced it.
struct Fetch {
    state: SharedState,
    number: u64,
}

impl Fetch {
    /// Starts a fetch, or returns `None` when the listing is complete.
    fn begin(state: &SharedState) -> PyResult<Option<(Fetch, PageSource)>> {
        let mut locked = lock(state);
        if locked.fetching.is_some() {
            return Err(PyRuntimeError::new_err(
                "this pager is already fetching a page (in another thread or task)",
            ));
        }
        let Some(request) = locked.cursor.next_request() else {
            return Ok(None);
        };
        locked.fetches += 1;
        let number = locked.fetches;
        locked.fetching = Some(number);
        let prefetched = locked
            .prefetch
            .take()
            .and_then(|prefetch| prefetch.take_for(&request));
        let fetch = Fetch {
            state: state.clone(),
            number,
        };
        Ok(Some((
            fetch,
            PageSource {
                request,
                prefetched,
            },
        )))
    }

    /// Parses the page into Python, then advances the cursor (see [`Fetch::deliver_with`]).
    fn deliver<'py>(
        self,
        py: Python<'py>,
        page: &ListPage,
        client: Client,
        keep: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.deliver_with(py, page, client, keep, |py| {
            let parsed = parse_body(py, &page.body)?;
            if let Some(keep) = keep.filter(|keep| page.ticket_count > *keep) {
                if let Some(tickets) = parsed.get_item("tickets")? {
                    tickets.cast::<PyList>()?.del_slice(keep, usize::MAX)?;
                }
            }
            Ok(parsed.into_any())
        })
    }

    /// Starts prefetching the next page, hands `page` to `consume`, and only once that
    /// succeeded advances the cursor past it.
    ///
    /// With `keep`, a page of more tickets than that is cut (by `consume`) to its first
    /// `keep`: a capped export's server may send more than the `limit` it was asked for.
    /// The cursor then stays at this page, since the tickets cut off are still to come;
    /// resuming from it repeats the tickets kept rather than losing the others.
    fn deliver_with<'py, T>(
        self,
        py: Python<'py>,
        page: &ListPage,
        client: Client,
        keep: Option<usize>,
        consume: impl FnOnce(Python<'py>) -> PyResult<T>,
    ) -> PyResult<T> {
        let cut = keep.is_some_and(|keep| page.ticket_count > keep);
        // The next page is requested before this one is consumed, so that the network
        // overlaps the decoding or writing. The cursor itself advances only once this page
        // has been consumed; its cursor is checked before, so that a page the pager would
        // reject is never consumed (a prefetch for it is simply dropped).
        let next = {
            let state = lock(&self.state);
            state.cursor.check(page).map_err(TalqueErr)?;
            match (state.prefetch_enabled && page.more && !cut, &page.cursor) {
                (true, Some(cursor)) => state.cursor.next_request().map(|mut request| {
                    request.cursor = Some(cursor.clone());
                    request
                }),
                _ => None,
            }
        };
        // Started outside the lock: it calls into Python (the logger), which may switch
        // threads. No other fetch can begin meanwhile, since this one is still in progress.
        let prefetch = next
            .map(|next| Prefetch::start(py, client, next))
            .transpose()?;
        let consumed = consume(py)?;
        let mut state = lock(&self.state);
        if state.fetching != Some(self.number) {
            return Err(PyRuntimeError::new_err(
                "this page fetch was abandoned; the pager has moved on",
            ));
        }
        if !cut {
            state.cursor.advance(page).map_err(TalqueErr)?;
        }
        state.prefetch = prefetch;
        Ok(consumed)
    }
}

impl Drop for Fetch {
    fn drop(&mut self) {
        let mut state = lock(&self.state);
        if state.fetching == Some(self.number) {
            state.fetching = None;
        }
    }
}

/// Where the next page comes from: a prefetch already under way, or a new request.
struct PageSource {
    request: ListRequest,
    prefetched: Option<Prefetch>,
}

impl PageSource {
    async fn fetch(
        self,
        client: &Client,
        events: Option<EventSink>,
    ) -> Result<ListPage, CoreError> {
        match self.prefetched {
            Some(prefetch) => prefetch.finish(events).await,
            None => client.list_page(&self.request, events.as_ref()).await,
        }
    }
}

/// A fetched page on its way to an awaiting Python task.
struct FetchedPage {
    fetch: Fetch,
    page: ListPage,
    client: Client,
}

impl IntoPython for FetchedPage {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        self.fetch.deliver(py, &self.page, self.client, None)
    }
}

impl IntoPython for Option<FetchedPage> {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        match self {
            Some(fetched) => fetched.into_python(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

/// A fetched page on its way into a `TicketTable`, for an awaiting Python task.
struct BatchedPage {
    fetched: FetchedPage,
    table: Py<TicketTable>,
}

impl IntoPython for Option<BatchedPage> {
    fn into_python(self, py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
        let Some(BatchedPage { fetched, table }) = self else {
            return Ok(py.None().into_bound(py));
        };
        let FetchedPage {
            fetch,
            page,
            client,
        } = fetched;
        let table = table.get();
        let rows = fetch.deliver_with(py, &page, client, None, |py| {
            py.detach(|| table.add_page(&page.body))
                .map_err(|err| PyErr::from(TalqueErr(err)))
        })?;
        Ok(rows.into_pyobject(py)?.into_any())
    }
}

#[pyclass(frozen, module = "talque._talque")]
pub struct CorePager {
    cell: Arc<ClientCell>,
    state: SharedState,
}

impl CorePager {
    pub fn new(
        cell: Arc<ClientCell>,
        org_id: String,
        profile_id: Option<String>,
        limit: u32,
        cursor: Option<String>,
        prefetch: bool,
    ) -> Self {
        let cursor = PageCursor::new(org_id, profile_id, limit, cursor);
        CorePager {
            cell,
            state: Arc::new(Mutex::new(PagerState {
                cursor,
                prefetch: None,
                prefetch_enabled: prefetch,
                fetching: None,
                fetches: 0,
            })),
        }
    }
}

impl CorePager {
    /// Fetches the next page and hands its body and how many of its tickets to keep (all
    /// without `keep`) to `consume` without the GIL; the cursor advances only once
    /// `consume` succeeded. None when the listing is complete.
    fn consume_next_page<E: Send>(
        &self,
        py: Python<'_>,
        keep: Option<usize>,
        consume: impl FnOnce(&[u8], usize) -> Result<usize, E> + Send,
    ) -> PyResult<Option<usize>>
    where
        PyErr: From<E>,
    {
        let Some((fetch, source)) = Fetch::begin(&self.state)? else {
            return Ok(None);
        };
        let client = self.cell.get()?;
        let fetcher = client.clone();
        let page = run_blocking(py, move |events| async move {
            source.fetch(&fetcher, events).await
        })?;
        fetch
            .deliver_with(py, &page, client, keep, |py| {
                py.detach(|| consume(&page.body, keep.unwrap_or(usize::MAX)))
                    .map_err(PyErr::from)
            })
            .map(Some)
    }
}

#[pymethods]
impl CorePager {
    /// The cursor that fetches the next page: where to resume.
    #[getter]
    fn cursor(&self) -> Option<String> {
        lock(&self.state).cursor.cursor().map(str::to_owned)
    }

    #[getter]
    fn finished(&self) -> bool {
        lock(&self.state).cursor.is_finished()
    }

    /// Fetches the next page as a dict, or returns None when the listing is complete.
    ///
    /// On error nothing advances, so `cursor` still fetches the failed page. With `keep`,
    /// a longer page is cut to its first `keep` tickets (see [`Fetch::deliver_with`]).
    #[pyo3(signature = (keep=None))]
    fn next_page<'py>(&self, py: Python<'py>, keep: Option<usize>) -> PyResult<Bound<'py, PyAny>> {
        let Some((fetch, source)) = Fetch::begin(&self.state)? else {
            return Ok(py.None().into_bound(py));
        };
        let client = self.cell.get()?;
        let fetcher = client.clone();
        let page = run_blocking(py, move |events| async move {
            source.fetch(&fetcher, events).await
        })?;
        fetch.deliver(py, &page, client, keep)
    }

    /// Fetches the next page and writes its tickets to `writer`, flushed to the OS, all
    /// without the GIL; returns the number written, or None when the listing is complete.
    ///
    /// On error (fetching or writing) the cursor does not advance and `writer.position`
    /// still ends at the last complete page, so both name the same point to resume from.
    /// With `keep`, a longer page is cut to its first `keep` tickets (see
    /// [`Fetch::deliver_with`]).
    #[pyo3(signature = (writer, keep=None))]
    fn write_next_page(
        &self,
        py: Python<'_>,
        writer: &Bound<'_, TicketWriter>,
        keep: Option<usize>,
    ) -> PyResult<Option<usize>> {
        let writer = writer.get();
        writer.check_open()?;
        self.consume_next_page(py, keep, |body, keep| writer.write_page(body, keep))
    }

    /// Fetches the next page and appends its tickets to `table` as one Arrow record batch,
    /// built without the GIL; returns their number, or None when the listing is complete.
    fn add_next_batch(
        &self,
        py: Python<'_>,
        table: &Bound<'_, TicketTable>,
    ) -> PyResult<Option<usize>> {
        let table = table.get();
        self.consume_next_page(py, None, |body, _| table.add_page(body).map_err(TalqueErr))
    }

    /// Fetches the next page and writes it as one Parquet part file at `path`, without
    /// the GIL; returns the number of tickets, or None when the listing is complete.
    /// With `keep`, a longer page is cut to its first `keep` tickets (see
    /// [`Fetch::deliver_with`]).
    #[pyo3(signature = (path, keep=None))]
    fn write_parquet_part(
        &self,
        py: Python<'_>,
        path: PathBuf,
        keep: Option<usize>,
    ) -> PyResult<Option<usize>> {
        self.consume_next_page(py, keep, |body, keep| {
            parquet::write_part(body, &path, keep)
        })
    }

    /// Ends the fetch in progress without waiting for its Rust future to be dropped.
    ///
    /// The async pager calls this when its awaiting task is cancelled, so that the next
    /// fetch can start at once; the abandoned fetch never advances the cursor.
    fn abandon_fetch(&self) {
        lock(&self.state).fetching = None;
    }

    /// Like `add_next_batch`, as an awaitable for asyncio.
    fn add_next_batch_async<'py>(
        &self,
        py: Python<'py>,
        table: Py<TicketTable>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let started = Fetch::begin(&self.state)?;
        let client = self.cell.get()?;
        spawn_awaitable(py, move |events| async move {
            let fetched = fetch_started(started, client, events).await?;
            Ok(fetched.map(|fetched| BatchedPage { fetched, table }))
        })
    }

    /// Like `next_page`, as an awaitable for asyncio.
    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let started = Fetch::begin(&self.state)?;
        let client = self.cell.get()?;
        spawn_awaitable(py, move |events| fetch_started(started, client, events))
    }
}

/// Runs a fetch that `Fetch::begin` started, on the runtime, for an awaiting task; None
/// when the listing was already complete.
async fn fetch_started(
    started: Option<(Fetch, PageSource)>,
    client: Client,
    events: Option<EventSink>,
) -> Result<Option<FetchedPage>, CoreError> {
    let Some((fetch, source)) = started else {
        return Ok(None);
    };
    let page = source.fetch(&client, events).await?;
    Ok(Some(FetchedPage {
        fetch,
        page,
        client,
    }))
}
