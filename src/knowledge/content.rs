//! What the fact base may contain: the one set of rules for ids, URLs and every text field,
//! used by `check`, the store and the Discord form alike.
//!
//! Every text field:
//! - is not empty once invisible characters (zero-width, direction marks) are removed;
//! - holds no mention syntax (`@everyone`, `@here`, `<@…>`, `<#…>`), URLs included, since a
//!   front end could ping people with it;
//! - holds no control characters other than a newline (a terminal escape such as ESC or BEL
//!   would be printed raw by `ask` and `chat`), and no direction overrides or isolates (which
//!   reorder what a reader sees);
//! - fits its length limit.
//!
//! Answers and titles hold no Markdown masked links (`[text](url)`), which show one address and
//! lead to another.

/// The longest answer a fact may carry, in characters.
pub const MAX_ANSWER_CHARS: usize = 1500;
/// The longest canonical question or alternate, in characters.
pub const MAX_QUESTION_CHARS: usize = 300;
/// The longest topic a fact may have, in characters.
pub const MAX_TOPIC_CHARS: usize = 100;
/// The longest reason a change may carry, in characters.
pub const MAX_REASON_CHARS: usize = 500;
/// The longest id, in characters.
pub const MAX_ID_CHARS: usize = 100;
/// The longest URL, in characters.
pub const MAX_URL_CHARS: usize = 2000;

/// A kind of text in the fact base, with its limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Question,
    Alternate,
    Keyword,
    Answer,
    Topic,
    Note,
    Quote,
    Title,
    Outlet,
    Date,
    Description,
    Url,
    Reason,
    /// An event's label on the timeline (one line).
    Label,
}

impl Field {
    /// The most characters the field may hold.
    pub fn max_chars(self) -> usize {
        match self {
            Field::Question | Field::Alternate | Field::Keyword | Field::Note | Field::Title => {
                MAX_QUESTION_CHARS
            }
            Field::Answer | Field::Description | Field::Quote => MAX_ANSWER_CHARS,
            Field::Topic | Field::Date => MAX_TOPIC_CHARS,
            Field::Outlet => 200,
            Field::Url => MAX_URL_CHARS,
            Field::Reason => MAX_REASON_CHARS,
            Field::Label => super::events::MAX_LABEL_CHARS,
        }
    }

    fn no_masked_links(self) -> bool {
        matches!(self, Field::Answer | Field::Title | Field::Label)
    }
}

/// What is wrong with one text, as messages for `Problem`s and refusals (empty: nothing).
pub fn text_problems(field: Field, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let chars = text.chars().count();
    if text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        problems.push("the text is empty".to_string());
    } else if chars > field.max_chars() {
        problems.push(format!(
            "{chars} characters; the limit is {}",
            field.max_chars()
        ));
    }
    if contains_mention(text) {
        problems.push(MENTION_PROBLEM.to_string());
    }
    if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
        problems.push(format!(
            "the text holds the control character U+{:04X}; remove it",
            c as u32
        ));
    }
    if let Some(c) = text.chars().find(|&c| is_direction_override(c)) {
        problems.push(format!(
            "the text holds the direction override U+{:04X}, which reorders what readers see; remove it",
            c as u32
        ));
    }
    if field.no_masked_links() && has_masked_link(text) {
        problems.push(
            "the text holds a Markdown masked link ([text](address)), which shows one address and leads to another; write the address in the source instead"
                .to_string(),
        );
    }
    problems
}

/// What is wrong with a source URL (empty: nothing): an http(s) URL without spaces, and a text
/// like any other.
pub fn url_problems(url: &str) -> Vec<String> {
    let mut problems = text_problems(Field::Url, url);
    if !is_http_url(url) {
        problems.insert(0, format!("`{url}` is not an http(s) URL"));
    }
    problems
}

/// The message for mention syntax, wherever it is found.
pub const MENTION_PROBLEM: &str =
    "the text contains mention syntax (@everyone, @here or <@...>), which could ping people";

/// True for an id: 1 to 100 of lower-case `a-z`, `0-9` and `-`. Ids name files, so nothing
/// else (no `/`, no `.`) is ever one.
pub fn is_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// True for an `http://` or `https://` URL with something after the scheme and no whitespace.
pub fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty()) && !url.contains(char::is_whitespace)
}

/// True when text holds Discord mention syntax that could ping: `@everyone`, `@here`, `<@…>`
/// (users and roles) or `<#…>` (channels).
pub fn contains_mention(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("@everyone")
        || lower.contains("@here")
        || lower.contains("<@")
        || lower.contains("<#")
}

/// Zero-width and other characters that show nothing.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Bidirectional embeddings, overrides and isolates, and the marks that steer them.
fn is_direction_override(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// `[text](something)`: a Markdown masked link as Discord renders it.
fn has_masked_link(text: &str) -> bool {
    text.match_indices("](")
        .any(|(i, _)| text[..i].contains('['))
}

/// Text safe to print on a terminal: control characters other than newline and tab removed.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if text
        .chars()
        .all(|c| !c.is_control() || c == '\n' || c == '\t')
    {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars()
            .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lower_case_words_and_nothing_that_names_another_file() {
        assert!(is_id("meeting-dates") && is_id("a1"));
        for bad in ["", "Meeting", "../x", "a/b", "a.b", "a b", &"x".repeat(101)] {
            assert!(!is_id(bad), "{bad}");
        }
    }

    #[test]
    fn urls_are_http_without_spaces() {
        assert!(is_http_url("https://tass.com/politics/1"));
        assert!(is_http_url("http://example.org"));
        for bad in ["https://", "ftp://x", "https://a b", "tass.com"] {
            assert!(!is_http_url(bad), "{bad}");
        }
        assert!(url_problems("https://example.org/<@&1>")
            .iter()
            .any(|p| p.contains("mention")));
    }

    #[test]
    fn every_rule_is_named() {
        fn problems(field: Field, text: &str) -> String {
            text_problems(field, text).join("; ")
        }
        assert!(problems(Field::Answer, "fine\nparagraphs").is_empty());
        assert!(problems(Field::Question, "\u{200b} \u{200b}").contains("empty"));
        assert!(problems(Field::Topic, &"x".repeat(101)).contains("limit is 100"));
        assert!(problems(Field::Keyword, "hi @everyone").contains("mention"));
        assert!(problems(Field::Note, "<#123>").contains("mention"));
        assert!(problems(Field::Answer, "beep\u{7}").contains("U+0007"));
        assert!(problems(Field::Title, "a\u{1b}[31m").contains("U+001B"));
        assert!(problems(Field::Question, "two\nlines").is_empty());
        assert!(problems(Field::Question, "tab\there").contains("U+0009"));
        assert!(problems(Field::Outlet, "TASS\u{202e}").contains("direction override"));
        assert!(problems(Field::Answer, "see [TASS](https://evil.example)").contains("masked link"));
        assert!(problems(Field::Title, "[x](y)").contains("masked link"));
        assert!(problems(Field::Note, "[x](y)").is_empty());
    }

    #[test]
    fn printable_text_has_no_control_characters() {
        assert_eq!(printable("a\u{1b}[31mb\u{7}\nc"), "a[31mb\nc");
        assert!(matches!(
            printable("plain\n"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
