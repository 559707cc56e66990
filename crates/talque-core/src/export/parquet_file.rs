//! Parquet files of the ticket schema, written by the `parquet` crate.
//!
//! A resumable export cannot append to a Parquet file (the footer, which indexes every row
//! group, comes last), so each page becomes a small part file of its own, written whole and
//! renamed into place by the caller; the checkpoint counts the complete parts, which makes
//! resuming exact. The finished export merges the parts into one file of large row groups,
//! compressed with zstd. Parts are left uncompressed: each is read once, by the merge, and
//! compressing twice would double the cost for nothing.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_array::RecordBatchReader;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use super::error::ExportError;
use crate::schema::arrow_schema;

/// Rows per row group of a finished file: large enough for efficient columnar reads, small
/// enough that the writer holds little in memory.
const ROW_GROUP_ROWS: usize = 64 * 1024;

/// Rows read from a part at a time while merging.
const READ_BATCH_ROWS: usize = 8 * 1024;

impl From<ParquetError> for ExportError {
    fn from(err: ParquetError) -> Self {
        match err {
            ParquetError::External(inner) => match inner.downcast::<io::Error>() {
                Ok(io) => ExportError::Io(*io),
                Err(other) => ExportError::Io(io::Error::other(other)),
            },
            other => ExportError::Io(io::Error::other(format!("Parquet writer: {other}"))),
        }
    }
}

fn write_batches(
    path: &Path,
    properties: WriterProperties,
    batches: impl IntoIterator<Item = Result<RecordBatch, ExportError>>,
) -> Result<u64, ExportError> {
    let file = BufWriter::new(File::create(path)?);
    let mut writer = ArrowWriter::try_new(file, arrow_schema(), Some(properties))?;
    let mut rows = 0;
    for batch in batches {
        let batch = batch?;
        rows += batch.num_rows() as u64;
        writer.write(&batch)?;
    }
    let file = writer.into_inner()?;
    file.into_inner()
        .map_err(io::IntoInnerError::into_error)?
        .sync_all()?;
    Ok(rows)
}

/// Writes one page's batch to `path` as a complete, uncompressed Parquet file, synced to
/// disk (the caller renames it into place).
pub fn write_part(batch: &RecordBatch, path: &Path) -> Result<(), ExportError> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::UNCOMPRESSED)
        .build();
    write_batches(path, properties, [Ok(batch.clone())]).map(|_| ())
}

/// Merges the part files, in order, into one zstd-compressed Parquet file at `output`,
/// synced to disk; returns the number of rows. Memory stays bounded by one row group.
pub fn merge_parts(parts: &[&Path], output: &Path) -> Result<u64, ExportError> {
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let batches = parts.iter().map(|part| read_part(part)).flat_map(|reader| {
        let iter: Box<dyn Iterator<Item = Result<RecordBatch, ExportError>>> = match reader {
            Ok(reader) => Box::new(reader.map(|batch| batch.map_err(arrow_error))),
            Err(err) => Box::new(std::iter::once(Err(err))),
        };
        iter
    });
    write_batches(output, properties, batches)
}

fn read_part(
    part: &Path,
) -> Result<parquet::arrow::arrow_reader::ParquetRecordBatchReader, ExportError> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(part)?)?
        .with_batch_size(READ_BATCH_ROWS)
        .build()?;
    if reader.schema() != arrow_schema() {
        return Err(ExportError::Io(io::Error::other(format!(
            "{} is not a part of this export: its columns differ",
            part.display()
        ))));
    }
    Ok(reader)
}

fn arrow_error(err: arrow_schema::ArrowError) -> ExportError {
    ExportError::Io(io::Error::other(format!("Parquet reader: {err}")))
}
