//! Case pages on the demo data: a case opened, moved and its victim added through the
//! forms; an illegal step answered with the reason on the page; an identity opened for a
//! purpose shown on that answer only, never cached; the overdue list, the funnel (and its
//! CSV), the victim counts and the transfers pages in Indonesian.

use reqwest::StatusCode;

use super::days_ago;
use crate::harness::between;
use crate::harness::demo::{assert_indonesian, spawn};

#[tokio::test]
async fn a_case_is_opened_moved_and_its_victim_protected_through_the_pages() {
    let s = spawn().await;
    let t = s.token("koordinator.tnks").await;
    let (status, list) = s.page(&t, "/perkara").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("id=\"tautan-perkara\""),
        "linked from the menu"
    );
    assert_indonesian("/perkara", &list);

    let opened = days_ago(30);
    let (status, location) = s
        .form(
            &t,
            "/perkara",
            &[
                ("judul", "Jerat harimau di Renah Pemetik"),
                ("jenis", "wildlife"),
                ("uu", "UU 5/1990"),
                ("pasal", "Pasal 21 ayat (2) huruf a jo. Pasal 40 ayat (2)"),
                ("ancaman", "5"),
                ("wilayah", "15.01"),
                ("dibuka", &opened),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    assert!(location.starts_with("/perkara/"), "{location}");
    let (status, page) = s.page(&t, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&location, &page);
    assert!(page.contains("Jerat harimau di Renah Pemetik"));
    assert!(
        page.contains("value=\"penyidikan\""),
        "the next stages are offered"
    );
    let version = between(&page, "name=\"versi\" value=\"", "\"")
        .expect("version")
        .to_string();

    // A step the law does not allow: the reason on the page, nothing recorded.
    let (status, answer) = s
        .form(
            &t,
            &format!("{location}/tahap"),
            &[
                ("versi", &version),
                ("tahap", "putusan"),
                ("nomor", "1/Pid/2026"),
                ("tanggal", &days_ago(1)),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        answer.contains("id=\"galat-perkara\""),
        "the error is shown"
    );
    let (status, _) = s
        .form(
            &t,
            &format!("{location}/tahap"),
            &[
                ("versi", &version),
                ("tahap", "penyidikan"),
                ("nomor", "Sprindik/07/2026"),
                ("tanggal", &days_ago(20)),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = s.page(&t, &location).await;
    let deadlines = between(&page, "id=\"tenggat-perkara\"", "</section>").expect("deadlines");
    assert!(deadlines.contains("SPDP"), "{deadlines}");
    assert!(
        deadlines.contains("tenggat-overdue"),
        "the SPDP is overdue: {deadlines}"
    );

    // A victim: sealed; shown by role; opened for a purpose on that answer only.
    if s.app.key_rings().ring("BBTNKS").expect("ring").is_none() {
        sinergi_app::cases::write_key_file(&s.app.config.case_keys_dir, "BBTNKS").expect("key");
    }
    let (status, _) = s
        .form(
            &t,
            &format!("{location}/orang"),
            &[
                ("peran", "witness"),
                ("nama", "Ahmad Syukri Tanjung"),
                ("nik", "1501010101800001"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, page) = s.page(&t, &location).await;
    assert!(
        !page.contains("Ahmad Syukri"),
        "a protected name is never on the page"
    );
    assert!(page.contains("Saksi 1"));
    let person = between(&page, "/orang/", "/buka")
        .expect("open form")
        .to_string();
    let (status, _) = s
        .form(
            &t,
            &format!("{location}/orang/{person}/buka"),
            &[("keperluan", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, home) = s.page(&t, "/").await;
    let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"")
        .expect("csrf")
        .to_string();
    let r = s
        .http
        .post(format!("{}{location}/orang/{person}/buka", s.url))
        .header("cookie", format!("sinergi_session={t}"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("keperluan", "pemanggilan saksi untuk BAP"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let shown = r.text().await.expect("text");
    assert!(shown.contains("Ahmad Syukri Tanjung"));
    assert!(shown.contains("1501010101800001"));
    let (_, page) = s.page(&t, &location).await;
    assert!(
        !page.contains("Ahmad Syukri"),
        "shown once, not kept on the page"
    );

    for path in [
        "/perkara/tenggat",
        "/perkara/corong",
        "/perkara/korban",
        "/perkara/pelimpahan",
    ] {
        let (status, page) = s.page(&t, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_indonesian(path, &page);
    }
    let (_, overdue) = s.page(&t, "/perkara/tenggat").await;
    assert!(overdue.contains("Jerat harimau di Renah Pemetik"));
    let r = s
        .http
        .get(format!("{}/perkara/corong.csv?wilayah=15", s.url))
        .header("cookie", format!("sinergi_session={t}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let csv = r.text().await.expect("csv");
    assert!(
        csv.starts_with("agency,region,offence,year,reports,cases,p21"),
        "{csv}"
    );
    assert!(csv.contains("BBTNKS,15.01,wildlife"), "{csv}");

    // The agency's administrator sets its number format and who opens identities.
    let admin = s.token("admin.tnks").await;
    let (status, _) = s
        .form(
            &admin,
            "/perkara/pengaturan",
            &[
                ("format_nomor", "BP/{nomor}/{tahun}/PPNS-TNKS"),
                ("peran_buka", "field_officer"),
                ("peran_buka", "coordinator"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, list) = s.page(&admin, "/perkara").await;
    assert!(
        list.contains("value=\"BP/{nomor}/{tahun}/PPNS-TNKS\""),
        "the format is shown"
    );
    let (status, page) = s
        .form(
            &admin,
            "/perkara/pengaturan",
            &[("format_nomor", "BP/{tahun}")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Format nomor perkara"), "the field is named");
    let (status, _) = s
        .form(&t, "/perkara/pengaturan", &[("format_nomor", "X/{nomor}")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a coordinator does not");
}

#[tokio::test]
async fn a_victim_with_a_photo_is_shared_with_the_prosecutor_through_the_pages() {
    use base64::Engine as _;
    let s = spawn().await;
    let kasat = s.token("kasat.reskrim.kapuashulu").await;
    let jaksa = s.token("jaksa.kejari.kapuashulu").await;
    let case = format!("/perkara/{}", sinergi_app::demo_cases::case_id(9));
    let (h, i) = (
        sinergi_app::demo_cases::person_id(9, 2),
        sinergi_app::demo_cases::person_id(9, 3),
    );
    // The demo shared victim H with the Kejaksaan; victim I may be shared there too.
    let (status, page) = s.page(&kasat, &case).await;
    assert_eq!(status, StatusCode::OK);
    let shared = between(&page, &format!("id=\"dibagikan-{h}\""), "</ul>").expect("shared list");
    assert!(shared.contains("KEJARI-KAPUAS-HULU"), "{shared}");
    let form = between(&page, &format!("id=\"bagikan-{i}\""), "</form>").expect("share form");
    assert!(form.contains("value=\"KEJARI-KAPUAS-HULU\""), "{form}");

    // A victim added with a photo from the page's form; the photo is sealed and shown
    // when the identity is opened.
    let png = base64::engine::general_purpose::STANDARD
        .decode(super::api::PHOTO_B64)
        .expect("png");
    let (status, location) = s
        .multipart(
            &kasat,
            &format!("{case}/orang"),
            &[
                ("peran", "victim"),
                ("nama", "Korban J (fiktif)"),
                ("asal", "61.06"),
            ],
            ("foto", "korban-j.png", png),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let (_, page) = s.page(&kasat, &case).await;
    assert!(!page.contains("Korban J"), "sealed");
    let (status, answer) = s
        .multipart(
            &kasat,
            &format!("{case}/orang"),
            &[("peran", "victim"), ("nama", "Korban K (fiktif)")],
            ("foto", "bukan-foto.png", b"%PDF-1.4 not an image".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = between(&answer, "id=\"galat-perkara\"", "</div>").expect("the error");
    assert!(error.contains("Foto"), "the photo field is named: {error}");
    let (_, page) = s.page(&kasat, &case).await;
    assert!(!page.contains("Korban K"));

    // Victim I shared for a purpose; the prosecutor sees both shared victims and opens I.
    let (status, _) = s
        .form(
            &kasat,
            &format!("{case}/orang/{i}/bagikan"),
            &[
                ("instansi", "KEJARI-KAPUAS-HULU"),
                (
                    "keperluan",
                    "pemanggilan korban sebagai saksi di persidangan",
                ),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, page) = s.page(&jaksa, &case).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(&case, &page);
    assert!(!page.contains("Korban I"), "nothing shown before opening");
    assert_eq!(
        page.matches("dibagikan kepada instansi Anda").count(),
        2,
        "both victims were shared"
    );
    let (status, shown) = s
        .form(
            &jaksa,
            &format!("{case}/orang/{i}/buka"),
            &[("keperluan", "penyusunan surat dakwaan")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(shown.contains("Korban I (fiktif)"));

    // Withdrawn by the police: the prosecutor no longer opens it.
    let (status, _) = s
        .form(
            &kasat,
            &format!("{case}/orang/{i}/bagikan/KEJARI-KAPUAS-HULU/cabut"),
            &[],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = s
        .form(
            &jaksa,
            &format!("{case}/orang/{i}/buka"),
            &[("keperluan", "penyusunan surat dakwaan")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
