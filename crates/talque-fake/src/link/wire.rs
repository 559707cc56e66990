//! The last stage before the connection: counts the body bytes that go on the wire (after
//! compression) into the request log, and paces them to the configured bandwidth.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use bytes::Bytes;
use http_body::{Body as _, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::log::{RequestLog, Seq};
use crate::state::AppState;

/// The most bytes sent at once under a bandwidth cap, as a share of one second's worth: a
/// 50th (20 ms of transfer) keeps the pace smooth without waking the timer for every byte.
const PIECES_PER_SECOND: u64 = 50;
/// The smallest piece, so that a very low cap does not turn into byte-by-byte writes.
const MIN_PIECE: u64 = 512;

/// Wraps the body of every logged API answer; control-plane answers carry no [`Seq`] and
/// pass untouched.
pub(crate) async fn wrap(State(state): State<Arc<AppState>>, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let Some(seq) = parts.extensions.get::<Seq>().copied() else {
        return Response::from_parts(parts, body);
    };
    let encoding = parts
        .headers
        .get(header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    state.log.encoded(seq, encoding);
    let body = WireBody::new(
        body,
        state.bandwidth_bytes_per_sec(),
        state.log.clone(),
        seq,
    );
    Response::from_parts(parts, Body::new(body))
}

/// A body that counts what it hands over and, under a cap, hands it over no faster than
/// `rate` bytes per second.
///
/// The pacing is a token bucket without burst, written here because it is a few lines on a
/// body the fake already owns; rate-limiting crates shape `AsyncWrite` streams or requests,
/// not `http_body` frames. For HTTP/1.1, where a connection carries one answer at a time,
/// a cap per answer is a cap per connection.
struct WireBody {
    inner: Body,
    rate: u64,
    /// Data taken from `inner` and not yet handed over, under a cap.
    pending: Option<Bytes>,
    started: Option<Instant>,
    sent: u64,
    pause: Option<Pin<Box<Sleep>>>,
    log: Arc<RequestLog>,
    seq: Seq,
    recorded: bool,
}

impl WireBody {
    fn new(inner: Body, rate: u64, log: Arc<RequestLog>, seq: Seq) -> Self {
        Self {
            inner,
            rate,
            pending: None,
            started: None,
            sent: 0,
            pause: None,
            log,
            seq,
            recorded: false,
        }
    }

    /// Writes the byte count to the log once, before the last bytes leave, so a client that
    /// has the whole answer always finds the count.
    fn record(&mut self) {
        if !self.recorded {
            self.recorded = true;
            self.log.sent(self.seq, self.sent);
        }
    }

    fn piece_size(&self) -> usize {
        let piece = (self.rate / PIECES_PER_SECOND).max(MIN_PIECE);
        usize::try_from(piece).unwrap_or(usize::MAX)
    }

    /// Hands over the next piece of `pending` and schedules the pause its transfer takes.
    fn next_piece(&mut self) -> Option<Bytes> {
        let size = self.piece_size();
        let pending = self.pending.as_mut()?;
        let piece = pending.split_to(pending.len().min(size));
        if pending.is_empty() {
            self.pending = None;
        }
        let started = *self.started.get_or_insert_with(Instant::now);
        self.sent += piece.len() as u64;
        let nanos = u128::from(self.sent) * 1_000_000_000 / u128::from(self.rate.max(1));
        let due = Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX));
        let due = started.checked_add(due).unwrap_or(started);
        self.pause = Some(Box::pin(tokio::time::sleep_until(due)));
        Some(piece)
    }

    fn finished(&self) -> bool {
        self.pending.is_none() && self.inner.is_end_stream()
    }
}

impl http_body::Body for WireBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        if let Some(pause) = this.pause.as_mut() {
            if pause.as_mut().poll(cx).is_pending() {
                return Poll::Pending;
            }
            this.pause = None;
        }
        if let Some(piece) = this.next_piece() {
            if this.finished() {
                this.record();
            }
            return Poll::Ready(Some(Ok(Frame::data(piece))));
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => {
                this.record();
                Poll::Ready(None)
            }
            Poll::Ready(Some(Err(error))) => {
                this.record();
                Poll::Ready(Some(Err(error)))
            }
            Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                Ok(data) if this.rate > 0 => {
                    this.pending = Some(data).filter(|data| !data.is_empty());
                    // The pause is not armed yet, so this hands over the first piece at once.
                    Pin::new(this).poll_frame(cx)
                }
                Ok(data) => {
                    this.sent += data.len() as u64;
                    if this.finished() {
                        this.record();
                    }
                    Poll::Ready(Some(Ok(Frame::data(data))))
                }
                Err(frame) => Poll::Ready(Some(Ok(frame))),
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.finished()
    }

    fn size_hint(&self) -> SizeHint {
        let pending = self.pending.as_ref().map_or(0, |data| data.len() as u64);
        let inner = self.inner.size_hint();
        let mut hint = SizeHint::new();
        hint.set_lower(inner.lower() + pending);
        if let Some(upper) = inner.upper() {
            hint.set_upper(upper + pending);
        }
        hint
    }
}

impl Drop for WireBody {
    /// A client that leaves early still gets what was sent recorded.
    fn drop(&mut self) {
        self.record();
    }
}
