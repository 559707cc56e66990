//! Checks of 200 bodies: content type, JSON syntax, shape, UTF-8 and size.

use futures::stream;
use talque_core::{Client, Error};

use crate::common::{config, list_body, list_request, serve, Canned, Scripted};

async fn list_with(reply: Canned) -> Result<talque_core::ListPage, Error> {
    let server = Scripted::start(vec![reply]).await;
    let client = Client::new(config(&server.url)).unwrap();
    let result = client.list_page(&list_request(), None).await;
    // A malformed 200 is never retried: it would only come back the same.
    assert_eq!(server.requests().len(), 1);
    result
}

fn invalid_message(result: Result<talque_core::ListPage, Error>) -> String {
    match result {
        Err(Error::InvalidResponse(message)) => message,
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn accepts_json_with_parameters_and_keeps_exact_bytes() {
    let body = list_body(3, Some("next"), true);
    let page = list_with(Canned::raw(
        200,
        "Application/JSON ; charset=UTF-8",
        body.as_bytes(),
    ))
    .await
    .unwrap();
    assert_eq!(page.body, body.as_bytes());
    assert_eq!(page.ticket_count, 3);
    assert_eq!(page.cursor.as_deref(), Some("next"));
    assert!(page.more);
}

#[tokio::test]
async fn rejects_other_content_types() {
    let body = list_body(1, None, false);
    let message = invalid_message(list_with(Canned::raw(200, "text/html", body.as_bytes())).await);
    assert!(message.contains("text/html"), "{message}");
    let mut missing = Canned::raw(200, "x", body.as_bytes());
    missing.headers.clear();
    let message = invalid_message(list_with(missing).await);
    assert!(message.contains("no Content-Type"), "{message}");
}

#[tokio::test]
async fn rejects_wrong_shapes() {
    let cases = [
        ("not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[]", "documented shape"),
        (
            r#"{"orgId":"o","tickets":[],"cursor":null}"#,
            "missing field `more`",
        ),
        (
            r#"{"tickets":[],"cursor":null,"more":false}"#,
            "missing field `orgId`",
        ),
        (
            r#"{"orgId":"o","tickets":[],"more":false}"#,
            "missing field `cursor`",
        ),
        (
            r#"{"orgId":"o","cursor":null,"more":false}"#,
            "missing field `tickets`",
        ),
        (
            r#"{"orgId":1,"tickets":[],"cursor":null,"more":false}"#,
            "documented shape",
        ),
        (
            r#"{"orgId":"o","tickets":{},"cursor":null,"more":false}"#,
            "documented shape",
        ),
        (
            r#"{"orgId":"o","tickets":[1],"cursor":null,"more":false}"#,
            "documented shape",
        ),
        (
            r#"{"orgId":"o","tickets":[],"cursor":5,"more":false}"#,
            "documented shape",
        ),
        (
            r#"{"orgId":"o","tickets":[],"cursor":null,"more":"yes"}"#,
            "documented shape",
        ),
        (
            r#"{"orgId":"o","tickets":[],"cursor":null,"more":false} x"#,
            "not valid JSON",
        ),
    ];
    for (body, expected) in cases {
        let message = invalid_message(list_with(Canned::json(200, body)).await);
        assert!(message.contains(expected), "{body}: {message}");
        assert!(message.starts_with("list response"), "{message}");
    }
}

#[tokio::test]
async fn rejects_invalid_utf8() {
    let mut body = list_body(1, None, false).into_bytes();
    let at = body.iter().position(|byte| *byte == b't').unwrap_or(0);
    body[at] = 0xff;
    let message = invalid_message(list_with(Canned::raw(200, "application/json", &body)).await);
    assert!(message.contains("UTF-8"), "{message}");
}

#[tokio::test]
async fn rejects_too_large_bodies() {
    let body = list_body(50, None, false);
    let server = Scripted::start(vec![Canned::json(200, &body)]).await;
    let mut small = config(&server.url);
    small.max_response_bytes = 100;
    let client = Client::new(small).unwrap();
    let message = invalid_message(client.list_page(&list_request(), None).await);
    assert!(message.contains("max_response_bytes"), "{message}");

    // Without a Content-Length the limit applies while reading the chunks.
    let router = axum::Router::new().fallback(|| async {
        let chunks = (0..1000).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1000]));
        axum::response::Response::builder()
            .header("content-type", "application/json")
            .body(axum::body::Body::from_stream(stream::iter(chunks)))
            .unwrap()
    });
    let addr = serve(router).await;
    let mut small = config(&format!("http://{addr}"));
    small.max_response_bytes = 10_000;
    let client = Client::new(small).unwrap();
    let message = invalid_message(client.list_page(&list_request(), None).await);
    assert!(message.contains("max_response_bytes"), "{message}");
}

#[tokio::test]
async fn read_bodies_are_checked() {
    let server = Scripted::start(vec![Canned::json(
        200,
        r#"{"orgId":"o","provider":"p","ticketById":{"a":{"success":true,"reason":"SUCCESS"}}}"#,
    )])
    .await;
    let client = Client::new(config(&server.url)).unwrap();
    match client.read("o", "p", &["a".to_owned()], None).await {
        Err(Error::InvalidResponse(message)) => {
            assert!(message.contains("missing field `model`"), "{message}")
        }
        other => panic!("unexpected {other:?}"),
    }
}
