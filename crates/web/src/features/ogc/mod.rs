//! OGC API – Features at `/ogc`, for GIS clients (QGIS, GDAL's `OAPIF:` driver): the
//! landing page, the conformance classes, the collections and their items, read with an
//! API token (`Authorization: Bearer …`) or a session. Report types (one collection each),
//! patrols with their tracks, areas (fences) and subjects' tracks are served exactly as
//! the API serves them: the same use cases, the same access policy and coarsening, and
//! filters on the delivered form (ADR 9, ADR 17). GET only; no pages, no menu entry.

pub(crate) mod api;
pub(crate) mod collections;
pub(crate) mod query;

use super::Feature;

pub(crate) const FEATURE: Feature = Feature {
    name: "ogc",
    // Its routes are not under `/api/v1` (OGC clients are given the root `/ogc`), so they
    // are registered beside the pages; each carries the API's answer glue itself.
    ui_routes: api::routes,
    api_routes: Vec::new,
    nav: &[],
    back_path: no_back_path,
    templates: &[],
};

/// The OGC routes take GET only: no POST returns to them.
fn no_back_path(_: &str) -> Option<String> {
    None
}
