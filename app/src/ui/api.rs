//! The administrator's API tokens (issue 29): make one (a name, scopes, a last day; shown
//! once), see them all (never the token itself), revoke one. Plain forms.

use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::endpoints;
use crate::i18n::{Locale, T};
use crate::model::api::Scope;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_api_tokens_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let form = page.form.clone();
                        let ticked = form.scopes();
                        let errors = page.errors.clone();
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::ApiTokensTitle)}</h1>
                                <p>{l.t(T::ApiTokensIntro)} " " <a href=paths::API_DOCS>{l.t(T::ApiDocsLink)}</a></p>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                {page.created.clone().map(|token| view! {
                                    <section class="card created-token" aria-labelledby="token-created">
                                        <h2 id="token-created">{l.t(T::TokenShownOnce)}</h2>
                                        <p><label for="new-token">{l.t(T::TokenCopy)}</label></p>
                                        <input id="new-token" type="text" readonly=true value=token class="token" />
                                    </section>
                                })}
                                <section class="card" aria-labelledby="tokens-title">
                                    <h2 id="tokens-title">{l.t(T::ApiTokensList)}</h2>
                                    {page.tokens.is_empty().then(|| view! { <p class="muted">{l.t(T::ApiTokensNone)}</p> })}
                                    <ul role="list" class="stack">
                                        {page.tokens.iter().map(|t| {
                                            let state = if t.revoked { Some(T::TokenIsRevoked) } else if t.expired { Some(T::TokenIsExpired) } else { None };
                                            let scopes: Vec<&str> = t.scopes.iter().map(|s| l.t(s.label())).collect();
                                            view! {
                                                <li>
                                                    <strong>{t.name.clone()}</strong> " " <code>{format!("{}…", t.hint)}</code>
                                                    {state.map(|s| view! { " " <span class="tag">{l.t(s)}</span> })}
                                                    <br />{l.t(T::TokenScopes)} ": " {scopes.join(", ")}
                                                    <br />{l.t(T::TokenMade)} " " {t.created_at.clone()} ", " {l.t(T::TokenLastDay)} " " {t.expires_on.clone()}
                                                    {(!t.revoked).then(|| view! {
                                                        <form method="post" action=paths::API_TOKEN_REVOKE>
                                                            <FormKeys csrf=csrf.clone() />
                                                            <input type="hidden" name="id" value=t.id.to_string() />
                                                            <button type="submit">{l.t(T::TokenRevoke)} " " {t.name.clone()}</button>
                                                        </form>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                </section>
                                <section class="card" aria-labelledby="token-new">
                                    <h2 id="token-new">{l.t(T::TokenNew)}</h2>
                                    {(!errors.is_empty()).then(|| view! {
                                        <ul class="alert" role="alert">{errors.iter().map(|e| view! { <li>{l.t(*e)}</li> }).collect_view()}</ul>
                                    })}
                                    <form method="post" action=paths::API_TOKEN_CREATE class="stack" novalidate>
                                        <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                        <div class="field">
                                            <label for="token-name">{l.t(T::TokenName)}</label>
                                            <input id="token-name" name="name" type="text" maxlength="100" value=form.name.clone()
                                                aria-invalid=errors.contains(&T::TokenNameInvalid).to_string() />
                                        </div>
                                        <fieldset>
                                            <legend>{l.t(T::TokenScopes)}</legend>
                                            {Scope::ALL.into_iter().map(|s| view! {
                                                <div class="check">
                                                    <input type="checkbox" id=s.field() name=s.field() checked=ticked.contains(&s) />
                                                    <label for=s.field()>{l.t(s.label())} " " <code>{s.code()}</code></label>
                                                </div>
                                            }).collect_view()}
                                        </fieldset>
                                        <div class="field">
                                            <label for="token-expires">{l.t(T::TokenLastDay)}</label>
                                            <input id="token-expires" name="expires" type="date" value=form.expires.clone()
                                                aria-invalid=errors.contains(&T::TokenExpiresInvalid).to_string() />
                                        </div>
                                        <button type="submit" class="primary">{l.t(T::TokenCreate)}</button>
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
