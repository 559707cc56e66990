//! `talque._talque.TicketWriter`: an export file that list pages are written to straight
//! from the core, without Python objects.
//!
//! Each page is rendered whole into a buffer and then written and flushed with one
//! `write_all`, so the file only ever grows by complete pages: `position` (the bytes of the
//! complete pages) is always a safe point to resume from, even when a ticket of the page
//! cannot be written (nothing of that page reaches the file) or the disk fills up (the
//! torn tail is cut off before the next write, or on `close`).

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyInt};
use talque_core::ExportFormat;

use super::failure::{closed, os_error, WriteFailure};
use super::target::{dup_descriptor, open_path};

/// The render buffer's starting size; it grows to the largest page and is reused.
const BUFFER_BYTES: usize = 256 * 1024;

struct Output {
    file: File,
    /// A regular file opened by path: a torn tail can be cut off, and `close` fsyncs it.
    /// Not a descriptor target (never truncated), nor a path such as `/dev/stdout`.
    regular_path: bool,
}

struct WriterState {
    /// `None` once closed.
    output: Option<Output>,
    position: u64,
    tickets: u64,
    /// A failed write may have left part of a page after `position`.
    torn: bool,
    buffer: Vec<u8>,
}

#[pyclass(frozen, module = "talque._talque")]
pub struct TicketWriter {
    format: ExportFormat,
    state: Mutex<WriterState>,
}

fn lock(state: &Mutex<WriterState>) -> MutexGuard<'_, WriterState> {
    state.lock().unwrap_or_else(|poison| poison.into_inner())
}

impl TicketWriter {
    /// Fails early, before a page is fetched, when the writer is closed.
    pub fn check_open(&self) -> PyResult<()> {
        match lock(&self.state).output {
            Some(_) => Ok(()),
            None => Err(closed()),
        }
    }

    /// Writes the first `keep` tickets of a validated list body and flushes them to the OS;
    /// call it without the GIL. Returns the number of tickets written.
    pub fn write_page(&self, body: &[u8], keep: usize) -> Result<usize, WriteFailure> {
        let mut guard = lock(&self.state);
        let state = &mut *guard;
        let Some(output) = state.output.as_mut() else {
            return Err(WriteFailure::Closed);
        };
        state.buffer.clear();
        let count = self.format.write_first(body, keep, &mut state.buffer)?;
        if state.torn {
            if !output.regular_path {
                return Err(WriteFailure::TornDescriptor);
            }
            output.file.set_len(state.position)?;
            output.file.seek(SeekFrom::Start(state.position))?;
            state.torn = false;
        }
        state.torn = true;
        output.file.write_all(&state.buffer)?;
        output.file.flush()?;
        state.torn = false;
        state.position += state.buffer.len() as u64;
        state.tickets += count as u64;
        if state.buffer.capacity() > 4 * BUFFER_BYTES.max(state.buffer.len()) {
            state.buffer.shrink_to(BUFFER_BYTES.max(state.buffer.len()));
        }
        Ok(count)
    }
}

#[pymethods]
impl TicketWriter {
    #[new]
    #[pyo3(signature = (target, format, *, append_at = None))]
    fn new(
        py: Python<'_>,
        target: &Bound<'_, PyAny>,
        format: &str,
        append_at: Option<i64>,
    ) -> PyResult<Self> {
        let format: ExportFormat = format.parse().map_err(PyValueError::new_err)?;
        let append_at = append_at
            .map(|at| {
                u64::try_from(at).map_err(|_| PyValueError::new_err("append_at must be >= 0"))
            })
            .transpose()?;
        let output = if target.is_instance_of::<PyInt>() && !target.is_instance_of::<PyBool>() {
            if append_at.is_some() {
                return Err(PyValueError::new_err(
                    "append_at needs a path target: a file descriptor is never truncated",
                ));
            }
            let fd: i32 = target.extract()?;
            Output {
                file: dup_descriptor(fd).map_err(|err| os_error(&err, None))?,
                regular_path: false,
            }
        } else {
            let path: PathBuf = target.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "target must be a path or a file descriptor, not {}",
                    target
                        .get_type()
                        .name()
                        .map_or_else(|_| "?".into(), |n| n.to_string())
                ))
            })?;
            let (file, regular_path) =
                py.detach(|| open_path(&path, append_at)).map_err(|err| {
                    match err.raw_os_error() {
                        // The one error of our own: `append_at` past the end of the file.
                        None => PyValueError::new_err(err.to_string()),
                        Some(_) => os_error(&err, Some(target.clone().unbind())),
                    }
                })?;
            Output { file, regular_path }
        };
        let mut state = WriterState {
            output: Some(output),
            position: append_at.unwrap_or(0),
            tickets: 0,
            torn: false,
            buffer: Vec::with_capacity(BUFFER_BYTES),
        };
        // A new file starts with the CSV header; a resumed one already has it (unless it
        // is resumed at 0, i.e. before anything was written).
        if state.position == 0 {
            format
                .write_header(&mut state.buffer)
                .map_err(|err| PyErr::from(WriteFailure::Export(err)))?;
            if let Some(output) = state.output.as_mut() {
                output
                    .file
                    .write_all(&state.buffer)
                    .and_then(|()| output.file.flush())
                    .map_err(|err| os_error(&err, None))?;
            }
            state.position = state.buffer.len() as u64;
        }
        Ok(TicketWriter {
            format,
            state: Mutex::new(state),
        })
    }

    /// Bytes of complete pages written and flushed: the safe point to resume from.
    #[getter]
    fn position(&self) -> u64 {
        lock(&self.state).position
    }

    #[getter]
    fn tickets(&self) -> u64 {
        lock(&self.state).tickets
    }

    #[getter]
    fn format(&self) -> &'static str {
        self.format.name()
    }

    #[getter]
    fn closed(&self) -> bool {
        lock(&self.state).output.is_none()
    }

    /// Flushes and, for a path target, fsyncs and closes the file; idempotent.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| {
            let mut state = lock(&self.state);
            let Some(mut output) = state.output.take() else {
                return Ok(());
            };
            output.file.flush()?;
            if output.regular_path {
                if state.torn {
                    output.file.set_len(state.position)?;
                    state.torn = false;
                }
                output.file.sync_all()?;
            }
            Ok(())
        })
        .map_err(|err: std::io::Error| os_error(&err, None))
    }
}
