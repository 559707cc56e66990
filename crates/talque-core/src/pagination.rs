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
        }
    }

    /// The request for the next page, or `None` once the last page was seen.
    pub fn next_request(&self) -> Option<ListRequest> {
        if self.finished {
            return None;
        }
        Some(ListRequest {
            org_id: self.org_id.clone(),
            profile_id: self.profile_id.clone(),
            limit: self.limit,
            cursor: self.cursor.clone(),
        })
    }

    /// Moves past `page`, after the checks of [`PageCursor::check`].
    ///
    /// On error the state is unchanged, so [`PageCursor::cursor`] still names the page
    /// that was being fetched.
    pub fn advance(&mut self, page: &ListPage) -> Result<(), Error> {
        let next = self.check(page)?;
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
