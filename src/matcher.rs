//! The index and the scoring: an inverted index over each fact's question, alternates,
//! keywords and answer, scored BM25F-style, with typo tolerance for words the index does not
//! know and a confidence that says how much of the question the best fact really covers.

use std::collections::HashMap;

use crate::knowledge::Fact;
use crate::text::{Analyzer, Term};

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
/// Total subject weight (summed IDF) at which a match counts as fully specific.
const SPECIFICITY_SCALE: f32 = 1.2;

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
}

#[derive(Debug, Clone)]
struct TermEntry {
    idf: f32,
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
            for (f, texts) in fields.iter().enumerate() {
                for text in texts {
                    for (word, term) in analyzer.words_and_terms(text) {
                        let next = terms.len() as u32;
                        let id = *terms.entry(term.text).or_insert(next);
                        if let Some(word) = word {
                            surface_of.entry(word).or_insert(id);
                        }
                        tf.entry(id).or_insert([0.0; FIELDS])[f] += 1.0;
                        len[f] += 1.0;
                    }
                }
            }
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

        let mut entries: Vec<TermEntry> = vec![TermEntry { idf: 0.0, postings: Vec::new() }; terms.len()];
        for (i, tf) in per_fact.iter().enumerate() {
            let mut sorted: Vec<(&u32, &[f32; FIELDS])> = tf.iter().collect();
            sorted.sort_by_key(|(id, _)| **id);
            for (&id, counts) in sorted {
                let mut wtf = 0.0;
                for f in 0..FIELDS {
                    let norm = 1.0 - B + B * lengths[i][f] / avg[f];
                    wtf += FIELD_WEIGHTS[f] * counts[f] / norm;
                }
                entries[id as usize].postings.push(Posting { fact: i as u32, weight: wtf * (K1 + 1.0) / (wtf + K1) });
            }
        }
        for entry in &mut entries {
            entry.idf = idf(n, entry.postings.len());
            for posting in &mut entry.postings {
                posting.weight *= entry.idf;
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
        Index { analyzer, terms, entries, surfaces, bigrams, unknown_idf: idf(n, 0), facts: n }
    }

    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The facts that match a question best, best first, at most `limit`.
    pub fn search(&self, question: &str, limit: usize) -> Vec<Scored> {
        let query = self.analyzer.words_and_terms(question);
        self.search_terms(&query, limit)
    }

    fn search_terms(&self, query: &[(Option<String>, Term)], limit: usize) -> Vec<Scored> {
        let mut scores = vec![0f32; self.facts];
        let mut covered = vec![0f32; self.facts];
        let mut touched: Vec<u32> = Vec::new();
        let mut subject = 0f32;
        let mut seen: Vec<&str> = Vec::with_capacity(query.len());
        for (word, term) in query {
            if seen.contains(&term.text.as_str()) {
                continue;
            }
            seen.push(&term.text);
            let (id, factor) = match self.terms.get(&term.text) {
                Some(&id) => (Some(id), 1.0),
                None if term.weak => (None, 0.0),
                None => match word.as_deref().and_then(|w| self.correct(w)) {
                    Some((id, distance)) => (Some(id), FUZZY_FACTOR[distance]),
                    None => (None, 0.0),
                },
            };
            let Some(id) = id else {
                if !term.weak {
                    subject += self.unknown_idf;
                }
                continue;
            };
            let entry = &self.entries[id as usize];
            let weight = if term.weak { WEAK_QUERY_WEIGHT } else { 1.0 } * factor;
            if !term.weak {
                subject += entry.idf;
            }
            for posting in &entry.postings {
                let f = posting.fact as usize;
                if scores[f] == 0.0 && covered[f] == 0.0 {
                    touched.push(posting.fact);
                }
                scores[f] += posting.weight * weight;
                if !term.weak {
                    covered[f] += entry.idf * factor;
                }
            }
        }
        if subject <= 0.0 {
            return Vec::new();
        }
        let mut ranked: Vec<(f32, u32)> = touched.iter().map(|&f| (scores[f as usize], f)).collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.truncate(limit.max(2));
        let second = ranked.get(1).map_or(0.0, |r| r.0);
        let specificity = 1.0 - (-subject / SPECIFICITY_SCALE).exp();
        ranked
            .iter()
            .take(limit)
            .enumerate()
            .map(|(rank, &(score, f))| {
                let coverage = (covered[f as usize] / subject).min(1.0);
                let margin = if rank == 0 && score > 0.0 { ((score - second) / score).clamp(0.0, 1.0) } else { 0.0 };
                let confidence = (coverage * specificity.min(1.0) * (0.8 + 0.2 * margin)).clamp(0.0, 1.0);
                Scored { fact: f as usize, score, coverage, confidence }
            })
            .collect()
    }

    /// The closest known word to an unknown one, within a small edit distance that grows with
    /// the word's length; candidates are narrowed by shared bigrams first.
    fn correct(&self, word: &str) -> Option<(u32, usize)> {
        let len = word.chars().count();
        let max_distance = match len {
            0..=3 => return None,
            4..=6 => 1,
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

fn idf(n: usize, df: usize) -> f32 {
    (1.0 + (n as f32 - df as f32 + 0.5) / (df as f32 + 0.5)).ln()
}

fn padded_bigrams(word: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = std::iter::once('^').chain(word.chars()).chain(std::iter::once('$')).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}
