//! The feedback log, read and written here only: one JSON object a line for every helpful /
//! not helpful vote, every question a member marked as unanswered ("None of these") and every
//! question the bot declined, for moderators to read with `/fact unanswered`.
//!
//! - **One vote per member per answer**: a second press on the same answer's buttons replaces
//!   the member's earlier vote line instead of adding one.
//! - **Retention**: lines older than the retention period are dropped when the bot starts and
//!   then at most once a day, so the log does not grow without bound.
//! - **Reading** streams the file line by line; unreadable lines are skipped.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;

use crate::store::rfc3339;

/// What a member said about an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Helpful,
    NotHelpful,
    /// None of the suggestions fit: the question is still unanswered.
    Unanswered,
    /// The bot had no answer (or only suggestions) for a question asked of it.
    Declined,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    /// RFC 3339, UTC.
    pub time: String,
    pub fact_id: Option<String>,
    pub question: String,
    pub vote: Vote,
    pub user_id: String,
    /// The answer message voted on, so that a member's second vote on it replaces the first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

impl Feedback {
    /// A line for `vote` by `user` now.
    pub fn now(vote: Vote, user: u64, question: &str, fact_id: Option<String>) -> Feedback {
        Feedback {
            time: rfc3339(SystemTime::now()),
            fact_id,
            question: question.to_string(),
            vote,
            user_id: user.to_string(),
            answer: None,
        }
    }

    fn is_vote(&self) -> bool {
        matches!(self.vote, Vote::Helpful | Vote::NotHelpful)
    }
}

/// Appends, replaces and prunes feedback lines; changes from concurrent events never
/// interleave.
#[derive(Debug)]
pub struct FeedbackLog {
    path: PathBuf,
    retention: Duration,
    /// Unix seconds of the last pruning.
    pruned_at: AtomicU64,
    lock: Mutex<()>,
}

/// How often the log is pruned while the bot runs.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 3600);

impl FeedbackLog {
    /// The log at `path`, keeping lines for `retention_days` days.
    pub fn new(path: PathBuf, retention_days: u32) -> Self {
        FeedbackLog {
            path,
            retention: Duration::from_secs(u64::from(retention_days) * 24 * 3600),
            pruned_at: AtomicU64::new(0),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends a line (pruning first if a day has passed since the last pruning).
    pub async fn record(&self, feedback: &Feedback) -> io::Result<()> {
        self.change(feedback.clone(), false).await
    }

    /// Records a helpful / not helpful vote: a member's earlier vote on the same answer is
    /// replaced, so each member counts once per answer.
    pub async fn vote(&self, feedback: &Feedback) -> io::Result<()> {
        self.change(feedback.clone(), true).await
    }

    /// Drops lines older than the retention period now.
    pub async fn prune(&self, now: SystemTime) -> io::Result<usize> {
        let _guard = self.lock.lock().await;
        let (path, cutoff) = (self.path.clone(), self.cutoff(now));
        let dropped = tokio::task::spawn_blocking(move || {
            rewrite(&path, None, |line| {
                line.time.get(..19) >= Some(&cutoff[..19])
            })
        })
        .await
        .map_err(io::Error::other)??;
        self.pruned_at.store(unix(now), Ordering::Relaxed);
        Ok(dropped)
    }

    /// The unanswered and unhelpful questions, most frequent first (see [`Tally`]); reads the
    /// file as a stream.
    pub async fn unanswered(&self) -> io::Result<Vec<Unanswered>> {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let mut tally = Tally::default();
            match File::open(&path) {
                Ok(file) => {
                    for line in lines(BufReader::new(file)) {
                        tally.add(&line?);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            Ok(tally.finish())
        })
        .await
        .map_err(io::Error::other)?
    }

    async fn change(&self, feedback: Feedback, replace: bool) -> io::Result<()> {
        let now = SystemTime::now();
        if unix(now).saturating_sub(self.pruned_at.load(Ordering::Relaxed)) >= PRUNE_EVERY.as_secs()
        {
            if let Err(error) = self.prune(now).await {
                tracing::warn!(path = %self.path.display(), %error, "could not prune the feedback log");
            }
        }
        let _guard = self.lock.lock().await;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let replaces = |line: &Feedback| {
                line.is_vote()
                    && line.answer.is_some()
                    && line.answer == feedback.answer
                    && line.user_id == feedback.user_id
            };
            if replace && feedback.answer.is_some() && any_line(&path, replaces)? {
                rewrite(&path, Some(&feedback), |line| !replaces(line)).map(drop)
            } else {
                append(&path, &feedback)
            }
        })
        .await
        .map_err(io::Error::other)?
    }

    fn cutoff(&self, now: SystemTime) -> String {
        rfc3339(now.checked_sub(self.retention).unwrap_or(UNIX_EPOCH))
    }
}

fn unix(at: SystemTime) -> u64 {
    at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The readable lines of a log.
fn lines(reader: impl BufRead) -> impl Iterator<Item = io::Result<Feedback>> {
    reader.lines().filter_map(|line| match line {
        Ok(line) => serde_json::from_str::<Feedback>(&line).ok().map(Ok),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => None,
        Err(e) => Some(Err(e)),
    })
}

fn append(path: &Path, feedback: &Feedback) -> io::Result<()> {
    let mut line = serde_json::to_string(feedback)?;
    line.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(line.as_bytes())?;
    file.flush()
}

fn any_line(path: &Path, wanted: impl Fn(&Feedback) -> bool) -> io::Result<bool> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    for line in lines(BufReader::new(file)) {
        if wanted(&line?) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Streams the log into a temporary beside it, keeping the lines `keep` accepts and adding
/// `extra` at the end, then renames it into place. Returns how many lines were dropped.
fn rewrite(
    path: &Path,
    extra: Option<&Feedback>,
    keep: impl Fn(&Feedback) -> bool,
) -> io::Result<usize> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return extra.map_or(Ok(()), |f| append(path, f)).map(|()| 0)
        }
        Err(e) => return Err(e),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.tmp"));
    let mut dropped = 0;
    {
        let mut out = BufWriter::new(File::create(&temp)?);
        for line in lines(BufReader::new(file)) {
            let line = line?;
            if keep(&line) {
                serde_json::to_writer(&mut out, &line)?;
                out.write_all(b"\n")?;
            } else {
                dropped += 1;
            }
        }
        if let Some(extra) = extra {
            serde_json::to_writer(&mut out, extra)?;
            out.write_all(b"\n")?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    std::fs::rename(&temp, path)?;
    Ok(dropped)
}

/// One question members found unanswered or unhelpful.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// As first asked.
    pub question: String,
    /// How many members asked or marked it (one member counts once).
    pub count: usize,
    /// Facts whose answers to it were marked not helpful.
    pub facts: Vec<String>,
}

/// The declined questions and the "None of these" and "Not helpful" votes, grouped by question
/// (compared case- and spacing-insensitively), counted once per member (a decline followed by
/// "None of these" is one), most frequent first, then most recent first. Member ids are used
/// only to count and never shown.
#[derive(Debug, Default)]
pub struct Tally {
    groups: HashMap<String, (Unanswered, usize)>,
    counted: HashSet<(String, String)>,
    lines: usize,
}

impl Tally {
    /// Counts one line.
    pub fn add(&mut self, line: &Feedback) {
        let line_no = self.lines;
        self.lines += 1;
        if line.vote == Vote::Helpful {
            return;
        }
        let question = line.question.trim();
        let key = question
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase();
        if key.is_empty() {
            return;
        }
        let first_from_member = self.counted.insert((key.clone(), line.user_id.clone()));
        let (entry, last) = self.groups.entry(key).or_insert_with(|| {
            (
                Unanswered {
                    question: question.to_string(),
                    count: 0,
                    facts: Vec::new(),
                },
                0,
            )
        });
        if first_from_member {
            entry.count += 1;
        }
        *last = line_no;
        if line.vote == Vote::NotHelpful {
            if let Some(fact) = &line.fact_id {
                if !entry.facts.contains(fact) {
                    entry.facts.push(fact.clone());
                }
            }
        }
    }

    pub fn finish(self) -> Vec<Unanswered> {
        let mut tally: Vec<(Unanswered, usize)> = self.groups.into_values().collect();
        tally.sort_by(|a, b| b.0.count.cmp(&a.0.count).then(b.1.cmp(&a.1)));
        tally.into_iter().map(|(u, _)| u).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(question: &str, vote: Vote, user: &str, fact: Option<&str>) -> Feedback {
        Feedback {
            time: "2024-03-01T00:00:00Z".into(),
            fact_id: fact.map(String::from),
            question: question.into(),
            vote,
            user_id: user.into(),
            answer: None,
        }
    }

    #[tokio::test]
    async fn lines_are_appended_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join("feedback.jsonl"), 90);
        log.record(&line(
            "when \"was\" it?",
            Vote::Helpful,
            "42",
            Some("meeting-dates"),
        ))
        .await
        .unwrap();
        log.record(&line("who?", Vote::Unanswered, "42", None))
            .await
            .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["vote"], "helpful");
        assert_eq!(lines[0]["fact_id"], "meeting-dates");
        assert_eq!(lines[0]["question"], "when \"was\" it?");
        assert_eq!(lines[1]["vote"], "unanswered");
        assert_eq!(lines[1]["fact_id"], serde_json::Value::Null);
    }

    #[tokio::test]
    async fn a_second_vote_on_one_answer_replaces_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join("feedback.jsonl"), 90);
        let vote = |vote, user: &str, answer: &str| Feedback {
            answer: Some(answer.into()),
            ..line("q", vote, user, Some("f"))
        };
        log.vote(&vote(Vote::Helpful, "1", "m1")).await.unwrap();
        log.vote(&vote(Vote::NotHelpful, "2", "m1")).await.unwrap();
        log.vote(&vote(Vote::NotHelpful, "1", "m1")).await.unwrap();
        log.vote(&vote(Vote::Helpful, "1", "m2")).await.unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let votes: Vec<Feedback> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(votes.len(), 3, "{text}");
        let mine: Vec<Vote> = votes
            .iter()
            .filter(|v| v.user_id == "1" && v.answer.as_deref() == Some("m1"))
            .map(|v| v.vote)
            .collect();
        assert_eq!(mine, [Vote::NotHelpful]);
    }

    #[tokio::test]
    async fn old_lines_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join("feedback.jsonl"), 30);
        let now = UNIX_EPOCH + Duration::from_secs(100 * 86_400);
        let old = Feedback {
            time: rfc3339(now - Duration::from_secs(31 * 86_400)),
            ..line("old", Vote::Unanswered, "1", None)
        };
        let recent = Feedback {
            time: rfc3339(now - Duration::from_secs(29 * 86_400)),
            ..line("recent", Vote::Unanswered, "1", None)
        };
        for l in [&old, &recent] {
            append(log.path(), l).unwrap();
        }
        assert_eq!(log.prune(now).await.unwrap(), 1);
        let tally = log.unanswered().await.unwrap();
        assert_eq!(tally.len(), 1);
        assert_eq!(tally[0].question, "recent");
    }

    #[test]
    fn unanswered_questions_are_counted_most_frequent_first() {
        let lines = [
            line("Who paid?", Vote::Unanswered, "1", None),
            line("when  was it", Vote::NotHelpful, "1", Some("dates")),
            line("When was it", Vote::Helpful, "2", Some("dates")),
            line("who PAID?", Vote::Unanswered, "3", None),
            line("Who paid?", Vote::Declined, "3", None),
            line("When was it", Vote::NotHelpful, "4", Some("venue")),
            line("Why?", Vote::Unanswered, "5", None),
            line("", Vote::Unanswered, "5", None),
        ];
        let mut tally = Tally::default();
        for l in &lines {
            tally.add(l);
        }
        let tally = tally.finish();
        assert_eq!(tally.len(), 3);
        assert_eq!(tally[0].count, 2);
        // Equal counts: the most recent first.
        assert_eq!(tally[0].question, "when  was it");
        assert_eq!(tally[0].facts, ["dates", "venue"]);
        assert_eq!(tally[1].question, "Who paid?");
        assert_eq!(tally[2].question, "Why?");
    }

    #[test]
    fn unreadable_lines_are_skipped() {
        let text = "not json\n{\"time\":\"t\",\"fact_id\":null,\"question\":\"q\",\"vote\":\"declined\",\"user_id\":\"1\"}\n";
        let read: Vec<Feedback> = lines(text.as_bytes()).map(Result::unwrap).collect();
        assert_eq!(read.len(), 1);
    }
}
