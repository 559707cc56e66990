//! The CSV columns: their names, in order, and what each cell holds, derived from the ticket
//! schema ([`crate::schema::TICKET_FIELDS`]), whose order they keep.

use std::sync::LazyLock;

use crate::schema::{FieldKind, TicketField, PERSON_FIELDS, TICKET_FIELDS};

/// How one CSV cell is made from a ticket. Keys are the ticket's JSON keys.
#[derive(Clone, Copy)]
pub(super) enum Cell {
    /// A string as is; null or absent: empty.
    Text(&'static str),
    /// Epoch milliseconds as a decimal integer.
    Millis(&'static str),
    /// Epoch milliseconds as ISO-8601 UTC, `2024-01-02T03:04:05.678Z`.
    MillisIso(&'static str),
    /// `true` or `false`.
    Flag(&'static str),
    /// An array of strings as compact JSON text, `["a","b"]`.
    Strings(&'static str),
    /// An array of epoch milliseconds as compact JSON text, `[1,2]`.
    MillisList(&'static str),
    /// An array of epoch milliseconds as compact JSON text of ISO-8601 strings.
    MillisListIso(&'static str),
    /// A string member of the `holder` or `purchaser` object (person, key).
    Person(&'static str, &'static str),
    /// Any JSON value as compact JSON text (`null` for null); absent: empty.
    Json(&'static str),
}

/// One CSV column: its header name and its cell.
pub(super) struct Column {
    pub(super) name: String,
    pub(super) cell: Cell,
}

fn column(name: impl Into<String>, cell: Cell) -> Column {
    Column {
        name: name.into(),
        cell,
    }
}

/// The columns of one ticket field: times get an ISO-8601 twin (`ctime`, `ctime_iso`), a
/// person one column per member (`holder.email`, ...).
fn columns_of(field: &TicketField) -> Vec<Column> {
    let key = field.name;
    match field.kind {
        FieldKind::Text => vec![column(key, Cell::Text(key))],
        FieldKind::Time => vec![
            column(key, Cell::Millis(key)),
            column(format!("{key}_iso"), Cell::MillisIso(key)),
        ],
        FieldKind::Flag => vec![column(key, Cell::Flag(key))],
        FieldKind::Texts => vec![column(key, Cell::Strings(key))],
        FieldKind::Times => vec![
            column(key, Cell::MillisList(key)),
            column(format!("{key}_iso"), Cell::MillisListIso(key)),
        ],
        FieldKind::Person => PERSON_FIELDS
            .iter()
            .map(|member| column(format!("{key}.{member}"), Cell::Person(key, member)))
            .collect(),
        FieldKind::Json => vec![column(key, Cell::Json(key))],
    }
}

/// Every column, in order, derived from the ticket schema once.
pub(super) static COLUMNS: LazyLock<Vec<Column>> =
    LazyLock::new(|| TICKET_FIELDS.iter().flat_map(columns_of).collect());

/// The CSV header, in column order.
///
/// Cells: strings as is; null or an absent key: empty; booleans `true`/`false`; `ctime`
/// and `mtime` as epoch milliseconds, `*_iso` as ISO-8601 UTC with milliseconds and `Z`;
/// the list fields as compact JSON text (`checkIns_iso`: of ISO strings); `extData` as
/// compact JSON text of its value, digits exact (`null` for null, empty when absent); a
/// null `purchaser` leaves every `purchaser.*` cell empty. Other ticket fields are left
/// out (JSON Lines keeps them).
pub fn csv_columns() -> Vec<&'static str> {
    COLUMNS.iter().map(|column| column.name.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_documented_one() {
        let header = "orgTicketId, ticketId, provider, ctime, ctime_iso, mtime, mtime_iso, \
            isTest, course, category, categories, tickets, isVip, eventIds, extEventIds, \
            vendorIds, extVendorIds, extImageUrl, checkIns, checkIns_iso, isCheckInReset, \
            mainId, purchaseOrderId, extPurchaseOrderId, extSurveyId, holder.email, \
            holder.firstName, holder.lastName, holder.companyName, holder.jobTitle, \
            holder.extUserId, holder.locale, purchaser.email, purchaser.firstName, \
            purchaser.lastName, purchaser.companyName, purchaser.jobTitle, \
            purchaser.extUserId, purchaser.locale, extData";
        assert_eq!(csv_columns().join(", "), header);
    }
}
