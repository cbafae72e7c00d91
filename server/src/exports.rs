//! Month-end export over HTTP: the export (preflight gate, documents made on a blocking thread,
//! the archive stored and the month locked), archive downloads, and the public check of an
//! uploaded archive.

use crate::forms::{cx, page_error};
use crate::AppState;
use app::api::exporting::{self, Sealed};
use app::api::service::ClientAddr;
use app::api::changes::idempotency_key;
use app::api::Flash;
use axum::body::Bytes;
use axum::extract::{Multipart, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use serde::Deserialize;
use tower_sessions::Session;

pub const EXPORT_PATH: &str = "/admin/export";
pub const VERIFY_PATH: &str = "/verifiera";
/// The largest archive the public check accepts.
pub const VERIFY_LIMIT: usize = 256 * 1024 * 1024;
pub const FORM_PATH: &str = "/admin/export/blankett";
/// FK's forms are a few hundred kB; a mapping file a few kB.
pub const FORM_LIMIT: usize = 20 * 1024 * 1024;

#[derive(Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    manad: String,
    #[serde(default)]
    idem: String,
}

/// Exports a month: refused with the reasons when preflight fails; otherwise every document is
/// made from the frozen content off the async threads, then the archive is stored and the
/// month locked in one transaction.
pub async fn export_month(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>, body: Bytes) -> Response {
    let cx = match cx(&state, session, client).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let Ok(f) = serde_urlencoded::from_bytes::<ExportForm>(&body) else {
        return (StatusCode::BAD_REQUEST, "bad form").into_response();
    };
    let key = idempotency_key(&f.idem);
    let data = match exporting::prepare(&cx, &f.manad, key).await {
        Err(e) => return page_error(e),
        Ok(Err(outcome)) => {
            cx.set_flash(outcome.flash).await;
            return Redirect::to(&outcome.to).into_response();
        }
        Ok(Ok(data)) => data,
    };
    let signing_key = state.archive_key.clone();
    let started = std::time::Instant::now();
    let (data, built) = match tokio::task::spawn_blocking(move || {
        let built = export::build(&data, &signing_key);
        (data, built)
    })
    .await
    {
        Ok((data, Ok(built))) => (data, built),
        Ok((_, Err(e))) => {
            tracing::error!(error = %e, "month archive could not be made");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "month archive task failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    tracing::info!(files = built.files, bytes = built.zip.len(), ms = started.elapsed().as_millis() as u64, "month archive made");
    let sealed = Sealed { sha256: built.sha256, manifest_sha256: built.manifest_sha256, files: built.files, corrections: built.corrections, zip: built.zip };
    match exporting::record(&cx, &data, &sealed, key).await {
        Err(e) => page_error(e),
        Ok(o) => {
            cx.set_flash(o.flash).await;
            Redirect::to(&o.to).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct ArchiveQuery {
    id: Option<String>,
}

/// An archive of the caller's own municipality, byte for byte as stored.
pub async fn download_archive(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>, Query(q): Query<ArchiveQuery>) -> Response {
    let cx = match cx(&state, session, client).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let Some(id) = q.id.as_deref().and_then(|s| s.trim().parse::<i64>().ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match exporting::archive(&cx, id).await {
        Err(e) => page_error(e),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some((month, version, zip))) => (
            [
                (header::CONTENT_TYPE, "application/zip".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"bita-{month}-v{version}.zip\"")),
            ],
            zip,
        )
            .into_response(),
    }
}

/// Checks an uploaded archive against this installation's key. Changes nothing and keeps
/// nothing but the result, shown on the next page view.
pub async fn verify_upload(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>, mut multipart: Multipart) -> Response {
    let cx = match cx(&state, session, client).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    // The upload goes to a temporary file chunk by chunk: an archive is hundreds of MB.
    let Ok(file) = tempfile::tempfile() else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    let mut file = tokio::fs::File::from_std(file);
    let mut size = 0usize;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                let is_archive = field.name() == Some("arkiv");
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) if is_archive => {
                            size += chunk.len();
                            if tokio::io::AsyncWriteExt::write_all(&mut file, &chunk).await.is_err() {
                                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                            }
                        }
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => return (e.status(), "upload").into_response(),
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return (e.status(), "upload").into_response(),
        }
    }
    let flash = if size == 0 {
        Flash { error: Some(app::i18n::T::VerifyNoFile), ..Default::default() }
    } else {
        let key = state.archive_key.verifying_key();
        if tokio::io::AsyncWriteExt::flush(&mut file).await.is_err() {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        let file = file.into_std().await;
        match tokio::task::spawn_blocking(move || export::archive::verify_from(std::io::BufReader::new(file), &key)).await {
            Ok(report) => Flash { verify: Some(report), ..Default::default() },
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    };
    cx.set_flash(flash).await;
    Redirect::to(VERIFY_PATH).into_response()
}

/// Decrypts an uploaded blank form and checks its fields against the mapping.
pub fn check_form(kind: &str, pdf: &[u8], mapping: &[u8]) -> Result<app::api::export::CheckedForm, app::i18n::T> {
    use app::i18n::T;
    use export::form::{FormKind, Mapping};
    let form = FormKind::from_code(kind).ok_or(T::NotAllowed)?;
    if pdf.is_empty() {
        return Err(T::FormNoFile);
    }
    let mapping: Mapping = if mapping.is_empty() { form.default_mapping() } else { serde_json::from_slice(mapping).map_err(|_| T::FormBadMapping)? };
    let pdf = export::form::decrypt(pdf).map_err(|e| {
        tracing::warn!(error = %e, "an uploaded FK form could not be opened");
        T::FormNotAPdf
    })?;
    let names = export::form::field_names(&pdf).map_err(|_| T::FormNoFields)?;
    let missing = mapping.missing_in(&names).into_iter().map(|(k, f)| format!("{k} → {f}")).collect();
    let mapping = serde_json::to_string_pretty(&mapping).map_err(|_| T::FormBadMapping)?;
    Ok(app::api::export::CheckedForm { kind: form.code().to_string(), pdf, mapping, fields: names.len() as i64, missing })
}

/// An administrator uploads FK's blank fillable form (3059 or 3057), optionally with a mapping
/// of its fields (JSON; BITA's own otherwise). The form is decrypted and its fields checked
/// against the mapping at once: what the mapping names and the form lacks is shown.
pub async fn upload_form(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>, mut multipart: Multipart) -> Response {
    let cx = match cx(&state, session, client).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let (mut csrf, mut kind, mut month, mut pdf, mut mapping) = (String::new(), String::new(), String::new(), Vec::new(), Vec::new());
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let Ok(data) = field.bytes().await else { return (StatusCode::BAD_REQUEST, "upload").into_response() };
                match name.as_str() {
                    "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
                    "typ" => kind = String::from_utf8_lossy(&data).into_owned(),
                    "manad" => month = String::from_utf8_lossy(&data).into_owned(),
                    "fil" => pdf = data.to_vec(),
                    "karta" => mapping = data.to_vec(),
                    _ => {}
                }
            }
            Ok(None) => break,
            Err(_) => return (StatusCode::BAD_REQUEST, "upload").into_response(),
        }
    }
    if cx.csrf.as_deref() != Some(csrf.as_str()) {
        return (StatusCode::FORBIDDEN, "csrf").into_response();
    }
    let checked = tokio::task::spawn_blocking(move || check_form(&kind, &pdf, &mapping)).await;
    let outcome = match checked {
        Ok(result) => exporting::save_form(&cx, &month, result).await,
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    match outcome {
        Err(e) => page_error(e),
        Ok(o) => {
            cx.set_flash(o.flash).await;
            Redirect::to(&o.to).into_response()
        }
    }
}
