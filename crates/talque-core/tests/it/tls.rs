//! TLS: certificates are verified, and `ca_bundle` adds trusted roots.

use std::path::PathBuf;

use talque_core::{Client, Error};

use crate::common::list_request;
use crate::tls_server::{tls_server, write_temp};

#[tokio::test]
async fn unknown_certificates_are_rejected_and_ca_bundle_trusts_them() {
    let (ca_pem, addr) = tls_server().await;
    let mut settings = crate::common::config(&format!("https://{addr}"));
    settings.max_retries = 0;
    let client = Client::new(settings.clone()).unwrap();
    match client.list_page(&list_request(), None).await {
        Err(Error::Connection(message)) => {
            assert!(message.to_lowercase().contains("certificate"), "{message}")
        }
        other => panic!("expected a certificate error, got {other:?}"),
    }

    settings.ca_bundle = Some(write_temp("ca.pem", &ca_pem));
    let client = Client::new(settings).unwrap();
    let page = client.list_page(&list_request(), None).await.unwrap();
    assert_eq!(page.ticket_count, 1);
}

#[test]
fn bad_ca_bundles_are_config_errors() {
    let mut settings = crate::common::config("https://event.talque.com");
    settings.ca_bundle = Some(PathBuf::from("/nonexistent/talque-ca.pem"));
    assert!(matches!(
        Client::new(settings.clone()),
        Err(Error::Config(_))
    ));
    settings.ca_bundle = Some(write_temp("empty.pem", "not a certificate\n"));
    assert!(matches!(Client::new(settings), Err(Error::Config(_))));
}
