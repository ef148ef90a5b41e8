//! The tests' own table of Discord's limits (from Discord's API documentation, not from the
//! renderer's constants, so that a wrong constant there is caught) and a checker for message,
//! interaction and autocomplete bodies as JSON. Used by the integration tests and, through
//! `#[path]`, by the renderer's unit tests.
#![allow(dead_code)]

/// Discord's limits, as its API documentation gives them.
mod discord {
    /// Message content.
    pub const CONTENT: usize = 2000;
    pub const TITLE: usize = 256;
    pub const DESCRIPTION: usize = 4096;
    pub const FIELDS: usize = 25;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FOOTER: usize = 2048;
    pub const AUTHOR: usize = 256;
    /// All embeds of a message together.
    pub const EMBED_TOTAL: usize = 6000;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const ROWS: usize = 5;
    /// Autocomplete choices, and each choice's name and (string) value.
    pub const CHOICES: usize = 25;
    pub const CHOICE_NAME: usize = 100;
    pub const CHOICE_VALUE: usize = 100;
}

/// Every Discord limit a message body (as JSON) breaks; empty when it fits.
pub fn limit_violations(body: &serde_json::Value) -> Vec<String> {
    use serde_json::Value;
    use std::ops::RangeInclusive;
    let chars = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let list = |v: &Value| v.as_array().cloned().unwrap_or_default();
    // (what, how long, allowed)
    let mut checks: Vec<(String, usize, RangeInclusive<usize>)> = Vec::new();
    checks.push((
        "content".into(),
        chars(&body["content"]),
        0..=discord::CONTENT,
    ));
    let mut total = 0;
    for (e, embed) in list(&body["embeds"]).iter().enumerate() {
        let fields = list(&embed["fields"]);
        checks.push((
            format!("embed {e} field count"),
            fields.len(),
            0..=discord::FIELDS,
        ));
        let mut texts = vec![
            (
                format!("embed {e} title"),
                &embed["title"],
                0..=discord::TITLE,
            ),
            (
                format!("embed {e} description"),
                &embed["description"],
                0..=discord::DESCRIPTION,
            ),
            (
                format!("embed {e} author"),
                &embed["author"]["name"],
                0..=discord::AUTHOR,
            ),
            (
                format!("embed {e} footer"),
                &embed["footer"]["text"],
                0..=discord::FOOTER,
            ),
        ];
        for (f, field) in fields.iter().enumerate() {
            texts.push((
                format!("embed {e} field {f} name"),
                &field["name"],
                1..=discord::FIELD_NAME,
            ));
            texts.push((
                format!("embed {e} field {f} value"),
                &field["value"],
                1..=discord::FIELD_VALUE,
            ));
        }
        for (what, text, range) in texts {
            total += chars(text);
            checks.push((what, chars(text), range));
        }
    }
    checks.push(("all embeds".into(), total, 0..=discord::EMBED_TOTAL));
    let rows = list(&body["components"]);
    checks.push(("rows".into(), rows.len(), 0..=discord::ROWS));
    for (r, row) in rows.iter().enumerate() {
        let buttons = list(&row["components"]);
        checks.push((
            format!("row {r} buttons"),
            buttons.len(),
            1..=discord::BUTTONS_PER_ROW,
        ));
        for (b, button) in buttons.iter().enumerate() {
            checks.push((
                format!("row {r} button {b} label"),
                chars(&button["label"]),
                1..=discord::BUTTON_LABEL,
            ));
            if !button["custom_id"].is_null() {
                let id = chars(&button["custom_id"]);
                checks.push((
                    format!("row {r} button {b} custom_id"),
                    id,
                    1..=discord::CUSTOM_ID,
                ));
            }
        }
    }
    if let Some(choices) = body["choices"].as_array() {
        checks.push(("choices".into(), choices.len(), 0..=discord::CHOICES));
        for (c, choice) in choices.iter().enumerate() {
            checks.push((
                format!("choice {c} name"),
                chars(&choice["name"]),
                1..=discord::CHOICE_NAME,
            ));
            checks.push((
                format!("choice {c} value"),
                chars(&choice["value"]),
                1..=discord::CHOICE_VALUE,
            ));
        }
    }
    checks
        .into_iter()
        .filter(|(_, len, range)| !range.contains(len))
        .map(|(what, len, range)| {
            format!("{what} has {len}, not {}..={}", range.start(), range.end())
        })
        .collect()
}
