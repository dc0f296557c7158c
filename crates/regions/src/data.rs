//! Holds the gazetteer's source data, embedded into the binary at compile time.
//!
//! This module only exposes the raw text of the shipped files; it must never
//! read files or touch the network at run time, because the whole point of the
//! crate is that a deployed server carries its own copy of the Kemendagri
//! reference data (MIT-licensed, see `data/ATTRIBUTION.md` in the repository).

/// The Kemendagri 2025 region table: one row per province, regency/city,
/// district and village, parents always before their children.
pub(crate) const REGIONS_CSV: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/wilayah_kemendagri_2025.csv"
));

/// Simplified boundaries of the 38 provinces as a GeoJSON FeatureCollection.
pub(crate) const PROVINCE_GEOJSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/indonesia_provinsi_38_simplified.geojson"
));

/// Simplified boundaries of the 514 regencies and cities.
pub(crate) const REGENCY_GEOJSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/indonesia_kabkota_514_simplified.geojson"
));

/// Simplified district boundaries, shipped only for the focus provinces
/// (13, 15, 16, 17, 18, 31 and 61) to keep the binary small.
pub(crate) const DISTRICT_GEOJSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/kecamatan_focus_provinces_simplified.geojson"
));
