//! The Discord adapter in every language it reads, end to end against the fake Discord
//! (tests/support/fake_discord.rs), over a small fact base translated into Arabic, Russian,
//! Italian and French (tests/fixtures/multilingual: one fact translated, one not; one source
//! with stored text cited twice, one without). Expected texts come from the catalogues
//! (`src/messages/`), so these tests check that the reply uses them, not their wording.

mod support;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use support::discord_limits::limit_violations;
use support::fake_discord::{self as fake, FakeDiscord, From, BOT_ID};
use support::serving::{self, Serving};
use talks_bot::config::DiscordConfig;
use talks_bot::discord::render::bidi;
use talks_bot::discord::Shards;
use talks_bot::messages::{fill, messages};
use talks_bot::text::Lang;
use talks_bot::{Engine, MatchSettings};

const CHANNEL: u64 = 4100;
const EPHEMERAL: u64 = 64;
const FACT: &str = "meeting-opening";
const RLM: char = '\u{200F}';
const RLI: char = '\u{2067}';
const PDI: char = '\u{2069}';

/// A question in each language the fixture is translated into.
const QUESTIONS: [(&str, &str); 4] = [
    ("ar", "من افتتح الاجتماع؟"),
    ("ru", "Кто открыл встречу?"),
    ("it", "Chi ha aperto l'incontro?"),
    ("fr", "Qui a ouvert la réunion ?"),
];

fn knowledge() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multilingual")
}

fn engine() -> Engine {
    Engine::load(&knowledge(), MatchSettings::default()).expect("the fixture loads")
}

fn lang(code: &str) -> Lang {
    Lang::from_code(code).unwrap()
}

struct Bot {
    fake: FakeDiscord,
    serving: Serving,
    feedback: PathBuf,
    _dir: tempfile::TempDir,
}

impl Bot {
    async fn start(configure: impl FnOnce(&mut DiscordConfig)) -> Bot {
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let feedback = dir.path().join("feedback.jsonl");
        let mut config = DiscordConfig {
            feedback_log: feedback.clone(),
            ..serving::config(&fake)
        };
        configure(&mut config);
        let serving = Serving::start(&fake, engine(), Shards::Auto, config).await;
        Bot {
            fake,
            serving,
            feedback,
            _dir: dir,
        }
    }

    async fn mention(&self, question: &str) -> Value {
        let message = fake::message(
            self.fake.id(),
            From::member(7, CHANNEL),
            &format!("<@{BOT_ID}> {question}"),
            true,
        );
        self.fake.ask(message).await.body
    }

    /// `/name options...` from a member whose client is set to `locale`: the callback's data.
    async fn command(&self, locale: &str, name: &str, options: &[(&str, &str)]) -> Value {
        let command = fake::command(self.fake.id(), 7, CHANNEL, name, options);
        let callback = self.fake.interact(fake::with_locale(command, locale)).await;
        callback.body["data"].clone()
    }

    async fn press(&self, custom_id: &str, on: &Value) -> Value {
        let sent = fake::sent_message(self.fake.id(), CHANNEL, on);
        let press = fake::press(self.fake.id(), 9, CHANNEL, custom_id, sent);
        self.fake.interact(press).await.body["data"].clone()
    }

    async fn stop(self) {
        self.serving.stop().await;
    }
}

fn assert_sendable(body: &Value) {
    let problems = limit_violations(body);
    assert!(problems.is_empty(), "over Discord's limits: {problems:?}");
    assert_eq!(body["allowed_mentions"]["parse"], json!([]), "{body}");
    assert_eq!(body["allowed_mentions"]["replied_user"], json!(false));
}

/// A text as the member reads it, without the direction controls.
fn shown(value: &Value) -> String {
    bidi::strip(value.as_str().unwrap_or(""))
}

fn buttons(body: &Value) -> Vec<Value> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn button<'a>(buttons: &'a [Value], custom_id: &str) -> &'a Value {
    buttons
        .iter()
        .find(|b| b["custom_id"] == custom_id)
        .unwrap_or_else(|| panic!("no button {custom_id} in {buttons:?}"))
}

/// Every text of a right-to-left embed is laid out line by line as a right-to-left isolate.
fn assert_right_to_left(embed: &Value) {
    let mut texts = vec![
        &embed["title"],
        &embed["description"],
        &embed["footer"]["text"],
        &embed["author"]["name"],
    ];
    for field in embed["fields"].as_array().unwrap() {
        texts.push(&field["value"]);
    }
    for text in texts {
        for line in text.as_str().unwrap().split('\n') {
            if line.trim().is_empty() {
                continue;
            }
            let line = line.strip_prefix("> ").unwrap_or(line);
            assert!(
                line.starts_with(&format!("{RLM}{RLI}")) && line.ends_with(PDI),
                "not laid out right to left: {line:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_in_each_language_is_answered_in_it_with_its_sources() {
    let bot = Bot::start(|_| {}).await;
    let engine = engine();
    let kb = engine.knowledge();
    for (code, question) in QUESTIONS {
        let lang = lang(code);
        let m = messages(lang);
        let translation = kb.translation(lang, FACT).expect("translated");
        let body = bot.mention(question).await;
        assert_sendable(&body);
        let embed = &body["embeds"][0];
        // The answer, in the question's language.
        assert_eq!(
            shown(&embed["author"]["name"]),
            fill(&m.discord.asked, &[("question", question)]),
            "{code}"
        );
        assert_eq!(shown(&embed["title"]), translation.question, "{code}");
        assert_eq!(shown(&embed["description"]), translation.answer, "{code}");
        assert_eq!(
            shown(&embed["footer"]["text"]),
            format!("{} {FACT} · {} 2024-03-01", m.fact, m.as_of),
            "{code}: the fact and its date, not the confidence"
        );
        // Its sources: TASS once with both its quotes, its title a link and its URL nowhere
        // else; the radio's note labelled as our summary.
        let fields = embed["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 2, "{code}: each source once: {fields:?}");
        assert_eq!(shown(&fields[0]["name"]), "[1] TASS");
        let tass = shown(&fields[0]["value"]);
        assert!(
            tass.starts_with(
                "[Lavrov opens the intra-Palestinian meeting](https://example.org/tass/lavrov-opens), 2024-02-29"
            ),
            "{code}: {tass}"
        );
        assert_eq!(tass.matches("https://").count(), 1, "{code}: {tass}");
        for quote in [
            "Sergei Lavrov opened the intra-Palestinian meeting in Moscow",
            "He called on the factions to unite.",
        ] {
            assert!(
                tass.contains(&format!("> {}", m.quoted(quote))),
                "{code}: {tass}"
            );
        }
        assert_eq!(shown(&fields[1]["name"]), "[2] Test Radio");
        assert_eq!(
            shown(&fields[1]["value"]),
            format!(
                "[Test Radio](https://example.org/radio)\n{}: gave the same account",
                m.our_summary
            ),
            "{code}"
        );
        // Its buttons: the links, the votes and the follow-up, labelled in the language and
        // carrying it.
        let buttons = buttons(&body);
        let links: Vec<&str> = buttons.iter().filter_map(|b| b["url"].as_str()).collect();
        assert_eq!(
            links,
            [
                "https://example.org/tass/lavrov-opens",
                "https://example.org/radio"
            ]
        );
        let up = button(&buttons, &format!("tb:up:{code}:{FACT}"));
        assert_eq!(shown(&up["label"]), m.discord.helpful, "{code}");
        let down = button(&buttons, &format!("tb:down:{code}:{FACT}"));
        assert_eq!(shown(&down["label"]), m.discord.not_helpful, "{code}");
        let follow_up = button(&buttons, &format!("tb:ask:{code}:meeting-end"));
        assert_eq!(shown(&follow_up["label"]), "When did the meeting end?");
        // No English fixed text is left.
        let everything = bidi::strip(&body.to_string());
        for english in [
            "You asked",
            "Helpful",
            "Our summary",
            "fact meeting",
            "as of",
        ] {
            assert!(!everything.contains(english), "{code}: {english} in {body}");
        }
        if code == "ar" {
            assert_right_to_left(embed);
            // The Latin name inside the Arabic answer is a left-to-right isolate.
            let description = embed["description"].as_str().unwrap();
            assert!(
                description.contains("\u{2066}Test Radio\u{2069}"),
                "{description:?}"
            );
        } else {
            assert!(
                !body.to_string().contains(RLI),
                "{code}: left-to-right replies carry no right-to-left layout"
            );
        }
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_in_a_language_the_bot_does_not_read_gets_the_list_of_languages() {
    let bot = Bot::start(|_| {}).await;
    let body = bot.mention("Wer hat das Treffen in Moskau eröffnet?").await;
    assert_sendable(&body);
    let content = body["content"].as_str().unwrap();
    assert!(content.contains("German"), "{content}");
    for lang in Lang::all() {
        assert!(content.contains(lang.native_name()), "{content}");
    }
    assert!(!content.contains(&messages(Lang::EN).decline), "{content}");
    assert!(body["embeds"].as_array().is_none_or(|e| e.is_empty()));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_under_an_answer_reply_in_its_language() {
    let bot = Bot::start(|_| {}).await;
    let fr = lang("fr");
    let m = messages(fr);
    let answer = bot.mention("Qui a ouvert la réunion ?").await;
    // The follow-up has no French translation: its English text, with the note that says so,
    // under French labels.
    let follow_up = bot.press("tb:ask:fr:meeting-end", &answer).await;
    assert_sendable(&follow_up);
    let embed = &follow_up["embeds"][0];
    assert_eq!(
        shown(&embed["description"]),
        format!(
            "*{}*\n\nThe meeting ended on 1 March 2024, according to TASS.",
            m.untranslated
        )
    );
    assert!(shown(&embed["footer"]["text"]).starts_with(&format!("{} meeting-end", m.fact)));
    let labels: Vec<String> = buttons(&follow_up)
        .iter()
        .map(|b| shown(&b["label"]))
        .collect();
    assert!(labels.contains(&m.discord.helpful), "{labels:?}");
    // A vote is thanked in French, and the question read back from the French embed.
    let thanks = bot.press(&format!("tb:up:fr:{FACT}"), &answer).await;
    assert_eq!(shown(&thanks["content"]), m.discord.thanks_vote);
    assert_eq!(thanks["flags"].as_u64().unwrap() & EPHEMERAL, EPHEMERAL);
    let feedback = std::fs::read_to_string(&bot.feedback).unwrap();
    let vote: Value = serde_json::from_str(feedback.lines().last().unwrap()).unwrap();
    assert_eq!(vote["question"], "Qui a ouvert la réunion ?");
    assert_eq!(vote["vote"], "helpful");
    // The Arabic answer's question is read back too, through its layout.
    let arabic = bot.mention(QUESTIONS[0].1).await;
    let thanks = bot.press(&format!("tb:up:ar:{FACT}"), &arabic).await;
    assert_eq!(
        shown(&thanks["content"]),
        messages(lang("ar")).discord.thanks_vote
    );
    let feedback = std::fs::read_to_string(&bot.feedback).unwrap();
    let vote: Value = serde_json::from_str(feedback.lines().last().unwrap()).unwrap();
    assert_eq!(vote["question"], QUESTIONS[0].1);
    // A button that is not ours is answered in the presser's language.
    let stranger = fake::press(
        bot.fake.id(),
        9,
        CHANNEL,
        "tb:boom",
        fake::sent_message(1, CHANNEL, &answer),
    );
    let stranger = bot.fake.interact(fake::with_locale(stranger, "it")).await;
    assert_eq!(
        shown(&stranger.body["data"]["content"]),
        messages(lang("it")).discord.old_button
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_commands_speak_the_members_language_and_read_short_questions_in_it() {
    let bot = Bot::start(|c| c.user_cooldown_seconds = 3600.0).await;
    // Descriptions are registered in English with a localisation for ru, it and fr; Discord
    // has no Arabic locale.
    let put = bot
        .fake
        .wait_for("registration", |r| r.method == "PUT")
        .await;
    let ask = &put.body.as_array().unwrap()[0];
    assert_eq!(ask["name"], "ask");
    assert_eq!(
        ask["description"],
        messages(Lang::EN).discord.commands.ask.as_str()
    );
    let localized = ask["description_localizations"].as_object().unwrap();
    let option = ask["options"][0]["description_localizations"]
        .as_object()
        .unwrap();
    let mut locales: Vec<&str> = localized.keys().map(String::as_str).collect();
    locales.sort_unstable();
    assert_eq!(locales, ["fr", "it", "ru"]);
    for code in ["ru", "it", "fr"] {
        let texts = &messages(lang(code)).discord.commands;
        assert_eq!(localized[code], texts.ask.as_str());
        assert_eq!(option[code], texts.ask_question.as_str());
    }
    // "Lavrov?" tells no language: the member's locale does.
    for (locale, code) in [("it", "it"), ("fr", "fr")] {
        let mut data = bot.command(locale, "ask", &[("question", "Lavrov?")]).await;
        if code == "fr" {
            // The Italian ask started the member's cooldown: a French note, then another member.
            let template = &messages(lang(code)).discord.wait_user;
            let (before, after) = template.split_once("{seconds}").unwrap();
            let note = shown(&data["content"]);
            assert!(note.starts_with(before) && note.ends_with(after), "{note}");
            assert_eq!(data["flags"].as_u64().unwrap() & EPHEMERAL, EPHEMERAL);
            let command =
                fake::command(bot.fake.id(), 8, CHANNEL, "ask", &[("question", "Lavrov?")]);
            data = bot
                .fake
                .interact(fake::with_locale(command, locale))
                .await
                .body["data"]
                .clone();
        }
        assert_sendable(&data);
        let translation = engine()
            .knowledge()
            .translation(lang(code), FACT)
            .unwrap()
            .clone();
        assert_eq!(
            shown(&data["embeds"][0]["title"]),
            translation.question,
            "{locale}"
        );
    }
    // Replies without a question are in the member's language.
    let ru = messages(lang("ru"));
    let help = bot.command("ru", "help", &[]).await;
    assert!(shown(&help["content"]).starts_with(&ru.help), "{help}");
    assert!(shown(&help["content"]).contains(&format!("`/ask` — {}", ru.discord.commands.ask)));
    let fr = messages(lang("fr"));
    let topics = bot.command("fr", "topics", &[]).await;
    assert_sendable(&topics);
    assert_eq!(
        shown(&topics["embeds"][0]["title"]),
        fr.discord.topics_title
    );
    let listed = shown(&topics["embeds"][0]["fields"][0]["value"]);
    assert!(
        listed.contains("• Qui a ouvert la réunion de Moscou ?"),
        "{listed}"
    );
    let it = messages(lang("it"));
    let about = bot.command("it", "about", &[]).await;
    assert_sendable(&about);
    assert_eq!(shown(&about["embeds"][0]["title"]), it.discord.about_title);
    // `/sources fact:` in the answer's language, the radio's note as our summary.
    let sources = bot
        .command("en-US", "sources", &[("fact", "Qui a ouvert la réunion ?")])
        .await;
    assert_sendable(&sources);
    let embed = &sources["embeds"][0];
    assert_eq!(
        shown(&embed["title"]),
        fill(
            &fr.discord.sources_for,
            &[("question", "Qui a ouvert la réunion de Moscou ?")]
        )
    );
    assert!(shown(&embed["fields"][1]["value"])
        .ends_with(&format!("{}: gave the same account", fr.our_summary)));
    let none = bot
        .command("ru", "sources", &[("fact", "рецепт пиццы")])
        .await;
    assert_eq!(shown(&none["content"]), ru.discord.no_answer);
    assert_eq!(none["flags"].as_u64().unwrap() & EPHEMERAL, EPHEMERAL);
    bot.stop().await;
}
