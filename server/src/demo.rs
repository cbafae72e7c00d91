//! Demo data, loaded into an empty database on first start. All people are fictional; their
//! personnummer are made-up numbers with valid check digits, never real people's.

use crate::auth::hash_password;
use crate::db::SqliteRepo;
use app::api::repo::Repo;
use app::domain::{MonthStatus, ReportMonth, TimeKind, TimeRow};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use sqlx::SqlitePool;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "bita-demo";

/// (username, role, who) of the demo users, printed at startup.
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "Exempelby kommun"),
    ("anna", "assistant", "Anna Andersson, assistent åt Bo och Cecilia"),
    ("david", "assistant", "David Dahl, assistent åt Bo"),
    ("bo", "recipient", "Bo Berg, brukare"),
    ("eva", "representative", "Eva Ek, god man för Cecilia Carlsson och vårdnadshavare för Elis Ek"),
    ("hanna", "assistant", "Hanna Lind, assistent åt Bo"),
    ("ida", "assistant", "Ida Isaksson, assistent åt Filip"),
    ("filip", "recipient", "Filip Fors, brukare"),
    ("admin.provstad", "admin", "Provstad kommun (annan kommun)"),
    ("frida", "assistant", "Frida Falk, Provstad"),
    ("gustav", "recipient", "Gustav Gran, Provstad"),
];

async fn exec(pool: &SqlitePool, sql: &str, args: &[&str]) -> Result<i64, sqlx::Error> {
    let mut q = sqlx::query(sql);
    for a in args {
        q = q.bind(*a);
    }
    Ok(q.execute(pool).await?.last_insert_rowid())
}

/// Is the database empty of municipalities?
pub async fn is_empty(pool: &SqlitePool) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(pool).await?;
    Ok(n == 0)
}

/// Loads the demo municipalities, people and a month of rows. `today` decides which months
/// get rows: the previous month (submitted by Anna for Bo) and the current one (drafts).
pub async fn seed(pool: &SqlitePool, today: NaiveDate) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let hash = hash_password(DEMO_PASSWORD);
    let h = hash.as_str();
    let tx = pool;
    let a = exec(tx, "INSERT INTO tenants (name, org_number, contact_person, phone) VALUES ($1, $2, $3, $4)", &["Exempelby kommun", "2120000001", "Karin Kontakt", "010-123 45 00"]).await?.to_string();
    let b = exec(tx, "INSERT INTO tenants (name, org_number, contact_person, phone) VALUES ($1, $2, $3, $4)", &["Provstad kommun", "2120000142", "Per Provare", "010-987 65 00"]).await?.to_string();

    let person = "INSERT INTO recipients (tenant_id, personnummer, first_name, last_name) VALUES ($1, $2, $3, $4)";
    let bo = exec(tx, person, &[&a, "194503150049", "Bo", "Berg"]).await?.to_string();
    let cecilia = exec(tx, person, &[&a, "201209190501", "Cecilia", "Carlsson"]).await?.to_string();
    let gustav = exec(tx, person, &[&b, "195707040407", "Gustav", "Gran"]).await?.to_string();
    let elis = exec(tx, person, &[&a, "201506212388", "Elis", "Ek"]).await?.to_string();
    let filip = exec(tx, person, &[&a, "198002144577", "Filip", "Fors"]).await?.to_string();

    let asst = "INSERT INTO assistants (tenant_id, personnummer, first_name, last_name) VALUES ($1, $2, $3, $4)";
    let anna = exec(tx, asst, &[&a, "197005120105", "Anna", "Andersson"]).await?.to_string();
    let david = exec(tx, asst, &[&a, "198811040206", "David", "Dahl"]).await?.to_string();
    let frida = exec(tx, asst, &[&b, "199202280302", "Frida", "Falk"]).await?.to_string();
    let hanna = exec(tx, asst, &[&a, "199003142487", "Hanna", "Lind"]).await?.to_string();
    let ida = exec(tx, asst, &[&a, "199506072322", "Ida", "Isaksson"]).await?.to_string();

    let user = "INSERT INTO users (tenant_id, username, password_hash, display_name, role, assistant_id, recipient_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    let q = |t: &str, u: &str, name: &str, role: &str, asst: Option<&str>, rec: Option<&str>| {
        let (t, u, name, role) = (t.to_string(), u.to_string(), name.to_string(), role.to_string());
        let (asst, rec) = (asst.map(str::to_string), rec.map(str::to_string));
        async move {
            sqlx::query(user).bind(t).bind(u).bind(h).bind(name).bind(role).bind(asst).bind(rec).execute(pool).await.map(|r| r.last_insert_rowid())
        }
    };
    q(&a, "admin", "Karin Kontakt", "admin", None, None).await?;
    let anna_user = q(&a, "anna", "Anna Andersson", "assistant", Some(&anna), None).await?;
    q(&a, "david", "David Dahl", "assistant", Some(&david), None).await?;
    q(&a, "bo", "Bo Berg", "recipient", None, Some(&bo)).await?;
    let eva = q(&a, "eva", "Eva Ek", "representative", None, None).await?;
    q(&a, "hanna", "Hanna Lind", "assistant", Some(&hanna), None).await?;
    q(&a, "ida", "Ida Isaksson", "assistant", Some(&ida), None).await?;
    q(&a, "filip", "Filip Fors", "recipient", None, Some(&filip)).await?;
    q(&b, "admin.provstad", "Per Provare", "admin", None, None).await?;
    q(&b, "frida", "Frida Falk", "assistant", Some(&frida), None).await?;
    q(&b, "gustav", "Gustav Gran", "recipient", None, Some(&gustav)).await?;
    exec(tx, "INSERT INTO representations (user_id, recipient_id, kind) VALUES ($1, $2, 'god_man')", &[&eva.to_string(), &cecilia]).await?;
    exec(tx, "INSERT INTO representations (user_id, recipient_id, kind) VALUES ($1, $2, 'vardnadshavare')", &[&eva.to_string(), &elis]).await?;

    // Every demo assistant was reported to FK (3066 / E-IOA) when the assignment began.
    let assign = "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on) VALUES ($1, $2, $3, '2024-01-01', '2024-01-01')";
    exec(tx, assign, &[&a, &anna, &bo]).await?;
    exec(tx, assign, &[&a, &anna, &cecilia]).await?;
    exec(tx, assign, &[&a, &david, &bo]).await?;
    exec(tx, assign, &[&b, &frida, &gustav]).await?;
    exec(tx, assign, &[&a, &david, &cecilia]).await?;
    exec(tx, assign, &[&a, &david, &elis]).await?;
    exec(tx, assign, &[&a, &hanna, &bo]).await?;
    exec(tx, assign, &[&a, &ida, &filip]).await?;

    // Decisions: Bo 160 h a month under SFB with waiting time; Cecilia 40 h a week with
    // waiting time and standby; Elis 20 h a week with waiting time; Gustav 120 h a month.
    let decision = "INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance)
                    VALUES ($1, $2, 'sfb', $3, $4, '2024-01-01', '2030-12-31', $5, $6, 0)";
    exec(tx, decision, &[&a, &bo, "month", "9600", "1", "0"]).await?;
    exec(tx, decision, &[&a, &cecilia, "week", "2400", "1", "1"]).await?;
    exec(tx, decision, &[&b, &gustav, "month", "7200", "0", "0"]).await?;
    exec(tx, decision, &[&a, &elis, "week", "1200", "1", "0"]).await?;
    exec(tx, decision, &[&a, &filip, "month", "12000", "1", "1"]).await?;

    // Rows: Anna's previous month for Bo (weekday day shifts, submitted) and two night shifts
    // for Cecilia this month (waiting time at night).
    let repo = SqliteRepo { pool: pool.clone() };
    let mut db = repo.write().await?;
    let (tenant, anna, bo, cecilia): (i64, i64, i64, i64) = (a.parse()?, anna.parse()?, bo.parse()?, cecilia.parse()?);
    let t = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).expect("valid demo time");
    let prev = ReportMonth::of(today).previous();
    let mut day = prev.first_day();
    let mut n = 0;
    while prev.contains(day) && n < 8 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            let row = TimeRow::new(day, t(7), t(15), false, TimeKind::Aktiv).map_err(|e| format!("{e:?}"))?;
            db.insert_row(tenant, anna, bo, &row, anna_user).await?;
            n += 1;
        }
        day = day.succ_opt().ok_or("date overflow")?;
    }
    let rec = db.month_record(tenant, anna, bo, prev).await?;
    db.transition(tenant, rec.id.ok_or("no month record")?, MonthStatus::Draft, MonthStatus::Submitted, anna_user, None).await?;

    let this = ReportMonth::of(today).first_day();
    for d in [this, this.succ_opt().ok_or("date overflow")?] {
        if d < today {
            let row = TimeRow::new(d, t(22), t(7), true, TimeKind::Vantetid).map_err(|e| format!("{e:?}"))?;
            db.insert_row(tenant, anna, cecilia, &row, anna_user).await?;
        }
    }
    db.finish().await?;
    Ok(())
}
