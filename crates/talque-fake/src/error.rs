//! The one error type of the fake server's Rust API.

use std::fmt;

/// Why starting or steering a [`crate::FakeServer`] failed, as a human-readable message.
///
/// The message is the whole payload because every caller (tests, the Python bindings, the
/// binary) only ever shows it; there is no recovery that would need a machine-readable kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeError(String);

impl FakeError {
    /// Builds an error from anything that reads as a message.
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FakeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FakeError {}
