//! The early-warning part of the demo data set: collared elephant herds near the buffer
//! villages of Way Kambas, village circles and a rough park outline as fences, the rules of
//! Balai TN Way Kambas, a night's track that has just raised alerts, a village reporter's
//! sighting, and the FIRMS hotspot file over Kerinci Seblat (`demo/`).
//!
//! Everything goes through the same use cases as the API. Times are relative to the
//! moment of loading, so the board shows a recent night. Park outlines are approximations
//! drawn for the demo, not official boundaries.

use chrono::{Duration, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::input::Body as _;
use sinergi_core::report::NewReportBody;
use sinergi_core::warning::body::{NewDeployment, NewDevice, NewFence, NewRule, NewSubject};

use crate::{App, AppError, AppResult};

/// The FIRMS VIIRS hotspot file over Kerinci Seblat shipped in `demo/`.
pub const FIRMS_KERINCI_SEBLAT: &str = include_str!("../../../demo/firms-kerinci-seblat.viirs.csv");

/// Buffer villages of Way Kambas (Kemendagri codes), each watched by a 1.5 km circle.
const VILLAGES: [(&str, &str); 4] = [
    ("18.07.21.2011", "Desa Labuhan Ratu IX"),
    ("18.07.21.2005", "Desa Labuhan Ratu VI"),
    ("18.07.21.2007", "Desa Rajabasa Lama I"),
    ("18.07.22.2004", "Desa Braja Yekti"),
];

async fn actor(app: &App, username: &str) -> AppResult<Actor> {
    let (u, _) = app
        .store
        .user_credentials(username)
        .await?
        .ok_or_else(|| AppError::Internal(format!("demo user {username} is missing").into()))?;
    app.actor_for(&u).await
}

/// What the early-warning demo created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningSummary {
    pub fences: usize,
    pub rules: usize,
    pub fixes: usize,
    pub alerts: usize,
}

pub async fn load(app: &App) -> AppResult<WarningSummary> {
    let wk = actor(app, "koordinator.wk").await?;
    let mut s = WarningSummary::default();

    // Fences: the buffer villages and the park.
    let mut village_fences = Vec::new();
    for (code, name) in VILLAGES {
        let f = app
            .create_fence(&wk, &NewFence::read(&json!({"name": format!("{name} (radius 1,5 km)"), "kind": "village", "region": code, "radius_m": 1500}))?)
            .await?;
        village_fences.push(f.id.to_string());
        s.fences += 1;
    }
    let park = app
        .create_fence(
            &wk,
            &NewFence::read(&json!({"name": "Kawasan TN Way Kambas (batas perkiraan, data demo)", "kind": "park", "shape": {"type": "Polygon",
                "coordinates": [[[105.79, -4.75], [105.95, -4.75], [106.0, -4.95], [105.95, -5.22], [105.84, -5.22], [105.79, -5.05], [105.79, -4.75]]]}}))?,
        )
        .await?;
    s.fences += 1;

    // Rules of Balai TN Way Kambas: the villages and the police hear of elephants first.
    let recipients = json!({
        "agencies": ["BTNWK", "POLRES-LAMPUNG-TIMUR", "DESA-LABUHAN-RATU-IX", "DESA-LABUHAN-RATU-VI", "DESA-RAJABASA-LAMA-I", "DESA-BRAJA-YEKTI"],
        "contacts": [
            {"name": "Kepala Desa Labuhan Ratu IX (demo)", "phone": "+6281200000011"},
            {"name": "Relawan Kawal Desa Braja Yekti (demo)", "phone": "+6281200000024"}
        ]
    });
    let rules = [
        json!({"name": "Gajah masuk desa penyangga", "fences": village_fences, "subjects": {"species": "gajah_sumatera"},
               "trigger": {"type": "enter"}, "severity": "critical", "hysteresis_m": 50, "quiet_period_min": 30, "recipients": recipients}),
        json!({"name": "Gajah mendekati desa (1 km)", "fences": village_fences, "subjects": {"species": "gajah_sumatera"},
               "trigger": {"type": "proximity", "distance_m": 1000}, "severity": "warning", "hysteresis_m": 100, "quiet_period_min": 60,
               "active_hours": {"from": "17:00", "to": "07:00"}, "recipients": recipients}),
        json!({"name": "Gajah bertahan di desa 30 menit", "fences": village_fences, "subjects": {"species": "gajah_sumatera"},
               "trigger": {"type": "dwell", "minutes": 30}, "severity": "critical", "recipients": recipients}),
        json!({"name": "Gajah keluar desa", "fences": village_fences, "subjects": {"species": "gajah_sumatera"},
               "trigger": {"type": "exit"}, "severity": "info", "hysteresis_m": 50, "recipients": recipients}),
        json!({"name": "Gajah keluar kawasan taman nasional", "fences": [park.id], "subjects": {"species": "gajah_sumatera"},
               "trigger": {"type": "exit"}, "severity": "warning", "hysteresis_m": 100, "quiet_period_min": 120,
               "recipients": {"agencies": ["BTNWK"]}}),
    ];
    for r in &rules {
        app.create_rule(&wk, &NewRule::read(r)?).await?;
        s.rules += 1;
    }

    // Herds and their collars.
    let now = app.now();
    // Collared in January 2025 (before the replayable November 2025 track in `demo/`).
    let start = "2025-01-06T08:00:00+07:00";
    let mut herds = Vec::new();
    for (name, kind, serial, interval) in [
        ("Kelompok Bunga", "herd", "WK-GPS-01", 20),
        ("Kelompok Yanti", "herd", "WK-GPS-02", 60),
        ("Dono", "individual", "WK-GPS-03", 20),
    ] {
        let subject = app
            .create_subject(
                &wk,
                &NewSubject::read(&json!({"name": name, "species": "gajah_sumatera", "kind": kind, "sensitivity": "restricted",
                        "notes": "[Data demo Sinergi] Gajah sumatera berkalung GPS di TN Way Kambas"}))?,
            )
            .await?;
        app.create_device(
            &wk,
            &NewDevice::read(
                &json!({"serial": serial, "kind": "collar", "expected_interval_min": interval}),
            )?,
        )
        .await?;
        app.deploy_device(
            &wk,
            serial,
            &NewDeployment::read(&json!({"subject": subject.id, "start": start}))?,
        )
        .await?;
        herds.push(subject);
    }

    // Last night: Kelompok Bunga leaves the park at dusk, spends two hours in Labuhan Ratu
    // IX and goes back; Kelompok Yanti grazes inside the park until its collar falls
    // silent five hours ago.
    let village = (105.771172, -5.047289);
    let park_pt = (105.835, -5.040);
    let mut fixes = Vec::new();
    let t0 = last_dusk(now);
    let mut k = 0i64;
    let mut push = |lon: f64, lat: f64, serial: &str, t: chrono::DateTime<Utc>, battery: f64| {
        fixes.push(json!({"device": serial, "recorded_at": t.to_rfc3339(), "lon": lon, "lat": lat, "battery": battery, "accuracy_m": 8}));
    };
    for i in 0..15 {
        let f = f64::from(i) / 14.0;
        push(
            park_pt.0 + (village.0 - park_pt.0) * f,
            park_pt.1 + (village.1 - park_pt.1) * f + 0.0004 * (f64::from(i)).sin(),
            "WK-GPS-01",
            t0 + Duration::minutes(20 * k),
            78.0,
        );
        k += 1;
    }
    for i in 0..6 {
        push(
            village.0 + 0.001 * (f64::from(i) * 1.3).sin(),
            village.1 + 0.001 * (f64::from(i) * 0.9).cos(),
            "WK-GPS-01",
            t0 + Duration::minutes(20 * k),
            77.0,
        );
        k += 1;
    }
    for i in 1..=12 {
        let f = f64::from(i) / 12.0;
        push(
            village.0 + (park_pt.0 - village.0) * f,
            village.1 + (park_pt.1 - 0.01 - village.1) * f,
            "WK-GPS-01",
            t0 + Duration::minutes(20 * k),
            77.0,
        );
        k += 1;
    }
    for i in 0..10 {
        let a = f64::from(i) * 0.6;
        push(
            105.88 + 0.01 * a.cos(),
            -4.90 + 0.008 * a.sin(),
            "WK-GPS-02",
            now - Duration::hours(15) + Duration::hours(i64::from(i)),
            12.0,
        );
    }
    let inputs = fixes
        .iter()
        .map(|v| sinergi_core::observation::parse_fix(v, now))
        .collect();
    let r = app.ingest_fixes(None, inputs, "demo").await?;
    s.fixes += r.stored;
    s.alerts += r.alerts.len();

    // A village reporter saw elephants at the edge of Braja Yekti this evening.
    let reporter = actor(app, "pelapor.brajayekti").await?;
    let (report, _) = app
        .create_report(
            &reporter,
            &NewReportBody::read(&json!({"type": "Feature", "id": "019a9a00-0000-7000-8000-0000000d0001",
                "geometry": {"type": "Point", "coordinates": [105.8052, -5.1262]},
                "properties": {"type": "wildlife_sighting", "title": "Rombongan gajah di kebun singkong warga",
                    "description": "Sekitar enam ekor gajah terlihat di kebun singkong di tepi desa, bergerak ke arah permukiman. [Data demo Sinergi]",
                    "occurred_at": (now - Duration::hours(2)).to_rfc3339(), "sensitivity": "internal",
                    "attributes": {"species": "gajah_sumatera", "count": 6}}}))?,
        )
        .await?;
    let _ = report;

    // Fire: Balai Besar TNKS watches the park around Mount Kerinci; last dry season's
    // hotspots come in from the FIRMS file.
    let tnks = actor(app, "koordinator.tnks").await?;
    let tnks_area = app
        .create_fence(
            &tnks,
            &NewFence::read(&json!({"name": "Kawasan TN Kerinci Seblat sekitar G. Kerinci (batas perkiraan, data demo)", "kind": "park", "shape": {"type": "Polygon",
                "coordinates": [[[101.05, -1.55], [101.35, -1.55], [101.30, -1.85], [101.22, -2.10], [101.10, -2.35], [100.95, -2.20], [101.05, -1.55]]]}}))?,
        )
        .await?;
    s.fences += 1;
    app.create_rule(
        &tnks,
        &NewRule::read(&json!({"name": "Titik api di TN Kerinci Seblat", "fences": [tnks_area.id], "trigger": {"type": "hotspot_inside"},
                "severity": "critical", "quiet_period_min": 360, "recipients": {"agencies": ["BBTNKS", "POLRES-KERINCI"]}}))?,
    )
    .await?;
    s.rules += 1;
    let fire = app.import_firms(None, FIRMS_KERINCI_SEBLAT, false).await?;
    s.alerts += fire.alerts;
    Ok(s)
}

/// When last night's track starts: the latest 18:00 WIB (Way Kambas' zone) that leaves
/// room for the whole 11-hour track before `now`, so the herd approaches the village
/// after dark, when the proximity rule is active (17:00–07:00), whatever the time the
/// demo is loaded.
fn last_dusk(now: chrono::DateTime<Utc>) -> chrono::DateTime<Utc> {
    let wib = chrono::FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let latest = (now - Duration::hours(11)).with_timezone(&wib);
    let dusk = latest
        .date_naive()
        .and_hms_opt(18, 0, 0)
        .expect("18:00")
        .and_local_timezone(wib)
        .single()
        .expect("a fixed offset has one 18:00");
    let dusk = if dusk > latest {
        dusk - Duration::days(1)
    } else {
        dusk
    };
    dusk.with_timezone(&Utc)
}

/// The actor of a demo user, for tests.
#[cfg(test)]
pub(crate) async fn tests_actor(app: &App, username: &str) -> Actor {
    actor(app, username).await.expect("demo user")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the hour the demo is loaded, the track starts at 18:00 WIB, ends before
    /// now and is at most a day and a half old, so the dusk rules fire.
    #[test]
    fn the_demo_track_starts_at_the_last_dusk_that_fits() {
        let base = chrono::DateTime::parse_from_rfc3339("2026-12-06T00:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        for h in 0..48 {
            let now = base + Duration::minutes(30 * h);
            let t0 = last_dusk(now);
            let local = t0.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("+7"));
            assert_eq!(local.format("%H:%M").to_string(), "18:00", "{now}");
            assert!(
                t0 + Duration::hours(11) <= now,
                "{now}: track ends in the future"
            );
            assert!(now - t0 < Duration::hours(35), "{now}: track too old");
        }
    }
}
