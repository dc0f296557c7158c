//! Demo forms and the KOTAN campaign (ADR 33–35): Kesbangpol Provinsi Jambi publishes the
//! KOTAN questionnaire (a score per aspect of the community's resilience against drugs)
//! and asks the Kesbangpol of each of Jambi's eleven kabupaten/kota to answer it every
//! year from 2021 to 2023, due two months after the year ends.
//!
//! The answers follow the seed: in 2021 the online questionnaire failed and the
//! questionnaires were filled in by hand, so that year's answers were typed in from
//! paper by the province and four regencies never answered. From 2022 Kerinci and Kota
//! Jambi send from ODK Collect; the others, with weak signal, still send paper. A few are
//! late each year, Tebo missed 2023. Paper answers carry the date on the paper; the
//! province's officer typed them in three weeks later.
//!
//! The questionnaire is published through the forms use case from a workbook written
//! here; the answers are stored as instances read against its XForm, so they are exactly
//! what Collect would have sent.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use sinergi_core::access::Actor;
use sinergi_core::submission::{
    self, ReviewState, Schema, Source, Submission, SubmissionId, SubmissionInstance,
};

use crate::campaigns::NewCampaign;
use crate::{App, AppError, AppResult};

/// The eleven kabupaten/kota of Jambi with their Kesbangpol's agency code.
pub(crate) const KOTAN_UNITS: [(&str, &str); 11] = [
    ("15.01", "KESBANGPOL-KERINCI"),
    ("15.02", "KESBANGPOL-MERANGIN"),
    ("15.03", "KESBANGPOL-SAROLANGUN"),
    ("15.04", "KESBANGPOL-BATANGHARI"),
    ("15.05", "KESBANGPOL-MUAROJAMBI"),
    ("15.06", "KESBANGPOL-TANJABBAR"),
    ("15.07", "KESBANGPOL-TANJABTIM"),
    ("15.08", "KESBANGPOL-BUNGO"),
    ("15.09", "KESBANGPOL-TEBO"),
    ("15.71", "KESBANGPOL-KOTA-JAMBI"),
    ("15.72", "KESBANGPOL-SUNGAI-PENUH"),
];

/// When each unit answered each year: days after the year's end, or not at all. Due is
/// 59 days after the year's end (1 March); answers are accepted 120 days more.
///
/// 2021: every answer on paper, four late, four regencies missing. 2022: three late.
/// 2023: three late (one on 29 February), Tebo missing. Over the 33 due cells: 28
/// received (84.8 %), 18 on time (54.5 %).
const ANSWERS: [[Option<i64>; 3]; 11] = [
    [Some(52), Some(20), Some(35)],
    [Some(75), Some(41), Some(70)],
    [None, Some(88), Some(30)],
    [Some(58), Some(15), Some(12)],
    [Some(90), Some(64), Some(48)],
    [None, Some(33), Some(59)],
    [Some(110), Some(29), Some(81)],
    [None, Some(77), Some(40)],
    [Some(66), Some(50), None],
    [Some(40), Some(10), Some(9)],
    [None, Some(45), Some(25)],
];

/// The units whose office sends from ODK Collect from 2022 on (the others, with weak
/// signal, send paper that the province types in), with their demo user.
const COLLECT_USERS: [(&str, &str); 2] = [
    ("KESBANGPOL-KERINCI", "kesbangpol.kerinci"),
    ("KESBANGPOL-KOTA-JAMBI", "kesbangpol.kotajambi"),
];

/// The five aspects of the KOTAN index, scored 0–100 per regency.
const ASPECTS: [(&str, &str); 5] = [
    ("ketahanan_masyarakat", "Ketahanan masyarakat (0–100)"),
    ("wilayah", "Ketahanan wilayah (0–100)"),
    ("kelembagaan", "Kelembagaan (0–100)"),
    ("hukum", "Penegakan hukum (0–100)"),
    ("ketahanan_keluarga", "Ketahanan keluarga (0–100)"),
];

/// The KOTAN questionnaire as an XLSForm workbook.
fn kotan_workbook() -> AppResult<Vec<u8>> {
    let mut survey = vec![
        vec!["type", "name", "label", "hint", "required", "constraint"],
        vec![
            "select_one tahun",
            "periode",
            "Tahun penilaian",
            "",
            "yes",
            "",
        ],
        vec![
            "begin group",
            "aspek",
            "Nilai per aspek",
            "Isi dari rekap lapangan",
            "",
            "",
        ],
    ];
    for (name, label) in ASPECTS {
        survey.push(vec![
            "integer",
            name,
            label,
            "",
            "yes",
            ". >= 0 and . <= 100",
        ]);
    }
    survey.push(vec!["end group", "", "", "", "", ""]);
    survey.push(vec!["text", "catatan", "Catatan", "", "", ""]);
    crate::forms::workbook_of(&[
        ("survey", survey),
        (
            "choices",
            vec![
                vec!["list_name", "name", "label"],
                vec!["tahun", "2021", "2021"],
                vec!["tahun", "2022", "2022"],
                vec!["tahun", "2023", "2023"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec![
                    "Kuesioner Ketahanan Komunitas terhadap Narkoba (KOTAN)",
                    "kotan_kesbangpol",
                    "2021.1",
                ],
            ],
        ),
    ])
}

/// A deterministic score 40–89 for a unit, year and aspect.
fn score(unit: usize, year: usize, aspect: usize) -> u32 {
    let x = (unit * 7 + year * 13 + aspect * 5 + unit * aspect * 3) % 50;
    40 + x as u32 + (year as u32) * 2
}

/// Midday in Jambi (WIB, UTC+7) on a day.
fn wib_noon(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap_or_default())
}

pub(crate) async fn load(app: &App) -> AppResult<usize> {
    let actor = |name: &'static str| async move {
        let (u, _) = app
            .store
            .user_credentials(name)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("demo user {name} is missing")))?;
        app.actor_for(&u).await
    };
    let province: Actor = actor("kesbangpol.jambi").await?;
    let (form, version) = app
        .publish_form(&province, &kotan_workbook()?, "kotan-kesbangpol.xlsx")
        .await?;
    let campaign = app
        .create_campaign(
            &province,
            &NewCampaign {
                form: form.id.to_string(),
                title: "KOTAN Provinsi Jambi 2021–2023".into(),
                periodicity: "yearly".into(),
                first_period: "2021".into(),
                last_period: "2023".into(),
                due_days: 59,
                grace_days: 120,
                remind_days: None,
                escalate_days: None,
                period_field: "periode".into(),
                region_field: None,
                units: KOTAN_UNITS
                    .iter()
                    .map(|(r, a)| (r.to_string(), a.to_string()))
                    .collect(),
            },
        )
        .await?;
    // The KOTAN index over the five aspects, weighted as the guideline says.
    app.create_campaign_index(
        &province,
        campaign.id,
        sinergi_core::index::ikotan([
            "aspek/ketahanan_masyarakat",
            "aspek/wilayah",
            "aspek/kelembagaan",
            "aspek/hukum",
            "aspek/ketahanan_keluarga",
        ]),
    )
    .await?;
    let schema =
        Schema::of_xform(&version.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
    let mut senders = Vec::new();
    for (code, name) in COLLECT_USERS {
        senders.push((code, actor(name).await?));
    }
    let mut n = 0;
    for (ui, (region, code)) in KOTAN_UNITS.iter().enumerate() {
        let agency = app
            .store
            .agency_by_code(code)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("demo agency {code} is missing")))?;
        for (yi, answer) in ANSWERS[ui].iter().enumerate() {
            let Some(days) = answer else {
                continue;
            };
            let sender = senders
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, a)| a)
                .filter(|_| yi > 0);
            let paper = &sender.is_none();
            let year = 2021 + yi as i32;
            let end = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
            let answered = wib_noon(end + Duration::days(*days));
            // Paper is typed in by the province three weeks later.
            let received = if *paper {
                answered + Duration::days(21)
            } else {
                answered
            };
            let by = sender.unwrap_or(&province);
            let scores: String = ASPECTS
                .iter()
                .enumerate()
                .map(|(ai, (name, _))| format!("<{name}>{}</{name}>", score(ui, yi, ai)))
                .collect();
            let instance_id = format!("uuid:kotan-demo-{region}-{year}");
            let note = if *paper {
                "Diisi manual (kuesioner kertas), diketik oleh Kesbangpol Provinsi"
            } else {
                "Dikirim dari ODK Collect"
            };
            let xml = format!(
                "<data id=\"kotan_kesbangpol\" version=\"2021.1\"><periode>{year}</periode><aspek>{scores}</aspek>\
                 <catatan>{note}</catatan><meta><instanceID>{instance_id}</instanceID></meta></data>"
            );
            let inst = submission::read_instance(&xml, &schema)
                .map_err(|m| AppError::Internal(m.to_string().into()))?;
            let s = Submission {
                id: SubmissionId::new_at(received, App::id_bits()),
                form_id: form.id,
                version_number: version.number,
                root_instance_id: inst.instance_id.clone(),
                instance_id: inst.instance_id.clone(),
                agency_id: agency.id,
                submitted_by: by.user_id,
                source: if *paper {
                    Source::Paper
                } else {
                    Source::Collect
                },
                review_state: if yi == 0 {
                    ReviewState::Approved
                } else {
                    ReviewState::Received
                },
                data: serde_json::Value::Object(inst.data),
                lon: None,
                lat: None,
                edits: 0,
                received_at: received,
                answered_at: answered,
                updated_at: received,
            };
            let audit = app.audit(
                Some(by),
                sinergi_core::audit::Action::SubmissionReceive,
                "submission",
                &s.id.to_string(),
                serde_json::json!({"form": form.id.to_string(), "instance_id": s.instance_id, "demo": true}),
            );
            let first = SubmissionInstance {
                submission_id: s.id,
                instance_id: s.instance_id.clone(),
                deprecated_id: None,
                xml,
                submitted_by: by.user_id,
                received_at: received,
            };
            // A paper questionnaire comes with its scan (here a page standing in for it).
            let scan = paper.then(|| {
                (
                    format!(
                        "{}kotan-{region}-{year}.pdf",
                        crate::submissions::PAPER_SCAN
                    ),
                    demo_scan(&agency.name, year, note),
                )
            });
            let names: Vec<String> = scan.iter().map(|(name, _)| name.clone()).collect();
            app.store
                .insert_submission(&s, &first, &names, &audit)
                .await?;
            if let Some((name, bytes)) = scan {
                let (sha, content_type, _) = app.store_blob(&name, &bytes, &name).await?;
                let file = sinergi_core::submission::SubmissionFile {
                    submission_id: s.id,
                    instance_id: s.instance_id.clone(),
                    name: name.clone(),
                    sha256: Some(sha.clone()),
                    content_type: Some(content_type.to_string()),
                    size: Some(bytes.len() as i64),
                };
                let audit = app.audit(
                    Some(by),
                    sinergi_core::audit::Action::SubmissionFile,
                    "submission",
                    &s.id.to_string(),
                    serde_json::json!({"name": name, "sha256": sha, "size": bytes.len(), "demo": true}),
                );
                app.store.receive_submission_file(&file, &audit).await?;
            }
            n += 1;
        }
    }
    Ok(n)
}

/// A one-page PDF standing in for the scan of a demo paper questionnaire.
fn demo_scan(agency: &str, year: i32, note: &str) -> Vec<u8> {
    use sinergi_core::pdf::{Document, Font, Page};
    let mut page = Page::default();
    page.text(
        60.0,
        780.0,
        14.0,
        Font::Bold,
        "Kuesioner KOTAN (pindaian kertas)",
    );
    page.text(
        60.0,
        756.0,
        11.0,
        Font::Regular,
        &format!("{agency} - tahun {year}"),
    );
    page.text(60.0, 738.0, 10.0, Font::Regular, note);
    let mut doc = Document::new("Pindaian kuesioner KOTAN");
    doc.pages.push(page);
    doc.finish()
}

/// The regencies of Kerinci Seblat whose park sections report to the Pokja each quarter.
const PATROL_REGIONS: [(&str, &str); 5] = [
    ("15.01", "Kerinci"),
    ("15.02", "Merangin"),
    ("13.01", "Pesisir Selatan"),
    ("16.05", "Musi Rawas"),
    ("17.06", "Mukomuko"),
];

/// The picture the patrol report's first question shows (its media file): the regency
/// boundaries around Kerinci Seblat.
const PATROL_MAP: &str = "peta-wilayah-tnks.png";

/// The Pokja's quarterly patrol report as an XLSForm workbook.
fn patrol_workbook() -> AppResult<Vec<u8>> {
    let mut choices = vec![vec!["list_name", "name", "label"]];
    for (code, name) in PATROL_REGIONS {
        choices.push(vec!["kabupaten", code, name]);
    }
    crate::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec![
                    "type",
                    "name",
                    "label",
                    "hint",
                    "required",
                    "constraint",
                    "media::image",
                ],
                vec![
                    "select_one kabupaten",
                    "kabupaten",
                    "Kabupaten wilayah kerja",
                    "Lihat peta batas kabupaten di sekitar taman nasional",
                    "yes",
                    "",
                    PATROL_MAP,
                ],
                vec![
                    "text",
                    "triwulan",
                    "Triwulan laporan",
                    "Tulis seperti 2026-Q3",
                    "yes",
                    "regex(., '^[0-9]{4}-Q[1-4]$')",
                ],
                vec![
                    "integer",
                    "patroli",
                    "Jumlah patroli gabungan",
                    "",
                    "yes",
                    ". >= 0",
                ],
                vec![
                    "integer",
                    "hari_orang",
                    "Hari-orang patroli",
                    "",
                    "",
                    ". >= 0",
                ],
                vec!["integer", "jerat", "Jerat dimusnahkan", "", "", ". >= 0"],
                vec![
                    "integer",
                    "perambahan",
                    "Temuan perambahan",
                    "",
                    "",
                    ". >= 0",
                ],
                vec!["text", "catatan", "Catatan", "", "", ""],
            ],
        ),
        ("choices", choices),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec![
                    "Laporan Patroli Triwulanan Pokja Kerinci Seblat",
                    "patroli_triwulan_tnks",
                    "1",
                ],
            ],
        ),
    ])
}

/// The Pokja Kerinci Seblat's quarterly patrol report (issue 12's demo): a form of
/// BBTNKS answered per regency from the park sections' phones, in a campaign over the
/// last four quarters and this one, due 15 days after a quarter, accepted for a year.
/// Four, three and two quarters ago are answered (Mukomuko late three quarters ago,
/// Merangin missing two quarters ago: for a ranger to fill in); the quarter just ended
/// waits. Answers 14.
pub(crate) async fn load_patrol_reports(app: &App) -> AppResult<usize> {
    use sinergi_core::campaign::{Period, Periodicity};
    let (u, _) = app
        .store
        .user_credentials("koordinator.tnks")
        .await?
        .ok_or_else(|| AppError::Conflict("demo user koordinator.tnks is missing".into()))?;
    let coordinator = app.actor_for(&u).await?;
    let (u, _) = app
        .store
        .user_credentials("ranger.tnks")
        .await?
        .ok_or_else(|| AppError::Conflict("demo user ranger.tnks is missing".into()))?;
    let ranger = app.actor_for(&u).await?;
    let (form, version) = app
        .publish_form(
            &coordinator,
            &patrol_workbook()?,
            "patroli-triwulan-tnks.xlsx",
        )
        .await?;
    // The regency map its first question shows, for ODK Collect and the phone app.
    app.upload_form_media(
        &coordinator,
        form.id,
        version.number,
        PATROL_MAP,
        &crate::basemap::boundaries_png(101.5, -2.2, 7),
    )
    .await?;
    let today = app.now().date_naive();
    let current = Period::parse(
        Periodicity::Quarterly,
        &format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1),
    )
    .map_err(|m| AppError::Internal(m.to_string().into()))?;
    // Four quarters back.
    let mut first = current;
    for _ in 0..4 {
        let start = first
            .start
            .checked_sub_months(chrono::Months::new(3))
            .unwrap_or(first.start);
        first = Period {
            periodicity: Periodicity::Quarterly,
            start,
        };
    }
    app.create_campaign(
        &coordinator,
        &NewCampaign {
            form: form.id.to_string(),
            title: "Laporan patroli triwulanan Pokja Kerinci Seblat".into(),
            periodicity: "quarterly".into(),
            first_period: first.label(),
            last_period: current.label(),
            due_days: 15,
            grace_days: 365,
            // The rangers are in the forest for ten days at a time.
            remind_days: Some(10),
            escalate_days: Some(21),
            period_field: "triwulan".into(),
            region_field: Some("kabupaten".into()),
            units: PATROL_REGIONS
                .iter()
                .map(|(r, _)| (r.to_string(), "BBTNKS".to_string()))
                .collect(),
        },
    )
    .await?;
    let schema =
        Schema::of_xform(&version.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
    let periods = Period::range(first, current);
    let mut n = 0;
    // Three and two quarters ago (periods 1 and 2): days after the quarter's end.
    for (pi, days) in [
        (0usize, [4i64, 7, 10, 2, 12]),
        (1, [6, 9, 12, 3, 30]),
        (2, [5, -1, 14, 8, 11]),
    ] {
        let p = &periods[pi];
        for ((region, name), d) in PATROL_REGIONS.iter().zip(days) {
            if d < 0 {
                continue;
            }
            let answered = wib_noon(p.end() + Duration::days(d));
            let label = p.label();
            let jerat = (pi * 7 + n * 3) % 11;
            let xml = format!(
                "<data id=\"patroli_triwulan_tnks\" version=\"1\"><kabupaten>{region}</kabupaten>\
                 <triwulan>{label}</triwulan><patroli>{}</patroli><hari_orang>{}</hari_orang>\
                 <jerat>{jerat}</jerat><perambahan>{}</perambahan><catatan>Rekap SPTN {name}</catatan>\
                 <meta><instanceID>uuid:patroli-demo-{region}-{label}</instanceID></meta></data>",
                4 + n % 3,
                40 + n * 2,
                n % 2
            );
            let inst = submission::read_instance(&xml, &schema)
                .map_err(|m| AppError::Internal(m.to_string().into()))?;
            let s = Submission {
                id: SubmissionId::new_at(answered, App::id_bits()),
                form_id: form.id,
                version_number: version.number,
                root_instance_id: inst.instance_id.clone(),
                instance_id: inst.instance_id.clone(),
                agency_id: ranger.agency_id,
                submitted_by: ranger.user_id,
                source: Source::Collect,
                review_state: ReviewState::Received,
                data: serde_json::Value::Object(inst.data),
                lon: None,
                lat: None,
                edits: 0,
                received_at: answered,
                answered_at: answered,
                updated_at: answered,
            };
            let audit = app.audit(
                Some(&ranger),
                sinergi_core::audit::Action::SubmissionReceive,
                "submission",
                &s.id.to_string(),
                serde_json::json!({"form": form.id.to_string(), "instance_id": s.instance_id, "demo": true}),
            );
            let first_instance = SubmissionInstance {
                submission_id: s.id,
                instance_id: s.instance_id.clone(),
                deprecated_id: None,
                xml,
                submitted_by: ranger.user_id,
                received_at: answered,
            };
            app.store
                .insert_submission(&s, &first_instance, &[], &audit)
                .await?;
            n += 1;
        }
    }
    Ok(n)
}

/// The trafficking screening form of the Kapuas Hulu task force (issue 12's demo, ADR 39):
/// the recruiter asked only when an indicator was found, the age and identity number
/// checked, whether the person is a child calculated, the follow-ups offered by whether
/// an indicator was found (a `choice_filter` over the list's column `bila`).
fn screening_workbook() -> AppResult<Vec<u8>> {
    // type, name, label, required, relevant, constraint, constraint_message, calculation,
    // choice_filter
    let row = |t: &'static str, n: &'static str, l: &'static str, r: &'static str| {
        vec![t, n, l, r, "", "", "", "", ""]
    };
    let with = |mut v: Vec<&'static str>, at: usize, x: &'static str| {
        v[at] = x;
        v
    };
    let mut choices = vec![vec!["list_name", "name", "label", "bila"]];
    for (list, name, label) in [
        ("jk", "l", "Laki-laki"),
        ("jk", "p", "Perempuan"),
        ("negara", "malaysia", "Malaysia"),
        ("negara", "brunei", "Brunei Darussalam"),
        ("negara", "lainnya", "Lainnya"),
        (
            "indikator",
            "dokumen_ditahan",
            "Dokumen ditahan majikan/penyalur",
        ),
        ("indikator", "gaji_tidak_dibayar", "Gaji tidak dibayar"),
        ("indikator", "jeratan_utang", "Jeratan utang"),
        ("indikator", "kekerasan", "Kekerasan fisik atau seksual"),
        (
            "indikator",
            "tanpa_dokumen",
            "Berangkat tanpa dokumen resmi",
        ),
        ("indikator", "di_bawah_umur", "Di bawah 18 tahun"),
        (
            "indikator",
            "dijanjikan_pekerjaan",
            "Dijanjikan pekerjaan lain",
        ),
        ("tindak", "dipulangkan", "Dipulangkan ke keluarga"),
        ("tindak", "rumah_aman", "Ditempatkan di rumah aman"),
        ("tindak", "rujuk_polres", "Dirujuk ke Polres"),
        ("tindak", "rujuk_dp3a", "Dirujuk ke DP3A/UPTD PPA"),
        ("tindak", "selesai", "Tidak ada indikasi; selesai"),
    ] {
        // A follow-up is offered when an indicator was found (`indikasi`), when none
        // was (`tanpa`), or always.
        let when = match (list, name) {
            ("tindak", "selesai") => "tanpa",
            ("tindak", "rujuk_polres" | "rumah_aman") => "indikasi",
            ("tindak", _) => "semua",
            _ => "",
        };
        choices.push(vec![list, name, label, when]);
    }
    crate::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec![
                    "type",
                    "name",
                    "label",
                    "required",
                    "relevant",
                    "constraint",
                    "constraint_message",
                    "calculation",
                    "choice_filter",
                ],
                row("date", "tanggal", "Tanggal skrining", "yes"),
                row("geopoint", "lokasi", "Lokasi skrining", ""),
                row(
                    "begin_group",
                    "identitas",
                    "Identitas orang yang diskrining",
                    "",
                ),
                row("text", "nama", "Nama", "yes"),
                with(
                    with(
                        row("text", "nik", "NIK atau nomor paspor", ""),
                        5,
                        "regex(., '^[0-9A-Z]{6,16}$')",
                    ),
                    6,
                    "NIK 16 angka atau nomor paspor",
                ),
                with(
                    with(row("integer", "umur", "Umur", ""), 5, ". >= 0 and . <= 120"),
                    6,
                    "Umur 0 sampai 120 tahun",
                ),
                row("select_one jk", "jenis_kelamin", "Jenis kelamin", ""),
                row("end_group", "", "", ""),
                row("text", "desa_asal", "Desa dan kecamatan asal", ""),
                row(
                    "select_one negara",
                    "negara",
                    "Negara tujuan atau asal kepulangan",
                    "yes",
                ),
                row(
                    "select_multiple indikator",
                    "indikator",
                    "Indikator TPPO yang ditemukan",
                    "",
                ),
                with(
                    row("calculate", "anak", "", ""),
                    7,
                    "if(${umur} != '' and ${umur} < 18, 'ya', 'tidak')",
                ),
                with(
                    row("begin_group", "perekrut", "Perekrut atau penyalur", ""),
                    4,
                    "${indikator} != ''",
                ),
                row("text", "nama_perekrut", "Nama perekrut", ""),
                row("text", "kontak_perekrut", "Nomor telepon perekrut", ""),
                row("end_group", "", "", ""),
                with(
                    row("select_one tindak", "tindak_lanjut", "Tindak lanjut", "yes"),
                    8,
                    "bila = 'semua' or (bila = 'indikasi' and ${indikator} != '') or (bila = 'tanpa' and ${indikator} = '')",
                ),
                row("text", "catatan", "Catatan", ""),
            ],
        ),
        ("choices", choices),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec![
                    "Skrining Korban TPPO Satgas Kapuas Hulu",
                    SCREENING_FORM,
                    "1",
                ],
            ],
        ),
    ])
}

/// The XForm id of the Kapuas Hulu screening form.
pub(crate) const SCREENING_FORM: &str = "skrining_tppo_kapuashulu";

/// The Kapuas Hulu task force's trafficking screening (issue 12's demo, ADR 39): a form
/// of the regency government's task-force secretariat, filled in at the Badau border post
/// and in Putussibau; the answers go to the police with the screened person's identity
/// and the officer withheld and places to 1 km, and to the immigration office with the
/// identity, the home village and the recruiter withheld and places by region. Answers 6.
pub(crate) async fn load_screening(app: &App) -> AppResult<usize> {
    let (u, _) = app
        .store
        .user_credentials("satgas.kapuashulu")
        .await?
        .ok_or_else(|| AppError::Conflict("demo user satgas.kapuashulu is missing".into()))?;
    let secretariat = app.actor_for(&u).await?;
    let (form, _) = app
        .publish_form(
            &secretariat,
            &screening_workbook()?,
            "skrining-tppo-kapuashulu.xlsx",
        )
        .await?;
    let today = app.now().date_naive();
    // (days ago, place "lat lon", name, id, age, sex, village, country, indicators,
    // recruiter, phone, follow-up)
    let screenings: [(i64, [&str; 11]); 6] = [
        (
            52,
            [
                "1.0312 111.9547 80 5",
                "Yohana L.",
                "6106055203010002",
                "17",
                "p",
                "Desa Nanga Kantuk, Empanang",
                "malaysia",
                "dokumen_ditahan gaji_tidak_dibayar di_bawah_umur",
                "Pak Aseng",
                "081234500011",
                "rumah_aman",
            ],
        ),
        (
            44,
            [
                "1.0309 111.9551 80 5",
                "Markus D.",
                "6106051104920001",
                "33",
                "l",
                "Desa Badau, Badau",
                "malaysia",
                "jeratan_utang tanpa_dokumen",
                "Pak Aseng",
                "081234500011",
                "rujuk_polres",
            ],
        ),
        (
            31,
            [
                "0.8634 112.9312 40 8",
                "Sri W.",
                "6106036708990003",
                "26",
                "p",
                "Kelurahan Putussibau Kota",
                "brunei",
                "dijanjikan_pekerjaan",
                "Bu Lina",
                "082155500022",
                "rujuk_dp3a",
            ],
        ),
        (
            19,
            [
                "1.0315 111.9540 80 5",
                "Agus P.",
                "6106070202000004",
                "25",
                "l",
                "Desa Puring Kencana",
                "malaysia",
                "",
                "",
                "",
                "selesai",
            ],
        ),
        (
            11,
            [
                "1.0310 111.9549 80 5",
                "Maria S.",
                "6106054509060005",
                "19",
                "p",
                "Desa Nanga Kantuk, Empanang",
                "malaysia",
                "dokumen_ditahan kekerasan",
                "Pak Aseng",
                "081234500011",
                "rujuk_polres",
            ],
        ),
        (
            4,
            [
                "0.8640 112.9305 40 8",
                "Rina A.",
                "6106034101080006",
                "18",
                "p",
                "Desa Sibau Hulu, Putussibau Utara",
                "malaysia",
                "dijanjikan_pekerjaan tanpa_dokumen",
                "Bu Lina",
                "082155500022",
                "dipulangkan",
            ],
        ),
    ];
    for (i, (ago, row)) in screenings.iter().enumerate() {
        let [place, name, nik, age, sex, village, country, signs, recruiter, phone, next] = *row;
        let day = today - Duration::days(*ago);
        let mut answers = serde_json::Map::new();
        for (k, v) in [
            ("tanggal", day.to_string()),
            ("lokasi", place.to_string()),
            ("identitas/nama", name.to_string()),
            ("identitas/nik", nik.to_string()),
            ("identitas/umur", age.to_string()),
            ("identitas/jenis_kelamin", sex.to_string()),
            ("desa_asal", village.to_string()),
            ("negara", country.to_string()),
            ("indikator", signs.to_string()),
            ("perekrut/nama_perekrut", recruiter.to_string()),
            ("perekrut/kontak_perekrut", phone.to_string()),
            ("tindak_lanjut", next.to_string()),
        ] {
            if !v.is_empty() {
                answers.insert(k.into(), serde_json::Value::String(v));
            }
        }
        app.enter_paper_submission(
            &secretariat,
            form.id,
            crate::submissions::PaperEntry {
                answers,
                answered_on: day,
                agency_id: None,
                scan: None,
                instance_id: Some(format!("uuid:skrining-demo-{i}")),
            },
        )
        .await?;
    }
    let (admin, _) = app
        .store
        .user_credentials("admin")
        .await?
        .ok_or_else(|| AppError::Internal("the demo system administrator is missing".into()))?;
    let admin = app.actor_for(&admin).await?;
    let key = sinergi_core::submission::shared::type_key(SCREENING_FORM);
    let body = serde_json::json!({
        "title": "Kesepakatan Berbagi Hasil Skrining TPPO Satgas Kapuas Hulu",
        "number": "KSP/SATGAS-TPPO/KH/IX/2025",
        "legal_basis": "Perpres 19/2023 (RAN PPTPPO); UU 27/2022 tentang Pelindungan Data Pribadi",
        "parties": ["PEMKAB-KAPUAS-HULU", "POLRES-KAPUAS-HULU", "IMIGRASI-PUTUSSIBAU"],
        "valid_from": "2025-09-01", "valid_until": "2028-08-31",
        "clauses": [
            {"from": "PEMKAB-KAPUAS-HULU", "to": ["POLRES-KAPUAS-HULU"], "report_types": [key],
             "max_sensitivity": "restricted", "withheld_fields": ["identitas", "author"],
             "location_precision_m": 1000},
            {"from": "PEMKAB-KAPUAS-HULU", "to": ["IMIGRASI-PUTUSSIBAU"], "report_types": [key],
             "max_sensitivity": "restricted",
             "withheld_fields": ["identitas", "desa_asal", "perekrut", "author"],
             "location_precision_m": "region"}
        ]
    });
    let a = app
        .create_agreement(
            &admin,
            &<sinergi_core::agreement::AgreementBody as sinergi_core::input::Body>::read(&body)?,
        )
        .await?;
    crate::demo::approve_all(app, a).await?;
    Ok(screenings.len())
}
