//! Joint patrols: their pages, API and answers.

pub(crate) mod api;
pub(crate) mod findings;
mod found_ui;
mod report_pdf;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "patrols",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 45,
        href: "/patroli",
        key: "patrols",
        label: k!("nav_patrols"),
        id: Some("tautan-patroli"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "patroli.html",
            include_str!("../../../templates/patrols/patroli.html"),
        ),
        (
            "patroli_baru.html",
            include_str!("../../../templates/patrols/patroli_baru.html"),
        ),
        (
            "patroli_detail.html",
            include_str!("../../../templates/patrols/patroli_detail.html"),
        ),
        (
            "patroli_ringkasan.html",
            include_str!("../../../templates/patrols/patroli_ringkasan.html"),
        ),
        (
            "patroli_rekam.html",
            include_str!("../../../templates/patrols/patroli_rekam.html"),
        ),
    ],
};
