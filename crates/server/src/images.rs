//! Attachment images: the type is read from the bytes (never the file name or Content-Type), the
//! image is fully decoded within limits and encoded afresh as JPEG, so EXIF (GPS position, camera
//! serial) and any other metadata or trailing payload is dropped. EXIF orientation is applied
//! first so the photo still shows the right way up.
//!
//! Limits: the dimensions are read from the header before any pixel is decoded; more than
//! [`MAX_SIDE`] px a side or [`MAX_PIXELS`] pixels is refused ([`ImageError::TooLarge`]), so a
//! small file that claims to be huge costs nothing. Decoding allocates at most
//! [`MAX_DECODE_ALLOC`]. The stored JPEG is never larger than [`MAX_UPLOAD_BYTES`]: when quality
//! 85 gives more (noise), lower qualities and then halving the size are tried.
//!
//! Peak memory of one decode (a 4096 × 4096 RGBA image, the worst case): the decoded buffer
//! (64 MiB) and its RGB copy (48 MiB; the RGBA buffer is freed after), then a rotated copy when
//! EXIF says so (the unrotated one is freed after) and the JPEG being written (≤ 5 MiB): 112.5
//! MiB measured by `examples/image-peak.rs` (50 MiB for a 4096 × 4096 JPEG). At most two decode at
//! once (`AppState::image_slots`).

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The form never sends more than 1600 px a side; a phone camera's full photo stays below this.
pub const MAX_SIDE: u32 = 4096;
/// 16.7 MP (4096 × 4096).
pub const MAX_PIXELS: u64 = 4096 * 4096;
/// Room for the largest allowed image as 8-bit RGBA plus the decoders' own buffers.
const MAX_DECODE_ALLOC: u64 = 80 * 1024 * 1024;
const JPEG_QUALITIES: [u8; 3] = [85, 70, 50];

#[derive(Debug, PartialEq, Eq)]
pub enum ImageError {
    /// Not JPEG, PNG or WebP by its bytes.
    Unsupported,
    /// Looks like a supported type but does not decode (truncated, corrupt).
    Corrupt,
    /// Its header announces more pixels than the server decodes.
    TooLarge { width: u32, height: u32 },
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

/// Decodes and re-encodes as JPEG (transparent pixels on white). CPU-heavy: run it on a
/// blocking thread.
pub fn reencode(bytes: &[u8]) -> Result<Reencoded, ImageError> {
    reencode_within(bytes, MAX_SIDE)
}

/// As [`reencode`], and first downscaled so the long side is at most `max_side` px (never
/// upscaled): a photo posted by a form without JavaScript comes as the camera took it, and is
/// kept at the size the browser form would have sent (`jmo_form::images::MAX_SIDE`).
pub fn reencode_within(bytes: &[u8], max_side: u32) -> Result<Reencoded, ImageError> {
    let format = sniff(bytes).ok_or(ImageError::Unsupported)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| too_large_or_corrupt(&e, bytes, format))?;
    // The header's dimensions, before a single pixel is decoded.
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE || width as u64 * height as u64 > MAX_PIXELS {
        return Err(ImageError::TooLarge { width, height });
    }
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    // Over the allocation limit (16 bits a channel at full size): too large, not corrupt.
    let img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooLarge { width, height },
        _ => ImageError::Corrupt,
    })?;
    let rgb = flatten(img);
    let mut img = DynamicImage::ImageRgb8(rgb);
    img.apply_orientation(orientation);
    let DynamicImage::ImageRgb8(mut rgb) = img else { return Err(ImageError::Corrupt) };
    let long = rgb.width().max(rgb.height());
    if long > max_side {
        let scale = |side: u32| ((side as u64 * max_side as u64).div_ceil(long as u64) as u32).clamp(1, max_side);
        rgb = image::imageops::resize(&rgb, scale(rgb.width()), scale(rgb.height()), FilterType::Triangle);
    }
    loop {
        for quality in JPEG_QUALITIES {
            let mut out = Vec::new();
            rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality)).map_err(|_| ImageError::Corrupt)?;
            if out.len() <= MAX_UPLOAD_BYTES {
                return Ok(Reencoded { content_type: "image/jpeg", data: out, width: rgb.width(), height: rgb.height() });
            }
        }
        // Still too large (pure noise): halve it and try again.
        let (w, h) = ((rgb.width() / 2).max(1), (rgb.height() / 2).max(1));
        rgb = image::imageops::resize(&rgb, w, h, FilterType::Triangle);
    }
}

/// 8-bit RGB, transparent pixels composed on white (JPEG has no alpha).
fn flatten(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut rgb = RgbImage::new(w, h);
    for (out, px) in rgb.pixels_mut().zip(rgba.pixels()) {
        let a = px[3] as u32;
        for c in 0..3 {
            out[c] = ((px[c] as u32 * a + 255 * (255 - a) + 127) / 255) as u8;
        }
    }
    rgb
}

/// The image crate refuses dimensions over the limits while reading the header: say so.
fn too_large_or_corrupt(e: &image::ImageError, bytes: &[u8], format: ImageFormat) -> ImageError {
    if matches!(e, image::ImageError::Limits(_)) {
        // Read the dimensions again without limits (the header only) to report them.
        let dims = ImageReader::with_format(Cursor::new(bytes), format).into_dimensions().unwrap_or((0, 0));
        return ImageError::TooLarge { width: dims.0, height: dims.1 };
    }
    ImageError::Corrupt
}
