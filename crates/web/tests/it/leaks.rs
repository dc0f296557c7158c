//! No route leaks a restricted report: every read path is walked as an unrelated agency.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

/// An unrelated agency's user learns nothing of another agency's restricted report from any
/// route that returns records: every record route answers exactly as for a missing id, and
/// lists, counts and exports leave it out. A new record route must be added here.
#[tokio::test]
async fn no_route_leaks_a_restricted_report_to_an_unrelated_agency() {
    let s = spawn().await;
    let t = s.token("petugas").await;
    let r: Value = s
        .post(&t, "/api/v1/reports")
        .json(&feature("Sangat terbatas", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let png = b"\x89PNG\r\n\x1a\nsigned".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png).file_name("a.png"),
    );
    let att: Value = s
        .post(&t, &format!("/api/v1/reports/{id}/attachments"))
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let att_id = att["id"].as_str().expect("id").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let record_routes: Vec<&str> = sinergi_web::api::route_table()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| {
            path.contains("{id}")
                && (path.starts_with("/reports/") || path.starts_with("/attachments/"))
        })
        .collect();
    let checked = [
        "/reports/{id}",
        "/reports/{id}/history",
        "/reports/{id}/attachments",
        "/reports/{id}/referrals",
        "/attachments/{id}",
    ];
    let posts_only = [
        "/reports/{id}/break-glass",
        "/reports/{id}/referrals/{referral}",
    ];
    for route in &record_routes {
        assert!(
            checked.contains(route) || posts_only.contains(route),
            "{route} is not covered by this test"
        );
    }
    for route in checked {
        let real = route.replace(
            "{id}",
            if route.starts_with("/attachments") {
                &att_id
            } else {
                &id
            },
        );
        let ghost = route.replace("{id}", missing);
        let a = problem(
            s.get(&p, &format!("/api/v1{real}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        let b = problem(
            s.get(&p, &format!("/api/v1{ghost}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        for k in ["title", "detail", "code", "status"] {
            assert_eq!(a[k], b[k], "{route}: {k}");
        }
    }
    let list: Value = s
        .get(&p, "/api/v1/reports?q=terbatas")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["numberReturned"], 0);
    // Filters find nothing of it either, however they are narrowed.
    probe_filters(
        &s,
        &p,
        &id,
        (103.2378, -1.7299),
        r["properties"]["region_code"].as_str().expect("region"),
        Some("terbatas"),
        None,
    )
    .await;
    let counts: Value = s
        .get(&p, "/api/v1/reports/counts")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(counts["total"], 0);
    for format in ["csv", "geojson"] {
        let body = s
            .get(&p, &format!("/api/v1/reports/export?format={format}"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert!(
            !body.contains("Sangat terbatas") && !body.contains(&id),
            "{format}: {body}"
        );
    }
    // Changes answer as for a missing record too, never 403.
    let r = s
        .http
        .patch(format!("{}/api/v1/reports/{id}", s.url))
        .bearer_auth(&p)
        .header("if-match", "\"1\"")
        .json(&json!({"title": "x"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    let r = s
        .post(&p, &format!("/api/v1/reports/{id}/referrals"))
        .json(&json!({"to": "BNN", "reason": "x", "until": "2099-01-01T00:00:00Z"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
    // Creating under its id, alone or in a batch (even with its very content), is a
    // conflict that carries nothing of it.
    let mut same = feature("Sangat terbatas", "restricted");
    same["id"] = json!(id);
    let r = s
        .post(&p, "/api/v1/reports")
        .json(&same)
        .send()
        .await
        .expect("send");
    let alone = problem(r, StatusCode::CONFLICT).await;
    let r = s
        .post(&p, "/api/v1/reports/batch")
        .json(&json!({"type": "FeatureCollection", "features": [same]}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let batch = r.text().await.expect("body");
    let v: Value = serde_json::from_str(&batch).expect("json");
    assert_eq!(v["results"][0]["status"], 409);
    assert_eq!(v["results"][0]["problem"]["detail"], alone["detail"]);
    assert!(
        !batch.contains("Sangat terbatas") && !batch.contains("\"version\""),
        "{batch}"
    );
}

/// An agency that is neither organiser nor member of a patrol learns nothing of it: every
/// patrol route with an id answers exactly as for a missing patrol, an import into it too,
/// its page is the missing page, and the list leaves it out. A new patrol route must be
/// added here.
#[tokio::test]
async fn no_route_leaks_a_patrol_to_an_agency_outside_it() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let r: Value = s
        .post(&k, "/api/v1/patrols")
        .json(&json!({
            "title": "Patroli rahasia", "mandate": "forest_security", "transport": "foot",
            "planned_start": "2026-11-03", "planned_end": "2026-11-03", "sensitivity": "restricted",
            "members": [{"agency": "BNNK-BATANGHARI", "user": "koordinator", "role": "leader"}],
        }))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = r["id"].as_str().expect("id").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let patrol_routes: Vec<&str> = sinergi_web::api::route_table()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/patrols/") && path.contains("{id}"))
        .collect();
    let checked = [
        "/patrols/{id}",
        "/patrols/{id}/track.gpx",
        "/patrols/{id}/observations",
        "/patrols/{id}/findings",
        "/patrols/{id}/report.pdf",
    ];
    let writes = [
        "/patrols/{id}/observations/{observation}",
        "/patrols/{id}/findings",
    ];
    for route in &patrol_routes {
        assert!(
            checked.contains(route) || writes.contains(route),
            "{route} is not covered by this test"
        );
    }
    for route in checked {
        let mut answers = Vec::new();
        for target in [&id, missing] {
            let path = format!("/api/v1{}", route.replace("{id}", target));
            answers.push(
                problem(
                    s.get(&p, &path).send().await.expect("send"),
                    StatusCode::NOT_FOUND,
                )
                .await,
            );
        }
        for k in ["title", "detail", "code", "status"] {
            assert_eq!(answers[0][k], answers[1][k], "{route}: {k}");
        }
    }
    // Importing into it, changing it, deciding its observations and linking findings to
    // it answer as for a missing patrol.
    for target in [&id, missing] {
        let r = s
            .post(
                &p,
                &format!("/api/v1/patrols/{target}/observations/{missing}"),
            )
            .json(&json!({"dismissed": true}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "observation of {target}");
        let r = s
            .post(&p, &format!("/api/v1/patrols/{target}/findings"))
            .json(&json!({"report": missing}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "finding of {target}");
        let r = s
            .post(&p, &format!("/api/v1/imports/gpx?patrol={target}"))
            .header("Content-Type", "application/gpx+xml")
            .body("<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"-1.7\" lon=\"103.2\"><time>2026-11-03T01:00:00Z</time></trkpt></trkseg></trk></gpx>")
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "import into {target}");
        let r = s
            .http
            .patch(format!("{}/api/v1/patrols/{target}", s.url))
            .bearer_auth(&p)
            .header("If-Match", "\"1\"")
            .json(&json!({"status": "done"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "change {target}");
    }
    let list: Value = s
        .get(&p, "/api/v1/patrols")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["patrols"], json!([]));
    // Nor do the summary and the coverage map count it.
    let summary: Value = s
        .get(
            &p,
            "/api/v1/patrols/summary?from=2026-11-01&to=2026-11-30&group=patrol",
        )
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(summary["rows"], json!([]));
    assert_eq!(summary["total"]["patrols"], 0);
    let cover: Value = s
        .get(&p, "/api/v1/patrols/coverage?from=2026-11-01&to=2026-11-30")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(cover["features"], json!([]));
    // Nor do its exports, in any format.
    for format in ["geojson", "csv", "kml"] {
        let text = s
            .get(&p, &format!("/api/v1/patrols/export?format={format}"))
            .send()
            .await
            .expect("send")
            .text()
            .await
            .expect("text");
        assert!(!text.contains(&id), "{format} export names it");
        assert!(
            !text.contains("Patroli rahasia"),
            "{format} export names it"
        );
    }
}

/// OGC API – Features (`/ogc`) gives an agency outside every agreement nothing of
/// another agency's reports, patrols, areas or tracks: every route is walked, collections
/// list no record, a box around a restricted report's exact position finds nothing, and
/// every record's item answers exactly as a missing one. A new `/ogc` route must be added
/// here.
#[tokio::test]
async fn no_ogc_route_leaks_a_record_to_an_unrelated_agency() {
    let w = crate::ogc::world().await;
    let s = &w.s;
    let secret: Value = s
        .post(&w.owner, "/api/v1/reports")
        .json(&feature("Sangat terbatas", "restricted"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let secret_id = secret["id"].as_str().expect("id").to_string();
    let p = s.token("polisi").await;
    let missing = "01970000-0000-7000-8000-00000000dead";
    let records = [
        ("reports.narcotics_arrest", secret_id.clone()),
        ("reports.narcotics_arrest", w.reports[0].clone()),
        ("reports.illegal_logging", w.logging.clone()),
        ("patrols", w.patrol.clone()),
        ("areas", w.fence.clone()),
        ("subject-tracks", w.subject.clone()),
    ];
    let names = [
        "Sangat terbatas",
        "Operasi Senyap",
        "Kayu gelondongan",
        "Patroli Sungai Bahar",
        "Desa Bajubang",
        "Melati",
    ];
    let clean = |body: &str, at: &str| {
        for (_, id) in &records {
            assert!(!body.contains(id.as_str()), "{at} names {id}: {body}");
        }
        for n in names {
            assert!(!body.contains(n), "{at} names {n}: {body}");
        }
    };
    let routes: Vec<String> = sinergi_web::route_paths()
        .into_iter()
        .filter(|r| r.starts_with("/ogc"))
        .collect();
    let checked = [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/{id}",
        "/ogc/collections/{id}/items",
        "/ogc/collections/{id}/items/{fid}",
    ];
    for route in &routes {
        assert!(
            checked.contains(&route.as_str()),
            "{route} is not covered by this test"
        );
    }
    let text = |path: String| {
        let req = s.get(&p, &path);
        async move {
            let r = req.send().await.expect("send");
            (r.status(), r.text().await.expect("text"))
        }
    };
    for path in ["/ogc", "/ogc/conformance", "/ogc/collections"] {
        let (st, body) = text(path.to_string()).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        clean(&body, path);
    }
    let (exact_lon, exact_lat) = (103.2378, -1.7299);
    for coll in [
        "reports.narcotics_arrest",
        "reports.illegal_logging",
        "patrols",
        "areas",
        "subject-tracks",
    ] {
        let (st, body) = text(format!("/ogc/collections/{coll}")).await;
        assert_eq!(st, StatusCode::OK, "{coll}");
        clean(&body, coll);
        for query in [
            "limit=1000".to_string(),
            format!(
                "bbox={},{},{},{}",
                exact_lon - 1e-4,
                exact_lat - 1e-4,
                exact_lon + 1e-4,
                exact_lat + 1e-4
            ),
            "bbox=95,-11,141,6".to_string(),
        ] {
            let (st, body) = text(format!("/ogc/collections/{coll}/items?{query}")).await;
            assert_eq!(st, StatusCode::OK, "{coll}?{query}");
            clean(&body, coll);
            let page: Value = serde_json::from_str(&body).expect("json");
            assert_eq!(page["numberReturned"], 0, "{coll}?{query}");
        }
    }
    for (coll, id) in &records {
        let real = problem(
            s.get(&p, &format!("/ogc/collections/{coll}/items/{id}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        let ghost = problem(
            s.get(&p, &format!("/ogc/collections/{coll}/items/{missing}"))
                .send()
                .await
                .expect("send"),
            StatusCode::NOT_FOUND,
        )
        .await;
        for k in ["title", "detail", "code", "status"] {
            assert_eq!(real[k], ghost[k], "{coll}: {k}");
        }
    }
}

/// A secret letter (`rahasia`) between BNNK and the police reaches exactly those two
/// agencies: BNNK's parent agency and the national BNN learn nothing of it from any letter
/// route — each answers exactly as for a missing letter — and their lists leave it out.
/// A draft reaches nobody but its agency. A new letter route must be added here.
#[tokio::test]
async fn no_route_leaks_a_letter_to_an_agency_it_was_not_sent_to() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let mut ids = Vec::new();
    for subject in ["Surat rahasia penyelidikan", "Konsep surat biasa"] {
        let nature = if subject.contains("rahasia") {
            "rahasia"
        } else {
            "biasa"
        };
        let d: Value = s
            .post(&k, "/api/v1/letters")
            .json(
                &json!({"subject": subject, "signatory": "Kepala BNNK", "nature": nature,
                "to": ["POLDA-JAMBI"]}),
            )
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        ids.push(d["id"].as_str().expect("id").to_string());
    }
    let r = s
        .post(&k, &format!("/api/v1/letters/{}/send", ids[0]))
        .header("If-Match", "\"1\"")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let missing = "01970000-0000-7000-8000-00000000dead";
    let letter_routes: Vec<&str> = sinergi_web::api::route_table()
        .into_iter()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/letters/") && path.contains("{id}"))
        .collect();
    let checked = [
        "/letters/{id}",
        "/letters/{id}/letter.pdf",
        "/letters/{id}/dispositions",
    ];
    let writes = [
        "/letters/{id}/send",
        "/letters/{id}/forward",
        "/letters/{id}/dispositions",
        "/letters/{id}/documents",
        "/letters/{id}/documents/{document}",
    ];
    for route in &letter_routes {
        assert!(
            checked.contains(route) || writes.contains(route),
            "{route} is not covered by this test"
        );
    }
    // The secret letter for BNNK's parent and the national BNN; the draft for the police
    // it is addressed to.
    for (who, letter) in [
        ("admin.bnnp", &ids[0]),
        ("analis", &ids[0]),
        ("polisi", &ids[1]),
    ] {
        let t = s.token(who).await;
        let browser = crate::harness::browser();
        let session =
            crate::harness::browser_sign_in(&browser, &s.url, who, crate::harness::jambi::PASSWORD)
                .await;
        for route in checked {
            let mut answers = Vec::new();
            for target in [letter.as_str(), missing] {
                let path = format!("/api/v1{}", route.replace("{id}", target));
                answers.push(
                    problem(
                        s.get(&t, &path).send().await.expect("send"),
                        StatusCode::NOT_FOUND,
                    )
                    .await,
                );
            }
            for key in ["title", "detail", "code", "status"] {
                assert_eq!(answers[0][key], answers[1][key], "{who} {route}: {key}");
            }
        }
        for target in [letter.as_str(), missing] {
            let r = s
                .post(&t, &format!("/api/v1/letters/{target}/send"))
                .header("If-Match", "\"1\"")
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} send {target}");
            let r = s
                .get(&t, &format!("/api/v1/letters/{target}/documents/{missing}"))
                .send()
                .await
                .expect("send");
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{who} document of {target}"
            );
            let form = reqwest::multipart::Form::new().part(
                "file",
                reqwest::multipart::Part::bytes(b"%PDF-1.4 x".to_vec()).file_name("a.pdf"),
            );
            let r = s
                .post(&t, &format!("/api/v1/letters/{target}/documents"))
                .multipart(form)
                .send()
                .await
                .expect("send");
            assert_eq!(
                r.status(),
                StatusCode::NOT_FOUND,
                "{who} upload to {target}"
            );
            let r = s
                .post(&t, &format!("/api/v1/letters/{target}/dispositions"))
                .json(&json!({"to": who, "instruction": "Tindak lanjuti"}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} dispose {target}");
            let r = s
                .post(&t, &format!("/api/v1/letters/{target}/forward"))
                .json(&json!({"note": "Mohon arahan"}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} forward {target}");
            let page = browser
                .get(format!("{}/surat/{target}", s.url))
                .header("Cookie", format!("sinergi_session={session}"))
                .send()
                .await
                .expect("send");
            assert_eq!(
                page.status(),
                StatusCode::NOT_FOUND,
                "{who} page of {target}"
            );
        }
        let list: Value = s
            .get(&t, "/api/v1/letters")
            .send()
            .await
            .expect("send")
            .json()
            .await
            .expect("json");
        let listed: Vec<&str> = list["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .filter_map(|l| l["id"].as_str())
            .collect();
        assert!(!listed.contains(&letter.as_str()), "{who}: {listed:?}");
    }
    // The police, to whom the secret letter was sent, do have it.
    let p = s.token("polisi").await;
    let r = s
        .get(&p, &format!("/api/v1/letters/{}", ids[0]))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
}

/// An agency that is not a member of a working group (nor above one) learns nothing of
/// it, its meetings or its action items: every `/groups/`, `/meetings/` and
/// `/action-items/` route with an id answers exactly as for a missing id, writes to them
/// too, and the list leaves the group out. A new coordination route must be added here.
#[tokio::test]
async fn no_route_leaks_a_group_its_meetings_or_items_to_an_agency_outside_it() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let send = |r: reqwest::RequestBuilder| async move { r.send().await.expect("send") };
    let g: Value = send(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Pokja rahasia", "kind": "pokja", "legal_basis": "SK Kepala BNNK",
        "period_from": "2025-05-27",
    })))
    .await
    .json()
    .await
    .expect("json");
    let gid = g["id"].as_str().expect("group").to_string();
    let m: Value = send(
        s.post(&k, &format!("/api/v1/groups/{gid}/meetings"))
            .json(&json!({
                "starts_at": "2025-05-27T09:00:00+07:00", "place": "Kantor BNNK",
            })),
    )
    .await
    .json()
    .await
    .expect("json");
    let mid = m["id"].as_str().expect("meeting").to_string();
    let i: Value = send(
        s.post(&k, &format!("/api/v1/meetings/{mid}/action-items"))
            .json(&json!({
                "what": "Rahasia", "agency": "BNNK-BATANGHARI", "due": "2025-06-01",
            })),
    )
    .await
    .json()
    .await
    .expect("json");
    let iid = i["id"].as_str().expect("item").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let table = sinergi_web::api::route_table();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| {
            path.contains("{id}")
                && ["/groups/", "/meetings/", "/action-items/"]
                    .iter()
                    .any(|pre| path.starts_with(pre))
        })
        .collect();
    let checked = [
        "/groups/{id}",
        "/groups/{id}/meetings",
        "/groups/{id}/overdue",
        "/groups/{id}/plans",
        "/groups/{id}/dashboard",
        "/groups/{id}/action-items",
        "/groups/{id}/action-items/export",
        "/groups/{id}/meetings/export",
        "/groups/{id}/overdue/export",
        "/meetings/{id}",
        "/meetings/{id}/action-items",
        "/meetings/{id}/minutes.pdf",
        "/meetings/{id}/attendance.pdf",
        "/action-items/{id}",
    ];
    for route in &routes {
        assert!(
            checked.contains(route),
            "{route} is not covered by this test"
        );
    }
    let real = |route: &str| {
        let id = if route.starts_with("/groups/") {
            &gid
        } else if route.starts_with("/meetings/") {
            &mid
        } else {
            &iid
        };
        route.replace("{id}", id)
    };
    for route in checked {
        for method in ["GET", "POST", "PATCH"] {
            let mut answers = Vec::new();
            for path in [real(route), route.replace("{id}", missing)] {
                let req = s
                    .http
                    .request(
                        method.parse().expect("method"),
                        format!("{}/api/v1{path}", s.url),
                    )
                    .bearer_auth(&p)
                    .header("If-Match", "\"1\"");
                let req = if method == "GET" {
                    req
                } else {
                    req.json(&json!({"status": "done", "name": "x", "starts_at": "2025-06-01T09:00:00+07:00",
                        "place": "x", "what": "x", "agency": "POLDA-JAMBI", "due": "2025-06-02"}))
                };
                answers.push(req.send().await.expect("send"));
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    let list: Value = send(s.get(&p, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["groups"], json!([]));
    // Nothing was changed by the attempts.
    let g2: Value = send(s.get(&k, &format!("/api/v1/groups/{gid}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(g2["version"], 1);
    let i2: Value = send(s.get(&k, &format!("/api/v1/action-items/{iid}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(i2["status"], "open");
}

/// An agency outside a working group learns nothing of the group's plans or their nodes:
/// every `/plans/` and `/plan-nodes/` route with an id answers exactly as for a missing
/// id, writes to them too, and the group's list of plans is as missing as the group. A
/// new plans route must be added here.
#[tokio::test]
async fn no_route_leaks_a_plan_or_its_nodes_to_an_agency_outside_the_group() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let send = |r: reqwest::RequestBuilder| async move { r.send().await.expect("send") };
    let g: Value = send(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Pokja rahasia", "kind": "pokja", "legal_basis": "SK Kepala BNNK",
        "period_from": "2025-05-27",
    })))
    .await
    .json()
    .await
    .expect("json");
    let gid = g["id"].as_str().expect("group").to_string();
    let plan: Value = send(
        s.post(&k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({
                "kind": "joint_work_plan", "title": "Rencana rahasia",
                "period_from": "2025-06-01", "period_until": "2025-12-31",
            })),
    )
    .await
    .json()
    .await
    .expect("json");
    let pid = plan["id"].as_str().expect("plan").to_string();
    let node: Value = send(
        s.post(&k, &format!("/api/v1/plans/{pid}/nodes"))
            .json(&json!({"kind": "goal", "title": "Sasaran rahasia"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let nid = node["id"].as_str().expect("node").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let table = sinergi_web::api::route_table();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| {
            path.contains("{id}")
                && ["/plans/", "/plan-nodes/"]
                    .iter()
                    .any(|pre| path.starts_with(pre))
        })
        .collect();
    let checked = [
        "/plans/{id}",
        "/plans/{id}/nodes",
        "/plans/{id}/export",
        "/plan-nodes/{id}",
    ];
    for route in &routes {
        assert!(
            checked.contains(route),
            "{route} is not covered by this test"
        );
    }
    assert_eq!(routes.len(), checked.len(), "{routes:?}");
    let real = |route: &str| {
        let id = if route.starts_with("/plans/") {
            &pid
        } else {
            &nid
        };
        route.replace("{id}", id)
    };
    let mut walked = checked.iter().map(|r| (*r, true)).collect::<Vec<_>>();
    walked.push(("/groups/{id}/plans", false));
    for (route, of_plan) in walked {
        for method in ["GET", "POST", "PATCH"] {
            let mut answers = Vec::new();
            let real_path = if of_plan {
                real(route)
            } else {
                route.replace("{id}", &gid)
            };
            for path in [real_path, route.replace("{id}", missing)] {
                let req = s
                    .http
                    .request(
                        method.parse().expect("method"),
                        format!("{}/api/v1{path}", s.url),
                    )
                    .bearer_auth(&p)
                    .header("If-Match", "\"1\"");
                let req = if method == "GET" {
                    req
                } else {
                    req.json(&json!({"kind": "goal", "title": "x", "status": "done",
                        "achieved": 1, "period_from": "2025-06-01", "period_until": "2025-12-31",
                        "responsible": "POLDA-JAMBI"}))
                };
                answers.push(req.send().await.expect("send"));
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    // The outsider's lists leave the group, and so its plans, out.
    let list: Value = send(s.get(&p, "/api/v1/groups"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(list["groups"], json!([]));
    // Nothing was changed by the attempts.
    let p2: Value = send(s.get(&k, &format!("/api/v1/plans/{pid}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(p2["plan"]["version"], 1);
    assert_eq!(p2["nodes"].as_array().map(Vec::len), Some(1));
    assert_eq!(p2["nodes"][0]["version"], 1);
    assert_eq!(p2["nodes"][0]["status"], "planned");
}

/// An agency that does not see an area profile (not the owner, not above it, not in its
/// roadmap's group) learns nothing of it: every `/areas/{code}` route answers exactly as
/// for a code without a profile, writes to them too, and the list leaves it out. A new
/// areas route must be added here.
#[tokio::test]
async fn no_route_leaks_an_area_profile_to_an_agency_that_does_not_see_it() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let send = |r: reqwest::RequestBuilder| async move { r.send().await.expect("send") };
    let code = "15.01.01.2001";
    let a = send(s.post(&k, "/api/v1/areas").json(&json!({
        "code": code, "summary": "Kawasan rawan narkoba",
    })))
    .await;
    assert_eq!(a.status(), StatusCode::CREATED);
    let post: Value = send(
        s.post(&k, &format!("/api/v1/areas/{code}/posts"))
            .json(&json!({"name": "Posko rahasia", "lon": 101.4, "lat": -1.7, "cadence_days": 7})),
    )
    .await
    .json()
    .await
    .expect("json");
    let pid = post["id"].as_str().expect("post").to_string();
    // A village code without a profile, and a post id that does not exist.
    let missing_code = "31.73.07.1006";
    let missing_post = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let table = sinergi_web::api::route_table();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| path.starts_with("/areas/"))
        .collect();
    let checked = [
        "/areas/{code}",
        "/areas/{code}/history",
        "/areas/{code}/posts",
        "/areas/{code}/posts/{post}/reports",
    ];
    for route in &routes {
        assert!(
            checked.contains(route),
            "{route} is not covered by this test"
        );
    }
    assert_eq!(routes.len(), checked.len(), "{routes:?}");
    for route in checked {
        for method in ["GET", "POST", "PATCH"] {
            let mut answers = Vec::new();
            for (c, post) in [(code, pid.as_str()), (missing_code, missing_post)] {
                let path = route.replace("{code}", c).replace("{post}", post);
                let req = s
                    .http
                    .request(
                        method.parse().expect("method"),
                        format!("{}/api/v1{path}", s.url),
                    )
                    .bearer_auth(&p)
                    .header("If-Match", "\"1\"");
                let req = if method == "GET" {
                    req
                } else {
                    req.json(&json!({"condition": "bersinar", "name": "x", "lon": 101.4,
                        "lat": -1.7, "cadence_days": 7, "reported_on": "2025-06-01",
                        "summary": "x"}))
                };
                answers.push(req.send().await.expect("send"));
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    // The outsider's list leaves it out, whatever the filter.
    for q in ["", "?region=15", "?region=15.01.01.2001"] {
        let list: Value = send(s.get(&p, &format!("/api/v1/areas{q}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(list["areas"], json!([]), "{q}");
    }
    // Nothing was changed or added by the attempts.
    let a: Value = send(s.get(&k, &format!("/api/v1/areas/{code}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(a["version"], 1);
    assert_eq!(a["condition"], "drug_prone");
    let posts: Value = send(s.get(&k, &format!("/api/v1/areas/{code}/posts")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(posts["posts"].as_array().map(Vec::len), Some(1));
    assert_eq!(posts["posts"][0]["last_report"], Value::Null);
}

/// An agency with no part in a case (not the owner, not above it, not on it) learns
/// nothing of it: every `/cases/{id}…` route answers exactly as for an id without a case,
/// writes to them too, a transfer's decision as for a missing transfer, and the lists,
/// the overdue list, the funnel and the victim counts leave it out whatever the filter.
/// A new cases route must be added here.
#[tokio::test]
async fn no_route_leaks_a_case_or_its_persons_to_an_agency_outside_it() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let send = |r: reqwest::RequestBuilder| async move { r.send().await.expect("send") };
    sinergi_app::cases::write_key_file(&s.app.config.case_keys_dir, "BNNK-BATANGHARI")
        .expect("key");
    let c: Value = send(s.post(&k, "/api/v1/cases").json(&json!({
        "title": "Perkara rahasia", "offence_kind": "trafficking", "offence_law": "UU 21/2007",
        "offence_article": "Pasal 2", "max_penalty_years": 15, "region": "15.04",
        "opened_on": "2026-02-01",
    })))
    .await
    .json()
    .await
    .expect("json");
    let id = c["id"].as_str().expect("case").to_string();
    let person: Value = send(
        s.post(&k, &format!("/api/v1/cases/{id}/persons"))
            .json(&json!({"role": "victim", "name": "Rahasia", "origin_region": "15.04"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let pid = person["id"].as_str().expect("person").to_string();
    let item: Value = send(s.post(&k, &format!("/api/v1/cases/{id}/evidence")).json(&json!({
        "description": "Paspor palsu", "seized_on": "2026-02-01", "holder": "BNNK-BATANGHARI"
    })))
    .await
    .json()
    .await
    .expect("json");
    let eid = item["id"].as_str().expect("item").to_string();
    crate::harness::cooperation_agreement(&s.app, "PKS/9", &["BNNK-BATANGHARI", "BNNP-JAMBI"])
        .await;
    let t: Value = send(
        s.post(&k, &format!("/api/v1/cases/{id}/transfers"))
            .json(&json!({"to": "BNNP-JAMBI"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let tid = t["id"].as_str().expect("transfer").to_string();
    let task: Value = send(
        s.post(&k, &format!("/api/v1/cases/{id}/tasks"))
            .json(&json!({"to": "BNNP-JAMBI", "kind": "tracing", "what": "Telusuri rekening"})),
    )
    .await
    .json()
    .await
    .expect("json");
    let kid = task["id"].as_str().expect("task").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;

    let table = sinergi_web::api::route_table();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| {
            path.starts_with("/cases/{")
                || path.starts_with("/case-transfers/{")
                || path.starts_with("/case-tasks/{")
        })
        .collect();
    let checked = [
        "/cases/{id}",
        "/cases/{id}/summary.pdf",
        "/cases/{id}/steps",
        "/cases/{id}/persons",
        "/cases/{id}/persons/{person}/open",
        "/cases/{id}/identities",
        "/cases/{id}/persons/{person}/identity",
        "/cases/{id}/persons/{person}/services",
        "/cases/{id}/persons/{person}/shares",
        "/cases/{id}/persons/{person}/shares/{agency}",
        "/cases/{id}/transfers",
        "/cases/{id}/evidence",
        "/cases/{id}/evidence/{item}/custody",
        "/cases/{id}/tasks",
        "/case-transfers/{id}/decision",
        "/case-tasks/{id}/answer",
    ];
    for route in &routes {
        assert!(
            checked.contains(route),
            "{route} is not covered by this test"
        );
    }
    assert_eq!(routes.len(), checked.len(), "{routes:?}");
    for route in checked {
        for method in ["GET", "POST", "PATCH", "PUT", "DELETE"] {
            let mut answers = Vec::new();
            for (case, person, transfer, item, task) in [
                (
                    id.as_str(),
                    pid.as_str(),
                    tid.as_str(),
                    eid.as_str(),
                    kid.as_str(),
                ),
                (missing, missing, missing, missing, missing),
            ] {
                let path = if route.starts_with("/case-transfers") {
                    route.replace("{id}", transfer)
                } else if route.starts_with("/case-tasks") {
                    route.replace("{id}", task)
                } else {
                    route
                        .replace("{id}", case)
                        .replace("{person}", person)
                        .replace("{item}", item)
                        .replace("{agency}", "POLDA-JAMBI")
                };
                let req = s
                    .http
                    .request(
                        method.parse().expect("method"),
                        format!("{}/api/v1{path}", s.url),
                    )
                    .bearer_auth(&p);
                // A body the route accepts, so the answer comes from finding the record.
                let body = match route {
                    "/cases/{id}" => json!({"version": 1, "child_suspect": true}),
                    "/cases/{id}/steps" => json!({"version": 1, "stage": "penyidikan",
                        "document": {"number": "X/1", "date": "2026-02-02"}}),
                    "/cases/{id}/persons" => json!({"role": "witness", "name": "x"}),
                    "/cases/{id}/persons/{person}/open" | "/cases/{id}/identities" => {
                        json!({"purpose": "ingin tahu"})
                    }
                    "/cases/{id}/persons/{person}/services" => {
                        json!({"service": "shelter", "status": "completed"})
                    }
                    "/cases/{id}/persons/{person}/shares" => {
                        json!({"agency": "POLDA-JAMBI", "purpose": "ingin tahu"})
                    }
                    "/cases/{id}/transfers" => json!({"to": "POLDA-JAMBI"}),
                    "/cases/{id}/tasks" => {
                        json!({"to": "BNNP-JAMBI", "kind": "lab_test", "what": "x"})
                    }
                    "/case-tasks/{id}/answer" => json!({"status": "done", "result": "x"}),
                    "/cases/{id}/evidence" => json!({"description": "x", "seized_on": "2026-02-02",
                        "holder": "x"}),
                    "/cases/{id}/evidence/{item}/custody" => json!({"action": "stored",
                        "on": "2026-02-03", "holder": "x"}),
                    _ => json!({"decision": "accept"}),
                };
                let req = if method == "GET" || method == "DELETE" {
                    req
                } else {
                    req.json(&body)
                };
                answers.push(req.send().await.expect("send"));
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    // The outsider's lists leave it out, whatever the filter.
    for q in [
        "",
        "?region=15",
        "?region=15.04",
        "?offence=trafficking",
        "?year=2026",
    ] {
        let list: Value = send(s.get(&p, &format!("/api/v1/cases{q}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(list["cases"], json!([]), "{q}");
        assert_eq!(list["total"], 0, "{q}");
        let f: Value = send(s.get(&p, &format!("/api/v1/cases/funnel{q}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(f["rows"], json!([]), "{q}");
        let v: Value = send(s.get(&p, &format!("/api/v1/cases/victims{q}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(v["total"], 0, "{q}");
        let o: Value = send(s.get(&p, &format!("/api/v1/cases/overdue{q}")))
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(o["cases"], json!([]), "{q}");
    }
    let incoming: Value = send(s.get(&p, "/api/v1/case-transfers"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(incoming["transfers"], json!([]));
    let tasks: Value = send(s.get(&p, "/api/v1/case-tasks"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(tasks["tasks"], json!([]));
    // Nothing was changed by the attempts.
    let got: Value = send(s.get(&k, &format!("/api/v1/cases/{id}")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(got["version"], 1);
    assert_eq!(got["stage"], "laporan");
    let persons: Value = send(s.get(&k, &format!("/api/v1/cases/{id}/persons")))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(persons["persons"].as_array().map(Vec::len), Some(1));
}

/// An agency outside a form's owner and those above it learns nothing of it: every
/// `/forms/{id}…` route answers exactly as for an id without a form, and the list leaves
/// it out; another user's device answers as one that does not exist. A new forms route
/// must be added here.
#[tokio::test]
async fn no_route_leaks_a_form_to_an_agency_outside_it() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::forms::workbook("2021", "Nama", None))
            .file_name("kotan.xlsx"),
    );
    let f: Value = s
        .post(&k, "/api/v1/forms")
        .multipart(form)
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let id = f["id"].as_str().expect("id").to_string();
    let missing = "01970000-0000-7000-8000-00000000dead";
    let p = s.token("polisi").await;
    let table = sinergi_web::api::route_table();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| path.starts_with("/forms/{"))
        .collect();
    let checked = [
        "/forms/{id}",
        "/forms/{id}/versions/{number}/form.xml",
        "/forms/{id}/submissions",
        "/forms/{id}/submissions.csv",
        "/forms/{id}/paper.pdf",
        "/forms/{id}/paper",
        "/forms/{id}/answers",
        "/forms/{id}/submissions.geojson",
        "/forms/{id}/submissions.zip",
        "/forms/{id}/submissions.xlsx",
        "/forms/{id}/versions/{number}/media",
        "/forms/{id}/versions/{number}/media/{name}",
    ];
    assert_eq!(routes.len(), checked.len(), "{routes:?}");
    // Another user's device answers as a device that does not exist.
    let devices: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| path.starts_with("/form-devices/{"))
        .collect();
    assert_eq!(devices, ["/form-devices/{id}"]);
    let linked: Value = s
        .post(&k, "/api/v1/form-devices")
        .json(&json!({"name": "HP koordinator"}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let device = linked["device"]["id"].as_str().expect("id").to_string();
    let mut answers = Vec::new();
    for d in [device.as_str(), missing] {
        answers.push(
            s.http
                .delete(format!("{}/api/v1/form-devices/{d}", s.url))
                .bearer_auth(&p)
                .send()
                .await
                .expect("send"),
        );
    }
    let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
    let a = problem(a, StatusCode::NOT_FOUND).await;
    let b = problem(b, StatusCode::NOT_FOUND).await;
    assert_eq!(a["detail"], b["detail"]);
    let still: Value = s
        .get(&k, "/api/v1/form-devices")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert!(
        still["devices"][0]["revoked_at"].is_null(),
        "not revoked by another user"
    );
    for route in checked {
        assert!(routes.contains(&route), "{route}");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let mut answers = Vec::new();
            for form in [id.as_str(), missing] {
                let path = route
                    .replace("{id}", form)
                    .replace("{number}", "1")
                    .replace("{name}", "peta.png");
                answers.push(
                    s.http
                        .request(
                            method.parse().expect("method"),
                            format!("{}/api/v1{path}", s.url),
                        )
                        .bearer_auth(&p)
                        .send()
                        .await
                        .expect("send"),
                );
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    let list: Value = s
        .get(&p, "/api/v1/forms")
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    assert_eq!(list["forms"], json!([]));

    // A submission (sent from the coordinator's phone) answers the police as one that
    // does not exist, on every submission route and method.
    let server = linked["server_url"].as_str().expect("url");
    let xml = "<data id=\"kotan_jambi\" version=\"2021\"><nama>Rahasia</nama><umur>40</umur>\
               <sosialisasi>ya</sosialisasi><meta><instanceID>uuid:leak-1</instanceID></meta></data>";
    let r = s
        .http
        .post(format!("{server}/submission"))
        .multipart(reqwest::multipart::Form::new().part(
            "xml_submission_file",
            reqwest::multipart::Part::bytes(xml.as_bytes().to_vec()).file_name("submission.xml"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    let page: Value = s
        .get(&k, &format!("/api/v1/forms/{id}/submissions"))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let sub = page["submissions"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let routes: Vec<&str> = table
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| path.starts_with("/submissions/{"))
        .collect();
    let checked = [
        "/submissions/{id}",
        "/submissions/{id}/review",
        "/submissions/{id}/files/{name}",
    ];
    assert_eq!(routes.len(), checked.len(), "{routes:?}");
    for route in checked {
        assert!(routes.contains(&route), "{route}");
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let mut answers = Vec::new();
            for one in [sub.as_str(), missing] {
                let path = route.replace("{id}", one).replace("{name}", "foto.jpg");
                answers.push(
                    s.http
                        .request(
                            method.parse().expect("method"),
                            format!("{}/api/v1{path}", s.url),
                        )
                        .bearer_auth(&p)
                        .json(&json!({"state": "approved"}))
                        .send()
                        .await
                        .expect("send"),
                );
            }
            let [a, b] = <[reqwest::Response; 2]>::try_from(answers).expect("two");
            if a.status() == StatusCode::METHOD_NOT_ALLOWED {
                assert_eq!(
                    b.status(),
                    StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {route}"
                );
                continue;
            }
            let a = problem(a, StatusCode::NOT_FOUND).await;
            let b = problem(b, StatusCode::NOT_FOUND).await;
            for k in ["title", "detail", "code", "status"] {
                assert_eq!(a[k], b[k], "{method} {route}: {k}");
            }
        }
    }
    // The police's own device is told the form does not exist, as for a made-up one.
    let theirs: Value = s
        .post(&p, "/api/v1/form-devices")
        .json(&json!({"name": "HP polisi"}))
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    let mut texts = Vec::new();
    for form in ["kotan_jambi", "tidak_ada"] {
        let x = xml
            .replace("kotan_jambi", form)
            .replace("uuid:leak-1", "uuid:leak-2");
        let r = s
            .http
            .post(format!(
                "{}/submission",
                theirs["server_url"].as_str().expect("url")
            ))
            .multipart(reqwest::multipart::Form::new().part(
                "xml_submission_file",
                reqwest::multipart::Part::bytes(x.into_bytes()).file_name("submission.xml"),
            ))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{form}");
        texts.push(r.text().await.expect("text"));
    }
    assert_eq!(texts[0], texts[1]);
    // Nor does it reach the form's manifest or media files.
    for tail in ["manifest", "media/peta.png"] {
        let mut texts = Vec::new();
        for form in [id.as_str(), missing] {
            let r = s
                .http
                .get(format!(
                    "{}/forms/{form}/1/{tail}",
                    theirs["server_url"].as_str().expect("url")
                ))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "{tail} {form}");
            texts.push(r.text().await.expect("text"));
        }
        assert_eq!(texts[0], texts[1], "{tail}");
    }
}
