//! CSV: one row per ticket in the columns of [`csv_columns`], quoted by the `csv` crate.

use std::io::Write;

use csv::{ByteRecord, Terminator, WriterBuilder};
use serde_json::value::RawValue;

use super::columns::{csv_columns, Cell, COLUMNS};
use super::compact::push_compact;
use super::error::ExportError;
use super::fields::{self, Expected, RawObject, TicketName};
use super::timefmt::push_iso_millis;
use crate::error::Error;

/// `\n` line ends and quotes only where a cell needs them (the `csv` crate's defaults,
/// stated here because they are part of the file format).
fn builder() -> WriterBuilder {
    let mut builder = WriterBuilder::new();
    builder
        .terminator(Terminator::Any(b'\n'))
        .has_headers(false);
    builder
}

/// Writes the header row.
pub(super) fn write_header<W: Write>(out: &mut W) -> Result<(), ExportError> {
    let mut writer = builder().from_writer(out);
    writer.write_record(csv_columns())?;
    writer.flush()?;
    Ok(())
}

/// Writes one row per ticket.
pub(super) fn write_tickets<W: Write>(
    tickets: &[&RawValue],
    out: &mut W,
) -> Result<(), ExportError> {
    let mut writer = builder().from_writer(out);
    let mut record = ByteRecord::with_capacity(1024, COLUMNS.len());
    let mut scratch = Vec::with_capacity(256);
    for raw in tickets {
        let ticket = RawObject::parse(raw).map_err(|err| {
            Error::InvalidResponse(format!("list response has an unreadable ticket: {err}"))
        })?;
        let row = Row::new(&ticket)?;
        record.clear();
        for column in COLUMNS.iter() {
            scratch.clear();
            row.cell(&column.name, column.cell, &mut scratch)?;
            record.push_field(&scratch);
        }
        writer.write_byte_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

/// One ticket on its way to a row: its members, and those of its two person objects.
struct Row<'t, 'a> {
    ticket: &'t RawObject<'a>,
    holder: Option<RawObject<'a>>,
    purchaser: Option<RawObject<'a>>,
}

impl<'t, 'a> Row<'t, 'a> {
    fn new(ticket: &'t RawObject<'a>) -> Result<Self, Error> {
        let person = |key: &str| match ticket.get(key) {
            None => Ok(None),
            Some(raw) => fields::object(raw)
                .map_err(|()| TicketName::of(ticket).wrong_type(key, raw, Expected::Object)),
        };
        Ok(Row {
            holder: person("holder")?,
            purchaser: person("purchaser")?,
            ticket,
        })
    }

    /// The ticket's name for an error message; made only when one is needed.
    fn name(&self) -> TicketName {
        TicketName::of(self.ticket)
    }

    /// Appends the text of `cell` to `out`; `column` names it in errors.
    fn cell(&self, column: &str, cell: Cell, out: &mut Vec<u8>) -> Result<(), Error> {
        match cell {
            Cell::Text(key) => self.text(self.ticket, key, key, out),
            Cell::Person(person, key) => {
                let object = if person == "holder" {
                    &self.holder
                } else {
                    &self.purchaser
                };
                match object {
                    Some(object) => self.text(object, key, column, out),
                    None => Ok(()),
                }
            }
            Cell::Millis(key) => {
                if let Some(millis) = self.read(key, fields::integer, Expected::Integer)? {
                    push_display(out, millis);
                }
                Ok(())
            }
            Cell::MillisIso(key) => match self.read(key, fields::integer, Expected::Integer)? {
                Some(millis) => self.iso(key, millis, out),
                None => Ok(()),
            },
            Cell::Flag(key) => {
                if let Some(flag) = self.read(key, fields::boolean, Expected::Boolean)? {
                    out.extend_from_slice(if flag { b"true" } else { b"false" });
                }
                Ok(())
            }
            Cell::Strings(key) => {
                if let Some(items) = self.read(key, fields::strings, Expected::Strings)? {
                    push_json(out, &items);
                }
                Ok(())
            }
            Cell::MillisList(key) => {
                if let Some(items) = self.read(key, fields::integers, Expected::Integers)? {
                    push_json(out, &items);
                }
                Ok(())
            }
            Cell::MillisListIso(key) => {
                if let Some(items) = self.read(key, fields::integers, Expected::Integers)? {
                    out.push(b'[');
                    for (at, millis) in items.into_iter().enumerate() {
                        if at > 0 {
                            out.push(b',');
                        }
                        out.push(b'"');
                        self.iso(key, millis, out)?;
                        out.push(b'"');
                    }
                    out.push(b']');
                }
                Ok(())
            }
            Cell::Json(key) => {
                if let Some(raw) = self.ticket.get(key) {
                    push_compact(raw.get(), out);
                }
                Ok(())
            }
        }
    }

    /// Reads the ticket's `key` with `read`; absent reads as null.
    fn read<T>(
        &self,
        key: &str,
        read: impl FnOnce(&'a RawValue) -> Result<Option<T>, ()>,
        expected: Expected,
    ) -> Result<Option<T>, Error> {
        match self.ticket.get(key) {
            None => Ok(None),
            Some(raw) => read(raw).map_err(|()| self.name().wrong_type(key, raw, expected)),
        }
    }

    fn text(
        &self,
        object: &RawObject<'a>,
        key: &str,
        field: &str,
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        let Some(raw) = object.get(key) else {
            return Ok(());
        };
        match fields::text(raw) {
            Ok(Some(text)) => out.extend_from_slice(text.as_bytes()),
            Ok(None) => {}
            Err(()) => return Err(self.name().wrong_type(field, raw, Expected::Text)),
        }
        Ok(())
    }

    fn iso(&self, key: &str, millis: i64, out: &mut Vec<u8>) -> Result<(), Error> {
        if push_iso_millis(millis, out) {
            Ok(())
        } else {
            Err(self.name().out_of_range(key, millis))
        }
    }
}

fn push_display(out: &mut Vec<u8>, value: i64) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{value}");
}

fn push_json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Strings and integers always serialize, and writing to a Vec cannot fail.
    let _ = serde_json::to_writer(out, value);
}
