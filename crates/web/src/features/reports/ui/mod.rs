//! The report pages: list with filters and map (`list.rs`), detail with status change,
//! attachment upload and the referral form (`detail.rs`), and the create and edit forms
//! (`form.rs`, with `values.rs` turning a form into the API's body). Each handler asks the
//! app with the signed-in actor; a report the actor may not see is a 404 like a missing one.
//!
//! These handlers must never write without a valid `_csrf` field, never build SQL or
//! decide access themselves (the `access` functions only choose which forms to show; the
//! app checks again), and never lose what the user typed when a form is refused.

pub(crate) mod detail;
pub(crate) mod form;
pub(crate) mod list;
pub(crate) mod values;

pub use form::PHOTO_FORM_BUDGET;

use std::collections::BTreeMap;

use minijinja::{context, Value};
use sinergi_core::agency::Agency;
use sinergi_core::ids::ReportId;
use sinergi_core::report_types::ReportType;
use sinergi_core::ValidationErrors;

use crate::api_common::urlencode;
use crate::i18n::{core_message, k, tr, Lang};
use crate::AppState;
use form::PHOTO_FIELD;
use values::LocalError;

pub(crate) fn routes(
    limits: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post};
    vec![
        (
            "/laporan",
            get(list::list)
                .merge(post(form::create).layer(DefaultBodyLimit::max(limits.report_form))),
        ),
        ("/laporan/baru", get(form::new_form)),
        ("/laporan/{id}", get(detail::detail)),
        ("/laporan/{id}/ubah", get(form::edit_form).post(form::edit)),
        ("/laporan/{id}/status", post(detail::change_status)),
        ("/laporan/{id}/lampiran", post(detail::upload)),
        ("/laporan/{id}/rujukan", post(detail::refer)),
        (
            "/laporan/{id}/rujukan/{referral}/cabut",
            post(detail::revoke_referral),
        ),
        ("/peta", get(list::map)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path == "/laporan" {
        return Some("/laporan/baru".into());
    }
    let rest = path.strip_prefix("/laporan/")?;
    // `/laporan/{id}/rujukan/{referral}/cabut` returns to the report.
    if let Some((id, _)) = rest.split_once("/rujukan") {
        return Some(format!("/laporan/{id}"));
    }
    crate::features::strip_any_suffix(path, &["/status", "/lampiran"]).map(str::to_string)
}

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "laporan_daftar.html",
        include_str!("../../../../templates/reports/laporan_daftar.html"),
    ),
    (
        "laporan_detail.html",
        include_str!("../../../../templates/reports/laporan_detail.html"),
    ),
    (
        "laporan_form.html",
        include_str!("../../../../templates/reports/laporan_form.html"),
    ),
    (
        "peta.html",
        include_str!("../../../../templates/reports/peta.html"),
    ),
];

// ---- shared helpers ----------------------------------------------------------------------

fn type_label(types: &[ReportType], key: &str, lang: Lang) -> String {
    types
        .iter()
        .find(|t| t.key == key)
        .map(|t| lang.pick(&t.label_id, &t.label_en).to_string())
        .unwrap_or_else(|| key.to_string())
}

fn type_options(types: &[ReportType], lang: Lang) -> Vec<Value> {
    types
        .iter()
        .map(|t| context! { key => t.key.as_str(), label => lang.pick(&t.label_id, &t.label_en) })
        .collect()
}

fn agency_options(agencies: &[Agency]) -> Vec<Value> {
    let mut sorted: Vec<&Agency> = agencies.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    sorted
        .iter()
        .map(|a| context! { code => a.code.as_str(), label => format!("{} — {}", a.code, a.name) })
        .collect()
}

fn region_name(st: &AppState, code: Option<&str>) -> String {
    code.and_then(|c| st.app.gazetteer().get(c))
        .map(|r| r.name.clone())
        .unwrap_or_default()
}

fn new_report_id(st: &AppState) -> String {
    ReportId::new_at(st.app.now(), rand::random::<[u8; 10]>()).to_string()
}

/// `k1=v1&k2=v2` with the values URL-encoded; empty values are left out.
fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn pesan_notice(lang: Lang, pesan: Option<&str>) -> Option<String> {
    let key = match pesan? {
        "dibuat" => k!("notice_created"),
        "diubah" => k!("notice_updated"),
        "status" => k!("notice_status"),
        "lampiran" => k!("notice_attachment"),
        "rujukan" => k!("notice_referred"),
        "rujukan_dicabut" => k!("notice_referral_revoked"),
        _ => return None,
    };
    Some(tr(lang, key))
}

/// Field errors of a form, by form field, plus the summary shown at the top.
struct Errors {
    lang: Lang,
    by_field: BTreeMap<String, Vec<String>>,
    /// (position of the field on the form, message with the field's label).
    summary: Vec<(u8, String)>,
}

impl Errors {
    fn new(lang: Lang) -> Self {
        Errors {
            lang,
            by_field: BTreeMap::new(),
            summary: Vec::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.summary.is_empty()
    }

    fn push(&mut self, field: String, label: String, message: String) {
        self.summary
            .push((field_rank(&field), format!("{label}: {message}")));
        self.by_field.entry(field).or_default().push(message);
    }

    /// The summary in the order the fields appear on the form.
    fn summary(&self) -> Vec<String> {
        let mut s = self.summary.clone();
        s.sort_by_key(|(rank, _)| *rank);
        s.into_iter().map(|(_, m)| m).collect()
    }

    fn local(&mut self, errs: &[LocalError], ty: Option<&ReportType>) {
        for e in errs {
            let label = field_label(self.lang, e.field, ty);
            self.push(e.field.to_string(), label, tr(self.lang, e.key));
        }
    }

    /// Adds the domain's errors, except on fields the form already explained, whose
    /// domain message would only repeat the same problem less clearly.
    fn domain(&mut self, v: &ValidationErrors, ty: Option<&ReportType>) {
        let explained: Vec<String> = self.by_field.keys().cloned().collect();
        for e in &v.errors {
            let field = values::form_field(&e.field);
            if explained.contains(&field) {
                continue;
            }
            let label = field_label(self.lang, &field, ty);
            self.push(field, label, core_message(self.lang, &e.message));
        }
    }
}

/// Where a field sits on the report form, top first, so the summary reads in order.
fn field_rank(field: &str) -> u8 {
    match field {
        "type" => 0,
        "title" => 1,
        "description" => 2,
        "occurred_at" => 3,
        "sensitivity" => 4,
        "attributes" => 5,
        f if f.starts_with("attr.") => 6,
        "location" => 7,
        "region_code" => 8,
        PHOTO_FIELD => 9,
        _ => 10,
    }
}

/// The label of a form field, for the error summary.
fn field_label(lang: Lang, field: &str, ty: Option<&ReportType>) -> String {
    if let Some(key) = field.strip_prefix("attr.") {
        return ty
            .and_then(|t| t.field(key))
            .map(|f| lang.pick(&f.label_id, &f.label_en).to_string())
            .unwrap_or_else(|| key.to_string());
    }
    let key = match field {
        "type" => k!("type"),
        "title" => k!("title"),
        "description" => k!("description"),
        "occurred_at" => k!("occurred_at"),
        "sensitivity" => k!("sensitivity"),
        "region_code" => k!("region_code"),
        "location" => k!("location"),
        "attributes" => k!("attributes"),
        "status" => k!("status"),
        "note" => k!("note"),
        PHOTO_FIELD => k!("photos"),
        other => return crate::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_encode_their_values_and_skip_empty_ones() {
        assert_eq!(
            query_string(&[("q", "jerat & kawat"), ("type", ""), ("status", "new")]),
            "q=jerat%20%26%20kawat&status=new"
        );
    }
}
