//! Form posts of the pages (post/redirect/get). Each handler takes the caller's context (the
//! guard resolved it and checked the route's role and the CSRF token before the body was
//! read) and the form ([`Posted`]: its fields and idempotency key), hands them to the service
//! layer (`app::service`, where the change, its checks and its audit entry are one
//! transaction), keeps what the next page should say in the session, and redirects.

use crate::AppState;
use crate::extract::Posted;
use crate::guard::Gate;
use app::i18n::{Locale, Message, T};
use app::model::{Outcome, PageError};
use app::service::context::Cx;
use app::service::{export, month, rows};
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use engine::{ReportMonth, RowInput};
use serde::Deserialize;
use std::sync::Arc;

pub(crate) use crate::extract::answer;

/// The planned shift a row settles ("Jobbade annorlunda"), beside the row's own fields.
#[derive(Deserialize, Default)]
pub struct FromPlan {
    #[serde(default)]
    planerat: String,
}

pub async fn add_row(
    cx: Cx,
    headers: HeaderMap,
    Posted { form: input, more, key }: Posted<RowInput, FromPlan>,
) -> Response {
    let planned = Some(more.planerat.as_str()).filter(|p| !p.trim().is_empty());
    answer_or_queued(&cx, &headers, rows::add_row(&cx, &input, planned, key.as_deref()).await).await
}

use crate::guard::{QUEUED, locale};

/// The answer to a post the phone's offline queue may send again (a row, a planned shift's
/// tap): [`queued_answer`] when the queue sent it, the page's answer otherwise.
pub(crate) async fn answer_or_queued(
    cx: &Cx,
    headers: &HeaderMap,
    outcome: Result<Outcome, PageError>,
) -> Response {
    if headers.contains_key(QUEUED) {
        return queued_answer(outcome, locale(headers));
    }
    answer(cx, outcome).await
}

/// What the offline queue is told about a row it sends: saved (with the notice and any
/// warnings) or refused (with why, in the user's language), as JSON, so the phone can keep
/// the typed values of a refused row and show the reason. Nothing goes into the session: the
/// page that shows it is the phone's, not the next redirect. 401 when the session has ended.
fn queued_answer(outcome: Result<Outcome, PageError>, l: Locale) -> Response {
    let o = match outcome {
        Ok(o) => o,
        Err(PageError::LoggedOut) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(e) => return e.into_response(),
    };
    let f = &o.flash;
    let mut errors: Vec<String> =
        f.row_form().iter().flat_map(|(_, errs)| errs.iter().map(|e| e.message(l))).collect();
    errors.extend(f.error.map(|t| l.t(t).to_string()));
    errors.extend(f.plan_errors.iter().map(|e| e.message(l)));
    let answer = if errors.is_empty() {
        serde_json::json!({
            "saved": true,
            "notice": f.notice.map(|t| l.t(t)),
            "warnings": f.findings.iter().map(|w| w.message(l)).collect::<Vec<_>>(),
        })
    } else {
        serde_json::json!({ "saved": false, "errors": errors })
    };
    axum::Json(answer).into_response()
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    rad: String,
}

pub async fn edit_row(
    cx: Cx,
    Posted { form: input, more: f, key }: Posted<RowInput, EditForm>,
) -> Response {
    let outcome = rows::edit_row(&cx, &input, &f.rad, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    row: String,
    #[serde(default)]
    manad: String,
}

pub async fn delete_row(cx: Cx, Posted { form: f, key, .. }: Posted<DeleteForm>) -> Response {
    let outcome = rows::delete_row(&cx, &f.row, &f.manad, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    manad: String,
    #[serde(default)]
    attest: String,
    /// `eid`: sign the attestation with e-legitimation.
    #[serde(default)]
    sign: String,
    /// The rows' SHA-256 as the page showed them (for the e-legitimation's binding).
    #[serde(default)]
    hash: String,
}

/// The assistant submits a month on honour: with the checkbox alone, or (`sign=eid`) signed
/// with e-legitimation bound to the rows, after the checkbox is ticked.
pub async fn submit_month(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
    Posted { form: f, key, .. }: Posted<SubmitForm>,
) -> Response {
    if f.sign == "eid" && f.attest == "on" {
        let kind = crate::oidc::SignKind::Attestation { recipient: f.recipient, month: f.manad };
        return crate::oidc::start_signing(&state, &gate, &headers, &cx, kind, &f.hash, key).await;
    }
    let outcome = month::submit_month(
        &cx,
        &f.recipient,
        &f.manad,
        &f.attest,
        month::Confirmation::Missing,
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

pub async fn withdraw_month(cx: Cx, Posted { form: f, key, .. }: Posted<SubmitForm>) -> Response {
    let outcome = month::withdraw_month(&cx, &f.recipient, &f.manad, key.as_deref()).await;
    answer(&cx, outcome).await
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// Approve (a signature, after the password is typed again) or return a submitted month.
pub async fn decide_month(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
    Posted { form: f, key, .. }: Posted<Vec<(String, String)>>,
) -> Response {
    let decision = field(&f, "decision");
    if decision == "approve" && field(&f, "sign") == "eid" {
        let kind = crate::oidc::SignKind::Month { key: field(&f, "key").to_string() };
        return crate::oidc::start_signing(
            &state,
            &gate,
            &headers,
            &cx,
            kind,
            field(&f, "hash"),
            key,
        )
        .await;
    }
    let confirmation = if decision == "approve" {
        match crate::auth::confirm_password(&state, &cx, field(&f, "password")).await {
            Ok(c) => c,
            Err(r) => return r,
        }
    } else {
        app::service::month::Confirmation::Missing
    };
    let marked =
        f.iter().filter(|(k, _)| k == "mark").filter_map(|(_, v)| engine::text::id(v)).collect();
    let form = app::service::month::DecisionForm {
        key: field(&f, "key"),
        decision,
        reason: field(&f, "reason"),
        hash: field(&f, "hash"),
        marked,
    };
    let outcome = app::service::month::decide_month(&cx, &form, confirmation, key.as_deref()).await;
    answer(&cx, outcome).await
}

/// Return an approved month to the assistant with a reason.
pub async fn return_month(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<Vec<(String, String)>>,
) -> Response {
    let outcome = app::service::month::return_month(
        &cx,
        field(&f, "key"),
        field(&f, "reason"),
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

/// The räkning's answers (the signer) or its cost table (the provider).
pub async fn save_claim(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<Vec<(String, String)>>,
) -> Response {
    let outcome = app::service::claims::save_claim(
        &cx,
        field(&f, "person"),
        field(&f, "manad"),
        &f,
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

/// Sign the räkning, after the password is typed again.
pub async fn sign_claim(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
    Posted { form: f, key, .. }: Posted<Vec<(String, String)>>,
) -> Response {
    if field(&f, "sign") == "eid" {
        let kind = crate::oidc::SignKind::Claim {
            person: field(&f, "person").to_string(),
            month: field(&f, "manad").to_string(),
        };
        return crate::oidc::start_signing(
            &state,
            &gate,
            &headers,
            &cx,
            kind,
            field(&f, "hash"),
            key,
        )
        .await;
    }
    let confirmation = match crate::auth::confirm_password(&state, &cx, field(&f, "password")).await
    {
        Ok(c) => c,
        Err(r) => return r,
    };
    let outcome = app::service::claims::sign_claim(
        &cx,
        field(&f, "person"),
        field(&f, "manad"),
        field(&f, "hash"),
        confirmation,
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct IdForm {
    #[serde(default)]
    id: String,
}

pub async fn save_assistant(
    cx: Cx,
    Posted { form: input, more: id, key }: Posted<engine::register::AssistantInput, IdForm>,
) -> Response {
    let outcome = app::service::register::save_assistant(&cx, &id.id, &input, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn save_recipient(
    cx: Cx,
    Posted { form: input, more: id, key }: Posted<engine::register::RecipientInput, IdForm>,
) -> Response {
    let outcome = app::service::register::save_recipient(&cx, &id.id, &input, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct RecipientRef {
    #[serde(default)]
    recipient: String,
}

pub async fn add_decision(
    cx: Cx,
    Posted { form: input, more: r, key }: Posted<engine::register::DecisionInput, RecipientRef>,
) -> Response {
    let outcome =
        app::service::register::add_decision(&cx, &r.recipient, &input, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct AssignmentForm {
    #[serde(default)]
    assistant: String,
    #[serde(default)]
    assignment: String,
    #[serde(default)]
    valid_to: String,
}

pub async fn add_assignment(
    cx: Cx,
    Posted { form: input, more: f, key }: Posted<engine::register::AssignmentInput, AssignmentForm>,
) -> Response {
    let outcome =
        app::service::register::add_assignment(&cx, &f.assistant, &input, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn end_assignment(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<AssignmentForm>,
) -> Response {
    let outcome = app::service::register::end_assignment(
        &cx,
        &f.assistant,
        &f.assignment,
        &f.valid_to,
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    assistant: String,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    manad: String,
}

pub async fn remind(cx: Cx, Posted { form: f, key, .. }: Posted<RemindForm>) -> Response {
    let outcome = month::remind(&cx, &f.assistant, &f.recipient, &f.manad, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct AttestForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    manad: String,
}

pub async fn attest_month(cx: Cx, Posted { form: f, key, .. }: Posted<AttestForm>) -> Response {
    let outcome = month::attest_month(&cx, &f.key, &f.manad, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn attest_ready(cx: Cx, Posted { form: f, key, .. }: Posted<AttestForm>) -> Response {
    let outcome = month::attest_ready(&cx, &f.manad, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct ReportQuery {
    nyckel: Option<String>,
}

/// An attested FK 3059: exactly the bytes frozen at attestation, never rendered again. A post
/// with the CSRF token (its download is recorded in the audit log: a link on another site
/// must not make a browser write that).
pub async fn export_3059(cx: Cx, Posted { form: q, .. }: Posted<ReportQuery>) -> Response {
    let Some(id) = q.nyckel.as_deref().and_then(engine::text::id) else {
        return (StatusCode::BAD_REQUEST, "nyckel").into_response();
    };
    match export::frozen_3059(&cx, id).await {
        Err(e) => e.into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some((month, frozen))) => (
            [
                (header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"FK3059-{month}-{}.xml\"", frozen.id),
                ),
                (header::HeaderName::from_static("x-content-sha256"), frozen.sha256.clone()),
            ],
            frozen.bytes,
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
pub struct MonthQuery {
    manad: Option<String>,
    /// `1` asks for the final export (every month attested); anything else is preliminary.
    slutlig: Option<String>,
}

/// The month's rows as CSV for the admin's own municipality: preliminary (each row says
/// whether its month is approved and attested), or final only when every month is. A post,
/// like every download the audit log records.
pub async fn export_csv(
    cx: Cx,
    headers: HeaderMap,
    Posted { form: q, .. }: Posted<MonthQuery>,
) -> Response {
    let Some(month) = q.manad.as_deref().and_then(ReportMonth::parse) else {
        return (StatusCode::BAD_REQUEST, "manad=YYYY-MM").into_response();
    };
    let final_export = q.slutlig.as_deref() == Some("1");
    let locale = locale(&headers);
    match export::month_csv(&cx, month, locale, final_export).await {
        Err(e) => e.into_response(),
        Ok(Err(missing)) => {
            let text = format!("{}\n{}\n", locale.t(T::FinalExportRefused), missing.join("\n"));
            (StatusCode::CONFLICT, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text)
                .into_response()
        }
        Ok(Ok(csv)) => {
            let kind = if final_export { "slutlig" } else { "preliminar" };
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"bita-{month}-{kind}.csv\""),
                    ),
                ],
                // A byte-order mark so spreadsheet programs read å, ä and ö right.
                format!("\u{feff}{csv}"),
            )
                .into_response()
        }
    }
}

/// The ids and small fields the register's smaller forms carry besides their own input.
#[derive(Deserialize, Default)]
pub struct Ids {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    absence: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    valid_to: String,
    /// Whose account or personnummer: `assistant`, `recipient` or `representative`.
    #[serde(default)]
    owner: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
}

use app::service::settings as reg;
use engine::settings::{
    AbsenceInput, LssRateInput, ProviderInput, RateInput, RepresentativeInput, RulesInput,
};

// The provider's settings and the recipient card's smaller registers: one call each.

pub async fn save_provider(cx: Cx, Posted { form: f, key, .. }: Posted<ProviderInput>) -> Response {
    answer(&cx, reg::save_provider(&cx, &f, key.as_deref()).await).await
}

pub async fn set_rate(cx: Cx, Posted { form: f, key, .. }: Posted<RateInput>) -> Response {
    answer(&cx, reg::set_rate(&cx, &f, key.as_deref()).await).await
}

pub async fn set_lss_rate(cx: Cx, Posted { form: f, key, .. }: Posted<LssRateInput>) -> Response {
    answer(&cx, reg::set_lss_rate(&cx, &f, key.as_deref()).await).await
}

pub async fn save_rules(cx: Cx, Posted { form: f, key, .. }: Posted<RulesInput>) -> Response {
    answer(&cx, reg::save_rules(&cx, &f, key.as_deref()).await).await
}

pub async fn add_representative(
    cx: Cx,
    Posted { form: f, more: ids, key }: Posted<RepresentativeInput, Ids>,
) -> Response {
    answer(&cx, reg::add_representative(&cx, &ids.recipient, &f, key.as_deref()).await).await
}

pub async fn end_representation(cx: Cx, Posted { form: ids, key, .. }: Posted<Ids>) -> Response {
    answer(&cx, reg::end_representation(&cx, &ids.recipient, &ids.user, key.as_deref()).await).await
}

pub async fn add_absence(
    cx: Cx,
    Posted { form: f, more: ids, key }: Posted<AbsenceInput, Ids>,
) -> Response {
    answer(&cx, reg::add_absence(&cx, &ids.recipient, &f, key.as_deref()).await).await
}

pub async fn delete_absence(cx: Cx, Posted { form: ids, key, .. }: Posted<Ids>) -> Response {
    answer(&cx, reg::delete_absence(&cx, &ids.recipient, &ids.absence, key.as_deref()).await).await
}

pub async fn end_decision(cx: Cx, Posted { form: ids, key, .. }: Posted<Ids>) -> Response {
    answer(
        &cx,
        reg::end_decision(&cx, &ids.recipient, &ids.decision, &ids.valid_to, key.as_deref()).await,
    )
    .await
}

pub async fn reveal_personnummer(cx: Cx, Posted { form: ids, key, .. }: Posted<Ids>) -> Response {
    answer(&cx, reg::reveal_personnummer(&cx, &ids.owner, &ids.id, key.as_deref()).await).await
}

pub async fn account_action(cx: Cx, Posted { form: f, key, .. }: Posted<Ids>) -> Response {
    use reg::AccountAction;
    let action = match f.action.as_str() {
        "create" => AccountAction::Create,
        "link" => AccountAction::NewLink,
        "deactivate" => AccountAction::Deactivate,
        "activate" => AccountAction::Activate,
        "otp_reset" => AccountAction::RemoveSecondFactor,
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let outcome = reg::account_action(
        &cx,
        &f.owner,
        &f.id,
        &f.user,
        action,
        &f.username,
        &f.email,
        key.as_deref(),
    )
    .await;
    answer(&cx, outcome).await
}

/// The CSV upload (multipart): the dry run. The guard checked the role and the token (in the
/// form's address) before the body was read; the file streams to a temporary file, capped.
pub async fn import_dry_run(
    State(state): State<AppState>,
    cx: Cx,
    req: axum::extract::Request,
) -> Response {
    use crate::upload::{self, UploadError};
    let multipart =
        match <axum::extract::Multipart as axum::extract::FromRequest<AppState>>::from_request(
            req, &state,
        )
        .await
        {
            Ok(m) => m,
            Err(_) => return (StatusCode::BAD_REQUEST, "multipart").into_response(),
        };
    let (kind, bytes) =
        match upload::read(multipart, &[("fil", app::service::import::MAX_BYTES as u64)]).await {
            Ok(u) => match u.files.get("fil").map(|p| p.bytes()).transpose() {
                Ok(bytes) => (u.field("typ").to_string(), bytes.unwrap_or_default()),
                Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            },
            Err(UploadError::TooLarge { .. }) => {
                return answer(&cx, Ok(app::service::import::refused(T::ImportTooLarge))).await;
            }
            Err(UploadError::Malformed) => {
                return answer(&cx, Ok(app::service::import::refused(T::UploadBroken))).await;
            }
            Err(UploadError::Disk) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
    let outcome = app::service::import::dry_run(&cx, &kind, &bytes).await;
    answer(&cx, outcome).await
}

pub async fn import_run(cx: Cx, Posted { form: ids, key, .. }: Posted<Ids>) -> Response {
    answer(&cx, app::service::import::import(&cx, &ids.id, key.as_deref()).await).await
}

#[derive(Deserialize)]
pub struct CorrectionForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    reason: String,
}

pub async fn correct_month(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<CorrectionForm>,
) -> Response {
    let outcome = app::service::month::correct_month(&cx, &f.key, &f.reason, key.as_deref()).await;
    answer(&cx, outcome).await
}

/// The shift card's forms (clock in and out, copy shifts): every field optional, the time
/// empty for "now".
#[derive(Deserialize, Default)]
pub struct ShiftForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    at: String,
    #[serde(default)]
    fran: String,
}

pub async fn start_shift(cx: Cx, Posted { form: f, key, .. }: Posted<ShiftForm>) -> Response {
    let outcome =
        app::service::shifts::start(&cx, &f.recipient, &f.kind, &f.at, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn switch_shift(cx: Cx, Posted { form: f, key, .. }: Posted<ShiftForm>) -> Response {
    let outcome = app::service::shifts::switch(&cx, &f.kind, &f.at, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn stop_shift(cx: Cx, Posted { form: f, key, .. }: Posted<ShiftForm>) -> Response {
    let outcome = app::service::shifts::stop(&cx, &f.at, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn cancel_shift(cx: Cx, Posted { key, .. }: Posted<ShiftForm>) -> Response {
    let outcome = app::service::shifts::cancel(&cx, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn copy_shifts(cx: Cx, Posted { form: f, key, .. }: Posted<ShiftForm>) -> Response {
    let outcome = app::service::shifts::copy(&cx, &f.fran, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct ClaimRef {
    #[serde(default)]
    person: String,
    #[serde(default)]
    manad: String,
}

pub async fn reveal_own_personnummer(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<ClaimRef>,
) -> Response {
    let outcome =
        app::service::claims::reveal_claim_personnummer(&cx, &f.person, &f.manad, key.as_deref())
            .await;
    answer(&cx, outcome).await
}

/// The municipality's sign-in settings (short address, passwords, what needs e-legitimation).
pub async fn save_login_settings(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<Vec<(String, String)>>,
) -> Response {
    let on = |name: &str| !field(&f, name).is_empty();
    let input = app::service::identity::LoginSettingsInput {
        slug: field(&f, "slug").to_string(),
        password_login: on("password_login"),
        strong_for: engine::people::StrongFor {
            admin: on("strong_admin"),
            personnummer: on("strong_personnummer"),
            health: on("strong_health"),
            signing: on("strong_signing"),
            attestation: on("strong_attestation"),
        },
    };
    let outcome = app::service::identity::save_login_settings(&cx, &input, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn add_identity_provider(
    cx: Cx,
    Posted { form, key, .. }: Posted<engine::settings::IdProviderInput>,
) -> Response {
    let outcome = app::service::identity::add_provider(&cx, &form, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn remove_identity_provider(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<IdForm>,
) -> Response {
    let outcome = app::service::identity::remove_provider(&cx, &f.id, key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// Starts the enrolment of the caller's second factor (a new secret, shown as a QR code).
pub async fn otp_begin(cx: Cx, Posted { key, .. }: Posted<Vec<(String, String)>>) -> Response {
    let outcome = app::service::otp::begin_enrolment(&cx, key.as_deref()).await;
    answer(&cx, outcome).await
}

/// Confirms the enrolment with the first code from the app.
pub async fn otp_confirm(cx: Cx, Posted { form: f, key, .. }: Posted<CodeForm>) -> Response {
    let outcome = app::service::otp::confirm_enrolment(&cx, &f.code, key.as_deref()).await;
    answer(&cx, outcome).await
}

/// Turns the second factor off, with a code or a recovery code.
pub async fn otp_remove(cx: Cx, Posted { form: f, key, .. }: Posted<CodeForm>) -> Response {
    let outcome = app::service::otp::remove(&cx, &f.code, key.as_deref()).await;
    answer(&cx, outcome).await
}

/// Taking part in the municipalities' comparison (`delta` 1), or leaving it (0).
#[derive(Deserialize, Default)]
pub struct TakePart {
    #[serde(default)]
    delta: String,
}

pub async fn take_part(cx: Cx, Posted { form: f, key, .. }: Posted<TakePart>) -> Response {
    let on = f.delta.trim() == "1";
    answer(&cx, app::service::benchmark::set_taking_part(&cx, on, key.as_deref()).await).await
}

/// The comparison's figures as a CSV download (404 when the municipality does not take part).
pub async fn benchmark_csv(cx: Cx) -> Response {
    match app::service::benchmark::csv(&cx).await {
        Err(e) => e.into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Ok(Some(csv)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"jamforelse.csv\""),
            ],
            csv,
        )
            .into_response(),
    }
}

pub async fn create_api_token(
    cx: Cx,
    Posted { form: f, key, .. }: Posted<app::model::api::TokenInput>,
) -> Response {
    answer(&cx, app::service::api::create_token(&cx, &f, key.as_deref()).await).await
}

/// Which token to revoke.
#[derive(Deserialize, Default)]
pub struct TokenId {
    #[serde(default)]
    id: String,
}

pub async fn revoke_api_token(cx: Cx, Posted { form: f, key, .. }: Posted<TokenId>) -> Response {
    answer(&cx, app::service::api::revoke_token(&cx, &f.id, key.as_deref()).await).await
}
