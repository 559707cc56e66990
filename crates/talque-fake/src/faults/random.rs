//! Random faults: a seeded share of requests fails in one of a few realistic ways.

use crate::error::FakeError;
use crate::rng::Rng;

/// The kinds random faults are drawn from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum RandomKind {
    #[default]
    Status500,
    Status502,
    Status503,
    Status429,
    Reset,
    Truncate,
    Delay,
    /// Opt-in (not in [`RandomKind::ALL`], so the default sequences stay as they were): the
    /// true answer gzip-encoded and cut in half.
    CompressedTruncate,
}

impl RandomKind {
    /// Every kind a name may ask for: the defaults and the opt-in ones.
    const KNOWN: [RandomKind; 8] = [
        Self::Status500,
        Self::Status502,
        Self::Status503,
        Self::Status429,
        Self::Reset,
        Self::Truncate,
        Self::Delay,
        Self::CompressedTruncate,
    ];

    /// The default kinds: every known one but the opt-in last.
    pub(crate) const ALL: &'static [RandomKind] = Self::KNOWN.split_at(7).0;

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Status500 => "status_500",
            Self::Status502 => "status_502",
            Self::Status503 => "status_503",
            Self::Status429 => "status_429",
            Self::Reset => "reset",
            Self::Truncate => "truncate",
            Self::Delay => "delay",
            Self::CompressedTruncate => "compressed_truncate",
        }
    }

    pub(crate) fn parse(name: &str) -> Result<Self, FakeError> {
        Self::KNOWN
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::KNOWN.iter().map(|kind| kind.name()).collect();
                FakeError::new(format!(
                    "unknown random fault kind {name:?}; expected one of {}",
                    known.join(", ")
                ))
            })
    }

    pub(crate) fn parse_all(names: &[String]) -> Result<Vec<Self>, FakeError> {
        names.iter().map(|name| Self::parse(name)).collect()
    }
}

/// The random fault source: a rate, the kinds, and the seeded stream that decides.
#[derive(Debug, Clone)]
pub(crate) struct RandomFaults {
    rate: f64,
    kinds: Vec<RandomKind>,
    rng: Rng,
}

impl RandomFaults {
    pub(crate) fn new(rate: f64, seed: u64, kinds: Vec<RandomKind>) -> Self {
        Self {
            rate,
            kinds,
            rng: Rng::new(seed),
        }
    }

    /// Decides the fate of the next request. With a zero rate the stream is not consumed,
    /// so turning random faults on later still starts the sequence from its seed.
    pub(crate) fn next(&mut self) -> Option<(RandomKind, &mut Rng)> {
        if self.rate <= 0.0 || self.kinds.is_empty() || self.rng.unit() >= self.rate {
            return None;
        }
        let kind = self.rng.pick(&self.kinds);
        Some((kind, &mut self.rng))
    }
}
