//! The submissions API (ADR 34): a form's submissions as a page (filters, order, paging)
//! or streamed as CSV; one submission with its history, files and reviews; its files;
//! reviewing it.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::{stream, StreamExt};
use sinergi_app::submissions::{csv_header, csv_row, SubmissionFilter, SubmissionView as AppView};
use sinergi_app::AppError;
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::submission::{ReviewState, Source, Submission, SubmissionId};
use utoipa_axum::routes;

use super::api::form_id;
use super::types::{
    ReviewRequest, SubmissionDetail, SubmissionFileView, SubmissionInstanceView, SubmissionList,
    SubmissionReviewView, SubmissionSummary,
};
use crate::api_common::{parse_json, query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P403, P404, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The submission routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_submissions)),
        route(routes!(export_submissions)),
        route(routes!(get_submission)),
        route(routes!(review)),
        route(routes!(get_file)),
    ]
}

/// The filters of a form's submissions.
#[derive(serde::Deserialize, utoipa::IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SubmissionParams {
    /// Only those made with this version number (1, 2, …).
    pub version: Option<String>,
    /// received, approved, has_issues or rejected.
    pub review_state: Option<String>,
    /// collect, paper or app.
    pub source: Option<String>,
    /// Received on or after this day (YYYY-MM-DD, UTC).
    pub from: Option<String>,
    /// Received before the end of this day (YYYY-MM-DD, UTC).
    pub to: Option<String>,
    /// `received` (oldest first) or `-received` (newest first, the default).
    pub sort: Option<String>,
    /// At most this many (1–1000, default 50).
    pub limit: Option<u32>,
    /// Skip this many.
    pub offset: Option<u32>,
}

fn day(s: &str) -> Option<DateTime<Utc>> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// Reads the filters, naming each that is wrong.
pub(crate) fn filter_of(q: &SubmissionParams) -> Result<SubmissionFilter, AppError> {
    let mut errs = sinergi_core::ValidationErrors::new();
    let given = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let mut f = SubmissionFilter {
        limit: 50,
        ..SubmissionFilter::default()
    };
    if let Some(v) = given(&q.version) {
        match v.parse::<i32>() {
            Ok(n) if n >= 1 => f.version_number = Some(n),
            _ => errs.push("version", sinergi_core::msg!("whole-number", "must be a whole number from 1")),
        }
    }
    if let Some(v) = given(&q.review_state) {
        match ReviewState::parse(&v) {
            Some(r) => f.review_state = Some(r),
            None => errs.push(
                "review_state",
                sinergi_core::msg!(
                    "case-keyword-invalid",
                    "must be one of {values}",
                    values = "received, approved, has_issues, rejected"
                ),
            ),
        }
    }
    if let Some(v) = given(&q.source) {
        match Source::parse(&v) {
            Some(s) => f.source = Some(s),
            None => errs.push(
                "source",
                sinergi_core::msg!("case-keyword-invalid", "must be one of {values}", values = "collect, paper, app"),
            ),
        }
    }
    for (name, value, end) in [("from", &q.from, false), ("to", &q.to, true)] {
        if let Some(v) = given(value) {
            match day(&v) {
                Some(t) if end => f.received_before = Some(t + chrono::Duration::days(1)),
                Some(t) => f.received_from = Some(t),
                None => errs.push(name, sinergi_core::msg!("date-invalid", "must be a date YYYY-MM-DD")),
            }
        }
    }
    match given(&q.sort).as_deref() {
        None | Some("-received") => {}
        Some("received") => f.oldest_first = true,
        Some(_) => errs.push(
            "sort",
            sinergi_core::msg!("case-keyword-invalid", "must be one of {values}", values = "received, -received"),
        ),
    }
    if let Some(v) = q.limit {
        match i64::from(v) {
            n if (1..=1000).contains(&n) => f.limit = n,
            _ => errs.push(
                "limit",
                sinergi_core::msg!("case-limit-invalid", "must be a whole number from 1 to {max}", max = 1000),
            ),
        }
    }
    if let Some(v) = q.offset {
        f.offset = i64::from(v);
    }
    if errs.is_empty() {
        Ok(f)
    } else {
        Err(AppError::Validation(errs))
    }
}

/// Who submitted, by user name, looked up once per user.
pub(crate) struct Names {
    users: HashMap<UserId, String>,
    pub(crate) agencies: HashMap<AgencyId, String>,
}

impl Names {
    pub(crate) async fn new(st: &AppState) -> ApiResult<Names> {
        Ok(Names {
            users: HashMap::new(),
            agencies: agency_codes(st).await?,
        })
    }
    pub(crate) async fn user(&mut self, st: &AppState, id: UserId) -> ApiResult<String> {
        if let Some(n) = self.users.get(&id) {
            return Ok(n.clone());
        }
        let name = st
            .app
            .user_by_id(id)
            .await?
            .map(|u| u.username.as_str().to_string())
            .unwrap_or_default();
        self.users.insert(id, name.clone());
        Ok(name)
    }
}

pub(crate) async fn summary(
    st: &AppState,
    names: &mut Names,
    s: &Submission,
    access: &sinergi_core::sharing::Form,
) -> ApiResult<SubmissionSummary> {
    Ok(SubmissionSummary {
        id: s.id.0,
        instance_id: s.root_instance_id.clone(),
        version: s.version_number,
        agency: names.agencies.get(&s.agency_id).cloned(),
        submitted_by: names.user(st, s.submitted_by).await?,
        source: s.source.as_str().to_string(),
        review_state: s.review_state.as_str().to_string(),
        received_at: s.received_at.to_rfc3339(),
        answered_at: s.answered_at.to_rfc3339(),
        updated_at: s.updated_at.to_rfc3339(),
        edits: s.edits,
        location: s.lon.zip(s.lat).map(|(lon, lat)| [lon, lat]),
        data: s.data.clone(),
        access: crate::features::reports::types::Access::of(access),
    })
}

fn params(q: Result<Query<SubmissionParams>, QueryRejection>) -> ApiResult<SubmissionParams> {
    q.map(|Query(q)| q).map_err(query_error)
}

/// A file name as one URL path segment.
pub(crate) fn path_part(s: &str) -> String {
    crate::api_common::urlencode(s)
}

fn submission_id(s: &str) -> ApiResult<SubmissionId> {
    SubmissionId::parse(s).ok_or(ApiError(AppError::NotFound))
}

#[utoipa::path(get, path = "/forms/{id}/submissions", tag = "forms",
    summary = "A page of a form's submissions you see (all of them for the form's agency and those above it; your agency's and those below it otherwise), the newest first",
    params(("id" = String, Path, description = "The form's UUID"), SubmissionParams),
    responses((status = 200, description = "The submissions", body = SubmissionList),
        (status = 401, response = P401), (status = 404, response = P404), (status = 422, response = P422)))]
async fn list_submissions(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SubmissionParams>, QueryRejection>,
) -> ApiResult<Json<SubmissionList>> {
    let f = filter_of(&params(q)?)?;
    let page = st.app.submissions(&a.actor, form_id(&id)?, &f).await?;
    let columns = st.app.submission_columns(&page.form).await?;
    let mut names = Names::new(&st).await?;
    let mut list = Vec::with_capacity(page.submissions.len());
    for (s, access) in page.submissions.iter().zip(&page.access) {
        list.push(summary(&st, &mut names, s, access).await?);
    }
    Ok(Json(SubmissionList {
        columns,
        total: page.total,
        submissions: list,
    }))
}

#[utoipa::path(get, path = "/forms/{id}/submissions.csv", tag = "forms",
    summary = "A form's submissions you see as CSV (one row each, the oldest first, one column per question outside repeats), streamed",
    params(("id" = String, Path, description = "The form's UUID"), SubmissionParams),
    responses((status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        (status = 401, response = P401), (status = 404, response = P404), (status = 422, response = P422)))]
async fn export_submissions(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SubmissionParams>, QueryRejection>,
) -> ApiResult<Response> {
    let f = filter_of(&params(q)?)?;
    csv_response(&st, &a.actor, form_id(&id)?, f).await
}

/// A form's submissions the actor sees as a CSV download, streamed page by page (a
/// keyset page of 500 at a time), so memory stays flat whatever their number.
pub(crate) async fn csv_response(
    st: &AppState,
    actor: &sinergi_core::access::Actor,
    form: sinergi_core::form::FormId,
    mut f: SubmissionFilter,
) -> ApiResult<Response> {
    f.oldest_first = true;
    f.limit = 500;
    f.offset = 0;
    // The first page answers errors (a form not seen) before the download starts.
    let first = st.app.submissions(actor, form, &f).await?;
    let columns = st.app.submission_columns(&first.form).await?;
    let file = format!("{}.csv", first.form.xml_id);
    let head = Bytes::from(csv_header(&columns));
    let names = Names::new(st).await?;
    let app_state = st.clone();
    let actor = actor.clone();
    let pages = stream::unfold(
        (Some((first.submissions, f)), names),
        move |(state, mut names)| {
            let st = app_state.clone();
            let actor = actor.clone();
            let columns = columns.clone();
            async move {
                let (list, mut f) = state?;
                let mut buf = String::new();
                for s in &list {
                    let user = match names.user(&st, s.submitted_by).await {
                        Ok(u) => u,
                        Err(_) => return Some((Err(std::io::Error::other("export failed")), (None, names))),
                    };
                    let agency = names.agencies.get(&s.agency_id).cloned().unwrap_or_default();
                    csv_row(&mut buf, s, &user, &agency, &columns);
                }
                let next = match list.last() {
                    Some(last) if list.len() as i64 == f.limit => {
                        f.after = Some((last.received_at, last.id));
                        f.skip_total = true;
                        match st.app.submissions(&actor, form, &f).await {
                            Ok(p) => Some((p.submissions, f)),
                            Err(e) => {
                                tracing::error!(error = %e, "export failed mid-stream");
                                return Some((Err(std::io::Error::other("export failed")), (None, names)));
                            }
                        }
                    }
                    _ => None,
                };
                Some((Ok(Bytes::from(buf)), (next, names)))
            }
        },
    );
    let body = stream::once(async move { Ok::<Bytes, std::io::Error>(head) }).chain(pages.fuse());
    let mut resp = Response::new(Body::from_stream(body));
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.replace('"', ""))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}

pub(crate) async fn detail(st: &AppState, v: &AppView) -> ApiResult<SubmissionDetail> {
    let mut names = Names::new(st).await?;
    let mut instances = Vec::new();
    for i in &v.instances {
        instances.push(SubmissionInstanceView {
            instance_id: i.instance_id.clone(),
            deprecated_id: i.deprecated_id.clone(),
            submitted_by: names.user(st, i.submitted_by).await?,
            received_at: i.received_at.to_rfc3339(),
        });
    }
    let mut reviews = Vec::new();
    for r in &v.reviews {
        reviews.push(SubmissionReviewView {
            state: r.state.as_str().to_string(),
            comment: r.comment.clone(),
            reviewed_by: names.user(st, r.reviewed_by).await?,
            reviewed_at: r.reviewed_at.to_rfc3339(),
        });
    }
    let s = &v.submission;
    Ok(SubmissionDetail {
        form: v.form.id.0,
        form_id: v.form.xml_id.clone(),
        submission: summary(st, &mut names, s, &v.access).await?,
        files: v
            .files
            .iter()
            .map(|f| SubmissionFileView {
                name: f.name.clone(),
                received: f.sha256.is_some(),
                content_type: f.content_type.clone(),
                size: f.size,
                href: f.sha256.as_ref().map(|_| {
                    format!("/api/v1/submissions/{}/files/{}", s.id, path_part(&f.name))
                }),
            })
            .collect(),
        instances,
        reviews,
        may_review: v.may_review,
    })
}

#[utoipa::path(get, path = "/submissions/{id}", tag = "forms",
    summary = "A submission you see, with its instances (edits), files and reviews",
    params(("id" = String, Path, description = "The submission's UUID")),
    responses((status = 200, description = "The submission", body = SubmissionDetail),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_submission(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<SubmissionDetail>> {
    let v = st.app.submission_view(&a.actor, submission_id(&id)?).await?;
    Ok(Json(detail(&st, &v).await?))
}

#[utoipa::path(post, path = "/submissions/{id}/review", tag = "forms",
    summary = "Review a submission: approved, has_issues or rejected, with a comment (required unless approved); coordinators of the form's agency or one above it",
    params(("id" = String, Path, description = "The submission's UUID")),
    request_body = ReviewRequest,
    responses((status = 200, description = "The submission reviewed", body = SubmissionDetail),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn review(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<SubmissionDetail>> {
    let v = parse_json(body)?;
    let state = match v.get("state") {
        Some(serde_json::Value::String(s)) => ReviewState::parse(s)
            .filter(|r| *r != ReviewState::Received)
            .ok_or_else(|| {
                ApiError(AppError::field(
                    "state",
                    sinergi_core::msg!("review-state", "must be approved, has_issues or rejected"),
                ))
            })?,
        Some(_) => return Err(ApiError(AppError::field("state", "must be text"))),
        None => return Err(ApiError(AppError::field("state", "is required"))),
    };
    let comment = match v.get("comment") {
        None | Some(serde_json::Value::Null) => "",
        Some(serde_json::Value::String(s)) => s.as_str(),
        Some(_) => return Err(ApiError(AppError::field("comment", "must be text"))),
    };
    let id = submission_id(&id)?;
    st.app.review_submission(&a.actor, id, state, comment).await?;
    let v = st.app.submission_view(&a.actor, id).await?;
    Ok(Json(detail(&st, &v).await?))
}

#[utoipa::path(get, path = "/submissions/{id}/files/{name}", tag = "forms",
    summary = "A file of a submission you see (a photo the form asked for)",
    params(("id" = String, Path, description = "The submission's UUID"),
        ("name" = String, Path, description = "The file's name as the instance names it")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_file(
    State(st): State<AppState>,
    a: Authed,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (f, bytes) = st.app.submission_file(&a.actor, submission_id(&id)?, &name).await?;
    let mut resp = bytes.into_response();
    let ct = f.content_type.unwrap_or_else(|| "application/octet-stream".into());
    if let Ok(v) = HeaderValue::from_str(&ct) {
        resp.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    Ok(resp)
}
