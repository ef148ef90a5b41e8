//! The journal: `knowledge/journal.jsonl`, one JSON object a line, appended to and never
//! rewritten (except that a line torn by a crash mid-append is cut off by recovery).

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::diff::{diff_facts, FieldChange};
use crate::knowledge::{Fact, Source};

/// Who made a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via", rename_all = "lowercase")]
pub enum Actor {
    /// A Discord member: user id and the name shown at the time.
    Discord { id: u64, name: String },
    /// An operator at the command line: the OS user name.
    Cli { user: String },
}

impl Actor {
    /// The operator at the command line: `name` (given with `--as`), else `$USER`, else
    /// `$LOGNAME`. `None` when none of them names anyone: the journal records who, so a change
    /// is refused until a name is given.
    pub fn operator(name: Option<&str>) -> Option<Actor> {
        let from_env = || {
            ["USER", "LOGNAME"]
                .iter()
                .filter_map(|var| std::env::var(var).ok())
                .find(|name| !name.trim().is_empty())
        };
        let user = match name {
            Some(name) => Some(name.to_string()),
            None => from_env(),
        }?;
        let user = user.trim();
        (!user.is_empty()).then(|| Actor::Cli {
            user: user.to_string(),
        })
    }

    pub fn discord(id: u64, name: impl Into<String>) -> Actor {
        Actor::Discord {
            id,
            name: name.into(),
        }
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Discord { id, name } => write!(f, "{name} (Discord {id})"),
            Actor::Cli { user } => write!(f, "{user} (cli)"),
        }
    }
}

/// What a change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Add,
    Edit,
    Remove,
    Undo,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Add => "add",
            Action::Edit => "edit",
            Action::Remove => "remove",
            Action::Undo => "undo",
        })
    }
}

/// One line of the journal: one change to one fact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// 1 for the first change, then one more for each.
    pub seq: u64,
    /// When, RFC 3339 in UTC (`2024-03-01T12:00:00Z`).
    pub time: String,
    pub actor: Actor,
    pub action: Action,
    /// The fact's id.
    pub fact: String,
    /// The whole fact before the change; null when it was added.
    pub before: Option<Fact>,
    /// The whole fact after the change; null when it was removed.
    pub after: Option<Fact>,
    /// Sources the change created because a citation gave a URL instead of a source id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources_added: Vec<Source>,
    /// For an undo: the `seq` of the change it reverted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// Why, as the moderator gave it.
    pub reason: Option<String>,
}

impl Entry {
    /// Field by field, what the change did to the fact.
    pub fn changes(&self) -> Vec<FieldChange> {
        match (&self.before, &self.after) {
            (Some(before), Some(after)) => diff_facts(before, after),
            _ => Vec::new(),
        }
    }

    /// One line for a log: `#12 edit meeting-dates by alice (cli): answer, keywords`.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "#{} {} `{}` by {} at {}",
            self.seq, self.action, self.fact, self.actor, self.time
        );
        match (&self.before, &self.after) {
            (None, Some(_)) => text.push_str(": added"),
            (Some(_), None) => text.push_str(": removed"),
            _ => {
                let mut fields: Vec<String> = self.changes().into_iter().map(|c| c.field).collect();
                fields.dedup();
                if !fields.is_empty() {
                    text.push_str(": ");
                    text.push_str(&fields.join(", "));
                }
            }
        }
        if let Some(seq) = self.undoes {
            text.push_str(&format!(" (undoes #{seq})"));
        }
        if let Some(reason) = &self.reason {
            text.push_str(&format!(" — {reason}"));
        }
        text
    }
}

/// A journal line that cannot be read.
#[derive(Debug)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Every entry of a journal, oldest first. A missing journal is empty; a last line without its
/// newline (torn by a crash, not yet cut off by recovery) is ignored.
pub fn read_all(path: &Path) -> io::Result<Result<Vec<Entry>, BadLine>> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Ok(Vec::new())),
        Err(e) => return Err(e),
    };
    let complete = match text.rfind('\n') {
        Some(end) => &text[..=end],
        None => "",
    };
    let mut entries = Vec::new();
    for (i, line) in complete.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Entry>(line) {
            Ok(entry) => entries.push(entry),
            Err(e) => {
                return Ok(Err(BadLine {
                    line: i + 1,
                    message: e.to_string(),
                }))
            }
        }
    }
    Ok(Ok(entries))
}

/// The last complete line of the journal, and how many bytes of torn tail follow it.
pub fn last_line(path: &Path) -> io::Result<(Option<String>, u64)> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((None, 0)),
        Err(e) => return Err(e),
    };
    let len = file.metadata()?.len();
    // Read backwards in blocks until the block holds the newline before the last line.
    let mut block = 16 * 1024u64;
    loop {
        let start = len.saturating_sub(block);
        file.seek(SeekFrom::Start(start))?;
        let mut buf = Vec::with_capacity((len - start) as usize);
        Read::by_ref(&mut file)
            .take(len - start)
            .read_to_end(&mut buf)?;
        let Some(end) = buf.iter().rposition(|&b| b == b'\n') else {
            if start == 0 {
                return Ok((None, len));
            }
            block *= 4;
            continue;
        };
        let torn = (buf.len() - end - 1) as u64;
        match buf[..end].iter().rposition(|&b| b == b'\n') {
            Some(begin) => {
                return Ok((
                    Some(String::from_utf8_lossy(&buf[begin + 1..end]).into_owned()),
                    torn,
                ));
            }
            None if start == 0 => {
                return Ok((
                    Some(String::from_utf8_lossy(&buf[..end]).into_owned()),
                    torn,
                ))
            }
            None => block *= 4,
        }
    }
}

/// Appends one entry as one line (O_APPEND, one write) and syncs it to disk.
pub fn append(path: &Path, entry: &Entry) -> io::Result<()> {
    let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
    line.push('\n');
    let existed = path.exists();
    let mut file = OpenOptions::new().append(true).create(true).open(path)?;
    file.write_all(line.as_bytes())?;
    file.sync_all()?;
    if !existed {
        if let Some(dir) = path.parent() {
            super::fsio::sync_dir(dir)?;
        }
    }
    Ok(())
}

/// Cuts a torn last line off the journal.
pub fn truncate_tail(path: &Path, torn: u64) -> io::Result<()> {
    let file = OpenOptions::new().write(true).open(path)?;
    let len = file.metadata()?.len();
    file.set_len(len - torn.min(len))?;
    file.sync_all()
}

/// RFC 3339 in UTC with whole seconds, e.g. `2024-03-01T12:00:00Z`.
///
/// Written here (days to civil date, after Howard Hinnant) rather than taken from `time` or
/// `chrono`: the journal needs exactly this one format and nothing else of a date library.
pub fn rfc3339(at: SystemTime) -> String {
    let secs = match at.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    };
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_294_400)),
            "2024-03-01T12:00:00Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_164_799)),
            "2024-02-28T23:59:59Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(1_709_208_000)),
            "2024-02-29T12:00:00Z"
        );
        assert_eq!(
            rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn last_line_skips_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        assert_eq!(last_line(&path).unwrap(), (None, 0));
        fs::write(&path, "one\ntwo\nthr").unwrap();
        assert_eq!(last_line(&path).unwrap(), (Some("two".into()), 3));
        fs::write(&path, "one\n").unwrap();
        assert_eq!(last_line(&path).unwrap(), (Some("one".into()), 0));
        let long = "x".repeat(100_000);
        fs::write(&path, format!("{long}\n{long}y\nz")).unwrap();
        assert_eq!(last_line(&path).unwrap(), (Some(format!("{long}y")), 1));
        truncate_tail(&path, 1).unwrap();
        assert!(fs::read_to_string(&path).unwrap().ends_with("y\n"));
    }
}
