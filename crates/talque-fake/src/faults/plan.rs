//! Deciding, per request, which fault (if any) it suffers.

use std::collections::VecDeque;
use std::time::Duration;

use axum::http::StatusCode;

use crate::endpoint::Endpoint;
use crate::faults::random::{RandomFaults, RandomKind};
use crate::faults::rule::{
    ContentEncoding, FaultEndpoint, FaultKind, FaultRule, DEFAULT_BOMB_BYTES, MAX_BOMB_BYTES,
};

/// The longest random `delay`, chosen to exceed the short timeouts tests give clients.
const MAX_RANDOM_DELAY_MS: u64 = 3000;

/// A fault chosen for one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    /// The name shown in the request log and the stats.
    pub(crate) name: &'static str,
    pub(crate) action: FaultAction,
}

/// What the server does instead of (or on top of) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FaultAction {
    Status {
        status: StatusCode,
        retry_after: Option<String>,
        body: Option<String>,
    },
    Delay(Duration),
    Reset,
    Truncate,
    NotJson(Option<String>),
    BadJson(Option<String>),
    RepeatCursor,
    MoreWithoutCursor,
    Stall,
    Trickle(Duration),
    CompressedTruncate(ContentEncoding),
    LyingEncoding {
        encoding: ContentEncoding,
        body: Option<String>,
    },
    GzipBomb(u64),
}

/// The scripted rules, consumed in order, and the random fault source behind them.
#[derive(Debug)]
pub(crate) struct FaultPlan {
    scripted: VecDeque<FaultRule>,
    random: RandomFaults,
}

impl FaultPlan {
    pub(crate) fn new(random: RandomFaults) -> Self {
        Self {
            scripted: VecDeque::new(),
            random,
        }
    }

    pub(crate) fn push(&mut self, rules: Vec<FaultRule>) {
        self.scripted
            .extend(rules.into_iter().filter(|rule| rule.times > 0));
    }

    pub(crate) fn clear(&mut self) {
        self.scripted.clear();
    }

    pub(crate) fn set_random(&mut self, random: RandomFaults) {
        self.random = random;
    }

    /// The fault for the next request to `endpoint`. Scripted rules come first; a request a
    /// rule lets pass (its `skip`) may still meet a random fault.
    pub(crate) fn next(&mut self, endpoint: Endpoint) -> Option<Fault> {
        if let Some(position) = self
            .scripted
            .iter()
            .position(|rule| applies(rule, endpoint))
        {
            if let Some(rule) = self.scripted.get_mut(position) {
                if rule.skip > 0 {
                    rule.skip -= 1;
                } else {
                    rule.times = rule.times.saturating_sub(1);
                    let fault = scripted_fault(rule);
                    if rule.times == 0 {
                        self.scripted.remove(position);
                    }
                    return Some(fault);
                }
            }
        }
        let (kind, rng) = self.random.next()?;
        let action = match kind {
            RandomKind::Status500 => status(StatusCode::INTERNAL_SERVER_ERROR, None),
            RandomKind::Status502 => status(StatusCode::BAD_GATEWAY, None),
            RandomKind::Status503 => status(StatusCode::SERVICE_UNAVAILABLE, None),
            RandomKind::Status429 => {
                let retry_after = if rng.percent(50) { "0" } else { "1" };
                status(StatusCode::TOO_MANY_REQUESTS, Some(retry_after.to_owned()))
            }
            RandomKind::Reset => FaultAction::Reset,
            RandomKind::Truncate => FaultAction::Truncate,
            RandomKind::Delay => {
                FaultAction::Delay(Duration::from_millis(rng.range(0, MAX_RANDOM_DELAY_MS)))
            }
        };
        Some(Fault {
            name: kind.name(),
            action,
        })
    }
}

fn status(status: StatusCode, retry_after: Option<String>) -> FaultAction {
    FaultAction::Status {
        status,
        retry_after,
        body: None,
    }
}

/// Whether a rule can strike a request to `endpoint`; list-only kinds never hit reads.
fn applies(rule: &FaultRule, endpoint: Endpoint) -> bool {
    let endpoint_matches = match rule.endpoint {
        FaultEndpoint::Any => true,
        FaultEndpoint::List => endpoint == Endpoint::List,
        FaultEndpoint::Read => endpoint == Endpoint::Read,
    };
    endpoint_matches && !(rule.kind.list_only() && endpoint != Endpoint::List)
}

fn scripted_fault(rule: &FaultRule) -> Fault {
    let delay = Duration::from_millis(rule.delay_ms);
    let action = match rule.kind {
        FaultKind::Status => FaultAction::Status {
            // A final answer needs a status from 200 to 599; anything else becomes a 500.
            status: rule
                .status
                .filter(|code| (200..=599).contains(code))
                .and_then(|code| StatusCode::from_u16(code).ok())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            retry_after: rule.retry_after.clone(),
            body: rule.body.clone(),
        },
        FaultKind::Delay => FaultAction::Delay(delay),
        FaultKind::Reset => FaultAction::Reset,
        FaultKind::Truncate => FaultAction::Truncate,
        FaultKind::NotJson => FaultAction::NotJson(rule.body.clone()),
        FaultKind::BadJson => FaultAction::BadJson(rule.body.clone()),
        FaultKind::RepeatCursor => FaultAction::RepeatCursor,
        FaultKind::MoreWithoutCursor => FaultAction::MoreWithoutCursor,
        FaultKind::Stall => FaultAction::Stall,
        FaultKind::Trickle => FaultAction::Trickle(delay),
        FaultKind::CompressedTruncate => {
            FaultAction::CompressedTruncate(rule.encoding.unwrap_or_default())
        }
        FaultKind::LyingEncoding => FaultAction::LyingEncoding {
            encoding: rule.encoding.unwrap_or_default(),
            body: rule.body.clone(),
        },
        FaultKind::GzipBomb => FaultAction::GzipBomb(
            rule.inflated_bytes
                .unwrap_or(DEFAULT_BOMB_BYTES)
                .min(MAX_BOMB_BYTES),
        ),
    };
    Fault {
        name: rule.kind.name(),
        action,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn plan() -> FaultPlan {
        FaultPlan::new(RandomFaults::new(0.0, 0, RandomKind::ALL.to_vec()))
    }

    fn names(plan: &mut FaultPlan, endpoints: &[Endpoint]) -> Vec<Option<&'static str>> {
        endpoints
            .iter()
            .map(|e| plan.next(*e).map(|fault| fault.name))
            .collect()
    }

    #[test]
    fn rules_are_consumed_in_order_with_skip_and_times() {
        let mut plan = plan();
        plan.push(vec![
            FaultRule::status(503).skip(1).times(2),
            FaultRule::new(FaultKind::Reset),
            FaultRule::new(FaultKind::Stall).times(0),
        ]);
        let seen = names(&mut plan, &[Endpoint::List; 5]);
        assert_eq!(
            seen,
            vec![None, Some("status"), Some("status"), Some("reset"), None]
        );
    }

    #[test]
    fn endpoints_and_list_only_kinds_are_respected() {
        let mut plan = plan();
        plan.push(vec![
            FaultRule::new(FaultKind::RepeatCursor),
            FaultRule::new(FaultKind::NotJson).on(FaultEndpoint::Read),
        ]);
        let seen = names(&mut plan, &[Endpoint::Read, Endpoint::List, Endpoint::List]);
        assert_eq!(seen, vec![Some("not_json"), Some("repeat_cursor"), None]);
    }

    #[test]
    fn random_faults_follow_the_seed() {
        let run = |seed| {
            let mut plan = FaultPlan::new(RandomFaults::new(0.5, seed, RandomKind::ALL.to_vec()));
            names(&mut plan, &[Endpoint::List; 64])
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
        let hits = run(3).iter().filter(|name| name.is_some()).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }
}
