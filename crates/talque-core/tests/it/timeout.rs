//! The per-attempt timeout covers the whole response, not just the headers.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use talque_core::Error;
use tokio::io::AsyncWriteExt;

use crate::common::{list_error, read_head, serve_raw, serve_raw_counted};

const HEAD: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n";

#[tokio::test]
async fn a_server_stalling_after_the_headers_times_out() {
    let (addr, connections) = serve_raw_counted(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(HEAD).await;
        let _ = stream.write_all(b"{\"orgId\":").await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let started = Instant::now();
    let error = list_error(addr, |settings| {
        settings.timeout = Duration::from_millis(300);
        settings.max_retries = 1;
    })
    .await;
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A timeout is transient, so the one allowed retry happened.
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_trickling_body_times_out() {
    let addr = serve_raw(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(HEAD).await;
        for _ in 0..1000 {
            if stream.write_all(b" ").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    let started = Instant::now();
    let error = list_error(addr, |settings| {
        settings.timeout = Duration::from_millis(400);
        settings.max_retries = 0;
    })
    .await;
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_body_cut_short_is_a_connection_error() {
    let addr = serve_raw(|mut stream| async move {
        read_head(&mut stream).await;
        let _ = stream.write_all(HEAD).await;
        let _ = stream.write_all(b"{\"orgId\":").await;
    })
    .await;
    let error = list_error(addr, |settings| settings.max_retries = 0).await;
    match error {
        Error::Connection(message) => assert!(message.contains("incomplete"), "{message}"),
        other => panic!("unexpected {other:?}"),
    }
}
