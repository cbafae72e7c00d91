//! Every change a form post makes, each in one place: one write transaction that re-checks
//! what the change depends on (assignment, decision, month status, overlap, the content the
//! recipient saw), writes the change with its audit entry, and stores its outcome under the
//! form's idempotency key, so a replayed post (a double-click, a retry after a lost answer)
//! returns the first outcome and changes nothing. The database's own constraints back this up.

use super::service::{Cx, internal, row_view, today};
use super::tx::{begin, commit, denied, error, notice, page, remember_and_commit, row_json, said};
use super::*;
use crate::domain::TimeRow;
use crate::domain::row::content_hash;
use crate::domain::rules::{
    Finding, RowRecord, RuleId, Severity, blocks_saving, check_assistant, check_row,
};
use store::{AuditEntry, Conflict, RepoError, RowContext, Store, StoredRow};

/// Adds a time row for the calling assistant, after the rules engine has had its say: an
/// error-level finding refuses the row; warnings are shown with the saved row.
pub async fn add_row(cx: &Cx, input: &RowInput, key: Option<&str>) -> Result<Outcome, PageError> {
    save_row(cx, input, None, key).await
}

/// Changes one of the calling assistant's rows while its month is a draft: in one transaction
/// the old row goes and the new one is checked (without the old one in the way) and saved,
/// with one audit entry holding both. A refusal keeps what was typed, still editing that row.
pub async fn edit_row(
    cx: &Cx,
    input: &RowInput,
    row: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    save_row(cx, input, Some(row), key).await
}

async fn save_row(
    cx: &Cx,
    input: &RowInput,
    replacing: Option<&str>,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let typed_month = chrono::NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d")
        .ok()
        .and_then(ReportMonth::of);
    let replacing: Option<i64> = match replacing.map(|r| r.trim().parse::<i64>()) {
        None => None,
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => return Ok(error(page("/assistent", typed_month), T::NotAllowed)),
    };
    let form_page = |m: Option<ReportMonth>| match replacing {
        Some(id) => format!("{}&andra={id}#add-row-title", page("/assistent", m)),
        None => page("/assistent", m),
    };
    let refused = |errors: Vec<RowError>| {
        said(
            form_page(typed_month),
            Flash {
                row_form: Some((input.clone(), errors)),
                editing: replacing,
                ..Default::default()
            },
        )
    };
    let row = match input.parse() {
        Ok(row) => row,
        Err(errors) => return Ok(refused(errors)),
    };
    let Ok(recipient) = input.recipient.trim().parse::<i64>() else {
        return Ok(refused(vec![RowError::NotAssigned]));
    };
    let month = row.month();
    if let Err(errors) = row_in_reach(cx, &row) {
        return Ok(refused(errors));
    }

    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    // Editing: the old row must be the caller's own, in a month that is still a draft. It is
    // deleted first, so it is not in the way of its own new version; a refusal below rolls
    // the deletion back with everything else.
    let before = match replacing {
        None => None,
        Some(id) => {
            let Some(old) = db.assistant_row(c.tenant_id, assistant, id).await.map_err(internal)?
            else {
                drop(db);
                denied(cx, format!("row.edit row {id}")).await;
                return Ok(error(page("/assistent", typed_month), T::NotAllowed));
            };
            let old_month = old.row.month();
            if old_month.fk_deadline() < today() {
                return Ok(error(page("/assistent", Some(old_month)), T::MonthReadOnly));
            }
            if let Some((_, status)) = db
                .month_status(c.tenant_id, assistant, old.recipient_id, old_month)
                .await
                .map_err(internal)?
                && !status.editable()
            {
                return Ok(error(page("/assistent", Some(old_month)), T::ErrMonthLocked));
            }
            match db.delete_row(c.tenant_id, assistant, id).await {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(error(page("/assistent", typed_month), T::NotAllowed)),
                Err(RepoError::Conflict(Conflict::MonthLocked)) => {
                    return Ok(error(page("/assistent", Some(old_month)), T::ErrMonthLocked));
                }
                Err(e) => return Err(internal(e)),
            }
            Some(old)
        }
    };
    let (id, notes) = match check_and_insert(&mut db, c, assistant, recipient, &row).await? {
        Ok(saved) => saved,
        Err(errors) if errors == [RowError::NotAssigned] => {
            drop(db);
            denied(cx, format!("row.add for recipient {recipient} on {}", row.date())).await;
            return Ok(refused(errors));
        }
        Err(errors) => return Ok(refused(errors)),
    };
    // Worked time is saved even when FK will not pay for it (V2, V5): said plainly.
    let saved = saved_notice(&notes);
    let stored = StoredRow { id, assistant_id: assistant, recipient_id: recipient, row };
    let audit = match &before {
        None => AuditEntry {
            after: row_json(&stored),
            ..cx.audit_entry("row.add", format!("row {id}"))
        },
        Some(old) => AuditEntry {
            before: row_json(old),
            after: row_json(&stored),
            ..cx.audit_entry("row.edit", format!("row {} → row {id}", old.id))
        },
    };
    let saved = if before.is_some() && saved == T::RowSaved { T::RowChanged } else { saved };
    let outcome = said(
        page("/assistent", Some(month)),
        Flash { notice: Some(saved), findings: notes, ..Default::default() },
    );
    commit(db, c.user_id, key, audit, outcome).await
}

/// What a saved row's notice says: worked time is saved even when FK will not pay for it (V2, V5).
pub(super) fn saved_notice(notes: &[Finding]) -> T {
    if notes.iter().any(|f| f.severity == Severity::Error) {
        T::RowSavedNotClaimable
    } else {
        T::RowSaved
    }
}

/// What can be said of a new row without the database: not further ahead than planned shifts
/// may be entered, and not in a month whose FK deadline has passed (earlier months are read-only).
pub(super) fn row_in_reach(cx: &Cx, row: &TimeRow) -> Result<(), Vec<RowError>> {
    let today = today();
    let last = today + chrono::Duration::days(cx.settings.row_horizon_days);
    if row.date() > last {
        return Err(vec![RowError::TooFarAhead(last.to_string())]);
    }
    let month = row.month();
    if month.fk_deadline() < today {
        return Err(vec![RowError::MonthClosed(month.fk_deadline().to_string())]);
    }
    Ok(())
}

/// Checks a new row of the calling assistant with every rule, inside `db`'s write
/// transaction, and inserts it: its id and the findings that do not block it, or why not.
/// `[RowError::NotAssigned]` alone means the recipient is not the assistant's on that date.
pub(super) async fn check_and_insert(
    db: &mut Box<dyn Store>,
    c: &store::Caller,
    assistant: i64,
    recipient: i64,
    row: &TimeRow,
) -> Result<Result<(i64, Vec<Finding>), Vec<RowError>>, PageError> {
    let month = row.month();
    // V3: no overlap with any of the assistant's rows, for any recipient. A week each side
    // also gives the rest rules (V5) what they need.
    let week = chrono::Duration::days(8);
    let RowContext { assigned, facts, status, near, terms } = db
        .row_context(
            c.tenant_id,
            assistant,
            recipient,
            row.date(),
            row.date() - week..=row.date() + week,
        )
        .await
        .map_err(internal)?;
    let (true, Some(facts)) = (assigned, facts) else {
        return Ok(Err(vec![RowError::NotAssigned]));
    };
    if !facts.grants.iter().any(|g| g.valid_from <= row.date() && row.date() <= g.valid_to) {
        return Ok(Err(vec![RowError::NoDecision]));
    }
    if let Some((_, status)) = status
        && !status.editable()
    {
        return Ok(Err(vec![RowError::MonthLocked]));
    }
    if let Some(other) = near.iter().find(|o| o.row.overlaps(row)) {
        let v = row_view(other);
        return Ok(Err(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]));
    }
    const NEW: i64 = 0;
    let new = RowRecord { id: NEW, assistant, recipient, row: row.clone() };
    let config = terms.rules;
    let mut findings = check_row(&new, month, &facts, &config);
    let mut around: Vec<RowRecord> = near
        .into_iter()
        .map(|s| RowRecord { id: s.id, assistant, recipient: s.recipient_id, row: s.row })
        .collect();
    around.push(new);
    let refs: Vec<&RowRecord> = around.iter().collect();
    findings.extend(
        check_assistant(facts.regime, &refs, &config)
            .into_iter()
            .filter(|f| f.rule == RuleId::V5 && f.rows.contains(&NEW)),
    );
    let (errors, notes): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(blocks_saving);
    if !errors.is_empty() {
        return Ok(Err(errors.into_iter().map(RowError::Rule).collect()));
    }
    match db.insert_row(c.tenant_id, assistant, recipient, row, c.user_id).await {
        Ok(id) => Ok(Ok((id, notes))),
        // The database's own guards; the checks above make these rare (a stale read elsewhere).
        Err(RepoError::Conflict(Conflict::Overlap | Conflict::Duplicate)) => {
            let v = row_view(&StoredRow {
                id: 0,
                assistant_id: assistant,
                recipient_id: recipient,
                row: row.clone(),
            });
            Ok(Err(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]))
        }
        Err(RepoError::Conflict(Conflict::MonthLocked)) => Ok(Err(vec![RowError::MonthLocked])),
        Err(e) => Err(internal(e)),
    }
}

/// Deletes one of the calling assistant's rows while its month is a draft.
pub async fn delete_row(
    cx: &Cx,
    row: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let back = page("/assistent", ReportMonth::parse(month));
    let Ok(row_id) = row.trim().parse::<i64>() else {
        return Ok(error(back, T::NotAllowed));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let Some(stored) = db.assistant_row(c.tenant_id, assistant, row_id).await.map_err(internal)?
    else {
        drop(db);
        denied(cx, format!("row.delete row {row_id}")).await;
        return Ok(error(back, T::NotAllowed));
    };
    let month = stored.row.month();
    if month.fk_deadline() < today() {
        return Ok(error(back, T::MonthReadOnly));
    }
    if let Some((_, status)) = db
        .month_status(c.tenant_id, assistant, stored.recipient_id, month)
        .await
        .map_err(internal)?
        && !status.editable()
    {
        return Ok(error(back, T::ErrMonthLocked));
    }
    match db.delete_row(c.tenant_id, assistant, row_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Ok(error(back, T::NotAllowed)),
        Err(RepoError::Conflict(Conflict::MonthLocked)) => {
            return Ok(error(back, T::ErrMonthLocked));
        }
        Err(e) => return Err(internal(e)),
    }
    let audit = AuditEntry {
        before: row_json(&stored),
        ..cx.audit_entry("row.delete", format!("row {row_id}"))
    };
    commit(db, c.user_id, key, audit, notice(page("/assistent", Some(month)), T::RowDeleted)).await
}

/// The assistant attests the month for one recipient on honour. `attest` is the checkbox's
/// value: exactly `on` when ticked.
pub async fn submit_month(
    cx: &Cx,
    recipient: &str,
    month: &str,
    attest: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let m = ReportMonth::parse(month);
    let back = page("/assistent", m);
    let (Ok(recipient), Some(month)) = (recipient.trim().parse::<i64>(), m) else {
        return Ok(error(back, T::NotAllowed));
    };
    if attest != "on" {
        return Ok(error(back, T::SubmitNeedsAttest));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let assigned = db.assigned_recipients(c.tenant_id, assistant, month).await.map_err(internal)?;
    if !assigned.iter().any(|(id, _)| *id == recipient) {
        return Ok(error(back, T::NotAllowed));
    }
    let rows = db
        .assistant_rows(c.tenant_id, assistant, month.first_day(), month.last_day())
        .await
        .map_err(internal)?;
    let rows: Vec<&StoredRow> = rows.iter().filter(|r| r.recipient_id == recipient).collect();
    if rows.is_empty() {
        return Ok(error(back, T::SubmitNeedsRows));
    }
    let record =
        db.month_record(c.tenant_id, assistant, recipient, month).await.map_err(internal)?;
    let id = record.id.ok_or(PageError::Internal)?;
    if !db
        .transition(c.tenant_id, id, MonthStatus::Draft, MonthStatus::Submitted, c.user_id, None)
        .await
        .map_err(internal)?
    {
        return Ok(error(back, T::NotAllowed));
    }
    let hash = content_hash(rows.iter().map(|r| &r.row));
    db.month_event(c.tenant_id, id, c.user_id, "submit", None, &hash, None)
        .await
        .map_err(internal)?;
    let audit = AuditEntry {
        after: Some(format!("{{\"status\":\"submitted\",\"content_hash\":\"{hash}\"}}")),
        ..cx.audit_entry("month.submit", format!("month {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::MonthSubmitted)).await
}

/// The assistant takes back a submitted month (not yet approved) to correct it: their
/// attestation on honour is void, the month is a draft again, and the step is in the month's
/// history and the audit log. An approved month is returned by the recipient instead; an
/// attested one is corrected by the administrator.
pub async fn withdraw_month(
    cx: &Cx,
    recipient: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let m = ReportMonth::parse(month);
    let back = page("/assistent", m);
    let (Ok(recipient), Some(month)) = (recipient.trim().parse::<i64>(), m) else {
        return Ok(error(back, T::NotAllowed));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    // Only the assistant's own month: the record is looked up by the caller's own id.
    let Some((id, status)) =
        db.month_status(c.tenant_id, assistant, recipient, month).await.map_err(internal)?
    else {
        return Ok(error(back, T::NotAllowed));
    };
    if status != MonthStatus::Submitted {
        return Ok(error(
            back,
            if status == MonthStatus::Draft { T::NotAllowed } else { T::WithdrawTooLate },
        ));
    }
    if !db
        .transition(c.tenant_id, id, MonthStatus::Submitted, MonthStatus::Draft, c.user_id, None)
        .await
        .map_err(internal)?
    {
        return Ok(error(back, T::WithdrawTooLate));
    }
    let rows = db
        .assistant_rows(c.tenant_id, assistant, month.first_day(), month.last_day())
        .await
        .map_err(internal)?;
    let hash = content_hash(rows.iter().filter(|r| r.recipient_id == recipient).map(|r| &r.row));
    db.month_event(c.tenant_id, id, c.user_id, "withdraw", None, &hash, None)
        .await
        .map_err(internal)?;
    let audit = AuditEntry {
        after: Some("{\"status\":\"draft\",\"attestation\":\"void\"}".into()),
        ..cx.audit_entry("month.withdraw", format!("month {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::MonthWithdrawn)).await
}

/// Attests one approved month inside `db`'s transaction: the 3059 must still be the document
/// the recipient signed (else their approval is voided, visibly, and the month needs approval
/// again); it gets the provider's signature, is frozen (its exact bytes, SHA-256 and day parts
/// stored) and the month moves to attested, with its history. Returns why not, when it cannot.
async fn attest_in(
    db: &mut Box<dyn Store>,
    cx: &Cx,
    tenant: i64,
    user: i64,
    id: i64,
) -> Result<Result<String, T>, PageError> {
    let Some((record, month)) = db.month_record_by_id(tenant, id).await.map_err(internal)? else {
        return Ok(Err(T::NotAllowed));
    };
    if record.status != MonthStatus::Approved {
        return Ok(Err(T::AttestNeedsApproval));
    }
    let mut doc = match super::signing::check_approval(db, cx, tenant, user, &record, month).await?
    {
        Ok(doc) => doc,
        Err(t) => return Ok(Err(t)),
    };
    let provider = db.provider(tenant).await.map_err(internal)?.ok_or(PageError::Internal)?;
    doc.report.underskrifter.anordnare_datum = Some(today());
    doc.report.underskrifter.anordnare_telefon = crate::domain::fk::elt::phone(&provider.phone);
    let frozen = doc.report.freeze().map_err(internal)?;
    let parts = serde_json::to_string(&doc.report.rader).map_err(internal)?;
    db.store_frozen(tenant, id, &frozen, &parts, user).await.map_err(|e| match e {
        RepoError::Conflict(_) => PageError::Internal,
        e => internal(e),
    })?;
    if !db
        .transition(tenant, id, MonthStatus::Approved, MonthStatus::Attested, user, None)
        .await
        .map_err(internal)?
    {
        return Ok(Err(T::AttestNeedsApproval));
    }
    db.month_event(tenant, id, user, "attest", None, &frozen.sha256, None)
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "status": "attested", "report_id": frozen.id, "sha256": frozen.sha256, "approved": doc.sha256 }).to_string();
    db.audit(&AuditEntry {
        after: Some(after),
        ..cx.audit_entry("month.attest", format!("month {id}"))
    })
    .await
    .map_err(internal)?;
    Ok(Ok(frozen.sha256))
}

/// The provider attests one approved month (FK 3059): a signature record with the SHA-256 of
/// the frozen canonical document, whose bytes are stored and exported as they are.
pub async fn attest_month(
    cx: &Cx,
    month_key: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = page("/admin", ReportMonth::parse(month));
    let id = month_key.trim().parse::<i64>().map_err(|_| PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    // Another municipality's month answers as an unknown one.
    if db.month_record_by_id(c.tenant_id, id).await.map_err(internal)?.is_none() {
        return Err(PageError::NotFound);
    }
    // attest_in wrote the audit entries; a voided approval is kept too.
    let outcome = match attest_in(&mut db, cx, c.tenant_id, c.user_id, id).await? {
        Err(t) => error(back, t),
        Ok(_) => notice(back, T::MonthAttested),
    };
    remember_and_commit(db, c.user_id, key, "month.attest", outcome).await
}

/// The provider attests, in one transaction, every approved month of `month` whose rows the
/// preflight finds no error in (V9, which attestation itself answers, aside).
pub async fn attest_ready(cx: &Cx, month: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(m) = ReportMonth::parse(month) else {
        return Ok(error("/admin".into(), T::NotAllowed));
    };
    let back = page("/admin", Some(m));
    let blocked = super::service::months_with_errors(cx, c, m).await?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let records = db.month_records(c.tenant_id, m, None, None).await.map_err(internal)?;
    let mut attested = 0;
    for r in records.iter().filter(|r| r.status == MonthStatus::Approved) {
        let Some(id) = r.id else { continue };
        if blocked.contains(&(r.assistant_id, r.recipient_id)) {
            continue;
        }
        if attest_in(&mut db, cx, c.tenant_id, c.user_id, id).await?.is_ok() {
            attested += 1;
        }
    }
    let outcome = said(
        back,
        Flash {
            notice: Some(if attested > 0 { T::MonthsAttested } else { T::NothingToAttest }),
            count: Some(attested),
            ..Default::default()
        },
    );
    remember_and_commit(db, c.user_id, key, "month.attest_ready", outcome).await
}

/// Records a reminder to whoever has not acted on a month (the assistant who has not
/// submitted, the recipient who has not approved), for the caller's municipality only.
pub async fn remind(
    cx: &Cx,
    assistant: &str,
    recipient: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(m) = ReportMonth::parse(month) else {
        return Ok(error("/admin".into(), T::NotAllowed));
    };
    let back = page("/admin", Some(m));
    let (Ok(assistant), Ok(recipient)) =
        (assistant.trim().parse::<i64>(), recipient.trim().parse::<i64>())
    else {
        return Err(PageError::NotFound);
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let records = db
        .month_records(c.tenant_id, m, Some(&[recipient]), Some(assistant))
        .await
        .map_err(internal)?;
    let Some(record) = records.first() else {
        return Err(PageError::NotFound);
    };
    let to = if record.status == MonthStatus::Submitted {
        record.recipient_name.clone()
    } else {
        record.assistant_name.clone()
    };
    let after = serde_json::json!({ "month": m.to_string(), "assistant": assistant, "recipient": recipient, "to": to, "status": record.status.code() }).to_string();
    let audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry(
            "reminder",
            format!("month {m} assistant {assistant} recipient {recipient}"),
        )
    };
    // The assistant has not submitted, or the recipient (and their representatives) not approved.
    let owner = if record.status == MonthStatus::Submitted {
        store::AccountOwner::Recipient(recipient)
    } else {
        store::AccountOwner::Assistant(assistant)
    };
    let addresses = db.emails(c.tenant_id, owner).await.map_err(internal)?;
    let outcome = commit(db, c.user_id, key, audit, notice(back, T::Reminded)).await?;
    if let Some(mailer) = &cx.settings.mailer {
        let l = crate::i18n::Locale::Sv;
        let public = cx.settings.public_url.as_deref().unwrap_or_default();
        for to in addresses {
            let body = format!(
                "{} {m}.\n\n{} {}.\n\n{public}/logga-in\n",
                l.t(T::MailRemindBody),
                l.t(T::MailRemindDeadline),
                m.fk_deadline()
            );
            mailer.send(super::service::Mail {
                to,
                subject: l.t(T::MailRemindSubject).into(),
                body,
            });
        }
    }
    Ok(outcome)
}
