//! Typo tolerance: a word the index does not know is read as the closest word it does know,
//! within a small edit distance that grows with the word's length. Candidates are narrowed to
//! words sharing enough character bigrams first, so the cost does not grow with the whole
//! vocabulary, and the distance is computed without allocating and given up as soon as it
//! exceeds the bound. A question gets a bounded number of corrections and of attempts, whatever its length.

use rustc_hash::FxHashMap as HashMap;

/// The most words corrected in one question: a member cannot make the bot search the whole
/// vocabulary a thousand times.
pub(crate) const MAX_CORRECTIONS: usize = 6;
/// The most unknown words tried for a correction in one question, corrected or not: the
/// first ones (a question of a thousand characters of noise costs what one of a hundred does).
pub(crate) const MAX_CORRECTION_ATTEMPTS: usize = 12;
/// Words longer than this are not corrected (nothing in the base is that long).
const MAX_WORD_CHARS: usize = 24;

/// Every folded word of the facts with the term it stands for, and a bigram index over them.
#[derive(Debug, Clone, Default)]
pub(crate) struct Corrector {
    /// Sorted, as chars, with the term id and whether the term is a name.
    surfaces: Vec<(Vec<char>, u32, bool)>,
    /// Padded character bigram -> surfaces containing it.
    bigrams: HashMap<(char, char), Vec<u32>>,
}

thread_local! {
    static COUNTS: std::cell::RefCell<(Vec<u16>, Vec<u32>)> = const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

impl Corrector {
    pub fn new(surface_of: HashMap<String, u32>, is_name: impl Fn(u32) -> bool) -> Corrector {
        let mut surfaces: Vec<(Vec<char>, u32, bool)> = surface_of
            .into_iter()
            .filter(|(word, _)| !word.chars().any(|c| c.is_ascii_digit()))
            .map(|(word, id)| (word.chars().collect(), id, is_name(id)))
            .collect();
        surfaces.sort();
        let mut bigrams: HashMap<(char, char), Vec<u32>> = HashMap::default();
        for (i, (word, _, _)) in surfaces.iter().enumerate() {
            let mut grams = padded_bigrams(word);
            grams.sort_unstable();
            grams.dedup();
            for gram in grams {
                bigrams.entry(gram).or_default().push(i as u32);
            }
        }
        Corrector { surfaces, bigrams }
    }

    /// The term of the closest known word to an unknown one, with the edit distance, if one
    /// is near enough: one edit from five letters, two from eight ("weather" is not "whether"); a name of four letters may
    /// take one edit too ("abas"). A word of five letters or fewer, and an everyday word of
    /// any length, keeps its first letter ("food" is not "good", "ground" is not "around").
    /// `done` corrections were made in this question already.
    pub fn correct(&self, word: &str, done: usize) -> Option<(u32, u8)> {
        if done >= MAX_CORRECTIONS {
            return None;
        }
        let chars: Vec<char> = word.chars().collect();
        let len = chars.len();
        let max_distance = match len {
            0..=3 => return None,
            4..=7 => 1,
            8..=MAX_WORD_CHARS => 2,
            _ => return None,
        };
        if chars.iter().any(|c| c.is_ascii_digit()) {
            return None;
        }
        let grams = padded_bigrams(&chars);
        let needed = (grams.len() as i64 - 3 * max_distance as i64).max(1) as u16;
        COUNTS.with(|counts| {
            let (counts, touched) = &mut *counts.borrow_mut();
            if counts.len() < self.surfaces.len() {
                counts.resize(self.surfaces.len(), 0);
            }
            touched.clear();
            let mut unique = grams;
            unique.sort_unstable();
            unique.dedup();
            for gram in &unique {
                if let Some(list) = self.bigrams.get(gram) {
                    for &s in list {
                        if counts[s as usize] == 0 {
                            touched.push(s);
                        }
                        counts[s as usize] += 1;
                    }
                }
            }
            let mut best: Option<(usize, u32)> = None;
            for &s in touched.iter() {
                let count = counts[s as usize];
                counts[s as usize] = 0;
                if count < needed {
                    continue;
                }
                let (surface, _, name) = &self.surfaces[s as usize];
                let other_len = surface.len();
                if other_len < 4 || other_len.abs_diff(len) > max_distance {
                    continue;
                }
                // Four letters: only names ("abas" for "abbas"), never everyday words.
                if len == 4 && !name {
                    continue;
                }
                // A different first letter is more often another word than a slip: in a short
                // word always ("food" is not "good"), and in an everyday word of any length
                // ("ground" is not "around", "occasione" is not "uccisione"). Names keep
                // some room ("Moustapha" for "Mustafa" is still one letter off).
                if surface[0] != chars[0] && (len <= 5 || !name) {
                    continue;
                }
                let Some(distance) = bounded_osa(&chars, surface, max_distance) else {
                    continue;
                };
                if distance == 0 {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((d, b)) => {
                        distance < d || (distance == d && surface < &self.surfaces[b as usize].0)
                    }
                };
                if better {
                    best = Some((distance, s));
                }
            }
            best.map(|(distance, s)| (self.surfaces[s as usize].1, distance as u8))
        })
    }
}

fn padded_bigrams(word: &[char]) -> Vec<(char, char)> {
    let mut grams = Vec::with_capacity(word.len() + 1);
    let mut prev = '^';
    for &c in word {
        grams.push((prev, c));
        prev = c;
    }
    grams.push((prev, '$'));
    grams
}

/// Optimal string alignment distance (Levenshtein with adjacent transpositions), or `None`
/// once it must exceed `max`. Three rows on the stack for words up to [`MAX_WORD_CHARS`]
/// letters (+ two), so no allocation.
fn bounded_osa(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max
        || a.len() > MAX_WORD_CHARS + 2
        || b.len() > MAX_WORD_CHARS + 2
    {
        return None;
    }
    const W: usize = MAX_WORD_CHARS + 3;
    let mut two_back = [0usize; W];
    let mut prev = [0usize; W];
    let mut cur = [0usize; W];
    for (j, slot) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *slot = j;
    }
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(two_back[j - 2] + 1);
            }
            cur[j] = d;
            row_min = row_min.min(d);
        }
        if row_min > max {
            return None;
        }
        two_back = prev;
        prev = cur;
    }
    let d = prev[b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn bounded_distance_agrees_with_strsim() {
        for (a, b) in [
            ("naumkin", "naumkn"),
            ("shtayyeh", "shtaye"),
            ("lavrov", "lavrof"),
            ("meeting", "meetign"),
            ("abcdef", "ghijkl"),
            ("", "abc"),
            ("factions", "factoins"),
        ] {
            let want = strsim::osa_distance(a, b);
            for max in 0..4 {
                let got = bounded_osa(&chars(a), &chars(b), max);
                assert_eq!(got, (want <= max).then_some(want), "{a} {b} max {max}");
            }
        }
    }

    #[test]
    fn corrections_stay_near_and_keep_short_words_apart() {
        let words = ["naumkin", "meeting", "good", "abbas", "talk", "around"];
        let names = ["naumkin", "abbas"];
        let surface_of: HashMap<String, u32> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), i as u32))
            .collect();
        let c = Corrector::new(surface_of, |id| names.contains(&words[id as usize]));
        assert_eq!(c.correct("naumkn", 0), Some((0, 1)));
        assert_eq!(c.correct("meetign", 0), Some((1, 1)));
        assert_eq!(c.correct("food", 0), None, "food is not good");
        assert_eq!(c.correct("abas", 0), Some((3, 1)), "a four-letter name");
        assert_eq!(c.correct("tall", 0), None, "four letters, not a name");
        assert_eq!(
            c.correct("ground", 0),
            None,
            "an everyday word keeps its first letter"
        );
        assert_eq!(
            c.correct("aumkin", 0),
            Some((0, 1)),
            "a name may lose its first"
        );
        assert_eq!(
            c.correct("naumkn", MAX_CORRECTIONS),
            None,
            "bounded per question"
        );
        assert_eq!(c.correct(&"x".repeat(300), 0), None);
    }
}
