//! `talque._talque.CorePager`: one cursor-paginated listing, fetched a page at a time.
//!
//! The pagination rules (when to stop, repeated cursors, `more` without a cursor) live in
//! the core's `PageCursor`; this type only fetches pages with the GIL released and parses
//! them. The state is locked only briefly, never across a network wait: a thread waiting on
//! the lock while holding the GIL would deadlock with the fetching thread that needs the GIL
//! to check for signals.

use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use talque_core::PageCursor;

use crate::client::ClientCell;
use crate::errors::TalqueErr;
use crate::json::parse_body;
use crate::wait::run_blocking;

struct PagerState {
    cursor: PageCursor,
    fetching: bool,
}

#[pyclass(frozen, module = "talque._talque")]
pub struct CorePager {
    cell: Arc<ClientCell>,
    state: Mutex<PagerState>,
}

impl CorePager {
    pub fn new(
        cell: Arc<ClientCell>,
        org_id: String,
        profile_id: Option<String>,
        limit: u32,
        cursor: Option<String>,
    ) -> Self {
        let cursor = PageCursor::new(org_id, profile_id, limit, cursor);
        CorePager {
            cell,
            state: Mutex::new(PagerState {
                cursor,
                fetching: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, PagerState> {
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

#[pymethods]
impl CorePager {
    /// The cursor that fetches the next page: where to resume.
    #[getter]
    fn cursor(&self) -> Option<String> {
        self.lock().cursor.cursor().map(str::to_owned)
    }

    #[getter]
    fn finished(&self) -> bool {
        self.lock().cursor.is_finished()
    }

    /// Fetches the next page as a dict, or returns None when the listing is complete.
    ///
    /// On error the state is unchanged, so `cursor` still fetches the failed page.
    fn next_page<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let request = {
            let mut state = self.lock();
            if state.fetching {
                return Err(PyRuntimeError::new_err(
                    "this pager is already fetching a page in another thread",
                ));
            }
            let Some(request) = state.cursor.next_request() else {
                return Ok(None);
            };
            state.fetching = true;
            request
        };
        let fetched = self.cell.get().and_then(|client| {
            run_blocking(py, move |events| async move {
                client.list_page(&request, events.as_ref()).await
            })
        });
        // Parse before advancing, and without holding the lock (parsing may run Python
        // finalizers): a page that cannot be handed to Python is fetched again on resume.
        let parsed = fetched.and_then(|page| Ok((parse_body(py, &page.body)?, page)));
        let mut state = self.lock();
        state.fetching = false;
        let (parsed, page) = parsed?;
        state.cursor.advance(&page).map_err(TalqueErr)?;
        Ok(Some(parsed))
    }
}
