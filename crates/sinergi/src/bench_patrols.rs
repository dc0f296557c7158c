//! `sinergi bench patrols`: the effort figures of many patrols. N patrols (default
//! 10,000) of one park agency over one year, each a walk of P / N points (default
//! 10,000,000 points in all, 1,000 a patrol, a point every 30 s) in Sumatra, stored
//! through the patrol store as an import stores them (each leg's track, figures and
//! covered cells); then, for a coordinator of the agency (who sees every patrol), a
//! month's summary by month and by leader (the effort table) and a month's coverage map
//! (the union of covered 1 km cells), each timed over the twelve months through the app
//! layer as the HTTP handlers call it; and the process's resident memory.
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::access::Actor;
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::audit::Action;
use sinergi_core::ids::{AgencyId, LegId, PatrolId, UserId};
use sinergi_core::patrol::summary::GroupBy;
use sinergi_core::patrol::track::{Track, TrackPoint};
use sinergi_core::patrol::{
    Leg, Mandate, Member, MemberRole, Patrol, PatrolStatus, TrackSource, Transport,
};
use sinergi_core::report::Sensitivity;
use sinergi_core::time::Zone;
use sinergi_core::user::{Role, User, Username};
use sinergi_store::{AgencyRow, NewUserRow};

use crate::bench::{memory, percentile};

/// One patrol's walk: `points` points 30 s apart from a start in Sumatra, a random walk
/// of 15–40 m steps (2–5 km/h), split into days of at most 1,200 points.
fn walk(rng: &mut StdRng, start: DateTime<Utc>, points: usize) -> Vec<Track> {
    let mut lon = rng.gen_range(101.0..104.0);
    let mut lat = rng.gen_range(-3.0..0.5);
    let mut heading: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
    let mut days = Vec::new();
    let mut seg = Vec::new();
    let mut t = start;
    for i in 0..points {
        if i > 0 && i % 1_200 == 0 {
            days.push(Track {
                segments: vec![std::mem::take(&mut seg)],
            });
            t += Duration::hours(14);
        }
        seg.push(TrackPoint {
            lon,
            lat,
            ele: None,
            time: t,
        });
        heading += rng.gen_range(-0.4..0.4);
        let step_m = rng.gen_range(15.0..40.0);
        lat += step_m * heading.cos() / 111_320.0;
        lon += step_m * heading.sin() / (111_320.0 * lat.to_radians().cos());
        t += Duration::seconds(30);
    }
    if !seg.is_empty() {
        days.push(Track {
            segments: vec![seg],
        });
    }
    days
}

pub async fn run(patrols: usize, points: usize, url: Option<String>) -> anyhow::Result<()> {
    anyhow::ensure!(patrols > 0, "--patrols must be at least 1");
    let per_patrol = (points / patrols).max(2);
    let dir = tempfile::tempdir().context("temporary folder")?;
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let store = sinergi_store::open(&url).await?;
    let app = Arc::new(
        App::new(
            store.clone(),
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await?,
    );
    let mut rng = StdRng::seed_from_u64(2017);
    let year = NaiveDate::from_ymd_opt(2025, 1, 1).context("a date")?;
    let base = year.and_hms_opt(0, 0, 0).context("midnight")?.and_utc();
    let bytes = |rng: &mut StdRng| {
        let mut b = [0u8; 10];
        rng.fill(&mut b);
        b
    };
    let agency = Agency {
        id: AgencyId::new_at(base, bytes(&mut rng)),
        code: AgencyCode::parse("BENCH-PARK").map_err(anyhow::Error::msg)?,
        name: "Bench park".into(),
        kind: AgencyKind::Police,
        parent_id: None,
        jurisdiction: vec![],
    };
    store
        .insert_agency(
            &AgencyRow {
                agency: agency.clone(),
                created_at: base,
            },
            &app.audit(
                None,
                Action::AgencyCreate,
                "agency",
                "BENCH-PARK",
                serde_json::json!({}),
            ),
        )
        .await?;
    let hash = sinergi_app::auth::hash_password("bench-password-123")?;
    let mut leaders = Vec::new();
    for i in 0..20 {
        let u = User {
            id: UserId::new_at(base, bytes(&mut rng)),
            username: Username::parse(&format!("ranger{i}")).map_err(anyhow::Error::msg)?,
            display_name: format!("Ranger {i}"),
            agency_id: agency.id,
            role: if i == 0 {
                Role::Coordinator
            } else {
                Role::FieldOfficer
            },
            active: true,
            totp_enabled: false,
            must_change_password: false,
        };
        store
            .insert_user(
                &NewUserRow {
                    user: u.clone(),
                    password_hash: hash.clone(),
                    created_at: base,
                },
                &app.audit(
                    None,
                    Action::UserCreate,
                    "user",
                    u.username.as_str(),
                    serde_json::json!({}),
                ),
            )
            .await?;
        leaders.push(u);
    }

    println!(
        "inserting {patrols} patrols of {per_patrol} points each ({} points) …",
        patrols * per_patrol
    );
    let t = Instant::now();
    let mut legs_total = 0usize;
    for n in 0..patrols {
        let leader = &leaders[n % leaders.len()];
        let start = base + Duration::minutes(rng.gen_range(0..364 * 24 * 60));
        let id = PatrolId::new_at(start, bytes(&mut rng));
        let days = walk(&mut rng, start, per_patrol);
        let legs: Vec<Leg> = days
            .into_iter()
            .map(|track| {
                Leg::new(
                    LegId::new_at(start, bytes(&mut rng)),
                    id,
                    track,
                    TrackSource::Gpx,
                    Zone::Wib,
                    start,
                )
            })
            .collect();
        let first = legs.first().map_or(start.date_naive(), |l| l.date);
        let last = legs.last().map_or(first, |l| l.date);
        legs_total += legs.len();
        let p = Patrol {
            id,
            owner_agency_id: agency.id,
            title: format!("Patroli {n}"),
            mandate: Mandate::ForestSecurity,
            transport: Transport::Foot,
            leader: leader.id,
            members: (0..3)
                .map(|k| Member {
                    agency_id: agency.id,
                    user_id: (k == 0).then_some(leader.id),
                    name: if k == 0 {
                        leader.display_name.clone()
                    } else {
                        format!("Anggota {k}")
                    },
                    role: if k == 0 {
                        MemberRole::Leader
                    } else {
                        MemberRole::Member
                    },
                })
                .collect(),
            planned_start: first,
            planned_end: last,
            area: None,
            status: PatrolStatus::Done,
            sensitivity: Sensitivity::Internal,
            version: 1,
            created_by: leader.id,
            created_at: start,
            updated_at: start,
        };
        store
            .insert_patrol(
                &p,
                &legs,
                &app.audit(
                    None,
                    Action::PatrolCreate,
                    "patrol",
                    &id.to_string(),
                    serde_json::json!({}),
                ),
            )
            .await?;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "stored {patrols} patrols, {legs_total} legs, {} points in {secs:.1} s ({:.0} points/s); {}",
        patrols * per_patrol,
        (patrols * per_patrol) as f64 / secs,
        memory()
    );

    let coordinator = &leaders[0];
    let actor = Actor {
        user_id: coordinator.id,
        username: coordinator.username.to_string(),
        agency_id: agency.id,
        role: Role::Coordinator,
        agency_descendants: Vec::new(),
    };
    let months: Vec<(NaiveDate, NaiveDate)> = (1..=12)
        .map(|m| {
            let from = NaiveDate::from_ymd_opt(2025, m, 1).unwrap_or(year);
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(2026, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(2025, m + 1, 1)
            }
            .unwrap_or(year);
            (from, next.pred_opt().unwrap_or(from))
        })
        .collect();
    for (label, group) in [
        ("effort table by month", GroupBy::Month),
        ("effort table by leader", GroupBy::Leader),
    ] {
        let mut ms = Vec::new();
        let mut cells = 0usize;
        let mut rows = 0usize;
        for (from, to) in &months {
            let t = Instant::now();
            let s = app.patrol_summary(&actor, group, *from, *to).await?;
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
            cells += s.total.effort.cells.len();
            rows += s.rows.len();
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        println!(
            "a month's {label}: p50 {:.1} ms, max {:.1} ms over {} months ({:.0} rows and {:.0} cells a month on average)",
            percentile(&ms, 0.5),
            ms.last().copied().unwrap_or(0.0),
            months.len(),
            rows as f64 / months.len() as f64,
            cells as f64 / months.len() as f64
        );
    }
    let mut ms = Vec::new();
    let mut cells = 0usize;
    for (from, to) in &months {
        let t = Instant::now();
        let c = app.patrol_coverage(&actor, *from, *to).await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        cells += c.len();
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "a month's coverage map: p50 {:.1} ms, max {:.1} ms over {} months ({:.0} cells a month on average)",
        percentile(&ms, 0.5),
        ms.last().copied().unwrap_or(0.0),
        months.len(),
        cells as f64 / months.len() as f64
    );
    let t = Instant::now();
    let y = app
        .patrol_summary(&actor, GroupBy::Month, year, months[11].1)
        .await?;
    println!(
        "the whole year by month: {:.1} ms ({} patrols, {:.0} km, {} patrol-days, {} cells); {}",
        t.elapsed().as_secs_f64() * 1000.0,
        y.total.patrols,
        y.total.effort.distance_km,
        y.total.effort.patrol_days,
        y.total.effort.cells.len(),
        memory()
    );
    Ok(())
}
