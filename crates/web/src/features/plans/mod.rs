//! Plans: a working group's joint work plans, action plans, roadmaps and programmes, each
//! a tree of goals, programmes, activities and stages with progress against target and
//! time — pages, API and answers (ADR 23).

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::Feature;

pub(crate) const FEATURE: Feature = Feature {
    name: "plans",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[],
    back_path: ui::back_path,
    templates: &[
        (
            "rencana_daftar.html",
            include_str!("../../../templates/plans/rencana_daftar.html"),
        ),
        (
            "rencana.html",
            include_str!("../../../templates/plans/rencana.html"),
        ),
    ],
};
