#![recursion_limit = "512"]
//! BITA's server: configuration, the router (pages, forms, exports, health), sessions and
//! login, the guard every request passes, and the database adapters. `main.rs` only starts it.

pub mod admin;
pub mod auth;
pub mod config;
pub mod db;
pub mod demo;
pub mod exports;
pub mod forms;
pub mod guard;
pub mod keys;
pub mod mail;
pub mod serve;
pub mod sessions;
pub mod upload;

use app::api::service::{ApiState, RequestFlash, Settings};
use app::ui::{shell, App};
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub api: ApiState,
    /// The installation's key that signs month archives.
    pub archive_key: Arc<ed25519_dalek::SigningKey>,
    /// The keys an archive is checked against: that one, and those retired before it.
    pub trusted_keys: Arc<keys::TrustedKeys>,
}

/// A CSV upload: 5 MB of file plus the form around it.
pub const UPLOAD_LIMIT: usize = app::api::import::MAX_BYTES + 64 * 1024;
pub const UPLOAD_PATH: &str = "/admin/import/provkor";

const SERVICE_WORKER_CSP: &str = "default-src 'none'; connect-src 'self'; script-src 'self'; base-uri 'none'";

/// Builds the whole application on an open, migrated database, and starts the periodic
/// clean-ups (expired sessions, old idempotency keys, SQLite's statistics).
pub async fn router(config: &Config, pool: db::Pool, leptos_options: LeptosOptions) -> Result<Router, Box<dyn std::error::Error + Send + Sync>> {
    let repo = Arc::new(db::DbRepo::new(pool.clone()));
    let (key, trusted) = keys::trusted(&config.archive_key)?;
    let archive_key = Arc::new(key);
    let settings = Settings {
        row_horizon_days: config.row_horizon_days,
        public_url: config.public_url.clone(),
        mailer: crate::mail::from_config(config),
        archive_public_key: keys::public_hex(&archive_key),
        retired_public_keys: trusted.retired.iter().map(|k| export::archive::hex(k.as_bytes())).collect(),
        cookies: app::api::service::Cookies { secure: config.secure_cookies },
    };
    let state = AppState { leptos_options: leptos_options.clone(), api: ApiState { repo: repo.clone(), settings }, archive_key, trusted_keys: Arc::new(trusted) };

    db::spawn_maintenance(&repo);
    let summaries = repo.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            tick.tick().await;
            if let Err(e) = auth::summarise_refused(&*summaries).await {
                tracing::warn!(error = %e, "summarising refused logins failed");
            }
        }
    });
    let routes = generate_route_list(App);
    let api = state.api.clone();
    let pkg = std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    // The service worker (app/offline/sw.js, bundled by scripts/build-site.sh) at the site's
    // root, so it may serve the assistant's pages; never cached, so an update is seen at once.
    let service_worker = ServeFile::new(std::path::Path::new(&*leptos_options.site_root).join("sw.js"));
    use guard::{Access, BodyKind, Policy, ADMIN, ASSISTANT, SIGNER};
    let form = Policy::form;
    let upload = |limit: usize| Policy { access: ADMIN, body: BodyKind::Upload { limit } };
    let (posts, policies) = guard::Posts::new(Router::new())
        .route("/logga-in", Policy { access: Access::Anyone, body: BodyKind::Login }, auth::login)
        .route("/logga-ut", form(Access::Anyone), auth::logout)
        .route("/sprak", form(Access::Anyone), auth::set_language)
        .route("/inbjudan", form(Access::Anyone), auth::accept_invitation)
        .route(exports::VERIFY_PATH, Policy { access: Access::Anyone, body: BodyKind::PublicUpload { limit: exports::VERIFY_LIMIT } }, exports::verify_upload)
        .route("/assistent/rad", form(ASSISTANT), forms::add_row)
        .route("/assistent/rad/ta-bort", form(ASSISTANT), forms::delete_row)
        .route("/assistent/rad/andra", form(ASSISTANT), forms::edit_row)
        .route("/assistent/skicka", form(ASSISTANT), forms::submit_month)
        .route("/assistent/ta-tillbaka", form(ASSISTANT), forms::withdraw_month)
        .route("/assistent/pass/starta", form(ASSISTANT), forms::start_shift)
        .route("/assistent/pass/byt", form(ASSISTANT), forms::switch_shift)
        .route("/assistent/pass/avsluta", form(ASSISTANT), forms::stop_shift)
        .route("/assistent/pass/avbryt", form(ASSISTANT), forms::cancel_shift)
        .route("/assistent/kopiera", form(ASSISTANT), forms::copy_shifts)
        .route("/brukare/beslut", form(SIGNER), forms::decide_month)
        .route("/brukare/atersand", form(SIGNER), forms::return_month)
        .route("/brukare/rakning/svar", form(SIGNER), forms::save_claim)
        .route("/brukare/rakning/signera", form(SIGNER), forms::sign_claim)
        .route("/brukare/visa-personnummer", form(SIGNER), forms::reveal_own_personnummer)
        .route("/admin/rakning/kostnader", form(ADMIN), forms::save_claim)
        .route("/admin/export.csv", form(ADMIN), forms::export_csv)
        .route("/admin/attestera", form(ADMIN), forms::attest_month)
        .route("/admin/attestera-alla", form(ADMIN), forms::attest_ready)
        .route("/admin/paminn", form(ADMIN), forms::remind)
        .route("/admin/3059", form(ADMIN), forms::export_3059)
        .route(exports::EXPORT_PATH, form(ADMIN), exports::export_month)
        .route("/admin/export/arkiv", form(ADMIN), exports::download_archive)
        .route("/admin/rattelse", form(ADMIN), forms::correct_month)
        .route(exports::FORM_PATH, upload(exports::FORM_UPLOAD_LIMIT), exports::upload_form)
        .route("/admin/assistent/spara", form(ADMIN), forms::save_assistant)
        .route("/admin/konto", form(ADMIN), forms::account_action)
        .route("/admin/brukarkort/spara", form(ADMIN), forms::save_recipient)
        .route("/admin/beslut", form(ADMIN), forms::add_decision)
        .route("/admin/uppdrag", form(ADMIN), forms::add_assignment)
        .route("/admin/uppdrag/avsluta", form(ADMIN), forms::end_assignment)
        .route("/admin/anordnare/spara", form(ADMIN), forms::save_provider)
        .route("/admin/anordnare/belopp", form(ADMIN), forms::set_rate)
        .route("/admin/anordnare/lss-belopp", form(ADMIN), forms::set_lss_rate)
        .route("/admin/anordnare/regler", form(ADMIN), forms::save_rules)
        .route("/admin/foretradare", form(ADMIN), forms::add_representative)
        .route("/admin/foretradare/avsluta", form(ADMIN), forms::end_representation)
        .route("/admin/franvaro", form(ADMIN), forms::add_absence)
        .route("/admin/franvaro/ta-bort", form(ADMIN), forms::delete_absence)
        .route("/admin/beslut/avsluta", form(ADMIN), forms::end_decision)
        .route("/admin/visa-personnummer", form(ADMIN), forms::reveal_personnummer)
        .route(UPLOAD_PATH, upload(UPLOAD_LIMIT), forms::import_dry_run)
        .route("/admin/import/kor", form(ADMIN), forms::import_run)
        .finish();
    let app = posts
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        // The islands' wasm, JS and CSS, brotli or gzip as built (scripts/build-site.sh).
        .nest_service("/pkg", ServeDir::new(pkg).precompressed_br().precompressed_gzip())
        .route_service(
            "/sw.js",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
                // A worker's policy is its script's: it may fetch from this site, nothing else.
                .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(SERVICE_WORKER_CSP)))
                .service(service_worker.precompressed_br().precompressed_gzip()),
        )
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let api = api.clone();
                move || {
                    provide_context(api.clone());
                    provide_context(RequestFlash::default());
                }
            },
            {
                let options = leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn(guard::guard))
        .layer(Extension(Arc::new(guard::Gate::new(config, policies, api.clone()))));
    // Sessions in the same database, so any server behind a load balancer knows them.
    let app = match sessions::layer(config, &repo).await? {
        sessions::Layer::Sqlite(l) => app.layer(l),
        sessions::Layer::Postgres(l) => app.layer(l),
    };
    let app = app
        // The limits are the guard's, per route, decided before the body is read; axum's own
        // 2 MB default would refuse an archive or an FK form before them.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(timeout))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            // The path only: query strings could carry what must not be logged.
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
        }))
        .with_state(state);
    Ok(app)
}

/// Answers 408 when a request takes longer than its route allows: 30 s, except the month export
/// (a big municipality's month is minutes of PDFs on a small machine).
async fn timeout(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let limit = if req.uri().path() == exports::EXPORT_PATH && req.method() == axum::http::Method::POST { Duration::from_secs(15 * 60) } else { Duration::from_secs(30) };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

async fn server_fn_handler(State(state): State<AppState>, req: axum::extract::Request) -> impl IntoResponse {
    let api = state.api.clone();
    handle_server_fns_with_context(
        move || {
            provide_context(api.clone());
            provide_context(RequestFlash::default());
        },
        req,
    )
    .await
}

/// `/`: the caller's start page, or the login page.
async fn root(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    match app::api::service::Cx::new(&state.api, session, None).await {
        Ok(cx) => match cx.caller {
            Some(c) => Redirect::to(c.role.start_page()).into_response(),
            None => Redirect::to("/logga-in").into_response(),
        },
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Liveness and readiness: answers 200 only when the database answers.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.api.repo.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}
