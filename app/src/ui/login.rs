//! The login page. Posts to `/logga-in` (server::auth); works without JavaScript.

use crate::i18n::{Locale, T};
use crate::paths;
use crate::{endpoints, model};
use leptos::prelude::*;

#[component]
pub fn LoginPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                let page = endpoints::load_login_page().await.unwrap_or(model::LoginPage { error: None, notice: None, username: String::new(), csrf: String::new(), choices: Default::default(), step_up: None, code: false });
                let has_error = page.error.is_some();
                view! {
                    <super::Layout me=None>
                        <div class="card narrow">
                            <h1>{l.t(T::LogInTitle)}</h1>
                            {page.notice.map(|n| view! { <p class="notice" role="status">{l.t(n)}</p> })}
                            {page.error.map(|e| view! { <p class="alert" role="alert" id="login-error">{l.t(e)}</p> })}
                            {page.code.then(|| view! {
                                <h2>{l.t(T::LoginCodeTitle)}</h2>
                                <form method="post" action=paths::LOGIN_CODE class="stack">
                                    <input type="hidden" name="csrf" value=page.csrf.clone() />
                                    <div class="field">
                                        <label for="login-code">{l.t(T::OtpCodeLabel)}</label>
                                        <p class="muted" id="login-code-hint">{l.t(T::LoginCodeHint)}</p>
                                        <input id="login-code" name="code" type="text" autocomplete="one-time-code" maxlength="20"
                                            autocapitalize="characters" spellcheck="false" required autofocus
                                            aria-describedby=if has_error { "login-code-hint login-error" } else { "login-code-hint" } />
                                    </div>
                                    <button type="submit" class="primary">{l.t(T::LoginCodeButton)}</button>
                                </form>
                            })}
                            {(!page.code && page.step_up.is_some()).then(|| view! {
                                <h2>{l.t(T::StepUpTitle)}</h2>
                                <p>{l.t(T::StepUpHint)}</p>
                            })}
                            {page.choices.municipality.clone().map(|m| view! { <p class="muted">{m}</p> })}
                            {(!page.code && !page.choices.providers.is_empty()).then(|| {
                                let till = page.step_up.clone();
                                view! {
                                    <ul class="providers" role="list">
                                        {page.choices.providers.iter().map(|(id, name)| {
                                            let mut href = format!("{}?leverantor={id}", paths::OIDC_START);
                                            if let Some(t) = &till {
                                                href.push_str("&till=");
                                                href.push_str(&paths::query_value(t));
                                            }
                                            view! { <li><a class="button primary" href=href>{l.t(T::LoginWith)} " " {name.clone()}</a></li> }
                                        }).collect_view()}
                                    </ul>
                                }
                            })}
                            {(!page.code && !page.choices.municipalities.is_empty()).then(|| view! {
                                <nav aria-labelledby="choose-municipality">
                                    <h2 id="choose-municipality">{l.t(T::LoginChooseMunicipality)}</h2>
                                    <ul role="list">
                                        {page.choices.municipalities.iter().map(|(slug, name)| view! {
                                            <li><a href=format!("{}/{slug}", paths::LOGIN)>{name.clone()}</a></li>
                                        }).collect_view()}
                                    </ul>
                                </nav>
                            })}
                            {(!page.code && page.choices.password && page.step_up.is_none()).then(|| view! {
                            // A heading, not the form's label: the fields keep one label each.
                            {(!page.choices.providers.is_empty()).then(|| view! { <h2>{l.t(T::LoginWithPassword)}</h2> })}
                            <form method="post" action=paths::LOGIN class="stack">
                                <input type="hidden" name="csrf" value=page.csrf.clone() />
                                <div class="field">
                                    <label for="username">{l.t(T::Username)}</label>
                                    <input id="username" name="username" type="text" autocomplete="username" maxlength="64"
                                        autocapitalize="none" spellcheck="false" required value=page.username.clone()
                                        autofocus=!has_error aria-describedby=has_error.then_some("login-error") />
                                </div>
                                <div class="field">
                                    <label for="password">{l.t(T::Password)}</label>
                                    <input id="password" name="password" type="password" autocomplete="current-password" required
                                        autofocus=has_error />
                                </div>
                                <button type="submit" class="primary">{l.t(T::LogInButton)}</button>
                            </form>
                            })}
                        </div>
                    </super::Layout>
                }
            })}
        </Suspense>
    }
}
