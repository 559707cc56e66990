//! Response bodies that can misbehave on purpose: reset, stall or trickle mid-answer.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::time::Sleep;

use crate::log::CompletionMark;

/// How long a `reset` body waits before failing, so the headers and the half body it already
/// produced reach the client before the connection drops.
const RESET_FLUSH_PAUSE: Duration = Duration::from_millis(50);

/// How the chunks of a body are delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// All at once.
    Normal,
    /// The chunks (already cut short), then a failure that aborts the connection.
    Reset,
    /// Nothing, ever.
    Stall,
    /// One byte per interval.
    Trickle(Duration),
}

/// A response body with a declared length that it may or may not honour.
pub(crate) struct ReplyBody {
    chunks: VecDeque<Bytes>,
    declared: u64,
    delivery: Delivery,
    pause: Option<Pin<Box<Sleep>>>,
    reset_armed: bool,
    mark: Option<CompletionMark>,
}

impl ReplyBody {
    /// A body that announces `declared` bytes and delivers `chunks` as `delivery` says.
    pub(crate) fn new(
        chunks: Vec<Bytes>,
        declared: u64,
        delivery: Delivery,
        mark: CompletionMark,
    ) -> Self {
        let chunks = chunks
            .into_iter()
            .filter(|chunk| !chunk.is_empty())
            .collect();
        Self {
            chunks,
            declared,
            delivery,
            pause: None,
            reset_armed: false,
            mark: Some(mark),
        }
    }

    fn finish(&mut self) {
        if let Some(mark) = self.mark.take() {
            mark.complete();
        }
    }

    /// Waits out the current pause, if any.
    fn paused(&mut self, cx: &mut Context<'_>) -> bool {
        let pending = match self.pause.as_mut() {
            Some(pause) => pause.as_mut().poll(cx).is_pending(),
            None => false,
        };
        if !pending {
            self.pause = None;
        }
        pending
    }
}

impl http_body::Body for ReplyBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = self.get_mut();
        match this.delivery {
            Delivery::Normal => match this.chunks.pop_front() {
                Some(chunk) => {
                    if this.chunks.is_empty() {
                        this.finish();
                    }
                    Poll::Ready(Some(Ok(Frame::data(chunk))))
                }
                None => {
                    this.finish();
                    Poll::Ready(None)
                }
            },
            // Never woken on purpose: the connection ends when the client gives up.
            Delivery::Stall => Poll::Pending,
            Delivery::Reset => {
                if let Some(chunk) = this.chunks.pop_front() {
                    return Poll::Ready(Some(Ok(Frame::data(chunk))));
                }
                if !this.reset_armed {
                    this.reset_armed = true;
                    this.pause = Some(Box::pin(tokio::time::sleep(RESET_FLUSH_PAUSE)));
                }
                if this.paused(cx) {
                    return Poll::Pending;
                }
                Poll::Ready(Some(Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "injected fault: connection reset mid-body",
                ))))
            }
            Delivery::Trickle(interval) => {
                if this.paused(cx) {
                    return Poll::Pending;
                }
                let Some(front) = this.chunks.front_mut() else {
                    this.finish();
                    return Poll::Ready(None);
                };
                let byte = front.split_to(1);
                if front.is_empty() {
                    this.chunks.pop_front();
                }
                if this.chunks.is_empty() {
                    this.finish();
                } else if !interval.is_zero() {
                    this.pause = Some(Box::pin(tokio::time::sleep(interval)));
                }
                Poll::Ready(Some(Ok(Frame::data(byte))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.delivery, Delivery::Normal | Delivery::Trickle(_)) && self.chunks.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.declared)
    }
}
