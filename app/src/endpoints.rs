//! The server functions: each page's data, read for the caller the session names. Each
//! resolves the caller and hands over to the service layer (which checks tenant, role and
//! relation); on the browser they are the stubs that fetch the same data as JSON.

#[cfg(feature = "ssr")]
use crate::domain::ReportMonth;
#[cfg(feature = "ssr")]
use crate::model::export::VerifyResult;
use crate::model::export::{ExportPage, VerifyPage};
use crate::model::review::{AuditPage, ClaimPage, ReviewPage, StartPage};
use crate::model::*;
#[cfg(feature = "ssr")]
use crate::service::{
    auth, claims, context, dashboard, export, import, month, register, rows, settings,
};
use leptos::prelude::*;

/// A server function's failure, with the HTTP status that says it (401, 403, 500).
#[cfg(feature = "ssr")]
fn failed(e: PageError) -> PageError {
    use axum::http::StatusCode;
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(match e {
            PageError::LoggedOut => StatusCode::UNAUTHORIZED,
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        });
    }
    e
}

#[cfg(feature = "ssr")]
fn month_arg(month: Option<String>) -> Option<ReportMonth> {
    month.as_deref().and_then(ReportMonth::parse)
}

/// A list's page number from the address (the first page when missing or not a number).
#[cfg(feature = "ssr")]
fn page_arg(page: Option<String>) -> i64 {
    page.as_deref().and_then(|p| p.trim().parse::<i64>().ok()).unwrap_or(1)
}

/// An id from the address: none when missing or empty, 404 when not a number.
#[cfg(feature = "ssr")]
fn id_arg(id: Option<String>) -> Result<Option<i64>, PageError> {
    match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => crate::domain::text::id(s).map(Some).ok_or_else(|| failed(PageError::NotFound)),
    }
}

#[server(prefix = "/api", endpoint = "load_assistant_page")]
pub async fn load_assistant_page(
    month: Option<String>,
    edit: Option<String>,
    planned: Option<String>,
) -> PageResult<AssistantPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    rows::assistant_page(&cx, month_arg(month), edit.as_deref(), planned.as_deref())
        .await
        .map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_schedules_page")]
pub async fn load_schedules_page(
    month: Option<String>,
) -> PageResult<crate::model::schedule::SchedulesPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::schedule::schedules_page(&cx, month_arg(month)).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_schedule_page")]
pub async fn load_schedule_page(
    id: Option<String>,
    month: Option<String>,
    swap: Option<String>,
) -> PageResult<crate::model::schedule::SchedulePage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let (id, swap) = (id_arg(id)?, id_arg(swap)?);
    crate::service::schedule::recipient_schedule(&cx, id, month_arg(month), swap)
        .await
        .map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_work_leaders_page")]
pub async fn load_work_leaders_page() -> PageResult<crate::model::schedule::WorkLeadersPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::schedule::work_leaders_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_admin_page")]
pub async fn load_admin_page(
    month: Option<String>,
    filter: Option<String>,
    query: Option<String>,
    page: Option<String>,
    pair: Option<String>,
) -> PageResult<AdminPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let page = page_arg(page);
    let pair = pair
        .as_deref()
        .and_then(|p| p.split_once('-'))
        .and_then(|(a, r)| Some((a.trim().parse().ok()?, r.trim().parse().ok()?)));
    let view = dashboard::AdminView {
        filter: filter.as_deref().unwrap_or(""),
        query: query.as_deref().unwrap_or("").trim(),
        page,
        pair,
    };
    dashboard::admin_page(&cx, month_arg(month), view).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_login_page")]
pub async fn load_login_page() -> PageResult<LoginPage> {
    auth::login_page().await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_assistants_page")]
pub async fn load_assistants_page(
    query: Option<String>,
    page: Option<String>,
) -> PageResult<AssistantsPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let page = page_arg(page);
    register::assistants_page(&cx, query.unwrap_or_default().trim(), page).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_assistant_form")]
pub async fn load_assistant_form(id: Option<String>) -> PageResult<AssistantFormPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let id = id_arg(id)?;
    register::assistant_form(&cx, id).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_invitation_page")]
pub async fn load_invitation_page(code: Option<String>) -> PageResult<InvitationPage> {
    auth::invitation_page(code.unwrap_or_default().trim()).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_recipients_page")]
pub async fn load_recipients_page(
    query: Option<String>,
    page: Option<String>,
) -> PageResult<RecipientsPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let page = page_arg(page);
    register::recipients_page(&cx, query.unwrap_or_default().trim(), page).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_import_page")]
pub async fn load_import_page(draft: Option<String>) -> PageResult<ImportPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let draft = id_arg(draft)?;
    import::import_page(&cx, draft).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_otp_page")]
pub async fn load_otp_page() -> PageResult<OtpPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::otp::otp_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_identity_page")]
pub async fn load_identity_page() -> PageResult<IdentityPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::identity::identity_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_api_tokens_page")]
pub async fn load_api_tokens_page() -> PageResult<crate::model::api::ApiTokensPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::api::tokens_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_benchmark_page")]
pub async fn load_benchmark_page() -> PageResult<crate::model::benchmark::BenchmarkPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    crate::service::benchmark::page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_provider_page")]
pub async fn load_provider_page() -> PageResult<ProviderPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    settings::provider_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_recipient_form")]
pub async fn load_recipient_form(id: Option<String>) -> PageResult<RecipientFormPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let id = id_arg(id)?;
    register::recipient_form(&cx, id).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_start_page")]
pub async fn load_start_page(person: Option<String>) -> PageResult<StartPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    claims::start_page(&cx, person.as_deref()).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_review_page")]
pub async fn load_review_page(key: Option<String>) -> PageResult<ReviewPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    month::review_page(&cx, key.as_deref().unwrap_or("")).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_claim_page")]
pub async fn load_claim_page(
    person: Option<String>,
    month: Option<String>,
) -> PageResult<ClaimPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    claims::claim_page(&cx, person.as_deref().unwrap_or(""), month.as_deref().unwrap_or(""))
        .await
        .map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_audit_page")]
pub async fn load_audit_page() -> PageResult<AuditPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    settings::audit_page(&cx).await.map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_export_page")]
pub async fn load_export_page(
    month: Option<String>,
    job: Option<String>,
) -> PageResult<ExportPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let job = job.as_deref().and_then(crate::domain::text::id);
    export::export_page(&cx, month.as_deref().and_then(ReportMonth::parse), job)
        .await
        .map_err(failed)
}

#[server(prefix = "/api", endpoint = "load_verify_page")]
pub async fn load_verify_page() -> PageResult<VerifyPage> {
    let cx = context::Cx::from_request().await.map_err(failed)?;
    let me = cx.caller.as_ref().map(|c| context::me(&cx, c));
    let result = leptos::prelude::use_context::<VerifyResult>();
    Ok(VerifyPage {
        me,
        public_key: cx.settings.archive_public_key.clone(),
        retired_keys: cx.settings.retired_public_keys.clone(),
        result,
    })
}
