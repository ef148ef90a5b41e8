//! English: the language every fact is written in. A light stemmer of its own (resign,
//! resigned and resignation meet; names such as Hamas and Abbas are left whole, which the
//! Snowball stemmer would cut to "hama" and "abba").

use super::language::{qw, Kind, Language, QuestionWord, Script, TimelineWords};

pub(crate) struct English;

impl Language for English {
    fn code(&self) -> &'static str {
        "en"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("English", "English")
    }

    fn script(&self) -> Script {
        Script::Latin
    }

    fn discord_locales(&self) -> &'static [&'static str] {
        &["en-US", "en-GB"]
    }

    fn stop_words(&self) -> &'static [&'static str] {
        STOP_WORDS
    }

    fn question_words(&self) -> &'static [QuestionWord] {
        QUESTION_WORDS
    }

    fn help_triggers(&self) -> &'static [&'static str] {
        &[
            "your",
            "hi",
            "hello",
            "hey",
            "this",
            "use",
            "up",
            "hiya",
            "howdy",
            "yo",
            "sup",
            "greetings",
            "morning",
            "evening",
            "afternoon",
            "thanks",
            "thank",
            "thx",
            "ty",
            "cheers",
            "help",
            "commands",
            "usage",
            "you",
            "u",
            "bot",
            "talksbot",
            "bye",
            "goodbye",
            "cya",
            "gn",
            "gm",
            "goodnight",
            "tysm",
            "tyvm",
            "thanx",
            "thnx",
            "appreciate",
            "appreciated",
            "feedback",
            "report",
            "ask",
        ]
    }

    fn help_fillers(&self) -> &'static [&'static str] {
        &[
            "helpful",
            "useful",
            "good",
            "there",
            "all",
            "everyone",
            "use",
            "work",
            "works",
            "ask",
            "ask",
            "questions",
            "question",
            "stuff",
            "kind",
            "type",
            "types",
            "phrase",
            "answer",
            "answers",
            "sources",
            "source",
            "come",
            "draw",
            "explain",
            "for",
            "ai",
            "person",
            "human",
            "robot",
            "real",
            "helped",
            "bro",
            "lot",
            "much",
            "great",
            "nice",
            "awesome",
            "cool",
            "languages",
            "language",
            "topics",
            "topic",
            "info",
            "information",
            "know",
            "get",
            "able",
            "supposed",
            "purpose",
            "mate",
            "man",
            "dude",
            "folks",
            "people",
            "again",
            "anyway",
            "ok",
            "okay",
            "cover",
            "speak",
            "speaks",
            "wrong",
            "incorrect",
            "mistake",
            "give",
            "later",
            "made",
            "created",
            "built",
            "english",
            "arabic",
            "russian",
            "french",
            "italian",
            "reply",
            "replies",
        ]
    }

    fn timeline_words(&self) -> &'static TimelineWords {
        &TimelineWords {
            timeline: &[
                "timeline",
                "timelines",
                "chronology",
                "chronological",
                "chronologically",
            ],
            happened: &[
                "happened",
                "happen",
                "happens",
                "happening",
                "came",
                "come",
                "events",
                "event",
                "occurred",
            ],
            before: &[
                "before",
                "prior",
                "preceded",
                "preceding",
                "earlier",
                "ahead",
            ],
            after: &[
                "after",
                "afterwards",
                "afterward",
                "since",
                "later",
                "following",
                "followed",
                "next",
            ],
            meeting: &[
                "meeting",
                "meetings",
                "talks",
                "talk",
                "moscow",
                "round",
                "summit",
                "gathering",
            ],
            fillers: &[
                "give",
                "show",
                "full",
                "whole",
                "complete",
                "list",
                "key",
                "main",
                "all",
                "us",
                "see",
                "can",
                "could",
                "i",
                "you",
                "me",
                "want",
                "need",
                "palestinian",
                "intra",
                "the",
                "a",
                "of",
            ],
        }
    }

    fn generic_words(&self) -> &'static [&'static str] {
        &[
            "say",
            "said",
            "says",
            "saying",
            "tell",
            "told",
            "explain",
            "describe",
            "characterise",
            "characterize",
            "describes",
            "described",
            "mention",
            "mentioned",
            "mean",
            "meant",
            "means",
            "happen",
            "happened",
            "happens",
            "info",
            "information",
            "detail",
            "details",
            "summary",
            "summarise",
            "summarize",
            "overview",
            "specifically",
            "short",
            "brief",
            "briefly",
            "quick",
            "quickly",
            "exact",
            "answer",
            "thought",
            "think",
            "view",
            "views",
            "opinion",
            "exist",
            "existed",
            "known",
            "called",
            "call",
            "name",
            "named",
        ]
    }

    fn catalogue(&self) -> &'static str {
        include_str!("../messages/en.toml")
    }

    fn month_names(&self) -> &'static [&'static [&'static str]; 12] {
        &[
            &["january"],
            &["february"],
            &["march"],
            &["april"],
            &["may"],
            &["june"],
            &["july"],
            &["august"],
            &["september"],
            &["october"],
            &["november"],
            &["december"],
        ]
    }

    fn stem(&self, word: &str) -> String {
        stem(word)
    }
}

#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "again", "also", "am", "an", "and", "any", "anyone", "anything", "are",
    "as", "at", "be", "been", "being", "both", "but", "by", "can", "could", "did", "do", "does",
    "doing", "done", "during", "each", "else", "even", "ever", "exactly", "for", "from", "further",
    "get", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "i",
    "if", "im", "in", "into", "is", "it", "its", "just", "kind", "know", "let", "like", "me",
    "might", "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only",
    "or", "other", "our", "out", "over", "own", "please", "pls", "plz", "really", "same", "she",
    "should", "so", "some", "something", "such", "tell", "than", "that", "thats", "the", "their",
    "them", "then", "there", "these", "they", "thing", "things", "this", "those", "through", "to",
    "too", "u", "under", "until", "up", "very", "was", "we", "were", "whats", "while", "will",
    "with", "would", "ya", "yeah", "yes", "yet", "yo", "you", "your", "hey", "hi", "hello", "guys",
    "anybody", "somebody", "actually", "basically", "s", "t", "d", "ll", "re", "ve", "m", "dont",
    "didnt", "doesnt", "isnt", "wasnt", "arent", "werent", "put", "gets", "make", "makes", "made",
    "go", "goes", "going", "went", "gone", "take", "takes", "give", "gave",
    "kept", "want", "wanted", "way", "lot", "bit", "stuff", "guy", "someone", "one", "ones", "well",
    "still", "finally", "order", "nearly", "almost", "personally", "easily", "quite", "pretty",
    "probably", "maybe", "perhaps", "sure", "right", "true", "anyway", "literally", "simply",
    "already", "generally", "mostly", "whole", "everyone", "everybody", "everything", "nothing",
    "wanna", "gonna", "gimme", "lol", "ok", "okay", "um", "uh", "hmm", "btw", "idk", "tho",
    "though", "whether", "down", "rn", "wdym", "tbh", "ppl", "sth", "smth",
    "theyre", "youre", "ive", "hes", "shes", "weve", "couldnt", "wouldnt", "shouldnt", "cant",
    "wont", "nah", "w", "ngl", "imo", "imho", "fr", "kinda", "sorta", "dunno", "ur",
];

/// Question words, with the chat spellings people type ("wen", "wat").
const QUESTION_WORDS: &[QuestionWord] = &[
    qw("who", Kind::Who),
    qw("whom", Kind::Who),
    qw("whose", Kind::Who),
    qw("whos", Kind::Who),
    qw("what", Kind::What),
    qw("wat", Kind::What),
    qw("wut", Kind::What),
    qw("wht", Kind::What),
    qw("when", Kind::When),
    qw("wen", Kind::When),
    qw("whn", Kind::When),
    qw("where", Kind::Where),
    qw("why", Kind::Why),
    qw("how", Kind::How),
    qw("hw", Kind::How),
    qw("which", Kind::Which),
    qw("many", Kind::HowMany),
    qw("much", Kind::HowMuch),
];

/// A light English stemmer: enough that resign, resigned, resigning and resignation meet,
/// while names (Hamas, Abbas) are left whole. A plural ending goes first, then one suffix.
pub(crate) fn stem(word: &str) -> String {
    if word.len() <= 3 || !word.is_ascii() || word.bytes().any(|b| b.is_ascii_digit()) {
        return word.to_string();
    }
    let word = &american_to_british(word);
    let singular = singular(word);
    const RULES: &[(&str, &str)] = &[
        ("ational", "ate"),
        ("ation", ""),
        ("ment", ""),
        ("ity", ""),
        ("ating", ""),
        ("ated", ""),
        ("ate", ""),
        ("ied", "y"),
        ("ing", ""),
        ("er", ""),
        ("ly", ""),
        ("ed", ""),
        ("e", ""),
    ];
    for (suffix, replacement) in RULES {
        if let Some(base) = singular.strip_suffix(suffix) {
            if base.len() + replacement.len() < 3 {
                break;
            }
            let mut stemmed = format!("{base}{replacement}");
            // "stopped" -> "stop", "planned" -> "plan"
            let b = stemmed.as_bytes();
            if matches!(*suffix, "ed" | "ing" | "er")
                && b.len() >= 4
                && b[b.len() - 1] == b[b.len() - 2]
                && !matches!(b[b.len() - 1], b'l' | b's' | b'z')
            {
                stemmed.pop();
            }
            return stemmed;
        }
    }
    singular.to_string()
}

/// "organize", "organization" and "organizer" meet "organise", "organisation", "organiser".
fn american_to_british(word: &str) -> std::borrow::Cow<'_, str> {
    const ENDINGS: &[&str] = &[
        "ize", "ized", "izes", "izing", "ization", "izations", "izer", "izers",
    ];
    match ENDINGS.iter().find(|e| word.ends_with(*e)) {
        Some(ending) => {
            let cut = word.len() - ending.len();
            format!("{}is{}", &word[..cut], &ending[2..]).into()
        }
        None => word.into(),
    }
}

/// Drops an English plural ending, leaving names such as Hamas, Abbas and Tass alone.
fn singular(word: &str) -> std::borrow::Cow<'_, str> {
    if let Some(base) = word.strip_suffix("ies") {
        if base.len() >= 3 {
            return format!("{base}y").into();
        }
    }
    match word.strip_suffix('s') {
        Some(base) if base.len() >= 3 && !base.ends_with(['s', 'u', 'i', 'a']) => base.into(),
        _ => word.into(),
    }
}

/// Marks "US", "U.S." and "USA" as written (upper case) so that folding does not make them
/// the pronoun "us": they become "usa".
pub(crate) fn mark_united_states(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("US") && !text.contains("U.S") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        let hit = if rest.starts_with("U.S.A.") {
            6
        } else if rest.starts_with("U.S.") {
            4
        } else if rest.starts_with("USA") {
            3
        } else if rest.starts_with("US") {
            2
        } else {
            0
        };
        let after_ok = text[i + hit..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
        if hit > 0 && before_ok && after_ok {
            out.push_str("usa");
            i += hit;
        } else {
            let c = rest.chars().next().expect("i is on a char boundary");
            out.push(c);
            i += c.len_utf8();
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_word_families_together() {
        for word in ["resign", "resigned", "resigning", "resignation", "resigns"] {
            assert_eq!(stem(word), "resign", "{word}");
        }
        assert_eq!(stem("governments"), stem("government"));
        assert_eq!(stem("unite"), stem("united"));
        assert_eq!(stem("meeting"), stem("meetings"));
        assert_eq!(stem("hamas"), "hamas");
        assert_eq!(stem("abbas"), "abbas");
        assert_eq!(stem("2024"), "2024");
        assert_eq!(stem("organized"), stem("organised"));
        assert_eq!(stem("organizer"), stem("organiser"));
    }

    #[test]
    fn united_states_is_marked() {
        assert_eq!(mark_united_states("the US role"), "the usa role");
        assert_eq!(mark_united_states("U.S. mediation"), "usa mediation");
        assert_eq!(mark_united_states("USB and BUS"), "USB and BUS");
        assert_eq!(mark_united_states("tell us"), "tell us");
    }
}
