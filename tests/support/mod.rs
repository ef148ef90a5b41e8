//! Test support shared by the integration tests (and the latency bench).

pub mod fake_discord;
pub mod serving;
