//! The area profiles API (ADR 25): profiles of kelurahan and desa by Kemendagri code, their
//! history, their monitoring posts and the posts' reports.

use std::collections::{BTreeMap, HashMap};

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::areas::{AreaFilter, PostStatus, Roadmap};
use sinergi_app::AppError;
use sinergi_core::area::{
    AreaBody, AreaProfile, Aspect, Assessment, NewPostBody, NewPostReportBody, PostReport,
};
use sinergi_core::ids::{AgencyId, AreaPostId, PlanNodeId, UserId};
use sinergi_core::input::Body as _;
use utoipa_axum::routes;

use super::types::{
    AreaHistory, AreaList, AreaVersionView, AreaView, AssessmentView, NeedsView, PostCountsView,
    PostList, PostReportList, PostReportView, PostView, RoadmapView, StageView,
};
use crate::api_common::{if_match, parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::features::plans::api::agency_codes;
use crate::openapi::{P401, P403, P404, P409, P412, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The area routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_areas, create_area)),
        route(routes!(get_area, patch_area)),
        route(routes!(area_history)),
        route(routes!(list_posts, create_post)),
        route(routes!(list_post_reports, create_post_report)),
    ]
}

pub(crate) fn post_id(s: &str) -> ApiResult<AreaPostId> {
    AreaPostId::parse(s).ok_or(ApiError(AppError::NotFound))
}

fn needs_view(n: &BTreeMap<Aspect, Assessment>) -> NeedsView {
    let v = |a: Aspect| {
        n.get(&a).map(|x| AssessmentView {
            note: x.note.clone(),
            rating: x.rating.map(|r| r.as_str().to_string()),
        })
    };
    NeedsView {
        natural_resources: v(Aspect::NaturalResources),
        human_resources: v(Aspect::HumanResources),
        institutions: v(Aspect::Institutions),
        infrastructure: v(Aspect::Infrastructure),
        entrepreneurship: v(Aspect::Entrepreneurship),
        csr_grants: v(Aspect::CsrGrants),
        capital_markets: v(Aspect::CapitalMarkets),
    }
}

fn stage_of(roadmap: Option<&Roadmap>, stage: Option<PlanNodeId>) -> (Option<String>, Option<usize>) {
    match (roadmap, stage) {
        (Some(r), Some(s)) => (
            r.stages.iter().find(|n| n.id == s).map(|n| n.title.clone()),
            r.stage_number(s),
        ),
        _ => (None, None),
    }
}

pub(crate) fn area_view(
    v: &sinergi_app::areas::AreaView,
    codes: &HashMap<AgencyId, String>,
) -> AreaView {
    let a = &v.profile;
    let (stage_title, stage_number) = stage_of(v.roadmap.as_ref(), a.stage_id);
    AreaView {
        code: a.code.clone(),
        name: v.name.clone(),
        owner: codes.get(&a.owner_agency_id).cloned(),
        condition: a.condition.as_str().into(),
        summary: a.summary.clone(),
        needs: needs_view(&a.needs),
        roadmap_id: a.roadmap_id.map(|p| p.0),
        roadmap: v.roadmap.as_ref().map(|r| RoadmapView {
            id: r.plan.id.0,
            title: r.plan.title.clone(),
            stages: r
                .stages
                .iter()
                .enumerate()
                .map(|(i, s)| StageView {
                    id: s.id.0,
                    number: i + 1,
                    title: s.title.clone(),
                    current: Some(s.id) == a.stage_id,
                    passed: stage_number.is_some_and(|n| i + 1 < n),
                })
                .collect(),
        }),
        stage: a.stage_id.map(|s| s.0),
        stage_title,
        stage_number,
        stage_since: a.stage_since.map(|d| d.to_string()),
        version: a.version,
        created_at: a.created_at.to_rfc3339(),
        updated_at: a.updated_at.to_rfc3339(),
    }
}

pub(crate) fn report_view(r: &PostReport) -> PostReportView {
    PostReportView {
        id: r.id.0,
        post: r.post_id.0,
        reported_on: r.reported_on.to_string(),
        summary: r.summary.clone(),
        counts: PostCountsView {
            incidents: r.counts.incidents,
            outreach: r.counts.outreach,
            referrals: r.counts.referrals,
        },
        created_at: r.created_at.to_rfc3339(),
    }
}

pub(crate) fn post_view(p: &PostStatus, codes: &HashMap<AgencyId, String>) -> PostView {
    PostView {
        id: p.post.id.0,
        area: p.post.area_code.clone(),
        name: p.post.name.clone(),
        lon: p.post.lon,
        lat: p.post.lat,
        responsible: codes.get(&p.post.responsible_agency_id).cloned(),
        cadence_days: p.post.cadence_days,
        last_report: p.last.as_ref().map(report_view),
        due: p.due.to_string(),
        overdue: p.overdue,
        created_at: p.post.created_at.to_rfc3339(),
    }
}

/// The history as answered: each version with its stage's title (when the reader sees
/// the roadmap) and whether the stage changed from the version before.
pub(crate) async fn history_views(
    st: &AppState,
    versions: &[sinergi_core::area::AreaVersion],
    roadmap: Option<&Roadmap>,
) -> ApiResult<Vec<AreaVersionView>> {
    let mut names: HashMap<UserId, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(versions.len());
    for (i, v) in versions.iter().enumerate() {
        let p: &AreaProfile = &v.profile;
        let before = versions.get(i + 1).map(|b| b.profile.stage_id);
        let name = match names.get(&v.changed_by) {
            Some(n) => n.clone(),
            None => {
                let n = st.app.user_by_id(v.changed_by).await?.map(|u| u.username.to_string());
                names.insert(v.changed_by, n.clone());
                n
            }
        };
        let r = roadmap.filter(|r| Some(r.plan.id) == p.roadmap_id);
        let (stage_title, stage_number) = stage_of(r, p.stage_id);
        out.push(AreaVersionView {
            version: p.version,
            changed_by: name,
            changed_at: v.changed_at.to_rfc3339(),
            condition: p.condition.as_str().into(),
            summary: p.summary.clone(),
            needs: needs_view(&p.needs),
            roadmap_id: p.roadmap_id.map(|x| x.0),
            stage: p.stage_id.map(|x| x.0),
            stage_title,
            stage_number,
            stage_since: p.stage_since.map(|d| d.to_string()),
            stage_changed: match before {
                Some(b) => b != p.stage_id,
                None => p.stage_id.is_some(),
            },
        });
    }
    Ok(out)
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

fn tagged(status: StatusCode, body: impl serde::Serialize, version: Option<i64>, location: Option<String>) -> Response {
    let mut resp = (status, Json(body)).into_response();
    if let Some(v) = version {
        resp.headers_mut().insert(header::ETAG, etag(v));
    }
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

/// Which profiles a list holds.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AreaQuery {
    /// A Kemendagri code prefix: `31` (a province), `31.73` (a city), `31.73.07` (a
    /// district) …
    pub region: Option<String>,
    /// The UUID of a roadmap stage: only the areas that have reached it.
    pub stage: Option<String>,
}

#[utoipa::path(get, path = "/areas", tag = "areas",
    summary = "The area profiles you see, by code, narrowed by region and stage",
    params(AreaQuery),
    responses((status = 200, description = "The profiles", body = AreaList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_areas(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<AreaQuery>, QueryRejection>,
) -> ApiResult<Json<AreaList>> {
    let q = q.ok().map(|Query(q)| q);
    let mut filter = AreaFilter::default();
    if let Some(q) = q {
        if let Some(r) = q.region.filter(|r| !r.trim().is_empty()) {
            if !r.trim().bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(AppError::field(
                    "region",
                    sinergi_core::msg!(
                        "area-region-invalid",
                        "must be the start of a Kemendagri code, such as 31.73"
                    ),
                )
                .into());
            }
            filter.region = Some(r.trim().to_string());
        }
        if let Some(s) = q.stage.filter(|s| !s.trim().is_empty()) {
            filter.stage = Some(PlanNodeId::parse(s.trim()).ok_or_else(|| {
                AppError::field("stage", sinergi_core::msg!("uuid-invalid", "must be a UUID"))
            })?);
        }
    }
    let codes = agency_codes(&st).await?;
    let areas = st.app.areas(&a.actor, &filter).await?;
    Ok(Json(AreaList {
        areas: areas.iter().map(|v| area_view(v, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/areas", tag = "areas",
    summary = "Create the profile of a kelurahan or desa for your agency",
    request_body = AreaBody,
    responses((status = 201, description = "The profile, with an ETag", body = AreaView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn create_area(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = AreaBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st.app.create_area(&a.actor, &body).await?;
    let v = st.app.area_for(&a.actor, &p.code).await?;
    let codes = agency_codes(&st).await?;
    Ok(tagged(
        StatusCode::CREATED,
        area_view(&v, &codes),
        Some(p.version),
        Some(format!("/api/v1/areas/{}", p.code)),
    ))
}

#[utoipa::path(get, path = "/areas/{code}", tag = "areas",
    summary = "An area profile: its needs assessment, roadmap and stage",
    params(("code" = String, Path, description = "The village's Kemendagri code")),
    responses((status = 200, description = "The profile, with an ETag", body = AreaView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_area(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let v = st.app.area_for(&a.actor, &code).await?;
    let codes = agency_codes(&st).await?;
    Ok(tagged(StatusCode::OK, area_view(&v, &codes), Some(v.profile.version), None))
}

#[utoipa::path(patch, path = "/areas/{code}", tag = "areas",
    summary = "Change an area profile (condition, summary, needs, roadmap, stage); the previous version is kept",
    params(("code" = String, Path, description = "The village's Kemendagri code"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = AreaBody,
    responses((status = 200, description = "The changed profile", body = AreaView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_area(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = AreaBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st
        .app
        .update_area(&a.actor, &code, if_match(&headers), &body)
        .await?;
    let v = st.app.area_for(&a.actor, &p.code).await?;
    let codes = agency_codes(&st).await?;
    Ok(tagged(StatusCode::OK, area_view(&v, &codes), Some(p.version), None))
}

#[utoipa::path(get, path = "/areas/{code}/history", tag = "areas",
    summary = "Every version of an area profile, the newest first, with stage changes",
    params(("code" = String, Path, description = "The village's Kemendagri code")),
    responses((status = 200, description = "The versions", body = AreaHistory),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn area_history(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Json<AreaHistory>> {
    let v = st.app.area_for(&a.actor, &code).await?;
    let versions = st.app.area_history(&a.actor, &code).await?;
    Ok(Json(AreaHistory {
        versions: history_views(&st, &versions, v.roadmap.as_ref()).await?,
    }))
}

#[utoipa::path(get, path = "/areas/{code}/posts", tag = "areas",
    summary = "An area's monitoring posts (posko), each with its latest report and whether one is overdue",
    params(("code" = String, Path, description = "The village's Kemendagri code")),
    responses((status = 200, description = "The posts", body = PostList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_posts(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
) -> ApiResult<Json<PostList>> {
    let posts = st.app.area_posts(&a.actor, &code).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(PostList {
        posts: posts.iter().map(|p| post_view(p, &codes)).collect(),
    }))
}

#[utoipa::path(post, path = "/areas/{code}/posts", tag = "areas",
    summary = "Set up a monitoring post (posko) of an area",
    params(("code" = String, Path, description = "The village's Kemendagri code")),
    request_body = NewPostBody,
    responses((status = 201, description = "The post", body = PostView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn create_post(
    State(st): State<AppState>,
    a: Authed,
    Path(code): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewPostBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st.app.create_area_post(&a.actor, &code, &body).await?;
    let posts = st.app.area_posts(&a.actor, &code).await?;
    let codes = agency_codes(&st).await?;
    let view = posts
        .iter()
        .find(|s| s.post.id == p.id)
        .map(|s| post_view(s, &codes))
        .ok_or(ApiError(AppError::NotFound))?;
    Ok(tagged(
        StatusCode::CREATED,
        view,
        None,
        Some(format!("/api/v1/areas/{}/posts/{}/reports", p.area_code, p.id)),
    ))
}

#[utoipa::path(get, path = "/areas/{code}/posts/{post}/reports", tag = "areas",
    summary = "A post's reports, the latest day first",
    params(("code" = String, Path, description = "The village's Kemendagri code"),
        ("post" = String, Path, description = "The post's UUID")),
    responses((status = 200, description = "The reports", body = PostReportList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_post_reports(
    State(st): State<AppState>,
    a: Authed,
    Path((code, post)): Path<(String, String)>,
) -> ApiResult<Json<PostReportList>> {
    let (_, reports) = st
        .app
        .post_reports(&a.actor, &code, post_id(&post)?)
        .await?;
    Ok(Json(PostReportList {
        reports: reports.iter().map(report_view).collect(),
    }))
}

#[utoipa::path(post, path = "/areas/{code}/posts/{post}/reports", tag = "areas",
    summary = "File a post's periodic report (date, summary, counts)",
    params(("code" = String, Path, description = "The village's Kemendagri code"),
        ("post" = String, Path, description = "The post's UUID")),
    request_body = NewPostReportBody,
    responses((status = 201, description = "The report", body = PostReportView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn create_post_report(
    State(st): State<AppState>,
    a: Authed,
    Path((code, post)): Path<(String, String)>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let post = post_id(&post)?;
    let body = NewPostReportBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let r = st
        .app
        .create_post_report(&a.actor, &code, post, &body)
        .await?;
    Ok(tagged(StatusCode::CREATED, report_view(&r), None, None))
}
