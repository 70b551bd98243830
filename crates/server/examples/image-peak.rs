//! Peak memory of one attachment decode (`images::reencode`), each case in a fresh process so
//! the kernel's high-water mark (`VmHWM`) covers that decode alone:
//!
//! ```sh
//! cargo run -p jmo-selfhelp-server --profile server --example image-peak
//! ```
//!
//! Prints, per input, its size, the extra peak resident memory over the process before the
//! decode (the file already read), the time, and what was stored.

use jmo_selfhelp_server::images;
use std::process::Command;
use std::time::Instant;

fn vm(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|r| r.trim().trim_end_matches(" kB").trim().parse::<u64>().ok()))
        .unwrap_or(0)
        * 1024
}

fn decode(path: &str, label: &str) {
    let bytes = std::fs::read(path).unwrap();
    let base = vm("VmRSS:");
    let started = Instant::now();
    let result = images::reencode(&bytes);
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let peak = vm("VmHWM:");
    let what = match &result {
        Ok(r) => format!("{} {}x{} {} KiB", r.content_type, r.width, r.height, r.data.len() / 1024),
        Err(e) => format!("refused: {e:?}"),
    };
    println!("{label:<36} {:>8} KiB {:>9.1} MiB {:>9.0} ms   {what}", bytes.len() / 1024, peak.saturating_sub(base) as f64 / 1048576.0, ms);
}

fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A VP8L header announcing `w` × `h` and nothing behind it.
fn webp_header_only(w: u32, h: u32) -> Vec<u8> {
    let bits: u32 = (w - 1) | ((h - 1) << 14);
    let mut vp8l = vec![0x2f];
    vp8l.extend_from_slice(&bits.to_le_bytes());
    vp8l.extend_from_slice(&[0u8; 27]);
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&((4 + 8 + vp8l.len()) as u32).to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(b"VP8L");
    out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
    out.extend_from_slice(&vp8l);
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("decode") {
        decode(&args[2], &args[3]);
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let side = images::MAX_SIDE;
    let rgba = image::RgbaImage::from_fn(side, side, |x, y| image::Rgba([(x / 16) as u8, (y / 16) as u8, ((x ^ y) & 0xff) as u8, 255]));
    let rgb = image::DynamicImage::ImageRgba8(rgba.clone()).to_rgb8();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("4096x4096 PNG RGBA", encode(image::DynamicImage::ImageRgba8(rgba.clone()), image::ImageFormat::Png)),
        ("4096x4096 WebP lossless RGBA", encode(image::DynamicImage::ImageRgba8(rgba), image::ImageFormat::WebP)),
        ("4096x4096 JPEG", encode(image::DynamicImage::ImageRgb8(rgb), image::ImageFormat::Jpeg)),
        ("1600x1200 JPEG (what the form sends)", encode(image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(1600, 1200, |x, y| image::Rgb([x as u8, y as u8, 7]))), image::ImageFormat::Jpeg)),
        ("8000x8000 WebP header only", webp_header_only(8000, 8000)),
    ];
    println!("{:<36} {:>12} {:>13} {:>12}   stored", "input", "file", "extra peak", "time");
    let exe = std::env::current_exe().unwrap();
    for (label, bytes) in cases {
        let path = dir.path().join("input");
        std::fs::write(&path, &bytes).unwrap();
        let status = Command::new(&exe).arg("decode").arg(&path).arg(label).status().unwrap();
        assert!(status.success());
    }
}
