//! The administrator's export page (preflight gate, export and lock, the month's archives, the
//! installation's public key) and the public page that checks an archive.

use super::month::{FindingsList, MoreNote};
use super::{Download, FlashMessages, FormKeys, Layout, MonthNav, PageFailure, month_query};
use crate::endpoints::{load_export_page, load_verify_page};
use crate::i18n::{Locale, Message, T};
use crate::model::export::VerifyResult;
use crate::paths;
use leptos::prelude::*;

#[component]
pub fn ExportPageView() -> impl IntoView {
    let l = expect_context::<Locale>();
    let month = month_query();
    let job = leptos_router::hooks::use_query_map().read_untracked().get("jobb");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match load_export_page(month, job).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let csrf = page.me.csrf.clone();
                            let csrf_form = csrf.clone();
                            let csrf_archive = csrf.clone();
                            let month_text = page.month.to_string();
                            let ready = page.blocking.total == 0;
                            let (blocking, more) = (page.blocking.items.clone(), page.blocking.more());
                            let counts = [
                                (T::ExportReports, page.reports.to_string()),
                                (T::ExportExported, page.exported.to_string()),
                                (T::ExportClaims, page.claims.to_string()),
                            ];
                            view! {
                                <Layout me=Some(page.me)>
                                    <p><a href=format!("/admin?manad={month_text}")>"‹ " {l.t(T::AdminTitle)}</a></p>
                                    <h1>{format!("{} {month_text}", l.t(T::ExportTitle))}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error />
                                    <MonthNav month=page.month path="/admin/export" />
                                    <p>{l.t(T::ExportIntro)}</p>
                                    <p class="deadline">{format!("{}: {} ({} {})", l.t(T::Deadline), page.deadline, page.days_left, l.t(T::DaysLeft))}</p>
                                    <dl class="totals">
                                        {counts.into_iter().map(|(t, n)| view! { <div><dt>{l.t(t)}</dt><dd>{n}</dd></div> }).collect_view()}
                                    </dl>
                                    <section class="card" aria-labelledby="blocking-title">
                                        <h2 id="blocking-title">{l.t(T::ExportBlockedTitle)}</h2>
                                        {ready.then(|| view! { <p class="ready">{l.t(T::ExportReady)}</p> })}
                                        <FindingsList locale=l findings=blocking links=true month=Some(page.month) />
                                        <MoreNote total=page.blocking.total more hint=T::ListedOnDashboard href=format!("/admin?manad={month_text}#preflight-title") />
                                    </section>
                                    {match page.job.filter(|j| j.running) {
                                        Some(job) => view! { <JobProgress job /> }.into_any(),
                                        None => view! {
                                            <form method="post" action=paths::EXPORT class="export-form">
                                                <FormKeys csrf=csrf />
                                                <input type="hidden" name="manad" value=month_text.clone() />
                                                <button type="submit" aria-describedby="export-working">{l.t(T::ExportButton)}</button>
                                                <p id="export-working" class="muted">{l.t(T::ExportWorking)}</p>
                                            </form>
                                        }.into_any(),
                                    }}
                                    <section class="card" aria-labelledby="archives-title">
                                        <h2 id="archives-title">{l.t(T::ArchivesTitle)}</h2>
                                        {page.archives.is_empty().then(|| view! { <p class="muted">{l.t(T::ArchiveNone)}</p> })}
                                        <ul class="plain archives">
                                            {page.archives.into_iter().map(|a| {
                                                let text = format!(
                                                    "{} {} · {} {} · {} {} · {} {}, {} {}",
                                                    l.t(T::ArchiveVersion), a.version, l.t(T::ArchiveCreated), a.created_at, l.t(T::ArchiveBy), a.created_by,
                                                    a.files, l.t(T::ArchiveFiles), a.corrections, l.t(T::ArchiveCorrections)
                                                );
                                                let label = format!("{} {} {}", l.t(T::ArchiveDownload), l.t(T::ArchiveVersion).to_lowercase(), a.version);
                                                view! {
                                                    <li>
                                                        <p>{text}</p>
                                                        <p class="hash">"SHA-256 " <code>{a.sha256}</code></p>
                                                        <p><Download action=paths::ARCHIVE csrf=csrf_archive.clone() fields=vec![("id", a.id.to_string())] label=l.t(T::ArchiveDownload).to_string() aria_label=label /></p>
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                    <section class="card" aria-labelledby="forms-title">
                                        <h2 id="forms-title">{l.t(T::FormsTitle)}</h2>
                                        <p>{l.t(T::FormsIntro)}</p>
                                        {page.forms.is_empty().then(|| view! { <p class="muted">{l.t(T::FormsNone)}</p> })}
                                        <ul class="plain">
                                            {page.forms.into_iter().map(|f| {
                                                let head = format!("FK {} · {} {} · {} · {} {}", f.kind, l.t(T::ArchiveCreated).to_lowercase(), f.uploaded_at, f.uploaded_by, f.fields, l.t(T::FormFields));
                                                let complete = f.missing.is_empty();
                                                view! {
                                                    <li data-form=f.kind.clone()>
                                                        <p><strong>{head}</strong></p>
                                                        {complete.then(|| view! { <p class="muted">{l.t(T::FormComplete)}</p> })}
                                                        {(!complete).then(|| view! {
                                                            <p class="alert">{l.t(T::FormMissing)}</p>
                                                            <ul class="findings">{f.missing.iter().map(|m| view! { <li class="warning"><code>{m.clone()}</code></li> }).collect_view()}</ul>
                                                        })}
                                                    </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                        // The token in the address: the guard checks it before the upload is read.
                                        <form method="post" action=format!("{}?csrf={csrf_form}", paths::FK_FORM) enctype="multipart/form-data">
                                            <input type="hidden" name="manad" value=month_text.clone() />
                                            <fieldset>
                                                <legend>{l.t(T::FormKind)}</legend>
                                                <label><input type="radio" name="typ" value="3059" checked /> "FK 3059"</label>
                                                <label><input type="radio" name="typ" value="3057" /> "FK 3057"</label>
                                            </fieldset>
                                            <label for="fk-fil">{l.t(T::FormFile)}</label>
                                            <input id="fk-fil" name="fil" type="file" accept=".pdf,application/pdf" />
                                            <label for="fk-karta">{l.t(T::FormMapping)}</label>
                                            <input id="fk-karta" name="karta" type="file" accept=".json,application/json" />
                                            <button type="submit">{l.t(T::FormUpload)}</button>
                                        </form>
                                    </section>
                                    <section class="card" aria-labelledby="key-title">
                                        <h2 id="key-title">{l.t(T::PublicKeyTitle)}</h2>
                                        <p>{l.t(T::PublicKeyText)} " " <a href="/verifiera">{l.t(T::VerifyTitle)}</a></p>
                                        <p class="hash"><code id="public-key">{page.public_key}</code></p>
                                    </section>
                                </Layout>
                            }
                            .into_any()
                        }
                    }
                })
            }
        </Suspense>
    }
}

/// The running export: a bar (the browser's own `<progress>`, no script needed) with the
/// numbers beside it, a link that shows the page anew, and the script that moves the bar and
/// shows the outcome by itself (`app/js/export.js`).
#[component]
fn JobProgress(job: crate::model::export::ExportJobView) -> impl IntoView {
    let l = expect_context::<Locale>();
    let text = job.text(l);
    let bar = if job.total > 0 {
        view! { <progress id="job-bar" max=job.total value=job.done>{format!("{} %", job.percent())}</progress> }.into_any()
    } else {
        view! { <progress id="job-bar"></progress> }.into_any()
    };
    view! {
        <section class="card export-job" aria-labelledby="job-title" data-export-job=job.id>
            <h2 id="job-title">{l.t(T::ExportJobTitle)}</h2>
            <label for="job-bar">{l.t(T::ExportJobProgress)}</label>
            {bar}
            <p class="job-text">{text}</p>
            <p class="muted">{l.t(T::ExportWorking)}</p>
            <p><a href=job.href>{l.t(T::ExportJobRefresh)}</a></p>
            <script type="module" src="/pkg/export.js"></script>
        </section>
    }
}

#[component]
pub fn VerifyPageView() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match load_verify_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let (report, refused) = match page.result.clone() {
                            Some(VerifyResult::Checked(r)) => (Some(r), None),
                            Some(VerifyResult::Refused(t)) => (None, Some(t)),
                            None => (None, None),
                        };
                        let result = report.map(|r| {
                            let signed_by = r.signed_by.clone().map(|k| format!("{} {k}{}", l.t(T::VerifySignedBy), if r.retired_key { format!(" {}", l.t(T::VerifyRetiredKey)) } else { String::new() }));
                            let summary = [
                                r.municipality.clone().map(|m| format!("{}: {m}", l.t(T::VerifyMunicipality))),
                                r.month.clone().map(|m| format!("{}: {m}", l.t(T::Month))),
                                r.created_at.clone().map(|c| format!("{}: {c}", l.t(T::ArchiveCreated))),
                                Some(format!("{}: {}", l.t(T::VerifyChecked), r.files_checked)),
                                signed_by,
                            ];
                            let more = (r.more_problems > 0).then(|| format!("{} {}", l.t(T::VerifyMoreProblems), r.more_problems));
                            // Who signed what and how (the first 200; the rest counted).
                            let signature_line = |s: &crate::domain::documents::ArchivedSignature| {
                                let how = match &s.eid {
                                    Some(e) => format!(
                                        "{} ({}) {} {}, {}",
                                        l.t(T::EidSigned),
                                        e.personnummer_masked,
                                        l.t(T::VerifyThrough),
                                        e.issuer,
                                        l.t(if s.eid_holds == Some(true) { T::VerifyEidHolds } else { T::VerifyEidFails }),
                                    ),
                                    None => l.t(T::VerifyByPassword).to_string(),
                                };
                                use crate::domain::documents::SignatureWhat;
                                let what = l.t(match s.what {
                                    SignatureWhat::Approval => T::SignatureApproval,
                                    SignatureWhat::Attestation => T::SignatureAttestation,
                                    SignatureWhat::Claim => T::SignatureClaim,
                                });
                                format!("{what}: {}, {}: {how}", s.signer, s.signed_at)
                            };
                            let signatures: Vec<String> = r.signatures.iter().take(200).map(signature_line).collect();
                            let unlisted = r.signatures.len().saturating_sub(200) + r.more_signatures;
                            view! {
                                <section class="card" aria-labelledby="verify-result" id="verify-result-card">
                                    <h2 id="verify-result" class=if r.ok { "ok" } else { "bad" }>{l.t(if r.ok { T::VerifyOk } else { T::VerifyFailed })}</h2>
                                    <ul class="findings">
                                        {r.problems.iter().map(|p| view! { <li class="error">{p.message(l)}</li> }).collect_view()}
                                        {more.map(|m| view! { <li class="error">{m}</li> })}
                                    </ul>
                                    <ul class="plain">{summary.into_iter().flatten().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                                    {(!signatures.is_empty()).then(|| view! {
                                        <h3>{l.t(T::VerifySignatures)}</h3>
                                        <ul class="plain">{signatures.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                                        {(unlisted > 0).then(|| view! { <p>{l.t(T::VerifyMoreSignatures)} " " {unlisted}</p> })}
                                    })}
                                </section>
                            }
                        });
                        let retired = page.retired_keys.clone();
                        view! {
                            <Layout me=page.me>
                                <h1>{l.t(T::VerifyTitle)}</h1>
                                <FlashMessages notice=None error=refused />
                                {result}
                                <p>{l.t(T::VerifyIntro)}</p>
                                <form method="post" action=paths::VERIFY enctype="multipart/form-data" class="card">
                                    <label for="arkiv">{l.t(T::VerifyFile)}</label>
                                    <input id="arkiv" name="arkiv" type="file" accept=".zip,application/zip" />
                                    <button type="submit">{l.t(T::VerifyButton)}</button>
                                </form>
                                <section class="card" aria-labelledby="key-title">
                                    <h2 id="key-title">{l.t(T::PublicKeyTitle)}</h2>
                                    <p class="hash"><code>{page.public_key}</code></p>
                                    {(!retired.is_empty()).then(|| view! {
                                        <p>{l.t(T::RetiredKeys)}</p>
                                        <ul class="plain">{retired.into_iter().map(|k| view! { <li class="hash"><code>{k}</code></li> }).collect_view()}</ul>
                                    })}
                                </section>
                            </Layout>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
