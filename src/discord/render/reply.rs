//! A reply ready to send as a message, a command reply or an interaction response (with its
//! attached files), and the allowed mentions every message carries (nobody is pinged).

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton,
    CreateEmbed, CreateInteractionResponseMessage, CreateMessage,
};

use super::bidi::Direction;
use super::{limits, Action, Voice};
use crate::text::{cut, Lang};

/// A reply: text, an embed, rows of buttons, files.
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
    /// A plain text reply in a left-to-right language (English for the moderators' texts),
    /// cut to fit.
    pub fn text(text: &str) -> Reply {
        Reply::text_in(text, Direction::Ltr)
    }

    /// A plain text reply written in `direction`, laid out for Discord and cut to fit.
    pub fn text_in(text: &str, direction: Direction) -> Reply {
        Reply {
            content: Some(fit(text, limits::CONTENT, direction)),
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

    /// With a "Delete" button (labelled in `lang`) for `asker` (see [`Action::Delete`]), in
    /// the last row of buttons with room, else in a row of its own (if Discord allows one
    /// more).
    pub fn deletable_by(mut self, asker: u64, lang: Lang) -> Reply {
        let Some(id) = (Action::Delete { asker, lang }).custom_id() else {
            return self;
        };
        let voice = Voice::of(lang);
        let button = CreateButton::new(id)
            .label(voice.label(&voice.m.discord.delete))
            .style(ButtonStyle::Secondary);
        let rows = self.components.len();
        let room = self.components.iter_mut().rev().find_map(|row| match row {
            CreateActionRow::Buttons(buttons) if buttons.len() < limits::BUTTONS_PER_ROW => {
                Some(buttons)
            }
            _ => None,
        });
        match room {
            Some(buttons) => buttons.push(button),
            None if rows < limits::ROWS => {
                self.components.push(CreateActionRow::Buttons(vec![button]))
            }
            None => {}
        }
        self
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

/// Text written in `direction`, cut to `max` characters with room for the direction controls,
/// then laid out (so a cut never drops the end of an isolate the layout adds).
pub fn fit(text: &str, max: usize, direction: Direction) -> String {
    let text = text.trim();
    let room = max.saturating_sub(direction.overhead(text));
    direction.lines(&cut(text, room))
}
