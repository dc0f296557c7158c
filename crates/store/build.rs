//! Lists the migration files (`migrations/sqlite`, `migrations/postgres`) into
//! `$OUT_DIR/migrations.rs`, so adding a migration means adding its two files. The build
//! fails when the folders disagree (a version in one and not the other, or the same
//! version under two names) or a file name is not `NNNN_name.sql`.
//!
//! A file's header may carry directives, one per line:
//! - `-- sinergi: rebuilds-table` (SQLite): the migration rebuilds a table others refer
//!   to, so it runs with foreign keys off and every reference is checked before commit;
//! - `-- sinergi: then step_name`: after the SQL, in the same transaction, the Rust step
//!   `Then::StepName` runs (see `src/migrate.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

struct File {
    version: i64,
    name: String,
    path: String,
    rebuilds_table: bool,
    then: String,
}

fn camel(step: &str) -> String {
    step.split('_')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn list(dir: &Path) -> BTreeMap<i64, File> {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut out = BTreeMap::new();
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .path();
        println!("cargo:rerun-if-changed={}", path.display());
        let file = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(stem) = file.strip_suffix(".sql") else {
            panic!(
                "{}: a migration must be named NNNN_name.sql",
                path.display()
            );
        };
        let (num, name) = stem
            .split_once('_')
            .unwrap_or_else(|| panic!("{}: expected NNNN_name.sql", path.display()));
        let version: i64 = num
            .parse()
            .unwrap_or_else(|_| panic!("{}: expected NNNN_name.sql", path.display()));
        let sql =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut rebuilds_table = false;
        let mut then = "Nothing".to_string();
        for line in sql.lines() {
            if let Some(d) = line.trim().strip_prefix("-- sinergi:") {
                match d.trim().split_once(' ') {
                    None if d.trim() == "rebuilds-table" => rebuilds_table = true,
                    Some(("then", step)) => then = camel(step.trim()),
                    _ => panic!("{}: unknown directive `{}`", path.display(), line.trim()),
                }
            }
        }
        let abs =
            std::fs::canonicalize(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let f = File {
            version,
            name: name.to_string(),
            path: abs.display().to_string(),
            rebuilds_table,
            then,
        };
        if out.insert(version, f).is_some() {
            panic!("{}: two migrations numbered {version}", dir.display());
        }
    }
    out
}

fn emit(out: &mut String, konst: &str, files: &BTreeMap<i64, File>) {
    let _ = writeln!(out, "pub const {konst}: &[Migration] = &[");
    for f in files.values() {
        let _ = writeln!(
            out,
            "    Migration {{ version: {}, name: {:?}, sql: include_str!({:?}), rebuilds_table: {}, then: Then::{} }},",
            f.version, f.name, f.path, f.rebuilds_table, f.then
        );
    }
    let _ = writeln!(out, "];");
}

fn main() {
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join("migrations");
    let sqlite = list(&root.join("sqlite"));
    let postgres = list(&root.join("postgres"));
    let names = |m: &BTreeMap<i64, File>| -> Vec<(i64, String)> {
        m.values().map(|f| (f.version, f.name.clone())).collect()
    };
    if names(&sqlite) != names(&postgres) {
        panic!(
            "migrations/sqlite and migrations/postgres must hold the same versions under the same names:\n  sqlite:   {:?}\n  postgres: {:?}",
            names(&sqlite),
            names(&postgres)
        );
    }
    for (a, b) in sqlite.values().zip(postgres.values()) {
        if a.then != b.then {
            panic!(
                "migration {}: the Rust step must be the same on both databases",
                a.version
            );
        }
    }
    let mut out = String::new();
    emit(&mut out, "SQLITE", &sqlite);
    emit(&mut out, "POSTGRES", &postgres);
    let dest = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("migrations.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
