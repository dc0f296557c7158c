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

fn patch(s: &Server, token: &str, path: &str, etag: &str) -> reqwest::RequestBuilder {
    s.http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(token)
        .header("If-Match", etag)
}

/// A Pokja of BNNK and the police with a joint work plan: the tree is built, read whole
/// with progress, nodes moved; cycles, outside agencies and stale versions refused.
#[tokio::test]
async fn a_joint_work_plan_is_built_as_a_tree_with_progress() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let g = created(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Pokja Pengamanan Kawasan", "kind": "pokja",
        "legal_basis": "Nota Kesepahaman 14 Maret 2017", "members": ["POLDA-JAMBI"],
        "period_from": "2017-05-29",
    })))
    .await;
    let gid = g["id"].as_str().expect("id").to_string();

    // A plan whose period ends before it starts is refused, naming the field.
    let e = problem(
        send(
            s.post(&k, &format!("/api/v1/groups/{gid}/plans"))
                .json(&json!({
                    "kind": "joint_work_plan", "title": "Rencana kerja",
                    "period_from": "2019-01-01", "period_until": "2017-01-01",
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["period_until"], "{e}");
    // A field officer of a member agency reads but does not write.
    let petugas = s.token("petugas").await;
    problem(
        send(
            s.post(&petugas, &format!("/api/v1/groups/{gid}/plans"))
                .json(&json!({
                    "kind": "joint_work_plan", "title": "x", "period_from": "2017-06-01",
                    "period_until": "2019-12-31",
                })),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let r = send(
        s.post(&k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({
                "kind": "joint_work_plan", "title": "Rencana kerja bersama Pokja",
                "description": "Pengamanan dan perlindungan kawasan",
                "period_from": "2017-06-01", "period_until": "2019-12-31",
            })),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let plan: Value = r.json().await.expect("json");
    let pid = plan["id"].as_str().expect("id").to_string();
    let list: Value = send(s.get(&petugas, &format!("/api/v1/groups/{gid}/plans")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["plans"][0]["id"], pid.as_str());

    // The tree: a goal, a programme under it, a training under the programme.
    let nodes = format!("/api/v1/plans/{pid}/nodes");
    let goal = created(s.post(&k, &nodes).json(&json!({
        "kind": "goal", "title": "Kasus kejahatan TSL sampai ke pengadilan meningkat",
        "indicator": "kasus ke pengadilan", "unit": "kasus", "target": 10, "achieved": 10,
        "status": "done",
    })))
    .await;
    let goal_id = goal["id"].as_str().expect("id").to_string();
    assert_eq!(
        goal["responsible"], "BNNK-BATANGHARI",
        "the creator's agency by default"
    );
    let prog = created(s.post(&k, &nodes).json(&json!({
        "kind": "programme", "title": "Peningkatan kemampuan SDM", "parent": goal_id,
    })))
    .await;
    let prog_id = prog["id"].as_str().expect("id").to_string();
    // A responsible agency outside the group is refused, naming the field.
    let training = json!({
        "kind": "activity", "title": "Pelatihan GIS bagi personil kepolisian",
        "parent": prog_id, "responsible": "BNN", "supporting": ["BNNP-JAMBI"],
        "starts_on": "2020-01-01", "ends_on": "2020-01-10",
        "budget": 45000000, "funding_source": "Proyek lain",
        "indicator": "personil terlatih", "unit": "orang", "target": 40, "achieved": 10,
        "status": "under_way",
        "activity": {"kind": "training", "materials": ["Dasar GIS", "Peta patroli"],
            "participants": [{"agency": "POLDA-JAMBI", "male": 8, "female": 2}]},
        "evidence": [{"kind": "url", "url": "https://example.org/foto-pelatihan"}],
    });
    let e = problem(
        send(s.post(&k, &nodes).json(&training)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["responsible"], "{e}");
    assert!(
        e["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("BNN"),
        "{e}"
    );
    let mut training = training;
    training["responsible"] = json!("POLDA-JAMBI");
    let act = created(s.post(&k, &nodes).json(&training)).await;
    let act_id = act["id"].as_str().expect("id").to_string();
    assert_eq!(act["activity"]["participants"][0]["agency"], "POLDA-JAMBI");
    assert_eq!(act["budget"], 45000000);
    // Bad details are named: a detail of another kind, a negative budget, an id that is
    // not a UUID, a parent of another plan.
    let other = created(
        s.post(&k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({
                "kind": "roadmap", "title": "Peta jalan", "period_from": "2017-06-01",
                "period_until": "2019-12-31",
            })),
    )
    .await;
    let oid = other["id"].as_str().expect("id").to_string();
    let e = problem(
        send(
            s.post(&k, &format!("/api/v1/plans/{oid}/nodes"))
                .json(&json!({
                    "kind": "activity", "title": "x", "parent": prog_id, "budget": -5,
                    "activity": {"kind": "outreach", "boards": 3},
                    "evidence": [{"kind": "patrol", "id": "patroli-1"}],
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let mut f = fields(&e);
    f.sort();
    assert_eq!(f, ["activity.boards", "budget", "evidence[0].id"], "{e}");
    let e = problem(
        send(
            s.post(&k, &format!("/api/v1/plans/{oid}/nodes"))
                .json(&json!({
                    "kind": "stage", "title": "x", "parent": prog_id,
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["parent"], "a parent in another plan: {e}");

    // The whole tree, in order, with depths and progress. The training's period is long
    // gone: all the time gone, a quarter achieved, so behind; the goal is done.
    let r = send(s.get(&petugas, &format!("/api/v1/plans/{pid}"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let tree: Value = r.json().await.expect("json");
    let order: Vec<(&str, u64)> = tree["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap_or(""),
                n["depth"].as_u64().unwrap_or(9),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (goal_id.as_str(), 0),
            (prog_id.as_str(), 1),
            (act_id.as_str(), 2)
        ]
    );
    let a = &tree["nodes"][2];
    assert_eq!(a["progress"]["achieved_pct"], 25.0);
    assert_eq!(a["progress"]["elapsed_pct"], 100.0);
    assert_eq!(a["progress"]["behind"], true);
    assert_eq!(tree["nodes"][0]["progress"]["achieved_pct"], 100.0);
    assert_eq!(tree["nodes"][0]["progress"]["behind"], false);
    assert_eq!(tree["plan"]["title"], "Rencana kerja bersama Pokja");
    assert_eq!(tree["elapsed_pct"], 100.0);
    assert_eq!(tree["stage_reached"], Value::Null);

    // Cycles: the goal under itself, under its grandchild — refused, naming `parent`.
    let goal_path = format!("/api/v1/plan-nodes/{goal_id}");
    for parent in [&goal_id, &act_id] {
        let e = problem(
            send(patch(&s, &k, &goal_path, "\"1\"").json(&json!({"parent": parent}))).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&e), ["parent"], "{e}");
    }
    // Moving the training to the top and recording progress, with If-Match.
    let act_path = format!("/api/v1/plan-nodes/{act_id}");
    let r = send(
        patch(&s, &k, &act_path, "\"1\"")
            .json(&json!({"parent": null, "achieved": 40, "status": "done"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let moved: Value = r.json().await.expect("json");
    assert_eq!(moved["parent"], Value::Null);
    assert_eq!(moved["depth"], 0);
    assert_eq!(moved["progress"]["achieved_pct"], 100.0);
    assert_eq!(moved["progress"]["behind"], false);
    // The same change against the old version is refused, nothing changed.
    problem(
        send(patch(&s, &k, &act_path, "\"1\"").json(&json!({"achieved": 1}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let again: Value = send(s.get(&k, &act_path)).await.json().await.expect("json");
    assert_eq!(again["achieved"], 40.0);
    assert_eq!(again["version"], 2);
    // Now the goal may go under the training.
    let r = send(patch(&s, &k, &goal_path, "\"1\"").json(&json!({"parent": act_id}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    // The police (a member) record progress; BNN (not a member) sees nothing.
    let polisi = s.token("polisi").await;
    let r = send(s.get(&polisi, &format!("/api/v1/plans/{pid}"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let analis = s.token("analis").await;
    problem(
        send(s.get(&analis, &format!("/api/v1/plans/{pid}"))).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // The plan itself, with If-Match.
    let plan_path = format!("/api/v1/plans/{pid}");
    problem(
        send(patch(&s, &k, &plan_path, "\"7\"").json(&json!({"title": "Baru"}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let r =
        send(patch(&s, &k, &plan_path, "\"1\"").json(&json!({"title": "Rencana kerja 2017–2019"})))
            .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");

    // Every write is audited (BNNP's administrator sees its sub-agency's entries).
    let admin = s.token("admin.bnnp").await;
    for (action, n) in [
        ("plan_create", 2),
        ("plan_update", 1),
        ("plan_node_create", 3),
        ("plan_node_update", 2),
    ] {
        let v: Value = send(s.get(&admin, &format!("/api/v1/audit?action={action}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(
            v["entries"].as_array().map(Vec::len),
            Some(n),
            "{action}: {v}"
        );
    }
}

/// A roadmap shows its stages in order and the last one done as reached; evidence to a
/// record the reader may not see is given without its title.
#[tokio::test]
async fn a_roadmap_shows_the_stage_reached_and_evidence_keeps_secrets() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let g = created(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Tim Terpadu Kelurahan Bersinar", "kind": "tim_terpadu",
        "legal_basis": "Rapat 26 Agustus 2021", "members": ["POLDA-JAMBI"],
        "period_from": "2021-08-26",
    })))
    .await;
    let gid = g["id"].as_str().expect("id").to_string();
    let plan = created(
        s.post(&k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({
                "kind": "roadmap", "title": "Peta jalan Kelurahan Bersinar",
                "period_from": "2021-09-01", "period_until": "2999-12-31",
            })),
    )
    .await;
    let pid = plan["id"].as_str().expect("id").to_string();
    let nodes = format!("/api/v1/plans/{pid}/nodes");
    let mut ids = Vec::new();
    for (title, status) in [
        ("Menyusun rencana dan program", "done"),
        ("Memetakan SDM, SDA, sarana dan peluang pasar", "done"),
        ("Pengembangan kewirausahaan", "under_way"),
        ("Kelurahan pulih, pendapatan meningkat", "planned"),
    ] {
        let n = created(s.post(&k, &nodes).json(&json!({
            "kind": "stage", "title": title, "status": status,
        })))
        .await;
        ids.push(n["id"].as_str().expect("id").to_string());
    }
    let tree: Value = send(s.get(&k, &format!("/api/v1/plans/{pid}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(tree["stage_reached"], ids[1].as_str());

    // An internal report of BNNK, which the police do not see, as evidence.
    let mut f = feature("Operasi rahasia", "internal");
    f["id"] = json!("01970000-0000-7000-8000-0000000000aa");
    let r = send(s.post(&k, "/api/v1/reports").json(&f)).await;
    assert!(r.status().is_success(), "{}", r.status());
    let report: Value = r.json().await.expect("json");
    let rid = report["id"].as_str().expect("id").to_string();
    let r = send(
        patch(&s, &k, &format!("/api/v1/plan-nodes/{}", ids[2]), "\"1\"").json(&json!({
            "evidence": [{"kind": "report", "id": rid}, {"kind": "url", "url": "https://example.org/x"}],
        })),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let own: Value = r.json().await.expect("json");
    assert_eq!(own["evidence"][0]["title"], "Operasi rahasia");
    assert_eq!(own["evidence"][0]["visible"], true);
    assert_eq!(own["evidence"][0]["href"], format!("/laporan/{rid}"));
    let polisi = s.token("polisi").await;
    let theirs: Value = send(s.get(&polisi, &format!("/api/v1/plan-nodes/{}", ids[2])))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["evidence"][0]["title"], Value::Null);
    assert_eq!(theirs["evidence"][0]["visible"], false);
    assert_eq!(theirs["evidence"][1]["visible"], true);
    assert!(!theirs.to_string().contains("Operasi rahasia"));
}
