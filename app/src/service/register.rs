//! The administrator's register (issue 8): the assistants' list and form. Own municipality
//! only; another municipality's id answers as an unknown one (404). Every save is one
//! transaction with its audit entry (before and after, personnummer masked) and the form's
//! idempotency key.

use super::context::{Cx, internal, today};
use super::paging::{PAGE_SIZE, paging, urlencode};
use super::tx::{Begun, begin, commit, said};
use crate::domain::register::{AssistantInput, RegError};
use crate::domain::text;
use crate::i18n::T;
use crate::model::*;
use store::{AuditEntry, Conflict, RepoError};

pub async fn assistants_page(cx: &Cx, query: &str, page: i64) -> Result<AssistantsPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let query: String = query.chars().take(100).collect();
    let (_, total) = db.assistant_list(c.tenant_id, &query, 0, 0).await.map_err(internal)?;
    let p = paging("/admin/assistenter", &query, page, total);
    let (assistants, _) =
        db.assistant_list(c.tenant_id, &p.query, p.offset, PAGE_SIZE).await.map_err(internal)?;
    Ok(AssistantsPage {
        me: super::context::me(cx, c),
        query: p.query,
        page: p.page,
        pages: p.pages,
        total,
        prev: p.prev,
        next: p.next,
        assistants: super::views::all(assistants),
        flash: cx.take_flash().await,
    })
}

pub async fn recipients_page(cx: &Cx, query: &str, page: i64) -> Result<RecipientsPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let query: String = query.chars().take(100).collect();
    let (_, total) = db.recipient_list(c.tenant_id, &query, 0, 0).await.map_err(internal)?;
    let p = paging("/admin/brukarregister", &query, page, total);
    let (recipients, _) =
        db.recipient_list(c.tenant_id, &p.query, p.offset, PAGE_SIZE).await.map_err(internal)?;
    Ok(RecipientsPage {
        me: super::context::me(cx, c),
        query: p.query,
        page: p.page,
        pages: p.pages,
        total,
        prev: p.prev,
        next: p.next,
        recipients: super::views::all(recipients),
        flash: cx.take_flash().await,
    })
}

pub async fn recipient_form(cx: &Cx, id: Option<i64>) -> Result<RecipientFormPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let mut db = cx.db().await?;
    let (masked, mut values, decisions) = match id {
        None => (None, Default::default(), vec![]),
        Some(id) => {
            let Some((masked, values)) =
                db.recipient_form(c.tenant_id, id).await.map_err(internal)?
            else {
                return Err(PageError::NotFound);
            };
            (
                Some(masked),
                values,
                super::views::all(db.decisions_of(c.tenant_id, id).await.map_err(internal)?),
            )
        }
    };
    let login = match id {
        Some(id) => db
            .account_of(c.tenant_id, store::AccountOwner::Recipient(id))
            .await
            .map_err(internal)?,
        None => None,
    };
    let second_factor = has_second_factor(&mut db, login.as_ref().map(|l| l.0)).await?;
    let (account, representatives, absences, personnummer_full) = match id {
        None => (None, vec![], vec![], None),
        Some(id) => (
            login.map(|(_, u, active)| (u, active)),
            super::views::all(db.representatives_of(c.tenant_id, id).await.map_err(internal)?),
            db.absences_of(c.tenant_id, id)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|(id, absence)| AbsenceView { id, absence })
                .collect(),
            revealed(&mut db, c, &flash, "recipient", id).await?,
        ),
    };
    let mut errors = vec![];
    if let Some((_, typed, errs)) = flash.recipient_form().filter(|(form_id, _, _)| *form_id == id)
    {
        values = typed;
        errors = errs;
    }
    Ok(RecipientFormPage {
        me: super::context::me(cx, c),
        id,
        personnummer_masked: masked,
        values,
        errors,
        decisions,
        decision_form: flash.decision_form(),
        personnummer_full,
        account,
        second_factor,
        representatives,
        representative_form: flash.representative_form().unwrap_or_default(),
        absences,
        absence_form: flash.absence_form().unwrap_or_default(),
        form_key: random_token(),
        flash,
    })
}

/// The number in full when the previous post was an audited "show" of this very entry.
pub(super) async fn revealed(
    db: &mut Box<dyn store::Store>,
    c: &store::Caller,
    flash: &Flash,
    kind: &str,
    id: i64,
) -> Result<Option<String>, PageError> {
    use store::PersonRef;
    if flash.reveal.as_ref() != Some(&(kind.to_string(), id)) {
        return Ok(None);
    }
    let who = if kind == "assistant" { PersonRef::Assistant(id) } else { PersonRef::Recipient(id) };
    let full = db.full_personnummer(c.tenant_id, who).await.map_err(internal)?;
    Ok(full.map(|p| crate::domain::Personnummer::parse(&p).map(|p| p.display_full()).unwrap_or(p)))
}

/// Creates or updates a recipient of the caller's municipality (a personnummer, never a
/// samordningsnummer; no number twice). One transaction with its audit entry, number masked.
pub async fn save_recipient(
    cx: &Cx,
    id: &str,
    input: &crate::domain::register::RecipientInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = match id.trim() {
        "" => None,
        s => Some(text::id(s).ok_or(PageError::NotFound)?),
    };
    let form_path = match id {
        Some(id) => format!("/admin/brukarkort?id={id}"),
        None => "/admin/brukarkort".into(),
    };
    let refused = |errors: Vec<RegError>| {
        said(
            form_path.clone(),
            Flash {
                typed: Some(Typed::Recipient(id, input.clone(), errors)),
                ..Default::default()
            },
        )
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let before = match id {
        None => None,
        Some(id) => Some(
            db.recipient_form(c.tenant_id, id)
                .await
                .map_err(internal)?
                .ok_or(PageError::NotFound)?,
        ),
    };
    let data = match input.parse(id.is_some(), today()) {
        Ok(d) => d,
        Err(errors) => return Ok(refused(errors)),
    };
    let saved = match db.save_recipient(c.tenant_id, id, &data).await {
        Ok(Some(saved)) => saved,
        Ok(None) => return Err(PageError::NotFound),
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Ok(refused(vec![RegError::PersonnummerTaken]));
        }
        Err(e) => return Err(internal(e)),
    };
    let masked_after = data
        .personnummer
        .as_ref()
        .map(|p| p.masked())
        .or_else(|| before.as_ref().map(|(m, _)| m.clone()))
        .unwrap_or_default();
    let json = |m: &str, first: &str, last: &str| {
        serde_json::json!({ "personnummer": m, "first_name": first, "last_name": last }).to_string()
    };
    let audit = AuditEntry {
        before: before.as_ref().map(|(m, b)| json(m, &b.first_name, &b.last_name)),
        after: Some(json(&masked_after, &data.first_name, &data.last_name)),
        ..cx.audit_entry(
            if id.is_some() { "recipient.update" } else { "recipient.create" },
            format!("recipient {saved}"),
        )
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(
            format!("/admin/brukarkort?id={saved}"),
            Flash { notice: Some(T::RecipientSaved), ..Default::default() },
        ),
    )
    .await
}

/// Adds a decision to a recipient of the caller's municipality; overlapping decisions are
/// refused with the reason. Audited.
pub async fn add_decision(
    cx: &Cx,
    recipient: &str,
    input: &crate::domain::register::DecisionInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    use crate::domain::register::DecisionFormError;
    let c = cx.require(&[Role::Admin])?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let back = format!("/admin/brukarkort?id={recipient}");
    let refused = |errors: Vec<DecisionFormError>| {
        said(
            back.clone(),
            Flash { typed: Some(Typed::Decision(input.clone(), errors)), ..Default::default() },
        )
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if db.recipient_form(c.tenant_id, recipient).await.map_err(internal)?.is_none() {
        return Err(PageError::NotFound);
    }
    let decision = match input.parse(recipient) {
        Ok(d) => d,
        Err(errors) => return Ok(refused(errors)),
    };
    if let Some(e) = raised_refusal(&mut db, c.tenant_id, &decision).await? {
        return Ok(refused(vec![e]));
    }
    let Some(id) = db.add_decision(c.tenant_id, &decision).await.map_err(internal)? else {
        return Ok(refused(vec![DecisionFormError::Overlaps]));
    };
    let audit = AuditEntry {
        after: serde_json::to_string(&decision).ok(),
        ..cx.audit_entry("decision.create", format!("decision {id}"))
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(back, Flash { notice: Some(T::DecisionSaved), ..Default::default() }),
    )
    .await
}

/// A decision's raised amount against the standard amounts of the years it covers: what is
/// wrong with it, if anything (the form and the API check it alike).
pub(crate) async fn raised_refusal(
    db: &mut Box<dyn store::Store>,
    tenant: i64,
    decision: &crate::domain::Decision,
) -> Result<Option<crate::domain::register::DecisionFormError>, PageError> {
    use crate::domain::register::DecisionFormError;
    use crate::domain::settings::{RaisedRateError, check_raised_rate};
    let Some(raised) = decision.raised_rate else { return Ok(None) };
    let rates = db.terms(tenant).await.map_err(internal)?.rates;
    Ok(match check_raised_rate(raised, decision.valid_from, decision.valid_to, &rates, today()) {
        Ok(()) => None,
        Err(RaisedRateError::TooHigh) => Some(DecisionFormError::RaisedTooHigh),
        Err(RaisedRateError::StandardUnknown(_)) => Some(DecisionFormError::RaisedStandardUnknown),
    })
}

pub async fn assistant_form(cx: &Cx, id: Option<i64>) -> Result<AssistantFormPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let (masked, mut values) = match id {
        // A new assistant: the municipal agreement, a calculation period from 1 January.
        None => {
            use chrono::Datelike;
            let period_start = format!("{}-01-01", today().year());
            (
                None,
                AssistantInput {
                    eea_resident: true,
                    regime: "ab_bilaga_j".into(),
                    period_start,
                    period_months: "4".into(),
                    employer: "provider".into(),
                    collective_agreement: true,
                    ..Default::default()
                },
            )
        }
        Some(id) => {
            let Some((masked, _, values)) =
                cx.db().await?.assistant_form(c.tenant_id, id).await.map_err(internal)?
            else {
                return Err(PageError::NotFound);
            };
            (Some(masked), values)
        }
    };
    let mut errors = vec![];
    if let Some((_, typed, errs)) = flash.assistant_form().filter(|(form_id, _, _)| *form_id == id)
    {
        values = typed;
        errors = errs;
    }
    let (account, second_factor, assignments, recipients, personnummer_full) = match id {
        Some(id) => {
            let mut db = cx.db().await?;
            let login = db
                .account_of(c.tenant_id, store::AccountOwner::Assistant(id))
                .await
                .map_err(internal)?;
            let second_factor = has_second_factor(&mut db, login.as_ref().map(|l| l.0)).await?;
            let account = login.map(|(_, u, active)| (u, active));
            let assignments =
                super::views::all(db.assignments_of(c.tenant_id, id).await.map_err(internal)?);
            let recipients = db
                .recipient_choices(c.tenant_id)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|(id, name)| Person { id, name })
                .collect();
            let full = revealed(&mut db, c, &flash, "assistant", id).await?;
            (account, second_factor, assignments, recipients, full)
        }
        None => (None, false, vec![], vec![], None),
    };
    Ok(AssistantFormPage {
        me: super::context::me(cx, c),
        id,
        personnummer_masked: masked,
        personnummer_full,
        values,
        errors,
        form_key: random_token(),
        account,
        second_factor,
        assignments,
        recipients,
        flash,
    })
}

/// A register entry as the audit log keeps it: no personnummer in full.
pub(crate) fn audit_json(masked: &str, a: &AssistantInput) -> String {
    serde_json::json!({
        "personnummer": masked, "first_name": a.first_name, "last_name": a.last_name, "birth_date": a.birth_date,
        "eea_resident": a.eea_resident, "regime": a.regime, "period_start": a.period_start, "period_months": a.period_months,
        "allow_24h_shifts": a.allow_24h_shifts, "collective_agreement": a.collective_agreement, "employer": a.employer,
        "other_employer_name": a.other_employer_name, "other_employer_org": a.other_employer_org, "phone": a.phone,
    })
    .to_string()
}

/// Creates or updates an assistant of the caller's municipality.
pub async fn save_assistant(
    cx: &Cx,
    id: &str,
    input: &AssistantInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = match id.trim() {
        "" => None,
        s => Some(text::id(s).ok_or(PageError::NotFound)?),
    };
    let form_path = match id {
        Some(id) => format!("/admin/assistent?id={id}"),
        None => "/admin/assistent".into(),
    };
    // What was typed is kept server-side for the next view (never in a URL or a log).
    let refused = |errors: Vec<RegError>| {
        said(
            form_path.clone(),
            Flash {
                typed: Some(Typed::Assistant(id, input.clone(), errors)),
                ..Default::default()
            },
        )
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let before = match id {
        None => None,
        Some(id) => match db.assistant_form(c.tenant_id, id).await.map_err(internal)? {
            Some(found) => Some(found),
            None => return Err(PageError::NotFound),
        },
    };
    let stored_has_date = before.as_ref().is_some_and(|(_, has, _)| *has);
    let data = match input.parse(id.is_some(), stored_has_date, today()) {
        Ok(d) => d,
        Err(errors) => return Ok(refused(errors)),
    };
    let saved = match db.save_assistant(c.tenant_id, id, &data).await {
        Ok(Some(saved)) => saved,
        Ok(None) => return Err(PageError::NotFound),
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Ok(refused(vec![RegError::PersonnummerTaken]));
        }
        Err(e) => return Err(internal(e)),
    };
    let masked_after = data
        .personnummer
        .as_ref()
        .map(|p| p.masked())
        .or_else(|| before.as_ref().map(|(m, _, _)| m.clone()))
        .unwrap_or_default();
    let mut after = input.clone();
    after.personnummer.clear();
    let audit = AuditEntry {
        before: before.as_ref().map(|(m, _, b)| audit_json(m, b)),
        after: Some(audit_json(&masked_after, &after)),
        ..cx.audit_entry(
            if id.is_some() { "assistant.update" } else { "assistant.create" },
            format!("assistant {saved}"),
        )
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(
            format!("/admin/assistenter?q={}", urlencode(&data.last_name)),
            Flash { notice: Some(T::AssistantSaved), ..Default::default() },
        ),
    )
    .await
}

/// Adds an assignment (assistant ↔ recipient) to one of the caller's assistants: a recipient
/// of the same municipality with a decision covering the first day, not overlapping another
/// assignment of the pair. Audited.
pub async fn add_assignment(
    cx: &Cx,
    assistant: &str,
    input: &crate::domain::register::AssignmentInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let assistant = text::id(assistant).ok_or(PageError::NotFound)?;
    let back = format!("/admin/assistent?id={assistant}");
    let refused = |errors| {
        said(
            back.clone(),
            Flash { typed: Some(Typed::Assignment(input.clone(), errors)), ..Default::default() },
        )
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if db.assistant_form(c.tenant_id, assistant).await.map_err(internal)?.is_none() {
        return Err(PageError::NotFound);
    }
    let data = match input.parse() {
        Ok(d) => d,
        Err(errors) => return Ok(refused(errors)),
    };
    let id = match db.add_assignment(c.tenant_id, assistant, &data).await.map_err(internal)? {
        None => return Err(PageError::NotFound),
        Some(Err(e)) => return Ok(refused(vec![e])),
        Some(Ok(id)) => id,
    };
    let audit = AuditEntry {
        after: Some(assignment_json(assistant, &data)),
        ..cx.audit_entry("assignment.create", format!("assignment {id}"))
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(back, Flash { notice: Some(T::AssignmentSaved), ..Default::default() }),
    )
    .await
}

/// An assignment as the audit log keeps it.
pub(crate) fn assignment_json(
    assistant: i64,
    data: &crate::domain::register::AssignmentData,
) -> String {
    serde_json::json!({ "assistant": assistant, "recipient": data.recipient, "valid_from": data.valid_from, "valid_to": data.valid_to, "fk_notified_on": data.fk_notified_on, "relative": data.relative }).to_string()
}

/// Ends an assignment on a date (its history is kept, never deleted).
pub async fn end_assignment(
    cx: &Cx,
    assistant: &str,
    assignment: &str,
    valid_to: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let assistant = text::id(assistant).ok_or(PageError::NotFound)?;
    let id = text::id(assignment).ok_or(PageError::NotFound)?;
    let back = format!("/admin/assistent?id={assistant}");
    let Ok(to) = chrono::NaiveDate::parse_from_str(valid_to.trim(), "%Y-%m-%d") else {
        return Ok(said(back, Flash { error: Some(T::ErrRegDate), ..Default::default() }));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if db.assistant_form(c.tenant_id, assistant).await.map_err(internal)?.is_none() {
        return Err(PageError::NotFound);
    }
    if !db.end_assignment(c.tenant_id, assistant, id, to).await.map_err(internal)? {
        return Ok(said(
            back,
            Flash { error: Some(T::AssignmentEndInvalid), ..Default::default() },
        ));
    }
    let audit = AuditEntry {
        after: Some(format!("{{\"valid_to\":\"{to}\"}}")),
        ..cx.audit_entry("assignment.end", format!("assignment {id}"))
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(back, Flash { notice: Some(T::AssignmentEnded), ..Default::default() }),
    )
    .await
}

/// Whether a login has a confirmed second factor (shown to the administrator, who may take it
/// away).
async fn has_second_factor(
    db: &mut Box<dyn store::Store>,
    user: Option<i64>,
) -> Result<bool, PageError> {
    match user {
        Some(u) => Ok(db.second_factor(u).await.map_err(internal)?.is_some_and(|f| f.confirmed)),
        None => Ok(false),
    }
}
