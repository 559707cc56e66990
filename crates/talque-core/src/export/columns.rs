//! The CSV columns: their names, in order, and what each cell holds. The order is part of
//! the file format that users' scripts depend on: append new columns, never reorder.

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

/// Every column: its header name and its cell.
pub(super) const COLUMNS: [(&str, Cell); 40] = [
    ("orgTicketId", Cell::Text("orgTicketId")),
    ("ticketId", Cell::Text("ticketId")),
    ("provider", Cell::Text("provider")),
    ("ctime", Cell::Millis("ctime")),
    ("ctime_iso", Cell::MillisIso("ctime")),
    ("mtime", Cell::Millis("mtime")),
    ("mtime_iso", Cell::MillisIso("mtime")),
    ("isTest", Cell::Flag("isTest")),
    ("course", Cell::Text("course")),
    ("category", Cell::Text("category")),
    ("categories", Cell::Strings("categories")),
    ("tickets", Cell::Strings("tickets")),
    ("isVip", Cell::Flag("isVip")),
    ("eventIds", Cell::Strings("eventIds")),
    ("extEventIds", Cell::Strings("extEventIds")),
    ("vendorIds", Cell::Strings("vendorIds")),
    ("extVendorIds", Cell::Strings("extVendorIds")),
    ("extImageUrl", Cell::Text("extImageUrl")),
    ("checkIns", Cell::MillisList("checkIns")),
    ("checkIns_iso", Cell::MillisListIso("checkIns")),
    ("isCheckInReset", Cell::Flag("isCheckInReset")),
    ("mainId", Cell::Text("mainId")),
    ("purchaseOrderId", Cell::Text("purchaseOrderId")),
    ("extPurchaseOrderId", Cell::Text("extPurchaseOrderId")),
    ("extSurveyId", Cell::Text("extSurveyId")),
    ("holder.email", Cell::Person("holder", "email")),
    ("holder.firstName", Cell::Person("holder", "firstName")),
    ("holder.lastName", Cell::Person("holder", "lastName")),
    ("holder.companyName", Cell::Person("holder", "companyName")),
    ("holder.jobTitle", Cell::Person("holder", "jobTitle")),
    ("holder.extUserId", Cell::Person("holder", "extUserId")),
    ("holder.locale", Cell::Person("holder", "locale")),
    ("purchaser.email", Cell::Person("purchaser", "email")),
    (
        "purchaser.firstName",
        Cell::Person("purchaser", "firstName"),
    ),
    ("purchaser.lastName", Cell::Person("purchaser", "lastName")),
    (
        "purchaser.companyName",
        Cell::Person("purchaser", "companyName"),
    ),
    ("purchaser.jobTitle", Cell::Person("purchaser", "jobTitle")),
    (
        "purchaser.extUserId",
        Cell::Person("purchaser", "extUserId"),
    ),
    ("purchaser.locale", Cell::Person("purchaser", "locale")),
    ("extData", Cell::Json("extData")),
];

/// The CSV header, in column order.
///
/// Cells: strings as is; null or an absent key: empty; booleans `true`/`false`; `ctime`
/// and `mtime` as epoch milliseconds, `*_iso` as ISO-8601 UTC with milliseconds and `Z`;
/// the list fields as compact JSON text (`checkIns_iso`: of ISO strings); `extData` as
/// compact JSON text of its value, digits exact (`null` for null, empty when absent); a
/// null `purchaser` leaves every `purchaser.*` cell empty. Other ticket fields are left
/// out (JSON Lines keeps them).
pub const CSV_COLUMNS: &[&str] = &column_names();

const fn column_names() -> [&'static str; COLUMNS.len()] {
    let mut names = [""; COLUMNS.len()];
    let mut at = 0;
    while at < COLUMNS.len() {
        names[at] = COLUMNS[at].0;
        at += 1;
    }
    names
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
        assert_eq!(CSV_COLUMNS.join(", "), header);
    }
}
