//! Proxies come from `HTTP_PROXY`/`HTTPS_PROXY`/`NO_PROXY`, as with curl. This is its own
//! test binary because it changes the environment, which would race with tests running
//! in parallel threads.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "it/common.rs"]
#[allow(dead_code)]
mod common;

use common::{config, list_body, Canned, Scripted};
use talque_core::{Client, ListRequest};

#[tokio::test]
async fn proxy_environment_variables_are_honoured() {
    let reply = Canned::json(200, &list_body(1, None, false));
    let proxy = Scripted::start(vec![reply.clone()]).await;
    let target = Scripted::start(vec![reply]).await;
    let request = ListRequest {
        org_id: "org".into(),
        profile_id: None,
        limit: 10,
        cursor: None,
    };
    for name in [
        "NO_PROXY",
        "no_proxy",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ] {
        std::env::remove_var(name);
    }

    std::env::set_var("HTTP_PROXY", &proxy.url);
    let client = Client::new(config(&target.url)).unwrap();
    client.list_page(&request, None).await.unwrap();
    assert_eq!(proxy.requests().len(), 1);
    assert!(target.requests().is_empty());

    std::env::set_var("NO_PROXY", "127.0.0.1");
    let client = Client::new(config(&target.url)).unwrap();
    client.list_page(&request, None).await.unwrap();
    assert_eq!(proxy.requests().len(), 1);
    assert_eq!(target.requests().len(), 1);
}
