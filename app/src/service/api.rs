//! Back-office systems reach BITA through `/api/v1` (issue 29) with a token an administrator
//! made for their municipality: a name, scopes and a last day. The token is shown once and
//! kept only as its SHA-256; it can be revoked. A call is judged from its `Authorization`
//! header before its body is read ([`authenticate`], then the route's scope), reaches its own
//! municipality only, and is audited ([`record_call`]).

use super::context::{Cx, internal, me, record, today, write};
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
    /// The administrator who made the token: its writes' idempotency keys are kept under them.
    pub created_by: i64,
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
        created_by: t.created_by,
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

/// Why a write is refused, with what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteRefusal {
    /// The caller's id is not 1–100 letters, digits, `.`, `_`, `:` or `-`.
    BadId,
    /// The fields, by the same rules as the administrator's form.
    Invalid(Vec<crate::domain::register::RegError>),
    /// It cannot be done as asked: what stands in the way.
    Conflict(T),
}

/// What a write did: made the recipient, or changed (or found unchanged) the one there was.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub created: bool,
    pub id: i64,
}

/// A caller's own id, when it is one.
pub fn external_id(s: &str) -> Option<&str> {
    ((1..=100).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-')))
    .then_some(s)
}

/// Makes or changes the recipient the caller names `external` (its own id), checked as the
/// administrator's form is: a new one needs a personnummer; an existing one keeps its number
/// (a different one is refused); a number already in the register without an id of the caller's
/// is linked to this id. One transaction with its audit entry; the same `key` again gets the
/// first answer and changes nothing.
pub async fn put_recipient(
    repo: &dyn Repo,
    caller: &ApiCaller,
    client: Option<String>,
    external: &str,
    input: &crate::domain::register::RecipientInput,
    key: Option<&str>,
) -> Result<Result<Written, WriteRefusal>, PageError> {
    caller.require(Scope::RegisterWrite).map_err(|_| PageError::Forbidden)?;
    let Some(external) = external_id(external) else { return Ok(Err(WriteRefusal::BadId)) };
    let key = key.map(|k| format!("api{}:{k}", caller.token));
    let t = caller.tenant;
    let mut db = write(repo, Some(t)).await.map_err(internal)?;
    if let Some(k) = &key
        && let Some(first) = db.idempotent_outcome(caller.created_by, k).await.map_err(internal)?
    {
        // Answered once the first is committed (it may share this batch), so what the answer
        // names can be read.
        db.finish().await.map_err(internal)?;
        return Ok(Ok(serde_json::from_str(&first).map_err(internal)?));
    }
    let before = db.recipient_by_external_id(t, external).await.map_err(internal)?;
    let data = match input.parse(before.is_some(), today()) {
        Ok(d) => d,
        Err(e) => return Ok(Err(WriteRefusal::Invalid(e))),
    };
    let (id, created, before) = match before {
        Some(b) => {
            if data.personnummer.as_ref().is_some_and(|p| p.full() != b.personnummer) {
                return Ok(Err(WriteRefusal::Conflict(T::ApiPersonnummerDiffers)));
            }
            db.save_recipient(t, Some(b.id), &data).await.map_err(internal)?;
            (b.id, false, Some(b))
        }
        None => {
            // A number the register has already: linked to this id if it has none of the
            // caller's yet (looked up first: a refused insert would end the transaction).
            let pnr = data.personnummer.as_ref().map(|p| p.full().to_string()).unwrap_or_default();
            match db.recipient_by_personnummer(t, &pnr).await.map_err(internal)? {
                Some(b) if b.external_id.is_none() => {
                    db.save_recipient(t, Some(b.id), &data).await.map_err(internal)?;
                    (b.id, false, Some(b))
                }
                Some(_) => return Ok(Err(WriteRefusal::Conflict(T::ApiPersonnummerLinked))),
                None => match db.save_recipient(t, None, &data).await.map_err(internal)? {
                    Some(id) => (id, true, None),
                    None => return Err(PageError::Internal),
                },
            }
        }
    };
    db.set_recipient_external_id(t, id, external).await.map_err(internal)?;
    let masked =
        |p: &str| crate::domain::Personnummer::parse(p).map(|p| p.masked()).unwrap_or_default();
    let json = |pnr: &str, first: &str, last: &str| {
        serde_json::json!({ "personnummer": masked(pnr), "first_name": first, "last_name": last, "external_id": external })
            .to_string()
    };
    let after_pnr = data
        .personnummer
        .as_ref()
        .map(|p| p.full().to_string())
        .or_else(|| before.as_ref().map(|b| b.personnummer.clone()))
        .unwrap_or_default();
    let audit = AuditEntry {
        tenant: Some(t),
        actor: Some(caller.actor()),
        client,
        action: if created { "recipient.create" } else { "recipient.update" },
        subject: format!("recipient {id}"),
        before: before.as_ref().map(|b| json(&b.personnummer, &b.first_name, &b.last_name)),
        after: Some(json(&after_pnr, &data.first_name, &data.last_name)),
        ..Default::default()
    };
    db.audit(&audit).await.map_err(internal)?;
    let written = Written { created, id };
    if let Some(k) = &key {
        let outcome = serde_json::to_string(&written).map_err(internal)?;
        db.remember_outcome(caller.created_by, k, "api.recipient.put", &outcome)
            .await
            .map_err(internal)?;
    }
    db.finish().await.map_err(internal)?;
    Ok(Ok(written))
}

/// One of the municipality's recipients, as the API gives it.
pub async fn recipient(
    repo: &dyn Repo,
    caller: &ApiCaller,
    id: i64,
) -> Result<Option<ApiRecipient>, PageError> {
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.api_recipient(caller.tenant, id).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}

/// One change of the municipality, as the feed gives it: its place (the cursor), when, what
/// and to what (`recipient 42`, `month 7`); no personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub cursor: i64,
    pub at: String,
    pub action: String,
    pub subject: String,
}

/// Which changes a scope may see, by their action's first word.
fn seen_by(scope: Scope, action: &str) -> bool {
    let kind = action.split('.').next().unwrap_or_default();
    match scope {
        Scope::RegisterRead | Scope::RegisterWrite => matches!(
            kind,
            "recipient"
                | "assistant"
                | "decision"
                | "assignment"
                | "absence"
                | "representative"
                | "import"
        ),
        Scope::MonthsRead => {
            matches!(kind, "row" | "shift" | "month" | "claim" | "signature" | "schedule")
        }
        Scope::PayrollRead => matches!(kind, "month" | "rate"),
        Scope::ArchivesRead => kind == "export",
    }
}

/// The municipality's changes after `since`, as far as the caller's scopes see them, and the
/// cursor to ask from next (past every entry read, seen or not). Entries are numbered as they
/// are committed, one municipality's changes one after another, so asking again from the
/// cursor never skips or repeats one.
pub async fn changes(
    repo: &dyn Repo,
    caller: &ApiCaller,
    since: i64,
    limit: i64,
) -> Result<(Vec<Change>, i64), PageError> {
    let mut db = repo.read().await.map_err(internal)?;
    let rows = db.changes(caller.tenant, since, limit).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    let next = rows.last().map_or(since, |r| r.0);
    let items = rows
        .into_iter()
        .filter(|(_, _, action, _)| caller.scopes.iter().any(|s| seen_by(*s, action)))
        .map(|(cursor, at, action, subject)| Change { cursor, at, action, subject })
        .collect();
    Ok((items, next))
}

/// One time report of a month as the API gives it: who for whom, its status, its time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportOut {
    pub assistant: (i64, String),
    pub recipient: (i64, String),
    pub status: &'static str,
    pub rows: usize,
    pub minutes: (i64, i64, i64),
    pub payable_hours: String,
    /// It has a finding at error level (it cannot be exported as it is).
    pub error: bool,
}

/// The municipality's month: each report (assistant × recipient) with rows or a status, by
/// recipient and assistant.
pub async fn month(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
) -> Result<Vec<ReportOut>, PageError> {
    caller.require(Scope::MonthsRead).map_err(|_| PageError::Forbidden)?;
    let check = super::kept::month_check_in(repo, caller.tenant, month).await?;
    let mut out: Vec<ReportOut> = check
        .months
        .iter()
        .map(|m| ReportOut {
            assistant: (m.assistant.id, m.assistant.name.clone()),
            recipient: (m.recipient.id, m.recipient.name.clone()),
            status: m.status.code(),
            rows: m.row_count,
            minutes: (m.totals.aktiv.0, m.totals.vantetid.0, m.totals.beredskap.0),
            payable_hours: format!("{:.2}", m.totals.payable_hours()),
            error: check.error_pairs.binary_search(&(m.assistant.id, m.recipient.id)).is_ok(),
        })
        .collect();
    out.sort_by_key(|r| (r.recipient.0, r.assistant.0));
    Ok(out)
}
