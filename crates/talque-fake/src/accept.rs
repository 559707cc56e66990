//! The accept loop: every TCP connection is counted, TLS is set up when configured, and each
//! connection is served by hyper with the connection's id in every request it carries.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

use crate::log::{ConnectionId, RequestLog};

/// How long open connections get to finish once a stop is requested; stalled ones never
/// would, so after this the runtime drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(250);
/// The pause after a failed accept (say, out of file descriptors), so a persistent failure
/// does not spin the loop; axum's own `serve` does the same.
const ACCEPT_RETRY: Duration = Duration::from_millis(50);

/// What every connection needs.
#[derive(Clone)]
pub(crate) struct Serving {
    pub(crate) app: axum::Router,
    pub(crate) tls: Option<TlsAcceptor>,
    pub(crate) log: Arc<RequestLog>,
}

/// Serves until the stop signal, then allows [`SHUTDOWN_GRACE`] for open connections.
pub(crate) async fn serve(listener: TcpListener, serving: Serving, stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    let stop = until_stopped(stopped.clone());
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Small answers must not wait for Nagle's algorithm.
                    let _ = stream.set_nodelay(true);
                    let id = serving.log.connection_accepted();
                    connections.spawn(connection(stream, id, serving.clone(), stopped.clone()));
                }
                Err(_) => tokio::time::sleep(ACCEPT_RETRY).await,
            },
        }
    }
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
}

/// One connection: the TLS handshake if configured, then HTTP/1.1 until either side ends it.
async fn connection(
    stream: tokio::net::TcpStream,
    id: ConnectionId,
    serving: Serving,
    stopped: watch::Receiver<bool>,
) {
    match &serving.tls {
        None => http(stream, id, serving.app, stopped).await,
        Some(acceptor) => match acceptor.accept(stream).await {
            Ok(stream) => {
                serving.log.tls_handshake(true);
                http(stream, id, serving.app, stopped).await;
            }
            // A client that does not trust the certificate, or does not speak TLS.
            Err(_) => serving.log.tls_handshake(false),
        },
    }
}

async fn http<S>(stream: S, id: ConnectionId, app: axum::Router, stopped: watch::Receiver<bool>)
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let service = hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
        request.extensions_mut().insert(id);
        app.clone().oneshot(request.map(axum::body::Body::new))
    });
    let connection =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = until_stopped(stopped) => {
            // Finish the answer in progress, then close; the grace period bounds the wait.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Resolves once a stop is requested (or the server handle is gone).
async fn until_stopped(mut stopped: watch::Receiver<bool>) {
    // The guard `wait_for` returns must not live across an await: it is not `Send`.
    let _ = stopped.wait_for(|stop| *stop).await;
}
