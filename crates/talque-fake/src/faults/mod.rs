//! Fault injection: scripted rules, seeded random faults, and the misbehaving bodies.

mod body;
mod plan;
mod random;
mod rule;

pub(crate) use body::{Delivery, ReplyBody};
pub(crate) use plan::{Fault, FaultAction, FaultPlan};
pub(crate) use random::{RandomFaults, RandomKind};
pub use rule::{FaultEndpoint, FaultKind, FaultRule};
