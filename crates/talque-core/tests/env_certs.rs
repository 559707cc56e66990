//! The system roots follow `SSL_CERT_FILE`. This is its own test binary because it
//! changes the environment, which would race with tests running in parallel threads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The throwaway CA recipe that `it/tls_server.rs` uses.
#[path = "../../test-support/ca.rs"]
mod ca;
#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;
#[path = "it/tls_server.rs"]
mod tls_server;

use talque_core::{Client, Error};

#[tokio::test]
async fn ssl_cert_file_replaces_the_system_roots() {
    let (ca_pem, addr) = tls_server::tls_server().await;

    // Our CA as the only system root: trusted without `ca_bundle`.
    std::env::set_var(
        "SSL_CERT_FILE",
        tls_server::write_temp("env-ca.pem", &ca_pem),
    );
    std::env::remove_var("SSL_CERT_DIR");
    let client = Client::new(common::config(&format!("https://{addr}"))).unwrap();
    let request = talque_core::ListRequest {
        org_id: "org".into(),
        profile_id: None,
        limit: 10,
        cursor: None,
    };
    assert_eq!(
        client.list_page(&request, None).await.unwrap().ticket_count,
        1
    );

    // No system roots at all: an https client cannot verify anything and says so, while
    // a plain-http client (a local fake server) still works.
    std::env::set_var("SSL_CERT_FILE", tls_server::write_temp("env-empty.pem", ""));
    let error = Client::new(common::config("https://event.talque.com")).unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let server = common::Scripted::start(vec![common::Canned::json(
        200,
        &common::list_body(0, None, false),
    )])
    .await;
    let client = Client::new(common::config(&server.url)).unwrap();
    client.list_page(&request, None).await.unwrap();
}
