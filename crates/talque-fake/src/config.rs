//! How a fake server is set up: the organisations, their data, credentials, limits and faults.

use serde::{Deserialize, Serialize};

use crate::error::FakeError;
use crate::faults::RandomKind;

/// The main demo organisation; it holds `FakeConfig::tickets` tickets.
pub const MAIN_ORG_ID: &str = "orgDemo0000000000001";
/// A small organisation with 25 tickets, handy for quick checks.
pub const SMALL_ORG_ID: &str = "orgSmall000000000001";
/// An organisation without any tickets.
pub const EMPTY_ORG_ID: &str = "orgEmpty000000000001";
/// An organisation that exists but that the configured client may not read (HTTP 403).
pub const FORBIDDEN_ORG_ID: &str = "orgForbidden00000001";

/// The ticket count of [`SMALL_ORG_ID`].
pub const SMALL_ORG_TICKETS: usize = 25;
/// The ticket count of [`FORBIDDEN_ORG_ID`].
pub const FORBIDDEN_ORG_TICKETS: usize = 10;

/// The most tickets one organisation may hold; it keeps memory use bounded and ids in range.
pub const MAX_TICKETS_PER_ORG: usize = 20_000_000;

/// Configuration of a [`crate::FakeServer`]; every field has a default, unknown keys are errors.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct FakeConfig {
    /// The address to bind.
    pub host: String,
    /// The port to bind; 0 picks a free one.
    pub port: u16,
    /// The seed of the generated tickets: the same seed gives byte-identical data.
    pub seed: u64,
    /// The number of tickets of the main demo organisation (unused when `orgs` is set).
    pub tickets: usize,
    /// The accepted `X-TQ-CLIENT-ID`.
    pub client_id: String,
    /// The accepted `X-TQ-SECRET`.
    pub secret: String,
    /// Milliseconds added to every API request.
    pub latency_ms: u64,
    /// Whether answers are compressed for requests whose `Accept-Encoding` allows it (gzip, br,
    /// zstd, deflate), as a production proxy does.
    pub compression: bool,
    /// A cap on the body bytes per second of each answer (each connection, under HTTP/1.1),
    /// after compression; 0 means no cap.
    pub bandwidth_bytes_per_sec: u64,
    /// The fraction of API requests that get a random fault.
    pub fault_rate: f64,
    /// The seed of the random fault sequence.
    pub fault_seed: u64,
    /// The kinds random faults are drawn from.
    pub fault_kinds: Vec<String>,
    /// The largest `limit` a list request may ask for.
    pub max_limit: u32,
    /// The most ids one read request may ask for.
    pub max_read_ids: usize,
    /// A JSONL file whose lines are, in order, the tickets of the main (first) organisation;
    /// a ticket's hidden profile is its `holder.extUserId`.
    pub tickets_file: Option<String>,
    /// A PEM file with the certificate chain (leaf first) to serve HTTPS with; plain HTTP
    /// when not given.
    pub tls_cert_file: Option<String>,
    /// A PEM file with the certificate's private key; when not given, the key is read from
    /// `tls_cert_file`.
    pub tls_key_file: Option<String>,
    /// The organisations to serve instead of the default set; the first one is the main one.
    pub orgs: Option<Vec<OrgSpec>>,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 0,
            seed: 0,
            tickets: 1000,
            client_id: "fake-client-id".to_owned(),
            secret: "fake-secret".to_owned(),
            latency_ms: 0,
            compression: true,
            bandwidth_bytes_per_sec: 0,
            fault_rate: 0.0,
            fault_seed: 0,
            fault_kinds: RandomKind::ALL
                .iter()
                .map(|kind| kind.name().to_owned())
                .collect(),
            max_limit: 1000,
            max_read_ids: 100,
            tickets_file: None,
            tls_cert_file: None,
            tls_key_file: None,
            orgs: None,
        }
    }
}

/// One organisation the fake serves.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OrgSpec {
    /// The organisation id, as clients send it in `orgId`.
    pub org_id: String,
    /// How many tickets to generate for it.
    pub tickets: usize,
    /// Whether the configured client is refused access (HTTP 403).
    #[serde(default)]
    pub forbidden: bool,
}

impl FakeConfig {
    /// The organisations to serve: the configured ones, or the default demo set.
    pub fn org_specs(&self) -> Vec<OrgSpec> {
        if let Some(orgs) = &self.orgs {
            return orgs.clone();
        }
        let spec = |org_id: &str, tickets, forbidden| OrgSpec {
            org_id: org_id.to_owned(),
            tickets,
            forbidden,
        };
        vec![
            spec(MAIN_ORG_ID, self.tickets, false),
            spec(SMALL_ORG_ID, SMALL_ORG_TICKETS, false),
            spec(EMPTY_ORG_ID, 0, false),
            spec(FORBIDDEN_ORG_ID, FORBIDDEN_ORG_TICKETS, true),
        ]
    }

    /// Checks everything that would otherwise fail later, while serving.
    pub(crate) fn validate(&self) -> Result<(), FakeError> {
        if self.host.is_empty() {
            return Err(FakeError::new("host must not be empty"));
        }
        if self.max_limit == 0 {
            return Err(FakeError::new("max_limit must be at least 1"));
        }
        if self.max_read_ids == 0 {
            return Err(FakeError::new("max_read_ids must be at least 1"));
        }
        validate_fault_rate(self.fault_rate)?;
        RandomKind::parse_all(&self.fault_kinds)?;
        let specs = self.org_specs();
        if specs.is_empty() {
            return Err(FakeError::new("orgs must hold at least one organisation"));
        }
        let mut seen = std::collections::HashSet::new();
        for spec in &specs {
            if spec.org_id.is_empty() {
                return Err(FakeError::new("org_id must not be empty"));
            }
            if !seen.insert(spec.org_id.as_str()) {
                return Err(FakeError::new(format!(
                    "duplicate org_id {:?}",
                    spec.org_id
                )));
            }
            if spec.tickets > MAX_TICKETS_PER_ORG {
                return Err(FakeError::new(format!(
                    "org {:?} asks for {} tickets, more than the {MAX_TICKETS_PER_ORG} allowed",
                    spec.org_id, spec.tickets
                )));
            }
        }
        Ok(())
    }
}

/// A fault rate must be a probability.
pub(crate) fn validate_fault_rate(rate: f64) -> Result<(), FakeError> {
    if (0.0..=1.0).contains(&rate) {
        Ok(())
    } else {
        Err(FakeError::new(format!(
            "fault_rate must be within 0.0..=1.0, got {rate}"
        )))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip() {
        let config = FakeConfig::default();
        config.validate().unwrap();
        let json = serde_json::to_string(&config).unwrap();
        assert_eq!(serde_json::from_str::<FakeConfig>(&json).unwrap(), config);
        assert_eq!(serde_json::from_str::<FakeConfig>("{}").unwrap(), config);
    }

    #[test]
    fn bad_values_are_rejected() {
        assert!(serde_json::from_str::<FakeConfig>(r#"{"nope": 1}"#).is_err());
        let bad = [
            FakeConfig {
                fault_rate: 1.5,
                ..FakeConfig::default()
            },
            FakeConfig {
                fault_rate: f64::NAN,
                ..FakeConfig::default()
            },
            FakeConfig {
                fault_kinds: vec!["boom".into()],
                ..FakeConfig::default()
            },
            FakeConfig {
                max_limit: 0,
                ..FakeConfig::default()
            },
            FakeConfig {
                orgs: Some(vec![]),
                ..FakeConfig::default()
            },
        ];
        for config in bad {
            assert!(config.validate().is_err(), "{config:?}");
        }
        let dup = OrgSpec {
            org_id: "a".into(),
            tickets: 1,
            forbidden: false,
        };
        let config = FakeConfig {
            orgs: Some(vec![dup.clone(), dup]),
            ..FakeConfig::default()
        };
        assert!(config.validate().is_err());
    }
}
