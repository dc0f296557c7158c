//! Area profile pages (ADR 25): the profiles the visitor sees with a form to create one
//! (`/wilayah`), and a profile's page (`/wilayah/{kode}`): its needs assessment, its
//! roadmap's stages as a stepper with the stage reached, its posts (posko) with their
//! latest report and whether one is overdue, its history, and the forms to change the
//! profile, add a post and file a post's report.
//!
//! The app decides who sees and changes what; every POST checks `_csrf` first. The edit
//! form carries the profile's version, so a change made against a stale page is refused
//! (412).

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::areas::AreaFilter;
use sinergi_app::AppError;
use sinergi_core::area::{
    AreaBody, Aspect, Condition, NewPostBody, NewPostReportBody, Rating,
};
use sinergi_core::input::Body as _;
use sinergi_core::permission::Action;
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;

use super::api::{area_view, history_views, post_id, post_view};
use crate::features::plans::api::agency_codes;
use crate::i18n::{core_message, field_or_other, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/wilayah", get(list).post(create)),
        ("/wilayah/{kode}", get(detail)),
        ("/wilayah/{kode}/ubah", post(edit)),
        ("/wilayah/{kode}/posko", post(add_post)),
        ("/wilayah/{kode}/posko/{id}/laporan", post(add_report)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/wilayah/")?;
    let code = rest.split('/').next()?;
    rest.contains('/').then(|| format!("/wilayah/{code}"))
}

pub(crate) fn condition_label(lang: Lang, c: Condition) -> String {
    tr(
        lang,
        match c {
            Condition::DrugProne => k!("ar_cond_drug_prone"),
            Condition::Recovering => k!("ar_cond_recovering"),
            Condition::Bersinar => k!("ar_cond_bersinar"),
        },
    )
}

fn aspect_label(lang: Lang, a: Aspect) -> String {
    tr(
        lang,
        match a {
            Aspect::NaturalResources => k!("ar_aspect_natural_resources"),
            Aspect::HumanResources => k!("ar_aspect_human_resources"),
            Aspect::Institutions => k!("ar_aspect_institutions"),
            Aspect::Infrastructure => k!("ar_aspect_infrastructure"),
            Aspect::Entrepreneurship => k!("ar_aspect_entrepreneurship"),
            Aspect::CsrGrants => k!("ar_aspect_csr_grants"),
            Aspect::CapitalMarkets => k!("ar_aspect_capital_markets"),
        },
    )
}

fn rating_label(lang: Lang, r: Rating) -> String {
    tr(
        lang,
        match r {
            Rating::Lacking => k!("ar_rating_lacking"),
            Rating::Developing => k!("ar_rating_developing"),
            Rating::Adequate => k!("ar_rating_adequate"),
        },
    )
}

/// The name of a field an error names, for this domain's forms.
fn field_label(lang: Lang, field: &str) -> String {
    if let Some(rest) = field.strip_prefix("needs.") {
        let aspect = rest.split('.').next().unwrap_or(rest);
        if let Some(a) = Aspect::parse(aspect) {
            return aspect_label(lang, a);
        }
    }
    let key = match field {
        "code" => k!("ar_field_code"),
        "condition" => k!("ar_field_condition"),
        "summary" => k!("ar_field_summary"),
        "roadmap" => k!("ar_field_roadmap"),
        "stage" => k!("ar_field_stage"),
        "stage_since" => k!("ar_field_stage_since"),
        "name" => k!("ar_field_post_name"),
        "lon" | "lat" => k!("ar_field_location"),
        "responsible" => k!("ar_field_responsible"),
        "cadence_days" => k!("ar_field_cadence"),
        "reported_on" => k!("ar_field_reported_on"),
        "incidents" => k!("ar_count_incidents"),
        "outreach" => k!("ar_count_outreach"),
        "referrals" => k!("ar_count_referrals"),
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

/// The filter of the list page.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ListQuery {
    wilayah: Option<String>,
}

/// The values of the new-profile form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct NewValues {
    kode: String,
    kondisi: String,
    ringkasan: String,
}

/// `GET /wilayah`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Response {
    let region = q.ok().and_then(|Query(q)| q.wilayah).unwrap_or_default();
    let values = NewValues {
        kondisi: Condition::DrugProne.as_str().into(),
        ..Default::default()
    };
    list_page(&st, &page, &region, StatusCode::OK, &values, Vec::new()).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    region: &str,
    status: StatusCode,
    values: &NewValues,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let filter = AreaFilter {
        region: Some(region.trim().to_string()).filter(|r| !r.is_empty()),
        stage: None,
    };
    let areas = match st.app.areas(actor, &filter).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let rows: Vec<Value> = areas
        .iter()
        .map(|v| {
            let a = area_view(v, &codes);
            context! {
                code => a.code,
                name => a.name,
                owner => a.owner.unwrap_or_default(),
                condition => condition_label(lang, v.profile.condition),
                condition_key => v.profile.condition.as_str(),
                stage => a.stage_title,
                stage_number => a.stage_number,
                stages => a.roadmap.as_ref().map(|r| r.stages.len()),
            }
        })
        .collect();
    render(
        status,
        "wilayah_daftar.html",
        context! {
            areas => rows,
            region => region,
            can_create => actor.may(Action::ManageGroups),
            conditions => Condition::ALL.iter().map(|c| (c.as_str(), condition_label(lang, *c))).collect::<Vec<_>>(),
            values => Value::from_serialize(values),
            errors => errors,
            ..page_ctx(page, "areas")
        },
    )
}

/// `POST /wilayah`: a new profile.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let values = NewValues {
        kode: f.text("kode"),
        kondisi: f.text("kondisi"),
        ringkasan: f.text("ringkasan"),
    };
    let input = json!({
        "code": values.kode.trim(), "condition": values.kondisi, "summary": values.ringkasan,
    });
    let body = AreaBody::read(&input).unwrap_or_default();
    match st.app.create_area(&page.authed.actor, &body).await {
        Ok(a) => Redirect::to(&format!("/wilayah/{}", a.code)).into_response(),
        Err(AppError::Validation(e)) => {
            list_page(&st, &page, "", UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /wilayah/{kode}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(code): Path<String>,
) -> Response {
    area_page(&st, &page, &code, StatusCode::OK, Vec::new()).await
}

async fn area_page(
    st: &AppState,
    page: &Page,
    code: &str,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let v = match st.app.area_for(actor, code).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let posts = match st.app.area_posts(actor, code).await {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let versions = match st.app.area_history(actor, code).await {
        Ok(h) => h,
        Err(e) => return page.error(e),
    };
    let codes = match agency_codes(st).await {
        Ok(c) => c,
        Err(e) => return page.error(e.0),
    };
    let history = match history_views(st, &versions, v.roadmap.as_ref()).await {
        Ok(h) => h,
        Err(e) => return page.error(e.0),
    };
    // The roadmaps the writer may choose: those of the groups they see.
    let mut roadmaps: Vec<(String, String)> = Vec::new();
    if v.may_write {
        let groups = match st.app.groups_for(actor).await {
            Ok(g) => g,
            Err(e) => return page.error(e),
        };
        for g in &groups {
            match st.app.plans_of(actor, g.id).await {
                Ok(plans) => roadmaps.extend(
                    plans
                        .into_iter()
                        .filter(|p| p.kind == sinergi_core::plan::PlanKind::Roadmap)
                        .map(|p| (p.id.to_string(), format!("{} ({})", p.title, g.name))),
                ),
                Err(e) => return page.error(e),
            }
        }
    }
    let a = area_view(&v, &codes);
    let zone = Zone::for_region(&v.profile.code);
    let needs: Vec<Value> = Aspect::ALL
        .iter()
        .map(|asp| {
            let x = v.profile.needs.get(asp);
            context! {
                key => asp.as_str(),
                label => aspect_label(lang, *asp),
                note => x.and_then(|x| x.note.clone()).unwrap_or_default(),
                rating => x.and_then(|x| x.rating).map(|r| r.as_str()).unwrap_or(""),
                rating_label => x.and_then(|x| x.rating).map(|r| rating_label(lang, r)),
            }
        })
        .collect();
    let post_rows: Vec<Value> = posts
        .iter()
        .map(|p| {
            let pv = post_view(p, &codes);
            context! {
                id => pv.id.to_string(),
                name => pv.name,
                lon => format!("{:.5}", pv.lon),
                lat => format!("{:.5}", pv.lat),
                responsible => pv.responsible.unwrap_or_default(),
                cadence => pv.cadence_days,
                due => pv.due,
                overdue => pv.overdue,
                may_report => p.may_report,
                last => pv.last_report.map(|r| context! {
                    day => r.reported_on,
                    summary => r.summary,
                    incidents => r.counts.incidents,
                    outreach => r.counts.outreach,
                    referrals => r.counts.referrals,
                }),
            }
        })
        .collect();
    let history_rows: Vec<Value> = history
        .iter()
        .map(|h| {
            let at = chrono::DateTime::parse_from_rfc3339(&h.changed_at)
                .map(|t| {
                    format!(
                        "{} {}",
                        t.with_timezone(&zone.offset()).format("%Y-%m-%d %H:%M"),
                        zone.abbreviation()
                    )
                })
                .unwrap_or_else(|_| h.changed_at.clone());
            context! {
                version => h.version,
                at => at,
                by => h.changed_by.clone().unwrap_or_default(),
                condition => Condition::parse(&h.condition).map(|c| condition_label(lang, c)),
                stage => h.stage_title.clone(),
                stage_number => h.stage_number,
                stage_since => h.stage_since.clone(),
                stage_changed => h.stage_changed,
                summary => h.summary.clone().unwrap_or_default(),
            }
        })
        .collect();
    render(
        status,
        "wilayah.html",
        context! {
            area => context! {
                code => a.code.as_str(),
                name => a.name.as_str(),
                owner => a.owner.clone().unwrap_or_default(),
                condition => condition_label(lang, v.profile.condition),
                condition_key => v.profile.condition.as_str(),
                summary => a.summary.clone().unwrap_or_default().lines().map(str::to_string).collect::<Vec<_>>(),
                summary_text => a.summary.clone().unwrap_or_default(),
                roadmap_id => a.roadmap_id.map(|r| r.to_string()).unwrap_or_default(),
                roadmap_hidden => a.roadmap_id.is_some() && a.roadmap.is_none(),
                roadmap_title => a.roadmap.as_ref().map(|r| r.title.clone()),
                stages => a.roadmap.as_ref().map(|r| r.stages.iter().map(|s| context! {
                    id => s.id.to_string(), number => s.number, title => s.title.as_str(),
                    current => s.current, passed => s.passed,
                }).collect::<Vec<_>>()).unwrap_or_default(),
                stage => a.stage.map(|s| s.to_string()).unwrap_or_default(),
                stage_title => a.stage_title.clone(),
                stage_number => a.stage_number,
                stage_since => a.stage_since.clone().unwrap_or_default(),
                version => a.version,
            },
            needs => needs,
            posts => post_rows,
            history => history_rows,
            can_write => v.may_write,
            roadmaps => roadmaps,
            conditions => Condition::ALL.iter().map(|c| (c.as_str(), condition_label(lang, *c))).collect::<Vec<_>>(),
            ratings => Rating::ALL.iter().map(|r| (r.as_str(), rating_label(lang, *r))).collect::<Vec<_>>(),
            today => v.today.to_string(),
            errors => errors,
            ..page_ctx(page, "areas")
        },
    )
}

/// `POST /wilayah/{kode}/ubah`: the profile's condition, summary, needs, roadmap and
/// stage, against the version the page showed.
pub(crate) async fn edit(
    State(st): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let version = f.text("versi").parse::<i64>().ok();
    let mut needs = serde_json::Map::new();
    for a in Aspect::ALL {
        let note = f.text(&format!("catatan_{}", a.as_str()));
        let rating = f.text(&format!("nilai_{}", a.as_str()));
        needs.insert(
            a.as_str().to_string(),
            if note.trim().is_empty() && rating.trim().is_empty() {
                serde_json::Value::Null
            } else {
                json!({"note": note, "rating": rating})
            },
        );
    }
    let optional = |s: String| -> serde_json::Value {
        let s = s.trim().to_string();
        if s.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::Value::String(s)
        }
    };
    let mut input = json!({
        "condition": f.text("kondisi"),
        "summary": f.text("ringkasan"),
        "needs": needs,
        "roadmap": optional(f.text("peta_jalan")),
        "stage": optional(f.text("tahap")),
    });
    let since = f.text("sejak");
    if !since.trim().is_empty() {
        input["stage_since"] = json!(since.trim());
    }
    let body = AreaBody::read(&input).unwrap_or_default();
    match st
        .app
        .update_area(&page.authed.actor, &code, version, &body)
        .await
    {
        Ok(a) => Redirect::to(&format!("/wilayah/{}", a.code)).into_response(),
        Err(AppError::Validation(e)) => {
            area_page(&st, &page, &code, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /wilayah/{kode}/posko`: a new monitoring post.
pub(crate) async fn add_post(
    State(st): State<AppState>,
    page: Page,
    Path(code): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let number = |s: String| -> serde_json::Value {
        let s = s.trim().replace(',', ".");
        s.parse::<i64>()
            .map(serde_json::Value::from)
            .or_else(|_| s.parse::<f64>().map(serde_json::Value::from))
            .unwrap_or(serde_json::Value::String(s))
    };
    let mut input = json!({
        "name": f.text("nama"),
        "lon": number(f.text("bujur")),
        "lat": number(f.text("lintang")),
        "cadence_days": number(f.text("siklus")),
    });
    let responsible = f.text("penanggung_jawab");
    if !responsible.trim().is_empty() {
        input["responsible"] = json!(responsible.trim());
    }
    let body = NewPostBody::read(&input).unwrap_or_default();
    match st
        .app
        .create_area_post(&page.authed.actor, &code, &body)
        .await
    {
        Ok(p) => Redirect::to(&format!("/wilayah/{}#posko-{}", p.area_code, p.id)).into_response(),
        Err(AppError::Validation(e)) => {
            area_page(&st, &page, &code, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /wilayah/{kode}/posko/{id}/laporan`: a post's periodic report.
pub(crate) async fn add_report(
    State(st): State<AppState>,
    page: Page,
    Path((code, id)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Ok(pid) = post_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let count = |s: String| -> serde_json::Value {
        let s = s.trim().to_string();
        if s.is_empty() {
            return serde_json::Value::Null;
        }
        s.parse::<i64>()
            .map(serde_json::Value::from)
            .unwrap_or(serde_json::Value::String(s))
    };
    let input = json!({
        "reported_on": f.text("tanggal"),
        "summary": f.text("ringkasan"),
        "incidents": count(f.text("kejadian")),
        "outreach": count(f.text("penyuluhan")),
        "referrals": count(f.text("rujukan")),
    });
    let body = NewPostReportBody::read(&input).unwrap_or_default();
    match st
        .app
        .create_post_report(&page.authed.actor, &code, pid, &body)
        .await
    {
        Ok(_) => Redirect::to(&format!("/wilayah/{code}#posko-{pid}")).into_response(),
        Err(AppError::Validation(e)) => {
            area_page(&st, &page, &code, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}
