//! A TLS test server with a throwaway CA, shared by the TLS tests.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio_rustls::rustls;

use crate::ca::throwaway_ca;
use crate::common::{list_body, read_request_tls};

/// A throwaway CA (as PEM) and a TLS server on 127.0.0.1 with a leaf it signed.
pub async fn tls_server() -> (String, SocketAddr) {
    let ca = throwaway_ca();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![ca.leaf.der().clone()],
            rustls::pki_types::PrivateKeyDer::try_from(ca.leaf_key.serialize_der()).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server_config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut stream) = acceptor.accept(stream).await else {
                    return;
                };
                read_request_tls(&mut stream).await;
                let body = list_body(1, None, false);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (ca.ca_pem, addr)
}

pub fn write_temp(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!("talque-core-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}
