//! Campaign pages (ADR 35): the campaigns the visitor sees with the form that sets one up
//! (`/kampanye`), and a campaign's table — each unit's answer per period, coloured by
//! state, the rates by unit and period, and who is late (`/kampanye/{id}`).

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::campaigns::NewCampaign;
use sinergi_app::AppError;
use sinergi_core::campaign::{CampaignId, CellState, Rates};
use sinergi_core::permission::Action;

use crate::features::plans::api::agency_codes;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{FormData, Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::get;
    vec![
        ("/kampanye", get(list).post(create)),
        ("/kampanye/{id}", get(detail)),
    ]
}

pub(crate) fn back_path(_: &str) -> Option<String> {
    None
}

fn rate(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1} %")).unwrap_or_else(|| "—".into())
}

fn rates_ctx(r: &Rates) -> Value {
    context! {
        expected => r.expected, received => r.received, on_time => r.on_time,
        reporting => rate(r.reporting_rate()), on_time_rate => rate(r.on_time_rate()),
    }
}

fn state_label(lang: Lang, s: CellState) -> String {
    tr(
        lang,
        match s {
            CellState::OnTime => k!("cp_on_time"),
            CellState::Late => k!("cp_late"),
            CellState::Missing => k!("cp_missing"),
            CellState::Open => k!("cp_open"),
            CellState::NotOpen => k!("cp_not_open"),
        },
    )
}

/// `GET /kampanye`.
pub(crate) async fn list(State(st): State<AppState>, page: Page) -> Response {
    list_page(&st, &page, StatusCode::OK, &FormData::default(), Vec::new()).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: &FormData,
    errors: Vec<String>,
) -> Response {
    let list = match st.app.campaigns(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let forms = match st.app.forms(&page.authed.actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let forms: Vec<Value> = forms
        .iter()
        .filter(|f| f.may_publish(&page.authed.actor))
        .map(|f| context! { id => f.id.to_string(), title => f.title.as_str(), form_id => f.xml_id.as_str() })
        .collect();
    let rows: Vec<Value> = list
        .iter()
        .map(|c| {
            let s = super::api::summary(c, &codes);
            context! {
                id => s.id.to_string(), title => s.title, periodicity => s.periodicity,
                first => s.first_period, last => s.last_period, units => s.units, owner => s.owner,
            }
        })
        .collect();
    render(
        status,
        "kampanye_daftar.html",
        context! {
            campaigns => rows,
            forms => forms,
            may_create => page.may(Action::PublishForms),
            values => Value::from_serialize(values.0.iter().cloned().collect::<std::collections::HashMap<String, String>>()),
            errors => errors,
            ..page_ctx(page, "campaigns")
        },
    )
}

/// The form's label of a field an error names; a unit by its line in the units box.
fn field_label(lang: Lang, field: &str) -> String {
    let base = field.split(['[', '.']).next().unwrap_or(field);
    let label = tr(
        lang,
        match base {
            "form" => k!("cp_form"),
            "title" => k!("cp_title"),
            "periodicity" => k!("cp_periodicity"),
            "first_period" => k!("cp_first"),
            "last_period" => k!("cp_last"),
            "due_days" => k!("cp_due_days"),
            "grace_days" => k!("cp_grace_days"),
            "remind_days" => k!("cp_remind_days"),
            "escalate_days" => k!("cp_escalate_days"),
            "period_field" => k!("cp_period_field"),
            "region_field" => k!("cp_region_field"),
            _ => k!("cp_units"),
        },
    );
    match field
        .strip_prefix("units[")
        .and_then(|r| r.split(']').next())
        .and_then(|n| n.parse::<usize>().ok())
    {
        Some(i) => tr_args(lang, k!("cp_unit_line"), &[("line", &(i + 1))]),
        None => label,
    }
}

/// The units typed one per line: `15.01 BNNK-KERINCI` (a region code, then the agency).
fn units_of(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let mut parts = l.split_whitespace();
            (
                parts.next().unwrap_or("").to_string(),
                parts.next().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// `POST /kampanye`: sets up a campaign, then shows it.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let lang = page.lang;
    let mut bad = Vec::new();
    let days = |name: &str, bad: &mut Vec<String>| {
        let t = f.text(name);
        if t.is_empty() {
            return 0;
        }
        t.parse::<i64>().unwrap_or_else(|_| {
            bad.push(name.to_string());
            -1
        })
    };
    let n = NewCampaign {
        form: f.text("formulir"),
        title: f.text("judul"),
        periodicity: f.text("periodisitas"),
        first_period: f.text("periode_awal"),
        last_period: f.text("periode_akhir"),
        due_days: days("tenggat_hari", &mut bad),
        grace_days: days("tambahan_hari", &mut bad),
        remind_days: (!f.text("ingatkan_hari").is_empty()).then(|| days("ingatkan_hari", &mut bad)),
        escalate_days: (!f.text("eskalasi_hari").is_empty()).then(|| days("eskalasi_hari", &mut bad)),
        period_field: f.text("pertanyaan_periode"),
        region_field: Some(f.text("pertanyaan_wilayah")),
        units: units_of(&f.text("unit")),
    };
    match st.app.create_campaign(&page.authed.actor, &n).await {
        Ok(c) => Redirect::to(&format!("/kampanye/{}", c.id)).into_response(),
        Err(AppError::Validation(v)) => {
            let lines = v
                .errors
                .iter()
                .map(|e| format!("{}: {}", field_label(lang, &e.field), core_message(lang, &e.message)))
                .collect();
            list_page(&st, &page, UNPROCESSABLE, &f, lines).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /kampanye/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let lang = page.lang;
    let Some(id) = CampaignId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let v = match st.app.campaign_view(&page.authed.actor, id).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(&st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let d = super::api::detail(&v, &codes);
    let zone_of = |region: &str| sinergi_core::time::Zone::for_region(region);
    let rows: Vec<Value> = v
        .rows
        .iter()
        .map(|row| {
            let cells: Vec<Value> = row
                .cells
                .iter()
                .zip(&v.periods)
                .map(|(c, p)| {
                    // A unit that has not answered gets its paper sheet to print.
                    let sheet = c.submission.is_none().then(|| {
                        format!(
                            "/formulir/{}/kertas.pdf?wilayah={}&periode={}&instansi={}",
                            v.campaign.form_id,
                            row.unit.region_code,
                            p.label(),
                            row.agency_code
                        )
                    });
                    context! {
                        state => c.state.as_str(), label => state_label(lang, c.state),
                        at => c.answered_at.map(|t| zone_of(&row.unit.region_code).format(t)),
                        submission => c.submission.map(|s| s.to_string()), paper => c.paper,
                        sheet => sheet,
                    }
                })
                .collect();
            context! {
                region => row.unit.region_code.as_str(), region_name => row.region_name.as_str(),
                agency => row.agency_code.as_str(), cells => cells, rates => rates_ctx(&row.rates),
            }
        })
        .collect();
    let periods: Vec<Value> = v
        .periods
        .iter()
        .zip(&v.by_period)
        .map(|(p, r)| context! { label => p.label(), due => v.campaign.due_date(p).to_string(), rates => rates_ctx(r) })
        .collect();
    let late: Vec<Value> = d
        .late
        .iter()
        .map(|l| context! { region => l.region.as_str(), region_name => l.region_name.as_str(), agency => l.agency.as_str(), period => l.period.as_str(), due => l.due.as_str() })
        .collect();
    let results = match st.app.campaign_indices(&v).await {
        Ok(r) => r,
        Err(e) => return page.error(e),
    };
    let indices: Vec<Value> = super::api::index_views(&v, &results)
        .iter()
        .zip(&results)
        .map(|(x, r)| {
            let band_of = |label: &Option<String>| {
                label
                    .as_ref()
                    .and_then(|l| r.index.def.bands.iter().position(|b| &b.label == l))
            };
            let rows: Vec<Value> = x
                .units
                .iter()
                .map(|u| {
                    let cells: Vec<Value> = u
                        .scores
                        .iter()
                        .map(|c| context! {
                            score => c.score.map(|s| format!("{s:.2}")), band => c.band.clone(),
                            tone => band_of(&c.band), reason => c.reason.is_some(),
                        })
                        .collect();
                    context! { region => u.unit.region.as_str(), region_name => u.unit.region_name.as_str(), cells => cells }
                })
                .collect();
            let means: Vec<Value> = x
                .means
                .iter()
                .map(|m| context! { mean => m.mean.map(|s| format!("{s:.2}")), band => m.band.clone(), tone => band_of(&m.band), units => m.units })
                .collect();
            let components: Vec<String> = x
                .components
                .iter()
                .map(|c| format!("{} {} %", if c.label.is_empty() { &c.field } else { &c.label }, c.weight))
                .collect();
            let bands: Vec<Value> = x
                .bands
                .iter()
                .enumerate()
                .map(|(i, b)| context! { label => b.label.as_str(), from => b.from, to => b.to, tone => i })
                .collect();
            context! { id => x.id.to_string(), name => x.name.as_str(), components => components, bands => bands, rows => rows, means => means }
        })
        .collect();
    let index_list = super::api::index_views(&v, &results);
    let map = super::map::features(&st, &v, &codes, &index_list);
    let shades: Vec<Value> = index_list
        .iter()
        .map(|x| context! { name => x.name.as_str(), bands => x.bands.iter().map(|b| b.label.clone()).collect::<Vec<_>>() })
        .collect();
    render(
        StatusCode::OK,
        "kampanye.html",
        context! {
            map_json => crate::ui::render::json_for_script(&map),
            map_indices => shades,
            indices => indices,
            c => context! {
                id => v.campaign.id.to_string(), title => v.campaign.title.as_str(),
                form => v.form.id.to_string(), form_title => v.form.title.as_str(),
                periodicity => d.campaign.periodicity, due_days => d.due_days, grace_days => d.grace_days,
                remind_days => d.remind_days, escalate_days => d.escalate_days,
                period_field => d.period_field, owner => d.campaign.owner,
            },
            whole => v.whole,
            periods => periods,
            rows => rows,
            overall => rates_ctx(&v.overall),
            late => late,
            ..page_ctx(&page, "campaigns")
        },
    )
}
