//! Matching a question to the fact that answers it, in two steps. The index ([`Index`]) ranks
//! candidate facts fast (BM25F over each fact's question, alternates, keywords and answer,
//! with typo tolerance); then, for the best few, fact-independent [`Features`] say how much of
//! the question the fact explains and how, and a learned, calibrated [`Model`] turns them into
//! a confidence: the probability that the fact answers the question. The best candidate by
//! confidence wins.

mod correct;
mod features;
mod index;
pub mod model;

use std::fmt::Write as _;

pub use features::{Features, COUNT as FEATURE_COUNT};
pub use index::{Document, Index};
pub use model::Model;

use crate::text::Role;
use index::kinds;

/// How many candidates the ranking hands to the model.
pub const CANDIDATES: usize = 8;

/// One candidate fact for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    /// Index into the facts the index was built from.
    pub fact: usize,
    /// The ranking score (BM25F).
    pub score: f32,
    pub features: Features,
    /// How likely this fact is to answer the question, in [0, 1].
    pub confidence: f32,
}

impl Index {
    /// The candidates for a question given as folded words (see [`crate::text::Analyzer::words`]),
    /// most likely first, at most `limit`. Empty when the question has no subject at all.
    pub fn search(&self, words: Vec<String>, model: &Model, limit: usize) -> Vec<Scored> {
        let tokens = self.analyzer().terms_of_words(words);
        let query = self.query(&tokens);
        if !query.terms.iter().any(|t| t.role == Role::Subject) {
            return Vec::new();
        }
        let ranked = self.rank(&query, CANDIDATES);
        let mut features: Vec<Features> = (0..ranked.len())
            .map(|i| Features::of(self, &query, &ranked, i))
            .collect();
        Features::compare(&mut features);
        let mut scored: Vec<Scored> = ranked
            .iter()
            .zip(features)
            .map(|(r, features)| Scored {
                fact: r.fact,
                score: r.score,
                features,
                confidence: model.confidence(&features),
            })
            .collect();
        // Stable: equal confidences keep the ranking's order.
        scored.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
        scored.truncate(limit);
        scored
    }

    /// How a question is read and scored, for people tuning the base: each term (known, how
    /// it was corrected, or unknown), then the best candidates with their features.
    pub fn explain(&self, words: Vec<String>, model: &Model, fact_ids: &[&str]) -> String {
        let tokens = self.analyzer().terms_of_words(words.clone());
        let query = self.query(&tokens);
        let mut out = format!("language: {}\nterms:", self.analyzer().lang());
        for term in &query.terms {
            let role = match term.role {
                Role::Subject => String::new(),
                Role::Generic => " everyday".into(),
                Role::Question(kind) => format!(" asks {kind:?}"),
            };
            let _ = match term.id {
                Some(id) => {
                    let entry = self.entry(id);
                    let text = self.term_text(id);
                    let corrected = if term.distance > 0 {
                        format!("{}->", term.word)
                    } else {
                        String::new()
                    };
                    write!(
                        out,
                        " {corrected}{text}[idf {:.2}{}{role}]",
                        entry.idf,
                        if entry.name { " name" } else { "" }
                    )
                }
                None => write!(out, " {}[unknown{role}]", term.word),
            };
        }
        if query.asked != 0 {
            let _ = write!(out, "\nasks: {:?}", kinds(query.asked));
        }
        out.push('\n');
        for scored in self.search(words, model, CANDIDATES) {
            let _ = writeln!(
                out,
                "  {:<34} confidence {:.3}  score {:6.2}",
                fact_ids[scored.fact], scored.confidence, scored.score
            );
            let named: Vec<String> = scored
                .features
                .named()
                .iter()
                .filter(|(_, v)| *v != 0.0)
                .map(|(n, v)| format!("{n} {v:.2}"))
                .collect();
            let _ = writeln!(out, "      {}", named.join(", "));
        }
        out
    }
}
