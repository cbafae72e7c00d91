//! Sign-in with OpenID providers (issue 26): a municipality's providers and sign-in settings,
//! and the links between a provider's subjects and BITA's accounts.

use super::DbStore;
use super::err;
use super::sql::{Row, query};
use async_trait::async_trait;
use engine::people::StrongFor;
use store::{IdentityProvider, IdentityStore, LinkedBy, LoginSettings, RepoResult, SecondFactor};

const SETTINGS: &str = "SELECT id, name, login_slug, password_login, strong_for FROM tenants";
const PROVIDERS: &str = "SELECT id, tenant_id, name, issuer, client_id, client_secret, scopes, pnr_claim, email_claim, strong_acr FROM identity_providers";

fn settings(r: &Row) -> LoginSettings {
    LoginSettings {
        tenant_id: r.get("id"),
        name: r.get("name"),
        slug: r.get("login_slug"),
        password_login: r.get("password_login"),
        strong_for: StrongFor::parse(r.get("strong_for")),
    }
}

fn provider(r: &Row) -> IdentityProvider {
    IdentityProvider {
        id: r.get("id"),
        tenant_id: r.get("tenant_id"),
        name: r.get("name"),
        issuer: r.get("issuer"),
        client_id: r.get("client_id"),
        client_secret: r.get("client_secret"),
        scopes: r.get("scopes"),
        pnr_claim: r.get("pnr_claim"),
        email_claim: r.get("email_claim"),
        strong_acr: r.get("strong_acr"),
    }
}

#[async_trait]
impl IdentityStore for DbStore {
    async fn login_settings_by_slug(&mut self, slug: &str) -> RepoResult<Option<LoginSettings>> {
        let r = query(format!("{SETTINGS} WHERE login_slug = $1"))
            .bind(slug)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().map(settings))
    }

    async fn login_settings(&mut self, tenant: i64) -> RepoResult<Option<LoginSettings>> {
        let r = query(format!("{SETTINGS} WHERE id = $1"))
            .bind(tenant)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().map(settings))
    }

    async fn login_slugs(&mut self) -> RepoResult<Vec<(String, String)>> {
        query(
            "SELECT t.login_slug, t.name FROM tenants t WHERE t.login_slug IS NOT NULL
               AND EXISTS (SELECT 1 FROM identity_providers p WHERE p.tenant_id = t.id AND p.removed_at IS NULL)
             ORDER BY t.name",
        )
            .all_as(self.c())
            .await
            .map_err(err)
    }

    async fn save_login_settings(&mut self, s: &LoginSettings) -> RepoResult<()> {
        query("UPDATE tenants SET login_slug = $1, password_login = $2, strong_for = $3 WHERE id = $4")
            .bind(s.slug.clone())
            .bind(s.password_login)
            .bind(s.strong_for.codes())
            .bind(s.tenant_id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn identity_providers(&mut self, tenant: i64) -> RepoResult<Vec<IdentityProvider>> {
        let rows =
            query(format!("{PROVIDERS} WHERE tenant_id = $1 AND removed_at IS NULL ORDER BY id"))
                .bind(tenant)
                .fetch_all(self.c())
                .await
                .map_err(err)?;
        Ok(rows.iter().map(provider).collect())
    }

    async fn identity_provider(&mut self, id: i64) -> RepoResult<Option<IdentityProvider>> {
        let r = query(format!("{PROVIDERS} WHERE id = $1 AND removed_at IS NULL"))
            .bind(id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().map(provider))
    }

    async fn add_identity_provider(&mut self, p: &IdentityProvider) -> RepoResult<i64> {
        query("INSERT INTO identity_providers (tenant_id, name, issuer, client_id, client_secret, scopes, pnr_claim, email_claim, strong_acr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(p.tenant_id)
            .bind(p.name.as_str())
            .bind(p.issuer.as_str())
            .bind(p.client_id.as_str())
            .bind(p.client_secret.as_str())
            .bind(p.scopes.as_str())
            .bind(p.pnr_claim.as_str())
            .bind(p.email_claim.as_str())
            .bind(p.strong_acr.as_str())
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn remove_identity_provider(
        &mut self,
        tenant: i64,
        id: i64,
        at: &str,
    ) -> RepoResult<bool> {
        // Removed, not deleted: the signatures it verified name its issuer. Its (issuer,
        // client) may be added again later.
        let n = query("UPDATE identity_providers SET removed_at = $1, client_id = client_id || '#' || CAST(id AS TEXT) WHERE tenant_id = $2 AND id = $3 AND removed_at IS NULL")
            .bind(at)
            .bind(tenant)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(n == 1)
    }

    async fn linked_user(
        &mut self,
        tenant: i64,
        issuer: &str,
        subject: &str,
    ) -> RepoResult<Option<i64>> {
        query("SELECT l.user_id FROM identity_links l JOIN users u ON u.id = l.user_id WHERE l.tenant_id = $1 AND l.issuer = $2 AND l.subject = $3 AND u.active = TRUE")
            .bind(tenant)
            .bind(issuer)
            .bind(subject)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn users_by_personnummer(&mut self, tenant: i64, pnr: &str) -> RepoResult<Vec<i64>> {
        query(
            "SELECT u.id FROM users u
               LEFT JOIN assistants a ON a.id = u.assistant_id AND u.role = 'assistant'
               LEFT JOIN recipients r ON r.id = u.recipient_id AND u.role = 'recipient'
             WHERE u.tenant_id = $1 AND u.active = TRUE AND u.role <> 'admin'
               AND (a.personnummer = $2 OR r.personnummer = $2 OR (u.role = 'representative' AND u.personnummer = $2))
             ORDER BY u.id",
        )
        .bind(tenant)
        .bind(pnr)
        .scalars(self.c())
        .await
        .map_err(err)
    }

    async fn staff_by_email(&mut self, tenant: i64, email: &str) -> RepoResult<Vec<i64>> {
        query("SELECT id FROM users WHERE tenant_id = $1 AND active = TRUE AND role = 'admin' AND email <> '' AND LOWER(email) = LOWER($2) ORDER BY id")
            .bind(tenant)
            .bind(email)
            .scalars(self.c())
            .await
            .map_err(err)
    }

    async fn link_identity(
        &mut self,
        tenant: i64,
        user: i64,
        issuer: &str,
        subject: &str,
        how: LinkedBy,
        at: &str,
    ) -> RepoResult<()> {
        query("INSERT INTO identity_links (tenant_id, user_id, issuer, subject, linked_at, how) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(tenant)
            .bind(user)
            .bind(issuer)
            .bind(subject)
            .bind(at)
            .bind(how.code())
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn own_personnummer(&mut self, tenant: i64, user: i64) -> RepoResult<Option<String>> {
        let pnr: Option<Option<String>> = query(
            "SELECT COALESCE(a.personnummer, r.personnummer, u.personnummer) FROM users u
               LEFT JOIN assistants a ON a.id = u.assistant_id AND u.role = 'assistant'
               LEFT JOIN recipients r ON r.id = u.recipient_id AND u.role = 'recipient'
             WHERE u.tenant_id = $1 AND u.id = $2",
        )
        .bind(tenant)
        .bind(user)
        .scalar_optional(self.c())
        .await
        .map_err(err)?;
        Ok(pnr.flatten().filter(|p| !p.is_empty()))
    }

    async fn invitation_user(
        &mut self,
        tenant: i64,
        sha: &str,
        now: i64,
    ) -> RepoResult<Option<(i64, i64)>> {
        query("SELECT i.id, i.user_id FROM invitations i JOIN users u ON u.id = i.user_id WHERE i.tenant_id = $1 AND i.token_sha256 = $2 AND i.used_at IS NULL AND i.expires_at > $3 AND u.active = TRUE")
            .bind(tenant)
            .bind(sha)
            .bind(now)
            .optional_as(self.c())
            .await
            .map_err(err)
    }

    async fn close_invitation(&mut self, id: i64, now: i64) -> RepoResult<bool> {
        let n = query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(n == 1)
    }

    async fn second_factor(&mut self, user: i64) -> RepoResult<Option<SecondFactor>> {
        let r =
            query("SELECT secret, confirmed_at, last_step FROM second_factors WHERE user_id = $1")
                .bind(user)
                .fetch_optional(self.c())
                .await
                .map_err(err)?;
        Ok(r.map(|r| SecondFactor {
            secret: r.get("secret"),
            confirmed: r.get::<Option<String>, _>("confirmed_at").is_some(),
            last_step: r.get("last_step"),
        }))
    }

    async fn begin_second_factor(
        &mut self,
        tenant: i64,
        user: i64,
        secret: &str,
        at: &str,
    ) -> RepoResult<bool> {
        let n = query(
            "INSERT INTO second_factors (user_id, tenant_id, secret, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at
             WHERE second_factors.confirmed_at IS NULL",
        )
        .bind(user)
        .bind(tenant)
        .bind(secret)
        .bind(at)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n > 0)
    }

    async fn confirm_second_factor(
        &mut self,
        user: i64,
        step: i64,
        recovery: &[String],
        at: &str,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE second_factors SET confirmed_at = $1, last_step = $2 WHERE user_id = $3 AND confirmed_at IS NULL",
        )
        .bind(at)
        .bind(step)
        .bind(user)
        .execute(self.c())
        .await
        .map_err(err)?;
        if n == 0 {
            return Ok(false);
        }
        query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        for sha in recovery {
            query("INSERT INTO recovery_codes (user_id, code_sha256) VALUES ($1, $2)")
                .bind(user)
                .bind(sha.as_str())
                .execute(self.c())
                .await
                .map_err(err)?;
        }
        Ok(true)
    }

    async fn use_otp_step(&mut self, user: i64, step: i64) -> RepoResult<bool> {
        let n = query(
            "UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1 AND confirmed_at IS NOT NULL",
        )
        .bind(step)
        .bind(user)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n > 0)
    }

    async fn use_recovery_code(&mut self, user: i64, sha: &str, at: &str) -> RepoResult<bool> {
        let n = query(
            "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_sha256 = $3 AND used_at IS NULL",
        )
        .bind(at)
        .bind(user)
        .bind(sha)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n > 0)
    }

    async fn recovery_codes_left(&mut self, user: i64) -> RepoResult<i64> {
        query("SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
            .bind(user)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn remove_second_factor(&mut self, user: i64) -> RepoResult<bool> {
        query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        let n = query("DELETE FROM second_factors WHERE user_id = $1")
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(n > 0)
    }
}
