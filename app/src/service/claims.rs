//! The recipient's month end: the start page (months to review, räkningar to sign) and the
//! räkning (FK 3057): its page, what the recipient or representative fills in, and its
//! signature over the exact bytes.

use super::context::{Cx, internal, me, month_views};
use super::month::{Confirmation, capacity, document_id};
use super::tx::{Begun, begin, commit, error, notice, said};
use crate::domain::clock::iso;
use crate::domain::documents::SignerCapacity;
use crate::domain::fk::sha256_hex;
use crate::domain::text;
use crate::domain::{MonthStatus, ReportMonth};
use crate::i18n::T;
use crate::model::review::*;
use crate::model::*;
use chrono::Utc;
use store::{AuditEntry, Caller, NewSignature, RepoError, Signed, Store};

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
            text::id(s)
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
    let now = super::context::this_month();
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

pub(super) async fn claim_state(
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

/// Everything the räkning needs: the recipient, the month's records, and the content when
/// every assistant's month is attested.
pub(super) struct ClaimContent {
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
pub(super) async fn claim_content(
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
pub(super) fn claim_recipient(c: &Caller, person: &str) -> Result<i64, PageError> {
    let id = text::id(person).ok_or(PageError::NotFound)?;
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
    let signing = super::identity::signing_ways(&mut db, c).await?;
    Ok(ClaimPage {
        signing,
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
pub(super) const REVEAL_CLAIM: &str = "claim";

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
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let audit = cx.audit_entry("personnummer.view", format!("recipient {recipient}"));
    // The replay of this post shows nothing: every view is its own audited act.
    commit(db, c.user_id, key, audit, said(back.clone(), Flash::default())).await?;
    Ok(said(
        back,
        Flash { reveal: Some((REVEAL_CLAIM.to_string(), recipient)), ..Default::default() },
    ))
}

pub(super) fn claim_path(recipient: i64, month: ReportMonth, admin: bool) -> String {
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
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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

/// What the nonce of a räkning signature names.
pub fn claim_document(recipient: i64, month: ReportMonth) -> String {
    format!("3057:{recipient}:{month}")
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
    if let Some(t) = confirmation.refusal(c) {
        return Ok(error(back, t));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
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
    let eid =
        match confirmation.evidence(&mut db, c, &claim_document(recipient, month), &sha).await? {
            Ok(eid) => eid,
            Err(t) => {
                let subject = format!("claim {recipient} {month}");
                return Ok(super::month::eid_refused(cx, db, subject, back, t).await);
            }
        };
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
        eid: eid.as_ref(),
    };
    match db.add_signature(&s).await {
        Ok(_) => {}
        Err(RepoError::Conflict(_)) => return Ok(error(back, T::ClaimAlreadySigned)),
        Err(e) => return Err(internal(e)),
    }
    let after = serde_json::json!({ "sha256": sha, "capacity": capacity.code(), "signer": c.display_name, "method": if eid.is_some() { "e-legitimation" } else { "password" }, "issuer": eid.as_ref().map(|e| &e.issuer) })
        .to_string();
    let audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry("claim.sign", format!("claim {claim_id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ClaimSigned)).await
}

/// What a räkning signature with e-legitimation binds, before the signer is sent to the
/// provider: the nonce's document and the räkning's SHA-256 as they stand now, when the
/// caller may sign it. The signature checks them again when the signer returns.
pub async fn claim_to_sign(
    cx: &Cx,
    person: &str,
    month: &str,
) -> Result<Option<(String, String)>, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let recipient = claim_recipient(c, person)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let mut db = cx.db().await?;
    let capacity = capacity(&mut db, c, recipient).await?;
    let content =
        claim_content(&mut db, c.tenant_id, recipient, month, Some((capacity, &c.display_name)))
            .await?
            .ok_or(PageError::NotFound)?;
    let Some(rakning) = content.content else { return Ok(None) };
    let bytes = rakning.to_xml().map_err(internal)?;
    Ok(Some((claim_document(recipient, month), sha256_hex(&bytes))))
}

/// The signer's räkning page of a recipient and month as posted.
pub fn claim_page_of(person: &str, month: &str) -> String {
    match (text::id(person), ReportMonth::parse(month)) {
        (Some(r), Some(m)) => claim_path(r, m, false),
        _ => "/brukare".into(),
    }
}
