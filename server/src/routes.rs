//! The router: every page, every form post with the role and body it is for (the guard
//! enforces both before the body is read), the static assets, health, and the layers every
//! request passes (tower-http's compression, headers and tracing; sessions; the timeout).

use crate::{
    AppState, Config, auth, db, export_jobs, exports, forms, guard, keys, oidc, schedules, sessions,
};
use app::paths;
use app::service::context::{ApiState, RequestFlash, Settings};
use app::ui::{App, shell};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list, handle_server_fns_with_context};
use std::sync::Arc;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// A CSV upload: 5 MB of file plus the form around it.
pub const UPLOAD_LIMIT: usize = app::service::import::MAX_BYTES + 64 * 1024;

const SERVICE_WORKER_CSP: &str =
    "default-src 'none'; connect-src 'self'; script-src 'self'; base-uri 'none'";

/// Builds the whole application on an open, migrated database, and starts the periodic
/// clean-ups (expired sessions, old idempotency keys, SQLite's statistics).
pub async fn router(
    config: &Config,
    pool: db::Pool,
    leptos_options: LeptosOptions,
) -> Result<Router, Box<dyn std::error::Error + Send + Sync>> {
    let repo = Arc::new(db::DbRepo::new(pool.clone()));
    let (key, trusted) = keys::trusted(&config.archive_key)?;
    let archive_key = Arc::new(key);
    let settings = Settings {
        row_horizon_days: config.row_horizon_days,
        public_url: config.public_url.clone(),
        mailer: crate::mail::from_config(config.smtp.as_ref()),
        archive_public_key: keys::public_hex(&archive_key),
        retired_public_keys: trusted.retired.iter().map(|k| hex::encode(k.as_bytes())).collect(),
        cookies: app::service::context::Cookies { secure: config.secure_cookies },
    };
    let state = AppState {
        leptos_options: leptos_options.clone(),
        api: ApiState { repo: repo.clone(), settings },
        archive_key,
        trusted_keys: Arc::new(trusted),
        oidc: Arc::new(crate::oidc::Oidc::new()),
        pool: pool.clone(),
    };

    db::spawn_maintenance(&repo);
    export_jobs::watch(state.clone());
    let warm = repo.clone();
    tokio::spawn(async move {
        if let Err(e) = app::service::kept::warm(&*warm).await {
            tracing::warn!(error = ?e, "keeping the months' findings at start failed");
        }
    });
    let summaries = repo.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            tick.tick().await;
            if let Err(e) = app::service::auth::summarise_refused(&*summaries).await {
                tracing::warn!(error = %e, "summarising refused logins failed");
            }
        }
    });
    let compare = repo.clone();
    let every = config.benchmark_every;
    tokio::spawn(async move {
        // Not at start: the figures are kept in the database, and a server starting has the
        // months' findings to warm first.
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            tick.tick().await;
            let at = chrono::Utc::now();
            let min_age = app::service::benchmark::MIN_AGE;
            if let Err(e) = app::service::benchmark::refresh(&*compare, at, min_age).await {
                tracing::warn!(error = ?e, "computing the municipalities' comparison failed");
            }
        }
    });
    let routes = generate_route_list(App);
    let api = state.api.clone();
    let pkg = std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    // The service worker (app/offline/sw.js, bundled by scripts/build-site.sh) at the site's
    // root, so it may serve the assistant's pages; never cached, so an update is seen at once.
    let service_worker =
        ServeFile::new(std::path::Path::new(&*leptos_options.site_root).join("sw.js"));
    use guard::{ADMIN, ASSISTANT, Access, BodyKind, PLANNER, Policy, SIGNED_IN, SIGNER};
    let form = Policy::form;
    let upload = |limit: usize| Policy { access: ADMIN, body: BodyKind::Upload { limit } };
    let (posts, policies) = guard::Posts::new(Router::new())
        .route(paths::LOGIN, Policy { access: Access::Anyone, body: BodyKind::Login }, auth::login)
        .route(
            paths::LOGIN_CODE,
            Policy { access: Access::Anyone, body: BodyKind::Login },
            auth::login_code,
        )
        .route(paths::OTP_BEGIN, form(SIGNED_IN), forms::otp_begin)
        .route(paths::OTP_CONFIRM, form(SIGNED_IN), forms::otp_confirm)
        .route(paths::OTP_REMOVE, form(SIGNED_IN), forms::otp_remove)
        .route(paths::LOGOUT, form(Access::Anyone), oidc::logout)
        .route(paths::LANGUAGE, form(Access::Anyone), auth::set_language)
        .route(paths::INVITATION, form(Access::Anyone), auth::accept_invitation)
        .route(
            paths::VERIFY,
            Policy {
                access: Access::Anyone,
                body: BodyKind::PublicUpload { limit: exports::VERIFY_LIMIT },
            },
            exports::verify_upload,
        )
        .route(paths::ROW_ADD, form(ASSISTANT), forms::add_row)
        .route(paths::ROW_DELETE, form(ASSISTANT), forms::delete_row)
        .route(paths::ROW_EDIT, form(ASSISTANT), forms::edit_row)
        .route(paths::MONTH_SUBMIT, form(ASSISTANT), forms::submit_month)
        .route(paths::MONTH_WITHDRAW, form(ASSISTANT), forms::withdraw_month)
        .route(paths::SHIFT_START, form(ASSISTANT), forms::start_shift)
        .route(paths::SHIFT_SWITCH, form(ASSISTANT), forms::switch_shift)
        .route(paths::SHIFT_STOP, form(ASSISTANT), forms::stop_shift)
        .route(paths::SHIFT_CANCEL, form(ASSISTANT), forms::cancel_shift)
        .route(paths::SHIFTS_COPY, form(ASSISTANT), forms::copy_shifts)
        .route(paths::PLANNED_CONFIRM, form(ASSISTANT), schedules::confirm)
        .route(paths::PLANNED_NOT_WORKED, form(ASSISTANT), schedules::not_worked)
        .route(paths::CALENDAR, form(ASSISTANT), schedules::calendar)
        .route(paths::SCHEDULE_BASE, form(PLANNER), schedules::save_base)
        .route(paths::SCHEDULE_BASE_SHIFT, form(PLANNER), schedules::add_base_shift)
        .route(paths::SCHEDULE_BASE_SHIFT_DELETE, form(PLANNER), schedules::delete_base_shift)
        .route(paths::SCHEDULE_MAKE, form(PLANNER), schedules::make_month)
        .route(paths::SCHEDULE_CHANGE, form(PLANNER), schedules::change_shift)
        .route(paths::SCHEDULE_EXTRA, form(PLANNER), schedules::add_extra)
        .route(paths::SCHEDULE_PUBLISH, form(PLANNER), schedules::publish)
        .route(paths::SCHEDULE_REMIND, form(PLANNER), schedules::remind)
        .route(paths::WORK_LEADER_ADD, form(ADMIN), schedules::add_work_leader)
        .route(paths::WORK_LEADER_SCOPE, form(ADMIN), schedules::work_leader_scope)
        .route(paths::MONTH_DECIDE, form(SIGNER), forms::decide_month)
        .route(paths::MONTH_RETURN, form(SIGNER), forms::return_month)
        .route(paths::CLAIM_ANSWER, form(SIGNER), forms::save_claim)
        .route(paths::CLAIM_SIGN, form(SIGNER), forms::sign_claim)
        .route(paths::OWN_PERSONNUMMER, form(SIGNER), forms::reveal_own_personnummer)
        .route(paths::CLAIM_COSTS, form(ADMIN), forms::save_claim)
        .route(paths::MONTH_CSV, form(ADMIN), forms::export_csv)
        .route(paths::ATTEST, form(PLANNER), forms::attest_month)
        .route(paths::ATTEST_READY, form(ADMIN), forms::attest_ready)
        .route(paths::REMIND, form(PLANNER), forms::remind)
        .route(paths::REPORT_3059, form(ADMIN), forms::export_3059)
        .route(paths::EXPORT, form(ADMIN), exports::export_month)
        .route(paths::ARCHIVE, form(ADMIN), exports::download_archive)
        .route(paths::CORRECT, form(ADMIN), forms::correct_month)
        .route(paths::FK_FORM, upload(exports::FORM_UPLOAD_LIMIT), exports::upload_form)
        .route(paths::ASSISTANT_SAVE, form(ADMIN), forms::save_assistant)
        .route(paths::ACCOUNT, form(ADMIN), forms::account_action)
        .route(paths::RECIPIENT_SAVE, form(ADMIN), forms::save_recipient)
        .route(paths::DECISION_ADD, form(ADMIN), forms::add_decision)
        .route(paths::ASSIGNMENT_ADD, form(ADMIN), forms::add_assignment)
        .route(paths::ASSIGNMENT_END, form(ADMIN), forms::end_assignment)
        .route(paths::PROVIDER_SAVE, form(ADMIN), forms::save_provider)
        .route(paths::RATE_SET, form(ADMIN), forms::set_rate)
        .route(paths::LSS_RATE_SET, form(ADMIN), forms::set_lss_rate)
        .route(paths::RULES_SAVE, form(ADMIN), forms::save_rules)
        .route(paths::BENCHMARK_TAKE_PART, form(ADMIN), forms::take_part)
        .route(paths::API_TOKEN_CREATE, form(ADMIN), forms::create_api_token)
        .route(paths::API_TOKEN_REVOKE, form(ADMIN), forms::revoke_api_token)
        .route(paths::REPRESENTATIVE_ADD, form(ADMIN), forms::add_representative)
        .route(paths::REPRESENTATION_END, form(ADMIN), forms::end_representation)
        .route(paths::ABSENCE_ADD, form(ADMIN), forms::add_absence)
        .route(paths::ABSENCE_DELETE, form(ADMIN), forms::delete_absence)
        .route(paths::DECISION_END, form(ADMIN), forms::end_decision)
        .route(paths::PERSONNUMMER, form(ADMIN), forms::reveal_personnummer)
        .route(paths::IMPORT_DRY_RUN, upload(UPLOAD_LIMIT), forms::import_dry_run)
        .route(paths::IMPORT_RUN, form(ADMIN), forms::import_run)
        .route(paths::IDENTITY_SETTINGS, form(ADMIN), forms::save_login_settings)
        .route(paths::IDENTITY_PROVIDER_ADD, form(ADMIN), forms::add_identity_provider)
        .route(paths::IDENTITY_PROVIDER_REMOVE, form(ADMIN), forms::remove_identity_provider)
        .finish();
    let app = posts
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route(paths::OIDC_START, get(oidc::start))
        .route(paths::CALENDAR_FEED, get(schedules::feed))
        .route(paths::EXPORT_JOB, get(exports::job_progress))
        .route(paths::BENCHMARK_CSV, get(forms::benchmark_csv))
        .route(crate::api::DOCS, get(crate::api::docs))
        .route(crate::api::OPENAPI, get(crate::api::openapi))
        .route("/api/v1/recipients", get(crate::api::list_recipients))
        .route("/api/v1/changes", get(crate::api::list_changes))
        .route("/api/v1/months", get(crate::api::list_months))
        .route("/api/v1/months/{month}", get(crate::api::get_month))
        .route("/api/v1/recipients/{external_id}", axum::routing::put(crate::api::put_recipient))
        .route("/api/v1/assistants", get(crate::api::list_assistants))
        .route("/api/v1/assistants/{external_id}", axum::routing::put(crate::api::put_assistant))
        .route("/api/v1/decisions/{external_id}", axum::routing::put(crate::api::put_decision))
        .route("/api/v1/assignments/{external_id}", axum::routing::put(crate::api::put_assignment))
        .route("/api/v1/months/{month}/findings", get(crate::api::get_findings))
        .route("/api/v1/months/{month}/documents", get(crate::api::list_documents))
        .route("/api/v1/reports/{report}/3059", get(crate::api::get_3059))
        .route("/api/v1/months/{month}/3057/{recipient}", get(crate::api::get_3057))
        .route("/api/v1/months/{month}/payroll", get(crate::api::list_payroll))
        .route("/api/v1/months/{month}/archives", get(crate::api::list_archives))
        .route("/api/v1/archives/{id}", get(crate::api::get_archive))
        .route("/api/v1/archives/{id}/manifest", get(crate::api::get_manifest))
        .route(paths::OIDC_CALLBACK, get(oidc::callback))
        .route("/api/{*fn_name}", get(server_fn_handler).post(server_fn_handler))
        // The islands' wasm, JS and CSS, brotli or gzip as built (scripts/build-site.sh).
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(static_asset())
                .service(ServeDir::new(pkg).precompressed_br().precompressed_gzip()),
        )
        .route_service(
            "/favicon.svg",
            tower::ServiceBuilder::new().layer(static_asset()).service(ServeFile::new(
                std::path::Path::new(&*leptos_options.site_root).join("favicon.svg"),
            )),
        )
        .route_service(
            "/sw.js",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                // A worker's policy is its script's: it may fetch from this site, nothing else.
                .layer(SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(SERVICE_WORKER_CSP),
                ))
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
    let app = guard::security_headers(app, config.secure_cookies);
    // Sessions in the same database, so any server behind a load balancer knows them.
    let app = app.layer(sessions::layer(config, &repo).await?);
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

/// The static assets may be kept by the browser but must be revalidated (`no-cache`): a new
/// build is seen at once.
fn static_asset() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    )
}

/// Answers 408 when a request takes longer than 30 s (the month's export runs as a job and
/// answers at once, `export_jobs`).
async fn timeout(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    match tokio::time::timeout(Duration::from_secs(30), next.run(req)).await {
        Ok(r) => r,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

async fn server_fn_handler(
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> impl IntoResponse {
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
    match app::service::context::Cx::new(&state.api, session, None).await {
        Ok(cx) => match cx.caller {
            Some(c) => Redirect::to(app::paths::start_page(c.role)).into_response(),
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
