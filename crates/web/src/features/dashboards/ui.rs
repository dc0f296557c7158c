//! Dashboard pages (ADR 26): a working group's dashboard (`/pokja/{id}/dasbor`, linked
//! from the group's page) and what the user's agency owes to whom (`/kewajiban`, in the
//! menu), each with links to the exports.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{context, Value};
use sinergi_app::dashboards::AwaitedAnswer;
use sinergi_app::AppError;
use sinergi_core::ids::AgencyId;
use sinergi_core::plan::Progress;

use crate::features::coordination::api::{agency_codes, group_id};
use crate::ui::render::{page_ctx, render};
use crate::ui::Page;
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::get;
    vec![
        ("/pokja/{id}/dasbor", get(group_dashboard)),
        ("/kewajiban", get(obligations)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/pokja/")?;
    let id = rest.strip_suffix("/dasbor")?;
    Some(format!("/pokja/{id}"))
}

fn code(codes: &HashMap<AgencyId, String>, id: &AgencyId) -> String {
    codes.get(id).cloned().unwrap_or_default()
}

/// A percentage as the pages print it: one decimal at most.
fn pct(v: Option<f64>) -> Option<String> {
    v.map(|v| {
        let r = (v * 10.0).round() / 10.0;
        if r.fract() == 0.0 {
            format!("{}", r as i64)
        } else {
            format!("{r:.1}")
        }
    })
}

fn progress_ctx(
    n: &sinergi_core::plan::PlanNode,
    p: &Progress,
    codes: &HashMap<AgencyId, String>,
) -> Value {
    context! {
        id => n.id.to_string(),
        title => n.title.as_str(),
        responsible => code(codes, &n.responsible_agency_id),
        indicator => n.target.as_ref().map(|t| t.indicator.clone()),
        unit => n.target.as_ref().and_then(|t| t.unit.clone()),
        target => n.target.as_ref().map(|t| t.value),
        achieved => n.achieved.unwrap_or(0.0),
        achieved_pct => pct(p.achieved_pct),
        bar_pct => p.achieved_pct.map(|v| v.clamp(0.0, 100.0)),
        elapsed_pct => pct(p.elapsed_pct),
        behind => p.behind,
    }
}

fn awaited_ctx(a: &AwaitedAnswer, codes: &HashMap<AgencyId, String>) -> Value {
    context! {
        letter => a.letter.id.to_string(),
        number => a.letter.number.clone(),
        subject => a.letter.subject.as_str(),
        from => code(codes, &a.letter.agency_id),
        addressee => code(codes, &a.addressee),
        reply_by => a.reply_by.to_string(),
        late => a.late,
    }
}

/// `GET /pokja/{id}/dasbor`.
pub(crate) async fn group_dashboard(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = group_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let d = match st.app.group_dashboard(&page.authed.actor, id).await {
        Ok(d) => d,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(&st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let plans: Vec<Value> = d
        .plans
        .iter()
        .map(|p| {
            context! {
                id => p.plan.id.to_string(),
                title => p.plan.title.as_str(),
                elapsed_pct => pct(Some(p.elapsed_pct)),
                behind => p.behind,
                nodes => p.nodes.iter().map(|n| progress_ctx(&n.node, &n.progress, &codes)).collect::<Vec<_>>(),
            }
        })
        .collect();
    let overdue: Vec<Value> = d
        .overdue
        .iter()
        .map(|o| {
            context! {
                agency => code(&codes, &o.agency_id),
                count => o.count,
                oldest_due => o.oldest_due.to_string(),
            }
        })
        .collect();
    let next = d.meetings.next.as_ref().map(|m| {
        context! {
            id => m.id.to_string(),
            when => m.zone().format(m.starts_at),
            place => m.place.clone().or_else(|| m.online_link.clone()).unwrap_or_default(),
        }
    });
    let gid = d.group.id.to_string();
    render(
        StatusCode::OK,
        "dasbor_pokja.html",
        context! {
            group => context! { id => gid.clone(), name => d.group.name.as_str() },
            today => d.today.to_string(),
            plans => plans,
            overdue => overdue,
            meetings_total => d.meetings.total,
            by_year => d.meetings.by_year.iter().map(|(y, n)| context! { year => y, held => n }).collect::<Vec<_>>(),
            next => next,
            awaiting => d.awaiting.iter().map(|a| awaited_ctx(a, &codes)).collect::<Vec<_>>(),
            exports => context! {
                items => format!("/api/v1/groups/{gid}/action-items/export"),
                meetings => format!("/api/v1/groups/{gid}/meetings/export"),
                overdue => format!("/api/v1/groups/{gid}/overdue/export"),
            },
            ..page_ctx(&page, "coordination")
        },
    )
}

/// `GET /kewajiban`.
pub(crate) async fn obligations(State(st): State<AppState>, page: Page) -> Response {
    let o = match st.app.obligations(&page.authed.actor).await {
        Ok(o) => o,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(&st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let mut users: HashMap<sinergi_core::ids::UserId, String> = HashMap::new();
    for (d, _) in &o.dispositions {
        if let std::collections::hash_map::Entry::Vacant(e) = users.entry(d.to_user) {
            match st.app.user_by_id(d.to_user).await {
                Ok(u) => {
                    e.insert(u.map(|u| u.display_name).unwrap_or_default());
                }
                Err(err) => return page.error(err),
            }
        }
    }
    let groups: Vec<Value> = o
        .items
        .iter()
        .map(|g| {
            context! {
                id => g.group.id.to_string(),
                name => g.group.name.as_str(),
                items => g.items.iter().map(|i| context! {
                    what => i.item.what.as_str(),
                    meeting => i.item.meeting_id.to_string(),
                    person => i.item.person.clone(),
                    due => i.item.due.to_string(),
                    overdue => i.overdue,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let dispositions: Vec<Value> = o
        .dispositions
        .iter()
        .map(|(d, l)| {
            context! {
                letter => l.id.to_string(),
                subject => l.subject.as_str(),
                number => l.number.clone(),
                to => users.get(&d.to_user).cloned().unwrap_or_default(),
                instruction => d.instruction.as_str(),
                due => d.due.map(|x| x.to_string()),
                overdue => d.due.is_some_and(|x| x < o.today),
            }
        })
        .collect();
    let behind: Vec<Value> = o
        .behind
        .iter()
        .map(|b| {
            context! {
                group => b.group.name.as_str(),
                plan => b.plan.id.to_string(),
                plan_title => b.plan.title.as_str(),
                node => progress_ctx(&b.node, &b.progress, &codes),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        "kewajiban.html",
        context! {
            agency => code(&codes, &o.agency_id),
            today => o.today.to_string(),
            groups => groups,
            letters => o.letters.iter().map(|a| awaited_ctx(a, &codes)).collect::<Vec<_>>(),
            dispositions => dispositions,
            behind => behind,
            ..page_ctx(&page, "obligations")
        },
    )
}
