//! Schedules (issue 27): the planner's overview and a recipient's schedule, the
//! administrator's work leaders, and the assistant's planned shifts and calendar. Plain forms
//! and links: the same with and without JavaScript. The hours against the decision are a
//! picture (an SVG bar) with the numbers beside it.

use super::card::{HandOver, account_button};
use super::month::FindingsList;
use super::{FlashMessages, FormKeys, Layout, PageFailure, month_query};
use crate::domain::{MonthStatus, ReportMonth, RowError, TimeKind};
use crate::endpoints;
use crate::i18n::{Label, Locale, Message, T};
use crate::model::schedule::*;
use crate::model::{Flash, Person};
use crate::paths;
use leptos::prelude::*;

const DAYS: [T; 7] = [T::DayMon, T::DayTue, T::DayWed, T::DayThu, T::DayFri, T::DaySat, T::DaySun];

fn day(l: Locale, weekday: u8) -> &'static str {
    l.t(DAYS[usize::from(weekday.min(6))])
}

/// Granted, planned and reported hours as a bar that needs no script: the planned hours as a
/// light bar, the reported as a dark one over it, the grant as a line. The picture is hidden
/// from screen readers; the numbers beside it say the same.
#[component]
pub fn HoursBarView(bar: HoursBar, #[prop(optional)] label: String) -> impl IntoView {
    let l = expect_context::<Locale>();
    let granted = bar.granted.clone().unwrap_or_else(|| l.t(T::HoursNoDecision).to_string());
    let unit = l.t(T::HoursUnit);
    view! {
        <div class=if bar.over { "hours over" } else { "hours" }>
            <svg class="hours-bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true" focusable="false">
                <rect class="track" x="0" y="2" width="100" height="8" />
                <rect class="planned" x="0" y="2" width=bar.planned_pct.to_string() height="8" />
                <rect class="reported" x="0" y="4" width=bar.reported_pct.to_string() height="4" />
                {bar.granted.is_some().then(|| view! {
                    <rect class="granted" x=bar.granted_pct.min(99).to_string() y="0" width="1" height="12" />
                })}
            </svg>
            <dl class="hours-figures" aria-label=if label.is_empty() { l.t(T::HoursBarTitle).to_string() } else { label }>
                <div><dt>{l.t(T::HoursGranted)}</dt><dd>{format!("{granted} {unit}")}</dd></div>
                <div><dt>{l.t(T::HoursPlanned)}</dt><dd>{format!("{} {unit}", bar.planned)}</dd></div>
                <div><dt>{l.t(T::HoursReported)}</dt><dd>{format!("{} {unit}", bar.reported)}</dd></div>
                {bar.left.clone().map(|left| view! { <div><dt>{l.t(T::HoursLeft)}</dt><dd>{format!("{left} {unit}")}</dd></div> })}
            </dl>
            {bar.over.then(|| view! { <p class="alert">{l.t(T::HoursOver)}</p> })}
        </div>
    }
}

/// Previous and next month of a page whose address has more than the month.
fn month_links(l: Locale, base: &str, month: ReportMonth) -> impl IntoView + use<> {
    let sep = if base.contains('?') { '&' } else { '?' };
    let prev = format!("{base}{sep}manad={}", month.previous());
    let next = format!("{base}{sep}manad={}", month.next());
    view! {
        <nav class="month-nav" aria-label=l.t(T::Month)>
            <a href=prev rel="prev">"‹ " {l.t(T::PreviousMonth)}</a>
            <strong>{month.to_string()}</strong>
            <a href=next rel="next">{l.t(T::NextMonth)} " ›"</a>
        </nav>
    }
}

fn errors_list(l: Locale, errors: &[RowError]) -> impl IntoView + use<> {
    (!errors.is_empty()).then(|| {
        view! { <ul class="alert">{errors.iter().map(|e| view! { <li>{e.message(l)}</li> }).collect_view()}</ul> }
    })
}

fn skipped_list(l: Locale, flash: &Flash) -> impl IntoView + use<> {
    (!flash.skipped.is_empty()).then(|| {
        view! {
            <div class="alert" role="alert">
                <p>{l.t(T::ScheduleNotPlanned)}</p>
                <ul>{flash.skipped.iter().map(|(what, why)| view! { <li>{format!("{what}: {}", why.message(l))}</li> }).collect_view()}</ul>
            </div>
        }
    })
}

/// `/schema`: the planner's recipients and the follow-up.
#[component]
pub fn SchedulesView() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_schedules_page(month).await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let m = page.month;
                        let csrf = page.me.csrf.clone();
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <h1>{l.t(T::ScheduleTitle)}</h1>
                                <p class="muted">{l.t(T::ScheduleIntro)}</p>
                                <FlashMessages notice=page.flash.notice error=page.flash.error count=page.flash.count />
                                {month_links(l, paths::SCHEDULES_PAGE, m)}
                                {page.recipients.is_empty().then(|| view! { <p>{l.t(T::ScheduleNoRecipients)}</p> })}
                                <ul class="plain schedules">
                                    {page.recipients.iter().map(|s| {
                                        let href = format!("{}?id={}&manad={m}", paths::SCHEDULE_PAGE, s.recipient.id);
                                        let state = if !s.made { T::ScheduleNotMade } else if s.published { T::SchedulePublishedState } else { T::ScheduleDraftState };
                                        view! {
                                            <li class="card">
                                                <h2><a href=href>{s.recipient.name.clone()}</a></h2>
                                                <p>{l.t(state)}</p>
                                                {s.made.then(|| view! {
                                                    <p class="muted">
                                                        {format!("{}: {} · {}: {} · {}: {}", l.t(T::ScheduleShifts), s.shifts, l.t(T::ScheduleVacant), s.vacant, l.t(T::ScheduleFlagged), s.flagged)}
                                                    </p>
                                                })}
                                                <HoursBarView bar=s.bar.clone() label=format!("{}: {}", l.t(T::HoursBarTitle), s.recipient.name) />
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                                <section class="card" aria-labelledby="follow-up-title">
                                    <h2 id="follow-up-title">{l.t(T::FollowUpTitle)}</h2>
                                    <p class="muted">{l.t(T::FollowUpIntro)}</p>
                                    {if page.pairs.is_empty() {
                                        view! { <p>{l.t(T::FollowUpNone)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <div class="table-wrap" tabindex="0" role="region" aria-label=l.t(T::FollowUpTitle)>
                                                <table>
                                                    <caption class="sr-only">{l.t(T::FollowUpTitle)}</caption>
                                                    <thead><tr>
                                                        <th scope="col">{l.t(T::Assistant)}</th>
                                                        <th scope="col">{l.t(T::Recipient)}</th>
                                                        <th scope="col" class="num">{l.t(T::HoursPlanned)}</th>
                                                        <th scope="col" class="num">{l.t(T::HoursReported)}</th>
                                                        <th scope="col" class="num">{l.t(T::FollowUpUnconfirmed)}</th>
                                                        <th scope="col">{l.t(T::Status)}</th>
                                                        <th scope="col"><span class="sr-only">{l.t(T::FollowUpActions)}</span></th>
                                                    </tr></thead>
                                                    <tbody>
                                                        {page.pairs.iter().map(|p| {
                                                            let row_class = if p.unconfirmed > 0 { "attention" } else { "" };
                                                            view! {
                                                            <tr class=row_class>
                                                                <td>{p.assistant.name.clone()}</td>
                                                                <td>{p.recipient.name.clone()}</td>
                                                                <td class="num">{p.planned.clone()}</td>
                                                                <td class="num">{p.reported.clone()}</td>
                                                                <td class="num">{p.unconfirmed}</td>
                                                                <td>{p.status.label(l)}</td>
                                                                <td>
                                                                    {p.key.filter(|_| p.status == MonthStatus::Approved).map(|key| view! {
                                                                        <super::AttestForm csrf=csrf.clone() key=key.to_string() month=m.to_string()
                                                                            label=format!("{}: {} – {}", l.t(T::Attest), p.assistant.name, p.recipient.name) />
                                                                    })}
                                                                    {p.waiting.then(|| view! {
                                                                        <form method="post" action=paths::REMIND class="inline">
                                                                            <FormKeys csrf=csrf.clone() />
                                                                            <input type="hidden" name="assistant" value=p.assistant.id.to_string() />
                                                                            <input type="hidden" name="recipient" value=p.recipient.id.to_string() />
                                                                            <input type="hidden" name="manad" value=m.to_string() />
                                                                            <button type="submit" class="link" aria-label=format!("{}: {} – {}", l.t(T::Remind), p.assistant.name, p.recipient.name)>{l.t(T::Remind)}</button>
                                                                        </form>
                                                                    })}
                                                                </td>
                                                            </tr>
                                                        }}).collect_view()}
                                                    </tbody>
                                                </table>
                                            </div>
                                        }.into_any()
                                    }}
                                    {(page.to_remind > 0).then(|| view! {
                                        <form method="post" action=paths::SCHEDULE_REMIND class="stack">
                                            <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                            <input type="hidden" name="manad" value=m.to_string() />
                                            <p class="muted">{l.t(T::RemindUnconfirmedHint)}</p>
                                            <button type="submit">{format!("{} ({})", l.t(T::RemindUnconfirmed), page.to_remind)}</button>
                                        </form>
                                    })}
                                </section>
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

fn kind_select(l: Locale, id: String) -> impl IntoView + use<> {
    view! {
        <select id=id name="kind">
            {TimeKind::ALL.into_iter().map(|k| view! { <option value=k.code()>{k.label(l)}</option> }).collect_view()}
        </select>
    }
}

fn assistant_select(
    l: Locale,
    id: String,
    assistants: &[Person],
    chosen: Option<i64>,
) -> impl IntoView + use<> {
    view! {
        <select id=id name="assistant">
            <option value="" selected=chosen.is_none()>{l.t(T::Vacant)}</option>
            {assistants.iter().map(|a| view! {
                <option value=a.id.to_string() selected=chosen == Some(a.id)>{a.name.clone()}</option>
            }).collect_view()}
        </select>
    }
}

fn state_label(s: PlannedState) -> T {
    match s {
        PlannedState::Open => T::StateOpen,
        PlannedState::Confirmed => T::StateConfirmed,
        PlannedState::NotWorked => T::StateNotWorked,
        PlannedState::Cancelled => T::StateCancelled,
    }
}

fn shift_time(s: &PlannedView) -> String {
    format!("{}–{}{}", s.start, s.end, if s.next_day { " (+1)" } else { "" })
}

/// `/schema/brukare?id=…&manad=…`: one recipient's base schedule and month.
#[component]
pub fn ScheduleView() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    let id = leptos_router::hooks::use_query_map().read_untracked().get("id");
    let swap = leptos_router::hooks::use_query_map().read_untracked().get("byt");
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_schedule_page(id, month, swap).await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let m = page.month;
                        let r = page.recipient.id;
                        let csrf = page.me.csrf.clone();
                        let key = page.form_key.clone();
                        let assistants = page.assistants.clone();
                        let base_form = {
                            let (weeks, starts) = page.base.as_ref().map(|b| (b.weeks.to_string(), b.starts_on.clone())).unwrap_or_else(|| ("2".into(), String::new()));
                            view! {
                                <form method="post" action=paths::SCHEDULE_BASE class="stack">
                                    <FormKeys csrf=csrf.clone() key=key.clone() />
                                    <input type="hidden" name="recipient" value=r.to_string() />
                                    <input type="hidden" name="manad" value=m.to_string() />
                                    <div class="field">
                                        <label for="base-weeks">{l.t(T::BaseWeeks)}</label>
                                        <input id="base-weeks" name="weeks" type="number" min="1" max="8" inputmode="numeric" value=weeks />
                                    </div>
                                    <div class="field">
                                        <label for="base-start">{l.t(T::BaseStartsOn)}</label>
                                        <input id="base-start" name="starts_on" type="date" value=starts />
                                    </div>
                                    <button type="submit">{l.t(T::BaseSave)}</button>
                                </form>
                            }
                        };
                        let base_shifts = page.base.as_ref().map(|b| {
                            let weeks = b.weeks;
                            view! {
                                {(!b.shifts.is_empty()).then(|| view! {
                                    <ul class="plain base-shifts">
                                        {b.shifts.iter().map(|s| {
                                            let who = s.assistant.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| l.t(T::Vacant).to_string());
                                            let what = format!("{} {}, {} {}–{}, {}: {}", l.t(T::Week), s.week, day(l, s.weekday), s.start, s.end, s.kind.label(l), who);
                                            view! {
                                                <li>
                                                    <span>{what.clone()}</span>
                                                    <form method="post" action=paths::SCHEDULE_BASE_SHIFT_DELETE class="inline">
                                                        <FormKeys csrf=csrf.clone() />
                                                        <input type="hidden" name="recipient" value=r.to_string() />
                                                        <input type="hidden" name="manad" value=m.to_string() />
                                                        <input type="hidden" name="shift" value=s.id.to_string() />
                                                        <button type="submit" class="link" aria-label=format!("{}: {what}", l.t(T::RemoveShift))>{l.t(T::RemoveShift)}</button>
                                                    </form>
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                })}
                                <form method="post" action=paths::SCHEDULE_BASE_SHIFT class="stack" aria-labelledby="add-base-title">
                                    <h3 id="add-base-title">{l.t(T::AddShiftTitle)}</h3>
                                    <FormKeys csrf=csrf.clone() key=crate::model::new_form_key() />
                                    <input type="hidden" name="recipient" value=r.to_string() />
                                    <input type="hidden" name="manad" value=m.to_string() />
                                    <div class="field">
                                        <label for="bs-week">{l.t(T::Week)}</label>
                                        <select id="bs-week" name="week">
                                            {(1..=weeks).map(|w| view! { <option value=w.to_string()>{w}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="bs-day">{l.t(T::Weekday)}</label>
                                        <select id="bs-day" name="weekday">
                                            {(0u8..7).map(|d| view! { <option value=d.to_string()>{day(l, d)}</option> }).collect_view()}
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="bs-start">{l.t(T::Start)}</label>
                                        <input id="bs-start" name="start" type="text" inputmode="numeric" placeholder="07:00" maxlength="5" required />
                                    </div>
                                    <div class="field">
                                        <label for="bs-end">{l.t(T::End)}</label>
                                        <input id="bs-end" name="end" type="text" inputmode="numeric" placeholder="16:00" maxlength="5" required />
                                    </div>
                                    <div class="field">
                                        <label for="bs-kind">{l.t(T::Kind)}</label>
                                        {kind_select(l, "bs-kind".into())}
                                    </div>
                                    <div class="field">
                                        <label for="bs-assistant">{l.t(T::Assistant)}</label>
                                        {assistant_select(l, "bs-assistant".into(), &assistants, None)}
                                    </div>
                                    <button type="submit" class="primary">{l.t(T::AddShift)}</button>
                                </form>
                            }
                        });
                        let plan = match page.plan.clone() {
                            None => view! {
                                <p>{l.t(T::MonthPlanNone)}</p>
                                {page.base.is_some().then(|| view! {
                                    <form method="post" action=paths::SCHEDULE_MAKE>
                                        <FormKeys csrf=csrf.clone() key=key.clone() />
                                        <input type="hidden" name="recipient" value=r.to_string() />
                                        <input type="hidden" name="manad" value=m.to_string() />
                                        <button type="submit" class="primary">{l.t(T::MakeMonth)}</button>
                                    </form>
                                })}
                            }.into_any(),
                            Some(plan) => {
                                let open: Vec<(i64, String)> = plan.shifts.iter()
                                    .filter(|s| s.state == PlannedState::Open)
                                    .map(|s| (s.id, format!("{} {} {}", s.date, shift_time(s), s.assistant.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| l.t(T::Vacant).to_string()))))
                                    .collect();
                                let fine = plan.shifts.iter().all(|s| s.findings.is_empty() && !s.not_assigned);
                                view! {
                                    <p>{match &plan.published {
                                        Some(at) => format!("{} {at}", l.t(T::PublishedAt)),
                                        None => l.t(T::ScheduleDraftState).to_string(),
                                    }}</p>
                                    {fine.then(|| view! { <p class="notice">{l.t(T::PlanChecksFine)}</p> })}
                                    <ol class="plain planned">
                                        {plan.shifts.iter().map(|s| {
                                            let anchor = format!("pass-{}", s.id);
                                            let who = s.assistant.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| l.t(T::Vacant).to_string());
                                            let what = format!("{} {}, {}", day(l, s.weekday), s.date, shift_time(s));
                                            let flagged = !s.findings.is_empty() || s.not_assigned;
                                            let changeable = s.state == PlannedState::Open;
                                            let sel_id = format!("sub-{}", s.id);
                                            let swap_id = format!("swap-{}", s.id);
                                            // The swap's list only for the shift being swapped.
                                            let swapping = page.swapping == Some(s.id);
                                            let others: Vec<(i64, String)> = if swapping { open.iter().filter(|(id, _)| *id != s.id).cloned().collect() } else { vec![] };
                                            let swap_link = format!("{}?id={r}&manad={m}&byt={}#pass-{}", paths::SCHEDULE_PAGE, s.id, s.id);
                                            view! {
                                                <li id=anchor class=if flagged { "card shift flagged" } else { "card shift" }>
                                                    <h3>{what.clone()}</h3>
                                                    <p>
                                                        {format!("{} · {} {} · {who}", s.kind.label(l), s.hours, l.t(T::HoursUnit))}
                                                        {s.extra.then(|| view! { " · " <span class="tag">{l.t(T::ExtraShift)}</span> })}
                                                        " · " <span class="tag">{l.t(state_label(s.state))}</span>
                                                    </p>
                                                    {s.dst.then(|| view! { <p class="muted">{l.t(T::DstNote)}</p> })}
                                                    {s.not_assigned.then(|| view! { <p class="alert">{l.t(T::PlanNotAssigned)}</p> })}
                                                    <FindingsList locale=l findings=s.findings.clone() />
                                                    {changeable.then(|| view! {
                                                        <details open=swapping>
                                                            <summary>{format!("{}: {what}", l.t(T::Substitute))}</summary>
                                                            <form method="post" action=paths::SCHEDULE_CHANGE class="stack">
                                                                <FormKeys csrf=csrf.clone() />
                                                                <input type="hidden" name="shift" value=s.id.to_string() />
                                                                <input type="hidden" name="change" value="assistent" />
                                                                <div class="field">
                                                                    <label for=sel_id.clone()>{l.t(T::Assistant)}</label>
                                                                    {assistant_select(l, sel_id.clone(), &assistants, s.assistant.as_ref().map(|a| a.id))}
                                                                </div>
                                                                <button type="submit">{l.t(T::Substitute)}</button>
                                                            </form>
                                                            {(!swapping && open.len() > 1).then(|| view! {
                                                                <p><a href=swap_link.clone()>{l.t(T::SwapWith)}</a></p>
                                                            })}
                                                            {(!others.is_empty()).then(|| view! {
                                                                <form method="post" action=paths::SCHEDULE_CHANGE class="stack">
                                                                    <FormKeys csrf=csrf.clone() />
                                                                    <input type="hidden" name="shift" value=s.id.to_string() />
                                                                    <input type="hidden" name="change" value="byt" />
                                                                    <div class="field">
                                                                        <label for=swap_id.clone()>{l.t(T::SwapWith)}</label>
                                                                        <select id=swap_id.clone() name="other">
                                                                            {others.iter().map(|(id, label)| view! { <option value=id.to_string()>{label.clone()}</option> }).collect_view()}
                                                                        </select>
                                                                    </div>
                                                                    <button type="submit">{l.t(T::Swap)}</button>
                                                                </form>
                                                            })}
                                                            <form method="post" action=paths::SCHEDULE_CHANGE>
                                                                <FormKeys csrf=csrf.clone() />
                                                                <input type="hidden" name="shift" value=s.id.to_string() />
                                                                <input type="hidden" name="change" value="stryk" />
                                                                <button type="submit">{l.t(T::CancelPlanned)}</button>
                                                            </form>
                                                        </details>
                                                    })}
                                                    {(s.state == PlannedState::Cancelled).then(|| view! {
                                                        <form method="post" action=paths::SCHEDULE_CHANGE>
                                                            <FormKeys csrf=csrf.clone() />
                                                            <input type="hidden" name="shift" value=s.id.to_string() />
                                                            <input type="hidden" name="change" value="aterstall" />
                                                            <button type="submit" aria-label=format!("{}: {what}", l.t(T::RestoreShift))>{l.t(T::RestoreShift)}</button>
                                                        </form>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ol>
                                    <section id="extra" aria-labelledby="extra-title">
                                        <h3 id="extra-title">{l.t(T::ExtraTitle)}</h3>
                                        <form method="post" action=paths::SCHEDULE_EXTRA class="stack">
                                            <FormKeys csrf=csrf.clone() key=crate::model::new_form_key() />
                                            <input type="hidden" name="recipient" value=r.to_string() />
                                            <input type="hidden" name="manad" value=m.to_string() />
                                            <div class="field">
                                                <label for="ex-date">{l.t(T::Date)}</label>
                                                <input id="ex-date" name="date" type="date" min=m.first_day().to_string() max=m.last_day().to_string() required />
                                            </div>
                                            <div class="field">
                                                <label for="ex-start">{l.t(T::Start)}</label>
                                                <input id="ex-start" name="start" type="text" inputmode="numeric" placeholder="07:00" maxlength="5" required />
                                            </div>
                                            <div class="field">
                                                <label for="ex-end">{l.t(T::End)}</label>
                                                <input id="ex-end" name="end" type="text" inputmode="numeric" placeholder="16:00" maxlength="5" required />
                                            </div>
                                            <div class="field">
                                                <label for="ex-kind">{l.t(T::Kind)}</label>
                                                {kind_select(l, "ex-kind".into())}
                                            </div>
                                            <div class="field">
                                                <label for="ex-assistant">{l.t(T::Assistant)}</label>
                                                {assistant_select(l, "ex-assistant".into(), &assistants, None)}
                                            </div>
                                            <button type="submit">{l.t(T::AddExtra)}</button>
                                        </form>
                                    </section>
                                    <form method="post" action=paths::SCHEDULE_PUBLISH>
                                        <FormKeys csrf=csrf.clone() key=key.clone() />
                                        <input type="hidden" name="recipient" value=r.to_string() />
                                        <input type="hidden" name="manad" value=m.to_string() />
                                        <button type="submit" class="primary">{l.t(if plan.published.is_some() { T::PublishAgain } else { T::PublishPlan })}</button>
                                    </form>
                                }.into_any()
                            }
                        };
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href=format!("{}?manad={m}", paths::SCHEDULES_PAGE)>{"‹ "}{l.t(T::ScheduleTitle)}</a></p>
                                <h1>{format!("{}: {}", l.t(T::ScheduleTitle), page.recipient.name)}</h1>
                                <FlashMessages notice=page.flash.notice error=page.flash.error count=page.flash.count />
                                {errors_list(l, &page.flash.plan_errors)}
                                {skipped_list(l, &page.flash)}
                                {month_links(l, &format!("{}?id={r}", paths::SCHEDULE_PAGE), m)}
                                <section class="card" aria-labelledby="bar-title">
                                    <h2 id="bar-title">{l.t(T::HoursBarTitle)}</h2>
                                    <HoursBarView bar=page.bar.clone() />
                                    {page.double.then(|| view! { <p class="muted">{l.t(T::ScheduleDouble)}</p> })}
                                </section>
                                <section class="card" aria-labelledby="plan-title">
                                    <h2 id="plan-title">{l.t(T::MonthPlanTitle)}</h2>
                                    {plan}
                                </section>
                                <section class="card" id="grundschema" aria-labelledby="base-title">
                                    <h2 id="base-title">{l.t(T::BaseTitle)}</h2>
                                    <p class="muted">{l.t(T::BaseIntro)}</p>
                                    {page.base.is_none().then(|| view! { <p>{l.t(T::BaseNone)}</p> })}
                                    {base_form}
                                    {base_shifts}
                                </section>
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// `/admin/arbetsledare`: the work leaders, their recipients, their logins.
#[component]
pub fn WorkLeadersView() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_work_leaders_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let all = page.recipients.clone();
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href="/admin">{"‹ "}{l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::WorkLeadersTitle)}</h1>
                                <p class="muted">{l.t(T::WorkLeadersIntro)}</p>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                <HandOver link=page.flash.link.clone() mailed=page.flash.mailed />
                                {page.leaders.is_empty().then(|| view! { <p>{l.t(T::WorkLeadersNone)}</p> })}
                                {page.leaders.iter().map(|w| {
                                    let title = format!("wl-{}", w.user);
                                    let give = format!("give-{}", w.user);
                                    let mine: Vec<i64> = w.recipients.iter().map(|r| r.id).collect();
                                    let left: Vec<Person> = all.iter().filter(|r| !mine.contains(&r.id)).cloned().collect();
                                    view! {
                                        <section class="card" aria-labelledby=title.clone()>
                                            <h2 id=title.clone()>{w.name.clone()}</h2>
                                            <p>
                                                {l.t(T::Username)} ": " <strong>{w.username.clone()}</strong>
                                                {(!w.active).then(|| view! { " (" {l.t(T::Inactive)} ")" })}
                                            </p>
                                            <div class="actions">
                                                {account_button(l, csrf.clone(), "work_leader", w.user, None, "link", T::NewInvitation, &w.name)}
                                                {if w.active {
                                                    account_button(l, csrf.clone(), "work_leader", w.user, None, "deactivate", T::Deactivate, &w.name)
                                                } else {
                                                    account_button(l, csrf.clone(), "work_leader", w.user, None, "activate", T::Activate, &w.name)
                                                }}
                                            </div>
                                            <h3>{l.t(T::WorkLeaderRecipients)}</h3>
                                            {w.recipients.is_empty().then(|| view! { <p>{l.t(T::WorkLeaderNoRecipients)}</p> })}
                                            <ul class="plain">
                                                {w.recipients.iter().map(|r| view! {
                                                    <li>
                                                        {r.name.clone()} " "
                                                        <form method="post" action=paths::WORK_LEADER_SCOPE class="inline">
                                                            <FormKeys csrf=csrf.clone() />
                                                            <input type="hidden" name="user" value=w.user.to_string() />
                                                            <input type="hidden" name="recipient" value=r.id.to_string() />
                                                            <input type="hidden" name="on" value="" />
                                                            <button type="submit" class="link" aria-label=format!("{}: {}, {}", l.t(T::WorkLeaderTake), r.name, w.name)>{l.t(T::WorkLeaderTake)}</button>
                                                        </form>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                            {(!left.is_empty()).then(|| view! {
                                                <form method="post" action=paths::WORK_LEADER_SCOPE class="stack">
                                                    <FormKeys csrf=csrf.clone() />
                                                    <input type="hidden" name="user" value=w.user.to_string() />
                                                    <input type="hidden" name="on" value="on" />
                                                    <div class="field">
                                                        <label for=give.clone()>{l.t(T::Recipient)}</label>
                                                        <select id=give name="recipient">
                                                            {left.iter().map(|r| view! { <option value=r.id.to_string()>{r.name.clone()}</option> }).collect_view()}
                                                        </select>
                                                    </div>
                                                    <button type="submit">{l.t(T::WorkLeaderGive)}</button>
                                                </form>
                                            })}
                                        </section>
                                    }
                                }).collect_view()}
                                <section class="card" aria-labelledby="wl-new-title">
                                    <h2 id="wl-new-title">{l.t(T::WorkLeaderAddTitle)}</h2>
                                    <form method="post" action=paths::WORK_LEADER_ADD class="stack">
                                        <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                        <div class="field">
                                            <label for="wl-name">{l.t(T::WorkLeaderName)}</label>
                                            <input id="wl-name" name="name" type="text" maxlength="100" autocomplete="off" required />
                                        </div>
                                        <div class="field">
                                            <label for="wl-username">{l.t(T::Username)}</label>
                                            <input id="wl-username" name="username" type="text" maxlength="64" autocomplete="off" autocapitalize="none" spellcheck="false" required />
                                        </div>
                                        <div class="field">
                                            <label for="wl-email">{l.t(T::Email)}</label>
                                            <p class="muted hint" id="hint-wl-email">{l.t(T::EmailHint)}</p>
                                            <input id="wl-email" name="email" type="email" autocomplete="off" aria-describedby="hint-wl-email" />
                                        </div>
                                        <button type="submit" class="primary">{l.t(T::WorkLeaderAdd)}</button>
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

/// One tap on a planned shift (confirmed, not worked), named with the shift (`what`). Its form
/// also carries whose it is, what it says and its month (`bita_user`, `what`, `manad`: the
/// phone's queue keeps, shows and returns to a tap made offline; the server ignores them).
#[allow(clippy::too_many_arguments)]
fn tap(
    l: Locale,
    csrf: &str,
    user: i64,
    s: &PlannedView,
    what: &str,
    action: &'static str,
    label: T,
    class: &'static str,
) -> impl IntoView + use<> {
    let said = format!("{}: {what}", l.t(label));
    view! {
        <form method="post" action=action class="inline">
            <FormKeys csrf=csrf.to_string() />
            <input type="hidden" name="shift" value=s.id.to_string() />
            <input type="hidden" name="bita_user" value=user.to_string() />
            <input type="hidden" name="what" value=said.clone() />
            <input type="hidden" name="manad" value=s.date.get(..7).unwrap_or_default().to_string() />
            <button type="submit" class=class aria-label=said>{l.t(label)}</button>
        </form>
    }
}

/// The assistant's planned shifts: one tap to confirm an ended shift as planned, the row form
/// filled from the plan when it went differently, or not worked; the coming ones to see ([`tap`]).
#[component]
pub fn PlannedCard(
    plan: AssistantPlan,
    csrf: String,
    errors: Vec<RowError>,
    user: i64,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let (ended, coming): (Vec<PlannedView>, Vec<PlannedView>) =
        plan.shifts.into_iter().partition(|s| s.ended);
    let line = move |s: &PlannedView| {
        format!(
            "{} {}, {}: {} ({})",
            day(l, s.weekday),
            s.date,
            shift_time(s),
            s.recipient.name,
            s.kind.label(l)
        )
    };
    view! {
        <section class="card" id="planerat" aria-labelledby="planned-title">
            <h2 id="planned-title">{l.t(T::PlannedTitle)}</h2>
            {errors_list(l, &errors)}
            {(ended.is_empty() && coming.is_empty()).then(|| view! { <p class="muted">{l.t(T::PlannedNone)}</p> })}
            <ul class="plain planned-mine">
                {ended.iter().map(|s| {
                    let what = line(s);
                    view! {
                        <li class="shift">
                            <p><strong>{what.clone()}</strong></p>
                            <div class="actions">
                                {tap(l, &csrf, user, s, &what, paths::PLANNED_CONFIRM, T::WorkedAsPlanned, "primary")}
                                <a class="button" href=format!("/assistent?planerat={}#add-row-title", s.id) aria-label=format!("{}: {what}", l.t(T::WorkedDifferently))>{l.t(T::WorkedDifferently)}</a>
                                {tap(l, &csrf, user, s, &what, paths::PLANNED_NOT_WORKED, T::DidNotWork, "")}
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!coming.is_empty()).then(|| view! {
                <h3>{l.t(T::PlannedUpcoming)}</h3>
                <ul class="plain planned-coming">
                    {coming.iter().map(|s| {
                        let what = line(s);
                        view! {
                            <li>
                                {what.clone()} " "
                                {tap(l, &csrf, user, s, &what, paths::PLANNED_NOT_WORKED, T::DidNotWork, "link")}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
        </section>
        <section class="card" id="kalender" aria-labelledby="calendar-title">
            <h2 id="calendar-title">{l.t(T::CalendarTitle)}</h2>
            <p class="muted">{l.t(T::CalendarIntro)}</p>
            {plan.calendar_link.map(|link| view! {
                <div class="notice" role="status">
                    <p>{l.t(T::CalendarLinkShown)}</p>
                    <p><code class="handover">{link}</code></p>
                </div>
            })}
            {plan.calendar.then(|| view! { <p>{l.t(T::CalendarActive)}</p> })}
            <div class="actions">
                <form method="post" action=paths::CALENDAR class="inline">
                    <FormKeys csrf=csrf.clone() />
                    <input type="hidden" name="on" value="on" />
                    <button type="submit">{l.t(if plan.calendar { T::CalendarRenew } else { T::CalendarMake })}</button>
                </form>
                {plan.calendar.then(|| view! {
                    <form method="post" action=paths::CALENDAR class="inline">
                        <FormKeys csrf=csrf.clone() />
                        <input type="hidden" name="on" value="" />
                        <button type="submit">{l.t(T::CalendarRemoveButton)}</button>
                    </form>
                })}
            </div>
        </section>
    }
}
