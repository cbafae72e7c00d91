//! Month-end export over HTTP: the export (preflight gate, documents made on a blocking thread,
//! the archive stored and the month locked), archive downloads, and the public check of an
//! uploaded archive.

use crate::AppState;
use crate::guard::message_page;
use crate::upload::{self, UploadError};
use app::i18n::T;
use app::model::export::VerifyResult;
use app::service::context::{Cx, RequestFlash};
use app::service::export as month_export;
use app::service::tx::idempotency_key;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use leptos::prelude::provide_context;
use serde::Deserialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

/// The largest archive the public check accepts (a month of 150,000 rows is 222 MB).
pub const VERIFY_LIMIT: usize = 256 * 1024 * 1024;
/// FK's forms are a few hundred kB; a mapping file a few kB.
pub const FORM_PDF_LIMIT: u64 = 20 * 1024 * 1024;
pub const MAPPING_LIMIT: u64 = 256 * 1024;
pub const FORM_UPLOAD_LIMIT: usize = (FORM_PDF_LIMIT + MAPPING_LIMIT) as usize + 64 * 1024;

/// Archive checks at a time on this server: each holds a ZIP's directory and manifest (tens
/// of MB at most, `export::archive`), so memory stays bounded however many arrive at once.
static VERIFY_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));
/// FK form checks at a time: each runs qpdf (up to 1 GiB of address space) and lopdf.
static FORM_SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(2));
/// How long a check waits for a free slot before it says "try again".
const SLOT_WAIT: Duration = Duration::from_secs(10);

/// A request's multipart body (the guard has decided who may send it and capped it).
async fn multipart(state: &AppState, req: Request) -> Result<Multipart, Response> {
    Multipart::from_request(req, state)
        .await
        .map_err(|_| (StatusCode::BAD_REQUEST, "multipart").into_response())
}

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    manad: String,
    #[serde(default)]
    idem: String,
}

/// Starts the month's export as a background job ([`crate::export_jobs`]) and answers at once
/// with the export page, which shows its progress; a second post while it runs joins it, a
/// replayed one changes nothing, and a month that cannot be exported is refused with why.
pub async fn export_month(State(state): State<AppState>, cx: Cx, body: Bytes) -> Response {
    let Ok(f) = serde_urlencoded::from_bytes::<ExportForm>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad form").into_response();
    };
    let runner = app::model::random_token();
    match month_export::start(&cx, &f.manad, idempotency_key(&f.idem), &runner).await {
        Err(e) => e.into_response(),
        Ok((outcome, job)) => {
            if let Some(job) = job {
                crate::export_jobs::spawn(state, job);
            }
            cx.set_flash(outcome.flash).await;
            Redirect::to(&outcome.to).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct JobQuery {
    id: Option<String>,
}

/// A job's progress as JSON for the export page's script: the numbers, the words in the
/// caller's language, and where the page shows it. 404 for another municipality's job.
pub async fn job_progress(
    cx: Cx,
    headers: axum::http::HeaderMap,
    axum::extract::Query(q): axum::extract::Query<JobQuery>,
) -> Response {
    match month_export::job_progress(&cx, q.id.as_deref().and_then(engine::text::id)).await {
        Err(e) => e.into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some(job)) => {
            let text = job.text(crate::guard::locale(&headers));
            axum::Json(serde_json::json!({
                "running": job.running,
                "done": job.done,
                "total": job.total,
                "percent": job.percent(),
                "text": text,
                "href": job.href,
            }))
            .into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct ArchiveQuery {
    id: Option<String>,
}

/// An archive of the caller's own municipality, byte for byte as stored. A post with the CSRF
/// token, like every download the audit log records.
pub async fn download_archive(cx: Cx, body: Bytes) -> Response {
    let Ok(q) = serde_urlencoded::from_bytes::<ArchiveQuery>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad form").into_response();
    };
    let Some(id) = q.id.as_deref().and_then(engine::text::id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match month_export::archive(&cx, id).await {
        Err(e) => e.into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some((month, version, zip))) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"bita-{month}-v{version}.zip\""),
                ),
            ],
            zip,
        )
            .into_response(),
    }
}

/// Checks an uploaded archive against this installation's keys (the current one and those
/// retired before it). Open to anyone, and changes and keeps nothing: the upload streams to a
/// temporary file (deleted with it), at most two checks run at once, and the result is
/// rendered in the answer to the upload, never stored in a session.
pub async fn verify_upload(State(state): State<AppState>, req: Request) -> Response {
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, VERIFY_SLOTS.acquire()).await else {
        return message_page(
            StatusCode::SERVICE_UNAVAILABLE,
            req.headers(),
            crate::guard::locale(req.headers()).t(T::VerifyBusy),
        );
    };
    let (parts, body) = req.into_parts();
    let multipart = match multipart(&state, Request::from_parts(parts.clone(), body)).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let result = match upload::read(multipart, &[("arkiv", VERIFY_LIMIT as u64)]).await {
        Err(UploadError::TooLarge { .. }) => VerifyResult::Refused(T::VerifyFileTooLarge),
        Err(UploadError::Malformed) => VerifyResult::Refused(T::UploadBroken),
        Err(UploadError::Disk) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        Ok(upload) => {
            match upload.files.get("arkiv").filter(|p| p.len > 0).map(|p| p.file.reopen()) {
                None => VerifyResult::Refused(T::VerifyNoFile),
                Some(Err(_)) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                Some(Ok(file)) => {
                    let keys = state.trusted_keys.all();
                    match tokio::task::spawn_blocking(move || {
                        let mut report =
                            export::archive::verify_from(std::io::BufReader::new(file), &keys);
                        crate::oidc::check_archived(&mut report);
                        report
                    })
                    .await
                    {
                        Ok(report) => VerifyResult::Checked(report),
                        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
                    }
                }
            }
        }
    };
    // The check's page, rendered for this answer with the result in its context.
    let mut parts = parts;
    parts.method = Method::GET;
    let (api, options) = (state.api.clone(), state.leptos_options.clone());
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(api.clone());
            provide_context(RequestFlash::default());
            provide_context(result.clone());
        },
        move || app::ui::shell(options.clone()),
    );
    render(Request::from_parts(parts, Body::empty())).await
}

/// Sets its flag when dropped: the request that started a form check is gone (answered,
/// timed out, or the client left), so qpdf is killed at once.
struct Cancel(Arc<AtomicBool>);

impl Drop for Cancel {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Checks an uploaded blank form (qpdf first, under limits; scripts and actions removed; its
/// fields read with a budget) against the mapping (BITA's own, or the uploaded one within
/// bounds). Runs on its own thread with a large stack, so no input can overflow it.
fn check_form(
    kind: &str,
    pdf: &std::path::Path,
    mapping: &[u8],
    cancel: &AtomicBool,
) -> Result<engine::documents::CheckedForm, T> {
    use export::form::{FormKind, Limits, Mapping, Refusal};
    let form = FormKind::from_code(kind).ok_or(T::NotAllowed)?;
    let mapping = if mapping.is_empty() {
        form.default_mapping()
    } else {
        Mapping::parse(mapping).ok_or(T::FormBadMapping)?
    };
    let checked = export::form::check_upload(pdf, &Limits::upload(), cancel).map_err(|r| {
        tracing::warn!(refused = %r, "an uploaded FK form was refused");
        match r {
            Refusal::NotAPdf => T::FormNotAPdf,
            Refusal::NoFields => T::FormNoFields,
            Refusal::TooManyPages | Refusal::TooLarge | Refusal::TooComplex | Refusal::TimedOut => {
                T::FormHostile
            }
            Refusal::CouldNotCheck => T::FormCouldNotCheck,
        }
    })?;
    let missing = mapping
        .missing_in(&checked.field_names)
        .into_iter()
        .map(|(k, f)| format!("{k} → {f}"))
        .collect();
    let mapping = serde_json::to_string_pretty(&mapping).map_err(|_| T::FormBadMapping)?;
    Ok(engine::documents::CheckedForm {
        kind: form.code().to_string(),
        pdf: checked.pdf,
        mapping,
        fields: checked.field_names.len() as i64,
        missing,
    })
}

/// An administrator uploads FK's blank fillable form (3059 or 3057), optionally with a mapping
/// of its fields (JSON; BITA's own otherwise). The guard has checked the role and the token
/// before the body was read; the files stream to temporary files; the form is checked at once,
/// and what the mapping names and the form lacks is shown.
pub async fn upload_form(State(state): State<AppState>, cx: Cx, req: Request) -> Response {
    let multipart = match multipart(&state, req).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let upload =
        match upload::read(multipart, &[("fil", FORM_PDF_LIMIT), ("karta", MAPPING_LIMIT)]).await {
            Ok(u) => u,
            Err(UploadError::TooLarge { .. }) => return refused(&cx, "", T::FormTooLarge).await,
            Err(UploadError::Malformed) => return refused(&cx, "", T::UploadBroken).await,
            Err(UploadError::Disk) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    let month = upload.field("manad").to_string();
    let (Some(pdf), mapping) =
        (upload.files.get("fil").filter(|p| p.len > 0), upload.files.get("karta"))
    else {
        return refused(&cx, &month, T::FormNoFile).await;
    };
    let Ok(mapping) = mapping.map(|m| m.bytes()).transpose() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Ok(Ok(_slot)) = tokio::time::timeout(SLOT_WAIT, FORM_SLOTS.acquire()).await else {
        return refused(&cx, &month, T::FormBusy).await;
    };
    let (kind, path) = (upload.field("typ").to_string(), pdf.file.path().to_path_buf());
    let flag = Arc::new(AtomicBool::new(false));
    let _cancel = Cancel(flag.clone());
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("fk-form-check".into())
        .stack_size(64 << 20)
        .spawn(move || {
            let _ = tx.send(check_form(&kind, &path, &mapping.unwrap_or_default(), &flag));
        });
    if spawned.is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let Ok(checked) = rx.await else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    drop(upload);
    answer(month_export::save_form(&cx, &month, checked).await, &cx).await
}

/// The export page again, saying why the upload was not taken.
async fn refused(cx: &Cx, month: &str, t: T) -> Response {
    answer(month_export::save_form(cx, month, Err(t)).await, cx).await
}

async fn answer(outcome: Result<app::model::Outcome, app::model::PageError>, cx: &Cx) -> Response {
    match outcome {
        Err(e) => e.into_response(),
        Ok(o) => {
            cx.set_flash(o.flash).await;
            Redirect::to(&o.to).into_response()
        }
    }
}
