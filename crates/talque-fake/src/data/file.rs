//! Tickets from a JSONL file, served exactly as written (minus insignificant whitespace).

use serde_json::Value;

use crate::data::org::{OrgBuilder, OrgData, SegmentBuilder};
use crate::error::FakeError;
use crate::json::minify;

/// Loads an organisation whose tickets are the non-blank lines of `path`, in order.
///
/// Each line must be a JSON object. It is kept as text, not re-serialised, so key order and
/// number spelling (e.g. integers beyond 2^53) survive. A ticket's profile is its
/// `holder.extUserId`, when that is a string.
pub(crate) fn load_org(path: &str, org_id: &str, forbidden: bool) -> Result<OrgData, FakeError> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| FakeError::new(format!("cannot read tickets_file {path:?}: {err}")))?;
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .collect();
    let mut org = OrgBuilder::default();
    let mut segment = SegmentBuilder::with_capacity(lines.len(), 0);
    for (number, line) in lines {
        let parsed: Value = serde_json::from_str(line).map_err(|err| {
            FakeError::new(format!("{path}:{}: not valid JSON: {err}", number + 1))
        })?;
        let Value::Object(ticket) = &parsed else {
            return Err(FakeError::new(format!(
                "{path}:{}: not a JSON object",
                number + 1
            )));
        };
        let text_of = |key: &str| ticket.get(key).and_then(Value::as_str);
        let profile = ticket
            .get("holder")
            .and_then(|holder| holder.get("extUserId"))
            .and_then(Value::as_str);
        if let Some(profile) = profile {
            let slot = org.profile_slot(profile);
            org.assign_profile(segment.count(), slot);
        }
        segment
            .begin_ticket()
            .extend_from_slice(&minify(line.as_bytes()));
        segment.end_ticket(text_of("provider").zip(text_of("ticketId")));
    }
    org.add_segment(segment);
    Ok(org.finish(org_id.to_owned(), forbidden))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn lines_are_kept_verbatim_and_indexed() {
        let path =
            std::env::temp_dir().join(format!("talque-fake-file-{}.jsonl", std::process::id()));
        let lines = concat!(
            "{\"z\": 1, \"provider\": \"p\", \"ticketId\": \"a\", \"big\": 9007199254740993, \"holder\": {\"extUserId\": \"u1\"}}\n",
            "\n",
            "{\"provider\": \"p\", \"ticketId\": \"b\", \"holder\": {}}\n",
        );
        std::fs::write(&path, lines).unwrap();
        let org = load_org(path.to_str().unwrap(), "orgF", false).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(org.count(), 2);
        assert_eq!(
            &org.ticket(0).unwrap()[..],
            br#"{"z":1,"provider":"p","ticketId":"a","big":9007199254740993,"holder":{"extUserId":"u1"}}"#
        );
        assert!(org.find("p", "b").is_some());
        assert_eq!(org.selection(Some("u1")).len(), 1);
    }

    #[test]
    fn bad_lines_are_errors() {
        let path =
            std::env::temp_dir().join(format!("talque-fake-bad-{}.jsonl", std::process::id()));
        std::fs::write(&path, "[1, 2]\n").unwrap();
        let result = load_org(path.to_str().unwrap(), "orgF", false);
        std::fs::remove_file(&path).unwrap();
        assert!(result.unwrap_err().message().contains("not a JSON object"));
        assert!(load_org("/nonexistent/x.jsonl", "orgF", false).is_err());
    }
}
