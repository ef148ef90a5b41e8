//! The index and the scoring: an inverted index over each fact's question, alternates,
//! keywords and answer, scored BM25F-style, with typo tolerance for words the index does not
//! know and a confidence that says how much of the question the best fact really covers.

use std::collections::HashMap;

use crate::knowledge::Fact;
use crate::text::{Analyzer, Role, Term, Token};

thread_local! {
    /// Per-fact accumulators reused across questions on a thread, zeroed after each use, so
    /// answering allocates nothing in proportion to the size of the base.
    static SCRATCH: std::cell::RefCell<Vec<(f32, f32)>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// How much each field of a fact counts.
const FIELD_WEIGHTS: [f32; FIELDS] = [3.0, 2.0, 2.0, 1.0];
const FIELDS: usize = 4;
/// BM25 saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// A question word (who, when...) counts this much of a subject word.
const WEAK_QUERY_WEIGHT: f32 = 0.35;
/// How much a typo-corrected word counts, by edit distance.
const FUZZY_FACTOR: [f32; 3] = [1.0, 0.8, 0.55];
/// A fact none of whose phrasings asks the kind of question asked ("how many ministers...?"
/// of a fact that says who was appointed) keeps this share of its confidence.
const INTENT_MISS: f32 = 0.7;
/// How much a question word counts as covered when the fact's answer mentions it but none
/// of its phrasings do: "the Israeli prime minister" is not what a fact about the Palestinian
/// prime minister is about, though its answer names Israel.
const ANSWER_ONLY: f32 = 0.5;
/// A word the facts never use counts this much of the rarest word towards the subject: it
/// is likely what the question is about ("favourite food"), but it may be an everyday word a
/// paraphrase brings in.
const UNKNOWN_MASS: f32 = 0.6;
/// A name (Lavrov, Gaza) says who or where a question is about, not what it asks: it counts
/// this much of a plain word towards the subject, so "How tall is Abbas?" is not covered by a
/// fact that merely names Abbas.
const NAME_MASS: f32 = 0.5;
/// Total subject weight (summed IDF) at which a match counts as fully specific.
const SPECIFICITY_SCALE: f32 = 0.8;
/// The least a fact's confidence can be scaled by when the question matches none of its
/// phrasings and barely beats the runner-up.
const PHRASE_BASE: f32 = 0.45;

/// One candidate fact for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Index into the facts the index was built from.
    pub fact: usize,
    pub score: f32,
    /// Share of the question's subject (IDF-weighted) that this fact covers, in [0, 1].
    pub coverage: f32,
    pub confidence: f32,
}

#[derive(Debug, Clone)]
struct Posting {
    fact: u32,
    weight: f32,
    /// How much the term shows what the fact is about: 1 when a phrasing (question,
    /// alternates, keywords) has it, less when only the answer mentions it in passing.
    aboutness: f32,
}

#[derive(Debug, Clone)]
struct TermEntry {
    idf: f32,
    /// How much the term counts towards a question's subject: its IDF, halved for names.
    mass: f32,
    postings: Vec<Posting>,
}

/// The search structure over a set of facts. Built once; answering reads it only.
#[derive(Debug, Clone)]
pub struct Index {
    analyzer: Analyzer,
    terms: HashMap<String, u32>,
    entries: Vec<TermEntry>,
    /// Every folded word seen in the facts, with the term it stems to, for typo matching.
    surfaces: Vec<(String, u32)>,
    /// Padded character bigram -> surfaces containing it.
    bigrams: HashMap<(char, char), Vec<u32>>,
    /// Per fact, its question and each alternate as (term, weight) lists, for measuring how
    /// much of a phrasing a question covers.
    phrases: Vec<Vec<Vec<(u32, f32)>>>,
    /// Per fact, the kinds of question its phrasings answer (see [`intent_bit`]).
    intents: Vec<u8>,
    unknown_idf: f32,
    facts: usize,
}

impl Index {
    pub fn build(facts: &[Fact], analyzer: Analyzer) -> Index {
        let n = facts.len();
        // Term frequencies per fact and field, and field lengths.
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut surface_of: HashMap<String, u32> = HashMap::new();
        let mut per_fact: Vec<HashMap<u32, [f32; FIELDS]>> = Vec::with_capacity(n);
        let mut phrases: Vec<Vec<Vec<(u32, f32)>>> = Vec::with_capacity(n);
        let mut intents: Vec<u8> = Vec::with_capacity(n);
        let mut lengths: Vec<[f32; FIELDS]> = Vec::with_capacity(n);
        for fact in facts {
            let mut tf: HashMap<u32, [f32; FIELDS]> = HashMap::new();
            let mut len = [0f32; FIELDS];
            let fields: [Vec<&str>; FIELDS] = [
                vec![fact.question.as_str()],
                fact.alternates.iter().map(String::as_str).collect(),
                fact.keywords.iter().map(String::as_str).collect(),
                vec![fact.answer.as_str()],
            ];
            let mut fact_phrases = Vec::new();
            let mut fact_intents = 0u8;
            for (f, texts) in fields.iter().enumerate() {
                for text in texts {
                    let mut phrase: Vec<(u32, f32)> = Vec::new();
                    for (word, term) in analyzer.words_and_terms(text) {
                        let next = terms.len() as u32;
                        let weak = term.is_question_word();
                        if f < 3 {
                            fact_intents |= intent_bit(&term);
                        }
                        let id = *terms.entry(term.text).or_insert(next);
                        if !weak {
                            surface_of.entry(word).or_insert(id);
                        }
                        if f < 2 && !phrase.iter().any(|&(p, _)| p == id) {
                            // The weight is filled in once IDFs are known; weak words mark it negative.
                            phrase.push((id, if weak { -1.0 } else { 1.0 }));
                        }
                        tf.entry(id).or_insert([0.0; FIELDS])[f] += 1.0;
                        len[f] += 1.0;
                    }
                    if !phrase.is_empty() {
                        fact_phrases.push(phrase);
                    }
                }
            }
            phrases.push(fact_phrases);
            intents.push(fact_intents);
            per_fact.push(tf);
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

        let names = name_terms(facts, &analyzer, &terms);
        let mut entries: Vec<TermEntry> = vec![
            TermEntry {
                idf: 0.0,
                mass: 0.0,
                postings: Vec::new()
            };
            terms.len()
        ];
        for (i, tf) in per_fact.iter().enumerate() {
            let mut sorted: Vec<(&u32, &[f32; FIELDS])> = tf.iter().collect();
            sorted.sort_by_key(|(id, _)| **id);
            for (&id, counts) in sorted {
                let mut wtf = 0.0;
                for f in 0..FIELDS {
                    let norm = 1.0 - B + B * lengths[i][f] / avg[f];
                    wtf += FIELD_WEIGHTS[f] * counts[f] / norm;
                }
                let phrased = counts[..3].iter().any(|&c| c > 0.0);
                entries[id as usize].postings.push(Posting {
                    fact: i as u32,
                    weight: wtf * (K1 + 1.0) / (wtf + K1),
                    aboutness: if phrased { 1.0 } else { ANSWER_ONLY },
                });
            }
        }
        for (id, entry) in entries.iter_mut().enumerate() {
            entry.idf = idf(n, entry.postings.len());
            entry.mass = if names.contains(&(id as u32)) {
                entry.idf * NAME_MASS
            } else {
                entry.idf
            };
            for posting in &mut entry.postings {
                posting.weight *= entry.idf;
            }
        }

        for phrase in phrases.iter_mut().flatten() {
            for (id, weight) in phrase.iter_mut() {
                let entry = &entries[*id as usize];
                *weight = if *weight < 0.0 {
                    entry.idf * WEAK_QUERY_WEIGHT
                } else {
                    entry.mass
                };
            }
        }

        for (word, target) in analyzer.spelling_words() {
            if let Some(&id) = terms.get(target) {
                surface_of.entry(word.clone()).or_insert(id);
            }
        }
        let mut surfaces: Vec<(String, u32)> = surface_of.into_iter().collect();
        surfaces.sort();
        let mut bigrams: HashMap<(char, char), Vec<u32>> = HashMap::new();
        for (i, (word, _)) in surfaces.iter().enumerate() {
            let mut grams = padded_bigrams(word);
            grams.sort_unstable();
            grams.dedup();
            for gram in grams {
                bigrams.entry(gram).or_default().push(i as u32);
            }
        }
        Index {
            analyzer,
            terms,
            entries,
            surfaces,
            bigrams,
            phrases,
            intents,
            unknown_idf: idf(n, 0) * UNKNOWN_MASS,
            facts: n,
        }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The facts that match a question best, best first, at most `limit`.
    pub fn search(&self, question: &str, limit: usize) -> Vec<Scored> {
        let query = self.analyzer.words_and_terms(question);
        self.search_terms(&query, limit)
    }

    /// [`Index::search`] over words already folded by [`Analyzer::words`].
    pub fn search_words(&self, words: Vec<String>, limit: usize) -> Vec<Scored> {
        let query = self.analyzer.terms_of_words(words);
        self.search_terms(&query, limit)
    }

    fn search_terms(&self, query: &[Token], limit: usize) -> Vec<Scored> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            if scratch.len() < self.facts {
                scratch.resize(self.facts, (0.0, 0.0));
            }
            let mut touched = Vec::new();
            let result = self.score(query, limit, &mut scratch, &mut touched);
            // Leave the scratch zeroed for the next question.
            for &f in &touched {
                scratch[f as usize] = (0.0, 0.0);
            }
            result
        })
    }

    /// Accumulates (score, covered subject) per fact in `acc`, listing every fact it touches.
    fn score(
        &self,
        query: &[Token],
        limit: usize,
        acc: &mut [(f32, f32)],
        touched: &mut Vec<u32>,
    ) -> Vec<Scored> {
        let mut subject = 0f32;
        let mut seen: Vec<&str> = Vec::with_capacity(query.len());
        let mut matched: Vec<(u32, f32)> = Vec::with_capacity(query.len());
        let asked = query.iter().fold(0u8, |bits, (_, t)| bits | intent_bit(t));
        for (word, term) in query {
            if seen.contains(&term.text.as_str()) {
                continue;
            }
            seen.push(&term.text);
            let weak = term.is_question_word();
            let (id, factor) = match self.terms.get(&term.text) {
                Some(&id) => (Some(id), 1.0),
                None if weak => (None, 0.0),
                None => match self.correct(word) {
                    Some((id, distance)) => (Some(id), FUZZY_FACTOR[distance]),
                    None => (None, 0.0),
                },
            };
            let Some(id) = id else {
                if !weak {
                    subject += self.unknown_idf;
                }
                continue;
            };
            matched.push((id, factor));
            let entry = &self.entries[id as usize];
            let weight = if weak { WEAK_QUERY_WEIGHT } else { 1.0 } * factor;
            if !weak {
                subject += entry.mass;
            }
            let mass = if weak { 0.0 } else { entry.mass * factor };
            for posting in &entry.postings {
                let slot = &mut acc[posting.fact as usize];
                if slot.0 == 0.0 {
                    touched.push(posting.fact);
                }
                slot.0 += posting.weight * weight;
                slot.1 += mass * posting.aboutness;
            }
        }
        if subject <= 0.0 {
            return Vec::new();
        }
        // The best few, best first (ties to the earlier fact), in one pass over the touched.
        let keep = limit.max(2);
        let mut ranked: Vec<(f32, u32)> = Vec::with_capacity(keep + 1);
        for &f in touched.iter() {
            let candidate = (acc[f as usize].0, f);
            let beats = |other: &(f32, u32)| {
                candidate.0 > other.0 || (candidate.0 == other.0 && candidate.1 < other.1)
            };
            if ranked.len() < keep || ranked.last().is_some_and(beats) {
                let at = ranked.iter().position(beats).unwrap_or(ranked.len());
                ranked.insert(at, candidate);
                ranked.truncate(keep);
            }
        }
        let second = ranked.get(1).map_or(0.0, |r| r.0);
        // A question of one common word ("2024", "meeting") is too vague to answer outright.
        let specificity = (subject / SPECIFICITY_SCALE).min(1.0).sqrt();
        ranked
            .iter()
            .take(limit)
            .enumerate()
            .map(|(rank, &(score, f))| {
                let coverage = (acc[f as usize].1 / subject).min(1.0);
                let margin = if rank == 0 && score > 0.0 {
                    ((score - second) / score).clamp(0.0, 1.0)
                } else {
                    0.0
                };
                let phrase = self.phrase_coverage(f as usize, &matched);
                let sureness = PHRASE_BASE + (1.0 - PHRASE_BASE) * phrase.max(margin);
                let intent = if asked & !self.intents[f as usize] != 0 {
                    INTENT_MISS
                } else {
                    1.0
                };
                let confidence = (coverage * specificity * sureness * intent).clamp(0.0, 1.0);
                Scored {
                    fact: f as usize,
                    score,
                    coverage,
                    confidence,
                }
            })
            .collect()
    }

    /// The largest share of one of the fact's phrasings (question or alternate) that the
    /// question's terms cover, weighted like the subject.
    fn phrase_coverage(&self, fact: usize, matched: &[(u32, f32)]) -> f32 {
        let mut best = 0f32;
        for phrase in &self.phrases[fact] {
            let mut total = 0f32;
            let mut hit = 0f32;
            for &(id, weight) in phrase {
                total += weight;
                if let Some(&(_, factor)) = matched.iter().find(|(m, _)| *m == id) {
                    hit += weight * factor;
                }
            }
            if total > 0.0 {
                best = best.max(hit / total);
            }
        }
        best
    }

    /// How a question is read and scored, for people tuning the base: each term with its
    /// weight (or how it was corrected, or that it is unknown), then the best candidates.
    pub fn explain(&self, question: &str, facts: &[Fact]) -> String {
        use std::fmt::Write as _;
        let query = self.analyzer.words_and_terms(question);
        let mut out = String::from("terms:");
        for (word, term) in &query {
            let _ = match self.terms.get(&term.text) {
                Some(&id) => {
                    let e = &self.entries[id as usize];
                    write!(
                        out,
                        " {}[idf {:.2} mass {:.2}{}]",
                        term.text,
                        e.idf,
                        e.mass,
                        if term.is_question_word() { " weak" } else { "" }
                    )
                }
                None if term.is_question_word() => write!(out, " {}[weak, unknown]", term.text),
                None => match self.correct(word) {
                    Some((id, d)) => {
                        let target = self
                            .terms
                            .iter()
                            .find(|(_, &v)| v == id)
                            .map_or("?", |(k, _)| k.as_str());
                        write!(out, " {word}->{target}[distance {d}]")
                    }
                    None => write!(out, " {}[unknown, mass {:.2}]", term.text, self.unknown_idf),
                },
            };
        }
        out.push('\n');
        for scored in self.search_terms(&query, 4) {
            let _ = writeln!(
                out,
                "  {:<28} score {:6.2}  coverage {:.2}  confidence {:.2}",
                facts[scored.fact].id, scored.score, scored.coverage, scored.confidence
            );
        }
        out
    }

    /// The closest known word to an unknown one, within a small edit distance that grows with
    /// the word's length; candidates are narrowed by shared bigrams first.
    fn correct(&self, word: &str) -> Option<(u32, usize)> {
        let len = word.chars().count();
        let max_distance = match len {
            0..=4 => return None,
            5..=6 => 1,
            _ => 2,
        };
        if word.chars().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let grams = padded_bigrams(word);
        let needed = (grams.len() as i64 - 3 * max_distance as i64).max(1) as u16;
        let mut shared: HashMap<u32, u16> = HashMap::new();
        let mut unique = grams.clone();
        unique.sort_unstable();
        unique.dedup();
        for gram in &unique {
            if let Some(list) = self.bigrams.get(gram) {
                for &s in list {
                    *shared.entry(s).or_insert(0) += 1;
                }
            }
        }
        let mut best: Option<(usize, &str, u32)> = None;
        for (s, count) in shared {
            if count < needed {
                continue;
            }
            let (surface, term) = &self.surfaces[s as usize];
            let other_len = surface.chars().count();
            if other_len < 4 || other_len.abs_diff(len) > max_distance {
                continue;
            }
            // In a short word, a different first letter is more often another word than a
            // slip ("food" is not "good").
            if len <= 5 && surface.chars().next() != word.chars().next() {
                continue;
            }
            let distance = strsim::osa_distance(word, surface);
            if distance == 0 || distance > max_distance {
                continue;
            }
            let better = match best {
                None => true,
                Some((d, w, _)) => distance < d || (distance == d && surface.as_str() < w),
            };
            if better {
                best = Some((distance, surface, *term));
            }
        }
        best.map(|(distance, _, term)| (term, distance))
    }
}

/// The kind of question a term asks, as a bit (see [`Kind::bit`]); 0 for other terms.
fn intent_bit(term: &Term) -> u8 {
    match term.role {
        Role::Question(kind) => kind.bit(),
        _ => 0,
    }
}

/// Terms that the facts write capitalised (away from the start of a sentence) most of the
/// time: names of people, places, groups and outlets.
fn name_terms(
    facts: &[Fact],
    analyzer: &Analyzer,
    terms: &HashMap<String, u32>,
) -> std::collections::HashSet<u32> {
    let mut counts: HashMap<u32, (u32, u32)> = HashMap::new();
    for fact in facts {
        for text in [&fact.question, &fact.answer] {
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
    counts
        .into_iter()
        .filter(|(_, (capital, total))| capital * 10 >= total * 6)
        .map(|(id, _)| id)
        .collect()
}

fn idf(n: usize, df: usize) -> f32 {
    (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
}

fn padded_bigrams(word: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = std::iter::once('^')
        .chain(word.chars())
        .chain(std::iter::once('$'))
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}
