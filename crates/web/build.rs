//! Checks that the front-end packages from npm are installed before the binary embeds
//! them, and says how to install them if not; lists the message files of every domain
//! (`locales/{id,en}/<domain>.ftl`) for `i18n::FILES`.

/// The crate's folder, read when the script runs (not when it was compiled, so a target
/// folder shared or copied between checkouts finds this checkout's files).
fn manifest_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(
        std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    )
}

fn main() {
    let modules = manifest_dir().join("../../node_modules");
    for f in [
        "leaflet/dist/leaflet.js",
        "leaflet/dist/leaflet.css",
        "leaflet/dist/images/marker-icon.png",
        "leaflet.markercluster/dist/leaflet.markercluster.js",
        "leaflet.markercluster/dist/MarkerCluster.css",
        "leaflet.markercluster/dist/MarkerCluster.Default.css",
    ] {
        let p = modules.join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        if !p.exists() {
            panic!(
                "{} is missing: run `npm ci` in the repository root first (scripts/demo and scripts/test do this)",
                p.display()
            );
        }
    }
    message_files();
}

/// Writes `OUT_DIR/message_files.rs`: one `(domain, id source, en source)` per
/// `locales/id/*.ftl`, in name order; a domain missing in either language fails the build.
fn message_files() {
    let root = manifest_dir().join("locales");
    let (id, en) = (root.join("id"), root.join("en"));
    println!("cargo:rerun-if-changed={}", id.display());
    println!("cargo:rerun-if-changed={}", en.display());
    let names = |dir: &std::path::Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".ftl").map(str::to_string))
            .collect();
        v.sort();
        v
    };
    let (ids, ens) = (names(&id), names(&en));
    if ids != ens {
        panic!("locales/id and locales/en must hold the same files: {ids:?} vs {ens:?}");
    }
    let mut out = String::from("&[\n");
    for n in &ids {
        let (i, e) = (id.join(format!("{n}.ftl")), en.join(format!("{n}.ftl")));
        println!("cargo:rerun-if-changed={}", i.display());
        println!("cargo:rerun-if-changed={}", e.display());
        out.push_str(&format!(
            "    ({n:?}, include_str!({:?}), include_str!({:?})),\n",
            i.display().to_string(),
            e.display().to_string()
        ));
    }
    out.push(']');
    let dest =
        std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("message_files.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
}
