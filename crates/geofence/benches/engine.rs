//! Engine throughput on a deterministic synthetic workload shaped like the fence benchmark
//! (10,000 village-sized 32-gons, 1,000 subjects × 200 fixes, enter/exit/dwell rules).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use sinergi_geofence::workload::{engine_for_benchmark, synthetic};
use sinergi_geofence::{Event, Fix};

fn evaluate_all(
    engine: &mut sinergi_geofence::Engine,
    fixes: &[Fix],
    out: &mut Vec<Event>,
) -> usize {
    let mut events = 0;
    for fix in fixes {
        engine.evaluate(fix, out);
        events += out.len();
        out.clear();
    }
    events
}

fn engine(c: &mut Criterion) {
    let (fences, fixes) = synthetic(10_000, 1_000, 200, 57);
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(fixes.len() as u64));
    for hysteresis_m in [0.0, 50.0] {
        group.bench_function(format!("track_fixes_hysteresis_{hysteresis_m}m"), |b| {
            let mut out = Vec::with_capacity(64);
            b.iter_batched(
                || {
                    engine_for_benchmark(&fences, hysteresis_m)
                        .expect("the synthetic workload is valid")
                },
                // Returning the engine keeps its drop out of the measurement.
                |mut engine| {
                    let events = evaluate_all(&mut engine, &fixes, &mut out);
                    (engine, events)
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
