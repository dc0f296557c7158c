//! Checks that the front-end packages from npm are installed before the binary embeds
//! them, and says how to install them if not.

fn main() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/leaflet/dist");
    for f in ["leaflet.js", "leaflet.css", "images/marker-icon.png"] {
        let p = root.join(f);
        println!("cargo:rerun-if-changed={}", p.display());
        if !p.exists() {
            panic!(
                "{} is missing: run `npm ci` in the repository root first (scripts/demo and scripts/test do this)",
                p.display()
            );
        }
    }
}
