//! A ticket's documented fields, read one by one from its raw JSON text, so that a value
//! of the wrong type is reported with the field's name and the ticket's id.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::Error;

/// The members of one JSON object, each value as raw text borrowed from the body.
pub(super) struct RawObject<'a> {
    members: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RawObject<'a> {
    /// Splits `raw`, which must be a JSON object, into its members.
    pub(super) fn parse(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw.get())
    }

    /// The value of `key`; the last one if the key repeats, as Python's `json` reads it.
    pub(super) fn get(&self, key: &str) -> Option<&'a RawValue> {
        self.members
            .iter()
            .rev()
            .find(|(name, _)| name == key)
            .map(|(_, value)| *value)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawObject<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(RawObjectVisitor(std::marker::PhantomData))
    }
}

struct RawObjectVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for RawObjectVisitor<'a> {
    type Value = RawObject<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawObject<'a>, A::Error> {
        let mut members = Vec::new();
        while let Some(key) = map.next_key::<KeyText<'a>>()? {
            members.push((key.0, map.next_value::<&'a RawValue>()?));
        }
        Ok(RawObject { members })
    }
}

/// An object key, borrowed unless it has escapes.
struct KeyText<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for KeyText<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor(std::marker::PhantomData))
    }
}

struct KeyVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for KeyVisitor<'a> {
    type Value = KeyText<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, key: &'de str) -> Result<KeyText<'a>, E> {
        Ok(KeyText(Cow::Borrowed(key)))
    }

    fn visit_str<E>(self, key: &str) -> Result<KeyText<'a>, E> {
        Ok(KeyText(Cow::Owned(key.to_owned())))
    }
}

/// What a documented field must hold, for the error message.
#[derive(Clone, Copy)]
pub(super) enum Expected {
    Text,
    Integer,
    Boolean,
    Strings,
    Integers,
    Object,
}

impl Expected {
    fn describe(self) -> &'static str {
        match self {
            Expected::Text => "a string or null",
            Expected::Integer => "an integer (epoch milliseconds) or null",
            Expected::Boolean => "true, false or null",
            Expected::Strings => "an array of strings or null",
            Expected::Integers => "an array of integers (epoch milliseconds) or null",
            Expected::Object => "an object or null",
        }
    }
}

/// The kind of a JSON value, from its first character.
fn kind(raw: &str) -> &'static str {
    match raw.as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    }
}

/// Names one ticket in error messages: its `orgTicketId`, else its `ticketId`.
pub(super) struct TicketName(String);

impl TicketName {
    pub(super) fn of(ticket: &RawObject<'_>) -> Self {
        for key in ["orgTicketId", "ticketId"] {
            if let Some(Ok(Some(id))) = ticket.get(key).map(text) {
                return TicketName(format!("{key} {id:?}"));
            }
        }
        TicketName("without an id".to_owned())
    }

    /// The error for `field` holding `raw` where `expected` was documented.
    pub(super) fn wrong_type(&self, field: &str, raw: &RawValue, expected: Expected) -> Error {
        let text = raw.get();
        let found = match kind(text) {
            // A number is shown (it cannot hold personal data); other values are not.
            "a number" if text.len() <= 40 => format!("the number {text}"),
            other => other.to_owned(),
        };
        Error::InvalidResponse(format!(
            "ticket {}: field {field:?} must be {}, not {found}",
            self.0,
            expected.describe()
        ))
    }

    /// The error for a timestamp the ISO-8601 columns cannot express.
    pub(super) fn out_of_range(&self, field: &str, millis: i64) -> Error {
        Error::InvalidResponse(format!(
            "ticket {}: field {field:?} holds {millis} ms, outside the years -9999..=9999 \
             that ISO-8601 text can express",
            self.0
        ))
    }
}

/// Reads a string or null; `Err(())` for any other kind.
pub(super) fn text(raw: &RawValue) -> Result<Option<Cow<'_, str>>, ()> {
    let json = raw.get();
    match json.as_bytes().first() {
        Some(b'n') => Ok(None),
        Some(b'"') => {
            let inner = &json[1..json.len() - 1];
            if inner.contains('\\') {
                serde_json::from_str::<String>(json)
                    .map(|owned| Some(Cow::Owned(owned)))
                    .map_err(|_| ())
            } else {
                // Valid JSON without escapes: the text between the quotes is the value.
                Ok(Some(Cow::Borrowed(inner)))
            }
        }
        _ => Err(()),
    }
}

/// Reads `true`, `false` or null; `Err(())` for any other value.
pub(super) fn boolean(raw: &RawValue) -> Result<Option<bool>, ()> {
    match raw.get() {
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        "null" => Ok(None),
        _ => Err(()),
    }
}

/// Reads an integer that fits an `i64`, or null.
pub(super) fn integer(raw: &RawValue) -> Result<Option<i64>, ()> {
    serde_json::from_str(raw.get()).map_err(|_| ())
}

/// Reads an array of strings, or null.
pub(super) fn strings(raw: &RawValue) -> Result<Option<Vec<Cow<'_, str>>>, ()> {
    serde_json::from_str::<Option<Vec<&RawValue>>>(raw.get())
        .map_err(|_| ())?
        .map(|items| {
            items
                .into_iter()
                .map(|item| text(item)?.ok_or(()))
                .collect()
        })
        .transpose()
}

/// Reads an array of integers that fit an `i64`, or null.
pub(super) fn integers(raw: &RawValue) -> Result<Option<Vec<i64>>, ()> {
    serde_json::from_str(raw.get()).map_err(|_| ())
}

/// Reads an object's members, or null.
pub(super) fn object(raw: &RawValue) -> Result<Option<RawObject<'_>>, ()> {
    match raw.get().as_bytes().first() {
        Some(b'n') => Ok(None),
        Some(b'{') => RawObject::parse(raw).map(Some).map_err(|_| ()),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> &RawValue {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_each_kind_and_refuses_the_others() {
        assert_eq!(text(raw(r#""a,b""#)).unwrap().as_deref(), Some("a,b"));
        assert_eq!(text(raw(r#""\u00e9\n""#)).unwrap().as_deref(), Some("é\n"));
        assert_eq!(text(raw("null")).unwrap(), None);
        assert!(text(raw("1")).is_err());
        assert_eq!(boolean(raw("false")).unwrap(), Some(false));
        assert!(boolean(raw("\"true\"")).is_err());
        assert_eq!(integer(raw("-5")).unwrap(), Some(-5));
        assert!(integer(raw("1.5")).is_err());
        assert!(integer(raw("9223372036854775808")).is_err());
        assert!(integer(raw("\"1\"")).is_err());
        assert_eq!(
            strings(raw(r#"["a","\"b"]"#)).unwrap().unwrap(),
            ["a", "\"b"]
        );
        assert!(strings(raw(r#"["a",1]"#)).is_err());
        assert!(strings(raw(r#"["a",null]"#)).is_err());
        assert_eq!(integers(raw("[1,-2]")).unwrap().unwrap(), [1, -2]);
        assert!(integers(raw("[1.5]")).is_err());
        assert!(object(raw("[]")).is_err());
        assert!(object(raw("null")).unwrap().is_none());
    }

    #[test]
    fn repeated_keys_keep_the_last_value() {
        let ticket = RawObject::parse(raw(r#"{"a":1,"b":2,"a":3}"#)).unwrap();
        assert_eq!(ticket.get("a").map(RawValue::get), Some("3"));
        assert!(ticket.get("c").is_none());
    }

    #[test]
    fn errors_name_the_ticket_and_the_field() {
        let ticket = RawObject::parse(raw(r#"{"ticketId":"t1","ctime":"soon"}"#)).unwrap();
        let name = TicketName::of(&ticket);
        let error = name.wrong_type("ctime", raw(r#""soon""#), Expected::Integer);
        assert_eq!(
            error.to_string(),
            "invalid response: ticket ticketId \"t1\": field \"ctime\" must be an integer \
             (epoch milliseconds) or null, not a string"
        );
    }
}
