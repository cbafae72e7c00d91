//! The municipalities' comparison (issue 29): the choice to take part, and each measure as a
//! chart drawn on the server (SVG, no script) with a title and a description, its latest month
//! in words, and every month's numbers in a table for screen readers.

use super::{FlashMessages, FormKeys, Layout, PageFailure};
use crate::domain::benchmark::{Better, Metric, Unit};
use crate::endpoints;
use crate::i18n::{Locale, T};
use crate::model::benchmark::{MeasureView, Point, number};
use crate::paths;
use leptos::prelude::*;

const RULE_NAMES: [T; 10] = [
    T::BmRuleV1,
    T::BmRuleV2,
    T::BmRuleV3,
    T::BmRuleV4,
    T::BmRuleV5,
    T::BmRuleV6,
    T::BmRuleV7,
    T::BmRuleV8,
    T::BmRuleV9,
    T::BmRuleV10,
];

fn name(l: Locale, m: Metric) -> String {
    let t = match m {
        Metric::SubmittedBy1st => T::BmSubmitted1st,
        Metric::SubmittedBy5th => T::BmSubmitted5th,
        Metric::DaysToAttestation => T::BmDaysToAttestation,
        Metric::ExportedInTime => T::BmExportedInTime,
        Metric::PayableOfGranted => T::BmPayableOfGranted,
        Metric::CorrectionsPer100 => T::BmCorrections,
        Metric::Findings(r) => {
            return format!("{}: {}", l.t(T::BmFindings), l.t(RULE_NAMES[r as usize]));
        }
        Metric::RowsClock => T::BmRowsClock,
        Metric::RowsPlan => T::BmRowsPlan,
        Metric::RowsTyped => T::BmRowsTyped,
    };
    l.t(t).to_string()
}

/// A figure with its unit (`92,3 %`, `4,0 dagar`).
fn with_unit(l: Locale, unit: Unit, v: f64) -> String {
    match unit {
        Unit::Percent => format!("{} %", number(v)),
        Unit::Days => format!("{} {}", number(v), l.t(T::BmUnitDays)),
        Unit::PerHundred => format!("{} {}", number(v), l.t(T::BmUnitPerHundred)),
        Unit::PerThousand => format!("{} {}", number(v), l.t(T::BmUnitPerThousand)),
    }
}

/// The chart's drawing area in its own units (the SVG scales to the page's width).
const W: f64 = 320.0;
const H: f64 = 150.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 10.0;
const TOP: f64 = 10.0;
const BOTTOM: f64 = 22.0;

/// A round top for the value axis: 100 for shares (more where a figure is above it), else the
/// largest figure rounded up to 1, 2 or 5 times a power of ten.
fn top(unit: Unit, points: &[Point]) -> f64 {
    let max = points
        .iter()
        .flat_map(|p| p.own.into_iter().chain(p.quartiles.map(|q| q.2)))
        .fold(0.0_f64, f64::max);
    if unit == Unit::Percent && max <= 100.0 {
        return 100.0;
    }
    if max <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|k| k * p).find(|t| *t >= max).unwrap_or(10.0 * p)
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

/// The chart of one measure: the middle half as a band, the median dashed, the municipality's
/// own figure as a line with dots. Hidden from nothing: it is one image with a title and a
/// description; the table after it has the numbers.
fn chart(l: Locale, id: &str, title: &str, m: &MeasureView) -> impl IntoView + use<> {
    let n = m.points.len().max(2);
    let unit = m.metric.unit();
    let top = top(unit, &m.points);
    let x = move |i: usize| LEFT + i as f64 * (W - LEFT - RIGHT) / (n - 1) as f64;
    let y = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v / top).clamp(0.0, 1.0));
    let mut band = String::new();
    let mut median = String::new();
    let mut own = String::new();
    for (i, pair) in m.points.windows(2).enumerate() {
        if let (Some(a), Some(b)) = (pair[0].quartiles, pair[1].quartiles) {
            band.push_str(&format!(
                "M{} {}L{} {}L{} {}L{} {}Z",
                fmt(x(i)),
                fmt(y(a.2)),
                fmt(x(i + 1)),
                fmt(y(b.2)),
                fmt(x(i + 1)),
                fmt(y(b.0)),
                fmt(x(i)),
                fmt(y(a.0))
            ));
            median.push_str(&format!(
                "M{} {}L{} {}",
                fmt(x(i)),
                fmt(y(a.1)),
                fmt(x(i + 1)),
                fmt(y(b.1))
            ));
        }
        if let (Some(a), Some(b)) = (pair[0].own, pair[1].own) {
            own.push_str(&format!("M{} {}L{} {}", fmt(x(i)), fmt(y(a)), fmt(x(i + 1)), fmt(y(b))));
        }
    }
    // A month with a spread but none beside it still shows its median, as a short mark.
    let lone: Vec<(f64, (f64, f64, f64))> = m
        .points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let q = p.quartiles?;
            let beside = |j: Option<usize>| {
                j.and_then(|j| m.points.get(j)).is_some_and(|p| p.quartiles.is_some())
            };
            (!beside(i.checked_sub(1)) && !beside(Some(i + 1))).then(|| (x(i), q))
        })
        .collect();
    let dots: Vec<(f64, f64)> =
        m.points.iter().enumerate().filter_map(|(i, p)| p.own.map(|v| (x(i), y(v)))).collect();
    let grid: Vec<(f64, String)> =
        [0.0, top / 2.0, top].iter().map(|v| (y(*v), number(*v))).collect();
    let last = m.points.len().saturating_sub(1);
    let labels: Vec<(f64, String)> = [0, last / 2, last]
        .iter()
        .filter_map(|i| m.points.get(*i).map(|p| (x(*i), p.month.clone())))
        .collect();
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let labelled = format!("{title_id} {desc_id}");
    view! {
        <svg class="bm-chart" viewBox=format!("0 0 {W} {H}") role="img"
            aria-labelledby=labelled focusable="false">
            <title id=title_id>{title.to_string()}</title>
            <desc id=desc_id>{l.t(T::BenchmarkChartDesc)}</desc>
            {grid.into_iter().map(|(gy, label)| view! {
                <line class="grid" x1=fmt(LEFT) x2=fmt(W - RIGHT) y1=fmt(gy) y2=fmt(gy) />
                <text class="axis" x=fmt(LEFT - 4.0) y=fmt(gy + 3.0) text-anchor="end">{label}</text>
            }).collect_view()}
            {labels.into_iter().enumerate().map(|(k, (lx, label))| {
                let anchor = match k { 0 => "start", 2 => "end", _ => "middle" };
                view! { <text class="axis" x=fmt(lx) y=fmt(H - 6.0) text-anchor=anchor>{label}</text> }
            }).collect_view()}
            <path class="band" d=band />
            {lone.into_iter().map(|(lx, q)| view! {
                <rect class="band" x=fmt(lx - 3.0) y=fmt(y(q.2)) width="6" height=fmt((y(q.0) - y(q.2)).max(1.0)) />
                <line class="median" x1=fmt(lx - 5.0) x2=fmt(lx + 5.0) y1=fmt(y(q.1)) y2=fmt(y(q.1)) />
            }).collect_view()}
            <path class="median" d=median />
            <path class="own" d=own />
            {dots.into_iter().map(|(cx, cy)| view! { <circle class="own" cx=fmt(cx) cy=fmt(cy) r="2.5" /> }).collect_view()}
        </svg>
    }
}

/// The chart's key (the same marks as the chart, beside their names).
fn legend(l: Locale) -> impl IntoView + use<> {
    view! {
        <ul class="bm-legend" aria-hidden="true">
            <li><svg viewBox="0 0 20 10" focusable="false"><line class="own" x1="0" x2="20" y1="5" y2="5" /><circle class="own" cx="10" cy="5" r="2.5" /></svg>{l.t(T::BenchmarkOwn)}</li>
            <li><svg viewBox="0 0 20 10" focusable="false"><line class="median" x1="0" x2="20" y1="5" y2="5" /></svg>{l.t(T::BenchmarkMedian)}</li>
            <li><svg viewBox="0 0 20 10" focusable="false"><rect class="band" x="0" y="1" width="20" height="8" /></svg>{l.t(T::BenchmarkQuartiles)}</li>
        </ul>
    }
}

/// The newest month with the municipality's own figure, in words.
fn latest(l: Locale, m: &MeasureView) -> Option<String> {
    let unit = m.metric.unit();
    let p = m.points.iter().rev().find(|p| p.own.is_some() || p.quartiles.is_some())?;
    let own =
        p.own.map(|v| with_unit(l, unit, v)).unwrap_or_else(|| l.t(T::BenchmarkNoFigure).into());
    let median = match p.quartiles {
        Some(q) => {
            format!("{} {}", l.t(T::BenchmarkMedian).to_lowercase(), with_unit(l, unit, q.1))
        }
        None => l.t(T::BenchmarkWithheld).to_string(),
    };
    Some(format!("{}: {} {own}; {median}", p.month, l.t(T::BenchmarkOwn).to_lowercase()))
}

fn table(l: Locale, title: &str, m: &MeasureView) -> impl IntoView + use<> {
    let unit = m.metric.unit();
    let cell = move |v: Option<f64>| {
        v.map(|v| with_unit(l, unit, v)).unwrap_or_else(|| l.t(T::BenchmarkNoFigure).into())
    };
    view! {
        // Wrapped: a table is as wide as its columns whatever its own width says.
        <div class="sr-only"><table>
            <caption>{title.to_string()}</caption>
            <thead><tr>
                <th scope="col">{l.t(T::Month)}</th>
                <th scope="col">{l.t(T::BenchmarkOwn)}</th>
                <th scope="col">{l.t(T::BenchmarkMedian)}</th>
                <th scope="col">{l.t(T::BenchmarkLowerQuartile)}</th>
                <th scope="col">{l.t(T::BenchmarkUpperQuartile)}</th>
                <th scope="col">{l.t(T::BenchmarkContributors)}</th>
            </tr></thead>
            <tbody>
                {m.points.iter().map(|p| {
                    let spread = match p.quartiles {
                        Some((a, b, c)) => view! { <td>{cell(Some(b))}</td><td>{cell(Some(a))}</td><td>{cell(Some(c))}</td> }.into_any(),
                        None => view! { <td colspan="3">{l.t(T::BenchmarkWithheld)}</td> }.into_any(),
                    };
                    view! {
                        <tr>
                            <th scope="row">{p.month.clone()}</th>
                            <td>{cell(p.own)}</td>
                            {spread}
                            <td>{p.contributors}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table></div>
    }
}

fn measure(l: Locale, m: MeasureView) -> impl IntoView {
    let id = format!("bm-{}", m.metric.code().replace('_', "-"));
    let title = name(l, m.metric);
    let better = match m.metric.better() {
        Better::Higher => Some(T::BenchmarkHigherBetter),
        Better::Lower => Some(T::BenchmarkLowerBetter),
        Better::Neither => None,
    };
    let heading = format!("{id}-h");
    let labelled = heading.clone();
    view! {
        <section class="card bm-measure" aria-labelledby=labelled>
            <h3 id=heading>{title.clone()}</h3>
            {better.map(|t| view! { <p class="muted">{l.t(t)}</p> })}
            {chart(l, &id, &title, &m)}
            {legend(l)}
            {latest(l, &m).map(|s| view! { <p>{s}</p> })}
            {table(l, &title, &m)}
        </section>
    }
}

#[component]
pub fn BenchmarkPage() -> impl IntoView {
    let l = expect_context::<Locale>();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match endpoints::load_benchmark_page().await {
                    Err(e) => view! { <PageFailure error=e /> }.into_any(),
                    Ok(page) => {
                        let csrf = page.me.csrf.clone();
                        let (join, label) = if page.taking_part { ("0", T::BenchmarkLeave) } else { ("1", T::BenchmarkJoin) };
                        let mut groups: Vec<(T, Vec<MeasureView>)> = vec![
                            (T::BenchmarkGroupMonth, vec![]),
                            (T::BenchmarkGroupFindings, vec![]),
                            (T::BenchmarkGroupRows, vec![]),
                        ];
                        for m in page.measures.clone() {
                            let g = match m.metric {
                                Metric::Findings(_) => 1,
                                Metric::RowsClock | Metric::RowsPlan | Metric::RowsTyped => 2,
                                _ => 0,
                            };
                            groups[g].1.push(m);
                        }
                        view! {
                            <Layout me=Some(page.me.clone())>
                                <p><a href="/admin">"‹ " {l.t(T::AdminTitle)}</a></p>
                                <h1>{l.t(T::BenchmarkTitle)}</h1>
                                <FlashMessages notice=page.flash.notice error=page.flash.error />
                                <p>{l.t(T::BenchmarkIntro)}</p>
                                <section class="card" aria-labelledby="bm-part">
                                    <h2 id="bm-part">{l.t(if page.taking_part { T::BenchmarkTakingPart } else { T::BenchmarkJoin })}</h2>
                                    {if page.taking_part {
                                        view! {
                                            <p>{format!("{}: {}", l.t(T::BenchmarkParticipants), page.participants)}</p>
                                            <p>{match page.computed_at.clone() {
                                                Some(at) => format!("{}: {at}", l.t(T::BenchmarkComputedAt)),
                                                None => l.t(T::BenchmarkNotYet).to_string(),
                                            }}</p>
                                            <p><a href=paths::BENCHMARK_CSV download="jamforelse.csv">{l.t(T::BenchmarkCsv)}</a></p>
                                        }.into_any()
                                    } else {
                                        view! { <p>{l.t(T::BenchmarkNotTakingPart)}</p> }.into_any()
                                    }}
                                    <form method="post" action=paths::BENCHMARK_TAKE_PART class="inline">
                                        <FormKeys csrf=csrf.clone() key=page.form_key.clone() />
                                        <input type="hidden" name="delta" value=join />
                                        <button type="submit" class=if page.taking_part { "" } else { "primary" }>{l.t(label)}</button>
                                    </form>
                                </section>
                                {groups.into_iter().enumerate().filter(|(_, (_, ms))| !ms.is_empty()).map(|(i, (t, ms))| {
                                    let id = format!("bm-group-{i}");
                                    let labelled = id.clone();
                                    view! {
                                        <section aria-labelledby=labelled>
                                            <h2 id=id>{l.t(t)}</h2>
                                            <div class="bm-grid">{ms.into_iter().map(|m| measure(l, m)).collect_view()}</div>
                                        </section>
                                    }
                                }).collect_view()}
                            </Layout>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
