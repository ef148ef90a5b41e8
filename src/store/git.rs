//! `[store] git_commit`: every change made through the store is also committed to the git
//! repository that holds the knowledge folder, with the member or operator as author and the
//! reason as message, so the fact base can be reviewed, blamed and reverted like code. It runs
//! the `git` program (the one operators already use on that repository) and commits only the
//! files of the change, so anything else staged in the work tree stays out of the commit.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::journal::{Actor, Entry};

/// Who commits: the bot, on behalf of the author (unless the environment names someone).
const COMMITTER: (&str, &str) = ("talks-bot", "talks-bot@localhost");

/// The git work tree that holds a knowledge folder.
#[derive(Debug, Clone)]
pub struct Repo {
    top: PathBuf,
}

impl Repo {
    /// The work tree `dir` is in; the message says why there is none.
    pub fn find(dir: &Path) -> Result<Repo, String> {
        let out = git(dir, &["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("the `git` program cannot be run ({e})"))?;
        if !out.status.success() {
            return Err("the folder is not in a git repository".into());
        }
        let top = String::from_utf8_lossy(&out.stdout).trim().to_string();
        Ok(Repo {
            top: PathBuf::from(top),
        })
    }

    /// Commits the files of one change (those that exist are added, those removed are taken
    /// out of the index) with the entry's actor as author.
    pub fn commit(&self, paths: &[PathBuf], entry: &Entry) -> Result<(), String> {
        let (present, gone): (Vec<&PathBuf>, Vec<&PathBuf>) =
            paths.iter().partition(|path| path.exists());
        if !present.is_empty() {
            self.run(&["add", "--"], &present)?;
        }
        if !gone.is_empty() {
            self.run(
                &["rm", "--cached", "--quiet", "--ignore-unmatch", "--"],
                &gone,
            )?;
        }
        let author = author(&entry.actor);
        let subject = match &entry.reason {
            Some(reason) => reason.lines().next().unwrap_or_default().to_string(),
            None => format!("{} {}", entry.action, entry.fact),
        };
        let body = format!(
            "talks-bot: {} `{}`, journal #{}, by {}",
            entry.action, entry.fact, entry.seq, entry.actor
        );
        let all: Vec<&PathBuf> = paths.iter().collect();
        self.run(
            &[
                "commit",
                "--quiet",
                "--no-edit",
                &format!("--author={author}"),
                "-m",
                &subject,
                "-m",
                &body,
                "--",
            ],
            &all,
        )
    }

    fn run(&self, args: &[&str], paths: &[&PathBuf]) -> Result<(), String> {
        let mut command = Command::new("git");
        command.arg("-C").arg(&self.top).args(args).args(paths);
        for (var, value) in [
            ("GIT_COMMITTER_NAME", COMMITTER.0),
            ("GIT_COMMITTER_EMAIL", COMMITTER.1),
        ] {
            if std::env::var_os(var).is_none() {
                command.env(var, value);
            }
        }
        let out = command
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "git {} failed: {}",
                args[0],
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        }
    }
}

fn git(dir: &Path, args: &[&str]) -> std::io::Result<Output> {
    Command::new("git").arg("-C").arg(dir).args(args).output()
}

/// `Name <address>` for git: the member's name and an address that is not anyone's mail (the
/// `.invalid` domain), made from the Discord id or the operator's name.
fn author(actor: &Actor) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '<' | '>' | '\n' | '\r') && !c.is_control())
            .collect::<String>()
            .trim()
            .to_string()
    };
    let local = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '-'
                }
            })
            .collect()
    };
    match actor {
        Actor::Discord { id, name } => {
            format!("{} <discord-{id}@talks-bot.invalid>", clean(name))
        }
        Actor::Cli { user } => format!("{} <{}@talks-bot.invalid>", clean(user), local(user)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_are_names_with_addresses_that_are_nobodys_mail() {
        assert_eq!(
            author(&Actor::discord(42, "alice <x>")),
            "alice x <discord-42@talks-bot.invalid>"
        );
        assert_eq!(
            author(&Actor::Cli {
                user: "Jo Smith".into()
            }),
            "Jo Smith <Jo-Smith@talks-bot.invalid>"
        );
    }
}
