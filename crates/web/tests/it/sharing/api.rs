//! Sharing through the API: agreements deciding what flows, referrals, break-glass access
//! and draft agreements with their documents.

use reqwest::StatusCode;
use serde_json::{json, Value};
use sinergi_core::agency::NewAgency;

use crate::harness::jambi::*;

/// An agreement decides what flows: nothing before every party approves, only the agreed
/// types and sensitivities with fields withheld and locations coarsened while active, and
/// nothing at all once revoked.
#[tokio::test]
async fn agreements_decide_what_flows_and_revocation_stops_it_at_once() {
    let s = spawn().await;
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
    let t = s.token("petugas").await;
    let mut shared = feature("Sabu di gudang", "internal");
    shared["properties"]["attributes"]["suspect_names"] = json!("Budi, Ani");
    let a: Value = s
        .post(&t, "/api/v1/reports")
        .json(&shared)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let a_id = a["id"].as_str().expect("id").to_string();
    s.post(&t, "/api/v1/reports")
        .json(&feature("Tetap terbatas", "restricted"))
        .send()
        .await
        .expect("send");
    let polisi = s.token("polisi").await;
    let count = |body: Value| body["numberReturned"].as_u64().expect("n");
    let list = || async {
        s.get(&polisi, "/api/v1/reports")
            .send()
            .await
            .expect("send")
            .json::<Value>()
            .await
            .expect("json")
    };
    assert_eq!(count(list().await), 0);

    let bnnp = s.token("admin.bnnp").await;
    let body = json!({"title": "PKS BNNP Jambi – Polda Jambi", "number": "PKS/01/2025",
        "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": ["narcotics"], "max_sensitivity": "internal",
            "withheld_fields": ["suspect_names"], "location_precision_m": 1000, "include_subagencies": true,
            "protected_persons": ["victim"]}]});
    // An informant's identity is never shared: the clause is refused, naming the field.
    let mut informants = body.clone();
    informants["clauses"][0]["protected_persons"] = json!(["victim", "informant"]);
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&informants)
        .send()
        .await
        .expect("send");
    let p = problem(r, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(p["errors"][0]["field"], "clauses[0].protected_persons");
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(ag["status"], "proposed");
    assert_eq!(ag["clauses"][0]["protected_persons"], json!(["victim"]));
    assert!(ag["what_flows_where"][0]
        .as_str()
        .expect("summary")
        .contains("Identitas korban dapat dibagikan satu per satu."));
    assert!(ag["what_flows_where"][0]
        .as_str()
        .expect("summary")
        .contains("BNNP-JAMBI (beserta sub-instansi) → POLDA-JAMBI"));
    let id = ag["id"].as_str().expect("id").to_string();
    let r = s
        .post(&polisi, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r: Value = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "proposed");
    assert_eq!(
        count(list().await),
        0,
        "nothing flows before every party approves"
    );
    let polda = s.token("admin.polda").await;
    let r: Value = s
        .post(&polda, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "active");

    let page = list().await;
    assert_eq!(
        count(page.clone()),
        1,
        "only the internal narcotics report of BNNK (below BNNP) flows"
    );
    let f = &page["features"][0];
    assert_eq!(f["id"], a_id.as_str());
    assert!(
        f["properties"]["attributes"].get("suspect_names").is_none(),
        "{f}"
    );
    assert_eq!(
        f["properties"]["attributes"]["substance"],
        "methamphetamine"
    );
    assert_eq!(f["properties"]["access"]["precision"], 1000);
    assert_ne!(f["geometry"], a["geometry"], "the location is coarsened");
    assert_eq!(
        list().await["features"][0]["geometry"],
        f["geometry"],
        "the same cell every time"
    );
    let one: Value = s
        .get(&polisi, &format!("/api/v1/reports/{a_id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(one["geometry"], f["geometry"]);
    assert!(one["properties"]["attributes"]
        .get("suspect_names")
        .is_none());
    let counts: Value = s
        .get(&polisi, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 1);
    let csv = s
        .get(&polisi, "/api/v1/reports/export?format=csv")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 2);
    assert!(!csv.contains("Budi"), "{csv}");
    let r = s
        .http
        .patch(format!("{}/api/v1/reports/{a_id}", s.url))
        .bearer_auth(&polisi)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;

    let r: Value = s
        .post(&polda, &format!("/api/v1/agreements/{id}/revoke"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(r["status"], "revoked");
    assert_eq!(count(list().await), 0, "revocation stops sharing at once");
    let r = s
        .get(&polisi, &format!("/api/v1/reports/{a_id}"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let counts: Value = s
        .get(&polisi, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 0);

    let bad = json!({"title": "x", "number": "y", "parties": [], "valid_from": "2025-02-01", "valid_until": "2025-01-01",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["BNNP-JAMBI"], "report_types": ["alien_landing"], "max_sensitivity": "internal"}]});
    let p = problem(
        s.post(&bnnp, "/api/v1/agreements")
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let f = fields(&p);
    for want in ["parties", "valid_until", "clauses[0].report_types"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    let ghost = json!({"title": "x", "number": "y", "parties": ["BNNP-JAMBI", "NOPE"], "valid_from": "2025-01-01", "valid_until": "2026-01-01"});
    let p = problem(
        s.post(&bnnp, "/api/v1/agreements")
            .json(&ghost)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["parties[1]"]);
    let v: Value = s
        .get(&bnnp, "/api/v1/audit?action=agreement_approve")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["entries"].as_array().expect("entries").len(),
        1,
        "BNNP's admin sees BNNP's approval"
    );
}

/// A referral shares one record with one agency until it ends or is revoked.
#[tokio::test]
async fn referrals_share_one_report_until_revoked() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Dirujuk ke polisi", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let polisi = s.token("polisi").await;
    assert_eq!(
        s.get(&polisi, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let k = s.token("koordinator").await;
    let until = (s.app.now() + chrono::Duration::days(3)).to_rfc3339();
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNNK-BATANGHARI", "reason": "x", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["to"]
    );
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "", "until": "2001-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["reason", "until"]
    );
    let r = s
        .post(&k, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "Penyidikan bersama", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let referral: Value = r.json().await.expect("json");
    let got: Value = s
        .get(&polisi, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(got["properties"]["title"], "Dirujuk ke polisi");
    let list: Value = s
        .get(&polisi, "/api/v1/reports")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 1);
    let r = s
        .post(&polisi, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNN", "reason": "y", "until": until}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let rid = referral["id"].as_str().expect("id");
    let r = s
        .http
        .delete(format!("{}/api/v1/reports/{id}/referrals/{rid}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(&polisi, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = s
        .http
        .delete(format!("{}/api/v1/reports/{id}/referrals/{rid}", s.url))
        .bearer_auth(&k)
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // A public report's referrals are the owner's and the recipient's business only.
    let new = NewAgency::parse(
        "DINSOS-JAMBI",
        "Dinas Sosial",
        "local_government",
        None,
        &["15".to_string()],
    )
    .expect("agency");
    s.app.create_agency(None, new).await.expect("agency");
    s.app
        .create_user(None, "dinsos", "", "DINSOS-JAMBI", "coordinator", PASSWORD)
        .await
        .expect("user");
    let public: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Penyuluhan terbuka", "public"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let pid = public["id"].as_str().expect("id");
    let r = s
        .post(&k, &format!("/api/v1/reports/{pid}/referrals"))
        .json(&json!({"to": "POLDA-JAMBI", "reason": "Pelaku diduga jaringan", "until": until}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let referrals_seen_by = |token: String| {
        let path = format!("/api/v1/reports/{pid}/referrals");
        let s = &s;
        async move {
            let v: Value = s
                .get(&token, &path)
                .send()
                .await
                .expect("send")
                .json()
                .await
                .expect("json");
            v["referrals"]
                .as_array()
                .map(Vec::len)
                .unwrap_or_else(|| panic!("{v}"))
        }
    };
    assert_eq!(referrals_seen_by(k.clone()).await, 1, "the owner");
    assert_eq!(referrals_seen_by(polisi.clone()).await, 1, "the recipient");
    assert_eq!(
        referrals_seen_by(s.token("dinsos").await).await,
        0,
        "a stranger"
    );
}

/// Emergency access opens one restricted report to one person for a few hours, needs a
/// justification and an allowed role, and is visible to the owner agency's administrators.
#[tokio::test]
async fn break_glass_is_justified_limited_and_audited() {
    let s = spawn().await;
    s.app
        .create_user(
            None,
            "kanit.polda",
            "",
            "POLDA-JAMBI",
            "coordinator",
            PASSWORD,
        )
        .await
        .expect("user");
    s.app
        .create_user(None, "root", "", "POLDA-JAMBI", "system_admin", PASSWORD)
        .await
        .expect("user");
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Lokasi gudang", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let secret: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Informan", "secret"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let kanit = s.token("kanit.polda").await;
    let path = format!("/api/v1/reports/{id}/break-glass");
    let r = s
        .post(&kanit, &path)
        .json(&json!({"justification": "perlu"}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["justification"]
    );
    let polisi = s.token("polisi").await;
    let r = s
        .post(&polisi, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .post(
            &kanit,
            &format!(
                "/api/v1/reports/{}/break-glass",
                secret["id"].as_str().expect("id")
            ),
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    // A hidden secret report answers exactly like a missing one.
    let hidden = problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(
            &kanit,
            "/api/v1/reports/01970000-0000-7000-8000-00000000dead/break-glass",
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    let missing = problem(r, StatusCode::NOT_FOUND).await;
    for k in ["title", "detail", "code", "status"] {
        assert_eq!(hidden[k], missing[k], "{k}");
    }
    assert_eq!(
        s.get(&kanit, &format!("/api/v1/reports/{id}"))
            .send()
            .await
            .expect("send")
            .status(),
        StatusCode::NOT_FOUND
    );
    let r = s
        .post(&kanit, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let got = s
        .get(&kanit, &format!("/api/v1/reports/{id}"))
        .send()
        .await
        .expect("send");
    assert_eq!(got.status(), StatusCode::OK);
    let again = s
        .post(&kanit, &path)
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(again, StatusCode::CONFLICT).await;
    let admin = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&admin, "/api/v1/audit?action=break_glass")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(
        v["entries"][0]["actor"], "kanit.polda",
        "the owner side's admin sees who opened it"
    );

    // The owner side's administrators were told, in the application: the report's agency
    // (BNNK) has no administrator, so the one above it (BNNP) is.
    let bnnp = s.token("admin.bnnp").await;
    let v: Value = s
        .get(&bnnp, "/api/v1/notifications")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["unread"], 1, "{v}");
    assert_eq!(v["notifications"][0]["kind"], "break_glass");
    assert_eq!(v["notifications"][0]["record_id"], id.as_str());
    assert_eq!(v["notifications"][0]["detail"]["by"], "kanit.polda");
    assert_eq!(
        v["notifications"][0]["detail"]["justification"],
        "Penggerebekan malam ini di lokasi yang sama"
    );
    let nid = v["notifications"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let r = s
        .post(&kanit, &format!("/api/v1/notifications/{nid}/read"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/notifications/{nid}/read"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let v: Value = s
        .get(&bnnp, "/api/v1/notifications?unread=true")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(v["unread"], 0);
    assert_eq!(v["notifications"].as_array().map(Vec::len), Some(0));

    let root = s.token("root").await;
    // A system administrator does nothing before setting up a second factor.
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        problem(r, StatusCode::FORBIDDEN).await["code"],
        "totp_enrolment_required"
    );
    s.enrol(&root).await;
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&kanit)
        .json(&json!({"roles": ["field_officer"]}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": ["wizard"]}))
        .send()
        .await
        .expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["roles[0]"]
    );
    let r = s
        .http
        .put(format!("{}/api/v1/settings/break-glass", s.url))
        .bearer_auth(&root)
        .json(&json!({"roles": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let other: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Lain", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let r = s
        .post(
            &kanit,
            &format!(
                "/api/v1/reports/{}/break-glass",
                other["id"].as_str().expect("id")
            ),
        )
        .json(&json!({"justification": "Penggerebekan malam ini di lokasi yang sama"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn draft_agreements_are_edited_then_proposed_and_carry_their_documents() {
    let s = spawn().await;
    let bnnp = s.token("admin.bnnp").await;
    let mut body = json!({"title": "Draf PKS", "number": "PKS/02/2025", "status": "draft",
        "parties": ["BNNP-JAMBI", "POLDA-JAMBI"], "valid_from": "2025-01-01", "valid_until": "2030-12-31",
        "clauses": [{"from": "BNNP-JAMBI", "to": ["POLDA-JAMBI"], "categories": ["narcotics"], "max_sensitivity": "internal"}]});
    let r = s
        .post(&bnnp, "/api/v1/agreements")
        .json(&body)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(ag["status"], "draft");
    let id = ag["id"].as_str().expect("id").to_string();
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/approve"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;
    body["title"] = json!("PKS BNNP Jambi – Polda Jambi");
    body["status"] = json!("bogus");
    let put = |token: &str, etag: &str, body: &Value| {
        s.http
            .put(format!("{}/api/v1/agreements/{id}", s.url))
            .bearer_auth(token)
            .header("if-match", etag)
            .json(body)
            .send()
    };
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    assert_eq!(
        fields(&problem(r, StatusCode::UNPROCESSABLE_ENTITY).await),
        ["status"]
    );
    body["status"] = json!("draft");
    let polisi = s.token("polisi").await;
    let r = put(&polisi, "\"1\"", &body).await.expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let ag: Value = r.json().await.expect("json");
    assert_eq!(
        (
            ag["title"].as_str(),
            ag["status"].as_str(),
            ag["version"].as_i64()
        ),
        (Some("PKS BNNP Jambi – Polda Jambi"), Some("draft"), Some(2))
    );
    let r = put(&bnnp, "\"1\"", &body).await.expect("send");
    problem(r, StatusCode::PRECONDITION_FAILED).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/propose"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.expect("json")["status"], "proposed");
    let r = put(&bnnp, "\"3\"", &body).await.expect("send");
    problem(r, StatusCode::CONFLICT).await;
    let r = s
        .post(&bnnp, &format!("/api/v1/agreements/{id}/propose"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::CONFLICT).await;

    // The signed text: PDF by its bytes, stored once, readable by the parties only.
    let upload = |token: &str, name: &str, bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
        s.post(token, &format!("/api/v1/agreements/{id}/documents"))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let r = upload(&bnnp, "naskah.pdf", b"bukan pdf".to_vec())
        .await
        .expect("send");
    problem(r, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let r = upload(&polisi, "naskah.pdf", pdf.clone())
        .await
        .expect("send");
    problem(r, StatusCode::FORBIDDEN).await;
    let r = upload(&bnnp, "naskah PKS.pdf", pdf.clone())
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let doc: Value = r.json().await.expect("json");
    let r = upload(&bnnp, "salinan.pdf", pdf.clone())
        .await
        .expect("send");
    assert_eq!(
        r.json::<Value>().await.expect("json")["id"],
        doc["id"],
        "the same file once"
    );
    let ag: Value = s
        .get(&polisi, &format!("/api/v1/agreements/{id}"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(ag["documents"].as_array().map(Vec::len), Some(1));
    assert_eq!(ag["documents"][0]["filename"], "naskah PKS.pdf");
    let href = doc["href"].as_str().expect("href").to_string();
    let r = s.get(&polisi, &href).send().await.expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), pdf);
    let analis = s.token("analis").await;
    let r = s.get(&analis, &href).send().await.expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}
