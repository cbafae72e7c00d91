//! The recipient signs (issue 9): the start page, the review of an assistant's month, approval
//! as a signature record over the canonical 3059, rejection with marked rows, returning an
//! approved month, the räkning (3057) and its signature, and the audit log page.
//!
//! What is approved is the 3059 as it will be attested: its canonical bytes with the month's
//! document id and the assistant's submission date, without the provider's signature. The page
//! shows its hash; the approval is refused when the hash is no longer the current one; the
//! signature record keeps the bytes and the hash; attestation rebuilds the document and
//! attests only if it is still the approved one, and otherwise voids the approval, visibly.

use super::review::*;
use super::service::{Cx, internal, me, month_views, random_token, row_view};
use super::tx::{begin, commit, denied, error, notice, said};
use super::*;
use crate::domain::TimeRow;
use crate::domain::clock::{iso, local_time};
use crate::domain::documents::SignerCapacity;
use crate::domain::fk::{Tidsredovisning, Underskrifter, sha256_hex};
use crate::domain::rules::{Finding, RowRecord, check_assistant, check_row};
use crate::domain::text::{MAX_TEXT, clean_text};
use chrono::Utc;
use store::{AuditEntry, Caller, MonthRecord, NewSignature, RepoError, Signed, Store, StoredRow};

/// The caller's answer to "type your password again" (checked by the server, which throttles).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirmation {
    Confirmed,
    WrongPassword,
    /// Too many wrong passwords: refused without checking.
    Throttled,
    Missing,
}

impl Confirmation {
    fn refusal(self) -> Option<T> {
        match self {
            Confirmation::Confirmed => None,
            Confirmation::WrongPassword => Some(T::ConfirmWrong),
            Confirmation::Throttled => Some(T::LoginThrottled),
            Confirmation::Missing => Some(T::ConfirmMissing),
        }
    }
}

/// The 3059's id for a submission of a month: derived from the municipality, the month report
/// and the submission, so the page, the approval and the attestation name the same document
/// and a new submission is a new document.
fn document_id(tenant: i64, month_id: i64, submitted_at: &str) -> String {
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
async fn capacity(
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
async fn own_month(
    db: &mut Box<dyn Store>,
    c: &Caller,
    key: &str,
) -> Result<Option<(MonthRecord, ReportMonth)>, PageError> {
    let Ok(id) = key.trim().parse::<i64>() else { return Ok(None) };
    Ok(db
        .month_record_by_id(c.tenant_id, id)
        .await
        .map_err(internal)?
        .filter(|(r, _)| c.recipient_ids.contains(&r.recipient_id)))
}

fn review_path(key: i64) -> String {
    format!("/brukare/granska?key={key}")
}

// ------------------------------------------------------------------ start page

pub async fn start_page(cx: &Cx, person: Option<&str>) -> Result<StartPage, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let mut db = cx.db().await?;
    let people: Vec<Person> = db
        .recipient_names(c.tenant_id, &c.recipient_ids)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(id, name)| Person { id, name })
        .collect();
    let chosen = match person.map(str::trim).filter(|s| !s.is_empty()) {
        None => people.first().cloned(),
        Some(s) => Some(
            s.parse::<i64>()
                .ok()
                .and_then(|id| people.iter().find(|p| p.id == id).cloned())
                .ok_or(PageError::NotFound)?,
        ),
    };
    let Some(person) = chosen else {
        return Ok(StartPage {
            me: me(cx, c),
            person: Person { id: 0, name: String::new() },
            people,
            months: vec![],
            flash: cx.take_flash().await,
        });
    };
    let now = super::service::this_month();
    let mut months: Vec<ReportMonth> = vec![now, now.previous()];
    let from = (0..6).fold(now, |m, _| m.previous());
    for m in db
        .months_with_reports(c.tenant_id, &[person.id], &from.to_string())
        .await
        .map_err(internal)?
    {
        if let Some(m) = ReportMonth::parse(&m) {
            months.push(m);
        }
    }
    months.sort();
    months.dedup();
    let mut out = vec![];
    for m in months.into_iter().rev() {
        let records =
            db.month_records(c.tenant_id, m, Some(&[person.id]), None).await.map_err(internal)?;
        let rows = db.month_rows(c.tenant_id, m, Some(&[person.id])).await.map_err(internal)?;
        let views = month_views(records, &rows);
        let lines: Vec<StartLine> = views
            .into_iter()
            .filter(|v| v.row_count > 0 || v.status != MonthStatus::Draft)
            .map(|v| StartLine {
                key: v.key,
                assistant: v.assistant.name,
                status: v.status,
                row_count: v.row_count,
                needs_action: v.status == MonthStatus::Submitted,
            })
            .collect();
        let claim = claim_state(&mut db, c.tenant_id, person.id, m, &lines).await?;
        if lines.is_empty() && m != now {
            continue;
        }
        out.push(StartMonth {
            month: m,
            needs_action: lines.iter().any(|l| l.needs_action) || claim == ClaimState::ReadyToSign,
            assistants: lines,
            claim,
        });
    }
    // Months needing action first, then the newest.
    out.sort_by(|a, b| b.needs_action.cmp(&a.needs_action).then(b.month.cmp(&a.month)));
    Ok(StartPage { me: me(cx, c), person, people, months: out, flash: cx.take_flash().await })
}

async fn claim_state(
    db: &mut Box<dyn Store>,
    tenant: i64,
    recipient: i64,
    month: ReportMonth,
    lines: &[StartLine],
) -> Result<ClaimState, PageError> {
    if lines.is_empty()
        || lines.iter().any(|l| !matches!(l.status, MonthStatus::Attested | MonthStatus::Exported))
    {
        return Ok(ClaimState::NotReady);
    }
    let signed = match db.claim(tenant, recipient, &month.to_string()).await.map_err(internal)? {
        Some(claim) => db
            .standing_signature(tenant, Signed::Claim(claim.id))
            .await
            .map_err(internal)?
            .is_some(),
        None => false,
    };
    Ok(if signed { ClaimState::Signed } else { ClaimState::ReadyToSign })
}

// ------------------------------------------------------------------ review

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
    Ok(ReviewPage {
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
async fn pair_findings(
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
    let records: Vec<RowRecord> = around
        .into_iter()
        .map(|s| RowRecord {
            id: s.id,
            assistant: s.assistant_id,
            recipient: s.recipient_id,
            row: s.row,
        })
        .collect();
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

// ------------------------------------------------------------------ approve, reject, return

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
        Ok(db) => db,
        Err(first) => return Ok(first),
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
                reject_form: (!approve)
                    .then(|| (id, f.reason.chars().take(MAX_TEXT * 2).collect())),
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
        if let Some(t) = confirmation.refusal() {
            return Ok(error(back, t));
        }
        if f.hash.trim() != doc.sha256 {
            return Ok(error(back, T::MonthChanged));
        }
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
        let after = serde_json::json!({ "status": "approved", "document_id": doc.report.id, "sha256": doc.sha256, "capacity": capacity.code(), "signer": c.display_name }).to_string();
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
        Ok(db) => db,
        Err(first) => return Ok(first),
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
                reject_form: Some((id, reason.chars().take(MAX_TEXT * 2).collect())),
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

// ------------------------------------------------------------------ the räkning

/// Everything the räkning needs: the recipient, the month's records, and the content when
/// every assistant's month is attested.
struct ClaimContent {
    person: Person,
    /// More hospital stays in the month than the form has room for.
    too_many_stays: bool,
    waiting: Vec<String>,
    content: Option<crate::domain::fk::Rakning>,
    claim_id: Option<i64>,
    personnummer: crate::domain::Personnummer,
}

/// The räkning as it stands: summed from the frozen 3059s, with the register's hospital stays,
/// the stored answers and, with a raised hourly amount, the cost table.
async fn claim_content(
    db: &mut Box<dyn Store>,
    tenant: i64,
    recipient: i64,
    month: ReportMonth,
    signer: Option<(SignerCapacity, &str)>,
) -> Result<Option<ClaimContent>, PageError> {
    use crate::domain::fk::{Foretradare, FrozenParts, Rakning};
    use crate::domain::rules::AbsenceKind;
    let people = db.people_of(tenant, None, Some(recipient)).await.map_err(internal)?;
    let Some(r) = people.recipients.get(&recipient) else { return Ok(None) };
    let person = Person { id: recipient, name: format!("{} {}", r.first_name, r.last_name) };
    let records =
        db.month_records(tenant, month, Some(&[recipient]), None).await.map_err(internal)?;
    let rows = db.month_rows(tenant, month, Some(&[recipient])).await.map_err(internal)?;
    let views = month_views(records, &rows);
    let relevant: Vec<&MonthView> =
        views.iter().filter(|v| v.row_count > 0 || v.status != MonthStatus::Draft).collect();
    let waiting: Vec<String> = relevant
        .iter()
        .filter(|v| !matches!(v.status, MonthStatus::Attested | MonthStatus::Exported))
        .map(|v| v.assistant.name.clone())
        .collect();
    let claim = db.claim(tenant, recipient, &month.to_string()).await.map_err(internal)?;
    let personnummer = r.personnummer.clone();
    if !waiting.is_empty() || relevant.is_empty() {
        return Ok(Some(ClaimContent {
            person,
            too_many_stays: false,
            waiting,
            content: None,
            claim_id: claim.map(|c| c.id),
            personnummer,
        }));
    }
    let frozen = db.frozen_parts(tenant, recipient, &month.to_string()).await.map_err(internal)?;
    let mut parsed: Vec<(String, Vec<crate::domain::row::DayPart>)> = vec![];
    for f in &frozen {
        let of =
            db.people_of(tenant, Some(f.assistant_id), Some(recipient)).await.map_err(internal)?;
        let pnr = of
            .assistants
            .get(&f.assistant_id)
            .map(|a| a.personnummer.full().to_string())
            .unwrap_or_default();
        parsed.push((
            pnr,
            f.parts.as_deref().and_then(|p| serde_json::from_str(p).ok()).unwrap_or_default(),
        ));
    }
    let reports: Vec<FrozenParts> =
        parsed.iter().map(|(p, parts)| FrozenParts { assistant_personnummer: p, parts }).collect();
    let raised = people.decisions.iter().any(|d| {
        d.recipient == recipient
            && d.raised_rate.is_some()
            && d.valid_from <= month.last_day()
            && d.valid_to >= month.first_day()
    });
    let mut stays: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = people
        .absences
        .iter()
        .filter(|a| {
            a.recipient == recipient
                && a.kind == AbsenceKind::Hospital
                && a.from <= month.last_day()
                && a.to >= month.first_day()
        })
        .map(|a| (a.from, a.to))
        .collect();
    stays.sort();
    let provider = db.provider(tenant).await.map_err(internal)?.ok_or(PageError::Internal)?;
    let mut rakning = Rakning::build(month, r, &provider, &reports, raised, &stays);
    if let Some(c) = &claim {
        if let Ok(a) = serde_json::from_str(&c.answers) {
            rakning.verksamhet = a;
        }
        if raised {
            rakning.kostnader = Some(
                c.costs.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default(),
            );
        }
    }
    if let Some((SignerCapacity::Representative(capacity), name)) = signer {
        rakning.foretradare = Some(Foretradare { capacity, name: name.to_string() });
    }
    Ok(Some(ClaimContent {
        person,
        too_many_stays: stays.len() > 3,
        waiting,
        content: Some(rakning),
        claim_id: claim.map(|c| c.id),
        personnummer,
    }))
}

/// Who may see a recipient's räkning: the recipient, their representatives, the provider.
fn claim_recipient(c: &Caller, person: &str) -> Result<i64, PageError> {
    let id = person.trim().parse::<i64>().map_err(|_| PageError::NotFound)?;
    match c.role {
        Role::Admin => Ok(id),
        _ if c.recipient_ids.contains(&id) => Ok(id),
        _ => Err(PageError::NotFound),
    }
}

pub async fn claim_page(cx: &Cx, person: &str, month: &str) -> Result<ClaimPage, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative, Role::Admin])?;
    let recipient = claim_recipient(c, person)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let mut db = cx.db().await?;
    let capacity = match c.role {
        Role::Admin => None,
        _ => Some(capacity(&mut db, c, recipient).await?),
    };
    let content = claim_content(
        &mut db,
        c.tenant_id,
        recipient,
        month,
        capacity.map(|k| (k, c.display_name.as_str())),
    )
    .await?
    .ok_or(PageError::NotFound)?;
    let signatures = match content.claim_id {
        Some(id) => db
            .signatures(c.tenant_id, Signed::Claim(id))
            .await
            .map_err(internal)?
            .into_iter()
            .map(super::views::signature)
            .collect(),
        None => vec![],
    };
    let stays = content
        .content
        .as_ref()
        .map(|r| {
            r.sjukhusvistelser
                .iter()
                .map(|s| StayView {
                    from: s.from.to_string(),
                    to: s.to.to_string(),
                    assistance: s.assistance_given,
                    totals: s.totals,
                })
                .collect()
        })
        .unwrap_or_default();
    let document_hash = content
        .content
        .as_ref()
        .map(|r| r.to_xml().map(|x| sha256_hex(&x)))
        .transpose()
        .map_err(internal)?
        .unwrap_or_default();
    // The full personnummer only after "show" (an audited post, [`reveal_claim_personnummer`]),
    // for this one view; otherwise masked, also in the document's data the page carries.
    let flash = cx.take_flash().await;
    let revealed =
        c.role != Role::Admin && flash.reveal == Some((REVEAL_CLAIM.to_string(), recipient));
    let shown =
        if revealed { content.personnummer.display_full() } else { content.personnummer.masked() };
    let mut document = content.content;
    if let Some(d) = document.as_mut().filter(|_| !revealed) {
        d.recipient_personnummer = shown.clone();
    }
    Ok(ClaimPage {
        me: me(cx, c),
        person: content.person,
        month,
        waiting: content.waiting,
        content: document,
        stays,
        too_many_stays: content.too_many_stays,
        document_hash,
        signatures,
        provider_view: c.role == Role::Admin,
        capacity,
        personnummer: if c.role == Role::Admin { String::new() } else { shown },
        personnummer_revealed: revealed,
        flash,
        form_key: random_token(),
    })
}

/// What a revealed räkning personnummer is called in the flash.
const REVEAL_CLAIM: &str = "claim";

/// The signer asks to see the räkning's full personnummer (to check it, or to print the
/// räkning): recorded as `personnummer.view`, shown on the next view of the page only.
pub async fn reveal_claim_personnummer(
    cx: &Cx,
    person: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let recipient = claim_recipient(c, person)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let back = claim_path(recipient, month, false);
    let db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let audit = cx.audit_entry("personnummer.view", format!("recipient {recipient}"));
    // The replay of this post shows nothing: every view is its own audited act.
    commit(db, c.user_id, key, audit, said(back.clone(), Flash::default())).await?;
    Ok(said(
        back,
        Flash { reveal: Some((REVEAL_CLAIM.to_string(), recipient)), ..Default::default() },
    ))
}

fn claim_path(recipient: i64, month: ReportMonth, admin: bool) -> String {
    format!(
        "{}?person={recipient}&manad={month}",
        if admin { "/admin/rakning" } else { "/brukare/rakning" }
    )
}

/// The räkning's three activity answers (the signer's), or the cost table (the provider's).
pub async fn save_claim(
    cx: &Cx,
    person: &str,
    month: &str,
    answers: &[(String, String)],
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative, Role::Admin])?;
    let recipient = claim_recipient(c, person)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let admin = c.role == Role::Admin;
    let back = claim_path(recipient, month, admin);
    let field = |k: &str| answers.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim()).unwrap_or("");
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    if db
        .people_of(c.tenant_id, None, Some(recipient))
        .await
        .map_err(internal)?
        .recipients
        .is_empty()
    {
        return Err(PageError::NotFound);
    }
    let existing = db.claim(c.tenant_id, recipient, &month.to_string()).await.map_err(internal)?;
    if let Some(claim) = &existing
        && db
            .standing_signature(c.tenant_id, Signed::Claim(claim.id))
            .await
            .map_err(internal)?
            .is_some()
    {
        return Ok(error(back, T::ClaimAlreadySigned));
    }
    let (answers_json, costs_json, action) = if admin {
        let mut costs = crate::domain::fk::CostTable::default();
        for (code, slot) in [
            ("wages", &mut costs.wages),
            ("ob", &mut costs.ob),
            ("expenses", &mut costs.expenses),
            ("training", &mut costs.training),
            ("staff_costs", &mut costs.staff_costs),
            ("administration", &mut costs.administration),
        ] {
            let raw = field(code).replace([' ', '\u{a0}'], "").replace(',', ".");
            let amount = if raw.is_empty() {
                Ok(rust_decimal::Decimal::ZERO)
            } else {
                raw.parse::<rust_decimal::Decimal>()
            };
            match amount {
                Ok(a)
                    if a >= rust_decimal::Decimal::ZERO
                        && a < rust_decimal::Decimal::from(100_000_000) =>
                {
                    *slot = a.round_dp(2)
                }
                _ => return Ok(error(back, T::CostInvalid)),
            }
        }
        (
            existing.as_ref().map(|e| e.answers.clone()).unwrap_or_else(|| "{}".into()),
            Some(serde_json::to_string(&costs).map_err(internal)?),
            "claim.costs",
        )
    } else {
        let yes = |k: &str| field(k) == "ja";
        let a = crate::domain::fk::Activities {
            barnomsorg: yes("barnomsorg"),
            skola: yes("skola"),
            daglig_verksamhet: yes("daglig_verksamhet"),
            betala_tillbaka: yes("betala_tillbaka"),
        };
        (
            serde_json::to_string(&a).map_err(internal)?,
            existing.as_ref().and_then(|e| e.costs.clone()),
            "claim.answers",
        )
    };
    db.save_claim(c.tenant_id, recipient, &month.to_string(), &answers_json, costs_json.as_deref())
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "answers": answers_json, "costs": costs_json }).to_string();
    let audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry(action, format!("claim recipient {recipient} month {month}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ClaimSaved)).await
}

/// The recipient or a representative signs the räkning: a signature record over its canonical
/// bytes, refused when the räkning changed after the page was loaded.
pub async fn sign_claim(
    cx: &Cx,
    person: &str,
    month: &str,
    hash: &str,
    confirmation: Confirmation,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let recipient = claim_recipient(c, person)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let back = claim_path(recipient, month, false);
    if let Some(t) = confirmation.refusal() {
        return Ok(error(back, t));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let capacity = capacity(&mut db, c, recipient).await?;
    let content =
        claim_content(&mut db, c.tenant_id, recipient, month, Some((capacity, &c.display_name)))
            .await?
            .ok_or(PageError::NotFound)?;
    let Some(rakning) = content.content else {
        return Ok(error(back, T::ClaimNotReady));
    };
    let bytes = rakning.to_xml().map_err(internal)?;
    let sha = sha256_hex(&bytes);
    if hash.trim() != sha {
        return Ok(error(back, T::ClaimChanged));
    }
    let answers =
        match db.claim(c.tenant_id, recipient, &month.to_string()).await.map_err(internal)? {
            Some(claim) => claim.answers,
            None => serde_json::to_string(&rakning.verksamhet).map_err(internal)?,
        };
    let costs =
        rakning.kostnader.as_ref().map(serde_json::to_string).transpose().map_err(internal)?;
    let claim_id = db
        .save_claim(c.tenant_id, recipient, &month.to_string(), &answers, costs.as_deref())
        .await
        .map_err(internal)?;
    let at = iso(Utc::now());
    let document_id = document_id(c.tenant_id, -claim_id, &month.to_string());
    let s = NewSignature {
        tenant: c.tenant_id,
        what: Signed::Claim(claim_id),
        user: c.user_id,
        signer_name: &c.display_name,
        capacity,
        at: &at,
        document_id: &document_id,
        content: &bytes,
        sha256: &sha,
    };
    match db.add_signature(&s).await {
        Ok(_) => {}
        Err(RepoError::Conflict(_)) => return Ok(error(back, T::ClaimAlreadySigned)),
        Err(e) => return Err(internal(e)),
    }
    let after =
        serde_json::json!({ "sha256": sha, "capacity": capacity.code(), "signer": c.display_name })
            .to_string();
    let audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry("claim.sign", format!("claim {claim_id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ClaimSigned)).await
}

// ------------------------------------------------------------------ audit log

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
