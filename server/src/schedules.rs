//! The schedule's form posts and the assistant's calendar feed (issue 27): each reads its
//! form and hands over to `app::service::schedule`, which checks who may do what.

use crate::extract::{Posted, answer};
use crate::forms::answer_or_queued;
use app::model::schedule::{BaseInput, BaseShiftInput, ExtraShiftInput};
use app::service::context::{ApiState, Cx};
use app::service::schedule as plan;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// The fields the schedule's smaller forms carry.
#[derive(Deserialize, Default)]
pub struct PlanForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    manad: String,
    #[serde(default)]
    shift: String,
    #[serde(default)]
    change: String,
    #[serde(default)]
    assistant: String,
    #[serde(default)]
    other: String,
    #[serde(default)]
    on: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    email: String,
}

pub async fn save_base(
    cx: Cx,
    Posted { form, more, key }: Posted<BaseInput, PlanForm>,
) -> Response {
    answer(&cx, plan::save_base(&cx, &more.recipient, &more.manad, &form, key.as_deref()).await)
        .await
}

pub async fn add_base_shift(
    cx: Cx,
    Posted { form, more, key }: Posted<BaseShiftInput, PlanForm>,
) -> Response {
    answer(
        &cx,
        plan::add_base_shift(&cx, &more.recipient, &more.manad, &form, key.as_deref()).await,
    )
    .await
}

pub async fn delete_base_shift(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    answer(
        &cx,
        plan::delete_base_shift(&cx, &f.recipient, &f.manad, &f.shift, key.as_deref()).await,
    )
    .await
}

pub async fn make_month(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    answer(&cx, plan::make_month(&cx, &f.recipient, &f.manad, key.as_deref()).await).await
}

pub async fn change_shift(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    let outcome =
        plan::change_shift(&cx, &f.shift, &f.change, &f.assistant, &f.other, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn add_extra(
    cx: Cx,
    Posted { form, more, key }: Posted<ExtraShiftInput, PlanForm>,
) -> Response {
    answer(&cx, plan::add_extra(&cx, &more.recipient, &more.manad, &form, key.as_deref()).await)
        .await
}

pub async fn publish(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    answer(&cx, plan::publish(&cx, &f.recipient, &f.manad, key.as_deref()).await).await
}

pub async fn remind(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    answer(&cx, plan::remind_unconfirmed(&cx, &f.manad, key.as_deref()).await).await
}

/// "Jobbade som planerat". Sent again by the phone's queue after being offline, it answers
/// as the queue expects (JSON, see `forms::add_row`); its idempotency key makes it one row.
pub async fn confirm(
    cx: Cx,
    headers: HeaderMap,
    Posted { form: f, key, .. }: Posted<PlanForm>,
) -> Response {
    answer_or_queued(&cx, &headers, plan::confirm_planned(&cx, &f.shift, key.as_deref()).await)
        .await
}

pub async fn not_worked(
    cx: Cx,
    headers: HeaderMap,
    Posted { form: f, key, .. }: Posted<PlanForm>,
) -> Response {
    answer_or_queued(&cx, &headers, plan::not_worked(&cx, &f.shift, key.as_deref()).await).await
}

pub async fn calendar(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    answer(&cx, plan::set_calendar(&cx, f.on == "on", key.as_deref()).await).await
}

pub async fn add_work_leader(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    let outcome =
        plan::create_work_leader(&cx, &f.name, &f.username, &f.email, key.as_deref()).await;
    answer(&cx, outcome).await
}

pub async fn work_leader_scope(cx: Cx, Posted { form: f, key, .. }: Posted<PlanForm>) -> Response {
    let outcome =
        plan::work_leader_recipient(&cx, &f.user, &f.recipient, f.on == "on", key.as_deref()).await;
    answer(&cx, outcome).await
}

#[derive(Deserialize)]
pub struct FeedQuery {
    #[serde(default)]
    nyckel: String,
}

/// `GET /kalender.ics?nyckel=…`: the assistant's shifts for their calendar app. An unknown or
/// revoked address is a 404; the secret is in the query string, which is never logged.
pub async fn feed(State(api): State<ApiState>, Query(q): Query<FeedQuery>) -> Response {
    match plan::calendar_feed(&*api.repo, q.nyckel.trim()).await {
        Ok(Some(ics)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/calendar; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            ics,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => e.into_response(),
    }
}
