//! Reports: the list, the map, one report (with its status, attachments and the referral
//! form) and the create and edit forms.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::{Feature, NavEntry};
use crate::i18n::k;
use sinergi_core::permission::Action;

pub(crate) const FEATURE: Feature = Feature {
    name: "reports",
    ui_routes: ui::routes,
    api_routes: api::routes,
    nav: &[
        NavEntry {
            order: 20,
            href: "/laporan",
            key: "reports",
            label: k!("nav_reports"),
            id: None,
            new: false,
            needs: None,
        },
        NavEntry {
            order: 30,
            href: "/peta",
            key: "map",
            label: k!("nav_map"),
            id: None,
            new: false,
            needs: None,
        },
        NavEntry {
            order: 50,
            href: "/laporan/baru",
            key: "new",
            label: k!("nav_new_report"),
            id: None,
            new: true,
            needs: Some(Action::WriteReports),
        },
    ],
    back_path: ui::back_path,
    templates: ui::TEMPLATES,
};
