//! The page in progress of a ticket iteration, and what the pager delivered so far.
//!
//! Iterating a pager hands out the tickets of one page at a time. While a page is partly
//! handed out, resuming must fetch that page again (its remaining tickets were never
//! seen), so the cursor that fetched it is kept until its last ticket is taken. The
//! counters and the first tickets are what the notebook view shows, from memory only.

use pyo3::prelude::*;
use pyo3::types::PyList;

/// Tickets shown by the notebook view.
const PREVIEW: usize = 5;

/// A page whose tickets are being handed out one at a time.
pub struct HeldPage {
    tickets: Py<PyList>,
    /// The next ticket to hand out; always below the page's length.
    position: usize,
    /// The cursor that fetches this page again: where to resume until it is used up.
    resume: Option<String>,
}

impl HeldPage {
    /// Holds `tickets` for handing out, or `None` when there are none.
    pub fn new(tickets: Bound<'_, PyList>, resume: Option<String>) -> Option<HeldPage> {
        (!tickets.is_empty()).then(|| HeldPage {
            tickets: tickets.unbind(),
            position: 0,
            resume,
        })
    }

    pub fn resume(&self) -> Option<&str> {
        self.resume.as_deref()
    }

    /// The next ticket, and whether it was the page's last.
    pub fn take<'py>(&mut self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, bool)> {
        let tickets = self.tickets.bind(py);
        let ticket = tickets.get_item(self.position)?;
        self.position += 1;
        Ok((ticket, self.position >= tickets.len()))
    }

    /// The tickets not handed out yet, as a new list.
    pub fn rest<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {
        self.tickets.bind(py).get_slice(self.position, usize::MAX)
    }
}

/// What the pager delivered so far, for its notebook view.
#[derive(Default)]
pub struct Delivered {
    pub pages: u64,
    pub tickets: u64,
    preview: Vec<Py<PyAny>>,
}

impl Delivered {
    /// Counts a delivered page of `tickets` tickets.
    pub fn count(&mut self, tickets: usize) {
        self.pages += 1;
        self.tickets += tickets as u64;
    }

    /// Whether the preview still wants tickets of a parsed page.
    pub fn wants_preview(&self) -> bool {
        self.preview.len() < PREVIEW
    }

    /// Adds the first of `tickets` to the preview, up to its size.
    pub fn preview_from(&mut self, tickets: &Bound<'_, PyList>) {
        let wanted = PREVIEW.saturating_sub(self.preview.len());
        self.preview
            .extend(tickets.iter().take(wanted).map(Bound::unbind));
    }

    pub fn preview<'py>(&self, py: Python<'py>) -> Vec<Bound<'py, PyAny>> {
        self.preview
            .iter()
            .map(|ticket| ticket.bind(py).clone())
            .collect()
    }
}
