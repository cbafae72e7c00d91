#![recursion_limit = "512"]
//! BITA's server: configuration, the router (`routes`: pages, forms, exports, health),
//! sessions and login, the guard every request passes, and the database adapters. `main.rs`
//! only starts it.

pub mod admin;
pub mod api;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod export_jobs;
pub mod exports;
pub mod extract;
pub mod forms;
pub mod guard;
pub mod keys;
pub mod mail;
pub mod oidc;
pub mod routes;
pub mod schedules;
pub mod serve;
pub mod sessions;
pub mod upload;

use app::service::context::ApiState;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

pub use config::Config;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub api: ApiState,
    /// The installation's key that signs month archives.
    pub archive_key: Arc<ed25519_dalek::SigningKey>,
    /// The keys an archive is checked against: that one, and those retired before it.
    pub trusted_keys: Arc<keys::TrustedKeys>,
    /// The relying party of the municipalities' OpenID providers.
    pub oidc: Arc<oidc::Oidc>,
    /// The database, for what runs outside a request (the export jobs' sessions of no browser).
    pub pool: db::Pool,
}
