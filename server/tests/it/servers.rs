//! Issue 12: several BITA servers on one database behave as one (run on SQLite and, by the
//! test script, on PostgreSQL): a session started on one works on the other; two approvals
//! of one month through different servers at the same moment leave one signature; concurrent
//! changes through both keep each municipality's audit chain linear. And a row the database
//! itself refuses leaves the rest of the change standing.

use crate::common;

use common::*;
use engine::{ReportMonth, TimeKind, TimeRow};
use server::sessions::DbSessions;
use std::sync::Arc;
use store::{Conflict, OnRefusal, Repo, RepoError};
use tokio::sync::Barrier;
use tower_sessions::session::Record;
use tower_sessions::session_store::SessionStore;

fn next_month() -> ReportMonth {
    app::service::context::this_month().next()
}

#[tokio::test]
async fn a_session_started_on_one_server_works_on_the_other() {
    let app = spawn_app().await;
    let other = app.another_server().await;
    let (anna, _) = app.login("anna").await;
    // The same cookie, sent to the other server: the same person, the same page.
    let res = anna.get(format!("{other}/assistent")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Anna Andersson"), "logged in on the other server too");
    // A form rendered by one server is accepted by the other (the CSRF token is the session's).
    let bo = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let date = format!("{}-03", next_month());
    let form = [
        ("recipient", bo.as_str()),
        ("date", &date),
        ("start", "08:00"),
        ("end", "12:00"),
        ("kind", "aktiv"),
        ("csrf", &anna.csrf),
        ("idem", &key()),
    ];
    let res = anna.post(format!("{other}/assistent/rad")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM time_rows WHERE CAST(work_date AS TEXT) = '{date}'"))
            .await,
        1
    );
    // Logged out on one, logged out on both.
    let page = anna.get(app.url("/assistent")).send().await.unwrap().text().await.unwrap();
    anna.post(format!("{other}/logga-ut")).form(&[("csrf", csrf_of(&page))]).send().await.unwrap();
    let res = anna.get(app.url("/assistent")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/logga-in");
}

#[tokio::test]
async fn two_approvals_through_two_servers_at_once_leave_one_signature() {
    let app = spawn_app().await;
    let other = app.another_server().await;
    let bo_id = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let (anna, _) = app.login("anna").await;
    let month = next_month();
    app.post(
        &anna,
        "/assistent/rad",
        &[
            ("recipient", &bo_id),
            ("date", &format!("{month}-05")),
            ("start", "08:00"),
            ("end", "12:00"),
            ("kind", "aktiv"),
        ],
    )
    .await;
    app.post(
        &anna,
        "/assistent/skicka",
        &[("recipient", &bo_id), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    let key = app
        .id(&format!(
            "SELECT id FROM month_reports WHERE recipient_id = {bo_id} AND month = '{month}'"
        ))
        .await
        .to_string();
    // Bo on two devices, each talking to another server, approving at the same moment.
    let (phone, _) = app.login("bo").await;
    let (tablet, _) = app.login("bo").await;
    let barrier = Arc::new(Barrier::new(2));
    let mut tasks = vec![];
    for (who, base) in [(&phone, app.base.clone()), (&tablet, other.clone())] {
        let form = app.approval_form(who, &key).await;
        let (c, barrier) = (who.c.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            c.post(format!("{base}/brukare/beslut")).form(&form).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER, "both answered, neither failed");
    }
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM signatures WHERE month_report_id = {key}")).await,
        1,
        "one signature record"
    );
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_events WHERE month_report_id = {key} AND action = 'approve'"
        ))
        .await,
        1
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'month.approve'").await, 1);
}

#[tokio::test]
async fn concurrent_changes_through_two_servers_keep_the_audit_chain_linear() {
    let app = spawn_app().await;
    let other = app.another_server().await;
    let (anna, _) = app.login("anna").await;
    let (david, _) = app.login("david").await;
    let bo_id = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let before = app.id("SELECT COUNT(*) FROM audit_log WHERE tenant_id = 1").await;
    let month = next_month();
    // 40 rows at once: Anna's through one server, David's through the other.
    let n = 40;
    let barrier = Arc::new(Barrier::new(n));
    let mut tasks = vec![];
    for i in 0..n {
        let (who, base) =
            if i % 2 == 0 { (&anna, app.base.clone()) } else { (&david, other.clone()) };
        let form: Vec<(String, String)> = [
            ("recipient", bo_id.clone()),
            ("date", format!("{month}-{:02}", i / 2 + 1)),
            ("start", if i % 2 == 0 { "06:00".into() } else { "14:00".into() }),
            ("end", if i % 2 == 0 { "10:00".into() } else { "18:00".into() }),
            ("kind", "aktiv".into()),
            ("csrf", who.csrf.clone()),
            ("idem", key()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let (c, barrier) = (who.c.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            c.post(format!("{base}/assistent/rad")).form(&form).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM time_rows WHERE CAST(work_date AS TEXT) LIKE '{month}-%'"
        ))
        .await,
        n as i64
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE tenant_id = 1").await,
        before + n as i64,
        "one entry per row"
    );
    chains_are_whole(&app.pool).await;
}

/// Anna, Bo and Anna's login in the demo municipality (1): whom the store's own tests write as.
async fn anna_and_bo(app: &TestApp) -> (i64, i64, i64, i64) {
    (
        1,
        app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await,
        app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await,
        app.id("SELECT id FROM users WHERE username = 'anna'").await,
    )
}

/// An active row of whole hours on `day`.
fn hours(day: chrono::NaiveDate, start: u32, end: u32) -> TimeRow {
    let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    TimeRow::new(day, t(start), t(end), false, TimeKind::Aktiv).unwrap()
}

#[tokio::test]
async fn a_row_the_database_refuses_leaves_the_rest_of_the_change_standing() {
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let (tenant, anna, bo, user) = anna_and_bo(&app).await;
    let day = next_month().first_day() + chrono::Duration::days(9);
    let row = |s, e| hours(day, s, e);
    let mut db = repo.write().await.unwrap();
    db.insert_row(tenant, anna, bo, &row(8, 12), user, OnRefusal::GoOn).await.unwrap();
    // Past the service's own checks, straight to the database: its guard refuses the overlap …
    let refused = db.insert_row(tenant, anna, bo, &row(10, 14), user, OnRefusal::GoOn).await;
    assert!(matches!(refused, Err(RepoError::Conflict(Conflict::Overlap))), "{refused:?}");
    // … and the change goes on: the next row and the commit succeed (on PostgreSQL too, where a
    // refused statement would otherwise spoil the whole transaction).
    db.insert_row(tenant, anna, bo, &row(13, 16), user, OnRefusal::GoOn).await.unwrap();
    db.finish().await.unwrap();
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM time_rows WHERE work_date = '{day}' AND assistant_id = {anna}"
        ))
        .await,
        2
    );
}

/// Lets the changes spawned so far queue for the batch (the tests run on one thread), well
/// within the batch's 10 ms, so they share its commit.
async fn queue_up() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

/// A change that ends when its row is refused (`OnRefusal::End`: a saved row, a confirmed
/// planned shift) has no savepoint of its own around the row. Refused, it is rolled back to the
/// start of the change, and the changes that share its commit are kept: the one before it in the
/// batch and the one after (on PostgreSQL the refused statement would otherwise spoil the
/// whole shared transaction).
#[tokio::test]
async fn a_change_ended_by_a_refused_row_leaves_the_changes_beside_it_standing() {
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let (tenant, anna, bo, user) = anna_and_bo(&app).await;
    let day = next_month().first_day() + chrono::Duration::days(11);
    let row = move |s, e| hours(day, s, e);
    let mut first = repo.write_in(tenant).await.unwrap();
    first.insert_row(tenant, anna, bo, &row(8, 12), user, OnRefusal::End).await.unwrap();
    // The next two queue for the batch while the first holds it, so all three share a commit.
    let (refused, after) = (repo.clone(), repo.clone());
    let refused = tokio::spawn(async move {
        let mut db = refused.write_in(tenant).await.unwrap();
        let r = db.insert_row(tenant, anna, bo, &row(10, 14), user, OnRefusal::End).await;
        assert!(matches!(r, Err(RepoError::Conflict(Conflict::Overlap))), "{r:?}");
    });
    queue_up().await;
    let after = tokio::spawn(async move {
        let mut db = after.write_in(tenant).await.unwrap();
        db.insert_row(tenant, anna, bo, &row(13, 16), user, OnRefusal::End).await.unwrap();
        db.finish().await.unwrap();
    });
    queue_up().await;
    first.finish().await.unwrap();
    refused.await.unwrap();
    after.await.unwrap();
    let kept = app
        .id(&format!(
            "SELECT COUNT(*) FROM time_rows WHERE work_date = '{day}' AND assistant_id = {anna}"
        ))
        .await;
    assert_eq!(kept, 2, "the rows before and after the refused one");
}

/// A change's outcome under its form's key and its audit entry are written with its batch,
/// just before the commit. A change after it in the same batch finds the key all the same (a
/// double post that lands in one batch gets the first outcome), and a change rolled back
/// leaves neither behind.
#[tokio::test]
async fn a_key_kept_for_the_batch_is_found_by_the_next_change_before_it_is_written() {
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let user = app.id("SELECT id FROM users WHERE username = 'anna'").await;
    let (kept, dropped) = (key(), key());
    let entry = |subject: &str| store::AuditEntry {
        tenant: Some(1),
        user: Some(user),
        action: "test.deferred",
        subject: subject.into(),
        ..Default::default()
    };
    let mut first = repo.write_in(1).await.unwrap();
    first.audit(&entry("first")).await.unwrap();
    first.remember_outcome(user, &kept, "test.deferred", "\"first\"").await.unwrap();
    // Queued behind the first, so both share its batch.
    let (k, next) = (kept.clone(), repo.clone());
    let second = tokio::spawn(async move {
        let mut db = next.write_in(1).await.unwrap();
        db.idempotent_outcome(user, &k).await.unwrap()
    });
    let (k, rolled_back, e) = (dropped.clone(), repo.clone(), entry("rolled back"));
    let third = tokio::spawn(async move {
        let mut db = rolled_back.write_in(1).await.unwrap();
        db.audit(&e).await.unwrap();
        db.remember_outcome(user, &k, "test.deferred", "\"dropped\"").await.unwrap();
    });
    queue_up().await;
    first.finish().await.unwrap();
    assert_eq!(second.await.unwrap().as_deref(), Some("\"first\""));
    third.await.unwrap();
    let count = |sql: String| {
        let app = &app;
        async move { app.id(&sql).await }
    };
    assert_eq!(
        count(format!("SELECT COUNT(*) FROM idempotency_keys WHERE key = '{kept}'")).await,
        1
    );
    assert_eq!(
        count(format!("SELECT COUNT(*) FROM idempotency_keys WHERE key = '{dropped}'")).await,
        0
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM audit_log WHERE action = 'test.deferred'".into()).await,
        1,
        "the first change's entry, not the rolled-back one's"
    );
    chains_are_whole(&app.pool).await;
}

/// A batch writes its changes' audit entries at its commit, however many: 3,100 entries (34,100
/// values) would be more than one statement takes on SQLite (32,766), so they go in several,
/// in order, and the chain stays whole.
#[tokio::test]
async fn a_batch_with_thousands_of_audit_entries_commits_them_all_in_order() {
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let n = 3_100;
    let mut db = repo.write_in(1).await.unwrap();
    for i in 0..n {
        db.audit(&store::AuditEntry {
            tenant: Some(1),
            action: "test.many",
            subject: format!("entry {i}"),
            ..Default::default()
        })
        .await
        .unwrap();
    }
    db.finish().await.unwrap();
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'test.many'").await, n);
    let last = app
        .id("SELECT CAST(substr(subject, 7) AS INTEGER) FROM audit_log WHERE action = 'test.many' ORDER BY id DESC LIMIT 1")
        .await;
    assert_eq!(last, n - 1, "the entries are written in the order they were made");
    chains_are_whole(&app.pool).await;
}

#[tokio::test]
async fn a_change_dropped_while_it_begins_leaves_no_transaction_behind() {
    // A request dropped halfway (a client gone, a page's async block run twice and dropped
    // once) may drop a change while its BEGIN is under way, at any point. Afterwards every
    // pooled connection must still start changes at once: none may be left inside a
    // transaction that nothing rolls back (on SQLite it would hold the write lock).
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    for i in 0..400u64 {
        let wait = std::time::Duration::from_micros(i % 97 * 3);
        let _ = tokio::time::timeout(wait, async {
            let db = repo.write().await;
            tokio::task::yield_now().await;
            drop(db);
        })
        .await;
    }
    // Sixteen changes one after the other, through every connection of the pool.
    for _ in 0..16 {
        let started = std::time::Instant::now();
        let mut db = tokio::time::timeout(std::time::Duration::from_secs(5), repo.write())
            .await
            .expect("a change starts without waiting for a lost lock")
            .expect("BEGIN accepted");
        db.audit(&store::AuditEntry {
            action: "test.probe",
            subject: "probe".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        db.finish().await.unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "waited {:?}",
            started.elapsed()
        );
    }
}

#[tokio::test]
async fn changes_sharing_a_commit_stand_or_fall_alone() {
    // Group commit: changes that arrive together share one transaction, each in a savepoint.
    // 90 at once: a third finish, a third are dropped after writing (a refused change), a
    // third are cancelled part-way (a client gone). Exactly the finished ones are kept, each
    // was answered only once it was committed, and the chain has no gap.
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let before = app.id("SELECT COUNT(*) FROM audit_log").await;
    let n = 90;
    let barrier = Arc::new(Barrier::new(n));
    let mut tasks = vec![];
    for i in 0..n {
        let (repo, barrier, pool) = (repo.clone(), barrier.clone(), app.pool.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let entry = |action| store::AuditEntry {
                tenant: Some(1),
                action,
                subject: format!("change {i}"),
                ..Default::default()
            };
            let change = async {
                let mut db = repo.write().await.unwrap();
                match i % 3 {
                    0 => {
                        db.audit(&entry("test.kept")).await.unwrap();
                        db.finish().await.unwrap();
                        // Answered after the commit: another connection sees it.
                        let seen = query("SELECT COUNT(*) FROM audit_log WHERE subject = $1")
                            .bind(format!("change {i}"))
                            .scalar::<i64>(&mut pool.conn().await.unwrap())
                            .await
                            .unwrap();
                        assert_eq!(seen, 1, "change {i} answered before it was committed");
                    }
                    1 => {
                        db.audit(&entry("test.refused")).await.unwrap();
                        drop(db);
                    }
                    _ => {
                        // Gone part-way: during its write, or after it.
                        let wait = std::time::Duration::from_micros(i as u64 * 37 % 400);
                        let _ = tokio::time::timeout(wait, async move {
                            db.audit(&entry("test.cancelled")).await.unwrap();
                            std::future::pending::<()>().await;
                        })
                        .await;
                    }
                }
            };
            tokio::time::timeout(std::time::Duration::from_secs(30), change)
                .await
                .expect("every change is answered");
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'test.kept'").await, 30);
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log").await,
        before + 30,
        "nothing refused or cancelled is kept"
    );
    chains_are_whole(&app.pool).await;
    // And the writer goes on.
    let mut db = tokio::time::timeout(std::time::Duration::from_secs(5), repo.write())
        .await
        .expect("the next change starts")
        .unwrap();
    db.audit(&store::AuditEntry {
        tenant: Some(1),
        action: "test.after",
        subject: "after".into(),
        ..Default::default()
    })
    .await
    .unwrap();
    db.finish().await.unwrap();
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'test.after'").await, 1);
}

#[tokio::test]
async fn a_session_write_takes_its_turn_among_the_changes() {
    // A login's session write arrives while a change holds the batch, and another change comes
    // after it. On SQLite it goes between the two: after the first is committed, before the
    // second begins. Left to SQLite's busy handler it polled the write lock while batches
    // followed one another back to back (the second change joined the first one's batch), and
    // a login during a rush of saved rows waited seconds (2.7 s at 1,300 rows/s).
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let entry = |subject: &str| store::AuditEntry {
        tenant: Some(1),
        action: "test.turn",
        subject: subject.into(),
        ..Default::default()
    };
    let mut first = repo.write().await.unwrap();
    first.audit(&entry("first")).await.unwrap();
    let session = {
        let order = order.clone();
        let mut record = Record {
            id: Default::default(),
            data: [("who".to_string(), serde_json::json!("bo"))].into_iter().collect(),
            expiry_date: tower_sessions::cookie::time::OffsetDateTime::now_utc()
                + tower_sessions::cookie::time::Duration::hours(1),
        };
        let repo = repo.clone();
        tokio::spawn(async move {
            DbSessions::new(&repo).create(&mut record).await.unwrap();
            order.lock().unwrap().push("session");
            record.id
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let second = {
        let (order, repo) = (order.clone(), repo.clone());
        tokio::spawn(async move {
            let mut db = repo.write().await.unwrap();
            order.lock().unwrap().push("second");
            db.audit(&entry("second")).await.unwrap();
            db.finish().await.unwrap();
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    if !app.pool.is_postgres() {
        assert!(
            order.lock().unwrap().is_empty(),
            "on SQLite the session waits for the change that holds the write lock"
        );
    }
    first.finish().await.unwrap();
    let id = tokio::time::timeout(std::time::Duration::from_secs(5), session)
        .await
        .expect("the session write is not starved")
        .unwrap();
    second.await.unwrap();
    if !app.pool.is_postgres() {
        assert_eq!(
            *order.lock().unwrap(),
            ["session", "second"],
            "the session write went in its turn"
        );
    }
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM sessions WHERE id = '{id}'")).await,
        1,
        "the session was stored"
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'test.turn'").await,
        2,
        "both changes were kept"
    );
}

/// On PostgreSQL each municipality writes under a lock of its own: while a change of Exempelby
/// holds its lock (on one server), Provstad's changes commit (through another server), and
/// Exempelby's next change waits for the first; a change of the installation waits for every
/// municipality. SQLite has one write lock for the file: there Provstad waits too. Each chain
/// stays linear either way; and a municipality's change cannot write another's chain.
#[tokio::test]
async fn municipalities_write_in_parallel_on_postgresql() {
    let app = spawn_app().await;
    let first = db::DbRepo::new(app.pool.clone());
    let second = db::DbRepo::new(db::connect(&app.url).await.unwrap());
    let exempelby = app.id("SELECT id FROM tenants WHERE name LIKE 'Exempelby%'").await;
    let provstad = app.id("SELECT id FROM tenants WHERE name LIKE 'Provstad%'").await;
    let entry = |tenant: Option<i64>| store::AuditEntry {
        tenant,
        action: "test.probe",
        subject: "probe".into(),
        ..Default::default()
    };
    let change = |repo: db::DbRepo, tenant: Option<i64>| async move {
        let mut db = match tenant {
            Some(t) => repo.write_in(t).await.unwrap(),
            None => repo.write().await.unwrap(),
        };
        db.audit(&entry(tenant)).await.unwrap();
        db.finish().await.unwrap();
    };
    let soon = std::time::Duration::from_secs(3);
    let held = first.write_in(exempelby).await.unwrap();
    let theirs = tokio::time::timeout(soon, change(second.clone(), Some(provstad))).await;
    let same = tokio::spawn(change(second.clone(), Some(exempelby)));
    let installation = tokio::spawn(change(second.clone(), None));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(!same.is_finished(), "the same municipality waits");
    assert!(!installation.is_finished(), "the installation waits for every municipality");
    if app.pool.is_postgres() {
        assert!(theirs.is_ok(), "another municipality does not wait");
    } else {
        assert!(theirs.is_err(), "SQLite: one lock for all");
    }
    drop(held);
    tokio::time::timeout(soon, same).await.expect("then it goes on").unwrap();
    tokio::time::timeout(soon, installation).await.expect("and the installation's").unwrap();

    // A municipality's change appends to its own chain only.
    let mut db = first.write_in(exempelby).await.unwrap();
    assert!(db.audit(&entry(Some(provstad))).await.is_err(), "another's chain");
    assert!(db.audit(&entry(None)).await.is_err(), "the installation's chain");
    drop(db);
    chains_are_whole(&app.pool).await;
}

/// However many municipalities write at the same moment, reads find a connection: only a few
/// lanes hold a transaction (and on PostgreSQL a pooled connection) at once; the others wait
/// their turn and then go on.
#[tokio::test]
async fn many_municipalities_writing_at_once_leave_connections_for_reads() {
    let app = spawn_app().await;
    let repo = db::DbRepo::new(app.pool.clone());
    let held = std::time::Duration::from_millis(1500);
    // More municipalities than the pool has connections (16) on PostgreSQL; SQLite has one
    // write lock, so there they simply queue (a few suffice).
    let n = if app.pool.is_postgres() { 20 } else { 3 };
    let writers: Vec<_> = (0..n)
        .map(|t| {
            let repo = repo.clone();
            tokio::spawn(async move {
                let db = repo.write_in(5000 + t).await.unwrap();
                tokio::time::sleep(held).await;
                drop(db);
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    let mut db = repo.read().await.unwrap();
    assert!(db.caller(1).await.is_ok());
    assert!(
        started.elapsed() < std::time::Duration::from_millis(800),
        "a read waited {:?} for a connection",
        started.elapsed()
    );
    drop(db);
    for w in writers {
        tokio::time::timeout(std::time::Duration::from_secs(30), w).await.unwrap().unwrap();
    }
}
