//! The fence workload: loading the benchmark's CSV files, a synthetic workload of the same
//! shape, and the engine benchmark. This module is the crate's only file I/O and its only
//! timer.
//!
//! `fences.csv` has the header `id,kode,wkt` and one WKT `POLYGON((x y, ...))` (or
//! `MULTIPOLYGON`) per row; fence `n` gets the id `Uuid::from_u128(n + 1)`. `fixes.csv` has
//! `subject,t,lon,lat` with `t` in epoch seconds; subject `n` gets `Uuid::from_u128(n + 1)`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use geo_types::{Coord, LineString, MultiPolygon, Polygon};
use serde::Serialize;
use uuid::Uuid;

use crate::engine::Engine;
use crate::model::{
    Event, EventKind, Fence, FenceError, FenceId, FenceShape, Fix, Rule, RuleError, RuleId,
    SubjectFilter, SubjectId, Trigger,
};

/// Why a workload file could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum WorkloadError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}, line {line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

/// Why the benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchmarkError {
    #[error(transparent)]
    Fence(#[from] FenceError),
    #[error(transparent)]
    Rule(#[from] RuleError),
}

/// Reads every non-empty line after the header, with its 1-based line number.
fn read_rows(
    path: &Path,
    mut row: impl FnMut(usize, &str) -> Result<(), String>,
) -> Result<(), WorkloadError> {
    let file = std::fs::File::open(path).map_err(|source| WorkloadError::Io {
        path: path.into(),
        source,
    })?;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| WorkloadError::Io {
            path: path.into(),
            source,
        })?;
        let line = line.trim();
        if i == 0 || line.is_empty() {
            continue;
        }
        row(i + 1, line).map_err(|message| WorkloadError::Parse {
            path: path.into(),
            line: i + 1,
            message,
        })?;
    }
    Ok(())
}

fn index_id(field: &str, what: &str) -> Result<u128, String> {
    field
        .trim()
        .parse::<u128>()
        .ok()
        .and_then(|n| n.checked_add(1))
        .ok_or_else(|| format!("{what} {field:?} is not a non-negative integer"))
}

/// Loads `fences.csv` (`id,kode,wkt`).
pub fn load_fences_csv(path: impl AsRef<Path>) -> Result<Vec<Fence>, WorkloadError> {
    let mut fences = Vec::new();
    read_rows(path.as_ref(), |_, line| {
        let mut parts = line.splitn(3, ',');
        let (Some(id), Some(_kode), Some(wkt)) = (parts.next(), parts.next(), parts.next()) else {
            return Err("expected three columns id,kode,wkt".into());
        };
        let id = FenceId(Uuid::from_u128(index_id(id, "fence id")?));
        let wkt = wkt.trim().trim_matches('"');
        fences.push(Fence {
            id,
            shape: FenceShape::Polygon(parse_wkt_polygonal(wkt)?),
        });
        Ok(())
    })?;
    Ok(fences)
}

/// Loads `fixes.csv` (`subject,t,lon,lat`) as track fixes, in file order.
pub fn load_fixes_csv(path: impl AsRef<Path>) -> Result<Vec<Fix>, WorkloadError> {
    let mut fixes = Vec::new();
    read_rows(path.as_ref(), |_, line| {
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let [subject, t, lon, lat] = fields[..] else {
            return Err(format!(
                "expected four columns subject,t,lon,lat, found {}",
                fields.len()
            ));
        };
        let subject = SubjectId(Uuid::from_u128(index_id(subject, "subject")?));
        let t: i64 = t
            .parse()
            .map_err(|_| format!("time {t:?} is not an integer of seconds"))?;
        let at_ms = t
            .checked_mul(1000)
            .ok_or_else(|| format!("time {t} is out of range"))?;
        let lon: f64 = lon
            .parse()
            .map_err(|_| format!("longitude {lon:?} is not a number"))?;
        let lat: f64 = lat
            .parse()
            .map_err(|_| format!("latitude {lat:?} is not a number"))?;
        fixes.push(Fix::track(subject, at_ms, lon, lat));
        Ok(())
    })?;
    Ok(fixes)
}

/// A minimal reader of WKT `POLYGON` and `MULTIPOLYGON` text.
struct Wkt<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Wkt<'a> {
    fn skip_space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.text[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("WKT: expected '{c}' at character {}", self.pos + 1))
        }
    }

    /// `(x y, x y, ...)`
    fn ring(&mut self) -> Result<LineString<f64>, String> {
        self.expect('(')?;
        let mut coords = Vec::new();
        loop {
            self.skip_space();
            let rest = &self.text[self.pos..];
            let end = rest.find([',', ')']).ok_or("WKT: unterminated ring")?;
            let mut numbers = rest[..end].split_whitespace().map(str::parse::<f64>);
            let (Some(Ok(x)), Some(Ok(y)), None) = (numbers.next(), numbers.next(), numbers.next())
            else {
                return Err(format!(
                    "WKT: expected a coordinate pair \"x y\", found {:?}",
                    rest[..end].trim()
                ));
            };
            coords.push(Coord { x, y });
            self.pos += end;
            if self.eat(')') {
                return Ok(LineString(coords));
            }
            self.expect(',')?;
        }
    }

    /// `((ring), (hole), ...)`
    fn polygon(&mut self) -> Result<Polygon<f64>, String> {
        self.expect('(')?;
        let exterior = self.ring()?;
        let mut holes = Vec::new();
        while self.eat(',') {
            holes.push(self.ring()?);
        }
        self.expect(')')?;
        Ok(Polygon::new(exterior, holes))
    }
}

/// Parses `POLYGON((...))` or `MULTIPOLYGON(((...)), ...)`.
pub fn parse_wkt_polygonal(text: &str) -> Result<MultiPolygon<f64>, String> {
    let trimmed = text.trim();
    let upper = trimmed.get(..12).unwrap_or(trimmed).to_ascii_uppercase();
    let (multi, skip) = if upper.starts_with("MULTIPOLYGON") {
        (true, 12)
    } else if upper.starts_with("POLYGON") {
        (false, 7)
    } else {
        return Err("WKT: expected POLYGON or MULTIPOLYGON".into());
    };
    let mut wkt = Wkt {
        text: trimmed,
        pos: skip,
    };
    let polygons = if multi {
        wkt.expect('(')?;
        let mut polygons = vec![wkt.polygon()?];
        while wkt.eat(',') {
            polygons.push(wkt.polygon()?);
        }
        wkt.expect(')')?;
        polygons
    } else {
        vec![wkt.polygon()?]
    };
    wkt.skip_space();
    if wkt.pos != trimmed.len() {
        return Err(format!(
            "WKT: unexpected text after the geometry at character {}",
            wkt.pos + 1
        ));
    }
    Ok(MultiPolygon(polygons))
}

/// A deterministic workload of the same shape as the benchmark's files: `fences` 32-gons of
/// 1–3 km radius at pseudo-random places in central Sumatra (for 10,000 fences about as dense
/// as the villages of the benchmark file) and `subjects` random walks of `fixes_per_subject`
/// fixes 15 minutes apart (about 450 m per step) starting near a fence. Fixes come in
/// arrival order (by time).
pub fn synthetic(
    fences: usize,
    subjects: usize,
    fixes_per_subject: usize,
    seed: u64,
) -> (Vec<Fence>, Vec<Fix>) {
    let mut rng = SplitMix(seed);
    let mut centres = Vec::with_capacity(fences);
    let fences: Vec<Fence> = (0..fences)
        .map(|i| {
            let (lon, lat) = (rng.range(98.0, 101.5), rng.range(-1.5, 1.5));
            centres.push((lon, lat));
            Fence {
                id: FenceId(Uuid::from_u128(i as u128 + 1)),
                shape: regular_polygon(lon, lat, rng.range(1000.0, 3000.0), 32),
            }
        })
        .collect();
    let mut positions: Vec<(f64, f64)> = (0..subjects)
        .map(|_| {
            let (lon, lat) = if centres.is_empty() {
                (100.0, 0.0)
            } else {
                centres[(rng.next() % centres.len() as u64) as usize]
            };
            (lon + rng.range(-0.05, 0.05), lat + rng.range(-0.05, 0.05))
        })
        .collect();
    let mut fixes = Vec::with_capacity(subjects * fixes_per_subject);
    for k in 0..fixes_per_subject {
        for (s, pos) in positions.iter_mut().enumerate() {
            pos.0 += rng.gauss() * 0.004;
            pos.1 += rng.gauss() * 0.004;
            let at_ms = 1_763_600_000_000 + 900_000 * k as i64;
            fixes.push(Fix::track(
                SubjectId(Uuid::from_u128(s as u128 + 1)),
                at_ms,
                pos.0,
                pos.1,
            ));
        }
    }
    (fences, fixes)
}

/// A regular polygon of `n` vertices at `radius_m` around a centre (local metric approximation).
pub fn regular_polygon(lon: f64, lat: f64, radius_m: f64, n: usize) -> FenceShape {
    let dlat = radius_m / crate::METRES_PER_DEGREE_LAT;
    let dlon = radius_m / (crate::METRES_PER_DEGREE_LON * lat.to_radians().cos());
    let mut ring: Vec<Coord<f64>> = (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            Coord {
                x: lon + dlon * a.cos(),
                y: lat + dlat * a.sin(),
            }
        })
        .collect();
    ring.push(ring[0]);
    FenceShape::Polygon(MultiPolygon(vec![Polygon::new(
        LineString(ring),
        Vec::new(),
    )]))
}

/// SplitMix64: small, fast, deterministic.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// An approximately standard normal variate (Irwin–Hall of 12 uniforms).
    fn gauss(&mut self) -> f64 {
        (0..12).map(|_| self.unit()).sum::<f64>() - 6.0
    }
}

/// Rule ids of the benchmark's rules.
pub const BENCH_ENTER_RULE: RuleId = RuleId(Uuid::from_u128(1));
pub const BENCH_EXIT_RULE: RuleId = RuleId(Uuid::from_u128(2));
pub const BENCH_DWELL_RULE: RuleId = RuleId(Uuid::from_u128(3));

/// An engine with `fences` and the benchmark's rules over all fences for any subject: enter,
/// exit and dwell (30 minutes), all with `hysteresis_m`, no quiet period, all day.
pub fn engine_for_benchmark(fences: &[Fence], hysteresis_m: f64) -> Result<Engine, BenchmarkError> {
    let mut engine = Engine::new();
    engine.add_fences(fences.iter().cloned())?;
    for (id, trigger) in [
        (BENCH_ENTER_RULE, Trigger::Enter),
        (BENCH_EXIT_RULE, Trigger::Exit),
        (BENCH_DWELL_RULE, Trigger::Dwell { minutes: 30 }),
    ] {
        engine.upsert_rule(Rule {
            id,
            fences: Vec::new(),
            subjects: SubjectFilter::Any,
            trigger,
            hysteresis_m,
            quiet_period_s: 0,
            active_hours: None,
        })?;
    }
    engine.prepare();
    Ok(engine)
}

/// Fixes in arrival order: sorted by time, stable (ties keep file order).
pub fn arrival_order(fixes: &[Fix]) -> Vec<Fix> {
    let mut ordered = fixes.to_vec();
    ordered.sort_by_key(|f| f.at_ms);
    ordered
}

/// What one benchmark run measured.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EngineFigures {
    pub fences: usize,
    pub subjects: usize,
    pub hysteresis_m: f64,
    pub fixes: usize,
    pub events: usize,
    pub seconds: f64,
    pub fixes_per_sec: f64,
    pub enter: usize,
    pub exit: usize,
    pub dwell: usize,
}

/// Builds the benchmark engine (untimed), then times evaluating every fix in arrival order
/// on one thread.
pub fn run_engine_benchmark(
    fences: &[Fence],
    fixes: &[Fix],
    hysteresis_m: f64,
) -> Result<EngineFigures, BenchmarkError> {
    let mut engine = engine_for_benchmark(fences, hysteresis_m)?;
    let ordered = arrival_order(fixes);
    let mut out: Vec<Event> = Vec::with_capacity(64);
    let (mut enter, mut exit, mut dwell, mut events) = (0, 0, 0, 0);
    let started = Instant::now();
    for fix in &ordered {
        engine.evaluate(fix, &mut out);
        for event in &out {
            match event.kind {
                EventKind::Enter => enter += 1,
                EventKind::Exit => exit += 1,
                EventKind::Dwell => dwell += 1,
                _ => {}
            }
        }
        events += out.len();
        out.clear();
    }
    let seconds = started.elapsed().as_secs_f64();
    Ok(EngineFigures {
        fences: engine.stats().fences,
        subjects: engine.stats().subjects,
        hysteresis_m,
        fixes: ordered.len(),
        events,
        seconds,
        fixes_per_sec: if seconds > 0.0 {
            ordered.len() as f64 / seconds
        } else {
            f64::INFINITY
        },
        enter,
        exit,
        dwell,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_polygon_with_hole_and_multipolygon() {
        let p = parse_wkt_polygonal("POLYGON((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 3 2, 3 3, 2 2))")
            .expect("valid WKT");
        assert_eq!(p.0.len(), 1);
        assert_eq!(p.0[0].exterior().0.len(), 5);
        assert_eq!(p.0[0].interiors().len(), 1);
        let m = parse_wkt_polygonal("multipolygon(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))")
            .expect("valid WKT");
        assert_eq!(m.0.len(), 2);
        assert!(parse_wkt_polygonal("POLYGON((0 0, 1 x, 1 1, 0 0))").is_err());
        assert!(parse_wkt_polygonal("LINESTRING(0 0, 1 1)").is_err());
        assert!(parse_wkt_polygonal("POLYGON((0 0, 1 0, 1 1, 0 0)) trailing").is_err());
    }

    #[test]
    fn loaders_name_the_bad_line() {
        let dir = std::env::temp_dir().join(format!("sinergi-geofence-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let fences = dir.join("fences.csv");
        std::fs::write(
            &fences,
            "id,kode,wkt\n0,11.01,\"POLYGON((100 0,100.01 0,100.01 0.01,100 0))\"\n1,11.02,\"POLYGON((100 0,oops))\"\n",
        )
        .expect("write test file");
        let err = load_fences_csv(&fences)
            .expect_err("a bad WKT line")
            .to_string();
        assert!(err.contains("line 3"), "{err}");
        let fixes = dir.join("fixes.csv");
        std::fs::write(
            &fixes,
            "subject,t,lon,lat\n0,1763600000,100.0,0.5\n4,1763600900,100.1,0.6\n",
        )
        .expect("write test file");
        let loaded = load_fixes_csv(&fixes).expect("valid fixes");
        assert_eq!(loaded.len(), 2);
        assert_eq!(loaded[1].subject, Some(SubjectId(Uuid::from_u128(5))));
        assert_eq!(loaded[1].at_ms, 1_763_600_900_000);
        std::fs::write(&fixes, "subject,t,lon,lat\n0,1763600000,100.0\n").expect("write test file");
        let err = load_fixes_csv(&fixes)
            .expect_err("a missing column")
            .to_string();
        assert!(err.contains("line 2"), "{err}");
        std::fs::remove_dir_all(&dir).expect("remove temporary directory");
    }

    #[test]
    fn synthetic_benchmark_raises_enter_exit_and_dwell() {
        let (fences, fixes) = synthetic(300, 50, 100, 7);
        let figures = run_engine_benchmark(&fences, &fixes, 0.0).expect("valid workload");
        assert_eq!(figures.fixes, 5000);
        assert!(
            figures.enter > 0 && figures.exit > 0 && figures.dwell > 0,
            "{figures:?}"
        );
        assert_eq!(figures.events, figures.enter + figures.exit + figures.dwell);
        let calmer = run_engine_benchmark(&fences, &fixes, 50.0).expect("valid workload");
        assert!(calmer.enter <= figures.enter, "{calmer:?} vs {figures:?}");
    }
}
