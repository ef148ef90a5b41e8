//! The picture as SVG: a card with a title, a horizontal time axis with months and years
//! marked, each event a mark on it (a dot for a day, a bar for a span or a month) with its
//! label on a leader above, the meeting in orange, other dates some sources give as dashed
//! purple marks, and one fact's events highlighted on request. [`layout`](super::layout)
//! decides where things go; this file only draws.
//!
//! Made for both of Discord's themes: the card is opaque and light with a border, so it reads
//! the same on a dark or a light chat; text is dark on it and at least 15 px at 1,200 px wide.

use std::fmt::Write as _;

use super::fonts::{self, Run, FAMILY};
use super::layout::{self, Item, Params, Place, Side};
use super::text::{human_date, human_other, human_span};
use super::{Entry, Range};
use crate::knowledge::{EventDate, Precision};

/// The picture's width in pixels.
pub const WIDTH: f32 = 1200.0;

const MARGIN: f32 = 28.0;
const TITLE_SIZE: f32 = 30.0;
const SUBTITLE_SIZE: f32 = 18.0;
const LEGEND_SIZE: f32 = 16.0;
const LABEL_SIZE: f32 = 18.0;
const LINE_HEIGHT: f32 = 22.0;
const LABEL_PAD_TOP: f32 = 3.0;
const LABEL_PAD_BOTTOM: f32 = 4.0;
/// From a leader to its label's text.
const LABEL_INSET: f32 = 8.0;
const LABEL_MAX_TEXT: f32 = 540.0;
const LANE_GAP: f32 = 5.0;
const MONTH_SIZE: f32 = 15.0;
const YEAR_SIZE: f32 = 19.0;
const LANES_TOP: f32 = 128.0;
/// The height of the axis band, between its two lines.
const RULER: f32 = 54.0;

/// The colours: GitHub's light palette, readable on the light card.
mod colour {
    pub const CARD: &str = "#fbfbfc";
    pub const BORDER: &str = "#d0d7de";
    pub const TEXT: &str = "#1f2328";
    pub const MUTED: &str = "#59636e";
    pub const AXIS: &str = "#424a53";
    pub const GRID: &str = "#c4ccd4";
    pub const BAND: &str = "#eef1f4";
    pub const FOCUS_BAND: &str = "#ffd8b5";
    pub const LEADER: &str = "#8c959f";
    pub const EVENT: &str = "#0550ae";
    pub const FOCUS: &str = "#bc4c00";
    pub const FOCUS_FILL: &str = "#fff1e5";
    pub const OTHER: &str = "#8250df";
    pub const HIGHLIGHT: &str = "#0969da";
    pub const HIGHLIGHT_FILL: &str = "#ddf4ff";
}

/// What the picture shows beyond the events.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The title; a default one when `None`.
    pub title: Option<String>,
    /// The range asked for, shown in the subtitle.
    pub range: Range,
    /// The fact whose events are highlighted ("On the timeline").
    pub highlight: Option<String>,
}

/// Escapes text for XML.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// How a word of a label is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Date,
    Other,
    Label,
}

/// The events of one day, drawn as one label.
struct Group<'e, 'a> {
    entries: Vec<&'e Entry<'a>>,
    focus: bool,
    highlight: bool,
    /// Lines of (text, style) runs, and each line's width.
    lines: Vec<(Vec<(String, Style)>, f32)>,
    width: f32,
}

/// The picture as an SVG document.
pub fn svg(entries: &[Entry<'_>], options: &Options) -> String {
    let mut groups: Vec<Group<'_, '_>> = Vec::new();
    for entry in entries {
        match groups.last_mut() {
            Some(g) if g.entries[0].first_day() == entry.first_day() => g.entries.push(entry),
            _ => groups.push(Group {
                entries: vec![entry],
                focus: false,
                highlight: false,
                lines: Vec::new(),
                width: 0.0,
            }),
        }
    }
    for g in &mut groups {
        g.focus = g.entries.iter().any(|e| e.event.focus);
        g.highlight = options
            .highlight
            .as_deref()
            .is_some_and(|id| g.entries.iter().any(|e| e.fact.id == id));
    }
    wrap_labels(&mut groups);

    let mut out = String::new();
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| "The intra-Palestinian talks: a timeline".to_string());
    let subtitle = subtitle(entries, &options.range);
    if groups.is_empty() {
        let height = 230.0;
        header(&mut out, height, &title, &subtitle);
        let _ = write!(
            out,
            r#"<text x="{}" y="170" font-size="22" fill="{}" text-anchor="middle">No dated events in this range.</text>"#,
            WIDTH / 2.0,
            colour::MUTED
        );
        out.push_str("</svg>\n");
        return out;
    }

    let items: Vec<Item> = groups.iter().map(item).collect();
    let first = groups[0].entries[0].first_day();
    let last = entries
        .iter()
        .flat_map(|e| {
            std::iter::once(e.last_day())
                .chain(e.others.iter().map(|o| o.end.unwrap_or(o.date).last_day()))
        })
        .max()
        .unwrap_or(first);
    let domain = (
        month_start(first).day_number(),
        next_month(last).day_number(),
    );
    let params = Params {
        left: MARGIN + 6.0,
        right: WIDTH - MARGIN,
        min_gap: 18.0,
        label_gap: 14.0,
    };
    let layout = layout::layout(&items, domain, params);
    let stack = |side: Side| -> f32 { layout.lanes(side).iter().map(|h| h + LANE_GAP).sum() };
    let ruler_top = (LANES_TOP + stack(Side::Above) + 10.0).round();
    let ruler_bottom = ruler_top + RULER;
    let below_top = ruler_bottom + 16.0;
    let height = (below_top + stack(Side::Below) + 14.0).round();
    // The top of each lane, nearest the axis first.
    let tops = |side: Side| -> Vec<f32> {
        let mut tops = Vec::new();
        let mut edge = match side {
            Side::Above => ruler_top - 14.0,
            Side::Below => below_top,
        };
        for h in layout.lanes(side) {
            match side {
                Side::Above => {
                    tops.push(edge - h);
                    edge -= h + LANE_GAP;
                }
                Side::Below => {
                    tops.push(edge);
                    edge += h + LANE_GAP;
                }
            }
        }
        tops
    };
    let tops = [tops(Side::Above), tops(Side::Below)];
    header(&mut out, height, &title, &subtitle);
    legend(
        &mut out,
        groups.iter().any(|g| g.focus),
        entries.iter().any(|e| !e.others.is_empty()),
        groups.iter().any(|g| g.highlight),
    );
    let focus: Vec<(f32, f32)> = entries
        .iter()
        .filter(|e| e.event.focus)
        .map(|e| {
            let a = layout.scale.x(e.first_day().day_number() as f64);
            let b = layout.scale.x((e.last_day().day_number() + 1) as f64);
            (a, b.max(a + 6.0))
        })
        .collect();
    ruler(&mut out, &layout.scale, ruler_top, &focus);

    // Marks on the axis, then leaders and labels.
    for (g, place) in groups.iter().zip(&layout.placed) {
        let y = match place.side {
            Side::Above => ruler_top,
            Side::Below => ruler_bottom,
        };
        marks(&mut out, g, place, &layout.scale, y);
    }
    for (i, (g, place)) in groups.iter().zip(&layout.placed).enumerate() {
        let x = place.x;
        let side = usize::from(place.side == Side::Below);
        let top = tops[side][place.lane];
        let label_height = g.lines.len() as f32 * LINE_HEIGHT + LABEL_PAD_TOP + LABEL_PAD_BOTTOM;
        let (from, to) = match place.side {
            Side::Above => (ruler_top - 8.0, top),
            Side::Below => (ruler_bottom + 8.0, top + label_height),
        };
        let (stroke, width) = if g.highlight {
            (colour::HIGHLIGHT, 2.5)
        } else if g.focus {
            (colour::FOCUS, 2.0)
        } else {
            (colour::LEADER, 1.5)
        };
        let _ = write!(
            out,
            r#"<g id="event-{i}"><title>{}</title><line id="leader-{i}" x1="{x:.1}" y1="{from:.1}" x2="{x:.1}" y2="{to:.1}" stroke="{stroke}" stroke-width="{width}"/>"#,
            escape(&group_title(g)),
        );
        if g.focus || g.highlight {
            let (fill, border) = if g.highlight {
                (colour::HIGHLIGHT_FILL, colour::HIGHLIGHT)
            } else {
                (colour::FOCUS_FILL, "none")
            };
            let left = match place.side {
                Side::Above => x + 1.5,
                Side::Below => x - g.width,
            };
            let _ = write!(
                out,
                r#"<rect x="{left:.1}" y="{top:.1}" width="{:.1}" height="{label_height:.1}" rx="5" fill="{fill}" stroke="{border}" stroke-width="1.5"/>"#,
                g.width - 1.5,
            );
        }
        for (n, (runs, _)) in g.lines.iter().enumerate() {
            let y = top + LABEL_PAD_TOP + n as f32 * LINE_HEIGHT + LABEL_SIZE * 0.93;
            let (text_x, anchor) = match place.side {
                Side::Above => (x + LABEL_INSET, "start"),
                Side::Below => (x - LABEL_INSET, "end"),
            };
            let _ = write!(
                out,
                r#"<text id="label-{i}-{n}" x="{text_x:.1}" y="{y:.1}" font-size="{LABEL_SIZE}" fill="{}" text-anchor="{anchor}">"#,
                colour::TEXT
            );
            for (text, style) in runs {
                let (weight, fill) = match style {
                    Style::Date if g.focus => ("bold", colour::FOCUS),
                    Style::Date => ("bold", colour::EVENT),
                    Style::Other => ("normal", colour::OTHER),
                    Style::Label if g.focus || g.highlight => ("bold", colour::TEXT),
                    Style::Label => ("normal", colour::TEXT),
                };
                let _ = write!(
                    out,
                    r#"<tspan font-weight="{weight}" fill="{fill}">{}</tspan>"#,
                    escape(text)
                );
            }
            out.push_str("</text>");
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>\n");
    out
}

/// The words of every label measured in one go, then wrapped into lines.
fn wrap_labels(groups: &mut [Group<'_, '_>]) {
    let mut words: Vec<Vec<Vec<(String, Style)>>> = Vec::new();
    for g in groups.iter() {
        let mut per_entry = Vec::new();
        for (k, e) in g.entries.iter().enumerate() {
            let mut tokens: Vec<(String, Style)> = Vec::new();
            let date = human_span(e.date, e.end);
            let earlier = k > 0 && human_span(g.entries[k - 1].date, g.entries[k - 1].end) == date;
            if !earlier {
                tokens.extend(date.split(' ').map(|w| (w.to_string(), Style::Date)));
            }
            for other in &e.others {
                let text = format!("({})", human_other(e, other));
                tokens.extend(text.split(' ').map(|w| (w.to_string(), Style::Other)));
            }
            tokens.extend(
                e.label
                    .split_whitespace()
                    .map(|w| (w.to_string(), Style::Label)),
            );
            per_entry.push(tokens);
        }
        words.push(per_entry);
    }
    let bold = |s: Style, g: &Group<'_, '_>| {
        s == Style::Date || (s == Style::Label && (g.focus || g.highlight))
    };
    let mut runs: Vec<Run<'_>> = vec![
        Run {
            text: "x x",
            size: LABEL_SIZE,
            bold: false,
        },
        Run {
            text: "xx",
            size: LABEL_SIZE,
            bold: false,
        },
        Run {
            text: "x x",
            size: LABEL_SIZE,
            bold: true,
        },
        Run {
            text: "xx",
            size: LABEL_SIZE,
            bold: true,
        },
    ];
    for (g, per_entry) in groups.iter().zip(&words) {
        for tokens in per_entry {
            for (text, style) in tokens {
                runs.push(Run {
                    text,
                    size: LABEL_SIZE,
                    bold: bold(*style, g),
                });
            }
        }
    }
    let widths = fonts::measure(&runs);
    let space = [widths[0] - widths[1], widths[2] - widths[3]];
    let mut at = 4;
    for (g, per_entry) in groups.iter_mut().zip(words) {
        let mut lines: Vec<(Vec<(String, Style)>, f32)> = Vec::new();
        for tokens in per_entry {
            let mut line: Vec<(String, Style)> = Vec::new();
            let mut width = 0.0f32;
            for (text, style) in tokens {
                let w = widths[at];
                at += 1;
                let gap = if line.is_empty() {
                    0.0
                } else {
                    space[usize::from(bold(style, g))]
                };
                if !line.is_empty() && width + gap + w > LABEL_MAX_TEXT {
                    lines.push((std::mem::take(&mut line), width));
                    width = 0.0;
                }
                if !line.is_empty() {
                    width += gap;
                }
                width += w;
                line.push((text, style));
            }
            if !line.is_empty() {
                lines.push((line, width));
            }
        }
        // Words of one style run together, a space between runs.
        for (runs, _) in &mut lines {
            let mut merged: Vec<(String, Style)> = Vec::new();
            for (text, style) in runs.drain(..) {
                match merged.last_mut() {
                    Some((last, s)) if *s == style => {
                        last.push(' ');
                        last.push_str(&text);
                    }
                    Some((last, _)) => {
                        last.push(' ');
                        merged.push((text, style));
                    }
                    None => merged.push((text, style)),
                }
            }
            *runs = merged;
        }
        g.width = LABEL_INSET + lines.iter().map(|l| l.1).fold(0.0, f32::max) + 6.0;
        g.lines = lines;
    }
}

fn item(g: &Group<'_, '_>) -> Item {
    let mut days = Vec::new();
    for e in &g.entries {
        if e.end.is_some() || e.date.precision() != Precision::Day {
            days.push(e.last_day().day_number() + 1);
        }
        for o in &e.others {
            days.push(o.date.first_day().day_number());
            days.push(o.end.unwrap_or(o.date).last_day().day_number() + 1);
        }
    }
    Item {
        day: g.entries[0].first_day().day_number(),
        days,
        width: g.width,
        height: g.lines.len() as f32 * LINE_HEIGHT + LABEL_PAD_TOP + LABEL_PAD_BOTTOM,
    }
}

fn group_title(g: &Group<'_, '_>) -> String {
    g.entries
        .iter()
        .map(|e| {
            let others: String = e
                .others
                .iter()
                .map(|o| format!(" ({})", human_other(e, o)))
                .collect();
            format!(
                "{}{others}: {} [{}]",
                human_span(e.date, e.end),
                e.label,
                e.fact.id
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn subtitle(entries: &[Entry<'_>], range: &Range) -> String {
    let first = range.from.or(entries.first().map(|e| e.date));
    let last = range
        .to
        .or(entries.iter().map(|e| e.end.unwrap_or(e.date)).max());
    let span = match (first, last) {
        (Some(a), Some(b)) if a != b => {
            format!("{} \u{2013} {}", human_date(a, true), human_date(b, true))
        }
        (Some(a), _) => human_date(a, true),
        _ => String::new(),
    };
    let count = match entries.len() {
        1 => "1 event".to_string(),
        n => format!("{n} events"),
    };
    format!("{span} \u{b7} {count}, each from a talks-bot fact with its sources")
        .trim_start_matches(" \u{b7} ")
        .to_string()
}

fn header(out: &mut String, height: f32, title: &str, subtitle: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="{FAMILY}">"#
    );
    let _ = write!(
        out,
        r#"<rect x="1" y="1" width="{}" height="{}" rx="14" fill="{}" stroke="{}" stroke-width="2"/>"#,
        WIDTH - 2.0,
        height - 2.0,
        colour::CARD,
        colour::BORDER
    );
    let _ = write!(
        out,
        r#"<text x="{MARGIN}" y="52" font-size="{TITLE_SIZE}" font-weight="bold" fill="{}">{}</text>"#,
        colour::TEXT,
        escape(title)
    );
    let _ = write!(
        out,
        r#"<text x="{MARGIN}" y="82" font-size="{SUBTITLE_SIZE}" fill="{}">{}</text>"#,
        colour::MUTED,
        escape(subtitle)
    );
}

/// What the marks mean, for those the picture shows: the meeting, other dates, the
/// highlighted event.
fn legend(out: &mut String, focus: bool, others: bool, highlight: bool) {
    let y = 112.0;
    let mut x = MARGIN;
    if focus {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{}" width="26" height="10" rx="3" fill="{}"/><text x="{}" y="{y}" font-size="{LEGEND_SIZE}" fill="{}">the Moscow meeting</text>"#,
            y - 10.0,
            colour::FOCUS,
            x + 34.0,
            colour::MUTED
        );
        x += 220.0;
    }
    if others {
        let _ = write!(
            out,
            r#"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3" stroke-dasharray="5 3"/><text x="{}" y="{y}" font-size="{LEGEND_SIZE}" fill="{}">(or …) another date some sources give</text>"#,
            y - 5.0,
            x + 26.0,
            y - 5.0,
            colour::OTHER,
            x + 34.0,
            colour::MUTED
        );
        x += 390.0;
    }
    if highlight {
        let _ = write!(
            out,
            r#"<rect x="{x}" y="{}" width="26" height="16" rx="4" fill="{}" stroke="{}" stroke-width="1.5"/><text x="{}" y="{y}" font-size="{LEGEND_SIZE}" fill="{}">the event you asked about</text>"#,
            y - 13.0,
            colour::HIGHLIGHT_FILL,
            colour::HIGHLIGHT,
            x + 34.0,
            colour::MUTED
        );
    }
}

/// The axis: a band between two lines with the months (named as long as the name fits) and
/// the years marked, and the meeting's days shaded.
fn ruler(out: &mut String, scale: &layout::Scale, top: f32, focus: &[(f32, f32)]) {
    let (start, end) = scale.domain();
    let (x0, x1) = scale.extent();
    let bottom = top + RULER;
    let _ = write!(
        out,
        r#"<rect x="{x0:.1}" y="{top}" width="{:.1}" height="{RULER}" fill="{}"/>"#,
        x1 - x0,
        colour::BAND
    );
    for (a, b) in focus {
        let _ = write!(
            out,
            r#"<rect x="{a:.1}" y="{top}" width="{:.1}" height="{RULER}" fill="{}"/>"#,
            b - a,
            colour::FOCUS_BAND
        );
    }
    let month_names = [
        ("January", "Jan", "J"),
        ("February", "Feb", "F"),
        ("March", "Mar", "M"),
        ("April", "Apr", "A"),
        ("May", "May", "M"),
        ("June", "Jun", "J"),
        ("July", "Jul", "J"),
        ("August", "Aug", "A"),
        ("September", "Sep", "S"),
        ("October", "Oct", "O"),
        ("November", "Nov", "N"),
        ("December", "Dec", "D"),
    ];
    // Generous widths of the names at MONTH_SIZE (DejaVu Sans is about 0.62 em a letter).
    let width_of = |text: &str| text.chars().count() as f32 * MONTH_SIZE * 0.66 + 6.0;
    let mut month = EventDate::from_day_number(start);
    let mut year_end = f32::MIN;
    while month.day_number() < end {
        let next = next_month(month);
        let (a, b) = (
            scale.x(month.day_number() as f64),
            scale.x(next.day_number() as f64),
        );
        let january = month.month() == Some(1);
        if month.day_number() != start {
            // Months are marked in the band's upper half, years across it.
            let _ = write!(
                out,
                r#"<line x1="{a:.1}" y1="{top}" x2="{a:.1}" y2="{:.1}" stroke="{}" stroke-width="{}"/>"#,
                if january { bottom } else { top + 28.0 },
                if january { colour::AXIS } else { colour::GRID },
                if january { 2 } else { 1 }
            );
        }
        let names = month_names[usize::from(month.month().unwrap_or(1)) - 1];
        if let Some(name) = [names.0, names.1, names.2]
            .into_iter()
            .find(|n| width_of(n) <= b - a)
        {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{:.1}" font-size="{MONTH_SIZE}" fill="{}" text-anchor="middle">{name}</text>"#,
                (a + b) / 2.0,
                top + 21.0,
                colour::MUTED
            );
        }
        if january || month.day_number() == start {
            let text = month.year().to_string();
            let x = a + 5.0;
            if x > year_end + 8.0 {
                let _ = write!(
                    out,
                    r#"<text x="{x:.1}" y="{:.1}" font-size="{YEAR_SIZE}" font-weight="bold" fill="{}">{text}</text>"#,
                    top + 45.0,
                    colour::AXIS
                );
                year_end = x + text.len() as f32 * YEAR_SIZE * 0.7;
            }
        }
        month = next;
    }
    for y in [top, bottom] {
        let _ = write!(
            out,
            r#"<line x1="{x0:.1}" y1="{y}" x2="{x1:.1}" y2="{y}" stroke="{}" stroke-width="2.5" stroke-linecap="round"/>"#,
            colour::AXIS
        );
    }
}

/// An event's marks on the axis: a dot for a day, a bar for a span or a month, dashed purple
/// for the other dates.
fn marks(out: &mut String, g: &Group<'_, '_>, place: &Place, scale: &layout::Scale, y: f32) {
    let x = place.x;
    // Other dates run outside the band, on the label's side.
    let dash_y = match place.side {
        Side::Above => y - 9.0,
        Side::Below => y + 9.0,
    };
    let fill = if g.focus {
        colour::FOCUS
    } else {
        colour::EVENT
    };
    for e in &g.entries {
        for o in &e.others {
            let a = scale.x(o.date.first_day().day_number() as f64);
            let b = scale.x((o.end.unwrap_or(o.date).last_day().day_number() + 1) as f64);
            let (own_a, own_b) = (
                scale.x(e.first_day().day_number() as f64),
                scale.x((e.last_day().day_number() + 1) as f64),
            );
            let _ = write!(
                out,
                r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="3" stroke-dasharray="5 3"/>"#,
                a.min(own_a),
                dash_y,
                b.max(own_b),
                dash_y,
                colour::OTHER
            );
            if o.date != e.date && o.end.is_none() {
                let _ = write!(
                    out,
                    r#"<circle cx="{a:.1}" cy="{y}" r="5" fill="{}" stroke="{}" stroke-width="2"/>"#,
                    colour::CARD,
                    colour::OTHER
                );
            }
        }
        if e.end.is_some() || e.date.precision() != Precision::Day {
            let a = scale.x(e.first_day().day_number() as f64);
            let b = scale.x((e.last_day().day_number() + 1) as f64).max(a + 6.0);
            let _ = write!(
                out,
                r#"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="12" rx="4" fill="{fill}"/>"#,
                y - 6.0,
                b - a
            );
        }
    }
    let r = if g.highlight { 8.0 } else { 6.0 };
    let _ = write!(
        out,
        r#"<circle cx="{x:.1}" cy="{y}" r="{r}" fill="{fill}" stroke="{}" stroke-width="2"/>"#,
        if g.highlight {
            colour::HIGHLIGHT
        } else {
            colour::CARD
        }
    );
}

fn month_start(date: EventDate) -> EventDate {
    let d = date.first_day();
    EventDate::day(d.year(), d.month().unwrap_or(1), 1).unwrap_or(d)
}

fn next_month(date: EventDate) -> EventDate {
    let d = date.last_day();
    let (year, month) = match d.month().unwrap_or(12) {
        12 => (d.year() + 1, 1),
        m => (d.year(), m + 1),
    };
    EventDate::day(year, month, 1).unwrap_or(d)
}
