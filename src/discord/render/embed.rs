//! One embed, cut to Discord's limits: each part to its own, then fields dropped from the end
//! (saying how many in the footer) until the whole is within 6,000 characters. Each part is
//! laid out in the reply's direction after it is cut (see `bidi`).

use std::fmt::Write as _;

use poise::serenity_prelude::{CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter};

use super::bidi::Direction;
use super::limits;
use super::reply::fit;
use crate::messages::{fill, messages};
use crate::text::Lang;

pub const GREEN: u32 = 0x2e_8b_57;
pub const AMBER: u32 = 0xd9_a4_41;
pub const GREY: u32 = 0x70_80_90;

/// Room kept in the footer for the note on dropped fields.
const FOOTER_NOTE: usize = 60;

/// The parts of one embed in one language, cut to Discord's limits by [`EmbedParts::build`].
#[derive(Debug, Clone)]
pub struct EmbedParts {
    pub lang: Lang,
    pub author: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// (name, value), both written in the embed's language.
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
    pub colour: u32,
}

impl EmbedParts {
    /// An empty embed in `lang`.
    pub fn new(lang: Lang, colour: u32) -> EmbedParts {
        EmbedParts {
            lang,
            author: None,
            title: None,
            description: None,
            fields: Vec::new(),
            footer: None,
            colour,
        }
    }

    pub fn build(self) -> CreateEmbed {
        let direction = Direction::of(self.lang);
        let fit = |text: Option<String>, max: usize| {
            text.map(|t| fit(&t, max, direction))
                .filter(|t| !t.is_empty())
        };
        let author = fit(self.author, limits::AUTHOR);
        let title = fit(self.title, limits::TITLE);
        let description = fit(self.description, limits::DESCRIPTION);
        let mut fields: Vec<(String, String)> = self
            .fields
            .into_iter()
            .filter(|(name, value)| !name.trim().is_empty() && !value.trim().is_empty())
            .map(|(name, value)| {
                (
                    super::reply::fit(&name, limits::FIELD_NAME, direction),
                    super::reply::fit(&value, limits::FIELD_VALUE, direction),
                )
            })
            .collect();
        let mut dropped = fields.len().saturating_sub(limits::FIELDS);
        fields.truncate(limits::FIELDS);
        let footer_base = self.footer.unwrap_or_default();
        let footer_base = crate::text::cut(footer_base.trim(), limits::FOOTER - FOOTER_NOTE);
        let footer_room = footer_base.chars().count() + FOOTER_NOTE;
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
        let mut footer = footer_base.into_owned();
        if dropped > 0 {
            if !footer.is_empty() {
                footer.push_str(" · ");
            }
            let note = fill(
                &messages(self.lang).discord.not_shown,
                &[("n", &dropped.to_string())],
            );
            let _ = write!(footer, "{}", direction.text(&note));
        }
        let footer = fit(Some(footer), limits::FOOTER);

        let mut embed = CreateEmbed::new().colour(self.colour);
        if let Some(author) = author {
            embed = embed.author(CreateEmbedAuthor::new(author));
        }
        if let Some(title) = title {
            embed = embed.title(title);
        }
        if let Some(description) = description {
            embed = embed.description(description);
        }
        embed = embed.fields(fields.into_iter().map(|(name, value)| (name, value, false)));
        if let Some(footer) = footer {
            embed = embed.footer(CreateEmbedFooter::new(footer));
        }
        embed
    }
}
