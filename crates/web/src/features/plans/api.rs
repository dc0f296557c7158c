//! The plans API (ADR 23): a group's plans, a plan with its whole tree and computed
//! progress, its nodes, and changes to a node (its progress, status or place).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::plans::PlanTree;
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::ids::{AgencyId, GroupId, PlanId, PlanNodeId};
use sinergi_core::input::Body as _;
use sinergi_core::plan::{
    elapsed_pct, stage_reached, tree_order, NewPlanBody, NodeBody, Plan, PlanNode,
    PlanPatchBody, Progress,
};
use utoipa_axum::routes;

use super::types::{
    ActivityView, EvidenceView, ParticipantsView, PlanList, PlanNodeList, PlanNodeView,
    PlanTreeView, PlanView, ProgressView,
};
use crate::api_common::{if_match, parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P412, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The plans routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_plans, create_plan)),
        route(routes!(get_plan, patch_plan)),
        route(routes!(list_nodes, create_node)),
        route(routes!(get_node, patch_node)),
    ]
}

pub(crate) fn group_id(s: &str) -> ApiResult<GroupId> {
    GroupId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn plan_id(s: &str) -> ApiResult<PlanId> {
    PlanId::parse(s).ok_or(ApiError(AppError::NotFound))
}

pub(crate) fn node_id(s: &str) -> ApiResult<PlanNodeId> {
    PlanNodeId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// Every agency's code by id.
pub(crate) async fn agency_codes(st: &AppState) -> ApiResult<HashMap<AgencyId, String>> {
    Ok(st
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a.code.to_string()))
        .collect())
}

pub(crate) fn plan_view(p: &Plan) -> PlanView {
    PlanView {
        id: p.id.0,
        group: p.group_id.0,
        kind: p.kind.as_str().into(),
        title: p.title.clone(),
        description: p.description.clone(),
        period_from: p.period_from.to_string(),
        period_until: p.period_until.to_string(),
        version: p.version,
        created_at: p.created_at.to_rfc3339(),
        updated_at: p.updated_at.to_rfc3339(),
    }
}

/// A node as answered: agencies by code, evidence with the titles the actor may see,
/// progress on `tree.today`.
pub(crate) async fn node_view(
    st: &AppState,
    actor: &Actor,
    n: &PlanNode,
    depth: usize,
    tree: &PlanTree,
    codes: &HashMap<AgencyId, String>,
) -> ApiResult<PlanNodeView> {
    let titles = st.app.evidence_titles(actor, &n.evidence).await?;
    let progress = Progress::of(n, &tree.plan, tree.today);
    Ok(PlanNodeView {
        id: n.id.0,
        plan: n.plan_id.0,
        parent: n.parent_id.map(|p| p.0),
        depth,
        position: n.position,
        kind: n.kind.as_str().into(),
        title: n.title.clone(),
        description: n.description.clone(),
        responsible: codes.get(&n.responsible_agency_id).cloned(),
        supporting: n
            .supporting
            .iter()
            .filter_map(|a| codes.get(a).cloned())
            .collect(),
        starts_on: n.starts_on.map(|d| d.to_string()),
        ends_on: n.ends_on.map(|d| d.to_string()),
        budget: n.budget,
        funding_source: n.funding_source.clone(),
        indicator: n.target.as_ref().map(|t| t.indicator.clone()),
        unit: n.target.as_ref().and_then(|t| t.unit.clone()),
        target: n.target.as_ref().map(|t| t.value),
        achieved: n.achieved,
        status: n.status.as_str().into(),
        activity: n.activity.as_ref().map(|a| ActivityView {
            kind: a.kind.as_str().into(),
            participants: a
                .participants
                .iter()
                .map(|p| ParticipantsView {
                    agency: codes.get(&p.agency_id).cloned(),
                    male: p.male,
                    female: p.female,
                })
                .collect(),
            materials: a.materials.clone(),
            area: a.area.clone(),
            audience: a.audience.clone(),
            boards: a.boards,
            dataset: a.dataset.clone(),
            agreement: a.agreement_id.map(|x| x.0),
        }),
        evidence: n
            .evidence
            .iter()
            .zip(titles)
            .map(|(e, title)| EvidenceView {
                kind: e.kind.as_str().into(),
                id: e.id,
                url: e.url.clone(),
                href: e.href(),
                visible: e.id.is_none() || title.is_some(),
                title,
            })
            .collect(),
        progress: ProgressView {
            achieved_pct: progress.achieved_pct,
            elapsed_pct: progress.elapsed_pct,
            behind: progress.behind,
        },
        version: n.version,
        created_at: n.created_at.to_rfc3339(),
        updated_at: n.updated_at.to_rfc3339(),
    })
}

/// The depth of each node in the tree, by id.
fn depths(nodes: &[PlanNode]) -> HashMap<PlanNodeId, usize> {
    let mut out: HashMap<PlanNodeId, usize> = HashMap::new();
    for n in tree_order(nodes) {
        let d = n
            .parent_id
            .and_then(|p| out.get(&p).map(|d| d + 1))
            .unwrap_or(0);
        out.insert(n.id, d);
    }
    out
}

/// Every node in the order the tree is read.
pub(crate) async fn node_views(
    st: &AppState,
    actor: &Actor,
    tree: &PlanTree,
) -> ApiResult<Vec<PlanNodeView>> {
    let codes = agency_codes(st).await?;
    let depth = depths(&tree.nodes);
    let mut out = Vec::with_capacity(tree.nodes.len());
    for n in tree_order(&tree.nodes) {
        let d = depth.get(&n.id).copied().unwrap_or(0);
        out.push(node_view(st, actor, n, d, tree, &codes).await?);
    }
    Ok(out)
}

/// One node as answered, counted in its plan's tree.
async fn one_node_view(st: &AppState, actor: &Actor, n: &PlanNode) -> ApiResult<PlanNodeView> {
    let tree = st.app.plan_tree(actor, n.plan_id).await?;
    let depth = depths(&tree.nodes).get(&n.id).copied().unwrap_or(0);
    let codes = agency_codes(st).await?;
    node_view(st, actor, n, depth, &tree, &codes).await
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// An answer with the record's ETag (and, for a new record, its address).
fn tagged(status: StatusCode, body: impl serde::Serialize, version: i64, location: Option<String>) -> Response {
    let mut resp = (status, Json(body)).into_response();
    resp.headers_mut().insert(header::ETAG, etag(version));
    if let Some(loc) = location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    resp
}

#[utoipa::path(get, path = "/groups/{id}/plans", tag = "plans",
    summary = "A working group's plans, the earliest period first",
    params(("id" = String, Path, description = "The group's UUID")),
    responses((status = 200, description = "The plans", body = PlanList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_plans(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanList>> {
    let plans = st.app.plans_of(&a.actor, group_id(&id)?).await?;
    Ok(Json(PlanList {
        plans: plans.iter().map(plan_view).collect(),
    }))
}

#[utoipa::path(post, path = "/groups/{id}/plans", tag = "plans",
    summary = "Draw up a plan of the group (joint work plan, action plan, roadmap, programme)",
    params(("id" = String, Path, description = "The group's UUID")),
    request_body = NewPlanBody,
    responses((status = 201, description = "The plan, with an ETag", body = PlanView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_plan(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let body = NewPlanBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st.app.create_plan(&a.actor, id, &body).await?;
    Ok(tagged(
        StatusCode::CREATED,
        plan_view(&p),
        p.version,
        Some(format!("/api/v1/plans/{}", p.id)),
    ))
}

#[utoipa::path(get, path = "/plans/{id}", tag = "plans",
    summary = "A plan with its whole tree and each node's progress against its target and the time gone",
    params(("id" = String, Path, description = "The plan's UUID")),
    responses((status = 200, description = "The plan and its tree, with the plan's ETag", body = PlanTreeView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_plan(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let tree = st.app.plan_tree(&a.actor, plan_id(&id)?).await?;
    let nodes = node_views(&st, &a.actor, &tree).await?;
    let view = PlanTreeView {
        plan: plan_view(&tree.plan),
        today: tree.today.to_string(),
        elapsed_pct: elapsed_pct(tree.plan.period_from, tree.plan.period_until, tree.today),
        stage_reached: stage_reached(&tree.nodes).map(|n| n.0),
        nodes,
    };
    Ok(tagged(StatusCode::OK, view, tree.plan.version, None))
}

#[utoipa::path(patch, path = "/plans/{id}", tag = "plans",
    summary = "Change a plan's kind, title, description or period",
    params(("id" = String, Path, description = "The plan's UUID"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = PlanPatchBody,
    responses((status = 200, description = "The changed plan", body = PlanView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_plan(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = plan_id(&id)?;
    let body = PlanPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let p = st
        .app
        .update_plan(&a.actor, id, if_match(&headers), &body)
        .await?;
    Ok(tagged(StatusCode::OK, plan_view(&p), p.version, None))
}

#[utoipa::path(get, path = "/plans/{id}/nodes", tag = "plans",
    summary = "A plan's nodes in the order the tree is read, with their progress",
    params(("id" = String, Path, description = "The plan's UUID")),
    responses((status = 200, description = "The nodes", body = PlanNodeList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_nodes(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<PlanNodeList>> {
    let tree = st.app.plan_tree(&a.actor, plan_id(&id)?).await?;
    Ok(Json(PlanNodeList {
        nodes: node_views(&st, &a.actor, &tree).await?,
    }))
}

#[utoipa::path(post, path = "/plans/{id}/nodes", tag = "plans",
    summary = "Add a goal, programme, activity or stage to a plan, under a node of the same plan or at the top",
    params(("id" = String, Path, description = "The plan's UUID")),
    request_body = NodeBody,
    responses((status = 201, description = "The node, with an ETag", body = PlanNodeView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_node(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = plan_id(&id)?;
    let body = NodeBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let n = st.app.create_plan_node(&a.actor, id, &body).await?;
    let view = one_node_view(&st, &a.actor, &n).await?;
    Ok(tagged(
        StatusCode::CREATED,
        view,
        n.version,
        Some(format!("/api/v1/plan-nodes/{}", n.id)),
    ))
}

#[utoipa::path(get, path = "/plan-nodes/{id}", tag = "plans",
    summary = "A node of a plan, with its progress",
    params(("id" = String, Path, description = "The node's UUID")),
    responses((status = 200, description = "The node, with an ETag", body = PlanNodeView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_node(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (n, _, _) = st.app.plan_node_for(&a.actor, node_id(&id)?).await?;
    let view = one_node_view(&st, &a.actor, &n).await?;
    Ok(tagged(StatusCode::OK, view, n.version, None))
}

#[utoipa::path(patch, path = "/plan-nodes/{id}", tag = "plans",
    summary = "Change a node: its fields, progress and status, or its place (parent: another node of the plan, null for the top)",
    params(("id" = String, Path, description = "The node's UUID"),
        ("If-Match" = Option<String>, Header, description = "The ETag from GET; a stale one is refused")),
    request_body = NodeBody,
    responses((status = 200, description = "The changed node", body = PlanNodeView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_node(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = node_id(&id)?;
    let body = NodeBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let n = st
        .app
        .update_plan_node(&a.actor, id, if_match(&headers), &body)
        .await?;
    let view = one_node_view(&st, &a.actor, &n).await?;
    Ok(tagged(StatusCode::OK, view, n.version, None))
}
