//! The pagination state machine: which cursor fetches the next page, and the checks
//! that stop a broken server from looping forever or skipping tickets.

use std::collections::HashSet;

use crate::error::Error;
use crate::list::{ListPage, ListRequest};

/// Walks the pages of one listing. Pure: it makes no requests, it only says which
/// request comes next and checks each page's cursor.
#[derive(Clone, Debug)]
pub struct PageCursor {
    org_id: String,
    profile_id: Option<String>,
    limit: u32,
    cursor: Option<String>,
    seen: HashSet<String>,
    finished: bool,
    /// Tickets still wanted when the listing is capped (`max_items`); `None` uncapped.
    remaining: Option<u64>,
}

impl PageCursor {
    /// Starts a listing at `cursor` (`None` for the first page), e.g. to resume from a
    /// cursor saved by an earlier run.
    pub fn new(
        org_id: String,
        profile_id: Option<String>,
        limit: u32,
        cursor: Option<String>,
    ) -> Self {
        let seen = cursor.iter().cloned().collect();
        Self {
            org_id,
            profile_id,
            limit,
            cursor,
            seen,
            finished: false,
            remaining: None,
        }
    }

    /// Caps the listing at `max_items` tickets: each request asks for no more than are
    /// still wanted, a longer page is cut (see [`PageCursor::kept`]), and once the budget
    /// is used up there is no next request although the listing is not finished; the
    /// cursor then names where it continues.
    pub fn with_max_items(mut self, max_items: Option<u64>) -> Self {
        self.remaining = max_items;
        self
    }

    /// Tickets still wanted, `None` when the listing is not capped.
    pub fn remaining(&self) -> Option<u64> {
        self.remaining
    }

    /// The request for the next page, or `None` once the last page was seen.
    ///
    /// A capped listing asks for `min(limit, remaining)` tickets, and has no next request
    /// once nothing remains.
    pub fn next_request(&self) -> Option<ListRequest> {
        if self.finished {
            return None;
        }
        self.request_for(self.cursor.clone(), self.remaining)
    }

    /// The request for the page after `page`, sent early while `page` is consumed
    /// (prefetch); `None` when there is none: `page` is the last, is cut, or uses up the
    /// budget. Checks nothing: [`PageCursor::check`] comes first.
    pub fn request_after(&self, page: &ListPage) -> Option<ListRequest> {
        if self.finished || !page.more || self.is_cut(page) {
            return None;
        }
        let left = self
            .remaining
            .map(|remaining| remaining.saturating_sub(page.ticket_count as u64));
        self.request_for(page.cursor.clone(), left)
    }

    fn request_for(&self, cursor: Option<String>, remaining: Option<u64>) -> Option<ListRequest> {
        let limit = match remaining {
            Some(0) => return None,
            Some(remaining) => u32::try_from(remaining).map_or(self.limit, |r| r.min(self.limit)),
            None => self.limit,
        };
        Some(ListRequest {
            org_id: self.org_id.clone(),
            profile_id: self.profile_id.clone(),
            limit,
            cursor,
        })
    }

    /// How many of `page`'s tickets the listing keeps: all, or what the budget has left.
    pub fn kept(&self, page: &ListPage) -> usize {
        match self.remaining {
            Some(remaining) => {
                usize::try_from(remaining).map_or(page.ticket_count, |r| r.min(page.ticket_count))
            }
            None => page.ticket_count,
        }
    }

    /// Whether `page` holds more tickets than the budget has left, so that it is cut.
    pub fn is_cut(&self, page: &ListPage) -> bool {
        self.kept(page) < page.ticket_count
    }

    /// Moves past `page`, after the checks of [`PageCursor::check`].
    ///
    /// On error the state is unchanged, so [`PageCursor::cursor`] still names the page
    /// that was being fetched. A page cut by the budget (a server may send more than the
    /// limit asked for) uses the budget up but leaves the cursor at that page, since the
    /// tickets cut off are still to come: resuming repeats the tickets kept rather than
    /// losing the others.
    pub fn advance(&mut self, page: &ListPage) -> Result<(), Error> {
        let next = self.check(page)?;
        let cut = self.is_cut(page);
        if let Some(remaining) = self.remaining.as_mut() {
            *remaining = remaining.saturating_sub(page.ticket_count as u64);
        }
        if cut {
            return Ok(());
        }
        match next {
            None => self.finished = true,
            Some(next) => {
                self.seen.insert(next.to_owned());
                self.cursor = Some(next.to_owned());
            }
        }
        Ok(())
    }

    /// Checks that the listing can move past `page`, without moving; returns the cursor
    /// of the page after it, or `None` when `page` is the last.
    ///
    /// A page that says `more` must carry a cursor never seen before in this listing
    /// (the starting cursor included): a missing, empty or repeated cursor would either
    /// end the listing early or fetch the same tickets again, so it is an error instead.
    /// Callers that write a page somewhere check first, so a page the cursor would
    /// reject is never written.
    pub fn check<'p>(&self, page: &'p ListPage) -> Result<Option<&'p str>, Error> {
        if self.finished {
            return Err(Error::Config(
                "the listing is finished; there is no page to advance past".to_owned(),
            ));
        }
        if !page.more {
            return Ok(None);
        }
        let next = match page.cursor.as_deref() {
            None => {
                return Err(Error::InvalidResponse(
                    "list response has more=true but no cursor".to_owned(),
                ))
            }
            Some("") => {
                return Err(Error::InvalidResponse(
                    "list response has more=true but an empty cursor".to_owned(),
                ))
            }
            Some(next) => next,
        };
        if self.seen.contains(next) {
            return Err(Error::InvalidResponse(format!(
                "repeated cursor {next:?}: the server would return the same page again"
            )));
        }
        Ok(Some(next))
    }

    /// The cursor that fetches the next page: the point to resume from.
    pub fn cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// Whether the last page was seen.
    pub fn is_finished(&self) -> bool {
        self.finished
    }
}
