//! TLS setup: rustls with the `ring` provider, the platform's roots, and optional extra
//! roots from a PEM bundle.

use std::path::Path;

use reqwest::{Certificate, ClientBuilder};

use crate::error::Error;

/// Which roots the client trusts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Roots {
    /// The system's roots (which honour `SSL_CERT_FILE`/`SSL_CERT_DIR` on Linux) plus
    /// the configured bundle: the normal case.
    Platform,
    /// Only the configured bundle. Used for plain-HTTP base URLs on machines without any
    /// system roots, where the platform verifier refuses to build although no TLS
    /// connection will ever be made.
    BundleOnly,
}

/// Makes `ring` the process-wide rustls provider, which reqwest's `rustls-no-provider`
/// build requires before any client is built.
///
/// An already installed provider (ours from an earlier client, or another library's)
/// is kept: any of them verifies certificates correctly, and replacing one is not
/// possible anyway.
fn install_ring_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Applies the TLS settings to a client builder.
pub(crate) fn configure(
    builder: ClientBuilder,
    extra_roots: Vec<Certificate>,
    roots: Roots,
) -> ClientBuilder {
    install_ring_provider();
    let builder = builder.tls_backend_rustls();
    match roots {
        Roots::Platform if extra_roots.is_empty() => builder,
        Roots::Platform => builder.tls_certs_merge(extra_roots),
        Roots::BundleOnly => builder.tls_certs_only(extra_roots),
    }
}

/// Reads the extra root certificates of `ca_bundle`, if one is configured.
pub(crate) fn load_bundle(path: Option<&Path>) -> Result<Vec<Certificate>, Error> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let pem = std::fs::read(path)
        .map_err(|err| Error::Config(format!("cannot read ca_bundle {}: {err}", path.display())))?;
    let certs = Certificate::from_pem_bundle(&pem).map_err(|err| {
        Error::Config(format!(
            "ca_bundle {} is not a PEM bundle: {err}",
            path.display()
        ))
    })?;
    // An empty bundle is almost certainly the wrong file, and silently trusting only the
    // system roots would hide that.
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "ca_bundle {} contains no certificates",
            path.display()
        )));
    }
    Ok(certs)
}
