//! Agreement pages: links to the reports an agreement shares, renewal as a new draft.

use reqwest::StatusCode;
use serde_json::Value;

use crate::harness::between;
use crate::harness::demo::*;

/// The agreement on the user's list whose number starts with `prefix`.
async fn agreement_numbered(s: &Server, token: &str, prefix: &str) -> Value {
    for id in agreement_ids(s, token).await {
        let (_, a) = s.api(token, &format!("/api/v1/agreements/{id}")).await;
        if a["number"].as_str().is_some_and(|n| n.starts_with(prefix)) {
            return a;
        }
    }
    panic!("no agreement numbered {prefix}…");
}

/// The agreement page leads to what it shares: for a receiving agency, links into the
/// report list filtered by the owning agency and each shared type, which list exactly
/// such reports. Nothing is offered for an agreement no longer in force.
#[tokio::test]
async fn an_agreement_links_to_the_reports_it_shares_with_the_viewer() {
    let s = spawn().await;
    let police = s.token("penyidik.polda.jambi").await;
    let mou = agreement_numbered(&s, &police, "PKS.01/BBTNKS").await;
    let id = mou["id"].as_str().expect("id");
    let (status, page) = s.page(&police, &format!("/perjanjian/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    let section = between(&page, "id=\"dibagikan-kepada-anda\"", "</section>")
        .expect("the shared reports are linked")
        .replace("&amp;", "&");
    assert!(
        section.contains("href=\"/laporan?agency=BBTNKS\""),
        "{section}"
    );
    assert!(section.contains("Laporan BBTNKS"), "{section}");
    assert!(
        section.contains("href=\"/laporan?agency=BBTNKS&type=illegal_logging\""),
        "{section}"
    );
    assert!(
        !section.contains("agency=POLDA-JAMBI"),
        "not the viewer's own reports"
    );

    // The link lists BBTNKS's shared reports of that type, nothing else.
    let (status, list) = s
        .page(&police, "/laporan?agency=BBTNKS&type=illegal_logging")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, api) = s
        .api(
            &police,
            "/api/v1/reports?agency=BBTNKS&type=illegal_logging&limit=1000",
        )
        .await;
    let features = api["features"].as_array().expect("features");
    assert!(!features.is_empty(), "the park shares logging reports");
    for f in features {
        assert_eq!(f["properties"]["type"], "illegal_logging");
        assert_eq!(f["properties"]["owner_agency"], "BBTNKS", "{f}");
    }
    let first = features[0]["id"].as_str().expect("id");
    assert!(
        list.contains(&format!("/laporan/{first}")),
        "the list shows them"
    );

    // The owner's own side of the memorandum needs no such links for its own reports, and
    // an expired agreement shares nothing.
    let bnnp = s.token("admin.bnnp.jambi").await;
    let expired = agreement_numbered(&s, &bnnp, "PKS/BNNP-JMB").await;
    assert_eq!(expired["status"], "expired");
    let (_, page) = s
        .page(
            &bnnp,
            &format!("/perjanjian/{}", expired["id"].as_str().expect("id")),
        )
        .await;
    assert!(!page.contains("id=\"dibagikan-kepada-anda\""));
}

/// An expired agreement is renewed as a new draft: same parties and clauses, valid from
/// today for as long as before, made by the same use case as any draft, and opened on its
/// edit page. The old agreement stays expired; an active one offers no renewal, and only
/// a party's administrator may renew.
#[tokio::test]
async fn an_ended_agreement_is_renewed_as_a_new_draft() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp.jambi").await;
    let old = agreement_numbered(&s, &bnnp, "PKS/BNNP-JMB").await;
    let old_id = old["id"].as_str().expect("id").to_string();
    assert_eq!(old["status"], "expired");
    let (_, page) = s.page(&bnnp, &format!("/perjanjian/{old_id}")).await;
    assert!(
        page.contains("Perbarui sebagai draf baru"),
        "offered on an expired agreement"
    );

    // Not offered to a field officer of a party, and refused if sent anyway.
    let officer = s.token("petugas.bnnk.batanghari").await;
    let (_, page) = s.page(&officer, &format!("/perjanjian/{old_id}")).await;
    assert!(!page.contains("id=\"perbarui-draf\""));
    let (status, _) = s
        .form(&officer, &format!("/perjanjian/{old_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (status, location) = s
        .form(&bnnp, &format!("/perjanjian/{old_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location}");
    let new_id = location
        .strip_prefix("/perjanjian/")
        .and_then(|r| r.strip_suffix("/ubah?pesan=diperbarui"))
        .unwrap_or_else(|| panic!("to the draft's edit page: {location}"))
        .to_string();
    assert_ne!(new_id, old_id);
    let (status, form) = s.page(&bnnp, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("id=\"draf-pembaruan\""),
        "the edit page says what happened"
    );
    assert!(form.contains("id=\"k0-withheld-suspect_names\" name=\"clauses[0].withheld\" value=\"suspect_names\" checked"));

    let (_, draft) = s.api(&bnnp, &format!("/api/v1/agreements/{new_id}")).await;
    assert_eq!(draft["status"], "draft");
    for key in ["title", "number", "legal_basis", "parties", "clauses"] {
        assert_eq!(draft[key], old[key], "{key} copied");
    }
    let date = |v: &Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().expect("date"), "%Y-%m-%d").expect("date")
    };
    let today = s
        .app
        .now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("WIB"))
        .date_naive();
    assert_eq!(date(&draft["valid_from"]), today);
    assert_eq!(
        date(&draft["valid_until"]) - date(&draft["valid_from"]),
        date(&old["valid_until"]) - date(&old["valid_from"])
    );
    let (_, old_now) = s.api(&bnnp, &format!("/api/v1/agreements/{old_id}")).await;
    assert_eq!(old_now["status"], "expired", "the old one is unchanged");
    assert_eq!(old_now["version"], old["version"]);

    // An agreement in force is not renewed.
    let tnks = s.token("admin.tnks").await;
    let mou = agreement_numbered(&s, &tnks, "PKS.01/BBTNKS").await;
    let mou_id = mou["id"].as_str().expect("id");
    let (_, page) = s.page(&tnks, &format!("/perjanjian/{mou_id}")).await;
    assert!(!page.contains("id=\"perbarui-draf\""));
    let (status, _) = s
        .form(&tnks, &format!("/perjanjian/{mou_id}/perbarui"), &[])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
}
