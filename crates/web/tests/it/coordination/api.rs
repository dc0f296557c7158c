use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

async fn send(r: reqwest::RequestBuilder) -> reqwest::Response {
    r.send().await.expect("send")
}

fn patch(s: &Server, token: &str, path: &str, etag: &str) -> reqwest::RequestBuilder {
    s.http
        .patch(format!("{}{path}", s.url))
        .bearer_auth(token)
        .header("If-Match", etag)
}

fn satgas(members: Value) -> Value {
    json!({
        "name": "Satgas TPPO Kabupaten", "kind": "satgas",
        "legal_basis": "Keputusan Bupati tentang Satgas Pencegahan dan Penanganan TPPO",
        "members": members,
        "people": [
            {"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "ketua"},
            {"agency": "POLDA-JAMBI", "name": "AKBP Budi", "role": "wakil"},
            {"agency": "BNNK-BATANGHARI", "name": "Ibu Sari", "role": "sekretaris"}
        ],
        "period_from": "2025-05-27", "period_until": "2026-12-31"
    })
}

/// A task force of BNNK and the police: formed, changed with If-Match, its meeting's
/// record kept, items owed by member agencies only and not due before the meeting, open
/// items carried into the next meeting, overdue items by agency.
#[tokio::test]
async fn a_task_force_its_meetings_and_action_items() {
    let s = spawn().await;
    let k = s.token("koordinator").await;

    // A member named twice, a person of an agency outside the group: each named.
    let e = problem(
        send(
            s.post(&k, "/api/v1/groups")
                .json(&satgas(json!(["POLDA-JAMBI", "POLDA-JAMBI"]))),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["members[1]"], "{e}");
    let mut outside = satgas(json!([]));
    outside["kind"] = json!("club");
    let e = problem(
        send(s.post(&k, "/api/v1/groups").json(&outside)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["kind"], "{e}");
    let e = problem(
        send(s.post(&k, "/api/v1/groups").json(&satgas(json!([])))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["people[1].agency"], "{e}");
    // A field officer does not form groups.
    let petugas = s.token("petugas").await;
    problem(
        send(
            s.post(&petugas, "/api/v1/groups")
                .json(&satgas(json!(["POLDA-JAMBI"]))),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let r = send(
        s.post(&k, "/api/v1/groups")
            .json(&satgas(json!(["POLDA-JAMBI"]))),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.headers()["etag"], "\"1\"");
    let g: Value = r.json().await.expect("json");
    let gid = g["id"].as_str().expect("id").to_string();
    assert_eq!(g["members"], json!(["BNNK-BATANGHARI", "POLDA-JAMBI"]));
    assert_eq!(g["people"][0]["user"], "koordinator");
    assert_eq!(g["people"][1]["role"], "wakil");

    // Every member agency sees it; the agency above BNNK, not a member, does not.
    let police = s.token("polisi").await;
    let list: Value = send(s.get(&police, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["groups"][0]["id"], gid.as_str());
    let analis = s.token("analis").await;
    let list: Value = send(s.get(&analis, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["groups"], json!([]));
    problem(
        send(s.get(&analis, &format!("/api/v1/groups/{gid}"))).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Edits race: a stale version is refused, nothing changed; the police cannot edit.
    let path = format!("/api/v1/groups/{gid}");
    problem(
        send(patch(&s, &k, &path, "\"0\"").json(&json!({"name": "Satgas TPPO"}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let polisi = s.token("polisi").await;
    problem(
        send(patch(&s, &polisi, &path, "\"1\"").json(&json!({"name": "Satgas"}))).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let r =
        send(patch(&s, &k, &path, "\"1\"").json(&json!({"name": "Satgas TPPO Kapuas Hulu"}))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["etag"], "\"2\"");
    let e = problem(
        send(patch(&s, &k, &path, "\"2\"").json(&json!({"members": ["BNN", "BNN"]}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["members[1]"], "{e}");

    // A meeting needs a place or a link; its time is shown in the place's zone.
    let meetings = format!("/api/v1/groups/{gid}/meetings");
    let e = problem(
        send(
            s.post(&k, &meetings)
                .json(&json!({"starts_at": "2025-05-27T09:00:00+07:00"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["place"], "{e}");
    let r = send(s.post(&k, &meetings).json(&json!({
        "starts_at": "2025-05-27T02:00:00Z", "region": "61.06",
        "place": "Aula Kantor Bupati, Putussibau", "invited": ["BNN", "POLDA-JAMBI"],
        "agenda": ["Pembentukan Satgas", "Pemulangan korban"]
    })))
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let m1: Value = r.json().await.expect("json");
    assert_eq!(m1["starts_at"], "2025-05-27T09:00:00+07:00");
    assert_eq!(m1["zone"], "WIB");
    assert_eq!(m1["organiser"], "BNNK-BATANGHARI");
    let m1id = m1["id"].as_str().expect("id").to_string();

    // The record of the meeting: attendance, minutes, decisions; a stale edit refused.
    let mpath = format!("/api/v1/meetings/{m1id}");
    let record = json!({
        "attendance": [
            {"name": "AKBP Budi", "agency": "POLDA-JAMBI", "position": "Dirreskrimum"},
            {"name": "Ibu Sari", "agency": "BNNK-BATANGHARI"}
        ],
        "minutes": "Rapat dibuka pukul 09.00 WIB.\nPeserta sepakat membentuk Satgas.",
        "decisions": ["Membentuk Satgas TPPO", "Menyusun rencana aksi daerah"]
    });
    let r = send(patch(&s, &k, &mpath, "\"1\"").json(&record)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let m: Value = r.json().await.expect("json");
    assert_eq!(m["attendance"][0]["agency"], "POLDA-JAMBI");
    assert_eq!(m["decisions"].as_array().map(Vec::len), Some(2));
    problem(
        send(patch(&s, &k, &mpath, "\"1\"").json(&json!({"minutes": "lama"}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;
    let e = problem(
        send(
            patch(&s, &k, &mpath, "\"2\"")
                .json(&json!({"attendance": [{"name": "X", "agency": "TIDAK-ADA"}]})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["attendance[0].agency"], "{e}");

    // Action items: owed by a member agency, not due before the meeting.
    let items = format!("/api/v1/meetings/{m1id}/action-items");
    let e = problem(
        send(
            s.post(&k, &items)
                .json(&json!({"what": "Data korban", "agency": "BNN", "due": "2025-05-20"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["agency", "due"], "{e}");
    let mut ids = Vec::new();
    for (what, agency, due) in [
        ("Menyerahkan data korban", "POLDA-JAMBI", "2025-06-01"),
        ("Menyusun SK Satgas", "BNNK-BATANGHARI", "2030-01-01"),
        ("Mengundang imigrasi", "BNNK-BATANGHARI", "2025-06-05"),
    ] {
        let r = send(
            s.post(&k, &items)
                .json(&json!({"what": what, "agency": agency, "due": due, "person": "Kasat"})),
        )
        .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["status"], "open");
        ids.push(v["id"].as_str().expect("id").to_string());
    }
    // Moving the meeting after an item's due date is refused, naming the time.
    let e = problem(
        send(
            patch(&s, &k, &mpath, "\"2\"").json(&json!({"starts_at": "2025-06-03T09:00:00+07:00"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["starts_at"], "{e}");
    // The third is done; a bad status is named, a stale version refused.
    let ipath = format!("/api/v1/action-items/{}", ids[2]);
    let e = problem(
        send(patch(&s, &k, &ipath, "\"1\"").json(&json!({"status": "finished"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["status"], "{e}");
    let r = send(patch(&s, &k, &ipath, "\"1\"").json(
        &json!({"status": "done", "evidence": "Undangan terkirim", "links": ["/laporan/1"]}),
    ))
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    assert_eq!(v["status"], "done");
    assert!(v["closed_at"].is_string());
    problem(
        send(patch(&s, &k, &ipath, "\"1\"").json(&json!({"status": "open"}))).await,
        StatusCode::PRECONDITION_FAILED,
    )
    .await;

    // The next meeting carries the two open items, not the one done before it began.
    let r = send(s.post(&k, &meetings).json(&json!({
        "starts_at": "2027-01-10T09:00:00+07:00", "online_link": "https://rapat.example.go.id/satgas"
    })))
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let m2: Value = r.json().await.expect("json");
    let m2id = m2["id"].as_str().expect("id");
    let list: Value = send(s.get(&k, &format!("/api/v1/meetings/{m2id}/action-items")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["action_items"], json!([]));
    let carried: Vec<&str> = list["carried_items"]
        .as_array()
        .expect("carried")
        .iter()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(carried, [ids[0].as_str(), ids[1].as_str()]);
    let own: Value = send(s.get(&k, &items)).await.json().await.expect("json");
    assert_eq!(own["action_items"].as_array().map(Vec::len), Some(3));
    assert_eq!(own["carried_items"], json!([]));

    // Overdue by agency: the police's item due 1 June 2025; BNNK's are done or not due.
    let overdue: Value = send(s.get(&polisi, &format!("/api/v1/groups/{gid}/overdue")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        overdue["agencies"].as_array().map(Vec::len),
        Some(1),
        "{overdue}"
    );
    assert_eq!(overdue["agencies"][0]["agency"], "POLDA-JAMBI");
    assert_eq!(overdue["agencies"][0]["items"][0]["id"], ids[0].as_str());

    // A member's field officer reads but does not record.
    problem(
        send(
            s.post(&polisi, &items)
                .json(&json!({"what": "x", "agency": "POLDA-JAMBI", "due": "2025-06-01"})),
        )
        .await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(send(s.get(&polisi, &mpath)).await.status(), StatusCode::OK);

    // Every new route is in the OpenAPI document.
    let doc: Value = send(s.get(&k, "/api/openapi.json"))
        .await
        .json()
        .await
        .expect("json");
    for p in [
        "/api/v1/groups",
        "/api/v1/groups/{id}",
        "/api/v1/groups/{id}/meetings",
        "/api/v1/groups/{id}/overdue",
        "/api/v1/meetings/{id}",
        "/api/v1/meetings/{id}/action-items",
        "/api/v1/action-items/{id}",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} is not documented");
    }
}

/// A retried create with the same id returns the stored record; another's use of the id is
/// a conflict.
#[tokio::test]
async fn creates_are_idempotent_by_id() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let id = "01970000-0000-7000-8000-0000000c0001";
    let mut body = satgas(json!(["POLDA-JAMBI"]));
    body["id"] = json!(id);
    for _ in 0..2 {
        let r = send(s.post(&k, "/api/v1/groups").json(&body)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let v: Value = r.json().await.expect("json");
        assert_eq!(v["id"], id);
    }
    let list: Value = send(s.get(&k, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["groups"].as_array().map(Vec::len), Some(1));
    let admin = s.token("admin.bnnp").await;
    body["people"] = json!([]);
    problem(
        send(s.post(&admin, "/api/v1/groups").json(&body)).await,
        StatusCode::CONFLICT,
    )
    .await;
}

/// A group formed under an agreement is followed, read only, by the agreement's parties
/// while it is in force (ADR 21): they see it, its meetings and its list entry, and record
/// nothing; an agency that is neither a member nor a party still learns nothing.
#[tokio::test]
async fn parties_of_the_founding_agreement_follow_a_group_read_only() {
    let s = spawn().await;
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/01/BNNK-POLDA/2025",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    s.app
        .create_user(
            None,
            "koord.polda",
            "",
            "POLDA-JAMBI",
            "coordinator",
            PASSWORD,
        )
        .await
        .expect("user");
    let agreement = s
        .app
        .store
        .agreements()
        .await
        .expect("agreements")
        .first()
        .expect("agreement")
        .id
        .to_string();
    let k = s.token("koordinator").await;
    let body = json!({
        "name": "Tim Terpadu P4GN Batang Hari", "kind": "tim_terpadu",
        "legal_basis": "PKS/01/BNNK-POLDA/2025", "agreement": agreement,
        "members": [],
        "people": [{"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "ketua"}],
        "period_from": "2025-05-27"
    });
    let r = send(s.post(&k, "/api/v1/groups").json(&body)).await;
    let status = r.status();
    let g: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{g}");
    let id = g["id"].as_str().expect("id").to_string();
    let r = send(
        s.post(&k, &format!("/api/v1/groups/{id}/meetings"))
            .json(&json!({"starts_at": "2025-06-02T09:00:00+07:00", "region": "15.04", "place": "Kantor BNNK", "agenda": ["Rencana kerja"]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The police, a party, follow it: the group, its meetings, the list.
    let kp = s.token("koord.polda").await;
    let r = send(s.get(&kp, &format!("/api/v1/groups/{id}"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = send(s.get(&kp, &format!("/api/v1/groups/{id}/meetings"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = send(s.get(&kp, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert!(
        list["groups"]
            .as_array()
            .expect("groups")
            .iter()
            .any(|x| x["id"] == id.as_str()),
        "{list}"
    );
    // Read only: they record no meeting.
    let r = send(s.post(&kp, &format!("/api/v1/groups/{id}/meetings")).json(
        &json!({"starts_at": "2025-06-09T09:00:00+07:00", "region": "15.04", "place": "Polda", "agenda": ["Lain"]}),
    ))
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // BNNP, above BNNK but no party, sees nothing.
    let admin = s.token("admin.bnnp").await;
    let r = send(s.get(&admin, &format!("/api/v1/groups/{id}"))).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}
