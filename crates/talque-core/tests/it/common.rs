//! Local test servers: a scripted axum server that records what it receives, and a
//! raw TCP server for misbehaviour axum cannot produce.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Router;
use talque_core::{Client, ClientConfig, Error, ListRequest, Secret};
use tokio::net::{TcpListener, TcpStream};

pub const SECRET: &str = "s3cr3t-value";

/// A config for a local server: short backoffs and timeouts keep the suite fast.
pub fn config(base_url: &str) -> ClientConfig {
    let mut config = ClientConfig::new(base_url, "client-1", Secret::new(SECRET.to_owned()));
    config.backoff_initial = Duration::from_millis(2);
    config.backoff_max = Duration::from_millis(10);
    config.timeout = Duration::from_secs(5);
    config.user_agent = "talque-test/1.0".to_owned();
    config
}

/// The list request most tests send: the first page (up to 10 tickets) of org `org`.
pub fn list_request() -> ListRequest {
    ListRequest {
        org_id: "org".into(),
        profile_id: None,
        limit: 10,
        cursor: None,
    }
}

/// Lists one page from the raw server at `addr` with [`config`] changed by `adjust`, and
/// returns the error the client ends with (after its retries); panics if the page arrives.
pub async fn list_error(addr: SocketAddr, adjust: impl FnOnce(&mut ClientConfig)) -> Error {
    let mut settings = config(&format!("http://{addr}"));
    adjust(&mut settings);
    let client = Client::new(settings).unwrap();
    client.list_page(&list_request(), None).await.unwrap_err()
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: Method,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// One canned response.
#[derive(Clone, Debug)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Canned {
    pub fn json(status: u16, body: &str) -> Self {
        Self::raw(status, "application/json; charset=utf-8", body.as_bytes())
    }

    pub fn raw(status: u16, content_type: &str, body: &[u8]) -> Self {
        Self {
            status,
            headers: vec![("content-type".to_owned(), content_type.to_owned())],
            body: body.to_vec(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

pub fn list_body(tickets: usize, cursor: Option<&str>, more: bool) -> String {
    let tickets: Vec<String> = (0..tickets)
        .map(|index| format!(r#"{{"ticketId":"t{index}"}}"#))
        .collect();
    let cursor = cursor.map_or("null".to_owned(), |cursor| format!("{cursor:?}"));
    format!(
        r#"{{"orgId":"org","tickets":[{}],"cursor":{cursor},"more":{more}}}"#,
        tickets.join(",")
    )
}

#[derive(Clone, Default)]
struct Script {
    responses: Arc<Mutex<Vec<Canned>>>,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

/// A server that answers every request with the next canned response (the last one
/// repeats) and records the requests.
pub struct Scripted {
    pub addr: SocketAddr,
    pub url: String,
    script: Script,
}

impl Scripted {
    pub async fn start(responses: Vec<Canned>) -> Self {
        let script = Script {
            responses: Arc::new(Mutex::new(responses)),
            requests: Arc::default(),
        };
        let router = Router::new().fallback(answer).with_state(script.clone());
        let addr = serve(router).await;
        Self {
            addr,
            url: format!("http://{addr}"),
            script,
        }
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.script
            .requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

async fn answer(
    State(script): State<Script>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Ok(mut requests) = script.requests.lock() {
        requests.push(Recorded {
            method,
            path: uri.path().to_owned(),
            headers,
            body,
        });
    }
    let canned = match script.responses.lock() {
        Ok(mut responses) if responses.len() > 1 => Some(responses.remove(0)),
        Ok(responses) => responses.first().cloned(),
        Err(_) => None,
    };
    let canned = canned.unwrap_or_else(|| Canned::json(500, "{}"));
    let mut response = Response::new(Body::from(canned.body));
    *response.status_mut() = StatusCode::from_u16(canned.status).unwrap_or(StatusCode::OK);
    for (name, value) in canned.headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::from_bytes(name.as_bytes()),
            axum::http::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// Serves a router on an ephemeral 127.0.0.1 port.
pub async fn serve(router: Router) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// Serves raw TCP: `handle` gets each accepted connection.
pub async fn serve_raw<F, Fut>(handle: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    addr
}

/// Serves raw TCP like [`serve_raw`], and counts the connections it accepts.
pub async fn serve_raw_counted<F, Fut>(handle: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = connections.clone();
    let addr = serve_raw(move |stream| {
        counter.fetch_add(1, Ordering::SeqCst);
        handle(stream)
    })
    .await;
    (addr, connections)
}

/// Reads one request's head (up to the blank line) from a raw connection.
pub async fn read_head(stream: &mut TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(0) | Err(_) => break,
            Ok(read) => head.extend_from_slice(&byte[..read]),
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Reads one whole request (head and `Content-Length` body) from a TLS connection, so
/// that closing it afterwards does not reset the connection over unread bytes.
pub async fn read_request_tls<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) {
    use tokio::io::AsyncReadExt;
    let mut data = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = data.windows(4).position(|window| window == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_lowercase();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse().ok())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(read) => data.extend_from_slice(&chunk[..read]),
        }
    }
}
