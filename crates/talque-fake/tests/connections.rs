//! Connections and TLS handshakes, as the server counts them: a listing over one kept-alive
//! connection, plain and over HTTPS, shows one connection and one handshake.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The throwaway CA recipe, shared with crates/talque-core's tests.
#[path = "../../test-support/ca.rs"]
mod ca;
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;

use ca::throwaway_ca;
use common::*;
use rustls::pki_types::ServerName;
use serde_json::{json, Value};
use talque_fake::{FakeConfig, FakeServer, SMALL_ORG_ID, SMALL_ORG_TICKETS};

/// A throwaway CA (PEM) and a leaf for 127.0.0.1 it signed, written to files in a fresh
/// directory: `(ca_pem, cert_file, key_file, combined_file)`.
fn certificates(name: &str) -> (String, String, String, String) {
    let ca = throwaway_ca();
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "talque-fake-tls-{name}-{}-{:?}",
        std::process::id(),
        std::time::SystemTime::now()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |file: &str, text: String| {
        let path = dir.join(file);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let cert = write("cert.pem", ca.leaf.pem());
    let key = write("key.pem", ca.leaf_key.serialize_pem());
    let both = write("both.pem", ca.leaf.pem() + &ca.leaf_key.serialize_pem());
    (ca.ca_pem, cert, key, both)
}

/// An HTTP/1.1 connection kept alive across requests, plain or TLS.
struct KeptAlive {
    stream: Box<dyn ReadWrite>,
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

impl KeptAlive {
    fn plain(url: &str) -> Self {
        let stream = TcpStream::connect(url.trim_start_matches("http://")).unwrap();
        Self {
            stream: Box::new(stream),
        }
    }

    fn tls(url: &str, ca_pem: &str) -> Self {
        let mut roots = rustls::RootCertStore::empty();
        let ca = rustls::pki_types::pem::PemObject::from_pem_slice(ca_pem.as_bytes()).unwrap();
        roots.add(ca).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from("127.0.0.1").unwrap();
        let connection = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
        let tcp = TcpStream::connect(url.trim_start_matches("https://")).unwrap();
        Self {
            stream: Box::new(rustls::StreamOwned::new(connection, tcp)),
        }
    }

    /// One list request; the answer is read by its `Content-Length`, leaving the connection
    /// open for the next.
    fn list(&mut self, body: &Value) -> Value {
        let body = serde_json::to_vec(body).unwrap();
        let head = format!(
            "POST {LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-TQ-CLIENT-ID: {CLIENT_ID}\r\nX-TQ-SECRET: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        self.stream.write_all(head.as_bytes()).unwrap();
        self.stream.write_all(&body).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            self.stream.read_exact(&mut byte).unwrap();
            head.push(byte[0]);
        }
        let head = String::from_utf8(head).unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let length: usize = head
            .lines()
            .find_map(|line| {
                line.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(|v| v.trim().to_owned())
            })
            .unwrap()
            .parse()
            .unwrap();
        let mut answer = vec![0u8; length];
        self.stream.read_exact(&mut answer).unwrap();
        serde_json::from_slice(&answer).unwrap()
    }

    /// Every ticket of the small org, five per page, on this one connection.
    fn list_small_org(&mut self) -> usize {
        let mut cursor = Value::Null;
        let mut tickets = 0;
        loop {
            let page = self.list(&json!({"orgId": SMALL_ORG_ID, "limit": 5, "cursor": cursor}));
            tickets += page["tickets"].as_array().unwrap().len();
            if page["more"] == false {
                return tickets;
            }
            cursor = page["cursor"].clone();
        }
    }
}

fn stats(server: &FakeServer) -> Value {
    serde_json::from_str(&server.stats_json()).unwrap()
}

fn connection_ids(server: &FakeServer) -> Vec<u64> {
    log(server)
        .iter()
        .map(|entry| entry["connection"].as_u64().unwrap())
        .collect()
}

#[test]
fn a_kept_alive_listing_is_one_connection() {
    let server = start_default();
    let mut connection = KeptAlive::plain(&server.url());
    assert_eq!(connection.list_small_org(), SMALL_ORG_TICKETS);
    let ids = connection_ids(&server);
    assert_eq!(ids.len(), SMALL_ORG_TICKETS / 5);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(stats(&server)["connections"], 1);
    assert_eq!(stats(&server)["tls_handshakes"], 0);
    // A request that closes its connection needs a new one next time.
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID}));
    api(&server, LIST, &json!({"orgId": SMALL_ORG_ID}));
    assert_eq!(stats(&server)["connections"], 3);
    let ids = connection_ids(&server);
    assert!(ids[ids.len() - 1] != ids[ids.len() - 2] && ids[ids.len() - 2] != ids[0]);
    server.clear_requests();
    assert_eq!(stats(&server)["connections"], 0);
}

#[test]
fn a_listing_over_tls_is_one_connection_and_one_handshake() {
    let (ca, cert, key, _) = certificates("listing");
    let server = start(FakeConfig {
        tls_cert_file: Some(cert),
        tls_key_file: Some(key),
        ..FakeConfig::default()
    });
    assert!(
        server.url().starts_with("https://127.0.0.1:"),
        "{}",
        server.url()
    );
    let mut connection = KeptAlive::tls(&server.url(), &ca);
    assert_eq!(connection.list_small_org(), SMALL_ORG_TICKETS);
    let ids = connection_ids(&server);
    assert_eq!(ids.len(), SMALL_ORG_TICKETS / 5);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let counted = stats(&server);
    assert_eq!(
        (
            &counted["connections"],
            &counted["tls_handshakes"],
            &counted["tls_failures"]
        ),
        (&json!(1), &json!(1), &json!(0))
    );
    // Plain HTTP to the TLS port is a failed handshake, and no API request.
    let reply = send(
        &server.url().replace("https://", "http://"),
        "POST",
        LIST,
        &auth_json(),
        b"{}",
    );
    assert_ne!(reply.status, 200);
    assert!(eventually(|| stats(&server)["tls_failures"] == 1));
    assert_eq!(stats(&server)["connections"], 2);
    assert_eq!(log(&server).len(), SMALL_ORG_TICKETS / 5);
}

#[test]
fn the_key_may_share_the_certificate_file_and_bad_files_fail_to_start() {
    let (ca, _, _, both) = certificates("combined");
    let server = start(FakeConfig {
        tls_cert_file: Some(both),
        ..FakeConfig::default()
    });
    let mut connection = KeptAlive::tls(&server.url(), &ca);
    assert_eq!(connection.list_small_org(), SMALL_ORG_TICKETS);
    let missing = FakeServer::start(FakeConfig {
        tls_cert_file: Some("/nonexistent/cert.pem".to_owned()),
        ..FakeConfig::default()
    })
    .unwrap_err();
    assert!(
        missing.to_string().contains("/nonexistent/cert.pem"),
        "{missing}"
    );
}
