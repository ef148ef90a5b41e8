//! Time per question over the shipped base and over synthetic bases of 1,000 and 10,000
//! facts made from it, against a naive baseline (strsim similarity of the question with every
//! fact's question, best wins); each question on its own; and the time to load, check and index
//! the shipped base.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use talks_bot::knowledge::{Fact, KnowledgeBase};
use talks_bot::{Engine, MatchSettings};

const QUESTIONS: &[&str] = &[
    "when did the moscow talks start",
    "who took part in the meeting",
    "What did Lavrov say about collective punishment?",
    "how many factions were there",
    "did abu mazen accept shtayyehs resignation",
    "wat did al-malki expect from moscow",
    "why would hamas be left out of the government",
    "joint statement",
    "What is Lavrov's favourite food?",
    "how do I center a div",
    "did the factions meet again in beijing",
    "is hamas a terrorist group",
];

fn knowledge_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/knowledge"))
}

/// A base of `size` facts: copies of the shipped facts, each copy with its own id and a
/// keyword of its own, so postings and vocabulary grow as in a larger real base.
fn synthetic(base: &KnowledgeBase, size: usize) -> KnowledgeBase {
    let facts: Vec<Fact> = (0..size)
        .map(|i| {
            let mut fact = base.facts()[i % base.facts().len()].clone();
            let copy = i / base.facts().len();
            if copy > 0 {
                fact.id = format!("{}-{copy}", fact.id);
                fact.keywords.push(format!("variant{copy}"));
                fact.related.clear();
                let keep = fact.alternates.len().saturating_sub(copy % 4);
                fact.alternates.truncate(keep.max(3));
            }
            fact
        })
        .collect();
    KnowledgeBase::from_parts(
        base.dir(),
        facts,
        base.sources().to_vec(),
        base.aliases().to_vec(),
    )
}

/// The baseline: the fact whose question is most similar to the question, by normalised
/// Levenshtein distance over the lower-cased text.
fn naive(facts: &[Fact], question: &str) -> usize {
    let question = question.to_lowercase();
    let mut best = (0, f64::MIN);
    for (i, fact) in facts.iter().enumerate() {
        let similarity = strsim::normalized_levenshtein(&question, &fact.question.to_lowercase());
        if similarity > best.1 {
            best = (i, similarity);
        }
    }
    best.0
}

fn answering(c: &mut Criterion) {
    let shipped = KnowledgeBase::load(knowledge_dir()).expect("the shipped knowledge loads");
    let mut group = c.benchmark_group("answer");
    for size in [shipped.facts().len(), 1_000, 10_000] {
        let kb = if size == shipped.facts().len() {
            shipped.clone()
        } else {
            synthetic(&shipped, size)
        };
        let engine = Engine::new(kb.clone(), MatchSettings::default());
        let mut i = 0;
        group.bench_function(BenchmarkId::new("engine", size), |b| {
            b.iter(|| {
                i = (i + 1) % QUESTIONS.len();
                black_box(engine.ask(black_box(QUESTIONS[i])).confidence)
            })
        });
        if size != 1_000 {
            let mut i = 0;
            group.bench_function(BenchmarkId::new("naive-strsim", size), |b| {
                b.iter(|| {
                    i = (i + 1) % QUESTIONS.len();
                    black_box(naive(kb.facts(), black_box(QUESTIONS[i])))
                })
            });
        }
    }
    group.finish();
}

/// Each question on its own over the shipped base, in every language, so the median and the
/// spread show (a decline costs most: only then is whatlang asked whether the question is in
/// a language the bot does not read).
fn per_question(c: &mut Criterion) {
    let engine = Engine::load(knowledge_dir(), MatchSettings::default()).unwrap();
    let mut group = c.benchmark_group("question");
    group.measurement_time(std::time::Duration::from_secs(2));
    group.warm_up_time(std::time::Duration::from_millis(500));
    let others = [
        "من افتتح الاجتماع في موسكو؟",
        "Кто открыл встречу?",
        "Chi ha aperto la riunione di Mosca?",
        "Qui a ouvert la réunion de Moscou ?",
    ];
    for (i, question) in QUESTIONS.iter().chain(&others).enumerate() {
        let outcome = engine.ask(question).outcome.name();
        group.bench_function(BenchmarkId::new(outcome, i), |b| {
            b.iter(|| black_box(engine.ask(black_box(question)).confidence))
        });
    }
    group.finish();
}

/// The costliest questions a member can type, at the input limit (1,000 characters): near-typos
/// of the base's own words (each a correction to try), unknown words (each tried and failed),
/// and one word repeated; over the shipped base and the synthetic 10,000.
fn worst_case(c: &mut Criterion) {
    let shipped = KnowledgeBase::load(knowledge_dir()).expect("the shipped knowledge loads");
    let fill = |words: &[&str]| {
        let mut text = String::new();
        for word in words.iter().cycle() {
            if text.len() + word.len() + 1 > 1_000 {
                break;
            }
            text.push_str(word);
            text.push(' ');
        }
        text
    };
    let questions = [
        (
            "near-typos",
            fill(&[
                "lavrvo",
                "mosocw",
                "meetnig",
                "factoins",
                "shtayeh",
                "hamsa",
                "fatha",
                "bogdanof",
                "statment",
                "goverment",
                "palestinain",
                "naumkn",
            ]),
        ),
        (
            "unknown",
            fill(&[
                "qwertyu", "zxcvbnm", "plokijuh", "mnbvcxz", "asdfghjk", "poiuytre", "lkjhgfds",
                "yhnujmik",
            ]),
        ),
        ("repeated", fill(&["lavrov"])),
    ];
    let mut group = c.benchmark_group("worst");
    for size in [shipped.facts().len(), 10_000] {
        let kb = if size == shipped.facts().len() {
            shipped.clone()
        } else {
            synthetic(&shipped, size)
        };
        let engine = Engine::new(kb, MatchSettings::default());
        for (name, question) in &questions {
            group.bench_function(BenchmarkId::new(*name, size), |b| {
                b.iter(|| black_box(engine.ask(black_box(question)).confidence))
            });
        }
    }
    group.finish();
}

fn loading(c: &mut Criterion) {
    c.bench_function("load-check-index/shipped", |b| {
        b.iter(|| {
            black_box(
                Engine::load(knowledge_dir(), MatchSettings::default())
                    .unwrap()
                    .knowledge()
                    .facts()
                    .len(),
            )
        })
    });
    // What `ask` pays: English indexed, the other languages left until a question needs one.
    c.bench_function("load-check-index-english/shipped", |b| {
        b.iter(|| {
            black_box(
                Engine::load_lazily(knowledge_dir(), MatchSettings::default())
                    .unwrap()
                    .knowledge()
                    .facts()
                    .len(),
            )
        })
    });
}

criterion_group!(benches, answering, per_question, worst_case, loading);
criterion_main!(benches);
