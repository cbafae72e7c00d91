//! `/api/v1` (issue 29): tokens made on the administrator's page, shown once and kept as a
//! hash; a call is answered only with a valid token of the right scope, for the token's own
//! municipality; pages, ETags, problem details, the audit of every call, the rate limit and
//! the OpenAPI document.

use crate::common::*;

/// Makes a token on the administrator's page and reads it from the page that shows it once.
pub(crate) async fn token(app: &TestApp, admin: &User, name: &str, scopes: &[&str]) -> String {
    let mut form = vec![("name", name), ("expires", "")];
    let last = (app::service::context::today() + chrono::Duration::days(30)).to_string();
    form[1].1 = &last;
    for s in scopes {
        form.push((s, "on"));
    }
    let to = app.post(admin, "/admin/api/ny", &form).await;
    assert_eq!(to, "/admin/api");
    let (_, page) = app.page(admin, "/admin/api").await;
    let token = page
        .split("value=\"bita_")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|t| format!("bita_{t}"))
        .expect("the new token is on the page");
    // Shown once.
    let (_, again) = app.page(admin, "/admin/api").await;
    assert!(!again.contains(&token));
    token
}

pub(crate) async fn get(app: &TestApp, token: Option<&str>, path: &str) -> reqwest::Response {
    let mut req = client().get(app.url(path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_token_reads_its_own_municipalitys_register_with_its_scope_only() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let read = token(&app, &admin, "Ärendesystemet", &["register_read"]).await;
    let write_only = token(&app, &admin, "Skrivare", &["register_write"]).await;
    // Only the hash is kept.
    let kept = app
        .id(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_sha256 = '{}'",
            engine::fk::sha256_hex(read.as_bytes())
        ))
        .await;
    assert_eq!(kept, 1);
    let plain: i64 = app
        .id(&format!(
            "SELECT COUNT(*) FROM api_tokens WHERE token_sha256 = '{read}' OR hint = '{read}'"
        ))
        .await;
    assert_eq!(plain, 0);

    let res = get(&app, Some(&read), "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let body: serde_json::Value = res.json().await.unwrap();
    let names: Vec<String> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!("{} {}", r["first_name"].as_str().unwrap(), r["last_name"].as_str().unwrap())
        })
        .collect();
    let own = app.id("SELECT COUNT(*) FROM recipients WHERE tenant_id = (SELECT tenant_id FROM users WHERE username = 'admin')").await;
    assert_eq!(names.len() as i64, own, "{names:?}");
    assert!(names.contains(&"Bo Berg".to_string()), "{names:?}");
    assert!(
        body["items"][0]["personnummer"].as_str().unwrap().len() == 12,
        "register:read gives the full personnummer"
    );
    // Pages: one at a time, each `next` leading to the following, none repeated.
    let mut after = String::new();
    let mut seen = Vec::new();
    loop {
        let res =
            get(&app, Some(&read), &format!("/api/v1/recipients?limit=1&after={after}")).await;
        let page: serde_json::Value = res.json().await.unwrap();
        seen.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()));
        match page["next"].as_str() {
            Some(n) => after = n.to_string(),
            None => break,
        }
    }
    assert_eq!(seen.len() as i64, own);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    // The same page again, as the caller has it: 304.
    let res = client()
        .get(app.url("/api/v1/recipients"))
        .bearer_auth(&read)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // A bad query: a problem that says what to do.
    let res = get(&app, Some(&read), "/api/v1/recipients?limit=0").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["status"], 400);
    assert!(p["detail"].as_str().unwrap().contains("limit"));

    // No token, a wrong one, a token without the scope.
    let res = get(&app, None, "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    assert_eq!(
        get(&app, Some("bita_0123456789abcdef"), "/api/v1/recipients").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let res = get(&app, Some(&write_only), "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let p: serde_json::Value = res.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().ends_with("register:read"), "{p}");
    // In Swedish when asked.
    let res = client()
        .get(app.url("/api/v1/recipients"))
        .header("accept-language", "sv-SE")
        .send()
        .await
        .unwrap();
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["title"], "Ingen giltig nyckel");

    // Another municipality's token reaches its own register only.
    let (other, _) = app.login("admin.provstad").await;
    let theirs = token(&app, &other, "Provstads lön", &["register_read"]).await;
    let res = get(&app, Some(&theirs), "/api/v1/recipients?limit=500").await;
    let body: serde_json::Value = res.json().await.unwrap();
    let ids: Vec<i64> =
        body["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect();
    assert!(!ids.is_empty());
    assert!(
        ids.iter().all(|id| !seen.contains(id)),
        "Provstad's token sees none of Exempelby's recipients"
    );
    // And the first municipality's administrator cannot revoke the other's token.
    let theirs_id = app.id("SELECT id FROM api_tokens WHERE name = 'Provstads lön'").await;
    let res = admin
        .post(app.url("/admin/api/aterkalla"))
        .form(&[
            ("id", theirs_id.to_string().as_str()),
            ("csrf", admin.csrf.as_str()),
            ("idem", key().as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&app, Some(&theirs), "/api/v1/recipients").await.status(), StatusCode::OK);

    // Revoked: refused at once. Past its last day: refused.
    let read_id = app.id("SELECT id FROM api_tokens WHERE name = 'Ärendesystemet'").await;
    app.post(&admin, "/admin/api/aterkalla", &[("id", &read_id.to_string())]).await;
    let res = get(&app, Some(&read), "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["type"], "https://bita.se/problems/token-revoked");
    query("UPDATE api_tokens SET expires_on = $1 WHERE name = 'Provstads lön'")
        .bind(app::service::context::today() - chrono::Duration::days(1))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let res = get(&app, Some(&theirs), "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let p: serde_json::Value = res.json().await.unwrap();
    assert_eq!(p["type"], "https://bita.se/problems/token-expired");

    // Every call with a token of the installation's is in its municipality's audit log, with
    // the token: the first page, a page each, the 304, the bad query, the refused call.
    let calls = app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'api.call' AND actor LIKE 'api token {read_id} %' AND tenant_id = (SELECT tenant_id FROM api_tokens WHERE id = {read_id})")).await;
    assert_eq!(calls, 4 + seen.len() as i64);
    let made = app.id("SELECT COUNT(*) FROM audit_log WHERE action IN ('api.token.create', 'api.token.revoke')").await;
    assert_eq!(made, 4);
    chains_are_whole(&app.pool).await;
}

#[tokio::test]
async fn the_token_form_says_what_is_wrong_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let to = app.post(&admin, "/admin/api/ny", &[("name", "Lön"), ("expires", "2020-01-01")]).await;
    assert_eq!(to, "/admin/api");
    let (_, page) = app.page(&admin, "/admin/api").await;
    assert!(page.contains("Välj minst en behörighet."), "{page}");
    assert!(page.contains("Skriv sista giltighetsdag som ÅÅÅÅ-MM-DD"));
    assert!(page.contains("value=\"Lön\""));
    assert_eq!(app.id("SELECT COUNT(*) FROM api_tokens").await, 0);
    // Others than administrators have no tokens.
    let (david, _) = app.login("david").await;
    let (status, _) = app.page(&david, "/admin/api").await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn calls_beyond_the_rate_are_refused_with_when_to_try_again() {
    let app = spawn_app_with(|c| c.api_per_minute = 5).await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Brådskande", &["register_read"]).await;
    for _ in 0..5 {
        assert_eq!(get(&app, Some(&t), "/api/v1/recipients").await.status(), StatusCode::OK);
    }
    let res = get(&app, Some(&t), "/api/v1/recipients").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=61).contains(&wait), "{wait}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_with_its_scope() {
    let app = spawn_app().await;
    let res = client().get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for (method, path, scope) in server::api::ROUTES {
        let op = &doc["paths"][*path][method.as_str().to_lowercase()];
        assert!(op.is_object(), "{method} {path} is documented");
        assert_eq!(op["security"][0]["token"][0], scope[0].code(), "{path}");
        // Every refusal the gate can give is documented, with its problem document.
        let mut refusals: Vec<&str> =
            if scope.len() > 1 { vec!["401", "429"] } else { vec!["401", "403", "429"] };
        if method == axum::http::Method::PUT {
            refusals.extend(["400", "409", "413", "422"]);
        }
        for status in refusals {
            let r = &op["responses"][status];
            assert!(
                !r["description"].as_str().unwrap_or_default().is_empty(),
                "{method} {path} {status}: {r}"
            );
            assert!(
                r["content"]["application/problem+json"].is_object(),
                "{method} {path} {status}: {r}"
            );
        }
    }
    assert_eq!(doc["components"]["securitySchemes"]["token"]["scheme"], "bearer");
    let (status, page) = {
        let res = client().get(app.url("/api/v1")).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("GET /api/v1/recipients"));
}

async fn put(
    app: &TestApp,
    token: &str,
    external: &str,
    body: serde_json::Value,
    key: Option<&str>,
) -> reqwest::Response {
    put_to(app, token, &format!("/api/v1/recipients/{external}"), body, key).await
}

async fn put_to(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
    key: Option<&str>,
) -> reqwest::Response {
    let mut req = client().put(app.url(path)).bearer_auth(token).json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn a_case_system_puts_recipients_by_its_own_ids_checked_as_the_form_checks_them() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_read", "register_write"]).await;
    let pnr = personnummer("1951-02-03".parse().unwrap(), 77);
    let body =
        serde_json::json!({ "personnummer": pnr, "first_name": "Greta", "last_name": "Gran" });
    let res = put(&app, &t, "case-1", body.clone(), None).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/api/v1/recipients?after="));
    let made: serde_json::Value = res.json().await.unwrap();
    assert_eq!(made["external_id"], "case-1");
    assert_eq!(made["personnummer"], pnr.as_str());
    // The same again: the same recipient, nothing new.
    let res = put(&app, &t, "case-1", body.clone(), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["id"], made["id"]);
    // A new name; the number may be left out.
    let res = put(
        &app,
        &t,
        "case-1",
        serde_json::json!({ "first_name": "Greta", "last_name": "Granström" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let name = app
        .id(&format!(
            "SELECT COUNT(*) FROM recipients WHERE id = {} AND last_name = 'Granström'",
            made["id"]
        ))
        .await;
    assert_eq!(name, 1);
    // Another number for the same id: refused, said why.
    let other = personnummer("1952-02-03".parse().unwrap(), 78);
    let res = put(
        &app,
        &t,
        "case-1",
        serde_json::json!({ "personnummer": other, "first_name": "G", "last_name": "G" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // Checked as the form checks: a bad number and no name, each said.
    let res = put(
        &app,
        &t,
        "case-2",
        serde_json::json!({ "personnummer": "19510203-0000", "first_name": "" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = res.json().await.unwrap();
    assert!(p["errors"].as_array().unwrap().len() >= 2, "{p}");
    // Not an id, not JSON.
    assert_eq!(put(&app, &t, "a%20b", body.clone(), None).await.status(), StatusCode::BAD_REQUEST);
    let res = client()
        .put(app.url("/api/v1/recipients/case-3"))
        .bearer_auth(&t)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // A recipient BITA already has, without an id of the caller's: linked to this one.
    let bo =
        app.id("SELECT id FROM recipients WHERE first_name = 'Bo' AND last_name = 'Berg'").await;
    let bo_pnr: String = query("SELECT personnummer FROM recipients WHERE id = $1")
        .bind(bo)
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    let res = put(
        &app,
        &t,
        "case-bo",
        serde_json::json!({ "personnummer": bo_pnr, "first_name": "Bo", "last_name": "Berg" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["id"], bo);
    let res = put(
        &app,
        &t,
        "case-bo-2",
        serde_json::json!({ "personnummer": bo_pnr, "first_name": "Bo", "last_name": "Berg" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    // Audited with the token as who.
    let entries = app.id("SELECT COUNT(*) FROM audit_log WHERE action IN ('recipient.create', 'recipient.update') AND actor LIKE 'api token %'").await;
    assert_eq!(entries, 4);
    // A token that may only read cannot write.
    let reader = token(&app, &admin, "Läsaren", &["register_read"]).await;
    assert_eq!(
        put(&app, &reader, "case-9", body.clone(), None).await.status(),
        StatusCode::FORBIDDEN
    );
    // Another municipality's id space is its own.
    let (other_admin, _) = app.login("admin.provstad").await;
    let theirs = token(&app, &other_admin, "Provstads ärenden", &["register_write"]).await;
    let res = put(
        &app,
        &theirs,
        "case-1",
        serde_json::json!({ "personnummer": other, "first_name": "Per", "last_name": "P" }),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_ne!(res.json::<serde_json::Value>().await.unwrap()["id"], made["id"]);
    chains_are_whole(&app.pool).await;
}

#[tokio::test]
async fn a_double_put_with_one_key_makes_one_recipient() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_write"]).await;
    let body = serde_json::json!({ "personnummer": personnummer("1949-09-09".parse().unwrap(), 5), "first_name": "Dubbel", "last_name": "Post" });
    let k = key();
    // Sent at the same moment, as a retry after a lost answer would be.
    let (a, b) = tokio::join!(
        put(&app, &t, "twice", body.clone(), Some(&k)),
        put(&app, &t, "twice", body.clone(), Some(&k))
    );
    let (a, b): (serde_json::Value, serde_json::Value) =
        (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["id"], b["id"], "{a} {b}");
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients WHERE first_name = 'Dubbel'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'recipient.create' AND subject = 'recipient ' || (SELECT id FROM recipients WHERE first_name = 'Dubbel')").await, 1);
}

#[tokio::test]
async fn the_change_feed_never_skips_or_repeats_a_change_under_concurrent_writes() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_read", "register_write"]).await;
    // Four writers at once, ten recipients each, while the feed is read in small pages.
    let writers = (0..4).map(|w| {
        let (app, t) = (&app, &t);
        async move {
            for i in 0..10 {
                let body = serde_json::json!({
                    "personnummer": personnummer("1950-01-01".parse().unwrap(), 100 + w * 10 + i),
                    "first_name": "Flöde",
                    "last_name": format!("W{w}N{i}"),
                });
                assert_eq!(
                    put(app, t, &format!("feed-{w}-{i}"), body, None).await.status(),
                    StatusCode::CREATED
                );
            }
        }
    });
    let reader = async {
        let (mut since, mut seen) = (String::new(), Vec::<(i64, String, String)>::new());
        let mut quiet = 0;
        while quiet < 3 {
            let res = get(&app, Some(&t), &format!("/api/v1/changes?limit=7&since={since}")).await;
            assert_eq!(res.status(), StatusCode::OK);
            let page: serde_json::Value = res.json().await.unwrap();
            let items = page["items"].as_array().unwrap();
            let made = app.id("SELECT COUNT(*) FROM recipients WHERE first_name = 'Flöde'").await;
            quiet = if items.is_empty() && made == 40 { quiet + 1 } else { 0 };
            for c in items {
                seen.push((
                    c["cursor"].as_str().unwrap().parse().unwrap(),
                    c["action"].as_str().unwrap().to_string(),
                    c["subject"].as_str().unwrap().to_string(),
                ));
            }
            since = page["next"].as_str().unwrap().to_string();
        }
        seen
    };
    let (_, seen) = tokio::join!(futures_util::future::join_all(writers), reader);
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "in order, none twice");
    let created: std::collections::BTreeSet<String> =
        seen.iter().filter(|c| c.1 == "recipient.create").map(|c| c.2.clone()).collect();
    let ids: Vec<i64> = query("SELECT id FROM recipients WHERE first_name = 'Flöde'")
        .scalars(&mut app.db().await)
        .await
        .unwrap();
    let want: std::collections::BTreeSet<String> =
        ids.iter().map(|id| format!("recipient {id}")).collect();
    assert_eq!(created, want, "every recipient made is in the feed once");
    // A register token sees the register's changes only (not the months', not the API's calls).
    assert!(
        seen.iter().all(|c| c.1.starts_with("recipient.")
            || c.1.starts_with("assistant.")
            || c.1.starts_with("decision.")
            || c.1.starts_with("assignment.")
            || c.1.starts_with("absence.")
            || c.1.starts_with("representative.")
            || c.1.starts_with("import.")),
        "{seen:?}"
    );
}

#[tokio::test]
async fn a_months_reports_are_read_with_their_status_and_time() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Lönesystemet", &["months_read"]).await;
    let month = app::service::context::this_month().previous();
    let res = get(&app, Some(&t), &format!("/api/v1/months/{month}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["month"], month.to_string());
    assert_eq!(body["deadline"], month.fk_deadline().to_string());
    let reports = body["reports"].as_array().unwrap();
    assert!(!reports.is_empty());
    let tenant = app.id("SELECT tenant_id FROM users WHERE username = 'admin'").await;
    for r in reports {
        let (a, b) =
            (r["assistant"]["id"].as_i64().unwrap(), r["recipient"]["id"].as_i64().unwrap());
        // Each as the database has it: the rows and their minutes, its municipality's.
        let (rows, aktiv): (i64, Option<i64>) = query("SELECT COUNT(*), SUM(CASE WHEN kind = 'aktiv' THEN minutes END) FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3 AND work_date >= $4 AND work_date <= $5")
            .bind(tenant)
            .bind(a)
            .bind(b)
            .bind(month.first_day())
            .bind(month.last_day())
            .optional_as(&mut app.db().await)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r["rows"].as_i64().unwrap(), rows, "{r}");
        assert_eq!(r["minutes"]["aktiv"].as_i64().unwrap(), aktiv.unwrap_or(0), "{r}");
        let status: Option<String> = query("SELECT status FROM month_reports WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3 AND month = $4")
            .bind(tenant)
            .bind(a)
            .bind(b)
            .bind(month.to_string())
            .scalar_optional(&mut app.db().await)
            .await
            .unwrap();
        assert_eq!(r["status"].as_str().unwrap(), status.as_deref().unwrap_or("draft"), "{r}");
    }
    // Unchanged since the ETag: 304.
    let res = client()
        .get(app.url(&format!("/api/v1/months/{month}")))
        .bearer_auth(&t)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // Not a month; a token without `months:read`.
    assert_eq!(
        get(&app, Some(&t), "/api/v1/months/2026-13").await.status(),
        StatusCode::BAD_REQUEST
    );
    let register = token(&app, &admin, "Registret", &["register_read"]).await;
    assert_eq!(
        get(&app, Some(&register), &format!("/api/v1/months/{month}")).await.status(),
        StatusCode::FORBIDDEN
    );
    // Another municipality's token: its own month, none of these reports.
    let (other, _) = app.login("admin.provstad").await;
    let theirs = token(&app, &other, "Provstads lön", &["months_read"]).await;
    let body: serde_json::Value =
        get(&app, Some(&theirs), &format!("/api/v1/months/{month}")).await.json().await.unwrap();
    let mine: Vec<i64> = reports.iter().map(|r| r["recipient"]["id"].as_i64().unwrap()).collect();
    assert!(
        body["reports"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| !mine.contains(&r["recipient"]["id"].as_i64().unwrap()))
    );
}

/// The fields a 422 names.
#[track_caller]
fn fields(res: reqwest::Response) -> impl std::future::Future<Output = Vec<String>> {
    let caller = std::panic::Location::caller();
    async move {
        let status = res.status();
        let kind = res.headers()["content-type"].clone();
        let p: serde_json::Value = res.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{caller}: {p}");
        assert_eq!(kind, "application/problem+json");
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .inspect(|e| assert!(!e["detail"].as_str().unwrap().is_empty(), "{p}"))
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect()
    }
}

async fn result(res: reqwest::Response, status: StatusCode) -> serde_json::Value {
    assert_eq!(res.status(), status);
    let body: serde_json::Value = res.json().await.unwrap();
    body
}

#[tokio::test]
async fn a_case_system_puts_assistants_decisions_and_assignments_checked_as_the_forms_check_them() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_read", "register_write"]).await;
    let recipient = serde_json::json!({ "personnummer": personnummer("1960-04-04".parse().unwrap(), 41), "first_name": "Rut", "last_name": "Rask" });
    assert_eq!(put(&app, &t, "r-1", recipient, None).await.status(), StatusCode::CREATED);
    let r1 = app.id("SELECT id FROM recipients WHERE external_id = 'r-1'").await;

    // An assistant, by the caller's id.
    let apnr = personnummer("1990-05-05".parse().unwrap(), 51);
    let assistant = serde_json::json!({ "personnummer": apnr, "first_name": "Ali", "last_name": "Ek", "regime": "ab_bilaga_j", "period_start": "2026-01-01", "period_months": 4, "employee_number": "L-77" });
    let made = result(
        put_to(&app, &t, "/api/v1/assistants/a-1", assistant.clone(), None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(made["external_id"], "a-1");
    assert_eq!(made["personnummer"], apnr.as_str());
    let again = result(
        put_to(&app, &t, "/api/v1/assistants/a-1", assistant.clone(), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(again["id"], made["id"]);
    let a1 = made["id"].as_i64().unwrap();
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM assistants WHERE id = {a1} AND employee_number = 'L-77' AND regime = 'ab_bilaga_j' AND period_months = 4")).await, 1);
    // Checked as the assistant form checks: each wrong field named.
    let wrong = serde_json::json!({ "personnummer": personnummer("1991-05-05".parse().unwrap(), 52), "first_name": "", "last_name": "X", "regime": "jour", "employer": "other" });
    let named = fields(put_to(&app, &t, "/api/v1/assistants/a-2", wrong, None).await).await;
    for f in ["first_name", "regime", "other_employer_name", "other_employer_org"] {
        assert!(named.contains(&f.to_string()), "{f} in {named:?}");
    }
    // Another number for the same id: refused.
    let other_number = serde_json::json!({ "personnummer": personnummer("1992-05-05".parse().unwrap(), 53), "first_name": "Ali", "last_name": "Ek", "regime": "atl", "period_start": "2026-01-01", "period_months": 4 });
    assert_eq!(
        put_to(&app, &t, "/api/v1/assistants/a-1", other_number, None).await.status(),
        StatusCode::CONFLICT
    );
    // The list of assistants has it, with the caller's id.
    let list: serde_json::Value =
        get(&app, Some(&t), "/api/v1/assistants?limit=500").await.json().await.unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == a1 && a["external_id"] == "a-1"),
        "{list}"
    );

    // A decision for the recipient, by the caller's ids: hours as a number, checked as the form.
    let decision = serde_json::json!({ "recipient": "r-1", "funder": "sfb", "granted_per": "week", "granted_hours": 37.5, "valid_from": "2026-01-01", "valid_to": "2026-12-31", "vantetid_allowed": true, "double_assistance": true, "raised_rate": "380,00" });
    let d = result(
        put_to(&app, &t, "/api/v1/decisions/d-1", decision.clone(), None).await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(d["result"], "created");
    let d1 = d["id"].as_i64().unwrap();
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM decisions WHERE id = {d1} AND recipient_id = {r1} AND external_id = 'd-1' AND granted_per = 'week' AND granted_minutes = 2250 AND vantetid_allowed = TRUE AND beredskap_allowed = FALSE AND double_assistance = TRUE")).await, 1);
    let same = result(
        put_to(&app, &t, "/api/v1/decisions/d-1", decision.clone(), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!((same["id"].as_i64(), same["result"].as_str()), (Some(d1), Some("unchanged")));
    // An unknown recipient, an overlapping decision, a raised amount over 12 %, bad hours.
    let mut unknown = decision.clone();
    unknown["recipient"] = "r-404".into();
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/decisions/d-2", unknown, None).await).await,
        ["recipient"]
    );
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/decisions/d-2", decision.clone(), None).await).await,
        ["valid_from"]
    );
    let mut raised = decision.clone();
    raised["raised_rate"] = "400".into();
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/decisions/d-2", raised.clone(), None).await).await,
        ["raised_rate"]
    );
    raised["raised_rate"] = serde_json::Value::Null;
    raised["valid_from"] = "2027-01-01".into();
    raised["valid_to"] = "2027-06-30".into();
    raised["granted_hours"] = "many".into();
    raised["granted_per"] = "day".into();
    let named = fields(put_to(&app, &t, "/api/v1/decisions/d-2", raised, None).await).await;
    assert!(
        named.contains(&"granted_hours".to_string()) && named.contains(&"granted_per".to_string()),
        "{named:?}"
    );
    // A registered decision is not changed, but it can end earlier.
    let mut more = decision.clone();
    more["granted_hours"] = "40".into();
    assert_eq!(
        put_to(&app, &t, "/api/v1/decisions/d-1", more, None).await.status(),
        StatusCode::CONFLICT
    );
    let mut ended = decision.clone();
    ended["valid_to"] = "2026-06-30".into();
    let e = result(
        put_to(&app, &t, "/api/v1/decisions/d-1", ended.clone(), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e["result"], "ended");
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM decisions WHERE id = {d1} AND valid_to = '2026-06-30'"
        ))
        .await,
        1
    );
    let mut later = ended.clone();
    later["valid_to"] = "2026-12-31".into();
    assert_eq!(
        put_to(&app, &t, "/api/v1/decisions/d-1", later, None).await.status(),
        StatusCode::CONFLICT,
        "not extended"
    );

    // An assignment of the assistant to the recipient.
    let assignment = serde_json::json!({ "assistant": "a-1", "recipient": "r-1", "valid_from": "2026-02-01", "fk_notified_on": "2026-01-20" });
    let s = result(
        put_to(&app, &t, "/api/v1/assignments/s-1", assignment.clone(), None).await,
        StatusCode::CREATED,
    )
    .await;
    let s1 = s["id"].as_i64().unwrap();
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM assignments WHERE id = {s1} AND assistant_id = {a1} AND recipient_id = {r1} AND valid_to IS NULL AND external_id = 's-1'")).await, 1);
    let same = result(
        put_to(&app, &t, "/api/v1/assignments/s-1", assignment.clone(), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(same["result"], "unchanged");
    // Outside the (now shorter) decision; overlapping the first; unknown people.
    let mut outside = assignment.clone();
    outside["valid_from"] = "2026-08-01".into();
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/assignments/s-2", outside, None).await).await,
        ["valid_from"]
    );
    let mut overlapping = assignment.clone();
    overlapping["valid_from"] = "2026-03-01".into();
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/assignments/s-2", overlapping, None).await).await,
        ["valid_from"]
    );
    let nobody = serde_json::json!({ "assistant": "a-404", "recipient": "r-404", "valid_from": "2026-02-01" });
    assert_eq!(
        fields(put_to(&app, &t, "/api/v1/assignments/s-2", nobody, None).await).await,
        ["assistant", "recipient"]
    );
    // It ends on a last day; anything else is refused.
    let mut end = assignment.clone();
    end["valid_to"] = "2026-05-31".into();
    let e = result(
        put_to(&app, &t, "/api/v1/assignments/s-1", end.clone(), None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(e["result"], "ended");
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM assignments WHERE id = {s1} AND valid_to = '2026-05-31'"
        ))
        .await,
        1
    );
    end["relative"] = true.into();
    assert_eq!(
        put_to(&app, &t, "/api/v1/assignments/s-1", end, None).await.status(),
        StatusCode::CONFLICT
    );

    // Each change once in the audit log, by the token; the feed shows them to a register token.
    for (action, n) in [
        ("assistant.create", 1),
        ("assistant.update", 1),
        ("decision.create", 1),
        ("decision.end", 1),
        ("assignment.create", 1),
        ("assignment.end", 1),
    ] {
        let found = app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor LIKE 'api token %'")).await;
        assert_eq!(found, n, "{action}");
    }
    let feed: serde_json::Value =
        get(&app, Some(&t), "/api/v1/changes?limit=500").await.json().await.unwrap();
    let actions: Vec<&str> =
        feed["items"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    for a in ["decision.create", "decision.end", "assignment.create", "assignment.end"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // Another municipality's token: the same ids name nothing of theirs.
    let (other_admin, _) = app.login("admin.provstad").await;
    let theirs = token(&app, &other_admin, "Provstads ärenden", &["register_write"]).await;
    assert_eq!(
        fields(put_to(&app, &theirs, "/api/v1/assignments/s-9", assignment, None).await).await,
        ["assistant", "recipient"]
    );
    assert_eq!(
        fields(put_to(&app, &theirs, "/api/v1/decisions/d-1", decision, None).await).await,
        ["recipient"]
    );
    chains_are_whole(&app.pool).await;
}

#[tokio::test]
async fn an_assignment_sent_twice_at_once_is_registered_once() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_write"]).await;
    let recipient = serde_json::json!({ "personnummer": personnummer("1961-04-04".parse().unwrap(), 42), "first_name": "Tor", "last_name": "Två" });
    assert_eq!(put(&app, &t, "r-2", recipient, None).await.status(), StatusCode::CREATED);
    let assistant = serde_json::json!({ "personnummer": personnummer("1993-05-05".parse().unwrap(), 54), "first_name": "Eva", "last_name": "Två", "regime": "husligt_arbete", "period_start": "2026-01-01" });
    assert_eq!(
        put_to(&app, &t, "/api/v1/assistants/a-2", assistant, None).await.status(),
        StatusCode::CREATED
    );
    let decision = serde_json::json!({ "recipient": "r-2", "funder": "lss", "granted_per": "month", "granted_hours": "160", "valid_from": "2026-01-01", "valid_to": "2026-12-31" });
    assert_eq!(
        put_to(&app, &t, "/api/v1/decisions/d-2", decision, None).await.status(),
        StatusCode::CREATED
    );
    let body = serde_json::json!({ "assistant": "a-2", "recipient": "r-2", "valid_from": "2026-03-01", "valid_to": "2026-06-30" });
    // With one key, as a retry after a lost answer would be; then without a key, two at once.
    let k = key();
    let (a, b) = tokio::join!(
        put_to(&app, &t, "/api/v1/assignments/s-2", body.clone(), Some(&k)),
        put_to(&app, &t, "/api/v1/assignments/s-2", body.clone(), Some(&k))
    );
    let (a, b): (serde_json::Value, serde_json::Value) =
        (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(
        (a["id"].clone(), a["result"].clone()),
        (b["id"].clone(), b["result"].clone()),
        "the first answer, twice"
    );
    let mut later = body.clone();
    later["valid_from"] = "2026-09-01".into();
    later["valid_to"] = serde_json::Value::Null;
    let (c, d) = tokio::join!(
        put_to(&app, &t, "/api/v1/assignments/s-3", later.clone(), None),
        put_to(&app, &t, "/api/v1/assignments/s-3", later.clone(), None)
    );
    let mut got = vec![c.status(), d.status()];
    got.sort();
    assert_eq!(
        got,
        [StatusCode::OK, StatusCode::CREATED],
        "one made, the other finds it made: {}",
        c.text().await.unwrap()
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM assignments WHERE external_id IN ('s-2', 's-3')").await,
        2
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'assignment.create'").await,
        2
    );
}

/// Each route's path with a plausible value in each of its `{…}`.
fn concrete(path: &str) -> String {
    let month = app::service::context::this_month().previous().to_string();
    path.split('/')
        .map(|seg| match seg {
            "{month}" => month.clone(),
            "{external_id}" => "scope-test".into(),
            s if s.starts_with('{') => "1".into(),
            s => s.into(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_refuses_a_token_without_its_scope_and_admits_one_with_it() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let field = |s: &app::model::api::Scope| s.field();
    let mut made = std::collections::HashMap::new();
    for (method, path, scopes) in server::api::ROUTES {
        let all = app::model::api::Scope::ALL;
        let url = app.url(&concrete(path));
        let call = |token: &str| {
            client()
                .request(method.clone(), url.clone())
                .bearer_auth(token)
                .json(&serde_json::json!({}))
                .send()
        };
        // Every scope but the route's: refused, naming the scope.
        let others: Vec<&str> = all.iter().filter(|s| !scopes.contains(s)).map(field).collect();
        if !others.is_empty() {
            if !made.contains_key(&others) {
                made.insert(
                    others.clone(),
                    token(&app, &admin, &format!("Utan {path}"), &others).await,
                );
            }
            let res = call(&made[&others]).await.unwrap();
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
            let p: serde_json::Value = res.json().await.unwrap();
            assert!(p["detail"].as_str().unwrap().ends_with(scopes[0].code()), "{p}");
        }
        // Only the route's first scope: past the gate (what it answers depends on the call).
        let own = vec![field(&scopes[0])];
        if !made.contains_key(&own) {
            made.insert(own.clone(), token(&app, &admin, &format!("Med {path}"), &own).await);
        }
        let status = call(&made[&own]).await.unwrap().status();
        assert!(
            ![StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN, StatusCode::INTERNAL_SERVER_ERROR]
                .contains(&status),
            "{method} {path}: {status}"
        );
    }
}

#[tokio::test]
async fn a_body_over_64_kb_is_refused_with_a_problem_declared_or_not() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let t = token(&app, &admin, "Ärendesystemet", &["register_write"]).await;
    let big = format!("{{\"first_name\":\"{}\"}}", "x".repeat(70 * 1024));
    // A declared length: refused from the headers.
    let res = client()
        .put(app.url("/api/v1/recipients/big"))
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    // No declared length (chunked): cut at 64 KB, the same problem.
    let addr = app.url("/").trim_start_matches("http://").trim_end_matches('/').to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut req = format!(
        "PUT /api/v1/recipients/big HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {t}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    for chunk in big.as_bytes().chunks(8192) {
        req.extend(format!("{:x}\r\n", chunk.len()).as_bytes());
        req.extend(chunk);
        req.extend(b"\r\n");
    }
    req.extend(b"0\r\n\r\n");
    // The server may answer and close before it has read everything sent.
    let _ = s.write_all(&req).await;
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("content-type: application/problem+json"),
        "{answer}"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients WHERE external_id = 'big'").await, 0);
}

#[tokio::test]
async fn a_municipality_has_at_most_50_tokens_in_force() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let tenant = app.id("SELECT tenant_id FROM users WHERE username = 'admin'").await;
    let by = app.id("SELECT id FROM users WHERE username = 'admin'").await;
    let last = (app::service::context::today() + chrono::Duration::days(30)).to_string();
    for i in 0..50 {
        query(format!("INSERT INTO api_tokens (tenant_id, name, scopes, token_sha256, hint, created_by, created_at, expires_on) VALUES ({tenant}, 'N{i}', 'register:read', '{:064}', 'bita_x', {by}, '2026-01-01T00:00:00Z', '{last}')", i))
            .execute(&mut app.db().await)
            .await
            .unwrap();
    }
    let form = [("name", "En till"), ("expires", last.as_str()), ("register_read", "on")];
    let to = app.post(&admin, "/admin/api/ny", &form).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Kommunen har redan 50 giltiga nycklar"), "{page}");
    assert!(page.contains("value=\"En till\""), "what was typed is kept");
    assert_eq!(app.id("SELECT COUNT(*) FROM api_tokens WHERE name = 'En till'").await, 0);
    // A revoked one does not count.
    query("UPDATE api_tokens SET revoked_at = '2026-02-01T00:00:00Z' WHERE name = 'N0'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    app.post(&admin, "/admin/api/ny", &form).await;
    assert_eq!(app.id("SELECT COUNT(*) FROM api_tokens WHERE name = 'En till'").await, 1);
}
