//! Ticket holders and purchasers: the seven person keys, each sometimes null or absent.

use crate::data::pools::{COMPANIES, DOMAINS, FIRST_NAMES, JOB_TITLES, LAST_NAMES, LOCALES};
use crate::json::Object;
use crate::rng::Rng;

/// How often a person key holds a string, is null, or is absent.
const KEY_WEIGHTS: &[u64] = &[85, 10, 5];

/// Writes a person object. `cycle` forces the variant of every key (0 string, 1 null,
/// 2 absent) so that small data sets still show each case.
pub(crate) fn write_person(out: &mut Vec<u8>, rng: &mut Rng, cycle: Option<usize>) {
    let (first, first_ascii) = rng.pick(FIRST_NAMES);
    let (last, last_ascii) = rng.pick(LAST_NAMES);
    let email = format!(
        "{first_ascii}.{last_ascii}{}@{}",
        rng.below(1000),
        rng.pick(DOMAINS)
    );
    let ext_user_id = format!("u{}", rng.range(1_000_000_000, 9_999_999_999));
    let values = [
        ("email", email.as_str()),
        ("firstName", first),
        ("lastName", last),
        ("companyName", rng.pick(COMPANIES)),
        ("jobTitle", rng.pick(JOB_TITLES)),
        ("extUserId", ext_user_id.as_str()),
        ("locale", rng.pick(LOCALES)),
    ];
    let mut object = Object::begin(out);
    for (key, value) in values {
        match cycle.unwrap_or_else(|| rng.weighted(KEY_WEIGHTS)) {
            0 => object.string(key, value),
            1 => object.opt_string(key, None),
            _ => {}
        }
    }
    object.end();
}
