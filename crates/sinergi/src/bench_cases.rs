//! `sinergi bench cases`: cases carried to court at scale (ADR 27). On a fresh SQLite
//! database (or `--url`):
//!
//! - `--cases` cases (default 200,000) with `--persons` persons (default 1,000,000: one
//!   suspect per case, the others victims, witnesses and informants, sealed) and about
//!   `--events` stage steps (default 2,000,000), spread over 10 provinces, each with a
//!   province agency and up to 10 regency agencies under it, opened from 2019 to today
//!   and carried along the main line (some returned once, some stopped by SP3), their
//!   stage, dates and earliest deadline derived as the use cases derive them. Written
//!   through the store in transactions of 2,000 cases. The filler persons share one
//!   sealed record (nothing opens them; only their size and count matter);
//! - (a) the overdue list of a province agency (its own cases and its regencies'),
//!   `App::overdue_cases`, asked `--queries` times: p50, p95, max;
//! - (b) the funnel of the province (`App::case_funnel` with the province's code as the
//!   region filter: the table and the mean days per stage), the same;
//! - (c) a case with 20 protected persons opened through the use cases: the case page's
//!   data (`App::case_view`) and all 20 identities opened for one purpose
//!   (`App::open_identities`, the 20 audit entries in one transaction); then the same
//!   with `App::open_identity` × 20 (20 transactions), and with the 20 sealed records
//!   opened in memory only (the cryptography without the audit writes).
//!
//! Timings are figures to read, never pass/fail checks.

use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sinergi_app::cases::CaseFilter;
use sinergi_app::{App, AppConfig, SystemClock};
use sinergi_core::access::Actor;
use sinergi_core::agency::NewAgency;
use sinergi_core::audit::Action;
use sinergi_core::case::body::{NewCaseBody, PersonBody};
use sinergi_core::case::{
    law_for, table, Case, CaseDates, CaseFacts, CaseId, CaseInput, Offence, OffenceKind, Person,
    PersonId, PersonInput, Stage, StageDocument, StageEvent, StageEventId, Verdict, VictimFacts,
};
use sinergi_core::ids::UserId;
use sinergi_core::input::Body;
use sinergi_core::protect::{DecryptPurpose, PersonRole, SealedRecord};
use sinergi_core::user::{Role, User, Username};
use sinergi_regions::{Gazetteer, Level};
use sinergi_store::NewUserRow;

/// Cases per transaction.
const BATCH: usize = 2_000;
/// The main line, with one return of the file.
const LINE: [Stage; 14] = [
    Stage::Penyidikan,
    Stage::Spdp,
    Stage::P16,
    Stage::Tahap1,
    Stage::P19,
    Stage::Tahap1,
    Stage::P21,
    Stage::Tahap2,
    Stage::P29,
    Stage::P31,
    Stage::Sidang,
    Stage::Putusan,
    Stage::Inkracht,
    Stage::Eksekusi,
];

struct Unit {
    id: sinergi_core::ids::AgencyId,
    user: UserId,
    code: String,
    /// The regencies its cases happen in.
    regions: Vec<String>,
}

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

fn bytes(rng: &mut StdRng) -> [u8; 10] {
    let mut b = [0u8; 10];
    rng.fill(&mut b);
    b
}

pub async fn run(
    cases: usize,
    persons: usize,
    events: usize,
    queries: usize,
    url: Option<String>,
) -> anyhow::Result<()> {
    anyhow::ensure!(cases > 0, "--cases must be at least 1");
    anyhow::ensure!(persons >= cases, "--persons must be at least --cases");
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
    let now = app.now();
    let today = now.date_naive();
    let mut rng = StdRng::seed_from_u64(2025);
    let hash = sinergi_app::auth::hash_password("bench-password-123")?;

    // Ten provinces, each a province agency with up to ten regency agencies under it.
    let g = Gazetteer::shipped();
    let mut provinces: Vec<Unit> = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    let make = |code: String, parent: Option<String>, region: String, regions: Vec<String>| {
        let app = app.clone();
        let store = store.clone();
        let hash = hash.clone();
        async move {
            let new = NewAgency::parse(
                &code,
                &format!("Bench {code}"),
                "police",
                parent.as_deref(),
                std::slice::from_ref(&region),
            )
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let a = app.create_agency(None, new).await?;
            let u = User {
                id: UserId::new_at(now, rand::random()),
                username: Username::parse(&format!("k.{}", code.to_ascii_lowercase()))
                    .map_err(anyhow::Error::msg)?,
                display_name: format!("Koordinator {code}"),
                agency_id: a.id,
                role: Role::Coordinator,
                active: true,
                totp_enabled: false,
                must_change_password: false,
            };
            store
                .insert_user(
                    &NewUserRow {
                        user: u.clone(),
                        password_hash: hash,
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
            anyhow::Ok(Unit {
                id: a.id,
                user: u.id,
                code,
                regions,
            })
        }
    };
    for p in g.provinces().iter().take(10) {
        let regencies: Vec<String> = g
            .children(&p.code)
            .iter()
            .filter(|r| r.level == Level::Regency)
            .take(10)
            .map(|r| r.code.clone())
            .collect();
        let pcode = format!("BP-{}", p.code);
        provinces.push(make(pcode.clone(), None, p.code.clone(), regencies.clone()).await?);
        for r in regencies {
            let code = format!("BR-{}", r.replace('.', "-"));
            units.push(make(code, Some(pcode.clone()), r.clone(), vec![r]).await?);
        }
    }
    let owners: Vec<&Unit> = units.iter().chain(provinces.iter()).collect();

    // The filler persons' sealed record (sealed once, stored for all).
    let filler_code = &provinces[1].code;
    sinergi_app::cases::write_key_file(&app.config.case_keys_dir, filler_code)?;
    let ring = app
        .key_rings()
        .ring(filler_code)?
        .context("the bench key ring")?;
    let template = SealedRecord::seal(
        &ring,
        uuid::Uuid::nil(),
        &[
            ("name", b"Nama Saksi Bench".as_slice()),
            ("identity_number", b"1571010101900001".as_slice()),
            ("contact", b"0812-0000-0000".as_slice()),
            ("address", b"Jl. Contoh No. 1".as_slice()),
        ],
        &mut rand::rngs::OsRng,
    )?;

    let avg = events as f64 / cases as f64;
    let (lo, hi) = if avg >= 7.5 {
        (
            ((2.0 * avg).round() as usize)
                .saturating_sub(LINE.len())
                .max(1),
            LINE.len(),
        )
    } else {
        (
            1,
            ((2.0 * avg).round() as usize)
                .saturating_sub(1)
                .clamp(1, LINE.len()),
        )
    };
    let per_case = persons / cases;
    let extra = persons % cases;
    let first_day = NaiveDate::from_ymd_opt(2019, 1, 1).context("a date")?;
    let span = (today - first_day).num_days().max(2);
    let kinds = [
        (
            OffenceKind::Wildlife,
            "UU 5/1990",
            "Pasal 21 ayat (2) jo. Pasal 40 ayat (2)",
            5,
        ),
        (OffenceKind::Forestry, "UU 18/2013", "Pasal 82", 5),
        (OffenceKind::Trafficking, "UU 21/2007", "Pasal 2", 15),
        (OffenceKind::Narcotics, "UU 35/2009", "Pasal 114", 20),
        (OffenceKind::Other, "KUHP", "Pasal 362", 5),
    ];

    println!(
        "inserting {cases} cases, {persons} persons and about {events} steps over {} agencies …",
        owners.len()
    );
    let t = Instant::now();
    let (mut n_events, mut n_persons, mut n_sealed) = (0usize, 0usize, 0usize);
    let mut done = 0usize;
    while done < cases {
        let size = BATCH.min(cases - done);
        let mut cs = Vec::with_capacity(size);
        let mut es = Vec::with_capacity(size * hi);
        let mut ps = Vec::with_capacity(size * (per_case + 1));
        for i in done..done + size {
            let owner = owners[rng.gen_range(0..owners.len())];
            let region = owner.regions[rng.gen_range(0..owner.regions.len().max(1))].clone();
            let opened = first_day + Duration::days(rng.gen_range(0..span));
            let (kind, law, article, penalty) = kinds[rng.gen_range(0..kinds.len())];
            let created = opened.and_hms_opt(3, 0, 0).unwrap_or_default().and_utc();
            let id = CaseId::new_at(created, bytes(&mut rng));
            let pl = law_for(opened);
            let mut c = Case {
                id,
                number: format!("LP/A/{i}/{}/{}", opened.format("%Y"), owner.code),
                owner_agency_id: owner.id,
                law: pl,
                title: format!("Perkara bench {i}"),
                summary: None,
                offence: Offence {
                    kind,
                    law: law.into(),
                    article: article.into(),
                    max_penalty_years: Some(penalty),
                },
                region_code: region.clone(),
                opened_on: opened,
                stage: table(pl).initial(),
                stage_since: opened,
                facts: CaseFacts::default(),
                dates: CaseDates::default(),
                returns: 0,
                verdict: None,
                p21_on: None,
                verdict_on: None,
                next_due_on: None,
                reports: Vec::new(),
                parties: Vec::new(),
                version: 1,
                created_by: owner.user,
                created_at: created,
                updated_by: owner.user,
                updated_at: created,
            };
            // How far it went: without the return half the time, stopped by SP3 now
            // and then, never past today.
            let k = rng.gen_range(lo..=hi);
            let returned = rng.gen_bool(0.5);
            let mut line: Vec<Stage> = LINE
                .iter()
                .copied()
                .enumerate()
                .filter(|(j, _)| returned || !(4..=5).contains(j))
                .map(|(_, s)| s)
                .collect();
            line.truncate(k);
            if k <= 4 && rng.gen_bool(0.3) {
                if let Some(last) = line.last_mut() {
                    *last = Stage::Sp3;
                }
            }
            let mut day = opened;
            for (j, to) in line.into_iter().enumerate() {
                day += Duration::days(rng.gen_range(1..30));
                if day > today {
                    break;
                }
                let doc = StageDocument {
                    number: (to != Stage::Inkracht).then(|| format!("D/{i}/{j}")),
                    date: day,
                    notes: (to == Stage::P19).then(|| "Lengkapi keterangan ahli.".to_string()),
                };
                let verdict = (to == Stage::Putusan).then(|| {
                    if rng.gen_bool(0.85) {
                        Verdict::Convicted
                    } else {
                        Verdict::Acquitted
                    }
                });
                let at = day.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc();
                es.push(StageEvent {
                    id: StageEventId::new_at(at, bytes(&mut rng)),
                    case_id: id,
                    from: c.stage,
                    to,
                    document: doc.clone(),
                    verdict,
                    scan: None,
                    recorded_by: owner.user,
                    recorded_at: at,
                });
                c = c.after_step(to, &doc, verdict);
                c.version += 1;
            }
            let count = per_case + usize::from(i < extra);
            for k in 0..count {
                let role = if k == 0 {
                    PersonRole::Suspect
                } else if kind == OffenceKind::Trafficking && k % 2 == 1 {
                    PersonRole::Victim
                } else if k % 7 == 6 {
                    PersonRole::Informant
                } else {
                    PersonRole::Witness
                };
                let victim = role == PersonRole::Victim;
                ps.push(Person {
                    id: PersonId::new_at(created, bytes(&mut rng)),
                    case_id: id,
                    role,
                    suspect_name: (role == PersonRole::Suspect).then(|| format!("Tersangka {i}")),
                    suspect_identity: None,
                    sealed: role.is_protected().then(|| template.clone()),
                    child: victim && rng.gen_bool(0.2),
                    victim: if victim {
                        VictimFacts {
                            origin_region: Some(region.clone()),
                            destination_country: Some("MY".into()),
                            repatriated_on: Some(opened),
                            border_post: Some("Entikong".into()),
                        }
                    } else {
                        VictimFacts::default()
                    },
                    services: Vec::new(),
                    handler_id: (role == PersonRole::Informant).then_some(owner.user),
                    created_by: owner.user,
                    created_at: created,
                    shredded_at: None,
                });
                n_sealed += usize::from(role.is_protected());
            }
            cs.push(c);
        }
        n_events += es.len();
        n_persons += ps.len();
        store.bulk_insert_cases(&cs, &es, &ps).await?;
        done += size;
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "stored {cases} cases, {n_persons} persons ({n_sealed} sealed) and {n_events} steps in {secs:.1} s ({:.0} cases/s)",
        cases as f64 / secs
    );

    // (a) and (b): a province agency, its own cases and its regencies'.
    let p = &provinces[0];
    let (user, _) = app
        .store
        .user_credentials(&format!("k.{}", p.code.to_ascii_lowercase()))
        .await?
        .context("province user")?;
    let province: Actor = app.actor_for(&user).await?;
    let province_code = p.code.trim_start_matches("BP-").to_string();
    let in_scope = app.cases(&province, &CaseFilter::default(), 1, 0).await?.1;
    let overdue = app
        .overdue_cases(&province, &CaseFilter::default())
        .await?
        .len();
    println!(
        "province {} sees {in_scope} cases; its overdue list shows {overdue} (a page of at most {})",
        p.code,
        sinergi_app::cases::MAX_PAGE
    );
    let (p50, p95, max) = time(queries, || async {
        Ok(app.overdue_cases(&province, &CaseFilter::default()).await?)
    })
    .await?;
    println!(
        "(a) overdue list of a province agency: p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms"
    );
    let filter = CaseFilter {
        region: Some(province_code.clone()),
        ..CaseFilter::default()
    };
    let f = app.case_funnel(&province, &filter).await?;
    println!(
        "the funnel of {province_code} has {} rows and {} stages timed",
        f.rows.len(),
        f.stage_times.len()
    );
    let (p50, p95, max) = time(queries, || async {
        Ok(app.case_funnel(&province, &filter).await?)
    })
    .await?;
    println!("(b) funnel of a province (with days per stage): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    // Its two queries apart, as `case_funnel` asks them.
    let mut owners = vec![province.agency_id];
    owners.extend(province.agency_descendants.iter().copied());
    let q = sinergi_app::cases::CaseQuery {
        owners,
        party: Some(province.agency_id),
        region: Some(province_code.clone()),
        limit: sinergi_app::cases::MAX_PAGE,
        ..Default::default()
    };
    let (p50, p95, max) = time(queries, || async { Ok(app.store.funnel(&q).await?) }).await?;
    println!(
        "    its table alone (store funnel): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms"
    );
    let (p50, p95, max) = time(queries, || async { Ok(app.store.stage_times(&q).await?) }).await?;
    println!("    its days per stage alone (store stage_times): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");

    // (c): a case of the filler key's agency with 20 protected persons.
    let (user, _) = app
        .store
        .user_credentials(&format!("k.{}", filler_code.to_ascii_lowercase()))
        .await?
        .context("case user")?;
    let owner = app.actor_for(&user).await?;
    let region = provinces[1].regions.first().cloned().unwrap_or_default();
    let body = NewCaseBody::read(&json!({
        "title": "Perkara dengan 20 orang dilindungi", "offence_kind": "trafficking",
        "offence_law": "UU 21/2007", "offence_article": "Pasal 2", "max_penalty_years": 15,
        "region": region, "opened_on": today.to_string(),
    }))
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let input = CaseInput::from_body(&body, today).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let case = app.open_case(&owner, input).await?;
    let mut pids = Vec::new();
    for k in 0..20 {
        let b = PersonBody::read(&json!({
            "role": if k % 2 == 0 { "victim" } else { "witness" },
            "name": format!("Orang dilindungi {k}"), "identity_number": format!("61060101019{k:05}"),
            "contact": "0812-0000-0000", "address": "Putussibau",
        }))
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let input = PersonInput::from_body(&b, today).map_err(|e| anyhow::anyhow!("{e:?}"))?;
        pids.push(app.add_person(&owner, case.id, input).await?.person.id);
    }
    let purpose =
        DecryptPurpose::parse("pemeriksaan bench").map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let runs = queries.clamp(1, 100);
    let (p50, p95, max) = time(runs, || async {
        let v = app.case_view(&owner, case.id).await?;
        let opened = app
            .open_identities(&owner, case.id, purpose.clone())
            .await?;
        anyhow::ensure!(opened.len() == 20, "{} identities opened", opened.len());
        Ok(v.persons.len())
    })
    .await?;
    println!("(c) a case with 20 protected persons, its page's data and all 20 identities opened for one purpose (`open_identities`, 20 audit entries in one transaction): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    let (p50, p95, max) = time(runs, || async {
        let v = app.case_view(&owner, case.id).await?;
        let mut n = 0;
        for p in &pids {
            n += app
                .open_identity(&owner, case.id, *p, purpose.clone())
                .await?
                .fields
                .len();
        }
        Ok((v.persons.len(), n))
    })
    .await?;
    println!("(c\u{2033}) the same, the 20 identities opened one by one (`open_identity` × 20, 20 transactions): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    let (p50, p95, max) = time(runs, || async {
        let v = app.case_view(&owner, case.id).await?;
        let mut n = 0;
        for p in &v.persons {
            if let Some(s) = &p.person.sealed {
                n += s.open(&ring, p.person.id.0)?.len();
            }
        }
        anyhow::ensure!(n >= 20, "{n} fields opened");
        Ok(n)
    })
    .await?;
    println!("(c') the same case's page data and its 20 sealed records opened in memory (no audit writes): p50 {p50:.1} ms, p95 {p95:.1} ms, max {max:.1} ms");
    Ok(())
}
