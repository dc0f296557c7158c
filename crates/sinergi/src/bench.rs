//! `sinergi bench`: measures the report store at scale on this machine and prints the
//! figures. What is measured, at what scale:
//!
//! - `reports`: N reports (default 1,000,000) spread over Sumatra, owned by 200 agencies
//!   (20 top-level, 9 sub-agencies each) in an embedded SQLite database; the bulk insert
//!   rate; list pages (limit 100) filtered by bbox (1°×1°) + datetime (one year) + type,
//!   for a field officer of one sub-agency, who may see only part of the reports (public
//!   ones and their own agency's), p50/p95/max; get-by-id p50/p95; the process's resident
//!   memory. Queries go through the app layer (policy + store), as the HTTP handlers do.
//!   Then 500 active agreement clauses (10 agreements × 50) are added, 25 of them reaching
//!   one partner agency, and the same pages are timed for a user of an owner agency and a
//!   user of the partner; finally the decision function alone over 1,000,000 records
//!   (ns/decision).
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use clap::Subcommand;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::access::ReportAccess;
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::agreement::{Agreement, AgreementStatus, Clause};
use sinergi_core::audit::Action;
use sinergi_core::geometry::{Bbox, ReportGeometry};
use sinergi_core::ids::AgreementId;
use sinergi_core::ids::{AgencyId, ReportId, UserId};
use sinergi_core::query::{Interval, ReportFilter};
use sinergi_core::report::{Report, Sensitivity, Status};
use sinergi_core::sharing::{decide, Precision};
use sinergi_core::user::{Role, User, Username};
use sinergi_store::{AgencyRow, NewUserRow};

#[derive(Subcommand)]
pub enum BenchCmd {
    /// Bulk insert, filtered list pages and get-by-id over many reports in SQLite.
    Reports {
        /// How many reports to insert.
        #[arg(long, default_value_t = 1_000_000)]
        count: usize,
        /// How many list queries and get-by-id lookups to time.
        #[arg(long, default_value_t = 300)]
        queries: usize,
        /// Database URL to use instead of a fresh SQLite file in a temporary folder.
        #[arg(long)]
        url: Option<String>,
    },
    /// The early-warning engine, end-to-end ingest over HTTP, SSE latency and the PostGIS
    /// baseline on the shared geofence workload.
    Fences {
        /// The folder written by `fence_workload.py` (fences.csv, fixes.csv).
        #[arg(long)]
        workload: std::path::PathBuf,
        /// A PostgreSQL server with PostGIS for the baseline (a temporary database is
        /// created and dropped), e.g. postgres://postgres@127.0.0.1:5432/postgres.
        #[arg(long)]
        pg_url: Option<String>,
        /// Probe fixes for the latency measurement.
        #[arg(long, default_value_t = 400)]
        probes: usize,
        /// Fixes per HTTP request in the end-to-end run.
        #[arg(long, default_value_t = 10_000)]
        batch: usize,
    },
    /// A phone's outbox sent when the network returns: reports per second, and the same
    /// reports sent again adding nothing.
    Sync {
        /// How many queued reports in all.
        #[arg(long, default_value_t = 1_000)]
        reports: usize,
        /// How many phones send at once (each its share, one report at a time).
        #[arg(long, default_value_t = 1)]
        phones: usize,
    },
    /// A working group with many meetings and action items (overdue by agency, the group
    /// page), and an agency's letters sent at once.
    Coordination {
        /// How many meetings.
        #[arg(long, default_value_t = 1_000)]
        meetings: usize,
        /// How many action items in all.
        #[arg(long, default_value_t = 10_000)]
        items: usize,
        /// How many letters to send.
        #[arg(long, default_value_t = 2_000)]
        letters: usize,
        /// Database URL to use instead of a fresh SQLite file in a temporary folder.
        #[arg(long)]
        url: Option<String>,
    },
    /// Cases carried to court: the overdue list and the funnel of a province, and a case
    /// with 20 protected persons opened.
    Cases {
        /// How many cases.
        #[arg(long, default_value_t = 200_000)]
        cases: usize,
        /// How many persons in all (one suspect per case, the others protected).
        #[arg(long, default_value_t = 1_000_000)]
        persons: usize,
        /// About how many stage steps in all.
        #[arg(long, default_value_t = 2_000_000)]
        events: usize,
        /// How many times each query is timed.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// Database URL to use instead of a fresh SQLite file in a temporary folder.
        #[arg(long)]
        url: Option<String>,
    },
    /// Form submissions and a campaign: ingest as ODK Collect posts, the submissions
    /// table, the CSV export, the campaign's table and IKOTAN recomputed.
    Forms {
        /// How many submissions to receive.
        #[arg(long, default_value_t = 100_000)]
        submissions: usize,
        /// How many times each table query is timed.
        #[arg(long, default_value_t = 200)]
        queries: usize,
        /// Database URL to use instead of a fresh SQLite file in a temporary folder.
        #[arg(long)]
        url: Option<String>,
    },
    /// Effort figures of many patrols: a month's effort table and coverage map.
    Patrols {
        /// How many patrols to store.
        #[arg(long, default_value_t = 10_000)]
        patrols: usize,
        /// How many track points in all.
        #[arg(long, default_value_t = 10_000_000)]
        points: usize,
        /// Database URL to use instead of a fresh SQLite file in a temporary folder.
        #[arg(long)]
        url: Option<String>,
    },
}

/// Latency figures of a run of list pages.
struct Timings {
    p50: f64,
    p95: f64,
    max: f64,
    per_page: f64,
    n: usize,
}

impl std::fmt::Display for Timings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms over {} queries ({:.1} reports/page on average)",
            self.p50, self.p95, self.max, self.n, self.per_page
        )
    }
}

/// Times list pages with the same pseudo-random filters each call (fixed seed), so two
/// viewers are measured on identical queries.
async fn time_pages(
    app: &App,
    actor: &sinergi_core::access::Actor,
    types: &[String],
    base: DateTime<Utc>,
    span_ms: i64,
    queries: usize,
) -> anyhow::Result<Timings> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut ms = Vec::with_capacity(queries);
    let mut returned = 0usize;
    for _ in 0..queries {
        let lon = rng.gen_range(95.5..105.0);
        let lat = rng.gen_range(-5.5..4.5);
        let start =
            base + Duration::milliseconds(rng.gen_range(0..span_ms - 365 * 24 * 3600 * 1000));
        let filter = ReportFilter {
            bbox: Some(Bbox {
                min_lon: lon,
                min_lat: lat,
                max_lon: lon + 1.0,
                max_lat: lat + 1.0,
            }),
            datetime: Some(Interval {
                start: Some(start),
                end: Some(start + Duration::days(365)),
            }),
            type_key: Some(types[rng.gen_range(0..types.len())].clone()),
            limit: 100,
            ..Default::default()
        };
        let t = Instant::now();
        let page = app.list_reports(actor, filter).await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
        returned += page.reports.len();
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    Ok(Timings {
        p50: percentile(&ms, 0.5),
        p95: percentile(&ms, 0.95),
        max: ms.last().copied().unwrap_or(0.0),
        per_page: returned as f64 / queries.max(1) as f64,
        n: queries,
    })
}

/// The value at fraction `p` of sorted figures (0 when there are none).
pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// This process's resident memory now and at its peak, from `/proc/self/status`.
pub(crate) fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map(|kb| format!("{:.0} MiB", kb as f64 / 1024.0))
            .unwrap_or_else(|| "unknown".into())
    };
    format!("resident {} (peak {})", field("VmRSS:"), field("VmHWM:"))
}

/// Serves `app` through the real router on a free loopback port, as `serve` does: the
/// base URL and the server's task.
pub(crate) async fn serve_locally(
    app: Arc<App>,
) -> anyhow::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = sinergi_web::router(sinergi_web::AppState {
        app,
        secure_cookies: false,
    });
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((format!("http://{addr}"), server))
}

/// An API token for `user`, from the server at `base`.
pub(crate) async fn api_token(
    http: &reqwest::Client,
    base: &str,
    user: &str,
    password: &str,
) -> anyhow::Result<String> {
    Ok(http
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": user, "password": password}))
        .send()
        .await?
        .json::<serde_json::Value>()
        .await?["token"]
        .as_str()
        .context("token")?
        .to_string())
}

pub async fn run(cmd: BenchCmd) -> anyhow::Result<()> {
    let (count, queries, url) = match cmd {
        BenchCmd::Reports {
            count,
            queries,
            url,
        } => (count, queries, url),
        BenchCmd::Fences {
            workload,
            pg_url,
            probes,
            batch,
        } => return crate::bench_fences::run(workload, pg_url, probes, batch).await,
        BenchCmd::Patrols {
            patrols,
            points,
            url,
        } => return crate::bench_patrols::run(patrols, points, url).await,
        BenchCmd::Sync { reports, phones } => return crate::bench_sync::run(reports, phones).await,
        BenchCmd::Cases {
            cases,
            persons,
            events,
            queries,
            url,
        } => return crate::bench_cases::run(cases, persons, events, queries, url).await,
        BenchCmd::Coordination {
            meetings,
            items,
            letters,
            url,
        } => return crate::bench_coordination::run(meetings, items, letters, url).await,
        BenchCmd::Forms {
            submissions,
            queries,
            url,
        } => return crate::bench_forms::run(submissions, queries, url).await,
    };
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
    let mut rng = StdRng::seed_from_u64(42);
    let base: DateTime<Utc> = DateTime::from_timestamp(1_577_836_800, 0).unwrap_or_default(); // 2020-01-01
    let bytes = |rng: &mut StdRng| {
        let mut b = [0u8; 10];
        rng.fill(&mut b);
        b
    };

    // 200 agencies and one field officer each, written directly: the bench measures
    // reports, not password hashing.
    let hash = sinergi_app::auth::hash_password("bench-password-123")?;
    let mut agencies: Vec<Agency> = Vec::new();
    let mut users: Vec<User> = Vec::new();
    for top in 0..20 {
        let parent = Agency {
            id: AgencyId::new_at(base, bytes(&mut rng)),
            code: AgencyCode::parse(&format!("BENCH-{top:02}")).map_err(anyhow::Error::msg)?,
            name: format!("Bench agency {top}"),
            kind: AgencyKind::Police,
            parent_id: None,
            jurisdiction: vec![],
        };
        agencies.push(parent.clone());
        for sub in 0..9 {
            agencies.push(Agency {
                id: AgencyId::new_at(base, bytes(&mut rng)),
                code: AgencyCode::parse(&format!("BENCH-{top:02}-{sub}"))
                    .map_err(anyhow::Error::msg)?,
                name: format!("Bench agency {top}.{sub}"),
                kind: AgencyKind::Police,
                parent_id: Some(parent.id),
                jurisdiction: vec![],
            });
        }
    }
    for (i, a) in agencies.iter().enumerate() {
        store
            .insert_agency(
                &AgencyRow {
                    agency: a.clone(),
                    created_at: base,
                },
                &app.audit(
                    None,
                    Action::AgencyCreate,
                    "agency",
                    a.code.as_str(),
                    serde_json::json!({}),
                ),
            )
            .await?;
        let u = User {
            id: UserId::new_at(base, bytes(&mut rng)),
            username: Username::parse(&format!("bench{i}")).map_err(anyhow::Error::msg)?,
            display_name: format!("Bench {i}"),
            agency_id: a.id,
            role: Role::FieldOfficer,
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
        users.push(u);
    }

    let types: Vec<String> = app.report_types().iter().map(|t| t.key.clone()).collect();
    let span_ms: i64 = 6 * 365 * 24 * 3600 * 1000;
    let started = Instant::now();
    let mut ids = Vec::with_capacity(count.min(100_000));
    let batch = 5_000;
    let mut inserted = 0;
    while inserted < count {
        let n = batch.min(count - inserted);
        let mut rs = Vec::with_capacity(n);
        for _ in 0..n {
            let owner = rng.gen_range(0..agencies.len());
            let lon = rng.gen_range(95.5..106.0);
            let lat = rng.gen_range(-5.5..5.5);
            let at = base + Duration::milliseconds(rng.gen_range(0..span_ms));
            let sensitivity = match rng.gen_range(0..100) {
                0..=19 => Sensitivity::Public,
                20..=69 => Sensitivity::Internal,
                70..=94 => Sensitivity::Restricted,
                _ => Sensitivity::Secret,
            };
            let id = ReportId::new_at(at, bytes(&mut rng));
            if ids.len() < 100_000 {
                ids.push((id, owner));
            }
            rs.push(Report {
                id,
                type_key: types[rng.gen_range(0..types.len())].clone(),
                title: format!("Laporan uji {inserted}"),
                description: String::new(),
                occurred_at: at.fixed_offset(),
                geometry: ReportGeometry::point(lon, lat).map_err(|e| anyhow::anyhow!("{e}"))?,
                region_code: None,
                owner_agency_id: agencies[owner].id,
                owner_agency_code: String::new(),
                author_id: users[owner].id,
                author_username: String::new(),
                sensitivity,
                attributes: Default::default(),
                status: Status::New,
                version: 1,
                created_at: at,
                updated_at: at,
                create_hash: String::new(),
            });
        }
        store.bulk_insert_reports(&rs).await?;
        inserted += n;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("backend: {}", store.backend());
    println!("bulk insert: {count} reports in {secs:.1} s = {:.0} reports/s (batches of {batch}, one transaction each)", count as f64 / secs);
    println!("memory after insert: {}", memory());

    // A field officer of a sub-agency: sees public reports and their agency's own.
    let actor = app.actor_for(&users[1]).await?;
    let t = time_pages(&app, &actor, &types, base, span_ms, queries).await?;
    println!("list page (limit 100, bbox 1°x1° + 1 year + type, partial visibility): {t}");

    // Sharing at scale: 500 active clauses in 10 agreements among the 200 agencies; 25 of
    // them name the partner agency (BENCH-19-8) as recipient, from different owners.
    let partner = agencies.len() - 1;
    let categories: Vec<String> = {
        let mut c: Vec<String> = app
            .report_types()
            .iter()
            .map(|t| t.category.clone())
            .collect();
        c.sort();
        c.dedup();
        c
    };
    for k in 0..10 {
        let mut clauses = Vec::new();
        for j in 0..50 {
            let from = (k * 50 + j) % 20 * 10; // a top-level agency, with its sub-agencies
            let to = if (k * 50 + j) % 20 == 0 {
                partner
            } else {
                // Other recipients are top-level agencies outside the partner's branch.
                rng.gen_range(0..19) * 10
            };
            clauses.push(Clause {
                from: Some(agencies[from].id),
                to: vec![agencies[to].id],
                report_types: vec![],
                categories: vec![categories[(k + j) % categories.len()].clone()],
                max_sensitivity: Sensitivity::Internal,
                withheld_fields: vec![],
                precision: Precision::Grid(1000),
                include_subagencies: true,
                protected_persons: Vec::new(),
            });
        }
        let parties: Vec<AgencyId> = agencies.iter().map(|a| a.id).collect();
        let ag = Agreement {
            id: AgreementId::new_at(base, bytes(&mut rng)),
            title: format!("Bench agreement {k}"),
            number: format!("BENCH/{k}"),
            legal_basis: String::new(),
            approvals: parties.clone(),
            parties,
            valid_from: base.date_naive(),
            valid_until: (base + Duration::days(365 * 20)).date_naive(),
            status: AgreementStatus::Active,
            clauses,
            documents: Vec::new(),
            version: 1,
            created_by: users[0].id,
            created_at: base,
            updated_at: base,
        };
        store
            .insert_agreement(
                &ag,
                &app.audit(
                    None,
                    Action::AgreementCreate,
                    "agreement",
                    &ag.id.to_string(),
                    serde_json::json!({}),
                ),
            )
            .await?;
    }
    let partner_actor = app.actor_for(&users[partner]).await?;
    let viewer = app.viewer_for(&partner_actor).await?;
    // The owner side: a field officer of a top-level agency whose reports flow to the partner.
    let owner_actor = app.actor_for(&users[0]).await?;
    let owner = time_pages(&app, &owner_actor, &types, base, span_ms, queries).await?;
    let shared = time_pages(&app, &partner_actor, &types, base, span_ms, queries).await?;
    println!(
        "with 500 active clauses ({} grants reach the partner):",
        viewer.grants.len()
    );
    println!("  owner agency's user:   {owner}");
    println!("  partner agency's user: {shared}");
    println!(
        "  partner/owner p95 ratio: {:.2}",
        shared.p95 / owner.p95.max(1e-9)
    );

    // The decision function alone, on synthetic records.
    let n = 1_000_000;
    let records: Vec<(ReportAccess, &str)> = (0..n)
        .map(|i| {
            let owner = agencies[i % agencies.len()].id;
            (
                ReportAccess {
                    owner_agency: owner,
                    author: users[i % users.len()].id,
                    sensitivity: Sensitivity::ALL[i % 4],
                },
                types[i % types.len()].as_str(),
            )
        })
        .collect();
    let t = Instant::now();
    let mut admitted = 0usize;
    for (r, ty) in &records {
        if decide(&viewer, r, ty, false, &[], viewer.now).is_some() {
            admitted += 1;
        }
    }
    let ns = t.elapsed().as_nanos() as f64 / n as f64;
    println!("decision function: {ns:.0} ns/decision over {n} records with {} grants ({admitted} admitted)", viewer.grants.len());

    // Get by id as an admin of the owner agency, so every lookup is allowed.
    let mut get_ms = Vec::with_capacity(queries);
    for _ in 0..queries {
        let (id, owner) = ids[rng.gen_range(0..ids.len())];
        let owner_actor = sinergi_core::access::Actor {
            user_id: users[owner].id,
            username: users[owner].username.to_string(),
            agency_id: agencies[owner].id,
            role: Role::AgencyAdmin,
            agency_descendants: vec![],
        };
        let t = Instant::now();
        app.report(&owner_actor, id).await?;
        get_ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    get_ms.sort_by(|a, b| a.total_cmp(b));
    println!(
        "get by id (policy-checked): p50 {:.3} ms, p95 {:.3} ms",
        percentile(&get_ms, 0.5),
        percentile(&get_ms, 0.95)
    );
    println!("memory at the end: {}", memory());
    Ok(())
}
