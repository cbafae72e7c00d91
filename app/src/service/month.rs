//! A month's life after its rows: submit → withdraw → approve or return (the recipient's
//! signature over the canonical 3059) → attest (one or all ready) → correct after export, and
//! the reminders. Each step is one transaction that moves the month from the status it read
//! (compare and set) and writes its audit entry and history together.

use super::context::{Cx, internal, me, month_views, row_view, today};
use super::tx::{Begun, begin, commit, denied, error, notice, page, remember_and_commit, said};
use crate::domain::clock::{iso, local_time};
use crate::domain::documents::SignerCapacity;
use crate::domain::fk::{Tidsredovisning, Underskrifter, sha256_hex};
use crate::domain::row::content_hash;
use crate::domain::rules::{Finding, RowRecord, check_assistant, check_row};
use crate::domain::text::{self, MAX_TEXT, clean_text};
use crate::domain::{MonthStatus, ReportMonth, TimeRow};
use crate::i18n::T;
use crate::model::review::*;
use crate::model::*;
use chrono::Utc;
use store::{AuditEntry, Caller, MonthRecord, NewSignature, RepoError, Signed, Store, StoredRow};

/// The assistant attests the month for one recipient on honour. `attest` is the checkbox's
/// value: exactly `on` when ticked. `confirmation` is how: the checkbox alone, or an
/// e-legitimation whose nonce binds the rows (`attestation_to_sign`), which is then kept as
/// the month's attestation signature (the rows' canonical text, its SHA-256 and the evidence).
/// A municipality that requires e-legitimation for the attestation refuses the checkbox alone.
pub async fn submit_month(
    cx: &Cx,
    recipient: &str,
    month: &str,
    attest: &str,
    confirmation: Confirmation,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let m = ReportMonth::parse(month);
    let back = page("/assistent", m);
    let (Some(recipient), Some(month)) = (text::id(recipient), m) else {
        return Ok(error(back, T::NotAllowed));
    };
    if attest != "on" {
        return Ok(error(back, T::SubmitNeedsAttest));
    }
    if c.strong_for.attestation && !matches!(confirmation, Confirmation::Eid(_)) {
        return Ok(error(back, T::EidAttestRequired));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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
    // Every published shift of the month is settled first: worked (a row) or not worked.
    if super::schedule::unsettled(&mut db, c.tenant_id, assistant, recipient, month).await? > 0 {
        return Ok(error(format!("{back}#planerat"), T::PlannedUnsettled));
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
    let lines = crate::domain::row::content_lines(rows.iter().map(|r| &r.row));
    let hash = sha256_hex(lines.as_bytes());
    let document = attestation_document(assistant, recipient, month);
    let eid = match confirmation.evidence(&mut db, c, &document, &hash).await? {
        Ok(eid) => eid,
        Err(t) => return Ok(eid_refused(cx, db, format!("month {id}"), back, t).await),
    };
    if let Some(eid) = &eid {
        let at = iso(Utc::now());
        let signature = NewSignature {
            tenant: c.tenant_id,
            what: Signed::Attestation(id),
            user: c.user_id,
            signer_name: &c.display_name,
            capacity: crate::domain::documents::SignerCapacity::Myself,
            at: &at,
            document_id: &document,
            content: lines.as_bytes(),
            sha256: &hash,
            eid: Some(eid),
        };
        match db.add_signature(&signature).await {
            Ok(_) => {}
            // The same month attested twice at once: the transition above let one through.
            Err(RepoError::Conflict(_)) => return Ok(error(back, T::NotAllowed)),
            Err(e) => return Err(internal(e)),
        }
    }
    db.month_event(c.tenant_id, id, c.user_id, "submit", None, &hash, None)
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "status": "submitted", "content_hash": hash, "method": if eid.is_some() { "e-legitimation" } else { "honour" }, "issuer": eid.as_ref().map(|e| &e.issuer) }).to_string();
    let audit =
        AuditEntry { after: Some(after), ..cx.audit_entry("month.submit", format!("month {id}")) };
    commit(db, c.user_id, key, audit, notice(back, T::MonthSubmitted)).await
}

/// A month back with the assistant: their attestation signature, where there is one, no
/// longer stands (kept, voided with why); the next submission signs again.
async fn void_attestation(
    db: &mut Box<dyn Store>,
    tenant: i64,
    id: i64,
    why: &str,
) -> Result<(), PageError> {
    db.void_signature(tenant, Signed::Attestation(id), &iso(Utc::now()), why)
        .await
        .map(|_| ())
        .map_err(internal)
}

/// What the nonce of an assistant's attestation names: the assistant's month for the
/// recipient (its record may not exist before the first submission).
pub fn attestation_document(assistant: i64, recipient: i64, month: ReportMonth) -> String {
    format!("intyg:{assistant}:{recipient}:{month}")
}

/// The assistant's month for `recipient` as it would be attested now, for a signature with
/// e-legitimation: what the nonce names and the SHA-256 of the rows. `None` when it cannot be
/// submitted (not the caller's, not a draft, no rows).
pub async fn attestation_to_sign(
    cx: &Cx,
    recipient: &str,
    month: &str,
) -> Result<Option<(String, String)>, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let (Some(recipient), Some(month)) = (text::id(recipient), ReportMonth::parse(month)) else {
        return Ok(None);
    };
    let mut db = cx.db().await?;
    // Only the caller's own month (looked up by their own assistant id), still a draft.
    let status =
        db.month_status(c.tenant_id, assistant, recipient, month).await.map_err(internal)?;
    if status.is_some_and(|(_, s)| s != MonthStatus::Draft) {
        return Ok(None);
    }
    let rows = db
        .assistant_rows(c.tenant_id, assistant, month.first_day(), month.last_day())
        .await
        .map_err(internal)?;
    let rows: Vec<&StoredRow> = rows.iter().filter(|r| r.recipient_id == recipient).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let hash = content_hash(rows.iter().map(|r| &r.row));
    Ok(Some((attestation_document(assistant, recipient, month), hash)))
}

/// Where an assistant signing their attestation returns.
pub fn attestation_page_of(month: &str) -> String {
    page("/assistent", ReportMonth::parse(month))
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
    let (Some(recipient), Some(month)) = (text::id(recipient), m) else {
        return Ok(error(back, T::NotAllowed));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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
    void_attestation(&mut db, c.tenant_id, id, crate::i18n::Locale::Sv.t(T::WithdrawMonth)).await?;
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
pub(super) async fn attest_in(
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
    let mut doc = match super::month::check_approval(db, cx, tenant, user, &record, month).await? {
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

/// Where staff land: the administrator's month, a work leader's schedules.
fn home_of(c: &Caller) -> &'static str {
    if c.role == Role::WorkLeader { crate::paths::SCHEDULES_PAGE } else { "/admin" }
}

/// Whether the staff member acts for `recipient` (of their municipality, which the caller's
/// lookup of the record already decided): the administrator for all, a work leader for theirs.
fn in_reach(c: &Caller, recipient: i64) -> bool {
    c.role == Role::Admin || c.recipient_ids.contains(&recipient)
}

/// The provider attests one approved month (FK 3059): a signature record with the SHA-256 of
/// the frozen canonical document, whose bytes are stored and exported as they are.
pub async fn attest_month(
    cx: &Cx,
    month_key: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    // The administrator, or a work leader for the recipients given them.
    let c = cx.require(&[Role::Admin, Role::WorkLeader])?;
    let back = page(home_of(c), ReportMonth::parse(month));
    let id = text::id(month_key).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    // Another municipality's month, or another work leader's, answers as an unknown one.
    match db.month_record_by_id(c.tenant_id, id).await.map_err(internal)? {
        Some((r, _)) if in_reach(c, r.recipient_id) => {}
        Some(_) => {
            drop(db);
            denied(cx, format!("month.attest month {id}")).await;
            return Err(PageError::NotFound);
        }
        None => return Err(PageError::NotFound),
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
    let blocked = super::dashboard::months_with_errors(cx, c, m).await?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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
    let c = cx.require(&[Role::Admin, Role::WorkLeader])?;
    let Some(m) = ReportMonth::parse(month) else {
        return Ok(error(home_of(c).into(), T::NotAllowed));
    };
    let back = page(home_of(c), Some(m));
    let (Some(assistant), Some(recipient)) = (text::id(assistant), text::id(recipient)) else {
        return Err(PageError::NotFound);
    };
    if !in_reach(c, recipient) {
        denied(cx, format!("reminder recipient {recipient}")).await;
        return Err(PageError::NotFound);
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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
            mailer.send(super::context::Mail {
                to,
                subject: l.t(T::MailRemindSubject).into(),
                body,
            });
        }
    }
    Ok(outcome)
}

/// How the signer confirmed: the password typed again (checked by the server, which
/// throttles), or a fresh e-legitimation at the municipality's provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Confirmation {
    Confirmed,
    WrongPassword,
    /// Too many wrong passwords: refused without checking.
    Throttled,
    Missing,
    /// The provider's ID token, checked by the server (signature, issuer, audience, nonce,
    /// `auth_time`, `acr`); the service checks what it binds (document and signer).
    Eid(Box<EidConfirmation>),
}

/// A signature's e-legitimation as the server checked it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EidConfirmation {
    pub evidence: crate::domain::documents::EidEvidence,
    /// The nonce the token carried (verified equal to the one sent).
    pub nonce: String,
    pub subject: String,
    /// The personnummer claim, through the one edge check.
    pub personnummer: Option<crate::domain::Personnummer>,
}

impl Confirmation {
    pub(super) fn refusal(&self, c: &Caller) -> Option<T> {
        match self {
            Confirmation::Confirmed if c.strong_for.signing => Some(T::EidSigningRequired),
            Confirmation::Confirmed | Confirmation::Eid(_) => None,
            Confirmation::WrongPassword => Some(T::ConfirmWrong),
            Confirmation::Throttled => Some(T::LoginThrottled),
            Confirmation::Missing => Some(T::ConfirmMissing),
        }
    }

    /// The evidence to keep with the signature, once the token is shown to bind this document
    /// (`document`, `sha256`) and this signer: the nonce recomputed from them, and the
    /// personnummer claim equal to the signer's own (or, for staff without one in the
    /// register, the provider's subject linked to the signer's account). `Err` is the refusal.
    pub(super) async fn evidence(
        &self,
        db: &mut Box<dyn Store>,
        c: &Caller,
        document: &str,
        sha256: &str,
    ) -> Result<Result<Option<crate::domain::documents::EidEvidence>, T>, PageError> {
        let Confirmation::Eid(e) = self else { return Ok(Ok(None)) };
        let ev = &e.evidence;
        if ev.document != document
            || crate::domain::documents::EidEvidence::nonce(
                document,
                sha256,
                c.user_id,
                &ev.nonce_salt,
            ) != e.nonce
        {
            return Ok(Err(T::EidDocumentChanged));
        }
        let own = db.own_personnummer(c.tenant_id, c.user_id).await.map_err(internal)?;
        let same = match (own, &e.personnummer) {
            (Some(own), Some(asserted)) => own == asserted.full(),
            (Some(_), None) => false,
            (None, _) => {
                db.linked_user(c.tenant_id, &ev.issuer, &e.subject).await.map_err(internal)?
                    == Some(c.user_id)
            }
        };
        if !same {
            return Ok(Err(T::EidWrongPerson));
        }
        Ok(Ok(Some(ev.clone())))
    }
}

/// A signature whose e-legitimation does not bind this document and signer: nothing is
/// written but the refusal's audit entry (after the change's transaction is let go).
pub(super) async fn eid_refused(
    cx: &Cx,
    db: Box<dyn Store>,
    subject: String,
    back: String,
    t: T,
) -> Outcome {
    drop(db);
    let entry = AuditEntry {
        after: serde_json::to_string(&serde_json::json!({ "refused": t })).ok(),
        ..cx.audit_entry("signature.eid.refused", subject)
    };
    if let Err(e) = super::context::record(&*cx.repo, entry).await {
        tracing::error!(error = %e, "could not record a refused signature");
    }
    error(back, t)
}

/// What the nonce of an approval names.
pub fn approval_document(document_id: &str) -> String {
    format!("3059:{document_id}")
}

/// The 3059's id for a submission of a month: derived from the municipality, the month report
/// and the submission, so the page, the approval and the attestation name the same document
/// and a new submission is a new document.
pub(super) fn document_id(tenant: i64, month_id: i64, submitted_at: &str) -> String {
    let h = sha256_hex(format!("bita-3059:{tenant}:{month_id}:{submitted_at}").as_bytes());
    format!("{}-{}-5{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// An assistant's month as the recipient approves it: the canonical 3059 and the rows.
pub(super) struct MonthDocument {
    pub report: Tidsredovisning,
    pub sha256: String,
    pub bytes: Vec<u8>,
    /// The pair's rows with a date in the month.
    pub rows: Vec<StoredRow>,
}

/// Builds the 3059 the recipient approves (no provider signature yet). None when a person is
/// missing from the register.
pub(super) async fn month_document(
    db: &mut Box<dyn Store>,
    tenant: i64,
    record: &MonthRecord,
    month: ReportMonth,
) -> Result<Option<MonthDocument>, PageError> {
    let Some(id) = record.id else { return Ok(None) };
    let submitted = db
        .last_event(tenant, id, "submit")
        .await
        .map_err(internal)?
        .map(|(at, _)| at)
        .unwrap_or_default();
    let all = db
        .assistant_rows(
            tenant,
            record.assistant_id,
            month.first_day() - chrono::Duration::days(1),
            month.last_day(),
        )
        .await
        .map_err(internal)?;
    let pair: Vec<StoredRow> =
        all.into_iter().filter(|r| r.recipient_id == record.recipient_id).collect();
    let people = db
        .people_of(tenant, Some(record.assistant_id), Some(record.recipient_id))
        .await
        .map_err(internal)?;
    let (Some(assistant), Some(recipient), Some(provider)) = (
        people.assistants.get(&record.assistant_id),
        people.recipients.get(&record.recipient_id),
        db.provider(tenant).await.map_err(internal)?,
    ) else {
        return Ok(None);
    };
    let refs: Vec<&TimeRow> = pair.iter().map(|r| &r.row).collect();
    let mut report = Tidsredovisning::build(
        &document_id(tenant, id, &submitted),
        month,
        recipient,
        assistant,
        &provider,
        &refs,
    )
    .map_err(internal)?;
    report.underskrifter = Underskrifter {
        assistent_datum: chrono::NaiveDate::parse_from_str(
            submitted.get(..10).unwrap_or(""),
            "%Y-%m-%d",
        )
        .ok(),
        assistent_telefon: crate::domain::fk::elt::phone(&assistant.phone),
        ..Default::default()
    };
    // A register text XML cannot hold (stored before the edge check refused it) is logged and
    // refused here: an ill-formed document is never shown for signing or signed.
    let bytes = report.to_xml().map_err(internal)?;
    let rows = pair.into_iter().filter(|r| month.contains(r.row.date())).collect();
    Ok(Some(MonthDocument { sha256: sha256_hex(&bytes), bytes, report, rows }))
}

/// In which capacity the caller signs for `recipient`.
pub(super) async fn capacity(
    db: &mut Box<dyn Store>,
    c: &Caller,
    recipient: i64,
) -> Result<SignerCapacity, PageError> {
    Ok(match c.role {
        Role::Representative => SignerCapacity::Representative(
            db.capacity_of(c.tenant_id, c.user_id, recipient)
                .await
                .map_err(internal)?
                .ok_or(PageError::NotFound)?,
        ),
        _ => SignerCapacity::Myself,
    })
}

/// A month report of someone the caller acts for; anything else answers as unknown (404).
pub(super) async fn own_month(
    db: &mut Box<dyn Store>,
    c: &Caller,
    key: &str,
) -> Result<Option<(MonthRecord, ReportMonth)>, PageError> {
    let Some(id) = text::id(key) else { return Ok(None) };
    Ok(db
        .month_record_by_id(c.tenant_id, id)
        .await
        .map_err(internal)?
        .filter(|(r, _)| c.recipient_ids.contains(&r.recipient_id)))
}

pub(super) fn review_path(key: i64) -> String {
    format!("/brukare/granska?key={key}")
}

pub async fn review_page(cx: &Cx, key: &str) -> Result<ReviewPage, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let mut db = cx.db().await?;
    let Some((record, month)) = own_month(&mut db, c, key).await? else {
        drop(db);
        denied(cx, format!("month.view month {}", key.chars().take(20).collect::<String>())).await;
        return Err(PageError::NotFound);
    };
    let id = record.id.ok_or(PageError::NotFound)?;
    let doc =
        month_document(&mut db, c.tenant_id, &record, month).await?.ok_or(PageError::NotFound)?;
    let findings = pair_findings(&mut db, c.tenant_id, &record, month, &doc.rows).await?;
    let history = db.month_history(c.tenant_id, id).await.map_err(internal)?;
    // What changed since the version the recipient returned, once it was submitted again.
    let last_return = history.iter().rev().find(|e| e.snapshot.is_some());
    let resubmitted =
        last_return.is_some_and(|r| history.iter().any(|e| e.action == "submit" && e.at > r.at));
    let changes = last_return
        .filter(|_| resubmitted)
        .and_then(|r| r.snapshot.as_deref())
        .and_then(|s| serde_json::from_str::<Vec<SnapshotRow>>(s).ok())
        .map(|old| {
            let now: Vec<RowView> = doc.rows.iter().map(row_view).collect();
            diff(&old.into_iter().map(|s| s.row).collect::<Vec<_>>(), &now)
        });
    let signatures: Vec<_> = db
        .signatures(c.tenant_id, Signed::Month(id))
        .await
        .map_err(internal)?
        .into_iter()
        .map(super::views::signature)
        .collect();
    let capacity = capacity(&mut db, c, record.recipient_id).await?;
    let person = Person { id: record.recipient_id, name: record.recipient_name.clone() };
    let view = month_views(vec![record], &doc.rows).pop().ok_or(PageError::Internal)?;
    let signing = super::identity::signing_ways(&mut db, c).await?;
    Ok(ReviewPage {
        signing,
        me: me(cx, c),
        person,
        month,
        view,
        document_hash: doc.sha256,
        findings,
        changes,
        signatures,
        history: history.iter().map(history_line).collect(),
        capacity,
        flash: cx.take_flash().await,
        form_key: random_token(),
    })
}

pub(super) fn history_line(e: &store::MonthEvent) -> HistoryLine {
    let what = match e.action.as_str() {
        "submit" => T::EventSubmit,
        "approve" => T::EventApprove,
        "reject" => T::EventReject,
        "return" => T::EventReturn,
        "void" => T::EventVoid,
        "attest" => T::EventAttest,
        "withdraw" => T::EventWithdraw,
        "correct" => T::EventCorrect,
        "export" => T::EventExport,
        _ => T::EventOther,
    };
    HistoryLine { at: local_time(&e.at), who: e.user_name.clone(), what, reason: e.reason.clone() }
}

/// The rules engine's findings on the pair's rows in the month: each row's own checks and the
/// assistant's working-time limits that involve them.
pub(super) async fn pair_findings(
    db: &mut Box<dyn Store>,
    tenant: i64,
    record: &MonthRecord,
    month: ReportMonth,
    rows: &[StoredRow],
) -> Result<Vec<Finding>, PageError> {
    let Some(facts) = db
        .row_facts(tenant, record.assistant_id, Some(record.recipient_id))
        .await
        .map_err(internal)?
        .into_iter()
        .next()
    else {
        return Ok(vec![]);
    };
    let config = db.terms(tenant).await.map_err(internal)?.rules;
    let week = chrono::Duration::days(8);
    let around = db
        .assistant_rows(
            tenant,
            record.assistant_id,
            month.first_day() - week,
            month.last_day() + week,
        )
        .await
        .map_err(internal)?;
    let records: Vec<RowRecord> = around.into_iter().map(StoredRow::into_record).collect();
    let ours: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut out: Vec<Finding> = vec![];
    for r in records.iter().filter(|r| ours.contains(&r.id)) {
        out.extend(check_row(r, month, &facts, &config));
    }
    let refs: Vec<&RowRecord> = records.iter().collect();
    out.extend(
        check_assistant(facts.regime, &refs, &config)
            .into_iter()
            .filter(|f| f.rows.iter().any(|id| ours.contains(id))),
    );
    out.dedup();
    Ok(out)
}

/// Rows added, removed and changed between two versions of a month. A row kept its id when it
/// was edited; a row removed and another added on the same day count as one change.
pub fn diff(old: &[RowView], new: &[RowView]) -> Vec<RowChange> {
    let same = |a: &RowView, b: &RowView| {
        (&a.date, &a.start, &a.end, a.next_day, a.kind)
            == (&b.date, &b.start, &b.end, b.next_day, b.kind)
    };
    let mut out = vec![];
    let mut removed: Vec<&RowView> = vec![];
    for o in old {
        match new.iter().find(|n| n.id == o.id) {
            Some(n) if same(o, n) => {}
            Some(n) => out.push(RowChange::Changed { before: o.clone(), after: n.clone() }),
            None => removed.push(o),
        }
    }
    let mut added: Vec<&RowView> =
        new.iter().filter(|n| !old.iter().any(|o| o.id == n.id)).collect();
    for r in removed {
        match added.iter().position(|a| a.date == r.date) {
            Some(i) => {
                out.push(RowChange::Changed { before: r.clone(), after: added.remove(i).clone() })
            }
            None => out.push(RowChange::Removed(r.clone())),
        }
    }
    out.extend(added.into_iter().map(|a| RowChange::Added(a.clone())));
    let day = |c: &RowChange| match c {
        RowChange::Added(r) | RowChange::Removed(r) => r.date.clone(),
        RowChange::Changed { after, .. } => after.date.clone(),
    };
    out.sort_by_key(day);
    out
}

/// What a decision form posts.
#[derive(Clone, Debug, Default)]
pub struct DecisionForm<'a> {
    pub key: &'a str,
    pub decision: &'a str,
    pub reason: &'a str,
    pub hash: &'a str,
    /// Row ids the recipient marked (rejection).
    pub marked: Vec<i64>,
}

/// The recipient (or representative) approves a submitted month (a signature record over the
/// canonical 3059 the page showed, after the password was typed again), or returns it to the
/// assistant with a reason and marked rows.
pub async fn decide_month(
    cx: &Cx,
    f: &DecisionForm<'_>,
    confirmation: Confirmation,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let approve = match f.decision {
        "approve" => true,
        "reject" => false,
        _ => return Ok(error("/brukare".into(), T::NotAllowed)),
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some((record, month)) = own_month(&mut db, c, f.key).await? else {
        tracing::warn!(user = c.user_id, "attempt to decide a month the caller does not act for");
        drop(db);
        denied(
            cx,
            format!("month.{} month {}", f.decision, f.key.chars().take(20).collect::<String>()),
        )
        .await;
        return Err(PageError::NotFound);
    };
    let id = record.id.ok_or(PageError::NotFound)?;
    let back = review_path(id);
    let keep_typed = |t: T| {
        said(
            back.clone(),
            Flash {
                error: Some(t),
                typed: (!approve)
                    .then(|| Typed::Reject(id, f.reason.chars().take(MAX_TEXT * 2).collect())),
                ..Default::default()
            },
        )
    };
    if record.status != MonthStatus::Submitted {
        return Ok(error(
            back,
            if record.status == MonthStatus::Approved {
                T::AlreadyApproved
            } else {
                T::NotSubmitted
            },
        ));
    }
    let Some(doc) = month_document(&mut db, c.tenant_id, &record, month).await? else {
        return Err(PageError::Internal);
    };
    if approve {
        if let Some(t) = confirmation.refusal(c) {
            return Ok(error(back, t));
        }
        if f.hash.trim() != doc.sha256 {
            return Ok(error(back, T::MonthChanged));
        }
        let eid = match confirmation
            .evidence(&mut db, c, &approval_document(&doc.report.id), &doc.sha256)
            .await?
        {
            Ok(eid) => eid,
            Err(t) => return Ok(eid_refused(cx, db, format!("month {id}"), back, t).await),
        };
        let capacity = capacity(&mut db, c, record.recipient_id).await?;
        let at = iso(Utc::now());
        let signature = NewSignature {
            tenant: c.tenant_id,
            what: Signed::Month(id),
            user: c.user_id,
            signer_name: &c.display_name,
            capacity,
            at: &at,
            document_id: &doc.report.id,
            content: &doc.bytes,
            sha256: &doc.sha256,
            eid: eid.as_ref(),
        };
        match db.add_signature(&signature).await {
            Ok(_) => {}
            // Someone else approved it in the same instant: one signature record, never two.
            Err(RepoError::Conflict(_)) => return Ok(error(back, T::AlreadyApproved)),
            Err(e) => return Err(internal(e)),
        }
        if !db
            .transition(
                c.tenant_id,
                id,
                MonthStatus::Submitted,
                MonthStatus::Approved,
                c.user_id,
                None,
            )
            .await
            .map_err(internal)?
        {
            return Ok(error(back, T::AlreadyApproved));
        }
        db.month_event(c.tenant_id, id, c.user_id, "approve", None, &doc.sha256, None)
            .await
            .map_err(internal)?;
        let after = serde_json::json!({ "status": "approved", "document_id": doc.report.id, "sha256": doc.sha256, "capacity": capacity.code(), "signer": c.display_name, "method": if eid.is_some() { "e-legitimation" } else { "password" }, "issuer": eid.as_ref().map(|e| &e.issuer) }).to_string();
        let audit = AuditEntry {
            after: Some(after),
            ..cx.audit_entry("month.approve", format!("month {id}"))
        };
        return commit(db, c.user_id, key, audit, notice(back, T::MonthApproved)).await;
    }
    let reason = match clean_text(f.reason, MAX_TEXT) {
        Ok(r) if r.is_empty() => return Ok(keep_typed(T::RejectNeedsReason)),
        Ok(r) => r,
        Err(e) => return Ok(keep_typed(e.into())),
    };
    let snapshot: Vec<SnapshotRow> = doc
        .rows
        .iter()
        .map(|r| SnapshotRow { row: row_view(r), marked: f.marked.contains(&r.id) })
        .collect();
    let marked: Vec<i64> = snapshot.iter().filter(|s| s.marked).map(|s| s.row.id).collect();
    let snapshot = serde_json::to_string(&snapshot).map_err(internal)?;
    if !db
        .transition(
            c.tenant_id,
            id,
            MonthStatus::Submitted,
            MonthStatus::Draft,
            c.user_id,
            Some(&reason),
        )
        .await
        .map_err(internal)?
    {
        return Ok(error(back, T::NotSubmitted));
    }
    void_attestation(&mut db, c.tenant_id, id, &reason).await?;
    db.month_event(
        c.tenant_id,
        id,
        c.user_id,
        "reject",
        Some(&reason),
        &doc.sha256,
        Some(&snapshot),
    )
    .await
    .map_err(internal)?;
    let after = serde_json::json!({ "status": "draft", "reason": reason, "marked_rows": marked, "sha256": doc.sha256 }).to_string();
    let audit =
        AuditEntry { after: Some(after), ..cx.audit_entry("month.reject", format!("month {id}")) };
    commit(db, c.user_id, key, audit, notice(back, T::MonthRejected)).await
}

/// The recipient returns a month they approved, with a reason, until the provider has attested
/// it: the approval is voided (kept, visibly) and the month goes back to the assistant.
pub async fn return_month(
    cx: &Cx,
    month_key: &str,
    reason: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some((record, month)) = own_month(&mut db, c, month_key).await? else {
        drop(db);
        denied(
            cx,
            format!("month.return month {}", month_key.chars().take(20).collect::<String>()),
        )
        .await;
        return Err(PageError::NotFound);
    };
    let id = record.id.ok_or(PageError::NotFound)?;
    let back = review_path(id);
    let keep_typed = |t: T| {
        said(
            back.clone(),
            Flash {
                error: Some(t),
                typed: Some(Typed::Reject(id, reason.chars().take(MAX_TEXT * 2).collect())),
                ..Default::default()
            },
        )
    };
    let reason = match clean_text(reason, MAX_TEXT) {
        Ok(r) if r.is_empty() => return Ok(keep_typed(T::RejectNeedsReason)),
        Ok(r) => r,
        Err(e) => return Ok(keep_typed(e.into())),
    };
    if record.status != MonthStatus::Approved {
        return Ok(error(
            back,
            if matches!(record.status, MonthStatus::Attested | MonthStatus::Exported) {
                T::ReturnTooLate
            } else {
                T::NotAllowed
            },
        ));
    }
    let doc =
        month_document(&mut db, c.tenant_id, &record, month).await?.ok_or(PageError::Internal)?;
    let snapshot: Vec<SnapshotRow> =
        doc.rows.iter().map(|r| SnapshotRow { row: row_view(r), marked: false }).collect();
    let snapshot = serde_json::to_string(&snapshot).map_err(internal)?;
    db.void_signature(c.tenant_id, Signed::Month(id), &iso(Utc::now()), &reason)
        .await
        .map_err(internal)?;
    if !db
        .transition(
            c.tenant_id,
            id,
            MonthStatus::Approved,
            MonthStatus::Draft,
            c.user_id,
            Some(&reason),
        )
        .await
        .map_err(internal)?
    {
        return Ok(error(back, T::ReturnTooLate));
    }
    void_attestation(&mut db, c.tenant_id, id, &reason).await?;
    db.month_event(
        c.tenant_id,
        id,
        c.user_id,
        "return",
        Some(&reason),
        &doc.sha256,
        Some(&snapshot),
    )
    .await
    .map_err(internal)?;
    let after =
        serde_json::json!({ "status": "draft", "reason": reason, "approval": "void" }).to_string();
    let audit =
        AuditEntry { after: Some(after), ..cx.audit_entry("month.return", format!("month {id}")) };
    commit(db, c.user_id, key, audit, notice(back, T::MonthReturned)).await
}

/// Inside an attestation: is the month still the document the recipient approved? If not, the
/// approval is voided (visibly, with why) and the month needs approval again.
pub(super) async fn check_approval(
    db: &mut Box<dyn Store>,
    cx: &Cx,
    tenant: i64,
    user: i64,
    record: &MonthRecord,
    month: ReportMonth,
) -> Result<Result<MonthDocument, T>, PageError> {
    let id = record.id.ok_or(PageError::Internal)?;
    let Some(doc) = month_document(db, tenant, record, month).await? else {
        return Ok(Err(T::AttestPeopleMissing));
    };
    let standing = db.standing_signature(tenant, Signed::Month(id)).await.map_err(internal)?;
    if standing.as_ref().map(|(sha, _)| sha.as_str()) == Some(doc.sha256.as_str()) {
        return Ok(Ok(doc));
    }
    let why = crate::i18n::Locale::Sv.t(T::VoidContentChanged);
    db.void_signature(tenant, Signed::Month(id), &iso(Utc::now()), why).await.map_err(internal)?;
    db.transition(tenant, id, MonthStatus::Approved, MonthStatus::Submitted, user, None)
        .await
        .map_err(internal)?;
    db.month_event(tenant, id, user, "void", Some(why), &doc.sha256, None)
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "status": "submitted", "approved": standing.map(|(sha, _)| sha), "current": doc.sha256 }).to_string();
    db.audit(&AuditEntry {
        after: Some(after),
        ..cx.audit_entry("signature.void", format!("month {id}"))
    })
    .await
    .map_err(internal)?;
    Ok(Err(T::AttestContentChanged))
}

/// A correction of an attested or exported month: an explicit administrator action with a
/// reason. The month goes back to the assistant as a draft with the reason; the recipient's
/// approval and the räkning's signature are voided (every signature is needed again); the
/// re-attested report becomes a new version with its own id, and the next export marks it as
/// a correction of the version it replaces. Old versions and old archives stay as they are.
pub async fn correct_month(
    cx: &Cx,
    month_key: &str,
    reason: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = text::id(month_key).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some((record, month)) = db.month_record_by_id(c.tenant_id, id).await.map_err(internal)?
    else {
        drop(db);
        super::tx::denied(cx, format!("month.correct month {id}")).await;
        return Err(PageError::NotFound);
    };
    let back = format!(
        "{}#par-{}-{}",
        page("/admin", Some(month)),
        record.assistant_id,
        record.recipient_id
    );
    let reason = match crate::domain::text::clean_text(reason, crate::domain::text::MAX_TEXT) {
        Ok(r) if r.is_empty() => return Ok(error(back, T::CorrectionNeedsReason)),
        Ok(r) => r,
        Err(e) => return Ok(error(back, e.into())),
    };
    let from = record.status;
    if !matches!(from, MonthStatus::Attested | MonthStatus::Exported) {
        return Ok(error(back, T::CorrectionNotAttested));
    }
    let why = format!("{}: {reason}", crate::i18n::Locale::Sv.t(T::CorrectionTitle));
    let now = crate::domain::clock::iso(chrono::Utc::now());
    db.void_signature(c.tenant_id, Signed::Month(id), &now, &why).await.map_err(internal)?;
    if let Some(claim) =
        db.claim(c.tenant_id, record.recipient_id, &month.to_string()).await.map_err(internal)?
    {
        db.void_signature(c.tenant_id, Signed::Claim(claim.id), &now, &why)
            .await
            .map_err(internal)?;
    }
    if !db
        .transition(c.tenant_id, id, from, MonthStatus::Draft, c.user_id, Some(&reason))
        .await
        .map_err(internal)?
    {
        return Ok(error(back, T::CorrectionNotAttested));
    }
    void_attestation(&mut db, c.tenant_id, id, &why).await?;
    let frozen = db.frozen(c.tenant_id, id).await.map_err(internal)?;
    let sha = frozen.as_ref().map(|f| f.sha256.clone()).unwrap_or_default();
    db.month_event(c.tenant_id, id, c.user_id, "correct", Some(&reason), &sha, None)
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "status": "draft", "was": from.code(), "reason": reason, "replaces": frozen.map(|f| f.id) }).to_string();
    let audit =
        AuditEntry { after: Some(after), ..cx.audit_entry("month.correct", format!("month {id}")) };
    super::tx::commit(db, c.user_id, key, audit, notice(back, T::CorrectionStarted)).await
}

/// What an approval with e-legitimation binds, before the signer is sent to the provider: the
/// nonce's document and the 3059's SHA-256 as they stand now, when the caller may approve the
/// month (it is theirs and submitted). The approval checks them again when the signer returns.
pub async fn approval_to_sign(cx: &Cx, key: &str) -> Result<Option<(String, String)>, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let mut db = cx.db().await?;
    let Some((record, month)) = own_month(&mut db, c, key).await? else {
        return Err(PageError::NotFound);
    };
    if record.status != MonthStatus::Submitted {
        return Ok(None);
    }
    Ok(month_document(&mut db, c.tenant_id, &record, month)
        .await?
        .map(|doc| (approval_document(&doc.report.id), doc.sha256)))
}

/// The review page of a month's key as posted (digits only).
pub fn review_page_of(key: &str) -> String {
    text::id(key).map(review_path).unwrap_or_else(|| "/brukare".into())
}
