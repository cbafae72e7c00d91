//! The recipient's (or representative's) pages: the start page with the months needing action
//! first, the review of one assistant's month (approve with a signature, return with a reason
//! and marked rows, return an approved month), and the räkning (FK 3057). The most accessible
//! part of BITA: every control has a visible label, errors sit next to their field and are
//! announced, and everything works with the keyboard alone and without JavaScript.

use super::month::{FindingsList, RowCards, TotalsList};
use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::domain::documents::{SignatureView, SignerCapacity};
use crate::domain::{MonthStatus, TimeKind};
use crate::i18n::{Label, Locale, T};
use crate::model::RowView;
use crate::model::review::{ClaimPage, ClaimState, ReviewPage, RowChange, StartPage};
use crate::paths;
use leptos::prelude::*;

fn query(name: &str) -> Option<String> {
    leptos_router::hooks::use_query_map().read_untracked().get(name)
}

#[component]
pub fn RecipientStartPage() -> impl IntoView {
    let person = query("person");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match crate::endpoints::load_start_page(person).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => view! { <Start page /> }.into_any(),
                    }
                })
            }
        </Suspense>
    }
}

#[component]
fn Start(page: StartPage) -> impl IntoView {
    let l = expect_context::<Locale>();
    let several = page.people.len() > 1;
    let current = page.person.id;
    let none = page.people.is_empty();
    view! {
        <Layout me=Some(page.me)>
            <h1>{l.t(T::StartTitle)}</h1>
            <FlashMessages notice=page.flash.notice error=page.flash.error />
            {none.then(|| view! { <p>{l.t(T::NoOneToActFor)}</p> })}
            {(!none).then(|| view! { <p class="whose">{l.t(T::ShowingFor)} ": " <strong>{page.person.name.clone()}</strong></p> })}
            {several.then(|| view! {
                <nav aria-label=l.t(T::PeopleYouActFor) class="actions people">
                    {page.people.iter().map(|p| {
                        let here = p.id == current;
                        view! { <a href=format!("/brukare?person={}", p.id) aria-current=here.then_some("page")>{p.name.clone()}</a> }
                    }).collect_view()}
                </nav>
            })}
            {(!none && page.months.is_empty()).then(|| view! { <p class="muted">{l.t(T::NothingToApprove)}</p> })}
            {page.months.into_iter().map(|m| {
                let heading = format!("start-{}", m.month);
                let labelledby = heading.clone();
                let claim_link = format!("/brukare/rakning?person={current}&manad={}", m.month);
                view! {
                    <section class="card month" aria-labelledby=labelledby>
                        <h2 id=heading>{m.month.to_string()}
                            {m.needs_action.then(|| view! { " " <span class="badge action">{l.t(T::WaitingForYou)}</span> })}
                        </h2>
                        {m.assistants.is_empty().then(|| view! { <p class="muted">{l.t(T::NothingToApprove)}</p> })}
                        <ul class="plain lines">
                            {m.assistants.into_iter().map(|a| {
                                let label = format!("{} {} {}", l.t(T::Review), a.assistant, m.month);
                                view! {
                                    <li>
                                        <strong>{a.assistant.clone()}</strong> " "
                                        <span class=format!("badge {}", a.status.code())>{a.status.label(l)}</span> " "
                                        <span class="muted">{a.row_count} " " {l.t(T::RowsCount)}</span> " "
                                        {a.key.map(|k| view! { <a href=format!("/brukare/granska?key={k}") aria-label=label class=if a.needs_action { "button primary" } else { "button" }>{l.t(T::Review)}</a> })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p class="claim-state">
                            {match m.claim {
                                ClaimState::NotReady => view! { <span class="muted">{l.t(T::ClaimNotReadyShort)}</span> }.into_any(),
                                ClaimState::ReadyToSign => view! { <a class="button primary" href=claim_link>{l.t(T::ClaimReadyShort)}</a> }.into_any(),
                                ClaimState::Signed => view! { <span>{l.t(T::ClaimSignedShort)} " – "</span> <a href=claim_link>{l.t(T::OpenClaim)}</a> }.into_any(),
                            }}
                        </p>
                    </section>
                }
            }).collect_view()}
        </Layout>
    }
}

#[component]
pub fn RecipientReviewPage() -> impl IntoView {
    let key = query("key");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match crate::endpoints::load_review_page(key).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => view! { <Review page /> }.into_any(),
                    }
                })
            }
        </Suspense>
    }
}

/// A row in one line: `2026-11-03 07:00–15:00 Aktiv tid`.
fn row_text(r: &RowView, l: Locale) -> String {
    let end = if r.next_day { format!("{} (+1)", r.end) } else { r.end.clone() };
    format!("{} {}–{} {}", r.date, r.start, end, r.kind.label(l))
}

/// An error of the previous post that belongs to a field: announced, next to it, tied to it.
fn field_error(
    error: Option<T>,
    belongs: &[T],
    id: &'static str,
) -> (Option<AnyView>, Option<&'static str>) {
    let l = expect_context::<Locale>();
    match error.filter(|e| belongs.contains(e)) {
        Some(e) => (
            Some(view! { <p id=id class="field-error" role="alert">{l.t(e)}</p> }.into_any()),
            Some(id),
        ),
        None => (None, None),
    }
}

const PASSWORD_ERRORS: [T; 3] = [T::ConfirmWrong, T::ConfirmMissing, T::LoginThrottled];
const REASON_ERRORS: [T; 3] = [T::RejectNeedsReason, T::TextTooLong, T::TextBadChars];

#[component]
fn Review(page: ReviewPage) -> impl IntoView {
    let l = expect_context::<Locale>();
    let m = page.view.clone();
    let key = m.key.unwrap_or_default().to_string();
    let csrf = page.me.csrf.clone();
    let status = m.status;
    let title = format!("{} – {}", m.assistant.name, page.month);
    // Errors tied to a field are shown at the field; others at the top.
    let error = page.flash.error;
    let top_error = error.filter(|e| !PASSWORD_ERRORS.contains(e) && !REASON_ERRORS.contains(e));
    let typed = page.flash.reject_form().map(|(_, r)| r);
    let reject_open = typed.is_some();
    let back = format!("/brukare?person={}", page.person.id);
    let rows_for_marks = m.rows.clone();
    let findings_empty = page.findings.is_empty();
    view! {
        <Layout me=Some(page.me)>
            <p><a href=back>"‹ " {l.t(T::BackToMonths)}</a></p>
            <h1>{title}</h1>
            <p class="whose">{l.t(T::ShowingFor)} ": " <strong>{page.person.name.clone()}</strong></p>
            <FlashMessages notice=page.flash.notice error=top_error />
            <p class="status">{l.t(T::Status)} ": " <span class=format!("badge {}", status.code())>{status.label(l)}</span></p>
            {page.changes.map(|changes| view! { <Changes changes /> })}
            <section aria-labelledby="rows-title">
                <h2 id="rows-title">{l.t(T::Rows)}</h2>
                <RowCards rows=m.rows.clone() />
                <TotalsList totals=m.totals payable=m.payable.clone() />
            </section>
            <section aria-labelledby="checks-title">
                <h2 id="checks-title">{l.t(T::Checks)}</h2>
                {findings_empty.then(|| view! { <p>{l.t(T::FindingsNone)}</p> })}
                <FindingsList locale=l findings=page.findings.clone() />
            </section>
            {(status == MonthStatus::Submitted).then(|| {
                let (pw_error, pw_described) = field_error(error, &PASSWORD_ERRORS, "approve-password-error");
                let (reason_error, reason_described) = field_error(error, &REASON_ERRORS, "reject-reason-error");
                view! {
                    <section class="card decide" aria-labelledby="approve-title">
                        <h2 id="approve-title">{l.t(T::ApproveTitle)}</h2>
                        <p>{l.t(T::ApproveExplain)}</p>
                        <p>{l.t(T::SigningAs)} ": " <strong>{page.capacity.label(l)}</strong></p>
                        <form method="post" action=paths::MONTH_DECIDE class="stack">
                            <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                            <input type="hidden" name="hash" value=page.document_hash.clone() />
                            <input type="hidden" name="key" value=key.clone() />
                            <input type="hidden" name="decision" value="approve" />
                            {page.signing.password.then(|| view! {
                            <div class="field">
                                <label for="approve-password">{l.t(T::ConfirmPassword)}</label>
                                <input id="approve-password" name="password" type="password" autocomplete="current-password" required
                                    aria-invalid=pw_described.map(|_| "true") aria-describedby=pw_described />
                                {pw_error}
                            </div>
                            <button type="submit" class="primary">{l.t(T::ApproveSign)}</button>
                            })}
                            {page.signing.eid.then(|| view! {
                                <p class="muted">{l.t(T::SignWithEidHint)}</p>
                                <button type="submit" name="sign" value="eid" formnovalidate class="primary">{l.t(T::SignWithEid)}</button>
                            })}
                        </form>
                    </section>
                    <section class="card decide" aria-labelledby="reject-title">
                        <h2 id="reject-title">{l.t(T::RejectTitle)}</h2>
                        <p>{l.t(T::RejectExplain)}</p>
                        <form method="post" action=paths::MONTH_DECIDE class="stack">
                            <FormKeys csrf=csrf.clone() />
                            <input type="hidden" name="hash" value=page.document_hash.clone() />
                            <input type="hidden" name="key" value=key.clone() />
                            <input type="hidden" name="decision" value="reject" />
                            <div class="field">
                                <label for="reject-reason">{l.t(T::RejectReason)}</label>
                                <textarea id="reject-reason" name="reason" rows="3" maxlength="1000"
                                    aria-invalid=reason_described.map(|_| "true") aria-describedby=reason_described>{typed.clone().filter(|_| reject_open).unwrap_or_default()}</textarea>
                                {reason_error}
                            </div>
                            <fieldset>
                                <legend>{l.t(T::MarkRows)}</legend>
                                {rows_for_marks.iter().map(|r| {
                                    let id = format!("mark-{}", r.id);
                                    view! {
                                        <div class="check">
                                            <input type="checkbox" id=id.clone() name="mark" value=r.id.to_string() />
                                            <label for=id>{row_text(r, l)}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit">{l.t(T::RejectButton)}</button>
                        </form>
                    </section>
                }
            })}
            {(status == MonthStatus::Approved).then(|| {
                let (reason_error, reason_described) = field_error(error, &REASON_ERRORS, "return-reason-error");
                view! {
                    <section class="card decide" aria-labelledby="return-title">
                        <h2 id="return-title">{l.t(T::ReturnTitle)}</h2>
                        <p>{l.t(T::ReturnHelp)}</p>
                        <form method="post" action=paths::MONTH_RETURN class="stack">
                            <FormKeys csrf=csrf.clone() />
                            <input type="hidden" name="key" value=key.clone() />
                            <div class="field">
                                <label for="return-reason">{l.t(T::ReturnReason)}</label>
                                <textarea id="return-reason" name="reason" rows="3" maxlength="1000"
                                    aria-invalid=reason_described.map(|_| "true") aria-describedby=reason_described>{typed.clone().unwrap_or_default()}</textarea>
                                {reason_error}
                            </div>
                            <button type="submit">{l.t(T::ReturnButton)}</button>
                        </form>
                    </section>
                }
            })}
            <Signatures signatures=page.signatures />
            <section aria-labelledby="history-title">
                <h2 id="history-title">{l.t(T::HistoryTitle)}</h2>
                <ol class="history">
                    {page.history.into_iter().map(|h| view! {
                        <li><time>{h.at}</time> " – " {h.who} ": " {l.t(h.what)}{h.reason.map(|r| format!(" – {r}"))}</li>
                    }).collect_view()}
                </ol>
            </section>
        </Layout>
    }
}

#[component]
fn Changes(changes: Vec<RowChange>) -> impl IntoView {
    let l = expect_context::<Locale>();
    let empty = changes.is_empty();
    view! {
        <section class="card changes" aria-labelledby="changes-title">
            <h2 id="changes-title">{l.t(T::ChangesTitle)}</h2>
            {empty.then(|| view! { <p>{l.t(T::ChangesNone)}</p> })}
            <ul>
                {changes.into_iter().map(|c| match c {
                    RowChange::Added(r) => view! { <li class="added"><strong>{l.t(T::ChangeAdded)} ": "</strong>{row_text(&r, l)}</li> }.into_any(),
                    RowChange::Removed(r) => view! { <li class="removed"><strong>{l.t(T::ChangeRemoved)} ": "</strong><del>{row_text(&r, l)}</del></li> }.into_any(),
                    RowChange::Changed { before, after } => view! {
                        <li class="changed"><strong>{l.t(T::ChangeChanged)} ": "</strong>{row_text(&after, l)} " (" {l.t(T::ChangeWas)} " " <del>{row_text(&before, l)}</del> ")"</li>
                    }.into_any(),
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Signatures(signatures: Vec<SignatureView>) -> impl IntoView {
    let l = expect_context::<Locale>();
    let empty = signatures.is_empty();
    view! {
        <section aria-labelledby="signatures-title">
            <h2 id="signatures-title">{l.t(T::SignaturesTitle)}</h2>
            {empty.then(|| view! { <p class="muted">{l.t(T::SignaturesNone)}</p> })}
            <ul class="plain signatures">
                {signatures.into_iter().map(|s| {
                    let void = s.voided.is_some();
                    view! {
                        <li class:void=void>
                            <strong>{s.signer_name}</strong> " (" {s.capacity.label(l)} ") " {l.t(T::SignedAt)} " " <time>{s.signed_at}</time>
                            {s.eid.map(|e| view! { " " {l.t(T::EidSigned)} " (" {e.personnummer_masked} ", " {e.issuer} ")" })}
                            <br /><span class="muted hash">{l.t(T::Checksum)} ": " <code>{s.sha256}</code></span>
                            {s.voided.map(|(at, why)| view! { <br /><strong class="void-note">{l.t(T::VoidedSince)} " " {at}": " {why}</strong> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// The räkning: the signer's page (`/brukare/rakning`) and the provider's (`/admin/rakning`).
#[component]
pub fn ClaimPageView() -> impl IntoView {
    let (person, month) = (query("person"), query("manad"));
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match crate::endpoints::load_claim_page(person, month).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => view! { <Claim page /> }.into_any(),
                    }
                })
            }
        </Suspense>
    }
}

fn yes_no(b: bool, l: Locale) -> &'static str {
    l.t(if b { T::YesWord } else { T::NoWord })
}

#[component]
fn Claim(page: ClaimPage) -> impl IntoView {
    let l = expect_context::<Locale>();
    let csrf = page.me.csrf.clone();
    let reveal_csrf = csrf.clone();
    let signed = page.signatures.iter().any(|s| s.voided.is_none());
    let back = if page.provider_view {
        format!("/admin?manad={}", page.month)
    } else {
        format!("/brukare?person={}", page.person.id)
    };
    let (person, month) = (page.person.id.to_string(), page.month.to_string());
    let error = page.flash.error;
    let top_error = error.filter(|e| !PASSWORD_ERRORS.contains(e));
    let (pw_error, pw_described) = field_error(error, &PASSWORD_ERRORS, "sign-password-error");
    let waiting = page.waiting.clone();
    view! {
        <Layout me=Some(page.me)>
            <p class="no-print"><a href=back>"‹ " {l.t(T::BackToMonths)}</a></p>
            <h1>{l.t(T::ClaimTitle)} " " {page.month.to_string()}</h1>
            <p class="whose">{l.t(T::ShowingFor)} ": " <strong>{page.person.name.clone()}</strong></p>
            <FlashMessages notice=page.flash.notice error=top_error />
            <p>{l.t(T::ClaimExplain)}</p>
            {(!waiting.is_empty()).then(|| view! {
                <p class="alert-info">{l.t(T::ClaimWaiting)} " " <strong>{waiting.join(", ")}</strong></p>
            })}
            {(page.content.is_none() && waiting.is_empty()).then(|| view! { <p>{l.t(T::ClaimNothing)}</p> })}
            {page.content.map(|r| {
                let costs = r.kostnader.clone();
                let activities = r.verksamhet;
                let stays_empty = page.stays.is_empty();
                view! {
                    <section class="card" aria-labelledby="claim-facts">
                        <h2 id="claim-facts">{l.t(T::ClaimPeriod)} " " {r.month.to_string()}</h2>
                        <dl class="facts">
                            {(!page.personnummer.is_empty()).then(|| view! {
                                <div><dt>{l.t(T::Personnummer)}</dt><dd>{page.personnummer.clone()}
                                    {(!page.personnummer_revealed).then(|| view! {
                                        <form method="post" action=paths::OWN_PERSONNUMMER class="inline no-print">
                                            <FormKeys csrf=reveal_csrf.clone() />
                                            <input type="hidden" name="person" value=person.clone() />
                                            <input type="hidden" name="manad" value=month.clone() />
                                            <button type="submit" class="link">{l.t(T::ShowPersonnummer)}</button>
                                        </form>
                                        <span class="muted no-print">" " {l.t(T::ShowPersonnummerNote)}</span>
                                    })}
                                </dd></div>
                            })}
                            <div><dt>{l.t(T::AssistantCount)}</dt><dd>{r.antal_assistenter}</dd></div>
                            <div><dt>{l.t(T::RaisedRateShort)}</dt><dd>{yes_no(r.forhojt_timbelopp, l)}</dd></div>
                        </dl>
                        <TotalsList totals=r.totals payable=format!("{:.2}", r.totals.payable_hours().round_dp(2)) />
                    </section>
                    <section class="card" aria-labelledby="claim-provider">
                        <h2 id="claim-provider">{l.t(T::ClaimProviderTitle)}</h2>
                        <dl class="facts">
                            <div><dt>{l.t(T::ProviderName)}</dt><dd>{r.anordnare_namn.clone()}</dd></div>
                            <div><dt>{l.t(T::ContactPerson)}</dt><dd>{r.kontaktperson.clone()}</dd></div>
                            <div><dt>{l.t(T::Phone)}</dt><dd>{r.telefonnummer.clone()}</dd></div>
                            <div><dt>{l.t(T::FSkatt)}</dt><dd>{yes_no(r.f_skatt, l)}</dd></div>
                            <div><dt>{l.t(T::IvoPermit)}</dt><dd>{r.ivo_tillstand.clone()}</dd></div>
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="claim-hospital">
                        <h2 id="claim-hospital">{l.t(T::HospitalTitle)}</h2>
                        {stays_empty.then(|| view! { <p>{l.t(T::HospitalNone)}</p> })}
                        {page.too_many_stays.then(|| view! { <p class="alert" role="alert">{l.t(T::HospitalTooMany)}</p> })}
                        {(!stays_empty).then(|| view! { <p class="muted">{l.t(T::HospitalWholeDays)}</p> })}
                        <ul class="plain">
                            {page.stays.clone().into_iter().map(|s| view! {
                                <li>
                                    <strong>{format!("{} – {}", s.from, s.to)}</strong> {format!(". {}: {}", l.t(T::HospitalAssistance), yes_no(s.assistance, l))}
                                    {s.assistance.then(|| TimeKind::ALL.into_iter().filter(|k| s.totals.get(*k).0 > 0).map(|k| format!(". {}: {}", k.label(l), s.totals.get(k))).collect::<String>())}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                    <section class="card" aria-labelledby="claim-activities">
                        <h2 id="claim-activities">{l.t(T::ActivitiesTitle)}</h2>
                        {if signed || page.provider_view {
                            view! {
                                <dl class="facts">
                                    <div><dt>{l.t(T::QBarnomsorg)}</dt><dd>{yes_no(activities.barnomsorg, l)}</dd></div>
                                    <div><dt>{l.t(T::QSkola)}</dt><dd>{yes_no(activities.skola, l)}</dd></div>
                                    <div><dt>{l.t(T::QDagligVerksamhet)}</dt><dd>{yes_no(activities.daglig_verksamhet, l)}</dd></div>
                                    <div><dt>{l.t(T::QBetalaTillbaka)}</dt><dd>{yes_no(activities.betala_tillbaka, l)}</dd></div>
                                </dl>
                            }.into_any()
                        } else {
                            view! {
                                <form method="post" action=paths::CLAIM_ANSWER class="stack">
                                    <FormKeys csrf=csrf.clone() />
                                    <input type="hidden" name="person" value=person.clone() />
                                    <input type="hidden" name="manad" value=month.clone() />
                                    {[("barnomsorg", T::QBarnomsorg, activities.barnomsorg), ("skola", T::QSkola, activities.skola), ("daglig_verksamhet", T::QDagligVerksamhet, activities.daglig_verksamhet), ("betala_tillbaka", T::QBetalaTillbaka, activities.betala_tillbaka)].into_iter().map(|(name, q, value)| {
                                        let (yes, no) = (format!("{name}-ja"), format!("{name}-nej"));
                                        view! {
                                            <fieldset class="choice">
                                                <legend>{l.t(q)}</legend>
                                                <input type="radio" id=yes.clone() name=name value="ja" checked=value />
                                                <label for=yes>{l.t(T::YesWord)}</label>
                                                <input type="radio" id=no.clone() name=name value="nej" checked=!value />
                                                <label for=no>{l.t(T::NoWord)}</label>
                                            </fieldset>
                                        }
                                    }).collect_view()}
                                    <button type="submit">{l.t(T::SaveAnswers)}</button>
                                </form>
                            }.into_any()
                        }}
                    </section>
                    {r.foretradare.clone().map(|f| view! {
                        <section class="card" aria-labelledby="claim-signer">
                            <h2 id="claim-signer">{l.t(T::SignerTitle)}</h2>
                            <p>{f.name} " (" {SignerCapacity::Representative(f.capacity).label(l)} ")"</p>
                        </section>
                    })}
                    {costs.map(|c| view! {
                        <section class="card" aria-labelledby="claim-costs">
                            <h2 id="claim-costs">{l.t(T::CostTitle)}</h2>
                            <p class="muted">{l.t(T::CostHint)}</p>
                            {if page.provider_view && !signed {
                                view! {
                                    <form method="post" action=paths::CLAIM_COSTS class="stack">
                                        <FormKeys csrf=csrf.clone() />
                                        <input type="hidden" name="person" value=person.clone() />
                                        <input type="hidden" name="manad" value=month.clone() />
                                        {cost_lines(&c).into_iter().map(|(code, label, amount)| {
                                            let id = format!("cost-{code}");
                                            view! {
                                                <div class="field">
                                                    <label for=id.clone()>{l.t(label)}</label>
                                                    <input id=id name=code inputmode="decimal" value=super::month::decimal(&amount, l) />
                                                </div>
                                            }
                                        }).collect_view()}
                                        <button type="submit">{l.t(T::SaveCosts)}</button>
                                    </form>
                                }.into_any()
                            } else {
                                view! {
                                    <dl class="facts">
                                        {cost_lines(&c).into_iter().map(|(_, label, amount)| view! {
                                            <div><dt>{l.t(label)}</dt><dd>{super::month::decimal(&amount, l)} " kr"</dd></div>
                                        }).collect_view()}
                                    </dl>
                                }.into_any()
                            }}
                        </section>
                    })}
                    {(!signed && !page.provider_view).then(|| view! {
                        <section class="card decide no-print" aria-labelledby="sign-title">
                            <h2 id="sign-title">{l.t(T::SignClaimTitle)}</h2>
                            <p>{l.t(T::SignClaimExplain)}</p>
                            {page.capacity.map(|c| view! { <p>{l.t(T::SigningAs)} ": " <strong>{c.label(l)}</strong></p> })}
                            <form method="post" action=paths::CLAIM_SIGN class="stack">
                                <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                <input type="hidden" name="person" value=person.clone() />
                                <input type="hidden" name="manad" value=month.clone() />
                                <input type="hidden" name="hash" value=page.document_hash.clone() />
                                {page.signing.password.then(|| view! {
                                <div class="field">
                                    <label for="sign-password">{l.t(T::ConfirmPassword)}</label>
                                    <input id="sign-password" name="password" type="password" autocomplete="current-password" required
                                        aria-invalid=pw_described.map(|_| "true") aria-describedby=pw_described />
                                    {pw_error}
                                </div>
                                <button type="submit" class="primary">{l.t(T::SignClaim)}</button>
                                })}
                                {page.signing.eid.then(|| view! {
                                    <p class="muted">{l.t(T::SignWithEidHint)}</p>
                                    <button type="submit" name="sign" value="eid" formnovalidate class="primary">{l.t(T::SignWithEid)}</button>
                                })}
                            </form>
                        </section>
                    })}
                }
            })}
            <Signatures signatures=page.signatures />
            <p class="muted no-print">{l.t(T::PrintHint)}</p>
        </Layout>
    }
}

fn cost_lines(c: &crate::domain::fk::CostTable) -> [(&'static str, T, String); 6] {
    let f = |d: rust_decimal::Decimal| format!("{:.2}", d);
    [
        ("wages", T::CostWages, f(c.wages)),
        ("ob", T::CostOb, f(c.ob)),
        ("expenses", T::CostExpenses, f(c.expenses)),
        ("training", T::CostTraining, f(c.training)),
        ("staff_costs", T::CostStaff, f(c.staff_costs)),
        ("administration", T::CostAdmin, f(c.administration)),
    ]
}

/// The municipality's audit log: whether the chain holds, and the latest entries.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match crate::endpoints::load_audit_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => view! {
                        <Layout me=Some(page.me)>
                            <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                            <h1>{l.t(T::AuditTitle)}</h1>
                            <p>{l.t(T::AuditExplain)}</p>
                            {page.intact.map(|n| view! { <p class="notice" role="status">{format!("{} {n}", l.t(T::ChainIntact))}</p> })}
                            {page.broken.map(|(id, why)| view! { <p class="alert" role="alert">{format!("{} {id}: {why}", l.t(T::ChainBroken))}</p> })}
                            <ul class="plain audit">
                                {page.entries.into_iter().map(|e| view! {
                                    <li>
                                        <span class="muted">"#" {e.id} " " <time>{e.at}</time></span> " "
                                        <strong>{e.action}</strong> " – " {e.subject} " – " {e.who}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </Layout>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
