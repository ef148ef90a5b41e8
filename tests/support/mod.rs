//! Test support shared by the integration tests (and the latency bench).

pub mod discord_limits;
pub mod fake_discord;
pub mod serving;
