//! Forms from XLSForm workbooks and their versions: pages, API and answers (ADR 30,
//! ADR 33).

pub(crate) mod api;
pub(crate) mod exports;
pub(crate) mod fill;
pub(crate) mod media;
pub(crate) mod openrosa;
pub(crate) mod paper;
pub(crate) mod paper_pdf;
pub(crate) mod submissions;
pub(crate) mod submissions_ui;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "forms",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 48,
        href: "/formulir",
        key: "forms",
        label: k!("nav_forms"),
        id: Some("tautan-formulir"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "formulir_daftar.html",
            include_str!("../../../templates/forms/formulir_daftar.html"),
        ),
        (
            "formulir.html",
            include_str!("../../../templates/forms/formulir.html"),
        ),
        (
            "formulir_perangkat.html",
            include_str!("../../../templates/forms/formulir_perangkat.html"),
        ),
        (
            "formulir_kiriman.html",
            include_str!("../../../templates/forms/formulir_kiriman.html"),
        ),
        (
            "formulir_kiriman_detail.html",
            include_str!("../../../templates/forms/formulir_kiriman_detail.html"),
        ),
        (
            "formulir_isian.html",
            include_str!("../../../templates/forms/formulir_isian.html"),
        ),
        (
            "formulir_isi.html",
            include_str!("../../../templates/forms/formulir_isi.html"),
        ),
        (
            "formulir_kertas.html",
            include_str!("../../../templates/forms/formulir_kertas.html"),
        ),
    ],
};
