use reqwest::StatusCode;

use crate::harness::demo::*;

/// The demo's joint patrols of Balai Besar TNKS and Polres Kerinci: the police officer
/// sees them through the API, each walked one with its effort computed from its tracks,
/// and on the patrol list page.
#[tokio::test]
async fn the_police_see_the_demos_joint_patrols_and_their_effort() {
    let s = spawn().await;
    let police = s.token("penyidik.polres.kerinci").await;
    let (status, list) = s.api(&police, "/api/v1/patrols").await;
    assert_eq!(status, StatusCode::OK);
    let patrols = list["patrols"].as_array().expect("patrols");
    assert_eq!(patrols.len(), 12, "{list}");
    let mut walked = 0;
    for p in patrols {
        assert_eq!(p["agency"], "BBTNKS");
        assert!(
            p["members"]
                .as_array()
                .expect("members")
                .iter()
                .any(|m| m["agency"] == "POLRES-KERINCI"),
            "{p}"
        );
        if p["status"] != "planned" {
            assert!(p["effort"]["distance_km"].as_f64() > Some(4.0), "{p}");
            assert!(p["effort"]["person_days"].as_u64() >= Some(2), "{p}");
            walked += 1;
        }
    }
    assert_eq!(walked, 10, "nine done and one under way");
    let (status, page) = s.page(&police, "/patroli").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Patroli gabungan pengamanan kawasan"),
        "the list page"
    );
}
