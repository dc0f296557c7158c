//! Official letters (naskah dinas): their pages, API, answers and printable form.

pub(crate) mod api;
mod pdf;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "letters",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 48,
        href: "/surat",
        key: "letters",
        label: k!("nav_letters"),
        id: Some("tautan-surat"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "surat.html",
            include_str!("../../../templates/letters/surat.html"),
        ),
        (
            "surat_baru.html",
            include_str!("../../../templates/letters/surat_baru.html"),
        ),
        (
            "surat_detail.html",
            include_str!("../../../templates/letters/surat_detail.html"),
        ),
        (
            "surat_luar.html",
            include_str!("../../../templates/letters/surat_luar.html"),
        ),
        (
            "surat_format.html",
            include_str!("../../../templates/letters/surat_format.html"),
        ),
    ],
};
