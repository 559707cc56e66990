//! A minimal JSON writer for pre-serialising tickets and building response envelopes.
//!
//! Writing bytes directly is several times faster than building `serde_json::Value`s, and it
//! lets the fake control key order and number spelling (e.g. integers beyond 2^53) exactly.
//! The escaping matches `serde_json`'s compact output byte for byte.

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `text` as a quoted, escaped JSON string.
pub(crate) fn string(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // Most strings need no escaping; a branch-free scan (which the compiler vectorises)
    // finds that out far faster than the byte-by-byte escape loop.
    let plain = !bytes.iter().fold(false, |special, &b| {
        special | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if plain {
        out.extend_from_slice(bytes);
    } else {
        escape_into(out, bytes);
    }
    out.push(b'"');
}

/// The slow path of [`string`]: copies `bytes`, escaping what JSON requires.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    for (index, byte) in bytes.iter().enumerate() {
        let escape: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => &[],
            _ => continue,
        };
        out.extend_from_slice(bytes.get(start..index).unwrap_or_default());
        if escape.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(byte >> 4)]);
            out.push(HEX[usize::from(byte & 0xf)]);
        } else {
            out.extend_from_slice(escape);
        }
        start = index + 1;
    }
    out.extend_from_slice(bytes.get(start..).unwrap_or_default());
}

/// Appends `value` as a string, or `null`.
pub(crate) fn opt_string(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(text) => string(out, text),
        None => out.extend_from_slice(b"null"),
    }
}

/// Appends an integer.
pub(crate) fn int(out: &mut Vec<u8>, value: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Appends `true` or `false`.
pub(crate) fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// Appends an array of strings.
pub(crate) fn string_array<S: AsRef<str>>(out: &mut Vec<u8>, items: &[S]) {
    out.push(b'[');
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        string(out, item.as_ref());
    }
    out.push(b']');
}

/// Writes the members of one JSON object, handling the commas between them.
pub(crate) struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens an object; call [`Object::end`] to close it.
    pub(crate) fn begin(out: &'a mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, empty: true }
    }

    /// Writes the next key and returns the buffer for its value. Key names are literals of
    /// this crate that need no escaping, so they are copied without the escape scan, which
    /// matters when writing a million tickets.
    pub(crate) fn key(&mut self, name: &'static str) -> &mut Vec<u8> {
        self.comma();
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    /// Like [`Object::key`], for names that come from outside (e.g. requested ticket ids).
    pub(crate) fn escaped_key(&mut self, name: &str) -> &mut Vec<u8> {
        self.comma();
        string(self.out, name);
        self.out.push(b':');
        self.out
    }

    fn comma(&mut self) {
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
    }

    /// Writes a key whose value is raw, already valid JSON text.
    pub(crate) fn raw(&mut self, name: &'static str, json: &[u8]) {
        self.key(name).extend_from_slice(json);
    }

    pub(crate) fn string(&mut self, name: &'static str, value: &str) {
        string(self.key(name), value);
    }

    pub(crate) fn opt_string(&mut self, name: &'static str, value: Option<&str>) {
        opt_string(self.key(name), value);
    }

    pub(crate) fn int(&mut self, name: &'static str, value: impl itoa::Integer) {
        int(self.key(name), value);
    }

    pub(crate) fn boolean(&mut self, name: &'static str, value: bool) {
        boolean(self.key(name), value);
    }

    pub(crate) fn string_array<S: AsRef<str>>(&mut self, name: &'static str, items: &[S]) {
        string_array(self.key(name), items);
    }

    /// Closes the object.
    pub(crate) fn end(self) {
        self.out.push(b'}');
    }
}

/// Removes the insignificant whitespace from valid JSON text, keeping everything else (key
/// order, number spelling, string escapes) byte for byte.
pub(crate) fn minify(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &byte in text {
        if in_string {
            out.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            in_string = byte == b'"';
            out.push(byte);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn strings_escape_like_serde_json() {
        for text in [
            "plain",
            "q\"b\\s",
            "nl\n\r\t\u{8}\u{c}",
            "\u{1}\u{1f}\u{7f}",
            "Zoë 山田 🎉",
            "\u{2028}",
        ] {
            let mut out = Vec::new();
            string(&mut out, text);
            assert_eq!(out, serde_json::to_vec(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn objects_get_commas_between_members() {
        let mut out = Vec::new();
        let mut object = Object::begin(&mut out);
        object.string("a", "x");
        object.int("b", -3i64);
        object.opt_string("c", None);
        object.boolean("d", true);
        object.string_array("e", &["p", "q"]);
        object.raw("f", b"{}");
        object.end();
        assert_eq!(
            out,
            br#"{"a":"x","b":-3,"c":null,"d":true,"e":["p","q"],"f":{}}"#
        );
    }

    #[test]
    fn minify_keeps_strings_and_numbers() {
        let text = b"{ \"a b\" : [1 , 2.50,\n 9007199254740993], \"c\":\"x \\\" y\" }";
        assert_eq!(
            minify(text),
            br#"{"a b":[1,2.50,9007199254740993],"c":"x \" y"}"#
        );
    }
}
