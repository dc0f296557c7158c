//! Plans pages (ADR 23): a group's plans with a form to draw one up
//! (`/pokja/{id}/rencana`), and a plan's page (`/rencana/{id}`): its tree of goals,
//! programmes, activities and stages with progress bars (and the percentages as text),
//! the roadmap's stage reached, a form to add a node and, on each node, a form to record
//! the value achieved and the status, and one to add an evidence link.
//!
//! The app decides who sees and changes what; every POST checks `_csrf` first. The
//! progress form carries the node's version, so a change made against a stale page is
//! refused (412).

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::input::Body as _;
use sinergi_core::plan::{
    elapsed_pct, stage_reached, ActivityKind, EvidenceKind, NewPlanBody, NodeBody, NodeKind,
    NodeStatus, PlanKind,
};
use sinergi_core::ValidationErrors;

use super::api::{group_id, node_id, node_views, plan_id};
use super::types::PlanNodeView;
use crate::i18n::{core_message, field_or_other, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/pokja/{id}/rencana", get(list).post(create)),
        ("/rencana/{id}", get(detail)),
        ("/rencana/{id}/butir", post(add_node)),
        ("/butir-rencana/{id}/capaian", post(record_progress)),
        ("/butir-rencana/{id}/bukti", post(add_evidence)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path.starts_with("/pokja/") && path.ends_with("/rencana") {
        return Some(path.to_string());
    }
    if let Some(rest) = path.strip_prefix("/rencana/") {
        let id = rest.split('/').next()?;
        return rest.contains('/').then(|| format!("/rencana/{id}"));
    }
    if path.starts_with("/butir-rencana/") {
        return Some("/pokja".into());
    }
    None
}

fn plan_kind_label(lang: Lang, k: PlanKind) -> String {
    tr(
        lang,
        match k {
            PlanKind::JointWorkPlan => k!("pl_kind_joint_work_plan"),
            PlanKind::ActionPlan => k!("pl_kind_action_plan"),
            PlanKind::Roadmap => k!("pl_kind_roadmap"),
            PlanKind::Programme => k!("pl_kind_programme"),
        },
    )
}

fn node_kind_label(lang: Lang, k: NodeKind) -> String {
    tr(
        lang,
        match k {
            NodeKind::Goal => k!("pl_node_goal"),
            NodeKind::Programme => k!("pl_node_programme"),
            NodeKind::Activity => k!("pl_node_activity"),
            NodeKind::Stage => k!("pl_node_stage"),
        },
    )
}

fn status_label(lang: Lang, s: NodeStatus) -> String {
    tr(
        lang,
        match s {
            NodeStatus::Planned => k!("pl_status_planned"),
            NodeStatus::UnderWay => k!("pl_status_under_way"),
            NodeStatus::Done => k!("pl_status_done"),
            NodeStatus::Dropped => k!("pl_status_dropped"),
        },
    )
}

fn activity_label(lang: Lang, a: ActivityKind) -> String {
    tr(
        lang,
        match a {
            ActivityKind::Training => k!("pl_act_training"),
            ActivityKind::JointPatrol => k!("pl_act_joint_patrol"),
            ActivityKind::Outreach => k!("pl_act_outreach"),
            ActivityKind::Signboards => k!("pl_act_signboards"),
            ActivityKind::Meeting => k!("pl_act_meeting"),
            ActivityKind::DataExchange => k!("pl_act_data_exchange"),
        },
    )
}

fn evidence_label(lang: Lang, e: EvidenceKind) -> String {
    tr(
        lang,
        match e {
            EvidenceKind::Patrol => k!("pl_ev_patrol"),
            EvidenceKind::Meeting => k!("pl_ev_meeting"),
            EvidenceKind::Report => k!("pl_ev_report"),
            EvidenceKind::Agreement => k!("pl_ev_agreement"),
            EvidenceKind::Letter => k!("pl_ev_letter"),
            EvidenceKind::Url => k!("pl_ev_url"),
        },
    )
}

/// The name of a field an error names, for this domain's forms.
fn field_label(lang: Lang, field: &str) -> String {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let key = match base {
        "kind" => k!("pl_field_kind"),
        "title" => k!("pl_field_title"),
        "description" => k!("pl_field_description"),
        "period_from" | "starts_on" => k!("pl_field_start"),
        "period_until" | "ends_on" => k!("pl_field_end"),
        "parent" => k!("pl_field_parent"),
        "responsible" => k!("pl_field_responsible"),
        "supporting" => k!("pl_field_supporting"),
        "budget" => k!("pl_field_budget"),
        "funding_source" => k!("pl_field_funding_source"),
        "indicator" => k!("pl_field_indicator"),
        "unit" => k!("pl_field_unit"),
        "target" => k!("pl_field_target"),
        "achieved" => k!("pl_field_achieved"),
        "status" => k!("pl_field_status"),
        "activity" => k!("pl_field_activity"),
        "evidence" => k!("pl_evidence"),
        _ => return field_or_other(lang, field),
    };
    tr(lang, key)
}

fn error_lines(lang: Lang, e: &ValidationErrors) -> Vec<String> {
    e.errors
        .iter()
        .map(|e| {
            let msg = core_message(lang, &e.message);
            if e.field.is_empty() {
                msg
            } else {
                format!("{}: {msg}", field_label(lang, &e.field))
            }
        })
        .collect()
}

/// Codes typed one a line or separated by commas or spaces.
fn codes(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whole rupiah with dots between thousands, as written in Indonesia.
fn rupiah(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("Rp{}{out}", if v < 0 { "-" } else { "" })
}

/// A percentage as shown: whole numbers.
fn pct(v: f64) -> String {
    format!("{:.0}", v)
}

/// The values of the new-plan form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct PlanValues {
    judul: String,
    jenis: String,
    mulai: String,
    sampai: String,
    uraian: String,
}

/// `GET /pokja/{id}/rencana`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let values = PlanValues {
        jenis: "joint_work_plan".into(),
        ..Default::default()
    };
    list_page(&st, &page, &id, StatusCode::OK, &values, Vec::new()).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    values: &PlanValues,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let Ok(gid) = group_id(id) else {
        return page.error(AppError::NotFound);
    };
    let actor = &page.authed.actor;
    let g = match st.app.group_for(actor, gid).await {
        Ok(g) => g,
        Err(e) => return page.error(e),
    };
    let plans = match st.app.plans_of(actor, gid).await {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let rows: Vec<Value> = plans
        .iter()
        .map(|p| {
            context! {
                id => p.id.to_string(),
                title => p.title.as_str(),
                kind => plan_kind_label(lang, p.kind),
                period => format!("{} – {}", p.period_from, p.period_until),
            }
        })
        .collect();
    render(
        status,
        "rencana_daftar.html",
        context! {
            group => context! { id => g.id.to_string(), name => g.name.as_str() },
            plans => rows,
            can_record => g.may_record(actor),
            kinds => PlanKind::ALL.iter().map(|k| (k.as_str(), plan_kind_label(lang, *k))).collect::<Vec<_>>(),
            values => Value::from_serialize(values),
            errors => errors,
            ..page_ctx(page, "coordination")
        },
    )
}

/// `POST /pokja/{id}/rencana`.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(gid) = group_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let values = PlanValues {
        judul: f.text("judul"),
        jenis: f.text("jenis"),
        mulai: f.text("mulai"),
        sampai: f.text("sampai"),
        uraian: f.text("uraian"),
    };
    let input = json!({
        "title": values.judul, "kind": values.jenis, "period_from": values.mulai,
        "period_until": values.sampai, "description": values.uraian,
    });
    let body = NewPlanBody::read(&input).unwrap_or_default();
    match st.app.create_plan(&page.authed.actor, gid, &body).await {
        Ok(p) => Redirect::to(&format!("/rencana/{}", p.id)).into_response(),
        Err(AppError::Validation(e)) => {
            list_page(&st, &page, &id, UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// The values of the new-node form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct NodeValues {
    induk: String,
    jenis: String,
    judul: String,
    penanggung_jawab: String,
    pendukung: String,
    mulai: String,
    selesai: String,
    anggaran: String,
    sumber_dana: String,
    indikator: String,
    satuan: String,
    target: String,
    kegiatan: String,
}

/// `GET /rencana/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let values = NodeValues {
        jenis: "goal".into(),
        penanggung_jawab: page
            .agency
            .as_ref()
            .map(|a| a.code.to_string())
            .unwrap_or_default(),
        ..Default::default()
    };
    plan_page(&st, &page, &id, StatusCode::OK, &values, Vec::new()).await
}

fn node_row(lang: Lang, n: &PlanNodeView, reached: Option<uuid::Uuid>) -> Value {
    let kind = NodeKind::parse(&n.kind).unwrap_or(NodeKind::Goal);
    let status = NodeStatus::parse(&n.status).unwrap_or(NodeStatus::Planned);
    let fmt_num = |v: f64| {
        if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v}")
        }
    };
    context! {
        id => n.id.to_string(),
        depth => n.depth,
        indent => n.depth * 2,
        kind => n.kind.as_str(),
        kind_label => node_kind_label(lang, kind),
        title => n.title.as_str(),
        description => n.description.as_deref().unwrap_or(""),
        responsible => n.responsible.as_deref().unwrap_or("—"),
        supporting => n.supporting.join(", "),
        period => match (&n.starts_on, &n.ends_on) {
            (Some(s), Some(e)) => format!("{s} – {e}"),
            (Some(s), None) => format!("{s} –"),
            (None, Some(e)) => format!("– {e}"),
            (None, None) => String::new(),
        },
        budget => n.budget.map(rupiah),
        funding_source => n.funding_source.as_deref().unwrap_or(""),
        indicator => n.indicator.as_deref().unwrap_or(""),
        unit => n.unit.as_deref().unwrap_or(""),
        target => n.target.map(fmt_num),
        achieved => n.achieved.map(fmt_num).unwrap_or_default(),
        status => n.status.as_str(),
        status_label => status_label(lang, status),
        activity => n.activity.as_ref().map(|a| ActivityKind::parse(&a.kind).map(|k| activity_label(lang, k)).unwrap_or_default()),
        participants => n.activity.as_ref().map(|a| a.participants.iter().map(|p| context! {
            agency => p.agency.as_deref().unwrap_or("—"), male => p.male, female => p.female,
        }).collect::<Vec<_>>()).unwrap_or_default(),
        materials => n.activity.as_ref().map(|a| a.materials.join(", ")).unwrap_or_default(),
        evidence => n.evidence.iter().map(|e| context! {
            href => e.href.as_str(),
            kind => EvidenceKind::parse(&e.kind).map(|k| evidence_label(lang, k)).unwrap_or_default(),
            title => e.title.clone().or_else(|| e.url.clone()),
            hidden => !e.visible,
        }).collect::<Vec<_>>(),
        achieved_pct => n.progress.achieved_pct.map(pct),
        bar_pct => n.progress.achieved_pct.map(|p| pct(p.min(100.0))),
        elapsed_pct => n.progress.elapsed_pct.map(pct),
        behind => n.progress.behind,
        reached => reached == Some(n.id),
        version => n.version,
    }
}

async fn plan_page(
    st: &AppState,
    page: &Page,
    id: &str,
    status: StatusCode,
    values: &NodeValues,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let Ok(pid) = plan_id(id) else {
        return page.error(AppError::NotFound);
    };
    let actor = &page.authed.actor;
    let tree = match st.app.plan_tree(actor, pid).await {
        Ok(t) => t,
        Err(e) => return page.error(e),
    };
    let nodes = match node_views(st, actor, &tree).await {
        Ok(n) => n,
        Err(e) => return page.error(e.0),
    };
    let reached = stage_reached(&tree.nodes).map(|n| n.0);
    let rows: Vec<Value> = nodes.iter().map(|n| node_row(lang, n, reached)).collect();
    let stages: Vec<Value> = nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Stage.as_str())
        .map(|n| {
            context! {
                title => n.title.as_str(),
                done => n.status == NodeStatus::Done.as_str(),
                reached => reached == Some(n.id),
            }
        })
        .collect();
    let reached_title = nodes
        .iter()
        .find(|n| Some(n.id) == reached)
        .map(|n| n.title.clone());
    let p = &tree.plan;
    let elapsed = elapsed_pct(p.period_from, p.period_until, tree.today);
    render(
        status,
        "rencana.html",
        context! {
            plan => context! {
                id => p.id.to_string(),
                title => p.title.as_str(),
                kind => plan_kind_label(lang, p.kind),
                roadmap => p.kind == PlanKind::Roadmap,
                description => p.description.as_deref().unwrap_or("").lines().map(str::to_string).collect::<Vec<_>>(),
                period => format!("{} – {}", p.period_from, p.period_until),
                elapsed_pct => pct(elapsed),
                today => tree.today.to_string(),
            },
            group => context! { id => tree.group.id.to_string(), name => tree.group.name.as_str() },
            nodes => rows,
            stages => stages,
            reached_title => reached_title,
            can_record => tree.group.may_record(actor),
            parents => nodes.iter().map(|n| (n.id.to_string(), format!("{}{}", "· ".repeat(n.depth), n.title))).collect::<Vec<_>>(),
            node_kinds => NodeKind::ALL.iter().map(|k| (k.as_str(), node_kind_label(lang, *k))).collect::<Vec<_>>(),
            statuses => NodeStatus::ALL.iter().map(|s| (s.as_str(), status_label(lang, *s))).collect::<Vec<_>>(),
            evidence_kinds => EvidenceKind::ALL.iter().map(|e| (e.as_str(), evidence_label(lang, *e))).collect::<Vec<_>>(),
            activities => ActivityKind::ALL.iter().map(|a| (a.as_str(), activity_label(lang, *a))).collect::<Vec<_>>(),
            values => Value::from_serialize(values),
            errors => errors,
            ..page_ctx(page, "coordination")
        },
    )
}

/// `POST /rencana/{id}/butir`.
pub(crate) async fn add_node(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(pid) = plan_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let values = NodeValues {
        induk: f.text("induk"),
        jenis: f.text("jenis"),
        judul: f.text("judul"),
        penanggung_jawab: f.text("penanggung_jawab"),
        pendukung: f.text("pendukung"),
        mulai: f.text("mulai"),
        selesai: f.text("selesai"),
        anggaran: f.text("anggaran"),
        sumber_dana: f.text("sumber_dana"),
        indikator: f.text("indikator"),
        satuan: f.text("satuan"),
        target: f.text("target"),
        kegiatan: f.text("kegiatan"),
    };
    let mut input = json!({
        "kind": values.jenis, "title": values.judul, "supporting": codes(&values.pendukung),
        "starts_on": values.mulai, "ends_on": values.selesai, "funding_source": values.sumber_dana,
        "indicator": values.indikator, "unit": values.satuan,
    });
    // Rupiah may be typed with dots between thousands; a target's decimals with a comma.
    let number = |s: &str, thousands: bool| -> serde_json::Value {
        let s = s.trim().replace(' ', "");
        let s = if thousands {
            s.replace('.', "")
        } else {
            s.replace(',', ".")
        };
        s.parse::<i64>()
            .map(serde_json::Value::from)
            .or_else(|_| s.parse::<f64>().map(serde_json::Value::from))
            .unwrap_or(serde_json::Value::String(s))
    };
    if !values.induk.is_empty() {
        input["parent"] = json!(values.induk);
    }
    if !values.penanggung_jawab.is_empty() {
        input["responsible"] = json!(values.penanggung_jawab);
    }
    if !values.anggaran.trim().is_empty() {
        input["budget"] = number(&values.anggaran, true);
    }
    if !values.target.trim().is_empty() {
        input["target"] = number(&values.target, false);
    }
    if !values.kegiatan.is_empty() {
        input["activity"] = json!({"kind": values.kegiatan});
    }
    let body = NodeBody::read(&input).unwrap_or_default();
    match st.app.create_plan_node(&page.authed.actor, pid, &body).await {
        Ok(_) => Redirect::to(&format!("/rencana/{pid}")).into_response(),
        Err(AppError::Validation(e)) => {
            plan_page(&st, &page, &id, UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /butir-rencana/{id}/capaian`: the value achieved and the status.
pub(crate) async fn record_progress(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(nid) = node_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let version = f.text("versi").parse::<i64>().ok();
    let mut input = json!({"status": f.text("status")});
    let achieved = f.text("capaian").trim().replace(',', ".");
    input["achieved"] = if achieved.is_empty() {
        serde_json::Value::Null
    } else {
        achieved
            .parse::<f64>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::String(achieved))
    };
    let body = NodeBody::read(&input).unwrap_or_default();
    let actor = &page.authed.actor;
    match st.app.update_plan_node(actor, nid, version, &body).await {
        Ok(n) => Redirect::to(&format!("/rencana/{}#butir-{}", n.plan_id, n.id)).into_response(),
        Err(AppError::Validation(e)) => match st.app.plan_node_for(actor, nid).await {
            Ok((n, _, _)) => {
                let values = NodeValues {
                    jenis: "goal".into(),
                    ..Default::default()
                };
                plan_page(
                    &st,
                    &page,
                    &n.plan_id.to_string(),
                    UNPROCESSABLE,
                    &values,
                    error_lines(page.lang, &e),
                )
                .await
            }
            Err(e) => page.error(e),
        },
        Err(e) => page.error(e),
    }
}

/// `POST /butir-rencana/{id}/bukti`: one more evidence link — a record by kind and id (a
/// Sinergi address such as `/patroli/{id}` is read for its id) or a web address.
pub(crate) async fn add_evidence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(nid) = node_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let actor = &page.authed.actor;
    let (node, _, _) = match st.app.plan_node_for(actor, nid).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let version = f.text("versi").parse::<i64>().ok();
    let kind = f.text("jenis_bukti");
    let reference = f.text("rujukan").trim().to_string();
    let mut list: Vec<serde_json::Value> = node
        .evidence
        .iter()
        .map(|e| match (&e.id, &e.url) {
            (Some(id), _) => json!({"kind": e.kind.as_str(), "id": id.to_string()}),
            (None, url) => json!({"kind": e.kind.as_str(), "url": url}),
        })
        .collect();
    if kind == EvidenceKind::Url.as_str() {
        list.push(json!({"kind": kind, "url": reference}));
    } else {
        // A pasted Sinergi address gives its last segment as the id.
        let id = if reference.starts_with('/') {
            reference
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string()
        } else {
            reference
        };
        list.push(json!({"kind": kind, "id": id}));
    }
    let body = NodeBody::read(&json!({"evidence": list})).unwrap_or_default();
    match st.app.update_plan_node(actor, nid, version, &body).await {
        Ok(n) => Redirect::to(&format!("/rencana/{}#butir-{}", n.plan_id, n.id)).into_response(),
        Err(AppError::Validation(e)) => {
            let values = NodeValues {
                jenis: "goal".into(),
                ..Default::default()
            };
            plan_page(
                &st,
                &page,
                &node.plan_id.to_string(),
                UNPROCESSABLE,
                &values,
                error_lines(page.lang, &e),
            )
            .await
        }
        Err(e) => page.error(e),
    }
}
