//! Coordination pages: the Kapuas Hulu task force formed through the form, its meeting
//! recorded (attendance, minutes, decisions, an action item) through the meeting's page,
//! the overdue item shown by agency on the group's page until it is done; an agency
//! outside the group gets the missing page.

use reqwest::StatusCode;

use crate::harness::between;
use crate::harness::demo::*;

#[tokio::test]
async fn a_task_force_and_its_meeting_are_recorded_through_the_pages() {
    let s = spawn().await;
    let sekretariat = s.token("satgas.kapuashulu").await;
    let (status, home) = s.page(&sekretariat, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        home.contains("id=\"tautan-pokja\""),
        "the menu links the groups"
    );
    let (status, page) = s.page(&sekretariat, "/pokja/baru").await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian("/pokja/baru", &page);
    assert!(
        page.contains("value=\"PEMKAB-KAPUAS-HULU\""),
        "the user's agency is filled in"
    );

    let form = |members: &'static str| {
        vec![
            ("nama", "Satgas TPPO Kapuas Hulu"),
            ("jenis", "satgas"),
            (
                "dasar_hukum",
                "Keputusan Bupati Kapuas Hulu tentang Satgas TPPO",
            ),
            ("anggota", members),
            ("mulai", "2025-05-27"),
            ("orang_0_instansi", "PEMKAB-KAPUAS-HULU"),
            ("orang_0_pengguna", "satgas.kapuashulu"),
            ("orang_0_peran", "sekretaris"),
            ("orang_1_instansi", "POLRES-KAPUAS-HULU"),
            ("orang_1_nama", "AKBP Budi"),
            ("orang_1_peran", "wakil"),
        ]
    };
    // A member named twice is answered on the form, named, in Indonesian.
    let (status, page) = s
        .form(
            &sekretariat,
            "/pokja/baru",
            &form("POLRES-KAPUAS-HULU, POLRES-KAPUAS-HULU"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-pokja\"", "</div>").expect("errors");
    assert!(errors.contains("Instansi anggota"), "{errors}");
    assert!(errors.contains("disebut dua kali"), "{errors}");
    assert_indonesian("/pokja/baru (refused)", &page);

    let (status, group) = s
        .form(
            &sekretariat,
            "/pokja/baru",
            &form("POLRES-KAPUAS-HULU\nIMIGRASI-PUTUSSIBAU PLBN-BADAU"),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{group}");
    assert!(group.starts_with("/pokja/"), "{group}");
    let (status, page) = s.page(&sekretariat, &group).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("IMIGRASI-PUTUSSIBAU"));
    assert!(page.contains("AKBP Budi"));
    assert_indonesian(&group, &page);

    // The meeting of 27 May 2025, in WIB.
    let (status, meeting) = s
        .form(
            &sekretariat,
            &format!("{group}/rapat"),
            &[
                ("waktu", "2025-05-27T09:00"),
                ("zona", "+07:00"),
                ("wilayah", "61.06"),
                ("tempat", "Aula Kantor Bupati, Putussibau"),
                ("diundang", "DP3A-KALBAR, KODIM-1206"),
                ("agenda", "Pembentukan Satgas\nPemulangan korban"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{meeting}");
    assert!(meeting.starts_with("/rapat/"), "{meeting}");

    for (path, pairs) in [
        (
            "hadir",
            vec![
                ("nama", "AKBP Budi"),
                ("instansi", "POLRES-KAPUAS-HULU"),
                ("jabatan", "Kapolres"),
                ("versi", "1"),
            ],
        ),
        (
            "notulen",
            vec![("notulen", "Rapat dibuka pukul 09.00 WIB."), ("versi", "2")],
        ),
        (
            "keputusan",
            vec![("keputusan", "Membentuk Satgas TPPO"), ("versi", "3")],
        ),
        (
            "tindak-lanjut",
            vec![
                ("apa", "Menyerahkan data korban"),
                ("instansi", "POLRES-KAPUAS-HULU"),
                ("tenggat", "2025-06-10"),
            ],
        ),
    ] {
        let (status, to) = s
            .form(&sekretariat, &format!("{meeting}/{path}"), &pairs)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{path}: {to}");
        assert_eq!(to, meeting, "{path}");
    }
    // A change against a page already out of date is refused.
    let (status, _) = s
        .form(
            &sekretariat,
            &format!("{meeting}/notulen"),
            &[("notulen", "lama"), ("versi", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    // An item due before the meeting is named on the meeting's page.
    let (status, page) = s
        .form(
            &sekretariat,
            &format!("{meeting}/tindak-lanjut"),
            &[
                ("apa", "Terlambat"),
                ("instansi", "PLBN-BADAU"),
                ("tenggat", "2025-05-01"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = between(&page, "id=\"galat-rapat\"", "</div>").expect("errors");
    assert!(errors.contains("Tenggat"), "{errors}");

    let (status, page) = s.page(&sekretariat, &meeting).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("2025-05-27 09:00 WIB"));
    let attendance = between(&page, "id=\"daftar-hadir\"", "</table>").expect("attendance");
    assert!(attendance.contains("AKBP Budi") && attendance.contains("Kapolres"));
    assert!(page.contains("Membentuk Satgas TPPO"));
    assert!(page.contains("Rapat dibuka pukul 09.00 WIB."));
    let items = between(&page, "id=\"tindak-lanjut-rapat\"", "</table>").expect("items");
    let item = between(items, "data-item-id=\"", "\"")
        .expect("item")
        .to_string();
    assert_indonesian(&meeting, &page);

    // The group's page shows the item overdue, by the agency that owes it.
    let (_, page) = s.page(&sekretariat, &group).await;
    let overdue = between(&page, "id=\"terlambat-pokja\"", "</div>").expect("overdue");
    assert!(overdue.contains("POLRES-KAPUAS-HULU") && overdue.contains("Menyerahkan data korban"));
    let (_, english) = s.page_in(&sekretariat, &group, "en").await;
    assert!(english.contains("Overdue action items by agency"));

    // A member's officer sees it; once done, nothing is overdue.
    let polres = s.token("reskrim.polres.kapuashulu").await;
    let (status, page) = s.page(&polres, &meeting).await;
    assert_eq!(status, StatusCode::OK);
    let minutes = between(&page, "id=\"notulen-rapat\"", "</div>").expect("minutes");
    assert!(
        minutes.contains("Rapat dibuka pukul 09.00 WIB."),
        "{minutes}"
    );
    assert!(
        !page.contains("id=\"form-hadir\""),
        "a field officer reads, does not record"
    );
    let (status, to) = s
        .form(
            &sekretariat,
            &format!("/tindak-lanjut/{item}/status"),
            &[("status", "done"), ("versi", "1")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(to, meeting);
    let (_, page) = s.page(&sekretariat, &group).await;
    assert!(page.contains("id=\"tidak-ada-terlambat\""));

    // An agency outside the group: the missing page, and the list leaves it out.
    let ranger = s.token("ranger.tnks").await;
    for path in [&group, &meeting] {
        let id = path.rsplit('/').next().unwrap_or("");
        let ghost = path.replace(id, "01970000-0000-7000-8000-00000000dead");
        let (status, body) = s.page(&ranger, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        let (status, missing) = s.page(&ranger, &ghost).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{ghost}");
        assert_eq!(visible_text(&body), visible_text(&missing), "{path}");
        assert!(!body.contains("Satgas TPPO"));
    }
    let (_, list) = s.page(&ranger, "/pokja").await;
    assert!(!list.contains("Satgas TPPO Kapuas Hulu"));
}
