//! Id spellings: random alphanumerics, and unique-by-construction ids built from an index.

use crate::data::pools::ALNUM;
use crate::rng::{permute, Rng};

/// Appends `count` random alphanumeric characters.
pub(crate) fn push_alnum(out: &mut String, rng: &mut Rng, count: usize) {
    for _ in 0..count {
        out.push(char::from(ALNUM[rng.below(62) as usize]));
    }
}

/// Appends `value` as exactly `width` base-62 digits (most significant first, truncating).
pub(crate) fn push_base62(out: &mut String, mut value: u64, width: usize) {
    let mut digits = vec![b'0'; width];
    for digit in digits.iter_mut().rev() {
        *digit = ALNUM[(value % 62) as usize];
        value /= 62;
    }
    out.extend(digits.into_iter().map(char::from));
}

/// Appends `value` as exactly `width` upper-case base-36 digits.
pub(crate) fn push_base36(out: &mut String, mut value: u64, width: usize) {
    let mut digits = vec![b'0'; width];
    for digit in digits.iter_mut().rev() {
        *digit = ALNUM[(value % 36) as usize];
        value /= 36;
    }
    out.extend(digits.into_iter().map(char::from));
}

/// A 20-character id: `prefix`, random characters, then 11 base-62 digits of a keyed bijection
/// of `index`. Eleven digits hold any `u64`, so distinct indices always give distinct ids.
pub(crate) fn unique_id(prefix: &str, rng: &mut Rng, index: u64, key: u64) -> String {
    let mut id = String::with_capacity(20);
    id.push_str(prefix);
    push_alnum(&mut id, rng, 9usize.saturating_sub(prefix.len()));
    push_base62(&mut id, permute(index, key), 11);
    id
}

/// A keyed bijection on `u32`, for ids that must stay short (order codes, numeric ids).
pub(crate) fn permute32(x: u32, key: u64) -> u32 {
    let (k1, k2) = (key as u32, (key >> 32) as u32);
    let mut z = x ^ k1;
    z = z.wrapping_mul(0x2C1B_3C6D);
    z ^= z >> 16;
    z = z.wrapping_add(k2);
    z = z.wrapping_mul(0x297A_2D39);
    z ^ (z >> 15)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn unique_ids_have_the_promised_shape() {
        let mut rng = Rng::new(3);
        let id = unique_id("", &mut rng, 5, 9);
        assert_eq!(id.len(), 20);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()));
        let prof = unique_id("prof", &mut rng, u64::MAX, 9);
        assert_eq!(prof.len(), 20);
        assert!(prof.starts_with("prof"));
    }

    #[test]
    fn permute32_is_injective_on_a_sample() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..200_000u32 {
            assert!(seen.insert(permute32(x, 0xDEAD_BEEF_1234)));
        }
    }
}
