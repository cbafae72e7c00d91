//! The generated municipality of the load tests (bench/load/): 1,000 recipients, 5,000
//! assistants (five per recipient, each with a login), an administrator (`admin.last`), a
//! decision per recipient and, for every assistant, a full month: a shift on each of the first
//! 30 days of `month` (150,000 rows). The five assistants of a recipient work the same hours
//! and nobody has a day off, so the month's checks find a warning on nearly every row: the
//! month dashboard's worst case.
//! Written as plain SQL that both SQLite and PostgreSQL read, to be loaded into a BITA database
//! that already has the demo data (the users' password hash is the demo users' own, so every
//! generated assistant logs in with the demo password).
//!
//! `cargo run --release -p bench --bin load_data -- 2026-10 [--postgres] [--tenants N] [--months N] > load.sql`
//!
//! With `--tenants N` (N divides 1,000) the same people are spread over N municipalities
//! (ids 1000…): recipient `i` and assistant `i` belong to municipality `i % N`, so every
//! assistant is in the same one as their recipient. The administrator is the first's.
//!
//! Personnummer, instants and minutes come from the engine, so they are what the app computes.

use chrono::{Datelike, NaiveDate, NaiveTime};
use engine::{Personnummer, ReportMonth, TimeKind, TimeRow};
use std::io::{BufWriter, Write};

const TENANT: i64 = 1000;
const RECIPIENTS: i64 = 1_000;
const ASSISTANTS: i64 = 5_000;
const FIRST_RECIPIENT: i64 = 100_000;
const FIRST_ASSISTANT: i64 = 200_000;
const FIRST_USER: i64 = 300_000;
const FIRST_ROW: i64 = 1_000_000;

/// A valid personnummer for a made-up person: born on `born`, birth number 001–999 from `serial`, check digit found.
fn personnummer(born: NaiveDate, serial: i64) -> String {
    (0..10)
        .map(|check| format!("{}{:03}{check}", born.format("%Y%m%d"), serial % 999 + 1))
        .find(|p| Personnummer::parse(p).is_ok())
        .expect("one of ten check digits is right")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let month = args
        .first()
        .and_then(|m| ReportMonth::parse(m))
        .ok_or("usage: load_data YYYY-MM [--postgres] > load.sql")?;
    let postgres = args.iter().any(|a| a == "--postgres");
    let tenants: i64 = match args.iter().position(|a| a == "--tenants") {
        Some(i) => args.get(i + 1).and_then(|n| n.parse().ok()).ok_or("--tenants N")?,
        None => 1,
    };
    if tenants < 1 || RECIPIENTS % tenants != 0 {
        return Err("--tenants must divide 1000".into());
    }
    // `--months N`: the same 30-row month in each of the N - 1 months before too, as a real
    // municipality has them (the month's checks read six months back).
    let months: u32 = match args.iter().position(|a| a == "--months") {
        Some(i) => args.get(i + 1).and_then(|n| n.parse().ok()).ok_or("--months N")?,
        None => 1,
    };
    if !(1..=12).contains(&months) {
        return Err("--months must be 1 to 12".into());
    }
    let tenant = |i: i64| TENANT + i % tenants;
    let mut out = BufWriter::new(std::io::stdout().lock());
    writeln!(out, "BEGIN;")?;
    for k in 0..tenants {
        let name = if k == 0 { "Lastkommun".to_string() } else { format!("Lastkommun {k}") };
        writeln!(
            out,
            "INSERT INTO tenants (id, name, org_number, contact_person, phone) VALUES ({}, '{name}', '{}', 'Lasse Last', '010-000 00 00');",
            TENANT + k,
            2120001000 + k
        )?;
    }
    let base = NaiveDate::from_ymd_opt(1960, 1, 1).ok_or("date")?;
    let batch = |out: &mut BufWriter<_>, head: &str, values: Vec<String>| -> std::io::Result<()> {
        for chunk in values.chunks(500) {
            writeln!(out, "{head} VALUES\n{};", chunk.join(",\n"))?;
        }
        Ok(())
    };
    let recipients = (0..RECIPIENTS)
        .map(|i| {
            format!(
                "({}, {}, '{}', 'Brukare', 'B{i:04}')",
                FIRST_RECIPIENT + i,
                tenant(i),
                personnummer(base + chrono::Duration::days(i * 7), i)
            )
        })
        .collect();
    batch(
        &mut out,
        "INSERT INTO recipients (id, tenant_id, personnummer, first_name, last_name)",
        recipients,
    )?;
    let decisions = (0..RECIPIENTS)
        .map(|i| {
            format!(
                "({}, {}, 'sfb', 'month', {}, '2024-01-01', '2030-12-31', TRUE, TRUE, FALSE)",
                tenant(i),
                FIRST_RECIPIENT + i,
                744 * 60
            )
        })
        .collect();
    batch(
        &mut out,
        "INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance)",
        decisions,
    )?;
    let assistants = (0..ASSISTANTS)
        .map(|i| {
            format!(
                "({}, {}, '{}', 'Assistent', 'A{i:05}')",
                FIRST_ASSISTANT + i,
                tenant(i),
                personnummer(base + chrono::Duration::days(9000 + i), i)
            )
        })
        .collect();
    batch(
        &mut out,
        "INSERT INTO assistants (id, tenant_id, personnummer, first_name, last_name)",
        assistants,
    )?;
    let users = (0..ASSISTANTS)
        .map(|i| format!("({}, {}, 'last{i:05}', (SELECT password_hash FROM users WHERE username = 'anna'), 'Assistent A{i:05}', 'assistant', {})", FIRST_USER + i, tenant(i), FIRST_ASSISTANT + i))
        .collect();
    batch(
        &mut out,
        "INSERT INTO users (id, tenant_id, username, password_hash, display_name, role, assistant_id)",
        users,
    )?;
    // The municipality's administrator, for its month dashboard and export page.
    writeln!(
        out,
        "INSERT INTO users (id, tenant_id, username, password_hash, display_name, role) VALUES ({}, {TENANT}, 'admin.last', (SELECT password_hash FROM users WHERE username = 'anna'), 'Lasse Last', 'admin');",
        FIRST_USER + ASSISTANTS
    )?;
    let assignments = (0..ASSISTANTS)
        .map(|i| {
            format!(
                "({}, {}, {}, '2024-01-01', '2024-01-01')",
                tenant(i),
                FIRST_ASSISTANT + i,
                FIRST_RECIPIENT + i % RECIPIENTS
            )
        })
        .collect();
    batch(
        &mut out,
        "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on)",
        assignments,
    )?;

    // The month: a shift on each of its first 30 days (the 30-row page of P2), day shifts and
    // two later ones a week, twelve hours apart at least.
    let patterns: [(u32, u32, bool, TimeKind); 2] =
        [(8, 16, false, TimeKind::Aktiv), (12, 20, false, TimeKind::Aktiv)];
    let mut id = FIRST_ROW;
    let mut rows = Vec::new();
    let filled: Vec<ReportMonth> = (0..months)
        .map(|back| {
            let first = month.first_day() - chrono::Months::new(back);
            ReportMonth::of(first).ok_or("month")
        })
        .collect::<Result<_, _>>()?;
    for (a, month) in (0..ASSISTANTS).flat_map(|a| filled.iter().map(move |m| (a, m))) {
        for day in 0..30u32 {
            let date = month.first_day() + chrono::Duration::days(day.into());
            if date.month() != month.first_day().month() {
                break;
            }
            let (s, e, next, kind) = patterns[usize::from((a as u32 + day) % 7 >= 5)];
            let t = |h| NaiveTime::from_hms_opt(h, 0, 0).expect("whole hour");
            let row = TimeRow::new(date, t(s), t(e), next, kind).map_err(|e| format!("{e:?}"))?;
            rows.push(format!(
                "({id}, {}, {}, {}, '{date}', '{:02}:00', '{:02}:00', {}, '{}', {}, {}, {}, {})",
                tenant(a),
                FIRST_ASSISTANT + a,
                FIRST_RECIPIENT + a % RECIPIENTS,
                s,
                e,
                if next { "TRUE" } else { "FALSE" },
                kind.code(),
                row.minutes().0,
                FIRST_USER + a,
                row.start_at().timestamp(),
                row.end_at().timestamp()
            ));
            id += 1;
        }
    }
    batch(
        &mut out,
        "INSERT INTO time_rows (id, tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, minutes, created_by, start_at, end_at)",
        rows,
    )?;
    if postgres {
        for table in ["recipients", "assistants", "users", "time_rows", "decisions", "assignments"]
        {
            writeln!(
                out,
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}));"
            )?;
        }
    }
    writeln!(out, "COMMIT;")?;
    Ok(())
}
