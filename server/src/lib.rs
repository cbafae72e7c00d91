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

use app::api::service::{ApiState, RequestFlash, Settings};
use app::ui::{shell, App};
use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
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
}

/// The largest request body BITA accepts (forms are small) …
pub const BODY_LIMIT: usize = 64 * 1024;
/// … except a CSV upload (5 MB of file plus the form around it).
pub const UPLOAD_LIMIT: usize = app::api::import::MAX_BYTES + 64 * 1024;
pub const UPLOAD_PATH: &str = "/admin/import/provkor";

/// Refuses a body larger than the route allows with 413, before any handler reads it. An
/// archive to check is not read into memory here: its body is only capped, and the handler
/// streams it to a temporary file.
async fn body_limit(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let limit = match req.uri().path() {
        UPLOAD_PATH => UPLOAD_LIMIT,
        exports::VERIFY_PATH => {
            let too_big = req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok()).is_some_and(|n| n > exports::VERIFY_LIMIT);
            if too_big {
                return StatusCode::PAYLOAD_TOO_LARGE.into_response();
            }
            let (parts, body) = req.into_parts();
            let capped = axum::body::Body::new(http_body_util::Limited::new(body, exports::VERIFY_LIMIT));
            return next.run(axum::extract::Request::from_parts(parts, capped)).await;
        }
        exports::FORM_PATH => exports::FORM_LIMIT,
        _ => BODY_LIMIT,
    };
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    }
}

const SERVICE_WORKER_CSP: &str = "default-src 'none'; connect-src 'self'; script-src 'self'; base-uri 'none'";

/// Builds the whole application on an open, migrated database, and starts the periodic
/// clean-ups (expired sessions, old idempotency keys, SQLite's statistics).
pub async fn router(config: &Config, pool: db::Pool, leptos_options: LeptosOptions) -> Result<Router, Box<dyn std::error::Error + Send + Sync>> {
    let repo = Arc::new(db::DbRepo::new(pool.clone()));
    let archive_key = Arc::new(keys::load_or_create(&config.archive_key)?);
    let settings = Settings {
        row_horizon_days: config.row_horizon_days,
        public_url: config.public_url.clone(),
        mailer: crate::mail::from_config(config),
        archive_public_key: keys::public_hex(&archive_key),
    };
    let state = AppState { leptos_options: leptos_options.clone(), api: ApiState { repo: repo.clone(), settings }, archive_key };

    db::spawn_maintenance(&repo);
    let routes = generate_route_list(App);
    let api = state.api.clone();
    let pkg = std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    // The service worker (app/offline/sw.js, bundled by scripts/build-site.sh) at the site's
    // root, so it may serve the assistant's pages; never cached, so an update is seen at once.
    let service_worker = ServeFile::new(std::path::Path::new(&*leptos_options.site_root).join("sw.js"));
    let app = Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/logga-in", post(auth::login))
        .route("/logga-ut", post(auth::logout))
        .route("/sprak", post(auth::set_language))
        .route("/assistent/rad", post(forms::add_row))
        .route("/assistent/rad/ta-bort", post(forms::delete_row))
        .route("/assistent/rad/andra", post(forms::edit_row))
        .route("/assistent/skicka", post(forms::submit_month))
        .route("/assistent/ta-tillbaka", post(forms::withdraw_month))
        .route("/assistent/pass/starta", post(forms::start_shift))
        .route("/assistent/pass/byt", post(forms::switch_shift))
        .route("/assistent/pass/avsluta", post(forms::stop_shift))
        .route("/assistent/pass/avbryt", post(forms::cancel_shift))
        .route("/assistent/kopiera", post(forms::copy_shifts))
        .route("/brukare/beslut", post(forms::decide_month))
        .route("/brukare/atersand", post(forms::return_month))
        .route("/brukare/rakning/svar", post(forms::save_claim))
        .route("/brukare/rakning/signera", post(forms::sign_claim))
        .route("/admin/rakning/kostnader", post(forms::save_claim))
        .route("/admin/export.csv", get(forms::export_csv))
        .route("/admin/attestera", post(forms::attest_month))
        .route("/admin/attestera-alla", post(forms::attest_ready))
        .route("/admin/paminn", post(forms::remind))
        .route("/admin/3059", get(forms::export_3059))
        .route(exports::EXPORT_PATH, post(exports::export_month))
        .route("/admin/export/arkiv", get(exports::download_archive))
        .route("/admin/rattelse", post(forms::correct_month))
        .route(exports::VERIFY_PATH, post(exports::verify_upload))
        .route(exports::FORM_PATH, post(exports::upload_form))
        .route("/admin/assistent/spara", post(forms::save_assistant))
        .route("/admin/konto", post(forms::account_action))
        .route("/admin/brukarkort/spara", post(forms::save_recipient))
        .route("/admin/beslut", post(forms::add_decision))
        .route("/admin/uppdrag", post(forms::add_assignment))
        .route("/admin/uppdrag/avsluta", post(forms::end_assignment))
        .route("/admin/anordnare/spara", post(forms::save_provider))
        .route("/admin/anordnare/belopp", post(forms::set_rate))
        .route("/admin/anordnare/lss-belopp", post(forms::set_lss_rate))
        .route("/admin/anordnare/regler", post(forms::save_rules))
        .route("/admin/foretradare", post(forms::add_representative))
        .route("/admin/foretradare/avsluta", post(forms::end_representation))
        .route("/admin/franvaro", post(forms::add_absence))
        .route("/admin/franvaro/ta-bort", post(forms::delete_absence))
        .route("/admin/beslut/avsluta", post(forms::end_decision))
        .route("/admin/visa-personnummer", post(forms::reveal_personnummer))
        .route("/inbjudan", post(auth::accept_invitation))
        .route(UPLOAD_PATH, post(forms::import_dry_run))
        .route("/admin/import/kor", post(forms::import_run))
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
        .layer(Extension(guard::GuardConfig::from(config)));
    // Sessions in the same database, so any server behind a load balancer knows them.
    let app = match sessions::layer(config, &repo).await? {
        sessions::Layer::Sqlite(l) => app.layer(l),
        sessions::Layer::Postgres(l) => app.layer(l),
    };
    let app = app
        .layer(axum::middleware::from_fn(body_limit))
        // The limits are body_limit's, per route; axum's own 2 MB default would refuse an
        // archive or an FK form before them.
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
