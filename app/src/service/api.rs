//! Back-office systems reach BITA through `/api/v1` (issue 29) with a token an administrator
//! made for their municipality: a name, scopes and a last day. The token is shown once and
//! kept only as its SHA-256; it can be revoked. A call is judged from its `Authorization`
//! header before its body is read ([`authenticate`], then the route's scope), reaches its own
//! municipality only, and is audited ([`record_call`]).

use super::context::{Cx, internal, me, record, today, write};
use super::tx::{Begun, begin, commit, notice, said};
use crate::domain::fk::sha256_hex;
use crate::domain::register::{
    AssignmentData, AssignmentError, AssignmentInput, AssistantInput, DecisionFormError,
    DecisionInput, RegError,
};
use crate::i18n::{Locale, Message, Reason, T};
use crate::model::api::*;
use crate::model::*;
use chrono::NaiveDate;
pub use store::Named;
use store::{ApiPerson, ApiTokenRecord, AuditEntry, Lookup, NewApiToken, Repo};

pub const TOKENS_PAGE: &str = crate::paths::API_TOKENS;

/// The session's slot for a token just made, read once by the page.
const SESSION_TOKEN: &str = "api_token_created";

/// A token lasts at most this long.
pub const LONGEST_DAYS: i64 = 2 * 366;

/// A municipality has at most this many tokens in force (each back-office system one or two;
/// a cap keeps a mistaken script from making thousands).
pub const MAX_TOKENS: usize = 50;

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

/// A page of the municipality's recipients or assistants (`who`), by id, after `after`.
pub async fn people(
    repo: &dyn Repo,
    caller: &ApiCaller,
    who: Named,
    after: i64,
    limit: i64,
) -> Result<Vec<ApiPerson>, PageError> {
    caller.require(Scope::RegisterRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.api_people(caller.tenant, who, after, limit).await.map_err(internal)?;
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
    // Counted in the transaction that makes it: two posts at once cannot both pass the cap.
    let today = today();
    let live = db
        .api_tokens(c.tenant_id)
        .await
        .map_err(internal)?
        .iter()
        .filter(|t| t.revoked_at.is_none() && t.expires_on >= today)
        .count();
    if live >= MAX_TOKENS {
        return Ok(said(
            TOKENS_PAGE.into(),
            Flash {
                typed: Some(Typed::Token(input.clone(), vec![T::TokenTooMany])),
                ..Default::default()
            },
        ));
    }
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
    /// The fields, by the same rules as the administrator's forms.
    Invalid(Vec<Wrong>),
    /// It cannot be done as asked: what stands in the way.
    Conflict(T),
}

/// One thing wrong with what was sent: as the administrator's form says it, and its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Wrong {
    Register(RegError),
    Decision(DecisionFormError),
    Assignment(AssignmentError),
    /// The field names, by the caller's id, something the register does not have.
    Unknown(&'static str, T),
}

impl Wrong {
    /// The field of the body it is about.
    pub fn field(&self) -> &'static str {
        use AssignmentError as A;
        use DecisionFormError as D;
        match self {
            Wrong::Register(e) => e.field().name(),
            Wrong::Decision(e) => match e {
                D::Funder => "funder",
                D::GrantedPer => "granted_per",
                D::Hours => "granted_hours",
                D::PeriodMonths => "period_months",
                D::Dates | D::Overlaps => "valid_from",
                D::EndsBeforeStart => "valid_to",
                D::RaisedRate | D::RaisedTooHigh | D::RaisedStandardUnknown => "raised_rate",
            },
            Wrong::Assignment(e) => match e {
                A::RecipientMissing => "recipient",
                A::FromInvalid | A::OutsideDecision | A::Overlaps => "valid_from",
                A::ToInvalid | A::ToBeforeFrom => "valid_to",
                A::NotifiedInvalid => "fk_notified_on",
            },
            Wrong::Unknown(field, _) => field,
        }
    }

    /// What is wrong and what to do, in the caller's language.
    pub fn message(&self, l: Locale) -> String {
        match self {
            Wrong::Register(e) => e.message(l),
            Wrong::Decision(e) => Reason::message(*e, l).to_string(),
            Wrong::Assignment(e) => Reason::message(*e, l).to_string(),
            Wrong::Unknown(_, t) => l.t(*t).to_string(),
        }
    }
}

fn invalid<W>(errors: impl IntoIterator<Item = W>, f: fn(W) -> Wrong) -> WriteRefusal {
    WriteRefusal::Invalid(errors.into_iter().map(f).collect())
}

/// What a write did to the entry the caller's id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Did {
    Created,
    Updated,
    /// A decision or an assignment ended earlier than it was.
    Ended,
    /// It was already so: nothing written.
    Unchanged,
}

impl Did {
    pub fn code(self) -> &'static str {
        match self {
            Did::Created => "created",
            Did::Updated => "updated",
            Did::Ended => "ended",
            Did::Unchanged => "unchanged",
        }
    }
}

/// What a write did, and to which entry (BITA's id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub did: Did,
    pub id: i64,
}

impl Written {
    pub fn created(&self) -> bool {
        self.did == Did::Created
    }
}

/// A caller's own id, when it is one.
pub fn external_id(s: &str) -> Option<&str> {
    ((1..=100).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-')))
    .then_some(s)
}

type Answer = Result<Result<Written, WriteRefusal>, PageError>;

/// A write of the register by the API, begun: its transaction (the municipality's write lock)
/// and its key, kept under the token's maker with the token in it.
struct Writing<'a> {
    db: Box<dyn store::Store>,
    caller: &'a ApiCaller,
    client: Option<String>,
    key: Option<String>,
    /// The caller's id, checked.
    external: &'a str,
}

/// Begins a write: the scope, the caller's id, then the key (the same key again gets the first
/// answer, once the first is committed, so what the answer names can be read).
async fn begin_write<'a>(
    repo: &dyn Repo,
    caller: &'a ApiCaller,
    client: Option<String>,
    external: &'a str,
    key: Option<&str>,
) -> Result<Result<Writing<'a>, Result<Written, WriteRefusal>>, PageError> {
    caller.require(Scope::RegisterWrite).map_err(|_| PageError::Forbidden)?;
    let Some(external) = external_id(external) else {
        return Ok(Err(Err(WriteRefusal::BadId)));
    };
    let key = key.map(|k| format!("api{}:{k}", caller.token));
    let mut db = write(repo, Some(caller.tenant)).await.map_err(internal)?;
    if let Some(k) = &key
        && let Some(first) = db.idempotent_outcome(caller.created_by, k).await.map_err(internal)?
    {
        db.finish().await.map_err(internal)?;
        return Ok(Err(Ok(serde_json::from_str(&first).map_err(internal)?)));
    }
    Ok(Ok(Writing { db, caller, client, key, external }))
}

impl Writing<'_> {
    /// Names the entry by the caller's id, writes the audit entry (none when nothing changed)
    /// and the key's answer, and commits: one transaction.
    async fn finish(
        mut self,
        what: Named,
        written: Written,
        audit: Option<(&'static str, String, Option<String>, Option<String>)>,
    ) -> Answer {
        let t = self.caller.tenant;
        if written.did != Did::Unchanged {
            self.db.set_external_id(t, what, written.id, self.external).await.map_err(internal)?;
        }
        if let Some((action, subject, before, after)) = audit {
            let entry = AuditEntry {
                tenant: Some(t),
                actor: Some(self.caller.actor()),
                client: self.client,
                action,
                subject,
                before,
                after,
                ..Default::default()
            };
            self.db.audit(&entry).await.map_err(internal)?;
        }
        if let Some(k) = &self.key {
            let outcome = serde_json::to_string(&written).map_err(internal)?;
            self.db
                .remember_outcome(self.caller.created_by, k, "api.register.put", &outcome)
                .await
                .map_err(internal)?;
        }
        self.db.finish().await.map_err(internal)?;
        Ok(Ok(written))
    }

    /// The recipient or assistant the caller's id names; else the one with the number typed,
    /// if it has no id of the caller's yet (linked to this id); else none (a new one).
    async fn person(
        &mut self,
        who: Named,
        typed: &str,
    ) -> Result<Result<Option<ApiPerson>, WriteRefusal>, PageError> {
        let t = self.caller.tenant;
        if let Some(p) =
            self.db.api_person(t, who, Lookup::External(self.external)).await.map_err(internal)?
        {
            return Ok(Ok(Some(p)));
        }
        let Ok(pnr) = crate::domain::Personnummer::parse_at(typed, today()) else {
            return Ok(Ok(None));
        };
        match self
            .db
            .api_person(t, who, Lookup::Personnummer(pnr.full()))
            .await
            .map_err(internal)?
        {
            Some(p) if p.external_id.is_none() => Ok(Ok(Some(p))),
            Some(_) => Ok(Err(WriteRefusal::Conflict(T::ApiPersonnummerLinked))),
            None => Ok(Ok(None)),
        }
    }
}

/// A write's shell: begun, or answered already (a replay, a bad id).
macro_rules! begun {
    ($e:expr) => {
        match $e {
            Ok(w) => w,
            Err(answer) => return Ok(answer),
        }
    };
}

/// Stops a write with a refusal (its transaction is rolled back).
macro_rules! refuse {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(r) => return Ok(Err(r)),
        }
    };
}

/// A number typed that differs from the one stored: refused (a personnummer is not changed
/// through the API).
fn same_number(
    typed: Option<&crate::domain::Personnummer>,
    stored: &ApiPerson,
) -> Result<(), WriteRefusal> {
    match typed {
        Some(p) if p.full() != stored.personnummer => {
            Err(WriteRefusal::Conflict(T::ApiPersonnummerDiffers))
        }
        _ => Ok(()),
    }
}

fn masked(p: &str) -> String {
    crate::domain::Personnummer::parse(p).map(|p| p.masked()).unwrap_or_default()
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
) -> Answer {
    let mut w = begun!(begin_write(repo, caller, client, external, key).await?);
    let t = caller.tenant;
    let before = refuse!(w.person(Named::Recipient, &input.personnummer).await?);
    let data =
        refuse!(input.parse(before.is_some(), today()).map_err(|e| invalid(e, Wrong::Register)));
    if let Some(b) = &before {
        refuse!(same_number(data.personnummer.as_ref(), b));
    }
    let saved = w.db.save_recipient(t, before.as_ref().map(|b| b.id), &data).await;
    let id = match saved {
        Ok(Some(id)) => id,
        Ok(None) => return Err(PageError::Internal),
        Err(store::RepoError::Conflict(store::Conflict::Duplicate)) => {
            return Ok(Err(invalid([RegError::PersonnummerTaken], Wrong::Register)));
        }
        Err(e) => return Err(internal(e)),
    };
    let json = |pnr: &str, first: &str, last: &str| {
        serde_json::json!({ "personnummer": masked(pnr), "first_name": first, "last_name": last, "external_id": w.external })
            .to_string()
    };
    let after_pnr = data
        .personnummer
        .as_ref()
        .map(|p| p.full().to_string())
        .or_else(|| before.as_ref().map(|b| b.personnummer.clone()))
        .unwrap_or_default();
    let (action, did) = match before {
        Some(_) => ("recipient.update", Did::Updated),
        None => ("recipient.create", Did::Created),
    };
    let audit = (
        action,
        format!("recipient {id}"),
        before.as_ref().map(|b| json(&b.personnummer, &b.first_name, &b.last_name)),
        Some(json(&after_pnr, &data.first_name, &data.last_name)),
    );
    w.finish(Named::Recipient, Written { did, id }, Some(audit)).await
}

/// Makes or changes the assistant the caller names `external`, checked as the administrator's
/// assistant form is, in the same way as [`put_recipient`].
pub async fn put_assistant(
    repo: &dyn Repo,
    caller: &ApiCaller,
    client: Option<String>,
    external: &str,
    input: &AssistantInput,
    key: Option<&str>,
) -> Answer {
    let mut w = begun!(begin_write(repo, caller, client, external, key).await?);
    let t = caller.tenant;
    let before = refuse!(w.person(Named::Assistant, &input.personnummer).await?);
    let form = match &before {
        Some(b) => w.db.assistant_form(t, b.id).await.map_err(internal)?,
        None => None,
    };
    let stored_has_date = form.as_ref().is_some_and(|(_, has, _)| *has);
    let data = refuse!(
        input
            .parse(before.is_some(), stored_has_date, today())
            .map_err(|e| invalid(e, Wrong::Register))
    );
    if let Some(b) = &before {
        refuse!(same_number(data.personnummer.as_ref(), b));
    }
    let id = match w.db.save_assistant(t, before.as_ref().map(|b| b.id), &data).await {
        Ok(Some(id)) => id,
        Ok(None) => return Err(PageError::Internal),
        Err(store::RepoError::Conflict(store::Conflict::Duplicate)) => {
            return Ok(Err(invalid([RegError::PersonnummerTaken], Wrong::Register)));
        }
        Err(e) => return Err(internal(e)),
    };
    let masked_after = data
        .personnummer
        .as_ref()
        .map(|p| p.masked())
        .or_else(|| before.as_ref().map(|b| masked(&b.personnummer)))
        .unwrap_or_default();
    let (action, did) = match before {
        Some(_) => ("assistant.update", Did::Updated),
        None => ("assistant.create", Did::Created),
    };
    let audit = (
        action,
        format!("assistant {id}"),
        form.as_ref().map(|(m, _, b)| super::register::audit_json(m, b)),
        Some(super::register::audit_json(&masked_after, input)),
    );
    w.finish(Named::Assistant, Written { did, id }, Some(audit)).await
}

/// Registers the decision the caller names `external` for the recipient it names `recipient`,
/// checked as the administrator's decision form is (hours, kinds, period, the raised amount
/// against the standard one, no overlap with another decision of the recipient). A registered
/// decision is not changed: the same again is `unchanged`, an earlier last day ends it (as the
/// administrator ends one), anything else is refused.
pub async fn put_decision(
    repo: &dyn Repo,
    caller: &ApiCaller,
    client: Option<String>,
    external: &str,
    recipient: &str,
    input: &DecisionInput,
    key: Option<&str>,
) -> Answer {
    let mut w = begun!(begin_write(repo, caller, client, external, key).await?);
    let t = caller.tenant;
    let Some(recipient) = w.db.named(t, Named::Recipient, recipient).await.map_err(internal)?
    else {
        let unknown = Wrong::Unknown("recipient", T::ApiUnknownRecipient);
        return Ok(Err(WriteRefusal::Invalid(vec![unknown])));
    };
    let decision = refuse!(input.parse(recipient).map_err(|e| invalid(e, Wrong::Decision)));
    if let Some(e) = super::register::raised_refusal(&mut w.db, t, &decision).await? {
        return Ok(Err(invalid([e], Wrong::Decision)));
    }
    let Some(id) = w.db.named(t, Named::Decision, w.external).await.map_err(internal)? else {
        let Some(id) = w.db.add_decision(t, &decision).await.map_err(internal)? else {
            return Ok(Err(invalid([DecisionFormError::Overlaps], Wrong::Decision)));
        };
        let audit = (
            "decision.create",
            format!("decision {id}"),
            None,
            serde_json::to_string(&decision).ok(),
        );
        return w.finish(Named::Decision, Written { did: Did::Created, id }, Some(audit)).await;
    };
    let Some(stored) =
        w.db.decisions_of(t, recipient).await.map_err(internal)?.into_iter().find(|d| d.id == id)
    else {
        return Ok(Err(WriteRefusal::Conflict(T::ApiDecisionMoved)));
    };
    if stored.decision == decision {
        return w.finish(Named::Decision, Written { did: Did::Unchanged, id }, None).await;
    }
    let ends_earlier =
        crate::domain::Decision { valid_to: decision.valid_to, ..stored.decision.clone() }
            == decision
            && decision.valid_to < stored.decision.valid_to;
    if !ends_earlier
        || !w.db.end_decision(t, recipient, id, decision.valid_to).await.map_err(internal)?
    {
        return Ok(Err(WriteRefusal::Conflict(T::ApiDecisionFixed)));
    }
    let audit = (
        "decision.end",
        format!("decision {id}"),
        None,
        Some(format!("{{\"valid_to\":\"{}\"}}", decision.valid_to)),
    );
    w.finish(Named::Decision, Written { did: Did::Ended, id }, Some(audit)).await
}

/// Registers the assignment the caller names `external`: the assistant it names `assistant` for
/// the recipient it names `recipient`, checked as the administrator's assignment form is (a
/// decision covering its first day, no overlap with another assignment of the pair). A
/// registered assignment is not changed: the same again is `unchanged`, a last day (or an
/// earlier one) ends it, anything else is refused.
pub async fn put_assignment(
    repo: &dyn Repo,
    caller: &ApiCaller,
    client: Option<String>,
    external: &str,
    assistant: &str,
    recipient: &str,
    input: &AssignmentInput,
    key: Option<&str>,
) -> Answer {
    let mut w = begun!(begin_write(repo, caller, client, external, key).await?);
    let t = caller.tenant;
    let assistant = w.db.named(t, Named::Assistant, assistant).await.map_err(internal)?;
    let recipient = w.db.named(t, Named::Recipient, recipient).await.map_err(internal)?;
    let mut unknown = vec![];
    if assistant.is_none() {
        unknown.push(Wrong::Unknown("assistant", T::ApiUnknownAssistant));
    }
    if recipient.is_none() {
        unknown.push(Wrong::Unknown("recipient", T::ApiUnknownRecipient));
    }
    let (Some(assistant), Some(recipient)) = (assistant, recipient) else {
        return Ok(Err(WriteRefusal::Invalid(unknown)));
    };
    let input = AssignmentInput { recipient: recipient.to_string(), ..input.clone() };
    let data = refuse!(input.parse().map_err(|e| invalid(e, Wrong::Assignment)));
    let Some(id) = w.db.named(t, Named::Assignment, w.external).await.map_err(internal)? else {
        let id = match w.db.add_assignment(t, assistant, &data).await.map_err(internal)? {
            None => return Err(PageError::Internal),
            Some(Err(e)) => return Ok(Err(invalid([e], Wrong::Assignment))),
            Some(Ok(id)) => id,
        };
        let after = super::register::assignment_json(assistant, &data);
        let audit = ("assignment.create", format!("assignment {id}"), None, Some(after));
        return w.finish(Named::Assignment, Written { did: Did::Created, id }, Some(audit)).await;
    };
    let Some(stored) = w.db.api_assignment(t, id).await.map_err(internal)? else {
        return Err(PageError::Internal);
    };
    if stored.assistant != assistant || stored.data.recipient != recipient {
        return Ok(Err(WriteRefusal::Conflict(T::ApiAssignmentMoved)));
    }
    if stored.data == data {
        return w.finish(Named::Assignment, Written { did: Did::Unchanged, id }, None).await;
    }
    let ends = match (data.valid_to, stored.data.valid_to) {
        (Some(new), Some(old)) => new < old,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let same_but_end = AssignmentData { valid_to: data.valid_to, ..stored.data.clone() } == data;
    let Some(to) = data.valid_to.filter(|_| ends && same_but_end) else {
        return Ok(Err(WriteRefusal::Conflict(T::ApiAssignmentFixed)));
    };
    if !w.db.end_assignment(t, assistant, id, to).await.map_err(internal)? {
        return Ok(Err(invalid([AssignmentError::ToBeforeFrom], Wrong::Assignment)));
    }
    let audit = (
        "assignment.end",
        format!("assignment {id}"),
        None,
        Some(format!("{{\"valid_to\":\"{to}\"}}")),
    );
    w.finish(Named::Assignment, Written { did: Did::Ended, id }, Some(audit)).await
}

/// One of the municipality's recipients or assistants, as the API gives it.
pub async fn person(
    repo: &dyn Repo,
    caller: &ApiCaller,
    who: Named,
    id: i64,
) -> Result<Option<ApiPerson>, PageError> {
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.api_person(caller.tenant, who, Lookup::Id(id)).await.map_err(internal)?;
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

/// A month's findings as the API gives them: every error (what stops an export), how many
/// warnings and notes there are, and the first of them.
pub struct FindingsOut {
    pub errors: Vec<crate::domain::rules::Finding>,
    pub warnings: usize,
    pub notes: usize,
    /// The first warnings and notes, by severity and rule (as the dashboard lists them).
    pub others: Vec<crate::domain::rules::Finding>,
}

/// The month's findings (rules V1–V10) from its kept checks: every error, and at most `cap`
/// warnings and notes (a month of assistants working side by side has hundreds of thousands).
pub async fn findings(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
    cap: usize,
) -> Result<FindingsOut, PageError> {
    use crate::domain::rules::Severity;
    caller.require(Scope::MonthsRead).map_err(|_| PageError::Forbidden)?;
    let check = super::kept::month_check_in(repo, caller.tenant, month).await?;
    let (errors, own): (Vec<_>, Vec<_>) =
        check.preflight.findings.iter().cloned().partition(|f| f.severity == Severity::Error);
    let others = check.listed(repo, own, &|_, _| true, cap).await?.items;
    Ok(FindingsOut { errors, warnings: check.warnings(), notes: check.notes(), others })
}

/// The month's signed documents as the export takes them: the latest frozen 3059 of each time
/// report (its exact bytes and their SHA-256) and each räkning (3057) with a standing signature.
pub async fn documents(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
) -> Result<(Vec<store::FrozenReport>, Vec<store::SignedClaim>, store::People), PageError> {
    caller.require(Scope::ArchivesRead).map_err(|_| PageError::Forbidden)?;
    let m = month.to_string();
    let mut db = repo.read().await.map_err(internal)?;
    let reports = db.frozen_reports(caller.tenant, &m).await.map_err(internal)?;
    let claims = db.signed_claim_documents(caller.tenant, &m, None).await.map_err(internal)?;
    let people = db.people(caller.tenant).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok((reports, claims, people))
}

/// One time report's latest frozen 3059 (BITA's id of the report), the municipality's own only.
pub async fn frozen_3059(
    repo: &dyn Repo,
    caller: &ApiCaller,
    report: i64,
) -> Result<Option<crate::domain::fk::Frozen3059>, PageError> {
    caller.require(Scope::ArchivesRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.frozen(caller.tenant, report).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}

/// One recipient's signed räkning of the month (the signed bytes), the municipality's own only.
pub async fn signed_3057(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
    recipient: i64,
) -> Result<Option<store::SignedClaim>, PageError> {
    caller.require(Scope::ArchivesRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let claims = db
        .signed_claim_documents(caller.tenant, &month.to_string(), Some(recipient))
        .await
        .map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(claims.into_iter().next())
}

/// The month's payroll rows, as the archive's payroll files carry them: every row of the time
/// reports attested or exported, with the assistant's employment number (BITA's id where none
/// is entered) and personnummer, by day and row id after `after` (none: from the start), at
/// most `limit`; each with its place, the `after` of the page that follows it.
pub async fn payroll(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
    after: Option<(NaiveDate, i64)>,
    limit: usize,
) -> Result<Vec<((NaiveDate, i64), crate::domain::documents::PayrollRow)>, PageError> {
    caller.require(Scope::PayrollRead).map_err(|_| PageError::Forbidden)?;
    let t = caller.tenant;
    let mut db = repo.read().await.map_err(internal)?;
    let after = after.unwrap_or((month.first_day(), 0));
    let rows = db.payroll_rows(t, month, after, limit as i64).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(rows
        .into_iter()
        .map(|f| {
            let employee = match f.employee_number.as_str() {
                "" => super::export::employee_id(f.row.assistant_id),
                e => e.to_string(),
            };
            let row = crate::domain::documents::PayrollRow::of(
                &f.row.row,
                (f.row.assistant_id, &employee, &f.personnummer, &f.assistant_name),
                (f.row.recipient_id, &f.recipient_name),
            );
            ((f.row.row.date(), f.row.id), row)
        })
        .collect())
}

/// The month's archives, newest first.
pub async fn archives(
    repo: &dyn Repo,
    caller: &ApiCaller,
    month: crate::domain::ReportMonth,
) -> Result<Vec<store::ArchiveRecord>, PageError> {
    caller.require(Scope::ArchivesRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.archives(caller.tenant, &month.to_string()).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}

/// One archive's month, version and exact bytes, the municipality's own only.
pub async fn archive(
    repo: &dyn Repo,
    caller: &ApiCaller,
    id: i64,
) -> Result<Option<(String, i64, Vec<u8>)>, PageError> {
    caller.require(Scope::ArchivesRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.archive(caller.tenant, id).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}

/// The municipality's months with a time report submitted or an archive, newest first.
pub async fn months(
    repo: &dyn Repo,
    caller: &ApiCaller,
    limit: i64,
) -> Result<Vec<store::ApiMonth>, PageError> {
    caller.require(Scope::MonthsRead).map_err(|_| PageError::Forbidden)?;
    let mut db = repo.read().await.map_err(internal)?;
    let out = db.api_months(caller.tenant, limit).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(out)
}
