//! Deterministic ticket generation: the same seed and organisation give byte-identical data.
//!
//! Each ticket draws from its own random stream (seed, organisation, index), so a change to
//! one field's generation does not reshuffle every ticket after it, and contiguous ranges of
//! tickets can be generated on several threads into separate buffers.

use std::ops::Range;

use crate::data::generator::{Decision, Generator, TicketPlan};
use crate::data::org::{OrgBuilder, OrgData, SegmentBuilder};
use crate::data::pools::PROVIDERS;

/// Roughly how many bytes one ticket takes, to size each buffer once.
const BYTES_PER_TICKET: usize = 900;
/// Below this many tickets, generation stays on the calling thread.
const PARALLEL_THRESHOLD: usize = 20_000;
/// The most threads generation uses.
const MAX_THREADS: usize = 8;

/// Generates the tickets of one organisation.
///
/// Every decision about ticket `i` is a pure function of `(seed, org, i)`, so contiguous
/// ranges of tickets are generated on several threads into separate buffers, and the result
/// does not depend on the number of threads.
pub(crate) fn generate_org(seed: u64, org_id: &str, count: usize, forbidden: bool) -> OrgData {
    let threads = if count < PARALLEL_THRESHOLD {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
    };
    generate_with_threads(seed, org_id, count, forbidden, threads)
}

fn generate_with_threads(
    seed: u64,
    org_id: &str,
    count: usize,
    forbidden: bool,
    threads: usize,
) -> OrgData {
    let generator = Generator::new(seed, org_id, count);
    let threads = threads.max(1);
    let per_thread = count.div_ceil(threads).max(1);
    let ranges: Vec<Range<usize>> = (0..count)
        .step_by(per_thread)
        .map(|start| start..(start + per_thread).min(count))
        .collect();
    let mut org = OrgBuilder::default();
    // Dense profile numbers are handed out in list order, which only this merge knows.
    let mut slots: Vec<Option<u32>> = vec![None; generator.profile_count as usize];
    for (segment, profiles) in generate_ranges(&generator, ranges) {
        let first = org.count();
        for (local, profile) in profiles.into_iter().enumerate() {
            let slot = match slots.get(profile as usize).copied().flatten() {
                Some(slot) => slot,
                None => {
                    let slot = org.profile_slot(&generator.profile_id(profile));
                    if let Some(entry) = slots.get_mut(profile as usize) {
                        *entry = Some(slot);
                    }
                    slot
                }
            };
            org.assign_profile(first + local, slot);
        }
        org.add_segment(segment);
    }
    org.finish(org_id.to_owned(), forbidden)
}

/// Generates each range into its own segment, on its own thread when there are several.
fn generate_ranges(
    generator: &Generator,
    ranges: Vec<Range<usize>>,
) -> Vec<(SegmentBuilder, Vec<u32>)> {
    if ranges.len() <= 1 {
        return ranges
            .into_iter()
            .map(|range| generate_range(generator, range))
            .collect();
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|range| {
                let range = range.clone();
                std::thread::Builder::new()
                    .name("talque-fake-generate".to_owned())
                    .spawn_scoped(scope, move || generate_range(generator, range))
            })
            .collect();
        handles
            .into_iter()
            .zip(ranges)
            .map(|(handle, range)| match handle.map(|handle| handle.join()) {
                Ok(Ok(generated)) => generated,
                // A thread that could not start (or failed) is made up for on this one.
                _ => generate_range(generator, range),
            })
            .collect()
    })
}

/// The tickets of one range, and each one's (generator-numbered) profile.
fn generate_range(generator: &Generator, range: Range<usize>) -> (SegmentBuilder, Vec<u32>) {
    let mut segment = SegmentBuilder::with_capacity(range.len(), BYTES_PER_TICKET);
    let mut profiles = Vec::with_capacity(range.len());
    for index in range {
        let Decision {
            mut rng,
            main,
            provider,
            profile,
        } = generator.decide(index);
        let provider = PROVIDERS
            .get(usize::from(provider))
            .copied()
            .unwrap_or("talque");
        let plan = TicketPlan {
            index,
            main,
            provider,
            profile,
        };
        let ticket_id = generator.write_ticket(segment.begin_ticket(), &plan, &mut rng);
        segment.end_ticket(Some((provider, &ticket_id)));
        profiles.push(profile);
    }
    (segment, profiles)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn every_ticket_is_valid_json_and_ids_are_unique() {
        let org = generate_org(7, "orgX", 500, false);
        let mut ids = std::collections::HashSet::new();
        for index in 0..org.count() {
            let ticket: serde_json::Value =
                serde_json::from_slice(&org.ticket(index).unwrap()).unwrap();
            let otid = ticket["orgTicketId"].as_str().unwrap().to_owned();
            assert_eq!(otid.len(), 20);
            assert!(ids.insert(otid));
            let provider = ticket["provider"].as_str().unwrap();
            let ticket_id = ticket["ticketId"].as_str().unwrap();
            assert!(org.find(provider, ticket_id).is_some());
        }
    }

    #[test]
    fn the_thread_count_does_not_change_the_data() {
        let one = generate_with_threads(5, "orgX", 3000, false, 1);
        let three = generate_with_threads(5, "orgX", 3000, false, 3);
        assert_eq!(
            one.selection(None).to_json_array(),
            three.selection(None).to_json_array()
        );
        assert_eq!(one.profile_ids(), three.profile_ids());
        let profile = one.profile_ids()[7].clone();
        assert_eq!(
            one.selection(Some(&profile)).to_json_array(),
            three.selection(Some(&profile)).to_json_array()
        );
    }

    #[test]
    fn generation_is_deterministic() {
        let a = generate_org(1, "orgX", 100, false)
            .selection(None)
            .to_json_array();
        let b = generate_org(1, "orgX", 100, false)
            .selection(None)
            .to_json_array();
        let c = generate_org(2, "orgX", 100, false)
            .selection(None)
            .to_json_array();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
