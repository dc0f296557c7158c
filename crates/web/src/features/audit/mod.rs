//! The audit trail viewer.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;
use sinergi_core::permission::Action;

pub(crate) const FEATURE: Feature = Feature {
    name: "audit",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[NavEntry {
        order: 90,
        href: "/admin/audit",
        key: "audit",
        label: k!("nav_audit"),
        id: None,
        new: false,
        needs: Some(Action::ReadAuditTrail),
    }],
    back_path: |_| None,
    templates: &[(
        "audit.html",
        include_str!("../../../templates/audit/audit.html"),
    )],
};
