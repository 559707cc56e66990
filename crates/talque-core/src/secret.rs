//! The API secret, wrapped so that it cannot end up in a log line by accident.

use std::fmt;

/// The `X-TQ-SECRET` credential.
///
/// `Debug` and `Display` both print `***`, so a config or error that is logged or
/// printed in a traceback never reveals the value; only [`Secret::expose`] does, and the
/// client calls it in exactly one place, when it builds the request headers.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// Returns the secret value, for building the authentication header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value.to_owned())
    }
}
