//! Issue 27's benchmark (not a timed test): making the month's schedule of a municipality of
//! 1,000 recipients and 5,000 assistants from their base schedules, with all the planning
//! checks (`engine::schedule::month_shifts` for every recipient, then `check_plan` over the
//! whole month: V2, V4, V8 per shift, V3 and V5 per assistant, V7 per recipient).
//!
//!     cargo run --release -p bench --bin schedule
//!
//! Each recipient has five assistants and a two-week pattern of three shifts a day (day,
//! evening, a night of waiting time across midnight): 42 base shifts, about 93 planned shifts
//! a month, 93,000 in all.

use chrono::{NaiveDate, NaiveTime, Weekday};
use engine::rules::RuleConfig;
use engine::schedule::{BaseSchedule, BaseShift, OpenShift, PlanFacts, check_plan};
use engine::{
    Assistant, Decision, Funder, Granted, Minutes, Recipient, ReportMonth, TimeKind, examples,
};
use std::collections::HashMap;
use std::time::Instant;

const RECIPIENTS: i64 = 1_000;
const PER_RECIPIENT: i64 = 5;

fn t(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

fn main() {
    let month = ReportMonth::parse("2027-10").unwrap(); // with the night summer time ends
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let mut assistants: HashMap<i64, Assistant> = HashMap::new();
    let mut recipients: HashMap<i64, Recipient> = HashMap::new();
    let (mut assignments, mut decisions, mut bases) = (vec![], vec![], vec![]);
    let base_assistant = bench::assistants().remove(&0).unwrap();
    for r in 0..RECIPIENTS {
        recipients.insert(r, Recipient { id: r, ..examples::recipient() });
        decisions.push(Decision {
            recipient: r,
            funder: Funder::Sfb,
            granted: Granted::PerMonth(Minutes(744 * 60)),
            valid_from: since,
            valid_to: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
            vantetid_allowed: true,
            beredskap_allowed: true,
            double_assistance: false,
            raised_rate: None,
        });
        let team: Vec<i64> = (0..PER_RECIPIENT).map(|k| r * PER_RECIPIENT + k).collect();
        for a in &team {
            let mut x = Assistant { id: *a, ..base_assistant.clone() };
            x.fk_notified = HashMap::from([(r, since)]);
            assistants.insert(*a, x);
            assignments.push((*a, r));
        }
        let mut shifts = vec![];
        for week in 0..2u8 {
            for day in 0..7u8 {
                for (slot, (start, end, kind)) in [
                    (t(7), t(15), TimeKind::Aktiv),
                    (t(15), t(22), TimeKind::Aktiv),
                    (t(22), t(7), TimeKind::Vantetid),
                ]
                .into_iter()
                .enumerate()
                {
                    let k = (usize::from(week) * 7 + usize::from(day) + slot) % team.len();
                    shifts.push(BaseShift {
                        week,
                        weekday: Weekday::try_from(day).unwrap(),
                        start,
                        end,
                        kind,
                        assistant: Some(team[k]),
                    });
                }
            }
        }
        bases.push((
            r,
            BaseSchedule {
                weeks: 2,
                starts_on: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                shifts,
            },
        ));
    }
    let config = RuleConfig::default();
    let facts = PlanFacts {
        assistants: &assistants,
        recipients: &recipients,
        assignments: &assignments,
        decisions: &decisions,
        absences: &[],
        config: &config,
    };

    let mut times = vec![];
    let (mut planned_count, mut findings) = (0, 0);
    let mut by_rule: std::collections::BTreeMap<String, usize> = Default::default();
    for _ in 0..5 {
        let start = Instant::now();
        let mut planned = vec![];
        for (r, base) in &bases {
            let (shifts, _) = base.month_shifts(month);
            planned.extend(shifts.into_iter().map(|p| (*r, p)));
        }
        let open: Vec<OpenShift> = planned
            .iter()
            .enumerate()
            .filter_map(|(i, (r, p))| {
                Some(OpenShift {
                    id: i as i64 + 1,
                    recipient: *r,
                    assistant: p.assistant?,
                    row: &p.row,
                })
            })
            .collect();
        let check = check_plan(month, &open, &[], &facts);
        times.push(start.elapsed());
        planned_count = planned.len();
        findings = check.findings.values().map(Vec::len).sum::<usize>();
        by_rule.clear();
        for f in check.findings.values().flatten() {
            *by_rule.entry(format!("{:?} {:?}", f.rule, f.severity)).or_default() += 1;
        }
    }
    times.sort();
    println!(
        "month schedule of {RECIPIENTS} recipients, {} assistants: {planned_count} planned shifts, {findings} findings; \
         made and checked in {:.0} ms (median of 5; min {:.0} ms, max {:.0} ms)",
        assistants.len(),
        times[2].as_secs_f64() * 1000.0,
        times[0].as_secs_f64() * 1000.0,
        times[4].as_secs_f64() * 1000.0,
    );
    println!("findings by rule (at the shifts): {by_rule:?}");
}
