//! A tiny, seeded, version-stable random number generator and hash.
//!
//! The fake promises byte-identical data for the same seed, across crate upgrades too, so it
//! uses its own SplitMix64 and FNV-1a instead of a library whose streams may change.

/// SplitMix64: fast, good enough statistically, and trivially reproducible.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator for item `index` of the stream `seed`, independent of every other item.
    pub(crate) fn for_item(seed: u64, index: u64) -> Self {
        Self(mix(seed, index))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        finalize(self.0)
    }

    /// A uniform integer in `0..n` (0 when `n` is 0), by the multiply-shift method.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A uniform integer in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo).saturating_add(1))
    }

    /// True with probability `percent` / 100.
    pub(crate) fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// A uniform float in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// One element of `items`, or the default when `items` is empty.
    pub(crate) fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or_default()
    }

    /// An index into `weights`, drawn in proportion to the weights.
    pub(crate) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut roll = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        0
    }
}

/// The SplitMix64 output function, also a good 64-bit mixer on its own.
fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Combines two values into one well-mixed seed.
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    finalize(finalize(a ^ 0x5851_F42D_4C95_7F2D).wrapping_add(b))
}

/// FNV-1a over bytes, used to turn an organization id into a seed.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A keyed bijection on `u64`: distinct inputs give distinct outputs, which makes ids built
/// from it unique by construction while still looking random.
pub(crate) fn permute(x: u64, key: u64) -> u64 {
    let mut z = x ^ key;
    z = z.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    z ^= z >> 32;
    z = z.wrapping_add(key.rotate_left(17));
    z = z.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z ^ (z >> 29)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn streams_are_reproducible() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        let mut rng = Rng::new(7);
        assert_eq!(a[0], rng.next_u64());
        assert_eq!(
            Rng::for_item(1, 2).next_u64(),
            Rng::for_item(1, 2).next_u64()
        );
        assert_ne!(
            Rng::for_item(1, 2).next_u64(),
            Rng::for_item(1, 3).next_u64()
        );
    }

    #[test]
    fn bounded_draws_stay_in_range() {
        let mut rng = Rng::new(1);
        for _ in 0..1000 {
            assert!(rng.below(7) < 7);
            assert!((3..=5).contains(&rng.range(3, 5)));
            let unit = rng.unit();
            assert!((0.0..1.0).contains(&unit));
            assert!(rng.weighted(&[0, 5, 0]) == 1);
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.pick::<u8>(&[]), 0);
    }

    #[test]
    fn permute_is_injective_on_a_sample() {
        let mut seen = std::collections::HashSet::new();
        for x in 0..100_000 {
            assert!(seen.insert(permute(x, 42)));
        }
    }
}
