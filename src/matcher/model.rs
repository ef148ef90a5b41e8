//! The confidence: a logistic model over the [`Features`] of a (question, candidate) pair,
//! then one calibration step, so that of the answers given at confidence c about c are right.
//!
//! Training (`talks-bot train`) fits the weights by penalised maximum likelihood (Newton's
//! method, an L2 penalty) on the candidates of every question of the training set, each
//! labelled right or wrong, and then fits the calibration (Platt scaling of the chosen
//! candidate's score) on the development set, whose questions the weights never saw. The
//! result is `src/matcher/model.toml`, a reviewed file; the shipped model is that file.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::features::{Features, COUNT as FEATURES};
/// L2 penalty on the weights (not the bias): keeps weights of rare features sane.
const PENALTY: f64 = 0.5;
const NEWTON_STEPS: usize = 50;

/// The shipped model, trained on `tests/eval/train.toml` and calibrated on
/// `tests/eval/dev.toml` (see the README, "How confidence is computed").
const SHIPPED: &str = include_str!("model.toml");

/// Why a model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the confidence model is not valid: {0}")]
    Parse(String),
}

/// The weights and the calibration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub bias: f32,
    /// One weight per feature, named as the features are.
    pub weights: Features,
    pub calibration: Calibration,
}

/// Platt scaling of the raw score: confidence = σ(slope · score + intercept).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub slope: f32,
    pub intercept: f32,
}

impl Model {
    /// The model shipped with the bot.
    pub fn shipped() -> &'static Model {
        static MODEL: std::sync::LazyLock<Model> = std::sync::LazyLock::new(|| {
            Model::from_toml(SHIPPED).expect("src/matcher/model.toml is checked by a test")
        });
        &MODEL
    }

    pub fn from_toml(text: &str) -> Result<Model, ModelError> {
        toml::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))
    }

    /// The model as the reviewed file, with a header saying how it was made.
    pub fn to_toml(&self, header: &str) -> String {
        let mut out = String::new();
        for line in header.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = writeln!(out, "bias = {}", round(self.bias));
        let _ = writeln!(out, "\n[weights]");
        for (name, value) in self.weights.named() {
            let _ = writeln!(out, "{name} = {}", round(value));
        }
        let _ = writeln!(out, "\n[calibration]");
        let _ = writeln!(out, "slope = {}", round(self.calibration.slope));
        let _ = writeln!(out, "intercept = {}", round(self.calibration.intercept));
        out
    }

    /// The raw score (log-odds before calibration) of a candidate.
    pub fn score(&self, features: &Features) -> f32 {
        self.bias
            + features
                .values()
                .iter()
                .zip(self.weights.values())
                .map(|(x, w)| x * w)
                .sum::<f32>()
    }

    /// How likely the candidate is to be the fact that answers the question, in [0, 1].
    pub fn confidence(&self, features: &Features) -> f32 {
        let Calibration { slope, intercept } = self.calibration;
        sigmoid(slope * self.score(features) + intercept)
    }
}

/// Six significant decimals: enough, and the file diffs stay readable.
fn round(x: f32) -> f32 {
    (x * 1e6).round() / 1e6
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

/// One training example: a candidate's features and whether it is the right fact.
pub type Row = (Features, bool);

/// Fits the weights on candidate rows (every candidate of every training question).
pub fn fit_weights(rows: &[Row]) -> (f32, Features) {
    let xs: Vec<[f64; FEATURES + 1]> = rows
        .iter()
        .map(|(f, _)| {
            let mut x = [1.0; FEATURES + 1];
            for (slot, v) in x[1..].iter_mut().zip(f.values()) {
                *slot = f64::from(v);
            }
            x
        })
        .collect();
    let ys: Vec<f64> = rows.iter().map(|(_, y)| f64::from(u8::from(*y))).collect();
    let mut penalty = [PENALTY; FEATURES + 1];
    penalty[0] = 1e-6;
    let w = newton(&xs, &ys, &penalty);
    let mut weights = [0f32; FEATURES];
    for (slot, v) in weights.iter_mut().zip(&w[1..]) {
        *slot = *v as f32;
    }
    (w[0] as f32, Features::from_values(weights))
}

/// Fits the calibration on (raw score, right) pairs of the chosen candidates of held-out
/// questions.
pub fn fit_calibration(pairs: &[(f32, bool)]) -> Calibration {
    let xs: Vec<[f64; 2]> = pairs.iter().map(|(s, _)| [1.0, f64::from(*s)]).collect();
    let ys: Vec<f64> = pairs.iter().map(|(_, y)| f64::from(u8::from(*y))).collect();
    let w = newton(&xs, &ys, &[1e-6, 1e-6]);
    Calibration {
        slope: w[1] as f32,
        intercept: w[0] as f32,
    }
}

/// Penalised logistic regression by Newton's method; deterministic (fixed order, f64).
fn newton<const N: usize>(xs: &[[f64; N]], ys: &[f64], penalty: &[f64; N]) -> [f64; N] {
    let mut w = [0f64; N];
    for _ in 0..NEWTON_STEPS {
        let mut grad = [0f64; N];
        let mut hess = [[0f64; N]; N];
        for (x, &y) in xs.iter().zip(ys) {
            let z: f64 = x.iter().zip(&w).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let s = (p * (1.0 - p)).max(1e-9);
            for i in 0..N {
                grad[i] += (y - p) * x[i];
                for j in 0..N {
                    hess[i][j] += s * x[i] * x[j];
                }
            }
        }
        for i in 0..N {
            grad[i] -= penalty[i] * w[i];
            hess[i][i] += penalty[i];
        }
        let Some(step) = solve(hess, grad) else { break };
        let mut largest = 0f64;
        for i in 0..N {
            w[i] += step[i];
            largest = largest.max(step[i].abs());
        }
        if largest < 1e-9 {
            break;
        }
    }
    w
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
fn solve<const N: usize>(mut a: [[f64; N]; N], mut b: [f64; N]) -> Option<[f64; N]> {
    for col in 0..N {
        let pivot = (col..N).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[pivot][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, pivot);
        b.swap(col, pivot);
        let pivot_row = a[col];
        for row in col + 1..N {
            let factor = a[row][col] / pivot_row[col];
            for (x, p) in a[row][col..].iter_mut().zip(&pivot_row[col..]) {
                *x -= factor * p;
            }
            b[row] -= factor * b[col];
        }
    }
    let mut x = [0f64; N];
    for row in (0..N).rev() {
        let mut sum = b[row];
        for k in row + 1..N {
            sum -= a[row][k] * x[k];
        }
        x[row] = sum / a[row][row];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_model_parses() {
        let model = Model::shipped();
        assert!(model.bias.is_finite());
        assert!(model.weights.values().iter().all(|w| w.is_finite()));
        let round_trip = Model::from_toml(&model.to_toml("header")).unwrap();
        assert_eq!(&round_trip, model);
    }

    #[test]
    fn newton_recovers_a_separating_direction() {
        // y = 1 exactly when the first feature is large.
        let rows: Vec<Row> = (0..200)
            .map(|i| {
                let x = (i as f32) / 100.0;
                let mut v = [0f32; FEATURES];
                v[0] = x;
                v[1] = ((i * 7) % 13) as f32 / 13.0; // noise
                (Features::from_values(v), x > 1.0)
            })
            .collect();
        let (bias, weights) = fit_weights(&rows);
        assert!(weights.covered_phrased > 3.0, "{weights:?}");
        assert!(bias < 0.0);
        let model = Model {
            bias,
            weights,
            calibration: Calibration {
                slope: 1.0,
                intercept: 0.0,
            },
        };
        let mut high = [0f32; FEATURES];
        high[0] = 1.9;
        assert!(model.confidence(&Features::from_values(high)) > 0.9);
        assert!(model.confidence(&Features::default()) < 0.1);
    }

    #[test]
    fn calibration_maps_scores_to_rates() {
        // Scores 0..10; right exactly half the time at every score: slope near 0.
        let pairs: Vec<(f32, bool)> = (0..400)
            .map(|i| ((i % 10) as f32, (i / 10) % 2 == 0))
            .collect();
        let c = fit_calibration(&pairs);
        assert!(c.slope.abs() < 0.05, "{c:?}");
        assert!(c.intercept.abs() < 0.2, "{c:?}");
    }

    #[test]
    fn solve_inverts() {
        let x = solve([[2.0, 1.0], [1.0, 3.0]], [3.0, 5.0]).unwrap();
        assert!((x[0] - 0.8).abs() < 1e-9 && (x[1] - 1.4).abs() < 1e-9);
    }
}
