//! Folding text to the words matching compares: Unicode NFKC, lower case, diacritics and
//! letter variants per script, apostrophes and elisions, digits of every script as ASCII.
//! Each letter is folded by the rules of its own script, so a Latin name in an Arabic question
//! or an Arabic name in an English one is folded the same way wherever it appears.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

use super::language::{Language, Script, LANGUAGES};

/// Tokens longer than this are noise (a pasted hash, a run of letters) and are dropped.
const MAX_TOKEN_CHARS: usize = 40;

/// The rules for a letter of `script` in a text of language `lang`: the text's own language
/// for its own script, else the first registered language written in that script.
pub(crate) fn rules_for(script: Script, lang: &'static dyn Language) -> &'static dyn Language {
    if lang.script() == script {
        return lang;
    }
    LANGUAGES
        .iter()
        .copied()
        .find(|l| l.script() == script)
        .unwrap_or(lang)
}

/// The folded words of a text read as language `lang`, stop words kept.
/// `"Lavrov's al-Mālikī"` becomes `["lavrov", "al", "maliki"]` in English; `"l'incontro"`
/// becomes `["incontro"]` in Italian; `"الحكومة"` becomes `["الحكومه"]`.
pub(crate) fn fold_words(text: &str, lang: &'static dyn Language) -> Vec<String> {
    if text.is_ascii() {
        return fold_ascii(text, lang);
    }
    let mut words = Vec::new();
    let mut word = String::new();
    // Most text is already in NFKC (the quick check says so for certain): only the rest pays
    // for normalising.
    let mut lowered: Vec<char> = Vec::with_capacity(text.len());
    let mut lower = |c: char| {
        if c.is_ascii() {
            lowered.push(c.to_ascii_lowercase());
        } else {
            lowered.extend(c.to_lowercase());
        }
    };
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        text.chars().for_each(&mut lower);
    } else {
        text.nfkc().for_each(&mut lower);
    }
    let mut chars = lowered.into_iter().peekable();
    let mut prev_digit = false;
    while let Some(c) = chars.next() {
        if is_apostrophe(c) {
            let next_is_letter = chars.peek().is_some_and(|n| n.is_alphanumeric());
            // "l'incontro", "qu'est": an elided article or preposition goes with its apostrophe.
            if next_is_letter && lang.elisions().contains(&word.as_str()) {
                word.clear();
                continue;
            }
            // "lavrov's" -> "lavrov"; "don't" -> "dont"; a stray apostrophe is a separator.
            if !word.is_empty() && chars.peek() == Some(&'s') {
                let mut look = chars.clone();
                look.next();
                if look.peek().is_none_or(|n| !n.is_alphanumeric()) {
                    chars.next();
                    continue;
                }
            }
            if !word.is_empty() && next_is_letter {
                continue;
            }
            push_word(&mut words, &mut word);
            continue;
        }
        // The common letters (ASCII, basic Arabic and Cyrillic) skip the table lookups.
        let common = c.is_ascii() || is_common_letter(c);
        if !common && is_combining_mark(c) {
            // A mark with no letter of its own ("ope\u{353}ned", Arabic tashkeel typed apart)
            // belongs to the word it sits in.
            continue;
        }
        if let Some(d) = digit(c) {
            word.push(d);
            prev_digit = true;
            continue;
        }
        if c == ',' && prev_digit && chars.peek().and_then(|&n| digit(n)).is_some() {
            continue; // 30,000 -> 30000
        }
        prev_digit = false;
        let word_char = if c.is_ascii() {
            c.is_ascii_alphanumeric()
        } else {
            common || c.is_alphanumeric()
        };
        if !word_char {
            push_word(&mut words, &mut word);
            continue;
        }
        let rules = Script::of(c).map_or(lang, |script| rules_for(script, lang));
        match rules.fold_char(c) {
            Some(c) if c.is_ascii() || rules.keeps_mark(c) => word.push(c),
            Some(c) if rules.drops_marks() => {
                // Diacritics go: "ā" decomposes to "a" and a combining mark, which is dropped.
                decompose_canonical(c, |d| {
                    if !is_combining_mark(d) {
                        if let Some(d) = rules.fold_char(d) {
                            word.push(d);
                        }
                    }
                });
            }
            Some(c) => word.push(c),
            None => {} // a letter that is only decoration (tatweel)
        }
    }
    push_word(&mut words, &mut word);
    words
}

/// [`fold_words`] of ASCII text, which needs no Unicode normalisation: the same rules on bytes.
fn fold_ascii(text: &str, lang: &'static dyn Language) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut word = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == b'\'' || c == b'`' {
            let next_is_letter = next.is_some_and(|n| n.is_ascii_alphanumeric());
            if next_is_letter && lang.elisions().contains(&word.as_str()) {
                word.clear();
            } else if !word.is_empty()
                && matches!(next, Some(b's' | b'S'))
                && bytes.get(i + 2).is_none_or(|n| !n.is_ascii_alphanumeric())
            {
                i += 1; // "lavrov's" -> "lavrov"
            } else if !next_is_letter || word.is_empty() {
                push_word(&mut words, &mut word);
            }
        } else if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase() as char);
        } else if c == b','
            && bytes[..i].last().is_some_and(u8::is_ascii_digit)
            && next.is_some_and(|n| n.is_ascii_digit())
        {
            // 30,000 -> 30000
        } else {
            push_word(&mut words, &mut word);
        }
        i += 1;
    }
    push_word(&mut words, &mut word);
    words
}

/// The letters of the basic Arabic and Russian alphabets (lower case: text is lowered first),
/// which are alphabetic and not combining marks: the Unicode tables need not be asked.
pub(crate) fn is_common_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0430}'..='\u{044F}' | '\u{0451}')
}

/// A digit of any script as its ASCII digit: "٢٠٢٤" is "2024".
fn digit(c: char) -> Option<char> {
    if c.is_ascii_digit() {
        return Some(c);
    }
    let zero = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        _ => return None,
    };
    char::from_digit(c as u32 - zero, 10)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::language::Lang;

    fn fold(text: &str, code: &str) -> Vec<String> {
        fold_words(text, Lang::from_code(code).unwrap().rules())
    }

    #[test]
    fn latin_letters_lose_their_marks() {
        assert_eq!(
            fold("Lavrov's  al-Mālikī!", "en"),
            ["lavrov", "al", "maliki"]
        );
        assert_eq!(fold("ＬＡＶＲＯＶ", "en"), ["lavrov"]);
        assert_eq!(fold("30,000 dead", "en"), ["30000", "dead"]);
        assert_eq!(fold("don't", "en"), ["dont"]);
        assert_eq!(fold("Putin\u{2019}s envoy", "en"), ["putin", "envoy"]);
        assert_eq!(fold("réunion à Moscou", "fr"), ["reunion", "a", "moscou"]);
    }

    /// The shortcut agrees with the Unicode tables it skips.
    #[test]
    fn common_letters_are_letters_of_their_script() {
        use crate::text::language::Script;
        for c in (0u32..0x0500)
            .chain(0x0600..0x0700)
            .filter_map(char::from_u32)
        {
            if is_common_letter(c) {
                assert!(c.is_alphabetic() && !is_combining_mark(c), "{c:?}");
                assert!(Script::of(c).is_some(), "{c:?}");
            }
        }
        assert_eq!(fold("ПРИВЕТ ёлка", "ru"), ["привет", "елка"]);
    }

    proptest::proptest! {
        /// The ASCII fast path reads ASCII text exactly as the general path does.
        #[test]
        fn ascii_text_folds_the_same_on_both_paths(text in "[ -~]{0,80}", code in "en|it|fr") {
            let rules = Lang::from_code(&code).unwrap().rules();
            // A lone combining mark folds to nothing but sends the text down the general path;
            // after a space, so that it cannot compose with the last letter ("S" + acute is "Ś").
            let general = fold_words(&format!("{text} \u{301}"), rules);
            proptest::prop_assert_eq!(fold_ascii(&text, rules), general);
        }
    }

    #[test]
    fn a_lone_combining_mark_does_not_split_a_word() {
        assert_eq!(fold("ope\u{353}ned", "en"), ["opened"]);
        assert_eq!(fold("e\u{301}te\u{301}", "fr"), ["ete"]);
    }

    #[test]
    fn elisions_go_with_their_apostrophe() {
        assert_eq!(fold("l'incontro dell'OLP", "it"), ["incontro", "olp"]);
        assert_eq!(
            fold("qu'est-ce que l’OLP ?", "fr"),
            ["est", "ce", "que", "olp"]
        );
        assert_eq!(fold("d'Abbas", "fr"), ["abbas"]);
        // English keeps its own apostrophes.
        assert_eq!(fold("l'incontro", "en"), ["lincontro"]);
    }

    #[test]
    fn arabic_letters_fold_to_one_form() {
        // Tashkeel, tatweel, hamza forms of alef, taa marbuta, alef maqsura.
        assert_eq!(fold("الحُكُومَة", "ar"), ["الحكومه"]);
        assert_eq!(fold("إجتمـــاع", "ar"), ["اجتماع"]);
        assert_eq!(fold("أبو مازن", "ar"), ["ابو", "مازن"]);
        assert_eq!(fold("مستشفى", "ar"), ["مستشفي"]);
        assert_eq!(fold("٢٩ فبراير ٢٠٢٤", "ar"), ["29", "فبراير", "2024"]);
    }

    #[test]
    fn russian_keeps_short_i_and_folds_yo() {
        assert_eq!(fold("Ещё какой", "ru"), ["еще", "какой"]);
        assert_eq!(fold("Лавров, Москва!", "ru"), ["лавров", "москва"]);
    }

    #[test]
    fn each_script_is_folded_by_its_own_rules() {
        // An Arabic name in an English question folds as it does in Arabic.
        assert_eq!(fold("who is الحكومة", "en"), ["who", "is", "الحكومه"]);
        assert_eq!(fold("кто такой Lavrov's", "ru"), ["кто", "такой", "lavrov"]);
    }
}
