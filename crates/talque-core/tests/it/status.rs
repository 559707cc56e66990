//! Non-2xx answers: parsed into `Error::Status`, and never retried unless transient.

use talque_core::{Client, Error};

use crate::common::{config, list_request, Canned, Scripted, SECRET};

#[tokio::test]
async fn json_error_body_is_parsed() {
    let body = r#"{"success":false,"reason":"NOT_FOUND","reasonEnum":"X","message":"orgId does not exist"}"#;
    let server = Scripted::start(vec![Canned::json(404, body)]).await;
    let client = Client::new(config(&server.url)).unwrap();
    let error = client.list_page(&list_request(), None).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "HTTP 404 NOT_FOUND: orgId does not exist"
    );
    match error {
        Error::Status {
            status,
            body: text,
            reason,
            message,
        } => {
            assert_eq!(status, 404);
            assert_eq!(text, body);
            assert_eq!(reason.as_deref(), Some("NOT_FOUND"));
            assert_eq!(message.as_deref(), Some("orgId does not exist"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn non_json_error_body_is_kept_as_text() {
    let server = Scripted::start(vec![Canned::raw(401, "text/plain", b"denied \xff")]).await;
    let client = Client::new(config(&server.url)).unwrap();
    match client.list_page(&list_request(), None).await {
        Err(Error::Status {
            status: 401,
            body,
            reason: None,
            message: None,
        }) => assert_eq!(body, "denied \u{fffd}"),
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = Scripted::start(vec![Canned::json(status, "{}")]).await;
        let client = Client::new(config(&server.url)).unwrap();
        let error = client.list_page(&list_request(), None).await.unwrap_err();
        assert!(
            matches!(error, Error::Status { status: s, .. } if s == status),
            "{error:?}"
        );
        assert!(!error.to_string().contains(SECRET));
        assert_eq!(server.requests().len(), 1, "status {status}");
    }
}

#[tokio::test]
async fn large_error_bodies_are_truncated() {
    let body = "x".repeat(200_000);
    let server = Scripted::start(vec![Canned::raw(400, "text/plain", body.as_bytes())]).await;
    let client = Client::new(config(&server.url)).unwrap();
    match client.list_page(&list_request(), None).await {
        Err(Error::Status { body, .. }) => assert_eq!(body.len(), 64 * 1024),
        other => panic!("unexpected {other:?}"),
    }
}
