//! The feedback log: one JSON object a line for every helpful / not helpful vote and every
//! question a member marked as unanswered ("None of these"), for moderators to read later.

use std::io;
use std::path::PathBuf;

use serde::Serialize;
use tokio::io::AsyncWriteExt;
use tokio::sync::Mutex;

/// What a member said about an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, Serialize)]
pub struct Feedback {
    /// RFC 3339, UTC.
    pub time: String,
    pub fact_id: Option<String>,
    pub question: String,
    pub vote: Vote,
    pub user_id: String,
}

/// Appends feedback lines to a file; lines from concurrent events never interleave.
#[derive(Debug)]
pub struct FeedbackLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl FeedbackLog {
    pub fn new(path: PathBuf) -> Self {
        FeedbackLog {
            path,
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub async fn record(&self, feedback: &Feedback) -> io::Result<()> {
        let mut line = serde_json::to_string(feedback)?;
        line.push('\n');
        let _guard = self.lock.lock().await;
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .await?;
        file.write_all(line.as_bytes()).await?;
        file.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_appended_as_json() {
        let dir = tempfile::tempdir().unwrap();
        let log = FeedbackLog::new(dir.path().join("feedback.jsonl"));
        for vote in [Vote::Helpful, Vote::Unanswered] {
            let feedback = Feedback {
                time: "2024-03-01T00:00:00Z".into(),
                fact_id: (vote == Vote::Helpful).then(|| "meeting-dates".into()),
                question: "when \"was\" it?".into(),
                vote,
                user_id: "42".into(),
            };
            log.record(&feedback).await.unwrap();
        }
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["vote"], "helpful");
        assert_eq!(lines[0]["fact_id"], "meeting-dates");
        assert_eq!(lines[1]["vote"], "unanswered");
        assert_eq!(lines[1]["fact_id"], serde_json::Value::Null);
        assert_eq!(lines[1]["question"], "when \"was\" it?");
    }
}
