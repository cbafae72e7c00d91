//! The validation engine: rules V1–V10 of the domain brief. Each rule is a function giving
//! findings ([`crate::finding`]): an id, a severity (configurable where the brief says so), the
//! rows concerned and the facts, which the app words in Swedish or English (`app::i18n`).
//! Pure: the phone and the server run the same code.

pub use super::finding::{AbsenceKind, Finding, RuleId, Severity, What};
use super::people::{AssistantId, RecipientId};
use super::row::midnight_utc;
use super::{
    Assistant, Decision, Minutes, MonthStatus, Recipient, Regime, ReportMonth, TimeKind, TimeRow,
    Totals,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A stored row as the rules see it.
#[derive(Clone, Debug)]
pub struct RowRecord {
    pub id: i64,
    pub assistant: AssistantId,
    pub recipient: RecipientId,
    pub row: TimeRow,
}

/// Tags findings with the register entries they concern.
fn about(
    findings: Vec<Finding>,
    assistant: Option<AssistantId>,
    recipient: Option<RecipientId>,
) -> impl Iterator<Item = Finding> {
    findings.into_iter().map(move |f| Finding {
        assistant: f.assistant.or(assistant),
        recipient: f.recipient.or(recipient),
        ..f
    })
}

/// Where the brief leaves a choice, it is a setting (brief: make uncertain rules configurable).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleConfig {
    /// Does beredskap count as working time for V5? Depends on the collective agreement.
    pub beredskap_is_work: bool,
    pub daily_rest: Minutes,
    pub weekly_rest: Minutes,
    /// Severity of the V5 checks (shift length under AB bilaga J is always an error).
    pub working_time_severity: Severity,
    /// V6: warn from this share of the granted hours, in percent.
    pub grant_warn_percent: i64,
    /// V8: longest hospital stay with assistance, in days.
    pub max_hospital_days: i64,
    /// V5 (AB bilaga J): the longest shift including jour, and with a recorded decision on
    /// 24-hour shifts.
    pub max_shift: Minutes,
    pub max_shift_by_decision: Minutes,
    /// V5: does beredskap count toward a shift's length?
    pub shift_counts_beredskap: bool,
    /// V5 (AB bilaga J): the longest pass of active work only, start to end with its breaks.
    pub max_active_pass: Minutes,
}

impl Default for RuleConfig {
    fn default() -> Self {
        Self {
            beredskap_is_work: false,
            daily_rest: Minutes(11 * 60),
            weekly_rest: Minutes(36 * 60),
            working_time_severity: Severity::Warning,
            grant_warn_percent: 90,
            max_hospital_days: 28,
            max_shift: Minutes(20 * 60),
            max_shift_by_decision: Minutes(24 * 60),
            shift_counts_beredskap: true,
            max_active_pass: Minutes(13 * 60),
        }
    }
}

/// A period when the recipient is in hospital, school, daily activity or childcare (V8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Absence {
    pub recipient: RecipientId,
    pub kind: AbsenceKind,
    pub from: NaiveDate,
    /// Inclusive.
    pub to: NaiveDate,
    /// A special decision allows assistance during it.
    pub assistance_allowed: bool,
}

fn finding(rule: RuleId, severity: Severity, rows: Vec<i64>, what: What) -> Finding {
    Finding { rule, severity, rows, what, assistant: None, recipient: None }
}

/// Does this finding refuse a row? Time that was worked is always recorded (wages are owed
/// even when FK will not pay): the assistant's eligibility (V2) and working-time limits (V5)
/// are errors that keep the row out of the FK claim until fixed, but the row is saved.
/// Overlaps (V3) and kinds the decision does not grant (V4) are mistakes in the row itself.
pub fn blocks_saving(f: &Finding) -> bool {
    f.severity == Severity::Error && !matches!(f.rule, RuleId::V2 | RuleId::V5)
}

// ---------------------------------------------------------------- V1

/// V1 at the boundary: parse a number typed or imported, or say why not.
pub fn v1_parse(raw: &str, who: &str) -> Result<super::Personnummer, Finding> {
    super::Personnummer::parse(raw).map_err(|_| {
        finding(RuleId::V1, Severity::Error, vec![], What::PersonnummerInvalid { who: who.into() })
    })
}

/// V1 on known people: a recipient needs a real personnummer (samordningsnummer only for assistants).
pub fn v1_recipients<'a>(recipients: impl IntoIterator<Item = &'a Recipient>) -> Vec<Finding> {
    recipients
        .into_iter()
        .filter(|r| r.personnummer.is_samordningsnummer())
        .map(|r| {
            finding(
                RuleId::V1,
                Severity::Error,
                vec![],
                What::RecipientHasSamordningsnummer { recipient: r.name() },
            )
        })
        .collect()
}

// ---------------------------------------------------------------- per-row rules (V2, V3 month, V4, V8)

/// What the per-row rules need to know of the assistant, the recipient and the decisions.
/// It holds no personnummer (only the birth date), so it can be sent to the phone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowFacts {
    pub assistant_name: String,
    /// None when neither the number nor an administrator gives it: V2 then asks for it.
    pub birth_date: Option<NaiveDate>,
    pub eea_resident: bool,
    pub regime: Regime,
    pub recipient: RecipientId,
    pub recipient_name: String,
    /// Date of the 3066 / E-IOA notice for this recipient.
    pub fk_notified: Option<NaiveDate>,
    pub relative: bool,
    /// What the recipient's decisions grant, day by day.
    pub grants: Vec<GrantFacts>,
    pub absences: Vec<Absence>,
}

/// The part of a decision the per-row rules need (kept small: it is sent to the phone).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantFacts {
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub vantetid_allowed: bool,
    pub beredskap_allowed: bool,
}

impl From<&Decision> for GrantFacts {
    fn from(d: &Decision) -> Self {
        Self {
            valid_from: d.valid_from,
            valid_to: d.valid_to,
            vantetid_allowed: d.vantetid_allowed,
            beredskap_allowed: d.beredskap_allowed,
        }
    }
}

impl RowFacts {
    pub fn new(a: &Assistant, r: &Recipient, decisions: &[Decision], absences: &[Absence]) -> Self {
        Self {
            assistant_name: a.name(),
            birth_date: a.birth_date(),
            eea_resident: a.eea_resident,
            regime: a.regime,
            recipient: r.id,
            recipient_name: r.name(),
            fk_notified: a.fk_notified.get(&r.id).copied(),
            relative: a.relative_of.contains(&r.id),
            grants: decisions
                .iter()
                .filter(|d| d.recipient == r.id)
                .map(GrantFacts::from)
                .collect(),
            absences: absences.iter().filter(|ab| ab.recipient == r.id).cloned().collect(),
        }
    }
}

/// Rules that need only the row and its facts: V2, V3 (inside the month), V4, V8, and the
/// shift-length part of V5 under AB bilaga J. The add-row form runs them as you type (in the
/// browser) and the server runs them again before saving.
pub fn check_row(
    r: &RowRecord,
    month: ReportMonth,
    facts: &RowFacts,
    config: &RuleConfig,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let ids = || vec![r.id];
    let date = r.row.date();
    let f = facts;

    // V2
    match f.fk_notified {
        Some(n) if n < date => {}
        Some(n) if n == date => out.push(finding(
            RuleId::V2,
            Severity::Warning,
            ids(),
            What::NotifiedSameDay {
                assistant: f.assistant_name.clone(),
                recipient: f.recipient_name.clone(),
                notified: n,
            },
        )),
        n => out.push(finding(
            RuleId::V2,
            Severity::Error,
            ids(),
            What::NotNotified {
                assistant: f.assistant_name.clone(),
                recipient: f.recipient_name.clone(),
                notified: n,
            },
        )),
    }
    // The age is judged for each day's part: a night into the 18th birthday is under age only
    // before midnight (the finding names that day).
    match f.birth_date {
        Some(born) => {
            let under = r
                .row
                .day_parts()
                .into_iter()
                .map(|p| (p.date, super::personnummer::age_on(born, p.date)))
                .find(|(_, age)| *age < 18);
            if let Some((day, age)) = under {
                out.push(finding(
                    RuleId::V2,
                    Severity::Error,
                    ids(),
                    What::UnderAge { assistant: f.assistant_name.clone(), age, date: day },
                ));
            }
        }
        None => out.push(finding(
            RuleId::V2,
            Severity::Error,
            ids(),
            What::BirthDateMissing { assistant: f.assistant_name.clone() },
        )),
    }
    if !f.eea_resident {
        out.push(finding(
            RuleId::V2,
            Severity::Error,
            ids(),
            What::OutsideEea { assistant: f.assistant_name.clone() },
        ));
    }
    if f.relative {
        out.push(finding(
            RuleId::V2,
            Severity::Info,
            ids(),
            What::Relative {
                assistant: f.assistant_name.clone(),
                recipient: f.recipient_name.clone(),
            },
        ));
    }

    // V3: the row starts in the report month (a part after midnight into the next month is
    // split off at export).
    if !month.contains(date) {
        out.push(finding(RuleId::V3, Severity::Error, ids(), What::OutsideMonth { month }));
    }

    // V4: väntetid and beredskap only where a decision grants them, judged for each day's part
    // of the row (a night can run past the decision's last day). Every decision covering the
    // day counts: one that grants the kind is enough. Each problem is said once per row, for
    // the first day it concerns.
    let v4_from = out.len();
    for part in r.row.day_parts() {
        let day = part.date;
        let said =
            |out: &[Finding], same: fn(&What) -> bool| out[v4_from..].iter().any(|f| same(&f.what));
        let covering: Vec<&GrantFacts> =
            f.grants.iter().filter(|g| g.valid_from <= day && day <= g.valid_to).collect();
        if covering.is_empty() {
            if !said(&out, |w| matches!(w, What::NoDecision { .. })) {
                out.push(finding(
                    RuleId::V4,
                    Severity::Warning,
                    ids(),
                    What::NoDecision { date: day },
                ));
            }
        } else if !said(&out, |w| matches!(w, What::KindNotGranted { .. })) {
            let granted = |d: &&GrantFacts| match r.row.kind() {
                TimeKind::Aktiv => true,
                TimeKind::Vantetid => d.vantetid_allowed,
                TimeKind::Beredskap => d.beredskap_allowed,
            };
            if !covering.iter().any(granted) {
                out.push(finding(
                    RuleId::V4,
                    Severity::Error,
                    ids(),
                    What::KindNotGranted { kind: r.row.kind(), date: day },
                ));
            }
        }
    }

    // V5 (AB bilaga J): the row alone is already a too long shift.
    if let Regime::AbBilagaJ { allow_24h_shifts, .. } = f.regime {
        let limit = shift_limit(allow_24h_shifts, config);
        let counts = r.row.kind() != TimeKind::Beredskap || config.shift_counts_beredskap;
        if counts && r.row.minutes() > limit {
            out.push(finding(
                RuleId::V5,
                Severity::Error,
                ids(),
                What::ShiftTooLong { minutes: r.row.minutes(), limit },
            ));
        }
    }

    // V8
    for part in r.row.day_parts() {
        for ab in f.absences.iter().filter(|ab| {
            ab.recipient == f.recipient
                && !ab.assistance_allowed
                && ab.from <= part.date
                && part.date <= ab.to
        }) {
            out.push(finding(
                RuleId::V8,
                Severity::Warning,
                ids(),
                What::DuringAbsence { kind: ab.kind, date: part.date },
            ));
        }
    }
    out
}

fn shift_limit(allow_24h: bool, config: &RuleConfig) -> Minutes {
    if allow_24h { config.max_shift_by_decision } else { config.max_shift }
}

// ---------------------------------------------------------------- V3 overlap and V5, per assistant

/// A continuous stretch of work: touching or overlapping rows merged (across recipients).
#[derive(Clone, Debug)]
struct Shift {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    /// Working minutes (beredskap excluded unless configured).
    work: i64,
    rows: Vec<i64>,
    /// Lengthened with jour (väntetid, or beredskap where it counts).
    jour: bool,
}

/// Touching or overlapping rows of the kinds `counts` keeps, merged into continuous stretches
/// (`rows` sorted by start).
fn merge(rows: &[&RowRecord], counts: impl Fn(TimeKind) -> bool) -> Vec<Shift> {
    let mut shifts: Vec<Shift> = Vec::new();
    for r in rows.iter().filter(|r| counts(r.row.kind())) {
        let (s, e, m) = (r.row.start_at(), r.row.end_at(), r.row.minutes().0);
        let jour = r.row.kind() != TimeKind::Aktiv;
        match shifts.last_mut() {
            Some(last) if s <= last.end => {
                if e > last.end {
                    last.end = e;
                }
                last.work += m;
                last.rows.push(r.id);
                last.jour |= jour;
            }
            _ => shifts.push(Shift { start: s, end: e, work: m, rows: vec![r.id], jour }),
        }
    }
    shifts
}

/// V3 overlaps and V5 working-time limits for one assistant, over all their rows (any
/// recipient). `rows` need not be sorted.
pub fn check_assistant(regime: Regime, rows: &[&RowRecord], config: &RuleConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut sorted: Vec<&RowRecord> = rows.to_vec();
    sorted.sort_by_key(|r| (r.row.start_at(), r.row.end_at(), r.id));

    // V3: overlaps. Sweep, keeping the row that reaches furthest.
    let mut reach: Option<&RowRecord> = None;
    for r in &sorted {
        if let Some(prev) = reach {
            if r.row.start_at() < prev.row.end_at() {
                out.push(finding(
                    RuleId::V3,
                    Severity::Error,
                    vec![prev.id, r.id],
                    What::Overlap { date: r.row.date() },
                ));
            }
            if r.row.end_at() > prev.row.end_at() {
                reach = Some(r);
            }
        } else {
            reach = Some(r);
        }
    }

    // Shifts: merge touching/overlapping rows that count as work (rest rules and averages).
    let counts = |k: TimeKind| k != TimeKind::Beredskap || config.beredskap_is_work;
    let shifts = merge(&sorted, counts);
    let sev = config.working_time_severity;
    let local_date = |t: DateTime<Utc>| t.with_timezone(&super::TZ).date_naive();

    // AB bilaga J: the limits that count a shift — its length including jour (20 h, 24 h by
    // decision), the rest after a pass lengthened with jour (at least as long as the pass) and
    // a pass of active work only (13 h) — are measured on one thing, the pass, whether it is
    // one row or several:
    // - the rows that count toward a shift: aktiv, väntetid, and beredskap where
    //   `shift_counts_beredskap` says so (the same setting the single-row check uses);
    // - joined into one pass while the break between them is shorter than the daily rest
    //   (11 h by default): a break is not rest, and the daily rest is the rest the agreement
    //   requires between two passes (domain brief §5), so a 30-minute break, or an evening and
    //   the next morning with 8 hours between, are one pass;
    // - measured from its first start to its last end, breaks included.
    // A pass that is a single row is the row's own check (`check_row`).
    if let Regime::AbBilagaJ { allow_24h_shifts, .. } = regime {
        let limit = shift_limit(allow_24h_shifts, config);
        let in_shift = |k: TimeKind| k != TimeKind::Beredskap || config.shift_counts_beredskap;
        let stretches = merge(&sorted, in_shift);
        let mut passes: Vec<Shift> = Vec::new();
        for st in stretches {
            match passes.last_mut() {
                Some(p) if (st.start - p.end).num_minutes() < config.daily_rest.0 => {
                    p.end = p.end.max(st.end);
                    p.work += st.work;
                    p.rows.extend(st.rows);
                    p.jour |= st.jour;
                }
                _ => passes.push(st),
            }
        }
        for (i, pass) in passes.iter().enumerate() {
            let len = Minutes((pass.end - pass.start).num_minutes());
            if len > limit && pass.rows.len() > 1 {
                out.push(finding(
                    RuleId::V5,
                    Severity::Error,
                    pass.rows.clone(),
                    What::ShiftTooLong { minutes: len, limit },
                ));
            }
            if !pass.jour && len > config.max_active_pass {
                out.push(finding(
                    RuleId::V5,
                    sev,
                    pass.rows.clone(),
                    What::PassTooLong { minutes: len, limit: config.max_active_pass },
                ));
            }
            // The rest at least as long as the pass applies to passes lengthened with jour,
            // never to a break or a split shift of active work.
            if let (true, Some(next)) = (pass.jour, passes.get(i + 1)) {
                let rest = Minutes((next.start - pass.end).num_minutes());
                if rest < len {
                    out.push(finding(
                        RuleId::V5,
                        sev,
                        next.rows.clone(),
                        What::RestAfterShiftTooShort { rest, shift: len },
                    ));
                }
            }
        }
    }

    // Daily rest: every 24 h window that starts with a shift holds `daily_rest` of rest.
    // Under AB bilaga J, long shifts with jour are governed by the rest-after-shift rule.
    for i in 0..shifts.len() {
        let long = (shifts[i].end - shifts[i].start).num_minutes() > 13 * 60;
        if matches!(regime, Regime::AbBilagaJ { .. }) && long && shifts[i].jour {
            continue;
        }
        if max_rest_in_window(&shifts, i, Duration::hours(24)) < config.daily_rest.0 {
            out.push(finding(
                RuleId::V5,
                sev,
                shifts[i].rows.clone(),
                What::DailyRestMissing { date: local_date(shifts[i].start) },
            ));
        }
    }
    // Weekly rest: every 7-day window that starts with a shift holds `weekly_rest` of rest.
    let mut reported_until = None;
    for i in 0..shifts.len() {
        if reported_until.is_some_and(|u| shifts[i].start < u) {
            continue;
        }
        if max_rest_in_window(&shifts, i, Duration::days(7)) < config.weekly_rest.0 {
            out.push(finding(
                RuleId::V5,
                sev,
                shifts[i].rows.clone(),
                What::WeeklyRestMissing { from: local_date(shifts[i].start) },
            ));
            reported_until = Some(shifts[i].start + Duration::days(7));
        }
    }

    // Averages per calculation period.
    let Some(first) = shifts.first().map(|s| local_date(s.start)) else { return out };
    let last = shifts.last().map(|s| local_date(s.end)).unwrap_or(first);
    // Every calculation period the shifts touch (the same periods the 3059 names), as
    // `from..to` with `to` exclusive. Under a collective agreement too: FK pays at most 48 h a
    // week on average (51 kap. 16 § SFB).
    let mut periods: Vec<(NaiveDate, NaiveDate, i64)> = Vec::new();
    let mut day = first;
    while day <= last {
        let (from, to) = regime.period_containing(day);
        let after = to.succ_opt().unwrap_or(NaiveDate::MAX);
        periods.push((from, after, regime.average_limit_per_week()));
        day = after;
    }
    for (from, to, limit_per_week) in periods {
        let (a, b) = (midnight_utc(from), midnight_utc(to));
        let mut total = 0i64;
        let mut concerned = Vec::new();
        for sh in shifts.iter().filter(|s| s.start < b && a < s.end) {
            // Clip to the period by the share of the shift inside it.
            let inside = (sh.end.min(b) - sh.start.max(a)).num_minutes();
            let whole = (sh.end - sh.start).num_minutes().max(1);
            total += sh.work * inside / whole;
            concerned.extend(sh.rows.iter().copied());
        }
        let days = (to - from).num_days();
        // total / (days / 7) > limit  ⇔  total × 7 > limit × days
        if total * 7 > limit_per_week * days {
            out.push(finding(
                RuleId::V5,
                sev,
                concerned,
                What::AverageTooHigh {
                    per_week: Minutes(total * 7 / days),
                    limit: Minutes(limit_per_week),
                    from,
                    to: to.pred_opt().unwrap_or(to),
                },
            ));
        }
    }
    out
}

/// The longest rest inside `[start of shift i, + window)`, in minutes.
fn max_rest_in_window(shifts: &[Shift], i: usize, window: Duration) -> i64 {
    let w_end = shifts[i].start + window;
    let mut best = 0;
    let mut j = i;
    while j < shifts.len() && shifts[j].start < w_end {
        let work_end = shifts[j].end.min(w_end);
        let next_start = shifts.get(j + 1).map(|n| n.start.min(w_end)).unwrap_or(w_end);
        best = best.max((next_start - work_end).num_minutes());
        j += 1;
    }
    best
}

// ---------------------------------------------------------------- V6, V7 per recipient

/// V6 (hours against the decision) and V7 (overlapping assistants) for one recipient in
/// `month`. `rows` are the recipient's rows (all assistants) over at least the spans the
/// decisions count hours over (up to six months back, a week ahead); V7 looks at the month's.
pub fn check_recipient(
    month: ReportMonth,
    rows: &[&RowRecord],
    decisions: &[Decision],
    config: &RuleConfig,
) -> Vec<Finding> {
    let mut out = Vec::new();

    // V7: sweep over the part of each row that falls in the month, wherever the row starts (a
    // night from the previous month's last day reaches into the 1st); report each pair of
    // different assistants that overlap on a date no decision with double assistance covers.
    let (month_start, month_end) =
        (midnight_utc(month.first_day()), midnight_utc(month.next().first_day()));
    let mut sorted: Vec<(DateTime<Utc>, DateTime<Utc>, &RowRecord)> = rows
        .iter()
        .map(|r| (r.row.start_at().max(month_start), r.row.end_at().min(month_end), *r))
        .filter(|(s, e, _)| s < e)
        .collect();
    sorted.sort_by_key(|(s, _, r)| (*s, r.id));
    let mut active: Vec<(DateTime<Utc>, DateTime<Utc>, &RowRecord)> = Vec::new();
    for (start, end, r) in &sorted {
        active.retain(|(_, e, _)| e > start);
        for (_, _, a) in &active {
            if a.assistant != r.assistant {
                // The date the overlap begins on (this row starts it, inside the month).
                let date = start.with_timezone(&super::TZ).date_naive();
                let double = decisions.iter().any(|d| d.covers(date) && d.double_assistance);
                if !double {
                    out.push(finding(
                        RuleId::V7,
                        Severity::Warning,
                        vec![a.id, r.id],
                        What::DoubleWithoutGrant { date },
                    ));
                }
            }
        }
        active.push((*start, *end, r));
    }

    // V6: payable time per span of each decision that touches the month, counted over the
    // whole span (a week or period reaching into other months counts those rows too, and the
    // previous month's last night its part after midnight).
    let payable = |from: NaiveDate, to: NaiveDate| -> (Minutes, Vec<i64>) {
        let mut t = Totals::default();
        let mut ids = Vec::new();
        for r in rows {
            for p in r.row.day_parts().into_iter().filter(|p| from <= p.date && p.date <= to) {
                t.add(p.kind, p.minutes);
                ids.push(r.id);
            }
        }
        ids.dedup();
        // aktiv + väntetid/4 + beredskap/7, kept in minutes (rounded down to the minute).
        (Minutes(t.aktiv.0 + t.vantetid.0 / 4 + t.beredskap.0 / 7), ids)
    };
    for d in decisions.iter().filter(|d| d.overlaps_month(month)) {
        for (from, to, granted) in d.spans_touching(month.first_day(), month.last_day()) {
            let (used, ids) = payable(from, to);
            if used > granted {
                out.push(finding(
                    RuleId::V6,
                    Severity::Warning,
                    ids,
                    What::GrantExceeded { used, granted, from, to },
                ));
            } else if used.0 * 100 >= granted.0 * config.grant_warn_percent && granted.0 > 0 {
                out.push(finding(
                    RuleId::V6,
                    Severity::Warning,
                    vec![],
                    What::GrantApproaching { used, granted, from, to },
                ));
            }
        }
    }
    out
}

/// V8: hospital stays longer than the configured number of days.
pub fn check_absences(absences: &[Absence], config: &RuleConfig) -> Vec<Finding> {
    absences
        .iter()
        .filter(|a| a.kind == AbsenceKind::Hospital)
        .filter_map(|a| {
            let days = (a.to - a.from).num_days() + 1;
            (days > config.max_hospital_days).then(|| {
                finding(
                    RuleId::V8,
                    Severity::Warning,
                    vec![],
                    What::HospitalStayTooLong { from: a.from, days },
                )
            })
        })
        .collect()
}

// ---------------------------------------------------------------- the month: preflight (V9, V10)

/// One assistant × recipient month and where it stands.
#[derive(Clone, Debug)]
pub struct MonthState {
    pub assistant: AssistantId,
    pub recipient: RecipientId,
    pub status: MonthStatus,
}

/// Everything the month's checks need.
pub struct MonthInput<'a> {
    pub month: ReportMonth,
    pub today: NaiveDate,
    /// The month's rows, plus the involved assistants' rows around it (for rest and averages).
    pub rows: &'a [RowRecord],
    pub assistants: &'a HashMap<AssistantId, Assistant>,
    pub recipients: &'a HashMap<RecipientId, Recipient>,
    pub decisions: &'a [Decision],
    pub absences: &'a [Absence],
    pub states: &'a [MonthState],
    /// Recipients whose räkning (3057) is complete and signed; None while BITA has no 3057
    /// signing flow: then each räkning is reported "not signed yet" as a warning of its own.
    pub rakning_complete: Option<&'a [RecipientId]>,
    pub config: &'a RuleConfig,
    /// The municipality's standard amounts, when the caller has them: a month whose year has
    /// none is said (V6, info).
    pub rates: Option<&'a super::RateTable>,
}

/// The result of a month's preflight: every finding, and whether export may proceed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Preflight {
    pub findings: Vec<Finding>,
}

impl Preflight {
    pub fn ready(&self) -> bool {
        !self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.severity == Severity::Error)
    }
}

/// Runs every rule over a month: everything standing between the month and an export.
/// The month's rows are checked per scope ([`pair_findings`], [`assistant_findings`],
/// [`recipient_findings`]) and the month's own rules run over what they found
/// ([`month_preflight`]): the app keeps each scope's findings and recomputes only the scopes
/// a change touched, through these same functions.
pub fn preflight(input: &MonthInput) -> Preflight {
    let in_month: Vec<&RowRecord> =
        input.rows.iter().filter(|r| input.month.contains(r.row.date())).collect();
    let mut scoped = Vec::new();
    // Per row, by assistant × recipient pair.
    let mut by_pair: std::collections::BTreeMap<(AssistantId, RecipientId), Vec<&RowRecord>> =
        Default::default();
    for r in &in_month {
        by_pair.entry((r.assistant, r.recipient)).or_default().push(r);
    }
    for ((a, r), rows) in &by_pair {
        scoped.extend(pair_findings(
            input.month,
            rows,
            input.assistants.get(a),
            input.recipients.get(r),
            input.decisions,
            input.absences,
            input.config,
        ));
    }
    // Per assistant, over all their rows (those around the month give the rest rules and
    // averages their context).
    let mut by_assistant: std::collections::BTreeMap<AssistantId, Vec<&RowRecord>> =
        Default::default();
    for r in input.rows {
        by_assistant.entry(r.assistant).or_default().push(r);
    }
    for (id, rows) in &by_assistant {
        scoped.extend(assistant_findings(
            input.month,
            input.assistants.get(id),
            rows,
            input.config,
        ));
    }
    // Per recipient with rows in the month, over all their rows.
    let mut by_recipient: std::collections::BTreeMap<RecipientId, Vec<&RowRecord>> =
        Default::default();
    for r in &in_month {
        by_recipient.entry(r.recipient).or_default();
    }
    for r in input.rows {
        if let Some(v) = by_recipient.get_mut(&r.recipient) {
            v.push(r);
        }
    }
    for (rid, rows) in &by_recipient {
        scoped.extend(recipient_findings(input.month, *rid, rows, input.decisions, input.config));
    }
    let with_rows: Vec<RecipientId> = by_recipient.keys().copied().collect();
    month_preflight(input, &with_rows, scoped)
}

/// The per-row rules (V2–V5, V8) over one assistant × recipient pair's rows in the month.
/// Nothing when either is missing from the register.
pub fn pair_findings(
    month: ReportMonth,
    rows: &[&RowRecord],
    assistant: Option<&Assistant>,
    recipient: Option<&Recipient>,
    decisions: &[Decision],
    absences: &[Absence],
    config: &RuleConfig,
) -> Vec<Finding> {
    let (Some(a), Some(r)) = (assistant, recipient) else { return vec![] };
    let facts = RowFacts::new(a, r, decisions, absences);
    rows.iter()
        .filter(|row| month.contains(row.row.date()))
        .flat_map(|row| about(check_row(row, month, &facts, config), Some(a.id), Some(r.id)))
        .collect()
}

/// The rest and working-time rules (V3, V5) over one assistant's rows around the month,
/// those that concern a row of the month.
pub fn assistant_findings(
    month: ReportMonth,
    assistant: Option<&Assistant>,
    rows: &[&RowRecord],
    config: &RuleConfig,
) -> Vec<Finding> {
    let Some(a) = assistant else { return vec![] };
    let in_month: std::collections::HashSet<i64> =
        rows.iter().filter(|r| month.contains(r.row.date())).map(|r| r.id).collect();
    if in_month.is_empty() {
        return vec![];
    }
    about(check_assistant(a.regime, rows, config), Some(a.id), None)
        .filter(|f| f.rows.iter().any(|r| in_month.contains(r)))
        .collect()
}

/// The grant rules (V6, V7) over one recipient's rows (all their assistants') around the
/// month.
pub fn recipient_findings(
    month: ReportMonth,
    recipient: RecipientId,
    rows: &[&RowRecord],
    decisions: &[Decision],
    config: &RuleConfig,
) -> Vec<Finding> {
    let decisions: Vec<Decision> =
        decisions.iter().filter(|d| d.recipient == recipient).cloned().collect();
    about(check_recipient(month, rows, &decisions, config), None, Some(recipient)).collect()
}

/// The month's preflight from its scopes' findings (`scoped`, of [`pair_findings`],
/// [`assistant_findings`] and [`recipient_findings`]) and the recipients with rows in the
/// month: adds what concerns the month itself (V1, V8's absences, V9, V6's standard amount,
/// V10). `input.rows` is not read.
pub fn month_preflight(
    input: &MonthInput,
    with_rows: &[RecipientId],
    scoped: Vec<Finding>,
) -> Preflight {
    let mut findings = Vec::new();
    // V1 for the recipients this month concerns (an old error elsewhere blocks no new month).
    let mut involved: Vec<RecipientId> =
        with_rows.iter().copied().chain(input.states.iter().map(|s| s.recipient)).collect();
    involved.sort();
    involved.dedup();
    for id in &involved {
        findings.extend(about(v1_recipients(input.recipients.get(id)), None, Some(*id)));
    }
    findings.extend(scoped);
    let month_absences: Vec<Absence> = input
        .absences
        .iter()
        .filter(|a| {
            a.from <= input.month.last_day()
                && input.month.first_day() <= a.to
                && involved.contains(&a.recipient)
        })
        .cloned()
        .collect();
    for rid in &involved {
        let theirs: Vec<Absence> =
            month_absences.iter().filter(|a| a.recipient == *rid).cloned().collect();
        findings.extend(about(check_absences(&theirs, input.config), None, Some(*rid)));
    }

    // V9: status of every month and räkning.
    let name_a = |id: AssistantId| input.assistants.get(&id).map(|a| a.name()).unwrap_or_default();
    let name_r = |id: RecipientId| input.recipients.get(&id).map(|r| r.name()).unwrap_or_default();
    for s in input.states {
        if !matches!(s.status, MonthStatus::Attested | MonthStatus::Exported) {
            findings.extend(about(
                vec![finding(
                    RuleId::V9,
                    Severity::Error,
                    vec![],
                    What::MonthNotReady {
                        assistant: name_a(s.assistant),
                        recipient: name_r(s.recipient),
                        status: s.status,
                    },
                )],
                Some(s.assistant),
                Some(s.recipient),
            ));
        }
    }
    let mut with_months: Vec<RecipientId> = input.states.iter().map(|s| s.recipient).collect();
    with_months.sort();
    with_months.dedup();
    for rid in with_months {
        match input.rakning_complete {
            Some(done) if done.contains(&rid) => {}
            Some(_) => findings.extend(about(
                vec![finding(
                    RuleId::V9,
                    Severity::Error,
                    vec![],
                    What::RakningIncomplete { recipient: name_r(rid) },
                )],
                None,
                Some(rid),
            )),
            None => findings.extend(about(
                vec![finding(
                    RuleId::V9,
                    Severity::Warning,
                    vec![],
                    What::RakningNotSigned { recipient: name_r(rid) },
                )],
                None,
                Some(rid),
            )),
        }
    }

    // V9: the 3059 carries the assistant's phone; say where one is missing.
    let mut assistants: Vec<AssistantId> = input.states.iter().map(|s| s.assistant).collect();
    assistants.sort();
    assistants.dedup();
    for aid in assistants {
        if input.assistants.get(&aid).is_some_and(|a| super::fk::elt::phone(&a.phone).is_none()) {
            findings.extend(about(
                vec![finding(
                    RuleId::V9,
                    Severity::Warning,
                    vec![],
                    What::AssistantPhoneMissing { assistant: name_a(aid) },
                )],
                Some(aid),
                None,
            ));
        }
    }
    // V6: an SFB month's amount needs the year's standard amount.
    let year = input.month.year();
    let sfb = input.decisions.iter().any(|d| {
        d.funder == super::Funder::Sfb
            && d.overlaps_month(input.month)
            && involved.contains(&d.recipient)
    });
    if sfb && input.rates.is_some_and(|r| r.standard(year).is_err()) {
        findings.push(finding(
            RuleId::V6,
            Severity::Info,
            vec![],
            What::StandardAmountMissing { year },
        ));
    }

    // V10
    let deadline = input.month.fk_deadline();
    let days_left = (deadline - input.today).num_days();
    findings.push(finding(
        RuleId::V10,
        if days_left < 0 { Severity::Warning } else { Severity::Info },
        vec![],
        What::Deadline { deadline, days_left },
    ));

    findings.sort_by_key(|a| (a.severity, a.rule as u8));
    Preflight { findings }
}

#[cfg(test)]
mod tests;

/// The text of the engine's modules: what a kept finding was computed by. A build whose
/// rules differ in any way has other text, so the app does not use findings an earlier build
/// kept (it compares a hash of this, with the municipality's settings, to each kept entry's).
/// Every module is listed, not only this one, because the rules lean on the rows, kinds,
/// decisions and people of the others.
pub const SOURCES: &[&str] = &[
    include_str!("audit.rs"),
    include_str!("clock.rs"),
    include_str!("decision.rs"),
    include_str!("documents.rs"),
    include_str!("finding.rs"),
    include_str!("fk.rs"),
    include_str!("kind.rs"),
    include_str!("lib.rs"),
    include_str!("month.rs"),
    include_str!("people.rs"),
    include_str!("personnummer.rs"),
    include_str!("rates.rs"),
    include_str!("row.rs"),
    include_str!("rules.rs"),
    include_str!("settings.rs"),
    include_str!("status.rs"),
    include_str!("text.rs"),
];
