//! `server admin create`: the first administrator of a fresh installation. There are no
//! default accounts and no fixed passwords: the command creates the municipality (if its
//! organisationsnummer is new) and the account, and prints a generated password once.

use crate::auth::hash_password;
use crate::db::Pool;
use crate::db::sql::query;
use app::api::repo::{AuditEntry, Store};
use engine::Organisationsnummer;

/// What `server admin create` was asked to make.
#[derive(Debug, Default)]
pub struct NewAdmin {
    pub municipality: String,
    pub org_number: String,
    pub username: String,
    pub display_name: String,
}

pub const USAGE: &str = "usage: server admin create --municipality NAME --org-number NNNNNN-NNNN --username NAME [--name \"Full Name\"]";

impl NewAdmin {
    /// The command line's values, checked (trimmed; the display name defaults to the username).
    pub fn new(
        municipality: String,
        org_number: String,
        username: String,
        name: Option<String>,
    ) -> Result<Self, String> {
        let mut a = NewAdmin {
            municipality: municipality.trim().into(),
            org_number: org_number.trim().into(),
            username: username.trim().into(),
            display_name: name.unwrap_or_default().trim().into(),
        };
        if a.municipality.is_empty() || a.org_number.is_empty() || a.username.is_empty() {
            return Err(USAGE.into());
        }
        if !engine::settings::username_ok(&a.username) {
            return Err(format!(
                "the username must be at most {} characters without spaces",
                engine::settings::MAX_USERNAME
            ));
        }
        if a.display_name.is_empty() {
            a.display_name = a.username.clone();
        }
        Ok(a)
    }
}

/// A random password of 20 letters and digits (~119 bits).
fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    argon2::password_hash::rand_core::RngCore::fill_bytes(
        &mut argon2::password_hash::rand_core::OsRng,
        &mut bytes,
    );
    bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect()
}

/// Creates the administrator; returns the generated password (shown once, stored hashed).
pub async fn create(
    pool: &Pool,
    a: &NewAdmin,
) -> Result<String, Box<dyn std::error::Error + Send + Sync>> {
    let org = Organisationsnummer::parse(&a.org_number)
        .ok_or("the organisationsnummer is not valid (10 digits with a correct check digit)")?;
    let org = org.as_str().to_string();
    let password = generated_password();
    let hash = hash_password(&password);
    let mut tx = pool.begin().await?;
    let existing: Option<i64> = query("SELECT id FROM tenants WHERE org_number = $1")
        .bind(&org)
        .scalar_optional(&mut tx)
        .await?;
    let tenant = match existing {
        Some(id) => id,
        None => query("INSERT INTO tenants (name, org_number, contact_person, phone) VALUES ($1, $2, $3, '') RETURNING id")
            .bind(&a.municipality)
            .bind(&org)
            .bind(&a.display_name)
            .scalar(&mut tx)
            .await?,
    };
    let user: i64 = query("INSERT INTO users (tenant_id, username, password_hash, display_name, role) VALUES ($1, $2, $3, $4, 'admin') RETURNING id")
        .bind(tenant)
        .bind(&a.username)
        .bind(&hash)
        .bind(&a.display_name)
        .scalar(&mut tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => format!("the username {} is taken", a.username),
            _ => e.to_string(),
        })?;
    // The account and its audit entry in one transaction.
    let mut db: Box<dyn Store> = Box::new(crate::db::DbStore::new(tx));
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
    Ok(password)
}
