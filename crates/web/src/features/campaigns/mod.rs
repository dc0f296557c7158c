//! Monitoring campaigns: a form assigned to respondent units for a run of periods, with
//! who answered, who is late, and the reporting and on-time rates (ADR 35).

pub(crate) mod api;
pub(crate) mod map;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "campaigns",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 49,
        href: "/kampanye",
        key: "campaigns",
        label: k!("nav_campaigns"),
        id: Some("tautan-kampanye"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "kampanye_daftar.html",
            include_str!("../../../templates/campaigns/kampanye_daftar.html"),
        ),
        (
            "kampanye.html",
            include_str!("../../../templates/campaigns/kampanye.html"),
        ),
    ],
};
