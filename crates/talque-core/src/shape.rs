//! Cheap shape checks for response bodies: serde types that accept a JSON value of one
//! kind and keep nothing of it, so validation allocates almost nothing and the exact
//! bytes can still be handed on untouched.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::error::Error;

/// The longest part of a parser message quoted in an error, since serde quotes the
/// offending value and a response string could be huge.
const MAX_DETAIL: usize = 300;

/// Parses `body` as `T`, turning every failure into [`Error::InvalidResponse`].
///
/// UTF-8 is checked over the whole body first, because values that the shape types skip
/// would otherwise never be checked, and the Python side relies on valid UTF-8.
pub(crate) fn parse<'de, T: Deserialize<'de>>(body: &'de [u8], what: &str) -> Result<T, Error> {
    let text = std::str::from_utf8(body).map_err(|err| {
        Error::InvalidResponse(format!(
            "{what} is not valid UTF-8 (at byte {})",
            err.valid_up_to()
        ))
    })?;
    serde_json::from_str(text).map_err(|err| {
        let kind = match err.classify() {
            serde_json::error::Category::Data => "does not have the documented shape",
            _ => "is not valid JSON",
        };
        let mut detail = err.to_string();
        if detail.len() > MAX_DETAIL {
            let mut end = MAX_DETAIL;
            while !detail.is_char_boundary(end) {
                end -= 1;
            }
            detail.truncate(end);
            detail.push('…');
        }
        Error::InvalidResponse(format!("{what} {kind}: {detail}"))
    })
}

/// Any JSON string.
pub(crate) struct AnyString;

impl<'de> Deserialize<'de> for AnyString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor::<AnyString>::new(Kind::String))
    }
}

/// Any JSON object, contents unchecked.
pub(crate) struct AnyObject;

impl<'de> Deserialize<'de> for AnyObject {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor::<AnyObject>::new(Kind::Object))
    }
}

/// A JSON object or `null`. Unlike `Option<AnyObject>`, the key must be present: serde
/// fills a missing `Option` with `None`, but a missing key reaches `deserialize_any` as
/// an error.
pub(crate) struct ObjectOrNull;

impl<'de> Deserialize<'de> for ObjectOrNull {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor::<ObjectOrNull>::new(Kind::ObjectOrNull))
    }
}

/// A JSON string or `null`, kept; the key must be present (see [`ObjectOrNull`]).
pub(crate) struct StringOrNull(pub(crate) Option<String>);

impl<'de> Deserialize<'de> for StringOrNull {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StringOrNullVisitor)
    }
}

/// A JSON array of objects; only the count is kept.
pub(crate) struct ObjectArray(pub(crate) usize);

impl<'de> Deserialize<'de> for ObjectArray {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectArrayVisitor)
    }
}

/// A JSON object whose every value is a `T`; keys and values are discarded.
pub(crate) struct ObjectOf<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ObjectOf<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectOfVisitor(PhantomData))
    }
}

#[derive(Clone, Copy)]
enum Kind {
    String,
    Object,
    ObjectOrNull,
}

/// One visitor for the unit-like shape types: it accepts the values of its kind and
/// rejects the rest with serde's "invalid type" message.
struct KindVisitor<T> {
    kind: Kind,
    made: PhantomData<T>,
}

impl<T> KindVisitor<T> {
    fn new(kind: Kind) -> Self {
        Self {
            kind,
            made: PhantomData,
        }
    }
}

/// How the unit-like shape types are made once their value is accepted.
trait Unit {
    const VALUE: Self;
}

impl Unit for AnyString {
    const VALUE: Self = AnyString;
}

impl Unit for AnyObject {
    const VALUE: Self = AnyObject;
}

impl Unit for ObjectOrNull {
    const VALUE: Self = ObjectOrNull;
}

impl<'de, T: Unit> Visitor<'de> for KindVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.kind {
            Kind::String => "a string",
            Kind::Object => "an object",
            Kind::ObjectOrNull => "an object or null",
        })
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        match self.kind {
            Kind::String => Ok(T::VALUE),
            _ => Err(E::invalid_type(de::Unexpected::Str(value), &self)),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<T, E> {
        match self.kind {
            Kind::ObjectOrNull => Ok(T::VALUE),
            _ => Err(E::invalid_type(de::Unexpected::Unit, &self)),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match self.kind {
            Kind::Object | Kind::ObjectOrNull => {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(T::VALUE)
            }
            Kind::String => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

struct StringOrNullVisitor;

impl<'de> Visitor<'de> for StringOrNullVisitor {
    type Value = StringOrNull;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or null")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<StringOrNull, E> {
        Ok(StringOrNull(Some(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<StringOrNull, E> {
        Ok(StringOrNull(Some(value)))
    }

    fn visit_unit<E: de::Error>(self) -> Result<StringOrNull, E> {
        Ok(StringOrNull(None))
    }
}

struct ObjectArrayVisitor;

impl<'de> Visitor<'de> for ObjectArrayVisitor {
    type Value = ObjectArray;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ObjectArray, A::Error> {
        let mut count = 0;
        while seq.next_element::<AnyObject>()?.is_some() {
            count += 1;
        }
        Ok(ObjectArray(count))
    }
}

struct ObjectOfVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectOfVisitor<T> {
    type Value = ObjectOf<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ObjectOf<T>, A::Error> {
        while map.next_entry::<IgnoredAny, T>()?.is_some() {}
        Ok(ObjectOf(PhantomData))
    }
}

/// A serde-derived struct that must come as a JSON object. Derived structs also accept an
/// array of their fields in order (`["o", [], null, false]`), which the API never sends.
pub(crate) struct MapOnly<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for MapOnly<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapOnlyVisitor(PhantomData))
    }
}

struct MapOnlyVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for MapOnlyVisitor<T> {
    type Value = MapOnly<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(MapOnly)
    }
}

#[cfg(test)]
// A failing test should stop loudly; the no-panic rule is for library code.
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe {
        #[allow(dead_code)]
        s: AnyString,
        #[allow(dead_code)]
        o: ObjectOrNull,
        n: StringOrNull,
        a: ObjectArray,
    }

    #[test]
    fn accepts_the_right_kinds() {
        let body = br#"{"s":"x\"y","o":null,"n":"c1","a":[{},{"k":[1,{"z":null}]}],"extra":1}"#;
        let probe: Probe = parse(body, "probe").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(probe.n.0.as_deref(), Some("c1"));
        assert_eq!(probe.a.0, 2);
    }

    #[test]
    fn rejects_wrong_kinds_and_missing_keys() {
        let bad: [&[u8]; 6] = [
            br#"{"s":1,"o":null,"n":null,"a":[]}"#,
            br#"{"s":"","o":[],"n":null,"a":[]}"#,
            br#"{"s":"","o":null,"n":2,"a":[]}"#,
            br#"{"s":"","o":null,"n":null,"a":[1]}"#,
            br#"{"s":"","n":null,"a":[]}"#,
            br#"{"s":"","o":null,"a":[]}"#,
        ];
        for body in bad {
            match parse::<Probe>(body, "probe") {
                Err(Error::InvalidResponse(message)) => {
                    assert!(message.contains("documented shape"), "{message}")
                }
                Err(other) => panic!("unexpected {other:?}"),
                Ok(_) => panic!("accepted {}", String::from_utf8_lossy(body)),
            }
        }
    }

    #[test]
    fn rejects_invalid_utf8_and_syntax() {
        let invalid_utf8 = b"{\"s\":\"\xff\",\"o\":null,\"n\":null,\"a\":[]}";
        let message = parse::<Probe>(invalid_utf8, "probe")
            .err()
            .map(|e| e.to_string());
        assert!(message.unwrap_or_default().contains("UTF-8"));
        let message = parse::<Probe>(b"{", "probe").err().map(|e| e.to_string());
        assert!(message.unwrap_or_default().contains("not valid JSON"));
    }
}
