//! One page fetch of a `CorePager`: its state, and the rule that the cursor advances only
//! once the page was consumed.
//!
//! The state is locked only briefly, never across a network wait or while Python code may
//! run: a thread waiting on the lock while holding the GIL would deadlock with a fetching
//! thread that needs the GIL.

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use talque_core::{Client, Error as CoreError, EventSink, ListPage, ListRequest, PageCursor};

use super::held::{Delivered, HeldPage};
use crate::errors::TalqueErr;
use crate::prefetch::Prefetch;

pub struct PagerState {
    pub cursor: PageCursor,
    /// The next page, already requested; see `prefetch.rs`.
    pub prefetch: Option<Prefetch>,
    pub prefetch_enabled: bool,
    /// The number of the fetch in progress, if any.
    pub fetching: Option<u64>,
    pub fetches: u64,
    /// The page a ticket iteration is handing out, if any.
    pub held: Option<HeldPage>,
    pub delivered: Delivered,
}

impl PagerState {
    pub fn new(cursor: PageCursor, prefetch_enabled: bool) -> Self {
        PagerState {
            cursor,
            prefetch: None,
            prefetch_enabled,
            fetching: None,
            fetches: 0,
            held: None,
            delivered: Delivered::default(),
        }
    }

    /// Where to resume: the page in progress, else the next page.
    pub fn resume_cursor(&self) -> Option<&str> {
        match &self.held {
            Some(held) => held.resume(),
            None => self.cursor.cursor(),
        }
    }
}

pub type SharedState = Arc<Mutex<PagerState>>;

pub fn lock(state: &SharedState) -> MutexGuard<'_, PagerState> {
    state.lock().unwrap_or_else(|poison| poison.into_inner())
}

/// Marks the one page fetch in progress; dropping it (done, failed or cancelled) ends it.
///
/// Each fetch has a number, so that a fetch abandoned by a cancelled asyncio task (whose
/// Rust future is dropped a moment later, on another thread) can neither end nor deliver
/// into the fetch that replaced it.
pub struct Fetch {
    state: SharedState,
    number: u64,
    /// The cursor this page was requested with: where to resume while it is handed out.
    pub start: Option<String>,
}

impl Fetch {
    /// Starts a fetch, or returns `None` when the listing is complete (or its `max_items`
    /// budget used up).
    pub fn begin(state: &SharedState) -> PyResult<Option<(Fetch, PageSource)>> {
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
            start: request.cursor.clone(),
        };
        Ok(Some((
            fetch,
            PageSource {
                request,
                prefetched,
            },
        )))
    }

    pub fn state(&self) -> &SharedState {
        &self.state
    }

    /// Starts prefetching the next page, hands `page` and how many of its tickets to keep
    /// to `consume`, and only once that succeeded advances the cursor past it.
    ///
    /// A capped listing keeps fewer tickets than a page holds when the server sent more
    /// than the limit asked for; `consume` cuts the page, and the cursor then stays at it
    /// (see `PageCursor::advance`).
    pub fn deliver_with<'py, T>(
        self,
        py: Python<'py>,
        page: &ListPage,
        client: Client,
        consume: impl FnOnce(Python<'py>, usize) -> PyResult<T>,
    ) -> PyResult<T> {
        // The next page is requested before this one is consumed, so that the network
        // overlaps the decoding or writing. The cursor itself advances only once this page
        // has been consumed; its cursor is checked before, so that a page the pager would
        // reject is never consumed (a prefetch for it is simply dropped).
        let (kept, next) = {
            let state = lock(&self.state);
            state.cursor.check(page).map_err(TalqueErr)?;
            let next = state
                .prefetch_enabled
                .then(|| state.cursor.request_after(page))
                .flatten();
            (state.cursor.kept(page), next)
        };
        // Started outside the lock: it calls into Python (the logger), which may switch
        // threads. No other fetch can begin meanwhile, since this one is still in progress.
        let prefetch = next
            .map(|next| Prefetch::start(py, client, next))
            .transpose()?;
        let consumed = consume(py, kept)?;
        let mut state = lock(&self.state);
        if state.fetching != Some(self.number) {
            return Err(PyRuntimeError::new_err(
                "this page fetch was abandoned; the pager has moved on",
            ));
        }
        state.cursor.advance(page).map_err(TalqueErr)?;
        state.prefetch = prefetch;
        state.delivered.count(kept);
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
pub struct PageSource {
    request: ListRequest,
    prefetched: Option<Prefetch>,
}

impl PageSource {
    pub async fn fetch(
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

/// A fetched page not yet consumed.
pub struct FetchedPage {
    pub fetch: Fetch,
    pub page: ListPage,
    pub client: Client,
}

/// Runs a fetch that `Fetch::begin` started, on the runtime, for an awaiting task; None
/// when the listing was already complete.
pub async fn fetch_started(
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
