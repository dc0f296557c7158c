//! The phone app's own pages: the outbox (`/kirim`), where what was recorded without a
//! network waits, is sent and, when an edit met a newer version, is chosen between; and
//! Kawal Desa (`/kawal-desa`), the one-screen sighting report of a village reporter.
//! Both save on the phone first (`static/outbox.js`); the manifest and the service
//! worker are the shell's (`crate::pwa`).

pub(crate) mod ui;

use sinergi_core::permission::Action;

use super::{Feature, NavEntry};
use crate::i18n::k;

pub(crate) const FEATURE: Feature = Feature {
    name: "offline",
    ui_routes: ui::routes,
    api_routes: Vec::new,
    nav: &[
        NavEntry {
            order: 25,
            href: "/kawal-desa",
            key: "kawal_desa",
            label: k!("nav_kawal_desa"),
            id: Some("tautan-kawal-desa"),
            new: false,
            needs: Some(Action::WriteReports),
        },
        NavEntry {
            order: 95,
            href: "/kirim",
            key: "outbox",
            label: k!("nav_outbox"),
            id: Some("tautan-kirim"),
            new: false,
            needs: None,
        },
    ],
    back_path: |_| None,
    templates: &[
        (
            "kirim.html",
            include_str!("../../../templates/offline/kirim.html"),
        ),
        (
            "kawal_desa.html",
            include_str!("../../../templates/offline/kawal_desa.html"),
        ),
    ],
};
