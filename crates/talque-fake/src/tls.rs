//! HTTPS: a rustls acceptor from the PEM files named in the config.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

use crate::config::FakeConfig;
use crate::error::FakeError;

/// The acceptor for `config.tls_cert_file` (a PEM chain, leaf first) and `tls_key_file` (a
/// PEM private key; when not given, the key is read from the certificate file); `None` when
/// TLS is off.
pub(crate) fn acceptor(config: &FakeConfig) -> Result<Option<TlsAcceptor>, FakeError> {
    let Some(cert_file) = config.tls_cert_file.as_deref() else {
        return Ok(None);
    };
    let key_file = config.tls_key_file.as_deref().unwrap_or(cert_file);
    let certs = CertificateDer::pem_file_iter(cert_file)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|err| {
            FakeError::new(format!("cannot read certificates from {cert_file}: {err}"))
        })?;
    if certs.is_empty() {
        return Err(FakeError::new(format!("no certificate in {cert_file}")));
    }
    let key = PrivateKeyDer::from_pem_file(key_file).map_err(|err| {
        FakeError::new(format!("cannot read a private key from {key_file}: {err}"))
    })?;
    // An explicit provider, so nothing depends on a process-wide default being installed.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|builder| builder.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|err| FakeError::new(format!("cannot use the TLS certificate: {err}")))?;
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(TlsAcceptor::from(Arc::new(server))))
}
