//! Right-to-left text in Discord's left-to-right layout. Discord's clients lay every message,
//! embed and button out as a left-to-right paragraph (there is no `dir="auto"`), and they run
//! the Unicode bidirectional algorithm inside it; so an Arabic line gets its full stop and
//! question mark at the wrong end, a Latin name followed by a number ("TASS 29 فبراير") reads
//! in the wrong order, and an ISO date after an Arabic word shows backwards (`01-03-2024`).
//! The cure is the Unicode isolates (UAX #9): every line of right-to-left text is laid out as
//! a right-to-left isolate (RLI … PDI, after a right-to-left mark, so that a client that does
//! detect the direction from the first letter also sees it), and the Latin runs inside it
//! (URLs, ids, names, dates, code) are isolates of their own; data of the other direction
//! (an Arabic title in an English reply, an English note in an Arabic one) is a first-strong
//! isolate (FSI … PDI). Text of the reply's own direction is left as it is.

use crate::text::Lang;

/// Left-to-right isolate.
const LRI: char = '\u{2066}';
/// Right-to-left isolate.
const RLI: char = '\u{2067}';
/// First-strong isolate: the direction of its first letter.
const FSI: char = '\u{2068}';
/// Pop directional isolate: ends the innermost isolate.
const PDI: char = '\u{2069}';
/// Right-to-left mark.
const RLM: char = '\u{200F}';

/// The characters this module adds to a line of right-to-left text (RLM, RLI, PDI).
pub const LINE_OVERHEAD: usize = 3;

/// The direction a reply is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction of a language's script.
    pub fn of(lang: Lang) -> Direction {
        if lang.rules().script().right_to_left() {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }

    /// Text written in this direction (a filled-in template, a translated answer, a member's
    /// question): in right-to-left text each Latin run (a name, an id, a URL, a date, a
    /// `code` span) becomes a left-to-right isolate, so that the numbers and punctuation
    /// around it keep their places. Left-to-right text is returned as it is.
    pub fn text(self, text: &str) -> String {
        match self {
            Direction::Ltr => text.to_string(),
            Direction::Rtl => isolate_latin_runs(text),
        }
    }

    /// A piece of data of any direction (a title, an outlet, a quote, a note, an id, a date)
    /// placed in text of this direction: a first-strong isolate when it holds letters or
    /// numbers that would disturb the text around it, else as it is.
    /// Each line of a piece is isolated on its own (an isolate ends with its line).
    pub fn piece(self, piece: &str) -> String {
        if piece.contains('\n') {
            let lines: Vec<String> = piece.split('\n').map(|l| self.piece(l)).collect();
            return lines.join("\n");
        }
        let disturbs = match self {
            Direction::Ltr => piece.chars().any(is_rtl_letter),
            Direction::Rtl => piece
                .chars()
                .any(|c| c.is_ascii_digit() || is_ltr_letter(c)),
        };
        if disturbs && !piece.is_empty() {
            format!("{FSI}{piece}{PDI}")
        } else {
            piece.to_string()
        }
    }

    /// Every line of finished text laid out in this direction within Discord's left-to-right
    /// paragraphs: a right-to-left line becomes RLM RLI line PDI, after a Markdown marker that
    /// must stay first (`> `, `- `, `1. `, `# `). Left-to-right text is returned as it is.
    pub fn lines(self, text: &str) -> String {
        if self == Direction::Ltr {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len() + 16);
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            if line.trim().is_empty() {
                out.push_str(line);
                continue;
            }
            let (marker, rest) = line.split_at(markdown_marker(line));
            out.push_str(marker);
            out.push(RLM);
            out.push(RLI);
            out.push_str(rest);
            out.push(PDI);
        }
        out
    }

    /// How many characters [`Direction::lines`] adds to `text`.
    pub fn overhead(self, text: &str) -> usize {
        match self {
            Direction::Ltr => 0,
            Direction::Rtl => {
                LINE_OVERHEAD * text.split('\n').filter(|l| !l.trim().is_empty()).count()
            }
        }
    }
}

/// Text without the direction controls this module adds (to read back what was shown).
pub fn strip(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(*c, LRI | RLI | FSI | PDI | RLM))
        .collect()
}

/// The length in bytes of a Markdown line marker at the start of a line, if any.
fn markdown_marker(line: &str) -> usize {
    let bytes = line.as_bytes();
    let mut i = 0;
    match bytes.first() {
        Some(b'>') | Some(b'#') => {
            let c = bytes[0];
            while bytes.get(i) == Some(&c) {
                i += 1;
            }
        }
        Some(b'-') | Some(b'*') => i = 1,
        Some(b) if b.is_ascii_digit() => {
            while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if bytes.get(i) != Some(&b'.') {
                return 0;
            }
            i += 1;
        }
        _ => return 0,
    }
    if bytes.get(i) == Some(&b' ') {
        i + 1
    } else {
        0
    }
}

/// A letter written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
/// presentation forms).
fn is_rtl_letter(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
        && c.is_alphabetic()
}

/// A letter written left to right (Latin, Cyrillic, Greek and the rest).
fn is_ltr_letter(c: char) -> bool {
    c.is_alphabetic() && !is_rtl_letter(c)
}

/// Characters that stay inside a Latin run: in URLs, ids, dates and names.
fn joins_run(c: char) -> bool {
    c.is_ascii_digit()
        || is_ltr_letter(c)
        || matches!(
            c,
            '-' | '.' | '/' | ':' | '_' | '\'' | '’' | '&' | '%' | '?' | '=' | '#' | '+' | '~'
        )
}

/// Right-to-left text with each Latin run isolated: a run starts at a Latin letter, a digit,
/// or a `/` before a letter; goes on over letters, digits, URL and name punctuation, and
/// spaces between Latin words; and leaves trailing punctuation to the sentence. Plain numbers
/// ("29", "2024") are left alone (they read correctly in Arabic text); a `code` span is one run.
fn isolate_latin_runs(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            if let Some(len) = chars[i + 1..].iter().position(|&d| d == '`') {
                out.push(LRI);
                out.extend(&chars[i..=i + 1 + len]);
                out.push(PDI);
                i += len + 2;
                continue;
            }
        }
        let starts = c.is_ascii_digit()
            || is_ltr_letter(c)
            || (c == '/' && chars.get(i + 1).is_some_and(|&d| is_ltr_letter(d)));
        if !starts {
            out.push(c);
            i += 1;
            continue;
        }
        let mut end = i;
        while end < chars.len() {
            let d = chars[end];
            let space_in_name = d == ' '
                && end > i
                && is_ltr_letter(chars[end - 1])
                && chars.get(end + 1).is_some_and(|&e| is_ltr_letter(e));
            if joins_run(d) || space_in_name {
                end += 1;
            } else {
                break;
            }
        }
        while end > i + 1 && matches!(chars[end - 1], '.' | ',' | ':' | ';' | '?' | '\'' | '’') {
            end -= 1;
        }
        let run = &chars[i..end];
        let latin = run.iter().any(|&d| is_ltr_letter(d))
            || run
                .windows(3)
                .any(|w| w[0].is_ascii_digit() && matches!(w[1], '-' | '/' | ':' | '.'));
        if latin {
            out.push(LRI);
            out.extend(run);
            out.push(PDI);
        } else {
            out.extend(run);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_bidi::{BidiInfo, Level};

    /// How a line shows in Discord: laid out as a left-to-right paragraph by the Unicode
    /// bidirectional algorithm, left to right on screen, without the invisible controls.
    fn on_screen(line: &str) -> String {
        let info = BidiInfo::new(line, Some(Level::ltr()));
        let para = &info.paragraphs[0];
        strip(&info.reorder_line(para, para.range.clone()))
    }

    /// Arabic text as an Arabic reader reads it off the screen: right to left (a left-to-right
    /// run, such as a Latin name or a number, is read as a block).
    fn read_right_to_left(line: &str) -> String {
        on_screen(line).chars().rev().collect()
    }

    const SENTENCE: &str = "افتتح لافروف الاجتماع.";

    #[test]
    fn an_arabic_line_keeps_its_full_stop_at_its_end() {
        // Plain, Discord shows the full stop at the right: where an Arabic reader starts.
        assert!(
            on_screen(SENTENCE).ends_with('.'),
            "{}",
            on_screen(SENTENCE)
        );
        let laid_out = Direction::Rtl.lines(SENTENCE);
        assert!(
            on_screen(&laid_out).starts_with('.'),
            "{}",
            on_screen(&laid_out)
        );
        assert!(read_right_to_left(&laid_out).ends_with('.'));
    }

    #[test]
    fn a_line_that_starts_with_a_latin_name_reads_in_order() {
        let line = "Pluralia ذكرت أن الاجتماع بدأ.";
        // Plain, the Latin name is laid out first, at the left: the last thing an Arabic
        // reader reaches.
        assert!(
            on_screen(line).starts_with("Pluralia"),
            "{}",
            on_screen(line)
        );
        let laid_out = Direction::Rtl.lines(&Direction::Rtl.text(line));
        let screen = on_screen(&laid_out);
        assert!(screen.ends_with("Pluralia"), "{screen}");
        assert!(screen.starts_with('.'), "{screen}");
    }

    #[test]
    fn a_date_written_in_arabic_text_is_not_reversed() {
        let line = "انتهى الاجتماع في 2024-03-01 في موسكو.";
        let laid_out = Direction::Rtl.lines(&Direction::Rtl.text(line));
        assert!(
            on_screen(&laid_out).contains("2024-03-01"),
            "{}",
            on_screen(&laid_out)
        );
        // Without the isolate the date's parts are laid out right to left.
        let plain = on_screen(&Direction::Rtl.lines(line));
        assert!(plain.contains("01-03-2024"), "{plain}");
    }

    #[test]
    fn an_iso_date_in_arabic_text_is_not_reversed() {
        let line = format!("بتاريخ {}", Direction::Rtl.piece("2024-03-01"));
        assert!(on_screen(&Direction::Rtl.lines(&line)).starts_with("2024-03-01"));
        let plain = Direction::Rtl.lines("بتاريخ 2024-03-01");
        assert!(
            on_screen(&plain).starts_with("01-03-2024"),
            "{}",
            on_screen(&plain)
        );
    }

    #[test]
    fn an_english_note_in_an_arabic_line_keeps_its_full_stop() {
        let line = format!("ملخصنا: {}", Direction::Rtl.piece("Lavrov spoke first."));
        let screen = on_screen(&Direction::Rtl.lines(&line));
        assert!(screen.starts_with("Lavrov spoke first."), "{screen}");
        // The label is at the right, where the Arabic reader starts.
        let label: String = "ملخصنا".chars().rev().collect();
        assert!(screen.ends_with(&label), "{screen}");
    }

    #[test]
    fn an_arabic_title_in_an_english_line_keeps_its_punctuation_and_the_date_after_it() {
        let title = "لافروف يفتتح الاجتماع!";
        let line = format!("{}, 2024-02-29", Direction::Ltr.piece(title));
        let screen = on_screen(&line);
        assert!(screen.ends_with(", 2024-02-29"), "{screen}");
        assert!(screen.starts_with('!'), "{screen}");
        // Plain, the date is pulled into the Arabic run and the "!" lands in the middle.
        let plain = on_screen(&format!("{title}, 2024-02-29"));
        assert!(!plain.ends_with(", 2024-02-29"), "{plain}");
    }

    #[test]
    fn left_to_right_text_is_left_alone() {
        let text = "Lavrov opened the meeting on 2024-02-29.\n> “We met.”";
        assert_eq!(Direction::Ltr.lines(&Direction::Ltr.text(text)), text);
        assert_eq!(Direction::Ltr.piece("TASS"), "TASS");
        assert_eq!(Direction::Ltr.overhead(text), 0);
    }

    #[test]
    fn markdown_markers_stay_first_and_code_is_one_run() {
        let text = "> «نص»\n1. سؤال\n\nاستخدم `/topics` الآن";
        let laid_out = Direction::Rtl.lines(&Direction::Rtl.text(text));
        let lines: Vec<&str> = laid_out.split('\n').collect();
        assert!(lines[0].starts_with("> \u{200F}\u{2067}"), "{:?}", lines[0]);
        assert!(
            lines[1].starts_with("1. \u{200F}\u{2067}"),
            "{:?}",
            lines[1]
        );
        assert_eq!(lines[2], "");
        assert!(
            lines[3].contains("\u{2066}`/topics`\u{2069}"),
            "{:?}",
            lines[3]
        );
        assert_eq!(
            laid_out.chars().count() - Direction::Rtl.text(text).chars().count(),
            Direction::Rtl.overhead(text)
        );
        assert_eq!(strip(&laid_out), text);
    }

    #[test]
    fn latin_runs_take_urls_ids_and_names_but_not_trailing_punctuation() {
        let text = Direction::Rtl.text("قال Sergei Lavrov، انظر https://example.org/a-b.");
        assert!(text.contains("\u{2066}Sergei Lavrov\u{2069}،"), "{text:?}");
        assert!(
            text.contains("\u{2066}https://example.org/a-b\u{2069}."),
            "{text:?}"
        );
        assert_eq!(
            Direction::Rtl.text("في 29 فبراير 2024"),
            "في 29 فبراير 2024"
        );
        assert_eq!(Direction::Rtl.piece("موسكو"), "موسكو");
    }
}
