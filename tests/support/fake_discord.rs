//! A fake Discord on loopback for the adapter's tests and bench: a small HTTP/1.1 server for the
//! REST API and a WebSocket gateway (tokio-tungstenite). It records every request, answers the
//! calls the bot makes with valid bodies, injects gateway dispatches, and can fail chosen calls.
//! Fixture builders check every payload against serenity's own types first, since a payload that
//! fails to deserialize becomes `Event::Unknown` and the handler silently never runs.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::Message as WsMessage;

use poise::serenity_prelude as serenity;

pub const BOT_ID: u64 = 1000;
pub const APP_ID: u64 = 2000;
pub const GUILD_ID: u64 = 3000;
pub const TOKEN: &str = "fake-token-for-tests";

/// One request the bot made.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The JSON body; for a multipart request, its `payload_json` part.
    pub body: Value,
    /// The files of a multipart request.
    pub files: Vec<Upload>,
    pub status: u16,
    pub at: Instant,
}

/// A file part of a multipart request.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The form field: `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The parts of a `multipart/form-data` body: the `payload_json` part as JSON, and the files.
fn multipart(body: &[u8], boundary: &str) -> (Value, Vec<Upload>) {
    let delimiter = format!("--{boundary}").into_bytes();
    let find = |haystack: &[u8], needle: &[u8], from: usize| -> Option<usize> {
        haystack
            .get(from..)?
            .windows(needle.len())
            .position(|w| w == needle)
            .map(|p| p + from)
    };
    let mut payload = Value::Null;
    let mut files = Vec::new();
    let mut at = match find(body, &delimiter, 0) {
        Some(p) => p + delimiter.len(),
        None => return (payload, files),
    };
    while let Some(next) = find(body, &delimiter, at) {
        let part = &body[at..next];
        at = next + delimiter.len();
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n", 0) else {
            continue;
        };
        let headers = String::from_utf8_lossy(&part[..split]).to_string();
        let data = part[split + 4..].to_vec();
        let param = |name: &str| -> Option<String> {
            let key = format!("{name}=\"");
            let start = headers.find(&key)? + key.len();
            let end = headers[start..].find('"')? + start;
            Some(headers[start..end].to_string())
        };
        let content_type = headers
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(k, _)| k.trim().eq_ignore_ascii_case("content-type"))
                    .map(|(_, v)| v.trim().to_string())
            })
            .unwrap_or_default();
        let field = param("name").unwrap_or_default();
        match param("filename") {
            Some(filename) => files.push(Upload {
                field,
                filename,
                content_type,
                data,
            }),
            None if field == "payload_json" => {
                payload = serde_json::from_slice(&data).unwrap_or(Value::Null)
            }
            None => {}
        }
    }
    (payload, files)
}

impl Request {
    /// For a reply to a message: the id of the message it answers.
    pub fn replies_to(&self) -> Option<&str> {
        self.body["message_reference"]["message_id"].as_str()
    }

    pub fn is_message_post(&self) -> bool {
        self.method == "POST"
            && self.path.starts_with("/api/v10/channels/")
            && self.path.ends_with("/messages")
    }

    /// For an interaction callback: the interaction id.
    pub fn callback_for(&self) -> Option<&str> {
        let rest = self.path.strip_prefix("/api/v10/interactions/")?;
        let (id, rest) = rest.split_once('/')?;
        rest.ends_with("/callback").then_some(id)
    }
}

#[derive(Default)]
struct State {
    requests: Mutex<Vec<Request>>,
    /// Replies by the message they answer ("reply:ID") and responses by interaction
    /// ("callback:ID"), so that waiting for one does not scan everything.
    answered: Mutex<std::collections::HashMap<String, Request>>,
    changed: Notify,
    identify: Mutex<Option<Value>>,
    fail_message_posts: AtomicUsize,
    stalled_channel: AtomicU64,
    close_connections: std::sync::atomic::AtomicBool,
    next_id: AtomicU64,
    ws_url: Mutex<String>,
}

/// The fake: REST on one port, the gateway on another.
pub struct FakeDiscord {
    pub rest_url: String,
    state: Arc<State>,
    dispatch: mpsc::UnboundedSender<(String, Value)>,
    seq: AtomicU64,
}

impl FakeDiscord {
    pub async fn start() -> FakeDiscord {
        let state = Arc::new(State {
            next_id: AtomicU64::new(900_000),
            ..Default::default()
        });
        let rest = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let rest_url = format!("http://{}", rest.local_addr().unwrap());
        *state.ws_url.lock().unwrap() = format!("ws://{}", ws.local_addr().unwrap());
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(serve_rest(rest, state.clone()));
        tokio::spawn(serve_gateway(
            ws,
            state.clone(),
            Arc::new(tokio::sync::Mutex::new(rx)),
        ));
        FakeDiscord {
            rest_url,
            state,
            dispatch: tx,
            seq: AtomicU64::new(1),
        }
    }

    /// Sends a gateway dispatch (MESSAGE_CREATE, INTERACTION_CREATE, ...).
    pub fn dispatch(&self, event: &str, data: Value) {
        self.seq.fetch_add(1, Ordering::Relaxed);
        self.dispatch
            .send((event.to_string(), data))
            .expect("gateway task is gone");
    }

    /// The next call to post a channel message gets HTTP 500 (`n` times).
    pub fn fail_message_posts(&self, n: usize) {
        self.state.fail_message_posts.store(n, Ordering::SeqCst);
    }

    /// Posts to this channel are recorded (with status 0) and never answered.
    pub fn stall_channel(&self, channel: u64) {
        self.state.stalled_channel.store(channel, Ordering::SeqCst);
    }

    /// From now on every REST connection is closed after one response, so no idle connection
    /// (and no task serving one) outlives its request.
    pub fn close_connections(&self) {
        self.state.close_connections.store(true, Ordering::SeqCst);
    }

    /// From now on the gateway URL the REST API hands out points at a closed port, as when
    /// Discord's gateway or the network is down: the bot's shards never connect.
    pub async fn unreachable_gateway(&self) {
        let closed = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("ws://{}", closed.local_addr().unwrap());
        drop(closed);
        *self.state.ws_url.lock().unwrap() = url;
    }

    /// A fresh snowflake.
    pub fn id(&self) -> u64 {
        self.state.next_id.fetch_add(1, Ordering::Relaxed)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    /// The IDENTIFY payload the bot sent.
    pub fn identify(&self) -> Option<Value> {
        self.state.identify.lock().unwrap().clone()
    }

    /// Waits until `done` holds for the recorded requests, or panics after `timeout`.
    pub async fn wait_until<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut done: impl FnMut(&[Request]) -> Option<T>,
    ) -> T {
        self.wait(timeout, what, || done(&self.state.requests.lock().unwrap()))
            .await
    }

    /// Waits until `check` finds something, or panics after `timeout`.
    async fn wait<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut() -> Option<T>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.state.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check() {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen: Vec<String> = self
                    .requests()
                    .iter()
                    .map(|r| format!("{} {} -> {}", r.method, r.path, r.status))
                    .collect();
                panic!(
                    "timed out waiting for {what}; requests seen:\n{}",
                    seen.join("\n")
                );
            }
        }
    }

    /// Waits for a request that matches (the latest, if several do).
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Request) -> bool) -> Request {
        self.wait_until(Duration::from_secs(30), what, |reqs| {
            reqs.iter().rev().find(|r| pred(r)).cloned()
        })
        .await
    }

    /// Waits for the reply to a message.
    pub async fn reply_to(&self, message_id: u64) -> Request {
        self.wait_key(format!("reply:{message_id}")).await
    }

    /// Waits for the response to an interaction.
    pub async fn callback(&self, interaction_id: u64) -> Request {
        self.wait_key(format!("callback:{interaction_id}")).await
    }

    async fn wait_key(&self, key: String) -> Request {
        let answered = &self.state.answered;
        self.wait(Duration::from_secs(30), &key, || {
            answered.lock().unwrap().get(&key).cloned()
        })
        .await
    }

    /// Sends an interaction and waits for the bot's response to it.
    pub async fn interact(&self, interaction: Value) -> Request {
        let id: u64 = interaction["id"].as_str().unwrap().parse().unwrap();
        self.dispatch("INTERACTION_CREATE", interaction);
        self.callback(id).await
    }

    /// Sends a message and waits for the bot's reply to it.
    pub async fn ask(&self, message: Value) -> Request {
        let id: u64 = message["id"].as_str().unwrap().parse().unwrap();
        self.dispatch("MESSAGE_CREATE", message);
        self.reply_to(id).await
    }
}

// ---------------------------------------------------------------- fixtures

fn user(id: u64, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0",
           "global_name": null, "avatar": null, "bot": bot})
}

/// Who writes a message, and where.
#[derive(Debug, Clone, Copy)]
pub struct From {
    pub user: u64,
    pub channel: u64,
    /// None for a DM.
    pub guild: Option<u64>,
    pub bot: bool,
}

impl From {
    pub fn member(user: u64, channel: u64) -> From {
        From {
            user,
            channel,
            guild: Some(GUILD_ID),
            bot: false,
        }
    }

    pub fn dm(user: u64) -> From {
        From {
            user,
            channel: 50_000 + user,
            guild: None,
            bot: false,
        }
    }
}

/// A MESSAGE_CREATE payload, checked against serenity's `Message`.
pub fn message(id: u64, from: From, content: &str, mentions_bot: bool) -> Value {
    let mut value = message_json(
        id,
        from.channel,
        user(from.user, from.bot),
        content,
        json!([]),
    );
    if mentions_bot {
        value["mentions"] = json!([user(BOT_ID, true)]);
    }
    value["mention_everyone"] = json!(content.contains("@everyone"));
    if let Some(guild) = from.guild {
        value["guild_id"] = json!(guild.to_string());
        value["member"] = json!({"roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
                                 "deaf": false, "mute": false, "flags": 0});
    }
    serde_json::from_value::<serenity::Message>(value.clone())
        .expect("fixture is not a valid Message");
    value
}

/// A message object with the fields serenity requires.
fn message_json(id: u64, channel: u64, author: Value, content: &str, embeds: Value) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author, "content": content,
        "timestamp": "2024-02-29T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": embeds,
        "pinned": false, "type": 0,
    })
}

/// An INTERACTION_CREATE payload of `kind` (2 command, 3 component, 4 autocomplete) with `data`,
/// from a member of the test guild, checked against serenity's `Interaction`.
pub fn interaction(
    id: u64,
    kind: u8,
    user_id: u64,
    channel: u64,
    data: Value,
    message: Option<Value>,
) -> Value {
    let mut value = json!({
        "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind, "data": data,
        "guild_id": GUILD_ID.to_string(), "channel_id": channel.to_string(),
        "member": {"user": user(user_id, false), "roles": [], "joined_at": "2024-01-01T00:00:00.000000+00:00",
                   "deaf": false, "mute": false, "flags": 0, "permissions": "2248473465835073"},
        "token": format!("itoken{id}"), "version": 1, "locale": "en-GB", "guild_locale": "en-GB",
        "app_permissions": "2248473465835073", "entitlements": [], "attachment_size_limit": 10485760,
    });
    if let Some(message) = message {
        value["message"] = message;
    }
    serde_json::from_value::<serenity::Interaction>(value.clone())
        .expect("fixture is not a valid Interaction");
    value
}

/// String options (type 3) as `(name, value)`, in an interaction's data.
fn string_options(options: &[(&str, &str)]) -> Vec<Value> {
    options
        .iter()
        .map(|(name, value)| json!({"name": name, "type": 3, "value": value}))
        .collect()
}

/// A slash command with string options.
pub fn command(id: u64, user_id: u64, channel: u64, name: &str, options: &[(&str, &str)]) -> Value {
    let data = slash_data(name, string_options(options));
    interaction(id, 2, user_id, channel, data, None)
}

fn slash_data(name: &str, options: impl serde::Serialize) -> Value {
    json!({"id": "7001", "name": name, "type": 1, "options": options})
}

/// An autocomplete request for one focused string option.
pub fn autocomplete(
    id: u64,
    user_id: u64,
    channel: u64,
    name: &str,
    option: &str,
    partial: &str,
) -> Value {
    let options = json!([{"name": option, "type": 3, "value": partial, "focused": true}]);
    interaction(id, 4, user_id, channel, slash_data(name, options), None)
}

/// A button press on `message` (a message the bot sent, as Discord would include it).
pub fn press(id: u64, user_id: u64, channel: u64, custom_id: &str, message: Value) -> Value {
    interaction(
        id,
        3,
        user_id,
        channel,
        json!({"custom_id": custom_id, "component_type": 2}),
        Some(message),
    )
}

/// A message command ("Answer with talks-bot") on `target`.
pub fn message_command(id: u64, user_id: u64, channel: u64, name: &str, target: Value) -> Value {
    let target_id = target["id"].as_str().unwrap().to_string();
    let data = json!({"id": "7002", "name": name, "type": 3, "target_id": target_id,
                      "resolved": {"messages": {target_id.clone(): target}}});
    interaction(id, 2, user_id, channel, data, None)
}

/// The bot's own message as Discord would send it back in a button press: the posted body
/// (its embeds and components) with an id, author and the rest.
pub fn sent_message(id: u64, channel: u64, body: &Value) -> Value {
    let embeds = if body["embeds"].is_array() {
        body["embeds"].clone()
    } else {
        json!([])
    };
    let content = body["content"].as_str().unwrap_or("");
    let mut value = message_json(id, channel, user(BOT_ID, true), content, embeds);
    if body["components"].is_array() {
        value["components"] = body["components"].clone();
    }
    serde_json::from_value::<serenity::Message>(value.clone())
        .expect("sent message is not a valid Message");
    value
}

// ---------------------------------------------------------------- REST

async fn serve_rest(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(stream, state.clone()));
    }
}

async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
            return;
        };
        let (method, path) = (
            method.to_string(),
            path.split('?').next().unwrap_or("").to_string(),
        );
        let mut length = 0usize;
        let mut content_type = String::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).await.unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
                if name.eq_ignore_ascii_case("content-type") {
                    content_type = value.trim().to_string();
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).await.is_err() {
            return;
        }
        let boundary = content_type
            .strip_prefix("multipart/form-data")
            .and_then(|rest| rest.split_once("boundary="))
            .map(|(_, b)| b.trim_matches('"').to_string());
        let (body, files) = match boundary {
            Some(boundary) => multipart(&body, &boundary),
            None => (
                serde_json::from_slice(&body).unwrap_or(Value::Null),
                Vec::new(),
            ),
        };
        let (status, reply) = route(&state, &method, &path, &body);
        let request = Request {
            method,
            path,
            body,
            files,
            status,
            at: Instant::now(),
        };
        let key = match (request.replies_to(), request.callback_for()) {
            (Some(id), _) if request.is_message_post() && status == 200 => {
                Some(format!("reply:{id}"))
            }
            (_, Some(id)) => Some(format!("callback:{id}")),
            _ => None,
        };
        if let Some(key) = key {
            state.answered.lock().unwrap().insert(key, request.clone());
        }
        state.requests.lock().unwrap().push(request);
        state.changed.notify_waiters();
        if status == 0 {
            // A stalled call: hold the connection open without ever answering.
            std::future::pending::<()>().await;
        }
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            404 => "Not Found",
            _ => "Internal Server Error",
        };
        let text = reply.map(|r| r.to_string()).unwrap_or_default();
        let close = state.close_connections.load(Ordering::SeqCst);
        // Head and body in one write: two small writes would meet Nagle and delayed ACKs.
        let response = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{}\r\n{text}",
            text.len(),
            if close { "connection: close\r\n" } else { "" }
        );
        if write.write_all(response.as_bytes()).await.is_err() {
            return;
        }
        if close {
            let _ = write.shutdown().await;
            return;
        }
    }
}

fn route(state: &State, method: &str, path: &str, body: &Value) -> (u16, Option<Value>) {
    let ws = state.ws_url.lock().unwrap().clone();
    let segments: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    let new_message = |channel: &str| {
        let id = state.next_id.fetch_add(1, Ordering::Relaxed);
        let content = body["content"].as_str().unwrap_or("");
        let mut message = message_json(
            id,
            channel.parse().unwrap_or(1),
            user(BOT_ID, true),
            content,
            json!([]),
        );
        if let Some(flags) = body["flags"].as_u64() {
            message["flags"] = json!(flags);
        }
        (200, Some(message))
    };
    match (method, segments.as_slice()) {
        ("GET", ["gateway"]) => (200, Some(json!({"url": ws}))),
        ("GET", ["gateway", "bot"]) => (
            200,
            Some(json!({"url": ws, "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}})),
        ),
        ("GET", ["users", "@me"]) => (200, Some(user(BOT_ID, true))),
        ("PUT", ["applications", _, "commands"])
        | ("PUT", ["applications", _, "guilds", _, "commands"]) => (200, Some(json!([]))),
        ("POST", ["channels", channel, "messages"])
            if channel.parse() == Ok(state.stalled_channel.load(Ordering::SeqCst)) =>
        {
            (0, None)
        }
        ("POST", ["channels", channel, "messages"]) => {
            let fail = state
                .fail_message_posts
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if fail {
                (
                    500,
                    Some(json!({"message": "Internal Server Error", "code": 0})),
                )
            } else {
                new_message(channel)
            }
        }
        ("POST", ["interactions", _, _, "callback"]) => (204, None),
        ("PUT", ["channels", _, "messages", _, "reactions", _, "@me"]) => (204, None),
        ("DELETE", ["channels", _, "messages", _]) => (204, None),
        ("POST", ["webhooks", _, _]) | ("PATCH", ["webhooks", _, _, "messages", _]) => {
            new_message("1")
        }
        ("GET", ["webhooks", _, _, "messages", _]) => new_message("1"),
        _ => (404, Some(json!({"message": "Unknown", "code": 10000}))),
    }
}

// ---------------------------------------------------------------- gateway

type Dispatches = Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<(String, Value)>>>;

async fn serve_gateway(listener: TcpListener, state: Arc<State>, dispatches: Dispatches) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        tokio::spawn(gateway_session(stream, state.clone(), dispatches.clone()));
    }
}

async fn gateway_session(stream: TcpStream, state: Arc<State>, dispatches: Dispatches) {
    let _ = stream.set_nodelay(true);
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if ws.send(WsMessage::text(hello.to_string())).await.is_err() {
        return;
    }
    // IDENTIFY
    let identify = loop {
        match ws.next().await {
            Some(Ok(WsMessage::Text(text))) => {
                let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if value["op"] == 2 {
                    break value;
                }
            }
            Some(Ok(_)) => continue,
            _ => return,
        }
    };
    let shard = identify["d"]["shard"].clone();
    *state.identify.lock().unwrap() = Some(identify);
    state.changed.notify_waiters();
    let ws_url = state.ws_url.lock().unwrap().clone();
    let ready = json!({"op": 0, "s": 1, "t": "READY", "d": {
        "v": 10, "user": user(BOT_ID, true), "guilds": [], "session_id": "s", "resume_gateway_url": ws_url,
        "application": {"id": APP_ID.to_string(), "flags": 0}, "shard": shard,
    }});
    if ws.send(WsMessage::text(ready.to_string())).await.is_err() {
        return;
    }
    let mut dispatches = dispatches.lock().await;
    let mut seq = 1u64;
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(WsMessage::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if value["op"] == 1 && ws.send(WsMessage::text(json!({"op": 11}).to_string())).await.is_err() {
                        return;
                    }
                }
                Some(Ok(WsMessage::Close(_))) => {
                    // Sends the close frame tungstenite queued in reply.
                    let _ = ws.flush().await;
                    return;
                }
                None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
            next = dispatches.recv() => {
                let Some((event, data)) = next else { return };
                seq += 1;
                let frame = json!({"op": 0, "s": seq, "t": event, "d": data});
                if ws.send(WsMessage::text(frame.to_string())).await.is_err() {
                    return;
                }
            }
        }
    }
}

// ---------------------------------------------------------------- moderation fixtures

/// `interaction` with the member's roles and permission bitset set, checked again.
pub fn as_member(mut interaction: Value, roles: &[u64], permissions: u64) -> Value {
    let roles: Vec<String> = roles.iter().map(u64::to_string).collect();
    interaction["member"]["roles"] = json!(roles);
    interaction["member"]["permissions"] = json!(permissions.to_string());
    serde_json::from_value::<serenity::Interaction>(interaction.clone())
        .expect("fixture is not a valid Interaction");
    interaction
}

/// `interaction` from a member whose Discord client is set to `locale` (`fr`, `en-US`),
/// checked again.
pub fn with_locale(mut interaction: Value, locale: &str) -> Value {
    interaction["locale"] = json!(locale);
    serde_json::from_value::<serenity::Interaction>(interaction.clone())
        .expect("fixture is not a valid Interaction");
    interaction
}

/// `interaction` as if it came from another server, `guild`, checked again.
pub fn in_guild(mut interaction: Value, guild: u64) -> Value {
    interaction["guild_id"] = json!(guild.to_string());
    serde_json::from_value::<serenity::Interaction>(interaction.clone())
        .expect("fixture is not a valid Interaction");
    interaction
}

/// A subcommand of a slash command group (`/group sub option:value ...`) with string options.
pub fn subcommand(
    id: u64,
    user_id: u64,
    channel: u64,
    group: &str,
    sub: &str,
    options: &[(&str, &str)],
) -> Value {
    let options = string_options(options);
    let data = json!({"id": "7003", "name": group, "type": 1,
                      "options": [{"name": sub, "type": 1, "options": options}]});
    interaction(id, 2, user_id, channel, data, None)
}

/// An autocomplete request for one focused string option of a subcommand.
pub fn subcommand_autocomplete(
    id: u64,
    user_id: u64,
    channel: u64,
    (group, sub, option): (&str, &str, &str),
    partial: &str,
) -> Value {
    let focused = json!([{"name": option, "type": 3, "value": partial, "focused": true}]);
    let data = json!({"id": "7003", "name": group, "type": 1,
                      "options": [{"name": sub, "type": 1, "options": focused}]});
    interaction(id, 4, user_id, channel, data, None)
}

/// A MODAL_SUBMIT (type 5) of the modal `custom_id` with text inputs `(custom id, value)`.
pub fn modal_submit(
    id: u64,
    user_id: u64,
    channel: u64,
    custom_id: &str,
    inputs: &[(&str, &str)],
) -> Value {
    let rows: Vec<Value> = inputs
        .iter()
        .map(|(input, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": input, "value": value}]})
        })
        .collect();
    interaction(
        id,
        5,
        user_id,
        channel,
        json!({"custom_id": custom_id, "components": rows}),
        None,
    )
}

impl FakeDiscord {
    /// Waits for the edit of an interaction's original response (after a deferral).
    pub async fn original_edit(&self, interaction_id: u64) -> Request {
        let path = format!("/api/v10/webhooks/{APP_ID}/itoken{interaction_id}/messages/@original");
        self.wait_for(&format!("the edited response to {interaction_id}"), |r| {
            r.method == "PATCH" && r.path == path
        })
        .await
    }

    /// Waits for a follow-up message to an interaction.
    pub async fn followup(&self, interaction_id: u64) -> Request {
        let path = format!("/api/v10/webhooks/{APP_ID}/itoken{interaction_id}");
        self.wait_for(&format!("a follow-up to {interaction_id}"), |r| {
            r.method == "POST" && r.path == path
        })
        .await
    }

    /// The messages posted in `channel` so far.
    pub fn posts_in(&self, channel: u64) -> Vec<Request> {
        let path = format!("/api/v10/channels/{channel}/messages");
        self.requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .collect()
    }
}
