//! The demo's area profile (ADR 25), from the Kota Bambu Selatan seed, made through the
//! same use cases as the API:
//!
//! - the Tim Terpadu P4GN of Kelurahan Kota Bambu Selatan (the Kelurahan, Polsek Palmerah,
//!   BNN Kota Jakarta Barat and BNNP DKI Jakarta) and its Kelurahan Bersinar roadmap with
//!   the five stages the seed lists, the first done and the second under way;
//! - the profile of Kota Bambu Selatan (31.73.07.1006): the drug-prone Kampung Boncos,
//!   the mapping by Polsek Palmerah from Jl. Raya Katamso, the needs assessment; its first
//!   version of 26 August 2021 at stage 1 and a later one at stage 2;
//! - two monitoring posts in Kampung Boncos with weekly reports, one of them overdue.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::area::{AreaBody, NewPostBody, NewPostReportBody};
use sinergi_core::coordination::body::NewGroupBody;
use sinergi_core::plan::{NewPlanBody, NodeBody};
use sinergi_core::time::Zone;

use crate::{App, AppError, AppResult};

/// The village of the seed.
pub const KOTA_BAMBU_SELATAN: &str = "31.73.07.1006";

fn read<T: sinergi_core::input::Body>(v: Value) -> AppResult<T> {
    T::read(&v).map_err(|e| AppError::Conflict(format!("demo body: {e:?}")))
}

async fn actor(app: &App, name: &str) -> AppResult<Actor> {
    let (u, _) = app
        .store
        .user_credentials(name)
        .await?
        .ok_or_else(|| AppError::Conflict(format!("demo user {name} is missing")))?;
    app.actor_for(&u).await
}

fn at(y: i32, m: u32, d: u32) -> chrono::DateTime<Utc> {
    // 10:00 WIB
    Utc.with_ymd_and_hms(y, m, d, 3, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Loads the roadmap, the profile with its history, the posts and their reports.
pub async fn load(app: &App) -> AppResult<()> {
    let lurah = actor(app, "lurah.kbs").await?;
    let polsek = actor(app, "polsek.palmerah").await?;
    let group = app
        .create_group(
            &lurah,
            &read::<NewGroupBody>(json!({
                "name": "Tim Terpadu P4GN Kelurahan Kota Bambu Selatan",
                "kind": "tim_terpadu",
                "legal_basis": "Kesepakatan rapat daring BNN RI dan pemangku kepentingan, 26 Agustus 2021",
                "members": ["POLSEK-PALMERAH", "BNNK-JAKARTA-BARAT", "BNNP-DKI"],
                "people": [
                    {"agency": "KEL-KOTA-BAMBU-SELATAN", "user": "lurah.kbs", "name": "Lurah Kota Bambu Selatan", "role": "ketua"},
                    {"agency": "POLSEK-PALMERAH", "user": "polsek.palmerah", "name": "Kanit Reskrim Polsek Palmerah", "role": "anggota"}
                ],
                "period_from": "2021-08-26",
            }))?,
        )
        .await?;
    let plan = app
        .create_plan(
            &lurah,
            group.id,
            &read::<NewPlanBody>(json!({
                "kind": "roadmap",
                "title": "Peta jalan Kelurahan Bersinar Kota Bambu Selatan",
                "description": "Tahapan pemulihan kawasan rawan narkoba Kampung Boncos menuju Kelurahan Bersih Narkoba (Bersinar), dengan 5 strategi pembinaan: Bina Lembaga, Bina Lingkungan, Bina Masyarakat, Bina Kawasan, Bina Usaha.",
                "period_from": "2021-09-01",
                "period_until": "2026-12-31",
            }))?,
        )
        .await?;
    let stages = [
        (
            "Menyusun rencana dan program",
            "KEL-KOTA-BAMBU-SELATAN",
            &["BNNK-JAKARTA-BARAT"][..],
            "done",
        ),
        (
            "Memetakan SDM, SDA, sinergi, akses, sarana prasarana serta peluang pasar",
            "KEL-KOTA-BAMBU-SELATAN",
            &["POLSEK-PALMERAH", "BNNK-JAKARTA-BARAT"][..],
            "under_way",
        ),
        (
            "Pengembangan kewirausahaan: produksi, promosi, pengemasan, pemasaran dan ekspor",
            "BNNP-DKI",
            &["KEL-KOTA-BAMBU-SELATAN"][..],
            "planned",
        ),
        (
            "Membudayakan wirausaha, edukasi, investasi dan industri",
            "BNNP-DKI",
            &["KEL-KOTA-BAMBU-SELATAN"][..],
            "planned",
        ),
        (
            "Kelurahan pulih, wirausaha berkembang, pendapatan masyarakat meningkat",
            "KEL-KOTA-BAMBU-SELATAN",
            &["POLSEK-PALMERAH", "BNNP-DKI"][..],
            "planned",
        ),
    ];
    let mut ids = Vec::new();
    for (i, (title, responsible, supporting, status)) in stages.iter().enumerate() {
        let n = app
            .create_plan_node(
                &lurah,
                plan.id,
                &read::<NodeBody>(json!({
                    "kind": "stage", "title": title, "position": i,
                    "responsible": responsible, "supporting": supporting, "status": status,
                }))?,
            )
            .await?;
        ids.push(n.id);
    }

    let needs = json!({
        "natural_resources": {"note": "Permukiman padat tanpa peta potensi SDA dan potensi wilayah; sektor unggulan belum dipetakan.", "rating": "lacking"},
        "human_resources": {"note": "Pelaku penyalahgunaan narkoba berasal dari luar Kampung Boncos, bukan penduduk asli; warga perlu pelatihan keterampilan.", "rating": "lacking"},
        "institutions": {"note": "Lurah, Polsek Palmerah, Polres, TNI dan Pemda setempat terlibat; kekuatan tindakan represif di tingkat Polsek kurang.", "rating": "developing"},
        "infrastructure": {"note": "Jalan Raya Katamso hingga gang-gang Kampung Boncos; belum ada pasar warga. Posko pemantauan sudah didirikan.", "rating": "developing"},
        "entrepreneurship": {"note": "BNN (Direktorat Pemberdayaan Alternatif) akan memberi pelatihan kewirausahaan sebagai pendekatan humanis.", "rating": "lacking"},
        "csr_grants": {"note": "Belum ada dukungan CSR atau hibah.", "rating": "lacking"},
        "capital_markets": {"note": "Belum ada akses modal maupun akses pasar bagi usaha warga.", "rating": "lacking"},
    });
    let first = app
        .create_area_at(
            &lurah,
            &read::<AreaBody>(json!({
                "code": KOTA_BAMBU_SELATAN,
                "condition": "drug_prone",
                "summary": "Kampung Boncos adalah kawasan rawan narkoba: penyalahgunaan narkoba berlangsung 24 jam tanpa henti, dan pelakunya berasal dari luar kampung. Polsek Palmerah memetakan Kampung Boncos dari Jalan Raya Katamso hingga ke dalam gang-gang; pelaksanaannya tertunda karena pandemi COVID-19. Posko-posko didirikan di Kampung Boncos sebagai sarana pemantauan kegiatan masyarakat.",
                "needs": needs,
                "roadmap": plan.id.to_string(),
                "stage": ids[0].to_string(),
                "stage_since": "2021-08-26",
            }))?,
            at(2021, 8, 26),
        )
        .await?;
    app.update_area_at(
        &lurah,
        KOTA_BAMBU_SELATAN,
        Some(first.version),
        &read::<AreaBody>(json!({
            "condition": "recovering",
            "summary": "Kampung Boncos dalam pemulihan dari kawasan rawan narkoba. Rencana dan program Tim Terpadu P4GN telah disusun; pemetaan SDM, SDA, sinergi, akses, sarana prasarana dan peluang pasar berjalan bersama Polsek Palmerah dan BNN Kota Jakarta Barat. Posko di Kampung Boncos melapor setiap pekan.",
            "needs": {
                "human_resources": {"note": "Pelaku penyalahgunaan narkoba berasal dari luar Kampung Boncos; 35 warga mengikuti sosialisasi Kelurahan Bersinar dan pemetaan keterampilan dimulai.", "rating": "developing"}
            },
            "stage": ids[1].to_string(),
            "stage_since": "2022-03-01",
        }))?,
        at(2022, 3, 1),
    )
    .await?;

    // Posts set up 90 days ago; the Kelurahan's reports weekly up to this week, the
    // Polsek's post last reported three weeks ago, so it is overdue.
    let today = app
        .now()
        .with_timezone(&Zone::for_region(KOTA_BAMBU_SELATAN).offset())
        .date_naive();
    let set_up = app.now() - Duration::days(90);
    let boncos = app
        .create_area_post_at(
            &lurah,
            KOTA_BAMBU_SELATAN,
            &read::<NewPostBody>(json!({
                "name": "Posko Pemantauan Kampung Boncos",
                "lon": 106.8029, "lat": -6.1869,
                "responsible": "KEL-KOTA-BAMBU-SELATAN",
                "cadence_days": 7,
            }))?,
            set_up,
        )
        .await?;
    let katamso = app
        .create_area_post_at(
            &lurah,
            KOTA_BAMBU_SELATAN,
            &read::<NewPostBody>(json!({
                "name": "Posko Jalan Raya Katamso",
                "lon": 106.8041, "lat": -6.1880,
                "responsible": "POLSEK-PALMERAH",
                "cadence_days": 7,
            }))?,
            set_up,
        )
        .await?;
    let report = |day: NaiveDate, summary: &str, incidents: u32, outreach: u32, referrals: u32| {
        read::<NewPostReportBody>(json!({
            "reported_on": day.to_string(), "summary": summary,
            "incidents": incidents, "outreach": outreach, "referrals": referrals,
        }))
    };
    for (weeks, incidents, outreach, referrals) in
        [(3, 4, 20, 1), (2, 3, 25, 0), (1, 2, 30, 2), (0, 1, 18, 0)]
    {
        let day = today - Duration::days(weeks * 7 + 1);
        app.create_post_report(
            &lurah,
            KOTA_BAMBU_SELATAN,
            boncos.id,
            &report(
                day,
                "Ronda malam bersama warga RW Kampung Boncos; penjagaan gang masuk dan pendataan pendatang.",
                incidents,
                outreach,
                referrals,
            )?,
        )
        .await?;
    }
    for (weeks, incidents) in [(5, 5), (3, 3)] {
        let day = today - Duration::days(weeks * 7);
        app.create_post_report(
            &polsek,
            KOTA_BAMBU_SELATAN,
            katamso.id,
            &report(
                day,
                "Patroli Unit Reskrim dari Jalan Raya Katamso ke dalam gang; transaksi masih terlihat pada malam hari.",
                incidents,
                0,
                0,
            )?,
        )
        .await?;
    }
    Ok(())
}
