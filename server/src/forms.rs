//! Form posts of the pages (post/redirect/get). Each handler resolves the caller from the
//! session, lets `app::api::service` decide, keeps what was typed and what went wrong in the
//! session for the next page view, and redirects back.

use crate::AppState;
use app::api::service::{self, Cx};
use app::api::{Flash, PageError};
use app::domain::{ReportMonth, RowInput};
use app::i18n::{Locale, T};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use tower_sessions::Session;

fn page_error(e: PageError) -> Response {
    match e {
        PageError::LoggedOut => Redirect::to("/logga-in").into_response(),
        PageError::Forbidden => StatusCode::FORBIDDEN.into_response(),
        PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn cx(state: &AppState, session: Session) -> Result<Cx, Response> {
    Cx::new(state.api.repo.clone(), session).await.map_err(page_error)
}

fn back(path: &str, month: Option<ReportMonth>) -> Response {
    match month {
        Some(m) => Redirect::to(&format!("{path}?manad={m}")).into_response(),
        None => Redirect::to(path).into_response(),
    }
}

fn notice(t: T) -> Flash {
    Flash { notice: Some(t), ..Default::default() }
}

fn error(t: T) -> Flash {
    Flash { error: Some(t), ..Default::default() }
}

pub async fn add_row(State(state): State<AppState>, session: Session, Form(input): Form<RowInput>) -> Response {
    let cx = match cx(&state, session).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    match service::add_row(&cx, &input).await {
        Err(e) => page_error(e),
        Ok(Ok((month, findings))) => {
            cx.set_flash(Flash { notice: Some(T::RowSaved), findings, ..Default::default() }).await;
            back("/assistent", Some(month))
        }
        Ok(Err(errors)) => {
            let month = chrono::NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").ok().map(ReportMonth::of);
            cx.set_flash(Flash { row_form: Some((input, errors)), ..Default::default() }).await;
            back("/assistent", month)
        }
    }
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    row: String,
    #[serde(default)]
    manad: String,
}

pub async fn delete_row(State(state): State<AppState>, session: Session, Form(f): Form<DeleteForm>) -> Response {
    let cx = match cx(&state, session).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let month = ReportMonth::parse(&f.manad);
    let Ok(row) = f.row.parse::<i64>() else {
        cx.set_flash(error(T::NotAllowed)).await;
        return back("/assistent", month);
    };
    match service::delete_row(&cx, row).await {
        Err(e) => page_error(e),
        Ok(Ok(m)) => {
            cx.set_flash(notice(T::RowDeleted)).await;
            back("/assistent", Some(m))
        }
        Ok(Err(t)) => {
            cx.set_flash(error(t)).await;
            back("/assistent", month)
        }
    }
}

#[derive(Deserialize)]
pub struct SubmitForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    manad: String,
    #[serde(default)]
    attest: Option<String>,
}

pub async fn submit_month(State(state): State<AppState>, session: Session, Form(f): Form<SubmitForm>) -> Response {
    let cx = match cx(&state, session).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let month = ReportMonth::parse(&f.manad);
    let (Ok(recipient), Some(m)) = (f.recipient.parse::<i64>(), month) else {
        cx.set_flash(error(T::NotAllowed)).await;
        return back("/assistent", month);
    };
    let flash = match service::submit_month(&cx, recipient, m, f.attest.is_some()).await {
        Err(e) => return page_error(e),
        Ok(Ok(())) => notice(T::MonthSubmitted),
        Ok(Err(t)) => error(t),
    };
    cx.set_flash(flash).await;
    back("/assistent", month)
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    manad: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide_month(State(state): State<AppState>, session: Session, Form(f): Form<DecideForm>) -> Response {
    let cx = match cx(&state, session).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let month = ReportMonth::parse(&f.manad);
    let Ok(key) = f.key.parse::<i64>() else {
        cx.set_flash(error(T::NotAllowed)).await;
        return back("/brukare", month);
    };
    let approve = f.decision == "approve";
    let flash = match service::decide_month(&cx, key, approve, &f.reason).await {
        Err(e) => return page_error(e),
        Ok(Ok(_)) => notice(if approve { T::MonthApproved } else { T::MonthRejected }),
        Ok(Err(t)) => Flash { error: Some(t), reject_form: (!approve).then(|| (key, f.reason.clone())), ..Default::default() },
    };
    cx.set_flash(flash).await;
    back("/brukare", month)
}

#[derive(Deserialize)]
pub struct MonthQuery {
    manad: Option<String>,
}

/// The month's rows as CSV for the admin's own municipality.
pub async fn export_csv(State(state): State<AppState>, session: Session, headers: HeaderMap, Query(q): Query<MonthQuery>) -> Response {
    let cx = match cx(&state, session).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    let Some(month) = q.manad.as_deref().and_then(ReportMonth::parse) else {
        return (StatusCode::BAD_REQUEST, "manad=YYYY-MM").into_response();
    };
    let locale = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Locale::from_cookie_header).unwrap_or_default();
    match service::month_csv(&cx, month, locale).await {
        Err(e) => page_error(e),
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"bita-{month}.csv\"")),
            ],
            // A byte-order mark so spreadsheet programs read å, ä and ö right.
            format!("\u{feff}{csv}"),
        )
            .into_response(),
    }
}
