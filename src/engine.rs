//! The question-answering core: one [`Engine`] holds a checked fact base and its index, and
//! turns a question into an [`Answer`]. Every front end (the CLI, Discord) calls only this.

use std::path::Path;

use crate::answer::{Answer, Outcome};
use crate::knowledge::{Fact, KnowledgeBase, LoadError};
use crate::matcher::{Document, Index, Model, Scored, CANDIDATES};
use crate::text::{clean_input, detect, fold, Analyzer, Detection, Lang, TimelineRequest};

/// How sure the matcher must be, and how far it reaches for suggestions.
#[derive(Debug, Clone, Copy, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchSettings {
    /// Answer only at or above this confidence (0 to 1). The default, 0.6, was chosen on the
    /// dev set counting a wrong answer as twice as bad as a missed one (answers between 0.5 and
    /// 0.6 were right half the time there); below it the fact is offered as "did you mean".
    pub threshold: f32,
    /// Below the threshold, offer "did you mean" suggestions whose confidence is at least this;
    /// with none, decline outright.
    pub suggest_floor: f32,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            threshold: 0.6,
            suggest_floor: 0.15,
        }
    }
}

impl MatchSettings {
    /// Checks the values; the message says what is wrong and how to fix it.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.threshold) {
            return Err(format!(
                "threshold is {}; use a number from 0 to 1 (0.6 is the default)",
                self.threshold
            ));
        }
        if !(0.0..=1.0).contains(&self.suggest_floor) || self.suggest_floor > self.threshold {
            return Err(format!(
                "suggest_floor is {}; use a number from 0 to the threshold ({})",
                self.suggest_floor, self.threshold
            ));
        }
        Ok(())
    }
}

/// The engine a running bot serves, swapped whole when the knowledge changes: readers take a
/// snapshot with `load()` and are never blocked by a rebuild.
pub type SharedEngine = std::sync::Arc<arc_swap::ArcSwap<Engine>>;

/// Wraps an engine for sharing between tasks.
pub fn shared(engine: Engine) -> SharedEngine {
    std::sync::Arc::new(arc_swap::ArcSwap::from_pointee(engine))
}

/// How many "did you mean" suggestions and related questions an answer carries at most.
pub const MAX_SUGGESTIONS: usize = 3;

/// A checked fact base with one index per language it reads, and the confidence model.
#[derive(Debug, Clone)]
pub struct Engine {
    kb: KnowledgeBase,
    /// By [`Lang::index`]: the facts' texts in that language (English always; a language
    /// without translations has an empty index and is read against the English one).
    /// English is built with the engine; another language when first needed, unless
    /// [`Engine::warm`] built them all (a process that answers one question reads one).
    indexes: Vec<std::sync::OnceLock<Index>>,
    /// By [`Lang::index`]: how each language reads a question (without building its index).
    analyzers: Vec<Analyzer>,
    /// The English index's names, which the other languages' indexes are built with.
    names: rustc_hash::FxHashSet<String>,
    model: Model,
    settings: MatchSettings,
    /// Every question and alternate, folded once, for autocompletion.
    phrasings: Vec<Phrasing>,
}

#[derive(Debug, Clone)]
struct Phrasing {
    fact: usize,
    /// `None` for the fact's question, else the alternate's index.
    alternate: Option<usize>,
    folded: String,
}

/// A question a user might mean, for autocompletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion<'a> {
    pub fact_id: &'a str,
    /// The fact's question or one of its alternates.
    pub text: &'a str,
}

/// How to read a question beyond its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    /// The language the member probably writes (their Discord locale): decides when the text
    /// cannot (a name alone, "naumkin?").
    pub hint: Option<Lang>,
    /// Read the question in this language, whatever it looks like (`ask --lang`).
    pub force: Option<Lang>,
}

impl Engine {
    /// Indexes a base that has already been checked, with the shipped confidence model.
    pub fn new(kb: KnowledgeBase, settings: MatchSettings) -> Engine {
        Engine::with_model(kb, settings, Model::shipped().clone())
    }

    /// Indexes a base with a given confidence model (training, tests): every language.
    pub fn with_model(kb: KnowledgeBase, settings: MatchSettings, model: Model) -> Engine {
        let engine = Engine::lazily(kb, settings, model);
        engine.warm();
        engine
    }

    /// Builds the indexes of the languages not built yet, side by side on plain threads
    /// (they are independent of each other). A running bot does this at start, so that no
    /// member's question waits for an index.
    pub fn warm(&self) {
        std::thread::scope(|scope| {
            for lang in Lang::all().filter(|&l| l != Lang::EN) {
                scope.spawn(move || self.built(lang));
            }
        });
    }

    /// The index of a language, built on first use.
    fn built(&self, lang: Lang) -> &Index {
        self.indexes[lang.index()].get_or_init(|| {
            build_index(&self.kb, self.analyzers[lang.index()].clone(), &self.names)
        })
    }

    /// An engine with the English index built and the others left for first use.
    fn lazily(kb: KnowledgeBase, settings: MatchSettings, model: Model) -> Engine {
        // Each language's analyser is made once: it reads questions, and builds its index.
        let analyzers: Vec<Analyzer> = Lang::all()
            .map(|lang| Analyzer::new(lang, kb.aliases()))
            .collect();
        let english = build_index(
            &kb,
            analyzers[Lang::EN.index()].clone(),
            &Default::default(),
        );
        let names = english.name_terms();
        let mut english = Some(english);
        let indexes = Lang::all()
            .map(|lang| match english.take_if(|_| lang == Lang::EN) {
                Some(index) => std::sync::OnceLock::from(index),
                None => std::sync::OnceLock::new(),
            })
            .collect();
        let phrasings = kb
            .facts()
            .iter()
            .enumerate()
            .flat_map(|(fact, f)| {
                let question = Phrasing {
                    fact,
                    alternate: None,
                    folded: fold(&f.question),
                };
                let alternates = f
                    .alternates
                    .iter()
                    .enumerate()
                    .map(move |(a, text)| Phrasing {
                        fact,
                        alternate: Some(a),
                        folded: fold(text),
                    });
                std::iter::once(question).chain(alternates)
            })
            .collect();
        Engine {
            kb,
            indexes,
            analyzers,
            names,
            model,
            settings,
            phrasings,
        }
    }

    /// Loads, checks and indexes a knowledge folder, every language.
    pub fn load(dir: &Path, settings: MatchSettings) -> Result<Engine, LoadError> {
        Ok(Engine::new(KnowledgeBase::load(dir)?, settings))
    }

    /// Loads and checks a knowledge folder and indexes English; another language is indexed
    /// when a question first needs it. For a process that answers a few questions (`ask`).
    pub fn load_lazily(dir: &Path, settings: MatchSettings) -> Result<Engine, LoadError> {
        Ok(Engine::lazily(
            KnowledgeBase::load(dir)?,
            settings,
            Model::shipped().clone(),
        ))
    }

    pub fn knowledge(&self) -> &KnowledgeBase {
        &self.kb
    }

    pub fn settings(&self) -> MatchSettings {
        self.settings
    }

    /// The index a question in `lang` is matched against: the language's own, or English's
    /// where the base has no translations into it yet.
    fn index(&self, lang: Lang) -> &Index {
        let own = self.built(lang);
        if own.is_empty() {
            self.built(Lang::EN)
        } else {
            own
        }
    }

    /// Answers a question: the fact that answers it with its sources, or suggestions, or a
    /// polite refusal, in the question's language. Never panics, whatever the input; the same
    /// question always gets the same answer.
    pub fn ask(&self, raw: &str) -> Answer<'_> {
        self.ask_with(raw, Reading::default())
    }

    /// [`Engine::ask`], with a hint about the member's language or a language to force.
    #[tracing::instrument(level = "debug", skip_all)]
    pub fn ask_with(&self, raw: &str, reading: Reading) -> Answer<'_> {
        let input = clean_input(raw);
        let mut answer = Answer::new(&self.kb, input.text, input.truncated);
        let detection = match reading.force {
            Some(lang) => Detection::forced(lang),
            None => detect(&answer.question, reading.hint),
        };
        answer.language = detection.lang();
        if let Some((lang, request)) = self.timeline_request(&answer.question, &detection) {
            answer.language = lang;
            answer.outcome = Outcome::Timeline(request);
            return answer;
        }
        let Some(read) = self.read(&answer.question, &detection, reading.hint) else {
            answer.outcome = Outcome::Empty;
            return answer;
        };
        answer.language = read.lang;
        match read.ranked {
            Ranked::Help => {
                answer.outcome = Outcome::Help;
                return answer;
            }
            Ranked::Unsupported(language) => {
                answer.outcome = Outcome::Unsupported(language);
                return answer;
            }
            Ranked::Facts(ranked) => self.decide(&mut answer, &ranked),
        }
        tracing::debug!(
            outcome = answer.outcome.name(),
            language = %answer.language,
            fact = answer.fact().map(|f| f.id.as_str()),
            confidence = answer.confidence,
            "answered"
        );
        answer
    }

    /// Reads a question in the detected language, or, when the detector is not sure, in each
    /// of its candidates, keeping the reading whose best fact is most likely (the first on a
    /// tie); but the member's language (`hint`, else the detector's first guess) when the
    /// text could not tell and that reading is good enough to answer, or when no reading is.
    /// A question no reading can answer may be in a language the bot does not read, and is
    /// told so. `None` when the question has no words at all.
    fn read(&self, question: &str, detection: &Detection, hint: Option<Lang>) -> Option<Read> {
        let tries = if detection.sure {
            &detection.candidates[..1]
        } else {
            &detection.candidates[..]
        };
        let mut best: Option<Read> = None;
        // The preferred language's reading, kept when no reading is good enough to answer:
        // "did you mean" then comes in the member's language.
        let mut preferred_read: Option<Read> = None;
        let mut any_words = false;
        for &lang in tries {
            let index = self.index(lang);
            let analyzer = &self.analyzers[lang.index()];
            let words = analyzer.words(question);
            if words.is_empty() {
                continue;
            }
            any_words = true;
            if analyzer.is_help(&words) {
                return Some(Read {
                    lang,
                    ranked: Ranked::Help,
                });
            }
            let ranked = index.search(words, &self.model, MAX_SUGGESTIONS + 1);
            let confidence = ranked.first().map_or(0.0, |s| s.confidence);
            // The language the member probably writes (the hint, else the detector's first
            // guess: English when nothing tells) keeps a reading good enough to answer; the
            // others only compete when it is not.
            let preferred = hint.unwrap_or(detection.candidates[0]);
            if lang == preferred {
                if confidence >= self.settings.threshold {
                    return Some(Read {
                        lang,
                        ranked: Ranked::Facts(ranked),
                    });
                }
                preferred_read = Some(Read {
                    lang,
                    ranked: Ranked::Facts(ranked.clone()),
                });
            }
            let better = match &best {
                None => true,
                Some(Read {
                    ranked: Ranked::Facts(other),
                    ..
                }) => confidence > other.first().map_or(0.0, |s| s.confidence),
                Some(_) => false,
            };
            if better {
                best = Some(Read {
                    lang,
                    ranked: Ranked::Facts(ranked),
                });
            }
        }
        if !any_words {
            return None;
        }
        let answerable = |read: &Read| match &read.ranked {
            Ranked::Facts(ranked) => ranked
                .first()
                .is_some_and(|s| s.confidence >= self.settings.threshold),
            _ => true,
        };
        match best {
            Some(read) if answerable(&read) => Some(read),
            // Not answerable in any of our languages: perhaps it is in none of them.
            other => match detection.unsupported(question) {
                Some(language) => Some(Read {
                    lang: Lang::EN,
                    ranked: Ranked::Unsupported(language),
                }),
                None => preferred_read.or(other),
            },
        }
    }

    /// A request for the timeline ("what happened after the meeting?"), read in the detected
    /// language or its candidates, when the base has events to show (and a focus, for
    /// "before" and "after"); the words are each language's (`text::timeline_request`).
    fn timeline_request(
        &self,
        question: &str,
        detection: &Detection,
    ) -> Option<(Lang, TimelineRequest)> {
        let (any, focus) = crate::timeline::availability(&self.kb);
        if !any {
            return None;
        }
        let tries = if detection.sure {
            &detection.candidates[..detection.candidates.len().min(1)]
        } else {
            &detection.candidates[..]
        };
        let found = tries.iter().find_map(|&lang| {
            let request = crate::text::timeline_request(question, lang)?;
            (request == TimelineRequest::All || focus).then_some((lang, request))
        })?;
        detection.unsupported(question).is_none().then_some(found)
    }

    /// Answers, offers suggestions or declines on the ranked candidates.
    fn decide<'a>(&'a self, answer: &mut Answer<'a>, ranked: &[Scored]) {
        let facts = self.kb.facts();
        if let Some(best) = ranked.first() {
            answer.best = Some(&facts[best.fact]);
            answer.confidence = best.confidence;
        }
        match ranked.first() {
            Some(best) if best.confidence >= self.settings.threshold => {
                let fact = &facts[best.fact];
                answer.outcome = Outcome::Answered(fact);
                answer.related = self.related(fact);
            }
            Some(best) if best.confidence >= self.settings.suggest_floor => {
                answer.outcome = Outcome::Unsure;
                answer.suggestions = ranked
                    .iter()
                    .filter(|s| s.confidence >= self.settings.suggest_floor)
                    .take(MAX_SUGGESTIONS)
                    .map(|s| &facts[s.fact])
                    .collect();
            }
            _ => answer.outcome = Outcome::Declined,
        }
    }

    /// Questions that fit what has been typed so far, for autocompletion: facts whose question
    /// or alternates contain the typed words, then the best matches, at most `limit`. With
    /// nothing typed, the facts' questions in order.
    pub fn complete(&self, partial: &str, limit: usize) -> Vec<Completion<'_>> {
        let typed = fold(&clean_input(partial).text);
        let facts = self.kb.facts();
        let phrasing = |fact: usize, alternate: Option<usize>| {
            let fact = &facts[fact];
            let text = alternate.map_or(fact.question.as_str(), |a| fact.alternates[a].as_str());
            Completion {
                fact_id: &fact.id,
                text,
            }
        };
        let by_text = self
            .phrasings
            .iter()
            .filter(|p| p.folded.contains(&typed))
            .map(|p| phrasing(p.fact, p.alternate));
        let by_match = if typed.is_empty() {
            Vec::new()
        } else {
            let index = self.index(detect(partial, None).lang());
            let words = index.analyzer().words(&clean_input(partial).text);
            index.search(words, &self.model, limit)
        };
        let by_match = by_match.into_iter().map(|s| phrasing(s.fact, None));
        let mut out: Vec<Completion<'_>> = Vec::new();
        for completion in by_text.chain(by_match) {
            if out.len() >= limit {
                break;
            }
            if !out.iter().any(|o| o.fact_id == completion.fact_id) {
                out.push(completion);
            }
        }
        out
    }

    /// How a question is read and scored (see [`Index::explain`]).
    pub fn explain(&self, question: &str) -> String {
        let text = clean_input(question).text;
        let lang = detect(&text, None).lang();
        let index = self.index(lang);
        let words = self.analyzers[lang.index()].words(&text);
        let ids: Vec<&str> = self.kb.facts().iter().map(|f| f.id.as_str()).collect();
        index.explain(words, &self.model, &ids)
    }

    /// The candidates for a question with their features, best first (training). Read in
    /// `lang` when given, the way `ask --lang` reads, so that what training sees does not
    /// depend on the model being trained (the automatic reading compares the model's
    /// confidence across languages); else read as [`Engine::ask`] reads it. Empty for
    /// greetings and empty questions.
    pub fn candidates(&self, question: &str, lang: Option<Lang>) -> Vec<Scored> {
        let text = clean_input(question).text;
        let detection = match lang {
            Some(lang) => Detection::forced(lang),
            None => detect(&text, None),
        };
        let Some(read) = self.read(&text, &detection, None) else {
            return Vec::new();
        };
        let Ranked::Facts(_) = read.ranked else {
            return Vec::new();
        };
        let words = self.analyzers[read.lang.index()].words(&text);
        self.index(read.lang).search(words, &self.model, CANDIDATES)
    }

    /// The fact a suggestion or follow-up button names, by id.
    pub fn fact(&self, id: &str) -> Option<&Fact> {
        self.kb.fact(id)
    }

    /// The follow-up facts of a fact, at most [`MAX_SUGGESTIONS`].
    fn related(&self, fact: &Fact) -> Vec<&Fact> {
        fact.related
            .iter()
            .filter_map(|id| self.kb.fact(id))
            .take(MAX_SUGGESTIONS)
            .collect()
    }

    /// Answers with a known fact directly (a pressed follow-up or suggestion button).
    pub fn answer_fact(&self, id: &str) -> Option<Answer<'_>> {
        self.answer_fact_in(id, Lang::EN)
    }

    /// [`Engine::answer_fact`] in a language: the reply to a button on an answer in that
    /// language (the fact's translation, or English with a note).
    pub fn answer_fact_in(&self, id: &str, lang: Lang) -> Option<Answer<'_>> {
        let fact = self.kb.fact(id)?;
        let question = crate::answer::question_in(&self.kb, fact, lang).to_string();
        let mut answer = Answer::new(&self.kb, question, false);
        answer.language = lang;
        answer.outcome = Outcome::Answered(fact);
        answer.confidence = 1.0;
        answer.related = self.related(fact);
        Some(answer)
    }
}

/// A question read in one language.
struct Read {
    lang: Lang,
    ranked: Ranked,
}

enum Ranked {
    Help,
    Unsupported(&'static str),
    Facts(Vec<Scored>),
}

/// The index of the facts' texts in one language: English from the facts, another language
/// from their translations (facts without one have an empty document there).
fn build_index(
    kb: &KnowledgeBase,
    analyzer: Analyzer,
    names: &rustc_hash::FxHashSet<String>,
) -> Index {
    let lang = analyzer.lang();
    let outlets = outlets(kb);
    let texts: Vec<(&str, &[String], &[String], String)> = kb
        .facts()
        .iter()
        .map(|f| {
            if lang == Lang::EN {
                return (
                    f.question.as_str(),
                    &f.alternates[..],
                    &f.keywords[..],
                    without_outlets(&f.answer, &outlets),
                );
            }
            match kb.translation(lang, &f.id) {
                Some(t) => (
                    t.question.as_str(),
                    &t.alternates[..],
                    &t.keywords[..],
                    without_outlets(&t.answer, &outlets),
                ),
                None => ("", &[][..], &[][..], String::new()),
            }
        })
        .collect();
    let docs: Vec<Document<'_>> = texts
        .iter()
        .map(|(question, alternates, keywords, answer)| Document {
            question,
            alternates,
            keywords,
            answer,
        })
        .collect();
    Index::build(&docs, analyzer, names)
}

/// The outlets the base cites, longest first.
fn outlets(kb: &KnowledgeBase) -> Vec<&str> {
    let mut outlets: Vec<&str> = kb
        .sources()
        .iter()
        .map(|s| s.outlet.as_str())
        .filter(|o| o.len() >= 3)
        .collect();
    outlets.sort_by_key(|o| std::cmp::Reverse(o.len()));
    outlets.dedup();
    outlets
}

/// An answer with the outlets it cites blanked out: "(News of Israel)" says who reported
/// something, not what the fact is about, so "Israel" there must not match.
fn without_outlets(answer: &str, outlets: &[&str]) -> String {
    let mut answer = answer.to_string();
    for outlet in outlets {
        if answer.contains(outlet) {
            answer = answer.replace(outlet, " ");
        }
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_validated() {
        assert!(MatchSettings::default().validate().is_ok());
        assert!(MatchSettings {
            threshold: 1.5,
            ..Default::default()
        }
        .validate()
        .is_err());
        assert!(MatchSettings {
            threshold: 0.3,
            suggest_floor: 0.4
        }
        .validate()
        .is_err());
    }

    /// A question of noise cannot make typo correction try every word: past the first twelve
    /// unknown words, a typo of a name is no longer read as the name.
    #[test]
    fn correction_attempts_are_bounded() {
        let engine = Engine::load(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/knowledge")),
            MatchSettings::default(),
        )
        .unwrap();
        let noise = "qwertyu zxcvbnm plokijuh mnbvcxz asdfghjk poiuytre lkjhgfds yhnujmik \
                     trewqazx bvcxzlkj hgfdsapo iuytrewq";
        let early = engine.explain(&format!("naumkn {noise}"));
        assert!(early.contains("naumkn->"), "{early}");
        let late = engine.explain(&format!("{noise} naumkn"));
        assert!(!late.contains("naumkn->"), "{late}");
        assert!(late.contains("naumkn[unknown"), "{late}");
    }
}
