//! Redirects: followed on the same origin, never to another one with the credentials.

use talque_core::{Client, Error};

use crate::common::{config, list_body, list_request, Canned, Scripted, SECRET};

fn redirect_to(location: &str) -> Canned {
    Canned::raw(307, "text/plain", b"").with_header("location", location)
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_the_body() {
    let server = Scripted::start(vec![
        redirect_to("/moved"),
        Canned::json(200, &list_body(1, None, false)),
    ])
    .await;
    let client = Client::new(config(&server.url)).unwrap();
    client.list_page(&list_request(), None).await.unwrap();
    let seen = server.requests();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, "/moved");
    assert_eq!(seen[1].method, "POST");
    assert_eq!(seen[1].header("x-tq-secret"), Some(SECRET));
    assert_eq!(seen[1].json()["orgId"], "org");
}

#[tokio::test]
async fn cross_origin_redirects_stop_without_sending_credentials() {
    let other = Scripted::start(vec![Canned::json(200, &list_body(1, None, false))]).await;
    // 127.0.0.1 and localhost, or two ports, are different origins.
    let targets = [
        format!("{}/api/v1/ticket/list", other.url),
        format!("http://localhost:{}/api/v1/ticket/list", other.addr.port()),
    ];
    for target in targets {
        let server = Scripted::start(vec![redirect_to(&target)]).await;
        let client = Client::new(config(&server.url)).unwrap();
        let error = client.list_page(&list_request(), None).await.unwrap_err();
        assert!(
            matches!(error, Error::Status { status: 307, .. }),
            "{error:?}"
        );
        assert_eq!(server.requests().len(), 1);
    }
    assert!(other.requests().is_empty());
}

#[tokio::test]
async fn redirect_loops_stop() {
    let server = Scripted::start(vec![redirect_to("/loop")]).await;
    let client = Client::new(config(&server.url)).unwrap();
    let error = client.list_page(&list_request(), None).await.unwrap_err();
    assert!(
        matches!(error, Error::Status { status: 307, .. }),
        "{error:?}"
    );
    // The original request plus five followed hops.
    assert_eq!(server.requests().len(), 6);
}
