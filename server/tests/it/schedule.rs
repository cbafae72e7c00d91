//! Issue 27: schedules and work leaders. A work leader plans the month of the recipients given
//! them (and reaches nothing else), the rules judge the plan as they judge a report, the month
//! is made from the base schedule across daylight saving, and the assistant confirms a shift in
//! one tap: one row, however often the tap arrives.

use crate::common;

use chrono::{Datelike, Duration as Span, NaiveDate, Weekday};
use common::*;
use engine::ReportMonth;

async fn recipient(app: &TestApp, name: &str) -> String {
    app.id(&format!("SELECT id FROM recipients WHERE first_name = '{name}'")).await.to_string()
}

async fn assistant(app: &TestApp, name: &str) -> String {
    app.id(&format!("SELECT id FROM assistants WHERE first_name = '{name}'")).await.to_string()
}

/// A month with a shift that has already ended on its 1st: this month from its 2nd day,
/// otherwise the previous one (whose FK deadline, the 5th, has not passed).
fn plan_month() -> ReportMonth {
    let today = app::service::context::today();
    let this = ReportMonth::of(today).unwrap();
    if today.day() >= 2 { this } else { this.previous() }
}

/// The Monday on or before the month's first day.
fn monday_before(m: ReportMonth) -> NaiveDate {
    let first = m.first_day();
    first - Span::days(i64::from(first.weekday().num_days_from_monday()))
}

/// A post whose answer is not a redirect (a refusal): its status.
async fn post_status(app: &TestApp, u: &User, path: &str, form: &[(&str, &str)]) -> StatusCode {
    let k = key();
    let mut form = form.to_vec();
    form.push(("csrf", &u.csrf));
    form.push(("idem", &k));
    u.post(app.url(path)).form(&form).send().await.unwrap().status()
}

/// The base schedule of one week from the Monday before `month`, with `shifts`
/// (weekday 0–6, start, end, kind, assistant id or "").
async fn base(
    app: &TestApp,
    u: &User,
    recipient: &str,
    month: ReportMonth,
    shifts: &[(u8, &str, &str, &str, &str)],
) {
    let monday = monday_before(month).to_string();
    app.post(
        u,
        "/schema/grund",
        &[("recipient", recipient), ("weeks", "1"), ("starts_on", &monday)],
    )
    .await;
    for (day, start, end, kind, who) in shifts {
        let to = app
            .post(
                u,
                "/schema/grund/pass",
                &[
                    ("recipient", recipient),
                    ("week", "1"),
                    ("weekday", &day.to_string()),
                    ("start", start),
                    ("end", end),
                    ("kind", kind),
                    ("assistant", who),
                ],
            )
            .await;
        let (_, page) = app.page(u, &to).await;
        assert!(page.contains("Passet är tillagt."), "the base shift is added: {page}");
    }
}

/// The month's schedule made and published.
async fn made_and_published(app: &TestApp, u: &User, recipient: &str, month: ReportMonth) {
    let m = month.to_string();
    let to = app.post(u, "/schema/skapa", &[("recipient", recipient), ("manad", &m)]).await;
    assert!(app.page(u, &to).await.1.contains("Månadens schema är gjort."));
    let to = app.post(u, "/schema/publicera", &[("recipient", recipient), ("manad", &m)]).await;
    assert!(app.page(u, &to).await.1.contains("Schemat är publicerat."));
}

async fn planned_on(app: &TestApp, recipient: &str, day: NaiveDate) -> i64 {
    app.id(&format!(
        "SELECT id FROM planned_shifts WHERE recipient_id = {recipient} AND work_date = '{day}' ORDER BY start_at LIMIT 1"
    ))
    .await
}

/// The card of one planned shift on the schedule page.
fn shift_card(page: &str, id: i64) -> &str {
    let from =
        page.find(&format!("id=\"pass-{id}\"")).unwrap_or_else(|| panic!("shift {id} shown"));
    let rest = &page[from..];
    let to = rest[1..].find("id=\"pass-").map(|i| i + 1).unwrap_or(rest.len());
    &rest[..to]
}

#[tokio::test]
async fn a_work_leader_plans_the_month_and_the_assistant_confirms_a_shift_in_one_tap() {
    let app = spawn_app().await;
    let (bo, david_id) = (recipient(&app, "Bo").await, assistant(&app, "David").await);
    let (lena, start) = app.login("lena").await;
    assert_eq!(start, "/schema", "a work leader lands on the schedules");
    let (_, page) = app.page(&lena, "/schema").await;
    assert!(
        page.contains("Bo Berg") && page.contains("Elis Ek") && page.contains("Filip Fors"),
        "her recipients"
    );
    assert!(!page.contains("Cecilia"), "and nobody else");

    let month = plan_month();
    let night =
        (0u8..7).map(|d| (d, "00:00", "00:30", "aktiv", david_id.as_str())).collect::<Vec<_>>();
    base(&app, &lena, &bo, month, &night).await;
    let m = month.to_string();
    let to = app.post(&lena, "/schema/skapa", &[("recipient", &bo), ("manad", &m)]).await;
    let days = month.last_day().day() as i64;
    let (_, page) = app.page(&lena, &to).await;
    assert!(page.contains(&format!("Planerade pass: {days}")), "one shift a day: {page}");
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM planned_shifts WHERE recipient_id = {bo}")).await,
        days
    );
    // Made twice: refused, nothing doubled.
    let to = app.post(&lena, "/schema/skapa", &[("recipient", &bo), ("manad", &m)]).await;
    assert!(app.page(&lena, &to).await.1.contains("Månaden har redan ett schema."));
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM planned_shifts WHERE recipient_id = {bo}")).await,
        days
    );

    // The administrator's month dashboard draws Bo's planned hours beside the grant.
    let (admin, _) = app.login("admin").await;
    let (_, page) = app.page(&admin, &format!("/admin?manad={m}")).await;
    let planned_hours = format!("<dd>{:.2} tim</dd>", days as f64 * 0.5);
    assert!(
        page.contains("class=\"hours-bar\"") && page.contains(&planned_hours),
        "{planned_hours}"
    );

    // Not published: the assistant sees nothing of it.
    let (david, _) = app.login("david").await;
    let mine = format!("/assistent?manad={m}");
    assert!(!app.page(&david, &mine).await.1.contains("Jobbade som planerat"));
    let first = planned_on(&app, &bo, month.first_day()).await;
    assert_eq!(
        post_status(&app, &david, "/assistent/planerat/bekrafta", &[("shift", &first.to_string())])
            .await,
        StatusCode::NOT_FOUND,
        "an unpublished shift cannot be confirmed"
    );
    let to = app.post(&lena, "/schema/publicera", &[("recipient", &bo), ("manad", &m)]).await;
    assert!(app.page(&lena, &to).await.1.contains("Schemat är publicerat."));
    let (_, page) = app.page(&david, &mine).await;
    assert!(page.contains("Jobbade som planerat") && page.contains("Jobbade inte"));

    // One tap: the shift is a row exactly as if typed, and the plan knows it.
    let rows = app.count_rows().await;
    let k = key();
    let form = [("shift", first.to_string()), ("csrf", david.csrf.clone()), ("idem", k.clone())];
    let res = david.post(app.url("/assistent/planerat/bekrafta")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&david, res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Tiden är sparad."), "{page}");
    assert_eq!(app.count_rows().await, rows + 1);
    let row: (String, String, String, String) = query(format!(
        "SELECT t.work_date, t.start_time, t.end_time, t.kind FROM time_rows t JOIN planned_shifts p ON p.row_id = t.id WHERE p.id = {first}"
    ))
    .one_as(&mut app.db().await)
    .await
    .unwrap();
    assert_eq!(
        row,
        (month.first_day().to_string(), "00:00".into(), "00:30".into(), "aktiv".into())
    );
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'row.add' AND subject LIKE '% from planned shift {first}'")).await,
        1,
        "the audit entry says it came from the plan"
    );
    // The same tap again (its key), and a new tap: still one row.
    let res = david.post(app.url("/assistent/planerat/bekrafta")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to =
        app.post(&david, "/assistent/planerat/bekrafta", &[("shift", &first.to_string())]).await;
    assert!(app.page(&david, &to).await.1.contains("Passet är redan bekräftat"));
    assert_eq!(app.count_rows().await, rows + 1);

    // "Jobbade annorlunda": the form filled from the plan; saved, the row settles the shift.
    let second = planned_on(&app, &bo, month.first_day() + Span::days(1)).await;
    let (_, page) = app.page(&david, &format!("/assistent?planerat={second}")).await;
    assert!(page.contains(&format!("name=\"planerat\" form=\"row-form\" value=\"{second}\"")));
    assert!(
        page.contains("value=\"00:00\"") && page.contains("value=\"00:30\""),
        "filled from the plan"
    );
    let date = (month.first_day() + Span::days(1)).to_string();
    let to = app
        .post(
            &david,
            "/assistent/rad",
            &[
                ("recipient", &bo),
                ("date", &date),
                ("start", "00:00"),
                ("end", "00:45"),
                ("kind", "aktiv"),
                ("planerat", &second.to_string()),
            ],
        )
        .await;
    let (_, page) = app.page(&david, &to).await;
    assert!(page.contains("Tiden är sparad."), "{page}");
    assert!(
        app.id(&format!("SELECT COUNT(*) FROM planned_shifts p JOIN time_rows t ON t.id = p.row_id WHERE p.id = {second} AND t.end_time = '00:45'")).await == 1,
        "the changed row settles the shift"
    );

    // Submitting with shifts neither confirmed nor marked: refused, each named on the page.
    let to = app
        .post(&david, "/assistent/skicka", &[("recipient", &bo), ("manad", &m), ("attest", "on")])
        .await;
    assert!(
        app.page(&david, &to)
            .await
            .1
            .contains("planerade pass den här månaden som inte är bekräftade")
    );
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM month_reports WHERE recipient_id = {bo} AND month = '{m}' AND status = 'submitted'")).await,
        0
    );
    // Every other shift not worked: then the month goes.
    let open: Vec<i64> = query(format!(
        "SELECT id FROM planned_shifts WHERE recipient_id = {bo} AND row_id IS NULL ORDER BY id"
    ))
    .scalars(&mut app.db().await)
    .await
    .unwrap();
    for id in open {
        let to = app.post(&david, "/assistent/planerat/inte", &[("shift", &id.to_string())]).await;
        assert!(app.page(&david, &to).await.1.contains("Passet är markerat som inte arbetat."));
    }
    let to = app
        .post(&david, "/assistent/skicka", &[("recipient", &bo), ("manad", &m), ("attest", "on")])
        .await;
    assert!(
        app.page(&david, &to).await.1.contains("Månaden är inskickad"),
        "submitted once settled"
    );

    // The follow-up: planned against reported for the pair, and a reminder to Bo.
    let (_, page) = app.page(&lena, &format!("/schema?manad={m}")).await;
    assert!(
        page.contains("Uppföljning") && page.contains("David Dahl") && page.contains("Inskickad")
    );
    let to = app
        .post(
            &lena,
            "/admin/paminn",
            &[("assistant", &david_id), ("recipient", &bo), ("manad", &m)],
        )
        .await;
    assert!(to.starts_with("/schema?"), "back to her schedules: {to}");
    assert!(app.page(&lena, &to).await.1.contains("Påminnelsen är registrerad."));
    // Bo approves; the work leader attests the month as the administrator would.
    let key = app
        .id(&format!("SELECT id FROM month_reports WHERE assistant_id = {david_id} AND recipient_id = {bo} AND month = '{m}'"))
        .await
        .to_string();
    let (bo_user, _) = app.login("bo").await;
    app.approve(&bo_user, &key).await;
    let (_, page) = app.page(&lena, &format!("/schema?manad={m}")).await;
    assert!(page.contains("Attestera: David Dahl – Bo Berg"));
    let to = app.post(&lena, "/admin/attestera", &[("key", &key), ("manad", &m)]).await;
    assert!(app.page(&lena, &to).await.1.contains("Tidsredovisningen är attesterad och låst."));
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_reports WHERE id = {key} AND status = 'attested'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_rules_judge_the_plan_as_it_is_made_each_with_its_id() {
    let app = spawn_app().await;
    let (bo, elis) = (recipient(&app, "Bo").await, recipient(&app, "Elis").await);
    let (david, hanna) = (assistant(&app, "David").await, assistant(&app, "Hanna").await);
    let (lena, _) = app.login("lena").await;
    let month = ReportMonth::of(app::service::context::today()).unwrap().next();
    let m = month.to_string();
    for r in [&bo, &elis] {
        base(&app, &lena, r, month, &[]).await;
        made_and_published(&app, &lena, r, month).await;
    }
    let day = month.first_day() + Span::days(9);
    let extra = async |r: &str, date: NaiveDate, start: &str, end: &str, who: &str| {
        let to = app
            .post(
                &lena,
                "/schema/extra",
                &[
                    ("recipient", r),
                    ("manad", &m),
                    ("date", &date.to_string()),
                    ("start", start),
                    ("end", end),
                    ("kind", "aktiv"),
                    ("assistant", who),
                ],
            )
            .await;
        assert!(app.page(&lena, &to).await.1.contains("Passet är tillagt."));
        app.id(&format!(
            "SELECT MAX(id) FROM planned_shifts WHERE recipient_id = {r} AND work_date = '{date}'"
        ))
        .await
    };
    // V7: two assistants at once for Bo, whose decision grants no double assistance.
    let d_bo = extra(&bo, day, "08:00", "12:00", &david).await;
    let h_bo = extra(&bo, day, "10:00", "14:00", &hanna).await;
    // V3: David at Elis's while he is at Bo's.
    let d_elis = extra(&elis, day, "11:00", "13:00", &david).await;
    // V5: a shift too long for Hanna's working-time rules.
    let long = extra(&bo, day + Span::days(2), "00:00", "22:00", &hanna).await;
    // V2: Hanna not notified to FK for Bo (a shift after the 3066 was withdrawn).
    query(format!("UPDATE assignments SET fk_notified_on = NULL WHERE assistant_id = {hanna} AND recipient_id = {bo}"))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    // V8: Elis in hospital on a planned day.
    let stay = day + Span::days(4);
    query(format!(
        "INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed) SELECT tenant_id, id, 'hospital', '{stay}', '{stay}', FALSE FROM recipients WHERE id = {elis}"
    ))
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let in_hospital = extra(&elis, stay, "09:00", "12:00", &david).await;

    let (_, page) = app.page(&lena, &format!("/schema/brukare?id={bo}&manad={m}")).await;
    assert!(
        shift_card(&page, d_bo).contains("V7 "),
        "V7 at David's shift: {}",
        shift_card(&page, d_bo)
    );
    assert!(shift_card(&page, h_bo).contains("V7 "), "and at Hanna's");
    assert!(shift_card(&page, d_bo).contains("V3 "), "David's shift at Bo's collides with Elis's");
    assert!(shift_card(&page, long).contains("V5 "), "too long: {}", shift_card(&page, long));
    assert!(
        shift_card(&page, h_bo).contains("V2 "),
        "Hanna not notified: {}",
        shift_card(&page, h_bo)
    );
    let (_, page) = app.page(&lena, &format!("/schema/brukare?id={elis}&manad={m}")).await;
    assert!(shift_card(&page, d_elis).contains("V3 "), "V3 at Elis's too");
    assert!(shift_card(&page, in_hospital).contains("V8 "), "a shift in a hospital stay");

    // A swap exchanges the assistants of two shifts (and back), each audited.
    let swap = ("change", "byt");
    app.post(
        &lena,
        "/schema/pass",
        &[("shift", &d_bo.to_string()), swap, ("other", &long.to_string())],
    )
    .await;
    let who = |id: i64| format!("SELECT assistant_id FROM planned_shifts WHERE id = {id}");
    assert_eq!(app.id(&who(d_bo)).await.to_string(), hanna);
    assert_eq!(app.id(&who(long)).await.to_string(), david);
    app.post(
        &lena,
        "/schema/pass",
        &[("shift", &d_bo.to_string()), swap, ("other", &long.to_string())],
    )
    .await;
    assert_eq!(app.id(&who(d_bo)).await.to_string(), david);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.swap'").await, 2);
    // The swap's list is shown for the shift being swapped only.
    let (_, page) = app.page(&lena, &format!("/schema/brukare?id={bo}&manad={m}&byt={d_bo}")).await;
    assert_eq!(page.matches("name=\"other\"").count(), 1);

    // Fixed by the planner: Hanna's shift cancelled, the V7 warning at David's is gone.
    let to =
        app.post(&lena, "/schema/pass", &[("shift", &h_bo.to_string()), ("change", "stryk")]).await;
    let (_, page) = app.page(&lena, &to).await;
    assert!(page.contains("Passet är ändrat."));
    assert!(!shift_card(&page, d_bo).contains("V7 "), "no second assistant any more");
    assert!(shift_card(&page, h_bo).contains("Struket"));
    // A substitute: Elis's shift to nobody (vacant), then David's V3 is gone too.
    app.post(
        &lena,
        "/schema/pass",
        &[("shift", &d_elis.to_string()), ("change", "assistent"), ("assistant", "")],
    )
    .await;
    let (_, page) = app.page(&lena, &format!("/schema/brukare?id={bo}&manad={m}")).await;
    assert!(!shift_card(&page, d_bo).contains("V3 "));
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action IN ('schedule.cancel', 'schedule.substitute')").await,
        2,
        "each change in the audit log"
    );

    // A month holds at most so many shifts: no planner can grow it without end.
    for _ in 0..9 {
        query(format!(
            "INSERT INTO planned_shifts (tenant_id, recipient_id, month, assistant_id, work_date, start_time, end_time, ends_next_day, kind, minutes, dst_fold, dst_fold_end, start_at, end_at, cancelled, extra)
             SELECT tenant_id, recipient_id, month, assistant_id, work_date, start_time, end_time, ends_next_day, kind, minutes, dst_fold, dst_fold_end, start_at, end_at, TRUE, extra FROM planned_shifts WHERE recipient_id = {elis}"
        ))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    }
    let to = app
        .post(
            &lena,
            "/schema/extra",
            &[
                ("recipient", &elis),
                ("manad", &m),
                ("date", &day.to_string()),
                ("start", "20:00"),
                ("end", "21:00"),
                ("kind", "aktiv"),
                ("assistant", ""),
            ],
        )
        .await;
    assert!(app.page(&lena, &to).await.1.contains("Månadens schema har redan så många pass"));

    // Two at once in the base schedule: refused without double assistance.
    let to = app
        .post(
            &lena,
            "/schema/grund/pass",
            &[
                ("recipient", &bo),
                ("week", "1"),
                ("weekday", "0"),
                ("start", "08:00"),
                ("end", "16:00"),
                ("kind", "aktiv"),
                ("assistant", &david),
            ],
        )
        .await;
    assert!(app.page(&lena, &to).await.1.contains("Passet är tillagt."));
    let to = app
        .post(
            &lena,
            "/schema/grund/pass",
            &[
                ("recipient", &bo),
                ("week", "1"),
                ("weekday", "0"),
                ("start", "15:00"),
                ("end", "18:00"),
                ("kind", "aktiv"),
                ("assistant", &hanna),
            ],
        )
        .await;
    assert!(app.page(&lena, &to).await.1.contains("brukarens beslut ger inte dubbelassistans"));
    // An assistant without an assignment with the recipient cannot be planned.
    let ida = assistant(&app, "Ida").await;
    let to = app
        .post(
            &lena,
            "/schema/grund/pass",
            &[
                ("recipient", &bo),
                ("week", "1"),
                ("weekday", "2"),
                ("start", "08:00"),
                ("end", "16:00"),
                ("kind", "aktiv"),
                ("assistant", &ida),
            ],
        )
        .await;
    assert!(app.page(&lena, &to).await.1.contains("Assistenten har inget uppdrag hos brukaren"));
}

/// The Sunday summer time starts on next (the last Sunday of March) whose month is still open.
fn dst_start_day() -> NaiveDate {
    let today = app::service::context::today();
    [today.year(), today.year() + 1]
        .into_iter()
        .map(|y| {
            let mar31 = NaiveDate::from_ymd_opt(y, 3, 31).unwrap();
            mar31 - Span::days(mar31.weekday().num_days_from_sunday() as i64)
        })
        .find(|d| ReportMonth::of(*d).unwrap().fk_deadline() >= today)
        .unwrap()
}

#[tokio::test]
async fn a_night_from_the_base_is_ten_hours_the_autumn_night_and_eight_the_spring_night() {
    let app = spawn_app().await;
    let (bo, david) = (recipient(&app, "Bo").await, assistant(&app, "David").await);
    let (admin, _) = app.login("admin").await;
    // Saturday nights 22:00–07:00, every week.
    let first = [dst_end_day(), dst_start_day()].into_iter().min().unwrap();
    let monday = monday_before(ReportMonth::of(first).unwrap()).to_string();
    app.post(
        &admin,
        "/schema/grund",
        &[("recipient", &bo), ("weeks", "1"), ("starts_on", &monday)],
    )
    .await;
    app.post(
        &admin,
        "/schema/grund/pass",
        &[
            ("recipient", &bo),
            ("week", "1"),
            ("weekday", &Weekday::Sat.num_days_from_monday().to_string()),
            ("start", "22:00"),
            ("end", "07:00"),
            ("kind", "vantetid"),
            ("assistant", &david),
        ],
    )
    .await;
    for (sunday, minutes) in [(dst_end_day(), 600), (dst_start_day(), 480)] {
        let month = ReportMonth::of(sunday).unwrap();
        made_and_published(&app, &admin, &bo, month).await;
        let saturday = sunday - Span::days(1);
        let stored = app
            .id(&format!("SELECT minutes FROM planned_shifts WHERE recipient_id = {bo} AND work_date = '{saturday}'"))
            .await;
        assert_eq!(stored, minutes, "the night before {sunday}");
        // An ordinary Saturday night of the same month is nine hours.
        let other =
            if saturday.day() > 7 { saturday - Span::days(7) } else { saturday + Span::days(7) };
        let stored = app
            .id(&format!("SELECT minutes FROM planned_shifts WHERE recipient_id = {bo} AND work_date = '{other}'"))
            .await;
        assert_eq!(stored, 540);
    }
}

#[tokio::test]
async fn a_work_leader_reaches_only_the_recipients_given_them() {
    let app = spawn_app().await;
    let (bo, cecilia) = (recipient(&app, "Bo").await, recipient(&app, "Cecilia").await);
    let david = assistant(&app, "David").await;
    let (lena, _) = app.login("lena").await;
    let (admin, _) = app.login("admin").await;
    let month = ReportMonth::of(app::service::context::today()).unwrap().next();
    let m = month.to_string();
    // The administrator plans Cecilia (all recipients are theirs).
    base(&app, &admin, &cecilia, month, &[(0, "08:00", "12:00", "aktiv", &david)]).await;
    made_and_published(&app, &admin, &cecilia, month).await;
    let hers = app
        .id(&format!("SELECT MIN(id) FROM planned_shifts WHERE recipient_id = {cecilia}"))
        .await
        .to_string();

    // Pages: another recipient's schedule is unknown; the administrator's and others' pages forbidden.
    assert_eq!(
        app.page(&lena, &format!("/schema/brukare?id={cecilia}")).await.0,
        StatusCode::NOT_FOUND
    );
    for path in [
        "/admin",
        "/admin/assistenter",
        "/admin/brukarkort?id=1",
        "/admin/export",
        "/admin/arbetsledare",
        "/assistent",
        "/brukare",
    ] {
        assert_eq!(app.page(&lena, path).await.0, StatusCode::FORBIDDEN, "{path}");
    }
    // Posts about another recipient: unknown.
    let week = monday_before(month).to_string();
    let first = month.first_day().to_string();
    for (path, form) in [
        (
            "/schema/grund",
            vec![("recipient", cecilia.as_str()), ("weeks", "1"), ("starts_on", week.as_str())],
        ),
        (
            "/schema/grund/pass",
            vec![
                ("recipient", cecilia.as_str()),
                ("week", "1"),
                ("weekday", "1"),
                ("start", "08:00"),
                ("end", "09:00"),
                ("kind", "aktiv"),
            ],
        ),
        ("/schema/skapa", vec![("recipient", cecilia.as_str()), ("manad", m.as_str())]),
        (
            "/schema/extra",
            vec![
                ("recipient", cecilia.as_str()),
                ("manad", m.as_str()),
                ("date", first.as_str()),
                ("start", "08:00"),
                ("end", "09:00"),
                ("kind", "aktiv"),
            ],
        ),
        ("/schema/publicera", vec![("recipient", cecilia.as_str()), ("manad", m.as_str())]),
        ("/schema/pass", vec![("shift", hers.as_str()), ("change", "stryk")]),
    ] {
        assert_eq!(post_status(&app, &lena, path, &form).await, StatusCode::NOT_FOUND, "{path}");
    }
    let planned = format!("SELECT COUNT(*) FROM planned_shifts WHERE recipient_id = {cecilia}");
    assert_eq!(
        app.id(&format!("{planned} AND cancelled = FALSE")).await,
        app.id(&planned).await,
        "nothing changed"
    );
    // The administrator's and the assistant's posts: refused before the body is read.
    for path in [
        "/admin/attestera-alla",
        "/admin/beslut",
        "/admin/arbetsledare/brukare",
        "/assistent/rad",
        "/assistent/planerat/bekrafta",
        "/brukare/beslut",
    ] {
        assert_eq!(
            post_status(&app, &lena, path, &[("recipient", &cecilia), ("user", "1")]).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied'").await >= 6,
        "refusals recorded"
    );

    // Another municipality's administrator: Bo is unknown there.
    let (provstad, _) = app.login("admin.provstad").await;
    assert_eq!(
        app.page(&provstad, &format!("/schema/brukare?id={bo}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_status(
            &app,
            &provstad,
            "/schema/grund",
            &[("recipient", &bo), ("weeks", "1"), ("starts_on", &week)]
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_status(&app, &provstad, "/schema/pass", &[("shift", &hers), ("change", "stryk")])
            .await,
        StatusCode::NOT_FOUND
    );
    // An assistant plans nothing.
    let (d, _) = app.login("david").await;
    assert_eq!(app.page(&d, "/schema").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        post_status(&app, &d, "/schema/grund", &[("recipient", &bo)]).await,
        StatusCode::FORBIDDEN
    );

    // The administrator makes a work leader and gives them Cecilia; takes Bo from Lena.
    let to = app
        .post(
            &admin,
            "/admin/arbetsledare/ny",
            &[("name", "Olle Ord"), ("username", "olle"), ("email", "")],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("/inbjudan?kod="), "the invitation link to hand over");
    let olle = app
        .id("SELECT id FROM users WHERE username = 'olle' AND role = 'work_leader'")
        .await
        .to_string();
    app.post(
        &admin,
        "/admin/arbetsledare/brukare",
        &[("user", &olle), ("recipient", &cecilia), ("on", "on")],
    )
    .await;
    let lena_id = app.id("SELECT id FROM users WHERE username = 'lena'").await.to_string();
    app.post(
        &admin,
        "/admin/arbetsledare/brukare",
        &[("user", &lena_id), ("recipient", &bo), ("on", "")],
    )
    .await;
    assert_eq!(
        app.page(&lena, &format!("/schema/brukare?id={bo}")).await.0,
        StatusCode::NOT_FOUND,
        "at once"
    );
    // Reminding or attesting about a recipient not hers: unknown.
    let anna = assistant(&app, "Anna").await;
    let demo_month = app
        .id(&format!("SELECT id FROM month_reports WHERE recipient_id = {bo}"))
        .await
        .to_string();
    let prev = ReportMonth::of(app::service::context::today()).unwrap().previous().to_string();
    for (path, form) in [
        (
            "/admin/paminn",
            vec![
                ("assistant", anna.as_str()),
                ("recipient", cecilia.as_str()),
                ("manad", m.as_str()),
            ],
        ),
        (
            "/admin/paminn",
            vec![
                ("assistant", anna.as_str()),
                ("recipient", bo.as_str()),
                ("manad", prev.as_str()),
            ],
        ),
        ("/admin/attestera", vec![("key", demo_month.as_str()), ("manad", prev.as_str())]),
    ] {
        assert_eq!(post_status(&app, &lena, path, &form).await, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'work_leader.scope'").await,
        2
    );
    // Another municipality's administrator cannot give Lena a recipient.
    let gustav = recipient(&app, "Gustav").await;
    let to = app
        .post(
            &provstad,
            "/admin/arbetsledare/brukare",
            &[("user", &lena_id), ("recipient", &gustav), ("on", "on")],
        )
        .await;
    assert!(app.page(&provstad, &to).await.1.contains("Inget ändrades."));
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM work_leader_recipients WHERE user_id = {lena_id}"))
            .await,
        2,
        "Elis and Filip, nothing of Provstad's"
    );
}

#[tokio::test]
async fn a_double_tap_confirms_one_row_however_the_taps_arrive() {
    let app = spawn_app().await;
    let (bo, david_id) = (recipient(&app, "Bo").await, assistant(&app, "David").await);
    let (lena, _) = app.login("lena").await;
    let month = plan_month();
    let days: Vec<_> =
        (0u8..7).map(|d| (d, "00:00", "00:30", "aktiv", david_id.as_str())).collect();
    base(&app, &lena, &bo, month, &days).await;
    made_and_published(&app, &lena, &bo, month).await;
    let shift = planned_on(&app, &bo, month.first_day()).await.to_string();
    let (david, _) = app.login("david").await;
    let rows = app.count_rows().await;
    // Two taps at the same instant: with one key (a replay) and with two (two forms).
    for same_key in [true, false] {
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
        let k = key();
        let taps = (0..2).map(|_| {
            let (c, url, barrier) =
                (david.c.clone(), app.url("/assistent/planerat/bekrafta"), barrier.clone());
            let form = vec![
                ("shift".to_string(), shift.clone()),
                ("csrf".to_string(), david.csrf.clone()),
                ("idem".to_string(), if same_key { k.clone() } else { key() }),
            ];
            tokio::spawn(async move {
                barrier.wait().await;
                c.post(url).form(&form).send().await.unwrap().status()
            })
        });
        for t in taps.collect::<Vec<_>>() {
            assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
        }
        assert_eq!(app.count_rows().await, rows + 1, "one row (same key: {same_key})");
    }
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM planned_shifts WHERE id = {shift} AND row_id IS NOT NULL"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn the_calendar_feed_has_the_published_shifts_no_personnummer_and_can_be_revoked() {
    let app = spawn_app().await;
    let (bo, david_id) = (recipient(&app, "Bo").await, assistant(&app, "David").await);
    let (lena, _) = app.login("lena").await;
    let month = ReportMonth::of(app::service::context::today()).unwrap().next();
    base(
        &app,
        &lena,
        &bo,
        month,
        &[(1, "07:00", "15:30", "aktiv", &david_id), (5, "22:00", "07:00", "vantetid", &david_id)],
    )
    .await;
    made_and_published(&app, &lena, &bo, month).await;
    let published = app
        .id(&format!("SELECT COUNT(*) FROM planned_shifts WHERE assistant_id = {david_id} AND month = '{month}'"))
        .await;
    assert!(published >= 8);

    let (david, _) = app.login("david").await;
    let to = app.post(&david, "/assistent/kalender", &[("on", "on")]).await;
    let (_, page) = app.page(&david, &to).await;
    let start = page.find("/kalender.ics?nyckel=").expect("the address, shown once");
    let link = page[start..].split('<').next().unwrap().to_string();
    assert!(!app.page(&david, "/assistent").await.1.contains("/kalender.ics?nyckel="), "only once");
    assert_eq!(app.id("SELECT COUNT(*) FROM calendar_feeds").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.create'").await, 1);

    // Fetched by a calendar app: no session, just the address.
    let res = client().get(app.url(&link)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
    let ics = res.text().await.unwrap();
    // Parsed back by the crate that wrote it…
    let parsed: icalendar::Calendar = ics.parse().expect("icalendar parses it");
    let events = parsed.components.iter().filter(|c| c.as_event().is_some()).count() as i64;
    assert_eq!(events, published, "one event per shift");
    // … and by another parser.
    let mut reader = ical::IcalParser::new(std::io::BufReader::new(ics.as_bytes()));
    let cal = reader.next().expect("a calendar").expect("ical parses it");
    assert_eq!(cal.events.len() as i64, published);
    let summary = cal.events[0].properties.iter().find(|p| p.name == "SUMMARY").unwrap();
    assert!(summary.value.as_deref().unwrap().contains("Bo"), "the recipient's first name");
    // No personnummer, no last name, nothing of health.
    for never in ["19450315", "4503150049", "0049", "Berg", "sjukhus"] {
        assert!(!ics.contains(never), "{never} in the feed");
    }

    // A new address: the old one stops working; removed: none works.
    app.post(&david, "/assistent/kalender", &[("on", "on")]).await;
    assert_eq!(client().get(app.url(&link)).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    app.post(&david, "/assistent/kalender", &[("on", "")]).await;
    assert_eq!(app.id("SELECT COUNT(*) FROM calendar_feeds").await, 0);
    assert_eq!(
        client()
            .get(app.url("/kalender.ics?nyckel=0123456789abcdef0123456789abcdef"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn everyone_with_unconfirmed_shifts_is_reminded_once_a_day_by_e_mail() {
    let sink = SmtpSink::start().await;
    let app = spawn_app_with_smtp(&sink).await;
    let (bo, david_id) = (recipient(&app, "Bo").await, assistant(&app, "David").await);
    query(format!("UPDATE users SET email = 'david@example.se' WHERE assistant_id = {david_id}"))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let (lena, _) = app.login("lena").await;
    let month = plan_month();
    let days: Vec<_> =
        (0u8..7).map(|d| (d, "00:00", "00:30", "aktiv", david_id.as_str())).collect();
    base(&app, &lena, &bo, month, &days).await;
    made_and_published(&app, &lena, &bo, month).await;
    let m = month.to_string();
    let (_, page) = app.page(&lena, &format!("/schema?manad={m}")).await;
    assert!(
        page.contains("Påminn alla med obekräftade pass (1)"),
        "David has ended shifts to confirm"
    );
    let to = app.post(&lena, "/schema/paminn", &[("manad", &m)]).await;
    assert!(app.page(&lena, &to).await.1.contains("Påminda assistenter: 1"));
    let mails = sink.wait_for(1).await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].contains("david@example.se")
            && mails[0].contains("https://bita.exempelby.se/assistent")
    );
    // The same day again: nobody.
    let to = app.post(&lena, "/schema/paminn", &[("manad", &m)]).await;
    assert!(app.page(&lena, &to).await.1.contains("Ingen att påminna"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 1, "never twice the same day");
}

/// Every page and every post of the other roles, read from where they are defined (the router's
/// page routes, `app::paths`), asked by the work leader: refused. Only the schedules and the
/// two staff posts the follow-up uses (remind, attest) are hers.
#[tokio::test]
async fn every_page_and_post_of_other_roles_refuses_the_work_leader() {
    let app = spawn_app().await;
    let (lena, _) = app.login("lena").await;
    let quoted = |line: &str| line.split('"').nth(1).map(str::to_string);
    let pages: Vec<String> = include_str!("../../../app/src/ui/mod.rs")
        .lines()
        .filter(|l| l.contains("<Route path=path!("))
        .filter_map(quoted)
        .filter(|p| ["/admin", "/assistent", "/brukare"].iter().any(|r| p.starts_with(r)))
        .collect();
    assert!(pages.len() >= 15, "the pages were found: {pages:?}");
    for path in &pages {
        let status = app.page(&lena, path).await.0;
        assert!(
            status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
            "{path}: {status}"
        );
    }
    // The export's progress (JSON for the export page's script) and the comparison's CSV
    // are reads, not posts.
    let reads = [app::paths::EXPORT_JOB, app::paths::BENCHMARK_CSV];
    for path in reads {
        let status = app.page(&lena, &format!("{path}?id=1")).await.0;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let mine = ["/admin/attestera", "/admin/paminn"];
    let posts: Vec<String> = include_str!("../../../app/src/paths.rs")
        .lines()
        .filter(|l| l.trim_start().starts_with("pub const") && l.contains("&str"))
        .filter_map(quoted)
        .filter(|p| ["/admin/", "/assistent/", "/brukare/"].iter().any(|r| p.starts_with(r)))
        .filter(|p| {
            !mine.contains(&p.as_str()) && !pages.contains(p) && !reads.contains(&p.as_str())
        })
        .collect();
    assert!(posts.len() >= 40, "the posts were found: {posts:?}");
    for path in &posts {
        assert_eq!(
            post_status(
                &app,
                &lena,
                path,
                &[("recipient", "1"), ("id", "1"), ("manad", "2026-11")]
            )
            .await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // And the planner's posts refuse every other role.
    let planner: Vec<String> = include_str!("../../../app/src/paths.rs")
        .lines()
        .filter(|l| l.trim_start().starts_with("pub const SCHEDULE_") && !l.contains("_PAGE"))
        .filter_map(quoted)
        .collect();
    assert_eq!(planner.len(), 8);
    for who in ["anna", "bo", "eva"] {
        let (u, _) = app.login(who).await;
        assert_eq!(app.page(&u, "/schema").await.0, StatusCode::FORBIDDEN, "{who}");
        for path in &planner {
            assert_eq!(
                post_status(&app, &u, path, &[("recipient", "1")]).await,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
}
