//! Schedules (issue 27): a recipient's base schedule, the month's schedule made from it and
//! changed day by day, checked by the rules engine as it is planned, published to the
//! assistants, confirmed by them in one tap (a time row exactly as if typed), followed up and
//! reminded about. The planner is the administrator (every recipient of the municipality) or a
//! work leader (the recipients given them, and nothing else); the administrator gives work
//! leaders their recipients.

use super::context::{Cx, Mail, internal, me, now_unix, this_month, today};
use super::row_check::{check_and_insert, row_in_reach, saved_notice};
use super::tx::{Begun, begin, commit, denied, error, notice, page, row_json, said};
use crate::domain::rules::{RowRecord, RuleConfig};
use crate::domain::schedule::{BaseSchedule, BaseShift, OpenShift, PlanCheck, PlanFacts};
use crate::domain::{MonthStatus, ReportMonth, RowError, RowInput, TZ, TimeRow, Totals, text};
use crate::i18n::T;
use crate::model::schedule::*;
use crate::model::*;
use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use store::{AuditEntry, Caller, OnRefusal, People, PlannedRecord, Store, StoredRow};

use crate::paths::{SCHEDULE_PAGE as SCHEDULE, SCHEDULES_PAGE as SCHEDULES};

/// The planner: the administrator, or a work leader.
fn planner(cx: &Cx) -> Result<&Caller, PageError> {
    cx.require(&[Role::Admin, Role::WorkLeader])
}

/// The recipients the caller plans for: None, all of the municipality's (the administrator);
/// otherwise those given them.
fn scope(c: &Caller) -> Option<&[i64]> {
    (c.role != Role::Admin).then_some(c.recipient_ids.as_slice())
}

/// Whether the caller plans for `recipient` of their municipality: a work leader's recipients
/// were given within it; the administrator's is looked up.
async fn may_plan(db: &mut Box<dyn Store>, c: &Caller, recipient: i64) -> Result<bool, PageError> {
    Ok(match c.role {
        Role::Admin => {
            !db.recipient_names(c.tenant_id, &[recipient]).await.map_err(internal)?.is_empty()
        }
        Role::WorkLeader => c.recipient_ids.contains(&recipient),
        _ => false,
    })
}

fn schedule_page(recipient: i64, month: ReportMonth) -> String {
    format!("{SCHEDULE}?id={recipient}&manad={month}")
}

fn hours(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// Payable hours against the month's grant as a bar.
pub(super) fn hours_bar(
    granted_minutes: Option<i64>,
    planned: Decimal,
    reported: Decimal,
) -> HoursBar {
    let granted = granted_minutes.map(|m| Decimal::from(m) / Decimal::from(60));
    let scale = [granted.unwrap_or_default(), planned, reported]
        .into_iter()
        .max()
        .unwrap_or_default()
        .max(Decimal::ONE);
    let pct = |d: Decimal| -> u32 {
        u32::try_from(((d * Decimal::from(100)) / scale).round().mantissa().clamp(0, 100))
            .unwrap_or(0)
    };
    HoursBar {
        granted: granted.map(hours),
        planned: hours(planned),
        reported: hours(reported),
        left: granted.map(|g| hours(g - planned)),
        over: granted.is_some_and(|g| planned > g),
        granted_pct: granted.map(pct).unwrap_or(0),
        planned_pct: pct(planned),
        reported_pct: pct(reported),
    }
}

/// What the decisions of `recipient` grant for the month, in minutes (None: no decision).
pub(super) fn granted(people: &People, recipient: i64, month: ReportMonth) -> Option<i64> {
    let ds: Vec<_> = people.decisions.iter().filter(|d| d.recipient == recipient).collect();
    (!ds.is_empty()).then(|| {
        ds.iter().map(|d| d.granted_between(month.first_day(), month.last_day()).0).sum::<i64>()
    })
}

/// What the rules say of the month's planned shifts ([`crate::domain::schedule::check_plan`]):
/// the shifts still to be worked, with an assistant, of the whole municipality's month.
fn check_plan(
    month: ReportMonth,
    planned: &[PlannedRecord],
    reported: &[StoredRow],
    people: &People,
    config: &RuleConfig,
) -> PlanCheck {
    let open: Vec<OpenShift> = planned
        .iter()
        .filter(|p| !p.cancelled && !p.settled())
        .filter_map(|p| {
            Some(OpenShift {
                id: p.id,
                recipient: p.recipient_id,
                assistant: p.assistant_id?,
                row: &p.row,
            })
        })
        .collect();
    let reported: Vec<RowRecord> = reported.iter().cloned().map(StoredRow::into_record).collect();
    let facts = PlanFacts {
        assistants: &people.assistants,
        recipients: &people.recipients,
        assignments: &people.assignments,
        decisions: &people.decisions,
        absences: &people.absences,
        config,
    };
    crate::domain::schedule::check_plan(month, &open, &reported, &facts)
}

/// An assistant of the municipality by id, named as the register has them.
fn assistant_person(people: &People, id: i64) -> Person {
    Person { id, name: people.assistants.get(&id).map(|x| x.name()).unwrap_or_default() }
}

fn recipient_person(people: &People, id: i64) -> Person {
    Person { id, name: people.recipients.get(&id).map(|x| x.name()).unwrap_or_default() }
}

fn state_of(p: &PlannedRecord) -> PlannedState {
    if p.cancelled {
        PlannedState::Cancelled
    } else if p.row_id.is_some() {
        PlannedState::Confirmed
    } else if p.not_worked {
        PlannedState::NotWorked
    } else {
        PlannedState::Open
    }
}

fn planned_view(
    p: &PlannedRecord,
    people: &People,
    check: Option<&PlanCheck>,
    now: chrono::DateTime<Utc>,
) -> PlannedView {
    PlannedView {
        id: p.id,
        date: p.row.date().format("%Y-%m-%d").to_string(),
        weekday: p.row.date().weekday().num_days_from_monday() as u8,
        start: p.row.start().format("%H:%M").to_string(),
        end: p.row.end().format("%H:%M").to_string(),
        next_day: p.row.next_day(),
        kind: p.row.kind(),
        hours: hours(Decimal::from(p.row.minutes().0) / Decimal::from(60)),
        dst: p.row.minutes() != p.row.clock_minutes(),
        assistant: p.assistant_id.map(|a| assistant_person(people, a)),
        recipient: recipient_person(people, p.recipient_id),
        extra: p.extra,
        state: state_of(p),
        findings: check.and_then(|c| c.findings.get(&p.id).cloned()).unwrap_or_default(),
        not_assigned: check.is_some_and(|c| c.not_assigned.contains(&p.id)),
        ended: p.row.end_at() <= now,
    }
}

/// The rows the planning checks need beside the plan: the municipality's month and a week on
/// either side (rest between shifts).
async fn rows_around(
    db: &mut Box<dyn Store>,
    tenant: i64,
    month: ReportMonth,
) -> Result<Vec<StoredRow>, PageError> {
    let week = chrono::Duration::days(7);
    db.rows_between(tenant, month.first_day() - week, month.last_day() + week)
        .await
        .map_err(internal)
}

fn payable<'a>(rows: impl IntoIterator<Item = &'a TimeRow>) -> Decimal {
    Totals::of(rows).payable_hours()
}

/// The schedule overview: the planner's recipients with their month's schedule and hours
/// against the grant, and the follow-up per assistant × recipient.
pub async fn schedules_page(
    cx: &Cx,
    month: Option<ReportMonth>,
) -> Result<SchedulesPage, PageError> {
    let c = planner(cx)?;
    let month = month.unwrap_or_else(this_month);
    let mut db = cx.db().await?;
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    let planned = db.planned_in_month(c.tenant_id, month, None).await.map_err(internal)?;
    let reported = rows_around(&mut db, c.tenant_id, month).await?;
    let made: HashMap<i64, Option<i64>> =
        db.schedule_months(c.tenant_id, month).await.map_err(internal)?.into_iter().collect();
    let terms = db.terms(c.tenant_id).await.map_err(internal)?;
    let check = check_plan(month, &planned, &reported, &people, &terms.rules);
    let in_scope = |r: i64| scope(c).is_none_or(|ids| ids.contains(&r));
    let now = Utc::now();

    let mut recipients: Vec<ScheduleSummary> = people
        .recipients
        .values()
        .filter(|r| in_scope(r.id))
        .map(|r| {
            let mine: Vec<&PlannedRecord> =
                planned.iter().filter(|p| p.recipient_id == r.id && !p.cancelled).collect();
            let reported_hours = payable(
                reported
                    .iter()
                    .filter(|s| s.recipient_id == r.id && month.contains(s.row.date()))
                    .map(|s| &s.row),
            );
            ScheduleSummary {
                recipient: Person { id: r.id, name: r.name() },
                made: made.contains_key(&r.id),
                published: made.get(&r.id).is_some_and(|p| p.is_some()),
                shifts: mine.len(),
                vacant: mine.iter().filter(|p| p.assistant_id.is_none()).count(),
                flagged: mine
                    .iter()
                    .filter(|p| {
                        check.findings.get(&p.id).is_some_and(|f| !f.is_empty())
                            || check.not_assigned.contains(&p.id)
                    })
                    .count(),
                bar: hours_bar(
                    granted(&people, r.id, month),
                    payable(mine.iter().map(|p| &p.row)),
                    reported_hours,
                ),
            }
        })
        .collect();
    recipients.sort_by(|a, b| a.recipient.name.cmp(&b.recipient.name));

    // Follow-up per pair of the planner's recipients (the administrator's: those with a
    // schedule this month; the dashboard has the rest): planned against reported, unconfirmed
    // shifts, and the month's status to remind or attest.
    let mut plan_of: HashMap<(i64, i64), (Decimal, usize)> = HashMap::new();
    for p in planned.iter().filter(|p| !p.cancelled && in_scope(p.recipient_id)) {
        let Some(a) = p.assistant_id else { continue };
        let e = plan_of.entry((a, p.recipient_id)).or_default();
        e.0 += payable([&p.row]);
        if p.published && !p.settled() && p.row.end_at() <= now {
            e.1 += 1;
        }
    }
    let to_remind =
        plan_of.iter().filter(|(_, (_, n))| *n > 0).map(|((a, _), _)| *a).collect::<HashSet<_>>();
    let followed: Vec<i64> = match scope(c) {
        Some(ids) => ids.to_vec(),
        None => made.keys().copied().collect(),
    };
    let records = if followed.is_empty() {
        vec![]
    } else {
        db.month_records(c.tenant_id, month, Some(&followed), None).await.map_err(internal)?
    };
    let mut pairs: Vec<PairFollowUp> = records
        .into_iter()
        .map(|m| {
            let (a, r) = (m.assistant_id, m.recipient_id);
            let (planned_hours, unconfirmed) = plan_of.get(&(a, r)).copied().unwrap_or_default();
            let reported_rows: Vec<&TimeRow> = reported
                .iter()
                .filter(|s| {
                    s.assistant_id == a && s.recipient_id == r && month.contains(s.row.date())
                })
                .map(|s| &s.row)
                .collect();
            PairFollowUp {
                waiting: matches!(m.status, MonthStatus::Submitted)
                    || (m.status == MonthStatus::Draft && !reported_rows.is_empty()),
                assistant: Person { id: a, name: m.assistant_name },
                recipient: Person { id: r, name: m.recipient_name },
                planned: hours(planned_hours),
                reported: hours(payable(reported_rows)),
                unconfirmed,
                status: m.status,
                key: m.id,
            }
        })
        .collect();
    pairs.sort_by(|x, y| {
        (y.unconfirmed, &x.recipient.name, &x.assistant.name).cmp(&(
            x.unconfirmed,
            &y.recipient.name,
            &y.assistant.name,
        ))
    });
    Ok(SchedulesPage {
        me: me(cx, c),
        month,
        recipients,
        pairs,
        to_remind: to_remind.len(),
        flash: cx.take_flash().await,
        form_key: random_token(),
    })
}

/// One recipient's schedule: the base, the month's plan with what the rules say of each shift,
/// and the hours against the grant.
pub async fn recipient_schedule(
    cx: &Cx,
    recipient: Option<i64>,
    month: Option<ReportMonth>,
    swapping: Option<i64>,
) -> Result<SchedulePage, PageError> {
    let c = planner(cx)?;
    let recipient = recipient.ok_or(PageError::NotFound)?;
    let month = month.unwrap_or_else(this_month);
    let mut db = cx.db().await?;
    if !may_plan(&mut db, c, recipient).await? {
        drop(db);
        denied(cx, format!("schedule of recipient {recipient}")).await;
        return Err(PageError::NotFound);
    }
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    let person_a = |a: i64| assistant_person(&people, a);
    let mut assistants: Vec<Person> = people
        .assignments
        .iter()
        .filter(|(_, r)| *r == recipient)
        .map(|(a, _)| person_a(*a))
        .collect();
    assistants.sort_by(|a, b| a.name.cmp(&b.name));
    assistants.dedup();
    let base = db.base_schedule(c.tenant_id, recipient).await.map_err(internal)?.map(|(b, ids)| {
        BaseView {
            weeks: b.weeks,
            starts_on: b.starts_on.to_string(),
            shifts: b
                .shifts
                .iter()
                .zip(ids)
                .map(|(s, id)| BaseShiftView {
                    id,
                    week: s.week + 1,
                    weekday: s.weekday.num_days_from_monday() as u8,
                    start: s.start.format("%H:%M").to_string(),
                    end: s.end.format("%H:%M").to_string(),
                    kind: s.kind,
                    assistant: s.assistant.map(person_a),
                })
                .collect(),
        }
    });
    let made = db.schedule_month(c.tenant_id, recipient, month).await.map_err(internal)?;
    let planned = db.planned_in_month(c.tenant_id, month, None).await.map_err(internal)?;
    let reported = rows_around(&mut db, c.tenant_id, month).await?;
    let terms = db.terms(c.tenant_id).await.map_err(internal)?;
    let check = check_plan(month, &planned, &reported, &people, &terms.rules);
    let now = Utc::now();
    let mine: Vec<&PlannedRecord> =
        planned.iter().filter(|p| p.recipient_id == recipient).collect();
    let plan = made.map(|published| PlanView {
        published: published.and_then(|at| {
            chrono::DateTime::from_timestamp(at, 0)
                .map(|t| t.with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string())
        }),
        shifts: mine.iter().map(|p| planned_view(p, &people, Some(&check), now)).collect(),
    });
    let bar = hours_bar(
        granted(&people, recipient, month),
        payable(mine.iter().filter(|p| !p.cancelled).map(|p| &p.row)),
        payable(
            reported
                .iter()
                .filter(|s| s.recipient_id == recipient && month.contains(s.row.date()))
                .map(|s| &s.row),
        ),
    );
    let double = people.decisions.iter().any(|d| {
        d.recipient == recipient
            && d.double_assistance
            && (d.covers(month.first_day()) || d.covers(month.last_day()))
    });
    Ok(SchedulePage {
        me: me(cx, c),
        month,
        recipient: recipient_person(&people, recipient),
        assistants,
        base,
        plan,
        bar,
        double,
        swapping,
        flash: cx.take_flash().await,
        form_key: random_token(),
    })
}

/// Begins a planner's change about `recipient`: the write transaction, or the first outcome
/// of a replayed form; a recipient outside the caller's reach is refused (and recorded).
async fn begin_planning(
    cx: &Cx,
    c: &Caller,
    recipient: i64,
    key: Option<&str>,
) -> Result<Begun<Box<dyn Store>>, PageError> {
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        replayed => return Ok(replayed),
    };
    if !may_plan(&mut db, c, recipient).await? {
        drop(db);
        denied(cx, format!("schedule of recipient {recipient}")).await;
        return Err(PageError::NotFound);
    }
    Ok(Begun::New(db))
}

/// The base schedule's length and first Monday.
/// The page the base schedule's forms go back to: the month they were posted from.
fn base_page(recipient: i64, month: &str) -> String {
    format!(
        "{}#grundschema",
        schedule_page(recipient, ReportMonth::parse(month).unwrap_or_else(this_month))
    )
}

pub async fn save_base(
    cx: &Cx,
    recipient: &str,
    month: &str,
    input: &BaseInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let back = base_page(recipient, month);
    let weeks = input.weeks.trim().parse::<u8>().ok();
    let starts_on = NaiveDate::parse_from_str(input.starts_on.trim(), "%Y-%m-%d").ok();
    let (Some(weeks), Some(starts_on)) = (weeks, starts_on) else {
        return Ok(error(back, T::ScheduleBaseInvalid));
    };
    let probe = BaseSchedule { weeks, starts_on, shifts: vec![] };
    if !probe.check().is_empty() {
        return Ok(error(back, T::ScheduleBaseInvalid));
    }
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    // Shifts in weeks the shorter pattern no longer has would be lost silently: refused.
    if let Some((base, _)) = db.base_schedule(c.tenant_id, recipient).await.map_err(internal)?
        && base.shifts.iter().any(|s| s.week >= weeks)
    {
        return Ok(error(back, T::ScheduleBaseShiftsOutside));
    }
    db.save_base_schedule(c.tenant_id, recipient, weeks, starts_on).await.map_err(internal)?;
    let audit = AuditEntry {
        after: Some(
            serde_json::json!({ "weeks": weeks, "starts_on": starts_on.to_string() }).to_string(),
        ),
        ..cx.audit_entry("schedule.base", format!("recipient {recipient}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ScheduleBaseSaved)).await
}

/// A shift's times and kind as typed, read as a row of `date` would be (one edge check for
/// times; an end at or before the start runs past midnight): the row, or the answer on `back`
/// that says what is wrong.
fn typed_shift(
    recipient: i64,
    date: NaiveDate,
    start: &str,
    end: &str,
    kind: &str,
    back: &str,
) -> Result<TimeRow, Outcome> {
    let (s, e) = (crate::domain::row::parse_clock(start), crate::domain::row::parse_clock(end));
    RowInput {
        recipient: recipient.to_string(),
        date: date.to_string(),
        start: start.to_string(),
        end: end.to_string(),
        next_day: matches!((s, e), (Some(s), Some(e)) if e <= s)
            || crate::domain::row::is_end_of_day(end),
        kind: kind.to_string(),
        ..Default::default()
    }
    .parse()
    .map_err(|why| {
        said(
            back.to_string(),
            Flash { error: Some(T::ScheduleShiftInvalid), plan_errors: why, ..Default::default() },
        )
    })
}

/// The assistant chosen in a form: empty is vacant; anything but an id is unknown.
fn chosen_assistant(field: &str) -> Result<Option<i64>, PageError> {
    match field.trim() {
        "" => Ok(None),
        a => text::id(a).map(Some).ok_or(PageError::NotFound),
    }
}

/// Adds a shift to the base schedule: an assistant assigned to the recipient, or vacant; at
/// the same time as another of the pattern's shifts only with double assistance.
pub async fn add_base_shift(
    cx: &Cx,
    recipient: &str,
    month: &str,
    input: &BaseShiftInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let back = base_page(recipient, month);
    let week = input.week.trim().parse::<u8>().ok().filter(|w| (1..=8).contains(w));
    let weekday =
        input.weekday.trim().parse::<u8>().ok().and_then(|d| chrono::Weekday::try_from(d).ok());
    let (Some(week), Some(weekday)) = (week, weekday) else {
        return Ok(error(back, T::ScheduleShiftInvalid));
    };
    // A Monday of the right weekday stands in for the date: only the times and kind are read.
    let monday = NaiveDate::from_isoywd_opt(2026, 2, weekday).unwrap_or_default();
    let row = match typed_shift(recipient, monday, &input.start, &input.end, &input.kind, &back) {
        Ok(row) => row,
        Err(refused) => return Ok(refused),
    };
    let assistant = chosen_assistant(&input.assistant)?;
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    if let Some(a) = assistant
        && !people.assignments.contains(&(a, recipient))
    {
        return Ok(error(back, T::ScheduleNotAssigned));
    }
    let Some((base, _)) = db.base_schedule(c.tenant_id, recipient).await.map_err(internal)? else {
        return Ok(error(back, T::ScheduleNoBase));
    };
    let shift = BaseShift {
        week: week - 1,
        weekday,
        start: row.start(),
        end: row.end(),
        kind: row.kind(),
        assistant,
    };
    if week > base.weeks {
        return Ok(error(back, T::ScheduleShiftInvalid));
    }
    if base.shifts.len() >= crate::domain::schedule::MAX_BASE_SHIFTS {
        return Ok(error(back, T::ScheduleTooManyShifts));
    }
    let double = people.decisions.iter().any(|d| d.recipient == recipient && d.double_assistance);
    if !double && base.overlaps(&shift) {
        return Ok(error(back, T::ScheduleOverlapNoDouble));
    }
    let id = db.add_base_shift(c.tenant_id, recipient, &shift).await.map_err(internal)?;
    let audit = AuditEntry {
        after: serde_json::to_string(&shift).ok(),
        ..cx.audit_entry("schedule.base_shift.add", format!("recipient {recipient} shift {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ScheduleShiftAdded)).await
}

pub async fn delete_base_shift(
    cx: &Cx,
    recipient: &str,
    month: &str,
    shift: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let shift = text::id(shift).ok_or(PageError::NotFound)?;
    let back = base_page(recipient, month);
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if !db.delete_base_shift(c.tenant_id, recipient, shift).await.map_err(internal)? {
        return Err(PageError::NotFound);
    }
    let audit = cx
        .audit_entry("schedule.base_shift.delete", format!("recipient {recipient} shift {shift}"));
    commit(db, c.user_id, key, audit, notice(back, T::ScheduleShiftRemoved)).await
}

/// Makes the month's schedule from the base schedule. A shift at a time the day does not have
/// (the hour skipped when summer time starts) is not planned and is named for the planner.
pub async fn make_month(
    cx: &Cx,
    recipient: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let Some(month) = ReportMonth::parse(month) else {
        return Ok(error(format!("{SCHEDULE}?id={recipient}"), T::NotAllowed));
    };
    let back = schedule_page(recipient, month);
    if month.fk_deadline() < today() {
        return Ok(error(back, T::MonthReadOnly));
    }
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some((base, _)) = db.base_schedule(c.tenant_id, recipient).await.map_err(internal)? else {
        return Ok(error(back, T::ScheduleNoBase));
    };
    if !db.create_schedule_month(c.tenant_id, recipient, month).await.map_err(internal)? {
        return Ok(error(back, T::ScheduleMonthExists));
    }
    let (planned, unplannable) = base.month_shifts(month);
    for p in &planned {
        db.add_planned(c.tenant_id, recipient, p.assistant, &p.row, false)
            .await
            .map_err(internal)?;
    }
    let skipped: Vec<(String, RowError)> = unplannable
        .iter()
        .filter_map(|u| {
            let s = base.shifts.get(u.shift)?;
            let what = format!("{} {}–{}", u.day, s.start.format("%H:%M"), s.end.format("%H:%M"));
            Some((what, u.why.first().cloned()?))
        })
        .collect();
    let audit = AuditEntry {
        after: Some(
            serde_json::json!({ "month": month.to_string(), "shifts": planned.len(), "not_planned": skipped.len() })
                .to_string(),
        ),
        ..cx.audit_entry("schedule.make", format!("recipient {recipient} month {month}"))
    };
    let outcome = said(
        back,
        Flash {
            notice: Some(T::ScheduleMade),
            count: Some(planned.len()),
            skipped,
            ..Default::default()
        },
    );
    commit(db, c.user_id, key, audit, outcome).await
}

/// What a planner does to one shift of the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShiftChange {
    /// Another assistant (a substitute), or vacant.
    Assistant,
    /// Exchanges the assistants of two shifts.
    Swap,
    Cancel,
    Restore,
}

impl ShiftChange {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "assistent" => Some(Self::Assistant),
            "byt" => Some(Self::Swap),
            "stryk" => Some(Self::Cancel),
            "aterstall" => Some(Self::Restore),
            _ => None,
        }
    }
}

/// Changes one shift of the month (a substitute, a swap, a cancellation), each change in the
/// audit log with the shift before and after. A settled shift stays as it is.
pub async fn change_shift(
    cx: &Cx,
    shift: &str,
    change: &str,
    assistant: &str,
    other: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let id = text::id(shift).ok_or(PageError::NotFound)?;
    let change = ShiftChange::parse(change).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(p) = db.planned(c.tenant_id, id).await.map_err(internal)? else {
        return Err(PageError::NotFound);
    };
    if !may_plan(&mut db, c, p.recipient_id).await? {
        drop(db);
        denied(cx, format!("planned shift {id}")).await;
        return Err(PageError::NotFound);
    }
    let back = format!("{}#pass-{id}", schedule_page(p.recipient_id, p.row.month()));
    if p.settled() {
        return Ok(error(back, T::PlannedAlreadySettled));
    }
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    // An assistant (or vacant) may take a shift of a recipient they are assigned to.
    let fits = |a: Option<i64>, r: i64| a.is_none_or(|a| people.assignments.contains(&(a, r)));
    let (action, changed) = match change {
        ShiftChange::Assistant => {
            let to = chosen_assistant(assistant)?;
            if !fits(to, p.recipient_id) {
                return Ok(error(back, T::ScheduleNotAssigned));
            }
            let ok = db.set_planned_assistant(c.tenant_id, id, to).await.map_err(internal)?;
            ("schedule.substitute", ok.then(|| serde_json::json!({ "assistant": to })))
        }
        ShiftChange::Swap => {
            let other = text::id(other).ok_or(PageError::NotFound)?;
            let Some(q) = db.planned(c.tenant_id, other).await.map_err(internal)? else {
                return Err(PageError::NotFound);
            };
            if !may_plan(&mut db, c, q.recipient_id).await? {
                return Err(PageError::NotFound);
            }
            if q.settled() {
                return Ok(error(back, T::PlannedAlreadySettled));
            }
            // Each assistant goes to the other's recipient.
            if !fits(q.assistant_id, p.recipient_id) || !fits(p.assistant_id, q.recipient_id) {
                return Ok(error(back, T::ScheduleNotAssigned));
            }
            let a = db
                .set_planned_assistant(c.tenant_id, id, q.assistant_id)
                .await
                .map_err(internal)?;
            let b = db
                .set_planned_assistant(c.tenant_id, other, p.assistant_id)
                .await
                .map_err(internal)?;
            ("schedule.swap", (a && b).then(|| serde_json::json!({ "with": other })))
        }
        ShiftChange::Cancel | ShiftChange::Restore => {
            let on = change == ShiftChange::Cancel;
            let ok = db.set_planned_cancelled(c.tenant_id, id, on).await.map_err(internal)?;
            (
                if on { "schedule.cancel" } else { "schedule.restore" },
                ok.then(|| serde_json::json!({ "cancelled": on })),
            )
        }
    };
    let Some(after) = changed else {
        return Ok(error(back, T::PlannedAlreadySettled));
    };
    let audit = AuditEntry {
        before: planned_json(&p),
        after: Some(after.to_string()),
        ..cx.audit_entry(action, format!("planned shift {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ScheduleChanged)).await
}

/// A planned shift as the audit log keeps it (no personnummer).
fn planned_json(p: &PlannedRecord) -> Option<String> {
    Some(
        serde_json::json!({
            "recipient": p.recipient_id,
            "assistant": p.assistant_id,
            "date": p.row.date().to_string(),
            "start": p.row.start().format("%H:%M").to_string(),
            "end": p.row.end().format("%H:%M").to_string(),
            "kind": p.row.kind().code(),
        })
        .to_string(),
    )
}

/// An extra shift in the month's schedule.
pub async fn add_extra(
    cx: &Cx,
    recipient: &str,
    month: &str,
    input: &ExtraShiftInput,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let Some(month) = ReportMonth::parse(month) else {
        return Ok(error(format!("{SCHEDULE}?id={recipient}"), T::NotAllowed));
    };
    let back = format!("{}#extra", schedule_page(recipient, month));
    let Some(date) = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").ok() else {
        return Ok(error(back, T::ScheduleShiftInvalid));
    };
    if !month.contains(date) {
        return Ok(error(back, T::ScheduleOutsideMonth));
    }
    let row = match typed_shift(recipient, date, &input.start, &input.end, &input.kind, &back) {
        Ok(row) => row,
        Err(refused) => return Ok(refused),
    };
    let assistant = chosen_assistant(&input.assistant)?;
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if db.schedule_month(c.tenant_id, recipient, month).await.map_err(internal)?.is_none() {
        return Ok(error(back, T::ScheduleNoMonth));
    }
    let stored =
        db.planned_in_month(c.tenant_id, month, Some(&[recipient])).await.map_err(internal)?.len();
    if stored >= crate::domain::schedule::MAX_MONTH_SHIFTS {
        return Ok(error(back, T::ScheduleMonthFull));
    }
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    if assistant.is_some_and(|a| !people.assignments.contains(&(a, recipient))) {
        return Ok(error(back, T::ScheduleNotAssigned));
    }
    let id =
        db.add_planned(c.tenant_id, recipient, assistant, &row, true).await.map_err(internal)?;
    let record = PlannedRecord {
        id,
        recipient_id: recipient,
        assistant_id: assistant,
        row,
        cancelled: false,
        extra: true,
        row_id: None,
        not_worked: false,
        published: false,
    };
    let audit = AuditEntry {
        after: planned_json(&record),
        ..cx.audit_entry("schedule.extra", format!("planned shift {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::ScheduleShiftAdded)).await
}

/// Publishes the month's schedule to its assistants (their page, their calendar).
pub async fn publish(
    cx: &Cx,
    recipient: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let recipient = text::id(recipient).ok_or(PageError::NotFound)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let back = schedule_page(recipient, month);
    let mut db = match begin_planning(cx, c, recipient, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if !db.publish_schedule(c.tenant_id, recipient, month, now_unix()).await.map_err(internal)? {
        return Ok(error(back, T::ScheduleNoMonth));
    }
    let audit = cx.audit_entry("schedule.publish", format!("recipient {recipient} month {month}"));
    commit(db, c.user_id, key, audit, notice(back, T::SchedulePublished)).await
}

/// Reminds every assistant of the planner's recipients who has ended, published shifts neither
/// confirmed nor marked as not worked: one e-mail each, never twice the same day.
pub async fn remind_unconfirmed(
    cx: &Cx,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = planner(cx)?;
    let month = ReportMonth::parse(month).ok_or(PageError::NotFound)?;
    let back = format!("{SCHEDULES}?manad={month}");
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let now = Utc::now();
    let planned = db.planned_in_month(c.tenant_id, month, scope(c)).await.map_err(internal)?;
    let mut assistants: Vec<i64> = planned
        .iter()
        .filter(|p| p.published && !p.cancelled && !p.settled() && p.row.end_at() <= now)
        .filter_map(|p| p.assistant_id)
        .collect();
    assistants.sort_unstable();
    assistants.dedup();
    let (mut reminded, mut addresses) = (vec![], vec![]);
    for a in assistants {
        if db.note_schedule_reminder(c.tenant_id, a, today()).await.map_err(internal)? {
            reminded.push(a);
            addresses.extend(
                db.emails(c.tenant_id, store::AccountOwner::Assistant(a))
                    .await
                    .map_err(internal)?,
            );
        }
    }
    let audit = AuditEntry {
        after: Some(
            serde_json::json!({ "month": month.to_string(), "assistants": reminded }).to_string(),
        ),
        ..cx.audit_entry("reminder.schedule", format!("month {month}"))
    };
    let outcome = said(
        back,
        Flash {
            notice: Some(if reminded.is_empty() {
                T::NobodyToRemind
            } else {
                T::RemindedUnconfirmed
            }),
            count: Some(reminded.len()),
            ..Default::default()
        },
    );
    let outcome = commit(db, c.user_id, key, audit, outcome).await?;
    if let Some(mailer) = &cx.settings.mailer {
        let l = crate::i18n::Locale::Sv;
        let public = cx.settings.public_url.as_deref().unwrap_or_default();
        for to in addresses {
            mailer.send(Mail {
                to,
                subject: l.t(T::MailPlannedSubject).into(),
                body: format!("{}\n\n{public}/assistent\n", l.t(T::MailPlannedBody)),
            });
        }
    }
    Ok(outcome)
}

// ---------------------------------------------------------------- the assistant

/// The days whose published shifts the assistant's page lists: every day of the months still
/// open for reporting (their FK deadline not passed, up to two months back: each shift must be
/// settled before its month is submitted) and the coming week.
pub(super) fn plan_days() -> std::ops::RangeInclusive<NaiveDate> {
    this_month().previous().previous().first_day()..=today() + chrono::Duration::days(7)
}

/// The assistant's open shifts of [`plan_days`] (read with their page) as the page shows them.
pub(super) fn assistant_plan(planned: &[PlannedRecord], people: &People) -> Vec<PlannedView> {
    let (day, now) = (today(), Utc::now());
    planned
        .iter()
        .filter(|p| !p.cancelled && !p.settled())
        .filter(|p| p.row.month().fk_deadline() >= day)
        .map(|p| planned_view(p, people, None, now))
        .collect()
}

/// The assistant's published shifts in `month` that are neither confirmed nor marked as not
/// worked, for one recipient (the month cannot be submitted before each is settled).
pub(super) async fn unsettled(
    db: &mut Box<dyn Store>,
    tenant: i64,
    assistant: i64,
    recipient: i64,
    month: ReportMonth,
) -> Result<usize, PageError> {
    Ok(db
        .planned_in_month(tenant, month, Some(&[recipient]))
        .await
        .map_err(internal)?
        .iter()
        .filter(|p| {
            p.assistant_id == Some(assistant) && p.published && !p.cancelled && !p.settled()
        })
        .count())
}

/// "Jobbade som planerat": the planned shift saved as a time row exactly as if typed (the same
/// checks in the same transaction), the shift settled by it, and an audit entry saying it came
/// from the plan. A second tap finds it settled and changes nothing.
pub async fn confirm_planned(
    cx: &Cx,
    shift: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let id = text::id(shift).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let p = match db.planned(c.tenant_id, id).await.map_err(internal)? {
        Some(p) if p.assistant_id == Some(assistant) && p.published => p,
        _ => {
            drop(db);
            denied(cx, format!("planned shift {id}")).await;
            return Err(PageError::NotFound);
        }
    };
    let back = page("/assistent", Some(p.row.month()));
    let refused = |why: Vec<RowError>| {
        said(
            format!("{back}#planerat"),
            Flash { error: Some(T::PlannedRefused), plan_errors: why, ..Default::default() },
        )
    };
    if p.cancelled || p.settled() {
        return Ok(error(back, T::PlannedAlreadySettled));
    }
    if p.row.end_at() > Utc::now() {
        return Ok(error(back, T::PlannedNotEnded));
    }
    if let Err(why) = row_in_reach(cx, &p.row) {
        return Ok(refused(why));
    }
    let (row_id, notes) =
        match check_and_insert(&mut db, c, assistant, p.recipient_id, &p.row, None, OnRefusal::End)
            .await?
        {
            Ok(saved) => saved,
            Err(why) => return Ok(refused(why)),
        };
    if !db.settle_planned(c.tenant_id, assistant, id, Some(row_id)).await.map_err(internal)? {
        return Ok(error(back, T::PlannedAlreadySettled));
    }
    let stored =
        StoredRow { id: row_id, assistant_id: assistant, recipient_id: p.recipient_id, row: p.row };
    let audit = AuditEntry {
        after: row_json(&stored),
        ..cx.audit_entry("row.add", format!("row {row_id} from planned shift {id}"))
    };
    let outcome = said(
        back,
        Flash { notice: Some(saved_notice(&notes)), findings: notes, ..Default::default() },
    );
    commit(db, c.user_id, key, audit, outcome).await
}

/// "Jobbade inte": the planned shift settled as not worked.
pub async fn not_worked(cx: &Cx, shift: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let id = text::id(shift).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let p = match db.planned(c.tenant_id, id).await.map_err(internal)? {
        Some(p) if p.assistant_id == Some(assistant) && p.published => p,
        _ => {
            drop(db);
            denied(cx, format!("planned shift {id}")).await;
            return Err(PageError::NotFound);
        }
    };
    let back = page("/assistent", Some(p.row.month()));
    if !db.settle_planned(c.tenant_id, assistant, id, None).await.map_err(internal)? {
        return Ok(error(back, T::PlannedAlreadySettled));
    }
    let audit = AuditEntry {
        before: planned_json(&p),
        ..cx.audit_entry("schedule.not_worked", format!("planned shift {id}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::PlannedNotWorkedSaved)).await
}

/// The row form filled from a planned shift ("Jobbade annorlunda"): the assistant's own,
/// published, open shift only.
pub(super) async fn planned_as_input(
    db: &mut Box<dyn Store>,
    c: &Caller,
    assistant: i64,
    shift: i64,
) -> Result<Option<RowInput>, PageError> {
    Ok(db
        .planned(c.tenant_id, shift)
        .await
        .map_err(internal)?
        .filter(|p| {
            p.assistant_id == Some(assistant) && p.published && !p.cancelled && !p.settled()
        })
        .map(|p| RowInput::of(&p.row, p.recipient_id)))
}

// ---------------------------------------------------------------- the calendar

/// The session key of a calendar address just made, shown once.
pub const SESSION_CALENDAR: &str = "calendar_link";

/// The address of the assistant's calendar feed for `token`.
pub fn calendar_address(public_url: Option<&str>, token: &str) -> String {
    format!("{}{}?nyckel={token}", public_url.unwrap_or_default(), crate::paths::CALENDAR_FEED)
}

/// Makes (or makes anew: the old address stops working) or removes the assistant's calendar
/// address. Only its SHA-256 is stored; the address is shown once.
pub async fn set_calendar(cx: &Cx, on: bool, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let token = on.then(random_token);
    let sha = token.as_deref().map(|t| crate::domain::fk::sha256_hex(t.as_bytes()));
    db.set_calendar(c.tenant_id, c.user_id, sha.as_deref()).await.map_err(internal)?;
    let (action, t) = if on {
        ("calendar.create", T::CalendarCreated)
    } else {
        ("calendar.remove", T::CalendarRemoved)
    };
    let audit = cx.audit_entry(action, format!("user {}", c.user_id));
    let outcome =
        commit(db, c.user_id, key, audit, notice("/assistent#kalender".into(), t)).await?;
    if let Some(token) = token {
        let link = calendar_address(cx.settings.public_url.as_deref(), &token);
        if let Err(e) = cx.session.insert(SESSION_CALENDAR, link).await {
            tracing::warn!(error = %e, "could not keep the calendar address for its one view");
        }
    }
    Ok(outcome)
}

/// The calendar address just made, taken from the session for its one view.
pub(super) async fn calendar_link(cx: &Cx) -> Option<String> {
    match cx.session.get_value(SESSION_CALENDAR).await {
        Ok(Some(_)) => cx.session.remove::<String>(SESSION_CALENDAR).await.ok().flatten(),
        _ => None,
    }
}

/// The assistant's shifts as an iCalendar (RFC 5545) feed: the published schedules from a
/// month back to two months ahead. No personnummer and no health data: the recipient's first
/// name, the kind of time and the times. None when the address is unknown or revoked.
pub async fn calendar_feed(
    repo: &dyn store::Repo,
    token: &str,
) -> Result<Option<String>, PageError> {
    if !super::context::is_token(token) {
        return Ok(None);
    }
    let sha = crate::domain::fk::sha256_hex(token.as_bytes());
    let mut db = repo.read().await.map_err(internal)?;
    let Some((tenant, assistant)) = db.calendar_owner(&sha).await.map_err(internal)? else {
        return Ok(None);
    };
    let day = today();
    let planned = db
        .planned_of_assistant(
            tenant,
            assistant,
            day - chrono::Duration::days(31)..=day + chrono::Duration::days(62),
            true,
        )
        .await
        .map_err(internal)?;
    let mut ids: Vec<i64> = planned.iter().map(|p| p.recipient_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: HashMap<i64, String> =
        db.recipient_names(tenant, &ids).await.map_err(internal)?.into_iter().collect();
    Ok(Some(ical(&planned, &names)))
}

/// The feed's text (the `icalendar` crate writes it: folding, escaping, CRLF).
pub fn ical(planned: &[PlannedRecord], names: &HashMap<i64, String>) -> String {
    use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
    let l = crate::i18n::Locale::Sv;
    let mut cal = Calendar::new();
    cal.name(l.t(T::CalendarName));
    for p in planned {
        // The first name only: enough for the assistant, little for anyone else.
        let first = names
            .get(&p.recipient_id)
            .and_then(|n| n.split_whitespace().next())
            .unwrap_or_default();
        let kind = crate::i18n::Label::label(p.row.kind(), l);
        let mut e = Event::new();
        e.uid(&format!("planerat-{}@bita", p.id))
            .summary(&format!("{} {first} ({kind})", l.t(T::CalendarShift)))
            .starts(p.row.start_at())
            .ends(p.row.end_at())
            .timestamp(p.row.start_at());
        if p.cancelled {
            e.status(EventStatus::Cancelled);
        }
        cal.push(e.done());
    }
    cal.done().to_string()
}

// ---------------------------------------------------------------- work leaders

pub async fn work_leaders_page(cx: &Cx) -> Result<WorkLeadersPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let leaders = db.work_leaders(c.tenant_id).await.map_err(internal)?;
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    let mut recipients: Vec<Person> =
        people.recipients.values().map(|r| Person { id: r.id, name: r.name() }).collect();
    recipients.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(WorkLeadersPage {
        me: me(cx, c),
        leaders: leaders
            .into_iter()
            .map(|w| WorkLeaderView {
                user: w.user_id,
                name: w.name,
                username: w.username,
                active: w.active,
                recipients: w
                    .recipients
                    .into_iter()
                    .map(|(id, name)| Person { id, name })
                    .collect(),
            })
            .collect(),
        recipients,
        flash: cx.take_flash().await,
        form_key: random_token(),
    })
}

/// A new work leader's login (with an invitation link to choose a password).
pub async fn create_work_leader(
    cx: &Cx,
    name: &str,
    username: &str,
    email: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = crate::paths::WORK_LEADERS.to_string();
    let name = match text::clean_text(name, 100) {
        Ok(n) if !n.is_empty() => n,
        _ => return Ok(error(back, T::WorkLeaderNameMissing)),
    };
    super::settings::create_staff_login(cx, c, &name, username, email, Role::WorkLeader, back, key)
        .await
}

/// Gives a recipient of the municipality to one of its work leaders, or takes them away.
pub async fn work_leader_recipient(
    cx: &Cx,
    user: &str,
    recipient: &str,
    on: bool,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = crate::paths::WORK_LEADERS.to_string();
    let (Some(user), Some(recipient)) = (text::id(user), text::id(recipient)) else {
        return Ok(error(back, T::NotAllowed));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if !db.set_work_leader_recipient(c.tenant_id, user, recipient, on).await.map_err(internal)? {
        return Ok(error(back, T::NothingChanged));
    }
    let audit = AuditEntry {
        after: Some(serde_json::json!({ "recipient": recipient, "given": on }).to_string()),
        ..cx.audit_entry("work_leader.scope", format!("user {user}"))
    };
    commit(db, c.user_id, key, audit, notice(back, T::WorkLeaderScopeSaved)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_scales_to_the_largest_figure_and_says_when_the_plan_is_over_the_grant() {
        let b = hours_bar(Some(100 * 60), Decimal::from(120), Decimal::from(30));
        assert_eq!((b.granted_pct, b.planned_pct, b.reported_pct), (83, 100, 25));
        assert!(b.over);
        assert_eq!(b.left.as_deref(), Some("-20.00"));
        let b = hours_bar(None, Decimal::from(10), Decimal::ZERO);
        assert_eq!((b.granted, b.left, b.over), (None, None, false));
    }
}
