//! The evaluation set: questions with the fact each should get (or "decline", or "help"), and
//! the report of how the engine does on them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::answer::Outcome;
use crate::engine::Engine;

/// One question of the evaluation set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub question: String,
    /// A fact id, `decline` or `help`.
    pub expect: String,
    #[serde(default)]
    pub kind: Option<String>,
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

/// A question the engine got wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub question: String,
    pub expect: String,
    pub kind: Option<String>,
    /// What the engine did: a fact id, or the outcome's name.
    pub got: String,
    pub confidence: f32,
}

/// Counts of right answers by category, and every miss.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub answerable: usize,
    pub answerable_correct: usize,
    pub declines: usize,
    pub declines_correct: usize,
    pub help: usize,
    pub help_correct: usize,
    pub misses: Vec<Miss>,
}

impl Report {
    /// Top-1 accuracy on answerable questions, in [0, 1].
    pub fn answer_accuracy(&self) -> f64 {
        ratio(self.answerable_correct, self.answerable)
    }

    /// Share of unanswerable questions correctly declined, in [0, 1].
    pub fn decline_accuracy(&self) -> f64 {
        ratio(self.declines_correct, self.declines)
    }

    pub fn help_accuracy(&self) -> f64 {
        ratio(self.help_correct, self.help)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Runs every case through the engine.
pub fn evaluate(engine: &Engine, cases: &[Case]) -> Report {
    let mut report = Report::default();
    for case in cases {
        let answer = engine.ask(&case.question);
        let got = match answer.outcome {
            Outcome::Answered(fact) => fact.id.clone(),
            other => other.name().to_string(),
        };
        let correct = match case.expect.as_str() {
            "decline" => {
                report.declines += 1;
                let ok = !answer.is_answered();
                report.declines_correct += usize::from(ok);
                ok
            }
            "help" => {
                report.help += 1;
                let ok = answer.outcome == Outcome::Help;
                report.help_correct += usize::from(ok);
                ok
            }
            id => {
                report.answerable += 1;
                let ok = got == id;
                report.answerable_correct += usize::from(ok);
                ok
            }
        };
        if !correct {
            report.misses.push(Miss {
                question: case.question.clone(),
                expect: case.expect.clone(),
                kind: case.kind.clone(),
                got,
                confidence: answer.confidence,
            });
        }
    }
    report
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "answerable: {}/{} correct at top 1 ({:.1}%)",
            self.answerable_correct,
            self.answerable,
            100.0 * self.answer_accuracy()
        )?;
        writeln!(
            f,
            "declines:   {}/{} correctly declined ({:.1}%)",
            self.declines_correct,
            self.declines,
            100.0 * self.decline_accuracy()
        )?;
        writeln!(
            f,
            "help:       {}/{} recognised ({:.1}%)",
            self.help_correct,
            self.help,
            100.0 * self.help_accuracy()
        )?;
        if !self.misses.is_empty() {
            writeln!(f, "\nmisses ({}):", self.misses.len())?;
            for miss in &self.misses {
                writeln!(
                    f,
                    "  [{}] {:?}: expected {}, got {} (confidence {:.2})",
                    miss.kind.as_deref().unwrap_or("-"),
                    miss.question,
                    miss.expect,
                    miss.got,
                    miss.confidence
                )?;
            }
        }
        Ok(())
    }
}
