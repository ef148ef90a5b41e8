//! The reply to a question, whatever the outcome, in the answer's language: an answer embed
//! with its sources, votes and follow-ups; "did you mean" with its suggestions; or a short
//! text (a decline, help, an empty question, a language the bot does not read); or the
//! timeline asked for.

use std::fmt::Write as _;

use poise::serenity_prelude as serenity;
use serenity::{ButtonStyle, CreateActionRow, CreateButton};

use super::bidi::{self, Direction};
use super::embed::{EmbedParts, AMBER, GREEN};
use super::sources::{link_row, source_fields};
use super::{limits, Action, Reply, Voice};
use crate::answer::{Answer, Outcome};
use crate::knowledge::Fact;
use crate::messages::{fill, messages};
use crate::text::{Lang, MAX_INPUT_CHARS};

/// The reply to a question, whatever the outcome.
pub fn answer(answer: &Answer<'_>) -> Reply {
    let voice = Voice::of(answer.language);
    let m = voice.m;
    let mut reply = match answer.outcome {
        Outcome::Answered(fact) => answered(answer, fact, voice),
        Outcome::Unsure => unsure(answer, voice),
        Outcome::Declined => voice.reply(&format!("{} {}", m.decline, m.discord.decline_hint)),
        Outcome::Help => voice.reply(&help_text(voice)),
        Outcome::Empty => voice.reply(&m.empty),
        Outcome::Unsupported(_) => voice.reply(&answer.message().unwrap_or_default()),
        Outcome::Timeline(_) => super::timeline(
            &answer.timeline(),
            &voice.dir.text(&answer.message().unwrap_or_default()),
            None,
            voice,
        ),
    };
    if answer.truncated {
        let notice = m.truncated(MAX_INPUT_CHARS);
        let content = match reply.content.take() {
            Some(content) => format!("{notice}\n\n{}", bidi::strip(&content)),
            None => notice,
        };
        reply.content = voice.reply(&content).content;
    }
    reply
}

/// What the bot says to a greeting or `/help`, with the commands and what each does.
pub fn help_text(voice: Voice) -> String {
    let m = voice.m;
    let c = &m.discord.commands;
    let mut text = format!("{}\n\n{}", m.help, m.discord.hints);
    for (name, what) in [
        ("ask", &c.ask),
        ("topics", &c.topics),
        ("sources", &c.sources),
        ("about", &c.about),
        ("help", &c.help),
        ("timeline", &c.timeline),
    ] {
        let _ = write!(text, "\n`/{name}` — {what}");
    }
    text
}

/// The embed author line: what the member asked.
fn asked(answer: &Answer<'_>, voice: Voice) -> Option<String> {
    if answer.question.is_empty() {
        return None;
    }
    let question = voice.dir.text(&answer.question);
    Some(fill(&voice.m.discord.asked, &[("question", &question)]))
}

/// Reads back the question an answer embed was for (feedback buttons need it), whatever
/// language the embed is in.
pub fn asked_question(message: &serenity::Message) -> Option<String> {
    let shown = bidi::strip(&message.embeds.first()?.author.as_ref()?.name);
    Lang::all().find_map(|lang| {
        let template = &messages(lang).discord.asked;
        let (before, after) = template.split_once("{question}")?;
        let question = shown.strip_prefix(before)?.strip_suffix(after)?;
        Some(question.to_string())
    })
}

fn answered(answer: &Answer<'_>, fact: &Fact, voice: Voice) -> Reply {
    let (m, dir) = (voice.m, voice.dir);
    let groups = answer.sources();
    let text = answer.text();
    let mut description = String::new();
    if let Some(note) = text.as_ref().and_then(|t| t.note(answer.language)) {
        let _ = write!(description, "*{}*\n\n", dir.text(note));
    }
    if let Some(text) = &text {
        // A stale or missing translation shows the English text: laid out left to right.
        let text_dir = match text.state {
            crate::answer::TextState::Fresh => dir,
            _ => Direction::Ltr,
        };
        if text_dir == dir {
            description.push_str(&dir.text(text.text.trim()));
        } else {
            description.push_str(&dir.piece(text.text.trim()));
        }
    }
    let mut footer = format!("{} {}", dir.text(&m.fact), dir.piece(&fact.id));
    if let Some(as_of) = &fact.as_of {
        let _ = write!(footer, " · {} {}", dir.text(&m.as_of), dir.piece(as_of));
    }
    let embed = EmbedParts {
        author: asked(answer, voice),
        title: Some(dir.text(answer.question_of(fact))),
        description: Some(description),
        fields: source_fields(&groups, voice),
        footer: Some(footer),
        ..EmbedParts::new(answer.language, GREEN)
    }
    .build();
    let mut components = Vec::new();
    components.extend(link_row(&groups));
    let votes: Vec<CreateButton> = [
        (true, &m.discord.helpful, ButtonStyle::Success),
        (false, &m.discord.not_helpful, ButtonStyle::Danger),
    ]
    .into_iter()
    .filter_map(|(helpful, label, style)| {
        let id = Action::Vote {
            helpful,
            fact_id: fact.id.clone(),
            lang: answer.language,
        }
        .custom_id()?;
        Some(CreateButton::new(id).label(voice.label(label)).style(style))
    })
    .collect();
    let mut votes = votes;
    if !fact.events.is_empty() {
        let on_the_timeline = Action::Timeline {
            fact_id: fact.id.clone(),
            lang: answer.language,
        };
        if let Some(id) = on_the_timeline.custom_id() {
            votes.push(
                CreateButton::new(id)
                    .label(voice.label(&m.discord.on_the_timeline))
                    .style(ButtonStyle::Secondary),
            );
        }
    }
    if !votes.is_empty() {
        components.push(CreateActionRow::Buttons(votes));
    }
    components.extend(fact_buttons(
        answer,
        &answer.related,
        ButtonStyle::Secondary,
        None,
    ));
    Reply {
        content: None,
        embed: Some(embed),
        components,
        files: Vec::new(),
    }
}

fn unsure(answer: &Answer<'_>, voice: Voice) -> Reply {
    let (m, dir) = (voice.m, voice.dir);
    let mut description = dir.text(&m.unsure);
    for (i, fact) in answer.suggestions.iter().enumerate() {
        let _ = write!(
            description,
            "\n{}. {}",
            i + 1,
            dir.text(answer.question_of(fact))
        );
    }
    let embed = EmbedParts {
        author: asked(answer, voice),
        title: Some(dir.text(&m.discord.did_you_mean)),
        description: Some(description),
        footer: Some(dir.text(&m.discord.press_a_question)),
        ..EmbedParts::new(answer.language, AMBER)
    }
    .build();
    let none = Action::NoneOfThese {
        lang: answer.language,
    };
    let none = CreateButton::new(none.custom_id().unwrap_or_default())
        .label(voice.label(&m.discord.none_of_these))
        .style(ButtonStyle::Secondary);
    let components = fact_buttons(
        answer,
        &answer.suggestions,
        ButtonStyle::Primary,
        Some(none),
    )
    .into_iter()
    .collect();
    Reply {
        content: None,
        embed: Some(embed),
        components,
        files: Vec::new(),
    }
}

/// One row of buttons that answer with a fact in the answer's language, plus an optional
/// last button.
fn fact_buttons(
    answer: &Answer<'_>,
    facts: &[&Fact],
    style: ButtonStyle,
    last: Option<CreateButton>,
) -> Option<CreateActionRow> {
    let voice = Voice::of(answer.language);
    let room = limits::BUTTONS_PER_ROW - usize::from(last.is_some());
    let mut buttons: Vec<CreateButton> = facts
        .iter()
        .filter_map(|fact| {
            let id = Action::Ask {
                fact_id: fact.id.clone(),
                lang: answer.language,
            }
            .custom_id()?;
            let label = voice.label(&voice.dir.text(answer.question_of(fact)));
            Some(CreateButton::new(id).label(label).style(style))
        })
        .take(room)
        .collect();
    buttons.extend(last);
    (!buttons.is_empty()).then_some(CreateActionRow::Buttons(buttons))
}

impl Voice {
    /// A button label in this voice, cut to fit and laid out.
    pub fn label(&self, text: &str) -> String {
        super::reply::fit(text, limits::BUTTON_LABEL, self.dir)
    }
}
