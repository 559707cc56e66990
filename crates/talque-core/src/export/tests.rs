//! End-to-end tests of the CSV writer: a page body in, rows read back with the `csv` crate.

use super::*;
use crate::error::Error;

fn page(tickets: &[&str]) -> String {
    format!(
        r#"{{"orgId":"o","tickets":[{}],"cursor":null,"more":false}}"#,
        tickets.join(",")
    )
}

/// The rows written for `tickets`, after the header, as maps from column to cell.
fn rows(tickets: &[&str]) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    ExportFormat::Csv.write_header(&mut out).unwrap();
    let count = ExportFormat::Csv
        .write_page(page(tickets).as_bytes(), &mut out)
        .unwrap();
    assert_eq!(count, tickets.len());
    let mut reader = csv::ReaderBuilder::new().from_reader(out.as_slice());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, csv_columns());
    reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            assert_eq!(record.len(), csv_columns().len());
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn cell<'r>(row: &'r [(String, String)], column: &str) -> &'r str {
    row.iter()
        .find(|(name, _)| name == column)
        .map(|(_, value)| value.as_str())
        .unwrap()
}

fn csv_error(ticket: &str) -> String {
    let mut out = Vec::new();
    match ExportFormat::Csv.write_page(page(&[ticket]).as_bytes(), &mut out) {
        Err(ExportError::Response(Error::InvalidResponse(message))) => message,
        other => panic!("unexpected {other:?}"),
    }
}

const FULL: &str = r#"{
  "orgTicketId": "OT1", "ticketId": "t,1", "provider": "pretix",
  "ctime": 1704164645678, "mtime": -1, "isTest": false,
  "course": "on-site", "category": null, "categories": ["VIP, gold", "a\"b"],
  "tickets": [], "isVip": true, "eventIds": ["e1"], "extEventIds": ["x\ny"],
  "vendorIds": [], "extVendorIds": ["ü"], "extImageUrl": "https://i/x.png",
  "checkIns": [0, 1704164645678], "isCheckInReset": false, "mainId": null,
  "purchaseOrderId": "P1", "extPurchaseOrderId": null,
  "holder": {"email": "zoë@example.com", "firstName": "Zoë \"Z\"", "lastName": "O'Neil, Jr.",
             "companyName": "Line1\nLine2", "jobTitle": null, "locale": "de-DE", "x": 1},
  "purchaser": null,
  "extData": {"n": 12345678901234567890123, "s": "日本, \"q\"", "f": 1.5e300},
  "unknown": {"kept": "only in JSON Lines"}
}"#;

#[test]
fn a_full_ticket_fills_every_column() {
    let rows = rows(&[FULL]);
    let row = &rows[0];
    let expected = [
        ("orgTicketId", "OT1"),
        ("ticketId", "t,1"),
        ("provider", "pretix"),
        ("ctime", "1704164645678"),
        ("ctime_iso", "2024-01-02T03:04:05.678Z"),
        ("mtime", "-1"),
        ("mtime_iso", "1969-12-31T23:59:59.999Z"),
        ("isTest", "false"),
        ("course", "on-site"),
        ("category", ""),
        ("categories", r#"["VIP, gold","a\"b"]"#),
        ("tickets", "[]"),
        ("isVip", "true"),
        ("eventIds", r#"["e1"]"#),
        ("extEventIds", r#"["x\ny"]"#),
        ("vendorIds", "[]"),
        ("extVendorIds", r#"["ü"]"#),
        ("extImageUrl", "https://i/x.png"),
        ("checkIns", "[0,1704164645678]"),
        (
            "checkIns_iso",
            r#"["1970-01-01T00:00:00.000Z","2024-01-02T03:04:05.678Z"]"#,
        ),
        ("isCheckInReset", "false"),
        ("mainId", ""),
        ("purchaseOrderId", "P1"),
        ("extPurchaseOrderId", ""),
        ("extSurveyId", ""),
        ("holder.email", "zoë@example.com"),
        ("holder.firstName", "Zoë \"Z\""),
        ("holder.lastName", "O'Neil, Jr."),
        ("holder.companyName", "Line1\nLine2"),
        ("holder.jobTitle", ""),
        ("holder.extUserId", ""),
        ("holder.locale", "de-DE"),
        ("purchaser.email", ""),
        ("purchaser.locale", ""),
        (
            "extData",
            r#"{"n":12345678901234567890123,"s":"日本, \"q\"","f":1.5e300}"#,
        ),
    ];
    for (column, value) in expected {
        assert_eq!(cell(row, column), value, "column {column}");
    }
    assert!(row.iter().all(|(name, _)| name != "unknown"));
}

#[test]
fn null_and_absent_are_empty_but_ext_data_null_is_null() {
    let rows = rows(&[
        r#"{"orgTicketId":"a","extData":null,"purchaser":{"email":"p@x"},"ctime":null}"#,
        r#"{"orgTicketId":"b"}"#,
    ]);
    assert_eq!(cell(&rows[0], "extData"), "null");
    assert_eq!(cell(&rows[0], "purchaser.email"), "p@x");
    assert_eq!(cell(&rows[0], "ctime"), "");
    assert_eq!(cell(&rows[0], "ctime_iso"), "");
    for (column, value) in &rows[1] {
        if column != "orgTicketId" {
            assert_eq!(value, "", "column {column}");
        }
    }
}

#[test]
fn ext_data_of_every_kind_is_exact_compact_json() {
    let kinds = [
        ("{}", "{}"),
        ("[ 1, [2, {\"a\" : null}] ]", "[1,[2,{\"a\":null}]]"),
        (
            "\"text, with \\\"quotes\\\"\\n\"",
            "\"text, with \\\"quotes\\\"\\n\"",
        ),
        ("9007199254740993", "9007199254740993"),
        ("-18446744073709551617", "-18446744073709551617"),
        (
            "0.1000000000000000055511151231257827",
            "0.1000000000000000055511151231257827",
        ),
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        (
            "{\n  \"deep\": {\"x\": [\n 1e400 ]}\n}",
            "{\"deep\":{\"x\":[1e400]}}",
        ),
    ];
    for (json, expected) in kinds {
        let ticket = format!(r#"{{"orgTicketId":"a","extData":{json}}}"#);
        let rows = rows(&[&ticket]);
        assert_eq!(cell(&rows[0], "extData"), expected, "extData {json}");
    }
}

#[test]
fn large_and_negative_timestamps() {
    let rows = rows(&[r#"{"ctime":253402300799999,"mtime":-62135596800000,"checkIns":[-1]}"#]);
    assert_eq!(cell(&rows[0], "ctime_iso"), "9999-12-31T23:59:59.999Z");
    assert_eq!(cell(&rows[0], "mtime_iso"), "0001-01-01T00:00:00.000Z");
    assert_eq!(cell(&rows[0], "checkIns"), "[-1]");
    assert_eq!(
        cell(&rows[0], "checkIns_iso"),
        r#"["1969-12-31T23:59:59.999Z"]"#
    );
    let message = csv_error(r#"{"orgTicketId":"a","ctime":9223372036854775807}"#);
    assert!(
        message.contains("\"ctime\"") && message.contains("-9999..=9999"),
        "{message}"
    );
}

#[test]
fn wrong_types_name_the_field_and_the_ticket() {
    let cases = [
        (r#""ctime":"2024""#, "ctime", "a string"),
        (r#""ctime":1.5"#, "ctime", "the number 1.5"),
        (r#""mtime":1e3"#, "mtime", "the number 1e3"),
        (r#""ctime":9223372036854775808"#, "ctime", "number"),
        (r#""isVip":"yes""#, "isVip", "a string"),
        (r#""categories":"a""#, "categories", "a string"),
        (r#""eventIds":[1]"#, "eventIds", "an array"),
        (r#""checkIns":["1"]"#, "checkIns", "an array"),
        (r#""provider":7"#, "provider", "the number 7"),
        (r#""holder":[]"#, "holder", "an array"),
        (r#""holder":{"email":false}"#, "holder.email", "a boolean"),
        (
            r#""purchaser":{"locale":{}}"#,
            "purchaser.locale",
            "an object",
        ),
    ];
    for (member, field, found) in cases {
        let message = csv_error(&format!(r#"{{"orgTicketId":"T9",{member}}}"#));
        assert!(message.contains("orgTicketId \"T9\""), "{message}");
        assert!(message.contains(&format!("field {field:?}")), "{message}");
        assert!(message.contains(found), "{message}");
    }
    let message = csv_error(r#"{"ticketId":"P7","isTest":0}"#);
    assert!(
        message.starts_with("ticket ticketId \"P7\": field \"isTest\""),
        "{message}"
    );
}

#[test]
fn an_empty_page_writes_no_rows() {
    let mut out = Vec::new();
    let body = page(&[]);
    assert_eq!(
        ExportFormat::Csv
            .write_page(body.as_bytes(), &mut out)
            .unwrap(),
        0
    );
    assert!(out.is_empty());
}

#[test]
fn the_header_is_one_line() {
    let mut out = Vec::new();
    ExportFormat::Csv.write_header(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text, format!("{}\n", csv_columns().join(",")));
}

#[test]
fn formats_parse_by_name() {
    assert_eq!("jsonl".parse::<ExportFormat>(), Ok(ExportFormat::Jsonl));
    assert_eq!("csv".parse::<ExportFormat>(), Ok(ExportFormat::Csv));
    assert!("CSV".parse::<ExportFormat>().is_err());
    assert_eq!(ExportFormat::Csv.name(), "csv");
}

#[test]
fn io_errors_come_back_as_io() {
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from_raw_os_error(28))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    for format in [ExportFormat::Jsonl, ExportFormat::Csv] {
        match format.write_page(page(&[FULL]).as_bytes(), &mut Full) {
            Err(ExportError::Io(err)) => assert_eq!(err.raw_os_error(), Some(28)),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn write_first_cuts_a_page_at_keep() {
    let body = page(&[
        r#"{"ticketId":"a"}"#,
        r#"{"ticketId":"b"}"#,
        r#"{"ticketId":"c"}"#,
    ]);
    let mut out = Vec::new();
    let count = ExportFormat::Jsonl
        .write_first(body.as_bytes(), 2, &mut out)
        .unwrap();
    assert_eq!(count, 2);
    assert_eq!(out, b"{\"ticketId\":\"a\"}\n{\"ticketId\":\"b\"}\n");
}
