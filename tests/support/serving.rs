//! The bot under test: the real `serve` start-up path against a [`FakeDiscord`], stopped
//! through its shutdown future.

#![allow(dead_code)]

use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fake_discord::{self as fake, FakeDiscord};
use talks_bot::config::{DiscordConfig, Secret, StoreConfig};
use talks_bot::discord::{serve, ServeError, Shards};
use talks_bot::Engine;

/// A config that points the API base at `fake`, with no cooldowns.
pub fn config(fake: &FakeDiscord) -> DiscordConfig {
    DiscordConfig {
        api_base: Some(fake.rest_url.clone()),
        user_cooldown_seconds: 0.0,
        channel_cooldown_seconds: 0.0,
        ..Default::default()
    }
}

/// A running `serve`.
pub struct Serving {
    stop: oneshot::Sender<()>,
    task: JoinHandle<Result<(), ServeError>>,
}

impl Serving {
    /// Spawns `serve` against `fake` and waits until it has registered its commands: they are
    /// registered in the setup, after READY, so from then on events are handled.
    pub async fn start(
        fake: &FakeDiscord,
        engine: Engine,
        shards: Shards,
        config: DiscordConfig,
    ) -> Serving {
        Serving::start_with_store(fake, engine, shards, config, StoreConfig::default()).await
    }

    /// [`Serving::start`] with the `[store]` settings given.
    pub async fn start_with_store(
        fake: &FakeDiscord,
        engine: Engine,
        shards: Shards,
        config: DiscordConfig,
        store: StoreConfig,
    ) -> Serving {
        let (stop, stopped) = oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let task = tokio::spawn(serve(
            config,
            store,
            Secret::new(fake::TOKEN),
            talks_bot::shared(engine),
            shards,
            shutdown,
        ));
        fake.wait_for("command registration", |r| {
            r.method == "PUT" && r.path.ends_with("/commands")
        })
        .await;
        Serving { stop, task }
    }

    /// Stops `serve` through its shutdown future and checks that it returns cleanly.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(Duration::from_secs(20), self.task)
            .await
            .expect("serve stops on shutdown")
            .expect("serve did not panic")
            .expect("serve returns Ok after shutdown");
    }
}
