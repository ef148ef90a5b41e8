//! What the model looks at to say whether a candidate fact answers a question: how much of
//! the question the fact explains, and how. Every feature is about the question and the
//! fact's text in general (coverage, what is left unexplained, the kind of question asked and
//! answered, typos, length), never about a particular fact, so the model carries over to
//! facts moderators add later.

use serde::{Deserialize, Serialize};

use super::index::{Index, Query, Ranked};
use crate::text::{Kind, Role};

/// How much a typo-corrected word counts as covered, by edit distance.
const FUZZY_COVER: [f32; 3] = [1.0, 0.8, 0.6];
/// Counts are capped here, so one odd question does not dominate a weight.
const COUNT_CAP: f32 = 3.0;

/// The features of one (question, candidate fact) pair. The model's weights have the same
/// shape (see [`super::model`]), so adding a feature is a compile error until every place that
/// lists them is updated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Share of the question's subject (IDF-weighted) that the fact's phrasings (question,
    /// alternates, keywords) hold.
    pub covered_phrased: f32,
    /// Share that only the fact's answer holds.
    pub covered_answer: f32,
    /// Share made of words other facts use but this one does not (what the question asks
    /// that this fact does not explain: "how OLD is al-Ahmad").
    pub missing_plain: f32,
    /// Share made of names this fact does not hold (Egypt in "what did Egypt say").
    pub missing_name: f32,
    /// Share made of words no fact uses ("Canberra", "weather").
    pub unknown: f32,
    /// How many words no fact uses (capped at 3).
    pub unknown_count: f32,
    /// 1 when everything the fact covers is names: a fact that merely names the person.
    pub names_only: f32,
    /// Share of the question's plain (not name) words, by weight, that the fact holds; 1 when
    /// the question has none ("naumkin?").
    pub plain_covered: f32,
    /// 1 when the question has plain words at all.
    pub has_plain: f32,
    /// Share of the question's names, by weight, that the fact holds; 1 when it names none.
    pub name_covered: f32,
    /// 1 when the question names someone or something.
    pub has_name: f32,
    /// The largest share of one phrasing of the fact that the question covers.
    pub phrase_recall: f32,
    /// The share of the question's subject that this best phrasing holds.
    pub phrase_precision: f32,
    /// How far the fact's ranking score is ahead of the best other candidate's, in [-1, 1].
    pub margin: f32,
    /// 1 for the candidate the ranking puts first.
    pub top: f32,
    /// The question asks a kind (who, when, where, why, how many, how much) that one of the
    /// fact's phrasings asks.
    pub kind_match: f32,
    /// The question asks a kind none of the fact's phrasings asks.
    pub kind_miss: f32,
    /// Words of the question read as another word to reach this fact (capped at 3).
    pub corrected: f32,
    /// ln(1 + the number of subject words).
    pub length: f32,
    /// ln(1 + the question's subject weight): how specific it is.
    pub specificity: f32,
    /// Everyday words ("say", "explain") the fact does not hold (capped at 3).
    pub generic_missing: f32,
    /// The rarest word of the question the fact does not hold, as a share of the rarity of a
    /// word no fact uses: one rare unexplained word is what a near-topic question asks about.
    pub missing_top: f32,
    /// The question's focus (its first subject word: "how OLD is...", "who LED...") is in
    /// one of the fact's phrasings.
    pub focus_phrased: f32,
    /// The fact does not hold the question's focus at all.
    pub focus_missing: f32,
    /// How much more of the question this fact covers than the best other candidate does
    /// (negative when another covers more), in [-1, 1].
    pub cover_gap: f32,
    /// The same for the best phrasing's share covered.
    pub recall_gap: f32,
    /// The question asks when, and the fact's answer holds no date.
    pub no_date: f32,
    /// The question asks how many or how much, and the fact's answer holds no number.
    pub no_number: f32,
    /// The best phrasing asks the same of another name (see `PhraseMatch::swapped`).
    pub name_swapped: f32,
}

/// What a fact's answer holds, as bits: a number, a date (a year).
pub(crate) const HAS_NUMBER: u8 = 1;
pub(crate) const HAS_DATE: u8 = 2;

/// How many features there are.
pub const COUNT: usize = 29;

impl Features {
    /// Computes the features of `ranked[i]` for a query.
    pub(crate) fn of(index: &Index, query: &Query, ranked: &[Ranked], i: usize) -> Features {
        let fact = ranked[i].fact;
        let mut subject = 0f32;
        let (mut phrased, mut answer, mut missing_plain, mut missing_name, mut unknown) =
            (0f32, 0f32, 0f32, 0f32, 0f32);
        let (mut unknown_count, mut corrected, mut words, mut generic_missing) =
            (0f32, 0f32, 0f32, 0f32);
        let mut covered_names = 0f32;
        let (mut plain_mass, mut name_mass) = (0f32, 0f32);
        let mut missing_top = 0f32;
        // None until the first plain (not name) subject word is seen; then whether the fact
        // holds it, and how. A question of names alone has its first name as its focus.
        let mut focus: Option<Option<bool>> = None;
        let mut first_name: Option<Option<bool>> = None;
        for term in &query.terms {
            match term.role {
                Role::Question(_) => continue,
                Role::Generic => {
                    let held = term.id.is_some_and(|id| index.posting(id, fact).is_some());
                    if !held {
                        generic_missing += 1.0;
                    }
                    continue;
                }
                Role::Subject => {}
            }
            words += 1.0;
            let Some(id) = term.id else {
                subject += index.unknown_idf;
                plain_mass += index.unknown_idf;
                unknown += index.unknown_idf;
                unknown_count += 1.0;
                missing_top = 1.0;
                focus.get_or_insert(None);
                continue;
            };
            let entry = index.entry(id);
            subject += entry.idf;
            if entry.name {
                name_mass += entry.idf;
            } else {
                plain_mass += entry.idf;
            }
            let posting = index.posting(id, fact);
            if entry.name {
                first_name.get_or_insert(posting.map(|p| p.phrased));
            } else {
                focus.get_or_insert(posting.map(|p| p.phrased));
            }
            if posting.is_none() {
                missing_top = missing_top.max(entry.idf / index.unknown_idf);
            }
            match posting {
                Some(posting) => {
                    let share = entry.idf * FUZZY_COVER[usize::from(term.distance).min(2)];
                    if posting.phrased {
                        phrased += share;
                    } else {
                        answer += share;
                    }
                    if entry.name {
                        covered_names += share;
                    }
                    if term.distance > 0 {
                        corrected += 1.0;
                    }
                }
                None if entry.name => missing_name += entry.idf,
                None => missing_plain += entry.idf,
            }
        }
        let share = |x: f32| if subject > 0.0 { x / subject } else { 0.0 };
        let PhraseMatch {
            recall,
            precision,
            swapped,
        } = phrase_coverage(index, query, fact, subject);
        let score = ranked[i].score;
        let other = ranked
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .map(|(_, r)| r.score)
            .fold(0f32, f32::max);
        let margin = if score > 0.0 {
            ((score - other) / score).clamp(-1.0, 1.0)
        } else {
            0.0
        };
        let focus = focus.or(first_name);
        let fact_kinds = index.intents[fact];
        let answer_has = index.answer_has[fact];
        let covered = phrased + answer;
        let covered_plain = covered - covered_names;
        let of = |part: f32, whole: f32| {
            if whole > 0.0 {
                (part / whole).min(1.0)
            } else {
                1.0
            }
        };
        Features {
            covered_phrased: share(phrased),
            covered_answer: share(answer),
            missing_plain: share(missing_plain),
            missing_name: share(missing_name),
            unknown: share(unknown),
            unknown_count: unknown_count.min(COUNT_CAP),
            names_only: f32::from(covered > 0.0 && covered_names >= covered),
            plain_covered: of(covered_plain, plain_mass),
            has_plain: f32::from(plain_mass > 0.0),
            name_covered: of(covered_names, name_mass),
            has_name: f32::from(name_mass > 0.0),
            phrase_recall: recall,
            phrase_precision: precision,
            margin,
            top: f32::from(i == 0),
            kind_match: f32::from(query.asked & fact_kinds != 0),
            kind_miss: f32::from(query.asked != 0 && query.asked & fact_kinds == 0),
            corrected: corrected.min(COUNT_CAP),
            length: (1.0 + words).ln(),
            specificity: (1.0 + subject).ln(),
            generic_missing: generic_missing.min(COUNT_CAP),
            missing_top,
            focus_phrased: f32::from(focus == Some(Some(true))),
            focus_missing: f32::from(focus == Some(None)),
            cover_gap: 0.0,
            recall_gap: 0.0,
            no_date: f32::from(query.asked & Kind::When.bit() != 0 && answer_has & HAS_DATE == 0),
            no_number: f32::from(
                query.asked & (Kind::HowMany.bit() | Kind::HowMuch.bit()) != 0
                    && answer_has & HAS_NUMBER == 0,
            ),
            name_swapped: f32::from(swapped),
        }
    }

    /// Fills in the features that compare each candidate with the others.
    pub(crate) fn compare(all: &mut [Features]) {
        let covers: Vec<f32> = all
            .iter()
            .map(|f| f.covered_phrased + f.covered_answer)
            .collect();
        let recalls: Vec<f32> = all.iter().map(|f| f.phrase_recall).collect();
        let best_other = |values: &[f32], i: usize| {
            values
                .iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &v)| v)
                .fold(0f32, f32::max)
        };
        for (i, f) in all.iter_mut().enumerate() {
            f.cover_gap = (covers[i] - best_other(&covers, i)).clamp(-1.0, 1.0);
            f.recall_gap = (recalls[i] - best_other(&recalls, i)).clamp(-1.0, 1.0);
        }
    }

    /// The features as (name, value) pairs, in a fixed order.
    pub fn named(&self) -> [(&'static str, f32); COUNT] {
        let Features {
            covered_phrased,
            covered_answer,
            missing_plain,
            missing_name,
            unknown,
            unknown_count,
            names_only,
            plain_covered,
            has_plain,
            name_covered,
            has_name,
            phrase_recall,
            phrase_precision,
            margin,
            top,
            kind_match,
            kind_miss,
            corrected,
            length,
            specificity,
            generic_missing,
            missing_top,
            focus_phrased,
            focus_missing,
            cover_gap,
            recall_gap,
            no_date,
            no_number,
            name_swapped,
        } = *self;
        [
            ("covered_phrased", covered_phrased),
            ("covered_answer", covered_answer),
            ("missing_plain", missing_plain),
            ("missing_name", missing_name),
            ("unknown", unknown),
            ("unknown_count", unknown_count),
            ("names_only", names_only),
            ("plain_covered", plain_covered),
            ("has_plain", has_plain),
            ("name_covered", name_covered),
            ("has_name", has_name),
            ("phrase_recall", phrase_recall),
            ("phrase_precision", phrase_precision),
            ("margin", margin),
            ("top", top),
            ("kind_match", kind_match),
            ("kind_miss", kind_miss),
            ("corrected", corrected),
            ("length", length),
            ("specificity", specificity),
            ("generic_missing", generic_missing),
            ("missing_top", missing_top),
            ("focus_phrased", focus_phrased),
            ("focus_missing", focus_missing),
            ("cover_gap", cover_gap),
            ("recall_gap", recall_gap),
            ("no_date", no_date),
            ("no_number", no_number),
            ("name_swapped", name_swapped),
        ]
    }

    /// The values in the order of [`Features::named`].
    pub fn values(&self) -> [f32; COUNT] {
        self.named().map(|(_, v)| v)
    }

    /// Builds features from values in the order of [`Features::named`].
    pub fn from_values(v: [f32; COUNT]) -> Features {
        let [covered_phrased, covered_answer, missing_plain, missing_name, unknown, unknown_count, names_only, plain_covered, has_plain, name_covered, has_name, phrase_recall, phrase_precision, margin, top, kind_match, kind_miss, corrected, length, specificity, generic_missing, missing_top, focus_phrased, focus_missing, cover_gap, recall_gap, no_date, no_number, name_swapped] =
            v;
        Features {
            covered_phrased,
            covered_answer,
            missing_plain,
            missing_name,
            unknown,
            unknown_count,
            names_only,
            plain_covered,
            has_plain,
            name_covered,
            has_name,
            phrase_recall,
            phrase_precision,
            margin,
            top,
            kind_match,
            kind_miss,
            corrected,
            length,
            specificity,
            generic_missing,
            missing_top,
            focus_phrased,
            focus_missing,
            cover_gap,
            recall_gap,
            no_date,
            no_number,
            name_swapped,
        }
    }
}

/// The best share of one of the fact's phrasings that the query covers, and the share of the
/// query's subject that phrasing holds.
fn phrase_coverage(index: &Index, query: &Query, fact: usize, subject: f32) -> PhraseMatch {
    // The question's known subject terms, compact: each phrase term is looked up in them.
    let asked: Vec<(u32, u8)> = query
        .terms
        .iter()
        .filter(|t| t.role == Role::Subject)
        .filter_map(|t| Some((t.id?, t.distance)))
        .collect();
    let mut best = PhraseMatch::default();
    for phrase in &index.phrases[fact] {
        let mut total = 0f32;
        let mut hit = 0f32;
        let mut name_unasked = false;
        for &(id, idf) in &phrase.terms {
            total += idf;
            if let Some(&(_, distance)) = asked.iter().find(|&&(a, _)| a == id) {
                hit += idf * FUZZY_COVER[usize::from(distance).min(2)];
            } else if index.entries[id as usize].name {
                name_unasked = true;
            }
        }
        if total > 0.0 {
            let recall = hit / total;
            let precision = if subject > 0.0 { hit / subject } else { 0.0 };
            if (recall, precision) > (best.recall, best.precision) {
                let name_outside = asked.iter().any(|&(id, _)| {
                    index.entries[id as usize].name && !phrase.terms.iter().any(|&(p, _)| p == id)
                });
                best = PhraseMatch {
                    recall,
                    precision: precision.min(1.0),
                    swapped: name_unasked && name_outside,
                };
            }
        }
    }
    best
}

/// How the phrasing that best covers a question matches it.
#[derive(Debug, Default, Clone, Copy)]
struct PhraseMatch {
    /// The share of the phrasing's weight the question covers.
    recall: f32,
    /// The share of the question's weight the phrasing covers.
    precision: f32,
    /// The phrasing names someone the question does not, and the question someone the
    /// phrasing does not: the same question about another person ("how old is Bogdanov"
    /// for "how old is Putin").
    swapped: bool,
}
