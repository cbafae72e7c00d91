//! Sign-in with the municipality's OpenID providers (issue 26): the admin's settings (the
//! providers, the short sign-in address, whether passwords are allowed, what needs a strong
//! sign-in) and who a provider's subject is in BITA. The protocol itself (discovery, the code
//! exchange, the ID token's checks) is the server's (`server::oidc`); what it asserted comes
//! here, and each outcome is one transaction with its audit entry.

use super::context::{Cx, internal, me};
use super::tx::{Begun, begin, commit, denied, error, notice, said};
use crate::domain::Personnummer;
use crate::domain::people::StrongFor;
use crate::domain::settings::{FieldError, IdProviderInput, slug};
use crate::domain::text;
use crate::i18n::T;
use crate::model::*;
use store::{AuditEntry, IdentityProvider, LinkedBy, LoginSettings, Repo, RepoResult};

/// Where the sign-in settings are.
pub const IDENTITY_PAGE: &str = "/admin/inloggning";

/// What a provider asserted about a person, after the ID token's checks.
#[derive(Clone, Debug)]
pub struct Asserted {
    pub issuer: String,
    pub subject: String,
    /// The personnummer claim, through the one edge check of a personnummer.
    pub personnummer: Option<Personnummer>,
    pub email: Option<String>,
    pub acr: Option<String>,
    /// The `acr` is among the provider's strong values.
    pub strong: bool,
}

/// Who signed in, or why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignedIn {
    User(i64),
    Refused(T),
}

/// Matches a provider's subject to an account of the provider's municipality and records the
/// outcome, in one transaction: a stored link first; else an open invitation the person came
/// with; else, the first time, the personnummer the provider asserted against the register
/// (assistant, recipient, representative) or, for staff, the configured claim against an
/// administrator's e-mail; exactly one match is linked. Nobody gets an account because a
/// provider knows them. The personnummer is never written to the log, only whether it matched.
pub async fn sign_in(
    repo: &dyn Repo,
    p: &IdentityProvider,
    a: &Asserted,
    invitation_sha: Option<&str>,
    client: Option<String>,
) -> RepoResult<SignedIn> {
    let mut db = repo.write().await?;
    let now = chrono::Utc::now();
    let at = now.to_rfc3339();
    let entry = |action: &'static str, user: Option<i64>, after: serde_json::Value| AuditEntry {
        tenant: Some(p.tenant_id),
        user,
        client: client.clone(),
        action,
        subject: "login".into(),
        after: Some(after.to_string()),
        ..Default::default()
    };
    let mut linked = None;
    let mut user = db.linked_user(p.tenant_id, &a.issuer, &a.subject).await?;
    if user.is_none()
        && let Some(sha) = invitation_sha
        && let Some((invitation, u)) = db.invitation_user(p.tenant_id, sha, now.timestamp()).await?
        && db.close_invitation(invitation, now.timestamp()).await?
    {
        (user, linked) = (Some(u), Some(LinkedBy::Invitation));
    }
    if user.is_none()
        && let Some(pnr) = &a.personnummer
        && let [u] = db.users_by_personnummer(p.tenant_id, pnr.full()).await?[..]
    {
        (user, linked) = (Some(u), Some(LinkedBy::Personnummer));
    }
    if user.is_none()
        && let Some(email) = a.email.as_deref().filter(|e| !e.is_empty())
        && let [u] = db.staff_by_email(p.tenant_id, email).await?[..]
    {
        (user, linked) = (Some(u), Some(LinkedBy::Claim));
    }
    let facts = serde_json::json!({
        "issuer": a.issuer, "provider": p.id, "acr": a.acr, "strong": a.strong,
        "personnummer_asserted": a.personnummer.is_some(),
    });
    let Some(user) = user else {
        db.audit(&entry("login.eid.refused", None, facts)).await?;
        db.finish().await?;
        return Ok(SignedIn::Refused(T::EidNoAccount));
    };
    if let Some(how) = linked {
        db.link_identity(p.tenant_id, user, &a.issuer, &a.subject, how, &at).await?;
        let after =
            serde_json::json!({ "issuer": a.issuer, "provider": p.id, "linked_by": how.code() });
        db.audit(&entry("identity.link", Some(user), after)).await?;
    }
    db.audit(&entry("login.eid", Some(user), facts)).await?;
    db.finish().await?;
    Ok(SignedIn::User(user))
}

/// A refused sign-in or signing at the provider (a wrong nonce, another issuer, a token that
/// does not verify, a provider that is down), recorded with why; nothing else is written.
pub async fn refused(
    repo: &dyn Repo,
    tenant: Option<i64>,
    user: Option<i64>,
    client: Option<String>,
    action: &'static str,
    why: &str,
) -> RepoResult<()> {
    super::context::record(
        repo,
        AuditEntry {
            tenant,
            user,
            client,
            action,
            subject: "login".into(),
            after: Some(serde_json::json!({ "refused": why }).to_string()),
            ..Default::default()
        },
    )
    .await
}

/// The sign-in page's choices: the municipality of a short address (or of the signed-in
/// caller, to step up) and its providers, or the picker of all municipalities with one.
pub async fn login_choices(
    repo: &dyn Repo,
    slug: Option<&str>,
    tenant: Option<i64>,
) -> RepoResult<LoginChoices> {
    let mut db = repo.read().await?;
    let settings = match (slug, tenant) {
        (_, Some(t)) => db.login_settings(t).await?,
        (Some(s), None) => db.login_settings_by_slug(s).await?,
        (None, None) => None,
    };
    let Some(s) = settings else {
        return Ok(LoginChoices {
            municipalities: db.login_slugs().await?,
            password: true,
            ..Default::default()
        });
    };
    let providers =
        db.identity_providers(s.tenant_id).await?.into_iter().map(|p| (p.id, p.name)).collect();
    Ok(LoginChoices {
        municipality: Some(s.name),
        providers,
        password: s.password_login,
        municipalities: vec![],
    })
}

/// Whether the municipality of a username allows signing in with BITA's password.
pub async fn password_allowed(repo: &dyn Repo, tenant: i64) -> RepoResult<bool> {
    Ok(repo.read().await?.login_settings(tenant).await?.is_none_or(|s| s.password_login))
}

/// The admin's page of sign-in settings: the providers (never their secrets) and the settings.
pub async fn identity_page(cx: &Cx) -> Result<IdentityPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let mut db = cx.db().await?;
    let s = db.login_settings(c.tenant_id).await.map_err(internal)?.unwrap_or_default();
    let providers = db
        .identity_providers(c.tenant_id)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|p| IdProviderView {
            id: p.id,
            name: p.name,
            issuer: p.issuer,
            client_id: p.client_id,
            scopes: p.scopes,
            pnr_claim: p.pnr_claim,
            email_claim: p.email_claim,
            strong_acr: p.strong_acr,
        })
        .collect();
    let (typed, errors) = match &flash.typed {
        Some(Typed::IdProvider(i, e)) => (i.clone(), e.clone()),
        _ => (IdProviderInput::default(), vec![]),
    };
    // This site as the browser names it: the configured public address, else the request's.
    let origin = cx.settings.public_url.clone().or_else(|| {
        let parts = leptos::prelude::use_context::<axum::http::request::Parts>()?;
        let host = parts.headers.get(axum::http::header::HOST)?.to_str().ok()?;
        Some(format!("http://{host}"))
    });
    let callback = format!(
        "{}{}",
        origin.unwrap_or_default().trim_end_matches('/'),
        crate::paths::OIDC_CALLBACK
    );
    Ok(IdentityPage {
        me: me(cx, c),
        flash,
        form_key: new_form_key(),
        slug: s.slug.unwrap_or_default(),
        password_login: s.password_login,
        strong_for: s.strong_for,
        providers,
        typed,
        errors,
        callback,
    })
}

fn keep(input: &IdProviderInput, e: Vec<FieldError>) -> Outcome {
    let mut input = input.clone();
    input.client_secret.clear();
    said(
        IDENTITY_PAGE.into(),
        Flash { typed: Some(Typed::IdProvider(input, e)), ..Default::default() },
    )
}

/// Adds an OpenID provider to the caller's municipality. The secret is stored and never shown.
pub async fn add_provider(
    cx: &Cx,
    input: &IdProviderInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let p = match input.parse() {
        Ok(p) => p,
        Err(e) => return Ok(keep(input, e)),
    };
    if db.identity_providers(c.tenant_id).await.map_err(internal)?.len() >= MAX_PROVIDERS {
        return Ok(error(IDENTITY_PAGE.into(), T::EidTooManyProviders));
    }
    let stored = IdentityProvider {
        id: 0,
        tenant_id: c.tenant_id,
        name: p.name,
        issuer: p.issuer,
        client_id: p.client_id,
        client_secret: p.client_secret,
        scopes: p.scopes,
        pnr_claim: p.pnr_claim,
        email_claim: p.email_claim,
        strong_acr: p.strong_acr,
    };
    let id = match db.add_identity_provider(&stored).await {
        Ok(id) => id,
        Err(store::RepoError::Conflict(_)) => {
            return Ok(keep(
                input,
                vec![FieldError::new("client_id", crate::domain::settings::Problem::Taken)],
            ));
        }
        Err(e) => return Err(internal(e)),
    };
    let after = serde_json::json!({
        "name": stored.name, "issuer": stored.issuer, "client_id": stored.client_id,
        "scopes": stored.scopes, "pnr_claim": stored.pnr_claim, "email_claim": stored.email_claim,
        "strong_acr": stored.strong_acr,
    });
    let audit = AuditEntry {
        after: Some(after.to_string()),
        ..cx.audit_entry("identity.provider_add", format!("provider {id}"))
    };
    commit(db, c.user_id, key, audit, notice(IDENTITY_PAGE.into(), T::EidProviderAdded)).await
}

/// At most this many providers per municipality (the sign-in page lists them all).
pub const MAX_PROVIDERS: usize = 10;

/// Takes a provider out of use; its links and the signatures it verified stay.
pub async fn remove_provider(cx: &Cx, id: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(id) = text::id(id) else { return Err(PageError::NotFound) };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let at = chrono::Utc::now().to_rfc3339();
    if !db.remove_identity_provider(c.tenant_id, id, &at).await.map_err(internal)? {
        drop(db);
        denied(cx, format!("identity.provider_remove provider {id}")).await;
        return Err(PageError::NotFound);
    }
    let audit = cx.audit_entry("identity.provider_remove", format!("provider {id}"));
    commit(db, c.user_id, key, audit, notice(IDENTITY_PAGE.into(), T::EidProviderRemoved)).await
}

/// The municipality's sign-in settings as posted.
#[derive(Clone, Debug, Default)]
pub struct LoginSettingsInput {
    pub slug: String,
    pub password_login: bool,
    pub strong_for: StrongFor,
}

/// Saves the short address, whether passwords are allowed and what needs a strong sign-in.
/// Passwords can be turned off only when the municipality has a provider, and a strong
/// sign-in demanded only when one of them has strong `acr` values: an administrator cannot
/// lock everyone out.
pub async fn save_login_settings(
    cx: &Cx,
    input: &LoginSettingsInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let slug = match slug(&input.slug) {
        Ok(s) => s,
        Err(_) => return Ok(error(IDENTITY_PAGE.into(), T::ErrSlug)),
    };
    let providers = db.identity_providers(c.tenant_id).await.map_err(internal)?;
    if !input.password_login && providers.is_empty() {
        return Ok(error(IDENTITY_PAGE.into(), T::EidPasswordNeeded));
    }
    if input.strong_for != StrongFor::default()
        && !providers.iter().any(|p| !p.strong_acr.is_empty())
    {
        return Ok(error(IDENTITY_PAGE.into(), T::EidStrongNeedsProvider));
    }
    let before = db.login_settings(c.tenant_id).await.map_err(internal)?.unwrap_or_default();
    let after = LoginSettings {
        tenant_id: c.tenant_id,
        name: before.name.clone(),
        slug,
        password_login: input.password_login,
        strong_for: input.strong_for,
    };
    match db.save_login_settings(&after).await {
        Ok(()) => {}
        Err(store::RepoError::Conflict(_)) => {
            return Ok(error(IDENTITY_PAGE.into(), T::EidSlugTaken));
        }
        Err(e) => return Err(internal(e)),
    }
    let json = |s: &LoginSettings| {
        serde_json::json!({ "slug": s.slug, "password_login": s.password_login, "strong_for": s.strong_for.codes() })
            .to_string()
    };
    let audit = AuditEntry {
        before: Some(json(&before)),
        after: Some(json(&after)),
        ..cx.audit_entry("identity.settings", format!("tenant {}", c.tenant_id))
    };
    commit(db, c.user_id, key, audit, notice(IDENTITY_PAGE.into(), T::EidSettingsSaved)).await
}

/// How the caller may sign in their municipality.
pub(super) async fn signing_ways(
    db: &mut Box<dyn store::Store>,
    c: &store::Caller,
) -> Result<crate::model::review::SigningWays, PageError> {
    let eid = db
        .identity_providers(c.tenant_id)
        .await
        .map_err(internal)?
        .iter()
        .any(|p| !p.strong_acr.is_empty());
    Ok(crate::model::review::SigningWays { password: !c.strong_for.signing, eid })
}

/// How an assistant may attest a month in their municipality: the checkbox alone (unless the
/// municipality requires e-legitimation for it) and with e-legitimation.
pub(super) async fn attesting_ways(
    db: &mut Box<dyn store::Store>,
    c: &store::Caller,
) -> Result<crate::model::review::SigningWays, PageError> {
    let ways = signing_ways(db, c).await?;
    Ok(crate::model::review::SigningWays { password: !c.strong_for.attestation, ..ways })
}
