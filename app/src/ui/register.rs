//! The administrator's register pages: the assistants' list (search, paging, cards on a
//! phone) and the assistant form. Plain forms: everything works without JavaScript.

use super::{FlashMessages, FormKeys, Layout, PageFailure, Pager, SearchForm};
use crate::domain::register::{AssignmentError, AssignmentInput};
use crate::domain::register::{AssistantInput, RegError, RegField};
use crate::endpoints;
use crate::i18n::{Locale, Message, Reason, T};
use crate::model::{self, AssignmentView, AssistantListItem, Person};
use crate::paths;
use leptos::prelude::*;

fn query_param(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map().read_untracked().get(name)
}

fn regime_label(code: &str, l: Locale) -> &'static str {
    l.t(match code {
        "atl" => T::RegimeAtl,
        "husligt_arbete" => T::RegimeHusligt,
        _ => T::RegimeAbJ,
    })
}

#[component]
pub fn AssistantsPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let (q, p) = (query_param("q"), query_param("sida"));
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_assistants_page(q, p).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let (prev, next) = (page.prev.clone(), page.next.clone());
                            view! {
                                <Layout me=Some(page.me)>
                                    <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                    <h1>{l.t(T::AssistantsTitle)}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error />
                                    <p><a class="button" href="/admin/assistent">{l.t(T::NewAssistant)}</a></p>
                                    <SearchForm action="/admin/assistenter" query=page.query.clone() label=T::SearchByName />
                                    <p role="status">{format!("{} {}", page.total, l.t(T::AssistantsCount))}</p>
                                    <ul class="cards">
                                        {page.assistants.into_iter().map(|a: AssistantListItem| view! {
                                            <li class="card">
                                                <h2><a href=format!("/admin/assistent?id={}", a.id)>{a.name}</a></h2>
                                                <dl class="facts">
                                                    <div><dt>{l.t(T::Personnummer)}</dt><dd>{a.personnummer_masked}</dd></div>
                                                    <div><dt>{l.t(T::Regime)}</dt><dd>{regime_label(&a.regime, l)}</dd></div>
                                                    {(!a.phone.is_empty()).then(|| view! { <div><dt>{l.t(T::Phone)}</dt><dd>{a.phone.clone()}</dd></div> })}
                                                </dl>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    <Pager prev next page=page.page pages=page.pages />
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}

#[component]
pub fn RecipientsPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let (q, p) = (query_param("q"), query_param("sida"));
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_recipients_page(q, p).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => view! {
                            <Layout me=Some(page.me)>
                                <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::RecipientsTitle)}</h1>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                <p><a class="button" href="/admin/brukarkort">{l.t(T::NewRecipient)}</a></p>
                                <SearchForm action="/admin/brukarregister" query=page.query.clone() label=T::SearchByName />
                                <p role="status">{format!("{} {}", page.total, l.t(T::RecipientsCount))}</p>
                                <ul class="cards">
                                    {page.recipients.into_iter().map(|r| view! {
                                        <li class="card">
                                            <h2><a href=format!("/admin/brukarkort?id={}", r.id)>{r.name}</a></h2>
                                            <dl class="facts"><div><dt>{l.t(T::RecipientPersonnummer)}</dt><dd>{r.personnummer_masked}</dd></div></dl>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <Pager prev=page.prev next=page.next page=page.page pages=page.pages />
                            </Layout>
                        }.into_any(),
                    }
                })
            }
        </Suspense>
    }
}

#[component]
pub fn RecipientFormPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let id = query_param("id");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_recipient_form(id).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let e = page.errors.clone();
                            let v = page.values.clone();
                            let title = if page.id.is_some() { T::EditRecipient } else { T::NewRecipient };
                            let hint = page.personnummer_masked.clone().map(|m| format!("{} {m}. {}", l.t(T::PersonnummerNow), l.t(T::PersonnummerKeep)));
                            view! {
                                <Layout me=Some(page.me.clone())>
                                    <p><a href="/admin/brukarregister">"‹ " {l.t(T::RecipientsTitle)}</a></p>
                                    <h1>{l.t(title)}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error />
                                    <super::card::HandOver link=page.flash.link.clone() mailed=page.flash.mailed />
                                    {page.id.zip(page.personnummer_masked.clone()).map(|(id, masked)| view! {
                                        <super::card::PersonnummerShown owner="recipient" id csrf=page.me.csrf.clone() masked full=page.personnummer_full.clone() />
                                    })}
                                    <form method="post" action=paths::RECIPIENT_SAVE class="stack card" novalidate>
                                        <FormKeys csrf=page.me.csrf.clone() key=page.form_key.clone() />
                                        <input type="hidden" name="id" value=page.id.map(|i| i.to_string()).unwrap_or_default() />
                                        {(!e.is_empty()).then(|| view! { <p class="alert" role="alert">{l.t(T::FormNotSaved)}</p> })}
                                        {text_field(l, &e, RegField::Personnummer, T::RecipientPersonnummer, v.personnummer.clone(), "text", Some(hint.unwrap_or_else(|| l.t(T::PersonnummerHint).to_string())))}
                                        {text_field(l, &e, RegField::FirstName, T::FirstName, v.first_name.clone(), "text", None)}
                                        {text_field(l, &e, RegField::LastName, T::LastName, v.last_name.clone(), "text", None)}
                                        <button type="submit" class="primary">{l.t(T::Save)}</button>
                                    </form>
                                    {page.id.map(|id| view! {
                                        <DecisionsSection id csrf=page.me.csrf.clone() decisions=page.decisions.clone() typed=page.decision_form.clone() />
                                        <super::card::AbsencesSection recipient=id csrf=page.me.csrf.clone() absences=page.absences.clone() typed=page.absence_form.clone() />
                                        <super::card::AccountSection owner="recipient" id csrf=page.me.csrf.clone() account=page.account.clone() second_factor=page.second_factor />
                                        <super::card::RepresentativesSection recipient=id csrf=page.me.csrf.clone() representatives=page.representatives.clone() typed=page.representative_form.clone() />
                                    })}
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}

/// A recipient's decisions and a form for a new one.
#[component]
fn DecisionsSection(
    id: i64,
    csrf: String,
    decisions: Vec<model::DecisionView>,
    typed: Option<(
        crate::domain::register::DecisionInput,
        Vec<crate::domain::register::DecisionFormError>,
    )>,
) -> impl IntoView {
    use crate::domain::{Funder, Granted};
    let l = expect_context::<Locale>();
    let (v, errors) = typed.unwrap_or_else(|| {
        (
            crate::domain::register::DecisionInput {
                funder: "sfb".into(),
                granted_per: "month".into(),
                period_months: "6".into(),
                ..Default::default()
            },
            vec![],
        )
    });
    let empty = decisions.is_empty();
    let per = v.granted_per.clone();
    let funder = v.funder.clone();
    view! {
        <section class="card" aria-labelledby="decisions-title">
            <h2 id="decisions-title">{l.t(T::DecisionsTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{l.t(T::DecisionsNone)}</p> })}
            <ul class="cards">
                {decisions.into_iter().map(|d| {
                    let decision_id = d.id;
                    let d = d.decision;
                    let (per, m) = match d.granted {
                        Granted::PerWeek(m) => (l.t(T::PerWeek).to_string(), m),
                        Granted::PerMonth(m) => (l.t(T::PerMonth).to_string(), m),
                        Granted::PerPeriod { minutes, months } => (format!("{} ({months} {})", l.t(T::PerPeriod), l.t(T::MonthsShort)), minutes),
                    };
                    let funder = if d.funder == Funder::Lss { "LSS" } else { "SFB" };
                    let granted = [(d.vantetid_allowed, T::VantetidAllowed), (d.beredskap_allowed, T::BeredskapAllowed), (d.double_assistance, T::DoubleAssistance)]
                        .into_iter().filter(|(on, _)| *on).map(|(_, t)| l.t(t)).collect::<Vec<_>>().join(", ");
                    view! {
                        <li class="card">
                            <h3>{format!("{funder}: {m} / {per}")}</h3>
                            <p>{format!("{} – {}", d.valid_from, d.valid_to)}</p>
                            {(!granted.is_empty()).then(|| view! { <p>{granted}</p> })}
                            <super::card::EndDecision recipient=id decision=decision_id csrf=csrf.clone() label=format!("{funder} {} – {}", d.valid_from, d.valid_to) />
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{l.t(T::DecisionNew)}</h3>
            {(!errors.is_empty()).then(|| view! {
                <div class="alert" role="alert"><ul>{errors.iter().map(|e| view! { <li>{e.message(l)}</li> }).collect_view()}</ul></div>
            })}
            <form method="post" action=paths::DECISION_ADD class="stack" novalidate>
                <FormKeys csrf />
                <input type="hidden" name="recipient" value=id.to_string() />
                <fieldset class="kinds">
                    <legend>{l.t(T::Funder)}</legend>
                    {choice(l, "funder", "sfb", T::FunderSfb, funder == "sfb")}
                    {choice(l, "funder", "lss", T::FunderLss, funder == "lss")}
                </fieldset>
                <fieldset class="kinds">
                    <legend>{l.t(T::GrantedPer)}</legend>
                    {choice(l, "granted_per", "week", T::PerWeek, per == "week")}
                    {choice(l, "granted_per", "month", T::PerMonth, per == "month")}
                    {choice(l, "granted_per", "period", T::PerPeriod, per == "period")}
                </fieldset>
                <div class="field">
                    <label for="granted_hours">{l.t(T::GrantedHours)}</label>
                    <input id="granted_hours" name="granted_hours" type="text" inputmode="decimal" value=v.granted_hours.clone() />
                </div>
                <div class="field">
                    <label for="decision_period_months">{l.t(T::DecisionPeriodMonths)}</label>
                    <input id="decision_period_months" name="period_months" type="text" inputmode="numeric" value=v.period_months.clone() />
                </div>
                <div class="field">
                    <label for="decision_from">{l.t(T::ValidFrom)}</label>
                    <input id="decision_from" name="valid_from" type="date" value=v.valid_from.clone() />
                </div>
                <div class="field">
                    <label for="decision_to">{l.t(T::ValidTo)}</label>
                    <input id="decision_to" name="valid_to" type="date" value=v.valid_to.clone() />
                </div>
                {checkbox(l, "vantetid_allowed", T::VantetidAllowed, v.vantetid_allowed)}
                {checkbox(l, "beredskap_allowed", T::BeredskapAllowed, v.beredskap_allowed)}
                {checkbox(l, "double_assistance", T::DoubleAssistance, v.double_assistance)}
                <div class="field">
                    <label for="raised_rate">{l.t(T::RaisedRate)}</label>
                    <input id="raised_rate" name="raised_rate" type="text" inputmode="decimal" value=v.raised_rate.clone() />
                </div>
                <button type="submit">{l.t(T::AddDecision)}</button>
            </form>
        </section>
    }
}

/// One field's error text, if any.
fn field_error(errors: &[RegError], f: RegField, l: Locale) -> Option<String> {
    let m: Vec<String> = errors.iter().filter(|e| e.field() == f).map(|e| e.message(l)).collect();
    (!m.is_empty()).then(|| m.join(" "))
}

/// A labelled text input with its error tied to it.
fn text_field(
    l: Locale,
    errors: &[RegError],
    f: RegField,
    label: T,
    value: String,
    kind: &'static str,
    hint: Option<String>,
) -> impl IntoView + use<> {
    let err = field_error(errors, f, l);
    let name = f.name();
    let err_id = format!("err-{name}");
    let hint_id = format!("hint-{name}");
    let described = [hint.as_ref().map(|_| hint_id.clone()), err.as_ref().map(|_| err_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="field">
            <label for=name>{l.t(label)}</label>
            {hint.map(|h| view! { <p class="muted hint" id=hint_id.clone()>{h}</p> })}
            <input id=name name=name type=kind value=value aria-invalid=err.is_some().to_string()
                aria-describedby=(!described.is_empty()).then_some(described) />
            <p class="field-error" id=err_id>{err}</p>
        </div>
    }
}

fn choice(
    l: Locale,
    name: &'static str,
    value: &'static str,
    label: T,
    checked: bool,
) -> impl IntoView {
    let id = format!("{name}-{value}");
    view! {
        <div class="check">
            <input type="radio" id=id.clone() name=name value=value checked=checked />
            <label for=id>{l.t(label)}</label>
        </div>
    }
}

fn checkbox(l: Locale, name: &'static str, label: T, checked: bool) -> impl IntoView {
    view! {
        <div class="check">
            <input type="checkbox" id=name name=name checked=checked />
            <label for=name>{l.t(label)}</label>
        </div>
    }
}

#[component]
pub fn AssistantFormPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let id = query_param("id");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_assistant_form(id).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let v: AssistantInput = page.values.clone();
                            let e = page.errors.clone();
                            let title = if page.id.is_some() { T::EditAssistant } else { T::NewAssistant };
                            let pnr_hint = page.personnummer_masked.clone().map(|m| format!("{} {m}. {}", l.t(T::PersonnummerNow), l.t(T::PersonnummerKeep)));
                            let regime_err = field_error(&e, RegField::Regime, l);
                            let employer_err = field_error(&e, RegField::Employer, l);
                            let months_err = field_error(&e, RegField::PeriodMonths, l);
                            view! {
                                <Layout me=Some(page.me.clone())>
                                    <p><a href="/admin/assistenter">"‹ " {l.t(T::AssistantsTitle)}</a></p>
                                    <h1>{l.t(title)}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error />
                                    <super::card::HandOver link=page.flash.link.clone() mailed=page.flash.mailed />
                                    {page.id.zip(page.personnummer_masked.clone()).map(|(id, masked)| view! {
                                        <super::card::PersonnummerShown owner="assistant" id csrf=page.me.csrf.clone() masked full=page.personnummer_full.clone() />
                                    })}
                                    <form method="post" action=paths::ASSISTANT_SAVE class="stack card" novalidate>
                                        <FormKeys csrf=page.me.csrf.clone() key=page.form_key.clone() />
                                        <input type="hidden" name="id" value=page.id.map(|i| i.to_string()).unwrap_or_default() />
                                        {(!e.is_empty()).then(|| view! { <p class="alert" role="alert">{l.t(T::FormNotSaved)}</p> })}
                                        {text_field(l, &e, RegField::Personnummer, T::Personnummer, v.personnummer.clone(), "text", Some(pnr_hint.unwrap_or_else(|| l.t(T::PersonnummerHint).to_string())))}
                                        {text_field(l, &e, RegField::FirstName, T::FirstName, v.first_name.clone(), "text", None)}
                                        {text_field(l, &e, RegField::LastName, T::LastName, v.last_name.clone(), "text", None)}
                                        {text_field(l, &e, RegField::BirthDate, T::BirthDate, v.birth_date.clone(), "date", Some(l.t(T::BirthDateHint).to_string()))}
                                        {text_field(l, &e, RegField::Phone, T::Phone, v.phone.clone(), "tel", None)}
                                        {text_field(l, &e, RegField::EmployeeNumber, T::EmployeeNumber, v.employee_number.clone(), "text", Some(l.t(T::EmployeeNumberHint).to_string()))}
                                        {checkbox(l, "eea_resident", T::EeaResident, v.eea_resident)}
                                        <fieldset class="kinds" aria-describedby="err-regime">
                                            <legend>{l.t(T::Regime)}</legend>
                                            {choice(l, "regime", "ab_bilaga_j", T::RegimeAbJ, v.regime == "ab_bilaga_j")}
                                            {choice(l, "regime", "atl", T::RegimeAtl, v.regime == "atl")}
                                            {choice(l, "regime", "husligt_arbete", T::RegimeHusligt, v.regime == "husligt_arbete")}
                                            <p class="field-error" id="err-regime">{regime_err}</p>
                                        </fieldset>
                                        {text_field(l, &e, RegField::PeriodStart, T::PeriodStart, v.period_start.clone(), "date", Some(l.t(T::PeriodStartHint).to_string()))}
                                        <div class="field">
                                            <label for="period_months">{l.t(T::PeriodMonths)}</label>
                                            <select id="period_months" name="period_months" aria-describedby="err-period_months" aria-invalid=months_err.is_some().to_string()>
                                                {{
                                                    let months = v.period_months.clone();
                                                    ["1", "2", "3", "4"].into_iter().map(move |m| view! { <option value=m selected=months == m>{m}</option> }).collect_view()
                                                }}
                                            </select>
                                            <p class="field-error" id="err-period_months">{months_err}</p>
                                        </div>
                                        {checkbox(l, "allow_24h_shifts", T::Allow24h, v.allow_24h_shifts)}
                                        {checkbox(l, "collective_agreement", T::CollectiveAgreement, v.collective_agreement)}
                                        <fieldset class="kinds" aria-describedby="err-employer">
                                            <legend>{l.t(T::Employer)}</legend>
                                            {choice(l, "employer", "provider", T::EmployerProvider, v.employer == "provider")}
                                            {choice(l, "employer", "other", T::EmployerOther, v.employer == "other")}
                                            {choice(l, "employer", "self", T::EmployerSelf, v.employer == "self")}
                                            <p class="field-error" id="err-employer">{employer_err}</p>
                                        </fieldset>
                                        {text_field(l, &e, RegField::OtherEmployerName, T::OtherEmployerName, v.other_employer_name.clone(), "text", None)}
                                        {text_field(l, &e, RegField::OtherEmployerOrg, T::OtherEmployerOrg, v.other_employer_org.clone(), "text", None)}
                                        <button type="submit" class="primary">{l.t(T::Save)}</button>
                                    </form>
                                    {page.id.map(|id| view! {
                                        <AssignmentsSection id csrf=page.me.csrf.clone() assignments=page.assignments.clone() recipients=page.recipients.clone()
                                            typed=page.flash.assignment_form() />
                                        <super::card::AccountSection owner="assistant" id csrf=page.me.csrf.clone() account=page.account.clone() second_factor=page.second_factor />
                                    })}
                                </Layout>
                            }.into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}

#[component]
pub fn InvitationPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let code = query_param("kod");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    let page = endpoints::load_invitation_page(code).await.unwrap_or(model::InvitationPage { username: None, providers: vec![], code: String::new(), error: Some(T::InviteInvalid) });
                    let body = match page.username.clone() {
                        None => view! { <p class="alert" role="alert">{l.t(T::InviteInvalid)}</p> }.into_any(),
                        Some(username) => {
                            let error = page.error;
                            view! {
                                {error.map(|e| view! { <p class="alert" role="alert" id="invite-error">{l.t(e)}</p> })}
                                <form method="post" action=paths::INVITATION class="stack" novalidate>
                                    <input type="hidden" name="kod" value=page.code.clone() />
                                    <p>{l.t(T::Username)} ": " <strong>{username.clone()}</strong></p>
                                    <input type="text" name="username" value=username autocomplete="username" hidden />
                                    <div class="field">
                                        <label for="password">{l.t(T::PasswordNew)}</label>
                                        <p class="muted hint" id="password-hint">{l.t(T::PasswordHint)}</p>
                                        <input id="password" name="password" type="password" autocomplete="new-password" required minlength="10"
                                            aria-describedby=if error.is_some() { "password-hint invite-error" } else { "password-hint" } aria-invalid=error.is_some().to_string() />
                                    </div>
                                    <div class="field">
                                        <label for="password_repeat">{l.t(T::PasswordRepeat)}</label>
                                        <input id="password_repeat" name="password_repeat" type="password" autocomplete="new-password" required minlength="10" />
                                    </div>
                                    <button type="submit" class="primary">{l.t(T::SavePassword)}</button>
                                </form>
                                {(!page.providers.is_empty()).then(|| view! {
                                    <h2>{l.t(T::InviteWithEid)}</h2>
                                    <ul class="providers" role="list">
                                        {page.providers.iter().map(|(id, name)| {
                                            let href = format!("{}?leverantor={id}&kod={}", paths::OIDC_START, paths::query_value(&page.code));
                                            view! { <li><a class="button" href=href>{name.clone()}</a></li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                            }
                            .into_any()
                        }
                    };
                    view! {
                        <Layout me=None>
                            <div class="card narrow">
                                <h1>{l.t(T::InvitationTitle)}</h1>
                                {body}
                            </div>
                        </Layout>
                    }
                })
            }
        </Suspense>
    }
}

/// The assistant's assignments to recipients: the list (an assignment is ended, never
/// deleted) and a form for a new one.
#[component]
fn AssignmentsSection(
    id: i64,
    csrf: String,
    assignments: Vec<AssignmentView>,
    recipients: Vec<Person>,
    typed: Option<(AssignmentInput, Vec<AssignmentError>)>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let (v, errors) = typed.unwrap_or_default();
    let empty = assignments.is_empty();
    let end_csrf = csrf.clone();
    view! {
        <section class="card" aria-labelledby="assignments-title">
            <h2 id="assignments-title">{l.t(T::AssignmentsTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{l.t(T::AssignmentsNone)}</p> })}
            <ul class="cards">
                {assignments.into_iter().map(|a| {
                    let open = a.valid_to.is_none();
                    let csrf = end_csrf.clone();
                    let end_id = format!("end-{}", a.id);
                    view! {
                        <li class="card">
                            <h3>{a.recipient.clone()}</h3>
                            <p>{format!("{} – {}", a.valid_from, a.valid_to.clone().unwrap_or_else(|| l.t(T::AssignmentUntilFurther).to_string()))}</p>
                            <p>{match a.fk_notified_on.clone() {
                                Some(d) => format!("{} {d}", l.t(T::AssignmentNotified)),
                                None => l.t(T::AssignmentNotReported).to_string(),
                            }}</p>
                            {a.relative.then(|| view! { <p>{l.t(T::AssignmentRelative)}</p> })}
                            {open.then(|| view! {
                                <form method="post" action=paths::ASSIGNMENT_END class="stack">
                                    <FormKeys csrf />
                                    <input type="hidden" name="assistant" value=id.to_string() />
                                    <input type="hidden" name="assignment" value=a.id.to_string() />
                                    <div class="field">
                                        <label for=end_id.clone()>{format!("{} ({})", l.t(T::AssignmentEndDate), a.recipient)}</label>
                                        <input id=end_id name="valid_to" type="date" />
                                    </div>
                                    <button type="submit">{l.t(T::AssignmentEnd)}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <h3>{l.t(T::AssignmentNew)}</h3>
            {(!errors.is_empty()).then(|| view! {
                <div class="alert" role="alert" id="assignment-errors">
                    <ul>{errors.iter().map(|e| view! { <li>{e.message(l)}</li> }).collect_view()}</ul>
                </div>
            })}
            <form method="post" action=paths::ASSIGNMENT_ADD class="stack">
                <FormKeys csrf />
                <input type="hidden" name="assistant" value=id.to_string() />
                <div class="field">
                    <label for="assign-recipient">{l.t(T::Recipient)}</label>
                    <select id="assign-recipient" name="recipient">
                        <option value="">{l.t(T::ChooseRecipient)}</option>
                        {recipients.into_iter().map(|p| {
                            let selected = p.id.to_string() == v.recipient;
                            view! { <option value=p.id.to_string() selected=selected>{p.name}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="assign-from">{l.t(T::AssignmentFrom)}</label>
                    <input id="assign-from" name="valid_from" type="date" value=v.valid_from.clone() />
                </div>
                <div class="field">
                    <label for="assign-to">{l.t(T::AssignmentTo)}</label>
                    <input id="assign-to" name="valid_to" type="date" value=v.valid_to.clone() />
                </div>
                <div class="field">
                    <label for="assign-notified">{l.t(T::AssignmentNotified)}</label>
                    <input id="assign-notified" name="fk_notified_on" type="date" value=v.fk_notified_on.clone() />
                </div>
                <div class="check">
                    <input type="checkbox" id="assign-relative" name="relative" checked=v.relative />
                    <label for="assign-relative">{l.t(T::AssignmentRelative)}</label>
                </div>
                <button type="submit">{l.t(T::AssignmentAdd)}</button>
            </form>
        </section>
    }
}
