//! The Discord adapter end to end: the real `serve` start-up path, with the API base pointed at
//! a fake Discord on loopback (tests/support/fake_discord.rs). Every wait has a timeout; nothing
//! sleeps in place of an assertion.

mod support;

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};

use support::discord_limits::limit_violations;
use support::fake_discord::{self as fake, FakeDiscord, From, BOT_ID, GUILD_ID};
use support::serving::{self, Serving};
use talks_bot::config::{DiscordConfig, Registration};
use talks_bot::discord::Shards;
use talks_bot::knowledge::{Citation, Fact, KnowledgeBase, Source};
use talks_bot::{Engine, MatchSettings};

const CHANNEL: u64 = 4000;
const MESSAGE_CONTENT: u64 = 1 << 15;
const EPHEMERAL: u64 = 64;
/// Questions the shipped base answers with "did you mean" and declines (checked by
/// `the_fixture_questions_get_the_outcomes_the_tests_expect`).
const UNSURE: &str = "moscow";
const DECLINED: &str = "pizza recipe";
/// Reads as a question but is not answered.
const NOT_ANSWERED_QUESTION: &str = "What is the weather in Paris?";

// ---------------------------------------------------------------- harness

fn engine() -> Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
            Engine::load(&dir, MatchSettings::default()).expect("the knowledge folder loads")
        })
        .clone()
}

/// Everything the bot logs at info level, from every test in this binary.
fn logs() -> &'static Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let writer = buffer.clone();
        let _ = tracing_subscriber::fmt()
            .with_env_filter("talks_bot=info")
            .with_ansi(false)
            .with_writer(move || LogWriter(writer.clone()))
            .try_init();
        buffer
    })
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

struct Bot {
    fake: FakeDiscord,
    serving: Serving,
    feedback: PathBuf,
    _dir: tempfile::TempDir,
}

impl Bot {
    async fn start(configure: impl FnOnce(&mut DiscordConfig)) -> Bot {
        Bot::start_with(engine(), Shards::Auto, configure).await
    }

    async fn start_with(
        engine: Engine,
        shards: Shards,
        configure: impl FnOnce(&mut DiscordConfig),
    ) -> Bot {
        logs();
        let fake = FakeDiscord::start().await;
        let dir = tempfile::tempdir().unwrap();
        let feedback = dir.path().join("feedback.jsonl");
        let mut config = DiscordConfig {
            feedback_log: feedback.clone(),
            ..serving::config(&fake)
        };
        configure(&mut config);
        let serving = Serving::start(&fake, engine, shards, config).await;
        Bot {
            fake,
            serving,
            feedback,
            _dir: dir,
        }
    }

    /// A guild message from `user` in the test channel that mentions the bot.
    fn mention(&self, user: u64, question: &str) -> Value {
        self.message(user, &mention(question), true)
    }

    /// A guild message from `user` in the test channel.
    fn message(&self, user: u64, content: &str, mentions_bot: bool) -> Value {
        fake::message(
            self.fake.id(),
            From::member(user, CHANNEL),
            content,
            mentions_bot,
        )
    }

    /// Runs `/name options...` as `user` in the test channel and returns Discord's callback.
    async fn command(&self, user: u64, name: &str, options: &[(&str, &str)]) -> fake::Request {
        let command = fake::command(self.fake.id(), user, CHANNEL, name, options);
        self.fake.interact(command).await
    }

    /// Every reply the bot posted in a channel.
    fn replies(&self) -> Vec<fake::Request> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.is_message_post())
            .collect()
    }

    /// The votes in the feedback log (the outcomes noted for `/fact unanswered` and
    /// `/fact stats`, declined, unsure and answered, are left out; tests/discord_moderation.rs
    /// checks those).
    fn feedback(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.feedback)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).expect("feedback lines are JSON"))
            .filter(|line| {
                !["declined", "unsure", "answered"].contains(&line["vote"].as_str().unwrap_or(""))
            })
            .collect()
    }

    /// Stops the bot through its shutdown future, checks that `serve` returns cleanly, and
    /// hands back the fake for a last look.
    async fn stop(self) -> FakeDiscord {
        self.serving.stop().await;
        self.fake
    }
}

fn mention(question: &str) -> String {
    format!("<@{BOT_ID}> {question}")
}

fn assert_no_pings(body: &Value) {
    assert_eq!(
        body["allowed_mentions"]["parse"],
        json!([]),
        "allowed_mentions: {}",
        body["allowed_mentions"]
    );
    assert_eq!(body["allowed_mentions"]["users"], json!([]));
    assert_eq!(body["allowed_mentions"]["roles"], json!([]));
    assert_eq!(body["allowed_mentions"]["replied_user"], json!(false));
}

fn assert_fits(body: &Value) {
    let problems = limit_violations(body);
    assert!(problems.is_empty(), "over Discord's limits: {problems:?}");
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

fn footer(body: &Value) -> &str {
    body["embeds"][0]["footer"]["text"].as_str().unwrap_or("")
}

/// Waits until the log holds a line with every one of `parts`.
async fn wait_for_log(parts: &[&str]) -> String {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let text = String::from_utf8_lossy(&logs().lock().unwrap()).to_string();
        if let Some(line) = text
            .lines()
            .find(|line| parts.iter().all(|p| line.contains(p)))
        {
            return line.to_string();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no log line with {parts:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_registered_with_their_options_and_no_privileged_intent() {
    let bot = Bot::start(|_| {}).await;
    let put = bot
        .fake
        .wait_for("registration", |r| r.method == "PUT")
        .await;
    assert_eq!(
        put.path,
        format!("/api/v10/applications/{}/commands", fake::APP_ID)
    );
    let commands = put.body.as_array().expect("a list of commands");
    let names: Vec<&str> = commands
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "ask",
            "topics",
            "sources",
            "about",
            "help",
            "Answer with talks-bot",
            "timeline",
            "fact"
        ]
    );
    for command in commands {
        let slash = command["type"] == 1;
        let description = command["description"].as_str().unwrap_or("");
        assert!(
            !slash || (1..=100).contains(&description.chars().count()),
            "{command}"
        );
    }
    let ask = &commands[0];
    assert_eq!(ask["options"][0]["name"], "question");
    assert_eq!(ask["options"][0]["type"], 3);
    assert_eq!(ask["options"][0]["required"], true);
    assert_eq!(ask["options"][0]["autocomplete"], true);
    assert!(!ask["options"][0]["description"]
        .as_str()
        .unwrap()
        .is_empty());
    let sources = &commands[2];
    assert_eq!(sources["options"][0]["name"], "fact");
    assert_eq!(sources["options"][0]["required"], false);
    assert_eq!(sources["options"][0]["autocomplete"], true);
    assert_eq!(commands[5]["type"], 3, "a message command");
    assert!(commands[1]["options"]
        .as_array()
        .is_none_or(|o| o.is_empty()));

    let identify = bot.fake.identify().expect("the bot identified");
    assert_eq!(identify["d"]["token"], format!("Bot {}", fake::TOKEN));
    let intents = identify["d"]["intents"].as_u64().unwrap();
    assert_eq!(
        intents & MESSAGE_CONTENT,
        0,
        "Message Content is privileged and not needed by default"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_channels_need_message_content_and_get_answers_without_a_mention() {
    let bot = Bot::start(|c| {
        c.register = Registration::Guild;
        c.guild_id = Some(GUILD_ID);
        c.answer_channels = vec![CHANNEL];
        c.user_cooldown_seconds = 3600.0;
    })
    .await;
    let put = bot
        .fake
        .wait_for("registration", |r| r.method == "PUT")
        .await;
    assert_eq!(
        put.path,
        format!(
            "/api/v10/applications/{}/guilds/{GUILD_ID}/commands",
            fake::APP_ID
        )
    );
    let intents = bot.fake.identify().unwrap()["d"]["intents"]
        .as_u64()
        .unwrap();
    assert_ne!(intents & MESSAGE_CONTENT, 0);

    let chatter = bot.message(7, "good morning everyone", false);
    let chatter_id = chatter["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", chatter);
    let elsewhere = fake::message(
        bot.fake.id(),
        From::member(7, CHANNEL + 1),
        "Who took part in the talks?",
        false,
    );
    let elsewhere_id = elsewhere["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", elsewhere);
    // A question the bot cannot answer gets no reply there, and costs the member no cooldown.
    let unanswered = bot.message(7, NOT_ANSWERED_QUESTION, false);
    let unanswered_id = unanswered["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", unanswered);
    let question = bot.message(7, "Who took part in the talks?", false);
    let reply = bot.fake.ask(question).await;
    assert!(
        footer(&reply.body).contains("fact meeting-participants"),
        "{}",
        reply.body
    );
    let replies: Vec<_> = bot.replies();
    assert!(replies
        .iter()
        .all(|r| ![&chatter_id, &elsewhere_id, &unanswered_id]
            .contains(&&r.replies_to().unwrap_or("").to_string())));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_is_answered_with_sources_and_pings_nobody() {
    let bot = Bot::start(|_| {}).await;
    let question = bot.mention(7, "who took part?");
    let reply = bot.fake.ask(question).await;
    assert_eq!(reply.path, format!("/api/v10/channels/{CHANNEL}/messages"));
    let body = &reply.body;
    assert_no_pings(body);
    assert_fits(body);
    let embed = &body["embeds"][0];
    assert!(embed["author"]["name"]
        .as_str()
        .unwrap()
        .contains("who took part?"));
    assert!(!embed["description"].as_str().unwrap().is_empty());
    let fields = embed["fields"].as_array().expect("source fields");
    assert!(!fields.is_empty());
    assert!(
        fields
            .iter()
            .all(|f| f["value"].as_str().unwrap().contains("http")),
        "{fields:?}"
    );
    assert!(
        footer(body).starts_with("fact meeting-participants · as of 20")
            && !footer(body).contains("confidence"),
        "{}",
        footer(body)
    );
    let links: Vec<&Value> = body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(links
        .iter()
        .all(|b| b["style"] == 5 && b["url"].as_str().unwrap().starts_with("http")));
    let ids = custom_ids(body);
    assert!(
        ids.contains(&"tb:up:en:meeting-participants".to_string()),
        "{ids:?}"
    );
    assert!(ids.contains(&"tb:down:en:meeting-participants".to_string()));
    assert!(ids.iter().filter(|id| id.starts_with("tb:ask:")).count() <= 3);
    wait_for_log(&["origin=Mention", "fact=meeting-participants"]).await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_is_answered() {
    let bot = Bot::start(|_| {}).await;
    let question = fake::message(bot.fake.id(), From::dm(8), "who took part?", false);
    let reply = bot.fake.ask(question).await;
    assert_eq!(
        reply.path,
        format!("/api/v10/channels/{}/messages", From::dm(8).channel)
    );
    assert_no_pings(&reply.body);
    assert!(footer(&reply.body).starts_with("fact "), "{}", reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slash_ask_answers_with_an_embed() {
    let bot = Bot::start(|_| {}).await;
    let id = bot.fake.id();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::command(id, 7, CHANNEL, "ask", &[("question", "who took part")]),
    );
    let callback = bot.fake.callback(id).await;
    assert_eq!(
        callback.path,
        format!("/api/v10/interactions/{id}/itoken{id}/callback")
    );
    assert_eq!(callback.body["type"], 4);
    let data = &callback.body["data"];
    assert_no_pings(data);
    assert_fits(data);
    assert!(footer(data).contains("fact meeting-participants"), "{data}");
    assert_eq!(
        data["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
        0,
        "answers are public"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_offers_at_most_25_fitting_questions() {
    let bot = Bot::start(|_| {}).await;
    let typed = bot.fake.id();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::autocomplete(typed, 7, CHANNEL, "ask", "question", "lavrov"),
    );
    let empty = bot.fake.id();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::autocomplete(empty, 8, CHANNEL, "ask", "question", ""),
    );
    let typed = bot.fake.callback(typed).await;
    assert_eq!(typed.body["type"], 8);
    let choices = typed.body["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    assert!(
        choices[0]["name"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("lavrov"),
        "{choices:?}"
    );
    assert_fits(&typed.body["data"]);
    let empty = bot.fake.callback(empty).await;
    assert_eq!(empty.body["data"]["choices"].as_array().unwrap().len(), 25);
    assert_fits(&empty.body["data"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autocomplete_cuts_long_input_and_limits_each_member_lightly() {
    let bot = Bot::start(|_| {}).await;
    // 6,000 characters (Discord's most for an option) are read like a question: cut.
    let long = "lavrov opened the meeting ".repeat(240);
    let first = bot.fake.id();
    let body = bot
        .fake
        .interact(fake::autocomplete(
            first, 9, CHANNEL, "ask", "question", &long,
        ))
        .await
        .body;
    assert_eq!(body["type"], 8);
    assert!(
        !body["data"]["choices"].as_array().unwrap().is_empty(),
        "{body}"
    );
    assert_fits(&body["data"]);
    // The same member typing on at once is answered lightly (some requests get no choices);
    // another member is answered in full.
    let burst: Vec<u64> = (0..4).map(|_| bot.fake.id()).collect();
    for &id in &burst {
        bot.fake.dispatch(
            "INTERACTION_CREATE",
            fake::autocomplete(id, 9, CHANNEL, "ask", "question", "lavrov"),
        );
    }
    let mut empty = 0;
    for &id in &burst {
        let body = bot.fake.callback(id).await.body;
        empty += usize::from(
            body["data"]["choices"]
                .as_array()
                .is_none_or(|c| c.is_empty()),
        );
    }
    assert!(empty > 0, "the member's burst was limited");
    let other = bot.fake.id();
    let body = bot
        .fake
        .interact(fake::autocomplete(
            other, 10, CHANNEL, "ask", "question", "lavrov",
        ))
        .await
        .body;
    assert!(!body["data"]["choices"].as_array().unwrap().is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buttons_record_votes_and_answer_follow_ups() {
    let bot = Bot::start(|_| {}).await;
    let question = bot.mention(7, "who took part?");
    let reply = bot.fake.ask(question).await;
    let sent = fake::sent_message(bot.fake.id(), CHANNEL, &reply.body);

    let vote = bot.fake.id();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::press(
            vote,
            9,
            CHANNEL,
            "tb:up:en:meeting-participants",
            sent.clone(),
        ),
    );
    let response = bot.fake.callback(vote).await;
    assert_eq!(
        response.body["data"]["flags"].as_u64().unwrap() & EPHEMERAL,
        EPHEMERAL
    );
    let feedback = bot.feedback();
    assert_eq!(feedback.len(), 1, "{feedback:?}");
    assert_eq!(feedback[0]["vote"], "helpful");
    assert_eq!(feedback[0]["fact_id"], "meeting-participants");
    assert_eq!(feedback[0]["question"], "who took part?");
    assert_eq!(feedback[0]["user_id"], "9");
    assert!(feedback[0]["time"].as_str().unwrap().starts_with("20"));

    // One vote per member per answer: pressing again, or the other button, changes the
    // member's vote and adds no line; another member's vote is a line of its own.
    for (user, custom_id) in [
        (9, "tb:up:en:meeting-participants"),
        (9, "tb:down:en:meeting-participants"),
        // A button sent before buttons carried a language still counts.
        (11, "tb:up:meeting-participants"),
    ] {
        bot.fake
            .interact(fake::press(
                bot.fake.id(),
                user,
                CHANNEL,
                custom_id,
                sent.clone(),
            ))
            .await;
    }
    let feedback = bot.feedback();
    assert_eq!(feedback.len(), 2, "{feedback:?}");
    let mine: Vec<&Value> = feedback.iter().filter(|f| f["user_id"] == "9").collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["vote"], "not_helpful");

    let follow_up = custom_ids(&reply.body)
        .into_iter()
        .find(|id| id.starts_with("tb:ask:"))
        .expect("a follow-up");
    let answer = bot
        .fake
        .interact(fake::press(
            bot.fake.id(),
            9,
            CHANNEL,
            &follow_up,
            sent.clone(),
        ))
        .await;
    let fact = follow_up.trim_start_matches("tb:ask:en:");
    assert!(
        footer(&answer.body["data"]).starts_with(&format!("fact {fact}")),
        "{}",
        answer.body
    );
    assert_no_pings(&answer.body["data"]);

    // Ids are checked, never trusted.
    for (custom_id, says) in [
        ("tb:ask:en:no-such-fact", "no longer in my fact base"),
        ("tb:ask:../x", "no longer works"),
    ] {
        let response = bot
            .fake
            .interact(fake::press(
                bot.fake.id(),
                9,
                CHANNEL,
                custom_id,
                sent.clone(),
            ))
            .await;
        assert!(
            response.body["data"]["content"]
                .as_str()
                .unwrap()
                .contains(says),
            "{}",
            response.body
        );
        assert_eq!(
            response.body["data"]["flags"].as_u64().unwrap() & EPHEMERAL,
            EPHEMERAL
        );
    }
    assert_eq!(bot.feedback().len(), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_up_and_suggestion_buttons_count_against_the_cooldown() {
    let bot = Bot::start(|c| c.user_cooldown_seconds = 3600.0).await;
    let reply = bot.fake.ask(bot.mention(7, "who took part?")).await;
    let sent = fake::sent_message(bot.fake.id(), CHANNEL, &reply.body);
    let follow_up = custom_ids(&reply.body)
        .into_iter()
        .find(|id| id.starts_with("tb:ask:"))
        .expect("a follow-up");
    // A "did you mean" suggestion from another member's question.
    let unsure = bot.fake.ask(bot.mention(8, UNSURE)).await;
    let suggestion = custom_ids(&unsure.body)
        .into_iter()
        .find(|id| id.starts_with("tb:ask:"))
        .expect("a suggestion");
    let unsure_sent = fake::sent_message(bot.fake.id(), CHANNEL, &unsure.body);
    for (custom_id, message) in [(&follow_up, &sent), (&suggestion, &unsure_sent)] {
        let response = bot
            .fake
            .interact(fake::press(
                bot.fake.id(),
                7,
                CHANNEL,
                custom_id,
                message.clone(),
            ))
            .await;
        let data = &response.body["data"];
        assert!(
            data["content"]
                .as_str()
                .unwrap_or("")
                .starts_with("Please wait"),
            "{custom_id}: {data}"
        );
        assert_eq!(data["flags"].as_u64().unwrap() & EPHEMERAL, EPHEMERAL);
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_cooldown_holds_for_every_member_of_the_channel() {
    let bot = Bot::start(|c| c.channel_cooldown_seconds = 3600.0).await;
    bot.fake.ask(bot.mention(7, "who took part?")).await;
    // Another member in the same channel: no answer, a ⏳ on the message instead.
    let second = bot.mention(8, "who opened the meeting?");
    let second_id = second["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", second);
    bot.fake
        .wait_for("the ⏳ reaction", |r| {
            r.method == "PUT"
                && r.path
                    .contains(&format!("/messages/{second_id}/reactions/"))
        })
        .await;
    // In another channel the same member is answered.
    let elsewhere = fake::message(
        bot.fake.id(),
        From::member(8, CHANNEL + 1),
        &mention("who opened the meeting?"),
        true,
    );
    bot.fake.ask(elsewhere).await;
    assert!(bot
        .replies()
        .iter()
        .all(|r| r.replies_to() != Some(&second_id)));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answer_dms_and_answer_mentions_turn_each_off() {
    // DMs off: a DM gets nothing, a mention is still answered.
    let bot = Bot::start(|c| c.answer_dms = false).await;
    let dm = fake::message(bot.fake.id(), From::dm(8), "who took part?", false);
    let dm_id = dm["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", dm);
    // Two answered round trips after it: the DM's handler has long run by then.
    for _ in 0..2 {
        bot.fake.ask(bot.mention(9, "who took part?")).await;
    }
    assert!(bot.replies().iter().all(|r| r.replies_to() != Some(&dm_id)));
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.contains("/channels/50008/")));
    bot.stop().await;

    // Mentions off: a mention gets nothing, a DM is still answered.
    let bot = Bot::start(|c| c.answer_mentions = false).await;
    let mentioned = bot.mention(9, "who took part?");
    let mentioned_id = mentioned["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", mentioned);
    for _ in 0..2 {
        bot.fake
            .ask(fake::message(
                bot.fake.id(),
                From::dm(8),
                "who took part?",
                false,
            ))
            .await;
    }
    assert!(bot
        .replies()
        .iter()
        .all(|r| r.replies_to() != Some(&mentioned_id)));
    assert!(!bot
        .fake
        .requests()
        .iter()
        .any(|r| r.path.contains("/reactions/")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn did_you_mean_offers_suggestions_and_none_of_these_is_recorded() {
    let bot = Bot::start(|_| {}).await;
    let question = bot.mention(7, UNSURE);
    let reply = bot.fake.ask(question).await;
    assert_eq!(reply.body["embeds"][0]["title"], "Did you mean…");
    assert_fits(&reply.body);
    let ids = custom_ids(&reply.body);
    let suggestions = ids.iter().filter(|id| id.starts_with("tb:ask:")).count();
    assert!((1..=3).contains(&suggestions), "{ids:?}");
    // "None of these" closes the suggestions; the asker's Delete button may follow it.
    let choices: Vec<&String> = ids.iter().filter(|id| !id.starts_with("tb:del:")).collect();
    assert_eq!(
        choices.last().map(|id| id.as_str()),
        Some("tb:none:en"),
        "{ids:?}"
    );

    let sent = fake::sent_message(bot.fake.id(), CHANNEL, &reply.body);
    bot.fake
        .interact(fake::press(
            bot.fake.id(),
            9,
            CHANNEL,
            "tb:none:en",
            sent.clone(),
        ))
        .await;
    let feedback = bot.feedback();
    assert_eq!(feedback.len(), 1);
    assert_eq!(feedback[0]["vote"], "unanswered");
    assert_eq!(feedback[0]["question"], UNSURE);
    assert_eq!(feedback[0]["fact_id"], Value::Null);

    let suggestion = ids[0].clone();
    let answer = bot
        .fake
        .interact(fake::press(bot.fake.id(), 9, CHANNEL, &suggestion, sent))
        .await;
    assert!(footer(&answer.body["data"]).contains(suggestion.trim_start_matches("tb:ask:en:")));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_off_topic_question_is_declined_politely() {
    let bot = Bot::start(|_| {}).await;
    let question = bot.mention(7, DECLINED);
    let reply = bot.fake.ask(question).await;
    let content = reply.body["content"].as_str().unwrap();
    assert!(
        content.starts_with(talks_bot::answer::DECLINE_TEXT),
        "{content}"
    );
    assert!(content.contains("/topics"));
    assert!(reply.body["embeds"].as_array().is_none_or(|e| e.is_empty()));
    assert_no_pings(&reply.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_from_bots_are_ignored() {
    let bot = Bot::start(|_| {}).await;
    let other_bot = From {
        bot: true,
        ..From::member(77, CHANNEL)
    };
    let from_bot = fake::message(bot.fake.id(), other_bot, &mention("who took part?"), true);
    let itself = fake::message(
        bot.fake.id(),
        From {
            bot: true,
            ..From::member(BOT_ID, CHANNEL)
        },
        "who took part?",
        true,
    );
    let ignored: Vec<String> = [&from_bot, &itself]
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    bot.fake.dispatch("MESSAGE_CREATE", from_bot);
    bot.fake.dispatch("MESSAGE_CREATE", itself);
    // Two later questions are answered; the bots' messages, handled first, never are.
    for _ in 0..2 {
        bot.fake.ask(bot.mention(7, "who took part?")).await;
    }
    let replies: Vec<_> = bot.replies();
    assert_eq!(replies.len(), 2);
    assert!(replies
        .iter()
        .all(|r| !ignored.iter().any(|id| r.replies_to() == Some(id))));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_and_other_mentions_in_a_question_ping_nobody() {
    let bot = Bot::start(|_| {}).await;
    let text = mention("@everyone @here <@&555> <@42> who took part?");
    let reply = bot.fake.ask(bot.message(7, &text, true)).await;
    assert_no_pings(&reply.body);
    // The question is shown back (in the embed author line, where nothing can ping) but never in content.
    assert!(reply.body["content"]
        .as_str()
        .is_none_or(|c| !c.contains("@everyone")));
    assert!(footer(&reply.body).contains("fact meeting-participants"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_kilobyte_question_is_cut_and_answered() {
    let bot = Bot::start(|_| {}).await;
    let mut text = mention("");
    while text.len() < 10 * 1024 {
        text.push_str("who took part in the Moscow meeting? ");
    }
    let reply = bot.fake.ask(bot.message(7, &text, true)).await;
    assert_fits(&reply.body);
    assert!(
        reply.body["content"]
            .as_str()
            .unwrap()
            .contains("first 1000 characters"),
        "{}",
        reply.body
    );
    assert!(reply.body["embeds"][0]["author"]["name"]
        .as_str()
        .unwrap()
        .ends_with('…'));
    bot.stop().await;
}

fn long_text(n: usize) -> String {
    let mut text = String::new();
    while text.chars().count() < n {
        text.push_str(
            "The delegations met in Moscow @everyone and talked at great length about unity. ",
        );
    }
    text.chars().take(n).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_at_the_length_limit_fits_every_discord_limit() {
    use talks_bot::knowledge::{MAX_ANSWER_CHARS, MAX_QUESTION_CHARS};
    let sources: Vec<Source> = (0..12)
        .map(|i| Source {
            id: format!("s{i}"),
            outlet: long_text(200),
            title: Some(long_text(300)),
            date: Some("2024-02-29".into()),
            url: format!("https://example.org/source/{i}"),
            text: None,
            description: None,
            body: None,
        })
        .collect();
    let fact = |id: &str, question: String, related: Vec<String>| Fact {
        id: id.into(),
        topic: "meeting".into(),
        question,
        alternates: vec![],
        keywords: vec!["zanzibar".into()],
        answer: long_text(MAX_ANSWER_CHARS),
        as_of: Some("2024-03-01".into()),
        related,
        sources: (0..12)
            .map(|i| Citation {
                source: format!("s{i}"),
                quote: Some(long_text(800)),
                note: Some(long_text(200)),
            })
            .collect(),
        events: Vec::new(),
    };
    let question = format!(
        "What happened in zanzibar {}",
        long_text(MAX_QUESTION_CHARS - 27)
    );
    let facts = vec![
        fact(
            "long",
            question,
            vec!["other-a".into(), "other-b".into(), "other-c".into()],
        ),
        fact("other-a", long_text(MAX_QUESTION_CHARS), vec![]),
        fact("other-b", long_text(MAX_QUESTION_CHARS), vec![]),
        fact("other-c", long_text(MAX_QUESTION_CHARS), vec![]),
    ];
    let engine = Engine::new(
        KnowledgeBase::from_parts("synthetic", facts, sources, vec![]),
        MatchSettings::default(),
    );
    let bot = Bot::start_with(engine, Shards::Auto, |_| {}).await;
    // The follow-up button answers with the fact itself, whatever the matcher makes of it.
    let asked = json!({"content": "", "embeds": [{"author": {"name": "You asked: zanzibar"}}]});
    let id = bot.fake.id();
    bot.fake.dispatch(
        "INTERACTION_CREATE",
        fake::press(
            id,
            7,
            CHANNEL,
            "tb:ask:long",
            fake::sent_message(1, CHANNEL, &asked),
        ),
    );
    let data = bot.fake.callback(id).await.body["data"].clone();
    assert_fits(&data);
    assert!(footer(&data).contains("fact long"), "{data}");
    let description = data["embeds"][0]["description"].as_str().unwrap();
    assert_eq!(
        description,
        long_text(MAX_ANSWER_CHARS).trim(),
        "the whole answer is shown"
    );
    assert_eq!(
        custom_ids(&data)
            .iter()
            .filter(|id| id.starts_with("tb:ask:"))
            .count(),
        3
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cooldowns_silence_messages_and_note_commands_while_others_are_answered() {
    let bot = Bot::start(|c| c.user_cooldown_seconds = 3600.0).await;
    bot.fake.ask(bot.mention(7, "who took part?")).await;
    let again = bot.mention(7, "when was it?");
    let again_id = again["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", again);
    // The message over the cooldown gets one ⏳ reaction instead of an answer; a further one
    // in the same window gets nothing.
    let reacted = bot
        .fake
        .wait_for("the ⏳ reaction", |r| {
            r.method == "PUT" && r.path.contains(&format!("/messages/{again_id}/reactions/"))
        })
        .await;
    assert!(
        reacted.path.ends_with("/reactions/%E2%8F%B3/@me"),
        "{}",
        reacted.path
    );
    let note = bot
        .command(7, "ask", &[("question", "who took part")])
        .await;
    assert_eq!(
        note.body["data"]["flags"].as_u64().unwrap() & EPHEMERAL,
        EPHEMERAL
    );
    assert!(
        note.body["data"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Please wait"),
        "{}",
        note.body
    );
    bot.fake
        .dispatch("MESSAGE_CREATE", bot.mention(7, "and who opened it?"));
    // Everyone else is still answered.
    bot.fake.ask(bot.mention(8, "who took part?")).await;
    let replies: Vec<_> = bot.replies();
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|r| r.replies_to() != Some(&again_id)));
    let reactions = bot
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/reactions/"))
        .count();
    assert_eq!(reactions, 1, "one reaction per cooldown window");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_reply_is_logged_and_the_bot_goes_on() {
    let bot = Bot::start(|_| {}).await;
    bot.fake.fail_message_posts(1);
    let first = bot.mention(7, "who took part?");
    let first_id = first["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", first);
    bot.fake
        .wait_for("the failed post", |r| {
            r.status == 500 && r.replies_to() == Some(&first_id)
        })
        .await;
    let line = wait_for_log(&["could not send a reply", &format!("message_id={first_id}")]).await;
    assert!(line.contains("ERROR"), "{line}");
    let second = bot.mention(7, "who took part?");
    let reply = bot.fake.ask(second).await;
    assert_eq!(reply.status, 200);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_1000_messages_is_answered_in_full_and_leaves_nothing_behind() {
    const N: usize = 1000;
    let bot = Bot::start(|_| {}).await;
    bot.fake.close_connections();
    // One question first, so that every long-lived task exists before the count.
    bot.fake.ask(bot.mention(7, "hi")).await;
    let metrics = tokio::runtime::Handle::current().metrics();
    let baseline = metrics.num_alive_tasks();
    let questions = [
        "who took part?",
        "when was the meeting?",
        "what did Lavrov say?",
        "Moscow",
        "pizza recipe",
    ];
    let mut ids = HashSet::new();
    for i in 0..N {
        let id = bot.fake.id();
        ids.insert(id.to_string());
        let from = From::member(10_000 + i as u64, CHANNEL + (i % 7) as u64);
        bot.fake.dispatch(
            "MESSAGE_CREATE",
            fake::message(id, from, &mention(questions[i % questions.len()]), true),
        );
    }
    let replies_to_burst = |reqs: &[fake::Request]| -> Vec<String> {
        reqs.iter()
            .filter(|r| r.is_message_post())
            .filter_map(|r| r.replies_to())
            .filter(|id| ids.contains(*id))
            .map(str::to_string)
            .collect()
    };
    bot.fake
        .wait_until(Duration::from_secs(240), "1000 replies", |reqs| {
            (replies_to_burst(reqs).len() >= N).then_some(())
        })
        .await;
    // No leak: every task the burst started (event handlers, HTTP connections) ends.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while metrics.num_alive_tasks() > baseline {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} tasks alive after the burst, {baseline} before",
            metrics.num_alive_tasks()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let fake = bot.stop().await;
    let answered = replies_to_burst(&fake.requests());
    assert_eq!(answered.len(), N, "one reply per message, none twice");
    assert_eq!(
        answered.into_iter().collect::<HashSet<_>>(),
        ids,
        "every message answered"
    );
}

/// Worst-case text for the matcher: Discord's longest message, of many distinct long words
/// that each need typo correction.
fn worst_case_question(seed: usize) -> String {
    let mut text = String::new();
    let mut n = seed;
    while text.chars().count() < 1990 {
        n = n
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        text.push_str(&format!("lavrovv{:x}moskow ", n % 100_000));
    }
    text.chars().take(1990).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_from_one_member_gets_one_answer_and_one_reaction_and_the_others_are_answered() {
    const BURST: usize = 200;
    let bot = Bot::start(|c| c.user_cooldown_seconds = 3600.0).await;
    let mut burst = Vec::new();
    for i in 0..BURST {
        let message = bot.message(7, &mention(&worst_case_question(i)), true);
        burst.push(message["id"].as_str().unwrap().to_string());
        bot.fake.dispatch("MESSAGE_CREATE", message);
    }
    // Other members in another channel are answered, each once.
    for user in 20..30u64 {
        let message = fake::message(
            bot.fake.id(),
            From::member(user, CHANNEL + 1),
            &mention("who took part?"),
            true,
        );
        let reply = bot.fake.ask(message).await;
        assert!(footer(&reply.body).contains("meeting-participants"));
    }
    // The member in the burst: one answer (or decline) and one ⏳, whatever the order.
    bot.fake
        .wait_until(
            Duration::from_secs(60),
            "the burst's reply and reaction",
            |reqs| {
                let replies = reqs
                    .iter()
                    .filter(|r| r.is_message_post())
                    .filter(|r| {
                        r.replies_to()
                            .is_some_and(|id| burst.iter().any(|b| b == id))
                    })
                    .count();
                let reactions = reqs
                    .iter()
                    .filter(|r| r.path.contains("/reactions/"))
                    .count();
                (replies == 1 && reactions == 1).then_some(())
            },
        )
        .await;
    let fake = bot.stop().await;
    let replies = fake
        .requests()
        .iter()
        .filter(|r| {
            r.replies_to()
                .is_some_and(|id| burst.iter().any(|b| b == id))
        })
        .count();
    assert_eq!(replies, 1, "one answer for the whole burst");
    let reactions = fake
        .requests()
        .iter()
        .filter(|r| r.path.contains("/reactions/"))
        .count();
    assert_eq!(reactions, 1, "one reaction per cooldown window");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_message_command_answers_someone_elses_message() {
    let bot = Bot::start(|_| {}).await;
    let target = bot.message(5, "who took part in it?", false);
    let callback = bot
        .fake
        .interact(fake::message_command(
            bot.fake.id(),
            7,
            CHANNEL,
            "Answer with talks-bot",
            target,
        ))
        .await;
    let data = &callback.body["data"];
    assert!(
        footer(data).contains("fact meeting-participants"),
        "{}",
        callback.body
    );
    assert_eq!(data["flags"].as_u64().unwrap_or(0) & EPHEMERAL, 0);
    assert_no_pings(data);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn topics_sources_about_and_help_answer_privately_within_limits() {
    let bot = Bot::start(|_| {}).await;
    let kb_facts = engine().knowledge().facts().len().to_string();
    // (command, options, title the reply starts with)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("topics", &[], "What I can answer"),
        ("sources", &[], "My sources"),
        ("sources", &[("fact", "who took part")], "Sources for:"),
        ("about", &[], "About talks-bot"),
        ("help", &[], ""),
    ];
    for (name, options, title) in cases {
        let callback = bot.command(7, name, options).await;
        let data = &callback.body["data"];
        assert_eq!(
            data["flags"].as_u64().unwrap_or(0) & EPHEMERAL,
            EPHEMERAL,
            "{name}"
        );
        assert_fits(data);
        assert_no_pings(data);
        if title.is_empty() {
            assert!(data["content"].as_str().unwrap().contains("/ask"), "{data}");
        } else {
            assert!(
                data["embeds"][0]["title"]
                    .as_str()
                    .unwrap()
                    .starts_with(title),
                "{name}: {data}"
            );
        }
        if name == "about" {
            let fields = data["embeds"][0]["fields"].as_array().unwrap();
            assert_eq!(fields[0]["value"], kb_facts.as_str());
            assert!(fields.iter().any(|f| f["name"] == "Knowledge last changed"));
        }
    }
    let callback = bot.command(7, "sources", &[("fact", "pizza recipe")]).await;
    assert!(
        callback.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("/topics"),
        "{}",
        callback.body
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_reply_does_not_hold_up_other_questions() {
    let bot = Bot::start(|_| {}).await;
    bot.fake.stall_channel(CHANNEL + 1);
    let stalled = fake::message(
        bot.fake.id(),
        From::member(7, CHANNEL + 1),
        &mention("who took part?"),
        true,
    );
    let stalled_id = stalled["id"].as_str().unwrap().to_string();
    bot.fake.dispatch("MESSAGE_CREATE", stalled);
    bot.fake
        .wait_for("the stalled post", |r| {
            r.status == 0 && r.replies_to() == Some(&stalled_id)
        })
        .await;
    for _ in 0..3 {
        bot.fake.ask(bot.mention(8, "who took part?")).await;
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_range_identifies_as_its_shard() {
    let shards = Shards::range("1..2", 2).unwrap();
    let bot = Bot::start_with(engine(), shards, |_| {}).await;
    assert_eq!(bot.fake.identify().unwrap()["d"]["shard"], json!([1, 2]));
    bot.fake
        .ask(fake::message(
            bot.fake.id(),
            From::dm(8),
            "who took part?",
            false,
        ))
        .await;
    bot.stop().await;
}

#[test]
fn the_example_config_parses_and_documents_every_option() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let config =
        talks_bot::config::Config::parse(&text, &path).expect("config.example.toml is valid");
    let defaults = DiscordConfig::default();
    assert_eq!(
        config.discord.user_cooldown_seconds,
        defaults.user_cooldown_seconds
    );
    assert_eq!(config.discord.answer_mentions, defaults.answer_mentions);
    assert_eq!(config.matching, MatchSettings::default());
    assert_eq!(
        config.discord.feedback_retention_days,
        defaults.feedback_retention_days
    );
    assert_eq!(
        config.store.lock_timeout(),
        talks_bot::store::DEFAULT_LOCK_TIMEOUT
    );
    assert!(
        config.discord.api_base.is_none(),
        "production talks to Discord itself"
    );
    for key in [
        "knowledge",
        "[matching]",
        "threshold",
        "suggest_floor",
        "[discord]",
        "token",
        "DISCORD_TOKEN",
        "register",
        "guild_id",
        "answer_mentions",
        "answer_dms",
        "answer_channels",
        "moderation_guilds",
        "moderator_roles",
        "moderator_log_channel",
        "user_cooldown_seconds",
        "channel_cooldown_seconds",
        "feedback_log",
        "feedback_retention_days",
        "api_base",
        "[store]",
        "lock_timeout_seconds",
    ] {
        assert!(
            text.contains(key),
            "config.example.toml does not mention {key}"
        );
    }
}

#[test]
fn the_fixture_questions_get_the_outcomes_the_tests_expect() {
    let engine = engine();
    let outcome = |q: &str| engine.ask(q).outcome.name();
    assert_eq!(outcome(UNSURE), "unsure");
    assert_eq!(outcome(DECLINED), "declined");
    assert!(!engine.ask(NOT_ANSWERED_QUESTION).is_answered());
    assert!(talks_bot::discord::events::looks_like_question(
        NOT_ANSWERED_QUESTION
    ));
    assert_eq!(
        engine.ask("who took part?").fact().map(|f| f.id.as_str()),
        Some("meeting-participants")
    );
    assert_eq!(engine.ask("hi").outcome.name(), "help");
}

fn binary(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_talks-bot"));
    let knowledge = Path::new(env!("CARGO_MANIFEST_DIR")).join("knowledge");
    command
        .current_dir(dir)
        .arg("--knowledge")
        .arg(knowledge)
        .env_remove(talks_bot::config::TOKEN_ENV);
    command
}

#[test]
fn serve_without_a_token_stops_at_once_and_says_where_to_put_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[discord]\nanswer_dms = true\n",
    )
    .unwrap();
    let output = binary(dir.path()).arg("serve").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("DISCORD_TOKEN") && stderr.contains("config.toml"),
        "{stderr}"
    );
}

/// `talks-bot serve` against `fake`, from a config.toml in a temporary folder, with `RUST_LOG`
/// set if given (else the binary's default filter). Its standard error is collected as it
/// comes, so that a chatty log level never fills the pipe.
struct ServeProcess {
    child: tokio::process::Child,
    stderr: tokio::task::JoinHandle<String>,
    _dir: tempfile::TempDir,
}

impl ServeProcess {
    fn start(fake: &FakeDiscord, rust_log: Option<&str>) -> ServeProcess {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "[discord]\napi_base = \"{}\"\nuser_cooldown_seconds = 0\nfeedback_log = \"{}\"\n",
            fake.rest_url,
            dir.path().join("feedback.jsonl").display()
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let mut command = tokio::process::Command::from(binary(dir.path()));
        command
            .arg("serve")
            .env(talks_bot::config::TOKEN_ENV, fake::TOKEN)
            .env_remove("RUST_LOG")
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(filter) = rust_log {
            command.env("RUST_LOG", filter);
        }
        let mut child = command.spawn().unwrap();
        let mut pipe = child.stderr.take().unwrap();
        let stderr = tokio::spawn(async move {
            let mut text = String::new();
            let _ = tokio::io::AsyncReadExt::read_to_string(&mut pipe, &mut text).await;
            text
        });
        ServeProcess {
            child,
            stderr,
            _dir: dir,
        }
    }

    /// Sends SIGTERM and waits (at most 20 s) for the process to exit: its status and log.
    async fn terminate(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().unwrap().to_string();
        assert!(std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("exits within 20 s of SIGTERM")
            .unwrap();
        (status, self.stderr.await.unwrap())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_from_config_toml_and_stops_cleanly_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let serve = ServeProcess::start(&fake, None);
    fake.wait_for("command registration", |r| r.method == "PUT")
        .await;
    // A DM, a mention and a slash command, each with words of its own.
    let reply = fake
        .ask(fake::message(
            fake.id(),
            From::dm(8),
            "who took part?",
            false,
        ))
        .await;
    assert!(footer(&reply.body).contains("fact meeting-participants"));
    fake.ask(fake::message(
        fake.id(),
        From::member(9, CHANNEL),
        &mention("who opened the meeting?"),
        true,
    ))
    .await;
    fake.interact(fake::command(
        fake.id(),
        10,
        CHANNEL,
        "ask",
        &[("question", "when was the meeting held?")],
    ))
    .await;
    let (status, stderr) = serve.terminate().await;
    assert!(status.success(), "{status}");
    assert!(stderr.contains("fact=meeting-participants"), "{stderr}");
    assert_eq!(
        stderr.matches(" origin=").count(),
        3,
        "one info line per question: {stderr}"
    );
    assert!(!stderr.contains(fake::TOKEN), "the token is never logged");
    for words in ["who took part", "opened the meeting", "meeting held"] {
        assert!(
            !stderr.contains(words),
            "no message text at the default level: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_not_logged_even_at_trace_level() {
    let fake = FakeDiscord::start().await;
    let serve = ServeProcess::start(&fake, Some("trace"));
    fake.wait_for("command registration", |r| r.method == "PUT")
        .await;
    fake.ask(fake::message(
        fake.id(),
        From::dm(8),
        "who took part?",
        false,
    ))
    .await;
    let (status, stderr) = serve.terminate().await;
    assert!(status.success(), "{status}");
    assert!(stderr.contains("TRACE"), "trace logging is on");
    assert!(!stderr.contains(fake::TOKEN), "the token is never logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_serve_when_the_gateway_is_unreachable() {
    let fake = FakeDiscord::start().await;
    fake.unreachable_gateway().await;
    let serve = ServeProcess::start(&fake, None);
    // The bot got its gateway URL; its shard cannot connect and is queued again and again.
    fake.wait_for("the gateway lookup", |r| r.path == "/api/v10/gateway/bot")
        .await;
    let (status, stderr) = serve.terminate().await;
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_moderation_guilds_is_warned_about_at_start_up() {
    let bot = Bot::start(|c| c.moderation_guilds.clear()).await;
    let line = wait_for_log(&["moderation_guilds is empty", "moderator_roles"]).await;
    assert!(line.contains("WARN"), "{line}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failure_on_our_side_is_logged_and_the_member_gets_a_short_apology() {
    let bot =
        Bot::start(|c| c.feedback_log = PathBuf::from("/nonexistent-dir/feedback.jsonl")).await;
    let asked =
        json!({"content": "", "embeds": [{"author": {"name": "You asked: who took part?"}}]});
    let sent = fake::sent_message(1, CHANNEL, &asked);
    let custom_id = "tb:up:meeting-participants";
    let response = bot
        .fake
        .interact(fake::press(bot.fake.id(), 9, CHANNEL, custom_id, sent))
        .await;
    let data = &response.body["data"];
    assert_eq!(
        data["content"],
        talks_bot::discord::events::apology(talks_bot::text::Lang::EN)
    );
    assert_eq!(data["flags"].as_u64().unwrap() & EPHEMERAL, EPHEMERAL);
    let line = wait_for_log(&[
        "could not write the feedback log",
        "/nonexistent-dir/feedback.jsonl",
    ])
    .await;
    assert!(line.contains("ERROR"), "{line}");
    bot.stop().await;
}

// ---------------------------------------------------------------- private answers, deleting

/// `/ask question [private]` from `user`.
async fn ask_command(bot: &Bot, user: u64, question: &str, private: Option<bool>) -> Value {
    let mut command = fake::command(
        bot.fake.id(),
        user,
        CHANNEL,
        "ask",
        &[("question", question)],
    );
    if let Some(private) = private {
        command["data"]["options"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "private", "type": 5, "value": private}));
        serde_json::from_value::<poise::serenity_prelude::Interaction>(command.clone())
            .expect("a valid command");
    }
    bot.fake.interact(command).await.body
}

fn is_ephemeral(body: &Value) -> bool {
    body["data"]["flags"].as_u64().unwrap_or(0) & EPHEMERAL == EPHEMERAL
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_answers_privately_on_request_and_declines_privately_by_default() {
    let bot = Bot::start(|_| {}).await;
    let public = ask_command(&bot, 7, "who took part?", None).await;
    assert!(!is_ephemeral(&public), "{public}");
    assert!(
        custom_ids(&public["data"]).contains(&"tb:del:en:7".to_string()),
        "{public}"
    );
    let private = ask_command(&bot, 7, "who took part?", Some(true)).await;
    assert!(is_ephemeral(&private), "{private}");
    assert!(private.to_string().contains("fact meeting-participants"));
    assert!(
        !custom_ids(&private["data"])
            .iter()
            .any(|id| id.starts_with("tb:del:")),
        "a private answer needs no Delete: {private}"
    );
    let declined = ask_command(&bot, 7, DECLINED, None).await;
    assert!(
        is_ephemeral(&declined),
        "a decline is for the asker: {declined}"
    );
    let shown = ask_command(&bot, 7, DECLINED, Some(false)).await;
    assert!(!is_ephemeral(&shown), "private: false shows it: {shown}");
    for body in [&public, &private, &declined, &shown] {
        assert_no_pings(&body["data"]);
        let problems = support::discord_limits::limit_violations(&body["data"]);
        assert!(problems.is_empty(), "{problems:?}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_asker_or_a_moderator_can_delete_an_answer_for_a_few_minutes() {
    const MOD_ROLE: u64 = 6000;
    let bot = Bot::start(|c| c.moderator_roles = vec![MOD_ROLE]).await;
    let reply = bot.fake.ask(bot.mention(7, "who took part?")).await;
    assert!(
        custom_ids(&reply.body).contains(&"tb:del:en:7".to_string()),
        "{}",
        reply.body
    );
    let sent = |age: Duration| {
        let mut message = fake::sent_message(bot.fake.id(), CHANNEL, &reply.body);
        message["timestamp"] = json!(talks_bot::store::rfc3339(
            std::time::SystemTime::now() - age
        ));
        message
    };
    let deletes = || {
        bot.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "DELETE")
            .map(|r| r.path)
            .collect::<Vec<_>>()
    };
    let press = |user: u64, message: Value| {
        fake::press(bot.fake.id(), user, CHANNEL, "tb:del:en:7", message)
    };
    // Someone else: refused, privately.
    let other = bot.fake.interact(press(8, sent(Duration::ZERO))).await.body;
    assert!(is_ephemeral(&other));
    assert!(other["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Only the member who asked"));
    // The asker, too late.
    let late = bot
        .fake
        .interact(press(7, sent(Duration::from_secs(6 * 60))))
        .await
        .body;
    assert!(
        late["data"]["content"]
            .as_str()
            .unwrap()
            .contains("first 5 minutes"),
        "{late}"
    );
    assert!(deletes().is_empty(), "nothing deleted yet");
    // The asker, in time: the message is deleted.
    let message = sent(Duration::from_secs(60));
    let id = message["id"].as_str().unwrap().to_string();
    let done = bot.fake.interact(press(7, message)).await.body;
    assert_eq!(done["data"]["content"], "Deleted.");
    assert!(is_ephemeral(&done));
    assert_eq!(
        deletes(),
        [format!("/api/v10/channels/{CHANNEL}/messages/{id}")]
    );
    // A moderator may delete another member's answer.
    let moderator = fake::as_member(press(9, sent(Duration::ZERO)), &[MOD_ROLE], 0);
    let done = bot.fake.interact(moderator).await.body;
    assert_eq!(done["data"]["content"], "Deleted.");
    assert_eq!(deletes().len(), 2);
    bot.stop().await;
}
