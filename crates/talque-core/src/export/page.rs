//! Splitting a list response into each ticket's raw JSON text, borrowed from the body.

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::Error;
use crate::shape::{self, MapOnly};

/// The one key of a list response the writers need; the others are skipped unread.
#[derive(Deserialize)]
struct TicketsOnly<'a> {
    #[serde(borrow)]
    tickets: Vec<&'a RawValue>,
}

/// The tickets of a list response, each as the exact text the server sent.
pub(super) fn raw_tickets(body: &[u8]) -> Result<Vec<&RawValue>, Error> {
    let MapOnly(page): MapOnly<TicketsOnly<'_>> = shape::parse(body, "list response")?;
    for ticket in &page.tickets {
        if !ticket.get().starts_with('{') {
            return Err(Error::InvalidResponse(
                "list response has a ticket that is not a JSON object".to_owned(),
            ));
        }
    }
    Ok(page.tickets)
}
