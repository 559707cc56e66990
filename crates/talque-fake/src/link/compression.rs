//! Response compression like a production proxy in front of the API (nginx `gzip on`).
//!
//! tower-http's `CompressionLayer` negotiates `Accept-Encoding` (gzip, br, zstd, deflate, with
//! q-values) and streams the body through async-compression, so the fake does not parse the
//! header or drive encoders itself.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// The level of every encoding. nginx's `gzip_comp_level` defaults to 1, the fastest level:
/// on ticket JSON it already shrinks a page about tenfold (786 KB to ~81 KB per 1000 tickets),
/// and it keeps the fake's CPU out of what client benchmarks measure.
const LEVEL: i32 = 1;

/// A response extension that keeps one answer uncompressed: faults whose point is the timing
/// of the bytes (a trickle, a stall, a reset mid-body) would otherwise sit in the encoder's
/// buffer, and faults that encode their own body must not be encoded twice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Uncompressed;

/// Compresses when the server's switch is on, the answer is not marked [`Uncompressed`], and
/// tower-http's default rules agree (bodies over 32 bytes, no images, no event streams).
#[derive(Clone)]
pub(crate) struct CompressWhen {
    enabled: Arc<AtomicBool>,
    default: DefaultPredicate,
}

impl Predicate for CompressWhen {
    fn should_compress<B>(&self, response: &axum::http::Response<B>) -> bool
    where
        B: http_body::Body,
    {
        self.enabled.load(Ordering::Relaxed)
            && response.extensions().get::<Uncompressed>().is_none()
            && self.default.should_compress(response)
    }
}

/// The layer, steered by `enabled` (the config's `compression`, changeable at run time).
pub(crate) fn layer(enabled: Arc<AtomicBool>) -> CompressionLayer<CompressWhen> {
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(LEVEL))
        .compress_when(CompressWhen {
            enabled,
            default: DefaultPredicate::new(),
        })
}

#[cfg(test)]
mod tests {
    use axum::http::Extensions;

    use super::*;

    /// Whether a 100-byte answer with these extensions would be compressed.
    fn decides(enabled: bool, extensions: Extensions) -> bool {
        let mut response = axum::http::Response::new(axum::body::Body::from(vec![b'x'; 100]));
        *response.extensions_mut() = extensions;
        CompressWhen {
            enabled: Arc::new(AtomicBool::new(enabled)),
            default: DefaultPredicate::new(),
        }
        .should_compress(&response)
    }

    #[test]
    fn the_switch_and_the_marker_turn_compression_off() {
        assert!(decides(true, Extensions::new()));
        assert!(!decides(false, Extensions::new()));
        let mut marked = Extensions::new();
        marked.insert(Uncompressed);
        assert!(!decides(true, marked));
    }
}
