//! Loads a tenant's people, decisions and absences as the rules engine needs them.

use super::err;
use super::sql::{Conn, Narrow, Query, Row, fetch_batch};
use chrono::NaiveDate;
use engine::rules::Absence;
use engine::{
    Assistant, Decision, Employer, Funder, Granted, Minutes, Personnummer, Recipient, Regime,
};
use std::collections::HashMap;
use store::{People, RepoResult};

/// Assistants (with their assignments' FK notices), recipients, decisions and absences of
/// a tenant, optionally narrowed to one assistant and one recipient. Narrowed to an assistant,
/// only the recipients they are or were assigned to come with them; narrowed to a recipient,
/// only the assistants assigned to them: no page of one person loads a whole municipality.
pub(crate) async fn load_people(
    c: &mut Conn,
    tenant: i64,
    assistant: Option<i64>,
    recipient: Option<i64>,
) -> RepoResult<People> {
    let queries = people_queries(tenant, assistant, recipient);
    if assistant.is_some() || recipient.is_some() {
        // A few rows.
        return Ok(people_from(fetch_batch(c, queries).await.map_err(err)?));
    }
    // A whole municipality (thousands of assistants): each read as it comes, off the worker
    // thread's other tasks.
    let mut rows = Vec::with_capacity(queries.len());
    for q in queries {
        rows.push(q.fetch_map(c, |r| Some(r.clone())).await.map_err(err)?);
    }
    Ok(people_from(rows))
}

const ASSISTANT_COLUMNS: &str = "id, personnummer, first_name, last_name, eea_resident, regime, period_start, period_months, allow_24h_shifts, collective_agreement, birth_date, employer, other_employer_name, other_employer_org, phone";

/// The five reads of [`load_people`] (assistants, assignments, recipients, decisions, absences),
/// to run in one batch, alone or with a page's other reads ([`people_from`] reads their rows).
pub(crate) fn people_queries(
    tenant: i64,
    assistant: Option<i64>,
    recipient: Option<i64>,
) -> Vec<Query<'static>> {
    let assistants = Narrow::new("tenant_id", tenant).and("id = $?", assistant).and(
        "id IN (SELECT assistant_id FROM assignments WHERE tenant_id = $1 AND recipient_id = $?)",
        recipient,
    );
    let assignments = Narrow::new("tenant_id", tenant)
        .and("assistant_id = $?", assistant)
        .and("recipient_id = $?", recipient);
    // Narrowed to one assistant: only the recipients they are (or were) assigned to, so an
    // assistant's page never loads a whole municipality.
    const ASSIGNED: &str =
        "IN (SELECT recipient_id FROM assignments WHERE tenant_id = $1 AND assistant_id = $?)";
    let recipients = Narrow::new("tenant_id", tenant)
        .and("id = $?", recipient)
        .and(&format!("id {ASSIGNED}"), assistant);
    let theirs = Narrow::new("tenant_id", tenant)
        .and("recipient_id = $?", recipient)
        .and(&format!("recipient_id {ASSIGNED}"), assistant);
    vec![
        assistants.query(format!(
            "SELECT {ASSISTANT_COLUMNS} FROM assistants WHERE {} ORDER BY id",
            assistants.sql
        )),
        // Assignments, with the date of the FK notice where there is one (V2 reports a missing one).
        assignments.query(format!(
            "SELECT assistant_id, recipient_id, MAX(fk_notified_on) AS notified, MAX(CASE WHEN relative THEN 1 ELSE 0 END) AS relative FROM assignments
             WHERE {} GROUP BY assistant_id, recipient_id ORDER BY assistant_id, recipient_id",
            assignments.sql
        )),
        recipients.query(format!("SELECT id, personnummer, first_name, last_name FROM recipients WHERE {} ORDER BY id", recipients.sql)),
        theirs.query(format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE {} ORDER BY valid_from, id", theirs.sql)),
        theirs.query(format!("SELECT {ABSENCE_COLUMNS} FROM absences WHERE {} ORDER BY id", theirs.sql)),
    ]
}

/// [`People`] from the rows of [`people_queries`], in their order.
pub(crate) fn people_from(rows: Vec<Vec<Row>>) -> People {
    let parse_date =
        |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let [assistant_rows, assignment_rows, recipient_rows, decision_rows, absence_rows]: [Vec<Row>;
        5] = rows.try_into().expect("the five reads of people_queries");
    let mut assistants = HashMap::new();
    for a in assistant_rows {
        let id: i64 = a.get("id");
        let Ok(personnummer) = Personnummer::parse(a.get("personnummer")) else {
            tracing::error!(assistant = id, "stored personnummer does not parse");
            continue;
        };
        let period_start =
            parse_date(a.get("period_start")).unwrap_or_else(engine::people::default_period_start);
        let regime = match a.get::<&str, _>("regime") {
            "atl" => Regime::Atl {
                period_start,
                period_months: a
                    .get::<Option<i64>, _>("period_months")
                    .unwrap_or(DEFAULT_PERIOD_MONTHS)
                    .clamp(1, 4) as u32,
            },
            "husligt_arbete" => Regime::HusligtArbete { period_start },
            _ => Regime::AbBilagaJ {
                allow_24h_shifts: a.get::<i64, _>("allow_24h_shifts") != 0,
                period_start,
                period_months: a
                    .get::<Option<i64>, _>("period_months")
                    .unwrap_or(DEFAULT_PERIOD_MONTHS)
                    .clamp(1, 4) as u32,
            },
        };
        assistants.insert(
            id,
            Assistant {
                id,
                personnummer,
                first_name: a.get("first_name"),
                last_name: a.get("last_name"),
                eea_resident: a.get::<i64, _>("eea_resident") != 0,
                fk_notified: HashMap::new(),
                relative_of: vec![],
                regime,
                collective_agreement: a.get::<i64, _>("collective_agreement") != 0,
                birth_date: parse_date(a.get("birth_date")),
                phone: a.get::<Option<String>, _>("phone").unwrap_or_default(),
                employer: match a.get::<&str, _>("employer") {
                    "other" => Employer::Other {
                        name: a.get::<Option<String>, _>("other_employer_name").unwrap_or_default(),
                        organisationsnummer: a
                            .get::<Option<String>, _>("other_employer_org")
                            .unwrap_or_default(),
                    },
                    "self" => Employer::SelfEmployed,
                    "recipient" => Employer::Recipient,
                    _ => Employer::Provider,
                },
            },
        );
    }
    let mut assignments = Vec::new();
    for x in assignment_rows {
        let (aid, rid): (i64, i64) = (x.get("assistant_id"), x.get("recipient_id"));
        assignments.push((aid, rid));
        if let Some(a) = assistants.get_mut(&aid) {
            if let Some(n) = parse_date(x.get("notified")) {
                a.fk_notified.insert(rid, n);
            }
            if x.get::<Option<i64>, _>("relative").unwrap_or(0) != 0 {
                a.relative_of.push(rid);
            }
        }
    }
    let mut recipients = HashMap::new();
    for r in recipient_rows {
        let id: i64 = r.get("id");
        let Ok(personnummer) = Personnummer::parse(r.get("personnummer")) else {
            tracing::error!(recipient = id, "stored personnummer does not parse");
            continue;
        };
        recipients.insert(
            id,
            Recipient {
                id,
                personnummer,
                first_name: r.get("first_name"),
                last_name: r.get("last_name"),
            },
        );
    }
    let decisions = decision_rows.iter().filter_map(decision).collect();
    let absences = absence_rows.iter().filter_map(absence).collect();
    People { assistants, recipients, assignments, decisions, absences }
}

pub(crate) const ABSENCE_COLUMNS: &str =
    "id, recipient_id, kind, from_date, to_date, assistance_allowed";

/// An absence as stored (None if it no longer parses, which the CHECKs make impossible).
pub(crate) fn absence(x: &Row) -> Option<Absence> {
    let parse_date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(Absence {
        recipient: x.get("recipient_id"),
        kind: engine::settings::absence_kind(x.get("kind"))?,
        from: parse_date(x.get("from_date"))?,
        to: parse_date(x.get("to_date"))?,
        assistance_allowed: x.get::<i64, _>("assistance_allowed") != 0,
    })
}

/// The calculation period assumed for an assistant stored without one (the engine's).
pub(crate) const DEFAULT_PERIOD_MONTHS: i64 = engine::people::DEFAULT_PERIOD_MONTHS as i64;

pub(crate) const DECISION_COLUMNS: &str = "id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance, raised_rate, period_months";

/// A stored decision; one that no longer parses is skipped (the CHECKs make that impossible).
pub(crate) fn decision(d: &Row) -> Option<Decision> {
    let parse_date =
        |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let minutes = Minutes(d.get("granted_minutes"));
    Some(Decision {
        recipient: d.get("recipient_id"),
        funder: if d.get::<&str, _>("funder") == "lss" { Funder::Lss } else { Funder::Sfb },
        granted: match d.get::<&str, _>("granted_per") {
            "week" => Granted::PerWeek(minutes),
            "month" => Granted::PerMonth(minutes),
            _ => Granted::PerPeriod {
                minutes,
                months: d.get::<Option<i64>, _>("period_months").unwrap_or(6).clamp(1, 6) as u32,
            },
        },
        valid_from: parse_date(d.get("valid_from"))?,
        valid_to: parse_date(d.get("valid_to"))?,
        vantetid_allowed: d.get::<i64, _>("vantetid_allowed") != 0,
        beredskap_allowed: d.get::<i64, _>("beredskap_allowed") != 0,
        double_assistance: d.get::<i64, _>("double_assistance") != 0,
        raised_rate: d.get::<Option<String>, _>("raised_rate").and_then(|s| s.parse().ok()),
    })
}
