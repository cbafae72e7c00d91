//! An installation's first data: the first administrator of a new municipality (`server admin
//! create`) and the demo, both written by the service layer through the store.

use crate::common::*;
use server::admin::{NewAdmin, create};

fn admin(municipality: &str, org: &str, username: &str) -> NewAdmin {
    NewAdmin::new(municipality.into(), org.into(), username.into(), Some("Nora Ny".into())).unwrap()
}

#[tokio::test]
async fn the_first_administrator_of_a_new_municipality_signs_in_with_the_printed_password() {
    let app = spawn_app().await;
    let tenants = app.id("SELECT COUNT(*) FROM tenants").await;
    let password =
        create(&app.pool, &admin("Nystad kommun", "212000-0308", "admin.nystad")).await.unwrap();
    assert_eq!(password.len(), 20);
    assert_eq!(app.id("SELECT COUNT(*) FROM tenants").await, tenants + 1, "a new municipality");
    let (c, res) = app.try_login("admin.nystad", &password).await;
    assert_eq!(res.headers()["location"], "/admin");
    let (_, page) = app.page(&c, "/admin").await;
    assert!(page.contains("Nystad kommun"), "signed in to the new municipality");
    // Its own municipality only: the demo's people are not in it.
    let (_, register) = app.page(&c, "/admin/brukarregister").await;
    assert!(!register.contains("Bo Berg"));
    let audited = app
        .id("SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
             WHERE t.name = 'Nystad kommun' AND a.action = 'account.create' AND a.client = 'server admin create'")
        .await;
    assert_eq!(audited, 1, "the account and its audit entry were written together");
}

#[tokio::test]
async fn a_second_administrator_joins_the_municipality_of_the_same_org_number_and_a_taken_name_is_refused()
 {
    let app = spawn_app().await;
    let tenants = app.id("SELECT COUNT(*) FROM tenants").await;
    // Exempelby's organisationsnummer: the account joins it.
    let password = create(&app.pool, &admin("Exempelby", "212000-0001", "admin2")).await.unwrap();
    assert_eq!(app.id("SELECT COUNT(*) FROM tenants").await, tenants);
    let (c, _) = app.try_login("admin2", &password).await;
    let (_, register) = app.page(&c, "/admin/brukarregister").await;
    assert!(register.contains("Bo Berg"), "the administrator of the existing municipality");

    let users = app.id("SELECT COUNT(*) FROM users").await;
    let taken = create(&app.pool, &admin("Exempelby", "212000-0001", "admin")).await.unwrap_err();
    assert_eq!(taken.to_string(), "the username admin is taken");
    let bad = create(&app.pool, &admin("Någonstans", "212000-0002", "x")).await.unwrap_err();
    assert!(bad.to_string().contains("organisationsnummer"), "{bad}");
    assert_eq!(app.id("SELECT COUNT(*) FROM users").await, users, "nothing half-made");
    assert_eq!(app.id("SELECT COUNT(*) FROM tenants").await, tenants);
}
