//! The command line as an administrator uses it: adding agencies and users, refusing bad
//! input with a message and a non-zero exit, and exporting reports.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn sinergi(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sinergi");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn administrators_manage_agencies_and_users_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = sinergi(d, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "agency",
            "add",
            "--code",
            "POLRI",
            "--name",
            "Kepolisian Negara RI",
            "--kind",
            "police",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "agency",
            "add",
            "--code",
            "POLDA-JAMBI",
            "--name",
            "Polda Jambi",
            "--kind",
            "police",
            "--parent",
            "POLRI",
            "--jurisdiction",
            "15",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));

    // Bad input: a message naming the problem and a non-zero exit, nothing written.
    let o = sinergi(
        d,
        &[
            "agency",
            "add",
            "--code",
            "POLDA-JAMBI",
            "--name",
            "Lagi",
            "--kind",
            "police",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("already exists"), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "agency", "add", "--code", "x y", "--name", "X", "--kind", "wizards", "--parent",
            "NOPE",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("code:") && text(&o).contains("kind:"),
        "{}",
        text(&o)
    );
    let o = sinergi(
        d,
        &[
            "agency", "add", "--code", "POLRES-X", "--name", "X", "--kind", "police", "--parent",
            "NOPE",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("parent"), "{}", text(&o));

    let o = sinergi(
        d,
        &[
            "user",
            "add",
            "--username",
            "ana",
            "--agency",
            "POLDA-JAMBI",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "user",
            "add",
            "--username",
            "budi",
            "--agency",
            "POLDA-JAMBI",
            "--role",
            "king",
            "--password-stdin",
        ],
        Some("pendek\n"),
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("role:") && text(&o).contains("password:"),
        "{}",
        text(&o)
    );
    let o = sinergi(d, &["user", "list"], None);
    assert!(
        text(&o).contains("ana") && !text(&o).contains("budi"),
        "{}",
        text(&o)
    );
    let o = sinergi(d, &["agency", "list"], None);
    let listing = text(&o);
    assert_eq!(listing.lines().count(), 2, "{listing}");
}

#[test]
fn exports_stream_geojson_and_csv_and_refuse_bad_formats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    // The demo data set gives the export something to carry; `serve --demo` loads it, but
    // the export only needs the database, so load it through a short-lived server.
    let mut server = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(d)
        .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut out = server.stdout.take().expect("stdout");
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("listening on") {
        let n = std::io::Read::read(&mut out, &mut buf).expect("read");
        assert!(n > 0, "server ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    server.kill().expect("kill");
    let _ = server.wait();
    let loaded: usize = seen
        .split("users, ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the demo summary names the report count");

    let file = d.join("laporan.geojson");
    let o = sinergi(
        d,
        &[
            "export",
            "reports",
            "--format",
            "geojson",
            "--output",
            file.to_str().expect("path"),
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&file).expect("read")).expect("valid GeoJSON");
    assert_eq!(v["features"].as_array().expect("features").len(), loaded);

    let o = sinergi(
        d,
        &["export", "reports", "--format", "csv", "--region", "31"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let csv = String::from_utf8_lossy(&o.stdout).to_string();
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = rdr.records().collect::<Result<_, _>>().expect("valid CSV");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r[8].starts_with("31")),
        "only Jakarta reports"
    );

    // A field officer's view is smaller than the operator's.
    let o = sinergi(
        d,
        &[
            "export",
            "reports",
            "--format",
            "csv",
            "--as",
            "polsek.palmerah",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let mine = String::from_utf8_lossy(&o.stdout).lines().count() - 1;
    assert!(mine > 0 && mine < loaded, "{mine} of {loaded}");

    let o = sinergi(d, &["export", "reports", "--format", "xlsx"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("geojson or csv"));
    let o = sinergi(d, &["export", "reports", "--type", "alien_landing"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("type:"), "{}", text(&o));
}

#[test]
fn audit_verify_names_the_first_entry_changed_by_hand() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    for code in ["POLRI", "BNN", "BBTNKS"] {
        let o = sinergi(
            d,
            &[
                "agency", "add", "--code", code, "--name", code, "--kind", "other",
            ],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = sinergi(d, &["audit", "verify"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("intact: 3 entries"), "{}", text(&o));
    let o = sinergi(d, &["audit", "list"], None);
    assert!(text(&o).contains("agency_create"), "{}", text(&o));

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", d.join("sinergi.db").display());
        let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
        sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2")
            .execute(&pool)
            .await
            .expect("tamper");
        pool.close().await;
    });
    let o = sinergi(d, &["audit", "verify"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("broken at entry 2"), "{}", text(&o));
}

#[test]
fn an_operator_clears_a_lost_second_factor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = sinergi(
        d,
        &[
            "agency",
            "add",
            "--code",
            "BNN",
            "--name",
            "BNN",
            "--kind",
            "narcotics_agency",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "user",
            "add",
            "--username",
            "root",
            "--agency",
            "BNN",
            "--role",
            "system_admin",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(d, &["user", "reset-totp", "root"], None);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("root has no second factor"),
        "{}",
        text(&o)
    );
    let o = sinergi(d, &["user", "reset-totp", "nobody"], None);
    assert!(!o.status.success());

    // As if root had set one up on a phone that is now lost.
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let url = format!("sqlite://{}", d.join("sinergi.db").display());
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
        sqlx::query("UPDATE users SET totp_secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', totp_enabled_at = 1 WHERE username = 'root'")
            .execute(&pool)
            .await
            .expect("enrol");
        pool.close().await;
    });
    let o = sinergi(d, &["user", "list"], None);
    assert!(text(&o).contains("totp"), "{}", text(&o));
    let o = sinergi(d, &["user", "reset-totp", "root"], None);
    assert!(o.status.success(), "{}", text(&o));
    let secret: Option<String> = rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
        let v = sqlx::query_scalar("SELECT totp_secret FROM users WHERE username = 'root'")
            .fetch_one(&pool)
            .await
            .expect("read");
        pool.close().await;
        v
    });
    assert_eq!(secret, None);
    let o = sinergi(d, &["audit", "list", "--action", "totp_disable"], None);
    assert!(text(&o).contains("root"), "{}", text(&o));
}

/// A database for the checkpoint scenario: SQLite in a temporary data folder, or a fresh
/// PostgreSQL database (dropped afterwards) with the data folder still holding the key.
struct Db {
    dir: tempfile::TempDir,
    /// (server URL, database) for PostgreSQL.
    pg: Option<(String, String)>,
}

impl Db {
    fn sqlite() -> Db {
        Db {
            dir: tempfile::tempdir().expect("tempdir"),
            pg: None,
        }
    }

    fn postgres(rt: &tokio::runtime::Runtime) -> Option<Db> {
        let Ok(base) = std::env::var("SINERGI_TEST_PG_URL") else {
            eprintln!("SINERGI_TEST_PG_URL is not set: the PostgreSQL variant is not run");
            return None;
        };
        let nanos = std::time::SystemTime::UNIX_EPOCH
            .elapsed()
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let db = format!("sinergi_cli_{}_{nanos}", std::process::id());
        rt.block_on(async {
            let admin = sqlx::PgPool::connect(&base).await.expect("connect");
            sqlx::query(&format!("CREATE DATABASE {db}"))
                .execute(&admin)
                .await
                .expect("create database");
            admin.close().await;
        });
        Some(Db {
            dir: tempfile::tempdir().expect("tempdir"),
            pg: Some((base, db)),
        })
    }

    fn url(&self) -> String {
        match &self.pg {
            Some((base, db)) => match base.rsplit_once('/') {
                Some((head, _)) => format!("{head}/{db}"),
                None => panic!("SINERGI_TEST_PG_URL must end with /DATABASE"),
            },
            None => format!("sqlite://{}", self.dir.path().join("sinergi.db").display()),
        }
    }

    fn args(&self) -> Vec<String> {
        let mut a = vec![
            "--data-dir".to_string(),
            self.dir.path().display().to_string(),
        ];
        if self.pg.is_some() {
            a.push("--database-url".into());
            a.push(self.url());
        }
        a
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sinergi"))
            .args(self.args())
            .args(args)
            .env_remove("SINERGI_DATABASE_URL")
            .env_remove("SINERGI_DATA_DIR")
            .env_remove("SINERGI_AUDIT_SIGNING_KEY")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run sinergi");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("wait")
    }

    /// Runs SQL on the database directly, as a holder of the file or server could.
    async fn exec(&self, sql: &str) {
        if self.pg.is_some() {
            let pool = sqlx::PgPool::connect(&self.url()).await.expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("sql");
            pool.close().await;
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url())
                .await
                .expect("connect");
            sqlx::raw_sql(sql).execute(&pool).await.expect("sql");
            pool.close().await;
        }
    }

    fn finish(self, rt: &tokio::runtime::Runtime) {
        if let Some((base, db)) = &self.pg {
            rt.block_on(async {
                let admin = sqlx::PgPool::connect(base).await.expect("connect");
                sqlx::query(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
                    .execute(&admin)
                    .await
                    .expect("drop database");
            });
        }
    }
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", text(o));
    text(o)
}

fn fails(o: &Output) -> String {
    assert!(!o.status.success(), "expected a failure: {}", text(o));
    text(o)
}

/// Reports written through the API carry their content hash in the audit trail; the
/// server signs checkpoints at start and at shutdown. Then, as a holder of the database
/// without the key: a report edited in SQL is named by `verify --records`; an entry
/// edited with every later hash recomputed (the unkeyed algorithm), and the newest
/// entries cut off, are both named by `verify`, while the chain alone would pass.
fn checkpoints_catch_what_the_chain_alone_misses(db: &Db, rt: &tokio::runtime::Runtime) {
    ok(&db.run(
        &[
            "agency",
            "add",
            "--code",
            "BNN",
            "--name",
            "BNN",
            "--kind",
            "narcotics_agency",
        ],
        None,
    ));
    ok(&db.run(
        &[
            "user",
            "add",
            "--username",
            "petugas",
            "--agency",
            "BNN",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    ));
    let out = ok(&db.run(&["audit", "verify"], None));
    assert!(out.contains("No checkpoints yet"), "{out}");

    // Serve: report writes through the API, then a graceful stop.
    let mut server = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .args(db.args())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_AUDIT_SIGNING_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut out = server.stdout.take().expect("stdout");
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains('\n') || !seen.contains("listening on") {
        let n = std::io::Read::read(&mut out, &mut buf).expect("read");
        assert!(n > 0, "server ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    let base = seen
        .split("listening on ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("address")
        .to_string();
    let (edited_id, kept_title) = rt.block_on(async {
        let http = reqwest::Client::new();
        let token: serde_json::Value = http
            .post(format!("{base}/api/v1/auth/token"))
            .json(&serde_json::json!({"username": "petugas", "password": "kata-sandi-panjang"}))
            .send()
            .await
            .expect("sign in")
            .json()
            .await
            .expect("json");
        let token = token["token"].as_str().expect("token").to_string();
        let mut ids = Vec::new();
        for title in ["Gudang sabu", "Kurir di terminal"] {
            let r = http
                .post(format!("{base}/api/v1/reports"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [103.2378, -1.7299]},
                    "properties": {"type": "narcotics_arrest", "title": title,
                        "occurred_at": "2025-05-27T08:30:00+07:00", "sensitivity": "internal",
                        "attributes": {"substance": "methamphetamine", "weight_g": 12.5}}}))
                .send()
                .await
                .expect("create");
            assert_eq!(r.status(), reqwest::StatusCode::CREATED);
            let v: serde_json::Value = r.json().await.expect("json");
            ids.push(v["id"].as_str().expect("id").to_string());
        }
        let r = http
            .patch(format!("{base}/api/v1/reports/{}", ids[0]))
            .bearer_auth(&token)
            .header("If-Match", "\"1\"")
            .json(&serde_json::json!({"title": "Gudang sabu di Jambi", "status": "verified"}))
            .send()
            .await
            .expect("patch");
        assert_eq!(r.status(), reqwest::StatusCode::OK);
        (ids[0].clone(), "Gudang sabu di Jambi".to_string())
    });
    let term = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .expect("kill");
    assert!(term.success());
    let status = server.wait().expect("wait");
    assert!(status.success(), "graceful stop: {status}");

    // (d) A clean database verifies: the shutdown checkpoint covers the newest entry.
    let out = ok(&db.run(&["audit", "verify", "--records"], None));
    assert!(out.contains("The audit trail is intact"), "{out}");
    assert!(
        out.contains("Checkpoints: 2 checked"),
        "start and shutdown: {out}"
    );
    assert!(!out.contains("not yet signed"), "{out}");
    assert!(
        out.contains("Reports: 2 checked, 2 match their latest audited state, 0 not covered"),
        "{out}"
    );
    let o = db.run(&["audit", "public-key"], None);
    ok(&o);
    let public = String::from_utf8_lossy(&o.stdout).to_string();
    let public = public.trim();
    assert_eq!(public.len(), 64, "{public}");
    let out = ok(&db.run(&["audit", "verify", "--public-key", public], None));
    assert!(out.contains(public), "{out}");
    let out = fails(&db.run(&["audit", "verify", "--public-key", &"ab".repeat(32)], None));
    assert!(
        out.contains("not a trusted key") || out.contains("not a valid"),
        "{out}"
    );
    let out = fails(&db.run(&["audit", "verify", "--public-key", "xyz"], None));
    assert!(out.contains("--public-key"), "{out}");
    let mode = std::fs::metadata(db.dir.path().join("audit-signing.key"))
        .expect("key file")
        .permissions();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(mode.mode() & 0o777, 0o600);
    }
    #[cfg(not(unix))]
    let _ = mode;
    // Without the key file, checkpoints are checked only with a key given.
    let key = db.dir.path().join("audit-signing.key");
    let moved = db.dir.path().join("elsewhere.key");
    std::fs::rename(&key, &moved).expect("move key");
    let out = fails(&db.run(&["audit", "verify"], None));
    assert!(out.contains("there is no audit signing key"), "{out}");
    ok(&db.run(&["audit", "verify", "--public-key", public], None));
    std::fs::rename(&moved, &key).expect("key back");

    // (c) A report's title edited directly in SQL is named; the chain itself is intact.
    rt.block_on(db.exec(
        "UPDATE reports SET title = 'Tidak ada apa-apa' WHERE title = 'Gudang sabu di Jambi'",
    ));
    ok(&db.run(&["audit", "verify"], None));
    let out = fails(&db.run(&["audit", "verify", "--records"], None));
    assert!(
        out.contains(&format!(
            "report {edited_id} differs from its latest audited state"
        )),
        "{out}"
    );
    assert!(
        out.contains("1 match"),
        "the other report still matches: {out}"
    );
    rt.block_on(db.exec(&format!(
        "UPDATE reports SET title = '{kept_title}' WHERE title = 'Tidak ada apa-apa'"
    )));
    ok(&db.run(&["audit", "verify", "--records"], None));

    // (b) Entry 2 edited and every later hash recomputed: the chain verifies on its own,
    // the checkpoints do not.
    let original = rt.block_on(async {
        let store = sinergi_store::open(&db.url()).await.expect("open");
        let entries = store
            .audit_entries(&sinergi_store::AuditFilter {
                ascending: true,
                limit: 10_000,
                ..Default::default()
            })
            .await
            .expect("entries");
        drop(store);
        entries
    });
    let mut rechained = original.clone();
    rechained[1].actor = "orang-lain".into();
    let mut sql = String::new();
    for i in 1..rechained.len() {
        rechained[i].prev_hash = rechained[i - 1].hash.clone();
        rechained[i].hash = rechained[i].expected_hash();
        sql.push_str(&format!(
            "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};\n",
            rechained[i].actor, rechained[i].prev_hash, rechained[i].hash, rechained[i].seq
        ));
    }
    assert_eq!(
        sinergi_core::audit::verify(&rechained),
        Ok(original.len() as u64),
        "re-chained with the unkeyed algorithm, the chain alone passes"
    );
    rt.block_on(db.exec(&sql));
    let out = fails(&db.run(&["audit", "verify"], None));
    assert!(out.contains("The audit trail is intact"), "{out}");
    assert!(
        out.contains("the audit trail was rewritten: entry"),
        "{out}"
    );
    // A rewritten trail is not signed again.
    let out = fails(&db.run(&["audit", "checkpoint"], None));
    assert!(out.contains("no checkpoint was written"), "{out}");
    let mut restore = String::new();
    for e in &original[1..] {
        restore.push_str(&format!(
            "UPDATE audit_log SET actor = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {};\n",
            e.actor, e.prev_hash, e.hash, e.seq
        ));
    }
    rt.block_on(db.exec(&restore));
    ok(&db.run(&["audit", "verify"], None));

    // (a) The newest entries deleted: the newest checkpoint names an entry past the end.
    let end = original.len();
    rt.block_on(db.exec(&format!("DELETE FROM audit_log WHERE seq > {}", end - 2)));
    let out = fails(&db.run(&["audit", "verify"], None));
    assert!(out.contains("The audit trail is intact"), "{out}");
    assert!(
        out.contains("the audit trail was truncated: the checkpoint of")
            && out.contains(&format!(
                "signed entry {end}, but the trail now ends at entry {}",
                end - 2
            )),
        "{out}"
    );
    // Deleting the checkpoints too does not hide it: this host's witness still names
    // what it signed.
    rt.block_on(db.exec("DELETE FROM audit_checkpoints"));
    let out = fails(&db.run(&["audit", "verify"], None));
    assert!(
        out.contains("missing from the database: checkpoints were deleted")
            && out.contains("truncated"),
        "{out}"
    );
}

#[test]
fn audit_checkpoints_catch_truncation_rechaining_and_edited_reports() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = Db::sqlite();
    checkpoints_catch_what_the_chain_alone_misses(&db, &rt);
    db.finish(&rt);
}

#[test]
fn audit_checkpoints_catch_truncation_rechaining_and_edited_reports_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = Db::postgres(&rt) else { return };
    checkpoints_catch_what_the_chain_alone_misses(&db, &rt);
    db.finish(&rt);
}

/// A log that goes to a file or a journal carries no terminal colour codes.
#[test]
fn logs_to_a_pipe_have_no_colour_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = sinergi(dir.path(), &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(log.contains("INFO"), "the migration logs something: {log}");
    assert!(
        !log.contains('\u{1b}'),
        "escape codes in a piped log: {log:?}"
    );
}

/// The operator edits a user and sets a password from the command line; a temporary one
/// must be replaced at the next sign-in.
#[test]
fn operators_edit_users_and_set_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = sinergi(
        d,
        &[
            "agency", "add", "--code", "POLRI", "--name", "Polri", "--kind", "police",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "user",
            "add",
            "--username",
            "Ana",
            "--agency",
            "POLRI",
            "--role",
            "field_officer",
            "--password-stdin",
        ],
        Some("kata-sandi-awal-panjang\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Added user ana"), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "user",
            "edit",
            "ana",
            "--role",
            "coordinator",
            "--display-name",
            "Ana S.",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Ana S. (coordinator)"), "{}", text(&o));
    let o = sinergi(d, &["user", "edit", "ana", "--role", "kepala"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("role"), "{}", text(&o));
    let o = sinergi(d, &["user", "edit", "ana"], None);
    assert!(!o.status.success(), "nothing to change is an error");
    let o = sinergi(
        d,
        &["user", "passwd", "ana", "--password-stdin", "--temporary"],
        Some("pendek\n"),
    );
    assert!(!o.status.success(), "a weak password is refused");
    let o = sinergi(
        d,
        &["user", "passwd", "ana", "--password-stdin", "--temporary"],
        Some("sementara-dari-operator\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("temporary"), "{}", text(&o));
    let o = sinergi(
        d,
        &["user", "passwd", "nobody", "--password-stdin"],
        Some("sementara-dari-operator\n"),
    );
    assert!(!o.status.success());
}

#[test]
fn a_gpx_file_imported_twice_is_stored_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = sinergi(
        d,
        &[
            "agency",
            "add",
            "--code",
            "BTNBT",
            "--name",
            "Balai TN Bukit Tigapuluh",
            "--kind",
            "park_authority",
            "--jurisdiction",
            "15.08",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(
        d,
        &[
            "user",
            "add",
            "--username",
            "ranger.andi",
            "--agency",
            "BTNBT",
            "--role",
            "field_officer",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let file = d.join("patroli.gpx");
    std::fs::write(
        &file,
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n\
         <trk><name>Patroli Sungai</name><trkseg>\n\
         <trkpt lat=\"-1.600\" lon=\"103.600\"><time>2025-05-27T01:00:00Z</time></trkpt>\n\
         <trkpt lat=\"-1.600\" lon=\"103.601\"><time>2025-05-27T01:01:00Z</time></trkpt>\n\
         <trkpt lat=\"-1.601\" lon=\"103.602\"><time>2025-05-27T01:02:00Z</time></trkpt>\n\
         </trkseg></trk>\n</gpx>\n",
    )
    .expect("write");
    let path = file.to_str().expect("path");
    let o = sinergi(d, &["import", "gpx", path], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("--as USER"), "{}", text(&o));
    let o = sinergi(d, &["import", "gpx", path, "--as", "ranger.andi"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("(Patroli Sungai, new): 1 legs added, 0 already stored"),
        "{out}"
    );
    let id = out
        .split("into patrol ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .expect("the patrol id")
        .to_string();
    let o = sinergi(
        d,
        &[
            "import",
            "gpx",
            path,
            "--patrol",
            &id,
            "--as",
            "ranger.andi",
        ],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("0 legs added, 1 already stored"),
        "{}",
        text(&o)
    );
    // A point without a time refuses the file, naming its line.
    let bad = d.join("tanpa-waktu.gpx");
    std::fs::write(
        &bad,
        "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"t\">\n<trk><trkseg>\n\
         <trkpt lat=\"-1.6\" lon=\"103.6\"><time>2025-05-27T01:00:00Z</time></trkpt>\n\
         <trkpt lat=\"-1.6\" lon=\"103.7\"></trkpt>\n</trkseg></trk>\n</gpx>\n",
    )
    .expect("write");
    let o = sinergi(
        d,
        &[
            "import",
            "gpx",
            bad.to_str().expect("path"),
            "--as",
            "ranger.andi",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("line 5") && text(&o).contains("nothing was stored"),
        "{}",
        text(&o)
    );
}

/// `sinergi reminders run` sends the reminders due (none in a new database) and says how
/// many, and that without an SMTP server none is mailed; a bad `--at` is refused by name.
#[test]
fn reminders_run_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let o = sinergi(d, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(d, &["reminders", "run"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .contains("Sent 0 reminders (0 notifications, 0 mails queued); mailed 0, 0 failed."),
        "{}",
        text(&o)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("No SMTP server is set up"),
        "{}",
        text(&o)
    );
    let o = sinergi(
        d,
        &["reminders", "run", "--at", "2025-06-02T08:00:00+07:00"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = sinergi(d, &["reminders", "run", "--at", "tomorrow"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("--at"), "{}", text(&o));
}

/// A victim added from the command line is in the database's backup as ciphertext only,
/// while the case around it is there in plain; a backup never replaces a file.
fn a_backup_holds_protected_persons_as_ciphertext_only(db: &Db) {
    for args in [
        &[
            "agency",
            "add",
            "--code",
            "RES-KPH",
            "--name",
            "Polres Kapuas Hulu",
            "--kind",
            "police",
        ][..],
        &["keygen", "--agency", "RES-KPH"][..],
    ] {
        ok(&db.run(args, None));
    }
    ok(&db.run(
        &[
            "user",
            "add",
            "--username",
            "kasat",
            "--agency",
            "RES-KPH",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    ));
    let opened = db.run(
        &[
            "case",
            "open",
            "--title",
            "Penampungan pekerja migran di Nanga Badau",
            "--offence-kind",
            "trafficking",
            "--law",
            "UU 21/2007",
            "--article",
            "Pasal 4",
            "--region",
            "61.06",
            "--opened-on",
            "2026-01-05",
            "--as",
            "kasat",
            "--json",
        ],
        None,
    );
    ok(&opened);
    let case: serde_json::Value = serde_json::from_slice(&opened.stdout).expect("json");
    let id = case["id"].as_str().expect("id");
    ok(&db.run(
        &[
            "case",
            "add-person",
            id,
            "--role",
            "victim",
            "--name",
            "Maria Goreti Lusiana",
            "--identity-number",
            "6106014404040004",
            "--as",
            "kasat",
        ],
        None,
    ));
    let file = db.dir.path().join("cadangan.db");
    let file_arg = file.display().to_string();
    let said = ok(&db.run(&["backup", &file_arg], None));
    assert!(said.contains("ciphertext only"), "{said}");
    let bytes = std::fs::read(&file).expect("the backup");
    let has = |s: &str| bytes.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(has("Penampungan pekerja migran"), "the case is in the copy");
    for secret in ["Maria Goreti", "6106014404040004"] {
        assert!(!has(secret), "{secret} is in the backup");
    }
    let again = fails(&db.run(&["backup", &file_arg], None));
    assert!(again.contains("never replaces"), "{again}");
    assert_eq!(std::fs::read(&file).expect("kept"), bytes, "left as it was");
}

#[test]
fn a_backup_holds_protected_persons_as_ciphertext_only_on_sqlite() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = Db::sqlite();
    a_backup_holds_protected_persons_as_ciphertext_only(&db);
    let bytes = std::fs::read(db.dir.path().join("cadangan.db")).expect("backup");
    assert!(bytes.starts_with(b"SQLite format 3\0"), "a database file");
    db.finish(&rt);
}

#[test]
fn a_backup_holds_protected_persons_as_ciphertext_only_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(db) = Db::postgres(&rt) else { return };
    a_backup_holds_protected_persons_as_ciphertext_only(&db);
    let text = std::fs::read_to_string(db.dir.path().join("cadangan.db")).expect("backup");
    assert!(text.contains("PostgreSQL database dump"), "a pg_dump file");
    db.finish(&rt);
}

/// An XLSForm workbook with a KOTAN question and, when given, a `relevant` on row 3.
fn kotan_workbook(version: &str, relevant: &str) -> Vec<u8> {
    sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label", "relevant"],
                vec!["text", "nama", "Nama responden", ""],
                vec!["integer", "umur", "Umur", relevant],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["Kuesioner KOTAN", "kotan_cli", version],
            ],
        ),
    ])
    .expect("workbook")
}

/// A database with BNNP Jambi and its coordinator `koordinator`.
fn coordinator_of_bnnp_jambi() -> Db {
    let db = Db::sqlite();
    ok(&db.run(
        &[
            "agency",
            "add",
            "--code",
            "BNNP-JAMBI",
            "--name",
            "BNNP Jambi",
            "--kind",
            "narcotics_agency",
        ],
        None,
    ));
    ok(&db.run(
        &[
            "user",
            "add",
            "--username",
            "koordinator",
            "--agency",
            "BNNP-JAMBI",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    ));
    db
}

#[test]
fn forms_are_imported_from_the_command_line_naming_each_problem() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = coordinator_of_bnnp_jambi();
    let dir = db.dir.path();
    let good = dir.join("kotan.xlsx");
    std::fs::write(&good, kotan_workbook("2021", "")).expect("write");
    let bad = dir.join("kotan-salah.xlsx");
    std::fs::write(&bad, kotan_workbook("2022", "${tidak_ada} > 1")).expect("write");
    let path = |p: &std::path::Path| p.display().to_string();

    let said = fails(&db.run(
        &["form", "import", &path(&bad), "--as", "koordinator"],
        None,
    ));
    assert!(said.contains("survey[3].relevant:"), "{said}");
    let o = db.run(
        &[
            "form",
            "import",
            &path(&good),
            "--as",
            "koordinator",
            "--json",
        ],
        None,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["form_id"], "kotan_cli");
    assert_eq!(v["number"], 1);
    let again = fails(&db.run(
        &["form", "import", &path(&good), "--as", "koordinator"],
        None,
    ));
    assert!(again.contains("version 1 of the form already"), "{again}");
    let list = ok(&db.run(&["form", "list", "--as", "koordinator"], None));
    assert!(
        list.contains("kotan_cli") && list.contains("Kuesioner KOTAN"),
        "{list}"
    );
    let id = v["id"].as_str().expect("id");
    let shown = ok(&db.run(&["form", "show", id, "--as", "koordinator"], None));
    assert!(
        shown.contains("kotan.xlsx") && shown.contains("2021"),
        "{shown}"
    );
    let missing = fails(&db.run(
        &[
            "form",
            "show",
            "01970000-0000-7000-8000-00000000dead",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(missing.contains("not found"), "{missing}");

    // A submission sent from a file (as Briefcase saves it), listed, exported, reviewed.
    let xml = dir.join("instance.xml");
    std::fs::write(
        &xml,
        "<data id=\"kotan_cli\" version=\"2021\"><nama>Sari, Jambi</nama><umur>29</umur>\
         <meta><instanceID>uuid:cli-1</instanceID></meta></data>",
    )
    .expect("write");
    let sent = ok(&db.run(
        &["form", "submit", &path(&xml), "--as", "koordinator"],
        None,
    ));
    assert!(
        sent.contains("uuid:cli-1") && sent.contains("received"),
        "{sent}"
    );
    let again = ok(&db.run(
        &["form", "submit", &path(&xml), "--as", "koordinator"],
        None,
    ));
    assert!(again.contains("already received"), "{again}");
    let wrong = dir.join("wrong.xml");
    std::fs::write(
        &wrong,
        "<data id=\"kotan_cli\" version=\"2021\"><umur>dua</umur><meta><instanceID>uuid:cli-2</instanceID></meta></data>",
    )
    .expect("write");
    let said = fails(&db.run(
        &["form", "submit", &path(&wrong), "--as", "koordinator"],
        None,
    ));
    assert!(said.contains("umur"), "{said}");
    let o = db.run(
        &["form", "submissions", id, "--as", "koordinator", "--json"],
        None,
    );
    ok(&o);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(list["total"], 1, "the refused one is not kept");
    assert_eq!(list["submissions"][0]["data"]["nama"], "Sari, Jambi");
    let sub = list["submissions"][0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let csv = ok(&db.run(
        &["form", "submissions", id, "--as", "koordinator", "--csv"],
        None,
    ));
    let mut lines = csv.lines();
    assert!(
        lines.next().expect("header").ends_with(",nama,umur"),
        "{csv}"
    );
    assert!(
        lines.next().expect("row").ends_with(",\"Sari, Jambi\",29"),
        "{csv}"
    );
    // The same as an XLSX file: a zip whose sheet holds the answer as text.
    let xlsx = db.dir.path().join("kiriman.xlsx");
    let xlsx_path = xlsx.to_str().expect("path");
    ok(&db.run(
        &[
            "form",
            "submissions",
            id,
            "--as",
            "koordinator",
            "--xlsx",
            xlsx_path,
        ],
        None,
    ));
    let bytes = std::fs::read(&xlsx).expect("written");
    assert_eq!(&bytes[..2], b"PK", "an XLSX is a zip");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("xl/worksheets/sheet1.xml"), "one sheet");
    let said = fails(&db.run(
        &[
            "form",
            "review",
            &sub,
            "--state",
            "rejected",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(said.contains("comment"), "{said}");
    let done = ok(&db.run(
        &[
            "form",
            "review",
            &sub,
            "--state",
            "approved",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(done.contains("approved"), "{done}");
    let bad = fails(&db.run(
        &[
            "form",
            "submissions",
            id,
            "--state",
            "selesai",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(bad.contains("--state"), "{bad}");

    // A paper form: printed for a region and period, then typed in with its scan.
    let sheet = dir.join("kertas.pdf");
    let wrote = ok(&db.run(
        &[
            "form",
            "paper",
            id,
            "--out-file",
            &path(&sheet),
            "--region",
            "15.01",
            "--period",
            "2021",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(wrote.contains("kertas.pdf"), "{wrote}");
    assert!(std::fs::read(&sheet).expect("pdf").starts_with(b"%PDF-1.4"));
    let said = fails(&db.run(
        &[
            "form",
            "paper",
            id,
            "--out-file",
            &path(&sheet),
            "--period",
            "2021-Q9",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(said.contains("period"), "{said}");
    let answers = dir.join("jawaban.json");
    std::fs::write(&answers, r#"{"nama": "Dewi", "umur": 41}"#).expect("write");
    let scan = dir.join("pindaian.pdf");
    std::fs::write(&scan, b"%PDF-1.4\n% pindaian kertas\n").expect("write");
    let entered = |date: &str| {
        db.run(
            &[
                "form",
                "enter",
                id,
                "--answers",
                &path(&answers),
                "--date",
                date,
                "--scan",
                &path(&scan),
                "--instance-id",
                "uuid:kertas-cli-1",
                "--as",
                "koordinator",
                "--json",
            ],
            None,
        )
    };
    let said = fails(&entered("2021-13-01"));
    assert!(said.contains("--date"), "{said}");
    let said = fails(&entered("2099-01-01"));
    assert!(said.contains("answered_on"), "{said}");
    let o = entered("2021-08-03");
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["outcome"], "entered from paper");
    assert_eq!(v["answered_at"], "2021-08-03T05:00:00+00:00");
    let o = entered("2021-08-03");
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["outcome"], "already entered; nothing added");
    let o = db.run(
        &["form", "submissions", id, "--as", "koordinator", "--json"],
        None,
    );
    ok(&o);
    let list: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(list["total"], 2);
    assert_eq!(list["submissions"][0]["source"], "paper");
    db.finish(&rt);
}

#[test]
fn a_campaign_is_set_up_and_read_from_the_command_line() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = Db::sqlite();
    for (code, parent) in [("BNNP-JAMBI", None), ("BNNK-KERINCI", Some("BNNP-JAMBI"))] {
        let mut args = vec![
            "agency",
            "add",
            "--code",
            code,
            "--name",
            code,
            "--kind",
            "narcotics_agency",
        ];
        if let Some(p) = parent {
            args.extend(["--parent", p]);
        }
        ok(&db.run(&args, None));
    }
    ok(&db.run(
        &[
            "user",
            "add",
            "--username",
            "koordinator",
            "--agency",
            "BNNP-JAMBI",
            "--role",
            "coordinator",
            "--password-stdin",
        ],
        Some("kata-sandi-panjang\n"),
    ));
    let book = sinergi_app::forms::workbook_of(&[
        (
            "survey",
            vec![
                vec!["type", "name", "label"],
                vec!["text", "periode", "Tahun"],
            ],
        ),
        (
            "settings",
            vec![
                vec!["form_title", "form_id", "version"],
                vec!["KOTAN", "kotan_kampanye", "1"],
            ],
        ),
    ])
    .expect("workbook");
    let file = db.dir.path().join("kotan.xlsx");
    std::fs::write(&file, book).expect("write");
    let o = db.run(
        &[
            "form",
            "import",
            &file.display().to_string(),
            "--as",
            "koordinator",
            "--json",
        ],
        None,
    );
    ok(&o);
    let form: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let form = form["id"].as_str().expect("id").to_string();
    let create = |unit: &str| {
        db.run(
            &[
                "campaign",
                "create",
                "--form",
                &form,
                "--title",
                "KOTAN Jambi",
                "--from",
                "2021",
                "--to",
                "2023",
                "--unit",
                unit,
                "--as",
                "koordinator",
                "--json",
            ],
            None,
        )
    };
    let said = fails(&create("15.01=BNNK-TIDAK-ADA"));
    assert!(said.contains("units[0].agency"), "{said}");
    let said = fails(&create("15.01"));
    assert!(said.contains("REGION=AGENCY"), "{said}");
    let o = create("15.01=BNNK-KERINCI");
    ok(&o);
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let id = c["id"].as_str().expect("id").to_string();
    let list = ok(&db.run(&["campaign", "list", "--as", "koordinator"], None));
    assert!(
        list.contains("KOTAN Jambi") && list.contains("2021–2023"),
        "{list}"
    );
    let o = db.run(
        &["campaign", "show", &id, "--as", "koordinator", "--json"],
        None,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["periods"], serde_json::json!(["2021", "2022", "2023"]));
    // Nothing answered, every year past its due date: all missing, 0 %.
    assert_eq!(
        v["units"][0]["cells"],
        serde_json::json!(["missing", "missing", "missing"])
    );
    assert_eq!(v["overall"]["reporting_rate"], 0.0);
    let shown = ok(&db.run(&["campaign", "show", &id, "--as", "koordinator"], None));
    assert!(
        shown.contains("Kerinci") && shown.contains("0.0%"),
        "{shown}"
    );
    let def = db.dir.path().join("indeks.json");
    let add = |def: &std::path::Path| {
        db.run(
            &[
                "campaign",
                "add-index",
                &id,
                "--file",
                &def.display().to_string(),
                "--as",
                "koordinator",
            ],
            None,
        )
    };
    std::fs::write(
        &def,
        r#"{"name": "Indeks", "components": [{"field": "periode", "weight": 90}],
            "bands": [{"from": 0, "to": 100, "label": "Semua"}]}"#,
    )
    .expect("write");
    let said = fails(&add(&def));
    assert!(said.contains("not 100"), "{said}");
    std::fs::write(&def, "{").expect("write");
    let said = fails(&add(&def));
    assert!(said.contains("not an index definition"), "{said}");
    std::fs::write(
        &def,
        r#"{"name": "Indeks", "components": [{"field": "periode", "weight": 100}],
            "bands": [{"from": 0, "to": 100, "label": "Semua"}]}"#,
    )
    .expect("write");
    ok(&add(&def));
    let indices = ok(&db.run(&["campaign", "indices", &id, "--as", "koordinator"], None));
    assert!(
        indices.contains("Indeks") && indices.contains("MEAN"),
        "{indices}"
    );
    db.finish(&rt);
}

#[test]
fn a_forms_media_files_are_uploaded_from_the_command_line_all_or_none() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = coordinator_of_bnnp_jambi();
    let dir = db.dir.path();
    let book = dir.join("kotan.xlsx");
    std::fs::write(
        &book,
        sinergi_app::forms::workbook_of(&[
            (
                "survey",
                vec![
                    vec!["type", "name", "label", "media::image", "media::audio"],
                    vec!["text", "nama", "Nama responden", "peta.png", ""],
                    vec!["integer", "umur", "Umur", "", "suara.mp3"],
                ],
            ),
            (
                "settings",
                vec![
                    vec!["form_title", "form_id", "version"],
                    vec!["Kuesioner KOTAN", "kotan_media", "1"],
                ],
            ),
        ])
        .expect("workbook"),
    )
    .expect("write");
    let path = |p: &std::path::Path| p.display().to_string();
    let o = db.run(
        &[
            "form",
            "import",
            &path(&book),
            "--as",
            "koordinator",
            "--json",
        ],
        None,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let id = v["id"].as_str().expect("id").to_string();
    let listed = ok(&db.run(&["form", "media", &id, "--as", "koordinator"], None));
    assert!(
        listed.contains("peta.png")
            && listed.contains("suara.mp3")
            && listed.contains("not uploaded"),
        "{listed}"
    );

    let png = dir.join("peta.png");
    std::fs::write(&png, b"\x89PNG\r\n\x1a\npeta").expect("write");
    let wrong = dir.join("suara.mp3");
    std::fs::write(&wrong, b"\x89PNG\r\n\x1a\nbukan suara").expect("write");
    let unknown = dir.join("lain.png");
    std::fs::write(&unknown, b"\x89PNG\r\n\x1a\nlain").expect("write");
    // A name the form does not give, or a picture where it plays a sound: refused,
    // naming the file, and the good file before it is not stored either.
    let said = fails(&db.run(
        &[
            "form",
            "media",
            &id,
            &path(&png),
            &path(&unknown),
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(
        said.contains("lain.png") && said.contains("suara.mp3"),
        "{said}"
    );
    let said = fails(&db.run(
        &[
            "form",
            "media",
            &id,
            &path(&png),
            &path(&wrong),
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(
        said.contains("a sound") && said.contains("a picture"),
        "{said}"
    );
    let o = db.run(
        &["form", "media", &id, "--as", "koordinator", "--json"],
        None,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        v["files"]
            .as_array()
            .expect("files")
            .iter()
            .all(|f| f["uploaded"] == false),
        "{v}"
    );

    std::fs::write(&wrong, b"ID3\x04\0\0\0\0\0\0suara").expect("write");
    let said = ok(&db.run(
        &[
            "form",
            "media",
            &id,
            &path(&png),
            &path(&wrong),
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(said.contains("Uploaded peta.png (image/png"), "{said}");
    let o = db.run(
        &[
            "form",
            "media",
            &id,
            "--version",
            "1",
            "--as",
            "koordinator",
            "--json",
        ],
        None,
    );
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["files"][0]["name"], "peta.png");
    assert_eq!(v["files"][0]["content_type"], "image/png");
    assert_eq!(v["files"][1]["content_type"], "audio/mpeg");
    assert!(
        v["files"][1]["md5"].as_str().is_some_and(|m| m.len() == 32),
        "{v}"
    );
    let said = fails(&db.run(
        &[
            "form",
            "media",
            &id,
            "--version",
            "7",
            "--as",
            "koordinator",
        ],
        None,
    ));
    assert!(said.contains("not found"), "{said}");
    db.finish(&rt);
}
