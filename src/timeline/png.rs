//! The picture as PNG: the SVG rendered by resvg with the bundled fonts, encoded fast. The
//! card is opaque, so the PNG is RGB (no alpha channel) when every pixel is opaque, and RGBA
//! otherwise; `png`'s fast compression keeps encoding a few milliseconds for a file a little
//! larger than the balanced setting gives, still well under Discord's limit.

use resvg::{tiny_skia, usvg};

use super::{fonts, TimelineError};

/// Renders an SVG document to PNG bytes, at its own size.
pub fn render(svg: &str) -> Result<Vec<u8>, TimelineError> {
    let tree = usvg::Tree::from_str(svg, fonts::options())
        .map_err(|e| TimelineError::Picture(format!("the SVG does not read: {e}")))?;
    let size = tree.size().to_int_size();
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| TimelineError::Picture(format!("no room for {size:?}")))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    encode(&pixmap).map_err(|e| TimelineError::Picture(format!("cannot encode the PNG: {e}")))
}

/// The pixels as PNG: RGB when all are opaque (premultiplied and straight colours are then
/// the same), else RGBA with the colours demultiplied.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, png::EncodingError> {
    let opaque = pixmap.pixels().iter().all(|p| p.alpha() == u8::MAX);
    let (colour, data) = if opaque {
        let rgb = pixmap
            .data()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect::<Vec<u8>>();
        (png::ColorType::Rgb, rgb)
    } else {
        (png::ColorType::Rgba, pixmap.clone().take_demultiplied())
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.write_header()?.write_image_data(&data)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The colour type in a PNG's header: 2 RGB, 6 RGBA.
    fn colour_type(png: &[u8]) -> u8 {
        png[25]
    }

    #[test]
    fn an_opaque_picture_is_rgb_and_a_transparent_one_keeps_its_alpha() {
        let opaque = render(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#fafafa"/><rect width="20" height="20" fill="#bc4c00"/></svg>"##,
        )
        .unwrap();
        assert_eq!(colour_type(&opaque), 2);
        let pixmap = tiny_skia::Pixmap::decode_png(&opaque).unwrap();
        let orange = pixmap.pixel(5, 5).unwrap();
        assert_eq!(
            (orange.red(), orange.green(), orange.blue(), orange.alpha()),
            (0xbc, 0x4c, 0x00, 255)
        );

        let half = render(
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="20" height="20" fill="#bc4c00" fill-opacity="0.5"/></svg>"##,
        )
        .unwrap();
        assert_eq!(colour_type(&half), 6);
        let pixmap = tiny_skia::Pixmap::decode_png(&half).unwrap();
        assert_eq!(pixmap.pixel(30, 5).unwrap().alpha(), 0);
        let pixel = pixmap.pixel(5, 5).unwrap().demultiply();
        assert!((i32::from(pixel.alpha()) - 128).abs() <= 1, "{pixel:?}");
        assert!((i32::from(pixel.red()) - 0xbc).abs() <= 2, "{pixel:?}");
    }
}
