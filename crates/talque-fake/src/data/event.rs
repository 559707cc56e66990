//! The event the generated tickets are for, so the data reads like a real one: sales in the
//! weeks before it, check-ins in its opening hours, a plausible mix of who comes.
//!
//! DemoCon 2025 runs Tuesday 16 to Thursday 18 September 2025 in Berlin, doors open 08:00 to
//! 18:00 local time (CEST, UTC+2). Times are drawn in UTC milliseconds.

use crate::rng::Rng;

pub(super) const HOUR_MS: u64 = 3_600_000;
pub(super) const DAY_MS: u64 = 24 * HOUR_MS;
/// 2025-09-16T00:00:00Z, the first event day.
pub(super) const FIRST_DAY_MS: u64 = 1_757_980_800_000;
/// The event days.
pub(super) const DAYS: u64 = 3;
/// 08:00 CEST.
pub(super) const OPENS_UTC_HOUR: u64 = 6;
/// How check-ins spread over the ten opening hours (08:00 to 18:00): the rush at the doors
/// in the first two hours, a bump after lunch, a trickle at the end.
const HOUR_WEIGHTS: [u64; 10] = [30, 22, 10, 6, 5, 9, 7, 5, 3, 3];
/// Sales open ten weeks before the event and close when the doors first open.
pub(super) const SALES_OPEN_MS: u64 = FIRST_DAY_MS - 70 * DAY_MS;
pub(super) const SALES_CLOSE_MS: u64 = FIRST_DAY_MS + OPENS_UTC_HOUR * HOUR_MS;
/// Tickets still change (a name, a check-in) until a week after the last day.
pub(super) const LAST_CHANGE_MS: u64 = FIRST_DAY_MS + (DAYS + 7) * DAY_MS;

/// When ticket `index` of `count` was bought. List order is purchase order, and sales pick up
/// towards the event: the share sold by a point of the sales period is the square of its
/// elapsed fraction (a quarter of the tickets in the first half), as ticket shops see it.
pub(super) fn ctime(index: usize, count: usize, rng: &mut Rng) -> u64 {
    let share = (index as f64 + rng.unit()) / count.max(1) as f64;
    let elapsed = share.clamp(0.0, 1.0).sqrt();
    let span = (SALES_CLOSE_MS - SALES_OPEN_MS) as f64;
    (SALES_OPEN_MS + (elapsed * span) as u64).min(SALES_CLOSE_MS - 1)
}

/// `days` check-ins on consecutive event days (at most [`DAYS`]), one per day, each at a time
/// within the opening hours, ascending.
pub(super) fn check_ins(days: u64, rng: &mut Rng) -> Vec<u64> {
    let days = days.min(DAYS);
    if days == 0 {
        return Vec::new();
    }
    let first = rng.below(DAYS - days + 1);
    (first..first + days)
        .map(|day| {
            let hour = rng.weighted(&HOUR_WEIGHTS) as u64;
            FIRST_DAY_MS + day * DAY_MS + (OPENS_UTC_HOUR + hour) * HOUR_MS + rng.below(HOUR_MS)
        })
        .collect()
}

/// When a ticket last changed: at its purchase for `unchanged` ones, else at some point up to
/// a week after the event; never before its last check-in, which changes the ticket too.
pub(super) fn mtime(ctime: u64, unchanged: bool, check_ins: &[u64], rng: &mut Rng) -> u64 {
    let edited = if unchanged {
        ctime
    } else {
        rng.range(ctime, LAST_CHANGE_MS)
    };
    check_ins.last().map_or(edited, |last| edited.max(*last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sales_come_before_the_event_and_pick_up_towards_it() {
        let mut rng = Rng::new(1);
        let count = 10_000;
        let times: Vec<u64> = (0..count).map(|i| ctime(i, count, &mut rng)).collect();
        assert!(times.windows(2).all(|pair| pair[0] <= pair[1]));
        assert!(times
            .iter()
            .all(|t| (SALES_OPEN_MS..SALES_CLOSE_MS).contains(t)));
        let middle = SALES_OPEN_MS + (SALES_CLOSE_MS - SALES_OPEN_MS) / 2;
        let early = times.iter().filter(|t| **t < middle).count();
        assert!((2_300..2_700).contains(&early), "{early}");
    }

    #[test]
    fn check_ins_fall_in_opening_hours_on_consecutive_days() {
        let mut rng = Rng::new(2);
        for days in 0..=4 {
            let stamps = check_ins(days, &mut rng);
            assert_eq!(stamps.len() as u64, days.min(DAYS));
            for pair in stamps.windows(2) {
                assert_eq!(pair[1] / DAY_MS, pair[0] / DAY_MS + 1);
            }
            for stamp in stamps {
                let hour = stamp % DAY_MS / HOUR_MS;
                assert!(
                    (OPENS_UTC_HOUR..OPENS_UTC_HOUR + 10).contains(&hour),
                    "{hour}"
                );
                assert!((FIRST_DAY_MS..FIRST_DAY_MS + DAYS * DAY_MS).contains(&stamp));
            }
        }
    }
}
