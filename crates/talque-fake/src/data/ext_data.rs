//! `extData`: provider data of any JSON kind, so clients must pass it through untouched.

use crate::data::pools::EXT_DATA_STRINGS;
use crate::json::{self, Object};
use crate::rng::Rng;

/// The variants, in order: object, absent, null, string, integer, float, integer beyond 2^53,
/// true, false, nested array, empty object.
pub(crate) const EXT_DATA_WEIGHTS: &[u64] = &[30, 20, 8, 8, 6, 6, 4, 4, 4, 6, 4];

/// The integer that a double cannot hold: 2^53 + 1.
pub(crate) const BEYOND_2_53: &str = "9007199254740993";

/// Writes the `extData` member of `ticket` in the given variant (absent writes nothing).
pub(crate) fn write_ext_data(ticket: &mut Object<'_>, rng: &mut Rng, variant: usize) {
    match variant {
        0 => {
            let out = ticket.key("extData");
            let mut data = Object::begin(out);
            let seat = data.key("seat");
            let mut seat = Object::begin(seat);
            seat.string("row", &char::from(b'A' + rng.below(26) as u8).to_string());
            seat.int("number", rng.range(1, 400));
            seat.end();
            data.raw("answers", br#"[["q1","yes"],["q2",null]]"#);
            data.raw("tags", b"[]");
            let price = data.key("price");
            let mut price = Object::begin(price);
            price.raw("amount", float_text(rng).as_bytes());
            price.string("currency", "EUR");
            price.end();
            data.end();
        }
        1 => {}
        2 => ticket.raw("extData", b"null"),
        3 => ticket.string("extData", rng.pick(EXT_DATA_STRINGS)),
        4 => ticket.int("extData", rng.range(0, 200_000) as i64 - 1000),
        5 => ticket.raw("extData", float_text(rng).as_bytes()),
        6 => ticket.raw("extData", BEYOND_2_53.as_bytes()),
        7 => ticket.boolean("extData", true),
        8 => ticket.boolean("extData", false),
        9 => {
            let out = ticket.key("extData");
            out.extend_from_slice(br#"[[1,2,[3,[]]],{"k":"v","n":null},"#);
            json::string(out, rng.pick(EXT_DATA_STRINGS));
            out.extend_from_slice(b",null,true,-0.5]");
        }
        _ => ticket.raw("extData", b"{}"),
    }
}

/// A float with a fractional part, spelled the way `serde_json` would print it.
fn float_text(rng: &mut Rng) -> String {
    let cents = rng.range(1, 99_999);
    let cents = if cents.is_multiple_of(100) {
        cents + 1
    } else {
        cents
    };
    let sign = if rng.percent(10) { -1.0 } else { 1.0 };
    format!("{}", sign * cents as f64 / 100.0)
}
