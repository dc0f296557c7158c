//! Dashboards and exports of coordination (ADR 26): a working group's dashboard, what an
//! agency owes to whom, and CSV/XLSX exports of a group's action items and meetings, a
//! plan's tree and the overdue-by-agency table — pages, API and answers.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "dashboards",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 49,
        href: "/kewajiban",
        key: "obligations",
        label: k!("nav_obligations"),
        id: Some("tautan-kewajiban"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: &[
        (
            "dasbor_pokja.html",
            include_str!("../../../templates/dashboards/dasbor_pokja.html"),
        ),
        (
            "kewajiban.html",
            include_str!("../../../templates/dashboards/kewajiban.html"),
        ),
    ],
};
