//! A person's own account: the second factor (TOTP) and its recovery codes (issue 26). Plain
//! forms; the QR code is an SVG drawn by the server, with the key beside it to type.

use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::endpoints;
use crate::i18n::{Locale, T};
use crate::model::OtpState;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn OtpPageView() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_otp_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let code_field = |id: &'static str, label: T| view! {
                            <div class="field">
                                <label for=id>{l.t(label)}</label>
                                <input id=id name="code" type="text" autocomplete="one-time-code" maxlength="20"
                                    autocapitalize="characters" spellcheck="false" required />
                            </div>
                        };
                        let body = match page.state {
                            OtpState::Off => view! {
                                <p>{l.t(T::OtpStateOff)}</p>
                                <form method="post" action=paths::OTP_BEGIN>
                                    <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                    <button type="submit" class="primary">{l.t(T::OtpStart)}</button>
                                </form>
                            }.into_any(),
                            OtpState::Enrolling { qr_svg, secret } => view! {
                                <p>{l.t(T::OtpScan)}</p>
                                <figure class="qr" role="img" aria-label=l.t(T::OtpQrAlt) inner_html=qr_svg></figure>
                                <p>{l.t(T::OtpSecretManual)} " " <code class="secret">{secret}</code></p>
                                <form method="post" action=paths::OTP_CONFIRM class="stack">
                                    <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                    {code_field("otp-confirm", T::OtpCodeLabel)}
                                    <button type="submit" class="primary">{l.t(T::OtpConfirm)}</button>
                                </form>
                            }.into_any(),
                            OtpState::On { codes_left } => view! {
                                <p>{l.t(T::OtpOn)}</p>
                                <p>{l.t(T::OtpCodesLeft)} " " <strong>{codes_left}</strong></p>
                                <form method="post" action=paths::OTP_REMOVE class="stack">
                                    <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                    {code_field("otp-remove", T::OtpRemoveLabel)}
                                    <button type="submit">{l.t(T::OtpRemove)}</button>
                                </form>
                            }.into_any(),
                        };
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <h1>{l.t(T::OtpTitle)}</h1>
                                <p class="muted">{l.t(T::OtpIntro)}</p>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                {(!page.fresh_codes.is_empty()).then(|| view! {
                                    <section class="card" aria-labelledby="codes-title">
                                        <h2 id="codes-title">{l.t(T::OtpCodesTitle)}</h2>
                                        <p>{l.t(T::OtpCodesHint)}</p>
                                        <ul class="plain codes">
                                            {page.fresh_codes.iter().map(|c| view! { <li><code>{c.clone()}</code></li> }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <section class="card" aria-labelledby="otp-title">
                                    <h2 id="otp-title" class="sr-only">{l.t(T::OtpTitle)}</h2>
                                    {body}
                                </section>
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
