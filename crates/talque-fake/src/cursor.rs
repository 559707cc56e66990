//! Opaque, tamper-evident list cursors.
//!
//! A cursor is base64url of a version byte, the position, and a 128-bit keyed hash over the
//! organisation, the profile filter and the position. The key is random per server, so a
//! cursor is only valid on the server that issued it, for the same query; any edit, or reuse
//! for another organisation or filter, fails the check. SipHash (std's `RandomState`) is not a
//! real MAC, but it is more than a fake needs to catch client bugs.

use std::hash::{BuildHasher, RandomState};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const VERSION: u8 = 1;
const LEN: usize = 1 + 8 + 16;

/// Issues and checks cursors with a per-server random key.
#[derive(Debug, Default)]
pub(crate) struct CursorCodec {
    keys: [RandomState; 2],
}

impl CursorCodec {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The cursor for `position` in the list of `org_id` filtered by `profile_id`.
    pub(crate) fn encode(&self, org_id: &str, profile_id: Option<&str>, position: u64) -> String {
        let mut raw = Vec::with_capacity(LEN);
        raw.push(VERSION);
        raw.extend_from_slice(&position.to_be_bytes());
        for tag in self.tags(org_id, profile_id, position) {
            raw.extend_from_slice(&tag.to_be_bytes());
        }
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// The position a cursor points to, if this server issued it for this very query.
    pub(crate) fn decode(
        &self,
        cursor: &str,
        org_id: &str,
        profile_id: Option<&str>,
    ) -> Option<u64> {
        let raw = URL_SAFE_NO_PAD.decode(cursor).ok()?;
        if raw.len() != LEN || raw.first() != Some(&VERSION) {
            return None;
        }
        let word = |at: usize| -> Option<u64> {
            let bytes: [u8; 8] = raw.get(at..at + 8)?.try_into().ok()?;
            Some(u64::from_be_bytes(bytes))
        };
        let position = word(1)?;
        let tags = [word(9)?, word(17)?];
        (tags == self.tags(org_id, profile_id, position)).then_some(position)
    }

    fn tags(&self, org_id: &str, profile_id: Option<&str>, position: u64) -> [u64; 2] {
        let input = ("talque-fake-cursor", org_id, profile_id, position);
        [self.keys[0].hash_one(input), self.keys[1].hash_one(input)]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn round_trips_only_for_the_same_query() {
        let codec = CursorCodec::new();
        let cursor = codec.encode("orgA", Some("p1"), 42);
        assert_eq!(codec.decode(&cursor, "orgA", Some("p1")), Some(42));
        assert_eq!(codec.decode(&cursor, "orgB", Some("p1")), None);
        assert_eq!(codec.decode(&cursor, "orgA", None), None);
        assert_eq!(CursorCodec::new().decode(&cursor, "orgA", Some("p1")), None);
        assert_eq!(codec.decode("", "orgA", Some("p1")), None);
        assert_eq!(codec.decode("!!", "orgA", Some("p1")), None);
    }

    #[test]
    fn every_single_character_edit_is_caught() {
        let codec = CursorCodec::new();
        let cursor = codec.encode("orgA", None, 7);
        for at in 0..cursor.len() {
            let mut edited = cursor.clone().into_bytes();
            edited[at] = if edited[at] == b'A' { b'B' } else { b'A' };
            let edited = String::from_utf8(edited).unwrap();
            assert_eq!(codec.decode(&edited, "orgA", None), None, "edit at {at}");
        }
    }
}
