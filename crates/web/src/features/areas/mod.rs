//! Area profiles: a kelurahan or desa with its needs assessment, its roadmap stage, its
//! monitoring posts and their reports, and its history — pages, API and answers (ADR 25).

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "areas",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 49,
        href: "/wilayah",
        key: "areas",
        label: k!("nav_areas"),
        id: Some("tautan-wilayah"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "wilayah_daftar.html",
            include_str!("../../../templates/areas/wilayah_daftar.html"),
        ),
        (
            "wilayah.html",
            include_str!("../../../templates/areas/wilayah.html"),
        ),
    ],
};
