//! `server admin create`: the first administrator of a fresh installation. There are no
//! default accounts and no fixed passwords: the command creates the municipality (if its
//! organisationsnummer is new) and the account, and prints a generated password once.

use crate::auth::hash_password;
use crate::db::Pool;
use app::service::setup::SetupResult;
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
pub async fn create(pool: &Pool, a: &NewAdmin) -> SetupResult<String> {
    let org = Organisationsnummer::parse(&a.org_number)
        .ok_or("the organisationsnummer is not valid (10 digits with a correct check digit)")?;
    let password = generated_password();
    let hash = hash_password(&password);
    let admin = app::service::setup::FirstAdmin {
        municipality: &a.municipality,
        org_number: &org,
        username: &a.username,
        display_name: &a.display_name,
    };
    app::service::setup::first_admin(&crate::db::DbRepo::new(pool.clone()), &admin, &hash).await?;
    Ok(password)
}
