//! The sharing pages: agreements (`agreements.rs`, and the proposal form in
//! `agreement_form.rs`), the referral section of a report page (`referrals.rs`, routed by
//! the report pages) and emergency access (`break_glass.rs`).

pub(crate) mod agreement_form;
pub(crate) mod agreements;
pub(crate) mod break_glass;
pub(crate) mod referrals;

use axum::routing::{get, post, MethodRouter};

use crate::features::Limits;
use crate::AppState;

pub(crate) fn routes(_: &Limits) -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/perjanjian",
            get(agreements::list).post(agreement_form::create),
        ),
        ("/perjanjian/baru", get(agreement_form::new_form)),
        ("/perjanjian/{id}", get(agreements::detail)),
        (
            "/perjanjian/{id}/ubah",
            get(agreement_form::edit_form).post(agreement_form::edit),
        ),
        ("/perjanjian/{id}/usulkan", post(agreement_form::propose)),
        ("/perjanjian/{id}/dokumen", post(agreement_form::upload)),
        ("/perjanjian/{id}/setujui", post(agreements::approve)),
        ("/perjanjian/{id}/cabut", post(agreements::revoke)),
        ("/perjanjian/{id}/perbarui", post(agreement_form::renew)),
        (
            "/akses-darurat",
            get(break_glass::form).post(break_glass::open),
        ),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path == "/perjanjian" {
        return Some("/perjanjian/baru".into());
    }
    if !path.starts_with("/perjanjian/") {
        return None;
    }
    crate::features::strip_any_suffix(
        path,
        &["/setujui", "/cabut", "/usulkan", "/dokumen", "/perbarui"],
    )
    .map(str::to_string)
}

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "perjanjian_daftar.html",
        include_str!("../../../../templates/sharing/perjanjian_daftar.html"),
    ),
    (
        "perjanjian_detail.html",
        include_str!("../../../../templates/sharing/perjanjian_detail.html"),
    ),
    (
        "perjanjian_form.html",
        include_str!("../../../../templates/sharing/perjanjian_form.html"),
    ),
    (
        "akses_darurat.html",
        include_str!("../../../../templates/sharing/akses_darurat.html"),
    ),
];
