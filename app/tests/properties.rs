//! Properties of the time arithmetic and the rules, over generated rows and numbers.

use app::domain::fk::Tidsredovisning;
use app::domain::people::Provider;
use app::domain::rates::parse_kr;
use app::domain::row::parse_clock;
use app::domain::rules::{RowRecord, RuleConfig, RuleId, check_assistant};
use app::domain::text::clean_text;
use app::domain::{
    Assistant, Minutes, Organisationsnummer, Personnummer, Recipient, Regime, ReportMonth,
    RowInput, TimeRow, Totals, examples,
};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

/// A row anywhere in 2024–2027 (so both DST changes of each year are hit), any kind.
fn any_row() -> impl Strategy<Value = Option<TimeRow>> {
    (0i64..4 * 366, 0u32..24, 0u32..4, 0u32..24, 0u32..4, any::<bool>(), 0usize..3).prop_map(
        |(day, sh, sm, eh, em, next, kind)| {
            let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Duration::days(day);
            RowInput {
                recipient: "1".into(),
                date: date.to_string(),
                start: format!("{sh:02}:{:02}", sm * 15),
                end: format!("{eh:02}:{:02}", em * 15),
                next_day: next,
                kind: ["aktiv", "vantetid", "beredskap"][kind].into(),
                fold: String::new(),
                fold_end: String::new(),
            }
            .parse()
            .ok()
        },
    )
}

fn rows(max: usize) -> impl Strategy<Value = Vec<TimeRow>> {
    prop::collection::vec(any_row(), 0..max).prop_map(|v| v.into_iter().flatten().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn splitting_at_midnight_preserves_the_minutes(row in any_row()) {
        if let Some(row) = row {
            let parts = row.day_parts();
            prop_assert!(parts.len() <= 2);
            prop_assert_eq!(parts.iter().map(|p| p.minutes).sum::<Minutes>(), row.minutes());
            prop_assert!(parts.iter().all(|p| p.minutes.0 > 0 || row.minutes().0 == 0));
        }
    }

    #[test]
    fn totals_are_additive(a in rows(20), b in rows(20)) {
        let all: Vec<&TimeRow> = a.iter().chain(b.iter()).collect();
        prop_assert_eq!(Totals::of(all), Totals::of(&a) + Totals::of(&b));
    }

    #[test]
    fn overlap_is_symmetric(a in any_row(), b in any_row()) {
        if let (Some(a), Some(b)) = (a, b) {
            prop_assert_eq!(a.overlaps(&b), b.overlaps(&a));
            prop_assert!(a.overlaps(&a));
        }
    }

    /// Every minute of every row lands in exactly one month's report: nothing is counted twice
    /// and nothing is lost when rows cross midnight into the next month.
    #[test]
    fn no_row_is_counted_twice_across_month_reports(rs in rows(40)) {
        let (recipient, assistant, provider) = people();
        let refs: Vec<&TimeRow> = rs.iter().collect();
        let mut months: Vec<ReportMonth> = rs.iter().flat_map(|r| r.day_parts()).map(|p| ReportMonth::of(p.date).unwrap()).collect();
        months.sort();
        months.dedup();
        let mut counted = Totals::default();
        for m in months {
            let report = Tidsredovisning::build("00000000-0000-0000-0000-000000000000", m, &recipient, &assistant, &provider, &refs).unwrap();
            prop_assert!(report.rader.iter().all(|p| m.contains(p.date)));
            counted = counted + report.totals();
        }
        prop_assert_eq!(counted, Totals::of(&rs));
    }

    /// V3 reports an overlap exactly when two of the assistant's rows share a minute.
    #[test]
    fn the_overlap_rule_finds_exactly_the_overlapping_rows(rs in rows(12)) {
        let (_, assistant, _) = people();
        let records: Vec<RowRecord> = rs.iter().enumerate().map(|(i, r)| RowRecord { id: i as i64, assistant: 1, recipient: 1, row: r.clone() }).collect();
        let refs: Vec<&RowRecord> = records.iter().collect();
        let any_overlap = rs.iter().enumerate().any(|(i, a)| rs.iter().skip(i + 1).any(|b| a.overlaps(b)));
        let found = check_assistant(assistant.regime, &refs, &RuleConfig::default()).iter().any(|f| f.rule == RuleId::V3);
        prop_assert_eq!(found, any_overlap);
    }

    #[test]
    fn a_valid_personnummer_round_trips(days in 0i64..38_000, serial in 1u32..1000) {
        let born = NaiveDate::from_ymd_opt(1920, 1, 1).unwrap() + chrono::Duration::days(days);
        let ten_without = format!("{:02}{:02}{:02}{:03}", born.year() % 100, born.month(), born.day(), serial);
        let check = luhn_digit(&ten_without);
        let full = format!("{:04}{:02}{:02}{serial:03}{check}", born.year(), born.month(), born.day());
        let p = Personnummer::parse(&full).unwrap();
        prop_assert_eq!(p.full(), full.as_str());
        prop_assert_eq!(Personnummer::parse(&format!("{}-{}", &full[..8], &full[8..])).unwrap(), p.clone());
        prop_assert_eq!(p.birth_date(), Some(born));
        prop_assert_eq!(p.to_string(), format!("{}-****", &full[..8]));
        // Any other last digit is refused.
        let wrong = format!("{}{}", &full[..11], (check + 1) % 10);
        prop_assert!(Personnummer::parse(&wrong).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    /// Issue 7: whatever a person types (any Unicode), every parser of user input answers;
    /// none panics (a panic kills the island and, before, the server's handler).
    #[test]
    fn no_parser_of_user_input_panics(s in "\\PC{0,12}", t in any::<String>()) {
        for x in [s.as_str(), t.as_str()] {
            let _ = parse_clock(x);
            let _ = Personnummer::parse(x);
            let _ = Organisationsnummer::parse(x);
            let _ = parse_kr(x);
            let _ = ReportMonth::parse(x);
            let _ = clean_text(x, 10);
            let input = RowInput { recipient: x.into(), date: x.into(), start: x.into(), end: x.into(), next_day: true, kind: x.into(), fold: x.into(), fold_end: x.into() };
            let _ = input.parse();
            let _ = RowInput { date: "2026-10-25".into(), start: x.into(), end: "03:00".into(), kind: "aktiv".into(), ..input }.parse();
        }
    }
}

fn luhn_digit(nine: &str) -> u32 {
    let sum: u32 = nine
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    (10 - sum % 10) % 10
}

fn people() -> (Recipient, Assistant, Provider) {
    let regime = Regime::Atl {
        period_start: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
        period_months: 4,
    };
    (examples::recipient(), examples::assistant(regime), examples::provider())
}
