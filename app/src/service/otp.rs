//! A local account's second factor (issue 26): a one-time code from an authenticator app
//! (TOTP, RFC 6238: `totp-rs`), enrolled by scanning a QR code (`qrcode`, drawn as SVG, no
//! script) and confirmed with a first code, and ten recovery codes shown once (their SHA-256
//! kept). A code works once (its time step is stored); a recovery code works once. The session
//! of a password with a code is `SignIn::PasswordOtp`, which the municipality's strong sign-in
//! for the administrator's pages, a full personnummer and health data accepts; signing is
//! always bound to the document by an e-legitimation, never by a code.

use super::context::{Cx, SESSION_OTP_CODES, SESSION_SIGN_IN, internal, me, now_unix};
use super::tx::{Begun, begin, commit, error, notice};
use crate::domain::fk::sha256_hex;
use crate::domain::people::SignIn;
use crate::i18n::T;
use crate::model::*;
use store::{AuditEntry, Repo, RepoResult};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Where an account's second factor is set up.
pub const OTP_PAGE: &str = crate::paths::OTP_PAGE;
/// How many recovery codes an enrolment gives.
pub const RECOVERY_CODES: usize = 10;
/// The code's length and time step (what every authenticator app uses).
const DIGITS: u8 = 6;
const STEP: u64 = 30;
/// The issuer shown in the authenticator app.
const ISSUER: &str = "BITA";

/// The authenticator app's view of a secret (base32): SHA-1, 6 digits, 30-second steps, one
/// step either side accepted. The account name is what the app shows (no colons allowed).
fn totp(secret: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret).ok()?;
    let account: String = account.chars().map(|c| if c == ':' { ' ' } else { c }).collect();
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(secret)
        .with_account_name(if account.trim().is_empty() { ISSUER.to_string() } else { account })
        .with_issuer(Some(ISSUER))
        .build()
        .ok()
}

/// The time step a typed code is right for: now, or one step either side (a phone's clock a
/// little off, a code typed as it changed). Spaces are allowed.
fn step_of(secret: &str, typed: &str, now: u64) -> Option<i64> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, ISSUER)?.check(&code, now).map(|s| s as i64)
}

/// A recovery code as it is compared: letters and digits only, upper case.
fn recovery_sha(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == 10).then(|| sha256_hex(code.as_bytes()))
}

/// Random bytes from the operating system.
fn random_bytes<const N: usize>() -> Result<[u8; N], PageError> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| internal(format!("randomness: {e}")))?;
    Ok(b)
}

/// Ten recovery codes, `XXXXX-XXXXX` in base32's letters and digits (50 random bits each).
fn new_recovery_codes() -> Result<Vec<String>, PageError> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    (0..RECOVERY_CODES)
        .map(|_| {
            let b = random_bytes::<10>()?;
            let chars: String = b.iter().map(|x| ALPHABET[(x & 31) as usize] as char).collect();
            Ok(format!("{}-{}", &chars[..5], &chars[5..]))
        })
        .collect()
}

/// The QR code of an `otpauth://` address, as SVG (dark on light, a quiet zone around it).
fn qr_svg(url: &str) -> Option<String> {
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build(),
    )
}

/// The page: the second factor's state, and the recovery codes once, right after enrolment.
pub async fn otp_page(cx: &Cx) -> Result<OtpPage, PageError> {
    let c = cx.require(&[Role::Admin, Role::Assistant, Role::Recipient, Role::Representative])?;
    let flash = cx.take_flash().await;
    let fresh_codes: Vec<String> =
        cx.session.remove(SESSION_OTP_CODES).await.ok().flatten().unwrap_or_default();
    let mut db = cx.db().await?;
    let state = match db.second_factor(c.user_id).await.map_err(internal)? {
        None => OtpState::Off,
        Some(f) if f.confirmed => {
            OtpState::On { codes_left: db.recovery_codes_left(c.user_id).await.map_err(internal)? }
        }
        Some(f) => {
            let t = totp(&f.secret, &c.display_name).ok_or(PageError::Internal)?;
            let url = t.to_url().map_err(|e| internal(format!("otpauth address: {e:?}")))?;
            let grouped = f
                .secret
                .as_bytes()
                .chunks(4)
                .map(|g| String::from_utf8_lossy(g).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            OtpState::Enrolling { qr_svg: qr_svg(&url).unwrap_or_default(), secret: grouped }
        }
    };
    Ok(OtpPage { me: me(cx, c), state, fresh_codes, flash, form_key: random_token() })
}

/// Starts an enrolment: a new secret (160 random bits), shown as a QR code until confirmed.
pub async fn begin_enrolment(cx: &Cx, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin, Role::Assistant, Role::Recipient, Role::Representative])?;
    let secret = Secret::new_stack(random_bytes::<20>()?).to_base32();
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let at = crate::domain::clock::iso(chrono::Utc::now());
    if !db.begin_second_factor(c.tenant_id, c.user_id, &secret, &at).await.map_err(internal)? {
        return Ok(error(OTP_PAGE.into(), T::OtpAlreadyOn));
    }
    let audit = cx.audit_entry("otp.enrol", format!("user {}", c.user_id));
    commit(db, c.user_id, key, audit, notice(OTP_PAGE.into(), T::OtpBegun)).await
}

/// Confirms an enrolment with the first code from the app: the second factor is on, ten
/// recovery codes are made (shown once, on the next view of the page), and this session counts
/// as password with a code.
pub async fn confirm_enrolment(
    cx: &Cx,
    code: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin, Role::Assistant, Role::Recipient, Role::Representative])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(f) = db.second_factor(c.user_id).await.map_err(internal)?.filter(|f| !f.confirmed)
    else {
        return Ok(error(OTP_PAGE.into(), T::OtpAlreadyOn));
    };
    let Some(step) = step_of(&f.secret, code, now_unix().max(0) as u64) else {
        return Ok(error(OTP_PAGE.into(), T::OtpWrongCode));
    };
    let codes = new_recovery_codes()?;
    let hashes: Vec<String> = codes.iter().filter_map(|c| recovery_sha(c)).collect();
    let at = crate::domain::clock::iso(chrono::Utc::now());
    if !db.confirm_second_factor(c.user_id, step, &hashes, &at).await.map_err(internal)? {
        return Ok(error(OTP_PAGE.into(), T::OtpAlreadyOn));
    }
    let audit = cx.audit_entry("otp.enable", format!("user {}", c.user_id));
    let outcome = commit(db, c.user_id, key, audit, notice(OTP_PAGE.into(), T::OtpOn)).await?;
    let session = &cx.session;
    session.insert(SESSION_OTP_CODES, codes).await.map_err(internal)?;
    if cx.sign_in == SignIn::Password {
        session.insert(SESSION_SIGN_IN, SignIn::PasswordOtp).await.map_err(internal)?;
    }
    Ok(outcome)
}

/// Turns the second factor off, with a code from the app or a recovery code.
pub async fn remove(cx: &Cx, code: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin, Role::Assistant, Role::Recipient, Role::Representative])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(f) = db.second_factor(c.user_id).await.map_err(internal)? else {
        return Ok(notice(OTP_PAGE.into(), T::OtpOff));
    };
    if f.confirmed && !code_holds(&mut db, c.user_id, &f, code).await.map_err(internal)? {
        return Ok(error(OTP_PAGE.into(), T::OtpWrongCode));
    }
    db.remove_second_factor(c.user_id).await.map_err(internal)?;
    let audit = cx.audit_entry("otp.disable", format!("user {}", c.user_id));
    commit(db, c.user_id, key, audit, notice(OTP_PAGE.into(), T::OtpOff)).await
}

/// A code from the app (its step used once) or a recovery code (used once), inside `db`.
async fn code_holds(
    db: &mut Box<dyn store::Store>,
    user: i64,
    f: &store::SecondFactor,
    typed: &str,
) -> RepoResult<bool> {
    if let Some(step) = step_of(&f.secret, typed, now_unix().max(0) as u64) {
        return db.use_otp_step(user, step).await;
    }
    match recovery_sha(typed) {
        Some(sha) => {
            db.use_recovery_code(user, &sha, &crate::domain::clock::iso(chrono::Utc::now())).await
        }
        None => Ok(false),
    }
}

/// Whether an account signs in with a code after its password.
pub async fn enrolled(repo: &dyn Repo, user: i64) -> RepoResult<bool> {
    Ok(repo.read().await?.second_factor(user).await?.is_some_and(|f| f.confirmed))
}

/// The code after the password, in one transaction with its audit entry (`login.otp` or
/// `login.otp.failed`; never the code). An account no longer active is refused unaudited.
pub async fn check_login_code(
    repo: &dyn Repo,
    user: i64,
    typed: &str,
    client: Option<String>,
) -> RepoResult<bool> {
    let mut db = repo.write().await?;
    let Some(tenant) = db.caller(user).await?.map(|c| c.tenant_id) else { return Ok(false) };
    let ok = match db.second_factor(user).await?.filter(|f| f.confirmed) {
        Some(f) => code_holds(&mut db, user, &f, typed).await?,
        None => false,
    };
    db.audit(&AuditEntry {
        tenant: Some(tenant),
        user: Some(user),
        client,
        action: if ok { "login.otp" } else { "login.otp.failed" },
        subject: "login".into(),
        ..Default::default()
    })
    .await?;
    db.finish().await?;
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_holds_for_its_step_and_one_either_side_only() {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let t = totp(secret, "x").unwrap();
        let now = 1_800_000_000u64;
        let code = t.generate(now).to_string();
        assert_eq!(step_of(secret, &code, now), Some((now / STEP) as i64));
        let spaced = format!(" {} {} ", &code[..3], &code[3..]);
        assert_eq!(step_of(secret, &spaced, now + STEP), Some((now / STEP) as i64), "a step late");
        assert_eq!(step_of(secret, &code, now + 3 * STEP), None, "two steps later");
        assert_eq!(step_of(secret, "12345", now), None);
        assert_eq!(step_of(secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_compared_loosely() {
        let codes = new_recovery_codes().unwrap();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert_eq!(codes.iter().collect::<std::collections::HashSet<_>>().len(), RECOVERY_CODES);
        let c = &codes[0];
        assert_eq!(recovery_sha(c), recovery_sha(&c.to_lowercase().replace('-', " ")));
        assert_eq!(recovery_sha("ABC"), None);
    }
}
