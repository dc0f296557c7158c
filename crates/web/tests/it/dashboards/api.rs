use std::io::Read;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness;
use crate::harness::jambi::*;

async fn send(r: reqwest::RequestBuilder) -> reqwest::Response {
    r.send().await.expect("send")
}

async fn created(r: reqwest::RequestBuilder) -> Value {
    let r = send(r).await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.url().clone());
    r.json().await.expect("json")
}

async fn ok(r: reqwest::RequestBuilder) -> Value {
    let r = send(r).await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.url().clone());
    r.json().await.expect("json")
}

/// A letter drafted and sent; its id.
async fn sent_letter(s: &Server, token: &str, body: Value) -> String {
    let l = created(s.post(token, "/api/v1/letters").json(&body)).await;
    let id = l["id"].as_str().expect("id").to_string();
    let r = send(
        s.post(token, &format!("/api/v1/letters/{id}/send"))
            .header("If-Match", format!("\"{}\"", l["version"])),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK, "send");
    id
}

/// A Satgas of BNNK and the police, with a past meeting, an item the police owe that is
/// overdue, and a plan whose activity with a target is behind. Returns (group, plan).
async fn satgas(s: &Server, k: &str, what: &str) -> (String, String) {
    let g = created(s.post(k, "/api/v1/groups").json(&json!({
        "name": "Satgas TPPO", "kind": "satgas", "legal_basis": "SK Bupati",
        "members": ["POLDA-JAMBI"], "period_from": "2025-05-27",
    })))
    .await;
    let gid = g["id"].as_str().expect("group").to_string();
    let m = created(
        s.post(k, &format!("/api/v1/groups/{gid}/meetings"))
            .json(&json!({"starts_at": "2025-05-27T09:00:00+07:00", "place": "Aula"})),
    )
    .await;
    let mid = m["id"].as_str().expect("meeting").to_string();
    created(
        s.post(k, &format!("/api/v1/meetings/{mid}/action-items"))
            .json(&json!({"what": what, "agency": "POLDA-JAMBI", "due": "2025-06-01"})),
    )
    .await;
    created(
        s.post(k, &format!("/api/v1/meetings/{mid}/action-items"))
            .json(
                &json!({"what": "Laporan BNNK", "agency": "BNNK-BATANGHARI", "due": "2030-06-01"}),
            ),
    )
    .await;
    let p = created(
        s.post(k, &format!("/api/v1/groups/{gid}/plans"))
            .json(&json!({
                "kind": "action_plan", "title": "RAN PPTPPO daerah",
                "period_from": "2025-01-01", "period_until": "2026-06-30",
            })),
    )
    .await;
    let pid = p["id"].as_str().expect("plan").to_string();
    created(s.post(k, &format!("/api/v1/plans/{pid}/nodes")).json(&json!({
        "kind": "activity", "title": "Sosialisasi di desa", "responsible": "POLDA-JAMBI",
        "indicator": "desa", "unit": "desa", "target": 20, "achieved": 2, "status": "under_way",
    })))
    .await;
    (gid, pid)
}

/// A member sees the group's dashboard: plan progress with the behind activity, overdue
/// items counted by agency, meetings held by year; an agency outside the group gets the
/// answer of a missing group. A letter between members asking for an answer waits on the
/// dashboard and in the addressee's obligations until the addressee answers it; an answer
/// to a letter not addressed to the answering agency is refused naming `in_reply_to`.
#[tokio::test]
async fn a_group_dashboard_and_letters_awaiting_an_answer() {
    let s = spawn().await;
    harness::users(
        &s.app,
        PASSWORD,
        &[("sekretaris.polda", "POLDA-JAMBI", "coordinator")],
    )
    .await;
    let k = s.token("koordinator").await;
    let pk = s.token("sekretaris.polda").await;
    let (gid, _) = satgas(&s, &k, "Bentuk posko pengaduan").await;

    let d = ok(s.get(&k, &format!("/api/v1/groups/{gid}/dashboard"))).await;
    assert_eq!(d["name"], "Satgas TPPO");
    assert_eq!(
        d["overdue"],
        json!([{"agency": "POLDA-JAMBI", "count": 1, "oldest_due": "2025-06-01"}])
    );
    assert_eq!(d["meetings"]["total"], 1);
    assert_eq!(d["meetings"]["by_year"], json!([{"year": 2025, "held": 1}]));
    assert_eq!(d["meetings"]["next"], Value::Null);
    let node = &d["plans"][0]["nodes"][0];
    assert_eq!(node["title"], "Sosialisasi di desa");
    assert_eq!(node["achieved_pct"], 10.0);
    assert_eq!(node["behind"], true);
    assert_eq!(d["plans"][0]["behind"], 1);
    assert_eq!(d["awaiting_answer"], json!([]));

    // Outside the group: exactly the answer of a group that does not exist.
    let analis = s.token("analis").await;
    let a = problem(
        send(s.get(&analis, &format!("/api/v1/groups/{gid}/dashboard"))).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let b = problem(
        send(s.get(
            &analis,
            "/api/v1/groups/01970000-0000-7000-8000-00000000dead/dashboard",
        ))
        .await,
        StatusCode::NOT_FOUND,
    )
    .await;
    for key in ["type", "title", "detail", "code", "status"] {
        assert_eq!(a[key], b[key], "{key}");
    }

    // BNNK asks the police for an answer by 10 January 2026 (long past: late).
    let asking = sent_letter(
        &s,
        &k,
        json!({"subject": "Permintaan data korban", "signatory": "Kepala BNNK",
            "to": ["POLDA-JAMBI"], "copies": ["BNN"], "reply_by": "2026-01-10"}),
    )
    .await;
    let l = ok(s.get(&k, &format!("/api/v1/letters/{asking}"))).await;
    assert_eq!(l["reply_by"], "2026-01-10");
    let d = ok(s.get(&k, &format!("/api/v1/groups/{gid}/dashboard"))).await;
    let waiting = d["awaiting_answer"].as_array().expect("list");
    assert_eq!(waiting.len(), 1, "{d}");
    assert_eq!(waiting[0]["letter"], asking.as_str());
    assert_eq!(waiting[0]["from"], "BNNK-BATANGHARI");
    assert_eq!(waiting[0]["addressee"], "POLDA-JAMBI");
    assert_eq!(waiting[0]["late"], true);
    let o = ok(s.get(&pk, "/api/v1/me/obligations")).await;
    assert_eq!(o["agency"], "POLDA-JAMBI");
    assert_eq!(o["letters_to_answer"][0]["letter"], asking.as_str());
    let owed = &o["action_items"][0];
    assert_eq!(owed["group"], gid.as_str());
    assert_eq!(owed["items"][0]["item"]["what"], "Bentuk posko pengaduan");
    assert_eq!(owed["items"][0]["overdue"], true);
    assert_eq!(
        owed["items"].as_array().expect("items").len(),
        1,
        "only its own"
    );
    assert_eq!(
        o["behind_activities"][0]["progress"]["title"],
        "Sosialisasi di desa"
    );
    // BNNK's own obligations hold its item, not yet due, and no letter to answer.
    let ok_bnnk = ok(s.get(&k, "/api/v1/me/obligations")).await;
    assert_eq!(ok_bnnk["action_items"][0]["items"][0]["overdue"], false);
    assert_eq!(ok_bnnk["letters_to_answer"], json!([]));

    // A letter the police only got a copy of, and one they never saw, cannot be answered.
    let copied = sent_letter(
        &s,
        &k,
        json!({"subject": "Tembusan", "signatory": "Kepala BNNK",
            "to": ["BNN"], "copies": ["POLDA-JAMBI"]}),
    )
    .await;
    let hidden = sent_letter(
        &s,
        &k,
        json!({"subject": "Internal", "signatory": "Kepala BNNK", "to": ["BNNP-JAMBI"]}),
    )
    .await;
    for original in [&copied, &hidden] {
        let e = problem(
            send(s.post(&pk, "/api/v1/letters").json(&json!({
                "subject": "Jawaban", "signatory": "Kapolda", "to": ["BNNK-BATANGHARI"],
                "in_reply_to": original,
            })))
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&e), ["in_reply_to"], "{e}");
    }

    // The police answer; a draft answer does not count, the sent one does.
    let draft = created(s.post(&pk, "/api/v1/letters").json(&json!({
        "subject": "Jawaban permintaan data", "signatory": "Kapolda",
        "to": ["BNNK-BATANGHARI"], "in_reply_to": asking,
    })))
    .await;
    assert_eq!(draft["in_reply_to"], asking.as_str());
    let d = ok(s.get(&k, &format!("/api/v1/groups/{gid}/dashboard"))).await;
    assert_eq!(d["awaiting_answer"].as_array().expect("list").len(), 1);
    let did = draft["id"].as_str().expect("id");
    let r = send(
        s.post(&pk, &format!("/api/v1/letters/{did}/send"))
            .header("If-Match", format!("\"{}\"", draft["version"])),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let d = ok(s.get(&k, &format!("/api/v1/groups/{gid}/dashboard"))).await;
    assert_eq!(d["awaiting_answer"], json!([]), "answered");
    let o = ok(s.get(&pk, "/api/v1/me/obligations")).await;
    assert_eq!(o["letters_to_answer"], json!([]));
    // The letter's page says who answered it, with the answer's number.
    let (status, html) = page(&s, "koordinator", &format!("/surat/{asking}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("dijawab dengan surat"), "{html}");
    // The dashboard page and the obligations page show it in Bahasa Indonesia.
    let (status, html) = page(&s, "koordinator", &format!("/pokja/{gid}/dasbor")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Sosialisasi di desa") && html.contains("tertinggal"));
    let (status, html) = page(&s, "sekretaris.polda", "/kewajiban").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Bentuk posko pengaduan"));
}

/// A page as `user` sees it in a browser (signed in through the form), in Indonesian.
async fn page(s: &Server, user: &str, path: &str) -> (StatusCode, String) {
    let http = harness::browser();
    let session = harness::browser_sign_in(&http, &s.url, user, PASSWORD).await;
    let r = send(
        http.get(format!("{}{path}", s.url))
            .header("cookie", format!("sinergi_session={session}; lang=id")),
    )
    .await;
    let status = r.status();
    (status, r.text().await.expect("text"))
}

/// The exports: CSV parsed back (a formula typed into an item is not run), XLSX opened as
/// a zip with its sheet and the cell text, filtered like the list, with the right type
/// and file name; an unknown format is refused naming `format`.
#[tokio::test]
async fn exports_as_csv_and_xlsx() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let (gid, pid) = satgas(&s, &k, "=HYPERLINK(\"http://x\")").await;

    let r = send(s.get(
        &k,
        &format!("/api/v1/groups/{gid}/action-items/export?format=csv&agency=POLDA-JAMBI"),
    ))
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"action-items-{gid}.csv\"").as_str()
    );
    let text = r.text().await.expect("text");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let head: Vec<String> = rd
        .headers()
        .expect("headers")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(head[2], "what");
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1, "only the police's item");
    assert_eq!(&rows[0][2], "'=HYPERLINK(\"http://x\")");
    assert_eq!(&rows[0][3], "POLDA-JAMBI");
    assert_eq!(&rows[0][7], "yes", "overdue");
    // The JSON list is filtered alike.
    let list = ok(s.get(
        &k,
        &format!("/api/v1/groups/{gid}/action-items?status=open"),
    ))
    .await;
    assert_eq!(list["items"].as_array().expect("items").len(), 2);
    let e = problem(
        send(s.get(
            &k,
            &format!("/api/v1/groups/{gid}/action-items?status=late"),
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["status"]);

    let r = send(s.get(
        &k,
        &format!("/api/v1/groups/{gid}/action-items/export?format=xlsx"),
    ))
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"action-items-{gid}.xlsx\"").as_str()
    );
    let bytes = r.bytes().await.expect("bytes");
    let text = xlsx_text(&bytes);
    assert!(text.contains("Laporan BNNK"), "{text}");
    assert!(text.contains("=HYPERLINK"), "kept as text");

    // Meetings, the overdue table and the plan.
    let r = send(s.get(&k, &format!("/api/v1/groups/{gid}/meetings/export"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.expect("text");
    assert!(text.starts_with("id,starts_at,zone,place"), "{text}");
    assert!(text.contains("Aula"));
    let r = send(s.get(
        &k,
        &format!("/api/v1/groups/{gid}/overdue/export?format=csv"),
    ))
    .await;
    let text = r.text().await.expect("text");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], "POLDA-JAMBI");
    assert_eq!(&rows[0][1], "1");
    let r = send(s.get(&k, &format!("/api/v1/plans/{pid}/export?format=xlsx"))).await;
    assert_eq!(r.status(), StatusCode::OK);
    let text = xlsx_text(&r.bytes().await.expect("bytes"));
    assert!(text.contains("Sosialisasi di desa"), "{text}");
    let r = send(s.get(&k, &format!("/api/v1/plans/{pid}/export"))).await;
    let text = r.text().await.expect("text");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    assert_eq!(&rows[0][3], "Sosialisasi di desa");
    assert_eq!(&rows[0][11], "20", "target");
    assert_eq!(&rows[0][13], "10", "achieved %");
    assert_eq!(&rows[0][15], "yes", "behind");

    let e = problem(
        send(s.get(&k, &format!("/api/v1/plans/{pid}/export?format=pdf"))).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&e), ["format"]);
}

/// The text of an XLSX file's first sheet: its cells and the shared strings they name.
fn xlsx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut out = String::new();
    for name in ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"] {
        let mut f = zip
            .by_name(name)
            .unwrap_or_else(|_| panic!("{name} in the file"));
        f.read_to_string(&mut out).expect("read");
    }
    out
}
