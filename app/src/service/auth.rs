//! The writes of signing in: the throttle of failed logins (per username and per client
//! address), a login's and a confirmation's outcome with its audit entry, an invitation used,
//! and the summaries of refused attempts. Each is one transaction. The password hashing and
//! the session are the server's (`server::auth`).

use super::context::{
    ApiState, INVITE_MESSAGES, INVITE_MSG_COOKIE, LOGIN_CSRF_COOKIE, LOGIN_MESSAGES,
    LOGIN_MSG_COOKIE, RequestFlash, cookie_value, internal, is_token, now_unix,
};
use crate::domain::settings::MAX_USERNAME;
use crate::i18n::T;
use crate::model::*;
use leptos::prelude::use_context;
use store::{AuditEntry, Repo, RepoResult, Throttle};

/// How failed logins are throttled for one key: this many are free, then each further one
/// doubles the wait (1 s, 2 s, 4 s … at most 5 min), and at `lock_at` the key is locked.
#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    pub free: i64,
    pub lock_at: i64,
}

/// Per username: a person who forgot their password gets a few tries, a guesser very few.
pub const PER_USERNAME: ThrottlePolicy = ThrottlePolicy { free: 3, lock_at: 10 };
/// Per client address: generous, since many people may share one address (a municipality's NAT).
pub const PER_CLIENT: ThrottlePolicy = ThrottlePolicy { free: 30, lock_at: 100 };
/// How long a locked key stays locked.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// Failures older than this are forgotten.
const FORGET_AFTER: i64 = 24 * 3600;

impl ThrottlePolicy {
    /// The counter after one more failure at `now`. Time is counted in whole seconds, and an
    /// attempt late in a second is counted at its start, so a wait ends one second after the
    /// wait from `now`: never sooner than said (a burst spread over a second's boundary once
    /// got a fifth guess through a "1 s" wait that had lasted a few milliseconds).
    pub fn fail(self, t: Throttle, now: i64) -> Throttle {
        let failures = t.failures + 1;
        let wait = if failures >= self.lock_at {
            LOCK_SECONDS
        } else if failures > self.free {
            (1i64 << (failures - self.free - 1).min(8)).min(300)
        } else {
            0
        };
        let blocked_until = if wait > 0 { now + wait + 1 } else { 0 };
        Throttle { failures, blocked_until }
    }
}

/// An attempt's place in the throttle, taken before its password is checked.
pub enum Reserved {
    /// A counter is blocked: the attempt was counted as refused, its password never looked at.
    Blocked,
    /// The attempt counts as a failure until its password proves right; the counters after it.
    Counted(Throttle, Throttle),
}

/// Takes an attempt's place in the throttle, in one write transaction: a blocked counter
/// refuses it; otherwise it is counted as a failure *before* its password is checked, so
/// attempts in flight count and a burst sent together gets no more guesses than attempts sent
/// one after another (the write lock orders them). A right password takes its failure back.
pub async fn reserve(
    repo: &dyn Repo,
    keys: &[(&str, ThrottlePolicy)],
    now: i64,
) -> RepoResult<Reserved> {
    let mut db = repo.write().await?;
    let mut counters = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        counters.push(fresh(db.throttle(key).await?, now));
    }
    let blocked: Vec<&str> = keys
        .iter()
        .zip(&counters)
        .filter(|(_, t)| t.blocked_until > now)
        .map(|((k, _), _)| *k)
        .collect();
    if !blocked.is_empty() {
        for key in blocked {
            db.note_refused(key, now).await?;
        }
        db.finish().await?;
        return Ok(Reserved::Blocked);
    }
    let mut after = Vec::with_capacity(keys.len());
    for ((key, policy), t) in keys.iter().zip(counters) {
        let t = policy.fail(t, now);
        db.set_throttle(key, t, now).await?;
        after.push(t);
    }
    db.finish().await?;
    let user = after.first().copied().unwrap_or_default();
    Ok(Reserved::Counted(user, after.get(1).copied().unwrap_or_default()))
}

/// A counter whose last block ended over a day ago starts again.
fn fresh(t: Throttle, now: i64) -> Throttle {
    if now - t.blocked_until > FORGET_AFTER && t.blocked_until > 0 {
        Throttle::default()
    } else {
        t
    }
}

/// A login's outcome, in one transaction with its audit entry: a right password takes its
/// reservation back (the user's failures are forgotten, the address's count goes back to what
/// it was before this attempt); a wrong one stays counted.
pub async fn login_outcome(
    repo: &dyn Repo,
    ok: bool,
    user_key: &str,
    client_key: &str,
    client_before: Throttle,
    now: i64,
    entry: AuditEntry,
) -> RepoResult<()> {
    let mut db = repo.write().await?;
    if ok {
        db.clear_throttle(user_key).await?;
        let c = db.throttle(client_key).await?;
        db.set_throttle(
            client_key,
            Throttle {
                failures: (c.failures - 1).max(0),
                blocked_until: c.blocked_until.min(client_before.blocked_until),
            },
            now,
        )
        .await?;
    }
    db.audit(&entry).await?;
    db.finish().await
}

/// A confirmation's right password forgets the key's failures.
pub async fn forget_failures(repo: &dyn Repo, key: &str) -> RepoResult<()> {
    let mut db = repo.write().await?;
    db.clear_throttle(key).await?;
    db.finish().await
}

/// Uses an open invitation: the password is set and the link stops working, with its audit
/// entry, in one transaction. False when the link was used or replaced meanwhile.
pub async fn use_invitation(
    repo: &dyn Repo,
    invitation: i64,
    user: i64,
    hash: &str,
    now: i64,
    entry: AuditEntry,
) -> RepoResult<bool> {
    let mut db = repo.write().await?;
    if !db.use_invitation(invitation, user, hash, now).await? {
        return Ok(false);
    }
    db.audit(&entry).await?;
    db.finish().await?;
    Ok(true)
}

/// Writes one audit entry per counter with attempts refused while it was blocked ("login.
/// throttled": how many, since when), instead of one entry per attempt: an anonymous burst
/// cannot grow the append-only log. Runs every 15 minutes.
pub async fn summarise_refused(repo: &dyn Repo) -> RepoResult<usize> {
    let pending = repo.read().await?.refused_attempts().await?;
    for (key, n, since) in &pending {
        let mut db = repo.write().await?;
        let (tenant, user, actor, client) = match key.split_once(':') {
            Some(("user", name)) => {
                let who = db.login_user(name).await?;
                (who.map(|w| w.0), who.map(|w| w.1), Some(name.to_string()), None)
            }
            Some(("client", addr)) => (None, None, None, Some(addr.to_string())),
            _ => (None, None, None, None),
        };
        let since =
            chrono::DateTime::from_timestamp(*since, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
        let after = serde_json::json!({ "refused": n, "since": since, "counter": key.split(':').next().unwrap_or_default() }).to_string();
        db.audit(&AuditEntry {
            tenant,
            user,
            actor,
            client,
            action: "login.throttled",
            subject: "login".into(),
            after: Some(after),
            ..Default::default()
        })
        .await?;
        db.summarised(key, *n).await?;
        db.finish().await?;
    }
    Ok(pending.len())
}

/// The invitation page: whether the link is open, and the message of a refused choice.
pub async fn invitation_page(code: &str) -> Result<InvitationPage, PageError> {
    let state = use_context::<ApiState>().ok_or(PageError::Internal)?;
    let parts = use_context::<axum::http::request::Parts>();
    let header = parts
        .as_ref()
        .and_then(|p| p.headers.get(axum::http::header::COOKIE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let error = cookie_value(&header, INVITE_MSG_COOKIE)
        .and_then(|v| v.parse::<usize>().ok())
        .and_then(|i| INVITE_MESSAGES.get(i).copied());
    if error.is_some()
        && let (Some(r), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(
                &state.settings.cookies.removed(INVITE_MSG_COOKIE, "/inbjudan"),
            ),
        )
    {
        r.append_header(axum::http::header::SET_COOKIE, v);
    }
    let (mut username, mut providers) = (None, vec![]);
    if is_token(code) {
        let sha = crate::domain::fk::sha256_hex(code.as_bytes());
        let mut db = state.repo.read().await.map_err(internal)?;
        if let Some((_, tenant, _, u)) =
            db.open_invitation(&sha, now_unix()).await.map_err(internal)?
        {
            username = Some(u);
            // The municipality's providers: the invited person may link their e-legitimation
            // instead of choosing a password.
            providers = db
                .identity_providers(tenant)
                .await
                .map_err(internal)?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect();
        }
    }
    Ok(InvitationPage {
        username,
        providers,
        code: if is_token(code) { code.to_string() } else { String::new() },
        error,
    })
}

/// The login page's data: its CSRF token (a new cookie when there is none) and the message of
/// a refused login (its cookie cleared). Made once per request.
pub async fn login_page() -> Result<LoginPage, PageError> {
    match use_context::<RequestFlash>() {
        Some(cell) => Ok(cell.1.get_or_init(make_login_page).await.clone()),
        None => Ok(make_login_page().await),
    }
}

pub(super) async fn make_login_page() -> LoginPage {
    let cookies = use_context::<ApiState>().map(|s| s.settings.cookies).unwrap_or_default();
    let header = use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(axum::http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let response = use_context::<leptos_axum::ResponseOptions>();
    let set_cookie = |v: String| {
        if let (Some(r), Ok(v)) = (&response, axum::http::HeaderValue::from_str(&v)) {
            r.append_header(axum::http::header::SET_COOKIE, v);
        }
    };
    let csrf = match cookie_value(&header, LOGIN_CSRF_COOKIE).filter(|t| is_token(t)) {
        Some(t) => t.to_string(),
        None => {
            let t = random_token();
            set_cookie(cookies.login_csrf(&t));
            t
        }
    };
    let (mut error, mut notice, mut username) = (None, None, String::new());
    if let Some(v) = cookie_value(&header, LOGIN_MSG_COOKIE) {
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(v).unwrap_or_default();
        for (k, v) in fields {
            match k.as_str() {
                "e" => match v.parse::<usize>().ok().and_then(|i| LOGIN_MESSAGES.get(i).copied()) {
                    Some(T::PasswordSet) => notice = Some(T::PasswordSet),
                    other => error = other,
                },
                "u" => username = v.chars().take(MAX_USERNAME).collect(),
                _ => {}
            }
        }
        set_cookie(cookies.removed(LOGIN_MSG_COOKIE, "/logga-in"));
    }
    let (choices, step_up) = login_choices().await;
    let code = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.uri.query().map(|q| q.split('&').any(|kv| kv == "kod=1")))
        .unwrap_or(false);
    LoginPage { error, notice, username, csrf, choices, step_up, code }
}

/// A path on this site to return to (`/…`, never `//…` or another site), at most 300 bytes.
pub fn local_path(p: &str) -> Option<String> {
    (p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && p.len() <= 300
        && p.chars().all(|c| c.is_ascii_graphic()))
    .then(|| p.to_string())
}

/// The sign-in page's ways in: `/logga-in/<slug>` offers that municipality's identity
/// providers (and the password form where it allows it); `/logga-in?till=<path>` for a
/// signed-in person asks them to step up with their own municipality's providers; plain
/// `/logga-in` offers the picker of municipalities and the password form.
async fn login_choices() -> (LoginChoices, Option<String>) {
    let (Some(state), Some(parts)) =
        (use_context::<ApiState>(), use_context::<axum::http::request::Parts>())
    else {
        return (LoginChoices { password: true, ..Default::default() }, None);
    };
    let slug = parts
        .uri
        .path()
        .strip_prefix("/logga-in/")
        .filter(|s| !s.is_empty() && s.len() <= 40)
        .map(str::to_string);
    let query: Vec<(String, String)> =
        serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    let till = query.iter().find(|(k, _)| k == "till").and_then(|(_, v)| local_path(v));
    let mut tenant = None;
    if till.is_some()
        && let Ok(cx) = super::context::Cx::of_parts(&state, &parts).await
    {
        tenant = cx.caller.map(|c| c.tenant_id);
    }
    let choices = super::identity::login_choices(&*state.repo, slug.as_deref(), tenant)
        .await
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "sign-in choices");
            LoginChoices { password: true, ..Default::default() }
        });
    (choices, tenant.and(till))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_back_off_exponentially_then_lock() {
        let mut t = Throttle::default();
        let mut waits = vec![];
        for _ in 0..PER_USERNAME.lock_at {
            t = PER_USERNAME.fail(t, 1000);
            waits.push(t.blocked_until.saturating_sub(1000).max(0));
        }
        assert_eq!(waits, vec![0, 0, 0, 2, 3, 5, 9, 17, 33, LOCK_SECONDS + 1]);
    }

    /// An attempt at 1000.999 s is counted at 1000: its wait must still last the whole wait.
    #[test]
    fn a_wait_is_never_shorter_than_said_though_counted_in_whole_seconds() {
        let mut t = Throttle::default();
        for _ in 0..=PER_USERNAME.free {
            t = PER_USERNAME.fail(t, 1000);
        }
        // The fourth failure waits 1 s: an attempt in the next second (perhaps a millisecond
        // later) is still blocked, one a whole second later is not.
        assert!(t.blocked_until > 1001);
        assert!(t.blocked_until <= 1002);
    }
}
