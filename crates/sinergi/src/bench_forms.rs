//! `sinergi bench forms`: form submissions and a campaign at scale (ADR 34–36). On a
//! fresh SQLite database (or `--url`):
//!
//! - a province agency and its eleven regency offices, each with a user; a yearly
//!   questionnaire with a period question and five aspects scored 0–100, published
//!   through the forms use case, and a campaign over 2025–2026 (answers accepted for a
//!   year after the due date, so every answer counts) with the IKOTAN index;
//! - (a) ingest: `--submissions` instances (default 100,000) received through
//!   `App::receive_submission`, as ODK Collect's posts are (the XML read against the
//!   version's XForm, the instanceID checked, the audit entry written), one at a time:
//!   submissions per second;
//! - (b) the submissions table: a page of 50 (newest first, then filtered by review
//!   state, then 20 pages deep) through `App::submissions`, `--queries` times each:
//!   p50, p95, max;
//! - (c) the CSV export of every submission (`App::each_submission` and the CSV writer,
//!   as the API streams it): rows per second; then the ODK-style zip's main table
//!   (`OdkExport::main_row`, each page's received files counted in one query) page by page;
//!   then the XLSX (`SubmissionsXlsx`, constant-memory rows, zipped to a temporary file);
//! - (d) the campaign's table and its IKOTAN scores recomputed from all submissions
//!   (`App::campaign_view` and `App::campaign_indices`), 5 times: p50, max.
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sinergi_app::campaigns::NewCampaign;
use sinergi_app::submissions::{csv_header, csv_row, SubmissionFilter};
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::access::Actor;
use sinergi_core::agency::NewAgency;
use sinergi_core::audit::Action;
use sinergi_core::ids::UserId;
use sinergi_core::submission::ReviewState;
use sinergi_core::user::{Role, User, Username};
use sinergi_store::NewUserRow;

const ASPECTS: [&str; 5] = ["masyarakat", "wilayah", "kelembagaan", "hukum", "keluarga"];

fn workbook() -> anyhow::Result<Vec<u8>> {
    let mut survey = vec![
        vec!["type", "name", "label"],
        vec!["select_one tahun", "periode", "Tahun"],
    ];
    for a in ASPECTS {
        survey.push(vec!["integer", a, a]);
    }
    survey.push(vec!["text", "catatan", "Catatan"]);
    Ok(sinergi_app::forms::workbook_of(&[
        ("survey", survey),
        (
            "choices",
            vec![
                vec!["list_name", "name", "label"],
                vec!["tahun", "2025", "2025"],
                vec!["tahun", "2026", "2026"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Bench KOTAN", "bench_kotan", "1"],
            ],
        ),
    ])?)
}

async fn user_of(
    app: &App,
    store: &Arc<dyn sinergi_store::Store>,
    agency: sinergi_core::ids::AgencyId,
    name: &str,
    role: Role,
    hash: &str,
) -> anyhow::Result<Actor> {
    let now = app.now();
    let u = User {
        id: UserId::new_at(now, rand::random()),
        username: Username::parse(name).map_err(anyhow::Error::msg)?,
        display_name: name.to_string(),
        agency_id: agency,
        role,
        active: true,
        totp_enabled: false,
        must_change_password: false,
    };
    store
        .insert_user(
            &NewUserRow {
                user: u.clone(),
                password_hash: hash.to_string(),
                created_at: now,
            },
            &app.audit(
                None,
                Action::UserCreate,
                "user",
                u.username.as_str(),
                json!({}),
            ),
        )
        .await?;
    Ok(app.actor_for(&u).await?)
}

fn summary(label: &str, mut ms: Vec<f64>) {
    ms.sort_by(f64::total_cmp);
    println!(
        "{label}: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms ({} runs)",
        crate::bench::percentile(&ms, 0.50),
        crate::bench::percentile(&ms, 0.95),
        ms.last().copied().unwrap_or_default(),
        ms.len()
    );
}

pub async fn run(submissions: usize, queries: usize, url: Option<String>) -> anyhow::Result<()> {
    anyhow::ensure!(submissions > 0, "--submissions must be at least 1");
    anyhow::ensure!(queries > 0, "--queries must be at least 1");
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
    let hash = sinergi_app::auth::hash_password("bench-password-123")?;

    // Jambi's province office and its eleven regency offices.
    let province = app
        .create_agency(
            None,
            NewAgency::parse(
                "BENCH-PROV",
                "Bench Provinsi",
                "local_government",
                None,
                &["15".to_string()],
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?,
        )
        .await?;
    let coordinator = user_of(
        &app,
        &store,
        province.id,
        "bench.koordinator",
        Role::Coordinator,
        &hash,
    )
    .await?;
    let regencies: Vec<String> = sinergi_regions::Gazetteer::shipped()
        .children("15")
        .iter()
        .filter(|r| r.level == sinergi_regions::Level::Regency)
        .map(|r| r.code.clone())
        .collect();
    let mut senders = Vec::new();
    for r in &regencies {
        let code = format!("BENCH-{}", r.replace('.', "-"));
        let a = app
            .create_agency(
                None,
                NewAgency::parse(
                    &code,
                    &code,
                    "local_government",
                    Some("BENCH-PROV"),
                    std::slice::from_ref(r),
                )
                .map_err(|e| anyhow::anyhow!("{e:?}"))?,
            )
            .await?;
        let actor = user_of(
            &app,
            &store,
            a.id,
            &format!("petugas.{}", r.replace('.', "-")),
            Role::FieldOfficer,
            &hash,
        )
        .await?;
        senders.push((r.clone(), code, actor));
    }
    let (form, _) = app
        .publish_form(&coordinator, &workbook()?, "bench.xlsx")
        .await?;
    let campaign = app
        .create_campaign(
            &coordinator,
            &NewCampaign {
                form: form.id.to_string(),
                title: "Bench KOTAN".into(),
                periodicity: "yearly".into(),
                first_period: "2025".into(),
                last_period: "2026".into(),
                due_days: 59,
                grace_days: 366,
                remind_days: None,
                escalate_days: None,
                period_field: "periode".into(),
                region_field: None,
                units: senders
                    .iter()
                    .map(|(r, c, _)| (r.clone(), c.clone()))
                    .collect(),
            },
        )
        .await?;
    app.create_campaign_index(
        &coordinator,
        campaign.id,
        sinergi_core::index::ikotan(ASPECTS),
    )
    .await?;

    // (a) Ingest, one instance at a time as Collect posts them.
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    for i in 0..submissions {
        let (_, _, actor) = &senders[i % senders.len()];
        let year = 2025 + rng.gen_range(0..2);
        let scores: String = ASPECTS
            .iter()
            .map(|a| format!("<{a}>{}</{a}>", rng.gen_range(20..100)))
            .collect();
        let xml = format!(
            "<data id=\"bench_kotan\" version=\"1\"><periode>{year}</periode>{scores}\
             <catatan>Isian ke-{i}</catatan><meta><instanceID>uuid:bench-{i}</instanceID></meta></data>"
        );
        app.receive_submission(actor, &xml, &[]).await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "ingest: {submissions} submissions in {secs:.1} s, {:.0} per second",
        submissions as f64 / secs
    );

    // (b) The table: the newest page, a review state, a page 20 deep.
    for (label, filter) in [
        (
            "table, newest 50",
            SubmissionFilter {
                limit: 50,
                ..Default::default()
            },
        ),
        (
            "table, received only, 50",
            SubmissionFilter {
                limit: 50,
                review_state: Some(ReviewState::Received),
                ..Default::default()
            },
        ),
        (
            "table, page 20 of 50",
            SubmissionFilter {
                limit: 50,
                offset: 950,
                ..Default::default()
            },
        ),
    ] {
        let mut ms = Vec::with_capacity(queries);
        for _ in 0..queries {
            let t = Instant::now();
            let page = app.submissions(&coordinator, form.id, &filter).await?;
            anyhow::ensure!(
                page.total as usize == submissions,
                "every submission counted"
            );
            ms.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        summary(label, ms);
    }

    // (c) The CSV export of everything.
    let columns = app.submission_columns(&form).await?;
    let started = Instant::now();
    let mut out = csv_header(&columns);
    let mut bytes = 0usize;
    let rows = app
        .each_submission(
            &coordinator,
            form.id,
            &SubmissionFilter {
                oldest_first: true,
                ..Default::default()
            },
            |_, s| {
                csv_row(&mut out, s, "petugas", "BENCH", &columns);
                if out.len() > 1 << 20 {
                    bytes += out.len();
                    out.clear();
                }
                Ok(())
            },
        )
        .await?;
    bytes += out.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "csv export: {rows} rows, {:.1} MB in {secs:.2} s, {:.0} rows per second",
        bytes as f64 / 1e6,
        rows as f64 / secs
    );

    // (c2) The ODK-style zip's main table (with each submission's received files
    // counted), page by page as the download streams it.
    let odk = app.odk_export(&form).await?;
    let started = Instant::now();
    let mut out = odk.header(&odk.tables[0]);
    let mut bytes = 0usize;
    let mut rows = 0usize;
    let mut filter = SubmissionFilter {
        oldest_first: true,
        limit: 500,
        skip_total: true,
        ..Default::default()
    };
    loop {
        let page = app.submissions(&coordinator, form.id, &filter).await?;
        let present = app.submission_files_present(&page.submissions).await?;
        for s in &page.submissions {
            let got = present.get(&s.id).copied().unwrap_or(0);
            odk.main_row(&mut out, s, "petugas", (got, odk.expected_files(s)));
            rows += 1;
        }
        if out.len() > 1 << 20 {
            bytes += out.len();
            out.clear();
        }
        match page.submissions.last() {
            Some(last) if page.submissions.len() == 500 => {
                filter.after = Some((last.received_at, last.id))
            }
            _ => break,
        }
    }
    bytes += out.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "odk zip main table: {rows} rows, {:.1} MB in {secs:.2} s, {:.0} rows per second",
        bytes as f64 / 1e6,
        rows as f64 / secs
    );

    // (c3) The XLSX export: every row written in the writer's constant-memory mode,
    // then the workbook zipped into a temporary file, as the download does.
    let started = Instant::now();
    let mut book = sinergi_app::submissions::SubmissionsXlsx::new(&form.xml_id, &columns)?;
    let rows = app
        .each_submission(
            &coordinator,
            form.id,
            &SubmissionFilter {
                oldest_first: true,
                ..Default::default()
            },
            |_, s| book.push(s, "petugas", "BENCH", &columns),
        )
        .await?;
    let file = tempfile::tempfile()?;
    book.finish(file.try_clone()?)?;
    let size = file.metadata()?.len();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "xlsx export: {rows} rows, {:.1} MB in {secs:.2} s, {:.0} rows per second",
        size as f64 / 1e6,
        rows as f64 / secs
    );

    // (d) The campaign's table and IKOTAN from all submissions.
    let mut ms = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let v = app.campaign_view(&coordinator, campaign.id).await?;
        let indices = app.campaign_indices(&v).await?;
        anyhow::ensure!(
            indices.len() == 1 && v.rows.len() == senders.len(),
            "the campaign's table"
        );
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    summary("campaign table and IKOTAN", ms);
    Ok(())
}
