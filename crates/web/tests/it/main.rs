//! Integration tests of the HTTP edge, in one test binary with one harness and a folder per
//! domain. Every test drives a real server bound to port 0 with a fresh database, started
//! by `harness` (the API tests' agencies and users in `harness::jambi`, the demo data set
//! and its pages in `harness::demo`). A domain's folder holds its tests through the API
//! (`api.rs`) and through the pages (`pages.rs`); `warning/` splits further by what it
//! exercises and `operations/` holds the request id, access log, metrics and OpenAPI
//! document. `authorization`, `leaks` and `language` are cross-cutting: they walk every
//! route. Run one domain with `cargo test -p sinergi-web --test it reports::` (or
//! `accounts::`, `sharing::`, `audit::`, `notifications::`, `warning::`, `patrols::`, `letters::`,
//! `coordination::`, `plans::`, `ogc::`, `operations::`,
//! `authorization::`).

mod accounts;
mod areas;
mod audit;
mod authorization;
mod campaigns;
mod cases;
mod coordination;
mod dashboards;
pub(crate) mod forms;
mod harness;
mod language;
mod leaks;
mod letters;
mod maps;
mod notifications;
mod offline;
mod ogc;
mod operations;
mod patrols;
mod plans;
mod reports;
mod sharing;
mod warning;
