//! `POST /api/v1/ticket/list`: fetching one page and checking its shape.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::events::EventSink;
use crate::shape::{self, AnyString, MapOnly, ObjectArray, StringOrNull};

/// The arguments of one list call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListRequest {
    pub org_id: String,
    pub profile_id: Option<String>,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// One validated page: the exact bytes the server sent, plus the fields pagination needs.
#[derive(Clone, Debug)]
pub struct ListPage {
    pub body: Bytes,
    pub cursor: Option<String>,
    pub more: bool,
    pub ticket_count: usize,
}

/// The request body; absent options are omitted rather than sent as `null`, which is
/// what the API documents as the default.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListBody<'a> {
    org_id: &'a str,
    limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
}

/// The documented response shape; unknown keys are allowed, since the API may add
/// fields at any time.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListShape {
    #[allow(dead_code)]
    org_id: AnyString,
    tickets: ObjectArray,
    cursor: StringOrNull,
    more: bool,
}

impl Client {
    /// Fetches one page of tickets.
    pub async fn list_page(
        &self,
        req: &ListRequest,
        events: Option<&EventSink>,
    ) -> Result<ListPage, Error> {
        if req.org_id.is_empty() {
            return Err(Error::Config("org_id must not be empty".to_owned()));
        }
        if req.limit == 0 {
            return Err(Error::Config("limit must be at least 1".to_owned()));
        }
        let body = serde_json::to_vec(&ListBody {
            org_id: &req.org_id,
            limit: req.limit,
            profile_id: req.profile_id.as_deref(),
            cursor: req.cursor.as_deref(),
        })
        .map_err(|err| Error::Config(format!("cannot encode the list request: {err}")))?;
        let reply = self
            .post_json(self.list_url(), Bytes::from(body), events)
            .await?;
        parse_list_page(reply)
    }
}

/// Checks a 200 body of the list endpoint and extracts what pagination needs.
///
/// Public so that benchmarks and fuzzers can exercise the decoding path without a network.
pub fn parse_list_page(body: Bytes) -> Result<ListPage, Error> {
    let MapOnly(shape): MapOnly<ListShape> = shape::parse(&body, "list response")?;
    Ok(ListPage {
        cursor: shape.cursor.0,
        more: shape.more,
        ticket_count: shape.tickets.0,
        body,
    })
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn request_body_omits_absent_options() {
        let body = ListBody {
            org_id: "org",
            limit: 5,
            profile_id: None,
            cursor: None,
        };
        let text = serde_json::to_string(&body).unwrap_or_default();
        assert_eq!(text, r#"{"orgId":"org","limit":5}"#);
    }

    #[test]
    fn parses_a_page() {
        let body = Bytes::from_static(
            br#"{"orgId":"o","tickets":[{"ticketId":"a"},{"ticketId":"b"}],"cursor":"c2","more":true,"new":1}"#,
        );
        let page = parse_list_page(body.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.ticket_count, 2);
        assert_eq!(page.cursor.as_deref(), Some("c2"));
        assert!(page.more);
        assert_eq!(page.body, body);
    }
}
