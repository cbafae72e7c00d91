//! Demo data, loaded into an empty database on first start. All people are fictional; their
//! personnummer are made-up numbers with valid check digits, never real people's.

use crate::auth::hash_password;
use crate::db::sql::{Conn, Query, query};
use crate::db::{DbRepo, Pool};
use app::api::repo::Repo;
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use engine::{MonthStatus, ReportMonth, TimeKind, TimeRow};

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
    ("admin.provstad", "admin", "Provstad kommun (annan kommun)"),
    ("frida", "assistant", "Frida Falk, Provstad"),
    ("gustav", "recipient", "Gustav Gran, Provstad"),
];

/// Runs an INSERT … RETURNING id.
async fn insert(c: &mut Conn, q: Query<'_>) -> Result<i64, sqlx::Error> {
    q.scalar(c).await
}

/// Is the database empty of municipalities?
pub async fn is_empty(pool: &Pool) -> Result<bool, sqlx::Error> {
    let n: i64 = query("SELECT COUNT(*) FROM tenants").scalar(&mut pool.conn().await?).await?;
    Ok(n == 0)
}

/// Loads the demo municipalities, people and a month of rows. `today` decides which months
/// get rows: the previous month (submitted by Anna for Bo) and the current one (drafts).
pub async fn seed(
    pool: &Pool,
    today: NaiveDate,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let hash = hash_password(DEMO_PASSWORD);
    let h = hash.as_str();
    let mut tx = pool.begin().await?;
    let c = &mut tx;
    let tenant = "INSERT INTO tenants (name, org_number, contact_person, phone) VALUES ($1, $2, $3, $4) RETURNING id";
    let a = insert(
        c,
        query(tenant)
            .bind("Exempelby kommun")
            .bind("2120000001")
            .bind("Karin Kontakt")
            .bind("010-123 45 00"),
    )
    .await?;
    let b = insert(
        c,
        query(tenant)
            .bind("Provstad kommun")
            .bind("2120000142")
            .bind("Per Provare")
            .bind("010-987 65 00"),
    )
    .await?;

    let person = "INSERT INTO recipients (tenant_id, personnummer, first_name, last_name) VALUES ($1, $2, $3, $4) RETURNING id";
    let p = |t: i64, pnr: &'static str, first: &'static str, last: &'static str| {
        query(person).bind(t).bind(pnr).bind(first).bind(last)
    };
    let bo = insert(c, p(a, "194503150049", "Bo", "Berg")).await?;
    let cecilia = insert(c, p(a, "201209190501", "Cecilia", "Carlsson")).await?;
    let gustav = insert(c, p(b, "195707040407", "Gustav", "Gran")).await?;
    let elis = insert(c, p(a, "201506212388", "Elis", "Ek")).await?;
    let filip = insert(c, p(a, "198002144577", "Filip", "Fors")).await?;

    let asst = "INSERT INTO assistants (tenant_id, personnummer, first_name, last_name, phone) VALUES ($1, $2, $3, $4, $5) RETURNING id";
    let p = |t: i64,
             pnr: &'static str,
             first: &'static str,
             last: &'static str,
             phone: &'static str| {
        query(asst).bind(t).bind(pnr).bind(first).bind(last).bind(phone)
    };
    let anna = insert(c, p(a, "197005120105", "Anna", "Andersson", "070-123 45 67")).await?;
    let david = insert(c, p(a, "198811040206", "David", "Dahl", "070-234 56 78")).await?;
    let frida = insert(c, p(b, "199202280302", "Frida", "Falk", "073-345 67 89")).await?;
    let hanna = insert(c, p(a, "199003142487", "Hanna", "Lind", "076-456 78 90")).await?;
    let ida = insert(c, p(a, "199506072322", "Ida", "Isaksson", "070-678 90 12")).await?;

    let user = "INSERT INTO users (tenant_id, username, password_hash, display_name, role, assistant_id, recipient_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
    let u = |t: i64,
             name: &'static str,
             display: &'static str,
             role: &'static str,
             asst: Option<i64>,
             rec: Option<i64>| {
        query(user).bind(t).bind(name).bind(h).bind(display).bind(role).bind(asst).bind(rec)
    };
    insert(c, u(a, "admin", "Karin Kontakt", "admin", None, None)).await?;
    let anna_user =
        insert(c, u(a, "anna", "Anna Andersson", "assistant", Some(anna), None)).await?;
    insert(c, u(a, "david", "David Dahl", "assistant", Some(david), None)).await?;
    insert(c, u(a, "bo", "Bo Berg", "recipient", None, Some(bo))).await?;
    let eva = insert(c, u(a, "eva", "Eva Ek", "representative", None, None)).await?;
    insert(c, u(a, "hanna", "Hanna Lind", "assistant", Some(hanna), None)).await?;
    insert(c, u(a, "ida", "Ida Isaksson", "assistant", Some(ida), None)).await?;
    insert(c, u(a, "filip", "Filip Fors", "recipient", None, Some(filip))).await?;
    insert(c, u(b, "admin.provstad", "Per Provare", "admin", None, None)).await?;
    insert(c, u(b, "frida", "Frida Falk", "assistant", Some(frida), None)).await?;
    insert(c, u(b, "gustav", "Gustav Gran", "recipient", None, Some(gustav))).await?;
    let represent = "INSERT INTO representations (user_id, recipient_id, kind) VALUES ($1, $2, $3)";
    query(represent).bind(eva).bind(cecilia).bind("god_man").execute(c).await?;
    query(represent).bind(eva).bind(elis).bind("vardnadshavare").execute(c).await?;

    // Every demo assistant was reported to FK (3066 / E-IOA) when the assignment began.
    let since = NaiveDate::from_ymd_opt(2024, 1, 1).ok_or("date")?;
    let assign = "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on) VALUES ($1, $2, $3, $4, $4) RETURNING id";
    for (t, who, whom) in [
        (a, anna, bo),
        (a, anna, cecilia),
        (a, david, bo),
        (b, frida, gustav),
        (a, david, cecilia),
        (a, david, elis),
        (a, hanna, bo),
        (a, ida, filip),
    ] {
        insert(c, query(assign).bind(t).bind(who).bind(whom).bind(since)).await?;
    }

    // Decisions: Bo 160 h a month under SFB with waiting time; Cecilia 40 h a week with
    // waiting time and standby; Elis 20 h a week with waiting time; Gustav 120 h a month.
    let until = NaiveDate::from_ymd_opt(2030, 12, 31).ok_or("date")?;
    let decision = "INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance)
                    VALUES ($1, $2, 'sfb', $3, $4, $5, $6, $7, $8, FALSE) RETURNING id";
    for (t, whom, per, minutes, vantetid, beredskap) in [
        (a, bo, "month", 9600, true, false),
        (a, cecilia, "week", 2400, true, true),
        (b, gustav, "month", 7200, false, false),
        (a, elis, "week", 1200, true, false),
        (a, filip, "month", 12000, true, true),
    ] {
        insert(
            c,
            query(decision)
                .bind(t)
                .bind(whom)
                .bind(per)
                .bind(minutes as i64)
                .bind(since)
                .bind(until)
                .bind(vantetid)
                .bind(beredskap),
        )
        .await?;
    }
    tx.commit().await?;

    // Rows: Anna's previous month for Bo (weekday day shifts, submitted) and two night shifts
    // for Cecilia this month (waiting time at night).
    let repo = DbRepo::new(pool.clone());
    let mut db = repo.write().await?;
    let tenant = a;
    let t = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).expect("valid demo time");
    let prev = ReportMonth::of(today).ok_or("today is outside the years BITA handles")?.previous();
    let mut day = prev.first_day();
    let mut n = 0;
    while prev.contains(day) && n < 8 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let row = TimeRow::new(day, t(7), t(15), false, TimeKind::Aktiv)
                .map_err(|e| format!("{e:?}"))?;
            db.insert_row(tenant, anna, bo, &row, anna_user).await?;
            n += 1;
        }
        day = day.succ_opt().ok_or("date overflow")?;
    }
    let rec = db.month_record(tenant, anna, bo, prev).await?;
    db.transition(
        tenant,
        rec.id.ok_or("no month record")?,
        MonthStatus::Draft,
        MonthStatus::Submitted,
        anna_user,
        None,
    )
    .await?;

    let this = ReportMonth::of(today).ok_or("today is outside the years BITA handles")?.first_day();
    for d in [this, this.succ_opt().ok_or("date overflow")?] {
        if d < today {
            let row = TimeRow::new(d, t(22), t(7), true, TimeKind::Vantetid)
                .map_err(|e| format!("{e:?}"))?;
            db.insert_row(tenant, anna, cecilia, &row, anna_user).await?;
        }
    }
    db.finish().await?;
    Ok(())
}
