//! Monitoring campaigns through the API and the pages: set up for a BNNP questionnaire
//! with two units; answers sent from phones count for their period by when they came;
//! bad set-ups are refused naming the field; a unit's agency sees its own row only and
//! another agency nothing.

use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

mod pages;

/// A yearly questionnaire with the period as a question.
fn workbook() -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label"],
                vec!["text", "periode", "Tahun laporan"],
                vec!["integer", "kasus", "Jumlah kasus"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Laporan Tahunan P4GN", "tahunan_p4gn", "1"],
            ],
        ),
    ])
    .expect("workbook")
}

async fn json_of(r: reqwest::RequestBuilder) -> (StatusCode, Value) {
    let r = r.send().await.expect("send");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn submit(s: &Server, token: &str, id: &str, period: &str) {
    let (_, v) = json_of(
        s.post(token, "/api/v1/form-devices")
            .json(&json!({"name": "HP"})),
    )
    .await;
    let server = v["server_url"].as_str().expect("url");
    let xml = format!(
        "<data id=\"tahunan_p4gn\" version=\"1\"><periode>{period}</periode><kasus>4</kasus>\
         <meta><instanceID>{id}</instanceID></meta></data>"
    );
    let r = s
        .http
        .post(format!("{server}/submission"))
        .multipart(Form::new().part(
            "xml_submission_file",
            Part::bytes(xml.into_bytes()).file_name("submission.xml"),
        ))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_campaign_counts_answers_by_period_and_shows_who_is_late() {
    // 7 December 2026, 10:00 WIB: 2024 and 2025 are due (31 January after each),
    // 2026 is not yet.
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-07T03:00:00Z")
        .expect("time")
        .with_timezone(&chrono::Utc);
    let s = spawn_with_clock(std::sync::Arc::new(FixedClock(now)), |_| {}).await;
    let bnnp = s.token("admin.bnnp").await;
    let (st, form) = json_of(
        s.post(&bnnp, "/api/v1/forms")
            .multipart(Form::new().part("file", Part::bytes(workbook()).file_name("p4gn.xlsx"))),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    let form = form["id"].as_str().expect("id").to_string();
    let (y0, y1, y2) = (2024, 2025, 2026);
    let body = |first: String, units: Value| {
        json!({
            "form": form, "title": "Laporan tahunan P4GN Jambi", "periodicity": "yearly",
            "first_period": first, "last_period": y2.to_string(), "due_days": 31,
            "grace_days": 366, "period_field": "periode", "units": units,
        })
    };
    let units = json!([
        {"region": "15.04", "agency": "BNNK-BATANGHARI"},
        {"region": "15.71", "agency": "BNNP-JAMBI"},
    ]);

    // Refused, naming the field: a bad period, an unknown region and agency, a question
    // the form lacks, the same region twice; a field officer may not set one up.
    let mut bad = body(
        "20".into(),
        json!([
            {"region": "99.99", "agency": "BNNK-BATANGHARI"},
            {"region": "15.04", "agency": "TIDAK-ADA"},
        ]),
    );
    bad["period_field"] = json!("tahun");
    bad["escalate_days"] = json!(400);
    let (st, problem) = json_of(s.post(&bnnp, "/api/v1/campaigns").json(&bad)).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for f in [
        "first_period",
        "period_field",
        "units[0].region",
        "units[1].agency",
        "escalate_days",
    ] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let (st, problem) = json_of(
        s.post(&bnnp, "/api/v1/campaigns")
            .json(&json!({"due_days": "tiga puluh"})),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "due_days");
    let petugas = s.token("petugas").await;
    let (st, _) = json_of(
        s.post(&petugas, "/api/v1/campaigns")
            .json(&body(y0.to_string(), units.clone())),
    )
    .await;
    assert_eq!(
        st,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form is not one the officer's agency may publish"
    );

    // Escalated only after 320 days: the 2025 answer, due 31 January 2026, is 310 days
    // late today.
    let mut good = body(y0.to_string(), units.clone());
    good["remind_days"] = json!(10);
    good["escalate_days"] = json!(320);
    let (st, created) = json_of(s.post(&bnnp, "/api/v1/campaigns").json(&good)).await;
    assert_eq!(st, StatusCode::CREATED, "{created}");
    assert_eq!(
        (&created["remind_days"], &created["escalate_days"]),
        (&json!(10), &json!(320))
    );
    let id = created["campaign"]["id"].as_str().expect("id").to_string();
    // Another campaign over the same periods of the form would count answers twice.
    let (st, problem) = json_of(
        s.post(&bnnp, "/api/v1/campaigns")
            .json(&body(y1.to_string(), units.clone())),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "first_period");

    // Answers sent today: the BNNK for last year (late) and this year (on time, not yet
    // due); the BNNP for this year; an answer for two years ago is past its grace days.
    submit(&s, &petugas, "uuid:k-1", &y1.to_string()).await;
    submit(&s, &petugas, "uuid:k-2", &y2.to_string()).await;
    submit(&s, &bnnp, "uuid:p-2", &y2.to_string()).await;
    submit(&s, &bnnp, "uuid:p-0", &y0.to_string()).await;
    let (st, v) = json_of(s.get(&bnnp, &format!("/api/v1/campaigns/{id}"))).await;
    assert_eq!(st, StatusCode::OK);
    let states = |row: usize| -> Vec<String> {
        v["units"][row]["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .map(|c| c["state"].as_str().expect("state").to_string())
            .collect()
    };
    assert_eq!(states(0), ["missing", "late", "on_time"]);
    assert_eq!(states(1), ["missing", "missing", "on_time"]);
    // Due cells: 2 units × 2 periods; received 1 (late); on time 0.
    assert_eq!(v["overall"]["expected"], 4);
    assert_eq!(v["overall"]["received"], 1);
    assert_eq!(v["overall"]["reporting_rate"], 25.0);
    assert_eq!(v["overall"]["on_time_rate"], 0.0);
    assert_eq!(
        v["periods"][2]["rates"]["reporting_rate"], 100.0,
        "this year's progress"
    );
    assert_eq!(v["periods"][0]["due"], format!("{y1}-01-31"));
    let late: Vec<String> = v["late"]
        .as_array()
        .expect("late")
        .iter()
        .map(|l| {
            format!(
                "{} {}",
                l["agency"].as_str().expect("a"),
                l["period"].as_str().expect("p")
            )
        })
        .collect();
    assert_eq!(
        late,
        [
            format!("BNNK-BATANGHARI {y0}"),
            format!("BNNP-JAMBI {y0}"),
            format!("BNNP-JAMBI {y1}")
        ]
    );

    // Reminders: the BNNP's 2025 answer is overdue (still accepted): its administrator
    // is reminded; not yet the 320 days after which its superior (BNN, no coordinator
    // in this set-up) is escalated to; 2024 is past accepting, so nothing. Each once.
    let (sent, notices, _) = s.app.run_campaign_reminders(now).await.expect("run");
    assert_eq!((sent, notices), (1, 1));
    assert_eq!(s.app.run_campaign_reminders(now).await.expect("again").0, 0);
    // Eleven days later it is escalated, once.
    let later = now + chrono::Duration::days(11);
    assert_eq!(
        s.app.run_campaign_reminders(later).await.expect("later").0,
        1
    );
    assert_eq!(
        s.app.run_campaign_reminders(later).await.expect("again").0,
        0
    );
    let (_, mine) = json_of(s.get(&bnnp, "/api/v1/notifications")).await;
    let kinds: Vec<&str> = mine["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"campaign_overdue"), "{kinds:?}");

    // An index over the answers: refused naming each field, then defined.
    let index = json!({
        "name": "Indeks kasus",
        "components": [{"field": "kasus", "weight": 100}],
        "bands": [{"from": 0, "to": 50, "label": "Rendah"}, {"from": 50, "to": 100, "label": "Tinggi"}],
    });
    let mut bad = index.clone();
    bad["components"] = json!([{"field": "tidak_ada", "weight": 60}]);
    bad["bands"] = json!([{"from": 0, "to": 40, "label": "Rendah"}, {"from": 50, "to": 100, "label": "Tinggi"}]);
    let (st, problem) = json_of(
        s.post(&bnnp, &format!("/api/v1/campaigns/{id}/indices"))
            .json(&bad),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["components[0].field", "components", "bands[1]"]);
    let (st, x) = json_of(
        s.post(&bnnp, &format!("/api/v1/campaigns/{id}/indices"))
            .json(&index),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{x}");
    // The answers hold 4 cases: a score of 4 (Rendah) for each answered period.
    assert_eq!(x["indices"][0]["units"][0]["scores"][1]["score"], 4.0);
    assert_eq!(x["indices"][0]["units"][0]["scores"][1]["band"], "Rendah");
    let (st, problem) = json_of(
        s.post(&bnnp, &format!("/api/v1/campaigns/{id}/indices"))
            .json(&index),
    )
    .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "name");

    // The BNNK sees its own row only; the police nothing.
    let k = s.token("koordinator").await;
    let (st, mine) = json_of(s.get(&k, &format!("/api/v1/campaigns/{id}"))).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(mine["all_units"], false);
    assert_eq!(mine["units"].as_array().map(Vec::len), Some(1));
    assert_eq!(mine["units"][0]["unit"]["agency"], "BNNK-BATANGHARI");
    let (_, list) = json_of(s.get(&k, "/api/v1/campaigns")).await;
    assert_eq!(list["campaigns"].as_array().map(Vec::len), Some(1));
    let (st, _) = json_of(
        s.post(&k, &format!("/api/v1/campaigns/{id}/indices"))
            .json(&index),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "a unit does not define indices");
    let (_, x) = json_of(s.get(&k, &format!("/api/v1/campaigns/{id}/indices"))).await;
    assert_eq!(
        x["indices"][0]["units"].as_array().map(Vec::len),
        Some(1),
        "its own row"
    );
    let polisi = s.token("polisi").await;
    let (st, _) = json_of(s.get(&polisi, &format!("/api/v1/campaigns/{id}"))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, list) = json_of(s.get(&polisi, "/api/v1/campaigns")).await;
    assert_eq!(list["campaigns"], json!([]));
    // Every campaign route answers the police as for a campaign that does not exist.
    let missing = "01970000-0000-7000-8000-00000000dead";
    let routes: Vec<&str> = sinergi_web::api::route_table()
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| path.starts_with("/campaigns/{"))
        .collect();
    assert_eq!(
        routes,
        [
            "/campaigns/{id}",
            "/campaigns/{id}/indices",
            "/campaigns/{id}/map"
        ]
    );
    for route in routes {
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let mut answers = Vec::new();
            for one in [id.as_str(), missing] {
                let r = s
                    .http
                    .request(
                        method.parse().expect("method"),
                        format!("{}/api/v1{}", s.url, route.replace("{id}", one)),
                    )
                    .bearer_auth(&polisi)
                    .json(&json!({}))
                    .send()
                    .await
                    .expect("send");
                let status = r.status();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                answers.push((status, body["detail"].clone(), body["code"].clone()));
            }
            assert_eq!(answers[0], answers[1], "{method} {route}");
        }
    }
}
