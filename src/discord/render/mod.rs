//! How answers look on Discord: embeds, buttons and plain replies, cut to fit every Discord
//! limit (a text over a limit is cut at a word with "…", never rejected by Discord), and the
//! custom ids that buttons carry.

use std::fmt::Write as _;

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter, CreateInteractionResponseMessage,
    CreateMessage,
};

use crate::answer::{
    truncated_notice, Answer, CitedSource, Outcome, DECLINE_TEXT, EMPTY_TEXT, HELP_TEXT,
};
use crate::knowledge::{Fact, KnowledgeBase};
use crate::text::cut;

mod ids;
mod timeline;

pub use ids::Action;
pub use timeline::{timeline, MAX_PICTURE_BYTES, PICTURE};

/// Discord's limits, from its API documentation.
pub mod limits {
    pub const CONTENT: usize = 2000;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    pub const AUTHOR: usize = 256;
    pub const EMBED_TOTAL: usize = 6000;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const ROWS: usize = 5;
    pub const CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 100;
}

/// At most this many sources are shown as fields of one answer.
const MAX_SOURCE_FIELDS: usize = 10;
/// Quotes longer than this are cut in source fields.
const MAX_QUOTE_CHARS: usize = 600;
/// What the embed author line says before the question that was asked.
pub const ASKED_PREFIX: &str = "You asked: ";
/// What the bot adds to its help text on Discord.
pub const DISCORD_HINTS: &str =
    "Ask with `/ask`, mention me with a question, or write to me directly. \
`/topics` lists what I know, `/sources` my sources, `/about` the fact base.";
/// The label of the button that shows an answer's events on the timeline.
pub const ON_THE_TIMELINE: &str = "On the timeline";
/// What the bot adds when it declines.
pub const DECLINE_HINT: &str = "Use `/topics` to see what I can answer.";

const GREEN: u32 = 0x2e_8b_57;
const AMBER: u32 = 0xd9_a4_41;
const GREY: u32 = 0x70_80_90;

/// A reply ready to send as a message, a command reply or an interaction response.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub content: Option<String>,
    pub embed: Option<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
    /// Files to attach: (file name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// Allowed mentions for every message the bot sends: nobody is pinged, not even the asker.
pub fn no_pings() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

/// Puts a reply into one of serenity's or poise's message builders (they share method names but
/// no trait), with no pings.
macro_rules! fill {
    ($builder:expr, $reply:expr) => {{
        let reply: &Reply = $reply;
        let mut builder = $builder
            .allowed_mentions(no_pings())
            .components(reply.components.clone());
        if let Some(content) = &reply.content {
            builder = builder.content(content);
        }
        if let Some(embed) = &reply.embed {
            builder = builder.embed(embed.clone());
        }
        builder
    }};
}

impl Reply {
    /// A plain text reply, cut to fit.
    pub fn text(text: &str) -> Reply {
        Reply {
            content: Some(cut(text, limits::CONTENT).into_owned()),
            ..Default::default()
        }
    }

    /// A reply with one embed.
    pub fn embed(embed: CreateEmbed) -> Reply {
        Reply {
            embed: Some(embed),
            ..Default::default()
        }
    }

    fn attachments(&self) -> impl Iterator<Item = CreateAttachment> + '_ {
        self.files
            .iter()
            .map(|(name, bytes)| CreateAttachment::bytes(bytes.clone(), name.clone()))
    }

    /// As a reply to a member's message.
    pub fn to_message(&self, reply_to: &serenity::Message) -> CreateMessage {
        fill!(CreateMessage::new().reference_message(reply_to), self).add_files(self.attachments())
    }

    /// As the reply to a slash or context menu command.
    pub fn to_command_reply(&self, ephemeral: bool) -> poise::CreateReply {
        self.attachments().fold(
            fill!(poise::CreateReply::default().ephemeral(ephemeral), self),
            poise::CreateReply::attachment,
        )
    }

    /// As the response to a button press.
    pub fn to_interaction(&self, ephemeral: bool) -> CreateInteractionResponseMessage {
        fill!(
            CreateInteractionResponseMessage::new().ephemeral(ephemeral),
            self
        )
        .add_files(self.attachments())
    }
}

/// The parts of one embed, cut to Discord's limits by [`EmbedParts::build`].
#[derive(Debug, Clone, Default)]
struct EmbedParts {
    author: Option<String>,
    title: Option<String>,
    description: Option<String>,
    fields: Vec<(String, String)>,
    footer: Option<String>,
    colour: u32,
}

impl EmbedParts {
    /// Cuts every part to its limit, then drops fields from the end (saying how many in the
    /// footer) until the whole embed is within 6,000 characters.
    fn build(self) -> CreateEmbed {
        let fit = |text: Option<String>, max: usize| text.map(|t| cut(t.trim(), max).into_owned());
        let author = fit(self.author, limits::AUTHOR);
        let title = fit(self.title, limits::TITLE);
        let description = fit(self.description, limits::DESCRIPTION);
        let mut fields: Vec<(String, String)> = self
            .fields
            .into_iter()
            .map(|(name, value)| {
                (
                    cut(name.trim(), limits::FIELD_NAME).into_owned(),
                    cut(value.trim(), limits::FIELD_VALUE).into_owned(),
                )
            })
            .filter(|(name, value)| !name.is_empty() && !value.is_empty())
            .collect();
        let mut dropped = fields.len().saturating_sub(limits::FIELDS);
        fields.truncate(limits::FIELDS);
        // The footer may grow by a note on dropped fields: keep room for it.
        let footer_base = fit(self.footer, limits::FOOTER - 40).unwrap_or_default();
        let footer_room = footer_base.chars().count() + 40;
        let len = |s: &Option<String>| s.as_deref().map_or(0, |s| s.chars().count());
        let fixed = len(&author) + len(&title) + len(&description) + footer_room;
        let mut total = fixed
            + fields
                .iter()
                .map(|(n, v)| n.chars().count() + v.chars().count())
                .sum::<usize>();
        while total > limits::EMBED_TOTAL {
            let Some((name, value)) = fields.pop() else {
                break;
            };
            total -= name.chars().count() + value.chars().count();
            dropped += 1;
        }
        let mut footer = footer_base;
        if dropped > 0 {
            if !footer.is_empty() {
                footer.push_str(" · ");
            }
            let _ = write!(footer, "{dropped} more not shown");
        }
        let footer = fit(Some(footer).filter(|f| !f.is_empty()), limits::FOOTER);

        let mut embed = CreateEmbed::new().colour(self.colour);
        if let Some(author) = author.filter(|a| !a.is_empty()) {
            embed = embed.author(CreateEmbedAuthor::new(author));
        }
        if let Some(title) = title.filter(|t| !t.is_empty()) {
            embed = embed.title(title);
        }
        if let Some(description) = description.filter(|d| !d.is_empty()) {
            embed = embed.description(description);
        }
        embed = embed.fields(fields.into_iter().map(|(name, value)| (name, value, false)));
        if let Some(footer) = footer {
            embed = embed.footer(CreateEmbedFooter::new(footer));
        }
        embed
    }
}

/// The reply to a question, whatever the outcome.
pub fn answer(answer: &Answer<'_>) -> Reply {
    let notice = answer.truncated.then(truncated_notice);
    let mut reply = match answer.outcome {
        Outcome::Answered(fact) => answered(answer, fact),
        Outcome::Unsure => unsure(answer),
        Outcome::Declined => Reply::text(&format!("{DECLINE_TEXT} {DECLINE_HINT}")),
        Outcome::Help => Reply::text(&format!("{HELP_TEXT}\n\n{DISCORD_HINTS}")),
        Outcome::Empty => Reply::text(EMPTY_TEXT),
        Outcome::Unsupported(_) => Reply::text(&answer.message().unwrap_or_default()),
        Outcome::Timeline(_) => timeline(
            &answer.timeline(),
            &answer.message().unwrap_or_default(),
            None,
        ),
    };
    if let Some(notice) = notice {
        let content = match reply.content.take() {
            Some(content) => format!("{notice}\n\n{content}"),
            None => notice,
        };
        reply.content = Some(cut(&content, limits::CONTENT).into_owned());
    }
    reply
}

fn asked(answer: &Answer<'_>) -> Option<String> {
    Some(format!("{ASKED_PREFIX}{}", answer.question)).filter(|_| !answer.question.is_empty())
}

/// Reads back the question an answer embed was for (feedback buttons need it).
pub fn asked_question(message: &serenity::Message) -> Option<String> {
    let name = &message.embeds.first()?.author.as_ref()?.name;
    name.strip_prefix(ASKED_PREFIX).map(str::to_string)
}

fn answered(answer: &Answer<'_>, fact: &Fact) -> Reply {
    let citations = answer.citations();
    let mut description = fact.answer.trim().to_string();
    if let Some(as_of) = &fact.as_of {
        let _ = write!(description, "\n\n*As of {as_of}.*");
    }
    let embed = EmbedParts {
        author: asked(answer),
        title: Some(fact.question.clone()),
        description: Some(description),
        fields: source_fields(&citations),
        footer: Some(format!(
            "fact {} · confidence {:.2}",
            fact.id, answer.confidence
        )),
        colour: GREEN,
    }
    .build();
    let mut components = Vec::new();
    if let Some(row) = link_row(&citations) {
        components.push(row);
    }
    let votes: Vec<CreateButton> = [
        (true, "Helpful", ButtonStyle::Success),
        (false, "Not helpful", ButtonStyle::Danger),
    ]
    .into_iter()
    .filter_map(|(helpful, label, style)| {
        let id = Action::Vote {
            helpful,
            fact_id: fact.id.clone(),
        }
        .custom_id()?;
        Some(CreateButton::new(id).label(label).style(style))
    })
    .collect();
    let mut votes = votes;
    if !fact.events.is_empty() {
        if let Some(id) = (Action::Timeline {
            fact_id: fact.id.clone(),
        })
        .custom_id()
        {
            votes.push(
                CreateButton::new(id)
                    .label(ON_THE_TIMELINE)
                    .style(ButtonStyle::Secondary),
            );
        }
    }
    if !votes.is_empty() {
        components.push(CreateActionRow::Buttons(votes));
    }
    if let Some(row) = fact_buttons(&answer.related, ButtonStyle::Secondary, None) {
        components.push(row);
    }
    Reply {
        content: None,
        embed: Some(embed),
        components,
        files: Vec::new(),
    }
}

fn unsure(answer: &Answer<'_>) -> Reply {
    let mut description = String::from(crate::answer::UNSURE_TEXT);
    for (i, fact) in answer.suggestions.iter().enumerate() {
        let _ = write!(description, "\n{}. {}", i + 1, fact.question);
    }
    let embed = EmbedParts {
        author: asked(answer),
        title: Some("Did you mean…".into()),
        description: Some(description),
        footer: Some("Press a question to get its answer.".into()),
        colour: AMBER,
        ..Default::default()
    }
    .build();
    let none = CreateButton::new(Action::NoneOfThese.custom_id().unwrap_or_default())
        .label("None of these")
        .style(ButtonStyle::Secondary);
    let components = fact_buttons(&answer.suggestions, ButtonStyle::Primary, Some(none))
        .into_iter()
        .collect();
    Reply {
        content: None,
        embed: Some(embed),
        components,
        files: Vec::new(),
    }
}

/// One field per source: outlet as the name; title, date, quote and note as the value.
fn source_fields(citations: &[CitedSource<'_>]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = citations
        .iter()
        .take(MAX_SOURCE_FIELDS)
        .enumerate()
        .map(|(i, cited)| {
            let source = cited.source;
            let mut value = String::new();
            if let Some(title) = &source.title {
                value.push_str(title.trim());
            }
            if let Some(date) = &source.date {
                let _ = write!(value, "{}{date}", if value.is_empty() { "" } else { ", " });
            }
            if let Some(quote) = cited.quote {
                let _ = write!(
                    value,
                    "\n> “{}”",
                    cut(
                        &quote.split_whitespace().collect::<Vec<_>>().join(" "),
                        MAX_QUOTE_CHARS
                    )
                );
            }
            if let Some(note) = cited.note {
                let _ = write!(value, "\n({})", note.trim());
            }
            let _ = write!(value, "\n{}", source.url);
            (format!("[{}] {}", i + 1, source.outlet), value)
        })
        .collect();
    if citations.len() > MAX_SOURCE_FIELDS {
        fields.push((
            "More sources".into(),
            format!(
                "{} more; see `/sources`.",
                citations.len() - MAX_SOURCE_FIELDS
            ),
        ));
    }
    fields
}

/// Link buttons to the sources (at most one row of five, each link once).
fn link_row(citations: &[CitedSource<'_>]) -> Option<CreateActionRow> {
    let mut seen: Vec<&str> = Vec::new();
    let mut buttons = Vec::new();
    for cited in citations {
        let url = cited.source.url.as_str();
        if buttons.len() == limits::BUTTONS_PER_ROW || seen.contains(&url) {
            continue;
        }
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 512 {
            continue;
        }
        seen.push(url);
        let label = cut(&cited.source.outlet, limits::BUTTON_LABEL).into_owned();
        buttons.push(CreateButton::new_link(url).label(label));
    }
    (!buttons.is_empty()).then_some(CreateActionRow::Buttons(buttons))
}

/// One row of buttons that answer with a fact, plus an optional last button.
fn fact_buttons(
    facts: &[&Fact],
    style: ButtonStyle,
    last: Option<CreateButton>,
) -> Option<CreateActionRow> {
    let room = limits::BUTTONS_PER_ROW - usize::from(last.is_some());
    let mut buttons: Vec<CreateButton> = facts
        .iter()
        .filter_map(|fact| {
            let id = Action::Ask {
                fact_id: fact.id.clone(),
            }
            .custom_id()?;
            Some(
                CreateButton::new(id)
                    .label(cut(&fact.question, limits::BUTTON_LABEL).into_owned())
                    .style(style),
            )
        })
        .take(room)
        .collect();
    buttons.extend(last);
    (!buttons.is_empty()).then_some(CreateActionRow::Buttons(buttons))
}

/// `/topics`: every topic with its questions.
pub fn topics(kb: &KnowledgeBase) -> Reply {
    let fields = kb
        .topics()
        .into_iter()
        .map(|(topic, facts)| {
            let value = facts
                .iter()
                .map(|f| format!("• {}", f.question))
                .collect::<Vec<_>>()
                .join("\n");
            (format!("{topic} ({})", facts.len()), value)
        })
        .collect();
    let embed = EmbedParts {
        title: Some("What I can answer".into()),
        description: Some("Ask any of these in your own words with `/ask`, or mention me.".into()),
        fields,
        colour: GREY,
        ..Default::default()
    }
    .build();
    Reply::embed(embed)
}

/// `/sources`: every source with its link, or the sources of one fact.
pub fn sources(kb: &KnowledgeBase, fact: Option<&Answer<'_>>) -> Reply {
    if let Some(answer) = fact {
        if let Some(fact) = answer.fact() {
            let citations = answer.citations();
            let embed = EmbedParts {
                title: Some(format!("Sources for: {}", fact.question)),
                fields: source_fields(&citations),
                footer: Some(format!("fact {}", fact.id)),
                colour: GREY,
                ..Default::default()
            }
            .build();
            return Reply {
                embed: Some(embed),
                components: link_row(&citations).into_iter().collect(),
                ..Default::default()
            };
        }
    }
    let mut description = String::new();
    for source in kb.sources() {
        let cited = kb.facts_citing(&source.id).count();
        let label = match &source.title {
            Some(title) => format!("{} — {}", source.outlet, title),
            None => source.outlet.clone(),
        };
        let label = label.replace(['[', ']'], "");
        let _ = write!(description, "• [{}]({})", cut(&label, 150), source.url);
        if let Some(date) = &source.date {
            let _ = write!(description, ", {date}");
        }
        let _ = writeln!(description, " · {cited} fact(s)");
    }
    let embed = EmbedParts {
        title: Some(format!("My sources ({})", kb.sources().len())),
        description: Some(description),
        footer: Some("Use /sources fact:<question> for the sources of one answer.".into()),
        colour: GREY,
        ..Default::default()
    }
    .build();
    Reply::embed(embed)
}

/// `/about`: what the fact base holds and when it last changed (Unix seconds).
pub fn about(kb: &KnowledgeBase, changed: Option<u64>) -> Reply {
    let mut fields = vec![
        ("Facts".to_string(), kb.facts().len().to_string()),
        ("Sources".to_string(), kb.sources().len().to_string()),
        ("Topics".to_string(), kb.topics().len().to_string()),
    ];
    if let Some(changed) = changed {
        fields.push((
            "Knowledge last changed".into(),
            format!("<t:{changed}:f> (<t:{changed}:R>)"),
        ));
    }
    let embed = EmbedParts {
        title: Some("About talks-bot".into()),
        description: Some(format!(
            "{HELP_TEXT}\n\nEvery answer comes from a curated fact base and cites its sources; \
             when I am not sure, I say so."
        )),
        fields,
        footer: Some(format!("talks-bot {}", env!("CARGO_PKG_VERSION"))),
        colour: GREY,
        ..Default::default()
    }
    .build();
    Reply::embed(embed)
}

/// `/help`.
pub fn help() -> Reply {
    Reply::text(&format!("{HELP_TEXT}\n\n{DISCORD_HINTS}"))
}

/// Autocomplete choices for questions: name and value are the question text, cut to fit.
pub fn choices<'a>(
    texts: impl IntoIterator<Item = &'a str>,
) -> serenity::CreateAutocompleteResponse {
    let choices = texts
        .into_iter()
        .take(limits::CHOICES)
        .map(|text| {
            let name = cut(text, limits::CHOICE_NAME).into_owned();
            let value = cut(text, limits::CHOICE_VALUE).into_owned();
            serenity::AutocompleteChoice::new(name, value)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The limit oracle of the tests (tests/support/discord_limits.rs), with its own table of
/// Discord's limits, so that a wrong constant above is caught rather than shared.
#[cfg(test)]
#[path = "../../../tests/support/discord_limits.rs"]
mod discord_limits;

#[cfg(test)]
mod tests {
    use super::discord_limits::limit_violations;
    use super::*;
    use crate::engine::{Engine, MatchSettings};
    use crate::knowledge::{Citation, Source};
    use serde_json::Value;

    fn assert_within_limits(body: &Value) {
        let problems = limit_violations(body);
        assert!(problems.is_empty(), "{problems:?}");
    }

    fn long_words(n: usize) -> String {
        let mut text = String::new();
        while text.chars().count() < n {
            text.push_str("Lavrov @everyone <@123> spoke at length about unity ");
        }
        text.chars().take(n).collect()
    }

    /// A fact at every length limit of the core, with many long sources.
    fn huge_engine() -> Engine {
        let sources: Vec<Source> = (0..30)
            .map(|i| Source {
                id: format!("s{i}"),
                outlet: long_words(300),
                title: Some(long_words(400)),
                date: Some("2024-02-29".into()),
                url: format!("https://example.org/{i}"),
                text: None,
                description: None,
                body: None,
            })
            .collect();
        let fact = |id: &str, related: Vec<String>| Fact {
            id: id.into(),
            topic: "t".into(),
            question: long_words(crate::knowledge::MAX_QUESTION_CHARS),
            alternates: vec![],
            keywords: vec![],
            answer: long_words(crate::knowledge::MAX_ANSWER_CHARS),
            as_of: Some("2024-03-01".into()),
            related,
            sources: (0..30)
                .map(|i| Citation {
                    source: format!("s{i}"),
                    quote: Some(long_words(900)),
                    note: Some(long_words(300)),
                })
                .collect(),
            events: Vec::new(),
        };
        let facts = vec![
            fact("big", vec!["big-2".into(), "big-3".into(), "big-4".into()]),
            fact("big-2", vec![]),
            fact("big-3", vec![]),
            fact("big-4", vec![]),
        ];
        Engine::new(
            KnowledgeBase::from_parts("k", facts, sources, vec![]),
            MatchSettings::default(),
        )
    }

    fn body(reply: &Reply) -> Value {
        let dummy: serenity::Message = serde_json::from_value(serde_json::json!({
            "id": "1", "channel_id": "2", "author": {"id": "3", "username": "u", "discriminator": "0",
            "global_name": null, "avatar": null}, "content": "", "timestamp": "2024-02-29T00:00:00Z",
            "edited_timestamp": null, "tts": false, "mention_everyone": false, "mentions": [],
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false, "type": 0
        }))
        .unwrap();
        serde_json::to_value(reply.to_message(&dummy)).unwrap()
    }

    #[test]
    fn an_answer_at_every_length_limit_fits_discord() {
        let engine = huge_engine();
        let mut answer = engine.answer_fact("big").unwrap();
        answer.question = long_words(1000);
        answer.truncated = true;
        let body = body(&super::answer(&answer));
        assert_within_limits(&body);
        let embed = &body["embeds"][0];
        assert!(embed["description"]
            .as_str()
            .unwrap()
            .contains("spoke at length"));
        assert!(embed["author"]["name"].as_str().unwrap().ends_with('…'));
        assert!(embed["footer"]["text"]
            .as_str()
            .unwrap()
            .contains("fact big"));
        assert_eq!(body["allowed_mentions"]["parse"], serde_json::json!([]));
        assert_eq!(body["allowed_mentions"]["replied_user"], false);
        // Links, votes, three follow-ups.
        assert_eq!(body["components"].as_array().unwrap().len(), 3);
    }

    #[test]
    fn lists_fit_discord() {
        let engine = huge_engine();
        let kb = engine.knowledge();
        assert_within_limits(&body(&topics(kb)));
        assert_within_limits(&body(&sources(kb, None)));
        assert_within_limits(&body(&sources(
            kb,
            Some(&engine.answer_fact("big").unwrap()),
        )));
        assert_within_limits(&body(&about(kb, Some(1_709_164_800))));
        assert_within_limits(&body(&help()));
    }

    #[test]
    fn violations_are_reported() {
        let body = serde_json::json!({"content": "x".repeat(2001), "embeds": [{"title": "t".repeat(300)}]});
        assert_eq!(
            limit_violations(&body).len(),
            2,
            "{:?}",
            limit_violations(&body)
        );
    }

    #[test]
    fn choices_are_at_most_25_and_cut() {
        let long = "q ".repeat(200);
        let texts: Vec<&str> = (0..40).map(|_| long.as_str()).collect();
        let value = serde_json::to_value(choices(texts)).unwrap();
        let list = value["choices"].as_array().unwrap();
        assert_eq!(list.len(), 25);
        assert!(list
            .iter()
            .all(|c| c["name"].as_str().unwrap().chars().count() <= 100));
        assert!(list
            .iter()
            .all(|c| c["value"].as_str().unwrap().chars().count() <= 100));
    }
}
