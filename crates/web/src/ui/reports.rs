//! The report pages: list with filters, map, detail (with status change and attachment
//! upload), and the create and edit forms. Each handler asks the app with the signed-in
//! actor; a report the actor may not see is a 404 like a missing one.
//!
//! These handlers must never write without a valid `_csrf` field, never build SQL or
//! decide access themselves (the `access` functions only choose which forms to show; the
//! app checks again), and never lose what the user typed when a form is refused.

use std::collections::{BTreeMap, HashMap};

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::access;
use sinergi_core::agency::Agency;
use sinergi_core::ids::{AgencyId, ReportId};
use sinergi_core::query::{Cursor, RawReportQuery};
use sinergi_core::report::{NewReport, Report, ReportPatch, Sensitivity, Status};
use sinergi_core::report_types::{FieldKind, ReportType};
use sinergi_core::sharing::{cell_bounds, Form as Delivered, Precision};
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;
use sinergi_regions::Level;

use super::emergency;
use super::forms::{self, LocalError, ReportValues};
use super::i18n::{core_message, k, tr, Lang};
use super::render::{csrf_page, json_for_script, page_ctx, render};
use super::sharing;
use super::{
    bad_form, report_zone, sensitivity_label, show_time, status_label, status_options, FormData,
    Page, UNPROCESSABLE,
};
use crate::api::urlencode;
use crate::AppState;

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
            let field = forms::form_field(&e.field);
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
        other => return super::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

// ---- list --------------------------------------------------------------------------------

/// The filter parameters the list understands; anything else in the address is ignored.
/// `jejak` is the list's own: the cursors of the pages before the current one.
const LIST_PARAMS: [&str; 12] = [
    "q", "type", "status", "agency", "region", "dari", "sampai", "bbox", "datetime", "limit",
    "cursor", "jejak",
];

/// Reports per page of the list when the address names no `limit`: twenty cards keep a
/// page short on a phone.
const LIST_PAGE_SIZE: &str = "20";

/// The most cursors a `jejak` keeps: the oldest are dropped beyond it, so the address
/// stays short; "previous" then stops at the oldest page it still knows.
const TRAIL_MAX: usize = 50;

/// The cursors of a `jejak` value (`.`-separated, oldest first); anything that is not a
/// cursor is left out.
fn trail_of(s: &str) -> Vec<String> {
    s.split('.')
        .filter(|c| Cursor::decode(c).is_some())
        .map(str::to_string)
        .collect()
}

/// A page of the list as its `cursor` and `jejak` (empty for the first page).
type PageAt = (String, String);

/// The (cursor, jejak) of the pages next to the current one. The API's cursors only go
/// forward, so each page carries the cursors of the pages before it: "next" adds the
/// current cursor to them, "previous" takes the last one off. `None` for "previous" on
/// the first page; an empty cursor is the first page.
fn neighbour_pages(
    cursor: &str,
    trail: &[String],
    next: Option<&str>,
) -> (Option<PageAt>, Option<PageAt>) {
    let previous = (!cursor.is_empty()).then(|| {
        let mut t = trail.to_vec();
        let c = t.pop().unwrap_or_default();
        (c, t.join("."))
    });
    let next = next.map(|n| {
        let mut t = trail.to_vec();
        if !cursor.is_empty() {
            t.push(cursor.to_string());
        }
        let skip = t.len().saturating_sub(TRAIL_MAX);
        (n.to_string(), t[skip..].join("."))
    });
    (previous, next)
}

/// `dari`/`sampai` (whole days in WIB) as an OGC `datetime` interval, or the form's own
/// errors.
fn date_interval(dari: &str, sampai: &str, errs: &mut Errors) -> Option<String> {
    if dari.is_empty() && sampai.is_empty() {
        return None;
    }
    let mut parse = |field: &str, s: &str| -> Option<Option<NaiveDate>> {
        if s.is_empty() {
            return Some(None);
        }
        match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(Some(d)),
            Err(_) => {
                let label = tr(
                    errs.lang,
                    if field == "dari" {
                        k!("date_from")
                    } else {
                        k!("date_to")
                    },
                );
                let msg = tr(errs.lang, k!("bad_date"));
                errs.push(field.to_string(), label, msg);
                None
            }
        }
    };
    let from = parse("dari", dari);
    let to = parse("sampai", sampai);
    let (from, to) = (from?, to?);
    if let (Some(a), Some(b)) = (from, to) {
        if b < a {
            let (label, msg) = (
                tr(errs.lang, k!("date_to")),
                tr(errs.lang, k!("bad_date_range")),
            );
            errs.push("sampai".into(), label, msg);
            return None;
        }
    }
    let start = from
        .map(|d| format!("{d}T00:00:00+07:00"))
        .unwrap_or_else(|| "..".into());
    let end = to
        .map(|d| format!("{d}T23:59:59+07:00"))
        .unwrap_or_else(|| "..".into());
    Some(format!("{start}/{end}"))
}

pub(super) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let val = |key: &str| f.text(key);
    let opt = |key: &str| Some(f.text(key)).filter(|s| !s.is_empty());
    let mut errors = Errors::new(lang);
    let mut raw = RawReportQuery {
        bbox: opt("bbox"),
        datetime: opt("datetime"),
        type_key: opt("type"),
        region: opt("region"),
        agency: opt("agency"),
        status: opt("status"),
        q: opt("q"),
        limit: opt("limit").or_else(|| Some(LIST_PAGE_SIZE.to_string())),
        cursor: opt("cursor"),
        f: None,
    };
    if let Some(iv) = date_interval(&val("dari"), &val("sampai"), &mut errors) {
        raw.datetime = Some(iv);
    }
    let types = st.app.report_types();
    let agencies = match st.app.agencies().await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    // The other filters are checked even when the dates were wrong, so every problem is
    // named at once; the list itself is shown only when all are right.
    let dates_ok = errors.is_empty();
    let mut page_result = None;
    match st.app.parse_report_query(&raw).await {
        Ok(filter) if dates_ok => match st.app.list_reports(&page.authed.actor, filter).await {
            Ok(p) => page_result = Some(p),
            Err(e) => return page.error(e),
        },
        Ok(_) => {}
        Err(AppError::Validation(v)) => {
            for e in &v.errors {
                // The date fields are what the user typed; an interval error belongs
                // to them when they were used.
                let field = match e.field.as_str() {
                    "datetime" if !val("dari").is_empty() => "dari".to_string(),
                    "datetime" if !val("sampai").is_empty() => "sampai".to_string(),
                    other => other.to_string(),
                };
                let label = match field.as_str() {
                    "q" => tr(lang, k!("search_text")),
                    "type" => tr(lang, k!("type")),
                    "status" => tr(lang, k!("status")),
                    "agency" => tr(lang, k!("agency")),
                    "region" => tr(lang, k!("region_code")),
                    "dari" => tr(lang, k!("date_from")),
                    "sampai" => tr(lang, k!("date_to")),
                    other => super::i18n::field_or_other(lang, other),
                };
                errors.push(field, label, core_message(lang, &e.message));
            }
        }
        Err(e) => return page.error(e),
    }
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    let reports: Vec<Value> = page_result
        .as_ref()
        .map(|p| {
            p.reports
                .iter()
                .map(|r| {
                    let zone = report_zone(r.region_code.as_deref(), &r.occurred_at);
                    let agency = by_id.get(&r.owner_agency_id);
                    context! {
                        id => r.id.to_string(),
                        title => r.title.as_str(),
                        type_label => type_label(&types, &r.type_key, lang),
                        status => r.status.as_str(),
                        status_label => status_label(lang, r.status),
                        time => show_time(zone, r.occurred_at.with_timezone(&Utc)),
                        iso => r.occurred_at.to_rfc3339(),
                        region => region_name(&st, r.region_code.as_deref()),
                        agency_code => agency.map(|a| a.code.to_string()).unwrap_or_else(|| r.owner_agency_code.clone()),
                        agency_name => agency.map(|a| a.name.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    // Links keep the filters exactly as typed and change only the page.
    let kept: Vec<(&str, String)> = LIST_PARAMS
        .iter()
        .filter(|k| !matches!(**k, "cursor" | "jejak"))
        .map(|k| (*k, val(k)))
        .collect();
    let kept_refs: Vec<(&str, &str)> = kept.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let page_href = |cursor: &str, trail: &str| {
        let mut pairs = kept_refs.clone();
        pairs.push(("cursor", cursor));
        pairs.push(("jejak", trail));
        let q = query_string(&pairs);
        if q.is_empty() {
            "/laporan".to_string()
        } else {
            format!("/laporan?{q}")
        }
    };
    let cursor = val("cursor");
    let trail = trail_of(&val("jejak"));
    let next_cursor = page_result
        .as_ref()
        .and_then(|p| p.next)
        .map(|c| c.encode());
    let (previous, next) = neighbour_pages(&cursor, &trail, next_cursor.as_deref());
    let first_href = page_href("", "");
    let next_href = next.map(|(c, t)| page_href(&c, &t));
    let previous_href = previous.map(|(c, t)| page_href(&c, &t));
    let export = |format: &str| {
        let none = String::new();
        let pairs = [
            ("format", format),
            ("bbox", raw.bbox.as_ref().unwrap_or(&none).as_str()),
            ("datetime", raw.datetime.as_ref().unwrap_or(&none).as_str()),
            ("type", raw.type_key.as_ref().unwrap_or(&none).as_str()),
            ("region", raw.region.as_ref().unwrap_or(&none).as_str()),
            ("agency", raw.agency.as_ref().unwrap_or(&none).as_str()),
            ("status", raw.status.as_ref().unwrap_or(&none).as_str()),
            ("q", raw.q.as_ref().unwrap_or(&none).as_str()),
        ];
        format!("/api/v1/reports/export?{}", query_string(&pairs))
    };
    let filtered = [
        "q", "type", "status", "agency", "region", "dari", "sampai", "bbox", "datetime",
    ]
    .iter()
    .any(|k| !val(k).is_empty());
    let region_label = raw
        .region
        .as_deref()
        .and_then(|c| st.app.gazetteer().get(c))
        .map(|r| r.name.clone());
    let break_glass = emergency::allowed(&st, &page).await;
    render(
        StatusCode::OK,
        "laporan_daftar.html",
        context! {
            f => context! {
                q => val("q"), type => val("type"), status => val("status"), agency => val("agency"),
                region => val("region"), dari => val("dari"), sampai => val("sampai"),
                bbox => val("bbox"), datetime => val("datetime"), limit => val("limit"),
            },
            types => type_options(&types, lang),
            statuses => status_options(lang),
            agencies => agency_options(&agencies),
            errors => errors.by_field,
            error_summary => errors.summary(),
            reports => reports,
            filtered => filtered,
            region_name => region_label,
            next_href => next_href,
            previous_href => previous_href,
            first_href => first_href,
            // "First" only where "previous" does not already lead there.
            show_first => !trail.is_empty(),
            export_csv => export("csv"),
            export_geojson => export("geojson"),
            break_glass => break_glass,
            ..page_ctx(&page, "reports")
        },
    )
}

// ---- map ---------------------------------------------------------------------------------

pub(super) async fn map(State(st): State<AppState>, page: Page) -> Response {
    let lang = page.lang;
    let types = st.app.report_types();
    let type_labels: serde_json::Map<String, serde_json::Value> = types
        .iter()
        .map(|t| (t.key.clone(), json!(lang.pick(&t.label_id, &t.label_en))))
        .collect();
    let status_labels: serde_json::Map<String, serde_json::Value> = Status::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), json!(status_label(lang, *s))))
        .collect();
    let data = json!({
        "types": type_labels,
        "statuses": status_labels,
        "text": {
            "loading": tr(lang, k!("map_loading")),
            "shown": tr(lang, k!("map_shown")),
            "limited": tr(lang, k!("map_limited")),
            "failed": tr(lang, k!("map_failed")),
            "open": tr(lang, k!("open_report")),
            "prec_grid": tr(lang, k!("map_prec_grid")),
            "prec_region": tr(lang, k!("map_prec_region")),
        },
    });
    render(
        StatusCode::OK,
        "peta.html",
        context! {
            types => type_options(&types, lang),
            map_json => json_for_script(&data),
            ..page_ctx(&page, "map")
        },
    )
}

// ---- detail ------------------------------------------------------------------------------

/// What a detail page shows besides the report: a notice after a successful action, or
/// the errors of a refused status change, upload or referral.
#[derive(Default)]
pub(super) struct DetailExtra {
    pub status: Option<StatusCode>,
    pub notice: Option<String>,
    pub stale: bool,
    pub status_errors: Vec<String>,
    pub upload_errors: Vec<String>,
    pub referral: sharing::ReferralForm,
}

pub(super) fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} B")
    }
}

/// An attribute value in words: choice labels, yes/no, times in the report's zone.
fn attribute_text(
    lang: Lang,
    ty: Option<&ReportType>,
    key: &str,
    v: &serde_json::Value,
    zone: Zone,
) -> String {
    let field = ty.and_then(|t| t.field(key));
    let choice = |s: &str| {
        field
            .and_then(|f| f.options.iter().find(|c| c.value == s))
            .map(|c| lang.pick(&c.label_id, &c.label_en).to_string())
            .unwrap_or_else(|| s.to_string())
    };
    match v {
        serde_json::Value::Bool(b) => tr(lang, if *b { k!("yes") } else { k!("no") }),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| match i.as_str() {
                Some(s) => choice(s),
                None => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::String(s) => match field.map(|f| f.kind) {
            Some(FieldKind::Select) => choice(s),
            Some(FieldKind::Datetime) => DateTime::parse_from_rfc3339(s)
                .map(|t| show_time(zone, t.with_timezone(&Utc)))
                .unwrap_or_else(|_| s.clone()),
            _ => s.clone(),
        },
        other => other.to_string(),
    }
}

fn changed_label(lang: Lang, field: &str) -> String {
    let key = match field {
        "title" => k!("title"),
        "description" => k!("description"),
        "occurred_at" => k!("occurred_at"),
        "geometry" => k!("location"),
        "sensitivity" => k!("sensitivity"),
        "attributes" => k!("attributes"),
        "region_code" => k!("region"),
        other => return super::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

/// How precisely the viewer got the report's location.
fn precision_of(form: &Delivered) -> Precision {
    match form {
        Delivered::Full => Precision::Exact,
        Delivered::Shared { precision, .. } => *precision,
    }
}

/// Decimal places of a coordinate that a grid of `metres` justifies: 0.1° is about
/// 11 km, 0.01° about 1.1 km.
fn decimals_for(metres: u32) -> usize {
    match metres {
        m if m >= 10_000 => 1,
        m if m >= 1000 => 2,
        _ => 3,
    }
}

/// A rough radius of a region around its centre, in metres: the farthest of its
/// villages' centres plus a kilometre (the gazetteer has centres, not boundaries, below
/// the regency level). For drawing a region-only location as an area, never as a pin.
pub(super) fn region_radius_m(st: &AppState, code: Option<&str>) -> f64 {
    const FALLBACK_M: f64 = 10_000.0;
    let g = st.app.gazetteer();
    let Some(region) = code.and_then(|c| g.get(c)) else {
        return FALLBACK_M;
    };
    let mut stack = vec![region.code.as_str()];
    let mut farthest: f64 = 0.0;
    let mut seen = 0usize;
    while let Some(c) = stack.pop() {
        for child in g.children(c) {
            seen += 1;
            if seen > 5000 {
                break;
            }
            let dy = (child.lat - region.lat) * 111_320.0;
            let dx = (child.lon - region.lon) * 111_320.0 * region.lat.to_radians().cos();
            farthest = farthest.max((dx * dx + dy * dy).sqrt());
            stack.push(child.code.as_str());
        }
    }
    if seen == 0 {
        return FALLBACK_M;
    }
    (farthest + 1000.0).clamp(2000.0, 60_000.0)
}

/// A grid cell's centre as "lat, lon (± n km)", rounded to what the cell justifies.
fn rounded_text(lang: Lang, lon: f64, lat: f64, metres: u32) -> String {
    let d = decimals_for(metres);
    tr(lang, k!("loc_rounded"))
        .replace("{coords}", &format!("{lat:.d$}, {lon:.d$}"))
        .replace("{n}", &super::agreements::km(metres))
}

/// The location as text. A coarsened one is never shown more precisely than it is: the
/// grid cell's centre rounded to what the cell justifies with "± n km", or the region's
/// centre by name.
fn location_text(st: &AppState, lang: Lang, r: &Report, precision: Precision) -> String {
    match precision {
        Precision::Exact => exact_location_text(lang, r),
        Precision::Grid(m) => {
            let (lon, lat) = r.geometry.representative_point();
            rounded_text(lang, lon, lat, m)
        }
        Precision::Region => match r
            .region_code
            .as_deref()
            .and_then(|c| st.app.gazetteer().get(c))
        {
            Some(region) => tr(lang, k!("loc_region_centre")).replace("{name}", &region.name),
            None => tr(lang, k!("loc_region_unknown")),
        },
    }
}

/// What the report page's map draws: the geometry, or for a coarsened location the area
/// it stands for (the grid cell, or a circle round the region's centre) as a Feature
/// marked `coarse`, so that no pin suggests a precise place.
fn map_geometry(st: &AppState, r: &Report, precision: Precision) -> serde_json::Value {
    let (lon, lat) = r.geometry.representative_point();
    let ring: Vec<[f64; 2]> = match precision {
        Precision::Exact => return r.geometry.to_geojson(),
        Precision::Grid(m) => {
            let (w, s, e, n) = cell_bounds(lon, lat, m);
            vec![[w, s], [e, s], [e, n], [w, n], [w, s]]
        }
        Precision::Region => {
            let radius = region_radius_m(st, r.region_code.as_deref());
            let dy = radius / 111_320.0;
            let dx = dy / lat.to_radians().cos().max(0.01);
            (0..=64)
                .map(|i| {
                    let a = f64::from(i % 64) / 64.0 * std::f64::consts::TAU;
                    [lon + dx * a.cos(), lat + dy * a.sin()]
                })
                .collect()
        }
    };
    let kind = if matches!(precision, Precision::Region) {
        "region"
    } else {
        "grid"
    };
    json!({
        "type": "Feature",
        "properties": {"coarse": kind},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    })
}

fn exact_location_text(lang: Lang, r: &Report) -> String {
    match (
        r.geometry.kind(),
        r.geometry.to_geojson()["coordinates"].as_array(),
    ) {
        ("Point", _) => {
            let (lon, lat) = r.geometry.representative_point();
            format!("{lat:.5}, {lon:.5}")
        }
        ("LineString", Some(c)) => format!(
            "{} ({} {})",
            tr(lang, k!("geom_line")),
            c.len(),
            tr(lang, k!("points"))
        ),
        _ => tr(lang, k!("geom_polygon")),
    }
}

pub(super) async fn detail_page(
    st: &AppState,
    page: &Page,
    id: ReportId,
    extra: DetailExtra,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let (r, delivered) = match st.app.report_with_form(actor, id).await {
        Ok(x) => x,
        Err(AppError::NotFound) => return emergency::report_not_found(st, page, id).await,
        Err(e) => return page.error(e),
    };
    // A copy delivered under an agreement (or coarsened for a location-sensitive type) is
    // read-only here: no edit, status or upload controls.
    let read_only = matches!(delivered, Delivered::Shared { .. });
    let history = match st.app.report_history(actor, id).await {
        Ok(h) => h,
        Err(e) => return page.error(e),
    };
    let attachments = match st.app.attachments(actor, id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let owner = match st.app.agency(r.owner_agency_id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == r.type_key);
    let zone = report_zone(r.region_code.as_deref(), &r.occurred_at);
    let g = st.app.gazetteer();
    let mut chain = Vec::new();
    let mut code = r.region_code.clone();
    while let Some(c) = code {
        match g.get(&c) {
            Some(region) => {
                chain.push(context! { code => region.code.as_str(), name => region.name.as_str() });
                code = region.parent.clone();
            }
            None => break,
        }
    }
    chain.reverse();
    // Attributes in the order the type lists them, then any the type no longer knows.
    let mut keys: Vec<&String> = ty
        .map(|t| {
            t.fields
                .iter()
                .map(|f| &f.key)
                .filter(|k| r.attributes.contains_key(*k))
                .collect()
        })
        .unwrap_or_default();
    for k in r.attributes.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    let attrs: Vec<Value> = keys
        .iter()
        .filter_map(|key| {
            let v = r.attributes.get(*key)?;
            let field = ty.and_then(|t| t.field(key));
            Some(context! {
                label => field.map(|f| lang.pick(&f.label_id, &f.label_en).to_string()).unwrap_or_else(|| key.to_string()),
                value => attribute_text(lang, ty, key, v, zone),
                personal => field.is_some_and(|f| f.personal),
            })
        })
        .collect();
    let history: Vec<Value> = history
        .iter()
        .map(|h| {
            let kind_key = match h.kind.as_str() {
                "created" => k!("ev_created"),
                "status" => k!("ev_status"),
                _ => k!("ev_updated"),
            };
            context! {
                time => show_time(zone, h.at),
                actor => h.actor_username.as_str(),
                kind => h.kind.as_str(),
                kind_label => tr(lang, kind_key),
                from => h.from_status.map(|s| s.as_str()),
                from_label => h.from_status.map(|s| status_label(lang, s)),
                to => h.to_status.map(|s| s.as_str()),
                to_label => h.to_status.map(|s| status_label(lang, s)),
                changed => h.changed.iter().map(|c| changed_label(lang, c)).collect::<Vec<_>>().join(", "),
                note => h.note.as_deref(),
            }
        })
        .collect();
    let attachments: Vec<Value> = attachments
        .iter()
        .map(|a| {
            context! {
                href => format!("/api/v1/attachments/{}", a.id),
                image => a.content_type.starts_with("image/"),
                filename => a.filename.as_str(),
                content_type => a.content_type.as_str(),
                size => human_size(a.size),
                time => show_time(zone, a.created_at),
            }
        })
        .collect();
    let access = r.access();
    let in_hierarchy = access::can_view(actor, &access);
    let shared_notice = sharing::delivered_notice(lang, &delivered, &types, ty, in_hierarchy);
    let shared_section = match sharing::section(st, page, &r, zone, &extra.referral).await {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let author = if r.author_username.is_empty() {
        tr(lang, k!("withheld_value"))
    } else {
        r.author_username.clone()
    };
    let view = context! {
        id => r.id.to_string(),
        title => r.title.as_str(),
        description => r.description.as_str(),
        type_label => type_label(&types, &r.type_key, lang),
        status => r.status.as_str(),
        status_label => status_label(lang, r.status),
        sensitivity => r.sensitivity.as_str(),
        sensitivity_label => sensitivity_label(lang, r.sensitivity),
        time => show_time(zone, r.occurred_at.with_timezone(&Utc)),
        iso => r.occurred_at.to_rfc3339(),
        region_chain => chain,
        region_code => r.region_code.as_deref(),
        location => location_text(st, lang, &r, precision_of(&delivered)),
        coarse => match precision_of(&delivered) {
            Precision::Exact => None,
            Precision::Grid(m) => Some(tr(lang, k!("loc_map_grid")).replace("{n}", &super::agreements::km(m))),
            Precision::Region => Some(tr(lang, k!("loc_map_region"))),
        },
        agency_name => owner.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        agency_code => owner.as_ref().map(|a| a.code.to_string()).unwrap_or_else(|| r.owner_agency_code.clone()),
        author => author,
        version => r.version,
        created => show_time(zone, r.created_at),
        updated => show_time(zone, r.updated_at),
    };
    render(
        extra.status.unwrap_or(StatusCode::OK),
        "laporan_detail.html",
        context! {
            r => view,
            attrs => attrs,
            history => history,
            attachments => attachments,
            geometry_json => json_for_script(&map_geometry(st, &r, precision_of(&delivered))),
            can_edit => !read_only && access::can_edit(actor, &access),
            can_status => !read_only && access::can_change_status(actor, &access),
            shared_notice => shared_notice,
            read_only => read_only,
            sharing => shared_section,
            statuses => status_options(lang),
            notice => extra.notice,
            stale => extra.stale,
            status_errors => extra.status_errors,
            upload_errors => extra.upload_errors,
            ..page_ctx(page, "reports")
        },
    )
}

pub(super) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = pesan_notice(page.lang, f.get("pesan"));
    detail_page(
        &st,
        &page,
        id,
        DetailExtra {
            notice,
            ..Default::default()
        },
    )
    .await
}

/// `POST /laporan/{id}/status` with `status`, `note` and the `version` the form showed.
pub(super) async fn change_status(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    // A version that is not a number can never match, which is the honest answer.
    let version = f.text("version").parse::<i64>().unwrap_or(-1);
    let body = json!({"status": f.text("status"), "note": f.text("note")});
    match st
        .app
        .patch_report(&page.authed.actor, id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{id}?pesan=status")).into_response(),
        Err(AppError::PreconditionFailed { .. }) => {
            let extra = DetailExtra {
                status: Some(StatusCode::CONFLICT),
                stale: true,
                ..Default::default()
            };
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::Validation(v)) => {
            let msgs = v
                .errors
                .iter()
                .map(|e| {
                    let field = forms::form_field(&e.field);
                    format!(
                        "{}: {}",
                        field_label(page.lang, &field, None),
                        core_message(page.lang, &e.message)
                    )
                })
                .collect();
            let extra = DetailExtra {
                status: Some(UNPROCESSABLE),
                status_errors: msgs,
                ..Default::default()
            };
            detail_page(&st, &page, id, extra).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /laporan/{id}/lampiran`, multipart with `_csrf` first and then `file`. The CSRF
/// token is checked before the file is read, so a forged upload costs no disk or memory.
pub(super) async fn upload(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = ReportId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let Ok(mut mp) = mp else {
        return bad_form(&page);
    };
    let lang = page.lang;
    let too_large = || DetailExtra {
        status: Some(StatusCode::PAYLOAD_TOO_LARGE),
        upload_errors: vec![tr(lang, k!("file_too_large"))],
        ..Default::default()
    };
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    if !page.csrf_ok(csrf.as_deref()) {
                        return csrf_page(&page);
                    }
                    let name = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return detail_page(&st, &page, id, too_large()).await;
                        }
                        Err(_) => return bad_form(&page),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return detail_page(&st, &page, id, too_large()).await;
            }
            Err(_) => return bad_form(&page),
        }
    }
    if !page.csrf_ok(csrf.as_deref()) {
        return csrf_page(&page);
    }
    let refuse = |status: StatusCode, msgs: Vec<String>| DetailExtra {
        status: Some(status),
        upload_errors: msgs,
        ..Default::default()
    };
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let extra = refuse(UNPROCESSABLE, vec![tr(lang, k!("no_file"))]);
        return detail_page(&st, &page, id, extra).await;
    };
    match st
        .app
        .add_attachment(&page.authed.actor, id, &name, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{id}?pesan=lampiran")).into_response(),
        Err(AppError::UnsupportedMediaType(_)) => {
            let extra = refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec![tr(lang, k!("file_type_refused"))],
            );
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::PayloadTooLarge(_)) => detail_page(&st, &page, id, too_large()).await,
        Err(AppError::Validation(v)) => {
            let msgs = v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect();
            detail_page(&st, &page, id, refuse(UNPROCESSABLE, msgs)).await
        }
        Err(e) => page.error(e),
    }
}

// ---- create and edit forms ---------------------------------------------------------------

/// What the form page needs besides the values.
struct FormView<'a> {
    values: ReportValues,
    errors: Errors,
    stale: bool,
    conflict_href: Option<String>,
    /// The report being edited; `None` on the create form.
    editing: Option<&'a Report>,
    /// Photos were sent with a refused form and must be chosen again.
    photos_lost: bool,
}

/// The report types as the form's script reads them, labels in the visitor's language.
fn types_json(types: &[ReportType], lang: Lang) -> serde_json::Value {
    serde_json::Value::Array(types.iter().map(|t| type_json(t, lang)).collect())
}

fn type_json(t: &ReportType, lang: Lang) -> serde_json::Value {
    json!({
        "key": t.key,
        "label": lang.pick(&t.label_id, &t.label_en),
        "fields": t.fields.iter().map(|f| json!({
            "key": f.key,
            "label": lang.pick(&f.label_id, &f.label_en),
            "kind": f.kind,
            "required": f.required,
            "personal": f.personal,
            "options": f.options.iter().map(|c| json!({
                "value": c.value,
                "label": lang.pick(&c.label_id, &c.label_en),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// Where the form's map starts: the point already given, else the user's agency's first
/// region of responsibility, else all of Indonesia.
fn map_center(st: &AppState, page: &Page, v: &ReportValues) -> Value {
    if let (Ok(lon), Ok(lat)) = (v.lon.parse::<f64>(), v.lat.parse::<f64>()) {
        return context! { lon => lon, lat => lat, zoom => 12 };
    }
    let region = page
        .agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .and_then(|c| st.app.gazetteer().get(c));
    match region {
        Some(r) => {
            let zoom = match r.level {
                Level::Province => 7,
                Level::Regency => 9,
                Level::District => 11,
                Level::Village => 13,
            };
            context! { lon => r.lon, lat => r.lat, zoom => zoom }
        }
        None => context! { lon => 118.0, lat => -2.5, zoom => 4 },
    }
}

/// The zone new reports of this user start in, and the zone of times not tied to one
/// report: their agency's region's, else WIB.
pub(super) fn home_zone(page: &Page) -> Zone {
    page.agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .map(|c| Zone::for_region(c))
        .unwrap_or(Zone::Wib)
}

fn form_page(st: &AppState, page: &Page, view: FormView<'_>, status: StatusCode) -> Response {
    let lang = page.lang;
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == view.values.type_key);
    let fields = ty
        .map(|t| type_json(t, lang)["fields"].clone())
        .unwrap_or(json!([]));
    let zones: Vec<Value> = forms::ZONES
        .iter()
        .map(|(value, key)| context! { value => *value, label => tr(lang, key) })
        .collect();
    let sensitivities: Vec<Value> = Sensitivity::ALL
        .iter()
        .map(|s| context! { key => s.as_str(), label => sensitivity_label(lang, *s) })
        .collect();
    let (mode, action, nav) = match view.editing {
        Some(r) => ("edit", format!("/laporan/{}/ubah", r.id), "reports"),
        None => ("create", "/laporan".to_string(), "new"),
    };
    let geometry_note = view
        .editing
        .filter(|r| r.geometry.kind() != "Point")
        .map(|_| tr(lang, k!("geometry_kept")));
    render(
        status,
        "laporan_form.html",
        context! {
            mode => mode,
            action => action,
            v => Value::from_serialize(&view.values),
            types => type_options(&types, lang),
            type_label => type_label(&types, &view.values.type_key, lang),
            fields => Value::from_serialize(&fields),
            types_json => json_for_script(&types_json(&types, lang)),
            zones => zones,
            sensitivities => sensitivities,
            center => map_center(st, page, &view.values),
            errors => view.errors.by_field,
            summary => view.errors.summary(),
            stale => view.stale,
            conflict_href => view.conflict_href,
            report_id => view.editing.map(|r| r.id.to_string()),
            geometry_note => geometry_note,
            photos_lost => view.photos_lost,
            max_photos => MAX_PHOTOS,
            photo_limit_bytes => st.app.config.max_attachment_bytes,
            photo_total_bytes => st.app.config.max_attachment_bytes.saturating_mul(PHOTO_FORM_BUDGET),
            photo_hint => tr(lang, k!("photos_hint"))
                .replace("{n}", &MAX_PHOTOS.to_string())
                .replace("{mb}", &megabytes(st.app.config.max_attachment_bytes)),
            ..page_ctx(page, nav)
        },
    )
}

/// `GET /laporan/baru[?jenis=KEY]`.
pub(super) async fn new_form(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !access::can_create_report(&page.authed.actor) {
        return page.error(AppError::Forbidden("analysts cannot record reports".into()));
    }
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let jenis = f.text("jenis");
    let type_key = if st.app.report_type(&jenis).is_some() {
        jenis
    } else {
        String::new()
    };
    let zone = forms::zone_value(home_zone(&page));
    let now = st.app.now();
    let values = ReportValues {
        id: new_report_id(&st),
        type_key,
        occurred_local: forms::rfc3339_to_local(&now.fixed_offset(), zone),
        zone: zone.to_string(),
        sensitivity: Sensitivity::Internal.as_str().to_string(),
        ..Default::default()
    };
    let view = FormView {
        values,
        errors: Errors::new(page.lang),
        stale: false,
        conflict_href: None,
        editing: None,
        photos_lost: false,
    };
    form_page(&st, &page, view, StatusCode::OK)
}

/// The name of the form's photo inputs (the camera and the gallery one).
pub(crate) const PHOTO_FIELD: &str = "foto";

/// The most photos one submission of the report form takes; more can be added on the
/// report page afterwards.
pub(crate) const MAX_PHOTOS: usize = 10;

/// How many times the largest attachment a whole report form with its photos may be
/// (its body limit, set in `routes`): every photo is held in memory until all are
/// checked, so this bounds what one submission costs.
pub const PHOTO_FORM_BUDGET: usize = 3;

/// A photo sent with the report form, as read.
struct Photo {
    name: String,
    bytes: Vec<u8>,
}

/// A submitted report form: its fields, the photos chosen, and what went wrong while
/// reading them.
struct Submitted {
    form: FormData,
    photos: Vec<Photo>,
    /// The body passed its limit; the fields before the photos were read.
    too_large: bool,
    /// More than [`MAX_PHOTOS`] photos were chosen.
    too_many: bool,
}

/// Reads the report form: `multipart/form-data` (the page's form, with photos) or
/// urlencoded (a form without them). The CSRF token is checked before any photo is
/// read, so a forged submission costs no memory. The error is the page to send back.
#[allow(clippy::result_large_err)]
async fn read_report_form(
    st: &AppState,
    page: &Page,
    req: axum::extract::Request,
) -> Result<Submitted, Response> {
    use axum::extract::FromRequest;
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let body = Form::<Vec<(String, String)>>::from_request(req, st).await;
        let form = page.checked_form(body)?;
        return Ok(Submitted {
            form,
            photos: Vec::new(),
            too_large: false,
            too_many: false,
        });
    }
    let Ok(mut mp) = Multipart::from_request(req, st).await else {
        return Err(bad_form(page));
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut photos = Vec::new();
    let (mut too_large, mut too_many) = (false, false);
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(_) => return Err(bad_form(page)),
        };
        let name = field.name().unwrap_or("").to_string();
        if name != PHOTO_FIELD {
            match field.text().await {
                Ok(text) => pairs.push((name, text)),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_large = true;
                    break;
                }
                Err(_) => return Err(bad_form(page)),
            }
            continue;
        }
        let csrf = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        if !page.csrf_ok(csrf) {
            return Err(csrf_page(page));
        }
        let file_name = field.file_name().unwrap_or("").to_string();
        if photos.len() >= MAX_PHOTOS {
            // Read past, not kept: the form is refused anyway (unless this is an input
            // left empty).
            too_many |= !file_name.is_empty();
            let mut field = field;
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => too_many |= !chunk.is_empty(),
                    Ok(None) => break,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        too_large = true;
                        break;
                    }
                    Err(_) => return Err(bad_form(page)),
                }
            }
            if too_large {
                break;
            }
            continue;
        }
        match field.bytes().await {
            // An input left empty sends a part without a name or bytes.
            Ok(b) if b.is_empty() && file_name.is_empty() => {}
            Ok(b) => photos.push(Photo {
                name: file_name,
                bytes: b.to_vec(),
            }),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(_) => return Err(bad_form(page)),
        }
    }
    let form = FormData(pairs);
    if !page.csrf_ok(form.get("_csrf")) {
        return Err(csrf_page(page));
    }
    Ok(Submitted {
        form,
        photos,
        too_large,
        too_many,
    })
}

/// Whole megabytes, for the size limits the form names.
fn megabytes(bytes: usize) -> String {
    (bytes / (1024 * 1024)).to_string()
}

/// Checks every photo with the app's attachment checks (the same as an upload on the
/// report page) and names each refused one, and the limits of the whole submission.
fn check_photos(st: &AppState, lang: Lang, sub: &Submitted, errors: &mut Errors) {
    let label = tr(lang, k!("photos"));
    let max = st.app.config.max_attachment_bytes;
    if sub.too_large {
        let msg = tr(lang, k!("photos_total_too_large"))
            .replace("{n}", &megabytes(max.saturating_mul(PHOTO_FORM_BUDGET)));
        errors.push(PHOTO_FIELD.into(), label.clone(), msg);
    }
    if sub.too_many {
        let msg = tr(lang, k!("photos_too_many")).replace("{n}", &MAX_PHOTOS.to_string());
        errors.push(PHOTO_FIELD.into(), label.clone(), msg);
    }
    for p in &sub.photos {
        let why = match st.app.check_attachment(&p.bytes) {
            Ok(_) => continue,
            Err(AppError::UnsupportedMediaType(_)) => tr(lang, k!("file_type_refused")),
            Err(AppError::PayloadTooLarge(_)) => {
                tr(lang, k!("photo_too_large")).replace("{n}", &megabytes(max))
            }
            Err(AppError::Validation(v)) => v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Err(_) => tr(lang, k!("file_type_refused")),
        };
        let name = if p.name.trim().is_empty() {
            tr(lang, k!("photo_unnamed"))
        } else {
            p.name.clone()
        };
        errors.push(PHOTO_FIELD.into(), label.clone(), format!("{name}: {why}"));
    }
}

/// `POST /laporan`: creates the report with the photos chosen, or re-renders the form
/// with every problem named. The hidden client id makes a repeated submission return the
/// report already made (its photos are attached once: an identical file on the same
/// report is the one already there).
///
/// Photos are all checked (type by their bytes, size) together with the fields before
/// anything is written, so a refused photo leaves no report behind and a refused report
/// no files; the report is then created and each photo attached through the app's
/// attachment use case. Only a failure of the server itself while attaching (the disk,
/// the database) can leave a saved report with some photos missing: its page then says
/// which, and the upload form there takes them again.
pub(super) async fn create(
    State(st): State<AppState>,
    page: Page,
    req: axum::extract::Request,
) -> Response {
    let sub = match read_report_form(&st, &page, req).await {
        Ok(s) => s,
        Err(resp) => return resp,
    };
    if !access::can_create_report(&page.authed.actor) {
        return page.error(AppError::Forbidden("analysts cannot record reports".into()));
    }
    let f = &sub.form;
    let mut values = ReportValues::from_form(f);
    if ReportId::parse(&values.id).is_none() {
        values.id = new_report_id(&st);
    }
    // A file input cannot be filled again by the server: a re-rendered form asks for
    // the photos again.
    let photos_lost = !sub.photos.is_empty() || sub.too_large || sub.too_many;
    let types = st.app.report_types();
    let ty = types.iter().find(|t| t.key == values.type_key);
    let mut errors = Errors::new(page.lang);
    let view = |values: ReportValues, errors: Errors, conflict_href: Option<String>| FormView {
        values,
        errors,
        stale: false,
        conflict_href,
        editing: None,
        photos_lost,
    };
    // The "change type" button (for browsers without JavaScript) only re-renders.
    if f.get("_aksi") == Some("jenis") {
        return form_page(&st, &page, view(values, errors, None), StatusCode::OK);
    }
    let (feature, local) = forms::feature(ty, &values);
    errors.local(&local, ty);
    if let Err(v) = NewReport::from_feature(&feature, &types, st.app.now()) {
        errors.domain(&v, ty);
    }
    check_photos(&st, page.lang, &sub, &mut errors);
    if !errors.is_empty() {
        let status = if sub.too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            UNPROCESSABLE
        };
        return form_page(&st, &page, view(values, errors, None), status);
    }
    let report = match st.app.create_report(&page.authed.actor, &feature).await {
        Ok((r, _)) => r,
        Err(AppError::Validation(v)) => {
            errors.domain(&v, ty);
            return form_page(&st, &page, view(values, errors, None), UNPROCESSABLE);
        }
        Err(AppError::Conflict(_)) => {
            // The id was used for a report with other content: point to it, and give
            // the form a fresh id so that saving again makes a new report.
            let href = format!("/laporan/{}", values.id);
            errors.summary.push((0, tr(page.lang, k!("id_conflict"))));
            values.id = new_report_id(&st);
            return form_page(
                &st,
                &page,
                view(values, errors, Some(href)),
                StatusCode::CONFLICT,
            );
        }
        Err(e) => return page.error(e),
    };
    let mut failed = Vec::new();
    for p in &sub.photos {
        if let Err(e) = st
            .app
            .add_attachment(&page.authed.actor, report.id, &p.name, &p.bytes)
            .await
        {
            tracing::error!(error = %e, report = %report.id, "attaching a photo of a new report failed");
            failed.push(p.name.clone());
        }
    }
    if failed.is_empty() {
        return Redirect::to(&format!("/laporan/{}?pesan=dibuat", report.id)).into_response();
    }
    let extra = DetailExtra {
        status: Some(StatusCode::CREATED),
        notice: Some(tr(page.lang, k!("notice_created"))),
        upload_errors: vec![
            tr(page.lang, k!("photos_not_attached")).replace("{files}", &failed.join(", "))
        ],
        ..Default::default()
    };
    detail_page(&st, &page, report.id, extra).await
}

/// Loads a report for editing: 404 when not visible, 403 when visible but not editable.
async fn editable(st: &AppState, page: &Page, id: &str) -> Result<(Report, ReportType), Response> {
    let id = ReportId::parse(id).ok_or_else(|| page.error(AppError::NotFound))?;
    let r = st
        .app
        .report(&page.authed.actor, id)
        .await
        .map_err(|e| page.error(e))?;
    if !access::can_edit(&page.authed.actor, &r.access()) {
        return Err(page.error(AppError::Forbidden(
            "not the author or a coordinator of the owner agency".into(),
        )));
    }
    let ty = st
        .app
        .report_type(&r.type_key)
        .ok_or_else(|| page.error(AppError::NotFound))?;
    Ok((r, ty))
}

/// `GET /laporan/{id}/ubah`.
pub(super) async fn edit_form(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let (r, _) = match editable(&st, &page, &id).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let view = FormView {
        values: ReportValues::from_report(&r),
        errors: Errors::new(page.lang),
        stale: false,
        conflict_href: None,
        editing: Some(&r),
        photos_lost: false,
    };
    form_page(&st, &page, view, StatusCode::OK)
}

/// `POST /laporan/{id}/ubah` with the `version` the form was made from: the change is
/// saved only if nobody changed the report in between (If-Match semantics).
pub(super) async fn edit(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let (r, ty) = match editable(&st, &page, &id).await {
        Ok(x) => x,
        Err(resp) => return resp,
    };
    let mut values = ReportValues::from_form(&f);
    values.type_key = r.type_key.clone();
    values.id = r.id.to_string();
    let version = values.version.parse::<i64>().unwrap_or(-1);
    let (body, local) = forms::patch(&ty, &values);
    let mut errors = Errors::new(page.lang);
    errors.local(&local, Some(&ty));
    if let Err(v) = ReportPatch::from_json(&body, &ty, st.app.now()) {
        errors.domain(&v, Some(&ty));
    }
    let view = |errors, stale| FormView {
        values: values.clone(),
        errors,
        stale,
        conflict_href: None,
        editing: Some(&r),
        photos_lost: false,
    };
    if !errors.is_empty() {
        return form_page(&st, &page, view(errors, false), UNPROCESSABLE);
    }
    match st
        .app
        .patch_report(&page.authed.actor, r.id, Some(version), &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/laporan/{}?pesan=diubah", r.id)).into_response(),
        Err(AppError::PreconditionFailed { .. }) => {
            form_page(&st, &page, view(errors, true), StatusCode::CONFLICT)
        }
        Err(AppError::Validation(v)) => {
            errors.domain(&v, Some(&ty));
            form_page(&st, &page, view(errors, false), UNPROCESSABLE)
        }
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rounded_location_shows_no_more_digits_than_its_cell_justifies() {
        assert_eq!(
            rounded_text(Lang::Id, 101.432_04, -1.931_37, 10_000),
            "-1.9, 101.4 (± 10 km)"
        );
        assert_eq!(
            rounded_text(Lang::En, 101.432_04, -1.931_37, 1000),
            "-1.93, 101.43 (± 1 km)"
        );
    }

    #[test]
    fn date_fields_become_a_wib_interval() {
        let mut e = Errors::new(Lang::Id);
        assert_eq!(
            date_interval("2025-05-01", "2025-05-31", &mut e).as_deref(),
            Some("2025-05-01T00:00:00+07:00/2025-05-31T23:59:59+07:00")
        );
        assert_eq!(
            date_interval("", "2025-05-31", &mut e).as_deref(),
            Some("../2025-05-31T23:59:59+07:00")
        );
        assert_eq!(date_interval("", "", &mut e), None);
        assert!(e.is_empty());
        assert_eq!(date_interval("31/05/2025", "", &mut e), None);
        assert_eq!(date_interval("2025-06-01", "2025-05-01", &mut e), None);
        assert_eq!(e.by_field.keys().collect::<Vec<_>>(), ["dari", "sampai"]);
    }

    #[test]
    fn pages_carry_the_cursors_before_them_for_the_way_back() {
        let c = |n: i64| {
            Cursor {
                occurred_at_ms: n,
                id: ReportId::parse("0196f5d2-7c1e-7000-8000-000000000001").expect("id"),
            }
            .encode()
        };
        // First page: no way back; "next" starts the trail empty.
        assert_eq!(
            neighbour_pages("", &[], Some(&c(1))),
            (None, Some((c(1), String::new())))
        );
        // Second page: back to the first; "next" remembers this page's cursor.
        assert_eq!(
            neighbour_pages(&c(1), &[], Some(&c(2))),
            (Some((String::new(), String::new())), Some((c(2), c(1))))
        );
        // Third page, the last: back to the second.
        let trail = vec![c(1)];
        assert_eq!(
            neighbour_pages(&c(2), &trail, None),
            (Some((c(1), String::new())), None)
        );
        let (_, next) = neighbour_pages(&c(2), &trail, Some(&c(3)));
        assert_eq!(next, Some((c(3), format!("{}.{}", c(1), c(2)))));
        // A trail keeps its newest cursors; what is not a cursor is dropped.
        assert_eq!(trail_of(&format!("{}.rusak.{}", c(1), c(2))), [c(1), c(2)]);
        let long: Vec<String> = (0..TRAIL_MAX as i64).map(c).collect();
        let (_, next) = neighbour_pages(&c(99), &long, Some(&c(100)));
        let kept = trail_of(&next.expect("next").1);
        assert_eq!(kept.len(), TRAIL_MAX);
        assert_eq!(kept.last(), Some(&c(99)));
    }

    #[test]
    fn links_encode_their_values_and_skip_empty_ones() {
        assert_eq!(
            query_string(&[("q", "jerat & kawat"), ("type", ""), ("status", "new")]),
            "q=jerat%20%26%20kawat&status=new"
        );
    }
}
