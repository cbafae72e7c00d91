//! Back-office systems reach BITA through `/api/v1` (issue 29) with a token an administrator
//! made for their municipality: a name, scopes and a last day. The token is shown once and
//! kept only as its SHA-256; it can be revoked. A call is judged from its `Authorization`
//! header before its body is read ([`authenticate`], then the route's scope), reaches its own
//! municipality only, and is audited ([`record_call`]).

use super::context::{Cx, internal, me, record, today};
use super::tx::{Begun, begin, commit, notice, said};
use crate::domain::fk::sha256_hex;
use crate::i18n::T;
use crate::model::api::*;
use crate::model::*;
use chrono::NaiveDate;
use store::{ApiRecipient, ApiTokenRecord, AuditEntry, NewApiToken, Repo};

pub const TOKENS_PAGE: &str = crate::paths::API_TOKENS;

/// The session's slot for a token just made, read once by the page.
const SESSION_TOKEN: &str = "api_token_created";

/// A token lasts at most this long.
pub const LONGEST_DAYS: i64 = 2 * 366;

/// Who calls the API: a token of one municipality, with its scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiCaller {
    pub token: i64,
    pub tenant: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
}

/// Why a call is refused before it does anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No token, not a token, or no such token.
    NoToken,
    /// A token of the installation's, past its last day or revoked: whose it is, for the audit
    /// log (a revoked token still in use is worth knowing about).
    Expired(ApiCaller),
    Revoked(ApiCaller),
    /// The token lacks the scope the route needs.
    Scope(Scope),
}

/// The caller of a request whose `Authorization` header is `header`, if its token is one of
/// this installation's, not revoked and not past its last day.
pub async fn authenticate(repo: &dyn Repo, header: Option<&str>) -> Result<ApiCaller, Refusal> {
    let token = header
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.len() <= 200 && t.starts_with("bita_"))
        .ok_or(Refusal::NoToken)?;
    let found = async {
        let mut db = repo.read().await?;
        db.api_token(&sha256_hex(token.as_bytes())).await
    }
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "an API token could not be looked up");
        Refusal::NoToken
    })?;
    let t = found.ok_or(Refusal::NoToken)?;
    let caller = ApiCaller {
        token: t.id,
        tenant: t.tenant,
        scopes: t.scopes.split_whitespace().filter_map(Scope::parse).collect(),
        name: t.name,
    };
    if t.revoked_at.is_some() {
        return Err(Refusal::Revoked(caller));
    }
    if t.expires_on < today() {
        return Err(Refusal::Expired(caller));
    }
    Ok(caller)
}

impl ApiCaller {
    pub fn require(&self, scope: Scope) -> Result<(), Refusal> {
        if self.scopes.contains(&scope) { Ok(()) } else { Err(Refusal::Scope(scope)) }
    }

    /// Who the audit log says made a call or a change.
    pub fn actor(&self) -> String {
        format!("api token {} ({})", self.token, self.name)
    }
}

/// Every call in the audit log: which token, what it asked, what it was answered.
pub async fn record_call(
    repo: &dyn Repo,
    caller: &ApiCaller,
    client: Option<String>,
    call: String,
    status: u16,
) {
    let entry = AuditEntry {
        tenant: Some(caller.tenant),
        actor: Some(caller.actor()),
        client,
        action: "api.call",
        subject: call.clone(),
        after: Some(serde_json::json!({ "status": status, "token": caller.token }).to_string()),
        ..Default::default()
    };
    if let Err(e) = record(repo, entry).await {
        tracing::error!(error = %e, call, "an API call could not be recorded");
    }
}

/// A page of the municipality's recipients, by id, after `after`.
pub async fn recipients(
    repo: &dyn Repo,
    caller: &ApiCaller,
    after: i64,
    limit: i64,
) -> Result<Vec<ApiRecipient>, PageError> {
    caller.require(Scope::RegisterRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.api_recipients(caller.tenant, after, limit).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}

fn view(t: ApiTokenRecord, today: NaiveDate) -> TokenView {
    TokenView {
        id: t.id,
        name: t.name,
        scopes: t.scopes.split_whitespace().filter_map(Scope::parse).collect(),
        hint: t.hint,
        created_at: t.created_at.chars().take(10).collect(),
        expires_on: t.expires_on.to_string(),
        revoked: t.revoked_at.is_some(),
        expired: t.expires_on < today,
    }
}

/// The municipality's tokens, and a token just made (this once).
pub async fn tokens_page(cx: &Cx) -> Result<ApiTokensPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let created: Option<String> = cx.session.remove(SESSION_TOKEN).await.ok().flatten();
    let mut db = cx.db().await?;
    let today = today();
    let tokens = db
        .api_tokens(c.tenant_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|t| view(t, today))
        .collect();
    db.finish().await.map_err(internal)?;
    let (form, errors) = flash.token_form().unwrap_or_else(|| {
        (
            TokenInput {
                expires: (today + chrono::Duration::days(365)).to_string(),
                ..Default::default()
            },
            vec![],
        )
    });
    Ok(ApiTokensPage {
        me: me(cx, c),
        tokens,
        created,
        form,
        errors,
        form_key: random_token(),
        flash,
    })
}

/// What is wrong with the token form, if anything; else its name, scopes and last day.
fn parse(input: &TokenInput, today: NaiveDate) -> Result<(String, Vec<Scope>, NaiveDate), Vec<T>> {
    let mut errors = Vec::new();
    // One line, at most 100 characters: the one check of free text.
    let name = crate::domain::text::clean_text(&input.name, 100)
        .ok()
        .filter(|n| !n.is_empty() && !n.contains(['\n', '\r', '\t']));
    if name.is_none() {
        errors.push(T::TokenNameInvalid);
    }
    let scopes = input.scopes();
    if scopes.is_empty() {
        errors.push(T::TokenScopesMissing);
    }
    let expires = NaiveDate::parse_from_str(input.expires.trim(), "%Y-%m-%d").ok();
    let expires = match expires {
        Some(d) if d >= today && (d - today).num_days() <= LONGEST_DAYS => Some(d),
        _ => {
            errors.push(T::TokenExpiresInvalid);
            None
        }
    };
    match (name, expires) {
        (Some(n), Some(d)) if errors.is_empty() => Ok((n, scopes, d)),
        _ => Err(errors),
    }
}

/// Makes a token: shown once on the next page, kept as its SHA-256.
pub async fn create_token(
    cx: &Cx,
    input: &TokenInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (name, scopes, expires) = match parse(input, today()) {
        Ok(p) => p,
        Err(errors) => {
            return Ok(said(
                TOKENS_PAGE.into(),
                Flash { typed: Some(Typed::Token(input.clone(), errors)), ..Default::default() },
            ));
        }
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    // 244 random bits (two UUID v4), after a prefix that says what it is.
    let token = format!("bita_{}{}", random_token(), random_token());
    let hint: String = token.chars().take(12).collect();
    let codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
    let id = db
        .create_api_token(&NewApiToken {
            tenant: c.tenant_id,
            name: &name,
            scopes: &codes.join(" "),
            token_sha256: &sha256_hex(token.as_bytes()),
            hint: &hint,
            created_by: c.user_id,
            expires_on: expires,
        })
        .await
        .map_err(internal)?;
    let audit = AuditEntry {
        after: Some(
            serde_json::json!({ "name": name, "scopes": codes, "expires_on": expires.to_string(), "hint": hint })
                .to_string(),
        ),
        ..cx.audit_entry("api.token.create", format!("api token {id}"))
    };
    let outcome =
        commit(db, c.user_id, key, audit, notice(TOKENS_PAGE.into(), T::TokenCreated)).await?;
    if let Err(e) = cx.session.insert(SESSION_TOKEN, token).await {
        tracing::warn!(error = %e, "could not keep the new API token for its one view");
    }
    Ok(outcome)
}

/// Revokes one of the municipality's tokens: its next call is refused.
pub async fn revoke_token(cx: &Cx, id: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = crate::domain::text::id(id).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if !db.revoke_api_token(c.tenant_id, id).await.map_err(internal)? {
        return Err(PageError::NotFound);
    }
    let audit = cx.audit_entry("api.token.revoke", format!("api token {id}"));
    commit(db, c.user_id, key, audit, notice(TOKENS_PAGE.into(), T::TokenRevoked)).await
}
