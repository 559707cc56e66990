//! Parquet export in the core: a part file per page, merged when the export ends (see the
//! core's `parquet_file.rs` for why), so the base install needs no pyarrow.

use std::path::PathBuf;

use pyo3::prelude::*;

use super::failure::WriteFailure;

/// Merges the part files, in order, into one zstd-compressed Parquet file at `output`,
/// synced to disk; returns the number of rows.
#[pyfunction]
pub fn merge_parquet_parts(py: Python<'_>, parts: Vec<PathBuf>, output: PathBuf) -> PyResult<u64> {
    py.detach(|| {
        let parts: Vec<&std::path::Path> = parts.iter().map(PathBuf::as_path).collect();
        talque_core::merge_parts(&parts, &output)
    })
    .map_err(|err| WriteFailure::from(err).into())
}

/// Converts a list body and writes its first `keep` tickets as one Parquet part file at
/// `path`; no GIL.
pub fn write_part(body: &[u8], path: &std::path::Path, keep: usize) -> Result<usize, WriteFailure> {
    let batch = talque_core::list_batch(body).map_err(talque_core::ExportError::Response)?;
    // A zero-copy view: a capped export cuts a page longer than it asked for.
    let batch = batch.slice(0, keep.min(batch.num_rows()));
    talque_core::write_part(&batch, path)?;
    Ok(batch.num_rows())
}
