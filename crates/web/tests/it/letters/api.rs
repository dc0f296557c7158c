use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::harness::jambi::*;

async fn json_of(r: reqwest::Response, status: StatusCode) -> Value {
    let got = r.status();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{v}");
    v
}

fn letter(subject: &str, nature: &str) -> Value {
    json!({"subject": subject, "signatory": "Kepala BNNK Batang Hari", "nature": nature,
        "body": "Dengan hormat,\nbersama ini kami mengundang Bapak/Ibu.",
        "to": ["POLDA-JAMBI"], "copies": ["BNN"]})
}

async fn draft(s: &Server, token: &str, body: Value) -> Value {
    json_of(
        s.post(token, "/api/v1/letters")
            .json(&body)
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await
}

async fn send(s: &Server, token: &str, id: &str, version: i64) -> reqwest::Response {
    s.post(token, &format!("/api/v1/letters/{id}/send"))
        .header("If-Match", format!("\"{version}\""))
        .send()
        .await
        .expect("send")
}

/// A letter is a draft of its agency until it is sent; sending gives it the agency's next
/// number in the agency's format and puts it in every addressee's and copy's inbox; the
/// first time someone of a recipient agency opens it, the sender sees when.
#[tokio::test]
async fn a_letter_is_numbered_when_sent_and_each_recipient_s_receipt_reaches_the_sender() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let polisi = s.token("polisi").await;

    // Bad recipients are named, each one.
    let mut bad = letter("Undangan", "biasa");
    bad["copies"] = json!(["polda-jambi"]);
    let p = problem(
        s.post(&k, "/api/v1/letters")
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["copies[0]"]);
    bad["to"] = json!(["NOPE", "BNNK-BATANGHARI"]);
    bad["copies"] = json!([]);
    bad["nature"] = json!("kilat");
    let p = problem(
        s.post(&k, "/api/v1/letters")
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["nature"]);
    bad["nature"] = json!("segera");
    let p = problem(
        s.post(&k, "/api/v1/letters")
            .json(&bad)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["to[0]", "to[1]"]);
    // A field officer does not write the agency's letters.
    let petugas = s.token("petugas").await;
    problem(
        s.post(&petugas, "/api/v1/letters")
            .json(&letter("Undangan", "biasa"))
            .send()
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;

    let d = draft(&s, &k, letter("Undangan rapat koordinasi P4GN", "segera")).await;
    let id = d["id"].as_str().expect("id").to_string();
    assert_eq!(
        (d["status"].as_str(), d["number"].as_str()),
        (Some("draft"), None)
    );
    assert_eq!(d["box"], "out");
    // A draft is its agency's only.
    let inbox = json_of(
        s.get(&polisi, "/api/v1/letters")
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(inbox["letters"], json!([]));
    problem(
        s.get(&polisi, &format!("/api/v1/letters/{id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;

    // A change needs the version read.
    let r = s
        .http
        .patch(format!("{}/api/v1/letters/{id}", s.url))
        .bearer_auth(&k)
        .header("If-Match", "\"1\"")
        .json(&json!({"subject": "Undangan rapat koordinasi P4GN Triwulan IV"}))
        .send()
        .await
        .expect("send");
    let changed = json_of(r, StatusCode::OK).await;
    assert_eq!(changed["version"], 2);
    let r = s
        .http
        .patch(format!("{}/api/v1/letters/{id}", s.url))
        .bearer_auth(&k)
        .header("If-Match", "\"1\"")
        .json(&json!({"subject": "Lain"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::PRECONDITION_FAILED).await;
    let r = s
        .post(&k, &format!("/api/v1/letters/{id}/send"))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::PRECONDITION_REQUIRED).await;
    problem(send(&s, &k, &id, 1).await, StatusCode::PRECONDITION_FAILED).await;

    let sent = json_of(send(&s, &k, &id, 2).await, StatusCode::OK).await;
    let year = s.app.now().format("%Y").to_string();
    let number = sent["number"].as_str().expect("number").to_string();
    assert!(number.starts_with("B/1/"), "{number}");
    assert!(
        number.ends_with(&format!("/{year}/BNNK-BATANGHARI")),
        "{number}"
    );
    assert_eq!(sent["status"], "sent");
    let recipients = sent["recipients"].as_array().expect("recipients");
    assert_eq!(recipients.len(), 2);
    assert!(recipients
        .iter()
        .all(|r| r["delivered_at"].is_string() && r["read_at"].is_null()));
    // Sent once: never again, and never changed.
    problem(send(&s, &k, &id, 3).await, StatusCode::CONFLICT).await;

    // In the police's inbox, with a notification; opening it is the receipt.
    let inbox = json_of(
        s.get(&polisi, "/api/v1/letters?box=in")
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(inbox["letters"][0]["id"], id.as_str());
    assert_eq!(inbox["letters"][0]["box"], "in");
    let (user, _) = s
        .app
        .store
        .user_credentials("polisi")
        .await
        .expect("read")
        .expect("user");
    let notes = s
        .app
        .store
        .notifications(user.id, true, 10)
        .await
        .expect("notes");
    assert!(notes
        .iter()
        .any(|n| n.kind == "letter" && n.record_id.as_deref() == Some(id.as_str())));
    let opened = json_of(
        s.get(&polisi, &format!("/api/v1/letters/{id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(opened["number"], number.as_str());
    let seen = json_of(
        s.get(&k, &format!("/api/v1/letters/{id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let receipt = |agency: &str| {
        seen["recipients"]
            .as_array()
            .expect("recipients")
            .iter()
            .find(|r| r["agency"] == agency)
            .map(|r| r["read_at"].clone())
            .expect("recipient")
    };
    assert!(receipt("POLDA-JAMBI").is_string());
    assert!(receipt("BNN").is_null());
    // The next letter takes the next number.
    let d2 = draft(&s, &k, letter("Laporan triwulan", "biasa")).await;
    let second = json_of(
        send(&s, &k, d2["id"].as_str().expect("id"), 1).await,
        StatusCode::OK,
    )
    .await;
    assert!(second["number"]
        .as_str()
        .expect("number")
        .starts_with("B/2/"));
    // Sending and reading are on the audit trail, the number with the sending.
    let entries = s
        .app
        .store
        .audit_entries(&sinergi_store::AuditFilter {
            record_id: Some(id.clone()),
            ascending: true,
            limit: 50,
            ..Default::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "letter_create",
            "letter_update",
            "letter_send",
            "letter_read"
        ]
    );
    assert_eq!(entries[2].detail["number"], number.as_str());

    // The printable letter, read back by an independent reader.
    let pdf = s
        .get(&k, &format!("/api/v1/letters/{id}/letter.pdf"))
        .send()
        .await
        .expect("send");
    assert_eq!(pdf.status(), StatusCode::OK);
    let pdf = pdf.bytes().await.expect("bytes");
    assert!(pdf.starts_with(b"%PDF-1.4"));
    let Ok(python) = std::env::var("SINERGI_GPX_PYTHON") else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set SINERGI_GPX_PYTHON (a Python with gpxpy and pypdf)"
        );
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("surat.pdf");
    std::fs::write(&path, &pdf).expect("write");
    let out = std::process::Command::new(&python)
        .arg("-c")
        .arg("import pypdf, sys\nr = pypdf.PdfReader(sys.argv[1], strict=True)\nprint('\\n'.join(p.extract_text() for p in r.pages))")
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "pypdf: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("text");
    for want in [
        number.as_str(),
        "Undangan rapat koordinasi P4GN Triwulan IV",
        "Kepada Yth.",
        "POLDA-JAMBI",
        "Tembusan:",
        "Kepala BNNK Batang Hari",
        "Segera",
    ] {
        assert!(text.contains(want), "{want} not in {text}");
    }
}

/// Letters sent at the same moment each take their own number: no gap, no repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn numbers_have_no_gap_and_no_repeat_when_letters_are_sent_at_once() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let mut ids = Vec::new();
    for i in 0..12 {
        let d = draft(&s, &k, letter(&format!("Surat {i}"), "biasa")).await;
        ids.push(d["id"].as_str().expect("id").to_string());
    }
    let mut tasks = Vec::new();
    for id in ids {
        let (http, url, k) = (s.http.clone(), s.url.clone(), k.clone());
        tasks.push(tokio::spawn(async move {
            let r = http
                .post(format!("{url}/api/v1/letters/{id}/send"))
                .bearer_auth(&k)
                .header("If-Match", "\"1\"")
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), StatusCode::OK);
            let v: Value = r.json().await.expect("json");
            v["number"].as_str().expect("number").to_string()
        }));
    }
    let mut seqs = Vec::new();
    for t in tasks {
        let n = t.await.expect("task");
        seqs.push(
            n.split('/')
                .nth(1)
                .expect("seq")
                .parse::<u32>()
                .expect("a number"),
        );
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=12).collect::<Vec<_>>());
}

/// A letter from outside is registered as written on it, once per sender and number; a
/// date after today is refused; its scan is attached and read back. The agency's own
/// number format is set by its administrator and checked.
#[tokio::test]
async fn letters_from_outside_are_registered_once_and_the_format_is_the_agency_s() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let body = json!({"number": "005/123/Kesbangpol/XI/2026", "sender": "Kesbangpol Kabupaten Batang Hari",
        "date": "2026-11-30", "subject": "Hasil evaluasi KOTAN", "body": "Ringkasan: ..."});
    let r = json_of(
        s.post(&k, "/api/v1/letters/incoming")
            .json(&body)
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(r["status"], "registered");
    assert_eq!(r["external_sender"], "Kesbangpol Kabupaten Batang Hari");
    let id = r["id"].as_str().expect("id").to_string();
    let mut again = body.clone();
    again["sender"] = json!("kesbangpol  kabupaten batang hari");
    let p = problem(
        s.post(&k, "/api/v1/letters/incoming")
            .json(&again)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["number"]);
    let mut later = body.clone();
    later["number"] = json!("006/123");
    later["date"] = json!("2999-01-01");
    let p = problem(
        s.post(&k, "/api/v1/letters/incoming")
            .json(&later)
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["date"]);
    // The scan.
    let png = b"\x89PNG\r\n\x1a\npindaian surat".to_vec();
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(png.clone()).file_name("pindaian.png"),
    );
    let doc = json_of(
        s.post(&k, &format!("/api/v1/letters/{id}/documents"))
            .multipart(form)
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await;
    let got = s
        .get(&k, doc["href"].as_str().expect("href"))
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(got.as_ref(), png.as_slice());
    // Only the agency that registered it has it.
    let polisi = s.token("polisi").await;
    problem(
        s.get(&polisi, &format!("/api/v1/letters/{id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;

    // The format: an administrator's choice, checked.
    let admin = s.token("admin.bnnp").await;
    let p = problem(
        s.http
            .put(format!("{}/api/v1/letter-format", s.url))
            .bearer_auth(&admin)
            .json(&json!({"format": "B/{tahun}/{hari}"}))
            .send()
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["format"]);
    let f = json_of(
        s.http
            .put(format!("{}/api/v1/letter-format", s.url))
            .bearer_auth(&admin)
            .json(&json!({"format": "{kode}.{nomor}/P4GN/{bulan}/{tahun}"}))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert!(f["example"]
        .as_str()
        .expect("example")
        .starts_with("BNNP-JAMBI.1/P4GN/"));
    problem(
        s.http
            .put(format!("{}/api/v1/letter-format", s.url))
            .bearer_auth(&k)
            .json(&json!({"format": "{nomor}"}))
            .send()
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
}

/// A received letter is passed inside the receiving agency to one of its people, who is
/// notified and marks it done; the sender never sees how it was handled, and only the
/// receiving agency disposes it, to its own people, not due in the past.
#[tokio::test]
async fn a_received_letter_is_disposed_inside_the_agency_and_the_sender_never_sees_it() {
    let s = spawn().await;
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
    let k = s.token("koordinator").await;
    let d = draft(
        &s,
        &k,
        letter("Permintaan data pengungkapan kasus", "biasa"),
    )
    .await;
    let id = d["id"].as_str().expect("id").to_string();
    json_of(send(&s, &k, &id, 1).await, StatusCode::OK).await;
    let kp = s.token("koord.polda").await;
    let path = format!("/api/v1/letters/{id}/dispositions");
    let today = s.app.now().date_naive();
    for (body, field) in [
        (
            json!({"to": "petugas", "instruction": "Siapkan data"}),
            "to",
        ),
        (json!({"to": "hantu", "instruction": "Siapkan data"}), "to"),
        (
            json!({"to": "polisi", "instruction": "Siapkan data",
            "due": (today - chrono::Duration::days(2)).to_string()}),
            "due",
        ),
        (json!({"to": "polisi", "instruction": ""}), "instruction"),
    ] {
        let p = problem(
            s.post(&kp, &path).json(&body).send().await.expect("send"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&p), [field], "{body}");
    }
    let due = (today + chrono::Duration::days(3)).to_string();
    let made = json_of(
        s.post(&kp, &path)
            .json(&json!({"to": "polisi", "instruction": "Siapkan data pengungkapan kasus 2026", "due": due}))
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (made["to"].as_str(), made["done"].as_bool()),
        (Some("polisi"), Some(false))
    );
    // The sender neither sees nor makes dispositions of the letter it sent.
    let theirs = json_of(s.get(&k, &path).send().await.expect("send"), StatusCode::OK).await;
    assert_eq!(theirs["dispositions"], json!([]));
    problem(
        s.post(&k, &path)
            .json(&json!({"to": "petugas", "instruction": "x"}))
            .send()
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    // The person has it, with a notification, and marks it done.
    let polisi = s.token("polisi").await;
    let mine = json_of(
        s.get(&polisi, "/api/v1/dispositions")
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        mine["dispositions"][0]["letter_subject"],
        "Permintaan data pengungkapan kasus"
    );
    let (user, _) = s
        .app
        .store
        .user_credentials("polisi")
        .await
        .expect("read")
        .expect("user");
    let notes = s
        .app
        .store
        .notifications(user.id, true, 10)
        .await
        .expect("notes");
    assert!(notes.iter().any(|n| n.kind == "disposition"));
    let did = made["id"].as_str().expect("id");
    let r = s
        .http
        .patch(format!("{}/api/v1/dispositions/{did}", s.url))
        .bearer_auth(&polisi)
        .header("If-Match", "\"1\"")
        .json(&json!({"status": "done", "note": "Data dikirim lewat surat balasan"}))
        .send()
        .await
        .expect("send");
    let done = json_of(r, StatusCode::OK).await;
    assert_eq!(
        (done["done"].as_bool(), done["version"].as_i64()),
        (Some(true), Some(2))
    );
    assert!(done["done_at"].is_string());
    // Another agency cannot touch it.
    let r = s
        .http
        .patch(format!("{}/api/v1/dispositions/{did}", s.url))
        .bearer_auth(&k)
        .json(&json!({"status": "open"}))
        .send()
        .await
        .expect("send");
    problem(r, StatusCode::NOT_FOUND).await;
}

/// An agency passes a letter it holds up its reporting line (ADR 28): to its parent, or to
/// the superior its administrators set; the superior receives it once, with who passed it
/// on and why, and a reporting line never loops.
#[tokio::test]
async fn a_letter_is_forwarded_up_the_reporting_line_once() {
    let s = spawn().await;
    let k = s.token("koordinator").await;
    let admin = s.token("admin.bnnp").await;
    let mut body = letter("Laporan hasil rapat koordinasi", "biasa");
    body["copies"] = json!([]);
    let d = draft(&s, &k, body).await;
    let id = d["id"].as_str().expect("id").to_string();
    let fwd = |token: &str, body: Value| {
        s.post(token, &format!("/api/v1/letters/{id}/forward"))
            .json(&body)
            .send()
    };
    // A draft is not passed on.
    problem(
        fwd(&k, json!({"note": "Mohon arahan"}))
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    let sent = json_of(send(&s, &k, &id, 1).await, StatusCode::OK).await;
    assert_eq!(sent["status"], "sent");

    // The note is required, and nothing else is taken.
    let p = problem(
        fwd(&k, json!({"note": "  ", "to": "BNN"}))
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["note", "to"]);
    // A field officer does not forward the agency's letters.
    let petugas = s.token("petugas").await;
    problem(
        fwd(&petugas, json!({"note": "Mohon arahan"}))
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;

    // BNNK reports to its parent, BNNP Jambi.
    let v = json_of(
        fwd(&k, json!({"note": "Mohon arahan Kepala BNNP"}))
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let last = v["recipients"]
        .as_array()
        .and_then(|r| r.last())
        .cloned()
        .expect("recipient");
    assert_eq!(last["agency"], "BNNP-JAMBI");
    assert_eq!(last["role"], "forwarded");
    assert_eq!(last["forwarded_from"], "BNNK-BATANGHARI");
    assert_eq!(last["forward_note"], "Mohon arahan Kepala BNNP");
    assert!(last["delivered_at"].is_string());
    assert!(last["read_at"].is_null());
    // Once: BNNP already has it.
    problem(
        fwd(&k, json!({"note": "Sekali lagi"})).await.expect("send"),
        StatusCode::CONFLICT,
    )
    .await;
    // BNNP opens it (its read receipt) and passes it on to BNN, its parent.
    let opened = json_of(
        s.get(&admin, &format!("/api/v1/letters/{id}"))
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(opened["box"], "in");
    let v = json_of(
        fwd(&admin, json!({"note": "Untuk diketahui Kepala BNN"}))
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let roles: Vec<(String, String)> = v["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .map(|r| {
            (
                r["agency"].as_str().unwrap_or_default().to_string(),
                r["role"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(
        roles.contains(&("BNN".into(), "forwarded".into())),
        "{roles:?}"
    );
    assert!(
        v["recipients"]
            .as_array()
            .expect("recipients")
            .iter()
            .any(|r| r["agency"] == "BNNP-JAMBI" && r["read_at"].is_string()),
        "BNNP's receipt: {v}"
    );

    // Reporting lines: BNNK to its parent by default; a loop is refused, naming the field.
    let line = json_of(
        s.get(&k, "/api/v1/agencies/BNNK-BATANGHARI/reporting-line")
            .send()
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    let codes = |v: &Value| -> Vec<String> {
        v["chain"]
            .as_array()
            .expect("chain")
            .iter()
            .map(|a| a["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(codes(&line), ["BNNP-JAMBI", "BNN"]);
    assert_eq!(line["set_apart_from_parent"], false);
    let put = |token: &str, code: &str, body: Value| {
        s.put(token, &format!("/api/v1/agencies/{code}/reporting-line"))
            .json(&body)
            .send()
    };
    let p = problem(
        put(&admin, "BNNP-JAMBI", json!({"superior": "BNNK-BATANGHARI"}))
            .await
            .expect("send"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_eq!(fields(&p), ["superior"]);
    for bad in [
        json!({"superior": "BNNP-JAMBI"}),
        json!({"superior": "NOPE"}),
        json!({}),
    ] {
        let p = problem(
            put(&admin, "BNNP-JAMBI", bad).await.expect("send"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
        assert_eq!(fields(&p), ["superior"]);
    }
    // Only the agency's administrators set it.
    problem(
        put(&k, "BNNK-BATANGHARI", json!({"superior": "POLDA-JAMBI"}))
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        put(&admin, "POLDA-JAMBI", json!({"superior": "BNN"}))
            .await
            .expect("send"),
        StatusCode::FORBIDDEN,
    )
    .await;
    problem(
        put(&admin, "NOPE", json!({"superior": "BNN"}))
            .await
            .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;
    let line = json_of(
        put(
            &admin,
            "BNNK-BATANGHARI",
            json!({"superior": "POLDA-JAMBI"}),
        )
        .await
        .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(codes(&line), ["POLDA-JAMBI"]);
    assert_eq!(line["set_apart_from_parent"], true);
    let line = json_of(
        put(&admin, "BNNK-BATANGHARI", json!({"superior": null}))
            .await
            .expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(codes(&line), ["BNNP-JAMBI", "BNN"]);

    // The e-mail of a user one administers; another's is answered as missing.
    let r = s
        .put(&admin, "/api/v1/users/koordinator/email")
        .json(&json!({"email": "koordinator@bnnk.example.id"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    let mine = json_of(
        s.get(&k, "/api/v1/me/email").send().await.expect("send"),
        StatusCode::OK,
    )
    .await;
    assert_eq!(mine["email"], "koordinator@bnnk.example.id");
    assert_eq!(mine["mail_enabled"], false);
    problem(
        s.put(&k, "/api/v1/users/admin.bnnp/email")
            .json(&json!({"email": "x@bnnp.example.id"}))
            .send()
            .await
            .expect("send"),
        StatusCode::NOT_FOUND,
    )
    .await;
}

/// A disposition with a due date is an action item of one person (ADR 28): "due soon" is
/// sent to them once, "overdue" to them and to whoever made it, and a disposition done is
/// not reminded.
#[tokio::test]
async fn a_disposition_is_reminded_before_and_after_its_due_date() {
    let s = spawn().await;
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
    let k = s.token("koordinator").await;
    let d = draft(
        &s,
        &k,
        letter("Permintaan data pengungkapan kasus", "biasa"),
    )
    .await;
    let id = d["id"].as_str().expect("id").to_string();
    json_of(send(&s, &k, &id, 1).await, StatusCode::OK).await;
    let kp = s.token("koord.polda").await;
    let polisi = s.token("polisi").await;
    let now = s.app.now();
    let due = now.date_naive() + chrono::Duration::days(3);
    let made = json_of(
        s.post(&kp, &format!("/api/v1/letters/{id}/dispositions"))
            .json(&json!({"to": "polisi", "instruction": "Siapkan data pengungkapan kasus", "due": due.to_string()}))
            .send()
            .await
            .expect("send"),
        StatusCode::CREATED,
    )
    .await;
    let kinds = |v: Value| -> Vec<String> {
        v["notifications"]
            .as_array()
            .expect("notifications")
            .iter()
            .filter_map(|n| n["kind"].as_str())
            .filter(|k| k.starts_with("disposition_"))
            .map(String::from)
            .collect()
    };
    let notes = |token: String| {
        let s = &s;
        async move {
            json_of(
                s.get(&token, "/api/v1/notifications")
                    .send()
                    .await
                    .expect("send"),
                StatusCode::OK,
            )
            .await
        }
    };
    let sent = s.app.run_reminders(now).await.expect("run");
    assert_eq!(
        (sent.reminders, sent.notifications),
        (1, 1),
        "due soon, to the person"
    );
    assert_eq!(kinds(notes(polisi.clone()).await), ["disposition_due_soon"]);
    assert!(kinds(notes(kp.clone()).await).is_empty());
    assert_eq!(s.app.run_reminders(now).await.expect("again").reminders, 0);

    let late = now + chrono::Duration::days(5);
    let sent = s.app.run_reminders(late).await.expect("run");
    assert_eq!(
        (sent.reminders, sent.notifications),
        (1, 2),
        "overdue, to both"
    );
    assert_eq!(kinds(notes(kp.clone()).await), ["disposition_overdue"]);
    let page = notes(polisi.clone()).await;
    assert!(
        page["notifications"][0]["text"]
            .as_str()
            .is_none_or(|t| !t.is_empty()),
        "{page}"
    );

    // Done: nothing more is sent about it, however late.
    let r = s
        .http
        .patch(format!(
            "{}/api/v1/dispositions/{}",
            s.url,
            made["id"].as_str().expect("id")
        ))
        .bearer_auth(&polisi)
        .header("If-Match", format!("\"{}\"", made["version"]))
        .json(&json!({"status": "done", "note": "Data dikirim"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        s.app
            .run_reminders(late + chrono::Duration::days(10))
            .await
            .expect("run")
            .reminders,
        0
    );
}
