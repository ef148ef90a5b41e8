//! Evaluation sets (questions with the fact each should get, or "decline", or "help") and the
//! report of how the engine does on them: answered right, declined right, "did you mean" with
//! the right fact, help recognised, per tag (kind of question, language), and whether the
//! confidence means what it says (calibration: expected calibration error and a reliability
//! table by confidence band). [`train`] fits the confidence model on such sets.

pub mod train;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::answer::Outcome;
use crate::engine::Engine;

/// One question of an evaluation set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub question: String,
    /// A fact id, `decline` or `help`.
    pub expect: String,
    /// Other facts whose answers answer the question as fully (also counted right).
    #[serde(default)]
    pub also: Vec<String>,
    /// What kind of question it is (paraphrase, casual, typo, trap, offtopic...), for the
    /// report by tag.
    #[serde(default)]
    pub kind: Option<String>,
    /// The language it is written in (default `en`).
    #[serde(default)]
    pub lang: Option<String>,
    /// Who wrote it (a blind writer's set, `legacy`...).
    #[serde(default)]
    pub origin: Option<String>,
    /// What the writer said the answer is, or why it must be declined.
    #[serde(default)]
    pub about: Option<String>,
}

impl Case {
    /// Whether a fact id is a right answer to this case.
    pub fn accepts(&self, fact_id: &str) -> bool {
        self.expected() == Expected::Fact(fact_id) || self.also.iter().any(|a| a == fact_id)
    }

    pub fn expected(&self) -> Expected<'_> {
        match self.expect.as_str() {
            "decline" => Expected::Decline,
            "help" => Expected::Help,
            id => Expected::Fact(id),
        }
    }

    pub fn lang(&self) -> &str {
        self.lang.as_deref().unwrap_or("en")
    }

    /// The language it is written in, when the bot reads that language.
    pub fn language(&self) -> Option<crate::text::Lang> {
        crate::text::Lang::from_code(self.lang())
    }
}

/// What a case expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected<'a> {
    Fact(&'a str),
    Decline,
    Help,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EvalFile {
    case: Vec<Case>,
}

/// Why an evaluation file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read evaluation file `{}`: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("evaluation file `{}` is not valid: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("evaluation file `{}` expects facts the base does not have: {}", path.display(), ids.join(", "))]
    UnknownFacts { path: PathBuf, ids: Vec<String> },
}

/// Reads an evaluation file (TOML, `[[case]]` tables).
pub fn load_cases(path: &Path) -> Result<Vec<Case>, EvalError> {
    let raw = std::fs::read_to_string(path).map_err(|source| EvalError::Read {
        path: path.into(),
        source,
    })?;
    let file: EvalFile = toml::from_str(&raw).map_err(|e| EvalError::Parse {
        path: path.into(),
        message: e.to_string(),
    })?;
    Ok(file.case)
}

/// Reads an evaluation file and checks that every fact it expects exists in the engine's base.
pub fn load_cases_for(engine: &Engine, path: &Path) -> Result<Vec<Case>, EvalError> {
    let cases = load_cases(path)?;
    let mut ids: Vec<String> = cases
        .iter()
        .flat_map(|c| {
            let expected = match c.expected() {
                Expected::Fact(id) => Some(id),
                _ => None,
            };
            expected
                .into_iter()
                .chain(c.also.iter().map(String::as_str))
        })
        .filter(|id| engine.fact(id).is_none())
        .map(str::to_string)
        .collect();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        Ok(cases)
    } else {
        Err(EvalError::UnknownFacts {
            path: path.into(),
            ids,
        })
    }
}

/// What the engine did with one case.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseOutcome {
    pub question: String,
    pub expect: String,
    pub kind: Option<String>,
    pub lang: String,
    /// A fact id (answered), or `unsure`, `declined`, `help`, `empty`, `unsupported`.
    pub got: String,
    /// The confidence of the best candidate, answered or not.
    pub confidence: f32,
    /// The best candidate, answered or not.
    pub best: Option<String>,
    /// The "did you mean" suggestions, when unsure.
    pub suggestions: Vec<String>,
    /// The answer was in the question's language (answered cases only).
    pub in_language: Option<bool>,
    pub correct: bool,
}

/// Counts of one group of cases (the whole set, one tag).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub answerable: usize,
    /// Answered with the expected fact.
    pub answered_right: usize,
    /// Answered with another fact.
    pub answered_wrong: usize,
    /// Answerable, and "did you mean" was offered.
    pub unsure: usize,
    /// ... with the expected fact among the suggestions.
    pub unsure_right: usize,
    pub declines: usize,
    /// Must decline, and no fact was given as the answer.
    pub declined_right: usize,
    pub help: usize,
    pub help_right: usize,
    /// Answered cases whose answer was in the question's language.
    pub in_language: usize,
    pub answered: usize,
}

impl Tally {
    fn add(&mut self, case: &Case, outcome: &CaseOutcome) {
        match case.expected() {
            Expected::Fact(_) => {
                self.answerable += 1;
                if case.accepts(&outcome.got) {
                    self.answered_right += 1;
                } else if outcome.got == "unsure" {
                    self.unsure += 1;
                    self.unsure_right +=
                        usize::from(outcome.suggestions.iter().any(|s| case.accepts(s)));
                } else if !is_outcome_name(&outcome.got) {
                    self.answered_wrong += 1;
                }
            }
            Expected::Decline => {
                self.declines += 1;
                self.declined_right += usize::from(is_outcome_name(&outcome.got));
            }
            Expected::Help => {
                self.help += 1;
                self.help_right += usize::from(outcome.got == "help");
            }
        }
        if let Some(in_language) = outcome.in_language {
            self.answered += 1;
            self.in_language += usize::from(in_language);
        }
    }

    /// Answerable questions answered with the right fact, in [0, 1].
    pub fn answer_accuracy(&self) -> f64 {
        ratio(self.answered_right, self.answerable)
    }

    /// Questions to decline that got no fact as their answer, in [0, 1].
    pub fn decline_accuracy(&self) -> f64 {
        ratio(self.declined_right, self.declines)
    }

    /// "Did you mean" offers to answerable questions that held the right fact, in [0, 1].
    pub fn suggestion_accuracy(&self) -> f64 {
        ratio(self.unsure_right, self.unsure)
    }

    pub fn help_accuracy(&self) -> f64 {
        ratio(self.help_right, self.help)
    }

    /// Answers given in the question's language, in [0, 1].
    pub fn language_accuracy(&self) -> f64 {
        ratio(self.in_language, self.answered)
    }
}

fn is_outcome_name(got: &str) -> bool {
    matches!(
        got,
        "unsure" | "declined" | "help" | "empty" | "unsupported"
    )
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// How well the confidence predicts whether the best candidate is right, over every
/// answerable and must-decline case (a must-decline case has no right candidate).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Calibration {
    /// Ten bands of confidence, [0, 0.1) to [0.9, 1]: cases, summed confidence, right.
    pub bands: [(usize, f64, usize); 10],
    /// Expected calibration error over all cases: the case-weighted mean gap between the
    /// mean confidence and the share right, band by band.
    pub ece: f64,
    /// The same over the answers given (confidence at or above the threshold).
    pub ece_answered: f64,
    pub threshold: f32,
}

impl Calibration {
    fn new(points: &[(f32, bool)], threshold: f32) -> Calibration {
        let mut bands = [(0usize, 0f64, 0usize); 10];
        for &(c, right) in points {
            let band = ((c * 10.0) as usize).min(9);
            bands[band].0 += 1;
            bands[band].1 += f64::from(c);
            bands[band].2 += usize::from(right);
        }
        let ece_of = |points: &[(f32, bool)]| {
            let mut b = [(0usize, 0f64, 0usize); 10];
            for &(c, right) in points {
                let band = ((c * 10.0) as usize).min(9);
                b[band].0 += 1;
                b[band].1 += f64::from(c);
                b[band].2 += usize::from(right);
            }
            let n = points.len().max(1) as f64;
            b.iter()
                .filter(|(count, _, _)| *count > 0)
                .map(|&(count, sum, right)| {
                    (count as f64 / n) * (sum / count as f64 - right as f64 / count as f64).abs()
                })
                .sum::<f64>()
        };
        let answered: Vec<(f32, bool)> = points
            .iter()
            .copied()
            .filter(|(c, _)| *c >= threshold)
            .collect();
        Calibration {
            bands,
            ece: ece_of(points),
            ece_answered: ece_of(&answered),
            threshold,
        }
    }
}

/// The report on one evaluation set.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub overall: Tally,
    pub by_kind: BTreeMap<String, Tally>,
    pub by_lang: BTreeMap<String, Tally>,
    pub calibration: Calibration,
    /// Every case, in the set's order.
    pub outcomes: Vec<CaseOutcome>,
}

impl Report {
    pub fn answer_accuracy(&self) -> f64 {
        self.overall.answer_accuracy()
    }

    pub fn decline_accuracy(&self) -> f64 {
        self.overall.decline_accuracy()
    }

    pub fn help_accuracy(&self) -> f64 {
        self.overall.help_accuracy()
    }

    /// The cases the engine got wrong.
    pub fn misses(&self) -> impl Iterator<Item = &CaseOutcome> {
        self.outcomes.iter().filter(|o| !o.correct)
    }

    /// One line per case for the reviewed record of outcomes: expected, got, confidence (two
    /// decimals), the question.
    pub fn outcome_lines(&self) -> String {
        let mut out = String::from("# expect\tgot\tconfidence\tquestion\n");
        for o in &self.outcomes {
            let question = o.question.replace(['\t', '\n'], " ");
            out.push_str(&format!(
                "{}\t{}\t{:.2}\t{}\n",
                o.expect, o.got, o.confidence, question
            ));
        }
        out
    }
}

/// Runs every case through the engine.
pub fn evaluate(engine: &Engine, cases: &[Case]) -> Report {
    let threshold = engine.settings().threshold;
    let mut report = Report::default();
    let mut points = Vec::new();
    for case in cases {
        let answer = engine.ask(&case.question);
        let got = match answer.outcome {
            Outcome::Answered(fact) => fact.id.clone(),
            other => other.name().to_string(),
        };
        let best = answer.best.map(|f| f.id.clone());
        let correct = match case.expected() {
            Expected::Fact(_) => case.accepts(&got),
            Expected::Decline => is_outcome_name(&got) && got != "help",
            Expected::Help => got == "help",
        };
        if case.expected() != Expected::Help {
            let right =
                matches!(case.expected(), Expected::Fact(id) if best.as_deref() == Some(id));
            points.push((answer.confidence, right));
        }
        let outcome = CaseOutcome {
            question: case.question.clone(),
            expect: case.expect.clone(),
            kind: case.kind.clone(),
            lang: case.lang().to_string(),
            got,
            confidence: answer.confidence,
            best,
            suggestions: answer.suggestions.iter().map(|f| f.id.clone()).collect(),
            in_language: answer
                .is_answered()
                .then(|| answer.language.code() == case.lang()),
            correct,
        };
        report.overall.add(case, &outcome);
        if let Some(kind) = &case.kind {
            report
                .by_kind
                .entry(kind.clone())
                .or_default()
                .add(case, &outcome);
        }
        report
            .by_lang
            .entry(case.lang().to_string())
            .or_default()
            .add(case, &outcome);
        report.outcomes.push(outcome);
    }
    report.calibration = Calibration::new(&points, threshold);
    report
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.overall;
        writeln!(
            f,
            "answered right:   {}/{} ({}); {} answered with another fact, {} unsure",
            t.answered_right,
            t.answerable,
            pct(t.answer_accuracy()),
            t.answered_wrong,
            t.unsure
        )?;
        writeln!(
            f,
            "declined right:   {}/{} ({})",
            t.declined_right,
            t.declines,
            pct(t.decline_accuracy())
        )?;
        writeln!(
            f,
            "did you mean:     {}/{} held the right fact ({})",
            t.unsure_right,
            t.unsure,
            pct(t.suggestion_accuracy())
        )?;
        writeln!(
            f,
            "help recognised:  {}/{} ({})",
            t.help_right,
            t.help,
            pct(t.help_accuracy())
        )?;
        writeln!(
            f,
            "in the question's language: {}/{} answers ({})",
            t.in_language,
            t.answered,
            pct(t.language_accuracy())
        )?;
        let c = &self.calibration;
        writeln!(
            f,
            "calibration: expected calibration error {:.3} over all cases, {:.3} over the answers given (confidence >= {:.2})",
            c.ece, c.ece_answered, c.threshold
        )?;
        writeln!(f, "  confidence   cases  mean conf  right")?;
        for (i, &(n, sum, right)) in c.bands.iter().enumerate() {
            if n > 0 {
                writeln!(
                    f,
                    "  {:.1}-{:.1}      {:>5}     {:.3}    {:.3}",
                    i as f64 / 10.0,
                    (i + 1) as f64 / 10.0,
                    n,
                    sum / n as f64,
                    right as f64 / n as f64
                )?;
            }
        }
        for (title, groups) in [("by kind", &self.by_kind), ("by language", &self.by_lang)] {
            if groups.len() <= 1 && title == "by language" {
                continue;
            }
            writeln!(f, "{title}:")?;
            for (tag, t) in groups {
                let mut parts = Vec::new();
                if t.answerable > 0 {
                    parts.push(format!(
                        "answered right {}/{} ({})",
                        t.answered_right,
                        t.answerable,
                        pct(t.answer_accuracy())
                    ));
                }
                if t.declines > 0 {
                    parts.push(format!(
                        "declined right {}/{} ({})",
                        t.declined_right,
                        t.declines,
                        pct(t.decline_accuracy())
                    ));
                }
                if t.help > 0 {
                    parts.push(format!("help {}/{}", t.help_right, t.help));
                }
                if t.answered > 0 && title == "by language" {
                    parts.push(format!("in language {}/{}", t.in_language, t.answered));
                }
                writeln!(f, "  {tag:<12} {}", parts.join(", "))?;
            }
        }
        let misses: Vec<&CaseOutcome> = self.misses().collect();
        if !misses.is_empty() {
            writeln!(f, "misses ({}):", misses.len())?;
            for m in misses {
                writeln!(
                    f,
                    "  [{}{}] {:?}: expected {}, got {} (best {}, confidence {:.2})",
                    m.kind.as_deref().unwrap_or("-"),
                    if m.lang == "en" {
                        String::new()
                    } else {
                        format!(" {}", m.lang)
                    },
                    m.question,
                    m.expect,
                    m.got,
                    m.best.as_deref().unwrap_or("-"),
                    m.confidence
                )?;
            }
        }
        Ok(())
    }
}
