//! The demo's working groups, meetings and action items, from the seed situations, made
//! through the same use cases as the API:
//!
//! - the Kerinci Seblat Pokja of the park and the four Polda, formed on 29 May 2017 at
//!   Hotel Abadi Suite Tower in Jambi with twelve signatories, its forming meeting and a
//!   recent meeting whose items are open, one of them overdue;
//! - the Kapuas Hulu coordination meeting against trafficking of 27 May 2025 at the Bappeda
//!   hall, with the offices that attended, its decision to form the Satgas and its items;
//! - the KOTAN monitoring and evaluation visits of 21–22 December 2022 in Jambi as two
//!   meetings whose findings became action items.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::coordination::body::{
    ActionItemPatchBody, MeetingPatchBody, NewActionItemBody, NewGroupBody, NewMeetingBody,
};
use sinergi_core::ids::MeetingId;

use crate::{App, AppError, AppResult};

/// What the demo's coordination holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CoordinationSummary {
    pub groups: usize,
    pub meetings: usize,
    pub items: usize,
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

/// An action item of the demo: what, the agency that owes it, the person, the due date,
/// and the status it was closed with (none: open).
type Item<'a> = (&'a str, &'a str, Option<&'a str>, String, Option<&'a str>);

/// A meeting with its record (attendance, minutes, decisions) and its items.
#[allow(clippy::too_many_arguments)]
async fn meeting(
    app: &App,
    who: &Actor,
    group: sinergi_core::ids::GroupId,
    new: Value,
    record: Value,
    items: &[Item<'_>],
    s: &mut CoordinationSummary,
) -> AppResult<MeetingId> {
    let m = app
        .create_meeting(who, group, &read::<NewMeetingBody>(new)?)
        .await?;
    let m = app
        .update_meeting(
            who,
            m.id,
            Some(m.version),
            &read::<MeetingPatchBody>(record)?,
        )
        .await?;
    s.meetings += 1;
    for (what, agency, person, due, closed) in items {
        let mut body = json!({"what": what, "agency": agency, "due": due});
        if let Some(p) = person {
            body["person"] = json!(p);
        }
        let item = app
            .create_action_item(who, m.id, &read::<NewActionItemBody>(body)?)
            .await?;
        if let Some(status) = closed {
            let patch = json!({"status": status, "evidence": "Dilaporkan pada rapat berikutnya."});
            app.update_action_item(
                who,
                item.id,
                Some(item.version),
                &read::<ActionItemPatchBody>(patch)?,
            )
            .await?;
        }
        s.items += 1;
    }
    Ok(m.id)
}

fn day(t: DateTime<Utc>, days: i64) -> String {
    (t + Duration::days(days)).date_naive().to_string()
}

pub(crate) async fn load(app: &App, mou: Option<String>) -> AppResult<CoordinationSummary> {
    let mut s = CoordinationSummary::default();
    let now = app.now();

    // ---- Kerinci Seblat: the Pokja of the park and the four Polda.
    let tnks = actor(app, "koordinator.tnks").await?;
    let mut body = json!({
        "name": "Pokja Pengamanan dan Perlindungan Kawasan TNKS",
        "kind": "pokja",
        "legal_basis": "Nota Kesepahaman BBTNKS dengan Polda Jambi, Sumatera Barat, Sumatera Selatan dan Bengkulu, \
                        Jakarta 14 Maret 2017; berita acara pembentukan Pokja, Jambi 29 Mei 2017",
        "members": ["POLDA-JAMBI", "POLDA-SUMBAR", "POLDA-SUMSEL", "POLDA-BENGKULU"],
        "period_from": "2017-05-29",
        "people": [
            {"agency": "BBTNKS", "name": "Ir. M. Arief Toengkagie (Kepala Balai Besar TNKS)", "role": "ketua"},
            {"agency": "POLDA-JAMBI", "name": "Dirreskrimsus Polda Jambi", "role": "wakil"},
            {"agency": "BBTNKS", "user": "koordinator.tnks", "role": "sekretaris"},
            {"agency": "BBTNKS", "name": "Kepala Bidang Teknis Konservasi", "role": "anggota"},
            {"agency": "BBTNKS", "name": "Kepala Bidang PTN Wilayah I Kerinci", "role": "anggota"},
            {"agency": "BBTNKS", "name": "Kepala Bidang PTN Wilayah II Merangin", "role": "anggota"},
            {"agency": "BBTNKS", "name": "Kepala Bidang PTN Wilayah III Bengkulu-Sumsel", "role": "anggota"},
            {"agency": "BBTNKS", "name": "Kepala Bidang PTN Wilayah IV Sumbar", "role": "anggota"},
            {"agency": "POLDA-SUMBAR", "name": "Kasubdit IV Tipidter Ditreskrimsus Polda Sumbar", "role": "anggota"},
            {"agency": "POLDA-SUMSEL", "name": "Kasubdit IV Tipidter Ditreskrimsus Polda Sumsel", "role": "anggota"},
            {"agency": "POLDA-BENGKULU", "name": "Kasubdit IV Tipidter Ditreskrimsus Polda Bengkulu", "role": "anggota"},
            {"agency": "POLDA-JAMBI", "name": "Kasubdit IV Tipidter Ditreskrimsus Polda Jambi", "role": "anggota"}
        ]
    });
    if let Some(id) = mou {
        body["agreement"] = json!(id);
    }
    let pokja = app
        .create_group(&tnks, &read::<NewGroupBody>(body)?)
        .await?;
    s.groups += 1;
    meeting(
        app,
        &tnks,
        pokja.id,
        json!({"starts_at": "2017-05-29T09:00:00+07:00", "region": "15.71",
            "place": "Hotel Abadi Suite Tower, Kota Jambi",
            "invited": ["POLDA-JAMBI", "POLDA-SUMBAR", "POLDA-SUMSEL", "POLDA-BENGKULU"],
            "agenda": ["Finalisasi pembentukan Pokja", "Penyusunan rencana kerja bersama"]}),
        json!({
            "attendance": [
                {"name": "Ir. M. Arief Toengkagie", "agency": "BBTNKS", "position": "Kepala Balai Besar TNKS"},
                {"name": "Perwakilan Ditreskrimsus", "agency": "POLDA-JAMBI", "position": "Kasubdit IV Tipidter"},
                {"name": "Perwakilan Ditreskrimsus", "agency": "POLDA-SUMBAR", "position": "Kasubdit IV Tipidter"},
                {"name": "Perwakilan Ditreskrimsus", "agency": "POLDA-SUMSEL", "position": "Kasubdit IV Tipidter"},
                {"name": "Perwakilan Ditreskrimsus", "agency": "POLDA-BENGKULU", "position": "Kasubdit IV Tipidter"}
            ],
            "minutes": "Penandatanganan bersama oleh 12 perwakilan peserta rapat yang sekaligus menjadi anggota Pokja. \
                        Rencana kerja: pertukaran basis data kejahatan kehutanan dan hasil patroli, pelatihan GIS bagi \
                        kepolisian, pelatihan penyidikan bagi polisi kehutanan, pelatihan pengendalian kebakaran, \
                        pemasangan papan larangan dan penyuluhan.",
            "decisions": ["Pokja Pengamanan dan Perlindungan Kawasan TNKS dibentuk dengan 12 anggota.",
                          "Rencana kerja bersama disusun per bidang wilayah."]
        }),
        &[
            ("Menyusun rencana kerja per bidang wilayah bersama Polres setempat", "BBTNKS", None, "2017-06-30".into(), Some("done")),
            ("Menyiapkan pelatihan GIS bagi penyidik kepolisian", "POLDA-JAMBI", None, "2017-09-30".into(), Some("done")),
        ],
        &mut s,
    )
    .await?;
    // A recent meeting: the exchange of patrol results and a training, with items still open.
    meeting(
        app,
        &tnks,
        pokja.id,
        json!({"starts_at": (now - Duration::days(20)).to_rfc3339(), "region": "15.72",
            "place": "Kantor Balai Besar TNKS, Sungai Penuh",
            "invited": ["POLDA-JAMBI", "POLDA-BENGKULU"],
            "agenda": ["Evaluasi patroli gabungan triwulan", "Rencana pelatihan penyidikan bagi polisi kehutanan"]}),
        json!({
            "attendance": [
                {"name": "Sekretaris Pokja", "agency": "BBTNKS", "position": "Sekretaris"},
                {"name": "Perwakilan Ditreskrimsus", "agency": "POLDA-JAMBI", "position": "Kanit Tipidter"}
            ],
            "minutes": "Hasil patroli gabungan triwulan dipaparkan; temuan jerat meningkat di sektor Danau Gunung Tujuh.",
            "decisions": ["Hasil patroli dipertukarkan setiap bulan melalui Sinergi."]
        }),
        &[
            ("Menyampaikan data kasus TSL yang dilimpahkan ke kejaksaan", "POLDA-JAMBI", Some("Kanit Tipidter"), day(now, -5), None),
            ("Menyusun jadwal pelatihan penyidikan bagi polisi kehutanan", "BBTNKS", None, day(now, 2), None),
            ("Memasang papan larangan di jalur masuk Danau Gunung Tujuh", "BBTNKS", None, day(now, -10), Some("done")),
        ],
        &mut s,
    )
    .await?;

    // ---- Kapuas Hulu: the coordination meeting against trafficking of 27 May 2025.
    let kh = actor(app, "satgas.kapuashulu").await?;
    let tim = app
        .create_group(
            &kh,
            &read::<NewGroupBody>(json!({
                "name": "Tim Koordinasi Pencegahan dan Penanganan TPPO Kabupaten Kapuas Hulu",
                "kind": "tim_terpadu",
                "legal_basis": "Perpres 19/2023 tentang RAN PPTPPO; undangan Pemerintah Kabupaten Kapuas Hulu",
                "members": ["SATPOLPP-KAPUAS-HULU", "BAPPEDA-KAPUAS-HULU", "DISKOMINFO-KAPUAS-HULU", "DP3A-KALBAR",
                            "PLBN-BADAU", "KODIM-1206", "POLRES-KAPUAS-HULU", "PN-PUTUSSIBAU",
                            "IMIGRASI-PUTUSSIBAU", "BIN-KAPUAS-HULU"],
                "period_from": "2025-05-27",
                "people": [
                    {"agency": "PEMKAB-KAPUAS-HULU", "name": "Drs. H. Iwan Setiawan, M.Si (Asisten I)", "role": "ketua"},
                    {"agency": "PEMKAB-KAPUAS-HULU", "user": "satgas.kapuashulu", "role": "sekretaris"},
                    {"agency": "DP3A-KALBAR", "name": "Herkulana Mekaryani", "role": "anggota"},
                    {"agency": "POLRES-KAPUAS-HULU", "user": "reskrim.polres.kapuashulu", "role": "anggota"}
                ]
            }))?,
        )
        .await?;
    s.groups += 1;
    meeting(
        app,
        &kh,
        tim.id,
        json!({"starts_at": "2025-05-27T08:30:00+07:00", "region": "61.06",
            "place": "Aula Bappeda Kabupaten Kapuas Hulu, Jl. Jenderal Ahmad Yani, Putussibau Utara",
            "invited": ["SATPOLPP-KAPUAS-HULU", "BAPPEDA-KAPUAS-HULU", "DISKOMINFO-KAPUAS-HULU", "DP3A-KALBAR",
                        "PLBN-BADAU", "KODIM-1206", "POLRES-KAPUAS-HULU", "PN-PUTUSSIBAU", "IMIGRASI-PUTUSSIBAU",
                        "BIN-KAPUAS-HULU"],
            "agenda": ["Kebijakan Pemerintah Provinsi dalam pencegahan dan penanganan TPPO",
                       "Paparan BP2MI tentang peran lembaga dalam menanggulangi perdagangan orang",
                       "Pembentukan Satgas TPPO Kabupaten Kapuas Hulu"]}),
        json!({
            "attendance": [
                {"name": "Drs. H. Iwan Setiawan, M.Si", "agency": "PEMKAB-KAPUAS-HULU", "position": "Asisten I"},
                {"name": "Triwati, S.P., M.Si", "agency": "PEMKAB-KAPUAS-HULU", "position": "Asisten II"},
                {"name": "Herkulana Mekaryani", "agency": "DP3A-KALBAR", "position": "Kepala Dinas"},
                {"name": "Wendelius", "agency": "PLBN-BADAU", "position": "Kepala PLBN Badau"},
                {"name": "Lettu Doni Syahfri", "agency": "KODIM-1206", "position": "Pasintel"},
                {"name": "Ipda Hendra", "agency": "POLRES-KAPUAS-HULU", "position": "Kanit I Pidum Satreskrim"},
                {"name": "I Putu Sudiartha", "agency": "PN-PUTUSSIBAU", "position": "Kasubag Umum dan Keuangan"},
                {"name": "Fahrul", "agency": "IMIGRASI-PUTUSSIBAU", "position": "Kasubsi Lalu Lintas Keimigrasian"},
                {"name": "Surya", "agency": "BIN-KAPUAS-HULU", "position": "Koordinator Wilayah"},
                {"name": "Rosmadiah", "agency": "DISKOMINFO-KAPUAS-HULU", "position": "Perwakilan"},
                {"name": "Sekretaris Satpol PP", "agency": "SATPOLPP-KAPUAS-HULU", "position": "Sekretaris"}
            ],
            "minutes": "Tercatat 400 korban TPPO dipulangkan ke Indonesia, 27 di antaranya berasal dari Kalimantan Barat. \
                        Modus penipuan daring (scamming) marak dan berpotensi terkait perdagangan orang.",
            "decisions": ["Satgas TPPO Kabupaten Kapuas Hulu segera ditetapkan.",
                          "Pencegahan dan penanganan TPPO mengikuti RAN PPTPPO (Perpres 19/2023)."]
        }),
        &[
            ("Menyusun rancangan SK Bupati tentang Satgas TPPO Kabupaten Kapuas Hulu", "PEMKAB-KAPUAS-HULU", Some("Asisten I"), "2025-06-30".into(), None),
            ("Mendata korban TPPO asal Kalimantan Barat yang dipulangkan dan layanan rujukannya", "DP3A-KALBAR", None, "2025-07-31".into(), Some("done")),
            ("Sosialisasi modus penipuan daring di PLBN Badau", "PLBN-BADAU", None, "2025-08-31".into(), None),
        ],
        &mut s,
    )
    .await?;

    // ---- Jambi: the KOTAN monitoring and evaluation visits of 21-22 December 2022.
    let bnnp = actor(app, "koordinator.bnnp.jambi").await?;
    let monev = app
        .create_group(
            &bnnp,
            &read::<NewGroupBody>(json!({
                "name": "Tim Monitoring dan Evaluasi KOTAN Provinsi Jambi",
                "kind": "tim_terpadu",
                "legal_basis": "Kebijakan Kota Tanggap Ancaman Narkoba (KOTAN), Direktorat Peran Serta Masyarakat BNN RI",
                "members": ["BNN", "BNNK-BATANGHARI", "BNNK-TANJABTIM", "KESBANGPOL-JAMBI"],
                "period_from": "2022-12-21",
                "people": [
                    {"agency": "BNNP-JAMBI", "user": "koordinator.bnnp.jambi", "role": "sekretaris"},
                    {"agency": "BNN", "name": "Wanda Ferdiana, SE, M.Si", "role": "ketua"},
                    {"agency": "BNN", "name": "Charles Johan P.S., S.IP, M.Si", "role": "anggota"},
                    {"agency": "BNN", "name": "Triyanti Saulina, S.Ikom", "role": "anggota"},
                    {"agency": "BNN", "name": "Achmad Kusjullyan S, S.H.", "role": "anggota"}
                ]
            }))?,
        )
        .await?;
    s.groups += 1;
    meeting(
        app,
        &bnnp,
        monev.id,
        json!({"starts_at": "2022-12-21T09:00:00+07:00", "region": "15.71",
            "place": "Ruang Rapat BNN Provinsi Jambi",
            "invited": ["BNN", "BNNK-BATANGHARI", "BNNK-TANJABTIM"],
            "agenda": ["Pelaksanaan kebijakan KOTAN di Provinsi Jambi"]}),
        json!({
            "attendance": [
                {"name": "Kepala BNNP Jambi", "agency": "BNNP-JAMBI", "position": "Kepala"},
                {"name": "Koordinator P2M", "agency": "BNNP-JAMBI", "position": "Koordinator P2M"},
                {"name": "Kepala BNNK Batang Hari", "agency": "BNNK-BATANGHARI", "position": "Kepala"},
                {"name": "Kepala BNNK Tanjung Jabung Timur", "agency": "BNNK-TANJABTIM", "position": "Kepala"},
                {"name": "Wanda Ferdiana, SE, M.Si", "agency": "BNN", "position": "Tim Monev Dit. PSM"}
            ],
            "minutes": "BNNP Jambi kekurangan personel; kampanye bahaya narkoba sudah di 5 kabupaten pada 2022. \
                        Program KOTAN dijalankan intensif pada 2023 setelah sosialisasi kepada seluruh pemangku kepentingan.",
            "decisions": ["KOTAN dijalankan intensif di Provinsi Jambi pada 2023."]
        }),
        &[
            ("Menjalin kemitraan strategis dengan Pemprov, Kesbangpol dan Kejaksaan untuk menutup kekurangan personel", "BNNK-BATANGHARI", None, "2023-03-31".into(), Some("done")),
            ("Memperluas kampanye bahaya narkoba ke seluruh kabupaten/kota", "BNNK-TANJABTIM", None, "2023-12-31".into(), Some("dropped")),
        ],
        &mut s,
    )
    .await?;
    meeting(
        app,
        &bnnp,
        monev.id,
        json!({"starts_at": "2022-12-22T09:00:00+07:00", "region": "15.04",
            "place": "Ruang Rapat Kesbangpol Kabupaten Batanghari",
            "invited": ["KESBANGPOL-JAMBI", "BNNK-BATANGHARI"],
            "agenda": ["Kesiapan pemerintah daerah menjawab kuesioner KOTAN"]}),
        json!({
            "attendance": [
                {"name": "Kepala BNNK Batang Hari", "agency": "BNNK-BATANGHARI", "position": "Kepala"},
                {"name": "Perwakilan Kesbangpol", "agency": "KESBANGPOL-JAMBI", "position": "Kabid"}
            ],
            "minutes": "Kuesioner KOTAN 2021 gagal diisi daring karena gangguan sistem dan diisi manual; \
                        jawaban pemerintah daerah lambat.",
            "decisions": ["Kuesioner KOTAN diisi dan dipantau bersama Kesbangpol."]
        }),
        &[(
            "Menyampaikan jawaban kuesioner KOTAN pemerintah kabupaten",
            "KESBANGPOL-JAMBI",
            None,
            "2023-01-31".into(),
            Some("done"),
        )],
        &mut s,
    )
    .await?;
    Ok(s)
}
