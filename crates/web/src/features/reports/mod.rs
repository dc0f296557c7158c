//! Reports: the list, the map, one report (with its status, attachments and the referral
//! form) and the create and edit forms.

pub(crate) mod ui;

use super::{Feature, NavEntry, Shown};
use crate::ui::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "reports",
    ui_routes: ui::routes,
    nav: &[
        NavEntry {
            order: 20,
            href: "/laporan",
            key: "reports",
            label: k!("nav_reports"),
            id: None,
            new: false,
            shown: Shown::Everyone,
        },
        NavEntry {
            order: 30,
            href: "/peta",
            key: "map",
            label: k!("nav_map"),
            id: None,
            new: false,
            shown: Shown::Everyone,
        },
        NavEntry {
            order: 50,
            href: "/laporan/baru",
            key: "new",
            label: k!("nav_new_report"),
            id: None,
            new: true,
            shown: Shown::ReportCreators,
        },
    ],
    back_path: ui::back_path,
    templates: ui::TEMPLATES,
};
