//! Schedules (issue 27, the first part): a recipient's base schedule (grundschema), a pattern
//! of one or more weeks, and the month's planned shifts made from it. Pure: a planned shift is
//! a [`TimeRow`] to be (the same wall-clock and daylight-saving arithmetic as a reported row,
//! so the rules can judge a plan as they judge a report), with its assistant or vacant.

use crate::finding::{Finding, RuleId};
use crate::row::{DstFold, RowError, TimeRow};
use crate::rules::{
    Absence, RowFacts, RowRecord, RuleConfig, check_assistant, check_recipient, check_row,
};
use crate::{Assistant, Decision, Recipient, ReportMonth, TimeKind};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// The longest pattern: eight weeks (rotations of two to six weeks are what work leaders use).
pub const MAX_PATTERN_WEEKS: u8 = 8;
/// The most shifts one base schedule holds (eight weeks of round-the-clock double assistance in
/// three shifts a day is 336).
pub const MAX_BASE_SHIFTS: usize = 400;
/// The most shifts a recipient's month holds, cancelled ones too (a month of round-the-clock
/// double assistance in three shifts a day is 186; extra shifts are added one by one).
pub const MAX_MONTH_SHIFTS: usize = 1_000;

/// One shift of the pattern: in which of its weeks (0 is the first), on which weekday, from
/// when to when (an end at or before the start runs past midnight), the kind of time, and the
/// assistant (`None`: vacant, to be filled).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseShift {
    pub week: u8,
    pub weekday: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub kind: TimeKind,
    pub assistant: Option<i64>,
}

/// A recipient's base schedule: `weeks` weeks long, its first week beginning on the Monday
/// `starts_on`, repeating from then on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseSchedule {
    pub weeks: u8,
    pub starts_on: NaiveDate,
    pub shifts: Vec<BaseShift>,
}

/// What is wrong with a base schedule, or with one of its shifts (by its index).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScheduleError {
    /// Between 1 and [`MAX_PATTERN_WEEKS`] weeks.
    Weeks,
    /// The pattern begins on a Monday.
    NotAMonday,
    TooManyShifts,
    /// A shift in a week the pattern does not have.
    WeekOutsidePattern(usize),
    /// A shift that starts and ends at the same time (24 hours is two shifts).
    NoLength(usize),
}

/// A shift of the month's plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedShift {
    pub row: TimeRow,
    pub assistant: Option<i64>,
}

/// A base shift that cannot be planned on a day (its time does not exist that day), for the
/// planner to move: the day, the shift's index in the base schedule, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplannable {
    pub day: NaiveDate,
    pub shift: usize,
    pub why: Vec<RowError>,
}

impl BaseSchedule {
    /// Every problem of the schedule, none when it can be used.
    pub fn check(&self) -> Vec<ScheduleError> {
        let mut problems = vec![];
        if self.weeks == 0 || self.weeks > MAX_PATTERN_WEEKS {
            problems.push(ScheduleError::Weeks);
        }
        if self.starts_on.weekday() != Weekday::Mon {
            problems.push(ScheduleError::NotAMonday);
        }
        if self.shifts.len() > MAX_BASE_SHIFTS {
            problems.push(ScheduleError::TooManyShifts);
        }
        for (i, s) in self.shifts.iter().enumerate() {
            if s.week >= self.weeks {
                problems.push(ScheduleError::WeekOutsidePattern(i));
            }
            if s.start == s.end {
                problems.push(ScheduleError::NoLength(i));
            }
        }
        problems
    }

    /// Whether `new` would run at the same time as one of the pattern's shifts (two
    /// assistants at once, which only a decision with double assistance allows). Measured on
    /// the pattern's own clock, minutes from its first Monday 00:00, wrapping at its end (a
    /// night on the last Sunday reaches into the first Monday); daylight saving does not move
    /// a pattern.
    pub fn overlaps(&self, new: &BaseShift) -> bool {
        let length = i64::from(self.weeks.max(1)) * 7 * 1440;
        let span = |s: &BaseShift| {
            let minutes = |t: NaiveTime| i64::from(t.num_seconds_from_midnight() / 60);
            let start = (i64::from(s.week) * 7 + i64::from(s.weekday.num_days_from_monday()))
                * 1440
                + minutes(s.start);
            let mut end = minutes(s.end) + (start - minutes(s.start));
            if s.end <= s.start {
                end += 1440;
            }
            (start, end)
        };
        let (a0, a1) = span(new);
        self.shifts.iter().any(|s| {
            let (b0, b1) = span(s);
            // Compare once as they are and once shifted by the pattern's length either way.
            [-length, 0, length].iter().any(|k| a0 < b1 + k && b0 + k < a1)
        })
    }

    /// The pattern's week a day falls in, `None` before the schedule begins.
    pub fn week_of(&self, day: NaiveDate) -> Option<u8> {
        let days = (day - self.starts_on).num_days();
        (days >= 0 && self.weeks > 0).then(|| ((days / 7) % i64::from(self.weeks)) as u8)
    }

    /// The month's planned shifts, each on the day it starts (a night shift of the month's
    /// last day belongs to the month). A time in the hour repeated the night summer time ends
    /// is read as the first pass for a start and the second for an end (the longer shift, as
    /// worked); a shift at a time that does not exist (the hour skipped when summer time
    /// starts) cannot be planned and is returned with its day, its index and why, for the
    /// planner to move.
    pub fn month_shifts(&self, month: ReportMonth) -> (Vec<PlannedShift>, Vec<Unplannable>) {
        let (mut planned, mut problems) = (vec![], vec![]);
        if !self.check().is_empty() {
            return (planned, problems);
        }
        let mut day = month.first_day();
        while month.contains(day) {
            if let Some(week) = self.week_of(day) {
                for (i, s) in self.shifts.iter().enumerate() {
                    if s.week != week || s.weekday != day.weekday() {
                        continue;
                    }
                    let next_day = s.end <= s.start;
                    let row = TimeRow::with_folds(
                        day,
                        s.start,
                        s.end,
                        next_day,
                        s.kind,
                        Some(DstFold::Summer),
                        Some(DstFold::Winter),
                    );
                    match row {
                        Ok(row) => planned.push(PlannedShift { row, assistant: s.assistant }),
                        Err(why) => problems.push(Unplannable { day, shift: i, why }),
                    }
                }
            }
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        planned.sort_by_key(|p| p.row.start_at());
        (planned, problems)
    }
}

/// What the rules need to know to judge a plan: the municipality's register as it stands.
pub struct PlanFacts<'a> {
    pub assistants: &'a HashMap<i64, Assistant>,
    pub recipients: &'a HashMap<i64, Recipient>,
    /// (assistant, recipient) pairs with an assignment.
    pub assignments: &'a [(i64, i64)],
    pub decisions: &'a [Decision],
    pub absences: &'a [Absence],
    pub config: &'a RuleConfig,
}

/// A shift of the month's plan still to be worked (not cancelled, not yet confirmed or marked
/// as not worked) and with an assistant: what the rules judge.
#[derive(Clone, Copy, Debug)]
pub struct OpenShift<'a> {
    pub id: i64,
    pub recipient: i64,
    pub assistant: i64,
    pub row: &'a TimeRow,
}

/// What the rules say of a plan, by shift id.
#[derive(Clone, Debug, Default)]
pub struct PlanCheck {
    pub findings: HashMap<i64, Vec<Finding>>,
    /// Shifts whose assistant has no assignment with the recipient.
    pub not_assigned: HashSet<i64>,
}

/// Judges the month's open shifts as the rules judge reported rows: each shift as a row
/// (V2, V4, V8), each assistant's shifts with their reported rows (V3 two places at once, V5
/// by their regime) and each recipient's (V7 without double assistance). A shift is a
/// [`RowRecord`] with its id made negative, so it is never taken for a reported row. `open`
/// should be the whole municipality's month (an assistant planned elsewhere is seen);
/// `reported` its rows and a week either side.
pub fn check_plan(
    month: ReportMonth,
    open: &[OpenShift],
    reported: &[RowRecord],
    facts: &PlanFacts,
) -> PlanCheck {
    let mut check = PlanCheck::default();
    let record = |s: &OpenShift| RowRecord {
        id: -s.id,
        assistant: s.assistant,
        recipient: s.recipient,
        row: s.row.clone(),
    };
    let assigned: HashSet<(i64, i64)> = facts.assignments.iter().copied().collect();
    let mut decisions_of: HashMap<i64, Vec<Decision>> = HashMap::new();
    for d in facts.decisions {
        decisions_of.entry(d.recipient).or_default().push(d.clone());
    }
    let mut absences_of: HashMap<i64, Vec<Absence>> = HashMap::new();
    for a in facts.absences {
        absences_of.entry(a.recipient).or_default().push(a.clone());
    }
    let mut row_facts: HashMap<(i64, i64), Option<RowFacts>> = HashMap::new();
    for s in open {
        if !assigned.contains(&(s.assistant, s.recipient)) {
            check.not_assigned.insert(s.id);
            continue;
        }
        let f = row_facts.entry((s.assistant, s.recipient)).or_insert_with(|| {
            let a = facts.assistants.get(&s.assistant)?;
            let r = facts.recipients.get(&s.recipient)?;
            let none = vec![];
            Some(RowFacts::new(
                a,
                r,
                decisions_of.get(&s.recipient).unwrap_or(&none),
                absences_of.get(&s.recipient).unwrap_or(&vec![]),
            ))
        });
        if let Some(f) = f {
            let found = check_row(&record(s), month, f, facts.config);
            if !found.is_empty() {
                check.findings.entry(s.id).or_default().extend(found);
            }
        }
    }
    let mut attach = |found: Vec<Finding>, rule: &dyn Fn(RuleId) -> bool| {
        for f in found.into_iter().filter(|f| rule(f.rule)) {
            for id in f.rows.iter().filter(|id| **id < 0) {
                let list = check.findings.entry(-id).or_default();
                if !list.contains(&f) {
                    list.push(f.clone());
                }
            }
        }
    };
    // Per assistant: their open shifts and their reported rows.
    let mut by_assistant: BTreeMap<i64, Vec<RowRecord>> = BTreeMap::new();
    for s in open {
        by_assistant.entry(s.assistant).or_default().push(record(s));
    }
    for r in reported {
        if let Some(list) = by_assistant.get_mut(&r.assistant) {
            list.push(r.clone());
        }
    }
    for (a, records) in &by_assistant {
        let Some(assistant) = facts.assistants.get(a) else { continue };
        let refs: Vec<&RowRecord> = records.iter().collect();
        attach(check_assistant(assistant.regime, &refs, facts.config), &|r| {
            matches!(r, RuleId::V3 | RuleId::V5)
        });
    }
    // Per recipient: two assistants at once.
    let mut by_recipient: BTreeMap<i64, Vec<RowRecord>> = BTreeMap::new();
    for s in open {
        by_recipient.entry(s.recipient).or_default().push(record(s));
    }
    for r in reported.iter().filter(|r| month.contains(r.row.date())) {
        if let Some(list) = by_recipient.get_mut(&r.recipient) {
            list.push(r.clone());
        }
    }
    let none = vec![];
    for (r, records) in &by_recipient {
        let refs: Vec<&RowRecord> = records.iter().collect();
        let decisions = decisions_of.get(r).unwrap_or(&none);
        attach(check_recipient(month, &refs, decisions, facts.config), &|r| r == RuleId::V7);
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::row::RowField;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn shift(week: u8, weekday: Weekday, start: NaiveTime, end: NaiveTime, who: i64) -> BaseShift {
        BaseShift { week, weekday, start, end, kind: TimeKind::Aktiv, assistant: Some(who) }
    }

    fn nightly(start: NaiveTime, end: NaiveTime) -> BaseSchedule {
        use Weekday::*;
        BaseSchedule {
            weeks: 1,
            starts_on: d(2026, 1, 5),
            shifts: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
                .into_iter()
                .map(|w| shift(0, w, start, end, 7))
                .collect(),
        }
    }

    #[test]
    fn a_night_shift_is_ten_hours_the_autumn_night_and_eight_the_spring_night() {
        let plan = nightly(t(22, 0), t(7, 0));
        let month = |y, m| ReportMonth::of(d(y, m, 1)).unwrap();
        let hours = |p: &PlannedShift| p.row.minutes().0 as f64 / 60.0;
        // Summer time ends the night to Sunday 25 October 2026.
        let (october, problems) = plan.month_shifts(month(2026, 10));
        assert!(problems.is_empty());
        assert_eq!(october.len(), 31, "one a night, the 31st's runs into November");
        let autumn = october.iter().find(|p| p.row.date() == d(2026, 10, 24)).unwrap();
        assert_eq!(hours(autumn), 10.0);
        assert!(
            october.iter().filter(|p| p.row.date() != d(2026, 10, 24)).all(|p| hours(p) == 9.0)
        );
        // Summer time begins the night to Sunday 29 March 2026.
        let (march, _) = plan.month_shifts(month(2026, 3));
        let spring = march.iter().find(|p| p.row.date() == d(2026, 3, 28)).unwrap();
        assert_eq!(hours(spring), 8.0);
        assert_eq!(march.last().unwrap().row.date(), d(2026, 3, 31));
    }

    #[test]
    fn a_two_week_pattern_alternates_from_its_first_monday_and_plans_nothing_before_it() {
        let plan = BaseSchedule {
            weeks: 2,
            starts_on: d(2026, 11, 9),
            shifts: vec![
                shift(0, Weekday::Mon, t(8, 0), t(16, 0), 1),
                shift(1, Weekday::Mon, t(8, 0), t(16, 0), 2),
            ],
        };
        assert!(plan.check().is_empty());
        let (shifts, _) = plan.month_shifts(ReportMonth::of(d(2026, 11, 1)).unwrap());
        let who: Vec<(u32, Option<i64>)> =
            shifts.iter().map(|p| (p.row.date().day(), p.assistant)).collect();
        // Monday 2 November is before the schedule; then weeks 0, 1, 0.
        assert_eq!(who, vec![(9, Some(1)), (16, Some(2)), (23, Some(1)), (30, Some(2))]);
        assert!(shifts.iter().all(|p| p.row.minutes().0 == 480));
    }

    #[test]
    fn the_repeated_hour_is_read_as_worked_and_the_skipped_hour_is_returned_to_the_planner() {
        // A shift 02:30–02:45 the autumn night: the first 02:30 to the second 02:45, 75 minutes.
        let mut plan = nightly(t(2, 30), t(2, 45));
        plan.shifts.retain(|s| s.weekday == Weekday::Sun);
        let (shifts, problems) = plan.month_shifts(ReportMonth::of(d(2026, 10, 1)).unwrap());
        assert!(problems.is_empty());
        let autumn = shifts.iter().find(|p| p.row.date() == d(2026, 10, 25)).unwrap();
        assert_eq!(autumn.row.minutes().0, 75);
        // The spring night, 02:30 does not exist: not planned, said.
        let (shifts, problems) = plan.month_shifts(ReportMonth::of(d(2026, 3, 1)).unwrap());
        assert!(shifts.iter().all(|p| p.row.date() != d(2026, 3, 29)));
        assert_eq!(problems.len(), 1);
        assert_eq!((problems[0].day, problems[0].shift), (d(2026, 3, 29), 0));
        assert!(problems[0].why.contains(&RowError::TimeNonexistent(RowField::Start)));
    }

    #[test]
    fn a_schedule_that_cannot_be_used_says_why_and_plans_nothing() {
        let plan = BaseSchedule {
            weeks: 2,
            starts_on: d(2026, 11, 10),
            shifts: vec![
                shift(2, Weekday::Mon, t(8, 0), t(16, 0), 1),
                shift(0, Weekday::Tue, t(8, 0), t(8, 0), 1),
            ],
        };
        assert_eq!(
            plan.check(),
            vec![
                ScheduleError::NotAMonday,
                ScheduleError::WeekOutsidePattern(0),
                ScheduleError::NoLength(1)
            ]
        );
        let (shifts, _) = plan.month_shifts(ReportMonth::of(d(2026, 11, 1)).unwrap());
        assert!(shifts.is_empty());
        let none = BaseSchedule { weeks: 0, starts_on: d(2026, 11, 9), shifts: vec![] };
        assert_eq!(none.check(), vec![ScheduleError::Weeks]);
        assert_eq!(none.week_of(d(2026, 11, 20)), None);
    }

    #[test]
    fn shifts_at_the_same_time_are_found_across_midnight_and_the_patterns_end() {
        let shift = |week, weekday, start, end| BaseShift {
            week,
            weekday,
            start,
            end,
            kind: TimeKind::Aktiv,
            assistant: Some(1),
        };
        let base = BaseSchedule {
            weeks: 2,
            starts_on: d(2026, 10, 5),
            shifts: vec![
                shift(0, Weekday::Mon, t(8, 0), t(16, 0)),
                shift(1, Weekday::Sun, t(22, 0), t(7, 0)),
            ],
        };
        // Same day, overlapping and just touching.
        assert!(base.overlaps(&shift(0, Weekday::Mon, t(15, 0), t(20, 0))));
        assert!(!base.overlaps(&shift(0, Weekday::Mon, t(16, 0), t(22, 0))));
        // The same time in the other week is another day.
        assert!(!base.overlaps(&shift(1, Weekday::Mon, t(8, 0), t(16, 0))));
        // The last Sunday's night reaches into the first Monday morning.
        assert!(base.overlaps(&shift(0, Weekday::Mon, t(6, 0), t(7, 0))));
        assert!(!base.overlaps(&shift(0, Weekday::Mon, t(7, 0), t(8, 0))));
    }
}
