//! `talks-bot chat`: a question-and-answer loop until `/quit` or the end of input, as people
//! expect of a terminal program. At a terminal, lines are read with rustyline (line editing,
//! and a history kept between sessions); piped input is read line by line within its limits.
//! Answers are wrapped at the terminal's width at word boundaries (textwrap), headings and
//! sources are coloured when standard output takes colour (anstream's rule: a terminal, and
//! `NO_COLOR` unset; `CLICOLOR_FORCE` forces it), and the follow-ups and suggestions of the
//! last answer are numbered: typing a number asks that one.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};

use super::input::{self, Line, MAX_LINE_BYTES};
use super::{sources_text, topics_text, CHAT_HINTS};
use crate::answer::{Answer, Outcome};
use crate::engine::Engine;
use crate::knowledge::content::printable;
use crate::messages::messages;

/// How answers are shown: wrapped at `width` (none: as they are) and coloured or not.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Look {
    pub width: Option<usize>,
    pub colour: bool,
}

impl Look {
    /// For standard output: its width if it is a terminal, colour if it takes colour.
    pub fn for_stdout() -> Look {
        let stdout = io::stdout();
        Look {
            width: stdout.is_terminal().then(textwrap::termwidth),
            colour: anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never,
        }
    }
}

const HEADING: Style = Style::new().bold();
const SOURCE: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Cyan)));
const NUMBER: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const FOOTER: Style = Style::new().dimmed();

/// Where the lines of a session come from.
enum Lines<'a> {
    Piped(Box<dyn Iterator<Item = io::Result<Line>> + 'a>),
    Terminal(Box<rustyline::DefaultEditor>),
}

/// The next line: `None` at the end of input (or Ctrl-D).
fn next_line(lines: &mut Lines<'_>) -> Option<io::Result<Line>> {
    match lines {
        Lines::Piped(lines) => lines.next(),
        Lines::Terminal(editor) => loop {
            match editor.readline("> ") {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    return Some(Ok(if line.len() > MAX_LINE_BYTES {
                        Line::TooLong
                    } else {
                        Line::Text(line.into_bytes())
                    }));
                }
                // Ctrl-C clears the line, as in a shell; Ctrl-D leaves.
                Err(rustyline::error::ReadlineError::Interrupted) => continue,
                Err(rustyline::error::ReadlineError::Eof) => return None,
                Err(rustyline::error::ReadlineError::Io(e)) => return Some(Err(e)),
                Err(e) => return Some(Err(io::Error::other(e))),
            }
        },
    }
}

/// `talks-bot chat` over `input` (piped): the prompt is shown only when `prompt` is true; the
/// answers as they are (no wrapping, no colour).
pub fn chat(
    engine: &Engine,
    input: impl BufRead,
    out: &mut impl Write,
    prompt: bool,
) -> io::Result<()> {
    chat_with(engine, input, out, prompt, Look::default())
}

/// [`chat`] with answers shown as `look` says.
pub fn chat_with(
    engine: &Engine,
    input: impl BufRead,
    out: &mut impl Write,
    prompt: bool,
    look: Look,
) -> io::Result<()> {
    let mut lines = Lines::Piped(Box::new(input::lines(input, MAX_LINE_BYTES)));
    session(engine, &mut lines, out, prompt, look)
}

/// `talks-bot chat` at a terminal: rustyline reads the lines, with the history kept in
/// [`history_file`] between sessions.
pub fn chat_terminal(engine: &Engine, out: &mut impl Write, look: Look) -> io::Result<()> {
    let mut editor = rustyline::DefaultEditor::new().map_err(io::Error::other)?;
    let history = history_file();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let mut lines = Lines::Terminal(Box::new(editor));
    let result = session(engine, &mut lines, out, false, look);
    if let (Lines::Terminal(editor), Some(path)) = (&mut lines, &history) {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        if let Err(error) = editor.save_history(path) {
            tracing::warn!(path = %path.display(), %error, "could not save the chat history");
        }
    }
    result
}

/// Where the chat history is kept: `$XDG_STATE_HOME/talks-bot/history`, else
/// `~/.local/state/talks-bot/history`.
pub fn history_file() -> Option<PathBuf> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".local/state"))
        })?;
    Some(state.join("talks-bot").join("history"))
}

fn session(
    engine: &Engine,
    lines: &mut Lines<'_>,
    out: &mut impl Write,
    prompt: bool,
    look: Look,
) -> io::Result<()> {
    let kb = engine.knowledge();
    writeln!(
        out,
        "talks-bot: ask about the intra-Palestinian meeting in Moscow ({} facts, {} sources). Type /help for help, /quit to leave.",
        kb.facts().len(),
        kb.sources().len()
    )?;
    // The fact ids of the last answer's numbered follow-ups or suggestions.
    let mut numbered: Vec<String> = Vec::new();
    loop {
        if prompt {
            write!(out, "\n> ")?;
            out.flush()?;
        }
        let Some(line) = next_line(lines) else {
            break;
        };
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
        let picked = text
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| numbered.get(i));
        let answer = match (text, picked) {
            ("", _) => continue,
            ("/quit" | "/exit" | "/q", _) => break,
            ("/help", _) => {
                writeln!(out, "{}\n{CHAT_HINTS}", crate::answer::HELP_TEXT)?;
                None
            }
            ("/topics", _) => {
                write!(out, "{}", printable(&topics_text(kb)))?;
                None
            }
            ("/sources", _) => {
                write!(out, "{}", printable(&sources_text(kb)))?;
                None
            }
            (command, None) if command.starts_with('/') => {
                writeln!(out, "Unknown command {command:?}. {CHAT_HINTS}")?;
                None
            }
            (_, Some(id)) => engine.answer_fact(id),
            (question, None) => Some(engine.ask(question)),
        };
        if let Some(answer) = answer {
            let (text, ids) = show(&answer, look);
            write!(out, "{text}")?;
            if answer.outcome == Outcome::Help {
                writeln!(out, "{CHAT_HINTS}")?;
            }
            numbered = ids;
        }
        if !prompt {
            writeln!(out)?;
        }
    }
    out.flush()
}

/// An answer as chat shows it: its text with the follow-ups (or suggestions) numbered,
/// wrapped and coloured as `look` says; and the fact ids the numbers stand for.
pub fn show(answer: &Answer<'_>, look: Look) -> (String, Vec<String>) {
    let listed = if answer.is_answered() {
        &answer.related
    } else {
        &answer.suggestions
    };
    let ids: Vec<String> = listed.iter().map(|f| f.id.clone()).collect();
    let m = messages(answer.language);
    let headings = [format!("{}:", m.sources), format!("{}:", m.also_ask)];
    let text = printable(&answer.to_text()).into_owned();
    let mut out = String::with_capacity(text.len() + 64);
    let mut item = 0;
    for line in text.lines() {
        // The answer text lists follow-ups and suggestions as "  - question", in their order.
        let (line, is_item) = match line.strip_prefix("  - ") {
            Some(rest) if item < ids.len() => {
                item += 1;
                (format!("  {item}. {rest}"), true)
            }
            _ => (line.to_string(), false),
        };
        let style = if headings.contains(&line) {
            HEADING
        } else if line.starts_with("  [") && line[3..].starts_with(|c: char| c.is_ascii_digit()) {
            SOURCE
        } else if line.starts_with('[') && line.ends_with(']') {
            FOOTER
        } else {
            Style::new()
        };
        for (i, wrapped) in wrap(&line, look.width).into_iter().enumerate() {
            let painted = if is_item && i == 0 && look.colour {
                // Only the number stands out in a numbered line.
                let (number, rest) = wrapped.split_at(wrapped.find(". ").map_or(0, |p| p + 1));
                format!("{}{number}{}{rest}", NUMBER.render(), NUMBER.render_reset())
            } else if look.colour && style != Style::new() {
                format!("{}{wrapped}{}", style.render(), style.render_reset())
            } else {
                wrapped
            };
            out.push_str(&painted);
            out.push('\n');
        }
    }
    (out, ids)
}

/// A line wrapped at `width` at word boundaries (a word longer than the width, such as a URL,
/// is kept whole); continuation lines are indented like the line, and past a list marker
/// ("  [1] ", "  2. ").
fn wrap(line: &str, width: Option<usize>) -> Vec<String> {
    let Some(width) = width.filter(|&w| w >= 20) else {
        return vec![line.to_string()];
    };
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    let marker = body
        .split_once(' ')
        .filter(|(head, _)| {
            (head.starts_with('[') && head.ends_with(']'))
                || head
                    .strip_suffix('.')
                    .is_some_and(|n| n.parse::<u32>().is_ok())
        })
        .map_or(0, |(head, _)| head.chars().count() + 1);
    let follow = format!("{indent}{}", " ".repeat(marker));
    let options = textwrap::Options::new(width)
        .initial_indent(indent)
        .subsequent_indent(&follow)
        // Break at spaces only: never inside a word, a hyphenated name or a URL.
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false);
    textwrap::wrap(body, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_wrapped_at_words_and_indented_past_their_marker() {
        let line = "  [1] Pluralia, Intra-Palestinian Meeting in Moscow Seeks to Establish Interim Government, https://pluralia.forumverona.com/en/news/a-very-long-address";
        let wrapped = wrap(line, Some(40));
        assert!(wrapped.len() > 2, "{wrapped:?}");
        assert!(wrapped[0].starts_with("  [1] Pluralia,"), "{wrapped:?}");
        for l in &wrapped[1..] {
            assert!(
                l.starts_with("      ") && !l.starts_with("       "),
                "{l:?}"
            );
        }
        // Words are never cut, and a URL longer than the width stays whole.
        assert_eq!(
            wrapped.join(" ").split_whitespace().collect::<Vec<_>>(),
            line.split_whitespace().collect::<Vec<_>>()
        );
        assert!(wrapped
            .iter()
            .all(|l| l.chars().count() <= 40 || !l.trim().contains(' ')));
        assert_eq!(wrap("short", Some(40)), ["short"]);
        assert_eq!(wrap(line, None), [line]);
    }

    #[test]
    fn follow_ups_are_numbered_and_colour_is_only_on_request() {
        let engine = Engine::load(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
            Default::default(),
        )
        .unwrap();
        let answer = engine.ask("who opened the meeting?");
        assert!(!answer.related.is_empty());
        let (plain, ids) = show(&answer, Look::default());
        assert_eq!(ids[0], answer.related[0].id);
        assert!(plain.contains("\n  1. "), "{plain}");
        assert!(!plain.contains('\u{1b}'), "{plain}");
        let (coloured, _) = show(
            &answer,
            Look {
                width: Some(60),
                colour: true,
            },
        );
        assert!(
            coloured.contains(&format!("{}Sources:", HEADING.render())),
            "{coloured}"
        );
        assert!(
            coloured.contains(&format!("{}  [1]", SOURCE.render())),
            "{coloured}"
        );
        let visible = coloured.replace(&HEADING.render().to_string(), "");
        assert!(
            visible.lines().count() > plain.lines().count(),
            "wrapped at 60"
        );
    }
}
