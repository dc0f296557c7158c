//! `sinergi bench coordination`: a working group with many meetings and action items, and
//! an agency's letters sent at once. On a fresh SQLite database (or `--url`), through the
//! use cases the API calls:
//!
//! - one group of 10 member agencies with `--meetings` meetings (default 1,000) over the
//!   last three years and `--items` action items (default 10,000) spread over them, owed by
//!   the members, about half still open and many of those past due;
//! - "overdue by agency" for the group, and the group page's data (the group, its latest
//!   meetings, its overdue items), each asked 200 times: p50, p95, max;
//! - `--letters` drafts (default 2,000) of one agency sent by 8 senders at once: letters
//!   per second, and every number checked to be issued once with no gap; one in ten asks
//!   its addressee for an answer by a date;
//! - the group's dashboard (ADR 26: a plan of 40 activities with targets, overdue items
//!   counted by agency, meetings held by year and the next one, the letters between
//!   members awaiting an answer), asked 200 times: p50, p95, max.
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::Duration;
use serde_json::json;
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::agency::NewAgency;
use sinergi_core::coordination::body::{
    ActionItemPatchBody, NewActionItemBody, NewGroupBody, NewMeetingBody,
};
use sinergi_core::input::Body;
use sinergi_core::letter::body::NewLetterBody;
use sinergi_core::plan::{NewPlanBody, NodeBody};

const PASSWORD: &str = "bench-password-123";

fn read<T: Body>(v: serde_json::Value) -> anyhow::Result<T> {
    T::read(&v).map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// p50, p95 and max of `runs` timings of `f`, in milliseconds.
async fn time<F, Fut, T>(runs: usize, mut f: F) -> anyhow::Result<(f64, f64, f64)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<T>>,
{
    let mut ms = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        f().await?;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    ms.sort_by(f64::total_cmp);
    Ok((
        crate::bench::percentile(&ms, 0.50),
        crate::bench::percentile(&ms, 0.95),
        ms.last().copied().unwrap_or_default(),
    ))
}

pub async fn run(
    meetings: usize,
    items: usize,
    letters: usize,
    url: Option<String>,
) -> anyhow::Result<()> {
    anyhow::ensure!(meetings > 0, "--meetings must be at least 1");
    let dir = tempfile::tempdir().context("temporary folder")?;
    let url = url.unwrap_or_else(|| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let store = sinergi_store::open(&url).await?;
    let app = Arc::new(
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await?,
    );
    let codes: Vec<String> = (0..10).map(|i| format!("BENCH-{i:02}")).collect();
    for code in &codes {
        let new = NewAgency::parse(code, code, "local_government", None, &["15".into()])
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        app.create_agency(None, new).await?;
    }
    app.create_user(
        None,
        "sekretaris.bench",
        "",
        &codes[0],
        "coordinator",
        PASSWORD,
    )
    .await?;
    let (user, _) = app
        .store
        .user_credentials("sekretaris.bench")
        .await?
        .context("bench user")?;
    let actor = app.actor_for(&user).await?;
    let group = app
        .create_group(
            &actor,
            &read::<NewGroupBody>(json!({
                "name": "Pokja bench", "kind": "pokja", "legal_basis": "SK bench",
                "members": codes[1..], "period_from": "2023-01-01",
            }))?,
        )
        .await?;

    let t = Instant::now();
    let now = app.now();
    let per_meeting = items.div_ceil(meetings);
    let mut made = 0usize;
    let mut open = 0usize;
    for m in 0..meetings {
        // Evenly over the last three years, the oldest first.
        let starts = now - Duration::days(3 * 365)
            + Duration::hours((m as i64) * 3 * 365 * 24 / meetings as i64);
        let meeting = app
            .create_meeting(
                &actor,
                group.id,
                &read::<NewMeetingBody>(json!({
                    "starts_at": starts.to_rfc3339(), "region": "15.71", "place": "Ruang rapat",
                    "agenda": ["Evaluasi"],
                }))?,
            )
            .await?;
        for i in 0..per_meeting {
            if made == items {
                break;
            }
            let due = (starts + Duration::days(7 + (i as i64 % 60))).date_naive();
            let item = app
                .create_action_item(
                    &actor,
                    meeting.id,
                    &read::<NewActionItemBody>(json!({
                        "what": format!("Tindak lanjut {m}-{i}"), "agency": codes[(m + i) % codes.len()],
                        "due": due.to_string(),
                    }))?,
                )
                .await?;
            made += 1;
            // About half are closed.
            if (m + i) % 2 == 0 {
                app.update_action_item(
                    &actor,
                    item.id,
                    Some(item.version),
                    &read::<ActionItemPatchBody>(json!({"status": "done"}))?,
                )
                .await?;
            } else {
                open += 1;
            }
        }
    }
    let overdue: usize = app
        .overdue_by_agency(&actor, group.id)
        .await?
        .iter()
        .map(|a| a.items.len())
        .sum();
    println!(
        "stored {meetings} meetings and {made} action items ({open} open, {overdue} overdue) in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (p50, p95, max) = time(200, || async {
        Ok(app.overdue_by_agency(&actor, group.id).await?)
    })
    .await?;
    println!("overdue by agency: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    let (p50, p95, max) = time(200, || async {
        let g = app.group_for(&actor, group.id).await?;
        let ms = app
            .latest_meetings(&actor, g.id, sinergi_app::dashboards::PAGE_MEETINGS)
            .await?;
        let o = app.overdue_by_agency(&actor, g.id).await?;
        Ok((g, ms, o))
    })
    .await?;
    println!("the group page's data (group, latest meetings, overdue items): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");

    // Letters: drafts of one agency, sent by 8 senders at once.
    let mut ids = Vec::with_capacity(letters);
    for i in 0..letters {
        let l = app
            .create_letter(
                &actor,
                &read::<NewLetterBody>(json!({
                    "subject": format!("Surat {i}"), "signatory": "Sekretaris", "to": [codes[1 + i % 9]],
                    "reply_by": if i % 10 == 0 { Some("2026-01-31") } else { None },
                }))?,
            )
            .await?;
        ids.push(l.id);
    }
    let t = Instant::now();
    let mut tasks = Vec::new();
    for chunk in ids.chunks(letters.div_ceil(8).max(1)) {
        let (app, actor, chunk) = (app.clone(), actor.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::with_capacity(chunk.len());
            for id in chunk {
                let l = app.send_letter(&actor, id, Some(1)).await?;
                seqs.push(l.sequence.map(|(_, s)| s).unwrap_or(-1));
            }
            anyhow::Ok(seqs)
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        seqs.extend(t.await??);
    }
    let secs = t.elapsed().as_secs_f64();
    seqs.sort_unstable();
    let expected: Vec<i64> = (1..=letters as i64).collect();
    anyhow::ensure!(seqs == expected, "numbers were repeated or skipped");
    println!(
        "{letters} letters sent by 8 senders at once: {secs:.2} s, {:.0} letters/s, numbers 1..={letters} each once",
        letters as f64 / secs
    );

    // The group's dashboard, with a plan of 40 activities with targets.
    let plan = app
        .create_plan(
            &actor,
            group.id,
            &read::<NewPlanBody>(json!({
                "kind": "joint_work_plan", "title": "Rencana kerja bench",
                "period_from": "2024-01-01", "period_until": "2027-12-31",
            }))?,
        )
        .await?;
    for i in 0..40 {
        app.create_plan_node(
            &actor,
            plan.id,
            &read::<NodeBody>(json!({
                "kind": "activity", "title": format!("Kegiatan {i}"),
                "responsible": codes[i % codes.len()], "indicator": "kegiatan", "target": 10,
                "achieved": i % 11, "status": "under_way",
            }))?,
        )
        .await?;
    }
    let d = app.group_dashboard(&actor, group.id).await?;
    println!(
        "dashboard: {} plan nodes with targets ({} behind), {} agencies with overdue items, {} meetings held, {} letters awaiting an answer",
        d.plans.iter().map(|p| p.nodes.len()).sum::<usize>(),
        d.plans.iter().map(|p| p.behind).sum::<usize>(),
        d.overdue.len(),
        d.meetings.total,
        d.awaiting.len()
    );
    let (p50, p95, max) = time(200, || async {
        Ok(app.group_dashboard(&actor, group.id).await?)
    })
    .await?;
    println!("the group dashboard: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    println!("{}", crate::bench::memory());
    Ok(())
}
