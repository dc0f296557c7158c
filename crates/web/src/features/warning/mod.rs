//! Early warning: the live alert board, alerts and their response, areas (fences),
//! rules, and wildlife with their devices.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "warning",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 40,
        href: "/peringatan",
        key: "warning",
        label: k!("nav_warning"),
        id: Some("tautan-peringatan"),
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: ui::TEMPLATES,
};
