//! Bodies for the compressed-body faults: a real encoding of the true answer (to cut short),
//! and a decompression bomb.

use std::pin::Pin;

use async_compression::tokio::bufread::{BrotliEncoder, GzipEncoder, ZlibEncoder, ZstdEncoder};
use async_compression::Level;
use bytes::Bytes;
use flate2::{Compress, Compression, FlushCompress};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::error::FakeError;
use crate::faults::rule::ContentEncoding;

/// The level of the faults' encodings, the same as the compression layer's.
const LEVEL: i32 = 1;

/// The zeros one repeated deflate segment of the bomb stands for.
const BOMB_SEGMENT: usize = 1 << 20;
/// The gzip header: magic, deflate, no flags, no time, no extra flags, unknown OS.
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

/// `body` encoded as a whole in `encoding`, as the compression layer would send it.
pub(crate) async fn encode(encoding: ContentEncoding, body: &[u8]) -> Result<Vec<u8>, FakeError> {
    let level = Level::Precise(LEVEL);
    let mut encoder: Pin<Box<dyn AsyncRead + Send + '_>> = match encoding {
        ContentEncoding::Gzip => Box::pin(GzipEncoder::with_quality(body, level)),
        ContentEncoding::Deflate => Box::pin(ZlibEncoder::with_quality(body, level)),
        ContentEncoding::Br => Box::pin(BrotliEncoder::with_quality(body, level)),
        ContentEncoding::Zstd => Box::pin(ZstdEncoder::with_quality(body, level)),
    };
    let mut out = Vec::with_capacity(body.len() / 4);
    encoder
        .read_to_end(&mut out)
        .await
        .map_err(|err| FakeError::new(format!("cannot encode the answer: {err}")))?;
    Ok(out)
}

/// A valid gzip stream that inflates to `inflated` zero bytes (rounded up to whole MiB), as
/// chunks that share one compressed segment: about a thousandth of `inflated` on the wire,
/// and only one segment (about 1 KiB) in memory, however large the bomb.
///
/// Every segment is a deflate encoding of 1 MiB of zeros ended by a full flush, which empties
/// the compressor's window, so each segment decodes on its own and the same bytes can follow
/// each other any number of times in one stream.
pub(crate) fn gzip_bomb(inflated: u64) -> Result<Vec<Bytes>, FakeError> {
    let failed =
        |err: flate2::CompressError| FakeError::new(format!("cannot build the bomb: {err}"));
    let zeros = vec![0u8; BOMB_SEGMENT];
    let mut compress = Compress::new(Compression::best(), false);
    let mut segment = Vec::with_capacity(BOMB_SEGMENT / 16);
    compress
        .compress_vec(&zeros, &mut segment, FlushCompress::Full)
        .map_err(failed)?;
    if compress.total_in() != BOMB_SEGMENT as u64 {
        return Err(FakeError::new("the bomb's segment did not fit its buffer"));
    }
    let mut tail = Vec::with_capacity(64);
    compress
        .compress_vec(&[], &mut tail, FlushCompress::Finish)
        .map_err(failed)?;
    let count = inflated.div_ceil(BOMB_SEGMENT as u64).max(1);
    let mut segment_crc = crc32fast::Hasher::new();
    segment_crc.update(&zeros);
    let mut crc = crc32fast::Hasher::new();
    for _ in 0..count {
        crc.combine(&segment_crc);
    }
    let size = count.wrapping_mul(BOMB_SEGMENT as u64);
    tail.extend_from_slice(&crc.finalize().to_le_bytes());
    // ISIZE is the inflated size modulo 2^32 (RFC 1952), so the cut to 32 bits is intended.
    tail.extend_from_slice(&(size as u32).to_le_bytes());
    let segment = Bytes::from(segment);
    let count = usize::try_from(count)
        .map_err(|_| FakeError::new("the bomb is too large for this platform"))?;
    let mut chunks = Vec::with_capacity(count + 2);
    chunks.push(Bytes::from_static(&GZIP_HEADER));
    chunks.extend(std::iter::repeat_n(segment, count));
    chunks.push(Bytes::from(tail));
    Ok(chunks)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use std::io::Read;

    use super::*;

    #[test]
    fn the_bomb_is_small_and_inflates_exactly() {
        let chunks = gzip_bomb(5 * BOMB_SEGMENT as u64 - 1).unwrap();
        let wire: Vec<u8> = chunks.iter().flat_map(|chunk| chunk.to_vec()).collect();
        assert!(wire.len() < 5 * BOMB_SEGMENT / 500, "{}", wire.len());
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(wire.as_slice())
            .read_to_end(&mut inflated)
            .unwrap();
        assert_eq!(inflated.len(), 5 * BOMB_SEGMENT);
        assert!(inflated.iter().all(|&byte| byte == 0));
    }

    #[tokio::test]
    async fn encodings_round_trip() {
        let body = br#"{"orgId":"x","tickets":[]}"#.repeat(50);
        let gzip = encode(ContentEncoding::Gzip, &body).await.unwrap();
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(gzip.as_slice())
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, body);
        for encoding in [
            ContentEncoding::Br,
            ContentEncoding::Zstd,
            ContentEncoding::Deflate,
        ] {
            assert!(encode(encoding, &body).await.unwrap().len() < body.len());
        }
    }
}
