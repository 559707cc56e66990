//! Re-emitting valid JSON text without its insignificant whitespace.
//!
//! Everything else is copied byte for byte, so numbers keep every digit (integers beyond
//! 2^53, long decimals) and strings keep the server's escapes: nothing is parsed into a
//! value and printed again.

/// Appends `json`, which must be valid JSON, to `out` without whitespace between tokens.
pub(super) fn push_compact(json: &str, out: &mut Vec<u8>) {
    let bytes = json.as_bytes();
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if byte == b'"' {
            in_string = true;
        } else if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
            out.extend_from_slice(&bytes[start..at]);
            start = at + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compact(json: &str) -> String {
        let mut out = Vec::new();
        push_compact(json, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strips_whitespace_between_tokens_only() {
        let pretty = "{\n  \"a b\": [ 1 ,\t2.50e3 ],\r\n  \"q\\\" \\\\\": \"x \\n y\"\n}";
        assert_eq!(compact(pretty), r#"{"a b":[1,2.50e3],"q\" \\":"x \n y"}"#);
    }

    #[test]
    fn keeps_big_integers_and_unicode_exactly() {
        let text =
            "[ 123456789012345678901234567890 , \"é \u{1F600}\" , -0.000000000000000000001 ]";
        assert_eq!(
            compact(text),
            "[123456789012345678901234567890,\"é \u{1F600}\",-0.000000000000000000001]"
        );
    }
}
