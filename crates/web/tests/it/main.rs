//! Integration tests of the HTTP edge, in one test binary: each module drives a real
//! server bound to port 0 with a fresh database. Run one module with
//! `cargo test -p sinergi-web --test it api::` (or `warning::`, `ui::`, `authorization::`, `operations::`).
//! `harness` holds what new modules share.

mod accounts;
mod audit;
mod authorization;
mod harness;
mod language;
mod leaks;
mod notifications;
mod operations;
mod reports;
mod sharing;
mod warning;
