//! Area profile pages on the demo data: Kota Bambu Selatan's profile with its roadmap
//! stepper, posts (one overdue) and history; the profile changed, a post added and a
//! report filed through the forms; a stale edit refused; an agency that does not see the
//! profile gets the missing page.

use reqwest::StatusCode;

use crate::harness::between;
use crate::harness::demo::*;

const KBS: &str = "/wilayah/31.73.07.1006";

#[tokio::test]
async fn the_kota_bambu_selatan_profile_is_read_and_changed_through_the_pages() {
    let s = spawn().await;
    let lurah = s.token("lurah.kbs").await;
    let (status, list) = s.page(&lurah, "/wilayah").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        list.contains("id=\"tautan-wilayah\""),
        "linked from the menu"
    );
    assert!(list.contains("Kota Bambu Selatan"));
    assert!(
        list.contains("Memetakan SDM"),
        "the stage reached is listed"
    );
    assert_indonesian("/wilayah", &list);

    let (status, page) = s.page(&lurah, KBS).await;
    assert_eq!(status, StatusCode::OK);
    assert_indonesian(KBS, &page);
    let stepper = between(&page, "id=\"langkah-tahapan\"", "</ol>").expect("stepper");
    assert_eq!(
        stepper.matches("<li").count(),
        5,
        "the roadmap's five stages"
    );
    assert!(stepper.contains("aria-current=\"step\">Memetakan SDM"));
    assert!(page.contains("Kampung Boncos"));
    assert!(page.contains("Jalan Raya Katamso"));
    assert!(page.contains("Posko Pemantauan Kampung Boncos"));
    assert_eq!(
        page.matches("laporan terlambat").count(),
        1,
        "the Polsek's post is overdue, the Kelurahan's is not"
    );
    let history = between(&page, "id=\"tabel-riwayat\"", "</table>").expect("history");
    assert!(history.contains("2021-08-26"), "the first version of 2021");
    assert!(history.contains("Rawan narkoba"));
    assert!(history.contains("Dalam pemulihan"));
    assert_eq!(history.matches("tahap berubah").count(), 2);

    // English through the catalogue.
    let (_, en) = s.page_in(&lurah, KBS, "en").await;
    assert!(en.contains("Monitoring posts (posko)"));
    assert!(en.contains("report overdue"));

    // The edit form: against the version shown, then against a stale one.
    let version = between(&page, "name=\"versi\" value=\"", "\"")
        .expect("version")
        .to_string();
    let edit = format!("{KBS}/ubah");
    // The roadmap is chosen by its title among those of the groups the writer sees.
    let roadmaps = between(&page, "name=\"peta_jalan\">", "</select>").expect("roadmap select");
    assert!(
        roadmaps.contains("Peta jalan Kelurahan Bersinar"),
        "{roadmaps}"
    );
    let roadmap = roadmaps
        .split("<option value=\"")
        .find(|o| o.contains("\" selected>"))
        .and_then(|o| o.split('"').next())
        .expect("the roadmap shown")
        .to_string();
    let stage = between(&page, "name=\"tahap\">", "</select>")
        .expect("stage select")
        .split("<option value=\"")
        .find(|o| o.contains("\" selected>"))
        .and_then(|o| o.split('"').next())
        .expect("the stage shown")
        .to_string();
    let fields = |versi: &str| {
        vec![
            ("versi", versi.to_string()),
            ("peta_jalan", roadmap.clone()),
            ("tahap", stage.clone()),
            ("kondisi", "recovering".to_string()),
            (
                "ringkasan",
                "Pemetaan SDM dan SDA selesai di RW 05.".to_string(),
            ),
            ("nilai_csr_grants", "developing".to_string()),
            (
                "catatan_csr_grants",
                "Dua perusahaan menjajaki CSR.".to_string(),
            ),
        ]
    };
    let pairs: Vec<(&str, String)> = fields(&version);
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, to) = s.form(&lurah, &edit, &pairs).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = s.page(&lurah, KBS).await;
    assert!(page.contains("Dua perusahaan menjajaki CSR."));
    let (status, _) = s.form(&lurah, &edit, &pairs).await;
    assert_eq!(
        status,
        StatusCode::PRECONDITION_FAILED,
        "the same version again"
    );

    // A post and its report through the forms; a bad cadence named in Indonesian.
    let (status, body) = s
        .form(
            &lurah,
            &format!("{KBS}/posko"),
            &[
                ("nama", "Posko RW 06"),
                ("lintang", "-6.1875"),
                ("bujur", "106.8031"),
                ("siklus", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("Siklus pelaporan (hari): harus jumlah hari bulat dari 1 sampai 366"),
        "{body}"
    );
    let (status, to) = s
        .form(
            &lurah,
            &format!("{KBS}/posko"),
            &[
                ("nama", "Posko RW 06"),
                ("lintang", "-6.1875"),
                ("bujur", "106.8031"),
                ("siklus", "14"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let post = to.split("#posko-").nth(1).expect("post anchor").to_string();
    #[allow(clippy::disallowed_methods)]
    let today = chrono::Utc::now().date_naive().to_string();
    let (status, to) = s
        .form(
            &lurah,
            &format!("{KBS}/posko/{post}/laporan"),
            &[
                ("tanggal", today.as_str()),
                ("ringkasan", "Posko baru mulai berjaga."),
                ("kejadian", "0"),
                ("penyuluhan", "12"),
                ("rujukan", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{to}");
    let (_, page) = s.page(&lurah, KBS).await;
    assert!(page.contains("Posko baru mulai berjaga."));

    // An agency that neither owns the profile, is above it, nor is in the roadmap's group
    // gets the missing page.
    let tnks = s.token("koordinator.tnks").await;
    let (status, _) = s.page(&tnks, KBS).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, list) = s.page(&tnks, "/wilayah").await;
    assert!(!list.contains("Kota Bambu Selatan"));
}
