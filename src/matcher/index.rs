//! The inverted index over the facts of one language: each fact's question, alternates,
//! keywords and answer, scored BM25F-style. It finds candidates fast; whether a candidate
//! answers the question is for the features and the model to say.

// Fx hashing: the keys are words and ids, looked up for every word of every text and
// question; SipHash's protection is not needed for tables built from the knowledge.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use super::correct::Corrector;
use crate::text::{Analyzer, Kind, Role, Token};

/// How much each field of a fact counts: question, alternates, keywords, answer.
const FIELD_WEIGHTS: [f32; FIELDS] = [3.0, 2.0, 2.0, 1.0];
const FIELDS: usize = 4;
const ANSWER: usize = 3;
/// BM25 saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// A question word (who, when...) counts this much of a subject word in the ranking.
const QUESTION_WORD_WEIGHT: f32 = 0.35;
/// How much a typo-corrected word counts in the ranking, by edit distance.
const FUZZY_FACTOR: [f32; 3] = [1.0, 0.8, 0.55];

/// What a fact offers the index, in the index's language.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub question: &'a str,
    pub alternates: &'a [String],
    pub keywords: &'a [String],
    pub answer: &'a str,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Posting {
    pub fact: u32,
    /// BM25F weight of the term in the fact, IDF included.
    pub weight: f32,
    /// The term is in one of the fact's phrasings (question, alternates, keywords), not only
    /// in its answer.
    pub phrased: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct TermEntry {
    pub idf: f32,
    /// Most of the facts write the term capitalised: a name of a person, place, group or outlet.
    pub name: bool,
    /// Sorted by fact.
    pub postings: Vec<Posting>,
}

/// A phrasing (question or alternate) of a fact as terms, for measuring how much of it a
/// question covers.
#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    /// Subject terms with their IDF.
    pub terms: Vec<(u32, f32)>,
}

/// The search structure over the facts of one language. Built once; answering reads it only.
#[derive(Debug, Clone)]
pub struct Index {
    analyzer: Analyzer,
    pub(crate) terms: HashMap<String, u32>,
    pub(crate) entries: Vec<TermEntry>,
    /// Per fact, its question and alternates as terms.
    pub(crate) phrases: Vec<Vec<Phrase>>,
    /// Per fact, the kinds of question its phrasings ask (see [`Kind::bit`]).
    pub(crate) intents: Vec<u8>,
    /// Per fact, what its answer holds ([`super::features::HAS_NUMBER`], `HAS_DATE`).
    pub(crate) answer_has: Vec<u8>,
    pub(crate) corrector: Corrector,
    /// The IDF a word no fact uses would have.
    pub(crate) unknown_idf: f32,
    pub(crate) facts: usize,
}

/// A question term as the index sees it.
#[derive(Debug, Clone)]
pub(crate) struct QueryTerm {
    /// The folded word as typed.
    pub word: String,
    pub role: Role,
    /// The term in the index, if known (exactly or after correction).
    pub id: Option<u32>,
    /// 0 when the word is the term; else the edit distance of the correction.
    pub distance: u8,
}

/// A question analysed against an index: its distinct terms, each known or not.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pub terms: Vec<QueryTerm>,
    /// The kinds of question asked (see [`Kind::bit`]).
    pub asked: u8,
}

/// A fact the index ranks for a question, with its BM25F score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Ranked {
    pub fact: usize,
    pub score: f32,
}

thread_local! {
    /// Per-fact score accumulators reused across questions on a thread, zeroed after each
    /// use, so answering allocates nothing in proportion to the size of the base.
    static SCRATCH: std::cell::RefCell<(Vec<f32>, Vec<u32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

impl Index {
    /// Indexes documents (one per fact, in the facts' order). `names` are terms known to be
    /// names from elsewhere (the English index), for indexes of languages without capitals.
    pub fn build(docs: &[Document<'_>], analyzer: Analyzer, names: &HashSet<String>) -> Index {
        let n = docs.len();
        let mut terms: HashMap<String, u32> = HashMap::default();
        let mut surface_of: HashMap<String, u32> = HashMap::default();
        let mut per_fact: Vec<Vec<(u32, [f32; FIELDS])>> = Vec::with_capacity(n);
        let mut phrases: Vec<Vec<Vec<u32>>> = Vec::with_capacity(n);
        let mut intents: Vec<u8> = Vec::with_capacity(n);
        let mut lengths: Vec<[f32; FIELDS]> = Vec::with_capacity(n);
        let mut capitals: HashMap<u32, (u32, u32)> = HashMap::default();
        for doc in docs {
            let mut tf: HashMap<u32, [f32; FIELDS]> = HashMap::default();
            let mut len = [0f32; FIELDS];
            let question = [doc.question.to_string()];
            let fields: [&[String]; FIELDS] = [&question, doc.alternates, doc.keywords, &[]];
            let mut fact_phrases = Vec::new();
            let mut fact_intents = 0u8;
            let answer = [doc.answer.to_string()];
            for (f, texts) in fields.iter().enumerate() {
                let texts: &[String] = if f == ANSWER { &answer } else { texts };
                for text in texts {
                    let mut phrase = Vec::new();
                    for (word, term) in analyzer.words_and_terms(text) {
                        let next = terms.len() as u32;
                        if f != ANSWER {
                            if let Role::Question(kind) = term.role {
                                fact_intents |= kind.bit();
                            }
                        }
                        let question_word = term.is_question_word();
                        let id = *terms.entry(term.text).or_insert(next);
                        if !question_word {
                            surface_of.entry(word).or_insert(id);
                        }
                        if f < 2 && !question_word && !phrase.contains(&id) {
                            phrase.push(id);
                        }
                        tf.entry(id).or_insert([0.0; FIELDS])[f] += 1.0;
                        len[f] += 1.0;
                    }
                    if f < 2 && !phrase.is_empty() {
                        fact_phrases.push(phrase);
                    }
                }
            }
            count_capitals(&analyzer, doc, &terms, &mut capitals);
            let mut tf: Vec<(u32, [f32; FIELDS])> = tf.into_iter().collect();
            tf.sort_by_key(|(id, _)| *id);
            per_fact.push(tf);
            phrases.push(fact_phrases);
            intents.push(fact_intents);
            lengths.push(len);
        }
        let mut avg = [0f32; FIELDS];
        for len in &lengths {
            for f in 0..FIELDS {
                avg[f] += len[f];
            }
        }
        for a in &mut avg {
            *a = (*a / n.max(1) as f32).max(1.0);
        }

        let mut entries: Vec<TermEntry> = vec![
            TermEntry {
                idf: 0.0,
                name: false,
                postings: Vec::new(),
            };
            terms.len()
        ];
        for (i, tf) in per_fact.iter().enumerate() {
            for &(id, counts) in tf {
                let mut wtf = 0.0;
                for f in 0..FIELDS {
                    let norm = 1.0 - B + B * lengths[i][f] / avg[f];
                    wtf += FIELD_WEIGHTS[f] * counts[f] / norm;
                }
                entries[id as usize].postings.push(Posting {
                    fact: i as u32,
                    weight: wtf * (K1 + 1.0) / (wtf + K1),
                    phrased: counts[..ANSWER].iter().any(|&c| c > 0.0),
                });
            }
        }
        for (text, &id) in &terms {
            let entry = &mut entries[id as usize];
            entry.idf = idf(n, entry.postings.len());
            let (capital, total) = capitals.get(&id).copied().unwrap_or((0, 0));
            entry.name = names.contains(text) || (total > 0 && capital * 10 >= total * 6);
            for posting in &mut entry.postings {
                posting.weight *= entry.idf;
            }
        }
        let phrases = phrases
            .into_iter()
            .map(|fact| {
                fact.into_iter()
                    .map(|ids| Phrase {
                        terms: ids
                            .into_iter()
                            .map(|id| (id, entries[id as usize].idf))
                            .collect(),
                    })
                    .collect()
            })
            .collect();

        for (word, target) in analyzer.spelling_words() {
            if let Some(&id) = terms.get(target) {
                surface_of.entry(word.clone()).or_insert(id);
            }
        }
        let corrector = Corrector::new(surface_of, |id| entries[id as usize].name);
        let answer_has = docs.iter().map(|d| answer_holds(d.answer)).collect();
        Index {
            analyzer,
            terms,
            entries,
            phrases,
            intents,
            answer_has,
            corrector,
            unknown_idf: idf(n, 0),
            facts: n,
        }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// Whether the index holds no term at all (a language without translations).
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The terms that are names in this index, as text (for indexes of other languages).
    pub fn name_terms(&self) -> HashSet<String> {
        self.terms
            .iter()
            .filter(|(_, &id)| self.entries[id as usize].name)
            .map(|(text, _)| text.clone())
            .collect()
    }

    /// Reads a question's tokens against the index: distinct terms, unknown words corrected
    /// where a known word is near.
    pub(crate) fn query(&self, tokens: &[Token]) -> Query {
        let mut query = Query::default();
        let mut attempts = 0;
        // The words and terms already read: a word or term met again adds nothing (one
        // lookup each, however long the question).
        let mut seen_words: HashSet<&str> = HashSet::default();
        let mut seen_ids: HashSet<u32> = HashSet::default();
        for (word, term) in tokens {
            if let Role::Question(kind) = term.role {
                query.asked |= kind.bit();
            }
            let known = self.terms.get(&term.text).copied();
            if seen_words.contains(word.as_str()) || known.is_some_and(|id| seen_ids.contains(&id))
            {
                continue;
            }
            seen_words.insert(word);
            let (id, distance) = match known {
                Some(id) => (Some(id), 0),
                None if term.is_question_word() => (None, 0),
                None if attempts >= super::correct::MAX_CORRECTION_ATTEMPTS => (None, 0),
                None => {
                    // Words too short to correct cost nothing and take no attempt.
                    attempts += usize::from(word.chars().nth(3).is_some());
                    match self.corrector.correct(word, query.corrections()) {
                        Some((id, d)) => (Some(id), d),
                        None => (None, 0),
                    }
                }
            };
            if let Some(id) = id {
                seen_ids.insert(id);
            }
            query.terms.push(QueryTerm {
                word: word.clone(),
                role: term.role,
                id,
                distance,
            });
        }
        query
    }

    /// The facts with the highest BM25F score for a query, best first (ties to the earlier
    /// fact), at most `limit`.
    pub(crate) fn rank(&self, query: &Query, limit: usize) -> Vec<Ranked> {
        SCRATCH.with(|scratch| {
            let (acc, touched) = &mut *scratch.borrow_mut();
            if acc.len() < self.facts {
                acc.resize(self.facts, 0.0);
            }
            touched.clear();
            for term in &query.terms {
                let Some(id) = term.id else { continue };
                let weight = match term.role {
                    Role::Question(_) => QUESTION_WORD_WEIGHT,
                    _ => FUZZY_FACTOR[usize::from(term.distance).min(2)],
                };
                for posting in &self.entries[id as usize].postings {
                    let slot = &mut acc[posting.fact as usize];
                    if *slot == 0.0 {
                        touched.push(posting.fact);
                    }
                    *slot += posting.weight * weight;
                }
            }
            let mut ranked: Vec<Ranked> = Vec::with_capacity(limit + 1);
            for &f in touched.iter() {
                let candidate = Ranked {
                    fact: f as usize,
                    score: acc[f as usize],
                };
                let beats = |other: &Ranked| {
                    candidate.score > other.score
                        || (candidate.score == other.score && candidate.fact < other.fact)
                };
                if ranked.len() < limit || ranked.last().is_some_and(beats) {
                    let at = ranked.iter().position(beats).unwrap_or(ranked.len());
                    ranked.insert(at, candidate);
                    ranked.truncate(limit);
                }
            }
            for &f in touched.iter() {
                acc[f as usize] = 0.0;
            }
            ranked
        })
    }

    /// The posting of a term for a fact, if the fact has the term.
    pub(crate) fn posting(&self, id: u32, fact: usize) -> Option<&Posting> {
        let postings = &self.entries[id as usize].postings;
        postings
            .binary_search_by_key(&(fact as u32), |p| p.fact)
            .ok()
            .map(|i| &postings[i])
    }

    pub(crate) fn entry(&self, id: u32) -> &TermEntry {
        &self.entries[id as usize]
    }

    /// The text of a term id (for explanations).
    pub(crate) fn term_text(&self, id: u32) -> &str {
        self.terms
            .iter()
            .find(|(_, &v)| v == id)
            .map_or("?", |(k, _)| k.as_str())
    }
}

impl Query {
    /// How many words were corrected so far (corrections per question are bounded).
    fn corrections(&self) -> usize {
        self.terms.iter().filter(|t| t.distance > 0).count()
    }
}

/// Counts, per term, how often the documents write it capitalised away from the start of a
/// sentence, and how often at all: names are the terms written capitalised most of the time.
fn count_capitals(
    analyzer: &Analyzer,
    doc: &Document<'_>,
    terms: &HashMap<String, u32>,
    counts: &mut HashMap<u32, (u32, u32)>,
) {
    for text in [doc.question, doc.answer] {
        let mut initial = true;
        for raw in text.split(|c: char| c.is_whitespace() || c == '-' || c == '/') {
            let word = raw.trim_matches(|c: char| !c.is_alphanumeric());
            if !word.is_empty() && !initial {
                let capital = word.chars().next().is_some_and(char::is_uppercase);
                for term in analyzer.terms(word) {
                    if let Some(&id) = terms.get(&term.text) {
                        let entry = counts.entry(id).or_insert((0, 0));
                        entry.0 += u32::from(capital);
                        entry.1 += 1;
                    }
                }
            }
            initial = raw.is_empty()
                || raw.ends_with(['.', '?', '!', ':'])
                || raw.starts_with(['"', '\u{201C}']);
        }
    }
}

/// What an answer holds: a number (any digit, Western or Arabic-Indic), and a date when four
/// digits run together (a year, the form every dated answer gives).
fn answer_holds(answer: &str) -> u8 {
    use super::features::{HAS_DATE, HAS_NUMBER};
    let mut has = 0;
    let mut run = 0;
    for c in answer.chars() {
        if c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) {
            has |= HAS_NUMBER;
            run += 1;
            if run == 4 {
                has |= HAS_DATE;
            }
        } else {
            run = 0;
        }
    }
    has
}

fn idf(n: usize, df: usize) -> f32 {
    (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
}

/// The kinds a set of bits holds, for explanations.
pub(crate) fn kinds(bits: u8) -> Vec<Kind> {
    [
        Kind::Who,
        Kind::When,
        Kind::Where,
        Kind::Why,
        Kind::HowMany,
        Kind::HowMuch,
    ]
    .into_iter()
    .filter(|k| bits & k.bit() != 0)
    .collect()
}
