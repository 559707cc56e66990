//! JSON Lines: each ticket's text as the server sent it, one per line.

use std::io::Write;

use serde_json::value::RawValue;

use super::compact::push_compact;
use super::error::ExportError;

/// Writes one line per ticket. A ticket whose text spans lines (a pretty-printing server)
/// is re-emitted without whitespace, since a line break would split the record.
pub(super) fn write_tickets<W: Write>(
    tickets: &[&RawValue],
    out: &mut W,
) -> Result<(), ExportError> {
    let mut scratch = Vec::new();
    for ticket in tickets {
        let text = ticket.get();
        if text.bytes().any(|byte| byte == b'\n' || byte == b'\r') {
            scratch.clear();
            push_compact(text, &mut scratch);
            out.write_all(&scratch)?;
        } else {
            out.write_all(text.as_bytes())?;
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::export::ExportFormat;

    fn jsonl(body: &str) -> (usize, String) {
        let mut out = Vec::new();
        let count = ExportFormat::Jsonl
            .write_page(body.as_bytes(), &mut out)
            .unwrap();
        (count, String::from_utf8(out).unwrap())
    }

    #[test]
    fn copies_each_ticket_exactly_unknown_fields_included() {
        let body = r#"{"orgId":"o","tickets":[{"ticketId":"a", "new":{"x":[1,2]},"n":12345678901234567890123},{"ticketId":"é\u00e9 \"q\""}],"cursor":null,"more":false}"#;
        let (count, text) = jsonl(body);
        assert_eq!(count, 2);
        assert_eq!(
            text,
            "{\"ticketId\":\"a\", \"new\":{\"x\":[1,2]},\"n\":12345678901234567890123}\n{\"ticketId\":\"é\\u00e9 \\\"q\\\"\"}\n"
        );
    }

    #[test]
    fn pretty_printed_tickets_become_one_line_each() {
        let body = "{\n  \"orgId\": \"o\",\n  \"tickets\": [\n    {\n      \"ticketId\": \"a b\",\n      \"ext\": [\n        1,\n        2\n      ]\n    },\r\n    {\"ticketId\": \"c\"}\n  ],\n  \"cursor\": null,\n  \"more\": false\n}\n";
        let (count, text) = jsonl(body);
        assert_eq!(count, 2);
        assert_eq!(
            text,
            "{\"ticketId\":\"a b\",\"ext\":[1,2]}\n{\"ticketId\": \"c\"}\n"
        );
    }

    #[test]
    fn an_empty_page_writes_nothing() {
        let (count, text) = jsonl(r#"{"orgId":"o","tickets":[],"cursor":null,"more":false}"#);
        assert_eq!((count, text.as_str()), (0, ""));
    }

    #[test]
    fn a_ticket_that_is_not_an_object_is_refused() {
        let mut out = Vec::new();
        let body = br#"{"orgId":"o","tickets":[1],"cursor":null,"more":false}"#;
        assert!(ExportFormat::Jsonl.write_page(body, &mut out).is_err());
    }
}
