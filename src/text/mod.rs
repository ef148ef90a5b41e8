//! Text analysis shared by the index and the questions, in every language the bot reads:
//! cleaning what a member typed, folding it to words ([`fold`]), telling the words' roles
//! (stop words, question words and the kind of question they ask, everyday words), stemming,
//! and alias expansion. Both sides of a match go through the same [`Analyzer`], so a question
//! and a fact meet on equal terms.
//!
//! What differs between languages lives in one file per language behind the [`Language`]
//! interface ([`language`]); nothing outside this module holds a word list.

pub(crate) mod arabic;
pub mod detect;
pub(crate) mod english;
mod fold;
pub(crate) mod french;
pub(crate) mod italian;
pub mod language;
pub(crate) mod russian;
mod timeline;

// Fx hashing: the keys are words and ids, looked up for every word of every text and
// question; SipHash's protection is not needed for tables built from the knowledge.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

pub use detect::{detect, Detection};
pub use language::{Kind, Lang, Language, Script, TimelineWords};
pub use timeline::{timeline_request, TimelineRequest};

use crate::knowledge::Alias;
use fold::{fold_words, rules_for};

/// The longest question answered as it is; longer ones are cut to this many characters.
pub const MAX_INPUT_CHARS: usize = 1000;

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

/// Folds text to lower-case words of letters and digits separated by single spaces, as
/// English reads it (other scripts by their own rules): `"Lavrov's al-Mālikī"` becomes
/// `"lavrov al maliki"`.
pub fn fold(text: &str) -> String {
    fold_words(text, Lang::EN.rules()).join(" ")
}

/// How matching sees a name or spelling: its stems, stop words kept, particles dropped, read
/// by the language of its script. Two spellings with one key are the same thing to the matcher.
pub fn match_key(text: &str) -> String {
    let lang = detect::script_language(text).unwrap_or(Lang::EN);
    Analyzer::plain(lang).key(text).join(" ")
}

/// Articles of Arabic names written in Latin letters ("al-Maliki", "El Alamein"), dropped
/// before aliases apply so that "al-Malki", "al Malki" and "Malki" meet.
const PARTICLES: &[&str] = &["al", "el", "ul"];

/// What a term does in a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A word of the question's subject.
    Subject,
    /// An everyday word that any fact may meet without it ("say", "explain").
    Generic,
    /// A question word: it steers towards the right fact but is not the subject.
    Question(Kind),
}

/// A term of the index or of a question.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Term {
    pub text: String,
    pub role: Role,
}

impl Term {
    /// A question word (who, when, how many...): scored, but not part of the subject.
    pub fn is_question_word(&self) -> bool {
        matches!(self.role, Role::Question(_))
    }
}

/// A term with the folded, unstemmed word it stands for (what typo correction compares).
pub type Token = (String, Term);

/// How a folded word is read before stemming.
#[derive(Debug, Clone, Copy)]
enum WordClass {
    Stop,
    Question { kind: Kind, first_only: bool },
}

/// First stem of a spelling -> (spelling stems, name tokens), longest spelling first.
type AliasTable = HashMap<String, Vec<(Vec<String>, Vec<Token>)>>;

/// Turns text of one language into terms: fold, drop particles and stop words, stem, expand
/// aliases. Words of another script are read by the rules of that script's language, so a
/// name in Arabic letters means the same in every analyser. Aliases match on stems, so
/// "convened" meets a spelling "convene" and "Abu Mazen's" meets "Abu Mazen"; every
/// spelling becomes its name's English terms, so names are one term in every language.
#[derive(Debug, Clone)]
pub struct Analyzer {
    lang: Lang,
    /// Stop and question words of this language, and of the languages of the other scripts.
    lexicon: HashMap<&'static str, WordClass>,
    /// Stems of the everyday words of every language.
    generic: HashSet<String>,
    aliases: AliasTable,
    /// One-word spellings of one-word names, as typed ("conclude" -> "end"), so that typo
    /// correction knows them too.
    spelling_words: Vec<(String, String)>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(Lang::EN, &[])
    }
}

/// The analysers without aliases, one per language, built once.
static PLAIN: std::sync::LazyLock<Vec<Analyzer>> = std::sync::LazyLock::new(|| {
    let generic: HashSet<String> = Lang::all()
        .flat_map(|l| {
            let rules = l.rules();
            rules
                .generic_words()
                .iter()
                .map(move |w| rules.analyse_word(w))
        })
        .collect();
    Lang::all()
        .map(|lang| Analyzer {
            lang,
            lexicon: lexicon(lang),
            generic: generic.clone(),
            aliases: HashMap::default(),
            spelling_words: Vec::new(),
        })
        .collect()
});

impl Analyzer {
    pub fn new(lang: Lang, aliases: &[Alias]) -> Self {
        let plain = Analyzer::plain(lang);
        if aliases.is_empty() {
            return plain.clone();
        }
        // Names (capitalised: "Sergei Lavrov", "Hamas") hold in every language; groups of
        // everyday words ("bloodshed": "fighting", "violence") are English synonyms, and in
        // another language their spellings are other words ("premier" is "first" in French).
        let aliases: Vec<Alias> = aliases
            .iter()
            .filter(|a| lang == Lang::EN || a.name.chars().next().is_some_and(char::is_uppercase))
            .cloned()
            .collect();
        let aliases = &aliases[..];
        // Names are read as English reads them, in every language, so that each is one set
        // of terms across the indexes.
        let (aliases, spelling_words) = alias_table(plain, Analyzer::plain(Lang::EN), aliases);
        Analyzer {
            aliases,
            spelling_words,
            ..plain.clone()
        }
    }

    /// The analyser of a language without aliases (how a spelling itself is read).
    pub fn plain(lang: Lang) -> &'static Analyzer {
        &PLAIN[lang.index()]
    }

    pub fn lang(&self) -> Lang {
        self.lang
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
        self.terms_of_words(self.words(text))
    }

    /// [`Analyzer::words_and_terms`] of words already folded by [`Analyzer::words`].
    pub fn terms_of_words(&self, words: Vec<String>) -> Vec<Token> {
        let tokens = self.tokens(words);
        let mut out = Vec::with_capacity(tokens.len() + 4);
        let mut i = 0;
        'outer: while i < tokens.len() {
            if let Some(candidates) = self.aliases.get(&tokens[i].0 .1.text) {
                for (key, name) in candidates {
                    // A one-word spelling never takes a stop word: French "un" is not the UN.
                    if key.len() == 1 && tokens[i].1 {
                        continue;
                    }
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

    /// The folded words of a text, stop words kept, name particles dropped.
    pub fn words(&self, text: &str) -> Vec<String> {
        let text = english::mark_united_states(text);
        fold_words(&text, self.lang.rules())
            .into_iter()
            .filter(|w| !PARTICLES.contains(&w.as_str()))
            .collect()
    }

    /// Whether folded words greet the bot, thank it or ask what it does, and nothing else:
    /// a greeting or help word, and besides it only words that carry no subject (stop and
    /// question words, and the language's help fillers: "use", "ask", "answers"...).
    pub fn is_help(&self, words: &[String]) -> bool {
        let mut trigger = false;
        for word in words {
            let rules = self.rules_of(word);
            if rules.help_triggers().contains(&word.as_str()) {
                trigger = true;
            } else if !rules.help_fillers().contains(&word.as_str())
                && !self.lexicon.contains_key(word.as_str())
            {
                return false;
            }
        }
        trigger
    }

    /// The rules that read a folded word: its script's language.
    fn rules_of(&self, word: &str) -> &'static dyn Language {
        let lang = self.lang.rules();
        word.chars()
            .find_map(Script::of)
            .map_or(lang, |script| rules_for(script, lang))
    }

    /// Tokens before alias expansion, stop words still in place (and marked) so that a
    /// spelling such as "take place" or "step down" can match as a phrase.
    fn tokens(&self, words: Vec<String>) -> Vec<(Token, bool)> {
        let mut tokens = Vec::with_capacity(words.len());
        for (position, word) in words.into_iter().enumerate() {
            let class = self.lexicon.get(word.as_str()).copied();
            let question = match class {
                Some(WordClass::Question { kind, first_only }) if !first_only || position == 0 => {
                    Some(kind)
                }
                Some(_) => None,
                None => slipped_question_word(&word),
            };
            if let Some(kind) = question {
                let term = Term {
                    text: kind.term().to_string(),
                    role: Role::Question(kind),
                };
                tokens.push(((word, term), false));
                continue;
            }
            if class.is_some() {
                let term = Term {
                    text: word.clone(),
                    role: Role::Subject,
                };
                tokens.push(((word, term), true));
                continue;
            }
            let rules = self.rules_of(&word);
            let text = rules.analyse_word(&word);
            let role = if self.generic.contains(&text) {
                Role::Generic
            } else {
                Role::Subject
            };
            tokens.push(((word, Term { text, role }), false));
        }
        tokens
    }

    /// How matching sees a phrase before aliases apply: its stems, stop words included.
    fn key(&self, text: &str) -> Vec<String> {
        self.tokens(self.words(text))
            .into_iter()
            .map(|((_, t), _)| t.text)
            .collect()
    }
}

/// The stop and question words an analyser of `lang` knows: its own, then those of the
/// language of each other script (English for Latin words in an Arabic or Russian text).
fn lexicon(lang: Lang) -> HashMap<&'static str, WordClass> {
    let own = lang.rules();
    let mut languages = vec![own];
    for script in [Script::Latin, Script::Arabic, Script::Cyrillic] {
        let rules = rules_for(script, own);
        if !languages.iter().any(|l| l.code() == rules.code()) {
            languages.push(rules);
        }
    }
    let mut lexicon = HashMap::default();
    for rules in languages {
        for q in rules.question_words() {
            lexicon.entry(q.word).or_insert(WordClass::Question {
                kind: q.kind,
                first_only: q.first_only,
            });
        }
        for &stop in rules.stop_words() {
            lexicon.entry(stop).or_insert(WordClass::Stop);
        }
    }
    lexicon
}

/// An English question word typed with one slip ("whcih", "wehn"): words of four to six
/// letters one edit from a question word of four letters or more, same first letter.
fn slipped_question_word(word: &str) -> Option<Kind> {
    if !(4..=6).contains(&word.len()) || !word.is_ascii() {
        return None;
    }
    english::English
        .question_words()
        .iter()
        .find(|q| {
            q.word.len() >= 4
                && q.word.as_bytes()[0] == word.as_bytes()[0]
                && strsim::osa_distance(q.word, word) == 1
        })
        .map(|q| q.kind)
}

/// Builds an analyser's alias table: each spelling, read by `analyzer`, rewritten to its
/// name, read by `english`.
fn alias_table(
    analyzer: &Analyzer,
    english: &Analyzer,
    aliases: &[Alias],
) -> (AliasTable, Vec<(String, String)>) {
    let mut spelling_words = Vec::new();
    let mut table: AliasTable = HashMap::default();
    let mut single: HashMap<String, Option<Token>> = HashMap::default();
    // (word as typed, its stem, the name's term) for each word that becomes a spelling alone.
    let mut single_words: Vec<(String, String, String)> = Vec::new();
    let mut name_stems: HashSet<String> = HashSet::default();
    for alias in aliases {
        let name: Vec<Token> = english.words_and_terms(&alias.name);
        if name.is_empty() {
            continue;
        }
        name_stems.extend(name.iter().map(|(_, t)| t.text.clone()));
        let name_key: Vec<&str> = name.iter().map(|(_, t)| t.text.as_str()).collect();
        // The name itself, read by this language (a Latin name with French stop words), is
        // a spelling too.
        let spellings = std::iter::once(&alias.name).chain(&alias.spellings);
        for spelling in spellings {
            let key = analyzer.key(spelling);
            if key.is_empty() || key == name_key {
                continue;
            }
            match (&analyzer.words_and_terms(spelling)[..], &name[..]) {
                ([(word, _)], [(_, target)]) => {
                    spelling_words.push((word.clone(), target.text.clone()));
                }
                // One word for a longer name ("Shtayeh" for "Mohammad Shtayyeh"): typo
                // correction may reach it as the name's word it is closest to, if close.
                ([(word, _)], words) => {
                    let nearest = words
                        .iter()
                        .map(|(w, t)| (strsim::osa_distance(word, w), t))
                        .min_by_key(|(d, _)| *d);
                    if let Some((d, target)) = nearest {
                        if d <= 2 {
                            spelling_words.push((word.clone(), target.text.clone()));
                        }
                    }
                }
                _ => {}
            }
            // "Marzook" alone should mean "Marzouk" too, and "لافروف" "Lavrov": where a
            // spelling has as many words as its name, each word that differs becomes a
            // spelling of the name's word in its place. A word claimed for two different
            // words is ambiguous and left alone.
            if key.len() == name.len() {
                let words = analyzer.words(spelling);
                // A stop word or a two-letter word ("de" in "Conseil de sécurité") is no
                // spelling of anything on its own.
                let own = |i: usize| {
                    words.get(i).is_some_and(|w| {
                        w.chars().count() > 2 && !analyzer.lexicon.contains_key(w.as_str())
                    })
                };
                for i in (0..key.len()).filter(|&i| key[i] != name_key[i] && own(i)) {
                    if words.len() == key.len() {
                        single_words.push((
                            words[i].clone(),
                            key[i].clone(),
                            name[i].1.text.clone(),
                        ));
                    }
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
        // A description is read as the name only whole: none of its words stands for one of
        // the name's ("Kremlin" is not "Dmitry"), and typo correction never reaches it.
        for description in &alias.descriptions {
            let key = analyzer.key(description);
            if key.len() >= 2 {
                table
                    .entry(key[0].clone())
                    .or_default()
                    .push((key, name.clone()));
            }
        }
    }
    // A word that became a spelling alone is one typo correction may reach ("shtaye" for
    // "Shtayeh"), when its name was not claimed twice.
    for (word, stem, target) in single_words {
        if single
            .get(&stem)
            .is_some_and(|t| t.as_ref().is_some_and(|t| t.1.text == target))
        {
            spelling_words.push((word, target));
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
        candidates.dedup();
    }
    spelling_words.sort();
    spelling_words.dedup();
    (table, spelling_words)
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
            descriptions: Vec::new(),
        }
    }

    fn lang(code: &str) -> Lang {
        Lang::from_code(code).unwrap()
    }

    #[test]
    fn folds_case_diacritics_and_punctuation() {
        assert_eq!(fold("Lavrov's  al-Mālikī!"), "lavrov al maliki");
        assert_eq!(fold("30,000 dead"), "30000 dead");
    }

    #[test]
    fn hyphenated_names_and_particles_meet() {
        let a = Analyzer::default();
        assert_eq!(texts(&a, "al-Maliki"), texts(&a, "al maliki"));
        assert_eq!(texts(&a, "Al Maliki"), texts(&a, "Maliki"));
    }

    #[test]
    fn a_description_is_read_as_its_name_only_whole() {
        let peskov = Alias {
            descriptions: vec!["Kremlin spokesman".into(), "пресс-секретарь Кремля".into()],
            ..alias("Dmitry Peskov", &["Дмитрий Песков"])
        };
        let en = Analyzer::new(Lang::EN, std::slice::from_ref(&peskov));
        assert_eq!(
            texts(&en, "what did the Kremlin spokesman say"),
            texts(&en, "what did Dmitry Peskov say")
        );
        // Its words alone are themselves: "Kremlin" is not "Dmitry", nor a typo's target.
        assert_eq!(
            texts(&en, "the Kremlin"),
            texts(&Analyzer::default(), "the Kremlin")
        );
        assert!(en.spelling_words().iter().all(|(w, _)| w != "kremlin"));
        let ru = Analyzer::new(lang("ru"), &[peskov]);
        assert_eq!(
            texts(&ru, "что сказал пресс-секретарь Кремля"),
            texts(&ru, "что сказал Дмитрий Песков")
        );
    }

    #[test]
    fn aliases_rewrite_spellings_to_names() {
        let a = Analyzer::new(
            Lang::EN,
            &[
                alias("Mahmoud Abbas", &["Abu Mazen", "Mahmud Abbas"]),
                alias("Riyad al-Maliki", &["al-Malki", "Riad al-Maliki"]),
                alias(
                    "Palestinian National Authority",
                    &["PNA", "PA", "Palestinian Authority"],
                ),
            ],
        );
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
    fn names_are_one_set_of_terms_in_every_script() {
        let aliases = [alias(
            "Sergei Lavrov",
            &["Sergey Lavrov", "سيرغي لافروف", "Сергей Лавров", "Лаврова"],
        )];
        let en = Analyzer::new(Lang::EN, &aliases);
        let ar = Analyzer::new(lang("ar"), &aliases);
        let ru = Analyzer::new(lang("ru"), &aliases);
        let want = texts(&en, "Lavrov");
        assert_eq!(texts(&ar, "لافروف"), want);
        assert_eq!(texts(&ru, "Лавров"), want);
        assert!(
            texts(&ru, "Лаврова").contains(&want[0]),
            "a declined form listed as a spelling"
        );
        assert_eq!(
            texts(&en, "لافروف"),
            want,
            "Arabic letters in an English question"
        );
        assert_eq!(
            texts(&ar, "Lavrov"),
            want,
            "Latin letters in an Arabic question"
        );
    }

    #[test]
    fn spellings_do_not_take_other_languages_words() {
        let aliases = [
            alias("United Nations", &["UN"]),
            alias("prime minister", &["premier"]),
            alias("Security Council", &["Conseil de sécurité"]),
        ];
        let fr = Analyzer::new(lang("fr"), &aliases);
        let en = Analyzer::new(Lang::EN, &aliases);
        assert!(
            !texts(&fr, "un premier jour")
                .iter()
                .any(|t| t == "nation" || t == "minist"),
            "{:?}",
            texts(&fr, "un premier jour")
        );
        assert!(
            texts(&en, "the UN").contains(&"nation".to_string()),
            "{:?}",
            texts(&en, "the UN")
        );
        assert!(texts(&en, "the premier").contains(&"minist".to_string()));
        assert!(!texts(&fr, "de la réunion").contains(&"security".to_string()));
    }

    #[test]
    fn united_states_is_not_us() {
        let a = Analyzer::default();
        assert_eq!(texts(&a, "the US role"), texts(&a, "the USA role"));
        assert!(!texts(&a, "tell us more").contains(&"usa".to_string()));
    }

    #[test]
    fn question_words_are_read_in_each_language() {
        let cases = [
            ("en", "When did Lavrov speak?", Kind::When),
            ("fr", "Quand Lavrov a-t-il parlé ?", Kind::When),
            ("fr", "Où était la réunion ?", Kind::Where),
            ("it", "Chi ha aperto la riunione?", Kind::Who),
            ("ru", "Кто открыл встречу?", Kind::Who),
            ("ar", "من افتتح الاجتماع؟", Kind::Who),
            ("ar", "متى انتهى الاجتماع", Kind::When),
            ("en", "whcih factions came", Kind::Which),
            // As people type in chat: colloquial Arabic, "and" glued on, Russian and French
            // shorthands.
            ("ar", "مين افتتح الاجتماع", Kind::Who),
            ("ar", "ووين صار الاجتماع", Kind::Where),
            ("ar", "ليش ما اجت حماس", Kind::Why),
            ("ru", "че сказал лавров", Kind::What),
            ("ru", "скок фракций приехало", Kind::HowMany),
            ("fr", "pk le hamas", Kind::Why),
            ("it", "xke hamas non c'era", Kind::Why),
        ];
        for (code, text, kind) in cases {
            let a = Analyzer::new(lang(code), &[]);
            let terms = a.terms(text);
            assert!(
                terms.iter().any(|t| t.role == Role::Question(kind)),
                "{code} {text:?}: {terms:?}"
            );
        }
        // Arabic "من" is "who" only at the start; elsewhere it is "from".
        let ar = Analyzer::new(lang("ar"), &[]);
        assert!(!ar
            .terms("وصل الوفد من غزة")
            .iter()
            .any(Term::is_question_word));
    }

    /// Filler words of chat and apostrophes left out are not the subject of a question.
    #[test]
    fn chat_fillers_are_stop_words() {
        for (code, filler, word) in [
            ("en", "theyre", "lavrov"),
            ("it", "dell", "olp"),
            ("fr", "jai", "lavrov"),
            ("ru", "короче", "лавров"),
            ("ar", "اصلا", "حماس"),
        ] {
            let a = Analyzer::new(lang(code), &[]);
            assert_eq!(
                texts(&a, &format!("{filler} {word}")),
                texts(&a, word),
                "{code} {filler:?}"
            );
        }
    }

    #[test]
    fn everyday_words_are_generic() {
        let a = Analyzer::default();
        let terms = a.terms("what did lavrov say");
        assert!(terms.iter().any(|t| t.role == Role::Generic), "{terms:?}");
        assert!(terms
            .iter()
            .any(|t| t.text == "lavrov" && t.role == Role::Subject));
    }

    #[test]
    fn help_is_spotted_in_each_language() {
        for (code, text) in [
            ("en", "hi"),
            ("en", "what can you do?"),
            ("en", "how do I use this bot"),
            ("fr", "bonjour, tu peux faire quoi ?"),
            ("it", "ciao, cosa puoi fare?"),
            ("ru", "привет, что ты умеешь?"),
            ("ar", "مرحبا، ماذا تستطيع ان تفعل؟"),
            ("ar", "شكرا جزيلا"),
            // Goodbyes, praise and questions about the bot, as people type them.
            ("en", "how do I report a wrong answer?"),
            ("en", "what topics do you cover"),
            ("ar", "صباح الخير"),
            ("ar", "تسلم ايدك"),
            ("ru", "доброе утро"),
            ("ru", "хай"),
            ("it", "ottimo lavoro"),
            ("fr", "comment on t'utilise ?"),
            ("fr", "tu parles quelles langues ?"),
        ] {
            let a = Analyzer::new(lang(code), &[]);
            assert!(a.is_help(&a.words(text)), "{code} {text:?}");
        }
        for (code, text) in [
            ("en", "who is Lavrov"),
            ("en", "how did Russia help Gaza"),
            ("fr", "qui est Lavrov ?"),
            ("ar", "من هو لافروف"),
            ("en", "what did the tass report say"),
            ("ru", "что было до встречи"),
            ("it", "che lavoro faceva Mustafa"),
            ("fr", "quelles langues parle Lavrov"),
        ] {
            let a = Analyzer::new(lang(code), &[]);
            assert!(!a.is_help(&a.words(text)), "{code} {text:?}");
        }
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
