//! The ticket schema: one table of the ticket's documented fields and what each holds.
//!
//! The CSV columns, the Arrow schema (and so the Parquet schema), the bindings' `TICKET_FIELDS`
//! and the README's column table are all derived from [`TICKET_FIELDS`]; a new API field is
//! one new row here. The order is part of the file formats that users' scripts depend on:
//! append new fields, never reorder.

mod arrow;

pub(crate) use self::arrow::person_fields;
pub use self::arrow::{arrow_schema, arrow_type};

/// What a ticket field holds, and so how each format writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A string or null.
    Text,
    /// Epoch milliseconds (UTC) or null.
    Time,
    /// `true`, `false` or null.
    Flag,
    /// An array of strings or null.
    Texts,
    /// An array of epoch milliseconds or null.
    Times,
    /// An object of the [`PERSON_FIELDS`] strings (a holder or purchaser) or null.
    Person,
    /// Any JSON value, kept as its compact JSON text.
    Json,
}

impl FieldKind {
    /// The kind's name as the bindings export it: `"text"`, `"time"`, ...
    pub fn name(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Time => "time",
            FieldKind::Flag => "flag",
            FieldKind::Texts => "texts",
            FieldKind::Times => "times",
            FieldKind::Person => "person",
            FieldKind::Json => "json",
        }
    }
}

/// One documented ticket field: its JSON key and its kind.
#[derive(Clone, Copy, Debug)]
pub struct TicketField {
    pub name: &'static str,
    pub kind: FieldKind,
}

const fn field(name: &'static str, kind: FieldKind) -> TicketField {
    TicketField { name, kind }
}

/// Every documented ticket field, in column order. Every column is nullable, so a ticket
/// that lacks a documented key still converts (to a null) rather than failing an export.
pub const TICKET_FIELDS: [TicketField; 25] = [
    field("orgTicketId", FieldKind::Text),
    field("ticketId", FieldKind::Text),
    field("provider", FieldKind::Text),
    field("ctime", FieldKind::Time),
    field("mtime", FieldKind::Time),
    field("isTest", FieldKind::Flag),
    field("course", FieldKind::Text),
    field("category", FieldKind::Text),
    field("categories", FieldKind::Texts),
    field("tickets", FieldKind::Texts),
    field("isVip", FieldKind::Flag),
    field("eventIds", FieldKind::Texts),
    field("extEventIds", FieldKind::Texts),
    field("vendorIds", FieldKind::Texts),
    field("extVendorIds", FieldKind::Texts),
    field("extImageUrl", FieldKind::Text),
    field("checkIns", FieldKind::Times),
    field("isCheckInReset", FieldKind::Flag),
    field("mainId", FieldKind::Text),
    field("purchaseOrderId", FieldKind::Text),
    field("extPurchaseOrderId", FieldKind::Text),
    field("extSurveyId", FieldKind::Text),
    field("holder", FieldKind::Person),
    field("purchaser", FieldKind::Person),
    field("extData", FieldKind::Json),
];

/// The string fields of a holder or purchaser object, in order.
pub const PERSON_FIELDS: [&str; 7] = [
    "email",
    "firstName",
    "lastName",
    "companyName",
    "jobTitle",
    "extUserId",
    "locale",
];

/// The earliest and latest epoch milliseconds a time field may hold: the years -9999 to
/// 9999, which ISO-8601 text (the CSV `*_iso` columns) can express. Arrow and Parquet
/// columns apply the same bound, so one ticket converts to every format or to none.
pub const MILLIS_RANGE: std::ops::RangeInclusive<i64> = -377_705_116_800_000..=253_402_300_799_999;
