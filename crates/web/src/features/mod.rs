//! The domains of Sinergi's web edge, one folder each: `accounts` (sign-in, sessions,
//! second factor, account pages, users, agencies, settings), `reports`, `sharing`
//! (agreements, referrals, emergency access), `audit`, `warning` (early warning),
//! `patrols` (joint patrols), `letters` (official letters), `plans` (a group's plans and
//! their trees), `areas` (area profiles), `coordination` (working groups, meetings, action items), `notifications`, `ogc` (OGC API – Features at `/ogc`,
//! routed beside the pages) and `offline` (the phone app's outbox and Kawal Desa pages).
//! A domain's folder holds its pages
//! (`ui.rs` or `ui/`) and templates
//! (`templates/<domain>/`), its API handlers (`api.rs`) and the requests and answers they
//! exchange (`types.rs`); it makes itself known through one [`Feature`] value, listed
//! once in [`ALL`]. The shell (`crate::ui`: layout, session, language, home) builds the
//! router, the API route table, the navigation and the language switch's return path from that list and knows
//! no domain by name.

/// Declares each domain's module and lists its `FEATURE` in [`ALL`]. A new domain adds
/// its name here, once.
macro_rules! domains {
    ($($domain:ident),* $(,)?) => {
        $(pub(crate) mod $domain;)*

        /// Every domain, in the order their navigation entries and return-path rules are
        /// asked.
        pub(crate) const ALL: &[Feature] = &[$($domain::FEATURE),*];
    };
}

domains!(
    accounts,
    reports,
    sharing,
    audit,
    warning,
    patrols,
    letters,
    plans,
    areas,
    cases,
    forms,
    campaigns,
    coordination,
    dashboards,
    notifications,
    ogc,
    offline
);

use axum::routing::MethodRouter;
use axum::Router;
use sinergi_core::permission::Action;

use crate::api_common::ApiRoute;
use crate::AppState;

/// Body limits that some routes need beyond the router's own.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The new-report form, which carries its photos.
    pub report_form: usize,
}

/// Routes as (path, handlers by method).
pub(crate) type Routes = Vec<(&'static str, MethodRouter<AppState>)>;

/// What one domain adds to the web edge. New parts (API routes, OpenAPI paths) are new
/// fields here, filled in by each domain's `FEATURE`.
pub(crate) struct Feature {
    /// The domain's name, as its folder is called (checked unique by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub name: &'static str,
    /// The domain's pages: (path, handlers by method), and any other routes outside
    /// `/api/v1` (the OGC API's `/ogc`, which add the API's answer glue themselves). Two
    /// domains never route the same path.
    pub ui_routes: fn(&Limits) -> Routes,
    /// The domain's API routes, relative to `/api/v1`, each with its OpenAPI
    /// description.
    pub api_routes: fn() -> Vec<ApiRoute>,
    /// The domain's entries in the main menu.
    pub nav: &'static [NavEntry],
    /// The GET page a POST to one of the domain's paths belongs to (for the language
    /// switch after a failed submission); `None` when the path is not the domain's or
    /// its page is the path itself.
    pub back_path: fn(&str) -> Option<String>,
    /// The domain's templates, by name (names are unique across domains).
    pub templates: &'static [(&'static str, &'static str)],
}

/// One entry of the main menu.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NavEntry {
    /// Where the entry stands in the menu (smaller first), across domains.
    pub order: u16,
    pub href: &'static str,
    /// The `nav` value of the pages that mark this entry as current.
    pub key: &'static str,
    /// The dictionary key of the entry's text.
    pub label: &'static str,
    /// An `id` attribute the scripts and tests find the entry by.
    pub id: Option<&'static str>,
    /// Shown as the "new …" button rather than a plain link.
    pub new: bool,
    /// What the visitor's role must be allowed to see the entry (none: everyone). Only
    /// a choice of what to show: every page checks again.
    pub needs: Option<Action>,
}

/// The templates of every domain.
pub(crate) fn templates() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    ALL.iter().flat_map(|f| f.templates.iter())
}

/// The pages of every domain, as one router.
pub(crate) fn ui_routes(limits: &Limits) -> Router<AppState> {
    ALL.iter()
        .flat_map(|f| (f.ui_routes)(limits))
        .fold(Router::new(), |r, (path, handlers)| r.route(path, handlers))
}

/// The paths of every domain's pages.
pub(crate) fn ui_paths() -> Vec<&'static str> {
    let limits = Limits { report_form: 0 };
    ALL.iter()
        .flat_map(|f| (f.ui_routes)(&limits))
        .map(|(path, _)| path)
        .collect()
}

/// Every domain's API routes, relative to `/api/v1`.
pub(crate) fn api_routes() -> Vec<ApiRoute> {
    ALL.iter().flat_map(|f| (f.api_routes)()).collect()
}

/// The first domain rule for the return path of a POST to `path`.
pub(crate) fn back_path(path: &str) -> Option<String> {
    ALL.iter().find_map(|f| (f.back_path)(path))
}

/// Every navigation entry, in menu order.
pub(crate) fn nav() -> Vec<&'static NavEntry> {
    let mut v: Vec<&NavEntry> = ALL.iter().flat_map(|f| f.nav.iter()).collect();
    v.extend(crate::ui::NAV.iter());
    v.sort_by_key(|e| e.order);
    v
}

/// `path` without the first of `suffixes` it ends with.
pub(crate) fn strip_any_suffix<'a>(path: &'a str, suffixes: &[&str]) -> Option<&'a str> {
    suffixes.iter().find_map(|s| path.strip_suffix(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keys_and_templates_are_unique() {
        let mut names = std::collections::HashSet::new();
        for f in ALL {
            assert!(names.insert(f.name), "two domains are called {}", f.name);
        }
        let mut keys = std::collections::HashSet::new();
        for e in nav() {
            assert!(keys.insert(e.key), "two menu entries use {}", e.key);
        }
        let mut seen = std::collections::HashSet::new();
        for (name, _) in crate::ui::render::all_templates() {
            assert!(seen.insert(*name), "two templates are called {name}");
        }
    }
}
