//! The assistant's page: add a time row, see the month per recipient, submit it.

use super::month::{FindingsList, RowCards, TotalsList};
use super::{FlashMessages, FormKeys, Layout, MonthNav, PageFailure, month_query};
use crate::domain::rules::{RowFacts, RowRecord, RuleConfig, blocks_saving, check_row};
use crate::domain::{MonthStatus, RowError, RowField, RowInput, TimeKind};
use crate::endpoints;
use crate::i18n::{Label, Locale, Message, T};
use crate::model::{MonthView, Person, RunningShiftView};
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn AssistantPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    let edit = leptos_router::hooks::use_query_map().read_untracked().get("andra");
    let planned = leptos_router::hooks::use_query_map().read_untracked().get("planerat");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_assistant_page(month, edit, planned).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            // Changing a row: its stored values, or what was typed when a change
                            // was refused; otherwise a new row.
                            let editing = page.editing.clone().map(|(id, _)| id).or(page.flash.editing().filter(|_| page.flash.row_form().is_some()));
                            // "Jobbade annorlunda": the form filled from the planned shift, which the row settles.
                            let filling = page.plan.filling.clone().filter(|_| editing.is_none());
                            let (values, errors) = page.flash.row_form().or_else(|| page.editing.clone().map(|(_, v)| (v, vec![]))).or_else(|| filling.clone().map(|(_, v)| (v, vec![]))).unwrap_or_else(|| {
                                let only = (page.recipients.len() == 1).then(|| page.recipients[0].id.to_string());
                                (RowInput { recipient: only.unwrap_or_default(), date: page.today.clone(), kind: "aktiv".into(), ..Default::default() }, vec![])
                            });
                            let form_title = l.t(if editing.is_some() { T::EditRowTitle } else { T::AddRowTitle });
                            let cancel = editing.map(|_| format!("/assistent?manad={}", page.month));
                            let months = page.months.clone();
                            let csrf = page.me.csrf.clone();
                            let empty = months.iter().all(|m| m.rows.is_empty());
                            view! {
                                <Layout me=Some(page.me.clone())>
                                    <h1>{l.t(T::AssistantTitle)}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error count=page.flash.count />
                                    <FindingsList locale=l findings=page.flash.findings.clone() />
                                    {(!page.flash.skipped.is_empty()).then(|| view! {
                                        <div class="alert" role="alert">
                                            <p>{l.t(T::CopySkipped)}</p>
                                            <ul>{page.flash.skipped.iter().map(|(what, why)| view! { <li>{format!("{what}: {}", why.message(l))}</li> }).collect_view()}</ul>
                                        </div>
                                    })}
                                    <OfflineQueue user=page.me.user />
                                    // The day's planned shifts first, then the clock.
                                    <super::schedule::PlannedCard plan=page.plan.clone() csrf=csrf.clone() errors=page.flash.plan_errors.clone() user=page.me.user />
                                    <ShiftCard running=page.running.clone() recipients=page.recipients.clone() errors=page.flash.shift_errors.clone() csrf=csrf.clone() />
                                    {filling.map(|(id, _)| view! { <input type="hidden" name="planerat" form="row-form" value=id.to_string() /> })}
                                    <section class="card" aria-labelledby="add-row-title">
                                        <h2 id="add-row-title">{form_title}</h2>
                                        <RowForm locale=l recipients=page.recipients.clone() facts=page.facts.clone() rules=page.rules.clone() values said=said(&errors, l) csrf=csrf.clone() form_key=page.form_key.clone() editing />
                                        {cancel.map(|href| view! { <p><a href=href>{l.t(T::CancelEdit)}</a></p> })}
                                    </section>
                                    <MonthNav month=page.month path="/assistent" />
                                    {empty.then(|| view! { <p class="muted">{l.t(T::NoRows)}</p> })}
                                    {months.into_iter().filter(|m| !m.rows.is_empty() || m.status != MonthStatus::Draft)
                                        .map(|m| view! { <AssistantMonth m month=page.month.to_string() csrf=csrf.clone() deadline=page.deadline.clone() days_left=page.days_left signing=page.signing /> }).collect_view()}
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}

/// The rows saved on the phone while it had no connection (`app/offline/page.js` fills it from
/// IndexedDB and shows it; without the script it stays hidden). Its texts come from here, so the
/// script carries none of its own.
#[component]
fn OfflineQueue(user: i64) -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <section id="koade" class="card queue" hidden=true aria-labelledby="queue-title" data-user=user.to_string()
            data-waiting=l.t(T::QueueWaiting) data-refused=l.t(T::QueueRefused) data-to-form=l.t(T::QueueToForm)
            data-discard=l.t(T::QueueDiscard) data-sent=l.t(T::QueueSent) data-login=l.t(T::QueueLogin)
            data-offline=l.t(T::QueueNoConnection) data-in-form=l.t(T::QueueInForm)>
            <h2 id="queue-title">{l.t(T::QueueTitle)}</h2>
            <p class="queue-status" role="status" aria-live="polite"></p>
            <ul class="queue-rows"></ul>
            <button type="button" class="button primary queue-send">{l.t(T::QueueSendNow)}</button>
        </section>
        // Whose row a post kept on the phone is (the server ignores it). Joined to the form by
        // its id from out here, so no script adds anything inside the form's island.
        <input type="hidden" name="bita_user" form="row-form" value=user.to_string() />
        <script type="module" src="/pkg/offline.js"></script>
    }
}

/// Clock in and out: one big button per recipient, or the running shift with its time so far,
/// switching kind and ending it; and copying yesterday's or last week's shifts. Plain forms:
/// the same with and without JavaScript.
#[component]
fn ShiftCard(
    running: Option<RunningShiftView>,
    recipients: Vec<Person>,
    errors: Vec<RowError>,
    csrf: String,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let refused = (!errors.is_empty()).then(|| {
        view! {
            <div class="alert" role="alert">
                <p>{l.t(if running.is_some() { T::ShiftRefused } else { T::FormHasErrors })}</p>
                <ul>{errors.iter().map(|e| view! { <li>{e.message(l)}</li> }).collect_view()}</ul>
            </div>
        }
    });
    let body = match running {
        Some(s) => {
            let other_kinds: Vec<TimeKind> = TimeKind::ALL.into_iter().filter(|k| *k != s.kind).collect();
            view! {
                <div class="running" aria-labelledby="running-title">
                    <h3 id="running-title">{l.t(T::RunningTitle)}</h3>
                    <p class="running-what"><strong>{s.recipient.name.clone()}</strong>{format!(": {} {} {}", s.kind.label(l), l.t(T::RunningSince), s.started)}</p>
                    <p>{format!("{}: ", l.t(T::RunningElapsed))}<strong class="elapsed">{s.elapsed.clone()}</strong></p>
                    {s.left_running.then(|| view! { <p class="alert" role="alert">{l.t(T::ShiftLeftRunning)}</p> })}
                    {refused}
                    <form method="post" action=paths::SHIFT_STOP class="stack">
                        <FormKeys csrf=csrf.clone() />
                        <div class="field">
                            <label for="stop-at">{l.t(T::EndedAtLabel)}</label>
                            <input id="stop-at" name="at" type="time" autofocus=s.left_running />
                        </div>
                        <button type="submit" class="primary big">{l.t(T::EndShift)}</button>
                    </form>
                    <form method="post" action=paths::SHIFT_SWITCH class="stack switch">
                        <FormKeys csrf=csrf.clone() />
                        <fieldset>
                            <legend>{l.t(T::SwitchKindTitle)}</legend>
                            <div class="field">
                                <label for="switch-at">{l.t(T::AtTimeLabel)}</label>
                                <input id="switch-at" name="at" type="time" />
                            </div>
                            <div class="buttons">
                                {other_kinds.into_iter().map(|k| view! {
                                    <button type="submit" name="kind" value=k.code()>{format!("{} {}", l.t(T::SwitchTo), k.label(l).to_lowercase())}</button>
                                }).collect_view()}
                            </div>
                        </fieldset>
                    </form>
                    <form method="post" action=paths::SHIFT_CANCEL>
                        <FormKeys csrf=csrf.clone() />
                        <button type="submit" class="link danger">{l.t(T::CancelShift)}</button>
                    </form>
                </div>
            }.into_any()
        }
        None => view! {
            {refused}
            <ul class="start-shifts">
                {recipients.into_iter().map(|p| {
                    let id = p.id;
                    let label = format!("{} – {}", l.t(T::StartShift), p.name);
                    view! {
                        <li>
                            <form method="post" action=paths::SHIFT_START class="stack">
                                <FormKeys csrf=csrf.clone() />
                                <input type="hidden" name="recipient" value=id.to_string() />
                                <button type="submit" class="primary big">{label}</button>
                                <details>
                                    <summary>{l.t(T::StartShiftHelp)}</summary>
                                    <div class="field">
                                        <label for=format!("start-at-{id}")>{l.t(T::StartedAtLabel)}</label>
                                        <input id=format!("start-at-{id}") name="at" type="time" />
                                    </div>
                                    <div class="field">
                                        <label for=format!("start-kind-{id}")>{l.t(T::Kind)}</label>
                                        <select id=format!("start-kind-{id}") name="kind">
                                            {TimeKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{k.label(l)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                </details>
                            </form>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }.into_any(),
    };
    view! {
        <section class="card shift" aria-labelledby="shift-title">
            <h2 id="shift-title">{l.t(T::TodayTitle)}</h2>
            {body}
            <form method="post" action=paths::SHIFTS_COPY class="copy">
                <FormKeys csrf=csrf />
                <fieldset>
                    <legend>{l.t(T::CopyTitle)}</legend>
                    <div class="buttons">
                        <button type="submit" name="fran" value="igar">{l.t(T::CopyYesterday)}</button>
                        <button type="submit" name="fran" value="forra-veckan">{l.t(T::CopyLastWeek)}</button>
                    </div>
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn AssistantMonth(
    m: MonthView,
    month: String,
    csrf: String,
    deadline: String,
    days_left: i64,
    signing: crate::model::review::SigningWays,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let heading_id = format!("month-{}", m.recipient.id);
    let labelledby = heading_id.clone();
    // After FK's deadline a month is read-only (a correction goes through the municipality).
    let closed = days_left < 0;
    let editable = m.status.editable() && !closed;
    let can_submit = editable && !m.rows.is_empty();
    let can_withdraw = m.status == MonthStatus::Submitted && !closed;
    let returned = m.status == MonthStatus::Draft && m.rejected_reason.is_some();
    let (badge, badge_class) = if returned {
        (l.t(T::StatusReturned), "returned")
    } else {
        (m.status.label(l), m.status.code())
    };
    let todo = match m.status {
        MonthStatus::Draft if returned => T::ToDoFix,
        MonthStatus::Draft => T::ToDoSubmit,
        MonthStatus::Submitted => T::ToDoRecipient,
        MonthStatus::Approved => T::ToDoProvider,
        MonthStatus::Attested | MonthStatus::Exported => T::ToDoDone,
    };
    let done = matches!(m.status, MonthStatus::Attested | MonthStatus::Exported);
    view! {
        <section class="card month" aria-labelledby=labelledby>
            <h2 id=heading_id>{m.recipient.name.clone()}</h2>
            <p class="status">{l.t(T::Status)} ": " <span class=format!("badge {badge_class}")>{badge}</span></p>
            {m.rejected_reason.clone().filter(|_| editable).map(|r| view! {
                <p class="alert" role="note">{l.t(if m.corrected { T::CorrectedBecause } else { T::RejectedBecause })} " " {r}</p>
            })}
            {if closed && !done {
                view! { <p class="todo">{l.t(T::ReadOnlyMonth)}</p> }.into_any()
            } else if done {
                view! { <p class="todo">{format!("{} {}", l.t(T::ToDo), l.t(todo))}</p> }.into_any()
            } else {
                view! { <p class="todo">{format!("{} {} {}: {deadline} ({days_left} {}).", l.t(T::ToDo), l.t(todo), l.t(T::Deadline), l.t(T::DaysLeft))}</p> }.into_any()
            }}
            <RowCards rows=m.rows.clone() actions=editable.then(|| (month.clone(), csrf.clone())) />
            <TotalsList totals=m.totals payable=m.payable.clone() />
            {m.amount.clone().map(|a| view! { <p class="amount">{format!("{}: ", l.t(T::Amount))}<strong>{format!("{a} kr")}</strong></p> })}
            {m.amount_missing.then(|| view! { <p class="amount muted">{format!("{}: ", l.t(T::Amount))}{l.t(T::AmountNoStandard)}</p> })}
            {can_submit.then(|| view! {
                <form method="post" action=paths::MONTH_SUBMIT class="stack submit-month">
                    <FormKeys csrf=csrf.clone() />
                    <input type="hidden" name="recipient" value=m.recipient.id.to_string() />
                    <input type="hidden" name="manad" value=month.clone() />
                    <div class="check">
                        <input type="checkbox" id=format!("attest-{}", m.recipient.id) name="attest" />
                        <label for=format!("attest-{}", m.recipient.id)>{l.t(T::SubmitAttest)}</label>
                    </div>
                    {signing.password.then(|| view! { <button type="submit" class="primary">{l.t(T::SubmitMonth)}</button> })}
                    {signing.eid.then(|| view! {
                        <input type="hidden" name="hash" value=m.content_hash.clone() />
                        <p class="muted">{l.t(T::SubmitWithEidHint)}</p>
                        <button type="submit" name="sign" value="eid" class="primary">{l.t(T::SubmitWithEid)}</button>
                    })}
                </form>
            })}
            {can_withdraw.then(|| view! {
                <form method="post" action=paths::MONTH_WITHDRAW class="stack withdraw-month">
                    <FormKeys csrf=csrf.clone() />
                    <input type="hidden" name="recipient" value=m.recipient.id.to_string() />
                    <input type="hidden" name="manad" value=month.clone() />
                    <p class="muted" id=format!("withdraw-help-{}", m.recipient.id)>{l.t(T::WithdrawHelp)}</p>
                    <button type="submit" aria-describedby=format!("withdraw-help-{}", m.recipient.id)>{l.t(T::WithdrawMonth)}</button>
                </form>
            })}
        </section>
    }
}

/// "Which of the two 02:00–02:59?" for one end of the row (`fold` or `fold_end`).
/// Takes the locale as an argument: in the browser an island has no app context.
fn fold_question(
    l: Locale,
    name: &'static str,
    label: T,
    choice: RwSignal<String>,
    touched: impl Fn() + 'static,
) -> impl IntoView {
    let label = l.t(label);
    let v = choice.get_untracked();
    view! {
        <div class="field">
            <label for=name>{label}</label>
            <select id=name name=name on:change:target=move |ev| { choice.set(ev.target().value()); touched() }>
                <option value="" selected=v.is_empty()>{l.t(T::FoldChoose)}</option>
                <option value="summer" selected=v == "summer">{l.t(T::FoldSummer)}</option>
                <option value="winter" selected=v == "winter">{l.t(T::FoldWinter)}</option>
            </select>
        </div>
    }
}

fn messages(errors: &[RowError], field: RowField, l: Locale) -> Option<String> {
    let m: Vec<String> =
        errors.iter().filter(|e| e.field() == field).map(|e| e.message(l)).collect();
    (!m.is_empty()).then(|| m.join(" "))
}

/// The server's verdict on a refused row, per field, in the page's language: what [`RowForm`]
/// shows until a field is changed. Sent as text rather than as the `RowError`s: deserialising
/// those (the rules' findings among them) took some 40 KB of the phone's wasm (twiggy) to
/// produce messages the server had already written.
fn said(errors: &[RowError], l: Locale) -> Vec<(RowField, String)> {
    RowField::ALL.into_iter().filter_map(|f| messages(errors, f, l).map(|m| (f, m))).collect()
}

/// The add-row form. Rendered on the server with what was typed and what was wrong; in the
/// browser it checks each field as it is typed with the same domain rules the server runs.
/// It posts as a plain form, so it works the same without JavaScript.
#[island]
pub fn RowForm(
    locale: Locale,
    recipients: Vec<Person>,
    facts: Vec<RowFacts>,
    rules: RuleConfig,
    values: RowInput,
    said: Vec<(RowField, String)>,
    csrf: String,
    form_key: String,
    editing: Option<i64>,
) -> impl IntoView {
    let l = locale;
    let recipient = RwSignal::new(values.recipient.clone());
    let date = RwSignal::new(values.date.clone());
    let start = RwSignal::new(values.start.clone());
    let end = RwSignal::new(values.end.clone());
    let next_day = RwSignal::new(values.next_day);
    let kind = RwSignal::new(values.kind.clone());
    let fold = RwSignal::new(values.fold.clone());
    let fold_end = RwSignal::new(values.fold_end.clone());
    let touched = RwSignal::new(Vec::<RowField>::new());
    let has_server_errors = !said.is_empty();
    let said = StoredValue::new(said);
    let touch = move |f: RowField| {
        touched.update(|t| {
            if !t.contains(&f) {
                t.push(f)
            }
        })
    };

    let parsed = Memo::new(move |_| {
        RowInput {
            recipient: recipient.get(),
            date: date.get(),
            start: start.get(),
            end: end.get(),
            next_day: next_day.get(),
            kind: kind.get(),
            fold: fold.get(),
            fold_end: fold_end.get(),
        }
        .parse()
    });
    // A field shows the server's verdict until it is changed, then the live one.
    let error_for = move |f: RowField| -> Option<String> {
        if touched.with(|t| t.contains(&f)) {
            match parsed.get() {
                Ok(_) => None,
                Err(errs) => messages(&errs, f, l),
            }
        } else {
            said.with_value(|s| s.iter().find(|(field, _)| *field == f).map(|(_, m)| m.clone()))
        }
    };
    let duration =
        move || parsed.get().ok().map(|r| (r.minutes(), r.minutes() != r.clock_minutes()));
    // The engine's per-row rules (V2, V4, V5, V8), run here exactly as on the server.
    let facts = StoredValue::new(facts);
    let rules = StoredValue::new(rules);
    let live = Memo::new(move |_| {
        let Ok(row) = parsed.get() else { return vec![] };
        let Some(rid) = crate::domain::text::id(&recipient.get()) else { return vec![] };
        facts.with_value(|fs| {
            fs.iter()
                .find(|f| f.recipient == rid)
                .map(|f| {
                    check_row(
                        &RowRecord { id: 0, assistant: 0, recipient: rid, row: row.clone() },
                        row.month(),
                        f,
                        &rules.get_value(),
                    )
                })
                .unwrap_or_default()
        })
    });
    // The autumn-hour question appears when a time is ambiguous (and stays once answered). The
    // server's verdict needs no looking at: it parsed the same values `parsed` starts from.
    let ambiguous = |e: &RowError| matches!(e, RowError::TimeAmbiguous(_));
    let initially_ambiguous = !values.fold.is_empty();
    // A memo, so the question is re-rendered only when it appears or goes, never while in use.
    let show_fold = Memo::new(move |_| {
        initially_ambiguous
            || !fold.get().is_empty()
            || parsed.get().err().is_some_and(|e| e.iter().any(ambiguous))
    });
    // Both ends in the repeated hour (the first 02:30 to the second): the end gets its own choice.
    let both_ambiguous = move |s: &str, e: &str, d: &str, next: bool| {
        let input = RowInput {
            date: d.into(),
            start: s.into(),
            end: e.into(),
            next_day: next,
            kind: "aktiv".into(),
            recipient: "x".into(),
            ..Default::default()
        };
        input.parse().err().is_some_and(|errs| errs.iter().filter(|e| ambiguous(e)).count() == 2)
    };
    let initially_both = !values.fold_end.is_empty()
        || both_ambiguous(&values.start, &values.end, &values.date, values.next_day);
    let show_fold_end = Memo::new(move |_| {
        initially_both
            || !fold_end.get().is_empty()
            || both_ambiguous(&start.get(), &end.get(), &date.get(), next_day.get())
    });

    // Progressive enhancement: what is in the fields when the script arrives (typed before it
    // loaded) is the state, not the server's first render. Read once on hydration and again
    // before judging a submit, so the live checks and the server judge the same values.
    let recipient_ref = NodeRef::<leptos::html::Select>::new();
    let date_ref = NodeRef::<leptos::html::Input>::new();
    let start_ref = NodeRef::<leptos::html::Input>::new();
    let end_ref = NodeRef::<leptos::html::Input>::new();
    let next_ref = NodeRef::<leptos::html::Input>::new();
    let kind_refs: [NodeRef<leptos::html::Input>; 3] =
        [NodeRef::new(), NodeRef::new(), NodeRef::new()];
    let sync = move || {
        let set = |sig: RwSignal<String>, v: Option<String>| {
            if let Some(v) = v.filter(|v| *v != sig.get_untracked()) {
                sig.set(v);
            }
        };
        set(recipient, recipient_ref.get_untracked().map(|e| e.value()));
        set(date, date_ref.get_untracked().map(|e| e.value()));
        set(start, start_ref.get_untracked().map(|e| e.value()));
        set(end, end_ref.get_untracked().map(|e| e.value()));
        if let Some(checked) =
            next_ref.get_untracked().map(|e| e.checked()).filter(|c| *c != next_day.get_untracked())
        {
            next_day.set(checked);
        }
        let checked_kind = kind_refs
            .iter()
            .zip(TimeKind::ALL)
            .find(|(r, _)| r.get_untracked().is_some_and(|e| e.checked()))
            .map(|(_, k)| k.code().to_string());
        set(kind, checked_kind);
    };
    Effect::new(move |_| sync());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        sync();
        let blocked = live.with_untracked(|f| f.iter().any(blocks_saving));
        if parsed.get_untracked().is_err() || blocked {
            ev.prevent_default();
            touched.set(RowField::ALL.to_vec());
        }
    };

    let field_error = move |f: RowField| {
        let id = format!("err-{}", f.name());
        view! { <p class="field-error" id=id aria-live="polite">{move || error_for(f)}</p> }
    };
    let invalid = move |f: RowField| move || error_for(f).is_some().to_string();
    let described = |f: RowField| format!("err-{}", f.name());

    view! {
        <form method="post" action=if editing.is_some() { paths::ROW_EDIT } else { paths::ROW_ADD } class="stack row-form" id="row-form" novalidate on:submit=on_submit>
            <input type="hidden" name="csrf" value=csrf />
            <input type="hidden" name="idem" value=form_key />
            {editing.map(|id| view! { <input type="hidden" name="rad" value=id.to_string() /> })}
            {has_server_errors.then(|| view! { <p class="alert" role="alert">{l.t(T::FormHasErrors)}</p> })}
            <div class="field">
                <label for="recipient">{l.t(T::Recipient)}</label>
                <select id="recipient" name="recipient" node_ref=recipient_ref aria-required="true" aria-invalid=invalid(RowField::Recipient)
                    aria-describedby=described(RowField::Recipient)
                    on:change:target=move |ev| { recipient.set(ev.target().value()); touch(RowField::Recipient) }>
                    <option value="" selected=values.recipient.is_empty()>{l.t(T::ChooseRecipient)}</option>
                    {recipients.into_iter().map(|p| {
                        let id = p.id.to_string();
                        let selected = id == values.recipient;
                        view! { <option value=id selected=selected>{p.name}</option> }
                    }).collect_view()}
                </select>
                {field_error(RowField::Recipient)}
            </div>
            <div class="field">
                <label for="date">{l.t(T::Date)}</label>
                <input id="date" name="date" type="date" node_ref=date_ref value=values.date.clone() aria-required="true"
                    aria-invalid=invalid(RowField::Date) aria-describedby=described(RowField::Date)
                    on:input:target=move |ev| { date.set(ev.target().value()); touch(RowField::Date) } />
                {field_error(RowField::Date)}
            </div>
            <div class="times">
                <div class="field">
                    <label for="start">{l.t(T::Start)}</label>
                    <input id="start" name="start" type="time" node_ref=start_ref value=values.start.clone() aria-required="true"
                        aria-invalid=invalid(RowField::Start) aria-describedby=described(RowField::Start)
                        on:input:target=move |ev| { start.set(ev.target().value()); touch(RowField::Start) } />
                    {field_error(RowField::Start)}
                </div>
                <div class="field">
                    <label for="end">{l.t(T::End)}</label>
                    <input id="end" name="end" type="time" node_ref=end_ref value=values.end.clone() aria-required="true"
                        aria-invalid=invalid(RowField::End) aria-describedby=described(RowField::End)
                        on:input:target=move |ev| { end.set(ev.target().value()); touch(RowField::End) } />
                    {field_error(RowField::End)}
                </div>
            </div>
            {move || show_fold.get().then(|| fold_question(l, "fold", T::FoldQuestion, fold, move || { touch(RowField::Start); touch(RowField::End) }))}
            {move || show_fold_end.get().then(|| fold_question(l, "fold_end", T::FoldEndQuestion, fold_end, move || touch(RowField::End)))}
            <div class="check">
                <input type="checkbox" id="next_day" name="next_day" node_ref=next_ref checked=values.next_day
                    on:change:target=move |ev| { next_day.set(ev.target().checked()); touch(RowField::End) } />
                <label for="next_day">{l.t(T::NextDay)}</label>
            </div>
            <fieldset class="kinds" aria-describedby=described(RowField::Kind)>
                <legend>{l.t(T::Kind)}</legend>
                {TimeKind::ALL.into_iter().zip(kind_refs).map(|(k, kind_ref)| {
                    let id = format!("kind-{}", k.code());
                    view! {
                        <div class="check">
                            <input type="radio" id=id.clone() name="kind" node_ref=kind_ref value=k.code() checked=values.kind == k.code()
                                on:change=move |_| { kind.set(k.code().to_string()); touch(RowField::Kind) } />
                            <label for=id>{k.label(l)}</label>
                        </div>
                    }
                }).collect_view()}
                {field_error(RowField::Kind)}
            </fieldset>
            <p class="duration" aria-live="polite">
                {move || duration().map(|(m, dst)| view! {
                    {l.t(T::Duration)} ": " <strong>{m.to_string()}</strong>
                    {dst.then(|| view! { <span class="muted">" " {l.t(T::DstNote)}</span> })}
                })}
            </p>
            <div aria-live="polite" class="live-findings">
                {move || view! { <FindingsList locale=l findings=live.get() /> }}
            </div>
            <button type="submit" class="primary">{l.t(if editing.is_some() { T::SaveChange } else { T::SaveRow })}</button>
        </form>
    }
}
