//! A throwaway certificate authority for the TLS tests of the workspace's crates.
//!
//! The crates do not depend on each other's tests, so each test crate includes this file
//! with `#[path = ".../test-support/ca.rs"] mod ca;` rather than through a dependency.

use rcgen::{BasicConstraints, Certificate, CertificateParams, IsCa, Issuer, KeyPair};

/// A freshly generated CA and a leaf certificate for `127.0.0.1` that it signed.
pub struct ThrowawayCa {
    /// The CA certificate, as PEM: what a client must trust.
    pub ca_pem: String,
    /// The leaf certificate a server presents.
    pub leaf: Certificate,
    /// The leaf's private key.
    pub leaf_key: KeyPair,
}

/// Generates a new CA and a `127.0.0.1` leaf signed by it.
pub fn throwaway_ca() -> ThrowawayCa {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    ThrowawayCa {
        ca_pem: ca_cert.pem(),
        leaf,
        leaf_key,
    }
}
