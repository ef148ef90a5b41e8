//! The fonts the picture is drawn with, compiled into the program (DejaVu Sans, regular and
//! bold, from `assets/fonts/`, licence beside them), so that it renders the same on a machine
//! with no fonts installed: no system font is ever loaded. DejaVu Sans covers Latin, Cyrillic
//! and Arabic. Text is measured by the same engine that renders it, so that labels placed
//! apart are drawn apart.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use resvg::usvg;

/// The family every text of the picture is set in.
pub const FAMILY: &str = "DejaVu Sans";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut db = usvg::fontdb::Database::new();
    for face in [REGULAR, BOLD] {
        db.load_font_source(usvg::fontdb::Source::Binary(Arc::new(face)));
    }
    db.set_sans_serif_family(FAMILY);
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: Arc::new(db),
        ..usvg::Options::default()
    }
});

/// The options every SVG of the picture is read with: the bundled fonts only.
pub fn options() -> &'static usvg::Options<'static> {
    &OPTIONS
}

/// The fonts' family names, as loaded (a test checks that only ours are there).
pub fn families() -> Vec<String> {
    let mut names: Vec<String> = OPTIONS
        .fontdb
        .faces()
        .flat_map(|f| f.families.iter().map(|(name, _)| name.clone()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Whether both bundled fonts have a glyph for every letter of a text (spaces aside).
pub fn covers(text: &str) -> bool {
    use skrifa::MetadataProvider;
    [REGULAR, BOLD].iter().all(|face| {
        skrifa::FontRef::new(face).is_ok_and(|font| {
            let charmap = font.charmap();
            text.chars()
                .filter(|c| !c.is_whitespace())
                .all(|c| charmap.map(c).is_some())
        })
    })
}

/// A run of text to measure: its words, size in pixels and weight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Run<'a> {
    pub text: &'a str,
    pub size: f32,
    pub bold: bool,
}

/// The most widths [`measure`] keeps; past it the cache starts afresh (a base has a few
/// hundred distinct words).
const MAX_CACHED: usize = 20_000;

/// A run as the cache knows it: its text, its size's bits, whether bold.
type RunKey = (String, u32, bool);

/// Widths already measured: a word's width never changes, and every picture of the same base
/// measures the same words.
static WIDTHS: LazyLock<Mutex<HashMap<RunKey, f32>>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// The advance width of each run in pixels, as the renderer lays it out (shaping, kerning and
/// right-to-left text included). The runs not measured before are read as one SVG.
pub fn measure(runs: &[Run<'_>]) -> Vec<f32> {
    let key = |run: &Run<'_>| -> RunKey { (run.text.to_string(), run.size.to_bits(), run.bold) };
    let mut cache = WIDTHS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let missing: Vec<Run<'_>> = runs
        .iter()
        .filter(|run| !cache.contains_key(&key(run)))
        .copied()
        .collect();
    if !missing.is_empty() {
        if cache.len() + missing.len() > MAX_CACHED {
            cache.clear();
        }
        for (run, width) in missing.iter().zip(measure_now(&missing)) {
            cache.insert(key(run), width);
        }
    }
    runs.iter()
        .map(|run| cache.get(&key(run)).copied().unwrap_or(0.0))
        .collect()
}

/// [`measure`] without the cache: one SVG read for all the runs.
fn measure_now(runs: &[Run<'_>]) -> Vec<f32> {
    let mut svg =
        String::from("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100000\" height=\"100\">");
    for (i, run) in runs.iter().enumerate() {
        svg.push_str(&format!(
            "<text id=\"m{i}\" x=\"0\" y=\"50\" font-family=\"{FAMILY}\" font-size=\"{}\" font-weight=\"{}\">{}</text>",
            run.size,
            if run.bold { "bold" } else { "normal" },
            super::svg::escape(run.text)
        ));
    }
    svg.push_str("</svg>");
    let mut widths = vec![0.0; runs.len()];
    if let Ok(tree) = usvg::Tree::from_str(&svg, options()) {
        collect_widths(tree.root(), &mut widths);
    }
    widths
}

fn collect_widths(group: &usvg::Group, widths: &mut [f32]) {
    for node in group.children() {
        match node {
            usvg::Node::Text(text) => {
                if let Some(i) = text
                    .id()
                    .strip_prefix('m')
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    if let Some(w) = widths.get_mut(i) {
                        *w = text.bounding_box().width();
                    }
                }
            }
            usvg::Node::Group(g) => collect_widths(g, widths),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_bundled_fonts_are_loaded() {
        assert_eq!(families(), ["DejaVu Sans"]);
        assert_eq!(OPTIONS.fontdb.len(), 2, "regular and bold");
    }

    #[test]
    fn the_fonts_cover_the_languages_the_bot_reads() {
        for text in [
            "Meeting opens in Moscow",
            "Réunion à Moscou, négociations",
            "Встреча в Москве",
            "الاجتماع في موسكو",
            "29 Feb \u{2013} 1 Mar 2024",
        ] {
            assert!(covers(text), "{text}");
        }
        assert!(!covers("莫斯科会议"), "no CJK in DejaVu Sans");
    }

    #[test]
    fn runs_are_measured_as_drawn() {
        let widths = measure(&[
            Run {
                text: "Moscow",
                size: 20.0,
                bold: false,
            },
            Run {
                text: "Moscow",
                size: 40.0,
                bold: false,
            },
            Run {
                text: "Moscow",
                size: 20.0,
                bold: true,
            },
            Run {
                text: "موسكو",
                size: 20.0,
                bold: false,
            },
            Run {
                text: "Москва",
                size: 20.0,
                bold: false,
            },
            Run {
                text: "",
                size: 20.0,
                bold: false,
            },
        ]);
        assert!(widths[0] > 50.0 && widths[0] < 100.0, "{widths:?}");
        assert!((widths[1] - 2.0 * widths[0]).abs() < 1.0, "{widths:?}");
        assert!(widths[2] > widths[0], "{widths:?}");
        assert!(widths[3] > 20.0 && widths[4] > 20.0, "{widths:?}");
        assert_eq!(widths[5], 0.0);
        // Measured again (from the cache), the same; and as if never measured, the same.
        let runs = [
            Run {
                text: "Moscow",
                size: 20.0,
                bold: true,
            },
            Run {
                text: "موسكو",
                size: 20.0,
                bold: false,
            },
        ];
        assert_eq!(measure(&runs), [widths[2], widths[3]]);
        assert_eq!(measure_now(&runs), [widths[2], widths[3]]);
    }
}
