//! `cargo bench -p bench`: the working-time checks (V3 overlaps and V5) for 5,000 assistants
//! × 4 months, and building every 3059 of those months with its canonical XML and SHA-256.

use criterion::{Criterion, criterion_group, criterion_main};
use engine::fk::Tidsredovisning;
use engine::rules::{RowRecord, RuleConfig, check_assistant};
use engine::{ReportMonth, TimeRow};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

fn engine(c: &mut Criterion) {
    let rows = bench::rows();
    let assistants = bench::assistants();
    let config = RuleConfig::default();
    let mut by_assistant: HashMap<i64, Vec<&RowRecord>> = HashMap::new();
    for r in &rows {
        by_assistant.entry(r.assistant).or_default().push(r);
    }
    eprintln!("{} rows, {} assistants", rows.len(), by_assistant.len());

    let mut g = c.benchmark_group("engine");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("working_time_5000_assistants_4_months", |b| {
        b.iter(|| {
            let mut findings = 0;
            for (id, rs) in &by_assistant {
                findings += check_assistant(assistants[id].regime, rs, &config).len();
            }
            black_box(findings)
        })
    });

    let (recipient, provider) = (engine::examples::recipient(), engine::examples::provider());
    let months: Vec<ReportMonth> = (1..=4).map(|m| ReportMonth::new(2026, m).unwrap()).collect();
    g.bench_function("build_all_3059_with_xml_and_sha256", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for (id, rs) in &by_assistant {
                let trs: Vec<&TimeRow> = rs.iter().map(|r| &r.row).collect();
                for m in &months {
                    let rep = Tidsredovisning::build(
                        "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
                        *m,
                        &recipient,
                        &assistants[id],
                        &provider,
                        &trs,
                    )
                    .unwrap();
                    bytes += rep.sha256().expect("well-formed").len() + rep.rader.len();
                }
            }
            black_box(bytes)
        })
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
