//! Accounts: signing in and out (with the second factor), one's own account and its
//! security, agencies, users and the system settings.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;
use sinergi_core::permission::Action;

pub(crate) const FEATURE: Feature = Feature {
    name: "accounts",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[
        NavEntry {
            order: 70,
            href: "/admin/instansi",
            key: "agencies",
            label: k!("nav_agencies"),
            id: None,
            new: false,
            needs: Some(Action::AdministerAgencies),
        },
        NavEntry {
            order: 80,
            href: "/admin/pengguna",
            key: "users",
            label: k!("nav_users"),
            id: None,
            new: false,
            needs: Some(Action::AdministerAgencies),
        },
        NavEntry {
            order: 100,
            href: "/admin/pengaturan",
            key: "settings",
            label: k!("nav_settings"),
            id: None,
            new: false,
            needs: Some(Action::ChangeSettings),
        },
    ],
    back_path: ui::back_path,
    templates: ui::TEMPLATES,
};
