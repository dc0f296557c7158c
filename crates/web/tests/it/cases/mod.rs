//! Cases through the API and the pages: a case numbered and moved as its law allows, an
//! illegal step refused with the reason, a document number used twice refused, its SPDP
//! deadline overdue on the list; protected persons sealed in the database (the files read
//! back), opened only for a purpose by the roles the agency named (an informant only by
//! the handler), each opening audited, erased by destroying the key; transfers only under
//! an agreement, moving the case and re-wrapping its persons for the receiver's key; the
//! funnel and the victim counts; the case pages.

mod api;
mod pages;

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

pub async fn send(r: reqwest::RequestBuilder) -> reqwest::Response {
    r.send().await.expect("send")
}

pub async fn answer(r: reqwest::RequestBuilder, status: StatusCode) -> Value {
    let r = send(r).await;
    let got = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{v}");
    v
}

/// Today in Jambi (UTC+7).
#[allow(clippy::disallowed_methods)]
pub fn today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive()
}

pub fn days_ago(n: u64) -> String {
    today()
        .checked_sub_days(chrono::Days::new(n))
        .expect("date")
        .to_string()
}

/// Opens a narcotics case of BNNK Batanghari `n` days ago; answers it.
pub async fn open_case(s: &Server, token: &str, title: &str, opened_days_ago: u64) -> Value {
    answer(
        s.post(token, "/api/v1/cases").json(&json!({
            "title": title, "offence_kind": "narcotics", "offence_law": "UU 35/2009",
            "offence_article": "Pasal 114 ayat (1)", "max_penalty_years": 20,
            "region": "15.04", "opened_on": days_ago(opened_days_ago),
        })),
        StatusCode::CREATED,
    )
    .await
}

/// Records a step; answers the case's new version.
pub async fn step(
    s: &Server,
    token: &str,
    case: &Value,
    version: i64,
    stage: &str,
    number: &str,
    date: &str,
) -> i64 {
    let id = case["id"].as_str().expect("id");
    let r = send(
        s.post(token, &format!("/api/v1/cases/{id}/steps"))
            .json(&json!({
                "version": version, "stage": stage,
                "document": {"number": number, "date": date, "notes": "lengkapi keterangan saksi"},
                "verdict": if stage == "putusan" { json!("convicted") } else { Value::Null },
            })),
    )
    .await;
    let status = r.status();
    let etag = r
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').parse::<i64>().expect("etag"));
    let body: Value = r.json().await.expect("json");
    assert_eq!(status, StatusCode::CREATED, "{stage}: {body}");
    etag.expect("etag")
}

/// Makes the agency's key file, as `sinergi keygen` does.
pub fn keygen(s: &Server, agency: &str) {
    sinergi_app::cases::write_key_file(&s.app.config.case_keys_dir, agency).expect("key file");
}
