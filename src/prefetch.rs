//! Fetching the next page while Python consumes the current one.
//!
//! As soon as a page has been handed to Python, its successor is requested in the
//! background, so a consumer that spends time on each page (or a network with latency)
//! waits less. A prefetched page is only a head start: it is taken when the pager asks
//! for exactly that page, its failure surfaces only then (as if it had just been fetched),
//! and the cursor still advances only when a page reaches Python, so resuming stays exact.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pyo3::prelude::*;
use talque_core::{Client, Error as CoreError, Event, EventSink, ListPage, ListRequest};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use tokio::task::JoinHandle;

use crate::errors::runtime_error;
use crate::logging::DebugLog;
use crate::process::runtime;

/// A task's handle that aborts the task when dropped, so an unwanted prefetch (pager
/// dropped, fetch cancelled) does not keep a connection busy.
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A page request already under way.
pub struct Prefetch {
    pid: u32,
    request: ListRequest,
    task: AbortOnDrop<Result<ListPage, CoreError>>,
    events: Option<UnboundedReceiver<Event>>,
}

impl Prefetch {
    /// Starts fetching `request` on the runtime.
    pub fn start(py: Python<'_>, client: Client, request: ListRequest) -> PyResult<Prefetch> {
        let (sink, events) = match DebugLog::for_call(py)? {
            Some(_) => {
                let (tx, rx) = unbounded_channel();
                (Some(tx), Some(rx))
            }
            None => (None, None),
        };
        let sent = request.clone();
        let task = runtime()
            .map_err(runtime_error)?
            .spawn(async move { client.list_page(&sent, sink.as_ref()).await });
        Ok(Prefetch {
            pid: std::process::id(),
            request,
            task: AbortOnDrop(task),
            events,
        })
    }

    /// Keeps this prefetch only if it fetches `request` in this process.
    pub fn take_for(self, request: &ListRequest) -> Option<Prefetch> {
        if self.pid != std::process::id() {
            // Inherited through fork(): its task lives in the parent's runtime and will
            // never finish here, and touching its handle is not safe, so it is leaked.
            std::mem::forget(self);
            return None;
        }
        let same = self.request.cursor == request.cursor
            && self.request.limit == request.limit
            && self.request.org_id == request.org_id
            && self.request.profile_id == request.profile_id;
        same.then_some(self)
    }

    /// Waits for the page, passing the prefetch's log events on to `events`.
    pub async fn finish(self, events: Option<EventSink>) -> Result<ListPage, CoreError> {
        let Prefetch {
            task,
            events: recorded,
            ..
        } = self;
        let outcome = task.await.unwrap_or_else(|err| {
            Err(CoreError::Connection(format!(
                "page prefetch failed: {err}"
            )))
        });
        if let (Some(mut recorded), Some(events)) = (recorded, events) {
            while let Ok(event) = recorded.try_recv() {
                let _ = events.send(event);
            }
        }
        outcome
    }
}
