//! Editing a stored ticket the way an edit in Talque does: a JSON merge patch (RFC 7386) on
//! the ticket, and `mtime` set to the time of the edit.
//!
//! The patch is applied to the serialised ticket, keeping its key order and every value the
//! patch does not touch byte for byte (integers beyond 2^53 included). The `json-patch`
//! crate's `merge` works on `serde_json::Value`, whose maps are sorted here (the workspace
//! does not turn on `preserve_order`, which would change every crate's maps), so the few lines
//! of the merge are written out.

use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::error::FakeError;

/// Keys a patch may not change: they identify the ticket for cursors and reads.
pub(crate) const IDENTITY_KEYS: [&str; 3] = ["orgTicketId", "ticketId", "provider"];

/// The ticket `ticket` with `patch` merged in and `mtime` set to `now_ms`, unless the patch
/// sets `mtime` itself.
pub(crate) fn patched(
    ticket: &[u8],
    patch: &Map<String, Value>,
    now_ms: u64,
) -> Result<Vec<u8>, FakeError> {
    if let Some(key) = IDENTITY_KEYS.iter().find(|key| patch.contains_key(**key)) {
        return Err(FakeError::new(format!("an edit may not change {key}")));
    }
    let ticket = std::str::from_utf8(ticket)
        .map_err(|err| FakeError::new(format!("the stored ticket is not UTF-8: {err}")))?;
    let mut patch = patch.clone();
    patch.entry("mtime").or_insert_with(|| Value::from(now_ms));
    Ok(merge(Some(ticket), &Value::Object(patch))?.into_bytes())
}

/// RFC 7386 `MergePatch(target, patch)`, with `target` as JSON text (`None`: absent).
fn merge(target: Option<&str>, patch: &Value) -> Result<String, FakeError> {
    let Value::Object(patch) = patch else {
        return Ok(patch.to_string());
    };
    let mut entries = match target {
        Some(text) if text.trim_start().starts_with('{') => {
            serde_json::from_str::<Entries>(text)
                .map_err(|err| FakeError::new(format!("cannot parse the stored ticket: {err}")))?
                .0
        }
        _ => Vec::new(),
    };
    for (key, value) in patch {
        let position = entries.iter().position(|(name, _)| name == key);
        match (position, value) {
            (Some(position), Value::Null) => {
                entries.remove(position);
            }
            (None, Value::Null) => {}
            (Some(position), value) => {
                if let Some(entry) = entries.get_mut(position) {
                    entry.1 = merge(Some(&entry.1), value)?;
                }
            }
            (None, value) => entries.push((key.clone(), merge(None, value)?)),
        }
    }
    let mut out = String::from("{");
    for (n, (key, value)) in entries.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&Value::from(key.as_str()).to_string());
        out.push(':');
        out.push_str(value);
    }
    out.push('}');
    Ok(out)
}

/// A JSON object's members in document order, each value as its original text.
struct Entries(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Entries;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Box<RawValue>>()? {
                    entries.push((key, value.get().to_owned()));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn patch(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn merges_in_place_and_sets_mtime() {
        let ticket = r#"{"orgTicketId":"a","mtime":1,"holder":{"email":"old@x","firstName":"Zoë"},"big":18446744073709551615,"gone":true}"#.as_bytes();
        let out = patched(
            ticket,
            &patch(r#"{"holder":{"email":"new@x","jobTitle":"CTO"},"gone":null}"#),
            99,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"orgTicketId":"a","mtime":99,"holder":{"email":"new@x","firstName":"Zoë","jobTitle":"CTO"},"big":18446744073709551615}"#
        );
        let out = patched(
            ticket,
            &patch(r#"{"mtime":5,"holder":null,"extra":{"k":null,"v":[1]}}"#),
            99,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"orgTicketId":"a","mtime":5,"big":18446744073709551615,"gone":true,"extra":{"v":[1]}}"#
        );
        assert!(patched(ticket, &patch(r#"{"ticketId":"b"}"#), 1).is_err());
    }
}
