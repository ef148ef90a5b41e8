//! Paged views for moderators: `/fact list`, `/fact history` and the review queue show a page
//! at a time with Previous / Next buttons, instead of cutting at "N more lines". A view is
//! built the same way for the command and for a press of its buttons, which carry the view and
//! the page in their custom id ([`View`]).

use poise::serenity_prelude as serenity;
use serenity::{
    ButtonStyle, CreateActionRow, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateInteractionResponseMessage, EditInteractionResponse,
};

use super::super::render::{limits, no_pings};
use super::form::{ModId, View};
use crate::engine::Engine;
use crate::store::Entry;
use crate::text::cut;

/// The most characters of lines one page's description holds.
pub const PAGE_CHARS: usize = limits::DESCRIPTION - 200;

/// A view ready to send: one embed and its rows of components.
#[derive(Debug, Clone, Default)]
pub struct Paged {
    pub content: Option<String>,
    pub embed: Option<CreateEmbed>,
    pub components: Vec<CreateActionRow>,
}

impl Paged {
    /// With a line of text above the embed (what a button just did).
    pub fn with_content(mut self, content: impl Into<String>) -> Paged {
        self.content = Some(cut(&content.into(), limits::CONTENT).into_owned());
        self
    }

    /// As the private answer to a command.
    pub fn reply(self) -> poise::CreateReply {
        let mut reply = poise::CreateReply::default()
            .ephemeral(true)
            .allowed_mentions(no_pings())
            .components(self.components);
        if let Some(content) = self.content {
            reply = reply.content(content);
        }
        if let Some(embed) = self.embed {
            reply = reply.embed(embed);
        }
        reply
    }

    /// As the new state of the message a button is on.
    pub fn update(self) -> CreateInteractionResponseMessage {
        let mut message = CreateInteractionResponseMessage::new()
            .allowed_mentions(no_pings())
            .components(self.components)
            .content(self.content.unwrap_or_default());
        message = match self.embed {
            Some(embed) => message.embed(embed),
            None => message.embeds(Vec::new()),
        };
        message
    }

    /// As the edit of a deferred button press.
    pub fn edit(self) -> EditInteractionResponse {
        let mut edit = EditInteractionResponse::new()
            .allowed_mentions(no_pings())
            .components(self.components)
            .content(self.content.unwrap_or_default());
        edit = match self.embed {
            Some(embed) => edit.embed(embed),
            None => edit.embeds(Vec::new()),
        };
        edit
    }
}

/// Whole lines in pages of at most `max` characters each (a longer line is cut to fit).
pub fn paginate(lines: &[String], max: usize) -> Vec<String> {
    let mut pages = vec![String::new()];
    for line in lines {
        let line = cut(line, max);
        let page = pages.last_mut().expect("one page at least");
        let needed = line.chars().count() + usize::from(!page.is_empty());
        if !page.is_empty() && page.chars().count() + needed > max {
            pages.push(line.into_owned());
        } else {
            if !page.is_empty() {
                page.push('\n');
            }
            page.push_str(&line);
        }
    }
    pages
}

/// Previous / Next for page `page` of `pages`; none when everything fits on one page.
pub fn nav(view: &View, page: usize, pages: usize) -> Option<CreateActionRow> {
    if pages <= 1 {
        return None;
    }
    let button = |to: usize, label: &str, disabled: bool| {
        ModId::Page {
            view: view.clone(),
            page: to,
        }
        .custom_id()
        .map(|id| {
            CreateButton::new(id)
                .label(label)
                .style(ButtonStyle::Secondary)
                .disabled(disabled)
        })
    };
    let previous = button(page.saturating_sub(1), "◀ Previous", page == 0)?;
    let next = button((page + 1).min(pages - 1), "Next ▶", page + 1 >= pages)?;
    Some(CreateActionRow::Buttons(vec![previous, next]))
}

/// The key of a topic in a custom id: a hash of its name, lower case.
pub fn topic_key(topic: &str) -> String {
    crate::store::Version::of(topic.to_lowercase().as_bytes()).to_string()
}

/// `/fact list [topic]`, page `page`; the error (for the member) when nothing is listed.
pub fn list(engine: &Engine, topic: Option<&str>, page: usize) -> Result<Paged, String> {
    let topics = engine.knowledge().topics();
    let mut lines = Vec::new();
    let mut count = 0;
    for (name, facts) in &topics {
        if topic.is_some_and(|w| !w.eq_ignore_ascii_case(name)) {
            continue;
        }
        lines.push(format!("**{}**", cut(name, 100)));
        for fact in facts {
            count += 1;
            lines.push(format!("`{}` {}", fact.id, cut(&fact.question, 120)));
        }
    }
    if count == 0 {
        return Err(match topic {
            Some(w) => format!("No facts have the topic “{}”.", cut(w, 100)),
            None => "The fact base has no facts.".to_string(),
        });
    }
    let view = View::List {
        topic: topic.map(topic_key),
    };
    Ok(paged(&view, format!("{count} facts"), &lines, page))
}

/// The topic a list view's key names, if it is still a topic.
pub fn topic_named(engine: &Engine, key: &str) -> Option<String> {
    engine
        .knowledge()
        .topics()
        .keys()
        .find(|t| topic_key(t) == key)
        .map(|t| t.to_string())
}

/// `/fact history id`, newest first, page `page`.
pub fn history(id: &str, entries: &[Entry], page: usize) -> Paged {
    if entries.is_empty() {
        return Paged::default().with_content(format!(
            "No journaled changes to `{id}`. (Edits made to the files directly are not journaled.)"
        ));
    }
    let lines: Vec<String> = entries
        .iter()
        .rev()
        .map(|e| cut(&e.summary(), 300).into_owned())
        .collect();
    let view = View::History { id: id.to_string() };
    paged(
        &view,
        format!("Changes to `{id}`, newest first"),
        &lines,
        page,
    )
}

/// `lines` as page `page` (clamped) of a view titled `title`.
fn paged(view: &View, title: String, lines: &[String], page: usize) -> Paged {
    let pages = paginate(lines, PAGE_CHARS);
    let page = page.min(pages.len() - 1);
    let mut embed = CreateEmbed::new()
        .title(cut(&title, limits::TITLE))
        .description(pages[page].clone());
    if pages.len() > 1 {
        embed = embed.footer(CreateEmbedFooter::new(format!(
            "Page {} of {}",
            page + 1,
            pages.len()
        )));
    }
    Paged {
        content: None,
        embed: Some(embed),
        components: nav(view, page, pages.len()).into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_paged_whole() {
        let lines: Vec<String> = (0..10).map(|i| format!("line {i}")).collect();
        let pages = paginate(&lines, 20);
        assert_eq!(pages[0], "line 0\nline 1\nline 2");
        assert_eq!(pages.len(), 4);
        assert_eq!(pages.join("\n"), lines.join("\n"), "nothing is lost");
        assert_eq!(paginate(&lines[..1], 20), ["line 0"]);
        assert!(paginate(&["x".repeat(50)], 20)[0].chars().count() <= 20);
    }

    #[test]
    fn one_page_has_no_buttons_and_the_ends_are_disabled() {
        assert!(nav(&View::Queue, 0, 1).is_none());
        assert!(nav(&View::Queue, 0, 3).is_some());
    }
}
