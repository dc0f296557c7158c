//! Checks that the front-end packages from npm are installed before the binary embeds
//! them, and says how to install them if not.

fn main() {
    let modules = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules");
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
}
