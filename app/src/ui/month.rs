//! Pieces that show a month: the rows table and the totals per kind.

use crate::domain::rules::{Finding, Severity};
use crate::domain::{TimeKind, Totals};
use crate::i18n::{Label, Locale, Message, T};
use crate::model::RowView;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn RowCards(
    rows: Vec<RowView>,
    #[prop(default = None)] actions: Option<(String, String)>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    if rows.is_empty() {
        return view! { <p class="muted">{l.t(T::NoRows)}</p> }.into_any();
    }
    view! {
        <ul class="row-cards" aria-label=l.t(T::Rows)>
            {rows.into_iter().map(|r| {
                let end = if r.next_day { format!("{} (+1)", r.end) } else { r.end.clone() };
                // The assistant's own draft rows: change or delete, each button naming its row.
                let buttons = actions.clone().map(|(month, csrf)| {
                    let delete_label = format!("{} {} {}–{}", l.t(T::Delete), r.date, r.start, r.end);
                    let edit_label = format!("{} {} {}–{}", l.t(T::Edit), r.date, r.start, r.end);
                    let edit_href = format!("/assistent?manad={month}&andra={}#add-row-title", r.id);
                    view! {
                        <span class="actions">
                            <a href=edit_href aria-label=edit_label>{l.t(T::Edit)}</a>
                            <form method="post" action=paths::ROW_DELETE class="inline">
                                <super::FormKeys csrf=csrf />
                                <input type="hidden" name="row" value=r.id.to_string() />
                                <input type="hidden" name="manad" value=month />
                                <button type="submit" class="link danger" aria-label=delete_label>{l.t(T::Delete)}</button>
                            </form>
                        </span>
                    }
                });
                view! {
                    <li class:marked=r.marked>
                        <span class="when">{format!("{} {}–{}", r.date, r.start, end)}</span>
                        <span class="what">{format!("{}, {}{}", r.kind.label(l), r.minutes, if r.dst { " *" } else { "" })}</span>
                        {r.marked.then(|| view! { <strong class="mark">{l.t(T::MarkedByRecipient)}</strong> })}
                        {buttons}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A decimal number as the language writes it: `4,50` in Swedish, `4.50` in English.
pub fn decimal(s: &str, l: Locale) -> String {
    if l == Locale::Sv { s.replace('.', ",") } else { s.to_string() }
}

#[component]
pub fn TotalsList(totals: Totals, payable: String) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <dl class="totals" aria-label=l.t(T::Totals)>
            {TimeKind::ALL.into_iter().map(|k| view! {
                <div><dt>{k.label(l)}</dt><dd data-kind=k.code()>{totals.get(k).to_string()}</dd></div>
            }).collect_view()}
            <div><dt>{l.t(T::PayableHours)}</dt><dd data-kind="payable">{decimal(&payable, l)} " h"</dd></div>
        </dl>
    }
}

/// The rules engine's findings, each with its rule, severity and what to do. Takes the locale
/// as a prop so the add-row island can use it in the browser too.
#[component]
pub fn FindingsList(
    locale: Locale,
    findings: Vec<Finding>,
    #[prop(default = false)] links: bool,
    #[prop(default = None)] month: Option<crate::domain::ReportMonth>,
) -> impl IntoView {
    (!findings.is_empty()).then(|| {
        view! {
            <ul class="findings" aria-label=locale.t(T::Checks)>
                {findings.into_iter().map(|f| {
                    let class = match f.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "info" };
                    // For the administrator: where to look and where to fix it.
                    let targets = links.then(|| {
                        let mut t: Vec<(String, T)> = vec![];
                        // The pair's line in the month dashboard's table, shown alone there
                        // (the table is paged).
                        if let (Some(a), Some(r), Some(m)) = (f.assistant, f.recipient, month) {
                            t.push((format!("/admin?manad={m}&par={a}-{r}#par-{a}-{r}"), T::LinkMonthRow));
                        }
                        if let (Some(m), Some(r), crate::domain::rules::RuleId::V9) = (month, f.recipient, f.rule)
                            && matches!(f.what, crate::domain::rules::What::RakningIncomplete { .. } | crate::domain::rules::What::RakningNotSigned { .. }) {
                                t.push((format!("/admin/rakning?person={r}&manad={m}"), T::AdminClaim));
                            }
                        if matches!(f.what, crate::domain::rules::What::StandardAmountMissing { .. }) {
                            t.push(("/admin/anordnare".to_string(), T::AdminProvider));
                        }
                        if let Some(a) = f.assistant {
                            t.push((format!("/admin/assistent?id={a}"), T::LinkAssistant));
                        }
                        if let Some(r) = f.recipient {
                            t.push((format!("/admin/brukarkort?id={r}"), T::LinkRecipient));
                        }
                        t.into_iter().map(|(href, label)| view! { " " <a href=href class="finding-link">{locale.t(label)}</a> }).collect_view()
                    });
                    view! { <li class=class>{f.message(locale)} {targets}</li> }
                }).collect_view()}
            </ul>
        }
    })
}

/// Under a list that shows only its first entries: how many, of how many, and how to find the
/// rest (`hint`, a link to them where there is one).
#[component]
pub fn MoreNote(
    total: usize,
    more: usize,
    hint: T,
    #[prop(optional)] href: Option<String>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    (more > 0).then(|| {
        let hint = match href {
            Some(h) => view! { <a href=h>{l.t(hint)}</a> }.into_any(),
            None => l.t(hint).into_any(),
        };
        view! { <p class="muted">{format!("{} {} {} {}. ", l.t(T::ListedFirst), total - more, l.t(T::ListedOf), total)} {hint}</p> }
    })
}
