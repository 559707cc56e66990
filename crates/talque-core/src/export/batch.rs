//! Arrow record batches of the ticket schema, built straight from the tickets' raw JSON
//! text: each documented field is read once, checked against its kind and appended to its
//! column, so no value tree (and no Python object) is made per ticket.

use std::sync::Arc;

use arrow_array::builder::{
    BooleanBuilder, ListBuilder, StringBuilder, TimestampMillisecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_buffer::NullBufferBuilder;
use arrow_schema::Field;
use serde_json::value::RawValue;

use super::compact::push_compact;
use super::fields::{self, Expected, RawObject, TicketName};
use crate::error::Error;
use crate::schema::{self, arrow_schema, FieldKind, MILLIS_RANGE, PERSON_FIELDS, TICKET_FIELDS};

/// The values of one column so far.
enum Column {
    Text(StringBuilder),
    Time(TimestampMillisecondBuilder),
    Flag(BooleanBuilder),
    Texts(ListBuilder<StringBuilder>),
    Times(ListBuilder<TimestampMillisecondBuilder>),
    Person(Person),
    Json(StringBuilder, Vec<u8>),
}

/// A holder or purchaser struct column: one string column per member, and which rows
/// have no object at all.
struct Person {
    members: Vec<StringBuilder>,
    present: NullBufferBuilder,
}

fn time_builder() -> TimestampMillisecondBuilder {
    TimestampMillisecondBuilder::new().with_timezone("UTC")
}

impl Column {
    fn new(kind: FieldKind) -> Self {
        match kind {
            FieldKind::Text => Column::Text(StringBuilder::new()),
            FieldKind::Time => Column::Time(time_builder()),
            FieldKind::Flag => Column::Flag(BooleanBuilder::new()),
            FieldKind::Texts => Column::Texts(ListBuilder::new(StringBuilder::new())),
            FieldKind::Times => {
                let item = Field::new("item", schema::arrow_type(FieldKind::Time), true);
                Column::Times(ListBuilder::new(time_builder()).with_field(Arc::new(item)))
            }
            FieldKind::Person => Column::Person(Person {
                members: PERSON_FIELDS.iter().map(|_| StringBuilder::new()).collect(),
                present: NullBufferBuilder::new(1024),
            }),
            FieldKind::Json => Column::Json(StringBuilder::new(), Vec::new()),
        }
    }

    fn finish(&mut self) -> Result<ArrayRef, Error> {
        Ok(match self {
            Column::Text(builder) | Column::Json(builder, _) => Arc::new(builder.finish()),
            Column::Time(builder) => Arc::new(builder.finish()),
            Column::Flag(builder) => Arc::new(builder.finish()),
            Column::Texts(builder) => Arc::new(builder.finish()),
            Column::Times(builder) => Arc::new(builder.finish()),
            Column::Person(person) => {
                let arrays: Vec<ArrayRef> = person
                    .members
                    .iter_mut()
                    .map(|member| Arc::new(member.finish()) as ArrayRef)
                    .collect();
                let array =
                    StructArray::try_new(schema::person_fields(), arrays, person.present.finish())
                        .map_err(arrow_failure)?;
                Arc::new(array)
            }
        })
    }
}

/// Builds record batches of [`arrow_schema`] a ticket at a time.
pub struct BatchBuilder {
    columns: Vec<Column>,
}

impl Default for BatchBuilder {
    fn default() -> Self {
        BatchBuilder {
            columns: TICKET_FIELDS
                .iter()
                .map(|field| Column::new(field.kind))
                .collect(),
        }
    }
}

impl BatchBuilder {
    /// Appends one ticket, a JSON object's raw text. On error the builder holds a partial
    /// row and must be dropped.
    pub fn push(&mut self, raw: &RawValue) -> Result<(), Error> {
        let ticket = RawObject::parse(raw).map_err(|err| {
            Error::InvalidResponse(format!("a response has an unreadable ticket: {err}"))
        })?;
        let row = Row { ticket: &ticket };
        for (field, column) in TICKET_FIELDS.iter().zip(&mut self.columns) {
            row.append(field.name, ticket.get(field.name), column)?;
        }
        Ok(())
    }

    /// The batch of every ticket pushed since the last `finish`.
    pub fn finish(&mut self) -> Result<RecordBatch, Error> {
        let arrays = self
            .columns
            .iter_mut()
            .map(Column::finish)
            .collect::<Result<Vec<_>, _>>()?;
        RecordBatch::try_new(arrow_schema(), arrays).map_err(arrow_failure)
    }
}

/// The columns are built to the schema, so Arrow has nothing to refuse; should it ever,
/// the response is what could not be converted.
fn arrow_failure(err: arrow_schema::ArrowError) -> Error {
    Error::InvalidResponse(format!("cannot build the Arrow table: {err}"))
}

/// One ticket being appended, for its name in error messages.
struct Row<'t, 'a> {
    ticket: &'t RawObject<'a>,
}

impl<'a> Row<'_, 'a> {
    fn read<T>(
        &self,
        key: &str,
        raw: Option<&'a RawValue>,
        read: impl FnOnce(&'a RawValue) -> Result<Option<T>, ()>,
        expected: Expected,
    ) -> Result<Option<T>, Error> {
        match raw {
            None => Ok(None),
            Some(raw) => {
                read(raw).map_err(|()| TicketName::of(self.ticket).wrong_type(key, raw, expected))
            }
        }
    }

    fn millis(&self, key: &str, millis: i64) -> Result<i64, Error> {
        if MILLIS_RANGE.contains(&millis) {
            Ok(millis)
        } else {
            Err(TicketName::of(self.ticket).out_of_range(key, millis))
        }
    }

    fn append(
        &self,
        key: &str,
        raw: Option<&'a RawValue>,
        column: &mut Column,
    ) -> Result<(), Error> {
        match column {
            Column::Text(builder) => {
                let text = self.read(key, raw, fields::text, Expected::Text)?;
                builder.append_option(text);
            }
            Column::Time(builder) => {
                let millis = self.read(key, raw, fields::integer, Expected::Integer)?;
                builder.append_option(millis.map(|millis| self.millis(key, millis)).transpose()?);
            }
            Column::Flag(builder) => {
                builder.append_option(self.read(key, raw, fields::boolean, Expected::Boolean)?);
            }
            Column::Texts(builder) => {
                match self.read(key, raw, fields::strings, Expected::Strings)? {
                    Some(items) => {
                        for item in items {
                            builder.values().append_value(item);
                        }
                        builder.append(true);
                    }
                    None => builder.append(false),
                }
            }
            Column::Times(builder) => {
                match self.read(key, raw, fields::integers, Expected::Integers)? {
                    Some(items) => {
                        for millis in items {
                            let millis = self.millis(key, millis)?;
                            builder.values().append_value(millis);
                        }
                        builder.append(true);
                    }
                    None => builder.append(false),
                }
            }
            Column::Person(person) => {
                let object = self.read(key, raw, fields::object, Expected::Object)?;
                person.present.append(object.is_some());
                for (member, builder) in PERSON_FIELDS.iter().zip(&mut person.members) {
                    let value = object.as_ref().and_then(|object| object.get(member));
                    let text = match value {
                        None => None,
                        Some(raw) => fields::text(raw).map_err(|()| {
                            let field = format!("{key}.{member}");
                            TicketName::of(self.ticket).wrong_type(&field, raw, Expected::Text)
                        })?,
                    };
                    builder.append_option(text);
                }
            }
            Column::Json(builder, scratch) => match raw {
                // Compact JSON text, digits and escapes exactly as sent (as in CSV).
                Some(raw) => {
                    scratch.clear();
                    push_compact(raw.get(), scratch);
                    match std::str::from_utf8(scratch) {
                        Ok(text) => builder.append_value(text),
                        Err(err) => {
                            return Err(Error::InvalidResponse(format!(
                                "ticket field {key:?} is not UTF-8: {err}"
                            )))
                        }
                    }
                }
                None => builder.append_null(),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::cast::AsArray;
    use arrow_array::types::TimestampMillisecondType;

    use super::super::list_batch;
    use super::super::timefmt::push_iso_millis;
    use super::*;

    fn page(ticket: &str) -> Vec<u8> {
        format!(r#"{{"orgId":"o","tickets":[{ticket}],"cursor":null,"more":false}}"#).into_bytes()
    }

    #[test]
    fn the_time_range_is_the_iso_one() {
        let (first, last) = (*MILLIS_RANGE.start(), *MILLIS_RANGE.end());
        for (millis, fits) in [
            (first, true),
            (last, true),
            (first - 1, false),
            (last + 1, false),
        ] {
            assert_eq!(push_iso_millis(millis, &mut Vec::new()), fits, "{millis}");
        }
    }

    #[test]
    fn builds_the_schema_from_raw_tickets() {
        let body = page(
            r#"{"ticketId":"t1","ctime":5,"checkIns":[1,2],"holder":{"email":"a@b"},
                "purchaser":null,"extData":{"n": 18446744073709551617},"isVip":true}"#,
        );
        let batch = list_batch(&body).unwrap();
        assert_eq!(batch.schema(), arrow_schema());
        assert_eq!(batch.num_rows(), 1);
        let ctime = batch.column_by_name("ctime").unwrap();
        assert_eq!(ctime.as_primitive::<TimestampMillisecondType>().value(0), 5);
        let ext = batch.column_by_name("extData").unwrap().as_string::<i32>();
        assert_eq!(ext.value(0), r#"{"n":18446744073709551617}"#);
        let purchaser = batch.column_by_name("purchaser").unwrap();
        assert!(purchaser.is_null(0));
        let holder = batch.column_by_name("holder").unwrap().as_struct();
        assert_eq!(holder.column(0).as_string::<i32>().value(0), "a@b");
        assert!(holder.column(1).is_null(0));
        assert_eq!(list_batch(&page("")).unwrap().num_rows(), 0);
    }

    #[test]
    fn values_a_typed_column_cannot_hold_name_ticket_and_field() {
        let cases = [
            (
                r#"{"ticketId":"t1","ctime":253402300800000}"#,
                "field \"ctime\" holds 253402300800000 ms",
            ),
            (
                r#"{"ticketId":"t1","checkIns":[-377705116800001]}"#,
                "field \"checkIns\" holds",
            ),
            (r#"{"ticketId":"t1","mtime":1e12}"#, "not the number 1e12"),
            (
                r#"{"ticketId":"t1","course":"\udc00"}"#,
                "surrogate escape \\udc00",
            ),
            (
                r#"{"ticketId":"t1","holder":{"email":"\ud800x"}}"#,
                "\"holder.email\" holds a string",
            ),
        ];
        for (ticket, message) in cases {
            let err = list_batch(&page(ticket)).unwrap_err().to_string();
            assert!(
                err.contains("ticket ticketId \"t1\"") && err.contains(message),
                "{err}"
            );
        }
    }
}
