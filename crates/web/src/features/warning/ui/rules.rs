//! The alert rules (`/peringatan/aturan`).

use std::collections::HashMap;

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::{json, Value as Json};
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::input::Body;
use sinergi_core::warning::body::NewRule;
use sinergi_core::warning::{Fence, FenceId, Rule, RuleId, Severity};

use super::*;
use crate::ui::format::home_zone;
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- rules -------------------------------------------------------------------------------

const TRIGGERS: [&str; 6] = [
    "enter",
    "exit",
    "proximity",
    "dwell",
    "cross",
    "hotspot_inside",
];

fn trigger_label(lang: Lang, t: &str) -> String {
    let key = match t {
        "enter" => k!("w_tr_enter"),
        "exit" => k!("w_tr_exit"),
        "proximity" => k!("w_tr_proximity"),
        "dwell" => k!("w_tr_dwell"),
        "cross" => k!("w_tr_cross"),
        "hotspot_inside" => k!("w_tr_hotspot_inside"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct RuleValues {
    nama: String,
    pagar: Vec<String>,
    sasaran: String,
    spesies: String,
    subjek: String,
    pemicu: String,
    jarak: String,
    menit: String,
    tingkat: String,
    histeresis: String,
    jeda: String,
    dari: String,
    sampai: String,
    instansi: Vec<String>,
    kontak: String,
    saluran: Vec<String>,
}

impl RuleValues {
    fn from_form(f: &FormData) -> Self {
        let all = |key: &str| -> Vec<String> {
            f.0.iter()
                .filter(|(k, v)| k == key && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
                .collect()
        };
        RuleValues {
            nama: f.text("nama"),
            pagar: all("pagar"),
            sasaran: match f.get("sasaran") {
                Some(s @ ("species" | "subject")) => s.to_string(),
                _ => "any".into(),
            },
            spesies: f.text("spesies"),
            subjek: f.text("subjek"),
            pemicu: f.text("pemicu"),
            jarak: f.text("jarak"),
            menit: f.text("menit"),
            tingkat: f.text("tingkat"),
            histeresis: f.text("histeresis"),
            jeda: f.text("jeda"),
            dari: f.text("dari"),
            sampai: f.text("sampai"),
            instansi: all("instansi"),
            kontak: f.get("kontak").unwrap_or("").to_string(),
            saluran: all("saluran"),
        }
    }

    /// The app's rule body.
    fn to_json(&self) -> Json {
        let mut trigger = json!({"type": self.pemicu});
        match self.pemicu.as_str() {
            "proximity" if !self.jarak.is_empty() => trigger["distance_m"] = number(&self.jarak),
            "dwell" if !self.menit.is_empty() => trigger["minutes"] = whole(&self.menit),
            _ => {}
        }
        let contacts: Vec<Json> = self
            .kontak
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(contact)
            .collect();
        let mut body = json!({
            "name": self.nama,
            "trigger": trigger,
            "severity": self.tingkat,
            "recipients": {"agencies": self.instansi, "contacts": contacts},
            "channels": self.saluran,
        });
        if !self.pagar.is_empty() {
            body["fences"] = json!(self.pagar);
        }
        body["subjects"] = match self.sasaran.as_str() {
            "species" => json!({"species": self.spesies}),
            "subject" => json!({"subject": self.subjek}),
            _ => json!("any"),
        };
        if !self.histeresis.is_empty() {
            body["hysteresis_m"] = number(&self.histeresis);
        }
        if !self.jeda.is_empty() {
            body["quiet_period_min"] = number(&self.jeda);
        }
        if !self.dari.is_empty() || !self.sampai.is_empty() {
            body["active_hours"] = json!({"from": self.dari, "to": self.sampai});
        }
        body
    }
}

/// One contact line: "name, phone" (or an e-mail address after the last comma).
fn contact(line: &str) -> Json {
    match line.rsplit_once([',', ';']) {
        Some((name, reach)) => {
            let reach = reach.trim();
            if reach.contains('@') {
                json!({"name": name.trim(), "email": reach})
            } else {
                let phone: String = reach
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
                    .collect();
                json!({"name": name.trim(), "phone": phone})
            }
        }
        None => json!({"name": line}),
    }
}

fn rule_place(lang: Lang, field: &str) -> (&'static str, String) {
    let (f, key) = match field {
        "name" => ("nama", k!("w_name")),
        f if f.starts_with("fences") => ("pagar", k!("w_rule_areas")),
        f if f.starts_with("subjects") => ("sasaran", k!("w_who")),
        "trigger.distance_m" => ("jarak", k!("w_distance_m")),
        "trigger.minutes" => ("menit", k!("w_dwell_min")),
        f if f.starts_with("trigger") => ("pemicu", k!("w_trigger")),
        "severity" => ("tingkat", k!("w_severity")),
        "hysteresis_m" => ("histeresis", k!("w_hysteresis")),
        "quiet_period_min" => ("jeda", k!("w_quiet")),
        f if f.starts_with("active_hours") => ("jam", k!("w_hours")),
        f if f.starts_with("recipients.contacts") => ("kontak", k!("w_contacts")),
        f if f.starts_with("recipients") => ("instansi", k!("w_recipient_agencies")),
        f if f.starts_with("channels") => ("saluran", k!("w_channels")),
        other => return ("lain", other.to_string()),
    };
    (f, tr(lang, key))
}

fn zone_of_offset(minutes: i64) -> &'static str {
    match minutes {
        480 => "WITA",
        540 => "WIT",
        _ => "WIB",
    }
}

fn hhmm(m: i64) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// One rule in words for the list.
fn rule_row(
    lang: Lang,
    r: &Rule,
    fence_names: &HashMap<FenceId, String>,
    subject_names: &HashMap<String, String>,
    agencies: &[Agency],
) -> Value {
    let trig = serde_json::to_value(r.spec.trigger).unwrap_or(Json::Null);
    let ty = trig.get("type").and_then(Json::as_str).unwrap_or("");
    let mut trigger = trigger_label(lang, ty);
    if let Some(d) = trig.get("distance_m").and_then(Json::as_f64) {
        trigger = format!(
            "{trigger} {}",
            tr_args(lang, k!("w_metres"), &[("n", &format!("{}", d.round()))])
        );
    }
    if let Some(m) = trig.get("minutes").and_then(Json::as_u64) {
        trigger = format!(
            "{trigger} {}",
            tr_args(lang, k!("w_minutes"), &[("n", &m.to_string())])
        );
    }
    let fences = if r.spec.fences.is_empty() {
        tr(lang, k!("w_all_areas"))
    } else {
        r.spec
            .fences
            .iter()
            .map(|id| {
                fence_names
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| tr(lang, k!("w_unknown_fence")))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let subj = serde_json::to_value(&r.spec.subjects).unwrap_or(Json::Null);
    let who = match subj.get("type").and_then(Json::as_str) {
        Some("species") => species_label(lang, subj["value"].as_str().unwrap_or("")),
        Some("subject") => {
            let id = subj["value"].as_str().unwrap_or("").to_string();
            subject_names.get(&id).cloned().unwrap_or(id)
        }
        _ => tr(lang, k!("w_any_subject")),
    };
    let hours = match r.spec.active_hours {
        Some(h) => {
            let h = serde_json::to_value(h).unwrap_or(Json::Null);
            let m = |k: &str| h.get(k).and_then(Json::as_i64).unwrap_or(0);
            format!(
                "{}–{} {}",
                hhmm(m("start_minute")),
                hhmm(m("end_minute")),
                zone_of_offset(m("utc_offset_minutes"))
            )
        }
        None => tr(lang, k!("w_all_day")),
    };
    let mut recipients: Vec<String> = r
        .spec
        .recipients
        .agencies
        .iter()
        .map(|id| {
            agencies
                .iter()
                .find(|a| a.id == *id)
                .map(|a| a.code.to_string())
                .unwrap_or_else(|| id.to_string())
        })
        .collect();
    recipients.extend(r.spec.recipients.contacts.iter().map(|c| c.name.clone()));
    let channels: Vec<String> = r
        .spec
        .channels
        .iter()
        .map(|c| {
            let key = serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            channel_label(lang, &key)
        })
        .collect();
    context! {
        id => r.id.to_string(),
        name => r.name.as_str(),
        active => r.active,
        trigger => trigger,
        fences => fences,
        who => who,
        severity => r.spec.severity.as_str(),
        severity_label => severity_label(lang, r.spec.severity),
        hours => hours,
        quiet => tr_args(lang, k!("w_quiet_short"), &[("n", &(r.spec.quiet_period_s / 60).to_string())]),
        hysteresis => tr_args(lang, k!("w_hyst_short"), &[("n", &format!("{}", r.spec.hysteresis_m.round()))]),
        recipients => recipients.join(", "),
        channels => channels.join(", "),
    }
}

async fn rules_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: RuleValues,
    errors: FormErrors,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let rules = match st.app.rules_for(actor).await {
        Ok(r) => r,
        Err(e) => return page.error(e),
    };
    let fences: Vec<Fence> = match st.app.fences_for(actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let subjects = match st.app.subjects_for(actor).await {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let agencies = match st.app.agencies().await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let fence_names: HashMap<FenceId, String> =
        fences.iter().map(|f| (f.id, f.name.clone())).collect();
    let subject_names: HashMap<String, String> = subjects
        .iter()
        .map(|s| (s.id.to_string(), s.name.clone()))
        .collect();
    let rows: Vec<Value> = rules
        .iter()
        .map(|r| rule_row(lang, r, &fence_names, &subject_names, &agencies))
        .collect();
    // Only the actor's own agency's fences can be named (the app checks the same).
    let own: Vec<Value> = fences
        .iter()
        .filter(|f| f.owner_agency_id == actor.agency_id)
        .map(|f| context! { id => f.id.to_string(), name => f.name.as_str(), kind_label => fence_kind_label(lang, &f.kind), active => f.active })
        .collect();
    let mut sorted: Vec<&Agency> = agencies.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    let agency_options: Vec<Value> = sorted
        .iter()
        .map(|a| context! { code => a.code.as_str(), label => format!("{} — {}", a.code, a.name) })
        .collect();
    let subject_options: Vec<Value> = subjects
        .iter()
        .map(|s| context! { id => s.id.to_string(), label => format!("{} ({})", s.name, species_label(lang, &s.species)) })
        .collect();
    let triggers: Vec<Value> = TRIGGERS
        .iter()
        .map(|t| context! { key => *t, label => trigger_label(lang, t) })
        .collect();
    let severities: Vec<Value> = [Severity::Info, Severity::Warning, Severity::Critical]
        .iter()
        .map(|s| context! { key => s.as_str(), label => severity_label(lang, *s) })
        .collect();
    render(
        status,
        "peringatan_aturan.html",
        context! {
            rules => rows,
            fences => own,
            agencies => agency_options,
            subjects => subject_options,
            species => species_options(lang, subjects.iter().map(|s| s.species.as_str())),
            triggers => triggers,
            severities => severities,
            sms_ready => st.app.warning.delivery.sms.is_some(),
            zone => home_zone(page).abbreviation(),
            v => Value::from_serialize(&values),
            errors => errors.by_field,
            summary => errors.summary,
            notice => notice,
            can_configure => can_configure(page),
            ..page_ctx(page, "warning")
        },
    )
}

pub(crate) async fn rules(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let notice = pesan(page.lang, &query(q));
    let values = RuleValues {
        sasaran: "any".into(),
        pemicu: "enter".into(),
        tingkat: Severity::Warning.as_str().into(),
        histeresis: "25".into(),
        jeda: "30".into(),
        instansi: page
            .agency
            .as_ref()
            .map(|a| vec![a.code.to_string()])
            .unwrap_or_default(),
        ..Default::default()
    };
    rules_page(
        &st,
        &page,
        StatusCode::OK,
        values,
        FormErrors::default(),
        notice,
    )
    .await
}

pub(crate) async fn create_rule(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let v = RuleValues::from_form(&f);
    let body = NewRule::read(&v.to_json()).unwrap_or_default();
    match st.app.create_rule(&page.authed.actor, &body).await {
        Ok(_) => Redirect::to("/peringatan/aturan?pesan=aturan").into_response(),
        Err(AppError::Validation(e)) => {
            let mut errors = FormErrors::default();
            errors.domain(lang, &e, |field| rule_place(lang, field));
            rules_page(&st, &page, UNPROCESSABLE, v, errors, None).await
        }
        Err(e) => page.error(e),
    }
}

pub(crate) async fn rule_active(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = RuleId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let on = active_flag(&f);
    match st.app.set_rule_active(&page.authed.actor, id, on).await {
        Ok(()) => Redirect::to(&format!(
            "/peringatan/aturan?pesan={}",
            if on { "aktif" } else { "nonaktif" }
        ))
        .into_response(),
        Err(e) => page.error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_lines_become_contacts() {
        assert_eq!(
            contact("Kepala Desa Braja Harjosari, 0812-3456 7890"),
            json!({"name": "Kepala Desa Braja Harjosari", "phone": "081234567890"})
        );
        assert_eq!(
            contact("Pak Budi; budi@example.org"),
            json!({"name": "Pak Budi", "email": "budi@example.org"})
        );
        assert_eq!(contact("Tanpa nomor"), json!({"name": "Tanpa nomor"}));
    }

    #[test]
    fn the_rule_form_becomes_the_apps_body() {
        let f = FormData(
            [
                ("nama", "Gajah dekat desa"),
                ("pagar", "0197a1b2-0000-7000-8000-000000000001"),
                ("sasaran", "species"),
                ("spesies", "gajah_sumatera"),
                ("pemicu", "proximity"),
                ("jarak", "1000"),
                ("menit", "30"),
                ("tingkat", "critical"),
                ("histeresis", "50"),
                ("jeda", "30"),
                ("dari", "18:00"),
                ("sampai", "06:00"),
                ("instansi", "BTNWK"),
                ("instansi", "DESA-LABUHAN-RATU-IX"),
                ("kontak", "Kepala Desa, +6281234567890\n"),
                ("saluran", "sms"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let body = RuleValues::from_form(&f).to_json();
        assert_eq!(
            body["trigger"],
            json!({"type": "proximity", "distance_m": 1000.0})
        );
        assert_eq!(body["subjects"], json!({"species": "gajah_sumatera"}));
        assert_eq!(
            body["recipients"]["agencies"],
            json!(["BTNWK", "DESA-LABUHAN-RATU-IX"])
        );
        assert_eq!(body["recipients"]["contacts"][0]["phone"], "+6281234567890");
        assert_eq!(
            body["active_hours"],
            json!({"from": "18:00", "to": "06:00"})
        );
        assert_eq!(body["channels"], json!(["sms"]));
        assert_eq!(body["fences"].as_array().map(Vec::len), Some(1));
    }
}
