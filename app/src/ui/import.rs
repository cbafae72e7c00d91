//! The CSV import page: choose what the file holds and upload it (a dry run, nothing saved);
//! the report says per line what would be created or changed and what is wrong (line,
//! column, why); then import all of it, or nothing. Works without JavaScript.

use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::domain::import::{ImportKind, ImportProblem, LineResult};
use crate::endpoints;
use crate::i18n::{Locale, Message, Reason, T};
use crate::paths;
use leptos::prelude::*;

fn kind_label(k: ImportKind, l: Locale) -> &'static str {
    l.t(match k {
        ImportKind::Recipients => T::ImportRecipients,
        ImportKind::Assistants => T::ImportAssistants,
        ImportKind::Assignments => T::ImportAssignments,
    })
}

pub fn problem_text(p: &ImportProblem, l: Locale) -> String {
    match p {
        ImportProblem::Reg(e) => e.message(l),
        ImportProblem::Assignment(e) => e.message(l).to_string(),
        ImportProblem::PersonUnknown => l.t(T::ImportPersonUnknown).into(),
        ImportProblem::DuplicateInFile => l.t(T::ImportDuplicate).into(),
        ImportProblem::YesNo => l.t(T::ImportYesNo).into(),
        ImportProblem::FieldCount => l.t(T::ImportFieldCount).into(),
        ImportProblem::NotCsv => l.t(T::ImportNotCsv).into(),
        ImportProblem::Header(c) => format!("{} {c}", l.t(T::ImportHeader)),
        ImportProblem::TooLarge => l.t(T::ImportTooLarge).into(),
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    let draft = leptos_router::hooks::use_query_map().read_untracked().get("utkast");
    view! {
        <Suspense fallback=|| ()>
            {
                Suspend::new(async move {
                    match endpoints::load_import_page(draft).await {
                        Err(e) => view! { <PageFailure error=e /> }.into_any(),
                        Ok(page) => {
                            let csrf = page.me.csrf.clone();
                            let report = page.report.clone().map(|r| {
                                let refused = r.refused();
                                let (created, updated, unchanged) = (r.created(), r.updated(), r.unchanged());
                                let omitted: usize = r.omitted.iter().sum();
                                let summary = format!("{}: {created} {}, {updated} {}, {unchanged} {}, {refused} {}.", kind_label(r.kind, l), l.t(T::ImportCreated), l.t(T::ImportUpdated), l.t(T::ImportUnchanged), l.t(T::ImportRefusedCount));
                                // Refused lines first; of the rest at most 200 are listed.
                                let mut lines = r.lines.clone();
                                lines.sort_by_key(|x| (!matches!(x.result, LineResult::Refused(_)), x.line));
                                let shown: Vec<_> = lines.into_iter().enumerate().filter(|(i, x)| matches!(x.result, LineResult::Refused(_)) || *i < 200).map(|(_, x)| x).collect();
                                view! {
                                    <section class="card" aria-labelledby="report-title">
                                        <h2 id="report-title">{l.t(T::ImportReportTitle)}</h2>
                                        <p role="status" class={if refused > 0 { "alert" } else { "notice" }}>{summary}</p>
                                        {r.file_problem.as_ref().map(|p| view! { <p class="alert">{problem_text(p, l)}</p> })}
                                        <ol class="import-lines">
                                            {shown.into_iter().map(|x| {
                                                let (class, what) = match &x.result {
                                                    LineResult::Created => ("created", l.t(T::ImportWillCreate).to_string()),
                                                    LineResult::Updated(cols) => ("updated", format!("{} {}", l.t(T::ImportWillUpdate), cols.join(", "))),
                                                    LineResult::Unchanged => ("unchanged", l.t(T::ImportNoChange).to_string()),
                                                    LineResult::Refused(p) => ("refused", p.iter().map(|(c, p)| if c.is_empty() { problem_text(p, l) } else { format!("{} {c}: {}", l.t(T::ImportColumn), problem_text(p, l)) }).collect::<Vec<_>>().join(" ")),
                                                };
                                                view! { <li class=class value=x.line.to_string()><strong>{format!("{} {}", l.t(T::ImportLine), x.line)}</strong> " " {x.who.clone()} ": " {what}</li> }
                                            }).collect_view()}
                                        </ol>
                                        {(omitted > 0).then(|| view! { <p class="muted">{format!("{} {omitted}", l.t(T::ImportMoreLines))}</p> })}
                                        {(refused == 0 && r.file_problem.is_none()).then(|| view! {
                                            <form method="post" action=paths::IMPORT_RUN class="stack">
                                                <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                                <input type="hidden" name="id" value=page.draft.map(|d| d.to_string()).unwrap_or_default() />
                                                <button type="submit" class="primary">{l.t(T::ImportRun)}</button>
                                            </form>
                                        })}
                                        {(refused > 0).then(|| view! { <p>{l.t(T::ImportFixAndRetry)}</p> })}
                                    </section>
                                }
                            });
                            view! {
                                <Layout me=Some(page.me.clone())>
                                    <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                    <h1>{l.t(T::ImportTitle)}</h1>
                                    <FlashMessages notice=page.flash.notice error=page.flash.error count=page.flash.count />
                                    {report}
                                    <section class="card" aria-labelledby="upload-title">
                                        <h2 id="upload-title">{l.t(T::ImportUpload)}</h2>
                                        <p class="muted">{l.t(T::ImportHint)}</p>
                                        // The token in the address: the guard checks it before the upload is read.
                                        <form method="post" action=format!("{}?csrf={csrf}", paths::IMPORT_DRY_RUN) enctype="multipart/form-data" class="stack">
                                            <fieldset class="kinds">
                                                <legend>{l.t(T::ImportKindLegend)}</legend>
                                                {[ImportKind::Recipients, ImportKind::Assistants, ImportKind::Assignments].into_iter().map(|k| {
                                                    let id = format!("typ-{}", k.code());
                                                    view! {
                                                        <div class="check">
                                                            <input type="radio" id=id.clone() name="typ" value=k.code() checked=k == ImportKind::Recipients />
                                                            <label for=id>{kind_label(k, l)}</label>
                                                        </div>
                                                    }
                                                }).collect_view()}
                                            </fieldset>
                                            <div class="field">
                                                <label for="fil">{l.t(T::ImportFile)}</label>
                                                <input id="fil" name="fil" type="file" accept=".csv,text/csv" />
                                            </div>
                                            <button type="submit">{l.t(T::ImportDryRun)}</button>
                                        </form>
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
