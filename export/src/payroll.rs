//! Payroll input: a CSV of every row with documented columns (README "Payroll export"), and
//! PAXml 2.0 time transactions (`tidtrans`) for Fortnox Lön, Crona Lön and others.
//!
//! The DST choice of a shift in the repeated autumn hour travels in the UTC offset of its start
//! and end (`2026-10-25T02:30:00+02:00` is the first 02:30, `+01:00` the second).

use crate::defused;
use chrono::{DateTime, FixedOffset, SecondsFormat};
use engine::TimeKind;
use engine::documents::PayrollRow;
use rust_decimal::Decimal;

/// PAXml time codes, in one place: väntetid is jour (JR1), beredskap BE1, and worked time is
/// hourly-paid work (ARB), which is how municipalities employ most personal assistants.
/// `TID` (scheduled work) is the alternative for monthly-salaried staff.
pub fn time_code(kind: TimeKind) -> &'static str {
    match kind {
        TimeKind::Aktiv => "ARB",
        TimeKind::Vantetid => "JR1",
        TimeKind::Beredskap => "BE1",
    }
}

/// The CSV's header, in column order (documented in the README).
pub const CSV_HEADER: [&str; 13] = [
    "anstallningsnummer",
    "personnummer",
    "assistent",
    "brukare_id",
    "brukare",
    "datum",
    "start",
    "slut",
    "start_tid",
    "slut_tid",
    "slag",
    "tidkod",
    "minuter",
];

fn instant(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Every row as CSV: semicolon-separated (Swedish spreadsheets), UTF-8, one line per shift.
pub fn csv(rows: &[PayrollRow]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(CSV_HEADER);
    for r in rows {
        let _ = w.write_record([
            defused(&r.employee_id),
            r.personnummer.clone(),
            defused(&r.assistant_name),
            r.recipient_id.to_string(),
            defused(&r.recipient_name),
            r.date.format("%Y-%m-%d").to_string(),
            r.start.format("%H:%M").to_string(),
            r.end.format("%H:%M").to_string(),
            instant(&r.start_at),
            instant(&r.end_at),
            r.kind.code().to_string(),
            time_code(r.kind).to_string(),
            r.minutes.0.to_string(),
        ]);
    }
    w.into_inner().unwrap_or_default()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The payroll file's sender.
pub struct Sender<'a> {
    pub name: &'a str,
    /// Ten digits.
    pub orgnr: &'a str,
    pub created_at: DateTime<FixedOffset>,
}

/// PAXml 2.0: `paxml/header` and one `tidtrans` per row, UTF-8.
pub fn paxml(rows: &[PayrollRow], sender: &Sender<'_>) -> Vec<u8> {
    let mut x = String::with_capacity(256 + rows.len() * 320);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<paxml>\n  <header>\n");
    x.push_str("    <version>2.0</version>\n");
    x.push_str(&format!("    <datum>{}</datum>\n", instant(&sender.created_at)));
    x.push_str(&format!("    <foretagorgnr>{}</foretagorgnr>\n", escape(sender.orgnr)));
    x.push_str(&format!("    <foretagnamn>{}</foretagnamn>\n", escape(sender.name)));
    x.push_str("    <programnamn>BITA</programnamn>\n  </header>\n  <tidtransaktioner>\n");
    for r in rows {
        let hours = (Decimal::from(r.minutes.0) / Decimal::from(60)).round_dp(2);
        x.push_str(&format!(
            "    <tidtrans anstid=\"{}\" persnr=\"{}\">\n",
            escape(&r.employee_id),
            escape(&r.personnummer)
        ));
        x.push_str(&format!("      <tidkod>{}</tidkod>\n", time_code(r.kind)));
        x.push_str(&format!("      <datum>{}</datum>\n", r.date.format("%Y-%m-%d")));
        x.push_str(&format!("      <starttid>{}</starttid>\n", instant(&r.start_at)));
        x.push_str(&format!("      <sluttid>{}</sluttid>\n", instant(&r.end_at)));
        x.push_str(&format!("      <timmar>{hours:.2}</timmar>\n"));
        x.push_str(&format!("      <info>{}</info>\n", escape(&r.recipient_name)));
        x.push_str("    </tidtrans>\n");
    }
    x.push_str("  </tidtransaktioner>\n</paxml>\n");
    x.into_bytes()
}
