//! In-app notifications: the list, and marking them read.

pub(crate) mod api;
pub(crate) mod types;
pub(crate) mod ui;

use super::Feature;

pub(crate) const FEATURE: Feature = Feature {
    name: "notifications",
    ui_routes: ui::routes,
    api_routes: api::routes,
    // The bell in the header is the shell's: it shows the unread count on every page.
    nav: &[],
    back_path: ui::back_path,
    templates: &[(
        "notifikasi.html",
        include_str!("../../../templates/notifications/notifikasi.html"),
    )],
};
