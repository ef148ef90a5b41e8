//! `/fact` end to end: the real `serve` path against the fake Discord (tests/support), on a
//! temporary copy of the shipped knowledge folder. Every fixture is checked against serenity's
//! `Interaction` by the builders; every wait has a timeout.

mod common;
mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{json, Value};

use support::discord_limits::limit_violations;
use support::fake_discord::{self as fake, FakeDiscord, From, BOT_ID, GUILD_ID};
use support::serving::{self, Serving};
use talks_bot::config::{DiscordConfig, StoreConfig};
use talks_bot::discord::moderation::REFUSAL;
use talks_bot::discord::Shards;
use talks_bot::{Engine, MatchSettings};

const CHANNEL: u64 = 4000;
const LOG_CHANNEL: u64 = 4100;
const MOD_ROLE: u64 = 6000;
const MODERATOR: u64 = 501;
const MEMBER: u64 = 502;
const ADMIN: u64 = 503;
/// A server the bot was invited to that is not one of its moderation servers.
const OTHER_GUILD: u64 = 3999;
const ADMINISTRATOR: u64 = 1 << 3;
/// Send Messages and View Channel: an ordinary member.
const MEMBER_PERMISSIONS: u64 = (1 << 11) | (1 << 10);
const MANAGE_GUILD: u64 = 1 << 5;
const EPHEMERAL: u64 = 64;
const MODAL: u64 = 9;
const DEFERRED: u64 = 5;

struct Bot {
    fake: FakeDiscord,
    serving: Serving,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Bot {
    /// The bot with the test server as its one moderation server.
    async fn start() -> Bot {
        Bot::start_with(|_| {}).await
    }

    async fn start_with(configure: impl FnOnce(&mut DiscordConfig)) -> Bot {
        Bot::start_with_store(configure, StoreConfig::default()).await
    }

    async fn start_with_store(
        configure: impl FnOnce(&mut DiscordConfig),
        store: StoreConfig,
    ) -> Bot {
        let tmp = common::copy_knowledge();
        let dir = tmp.path().join("knowledge");
        let engine = Engine::load(&dir, MatchSettings::default()).expect("the copy loads");
        let fake = FakeDiscord::start().await;
        let mut config = DiscordConfig {
            feedback_log: tmp.path().join("feedback.jsonl"),
            moderation_guilds: vec![GUILD_ID],
            moderator_roles: vec![MOD_ROLE],
            moderator_log_channel: Some(LOG_CHANNEL),
            ..serving::config(&fake)
        };
        configure(&mut config);
        let serving = Serving::start_with_store(&fake, engine, Shards::Auto, config, store).await;
        Bot {
            fake,
            serving,
            dir,
            _tmp: tmp,
        }
    }

    fn feedback_path(&self) -> PathBuf {
        self.dir.parent().unwrap().join("feedback.jsonl")
    }

    /// `/fact SUB options...` from `user`, as a moderator or not.
    fn fact(
        &self,
        user: u64,
        moderator: bool,
        sub: &str,
        options: &[(&str, &str)],
    ) -> (u64, Value) {
        let id = self.fake.id();
        let command = fake::subcommand(id, user, CHANNEL, "fact", sub, options);
        (id, member(command, moderator))
    }

    fn submit(
        &self,
        user: u64,
        moderator: bool,
        custom_id: &str,
        form: &[(&str, &str)],
    ) -> (u64, Value) {
        let id = self.fake.id();
        let submit = fake::modal_submit(id, user, CHANNEL, custom_id, form);
        (id, member(submit, moderator))
    }

    fn press(&self, user: u64, moderator: bool, custom_id: &str) -> (u64, Value) {
        let id = self.fake.id();
        let message = fake::sent_message(self.fake.id(), CHANNEL, &json!({"content": "x"}));
        let press = fake::press(id, user, CHANNEL, custom_id, message);
        (id, member(press, moderator))
    }

    /// Submits a form and waits for the edited (deferred, ephemeral) response.
    async fn submit_and_wait(&self, custom_id: &str, form: &[(&str, &str)]) -> Value {
        let (id, submit) = self.submit(MODERATOR, true, custom_id, form);
        let callback = self.fake.interact(submit).await;
        assert_eq!(callback.body["type"], DEFERRED, "{}", callback.body);
        assert_eq!(callback.body["data"]["flags"], EPHEMERAL);
        self.fake.original_edit(id).await.body
    }

    /// Asks by mentioning the bot and returns the reply's body.
    async fn ask(&self, question: &str) -> Value {
        let id = self.fake.id();
        let message = fake::message(
            id,
            From::member(MEMBER, CHANNEL),
            &format!("<@{BOT_ID}> {question}"),
            true,
        );
        self.fake.ask(message).await.body
    }

    async fn stop(self) {
        self.serving.stop().await;
    }
}

/// Makes the interaction come from a moderator (the moderator role) or an ordinary member.
fn member(interaction: Value, moderator: bool) -> Value {
    if moderator {
        fake::as_member(interaction, &[MOD_ROLE], MEMBER_PERMISSIONS)
    } else {
        fake::as_member(interaction, &[1234], MEMBER_PERMISSIONS)
    }
}

/// Nobody can be pinged: no mention types parsed, no users or roles listed, and a reply does
/// not ping the member it answers.
fn assert_no_pings(body: &Value) {
    let allowed = &body["allowed_mentions"];
    assert_eq!(allowed["parse"], json!([]), "{body}");
    for list in ["users", "roles"] {
        assert!(
            allowed[list].as_array().is_none_or(|l| l.is_empty()),
            "{list}: {body}"
        );
    }
    assert_ne!(allowed["replied_user"], json!(true), "{body}");
}

fn assert_fits(body: &Value) {
    let problems = limit_violations(body);
    assert!(problems.is_empty(), "over Discord's limits: {problems:?}");
}

/// The text inputs of a modal response, as (custom id, value).
fn modal_inputs(callback: &Value) -> Vec<(String, String)> {
    assert_eq!(callback["type"], MODAL, "{callback}");
    let data = &callback["data"];
    assert!(data["title"].as_str().unwrap().chars().count() <= 45);
    assert!(data["custom_id"].as_str().unwrap().len() <= 100);
    let rows = data["components"].as_array().unwrap();
    assert!((1..=5).contains(&rows.len()));
    rows.iter()
        .map(|row| {
            let input = &row["components"][0];
            assert_eq!(input["type"], 4);
            assert!(input["label"].as_str().unwrap().chars().count() <= 45);
            let value = input["value"].as_str().unwrap_or("").to_string();
            assert!(value.chars().count() <= 4000);
            (input["custom_id"].as_str().unwrap().to_string(), value)
        })
        .collect()
}

fn button_ids(body: &Value) -> Vec<String> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

fn journal(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Waits for the `n`th message in the log channel.
async fn log_post(fake: &FakeDiscord, n: usize) -> Value {
    let path = format!("/api/v10/channels/{LOG_CHANNEL}/messages");
    fake.wait_until(Duration::from_secs(20), "a log channel post", |requests| {
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .nth(n - 1)
            .map(|r| r.body.clone())
    })
    .await
}

/// Waits for a message in the log channel that contains `text`.
async fn log_post_with(fake: &FakeDiscord, text: &str) -> Value {
    let path = format!("/api/v10/channels/{LOG_CHANNEL}/messages");
    fake.wait_until(Duration::from_secs(20), "a log channel post", |requests| {
        requests
            .iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .find(|r| r.body["content"].as_str().unwrap_or("").contains(text))
            .map(|r| r.body.clone())
    })
    .await
}

const NEW_QUESTION: &str = "What colour were the chairs at the Moscow meeting?";

fn new_fact_form(sources: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "question",
            format!(
                "{NEW_QUESTION}\nchair colour\nwhat were the chairs like\nmoscow meeting furniture"
            ),
        ),
        (
            "answer",
            "According to TASS, the delegates sat on blue chairs.".to_string(),
        ),
        ("topic", "The meeting\nchairs, furniture".to_string()),
        ("sources", sources.to_string()),
        ("reason", "asked twice this week".to_string()),
    ]
}

fn pairs<'a>(form: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

// ---------------------------------------------------------------- tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fact_add_opens_a_form_whose_submission_is_saved_journaled_announced_and_answered() {
    let bot = Bot::start().await;
    let registered = bot
        .fake
        .wait_for("registration in the moderation server", |r| {
            r.method == "PUT" && r.path.contains(&format!("/guilds/{GUILD_ID}/"))
        })
        .await;
    let fact = registered
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "fact")
        .expect("/fact is registered")
        .clone();
    assert_eq!(fact["default_member_permissions"], MANAGE_GUILD.to_string());
    let subs: Vec<&str> = fact["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    for sub in [
        "add",
        "edit",
        "remove",
        "show",
        "history",
        "undo",
        "list",
        "unanswered",
        "reload",
    ] {
        assert!(subs.contains(&sub), "{sub} in {subs:?}");
    }
    let described = |v: &Value| {
        let chars = v["description"].as_str().unwrap_or("").chars().count();
        (1..=100).contains(&chars)
    };
    for sub in fact["options"].as_array().unwrap() {
        assert_eq!(sub["type"], 1, "a subcommand: {sub}");
        assert!(described(sub), "{sub}");
        for option in sub["options"].as_array().into_iter().flatten() {
            assert!(described(option), "{option}");
        }
    }

    let (_, add) = bot.fact(MODERATOR, true, "add", &[]);
    let callback = bot.fake.interact(add).await;
    let inputs = modal_inputs(&callback.body);
    assert_eq!(callback.body["data"]["custom_id"], "tbm:add");
    let ids: Vec<&str> = inputs.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["question", "answer", "topic", "sources", "reason"]);
    assert!(
        inputs.iter().all(|(_, value)| value.is_empty()),
        "an empty form"
    );

    let form = new_fact_form("tass-2024-02-29-lavrov");
    let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
    let content = reply["content"].as_str().unwrap();
    assert!(content.starts_with("Done"), "{content}");
    assert_no_pings(&reply);
    assert_fits(&reply);

    let path = bot.dir.join("facts/colour-chairs-moscow-meeting.toml");
    let written = std::fs::read_to_string(&path).expect("the fact file is written");
    assert!(written.contains("blue chairs"), "{written}");
    assert!(
        written.contains(r#"keywords = ["chairs", "furniture"]"#),
        "{written}"
    );
    let journal = journal(&bot.dir);
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0]["action"], "add");
    assert_eq!(journal[0]["actor"]["via"], "discord");
    assert_eq!(journal[0]["actor"]["id"], MODERATOR);
    assert_eq!(journal[0]["reason"], "asked twice this week");

    let log = log_post(&bot.fake, 1).await;
    let text = log["content"].as_str().unwrap();
    assert!(
        text.contains("add `colour-chairs-moscow-meeting`"),
        "{text}"
    );
    assert!(text.contains(&format!("Discord {MODERATOR}")), "{text}");
    assert!(text.contains(NEW_QUESTION), "{text}");
    assert_no_pings(&log);
    assert_fits(&log);

    // The running bot answers from it at once.
    let answer = bot.ask(NEW_QUESTION).await;
    assert!(answer.to_string().contains("blue chairs"), "{answer}");
    bot.stop().await;
}

/// Every `/fact` subcommand with the options it needs.
fn every_subcommand() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    vec![
        ("add", vec![]),
        ("edit", vec![("id", "meeting-dates")]),
        ("remove", vec![("id", "meeting-dates")]),
        ("show", vec![("id", "meeting-dates")]),
        ("history", vec![("id", "meeting-dates")]),
        ("undo", vec![("id", "meeting-dates")]),
        ("list", vec![]),
        ("unanswered", vec![]),
        ("reload", vec![]),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_without_the_role_or_permission_are_refused_and_nothing_changes() {
    let bot = Bot::start().await;
    let before = common::snapshot(&bot.dir);
    for (sub, options) in every_subcommand() {
        let (_, command) = bot.fact(MEMBER, false, sub, &options);
        let callback = bot.fake.interact(command).await;
        assert_eq!(callback.body["type"], 4, "{sub}: {}", callback.body);
        assert_eq!(callback.body["data"]["content"], REFUSAL, "{sub}");
        assert_eq!(callback.body["data"]["flags"], EPHEMERAL, "{sub}");
    }
    // A form or a button made for a moderator does nothing for anyone else.
    let form = new_fact_form("tass-2024-02-29-lavrov");
    let (_, submit) = bot.submit(MEMBER, false, "tbm:add", &pairs(&form));
    let callback = bot.fake.interact(submit).await;
    assert_eq!(callback.body["data"]["content"], REFUSAL);
    let shown = talks_bot::store::Store::open(&bot.dir)
        .unwrap()
        .show("meeting-dates")
        .unwrap();
    let (_, press) = bot.press(
        MEMBER,
        false,
        &format!("tbm:rm:{}:meeting-dates", shown.version),
    );
    let callback = bot.fake.interact(press).await;
    assert_eq!(callback.body["data"]["content"], REFUSAL);
    assert_eq!(callback.body["data"]["flags"], EPHEMERAL);
    let mut after = common::snapshot(&bot.dir);
    after.remove(Path::new(".lock"));
    let mut before = before;
    before.remove(Path::new(".lock"));
    assert_eq!(before, after, "nothing changed");
    assert!(bot.fake.posts_in(LOG_CHANNEL).is_empty());

    // Manage Server without the role is enough.
    let id = bot.fake.id();
    let command = fake::subcommand(id, ADMIN, CHANNEL, "fact", "add", &[]);
    let command = fake::as_member(command, &[], MEMBER_PERMISSIONS | MANAGE_GUILD);
    let callback = bot.fake.interact(command).await;
    assert_eq!(callback.body["type"], MODAL);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_change_keeps_the_text_and_reopens_the_form_filled_in() {
    let bot = Bot::start().await;
    let before = common::snapshot(&bot.dir);
    // A quote that is not in the stored source text.
    let form = new_fact_form("pluralia-moscow-meeting\nThe delegates flew to the moon");
    let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
    let content = reply["content"].as_str().unwrap();
    assert!(content.starts_with("Nothing was saved"), "{content}");
    assert!(content.contains("quote"), "says what to fix: {content}");
    assert_fits(&reply);
    assert_no_pings(&reply);
    assert_eq!(common::snapshot(&bot.dir), before, "nothing written");
    assert!(journal(&bot.dir).is_empty());

    let buttons = button_ids(&reply);
    assert_eq!(buttons.len(), 1, "{reply}");
    assert!(buttons[0].starts_with("tbm:reopen:"));
    let (_, press) = bot.press(MODERATOR, true, &buttons[0]);
    let callback = bot.fake.interact(press).await;
    assert_eq!(callback.body["data"]["custom_id"], "tbm:add");
    let inputs = modal_inputs(&callback.body);
    let typed: Vec<(String, String)> = form
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    assert_eq!(inputs, typed, "the form comes back as typed");

    // Another moderator cannot reopen someone else's text.
    let id = bot.fake.id();
    let message = fake::sent_message(bot.fake.id(), CHANNEL, &json!({"content": "x"}));
    let other = fake::as_member(
        fake::press(id, ADMIN, CHANNEL, &buttons[0], message),
        &[MOD_ROLE],
        0,
    );
    let callback = bot.fake.interact(other).await;
    assert_eq!(callback.body["type"], 4);
    assert!(callback.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("no longer kept"));

    // Mention syntax anywhere could ping: refused, and the reply itself pings nobody.
    let mut form = new_fact_form("tass-2024-02-29-lavrov");
    form[1].1 = "According to TASS, @everyone sat on chairs.".into();
    let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
    let content = reply["content"].as_str().unwrap();
    assert!(content.contains("mention syntax"), "{content}");
    assert_no_pings(&reply);
    assert_eq!(button_ids(&reply).len(), 1);

    // A form without a source says so, and keeps the text too.
    let form = new_fact_form("");
    let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
    let content = reply["content"].as_str().unwrap();
    assert!(content.contains("no source"), "{content}");
    assert_eq!(button_ids(&reply).len(), 1);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_answered_at_once_and_a_stale_edit_is_refused() {
    let bot = Bot::start().await;
    let question = "When was the intra-Palestinian meeting in Moscow held?";
    let (_, edit) = bot.fact(MODERATOR, true, "edit", &[("id", "meeting-dates")]);
    let callback = bot.fake.interact(edit).await;
    let custom_id = callback.body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(custom_id.starts_with("tbm:edit:") && custom_id.ends_with(":meeting-dates"));
    let inputs = modal_inputs(&callback.body);
    assert!(inputs[0].1.starts_with(question), "{:?}", inputs[0]);
    assert!(inputs[3]
        .1
        .contains("pluralia-moscow-meeting\ngathered in Moscow on February 29"));

    // Submitting the form as it came changes nothing, and says so.
    let unchanged: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = bot.submit_and_wait(&custom_id, &unchanged).await;
    assert!(
        reply["content"]
            .as_str()
            .unwrap()
            .contains("nothing changed"),
        "{reply}"
    );

    let mut edited = inputs.clone();
    edited[1].1 = format!("{}\n\nThe talks were held in a lilac hall.", inputs[1].1);
    edited[4].1 = "the hall colour".into();
    let form: Vec<(&str, &str)> = edited
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = bot.submit_and_wait(&custom_id, &form).await;
    assert!(
        reply["content"].as_str().unwrap().starts_with("Done"),
        "{reply}"
    );
    let answer = bot.ask(question).await;
    assert!(
        answer.to_string().contains("lilac hall"),
        "answered from the edit: {answer}"
    );
    let file = std::fs::read_to_string(bot.dir.join("facts/meeting-dates.toml")).unwrap();
    assert!(
        file.contains("lilac hall") && file.contains("related = ["),
        "as_of and related kept: {file}"
    );
    let log = log_post(&bot.fake, 1).await;
    assert!(
        log["content"]
            .as_str()
            .unwrap()
            .contains("edit `meeting-dates`"),
        "{log}"
    );
    assert!(log["content"].as_str().unwrap().contains("answer"), "{log}");

    // The same form again carries the old version: refused, with what changed.
    edited[1].1 = "According to Pluralia, the factions met in Moscow in a green hall.".into();
    let form: Vec<(&str, &str)> = edited
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let reply = bot.submit_and_wait(&custom_id, &form).await;
    let content = reply["content"].as_str().unwrap();
    assert!(content.contains("changed by someone else"), "{content}");
    assert!(content.contains("answer"), "names the field: {content}");
    assert!(
        !std::fs::read_to_string(bot.dir.join("facts/meeting-dates.toml"))
            .unwrap()
            .contains("green hall")
    );
    assert!(bot.ask(question).await.to_string().contains("lilac hall"));
    // Reopening starts from the version now on disk, with the moderator's text.
    let (_, press) = bot.press(MODERATOR, true, &button_ids(&reply)[0]);
    let callback = bot.fake.interact(press).await;
    let reopened = callback.body["data"]["custom_id"].as_str().unwrap();
    assert_ne!(reopened, custom_id);
    assert!(reopened.ends_with(":meeting-dates"));
    assert!(modal_inputs(&callback.body)[1].1.contains("green hall"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_asks_first_and_undo_brings_the_fact_back() {
    let bot = Bot::start().await;
    let id = "lavrov-technocratic-wish";
    let path = bot.dir.join(format!("facts/{id}.toml"));
    // Its translations stay in the folder, unserved, and serve again after the undo.
    let (cid, remove) = bot.fact(MODERATOR, true, "remove", &[("id", id), ("reason", "test")]);
    bot.fake.dispatch("INTERACTION_CREATE", remove);
    let reply = bot.fake.callback(cid).await.body;
    assert_eq!(reply["data"]["flags"], EPHEMERAL);
    let buttons = button_ids(&reply["data"]);
    assert_eq!(buttons.len(), 2, "{reply}");
    assert!(path.exists(), "nothing removed before the confirmation");

    let (pid, press) = bot.press(MODERATOR, true, &buttons[0]);
    bot.fake.dispatch("INTERACTION_CREATE", press);
    let done = bot.fake.original_edit(pid).await.body;
    assert!(
        done["content"].as_str().unwrap().starts_with("Done"),
        "{done}"
    );
    assert!(!path.exists());
    let log = log_post(&bot.fake, 1).await;
    assert!(
        log["content"]
            .as_str()
            .unwrap()
            .contains(&format!("remove `{id}`")),
        "{log}"
    );
    assert_eq!(journal(&bot.dir)[0]["reason"], "test");

    // Pressing again: the fact is gone, nothing more happens.
    let (pid, press) = bot.press(MODERATOR, true, &buttons[0]);
    bot.fake.dispatch("INTERACTION_CREATE", press);
    let again = bot.fake.original_edit(pid).await.body;
    assert!(
        again["content"]
            .as_str()
            .unwrap()
            .starts_with("Nothing was removed"),
        "{again}"
    );

    // Undo asks first too, with a button for that change; two moderators pressing undo on it
    // revert it once, and the second is told it was already undone.
    let (uid, undo) = bot.fact(MODERATOR, true, "undo", &[("id", id)]);
    let reply = bot.fake.interact(undo).await.body;
    assert_eq!(reply["data"]["flags"], EPHEMERAL);
    let undo_button = button_ids(&reply["data"])[0].clone();
    assert!(undo_button.starts_with("tbm:undo:1:"), "{undo_button}");
    assert!(!path.exists(), "nothing undone before the confirmation");
    let (first, press) = bot.press(MODERATOR, true, &undo_button);
    bot.fake.dispatch("INTERACTION_CREATE", press);
    let (second, press) = bot.press(ADMIN, true, &undo_button);
    bot.fake.dispatch("INTERACTION_CREATE", press);
    let mut answers = Vec::new();
    for pid in [first, second] {
        let body = bot.fake.original_edit(pid).await.body;
        answers.push(body["content"].as_str().unwrap().to_string());
    }
    answers.sort();
    assert!(answers[0].starts_with("Done"), "{answers:?}");
    assert!(
        answers[1].starts_with("Nothing was undone") && answers[1].contains("already undone"),
        "{answers:?}"
    );
    assert_eq!(journal(&bot.dir).len(), 2, "one undo");
    let _ = uid;
    let restored = std::fs::read_to_string(&path).expect("restored");
    assert!(restored.contains(&format!("id = \"{id}\"")), "{restored}");
    log_post(&bot.fake, 2).await;

    let (hid, history) = bot.fact(MODERATOR, true, "history", &[("id", id)]);
    let history = bot.fake.interact(history).await.body;
    let text = history["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap();
    assert!(
        text.contains("#2 undo") && text.contains("#1 remove"),
        "{text}"
    );
    assert!(
        text.find("#2").unwrap() < text.find("#1").unwrap(),
        "newest first"
    );
    let _ = hid;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_list_and_unanswered_fit_discord() {
    let bot = Bot::start().await;
    let (_, show) = bot.fact(MODERATOR, true, "show", &[("id", "meeting-dates")]);
    let body = bot.fake.interact(show).await.body;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert_fits(&body["data"]);
    let embed = &body["data"]["embeds"][0];
    assert!(embed["description"]
        .as_str()
        .unwrap()
        .contains("id = \"meeting-dates\""));
    assert!(embed["fields"]
        .to_string()
        .contains("pluralia-moscow-meeting"));
    assert!(embed["footer"]["text"]
        .as_str()
        .unwrap()
        .starts_with("version "));

    let (_, list) = bot.fact(MODERATOR, true, "list", &[]);
    let body = bot.fake.interact(list).await.body;
    assert_fits(&body["data"]);
    // The whole base may be longer than one embed; one topic's facts are all listed.
    let (_, list) = bot.fact(MODERATOR, true, "list", &[("topic", "The meeting")]);
    let body = bot.fake.interact(list).await.body;
    assert_fits(&body["data"]);
    assert!(body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("`meeting-dates`"));

    // A question the bot declines is noted in the feedback log (after the reply is sent).
    let declined = "What is the airspeed velocity of an unladen swallow?";
    bot.ask(declined).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(bot.feedback_path())
        .unwrap_or_default()
        .contains("\"declined\"")
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the decline is noted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let lines = [
        r#"{"time":"t","fact_id":null,"question":"Who paid for the hotel?","vote":"unanswered","user_id":"1"}"#,
        r#"{"time":"t","fact_id":null,"question":"Why lilac?","vote":"unanswered","user_id":"1"}"#,
        r#"{"time":"t","fact_id":null,"question":"who paid for the hotel?","vote":"unanswered","user_id":"2"}"#,
    ];
    let mut log = std::fs::OpenOptions::new()
        .append(true)
        .open(bot.feedback_path())
        .unwrap();
    std::io::Write::write_all(&mut log, (lines.join("\n") + "\n").as_bytes()).unwrap();
    let (_, unanswered) = bot.fact(MODERATOR, true, "unanswered", &[]);
    let body = bot.fake.interact(unanswered).await.body;
    let description = body["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with("**2×** “Who paid for the hotel?”"),
        "{description}"
    );
    assert!(description.contains("Why lilac?"));
    assert!(description.contains(declined), "{description}");
    // Questions from every server, never who asked them.
    for user in [MEMBER.to_string(), "user_id".to_string()] {
        assert!(!body.to_string().contains(&user), "{body}");
    }
    assert_no_pings(&body["data"]);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_file_on_disk_is_reported_in_the_log_channel_and_by_reload() {
    let bot = Bot::start().await;
    let question = Engine::load(&bot.dir, MatchSettings::default())
        .unwrap()
        .fact("lavrov-opening")
        .unwrap()
        .question
        .clone();
    let good = bot.ask(&question).await.to_string();
    // A change that would alter this very answer, in a file that no longer passes the check
    // (it pings): were the broken base swapped in, the answer would show it.
    let path = bot.dir.join("facts/lavrov-opening.toml");
    let original = std::fs::read_to_string(&path).unwrap();
    let broken = original.replacen("answer = \"\"\"\n", "answer = \"\"\"\nBROKEN <@123>. ", 1);
    assert_ne!(broken, original);
    std::fs::write(&path, &broken).unwrap();
    let log = log_post_with(&bot.fake, "do not pass the check").await;
    let text = log["content"].as_str().unwrap();
    assert!(
        text.contains("do not pass the check") && text.contains("lavrov-opening.toml"),
        "{text}"
    );
    assert_no_pings(&log);
    assert_fits(&log);

    let (rid, reload) = bot.fact(MODERATOR, true, "reload", &[]);
    bot.fake.dispatch("INTERACTION_CREATE", reload);
    let reply = bot.fake.followup(rid).await.body;
    assert!(
        reply["content"]
            .as_str()
            .unwrap()
            .contains("last good base"),
        "{reply}"
    );
    // Still answering from the last good base.
    let again = bot.ask(&question).await.to_string();
    assert!(good.contains("fact lavrov-opening"), "{good}");
    assert_eq!(again, good.replace(&id_of(&good), &id_of(&again)));
    assert!(!again.contains("BROKEN"), "{again}");

    std::fs::write(&path, &original).unwrap();
    let fixed = log_post_with(&bot.fake, "pass the check again").await;
    assert!(
        fixed["content"]
            .as_str()
            .unwrap()
            .contains("pass the check again"),
        "{fixed}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fact_ids_are_autocompleted_for_moderators_only() {
    let bot = Bot::start().await;
    let complete = |user, moderator| {
        let id = bot.fake.id();
        let request =
            fake::subcommand_autocomplete(id, user, CHANNEL, ("fact", "edit", "id"), "meeting-d");
        member(request, moderator)
    };
    let body = bot.fake.interact(complete(MODERATOR, true)).await.body;
    assert_eq!(body["type"], 8, "{body}");
    assert_fits(&body["data"]);
    let values: Vec<&str> = body["data"]["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(values.contains(&"meeting-dates"), "{values:?}");
    let body = bot.fake.interact(complete(MEMBER, false)).await.body;
    assert!(
        body["data"]["choices"]
            .as_array()
            .is_none_or(|c| c.is_empty()),
        "{body}"
    );
    bot.stop().await;
}

/// The message id a reply answers (which differs between two asks of one question).
fn id_of(body: &str) -> String {
    let value: Value = serde_json::from_str(body).unwrap();
    value["message_reference"]["message_id"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The command names in a registration request's body.
fn registered_names(body: &Value) -> Vec<String> {
    body.as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fact_is_registered_only_in_the_home_server_and_refused_from_any_other() {
    let bot = Bot::start().await;
    let global = bot
        .fake
        .wait_for("global registration", |r| {
            r.method == "PUT"
                && r.path == format!("/api/v10/applications/{}/commands", fake::APP_ID)
        })
        .await;
    let names = registered_names(&global.body);
    assert!(names.contains(&"ask".to_string()), "{names:?}");
    assert!(!names.contains(&"fact".to_string()), "{names:?}");
    let home = bot
        .fake
        .wait_for("registration in the home server", |r| {
            r.method == "PUT"
                && r.path
                    == format!(
                        "/api/v10/applications/{}/guilds/{GUILD_ID}/commands",
                        fake::APP_ID
                    )
        })
        .await;
    assert_eq!(registered_names(&home.body), ["fact"]);

    // From another server, by any route: an administrator there, even one who holds the
    // moderator role, is refused privately and nothing changes.
    let before = common::snapshot(&bot.dir);
    let elsewhere = |interaction: Value| {
        let interaction = fake::as_member(interaction, &[MOD_ROLE], ADMINISTRATOR | MANAGE_GUILD);
        fake::in_guild(interaction, OTHER_GUILD)
    };
    for (sub, options) in every_subcommand() {
        let command = fake::subcommand(bot.fake.id(), ADMIN, CHANNEL, "fact", sub, &options);
        let callback = bot.fake.interact(elsewhere(command)).await;
        assert_eq!(callback.body["type"], 4, "{sub}: {}", callback.body);
        assert_eq!(callback.body["data"]["content"], REFUSAL, "{sub}");
        assert_eq!(callback.body["data"]["flags"], EPHEMERAL, "{sub}");
    }
    let form = new_fact_form("tass-2024-02-29-lavrov");
    let submit = fake::modal_submit(bot.fake.id(), ADMIN, CHANNEL, "tbm:add", &pairs(&form));
    let callback = bot.fake.interact(elsewhere(submit)).await;
    assert_eq!(callback.body["data"]["content"], REFUSAL);
    assert_eq!(callback.body["data"]["flags"], EPHEMERAL);
    let version = talks_bot::store::Store::open(&bot.dir)
        .unwrap()
        .show("meeting-dates")
        .unwrap()
        .version;
    let message = fake::sent_message(bot.fake.id(), CHANNEL, &json!({"content": "x"}));
    let press = fake::press(
        bot.fake.id(),
        ADMIN,
        CHANNEL,
        &format!("tbm:rm:{version}:meeting-dates"),
        message,
    );
    let callback = bot.fake.interact(elsewhere(press)).await;
    assert_eq!(callback.body["data"]["content"], REFUSAL);
    assert_eq!(callback.body["data"]["flags"], EPHEMERAL);
    for (sub, option) in [("edit", "id"), ("list", "topic")] {
        let request = fake::subcommand_autocomplete(
            bot.fake.id(),
            ADMIN,
            CHANNEL,
            ("fact", sub, option),
            "m",
        );
        let body = bot.fake.interact(elsewhere(request)).await.body;
        assert!(
            body["data"]["choices"]
                .as_array()
                .is_none_or(|c| c.is_empty()),
            "{sub}: {body}"
        );
    }
    let mut after = common::snapshot(&bot.dir);
    let mut before = before;
    for files in [&mut before, &mut after] {
        files.remove(Path::new(".lock"));
    }
    assert_eq!(before, after, "nothing changed");
    assert!(bot.fake.posts_in(LOG_CHANNEL).is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_home_servers_only_moderator_roles_may_moderate() {
    let bot = Bot::start_with(|config| config.moderation_guilds.clear()).await;
    let global = bot
        .fake
        .wait_for("global registration", |r| {
            r.method == "PUT" && r.path.ends_with("/commands")
        })
        .await;
    assert!(registered_names(&global.body).contains(&"fact".to_string()));
    // Manage Server or Administrator, in this server or any other, grants nothing.
    for guild in [GUILD_ID, OTHER_GUILD] {
        let command = fake::subcommand(bot.fake.id(), ADMIN, CHANNEL, "fact", "add", &[]);
        let command = fake::as_member(command, &[], ADMINISTRATOR | MANAGE_GUILD);
        let callback = bot.fake.interact(fake::in_guild(command, guild)).await;
        assert_eq!(callback.body["data"]["content"], REFUSAL, "{guild}");
    }
    // The moderator role does, wherever the member uses it.
    let command = fake::subcommand(bot.fake.id(), MODERATOR, CHANNEL, "fact", "add", &[]);
    let command = fake::as_member(command, &[MOD_ROLE], MEMBER_PERMISSIONS);
    let callback = bot
        .fake
        .interact(fake::in_guild(command, OTHER_GUILD))
        .await;
    assert_eq!(callback.body["type"], MODAL, "{}", callback.body);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_in_any_form_field_or_source_url_is_refused_and_nothing_changes() {
    let bot = Bot::start().await;
    let before = files_without_lock(&bot.dir);
    // (input, how to spoil it, the text the refusal names)
    type Spoil = Box<dyn Fn(&str) -> String>;
    let spoil: Vec<(usize, Spoil, &str)> = vec![
        (
            0,
            Box::new(|q| q.replacen("?", " <@123>?", 1)),
            "mention syntax",
        ),
        (
            0,
            Box::new(|q| format!("{q}\nping @here")),
            "mention syntax",
        ),
        (1, Box::new(|a| format!("{a} <@&55>")), "mention syntax"),
        (
            1,
            Box::new(|a| format!("{a} [TASS](https://evil.example)")),
            "masked link",
        ),
        (
            1,
            Box::new(|a| format!("{a}\u{1b}[2J")),
            "control character",
        ),
        (
            2,
            Box::new(|t| t.replacen("The meeting", "The meeting @everyone", 1)),
            "mention syntax",
        ),
        (2, Box::new(|t| format!("{t}\n<#4000>")), "mention syntax"),
        (
            2,
            Box::new(|t| t.replacen("The meeting", "The meeting\u{202e}", 1)),
            "direction override",
        ),
        (
            3,
            Box::new(|_| "https://example.org/<@123>".into()),
            "mention syntax",
        ),
        (
            3,
            Box::new(|s| format!("{s}\nnote: ask <@123>")),
            "mention syntax",
        ),
        (
            4,
            Box::new(|_| "because @everyone".into()),
            "mention syntax",
        ),
    ];
    for (input, change, says) in spoil {
        let mut form = new_fact_form("tass-2024-02-29-lavrov");
        form[input].1 = change(&form[input].1);
        let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
        let content = reply["content"].as_str().unwrap();
        assert!(
            content.starts_with("Nothing was saved") && content.contains(says),
            "{}: {content}",
            form[input].0
        );
        assert_no_pings(&reply);
    }
    assert_eq!(files_without_lock(&bot.dir), before, "nothing changed");
    bot.stop().await;
}

fn files_without_lock(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut files = common::snapshot(dir);
    files.remove(Path::new(".lock"));
    files
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn feedback_older_than_the_retention_is_dropped_at_start() {
    let old = talks_bot::store::rfc3339(
        std::time::SystemTime::now() - Duration::from_secs(40 * 24 * 3600),
    );
    let recent = talks_bot::store::rfc3339(std::time::SystemTime::now());
    let lines = [
        format!(
            r#"{{"time":"{old}","fact_id":null,"question":"An old question?","vote":"unanswered","user_id":"1"}}"#
        ),
        format!(
            r#"{{"time":"{recent}","fact_id":null,"question":"A recent question?","vote":"unanswered","user_id":"2"}}"#
        ),
    ];
    let mut feedback = None;
    let bot = Bot::start_with(|config| {
        config.feedback_retention_days = 30;
        std::fs::write(&config.feedback_log, lines.join("\n") + "\n").unwrap();
        feedback = Some(config.feedback_log.clone());
    })
    .await;
    let (_, unanswered) = bot.fact(MODERATOR, true, "unanswered", &[]);
    let body = bot.fake.interact(unanswered).await.body;
    let description = body["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(description.contains("A recent question?"), "{description}");
    assert!(!description.contains("An old question?"), "{description}");
    let kept = std::fs::read_to_string(feedback.unwrap()).unwrap();
    assert!(
        !kept.contains("An old question?"),
        "deleted from the file: {kept}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_while_another_process_holds_the_folder_is_told_to_try_again() {
    let store = StoreConfig {
        lock_timeout_seconds: 0.2,
        ..StoreConfig::default()
    };
    let bot = Bot::start_with_store(|_| {}, store).await;
    let held = std::fs::OpenOptions::new()
        .write(true)
        .open(bot.dir.join(".lock"))
        .unwrap();
    held.lock().unwrap();
    let form = new_fact_form("tass-2024-02-29-lavrov");
    let reply = bot.submit_and_wait("tbm:add", &pairs(&form)).await;
    let content = reply["content"].as_str().unwrap();
    assert!(
        content.contains("being changed by another process; try again"),
        "{content}"
    );
    // Reading goes on meanwhile.
    let (_, show) = bot.fact(MODERATOR, true, "show", &[("id", "meeting-dates")]);
    let body = bot.fake.interact(show).await.body;
    assert_eq!(body["data"]["flags"], EPHEMERAL);
    assert!(body["data"]["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .contains("meeting-dates"));
    held.unlock().unwrap();
    bot.stop().await;
}

// ---------------------------------------------------------------- the review loop

/// A feedback line now, as the bot writes it.
fn feedback_line(question: &str, vote: &str, user: u64, fact: Option<&str>) -> String {
    json!({
        "time": talks_bot::store::rfc3339(std::time::SystemTime::now()),
        "fact_id": fact, "question": question, "vote": vote, "user_id": user.to_string(),
    })
    .to_string()
}

/// The bot with these lines in its feedback log from the start.
async fn bot_with_feedback(lines: &[String]) -> Bot {
    Bot::start_with(|config| {
        std::fs::write(&config.feedback_log, lines.join("\n") + "\n").unwrap();
    })
    .await
}

/// Every component of a message body, rows flattened.
fn components(body: &Value) -> Vec<Value> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .collect()
}

impl Bot {
    /// A press of `custom_id` on the message whose posted body is `on` (with its components).
    fn press_on(&self, custom_id: &str, on: &Value) -> (u64, Value) {
        let id = self.fake.id();
        let message = fake::sent_message(self.fake.id(), CHANNEL, on);
        (
            id,
            member(
                fake::press(id, MODERATOR, CHANNEL, custom_id, message),
                true,
            ),
        )
    }

    /// A choice of `value` in the string select menu `custom_id` on the message `on`.
    fn select_on(&self, custom_id: &str, value: &str, on: &Value) -> (u64, Value) {
        let (id, mut press) = self.press_on(custom_id, on);
        press["data"] = json!({"custom_id": custom_id, "component_type": 3, "values": [value]});
        serde_json::from_value::<poise::serenity_prelude::Interaction>(press.clone())
            .expect("a valid select interaction");
        (id, press)
    }

    /// `/fact unanswered`: the queue message's data.
    async fn queue(&self) -> Value {
        let (_, command) = self.fact(MODERATOR, true, "unanswered", &[]);
        let body = self.fake.interact(command).await.body;
        assert_eq!(body["data"]["flags"], EPHEMERAL);
        assert_fits(&body["data"]);
        assert_no_pings(&body["data"]);
        body["data"].clone()
    }
}

const UPDATE_MESSAGE: u64 = 7;
const DEFERRED_UPDATE: u64 = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_adds_a_phrasing_from_its_menu_and_the_bot_answers_it_at_once() {
    let question = "When did the Palestinian factions sit down in Russia's capital?";
    let other = "Which hotel had the wifi password?";
    let bot = bot_with_feedback(&[
        feedback_line(question, "declined", 11, None),
        feedback_line(question, "unanswered", 12, None),
        feedback_line(other, "declined", 13, None),
    ])
    .await;
    let queue = bot.queue().await;
    let embed = &queue["embeds"][0];
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("**2×** “{question}”")),
        "{description}"
    );
    assert!(description.contains("Last asked "), "{description}");
    assert!(
        description.contains(other),
        "the next entries are listed: {description}"
    );
    assert_eq!(embed["footer"]["text"], "Entry 1 of 2");
    let parts = components(&queue);
    let menu = parts
        .iter()
        .find(|c| c["type"] == 3)
        .expect("a select menu");
    assert_eq!(menu["placeholder"], "Add as a phrasing of…");
    let options = menu["options"].as_array().unwrap();
    assert!((1..=25).contains(&options.len()), "{menu}");
    let ids: Vec<&str> = parts
        .iter()
        .filter_map(|c| c["custom_id"].as_str())
        .collect();
    assert!(ids.iter().any(|id| id.starts_with("tbm:qnew:")), "{ids:?}");
    assert!(ids.iter().any(|id| id.starts_with("tbm:qdis:")), "{ids:?}");
    assert!(ids.contains(&"tbm:pg:queue:1"), "Next: {ids:?}");

    // The moderator picks meeting-dates in the menu.
    let menu_id = menu["custom_id"].as_str().unwrap();
    let (id, select) = bot.select_on(menu_id, "meeting-dates", &queue);
    let callback = bot.fake.interact(select).await;
    assert_eq!(callback.body["type"], DEFERRED_UPDATE, "{}", callback.body);
    let edit = bot.fake.original_edit(id).await.body;
    let content = edit["content"].as_str().unwrap();
    assert!(
        content.contains("as a phrasing of `meeting-dates`"),
        "{content}"
    );
    assert_fits(&edit);
    // Checked and journaled like any edit, announced, and answered from at once.
    let entries = journal(&bot.dir);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["action"], "edit");
    assert_eq!(entries[0]["fact"], "meeting-dates");
    assert_eq!(entries[0]["actor"]["id"], MODERATOR);
    assert!(entries[0]["after"]["alternates"]
        .as_array()
        .unwrap()
        .contains(&json!(question)));
    log_post(&bot.fake, 1).await;
    let reply = bot.ask(question).await;
    assert!(
        reply.to_string().contains("fact meeting-dates"),
        "answered with the fact at once: {reply}"
    );
    // The entry left the queue; the next one is first now.
    let description = edit["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("**1×** “{other}”")),
        "{description}"
    );

    // Dismiss: the last entry leaves, nothing else changes.
    let queue = bot.queue().await;
    let dismiss = components(&queue)
        .into_iter()
        .find_map(|c| {
            c["custom_id"]
                .as_str()
                .filter(|id| id.starts_with("tbm:qdis:"))
                .map(String::from)
        })
        .unwrap();
    let (_, press) = bot.press_on(&dismiss, &queue);
    let callback = bot.fake.interact(press).await;
    assert_eq!(callback.body["type"], UPDATE_MESSAGE, "{}", callback.body);
    assert!(callback.body["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("Dismissed “Which hotel"));
    let empty = bot.queue().await;
    assert!(
        empty["content"]
            .as_str()
            .unwrap()
            .contains("queue is empty"),
        "{empty}"
    );
    assert_eq!(journal(&bot.dir).len(), 1, "dismissing changes no fact");
    // A button of an entry that left the queue says so.
    let (_, again) = bot.press_on(&dismiss, &queue);
    let callback = bot.fake.interact(again).await;
    assert!(callback.body["data"]["content"]
        .as_str()
        .unwrap()
        .contains("no longer in the queue"));
    // The store swapped in a base without the translations (indexing them would hold the
    // lock longer); the watcher reloads the folder, translations included, right after, and
    // a French question is answered in French. (Last: one asked before may join the queue.)
    let french = "Quand la réunion interpalestinienne de Moscou a-t-elle eu lieu ?";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let reply = bot.ask(french).await;
        if reply["embeds"][0]["title"].as_str() == Some(french) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still not answered in French: {reply}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_picked_suggestion_is_a_candidate_phrasing_accepted_with_one_click() {
    let question = "moscow gathering opening day";
    let bot = Bot::start().await;
    // The "did you mean" message the bot posted for the question, as Discord sends it back.
    let asked = json!({
        "content": "",
        "embeds": [{"author": {"name": format!("You asked: {question}")}, "description": "Did you mean…"}],
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "When was it?", "custom_id": "tb:ask:meeting-dates"},
            {"type": 2, "style": 2, "label": "None of these", "custom_id": "tb:none"},
        ]}],
    });
    for member in [21, 22] {
        let message = fake::sent_message(bot.fake.id(), CHANNEL, &asked);
        let press = fake::press(
            bot.fake.id(),
            member,
            CHANNEL,
            "tb:ask:meeting-dates",
            message,
        );
        let answer = bot.fake.interact(press).await.body;
        assert!(
            answer.to_string().contains("fact meeting-dates"),
            "{answer}"
        );
    }
    // A follow-up button under an answer is not a pick.
    let answer = json!({"content": "", "embeds": [{"author": {"name": "You asked: who came?"}}],
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Dates", "custom_id": "tb:ask:meeting-dates"}]}]});
    let message = fake::sent_message(bot.fake.id(), CHANNEL, &answer);
    let press = fake::press(bot.fake.id(), 23, CHANNEL, "tb:ask:meeting-dates", message);
    bot.fake.interact(press).await;

    let queue = bot.queue().await;
    let description = queue["embeds"][0]["description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("**2×** “{question}”")),
        "{description}"
    );
    assert!(description.contains("`meeting-dates` (2)"), "{description}");
    assert!(!description.contains("who came?"), "{description}");
    let accept = components(&queue)
        .into_iter()
        .find(|c| {
            c["custom_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("tbm:qacc:"))
        })
        .expect("an Accept button");
    assert_eq!(accept["label"], "Accept as a phrasing of meeting-dates (2)");
    // Members' picks come first in the menu too.
    let menu = components(&queue)
        .into_iter()
        .find(|c| c["type"] == 3)
        .unwrap();
    assert_eq!(menu["options"][0]["value"], "meeting-dates");

    let (id, press) = bot.press_on(accept["custom_id"].as_str().unwrap(), &queue);
    assert_eq!(bot.fake.interact(press).await.body["type"], DEFERRED_UPDATE);
    let edit = bot.fake.original_edit(id).await.body;
    assert!(
        edit["content"]
            .as_str()
            .unwrap()
            .contains("`meeting-dates`"),
        "{edit}"
    );
    let reply = bot.ask(question).await;
    assert!(reply.to_string().contains("fact meeting-dates"), "{reply}");
    assert!(bot.queue().await["content"]
        .as_str()
        .unwrap()
        .contains("empty"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_fact_opens_the_form_with_the_question_and_saving_it_resolves_the_entry() {
    let question = "Who paid for the delegations' flights?";
    let bot = bot_with_feedback(&[feedback_line(question, "declined", 11, None)]).await;
    let queue = bot.queue().await;
    let new = components(&queue)
        .into_iter()
        .find_map(|c| {
            c["custom_id"]
                .as_str()
                .filter(|id| id.starts_with("tbm:qnew:"))
                .map(String::from)
        })
        .unwrap();
    let (_, press) = bot.press_on(&new, &queue);
    let callback = bot.fake.interact(press).await.body;
    let inputs = modal_inputs(&callback);
    assert_eq!(inputs[0].0, "question");
    assert!(inputs[0].1.starts_with(question), "{inputs:?}");
    let form_id = callback["data"]["custom_id"].as_str().unwrap().to_string();
    assert!(form_id.starts_with("tbm:addq:"), "{form_id}");
    let done = bot
        .submit_and_wait(
            &form_id,
            &[
                ("question", &format!("{question}\nwho funded the flights\nflights paid by whom\nwho covered travel costs")),
                ("answer", "The sources we have do not say who paid for the flights."),
                ("topic", "The meeting\nflights"),
                ("sources", "pluralia-moscow-meeting\ngathered in Moscow on February 29"),
                ("reason", ""),
            ],
        )
        .await;
    assert!(
        done["content"].as_str().unwrap().starts_with("Done"),
        "{done}"
    );
    assert!(bot.queue().await["content"]
        .as_str()
        .unwrap()
        .contains("empty"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_search_and_paged_lists() {
    let bot = bot_with_feedback(&[
        feedback_line("", "answered", 0, Some("meeting-dates")),
        feedback_line("", "answered", 0, Some("meeting-dates")),
        feedback_line("when?", "helpful", 5, Some("meeting-dates")),
        feedback_line("why?", "declined", 5, None),
        feedback_line("what?", "unsure", 6, None),
    ])
    .await;
    // An answer through Discord is counted too.
    bot.ask("who opened the meeting?").await;
    let (_, stats) = bot.fact(MODERATOR, true, "stats", &[]);
    let mut body = bot.fake.interact(stats).await.body;
    for _ in 0..100 {
        if body.to_string().contains("3 answered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let (_, stats) = bot.fact(MODERATOR, true, "stats", &[]);
        body = bot.fake.interact(stats).await.body;
    }
    assert_fits(&body["data"]);
    let embed = &body["data"]["embeds"][0];
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.starts_with("**3** answered · **1** declined · **1** unsure"),
        "{description}"
    );
    let fields = embed["fields"].to_string();
    assert!(
        fields.contains("`meeting-dates` 2 answered · 1 helpful · 0 not helpful"),
        "{fields}"
    );
    let (_, one) = bot.fact(MODERATOR, true, "stats", &[("fact", "meeting-dates")]);
    let body = bot.fake.interact(one).await.body;
    assert_eq!(
        body["data"]["embeds"][0]["title"],
        "Stats for `meeting-dates`"
    );

    let (_, search) = bot.fact(MODERATOR, true, "search", &[("text", "Bogdanov")]);
    let body = bot.fake.interact(search).await.body;
    assert_fits(&body["data"]);
    let found = body["data"]["embeds"][0]["description"].as_str().unwrap();
    assert!(found.contains("`bogdanov-who`"), "{found}");
    let (_, nothing) = bot.fact(MODERATOR, true, "search", &[("text", "zanzibar quokka")]);
    let body = bot.fake.interact(nothing).await.body;
    assert!(body["data"]["content"]
        .as_str()
        .unwrap()
        .starts_with("No fact has"));

    // The whole list is longer than a page: Next shows the next page, in place.
    let (_, list) = bot.fact(MODERATOR, true, "list", &[]);
    let first = bot.fake.interact(list).await.body["data"].clone();
    assert_fits(&first);
    let footer = first["embeds"][0]["footer"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(footer.starts_with("Page 1 of "), "{footer}");
    let pages: usize = footer.trim_start_matches("Page 1 of ").parse().unwrap();
    let mut seen = first["embeds"][0]["description"]
        .as_str()
        .unwrap()
        .to_string();
    let mut on = first;
    for page in 1..pages {
        let (_, press) = bot.press_on(&format!("tbm:pg:list:{page}"), &on);
        let callback = bot.fake.interact(press).await.body;
        assert_eq!(callback["type"], UPDATE_MESSAGE);
        assert_fits(&callback["data"]);
        on = callback["data"].clone();
        assert_eq!(
            on["embeds"][0]["footer"]["text"],
            format!("Page {} of {pages}", page + 1)
        );
        seen.push_str(on["embeds"][0]["description"].as_str().unwrap());
    }
    let facts = std::fs::read_dir(bot.dir.join("facts")).unwrap().count();
    assert_eq!(
        seen.matches('`').count() / 2,
        facts,
        "every fact on some page"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pages_with_buttons_instead_of_cutting() {
    let bot = Bot::start().await;
    // Another process (the CLI, say) makes many changes with long reasons.
    let store = talks_bot::Store::open(&bot.dir).unwrap();
    for i in 0..16 {
        let reason = format!("change {i}: {}", "a long explanation ".repeat(12));
        store
            .add_phrasing(
                "meeting-dates",
                &format!("when was meeting number {i}"),
                talks_bot::Actor::discord(7, "alice"),
                Some(&reason),
            )
            .unwrap();
    }
    let (_, history) = bot.fact(MODERATOR, true, "history", &[("id", "meeting-dates")]);
    let first = bot.fake.interact(history).await.body["data"].clone();
    assert_fits(&first);
    let embed = &first["embeds"][0];
    assert_eq!(embed["footer"]["text"], "Page 1 of 2");
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.starts_with("#16 edit"),
        "newest first: {description}"
    );
    let ids = button_ids(&first);
    assert!(
        ids.contains(&"tbm:pg:hist:1:meeting-dates".to_string()),
        "{ids:?}"
    );
    let (_, next) = bot.press_on("tbm:pg:hist:1:meeting-dates", &first);
    let second = bot.fake.interact(next).await.body;
    assert_eq!(second["type"], UPDATE_MESSAGE);
    assert_fits(&second["data"]);
    let page = &second["data"]["embeds"][0];
    assert_eq!(page["footer"]["text"], "Page 2 of 2");
    let all = format!("{description}\n{}", page["description"].as_str().unwrap());
    for seq in 1..=16 {
        assert!(all.contains(&format!("#{seq} edit")), "#{seq} is on a page");
    }
    bot.stop().await;
}
