//! Coordination: working groups (Pokja, Satgas, Tim Terpadu), their meetings and action
//! items — pages, API and answers (ADR 21); what meetings produce: the printable minutes
//! and attendance list (`pdf`) and each user's calendar (`calendar`) (ADR 24).

pub(crate) mod api;
pub(crate) mod calendar;
pub(crate) mod pdf;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "coordination",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 47,
        href: "/pokja",
        key: "coordination",
        label: k!("nav_coordination"),
        id: Some("tautan-pokja"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "pokja.html",
            include_str!("../../../templates/coordination/pokja.html"),
        ),
        (
            "pokja_baru.html",
            include_str!("../../../templates/coordination/pokja_baru.html"),
        ),
        (
            "pokja_detail.html",
            include_str!("../../../templates/coordination/pokja_detail.html"),
        ),
        (
            "rapat.html",
            include_str!("../../../templates/coordination/rapat.html"),
        ),
    ],
};
