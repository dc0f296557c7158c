//! Each user's calendar (ADR 24): the meetings of their agency's groups from 3 months back
//! to 12 months ahead and the due dates of the open items their agency owes, as RFC 5545
//! text read back with the Python `icalendar` package (`SINERGI_GPX_PYTHON`); the private
//! address issued and revoked on the account page.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::between;
use crate::harness::jambi::*;

async fn created(r: reqwest::RequestBuilder) -> Value {
    let r = r.send().await.expect("send");
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.expect("json")
}

/// The events as `icalendar` reads them, or `None` without a Python (refused under CI).
fn parsed(text: &str) -> Option<Vec<Value>> {
    let Ok(python) = std::env::var("SINERGI_GPX_PYTHON") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set SINERGI_GPX_PYTHON (a Python with gpxpy, pypdf and icalendar)"
        );
        return None;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.ics");
    std::fs::write(&path, text).expect("write");
    let script = r#"
import icalendar, json, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
out = []
for e in cal.walk('VEVENT'):
    s = e.decoded('DTSTART')
    out.append({'uid': str(e['UID']), 'summary': str(e['SUMMARY']), 'start': s.isoformat(),
        'all_day': not hasattr(s, 'hour'),
        'utc': hasattr(s, 'hour') and s.tzinfo is not None and s.utcoffset().total_seconds() == 0,
        'location': str(e.get('LOCATION', '')), 'description': str(e.get('DESCRIPTION', '')),
        'stamp': e.decoded('DTSTAMP').isoformat()})
print(json.dumps(out))
"#;
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "icalendar: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("json"))
}

/// RFC 5545's form: CRLF line ends, no line longer than 75 octets.
fn assert_well_formed(text: &str) {
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(!line.contains('\n'), "a bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
}

#[tokio::test]
async fn a_users_calendar_and_its_private_address() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let now = s.app.now();
    let rfc = |d: Duration| (now + d).format("%Y-%m-%dT%H:%M:00+07:00").to_string();
    let day = |d: Duration| (now + d).format("%Y-%m-%d").to_string();
    let g = created(s.post(&k, "/api/v1/groups").json(&json!({
        "name": "Pokja Kerinci; Seblat, Jambi", "kind": "pokja", "legal_basis": "MoU 2017",
        "members": ["POLDA-JAMBI"], "period_from": "2017-05-29",
    })))
    .await;
    let gid = g["id"].as_str().expect("id");
    let mut meetings = Vec::new();
    for (days, place) in [
        (7, "Balai Besar TNKS, Sungai Penuh"),
        (-200, "Lama"),
        (400, "Jauh"),
    ] {
        let m = created(
            s.post(&k, &format!("/api/v1/groups/{gid}/meetings")).json(&json!({
                "starts_at": rfc(Duration::days(days)), "place": place,
                "agenda": ["Pertukaran data kejahatan kehutanan dan hasil patroli gabungan untuk seluruh resor di keempat provinsi"],
            })),
        )
        .await;
        meetings.push(m["id"].as_str().expect("id").to_string());
    }
    let next = &meetings[0];
    let ours = created(
        s.post(&k, &format!("/api/v1/meetings/{next}/action-items"))
            .json(&json!({
                "what": "Pelatihan GIS untuk polisi, gelombang 1", "agency": "BNNK-BATANGHARI",
                "due": day(Duration::days(10)),
            })),
    )
    .await;
    let theirs = created(s.post(&k, &format!("/api/v1/meetings/{next}/action-items")).json(&json!({
        "what": "Pasang papan larangan", "agency": "POLDA-JAMBI", "due": day(Duration::days(12)),
    })))
    .await;
    let done = created(s.post(&k, &format!("/api/v1/meetings/{next}/action-items")).json(&json!({
        "what": "Sudah selesai", "agency": "BNNK-BATANGHARI", "due": day(Duration::days(11)),
    })))
    .await;
    let r = s
        .http
        .patch(format!(
            "{}/api/v1/action-items/{}",
            s.url,
            done["id"].as_str().expect("id")
        ))
        .bearer_auth(&k)
        .json(&json!({"status": "done"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);

    let r = s
        .get(&k, "/api/v1/me/calendar.ics")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    let text = r.text().await.expect("text");
    assert_well_formed(&text);
    assert!(
        text.contains(&format!("UID:meeting-{next}@sinergi\r\n")),
        "{text}"
    );
    assert!(text.contains("DTSTAMP:"));
    assert!(text.contains("SEQUENCE:1\r\n"), "the records' versions");
    assert!(!text.contains(&meetings[1]), "older than 3 months");
    assert!(!text.contains(&meetings[2]), "more than 12 months ahead");
    // The same calendar read twice keeps its UIDs.
    let again = s
        .get(&k, "/api/v1/me/calendar.ics")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    let uids = |t: &str| {
        t.split("\r\n")
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(uids(&text), uids(&again));
    assert_eq!(
        uids(&text).len(),
        2,
        "the next meeting and BNNK's open item"
    );

    // The police officer sees the meeting and the police's item.
    let p = s.token("polisi").await;
    let police = s
        .get(&p, "/api/v1/me/calendar.ics")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(police.contains(&format!(
        "UID:action-item-{}@sinergi",
        theirs["id"].as_str().expect("id")
    )));
    assert!(!police.contains(&format!(
        "UID:action-item-{}@sinergi",
        ours["id"].as_str().expect("id")
    )));
    // An agency outside the group has an empty calendar.
    let a = s.token("analis").await;
    let other = s
        .get(&a, "/api/v1/me/calendar.ics")
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(!other.contains("BEGIN:VEVENT"));

    if let Some(events) = parsed(&text) {
        assert_eq!(events.len(), 2, "{events:?}");
        let meeting = events
            .iter()
            .find(|e| e["all_day"] == false)
            .expect("meeting");
        assert_eq!(meeting["summary"], "Rapat · Pokja Kerinci; Seblat, Jambi");
        assert_eq!(meeting["location"], "Balai Besar TNKS, Sungai Penuh");
        assert_eq!(meeting["utc"], true, "{meeting}");
        assert!(meeting["description"]
            .as_str()
            .expect("d")
            .contains("keempat provinsi"));
        let expected_start = (now + Duration::days(7))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let start = meeting["start"].as_str().expect("start");
        let start_wib = chrono::DateTime::parse_from_rfc3339(start)
            .expect("start")
            .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("wib"))
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        assert_eq!(start_wib, expected_start);
        let due = events.iter().find(|e| e["all_day"] == true).expect("due");
        assert_eq!(due["start"], day(Duration::days(10)));
        assert_eq!(
            due["summary"],
            "Tenggat: Pelatihan GIS untuk polisi, gelombang 1"
        );
    }

    // The private address: issued on the account page, read without signing in, revoked.
    let http = crate::harness::browser();
    let session = crate::harness::browser_sign_in(&http, &s.url, "koordinator", PASSWORD).await;
    let cookie = format!("sinergi_session={session}");
    let page = http
        .get(format!("{}/akun/keamanan", s.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text");
    assert!(page.contains("id=\"form-kalender\""), "{page}");
    let csrf = between(&page, "name=\"_csrf\" value=\"", "\"")
        .expect("csrf")
        .to_string();
    let r = http
        .post(format!("{}/akun/kalender", s.url))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("text").replace("&#x2f;", "/");
    let url = between(&page, "id=\"alamat-kalender\">", "<")
        .expect("address")
        .to_string();
    let path = &url[url.find("/kalender/").expect("path")..];
    assert!(path.ends_with(".ics"), "{path}");
    let r = http
        .get(format!("{}{path}", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(uids(&r.text().await.expect("text")), uids(&text));
    // The address is not shown again.
    let page = http
        .get(format!("{}/akun/keamanan", s.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("text")
        .replace("&#x2f;", "/");
    assert!(!page.contains(path), "shown once");
    assert!(page.contains("id=\"status-kalender\""));
    let r = http
        .post(format!("{}/akun/kalender/cabut", s.url))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = http
        .get(format!("{}{path}", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "revoked");
    let r = http
        .get(format!("{}/kalender/not-a-token.ics", s.url))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "unknown");

    // Both were audited.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            ascending: true,
            limit: 500,
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"calendar_token_issue"), "{actions:?}");
    assert!(actions.contains(&"calendar_token_revoke"), "{actions:?}");
}
