//! The audit trail through the API: sensitive access recorded, signed checkpoints and the
//! CSV export.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

/// Sensitive reads, changes and sign-in failures leave entries administrators can read,
/// each limited to their own agencies.
#[tokio::test]
async fn the_audit_trail_records_sensitive_access_for_administrators() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Informan", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = created["id"].as_str().expect("id").to_string();
    s.get(&t, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "petugas", "password": "salah-sandi"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = s.get(&t, "/api/v1/audit").send().await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let admin = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&admin, &format!("/api/v1/audit?record={id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = v["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        ["report_read", "report_create"],
        "BNNP's admin sees its sub-agency's entries"
    );
    let v: Value = s
        .get(&admin, "/api/v1/audit?action=sign_in_failed")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["entries"][0]["actor"], "petugas");
    let csv = s
        .get(&admin, "/api/v1/audit?format=csv&actor=petugas")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    assert!(
        csv.starts_with("seq,at,actor,action") && csv.contains("report_read"),
        "{csv}"
    );
    let r = s
        .get(&admin, "/api/v1/audit?action=dance&since=yesterday")
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["since", "action"]
    );

    // Police see nothing of BNN's trail, even as administrators of their own agency.
    s.app
        .create_user(
            None,
            "admin.polda",
            "",
            "POLDA-JAMBI",
            "agency_admin",
            PASSWORD,
        )
        .await
        .expect("user");
    let p = s.token("admin.polda").await;
    let v: Value = s
        .get(&p, &format!("/api/v1/audit?record={id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["entries"].as_array().expect("entries").len(), 0);
    assert!(s
        .app
        .verify_audit_chain()
        .await
        .expect("verify")
        .broken
        .is_none());
}

/// System administrators write a signed checkpoint on demand and read the checkpoints
/// with the key they verify against; nobody else does either.
#[tokio::test]
async fn system_admins_write_and_read_signed_audit_checkpoints() {
    use sinergi_core::checkpoint::{Checkpoint, PublicKey};
    let s = spawn().await;
    s.app
        .create_user(None, "root", "", "BNN", "system_admin", PASSWORD)
        .await
        .expect("user");
    let admin = s.token("admin.bnnp").await;
    for r in [
        s.get(&admin, "/api/v1/audit/checkpoints"),
        s.post(&admin, "/api/v1/audit/checkpoints"),
    ] {
        problem(r.send().await.expect("send"), StatusCode::FORBIDDEN).await;
    }
    let root = s.token("root").await;
    s.enrol(&root).await;
    let head = s
        .app
        .store
        .audit_head()
        .await
        .expect("head")
        .expect("entries");
    let r = s
        .post(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["written"], true);
    let written: Checkpoint = serde_json::from_value(v["checkpoint"].clone()).expect("checkpoint");
    assert_eq!((written.seq, written.hash.clone()), head);

    // Nothing new to sign: the same checkpoint again, nothing written.
    let r = s
        .post(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["written"], false);

    let v: Value = s
        .get(&root, "/api/v1/audit/checkpoints")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let key = PublicKey::parse(v["public_key"].as_str().expect("key")).expect("hex key");
    assert_eq!(
        s.app.local_audit_public_key().expect("local key"),
        Some(key)
    );
    let listed: Vec<Checkpoint> =
        serde_json::from_value(v["checkpoints"].clone()).expect("checkpoints");
    assert_eq!(listed, std::slice::from_ref(&written));
    assert_eq!(listed[0].check_signature(&[key]), Ok(()));

    let report = s.app.verify_audit(vec![], false).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.newest_valid, Some(written));

    // A report written through the API is covered by its audited content hash; one
    // loaded in bulk (no audited write) is counted as not covered, not as a failure.
    let t = s.token("petugas").await;
    let created: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Gudang", "internal"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = sinergi_core::ids::ReportId::parse(created["id"].as_str().expect("id")).expect("uuid");
    let stored = s.app.store.report(id).await.expect("read").expect("stored");
    let copy = sinergi_core::report::Report {
        id: sinergi_core::ids::ReportId::new_at(stored.created_at, [7; 10]),
        ..stored
    };
    s.app
        .store
        .bulk_insert_reports(&[copy])
        .await
        .expect("bulk");
    let report = s.app.verify_audit(vec![], true).await.expect("verify");
    assert!(report.is_ok(), "{report:?}");
    let records = report.records.expect("records");
    assert_eq!(
        (records.checked, records.matching, records.not_covered),
        (2, 1, 1)
    );
}

/// A name typed at sign-in reaches the audit CSV as text, never as a spreadsheet formula.
#[tokio::test]
async fn the_audit_csv_does_not_carry_formulas() {
    let s = spawn().await;
    let r = s
        .http
        .post(format!("{}/api/v1/auth/token", s.url))
        .json(&json!({"username": "=HYPERLINK(\"http://contoh.test\",\"klik\")", "password": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    s.app
        .create_user(None, "root", "", "POLDA-JAMBI", "system_admin", PASSWORD)
        .await
        .expect("user");
    let root = s.token("root").await;
    s.enrol(&root).await;
    let csv_text = s
        .get(&root, "/api/v1/audit?format=csv&action=sign_in_failed")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let head = rd.headers().expect("header").clone();
    let actor = head
        .iter()
        .position(|h| h == "actor")
        .expect("actor column");
    let actors: Vec<String> = rd
        .records()
        .map(|r| r.expect("row")[actor].to_string())
        .collect();
    assert!(!actors.is_empty(), "{csv_text}");
    assert!(actors.iter().all(|a| a.starts_with("'=")), "{actors:?}");
}
