//! The tray's picture: the app's icon with a badge in its lower right corner, none
//! when fine, amber when a renewal is due, red when expired or a renewal needs the
//! user. Pure (RGBA in memory), shared by the resident's StatusNotifierItem and the
//! window binary's own tray.

use shomei_engine::tray_state::TrayLevel;

const ICON: &[u8] = include_bytes!("../../../../../icons/32x32.png");

/// An RGBA picture, row by row.
pub struct Picture {
    pub rgba: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

impl Picture {
    /// The same pixels as ARGB32 in network byte order (StatusNotifierItem's pixmaps).
    pub fn argb(&self) -> Vec<u8> {
        self.rgba
            .chunks_exact(4)
            .flat_map(|p| [p[3], p[0], p[1], p[2]])
            .collect()
    }
}

/// The tray's picture for `level`.
pub fn picture(level: TrayLevel) -> Picture {
    let mut picture = app_icon();
    if let Some(color) = badge_color(level) {
        badge(&mut picture, color);
    }
    picture
}

/// The embedded 32×32 PNG, as RGBA (a transparent square if it cannot be read,
/// which the test below rules out for the icon we ship).
fn app_icon() -> Picture {
    decode(ICON).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the tray icon cannot be decoded");
        Picture {
            rgba: vec![0; 32 * 32 * 4],
            width: 32,
            height: 32,
        }
    })
}

fn decode(png_bytes: &[u8]) -> Result<Picture, String> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(
        png::Transformations::normalize_to_color8() | png::Transformations::ALPHA,
    );
    let mut reader = decoder.read_info().map_err(|e| e.to_string())?;
    let size = reader.output_buffer_size().ok_or("the icon is too large")?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(|e| e.to_string())?;
    if info.color_type != png::ColorType::Rgba || info.bit_depth != png::BitDepth::Eight {
        return Err(format!(
            "icon is {:?} {:?}, not 8-bit RGBA",
            info.color_type, info.bit_depth
        ));
    }
    buf.truncate(info.buffer_size());
    Ok(Picture {
        rgba: buf,
        width: info.width,
        height: info.height,
    })
}

pub fn badge_color(level: TrayLevel) -> Option<[u8; 3]> {
    match level {
        TrayLevel::Fine => None,
        TrayLevel::UpdateFailed | TrayLevel::RenewalDue => Some([0xE0, 0x9A, 0x00]),
        TrayLevel::Expired
        | TrayLevel::ProfileBroken
        | TrayLevel::LastFailed
        | TrayLevel::PinLocked
        | TrayLevel::Failed => Some([0xD3, 0x2F, 0x2F]),
    }
}

/// Paints an opaque disc of `color` (white ring) over the lower right 40 % of the picture.
fn badge(picture: &mut Picture, color: [u8; 3]) {
    let (width, height) = (picture.width, picture.height);
    let size = width.min(height) as f32;
    let r = size * 0.2;
    let (cx, cy) = (width as f32 - r - 0.5, height as f32 - r - 0.5);
    for y in 0..height {
        for x in 0..width {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            let fill = if d <= r - 1.5 {
                color
            } else if d <= r {
                [0xFF; 3]
            } else {
                continue;
            };
            let i = ((y * width + x) * 4) as usize;
            picture.rgba[i..i + 4].copy_from_slice(&[fill[0], fill[1], fill[2], 0xFF]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_badge_colours_the_lower_right_corner_only() {
        assert!(decode(ICON).is_ok(), "{:?}", decode(ICON).err());
        let fine = picture(TrayLevel::Fine);
        let due = picture(TrayLevel::RenewalDue);
        let expired = picture(TrayLevel::Expired);
        let (w, h) = (fine.width, fine.height);
        assert_eq!((w, h), (32, 32));
        let px = |img: &Picture, x: u32, y: u32| {
            let i = ((y * w + x) * 4) as usize;
            img.rgba[i..i + 4].to_vec()
        };
        let corner = (w - w / 5, h - h / 5);
        assert_eq!(px(&due, corner.0, corner.1), vec![0xE0, 0x9A, 0x00, 0xFF]);
        assert_eq!(
            px(&expired, corner.0, corner.1),
            vec![0xD3, 0x2F, 0x2F, 0xFF]
        );
        assert_ne!(px(&fine, corner.0, corner.1), px(&due, corner.0, corner.1));
        // The upper left is the app's own icon in every state.
        assert_eq!(px(&fine, 2, 2), px(&due, 2, 2));
        assert_eq!(fine.rgba.len(), (w * h * 4) as usize);
        assert!(badge_color(TrayLevel::Fine).is_none());
        assert_eq!(
            badge_color(TrayLevel::Failed),
            badge_color(TrayLevel::Expired)
        );
        // ARGB: alpha first.
        let i = ((corner.1 * w + corner.0) * 4) as usize;
        assert_eq!(&due.argb()[i..i + 4], &[0xFF, 0xE0, 0x9A, 0x00]);
    }
}
