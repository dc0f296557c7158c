//! Runs the engine benchmark on the files written by `fence_workload.py`:
//!
//! ```text
//! python3 fence_workload.py wilayah_kemendagri_2025.csv OUT_DIR
//! cargo run --release -p sinergi-geofence --example fence_workload -- OUT_DIR [RUNS]
//! ```
//!
//! Each hysteresis variant runs `RUNS` times (default 3) on a fresh engine; the fastest run
//! is printed, since other load on the machine only ever slows a run down.

use std::path::PathBuf;
use std::process::ExitCode;

use sinergi_geofence::workload::{
    load_fences_csv, load_fixes_csv, run_engine_benchmark, EngineFigures,
};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!(
            "usage: fence_workload OUT_DIR [RUNS]   (OUT_DIR holds fences.csv and fixes.csv)"
        );
        return ExitCode::FAILURE;
    };
    let runs = match args.next().map(|a| a.to_string_lossy().parse::<usize>()) {
        None => 3,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("RUNS must be a positive integer");
            return ExitCode::FAILURE;
        }
    };
    let loaded = load_fences_csv(dir.join("fences.csv"))
        .and_then(|f| Ok((f, load_fixes_csv(dir.join("fixes.csv"))?)));
    let (fences, fixes) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} fences, {} fixes, best of {runs} runs",
        fences.len(),
        fixes.len()
    );
    for hysteresis_m in [0.0, 50.0] {
        let mut best: Option<EngineFigures> = None;
        for _ in 0..runs {
            match run_engine_benchmark(&fences, &fixes, hysteresis_m) {
                Ok(f) => {
                    if best.is_none_or(|b| f.fixes_per_sec > b.fixes_per_sec) {
                        best = Some(f);
                    }
                }
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        if let Some(f) = best {
            println!(
                "hysteresis {:>2} m: {} fixes in {:.4} s = {:.0} fixes/s; events {} (enter {}, exit {}, dwell {})",
                f.hysteresis_m, f.fixes, f.seconds, f.fixes_per_sec, f.events, f.enter, f.exit, f.dwell
            );
        }
    }
    ExitCode::SUCCESS
}
