//! Drawing the timeline picture: the SVG alone, and the PNG (SVG, layout and measuring,
//! rendering and encoding) of the 23 events of the timeline fixture, whole and highlighted.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use talks_bot::knowledge::KnowledgeBase;
use talks_bot::timeline::{Options, Timeline};

fn bench(c: &mut Criterion) {
    let dir = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/timeline"
    ));
    let kb = KnowledgeBase::load(dir).expect("the timeline fixture loads");
    let timeline = Timeline::of(&kb);
    let whole = Options::default();
    let highlighted = Options {
        highlight: Some("mustafa-appointed".into()),
        ..Options::default()
    };
    // Fonts are loaded, and each word measured, once per process: before the first picture.
    let _ = timeline.png(&whole);
    c.bench_function("timeline svg (23 events)", |b| {
        b.iter(|| black_box(timeline.svg(black_box(&whole))))
    });
    c.bench_function("timeline png (23 events)", |b| {
        b.iter(|| black_box(timeline.png(black_box(&whole)).unwrap()))
    });
    c.bench_function("timeline png highlighted (23 events)", |b| {
        b.iter(|| black_box(timeline.png(black_box(&highlighted)).unwrap()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
