//! The Arrow schema of a ticket table, derived from [`TICKET_FIELDS`].

use std::sync::{Arc, LazyLock};

use arrow_schema::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};

use super::{FieldKind, PERSON_FIELDS, TICKET_FIELDS};

/// `timestamp[ms, tz=UTC]`: epoch milliseconds that pandas and polars show as UTC.
fn time() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

/// The Arrow type of one field kind. Lists name their items `item`, as pyarrow does.
pub fn arrow_type(kind: FieldKind) -> DataType {
    match kind {
        FieldKind::Text | FieldKind::Json => DataType::Utf8,
        FieldKind::Time => time(),
        FieldKind::Flag => DataType::Boolean,
        FieldKind::Texts => DataType::new_list(DataType::Utf8, true),
        FieldKind::Times => DataType::new_list(time(), true),
        FieldKind::Person => DataType::Struct(person_fields()),
    }
}

/// The fields of the holder and purchaser structs, every one a nullable string.
pub(crate) fn person_fields() -> Fields {
    PERSON_FIELDS
        .iter()
        .map(|name| Field::new(*name, DataType::Utf8, true))
        .collect()
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let fields: Vec<Field> = TICKET_FIELDS
        .iter()
        .map(|field| Field::new(field.name, arrow_type(field.kind), true))
        .collect();
    Arc::new(Schema::new(fields))
});

/// The schema of every ticket table and Parquet file (built once).
pub fn arrow_schema() -> SchemaRef {
    SCHEMA.clone()
}
