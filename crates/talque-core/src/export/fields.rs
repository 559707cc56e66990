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
        if let Some(escape) = lone_surrogate(raw.get(), expected) {
            return Error::InvalidResponse(format!(
                "ticket {}: field {field:?} holds a string with the lone UTF-16 surrogate \
                 escape {escape}, which UTF-8 text (CSV, Arrow, Parquet) cannot hold",
                self.0
            ));
        }
        Error::InvalidResponse(format!(
            "ticket {}: field {field:?} must be {}, not {}",
            self.0,
            expected.describe(),
            found(raw.get())
        ))
    }

    /// The error for a timestamp outside the range every typed format accepts.
    pub(super) fn out_of_range(&self, field: &str, millis: i64) -> Error {
        Error::InvalidResponse(format!(
            "ticket {}: field {field:?} holds {millis} ms, outside the years -9999..=9999 \
             that CSV, Arrow and Parquet timestamps accept",
            self.0
        ))
    }
}

/// What a value is, for an error message. A number is shown (it cannot hold personal data,
/// and `1e12` or `1.0` is only wrong in how it is written); other values are not. In an
/// array, the first item that is not an integer is described.
fn found(text: &str) -> String {
    match kind(text) {
        "a number" if text.len() <= 40 => {
            let hint = if text.contains(['.', 'e', 'E']) {
                " (integers are written without a fraction or exponent)"
            } else {
                ""
            };
            format!("the number {text}{hint}")
        }
        "an array" => match serde_json::from_str::<Vec<&RawValue>>(text) {
            Ok(items) => match items.iter().find(|item| integer(item).is_err()) {
                Some(item) => format!("an array holding {}", found(item.get())),
                None => "an array".to_owned(),
            },
            Err(_) => "an array".to_owned(),
        },
        other => other.to_owned(),
    }
}

/// The first `\uXXXX` escape of a lone UTF-16 surrogate in `text`, when that is why a
/// string (or an array of strings) could not be read: valid JSON, but not valid Unicode.
fn lone_surrogate(text: &str, expected: Expected) -> Option<String> {
    let strings: Vec<&str> = match (expected, kind(text)) {
        (Expected::Text, "a string") => vec![text],
        (Expected::Strings, "an array") => {
            let items = serde_json::from_str::<Vec<&RawValue>>(text).ok()?;
            items.iter().map(|item| item.get()).collect()
        }
        _ => return None,
    };
    strings
        .into_iter()
        .find(|item| kind(item) == "a string" && serde_json::from_str::<String>(item).is_err())
        .and_then(first_surrogate_escape)
}

fn first_surrogate_escape(text: &str) -> Option<String> {
    let code_at = |at: usize| {
        let escape = text.get(at..at + 6)?;
        let code = u16::from_str_radix(escape.strip_prefix("\\u")?, 16).ok()?;
        Some((escape, code))
    };
    let mut at = 0;
    while let Some(found) = text.get(at..)?.find("\\u") {
        at += found;
        let (escape, code) = code_at(at)?;
        match code {
            // A high surrogate followed by a low one is a valid pair: skip both.
            0xD800..=0xDBFF if matches!(code_at(at + 6), Some((_, 0xDC00..=0xDFFF))) => at += 12,
            0xD800..=0xDFFF => return Some(escape.to_owned()),
            _ => at += 6,
        }
    }
    None
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
    fn errors_say_what_is_wrong_with_a_value_of_the_right_kind() {
        let ticket = RawObject::parse(raw(r#"{"ticketId":"t1"}"#)).unwrap();
        let name = TicketName::of(&ticket);
        let lone = raw(r#""\ud83c\udf9f and \udc00""#);
        assert_eq!(
            name.wrong_type("course", lone, Expected::Text).to_string(),
            "invalid response: ticket ticketId \"t1\": field \"course\" holds a string with the \
             lone UTF-16 surrogate escape \\udc00, which UTF-8 text (CSV, Arrow, Parquet) \
             cannot hold"
        );
        let listed = raw(r#"["ok","\ud800"]"#);
        let message = name
            .wrong_type("tickets", listed, Expected::Strings)
            .to_string();
        assert!(
            message.contains("lone UTF-16 surrogate escape \\ud800"),
            "{message}"
        );
        let message = name
            .wrong_type("ctime", raw("1e12"), Expected::Integer)
            .to_string();
        assert!(
            message.ends_with(
                "not the number 1e12 (integers are written without a fraction or exponent)"
            ),
            "{message}"
        );
        let message = name
            .wrong_type("checkIns", raw("[1,2.5]"), Expected::Integers)
            .to_string();
        assert!(message.ends_with("not an array holding the number 2.5 (integers are written without a fraction or exponent)"), "{message}");
        // A string that is simply the wrong kind keeps the plain message.
        let message = name
            .wrong_type("ctime", raw(r#""soon""#), Expected::Integer)
            .to_string();
        assert!(message.ends_with("not a string"), "{message}");
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
