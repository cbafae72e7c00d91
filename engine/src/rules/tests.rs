//! Worked examples for V1–V10; each says how the expected result was computed by hand.

use super::*;
use crate::{Funder, Granted, Personnummer, RowInput};
use chrono::NaiveDate;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn row(
    id: i64,
    assistant: i64,
    recipient: i64,
    date: &str,
    start: &str,
    end: &str,
    kind: &str,
) -> RowRecord {
    let next_day = end <= start;
    let input = RowInput {
        recipient: recipient.to_string(),
        date: date.into(),
        start: start.into(),
        end: end.into(),
        next_day,
        kind: kind.into(),
        fold: String::new(),
        fold_end: String::new(),
    };
    RowRecord { id, assistant, recipient, row: input.parse().unwrap() }
}

fn assistant(id: i64, regime: Regime) -> Assistant {
    Assistant {
        id,
        personnummer: Personnummer::parse("197005120105").unwrap(),
        first_name: "Anna".into(),
        last_name: format!("A{id}"),
        eea_resident: true,
        fk_notified: [(1, d("2024-01-01")), (2, d("2024-01-01"))].into_iter().collect(),
        relative_of: vec![],
        regime,
        collective_agreement: true,
        employer: Default::default(),
        birth_date: None,
        phone: "070-123 45 67".into(),
    }
}

fn atl() -> Regime {
    Regime::Atl { period_start: d("2026-01-01"), period_months: 4 }
}

fn recipient(id: i64) -> Recipient {
    Recipient {
        id,
        personnummer: Personnummer::parse("194503150049").unwrap(),
        first_name: "Bo".into(),
        last_name: format!("B{id}"),
    }
}

fn decision(recipient: i64, granted: Granted) -> Decision {
    Decision {
        recipient,
        funder: Funder::Sfb,
        granted,
        valid_from: d("2026-01-01"),
        valid_to: d("2026-06-30"),
        vantetid_allowed: true,
        beredskap_allowed: false,
        double_assistance: false,
        raised_rate: None,
    }
}

fn row_findings(r: &RowRecord, a: &Assistant, decisions: &[Decision]) -> Vec<Finding> {
    let rec = recipient(r.recipient);
    check_row(r, r.row.month(), &RowFacts::new(a, &rec, decisions, &[]), &RuleConfig::default())
}

fn rules(f: &[Finding]) -> Vec<(RuleId, Severity)> {
    f.iter().map(|f| (f.rule, f.severity)).collect()
}

#[test]
fn v1_a_recipient_needs_a_personnummer_and_bad_numbers_are_named() {
    let mut r = recipient(1);
    assert!(v1_recipients([&r]).is_empty());
    r.personnummer = Personnummer::parse("197010632391").unwrap(); // samordningsnummer
    assert_eq!(rules(&v1_recipients([&r])), vec![(RuleId::V1, Severity::Error)]);
    assert!(matches!(
        v1_parse("19701063239", "Anna").unwrap_err().what,
        What::PersonnummerInvalid { .. }
    ));
}

/// An assistant of the ATL regime with this personnummer, notified to FK long ago.
fn a_with(personnummer: &str) -> Assistant {
    Assistant { personnummer: Personnummer::parse(personnummer).unwrap(), ..assistant(1, atl()) }
}

#[test]
fn v2_notice_age_eea_and_relative() {
    let r = row(1, 1, 1, "2026-03-10", "08:00", "12:00", "aktiv");
    let dec = [decision(1, Granted::PerMonth(Minutes(100 * 60)))];
    let mut a = assistant(1, atl());
    assert!(row_findings(&r, &a, &dec).is_empty());
    // Notified the day after the row: not yet reported to FK for that day.
    a.fk_notified.insert(1, d("2026-03-11"));
    assert!(matches!(row_findings(&r, &a, &dec)[0].what, What::NotNotified { .. }));
    // Issue 7 (V2): notified the same day as the row: saved, with a warning (FK pays no time
    // before the notice).
    a.fk_notified.insert(1, d("2026-03-10"));
    assert_eq!(rules(&row_findings(&r, &a, &dec)), vec![(RuleId::V2, Severity::Warning)]);
    assert!(matches!(row_findings(&r, &a, &dec)[0].what, What::NotifiedSameDay { .. }));
    a.fk_notified.insert(1, d("2026-03-09"));
    // Born 2008-05-12 (valid check digit): 17 on 2026-03-10, 18 from 2026-05-12.
    a.personnummer = Personnummer::parse("200805120102").unwrap();
    let f = row_findings(&r, &a, &dec);
    assert!(f.iter().any(|f| matches!(f.what, What::UnderAge { age: 17, .. })), "{f:?}");
    // Issue 24 item 9: each day's part is judged. The night into the birthday is under age on
    // the evening before only; the night after it (18 on both days) is fine.
    let eve = row(2, 1, 1, "2026-05-11", "22:00", "07:00", "aktiv");
    let f = row_findings(&eve, &a_with("200805120102"), &dec);
    assert_eq!(
        f.iter()
            .filter_map(|f| if let What::UnderAge { age, date, .. } = &f.what {
                Some((*age, *date))
            } else {
                None
            })
            .collect::<Vec<_>>(),
        vec![(17, d("2026-05-11"))]
    );
    let after = row(3, 1, 1, "2026-05-12", "22:00", "07:00", "aktiv");
    assert!(
        !row_findings(&after, &a_with("200805120102"), &dec)
            .iter()
            .any(|f| matches!(f.what, What::UnderAge { .. }))
    );
    a.personnummer = Personnummer::parse("197005120105").unwrap();
    a.eea_resident = false;
    assert!(matches!(row_findings(&r, &a, &dec)[0].what, What::OutsideEea { .. }));
    a.eea_resident = true;
    a.relative_of = vec![1];
    assert_eq!(rules(&row_findings(&r, &a, &dec)), vec![(RuleId::V2, Severity::Info)]);
}

#[test]
fn v3_overlap_across_recipients_and_month_bounds() {
    let a = assistant(1, atl());
    // 07–15 for Bo and 14–18 for Cecilia overlap by an hour; 15–18 would only touch.
    let r1 = row(1, 1, 1, "2026-03-10", "07:00", "15:00", "aktiv");
    let r2 = row(2, 1, 2, "2026-03-10", "14:00", "18:00", "aktiv");
    let r3 = row(3, 1, 2, "2026-03-11", "15:00", "18:00", "aktiv");
    let f = check_assistant(a.regime, &[&r1, &r2, &r3], &RuleConfig::default());
    let overlaps: Vec<_> = f.iter().filter(|f| f.rule == RuleId::V3).collect();
    assert_eq!(overlaps.len(), 1);
    assert_eq!(overlaps[0].rows, vec![1, 2]);
    // A row dated in February is not part of March's report.
    let feb = row(4, 1, 1, "2026-02-28", "08:00", "10:00", "aktiv");
    let rec = recipient(1);
    let facts = RowFacts::new(&a, &rec, &[], &[]);
    assert!(check_row(&feb, ReportMonth::parse("2026-03").unwrap(), &facts, &RuleConfig::default()).iter().any(|f| f.what == What::OutsideMonth { month: ReportMonth::parse("2026-03").unwrap() }));
}

#[test]
fn v4_kinds_only_where_granted() {
    let a = assistant(1, atl());
    let dec = [decision(1, Granted::PerMonth(Minutes(100 * 60)))]; // väntetid yes, beredskap no
    assert!(
        row_findings(&row(1, 1, 1, "2026-03-10", "22:00", "07:00", "vantetid"), &a, &dec)
            .is_empty()
    );
    let f = row_findings(&row(2, 1, 1, "2026-03-10", "22:00", "07:00", "beredskap"), &a, &dec);
    assert_eq!(rules(&f), vec![(RuleId::V4, Severity::Error)]);
    // No decision covers the date: a warning, not a block.
    let f = row_findings(&row(3, 1, 1, "2026-08-10", "08:00", "12:00", "aktiv"), &a, &dec);
    assert_eq!(rules(&f), vec![(RuleId::V4, Severity::Warning)]);
    // Issue 24 item 5: väntetid from 22:00 on the decision's last day to 07:00 the next day:
    // the 7 hours no decision covers are said; the neighbour ending at midnight is not.
    let f = row_findings(&row(4, 1, 1, "2026-06-30", "22:00", "07:00", "vantetid"), &a, &dec);
    assert_eq!(
        f.iter().map(|f| f.what.clone()).collect::<Vec<_>>(),
        vec![What::NoDecision { date: d("2026-07-01") }]
    );
    assert!(
        row_findings(&row(5, 1, 1, "2026-06-30", "22:00", "00:00", "vantetid"), &a, &dec)
            .is_empty()
    );
    // A kind not granted is said once for the row, naming its first day.
    let f = row_findings(&row(6, 1, 1, "2026-03-10", "22:00", "07:00", "beredskap"), &a, &dec);
    assert_eq!(
        f.iter().map(|f| f.what.clone()).collect::<Vec<_>>(),
        vec![What::KindNotGranted { kind: TimeKind::Beredskap, date: d("2026-03-10") }]
    );
}

#[test]
fn v5_ab_bilaga_j_shift_length_and_following_rest() {
    let a = assistant(
        1,
        Regime::AbBilagaJ {
            allow_24h_shifts: false,
            period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_months: 4,
        },
    );
    // 08:00–06:00 next day = 22 h > 20 h: an error on the row itself.
    let long = row(1, 1, 1, "2026-03-10", "08:00", "06:00", "aktiv");
    assert!(
        row_findings(&long, &a, &[decision(1, Granted::PerMonth(Minutes(600 * 60)))])
            .iter()
            .any(|f| f.what
                == What::ShiftTooLong { minutes: Minutes(22 * 60), limit: Minutes(20 * 60) })
    );
    // With a recorded 24 h decision the same shift is fine.
    let a24 = assistant(
        1,
        Regime::AbBilagaJ {
            allow_24h_shifts: true,
            period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            period_months: 4,
        },
    );
    assert!(
        !row_findings(&long, &a24, &[decision(1, Granted::PerMonth(Minutes(600 * 60)))])
            .iter()
            .any(|f| f.rule == RuleId::V5)
    );
    // Two touching rows for two recipients make one 21 h shift (08–20 + 20–05).
    let r1 = row(2, 1, 1, "2026-03-12", "08:00", "20:00", "aktiv");
    let r2 = row(3, 1, 2, "2026-03-12", "20:00", "05:00", "vantetid");
    // Rest after: next shift starts 2026-03-13 17:00, 12 h after 05:00 < 21 h.
    let r3 = row(4, 1, 1, "2026-03-13", "17:00", "20:00", "aktiv");
    let f = check_assistant(a.regime, &[&r1, &r2, &r3], &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::ShiftTooLong { minutes: Minutes(21 * 60), limit: Minutes(20 * 60) }
            && f.rows == vec![2, 3]),
        "{f:?}"
    );
    assert!(
        f.iter().any(|f| f.what
            == What::RestAfterShiftTooShort { rest: Minutes(12 * 60), shift: Minutes(21 * 60) }
            && f.rows == vec![4]),
        "{f:?}"
    );
    // Issue 24: 10 h after it (less than the daily rest) is no rest: the same pass, 08:00 to
    // 18:00 the next day (34 h), not a rest that was too short.
    let r3 = row(4, 1, 1, "2026-03-13", "15:00", "18:00", "aktiv");
    let f = check_assistant(a.regime, &[&r1, &r2, &r3], &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::ShiftTooLong { minutes: Minutes(34 * 60), limit: Minutes(20 * 60) }
            && f.rows == vec![2, 3, 4]),
        "{f:?}"
    );
}

#[test]
fn v5_ab_bilaga_j_a_shift_is_the_same_whether_one_row_or_several() {
    let a = assistant(1, ab("2026-01-01", 4));
    let cfg = RuleConfig::default();
    let too_long = |f: &[Finding]| {
        f.iter().find(|f| matches!(f.what, What::ShiftTooLong { .. })).map(|f| f.what.clone())
    };
    // Issue 24 item 1: 12 h aktiv then 10 h beredskap (22 h) passed, while one 22 h beredskap
    // row did not: beredskap counts toward the shift (the default) in both.
    let (aktiv, beredskap) = (
        row(1, 1, 1, "2026-03-10", "08:00", "20:00", "aktiv"),
        row(2, 1, 1, "2026-03-10", "20:00", "06:00", "beredskap"),
    );
    assert_eq!(
        too_long(&check_assistant(a.regime, &[&aktiv, &beredskap], &cfg)),
        Some(What::ShiftTooLong { minutes: Minutes(22 * 60), limit: Minutes(20 * 60) })
    );
    let one = row(3, 1, 1, "2026-03-12", "08:00", "06:00", "beredskap");
    assert!(
        row_findings(&one, &a, &[decision(1, Granted::PerMonth(Minutes(600 * 60)))])
            .iter()
            .any(|f| matches!(f.what, What::ShiftTooLong { .. }))
    );
    // The neighbour: where beredskap does not count toward a shift, neither is too long.
    let without = RuleConfig { shift_counts_beredskap: false, ..RuleConfig::default() };
    assert_eq!(too_long(&check_assistant(a.regime, &[&aktiv, &beredskap], &without)), None);
    // Issue 24 item 2: a 30-minute break does not split a jour pass: 08:00–18:00 aktiv and
    // 18:30–04:30 väntetid is 20 h 30 from start to end.
    let (day, night) = (
        row(4, 1, 1, "2026-03-14", "08:00", "18:00", "aktiv"),
        row(5, 1, 1, "2026-03-14", "18:30", "04:30", "vantetid"),
    );
    let f = check_assistant(a.regime, &[&day, &night], &cfg);
    assert!(
        f.iter().any(|f| f.what
            == What::ShiftTooLong { minutes: Minutes(20 * 60 + 30), limit: Minutes(20 * 60) }
            && f.rows == vec![4, 5]
            && f.severity == Severity::Error),
        "{f:?}"
    );
    // The neighbour: ending at 04:00 it is exactly 20 h, within the limit.
    let night = row(5, 1, 1, "2026-03-14", "18:30", "04:00", "vantetid");
    assert_eq!(too_long(&check_assistant(a.regime, &[&day, &night], &cfg)), None);
}

#[test]
fn v5_daily_and_weekly_rest() {
    let a = assistant(1, atl());
    // 07–19 then 02–07 next night: in the 24 h from 07:00 the longest rest is 19→02 = 7 h < 11 h.
    let r1 = row(1, 1, 1, "2026-03-10", "07:00", "19:00", "aktiv");
    let r2 = row(2, 1, 1, "2026-03-11", "02:00", "07:00", "aktiv");
    let f = check_assistant(a.regime, &[&r1, &r2], &RuleConfig::default());
    assert!(f.iter().any(|f| f.what == What::DailyRestMissing { date: d("2026-03-10") }), "{f:?}");
    // Ordinary 07–16 days, Monday to Sunday without a break: no 36 h rest in 7 days.
    let week: Vec<RowRecord> = (0..7)
        .map(|i| row(10 + i, 1, 1, &format!("2026-03-{:02}", 9 + i), "07:00", "16:00", "aktiv"))
        .collect();
    let refs: Vec<&RowRecord> = week.iter().collect();
    let f = check_assistant(a.regime, &refs, &RuleConfig::default());
    assert!(f.iter().any(|f| matches!(f.what, What::WeeklyRestMissing { .. })), "{f:?}");
    assert!(
        !f.iter().any(|f| matches!(f.what, What::DailyRestMissing { .. })),
        "15 h rest every night is enough: {f:?}"
    );
    // Five days then two free: 36 h rest holds.
    let refs5: Vec<&RowRecord> = week.iter().take(5).collect();
    assert!(
        !check_assistant(a.regime, &refs5, &RuleConfig::default())
            .iter()
            .any(|f| matches!(f.what, What::WeeklyRestMissing { .. }))
    );
}

#[test]
fn v5_averages_atl_48_and_husligt_52() {
    // Husligt arbete, 28-day period from 2026-03-02: 20 days × 11 h = 220 h > 4 × 52 h = 208 h.
    // Average per week: 220 h × 7 / 28 = 55 h.
    let a = assistant(1, Regime::HusligtArbete { period_start: d("2026-03-02") });
    let rows: Vec<RowRecord> = (0..28)
        .filter(|i| i % 7 < 5)
        .map(|i| {
            let date = d("2026-03-02") + Duration::days(i);
            row(i, 1, 1, &date.to_string(), "07:00", "18:00", "aktiv")
        })
        .collect();
    let refs: Vec<&RowRecord> = rows.iter().collect();
    let f = check_assistant(a.regime, &refs, &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::AverageTooHigh {
                per_week: Minutes(55 * 60),
                limit: Minutes(52 * 60),
                from: d("2026-03-02"),
                to: d("2026-03-29")
            }),
        "{f:?}"
    );
    // The same under ATL over a 4-month period (Jan–Apr, 120 days): 220 h × 7 / 120 = 12,8 h/week.
    let atl = assistant(1, atl());
    assert!(
        !check_assistant(atl.regime, &refs, &RuleConfig::default())
            .iter()
            .any(|f| matches!(f.what, What::AverageTooHigh { .. }))
    );
}

#[test]
fn v5_beredskap_counts_only_when_configured() {
    // 08–20 aktiv then 20–08 beredskap, daily: with beredskap as work there is no rest at all.
    let a = assistant(1, atl());
    let r1 = row(1, 1, 1, "2026-03-10", "08:00", "20:00", "aktiv");
    let r2 = row(2, 1, 1, "2026-03-10", "20:00", "08:00", "beredskap");
    let r3 = row(3, 1, 1, "2026-03-11", "08:00", "20:00", "aktiv");
    let rest = |cfg: &RuleConfig| {
        check_assistant(a.regime, &[&r1, &r2, &r3], cfg)
            .iter()
            .any(|f| matches!(f.what, What::DailyRestMissing { .. }))
    };
    assert!(!rest(&RuleConfig::default()));
    assert!(rest(&RuleConfig { beredskap_is_work: true, ..RuleConfig::default() }));
}

#[test]
fn v6_hours_against_the_decision() {
    let month = ReportMonth::parse("2026-03").unwrap();
    // Granted 20 h in March. 2 × 8 h aktiv + 8 h väntetid (= 2 h) = 18 h: 90 % → approaching.
    let dec = [decision(1, Granted::PerMonth(Minutes(20 * 60)))];
    let r1 = row(1, 1, 1, "2026-03-02", "08:00", "16:00", "aktiv");
    let r2 = row(2, 2, 1, "2026-03-03", "08:00", "16:00", "aktiv");
    let r3 = row(3, 1, 1, "2026-03-03", "22:00", "06:00", "vantetid");
    let f = check_recipient(month, &[&r1, &r2, &r3], &dec, &RuleConfig::default());
    // Issue 7 (V6): approaching the granted hours is a warning, as the brief says.
    assert_eq!(rules(&f), vec![(RuleId::V6, Severity::Warning)]);
    // One more hour of aktiv → 19 h; still approaching. Two more → 20 h: not past. Three → 21 h: past.
    let r4 = row(4, 1, 1, "2026-03-04", "08:00", "11:00", "aktiv");
    let f = check_recipient(month, &[&r1, &r2, &r3, &r4], &dec, &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::GrantExceeded {
                used: Minutes(21 * 60),
                granted: Minutes(20 * 60),
                from: d("2026-03-01"),
                to: d("2026-03-31")
            }),
        "{f:?}"
    );
    // Per week: 25 h granted in week 10 (2–8 March), 2 × 8 h + 2 h = 18 h → 72 %: nothing.
    let weekly = [decision(1, Granted::PerWeek(Minutes(25 * 60)))];
    assert!(check_recipient(month, &[&r1, &r2, &r3], &weekly, &RuleConfig::default()).is_empty());
}

#[test]
fn v7_two_assistants_at_once_only_with_double_assistance() {
    let month = ReportMonth::parse("2026-03").unwrap();
    let r1 = row(1, 1, 1, "2026-03-02", "08:00", "16:00", "aktiv");
    let r2 = row(2, 2, 1, "2026-03-02", "15:00", "20:00", "aktiv");
    let mut dec = decision(1, Granted::PerMonth(Minutes(200 * 60)));
    let f = check_recipient(month, &[&r1, &r2], std::slice::from_ref(&dec), &RuleConfig::default());
    assert_eq!(
        f.iter().filter(|f| f.rule == RuleId::V7).map(|f| f.rows.clone()).collect::<Vec<_>>(),
        vec![vec![1, 2]]
    );
    dec.double_assistance = true;
    assert!(
        check_recipient(month, &[&r1, &r2], &[dec], &RuleConfig::default())
            .iter()
            .all(|f| f.rule != RuleId::V7)
    );
}

#[test]
fn v7_compares_the_part_of_a_night_that_falls_in_the_month() {
    // Issue 24 item 4: a night from 28 February into 1 March was not compared with March's rows.
    let march = ReportMonth::parse("2026-03").unwrap();
    let night = row(1, 1, 1, "2026-02-28", "22:00", "07:00", "vantetid");
    let morning = row(2, 2, 1, "2026-03-01", "06:00", "14:00", "aktiv");
    let dec = decision(1, Granted::PerMonth(Minutes(600 * 60)));
    let v7 = |month: ReportMonth, rows: &[&RowRecord]| {
        check_recipient(month, rows, std::slice::from_ref(&dec), &RuleConfig::default())
            .into_iter()
            .filter(|f| f.rule == RuleId::V7)
            .collect::<Vec<_>>()
    };
    let f = v7(march, &[&night, &morning]);
    assert_eq!(
        f.iter().map(|f| (f.rows.clone(), f.what.clone())).collect::<Vec<_>>(),
        vec![(vec![1, 2], What::DoubleWithoutGrant { date: d("2026-03-01") })]
    );
    // The neighbours: February is judged on its own part (the morning is not in it), and a
    // morning that starts when the night ends is no overlap.
    assert!(v7(ReportMonth::parse("2026-02").unwrap(), &[&night, &morning]).is_empty());
    assert!(
        v7(march, &[&night, &row(2, 2, 1, "2026-03-01", "07:00", "14:00", "aktiv")]).is_empty()
    );
}

#[test]
fn v8_assistance_during_absence_and_long_hospital_stays() {
    let a = assistant(1, atl());
    let rec = recipient(1);
    let stay = Absence {
        recipient: 1,
        kind: AbsenceKind::Hospital,
        from: d("2026-03-01"),
        to: d("2026-04-05"),
        assistance_allowed: false,
    };
    let r = row(1, 1, 1, "2026-03-10", "08:00", "12:00", "aktiv");
    let dec = [decision(1, Granted::PerMonth(Minutes(200 * 60)))];
    let config = RuleConfig::default();
    let facts = RowFacts::new(&a, &rec, &dec, std::slice::from_ref(&stay));
    assert_eq!(
        rules(&check_row(&r, ReportMonth::parse("2026-03").unwrap(), &facts, &config)),
        vec![(RuleId::V8, Severity::Warning)]
    );
    // 1 March – 5 April is 36 days > 28.
    assert_eq!(
        check_absences(&[stay], &config)[0].what,
        What::HospitalStayTooLong { from: d("2026-03-01"), days: 36 }
    );
}

#[test]
fn v9_v10_preflight_lists_what_is_missing_by_name_and_the_deadline() {
    let month = ReportMonth::parse("2026-03").unwrap();
    let assistants: HashMap<_, _> = [(1, assistant(1, atl()))].into_iter().collect();
    let recipients: HashMap<_, _> = [(1, recipient(1))].into_iter().collect();
    let rows = [row(1, 1, 1, "2026-03-02", "08:00", "16:00", "aktiv")];
    let dec = [decision(1, Granted::PerMonth(Minutes(200 * 60)))];
    let mut states = vec![MonthState { assistant: 1, recipient: 1, status: MonthStatus::Approved }];
    let config = RuleConfig::default();
    let input = |states: &[MonthState], rakning: Option<&[i64]>| {
        preflight(&MonthInput {
            month,
            today: d("2026-04-20"),
            rows: &rows,
            assistants: &assistants,
            recipients: &recipients,
            decisions: &dec,
            absences: &[],
            states,
            rakning_complete: rakning,
            config: &config,
            rates: None,
        })
    };
    let p = input(&states, Some(&[]));
    assert!(!p.ready());
    let errors: Vec<_> = p.errors().map(|f| f.what.clone()).collect();
    assert_eq!(
        errors,
        vec![
            What::MonthNotReady {
                assistant: "Anna A1".into(),
                recipient: "Bo B1".into(),
                status: MonthStatus::Approved
            },
            What::RakningIncomplete { recipient: "Bo B1".into() },
        ]
    );
    // Deadline for March: 5 May; from 20 April that is 15 days.
    assert!(
        p.findings
            .iter()
            .any(|f| f.what == What::Deadline { deadline: d("2026-05-05"), days_left: 15 }
                && f.severity == Severity::Info)
    );
    states[0].status = MonthStatus::Attested;
    assert!(input(&states, Some(&[1])).ready());
    // Issue 7 (V9): without a 3057 signing flow, a month whose 3059s are all attested can be
    // exported; the räkning is reported "not signed yet" as a warning of its own.
    let p = input(&states, None);
    assert!(p.ready(), "{:?}", p.findings);
    assert!(p.findings.iter().any(|f| f.rule == RuleId::V9
        && f.severity == Severity::Warning
        && f.what == What::RakningNotSigned { recipient: "Bo B1".into() }));
}

fn ab(period_start: &str, period_months: u32) -> Regime {
    Regime::AbBilagaJ { allow_24h_shifts: false, period_start: d(period_start), period_months }
}

#[test]
fn v5_atl_periods_are_start_plus_k_months_without_drift_from_the_31st() {
    // Issue 7: stepping month by month from 31 January drifted to the 28th and stayed there.
    let r = Regime::Atl { period_start: d("2026-01-31"), period_months: 1 };
    assert_eq!(r.period_containing(d("2026-02-15")), (d("2026-01-31"), d("2026-02-27")));
    assert_eq!(r.period_containing(d("2026-02-28")), (d("2026-02-28"), d("2026-03-30")));
    assert_eq!(r.period_containing(d("2026-03-31")), (d("2026-03-31"), d("2026-04-29")));
    // Before the start, periods count backwards the same way.
    let r4 = Regime::Atl { period_start: d("2026-01-01"), period_months: 4 };
    assert_eq!(r4.period_containing(d("2025-12-31")), (d("2025-09-01"), d("2025-12-31")));
    assert_eq!(r4.period_containing(d("2026-05-01")), (d("2026-05-01"), d("2026-08-31")));
    let h = Regime::HusligtArbete { period_start: d("2026-03-02") };
    assert_eq!(h.period_containing(d("2026-03-01")), (d("2026-02-02"), d("2026-03-01")));
}

#[test]
fn v5_ab_bilaga_j_48_hour_average_over_the_calculation_period() {
    // Issue 7: FK pays at most 48 h a week on average also under a collective agreement.
    // A 1-month period (March 2026, 31 days): 26 days × 10 h = 260 h; × 7 / 31 = 58 h 42 min.
    let a = assistant(1, ab("2026-03-01", 1));
    let rows: Vec<RowRecord> = (0..31)
        .filter(|i| i % 6 != 5)
        .map(|i| {
            row(
                i,
                1,
                1,
                &(d("2026-03-01") + Duration::days(i)).to_string(),
                "07:00",
                "17:00",
                "aktiv",
            )
        })
        .collect();
    assert_eq!(rows.len(), 26);
    let refs: Vec<&RowRecord> = rows.iter().collect();
    let f = check_assistant(a.regime, &refs, &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::AverageTooHigh {
                per_week: Minutes(260 * 60 * 7 / 31),
                limit: Minutes(48 * 60),
                from: d("2026-03-01"),
                to: d("2026-03-31")
            }),
        "{f:?}"
    );
}

#[test]
fn v5_ab_bilaga_j_rest_rule_only_after_shifts_with_jour_and_active_passes_at_most_13_hours() {
    let a = assistant(1, ab("2026-01-01", 4));
    let cfg = RuleConfig::default();
    // Issue 7: a 30-minute break and a split shift of active work are not "rest too short".
    let lunch = [
        row(1, 1, 1, "2026-03-10", "07:00", "11:00", "aktiv"),
        row(2, 1, 1, "2026-03-10", "11:30", "16:00", "aktiv"),
    ];
    let split = [
        row(3, 1, 1, "2026-03-11", "07:00", "10:00", "aktiv"),
        row(4, 1, 1, "2026-03-11", "15:00", "19:00", "aktiv"),
    ];
    let refs: Vec<&RowRecord> = lunch.iter().chain(split.iter()).collect();
    let f = check_assistant(a.regime, &refs, &cfg);
    assert!(
        !f.iter().any(|f| matches!(
            f.what,
            What::RestAfterShiftTooShort { .. } | What::PassTooLong { .. }
        )),
        "{f:?}"
    );
    // Active work 06:00–20:30 with breaks is a 14 h 30 min pass: over 13 h.
    let long = [
        row(5, 1, 1, "2026-03-12", "06:00", "12:00", "aktiv"),
        row(6, 1, 1, "2026-03-12", "13:00", "20:30", "aktiv"),
    ];
    let f = check_assistant(a.regime, &long.iter().collect::<Vec<_>>(), &cfg);
    assert!(
        f.iter().any(|f| f.what
            == What::PassTooLong { minutes: Minutes(14 * 60 + 30), limit: Minutes(13 * 60) }
            && f.rows == vec![5, 6]),
        "{f:?}"
    );
    // A shift lengthened with väntetid still needs the rest after it (as long as the shift):
    // 12 h after a 15 h pass is too short (8 h would be no rest at all: one pass, issue 24).
    let jour = [
        row(7, 1, 1, "2026-03-14", "16:00", "22:00", "aktiv"),
        row(8, 1, 1, "2026-03-14", "22:00", "07:00", "vantetid"),
        row(9, 1, 1, "2026-03-15", "19:00", "22:00", "aktiv"),
    ];
    let f = check_assistant(a.regime, &jour.iter().collect::<Vec<_>>(), &cfg);
    assert!(
        f.iter().any(|f| f.what
            == What::RestAfterShiftTooShort { rest: Minutes(12 * 60), shift: Minutes(15 * 60) }),
        "{f:?}"
    );
}

#[test]
fn v2_and_v5_errors_keep_the_row_but_other_errors_refuse_it() {
    // Issue 7: time that was worked must be recorded: V2 and V5 flag, V3 and V4 refuse.
    let a = assistant(1, ab("2026-01-01", 4));
    let dec = [decision(1, Granted::PerMonth(Minutes(600 * 60)))];
    let long = row(1, 1, 1, "2026-03-10", "08:00", "06:00", "aktiv");
    let f = row_findings(&long, &a, &dec);
    assert!(f.iter().any(|f| f.rule == RuleId::V5 && f.severity == Severity::Error));
    assert!(!f.iter().any(blocks_saving), "a too long shift is saved, flagged: {f:?}");
    let mut young = assistant(1, atl());
    young.personnummer = Personnummer::parse("200805120102").unwrap();
    let f = row_findings(&row(2, 1, 1, "2026-03-10", "08:00", "12:00", "aktiv"), &young, &dec);
    assert!(
        f.iter().any(|f| matches!(f.what, What::UnderAge { .. })) && !f.iter().any(blocks_saving)
    );
    let standby = row(3, 1, 1, "2026-03-10", "18:00", "22:00", "beredskap");
    assert!(
        row_findings(&standby, &a, &dec).iter().any(blocks_saving),
        "a kind the decision does not grant is refused"
    );
    // The shift limit and whether beredskap counts toward it are settings.
    let cfg = RuleConfig { max_shift: Minutes(23 * 60), ..RuleConfig::default() };
    let rec = recipient(1);
    assert!(
        !check_row(
            &long,
            ReportMonth::parse("2026-03").unwrap(),
            &RowFacts::new(&a, &rec, &dec, &[]),
            &cfg
        )
        .iter()
        .any(|f| f.rule == RuleId::V5)
    );
}

#[test]
fn v2_a_samordningsnummer_without_birth_date_asks_for_one() {
    // Issue 7: month 00, day 60 (check digit by Luhn over 7000602396): valid, no birth date.
    let dec = [decision(1, Granted::PerMonth(Minutes(600 * 60)))];
    let mut a = assistant(1, atl());
    a.personnummer = Personnummer::parse("197000602396").unwrap();
    let r = row(1, 1, 1, "2026-03-10", "08:00", "12:00", "aktiv");
    assert_eq!(
        row_findings(&r, &a, &dec)[0].what,
        What::BirthDateMissing { assistant: "Anna A1".into() }
    );
    a.birth_date = Some(d("1970-06-15"));
    assert!(row_findings(&r, &a, &dec).is_empty());
}

#[test]
fn v6_counts_the_rows_of_the_grant_s_whole_span() {
    // Issue 7 item 8. A 12-month decision with 100 h per 6-month period: 60 h in January and
    // 50 h in March are 110 h in the period 1 Jan–30 Jun, over the grant, seen from March.
    let month = ReportMonth::parse("2026-03").unwrap();
    let mut dec = decision(1, Granted::PerPeriod { minutes: Minutes(100 * 60), months: 6 });
    dec.valid_to = d("2026-12-31");
    let rows: Vec<RowRecord> = (0..6)
        .map(|i| row(i, 1, 1, &format!("2026-01-{:02}", 5 + i), "07:00", "17:00", "aktiv"))
        .chain((0..5).map(|i| {
            row(10 + i, 1, 1, &format!("2026-03-{:02}", 9 + i), "07:00", "17:00", "aktiv")
        }))
        .collect();
    let refs: Vec<&RowRecord> = rows.iter().collect();
    let f = check_recipient(month, &refs, std::slice::from_ref(&dec), &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::GrantExceeded {
                used: Minutes(110 * 60),
                granted: Minutes(100 * 60),
                from: d("2026-01-01"),
                to: d("2026-06-30")
            }),
        "{f:?}"
    );

    // A week that straddles the month's end: Mon 30 March – Sun 5 April, 4 × 8 h = 32 h > 20 h.
    let week = decision(1, Granted::PerWeek(Minutes(20 * 60)));
    let rows: Vec<RowRecord> = ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02"]
        .iter()
        .enumerate()
        .map(|(i, day)| row(i as i64, 1, 1, day, "08:00", "16:00", "aktiv"))
        .collect();
    let refs: Vec<&RowRecord> = rows.iter().collect();
    let f = check_recipient(month, &refs, std::slice::from_ref(&week), &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::GrantExceeded {
                used: Minutes(32 * 60),
                granted: Minutes(20 * 60),
                from: d("2026-03-30"),
                to: d("2026-04-05")
            }),
        "{f:?}"
    );

    // The previous month's last night: 28 Feb 22:00 – 1 Mar 06:00 puts 6 h into March.
    let small = decision(1, Granted::PerMonth(Minutes(5 * 60)));
    let night = row(1, 1, 1, "2026-02-28", "22:00", "06:00", "aktiv");
    let f = check_recipient(month, &[&night], std::slice::from_ref(&small), &RuleConfig::default());
    assert!(
        f.iter().any(|f| f.what
            == What::GrantExceeded {
                used: Minutes(6 * 60),
                granted: Minutes(5 * 60),
                from: d("2026-03-01"),
                to: d("2026-03-31")
            }),
        "{f:?}"
    );
}

#[test]
fn the_preflight_says_where_a_phone_or_a_year_s_amount_is_missing() {
    // Issue 24 items 3 and 7.
    let month = ReportMonth::parse("2026-03").unwrap();
    let mut anna = assistant(1, atl());
    let recipients: HashMap<_, _> = [(1, recipient(1))].into_iter().collect();
    let rows = [row(1, 1, 1, "2026-03-02", "08:00", "16:00", "aktiv")];
    let dec = [decision(1, Granted::PerMonth(Minutes(200 * 60)))];
    let states = [MonthState { assistant: 1, recipient: 1, status: MonthStatus::Attested }];
    let config = RuleConfig::default();
    let run = |a: &Assistant, rates: &crate::RateTable| {
        let assistants: HashMap<_, _> = [(1, a.clone())].into_iter().collect();
        preflight(&MonthInput {
            month,
            today: d("2026-04-20"),
            rows: &rows,
            assistants: &assistants,
            recipients: &recipients,
            decisions: &dec,
            absences: &[],
            states: &states,
            rakning_complete: Some(&[1]),
            config: &config,
            rates: Some(rates),
        })
        .findings
        .into_iter()
        .filter(|f| {
            matches!(
                f.what,
                What::AssistantPhoneMissing { .. } | What::StandardAmountMissing { .. }
            )
        })
        .map(|f| (f.rule, f.severity, f.what, f.assistant))
        .collect::<Vec<_>>()
    };
    let known = crate::RateTable::with_known_years();
    assert_eq!(run(&anna, &known), vec![], "a phone and the year's amount: nothing to say");
    anna.phone = " ".into();
    assert_eq!(
        run(&anna, &known),
        vec![(
            RuleId::V9,
            Severity::Warning,
            What::AssistantPhoneMissing { assistant: "Anna A1".into() },
            Some(1)
        )],
        "with the assistant, for the link to their card"
    );
    anna.phone = "070-123 45 67".into();
    assert_eq!(
        run(&anna, &crate::RateTable::default()),
        vec![(RuleId::V6, Severity::Info, What::StandardAmountMissing { year: 2026 }, None)]
    );
}

#[test]
fn v1_v3_v5_v8_findings_are_limited_to_the_month_being_checked() {
    // Issue 7: an old error must not block a new month.
    let april = ReportMonth::parse("2026-04").unwrap();
    let assistants: HashMap<_, _> = [(1, assistant(1, atl()))].into_iter().collect();
    let mut other = recipient(2);
    other.personnummer = Personnummer::parse("197010632391").unwrap(); // samordningsnummer: V1
    let recipients: HashMap<_, _> = [(1, recipient(1)), (2, other)].into_iter().collect();
    // March: an overlap (V3) and no daily rest (V5); April: one ordinary day.
    let rows = [
        row(1, 1, 1, "2026-03-10", "07:00", "15:00", "aktiv"),
        row(2, 1, 2, "2026-03-10", "14:00", "23:00", "aktiv"),
        row(3, 1, 1, "2026-04-14", "08:00", "16:00", "aktiv"),
    ];
    let dec = [
        decision(1, Granted::PerMonth(Minutes(200 * 60))),
        decision(2, Granted::PerMonth(Minutes(200 * 60))),
    ];
    let stay = Absence {
        recipient: 1,
        kind: AbsenceKind::Hospital,
        from: d("2026-01-01"),
        to: d("2026-02-20"),
        assistance_allowed: false,
    };
    let states = [MonthState { assistant: 1, recipient: 1, status: MonthStatus::Attested }];
    let config = RuleConfig::default();
    let p = preflight(&MonthInput {
        month: april,
        today: d("2026-05-02"),
        rows: &rows,
        assistants: &assistants,
        recipients: &recipients,
        decisions: &dec,
        absences: std::slice::from_ref(&stay),
        states: &states,
        rakning_complete: None,
        config: &config,
        rates: None,
    });
    let found: Vec<RuleId> = p.findings.iter().map(|f| f.rule).collect();
    assert!(
        !found.iter().any(|r| matches!(r, RuleId::V1 | RuleId::V3 | RuleId::V5 | RuleId::V8)),
        "{:?}",
        p.findings
    );
    assert!(p.ready());
}
