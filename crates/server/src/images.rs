//! Attachment images: the type is read from the bytes (never the file name or Content-Type), the
//! image is fully decoded within limits and encoded afresh, so EXIF (GPS position, camera serial)
//! and any other metadata or trailing payload is dropped. EXIF orientation is applied first so
//! the photo still shows the right way up.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
const MAX_SIDE: u32 = 10_000;
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

#[derive(Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not JPEG, PNG or WebP by its bytes.
    Unsupported,
    /// Looks like a supported type but does not decode (truncated, corrupt, too large to decode).
    Corrupt,
}

pub struct Reencoded {
    pub content_type: &'static str,
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The format by magic bytes: only the three a phone camera or screenshot produces.
pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Some(f),
        _ => None,
    }
}

/// Decodes and re-encodes: JPEG stays JPEG; PNG and WebP become PNG (lossless, and what staff
/// tools open everywhere). CPU-heavy: run it on a blocking thread.
pub fn reencode(bytes: &[u8]) -> Result<Reencoded, ImageError> {
    let format = sniff(bytes).ok_or(ImageError::Unsupported)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| ImageError::Corrupt)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| ImageError::Corrupt)?;
    img.apply_orientation(orientation);
    let (width, height) = (img.width(), img.height());
    let mut out = Vec::new();
    let content_type = if format == ImageFormat::Jpeg {
        let rgb = img.to_rgb8();
        rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)).map_err(|_| ImageError::Corrupt)?;
        "image/jpeg"
    } else {
        let encoder = PngEncoder::new(&mut out);
        if img.color().has_alpha() {
            img.to_rgba8().write_with_encoder(encoder)
        } else {
            img.to_rgb8().write_with_encoder(encoder)
        }
        .map_err(|_| ImageError::Corrupt)?;
        "image/png"
    };
    Ok(Reencoded { content_type, data: out, width, height })
}
