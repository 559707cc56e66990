//! A spec-faithful fake of the Talque Ticket JSON API, for tests, demos and benchmarks.
//!
//! [`FakeServer::start`] serves seeded, deterministic tickets over real HTTP on its own
//! thread, checks requests as the API does, logs them, and injects faults on demand.

mod accept;
mod api;
mod auth;
mod config;
mod control;
mod cursor;
mod data;
mod endpoint;
mod error;
mod faults;
mod handlers;
mod json;
mod link;
mod log;
mod reply;
mod rng;
mod server;
mod state;
mod tls;
mod validate;

pub use config::{
    FakeConfig, OrgSpec, EMPTY_ORG_ID, FORBIDDEN_ORG_ID, FORBIDDEN_ORG_TICKETS, MAIN_ORG_ID,
    MAX_TICKETS_PER_ORG, SMALL_ORG_ID, SMALL_ORG_TICKETS,
};
pub use error::FakeError;
pub use faults::{
    ContentEncoding, FaultEndpoint, FaultKind, FaultRule, DEFAULT_BOMB_BYTES, MAX_BOMB_BYTES,
};
pub use server::FakeServer;
pub use state::OrgInfo;
