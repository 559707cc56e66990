//! Fault injection: scripted rules, seeded random faults, and the misbehaving bodies.

mod body;
mod encoded;
mod plan;
mod random;
mod rule;

pub(crate) use body::{Delivery, ReplyBody};
pub(crate) use encoded::{encode, gzip_bomb};
pub(crate) use plan::{Fault, FaultAction, FaultPlan};
pub(crate) use random::{RandomFaults, RandomKind};
pub use rule::{
    ContentEncoding, FaultEndpoint, FaultKind, FaultRule, DEFAULT_BOMB_BYTES, MAX_BOMB_BYTES,
};
