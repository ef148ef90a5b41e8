//! The picture as PNG: the SVG rendered by resvg with the bundled fonts.

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
    pixmap
        .encode_png()
        .map_err(|e| TimelineError::Picture(format!("cannot encode the PNG: {e}")))
}
