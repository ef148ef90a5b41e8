//! Which language a question is written in. The script settles Arabic and Russian; among the
//! Latin-script languages the question's function words vote (stop words, question words,
//! greetings and elisions, each counting less the more languages share it), helped by letters
//! only one of them uses (ç, ì). Short questions of names alone ("naumkin?") carry no vote:
//! they keep the caller's hint (a Discord locale) or English, and the engine may try the other
//! Latin languages too. whatlang (a kept detector of 69 languages) is asked only whether a
//! question is in a language the bot does not read at all, so it can say which it reads; and
//! only when the function words leave room for one ([`Detection::maybe_foreign`]) and no
//! reading of the question could answer it (its trigram scoring costs more than the rest of
//! an answer, so it runs for the questions that need it).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::language::{Lang, Script};

/// What the detector makes of a question.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// The languages to read the question in, most likely first; never empty.
    pub candidates: Vec<Lang>,
    /// The first candidate is clearly the language: its own script, or function words of one
    /// language only. When not sure, the engine may try the other candidates.
    pub sure: bool,
    /// Few function words of our languages: the question may be in a language the bot does
    /// not read, which [`Detection::unsupported`] tells.
    pub maybe_foreign: bool,
}

impl Detection {
    pub fn lang(&self) -> Lang {
        self.candidates[0]
    }

    /// A language given, not detected: read in it alone.
    pub fn forced(lang: Lang) -> Detection {
        Detection {
            candidates: vec![lang],
            sure: true,
            maybe_foreign: false,
        }
    }

    /// The English name of the language `text` (the text detected) is written in when it is
    /// none of ours, as far as whatlang reliably tells.
    pub fn unsupported(&self, text: &str) -> Option<&'static str> {
        if self.maybe_foreign {
            unsupported(text)
        } else {
            None
        }
    }
}

/// The language of a text written mostly in a script that only one of our languages uses
/// (Arabic, Cyrillic); `None` for Latin text or text without letters.
pub fn script_language(text: &str) -> Option<Lang> {
    let (latin, arabic, cyrillic) = script_counts(text);
    let script = if arabic > latin && arabic >= cyrillic {
        Script::Arabic
    } else if cyrillic > latin && cyrillic > arabic {
        Script::Cyrillic
    } else {
        return None;
    };
    Lang::all().find(|l| l.rules().script() == script)
}

/// Words written in each script (Latin, Arabic, Cyrillic), by their first letter: words, not
/// letters, so that a long Latin name does not outweigh the Arabic question around it.
fn script_counts(text: &str) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        match word.chars().find_map(Script::of) {
            Some(Script::Latin) => counts.0 += 1,
            Some(Script::Arabic) => counts.1 += 1,
            Some(Script::Cyrillic) => counts.2 += 1,
            None => {}
        }
    }
    counts
}

/// Detects the language of a question; `hint` (a member's Discord locale) decides when the
/// text cannot.
pub fn detect(text: &str, hint: Option<Lang>) -> Detection {
    if let Some(lang) = script_language(text) {
        return Detection::forced(lang);
    }
    let latin = &VOTERS.latin;
    let scores = votes(text);
    let mut ranked: Vec<(Lang, f32)> = latin.iter().copied().zip(scores).collect();
    // Best first; ties go to the hint, then to registration order (English first).
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| (Some(b.0) == hint).cmp(&(Some(a.0) == hint)))
            .then_with(|| a.0.cmp(&b.0))
    });
    let best_score = ranked[0].1;
    let second = ranked.get(1).map_or(0.0, |r| r.1);
    if best_score == 0.0 {
        let first = hint
            .filter(|h| h.rules().script() == Script::Latin)
            .unwrap_or(Lang::EN);
        let mut candidates = vec![first];
        candidates.extend(latin.iter().copied().filter(|&l| l != first));
        return Detection {
            candidates,
            sure: false,
            maybe_foreign: true,
        };
    }
    // A few function words shared with our languages ("la", "en") do not make a Spanish
    // question French: below three votes the question may be in another language.
    Detection {
        candidates: ranked.iter().map(|r| r.0).collect(),
        sure: best_score >= 1.0 && best_score >= second + 1.0,
        maybe_foreign: best_score < 3.0,
    }
}

/// The Latin languages, in registration order, and the function words that vote for them:
/// each folded word with the languages that have it as a stop, question or greeting word,
/// and those that elide it before an apostrophe (one bit per language), built once.
struct Voters {
    latin: Vec<Lang>,
    words: HashMap<&'static str, Voter>,
}

#[derive(Default, Clone, Copy)]
struct Voter {
    word: u8,
    elision: u8,
}

static VOTERS: LazyLock<Voters> = LazyLock::new(|| {
    let latin: Vec<Lang> = Lang::all()
        .filter(|l| l.rules().script() == Script::Latin)
        .collect();
    assert!(latin.len() <= 8, "one bit per Latin language in a u8");
    let mut words: HashMap<&'static str, Voter> = HashMap::new();
    for (i, lang) in latin.iter().enumerate() {
        let r = lang.rules();
        let bit = 1u8 << i;
        let own = r
            .stop_words()
            .iter()
            .chain(r.question_words().iter().map(|q| &q.word))
            .chain(r.help_triggers());
        for &word in own {
            words.entry(word).or_default().word |= bit;
        }
        for &word in r.elisions() {
            words.entry(word).or_default().elision |= bit;
        }
    }
    Voters { latin, words }
});

/// Each Latin language's vote: function words (stop, question, greeting words, elisions
/// before an apostrophe), each worth 1 divided by the number of languages that have it, plus
/// a half for each letter only that language uses; in the order of [`Voters::latin`].
fn votes(text: &str) -> Vec<f32> {
    let voters = &*VOTERS;
    let latin = &voters.latin;
    let lower = text.to_lowercase();
    let mut scores = vec![0f32; latin.len()];
    for (word, before_apostrophe) in split_words(&lower) {
        let folded = super::fold(word);
        let Some(voter) = voters.words.get(folded.as_str()) else {
            continue;
        };
        let has = voter.word | if before_apostrophe { voter.elision } else { 0 };
        let n = has.count_ones();
        for (i, score) in scores.iter_mut().enumerate() {
            if has & (1 << i) != 0 {
                *score += 1.0 / n as f32;
            }
        }
    }
    for (lang, score) in latin.iter().zip(scores.iter_mut()) {
        let letters = match lang.code() {
            "fr" => "çêâîôûœ",
            "it" => "ìò",
            _ => "",
        };
        *score += 0.5 * lower.chars().filter(|c| letters.contains(*c)).count() as f32;
    }
    scores
}

/// Words of letters, each with whether an apostrophe follows it ("l'" in "l'incontro").
fn split_words(text: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        if c.is_alphanumeric() {
            start.get_or_insert(i);
        } else if let Some(s) = start.take() {
            out.push((&text[s..i], matches!(c, '\'' | '\u{2019}')));
        }
    }
    if let Some(s) = start {
        out.push((&text[s..], false));
    }
    out
}

/// The English name of the language whatlang reliably finds in a text, when it is none of ours.
fn unsupported(text: &str) -> Option<&'static str> {
    let info = whatlang::detect(text)?;
    if !info.is_reliable() || info.confidence() < 0.9 {
        return None;
    }
    let ours = [
        whatlang::Lang::Eng,
        whatlang::Lang::Fra,
        whatlang::Lang::Ita,
        whatlang::Lang::Ara,
        whatlang::Lang::Rus,
    ];
    (!ours.contains(&info.lang())).then(|| info.lang().eng_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> &'static str {
        detect(text, None).lang().code()
    }

    #[test]
    fn scripts_settle_arabic_and_russian() {
        assert_eq!(code("من افتتح الاجتماع في موسكو؟"), "ar");
        assert_eq!(code("Кто открыл встречу?"), "ru");
        assert_eq!(code("من هو Lavrov"), "ar", "a Latin name inside Arabic");
        assert_eq!(code("кто такой Naumkin"), "ru");
        assert!(detect("Кто открыл встречу?", None).sure);
    }

    #[test]
    fn function_words_tell_the_latin_languages_apart() {
        assert_eq!(code("Who opened the meeting?"), "en");
        assert_eq!(code("when did it end"), "en");
        assert_eq!(code("Chi ha aperto la riunione di Mosca?"), "it");
        assert_eq!(code("quando è finita la riunione"), "it");
        assert_eq!(code("Qui a ouvert la réunion de Moscou ?"), "fr");
        assert_eq!(code("c'était quand la réunion"), "fr");
        assert_eq!(code("l'incontro di mosca"), "it");
        assert_eq!(code("qu'est-ce que l'OLP"), "fr");
    }

    #[test]
    fn names_alone_keep_the_hint() {
        let fr = Lang::from_code("fr").unwrap();
        let d = detect("naumkin?", Some(fr));
        assert_eq!(d.lang(), fr);
        assert!(!d.sure);
        assert_eq!(detect("naumkin?", None).lang(), Lang::EN);
        assert!(detect("lavrov", None).candidates.len() > 1);
    }

    #[test]
    fn other_languages_are_named() {
        let named = |text: &str| detect(text, None).unsupported(text);
        assert_eq!(
            named("Wer hat das Treffen in Moskau eröffnet?"),
            Some("German")
        );
        assert_eq!(
            named("¿Quién inauguró la reunión en Moscú?"),
            Some("Spanish")
        );
        for ours in [
            "Who opened the meeting in Moscow?",
            "what did lavrov say about the us",
            "whos peskov",
            "Chi ha aperto la riunione?",
        ] {
            assert_eq!(detect(ours, None).unsupported(ours), None, "{ours}");
        }
    }
}
