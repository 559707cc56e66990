//! One organisation's tickets, stored pre-serialised, with the indexes the endpoints need.

use std::collections::{BTreeMap, HashMap};
use std::sync::{OnceLock, RwLock, RwLockReadGuard};

use bytes::Bytes;
use serde_json::{Map, Value};

use crate::data::edit;
use crate::error::FakeError;
use crate::rng::fnv1a;

/// The tickets of one organisation.
///
/// Tickets live as compact JSON in a few large buffers (one per generation thread), each
/// holding its tickets separated by commas (`t0,t1,...`). An unfiltered page is then one or
/// two zero-copy slices, and serving never re-serialises anything.
#[derive(Debug)]
pub(crate) struct OrgData {
    pub(crate) id: String,
    pub(crate) forbidden: bool,
    segments: Vec<Segment>,
    /// Profile id to dense profile number, numbered in order of first appearance.
    profile_index: HashMap<Box<str>, u32>,
    /// The ticket indexes of each dense profile number, in list order.
    by_profile: Vec<Vec<u32>>,
    /// `(hash of provider and ticketId, ticket index)`, sorted, for read lookups; a hash is
    /// confirmed against the ticket itself, so collisions cost time, never correctness.
    by_ticket_id: Vec<(u64, u32)>,
    /// Tickets changed by edits, by index: they replace the stored ones wherever served.
    edits: RwLock<BTreeMap<usize, Bytes>>,
    /// `orgTicketId` to index, built on the first edit.
    by_org_ticket_id: OnceLock<HashMap<String, usize>>,
}

/// One change to a ticket: a JSON merge patch for the ticket with this `orgTicketId`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TicketEdit {
    #[serde(rename = "orgTicketId")]
    pub(crate) org_ticket_id: String,
    pub(crate) patch: Map<String, Value>,
}

/// A run of consecutive tickets in one buffer.
#[derive(Debug)]
struct Segment {
    /// The index of the segment's first ticket in the organisation.
    first: usize,
    buf: Bytes,
    /// Where each ticket starts, plus a sentinel one past the end of the buffer, as if a comma
    /// followed the last ticket; ticket `k` spans `starts[k]..starts[k + 1] - 1`.
    starts: Vec<usize>,
}

impl Segment {
    fn count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The comma-separated JSON of the segment's tickets `from..to` (local indexes).
    fn run(&self, from: usize, to: usize) -> Option<Bytes> {
        if from >= to {
            return None;
        }
        let start = *self.starts.get(from)?;
        let end = self.starts.get(to)?.checked_sub(1)?;
        (start <= end && end <= self.buf.len()).then(|| self.buf.slice(start..end))
    }
}

/// The tickets one list request pages through.
pub(crate) enum Selection<'a> {
    /// Every ticket of the organisation.
    All(&'a OrgData),
    /// The tickets of one profile.
    Some(&'a OrgData, &'a [u32]),
    /// No tickets, e.g. for an unknown profile id.
    None,
}

impl OrgData {
    pub(crate) fn count(&self) -> usize {
        self.segments
            .last()
            .map_or(0, |last| last.first + last.count())
    }

    fn edits(&self) -> RwLockReadGuard<'_, BTreeMap<usize, Bytes>> {
        // Every update is a single insert, so a poisoned lock still holds whole tickets.
        self.edits
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The compact JSON of ticket `index`, as last edited.
    pub(crate) fn ticket(&self, index: usize) -> Option<Bytes> {
        if let Some(edited) = self.edits().get(&index) {
            return Some(edited.clone());
        }
        self.stored(index)
    }

    /// The compact JSON of ticket `index` as generated or loaded.
    fn stored(&self, index: usize) -> Option<Bytes> {
        let position = self
            .segments
            .partition_point(|segment| segment.first <= index);
        let segment = self.segments.get(position.checked_sub(1)?)?;
        let local = index - segment.first;
        segment.run(local, local + 1)
    }

    /// The comma-separated JSON of tickets `from..to`: slices of the shared buffers, with
    /// edited tickets spliced in at their places.
    pub(crate) fn run(&self, from: usize, to: usize) -> Vec<Bytes> {
        let edits = self.edits();
        if from >= to || edits.range(from..to).next().is_none() {
            return self.stored_run(from, to);
        }
        let mut chunks = Vec::new();
        let mut next = from;
        for (index, ticket) in edits.range(from..to) {
            append_run(&mut chunks, self.stored_run(next, *index));
            append_run(&mut chunks, vec![ticket.clone()]);
            next = index + 1;
        }
        append_run(&mut chunks, self.stored_run(next, to));
        chunks
    }

    /// Applies `changes` (all or none: every ticket must exist and every patch apply), each
    /// with `mtime` set to `now_ms`, and returns the edited tickets in the order given.
    pub(crate) fn edit(
        &self,
        changes: &[TicketEdit],
        now_ms: u64,
    ) -> Result<Vec<Bytes>, FakeError> {
        let index = self.by_org_ticket_id.get_or_init(|| self.org_ticket_ids());
        let mut edited: Vec<(usize, Bytes)> = Vec::with_capacity(changes.len());
        for change in changes {
            let position = *index.get(&change.org_ticket_id).ok_or_else(|| {
                FakeError::new(format!(
                    "no ticket with orgTicketId {:?} in {}",
                    change.org_ticket_id, self.id
                ))
            })?;
            // A ticket edited twice in one call takes both patches, in order.
            let current = match edited.iter().rev().find(|(at, _)| *at == position) {
                Some((_, ticket)) => Some(ticket.clone()),
                None => self.ticket(position),
            }
            .ok_or_else(|| FakeError::new("the ticket index is out of range"))?;
            let ticket = edit::patched(&current, &change.patch, now_ms)?;
            edited.push((position, Bytes::from(ticket)));
        }
        let mut edits = self
            .edits
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for (position, ticket) in &edited {
            edits.insert(*position, ticket.clone());
        }
        Ok(edited.into_iter().map(|(_, ticket)| ticket).collect())
    }

    /// Every ticket's `orgTicketId` with its index.
    fn org_ticket_ids(&self) -> HashMap<String, usize> {
        #[derive(serde::Deserialize)]
        struct Id {
            #[serde(rename = "orgTicketId")]
            org_ticket_id: Option<String>,
        }
        (0..self.count())
            .filter_map(|index| {
                let ticket = self.stored(index)?;
                let id: Id = serde_json::from_slice(&ticket).ok()?;
                Some((id.org_ticket_id?, index))
            })
            .collect()
    }

    /// The comma-separated JSON of stored tickets `from..to`, as slices of the shared buffers.
    fn stored_run(&self, from: usize, to: usize) -> Vec<Bytes> {
        let mut chunks = Vec::new();
        for segment in &self.segments {
            let end = segment.first + segment.count();
            let (lo, hi) = (from.max(segment.first), to.min(end));
            if let Some(slice) = segment.run(
                lo.saturating_sub(segment.first),
                hi.saturating_sub(segment.first),
            ) {
                if !chunks.is_empty() {
                    chunks.push(Bytes::from_static(b","));
                }
                chunks.push(slice);
            }
        }
        chunks
    }

    /// The tickets a list request pages through: all of them, or one profile's.
    pub(crate) fn selection(&self, profile_id: Option<&str>) -> Selection<'_> {
        match profile_id {
            None => Selection::All(self),
            Some(profile_id) => match self
                .profile_index
                .get(profile_id)
                .and_then(|slot| self.by_profile.get(*slot as usize))
            {
                Some(indexes) => Selection::Some(self, indexes),
                None => Selection::None,
            },
        }
    }

    /// The profile ids of this organisation, in order of first appearance in the list.
    pub(crate) fn profile_ids(&self) -> Vec<String> {
        let mut ids = vec![String::new(); self.profile_index.len()];
        for (id, slot) in &self.profile_index {
            if let Some(entry) = ids.get_mut(*slot as usize) {
                *entry = id.to_string();
            }
        }
        ids
    }

    /// Finds the ticket with this provider and provider-specific id.
    pub(crate) fn find(&self, provider: &str, ticket_id: &str) -> Option<Bytes> {
        let hash = lookup_hash(provider, ticket_id);
        let first = self.by_ticket_id.partition_point(|(h, _)| *h < hash);
        self.by_ticket_id
            .get(first..)?
            .iter()
            .take_while(|(h, _)| *h == hash)
            .filter_map(|(_, index)| self.ticket(*index as usize))
            .find(|ticket| {
                identity_of(ticket).is_some_and(|(p, t)| p == provider && t == ticket_id)
            })
    }
}

impl Selection<'_> {
    pub(crate) fn len(&self) -> usize {
        match self {
            Selection::All(org) => org.count(),
            Selection::Some(_, indexes) => indexes.len(),
            Selection::None => 0,
        }
    }

    /// The comma-separated JSON of the selected tickets `from..to`, in chunks.
    pub(crate) fn page(&self, from: usize, to: usize) -> Vec<Bytes> {
        let to = to.min(self.len());
        match self {
            Selection::All(org) => org.run(from, to),
            Selection::Some(org, indexes) => {
                let picked = indexes.get(from..to).unwrap_or_default();
                let mut out = Vec::new();
                for (n, index) in picked.iter().enumerate() {
                    if n > 0 {
                        out.push(b',');
                    }
                    out.extend_from_slice(&org.ticket(*index as usize).unwrap_or_default());
                }
                vec![Bytes::from(out)]
            }
            Selection::None => Vec::new(),
        }
    }

    /// All selected tickets as a JSON array.
    pub(crate) fn to_json_array(&self) -> Vec<u8> {
        let chunks = self.page(0, self.len());
        let mut out = Vec::with_capacity(chunks.iter().map(Bytes::len).sum::<usize>() + 2);
        out.push(b'[');
        for chunk in chunks {
            out.extend_from_slice(&chunk);
        }
        out.push(b']');
        out
    }
}

/// Appends a comma-separated run of tickets to another, with the comma between them.
fn append_run(chunks: &mut Vec<Bytes>, run: Vec<Bytes>) {
    if run.is_empty() {
        return;
    }
    if !chunks.is_empty() {
        chunks.push(Bytes::from_static(b","));
    }
    chunks.extend(run);
}

/// The hash under which a ticket is found by a read request.
fn lookup_hash(provider: &str, ticket_id: &str) -> u64 {
    fnv1a(provider.as_bytes()) ^ fnv1a(ticket_id.as_bytes()).rotate_left(1)
}

/// The `provider` and `ticketId` of a serialised ticket, when both are strings.
fn identity_of(ticket: &[u8]) -> Option<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Identity {
        provider: Option<String>,
        #[serde(rename = "ticketId")]
        ticket_id: Option<String>,
    }
    let identity: Identity = serde_json::from_slice(ticket).ok()?;
    Some((identity.provider?, identity.ticket_id?))
}

/// Collects consecutive tickets into one buffer; several can be filled in parallel.
pub(crate) struct SegmentBuilder {
    buf: Vec<u8>,
    starts: Vec<usize>,
    /// `(lookup hash, index within the segment)`.
    identities: Vec<(u64, u32)>,
}

impl SegmentBuilder {
    pub(crate) fn with_capacity(tickets: usize, bytes_per_ticket: usize) -> Self {
        Self {
            buf: Vec::with_capacity(tickets.saturating_mul(bytes_per_ticket)),
            starts: Vec::with_capacity(tickets + 1),
            identities: Vec::with_capacity(tickets),
        }
    }

    /// The number of tickets so far.
    pub(crate) fn count(&self) -> usize {
        self.starts.len()
    }

    /// Starts the next ticket and returns the buffer to write its JSON into.
    pub(crate) fn begin_ticket(&mut self) -> &mut Vec<u8> {
        if !self.starts.is_empty() {
            self.buf.push(b',');
        }
        self.starts.push(self.buf.len());
        &mut self.buf
    }

    /// Registers the ticket just written; `identity` is its provider and ticketId, if any.
    pub(crate) fn end_ticket(&mut self, identity: Option<(&str, &str)>) {
        if let Some((provider, ticket_id)) = identity {
            let local = self.starts.len().saturating_sub(1) as u32;
            self.identities
                .push((lookup_hash(provider, ticket_id), local));
        }
    }
}

/// Assembles an organisation from segments and profile assignments.
#[derive(Default)]
pub(crate) struct OrgBuilder {
    segments: Vec<Segment>,
    profile_index: HashMap<Box<str>, u32>,
    by_profile: Vec<Vec<u32>>,
    by_ticket_id: Vec<(u64, u32)>,
}

impl OrgBuilder {
    /// The number of tickets in the segments added so far.
    pub(crate) fn count(&self) -> usize {
        self.segments
            .last()
            .map_or(0, |last| last.first + last.count())
    }

    /// Appends the tickets of `segment` after those already added.
    pub(crate) fn add_segment(&mut self, mut segment: SegmentBuilder) {
        let first = self.count();
        segment.starts.push(segment.buf.len() + 1);
        self.by_ticket_id.extend(
            segment
                .identities
                .iter()
                .map(|(hash, local)| (*hash, first as u32 + local)),
        );
        self.segments.push(Segment {
            first,
            buf: Bytes::from(segment.buf),
            starts: segment.starts,
        });
    }

    /// The dense number of a profile id, allocated on first sight.
    pub(crate) fn profile_slot(&mut self, profile_id: &str) -> u32 {
        if let Some(slot) = self.profile_index.get(profile_id) {
            return *slot;
        }
        let slot = self.by_profile.len() as u32;
        self.profile_index.insert(profile_id.into(), slot);
        self.by_profile.push(Vec::new());
        slot
    }

    /// Files ticket `index` under a profile; call in ticket order.
    pub(crate) fn assign_profile(&mut self, index: usize, slot: u32) {
        if let Some(list) = self.by_profile.get_mut(slot as usize) {
            list.push(index as u32);
        }
    }

    pub(crate) fn finish(mut self, id: String, forbidden: bool) -> OrgData {
        self.by_ticket_id.sort_unstable();
        OrgData {
            id,
            forbidden,
            segments: self.segments,
            profile_index: self.profile_index,
            by_profile: self.by_profile,
            by_ticket_id: self.by_ticket_id,
            edits: RwLock::default(),
            by_org_ticket_id: OnceLock::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// Five tickets in two segments (3 + 2), of profiles a, b, a, b, a.
    fn sample() -> OrgData {
        let mut org = OrgBuilder::default();
        for (first, count) in [(0, 3), (3, 2)] {
            let mut segment = SegmentBuilder::with_capacity(count, 32);
            for n in first..first + count {
                let id = format!("T{n}");
                let json = format!(r#"{{"ticketId":"{id}","provider":"x"}}"#);
                segment.begin_ticket().extend_from_slice(json.as_bytes());
                segment.end_ticket(Some(("x", &id)));
                let slot = org.profile_slot(if n % 2 == 0 { "pa" } else { "pb" });
                org.assign_profile(n, slot);
            }
            org.add_segment(segment);
        }
        org.finish("org".into(), false)
    }

    fn joined(chunks: Vec<Bytes>) -> String {
        chunks
            .iter()
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn runs_and_pages_slice_the_buffers() {
        let org = sample();
        assert_eq!(org.count(), 5);
        assert_eq!(
            &org.ticket(3).unwrap()[..],
            br#"{"ticketId":"T3","provider":"x"}"#
        );
        assert!(org.ticket(5).is_none());
        assert_eq!(
            org.run(0, 2).len(),
            1,
            "within a segment a run is one slice"
        );
        let across = joined(org.run(1, 5));
        let parsed: serde_json::Value = serde_json::from_str(&format!("[{across}]")).unwrap();
        let ids: Vec<&str> = parsed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["ticketId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["T1", "T2", "T3", "T4"]);
        let all = org.selection(None);
        let parsed: serde_json::Value = serde_json::from_slice(&all.to_json_array()).unwrap();
        assert_eq!(parsed.as_array().unwrap().len(), 5);
        let pa = org.selection(Some("pa"));
        assert_eq!(pa.len(), 3);
        assert!(joined(pa.page(1, 9)).starts_with(r#"{"ticketId":"T2""#));
        assert_eq!(org.selection(Some("zz")).len(), 0);
        assert_eq!(org.profile_ids(), vec!["pa", "pb"]);
    }

    #[test]
    fn find_confirms_provider_and_id() {
        let org = sample();
        assert!(org.find("x", "T4").is_some());
        assert!(org.find("y", "T1").is_none());
        assert!(org.find("x", "T9").is_none());
    }
}
