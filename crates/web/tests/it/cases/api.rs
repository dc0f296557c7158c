use reqwest::StatusCode;
use serde_json::{json, Value};

use super::*;

#[tokio::test]
async fn a_case_moves_as_its_law_allows_and_its_overdue_deadline_is_listed() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let report = answer(
        s.post(&k, "/api/v1/reports")
            .json(&feature("Penangkapan sabu", "internal")),
        StatusCode::CREATED,
    )
    .await;
    let rid = report["id"].as_str().expect("report id");
    let c = answer(
        s.post(&k, "/api/v1/cases").json(&json!({
            "title": "Peredaran sabu Muara Bulian", "offence_kind": "narcotics",
            "offence_law": "UU 35/2009", "offence_article": "Pasal 114 ayat (1)",
            "max_penalty_years": 20, "region": "15.04", "opened_on": days_ago(20),
            "reports": [rid],
        })),
        StatusCode::CREATED,
    )
    .await;
    let id = c["id"].as_str().expect("id").to_string();
    // Numbered from the agency's sequence; the law is the one in force on opening.
    assert!(
        c["number"].as_str().expect("number").starts_with("LP/A/1/"),
        "{c}"
    );
    assert!(c["number"]
        .as_str()
        .expect("number")
        .ends_with("/BNNK-BATANGHARI"));
    assert_eq!(c["law"], "kuhap_2025");
    assert_eq!(c["stage"], "laporan");
    assert_eq!(c["reports"], json!([rid]));
    let c2 = open_case(&s, &k, "Kasus kedua", 3).await;
    assert!(c2["number"]
        .as_str()
        .expect("number")
        .starts_with("LP/A/2/"));

    // A step the law does not allow is refused with the reason, naming the field.
    let p = problem(
        send(s.post(&k, &format!("/api/v1/cases/{id}/steps")).json(&json!({
            "version": 1, "stage": "p21", "document": {"number": "B-1/P21", "date": days_ago(1)}
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["stage"]);
    // A document dated in the future is refused too.
    let p = problem(
        send(s.post(&k, &format!("/api/v1/cases/{id}/steps")).json(&json!({
            "version": 1, "stage": "penyidikan",
            "document": {"number": "Sprindik/1", "date": today().succ_opt().expect("d").to_string()}
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["document.date"]);

    // The investigation order 14 days ago: the SPDP was due 7 days later, so it is overdue.
    let v = step(
        &s,
        &k,
        &c,
        1,
        "penyidikan",
        "SP.Sidik/12/2026",
        &days_ago(14),
    )
    .await;
    let got = answer(s.get(&k, &format!("/api/v1/cases/{id}")), StatusCode::OK).await;
    assert_eq!(got["deadlines"][0]["kind"], "spdp_due");
    assert_eq!(got["deadlines"][0]["due_on"], days_ago(7));
    assert_eq!(got["deadlines"][0]["urgency"], "overdue");
    let overdue = answer(s.get(&k, "/api/v1/cases/overdue"), StatusCode::OK).await;
    let ids: Vec<&str> = overdue["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![id.as_str()],
        "only the case with an overdue deadline"
    );
    // A stale version is refused; nothing is recorded.
    let r = send(s.post(&k, &format!("/api/v1/cases/{id}/steps")).json(&json!({
        "version": 1, "stage": "spdp", "document": {"number": "SPDP/1", "date": days_ago(13)}
    })))
    .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
    let v = step(&s, &k, &c, v, "spdp", "SPDP/1", &days_ago(13)).await;
    let v = step(&s, &k, &c, v, "p16", "P-16/1", &days_ago(12)).await;
    let v = step(&s, &k, &c, v, "tahap_1", "B/1/BP", &days_ago(10)).await;
    let v = step(&s, &k, &c, v, "p19", "P-19/1", &days_ago(8)).await;
    let v = step(&s, &k, &c, v, "tahap_1", "B/2/BP", &days_ago(6)).await;
    // The prosecutor's second return cannot reuse the first one's number.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/steps"))
                .json(&json!({
                    "version": v, "stage": "p19",
                    "document": {"number": "P-19/1", "date": days_ago(5), "notes": "lengkapi"}
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["document.number"]);
    let steps = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/steps")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        steps["events"].as_array().map(Vec::len),
        Some(6),
        "nothing half-stored"
    );
    assert_eq!(steps["events"][4]["to"], "p19");
    assert_eq!(steps["events"][4]["notes"], "lengkapi keterangan saksi");
    assert!(steps["next"]
        .as_array()
        .expect("next")
        .contains(&json!("p21")));
    let got = answer(s.get(&k, &format!("/api/v1/cases/{id}")), StatusCode::OK).await;
    assert_eq!(got["returns"], 1);
    assert_eq!(got["deadlines"][0]["kind"], "file_examination");

    // Bad input when opening: a report the user cannot see, an unknown region, a future day.
    let p = problem(
        send(s.post(&k, "/api/v1/cases").json(&json!({
            "title": "x", "offence_kind": "narcotics", "offence_law": "UU 35/2009",
            "offence_article": "Pasal 112", "region": "15.99", "opened_on": days_ago(1),
            "reports": ["01970000-0000-7000-8000-00000000dead"],
        })))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["reports[0]", "region"]);
    let total = answer(s.get(&k, "/api/v1/cases"), StatusCode::OK).await;
    assert_eq!(total["total"], 2, "nothing added by the refused requests");
    // Filters: by stage and by offence.
    let by_stage = answer(s.get(&k, "/api/v1/cases?stage=tahap_1"), StatusCode::OK).await;
    assert_eq!(by_stage["total"], 1);
    let p = problem(
        send(s.get(&k, "/api/v1/cases?stage=p22&year=abc")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["stage", "year"]);
}

/// A 1×1 PNG with a text chunk a plain-text search would find, base64-encoded.
pub(crate) const PHOTO_B64: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAF3RFWHRDb21tZW50AFNJVElGT1RPUkFIQVNJQd/XTnkAAAALSURBVHicY2AAAgAABQABel6rPwAAAABJRU5ErkJggg==";

/// All the files of the test's SQLite database (the main file and its write-ahead log).
fn database_bytes(s: &Server) -> Vec<u8> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(s._dir.path()).expect("dir").flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with("t.db") {
            out.extend(std::fs::read(e.path()).expect("read"));
        }
    }
    out
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn protected_identities_are_sealed_opened_for_a_purpose_and_erased() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let petugas = s.token("petugas").await;
    let c = open_case(&s, &k, "Perdagangan orang ke Malaysia", 30).await;
    let id = c["id"].as_str().expect("id").to_string();
    let victim = json!({
        "id": "01970000-0000-7000-8000-0000000000a1",
        "role": "victim", "name": "Siti Rahmawati Zulaikha", "identity_number": "1504015505050001",
        "contact": "0812-7777-1234", "address": "Dusun Pelayang RT 03", "child": true,
        "photo": PHOTO_B64,
        "origin_region": "15.04", "destination_country": "MY", "repatriated_on": days_ago(10),
        "border_post": "Entikong", "services": ["shelter", "health"],
    });
    // Without the agency's key file nothing protected is written.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/persons"))
                .json(&victim),
        )
        .await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"]
            .as_str()
            .expect("detail")
            .contains("sinergi keygen"),
        "{p}"
    );
    keygen(&s, "BNNK-BATANGHARI");
    let v = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&victim),
        StatusCode::CREATED,
    )
    .await;
    assert!(!v.to_string().contains("Siti"), "{v}");
    assert_eq!(v["protected"], true);
    assert_eq!(v["child"], true);
    // The same person twice is refused, not doubled.
    let r = send(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&victim),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // A photo that is not an image is refused, naming the field; nothing is added.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/persons"))
                .json(&json!({
                    "role": "witness", "name": "Saksi", "photo": "bm90IGFuIGltYWdl"
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["photo"]);
    // A suspect's name is part of the record; its contact is refused here.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/persons"))
                .json(&json!({
                    "role": "suspect", "name": "Budi Santoso", "contact": "0813"
                })),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["contact"]);
    answer(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&json!({"role": "suspect", "name": "Budi Santoso"})),
        StatusCode::CREATED,
    )
    .await;
    // An informant handled by the field officer.
    let inf = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&json!({"role": "informant", "name": "Pak Jaya Sumirat", "handler": "petugas"})),
        StatusCode::CREATED,
    )
    .await;
    assert!(
        inf["label"].as_str().expect("label").starts_with("INF-"),
        "{inf}"
    );
    let inf_id = inf["id"].as_str().expect("id");

    // The list, as a browser asks for it, holds no protected name.
    let r = send(
        s.get(&k, &format!("/api/v1/cases/{id}/persons"))
            .header("Accept-Encoding", "gzip"),
    )
    .await;
    let text = crate::harness::gunzip_text(r).await;
    assert!(!text.contains("Siti") && !text.contains("Jaya"), "{text}");
    assert!(text.contains("Budi Santoso"));

    // Opening needs a purpose, the named roles, and for an informant the handler.
    let vid = "01970000-0000-7000-8000-0000000000a1";
    let open = |who: &str, purpose: Value, person: &str| {
        s.post(who, &format!("/api/v1/cases/{id}/persons/{person}/open"))
            .json(&json!({"purpose": purpose}))
    };
    let p = problem(
        send(open(&k, Value::Null, vid)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["purpose"]);
    let r = send(open(&petugas, json!("pemanggilan saksi"), vid)).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a field officer is not a named role"
    );
    let o = answer(
        open(&k, json!("pemanggilan korban untuk BAP"), vid),
        StatusCode::OK,
    )
    .await;
    assert_eq!(o["name"], "Siti Rahmawati Zulaikha");
    assert_eq!(o["identity_number"], "1504015505050001");
    assert_eq!(o["address"], "Dusun Pelayang RT 03");
    assert_eq!(o["photo"], PHOTO_B64);
    assert_eq!(o["photo_type"], "image/png");
    let r = send(open(&k, json!("cek"), inf_id)).await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only the handler opens an informant"
    );
    let o = answer(
        open(&petugas, json!("kontak informan"), inf_id),
        StatusCode::OK,
    )
    .await;
    assert_eq!(o["name"], "Pak Jaya Sumirat");
    // All at once for one purpose: the coordinator gets the victim (not the informant,
    // whose handler is another), each opening audited.
    let all = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/identities"))
            .json(&json!({"purpose": "penyusunan berkas perkara"})),
        StatusCode::OK,
    )
    .await;
    let names: Vec<&str> = all["identities"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|i| i["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Siti Rahmawati Zulaikha"]);
    // Every opening is audited with its purpose.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::audit::AuditFilter {
            action: Some("case_person_decrypt".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    let purposes: Vec<String> = entries
        .iter()
        .filter_map(|e| e.detail["purpose"].as_str().map(String::from))
        .collect();
    assert_eq!(purposes.len(), 3, "{purposes:?}");
    assert!(purposes.contains(&"penyusunan berkas perkara".to_string()));
    assert!(purposes.contains(&"pemanggilan korban untuk BAP".to_string()));
    // The agency names who opens: the field officers too.
    let admin = s.token("admin.bnnp").await;
    let r = send(
        s.put(&admin, "/api/v1/case-settings/decrypt-roles")
            .json(&json!({"roles": ["system_admin"]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The printable summary shows the case and the suspect, never a protected identity.
    let r = send(s.get(&k, &format!("/api/v1/cases/{id}/summary.pdf"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let pdf = r.bytes().await.expect("pdf");
    if let Some(text) = crate::coordination::outputs::pdf_text(&pdf) {
        assert!(text.contains("RINGKASAN PERKARA"), "{text}");
        assert!(text.contains("Perdagangan orang ke Malaysia"), "{text}");
        assert!(text.contains("Budi Santoso"), "{text}");
        assert!(text.contains("Korban 1"), "{text}");
        assert!(!text.contains("Siti") && !text.contains("Jaya"), "{text}");
    }

    // A server started on this database without the agency's key file refuses to serve.
    let key = s.app.config.case_keys_dir.join("BNNK-BATANGHARI.key");
    let saved = std::fs::read(&key).expect("key file");
    std::fs::remove_file(&key).expect("remove");
    let other = crate::harness::app(s._dir.path(), |_| {}).await;
    let err = format!("{:?}", other.check_case_keys().await.expect_err("refused"));
    assert!(
        err.contains("BNNK-BATANGHARI.key") && err.contains("is missing"),
        "{err}"
    );
    std::fs::write(&key, saved).expect("restore");
    other.check_case_keys().await.expect("starts with its key");

    // The database files hold no protected field in plain text.
    let bytes = database_bytes(&s);
    for secret in [
        "Siti Rahmawati",
        "1504015505050001",
        "0812-7777-1234",
        "Dusun Pelayang",
        "Jaya Sumirat",
        "SITIFOTORAHASIA",
        PHOTO_B64,
    ] {
        assert!(
            !contains(&bytes, secret),
            "{secret} is in the database files"
        );
    }
    assert!(
        contains(&bytes, "Budi Santoso"),
        "a suspect's name is part of the record"
    );

    // Erasing destroys the key: nothing opens it, the case and the counts stay.
    let r = send(
        s.http
            .delete(format!(
                "{}/api/v1/cases/{id}/persons/{vid}/identity",
                s.url
            ))
            .bearer_auth(&petugas),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "only a coordinator or administrator erases"
    );
    let r = send(
        s.http
            .delete(format!(
                "{}/api/v1/cases/{id}/persons/{vid}/identity",
                s.url
            ))
            .bearer_auth(&k),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = send(open(&k, json!("pemanggilan"), vid)).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let persons = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/persons")),
        StatusCode::OK,
    )
    .await;
    let v = persons["persons"]
        .as_array()
        .expect("persons")
        .iter()
        .find(|p| p["id"] == vid)
        .expect("victim stays");
    assert_eq!(v["erased"], true);
    assert_eq!(v["destination_country"], "MY");
    let counts = answer(s.get(&k, "/api/v1/cases/victims"), StatusCode::OK).await;
    assert_eq!(counts["total"], 1);
    assert_eq!(
        counts["rows"][0]["victims"],
        Value::Null,
        "a cell of one is not shown"
    );
    let got = answer(s.get(&k, &format!("/api/v1/cases/{id}")), StatusCode::OK).await;
    assert_eq!(got["title"], "Perdagangan orang ke Malaysia");
}

#[tokio::test]
async fn transfers_need_an_agreement_and_move_the_case_with_its_persons() {
    let s = spawn().await;
    crate::harness::users(&s.app, PASSWORD, &[("kasat", "POLDA-JAMBI", "coordinator")]).await;
    let k = s.token("koordinator").await;
    let kasat = s.token("kasat").await;
    let polisi = s.token("polisi").await;
    keygen(&s, "BNNK-BATANGHARI");
    let c = open_case(&s, &k, "Bandar sabu lintas provinsi", 10).await;
    let id = c["id"].as_str().expect("id").to_string();
    let vid = "01970000-0000-7000-8000-0000000000b2";
    answer(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&json!({"id": vid, "role": "witness", "name": "Rahmat Hidayat"})),
        StatusCode::CREATED,
    )
    .await;
    // No agreement joins the two agencies: refused, naming `to`.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/transfers"))
                .json(&json!({"to": "POLDA-JAMBI"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["to"]);
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/01/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let t = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/transfers"))
            .json(&json!({"to": "POLDA-JAMBI", "note": "jaringan lintas provinsi"})),
        StatusCode::CREATED,
    )
    .await;
    let tid = t["id"].as_str().expect("id");
    let r = send(
        s.post(&k, &format!("/api/v1/cases/{id}/transfers"))
            .json(&json!({"to": "POLDA-JAMBI"})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::CONFLICT,
        "one open transfer at a time"
    );
    let waiting = answer(s.get(&kasat, "/api/v1/case-transfers"), StatusCode::OK).await;
    assert_eq!(waiting["transfers"][0]["id"], tid);
    let decide = |who: &str, body: Value| {
        s.post(who, &format!("/api/v1/case-transfers/{tid}/decision"))
            .json(&body)
    };
    let r = send(decide(&polisi, json!({"decision": "accept"}))).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let p = problem(
        send(decide(&kasat, json!({"decision": "refuse"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["note"]);
    // The receiver needs its own key for the persons' identities.
    let r = send(decide(&kasat, json!({"decision": "accept"}))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    keygen(&s, "POLDA-JAMBI");
    let d = answer(
        decide(&kasat, json!({"decision": "accept"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(d["status"], "accepted");
    let got = answer(
        s.get(&kasat, &format!("/api/v1/cases/{id}")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["owner"], "POLDA-JAMBI");
    assert_eq!(
        got["parties"],
        json!([{"agency": "BNNK-BATANGHARI", "role": "supporting"}])
    );
    // The former owner still sees it, and no longer opens its persons; the new one does.
    let open = |who: &str| {
        s.post(who, &format!("/api/v1/cases/{id}/persons/{vid}/open"))
            .json(&json!({"purpose": "pemeriksaan lanjutan"}))
    };
    assert_eq!(send(open(&k)).await.status(), StatusCode::FORBIDDEN);
    let o = answer(open(&kasat), StatusCode::OK).await;
    assert_eq!(o["name"], "Rahmat Hidayat");
    let r = send(decide(&kasat, json!({"decision": "accept"}))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "answered once");
}

#[tokio::test]
async fn the_funnel_counts_cases_to_their_verdict() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let report = answer(
        s.post(&k, "/api/v1/reports")
            .json(&feature("Penangkapan bandar", "internal")),
        StatusCode::CREATED,
    )
    .await;
    let c = answer(
        s.post(&k, "/api/v1/cases").json(&json!({
            "title": "Bandar sabu", "offence_kind": "narcotics", "offence_law": "UU 35/2009",
            "offence_article": "Pasal 114 ayat (2)", "max_penalty_years": 20, "region": "15.04.01",
            "opened_on": days_ago(120), "reports": [report["id"]],
        })),
        StatusCode::CREATED,
    )
    .await;
    let mut v = 1;
    for (i, (stage, n)) in [
        ("penyidikan", 110),
        ("spdp", 108),
        ("p16", 105),
        ("tahap_1", 80),
        ("p21", 75),
        ("tahap_2", 70),
        ("p29", 60),
        ("p31", 55),
        ("sidang", 40),
        ("putusan", 20),
    ]
    .into_iter()
    .enumerate()
    {
        v = step(&s, &k, &c, v, stage, &format!("DOC/{i}"), &days_ago(n)).await;
    }
    let other = open_case(&s, &k, "Pengguna sabu", 30).await;
    let _ = other;
    let f = answer(s.get(&k, "/api/v1/cases/funnel?region=15"), StatusCode::OK).await;
    let rows = f["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{f}");
    let r = &rows[0];
    assert_eq!(r["region"], "15.04");
    assert_eq!(r["cases"], 2);
    assert_eq!(r["reports"], 1);
    assert_eq!(r["p21"], 1);
    assert_eq!(r["verdicts"], 1);
    assert_eq!(r["convicted"], 1);
    assert_eq!(r["conviction_rate"], 1.0);
    // Time in each stage: from opening to the investigation order, 10 days.
    let times = f["stage_times"].as_array().expect("times");
    let laporan = times
        .iter()
        .find(|t| t["stage"] == "laporan")
        .expect("laporan");
    assert_eq!(laporan["mean_days"], 10.0);
    let sidang = times
        .iter()
        .find(|t| t["stage"] == "sidang")
        .expect("sidang");
    assert_eq!(sidang["mean_days"], 20.0);
    // The verdict opens the appeal window.
    let got = answer(
        s.get(
            &k,
            &format!("/api/v1/cases/{}", c["id"].as_str().expect("id")),
        ),
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["verdict"], "convicted");
    assert_eq!(got["deadlines"][0]["kind"], "appeal_window");
    // The police, joined to BNNK by an agreement, count its cases without seeing one.
    let polisi = s.token("polisi").await;
    let f = answer(
        s.get(&polisi, "/api/v1/cases/funnel?region=15"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(f["rows"], json!([]), "no agreement yet");
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/03/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let f = answer(
        s.get(&polisi, "/api/v1/cases/funnel?region=15"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(f["rows"][0]["cases"], 2);
    assert_eq!(f["rows"][0]["agency"], "BNNK-BATANGHARI");
    let list = answer(s.get(&polisi, "/api/v1/cases"), StatusCode::OK).await;
    assert_eq!(list["total"], 0, "counting is not seeing");
    // Another province counts nothing.
    let f = answer(s.get(&k, "/api/v1/cases/funnel?region=61"), StatusCode::OK).await;
    assert_eq!(f["rows"], json!([]));
}

/// The kinds of the notifications a user has.
async fn notice_kinds(s: &Server, token: &str) -> Vec<String> {
    let v = answer(s.get(token, "/api/v1/notifications"), StatusCode::OK).await;
    let list = v["notifications"]
        .as_array()
        .or(v.as_array())
        .cloned()
        .unwrap_or_default();
    list.iter()
        .filter_map(|n| n["kind"].as_str().map(String::from))
        .filter(|k| k.starts_with("case_deadline"))
        .collect()
}

#[tokio::test]
async fn a_passed_deadline_is_reminded_once_and_escalated_to_the_superior() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let admin = s.token("admin.bnnp").await;
    let polisi = s.token("polisi").await;
    let c = open_case(&s, &k, "Kurir sabu", 20).await;
    // The investigation order 14 days ago: the SPDP was due 7 days ago.
    step(&s, &k, &c, 1, "penyidikan", "Sprindik/3", &days_ago(14)).await;
    let soon = open_case(&s, &k, "Pengedar ganja", 9).await;
    // Ordered 5 days ago: the SPDP is due in 2 days.
    step(&s, &k, &soon, 1, "penyidikan", "Sprindik/4", &days_ago(5)).await;
    let now = s.app.now();
    let first = s.app.run_reminders(now).await.expect("run");
    assert_eq!(first.reminders, 3, "overdue, escalated, due soon");
    let mut mine = notice_kinds(&s, &k).await;
    mine.sort();
    assert_eq!(
        mine,
        vec!["case_deadline_due_soon", "case_deadline_overdue"]
    );
    // BNNK Batanghari reports to BNNP Jambi: its administrator hears of the passed one.
    assert_eq!(
        notice_kinds(&s, &admin).await,
        vec!["case_deadline_escalated"]
    );
    assert_eq!(notice_kinds(&s, &polisi).await, Vec::<String>::new());
    // Once each, however often the reminders run.
    let again = s.app.run_reminders(now).await.expect("run");
    assert_eq!(again.reminders, 0);
    assert_eq!(notice_kinds(&s, &k).await.len(), 2);
}

/// With SMTP set up, a case's reminder is also mailed, once, to those who gave an address.
#[tokio::test]
async fn a_case_deadline_is_mailed_once_to_those_who_gave_an_address() {
    let (smtp_url, mails) = crate::harness::smtp_receiver().await;
    let s = spawn_with(|c| {
        c.delivery.smtp = Some(sinergi_app::warning::Smtp {
            url: smtp_url,
            from: "Sinergi <pengingat@sinergi.test>".into(),
        })
    })
    .await;
    let k = s.token("koordinator").await;
    let r = send(
        s.put(&k, "/api/v1/me/email")
            .json(&json!({"email": "reskrim@bnnk.example.id"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let c = open_case(&s, &k, "Kurir sabu antarprovinsi", 20).await;
    step(&s, &k, &c, 1, "penyidikan", "Sprindik/9", &days_ago(8)).await;
    let sent = s.app.run_reminders(s.app.now()).await.expect("run");
    assert_eq!(
        (sent.reminders, sent.mails),
        (1, 1),
        "overdue, mailed to the one address"
    );
    assert_eq!(s.app.send_due_mail().await.expect("mail").sent, 1);
    {
        let got = mails.lock().expect("lock");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].0, "reskrim@bnnk.example.id");
        let number = c["number"].as_str().expect("number");
        assert!(got[0].1.contains(number), "{}", got[0].1);
        assert!(got[0].1.contains("terlewati"), "{}", got[0].1);
    }
    assert_eq!(
        s.app.run_reminders(s.app.now()).await.expect("again").mails,
        0
    );
    assert_eq!(s.app.send_due_mail().await.expect("none").sent, 0);
}

#[tokio::test]
async fn evidence_keeps_its_chain_of_custody_in_order_until_it_ends() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let analis = s.token("analis").await;
    let c = open_case(&s, &k, "Sabu 1 kg", 30).await;
    let id = c["id"].as_str().expect("id");
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/evidence"))
                .json(&json!({"quantity": "1 kg"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["description", "seized_on", "holder"]);
    let e = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/evidence")).json(&json!({
            "description": "Sabu dalam kemasan teh", "quantity": "1.002 g", "seized_on": days_ago(29),
            "holder": "BNNK Batanghari", "document_number": "BA-SITA/01/2026",
        })),
        StatusCode::CREATED,
    )
    .await;
    let item = e["id"].as_str().expect("item");
    let custody = |who: &str, action: &str, on: String| {
        s.post(who, &format!("/api/v1/cases/{id}/evidence/{item}/custody"))
            .json(&json!({"action": action, "on": on, "holder": "Labfor Polri Palembang"}))
    };
    // An analyst of the agency above sees the case and does not write it; a step before
    // the seizure is refused.
    let seen = answer(
        s.get(&analis, &format!("/api/v1/cases/{id}/evidence")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(seen["evidence"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        send(custody(&analis, "examined", days_ago(20)))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let p = problem(
        send(custody(&k, "examined", days_ago(40))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["on"]);
    answer(custody(&k, "examined", days_ago(20)), StatusCode::CREATED).await;
    let done = answer(custody(&k, "destroyed", days_ago(10)), StatusCode::CREATED).await;
    assert_eq!(done["chain"].as_array().map(Vec::len), Some(3));
    assert_eq!(done["chain"][0]["action"], "seized");
    assert_eq!(done["holder"], "Labfor Polri Palembang");
    // After destruction the chain has ended.
    let p = problem(
        send(custody(&k, "stored", days_ago(5))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["action"]);
    let list = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/evidence")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        list["evidence"][0]["chain"].as_array().map(Vec::len),
        Some(3)
    );
}

#[tokio::test]
async fn another_agency_is_asked_for_a_task_and_answers_it_once() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let polisi = s.token("polisi").await;
    let c = open_case(&s, &k, "Sabu jaringan Lapas", 12).await;
    let id = c["id"].as_str().expect("id");
    let ask = json!({"to": "POLDA-JAMBI", "kind": "lab_test", "what": "Uji kandungan 12 butir ekstasi",
        "due_on": today().succ_opt().expect("d").to_string()});
    // No agreement joins the two agencies yet.
    let p = problem(
        send(s.post(&k, &format!("/api/v1/cases/{id}/tasks")).json(&ask)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["to"]);
    crate::harness::cooperation_agreement(
        &s.app,
        "PKS/02/2026",
        &["BNNK-BATANGHARI", "POLDA-JAMBI"],
    )
    .await;
    let t = answer(
        s.post(&k, &format!("/api/v1/cases/{id}/tasks")).json(&ask),
        StatusCode::CREATED,
    )
    .await;
    let tid = t["id"].as_str().expect("task");
    // The police see the task and the case's number, not the case itself.
    let mine = answer(s.get(&polisi, "/api/v1/case-tasks"), StatusCode::OK).await;
    assert_eq!(mine["tasks"][0]["id"], tid);
    assert_eq!(mine["tasks"][0]["case_number"], c["number"]);
    assert_eq!(
        send(s.get(&polisi, &format!("/api/v1/cases/{id}")))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // The asking agency cannot answer its own request; an answer needs its result.
    let r = send(
        s.post(&k, &format!("/api/v1/case-tasks/{tid}/answer"))
            .json(&json!({"status": "done", "result": "x"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let p = problem(
        send(
            s.post(&polisi, &format!("/api/v1/case-tasks/{tid}/answer"))
                .json(&json!({"status": "done"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["result"]);
    let done = answer(
        s.post(&polisi, &format!("/api/v1/case-tasks/{tid}/answer"))
            .json(&json!({"status": "done", "result": "Positif MDMA (BA Labfor 77/2026)"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(done["status"], "done");
    let r = send(
        s.post(&polisi, &format!("/api/v1/case-tasks/{tid}/answer"))
            .json(&json!({"status": "refused", "result": "x"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT, "answered once");
    // A due date in the past is refused.
    let p = problem(
        send(
            s.post(&k, &format!("/api/v1/cases/{id}/tasks"))
                .json(&json!({
            "to": "POLDA-JAMBI", "kind": "tracing", "what": "x", "due_on": days_ago(2)})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["due_on"]);
}

#[tokio::test]
async fn an_agency_numbers_its_cases_in_its_own_format() {
    let s = spawn().await;
    let admin = s.token("admin.bnnp").await;
    let k = s.token("koordinator").await;
    let got = answer(
        s.get(&admin, "/api/v1/case-settings/number-format"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(got["format"], "LP/A/{nomor}/{bulan}/{tahun}/{kode}");
    let p = problem(
        send(
            s.put(&admin, "/api/v1/case-settings/number-format")
                .json(&json!({"format": "BP/{tahun}"})),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["format"]);
    let r = send(
        s.put(&k, "/api/v1/case-settings/number-format")
            .json(&json!({"format": "X/{nomor}"})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a coordinator does not set it"
    );
    answer(
        s.put(&admin, "/api/v1/case-settings/number-format")
            .json(&json!({"format": "BP/{nomor}/{tahun}/{kode}"})),
        StatusCode::OK,
    )
    .await;
    let c = open_case(&s, &admin, "Pengedaran sabu di Kota Jambi", 2).await;
    let year = today().format("%Y").to_string();
    assert_eq!(c["number"], format!("BP/1/{year}/BNNP-JAMBI"));
    // Another agency keeps the default.
    let other = open_case(&s, &k, "Kurir", 2).await;
    assert!(other["number"]
        .as_str()
        .expect("number")
        .starts_with("LP/A/1/"));
}

#[tokio::test]
async fn a_victim_is_shared_with_a_partner_on_the_case_one_person_at_a_time() {
    use sinergi_core::protect::PersonRole;
    let s = spawn().await;
    crate::harness::users(&s.app, PASSWORD, &[("kasat", "POLDA-JAMBI", "coordinator")]).await;
    let k = s.token("koordinator").await;
    let petugas = s.token("petugas").await;
    let kasat = s.token("kasat").await;
    let polisi = s.token("polisi").await;
    keygen(&s, "BNNK-BATANGHARI");
    let c = answer(
        s.post(&k, "/api/v1/cases").json(&json!({
            "title": "Kurir sabu dan korban eksploitasi", "offence_kind": "narcotics",
            "offence_law": "UU 35/2009", "offence_article": "Pasal 114 ayat (1)",
            "region": "15.04", "opened_on": days_ago(5),
            "parties": [{"agency": "POLDA-JAMBI", "role": "supporting"}],
        })),
        StatusCode::CREATED,
    )
    .await;
    let id = c["id"].as_str().expect("id").to_string();
    let (vid, wid, iid) = (
        "01970000-0000-7000-8000-0000000000c1",
        "01970000-0000-7000-8000-0000000000c2",
        "01970000-0000-7000-8000-0000000000c3",
    );
    for body in [
        json!({"id": vid, "role": "victim", "name": "Nurhayati Binti Sulaiman", "identity_number": "1504016606060002"}),
        json!({"id": wid, "role": "witness", "name": "Joko Prasetyo Wibowo"}),
        json!({"id": iid, "role": "informant", "name": "Sumber Rahasia Satu", "handler": "koordinator"}),
    ] {
        answer(
            s.post(&k, &format!("/api/v1/cases/{id}/persons"))
                .json(&body),
            StatusCode::CREATED,
        )
        .await;
    }
    let share = |who: &str, person: &str, body: Value| {
        s.post(who, &format!("/api/v1/cases/{id}/persons/{person}/shares"))
            .json(&body)
    };
    let to_polda =
        json!({"agency": "POLDA-JAMBI", "purpose": "pemeriksaan korban bersama penyidik Polda"});
    // No agreement names victims yet: refused, naming the agency.
    let p = problem(
        send(share(&k, vid, to_polda.clone())).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["agency"]);
    crate::harness::person_sharing_agreement(
        &s.app,
        "PKS/07/2026",
        "BNNK-BATANGHARI",
        "POLDA-JAMBI",
        &[PersonRole::Victim],
    )
    .await;
    let persons = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/persons")),
        StatusCode::OK,
    )
    .await;
    let of = |list: &Value, pid: &str| -> Value {
        list["persons"]
            .as_array()
            .expect("persons")
            .iter()
            .find(|p| p["id"] == pid)
            .cloned()
            .expect("person")
    };
    assert_eq!(of(&persons, vid)["may_share_with"], json!(["POLDA-JAMBI"]));
    assert_eq!(
        of(&persons, wid)["may_share_with"],
        json!([]),
        "witnesses are not named"
    );
    // A witness (not named), an informant (never), no purpose, an unknown agency and an
    // agency not on the case: each refused with its reason.
    let p = problem(
        send(share(&k, wid, to_polda.clone())).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["agency"]);
    assert_eq!(
        send(share(&k, iid, to_polda.clone())).await.status(),
        StatusCode::CONFLICT
    );
    let p = problem(
        send(share(&k, vid, json!({"agency": "POLDA-JAMBI"}))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), vec!["purpose"]);
    for agency in ["TIDAK-ADA", "BNNP-JAMBI"] {
        let p = problem(
            send(share(
                &k,
                vid,
                json!({"agency": agency, "purpose": "koordinasi"}),
            ))
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&p), vec!["agency"], "{agency}");
    }
    // A field officer of the owner does not open identities, so does not share them.
    assert_eq!(
        send(share(&petugas, vid, to_polda.clone())).await.status(),
        StatusCode::FORBIDDEN
    );
    // The partner needs its own key file.
    let p = problem(
        send(share(&k, vid, to_polda.clone())).await,
        StatusCode::CONFLICT,
    )
    .await;
    assert!(
        p["detail"].as_str().expect("detail").contains("keygen"),
        "{p}"
    );
    keygen(&s, "POLDA-JAMBI");
    let got = answer(share(&k, vid, to_polda.clone()), StatusCode::CREATED).await;
    assert_eq!(got["agency"], "POLDA-JAMBI");
    assert!(!got.to_string().contains("Nurhayati"), "{got}");
    // The partner's coordinator sees it was shared and opens it, for a purpose; its
    // field officer, and the witness not shared, stay closed.
    let seen = answer(
        s.get(&kasat, &format!("/api/v1/cases/{id}/persons")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(of(&seen, vid)["shared_with_you"], true);
    assert_eq!(of(&seen, vid)["may_open"], true);
    assert_eq!(
        of(&seen, vid)["shared_with"],
        json!([]),
        "only the owner sees to whom"
    );
    assert_eq!(of(&seen, wid)["may_open"], false);
    assert!(!seen.to_string().contains("Nurhayati"));
    let open = |who: &str, person: &str| {
        s.post(who, &format!("/api/v1/cases/{id}/persons/{person}/open"))
            .json(&json!({"purpose": "berita acara pemeriksaan korban"}))
    };
    let o = answer(open(&kasat, vid), StatusCode::OK).await;
    assert_eq!(o["name"], "Nurhayati Binti Sulaiman");
    assert_eq!(o["identity_number"], "1504016606060002");
    assert_eq!(
        send(open(&polisi, vid)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(open(&kasat, wid)).await.status(),
        StatusCode::FORBIDDEN
    );
    let all = answer(
        s.post(&kasat, &format!("/api/v1/cases/{id}/identities"))
            .json(&json!({"purpose": "persiapan sidang"})),
        StatusCode::OK,
    )
    .await;
    assert_eq!(all["identities"].as_array().expect("list").len(), 1);
    let owner = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/persons")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(of(&owner, vid)["shared_with"][0]["agency"], "POLDA-JAMBI");
    assert_eq!(
        of(&owner, vid)["may_share_with"],
        json!([]),
        "it has it already"
    );
    assert!(!contains(&database_bytes(&s), "Nurhayati"));
    // Withdrawn: it opens nothing there any more; a second withdrawal finds nothing.
    let delete = |path: String| s.http.delete(format!("{}{path}", s.url)).bearer_auth(&k);
    let withdraw = || {
        delete(format!(
            "/api/v1/cases/{id}/persons/{vid}/shares/POLDA-JAMBI"
        ))
    };
    assert_eq!(send(withdraw()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        send(open(&kasat, vid)).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(send(withdraw()).await.status(), StatusCode::NOT_FOUND);
    // Shared again, then erased: the share goes with the key.
    answer(share(&k, vid, to_polda.clone()), StatusCode::CREATED).await;
    assert_eq!(send(open(&kasat, vid)).await.status(), StatusCode::OK);
    assert_eq!(
        send(delete(format!("/api/v1/cases/{id}/persons/{vid}/identity")))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(send(open(&kasat, vid)).await.status(), StatusCode::CONFLICT);
    let owner = answer(
        s.get(&k, &format!("/api/v1/cases/{id}/persons")),
        StatusCode::OK,
    )
    .await;
    assert_eq!(of(&owner, vid)["shared_with"], json!([]));
    assert_eq!(
        send(share(&k, vid, to_polda)).await.status(),
        StatusCode::CONFLICT
    );
    // Every share and withdrawal is in the audit trail.
    let kinds: Vec<String> = s
        .app
        .store
        .audit_entries(&sinergi_store::audit::AuditFilter {
            record_id: Some(vid.into()),
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    for kind in [
        "case_person_share",
        "case_person_unshare",
        "case_person_decrypt",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
    }
}
