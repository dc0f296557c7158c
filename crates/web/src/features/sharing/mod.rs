//! Sharing: data-sharing agreements, referrals of single reports (whose form is on the
//! report page) and emergency access.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "sharing",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 60,
        href: "/perjanjian",
        key: "agreements",
        label: k!("nav_agreements"),
        id: None,
        new: false,
        needs: None,
    }],
    back_path: ui::back_path,
    templates: ui::TEMPLATES,
};
