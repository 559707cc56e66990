//! Retries: which failures, how many times, and how long the waits are.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime};

use talque_core::{Client, Error, Event};
use tokio::sync::mpsc;

use crate::common::{
    config, list_body, list_error, list_request, read_head, serve_raw_counted, Canned, Scripted,
};

fn ok() -> Canned {
    Canned::json(200, &list_body(1, None, false))
}

#[tokio::test]
async fn transient_statuses_are_retried_until_success() {
    for status in [408, 429, 500, 502, 503, 504] {
        let server = Scripted::start(vec![
            Canned::json(status, "{}"),
            Canned::json(status, "{}"),
            ok(),
        ])
        .await;
        let client = Client::new(config(&server.url)).unwrap();
        let page = client.list_page(&list_request(), None).await.unwrap();
        assert_eq!(page.ticket_count, 1);
        assert_eq!(server.requests().len(), 3, "status {status}");
    }
}

#[tokio::test]
async fn the_last_error_is_returned_after_max_retries() {
    let body = r#"{"success":false,"reason":"UNAVAILABLE","message":"try later"}"#;
    let server = Scripted::start(vec![Canned::json(503, body)]).await;
    let mut settings = config(&server.url);
    settings.max_retries = 2;
    let client = Client::new(settings).unwrap();
    let (sink, mut events) = mpsc::unbounded_channel();
    let error = client
        .list_page(&list_request(), Some(&sink))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Status { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(error.to_string(), "HTTP 503 UNAVAILABLE: try later");
    assert_eq!(server.requests().len(), 3);

    drop(sink);
    let mut seen = Vec::new();
    while let Some(event) = events.recv().await {
        seen.push(event);
    }
    let kinds: Vec<&str> = seen
        .iter()
        .map(|event| match event {
            Event::Request { .. } => "request",
            Event::Response { .. } => "response",
            Event::Retry { .. } => "retry",
        })
        .collect();
    assert_eq!(
        kinds,
        ["request", "response", "retry", "request", "response", "retry", "request", "response"]
    );
    assert!(matches!(
        seen[0],
        Event::Request {
            attempt: 1,
            method: "POST",
            ..
        }
    ));
    assert!(matches!(seen[2], Event::Retry { attempt: 2, .. }));
    assert!(matches!(seen[6], Event::Request { attempt: 3, .. }));
    for event in &seen {
        assert!(!event.to_string().contains(crate::common::SECRET));
    }
}

#[tokio::test]
async fn max_retries_zero_means_one_attempt() {
    let server = Scripted::start(vec![Canned::json(503, "{}")]).await;
    let mut settings = config(&server.url);
    settings.max_retries = 0;
    let client = Client::new(settings).unwrap();
    assert!(client.list_page(&list_request(), None).await.is_err());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn dropped_connections_are_retried() {
    let (addr, connections) = serve_raw_counted(|mut stream| async move {
        read_head(&mut stream).await;
        // Closing without an answer is what a crashing proxy or server does.
        drop(stream);
    })
    .await;
    let error = list_error(addr, |settings| settings.max_retries = 2).await;
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn refused_connections_are_connection_errors() {
    // Bind and drop a listener to find a port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let error = list_error(addr, |settings| settings.max_retries = 1).await;
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
}

async fn elapsed_with_retry_after(value: &str, cap: Duration) -> (Duration, Duration) {
    let server = Scripted::start(vec![
        Canned::json(429, "{}").with_header("retry-after", value),
        ok(),
    ])
    .await;
    let mut settings = config(&server.url);
    settings.retry_after_cap = cap;
    let client = Client::new(settings).unwrap();
    let (sink, mut events) = mpsc::unbounded_channel();
    let started = Instant::now();
    client
        .list_page(&list_request(), Some(&sink))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    drop(sink);
    let mut announced = Duration::ZERO;
    while let Some(event) = events.recv().await {
        if let Event::Retry { delay, .. } = event {
            announced = delay;
        }
    }
    (elapsed, announced)
}

/// Asserts that one 429 with `Retry-After: value`, capped at `cap`, made the client announce a
/// wait of `expected` and wait at least that long (and not much longer) before its retry.
async fn assert_retry_after_wait(value: &str, cap: Duration, expected: Duration) {
    let (elapsed, announced) = elapsed_with_retry_after(value, cap).await;
    assert_eq!(announced, expected);
    assert!(elapsed >= expected, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_seconds_are_honoured() {
    assert_retry_after_wait("0.4", Duration::from_secs(60), Duration::from_millis(400)).await;
}

#[tokio::test]
async fn retry_after_dates_are_honoured() {
    let date = httpdate_in(Duration::from_secs(2));
    let (elapsed, announced) = elapsed_with_retry_after(&date, Duration::from_secs(60)).await;
    // An HTTP-date has whole seconds, so the wait is between one and two seconds.
    assert!(announced > Duration::from_millis(900), "{announced:?}");
    assert!(elapsed >= announced, "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(4), "{elapsed:?}");
}

#[tokio::test]
async fn retry_after_is_capped() {
    let cap = Duration::from_millis(200);
    assert_retry_after_wait("3600", cap, cap).await;
}

fn httpdate_in(delay: Duration) -> String {
    httpdate::fmt_http_date(SystemTime::now() + delay)
}
