//! Reading `knowledge/` from disk: every file parsed, every problem collected.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::{check, Alias, Fact, FileKind, KnowledgeBase, LoadedFile, Problem, Source};

/// Why a knowledge folder could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(
        "knowledge folder `{path}` not found (it should hold facts/ and sources/): run from the \
         repository root or pass --knowledge DIR"
    )]
    Missing { path: PathBuf },
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "the knowledge in `{}` has {} problem(s); fix them (run `talks-bot check` to list them):\n{}",
        dir.display(),
        problems.len(),
        problems.iter().take(20).map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n")
    )]
    Invalid {
        dir: PathBuf,
        problems: Vec<Problem>,
    },
}

impl LoadError {
    fn io(path: &Path, source: io::Error) -> Self {
        LoadError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AliasFile {
    #[serde(default)]
    alias: Vec<Alias>,
}

impl KnowledgeBase {
    /// Loads and checks a knowledge folder; any problem makes it an error.
    pub fn load(dir: &Path) -> Result<KnowledgeBase, LoadError> {
        let (kb, problems) = Self::load_unchecked(dir)?;
        let mut problems = problems;
        problems.extend(check(&kb));
        if problems.is_empty() {
            Ok(kb)
        } else {
            Err(LoadError::Invalid {
                dir: dir.to_path_buf(),
                problems,
            })
        }
    }

    /// Reads every file of a knowledge folder. Files that do not parse are left out and reported
    /// as problems; the semantic checks are [`check`]'s.
    pub fn load_unchecked(dir: &Path) -> Result<(KnowledgeBase, Vec<Problem>), LoadError> {
        let facts_dir = dir.join("facts");
        let sources_dir = dir.join("sources");
        if !facts_dir.is_dir() || !sources_dir.is_dir() {
            return Err(LoadError::Missing {
                path: dir.to_path_buf(),
            });
        }
        let mut kb = KnowledgeBase {
            dir: dir.to_path_buf(),
            ..Default::default()
        };
        let mut problems = Vec::new();

        for path in toml_files(&facts_dir)? {
            let raw = fs::read_to_string(&path).map_err(|e| LoadError::io(&path, e))?;
            if let Some(fact) = parse::<Fact>(&path, &raw, &mut problems) {
                kb.files.push(LoadedFile {
                    path,
                    raw,
                    kind: FileKind::Fact(kb.facts.len()),
                });
                kb.facts.push(fact);
            }
        }

        for path in toml_files(&sources_dir)? {
            let raw = fs::read_to_string(&path).map_err(|e| LoadError::io(&path, e))?;
            if let Some(mut source) = parse::<Source>(&path, &raw, &mut problems) {
                if let Some(name) = &source.text {
                    let text_path = sources_dir.join(name);
                    match fs::read_to_string(&text_path) {
                        Ok(text) => source.body = Some(strip_header(&text).to_string()),
                        Err(e) => problems.push(Problem {
                            file: path.clone(),
                            line: super::check::line_of(&raw, &["text"]),
                            field: Some("text".into()),
                            message: format!(
                                "cannot read the stored text `{}`: {e}",
                                text_path.display()
                            ),
                        }),
                    }
                }
                kb.files.push(LoadedFile {
                    path,
                    raw,
                    kind: FileKind::Source(kb.sources.len()),
                });
                kb.sources.push(source);
            }
        }

        let aliases_path = dir.join("aliases.toml");
        if aliases_path.exists() {
            let raw =
                fs::read_to_string(&aliases_path).map_err(|e| LoadError::io(&aliases_path, e))?;
            if let Some(file) = parse::<AliasFile>(&aliases_path, &raw, &mut problems) {
                kb.aliases = file.alias;
                kb.files.push(LoadedFile {
                    path: aliases_path,
                    raw,
                    kind: FileKind::Aliases,
                });
            }
        }

        let (files, folder_problems) = super::translation::translation_files(dir);
        problems.extend(folder_problems);
        for (lang, path) in files {
            let raw = fs::read_to_string(&path).map_err(|e| LoadError::io(&path, e))?;
            if let Some(mut t) = parse::<super::Translation>(&path, &raw, &mut problems) {
                t.lang = lang;
                t.fact = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                kb.files.push(LoadedFile {
                    path,
                    raw,
                    kind: FileKind::Translation(kb.translations.len()),
                });
                kb.translations.push(t);
            }
        }

        kb.reindex();
        Ok((kb, problems))
    }
}

/// The `.toml` files of a folder, sorted by name; hidden files (editors', the store's
/// temporaries) are skipped.
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    let entries = fs::read_dir(dir).map_err(|e| LoadError::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| LoadError::io(dir, e))?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') && name.ends_with(".toml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

fn parse<T: DeserializeOwned>(path: &Path, raw: &str, problems: &mut Vec<Problem>) -> Option<T> {
    match toml::from_str::<T>(raw) {
        Ok(value) => Some(value),
        Err(e) => {
            let line = e.span().map(|span| line_at(raw, span.start));
            problems.push(Problem {
                file: path.to_path_buf(),
                line,
                field: None,
                message: e.message().trim().to_string(),
            });
            None
        }
    }
}

/// The 1-based line of a byte offset.
pub(crate) fn line_at(raw: &str, offset: usize) -> usize {
    raw.as_bytes()[..offset.min(raw.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// A stored text without its header: the leading lines that start with `#`.
pub fn strip_header(text: &str) -> &str {
    let mut rest = text;
    while rest.starts_with('#') {
        rest = rest.split_once('\n').map_or("", |(_, tail)| tail);
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_skipped() {
        assert_eq!(
            strip_header("# a\n# b\nbody\n# not header\n"),
            "body\n# not header\n"
        );
        assert_eq!(strip_header("# only"), "");
        assert_eq!(strip_header("body"), "body");
    }

    #[test]
    fn line_at_counts_from_one() {
        assert_eq!(line_at("a\nb\nc", 0), 1);
        assert_eq!(line_at("a\nb\nc", 2), 2);
        assert_eq!(line_at("a\nb\nc", 99), 3);
    }
}
