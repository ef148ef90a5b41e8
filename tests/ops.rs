//! Running the bot, through the binary: the metrics endpoint and health check (real HTTP GETs
//! while `serve` runs against the fake Discord, reachable or not), JSON logs, `invite`,
//! `completions`, `chat` at the terminal's habits, and the systemd unit.

mod common;
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use support::fake_discord::{self as fake, FakeDiscord, From};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A free port on loopback (bound, then released for the bot to take).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET: the status code and the body. `None` while nothing listens.
async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut response))
        .await
        .ok()?
        .ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

/// GETs `path` until `done` holds for the answer (at most 20 s).
async fn get_until(port: u16, path: &str, done: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut last = None;
    while tokio::time::Instant::now() < deadline {
        if let Some((status, body)) = get(port, path).await {
            if done(status, &body) {
                return (status, body);
            }
            last = Some((status, body));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("GET {path} never gave what was expected; last: {last:?}");
}

/// `talks-bot serve` from a config.toml that points at `fake` and has `extra` appended.
struct Serve {
    child: tokio::process::Child,
    dir: tempfile::TempDir,
}

impl Serve {
    fn start(fake: &FakeDiscord, extra: &str) -> Serve {
        Serve::start_on(fake, extra, &common::shipped())
    }

    /// As [`Serve::start`], answering from the knowledge folder `knowledge`.
    fn start_on(fake: &FakeDiscord, extra: &str, knowledge: &Path) -> Serve {
        let dir = tempfile::tempdir().unwrap();
        let config = format!(
            "{extra}\n[discord]\napi_base = \"{}\"\nuser_cooldown_seconds = 0\nfeedback_log = \"{}\"\n",
            fake.rest_url,
            dir.path().join("feedback.jsonl").display()
        );
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let child = tokio::process::Command::new(env!("CARGO_BIN_EXE_talks-bot"))
            .current_dir(dir.path())
            .arg("--knowledge")
            .arg(knowledge)
            .arg("serve")
            .env(talks_bot::config::TOKEN_ENV, fake::TOKEN)
            .env_remove("RUST_LOG")
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        Serve { child, dir }
    }

    /// SIGTERM, then the exit status and what it logged.
    async fn stop(mut self) -> (std::process::ExitStatus, String) {
        let pid = self.child.id().unwrap().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let status = tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("exits within 20 s of SIGTERM")
            .unwrap();
        let log = std::fs::read_to_string(self.dir.path().join("stderr.log")).unwrap();
        (status, log)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_healthz_answer_while_discord_is_unreachable() {
    let fake = FakeDiscord::start().await;
    fake.unreachable_gateway().await;
    let port = free_port();
    let serve = Serve::start(&fake, &format!("[metrics]\nlisten = \"127.0.0.1:{port}\""));
    let (status, body) = get_until(port, "/healthz", |_, _| true).await;
    assert_eq!(status, 503, "no shard is connected: {body}");
    // Still 503 once the bot has tried the gateway and failed.
    fake.wait_for("the gateway lookup", |r| r.path == "/api/v10/gateway/bot")
        .await;
    let (status, _) = get(port, "/healthz").await.unwrap();
    assert_eq!(status, 503);
    let (status, metrics) = get_until(port, "/metrics", |_, body| {
        body.contains("talks_bot_knowledge_facts ")
    })
    .await;
    assert_eq!(status, 200);
    let facts = std::fs::read_dir(common::shipped().join("facts"))
        .unwrap()
        .count();
    assert!(
        metrics.contains(&format!("talks_bot_knowledge_facts {facts}")),
        "{metrics}"
    );
    assert!(
        metrics.contains("talks_bot_shards_connected 0"),
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE talks_bot_shards_connected gauge"),
        "{metrics}"
    );
    assert_eq!(get(port, "/nothing").await.unwrap().0, 404);
    let (status, log) = serve.stop().await;
    assert!(status.success(), "{status}: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_is_200_when_connected_and_questions_are_counted_in_json_logs() {
    let fake = FakeDiscord::start().await;
    let port = free_port();
    let serve = Serve::start(
        &fake,
        &format!("log_format = \"json\"\n[metrics]\nlisten = \"127.0.0.1:{port}\""),
    );
    fake.wait_for("command registration", |r| r.method == "PUT")
        .await;
    let (status, _) = get_until(port, "/healthz", |status, _| status == 200).await;
    assert_eq!(status, 200);
    fake.ask(fake::message(
        fake.id(),
        From::dm(8),
        "who took part?",
        false,
    ))
    .await;
    fake.ask(fake::message(
        fake.id(),
        From::dm(9),
        "what is Lavrov's favourite food?",
        false,
    ))
    .await;
    let (_, metrics) = get_until(port, "/metrics", |_, body| {
        body.contains("outcome=\"declined\"")
    })
    .await;
    for wanted in [
        "talks_bot_questions_total{origin=\"dm\",outcome=\"answered\"} 1",
        "talks_bot_questions_total{origin=\"dm\",outcome=\"declined\"} 1",
        "talks_bot_answer_seconds_count 2",
        "talks_bot_answer_seconds_bucket{le=\"0.1\"} 2",
        "talks_bot_shards_connected 1",
        "# TYPE talks_bot_answer_seconds histogram",
    ] {
        assert!(metrics.contains(wanted), "{wanted} in:\n{metrics}");
    }
    let (status, log) = serve.stop().await;
    assert!(status.success(), "{status}: {log}");
    // One JSON object a line, the question lines with their fields.
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let question = lines
        .iter()
        .find(|l| l["fields"]["message"] == "question" && l["fields"]["origin"] == "Dm")
        .unwrap_or_else(|| panic!("a question line in {log}"));
    assert_eq!(question["level"], "INFO");
    assert_eq!(question["fields"]["fact"], "meeting-participants");
    assert!(!log.contains(fake::TOKEN), "the token is never logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reloads_of_the_knowledge_folder_are_counted_by_result() {
    let fake = FakeDiscord::start().await;
    let knowledge = common::copy_knowledge();
    let dir = knowledge.path().join("knowledge");
    let facts = std::fs::read_dir(dir.join("facts")).unwrap().count();
    let port = free_port();
    let serve = Serve::start_on(
        &fake,
        &format!("[metrics]\nlisten = \"127.0.0.1:{port}\""),
        &dir,
    );
    fake.wait_for("command registration", |r| r.method == "PUT")
        .await;
    let (_, metrics) = get_until(port, "/metrics", |_, body| {
        body.contains(&format!("talks_bot_knowledge_facts {facts}"))
    })
    .await;
    assert!(
        !metrics.contains("talks_bot_reloads_total{"),
        "loading at start-up is no reload: {metrics}"
    );
    // A file changed on disk and still valid: reloaded.
    let file = dir.join("facts/meeting-dates.toml");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n# touched by an operator\n");
    std::fs::write(&file, text).unwrap();
    let (_, metrics) = get_until(port, "/metrics", |_, body| {
        body.contains("talks_bot_reloads_total{result=\"ok\"}")
    })
    .await;
    assert!(!metrics.contains("result=\"failed\""), "{metrics}");
    // A broken file: the reload fails, and the bot keeps answering from the last good base.
    std::fs::write(dir.join("facts/broken.toml"), "this is = not [ toml").unwrap();
    let (_, metrics) = get_until(port, "/metrics", |_, body| {
        body.contains("talks_bot_reloads_total{result=\"failed\"} 1")
    })
    .await;
    assert!(
        metrics.contains(&format!("talks_bot_knowledge_facts {facts}")),
        "{metrics}"
    );
    assert!(
        metrics.contains("# TYPE talks_bot_reloads_total counter"),
        "{metrics}"
    );
    let (status, log) = serve.stop().await;
    assert!(status.success(), "{status}: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_address_in_use_stops_serve_at_once_with_what_to_do() {
    let fake = FakeDiscord::start().await;
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut serve = Serve::start(&fake, &format!("[metrics]\nlisten = \"127.0.0.1:{port}\""));
    let status = tokio::time::timeout(Duration::from_secs(20), serve.child.wait())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let log = std::fs::read_to_string(serve.dir.path().join("stderr.log")).unwrap();
    assert!(
        log.contains(&format!("listen = \"127.0.0.1:{port}\"")) && log.contains("choose a free"),
        "{log}"
    );
    assert!(
        !fake.requests().iter().any(|r| r.path.contains("gateway")),
        "nothing is asked of Discord"
    );
}

#[test]
fn invite_prints_the_url_with_scopes_and_permissions() {
    let url = |out: std::process::Output| {
        assert!(out.status.success(), "{out:?}");
        text(&out.stdout).trim().to_string()
    };
    let given = url(common::talks_bot()
        .args(["invite", "--client-id", "42"])
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap());
    assert_eq!(
        given,
        "https://discord.com/oauth2/authorize?client_id=42&scope=bot+applications.commands&permissions=274877992000"
    );
    // From the token: its first part is the application id in base64.
    let from_token = url(common::talks_bot()
        .arg("invite")
        .env("DISCORD_TOKEN", "MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.signature")
        .output()
        .unwrap());
    assert!(
        from_token.contains("client_id=123456789012345678&"),
        "{from_token}"
    );
    let none = common::talks_bot()
        .arg("invite")
        .env_remove("DISCORD_TOKEN")
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("--client-id"), "{none:?}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _talks__bot"),
        ("zsh", "#compdef talks-bot"),
        ("fish", "complete -c talks-bot"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = common::talks_bot()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        for sub in ["serve", "invite", "completions", "undo"] {
            assert!(script.contains(sub), "{shell} completes {sub}");
        }
    }
    // The bash script is valid bash.
    if Command::new("bash").arg("--version").output().is_ok() {
        let script = common::talks_bot()
            .args(["completions", "bash"])
            .output()
            .unwrap()
            .stdout;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("talks-bot.bash");
        std::fs::write(&file, script).unwrap();
        let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
        assert!(check.status.success(), "{check:?}");
    }
}

/// `chat` with piped input and the environment given.
fn chat(input: &str, env: &[(&str, &str)]) -> String {
    let mut command = common::talks_bot();
    command
        .arg("chat")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    for (var, value) in env {
        command.env(var, value);
    }
    let mut child = command.spawn().unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    text(&out.stdout)
}

#[test]
fn chat_asks_a_listed_follow_up_by_its_number() {
    let engine = talks_bot::Engine::load(&common::shipped(), Default::default()).unwrap();
    let first = engine.ask("who opened the meeting?");
    let second = first.related[1];
    let out = chat("who opened the meeting?\n2\n", &[]);
    assert!(out.contains(&format!("  2. {}", second.question)), "{out}");
    assert!(out.contains(&format!("[fact {} |", second.id)), "{out}");
    // A number with no list before it is a question like any other.
    let out = chat("7\n", &[]);
    match engine.ask("7").fact() {
        Some(fact) => assert!(out.contains(&format!("[fact {} |", fact.id)), "{out}"),
        None => assert!(!out.contains("[fact "), "{out}"),
    }
    // Suggestions are numbered too.
    let unsure = (["lavrov speech", "moscow declaration", "hamas fatah"])
        .into_iter()
        .find(|q| !engine.ask(q).suggestions.is_empty());
    if let Some(question) = unsure {
        let suggested = engine.ask(question).suggestions[0];
        let out = chat(&format!("{question}\n1\n"), &[]);
        assert!(out.contains(&format!("[fact {} |", suggested.id)), "{out}");
    }
}

#[test]
fn chat_colours_only_when_the_output_takes_colour() {
    const ESC: char = '\u{1b}';
    let question = "who opened the meeting?\n";
    assert!(
        !chat(question, &[]).contains(ESC),
        "not a terminal: no colour"
    );
    let forced = chat(question, &[("CLICOLOR_FORCE", "1")]);
    assert!(forced.contains(&format!("{ESC}[1mSources:")), "{forced:?}");
    let no_color = chat(question, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!no_color.contains(ESC), "NO_COLOR wins: {no_color:?}");
}

#[test]
fn the_systemd_unit_passes_systemd_analyze_verify() {
    let unit = Path::new(env!("CARGO_MANIFEST_DIR")).join("contrib/talks-bot.service");
    let unit_text = std::fs::read_to_string(&unit).unwrap();
    for line in [
        "WorkingDirectory=/srv/talks-bot",
        "EnvironmentFile=/etc/talks-bot.env",
        "Restart=on-failure",
        "User=talks-bot",
        "ExecStart=/usr/local/bin/talks-bot serve --config /srv/talks-bot/config.toml",
    ] {
        assert!(
            unit_text.lines().any(|l| l == line),
            "{line} in {}",
            unit.display()
        );
    }
    assert!(!unit_text.lines().any(|l| l == "User=root"), "not as root");
    if Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: systemd-analyze is not installed, so the unit is not verified");
        return;
    }
    // The unit as installed names /usr/local/bin/talks-bot; verify checks that the program
    // exists, so the copy verified here names the binary just built.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("talks-bot.service");
    std::fs::write(
        &copy,
        unit_text.replace("/usr/local/bin/talks-bot", env!("CARGO_BIN_EXE_talks-bot")),
    )
    .unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&copy)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "systemd-analyze verify: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    // The command line of ExecStart is one the binary takes.
    let help = Command::new(env!("CARGO_BIN_EXE_talks-bot"))
        .args(["serve", "--config", "/srv/talks-bot/config.toml", "--help"])
        .output()
        .unwrap();
    assert!(help.status.success(), "{help:?}");
}

/// `talks-bot chat` at a real terminal (tmux): Home and the arrow keys edit the line, Up
/// recalls the last question, the history is saved, answers are wrapped at the width.
#[test]
fn chat_at_a_terminal_edits_lines_keeps_history_and_wraps() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed, so chat is not tried at a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("tmux.sock");
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-S")
            .arg(&socket)
            .args(args)
            .output()
            .unwrap()
    };
    let program = format!(
        "env -u NO_COLOR XDG_STATE_HOME={} TERM=xterm {} --knowledge {} chat",
        dir.path().display(),
        env!("CARGO_BIN_EXE_talks-bot"),
        common::shipped().display()
    );
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        "chat",
        "-x",
        "70",
        "-y",
        "50",
        &program,
    ]);
    assert!(started.status.success(), "{started:?}");
    let screen = || text(&tmux(&["capture-pane", "-p", "-J", "-t", "chat"]).stdout);
    let wait_for = |what: &str, done: &dyn Fn(&str) -> bool| {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let shown = screen();
            if done(&shown) {
                return shown;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{what}; the screen:\n{shown}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    wait_for("the prompt", &|s| s.contains("> "));
    // "took part?", then Home and "who ": only a line editor puts the words in front.
    tmux(&["send-keys", "-t", "chat", "-l", "took part?"]);
    tmux(&["send-keys", "-t", "chat", "Home"]);
    tmux(&["send-keys", "-t", "chat", "-l", "who "]);
    tmux(&["send-keys", "-t", "chat", "Enter"]);
    let answered = |s: &str| s.matches("[fact meeting-participants").count();
    wait_for("an answer", &|s| answered(s) == 1);
    // Up recalls the question; Enter asks it again.
    tmux(&["send-keys", "-t", "chat", "Up"]);
    tmux(&["send-keys", "-t", "chat", "Enter"]);
    let shown = wait_for("the recalled question answered", &|s| answered(s) == 2);
    assert!(shown.contains("> who took part?"), "{shown}");
    // Wrapped at the terminal's width by the program at spaces (joined lines are no wider
    // than 70, but for a single word longer than that, such as a URL, which is kept whole).
    for line in shown.lines() {
        assert!(
            line.chars().count() <= 70 || !line.trim().contains(' '),
            "{line:?} is wider than the terminal"
        );
    }
    assert!(
        shown.lines().any(|l| l.chars().count() > 60),
        "the width is used: {shown}"
    );
    tmux(&["send-keys", "-t", "chat", "-l", "/quit"]);
    tmux(&["send-keys", "-t", "chat", "Enter"]);
    let history = dir.path().join("talks-bot/history");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !history.exists() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let kept = std::fs::read_to_string(&history).expect("the history is saved");
    assert!(kept.contains("who took part?"), "{kept}");
    let _ = tmux(&["kill-server"]);
}
