//! `/timeline` and the "On the timeline" button end to end, against the fake Discord: the
//! events as an embed with Discord timestamps, and the picture sent as a multipart attachment
//! within Discord's limits, pinging nobody.

mod support;

use std::path::Path;

use serde_json::{json, Value};

use support::discord_limits::limit_violations;
use support::fake_discord::{self as fake, FakeDiscord, Request};
use support::serving::{self, Serving};
use talks_bot::config::DiscordConfig;
use talks_bot::discord::Shards;
use talks_bot::{Engine, MatchSettings};

const CHANNEL: u64 = 4000;
const EPHEMERAL: u64 = 64;
/// Discord's attachment limit for a bot without boosts.
const DISCORD_FILE_LIMIT: usize = 10 * 1024 * 1024;

fn engine() -> Engine {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/timeline");
    Engine::load(&dir, MatchSettings::default()).expect("the timeline fixture loads")
}

fn assert_no_pings(body: &Value) {
    assert_eq!(body["allowed_mentions"]["parse"], json!([]), "{body}");
    assert_eq!(body["allowed_mentions"]["users"], json!([]));
    assert_eq!(body["allowed_mentions"]["roles"], json!([]));
    assert_eq!(body["allowed_mentions"]["replied_user"], json!(false));
}

fn custom_ids(body: &Value) -> Vec<String> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|button| button["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// The one PNG a response carries: named, typed, decoding at 1,200 px wide, within the limit.
fn assert_one_picture(response: &Request) -> resvg::tiny_skia::Pixmap {
    assert_eq!(response.files.len(), 1, "{:?}", response.files);
    let file = &response.files[0];
    assert_eq!(file.filename, "timeline.png");
    assert_eq!(file.field, "files[0]");
    assert_eq!(file.content_type, "image/png");
    assert!(
        file.data.len() < DISCORD_FILE_LIMIT / 10,
        "{} bytes",
        file.data.len()
    );
    let data = &response.body["data"];
    assert_eq!(data["attachments"][0]["filename"], "timeline.png", "{data}");
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&file.data).expect("a PNG");
    assert_eq!(pixmap.width(), 1200);
    pixmap
}

async fn start() -> (FakeDiscord, Serving, tempfile::TempDir) {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = DiscordConfig {
        feedback_log: dir.path().join("feedback.jsonl"),
        ..serving::config(&fake)
    };
    let serving = Serving::start(&fake, engine(), Shards::Auto, config).await;
    (fake, serving, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_replies_with_the_events_and_the_picture() {
    let (fake, serving, _dir) = start().await;
    let put = fake.wait_for("registration", |r| r.method == "PUT").await;
    let command = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "timeline")
        .expect("/timeline is registered")
        .clone();
    let options: Vec<&str> = command["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(options, ["from", "to"]);

    let response = fake
        .interact(fake::command(fake.id(), 7, CHANNEL, "timeline", &[]))
        .await;
    assert_eq!(response.body["type"], 4);
    let data = &response.body["data"];
    assert_no_pings(data);
    assert!(
        limit_violations(data).is_empty(),
        "{:?}",
        limit_violations(data)
    );
    assert_eq!(
        data["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
        0,
        "for everyone"
    );
    let description = data["embeds"][0]["description"].as_str().unwrap();
    // 29 February 2024 at noon UTC, as a Discord timestamp; a month in words.
    assert!(
        description.contains("<t:1709208000:D> – <t:1709294400:D> · **Intra-Palestinian meeting in Moscow** · `meeting-dates`"),
        "{description}"
    );
    assert!(description
        .contains("(also dated <t:1709208000:D> – <t:1709380800:D> by Pluralia, Al-Monitor)"));
    assert!(description.contains("April 2024 · **Hamas and Fatah talk in Beijing**"));
    assert_eq!(description.lines().count(), 23, "{description}");
    assert_one_picture(&response);

    // A range: only its events, and its picture.
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "timeline",
            &[("from", "2024-07")],
        ))
        .await;
    let data = &response.body["data"];
    let description = data["embeds"][0]["description"].as_str().unwrap();
    assert!(!description.contains("`meeting-dates`"), "{description}");
    assert!(description.contains("`cairo-december-2024`"));
    assert_eq!(data["embeds"][0]["title"], "The timeline from July 2024");
    assert_one_picture(&response);

    // A date that does not read: a private note that says how to write one.
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "timeline",
            &[("from", "March")],
        ))
        .await;
    let data = &response.body["data"];
    assert_eq!(data["flags"].as_u64().unwrap_or(0) & EPHEMERAL, EPHEMERAL);
    assert!(
        data["content"]
            .as_str()
            .unwrap_or("")
            .contains("`March` is not a date"),
        "{data}"
    );
    assert!(response.files.is_empty());
    serving.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_with_events_shows_them_on_the_timeline() {
    let (fake, serving, _dir) = start().await;
    let question = engine().fact("mustafa-appointed").unwrap().question.clone();
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "ask",
            &[("question", &question)],
        ))
        .await;
    let data = response.body["data"].clone();
    assert!(
        data["embeds"][0]["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("fact mustafa-appointed"),
        "{data}"
    );
    let ids = custom_ids(&data);
    assert!(
        ids.contains(&"tb:tl:en:mustafa-appointed".to_string()),
        "{ids:?}"
    );
    assert!(
        response.files.is_empty(),
        "the answer itself carries no picture"
    );

    let sent = fake::sent_message(fake.id(), CHANNEL, &data);
    let press = fake
        .interact(fake::press(
            fake.id(),
            9,
            CHANNEL,
            "tb:tl:en:mustafa-appointed",
            sent,
        ))
        .await;
    let shown = &press.body["data"];
    assert_no_pings(shown);
    assert!(limit_violations(shown).is_empty());
    assert_eq!(
        shown["embeds"][0]["title"],
        "On the timeline: Mohammad Mustafa named prime minister"
    );
    assert_one_picture(&press);

    // A fact without events has no such button.
    let question = engine().fact("meeting-location").unwrap().question.clone();
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "ask",
            &[("question", &question)],
        ))
        .await;
    let ids = custom_ids(&response.body["data"]);
    assert!(
        !ids.is_empty() && !ids.iter().any(|id| id.starts_with("tb:tl:")),
        "{ids:?}"
    );

    // Asking for the timeline in words lists it, each event with its fact.
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "ask",
            &[("question", "what happened after the meeting?")],
        ))
        .await;
    let embed = &response.body["data"]["embeds"][0];
    assert!(embed["title"]
        .as_str()
        .unwrap()
        .starts_with("What happened after the Moscow meeting"));
    let description = embed["description"].as_str().unwrap();
    assert!(description.contains("`mustafa-cabinet`"), "{description}");
    assert!(
        !description.contains("`delegations-arrival`"),
        "{description}"
    );
    serving.stop().await;
}

/// The text a member sees: without the invisible direction controls of right-to-left layout.
fn seen(text: &Value) -> String {
    text.as_str()
        .unwrap_or("")
        .chars()
        .filter(|c| !matches!(c, '\u{200f}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeline_speaks_the_members_language() {
    let (fake, serving, _dir) = start().await;
    let put = fake.wait_for("registration", |r| r.method == "PUT").await;
    let command = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "timeline")
        .expect("/timeline is registered")
        .clone();
    assert_eq!(
        command["description_localizations"]["fr"],
        "La chronologie des pourparlers, en liste et en image"
    );
    assert!(command["options"][0]["description_localizations"]["ru"]
        .as_str()
        .unwrap()
        .starts_with("С этой даты"));

    // A French member: French headings, months and notes; a label in French where the fact's
    // translation gives one (the fixture translates one fact), else the fact's own.
    let response = fake
        .interact(fake::with_locale(
            fake::command(fake.id(), 7, CHANNEL, "timeline", &[]),
            "fr",
        ))
        .await;
    let data = &response.body["data"];
    assert_no_pings(data);
    assert!(limit_violations(data).is_empty(), "{data}");
    let embed = &data["embeds"][0];
    assert!(
        seen(&embed["title"]).starts_with("La chronologie, chaque événement"),
        "{embed}"
    );
    assert!(
        seen(&embed["footer"]["text"]).starts_with("Événements : 23 ·"),
        "{embed}"
    );
    let description = seen(&embed["description"]);
    assert!(
        description.contains("avril 2024 · **Le Hamas et le Fatah discutent à Pékin**"),
        "{description}"
    );
    assert!(
        description.contains("**Abbas meets Putin at Novo-Ogaryovo**"),
        "{description}"
    );
    assert!(
        description.contains(
            "(autre date : <t:1709208000:D> – <t:1709380800:D>, selon Pluralia, Al-Monitor)"
        ),
        "{description}"
    );
    assert_one_picture(&response);
    let response = fake
        .interact(fake::with_locale(
            fake::command(fake.id(), 7, CHANNEL, "timeline", &[("from", "2024-06")]),
            "fr",
        ))
        .await;
    assert_eq!(
        seen(&response.body["data"]["embeds"][0]["title"]),
        "La chronologie, début : juin 2024"
    );

    // A date that does not read, from a Russian member: said in Russian, privately.
    let response = fake
        .interact(fake::with_locale(
            fake::command(fake.id(), 8, CHANNEL, "timeline", &[("to", "вчера")]),
            "ru",
        ))
        .await;
    let data = &response.body["data"];
    assert_eq!(data["flags"].as_u64().unwrap_or(0) & EPHEMERAL, EPHEMERAL);
    assert!(
        seen(&data["content"]).starts_with("to: не могу прочитать дату `вчера`"),
        "{data}"
    );
    assert!(response.files.is_empty());

    // An answer in Italian carries the button in Italian, and its picture is titled in it.
    let first = fake
        .interact(fake::command(fake.id(), 7, CHANNEL, "timeline", &[]))
        .await;
    let sent = fake::sent_message(fake.id(), CHANNEL, &first.body["data"]);
    let answer = fake
        .interact(fake::press(
            fake.id(),
            9,
            CHANNEL,
            "tb:ask:it:mustafa-appointed",
            sent,
        ))
        .await;
    let data = answer.body["data"].clone();
    let button = data["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|row| row["components"].as_array().unwrap().clone())
        .find(|b| b["custom_id"] == "tb:tl:it:mustafa-appointed")
        .unwrap_or_else(|| panic!("no timeline button in {data}"));
    assert_eq!(button["label"], "Sulla cronologia");
    let sent = fake::sent_message(fake.id(), CHANNEL, &data);
    let press = fake
        .interact(fake::press(
            fake.id(),
            9,
            CHANNEL,
            "tb:tl:it:mustafa-appointed",
            sent,
        ))
        .await;
    assert_eq!(
        seen(&press.body["data"]["embeds"][0]["title"]),
        "Sulla cronologia: Mohammad Mustafa named prime minister"
    );
    assert_one_picture(&press);

    // Asked in Arabic: the list in Arabic, laid out right to left, the labels isolated.
    let response = fake
        .interact(fake::command(
            fake.id(),
            7,
            CHANNEL,
            "ask",
            &[("question", "اعرض الخط الزمني")],
        ))
        .await;
    let data = &response.body["data"];
    assert!(limit_violations(data).is_empty(), "{data}");
    let embed = &data["embeds"][0];
    assert!(seen(&embed["title"]).starts_with("الخط الزمني"), "{embed}");
    let footer = seen(&embed["footer"]["text"]);
    assert!(footer.starts_with("الأحداث: 23"), "{footer:?}");
    let description = embed["description"].as_str().unwrap();
    for line in description.lines() {
        assert!(
            line.starts_with('\u{200f}'),
            "not laid out right to left: {line:?}"
        );
    }
    assert!(description.contains("\u{2068}Intra-Palestinian meeting in Moscow\u{2069}"));
    serving.stop().await;
}
