//! Cases from the command line, on the demo data set: the police share one victim's
//! identity with the prosecutor on the case, who opens that one (for a purpose) and no
//! other; a share the agreement does not allow is refused naming the field; a withdrawn
//! share opens nothing.

use crate::coordination::{fails, json, load_demo, ok};

#[test]
fn a_victim_is_shared_with_the_prosecutor_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    load_demo(d);
    let police = ["--as", "kasat.reskrim.kapuashulu"];
    let list = json(d, &["case", "list", police[0], police[1]]);
    let case = list["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .find(|c| {
            c["title"]
                .as_str()
                .is_some_and(|t| t.contains("dari Kuching melalui Badau"))
        })
        .expect("the demo case")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let shown = json(
        d,
        &["case", "show", &case, "--as", "kasat.reskrim.kapuashulu"],
    );
    let victims: Vec<&serde_json::Value> = shown["persons"]
        .as_array()
        .expect("persons")
        .iter()
        .filter(|p| p["role"] == "victim")
        .collect();
    assert_eq!(victims.len(), 2);
    assert_eq!(
        victims[0]["shared_with"],
        serde_json::json!(["KEJARI-KAPUAS-HULU"])
    );
    assert_eq!(victims[1]["shared_with"], serde_json::json!([]));
    assert_eq!(
        victims[1]["may_share_with"],
        serde_json::json!(["KEJARI-KAPUAS-HULU"])
    );
    let second = victims[1]["id"].as_str().expect("id").to_string();
    let open = |who: &str| {
        vec![
            "case".to_string(),
            "open-identity".into(),
            case.clone(),
            second.clone(),
            "--purpose".into(),
            "penyusunan surat dakwaan".into(),
            "--as".into(),
            who.into(),
        ]
    };
    fn args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let refused = fails(d, &args(&open("jaksa.kejari.kapuashulu")), None);
    assert!(refused.contains("not shared"), "{refused}");

    // Only an agency on the case, named by an agreement; then shared for a purpose.
    let share = |to: &str| {
        vec![
            "case".to_string(),
            "share".into(),
            case.clone(),
            second.clone(),
            "--to".into(),
            to.into(),
            "--purpose".into(),
            "pemanggilan korban sebagai saksi".into(),
            "--as".into(),
            "kasat.reskrim.kapuashulu".into(),
        ]
    };
    let refused = fails(d, &args(&share("PLBN-BADAU")), None);
    assert!(refused.contains("agency:"), "{refused}");
    let said = ok(d, &args(&share("KEJARI-KAPUAS-HULU")), None);
    assert!(said.contains("KEJARI-KAPUAS-HULU"), "{said}");
    let mut opened = open("jaksa.kejari.kapuashulu");
    opened.push("--json".into());
    let got: serde_json::Value = serde_json::from_str(&ok(d, &args(&opened), None)).expect("json");
    assert_eq!(got["fields"]["name"], "Korban I (fiktif)");

    // Withdrawn: it opens nothing there any more; withdrawing again says so.
    let unshare = [
        "case",
        "unshare",
        &case,
        &second,
        "--from",
        "KEJARI-KAPUAS-HULU",
        "--as",
        "kasat.reskrim.kapuashulu",
    ];
    ok(d, &unshare, None);
    fails(d, &args(&open("jaksa.kejari.kapuashulu")), None);
    let again = fails(d, &unshare, None);
    assert!(again.contains("is not shared with"), "{again}");
}
