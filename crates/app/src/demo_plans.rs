//! The demo's joint work plan of the Kerinci Seblat Pokja (ADR 23), from the seed of its
//! forming meeting on 29 May 2017: the programme of work agreed there — exchanging the
//! Tipihut (forestry-crime) database and patrol results, GIS training for the police,
//! investigation training for the forest rangers (Polhut), fire-control (Dalkarhut)
//! training, training on the illegal wildlife trade for the police, introducing the park to
//! the Babinkamtibmas, forest-security and fire-prevention patrols, information and
//! prohibition signboards, and outreach by the park and the police — as goals, programmes
//! and activities, 2017–2026.
//!
//! Everything goes through the plans use cases as the Pokja's secretary: each node is
//! drawn up with its target and its record so far (the value achieved, the status), one
//! audited write each. The joint patrols are one activity per year, so the plan shows progress over the
//! years; this year's count is the demo's own finished patrols, linked as evidence. Some
//! activities trail the time gone ("behind"). The figures of past years are illustrative.

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::ids::{PlanId, PlanNodeId};
use sinergi_core::patrol::{Mandate, PatrolStatus};
use sinergi_core::plan::body::{NewPlanBody, NodeBody};

use crate::{App, AppError, AppResult};

/// What the demo's plans hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanSummary {
    pub plans: usize,
    pub nodes: usize,
}

/// The four regional police commands of the Pokja.
const POLDA: [&str; 4] = [
    "POLDA-JAMBI",
    "POLDA-SUMBAR",
    "POLDA-SUMSEL",
    "POLDA-BENGKULU",
];

/// Forest-security joint patrols held in the years before the demo's own (target 12 a
/// year, one a month; 2020 and 2021 fell short in the pandemic).
const PATROLS_BY_YEAR: &[(i32, u32)] = &[
    (2018, 9),
    (2019, 11),
    (2020, 4),
    (2021, 6),
    (2022, 10),
    (2023, 12),
    (2024, 11),
    (2025, 12),
    (2026, 12),
];

fn read<T: sinergi_core::input::Body>(v: Value) -> AppResult<T> {
    T::read(&v).map_err(|e| AppError::Conflict(format!("demo body: {e:?}")))
}

struct Builder<'a> {
    app: &'a App,
    who: &'a Actor,
    plan: PlanId,
    nodes: usize,
}

impl Builder<'_> {
    /// Draws up a node under `parent` with its record so far (`achieved`, `status`).
    async fn node(
        &mut self,
        parent: Option<PlanNodeId>,
        mut body: Value,
        achieved: Option<f64>,
        status: &str,
    ) -> AppResult<PlanNodeId> {
        if let Some(p) = parent {
            body["parent"] = json!(p.to_string());
        }
        body["status"] = json!(status);
        if let Some(a) = achieved {
            body["achieved"] = json!(a);
        }
        let n = self
            .app
            .create_plan_node(self.who, self.plan, &read::<NodeBody>(body)?)
            .await?;
        self.nodes += 1;
        Ok(n.id)
    }
}

/// A year's status: done once over, under way in its year, planned before.
fn year_status(year: i32, this_year: i32) -> &'static str {
    match year.cmp(&this_year) {
        std::cmp::Ordering::Less => "done",
        std::cmp::Ordering::Equal => "under_way",
        std::cmp::Ordering::Greater => "planned",
    }
}

pub(crate) async fn load(app: &App) -> AppResult<PlanSummary> {
    let (u, _) = app
        .store
        .user_credentials("koordinator.tnks")
        .await?
        .ok_or_else(|| AppError::Conflict("demo user koordinator.tnks is missing".into()))?;
    let tnks = app.actor_for(&u).await?;
    let pokja = app
        .groups_for(&tnks)
        .await?
        .into_iter()
        .find(|g| {
            g.name
                .starts_with("Pokja Pengamanan dan Perlindungan Kawasan TNKS")
        })
        .ok_or_else(|| AppError::Conflict("the demo's TNKS Pokja is missing".into()))?;
    let meetings = app.meetings_of(&tnks, pokja.id).await?;
    let forming = meetings.first().map(|m| m.id.to_string());
    let recent = meetings.last().map(|m| m.id.to_string());
    let mou = pokja.agreement_id.map(|a| a.to_string());
    let patrols = app.patrols_for(&tnks).await?;
    let today = app
        .now()
        .with_timezone(&sinergi_core::time::Zone::Wib.offset())
        .date_naive();
    let this_year = today.year();

    let plan = app
        .create_plan(
            &tnks,
            pokja.id,
            &read::<NewPlanBody>(json!({
                "kind": "joint_work_plan",
                "title": "Rencana Kerja Bersama Pokja Pengamanan dan Perlindungan Kawasan TNKS 2017–2026",
                "description": "Disusun pada rapat pembentukan Pokja, Jambi 29 Mei 2017, sebagai pelaksanaan Nota \
                                Kesepahaman BBTNKS dengan Polda Jambi, Sumatera Barat, Sumatera Selatan dan Bengkulu \
                                (14 Maret 2017). Sasaran: perburuan dan perdagangan harimau sumatera ditekan dan kasus \
                                kejahatan TSL yang diproses hingga pengadilan meningkat.",
                "period_from": "2017-05-29",
                "period_until": "2026-12-31"
            }))?,
        )
        .await?;
    let mut b = Builder {
        app,
        who: &tnks,
        plan: plan.id,
        nodes: 0,
    };
    let evidence = |kind: &str, id: &Option<String>| -> Vec<Value> {
        id.iter()
            .map(|id| json!({"kind": kind, "id": id}))
            .collect()
    };

    // ---- 1. Exchanging data: the Tipihut database and the results of patrols.
    let g1 = b
        .node(
            None,
            json!({"kind": "goal", "title": "Pertukaran data dan informasi pengamanan kawasan",
                "responsible": "BBTNKS", "supporting": POLDA,
                "starts_on": "2017-06-01", "ends_on": "2026-12-31"}),
            None,
            "under_way",
        )
        .await?;
    let mut tipihut = json!({"kind": "activity",
        "title": "Pertukaran basis data Tipihut (tindak pidana kehutanan) antara BBTNKS dan empat Polda",
        "responsible": "BBTNKS", "supporting": POLDA,
        "starts_on": "2017-07-01", "ends_on": "2026-12-31",
        "indicator": "Pertukaran data triwulanan", "unit": "kali", "target": 38,
        "activity": {"kind": "data_exchange", "dataset": "Basis data Tipihut BBTNKS dan Ditreskrimsus"},
        "evidence": evidence("agreement", &mou)});
    if let Some(id) = &mou {
        tipihut["activity"]["agreement"] = json!(id);
    }
    b.node(Some(g1), tipihut, Some(35.0), "under_way").await?;
    b.node(
        Some(g1),
        json!({"kind": "activity",
            "title": "Pertukaran informasi hasil patroli pengamanan hutan di masing-masing instansi",
            "responsible": "BBTNKS", "supporting": ["POLDA-JAMBI", "POLDA-BENGKULU", "POLRES-KERINCI"],
            "starts_on": "2017-06-01", "ends_on": "2026-12-31",
            "indicator": "Laporan hasil patroli yang dipertukarkan (bulanan)", "unit": "laporan", "target": 115,
            "activity": {"kind": "data_exchange", "dataset": "Hasil patroli pengamanan hutan dan pencegahan karhutla"},
            "evidence": evidence("meeting", &recent)}),
        Some(108.0),
        "under_way",
    )
    .await?;

    // ---- 2. People: training for the police and the rangers.
    let g2 = b
        .node(
            None,
            json!({"kind": "goal", "title": "Peningkatan kemampuan sumber daya manusia",
                "responsible": "BBTNKS", "supporting": POLDA,
                "starts_on": "2017-09-01", "ends_on": "2026-12-31",
                "funding_source": "Proyek Transforming Effectiveness of Biodiversity Conservation in Sumatera Priority Landscape"}),
            None,
            "under_way",
        )
        .await?;
    let training = b
        .node(
            Some(g2),
            json!({"kind": "programme", "title": "Pelatihan bersama BBTNKS dan kepolisian",
                "responsible": "BBTNKS", "supporting": POLDA,
                "starts_on": "2017-09-01", "ends_on": "2026-12-31"}),
            None,
            "under_way",
        )
        .await?;
    b.node(
        Some(training),
        json!({"kind": "activity", "title": "Pelatihan GIS bagi personil kepolisian",
            "responsible": "BBTNKS", "supporting": POLDA,
            "starts_on": "2017-09-01", "ends_on": "2019-12-31",
            "budget": 185_000_000, "funding_source": "Proyek TEBCSPL",
            "indicator": "Personil kepolisian terlatih GIS", "unit": "orang", "target": 40,
            "activity": {"kind": "training",
                "participants": [
                    {"agency": "POLDA-JAMBI", "male": 10, "female": 2},
                    {"agency": "POLDA-SUMBAR", "male": 9, "female": 1},
                    {"agency": "POLDA-SUMSEL", "male": 8, "female": 2},
                    {"agency": "POLDA-BENGKULU", "male": 9, "female": 1}],
                "materials": ["Dasar GIS dan GPS", "Peta kawasan dan zonasi TNKS",
                              "Pemetaan lokasi tindak pidana kehutanan"]},
            "evidence": evidence("meeting", &forming)}),
        Some(42.0),
        "done",
    )
    .await?;
    b.node(
        Some(training),
        json!({"kind": "activity",
            "title": "Pelatihan investigasi dan penanganan perkara Tipihut bagi Polhut",
            "responsible": "POLDA-JAMBI", "supporting": ["BBTNKS", "POLDA-BENGKULU"],
            "starts_on": "2018-01-01", "ends_on": "2026-12-31",
            "indicator": "Polhut terlatih investigasi", "unit": "orang", "target": 80,
            "activity": {"kind": "training",
                "participants": [{"agency": "BBTNKS", "male": 41, "female": 5}],
                "materials": ["Teknik investigasi", "Olah tempat kejadian perkara",
                              "Penyusunan berkas perkara Tipihut"]},
            "evidence": evidence("meeting", &recent)}),
        Some(46.0),
        "under_way",
    )
    .await?;
    b.node(
        Some(training),
        json!({"kind": "activity",
            "title": "Pelatihan pengendalian kebakaran hutan dan lahan (Dalkarhut)",
            "responsible": "BBTNKS", "supporting": POLDA,
            "starts_on": "2018-01-01", "ends_on": "2025-12-31",
            "indicator": "Peserta terlatih Dalkarhut", "unit": "orang", "target": 120,
            "activity": {"kind": "training",
                "participants": [
                    {"agency": "BBTNKS", "male": 58, "female": 9},
                    {"agency": "POLDA-JAMBI", "male": 21, "female": 3},
                    {"agency": "POLDA-SUMBAR", "male": 12, "female": 2},
                    {"agency": "POLDA-SUMSEL", "male": 10, "female": 1},
                    {"agency": "POLDA-BENGKULU", "male": 9, "female": 1}],
                "materials": ["Pencegahan dan pemadaman kebakaran hutan", "Penggunaan peralatan pemadam",
                              "Patroli terpadu pencegahan karhutla"]}}),
        Some(126.0),
        "done",
    )
    .await?;
    b.node(
        Some(training),
        json!({"kind": "activity",
            "title": "Pelatihan pengenalan peredaran dan perdagangan ilegal TSL dan bagian-bagiannya bagi kepolisian",
            "responsible": "BBTNKS", "supporting": ["POLDA-SUMBAR", "POLDA-SUMSEL"],
            "starts_on": "2019-01-01", "ends_on": "2026-12-31",
            "indicator": "Personil kepolisian terlatih", "unit": "orang", "target": 60,
            "activity": {"kind": "training",
                "participants": [
                    {"agency": "POLDA-SUMBAR", "male": 24, "female": 4},
                    {"agency": "POLDA-SUMSEL", "male": 24, "female": 3}],
                "materials": ["Jenis TSL dilindungi", "Mengenali bagian tubuh harimau sumatera",
                              "Modus perdagangan daring"]}}),
        Some(55.0),
        "under_way",
    )
    .await?;
    b.node(
        Some(training),
        json!({"kind": "activity",
            "title": "Pengenalan TNKS kepada Babinkamtibmas di sekitar kawasan",
            "responsible": "BBTNKS", "supporting": POLDA,
            "starts_on": "2018-01-01", "ends_on": "2026-12-31",
            "indicator": "Babinkamtibmas mengikuti pengenalan", "unit": "orang", "target": 150,
            "activity": {"kind": "outreach", "audience": "Babinkamtibmas desa penyangga",
                "area": "Desa penyangga TNKS di Jambi, Sumatera Barat, Sumatera Selatan dan Bengkulu"}}),
        Some(141.0),
        "under_way",
    )
    .await?;

    // ---- 3. Securing the park: patrols, signboards, cases brought to court.
    let g3 = b
        .node(
            None,
            json!({"kind": "goal",
                "title": "Pengamanan dan perlindungan kawasan melalui kegiatan pre-emtif dan preventif",
                "responsible": "BBTNKS", "supporting": POLDA,
                "starts_on": "2017-06-01", "ends_on": "2026-12-31",
                "indicator": "Kasus kejahatan TSL yang diproses hingga pengadilan", "unit": "kasus", "target": 40}),
            Some(27.0),
            "under_way",
        )
        .await?;
    // Each year's count: the years gone by as held, this year's the demo's own finished
    // forest-security patrols; the programme's count is their sum.
    let years: Vec<(i32, &str, Option<f64>)> = PATROLS_BY_YEAR
        .iter()
        .map(|&(year, held)| {
            let status = year_status(year, this_year);
            let achieved = match status {
                "done" => Some(f64::from(held)),
                "under_way" => Some(
                    patrols
                        .iter()
                        .filter(|p| {
                            p.mandate != Mandate::FirePrevention
                                && p.status == PatrolStatus::Done
                                && p.planned_start.year() == year
                        })
                        .count() as f64,
                ),
                _ => None,
            };
            (year, status, achieved)
        })
        .collect();
    let total: f64 = years.iter().filter_map(|(_, _, a)| *a).sum();
    let patrol_programme = b
        .node(
            Some(g3),
            json!({"kind": "programme", "title": "Patroli gabungan pengamanan hutan",
                "responsible": "BBTNKS", "supporting": ["POLDA-JAMBI", "POLRES-KERINCI"],
                "starts_on": "2018-01-01", "ends_on": "2026-12-31",
                "indicator": "Patroli gabungan", "unit": "patroli", "target": 108}),
            Some(total),
            "under_way",
        )
        .await?;
    for (year, status, achieved) in years {
        // The demo's own forest-security patrols are the evidence of their year.
        let own: Vec<Value> = patrols
            .iter()
            .filter(|p| p.mandate != Mandate::FirePrevention && p.planned_start.year() == year)
            .map(|p| json!({"kind": "patrol", "id": p.id.to_string()}))
            .collect();
        b.node(
            Some(patrol_programme),
            json!({"kind": "activity", "title": format!("Patroli gabungan pengamanan hutan {year}"),
                "responsible": "BBTNKS", "supporting": ["POLDA-JAMBI", "POLRES-KERINCI"],
                "starts_on": NaiveDate::from_ymd_opt(year, 1, 1).map(|d| d.to_string()),
                "ends_on": NaiveDate::from_ymd_opt(year, 12, 31).map(|d| d.to_string()),
                "indicator": "Patroli gabungan", "unit": "patroli", "target": 12,
                "activity": {"kind": "joint_patrol", "area": "Kabupaten Kerinci dan Merangin, Bidang PTN Wilayah I dan II"},
                "evidence": own}),
            achieved,
            status,
        )
        .await?;
    }
    let fire: Vec<Value> = patrols
        .iter()
        .filter(|p| p.mandate == Mandate::FirePrevention)
        .map(|p| json!({"kind": "patrol", "id": p.id.to_string()}))
        .collect();
    let fire_done = patrols
        .iter()
        .filter(|p| p.mandate == Mandate::FirePrevention && p.status == PatrolStatus::Done)
        .count() as f64;
    b.node(
        Some(g3),
        json!({"kind": "activity", "title": "Patroli pencegahan kebakaran hutan dan lahan pada musim kemarau",
            "responsible": "BBTNKS", "supporting": ["POLDA-JAMBI", "POLDA-BENGKULU", "POLRES-KERINCI"],
            "starts_on": "2019-01-01", "ends_on": "2026-12-31",
            "indicator": "Patroli pencegahan karhutla", "unit": "patroli", "target": 64,
            "activity": {"kind": "joint_patrol", "area": "Kawasan rawan karhutla TNKS"},
            "evidence": fire}),
        Some(54.0 + fire_done),
        "under_way",
    )
    .await?;
    b.node(
        Some(g3),
        json!({"kind": "activity", "title": "Pembuatan dan pemasangan papan informasi dan papan larangan",
            "responsible": "BBTNKS", "supporting": ["POLDA-JAMBI", "POLRES-KERINCI"],
            "starts_on": "2017-10-01", "ends_on": "2026-12-31",
            "budget": 240_000_000, "funding_source": "DIPA BBTNKS",
            "indicator": "Papan terpasang", "unit": "papan", "target": 150,
            "activity": {"kind": "signboards", "boards": 150,
                "area": "Jalur masuk kawasan: Danau Gunung Tujuh, Gunung Kerinci, Renah Pemetik"},
            "evidence": evidence("meeting", &recent)}),
        Some(88.0),
        "under_way",
    )
    .await?;

    // ---- 4. Outreach by the park and by the police.
    let g4 = b
        .node(
            None,
            json!({"kind": "goal", "title": "Sosialisasi dan penyadartahuan masyarakat",
                "responsible": "BBTNKS", "supporting": POLDA,
                "starts_on": "2017-06-01", "ends_on": "2026-12-31"}),
            None,
            "under_way",
        )
        .await?;
    b.node(
        Some(g4),
        json!({"kind": "activity",
            "title": "Sosialisasi pengelolaan TNKS, peraturan perundang-undangan, penanganan konflik satwa liar dan pencegahan karhutla",
            "responsible": "BBTNKS",
            "starts_on": "2017-06-01", "ends_on": "2026-12-31",
            "indicator": "Desa penyangga yang disosialisasi", "unit": "desa", "target": 120,
            "activity": {"kind": "outreach", "audience": "Masyarakat desa penyangga",
                "area": "Desa penyangga TNKS"}}),
        Some(110.0),
        "under_way",
    )
    .await?;
    b.node(
        Some(g4),
        json!({"kind": "activity", "title": "Sosialisasi kesadaran hukum oleh kepolisian",
            "responsible": "POLDA-BENGKULU", "supporting": ["POLDA-JAMBI", "POLDA-SUMBAR", "POLDA-SUMSEL"],
            "starts_on": "2018-01-01", "ends_on": "2026-12-31",
            "indicator": "Kegiatan sosialisasi", "unit": "kegiatan", "target": 48,
            "activity": {"kind": "outreach", "audience": "Masyarakat dan pelajar di sekitar kawasan",
                "area": "Kabupaten di sekitar TNKS"}}),
        Some(44.0),
        "under_way",
    )
    .await?;
    Ok(PlanSummary {
        plans: 1,
        nodes: b.nodes,
    })
}
