//! Submission pages (ADR 34): a form's submissions as a table with filters and pages
//! (`/formulir/{id}/kiriman`) and as a CSV download (`…/kiriman.csv`); one submission
//! with its answers, place on the map, photos, history and reviews (`/kiriman/{id}`),
//! and the review form (`/kiriman/{id}/periksa`).

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::AppError;
use sinergi_core::submission::{ReviewState, SubmissionId};

use super::api::form_id;
use super::submissions::{csv_response, filter_of, path_part, Names, SubmissionParams};
use crate::i18n::{core_message, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

/// The table's page size.
const PAGE: i64 = 50;

fn state_label(lang: Lang, s: ReviewState) -> String {
    tr(
        lang,
        match s {
            ReviewState::Received => k!("fm_state_received"),
            ReviewState::Approved => k!("fm_state_approved"),
            ReviewState::HasIssues => k!("fm_state_has_issues"),
            ReviewState::Rejected => k!("fm_state_rejected"),
        },
    )
}

fn source_label(lang: Lang, s: sinergi_core::submission::Source) -> String {
    tr(
        lang,
        match s {
            sinergi_core::submission::Source::Collect => k!("fm_source_collect"),
            sinergi_core::submission::Source::Paper => k!("fm_source_paper"),
            sinergi_core::submission::Source::App => k!("fm_source_app"),
        },
    )
}

/// The page's filters (`status`, `sumber`, `dari`, `sampai`, `versi`, `hal`) as the API's.
fn params(q: &[(String, String)]) -> (SubmissionParams, i64) {
    let get = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let page = get("hal")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    (
        SubmissionParams {
            version: get("versi"),
            review_state: get("status"),
            source: get("sumber"),
            from: get("dari"),
            to: get("sampai"),
            sort: None,
            limit: Some(PAGE as u32),
            offset: u32::try_from((page - 1) * PAGE).ok(),
        },
        page,
    )
}

/// `GET /formulir/{id}/kiriman`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let (p, number) = params(&q);
    let filter = match filter_of(&p) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let list = match st.app.submissions(&page.authed.actor, id, &filter).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let columns = match st.app.submission_columns(&list.form).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    // A partner reading shared answers has no page of the form itself.
    let own_form = st.app.form_view(&page.authed.actor, id).await.is_ok();
    let mut names = match Names::new(&st).await {
        Ok(n) => n,
        Err(e) => return page.error(e.0),
    };
    let zone = crate::ui::format::home_zone(&page);
    let mut rows = Vec::new();
    for (s, access) in list.submissions.iter().zip(&list.access) {
        let by = match names.user(&st, s.submitted_by).await {
            Ok(u) => u,
            Err(e) => return page.error(e.0),
        };
        let answers: Vec<String> = columns
            .iter()
            .map(|c| s.data.get(c).and_then(|v| v.as_str()).unwrap_or("").to_string())
            .collect();
        rows.push(context! {
            id => s.id.to_string(), at => zone.format(s.received_at), by => by,
            agency => names.agencies.get(&s.agency_id).cloned(),
            state => s.review_state.as_str(), state_label => state_label(lang, s.review_state),
            source => source_label(lang, s.source), paper => s.source == sinergi_core::submission::Source::Paper,
            edits => s.edits, answers => answers,
            shared => *access != sinergi_core::sharing::Form::Full,
        });
    }
    let query = |n: i64| {
        let mut parts: Vec<String> = q
            .iter()
            .filter(|(k, v)| k != "hal" && !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", path_part(v)))
            .collect();
        parts.push(format!("hal={n}"));
        format!("?{}", parts.join("&"))
    };
    let export_query: Vec<String> = q
        .iter()
        .filter(|(k, v)| k != "hal" && !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", path_part(v)))
        .collect();
    let states: Vec<Value> = ReviewState::ALL
        .iter()
        .map(|s| context! { value => s.as_str(), label => state_label(lang, *s) })
        .collect();
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    render(
        StatusCode::OK,
        "formulir_kiriman.html",
        context! {
            form => context! { id => list.form.id.to_string(), title => list.form.title.as_str(), form_id => list.form.xml_id.as_str() },
            columns => columns,
            rows => rows,
            total => list.total,
            states => states,
            filter => context! { status => get("status"), sumber => get("sumber"), dari => get("dari"), sampai => get("sampai") },
            prev => (number > 1).then(|| query(number - 1)),
            next => (number * PAGE < list.total).then(|| query(number + 1)),
            page_number => number,
            csv => format!("/formulir/{}/kiriman.csv{}", list.form.id,
                if export_query.is_empty() { String::new() } else { format!("?{}", export_query.join("&")) }),
            geojson => format!("/formulir/{}/kiriman.geojson{}", list.form.id,
                if export_query.is_empty() { String::new() } else { format!("?{}", export_query.join("&")) }),
            own_form => own_form,
            odk_zip => format!("/formulir/{}/kiriman.zip{}", list.form.id,
                if export_query.is_empty() { String::new() } else { format!("?{}", export_query.join("&")) }),
            xlsx => format!("/formulir/{}/kiriman.xlsx{}", list.form.id,
                if export_query.is_empty() { String::new() } else { format!("?{}", export_query.join("&")) }),
            ..page_ctx(&page, "forms")
        },
    )
}

/// `GET /formulir/{id}/kiriman.geojson`: the table's submissions as GeoJSON.
pub(crate) async fn geojson(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    export(&st, &page, &id, q, super::exports::Format::GeoJson).await
}

/// `GET /formulir/{id}/kiriman.xlsx`: the table's submissions as one XLSX sheet.
pub(crate) async fn xlsx(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    export(&st, &page, &id, q, super::exports::Format::Xlsx).await
}

/// `GET /formulir/{id}/kiriman.zip`: the table's submissions as ODK Central's csv.zip.
pub(crate) async fn odk_zip(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    export(&st, &page, &id, q, super::exports::Format::OdkZip).await
}

async fn export(
    st: &AppState,
    page: &Page,
    id: &str,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
    format: super::exports::Format,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    super::exports::page_export(st, page, id, filter_of(&params(&q).0), format).await
}

/// `GET /formulir/{id}/kiriman.csv`: the table's submissions, every page, as CSV.
pub(crate) async fn csv(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let filter = match filter_of(&params(&q).0) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    match csv_response(&st, &page.authed.actor, id, filter).await {
        Ok(r) => r,
        Err(e) => page.error(e.0),
    }
}

/// `GET /kiriman/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    detail_page(&st, &page, &id, StatusCode::OK, Vec::new()).await
}

async fn detail_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let Some(id) = SubmissionId::parse(id) else {
        return page.error(AppError::NotFound);
    };
    let v = match st.app.submission_view(&page.authed.actor, id).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let mut names = match Names::new(st).await {
        Ok(n) => n,
        Err(e) => return page.error(e.0),
    };
    let zone = crate::ui::format::home_zone(page);
    let s = &v.submission;
    let by = match names.user(st, s.submitted_by).await {
        Ok(u) => u,
        Err(e) => return page.error(e.0),
    };
    // The answers in the form's order; a repeat's items listed under its name.
    let answers: Vec<Value> = v
        .schema
        .columns
        .iter()
        .map(|c| context! { name => c, value => s.data.get(c).and_then(|x| x.as_str()).unwrap_or("") })
        .collect();
    let repeats: Vec<Value> = v
        .schema
        .repeats
        .iter()
        .filter(|r| !r.contains('/'))
        .map(|r| {
            let cols = v.schema.repeat_columns(r);
            let items: Vec<Vec<String>> = s
                .data
                .get(r)
                .and_then(|x| x.as_array())
                .map(|a| {
                    a.iter()
                        .map(|item| {
                            cols.iter()
                                .map(|c| item.get(c).and_then(|x| x.as_str()).unwrap_or("").to_string())
                                .collect()
                        })
                        .collect()
                })
                .unwrap_or_default();
            context! { name => r, columns => cols, items => items }
        })
        .collect();
    let files: Vec<Value> = v
        .files
        .iter()
        .map(|f| {
            context! {
                name => f.name.as_str(), received => f.sha256.is_some(),
                image => f.content_type.as_deref().is_some_and(|t| t.starts_with("image/")),
                href => format!("/kiriman/{}/berkas/{}", s.id, path_part(&f.name)),
            }
        })
        .collect();
    let mut history = Vec::new();
    for i in &v.instances {
        let who = match names.user(st, i.submitted_by).await {
            Ok(u) => u,
            Err(e) => return page.error(e.0),
        };
        history.push(context! { instance => i.instance_id.as_str(), at => zone.format(i.received_at), by => who, edit => i.deprecated_id.is_some() });
    }
    let mut reviews = Vec::new();
    for r in &v.reviews {
        let who = match names.user(st, r.reviewed_by).await {
            Ok(u) => u,
            Err(e) => return page.error(e.0),
        };
        reviews.push(context! { state => state_label(lang, r.state), comment => r.comment.as_str(), at => zone.format(r.reviewed_at), by => who });
    }
    let geometry = s.lon.zip(s.lat).map(|(lon, lat)| {
        serde_json::json!({"type": "Point", "coordinates": [lon, lat]})
    });
    let states: Vec<Value> = ReviewState::ALL
        .iter()
        .filter(|r| **r != ReviewState::Received)
        .map(|r| context! { value => r.as_str(), label => state_label(lang, *r) })
        .collect();
    let shared_notice = crate::features::sharing::ui::referrals::delivered_notice(
        lang, &v.access, &[], None, false,
    );
    render(
        status,
        "formulir_kiriman_detail.html",
        context! {
            shared_notice => shared_notice,
            form => context! { id => v.form.id.to_string(), title => v.form.title.as_str() },
            s => context! {
                id => s.id.to_string(), instance => s.root_instance_id.as_str(),
                at => zone.format(s.received_at), by => by,
                paper_on => (s.source == sinergi_core::submission::Source::Paper)
                    .then(|| s.answered_at.with_timezone(&zone.offset()).date_naive().to_string()),
                agency => names.agencies.get(&s.agency_id).cloned(),
                version => v.version.version.as_str(), number => v.version.number,
                state => s.review_state.as_str(), state_label => state_label(lang, s.review_state),
                source => source_label(lang, s.source), edits => s.edits,
            },
            answers => answers,
            repeats => repeats,
            files => files,
            history => history,
            reviews => reviews,
            may_review => v.may_review,
            states => states,
            errors => errors,
            has_map => geometry.is_some(),
            geometry_json => crate::ui::render::json_for_script(&geometry.unwrap_or(serde_json::Value::Null)),
            ..page_ctx(page, "forms")
        },
    )
}

/// `POST /kiriman/{id}/periksa`: records a review, then shows the submission.
pub(crate) async fn review(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(sid) = SubmissionId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let lang = page.lang;
    let Some(state) = ReviewState::parse(&f.text("status")).filter(|s| *s != ReviewState::Received) else {
        let m = tr(lang, k!("fm_review_pick_state"));
        return detail_page(&st, &page, &id, UNPROCESSABLE, vec![m]).await;
    };
    match st
        .app
        .review_submission(&page.authed.actor, sid, state, &f.text("catatan"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/kiriman/{sid}")).into_response(),
        Err(AppError::Validation(v)) => {
            let lines = v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect();
            detail_page(&st, &page, &id, UNPROCESSABLE, lines).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /kiriman/{id}/berkas/{name}`: a received photo of a submission.
pub(crate) async fn file(
    State(st): State<AppState>,
    page: Page,
    Path((id, name)): Path<(String, String)>,
) -> Response {
    let Some(id) = SubmissionId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.submission_file(&page.authed.actor, id, &name).await {
        Ok((f, bytes)) => {
            let mut resp = bytes.into_response();
            let ct = f.content_type.unwrap_or_else(|| "application/octet-stream".into());
            if let Ok(v) = HeaderValue::from_str(&ct) {
                resp.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            resp
        }
        Err(e) => page.error(e),
    }
}
