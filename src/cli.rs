//! The terminal front end: `ask`, `chat`, `check`, `facts` and `eval`, over the same
//! [`Engine`] the Discord adapter uses. Each function writes to the writer it is given, so
//! tests drive them with buffers. `talks-bot fact ...` (changing facts) is in [`fact`].

pub mod fact;
pub mod input;

use std::io::{self, BufRead, Write};
use std::path::Path;

use serde_json::json;

use crate::answer::{source_line, CitedSource};
use crate::engine::Engine;
use crate::eval::{evaluate, load_cases, EvalError};
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
pub fn ask(engine: &Engine, question: &str, json: bool, out: &mut impl Write) -> io::Result<()> {
    let answer = engine.ask(question);
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
pub fn ask_lines(engine: &Engine, input: impl BufRead, out: &mut impl Write) -> io::Result<()> {
    let error = |message: String| json!({"question": null, "answered": false, "error": message});
    for line in input::lines(input, MAX_LINE_BYTES) {
        let value = match line? {
            Line::TooLong => error(format!(
                "the line is over the limit of {MAX_LINE_BYTES} bytes"
            )),
            Line::Text(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => engine.ask(text).to_json(),
                Err(_) => error("the line is not valid UTF-8".into()),
            },
        };
        writeln!(out, "{value}")?;
    }
    out.flush()
}

/// `talks-bot chat`: a question-and-answer loop until `/quit` or the end of input. The prompt
/// is shown only when `prompt` is true (a terminal); piped input works the same without it.
pub fn chat(
    engine: &Engine,
    input: impl BufRead,
    out: &mut impl Write,
    prompt: bool,
) -> io::Result<()> {
    let kb = engine.knowledge();
    writeln!(
        out,
        "talks-bot: ask about the intra-Palestinian meeting in Moscow ({} facts, {} sources). Type /help for help, /quit to leave.",
        kb.facts().len(),
        kb.sources().len()
    )?;
    let mut lines = input::lines(input, MAX_LINE_BYTES);
    loop {
        if prompt {
            write!(out, "\n> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = match line? {
            Line::Text(bytes) => bytes,
            Line::TooLong => {
                writeln!(
                    out,
                    "That line is over {MAX_LINE_BYTES} bytes, so I did not read it; ask in fewer words."
                )?;
                continue;
            }
        };
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        match text {
            "" => continue,
            "/quit" | "/exit" | "/q" => break,
            "/help" => writeln!(out, "{}\n{CHAT_HINTS}", crate::answer::HELP_TEXT)?,
            "/topics" => write!(out, "{}", printable(&topics_text(kb)))?,
            "/sources" => write!(out, "{}", printable(&sources_text(kb)))?,
            command if command.starts_with('/') => {
                writeln!(out, "Unknown command {command:?}. {CHAT_HINTS}")?;
            }
            question => {
                let answer = engine.ask(question);
                write!(out, "{}", printable(&answer.to_text()))?;
                if answer.outcome == crate::answer::Outcome::Help {
                    writeln!(out, "{CHAT_HINTS}")?;
                }
            }
        }
        if !prompt {
            writeln!(out)?;
        }
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
    if problems.is_empty() {
        writeln!(
            out,
            "ok: {} facts, {} sources, {} aliases in {}",
            kb.facts().len(),
            kb.sources().len(),
            kb.aliases().len(),
            dir.display()
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
            writeln!(out, "{} [{}]\n  {}", fact.id, fact.topic, fact.question)?;
        }
        writeln!(out, "{} facts", kb.facts().len())
    }
}

/// `talks-bot eval FILE`: the accuracy report with every miss; Ok(true) when both accuracy
/// figures reach `target`.
pub fn eval(
    engine: &Engine,
    file: &Path,
    target: f64,
    out: &mut impl Write,
) -> Result<bool, CliError> {
    let cases = load_cases(file)?;
    let report = evaluate(engine, &cases);
    write!(out, "{report}")?;
    Ok(report.answer_accuracy() >= target && report.decline_accuracy() >= target)
}
