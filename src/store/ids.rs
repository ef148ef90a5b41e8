//! Ids the store makes: fact ids from questions, source ids from URLs (and the sources a URL
//! citation creates), and the check every id passes before it names a file.

use super::{Actor, StoreError};
use crate::knowledge::{content, Fact, Source};

/// Refuses what is not an id (see [`content::is_id`]); every path the store writes is made
/// from ids that passed this.
pub(super) fn check_id(id: &str) -> Result<(), StoreError> {
    if !content::is_id(id) {
        return Err(StoreError::BadId { id: id.to_string() });
    }
    Ok(())
}

/// Turns citations that give a URL instead of a source id into sources: an existing source with
/// that URL if there is one, otherwise a new source (id from the host and path, outlet the host,
/// no stored text, so a quote on it is refused by the check). Returns the sources to create.
pub(super) fn url_sources(fact: &mut Fact, existing: &[Source], actor: &Actor) -> Vec<Source> {
    let mut added: Vec<Source> = Vec::new();
    for citation in &mut fact.sources {
        let url = citation.source.trim();
        if !content::is_http_url(url) {
            continue;
        }
        let url = url.to_string();
        if let Some(source) = existing.iter().chain(&added).find(|s| s.url == url) {
            citation.source = source.id.clone();
            continue;
        }
        let (host, path) = split_url(&url);
        let stem = slug(&format!("{host} {path}"));
        let taken = |id: &str| existing.iter().chain(&added).any(|s| s.id == id);
        let mut id = stem.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{stem}-{n}");
            n += 1;
        }
        added.push(Source {
            id: id.clone(),
            outlet: host,
            title: None,
            date: None,
            url,
            text: None,
            description: Some(format!(
                "Given as a URL by {actor} with fact `{}`; no stored text, so its citations carry no quote.",
                fact.id
            )),
            body: None,
        });
        citation.source = id;
    }
    added
}

/// An id from a question's significant words, at most 40 characters, numbered while `taken`.
pub fn suggest_id(question: &str, taken: impl Fn(&str) -> bool) -> String {
    const SKIP: &[&str] = &[
        "a", "an", "and", "are", "at", "did", "do", "does", "for", "how", "in", "is", "of", "on",
        "the", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "why",
    ];
    let words = words(question);
    let mut stem = String::new();
    for word in words
        .iter()
        .map(String::as_str)
        .filter(|w| !SKIP.contains(w))
    {
        if !stem.is_empty() && stem.len() + 1 + word.len() > 40 {
            break;
        }
        if !stem.is_empty() {
            stem.push('-');
        }
        stem.push_str(&word[..word.len().min(40)]);
    }
    if stem.is_empty() {
        stem.push_str("fact");
    }
    let mut id = stem.clone();
    let mut n = 2;
    while taken(&id) {
        id = format!("{stem}-{n}");
        n += 1;
    }
    id
}

/// The host (lower case, without `www.`, user and port) and the path of a URL.
fn split_url(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (host, path.to_string())
}

/// Lower-case runs of ASCII letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// An id from free text: its words joined with '-', at most 60 characters, cut at a '-'.
fn slug(text: &str) -> String {
    let mut out = words(text).join("-");
    if out.len() > 60 {
        let cut = out[..60].rfind('-').filter(|&i| i > 20).unwrap_or(60);
        out.truncate(cut);
    }
    if out.is_empty() {
        out.push_str("source");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_source_ids() {
        assert_eq!(
            split_url("https://www.TASS.com:443/politics/1753879?x=1#y"),
            ("tass.com".into(), "politics/1753879".into())
        );
        assert_eq!(
            split_url("http://user@example.org"),
            ("example.org".into(), "".into())
        );
        assert_eq!(
            slug("tass.com politics/1753879"),
            "tass-com-politics-1753879"
        );
        assert_eq!(slug("..."), "source");
        let long = slug(&format!("example.com {}", "word/".repeat(30)));
        assert!(long.len() <= 60 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn ids_are_suggested_from_questions() {
        assert_eq!(
            suggest_id("Who is Mikhail Bogdanov?", |_| false),
            "mikhail-bogdanov"
        );
        assert_eq!(
            suggest_id("When did the talks start?", |id| id == "talks-start"),
            "talks-start-2"
        );
        assert_eq!(suggest_id("???", |_| false), "fact");
        let long = suggest_id(&"Palestinian ".repeat(10), |_| false);
        assert!(long.len() <= 40 && check_id(&long).is_ok(), "{long}");
    }
}
