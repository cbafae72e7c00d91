//! An installation's first data, each one transaction through the store like every other
//! change: the first administrator (`server admin create`) and the demo municipalities. The
//! password hashing is the server's; these take the hash.

use crate::domain::decision::{Decision, Funder, Granted};
use crate::domain::people::{Capacity, Employer, Regime, Role};
use crate::domain::register::{AssignmentData, AssistantData, RecipientData};
use crate::domain::{
    Minutes, MonthStatus, Organisationsnummer, Personnummer, ReportMonth, TimeKind, TimeRow,
};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use store::{AuditEntry, Conflict, NewLogin, OnRefusal, Repo, RepoError};

/// What setting up can fail with: a message for the operator's terminal.
pub type SetupResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The first administrator of a municipality (created with it when its organisationsnummer is
/// new), with a password only the operator's terminal sees.
pub struct FirstAdmin<'a> {
    pub municipality: &'a str,
    pub org_number: &'a Organisationsnummer,
    pub username: &'a str,
    pub display_name: &'a str,
}

/// Creates the account with its audit entry in one transaction; an error that says what to do
/// when the username is taken.
pub async fn first_admin(
    repo: &dyn Repo,
    a: &FirstAdmin<'_>,
    password_hash: &str,
) -> SetupResult<()> {
    let mut db = repo.write().await?;
    let org = a.org_number.as_str();
    let tenant = match db.tenant_by_org_number(org).await? {
        Some(id) => id,
        None => db.create_tenant(a.municipality, org, a.display_name, "").await?,
    };
    let login = NewLogin {
        username: a.username,
        display_name: a.display_name,
        role: Role::Admin,
        assistant: None,
        recipient: None,
        email: "",
        personnummer: None,
    };
    let user = match db.create_account(tenant, &login).await {
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Err(format!("the username {} is taken", a.username).into());
        }
        r => r?,
    };
    db.set_password(tenant, user, password_hash).await?;
    db.audit(&AuditEntry {
        tenant: Some(tenant),
        user: Some(user),
        client: Some("server admin create".into()),
        action: "account.create",
        subject: format!("user {user}"),
        ..Default::default()
    })
    .await?;
    db.finish().await?;
    Ok(())
}

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "bita-demo";

/// (username, role, who) of the demo users, printed at startup.
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "Exempelby kommun"),
    ("anna", "assistant", "Anna Andersson, assistent åt Bo och Cecilia"),
    ("david", "assistant", "David Dahl, assistent åt Bo"),
    ("bo", "recipient", "Bo Berg, brukare"),
    (
        "eva",
        "representative",
        "Eva Ek, god man för Cecilia Carlsson och vårdnadshavare för Elis Ek",
    ),
    ("hanna", "assistant", "Hanna Lind, assistent åt Bo"),
    ("ida", "assistant", "Ida Isaksson, assistent åt Filip"),
    ("filip", "recipient", "Filip Fors, brukare"),
    ("lena", "work_leader", "Lena Lund, arbetsledare för Bo, Elis och Filip"),
    ("jonas", "assistant", "Jonas Jansson, assistent åt Bo, Elis och Filip efter Lenas schema"),
    ("admin.provstad", "admin", "Provstad kommun (annan kommun)"),
    ("frida", "assistant", "Frida Falk, Provstad"),
    ("gustav", "recipient", "Gustav Gran, Provstad"),
];

/// Does the installation have no municipality yet?
pub async fn is_empty(repo: &dyn Repo) -> SetupResult<bool> {
    Ok(repo.read().await?.tenant_count().await? == 0)
}

/// The demo's (made-up) personnummer, checked like a typed one.
fn pnr(s: &str) -> SetupResult<Personnummer> {
    Personnummer::parse(s).map_err(|e| format!("demo personnummer {s}: {e:?}").into())
}

/// Loads the demo municipalities, people and a month of rows in one transaction. All people
/// are fictional; their personnummer are made-up numbers with valid check digits, never real
/// people's. `today` decides which months get rows: the previous month (submitted by Anna for
/// Bo) and the current one (drafts).
pub async fn demo(repo: &dyn Repo, today: NaiveDate, password_hash: &str) -> SetupResult<()> {
    let mut db = repo.write().await?;
    let a = db
        .create_tenant("Exempelby kommun", "2120000001", "Karin Kontakt", "010-123 45 00")
        .await?;
    let b =
        db.create_tenant("Provstad kommun", "2120000142", "Per Provare", "010-987 65 00").await?;
    // Each municipality's own sign-in address (/logga-in/exempelby); passwords allowed.
    for (tenant, slug) in [(a, "exempelby"), (b, "provstad")] {
        let s = store::LoginSettings {
            tenant_id: tenant,
            slug: Some(slug.into()),
            password_login: true,
            ..Default::default()
        };
        db.save_login_settings(&s).await?;
    }

    let mut recipient = async |t: i64, p: &str, first: &str, last: &str| -> SetupResult<i64> {
        let r = RecipientData {
            personnummer: Some(pnr(p)?),
            first_name: first.into(),
            last_name: last.into(),
        };
        db.save_recipient(t, None, &r).await?.ok_or_else(|| "demo recipient not saved".into())
    };
    let bo = recipient(a, "194503150049", "Bo", "Berg").await?;
    let cecilia = recipient(a, "201209190501", "Cecilia", "Carlsson").await?;
    let gustav = recipient(b, "195707040407", "Gustav", "Gran").await?;
    let elis = recipient(a, "201506212388", "Elis", "Ek").await?;
    let filip = recipient(a, "198002144577", "Filip", "Fors").await?;

    let mut assistant =
        async |t: i64, p: &str, first: &str, last: &str, phone: &str| -> SetupResult<i64> {
            let d = AssistantData {
                personnummer: Some(pnr(p)?),
                first_name: first.into(),
                last_name: last.into(),
                birth_date: None,
                eea_resident: true,
                regime: Regime::default(),
                collective_agreement: true,
                employer: Employer::Provider,
                phone: phone.into(),
                employee_number: String::new(),
            };
            db.save_assistant(t, None, &d).await?.ok_or_else(|| "demo assistant not saved".into())
        };
    let anna = assistant(a, "197005120105", "Anna", "Andersson", "070-123 45 67").await?;
    let david = assistant(a, "198811040206", "David", "Dahl", "070-234 56 78").await?;
    let frida = assistant(b, "199202280302", "Frida", "Falk", "073-345 67 89").await?;
    let hanna = assistant(a, "199003142487", "Hanna", "Lind", "076-456 78 90").await?;
    let ida = assistant(a, "199506072322", "Ida", "Isaksson", "070-678 90 12").await?;
    let jonas = assistant(a, "199307212382", "Jonas", "Jansson", "070-789 01 23").await?;

    let mut user = async |t: i64,
                          name: &str,
                          display: &str,
                          role: Role,
                          asst: Option<i64>,
                          rec: Option<i64>|
           -> SetupResult<i64> {
        let login = NewLogin {
            username: name,
            display_name: display,
            role,
            assistant: asst,
            recipient: rec,
            // Provstad's administrator has the e-mail the test provider's staff claim carries
            // (end2end/oidc/provider.mjs): signed in with e-legitimation, linked by it.
            email: if name == "admin.provstad" { "per.provare@provstad.se" } else { "" },
            personnummer: None,
        };
        let id = db.create_account(t, &login).await?;
        db.set_password(t, id, password_hash).await?;
        Ok(id)
    };
    user(a, "admin", "Karin Kontakt", Role::Admin, None, None).await?;
    let anna_user = user(a, "anna", "Anna Andersson", Role::Assistant, Some(anna), None).await?;
    user(a, "david", "David Dahl", Role::Assistant, Some(david), None).await?;
    user(a, "bo", "Bo Berg", Role::Recipient, None, Some(bo)).await?;
    let eva = user(a, "eva", "Eva Ek", Role::Representative, None, None).await?;
    user(a, "hanna", "Hanna Lind", Role::Assistant, Some(hanna), None).await?;
    user(a, "ida", "Ida Isaksson", Role::Assistant, Some(ida), None).await?;
    user(a, "jonas", "Jonas Jansson", Role::Assistant, Some(jonas), None).await?;
    user(a, "filip", "Filip Fors", Role::Recipient, None, Some(filip)).await?;
    user(b, "admin.provstad", "Per Provare", Role::Admin, None, None).await?;
    user(b, "frida", "Frida Falk", Role::Assistant, Some(frida), None).await?;
    user(b, "gustav", "Gustav Gran", Role::Recipient, None, Some(gustav)).await?;
    let lena = user(a, "lena", "Lena Lund", Role::WorkLeader, None, None).await?;
    db.link_representative(a, cecilia, eva, Capacity::GodMan).await?;
    // The work leader plans for Bo, Elis and Filip, and sees nothing of Cecilia.
    for whom in [bo, elis, filip] {
        db.set_work_leader_recipient(a, lena, whom, true).await?;
    }
    db.link_representative(a, elis, eva, Capacity::Vardnadshavare).await?;

    // Decisions: Bo 160 h a month under SFB with waiting time; Cecilia 40 h a week with
    // waiting time and standby; Elis 20 h a week with waiting time; Gustav 120 h a month.
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")?;
    let until = NaiveDate::from_ymd_opt(2030, 12, 31).ok_or("date")?;
    for (t, whom, granted, vantetid, beredskap) in [
        (a, bo, Granted::PerMonth(Minutes(9600)), true, false),
        (a, cecilia, Granted::PerWeek(Minutes(2400)), true, true),
        (b, gustav, Granted::PerMonth(Minutes(7200)), false, false),
        (a, elis, Granted::PerWeek(Minutes(1200)), true, false),
        (a, filip, Granted::PerMonth(Minutes(12000)), true, true),
    ] {
        let d = Decision {
            recipient: whom,
            funder: Funder::Sfb,
            granted,
            valid_from: since,
            valid_to: until,
            vantetid_allowed: vantetid,
            beredskap_allowed: beredskap,
            double_assistance: false,
            raised_rate: None,
        };
        db.add_decision(t, &d).await?.ok_or("demo decision not saved")?;
    }

    // Every demo assistant was reported to FK (3066 / E-IOA) when the assignment began.
    for (t, who, whom) in [
        (a, anna, bo),
        (a, anna, cecilia),
        (a, david, bo),
        (b, frida, gustav),
        (a, david, cecilia),
        (a, david, elis),
        (a, hanna, bo),
        (a, ida, filip),
        (a, jonas, bo),
        (a, jonas, elis),
        (a, jonas, filip),
    ] {
        let data = AssignmentData {
            recipient: whom,
            valid_from: since,
            valid_to: None,
            fk_notified_on: Some(since),
            relative: false,
        };
        match db.add_assignment(t, who, &data).await? {
            Some(Ok(_)) => {}
            other => return Err(format!("demo assignment not saved: {other:?}").into()),
        }
    }

    // Rows: Anna's previous month for Bo (weekday day shifts, submitted) and two night shifts
    // for Cecilia this month (waiting time at night).
    let t = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).ok_or("valid demo time");
    let prev = ReportMonth::of(today).ok_or("today is outside the years BITA handles")?.previous();
    let mut day = prev.first_day();
    let mut n = 0;
    while prev.contains(day) && n < 8 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let row = TimeRow::new(day, t(7)?, t(15)?, false, TimeKind::Aktiv)
                .map_err(|e| format!("{e:?}"))?;
            db.insert_row(a, anna, bo, &row, anna_user, OnRefusal::GoOn).await?;
            n += 1;
        }
        day = day.succ_opt().ok_or("date overflow")?;
    }
    let rec = db.month_record(a, anna, bo, prev).await?;
    let id = rec.id.ok_or("no month record")?;
    db.transition(a, id, MonthStatus::Draft, MonthStatus::Submitted, anna_user, None).await?;

    let this = ReportMonth::of(today).ok_or("today is outside the years BITA handles")?.first_day();
    for d in [this, this.succ_opt().ok_or("date overflow")?] {
        if d < today {
            let row = TimeRow::new(d, t(22)?, t(7)?, true, TimeKind::Vantetid)
                .map_err(|e| format!("{e:?}"))?;
            db.insert_row(a, anna, cecilia, &row, anna_user, OnRefusal::GoOn).await?;
        }
    }
    db.finish().await?;
    Ok(())
}
