//! Fitting the confidence model on evaluation sets: the weights on the training cases' every
//! candidate, the calibration on the development cases' chosen candidates (see
//! [`crate::matcher::model`]).

use super::{Case, Expected};
use crate::engine::Engine;
use crate::matcher::model::{fit_calibration, fit_trees, fit_weights, Calibration, Row};
use crate::matcher::Model;

/// What training saw, for the model file's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainingSummary {
    pub train_cases: usize,
    pub rows: usize,
    pub dev_cases: usize,
}

/// Trains a model for `engine`'s base: weights on `train`, calibration on `dev`. Greetings
/// (`help` cases) are not matched and take no part.
pub fn train(engine: &Engine, train: &[Case], dev: &[Case]) -> (Model, TrainingSummary) {
    let mut rows: Vec<Row> = Vec::new();
    let mut train_cases = 0;
    for case in train {
        let expected = case.expected();
        if expected == Expected::Help {
            continue;
        }
        train_cases += 1;
        // In fact order, not the shipped model's order of confidence: what training fits must
        // not depend on the model it replaces (tied splits would follow the row order).
        let mut candidates = engine.candidates(&case.question, case.language());
        candidates.sort_by_key(|c| c.fact);
        for candidate in candidates {
            let right = case.accepts(&engine.knowledge().facts()[candidate.fact].id);
            rows.push((candidate.features, right));
        }
    }
    let (bias, weights) = fit_weights(&rows);
    let trees = fit_trees(&rows, bias, &weights);
    let uncalibrated = Model::new(
        bias,
        weights,
        trees,
        Calibration {
            slope: 1.0,
            intercept: 0.0,
        },
    );
    let mut pairs = Vec::new();
    let mut dev_cases = 0;
    for case in dev {
        let expected = case.expected();
        if expected == Expected::Help {
            continue;
        }
        dev_cases += 1;
        let best = engine
            .candidates(&case.question, case.language())
            .into_iter()
            .map(|c| (uncalibrated.score(&c.features), c.fact))
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let (score, right) = match best {
            Some((score, fact)) => (score, case.accepts(&engine.knowledge().facts()[fact].id)),
            // No candidate at all: the lowest score there is, and never right.
            None => (-20.0, false),
        };
        pairs.push((score, right));
    }
    let model = uncalibrated.calibrated(fit_calibration(&pairs));
    (
        model,
        TrainingSummary {
            train_cases,
            rows: rows.len(),
            dev_cases,
        },
    )
}
