//! `talks-bot timeline`: the events of the base in date order, as text or JSON, and the
//! picture as PNG or SVG.

use std::io::Write;
use std::path::PathBuf;

use super::CliError;
use crate::engine::Engine;
use crate::text::Lang;
use crate::timeline::{Options, Range, Timeline};

/// What `talks-bot timeline` was asked for.
#[derive(Debug, Clone, Default)]
pub struct Args {
    pub from: Option<String>,
    pub to: Option<String>,
    pub json: bool,
    pub png: Option<PathBuf>,
    pub svg: Option<PathBuf>,
    /// A fact whose events the picture highlights.
    pub highlight: Option<String>,
    /// The language of the labels (and of the text's headings).
    pub lang: Lang,
}

/// Prints the timeline (text, or JSON with `json`) and writes the pictures asked for; with a
/// picture and no `json`, prints what was written instead of the text.
pub fn timeline(engine: &Engine, args: &Args, out: &mut impl Write) -> Result<bool, CliError> {
    let range = Range::parse(args.from.as_deref(), args.to.as_deref())
        .map_err(|e| CliError::Failed(e.to_string()))?;
    let kb = engine.knowledge();
    if let Some(id) = &args.highlight {
        if kb.fact(id).is_none() {
            return Err(CliError::Failed(format!(
                "--highlight {id}: no fact has that id (see `talks-bot facts`)"
            )));
        }
    }
    let timeline = Timeline::in_language(kb, args.lang).between(range);
    let options = Options {
        title: None,
        range,
        highlight: args.highlight.clone(),
    };
    let mut wrote = Vec::new();
    if let Some(path) = &args.svg {
        let svg = timeline.svg(&options);
        write_file(path, svg.as_bytes())?;
        wrote.push(format!(
            "wrote {} (SVG, {} events)",
            path.display(),
            timeline.len()
        ));
    }
    if let Some(path) = &args.png {
        let png = timeline
            .png(&options)
            .map_err(|e| CliError::Failed(e.to_string()))?;
        write_file(path, &png)?;
        wrote.push(format!(
            "wrote {} (PNG, {} events, {} KB)",
            path.display(),
            timeline.len(),
            png.len().div_ceil(1024)
        ));
    }
    if args.json {
        writeln!(out, "{}", timeline.to_json())?;
    } else if wrote.is_empty() {
        write!(out, "{}", timeline.to_text(args.lang))?;
    } else {
        for line in wrote {
            writeln!(out, "{line}")?;
        }
    }
    Ok(true)
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes)
        .map_err(|e| CliError::Failed(format!("cannot write `{}`: {e}", path.display())))
}
