//! The replies that list what the bot knows, in the member's language: `/topics`, `/sources`
//! (every source, or one answer's), `/about`, `/help`, and autocomplete choices.

use std::fmt::Write as _;

use poise::serenity_prelude as serenity;

use super::answer::help_text;
use super::embed::{EmbedParts, GREY};
use super::sources::{link_row, source_fields};
use super::{limits, Reply, Voice};
use crate::answer::{question_in, Answer};
use crate::knowledge::KnowledgeBase;
use crate::messages::fill;
use crate::text::{cut, Lang};

/// `/topics`: every topic with its questions (in `lang` where the fact has a translation).
pub fn topics(kb: &KnowledgeBase, lang: Lang) -> Reply {
    let voice = Voice::of(lang);
    let dir = voice.dir;
    let fields = kb
        .topics()
        .into_iter()
        .map(|(topic, facts)| {
            let value = facts
                .iter()
                .map(|f| format!("• {}", dir.text(question_in(kb, f, lang))))
                .collect::<Vec<_>>()
                .join("\n");
            (format!("{} ({})", dir.piece(topic), facts.len()), value)
        })
        .collect();
    let d = &voice.m.discord;
    let embed = EmbedParts {
        title: Some(dir.text(&d.topics_title)),
        description: Some(dir.text(&d.topics_intro)),
        fields,
        ..EmbedParts::new(lang, GREY)
    }
    .build();
    Reply::embed(embed)
}

/// `/sources fact:`: the sources of one answer, in the answer's language.
pub fn answer_sources(answer: &Answer<'_>) -> Option<Reply> {
    let fact = answer.fact()?;
    let voice = Voice::of(answer.language);
    let dir = voice.dir;
    let groups = answer.sources();
    let question = dir.text(answer.question_of(fact));
    let embed = EmbedParts {
        title: Some(fill(
            &voice.m.discord.sources_for,
            &[("question", &question)],
        )),
        fields: source_fields(&groups, voice),
        footer: Some(format!(
            "{} {}",
            dir.text(&voice.m.fact),
            dir.piece(&fact.id)
        )),
        ..EmbedParts::new(answer.language, GREY)
    }
    .build();
    Some(Reply {
        embed: Some(embed),
        components: link_row(&groups).into_iter().collect(),
        ..Default::default()
    })
}

/// `/sources`: every source with its link and how many facts cite it.
pub fn sources(kb: &KnowledgeBase, lang: Lang) -> Reply {
    let voice = Voice::of(lang);
    let (d, dir) = (&voice.m.discord, voice.dir);
    let mut description = String::new();
    for source in kb.sources() {
        let cited = kb.facts_citing(&source.id).count().to_string();
        let label = match &source.title {
            Some(title) => format!("{} — {}", source.outlet, title),
            None => source.outlet.clone(),
        };
        let label = label.replace(['[', ']'], "");
        let _ = write!(
            description,
            "• [{}]({})",
            dir.piece(&cut(&label, 150)),
            source.url
        );
        if let Some(date) = &source.date {
            let _ = write!(description, ", {}", dir.piece(date));
        }
        let cited = fill(&d.cited_by, &[("n", &cited)]);
        let _ = writeln!(description, " · {}", dir.text(&cited));
    }
    let title = fill(&d.sources_title, &[("n", &kb.sources().len().to_string())]);
    let embed = EmbedParts {
        title: Some(dir.text(&title)),
        description: Some(description),
        footer: Some(dir.text(&d.sources_footer)),
        ..EmbedParts::new(lang, GREY)
    }
    .build();
    Reply::embed(embed)
}

/// `/about`: what the fact base holds, the languages the bot reads, and when the knowledge
/// last changed (Unix seconds).
pub fn about(kb: &KnowledgeBase, changed: Option<u64>, lang: Lang) -> Reply {
    let voice = Voice::of(lang);
    let (m, dir) = (voice.m, voice.dir);
    let d = &m.discord;
    let languages = Lang::all()
        .map(|l| dir.piece(l.native_name()))
        .collect::<Vec<_>>()
        .join(", ");
    let mut fields = vec![
        (dir.text(&d.facts), kb.facts().len().to_string()),
        (dir.text(&m.sources), kb.sources().len().to_string()),
        (dir.text(&d.topics), kb.topics().len().to_string()),
        (dir.text(&d.languages), languages),
    ];
    if let Some(changed) = changed {
        fields.push((
            dir.text(&d.changed),
            dir.piece(&format!("<t:{changed}:f> (<t:{changed}:R>)")),
        ));
    }
    let embed = EmbedParts {
        title: Some(dir.text(&d.about_title)),
        description: Some(dir.text(&format!("{}\n\n{}", m.help, d.about_intro))),
        fields,
        footer: Some(dir.text(&format!("talks-bot {}", env!("CARGO_PKG_VERSION")))),
        ..EmbedParts::new(lang, GREY)
    }
    .build();
    Reply::embed(embed)
}

/// `/help`.
pub fn help(lang: Lang) -> Reply {
    let voice = Voice::of(lang);
    voice.reply(&help_text(voice))
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
