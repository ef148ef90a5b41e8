//! talks-bot: answers questions about the intra-Palestinian meeting held in Moscow in
//! February-March 2024, from a curated fact base, with sources.
//!
//! The core ([`knowledge`], [`text`], [`matcher`], [`engine`], [`answer`], [`eval`], [`store`],
//! [`reload`], [`timeline`]) knows nothing of Discord or async; [`cli`] and [`discord`] are front ends over [`engine::Engine`].

pub mod answer;
pub mod cli;
pub mod config;
pub mod discord;
pub mod engine;
pub mod eval;
pub mod knowledge;
pub mod matcher;
pub mod messages;
pub mod metrics;
pub mod reload;
pub mod store;
pub mod text;
pub mod timeline;

pub use answer::{Answer, Outcome};
pub use engine::{shared, Engine, MatchSettings, SharedEngine};
pub use knowledge::KnowledgeBase;
pub use store::{Actor, Store, StoreError, Version};
