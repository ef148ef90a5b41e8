//! The timeline: events in the knowledge and their check, the events collected in date order
//! with their sources, the text, JSON and picture, and asking for it.

use std::path::{Path, PathBuf};

use resvg::usvg;
use serde_json::Value;
use std::process::Command;
use talks_bot::answer::Outcome;
use talks_bot::knowledge::{check, EventDate, KnowledgeBase, Problem};
use talks_bot::knowledge::{Citation, Event, Fact, OtherDate, Source};
use talks_bot::text::TimelineRequest;
use talks_bot::timeline::{fonts, Options, Range, Timeline};
use talks_bot::{Engine, MatchSettings};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn all_problems(dir: &Path) -> Vec<Problem> {
    let (kb, mut problems) = KnowledgeBase::load_unchecked(dir).expect("the folder loads");
    problems.extend(check(&kb));
    problems
}

#[test]
fn the_timeline_fixture_passes_check() {
    assert_eq!(all_problems(&fixture("timeline")), Vec::new());
}

/// Every kind of event problem is reported once, with its file, line and field.
#[test]
fn event_problems_are_reported_with_their_place() {
    let problems = all_problems(&fixture("events-broken"));
    let expect: &[(&str, usize, Option<&str>, &str)] = &[
        (
            "unknown-event-field.toml",
            15,
            None,
            "unknown field `colour`",
        ),
        (
            "bad-events.toml",
            16,
            Some("events[0].date"),
            "`1 March 2024` is not a date",
        ),
        (
            "bad-events.toml",
            21,
            Some("events[1].end"),
            "the end 2024-03-04 is not after the date 2024-03-05",
        ),
        (
            "bad-events.toml",
            25,
            Some("events[2].date"),
            "later than the fact's as_of 2024-03-10",
        ),
        (
            "bad-events.toml",
            30,
            Some("events[3].label"),
            "66 characters; the limit is 60",
        ),
        (
            "bad-events.toml",
            32,
            Some("events[4].sources"),
            "name the sources that give its own dates",
        ),
        (
            "bad-events.toml",
            38,
            Some("events[4].other_dates[0].sources[0]"),
            "`gazette` is not among the fact's sources",
        ),
        (
            "second-focus.toml",
            20,
            Some("events[1].focus"),
            "the timeline has one focus",
        ),
    ];
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems.len(), expect.len(), "{shown:#?}");
    for (problem, (file, line, field, message)) in problems.iter().zip(expect) {
        assert!(problem.file.ends_with(file), "{problem}");
        assert_eq!(problem.line, Some(*line), "{problem}");
        assert_eq!(problem.field.as_deref(), *field, "{problem}");
        assert!(problem.message.contains(message), "{problem}");
    }
}

fn timeline_base() -> KnowledgeBase {
    KnowledgeBase::load(&fixture("timeline")).expect("the timeline fixture loads")
}

#[test]
fn events_are_in_date_order_each_cited_by_its_facts_sources() {
    let kb = timeline_base();
    let timeline = Timeline::of(&kb);
    assert!(timeline.len() >= 15, "{} events", timeline.len());
    let days: Vec<_> = timeline.entries().iter().map(|e| e.first_day()).collect();
    assert!(days.windows(2).all(|w| w[0] <= w[1]), "{days:?}");
    assert_eq!(timeline.entries()[0].fact.id, "algiers-declaration");
    for entry in timeline.entries() {
        assert!(!entry.sources.is_empty(), "{} has no source", entry.fact.id);
        for source in &entry.sources {
            assert!(
                entry.fact.sources.iter().any(|c| c.source == source.id),
                "{} cites {} for its event, which the fact does not cite",
                entry.fact.id,
                source.id
            );
        }
        match entry.event.sources.as_slice() {
            // All the fact's sources, each once, in the fact's order.
            [] => {
                let mut cited: Vec<&str> = Vec::new();
                for c in &entry.fact.sources {
                    if !cited.contains(&c.source.as_str()) {
                        cited.push(&c.source);
                    }
                }
                let got: Vec<&str> = entry.sources.iter().map(|s| s.id.as_str()).collect();
                assert_eq!(got, cited, "{}", entry.fact.id);
            }
            named => {
                let got: Vec<&str> = entry.sources.iter().map(|s| s.id.as_str()).collect();
                assert_eq!(got, named, "{}", entry.fact.id);
            }
        }
    }
    let focus = timeline.focus().expect("the meeting is the focus");
    assert_eq!(focus.fact.id, "meeting-dates");
}

/// Whether `answer` writes `date` as the answers do: "29 February" (or "13-14 February" for
/// either day), "April 2024" for a month, the year for a year; the year always somewhere.
fn written_in(answer: &str, date: EventDate) -> bool {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let year = date.year().to_string();
    if !answer.contains(&year) {
        return false;
    }
    let Some(month) = date.month() else {
        return true;
    };
    let month = MONTHS[usize::from(month) - 1];
    let Some(day) = date.day_of_month() else {
        return answer.contains(&format!("{month} {year}"));
    };
    let spaced = answer.replace(['-', '–'], " ");
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let is_number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    let day = day.to_string();
    (0..words.len()).any(|i| {
        let at = |k: usize| words.get(i + k).copied().unwrap_or("");
        at(0) == day && (at(1).starts_with(month) || (is_number(at(1)) && at(2).starts_with(month)))
    })
}

/// The shipped knowledge carries the timeline the issue asks for: at least 15 events from the
/// Algiers Declaration to the Beijing Declaration and after, the Moscow meeting the focus with
/// both of its end dates, and every date (its own, its end, the other dates) written in its
/// fact's answer, so that no event is dated beyond what the fact says.
#[test]
fn the_shipped_facts_carry_the_timeline_each_date_written_in_its_answer() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    let kb = KnowledgeBase::load(&dir).expect("the shipped knowledge loads");
    let timeline = Timeline::of(&kb);
    assert!(timeline.len() >= 15, "{} events", timeline.len());
    let first = &timeline.entries()[0];
    assert_eq!(
        (first.fact.id.as_str(), first.date.to_string().as_str()),
        ("algiers-declaration", "2022-10-13")
    );
    let dated = |id: &str| {
        timeline
            .entries()
            .iter()
            .filter(|e| e.fact.id == id)
            .map(|e| e.date.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(dated("beijing-declaration-terms"), ["2024-07-23"]);
    assert_eq!(dated("el-alamein-meeting"), ["2023-07-30"]);
    assert_eq!(dated("mustafa-cabinet"), ["2024-03-31"]);
    assert!(timeline.entries().last().unwrap().first_day() > first.last_day());
    let focus = timeline.focus().expect("the meeting is the focus");
    assert_eq!(focus.fact.id, "meeting-dates");
    assert_eq!(focus.date.to_string(), "2024-02-29");
    assert_eq!(
        focus.end.map(|d| d.to_string()).as_deref(),
        Some("2024-03-01")
    );
    assert_eq!(
        focus
            .others
            .iter()
            .map(|o| o.end.map(|d| d.to_string()))
            .collect::<Vec<_>>(),
        [Some("2024-03-02".to_string())]
    );
    for entry in timeline.entries() {
        let answer = &entry.fact.answer;
        let mut dates = vec![entry.date];
        dates.extend(entry.end);
        for other in &entry.others {
            dates.push(other.date);
            dates.extend(other.end);
        }
        for date in dates {
            assert!(
                written_in(answer, date),
                "{}: {date} is not written in its answer",
                entry.fact.id
            );
        }
    }
    // Asking works on the shipped base too, in the CLI's words and in another language.
    let engine = Engine::load(&dir, MatchSettings::default()).unwrap();
    for (question, part) in [
        ("give me a timeline", TimelineRequest::All),
        ("what happened after the meeting?", TimelineRequest::After),
        ("what came before the talks?", TimelineRequest::Before),
        ("cosa è successo dopo l'incontro?", TimelineRequest::After),
    ] {
        let answer = engine.ask(question);
        assert_eq!(answer.outcome, Outcome::Timeline(part), "{question}");
        assert!(!answer.timeline().is_empty(), "{question}");
    }
    // The checker of this test catches what it should.
    let day = |s: &str| EventDate::parse(s).unwrap();
    assert!(written_in("on 13-14 February 2024", day("2024-02-13")));
    assert!(written_in("on 13-14 February 2024", day("2024-02-14")));
    assert!(!written_in("on 13-14 February 2024", day("2024-02-15")));
    assert!(!written_in("on 3 February 2024", day("2024-02-13")));
    assert!(!written_in("in April 2024", day("2024-04-30")));
    assert!(written_in("in mid-June 2024", day("2024-06")));
    assert!(!written_in("on 29 February 2024", day("2023-02")));
}

#[test]
fn ranges_and_parts_pick_the_events_they_name() {
    let kb = timeline_base();
    let march = Timeline::of(&kb).between(Range::parse(Some("2024-03"), Some("2024-03")).unwrap());
    let ids: Vec<&str> = march.entries().iter().map(|e| e.fact.id.as_str()).collect();
    assert!(
        ids.contains(&"meeting-dates"),
        "the meeting runs into March: {ids:?}"
    );
    assert!(ids.contains(&"mustafa-cabinet"), "{ids:?}");
    assert!(!ids.contains(&"beijing-april-2024"), "{ids:?}");
    assert!(!ids.contains(&"delegations-arrival"), "{ids:?}");

    let before = Timeline::of(&kb).part(TimelineRequest::Before);
    let after = Timeline::of(&kb).part(TimelineRequest::After);
    let all = Timeline::of(&kb);
    let focus = all.focus().unwrap();
    assert!(before
        .entries()
        .iter()
        .all(|e| e.last_day() < focus.first_day()));
    assert!(after
        .entries()
        .iter()
        .all(|e| e.first_day() > focus.last_day()));
    assert_eq!(
        before.entries().last().unwrap().fact.id,
        "delegations-arrival"
    );
    assert_eq!(after.entries()[0].fact.id, "russia-offers-new-round");
    // The meeting and what happened during it are in neither part.
    assert!(before.len() + after.len() < all.len());
}

#[test]
fn disagreements_are_shown_with_both_sides() {
    let kb = timeline_base();
    let timeline = Timeline::of(&kb);
    let text = timeline.to_text(talks_bot::text::Lang::EN);
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("[meeting-dates]"))
        .expect("the meeting is listed");
    assert!(
        lines[at]
            .starts_with("2024-02-29 \u{2013} 2024-03-01  Intra-Palestinian meeting in Moscow"),
        "{}",
        lines[at]
    );
    assert_eq!(
        lines[at + 1].trim(),
        "also dated 2024-02-29 \u{2013} 2024-03-02 (Pluralia, Al-Monitor)"
    );
    let at = lines
        .iter()
        .position(|l| l.contains("[mustafa-appointed]"))
        .unwrap();
    assert_eq!(lines[at + 1].trim(), "also dated 2024-03-15 (Atlasinfo)");

    let json = timeline.to_json();
    let meeting = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fact_id"] == "meeting-dates")
        .unwrap();
    let own: Vec<&str> = meeting["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["outlet"].as_str().unwrap())
        .collect();
    assert!(own.contains(&"Ahram Online"), "{own:?}");
    let other = &meeting["other_dates"][0];
    assert_eq!(other["date"], "2024-02-29");
    assert_eq!(other["end"], "2024-03-02");
    assert_eq!(other["sources"][0]["source_id"], "pluralia-moscow-meeting");

    let svg = timeline.svg(&Options::default());
    assert!(svg.contains("(or to 2 Mar)"), "the picture says so");
    assert!(svg.contains("(or 15 Mar)"));
    assert!(
        svg.contains("stroke-dasharray"),
        "and marks the other dates"
    );
}

#[test]
fn the_json_has_the_documented_shape() {
    let kb = timeline_base();
    let json = Timeline::of(&kb).to_json();
    let events = json["events"].as_array().expect("events");
    assert_eq!(json.as_object().unwrap().len(), 1);
    let keys = |v: &Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    for event in events {
        assert_eq!(
            keys(event),
            [
                "date",
                "end",
                "fact_id",
                "focus",
                "label",
                "other_dates",
                "precision",
                "sources"
            ]
        );
        for source in event["sources"].as_array().unwrap() {
            assert_eq!(
                keys(source),
                ["date", "outlet", "source_id", "title", "url"]
            );
        }
    }
    let april = events
        .iter()
        .find(|e| e["fact_id"] == "beijing-april-2024")
        .unwrap();
    assert_eq!(april["date"], "2024-04");
    assert_eq!(april["precision"], "month");
    assert_eq!(april["end"], Value::Null);
}

/// Drawn things by their SVG id, with their boxes.
type Boxes = Vec<(String, usvg::Rect)>;

/// The text boxes of every label line and the leaders, as the renderer lays them out.
fn rendered(svg: &str) -> (Boxes, Boxes) {
    let tree = usvg::Tree::from_str(svg, fonts::options()).expect("the SVG reads");
    let mut labels = Vec::new();
    let mut leaders = Vec::new();
    fn walk(g: &usvg::Group, labels: &mut Boxes, leaders: &mut Boxes) {
        for node in g.children() {
            match node {
                usvg::Node::Text(t) if t.id().starts_with("label-") => {
                    labels.push((t.id().to_string(), t.abs_bounding_box()))
                }
                usvg::Node::Path(p) if p.id().starts_with("leader-") => {
                    leaders.push((p.id().to_string(), p.abs_bounding_box()))
                }
                usvg::Node::Group(g) => walk(g, labels, leaders),
                _ => {}
            }
        }
    }
    walk(tree.root(), &mut labels, &mut leaders);
    (labels, leaders)
}

fn event_of(id: &str) -> &str {
    id.split('-').nth(1).unwrap_or("")
}

fn overlap(a: &usvg::Rect, b: &usvg::Rect) -> bool {
    a.left() < b.right() && b.left() < a.right() && a.top() < b.bottom() && b.top() < a.bottom()
}

#[test]
fn the_picture_holds_every_label_and_none_overlaps() {
    let kb = timeline_base();
    let timeline = Timeline::of(&kb);
    let svg = timeline.svg(&Options::default());
    for entry in timeline.entries() {
        let label = entry.event.label.replace('\'', "&apos;");
        assert!(
            svg.contains(&format!("{label} [{}]", entry.fact.id)),
            "the SVG names {label}"
        );
        // Every word of the label is drawn.
        for word in label.split_whitespace() {
            assert!(
                svg.contains(&format!("{word}</tspan>")) || svg.contains(&format!("{word} ")),
                "{word}"
            );
        }
    }
    let (labels, leaders) = rendered(&svg);
    assert!(labels.len() >= timeline.len() - 3, "{} lines", labels.len());
    assert_eq!(leaders.len() + 2, {
        let mut days: Vec<_> = timeline.entries().iter().map(|e| e.first_day()).collect();
        days.dedup();
        days.len() + 2
    });
    for (i, (a, ra)) in labels.iter().enumerate() {
        assert!(
            ra.left() >= 0.0 && ra.right() <= 1200.0,
            "{a} is inside the picture"
        );
        for (b, rb) in &labels[i + 1..] {
            if event_of(a) != event_of(b) {
                assert!(!overlap(ra, rb), "{a} overlaps {b}: {ra:?} {rb:?}");
            }
        }
        for (l, rl) in &leaders {
            if event_of(a) != event_of(l) {
                assert!(!overlap(ra, rl), "{a} lies on {l}: {ra:?} {rl:?}");
            }
        }
    }
}

#[test]
fn the_png_decodes_at_the_stated_size_and_is_small() {
    let kb = timeline_base();
    let timeline = Timeline::of(&kb);
    let options = Options {
        highlight: Some("mustafa-appointed".into()),
        ..Options::default()
    };
    let svg = timeline.svg(&options);
    let png = timeline.png(&options).expect("it renders");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).expect("a PNG");
    let height: f32 = svg
        .split("height=\"")
        .nth(1)
        .and_then(|h| h.split('"').next())
        .and_then(|h| h.parse().ok())
        .unwrap();
    assert_eq!(pixmap.width(), 1200);
    assert_eq!(pixmap.height(), height as u32);
    assert!(png.len() < 1024 * 1024, "{} bytes", png.len());
    // The card is opaque and light, so it reads on dark and light chats alike.
    let middle = pixmap.pixel(600, pixmap.height() / 2).unwrap();
    assert_eq!(middle.alpha(), 255);
    // The highlighted event is drawn highlighted.
    assert!(svg.contains("the event you asked about"));
    assert!(svg.contains("#ddf4ff"));
}

fn fact_with_label(id: &str, label: &str) -> Fact {
    Fact {
        id: id.into(),
        topic: "t".into(),
        question: "q?".into(),
        alternates: vec!["a".into(), "b".into(), "c".into()],
        keywords: Vec::new(),
        answer: "An answer.".into(),
        as_of: Some("2024-03-31".into()),
        related: Vec::new(),
        sources: vec![Citation {
            source: "s".into(),
            quote: None,
            note: None,
        }],
        events: vec![Event {
            date: if id == "ar" {
                "2024-02-29"
            } else {
                "2024-03-14"
            }
            .into(),
            end: None,
            label: label.into(),
            focus: false,
            sources: Vec::new(),
            other_dates: Vec::<OtherDate>::new(),
        }],
    }
}

#[test]
fn arabic_and_cyrillic_labels_render_with_the_bundled_fonts() {
    let source = Source {
        id: "s".into(),
        outlet: "Test".into(),
        title: None,
        date: None,
        url: "https://example.com/".into(),
        text: None,
        description: None,
        body: None,
    };
    let kb = KnowledgeBase::from_parts(
        "k",
        vec![
            fact_with_label("ar", "الاجتماع في موسكو"),
            fact_with_label("ru", "Встреча в Москве"),
        ],
        vec![source],
        Vec::new(),
    );
    assert_eq!(check(&kb), Vec::new());
    assert_eq!(
        fonts::families(),
        ["DejaVu Sans"],
        "no system font is loaded"
    );
    for label in ["الاجتماع في موسكو", "Встреча в Москве"] {
        assert!(fonts::covers(label), "{label}");
    }
    let timeline = Timeline::of(&kb);
    let svg = timeline.svg(&Options::default());
    assert!(svg.contains("موسكو") && svg.contains("Москве"));
    let tree = usvg::Tree::from_str(&svg, fonts::options()).unwrap();
    let mut drawn = Vec::new();
    fn walk(g: &usvg::Group, drawn: &mut Vec<(String, f32)>) {
        for node in g.children() {
            match node {
                usvg::Node::Text(t) if t.id().starts_with("label-") => {
                    drawn.push((t.id().to_string(), t.flattened().abs_bounding_box().width()))
                }
                usvg::Node::Group(g) => walk(g, drawn),
                _ => {}
            }
        }
    }
    walk(tree.root(), &mut drawn);
    assert_eq!(drawn.len(), 2, "{drawn:?}");
    for (id, width) in drawn {
        assert!(width > 100.0, "{id} is drawn as glyphs, {width} px wide");
    }
    let png = timeline.png(&Options::default()).unwrap();
    assert!(resvg::tiny_skia::Pixmap::decode_png(&png).is_ok());
}

#[test]
fn an_empty_range_still_draws_a_picture() {
    let kb = timeline_base();
    let range = Range::parse(Some("2020"), Some("2020")).unwrap();
    let timeline = Timeline::of(&kb).between(range);
    assert!(timeline.is_empty());
    let svg = timeline.svg(&Options {
        range,
        ..Options::default()
    });
    assert!(svg.contains("No dated events in this range."));
    assert!(timeline.png(&Options::default()).is_ok());
    assert_eq!(
        timeline.to_text(talks_bot::text::Lang::EN),
        "I have no dated events in that range.\n"
    );
}

fn engine(name: &str) -> Engine {
    Engine::load(&fixture(name), MatchSettings::default()).unwrap()
}

#[test]
fn asking_for_a_timeline_answers_with_it() {
    let engine = engine("timeline");
    for (question, part) in [
        ("give me a timeline", TimelineRequest::All),
        ("What happened after the meeting?", TimelineRequest::After),
        ("what came before the talks?", TimelineRequest::Before),
        ("что произошло после встречи?", TimelineRequest::After),
    ] {
        let answer = engine.ask(question);
        assert_eq!(answer.outcome, Outcome::Timeline(part), "{question}");
        let text = answer.to_text();
        let expected = Timeline::of(engine.knowledge()).part(part);
        assert!(!expected.is_empty());
        for entry in expected.entries() {
            assert!(
                text.contains(&format!("{}  [{}]", entry.event.label, entry.fact.id)),
                "{question}: {} missing from\n{text}",
                entry.fact.id
            );
        }
        let json = answer.to_json();
        assert_eq!(json["outcome"], "timeline");
        assert_eq!(json["timeline"]["part"], part.name());
        assert_eq!(
            json["timeline"]["events"].as_array().unwrap().len(),
            expected.len()
        );
    }
    let text = engine.ask("what happened after the meeting?").to_text();
    assert!(!text.contains("[delegations-arrival]"), "{text}");
    assert!(text.contains("[mustafa-cabinet]"), "{text}");
    // A question about one thing still goes to the matcher.
    let answer = engine.ask("where was the meeting held?");
    assert!(!matches!(answer.outcome, Outcome::Timeline(_)));
    assert_eq!(
        engine.ask("where was the meeting held?").to_json()["timeline"],
        Value::Null
    );
}

#[test]
fn without_events_a_timeline_request_is_an_ordinary_question() {
    let engine = engine("small");
    assert!(Timeline::of(engine.knowledge()).is_empty());
    let answer = engine.ask("give me a timeline");
    assert!(
        !matches!(answer.outcome, Outcome::Timeline(_)),
        "{:?}",
        answer.outcome
    );
}

fn bot(args: &[&str]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .current_dir(dir.path())
        .arg("--knowledge")
        .arg(fixture("timeline"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_timeline_command_prints_text_json_and_pictures() {
    let out = bot(&["timeline", "--from", "2024-03-12", "--to", "2024-03-14"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "2024-03-12  Russia offers to host another round  [russia-offers-new-round]\n\
         2024-03-14  Mohammad Mustafa named prime minister  [mustafa-appointed]\n\
         \x20           also dated 2024-03-15 (Atlasinfo)\n"
    );
    let out = bot(&["timeline", "--json", "--from", "2024-07"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fact_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "lavrov-un-security-council",
            "beijing-declaration-terms",
            "abbas-putin-august-2024",
            "cairo-december-2024"
        ]
    );
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("t.png");
    let svg = dir.path().join("t.svg");
    let out = bot(&[
        "timeline",
        "--png",
        png.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains("wrote ") && said.contains("t.png (PNG, 23 events"),
        "{said}"
    );
    assert!(resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png).unwrap()).is_ok());
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));

    let out = bot(&["timeline", "--from", "March"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("from: `March` is not a date"), "{err}");
    let out = bot(&["timeline", "--from", "2024-04", "--to", "2024-03"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bot(&["timeline", "--png", "x.png", "--highlight", "no-such-fact"]);
    assert_eq!(out.status.code(), Some(2));
}

fn shipped() -> Engine {
    Engine::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge"),
        MatchSettings::default(),
    )
    .unwrap()
}

/// The shipped translations label every event, and a timeline in a language shows its labels:
/// in `timeline --lang`, in the picture and when a question in that language asks for it.
#[test]
fn events_are_labelled_in_the_timelines_language() {
    let engine = shipped();
    let kb = engine.knowledge();
    let english = Timeline::of(kb);
    assert!(english.len() >= 15);
    for lang in talks_bot::text::Lang::all().filter(|l| *l != talks_bot::text::Lang::EN) {
        let timeline = Timeline::in_language(kb, lang);
        assert_eq!(timeline.len(), english.len());
        for (entry, en) in timeline.entries().iter().zip(english.entries()) {
            assert_eq!(en.label, en.event.label.trim());
            let translated = kb
                .translation(lang, &entry.fact.id)
                .and_then(|t| t.event_labels.get(en.label))
                .unwrap_or_else(|| panic!("{lang}: `{}` is not translated", en.label));
            assert_eq!(entry.label, translated.trim());
            assert_ne!(entry.label, en.label, "{lang}: `{}`", en.label);
        }
        let svg = timeline.svg(&Options::default());
        for entry in timeline.entries() {
            let first = entry.label.split_whitespace().next().unwrap();
            assert!(svg.contains(&escape(first)), "{lang}: {first} not drawn");
        }
    }
    let answer = engine.ask("ما الذي حدث بعد الاجتماع؟");
    assert_eq!(answer.outcome, Outcome::Timeline(TimelineRequest::After));
    let text = answer.to_text();
    let cabinet = kb.fact("mustafa-cabinet").unwrap();
    let label = kb.event_label(
        talks_bot::text::Lang::from_code("ar").unwrap(),
        cabinet,
        &cabinet.events[0],
    );
    assert!(
        text.contains(&format!("{label}  [mustafa-cabinet]")),
        "{text}"
    );
    assert!(!text.contains(cabinet.events[0].label.as_str()), "{text}");
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A translated label must name one of its fact's events by its English label and keep the
/// label rules; an event a translation leaves unlabelled is a warning, shown in English.
#[test]
fn translated_labels_are_checked_and_missing_ones_fall_back_to_english() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    copy_dir(&shipped, dir.path());
    let path = dir.path().join("translations/fr/joint-statement.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find("\n[event_labels]")
        .expect("the shipped file labels its event");
    let kept = &text[..start];
    // Nothing labelled: served, with a warning, and the English label on the timeline.
    std::fs::write(&path, kept).unwrap();
    let (kb, problems) = KnowledgeBase::load_unchecked(dir.path()).unwrap();
    assert_eq!(problems, Vec::new());
    assert_eq!(check(&kb), Vec::new());
    let warnings = talks_bot::knowledge::translation::warnings(&kb);
    assert!(
        warnings
            .iter()
            .any(|w| w.field.as_deref() == Some("event_labels")
                && w.file.ends_with("fr/joint-statement.toml")
                && w.message.contains("Joint statement of the factions")),
        "{warnings:#?}"
    );
    let timeline = Timeline::in_language(&kb, talks_bot::text::Lang::from_code("fr").unwrap());
    let entry = timeline.of_fact("joint-statement").next().unwrap();
    assert_eq!(entry.label, "Joint statement of the factions");
    // A label for no event, and one too long: both refused.
    let long = "x".repeat(61);
    std::fs::write(
        &path,
        format!("{kept}\n[event_labels]\n\"Joint statement\" = \"Déclaration\"\n\"Joint statement of the factions\" = \"{long}\"\n"),
    )
    .unwrap();
    let problems = all_problems(dir.path());
    let labels: Vec<&Problem> = problems
        .iter()
        .filter(|p| p.field.as_deref() == Some("event_labels"))
        .collect();
    assert_eq!(labels.len(), 2, "{problems:#?}");
    assert!(labels[0]
        .message
        .contains("no event of `joint-statement` is labelled `Joint statement`"));
    assert!(labels[1].message.contains("60"), "{}", labels[1].message);
    assert!(labels.iter().all(|p| p.line.is_some()));
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
