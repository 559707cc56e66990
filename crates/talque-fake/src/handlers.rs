//! The two endpoints, on requests that already passed the schema checks.

use std::collections::HashSet;

use axum::http::StatusCode;
use bytes::Bytes;

use crate::data::OrgData;
use crate::json::{self, Object};
use crate::reply::{ApiError, Reply};
use crate::state::AppState;
use crate::validate::{ListRequest, ReadRequest};

/// The page size when a list request names none, as the API documents.
pub(crate) const DEFAULT_LIMIT: u32 = 100;

/// How a list page deviates from the truth, for the list-only faults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListMode {
    Normal,
    /// The page says `more: true` and hands back the cursor it was asked for.
    RepeatCursor,
    /// The page says `more: true` but has no cursor to continue with.
    MoreWithoutCursor,
}

/// The organisation a request names, if it exists and the client may read it.
fn readable_org<'a>(state: &'a AppState, org_id: &str) -> Result<&'a OrgData, ApiError> {
    let org = state
        .orgs
        .iter()
        .find(|org| org.id == org_id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "orgId does not exist"))?;
    if org.forbidden {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "this API client may not access the organization",
        ));
    }
    Ok(org)
}

/// `POST /api/v1/ticket/list`.
pub(crate) fn list(
    state: &AppState,
    request: &ListRequest,
    mode: ListMode,
) -> Result<Reply, ApiError> {
    let org = readable_org(state, &request.org_id)?;
    let max_limit = state.config.max_limit;
    let limit = request
        .limit
        .unwrap_or_else(|| i128::from(DEFAULT_LIMIT.min(max_limit)));
    if !(1..=i128::from(max_limit)).contains(&limit) {
        return Err(ApiError::invalid(format!(
            "limit must be between 1 and {max_limit}, got {limit}"
        )));
    }
    let profile_id = request.profile_id.as_deref();
    let selection = org.selection(profile_id);
    let total = selection.len();
    let start = match &request.cursor {
        None => 0,
        Some(cursor) => state
            .cursors
            .decode(cursor, &org.id, profile_id)
            .and_then(|position| usize::try_from(position).ok())
            .filter(|position| *position <= total)
            .ok_or_else(|| {
                ApiError::invalid("cursor is invalid, was altered, or belongs to another query")
                    .with_reason("INVALID_CURSOR")
            })?,
    };
    let end = start.saturating_add(limit as usize).min(total);
    let more = end < total;
    let (cursor, more) = match mode {
        ListMode::Normal => (
            more.then(|| state.cursors.encode(&org.id, profile_id, end as u64)),
            more,
        ),
        ListMode::RepeatCursor => (
            Some(
                request
                    .cursor
                    .clone()
                    .unwrap_or_else(|| state.cursors.encode(&org.id, profile_id, start as u64)),
            ),
            true,
        ),
        ListMode::MoreWithoutCursor => (None, true),
    };
    let mut head = Vec::with_capacity(48);
    head.extend_from_slice(b"{\"orgId\":");
    json::string(&mut head, &org.id);
    head.extend_from_slice(b",\"tickets\":[");
    let mut tail = Vec::with_capacity(64);
    tail.extend_from_slice(b"],\"cursor\":");
    json::opt_string(&mut tail, cursor.as_deref());
    tail.extend_from_slice(b",\"more\":");
    json::boolean(&mut tail, more);
    tail.push(b'}');
    let mut chunks = vec![Bytes::from(head)];
    chunks.extend(selection.page(start, end));
    chunks.push(Bytes::from(tail));
    Ok(Reply::json(StatusCode::OK, chunks))
}

/// `POST /api/v1/ticket/read`.
pub(crate) fn read(state: &AppState, request: &ReadRequest) -> Result<Reply, ApiError> {
    let org = readable_org(state, &request.org_id)?;
    let max_ids = state.config.max_read_ids;
    if request.ticket_ids.is_empty() {
        return Err(ApiError::invalid("ticketIdList must not be empty"));
    }
    if request.ticket_ids.len() > max_ids {
        return Err(ApiError::invalid(format!(
            "ticketIdList holds {} ids, more than the {max_ids} allowed",
            request.ticket_ids.len()
        )));
    }
    let mut out = Vec::with_capacity(1024 * request.ticket_ids.len());
    let mut body = Object::begin(&mut out);
    body.string("orgId", &org.id);
    body.string("provider", &request.provider);
    let mut by_id = Object::begin(body.key("ticketById"));
    let mut seen = HashSet::new();
    for ticket_id in &request.ticket_ids {
        if !seen.insert(ticket_id.as_str()) {
            continue;
        }
        let mut result = Object::begin(by_id.escaped_key(ticket_id));
        match org.find(&request.provider, ticket_id) {
            Some(ticket) => {
                result.boolean("success", true);
                result.string("reason", "SUCCESS");
                result.raw("model", &ticket);
            }
            None => {
                result.boolean("success", false);
                result.string("reason", "NOT_FOUND");
                result.raw("model", b"null");
            }
        }
        result.end();
    }
    by_id.end();
    body.end();
    Ok(Reply::json(StatusCode::OK, vec![Bytes::from(out)]))
}
