//! Wildlife and devices for early warning (`/satwa`): the tracked subjects of the user's
//! agencies, their devices with the current deployment and last fix, the forms to add a
//! subject, add a device and deploy it, the fixes held for unknown devices, and one
//! subject's page with its track of the last seven days and its recent alerts.
//!
//! As everywhere, the app decides: it lists only the actor's agencies' subjects and
//! devices and refuses set-up by anyone but coordinators and administrators. Every POST
//! checks `_csrf` first.

use std::collections::HashMap;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::warning::AlertListFilter;
use sinergi_app::AppError;
use sinergi_core::input::Body;
use sinergi_core::report::Sensitivity;
use sinergi_core::warning::body::{NewDeployment, NewDevice, NewSubject};
use sinergi_core::warning::{SubjectId, DEVICE_KINDS, SUBJECT_KINDS};

use super::{
    can_configure, card, home_center, species_label, species_options, whole, zone_at, FormErrors,
};
use crate::ui::format;
use crate::ui::format::home_zone;
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::{sensitivity_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

fn subject_kind_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "individual" => k!("w_sk_individual"),
        "herd" => k!("w_sk_herd"),
        "team" => k!("w_sk_team"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

fn device_kind_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "collar" => k!("w_dk_collar"),
        "tag" => k!("w_dk_tag"),
        "phone" => k!("w_dk_phone"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

fn battery_text(b: Option<f64>) -> Option<String> {
    b.map(|b| format!("{}%", b.round()))
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct SubjectValues {
    nama: String,
    spesies: String,
    spesies_lain: String,
    jenis: String,
    kerahasiaan: String,
    catatan: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct DeviceValues {
    serial: String,
    jenis: String,
    interval: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct DeployValues {
    perangkat: String,
    subjek: String,
    mulai: String,
}

/// The three forms of the page, each with what was typed and its errors.
#[derive(Default)]
struct Forms {
    subject: SubjectValues,
    subject_errors: FormErrors,
    device: DeviceValues,
    device_errors: FormErrors,
    deploy: DeployValues,
    deploy_errors: FormErrors,
}

impl Forms {
    fn fresh() -> Self {
        Forms {
            subject: SubjectValues {
                spesies: "gajah_sumatera".into(),
                jenis: "individual".into(),
                kerahasiaan: Sensitivity::Restricted.as_str().into(),
                ..Default::default()
            },
            device: DeviceValues {
                jenis: "collar".into(),
                interval: "60".into(),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

async fn list_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    forms: Forms,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let subjects = match st.app.subjects_for(actor).await {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let devices = match st.app.devices_for(actor).await {
        Ok(d) => d,
        Err(e) => return page.error(e),
    };
    let deployments = match st.app.deployments().await {
        Ok(d) => d,
        Err(e) => return page.error(e),
    };
    let last = match st.app.device_last_fixes().await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let configure = can_configure(page);
    let held = if configure {
        match st.app.held_fixes(actor).await {
            Ok(h) => Some(h),
            Err(AppError::Forbidden(_)) => None,
            Err(e) => return page.error(e),
        }
    } else {
        None
    };
    let now = st.app.now();
    let fallback = home_zone(page);
    let names: HashMap<SubjectId, &str> =
        subjects.iter().map(|s| (s.id, s.name.as_str())).collect();
    let subject_rows: Vec<Value> = subjects
        .iter()
        .map(|s| {
            let serials: Vec<&str> = deployments
                .iter()
                .filter(|d| d.subject_id == s.id && d.covers(now))
                .filter_map(|d| devices.iter().find(|x| x.id == d.device_id))
                .map(|d| d.serial.as_str())
                .collect();
            context! {
                id => s.id.to_string(),
                name => s.name.as_str(),
                species => species_label(lang, &s.species),
                kind => subject_kind_label(lang, &s.kind),
                devices => serials.join(", "),
            }
        })
        .collect();
    let device_rows: Vec<Value> = devices
        .iter()
        .map(|d| {
            let on = deployments
                .iter()
                .filter(|x| x.device_id == d.id && x.covers(now))
                .max_by_key(|x| x.start_at);
            let fix = last.iter().find(|l| l.device_id == d.id);
            context! {
                serial => d.serial.as_str(),
                kind => device_kind_label(lang, &d.kind),
                subject_id => on.map(|x| x.subject_id.to_string()),
                subject_name => on.and_then(|x| names.get(&x.subject_id).copied()),
                since => on.filter(|x| x.start_at.timestamp() > 0).map(|x| fallback.format(x.start_at)),
                last_fix => fix.map(|l| zone_at(st, l.lon, l.lat, fallback).format(l.recorded_at)),
                battery => fix.and_then(|l| battery_text(l.battery)),
            }
        })
        .collect();
    let held_rows: Option<Vec<Value>> = held.map(|list| {
        list.iter()
            .map(|h| {
                let f = &h.fix;
                let zone = zone_at(st, f.lon, f.lat, fallback);
                let sender = match (h.submitted_by.as_deref(), h.submitted_by_agency.as_deref()) {
                    (Some("operator"), _) => Some(tr(lang, k!("w_sent_by_operator"))),
                    (Some(user), Some(agency)) => Some(format!("{user} ({agency})")),
                    (Some(user), None) => Some(user.to_string()),
                    (None, _) => None,
                };
                context! {
                    serial => f.serial.as_str(),
                    time => zone.format(f.recorded_at),
                    position => format!("{:.5}, {:.5}", f.lat, f.lon),
                    battery => battery_text(f.battery),
                    received => zone.format(f.received_at),
                    sender => sender,
                }
            })
            .collect()
    });
    let subject_kinds: Vec<Value> = SUBJECT_KINDS
        .iter()
        .map(|k| context! { key => *k, label => subject_kind_label(lang, k) })
        .collect();
    let device_kinds: Vec<Value> = DEVICE_KINDS
        .iter()
        .map(|k| context! { key => *k, label => device_kind_label(lang, k) })
        .collect();
    let sensitivities: Vec<Value> = Sensitivity::ALL
        .iter()
        .map(|s| context! { key => s.as_str(), label => sensitivity_label(lang, *s) })
        .collect();
    let subject_options: Vec<Value> = subjects
        .iter()
        .map(|s| context! { id => s.id.to_string(), label => format!("{} ({})", s.name, species_label(lang, &s.species)) })
        .collect();
    render(
        status,
        "satwa.html",
        context! {
            subjects => subject_rows,
            devices => device_rows,
            held => held_rows,
            subject_kinds => subject_kinds,
            device_kinds => device_kinds,
            sensitivities => sensitivities,
            species => species_options(lang, subjects.iter().map(|s| s.species.as_str())),
            subject_options => subject_options,
            serials => devices.iter().map(|d| d.serial.clone()).collect::<Vec<_>>(),
            zone => fallback.abbreviation(),
            s => Value::from_serialize(&forms.subject),
            s_errors => forms.subject_errors.by_field,
            s_summary => forms.subject_errors.summary,
            d => Value::from_serialize(&forms.device),
            d_errors => forms.device_errors.by_field,
            d_summary => forms.device_errors.summary,
            p => Value::from_serialize(&forms.deploy),
            p_errors => forms.deploy_errors.by_field,
            p_summary => forms.deploy_errors.summary,
            notice => notice,
            can_configure => configure,
            ..page_ctx(page, "warning")
        },
    )
}

fn notice_of(lang: Lang, f: &FormData) -> Option<String> {
    let key = match f.get("pesan")? {
        "satwa" => k!("w_notice_subject"),
        "perangkat" => k!("w_notice_device"),
        "dipasang" => {
            let n = f.get("n").and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
            return Some(tr_args(
                lang,
                k!("w_notice_deployed"),
                &[("n", &n.to_string())],
            ));
        }
        _ => return None,
    };
    Some(tr(lang, key))
}

/// `GET /satwa`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = notice_of(page.lang, &f);
    list_page(&st, &page, StatusCode::OK, Forms::fresh(), notice).await
}

/// `POST /satwa`: adds a subject.
pub(crate) async fn create_subject(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let v = SubjectValues {
        nama: f.text("nama"),
        spesies: f.text("spesies"),
        spesies_lain: f.text("spesies_lain"),
        jenis: f.text("jenis"),
        kerahasiaan: f.text("kerahasiaan"),
        catatan: f.text("catatan"),
    };
    let species = if v.spesies_lain.is_empty() {
        &v.spesies
    } else {
        &v.spesies_lain
    };
    let mut input = json!({
        "name": v.nama, "species": species, "kind": v.jenis, "sensitivity": v.kerahasiaan,
    });
    if !v.catatan.is_empty() {
        input["notes"] = json!(v.catatan);
    }
    let body = NewSubject::read(&input).unwrap_or_default();
    match st.app.create_subject(&page.authed.actor, &body).await {
        Ok(_) => Redirect::to("/satwa?pesan=satwa").into_response(),
        Err(AppError::Validation(e)) => {
            let mut forms = Forms::fresh();
            let other = !v.spesies_lain.is_empty();
            forms.subject_errors.domain(lang, &e, |field| match field {
                "name" => ("nama", tr(lang, k!("w_name"))),
                "species" if other => ("spesies_lain", tr(lang, k!("w_other_species"))),
                "species" => ("spesies", tr(lang, k!("w_species"))),
                "kind" => ("jenis", tr(lang, k!("w_subject_kind"))),
                "sensitivity" => ("kerahasiaan", tr(lang, k!("w_sensitivity"))),
                "notes" => ("catatan", tr(lang, k!("w_notes"))),
                other => ("lain", crate::i18n::field_or_other(lang, other)),
            });
            forms.subject = v;
            list_page(&st, &page, UNPROCESSABLE, forms, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /satwa/perangkat`: adds a device.
pub(crate) async fn create_device(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let v = DeviceValues {
        serial: f.text("serial"),
        jenis: f.text("jenis"),
        interval: f.text("interval"),
    };
    let mut input = json!({"serial": v.serial, "kind": v.jenis});
    if !v.interval.is_empty() {
        input["expected_interval_min"] = whole(&v.interval);
    }
    let body = NewDevice::read(&input).unwrap_or_default();
    match st.app.create_device(&page.authed.actor, &body).await {
        Ok(_) => Redirect::to("/satwa?pesan=perangkat").into_response(),
        Err(AppError::Validation(e)) => {
            let mut forms = Forms::fresh();
            forms.device_errors.domain(lang, &e, |field| match field {
                "serial" => ("serial", tr(lang, k!("w_serial"))),
                "kind" => ("jenis", tr(lang, k!("w_device_kind"))),
                "expected_interval_min" => ("interval", tr(lang, k!("w_interval"))),
                other => ("lain", crate::i18n::field_or_other(lang, other)),
            });
            forms.device = v;
            list_page(&st, &page, UNPROCESSABLE, forms, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /satwa/pasang`: deploys a device on a subject, from a local time or from the
/// beginning (which attaches every fix held for that serial).
pub(crate) async fn deploy(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let v = DeployValues {
        perangkat: f.text("perangkat"),
        subjek: f.text("subjek"),
        mulai: f.text("mulai"),
    };
    let mut forms = Forms::fresh();
    let mut input = json!({"subject": v.subjek});
    if !v.mulai.is_empty() {
        let zone = format::zone_value(home_zone(&page));
        match format::local_to_rfc3339(&v.mulai, zone) {
            Some(t) => input["start"] = json!(t),
            None => forms.deploy_errors.push(
                "mulai",
                &tr(lang, k!("w_start")),
                tr(lang, k!("bad_date")),
            ),
        }
    }
    if v.perangkat.is_empty() {
        forms.deploy_errors.push(
            "perangkat",
            &tr(lang, k!("w_device")),
            tr(lang, k!("w_pick_device")),
        );
    }
    if forms.deploy_errors.is_empty() {
        let body = NewDeployment::read(&input).unwrap_or_default();
        match st
            .app
            .deploy_device(&page.authed.actor, &v.perangkat, &body)
            .await
        {
            Ok((_, attached)) => {
                return Redirect::to(&format!("/satwa?pesan=dipasang&n={attached}")).into_response()
            }
            Err(AppError::NotFound) => forms.deploy_errors.push(
                "perangkat",
                &tr(lang, k!("w_device")),
                tr(lang, k!("w_pick_device")),
            ),
            Err(AppError::Validation(e)) => {
                forms.deploy_errors.domain(lang, &e, |field| match field {
                    "subject" => ("subjek", tr(lang, k!("w_subject"))),
                    "start" => ("mulai", tr(lang, k!("w_start"))),
                    other => ("lain", crate::i18n::field_or_other(lang, other)),
                });
            }
            Err(e) => return page.error(e),
        }
    }
    forms.deploy = v;
    list_page(&st, &page, UNPROCESSABLE, forms, None).await
}

/// `GET /satwa/{id}`: one subject, its track of the last seven days and recent alerts.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let Some(id) = SubjectId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let subject = match st.app.subjects_for(actor).await {
        Ok(list) => match list.into_iter().find(|s| s.id == id) {
            Some(s) => s,
            None => return page.error(AppError::NotFound),
        },
        Err(e) => return page.error(e),
    };
    let now = st.app.now();
    let fixes = match st.app.track(id, now - Duration::days(7), now, 5000).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let alerts = match st
        .app
        .alerts_for(
            actor,
            AlertListFilter {
                since: Some(now - Duration::days(30)),
                subject: Some(id),
                limit: 20,
                ..Default::default()
            },
        )
        .await
    {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let devices = match st.app.devices_for(actor).await {
        Ok(d) => d,
        Err(e) => return page.error(e),
    };
    let deployments = match st.app.deployments().await {
        Ok(d) => d,
        Err(e) => return page.error(e),
    };
    let fallback = home_zone(&page);
    let zone = fixes
        .last()
        .map(|f| zone_at(&st, f.lon, f.lat, fallback))
        .unwrap_or(fallback);
    let cards: Vec<serde_json::Value> = alerts
        .iter()
        .map(|a| card(&st, lang, now, a, fallback))
        .collect();
    let latest: Vec<Value> = fixes
        .iter()
        .rev()
        .take(10)
        .map(|f| {
            context! {
                time => zone.format(f.recorded_at),
                position => format!("{:.5}, {:.5}", f.lat, f.lon),
                battery => battery_text(f.battery),
            }
        })
        .collect();
    let deployed: Vec<Value> = deployments
        .iter()
        .filter(|d| d.subject_id == id)
        .filter_map(|d| {
            let dev = devices.iter().find(|x| x.id == d.device_id)?;
            Some(context! {
                serial => dev.serial.as_str(),
                kind => device_kind_label(lang, &dev.kind),
                since => (d.start_at.timestamp() > 0).then(|| zone.format(d.start_at)),
                until => d.end_at.map(|t| zone.format(t)),
            })
        })
        .collect();
    let data = json!({
        "center": home_center(&st, &page),
        "track": fixes.iter().map(|f| [f.lon, f.lat]).collect::<Vec<_>>(),
        "last_time": fixes.last().map(|f| zone.format(f.recorded_at)),
        "name": subject.name,
        "alerts": cards.iter().map(|c| json!({
            "id": c["id"], "lon": c["lon"], "lat": c["lat"],
            "severity": c["severity"], "headline": c["headline"],
        })).collect::<Vec<_>>(),
    });
    render(
        StatusCode::OK,
        "satwa_detail.html",
        context! {
            subject => context! {
                id => subject.id.to_string(),
                name => subject.name.as_str(),
                species => species_label(lang, &subject.species),
                species_key => subject.species.as_str(),
                kind => subject_kind_label(lang, &subject.kind),
                sensitivity => sensitivity_label(lang, subject.sensitivity),
                notes => subject.notes.as_str(),
            },
            alerts => Value::from_serialize(&cards),
            latest => latest,
            deployed => deployed,
            has_track => !fixes.is_empty(),
            data_json => json_for_script(&data),
            ..page_ctx(&page, "warning")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_batteries_read_as_words() {
        assert_eq!(subject_kind_label(Lang::Id, "herd"), "kawanan");
        assert_eq!(device_kind_label(Lang::En, "collar"), "GPS collar");
        assert_eq!(battery_text(Some(14.6)), Some("15%".into()));
    }
}
