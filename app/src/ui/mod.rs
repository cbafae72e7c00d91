//! Pages and components per role, mobile first. Pages render on the server; only islands
//! (the add-row form) run in the browser.
//!
//! A page loads its data in a `Suspend` given to `<Suspense>` as it is, never made by a
//! closure (`{move || Suspend::new(…)}`): on the server `Suspense` walks its children twice
//! before rendering them (`dry_resolve`, to find pending loads), and a closure is called again
//! on each walk, so every view started its data load three times and dropped two (three session
//! loads per month page, measured). A `Suspend` itself is polled on and kept.

mod account;
mod admin;
mod api;
mod assistant;
mod benchmark;
mod card;
mod export;
mod import;
mod layout;
mod login;
mod month;
mod recipient;
mod register;
pub(crate) mod schedule;
mod settings;

use crate::i18n::{Locale, T};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

pub use layout::{
    AttestForm, Download, FlashMessages, FormKeys, Layout, MonthNav, PageFailure, Pager, SearchForm,
};

/// The HTML document around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang=locale.code()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href="/pkg/bita.css" />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = request_locale();
    provide_context(locale);
    view! {
        <Title text=locale.t(T::AppName) />
        <Router>
            <Routes fallback=move || view! { <Layout me=None><h1>{locale.t(T::NotFound)}</h1></Layout> }>
                <Route path=path!("/logga-in") view=login::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/logga-in/:kommun") view=login::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/assistent") view=assistant::AssistantPage ssr=SsrMode::Async />
                <Route path=path!("/brukare") view=recipient::RecipientStartPage ssr=SsrMode::Async />
                <Route path=path!("/brukare/granska") view=recipient::RecipientReviewPage ssr=SsrMode::Async />
                <Route path=path!("/brukare/rakning") view=recipient::ClaimPageView ssr=SsrMode::Async />
                <Route path=path!("/admin/rakning") view=recipient::ClaimPageView ssr=SsrMode::Async />
                <Route path=path!("/admin/logg") view=recipient::AuditLogPage ssr=SsrMode::Async />
                <Route path=path!("/admin") view=admin::AdminPage ssr=SsrMode::Async />
                <Route path=path!("/admin/assistenter") view=register::AssistantsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/assistent") view=register::AssistantFormPage ssr=SsrMode::Async />
                <Route path=path!("/inbjudan") view=register::InvitationPage ssr=SsrMode::Async />
                <Route path=path!("/admin/brukarregister") view=register::RecipientsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/brukarkort") view=register::RecipientFormPage ssr=SsrMode::Async />
                <Route path=path!("/admin/anordnare") view=settings::ProviderPage ssr=SsrMode::Async />
                <Route path=path!("/admin/jamforelse") view=benchmark::BenchmarkPage ssr=SsrMode::Async />
                <Route path=path!("/admin/api") view=api::ApiTokensPage ssr=SsrMode::Async />
                <Route path=path!("/admin/inloggning") view=settings::IdentityPage ssr=SsrMode::Async />
                <Route path=path!("/konto/tvastegs") view=account::OtpPageView ssr=SsrMode::Async />
                <Route path=path!("/admin/import") view=import::ImportPage ssr=SsrMode::Async />
                <Route path=path!("/admin/export") view=export::ExportPageView ssr=SsrMode::Async />
                <Route path=path!("/verifiera") view=export::VerifyPageView ssr=SsrMode::Async />
                <Route path=path!("/schema") view=schedule::SchedulesView ssr=SsrMode::Async />
                <Route path=path!("/schema/brukare") view=schedule::ScheduleView ssr=SsrMode::Async />
                <Route path=path!("/admin/arbetsledare") view=schedule::WorkLeadersView ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}

/// Where the page's Content-Security-Policy is also left for the server's guard, which puts it
/// on the response if the response arrives without it. leptos_axum now and then answers a page
/// without the headers the page set in its `ResponseOptions` (seen in Chromium as a page whose
/// scripts were all blocked by the guard's default policy); this slot does not depend on them.
/// The guard puts an empty one in every request's extensions.
#[cfg(feature = "ssr")]
#[derive(Clone, Default)]
pub struct PagePolicy(pub std::sync::Arc<std::sync::OnceLock<axum::http::HeaderValue>>);

/// A page's Content-Security-Policy: scripts only from this site or with this response's
/// nonce (the islands' inline loader), wasm compiled, nothing framed, forms only to this site.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let Ok(v) = axum::http::HeaderValue::from_str(&csp) else { return };
    if let Some(slot) = use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<PagePolicy>().cloned())
    {
        let _ = slot.0.set(v.clone());
    }
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, v);
    }
}

/// The language of this request: the `bita_lang` cookie, else Swedish.
pub fn request_locale() -> Locale {
    if let Some(l) = use_context::<Locale>() {
        return l;
    }
    #[cfg(feature = "ssr")]
    {
        use_context::<axum::http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(axum::http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::default()
    }
}

/// The `manad` query parameter, as typed.
pub fn month_query() -> Option<String> {
    leptos_router::hooks::use_query_map().read_untracked().get("manad")
}
