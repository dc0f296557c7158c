//! Cases carried to court and the people in them: pages, API and answers (ADR 27,
//! ADR 31).

pub(crate) mod api;
pub(crate) mod pdf;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "cases",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 47,
        href: "/perkara",
        key: "cases",
        label: k!("nav_cases"),
        id: Some("tautan-perkara"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "perkara_daftar.html",
            include_str!("../../../templates/cases/perkara_daftar.html"),
        ),
        (
            "perkara.html",
            include_str!("../../../templates/cases/perkara.html"),
        ),
        (
            "perkara_tenggat.html",
            include_str!("../../../templates/cases/perkara_tenggat.html"),
        ),
        (
            "perkara_corong.html",
            include_str!("../../../templates/cases/perkara_corong.html"),
        ),
        (
            "perkara_korban.html",
            include_str!("../../../templates/cases/perkara_korban.html"),
        ),
        (
            "perkara_tugas.html",
            include_str!("../../../templates/cases/perkara_tugas.html"),
        ),
        (
            "perkara_pelimpahan.html",
            include_str!("../../../templates/cases/perkara_pelimpahan.html"),
        ),
    ],
};
