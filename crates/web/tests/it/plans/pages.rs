//! Plans pages: a group's plan drawn up through the form, goals and activities added,
//! progress recorded; bars with their percentages as text; a responsible agency outside
//! the group named on the form in Indonesian; an agency outside the group gets the
//! missing page.

use reqwest::StatusCode;

use crate::harness::between;
use crate::harness::demo::*;

#[tokio::test]
async fn a_plan_is_drawn_up_and_its_progress_recorded_through_the_pages() {
    let s = spawn().await;
    let sekretariat = s.token("satgas.kapuashulu").await;
    let (status, group) = s
        .form(
            &sekretariat,
            "/pokja/baru",
            &[
                ("nama", "Satgas TPPO Kapuas Hulu"),
                ("jenis", "satgas"),
                ("dasar_hukum", "Keputusan Bupati Kapuas Hulu"),
                ("anggota", "POLRES-KAPUAS-HULU"),
                ("mulai", "2025-05-27"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{group}");
    let (_, page) = s.page(&sekretariat, &group).await;
    assert!(
        page.contains("id=\"tautan-rencana\""),
        "the group links its plans"
    );

    let plans = format!("{group}/rencana");
    let (status, page) = s.page(&sekretariat, &plans).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("id=\"tidak-ada-rencana\""));
    assert_indonesian(&plans, &page);
    let (status, plan) = s
        .form(
            &sekretariat,
            &plans,
            &[
                ("judul", "Rencana aksi daerah PPTPPO"),
                ("jenis", "action_plan"),
                ("mulai", "2020-01-01"),
                ("sampai", "2020-12-31"),
                ("uraian", "Bagian daerah dari RAN PPTPPO"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{plan}");
    assert!(plan.starts_with("/rencana/"), "{plan}");
    let (status, page) = s.page(&sekretariat, &plan).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Rencana aksi daerah PPTPPO"));
    assert!(page.contains("id=\"rencana-kosong\""));
    assert_indonesian(&plan, &page);

    let add = format!("{plan}/butir");
    // A responsible agency outside the group is named on the form.
    let node = |responsible: &'static str| {
        vec![
            ("jenis", "activity"),
            ("kegiatan", "outreach"),
            ("judul", "Sosialisasi pencegahan TPPO di desa perbatasan"),
            ("penanggung_jawab", responsible),
            ("mulai", "2020-01-01"),
            ("selesai", "2020-06-30"),
            ("anggaran", "12.500.000"),
            ("sumber_dana", "APBD"),
            ("indikator", "desa tersosialisasi"),
            ("satuan", "desa"),
            ("target", "20"),
        ]
    };
    let (status, page) = s.form(&sekretariat, &add, &node("BNN")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-butir\"", "</div>").expect("errors");
    assert!(errors.contains("Penanggung jawab"), "{errors}");
    assert!(errors.contains("bukan instansi anggota"), "{errors}");
    assert_indonesian(&add, &page);
    let (status, to) = s
        .form(&sekretariat, &add, &node("POLRES-KAPUAS-HULU"))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = s.page(&sekretariat, &plan).await;
    assert!(page.contains("Rp12.500.000"), "the budget in rupiah");
    assert!(page.contains("POLRES-KAPUAS-HULU"));
    let form_at = between(&page, "action=\"/butir-rencana/", "/capaian\"").expect("progress form");
    let node_id = form_at.to_string();

    // Recording 5 of 20 villages: 25 % of the target against all of the period gone.
    let (status, to) = s
        .form(
            &sekretariat,
            &format!("/butir-rencana/{node_id}/capaian"),
            &[("versi", "1"), ("capaian", "5"), ("status", "under_way")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = s.page(&sekretariat, &plan).await;
    let tree = between(&page, "id=\"pohon-rencana\"", "id=\"butir-baru\"").expect("tree");
    assert!(
        tree.contains("<span class=\"persen-capaian\">25%</span>"),
        "{tree}"
    );
    assert!(
        tree.contains("<span class=\"persen-waktu\">100%</span>"),
        "{tree}"
    );
    assert!(tree.contains("<progress"), "{tree}");
    assert!(tree.contains("tertinggal"), "behind: {tree}");
    // The same form again, against the old version, is refused.
    let (status, _) = s
        .form(
            &sekretariat,
            &format!("/butir-rencana/{node_id}/capaian"),
            &[("versi", "1"), ("capaian", "6"), ("status", "under_way")],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    // Evidence: a patrol by its address (one the secretary cannot see: none has this id)
    // and a web address; the hidden record is shown without a title.
    let ghost = "/patroli/01970000-0000-7000-8000-00000000beef";
    let (status, to) = s
        .form(
            &sekretariat,
            &format!("/butir-rencana/{node_id}/bukti"),
            &[
                ("versi", "2"),
                ("jenis_bukti", "patrol"),
                ("rujukan", ghost),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, to) = s
        .form(
            &sekretariat,
            &format!("/butir-rencana/{node_id}/bukti"),
            &[
                ("versi", "3"),
                ("jenis_bukti", "url"),
                ("rujukan", "https://example.org/foto"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (status, page) = s
        .form(
            &sekretariat,
            &format!("/butir-rencana/{node_id}/bukti"),
            &[
                ("versi", "4"),
                ("jenis_bukti", "report"),
                ("rujukan", "bukan-id"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-butir\"", "</div>").expect("errors");
    assert!(errors.contains("Bukti"), "{errors}");
    let (_, page) = s.page(&sekretariat, &plan).await;
    let links = between(&page, "class=\"bukti\"", "</ul>").expect("evidence");
    assert!(links.contains(&format!("href=\"{ghost}\"")), "{links}");
    assert!(
        links.contains("catatan yang tidak dapat Anda lihat"),
        "{links}"
    );
    assert!(links.contains("https://example.org/foto"), "{links}");

    // In English, through the catalogue.
    let (status, page) = s.page_in(&sekretariat, &plan, "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Achieved of the target"), "English words");

    // An agency outside the group gets the missing page for the plan and the list.
    let ranger = s.token("ranger.tnks").await;
    for path in [plan.clone(), plans.clone()] {
        let (status, _) = s.page(&ranger, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
}
