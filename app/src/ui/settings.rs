//! The provider page: the municipality as anordnare (what the FK documents say about it), the
//! yearly standard hourly amounts, and the rule settings every check of the municipality uses.

use super::card::{input, problems};
use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::domain::settings::FieldError;
use crate::endpoints;
use crate::i18n::{Locale, T};
use crate::paths;
use leptos::prelude::*;

fn check(l: Locale, id: &'static str, label: T, checked: bool) -> impl IntoView {
    view! {
        <div class="check">
            <input type="checkbox" id=id name=id checked=checked />
            <label for=id>{l.t(label)}</label>
        </div>
    }
}

fn alert(l: Locale, e: &[FieldError]) -> impl IntoView + use<> {
    (!e.is_empty()).then(|| view! { <p class="alert" role="alert">{l.t(T::FormNotSaved)}</p> })
}

#[component]
pub fn ProviderPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_provider_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let (p, pe) = page.provider.clone();
                        let (r, re) = page.rate_form.clone();
                        let (lss, lsse) = page.lss_rate.clone();
                        let (s, se) = page.rules.clone();
                        let org_err = problems(&pe, "org_number", l);
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::ProviderTitle)}</h1>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                <section class="card" aria-labelledby="provider-title">
                                    <h2 id="provider-title">{l.t(T::ProviderFacts)}</h2>
                                    {alert(l, &pe)}
                                    <form method="post" action=paths::PROVIDER_SAVE class="stack" novalidate>
                                        <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                        {input(l, &pe, "name", "name", T::ProviderName, p.name.clone(), "text", None)}
                                        <div class="field">
                                            <label for="org_number">{l.t(T::OrgNumber)}</label>
                                            <input id="org_number" name="org_number" type="text" inputmode="numeric" value=p.org_number.clone()
                                                aria-invalid=org_err.is_some().to_string() aria-describedby="err-org_number" />
                                            <p class="field-error" id="err-org_number">{org_err.clone()}</p>
                                        </div>
                                        {input(l, &pe, "contact_person", "contact_person", T::ContactPerson, p.contact_person.clone(), "text", None)}
                                        {input(l, &pe, "provider_phone", "phone", T::Phone, p.phone.clone(), "tel", None)}
                                        {check(l, "f_skatt", T::FSkatt, p.f_skatt)}
                                        {input(l, &pe, "ivo_permit", "ivo_permit", T::IvoPermit, p.ivo_permit.clone(), "text", Some(T::IvoPermitHint))}
                                        <button type="submit" class="primary">{l.t(T::Save)}</button>
                                    </form>
                                </section>
                                <section class="card" aria-labelledby="rates-title">
                                    <h2 id="rates-title">{l.t(T::RatesTitle)}</h2>
                                    <p class="muted">{l.t(T::RatesHint)}</p>
                                    <ul class="rates">
                                        {page.rates.iter().map(|(y, a)| view! { <li><strong>{*y}</strong> ": " {format!("{a} kr")}</li> }).collect_view()}
                                    </ul>
                                    {alert(l, &re)}
                                    <form method="post" action=paths::RATE_SET class="stack" novalidate>
                                        <FormKeys csrf=csrf.clone() />
                                        {input(l, &re, "rate_year", "year", T::Year, r.year.clone(), "numeric", None)}
                                        {input(l, &re, "rate_amount", "amount", T::RateAmount, r.amount.clone(), "decimal", Some(T::RateAmountHint))}
                                        <button type="submit">{l.t(T::SaveRate)}</button>
                                    </form>
                                    <h3 id="lss-rate-title">{l.t(T::LssRateTitle)}</h3>
                                    <p class="muted">{l.t(T::LssRateHint)}</p>
                                    {alert(l, &lsse)}
                                    <form method="post" action=paths::LSS_RATE_SET class="stack" novalidate aria-labelledby="lss-rate-title">
                                        <FormKeys csrf=csrf.clone() />
                                        {input(l, &lsse, "lss_amount", "amount", T::LssRateAmount, lss.amount.clone(), "decimal", Some(T::RateAmountHint))}
                                        <button type="submit">{l.t(T::SaveLssRate)}</button>
                                    </form>
                                </section>
                                <section class="card" aria-labelledby="rules-title">
                                    <h2 id="rules-title">{l.t(T::RulesTitle)}</h2>
                                    <p class="muted">{l.t(T::RulesHint)}</p>
                                    {alert(l, &se)}
                                    <form method="post" action=paths::RULES_SAVE class="stack" novalidate>
                                        <FormKeys csrf=csrf.clone() />
                                        {input(l, &se, "daily_rest", "daily_rest", T::RuleDailyRest, s.daily_rest.clone(), "decimal", None)}
                                        {input(l, &se, "weekly_rest", "weekly_rest", T::RuleWeeklyRest, s.weekly_rest.clone(), "decimal", None)}
                                        {input(l, &se, "max_shift", "max_shift", T::RuleMaxShift, s.max_shift.clone(), "decimal", None)}
                                        {input(l, &se, "max_shift_by_decision", "max_shift_by_decision", T::RuleMaxShiftByDecision, s.max_shift_by_decision.clone(), "decimal", None)}
                                        {input(l, &se, "max_active_pass", "max_active_pass", T::RuleMaxActivePass, s.max_active_pass.clone(), "decimal", None)}
                                        {input(l, &se, "grant_warn_percent", "grant_warn_percent", T::RuleGrantWarn, s.grant_warn_percent.clone(), "numeric", None)}
                                        {input(l, &se, "max_hospital_days", "max_hospital_days", T::RuleHospitalDays, s.max_hospital_days.clone(), "numeric", None)}
                                        {check(l, "beredskap_is_work", T::RuleBeredskapIsWork, s.beredskap_is_work)}
                                        {check(l, "shift_counts_beredskap", T::RuleShiftCountsBeredskap, s.shift_counts_beredskap)}
                                        {check(l, "working_time_errors", T::RuleWorkingTimeErrors, s.working_time_errors)}
                                        <button type="submit">{l.t(T::SaveRules)}</button>
                                    </form>
                                </section>
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// The municipality's sign-in: its identity providers (OpenID Connect; never their secrets),
/// its short sign-in address, whether passwords are allowed and what needs e-legitimation.
#[component]
pub fn IdentityPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_identity_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let (t, e) = (page.typed.clone(), page.errors.clone());
                        let s = page.strong_for;
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::IdentityTitle)}</h1>
                                <p class="muted">{l.t(T::IdentityHint)}</p>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                <section class="card" aria-labelledby="providers-title">
                                    <h2 id="providers-title">{l.t(T::IdProviders)}</h2>
                                    {page.providers.is_empty().then(|| view! { <p>{l.t(T::IdNoProviders)}</p> })}
                                    <ul role="list" class="stack">
                                        {page.providers.iter().map(|p| view! {
                                            <li>
                                                <strong>{p.name.clone()}</strong> " — " <code>{p.issuer.clone()}</code>
                                                <br />{l.t(T::IdClientId)} ": " <code>{p.client_id.clone()}</code>
                                                ", " {l.t(T::IdScopes)} ": " {p.scopes.clone()}
                                                {(!p.pnr_claim.is_empty()).then(|| view! { <br />{l.t(T::IdPnrClaim)} ": " <code>{p.pnr_claim.clone()}</code> })}
                                                {(!p.email_claim.is_empty()).then(|| view! { <br />{l.t(T::IdEmailClaim)} ": " <code>{p.email_claim.clone()}</code> })}
                                                {(!p.strong_acr.is_empty()).then(|| view! { <br />{l.t(T::IdStrongAcr)} ": " <code>{p.strong_acr.clone()}</code> })}
                                                <form method="post" action=paths::IDENTITY_PROVIDER_REMOVE>
                                                    <FormKeys csrf=csrf.clone() />
                                                    <input type="hidden" name="id" value=p.id.to_string() />
                                                    <button type="submit">{l.t(T::IdRemove)} " " {p.name.clone()}</button>
                                                </form>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    <p>{l.t(T::IdCallback)} " " <code>{page.callback.clone()}</code></p>
                                    <h3 id="provider-add">{l.t(T::IdAdd)}</h3>
                                    {alert(l, &e)}
                                    <form method="post" action=paths::IDENTITY_PROVIDER_ADD class="stack" novalidate aria-labelledby="provider-add">
                                        <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                        {input(l, &e, "idp_name", "name", T::IdProviderName, t.name.clone(), "text", None)}
                                        {input(l, &e, "idp_issuer", "issuer", T::IdIssuer, t.issuer.clone(), "url", None)}
                                        {input(l, &e, "idp_client_id", "client_id", T::IdClientId, t.client_id.clone(), "text", None)}
                                        {input(l, &e, "idp_client_secret", "client_secret", T::IdClientSecret, String::new(), "password", Some(T::IdClientSecretHint))}
                                        {input(l, &e, "idp_scopes", "scopes", T::IdScopes, t.scopes.clone(), "text", None)}
                                        {input(l, &e, "idp_pnr_claim", "pnr_claim", T::IdPnrClaim, t.pnr_claim.clone(), "text", Some(T::IdPnrClaimHint))}
                                        {input(l, &e, "idp_email_claim", "email_claim", T::IdEmailClaim, t.email_claim.clone(), "text", None)}
                                        {input(l, &e, "idp_strong_acr", "strong_acr", T::IdStrongAcr, t.strong_acr.clone(), "text", Some(T::IdStrongAcrHint))}
                                        <button type="submit" class="primary">{l.t(T::IdAdd)}</button>
                                    </form>
                                </section>
                                <section class="card" aria-labelledby="identity-settings">
                                    <h2 id="identity-settings">{l.t(T::IdSettings)}</h2>
                                    <form method="post" action=paths::IDENTITY_SETTINGS class="stack" novalidate>
                                        <FormKeys csrf=csrf.clone() />
                                        {input(l, &[], "login_slug", "slug", T::IdSlug, page.slug.clone(), "text", Some(T::IdSlugHint))}
                                        {check(l, "password_login", T::IdPasswordLogin, page.password_login)}
                                        <fieldset>
                                            <legend>{l.t(T::IdStrongFor)}</legend>
                                            {check(l, "strong_admin", T::StrongAdmin, s.admin)}
                                            {check(l, "strong_personnummer", T::StrongPnr, s.personnummer)}
                                            {check(l, "strong_health", T::StrongHealth, s.health)}
                                            {check(l, "strong_signing", T::StrongSigning, s.signing)}
                                            {check(l, "strong_attestation", T::StrongAttestation, s.attestation)}
                                        </fieldset>
                                        <button type="submit">{l.t(T::IdSaveSettings)}</button>
                                    </form>
                                </section>
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
