//! The recipient's (or representative's) page: each assistant's month, approve or return it.

use super::month::{RowsTable, TotalsList};
use super::{month_query, FlashMessages, FormKeys, Layout, MonthNav, PageFailure};
use crate::api::{self, MonthView};
use crate::domain::MonthStatus;
use crate::i18n::{Locale, T};
use leptos::prelude::*;

#[component]
pub fn RecipientPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let month = month.clone();
                Suspend::new(async move {
                    match api::load_recipient_page(month).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let several = page.acting_for.len() > 1;
                            let representative = page.me.role == crate::api::Role::Representative;
                            let names = page.acting_for.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ");
                            let reject = page.flash.reject_form.clone();
                            let months: Vec<MonthView> = page.months.into_iter().filter(|m| !m.rows.is_empty() || m.status != MonthStatus::Draft).collect();
                            let empty = months.is_empty();
                            let csrf = page.me.csrf.clone();
                            view! {
                                <Layout me=Some(page.me)>
                                    <h1>{l.t(T::RecipientTitle)}</h1>
                                    {representative.then(|| view! { <p>{l.t(T::ActingFor)} ": " <strong>{names}</strong></p> })}
                                    <FlashMessages notice=page.flash.notice error=page.flash.error />
                                    <MonthNav month=page.month path="/brukare" />
                                    {empty.then(|| view! { <p class="muted">{l.t(T::NothingToApprove)}</p> })}
                                    {months.into_iter().map(|m| {
                                        let typed = reject.clone().filter(|(k, _)| Some(*k) == m.key).map(|(_, r)| r);
                                        view! { <RecipientMonth m several typed month=page.month.to_string() csrf=csrf.clone() /> }
                                    }).collect_view()}
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn RecipientMonth(m: MonthView, several: bool, typed: Option<String>, month: String, csrf: String) -> impl IntoView {
    let l = expect_context::<Locale>();
    let heading_id = format!("month-{}-{}", m.recipient.id, m.assistant.id);
    let labelledby = heading_id.clone();
    let title = if several { format!("{} – {}", m.assistant.name, m.recipient.name) } else { m.assistant.name.clone() };
    let key = m.key.map(|k| k.to_string()).unwrap_or_default();
    let decidable = m.status == MonthStatus::Submitted;
    let reason_id = format!("reason-{key}");
    let has_typed = typed.is_some();
    view! {
        <section class="card month" aria-labelledby=labelledby>
            <h2 id=heading_id>{title}</h2>
            <p class="status">{l.t(T::Status)} ": " <span class=format!("badge {}", m.status.code())>{m.status.label(l)}</span></p>
            <RowsTable rows=m.rows deletable=false month=month.clone() />
            <TotalsList totals=m.totals payable=m.payable />
            {decidable.then(|| view! {
                <div class="decide">
                    <form method="post" action="/brukare/beslut" class="inline">
                        <FormKeys csrf=csrf.clone() />
                        <input type="hidden" name="hash" value=m.content_hash.clone() />
                        <input type="hidden" name="key" value=key.clone() />
                        <input type="hidden" name="manad" value=month.clone() />
                        <input type="hidden" name="decision" value="approve" />
                        <button type="submit" class="primary">{l.t(T::Approve)} " – " {m.assistant.name.clone()}</button>
                    </form>
                    <details open=has_typed>
                        <summary>{l.t(T::Reject)}</summary>
                        <form method="post" action="/brukare/beslut" class="stack">
                            <FormKeys csrf=csrf.clone() />
                            <input type="hidden" name="hash" value=m.content_hash.clone() />
                            <input type="hidden" name="key" value=key.clone() />
                            <input type="hidden" name="manad" value=month.clone() />
                            <input type="hidden" name="decision" value="reject" />
                            <div class="field">
                                <label for=reason_id.clone()>{l.t(T::RejectReason)}</label>
                                <textarea id=reason_id name="reason" rows="3" maxlength="1000">{typed.unwrap_or_default()}</textarea>
                            </div>
                            <button type="submit">{l.t(T::Reject)}</button>
                        </form>
                    </details>
                </div>
            })}
        </section>
    }
}
