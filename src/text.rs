//! Text normalisation shared by the index and the questions: Unicode folding, tokens, stop
//! words, light stemming and alias expansion. Both sides of a match go through the same
//! [`Analyzer`], so a question and a fact meet on equal terms.

use std::collections::{HashMap, HashSet};

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::knowledge::Alias;

/// The longest question answered as it is; longer ones are cut to this many characters.
pub const MAX_INPUT_CHARS: usize = 1000;
/// Tokens longer than this are noise (a pasted hash, a run of letters) and are dropped.
const MAX_TOKEN_CHARS: usize = 40;

/// A question as the user typed it, made safe to process and show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanInput {
    pub text: String,
    /// The input was longer than [`MAX_INPUT_CHARS`] and was cut.
    pub truncated: bool,
}

/// Removes control, zero-width and bidirectional-override characters, folds runs of
/// whitespace, and cuts the text to [`MAX_INPUT_CHARS`].
pub fn clean_input(raw: &str) -> CleanInput {
    let mut text = String::with_capacity(raw.len().min(MAX_INPUT_CHARS * 4));
    let mut chars = 0;
    let mut truncated = false;
    let mut space = false;
    for c in raw.chars() {
        if c.is_whitespace() || c.is_control() {
            space = !text.is_empty();
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        if chars >= MAX_INPUT_CHARS {
            truncated = true;
            break;
        }
        if space {
            text.push(' ');
            chars += 1;
            space = false;
        }
        text.push(c);
        chars += 1;
    }
    CleanInput { text, truncated }
}

pub use crate::knowledge::content::contains_mention;
use crate::knowledge::content::is_invisible;

/// Folds text to lower-case words of letters and digits separated by single spaces:
/// NFKC, diacritics removed, possessive `'s` and other apostrophes dropped, everything else
/// that is not a letter or digit a separator. `"Lavrov's al-Mālikī"` becomes `"lavrov al maliki"`.
pub fn fold(text: &str) -> String {
    fold_words(text).join(" ")
}

fn fold_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut chars = text
        .nfkc()
        .flat_map(|c| c.to_lowercase())
        .collect::<Vec<char>>()
        .into_iter()
        .peekable();
    let mut prev_digit = false;
    while let Some(c) = chars.next() {
        if is_apostrophe(c) {
            // "lavrov's" -> "lavrov"; "don't" -> "dont"; a stray apostrophe is a separator.
            if !word.is_empty() && chars.peek() == Some(&'s') {
                let mut look = chars.clone();
                look.next();
                if look.peek().is_none_or(|n| !n.is_alphanumeric()) {
                    chars.next();
                    continue;
                }
            }
            if !word.is_empty() && chars.peek().is_some_and(|n| n.is_alphanumeric()) {
                continue;
            }
            push_word(&mut words, &mut word);
            continue;
        }
        if c == ',' && prev_digit && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            continue; // 30,000 -> 30000
        }
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                word.push(c);
            } else {
                push_word(&mut words, &mut word);
            }
        } else {
            // Diacritics go: "ā" decomposes to "a" and a combining mark, which is dropped.
            let mut any = false;
            unicode_normalization::char::decompose_canonical(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                any = true;
                if d.is_alphanumeric() {
                    word.push(d);
                } else {
                    push_word(&mut words, &mut word);
                }
            });
            // A combining mark with no precomposed form ("ope͓ned") stays inside its word.
            if !any && !c.is_alphanumeric() && !is_combining_mark(c) {
                push_word(&mut words, &mut word);
            }
        }
        prev_digit = c.is_ascii_digit();
    }
    push_word(&mut words, &mut word);
    words
}

fn push_word(words: &mut Vec<String>, word: &mut String) {
    if !word.is_empty() {
        if word.chars().count() <= MAX_TOKEN_CHARS {
            words.push(std::mem::take(word));
        } else {
            word.clear();
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '`' | '\u{00B4}'
    )
}

/// How matching sees a name or spelling: its stems, stop words kept, particles dropped.
/// Two spellings with one key are the same thing to the matcher.
pub fn match_key(text: &str) -> String {
    let terms = Analyzer::default().terms(text);
    terms
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Articles of Arabic names ("al-Maliki", "El Alamein"), dropped before aliases apply so that
/// "al-Malki", "al Malki" and "Malki" meet.
const PARTICLES: &[&str] = &["al", "el", "ul"];

#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "again", "also", "am", "an", "and", "any", "anyone", "anything", "are",
    "as", "at", "be", "been", "being", "both", "but", "by", "can", "could", "did", "do", "does",
    "doing", "done", "during", "each", "else", "even", "ever", "exactly", "for", "from", "further",
    "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "i",
    "if", "im", "in", "into", "is", "it", "its", "just", "kind", "know", "let", "like", "me",
    "might", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
    "or", "other", "our", "out", "over", "own", "please", "pls", "plz", "really", "same", "she",
    "should", "so", "some", "something", "such", "tell", "than", "that", "thats", "the", "their",
    "them", "then", "there", "these", "they", "thing", "things", "this", "those", "through", "to",
    "too", "u", "under", "until", "up", "very", "was", "we", "were", "whats", "while", "will",
    "with", "would", "ya", "yeah", "yes", "yet", "yo", "you", "your", "hey", "hi", "hello", "guys",
    "anybody", "somebody", "actually", "basically", "s", "t", "d", "ll", "re", "ve", "m", "dont",
    "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "put", "gets", "make", "makes", "made",
    "go", "goes", "going", "went", "gone", "take", "takes", "give", "gave",
    "kept", "want", "wanted", "way", "lot", "bit", "stuff", "guy", "someone", "one", "ones", "well",
    "still", "finally", "order", "nearly", "almost", "personally", "easily", "quite", "pretty",
    "probably", "maybe", "perhaps", "sure", "right", "true", "anyway", "literally", "simply",
    "already", "generally", "mostly", "whole", "everyone", "everybody", "everything", "nothing",
    "wanna", "gonna", "gimme", "lol", "ok", "okay", "um", "uh", "hmm", "btw", "idk", "tho",
    "though",
];

/// Question words: they steer towards the right fact but do not carry a question's subject,
/// so a fact is not penalised for lacking them.
const WEAK_WORDS: &[&str] = &[
    "who", "whom", "whose", "what", "when", "where", "why", "how", "which", "many", "much",
];

static STOP_SET: std::sync::LazyLock<HashSet<&'static str>> =
    std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// The question word a word is, allowing chat spellings ("wen", "wat") and one slip in the
/// longer ones ("whcih", "wehn").
fn weak_word(word: &str) -> Option<&'static str> {
    const CHAT: &[(&str, &str)] = &[
        ("wen", "when"),
        ("whn", "when"),
        ("wat", "what"),
        ("wut", "what"),
        ("wht", "what"),
        ("hw", "how"),
    ];
    if let Some(&weak) = WEAK_WORDS.iter().find(|w| **w == word) {
        return Some(weak);
    }
    if let Some(&(_, weak)) = CHAT.iter().find(|(chat, _)| *chat == word) {
        return Some(weak);
    }
    if (4..=6).contains(&word.len()) {
        return WEAK_WORDS.iter().copied().find(|w| {
            w.len() >= 4
                && w.as_bytes()[0] == word.as_bytes()[0]
                && strsim::osa_distance(w, word) == 1
        });
    }
    None
}

/// A term of the index or of a question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub text: String,
    /// A question word (who, when, how many...): scored, but not part of the subject.
    pub weak: bool,
}

/// A term with the folded, unstemmed word it stands for (what typo correction compares).
pub type Token = (String, Term);

/// First stem of a spelling -> (spelling stems, name tokens), longest spelling first.
type AliasTable = HashMap<String, Vec<(Vec<String>, Vec<Token>)>>;

/// Turns text into terms: fold, drop particles and stop words, stem, expand aliases.
/// Aliases match on stems, so "convened" meets a spelling "convene" and "Abu Mazen's" meets
/// "Abu Mazen".
#[derive(Debug, Clone)]
pub struct Analyzer {
    /// First stem of a spelling -> (spelling stems, name tokens), longest spelling first.
    aliases: AliasTable,
    /// One-word spellings of one-word names, as typed ("conclude" -> "end"), so that typo
    /// correction knows them too.
    spelling_words: Vec<(String, String)>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(&[])
    }
}

impl Analyzer {
    pub fn new(aliases: &[Alias]) -> Self {
        let plain = Analyzer {
            aliases: HashMap::new(),
            spelling_words: Vec::new(),
        };
        let mut spelling_words = Vec::new();
        let mut table: AliasTable = HashMap::new();
        let mut single: HashMap<String, Option<Token>> = HashMap::new();
        let mut name_stems: HashSet<String> = HashSet::new();
        for alias in aliases {
            let name: Vec<Token> = plain.words_and_terms(&alias.name);
            if name.is_empty() {
                continue;
            }
            name_stems.extend(name.iter().map(|(_, t)| t.text.clone()));
            for spelling in &alias.spellings {
                let key = plain.key(spelling);
                let name_key: Vec<&str> = name.iter().map(|(_, t)| t.text.as_str()).collect();
                if key.is_empty() || key == name_key {
                    continue;
                }
                if let ([(word, _)], [(_, target)]) =
                    (&plain.words_and_terms(spelling)[..], &name[..])
                {
                    spelling_words.push((word.clone(), target.text.clone()));
                }
                // "Marzook" alone should mean "Marzouk" too: where a spelling differs from its
                // name in one word only, that word becomes a spelling of its own. A word
                // claimed for two different words is ambiguous and left alone.
                if key.len() == name.len() {
                    let differing: Vec<usize> =
                        (0..key.len()).filter(|&i| key[i] != name_key[i]).collect();
                    if let [i] = differing[..] {
                        single
                            .entry(key[i].clone())
                            .and_modify(|target| {
                                if target.as_ref().map(|t| &t.1.text) != Some(&name[i].1.text) {
                                    *target = None;
                                }
                            })
                            .or_insert_with(|| Some(name[i].clone()));
                    }
                }
                table
                    .entry(key[0].clone())
                    .or_default()
                    .push((key, name.clone()));
            }
        }
        for (stem, target) in single {
            if let Some(target) = target {
                if !name_stems.contains(&stem) {
                    let entry = table.entry(stem.clone()).or_default();
                    if !entry.iter().any(|(key, _)| key.len() == 1) {
                        entry.push((vec![stem], vec![target]));
                    }
                }
            }
        }
        for candidates in table.values_mut() {
            candidates.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        spelling_words.sort();
        Analyzer {
            aliases: table,
            spelling_words,
        }
    }

    /// One-word spellings with the term of the name they stand for.
    pub fn spelling_words(&self) -> &[(String, String)] {
        &self.spelling_words
    }

    /// The terms of a text, in order.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        self.words_and_terms(text)
            .into_iter()
            .map(|(_, term)| term)
            .collect()
    }

    /// The terms of a text, each with the folded word it came from (before stemming).
    pub fn words_and_terms(&self, text: &str) -> Vec<Token> {
        self.terms_of_words(words_for_matching(text))
    }

    /// [`Analyzer::words_and_terms`] of words already folded by [`Analyzer::words`].
    pub fn terms_of_words(&self, words: Vec<String>) -> Vec<Token> {
        let tokens = self.tokens(words);
        let mut out = Vec::with_capacity(tokens.len() + 4);
        let mut i = 0;
        'outer: while i < tokens.len() {
            if let Some(candidates) = self.aliases.get(&tokens[i].0 .1.text) {
                for (key, name) in candidates {
                    let fits = key.len() <= tokens.len() - i
                        && key
                            .iter()
                            .zip(&tokens[i..])
                            .all(|(k, ((_, t), _))| *k == t.text);
                    if fits {
                        out.extend(name.iter().cloned());
                        i += key.len();
                        continue 'outer;
                    }
                }
            }
            let (token, stop) = &tokens[i];
            if !stop {
                out.push(token.clone());
            }
            i += 1;
        }
        out
    }

    /// Tokens before alias expansion, stop words still in place (and marked) so that a
    /// spelling such as "take place" or "step down" can match as a phrase.
    fn tokens(&self, words: Vec<String>) -> Vec<(Token, bool)> {
        let mut tokens = Vec::with_capacity(words.len());
        for word in words {
            if STOP_SET.contains(word.as_str()) {
                let term = Term {
                    text: word.clone(),
                    weak: false,
                };
                tokens.push(((word, term), true));
                continue;
            }
            let term = if let Some(weak) = weak_word(&word) {
                Term {
                    text: weak.to_string(),
                    weak: true,
                }
            } else {
                Term {
                    text: stem(&word),
                    weak: false,
                }
            };
            tokens.push(((word, term), false));
        }
        tokens
    }

    /// How matching sees a phrase before aliases apply: its stems, stop words included.
    fn key(&self, text: &str) -> Vec<String> {
        self.tokens(words_for_matching(text))
            .into_iter()
            .map(|((_, t), _)| t.text)
            .collect()
    }

    /// The folded words of a text, stop words kept (used to spot greetings).
    pub fn words(&self, text: &str) -> Vec<String> {
        words_for_matching(text)
    }
}

/// Folded words with Arabic articles dropped, and "US"/"U.S." (upper-case in the original)
/// kept apart from the pronoun "us".
fn words_for_matching(text: &str) -> Vec<String> {
    let text = mark_united_states(text);
    fold_words(&text)
        .into_iter()
        .filter(|w| !PARTICLES.contains(&w.as_str()))
        .collect()
}

fn mark_united_states(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("US") && !text.contains("U.S") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let hit = if rest.starts_with("U.S.A.") {
            6
        } else if rest.starts_with("U.S.") {
            4
        } else if rest.starts_with("USA") {
            3
        } else if rest.starts_with("US") {
            2
        } else {
            0
        };
        let after_ok = text[i + hit..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if hit > 0 && before_ok && after_ok {
            out.push_str("usa");
            i += hit;
        } else {
            let c = rest.chars().next().expect("i is on a char boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A light English stemmer: enough that resign, resigned, resigning and resignation meet,
/// while names (Hamas, Abbas) are left whole. A plural ending goes first, then one suffix.
pub fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.is_ascii() || word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_string();
    }
    let word = &american_to_british(word);
    let singular = singular(word);
    const RULES: &[(&str, &str)] = &[
        ("ational", "ate"),
        ("ation", ""),
        ("ment", ""),
        ("ity", ""),
        ("ating", ""),
        ("ated", ""),
        ("ate", ""),
        ("ied", "y"),
        ("ing", ""),
        ("er", ""),
        ("ly", ""),
        ("ed", ""),
        ("e", ""),
    ];
    for (suffix, replacement) in RULES {
        if let Some(base) = singular.strip_suffix(suffix) {
            if base.len() + replacement.len() < 3 {
                break;
            }
            let mut stemmed = format!("{base}{replacement}");
            // "stopped" -> "stop", "planned" -> "plan"
            let b = stemmed.as_bytes();
            if matches!(*suffix, "ed" | "ing" | "er")
                && b.len() >= 4
                && b[b.len() - 1] == b[b.len() - 2]
                && !matches!(b[b.len() - 1], b'l' | b's' | b'z')
            {
                stemmed.pop();
            }
            return stemmed;
        }
    }
    singular.to_string()
}

/// "organize", "organization" and "organizer" meet "organise", "organisation", "organiser".
fn american_to_british(word: &str) -> std::borrow::Cow<'_, str> {
    const ENDINGS: &[&str] = &[
        "ize", "ized", "izes", "izing", "ization", "izations", "izer", "izers",
    ];
    match ENDINGS.iter().find(|e| word.ends_with(*e)) {
        Some(ending) => {
            let cut = word.len() - ending.len();
            format!("{}is{}", &word[..cut], &ending[2..]).into()
        }
        None => word.into(),
    }
}

/// Drops an English plural ending, leaving names such as Hamas, Abbas and Tass alone.
fn singular(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(base) = word.strip_suffix("ies") {
        if base.len() >= 3 {
            return format!("{base}y").into();
        }
    }
    match word.strip_suffix('s') {
        Some(base) if base.len() >= 3 && !base.ends_with(['s', 'u', 'i', 'a']) => base.into(),
        _ => word.into(),
    }
}

/// Cuts text to at most `max_chars` characters, at a word boundary where one is near, ending
/// with "…"; text that fits is returned as it is. For front ends with length limits.
pub fn cut(text: &str, max_chars: usize) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= max_chars {
        return std::borrow::Cow::Borrowed(text);
    }
    if max_chars == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    let keep = max_chars - 1;
    let end = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    let head = &text[..end];
    // Back off to the last space unless that would throw away more than a third.
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if head[..space].chars().count() * 3 >= keep * 2 => &head[..space],
        _ => head,
    };
    let head = head.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '(' | '[')
    });
    std::borrow::Cow::Owned(format!("{head}…"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer.terms(text).into_iter().map(|t| t.text).collect()
    }

    fn alias(name: &str, spellings: &[&str]) -> Alias {
        Alias {
            name: name.into(),
            spellings: spellings.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Lavrov's  al-Mālikī!"), "lavrov al maliki");
        assert_eq!(fold("ＬＡＶＲＯＶ"), "lavrov");
        assert_eq!(fold("30,000 dead"), "30000 dead");
        assert_eq!(fold("don't"), "dont");
        assert_eq!(fold("Putin\u{2019}s envoy"), "putin envoy");
    }

    #[test]
    fn stems_word_families_together() {
        for word in ["resign", "resigned", "resigning", "resignation", "resigns"] {
            assert_eq!(stem(word), "resign", "{word}");
        }
        assert_eq!(stem("governments"), stem("government"));
        assert_eq!(stem("unite"), stem("united"));
        assert_eq!(stem("meeting"), stem("meetings"));
        assert_eq!(stem("hamas"), "hamas");
        assert_eq!(stem("abbas"), "abbas");
        assert_eq!(stem("2024"), "2024");
        assert_eq!(stem("organized"), stem("organised"));
        assert_eq!(stem("organizer"), stem("organiser"));
    }

    #[test]
    fn hyphenated_names_and_particles_meet() {
        let a = Analyzer::default();
        assert_eq!(texts(&a, "al-Maliki"), texts(&a, "al maliki"));
        assert_eq!(texts(&a, "Al Maliki"), texts(&a, "Maliki"));
    }

    #[test]
    fn aliases_rewrite_spellings_to_names() {
        let a = Analyzer::new(&[
            alias("Mahmoud Abbas", &["Abu Mazen", "Mahmud Abbas"]),
            alias("Riyad al-Maliki", &["al-Malki", "Riad al-Maliki"]),
            alias(
                "Palestinian National Authority",
                &["PNA", "PA", "Palestinian Authority"],
            ),
        ]);
        assert_eq!(texts(&a, "Abu Mazen"), texts(&a, "Mahmoud Abbas"));
        assert_eq!(
            texts(&a, "Mahmud"),
            texts(&a, "Mahmoud"),
            "a one-word difference becomes a spelling"
        );
        assert_eq!(
            texts(&a, "what did al-Malki say"),
            texts(&a, "what did Riyad al-Maliki say")
        );
        assert_eq!(
            texts(&a, "the PNA"),
            texts(&a, "the Palestinian National Authority")
        );
        assert_eq!(texts(&a, "Riad"), texts(&a, "Riyad"));
    }

    #[test]
    fn united_states_is_not_us() {
        let a = Analyzer::default();
        assert_eq!(texts(&a, "the US role"), texts(&a, "the USA role"));
        assert!(!texts(&a, "tell us more").contains(&"usa".to_string()));
    }

    #[test]
    fn question_words_are_weak() {
        let a = Analyzer::default();
        let terms = a.terms("When did Lavrov speak?");
        assert!(terms.iter().any(|t| t.text == "when" && t.weak));
        assert!(terms.iter().any(|t| t.text == "lavrov" && !t.weak));
    }

    #[test]
    fn cleaning_removes_invisible_and_cuts_long_input() {
        let cleaned = clean_input("  who\u{200B} came?\u{0007}\n ");
        assert_eq!(cleaned.text, "who came?");
        assert!(!cleaned.truncated);
        let long = "a".repeat(MAX_INPUT_CHARS * 3);
        let cleaned = clean_input(&long);
        assert!(cleaned.truncated);
        assert_eq!(cleaned.text.chars().count(), MAX_INPUT_CHARS);
    }

    #[test]
    fn combining_marks_without_a_precomposed_form_do_not_split_words() {
        assert_eq!(fold("ope\u{353}ned"), "opened");
        assert_eq!(fold("La\u{301}vrov"), "lavrov");
    }

    #[test]
    fn mentions_are_spotted() {
        assert!(contains_mention("hi @everyone"));
        assert!(contains_mention("ping <@123>"));
        assert!(contains_mention("ping <@&123>"));
        assert!(!contains_mention("mail me at a@b.c"));
    }

    #[test]
    fn cut_keeps_short_text_and_cuts_long_text_at_a_word() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("exactly10!", 10), "exactly10!");
        assert_eq!(cut("the quick brown fox jumps", 12), "the quick…");
        assert_eq!(cut("abcdefghijklmnop", 5), "abcd…");
        assert_eq!(cut("anything", 0), "");
        let long = "ä".repeat(50) + " " + &"b".repeat(50);
        let cut_long = cut(&long, 60);
        assert!(cut_long.chars().count() <= 60);
        assert!(cut_long.ends_with('…'));
    }

    proptest::proptest! {
        #[test]
        fn cut_never_exceeds_the_limit(text in "\\PC{0,300}", max in 0usize..200) {
            let out = cut(&text, max);
            proptest::prop_assert!(out.chars().count() <= max);
            if text.chars().count() <= max {
                proptest::prop_assert_eq!(out.as_ref(), text.as_str());
            }
        }
    }
}
