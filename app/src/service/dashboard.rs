//! The administrator's view of the month: the dashboard (progress, findings, grants, who has
//! not acted) and the month's preflight that the dashboard, the export page and bulk
//! attestation share.

use super::context::{Cx, internal, me, this_month, today};
use super::kept::month_check;
use crate::domain::rules::Severity;
use crate::domain::{MonthStatus, ReportMonth};
use crate::i18n::T;
use crate::model::*;
use std::collections::HashMap;
use store::Caller;

/// How much of each long list the month dashboard shows before it says "and N more": the
/// findings, who has not acted, the recipients' hours against their decisions, the rows in
/// the repeated hour. The search (`q`) narrows them all; the table itself is paged.
pub const DASHBOARD_FINDINGS: usize = 50;

pub const DASHBOARD_LIST: usize = 10;

pub const DASHBOARD_GRANTS: usize = 20;

/// What part of the month dashboard to show: the table's filter (`alla`, `atgard`: needs
/// action, `fel`: has errors, `klara`: attested), a name search, the table's page, one pair.
#[derive(Clone, Copy, Debug, Default)]
pub struct AdminView<'a> {
    pub filter: &'a str,
    pub query: &'a str,
    pub page: i64,
    pub pair: Option<(i64, i64)>,
}

/// The month dashboard: every assistant × recipient with its status (paged), the month's
/// preflight, the days to FK's deadline, who has not acted yet, hours against the decisions.
/// Built for a municipality with thousands of pairs: the checks run on the whole month, the
/// page shows a page of the table and the first entries of each list, all narrowed by the
/// search.
pub async fn admin_page(
    cx: &Cx,
    month: Option<ReportMonth>,
    view: AdminView<'_>,
) -> Result<AdminPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let month = month.unwrap_or_else(|| this_month().previous());
    let mut check = month_check(cx, c, month).await?;
    let ready = check.preflight.ready();
    let (error_count, warning_count) = (check.preflight.errors().count(), check.warnings());
    let months = std::mem::take(&mut check.months);
    let people = std::mem::take(&mut check.people);
    let errors = std::mem::take(&mut check.error_pairs);
    let repeated = std::mem::take(&mut check.repeated);
    let all_findings = std::mem::take(&mut check.preflight.findings);

    // The search: part of the assistant's or the recipient's name, any case.
    let query: String = view.query.chars().take(100).collect();
    let needle = query.to_lowercase();
    let named = |name: &str| name.to_lowercase().contains(&needle);
    let pair_shown = |a: i64, r: i64| {
        view.pair.is_none_or(|p| p == (a, r))
            && (needle.is_empty()
                || people.assistants.get(&a).is_some_and(|x| named(&x.name()))
                || people.recipients.get(&r).is_some_and(|x| named(&x.name())))
    };
    let month_shown = |m: &MonthView| pair_shown(m.assistant.id, m.recipient.id);

    // Rows in the repeated autumn hour: FK's own sum of such a 3059 can differ from the 3057.
    let names: HashMap<(i64, i64), (&str, &str)> = months
        .iter()
        .map(|m| {
            (
                (m.assistant.id, m.recipient.id),
                (m.assistant.name.as_str(), m.recipient.name.as_str()),
            )
        })
        .collect();
    let repeated = Listed::first(
        repeated.iter().filter(|(a, r, _)| pair_shown(*a, *r)).map(|(a, r, when)| {
            let (a, b) = names.get(&(*a, *r)).copied().unwrap_or_default();
            format!("{a} – {b}: {when}")
        }),
        DASHBOARD_LIST,
    );
    // Payable hours per recipient (all their assistants) against what their decisions grant
    // for the month, for the recipients in the search; those over their decision first.
    let mut payable: std::collections::BTreeMap<(String, i64), rust_decimal::Decimal> =
        Default::default();
    for m in &months {
        *payable.entry((m.recipient.name.clone(), m.recipient.id)).or_default() +=
            m.totals.payable_hours();
    }
    let in_search: std::collections::HashSet<i64> =
        months.iter().filter(|m| month_shown(m)).map(|m| m.recipient.id).collect();
    let reported: HashMap<i64, rust_decimal::Decimal> =
        payable.iter().map(|((_, id), hours)| (*id, *hours)).collect();
    let mut grants: Vec<GrantLine> = payable
        .into_iter()
        .filter(|((_, id), _)| in_search.contains(id))
        .map(|((name, id), hours)| {
            let granted = super::schedule::granted(&people, id, month);
            let granted_hours =
                granted.map(|g| rust_decimal::Decimal::new(g, 0) / rust_decimal::Decimal::from(60));
            GrantLine {
                recipient: Person { id, name },
                payable: format!("{:.2}", hours.round_dp(2)),
                granted: granted_hours.map(|g| format!("{:.2}", g.round_dp(2))),
                over: granted_hours.is_some_and(|g| hours > g),
                bar: None,
            }
        })
        .collect();
    grants.sort_by_key(|g| !g.over);
    let mut grants = Listed::first(grants, DASHBOARD_GRANTS);
    // The lines shown with their planned hours (issue 27), read for those recipients only.
    let shown: Vec<i64> = grants.items.iter().map(|g| g.recipient.id).collect();
    if !shown.is_empty() {
        let planned = cx
            .db()
            .await?
            .planned_in_month(c.tenant_id, month, Some(&shown))
            .await
            .map_err(internal)?;
        for g in grants.items.iter_mut() {
            let planned = crate::domain::Totals::of(
                planned
                    .iter()
                    .filter(|p| p.recipient_id == g.recipient.id && !p.cancelled)
                    .map(|p| &p.row),
            )
            .payable_hours();
            let reported = reported.get(&g.recipient.id).copied().unwrap_or_default();
            let granted = super::schedule::granted(&people, g.recipient.id, month);
            g.bar = Some(super::schedule::hours_bar(granted, planned, reported));
        }
    }

    let has_errors =
        |m: &MonthView| errors.binary_search(&(m.assistant.id, m.recipient.id)).is_ok();
    let needs_action = |m: &MonthView| {
        matches!(m.status, MonthStatus::Submitted | MonthStatus::Approved)
            || (m.status == MonthStatus::Draft && m.row_count > 0)
    };
    let not_acted = Listed::first(
        months.iter().filter(|m| month_shown(m)).filter_map(|m| match m.status {
            MonthStatus::Draft if m.row_count > 0 => Some(NotActed {
                key: m.key,
                assistant: m.assistant.id,
                recipient: m.recipient.id,
                who: m.assistant.name.clone(),
                what: T::NotSubmittedFor,
                whom: m.recipient.name.clone(),
            }),
            MonthStatus::Submitted => Some(NotActed {
                key: m.key,
                assistant: m.assistant.id,
                recipient: m.recipient.id,
                who: m.recipient.name.clone(),
                what: T::NotApprovedFrom,
                whom: m.assistant.name.clone(),
            }),
            _ => None,
        }),
        DASHBOARD_LIST,
    );

    // The findings: all counted, errors listed first. V9 says per month and per räkning what
    // the table already shows; with many recipients it is summed up instead of listed. A
    // finding about the whole month (no assistant, no recipient) shows whatever the search.
    // The assistants' and recipients' warnings (possibly hundreds of thousands) are counted,
    // and read only as far as the list shows them.
    let (v9, mut findings): (Vec<_>, Vec<_>) =
        all_findings.into_iter().partition(|f| f.rule == crate::domain::rules::RuleId::V9);
    let not_ready = if v9.len() > DASHBOARD_LIST {
        let months = v9
            .iter()
            .filter(|f| matches!(f.what, crate::domain::rules::What::MonthNotReady { .. }))
            .count();
        Some((months, v9.len() - months))
    } else {
        findings.extend(v9);
        None
    };
    findings.sort_by_key(|f| f.severity != Severity::Error);
    let about_shown = |a: Option<i64>, r: Option<i64>| match (a, r) {
        (None, None) => true,
        (Some(a), Some(r)) => pair_shown(a, r),
        (a, r) => {
            view.pair.is_none_or(|(pa, pr)| a.is_none_or(|a| a == pa) && r.is_none_or(|r| r == pr))
                && (needle.is_empty()
                    || a.and_then(|a| people.assistants.get(&a)).is_some_and(|x| named(&x.name()))
                    || r.and_then(|r| people.recipients.get(&r)).is_some_and(|x| named(&x.name())))
        }
    };
    let findings = check
        .listed(
            &*cx.repo,
            findings.into_iter().filter(|f| about_shown(f.assistant, f.recipient)).collect(),
            &about_shown,
            DASHBOARD_FINDINGS,
        )
        .await?;

    // The table: the filter, the search, one page.
    let filter = match view.filter {
        "atgard" | "fel" | "klara" => view.filter,
        _ => "alla",
    };
    let any_approved = months.iter().any(|m| m.status == MonthStatus::Approved);
    let shown: Vec<MonthView> = months
        .into_iter()
        .filter(|m| month_shown(m))
        .filter(|m| match filter {
            "atgard" => needs_action(m),
            "fel" => has_errors(m),
            "klara" => matches!(m.status, MonthStatus::Attested | MonthStatus::Exported),
            _ => true,
        })
        .collect();
    let mut base = format!("/admin?manad={month}&visa={filter}");
    if let Some((a, r)) = view.pair {
        base.push_str(&format!("&par={a}-{r}"));
    }
    let total = shown.len();
    let p = super::paging::paging(&base, &query, view.page, total as i64);
    let months: Vec<MonthView> =
        shown.into_iter().skip(p.offset as usize).take(super::paging::PAGE_SIZE as usize).collect();
    let error_pairs =
        months.iter().filter(|m| has_errors(m)).map(|m| (m.assistant.id, m.recipient.id)).collect();
    Ok(AdminPage {
        me: me(cx, c),
        month,
        days_left: (month.fk_deadline() - today()).num_days(),
        deadline: month.fk_deadline().format("%Y-%m-%d").to_string(),
        ready,
        preflight: findings,
        errors: error_count,
        warnings: warning_count,
        not_ready,
        months,
        months_total: total,
        query: p.query.clone(),
        pair: view.pair,
        page: p.page,
        pages: p.pages,
        prev: p.prev,
        next: p.next,
        filter: filter.to_string(),
        error_pairs,
        not_acted,
        any_approved,
        needs_action: format!(
            "/admin?manad={month}&visa=atgard&q={}",
            super::paging::urlencode(&query)
        ),
        grants,
        repeated,
        flash: cx.take_flash().await,
    })
}

/// The assistant × recipient pairs whose month has an error-level finding (V9 aside, which
/// attestation itself answers): those are not attested in bulk.
pub async fn months_with_errors(
    cx: &Cx,
    c: &Caller,
    month: ReportMonth,
) -> Result<Vec<(i64, i64)>, PageError> {
    Ok(month_check(cx, c, month).await?.error_pairs)
}

/// The month's preflight findings (rules V1–V10), for the export page and the export itself:
/// every error, and the month's own warnings (an assistant's or a recipient's warnings are
/// only counted, on the dashboard).
pub async fn month_preflight_for(
    cx: &Cx,
    c: &Caller,
    month: ReportMonth,
) -> Result<Vec<crate::domain::rules::Finding>, PageError> {
    Ok(month_check(cx, c, month).await?.preflight.findings)
}
