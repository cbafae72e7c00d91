//! A realistic data set for the engine benchmarks: 5,000 assistants × 4 months.

use chrono::{Duration, NaiveDate};
use engine::rules::RowRecord;
use engine::{Assistant, Regime, RowInput, examples};
use std::collections::HashMap;

pub const ASSISTANTS: i64 = 5_000;
pub const DAYS: i64 = 120;

/// One row a day per assistant, by a rotating pattern: two day shifts, an evening, a standby
/// evening, a night of waiting time across midnight, then a day off: 120 rows per assistant, 600,000 in all.
pub fn rows() -> Vec<RowRecord> {
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut out = Vec::with_capacity((ASSISTANTS * DAYS) as usize);
    let mut id = 0;
    for a in 0..ASSISTANTS {
        for day in 0..DAYS {
            let pattern = (a + day) % 6;
            let shifts: &[(&str, &str, bool, &str, i64)] = match pattern {
                // A morning split between two recipients.
                0 => {
                    &[("07:00", "11:00", false, "aktiv", 0), ("11:00", "15:00", false, "aktiv", 1)]
                }
                1 => &[("08:00", "16:30", false, "aktiv", 0)],
                2 => &[("15:00", "22:00", false, "aktiv", 0)],
                3 => &[("17:00", "23:00", false, "beredskap", 1)],
                4 => &[("22:00", "07:00", true, "vantetid", 0)],
                _ => &[],
            };
            let date = start + Duration::days(day);
            for (s, e, next, kind, other) in shifts {
                let input = RowInput {
                    recipient: "1".into(),
                    date: date.to_string(),
                    start: (*s).into(),
                    end: (*e).into(),
                    next_day: *next,
                    kind: (*kind).into(),
                    fold: String::new(),
                    fold_end: String::new(),
                };
                id += 1;
                out.push(RowRecord {
                    id,
                    assistant: a,
                    recipient: a / 3 + other,
                    row: input.parse().expect("valid generated row"),
                });
            }
        }
    }
    out
}

pub fn assistants() -> HashMap<i64, Assistant> {
    (0..ASSISTANTS)
        .map(|id| {
            let regime = match id % 3 {
                0 => Regime::Atl {
                    period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    period_months: 4,
                },
                1 => Regime::HusligtArbete {
                    period_start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                },
                _ => Regime::AbBilagaJ {
                    allow_24h_shifts: false,
                    period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    period_months: 4,
                },
            };
            (id, Assistant { id, ..examples::assistant(regime) })
        })
        .collect()
}
