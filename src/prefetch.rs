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
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;

use crate::errors::runtime_error;
use crate::logging::DebugLog;
use crate::process::{runtime, PerProcess};

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

/// A page request already under way, in the process that started it.
///
/// One inherited through `fork()` never finishes in the child (its task lives in the
/// parent's runtime) and must not be aborted from there: `PerProcess` leaks it.
pub struct Prefetch(PerProcess<PageTask>);

struct PageTask {
    request: ListRequest,
    task: AbortOnDrop<Result<ListPage, CoreError>>,
    events: Option<UnboundedReceiver<Event>>,
}

impl Prefetch {
    /// Starts fetching `request` on the runtime.
    pub fn start(py: Python<'_>, client: Client, request: ListRequest) -> PyResult<Prefetch> {
        let (_, sink, events) = DebugLog::channel(py)?;
        let sent = request.clone();
        let task = runtime()
            .map_err(runtime_error)?
            .spawn(async move { client.list_page(&sent, sink.as_ref()).await });
        Ok(Prefetch(PerProcess::new(PageTask {
            request,
            task: AbortOnDrop(task),
            events,
        })))
    }

    /// Keeps this prefetch only if it fetches `request` in this process.
    pub fn take_for(self, request: &ListRequest) -> Option<Prefetch> {
        let same = self.0.current().is_some_and(|started| {
            started.request.cursor == request.cursor
                && started.request.limit == request.limit
                && started.request.org_id == request.org_id
                && started.request.profile_id == request.profile_id
        });
        same.then_some(self)
    }

    /// Waits for the page, passing the prefetch's log events on to `events`.
    pub async fn finish(self, events: Option<EventSink>) -> Result<ListPage, CoreError> {
        // `take_for` keeps only this process's prefetch, so this is `None` only for a caller
        // that skipped it.
        let Some(PageTask {
            task,
            events: recorded,
            ..
        }) = self.0.into_current()
        else {
            return Err(CoreError::Connection(
                "page prefetch was started in another process".to_owned(),
            ));
        };
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
