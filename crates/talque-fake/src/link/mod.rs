//! What happens between an answer and the wire: compression, pacing, and byte counts.

mod compression;
mod wire;

pub(crate) use compression::{layer as compression_layer, Uncompressed};
pub(crate) use wire::wrap as wire_stage;
