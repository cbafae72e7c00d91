//! The frame every page shares: skip link, banner with language switch and logout, main.

use crate::domain::ReportMonth;
use crate::i18n::{Locale, T};
use crate::model::{Me, PageError};
use crate::paths;
use leptos::prelude::*;

/// The hidden fields every form carries: the session's CSRF token and a fresh idempotency key
/// (a replayed post with the same key changes nothing).
#[component]
pub fn FormKeys(csrf: String, #[prop(optional)] key: Option<String>) -> impl IntoView {
    let key = key.unwrap_or_else(crate::model::new_form_key);
    view! {
        <input type="hidden" name="csrf" value=csrf />
        <input type="hidden" name="idem" value=key />
    }
}

/// Attesting one approved month, on the dashboard and on the work leader's follow-up: the
/// month report's key and the month, the pair named in `label` for a screen reader.
#[component]
pub fn AttestForm(csrf: String, key: String, month: String, label: String) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <form method="post" action=paths::ATTEST class="inline">
            <FormKeys csrf=csrf />
            <input type="hidden" name="key" value=key />
            <input type="hidden" name="manad" value=month />
            <button type="submit" aria-label=label>{l.t(T::Attest)}</button>
        </form>
    }
}

/// A download the audit log records (a CSV, a 3059, an archive): a post with the CSRF token,
/// never a plain link, so a link on another site cannot make a browser write to the log.
#[component]
pub fn Download(
    action: &'static str,
    csrf: String,
    fields: Vec<(&'static str, String)>,
    label: String,
    #[prop(optional)] aria_label: Option<String>,
    #[prop(optional)] link: bool,
) -> impl IntoView {
    view! {
        <form method="post" action=action class="inline download">
            <FormKeys csrf=csrf />
            {fields.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <button type="submit" class=if link { "link" } else { "button" } aria-label=aria_label>{label}</button>
        </form>
    }
}

#[component]
pub fn Layout(me: Option<Me>, children: Children) -> impl IntoView {
    let l = expect_context::<Locale>();
    let other = if l == Locale::Sv { Locale::En } else { Locale::Sv };
    let csrf = me.as_ref().map(|m| m.csrf.clone()).unwrap_or_default();
    let logout_csrf = csrf.clone();
    view! {
        <a class="skip" href="#main">{l.t(T::SkipToContent)}</a>
        <header class="banner">
            <div class="brand">
                <span class="logo">{l.t(T::AppName)}</span>
                <span class="tagline">{l.t(T::AppTagline)}</span>
            </div>
            <nav class="account" aria-label=l.t(T::Language)>
                <form method="post" action=paths::LANGUAGE class="inline">
                    <FormKeys csrf=csrf />
                    <input type="hidden" name="lang" value=other.code() />
                    <button type="submit" class="link" lang=other.code()>{l.t(T::SwitchLanguage)}</button>
                </form>
                {me.map(|me| view! {
                    <span class="who">{l.t(T::LoggedInAs)} " " <strong>{me.name}</strong> ", " {me.tenant}</span>
                    <a class="link" href=paths::OTP_PAGE>{l.t(T::OtpTitle)}</a>
                    <form method="post" action=paths::LOGOUT class="inline">
                        <FormKeys csrf=logout_csrf />
                        <button type="submit" class="link">{l.t(T::LogOut)}</button>
                    </form>
                })}
            </nav>
        </header>
        <main id="main" tabindex="-1">{children()}</main>
    }
}

/// Previous/next links and a month picker that works without JavaScript.
#[component]
pub fn MonthNav(month: ReportMonth, path: &'static str) -> impl IntoView {
    let l = expect_context::<Locale>();
    let prev = format!("{path}?manad={}", month.previous());
    let next = format!("{path}?manad={}", month.next());
    view! {
        <nav class="month-nav" aria-label=l.t(T::Month)>
            <a href=prev rel="prev">"‹ " {l.t(T::PreviousMonth)}</a>
            <form method="get" action=path class="inline">
                <label for="manad">{l.t(T::Month)}</label>
                <input id="manad" name="manad" type="month" value=month.to_string() />
                <button type="submit">{l.t(T::ShowMonth)}</button>
            </form>
            <a href=next rel="next">{l.t(T::NextMonth)} " ›"</a>
        </nav>
    }
}

/// The name search of a long list (GET: the search is in the address, never a
/// personnummer). `keep` are the list's other parameters (the month, the filter), sent along.
#[component]
pub fn SearchForm(
    action: &'static str,
    query: String,
    label: T,
    #[prop(default = vec![])] keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <form method="get" action=action class="stack card" role="search">
            {keep.into_iter().map(|(name, value)| view! { <input type="hidden" name=name value=value /> }).collect_view()}
            <div class="field">
                <label for="q">{l.t(label)}</label>
                <input id="q" name="q" type="search" value=query maxlength="100" />
            </div>
            <button type="submit">{l.t(T::Search)}</button>
        </form>
    }
}

/// Links to a long list's previous and next page, and which page this is.
#[component]
pub fn Pager(prev: Option<String>, next: Option<String>, page: i64, pages: i64) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <nav class="month-nav" aria-label=l.t(T::Paging)>
            {prev.map(|h| view! { <a href=h rel="prev">"‹ " {l.t(T::PreviousPage)}</a> })}
            <span>{format!("{} {} / {}", l.t(T::Page), page, pages)}</span>
            {next.map(|h| view! { <a href=h rel="next">{l.t(T::NextPage)} " ›"</a> })}
        </nav>
    }
}

/// What a page shows when its data cannot be had: a redirect to the login page, a 403, or a
/// plain apology. Sets the HTTP status on the server.
#[component]
pub fn PageFailure(error: PageError) -> impl IntoView {
    let l = expect_context::<Locale>();
    #[cfg(feature = "ssr")]
    {
        use axum::http::StatusCode;
        match error {
            PageError::LoggedOut => {
                leptos_axum::redirect("/logga-in");
                // The page's data call may already have said 401; a browser needs the redirect.
                expect_context::<leptos_axum::ResponseOptions>().set_status(StatusCode::FOUND);
            }
            PageError::Forbidden => {
                expect_context::<leptos_axum::ResponseOptions>().set_status(StatusCode::FORBIDDEN)
            }
            PageError::NotFound => {
                expect_context::<leptos_axum::ResponseOptions>().set_status(StatusCode::NOT_FOUND)
            }
            PageError::Internal => expect_context::<leptos_axum::ResponseOptions>()
                .set_status(StatusCode::INTERNAL_SERVER_ERROR),
        }
    }
    let text = match error {
        PageError::Forbidden => l.t(T::Forbidden),
        PageError::NotFound => l.t(T::NotFound),
        _ => l.t(T::NotAllowed),
    };
    view! {
        <Layout me=None>
            <h1>{text}</h1>
            <p><a href="/">{l.t(T::ToStartPage)}</a></p>
        </Layout>
    }
}

/// A notice or error carried over from the previous form post.
#[component]
pub fn FlashMessages(
    notice: Option<T>,
    error: Option<T>,
    #[prop(default = None)] count: Option<usize>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        {notice.map(|n| {
            let text = match count {
                Some(c) => format!("{} {c}", l.t(n)),
                None => l.t(n).to_string(),
            };
            view! { <p class="notice" role="status">{text}</p> }
        })}
        {error.map(|e| view! { <p class="alert" role="alert">{l.t(e)}</p> })}
    }
}
