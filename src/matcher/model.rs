//! The confidence: a logistic model over the [`Features`] of a (question, candidate) pair, a
//! few small boosted trees on top of it for what a weighted sum cannot say (a question whose
//! words are mostly unknown to the base, yet whose one known word completes a short phrasing),
//! then one calibration step, so that of the answers given at confidence c about c are right.
//!
//! Training (`talks-bot train`) fits the weights by penalised maximum likelihood (Newton's
//! method, an L2 penalty) on the candidates of every question of the training set, each
//! labelled right or wrong; then [`TREES`] regression trees of depth [`TREE_DEPTH`], each fitted
//! by Newton boosting to what the model so far gets wrong on the same candidates; then the
//! calibration (Platt scaling of the chosen candidate's score) on the development set, whose
//! questions the weights and trees never saw. The result is `src/matcher/model.toml`, a
//! reviewed file; the shipped model is that file.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::features::{Features, COUNT as FEATURES};
/// L2 penalty on the weights (not the bias): keeps weights of rare features sane.
const PENALTY: f64 = 0.5;
const NEWTON_STEPS: usize = 50;
/// How many trees are boosted on the weights, and how deep each is: depth 3 and 100 trees at a
/// learning rate of 0.1 were chosen on the development set (figures in the README).
pub const TREES: usize = 100;
pub const TREE_DEPTH: usize = 3;
const LEARNING_RATE: f64 = 0.1;
/// A split leaves at least this many training candidates on each side.
const MIN_LEAF: usize = 50;
/// L2 penalty on a leaf's value (Newton step Σg / (Σh + λ)).
const LEAF_PENALTY: f64 = 1.0;
/// Two feature values closer than this are not split apart (the file rounds to 1e-6).
const MIN_SPLIT_GAP: f32 = 1e-4;

/// The shipped model, trained on `tests/eval/train.toml` and calibrated on
/// `tests/eval/dev.toml` (see the README, "How confidence is computed").
const SHIPPED: &str = include_str!("model.toml");

/// Why a model file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("the confidence model is not valid: {0}")]
    Parse(String),
}

/// The weights, the trees and the calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub bias: f32,
    /// One weight per feature, named as the features are.
    pub weights: Features,
    /// Added to the weighted sum, each tree's leaf value already scaled by the learning rate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trees: Vec<Tree>,
    pub calibration: Calibration,
    /// The trees laid out flat for scoring (see [`Model::new`]).
    #[serde(skip)]
    forest: Forest,
}

/// Every tree's nodes in one array of 8-byte nodes, children side by side: what scoring walks.
#[derive(Debug, Clone, Default, PartialEq)]
struct Forest {
    nodes: Vec<Flat>,
    roots: Vec<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Flat {
    /// The feature a split reads, or [`LEAF`].
    feature: u8,
    /// The left child's index in the forest; the right one follows it.
    left: u16,
    /// A split's threshold, a leaf's value.
    at: f32,
}

const LEAF: u8 = u8::MAX;

impl Forest {
    fn of(trees: &[Tree]) -> Forest {
        let mut forest = Forest::default();
        for tree in trees {
            let base = forest.nodes.len();
            forest.roots.push(base as u32);
            forest
                .nodes
                .extend(tree.nodes.iter().map(|n| match n.feature {
                    Some(_) => Flat {
                        feature: n.index as u8,
                        left: (base + usize::from(n.left)) as u16,
                        at: n.below,
                    },
                    None => Flat {
                        feature: LEAF,
                        left: 0,
                        at: n.value,
                    },
                }));
        }
        forest
    }

    fn eval(&self, x: &[f32; FEATURES]) -> f32 {
        let mut sum = 0.0;
        for &root in &self.roots {
            let mut at = root as usize;
            loop {
                let node = self.nodes[at];
                if node.feature == LEAF {
                    sum += node.at;
                    break;
                }
                at = usize::from(node.left) + usize::from(x[usize::from(node.feature)] >= node.at);
            }
        }
        sum
    }
}

/// A regression tree: `nodes[0]` is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    pub nodes: Vec<Node>,
}

/// A split (`feature` < `below` goes to `left`, else `right`) or a leaf (`value`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// The feature's name, as in `[weights]`; none for a leaf.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    #[serde(default)]
    pub below: f32,
    #[serde(default)]
    pub left: u16,
    #[serde(default)]
    pub right: u16,
    #[serde(default)]
    pub value: f32,
    /// The feature's index, from its name when the model is read.
    #[serde(skip)]
    index: usize,
}

/// Platt scaling of the raw score: confidence = σ(slope · score + intercept).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub slope: f32,
    pub intercept: f32,
}

impl Model {
    /// A model of these weights, trees and calibration.
    pub fn new(bias: f32, weights: Features, trees: Vec<Tree>, calibration: Calibration) -> Model {
        let forest = Forest::of(&trees);
        Model {
            bias,
            weights,
            trees,
            calibration,
            forest,
        }
    }

    /// The same weights and trees with another calibration.
    pub fn calibrated(self, calibration: Calibration) -> Model {
        Model {
            calibration,
            ..self
        }
    }

    /// The model shipped with the bot.
    pub fn shipped() -> &'static Model {
        static MODEL: std::sync::LazyLock<Model> = std::sync::LazyLock::new(|| {
            Model::from_toml(SHIPPED).expect("src/matcher/model.toml is checked by a test")
        });
        &MODEL
    }

    pub fn from_toml(text: &str) -> Result<Model, ModelError> {
        let mut model: Model =
            toml::from_str(text).map_err(|e| ModelError::Parse(e.to_string()))?;
        let names = Features::default().named().map(|(name, _)| name);
        for (t, tree) in model.trees.iter_mut().enumerate() {
            let count = tree.nodes.len();
            for (n, node) in tree.nodes.iter_mut().enumerate() {
                let Some(name) = &node.feature else { continue };
                node.index = names.iter().position(|f| f == name).ok_or_else(|| {
                    ModelError::Parse(format!(
                        "trees[{t}].nodes[{n}]: no feature is named `{name}`"
                    ))
                })?;
                // Children come after their parent, side by side, so every walk ends at a leaf.
                let (left, right) = (usize::from(node.left), usize::from(node.right));
                if left <= n || right != left + 1 || right >= count {
                    return Err(ModelError::Parse(format!(
                        "trees[{t}].nodes[{n}]: children {left} and {right} must follow it side by side, within the {count} nodes"
                    )));
                }
            }
            if count == 0 {
                return Err(ModelError::Parse(format!("trees[{t}] has no nodes")));
            }
        }
        if model.trees.iter().map(|t| t.nodes.len()).sum::<usize>() > usize::from(u16::MAX) {
            return Err(ModelError::Parse(
                "the trees have more than 65,535 nodes".into(),
            ));
        }
        model.forest = Forest::of(&model.trees);
        Ok(model)
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
        for tree in &self.trees {
            let _ = writeln!(out, "\n[[trees]]\nnodes = [");
            for node in &tree.nodes {
                let _ = match &node.feature {
                    Some(name) => writeln!(
                        out,
                        "  {{ feature = \"{name}\", below = {}, left = {}, right = {} }},",
                        round(node.below),
                        node.left,
                        node.right
                    ),
                    None => writeln!(out, "  {{ value = {} }},", round(node.value)),
                };
            }
            let _ = writeln!(out, "]");
        }
        let _ = writeln!(out, "\n[calibration]");
        let _ = writeln!(out, "slope = {}", round(self.calibration.slope));
        let _ = writeln!(out, "intercept = {}", round(self.calibration.intercept));
        out
    }

    /// The raw score (log-odds before calibration) of a candidate.
    pub fn score(&self, features: &Features) -> f32 {
        let x = features.values();
        self.bias
            + x.iter()
                .zip(self.weights.values())
                .map(|(x, w)| x * w)
                .sum::<f32>()
            + self.forest.eval(&x)
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
/// Boosts [`TREES`] trees on a fitted linear model (`bias`, `weights`): each is a Newton step
/// on the log-loss of what the model so far scores, fitted to the same candidates. The same
/// rows give the same trees (ties go to the earlier feature and the lower value).
pub fn fit_trees(rows: &[Row], bias: f32, weights: &Features) -> Vec<Tree> {
    let n = rows.len();
    let xs: Vec<[f32; FEATURES]> = rows.iter().map(|(f, _)| f.values()).collect();
    let ys: Vec<f64> = rows.iter().map(|(_, y)| f64::from(u8::from(*y))).collect();
    let w = weights.values();
    let mut margin: Vec<f64> = xs
        .iter()
        .map(|x| {
            f64::from(bias)
                + x.iter()
                    .zip(&w)
                    .map(|(a, b)| f64::from(*a) * f64::from(*b))
                    .sum::<f64>()
        })
        .collect();
    // Every feature's rows in increasing order, once: each level of each tree scans them.
    let order: Vec<Vec<u32>> = (0..FEATURES)
        .map(|f| {
            let mut rows: Vec<u32> = (0..n as u32).collect();
            rows.sort_by(|&a, &b| {
                xs[a as usize][f]
                    .total_cmp(&xs[b as usize][f])
                    .then(a.cmp(&b))
            });
            rows
        })
        .collect();
    let (mut g, mut h) = (vec![0f64; n], vec![0f64; n]);
    let mut node_of = vec![0u16; n];
    let mut trees = Vec::with_capacity(TREES);
    for _ in 0..TREES {
        for i in 0..n {
            let p = 1.0 / (1.0 + (-margin[i]).exp());
            g[i] = ys[i] - p;
            h[i] = (p * (1.0 - p)).max(1e-9);
        }
        let tree = grow(&xs, &order, &g, &h, &mut node_of);
        // Walked as scoring walks it.
        let forest = Forest::of(std::slice::from_ref(&tree));
        for (m, x) in margin.iter_mut().zip(&xs) {
            *m += f64::from(forest.eval(x));
        }
        trees.push(tree);
    }
    trees
}

fn leaf(value: f32) -> Node {
    Node {
        feature: None,
        below: 0.0,
        left: 0,
        right: 0,
        value,
        index: 0,
    }
}

/// One tree, level by level: each open node takes the split of highest gain over every
/// feature, if any leaves [`MIN_LEAF`] rows a side; leaves get Σg / (Σh + λ), scaled.
fn grow(
    xs: &[[f32; FEATURES]],
    order: &[Vec<u32>],
    g: &[f64],
    h: &[f64],
    node_of: &mut [u16],
) -> Tree {
    let names = Features::default().named().map(|(name, _)| name);
    let gain_of = |g: f64, h: f64| g * g / (h + LEAF_PENALTY);
    node_of.fill(0);
    let mut nodes = vec![leaf(0.0)];
    let mut open: Vec<usize> = vec![0];
    for _ in 0..TREE_DEPTH {
        // The slot of each open node, and its totals.
        let mut slot = vec![usize::MAX; nodes.len()];
        for (s, &node) in open.iter().enumerate() {
            slot[node] = s;
        }
        let k = open.len();
        let (mut tg, mut th, mut tc) = (vec![0f64; k], vec![0f64; k], vec![0usize; k]);
        for (i, &node) in node_of.iter().enumerate() {
            let s = slot[usize::from(node)];
            if s != usize::MAX {
                tg[s] += g[i];
                th[s] += h[i];
                tc[s] += 1;
            }
        }
        // (gain, feature, threshold) of the best split of each open node.
        let mut best: Vec<Option<(f64, usize, f32)>> = vec![None; k];
        for (f, rows) in order.iter().enumerate() {
            let (mut lg, mut lh, mut lc) = (vec![0f64; k], vec![0f64; k], vec![0usize; k]);
            let mut last: Vec<Option<f32>> = vec![None; k];
            for &i in rows {
                let i = i as usize;
                let s = slot[usize::from(node_of[i])];
                if s == usize::MAX {
                    continue;
                }
                let v = xs[i][f];
                if let Some(prev) = last[s] {
                    if v - prev >= MIN_SPLIT_GAP && lc[s] >= MIN_LEAF && tc[s] - lc[s] >= MIN_LEAF {
                        let gain = gain_of(lg[s], lh[s]) + gain_of(tg[s] - lg[s], th[s] - lh[s])
                            - gain_of(tg[s], th[s]);
                        if best[s].is_none_or(|(b, _, _)| gain > b) {
                            best[s] = Some((gain, f, prev + (v - prev) / 2.0));
                        }
                    }
                }
                lg[s] += g[i];
                lh[s] += h[i];
                lc[s] += 1;
                last[s] = Some(v);
            }
        }
        let mut next = Vec::new();
        for (s, &node) in open.iter().enumerate() {
            let Some((gain, f, below)) = best[s] else {
                continue;
            };
            if gain <= 1e-9 {
                continue;
            }
            let (left, right) = (nodes.len(), nodes.len() + 1);
            nodes.push(leaf(0.0));
            nodes.push(leaf(0.0));
            nodes[node] = Node {
                feature: Some(names[f].to_string()),
                below,
                left: left as u16,
                right: right as u16,
                value: 0.0,
                index: f,
            };
            next.extend([left, right]);
        }
        for (i, node) in node_of.iter_mut().enumerate() {
            let split = &nodes[usize::from(*node)];
            if split.feature.is_some() {
                *node = if xs[i][split.index] < split.below {
                    split.left
                } else {
                    split.right
                };
            }
        }
        open = next;
        if open.is_empty() {
            break;
        }
    }
    let (mut lg, mut lh) = (vec![0f64; nodes.len()], vec![0f64; nodes.len()]);
    for (i, &node) in node_of.iter().enumerate() {
        lg[usize::from(node)] += g[i];
        lh[usize::from(node)] += h[i];
    }
    for (node, (g, h)) in nodes.iter_mut().zip(lg.iter().zip(&lh)) {
        if node.feature.is_none() {
            node.value = (LEARNING_RATE * g / (h + LEAF_PENALTY)) as f32;
        }
    }
    Tree { nodes }
}

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
        let model = Model::new(
            bias,
            weights,
            Vec::new(),
            Calibration {
                slope: 1.0,
                intercept: 0.0,
            },
        );
        let mut high = [0f32; FEATURES];
        high[0] = 1.9;
        assert!(model.confidence(&Features::from_values(high)) > 0.9);
        assert!(model.confidence(&Features::default()) < 0.1);
    }

    /// Right exactly when one of two features is high and the other low: no weighted sum
    /// separates that, the trees do.
    #[test]
    fn trees_learn_what_a_weighted_sum_cannot() {
        let rows: Vec<Row> = (0..400)
            .map(|i| {
                let (a, b) = ((i % 20) as f32 / 20.0, (i / 20) as f32 / 20.0);
                let mut v = [0f32; FEATURES];
                v[0] = a;
                v[1] = b;
                (Features::from_values(v), (a > 0.5) != (b > 0.5))
            })
            .collect();
        let (bias, weights) = fit_weights(&rows);
        let identity = Calibration {
            slope: 1.0,
            intercept: 0.0,
        };
        let linear = Model::new(bias, weights, Vec::new(), identity);
        let boosted = Model::new(bias, weights, fit_trees(&rows, bias, &weights), identity);
        let right = |model: &Model| {
            rows.iter()
                .filter(|(f, y)| (model.confidence(f) >= 0.5) == *y)
                .count()
        };
        assert!(right(&linear) < 300, "{}", right(&linear));
        assert!(right(&boosted) > 380, "{}", right(&boosted));
        assert_eq!(boosted.trees.len(), TREES);
        // The file says the same: written, read back, it scores alike.
        let read = Model::from_toml(&boosted.to_toml("test")).unwrap();
        assert_eq!(right(&read), right(&boosted));
        assert_eq!(
            fit_trees(&rows, bias, &weights),
            boosted.trees,
            "the same rows, the same trees"
        );
    }

    #[test]
    fn a_tree_that_names_no_feature_or_loops_is_refused() {
        let file = |node: &str| {
            format!(
                "bias = 0\n[weights]\n{}\n[[trees]]\nnodes = [\n  {node},\n  {{ value = 1 }},\n  {{ value = 2 }},\n]\n[calibration]\nslope = 1\nintercept = 0\n",
                Features::default()
                    .named()
                    .map(|(name, _)| format!("{name} = 0"))
                    .join("\n")
            )
        };
        let ok = Model::from_toml(&file(
            r#"{ feature = "margin", below = 0.5, left = 1, right = 2 }"#,
        ))
        .unwrap();
        let at = |margin| Features {
            margin,
            ..Features::default()
        };
        assert_eq!(ok.score(&at(0.7)), 2.0);
        assert_eq!(ok.score(&at(0.5)), 2.0, "the threshold itself goes right");
        assert_eq!(ok.score(&at(0.2)), 1.0);
        let unknown = Model::from_toml(&file(
            r#"{ feature = "nope", below = 0.5, left = 1, right = 2 }"#,
        ));
        assert!(unknown
            .unwrap_err()
            .to_string()
            .contains("no feature is named `nope`"));
        let back = Model::from_toml(&file(
            r#"{ feature = "margin", below = 0.5, left = 0, right = 1 }"#,
        ));
        assert!(back
            .unwrap_err()
            .to_string()
            .contains("must follow it side by side"));
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
