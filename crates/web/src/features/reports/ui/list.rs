//! The report list with its filters, and the map.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::ids::AgencyId;
use sinergi_core::query::{Cursor, RawReportQuery};
use sinergi_core::report::Status;

use super::*;
use crate::features::sharing::ui::break_glass as emergency;
use crate::i18n::{core_message, k, tr};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::{report_zone, show_time, status_label, status_options, FormData, Page};
use crate::AppState;

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

pub(crate) async fn list(
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
                    other => crate::i18n::field_or_other(lang, other),
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

pub(crate) async fn map(State(st): State<AppState>, page: Page) -> Response {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
