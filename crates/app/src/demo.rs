//! The demo data set: a deterministic, clearly marked set of agencies, users and about three
//! hundred reports that reproduces the five situations in `seeds/` (Kerinci Seblat and four
//! Polda, the Kapuas Hulu anti-trafficking task force, the drug-free neighbourhood programme
//! in Kota Bambu Selatan, elephant conflict around Way Kambas, and the KOTAN policy in Jambi),
//! so that `sinergi serve --demo` shows a fresh installation with realistic records. Every
//! report title starts with "[Demo]" and every description ends with "[Data demo Sinergi]",
//! so demo records cannot be mistaken for real ones. The same seed always gives the same
//! report ids, places and dates, so a demo walkthrough and its screenshots stay reproducible.
//! The loader refuses to run against a database that already holds any agency: demo data
//! must never mix with real data.

use std::collections::HashMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Map, Value};
use sinergi_core::agency::NewAgency;
use sinergi_core::agreement::{Agreement, AgreementBody};
use sinergi_core::geometry::ReportGeometry;
use sinergi_core::ids::{AgencyId, ReportId, UserId};
use sinergi_core::input::Body as _;
use sinergi_core::report::{Report, Sensitivity, Status};
use sinergi_regions::Gazetteer;

use crate::{App, AppError, AppResult};
use sinergi_core::agreement::AgreementStatus;
use sinergi_core::audit::Action;

/// The password of every demo user; `sinergi serve --demo` prints it.
pub const DEMO_PASSWORD: &str = "sinergi-demo-2025";

/// The seed of the report generator. It is fixed so that two loads give the same ids.
const SEED: u64 = 2017;

/// The last line of every demo description, so exports and printouts stay marked too.
const DEMO_MARK: &str = "[Data demo Sinergi]";

/// All the demo places lie in WIB (UTC+7).
const WIB_SECS: i32 = 7 * 3600;

/// What a demo load created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    pub agencies: usize,
    /// (username, role, agency code) of every demo user.
    pub users: Vec<(String, String, String)>,
    pub reports: usize,
    pub agreements: usize,
    pub warning: crate::demo_warning::WarningSummary,
    pub patrols: crate::demo_patrols::PatrolSummary,
    /// Official letters sent and registered.
    pub letters: usize,
    pub coordination: crate::demo_coordination::CoordinationSummary,
    /// Cases carried to court, their persons and steps.
    pub cases: crate::demo_cases::CaseSummary,
}

/// Loads the demo data set into an empty database. Refuses
/// (`AppError::Conflict("the database already has data; demo data is only loaded into an empty database")`)
/// when any agency exists.
pub async fn load(app: &App) -> AppResult<DemoSummary> {
    // Any agency means someone already set this installation up; demo records mixed into
    // real ones could be taken for real reports, so nothing is written at all.
    if app.store.agency_count().await? > 0 {
        return Err(AppError::Conflict(
            "the database already has data; demo data is only loaded into an empty database".into(),
        ));
    }
    // Everything that can be checked without the database is checked before the first
    // write, so that a mistake in the demo data cannot leave half a demo behind (which
    // would then block the next attempt as "already has data").
    let types = app.report_types();
    let mut checked = Vec::new();
    for d in plan() {
        let ty = types.iter().find(|t| t.key == d.type_key).ok_or_else(|| {
            AppError::Internal(
                format!("demo report type {} is not in the catalogue", d.type_key).into(),
            )
        })?;
        // The attributes go through the same check as a submitted report, so the demo can
        // never hold a record the API itself would refuse.
        let attributes = ty.validate_attributes(&Value::Object(d.attributes.clone()))?;
        let geometry = ReportGeometry::point(d.lon, d.lat)?;
        if !USERS.iter().any(|u| u.username == d.author) {
            return Err(AppError::Internal(
                format!("demo author {} is not a demo user", d.author).into(),
            ));
        }
        checked.push((d, attributes, geometry));
    }

    for a in AGENCIES {
        let jurisdiction: Vec<String> = a.jurisdiction.iter().map(|c| (*c).to_string()).collect();
        let new = NewAgency::parse(a.code, a.name, a.kind, a.parent, &jurisdiction)?;
        app.create_agency(None, new).await?;
    }

    let mut who: HashMap<&'static str, (UserId, AgencyId, &'static str)> = HashMap::new();
    let mut users = Vec::with_capacity(USERS.len());
    for u in USERS {
        let user = app
            .create_user(
                None,
                u.username,
                u.display_name,
                u.agency,
                u.role,
                DEMO_PASSWORD,
            )
            .await?;
        who.insert(u.username, (user.id, user.agency_id, u.agency));
        users.push((
            u.username.to_string(),
            u.role.to_string(),
            u.agency.to_string(),
        ));
    }

    let now = app.now();
    let mut reports = Vec::with_capacity(checked.len());
    for (d, attributes, geometry) in checked {
        let &(author_id, owner_id, owner_code) = who.get(d.author).ok_or_else(|| {
            AppError::Internal(format!("demo author {} was not created", d.author).into())
        })?;
        reports.push(Report {
            id: d.id,
            type_key: d.type_key.to_string(),
            title: d.title,
            description: d.description,
            occurred_at: d.occurred_at,
            geometry,
            region_code: d.region_code,
            owner_agency_id: owner_id,
            owner_agency_code: owner_code.to_string(),
            author_id,
            author_username: d.author.to_string(),
            sensitivity: d.sensitivity,
            attributes,
            status: d.status,
            version: 1,
            created_at: now,
            updated_at: now,
            create_hash: format!("demo:{}", d.id),
        });
    }
    app.store.bulk_insert_reports(&reports).await?;
    load_agreements(app).await?;
    let warning = crate::demo_warning::load(app).await?;
    let patrols = crate::demo_patrols::load(app).await?;
    let letters = load_letters(app).await?;
    let mou = app
        .store
        .agreements()
        .await?
        .into_iter()
        .find(|a| a.number == "PKS.01/BBTNKS/III/2017")
        .map(|a| a.id.to_string());
    let coordination = crate::demo_coordination::load(app, mou).await?;
    crate::demo_plans::load(app).await?;
    crate::demo_areas::load(app).await?;
    let cases = crate::demo_cases::load(app).await?;
    let submissions = crate::demo_forms::load(app).await?
        + crate::demo_forms::load_patrol_reports(app).await?
        + crate::demo_forms::load_screening(app).await?;
    tracing::info!(
        submissions,
        "loaded the KOTAN questionnaire, the Pokja's patrol report, the Kapuas Hulu screening form, their campaigns, answers and shares"
    );
    tracing::info!(
        agencies = AGENCIES.len(),
        users = users.len(),
        reports = reports.len(),
        "loaded the demo data set"
    );
    Ok(DemoSummary {
        agencies: AGENCIES.len(),
        users,
        // The bulk-loaded reports and the village reporter's sighting.
        reports: app.store.report_total().await? as usize,
        agreements: app.store.agreements().await?.len(),
        warning,
        patrols,
        letters,
        coordination,
        cases,
    })
}

/// The seed's letters (ADR 22): Kota Bambu Selatan's request to the Polda and the BNNP for
/// the drug-prone area's recovery, copied to the Kapolri, the head of BNN and the local
/// police sector, sent through Sinergi and opened by the police sector; the Lurah's report
/// of the meeting to the Camat, forwarded up to the city (ADR 28); and a KOTAN answer that
/// reached BNNP Jambi on paper, registered there.
async fn load_letters(app: &App) -> AppResult<usize> {
    use sinergi_core::letter::body::{NewLetterBody, RegisterLetterBody};
    let actor = |name: &'static str| async move {
        let (u, _) = app
            .store
            .user_credentials(name)
            .await?
            .ok_or_else(|| AppError::Conflict(format!("demo user {name} is missing")))?;
        app.actor_for(&u).await
    };
    let lurah = actor("lurah.kbs").await?;
    let body: NewLetterBody = serde_json::from_value(serde_json::json!({
        "id": "019a9a00-0000-7000-8000-00000000a001",
        "subject": "Permohonan dukungan pemulihan kawasan rawan narkoba Kelurahan Kota Bambu Selatan",
        "nature": "segera",
        "signatory": "Lurah Kota Bambu Selatan",
        "body": "Dengan hormat,\n\nMenindaklanjuti kegiatan BNN RI bersama pemangku kepentingan di Kelurahan Kota Bambu Selatan, \
kami mohon dukungan Bapak/Ibu dalam pemulihan kawasan rawan narkoba menuju Kelurahan Bersih Narkoba (Bersinar), \
melalui tahapan peta jalan: pemetaan kawasan, pembentukan posko, pemberdayaan masyarakat dan pelatihan kewirausahaan, \
serta pemantauan bersama.\n\nDemikian kami sampaikan, atas perhatian dan kerja samanya kami ucapkan terima kasih.",
        "to": ["POLDA-METRO-JAYA", "BNNP-DKI"],
        "copies": ["POLRI", "BNN", "POLSEK-PALMERAH"],
    }))
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    let l = app.create_letter(&lurah, &body).await?;
    app.send_letter(&lurah, l.id, Some(l.version)).await?;
    // The police sector opened it: its receipt shows on the Kelurahan's letter.
    app.open_letter(&actor("polsek.palmerah").await?, l.id)
        .await?;
    // The Lurah reports the meeting to the Camat, as the seed says; the kelurahan reports
    // to its kecamatan, which forwards the report to the city.
    app.set_reporting_line(
        None,
        "KEL-KOTA-BAMBU-SELATAN",
        &serde_json::from_value(serde_json::json!({"superior": "KEC-PALMERAH"}))
            .map_err(|e| AppError::Conflict(e.to_string()))?,
    )
    .await?;
    let report: NewLetterBody = serde_json::from_value(serde_json::json!({
        "id": "019a9a00-0000-7000-8000-00000000a002",
        "subject": "Laporan hasil rapat daring pemulihan kawasan rawan narkoba Kampung Boncos bersama BNN RI",
        "signatory": "Lurah Kota Bambu Selatan",
        "body": "Dengan hormat,\n\nBersama ini kami laporkan hasil rapat daring bersama Direktorat Pemberdayaan Alternatif BNN RI \
tentang pemulihan kawasan rawan narkoba di Kampung Boncos: penyalahgunaan narkoba masih terjadi 24 jam, pelaku berasal dari luar kampung, \
posko pemantauan telah didirikan, dan Polsek Palmerah telah memetakan kawasan dari Jalan Raya Katamso. BNN RI akan memberikan \
pelatihan kewirausahaan; Pemda diminta bersurat kepada Polda dan BNNP dengan tembusan kepada Kapolri dan Kepala BNN.\n\n\
Mohon arahan Bapak Camat.",
        "to": ["KEC-PALMERAH"],
    }))
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    let r = app.create_letter(&lurah, &report).await?;
    app.send_letter(&lurah, r.id, Some(r.version)).await?;
    let camat = actor("camat.palmerah").await?;
    app.open_letter(&camat, r.id).await?;
    app.forward_letter(
        &camat,
        r.id,
        &serde_json::from_value(serde_json::json!({
            "note": "Diteruskan kepada Wali Kota untuk arahan dan dukungan pemulihan kawasan rawan narkoba di wilayah Kecamatan Palmerah."
        }))
        .map_err(|e| AppError::Conflict(e.to_string()))?,
    )
    .await?;
    let bnnp = actor("koordinator.bnnp.jambi").await?;
    let today = app.now().date_naive();
    let registered: RegisterLetterBody = serde_json::from_value(serde_json::json!({
        "number": "005/412/Kesbangpol/XII/2022",
        "sender": "Kesbangpol Kabupaten Batang Hari",
        "date": (today - chrono::Duration::days(3)).to_string(),
        "subject": "Jawaban kuesioner Kota Tanggap Ancaman Narkoba (KOTAN)",
        "body": "Jawaban kuesioner KOTAN Kabupaten Batang Hari, diisi manual karena sistem daring mengalami gangguan.",
    }))
    .map_err(|e| AppError::Conflict(e.to_string()))?;
    app.register_letter(&bnnp, &registered).await?;
    Ok(3)
}

/// The agreements of the seed situations, proposed through the same use case as the API
/// (so they pass the same checks) by the demo system administrator, then marked approved
/// by every party as the signed documents record.
async fn load_agreements(app: &App) -> AppResult<usize> {
    let (admin, _) = app
        .store
        .user_credentials("admin")
        .await?
        .ok_or_else(|| AppError::Internal("the demo system administrator is missing".into()))?;
    let actor = app.actor_for(&admin).await?;
    let polda = [
        "POLDA-JAMBI",
        "POLDA-SUMBAR",
        "POLDA-SUMSEL",
        "POLDA-BENGKULU",
    ];
    let bodies = [
        // Kerinci Seblat: the 14 March 2017 MoU between the park and four regional police
        // commands: forestry- and wildlife-crime reports and patrol results flow both ways
        // up to internal, suspects' names withheld; tiger locations reach the police
        // coarsened (wildlife reports of sensitive species always are).
        serde_json::json!({
            "title": "Nota Kesepahaman Penguatan Fungsi Kawasan TNKS (Pengamanan dan Perlindungan)",
            "number": "PKS.01/BBTNKS/III/2017",
            "legal_basis": "Nota Kesepahaman BBTNKS dengan Polda Jambi, Sumbar, Sumsel dan Bengkulu, Jakarta 14 Maret 2017",
            "parties": ["BBTNKS", polda[0], polda[1], polda[2], polda[3]],
            "valid_from": "2017-03-14", "valid_until": "2027-03-13",
            "clauses": [
                {"from": "BBTNKS", "to": polda, "categories": ["forestry_crime", "wildlife_crime", "patrol"],
                 "max_sensitivity": "internal", "withheld_fields": ["suspect_names"], "location_precision_m": 0,
                 "include_subagencies": true},
                {"from": polda[0], "to": ["BBTNKS"], "categories": ["forestry_crime", "wildlife_crime"],
                 "max_sensitivity": "internal", "withheld_fields": ["suspect_names"], "location_precision_m": 0,
                 "include_subagencies": true},
                {"from": polda[3], "to": ["BBTNKS"], "categories": ["forestry_crime", "wildlife_crime"],
                 "max_sensitivity": "internal", "withheld_fields": ["suspect_names"], "location_precision_m": 0,
                 "include_subagencies": true}
            ]
        }),
        // Kapuas Hulu: the anti-trafficking task force shares trafficking reports among
        // its members up to restricted, victims' names withheld, places to the region.
        serde_json::json!({
            "title": "Kesepakatan Satgas Pencegahan dan Penanganan TPPO Kabupaten Kapuas Hulu",
            "number": "KSP/SATGAS-TPPO/KH/VI/2025",
            "legal_basis": "Perpres 19/2023 (RAN PPTPPO); rapat koordinasi 27 Mei 2025",
            "parties": ["PEMKAB-KAPUAS-HULU", "POLRES-KAPUAS-HULU", "PLBN-BADAU", "IMIGRASI-PUTUSSIBAU", "DP3A-KALBAR"],
            "valid_from": "2025-06-01", "valid_until": "2028-05-31",
            "clauses": [
                {"from": "*", "to": ["PEMKAB-KAPUAS-HULU", "POLRES-KAPUAS-HULU", "PLBN-BADAU", "IMIGRASI-PUTUSSIBAU", "DP3A-KALBAR"],
                 "categories": ["trafficking"], "max_sensitivity": "restricted",
                 "withheld_fields": ["victim_names", "recruiter_names"], "location_precision_m": "region",
                 "include_subagencies": true}
            ]
        }),
        // Kapuas Hulu: the police and the prosecutor's office on trafficking cases: the
        // police share their trafficking reports, and may share the identities of
        // victims and witnesses with the prosecutor one person at a time.
        serde_json::json!({
            "title": "Kesepakatan Penanganan Perkara TPPO Polres Kapuas Hulu – Kejaksaan Negeri Kapuas Hulu",
            "number": "KSP/RES-KPH/KEJARI-KPH/VII/2025",
            "legal_basis": "Pedoman Kejaksaan 1/2021 tentang akses keadilan bagi perempuan dan anak; rapat koordinasi 3 Juli 2025",
            "parties": ["POLRES-KAPUAS-HULU", "KEJARI-KAPUAS-HULU"],
            "valid_from": "2025-07-01", "valid_until": "2028-06-30",
            "clauses": [
                {"from": "POLRES-KAPUAS-HULU", "to": ["KEJARI-KAPUAS-HULU"], "categories": ["trafficking"],
                 "max_sensitivity": "restricted", "withheld_fields": ["victim_names"], "location_precision_m": "region",
                 "protected_persons": ["victim", "witness"]}
            ]
        }),
        // Jambi: a cooperation on the KOTAN campaign that ended on 31 December 2023; its
        // data no longer flows.
        serde_json::json!({
            "title": "Perjanjian Kerja Sama Kampanye KOTAN BNNP Jambi – Kesbangpol Provinsi Jambi",
            "number": "PKS/BNNP-JMB/XII/2022",
            "parties": ["BNNP-JAMBI", "KESBANGPOL-JAMBI"],
            "valid_from": "2022-12-01", "valid_until": "2023-12-31",
            "clauses": [
                {"from": "BNNP-JAMBI", "to": ["KESBANGPOL-JAMBI"], "report_types": ["outreach_held", "narcotics_arrest"],
                 "max_sensitivity": "internal", "withheld_fields": ["suspect_names"], "location_precision_m": 1000,
                 "include_subagencies": true}
            ]
        }),
    ];
    for (i, body) in bodies.iter().enumerate() {
        let mut a = app
            .create_agreement(&actor, &AgreementBody::read(body)?)
            .await?;
        if i == 0 {
            // The MoU's signed text as the parties would scan it (a short demo stand-in).
            let title = body["title"].as_str().unwrap_or_default();
            let number = body["number"].as_str().unwrap_or_default();
            let pdf = demo_pdf(&[
                title,
                number,
                "Para pihak: BBTNKS, Polda Jambi, Polda Sumatera Barat, Polda Sumatera Selatan, Polda Bengkulu",
                "Ditandatangani di Jakarta, 14 Maret 2017",
                "[Data demo Sinergi - bukan naskah asli]",
            ]);
            app.add_agreement_document(&actor, a.id, "naskah-mou-tnks-4-polda.pdf", &pdf)
                .await?;
            a = app.agreement_for(&actor, a.id).await?;
        }
        approve_all(app, a).await?;
    }
    Ok(bodies.len())
}

/// Marks a demo agreement approved by every party, as its signed text records.
pub(crate) async fn approve_all(app: &App, mut a: Agreement) -> AppResult<Agreement> {
    let expected = a.version;
    a.approvals = a.parties.clone();
    a.status = AgreementStatus::Active;
    a.version += 1;
    let entry = app.audit(
        None,
        Action::AgreementApprove,
        "agreement",
        &a.id.to_string(),
        serde_json::json!({"demo": "approved by every party, as signed"}),
    );
    app.store.update_agreement(&a, expected, &entry).await?;
    Ok(a)
}

/// A one-page PDF with the given lines of text (Latin-1 text, Helvetica), built by hand so
/// the demo needs no PDF library.
fn demo_pdf(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from("BT /F1 11 Tf 50 790 Td 14 TL\n");
    for l in lines {
        let esc: String = l
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c if c.is_ascii() => c.to_string(),
                _ => "-".to_string(),
            })
            .collect();
        text.push_str(&format!("({esc}) Tj T*\n"));
    }
    text.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{text}endstream", text.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

// ---- agencies and users --------------------------------------------------------------------

struct DemoAgency {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    parent: Option<&'static str>,
    jurisdiction: &'static [&'static str],
}

const fn agency(
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    parent: Option<&'static str>,
    jurisdiction: &'static [&'static str],
) -> DemoAgency {
    DemoAgency {
        code,
        name,
        kind,
        parent,
        jurisdiction,
    }
}

/// The agencies named in the seed reports. Parents come before their children because an
/// agency can only name a parent that already exists. Jurisdictions are Kemendagri codes
/// from the shipped region table. The table is kept one agency per line so that it reads
/// as a list.
#[rustfmt::skip]
const AGENCIES: &[DemoAgency] = &[
    agency("SINERGI", "Sekretariat Platform Sinergi (demo)", "other", None, &[]),
    // Conservation: the two national parks under the ministry.
    agency("KLHK", "Kementerian Lingkungan Hidup dan Kehutanan", "other", None, &[]),
    agency("BBTNKS", "Balai Besar Taman Nasional Kerinci Seblat", "park_authority", Some("KLHK"),
        &["15.01", "15.72", "15.02", "13.01", "17.06", "16.05"]),
    agency("BTNWK", "Balai Taman Nasional Way Kambas", "park_authority", Some("KLHK"), &["18.07"]),
    // Police: Polri → Polda → Polres → Polsek.
    agency("POLRI", "Kepolisian Negara Republik Indonesia", "police", None, &[]),
    agency("POLDA-JAMBI", "Polda Jambi", "police", Some("POLRI"), &["15"]),
    agency("POLDA-SUMBAR", "Polda Sumatera Barat", "police", Some("POLRI"), &["13"]),
    agency("POLDA-SUMSEL", "Polda Sumatera Selatan", "police", Some("POLRI"), &["16"]),
    agency("POLDA-BENGKULU", "Polda Bengkulu", "police", Some("POLRI"), &["17"]),
    agency("POLDA-KALBAR", "Polda Kalimantan Barat", "police", Some("POLRI"), &["61"]),
    agency("POLDA-METRO-JAYA", "Polda Metro Jaya", "police", Some("POLRI"), &["31"]),
    agency("POLDA-LAMPUNG", "Polda Lampung", "police", Some("POLRI"), &["18"]),
    agency("POLRES-KERINCI", "Polres Kerinci", "police", Some("POLDA-JAMBI"), &["15.01", "15.72"]),
    agency("POLRES-SAROLANGUN", "Polres Sarolangun", "police", Some("POLDA-JAMBI"), &["15.03"]),
    agency("POLRES-MERANGIN", "Polres Merangin", "police", Some("POLDA-JAMBI"), &["15.02"]),
    agency("POLRES-PESISIR-SELATAN", "Polres Pesisir Selatan", "police", Some("POLDA-SUMBAR"), &["13.01"]),
    agency("POLRES-MUSI-RAWAS", "Polres Musi Rawas", "police", Some("POLDA-SUMSEL"), &["16.05"]),
    agency("POLRES-MUKOMUKO", "Polres Mukomuko", "police", Some("POLDA-BENGKULU"), &["17.06"]),
    agency("POLRES-KAPUAS-HULU", "Polres Kapuas Hulu", "police", Some("POLDA-KALBAR"), &["61.06"]),
    agency("POLRES-LAMPUNG-TIMUR", "Polres Lampung Timur", "police", Some("POLDA-LAMPUNG"), &["18.07"]),
    agency("POLRES-METRO-JAKBAR", "Polres Metro Jakarta Barat", "police", Some("POLDA-METRO-JAYA"), &["31.73"]),
    agency("POLSEK-PALMERAH", "Polsek Palmerah", "police", Some("POLRES-METRO-JAKBAR"), &["31.73.07"]),
    // Narcotics: BNN → BNNP → BNNK.
    agency("BNN", "Badan Narkotika Nasional", "narcotics_agency", None, &[]),
    agency("BNNP-JAMBI", "BNN Provinsi Jambi", "narcotics_agency", Some("BNN"), &["15"]),
    agency("BNNP-DKI", "BNN Provinsi DKI Jakarta", "narcotics_agency", Some("BNN"), &["31"]),
    agency("BNNK-BATANGHARI", "BNN Kabupaten Batanghari", "narcotics_agency", Some("BNNP-JAMBI"), &["15.04"]),
    agency("BNNK-TANJABTIM", "BNN Kabupaten Tanjung Jabung Timur", "narcotics_agency", Some("BNNP-JAMBI"), &["15.07"]),
    agency("BNNK-JAKARTA-BARAT", "BNN Kota Jakarta Barat", "narcotics_agency", Some("BNNP-DKI"), &["31.73"]),
    // Kapuas Hulu: the regency government, its offices and the other task-force members.
    agency("PEMKAB-KAPUAS-HULU", "Pemerintah Kabupaten Kapuas Hulu", "local_government", None, &["61.06"]),
    agency("SATPOLPP-KAPUAS-HULU", "Satpol PP Kabupaten Kapuas Hulu", "local_government", Some("PEMKAB-KAPUAS-HULU"), &["61.06"]),
    agency("BAPPEDA-KAPUAS-HULU", "Bappeda Kabupaten Kapuas Hulu", "local_government", Some("PEMKAB-KAPUAS-HULU"), &["61.06"]),
    agency("DISKOMINFO-KAPUAS-HULU", "Diskominfo Kabupaten Kapuas Hulu", "local_government", Some("PEMKAB-KAPUAS-HULU"), &["61.06"]),
    agency("DP3A-KALBAR", "DP3A Provinsi Kalimantan Barat", "local_government", None, &["61"]),
    agency("PLBN-BADAU", "PLBN Badau (BNPP)", "other", None, &["61.06.14"]),
    agency("IMIGRASI-PUTUSSIBAU", "Kantor Imigrasi Putussibau", "immigration", None, &["61.06"]),
    agency("KODIM-1206", "Kodim 1206/Putussibau", "military", None, &["61.06"]),
    agency("PN-PUTUSSIBAU", "Pengadilan Negeri Putussibau", "court", None, &["61.06"]),
    agency("KEJARI-KAPUAS-HULU", "Kejaksaan Negeri Kapuas Hulu", "prosecutor", None, &["61.06"]),
    agency("BIN-KAPUAS-HULU", "BIN Koordinator Wilayah Kapuas Hulu", "other", None, &["61.06"]),
    // Jakarta: the kelurahan of the drug-free neighbourhood programme.
    agency("KEL-KOTA-BAMBU-SELATAN", "Kelurahan Kota Bambu Selatan", "village", None, &["31.73.07.1006"]),
    // The kelurahan reports to its kecamatan, and that to the city (ADR 28): the route the
    // Lurah's report to the Camat follows upward.
    agency("PEMKOT-JAKBAR", "Pemerintah Kota Administrasi Jakarta Barat", "local_government", None, &["31.73"]),
    agency("KEC-PALMERAH", "Kecamatan Palmerah", "local_government", Some("PEMKOT-JAKBAR"), &["31.73.07"]),
    // Lampung Timur: the communications office, the buffer villages of Way Kambas and the
    // conservation programme that connects them.
    agency("DISKOMINFO-LAMTIM", "Diskominfo Kabupaten Lampung Timur", "local_government", None, &["18.07"]),
    agency("DESA-LABUHAN-RATU-IX", "Desa Labuhan Ratu IX", "village", None, &["18.07.21.2011"]),
    agency("DESA-LABUHAN-RATU-VI", "Desa Labuhan Ratu VI", "village", None, &["18.07.21.2005"]),
    agency("DESA-RAJABASA-LAMA-I", "Desa Rajabasa Lama I", "village", None, &["18.07.21.2007"]),
    agency("DESA-BRAJA-YEKTI", "Desa Braja Yekti", "village", None, &["18.07.22.2004"]),
    agency("TFCA-SUMATERA", "Tim Program TFCA Sumatera", "ngo", None, &["18.07"]),
    // Jambi: the provincial office that answers the KOTAN questionnaire, and asks the
    // offices of the eleven kabupaten/kota for their answers each year.
    agency("KESBANGPOL-JAMBI", "Kesbangpol Provinsi Jambi", "local_government", None, &["15"]),
    agency("KESBANGPOL-KERINCI", "Kesbangpol Kabupaten Kerinci", "local_government", Some("KESBANGPOL-JAMBI"), &["15.01"]),
    agency("KESBANGPOL-MERANGIN", "Kesbangpol Kabupaten Merangin", "local_government", Some("KESBANGPOL-JAMBI"), &["15.02"]),
    agency("KESBANGPOL-SAROLANGUN", "Kesbangpol Kabupaten Sarolangun", "local_government", Some("KESBANGPOL-JAMBI"), &["15.03"]),
    agency("KESBANGPOL-BATANGHARI", "Kesbangpol Kabupaten Batanghari", "local_government", Some("KESBANGPOL-JAMBI"), &["15.04"]),
    agency("KESBANGPOL-MUAROJAMBI", "Kesbangpol Kabupaten Muaro Jambi", "local_government", Some("KESBANGPOL-JAMBI"), &["15.05"]),
    agency("KESBANGPOL-TANJABBAR", "Kesbangpol Kabupaten Tanjung Jabung Barat", "local_government", Some("KESBANGPOL-JAMBI"), &["15.06"]),
    agency("KESBANGPOL-TANJABTIM", "Kesbangpol Kabupaten Tanjung Jabung Timur", "local_government", Some("KESBANGPOL-JAMBI"), &["15.07"]),
    agency("KESBANGPOL-BUNGO", "Kesbangpol Kabupaten Bungo", "local_government", Some("KESBANGPOL-JAMBI"), &["15.08"]),
    agency("KESBANGPOL-TEBO", "Kesbangpol Kabupaten Tebo", "local_government", Some("KESBANGPOL-JAMBI"), &["15.09"]),
    agency("KESBANGPOL-KOTA-JAMBI", "Kesbangpol Kota Jambi", "local_government", Some("KESBANGPOL-JAMBI"), &["15.71"]),
    agency("KESBANGPOL-SUNGAI-PENUH", "Kesbangpol Kota Sungai Penuh", "local_government", Some("KESBANGPOL-JAMBI"), &["15.72"]),
];

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    agency: &'static str,
    role: &'static str,
}

const fn user(
    username: &'static str,
    display_name: &'static str,
    agency: &'static str,
    role: &'static str,
) -> DemoUser {
    DemoUser {
        username,
        display_name,
        agency,
        role,
    }
}

/// One or more users per role. The list is short because every password is hashed with
/// Argon2, which is deliberately slow.
#[rustfmt::skip]
const USERS: &[DemoUser] = &[
    user("admin", "Admin Sistem (demo)", "SINERGI", "system_admin"),
    user("admin.tnks", "Admin BBTNKS (demo)", "BBTNKS", "agency_admin"),
    user("koordinator.tnks", "Sekretaris Pokja TNKS (demo)", "BBTNKS", "coordinator"),
    user("ranger.tnks", "Polhut BBTNKS (demo)", "BBTNKS", "field_officer"),
    user("analis.polda.jambi", "Analis Ditreskrimsus Polda Jambi (demo)", "POLDA-JAMBI", "analyst"),
    user("penyidik.polda.jambi", "Penyidik Tipidter Polda Jambi (demo)", "POLDA-JAMBI", "field_officer"),
    user("kasubdit.polda.jambi", "Kasubdit Tipidter Ditreskrimsus Polda Jambi (demo)", "POLDA-JAMBI", "coordinator"),
    user("penyidik.polres.kerinci", "Penyidik Satreskrim Polres Kerinci (demo)", "POLRES-KERINCI", "field_officer"),
    user("penyidik.polda.bengkulu", "Penyidik Tipidter Polda Bengkulu (demo)", "POLDA-BENGKULU", "field_officer"),
    user("admin.bnnp.jambi", "Admin BNNP Jambi (demo)", "BNNP-JAMBI", "agency_admin"),
    user("koordinator.bnnp.jambi", "Koordinator P2M BNNP Jambi (demo)", "BNNP-JAMBI", "coordinator"),
    user("petugas.bnnk.batanghari", "Petugas BNNK Batanghari (demo)", "BNNK-BATANGHARI", "field_officer"),
    user("satgas.kapuashulu", "Sekretariat Satgas TPPO Kapuas Hulu (demo)", "PEMKAB-KAPUAS-HULU", "coordinator"),
    user("reskrim.polres.kapuashulu", "Unit Pidum Satreskrim Polres Kapuas Hulu (demo)", "POLRES-KAPUAS-HULU", "field_officer"),
    user("kasat.reskrim.kapuashulu", "Kasat Reskrim Polres Kapuas Hulu (demo)", "POLRES-KAPUAS-HULU", "coordinator"),
    user("jaksa.kejari.kapuashulu", "Kasi Pidum Kejaksaan Negeri Kapuas Hulu (demo)", "KEJARI-KAPUAS-HULU", "coordinator"),
    user("petugas.plbn.badau", "Petugas PLBN Badau (demo)", "PLBN-BADAU", "field_officer"),
    user("petugas.imigrasi.putussibau", "Petugas Imigrasi Putussibau (demo)", "IMIGRASI-PUTUSSIBAU", "field_officer"),
    user("lurah.kbs", "Lurah Kota Bambu Selatan (demo)", "KEL-KOTA-BAMBU-SELATAN", "coordinator"),
    user("polsek.palmerah", "Unit Reskrim Polsek Palmerah (demo)", "POLSEK-PALMERAH", "field_officer"),
    user("camat.palmerah", "Sekretariat Kecamatan Palmerah (demo)", "KEC-PALMERAH", "coordinator"),
    user("petugas.bnnk.jakbar", "Petugas BNNK Jakarta Barat (demo)", "BNNK-JAKARTA-BARAT", "field_officer"),
    user("ranger.wk", "Polhut Balai TN Way Kambas (demo)", "BTNWK", "field_officer"),
    user("koordinator.wk", "Koordinator Tim Mitigasi Konflik Gajah TNWK (demo)", "BTNWK", "coordinator"),
    user("admin.wk", "Admin Balai TN Way Kambas (demo)", "BTNWK", "agency_admin"),
    user("pelapor.labuhanratu", "Pelapor Desa Labuhan Ratu IX (demo)", "DESA-LABUHAN-RATU-IX", "field_officer"),
    user("pelapor.brajayekti", "Pelapor Desa Braja Yekti (demo)", "DESA-BRAJA-YEKTI", "field_officer"),
    user("analis.kominfo.lamtim", "Analis Data Diskominfo Lampung Timur (demo)", "DISKOMINFO-LAMTIM", "analyst"),
    user("kesbangpol.jambi", "Kabid Kewaspadaan Kesbangpol Provinsi Jambi (demo)", "KESBANGPOL-JAMBI", "coordinator"),
    user("kesbangpol.kerinci", "Staf Kesbangpol Kabupaten Kerinci (demo)", "KESBANGPOL-KERINCI", "field_officer"),
    user("kesbangpol.kotajambi", "Staf Kesbangpol Kota Jambi (demo)", "KESBANGPOL-KOTA-JAMBI", "field_officer"),
];

// ---- places ---------------------------------------------------------------------------------

/// A named place with its centre (from the Kemendagri centroids in the shipped region table
/// or the places-of-interest list), how far reports may scatter around it, and the police
/// unit that works there with a demo user, when there is one.
#[derive(Debug, Clone, Copy)]
struct Place {
    name: &'static str,
    lat: f64,
    lon: f64,
    /// Half-width of the scatter square in degrees; small near coasts and borders so that
    /// points stay on land and inside Indonesia.
    jitter: f64,
    /// The police user who investigates cases here, if the demo has one.
    police: Option<&'static str>,
    /// The police command the park works with here, named in patrol descriptions.
    partner: &'static str,
}

const fn place(
    name: &'static str,
    lat: f64,
    lon: f64,
    jitter: f64,
    police: Option<&'static str>,
    partner: &'static str,
) -> Place {
    Place {
        name,
        lat,
        lon,
        jitter,
        police,
        partner,
    }
}

/// A place outside the Kerinci Seblat situation, where no police partner is named.
const fn spot(name: &'static str, lat: f64, lon: f64, jitter: f64) -> Place {
    place(name, lat, lon, jitter, None, "")
}

const KERINCI_POLICE: Option<&str> = Some("penyidik.polres.kerinci");
const JAMBI_POLICE: Option<&str> = Some("penyidik.polda.jambi");
const BENGKULU_POLICE: Option<&str> = Some("penyidik.polda.bengkulu");

/// Forest places in and around Kerinci Seblat, in the four provinces of the MoU.
#[rustfmt::skip]
const TNKS_FOREST: &[Place] = &[
    place("Kayu Aro, Kerinci", -1.7792, 101.3128, 0.04, KERINCI_POLICE, "Polres Kerinci"),
    place("Gunung Tujuh, Kerinci", -1.7279, 101.3740, 0.03, KERINCI_POLICE, "Polres Kerinci"),
    place("Gunung Kerinci, Kerinci", -1.8955, 101.2450, 0.04, KERINCI_POLICE, "Polres Kerinci"),
    place("Siulak Mukai, Kerinci", -1.8667, 101.4825, 0.04, KERINCI_POLICE, "Polres Kerinci"),
    place("Lempur, Gunung Raya, Kerinci", -2.3046, 101.5899, 0.04, KERINCI_POLICE, "Polres Kerinci"),
    place("Batang Merangin, Kerinci", -2.1287, 101.6918, 0.04, KERINCI_POLICE, "Polres Kerinci"),
    place("Jangkat, Merangin", -2.5268, 101.7424, 0.05, JAMBI_POLICE, "Polda Jambi"),
    place("Lembah Masurai, Merangin", -2.3993, 101.9159, 0.04, JAMBI_POLICE, "Polda Jambi"),
    place("V Koto, Mukomuko", -2.4016, 101.2901, 0.04, BENGKULU_POLICE, "Polda Bengkulu"),
    place("Malin Deman, Mukomuko", -2.8453, 101.7182, 0.04, BENGKULU_POLICE, "Polda Bengkulu"),
    place("Lunang, Pesisir Selatan", -2.2512, 101.1376, 0.03, None, "Polda Sumatera Barat"),
    place("Ranah Ampek Hulu Tapan, Pesisir Selatan", -2.1458, 101.1112, 0.03, None, "Polda Sumatera Barat"),
    place("STL Ulu Terawas, Musi Rawas", -3.0757, 102.7373, 0.04, None, "Polda Sumatera Selatan"),
    place("Selangit, Musi Rawas", -3.2099, 102.6745, 0.03, None, "Polda Sumatera Selatan"),
];

/// Towns around Kerinci Seblat where wildlife parts are traded and outreach is held.
#[rustfmt::skip]
const TNKS_TOWNS: &[Place] = &[
    place("Kota Sungai Penuh", -2.1133, 101.3393, 0.02, KERINCI_POLICE, "Polres Kerinci"),
    place("Bangko, Merangin", -2.0993, 102.2950, 0.03, JAMBI_POLICE, "Polda Jambi"),
    place("Sarolangun", -2.2737, 102.7135, 0.03, JAMBI_POLICE, "Polda Jambi"),
    place("Kota Jambi", -1.6100, 103.6130, 0.02, JAMBI_POLICE, "Polda Jambi"),
    place("Kota Bengkulu", -3.8414, 102.3082, 0.015, BENGKULU_POLICE, "Polda Bengkulu"),
    place("Kota Padang", -0.8989, 100.4376, 0.02, None, "Polda Sumatera Barat"),
];

const PUTUSSIBAU: Place = spot("Putussibau", 0.8722, 112.9279, 0.02);
const BADAU_PLBN: Place = spot("Desa Badau (dekat PLBN Badau)", 1.0450, 111.8887, 0.01);
const BADAU: Place = spot("Kecamatan Badau", 0.9918, 111.9675, 0.02);
const EMPANANG: Place = spot("Empanang", 0.8371, 111.8066, 0.02);
const BATANG_LUPAR: Place = spot("Lanjak, Batang Lupar", 1.0451, 112.2668, 0.02);
const PURING_KENCANA: Place = spot("Puring Kencana", 0.9713, 111.6754, 0.015);
const EMBALOH_HILIR: Place = spot("Embaloh Hilir", 0.9004, 112.6089, 0.02);
/// Putussibau, the regency seat, appears twice so that it gets about twice the reports.
const KAPUAS_HULU: &[Place] = &[
    PUTUSSIBAU,
    PUTUSSIBAU,
    BADAU_PLBN,
    BADAU,
    EMPANANG,
    BATANG_LUPAR,
    PURING_KENCANA,
    EMBALOH_HILIR,
];

/// The kelurahan centroid; the drug-prone area is a few streets, hence the tight scatter.
const KOTA_BAMBU_SELATAN: Place = spot("Kota Bambu Selatan", -6.1873, 106.8034, 0.004);

const LABUHAN_RATU_IX: Place = spot("Desa Labuhan Ratu IX", -5.0473, 105.7712, 0.015);
const LABUHAN_RATU_VI: Place = spot("Desa Labuhan Ratu VI", -5.0864, 105.7596, 0.015);
const RAJABASA_LAMA_I: Place = spot("Desa Rajabasa Lama I", -5.0122, 105.7547, 0.015);
const BRAJA_YEKTI: Place = spot("Desa Braja Yekti", -5.1277, 105.8075, 0.015);
/// Inside the park, around the elephant conservation centre and the Labuhan Ratu district.
const WAY_KAMBAS_PARK: Place = spot("kawasan TN Way Kambas", -4.9300, 105.7770, 0.03);
const SUKADANA: Place = spot(
    "Sukadana (Dinas Kominfo Lampung Timur)",
    -5.0616,
    105.5429,
    0.003,
);

const MUARA_BULIAN: Place = spot("Muara Bulian, Batanghari", -1.7299, 103.2378, 0.03);
const MUARA_SABAK: Place = spot(
    "Muara Sabak, Tanjung Jabung Timur",
    -1.0708,
    103.9447,
    0.015,
);
const BANGKO: Place = spot("Bangko, Merangin", -2.0993, 102.2950, 0.03);
const SIULAK: Place = spot("Siulak, Kerinci", -1.9787, 101.2933, 0.02);
const KOTA_JAMBI: Place = spot("Kota Jambi", -1.6100, 103.6130, 0.02);

// ---- the generator --------------------------------------------------------------------------

/// Which seed situation a report belongs to; used to count and to test the spread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Situation {
    Tnks,
    KapuasHulu,
    KotaBambuSelatan,
    WayKambas,
    JambiKotan,
}

/// A demo report before it is tied to stored agency and user ids.
#[derive(Debug, Clone, PartialEq)]
struct Draft {
    situation: Situation,
    id: ReportId,
    type_key: &'static str,
    title: String,
    description: String,
    occurred_at: DateTime<FixedOffset>,
    lon: f64,
    lat: f64,
    region_code: Option<String>,
    author: &'static str,
    sensitivity: Sensitivity,
    status: Status,
    attributes: Map<String, Value>,
}

/// What a situation function decides about one report; the generator adds the point, the
/// status (unless fixed), the id and the demo marks.
struct Spec {
    situation: Situation,
    type_key: &'static str,
    title: String,
    body: String,
    at: DateTime<FixedOffset>,
    place: Place,
    author: &'static str,
    sensitivity: Sensitivity,
    status: Option<Status>,
    attributes: Value,
}

struct Gen {
    rng: ChaCha8Rng,
    drafts: Vec<Draft>,
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    // The dates are constants in this file and the tests check they stay in range, so the
    // fallback is never taken.
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A WIB local time on `day`, `minute` minutes after midnight.
fn wib(day: NaiveDate, minute: u32) -> DateTime<FixedOffset> {
    let offset = FixedOffset::east_opt(WIB_SECS).unwrap_or(Utc.fix());
    let local = day.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
    DateTime::from_naive_utc_and_offset(local - Duration::seconds(i64::from(WIB_SECS)), offset)
}

impl Gen {
    fn new() -> Self {
        Gen {
            rng: ChaCha8Rng::seed_from_u64(SEED),
            drafts: Vec::new(),
        }
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.rng.gen_range(0..xs.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }

    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.gen_range(lo..=hi)
    }

    fn dec(&mut self, lo: f64, hi: f64, places: i32) -> f64 {
        round(self.rng.gen_range(lo..hi), places)
    }

    /// An amount of rupiah rounded to a hundred thousand, as people estimate losses.
    fn rupiah(&mut self, lo: i64, hi: i64) -> i64 {
        self.int(lo / 100_000, hi / 100_000) * 100_000
    }

    /// A daytime moment between two calendar dates, inclusive.
    fn date(&mut self, from: (i32, u32, u32), to: (i32, u32, u32)) -> DateTime<FixedOffset> {
        let (from, to) = (ymd(from), ymd(to));
        let days = (to - from).num_days().max(0);
        let day = from + Duration::days(self.rng.gen_range(0..=days));
        let minute = self.rng.gen_range(6 * 60..19 * 60);
        wib(day, minute)
    }

    /// A moment in the dry season (June to October), when fires and hotspots happen.
    fn dry_season(&mut self, y0: i32, y1: i32) -> DateTime<FixedOffset> {
        let y = self.rng.gen_range(y0..=y1);
        let m = self.rng.gen_range(6..=10);
        let d = self.rng.gen_range(1..=28);
        let minute = self.rng.gen_range(9 * 60..17 * 60);
        wib(ymd((y, m, d)), minute)
    }

    /// Weights for public, internal, restricted and secret.
    fn sensitivity(&mut self, w: [u32; 4]) -> Sensitivity {
        let total: u32 = w.iter().sum();
        let mut r = self.rng.gen_range(0..total.max(1));
        for (s, weight) in Sensitivity::ALL.into_iter().zip(w) {
            if r < weight {
                return s;
            }
            r -= weight;
        }
        Sensitivity::Internal
    }

    /// Older reports are mostly closed; recent ones are still being worked on.
    fn status(&mut self, at: DateTime<FixedOffset>) -> Status {
        let r: f64 = self.rng.gen();
        if at.date_naive() < ymd((2024, 7, 1)) {
            match r {
                r if r < 0.70 => Status::Closed,
                r if r < 0.85 => Status::Verified,
                _ => Status::InProgress,
            }
        } else {
            match r {
                r if r < 0.25 => Status::New,
                r if r < 0.50 => Status::Verified,
                r if r < 0.80 => Status::InProgress,
                _ => Status::Closed,
            }
        }
    }

    /// A point scattered around `p` that the gazetteer places in a region, with that
    /// region's most specific code. Points falling outside every province (sea, the
    /// Malaysian side of the border) are drawn again.
    fn locate(&mut self, p: &Place) -> (f64, f64, Option<String>) {
        let g = Gazetteer::shipped();
        for _ in 0..30 {
            let lon = round(p.lon + self.rng.gen_range(-p.jitter..=p.jitter), 5);
            let lat = round(p.lat + self.rng.gen_range(-p.jitter..=p.jitter), 5);
            if let Some(loc) = g.locate(lon, lat) {
                return (lon, lat, Some(loc.most_specific().code.clone()));
            }
        }
        (
            p.lon,
            p.lat,
            g.locate(p.lon, p.lat)
                .map(|l| l.most_specific().code.clone()),
        )
    }

    fn push(&mut self, s: Spec) {
        let (lon, lat, region_code) = self.locate(&s.place);
        let status = match s.status {
            Some(st) => st,
            None => self.status(s.at),
        };
        let mut random = [0u8; 10];
        self.rng.fill(&mut random);
        // The id's time part is the occurrence time, not the load time, so that ids are
        // the same in every load and still sort roughly by when things happened.
        let id = ReportId::new_at(s.at.with_timezone(&Utc), random);
        let attributes = match s.attributes {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        self.drafts.push(Draft {
            situation: s.situation,
            id,
            type_key: s.type_key,
            title: format!("[Demo] {}", s.title),
            description: format!("{}\n\n{DEMO_MARK}", s.body),
            occurred_at: s.at,
            lon,
            lat,
            region_code,
            author: s.author,
            sensitivity: s.sensitivity,
            status,
            attributes,
        });
    }
}

/// Every demo report, in a fixed order from a fixed seed.
fn plan() -> Vec<Draft> {
    let mut g = Gen::new();
    tnks(&mut g);
    kapuas_hulu(&mut g);
    kota_bambu_selatan(&mut g);
    way_kambas(&mut g);
    jambi_kotan(&mut g);
    g.drafts
}

// ---- (a) Kerinci Seblat and the four Polda ------------------------------------------------------

const SPECIES_LABEL: &[(&str, &str)] = &[
    ("harimau_sumatera", "harimau sumatera"),
    ("gajah_sumatera", "gajah sumatera"),
    ("badak_sumatera", "badak sumatera"),
    ("trenggiling", "trenggiling"),
    ("beruang_madu", "beruang madu"),
    ("rusa", "rusa"),
    ("burung", "burung"),
    ("lainnya", "satwa lain"),
];

fn species_label(key: &str) -> &'static str {
    SPECIES_LABEL
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("satwa", |(_, l)| *l)
}

fn tnks(g: &mut Gen) {
    use Situation::Tnks as S;
    // The MoU was signed on 14 March 2017; the demo covers the years since.
    const FROM: (i32, u32, u32) = (2017, 3, 15);
    const TO: (i32, u32, u32) = (2025, 9, 30);

    for _ in 0..22 {
        let p = g.pick(TNKS_FOREST);
        let (ptype, plabel) = g.pick(&[
            ("forest_security", "pengamanan hutan"),
            ("forest_security", "pengamanan hutan"),
            ("joint", "gabungan"),
            ("fire_prevention", "pencegahan karhutla"),
        ]);
        let at = if ptype == "fire_prevention" {
            g.dry_season(2017, 2025)
        } else {
            g.date(FROM, TO)
        };
        let findings: &[(&str, &str, &str)] = if ptype == "fire_prevention" {
            &[
                ("none", "nihil", "Tidak ditemukan titik api maupun bekas pembakaran di jalur patroli."),
                ("fire", "bekas bakar", "Ditemukan bekas pembakaran lahan di tepi kawasan; pemilik lahan didata untuk pembinaan."),
            ]
        } else {
            &[
                (
                    "none",
                    "nihil",
                    "Jalur patroli aman; tidak ditemukan gangguan kawasan.",
                ),
                (
                    "snare",
                    "jerat",
                    "Ditemukan jerat kawat di jalur satwa dan langsung dimusnahkan.",
                ),
                (
                    "logging",
                    "pembalakan",
                    "Ditemukan tunggul bekas tebangan baru dan kayu olahan yang ditinggalkan.",
                ),
                (
                    "encroachment",
                    "perambahan",
                    "Ditemukan pembukaan lahan baru untuk kebun kopi di dalam kawasan.",
                ),
                (
                    "wildlife_sign",
                    "tanda satwa",
                    "Ditemukan jejak dan bekas cakaran harimau sumatera di jalur patroli.",
                ),
                (
                    "other",
                    "pondok kerja",
                    "Ditemukan pondok kerja tanpa penghuni di dalam kawasan.",
                ),
            ]
        };
        let (finding, flabel, ftext) = g.pick(findings);
        let team = g.int(4, 14);
        let km = g.dec(3.0, 24.0, 1);
        let joint_police = if ptype == "joint" { p.police } else { None };
        let author = match joint_police {
            Some(police) if g.chance(0.4) => police,
            _ => "ranger.tnks",
        };
        let who = if ptype == "joint" {
            format!(
                "Patroli gabungan Polhut BBTNKS bersama personel {}",
                p.partner
            )
        } else {
            "Tim Polhut BBTNKS".to_string()
        };
        let sensitivity = g.sensitivity([0, 8, 2, 0]);
        g.push(Spec {
            situation: S,
            type_key: "patrol_finding",
            title: format!("Patroli {plabel} di {}: {flabel}", p.name),
            body: format!("{who} ({team} orang) menempuh {} km di {}. {ftext}", id_dec(km), p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"patrol_type": ptype, "finding": finding, "team_size": team, "distance_km": km}),
        });
    }

    for _ in 0..14 {
        let p = g.pick(TNKS_FOREST);
        let at = g.date(FROM, TO);
        let count = g.int(1, 24);
        let snare_type = g.pick(&["wire", "wire", "wire", "rope", "net"]);
        let target = g.pick(&[
            "harimau_sumatera",
            "harimau_sumatera",
            "rusa",
            "rusa",
            "beruang_madu",
            "lainnya",
        ]);
        let removed = g.chance(0.85);
        let sensitivity = g.sensitivity([0, 5, 5, 0]);
        let kind = match snare_type {
            "wire" => "kawat baja",
            "rope" => "tali nilon",
            _ => "jaring",
        };
        let fate = if removed {
            "Seluruh jerat dimusnahkan di tempat."
        } else {
            "Jerat ditandai untuk pengintaian pelaku."
        };
        g.push(Spec {
            situation: S,
            type_key: "snare_found",
            title: format!("Temuan {count} jerat {} di {}", species_label(target), p.name),
            body: format!(
                "Tim patroli menemukan {count} jerat {kind} yang dipasang di jalur {} di {}. {fate}",
                species_label(target),
                p.name
            ),
            at,
            place: p,
            author: "ranger.tnks",
            sensitivity,
            status: None,
            attributes: json!({"snare_count": count, "snare_type": snare_type, "target_species": target, "removed": removed}),
        });
    }

    for _ in 0..14 {
        let p = g.pick(TNKS_FOREST);
        let at = g.date(FROM, TO);
        let volume = g.dec(1.5, 40.0, 1);
        let wood = g.pick(&["meranti", "kulim", "medang", "surian", "jelutung", "bayur"]);
        let evidence = g.pick(&[
            &["chainsaw", "sawn_timber"][..],
            &["chainsaw", "logs"][..],
            &["logs", "truck"][..],
            &["sawn_timber"][..],
            &["chainsaw", "sawn_timber", "truck"][..],
        ]);
        let suspects = g.int(0, 5);
        let author = match p.police {
            Some(police) if g.chance(0.4) => police,
            _ => "ranger.tnks",
        };
        let sensitivity = g.sensitivity([0, 6, 4, 0]);
        let who = if suspects == 0 {
            "Pelaku melarikan diri sebelum tim tiba.".to_string()
        } else {
            format!("{suspects} terduga pelaku diamankan untuk pemeriksaan Tipihut.")
        };
        g.push(Spec {
            situation: S,
            type_key: "illegal_logging",
            title: format!("Pembalakan liar kayu {wood} di {}", p.name),
            body: format!("Ditemukan sekitar {} m³ kayu {wood} hasil tebangan liar di dalam kawasan TNKS, {}. {who}", id_dec(volume), p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"volume_m3": volume, "wood_species": wood, "evidence": evidence, "suspects_count": suspects}),
        });
    }

    for _ in 0..12 {
        let p = g.pick(TNKS_FOREST);
        let at = g.date(FROM, TO);
        let mining_area = p.name.contains("Merangin");
        let (land_use, what) = if mining_area && g.chance(0.6) {
            ("mining", "tambang emas tanpa izin (PETI)")
        } else {
            g.pick(&[
                ("plantation", "kebun kopi"),
                ("plantation", "kebun kayu manis"),
                ("farming", "ladang"),
                ("settlement", "pondok dan permukiman baru"),
            ])
        };
        let area = g.dec(0.5, 25.0, 1);
        let author = if g.chance(0.3) {
            "koordinator.tnks"
        } else {
            "ranger.tnks"
        };
        let sensitivity = g.sensitivity([0, 7, 3, 0]);
        g.push(Spec {
            situation: S,
            type_key: "encroachment",
            title: format!("Perambahan untuk {what} di {}", p.name),
            body: format!(
                "Pembukaan kawasan TNKS seluas sekitar {} ha untuk {what} di {}. Data dikirim ke Pokja untuk ditindaklanjuti bersama {}.",
                id_dec(area),
                p.name, p.partner
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"area_ha": area, "land_use": land_use}),
        });
    }

    for _ in 0..10 {
        let p = g.pick(TNKS_FOREST);
        let at = g.dry_season(2017, 2025);
        let confidence = g.pick(&["low", "nominal", "nominal", "high"]);
        let frp = g.dec(2.0, 85.0, 1);
        let satellite = g.pick(&[
            "NOAA-20 VIIRS",
            "Suomi NPP VIIRS",
            "Aqua MODIS",
            "Terra MODIS",
        ]);
        let sensitivity = g.sensitivity([7, 3, 0, 0]);
        g.push(Spec {
            situation: S,
            type_key: "hotspot",
            title: format!("Titik panas {satellite} dekat {}", p.name),
            body: format!(
                "Titik panas terdeteksi satelit {satellite} (FRP {} MW) di sekitar {}. Regu Dalkarhut diminta melakukan pengecekan lapangan.",
                id_dec(frp),
                p.name
            ),
            at,
            place: p,
            author: "koordinator.tnks",
            sensitivity,
            status: None,
            attributes: json!({"confidence": confidence, "frp": frp, "satellite": satellite}),
        });
    }

    for _ in 0..6 {
        let p = g.pick(TNKS_FOREST);
        let at = g.dry_season(2017, 2025);
        let area = g.dec(0.5, 30.0, 1);
        let fire_status = g.pick(&["active", "controlled", "extinguished", "extinguished"]);
        let cover = g.pick(&["forest", "shrub", "plantation"]);
        let sensitivity = g.sensitivity([6, 4, 0, 0]);
        let state = match fire_status {
            "active" => "api masih menyala",
            "controlled" => "api sudah terkendali",
            _ => "api sudah padam",
        };
        g.push(Spec {
            situation: S,
            type_key: "forest_fire",
            title: format!("Kebakaran lahan {} ha di {}", id_dec(area), p.name),
            body: format!(
                "Kebakaran di {} dengan luas sekitar {} ha; {state}. Pemadaman oleh Manggala Agni dan regu Dalkarhut BBTNKS bersama {}.",
                p.name,
                id_dec(area), p.partner
            ),
            at,
            place: p,
            author: "ranger.tnks",
            sensitivity,
            status: None,
            attributes: json!({"area_ha": area, "fire_status": fire_status, "land_cover": cover}),
        });
    }

    for _ in 0..10 {
        let p = g.pick(TNKS_FOREST);
        let at = g.date(FROM, TO);
        let species = g.pick(&[
            "harimau_sumatera",
            "harimau_sumatera",
            "harimau_sumatera",
            "beruang_madu",
            "rusa",
            "burung",
        ]);
        let count = if species == "harimau_sumatera" {
            g.int(1, 2)
        } else {
            g.int(1, 5)
        };
        let evidence = g.pick(&[
            "camera_trap",
            "camera_trap",
            "track",
            "dung",
            "direct",
            "sound",
        ]);
        let how = match evidence {
            "camera_trap" => "terekam kamera jebak",
            "track" => "ditemukan jejaknya",
            "dung" => "ditemukan kotorannya",
            "direct" => "terlihat langsung",
            _ => "terdengar suaranya",
        };
        // Tiger locations help poachers, so tiger records are never wider than restricted.
        let sensitivity = if species == "harimau_sumatera" {
            Sensitivity::Restricted
        } else {
            g.sensitivity([2, 8, 0, 0])
        };
        g.push(Spec {
            situation: S,
            type_key: "wildlife_sighting",
            title: format!("Perjumpaan {} di {}", species_label(species), p.name),
            body: format!(
                "{count} individu {} {how} di {}.",
                species_label(species),
                p.name
            ),
            at,
            place: p,
            author: "ranger.tnks",
            sensitivity,
            status: None,
            attributes: json!({"species": species, "count": count, "evidence": evidence}),
        });
    }

    for _ in 0..6 {
        let p = g.pick(TNKS_FOREST);
        let at = g.date(FROM, TO);
        let species = g.pick(&[
            "harimau_sumatera",
            "harimau_sumatera",
            "harimau_sumatera",
            "rusa",
            "trenggiling",
        ]);
        let method = g.pick(&["snare", "snare", "firearm", "poison"]);
        let carcass = g.chance(0.5);
        let author = match p.police {
            Some(police) if g.chance(0.5) => police,
            _ => "ranger.tnks",
        };
        let sensitivity = g.sensitivity([0, 0, 7, 3]);
        let found = if carcass {
            "Bangkai ditemukan dan diperiksa dokter hewan."
        } else {
            "Bangkai tidak ditemukan; pelaku diduga membawa bagian tubuh satwa."
        };
        g.push(Spec {
            situation: S,
            type_key: "poaching",
            title: format!("Perburuan {} di {}", species_label(species), p.name),
            body: format!(
                "Indikasi perburuan {} di {}. {found} Penyelidikan bersama {} sesuai rencana kerja Pokja.",
                species_label(species),
                p.name,
                p.partner
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"species": species, "method": method, "carcass_found": carcass}),
        });
    }

    let trade_towns: Vec<Place> = TNKS_TOWNS
        .iter()
        .copied()
        .filter(|t| t.police.is_some())
        .collect();
    for _ in 0..6 {
        let p = g.pick(&trade_towns);
        let at = g.date(FROM, TO);
        let (species, item, what) = g.pick(&[
            ("harimau_sumatera", "skin", "kulit harimau"),
            ("harimau_sumatera", "bone", "tulang harimau"),
            ("trenggiling", "scale", "sisik trenggiling"),
            ("beruang_madu", "other", "empedu beruang madu"),
        ]);
        let quantity = g.int(1, 12);
        let online = g.chance(0.4);
        let author = p.police.unwrap_or("ranger.tnks");
        let sensitivity = g.sensitivity([0, 0, 6, 4]);
        let via = if online {
            "ditawarkan melalui media sosial"
        } else {
            "ditawarkan langsung kepada pembeli"
        };
        g.push(Spec {
            situation: S,
            type_key: "wildlife_trade",
            title: format!("Perdagangan {what} di {}", p.name),
            body: format!(
                "Informasi BBTNKS ditindaklanjuti {}: {quantity} barang bukti {what} {via} di {}.",
                p.partner, p.name
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"species": species, "item": item, "quantity": quantity, "online": online}),
        });
    }

    for _ in 0..10 {
        let town = g.chance(0.5);
        let p = if town {
            g.pick(TNKS_TOWNS)
        } else {
            g.pick(TNKS_FOREST)
        };
        let at = g.date(FROM, TO);
        let (topic, what) = g.pick(&[
            (
                "conservation",
                "pengelolaan TNKS dan perlindungan harimau sumatera",
            ),
            ("fire", "pencegahan kebakaran hutan dan lahan"),
            (
                "wildlife_conflict",
                "penanganan konflik satwa liar dan manusia",
            ),
            (
                "law",
                "kesadaran hukum tentang kejahatan tumbuhan dan satwa liar",
            ),
        ]);
        let audience = g.pick(&[
            "Masyarakat desa penyangga",
            "Babinkamtibmas di sekitar kawasan TNKS",
            "Kelompok tani hutan",
            "Pelajar SMA",
            "Personel Polres dan Babinkamtibmas",
        ]);
        let participants = g.int(20, 150);
        let author = match (topic, p.police) {
            ("law", Some(police)) => police,
            _ => "koordinator.tnks",
        };
        g.push(Spec {
            situation: S,
            type_key: "outreach_held",
            title: format!("Sosialisasi {what} di {}", p.name),
            body: format!(
                "Sosialisasi {what} untuk {} ({participants} peserta) di {}.",
                mid_sentence(audience),
                p.name
            ),
            at,
            place: p,
            author,
            sensitivity: Sensitivity::Public,
            status: Some(Status::Closed),
            attributes: json!({"topic": topic, "participants": participants, "audience": audience}),
        });
    }
}

// ---- (b) Kapuas Hulu anti-trafficking task force -----------------------------------------------

fn kapuas_hulu(g: &mut Gen) {
    use Situation::KapuasHulu as S;
    const FROM: (i32, u32, u32) = (2025, 1, 6);
    const TO: (i32, u32, u32) = (2025, 10, 31);

    // The coordination meeting of 27 May 2025 in the Bappeda hall is the anchor of the task force.
    g.push(Spec {
        situation: S,
        type_key: "outreach_held",
        title: "Rapat koordinasi pencegahan dan penanganan TPPO Kabupaten Kapuas Hulu".into(),
        body: "Pertemuan koordinasi dan sinkronisasi pencegahan dan penanganan TPPO di Aula Bappeda Kapuas Hulu, \
               dihadiri DP3A Kalbar, PLBN Badau, Kodim 1206/Psb, Polres Kapuas Hulu, Pengadilan Negeri, Imigrasi \
               Putussibau, BIN dan OPD. Disepakati pembentukan Satgas TPPO sesuai RAN PPTPPO."
            .into(),
        at: wib(ymd((2025, 5, 27)), 8 * 60 + 30),
        place: PUTUSSIBAU,
        author: "satgas.kapuashulu",
        sensitivity: Sensitivity::Public,
        status: Some(Status::Closed),
        attributes: json!({"topic": "trafficking", "participants": 40, "audience": "Anggota gugus tugas TPPO dan OPD Kabupaten Kapuas Hulu"}),
    });
    // The 27 repatriated victims from West Kalimantan mentioned at the meeting.
    g.push(Spec {
        situation: S,
        type_key: "trafficking_case",
        title: "Penerimaan korban TPPO asal Kalimantan Barat yang dipulangkan".into(),
        body: "Dari 400 korban TPPO yang dipulangkan ke Indonesia, 27 orang berasal dari Kalimantan Barat. \
               Korban diterima melalui PLBN Badau untuk pendataan, pemeriksaan kesehatan dan pendampingan DP3A."
            .into(),
        at: wib(ymd((2025, 4, 14)), 10 * 60),
        place: BADAU_PLBN,
        author: "petugas.plbn.badau",
        sensitivity: Sensitivity::Restricted,
        status: Some(Status::InProgress),
        attributes: json!({"victims": 27, "minors": 3, "destination_country": "Kamboja", "route": "plbn",
                           "exploitation": ["online_scam", "labour"], "repatriated": true}),
    });

    for _ in 0..14 {
        let p = g.pick(KAPUAS_HULU);
        let at = g.date(FROM, TO);
        let victims = g.int(1, 6);
        let minors = if g.chance(0.35) {
            g.int(1, victims.min(2))
        } else {
            0
        };
        let (country, exploitation) = g.pick(&[
            ("Malaysia", &["labour"][..]),
            ("Malaysia", &["labour"][..]),
            ("Malaysia", &["sexual"][..]),
            ("Kamboja", &["online_scam"][..]),
            ("Myanmar", &["online_scam", "labour"][..]),
        ]);
        let route = if country == "Malaysia" {
            g.pick(&["plbn", "unofficial", "unofficial"])
        } else {
            g.pick(&["airport", "plbn"])
        };
        let repatriated = g.chance(0.5);
        let author = g.pick(&[
            "reskrim.polres.kapuashulu",
            "reskrim.polres.kapuashulu",
            "petugas.plbn.badau",
            "petugas.imigrasi.putussibau",
            "satgas.kapuashulu",
        ]);
        let sensitivity = g.sensitivity([0, 0, 8, 2]);
        let route_text = match route {
            "plbn" => "melalui PLBN Badau",
            "unofficial" => "melalui jalur tidak resmi di perbatasan",
            _ => "melalui bandara",
        };
        let child = if minors > 0 {
            format!(", {minors} di antaranya anak")
        } else {
            String::new()
        };
        let state = if repatriated {
            "Korban sudah dipulangkan dan didampingi."
        } else {
            "Korban masih berada di negara tujuan; koordinasi pemulangan berjalan."
        };
        g.push(Spec {
            situation: S,
            type_key: "trafficking_case",
            title: format!("Dugaan TPPO tujuan {country} ({victims} korban) – {}", p.name),
            body: format!("{victims} korban asal {}{child}, diberangkatkan ke {country} {route_text}. {state}", p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"victims": victims, "minors": minors, "destination_country": country, "route": route,
                               "exploitation": exploitation, "repatriated": repatriated}),
        });
    }

    for _ in 0..14 {
        let p = g.pick(KAPUAS_HULU);
        let at = g.date(FROM, TO);
        let (channel, via) = g.pick(&[
            ("social_media", "lowongan di media sosial"),
            ("social_media", "pesan berantai di grup percakapan"),
            ("agent", "calo yang datang ke desa"),
            ("relative", "kerabat yang sudah bekerja di luar negeri"),
        ]);
        let (job, country) = g.pick(&[
            ("buruh perkebunan sawit", "Malaysia"),
            ("pekerja restoran", "Malaysia"),
            ("asisten rumah tangga", "Malaysia"),
            ("operator komputer dengan gaji tinggi", "Kamboja"),
            ("admin customer service", "Myanmar"),
        ]);
        let author = g.pick(&[
            "satgas.kapuashulu",
            "petugas.imigrasi.putussibau",
            "petugas.plbn.badau",
            "reskrim.polres.kapuashulu",
        ]);
        let sensitivity = g.sensitivity([0, 6, 4, 0]);
        g.push(Spec {
            situation: S,
            type_key: "suspicious_recruitment",
            title: format!("Tawaran kerja mencurigakan ke {country} di {}", p.name),
            body: format!(
                "Warga {} menerima tawaran kerja sebagai {job} di {country} melalui {via}, tanpa dokumen resmi dan dengan biaya keberangkatan ditanggung perekrut.",
                p.name
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"channel": channel, "offered_job": job, "destination_country": country}),
        });
    }

    for _ in 0..15 {
        let p = g.pick(KAPUAS_HULU);
        let at = g.date(FROM, TO);
        let audience = g.pick(&[
            "Pelajar SMA dan SMK",
            "Perangkat desa dan tokoh adat",
            "Calon pekerja migran",
            "Ibu-ibu PKK",
            "Penumpang di terminal PLBN Badau",
        ]);
        let participants = g.int(25, 180);
        let author = g.pick(&[
            "satgas.kapuashulu",
            "satgas.kapuashulu",
            "petugas.plbn.badau",
            "petugas.imigrasi.putussibau",
        ]);
        g.push(Spec {
            situation: S,
            type_key: "outreach_held",
            title: format!("Sosialisasi pencegahan TPPO di {}", p.name),
            body: format!(
                "Sosialisasi bahaya TPPO, penipuan kerja daring dan prosedur bekerja ke luar negeri secara resmi untuk {} ({participants} peserta) di {}.",
                mid_sentence(audience),
                p.name
            ),
            at,
            place: p,
            author,
            sensitivity: Sensitivity::Public,
            status: Some(Status::Closed),
            attributes: json!({"topic": "trafficking", "participants": participants, "audience": audience}),
        });
    }
}

// ---- (c) Kota Bambu Selatan, drug-free neighbourhood ----------------------------------------------

fn kota_bambu_selatan(g: &mut Gen) {
    use Situation::KotaBambuSelatan as S;
    const FROM: (i32, u32, u32) = (2021, 1, 4);
    const TO: (i32, u32, u32) = (2023, 12, 29);
    const STREETS: &[&str] = &[
        "Jl. Raya Katamso",
        "Gg. Kampung Boncos",
        "Gg. Boncos I",
        "Gg. Boncos II",
        "Gg. Boncos III",
        "Gg. Masjid",
    ];

    // The virtual stakeholder meeting of 26 August 2021 that started the programme.
    g.push(Spec {
        situation: S,
        type_key: "outreach_held",
        title: "Rapat sinergi pemulihan kawasan rawan narkoba Kota Bambu Selatan (daring)".into(),
        body: "Rapat daring Direktorat Pemberdayaan Alternatif BNN dengan Lurah Kota Bambu Selatan, Polsek Palmerah \
               dan pemangku kepentingan: lima strategi pembinaan (Bina Lembaga, Bina Lingkungan, Bina Masyarakat, \
               Bina Kawasan, Bina Usaha) menuju Kelurahan Bersinar."
            .into(),
        at: wib(ymd((2021, 8, 26)), 9 * 60),
        place: KOTA_BAMBU_SELATAN,
        author: "petugas.bnnk.jakbar",
        sensitivity: Sensitivity::Public,
        status: Some(Status::Closed),
        attributes: json!({"topic": "narcotics", "participants": 35, "audience": "Pemangku kepentingan Kelurahan Kota Bambu Selatan"}),
    });

    for _ in 0..26 {
        let at = g.date(FROM, TO);
        let street = g.pick(STREETS);
        let (activity, what) = g.pick(&[
            ("dealing", "transaksi narkoba"),
            ("dealing", "transaksi narkoba"),
            ("use", "penyalahgunaan narkoba"),
            ("gathering", "kerumunan mencurigakan"),
        ]);
        let (time_of_day, when) = g.pick(&[
            ("night", "malam"),
            ("night", "malam"),
            ("evening", "sore"),
            ("afternoon", "siang"),
            ("morning", "pagi"),
        ]);
        let author = g.pick(&[
            "lurah.kbs",
            "lurah.kbs",
            "polsek.palmerah",
            "petugas.bnnk.jakbar",
        ]);
        let sensitivity = g.sensitivity([0, 7, 3, 0]);
        // Every street lies in Kampung Boncos; the gang names already say so.
        let area = if street.contains("Boncos") {
            ""
        } else {
            " (Kampung Boncos)"
        };
        let source = if author == "lurah.kbs" {
            "Posko pemantauan kelurahan"
        } else {
            "Petugas yang berpatroli"
        };
        g.push(Spec {
            situation: S,
            type_key: "drug_prone_activity",
            title: format!("Aktivitas rawan narkoba di {street}"),
            body: format!("{source} mencatat {what} pada {when} hari di {street}{area}. Pelaku diduga berasal dari luar kampung."),
            at,
            place: KOTA_BAMBU_SELATAN,
            author,
            sensitivity,
            status: None,
            attributes: json!({"activity": activity, "street": street, "time_of_day": time_of_day}),
        });
    }

    for _ in 0..14 {
        let at = g.date(FROM, TO);
        let street = g.pick(STREETS);
        let (substance, name) = g.pick(&[
            ("methamphetamine", "sabu"),
            ("methamphetamine", "sabu"),
            ("cannabis", "ganja"),
            ("ecstasy", "ekstasi"),
        ]);
        let weight = if substance == "ecstasy" {
            g.dec(1.0, 20.0, 1)
        } else {
            g.dec(0.3, 150.0, 1)
        };
        let suspects = g.int(1, 4);
        let rehab = g.chance(0.3);
        let author = g.pick(&["polsek.palmerah", "polsek.palmerah", "petugas.bnnk.jakbar"]);
        let sensitivity = g.sensitivity([0, 3, 6, 1]);
        let next = if rehab {
            "Tersangka pengguna diarahkan ke asesmen rehabilitasi."
        } else {
            "Tersangka dan barang bukti diserahkan ke Polres Metro Jakarta Barat."
        };
        g.push(Spec {
            situation: S,
            type_key: "narcotics_arrest",
            title: format!("Penangkapan {name} di {street}"),
            body: format!("{suspects} tersangka diamankan dengan barang bukti {name} seberat {} gram di {street}. {next}", id_dec(weight)),
            at,
            place: KOTA_BAMBU_SELATAN,
            author,
            sensitivity,
            status: None,
            attributes: json!({"substance": substance, "weight_g": weight, "suspects_count": suspects, "rehabilitation": rehab}),
        });
    }

    for _ in 0..9 {
        let at = g.date(FROM, TO);
        let (audience, what) = g.pick(&[
            (
                "Karang Taruna Kota Bambu Selatan",
                "pelatihan kewirausahaan dan bahaya narkoba",
            ),
            ("Warga RW Kampung Boncos", "sosialisasi Kelurahan Bersinar"),
            ("Pelajar SMP dan SMA", "penyuluhan bahaya narkoba"),
            (
                "Pengurus posko pemantauan",
                "pemetaan kebutuhan kawasan rawan narkoba",
            ),
        ]);
        let participants = g.int(20, 120);
        let author = g.pick(&["lurah.kbs", "petugas.bnnk.jakbar"]);
        g.push(Spec {
            situation: S,
            type_key: "outreach_held",
            title: format!("Kegiatan {what}"),
            body: format!("Kegiatan {what} untuk {} ({participants} peserta) di Kelurahan Kota Bambu Selatan.", mid_sentence(audience)),
            at,
            place: KOTA_BAMBU_SELATAN,
            author,
            sensitivity: Sensitivity::Public,
            status: Some(Status::Closed),
            attributes: json!({"topic": "narcotics", "participants": participants, "audience": audience}),
        });
    }
}

// ---- (d) Way Kambas, elephants and buffer villages -------------------------------------------------

fn way_kambas(g: &mut Gen) {
    use Situation::WayKambas as S;
    const FROM: (i32, u32, u32) = (2024, 1, 3);
    const TO: (i32, u32, u32) = (2025, 10, 31);
    // Each buffer village with who reports from it: the village's own reporter where the
    // demo has one, the park's rangers otherwise.
    const VILLAGES: &[(Place, &str)] = &[
        (LABUHAN_RATU_IX, "pelapor.labuhanratu"),
        (LABUHAN_RATU_IX, "pelapor.labuhanratu"),
        (LABUHAN_RATU_VI, "ranger.wk"),
        (RAJABASA_LAMA_I, "ranger.wk"),
        (BRAJA_YEKTI, "pelapor.brajayekti"),
    ];

    // The dissemination visit to the Lampung Timur communications office on 7 November 2024.
    g.push(Spec {
        situation: S,
        type_key: "outreach_held",
        title: "Diseminasi teknologi konservasi gajah di Dinas Kominfo Lampung Timur".into(),
        body: "Tim TFCA Sumatera dan Balai TN Way Kambas memaparkan integrasi data gajah sumatera, aplikasi Kawal Desa \
               dan sistem peringatan dini kepada Kepala Dinas Kominfo Lampung Timur; direncanakan audiensi lanjutan \
               dengan Sekda untuk perluasan piloting."
            .into(),
        at: wib(ymd((2024, 11, 7)), 9 * 60 + 30),
        place: SUKADANA,
        author: "ranger.wk",
        sensitivity: Sensitivity::Public,
        status: Some(Status::Closed),
        attributes: json!({"topic": "wildlife_conflict", "participants": 12, "audience": "Dinas Kominfo Lampung Timur"}),
    });

    for _ in 0..24 {
        let (p, author) = g.pick(VILLAGES);
        let at = g.date(FROM, TO);
        let individuals = g.int(1, 28);
        let crop = g.pick(&["padi", "jagung", "singkong", "pisang", "kelapa", "tebu"]);
        let loss = g.rupiah(500_000, 25_000_000);
        let households = g.int(1, 12);
        let sensitivity = g.sensitivity([4, 6, 0, 0]);
        g.push(Spec {
            situation: S,
            type_key: "hwc_crop_raid",
            title: format!("Gajah masuk kebun {crop} di {}", p.name),
            body: format!(
                "Kawanan {individuals} ekor gajah sumatera keluar dari TNWK dan merusak tanaman {crop} milik {households} KK di {}. \
                 Warga dan tim Satgas menggiring gajah kembali ke kawasan.",
                p.name
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"species": "gajah_sumatera", "individuals": individuals, "crop": crop, "loss_idr": loss, "households": households}),
        });
    }

    for _ in 0..8 {
        let (p, author) = g.pick(VILLAGES);
        let at = g.date(FROM, TO);
        let (damage, what) = g.pick(&[
            (&["hut"][..], "pondok jaga kebun"),
            (&["fence"][..], "pagar kebun"),
            (&["hut", "fence"][..], "pondok dan pagar kebun"),
            (&["house"][..], "dinding rumah"),
        ]);
        let severity = g.pick(&["ringan", "sedang", "berat"]);
        let loss = g.rupiah(300_000, 15_000_000);
        let sensitivity = g.sensitivity([3, 7, 0, 0]);
        g.push(Spec {
            situation: S,
            type_key: "hwc_damage",
            title: format!("Gajah merusak {what} di {}", p.name),
            body: format!("Gajah sumatera merusak {what} warga di {} pada malam hari. Tidak ada korban jiwa.", p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"species": "gajah_sumatera", "damage": damage, "severity": severity, "loss_idr": loss}),
        });
    }

    for _ in 0..3 {
        let (p, author) = g.pick(VILLAGES);
        let at = g.date(FROM, TO);
        g.push(Spec {
            situation: S,
            type_key: "hwc_injury",
            title: format!("Warga terluka saat menghalau gajah di {}", p.name),
            body: format!("Seorang warga {} terluka saat menghalau gajah dari kebunnya dan dirawat di puskesmas.", p.name),
            at,
            place: p,
            author,
            sensitivity: Sensitivity::Restricted,
            status: None,
            attributes: json!({"species": "gajah_sumatera", "injured": 1, "killed": 0}),
        });
    }

    for _ in 0..15 {
        let at = g.date(FROM, TO);
        // Two Sumatran rhino records stand for the park's most guarded data.
        let rhino = g.chance(0.13);
        let (p, author) = if rhino || g.chance(0.5) {
            (WAY_KAMBAS_PARK, "ranger.wk")
        } else {
            g.pick(VILLAGES)
        };
        let species = if rhino {
            "badak_sumatera"
        } else {
            "gajah_sumatera"
        };
        let count = if rhino { 1 } else { g.int(1, 30) };
        let evidence = g.pick(&["direct", "direct", "track", "dung", "camera_trap"]);
        let sensitivity = if rhino {
            Sensitivity::Secret
        } else {
            g.sensitivity([3, 7, 0, 0])
        };
        let note = if rhino {
            "Lokasi dirahasiakan; hanya untuk tim perlindungan badak."
        } else {
            "Peringatan dini dikirim ke desa penyangga terdekat melalui Kawal Desa."
        };
        g.push(Spec {
            situation: S,
            type_key: "wildlife_sighting",
            title: format!("Perjumpaan {} di {}", species_label(species), p.name),
            body: format!(
                "{count} individu {} terpantau di {}. {note}",
                species_label(species),
                p.name
            ),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"species": species, "count": count, "evidence": evidence}),
        });
    }

    for _ in 0..10 {
        let at = g.date(FROM, TO);
        let (ptype, plabel) = g.pick(&[
            ("forest_security", "pengamanan hutan"),
            ("community", "masyarakat"),
            ("joint", "gabungan"),
        ]);
        let (finding, ftext) = g.pick(&[
            ("none", "Tidak ada temuan gangguan."),
            (
                "wildlife_sign",
                "Ditemukan jejak dan kotoran gajah segar di tepi kawasan.",
            ),
            (
                "snare",
                "Ditemukan jerat tali di jalur satwa dan langsung dimusnahkan.",
            ),
            ("fire", "Ditemukan bekas pembakaran rumput di tepi kawasan."),
        ]);
        let team = g.int(3, 12);
        let km = g.dec(2.0, 15.0, 1);
        let author = if ptype == "community" {
            "pelapor.labuhanratu"
        } else {
            "ranger.wk"
        };
        let p = if ptype == "community" {
            LABUHAN_RATU_IX
        } else {
            WAY_KAMBAS_PARK
        };
        let sensitivity = g.sensitivity([1, 9, 0, 0]);
        g.push(Spec {
            situation: S,
            type_key: "patrol_finding",
            title: format!("Patroli {plabel} di {}", p.name),
            body: format!("Patroli {plabel} ({team} orang, {} km) di {}. {ftext}", id_dec(km), p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"patrol_type": ptype, "finding": finding, "team_size": team, "distance_km": km}),
        });
    }

    for _ in 0..3 {
        let (p, author) = g.pick(VILLAGES);
        let at = g.date((2024, 11, 8), TO);
        let participants = g.int(25, 90);
        g.push(Spec {
            situation: S,
            type_key: "outreach_held",
            title: format!("Sosialisasi aplikasi Kawal Desa di {}", p.name),
            body: format!("Pelatihan pelaporan gajah dengan aplikasi Kawal Desa dan sistem peringatan dini untuk {participants} warga {}.", p.name),
            at,
            place: p,
            author,
            sensitivity: Sensitivity::Public,
            status: Some(Status::Closed),
            attributes: json!({"topic": "wildlife_conflict", "participants": participants, "audience": "Warga dan perangkat desa penyangga"}),
        });
    }
}

// ---- (e) Jambi KOTAN ------------------------------------------------------------------------------

fn jambi_kotan(g: &mut Gen) {
    use Situation::JambiKotan as S;
    const FROM: (i32, u32, u32) = (2022, 12, 1);
    const TO: (i32, u32, u32) = (2023, 12, 29);
    // The five regencies of the 2022 campaign, with the office that covers each: Batanghari
    // has its own BNNK with a demo user; the others are covered by the provincial BNN.
    const REGENCIES: &[(Place, &str, &str)] = &[
        (MUARA_BULIAN, "petugas.bnnk.batanghari", "BNNK Batanghari"),
        (
            MUARA_SABAK,
            "koordinator.bnnp.jambi",
            "BNNK Tanjung Jabung Timur dan BNNP Jambi",
        ),
        (BANGKO, "koordinator.bnnp.jambi", "BNNP Jambi"),
        (SIULAK, "koordinator.bnnp.jambi", "BNNP Jambi"),
        (KOTA_JAMBI, "koordinator.bnnp.jambi", "BNNP Jambi"),
    ];

    // The monitoring and evaluation visit of 21–22 December 2022.
    g.push(Spec {
        situation: S,
        type_key: "outreach_held",
        title: "Monitoring dan evaluasi kebijakan KOTAN oleh BNN RI di BNNP Jambi".into(),
        body: "Tim Direktorat Peran Serta Masyarakat BNN RI bertemu BNNP Jambi, BNNK Batanghari dan BNNK Tanjung Jabung \
               Timur. Kendala: personel kurang, kuesioner KOTAN 2021 gagal karena sistem eror sehingga diisi manual, \
               respons pemkab/kesbangpol lambat, akses jalan rusak dan sinyal seluler tidak stabil."
            .into(),
        at: wib(ymd((2022, 12, 21)), 9 * 60),
        place: KOTA_JAMBI,
        author: "koordinator.bnnp.jambi",
        sensitivity: Sensitivity::Internal,
        status: Some(Status::Closed),
        attributes: json!({"topic": "narcotics", "participants": 18, "audience": "BNNP Jambi, BNNK dan Kesbangpol"}),
    });

    for _ in 0..24 {
        let (p, author, office) = g.pick(REGENCIES);
        let at = g.date(FROM, TO);
        let (audience, what) = g.pick(&[
            ("Pelajar SMA", "kampanye bahaya narkoba"),
            (
                "Perangkat desa dan tokoh masyarakat",
                "sosialisasi kebijakan KOTAN",
            ),
            ("Karyawan PTPN 6", "sosialisasi P4GN di lingkungan kerja"),
            ("Mahasiswa Universitas Jambi", "deklarasi anti narkoba"),
            ("ASN Kesbangpol", "konsolidasi program KOTAN"),
            (
                "Nasabah BRI dan BSI",
                "pesan bahaya narkoba bersama mitra perbankan",
            ),
        ]);
        let participants = g.int(30, 300);
        g.push(Spec {
            situation: S,
            type_key: "outreach_held",
            title: format!("{} di {}", capitalise(what), p.name),
            body: format!("{} oleh {office} untuk {} ({participants} peserta) di {}.", capitalise(what), mid_sentence(audience), p.name),
            at,
            place: p,
            author,
            sensitivity: Sensitivity::Public,
            status: Some(Status::Closed),
            attributes: json!({"topic": "narcotics", "participants": participants, "audience": audience}),
        });
    }

    for _ in 0..20 {
        let (p, author, office) = g.pick(REGENCIES);
        let at = g.date(FROM, TO);
        let (substance, name) = g.pick(&[
            ("methamphetamine", "sabu"),
            ("methamphetamine", "sabu"),
            ("methamphetamine", "sabu"),
            ("cannabis", "ganja"),
            ("ecstasy", "ekstasi"),
        ]);
        let weight = g.dec(0.2, 250.0, 1);
        let suspects = g.int(1, 3);
        // Restorative justice: users are sent to one of the five rehabilitation centres
        // instead of prison.
        let rehab = g.chance(0.45);
        let sensitivity = g.sensitivity([0, 4, 6, 0]);
        let next = if rehab {
            "Melalui asesmen terpadu, tersangka pengguna diarahkan ke rehabilitasi (keadilan restoratif)."
        } else {
            "Berkas perkara dilimpahkan ke kejaksaan."
        };
        g.push(Spec {
            situation: S,
            type_key: "narcotics_arrest",
            title: format!("Pengungkapan {name} di {}", p.name),
            body: format!("{office} mengamankan {suspects} tersangka dengan barang bukti {name} {} gram di {}. {next}", id_dec(weight), p.name),
            at,
            place: p,
            author,
            sensitivity,
            status: None,
            attributes: json!({"substance": substance, "weight_g": weight, "suspects_count": suspects, "rehabilitation": rehab}),
        });
    }
}

/// A decimal as Indonesian writes it, with a decimal comma.
fn id_dec(x: f64) -> String {
    x.to_string().replace('.', ",")
}

/// A phrase from a list, placed mid-sentence: its first letter is lowered unless the first
/// word is an acronym such as "ASN", which keeps its capitals.
fn mid_sentence(s: &str) -> String {
    let mut c = s.chars();
    match (c.next(), c.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    use chrono::Datelike;
    use sinergi_core::query::ReportFilter;
    use sinergi_core::report_types::builtin;
    use sinergi_core::user::Role;
    use sinergi_store::{SqliteStore, Store};

    use crate::{AppConfig, SystemClock};

    async fn fresh_app(dir: &tempfile::TempDir) -> App {
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store: Arc<dyn Store> =
            Arc::new(SqliteStore::open(&url).await.expect("open the store"));
        App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await
        .expect("start the app")
    }

    async fn all_reports(app: &App) -> Vec<Report> {
        let mut out = Vec::new();
        app.export_reports(None, ReportFilter::default(), |r, _| {
            out.push(r.clone());
            Ok(())
        })
        .await
        .expect("export");
        out.sort_by_key(|r| r.id);
        out
    }

    #[test]
    fn the_plan_is_valid_and_deterministic() {
        let types = builtin();
        let drafts = plan();
        assert_eq!(drafts, plan(), "the same seed must give the same reports");
        assert!(drafts.len() >= 250, "{} reports", drafts.len());
        let ids: HashSet<ReportId> = drafts.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), drafts.len(), "ids are unique");
        let usernames: HashSet<&str> = USERS.iter().map(|u| u.username).collect();
        let now = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&Utc);
        for d in &drafts {
            let ty = types
                .iter()
                .find(|t| t.key == d.type_key)
                .expect("a builtin type");
            if let Err(e) = ty.validate_attributes(&Value::Object(d.attributes.clone())) {
                panic!("{} {:?}: {e:?}", d.type_key, d.attributes);
            }
            assert!(usernames.contains(d.author), "{}", d.author);
            let role = USERS
                .iter()
                .find(|u| u.username == d.author)
                .map(|u| u.role);
            assert_ne!(role, Some("analyst"), "analysts do not record reports");
            assert!(
                d.title.starts_with("[Demo] ") && d.title.chars().count() <= 200,
                "{}",
                d.title
            );
            assert!(d.description.ends_with("\n\n[Data demo Sinergi]"));
            assert_eq!(d.occurred_at.offset().local_minus_utc(), WIB_SECS);
            assert!(d.occurred_at.year() >= 2017 && d.occurred_at.with_timezone(&Utc) < now);
            assert!(
                d.region_code.is_some(),
                "{} at {},{} has no region",
                d.title,
                d.lon,
                d.lat
            );
        }
        // Each situation keeps to its own years and places.
        let expect: [(Situation, i32, i32, &str); 5] = [
            (Situation::Tnks, 2017, 2025, ""),
            (Situation::KapuasHulu, 2025, 2025, "61.06"),
            (Situation::KotaBambuSelatan, 2021, 2023, "31.73.07"),
            (Situation::WayKambas, 2024, 2025, "18.07"),
            (Situation::JambiKotan, 2022, 2023, "15"),
        ];
        for (s, y0, y1, region) in expect {
            let of: Vec<&Draft> = drafts.iter().filter(|d| d.situation == s).collect();
            assert!(of.len() >= 40, "{s:?}: {}", of.len());
            for d in of {
                let y = d.occurred_at.year();
                assert!((y0..=y1).contains(&y), "{s:?} {y}");
                let code = d.region_code.as_deref().unwrap_or_default();
                assert!(
                    code.starts_with(region),
                    "{s:?} {} located in {code}",
                    d.title
                );
            }
        }
        let tnks_provinces: HashSet<&str> = drafts
            .iter()
            .filter(|d| d.situation == Situation::Tnks)
            .filter_map(|d| d.region_code.as_deref().map(|c| &c[..2]))
            .collect();
        assert_eq!(tnks_provinces, HashSet::from(["13", "15", "16", "17"]));
        for a in AGENCIES {
            for code in a.jurisdiction {
                assert!(
                    Gazetteer::shipped().get(code).is_some(),
                    "{} has unknown region {code}",
                    a.code
                );
            }
        }
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn loads_once_into_an_empty_database() {
        let dir = tempfile::tempdir().expect("temp dir");
        let app = fresh_app(&dir).await;
        let summary = load(&app).await.expect("the demo loads");
        assert!(summary.reports >= 250, "{summary:?}");
        assert_eq!(summary.agencies, AGENCIES.len());
        assert_eq!(
            app.store.agency_count().await.expect("count"),
            AGENCIES.len() as i64
        );
        let total = app.store.report_total().await.expect("total");
        assert_eq!(total, summary.reports as i64);

        let users = app.store.users(None).await.expect("users");
        assert_eq!(users.len(), USERS.len());
        for role in Role::ALL {
            assert!(users.iter().any(|u| u.role == role), "no {role:?}");
        }
        let issued = app
            .sign_in(
                None,
                "ranger.tnks",
                DEMO_PASSWORD,
                None,
                crate::auth::SessionKind::Api,
            )
            .await;
        assert!(issued.is_ok(), "demo users sign in with the demo password");

        // Coordination: the seeds' three bodies, their meetings and items; the Pokja's
        // police item from the last meeting is overdue, owed by Polda Jambi.
        assert_eq!(
            summary.coordination,
            crate::demo_coordination::CoordinationSummary {
                groups: 3,
                meetings: 5,
                items: 11
            }
        );
        assert_eq!(summary.letters, 3);
        let (u, _) = app
            .store
            .user_credentials("koordinator.tnks")
            .await
            .expect("read")
            .expect("user");
        let tnks = app.actor_for(&u).await.expect("actor");
        let groups = app.groups_for(&tnks).await.expect("groups");
        assert_eq!(groups.len(), 1);
        let overdue = app
            .overdue_by_agency(&tnks, groups[0].id)
            .await
            .expect("overdue");
        assert!(!overdue.is_empty(), "{overdue:?}");
        // The Pokja's joint work plan: the seed's programme, a patrol activity per year,
        // some activities behind, the demo's patrols as evidence.
        let plans = app.plans_of(&tnks, groups[0].id).await.expect("plans");
        assert_eq!(plans.len(), 1);
        let tree = app.plan_tree(&tnks, plans[0].id).await.expect("tree");
        let titles: Vec<&str> = tree.nodes.iter().map(|n| n.title.as_str()).collect();
        for t in [
            "Pelatihan GIS bagi personil kepolisian",
            "Patroli gabungan pengamanan hutan 2018",
        ] {
            assert!(titles.contains(&t), "{t} in {titles:?}");
        }
        let behind = tree
            .nodes
            .iter()
            .filter(|n| sinergi_core::plan::Progress::of(n, &tree.plan, tree.today).behind)
            .count();
        assert!(behind >= 2, "{behind} behind");
        assert!(tree.nodes.iter().any(|n| n
            .evidence
            .iter()
            .any(|e| e.kind == sinergi_core::plan::EvidenceKind::Patrol)));

        // Early warning: last night's track raised the village alerts, the reporter's
        // sighting its own, the FIRMS file the fire alerts.
        let w = &summary.warning;
        assert_eq!((w.fences, w.rules), (6, 6), "{w:?}");
        let wk = crate::demo_warning::tests_actor(&app, "koordinator.wk").await;
        let kinds: Vec<String> = app
            .alerts_for(
                &wk,
                crate::warning::AlertListFilter {
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .expect("alerts")
            .into_iter()
            .map(|a| a.alert.kind)
            .collect();
        for k in ["proximity", "enter", "dwell", "exit", "sighting_inside"] {
            assert!(kinds.iter().any(|x| x == k), "no {k} alert in {kinds:?}");
        }
        let tnks = crate::demo_warning::tests_actor(&app, "koordinator.tnks").await;
        let fire = app
            .alerts_for(
                &tnks,
                crate::warning::AlertListFilter {
                    limit: 1000,
                    ..Default::default()
                },
            )
            .await
            .expect("alerts");
        assert!(
            fire.iter().any(|a| a.alert.kind == "hotspot_inside"),
            "{fire:?}"
        );
        let again = app
            .import_firms(None, crate::demo_warning::FIRMS_KERINCI_SEBLAT, false)
            .await
            .expect("import");
        assert_eq!(
            (again.stored, again.alerts),
            (0, 0),
            "the same file twice changes nothing"
        );
        let dono = include_str!("../../../demo/way-kambas-dono.movebank.csv");
        let r = app.import_movebank(None, dono, false).await.expect("dono");
        assert_eq!((r.stored, r.refused), (27, 0), "{r:?}");
        assert!(
            r.alerts >= 3,
            "the replayable track raises enter, dwell and exit: {r:?}"
        );
        let r = app
            .import_movebank(None, dono, false)
            .await
            .expect("dono again");
        assert_eq!((r.stored, r.duplicates, r.alerts), (0, 27, 0));

        // Joint patrols of the park and Polres Kerinci: the past ones done with their
        // tracks, one under way, two planned; the police see them and their effort.
        assert_eq!(summary.patrols.patrols, 12, "{:?}", summary.patrols);
        assert!(summary.patrols.legs >= 18, "{:?}", summary.patrols);
        let police = crate::demo_warning::tests_actor(&app, "penyidik.polres.kerinci").await;
        let patrols = app.patrols_for(&police).await.expect("patrols");
        assert_eq!(patrols.len(), 12, "the police see every joint patrol");
        let polres = police.agency_id;
        let ranger = crate::demo_warning::tests_actor(&app, "ranger.tnks").await;
        let mut walked = 0.0;
        for p in &patrols {
            assert_eq!(p.owner_agency_id, ranger.agency_id);
            assert_eq!(p.leader, ranger.user_id);
            assert!(p
                .members
                .iter()
                .any(|m| m.agency_id == polres && m.user_id.is_none()));
            let effort = app.patrol_effort(&police, p.id).await.expect("effort");
            match p.status {
                sinergi_core::patrol::PatrolStatus::Planned => {
                    assert_eq!(effort.patrol_days, 0, "{}", p.title);
                }
                _ => {
                    assert!(effort.distance_km > 4.0 && effort.hours > 6.0, "{effort:?}");
                    assert!(effort.patrol_days >= 1 && !effort.cells.is_empty());
                    assert_eq!(
                        effort.person_days,
                        effort.patrol_days * p.members.len() as u32
                    );
                    walked += effort.distance_km;
                }
            }
        }
        assert!(walked > 100.0, "{walked} km walked");
        // Their findings: the recorded points, counted for the park; the police member
        // sees the summary's effort but not the park's internal finding reports.
        assert_eq!(summary.patrols.findings, 4, "{:?}", summary.patrols);
        let from = app.now().date_naive() - chrono::Duration::days(130);
        let to = app.now().date_naive();
        let group = sinergi_core::patrol::summary::GroupBy::Month;
        let park = app
            .patrol_summary(&ranger, group, from, to)
            .await
            .expect("summary");
        assert_eq!(park.total.findings, 4);
        assert_eq!(park.total.by_type["snare_found"].count, 4);
        assert!(
            park.rows.len() >= 4,
            "four months of patrols: {:?}",
            park.rows.len()
        );
        let theirs = app
            .patrol_summary(&police, group, from, to)
            .await
            .expect("summary");
        assert!((theirs.total.effort.distance_km - park.total.effort.distance_km).abs() < 1e-6);
        let waiting: usize = {
            let mut n = 0;
            for p in &patrols {
                n += app
                    .patrol_observations(&ranger, p.id)
                    .await
                    .expect("observations")
                    .iter()
                    .filter(|(_, s)| {
                        *s == sinergi_core::patrol::observation::ObservationState::Pending
                    })
                    .count();
            }
            n
        };
        assert_eq!(waiting, 3, "three points wait to be confirmed");
        let statuses: HashSet<&str> = patrols.iter().map(|p| p.status.as_str()).collect();
        assert_eq!(statuses, HashSet::from(["done", "under_way", "planned"]));
        let polda = crate::demo_warning::tests_actor(&app, "analis.polda.jambi").await;
        assert_eq!(app.patrols_for(&polda).await.expect("patrols").len(), 12);
        let wk = crate::demo_warning::tests_actor(&app, "koordinator.wk").await;
        assert!(app.patrols_for(&wk).await.expect("patrols").is_empty());

        // The MoU carries its (demo) signed text, a PDF by its bytes.
        let agreements = app.store.agreements().await.expect("agreements");
        assert_eq!(agreements.len(), summary.agreements);
        let mou = agreements
            .iter()
            .find(|a| a.number == "PKS.01/BBTNKS/III/2017")
            .expect("the TNKS MoU");
        assert_eq!(mou.documents.len(), 1);
        let bytes = app
            .read_blob(&mou.documents[0].sha256)
            .await
            .expect("stored");
        assert_eq!(mou.documents[0].content_type, "application/pdf");
        assert!(bytes.starts_with(b"%PDF-1.4") && bytes.ends_with(b"%%EOF\n"));

        let reports = all_reports(&app).await;
        assert_eq!(reports.len(), summary.reports);
        for r in &reports {
            let ty = app.report_type(&r.type_key).expect("stored type");
            assert!(
                ty.validate_attributes(&Value::Object(r.attributes.clone()))
                    .is_ok(),
                "{}",
                r.title
            );
            let author = users
                .iter()
                .find(|u| u.id == r.author_id)
                .expect("author is a demo user");
            assert_eq!(
                author.agency_id, r.owner_agency_id,
                "{} is owned by its author's agency",
                r.title
            );
            assert!(r.description.ends_with("[Data demo Sinergi]"));
        }
        let sensitivities: HashSet<Sensitivity> = reports.iter().map(|r| r.sensitivity).collect();
        assert_eq!(sensitivities.len(), 4, "every sensitivity occurs");
        let statuses: HashSet<&str> = reports.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(statuses.len(), 4, "every status occurs");

        match load(&app).await {
            Err(AppError::Conflict(m)) => assert!(m.contains("already has data"), "{m}"),
            other => panic!("a second load must refuse, got {other:?}"),
        }
        assert_eq!(app.store.report_total().await.expect("total"), total);
        assert_eq!(
            app.store.users(None).await.expect("users").len(),
            USERS.len()
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn two_fresh_databases_get_the_same_report_ids() {
        let (d1, d2) = (
            tempfile::tempdir().expect("temp dir"),
            tempfile::tempdir().expect("temp dir"),
        );
        let (a1, a2) = (fresh_app(&d1).await, fresh_app(&d2).await);
        load(&a1).await.expect("first load");
        load(&a2).await.expect("second load");
        let ids = |rs: Vec<Report>| rs.into_iter().map(|r| r.id).collect::<Vec<_>>();
        let (i1, i2) = (ids(all_reports(&a1).await), ids(all_reports(&a2).await));
        assert!(!i1.is_empty());
        assert_eq!(i1, i2);
    }
}
