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
                let page = endpoints::load_login_page().await.unwrap_or(model::LoginPage { error: None, notice: None, username: String::new(), csrf: String::new() });
                let has_error = page.error.is_some();
                view! {
                    <super::Layout me=None>
                        <div class="card narrow">
                            <h1>{l.t(T::LogInTitle)}</h1>
                            {page.notice.map(|n| view! { <p class="notice" role="status">{l.t(n)}</p> })}
                            {page.error.map(|e| view! { <p class="alert" role="alert" id="login-error">{l.t(e)}</p> })}
                            <form method="post" action=paths::LOGIN class="stack">
                                <input type="hidden" name="csrf" value=page.csrf />
                                <div class="field">
                                    <label for="username">{l.t(T::Username)}</label>
                                    <input id="username" name="username" type="text" autocomplete="username" maxlength="64"
                                        autocapitalize="none" spellcheck="false" required value=page.username
                                        autofocus=!has_error aria-describedby=has_error.then_some("login-error") />
                                </div>
                                <div class="field">
                                    <label for="password">{l.t(T::Password)}</label>
                                    <input id="password" name="password" type="password" autocomplete="current-password" required
                                        autofocus=has_error />
                                </div>
                                <button type="submit" class="primary">{l.t(T::LogInButton)}</button>
                            </form>
                        </div>
                    </super::Layout>
                }
            })}
        </Suspense>
    }
}
