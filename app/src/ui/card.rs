//! The parts of a register card shared by assistants and recipients, and the recipient card's
//! smaller registers: the login (create with an invitation, new link, deactivate), the
//! audited "show personnummer", representatives, absences, the invitation link to hand over.
//! Plain forms: everything works without JavaScript.

use super::FormKeys;
use crate::domain::people::Capacity;
use crate::domain::settings::{AbsenceInput, FieldError, RepresentativeInput, absence_kind_code};
use crate::i18n::{Locale, Reason, T};
use crate::model::{AbsenceView, RepresentativeView};
use crate::paths;
use leptos::prelude::*;

/// The invitation link to hand over, shown once, and whether it was e-mailed.
#[component]
pub fn HandOver(link: Option<String>, mailed: bool) -> impl IntoView {
    let l = expect_context::<Locale>();
    link.map(|link| {
        view! {
            <div class="notice" role="status">
                <p><strong>{l.t(T::InvitationLink)}</strong> " " <code class="handover">{link}</code></p>
                {mailed.then(|| view! { <p>{l.t(T::InvitationMailed)}</p> })}
            </div>
        }
    })
}

/// The personnummer masked, with a button that shows it in full (written to the audit log).
#[component]
pub fn PersonnummerShown(
    owner: &'static str,
    id: i64,
    csrf: String,
    masked: String,
    full: Option<String>,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let label = if owner == "recipient" { T::RecipientPersonnummer } else { T::Personnummer };
    view! {
        <div class="card pnr">
            <p>{format!("{}: ", l.t(label))} <strong>{full.clone().unwrap_or(masked)}</strong></p>
            {full.is_none().then(|| view! {
                <form method="post" action=paths::PERSONNUMMER class="inline">
                    <FormKeys csrf />
                    <input type="hidden" name="owner" value=owner />
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="link">{l.t(T::ShowPersonnummer)}</button>
                </form>
                <p class="muted">{l.t(T::ShowPersonnummerNote)}</p>
            })}
        </div>
    }
}

/// One account action button (new link, deactivate, activate).
pub(super) fn account_button(
    l: Locale,
    csrf: String,
    owner: &'static str,
    id: i64,
    user: Option<i64>,
    action: &'static str,
    label: T,
    who: &str,
) -> impl IntoView + use<> {
    view! {
        <form method="post" action=paths::ACCOUNT class="inline">
            <FormKeys csrf />
            <input type="hidden" name="owner" value=owner />
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="user" value=user.map(|u| u.to_string()).unwrap_or_default() />
            <input type="hidden" name="action" value=action />
            <button type="submit" aria-label=format!("{}: {who}", l.t(label))>{l.t(label)}</button>
        </form>
    }
}

/// A person's login: create it with an invitation, send a new link, deactivate or activate
/// it. No password is ever seen or set here.
#[component]
pub fn AccountSection(
    owner: &'static str,
    id: i64,
    csrf: String,
    account: Option<(String, bool)>,
    /// The login has a second factor: a button takes it away.
    #[prop(optional)]
    second_factor: bool,
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let body = match account {
        None => view! {
            <p>{l.t(T::AccountNone)}</p>
            <form method="post" action=paths::ACCOUNT class="stack">
                <FormKeys csrf />
                <input type="hidden" name="owner" value=owner />
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="action" value="create" />
                <div class="field">
                    <label for="username">{l.t(T::Username)}</label>
                    <input id="username" name="username" type="text" maxlength="64" autocomplete="off" autocapitalize="none" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="account_email">{l.t(T::Email)}</label>
                    <p class="muted hint" id="hint-account_email">{l.t(T::EmailHint)}</p>
                    <input id="account_email" name="email" type="email" autocomplete="off" aria-describedby="hint-account_email" />
                </div>
                <button type="submit" class="primary">{l.t(T::CreateAccount)}</button>
            </form>
        }
        .into_any(),
        Some((username, active)) => view! {
            <p>{l.t(if active { T::AccountActive } else { T::AccountInactive })} " " <strong>{username.clone()}</strong></p>
            <div class="actions">
                {account_button(l, csrf.clone(), owner, id, None, "link", T::NewInvitation, &username)}
                {second_factor.then(|| account_button(l, csrf.clone(), owner, id, None, "otp_reset", T::OtpReset, &username))}
                {if active { account_button(l, csrf, owner, id, None, "deactivate", T::Deactivate, &username) } else { account_button(l, csrf, owner, id, None, "activate", T::Activate, &username) }}
            </div>
        }
        .into_any(),
    };
    view! {
        <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">{l.t(T::AccountTitle)}</h2>
            {body}
        </section>
    }
}

/// The message of one field's problems, if any.
pub fn problems(errors: &[FieldError], field: &str, l: Locale) -> Option<String> {
    let m: Vec<&str> =
        errors.iter().filter(|e| e.field == field).map(|e| e.problem.message(l)).collect();
    (!m.is_empty()).then(|| m.join(" "))
}

/// A labelled input with its hint and error tied to it; `id` is unique on the page.
#[allow(clippy::too_many_arguments)]
pub fn input(
    l: Locale,
    errors: &[FieldError],
    id: &str,
    name: &'static str,
    label: T,
    value: String,
    kind: &'static str,
    hint: Option<T>,
) -> impl IntoView + use<> {
    let err = problems(errors, name, l);
    let (err_id, hint_id) = (format!("err-{id}"), format!("hint-{id}"));
    let described = [hint.map(|_| hint_id.clone()), err.as_ref().map(|_| err_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let mode = match kind {
        "decimal" => Some("decimal"),
        "numeric" => Some("numeric"),
        _ => None,
    };
    let kind = if mode.is_some() { "text" } else { kind };
    view! {
        <div class="field">
            <label for=id.to_string()>{l.t(label)}</label>
            {hint.map(|h| view! { <p class="muted hint" id=hint_id.clone()>{l.t(h)}</p> })}
            <input id=id.to_string() name=name type=kind inputmode=mode value=value aria-invalid=err.is_some().to_string()
                aria-describedby=(!described.is_empty()).then_some(described) />
            <p class="field-error" id=err_id>{err}</p>
        </div>
    }
}

pub fn capacity_label(c: Capacity, l: Locale) -> &'static str {
    l.t(match c {
        Capacity::Vardnadshavare => T::CapacityVardnadshavare,
        Capacity::GodMan => T::CapacityGodMan,
        Capacity::Forvaltare => T::CapacityForvaltare,
    })
}

/// The recipient's representatives with their logins, and a form for a new one.
#[component]
pub fn RepresentativesSection(
    recipient: i64,
    csrf: String,
    representatives: Vec<RepresentativeView>,
    typed: (RepresentativeInput, Vec<FieldError>),
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let (v, e) = typed;
    let empty = representatives.is_empty();
    let cap_err = problems(&e, "capacity", l);
    let list = representatives
        .into_iter()
        .map(|r| {
            let csrf = csrf.clone();
            let status = match (&r.ended_on, r.active, r.has_password) {
                (Some(on), _, _) => format!("{} {on}", l.t(T::RepresentationEnded)),
                (None, false, _) => l.t(T::AccountInactive).to_string(),
                (None, true, false) => l.t(T::InvitationPending).to_string(),
                (None, true, true) => l.t(T::AccountActive).to_string(),
            };
            let open = r.ended_on.is_none();
            let actions = open.then(|| view! {
                <div class="actions">
                    {account_button(l, csrf.clone(), "representative", recipient, Some(r.user), "link", T::NewInvitation, &r.name)}
                    {if r.active { account_button(l, csrf.clone(), "representative", recipient, Some(r.user), "deactivate", T::Deactivate, &r.name).into_any() } else { account_button(l, csrf.clone(), "representative", recipient, Some(r.user), "activate", T::Activate, &r.name).into_any() }}
                    <form method="post" action=paths::REPRESENTATION_END class="inline">
                        <FormKeys csrf=csrf.clone() />
                        <input type="hidden" name="recipient" value=recipient.to_string() />
                        <input type="hidden" name="user" value=r.user.to_string() />
                        <button type="submit" aria-label=format!("{}: {}", l.t(T::EndRepresentation), r.name)>{l.t(T::EndRepresentation)}</button>
                    </form>
                </div>
            });
            view! {
                <li class="card">
                    <h3>{format!("{} ({})", r.name, capacity_label(r.capacity, l))}</h3>
                    <dl class="facts">
                        <div><dt>{l.t(T::Personnummer)}</dt><dd>{r.personnummer_masked.clone()}</dd></div>
                        <div><dt>{l.t(T::Username)}</dt><dd>{r.username.clone()}</dd></div>
                        <div><dt>{l.t(T::Status)}</dt><dd>{status}</dd></div>
                    </dl>
                    {actions}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="representatives-title">
            <h2 id="representatives-title">{l.t(T::RepresentativesTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{l.t(T::RepresentativesNone)}</p> })}
            <ul class="cards">{list}</ul>
            <h3>{l.t(T::RepresentativeNew)}</h3>
            <p class="muted">{l.t(T::RepresentativeNewHint)}</p>
            {(!e.is_empty()).then(|| view! { <p class="alert" role="alert">{l.t(T::FormNotSaved)}</p> })}
            <form method="post" action=paths::REPRESENTATIVE_ADD class="stack" novalidate>
                <FormKeys csrf=csrf.clone() />
                <input type="hidden" name="recipient" value=recipient.to_string() />
                {input(l, &e, "rep_name", "name", T::RepresentativeName, v.name.clone(), "text", None)}
                <fieldset class="kinds" aria-describedby="err-rep_capacity">
                    <legend>{l.t(T::Capacity)}</legend>
                    {Capacity::ALL.into_iter().map(|c| {
                        let id = format!("rep_capacity-{}", c.code());
                        view! {
                            <div class="check">
                                <input type="radio" id=id.clone() name="capacity" value=c.code() checked=v.capacity == c.code() />
                                <label for=id>{capacity_label(c, l)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" id="err-rep_capacity">{cap_err}</p>
                </fieldset>
                {input(l, &e, "rep_personnummer", "personnummer", T::Personnummer, v.personnummer.clone(), "text", Some(T::PersonnummerHint))}
                {input(l, &e, "rep_email", "email", T::Email, v.email.clone(), "email", Some(T::EmailHint))}
                {input(l, &e, "rep_username", "username", T::Username, v.username.clone(), "text", None)}
                <button type="submit">{l.t(T::AddRepresentative)}</button>
            </form>
        </section>
    }
}

pub fn absence_label(code: &str, l: Locale) -> &'static str {
    l.t(match code {
        "hospital" => T::AbsenceHospital,
        "school" => T::AbsenceSchool,
        "daily_activity" => T::AbsenceDailyActivity,
        _ => T::AbsenceChildcare,
    })
}

/// The recipient's absences (hospital, school, daily activity, childcare) and a form.
#[component]
pub fn AbsencesSection(
    recipient: i64,
    csrf: String,
    absences: Vec<AbsenceView>,
    typed: (AbsenceInput, Vec<FieldError>),
) -> impl IntoView {
    let l = expect_context::<Locale>();
    let (v, e) = typed;
    let empty = absences.is_empty();
    let kind_err = problems(&e, "kind", l);
    let list = absences
        .into_iter()
        .map(|a| {
            let code = absence_kind_code(a.absence.kind);
            let text = format!("{}: {} – {}", absence_label(code, l), a.absence.from, a.absence.to);
            view! {
                <li>
                    {text.clone()}
                    {a.absence.assistance_allowed.then(|| view! { " (" {l.t(T::AssistanceDuringAbsence)} ")" })}
                    " "
                    <form method="post" action=paths::ABSENCE_DELETE class="inline">
                        <FormKeys csrf=csrf.clone() />
                        <input type="hidden" name="recipient" value=recipient.to_string() />
                        <input type="hidden" name="absence" value=a.id.to_string() />
                        <button type="submit" class="link" aria-label=format!("{}: {text}", l.t(T::Delete))>{l.t(T::Delete)}</button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="absences-title">
            <h2 id="absences-title">{l.t(T::AbsencesTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{l.t(T::AbsencesNone)}</p> })}
            <ul>{list}</ul>
            <h3>{l.t(T::AbsenceNew)}</h3>
            {(!e.is_empty()).then(|| view! { <p class="alert" role="alert">{l.t(T::FormNotSaved)}</p> })}
            <form method="post" action=paths::ABSENCE_ADD class="stack" novalidate>
                <FormKeys csrf=csrf.clone() />
                <input type="hidden" name="recipient" value=recipient.to_string() />
                <fieldset class="kinds" aria-describedby="err-absence_kind">
                    <legend>{l.t(T::AbsenceKind)}</legend>
                    {["hospital", "school", "daily_activity", "childcare"].into_iter().map(|code| {
                        let id = format!("absence_kind-{code}");
                        view! {
                            <div class="check">
                                <input type="radio" id=id.clone() name="kind" value=code checked=v.kind == code />
                                <label for=id>{absence_label(code, l)}</label>
                            </div>
                        }
                    }).collect_view()}
                    <p class="field-error" id="err-absence_kind">{kind_err}</p>
                </fieldset>
                {input(l, &e, "absence_from", "from", T::FromDate, v.from.clone(), "date", None)}
                {input(l, &e, "absence_to", "to", T::ToDate, v.to.clone(), "date", None)}
                <div class="check">
                    <input type="checkbox" id="absence_assistance" name="assistance_allowed" checked=v.assistance_allowed />
                    <label for="absence_assistance">{l.t(T::AssistanceDuringAbsence)}</label>
                </div>
                <button type="submit">{l.t(T::AddAbsence)}</button>
            </form>
        </section>
    }
}

/// Ends a decision early on a chosen day (the decision is kept).
#[component]
pub fn EndDecision(recipient: i64, decision: i64, csrf: String, label: String) -> impl IntoView {
    let l = expect_context::<Locale>();
    let id = format!("end-decision-{decision}");
    view! {
        <form method="post" action=paths::DECISION_END class="inline-field">
            <FormKeys csrf />
            <input type="hidden" name="recipient" value=recipient.to_string() />
            <input type="hidden" name="decision" value=decision.to_string() />
            <label for=id.clone()>{l.t(T::EndDecisionOn)}</label>
            <input id=id name="valid_to" type="date" />
            <button type="submit" aria-label=format!("{}: {label}", l.t(T::EndDecision))>{l.t(T::EndDecision)}</button>
        </form>
    }
}
