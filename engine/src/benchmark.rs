//! Municipalities compare themselves (issue 29): what each measure of a month is, how it is
//! computed from the month's facts, and how the municipalities' figures are summed up (median
//! and quartiles), withheld below [`MIN_CONTRIBUTORS`]. Pure: the facts are read, and the
//! figures kept, by the app.

use crate::ReportMonth;
use crate::finding::RuleId;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A measure is shown over the municipalities only when at least this many gave a figure for
/// it: fewer, and one municipality's own figure could be worked out from what is shown.
pub const MIN_CONTRIBUTORS: usize = 5;

/// How many months back a municipality sees its figures (the months before the current one).
pub const MONTHS: u32 = 12;

/// What a measure counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unit {
    Percent,
    Days,
    PerHundred,
    PerThousand,
}

/// Whether a higher figure is the better one (for the charts' wording only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Better {
    Higher,
    Lower,
    Neither,
}

/// One measure of a municipality's month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Metric {
    /// Share of the month's time reports (assistant × recipient, with rows) submitted by the
    /// 1st of the next month.
    SubmittedBy1st,
    /// … by the 5th of the next month.
    SubmittedBy5th,
    /// Median days from the month's last day to the provider's attestation, over the reports
    /// attested.
    DaysToAttestation,
    /// Share of the month's reports exported to FK by its deadline (the 5th of month M+2).
    ExportedInTime,
    /// Payable hours (aktiv + väntetid/4 + beredskap/7) against the hours the decisions grant
    /// for the month, over the recipients who have a decision.
    PayableOfGranted,
    /// Corrections of exported months per 100 reports.
    CorrectionsPer100,
    /// A rule's findings per 1,000 rows.
    Findings(RuleId),
    /// Share of the month's rows made by the clock …
    RowsClock,
    /// … confirmed from the plan …
    RowsPlan,
    /// … or typed (or copied, or imported).
    RowsTyped,
}

const RULES: [RuleId; 10] = [
    RuleId::V1,
    RuleId::V2,
    RuleId::V3,
    RuleId::V4,
    RuleId::V5,
    RuleId::V6,
    RuleId::V7,
    RuleId::V8,
    RuleId::V9,
    RuleId::V10,
];

impl Metric {
    /// Every measure, in the order they are shown.
    pub fn all() -> Vec<Metric> {
        let mut v = vec![
            Metric::SubmittedBy1st,
            Metric::SubmittedBy5th,
            Metric::DaysToAttestation,
            Metric::ExportedInTime,
            Metric::PayableOfGranted,
            Metric::CorrectionsPer100,
        ];
        v.extend(RULES.iter().map(|r| Metric::Findings(*r)));
        v.extend([Metric::RowsClock, Metric::RowsPlan, Metric::RowsTyped]);
        v
    }

    /// Its name where it is kept (the database, the CSV).
    pub fn code(self) -> String {
        match self {
            Metric::SubmittedBy1st => "submitted_by_1st".into(),
            Metric::SubmittedBy5th => "submitted_by_5th".into(),
            Metric::DaysToAttestation => "days_to_attestation".into(),
            Metric::ExportedInTime => "exported_in_time".into(),
            Metric::PayableOfGranted => "payable_of_granted".into(),
            Metric::CorrectionsPer100 => "corrections_per_100".into(),
            Metric::Findings(r) => format!("findings_per_1000_{}", rule_code(r)),
            Metric::RowsClock => "rows_clock".into(),
            Metric::RowsPlan => "rows_plan".into(),
            Metric::RowsTyped => "rows_typed".into(),
        }
    }

    pub fn parse(code: &str) -> Option<Metric> {
        Metric::all().into_iter().find(|m| m.code() == code)
    }

    pub fn unit(self) -> Unit {
        match self {
            Metric::DaysToAttestation => Unit::Days,
            Metric::CorrectionsPer100 => Unit::PerHundred,
            Metric::Findings(_) => Unit::PerThousand,
            _ => Unit::Percent,
        }
    }

    pub fn better(self) -> Better {
        match self {
            Metric::SubmittedBy1st
            | Metric::SubmittedBy5th
            | Metric::ExportedInTime
            | Metric::RowsClock
            | Metric::RowsPlan => Better::Higher,
            Metric::DaysToAttestation | Metric::CorrectionsPer100 | Metric::Findings(_) => {
                Better::Lower
            }
            Metric::PayableOfGranted | Metric::RowsTyped => Better::Neither,
        }
    }
}

fn rule_code(r: RuleId) -> String {
    format!("{r:?}").to_lowercase()
}

/// One time report of the month (an assistant × recipient with rows in it), as its history
/// tells it: the local dates it was first submitted, attested and exported, and how often an
/// exported month of it was corrected.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportFacts {
    pub submitted: Option<NaiveDate>,
    pub attested: Option<NaiveDate>,
    pub exported: Option<NaiveDate>,
    pub corrections: u32,
}

/// What a municipality's month consists of, for its figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonthFacts {
    pub reports: Vec<ReportFacts>,
    /// Payable minutes, weighted (aktiv + väntetid/4 + beredskap/7), over the recipients with a
    /// decision for the month.
    pub payable_minutes: f64,
    /// Minutes their decisions grant for the month.
    pub granted_minutes: i64,
    pub rows: u64,
    pub rows_clock: u64,
    pub rows_plan: u64,
    /// Findings by rule (V1 first).
    pub findings: [u64; 10],
}

/// The month's figure of each measure (None: nothing to compute it from, such as a share of
/// no reports).
pub fn figures(month: ReportMonth, f: &MonthFacts) -> Vec<(Metric, Option<f64>)> {
    let next = month.next().first_day();
    let by = |day: u32| next.with_day(day).unwrap_or(next);
    let share = |part: usize, whole: usize| (whole > 0).then(|| 100.0 * part as f64 / whole as f64);
    let reports = f.reports.len();
    let submitted_by =
        |d: NaiveDate| f.reports.iter().filter(|r| r.submitted.is_some_and(|s| s <= d)).count();
    let mut days: Vec<f64> = f
        .reports
        .iter()
        .filter_map(|r| r.attested)
        .map(|a| (a - month.last_day()).num_days() as f64)
        .collect();
    let deadline = month.fk_deadline();
    let in_time = f.reports.iter().filter(|r| r.exported.is_some_and(|e| e <= deadline)).count();
    let corrections: u64 = f.reports.iter().map(|r| u64::from(r.corrections)).sum();
    let per = |n: u64, whole: u64, k: f64| (whole > 0).then(|| k * n as f64 / whole as f64);
    let rows = f.rows as usize;
    let mut out = vec![
        (Metric::SubmittedBy1st, share(submitted_by(by(1)), reports)),
        (Metric::SubmittedBy5th, share(submitted_by(by(5)), reports)),
        (Metric::DaysToAttestation, quantile(&mut days, 0.5)),
        (Metric::ExportedInTime, share(in_time, reports)),
        (
            Metric::PayableOfGranted,
            (f.granted_minutes > 0).then(|| 100.0 * f.payable_minutes / f.granted_minutes as f64),
        ),
        (Metric::CorrectionsPer100, per(corrections, reports as u64, 100.0)),
    ];
    out.extend(
        RULES.iter().zip(f.findings).map(|(r, n)| (Metric::Findings(*r), per(n, f.rows, 1000.0))),
    );
    let typed = f.rows.saturating_sub(f.rows_clock + f.rows_plan) as usize;
    out.extend([
        (Metric::RowsClock, share(f.rows_clock as usize, rows)),
        (Metric::RowsPlan, share(f.rows_plan as usize, rows)),
        (Metric::RowsTyped, share(typed, rows)),
    ]);
    out
}

/// The `p` quantile of `values` (sorted here), by linear interpolation between the closest
/// ranks (R's type 7, a spreadsheet's QUARTILE.INC); None for no values.
pub fn quantile(values: &mut [f64], p: f64) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return None;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    Some(values[lo] + (h - lo as f64) * (values[hi] - values[lo]))
}

/// A measure's month over the municipalities taking part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spread {
    /// How many municipalities gave a figure.
    pub contributors: usize,
    /// The lower quartile, median and upper quartile; None when fewer than
    /// [`MIN_CONTRIBUTORS`] gave a figure.
    pub quartiles: Option<(f64, f64, f64)>,
}

/// Lower quartile, median and upper quartile as three columns (each none when withheld).
pub fn columns(quartiles: Option<(f64, f64, f64)>) -> [Option<f64>; 3] {
    match quartiles {
        Some((a, b, c)) => [Some(a), Some(b), Some(c)],
        None => [None; 3],
    }
}

/// The spread of the municipalities' figures for one measure and month.
pub fn spread(mut values: Vec<f64>) -> Spread {
    values.retain(|v| v.is_finite());
    let contributors = values.len();
    let quartiles = (contributors >= MIN_CONTRIBUTORS).then(|| {
        let mut q = |p| quantile(&mut values, p).unwrap_or_default();
        (q(0.25), q(0.5), q(0.75))
    });
    Spread { contributors, quartiles }
}

/// The [`MONTHS`] months a municipality's figures cover on `today`: the whole months before the
/// current one, oldest first.
pub fn months_before(today: NaiveDate) -> Vec<ReportMonth> {
    let Some(current) = ReportMonth::of(today) else { return Vec::new() };
    let mut m = current;
    let mut out: Vec<ReportMonth> = (0..MONTHS)
        .map(|_| {
            m = m.previous();
            m
        })
        .collect();
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn figure(all: &[(Metric, Option<f64>)], m: Metric) -> Option<f64> {
        all.iter().find(|(k, _)| *k == m).and_then(|(_, v)| *v)
    }

    #[test]
    fn quartiles_interpolate_between_ranks_as_a_spreadsheet_does() {
        // QUARTILE.INC({1,2,3,4,10}) = 2, 3, 4; of {1,2,3,4}: 1.75, 2.5, 3.25.
        let s = spread(vec![10.0, 1.0, 3.0, 2.0, 4.0]);
        assert_eq!(s.quartiles, Some((2.0, 3.0, 4.0)));
        let mut four = vec![4.0, 1.0, 3.0, 2.0];
        assert_eq!(quantile(&mut four, 0.25), Some(1.75));
        assert_eq!(quantile(&mut four, 0.5), Some(2.5));
        assert_eq!(quantile(&mut four, 0.75), Some(3.25));
        assert_eq!(quantile(&mut [], 0.5), None);
    }

    #[test]
    fn a_spread_of_fewer_than_five_municipalities_is_withheld() {
        let four = spread(vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(four.contributors, 4);
        assert_eq!(four.quartiles, None);
        assert!(spread(vec![1.0, 2.0, 3.0, 4.0, 5.0]).quartiles.is_some());
        // A figure that is no number does not count as one.
        assert_eq!(spread(vec![1.0, 2.0, 3.0, 4.0, f64::NAN]).quartiles, None);
    }

    #[test]
    fn a_months_figures_count_its_reports_by_their_history() {
        let m = ReportMonth::new(2026, 3).unwrap();
        let r =
            |submitted: &str, attested: Option<&str>, exported: Option<&str>, c: u32| ReportFacts {
                submitted: Some(d(submitted)),
                attested: attested.map(d),
                exported: exported.map(d),
                corrections: c,
            };
        let f = MonthFacts {
            reports: vec![
                r("2026-03-31", Some("2026-04-03"), Some("2026-05-05"), 0),
                r("2026-04-01", Some("2026-04-10"), Some("2026-05-06"), 1),
                r("2026-04-05", None, None, 0),
                r("2026-04-06", Some("2026-04-30"), Some("2026-05-04"), 2),
            ],
            payable_minutes: 4_500.0,
            granted_minutes: 6_000,
            rows: 250,
            rows_clock: 50,
            rows_plan: 25,
            findings: [0, 5, 0, 0, 1, 0, 0, 0, 0, 0],
        };
        let all = figures(m, &f);
        assert_eq!(all.len(), Metric::all().len());
        assert_eq!(figure(&all, Metric::SubmittedBy1st), Some(50.0));
        assert_eq!(figure(&all, Metric::SubmittedBy5th), Some(75.0));
        // 3, 10 and 30 days after 31 March.
        assert_eq!(figure(&all, Metric::DaysToAttestation), Some(10.0));
        // The deadline of March is 5 May.
        assert_eq!(figure(&all, Metric::ExportedInTime), Some(50.0));
        assert_eq!(figure(&all, Metric::PayableOfGranted), Some(75.0));
        assert_eq!(figure(&all, Metric::CorrectionsPer100), Some(75.0));
        assert_eq!(figure(&all, Metric::Findings(RuleId::V2)), Some(20.0));
        assert_eq!(figure(&all, Metric::Findings(RuleId::V5)), Some(4.0));
        assert_eq!(figure(&all, Metric::Findings(RuleId::V1)), Some(0.0));
        assert_eq!(figure(&all, Metric::RowsClock), Some(20.0));
        assert_eq!(figure(&all, Metric::RowsPlan), Some(10.0));
        assert_eq!(figure(&all, Metric::RowsTyped), Some(70.0));
    }

    #[test]
    fn a_month_without_reports_has_no_figures_to_show() {
        let all = figures(ReportMonth::new(2026, 3).unwrap(), &MonthFacts::default());
        assert!(all.iter().all(|(_, v)| v.is_none()), "{all:?}");
    }

    #[test]
    fn every_measure_has_a_code_of_its_own_that_reads_back() {
        let all = Metric::all();
        assert_eq!(all.len(), 19);
        for m in &all {
            assert_eq!(Metric::parse(&m.code()), Some(*m));
        }
        let mut codes: Vec<String> = all.iter().map(|m| m.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn the_months_shown_are_the_twelve_whole_months_before_today() {
        let ms = months_before(d("2026-12-04"));
        assert_eq!(ms.len(), 12);
        assert_eq!(ms.first().unwrap().to_string(), "2025-12");
        assert_eq!(ms.last().unwrap().to_string(), "2026-11");
    }
}
