//! Latency of the Discord adapter: from a MESSAGE_CREATE the fake Discord sends on its gateway
//! to the reply POST it receives, through the real `serve` path on loopback. Criterion reports
//! the usual statistics; the median and 99th percentile of every sample are printed at the end.
//!
//! `reply_during_a_burst_from_one_member`: the same, for a member's question sent right after
//! 50 worst-case messages (Discord's longest, of long misspelt words) from one other member who
//! is over the cooldown: what a spammer costs everyone else.

#[path = "../tests/support/fake_discord.rs"]
mod fake_discord;

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};

use fake_discord::{FakeDiscord, From, BOT_ID};
use talks_bot::config::{DiscordConfig, Secret};
use talks_bot::discord::{serve, Shards};
use talks_bot::{Engine, MatchSettings};

fn latency(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let engine = Engine::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
        MatchSettings::default(),
    )
    .expect("the knowledge folder loads");
    let start = |user_cooldown_seconds: f64| {
        let engine = engine.clone();
        let feedback = dir
            .path()
            .join(format!("feedback-{user_cooldown_seconds}.jsonl"));
        runtime.block_on(async move {
            let fake = FakeDiscord::start().await;
            let config = DiscordConfig {
                api_base: Some(fake.rest_url.clone()),
                user_cooldown_seconds,
                feedback_log: feedback,
                ..Default::default()
            };
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let shutdown = async move {
                let _ = stopped.await;
            };
            let engine = talks_bot::shared(engine);
            tokio::spawn(serve(
                config,
                Default::default(),
                Secret::new(fake_discord::TOKEN),
                engine,
                Shards::Auto,
                shutdown,
            ));
            fake.wait_for("command registration", |r| r.method == "PUT")
                .await;
            (fake, stop)
        })
    };
    let (fake, stop) = start(0.0);
    let samples = Mutex::new(Vec::new());
    let questions = [
        "who took part?",
        "when was the meeting?",
        "what did Lavrov say?",
        "Moscow",
        "pizza recipe",
    ];
    let mut n = 0usize;
    c.bench_function("message_create_to_reply_post", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    let id = fake.id();
                    let from = From::member(10_000 + n as u64, 4000);
                    let content = format!("<@{BOT_ID}> {}", questions[n % questions.len()]);
                    let message = fake_discord::message(id, from, &content, true);
                    let sent = Instant::now();
                    fake.dispatch("MESSAGE_CREATE", message);
                    let reply = fake.reply_to(id).await;
                    let took = reply.at.duration_since(sent);
                    samples.lock().unwrap().push(took);
                    total += took;
                }
                total
            })
        })
    });
    let _ = stop.send(());
    report(
        "message_create_to_reply_post",
        samples.into_inner().unwrap(),
    );

    let (fake, stop) = start(3600.0);
    let spam: Vec<String> = (0..50).map(worst_case).collect();
    let samples = Mutex::new(Vec::new());
    c.bench_function("reply_during_a_burst_from_one_member", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    for text in &spam {
                        let from = From::member(7, 4001);
                        let content = format!("<@{BOT_ID}> {text}");
                        fake.dispatch(
                            "MESSAGE_CREATE",
                            fake_discord::message(fake.id(), from, &content, true),
                        );
                    }
                    n += 1;
                    let id = fake.id();
                    let from = From::member(10_000 + n as u64, 4000);
                    let message = fake_discord::message(
                        id,
                        from,
                        &format!("<@{BOT_ID}> who took part?"),
                        true,
                    );
                    let sent = Instant::now();
                    fake.dispatch("MESSAGE_CREATE", message);
                    let reply = fake.reply_to(id).await;
                    let took = reply.at.duration_since(sent);
                    samples.lock().unwrap().push(took);
                    total += took;
                }
                total
            })
        })
    });
    let _ = stop.send(());
    report(
        "reply_during_a_burst_from_one_member",
        samples.into_inner().unwrap(),
    );
}

/// Discord's longest message, of long misspelt words that each need typo correction.
fn worst_case(seed: usize) -> String {
    let mut text = String::new();
    let mut n = seed as u64;
    while text.chars().count() < 1990 {
        n = n
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        text.push_str(&format!("lavrovv{:x}moskow ", n % 100_000));
    }
    text.chars().take(1990).collect()
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    if !samples.is_empty() {
        let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
        eprintln!(
            "{name} over {} messages: median {:?}, p99 {:?}, max {:?}",
            samples.len(),
            at(0.5),
            at(0.99),
            samples[samples.len() - 1]
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(10));
    targets = latency
}
criterion_main!(benches);
