//! The demo's cases carried to court (ADR 27, issue 14), from the seeds, made through the
//! same use cases as the API (open, step, facts, persons, services, transfer):
//!
//! - **Kerinci Seblat**: tiger-parts trade and snare cases from patrol findings under
//!   UU 5/1990 art. 21 (2) jo. 40 (2), investigated by the park's civil investigators
//!   (BBTNKS), Polres Kerinci, Polda Jambi and Polda Bengkulu: carried to a conviction
//!   (one after the prosecutor returned the file with notes), one stopped by SP3, one
//!   handed over from the park to Polda Jambi and now at trial, and one under
//!   investigation whose SPDP is overdue.
//! - **Kapuas Hulu**: trafficking cases under UU 21/2007 with victims (some children)
//!   sent home from Malaysia through Badau and Entikong and referred to services, two
//!   syndicates prosecuted to a conviction, witnesses and an informant with a handler.
//! - **Jambi**: narcotics users sent to rehabilitation after the integrated assessment
//!   and a dealer convicted.
//!
//! Every name, number and identity here is fictional. The finished cases have fixed
//! dates in 2023–2025; the cases still open are dated back from today, so a case opened
//! from 2 January 2026 follows UU 20/2025 by itself and the overdue list always has
//! something to show. Every case and person has a fixed id, and a case already stored is
//! left as it is, so loading twice adds nothing.

use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::agency::AgencyCode;
use sinergi_core::case::body::{CaseFactsBody, NewCaseBody, PersonBody, StageBody};
use sinergi_core::case::{
    CaseId, CaseInput, FactsPatch, PersonId, PersonInput, ServiceKind, ServiceStatus, StepInput,
};
use sinergi_core::protect::DecryptPurpose;
use sinergi_core::time::Zone;

use crate::{App, AppError, AppResult};

/// What loading the demo cases added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaseSummary {
    pub cases: usize,
    pub persons: usize,
    pub steps: usize,
}

/// The agencies whose cases hold protected persons: each gets a key file when it has none.
pub const KEYED_AGENCIES: [&str; 7] = [
    "BBTNKS",
    "POLRES-KERINCI",
    "POLDA-JAMBI",
    "POLDA-BENGKULU",
    "POLRES-KAPUAS-HULU",
    "KEJARI-KAPUAS-HULU",
    "BNNP-JAMBI",
];

/// The demo case with this number (1-based), as a fixed id.
pub fn case_id(n: u32) -> CaseId {
    CaseId(uuid::Uuid::from_u128(
        0x019b_0000_0000_7000_8000_0000_0000_0000 | u128::from(n),
    ))
}

/// The `k`-th person of demo case `n`, as a fixed id.
pub fn person_id(n: u32, k: u32) -> PersonId {
    PersonId(uuid::Uuid::from_u128(
        0x019b_0000_0000_7000_8000_0001_0000_0000 | (u128::from(n) << 16) | u128::from(k),
    ))
}

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

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn roman(m: u32) -> &'static str {
    [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ][(m.clamp(1, 12) - 1) as usize]
}

/// How far along the main line a case is carried, and how.
#[derive(Clone, Copy)]
struct Path {
    /// Start after this stage (none: from the investigation order).
    after: Option<&'static str>,
    /// Stop after this stage (inclusive).
    until: &'static str,
    /// The prosecutor's notes when the file comes back once (P-19).
    returned: Option<&'static str>,
    verdict: &'static str,
}

const TO_EXECUTION: Path = Path {
    after: None,
    until: "eksekusi",
    returned: None,
    verdict: "convicted",
};

struct Loader<'a> {
    app: &'a App,
    today: NaiveDate,
    summary: CaseSummary,
}

impl Loader<'_> {
    /// Opens demo case `n` as `who`; false when it is stored already.
    async fn open(&mut self, who: &Actor, n: u32, body: Value) -> AppResult<bool> {
        let id = case_id(n);
        if self.app.store.case(id).await?.is_some() {
            return Ok(false);
        }
        let mut body = body;
        body["id"] = json!(id.to_string());
        let input = CaseInput::from_body(&read::<NewCaseBody>(body)?, self.today)?;
        self.app.open_case(who, input).await?;
        self.summary.cases += 1;
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    async fn step(
        &mut self,
        who: &Actor,
        n: u32,
        stage: &str,
        number: Option<String>,
        date: NaiveDate,
        notes: Option<&str>,
        verdict: Option<&str>,
    ) -> AppResult<()> {
        let c = self
            .app
            .store
            .case(case_id(n))
            .await?
            .ok_or(AppError::NotFound)?;
        let body = json!({
            "version": c.version, "stage": stage,
            "document": {"number": number, "date": date.to_string(), "notes": notes},
            "verdict": verdict,
        });
        let s = StepInput::from_body(&read::<StageBody>(body)?)?;
        self.app.record_step(who, case_id(n), s).await?;
        self.summary.steps += 1;
        Ok(())
    }

    /// Carries case `n`, opened on `opened`, along the main line from the investigation
    /// order, with document numbers in `code`'s style.
    async fn carry(
        &mut self,
        who: &Actor,
        n: u32,
        opened: NaiveDate,
        code: &str,
        path: Path,
    ) -> AppResult<()> {
        let mut steps: Vec<(&str, &str, i64, Option<&str>)> = vec![
            ("penyidikan", "Sp.Sidik", 1, None),
            ("spdp", "SPDP", 6, None),
            ("p16", "P-16", 10, None),
            ("tahap_1", "B", 45, None),
        ];
        let mut shift = 0;
        if let Some(notes) = path.returned {
            steps.push(("p19", "P-19", 56, Some(notes)));
            steps.push(("tahap_1", "B-II", 70, None));
            shift = 25;
        }
        steps.extend([
            ("p21", "P-21", 55 + shift, None),
            ("tahap_2", "BA-15", 62 + shift, None),
            ("p29", "P-29", 70 + shift, None),
            ("p31", "P-31", 72 + shift, None),
            ("sidang", "Pid.Sus", 80 + shift, None),
            ("putusan", "Put", 150 + shift, None),
            ("inkracht", "", 158 + shift, None),
            ("eksekusi", "P-48", 170 + shift, None),
        ]);
        let mut skipping = path.after.is_some();
        for (idx, (stage, prefix, days, notes)) in steps.into_iter().enumerate() {
            if skipping {
                skipping = Some(stage) != path.after;
                continue;
            }
            let date = opened + Duration::days(days);
            let number = (!prefix.is_empty()).then(|| {
                use chrono::Datelike;
                format!(
                    "{prefix}/{}/{}/{}/{code}",
                    10 + n as usize * 7 + idx,
                    roman(date.month()),
                    date.year()
                )
            });
            let verdict = (stage == "putusan").then_some(path.verdict);
            self.step(who, n, stage, number, date, notes, verdict)
                .await?;
            if stage == path.until {
                break;
            }
        }
        Ok(())
    }

    async fn person(&mut self, who: &Actor, n: u32, k: u32, body: Value) -> AppResult<PersonId> {
        let pid = person_id(n, k);
        let mut body = body;
        body["id"] = json!(pid.to_string());
        let input = PersonInput::from_body(&read::<PersonBody>(body)?, self.today)?;
        self.app.add_person(who, case_id(n), input).await?;
        self.summary.persons += 1;
        Ok(pid)
    }

    async fn facts(&mut self, who: &Actor, n: u32, patch: Value) -> AppResult<()> {
        let c = self
            .app
            .store
            .case(case_id(n))
            .await?
            .ok_or(AppError::NotFound)?;
        let mut patch = patch;
        patch["version"] = json!(c.version);
        let p = FactsPatch::from_body(&read::<CaseFactsBody>(patch)?, self.today)?;
        self.app.update_case_facts(who, case_id(n), p).await?;
        Ok(())
    }

    async fn service(
        &mut self,
        who: &Actor,
        n: u32,
        pid: PersonId,
        service: ServiceKind,
        status: ServiceStatus,
    ) -> AppResult<()> {
        self.app
            .set_service(who, case_id(n), pid, service, status)
            .await
    }
}

const UU_5_1990: &str = "UU 5/1990";
const ART_TIGER: &str = "Pasal 21 ayat (2) huruf d jo. Pasal 40 ayat (2)";
const ART_SNARE: &str = "Pasal 21 ayat (2) huruf a jo. Pasal 40 ayat (2)";
const UU_21_2007: &str = "UU 21/2007";
const UU_35_2009: &str = "UU 35/2009";

/// Loads the demo cases; a case already stored is left as it is.
pub async fn load(app: &App) -> AppResult<CaseSummary> {
    for code in KEYED_AGENCIES {
        if app.key_rings().ring(code)?.is_none() {
            crate::cases::write_key_file(&app.config.case_keys_dir, code)?;
        }
    }
    let today = app
        .now()
        .with_timezone(&Zone::for_region("15").offset())
        .date_naive();
    let mut l = Loader {
        app,
        today,
        summary: CaseSummary::default(),
    };
    kerinci_seblat(&mut l).await?;
    kapuas_hulu(&mut l).await?;
    jambi_narcotics(&mut l).await?;
    Ok(l.summary)
}

async fn kerinci_seblat(l: &mut Loader<'_>) -> AppResult<()> {
    let ppns = actor(l.app, "ranger.tnks").await?;
    let tnks = actor(l.app, "koordinator.tnks").await?;
    let kerinci = actor(l.app, "penyidik.polres.kerinci").await?;
    let polda = actor(l.app, "penyidik.polda.jambi").await?;
    let polda_lead = actor(l.app, "kasubdit.polda.jambi").await?;
    let bengkulu = actor(l.app, "penyidik.polda.bengkulu").await?;

    // 1. The park's investigators: skin and bones of a tiger offered in Sungai Penuh,
    // found from a patrol's informant; the prosecutor returned the file once.
    let opened = d(2023, 3, 14);
    if l.open(&ppns, 1, json!({
        "title": "Perdagangan kulit dan tulang harimau sumatera di Kota Sungai Penuh",
        "summary": "Temuan patroli Resort Kayu Aro dan informasi masyarakat: dua orang menawarkan selembar kulit dan 4 kg tulang harimau sumatera. Tertangkap tangan saat transaksi. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_TIGER,
        "max_penalty_years": 5, "region": "15.72", "opened_on": opened.to_string(),
        "parties": [{"agency": "POLRES-KERINCI", "role": "supporting"}],
    })).await? {
        l.person(&ppns, 1, 1, json!({"role": "suspect", "name": "Hendra S. (fiktif)", "identity_number": "1572010101800001"})).await?;
        l.person(&ppns, 1, 2, json!({"role": "suspect", "name": "Joni A. (fiktif)"})).await?;
        l.person(&ppns, 1, 3, json!({"role": "witness", "name": "Rahmat (fiktif)", "contact": "0812-0000-0001", "address": "Kayu Aro, Kerinci"})).await?;
        l.person(&ppns, 1, 4, json!({"role": "witness", "name": "Yusniar (fiktif)", "address": "Sungai Penuh"})).await?;
        l.person(&ppns, 1, 5, json!({"role": "informant", "name": "Warga Desa Sangir (fiktif)", "contact": "0813-0000-0002"})).await?;
        l.carry(&ppns, 1, opened, "PPNS-TNKS", Path {
            returned: Some("Lengkapi keterangan ahli dari BKSDA tentang jenis satwa dan hasil uji laboratorium tulang; sita telepon genggam tersangka."),
            ..TO_EXECUTION
        }).await?;
    }

    // 2. Polres Kerinci: snares set for tiger on Gunung Kerinci's slope, from a patrol.
    let opened = d(2024, 2, 5);
    if l.open(&kerinci, 2, json!({
        "title": "Pemasangan jerat harimau di lereng Gunung Kerinci",
        "summary": "Patroli gabungan membongkar 14 jerat sling baja; pemasangnya tertangkap saat memeriksa jerat. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_SNARE,
        "max_penalty_years": 5, "region": "15.01", "opened_on": opened.to_string(),
        "parties": [{"agency": "BBTNKS", "role": "supporting"}],
    })).await? {
        l.person(&kerinci, 2, 1, json!({"role": "suspect", "name": "Saipul (fiktif)"})).await?;
        l.person(&kerinci, 2, 2, json!({"role": "witness", "name": "Polhut Resort Gunung Kerinci (fiktif)"})).await?;
        l.carry(&kerinci, 2, opened, "RES-KERINCI", TO_EXECUTION).await?;
    }

    // 3. Polda Bengkulu: snares in Mukomuko, stopped for want of evidence.
    let opened = d(2024, 8, 12);
    if l.open(&bengkulu, 3, json!({
        "title": "Jerat satwa dilindungi di perbatasan TNKS, Mukomuko",
        "summary": "Jerat ditemukan patroli di V Koto; pemilik lahan yang diduga memasang tidak dapat dibuktikan. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_SNARE,
        "max_penalty_years": 5, "region": "17.06", "opened_on": opened.to_string(),
    })).await? {
        l.person(&bengkulu, 3, 1, json!({"role": "suspect", "name": "Darmawan (fiktif)"})).await?;
        l.carry(&bengkulu, 3, opened, "POLDA-BKL", Path { until: "spdp", ..TO_EXECUTION }).await?;
        l.step(&bengkulu, 3, "sp3", Some("SP3/21/XI/2024/Ditreskrimsus".into()), d(2024, 11, 20), None, None).await?;
    }

    // 4. Polda Jambi: tiger skin sold online from Bangko.
    let opened = d(2025, 1, 20);
    if l.open(&polda, 4, json!({
        "title": "Jual beli kulit harimau melalui media sosial, Bangko",
        "summary": "Patroli siber menemukan penawaran kulit harimau; penjual ditangkap di Bangko dengan barang bukti. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_TIGER,
        "max_penalty_years": 5, "region": "15.02", "opened_on": opened.to_string(),
        "parties": [{"agency": "BBTNKS", "role": "supporting"}],
    })).await? {
        l.person(&polda, 4, 1, json!({"role": "suspect", "name": "Ridwan (fiktif)"})).await?;
        l.person(&polda, 4, 2, json!({"role": "witness", "name": "Ahli BKSDA Jambi (fiktif)"})).await?;
        l.carry(&polda, 4, opened, "DITRESKRIMSUS", TO_EXECUTION).await?;
    }

    // 5. The park opened a case on tiger bones from Lempur and handed it to Polda Jambi,
    // which has taken it to trial.
    let opened = l.today - Duration::days(150);
    if l.open(&ppns, 5, json!({
        "title": "Penyimpanan tulang dan taring harimau, Lempur",
        "summary": "Temuan patroli Resort Lempur: tulang dan taring harimau disimpan di pondok ladang. Jaringan pembeli di luar provinsi, sehingga perkara diserahkan ke Polda Jambi. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_TIGER,
        "max_penalty_years": 5, "region": "15.01", "opened_on": opened.to_string(),
    })).await? {
        l.person(&ppns, 5, 1, json!({"role": "suspect", "name": "Anwar (fiktif)"})).await?;
        l.person(&ppns, 5, 2, json!({"role": "witness", "name": "Kepala Desa (fiktif)", "contact": "0812-0000-0005"})).await?;
        l.carry(&ppns, 5, opened, "PPNS-TNKS", Path { until: "penyidikan", ..TO_EXECUTION }).await?;
        let t = l.app.request_transfer(&tnks, case_id(5), AgencyCode::parse("POLDA-JAMBI").map_err(|m| AppError::field("to", m))?,
            Some("Jaringan pembeli lintas provinsi; penyidikan dilanjutkan Ditreskrimsus Polda Jambi.".into())).await?;
        l.app.decide_transfer(&polda_lead, t.id, true, Some("Diterima; penyidik ditunjuk.".into())).await?;
        l.carry(&polda, 5, opened, "DITRESKRIMSUS", Path { after: Some("penyidikan"), until: "sidang", ..TO_EXECUTION }).await?;
    }

    // 6. Polres Kerinci: a snare and tiger bones from a patrol on Gunung Tujuh, under
    // investigation; the SPDP is overdue.
    let opened = l.today - Duration::days(40);
    if l.open(&kerinci, 6, json!({
        "title": "Jerat dan tulang harimau dari temuan patroli Gunung Tujuh",
        "summary": "Patroli menemukan jerat aktif dan tulang harimau di dekat pondok; pemilik pondok diperiksa. [Data demo Sinergi]",
        "offence_kind": "wildlife", "offence_law": UU_5_1990, "offence_article": ART_TIGER,
        "max_penalty_years": 5, "region": "15.01", "opened_on": opened.to_string(),
        "parties": [{"agency": "BBTNKS", "role": "supporting"}],
    })).await? {
        l.person(&kerinci, 6, 1, json!({"role": "suspect", "name": "Zulkifli (fiktif)"})).await?;
        l.person(&kerinci, 6, 2, json!({"role": "witness", "name": "Anggota MMP Gunung Tujuh (fiktif)"})).await?;
        l.step(&kerinci, 6, "penyidikan", Some(format!("Sp.Sidik/61/{}/RES-KERINCI", opened.format("%Y"))), opened + Duration::days(5), None, None).await?;
    }
    Ok(())
}

async fn kapuas_hulu(l: &mut Loader<'_>) -> AppResult<()> {
    let reskrim = actor(l.app, "reskrim.polres.kapuashulu").await?;
    let kasat = actor(l.app, "kasat.reskrim.kapuashulu").await?;
    use ServiceKind as K;
    use ServiceStatus as St;

    // 7. A syndicate sending workers through Badau without papers; convicted.
    let opened = d(2025, 2, 10);
    if l.open(&reskrim, 7, json!({
        "title": "Sindikat pengiriman pekerja migran nonprosedural melalui PLBN Badau",
        "summary": "Pekerja direkrut dari beberapa kabupaten dengan janji kerja di perkebunan Sarawak, diberangkatkan lewat jalan tikus di sekitar PLBN Badau, dan dipulangkan setelah ditelantarkan. [Data demo Sinergi]",
        "offence_kind": "trafficking", "offence_law": UU_21_2007, "offence_article": "Pasal 4 jo. Pasal 10",
        "max_penalty_years": 15, "region": "61.06", "opened_on": opened.to_string(),
        "parties": [{"agency": "KEJARI-KAPUAS-HULU", "role": "prosecutor"}, {"agency": "PN-PUTUSSIBAU", "role": "court"}],
    })).await? {
        l.person(&reskrim, 7, 1, json!({"role": "suspect", "name": "Markus T. (fiktif)"})).await?;
        l.person(&reskrim, 7, 2, json!({"role": "suspect", "name": "Lina W. (fiktif)"})).await?;
        let victims = [
            ("Korban A (fiktif)", false, "61.06", "2025-01-28", &[K::Shelter, K::Health, K::ReturnHome][..]),
            ("Korban B (fiktif)", true, "61.05", "2025-01-28", &[K::Shelter, K::Health, K::ReturnHome, K::Reintegration][..]),
            ("Korban C (fiktif)", true, "53.71", "2025-02-03", &[K::Shelter, K::LegalAid, K::ReturnHome][..]),
            ("Korban D (fiktif)", false, "61.08", "2025-02-03", &[K::Health, K::Reintegration][..]),
        ];
        for (k, (name, child, origin, home, services)) in victims.iter().enumerate() {
            let names: Vec<&str> = services.iter().map(|s| s.as_str()).collect();
            let pid = l.person(&reskrim, 7, 3 + k as u32, json!({
                "role": "victim", "name": name, "child": child, "origin_region": origin,
                "destination_country": "MY", "repatriated_on": home, "border_post": "Badau",
                "services": names,
            })).await?;
            for (i, s) in services.iter().enumerate() {
                // The last referral of every other victim is still under way.
                let status = if k % 2 == 1 && i + 1 == services.len() { St::InProgress } else { St::Completed };
                l.service(&reskrim, 7, pid, *s, status).await?;
            }
        }
        l.person(&reskrim, 7, 7, json!({"role": "witness", "name": "Petugas PLBN Badau (fiktif)"})).await?;
        l.person(&reskrim, 7, 8, json!({"role": "informant", "name": "Warga Nanga Badau (fiktif)", "contact": "0811-0000-0007", "handler": "reskrim.polres.kapuashulu"})).await?;
        l.carry(&reskrim, 7, opened, "RES-KPH", TO_EXECUTION).await?;
    }

    // 8. Children recruited for plantations in Sarawak through Entikong; the file came
    // back once; convicted.
    let opened = d(2025, 4, 22);
    if l.open(&reskrim, 8, json!({
        "title": "Perekrutan anak untuk bekerja di perkebunan sawit Sarawak melalui Entikong",
        "summary": "Perekrut menjemput anak-anak dari desa asal, memalsukan umur di dokumen, dan menyeberangkan mereka lewat PLBN Entikong. [Data demo Sinergi]",
        "offence_kind": "trafficking", "offence_law": UU_21_2007, "offence_article": "Pasal 2 ayat (1) jo. Pasal 17",
        "max_penalty_years": 15, "region": "61.06", "opened_on": opened.to_string(),
        "parties": [{"agency": "KEJARI-KAPUAS-HULU", "role": "prosecutor"}],
    })).await? {
        l.person(&reskrim, 8, 1, json!({"role": "suspect", "name": "Ahmad R. (fiktif)"})).await?;
        let victims = [
            ("Korban E (fiktif)", true, "61.01", "2025-04-10"),
            ("Korban F (fiktif)", false, "61.07", "2025-04-10"),
            ("Korban G (fiktif)", true, "73.71", "2025-04-15"),
        ];
        for (k, (name, child, origin, home)) in victims.iter().enumerate() {
            let pid = l.person(&reskrim, 8, 2 + k as u32, json!({
                "role": "victim", "name": name, "child": child, "origin_region": origin,
                "destination_country": "MY", "repatriated_on": home, "border_post": "Entikong",
                "services": ["shelter", "legal_aid", "return_home"],
            })).await?;
            l.service(&reskrim, 8, pid, K::Shelter, St::Completed).await?;
            l.service(&reskrim, 8, pid, K::ReturnHome, if k == 2 { St::InProgress } else { St::Completed }).await?;
            if k == 1 {
                l.service(&reskrim, 8, pid, K::LegalAid, St::Declined).await?;
            }
        }
        l.person(&reskrim, 8, 5, json!({"role": "witness", "name": "Pendamping DP3A (fiktif)"})).await?;
        l.carry(&reskrim, 8, opened, "RES-KPH", Path {
            returned: Some("Lengkapi bukti umur korban (akta kelahiran atau keterangan sekolah) dan keterangan saksi dari agen di Sarawak."),
            ..TO_EXECUTION
        }).await?;
    }

    // 9. Women sent home last month through Badau; the case is with the prosecutor.
    let opened = l.today - Duration::days(45);
    let home = (l.today - Duration::days(50)).to_string();
    if l.open(&reskrim, 9, json!({
        "title": "Pemulangan korban eksploitasi kerja dari Kuching melalui Badau",
        "summary": "Dua perempuan dipulangkan lewat PLBN Badau; perekrut setempat diperiksa. [Data demo Sinergi]",
        "offence_kind": "trafficking", "offence_law": UU_21_2007, "offence_article": "Pasal 4",
        "max_penalty_years": 15, "region": "61.06", "opened_on": opened.to_string(),
        "parties": [{"agency": "KEJARI-KAPUAS-HULU", "role": "prosecutor"}],
    })).await? {
        l.person(&reskrim, 9, 1, json!({"role": "suspect", "name": "Yohanes K. (fiktif)"})).await?;
        for (k, origin) in ["61.06", "61.05"].iter().enumerate() {
            let pid = l.person(&reskrim, 9, 2 + k as u32, json!({
                "role": "victim", "name": format!("Korban {} (fiktif)", ["H", "I"][k]), "origin_region": origin,
                "destination_country": "MY", "repatriated_on": home, "border_post": "Badau",
                "services": ["shelter", "health", "return_home"],
            })).await?;
            l.service(&kasat, 9, pid, K::Health, St::InProgress).await?;
            // The first victim will testify: her identity goes to the prosecutor under
            // the police–prosecutor agreement; the second's stays with the police.
            if k == 0 {
                let to = AgencyCode::parse("KEJARI-KAPUAS-HULU").map_err(|m| AppError::field("agency", m))?;
                let why = DecryptPurpose::parse("Penyusunan surat dakwaan dan pemanggilan korban sebagai saksi")
                    .map_err(|m| AppError::field("purpose", m))?;
                l.app.share_person(&kasat, case_id(9), pid, to, why).await?;
            }
        }
        l.carry(&reskrim, 9, opened, "RES-KPH", Path { until: "p16", ..TO_EXECUTION }).await?;
    }
    Ok(())
}

async fn jambi_narcotics(l: &mut Loader<'_>) -> AppResult<()> {
    let bnnp = actor(l.app, "koordinator.bnnp.jambi").await?;
    let polda = actor(l.app, "penyidik.polda.jambi").await?;

    // 10, 11. Users: the integrated assessment team found them users; rehabilitation.
    for (n, opened, region, title) in [
        (
            10,
            d(2025, 3, 3),
            "15.71",
            "Penyalahgunaan sabu di Kota Jambi (hasil asesmen: pengguna)",
        ),
        (
            11,
            d(2024, 10, 14),
            "15.04",
            "Penyalahgunaan ganja di Muara Bulian (hasil asesmen: pengguna)",
        ),
    ] {
        if l.open(&bnnp, n, json!({
            "title": title,
            "summary": "Tertangkap dengan barang bukti di bawah batas pemakaian sehari; Tim Asesmen Terpadu merekomendasikan rehabilitasi. [Data demo Sinergi]",
            "offence_kind": "narcotics", "offence_law": UU_35_2009, "offence_article": "Pasal 127 ayat (1) huruf a",
            "max_penalty_years": 4, "region": region, "opened_on": opened.to_string(),
        })).await? {
            l.person(&bnnp, n, 1, json!({"role": "suspect", "name": format!("Tersangka {n} (fiktif)")})).await?;
            l.step(&bnnp, n, "penyidikan", Some(format!("Sp.Sidik/{n}/{}/BNNP-JAMBI", opened.format("%Y"))), opened + Duration::days(1), None, None).await?;
            l.facts(&bnnp, n, json!({"assessed_user": true})).await?;
            l.step(&bnnp, n, "rehabilitasi", Some(format!("TAT/{n}/{}/BNNP-JAMBI", opened.format("%Y"))), opened + Duration::days(12), None, None).await?;
        }
    }

    // 12. A dealer with 250 g of methamphetamine; convicted.
    let opened = d(2024, 5, 6);
    if l.open(&polda, 12, json!({
        "title": "Pengedaran sabu 250 gram jaringan Jambi–Batanghari",
        "summary": "Pengembangan dari penangkapan pengguna; pengedar ditangkap di Kota Jambi dengan 250 gram sabu. [Data demo Sinergi]",
        "offence_kind": "narcotics", "offence_law": UU_35_2009, "offence_article": "Pasal 114 ayat (2)",
        "max_penalty_years": 20, "region": "15.71", "opened_on": opened.to_string(),
        "parties": [{"agency": "BNNP-JAMBI", "role": "supporting"}],
    })).await? {
        l.person(&polda, 12, 1, json!({"role": "suspect", "name": "Fadli (fiktif)"})).await?;
        l.person(&polda, 12, 2, json!({"role": "witness", "name": "Saksi penangkapan (fiktif)"})).await?;
        l.person(&polda, 12, 3, json!({"role": "informant", "name": "Informan Ditresnarkoba (fiktif)", "contact": "0812-0000-0012"})).await?;
        l.carry(&polda, 12, opened, "DITRESNARKOBA", TO_EXECUTION).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sinergi_core::case::{Stage, Verdict};
    use sinergi_core::protect::DecryptPurpose;
    use sinergi_store::{SqliteStore, Store};

    use super::*;
    use crate::cases::CaseFilter;
    use crate::{AppConfig, SystemClock};

    #[tokio::test(flavor = "multi_thread")]
    async fn the_demo_cases_show_the_seeds_and_load_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.expect("store"));
        let app = App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await
        .expect("app");
        let summary = crate::demo::load(&app).await.expect("the demo loads");
        assert_eq!(summary.cases.cases, 12, "{:?}", summary.cases);
        // Loading again adds nothing.
        assert_eq!(load(&app).await.expect("again"), CaseSummary::default());
        for code in KEYED_AGENCIES {
            assert!(
                app.key_rings().ring(code).expect("ring").is_some(),
                "{code}"
            );
        }

        // Polres Kerinci's overdue SPDP shows on its list, and on Polda Jambi's above it.
        let kerinci = actor(&app, "penyidik.polres.kerinci").await.expect("actor");
        let overdue = app
            .overdue_cases(&kerinci, &CaseFilter::default())
            .await
            .expect("overdue");
        assert!(
            overdue.iter().any(|c| c.case.id == case_id(6)),
            "{overdue:?}"
        );

        // The handed-over case is Polda Jambi's now, at trial, its witness re-sealed for
        // Polda Jambi's key.
        let polda = actor(&app, "kasubdit.polda.jambi").await.expect("actor");
        let v = app.case_view(&polda, case_id(5)).await.expect("view");
        assert_eq!(v.owner.code.as_str(), "POLDA-JAMBI");
        assert_eq!(v.case.stage, Stage::Sidang);
        let opened = app
            .open_identity(
                &polda,
                case_id(5),
                person_id(5, 2),
                DecryptPurpose::parse("pemeriksaan saksi di persidangan").expect("purpose"),
            )
            .await
            .expect("open");
        assert!(opened
            .fields
            .iter()
            .any(|(f, v)| f == "name" && v.as_str() == "Kepala Desa (fiktif)"));

        // The prosecutor opens the one victim of case 9 the police shared, and no other.
        let jaksa = actor(&app, "jaksa.kejari.kapuashulu").await.expect("actor");
        let why = || DecryptPurpose::parse("penyusunan surat dakwaan").expect("purpose");
        let opened = app
            .open_identity(&jaksa, case_id(9), person_id(9, 2), why())
            .await
            .expect("the shared victim opens");
        assert!(opened
            .fields
            .iter()
            .any(|(f, v)| f == "name" && v.as_str() == "Korban H (fiktif)"));
        assert!(matches!(
            app.open_identity(&jaksa, case_id(9), person_id(9, 3), why())
                .await,
            Err(AppError::Forbidden(_))
        ));

        // The funnel of Jambi: convictions of the tiger and dealer cases.
        let f = app
            .case_funnel(
                &polda,
                &CaseFilter {
                    region: Some("15".into()),
                    ..CaseFilter::default()
                },
            )
            .await
            .expect("funnel");
        let convicted: i64 = f.rows.iter().map(|(r, _)| r.convicted).sum();
        assert!(convicted >= 2, "{:?}", f.rows);

        // Kapuas Hulu: victims counted by origin, children among them; the file returned once.
        let kasat = actor(&app, "kasat.reskrim.kapuashulu")
            .await
            .expect("actor");
        let counts = app
            .victim_counts(&kasat, &CaseFilter::default())
            .await
            .expect("counts");
        assert_eq!(counts.total, 9);
        assert!(counts.rows.iter().map(|r| r.children).sum::<i64>() >= 3);
        // Both syndicate trials took 70 days from the court's register to the verdict.
        let f = app
            .case_funnel(&kasat, &CaseFilter::default())
            .await
            .expect("funnel");
        let trial = f
            .stage_times
            .iter()
            .find(|t| t.stage == Stage::Sidang)
            .expect("trial times");
        assert_eq!((trial.steps, trial.mean_days), (2, 70.0));
        let c8 = app.case_view(&kasat, case_id(8)).await.expect("view");
        assert_eq!(
            (c8.case.returns, c8.case.verdict),
            (1, Some(Verdict::Convicted))
        );

        // Jambi: users went to rehabilitation.
        let bnnp = actor(&app, "koordinator.bnnp.jambi").await.expect("actor");
        let v = app.case_view(&bnnp, case_id(10)).await.expect("view");
        assert_eq!(v.case.stage, Stage::Rehabilitasi);
    }
}
