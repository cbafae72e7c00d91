//! What a form post hands its handler: the form's own fields, the ids and small fields
//! beside them (a second type, when the handler needs one), and its idempotency key, read by
//! one extractor. The guard (`crate::guard`) has decided the caller, the role, the origin, the
//! body's size and the CSRF token from the headers before this reads the body; a body that is
//! not a form is a 400, never a panic.

use app::service::tx::idempotency_key;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// A form post: `form` its own fields, `more` the fields beside them, `key` its idempotency key
/// (when well formed).
pub struct Posted<T, More = Nothing> {
    pub form: T,
    pub more: More,
    pub key: Option<String>,
}

/// No more fields.
#[derive(Deserialize, Default)]
pub struct Nothing {}

/// The idempotency key every form carries besides its own fields.
#[derive(Deserialize, Default)]
struct Keys {
    #[serde(default)]
    idem: String,
}

fn read<T: DeserializeOwned>(body: &Bytes) -> Result<T, Response> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| (StatusCode::BAD_REQUEST, "bad form").into_response())
}

impl<S, T, More> FromRequest<S> for Posted<T, More>
where
    S: Send + Sync,
    T: DeserializeOwned,
    More: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let body = Bytes::from_request(req, state).await.map_err(IntoResponse::into_response)?;
        let keys: Keys = read(&body)?;
        Ok(Posted {
            form: read(&body)?,
            more: read(&body)?,
            key: idempotency_key(&keys.idem).map(str::to_string),
        })
    }
}

/// Answers a change: the next page's message into the session (or, a plain notice, into the
/// address), then a redirect.
pub async fn answer(
    cx: &app::service::context::Cx,
    outcome: Result<app::model::Outcome, app::model::PageError>,
) -> axum::response::Response {
    match outcome {
        Err(e) => e.into_response(),
        Ok(o) => match app::service::context::address_with_notice(&o) {
            // A plain success notice rides in the address: no session write (issue 12).
            Some(to) => {
                cx.forget_flash().await;
                axum::response::Redirect::to(&to).into_response()
            }
            None => {
                cx.set_flash(o.flash).await;
                axum::response::Redirect::to(&o.to).into_response()
            }
        },
    }
}
