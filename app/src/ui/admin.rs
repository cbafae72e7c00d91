//! The administrator's page: the month's status per recipient and assistant, CSV download.

use super::month::MoreNote;
use super::{
    AttestForm, Download, FlashMessages, FormKeys, Layout, MonthNav, PageFailure, Pager,
    SearchForm, month_query,
};
use crate::domain::{MonthStatus, TimeKind};
use crate::endpoints;
use crate::i18n::{Label, Locale, T};
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    let params = leptos_router::hooks::use_query_map().read_untracked();
    let (filter, q, p, pair) =
        (params.get("visa"), params.get("q"), params.get("sida"), params.get("par"));
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_admin_page(month, filter, q, p, pair).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let empty = page.months.is_empty();
                            let (errors, warnings) = (page.errors, page.warnings);
                            let v9_summary = page.not_ready.map(|(months, claims)| format!("{months} {} {claims} {}", l.t(T::SummaryMonthsNotReady), l.t(T::SummaryRakningar)));
                            let (findings, findings_more) = (page.preflight.items.clone(), (page.preflight.total, page.preflight.more()));
                            let all_pairs = format!("/admin?manad={}", page.month);
                            let (prev, next) = (page.prev.clone(), page.next.clone());
                            let csrf = page.me.csrf.clone();
                            let month_text = page.month.to_string();
                            let any_approved = page.any_approved;
                            let repeated = page.repeated.clone();
                            view! {
                                <Layout me=Some(page.me)>
                                    <h1>{l.t(T::AdminTitle)} " " {page.month.to_string()}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error count=page.flash.count />
                                    <nav aria-label=l.t(T::Pages) class="actions">
                                        <a href="/admin/assistenter">{l.t(T::AdminRegister)}</a>
                                        <a href="/admin/brukarregister">{l.t(T::AdminRecipients)}</a>
                                        <a href="/admin/anordnare">{l.t(T::AdminProvider)}</a>
                                        <a href="/admin/inloggning">{l.t(T::IdentityTitle)}</a>
                                        <a href="/admin/import">{l.t(T::ImportTitle)}</a>
                                        <a href=crate::paths::SCHEDULES_PAGE>{l.t(T::ScheduleTitle)}</a>
                                        <a href=crate::paths::WORK_LEADERS>{l.t(T::WorkLeadersTitle)}</a>
                                        <a href="/admin/logg">{l.t(T::AdminAudit)}</a>
                                        <a href=crate::paths::BENCHMARK>{l.t(T::BenchmarkTitle)}</a>
                                        <a href=crate::paths::API_TOKENS>{l.t(T::ApiTokensTitle)}</a>
                                        <a href=format!("/admin/export?manad={}", page.month)>{l.t(T::AdminExport)}</a>
                                    </nav>
                                    <p class="deadline">{l.t(T::Deadline)} ": " <strong>{page.deadline}</strong>
                                        " (" {page.days_left} " " {l.t(T::DaysLeft)} ")"</p>
                                    <MonthNav month=page.month path="/admin" />
                                    <p><Download action=paths::MONTH_CSV csrf=csrf.clone() fields=vec![("manad", page.month.to_string())] label=l.t(T::DownloadCsv).to_string() /></p>
                                    <nav aria-label=l.t(T::FilterTitle) class="actions filters">
                                        {[("alla", T::FilterAll), ("atgard", T::FilterAction), ("fel", T::FilterErrors), ("klara", T::FilterReady)].into_iter().map(|(code, label)| {
                                            let current = page.filter == code;
                                            view! {
                                                <a href=format!("/admin?manad={}&visa={code}", page.month) aria-current=current.then_some("page")>{l.t(label)}</a>
                                            }
                                        }).collect_view()}
                                    </nav>
                                    <SearchForm action="/admin" query=page.query.clone() label=T::SearchPairs
                                        keep=vec![("manad", page.month.to_string()), ("visa", page.filter.clone())] />
                                    <p>{format!("{} {}", page.months_total, l.t(T::MonthsCount))}</p>
                                    {page.pair.map(|_| view! { <p>{l.t(T::OnePair)} " " <a href=all_pairs.clone()>{l.t(T::ShowAllPairs)}</a></p> })}
                                    <section class="card" aria-labelledby="not-acted-title">
                                        <h2 id="not-acted-title">{l.t(T::NotActedTitle)}</h2>
                                        {page.not_acted.items.is_empty().then(|| view! { <p class="muted">{l.t(T::NotActedNone)}</p> })}
                                        <ul>
                                            {page.not_acted.items.clone().into_iter().map(|n| {
                                                let text = format!("{} {} {}", n.who, l.t(n.what), n.whom);
                                                view! {
                                                    <li>
                                                        {text.clone()} " "
                                                        <form method="post" action=paths::REMIND class="inline">
                                                            <FormKeys csrf=csrf.clone() />
                                                            <input type="hidden" name="assistant" value=n.assistant.to_string() />
                                                            <input type="hidden" name="recipient" value=n.recipient.to_string() />
                                                            <input type="hidden" name="manad" value=month_text.clone() />
                                                            <button type="submit" class="link" aria-label=format!("{}: {text}", l.t(T::Remind))>{l.t(T::Remind)}</button>
                                                        </form>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                        <MoreNote total=page.not_acted.total more=page.not_acted.more() hint=T::NotActedMore href=page.needs_action.clone() />
                                    </section>
                                    {any_approved.then(|| view! {
                                        <form method="post" action=paths::ATTEST_READY class="inline">
                                            <FormKeys csrf=csrf.clone() />
                                            <input type="hidden" name="manad" value=month_text.clone() />
                                            <button type="submit" class="primary">{l.t(T::AttestReady)}</button>
                                        </form>
                                    })}
                                    {if empty {
                                        view! { <p class="muted">{l.t(T::NoMonths)}</p> }.into_any()
                                    } else {
                                        view! {
                                            // A region that scrolls sideways on a phone: reachable by
                                            // keyboard (focusable, named) also when no row has a button.
                                            <div class="table-wrap" tabindex="0" role="region" aria-label=l.t(T::AdminTitle)>
                                                <table class="status-table">
                                                    <caption class="sr-only">{l.t(T::AdminTitle)}</caption>
                                                    <thead><tr>
                                                        <th scope="col">{l.t(T::Recipient)}</th>
                                                        <th scope="col">{l.t(T::Assistant)}</th>
                                                        <th scope="col">{l.t(T::Status)}</th>
                                                        {TimeKind::ALL.into_iter().map(|k| view! { <th scope="col" class="num">{k.label(l)}</th> }).collect_view()}
                                                        <th scope="col" class="num">{l.t(T::PayableHours)}</th>
                                                        <th scope="col">{l.t(T::Action)}</th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {page.months.into_iter().map(|m| {
                                                            let key = m.key.map(|k| k.to_string()).unwrap_or_default();
                                                            let action = match m.status {
                                                                MonthStatus::Approved => view! {
                                                                    <AttestForm csrf=csrf.clone() key=key.clone() month=month_text.clone()
                                                                        label=format!("{} {} – {}", l.t(T::Attest), m.assistant.name, m.recipient.name) />
                                                                }.into_any(),
                                                                MonthStatus::Attested | MonthStatus::Exported => {
                                                                    let reason_id = format!("rattelse-{key}");
                                                                    view! {
                                                                        <Download action=paths::REPORT_3059 csrf=csrf.clone() fields=vec![("nyckel", key.clone())] label=l.t(T::Download3059).to_string() link=true
                                                                            aria_label=format!("{} {} – {}", l.t(T::Download3059), m.assistant.name, m.recipient.name) />
                                                                        <details class="correction">
                                                                            <summary aria-label=format!("{}: {} – {}", l.t(T::CorrectionTitle), m.assistant.name, m.recipient.name)>{l.t(T::CorrectionTitle)}</summary>
                                                                            <form method="post" action=paths::CORRECT>
                                                                                <FormKeys csrf=csrf.clone() />
                                                                                <input type="hidden" name="key" value=key.clone() />
                                                                                <p class="muted">{l.t(T::CorrectionHelp)}</p>
                                                                                <label for=reason_id.clone()>{l.t(T::CorrectionReason)}</label>
                                                                                <textarea id=reason_id name="reason" rows="2" required=true maxlength="1000"></textarea>
                                                                                <button type="submit">{l.t(T::CorrectionButton)}</button>
                                                                            </form>
                                                                        </details>
                                                                    }.into_any()
                                                                }
                                                                _ => ().into_any(),
                                                            };
                                                            view! {
                                                            <tr id=format!("par-{}-{}", m.assistant.id, m.recipient.id)>
                                                                <th scope="row">{m.recipient.name}</th>
                                                                <td>{m.assistant.name}</td>
                                                                <td>
                                                                    <span class=format!("badge {}", m.status.code())>{m.status.label(l)}</span>
                                                                    {page.error_pairs.contains(&(m.assistant.id, m.recipient.id)).then(|| view! { " " <span class="badge error">{l.t(T::HasErrors)}</span> })}
                                                                </td>
                                                                {TimeKind::ALL.into_iter().map(|k| view! { <td class="num">{m.totals.get(k).to_string()}</td> }).collect_view()}
                                                                <td class="num">{super::month::decimal(&m.payable, l)}</td>
                                                                <td>{action}</td>
                                                            </tr>
                                                        }}).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                            {(page.pages > 1).then(|| view! { <Pager prev next page=page.page pages=page.pages /> })}
                                        }.into_any()
                                    }}
                                    {(!page.grants.items.is_empty()).then(|| view! {
                                        <section class="card" aria-labelledby="grants-title">
                                            <h2 id="grants-title">{l.t(T::GrantsTitle)}</h2>
                                            <p class="muted">{l.t(T::GrantsHint)}</p>
                                            <ul class="grants">
                                                {page.grants.items.clone().into_iter().map(|g| {
                                                    let granted = g.granted.as_deref().map(|h| super::month::decimal(h, l)).unwrap_or_else(|| l.t(T::NoDecisionShort).to_string());
                                                    let text = format!("{}: {} h {} {} h", g.recipient.name, super::month::decimal(&g.payable, l), l.t(T::OfGranted), granted);
                                                    view! {
                                                        <li class=if g.over { "alert" } else { "" }>
                                                            <a href=format!("/admin/brukarkort?id={}", g.recipient.id)>{text}</a>
                                                            {g.over.then(|| view! { " " <strong>{l.t(T::OverGrant)}</strong> })}
                                                            {g.bar.clone().map(|bar| view! { <super::schedule::HoursBarView bar label=format!("{}: {}", l.t(T::HoursBarTitle), g.recipient.name) /> })}
                                                            " " <a href=format!("/admin/rakning?person={}&manad={}", g.recipient.id, page.month) aria-label=format!("{} {}", l.t(T::AdminClaim), g.recipient.name)>{l.t(T::AdminClaim)}</a>
                                                        </li>
                                                    }
                                                }).collect_view()}
                                            </ul>
                                            <MoreNote total=page.grants.total more=page.grants.more() hint=T::ListedNarrow />
                                        </section>
                                    })}
                                    {(!repeated.items.is_empty()).then(|| view! {
                                        <section class="card" aria-labelledby="dst-title">
                                            <h2 id="dst-title">{l.t(T::RepeatedHourTitle)}</h2>
                                            <p>{l.t(T::RepeatedHourNote)}</p>
                                            <ul>{repeated.items.clone().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                                            <MoreNote total=repeated.total more=repeated.more() hint=T::ListedNarrow />
                                        </section>
                                    })}
                                    <section class="card" aria-labelledby="preflight-title">
                                        <h2 id="preflight-title">{l.t(T::PreflightTitle)}</h2>
                                        <p class=if page.ready { "notice" } else { "alert" }>
                                            {if page.ready { l.t(T::PreflightReady).to_string() } else { format!("{errors} {}", l.t(T::PreflightBlocked)) }}
                                            {(warnings > 0).then(|| format!(", {warnings} {}", l.t(T::PreflightWarnings)))}
                                        </p>
                                        {v9_summary.map(|t| view! { <p class="alert">{t}</p> })}
                                        <super::month::FindingsList locale=l findings links=true month=Some(page.month) />
                                        <MoreNote total=findings_more.0 more=findings_more.1 hint=T::ListedNarrow />
                                    </section>
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}
