//! Integration tests of the core client against tiny local servers.

// A failing test should stop loudly; the no-panic rule is for library code.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The throwaway CA recipe, shared with crates/talque-fake's tests.
#[path = "../../../test-support/ca.rs"]
mod ca;
mod common;

mod cancel;
mod compression;
mod pagination;
mod read;
mod redirect;
mod request;
mod retry;
mod status;
mod timeout;
mod tls;
mod tls_server;
mod validation;
