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
