//! Telling a request for the timeline from a question about one fact: "give me a timeline",
//! "what happened after the meeting?", "what came before the talks?". A request names a
//! timeline, or asks what happened before or after the meeting, and holds nothing else but
//! everyday words; "what happened after the meeting to Hamas?" names something more and is a
//! question for the matcher. The words are each language's ([`Language::timeline_words`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use super::fold::fold_words;
use super::language::{Lang, Language};

/// What part of the timeline a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimelineRequest {
    /// The whole timeline.
    All,
    /// What came before the meeting.
    Before,
    /// What happened after the meeting.
    After,
}

impl TimelineRequest {
    pub fn name(self) -> &'static str {
        match self {
            TimelineRequest::All => "all",
            TimelineRequest::Before => "before",
            TimelineRequest::After => "after",
        }
    }
}

/// One language's timeline words as the comparison sees them (stems), built once.
struct Prepared {
    timeline: HashSet<String>,
    happened: HashSet<String>,
    before: HashSet<String>,
    after: HashSet<String>,
    meeting: HashSet<String>,
    /// Fillers, generic and stop words, and question words, as stems.
    everyday: HashSet<String>,
}

static PREPARED: LazyLock<Vec<Prepared>> = LazyLock::new(|| {
    Lang::all()
        .map(|lang| {
            let rules = lang.rules();
            let t = rules.timeline_words();
            let stems = |list: &[&str]| list.iter().map(|w| key(rules, w)).collect();
            let mut everyday: HashSet<String> = stems(t.fillers);
            everyday.extend(rules.stop_words().iter().map(|w| key(rules, w)));
            everyday.extend(rules.generic_words().iter().map(|w| key(rules, w)));
            everyday.extend(rules.question_words().iter().map(|q| key(rules, q.word)));
            Prepared {
                timeline: stems(t.timeline),
                happened: stems(t.happened),
                before: stems(t.before),
                after: stems(t.after),
                meeting: stems(t.meeting),
                everyday,
            }
        })
        .collect()
});

fn key(rules: &dyn Language, word: &str) -> String {
    rules.analyse_word(word)
}

/// The part of the timeline a question asks for, read in `lang`, or `None` when it is not a
/// request for the timeline.
pub fn timeline_request(text: &str, lang: Lang) -> Option<TimelineRequest> {
    let rules = lang.rules();
    let words = fold_words(text, rules);
    let p = &PREPARED[lang.index()];
    let (mut timeline, mut happened, mut meeting) = (false, false, false);
    let (mut before, mut after) = (false, false);
    let mut any = false;
    for word in &words {
        let k = key(rules, word);
        let is = |set: &HashSet<String>| set.contains(&k) || set.contains(word.as_str());
        if is(&p.timeline) {
            timeline = true;
        } else if is(&p.happened) {
            happened = true;
        } else if is(&p.before) {
            before = true;
        } else if is(&p.after) {
            after = true;
        } else if is(&p.meeting) {
            meeting = true;
        } else if is(&p.everyday) || rules.stop_words().contains(&word.as_str()) {
            continue;
        } else {
            return None;
        }
        any = true;
    }
    if !any {
        return None;
    }
    let relative = match (before, after) {
        (true, false) => Some(TimelineRequest::Before),
        (false, true) => Some(TimelineRequest::After),
        _ => None,
    };
    if timeline {
        // "timeline before the meeting" asks for a part; "timeline of the talks" for all.
        return Some(relative.filter(|_| meeting).unwrap_or(TimelineRequest::All));
    }
    if happened && meeting {
        return relative;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, code: &str) -> Option<TimelineRequest> {
        timeline_request(text, Lang::from_code(code).unwrap())
    }

    #[test]
    fn english_requests_are_recognised() {
        use TimelineRequest::*;
        for (text, want) in [
            ("give me a timeline", All),
            ("Timeline?", All),
            ("show me the full chronology of the talks", All),
            ("timeline of the Moscow meeting", All),
            ("what happened after the meeting?", After),
            ("What came before the talks?", Before),
            ("what happened since the Moscow talks", After),
            ("events before the meeting", Before),
            ("timeline after the meeting", After),
            ("what happened after the meetings", After),
        ] {
            assert_eq!(read(text, "en"), Some(want), "{text:?}");
        }
    }

    #[test]
    fn questions_about_one_thing_are_left_to_the_matcher() {
        for text in [
            "what happened at the meeting?",
            "when did the meeting happen",
            "What did Abu Marzook say about the differences after the meeting?",
            "How many days before the Moscow talks did the Palestinian government resign?",
            "what happened after the meeting in Beijing",
            "what happened before Shtayyeh resigned",
            "what came out of the meeting?",
            "dates of the meeting",
            "what happened after?",
            "after the meeting",
            "",
            "?",
        ] {
            assert_eq!(read(text, "en"), None, "{text:?}");
        }
    }

    #[test]
    fn every_language_has_its_words() {
        use TimelineRequest::*;
        for (code, text, want) in [
            ("ar", "أعطني الخط الزمني", All),
            ("ar", "ماذا حدث بعد الاجتماع؟", After),
            ("ar", "ماذا حدث قبل الاجتماع", Before),
            ("ru", "покажи хронологию", All),
            ("ru", "что произошло после встречи?", After),
            ("ru", "что было до переговоров", Before),
            ("it", "dammi la cronologia", All),
            ("it", "cosa è successo dopo l'incontro?", After),
            ("it", "cosa è successo prima dei colloqui?", Before),
            ("fr", "donne-moi la chronologie", All),
            ("fr", "que s'est-il passé après la réunion ?", After),
            ("fr", "que s'est-il passé avant les pourparlers ?", Before),
        ] {
            assert_eq!(read(text, code), Some(want), "{code}: {text:?}");
        }
        assert_eq!(read("что произошло на встрече?", "ru"), None);
        assert_eq!(read("qui a parlé après la réunion ?", "fr"), None);
    }
}
