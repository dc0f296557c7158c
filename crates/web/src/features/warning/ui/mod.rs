//! Early warning in the web UI: the live alert board (`board.rs`), one alert with its
//! response log and deliveries (`alerts.rs`), the geofence editor (`areas.rs`), the alert
//! rules (`rules.rs`) and wildlife and devices (`wildlife.rs`). This module holds what they
//! share: who may do what, labels, places and times, the alert card and form errors.
//!
//! Like every page these decide nothing: the app returns only the alerts, fences and rules
//! the actor sees and refuses what the actor may not do; the role checks here only choose
//! which forms to show. Every POST checks `_csrf` first. The buttons are plain HTML forms;
//! `/static/peringatan.js` only adds the live stream, the maps and the drawing tool.

pub(crate) mod alerts;
pub(crate) mod areas;
pub(crate) mod board;
pub(crate) mod rules;
pub(crate) mod wildlife;

use std::collections::BTreeMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::Query;
use chrono::{DateTime, Utc};
use minijinja::{context, Value};
use serde_json::{json, Value as Json};
use sinergi_app::warning::AlertView;
use sinergi_core::time::Zone;
use sinergi_core::warning::{AlertStatus, Severity};
use sinergi_core::ValidationErrors;
use sinergi_regions::Level;

use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::{FormData, Page};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/peringatan", get(board::board)),
        (
            "/peringatan/area",
            get(areas::fences).post(areas::create_fence),
        ),
        ("/peringatan/area/{id}/aktif", post(areas::fence_active)),
        (
            "/peringatan/area/{id}/ubah",
            get(areas::edit_fence).post(areas::update_fence),
        ),
        (
            "/peringatan/aturan",
            get(rules::rules).post(rules::create_rule),
        ),
        ("/peringatan/aturan/{id}/aktif", post(rules::rule_active)),
        ("/peringatan/{id}", get(alerts::detail)),
        ("/peringatan/{id}/kartu", get(board::card_json)),
        ("/peringatan/{id}/tanggapi", post(alerts::acknowledge)),
        ("/peringatan/{id}/tindakan", post(alerts::act)),
        ("/peringatan/{id}/tutup", post(alerts::close)),
        ("/satwa", get(wildlife::list).post(wildlife::create_subject)),
        ("/satwa/perangkat", post(wildlife::create_device)),
        ("/satwa/pasang", post(wildlife::deploy)),
        ("/satwa/{id}", get(wildlife::detail)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    if path.starts_with("/satwa") {
        return Some("/satwa".into());
    }
    let rest = path.strip_prefix("/peringatan")?;
    // `/peringatan/area/{id}/ubah` answers GET too: back to the edit page.
    if rest.starts_with("/area/") && rest.ends_with("/ubah") {
        return Some(path.to_string());
    }
    if rest.starts_with("/area") {
        return Some("/peringatan/area".into());
    }
    if rest.starts_with("/aturan") {
        return Some("/peringatan/aturan".into());
    }
    // `/peringatan/{id}/tanggapi|tindakan|tutup` return to the alert.
    crate::features::strip_any_suffix(path, &["/tanggapi", "/tindakan", "/tutup"])
        .map(str::to_string)
}

pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    (
        "peringatan.html",
        include_str!("../../../../templates/warning/peringatan.html"),
    ),
    (
        "peringatan_menu.html",
        include_str!("../../../../templates/warning/peringatan_menu.html"),
    ),
    (
        "peringatan_kartu.html",
        include_str!("../../../../templates/warning/peringatan_kartu.html"),
    ),
    (
        "peringatan_ringkas.html",
        include_str!("../../../../templates/warning/peringatan_ringkas.html"),
    ),
    (
        "peringatan_tanggapan.html",
        include_str!("../../../../templates/warning/peringatan_tanggapan.html"),
    ),
    (
        "peringatan_detail.html",
        include_str!("../../../../templates/warning/peringatan_detail.html"),
    ),
    (
        "peringatan_area.html",
        include_str!("../../../../templates/warning/peringatan_area.html"),
    ),
    (
        "peringatan_area_ubah.html",
        include_str!("../../../../templates/warning/peringatan_area_ubah.html"),
    ),
    (
        "peringatan_area_bentuk.html",
        include_str!("../../../../templates/warning/peringatan_area_bentuk.html"),
    ),
    (
        "peringatan_aturan.html",
        include_str!("../../../../templates/warning/peringatan_aturan.html"),
    ),
    (
        "satwa.html",
        include_str!("../../../../templates/warning/satwa.html"),
    ),
    (
        "satwa_detail.html",
        include_str!("../../../../templates/warning/satwa_detail.html"),
    ),
];

// ---- who may do what (the app checks again) ----------------------------------------------

/// Coordinators and administrators set up fences, rules, subjects and devices.
pub(crate) fn can_configure(page: &Page) -> bool {
    page.may(sinergi_core::permission::Action::ConfigureWarning) && !page.must_enrol
}

/// Everyone but analysts responds to alerts.
pub(crate) fn can_respond(page: &Page) -> bool {
    page.may(sinergi_core::permission::Action::RespondToAlerts)
}

// ---- labels ------------------------------------------------------------------------------

/// What happened, as the words between the subject and the area: "masuk", "keluar dari"…
pub(crate) fn kind_words(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "enter" => k!("w_k_enter"),
        "exit" => k!("w_k_exit"),
        "proximity" => k!("w_k_proximity"),
        "dwell" => k!("w_k_dwell"),
        "cross" => k!("w_k_cross"),
        "hotspot_inside" => k!("w_k_hotspot_inside"),
        "sighting_inside" => k!("w_k_sighting_inside"),
        "sighting_proximity" => k!("w_k_sighting_proximity"),
        "device_silent" => k!("w_k_device_silent"),
        "battery_low" => k!("w_k_battery_low"),
        "no_movement" => k!("w_k_no_movement"),
        _ => k!("w_k_other"),
    };
    tr(lang, key)
}

pub(crate) fn severity_label(lang: Lang, s: Severity) -> String {
    tr(
        lang,
        match s {
            Severity::Info => k!("w_sev_info"),
            Severity::Warning => k!("w_sev_warning"),
            Severity::Critical => k!("w_sev_critical"),
        },
    )
}

pub(crate) fn status_label(lang: Lang, s: AlertStatus) -> String {
    tr(
        lang,
        match s {
            AlertStatus::Open => k!("w_st_open"),
            AlertStatus::Acknowledged => k!("w_st_acknowledged"),
            AlertStatus::Closed => k!("w_st_closed"),
        },
    )
}

fn action_key(a: &str) -> Option<&'static str> {
    Some(match a {
        "drive_away" => k!("w_act_drive_away"),
        "patrol_dispatched" => k!("w_act_patrol_dispatched"),
        "villagers_warned" => k!("w_act_villagers_warned"),
        "false_alarm" => k!("w_act_false_alarm"),
        "fire_suppressed" => k!("w_act_fire_suppressed"),
        "note" => k!("w_act_note"),
        "acknowledge" => k!("w_act_acknowledge"),
        _ => return None,
    })
}

fn outcome_key(o: &str) -> Option<&'static str> {
    Some(match o {
        "resolved" => k!("w_out_resolved"),
        "no_damage" => k!("w_out_no_damage"),
        "damage" => k!("w_out_damage"),
        "false_alarm" => k!("w_out_false_alarm"),
        "casualty" => k!("w_out_casualty"),
        _ => return None,
    })
}

pub(crate) fn outcome_label(lang: Lang, o: &str) -> String {
    outcome_key(o)
        .map(|key| tr(lang, key))
        .unwrap_or_else(|| o.to_string())
}

/// A logged response step in words; closing is logged as `close:<outcome>`.
fn action_label(lang: Lang, a: &str) -> String {
    if let Some(outcome) = a.strip_prefix("close:") {
        return tr_args(
            lang,
            k!("w_act_close"),
            &[("outcome", &outcome_label(lang, outcome))],
        );
    }
    action_key(a)
        .map(|key| tr(lang, key))
        .unwrap_or_else(|| a.to_string())
}

fn options(lang: Lang, keys: &[&str], label: fn(&str) -> Option<&'static str>) -> Vec<Value> {
    keys.iter()
        .map(|key| {
            let text = label(key)
                .map(|l| tr(lang, l))
                .unwrap_or_else(|| key.to_string());
            context! { key => *key, label => text }
        })
        .collect()
}

pub(crate) fn fence_kind_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "village" => k!("w_fk_village"),
        "park" => k!("w_fk_park"),
        "plantation" => k!("w_fk_plantation"),
        "concession" => k!("w_fk_concession"),
        "peatland" => k!("w_fk_peatland"),
        "road" => k!("w_fk_road"),
        "river" => k!("w_fk_river"),
        "other" => k!("w_fk_other"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

/// Species keys offered in forms, with their names. Subjects may use other keys; those
/// are shown as they are.
pub(crate) const SPECIES: [(&str, &str); 9] = [
    ("gajah_sumatera", k!("w_sp_gajah_sumatera")),
    ("harimau_sumatera", k!("w_sp_harimau_sumatera")),
    ("badak_sumatera", k!("w_sp_badak_sumatera")),
    ("orangutan_sumatera", k!("w_sp_orangutan_sumatera")),
    ("orangutan_kalimantan", k!("w_sp_orangutan_kalimantan")),
    ("beruang_madu", k!("w_sp_beruang_madu")),
    ("trenggiling", k!("w_sp_trenggiling")),
    ("tapir", k!("w_sp_tapir")),
    ("human", k!("w_sp_human")),
];

pub(crate) fn species_label(lang: Lang, key: &str) -> String {
    SPECIES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| tr(lang, label))
        .unwrap_or_else(|| key.to_string())
}

/// The offered species, then any other key a subject already uses.
pub(crate) fn species_options<'a>(lang: Lang, used: impl Iterator<Item = &'a str>) -> Vec<Value> {
    let mut keys: Vec<String> = SPECIES.iter().map(|(k, _)| k.to_string()).collect();
    for u in used {
        if !u.is_empty() && !keys.iter().any(|k| k == u) {
            keys.push(u.to_string());
        }
    }
    keys.iter()
        .map(|key| context! { key => key.as_str(), label => species_label(lang, key) })
        .collect()
}

/// "3 menit lalu".
pub(crate) fn age_text(lang: Lang, now: DateTime<Utc>, t: DateTime<Utc>) -> String {
    let s = (now - t).num_seconds().max(0);
    let (key, n) = if s < 60 {
        return tr(lang, k!("w_just_now"));
    } else if s < 3600 {
        (k!("w_minutes_ago"), s / 60)
    } else if s < 86_400 {
        (k!("w_hours_ago"), s / 3600)
    } else {
        (k!("w_days_ago"), s / 86_400)
    };
    tr_args(lang, key, &[("n", &n.to_string())])
}

/// A duration in whole minutes, or "not yet".
fn minutes_text(lang: Lang, secs: Option<i64>) -> String {
    match secs {
        None => tr(lang, k!("w_not_yet")),
        Some(s) if s < 60 => tr(lang, k!("w_under_minute")),
        Some(s) => tr_args(
            lang,
            k!("w_minutes"),
            &[("n", &((s + 30) / 60).to_string())],
        ),
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The alert as one line: "Gajah Rahmat masuk Desa Braja Harjosari".
fn headline(lang: Lang, v: &AlertView) -> String {
    let a = &v.alert;
    let words = kind_words(lang, &a.kind);
    let who = v
        .subject_name
        .clone()
        .or_else(|| v.species.as_deref().map(|s| species_label(lang, s)))
        .unwrap_or_else(|| tr(lang, k!("w_wildlife_unknown")));
    let fence = v.fence_name.clone().unwrap_or_default();
    let text = match a.kind.as_str() {
        "hotspot_inside" => format!("{words} {fence}"),
        "device_silent" | "battery_low" | "no_movement" => format!("{who}: {words}"),
        _ => format!("{who} {words} {fence}"),
    };
    capitalize(text.trim())
}

// ---- places and times --------------------------------------------------------------------

/// The zone of a position (its province's), and the names of its village, district and
/// regency, most specific first. `None` outside the shipped regions.
pub(crate) fn place_of(st: &AppState, lon: f64, lat: f64) -> Option<(Zone, String)> {
    let loc = st.app.gazetteer().locate(lon, lat)?;
    let names: Vec<String> = loc
        .chain()
        .iter()
        .rev()
        .take(3)
        .map(|r| r.name.clone())
        .collect();
    Some((Zone::for_region(&loc.province.code), names.join(", ")))
}

/// The zone times at a position are shown in; `fallback` outside the known regions.
pub(crate) fn zone_at(st: &AppState, lon: f64, lat: f64, fallback: Zone) -> Zone {
    st.app
        .gazetteer()
        .locate(lon, lat)
        .map(|l| Zone::for_region(&l.province.code))
        .unwrap_or(fallback)
}

/// Where maps start when there is nothing to show: the user's agency's first region,
/// else all of Indonesia.
pub(crate) fn home_center(st: &AppState, page: &Page) -> Json {
    let region = page
        .agency
        .as_ref()
        .and_then(|a| a.jurisdiction.first())
        .and_then(|c| st.app.gazetteer().get(c));
    match region {
        Some(r) => {
            let zoom = match r.level {
                Level::Province => 7,
                Level::Regency => 9,
                Level::District => 11,
                Level::Village => 13,
            };
            json!({"lon": r.lon, "lat": r.lat, "zoom": zoom})
        }
        None => json!({"lon": 118.0, "lat": -2.5, "zoom": 4}),
    }
}

/// One alert as the board, the detail page and the live script show it.
pub(crate) fn card(
    st: &AppState,
    lang: Lang,
    now: DateTime<Utc>,
    v: &AlertView,
    fallback: Zone,
) -> Json {
    let a = &v.alert;
    let place = place_of(st, a.lon, a.lat);
    let zone = place.as_ref().map(|(z, _)| *z).unwrap_or(fallback);
    json!({
        "id": a.id.to_string(),
        "seq": a.seq,
        "kind": a.kind,
        "kind_label": kind_words(lang, &a.kind),
        "severity": a.severity.as_str(),
        "severity_label": severity_label(lang, a.severity),
        "status": a.status.as_str(),
        "status_label": status_label(lang, a.status),
        "headline": headline(lang, v),
        "subject_id": a.subject_id.map(|s| s.to_string()),
        "report_id": a.report_id.map(|r| r.to_string()),
        "subject_name": v.subject_name.as_deref().unwrap_or(""),
        "species": v.species.as_deref().map(|s| species_label(lang, s)),
        "fence_name": v.fence_name.as_deref().unwrap_or(""),
        "rule_name": v.rule_name.as_deref().unwrap_or(""),
        "time": zone.format(a.at),
        "iso": a.at.to_rfc3339(),
        "age": age_text(lang, now, a.at),
        "lon": a.lon,
        "lat": a.lat,
        "position": format!("{:.5}, {:.5}", a.lat, a.lon),
        "place": place.map(|(_, n)| n).unwrap_or_else(|| tr(lang, k!("w_outside_regions"))),
        "distance": a.distance_m.map(|d| tr_args(lang, k!("w_metres"), &[("n", &format!("{}", d.round()))])),
        "outcome": a.outcome,
        "outcome_label": a.outcome.as_deref().map(|o| outcome_label(lang, o)),
    })
}

/// An empty card for the live script to copy (`<template>`): an open alert with no text.
fn blank_card(lang: Lang) -> Json {
    json!({
        "id": "", "seq": 0, "kind": "", "kind_label": "",
        "severity": "warning", "severity_label": severity_label(lang, Severity::Warning),
        "status": "open", "status_label": status_label(lang, AlertStatus::Open),
        "headline": "", "time": "", "iso": "", "age": "", "place": "", "position": "",
        "rule_name": "", "fence_name": "",
    })
}

fn pesan(lang: Lang, f: &FormData) -> Option<String> {
    let key = match f.get("pesan")? {
        "ditanggapi" => k!("w_notice_acknowledged"),
        "tindakan" => k!("w_notice_action"),
        "ditutup" => k!("w_notice_closed"),
        "berubah" => k!("w_notice_changed"),
        "area" => k!("w_notice_area"),
        "diubah" => k!("w_notice_area_changed"),
        "aturan" => k!("w_notice_rule"),
        "aktif" => k!("w_notice_on"),
        "nonaktif" => k!("w_notice_off"),
        _ => return None,
    };
    Some(tr(lang, key))
}

fn query(q: Result<Query<Vec<(String, String)>>, QueryRejection>) -> FormData {
    FormData(q.map(|Query(v)| v).unwrap_or_default())
}

/// The texts the board's script needs, in the visitor's language.
fn script_text(lang: Lang) -> Json {
    json!({
        "connecting": tr(lang, k!("w_live_connecting")),
        "live_on": tr(lang, k!("w_live_on")),
        "live_off": tr(lang, k!("w_live_off")),
        "live_new": tr(lang, k!("w_live_new")),
        "just_now": tr(lang, k!("w_just_now")),
        "minutes_ago": tr(lang, k!("w_minutes_ago")),
        "hours_ago": tr(lang, k!("w_hours_ago")),
        "days_ago": tr(lang, k!("w_days_ago")),
        "map_failed": tr(lang, k!("w_map_failed")),
        "points": tr(lang, k!("w_draw_points")),
        "open": tr(lang, k!("w_open_detail")),
        // For a card built from the stream's own data when the server's card cannot be
        // fetched: the words for its keys.
        "severities": {
            "info": severity_label(lang, Severity::Info),
            "warning": severity_label(lang, Severity::Warning),
            "critical": severity_label(lang, Severity::Critical),
        },
        "statuses": {
            "open": status_label(lang, AlertStatus::Open),
            "acknowledged": status_label(lang, AlertStatus::Acknowledged),
            "closed": status_label(lang, AlertStatus::Closed),
        },
        "kinds": ALERT_KINDS
            .iter()
            .map(|k| (k.to_string(), json!(kind_words(lang, k))))
            .collect::<serde_json::Map<String, Json>>(),
    })
}

/// Every kind of alert [`kind_words`] has words for.
const ALERT_KINDS: [&str; 11] = [
    "enter",
    "exit",
    "proximity",
    "dwell",
    "cross",
    "hotspot_inside",
    "sighting_inside",
    "sighting_proximity",
    "device_silent",
    "battery_low",
    "no_movement",
];

pub(crate) fn channel_label(lang: Lang, c: &str) -> String {
    let key = match c {
        "board" => k!("w_ch_board"),
        "webhook" => k!("w_ch_webhook"),
        "email" => k!("w_ch_email"),
        "sms" => k!("w_ch_sms"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

/// `aktif=1|0` as a flag.
pub(crate) fn active_flag(f: &FormData) -> bool {
    f.get("aktif") == Some("1")
}

// ---- form errors -------------------------------------------------------------------------

/// Errors of one form: by form field, and the summary at its top.
#[derive(Default)]
pub(crate) struct FormErrors {
    pub by_field: BTreeMap<String, Vec<String>>,
    pub summary: Vec<String>,
}

impl FormErrors {
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty() && self.summary.is_empty()
    }

    pub fn push(&mut self, field: &str, label: &str, message: String) {
        self.summary.push(format!("{label}: {message}"));
        self.by_field
            .entry(field.to_string())
            .or_default()
            .push(message);
    }

    /// Adds the app's errors, each under the form field `place` names for it, with the
    /// domain's path kept when it points at one item (`shape.coordinates[0]`).
    pub fn domain(
        &mut self,
        lang: Lang,
        v: &ValidationErrors,
        place: impl Fn(&str) -> (&'static str, String),
    ) {
        for e in &v.errors {
            let (field, label) = place(&e.field);
            let mut msg = core_message(lang, &e.message);
            if e.field.contains('[') {
                msg = format!("{msg} ({})", e.field);
            }
            self.push(field, &label, msg);
        }
    }
}

/// A number as typed (a decimal comma allowed), or the text itself so that the app names
/// the problem.
pub(crate) fn number(s: &str) -> Json {
    match s.trim().replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => json!(n),
        _ => json!(s.trim()),
    }
}

/// A whole number as typed, or the text itself so that the app names the problem.
pub(crate) fn whole(s: &str) -> Json {
    match s.trim().parse::<u64>() {
        Ok(n) => json!(n),
        _ => json!(s.trim()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn headlines_read_as_a_sentence() {
        assert_eq!(capitalize("titik api di Kebun"), "Titik api di Kebun");
        let now = DateTime::parse_from_rfc3339("2025-06-01T18:00:00+07:00")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(
            age_text(Lang::Id, now, now - Duration::minutes(3)),
            "3 menit lalu"
        );
        assert_eq!(minutes_text(Lang::En, Some(95)), "2 min");
        assert_eq!(
            action_label(Lang::Id, "close:no_damage"),
            "Menutup: Tanpa kerusakan"
        );
    }
}
