//! Compressed answers: negotiated, decoded, bounded, and broken ones turned into typed errors.

use std::time::Duration;

use async_compression::tokio::bufread::{BrotliEncoder, GzipEncoder, ZlibEncoder, ZstdEncoder};
use talque_core::{Client, ClientConfig, Error, ListRequest};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::common::{config, list_body, list_error, read_head, serve_raw, Canned, Scripted};

fn request() -> ListRequest {
    ListRequest {
        org_id: "org".into(),
        profile_id: None,
        limit: 100,
        cursor: None,
    }
}

/// Compresses `data` in one of the four encodings a client may accept. HTTP's `deflate` is
/// the zlib format (RFC 9110), not a raw deflate stream.
async fn encode(encoding: &str, data: &[u8]) -> Vec<u8> {
    let mut reader: Box<dyn AsyncRead + Unpin> = match encoding {
        "gzip" => Box::new(GzipEncoder::new(data)),
        "br" => Box::new(BrotliEncoder::new(data)),
        "zstd" => Box::new(ZstdEncoder::new(data)),
        "deflate" => Box::new(ZlibEncoder::new(data)),
        other => panic!("no encoder for {other}"),
    };
    let mut encoded = Vec::new();
    reader.read_to_end(&mut encoded).await.unwrap();
    encoded
}

fn compressed(encoding: &str, body: Vec<u8>) -> Canned {
    Canned::raw(200, "application/json; charset=utf-8", &body)
        .with_header("content-encoding", encoding)
}

#[tokio::test]
async fn every_accepted_encoding_is_decoded() {
    let plain = list_body(250, Some("c2"), true);
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        let body = encode(encoding, plain.as_bytes()).await;
        assert!(body.len() < plain.len() / 4, "{encoding} barely compresses");
        let server = Scripted::start(vec![compressed(encoding, body)]).await;
        let client = Client::new(config(&server.url)).unwrap();
        let page = client.list_page(&request(), None).await.unwrap();
        assert_eq!(page.body.as_ref(), plain.as_bytes(), "{encoding}");
        let accepted = server.requests()[0]
            .header("accept-encoding")
            .unwrap_or_default()
            .to_owned();
        assert!(
            accepted.contains(encoding),
            "{encoding} not in {accepted:?}"
        );
    }
}

#[tokio::test]
async fn compression_off_sends_no_accept_encoding() {
    let server = Scripted::start(vec![Canned::json(200, &list_body(1, None, false))]).await;
    let mut off = config(&server.url);
    off.compression = false;
    let client = Client::new(off).unwrap();
    client.list_page(&request(), None).await.unwrap();
    assert_eq!(server.requests()[0].header("accept-encoding"), None);
}

#[tokio::test]
async fn an_encoding_that_was_not_asked_for_is_an_invalid_response() {
    let plain = list_body(3, None, false);
    let server = Scripted::start(vec![compressed(
        "gzip",
        encode("gzip", plain.as_bytes()).await,
    )])
    .await;
    let mut off = config(&server.url);
    off.compression = false;
    let client = Client::new(off).unwrap();
    let error = client.list_page(&request(), None).await.unwrap_err();
    match error {
        Error::InvalidResponse(message) => assert!(message.contains("gzip"), "{message}"),
        other => panic!("expected InvalidResponse, got {other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "an invalid response is not retried"
    );
}

/// A zstd body of about 40 KB on the wire that inflates to 1 GiB of zeros: 1024 frames of
/// 1 MiB each (HTTP zstd decoders accept concatenated frames, so this is one valid body).
async fn zstd_bomb() -> Vec<u8> {
    encode("zstd", &vec![0u8; 1 << 20]).await.repeat(1024)
}

/// A single gzip member of 64 MiB of zeros, about 64 KB on the wire.
async fn gzip_bomb() -> Vec<u8> {
    encode("gzip", &vec![0u8; 64 << 20]).await
}

#[tokio::test]
async fn a_decompression_bomb_stops_at_max_response_bytes() {
    let plain = list_body(1, None, false);
    for (encoding, bomb) in [("zstd", zstd_bomb().await), ("gzip", gzip_bomb().await)] {
        assert!(bomb.len() < 1 << 20, "{encoding}: {} bytes", bomb.len());
        let server = Scripted::start(vec![
            compressed(encoding, bomb),
            compressed("gzip", encode("gzip", plain.as_bytes()).await),
        ])
        .await;
        let mut small: ClientConfig = config(&server.url);
        small.max_response_bytes = 8 << 20;
        let client = Client::new(small).unwrap();
        match client.list_page(&request(), None).await.unwrap_err() {
            Error::InvalidResponse(message) => {
                assert!(message.contains("max_response_bytes"), "{message}");
            }
            other => panic!("{encoding}: expected InvalidResponse, got {other:?}"),
        }
        assert_eq!(
            server.requests().len(),
            1,
            "{encoding}: a bomb is not retried"
        );
        // The client stays usable: the next call gets the next (sane) answer.
        let page = client.list_page(&request(), None).await.unwrap();
        assert_eq!(page.body.as_ref(), plain.as_bytes(), "{encoding}");
    }
}

/// Serves `first` once as a complete HTTP response (correct `Content-Length`), then a
/// valid gzip page on every later connection.
async fn serve_once_then_valid(first: Vec<u8>, encoding: &'static str) -> (String, Vec<u8>) {
    let plain = list_body(2, None, false).into_bytes();
    let valid = encode("gzip", &plain).await;
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let addr = serve_raw(move |mut stream| {
        let served = served.clone();
        let first = first.clone();
        let valid = valid.clone();
        async move {
            loop {
                let head = read_head(&mut stream).await;
                if head.is_empty() {
                    return;
                }
                let (encoding, body) =
                    if served.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
                        (encoding, first.clone())
                    } else {
                        ("gzip", valid.clone())
                    };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-encoding: {encoding}\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(&body).await.is_err()
                {
                    return;
                }
            }
        }
    })
    .await;
    (format!("http://{addr}"), plain)
}

#[tokio::test]
async fn a_truncated_compressed_stream_is_retried_as_a_connection_error() {
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        let full = encode(encoding, list_body(500, None, false).as_bytes()).await;
        let cut = full[..full.len() / 2].to_vec();
        let (url, plain) = serve_once_then_valid(cut.clone(), encoding).await;

        // With retries, the second attempt gets the whole page.
        let client = Client::new(config(&url)).unwrap();
        let page = client.list_page(&request(), None).await.unwrap();
        assert_eq!(page.body.as_ref(), &plain[..], "{encoding}");

        // Without, the cut stream is a connection error (the retried kind).
        let (url, _) = serve_once_then_valid(cut, encoding).await;
        let mut once = config(&url);
        once.max_retries = 0;
        let client = Client::new(once).unwrap();
        let error = client.list_page(&request(), None).await.unwrap_err();
        assert!(
            matches!(error, Error::Connection(_)),
            "{encoding}: {error:?}"
        );
        assert!(
            client.list_page(&request(), None).await.is_ok(),
            "{encoding}"
        );
    }
}

#[tokio::test]
async fn a_body_cut_off_on_the_wire_is_retried() {
    // The connection closes halfway through a gzip body whose Content-Length is honest.
    let full = encode("gzip", list_body(500, None, false).as_bytes()).await;
    let addr = serve_raw(move |mut stream| {
        let full = full.clone();
        async move {
            read_head(&mut stream).await;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                 content-encoding: gzip\r\ncontent-length: {}\r\n\r\n",
                full.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&full[..full.len() / 2]).await;
        }
    })
    .await;
    let error = list_error(addr, |settings| settings.max_retries = 1).await;
    assert!(matches!(error, Error::Connection(_)), "{error:?}");
}

#[tokio::test]
async fn a_content_encoding_that_lies_is_retried_then_reported() {
    let plain = list_body(3, None, false);
    for encoding in ["gzip", "br", "zstd", "deflate"] {
        // Plain JSON labelled as compressed, and garbage labelled as compressed.
        for body in [plain.as_bytes().to_vec(), vec![0xA5; 4096]] {
            let server = Scripted::start(vec![
                compressed(encoding, body.clone()),
                compressed(encoding, body),
                compressed("gzip", encode("gzip", plain.as_bytes()).await),
            ])
            .await;
            let mut once = config(&server.url);
            once.max_retries = 1;
            let client = Client::new(once).unwrap();
            let outcome =
                tokio::time::timeout(Duration::from_secs(10), client.list_page(&request(), None))
                    .await
                    .expect("a lying Content-Encoding must not hang");
            // Brotli has no header to check, so a few bytes of garbage may decode to
            // garbage instead: then the JSON check rejects it, without a retry.
            match outcome {
                Err(Error::Connection(_)) => assert_eq!(server.requests().len(), 2),
                Err(Error::InvalidResponse(_)) if encoding == "br" => {}
                other => panic!("{encoding}: {other:?}"),
            }
            while server.requests().len() < 2 {
                let _ = client.list_page(&request(), None).await;
            }
            let page = client.list_page(&request(), None).await.unwrap();
            assert_eq!(page.body.as_ref(), plain.as_bytes(), "{encoding}");
        }
    }
    // Compressed bytes without a Content-Encoding are not JSON either.
    let body = encode("gzip", plain.as_bytes()).await;
    let server = Scripted::start(vec![Canned::raw(200, "application/json", &body)]).await;
    let client = Client::new(config(&server.url)).unwrap();
    let error = client.list_page(&request(), None).await.unwrap_err();
    assert!(matches!(error, Error::InvalidResponse(_)), "{error:?}");
}
