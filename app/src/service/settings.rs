//! The provider's settings and the recipient card's smaller registers (issue 8): the
//! municipality as anordnare, FK's yearly amounts, the rule settings every check uses,
//! representatives, absences, ending a decision, logins with invitations (e-mailed when SMTP
//! is configured) and the audited "show personnummer". Admin only, own municipality only: an
//! id of another municipality's answers as an unknown one (404). Every change is one
//! transaction with its audit entry (before and after, personnummer masked) and the form's
//! idempotency key.

use super::context::{Cx, INVITATION_SECONDS, Mail, internal, me, now_unix, today};
use super::tx::{Begun, begin, commit, said};
use crate::domain::settings::{
    AbsenceInput, FieldError, Problem, ProviderInput, RateInput, RepresentativeInput, RulesInput,
    email_ok, username_ok,
};
use crate::domain::text;
use crate::i18n::T;
use crate::model::review::*;
use crate::model::*;
use store::{AccountOwner, AuditEntry, Caller, Conflict, NewLogin, PersonRef, RepoError, Store};

fn id_of(s: &str) -> Result<i64, PageError> {
    text::id(s).ok_or(PageError::NotFound)
}

fn notice(to: String, t: T) -> Outcome {
    said(to, Flash { notice: Some(t), ..Default::default() })
}

fn refused(to: String, t: T) -> Outcome {
    said(to, Flash { error: Some(t), ..Default::default() })
}

pub async fn provider_page(cx: &Cx) -> Result<ProviderPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let mut db = cx.db().await?;
    let provider = db
        .provider(c.tenant_id)
        .await
        .map_err(internal)?
        .map(|p| ProviderInput::of(&p))
        .unwrap_or_default();
    let store::Terms { rates, lss_rate: lss, rules } =
        db.terms(c.tenant_id).await.map_err(internal)?;
    let mut rates: Vec<(i32, String)> =
        rates.years().map(|(y, r)| (y, crate::domain::rates::present_kr(r))).collect();
    rates.reverse();
    Ok(ProviderPage {
        me: me(cx, c),
        provider: flash.provider_form().unwrap_or((provider, vec![])),
        rates,
        rate_form: flash.rate_form().unwrap_or_default(),
        lss_rate: flash.lss_rate_form().unwrap_or_else(|| {
            (
                crate::domain::settings::LssRateInput {
                    amount: lss.map(crate::domain::rates::present_kr).unwrap_or_default(),
                },
                vec![],
            )
        }),
        rules: flash.rules_form().unwrap_or((RulesInput::of(&rules), vec![])),
        form_key: random_token(),
        flash,
    })
}

const PROVIDER_PAGE: &str = "/admin/anordnare";

/// Saves the municipality's facts as the FK documents name the provider.
pub async fn save_provider(
    cx: &Cx,
    input: &ProviderInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = || PROVIDER_PAGE.to_string();
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let p = match input.parse() {
        Ok(p) => p,
        Err(e) => {
            return Ok(said(
                back(),
                Flash { typed: Some(Typed::Provider(input.clone(), e)), ..Default::default() },
            ));
        }
    };
    let before = db.provider(c.tenant_id).await.map_err(internal)?.map(|p| ProviderInput::of(&p));
    match db.save_provider(c.tenant_id, &p).await {
        Ok(()) => {}
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Ok(said(
                back(),
                Flash {
                    typed: Some(Typed::Provider(
                        input.clone(),
                        vec![FieldError::new("org_number", Problem::Taken)],
                    )),
                    ..Default::default()
                },
            ));
        }
        Err(e) => return Err(internal(e)),
    }
    let audit = AuditEntry {
        before: before.and_then(|b| serde_json::to_string(&b).ok()),
        after: serde_json::to_string(&ProviderInput::of(&p)).ok(),
        ..cx.audit_entry("provider.update", format!("tenant {}", c.tenant_id))
    };
    commit(db, c.user_id, key, audit, notice(back(), T::ProviderSaved)).await
}

/// Enters or corrects a year's standard hourly amount (FK's schablonbelopp).
pub async fn set_rate(cx: &Cx, input: &RateInput, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let (year, amount) = match input.parse() {
        Ok(v) => v,
        Err(e) => {
            return Ok(said(
                PROVIDER_PAGE.into(),
                Flash { typed: Some(Typed::Rate(input.clone(), e)), ..Default::default() },
            ));
        }
    };
    let before = db.set_rate(c.tenant_id, year, amount).await.map_err(internal)?;
    let audit = AuditEntry {
        before: before.map(|b| format!("{{\"year\":{year},\"amount\":\"{b}\"}}")),
        after: Some(format!("{{\"year\":{year},\"amount\":\"{amount}\"}}")),
        ..cx.audit_entry("rate.set", format!("year {year}"))
    };
    commit(db, c.user_id, key, audit, notice(PROVIDER_PAGE.into(), T::RateSaved)).await
}

/// Sets (or clears) the municipality's own hourly amount for LSS assistance.
pub async fn set_lss_rate(
    cx: &Cx,
    input: &crate::domain::settings::LssRateInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let amount = match input.parse() {
        Ok(v) => v,
        Err(e) => {
            return Ok(said(
                PROVIDER_PAGE.into(),
                Flash { typed: Some(Typed::LssRate(input.clone(), e)), ..Default::default() },
            ));
        }
    };
    let before = db.set_lss_rate(c.tenant_id, amount).await.map_err(internal)?;
    let audit = AuditEntry {
        before: before.map(|b| format!("{{\"lss_rate\":\"{b}\"}}")),
        after: Some(format!(
            "{{\"lss_rate\":{}}}",
            amount.map(|a| format!("\"{a}\"")).unwrap_or_else(|| "null".into())
        )),
        ..cx.audit_entry("rate.lss", "lss".to_string())
    };
    commit(db, c.user_id, key, audit, notice(PROVIDER_PAGE.into(), T::RateSaved)).await
}

/// Saves the rule settings every check of the municipality uses from now on.
pub async fn save_rules(
    cx: &Cx,
    input: &RulesInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let config = match input.parse() {
        Ok(v) => v,
        Err(e) => {
            return Ok(said(
                PROVIDER_PAGE.into(),
                Flash { typed: Some(Typed::Rules(input.clone(), e)), ..Default::default() },
            ));
        }
    };
    let before = db.terms(c.tenant_id).await.map_err(internal)?.rules;
    db.save_rule_config(c.tenant_id, &config).await.map_err(internal)?;
    let audit = AuditEntry {
        before: serde_json::to_string(&before).ok(),
        after: serde_json::to_string(&config).ok(),
        ..cx.audit_entry("rules.update", format!("tenant {}", c.tenant_id))
    };
    commit(db, c.user_id, key, audit, notice(PROVIDER_PAGE.into(), T::RulesSaved)).await
}

fn card(recipient: i64) -> String {
    format!("/admin/brukarkort?id={recipient}")
}

/// The recipient must be the caller's municipality's; otherwise 404.
async fn own_recipient(
    db: &mut Box<dyn Store>,
    c: &Caller,
    recipient: &str,
) -> Result<i64, PageError> {
    let id = id_of(recipient)?;
    match db.recipient_form(c.tenant_id, id).await.map_err(internal)? {
        Some(_) => Ok(id),
        None => Err(PageError::NotFound),
    }
}

/// A write transaction for a change to one of the caller's recipients (404 for anyone else's),
/// or the first outcome if the form's key was used before.
async fn begin_for_recipient(
    cx: &Cx,
    c: &Caller,
    recipient: &str,
    key: Option<&str>,
) -> Result<Begun<(Box<dyn Store>, i64)>, PageError> {
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(Begun::Replayed(first)),
    };
    let id = own_recipient(&mut db, c, recipient).await?;
    Ok(Begun::New((db, id)))
}

/// Adds a representative (vårdnadshavare, god man, förvaltare) with a login and a first
/// invitation; a representative already registered (same personnummer) is linked instead, so
/// one person can act for several recipients with one login.
pub async fn add_representative(
    cx: &Cx,
    recipient: &str,
    input: &RepresentativeInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (mut db, recipient) = match begin_for_recipient(cx, c, recipient, key).await? {
        Begun::New(found) => found,
        Begun::Replayed(first) => return Ok(*first),
    };
    let back = card(recipient);
    let form_refused = |e: Vec<FieldError>| {
        Ok(said(
            back.clone(),
            Flash { typed: Some(Typed::Representative(input.clone(), e)), ..Default::default() },
        ))
    };
    let data = match input.parse(today()) {
        Ok(d) => d,
        Err(e) => return form_refused(e),
    };
    let existing = db
        .representative_by_personnummer(c.tenant_id, data.personnummer.full())
        .await
        .map_err(internal)?;
    let (user, created) = match existing {
        Some(user) => (user, false),
        None => {
            let login = NewLogin {
                username: &data.username,
                display_name: &data.name,
                role: Role::Representative,
                assistant: None,
                recipient: None,
                email: &data.email,
                personnummer: Some(data.personnummer.full()),
            };
            match db.create_account(c.tenant_id, &login).await {
                Ok(user) => (user, true),
                Err(RepoError::Conflict(Conflict::Duplicate)) => {
                    return form_refused(vec![FieldError::new(
                        "username",
                        Problem::UsernameUnusable,
                    )]);
                }
                Err(e) => return Err(internal(e)),
            }
        }
    };
    db.link_representative(c.tenant_id, recipient, user, data.capacity).await.map_err(internal)?;
    let after = serde_json::json!({ "recipient": recipient, "name": data.name, "capacity": data.capacity.code(), "personnummer": data.personnummer.masked(), "username": data.username, "new_login": created }).to_string();
    let link_audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry("representative.link", format!("user {user}"))
    };
    if !created {
        return commit(db, c.user_id, key, link_audit, notice(back, T::RepresentativeLinked)).await;
    }
    db.audit(&link_audit).await.map_err(internal)?;
    invite(
        cx,
        c,
        db,
        key,
        user,
        AccountOwner::Representative { recipient, user },
        "account.create",
        back,
        T::RepresentativeAdded,
    )
    .await
}

/// Ends a representation today; the person's login stays (they may act for others).
pub async fn end_representation(
    cx: &Cx,
    recipient: &str,
    user: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (mut db, recipient) = match begin_for_recipient(cx, c, recipient, key).await? {
        Begun::New(found) => found,
        Begun::Replayed(first) => return Ok(*first),
    };
    let user = id_of(user)?;
    if !db.end_representation(c.tenant_id, recipient, user, today()).await.map_err(internal)? {
        return Err(PageError::NotFound);
    }
    let audit = AuditEntry {
        after: Some(format!("{{\"recipient\":{recipient},\"ended_on\":\"{}\"}}", today())),
        ..cx.audit_entry("representative.end", format!("user {user}"))
    };
    commit(db, c.user_id, key, audit, notice(card(recipient), T::RepresentativeEnded)).await
}

pub async fn add_absence(
    cx: &Cx,
    recipient: &str,
    input: &AbsenceInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (mut db, recipient) = match begin_for_recipient(cx, c, recipient, key).await? {
        Begun::New(found) => found,
        Begun::Replayed(first) => return Ok(*first),
    };
    let back = card(recipient);
    let a = match input.parse(recipient) {
        Ok(a) => a,
        Err(e) => {
            return Ok(said(
                back,
                Flash { typed: Some(Typed::Absence(input.clone(), e)), ..Default::default() },
            ));
        }
    };
    let Some(id) = db.add_absence(c.tenant_id, &a).await.map_err(internal)? else {
        return Ok(said(
            back,
            Flash {
                typed: Some(Typed::Absence(
                    input.clone(),
                    vec![FieldError::new("from", Problem::Overlaps)],
                )),
                ..Default::default()
            },
        ));
    };
    let audit = AuditEntry {
        after: serde_json::to_string(&a).ok(),
        ..cx.audit_entry("absence.create", format!("absence {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::AbsenceSaved)).await
}

/// Removes an absence entered by mistake (the audit log keeps what it was).
pub async fn delete_absence(
    cx: &Cx,
    recipient: &str,
    absence: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (mut db, recipient) = match begin_for_recipient(cx, c, recipient, key).await? {
        Begun::New(found) => found,
        Begun::Replayed(first) => return Ok(*first),
    };
    let id = id_of(absence)?;
    let Some(before) = db.delete_absence(c.tenant_id, recipient, id).await.map_err(internal)?
    else {
        return Err(PageError::NotFound);
    };
    let audit = AuditEntry {
        before: serde_json::to_string(&before).ok(),
        ..cx.audit_entry("absence.delete", format!("absence {id}"))
    };
    commit(db, c.user_id, key, audit, notice(card(recipient), T::AbsenceDeleted)).await
}

/// Ends a decision early on a date within its validity (it is kept, never deleted).
pub async fn end_decision(
    cx: &Cx,
    recipient: &str,
    decision: &str,
    valid_to: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let (mut db, recipient) = match begin_for_recipient(cx, c, recipient, key).await? {
        Begun::New(found) => found,
        Begun::Replayed(first) => return Ok(*first),
    };
    let id = id_of(decision)?;
    let back = card(recipient);
    let Ok(to) = chrono::NaiveDate::parse_from_str(valid_to.trim(), "%Y-%m-%d") else {
        return Ok(refused(back, T::ErrRegDate));
    };
    if !db.decisions_of(c.tenant_id, recipient).await.map_err(internal)?.iter().any(|d| d.id == id)
    {
        return Err(PageError::NotFound);
    }
    if !db.end_decision(c.tenant_id, recipient, id, to).await.map_err(internal)? {
        return Ok(refused(back, T::DecisionEndInvalid));
    }
    let audit = AuditEntry {
        after: Some(format!("{{\"valid_to\":\"{to}\"}}")),
        ..cx.audit_entry("decision.end", format!("decision {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::DecisionEnded)).await
}

/// An explicit "show personnummer": written to the audit log, then the card shows the number
/// in full once. The number never travels in a URL.
pub async fn reveal_personnummer(
    cx: &Cx,
    kind: &str,
    id: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = id_of(id)?;
    let (who, back) = match kind {
        "assistant" => (PersonRef::Assistant(id), format!("/admin/assistent?id={id}")),
        "recipient" => (PersonRef::Recipient(id), card(id)),
        _ => return Err(PageError::NotFound),
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if db.full_personnummer(c.tenant_id, who).await.map_err(internal)?.is_none() {
        return Err(PageError::NotFound);
    }
    let audit = cx.audit_entry("personnummer.view", format!("{kind} {id}"));
    // The replay of this post shows nothing: every view is its own audited act.
    commit(db, c.user_id, key, audit, said(back.clone(), Flash::default())).await?;
    Ok(said(back, Flash { reveal: Some((kind.to_string(), id)), ..Default::default() }))
}

/// What an account action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountAction {
    /// Create the login with this username and a first invitation.
    Create,
    /// A new one-time link (the earlier one stops working): a password reset.
    NewLink,
    Deactivate,
    Activate,
    /// Takes the login's second factor away (a lost phone and lost recovery codes): audited,
    /// and the person is told by e-mail where an address is known.
    RemoveSecondFactor,
}

/// Creates, re-invites, deactivates or activates the login of an assistant, a recipient or a
/// representative. No administrator ever sees or sets a password: the person chooses it
/// through the one-time link, shown once to hand over (valid 7 days), e-mailed when SMTP is
/// configured, and stored only as its SHA-256. A deactivated account's sessions end at once.
#[allow(clippy::too_many_arguments)]
pub async fn account_action(
    cx: &Cx,
    owner: &str,
    id: &str,
    user: &str,
    action: AccountAction,
    username: &str,
    email: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = id_of(id)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let (owner, back, name, role) = match owner {
        "assistant" => {
            let Some((_, _, f)) = db.assistant_form(c.tenant_id, id).await.map_err(internal)?
            else {
                return Err(PageError::NotFound);
            };
            (
                AccountOwner::Assistant(id),
                format!("/admin/assistent?id={id}"),
                format!("{} {}", f.first_name, f.last_name),
                Role::Assistant,
            )
        }
        "recipient" => {
            let Some((_, f)) = db.recipient_form(c.tenant_id, id).await.map_err(internal)? else {
                return Err(PageError::NotFound);
            };
            (
                AccountOwner::Recipient(id),
                card(id),
                format!("{} {}", f.first_name, f.last_name),
                Role::Recipient,
            )
        }
        "representative" => {
            let user = id_of(user)?;
            own_recipient(&mut db, c, &id.to_string()).await?;
            (
                AccountOwner::Representative { recipient: id, user },
                card(id),
                String::new(),
                Role::Representative,
            )
        }
        "work_leader" => (
            AccountOwner::WorkLeader(id),
            crate::paths::WORK_LEADERS.to_string(),
            String::new(),
            Role::WorkLeader,
        ),
        _ => return Err(PageError::NotFound),
    };
    let existing = db.account_of(c.tenant_id, owner).await.map_err(internal)?;
    if existing.is_none()
        && matches!(owner, AccountOwner::Representative { .. } | AccountOwner::WorkLeader(_))
    {
        return Err(PageError::NotFound);
    }
    match (action, existing) {
        (AccountAction::Create, Some(_)) => Ok(refused(back, T::AccountExists)),
        (AccountAction::Create, None) => {
            if !username_ok(username) {
                return Ok(refused(back, T::UsernameInvalid));
            }
            if !email_ok(email) {
                return Ok(refused(back, T::ErrEmail));
            }
            let (assistant, recipient) = match owner {
                AccountOwner::Assistant(a) => (Some(a), None),
                _ => (None, Some(id)),
            };
            let login = NewLogin {
                username: username.trim(),
                display_name: &name,
                role,
                assistant,
                recipient,
                email: email.trim(),
                personnummer: None,
            };
            let user = match db.create_account(c.tenant_id, &login).await {
                Ok(user) => user,
                Err(RepoError::Conflict(Conflict::Duplicate)) => {
                    return Ok(refused(back, T::UsernameTaken));
                }
                Err(e) => return Err(internal(e)),
            };
            db.audit(&AuditEntry {
                after: Some(
                    serde_json::json!({ "username": username.trim(), "role": role.code() })
                        .to_string(),
                ),
                ..cx.audit_entry("account.create", format!("user {user}"))
            })
            .await
            .map_err(internal)?;
            invite(cx, c, db, key, user, owner, "account.invite", back, T::AccountCreated).await
        }
        (_, None) => Ok(refused(back, T::NotAllowed)),
        (AccountAction::NewLink, Some((user, _, _))) => {
            invite(cx, c, db, key, user, owner, "account.invite", back, T::InvitationCreated).await
        }
        (AccountAction::RemoveSecondFactor, Some((user, _, _))) => {
            let removed = db.remove_second_factor(user).await.map_err(internal)?;
            let to = account_emails(&mut db, c.tenant_id, owner, user).await?;
            let audit = AuditEntry {
                after: Some(serde_json::json!({ "removed": removed }).to_string()),
                ..cx.audit_entry("otp.reset", format!("user {user}"))
            };
            let outcome = commit(db, c.user_id, key, audit, notice(back, T::OtpResetDone)).await?;
            if removed && let Some(mailer) = &cx.settings.mailer {
                let l = crate::i18n::Locale::Sv;
                for address in to {
                    mailer.send(Mail {
                        to: address,
                        subject: l.t(T::OtpResetMailSubject).into(),
                        body: format!("{}\n", l.t(T::OtpResetMailBody)),
                    });
                }
            }
            Ok(outcome)
        }
        (AccountAction::Deactivate | AccountAction::Activate, Some((user, _, _))) => {
            let active = action == AccountAction::Activate;
            db.set_account_active(c.tenant_id, user, active).await.map_err(internal)?;
            let (a, t) = if active {
                ("account.activate", T::AccountActivated)
            } else {
                ("account.deactivate", T::AccountDeactivated)
            };
            let audit = AuditEntry {
                after: Some(format!("{{\"active\":{active}}}")),
                ..cx.audit_entry(a, format!("user {user}"))
            };
            commit(db, c.user_id, key, audit, notice(back, t)).await
        }
    }
}

/// A staff login of the caller's municipality (a work leader) with its one-time link: the
/// username and e-mail checked as for every login, the account and its audit entry and the
/// invitation in one transaction.
#[allow(clippy::too_many_arguments)]
pub(super) async fn create_staff_login(
    cx: &Cx,
    c: &Caller,
    name: &str,
    username: &str,
    email: &str,
    role: Role,
    back: String,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    if !username_ok(username) {
        return Ok(refused(back, T::UsernameInvalid));
    }
    if !email_ok(email) {
        return Ok(refused(back, T::ErrEmail));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let login = NewLogin {
        username: username.trim(),
        display_name: name,
        role,
        assistant: None,
        recipient: None,
        email: email.trim(),
        personnummer: None,
    };
    let user = match db.create_account(c.tenant_id, &login).await {
        Ok(user) => user,
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Ok(refused(back, T::UsernameTaken));
        }
        Err(e) => return Err(internal(e)),
    };
    db.audit(&AuditEntry {
        after: Some(
            serde_json::json!({ "username": username.trim(), "role": role.code() }).to_string(),
        ),
        ..cx.audit_entry("account.create", format!("user {user}"))
    })
    .await
    .map_err(internal)?;
    let owner = AccountOwner::WorkLeader(user);
    invite(cx, c, db, key, user, owner, "account.invite", back, T::AccountCreated).await
}

/// Where the person behind a login is reached by e-mail: a recipient's own login through the
/// addresses kept for it (as for a representative), everyone else through their register entry.
async fn account_emails(
    db: &mut Box<dyn Store>,
    tenant: i64,
    owner: AccountOwner,
    user: i64,
) -> Result<Vec<String>, PageError> {
    let owner = match owner {
        AccountOwner::Recipient(r) => AccountOwner::Representative { recipient: r, user },
        o => o,
    };
    db.emails(tenant, owner).await.map_err(internal)
}

/// A new one-time link for `user` (earlier ones stop working), committed with its audit entry;
/// the link is answered once (a replay of the form gets the notice without it) and e-mailed
/// when SMTP is configured and the person has an address.
#[allow(clippy::too_many_arguments)]
async fn invite(
    cx: &Cx,
    c: &Caller,
    mut db: Box<dyn Store>,
    key: Option<&str>,
    user: i64,
    owner: AccountOwner,
    action: &'static str,
    back: String,
    t: T,
) -> Result<Outcome, PageError> {
    let token = random_token();
    let now = now_unix();
    db.create_invitation(
        c.tenant_id,
        user,
        &crate::domain::fk::sha256_hex(token.as_bytes()),
        now + INVITATION_SECONDS,
        c.user_id,
        now,
    )
    .await
    .map_err(internal)?;
    let to = account_emails(&mut db, c.tenant_id, owner, user).await?;
    commit(
        db,
        c.user_id,
        key,
        cx.audit_entry(action, format!("user {user}")),
        notice(back.clone(), t),
    )
    .await?;
    let link =
        format!("{}/inbjudan?kod={token}", cx.settings.public_url.as_deref().unwrap_or_default());
    let mut mailed = false;
    if let Some(mailer) = &cx.settings.mailer {
        for address in to {
            let l = crate::i18n::Locale::Sv;
            mailer.send(Mail {
                to: address,
                subject: l.t(T::MailInviteSubject).into(),
                body: format!(
                    "{}\n\n{link}\n\n{}\n",
                    l.t(T::MailInviteBody),
                    l.t(T::MailInviteExpiry)
                ),
            });
            mailed = true;
        }
    }
    Ok(said(back, Flash { notice: Some(t), link: Some(link), mailed, ..Default::default() }))
}

/// The municipality's audit log: the chain verified, the latest entries.
pub async fn audit_page(cx: &Cx) -> Result<AuditPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let chain = db.audit_chain(Some(c.tenant_id)).await.map_err(internal)?;
    let (intact, broken) = match crate::domain::audit::verify(&chain) {
        Ok(n) => (Some(n), None),
        Err(b) => (None, Some((b.id, b.why.explain().to_string()))),
    };
    let entries = super::views::all(db.audit_recent(c.tenant_id, 200).await.map_err(internal)?);
    Ok(AuditPage { me: me(cx, c), intact, broken, entries })
}
