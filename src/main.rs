//! The `talks-bot` binary: parses arguments, starts tracing, loads the configuration and the
//! fact base, and hands over to a front end.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use talks_bot::cli::{self, CliError};
use talks_bot::config::{Config, TOKEN_ENV};
use talks_bot::discord::{self, Shards};
use talks_bot::{Engine, Store};

#[derive(Parser)]
#[command(
    name = "talks-bot",
    version,
    about = "Sourced answers about the intra-Palestinian meeting in Moscow (2024)"
)]
struct Args {
    /// The knowledge folder [default: from the config, else ./knowledge]
    #[arg(long, global = true, value_name = "DIR")]
    knowledge: Option<PathBuf>,
    /// The configuration file [default: ./config.toml if it exists]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Answer one question ("-" with --json: one question a line from standard input)
    Ask {
        /// Print one JSON object
        #[arg(long)]
        json: bool,
        /// Show how the question was read and scored, before the answer
        #[arg(long)]
        explain: bool,
        /// Read the question in this language (en, ar, ru, it, fr) instead of detecting it
        #[arg(long, value_name = "LANG", value_parser = parse_lang)]
        lang: Option<talks_bot::text::Lang>,
        /// The question (several words are joined)
        #[arg(required = true, num_args = 1.., allow_hyphen_values = true)]
        question: Vec<String>,
    },
    /// Ask questions interactively
    Chat,
    /// Validate the knowledge folder and list every problem
    Check,
    /// List every fact
    Facts {
        /// Export as JSON
        #[arg(long)]
        json: bool,
    },
    /// Run evaluation sets and report accuracy, calibration and every miss, per set
    Eval {
        /// Evaluation files (TOML, [[case]] tables)
        #[arg(required = true, num_args = 1..)]
        files: Vec<PathBuf>,
        /// Exit with 1 when answered-right or declined-right is below this share in any set
        #[arg(long, default_value_t = 0.0)]
        min: f64,
        /// Write each set's per-question outcomes to DIR/<set>.tsv (the reviewed record)
        #[arg(long, value_name = "DIR")]
        outcomes: Option<PathBuf>,
        /// Use this confidence model instead of the shipped one (a file `train` wrote)
        #[arg(long, value_name = "FILE")]
        model: Option<PathBuf>,
    },
    /// Train the confidence model: weights on --train sets, calibration on --dev sets
    Train {
        /// Training sets
        #[arg(long = "train", required = true, num_args = 1..)]
        train: Vec<PathBuf>,
        /// Development sets (calibration)
        #[arg(long = "dev", required = true, num_args = 1..)]
        dev: Vec<PathBuf>,
        /// Where to write the model [default: standard output]
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// The events of the talks in date order, with their facts; the picture with --png/--svg
    Timeline {
        /// From this date (YYYY-MM-DD, YYYY-MM or YYYY)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// To this date (YYYY-MM-DD, YYYY-MM or YYYY)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        /// Print {"events": [...]} as JSON
        #[arg(long)]
        json: bool,
        /// Draw the picture to this PNG file
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
        /// Draw the picture to this SVG file
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Highlight this fact's events in the picture
        #[arg(long, value_name = "FACT")]
        highlight: Option<String>,
    },
    /// Run the Discord bot (token from DISCORD_TOKEN or [discord] token in the config)
    Serve {
        /// Run only shards START..END (END excluded) of --total, e.g. 0..4; default: autosharding
        #[arg(long, value_name = "START..END", requires = "total")]
        shards: Option<String>,
        /// The total number of shards of the bot, with --shards
        #[arg(long, value_name = "N", requires = "shards")]
        total: Option<u32>,
    },
    /// Add, edit, remove, show and undo facts; every change is checked and journaled
    Fact {
        #[command(subcommand)]
        action: FactAction,
    },
}

#[derive(Subcommand)]
enum FactAction {
    /// Add a new fact from a TOML file (the layout of knowledge/facts/*.toml)
    Add {
        /// The fact as TOML ("-" for standard input)
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// Why, for the journal
        #[arg(long)]
        reason: Option<String>,
    },
    /// Replace a fact with the one in a TOML file
    Edit {
        /// The fact's id
        id: String,
        /// The new fact as TOML ("-" for standard input)
        #[arg(long, value_name = "FILE")]
        file: PathBuf,
        /// The version you started from (from `fact show`); refused if the fact changed since.
        /// Default: the `# version:` line of the file, else the current version (no check)
        #[arg(long, value_name = "V")]
        base_version: Option<talks_bot::Version>,
        /// Why, for the journal
        #[arg(long)]
        reason: Option<String>,
    },
    /// Remove a fact
    Remove {
        /// The fact's id
        id: String,
        /// The version you saw (from `fact show`); default: the current version (no check)
        #[arg(long, value_name = "V")]
        base_version: Option<talks_bot::Version>,
        /// Why, for the journal
        #[arg(long)]
        reason: Option<String>,
    },
    /// Print a fact's file with its version
    Show {
        /// The fact's id
        id: String,
    },
    /// List the journaled changes to a fact, oldest first
    History {
        /// The fact's id
        id: String,
        /// One JSON object a line, as in the journal
        #[arg(long)]
        json: bool,
    },
    /// Revert the latest change to a fact (again to step further back)
    Undo {
        /// The fact's id
        id: String,
        /// The journal change you mean to revert (from `history`); refused if it was undone
        /// already or is no longer the latest. Default: the latest (no check)
        #[arg(long, value_name = "SEQ")]
        change: Option<u64>,
        /// Why, for the journal
        #[arg(long)]
        reason: Option<String>,
    },
}

/// A language code the bot reads, for `--lang`.
fn parse_lang(code: &str) -> Result<talks_bot::text::Lang, String> {
    talks_bot::text::Lang::from_code(code).ok_or_else(|| {
        format!(
            "`{code}` is not a language the bot reads; use one of {}",
            talks_bot::text::Lang::all()
                .map(talks_bot::text::Lang::code)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

fn main() -> ExitCode {
    let args = Args::parse();
    // The bot logs one line per question at info; the terminal commands only warnings.
    let default_filter = match args.command {
        Command::Serve { .. } => "warn,talks_bot=info",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter)),
        )
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .init();
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        // A closed pipe (`talks-bot facts | head`) is the reader's choice, not an error.
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(args: Args) -> Result<bool, CliError> {
    let config =
        Config::load(args.config.as_deref()).map_err(|e| CliError::Failed(e.to_string()))?;
    let dir = args
        .knowledge
        .or(config.knowledge.clone())
        .unwrap_or_else(|| PathBuf::from("knowledge"));
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let command = match args.command {
        Command::Check => return cli::check(&dir, &mut out),
        Command::Fact { action } => return fact(&dir, &config, action, &mut out),
        Command::Serve { shards, total } => return serve(config, &dir, shards.as_deref(), total),
        command => command,
    };
    let engine = Engine::load(&dir, config.matching)?;
    match command {
        Command::Ask {
            json,
            explain,
            lang,
            question,
        } => {
            let reading = talks_bot::engine::Reading {
                force: lang,
                ..Default::default()
            };
            if explain {
                cli::explain(&engine, &question.join(" "), &mut out)?;
            }
            if json && question.len() == 1 && question[0] == "-" {
                cli::ask_lines(&engine, reading, io::stdin().lock(), &mut out)?;
            } else if question.len() == 1 && question[0] == "-" {
                let text = cli::input::read_all(io::stdin().lock(), cli::input::MAX_INPUT_BYTES)?;
                cli::ask(&engine, reading, &text, false, &mut out)?;
            } else {
                cli::ask(&engine, reading, &question.join(" "), json, &mut out)?;
            }
            Ok(true)
        }
        Command::Chat => {
            let stdin = io::stdin();
            let prompt = stdin.is_terminal();
            cli::chat(&engine, stdin.lock(), &mut out, prompt)?;
            Ok(true)
        }
        Command::Facts { json } => {
            cli::facts(&engine, json, &mut out)?;
            Ok(true)
        }
        Command::Eval {
            files,
            min,
            outcomes,
            model,
        } => {
            let engine = match model {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| {
                        CliError::Failed(format!("cannot read `{}`: {e}", path.display()))
                    })?;
                    let model = talks_bot::matcher::Model::from_toml(&text)
                        .map_err(|e| CliError::Failed(format!("{}: {e}", path.display())))?;
                    Engine::with_model(engine.knowledge().clone(), config.matching, model)
                }
                None => engine,
            };
            cli::eval(&engine, &files, min, outcomes.as_deref(), &mut out)
        }
        Command::Timeline {
            from,
            to,
            json,
            png,
            svg,
            highlight,
        } => {
            let args = cli::timeline::Args {
                from,
                to,
                json,
                png,
                svg,
                highlight,
            };
            cli::timeline::timeline(&engine, &args, &mut out)
        }
        Command::Train {
            train,
            dev,
            out: file,
        } => {
            cli::train(&engine, &train, &dev, file.as_deref(), &mut out)?;
            Ok(true)
        }
        Command::Check | Command::Fact { .. } | Command::Serve { .. } => {
            unreachable!("handled above")
        }
    }
}

fn fact(
    dir: &Path,
    config: &Config,
    action: FactAction,
    out: &mut impl Write,
) -> Result<bool, CliError> {
    let err = &mut io::stderr().lock();
    // Reading takes no lock and writes nothing (it works while another process writes, and
    // on a full disk); changes wait for the lock at most the configured time.
    let store = match &action {
        FactAction::Show { .. } | FactAction::History { .. } => Store::reader(dir)?,
        _ => Store::open_with(dir, config.store.lock_timeout())?,
    };
    match action {
        FactAction::Add { file, reason } => cli::fact::add(
            &store,
            &cli::fact::read_input(&file)?,
            reason.as_deref(),
            out,
            err,
        ),
        FactAction::Edit {
            id,
            file,
            base_version,
            reason,
        } => {
            let text = cli::fact::read_input(&file)?;
            cli::fact::edit(
                &store,
                &id,
                &text,
                base_version,
                reason.as_deref(),
                out,
                err,
            )
        }
        FactAction::Remove {
            id,
            base_version,
            reason,
        } => cli::fact::remove(&store, &id, base_version, reason.as_deref(), out, err),
        FactAction::Show { id } => cli::fact::show(&store, &id, out, err),
        FactAction::History { id, json } => cli::fact::history(&store, &id, json, out, err),
        FactAction::Undo { id, change, reason } => {
            cli::fact::undo(&store, &id, change, reason.as_deref(), out, err)
        }
    }
}

/// `talks-bot serve`: checks the token first (exits at once without one), loads the fact base
/// and hands over to the Discord adapter until SIGINT or SIGTERM.
fn serve(
    config: Config,
    dir: &Path,
    shards: Option<&str>,
    total: Option<u32>,
) -> Result<bool, CliError> {
    let shards = match (shards, total) {
        (Some(spec), Some(total)) => {
            Shards::range(spec, total).map_err(|e| CliError::Failed(format!("--shards: {e}")))?
        }
        _ => Shards::Auto,
    };
    let token = config.token(std::env::var(TOKEN_ENV).ok()).ok_or_else(|| {
        CliError::Failed(format!(
            "no Discord bot token: set {TOKEN_ENV} in the environment, or `token` in the \
             [discord] table of config.toml (see config.example.toml)"
        ))
    })?;
    let engine = Engine::load(dir, config.matching)?;
    tracing::info!(facts = engine.knowledge().facts().len(), %shards, "starting the Discord bot");
    discord::run(
        config.discord,
        config.store,
        token,
        talks_bot::shared(engine),
        shards,
    )
    .map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(true)
}
