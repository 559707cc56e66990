//! The per-organisation generator: seeds, pools, and the decisions made about each ticket
//! before its fields are drawn (add-on or not, provider, profile).
//!
//! Every decision about ticket `i` is a pure function of `(seed, org, i)`: an add-on finds
//! its main ticket by replaying that ticket's first draws, not by looking at generated state.
//! That keeps generation parallel and the data independent of the thread count.

use crate::data::ids::{permute32, push_alnum, push_base36, unique_id};
use crate::rng::{fnv1a, mix, Rng};

/// No add-on refers further back than this many tickets, like add-ons bought with an order.
const ADDON_WINDOW: u64 = 50;
/// The index of the first add-on, fixed so small organisations have one.
const FIRST_ADDON: usize = 3;
/// Below this index, tickets get their own profile (and so their own holder variant).
const FIXED_PROFILES: usize = 16;

/// Stream tags that keep the random streams of different purposes apart.
const TAG_TICKET: u64 = 1;
const TAG_ORG_TICKET_ID: u64 = 2;
pub(super) const TAG_PROFILE: u64 = 3;
const TAG_POOLS: u64 = 4;
pub(super) const TAG_PURCHASER: u64 = 5;
const TAG_KEYS: u64 = 6;

/// What is decided about a ticket before its fields are drawn.
pub(super) struct Decision {
    /// The ticket's own random stream, positioned after the decisions.
    pub(super) rng: Rng,
    pub(super) main: Option<usize>,
    pub(super) provider: u8,
    pub(super) profile: u32,
}

/// A variant index: the index itself for the first tickets, then a weighted draw.
pub(super) fn variant(rng: &mut Rng, index: usize, weights: &[u64]) -> usize {
    if index < weights.len() {
        index
    } else {
        rng.weighted(weights)
    }
}

/// What was decided about a ticket before it is written.
pub(super) struct TicketPlan<'a> {
    pub(super) index: usize,
    pub(super) main: Option<usize>,
    pub(super) provider: &'a str,
    pub(super) profile: u32,
}

/// The per-organisation parts of generation: seeds, pools and sizes.
pub(super) struct Generator {
    org_seed: u64,
    pub(super) count: usize,
    pub(super) profile_count: u64,
    pub(super) events: Vec<(String, String)>,
    pub(super) vendors: Vec<(String, String)>,
    keys: [u64; 4],
}

impl Generator {
    pub(super) fn new(seed: u64, org_id: &str, count: usize) -> Self {
        let org_seed = mix(seed, fnv1a(org_id.as_bytes()));
        let mut pools = Rng::new(mix(org_seed, TAG_POOLS));
        let mut pool = |prefix: &str, size: usize, ext: &dyn Fn(usize) -> String| {
            (0..size)
                .map(|n| {
                    let mut id = prefix.to_owned();
                    push_alnum(&mut id, &mut pools, 20 - prefix.len());
                    (id, ext(n))
                })
                .collect::<Vec<_>>()
        };
        let events = pool("evt", 8, &|n| format!("democon-2025-{}", n + 1));
        let vendors = pool("vnd", 6, &|n| format!("ext-vendor-{}", 100 + n));
        let mut keys = Rng::new(mix(org_seed, TAG_KEYS));
        Self {
            org_seed,
            count,
            profile_count: (count as u64 / 3).max(1),
            events,
            vendors,
            keys: [
                keys.next_u64(),
                keys.next_u64(),
                keys.next_u64(),
                keys.next_u64(),
            ],
        }
    }

    pub(super) fn seed(&self, tag: u64) -> u64 {
        mix(self.org_seed, tag)
    }

    /// The first draws of a ticket's stream: for an add-on, the earlier ticket it hangs off.
    fn addon_candidate(&self, index: usize, rng: &mut Rng) -> Option<usize> {
        let is_addon = match index {
            0 => false,
            FIRST_ADDON => true,
            _ if index < FIRST_ADDON => false,
            _ => rng.percent(10),
        };
        if !is_addon {
            return None;
        }
        let back = 1 + rng.below((index as u64).min(ADDON_WINDOW)) as usize;
        Some(index.saturating_sub(back))
    }

    /// The ticket that `index` ultimately hangs off: itself when it is not an add-on. An
    /// add-on whose candidate is an add-on hangs off that one's main, never off an add-on.
    fn main_of(&self, mut index: usize) -> usize {
        loop {
            let mut rng = Rng::for_item(self.seed(TAG_TICKET), index as u64);
            match self.addon_candidate(index, &mut rng) {
                Some(candidate) if candidate < index => index = candidate,
                _ => return index,
            }
        }
    }

    /// Provider and profile of a ticket that is not an add-on, drawn after the add-on draws.
    fn own_draws(&self, index: usize, rng: &mut Rng) -> (u8, u32) {
        let provider = variant(rng, index, &[45, 30, 25]) as u8;
        (provider, self.profile_for(index, rng))
    }

    /// Everything decided about ticket `index` before its fields; add-ons take the provider
    /// and profile of their main ticket.
    pub(super) fn decide(&self, index: usize) -> Decision {
        let mut rng = Rng::for_item(self.seed(TAG_TICKET), index as u64);
        match self.addon_candidate(index, &mut rng) {
            None => {
                let (provider, profile) = self.own_draws(index, &mut rng);
                Decision {
                    rng,
                    main: None,
                    provider,
                    profile,
                }
            }
            Some(candidate) => {
                let main = self.main_of(candidate);
                let mut main_rng = Rng::for_item(self.seed(TAG_TICKET), main as u64);
                let _ = self.addon_candidate(main, &mut main_rng);
                let (provider, profile) = self.own_draws(main, &mut main_rng);
                Decision {
                    rng,
                    main: Some(main),
                    provider,
                    profile,
                }
            }
        }
    }

    /// The (generator-numbered) profile of a ticket that is not an add-on.
    fn profile_for(&self, index: usize, rng: &mut Rng) -> u32 {
        if index < FIXED_PROFILES && (index as u64) < self.profile_count {
            index as u32
        } else {
            rng.below(self.profile_count) as u32
        }
    }

    /// The hidden profile id of a generator-numbered profile: "prof" and 16 alphanumerics.
    pub(super) fn profile_id(&self, profile: u32) -> String {
        let mut rng = Rng::for_item(self.seed(TAG_PROFILE), u64::from(profile));
        unique_id("prof", &mut rng, u64::from(profile), self.keys[0])
    }

    /// The `orgTicketId` of a ticket, derivable from its index alone so add-ons can name it.
    pub(super) fn org_ticket_id(&self, index: usize) -> String {
        let mut rng = Rng::for_item(self.seed(TAG_ORG_TICKET_ID), index as u64);
        unique_id("", &mut rng, index as u64, self.keys[1])
    }

    /// The provider-specific ticket id and external order id, in each provider's style.
    pub(super) fn provider_ids(
        &self,
        plan: &TicketPlan<'_>,
        rng: &mut Rng,
    ) -> (String, Option<String>) {
        let unique = permute32(plan.index as u32, self.keys[2]);
        match plan.provider {
            "pretix" => {
                let mut order = String::new();
                push_base36(&mut order, u64::from(unique), 7);
                (format!("{order}-{}", rng.range(1, 3)), Some(order))
            }
            "eventbrite" => (
                (10_000_000_000 + u64::from(unique)).to_string(),
                Some(rng.range(5_000_000_000, 5_999_999_999).to_string()),
            ),
            _ => (unique_id("tkt", rng, plan.index as u64, self.keys[3]), None),
        }
    }
}
