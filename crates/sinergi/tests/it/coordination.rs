//! Coordination from the command line, on the demo data set: every command acts as a
//! demo user (`--as`), sees what that user sees, writes through the same checks as the
//! API (naming the field and exiting non-zero on bad input), and answers a record of a
//! group the user's agency is not in exactly like one that does not exist.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn sinergi(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
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

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Standard output of a command that must succeed.
pub(crate) fn ok(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let o = sinergi(dir, args, stdin);
    assert!(
        o.status.success(),
        "{args:?} failed:\n{}{}",
        out(&o),
        err(&o)
    );
    out(&o)
}

/// Standard error of a command that must fail.
pub(crate) fn fails(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let o = sinergi(dir, args, stdin);
    assert!(
        !o.status.success(),
        "{args:?} succeeded:\n{}{}",
        out(&o),
        err(&o)
    );
    err(&o)
}

pub(crate) fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = args.to_vec();
    a.push("--json");
    serde_json::from_str(&ok(dir, &a, None)).expect("valid JSON")
}

/// Loads the demo data set through a short-lived `serve --demo`.
pub(crate) fn load_demo(dir: &Path) {
    let mut server = Command::new(env!("CARGO_BIN_EXE_sinergi"))
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
        .env_remove("SINERGI_DATABASE_URL")
        .env_remove("SINERGI_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut stdout = server.stdout.take().expect("stdout");
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while !seen.contains("listening on") {
        let n = std::io::Read::read(&mut stdout, &mut buf).expect("read");
        assert!(n > 0, "server ended early: {seen}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    server.kill().expect("kill");
    let _ = server.wait();
}

#[test]
fn coordination_from_the_command_line_as_a_demo_user() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    load_demo(d);

    // A list as a member of the Pokja: the table, and the same in JSON.
    let table = ok(d, &["group", "list", "--as", "analis.polda.jambi"], None);
    assert!(
        table.contains("Pokja Pengamanan dan Perlindungan Kawasan TNKS"),
        "{table}"
    );
    let groups = json(d, &["group", "list", "--as", "analis.polda.jambi"]);
    let groups = groups["groups"].as_array().expect("groups");
    assert_eq!(groups.len(), 1, "{groups:?}");
    let pokja = groups[0]["id"].as_str().expect("id").to_string();
    assert_eq!(groups[0]["members"].as_array().expect("members").len(), 5);
    let shown = ok(
        d,
        &["group", "show", &pokja, "--as", "koordinator.tnks"],
        None,
    );
    assert!(
        shown.contains("POLDA-BENGKULU") && shown.contains("sekretaris"),
        "{shown}"
    );

    // The joint work plan, with its progress by year; some of it behind.
    let plans = json(
        d,
        &[
            "plan",
            "list",
            "--group",
            &pokja,
            "--as",
            "analis.polda.jambi",
        ],
    );
    let plan = plans["plans"][0]["id"]
        .as_str()
        .expect("a plan")
        .to_string();
    let tree = ok(
        d,
        &["plan", "show", &plan, "--as", "analis.polda.jambi"],
        None,
    );
    for t in [
        "Pelatihan GIS bagi personil kepolisian",
        "Patroli gabungan pengamanan hutan 2019",
        "BEHIND",
    ] {
        assert!(tree.contains(t), "{t} not in\n{tree}");
    }
    let tree = json(d, &["plan", "show", &plan, "--as", "analis.polda.jambi"]);
    assert!(tree["nodes"].as_array().expect("nodes").len() > 10);

    // A meeting recorded from a JSON body on standard input, audited as the user.
    let before = json(
        d,
        &[
            "meeting",
            "list",
            "--group",
            &pokja,
            "--as",
            "koordinator.tnks",
        ],
    );
    let n = before["meetings"].as_array().expect("meetings").len();
    let body = r#"{"starts_at": "2026-01-15T09:00:00+07:00", "region": "15.72",
        "place": "Kantor Balai Besar TNKS, Sungai Penuh", "invited": ["POLDA-JAMBI"],
        "agenda": ["Evaluasi rencana kerja bersama"]}"#;
    let made = ok(
        d,
        &[
            "meeting",
            "create",
            "--group",
            &pokja,
            "--json",
            "-",
            "--as",
            "koordinator.tnks",
        ],
        Some(body),
    );
    assert!(
        made.contains("Recorded meeting") && made.contains("2026-01-15 09:00 WIB"),
        "{made}"
    );
    let after = json(
        d,
        &[
            "meeting",
            "list",
            "--group",
            &pokja,
            "--as",
            "analis.polda.jambi",
        ],
    );
    assert_eq!(after["meetings"].as_array().expect("meetings").len(), n + 1);
    let audit = ok(
        d,
        &[
            "audit",
            "list",
            "--action",
            "meeting_create",
            "--limit",
            "1",
        ],
        None,
    );
    assert!(audit.contains("koordinator.tnks"), "{audit}");

    // A group formed from a file.
    let file = d.join("pokja.json");
    std::fs::write(
        &file,
        r#"{"name": "Tim Terpadu Penanganan Konflik Harimau Kerinci", "kind": "tim_terpadu",
            "legal_basis": "Kesepakatan rapat Pokja", "members": ["POLRES-KERINCI"],
            "period_from": "2026-01-01"}"#,
    )
    .expect("write");
    let formed = ok(
        d,
        &[
            "group",
            "create",
            "--json",
            file.to_str().expect("path"),
            "--as",
            "koordinator.tnks",
        ],
        None,
    );
    assert!(
        formed.contains("Formed group") && formed.contains("POLRES-KERINCI"),
        "{formed}"
    );

    // A refused create names the field, exits non-zero and writes nothing.
    let said = fails(
        d,
        &["group", "create", "--json", "-", "--as", "koordinator.tnks"],
        Some(
            r#"{"name": "Pokja Baru", "kind": "pokja", "legal_basis": "SK", "members": ["POLDA-ATLANTIS"], "period_from": "2026-01-01"}"#,
        ),
    );
    assert!(
        said.contains("members[0]") && said.contains("POLDA-ATLANTIS"),
        "{said}"
    );
    let said = fails(
        d,
        &["group", "create", "--json", "-", "--as", "koordinator.tnks"],
        Some("{not json"),
    );
    assert!(
        said.contains("body") && said.contains("malformed JSON"),
        "{said}"
    );
    let groups = json(d, &["group", "list", "--as", "koordinator.tnks"]);
    assert_eq!(groups["groups"].as_array().expect("groups").len(), 2);
    // An analyst reads but does not form groups.
    let said = fails(
        d,
        &[
            "group",
            "create",
            "--json",
            file.to_str().expect("path"),
            "--as",
            "analis.polda.jambi",
        ],
        None,
    );
    assert!(said.contains("not allowed"), "{said}");

    // Outside the group: the same answer as for an id that does not exist.
    let nobody = "019a9a00-0000-7000-8000-00000000dead";
    for (what, id) in [("group", pokja.as_str()), ("plan", plan.as_str())] {
        let hidden = fails(
            d,
            &[what, "show", id, "--as", "koordinator.bnnp.jambi"],
            None,
        );
        let missing = fails(
            d,
            &[what, "show", nobody, "--as", "koordinator.bnnp.jambi"],
            None,
        );
        assert_eq!(hidden.replace(id, "ID"), missing.replace(nobody, "ID"));
        assert!(hidden.contains("not found"), "{hidden}");
    }
    let hidden = fails(
        d,
        &[
            "meeting",
            "list",
            "--group",
            &pokja,
            "--as",
            "koordinator.bnnp.jambi",
        ],
        None,
    );
    assert!(hidden.contains("not found"), "{hidden}");
    let outsider = json(d, &["group", "list", "--as", "koordinator.bnnp.jambi"]);
    assert!(!outsider.to_string().contains(&pokja));

    // Action items: the overdue one is Polda Jambi's; marking one done, as the
    // secretary.
    let overdue = json(
        d,
        &[
            "action-item",
            "list",
            "--group",
            &pokja,
            "--overdue",
            "--as",
            "koordinator.tnks",
        ],
    );
    let items = overdue["action_items"].as_array().expect("items");
    assert!(
        !items.is_empty() && items.iter().all(|i| i["agency"] == "POLDA-JAMBI"),
        "{items:?}"
    );
    let item = items[0]["id"].as_str().expect("id").to_string();
    let open = json(
        d,
        &[
            "action-item",
            "list",
            "--agency",
            "BBTNKS",
            "--as",
            "koordinator.tnks",
        ],
    );
    assert!(open["action_items"]
        .as_array()
        .expect("items")
        .iter()
        .all(|i| i["agency"] == "BBTNKS"));
    let said = fails(
        d,
        &["action-item", "done", &item, "--as", "analis.polda.jambi"],
        None,
    );
    assert!(said.contains("not allowed"), "{said}");
    let done = ok(
        d,
        &["action-item", "done", &item, "--as", "koordinator.tnks"],
        None,
    );
    assert!(done.contains("is now done"), "{done}");
    let said = fails(
        d,
        &[
            "action-item",
            "update",
            &item,
            "--status",
            "finished",
            "--as",
            "koordinator.tnks",
        ],
        None,
    );
    assert!(said.contains("status"), "{said}");

    // Letters: drafted, sent with the agency's number, found in the recipient's inbox.
    let drafted = ok(
        d,
        &[
            "letter",
            "create",
            "--json",
            "-",
            "--as",
            "koordinator.tnks",
        ],
        Some(
            r#"{"subject": "Jadwal patroli gabungan triwulan I", "to": ["POLDA-JAMBI"],
            "copies": ["POLRES-KERINCI"], "body": "Dengan hormat, ...", "signatory": "Kepala Balai Besar TNKS"}"#,
        ),
    );
    let letter = drafted
        .split_whitespace()
        .nth(2)
        .expect("the letter's id")
        .trim_end_matches([';', '.'])
        .to_string();
    let sent = ok(
        d,
        &["letter", "send", &letter, "--as", "koordinator.tnks"],
        None,
    );
    assert!(sent.contains("/BBTNKS"), "{sent}");
    let inbox = ok(
        d,
        &[
            "letter",
            "list",
            "--box",
            "in",
            "--as",
            "analis.polda.jambi",
        ],
        None,
    );
    assert!(
        inbox.contains("Jadwal patroli gabungan triwulan I"),
        "{inbox}"
    );
    let said = fails(
        d,
        &[
            "letter",
            "create",
            "--json",
            "-",
            "--as",
            "koordinator.tnks",
        ],
        Some(r#"{"subject": "Surat", "to": ["NOWHERE"], "body": "", "signatory": "Kepala"}"#),
    );
    assert!(said.contains("to[0]"), "{said}");
    // `--as` is required.
    let said = fails(d, &["group", "list"], None);
    assert!(said.contains("--as"), "{said}");
}
