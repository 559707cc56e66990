//! Writing list pages straight to a file, as JSON Lines or CSV, without building a value
//! tree per ticket: the page is split into each ticket's raw JSON text, which JSON Lines
//! copies through and CSV reads field by field.
//!
//! The writers append to any [`std::io::Write`] and stop at the first error, so a caller
//! that needs whole pages or nothing (resumable exports) renders a page into a buffer
//! first and hands the buffer on only when the page succeeded.

mod batch;
mod columns;
mod compact;
mod csv_rows;
mod error;
mod fields;
mod jsonl;
mod page;
mod parquet_file;
mod timefmt;

use std::io::Write;
use std::str::FromStr;

pub use batch::BatchBuilder;
pub use columns::csv_columns;
pub use error::ExportError;
pub use parquet_file::{merge_parts, write_part};

/// The tickets of `body`, a list response (as validated by [`crate::parse_list_page`]), as
/// one Arrow record batch of [`crate::schema::arrow_schema`].
pub fn list_batch(body: &[u8]) -> Result<arrow_array::RecordBatch, crate::Error> {
    let mut builder = BatchBuilder::default();
    for ticket in page::raw_tickets(body)? {
        builder.push(ticket)?;
    }
    builder.finish()
}

/// The file formats of an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// One ticket per line, its JSON exactly as the server sent it.
    Jsonl,
    /// One row per ticket, in the columns of [`csv_columns`].
    Csv,
}

impl ExportFormat {
    /// The name `FromStr` accepts: `"jsonl"` or `"csv"`.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }

    /// Writes what starts a new file: the header row for CSV, nothing for JSON Lines.
    pub fn write_header<W: Write>(self, out: &mut W) -> Result<(), ExportError> {
        match self {
            ExportFormat::Jsonl => Ok(()),
            ExportFormat::Csv => csv_rows::write_header(out),
        }
    }

    /// Appends the tickets of `body`, a list response (as validated by
    /// [`crate::parse_list_page`]), and returns how many were written.
    ///
    /// On error some of the page's tickets may already be in `out`.
    pub fn write_page<W: Write>(self, body: &[u8], out: &mut W) -> Result<usize, ExportError> {
        self.write_first(body, usize::MAX, out)
    }

    /// Like [`ExportFormat::write_page`], writing only the first `keep` tickets: a capped
    /// export cuts the last page of a server that sent more than the `limit` it was asked.
    pub fn write_first<W: Write>(
        self,
        body: &[u8],
        keep: usize,
        out: &mut W,
    ) -> Result<usize, ExportError> {
        let mut tickets = page::raw_tickets(body)?;
        tickets.truncate(keep);
        match self {
            ExportFormat::Jsonl => jsonl::write_tickets(&tickets, out)?,
            ExportFormat::Csv => csv_rows::write_tickets(&tickets, out)?,
        }
        Ok(tickets.len())
    }
}

impl FromStr for ExportFormat {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        match name {
            "jsonl" => Ok(ExportFormat::Jsonl),
            "csv" => Ok(ExportFormat::Csv),
            other => Err(format!(
                "unknown export format {other:?}: expected \"jsonl\" or \"csv\""
            )),
        }
    }
}

#[cfg(test)]
mod tests;
