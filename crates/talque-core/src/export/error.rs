//! What can stop an export: a ticket the format cannot express, or the output failing.

use std::fmt;
use std::io;

use crate::error::Error;

/// An export failure. Kept apart from [`Error`], which is `Clone` and about responses:
/// an I/O error must reach the caller with its OS error code intact.
#[derive(Debug)]
pub enum ExportError {
    /// The page or a ticket in it is not what the API documents
    /// ([`Error::InvalidResponse`]).
    Response(Error),
    /// Writing to the output failed.
    Io(io::Error),
}

impl From<Error> for ExportError {
    fn from(err: Error) -> Self {
        ExportError::Response(err)
    }
}

impl From<io::Error> for ExportError {
    fn from(err: io::Error) -> Self {
        ExportError::Io(err)
    }
}

impl From<csv::Error> for ExportError {
    fn from(err: csv::Error) -> Self {
        match err.into_kind() {
            csv::ErrorKind::Io(err) => ExportError::Io(err),
            // Rows are built from valid UTF-8 with a fixed number of fields, so the csv
            // crate has nothing else to report; should it ever, it is still an output error.
            other => ExportError::Io(io::Error::other(format!("CSV writer: {other:?}"))),
        }
    }
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Response(err) => err.fmt(f),
            ExportError::Io(err) => write!(f, "cannot write the export: {err}"),
        }
    }
}

impl std::error::Error for ExportError {}
