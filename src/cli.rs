//! The terminal front end: `ask`, `chat`, `check`, `facts` and `eval`, over the same
//! [`Engine`] the Discord adapter uses. Each function writes to the writer it is given, so
//! tests drive them with buffers. `talks-bot fact ...` (changing facts) is in [`fact`], and
//! `talks-bot timeline` in [`timeline`].

pub mod chat;
pub mod fact;
pub mod input;
pub mod timeline;

pub use chat::chat;

use std::io::{self, BufRead, Write};
use std::path::Path;

use serde_json::json;

use crate::answer::{source_line, CitedSource};
use crate::engine::{Engine, Reading};
use crate::eval::{evaluate, load_cases_for, EvalError};
use crate::knowledge::content::printable;
use crate::knowledge::{check as check_base, KnowledgeBase, LoadError};

use input::{Line, MAX_LINE_BYTES};

/// What the terminal front end adds to the help text.
pub const CHAT_HINTS: &str = "Commands: /topics lists what I know, /sources lists my sources, /help shows this, /quit leaves.";

/// What `ask` adds to the help text.
pub const ASK_HINTS: &str =
    "Ask a question: talks-bot ask \"who took part?\". For a conversation, with /topics and /sources: talks-bot chat.";

/// Errors of the terminal commands that end the program.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    Eval(#[from] EvalError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("{0}")]
    Failed(String),
    #[error(transparent)]
    Input(#[from] input::InputError),
    #[error("cannot write the output: {0}")]
    Io(#[from] io::Error),
}

/// `talks-bot ask QUESTION`: one answer, as text or JSON.
pub fn ask(
    engine: &Engine,
    reading: Reading,
    question: &str,
    json: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let answer = engine.ask_with(question, reading);
    if json {
        return writeln!(out, "{}", answer.to_json());
    }
    write!(out, "{}", printable(&answer.to_text()))?;
    if answer.outcome == crate::answer::Outcome::Help {
        writeln!(out, "{ASK_HINTS}")?;
    }
    Ok(())
}

/// `talks-bot ask --explain`: how the question was read and scored.
pub fn explain(engine: &Engine, question: &str, out: &mut impl Write) -> io::Result<()> {
    write!(out, "{}", printable(&engine.explain(question)))
}

/// `talks-bot ask --json -`: one question a line in, one JSON object a line out, in order.
/// Lines that are not valid UTF-8, or longer than [`MAX_LINE_BYTES`], get an error object of
/// their own; nothing stops the stream.
pub fn ask_lines(
    engine: &Engine,
    reading: Reading,
    input: impl BufRead,
    out: &mut impl Write,
) -> io::Result<()> {
    let error = |message: String| json!({"question": null, "answered": false, "error": message});
    for line in input::lines(input, MAX_LINE_BYTES) {
        let value = match line? {
            Line::TooLong => error(format!(
                "the line is over the limit of {MAX_LINE_BYTES} bytes"
            )),
            Line::Text(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => engine.ask_with(text, reading).to_json(),
                Err(_) => error("the line is not valid UTF-8".into()),
            },
        };
        writeln!(out, "{value}")?;
    }
    out.flush()
}

/// Every topic with its questions.
pub fn topics_text(kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    for (topic, facts) in kb.topics() {
        out.push_str(&format!("{topic} ({})\n", facts.len()));
        for fact in facts {
            out.push_str(&format!("  - {}\n", fact.question));
        }
    }
    out
}

/// Every source with its link and how many facts cite it.
pub fn sources_text(kb: &KnowledgeBase) -> String {
    let mut out = String::new();
    for source in kb.sources() {
        let cited = kb.facts_citing(&source.id).count();
        out.push_str(&format!("- {} [{} fact(s)]\n", source_line(source), cited));
    }
    out
}

/// `talks-bot check`: lists every problem; Ok(true) when there are none.
pub fn check(dir: &Path, out: &mut impl Write) -> Result<bool, CliError> {
    let (kb, mut problems) = KnowledgeBase::load_unchecked(dir)?;
    problems.extend(check_base(&kb));
    for problem in &problems {
        writeln!(out, "{problem}")?;
    }
    let warnings = crate::knowledge::translation::warnings(&kb);
    for warning in &warnings {
        writeln!(out, "warning: {warning}")?;
    }
    if problems.is_empty() {
        writeln!(
            out,
            "ok: {} facts, {} sources, {} aliases, {} translations in {}{}",
            kb.facts().len(),
            kb.sources().len(),
            kb.aliases().len(),
            kb.translations().len(),
            dir.display(),
            if warnings.is_empty() {
                String::new()
            } else {
                format!(" ({} warning(s))", warnings.len())
            }
        )?;
    } else {
        writeln!(out, "{} problem(s) in {}", problems.len(), dir.display())?;
    }
    Ok(problems.is_empty())
}

/// `talks-bot facts`: every fact, as text or one JSON array.
pub fn facts(engine: &Engine, json: bool, out: &mut impl Write) -> io::Result<()> {
    let kb = engine.knowledge();
    if json {
        let facts: Vec<_> = kb
            .facts()
            .iter()
            .map(|fact| {
                let mut value = serde_json::to_value(fact).unwrap_or_default();
                value["sources"] = CitedSource::of(kb, fact)
                    .iter()
                    .map(CitedSource::to_json)
                    .collect();
                value["answer_version"] = crate::knowledge::answer_version(&fact.answer).into();
                value["translations"] = crate::text::Lang::all()
                    .filter_map(|lang| {
                        let t = kb.translation(lang, &fact.id)?;
                        let state = if t.is_stale(fact) { "stale" } else { "fresh" };
                        Some((lang.code().to_string(), state.into()))
                    })
                    .collect::<serde_json::Map<String, serde_json::Value>>()
                    .into();
                value
            })
            .collect();
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&facts).unwrap_or_default()
        )
    } else {
        for fact in kb.facts() {
            let stale: Vec<&str> = crate::text::Lang::all()
                .filter(|&lang| {
                    kb.translation(lang, &fact.id)
                        .is_some_and(|t| t.is_stale(fact))
                })
                .map(crate::text::Lang::code)
                .collect();
            let note = if stale.is_empty() {
                String::new()
            } else {
                format!(" (translation stale: {})", stale.join(", "))
            };
            writeln!(
                out,
                "{} [{}]{note}\n  {}",
                fact.id, fact.topic, fact.question
            )?;
        }
        writeln!(out, "{} facts", kb.facts().len())
    }
}

/// `talks-bot eval FILE...`: per set, the accuracy and calibration report with every miss;
/// with `outcomes`, each set's per-question record is written to `DIR/<set>.tsv`. Ok(true)
/// when both accuracies of every set reach `target`.
pub fn eval(
    engine: &Engine,
    files: &[std::path::PathBuf],
    target: f64,
    outcomes: Option<&Path>,
    out: &mut impl Write,
) -> Result<bool, CliError> {
    let mut ok = true;
    for file in files {
        let cases = load_cases_for(engine, file)?;
        let report = evaluate(engine, &cases);
        writeln!(out, "== {} ({} questions)", file.display(), cases.len())?;
        write!(out, "{report}")?;
        if let Some(dir) = outcomes {
            let name = file
                .file_stem()
                .map_or("set".into(), |s| s.to_string_lossy());
            let path = dir.join(format!("{name}.tsv"));
            std::fs::write(&path, report.outcome_lines())
                .map_err(|e| CliError::Failed(format!("cannot write `{}`: {e}", path.display())))?;
        }
        ok &= report.answer_accuracy() >= target && report.decline_accuracy() >= target;
    }
    Ok(ok)
}

/// `talks-bot train`: fits the confidence model and writes it (the reviewed
/// `src/matcher/model.toml`).
pub fn train(
    engine: &Engine,
    train: &[std::path::PathBuf],
    dev: &[std::path::PathBuf],
    file: Option<&Path>,
    out: &mut impl Write,
) -> Result<(), CliError> {
    let load = |files: &[std::path::PathBuf]| -> Result<Vec<crate::eval::Case>, CliError> {
        let mut cases = Vec::new();
        for f in files {
            cases.extend(load_cases_for(engine, f)?);
        }
        Ok(cases)
    };
    let (train_cases, dev_cases) = (load(train)?, load(dev)?);
    let (model, summary) = crate::eval::train::train(engine, &train_cases, &dev_cases);
    let names = |files: &[std::path::PathBuf]| {
        files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let header = format!(
        "The confidence model (see src/matcher/model.rs), written by `talks-bot train`.\n\
         Weights: {} questions ({} candidates) of {}.\n\
         Calibration: {} questions of {}.\n\
         Retrain after changing the features or the knowledge: see the README.",
        summary.train_cases,
        summary.rows,
        names(train),
        summary.dev_cases,
        names(dev)
    );
    let text = model.to_toml(&header);
    match file {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| CliError::Failed(format!("cannot write `{}`: {e}", path.display())))?,
        None => write!(out, "{text}")?,
    }
    Ok(())
}
