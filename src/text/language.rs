//! What the analyser needs to know about one language, behind one small interface, and the
//! registry of the languages the bot reads. A sixth language is one new file implementing
//! [`Language`] and one line in [`LANGUAGES`] (plus its message catalogue in `src/messages/`).

use std::fmt;

/// The writing system a language is typed in, as far as telling languages apart goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    Latin,
    Arabic,
    Cyrillic,
}

impl Script {
    /// Whether the script is written right to left (Arabic).
    pub fn right_to_left(self) -> bool {
        matches!(self, Script::Arabic)
    }

    /// The script a letter belongs to, if it is one of ours.
    pub fn of(c: char) -> Option<Script> {
        match c {
            'a'..='z' | 'A'..='Z' => Some(Script::Latin),
            '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' if c.is_alphabetic() => {
                Some(Script::Latin)
            }
            // The basic alphabets first, without asking the Unicode tables.
            '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' => Some(Script::Arabic),
            '\u{0410}'..='\u{044F}' | '\u{0401}' | '\u{0451}' => Some(Script::Cyrillic),
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
                if c.is_alphabetic() =>
            {
                Some(Script::Arabic)
            }
            '\u{0400}'..='\u{052F}' if c.is_alphabetic() => Some(Script::Cyrillic),
            _ => None,
        }
    }
}

/// The kind of question a question word asks. A fact answers a kind when one of its phrasings
/// asks it; "what", "which" and "how" alone are too general to tell (they have no bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Who,
    When,
    Where,
    Why,
    HowMany,
    HowMuch,
    What,
    Which,
    How,
}

impl Kind {
    /// The kind as one bit of a set (0 for "what", "which" and "how", too general to agree on).
    pub fn bit(self) -> u8 {
        match self {
            Kind::Who => 1,
            Kind::When => 2,
            Kind::Where => 4,
            Kind::Why => 8,
            Kind::HowMany => 16,
            Kind::HowMuch => 32,
            Kind::What | Kind::Which | Kind::How => 0,
        }
    }

    /// The English question word that stands for the kind in every language's index, so that
    /// "quand", "когда" and "when" are one term.
    pub fn term(self) -> &'static str {
        match self {
            Kind::Who => "who",
            Kind::When => "when",
            Kind::Where => "where",
            Kind::Why => "why",
            Kind::HowMany => "many",
            Kind::HowMuch => "much",
            Kind::What => "what",
            Kind::Which => "which",
            Kind::How => "how",
        }
    }
}

/// A question word, with the kind of question it asks.
#[derive(Debug, Clone, Copy)]
pub struct QuestionWord {
    pub word: &'static str,
    pub kind: Kind,
    /// The word asks a question only as the question's first word (Arabic "من" is "who" there
    /// and "from" elsewhere).
    pub first_only: bool,
}

/// Shorthand for the language files' tables.
pub const fn qw(word: &'static str, kind: Kind) -> QuestionWord {
    QuestionWord {
        word,
        kind,
        first_only: false,
    }
}

/// The words of a request for the timeline, folded (see [`super::timeline`]): "give me a
/// timeline", "what happened after the meeting?", "what came before the talks?".
#[derive(Debug)]
pub struct TimelineWords {
    /// Words that name a timeline: "timeline", "chronology".
    pub timeline: &'static [&'static str],
    /// Words that ask what happened: "happened", "came", "events".
    pub happened: &'static [&'static str],
    /// Words for "before": "before", "prior".
    pub before: &'static [&'static str],
    /// Words for "after": "after", "since".
    pub after: &'static [&'static str],
    /// Words that name the meeting the timeline is about: "meeting", "talks", "moscow".
    pub meeting: &'static [&'static str],
    /// Other words a request may hold without asking about something else: "show", "full".
    pub fillers: &'static [&'static str],
}

/// What the analyser knows about one language. Every word list holds folded words (lower
/// case, as [`Language::fold_char`] leaves them).
pub trait Language: Sync + Send {
    /// ISO 639-1 code: `en`.
    fn code(&self) -> &'static str;
    /// The language's name in English and in itself: `("French", "français")`.
    fn names(&self) -> (&'static str, &'static str);
    fn script(&self) -> Script;
    /// Discord locales that mean this language (`en-US`, `en-GB`; `fr`).
    fn discord_locales(&self) -> &'static [&'static str];
    /// Words that carry no subject: articles, pronouns, auxiliaries, fillers.
    fn stop_words(&self) -> &'static [&'static str];
    /// Question words, with the kind of question each asks.
    fn question_words(&self) -> &'static [QuestionWord];
    /// Words that ask about the bot rather than the talks (greetings, thanks, "help").
    fn help_triggers(&self) -> &'static [&'static str];
    /// Words that may stand beside a help trigger without making it a question about the
    /// talks ("what can you do", "thanks a lot").
    fn help_fillers(&self) -> &'static [&'static str];
    /// Everyday words a question may use about any fact without being about something else
    /// ("say", "explain", "details"): they need no fact to explain them.
    fn generic_words(&self) -> &'static [&'static str];
    /// The words of a request for the timeline rather than for one fact.
    fn timeline_words(&self) -> &'static TimelineWords;
    /// Elided articles and prepositions written with an apostrophe ("l'", "dell'", "qu'"),
    /// without it; dropped with the apostrophe.
    fn elisions(&self) -> &'static [&'static str] {
        &[]
    }
    /// Letters that are one letter for matching: `ё` is `е`, `ة` is `ه`. Returns the folded
    /// letter, or `None` to drop it (tatweel). Called after lower-casing.
    fn fold_char(&self, c: char) -> Option<char> {
        Some(c)
    }
    /// Whether diacritics (combining marks) are dropped when folding: "é" is "e" for matching.
    /// Russian keeps "й" whole.
    fn drops_marks(&self) -> bool {
        true
    }
    /// A letter that keeps its diacritic where the others lose theirs (French "ù", so that
    /// "où", where, is not "ou", or).
    fn keeps_mark(&self, _c: char) -> bool {
        false
    }
    /// Prefixes glued to words that are words of their own (Arabic "و", "ال"): removed
    /// before stemming where what is left is long enough.
    fn strip_prefix<'w>(&self, word: &'w str) -> &'w str {
        word
    }
    /// The stem of a folded word in this language's script.
    fn stem(&self, word: &str) -> String;
    /// Forms no stemmer can take back to their word (Arabic broken plurals: "فصائل", factions,
    /// is "فصيل", a faction), each with the form it is read as, folded, sorted by form.
    fn base_forms(&self) -> &'static [(&'static str, &'static str)] {
        &[]
    }
    /// How matching reads one folded word: its prefixes off, its base form, its stem.
    fn analyse_word(&self, word: &str) -> String {
        let word = self.strip_prefix(word);
        let forms = self.base_forms();
        match forms.binary_search_by(|(form, _)| (*form).cmp(word)) {
            Ok(i) => self.stem(forms[i].1),
            Err(_) => self.stem(word),
        }
    }
    /// The months, January first, each as the folded forms (or beginnings of inflected forms)
    /// a translation may write it in, so that `check` can tell a date was kept.
    fn month_names(&self) -> &'static [&'static [&'static str]; 12];
    /// The bot's fixed texts in this language: the TOML of `src/messages/<code>.toml`.
    fn catalogue(&self) -> &'static str;
}

/// The English months, folded, as the answers write them.
pub const MONTHS_EN: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Every language the bot reads, English first (the language facts are written in).
pub static LANGUAGES: &[&dyn Language] = &[
    &super::english::English,
    &super::arabic::Arabic,
    &super::russian::Russian,
    &super::italian::Italian,
    &super::french::French,
];

/// One of the languages the bot reads: an index into [`LANGUAGES`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

/// English, the language every fact is written in.
impl Default for Lang {
    fn default() -> Self {
        Lang::EN
    }
}

impl Lang {
    /// English, the language every fact is written in.
    pub const EN: Lang = Lang(0);

    /// Every language, English first.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len() as u8).map(Lang)
    }

    /// The language with this ISO 639-1 code (`fr`), case-insensitive.
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::all().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The language a Discord locale (`fr`, `en-GB`, `pt-BR`) means, if we read it.
    pub fn from_discord_locale(locale: &str) -> Option<Lang> {
        Lang::all().find(|l| {
            l.rules()
                .discord_locales()
                .iter()
                .any(|x| x.eq_ignore_ascii_case(locale))
        })
    }

    pub fn rules(self) -> &'static dyn Language {
        LANGUAGES[self.0 as usize]
    }

    pub fn code(self) -> &'static str {
        self.rules().code()
    }

    /// The language's name in English.
    pub fn name(self) -> &'static str {
        self.rules().names().0
    }

    /// The language's name in itself.
    pub fn native_name(self) -> &'static str {
        self.rules().names().1
    }

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl serde::Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> serde::Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        Lang::from_code(&code).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{code}` is not a language the bot reads ({})",
                Lang::all().map(Lang::code).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found() {
        let codes: Vec<&str> = Lang::all().map(Lang::code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len(), "{codes:?}");
        for lang in Lang::all() {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("EN"), Some(Lang::EN));
        assert_eq!(Lang::from_code("de"), None);
        assert_eq!(Lang::from_discord_locale("en-GB"), Some(Lang::EN));
        assert_eq!(Lang::from_discord_locale("fr").map(Lang::code), Some("fr"));
        assert_eq!(Lang::from_discord_locale("pt-BR"), None);
    }

    /// Word lists hold folded words, or the analyser would never meet them.
    #[test]
    fn word_lists_are_folded() {
        let mut wrong = Vec::new();
        for lang in Lang::all() {
            let rules = lang.rules();
            let lists: [(&str, Vec<&str>); 6] = [
                ("stop_words", rules.stop_words().to_vec()),
                (
                    "question_words",
                    rules.question_words().iter().map(|q| q.word).collect(),
                ),
                ("help_triggers", rules.help_triggers().to_vec()),
                ("help_fillers", rules.help_fillers().to_vec()),
                ("generic_words", rules.generic_words().to_vec()),
                ("timeline_words", {
                    let t = rules.timeline_words();
                    [
                        t.timeline, t.happened, t.before, t.after, t.meeting, t.fillers,
                    ]
                    .concat()
                }),
            ];
            let forms = rules.base_forms();
            let base: Vec<&str> = forms.iter().flat_map(|(f, b)| [*f, *b]).collect();
            if !forms.windows(2).all(|w| w[0].0 < w[1].0) {
                wrong.push(format!("{lang}: base_forms are not sorted by form"));
            }
            for (name, list) in lists.into_iter().chain([("base_forms", base)]) {
                for word in list {
                    let folded = super::super::fold::fold_words(word, rules);
                    if folded != [word.to_string()] {
                        wrong.push(format!(
                            "{lang}: {name} holds `{word}`, which folds to {folded:?}"
                        ));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn scripts_of_letters() {
        assert_eq!(Script::of('a'), Some(Script::Latin));
        assert_eq!(Script::of('é'), Some(Script::Latin));
        assert_eq!(Script::of('ж'), Some(Script::Cyrillic));
        assert_eq!(Script::of('ع'), Some(Script::Arabic));
        assert_eq!(Script::of('7'), None);
        assert_eq!(Script::of('?'), None);
    }
}
