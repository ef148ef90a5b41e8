//! `talks-bot fact add|edit|remove|show|history|undo`: the operator's front end over the
//! [`Store`], with the same rules as Discord's `/fact`. Each function makes one store call and
//! renders the result; a refusal is written to `err` and gives `Ok(false)` (exit code 1).

use std::io::{self, Write};
use std::path::Path;

use super::input::{read_all, MAX_INPUT_BYTES};
use super::CliError;
use crate::store::{changes_text, parse_fact, Actor, Change, Entry, Store, StoreError, Version};

/// The first line `show` prints: a TOML comment, so the output can be edited and given back to
/// `edit --file`, which then takes the version from it.
pub const VERSION_PREFIX: &str = "# version: ";

/// Reads the fact file given to `--file`; `-` is standard input, read whole up to
/// [`MAX_INPUT_BYTES`] (a larger input is refused, never cut).
pub fn read_input(path: &Path) -> Result<String, CliError> {
    if path == Path::new("-") {
        return Ok(read_all(io::stdin().lock(), MAX_INPUT_BYTES)?);
    }
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Failed(format!("cannot read `{}`: {e}", path.display())))?;
    read_all(file, MAX_INPUT_BYTES)
        .map_err(|e| CliError::Failed(format!("`{}`: {e}", path.display())))
}

/// `fact add --file F`.
pub fn add(
    store: &Store,
    text: &str,
    reason: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let result = parse_fact(text).and_then(|fact| store.add(fact, Actor::cli(), reason));
    finish(result, out, err)
}

/// `fact edit ID --file F [--base-version V]`. Without `--base-version` the version comes from
/// the `# version:` line `show` wrote at the top of the file, and failing that it is the current
/// one, which skips the stale-version check (a note on `err` says so).
pub fn edit(
    store: &Store,
    id: &str,
    text: &str,
    base: Option<Version>,
    reason: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let base = match base.or_else(|| version_line(text)) {
        Some(base) => Ok(base),
        None => store.show(id).map(|shown| {
            let _ = writeln!(
                err,
                "note: no --base-version given; editing the current version {}",
                shown.version
            );
            shown.version
        }),
    };
    let result = base.and_then(|base| {
        parse_fact(text).and_then(|fact| store.edit(id, fact, base, Actor::cli(), reason))
    });
    finish(result, out, err)
}

/// `fact remove ID [--base-version V]`; without a version, the current one (no stale check).
pub fn remove(
    store: &Store,
    id: &str,
    base: Option<Version>,
    reason: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let base = match base {
        Some(base) => Ok(base),
        None => store.show(id).map(|shown| shown.version),
    };
    let result = base.and_then(|base| store.remove(id, base, Actor::cli(), reason));
    finish(result, out, err)
}

/// `fact undo ID [--change SEQ]`: reverts change SEQ (refused if it is undone already or no
/// longer the latest); without it, the latest change not yet undone (no such check).
pub fn undo(
    store: &Store,
    id: &str,
    seq: Option<u64>,
    reason: Option<&str>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let seq = match seq {
        Some(seq) => Ok(seq),
        None => store.undo_target(id).map(|entry| entry.seq),
    };
    finish(
        seq.and_then(|seq| store.undo(id, seq, Actor::cli(), reason)),
        out,
        err,
    )
}

/// `fact show ID`: the `# version:` line, then the file as stored.
pub fn show(
    store: &Store,
    id: &str,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    match store.show(id) {
        Ok(shown) => {
            write!(out, "{VERSION_PREFIX}{}\n{}", shown.version, shown.toml)?;
            Ok(true)
        }
        Err(e) => refused(e, err),
    }
}

/// `fact history ID`: every journaled change, oldest first, as text or JSON lines.
pub fn history(
    store: &Store,
    id: &str,
    json: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let entries = match store.history(id) {
        Ok(entries) => entries,
        Err(e) => return refused(e, err),
    };
    for entry in &entries {
        if json {
            writeln!(out, "{}", serde_json::to_string(entry).unwrap_or_default())?;
        } else {
            write!(out, "{}", entry_text(entry))?;
        }
    }
    if !json && entries.is_empty() {
        writeln!(out, "no journaled changes to `{id}`")?;
    }
    Ok(true)
}

/// An entry as the text `history` shows.
pub fn entry_text(entry: &Entry) -> String {
    let mut text = format!("{}\n", entry.summary());
    let changes = entry.changes();
    if !changes.is_empty() {
        text.push_str(&changes_text(&changes, 20));
        text.push('\n');
    }
    text
}

fn finish(
    result: Result<Change, StoreError>,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool, CliError> {
    let change = match result {
        Ok(change) => change,
        Err(e) => return refused(e, err),
    };
    let entry = &change.entry;
    match change.version {
        Some(version) => writeln!(
            out,
            "{} `{}`: now version {version} (journal #{})",
            past(entry),
            entry.fact,
            entry.seq
        )?,
        None => writeln!(
            out,
            "{} `{}`: the fact is removed (journal #{})",
            past(entry),
            entry.fact,
            entry.seq
        )?,
    }
    for source in &entry.sources_added {
        writeln!(out, "created source `{}` for {}", source.id, source.url)?;
    }
    let changes = entry.changes();
    if !changes.is_empty() {
        writeln!(out, "{}", changes_text(&changes, 20))?;
    }
    Ok(true)
}

fn past(entry: &Entry) -> String {
    match entry.undoes {
        Some(seq) => format!("undid #{seq} on"),
        None => format!("{}", entry.action)
            .replace("add", "added")
            .replace("edit", "edited")
            .replace("remove", "removed"),
    }
}

fn refused(e: StoreError, err: &mut impl Write) -> Result<bool, CliError> {
    if e.is_refusal() {
        writeln!(err, "refused: {e}")?;
        Ok(false)
    } else {
        Err(CliError::Store(e))
    }
}

fn version_line(text: &str) -> Option<Version> {
    text.lines()
        .next()?
        .strip_prefix(VERSION_PREFIX)?
        .trim()
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_line_is_read_back() {
        let v = Version::of(b"x");
        assert_eq!(
            version_line(&format!("{VERSION_PREFIX}{v}\nid = \"x\"\n")),
            Some(v)
        );
        assert_eq!(version_line("id = \"x\"\n"), None);
    }
}
