//! `POST /api/v1/ticket/read`: deduplicating ids, splitting them into batches, running
//! the batches concurrently, and checking each reply's shape.

use std::collections::HashSet;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

use crate::client::Client;
use crate::error::Error;
use crate::events::EventSink;
use crate::shape::{self, AnyString, MapOnly, ObjectOf, ObjectOrNull};

/// One read request's ids and the exact validated body the server answered with.
#[derive(Clone, Debug)]
pub struct ReadBatch {
    pub ids: Vec<String>,
    pub body: Bytes,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReadBody<'a> {
    org_id: &'a str,
    provider: &'a str,
    ticket_id_list: &'a [String],
}

/// The documented response shape; unknown keys are allowed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReadShape {
    #[allow(dead_code)]
    org_id: AnyString,
    #[allow(dead_code)]
    provider: AnyString,
    #[allow(dead_code)]
    ticket_by_id: ObjectOf<MapOnly<ItemShape>>,
}

#[derive(Deserialize)]
struct ItemShape {
    #[allow(dead_code)]
    success: bool,
    #[allow(dead_code)]
    reason: AnyString,
    #[allow(dead_code)]
    model: ObjectOrNull,
}

impl Client {
    /// Looks tickets up by provider-specific id.
    ///
    /// Duplicate ids are sent once (first occurrence wins the position). Batches of
    /// `batch_size` ids run with at most `max_concurrency` in flight, and the result
    /// lists them in request order. The first failing batch fails the call and cancels
    /// the batches still running.
    pub async fn read(
        &self,
        org_id: &str,
        provider: &str,
        ids: &[String],
        events: Option<&EventSink>,
    ) -> Result<Vec<ReadBatch>, Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if org_id.is_empty() {
            return Err(Error::Config("org_id must not be empty".to_owned()));
        }
        if provider.is_empty() {
            return Err(Error::Config("provider must not be empty".to_owned()));
        }
        let config = self.config();
        let unique = dedup(ids);
        let batches: Vec<Vec<String>> = unique
            .chunks(config.batch_size)
            .map(<[String]>::to_vec)
            .collect();
        futures::stream::iter(batches)
            .map(|batch| self.read_batch(org_id, provider, batch, events))
            .buffered(config.max_concurrency)
            .try_collect()
            .await
    }

    async fn read_batch(
        &self,
        org_id: &str,
        provider: &str,
        ids: Vec<String>,
        events: Option<&EventSink>,
    ) -> Result<ReadBatch, Error> {
        let body = serde_json::to_vec(&ReadBody {
            org_id,
            provider,
            ticket_id_list: &ids,
        })
        .map_err(|err| Error::Config(format!("cannot encode the read request: {err}")))?;
        let reply = self
            .post_json(self.read_url(), Bytes::from(body), events)
            .await?;
        check_read_body(&reply)?;
        Ok(ReadBatch { ids, body: reply })
    }
}

/// Removes repeated ids, keeping the first occurrence of each in place.
fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = HashSet::with_capacity(ids.len());
    ids.iter()
        .filter(|id| seen.insert(id.as_str()))
        .cloned()
        .collect()
}

/// Checks a 200 body of the read endpoint.
pub(crate) fn check_read_body(body: &[u8]) -> Result<(), Error> {
    shape::parse::<MapOnly<ReadShape>>(body, "read response").map(|_| ())
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn ids(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| (*value).to_owned()).collect()
    }

    #[test]
    fn dedup_keeps_first_occurrences_in_order() {
        assert_eq!(
            dedup(&ids(&["b", "a", "b", "c", "a"])),
            ids(&["b", "a", "c"])
        );
    }

    #[test]
    fn read_body_shape() {
        let good = br#"{"orgId":"o","provider":"p","ticketById":{
            "a":{"success":true,"reason":"SUCCESS","model":{"ticketId":"a"}},
            "b":{"success":false,"reason":"NOT_FOUND","model":null}}}"#;
        assert!(check_read_body(good).is_ok());
        let bad: [&[u8]; 4] = [
            br#"{"orgId":"o","provider":"p","ticketById":[]}"#,
            br#"{"orgId":"o","provider":"p","ticketById":{"a":{"success":1,"reason":"X","model":null}}}"#,
            br#"{"orgId":"o","provider":"p","ticketById":{"a":{"success":true,"reason":"X"}}}"#,
            br#"{"orgId":"o","ticketById":{}}"#,
        ];
        for body in bad {
            assert!(
                matches!(check_read_body(body), Err(Error::InvalidResponse(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }
}
