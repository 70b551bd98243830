//! Input the way a participant gives it: mouse clicks, typed text, keys, a chosen file.

use std::path::Path;

use chromiumoxide::cdp::browser_protocol::input::{DispatchKeyEventParams, DispatchKeyEventType};
use chromiumoxide::Page;

use crate::{eval, js_str, Result};

/// A key press as a keyboard would send it (keyDown with its text, then keyUp).
pub async fn press(page: &Page, key: Key) -> Result<()> {
    let (key_name, code, vk, text) = match key {
        Key::Tab | Key::ShiftTab => ("Tab", "Tab", 9, None),
        Key::Enter => ("Enter", "Enter", 13, Some("\r")),
        Key::Space => (" ", "Space", 32, Some(" ")),
    };
    let modifiers = if key == Key::ShiftTab { 8 } else { 0 };
    for kind in [DispatchKeyEventType::KeyDown, DispatchKeyEventType::KeyUp] {
        let mut event = DispatchKeyEventParams::new(kind.clone());
        event.key = Some(key_name.into());
        event.code = Some(code.into());
        event.windows_virtual_key_code = Some(vk);
        event.native_virtual_key_code = Some(vk);
        event.modifiers = Some(modifiers);
        if kind == DispatchKeyEventType::KeyDown {
            event.text = text.map(str::to_owned);
            event.unmodified_text = text.map(str::to_owned);
        }
        page.execute(event).await.map_err(|e| format!("pressing {key:?}: {e}"))?;
    }
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Tab,
    ShiftTab,
    Enter,
    Space,
}

/// Clicks the element matching `selector` with the mouse, at its middle (scrolled into view).
pub async fn click(page: &Page, selector: &str) -> Result<()> {
    let element = page.find_element(selector).await.map_err(|e| format!("finding {selector}: {e}"))?;
    element.click().await.map_err(|e| format!("clicking {selector}: {e}"))?;
    Ok(())
}

/// Types `text` into the field `selector` as a keyboard would: a click to focus it, its current
/// text selected, then the text inserted (one `input` event), replacing what was there.
pub async fn type_text(page: &Page, selector: &str, text: &str) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::input::InsertTextParams;
    // The mouse, not `click`: it works with the page's scripts disabled too.
    mouse_click(page, selector).await?;
    let focused = format!("(el => !!el && document.activeElement === el && (el.select(), true))(document.querySelector({}))", js_str(selector));
    if eval(page, &focused).await? != serde_json::Value::Bool(true) {
        return Err(format!("clicking {selector} did not focus it"));
    }
    if text.is_empty() {
        let clear = format!(
            "(el => {{ el.value = ''; el.dispatchEvent(new InputEvent('input', {{ bubbles: true, inputType: 'deleteContentBackward' }})); return 1; }})(document.querySelector({}))",
            js_str(selector)
        );
        eval(page, &clear).await?;
    } else {
        page.execute(InsertTextParams::new(text)).await.map_err(|e| format!("typing into {selector}: {e}"))?;
    }
    Ok(())
}

/// Chooses `files` in the file input `selector`, as the file picker does (`input` and `change`
/// events follow).
pub async fn choose_files(page: &Page, selector: &str, files: &[&Path]) -> Result<()> {
    use chromiumoxide::cdp::browser_protocol::dom::SetFileInputFilesParams;
    let element = page.find_element(selector).await.map_err(|e| format!("finding {selector}: {e}"))?;
    let mut params = SetFileInputFilesParams::new(files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>());
    params.backend_node_id = Some(element.backend_node_id);
    page.execute(params).await.map_err(|e| format!("choosing files in {selector}: {e}"))?;
    Ok(())
}

/// Types `digits` into the focused element one key at a time, as a keyboard does (keyDown with
/// the character, keyUp): the way to fill a date field's segments (`01152026` in an en-US
/// browser is 15 January 2026), which takes no inserted text.
pub async fn type_digits(page: &Page, digits: &str) -> Result<()> {
    for c in digits.chars() {
        let digit = c.to_digit(10).ok_or_else(|| format!("{c:?} is not a digit"))?;
        for kind in [DispatchKeyEventType::KeyDown, DispatchKeyEventType::KeyUp] {
            let mut event = DispatchKeyEventParams::new(kind.clone());
            event.key = Some(c.to_string());
            event.code = Some(format!("Digit{c}"));
            event.windows_virtual_key_code = Some(48 + i64::from(digit));
            event.native_virtual_key_code = Some(48 + i64::from(digit));
            if kind == DispatchKeyEventType::KeyDown {
                event.text = Some(c.to_string());
                event.unmodified_text = Some(c.to_string());
            }
            page.execute(event).await.map_err(|e| format!("typing {c}: {e}"))?;
        }
    }
    Ok(())
}

/// Clicks the element matching `selector` with the mouse at its middle, scrolled into view
/// without waiting on the page's scripts: works with JavaScript disabled, where [`click`] (which
/// waits for a promise in the page) never returns.
pub async fn mouse_click(page: &Page, selector: &str) -> Result<()> {
    let js = format!(
        "(el => {{ if (!el) return null; el.scrollIntoView({{ block: 'center' }}); const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})(document.querySelector({}))",
        js_str(selector)
    );
    let at = eval(page, &js).await?;
    let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else { return Err(format!("no {selector} to click")) };
    page.click(chromiumoxide::layout::Point { x, y }).await.map_err(|e| format!("clicking {selector}: {e}"))?;
    Ok(())
}

/// An uncompressed RGB PNG of `width` × `height` (a gradient with a checkerboard): as large as
/// a phone photo, easy to check once downscaled.
pub fn write_png(path: &Path, width: u32, height: u32) -> u64 {
    let mut raw = Vec::with_capacity(((width * 3 + 1) * height) as usize);
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let b = if (x / 50 + y / 50) % 2 == 0 { 200 } else { 60 };
            raw.extend([(x * 255 / width) as u8, (y * 255 / height) as u8, b]);
        }
    }
    // zlib with stored (uncompressed) deflate blocks.
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        z.extend(len.to_le_bytes());
        z.extend((!len).to_le_bytes());
        z.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &raw {
        a = (a + byte as u32) % 65_521;
        b = (b + a) % 65_521;
    }
    z.extend(((b << 16) | a).to_be_bytes());

    let mut table = [0u32; 256];
    for (n, entry) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *entry = c;
    }
    let crc = |data: &[u8]| !data.iter().fold(!0u32, |c, &byte| table[((c ^ byte as u32) & 0xff) as usize] ^ (c >> 8));
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8; 4], data: &[u8]| {
        png.extend((data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        png.extend_from_slice(&typed);
        png.extend(crc(&typed).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend(width.to_be_bytes());
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]); // 8 bits, RGB
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &z);
    chunk(b"IEND", &[]);
    std::fs::write(path, &png).expect("write the PNG");
    png.len() as u64
}
