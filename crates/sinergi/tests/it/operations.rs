//! The binary's configuration and logs as an operator meets them: a grouped
//! `sinergi.toml`, the flat keys of earlier versions with a deprecation note, and JSON
//! log lines.

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
