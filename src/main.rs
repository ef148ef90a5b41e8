//! The `talks-bot` binary: parses arguments, starts tracing, loads the configuration and the
//! fact base, and hands over to a front end.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

use talks_bot::cli::{self, CliError};
use talks_bot::config::{Config, LogFormat, TOKEN_ENV};
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
        /// Label the events in this language (en, ar, ru, it, fr) where they are translated
        #[arg(long, value_name = "LANG", value_parser = parse_lang, default_value = "en")]
        lang: talks_bot::text::Lang,
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
    /// Print the URL that adds the bot to a server (scopes and permissions included)
    Invite {
        /// The application id [default: read from the token, DISCORD_TOKEN or [discord] token]
        #[arg(long, value_name = "ID")]
        client_id: Option<u64>,
    },
    /// Print a shell completion script: talks-bot completions bash > /etc/bash_completion.d/talks-bot
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Add, edit, remove, show and undo facts; every change is checked and journaled
    Fact {
        /// Who makes the change, for the journal [default: $USER, else $LOGNAME; with neither,
        /// a change is refused until a name is given]
        #[arg(long = "as", value_name = "NAME", global = true)]
        as_name: Option<String>,
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
    if let Command::Completions { shell } = args.command {
        // Needs neither the configuration nor the knowledge.
        clap_complete::generate(shell, &mut Args::command(), "talks-bot", &mut io::stdout());
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(args.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    start_tracing(&args.command, config.log_format);
    match run(args, config) {
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

/// Logs to standard error: `RUST_LOG`, else one line per question at info for the bot and
/// only warnings for the terminal commands; as text, or JSON lines (`log_format = "json"`).
fn start_tracing(command: &Command, format: LogFormat) {
    let default_filter = match command {
        Command::Serve { .. } => "warn,talks_bot=info",
        _ => "warn",
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(io::stderr);
    match format {
        LogFormat::Json => builder.json().with_current_span(false).init(),
        LogFormat::Text => builder.with_ansi(io::stderr().is_terminal()).init(),
    }
}

fn run(args: Args, config: Config) -> Result<bool, CliError> {
    let dir = args
        .knowledge
        .or(config.knowledge.clone())
        .unwrap_or_else(|| PathBuf::from("knowledge"));
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let command = match args.command {
        Command::Check => return cli::check(&dir, &mut out),
        Command::Fact { as_name, action } => {
            return fact(&dir, &config, as_name.as_deref(), action, &mut out)
        }
        Command::Serve { shards, total } => return serve(config, &dir, shards.as_deref(), total),
        Command::Invite { client_id } => return invite(&config, client_id, &mut out),
        command => command,
    };
    // One question, or a few, reads one or two languages: the others are indexed on need.
    let engine = Engine::load_lazily(&dir, config.matching)?;
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
            let look = cli::chat::Look::for_stdout();
            let stdin = io::stdin();
            if stdin.is_terminal() {
                cli::chat::chat_terminal(&engine, &mut out, look)?;
            } else {
                cli::chat::chat_with(&engine, stdin.lock(), &mut out, false, look)?;
            }
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
            engine.warm(); // every language is read
            cli::eval(&engine, &files, min, outcomes.as_deref(), &mut out)
        }
        Command::Timeline {
            from,
            to,
            json,
            png,
            svg,
            highlight,
            lang,
        } => {
            let args = cli::timeline::Args {
                from,
                to,
                json,
                png,
                svg,
                highlight,
                lang,
            };
            cli::timeline::timeline(&engine, &args, &mut out)
        }
        Command::Train {
            train,
            dev,
            out: file,
        } => {
            engine.warm();
            cli::train(&engine, &train, &dev, file.as_deref(), &mut out)?;
            Ok(true)
        }
        Command::Check
        | Command::Fact { .. }
        | Command::Serve { .. }
        | Command::Invite { .. }
        | Command::Completions { .. } => {
            unreachable!("handled above")
        }
    }
}

fn fact(
    dir: &Path,
    config: &Config,
    as_name: Option<&str>,
    action: FactAction,
    out: &mut impl Write,
) -> Result<bool, CliError> {
    let err = &mut io::stderr().lock();
    // Reading takes no lock and writes nothing (it works while another process writes, and
    // on a full disk); changes wait for the lock at most the configured time, and say who.
    if let FactAction::Show { id } = &action {
        return cli::fact::show(&Store::reader(dir)?, id, out, err);
    }
    if let FactAction::History { id, json } = &action {
        return cli::fact::history(&Store::reader(dir)?, id, *json, out, err);
    }
    let who = match cli::fact::operator(as_name) {
        Ok(who) => who,
        Err(message) => return cli::fact::refuse(&message, err),
    };
    let store = config.store.open(dir)?;
    match action {
        FactAction::Add { file, reason } => cli::fact::add(
            &store,
            who,
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
                who,
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
        } => cli::fact::remove(&store, who, &id, base_version, reason.as_deref(), out, err),
        FactAction::Undo { id, change, reason } => {
            cli::fact::undo(&store, who, &id, change, reason.as_deref(), out, err)
        }
        FactAction::Show { .. } | FactAction::History { .. } => unreachable!("handled above"),
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
        &config.metrics,
        token,
        talks_bot::shared(engine),
        shards,
    )
    .map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(true)
}

/// `talks-bot invite`: the URL that adds the bot to a server.
fn invite(config: &Config, client_id: Option<u64>, out: &mut impl Write) -> Result<bool, CliError> {
    let id = match client_id {
        Some(id) => id,
        None => {
            let token = config.token(std::env::var(TOKEN_ENV).ok()).ok_or_else(|| {
                CliError::Failed(format!(
                    "no application id: pass --client-id ID (the developer portal's General \
                     Information > Application ID), or set {TOKEN_ENV} to read it from the token"
                ))
            })?;
            discord::invite::client_id(&token).ok_or_else(|| {
                CliError::Failed(
                    "the token does not have the shape of a Discord bot token, so the \
                     application id cannot be read from it; pass --client-id ID"
                        .into(),
                )
            })?
        }
    };
    writeln!(out, "{}", discord::invite::url(id))?;
    Ok(true)
}
