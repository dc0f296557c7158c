use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

async fn send(r: reqwest::RequestBuilder) -> reqwest::Response {
    r.send().await.expect("send")
}

async fn created(r: reqwest::RequestBuilder) -> Value {
    let r = send(r).await;
    let status = r.status();
    let v: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{v}");
    v
}

async fn ok(r: reqwest::RequestBuilder) -> Value {
    let r = send(r).await;
    let status = r.status();
    let v: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn patch(s: &Server, token: &str, path: &str, etag: &str) -> reqwest::RequestBuilder {
    s.http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(token)
        .header("If-Match", etag)
}

const VILLAGE: &str = "15.01.01.2001";

/// A group of BNNK and the police with a roadmap of three stages, and a work plan that is
/// not a roadmap; answers (roadmap id, stage ids, the work plan's node id, its id).
async fn roadmap(s: &Server, k: &str) -> (String, Vec<String>, String, String) {
    let g = created(s.post(k, "/api/v1/groups").json(&json!({
        "name": "Tim Terpadu P4GN", "kind": "tim_terpadu", "legal_basis": "SK Kepala BNNK",
        "members": ["POLDA-JAMBI"], "period_from": "2021-08-26",
    })))
    .await;
    let gid = g["id"].as_str().expect("group").to_string();
    let plan = created(s.post(k, &format!("/api/v1/groups/{gid}/plans")).json(
        &json!({"kind": "roadmap", "title": "Peta jalan Desa Bersinar",
                "period_from": "2021-09-01", "period_until": "2026-12-31"}),
    ))
    .await;
    let pid = plan["id"].as_str().expect("plan").to_string();
    let mut stages = Vec::new();
    for t in [
        "Menyusun rencana",
        "Memetakan potensi",
        "Wirausaha berkembang",
    ] {
        let n = created(
            s.post(k, &format!("/api/v1/plans/{pid}/nodes"))
                .json(&json!({"kind": "stage", "title": t})),
        )
        .await;
        stages.push(n["id"].as_str().expect("stage").to_string());
    }
    let other = created(
        s.post(k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({"kind": "joint_work_plan", "title": "Rencana kerja",
                "period_from": "2021-09-01", "period_until": "2026-12-31"})),
    )
    .await;
    let oid = other["id"].as_str().expect("plan").to_string();
    let node = created(
        s.post(k, &format!("/api/v1/plans/{oid}/nodes"))
            .json(&json!({"kind": "stage", "title": "Tahap lain"})),
    )
    .await;
    (
        pid,
        stages,
        node["id"].as_str().expect("node").to_string(),
        oid,
    )
}

/// A village's profile on the roadmap: bad codes, a stage outside the roadmap, a plan
/// that is not a roadmap and a second profile refused, each naming its field; the stage
/// moved with If-Match, a stale edit refused, every version kept.
#[tokio::test]
async fn an_area_profile_moves_along_its_roadmap_and_keeps_its_history() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let (pid, stages, foreign, work_plan) = roadmap(&s, &k).await;
    let body = |code: &str| {
        json!({
            "code": code, "condition": "drug_prone",
            "summary": "Kawasan rawan narkoba di tepi sungai",
            "needs": {
                "infrastructure": {"note": "Jalan desa rusak, tanpa pasar", "rating": "lacking"},
                "csr_grants": {"note": "Belum ada CSR", "rating": "lacking"}
            },
            "roadmap": pid, "stage": stages[0], "stage_since": "2021-08-26",
        })
    };
    for (code, why) in [
        ("15.01.01.9999", "not in the Kemendagri table"),
        ("15.01.01", "a district, not a village"),
        ("Kerinci", "not a code"),
    ] {
        let e = problem(
            send(s.post(&k, "/api/v1/areas").json(&body(code))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&e), ["code"], "{why}: {e}");
    }
    let mut wrong = body(VILLAGE);
    wrong["stage"] = json!(foreign);
    let e = problem(
        send(s.post(&k, "/api/v1/areas").json(&wrong)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["stage"], "a stage of another plan: {e}");
    let mut wrong = body(VILLAGE);
    wrong["needs"]["institutions"] = json!({"rating": "excellent"});
    wrong["condition"] = json!("clean");
    let e = problem(
        send(s.post(&k, "/api/v1/areas").json(&wrong)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(
        fields(&e),
        ["condition", "needs.institutions.rating"],
        "every field at fault at once: {e}"
    );
    // A field officer reads but does not create.
    let petugas = s.token("petugas").await;
    problem(
        send(s.post(&petugas, "/api/v1/areas").json(&body(VILLAGE))).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let r = send(s.post(&k, "/api/v1/areas").json(&body(VILLAGE))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(
        r.headers().get("etag").and_then(|v| v.to_str().ok()),
        Some("\"1\"")
    );
    let a: Value = r.json().await.expect("json");
    assert!(
        a["name"]
            .as_str()
            .is_some_and(|n| !n.is_empty() && n != VILLAGE),
        "the village's name from the gazetteer: {a}"
    );
    assert_eq!(a["owner"], "BNNK-BATANGHARI");
    assert_eq!(a["stage_number"], 1);
    assert_eq!(a["stage_title"], "Menyusun rencana");
    assert_eq!(a["roadmap"]["stages"].as_array().map(Vec::len), Some(3));
    assert_eq!(a["roadmap"]["stages"][0]["current"], true);
    assert_eq!(a["needs"]["infrastructure"]["rating"], "lacking");
    assert_eq!(a["needs"]["human_resources"], Value::Null);

    // The same village twice is a conflict; nothing changes.
    problem(
        send(s.post(&k, "/api/v1/areas").json(&body(VILLAGE))).await,
        StatusCode::CONFLICT,
    )
    .await;

    let path = format!("/api/v1/areas/{VILLAGE}");
    // A plan that is not a roadmap is refused, naming it; so is a stage of another plan.
    let e = problem(
        send(patch(&s, &k, &path, "\"1\"").json(&json!({"roadmap": work_plan, "stage": null})))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["roadmap"], "{e}");
    let e = problem(
        send(patch(&s, &k, &path, "\"1\"").json(&json!({"stage": foreign}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["stage"], "{e}");
    let moved = ok(patch(&s, &k, &path, "\"1\"").json(&json!({
        "stage": stages[1], "stage_since": "2023-03-01", "condition": "recovering",
        "needs": {"csr_grants": null, "human_resources": {"note": "Pelatihan dimulai", "rating": "developing"}},
    })))
    .await;
    assert_eq!(moved["version"], 2);
    assert_eq!(moved["stage_number"], 2);
    assert_eq!(moved["roadmap"]["stages"][0]["passed"], true);
    assert_eq!(moved["needs"]["csr_grants"], Value::Null);
    assert_eq!(
        moved["needs"]["infrastructure"]["rating"], "lacking",
        "kept"
    );
    // An edit made against the first version is refused and writes nothing.
    problem(
        send(patch(&s, &k, &path, "\"1\"").json(&json!({"condition": "bersinar"}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let now = ok(s.get(&k, &path)).await;
    assert_eq!(now["condition"], "recovering");

    let h = ok(s.get(&k, &format!("{path}/history"))).await;
    let versions = h["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2, "{h}");
    assert_eq!(versions[0]["version"], 2);
    assert_eq!(versions[0]["stage_changed"], true);
    assert_eq!(versions[0]["stage_title"], "Memetakan potensi");
    assert_eq!(versions[0]["stage_since"], "2023-03-01");
    assert_eq!(versions[1]["version"], 1);
    assert_eq!(versions[1]["condition"], "drug_prone");
    assert_eq!(versions[1]["stage_number"], 1);
    assert_eq!(versions[1]["changed_by"], "koordinator");

    // Lists: by region prefix and by stage; a bad prefix names its field.
    let list = ok(s.get(&k, "/api/v1/areas?region=15.01")).await;
    assert_eq!(list["areas"][0]["code"], VILLAGE);
    let list = ok(s.get(&k, "/api/v1/areas?region=31")).await;
    assert_eq!(list["areas"], json!([]));
    let list = ok(s.get(&k, &format!("/api/v1/areas?stage={}", stages[1]))).await;
    assert_eq!(list["areas"].as_array().map(Vec::len), Some(1));
    let list = ok(s.get(&k, &format!("/api/v1/areas?stage={}", stages[0]))).await;
    assert_eq!(list["areas"], json!([]));
    let e = problem(
        send(s.get(&k, "/api/v1/areas?region=31%25")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["region"]);

    // Who sees it: the agencies above the owner and the roadmap group's police; the
    // police see the stage names because they see the plan.
    let analis = s.token("analis").await;
    assert_eq!(ok(s.get(&analis, &path)).await["code"], VILLAGE);
    let polisi = s.token("polisi").await;
    let seen = ok(s.get(&polisi, &path)).await;
    assert_eq!(seen["stage_title"], "Memetakan potensi");
    // The BNN above sees the profile but not the group's roadmap.
    let above = ok(s.get(&analis, &path)).await;
    assert_eq!(above["roadmap"], Value::Null);
    assert_eq!(above["stage_title"], Value::Null);
}

/// Posts and their reports: the responsible agency's field officer files them, another
/// field officer may not; the latest report shown, a post without a report within its
/// cadence overdue; bad reports name their field.
#[tokio::test]
async fn posts_report_periodically_and_show_when_overdue() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    created(s.post(&k, "/api/v1/areas").json(&json!({"code": VILLAGE}))).await;
    let posts = format!("/api/v1/areas/{VILLAGE}/posts");
    let e = problem(
        send(s.post(&k, &posts).json(&json!({
            "name": "", "lon": 200, "lat": -1.7, "cadence_days": 0, "responsible": "NOPE",
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["name", "lon", "cadence_days"], "{e}");
    let e = problem(
        send(s.post(&k, &posts).json(&json!({
            "name": "Posko", "lon": 101.4, "lat": -1.7, "cadence_days": 7, "responsible": "POLRES-TIDAK-ADA",
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["responsible"], "{e}");
    let weekly = created(s.post(&k, &posts).json(&json!({
        "name": "Posko Simpang Tiga", "lon": 101.41, "lat": -1.71, "cadence_days": 7,
        "responsible": "POLDA-JAMBI",
    })))
    .await;
    let wid = weekly["id"].as_str().expect("post").to_string();
    assert_eq!(weekly["responsible"], "POLDA-JAMBI");
    assert_eq!(weekly["last_report"], Value::Null);
    assert_eq!(weekly["overdue"], false, "a new post is not overdue");
    let monthly = created(s.post(&k, &posts).json(&json!({
        "name": "Posko Balai Desa", "lon": 101.42, "lat": -1.72, "cadence_days": 7,
    })))
    .await;
    let mid = monthly["id"].as_str().expect("post").to_string();
    assert_eq!(monthly["responsible"], "BNNK-BATANGHARI");

    #[allow(clippy::disallowed_methods)]
    let today = chrono::Utc::now().date_naive();
    let day = |n: i64| (today - chrono::Duration::days(n)).to_string();
    let polisi = s.token("polisi").await;
    let reports = format!("{posts}/{wid}/reports");
    created(s.post(&polisi, &reports).json(&json!({
        "reported_on": day(2), "summary": "Patroli malam, dua kejadian",
        "incidents": 2, "outreach": 15,
    })))
    .await;
    let e = problem(
        send(s.post(&polisi, &reports).json(&json!({
            "reported_on": "kemarin", "summary": " ", "referrals": -1,
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["reported_on", "summary", "referrals"], "{e}");
    // Another field officer, not of the post's agency, may not file for it.
    let petugas = s.token("petugas").await;
    problem(
        send(s.post(&petugas, &reports).json(&json!({
            "reported_on": day(1), "summary": "x",
        })))
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    created(s.post(&k, &format!("{posts}/{mid}/reports")).json(&json!({
        "reported_on": day(30), "summary": "Sosialisasi di balai desa", "outreach": 40,
    })))
    .await;

    let list = ok(s.get(&k, &posts)).await;
    let by_name = |n: &str| {
        list["posts"]
            .as_array()
            .and_then(|a| a.iter().find(|p| p["name"] == n).cloned())
            .expect("post")
    };
    let w = by_name("Posko Simpang Tiga");
    assert_eq!(w["last_report"]["counts"]["incidents"], 2);
    assert_eq!(w["overdue"], false);
    let m = by_name("Posko Balai Desa");
    assert_eq!(m["last_report"]["reported_on"], day(30));
    assert_eq!(
        m["overdue"], true,
        "thirty days since the last weekly report"
    );
    let r = ok(s.get(&k, &reports)).await;
    assert_eq!(r["reports"].as_array().map(Vec::len), Some(1));
    // A post named under another area's code is missing.
    created(
        s.post(&k, "/api/v1/areas")
            .json(&json!({"code": "31.73.07.1006"})),
    )
    .await;
    problem(
        send(s.get(
            &k,
            &format!("/api/v1/areas/31.73.07.1006/posts/{wid}/reports"),
        ))
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
}
