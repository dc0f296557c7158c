//! The dashboards API (ADR 26): a working group's dashboard, what the caller's agency owes
//! to whom, a group's action items, and the coordination exports (CSV or XLSX) of a
//! group's action items and meetings, a plan's tree and the overdue-by-agency table.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Json;
use sinergi_app::dashboards::{AwaitedAnswer, GroupDashboard, NodeProgress, Obligations};
use sinergi_app::tables::{Cell, Table, TableFormat};
use sinergi_app::AppError;
use sinergi_core::coordination::{ActionItem, ItemStatus};
use sinergi_core::ids::{AgencyId, PlanId};
use sinergi_core::plan::{tree_order, Progress};
use utoipa_axum::routes;

use super::types::{
    AwaitedAnswerView, BehindActivityView, GroupActionItemList, GroupDashboardView,
    MeetingYearView, MeetingsHeldView, ObligationsView, OpenDispositionView, OverdueCountView,
    OwedInGroupView, OwedItemView, PlanProgressView, TargetProgressView,
};
use crate::api_common::{file_response, route, ApiRoute};
use crate::auth::Authed;
use crate::features::coordination::api::{agency_codes, group_id, item_view, meeting_view};
use crate::openapi::{P401, P404, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The dashboards routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(group_dashboard)),
        route(routes!(my_obligations)),
        route(routes!(group_action_items)),
        route(routes!(export_action_items)),
        route(routes!(export_meetings)),
        route(routes!(export_overdue)),
        route(routes!(export_plan)),
    ]
}

fn code(codes: &HashMap<AgencyId, String>, id: &AgencyId) -> String {
    codes.get(id).cloned().unwrap_or_default()
}

fn target_view(
    n: &sinergi_core::plan::PlanNode,
    p: &Progress,
    codes: &HashMap<AgencyId, String>,
) -> TargetProgressView {
    TargetProgressView {
        node: n.id.0,
        kind: n.kind.as_str().into(),
        title: n.title.clone(),
        responsible: codes.get(&n.responsible_agency_id).cloned(),
        indicator: n
            .target
            .as_ref()
            .map(|t| t.indicator.clone())
            .unwrap_or_default(),
        unit: n.target.as_ref().and_then(|t| t.unit.clone()),
        target: n.target.as_ref().map(|t| t.value).unwrap_or_default(),
        achieved: n.achieved,
        achieved_pct: p.achieved_pct,
        elapsed_pct: p.elapsed_pct,
        behind: p.behind,
        status: n.status.as_str().into(),
    }
}

fn awaited_view(a: &AwaitedAnswer, codes: &HashMap<AgencyId, String>) -> AwaitedAnswerView {
    AwaitedAnswerView {
        letter: a.letter.id.0,
        number: a.letter.number.clone(),
        subject: a.letter.subject.clone(),
        from: code(codes, &a.letter.agency_id),
        addressee: code(codes, &a.addressee),
        reply_by: a.reply_by.to_string(),
        late: a.late,
    }
}

pub(crate) fn dashboard_view(d: &GroupDashboard, codes: &HashMap<AgencyId, String>) -> GroupDashboardView {
    GroupDashboardView {
        group: d.group.id.0,
        name: d.group.name.clone(),
        today: d.today.to_string(),
        plans: d
            .plans
            .iter()
            .map(|p| PlanProgressView {
                plan: p.plan.id.0,
                title: p.plan.title.clone(),
                kind: p.plan.kind.as_str().into(),
                elapsed_pct: p.elapsed_pct,
                behind: p.behind,
                nodes: p
                    .nodes
                    .iter()
                    .map(|NodeProgress { node, progress }| target_view(node, progress, codes))
                    .collect(),
            })
            .collect(),
        overdue: d
            .overdue
            .iter()
            .map(|o| OverdueCountView {
                agency: codes.get(&o.agency_id).cloned(),
                count: o.count,
                oldest_due: o.oldest_due.to_string(),
            })
            .collect(),
        meetings: MeetingsHeldView {
            total: d.meetings.total,
            by_year: d
                .meetings
                .by_year
                .iter()
                .map(|(year, held)| MeetingYearView {
                    year: *year,
                    held: *held,
                })
                .collect(),
            next: d.meetings.next.as_ref().map(|m| meeting_view(m, codes)),
        },
        awaiting_answer: d.awaiting.iter().map(|a| awaited_view(a, codes)).collect(),
    }
}

pub(crate) async fn obligations_view(
    st: &AppState,
    o: &Obligations,
    codes: &HashMap<AgencyId, String>,
) -> ApiResult<ObligationsView> {
    let mut dispositions = Vec::with_capacity(o.dispositions.len());
    for (d, l) in &o.dispositions {
        let to = st
            .app
            .user_by_id(d.to_user)
            .await?
            .map(|u| u.username.to_string())
            .unwrap_or_default();
        dispositions.push(OpenDispositionView {
            id: d.id.0,
            letter: l.id.0,
            letter_subject: l.subject.clone(),
            letter_number: l.number.clone(),
            to,
            instruction: d.instruction.clone(),
            due: d.due.map(|x| x.to_string()),
            overdue: d.due.is_some_and(|x| x < o.today),
        });
    }
    Ok(ObligationsView {
        agency: code(codes, &o.agency_id),
        today: o.today.to_string(),
        action_items: o
            .items
            .iter()
            .map(|g| OwedInGroupView {
                group: g.group.id.0,
                group_name: g.group.name.clone(),
                items: g
                    .items
                    .iter()
                    .map(|i| OwedItemView {
                        item: item_view(&i.item, codes),
                        overdue: i.overdue,
                    })
                    .collect(),
            })
            .collect(),
        letters_to_answer: o.letters.iter().map(|a| awaited_view(a, codes)).collect(),
        dispositions,
        behind_activities: o
            .behind
            .iter()
            .map(|b| BehindActivityView {
                group: b.group.id.0,
                group_name: b.group.name.clone(),
                plan: b.plan.id.0,
                plan_title: b.plan.title.clone(),
                progress: target_view(&b.node, &b.progress, codes),
            })
            .collect(),
    })
}

#[utoipa::path(get, path = "/groups/{id}/dashboard", tag = "dashboards",
    summary = "A working group's dashboard: plan progress against targets and time, overdue items by agency, meetings held, letters awaiting an answer",
    params(("id" = String, Path, description = "The group's UUID")),
    responses((status = 200, description = "The dashboard", body = GroupDashboardView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn group_dashboard(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<GroupDashboardView>> {
    let d = st.app.group_dashboard(&a.actor, group_id(&id)?).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(dashboard_view(&d, &codes)))
}

#[utoipa::path(get, path = "/me/obligations", tag = "dashboards",
    summary = "What your agency owes to whom: open action items by group, letters awaiting its answer, open dispositions, plan activities behind schedule",
    responses((status = 200, description = "Your agency's obligations", body = ObligationsView),
        (status = 401, response = P401)))]
async fn my_obligations(State(st): State<AppState>, a: Authed) -> ApiResult<Json<ObligationsView>> {
    let o = st.app.obligations(&a.actor).await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(obligations_view(&st, &o, &codes).await?))
}

/// Which of a group's action items.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(crate) struct ItemFilter {
    /// `open`, `done` or `dropped`; absent for all.
    pub status: Option<String>,
    /// The code of the owing agency; absent for all.
    pub agency: Option<String>,
    /// For the exports: `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

/// The export format asked for: `csv` when none.
fn table_format(f: Option<&str>) -> ApiResult<TableFormat> {
    match f.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(TableFormat::Csv),
        Some(f) => TableFormat::parse(f).ok_or_else(|| {
            ApiError(AppError::field(
                "format",
                sinergi_core::msg!("export-format-invalid", "must be csv or xlsx"),
            ))
        }),
    }
}

/// A table as a download in `format`, named `name` with the format's extension.
pub(crate) fn table_response(table: &Table, format: TableFormat, name: &str) -> ApiResult<Response> {
    let bytes = table
        .write(format)
        .map_err(|e| ApiError(AppError::Internal(e.into())))?;
    Ok(file_response(
        bytes,
        format.content_type(),
        &format!("{name}.{}", format.extension()),
        "attachment",
    ))
}

/// The filter read: status and owing agency, each checked.
async fn item_filter(
    st: &AppState,
    q: &ItemFilter,
) -> ApiResult<(Option<ItemStatus>, Option<AgencyId>)> {
    let status = match q.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => Some(ItemStatus::parse(s).ok_or_else(|| {
            ApiError(AppError::field(
                "status",
                sinergi_core::msg!("item-status-filter-invalid", "must be open, done or dropped"),
            ))
        })?),
    };
    let agency = match q.agency.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => match agency_codes(st)
            .await?
            .into_iter()
            .find(|(_, code)| code.eq_ignore_ascii_case(c))
        {
            Some((id, _)) => Some(id),
            None => {
                return Err(ApiError(AppError::field(
                    "agency",
                    sinergi_core::msg!("agency-unknown", "{code} is not an agency", code = c),
                )))
            }
        },
    };
    Ok((status, agency))
}

fn filter_of(q: Result<Query<ItemFilter>, QueryRejection>) -> ItemFilter {
    q.map(|Query(q)| q).unwrap_or_default()
}

#[utoipa::path(get, path = "/groups/{id}/action-items", tag = "dashboards",
    summary = "A working group's action items, by due date",
    params(("id" = String, Path, description = "The group's UUID"), ItemFilter),
    responses((status = 200, description = "The items", body = GroupActionItemList),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn group_action_items(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<ItemFilter>, QueryRejection>,
) -> ApiResult<Json<GroupActionItemList>> {
    let id = group_id(&id)?;
    st.app.group_for(&a.actor, id).await?;
    let (status, agency) = item_filter(&st, &filter_of(q)).await?;
    let items = st
        .app
        .group_action_items(&a.actor, id, status, agency)
        .await?;
    let codes = agency_codes(&st).await?;
    Ok(Json(GroupActionItemList {
        items: items.iter().map(|i| item_view(i, &codes)).collect(),
    }))
}

const ITEM_COLUMNS: [&str; 9] = [
    "id", "meeting", "what", "agency", "person", "due", "status", "overdue", "closed_at",
];

fn item_row(i: &ActionItem, codes: &HashMap<AgencyId, String>, today: chrono::NaiveDate) -> Vec<Cell> {
    vec![
        Cell::text(i.id.to_string()),
        Cell::text(i.meeting_id.to_string()),
        Cell::text(&i.what),
        Cell::text(code(codes, &i.agency_id)),
        Cell::opt_text(i.person.clone()),
        Cell::text(i.due.to_string()),
        Cell::text(i.status.as_str()),
        Cell::text(if i.status == ItemStatus::Open && i.due < today { "yes" } else { "no" }),
        Cell::opt_text(i.closed_at.map(|t| t.to_rfc3339())),
    ]
}

#[utoipa::path(get, path = "/groups/{id}/action-items/export", tag = "dashboards",
    summary = "A working group's action items as CSV or XLSX (filtered like the list)",
    params(("id" = String, Path, description = "The group's UUID"), ItemFilter),
    responses((status = 200, description = "The table as CSV (the default) or XLSX (`format=xlsx`)",
        content((String = "text/csv"), ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn export_action_items(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<ItemFilter>, QueryRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let g = st.app.group_for(&a.actor, id).await?;
    let q = filter_of(q);
    let format = table_format(q.format.as_deref())?;
    let (status, agency) = item_filter(&st, &q).await?;
    let items = st
        .app
        .group_action_items(&a.actor, id, status, agency)
        .await?;
    let today = st.app.group_today_for(&g).await?;
    let codes = agency_codes(&st).await?;
    let mut t = Table::new("Tindak lanjut", &ITEM_COLUMNS);
    for i in &items {
        t.push(item_row(i, &codes, today));
    }
    table_response(&t, format, &format!("action-items-{id}"))
}

/// The export format.
#[derive(serde::Deserialize, utoipa::IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub(crate) struct FormatQuery {
    /// `csv` (the default) or `xlsx`.
    pub format: Option<String>,
}

fn format_of(q: Result<Query<FormatQuery>, QueryRejection>) -> ApiResult<TableFormat> {
    table_format(q.ok().and_then(|Query(q)| q.format).as_deref())
}

#[utoipa::path(get, path = "/groups/{id}/meetings/export", tag = "dashboards",
    summary = "A working group's meetings as CSV or XLSX, the earliest first",
    params(("id" = String, Path, description = "The group's UUID"), FormatQuery),
    responses((status = 200, description = "The table as CSV (the default) or XLSX (`format=xlsx`)",
        content((String = "text/csv"), ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn export_meetings(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let meetings = st.app.meetings_of(&a.actor, id).await?;
    let format = format_of(q)?;
    let codes = agency_codes(&st).await?;
    let mut t = Table::new(
        "Rapat",
        &[
            "id", "starts_at", "zone", "place", "online_link", "organiser", "invited", "attendance",
            "agenda", "decisions",
        ],
    );
    for m in &meetings {
        let zone = m.zone();
        t.push(vec![
            Cell::text(m.id.to_string()),
            Cell::text(m.starts_at.with_timezone(&zone.offset()).to_rfc3339()),
            Cell::text(zone.abbreviation()),
            Cell::opt_text(m.place.clone()),
            Cell::opt_text(m.online_link.clone()),
            Cell::text(code(&codes, &m.organiser_agency_id)),
            Cell::text(
                m.invited
                    .iter()
                    .map(|a| code(&codes, a))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Cell::number(m.attendance.len() as f64),
            Cell::text(m.agenda.join("\n")),
            Cell::text(m.decisions.join("\n")),
        ]);
    }
    table_response(&t, format, &format!("meetings-{id}"))
}

#[utoipa::path(get, path = "/groups/{id}/overdue/export", tag = "dashboards",
    summary = "A working group's overdue action items by agency as CSV or XLSX",
    params(("id" = String, Path, description = "The group's UUID"), FormatQuery),
    responses((status = 200, description = "The table as CSV (the default) or XLSX (`format=xlsx`)",
        content((String = "text/csv"), ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn export_overdue(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = group_id(&id)?;
    let overdue = st.app.overdue_by_agency(&a.actor, id).await?;
    let format = format_of(q)?;
    let codes = agency_codes(&st).await?;
    let mut t = Table::new(
        "Terlambat",
        &["agency", "overdue_count", "id", "meeting", "what", "person", "due"],
    );
    for o in &overdue {
        for i in &o.items {
            t.push(vec![
                Cell::text(code(&codes, &o.agency_id)),
                Cell::number(o.items.len() as f64),
                Cell::text(i.id.to_string()),
                Cell::text(i.meeting_id.to_string()),
                Cell::text(&i.what),
                Cell::opt_text(i.person.clone()),
                Cell::text(i.due.to_string()),
            ]);
        }
    }
    table_response(&t, format, &format!("overdue-{id}"))
}

#[utoipa::path(get, path = "/plans/{id}/export", tag = "dashboards",
    summary = "A plan's tree (goals, programmes, activities, stages) with targets and progress as CSV or XLSX",
    params(("id" = String, Path, description = "The plan's UUID"), FormatQuery),
    responses((status = 200, description = "The table as CSV (the default) or XLSX (`format=xlsx`)",
        content((String = "text/csv"), ([u8] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn export_plan(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<FormatQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = PlanId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let tree = st.app.plan_tree(&a.actor, id).await?;
    let format = format_of(q)?;
    let codes = agency_codes(&st).await?;
    let depth = depths(&tree.nodes);
    let mut t = Table::new(
        "Rencana",
        &[
            "id", "depth", "kind", "title", "responsible", "starts_on", "ends_on", "budget",
            "funding_source", "indicator", "unit", "target", "achieved", "achieved_pct",
            "elapsed_pct", "behind", "status",
        ],
    );
    for n in tree_order(&tree.nodes) {
        let p = Progress::of(n, &tree.plan, tree.today);
        t.push(vec![
            Cell::text(n.id.to_string()),
            Cell::number(depth.get(&n.id).copied().unwrap_or(0) as f64),
            Cell::text(n.kind.as_str()),
            Cell::text(&n.title),
            Cell::text(code(&codes, &n.responsible_agency_id)),
            Cell::opt_text(n.starts_on.map(|d| d.to_string())),
            Cell::opt_text(n.ends_on.map(|d| d.to_string())),
            Cell::opt_number(n.budget.map(|b| b as f64)),
            Cell::opt_text(n.funding_source.clone()),
            Cell::opt_text(n.target.as_ref().map(|x| x.indicator.clone())),
            Cell::opt_text(n.target.as_ref().and_then(|x| x.unit.clone())),
            Cell::opt_number(n.target.as_ref().map(|x| x.value)),
            Cell::opt_number(n.achieved),
            Cell::opt_number(p.achieved_pct.map(|v| (v * 10.0).round() / 10.0)),
            Cell::opt_number(p.elapsed_pct.map(|v| (v * 10.0).round() / 10.0)),
            Cell::text(if p.behind { "yes" } else { "no" }),
            Cell::text(n.status.as_str()),
        ]);
    }
    table_response(&t, format, &format!("plan-{id}"))
}

/// Each node's depth in the tree, 0 at the top.
fn depths(
    nodes: &[sinergi_core::plan::PlanNode],
) -> HashMap<sinergi_core::ids::PlanNodeId, usize> {
    let parent: HashMap<_, _> = nodes.iter().map(|n| (n.id, n.parent_id)).collect();
    nodes
        .iter()
        .map(|n| {
            let mut d = 0;
            let mut at = n.parent_id;
            while let Some(p) = at {
                d += 1;
                if d > nodes.len() {
                    break;
                }
                at = parent.get(&p).copied().flatten();
            }
            (n.id, d)
        })
        .collect()
}
