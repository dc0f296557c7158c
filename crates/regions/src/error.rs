//! Describes what can be wrong with the embedded data while the gazetteer is built.
//!
//! These errors exist so that the loaders can use `?` instead of scattering
//! panics; they are turned into a single, clearly worded panic in
//! `Gazetteer::shipped`. This module must never perform I/O: the data it talks
//! about is compiled into the binary.

use thiserror::Error;

/// A defect in the embedded data, found while building the gazetteer.
///
/// Because the data ships inside the binary, any of these means the build
/// itself is broken, so callers never see this type: it only feeds the panic
/// message in `Gazetteer::shipped`.
#[derive(Debug, Error)]
pub(crate) enum LoadError {
    /// The CSV could not be tokenised or a row did not fit the expected columns.
    #[error("the region CSV is malformed: {0}")]
    Csv(#[from] csv::Error),

    /// A CSV row was well-formed but broke one of the table's invariants.
    #[error("region CSV data row {row}: {reason}")]
    BadRow {
        /// The 1-based data row (the header is not counted).
        row: usize,
        /// What exactly was wrong, in words.
        reason: String,
    },

    /// A boundary file was not the GeoJSON FeatureCollection we expect.
    #[error("{file} is not a valid FeatureCollection: {source}")]
    GeoJson {
        /// Which embedded boundary file failed.
        file: &'static str,
        /// The underlying JSON error.
        source: serde_json::Error,
    },
}
