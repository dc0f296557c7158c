//! The audit trail viewer.

pub(crate) mod ui;

use super::{Feature, NavEntry, Shown};
use crate::ui::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "audit",
    ui_routes: ui::routes,
    nav: &[NavEntry {
        order: 90,
        href: "/admin/audit",
        key: "audit",
        label: k!("nav_audit"),
        id: None,
        new: false,
        shown: Shown::Admins,
    }],
    back_path: |_| None,
    templates: &[(
        "audit.html",
        include_str!("../../../templates/audit/audit.html"),
    )],
};
