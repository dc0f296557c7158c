//! The binary's configuration and logs as an operator meets them: a grouped
//! `sinergi.toml`, the flat keys of earlier versions with a deprecation note, and JSON
//! log lines, with the request id of each served request.

use std::process::{Command, Output};

fn sinergi(dir: &std::path::Path, args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sinergi"));
    cmd.current_dir(dir)
        .args(args)
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_DATA_DIR")
        .env_remove("SINERGI_LOG")
        .env_remove("SINERGI_LOG_FORMAT");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().expect("run sinergi")
}

/// With `SINERGI_LOG_FORMAT=json` every log line is one JSON object.
#[test]
fn json_log_lines_parse() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = sinergi(
        dir.path(),
        &["--data-dir", "data", "migrate"],
        &[("SINERGI_LOG_FORMAT", "json")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "the migration logs something");
    for line in lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(v["level"].is_string() && v["timestamp"].is_string(), "{v}");
        assert!(v["message"].is_string(), "{v}");
    }
}

/// A file with grouped keys is read; one with the old flat keys too, with a note naming
/// where each key goes now; an unknown key stops the start.
#[test]
fn grouped_and_old_flat_configuration_files_are_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("sinergi.toml"),
        "data_dir = \"data\"\n[operations]\nlog = \"warn\"\n[warning]\nsmtp_from = \"Balai <a@b>\"\n",
    )
    .expect("write");
    let o = sinergi(dir.path(), &["migrate"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("data/sinergi.db").exists());
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(!log.contains("INFO"), "the log filter is read: {log}");

    std::fs::write(
        dir.path().join("sinergi.toml"),
        "data_dir = \"data\"\nsmtp_from = \"Balai <a@b>\"\n",
    )
    .expect("write");
    let o = sinergi(dir.path(), &["migrate"], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(
        log.contains("`smtp_from` at the top is deprecated") && log.contains("[warning]"),
        "{log}"
    );

    std::fs::write(
        dir.path().join("sinergi.toml"),
        "[warning]\nsmtp_form = \"x\"\n",
    )
    .expect("write");
    let o = sinergi(dir.path(), &["migrate"], &[]);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("smtp_form"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A served request's log lines carry its request id, and its access line names the
/// route template, never the path or query string as sent.
#[test]
fn a_requests_log_lines_carry_its_id_and_the_access_line_its_route() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_MQTT_URL")
        .env("SINERGI_LOG_FORMAT", "json")
        .env("SINERGI_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sinergi");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(rest) = line.strip_prefix("Sinergi is listening on http://") {
            break rest.trim().trim_end_matches('/').to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    // A plain HTTP/1.1 request, so that nothing but the standard library is needed.
    let mut conn = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        conn,
        "GET /api/v1/reports/0195f3c2-0000-7000-8000-000000000000?token=rahasia HTTP/1.1\r\n\
         Host: {addr}\r\nX-Request-Id: uji-log-7\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    conn.read_to_string(&mut answer).expect("read");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("x-request-id: uji-log-7"),
        "{answer}"
    );
    assert!(answer.contains("\"request_id\":\"uji-log-7\""), "{answer}");
    let _ = child.kill();
    let _ = child.wait();
    let mut log = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut log)
        .expect("log");
    let access: Vec<serde_json::Value> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "sinergi_web::access")
        .collect();
    assert_eq!(access.len(), 1, "{log}");
    let line = &access[0];
    assert_eq!(line["route"], "/api/v1/reports/{id}", "{line}");
    assert_eq!(line["status"], 401, "{line}");
    assert_eq!(line["method"], "GET", "{line}");
    assert!(line["duration_ms"].is_number(), "{line}");
    assert_eq!(line["spans"][0]["request_id"], "uji-log-7", "{line}");
    assert!(
        !log.contains("rahasia"),
        "no query string in the log: {log}"
    );
}

/// A base-map file that cannot be read as MBTiles, or a tile URL without its
/// placeholders, stops the start with a message naming it.
#[test]
fn a_bad_base_map_stops_the_start_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("peta-kerinci.mbtiles");
    std::fs::write(&file, "not a database").expect("write");
    let path = file.display().to_string();
    let o = sinergi(
        dir.path(),
        &["--data-dir", "data", "agency", "list"],
        &[("SINERGI_BASEMAP_FILE", path.as_str())],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("peta-kerinci.mbtiles"), "{err}");

    let o = sinergi(
        dir.path(),
        &["--data-dir", "data", "agency", "list"],
        &[("SINERGI_TILE_URL", "https://tile.example.org/peta.png")],
    );
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("maps.tile_url"), "{err}");
}
