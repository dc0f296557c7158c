//! Early warning in the web UI: the live alert board (`/peringatan`), one alert with its
//! response log and deliveries (`/peringatan/{id}`), the geofence editor
//! (`/peringatan/area`) and the alert rules (`/peringatan/aturan`). Wildlife and devices
//! are in `satwa.rs`.
//!
//! Like every page these decide nothing: the app returns only the alerts, fences and rules
//! the actor sees and refuses what the actor may not do; the role checks here only choose
//! which forms to show. Every POST checks `_csrf` first. The buttons are plain HTML forms;
//! `/static/peringatan.js` only adds the live stream, the maps and the drawing tool.

use std::collections::{BTreeMap, HashMap};

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use minijinja::{context, Value};
use serde_json::{json, Value as Json};
use sinergi_app::warning::{AlertListFilter, AlertView};
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::time::Zone;
use sinergi_core::user::Role;
use sinergi_core::warning::{
    AlertId, AlertStatus, Fence, FenceId, Rule, RuleId, Severity, Shape, ALERT_ACTIONS,
    ALERT_OUTCOMES, FENCE_KINDS,
};
use sinergi_core::ValidationErrors;
use sinergi_regions::{Level, Region};

use super::i18n::{core_message, k, tr, Lang};
use super::render::{json_for_script, page_ctx, render};
use super::reports::home_zone;
use super::{FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- who may do what (the app checks again) ----------------------------------------------

/// Coordinators and administrators set up fences, rules, subjects and devices.
pub(super) fn can_configure(page: &Page) -> bool {
    matches!(
        page.authed.user.role,
        Role::Coordinator | Role::AgencyAdmin | Role::SystemAdmin
    ) && !page.must_enrol
}

/// Everyone but analysts responds to alerts.
pub(super) fn can_respond(page: &Page) -> bool {
    page.authed.user.role != Role::Analyst
}

// ---- labels ------------------------------------------------------------------------------

/// What happened, as the words between the subject and the area: "masuk", "keluar dari"…
pub(super) fn kind_words(lang: Lang, kind: &str) -> String {
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

pub(super) fn severity_label(lang: Lang, s: Severity) -> String {
    tr(
        lang,
        match s {
            Severity::Info => k!("w_sev_info"),
            Severity::Warning => k!("w_sev_warning"),
            Severity::Critical => k!("w_sev_critical"),
        },
    )
}

pub(super) fn status_label(lang: Lang, s: AlertStatus) -> String {
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

pub(super) fn outcome_label(lang: Lang, o: &str) -> String {
    outcome_key(o)
        .map(|key| tr(lang, key))
        .unwrap_or_else(|| o.to_string())
}

/// A logged response step in words; closing is logged as `close:<outcome>`.
fn action_label(lang: Lang, a: &str) -> String {
    if let Some(outcome) = a.strip_prefix("close:") {
        return tr(lang, k!("w_act_close")).replace("{outcome}", &outcome_label(lang, outcome));
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

pub(super) fn fence_kind_label(lang: Lang, kind: &str) -> String {
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
pub(super) const SPECIES: [(&str, &str); 9] = [
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

pub(super) fn species_label(lang: Lang, key: &str) -> String {
    SPECIES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, label)| tr(lang, label))
        .unwrap_or_else(|| key.to_string())
}

/// The offered species, then any other key a subject already uses.
pub(super) fn species_options<'a>(lang: Lang, used: impl Iterator<Item = &'a str>) -> Vec<Value> {
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
pub(super) fn age_text(lang: Lang, now: DateTime<Utc>, t: DateTime<Utc>) -> String {
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
    tr(lang, key).replace("{n}", &n.to_string())
}

/// A duration in whole minutes, or "not yet".
fn minutes_text(lang: Lang, secs: Option<i64>) -> String {
    match secs {
        None => tr(lang, k!("w_not_yet")),
        Some(s) if s < 60 => tr(lang, k!("w_under_minute")),
        Some(s) => tr(lang, k!("w_minutes")).replace("{n}", &((s + 30) / 60).to_string()),
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
pub(super) fn place_of(st: &AppState, lon: f64, lat: f64) -> Option<(Zone, String)> {
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
pub(super) fn zone_at(st: &AppState, lon: f64, lat: f64, fallback: Zone) -> Zone {
    st.app
        .gazetteer()
        .locate(lon, lat)
        .map(|l| Zone::for_region(&l.province.code))
        .unwrap_or(fallback)
}

/// Where maps start when there is nothing to show: the user's agency's first region,
/// else all of Indonesia.
pub(super) fn home_center(st: &AppState, page: &Page) -> Json {
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
pub(super) fn card(
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
        "distance": a.distance_m.map(|d| tr(lang, k!("w_metres")).replace("{n}", &format!("{}", d.round()))),
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

// ---- the board ---------------------------------------------------------------------------

/// The board's order (ADR 7): most severe first, then newest (by the time the alert is
/// about, which the card shows), then the later stream position. The live script puts
/// new cards by the same rule.
pub(super) fn board_order(views: &mut [AlertView]) {
    views.sort_by(|a, b| {
        b.alert
            .severity
            .cmp(&a.alert.severity)
            .then(b.alert.at.cmp(&a.alert.at))
            .then(b.alert.seq.cmp(&a.alert.seq))
    });
}

/// The alerts still open or being handled that the actor sees, in the board's order.
pub(super) async fn active_alerts(st: &AppState, page: &Page) -> Result<Vec<AlertView>, AppError> {
    let mut all = Vec::new();
    for status in [AlertStatus::Open, AlertStatus::Acknowledged] {
        let list = st
            .app
            .alerts_for(
                &page.authed.actor,
                AlertListFilter {
                    status: Some(status),
                    limit: 200,
                    ..Default::default()
                },
            )
            .await?;
        all.extend(list);
    }
    board_order(&mut all);
    Ok(all)
}

/// The first `limit` active alerts as cards, and how many there are: for the home and
/// notification pages, which show them in short with a link to each.
pub(super) async fn active_summary(
    st: &AppState,
    page: &Page,
    limit: usize,
) -> Result<(Vec<Json>, usize), AppError> {
    let views = active_alerts(st, page).await?;
    let now = st.app.now();
    let fallback = home_zone(page);
    let cards = views
        .iter()
        .take(limit)
        .map(|v| card(st, page.lang, now, v, fallback))
        .collect();
    Ok((cards, views.len()))
}

/// `GET /peringatan[?tampil=ditutup]`: open and acknowledged alerts in the board's order
/// (or those closed in the last seven days, newest first), with the response buttons.
pub(super) async fn board(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let f = query(q);
    let closed = f.get("tampil") == Some("ditutup");
    let now = st.app.now();
    let actor = &page.authed.actor;
    let views = if closed {
        match st
            .app
            .alerts_for(
                actor,
                AlertListFilter {
                    since: Some(now - Duration::days(7)),
                    status: Some(AlertStatus::Closed),
                    limit: 200,
                    ..Default::default()
                },
            )
            .await
        {
            Ok(v) => v,
            Err(e) => return page.error(e),
        }
    } else {
        match active_alerts(&st, &page).await {
            Ok(v) => v,
            Err(e) => return page.error(e),
        }
    };
    let fallback = home_zone(&page);
    let cards: Vec<Json> = views
        .iter()
        .map(|v| card(&st, lang, now, v, fallback))
        .collect();
    let data = json!({
        "text": script_text(lang),
        "since": (now - Duration::hours(24)).to_rfc3339(),
        "center": home_center(&st, &page),
        "live": !closed,
        "alerts": cards.iter().map(|c| json!({
            "id": c["id"], "lon": c["lon"], "lat": c["lat"],
            "severity": c["severity"], "headline": c["headline"],
        })).collect::<Vec<_>>(),
    });
    render(
        StatusCode::OK,
        "peringatan.html",
        context! {
            alerts => Value::from_serialize(&cards),
            blank => Value::from_serialize(blank_card(lang)),
            closed => closed,
            can_respond => can_respond(&page),
            can_configure => can_configure(&page),
            actions => options(lang, &ALERT_ACTIONS, action_key),
            outcomes => options(lang, &ALERT_OUTCOMES, outcome_key),
            notice => pesan(lang, &f),
            kembali => "papan",
            data_json => json_for_script(&data),
            ..page_ctx(&page, "warning")
        },
    )
}

/// `GET /peringatan/{id}/kartu`: one alert's card as JSON, for the live board's script,
/// so that words, local times and zones come from the same code as the page.
pub(super) async fn card_json(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = AlertId::parse(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match st.app.alert_for(&page.authed.actor, id).await {
        Ok((view, _, _)) => {
            let c = card(&st, page.lang, st.app.now(), &view, home_zone(&page));
            let mut resp = axum::Json(c).into_response();
            resp.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            resp
        }
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => page.error(e),
    }
}

// ---- one alert ---------------------------------------------------------------------------

pub(super) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = AlertId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let notice = pesan(page.lang, &query(q));
    detail_page(&st, &page, id, notice, Vec::new(), StatusCode::OK).await
}

fn delivery_status(lang: Lang, status: &str, attempts: i64) -> String {
    let key = match status {
        "sent" => k!("w_del_sent"),
        "failed" => k!("w_del_failed"),
        _ if attempts > 0 => k!("w_del_retry"),
        _ => k!("w_del_pending"),
    };
    tr(lang, key)
}

/// A delivery's last error in words. The delivery worker stores its own English
/// sentences and the transport's messages; the known ones are said in `lang` (with the
/// status code a receiver answered), anything else as a failure to reach the receiver,
/// whose details the server log has.
fn delivery_error(lang: Lang, raw: &str) -> String {
    let code = |rest: &str| rest.split_whitespace().next().unwrap_or("").to_string();
    if let Some(rest) = raw.strip_prefix("the receiver answered ") {
        return tr(lang, k!("w_del_err_answered")).replace("{code}", &code(rest));
    }
    if let Some(rest) = raw.strip_prefix("the SMS gateway answered ") {
        return tr(lang, k!("w_del_err_sms_answered")).replace("{code}", &code(rest));
    }
    let key = match raw {
        "the webhook is switched off" => k!("w_del_err_hook_off"),
        "the webhook was removed" => k!("w_del_err_hook_removed"),
        "no SMS gateway is set up" => k!("w_del_err_no_sms"),
        "no SMTP server is set up" => k!("w_del_err_no_smtp"),
        r if r.ends_with(" delivery is not available on this server") => k!("w_del_err_channel"),
        _ => k!("w_del_err_other"),
    };
    tr(lang, key)
}

fn channel_label(lang: Lang, c: &str) -> String {
    let key = match c {
        "board" => k!("w_ch_board"),
        "webhook" => k!("w_ch_webhook"),
        "email" => k!("w_ch_email"),
        "sms" => k!("w_ch_sms"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

/// A delivery's destination without what need not be shown: a webhook's host only (its
/// path may hold a token), a phone number with its middle digits hidden.
fn target_text(channel: &str, target: &str) -> String {
    match channel {
        "webhook" => {
            let rest = target.split_once("://").map(|(_, r)| r).unwrap_or(target);
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or(host);
            host.to_string()
        }
        "sms" => {
            let chars: Vec<char> = target.chars().collect();
            if chars.len() <= 7 {
                return target.to_string();
            }
            let n = chars.len();
            chars
                .iter()
                .enumerate()
                .map(|(i, c)| if i >= 4 && i < n - 3 { '•' } else { *c })
                .collect()
        }
        _ => target.to_string(),
    }
}

async fn detail_page(
    st: &AppState,
    page: &Page,
    id: AlertId,
    notice: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let (view, actions, deliveries) = match st.app.alert_for(actor, id).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let now = st.app.now();
    let fallback = home_zone(page);
    let c = card(st, lang, now, &view, fallback);
    let zone = zone_at(st, view.alert.lon, view.alert.lat, fallback);
    // The fence's shape and the subject's page, when they belong to the actor's agencies
    // (a receiving agency sees the alert, not the other agency's set-up).
    let fence = match view.alert.fence_id {
        Some(fid) => match st.app.fences_for(actor).await {
            Ok(list) => list.into_iter().find(|f| f.id == fid),
            Err(e) => return page.error(e),
        },
        None => None,
    };
    let subject_link = match view.alert.subject_id {
        Some(sid) => match st.app.subjects_for(actor).await {
            Ok(list) => list.iter().any(|s| s.id == sid),
            Err(e) => return page.error(e),
        },
        None => false,
    };
    // The report that raised the alert is linked only when the actor may open it: a
    // village that receives the alert does not necessarily see the other village's report.
    let report_link = match view.alert.report_id {
        Some(rid) => match st.app.visible_report_ids(actor, &[rid]).await {
            Ok(ids) => ids.contains(&rid),
            Err(e) => return page.error(e),
        },
        None => false,
    };
    let mut log: Vec<&sinergi_app::AlertAction> = actions.iter().collect();
    log.sort_by_key(|a| a.at);
    let log: Vec<Value> = log
        .iter()
        .map(|x| {
            context! {
                time => zone.format(x.at),
                iso => x.at.to_rfc3339(),
                user => x.username.as_str(),
                label => action_label(lang, &x.action),
                note => x.note.as_str(),
            }
        })
        .collect();
    let deliveries: Vec<Value> = deliveries
        .iter()
        .map(|d| {
            context! {
                channel => channel_label(lang, &d.channel),
                target => target_text(&d.channel, &d.target),
                status => d.status.as_str(),
                status_label => delivery_status(lang, &d.status, d.attempts),
                attempts => d.attempts,
                last_error => d.last_error.as_deref().map(|e| delivery_error(lang, e)),
                sent => d.sent_at.map(|t| zone.format(t)),
                next => (d.status == "pending" && d.attempts > 0).then(|| zone.format(d.next_attempt_at)),
            }
        })
        .collect();
    let map = json!({
        "lon": view.alert.lon,
        "lat": view.alert.lat,
        "severity": view.alert.severity.as_str(),
        "fence": fence.as_ref().map(|f| f.shape.to_geojson()),
    });
    render(
        status,
        "peringatan_detail.html",
        context! {
            a => Value::from_serialize(&c),
            subject_link => subject_link,
            report_link => report_link,
            log => log,
            deliveries => deliveries,
            to_ack => minutes_text(lang, view.seconds_to_acknowledge),
            to_close => minutes_text(lang, view.seconds_to_close),
            created => zone.format(view.alert.created_at),
            can_respond => can_respond(page),
            actions => options(lang, &ALERT_ACTIONS, action_key),
            outcomes => options(lang, &ALERT_OUTCOMES, outcome_key),
            kembali => "rincian",
            notice => notice,
            respond_errors => errors,
            map_json => json_for_script(&map),
            ..page_ctx(page, "warning")
        },
    )
}

// ---- responding --------------------------------------------------------------------------

pub(super) async fn acknowledge(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    respond(&st, &page, &id, "acknowledge", body).await
}

pub(super) async fn act(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    respond(&st, &page, &id, "action", body).await
}

pub(super) async fn close(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    respond(&st, &page, &id, "close", body).await
}

/// Acknowledges, logs an action or closes, then returns to the board or the alert (the
/// form's `kembali`). Someone else having changed the alert first is not an error page:
/// the visitor comes back to its current state with a note saying so.
async fn respond(
    st: &AppState,
    page: &Page,
    id: &str,
    step: &str,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = AlertId::parse(id) else {
        return page.error(AppError::NotFound);
    };
    let note = f.text("note");
    let input = match step {
        "acknowledge" => json!({}),
        "action" => json!({"action": f.text("action"), "note": note}),
        _ => json!({"outcome": f.text("outcome"), "note": note}),
    };
    let back = if f.get("kembali") == Some("papan") {
        "/peringatan".to_string()
    } else {
        format!("/peringatan/{id}")
    };
    let done = match step {
        "acknowledge" => "ditanggapi",
        "action" => "tindakan",
        _ => "ditutup",
    };
    match st
        .app
        .respond_to_alert(&page.authed.actor, id, step, &input)
        .await
    {
        Ok(_) => Redirect::to(&format!("{back}?pesan={done}")).into_response(),
        Err(AppError::Conflict(_)) | Err(AppError::PreconditionFailed { .. }) => {
            Redirect::to(&format!("{back}?pesan=berubah")).into_response()
        }
        Err(AppError::Validation(v)) => {
            let lang = page.lang;
            let msgs = v
                .errors
                .iter()
                .map(|e| {
                    let label = match e.field.as_str() {
                        "action" => tr(lang, k!("w_action")),
                        "outcome" => tr(lang, k!("w_outcome")),
                        "note" => tr(lang, k!("note")),
                        other => super::i18n::field_or_other(lang, other),
                    };
                    format!("{label}: {}", core_message(lang, &e.message))
                })
                .collect();
            detail_page(st, page, id, None, msgs, UNPROCESSABLE).await
        }
        Err(e) => page.error(e),
    }
}

// ---- form errors -------------------------------------------------------------------------

/// Errors of one form: by form field, and the summary at its top.
#[derive(Default)]
pub(super) struct FormErrors {
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
pub(super) fn number(s: &str) -> Json {
    match s.trim().replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() => json!(n),
        _ => json!(s.trim()),
    }
}

/// A whole number as typed, or the text itself so that the app names the problem.
pub(super) fn whole(s: &str) -> Json {
    match s.trim().parse::<u64>() {
        Ok(n) => json!(n),
        _ => json!(s.trim()),
    }
}

// ---- areas (fences) ----------------------------------------------------------------------

#[derive(Debug, Clone, Default, serde::Serialize)]
struct FenceValues {
    nama: String,
    jenis: String,
    /// How the shape is given: `wilayah`, `peta`, `geojson`, or (editing) `tetap`.
    cara: String,
    /// The chosen region's code.
    wilayah: String,
    /// What was typed into the region search.
    cari_wilayah: String,
    radius: String,
    bentuk: String,
    bentuk_peta: String,
    jenis_gambar: String,
    /// The version the edit form was opened on.
    versi: String,
}

impl FenceValues {
    fn from_form(f: &FormData) -> Self {
        let cara = match f.get("cara") {
            Some(c @ ("wilayah" | "peta" | "geojson" | "tetap")) => c.to_string(),
            _ => "wilayah".into(),
        };
        FenceValues {
            nama: f.text("nama"),
            jenis: f.text("jenis"),
            cara,
            wilayah: f.text("wilayah"),
            cari_wilayah: f.text("cari_wilayah"),
            radius: f.text("radius"),
            bentuk: f.get("bentuk").unwrap_or("").trim().to_string(),
            bentuk_peta: f.get("bentuk_peta").unwrap_or("").trim().to_string(),
            jenis_gambar: if f.get("jenis_gambar") == Some("garis") {
                "garis".into()
            } else {
                "area".into()
            },
            versi: f.text("versi"),
        }
    }

    /// A stored fence as the edit form shows it: its shape kept, and ready to be given
    /// again from its region (a circle's radius filled in), modified on the map (one
    /// polygon or line of at most [`EDITABLE_POINTS`] points) or as GeoJSON (a circle as
    /// the polygon maps draw for it).
    fn of(f: &Fence) -> Self {
        let json = f.shape.to_geojson();
        let text = json.to_string();
        // The drawing tool modifies one line, or one polygon without holes.
        let points = match json.get("type").and_then(Json::as_str) {
            Some("LineString") => json["coordinates"].as_array().map(Vec::len),
            Some("Polygon") => json["coordinates"]
                .as_array()
                .filter(|rings| rings.len() == 1)
                .and_then(|rings| rings[0].as_array())
                .map(Vec::len),
            _ => None,
        };
        let drawable = points.is_some_and(|n| n <= EDITABLE_POINTS);
        FenceValues {
            nama: f.name.clone(),
            jenis: f.kind.clone(),
            cara: "tetap".into(),
            wilayah: f.region_code.clone().unwrap_or_default(),
            cari_wilayah: String::new(),
            radius: match f.shape {
                Shape::Circle { radius_m, .. } => format!("{}", radius_m.round()),
                _ => String::new(),
            },
            bentuk: if text.len() <= EDITABLE_GEOJSON_BYTES {
                serde_json::to_string_pretty(&json).unwrap_or(text.clone())
            } else {
                String::new()
            },
            bentuk_peta: if drawable { text } else { String::new() },
            jenis_gambar: if f.shape.is_line() {
                "garis".into()
            } else {
                "area".into()
            },
            versi: f.version.to_string(),
        }
    }
}

/// Shapes with more points than this are replaced rather than modified on the map.
const EDITABLE_POINTS: usize = 500;
/// A shape's GeoJSON longer than this is not put into the edit form's text box.
const EDITABLE_GEOJSON_BYTES: usize = 200_000;

fn shape_label(lang: Lang, s: &Shape) -> String {
    match s {
        Shape::Area(_) => tr(lang, k!("w_shape_area")),
        Shape::Line(_) => tr(lang, k!("w_shape_line")),
        Shape::Circle { radius_m, .. } => {
            tr(lang, k!("w_shape_circle")).replace("{r}", &format!("{}", radius_m.round()))
        }
    }
}

/// The geometry of what was pasted or drawn: a geometry as is, a Feature's geometry, or a
/// FeatureCollection's one geometry (or its areas or lines joined into one Multi…).
fn geometry_of(v: Json) -> Result<Json, &'static str> {
    match v.get("type").and_then(Json::as_str) {
        Some("Feature") => Ok(v.get("geometry").cloned().unwrap_or(Json::Null)),
        Some("FeatureCollection") => {
            let geoms: Vec<Json> = v
                .get("features")
                .and_then(Json::as_array)
                .map(|fs| {
                    fs.iter()
                        .filter_map(|f| f.get("geometry").cloned())
                        .filter(|g| !g.is_null())
                        .collect()
                })
                .unwrap_or_default();
            if geoms.len() == 1 {
                return Ok(geoms[0].clone());
            }
            let ty = |g: &Json| {
                g.get("type")
                    .and_then(Json::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let mut polys = Vec::new();
            let mut lines = Vec::new();
            for g in &geoms {
                let coords = g.get("coordinates").cloned().unwrap_or(Json::Null);
                match ty(g).as_str() {
                    "Polygon" => polys.push(coords),
                    "MultiPolygon" => polys.extend(coords.as_array().cloned().unwrap_or_default()),
                    "LineString" => lines.push(coords),
                    "MultiLineString" => {
                        lines.extend(coords.as_array().cloned().unwrap_or_default())
                    }
                    _ => return Err(k!("w_mixed_collection")),
                }
            }
            match (polys.is_empty(), lines.is_empty()) {
                (false, true) => Ok(json!({"type": "MultiPolygon", "coordinates": polys})),
                (true, false) => Ok(json!({"type": "MultiLineString", "coordinates": lines})),
                _ => Err(k!("w_mixed_collection")),
            }
        }
        _ => Ok(v),
    }
}

/// Where an error of `create_fence` or `update_fence` belongs on the form.
fn fence_place(lang: Lang, cara: &str, field: &str) -> (&'static str, String) {
    let shape_field = if cara == "peta" {
        "bentuk_peta"
    } else {
        "bentuk"
    };
    match field {
        "name" => ("nama", tr(lang, k!("w_name"))),
        "kind" => ("jenis", tr(lang, k!("w_kind"))),
        "region" => ("wilayah", tr(lang, k!("w_region"))),
        "radius_m" => ("radius", tr(lang, k!("w_radius"))),
        f if f.starts_with("shape") => (shape_field, tr(lang, k!("w_shape"))),
        _ => ("lain", super::i18n::field_or_other(lang, field)),
    }
}

// ---- finding a region by name ----

fn level_label(lang: Lang, level: Level) -> String {
    tr(
        lang,
        match level {
            Level::Province => k!("w_lvl_province"),
            Level::Regency => k!("w_lvl_regency"),
            Level::District => k!("w_lvl_district"),
            Level::Village => k!("w_lvl_village"),
        },
    )
}

/// A region as a match is offered: "Labuhan Ratu IX — desa/kelurahan, Labuhan Ratu,
/// Kabupaten Lampung Timur (18.07.21.2011)": its level and the two regions it lies in,
/// which tell it from its namesakes.
fn region_label(st: &AppState, lang: Lang, r: &Region) -> String {
    let g = st.app.gazetteer();
    let mut parts = vec![level_label(lang, r.level)];
    let mut up = r.parent.as_deref().and_then(|c| g.get(c));
    while let Some(p) = up {
        if parts.len() == 3 {
            break;
        }
        parts.push(p.name.clone());
        up = p.parent.as_deref().and_then(|c| g.get(c));
    }
    format!("{} — {} ({})", r.name, parts.join(", "), r.code)
}

/// The region search's matches, as the form offers them.
#[derive(Default)]
struct RegionMatches {
    options: Vec<Value>,
    title: Option<String>,
}

/// How many matches the form lists.
const REGION_MATCHES: usize = 20;

/// The region search step of a submitted area form, when it is one: the "Cari" button
/// (`langkah=cari`), or saving "by region" with text still in the search box (the text
/// must become a chosen region first). A text that is a region code chooses it. `None`
/// when the form goes on to be saved; otherwise the status, the matches to choose from
/// and what to say, and nothing is saved.
fn region_step(
    st: &AppState,
    lang: Lang,
    v: &mut FenceValues,
    explicit: bool,
) -> Option<(StatusCode, RegionMatches, FormErrors)> {
    let q = v.cari_wilayah.trim().to_string();
    if !explicit && (v.cara != "wilayah" || q.is_empty()) {
        return None;
    }
    v.cara = "wilayah".into();
    let g = st.app.gazetteer();
    let mut errors = FormErrors::default();
    let mut found = RegionMatches::default();
    let label = tr(lang, k!("w_region_search"));
    if let Some(r) = g.get(&q) {
        v.wilayah = r.code.clone();
        v.cari_wilayah.clear();
        return explicit.then_some((StatusCode::OK, found, errors));
    }
    if q.is_empty() {
        errors.push("cari_wilayah", &label, tr(lang, k!("w_region_type_name")));
        return Some((UNPROCESSABLE, found, errors));
    }
    let hits = g.search(&q, REGION_MATCHES);
    if hits.is_empty() {
        errors.push(
            "cari_wilayah",
            &label,
            tr(lang, k!("w_region_no_match")).replace("{q}", &q),
        );
        return Some((UNPROCESSABLE, found, errors));
    }
    // The region chosen before stays on offer, first.
    if let Some(r) = g.get(&v.wilayah) {
        if !hits.iter().any(|h| h.code == r.code) {
            found
                .options
                .push(context! { code => r.code.as_str(), label => region_label(st, lang, r) });
        }
    }
    found.options.extend(
        hits.iter()
            .map(|r| context! { code => r.code.as_str(), label => region_label(st, lang, r) }),
    );
    found.title = Some(tr(lang, k!("w_region_matches")).replace("{q}", &q));
    v.cari_wilayah.clear();
    if explicit {
        Some((StatusCode::OK, found, errors))
    } else {
        errors.push(
            "wilayah",
            &tr(lang, k!("w_region")),
            tr(lang, k!("w_region_pick")),
        );
        Some((UNPROCESSABLE, found, errors))
    }
}

/// Puts the form's shape into the app's body (`region` and `radius_m`, or `shape`;
/// nothing to keep the stored one) or says what is missing.
fn shape_input(lang: Lang, v: &FenceValues, input: &mut Json, errors: &mut FormErrors) {
    match v.cara.as_str() {
        "tetap" => {}
        "wilayah" => {
            if v.wilayah.is_empty() {
                errors.push(
                    "wilayah",
                    &tr(lang, k!("w_region")),
                    tr(lang, k!("w_region_choose_first")),
                );
            } else {
                input["region"] = json!(v.wilayah);
            }
            if !v.radius.is_empty() {
                input["radius_m"] = number(&v.radius);
            }
        }
        _ => {
            let (field, text, empty_key) = if v.cara == "peta" {
                ("bentuk_peta", &v.bentuk_peta, k!("w_draw_first"))
            } else {
                ("bentuk", &v.bentuk, k!("w_paste_first"))
            };
            let label = tr(lang, k!("w_shape"));
            if text.is_empty() {
                errors.push(field, &label, tr(lang, empty_key));
            } else {
                match serde_json::from_str::<Json>(text) {
                    // The parser's own words are English; where it stopped is what helps.
                    Err(e) => errors.push(
                        field,
                        &label,
                        tr(lang, k!("w_not_json_at"))
                            .replace("{line}", &e.line().to_string())
                            .replace("{column}", &e.column().to_string()),
                    ),
                    Ok(j) => match geometry_of(j) {
                        Ok(g) => input["shape"] = g,
                        Err(key) => errors.push(field, &label, tr(lang, key)),
                    },
                }
            }
        }
    }
}

/// The texts and labels the area forms' script needs.
fn area_script_text(lang: Lang) -> Json {
    let mut text = script_text(lang);
    text["regions"] = json!({
        "chosen": tr(lang, k!("w_region_chosen")),
        "found": tr(lang, k!("w_region_results_count")),
        "none": tr(lang, k!("w_region_no_match")),
        "searching": tr(lang, k!("w_region_searching")),
        "failed": tr(lang, k!("w_region_search_failed")),
        "levels": {
            "province": level_label(lang, Level::Province),
            "regency": level_label(lang, Level::Regency),
            "district": level_label(lang, Level::District),
            "village": level_label(lang, Level::Village),
        },
    });
    text
}

/// The chosen region's words, if the code is one.
fn chosen_label(st: &AppState, lang: Lang, code: &str) -> Option<String> {
    st.app
        .gazetteer()
        .get(code)
        .map(|r| region_label(st, lang, r))
}

fn fence_kinds(lang: Lang) -> Vec<Value> {
    FENCE_KINDS
        .iter()
        .map(|k| context! { key => *k, label => fence_kind_label(lang, k) })
        .collect()
}

fn fence_feature(f: &Fence) -> Json {
    json!({
        "type": "Feature",
        "id": f.id.to_string(),
        "geometry": f.shape.to_geojson(),
        "properties": {"name": f.name, "active": f.active},
    })
}

// ---- the list and the add form ----

#[allow(clippy::too_many_arguments)]
async fn fences_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: FenceValues,
    errors: FormErrors,
    matches: RegionMatches,
    notice: Option<String>,
) -> Response {
    let lang = page.lang;
    let fences = match st.app.fences_for(&page.authed.actor).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let g = st.app.gazetteer();
    let fallback = home_zone(page);
    let rows: Vec<Value> = fences
        .iter()
        .map(|f| {
            let zone = f
                .region_code
                .as_deref()
                .map(Zone::for_region)
                .unwrap_or(fallback);
            context! {
                id => f.id.to_string(),
                name => f.name.as_str(),
                kind_label => fence_kind_label(lang, &f.kind),
                shape_label => shape_label(lang, &f.shape),
                region => f.region_code.as_deref().and_then(|c| g.get(c)).map(|r| format!("{} ({})", r.name, r.code)),
                active => f.active,
                created => zone.format(f.created_at),
            }
        })
        .collect();
    let features: Vec<Json> = fences.iter().map(fence_feature).collect();
    let data = json!({
        "text": area_script_text(lang),
        "center": home_center(st, page),
        "fences": {"type": "FeatureCollection", "features": features},
    });
    render(
        status,
        "peringatan_area.html",
        context! {
            fences => rows,
            kinds => fence_kinds(lang),
            chosen => chosen_label(st, lang, &values.wilayah),
            matches => matches.options,
            matches_title => matches.title,
            v => Value::from_serialize(&values),
            errors => errors.by_field,
            summary => errors.summary,
            notice => notice,
            can_configure => can_configure(page),
            editing => false,
            data_json => json_for_script(&data),
            ..page_ctx(page, "warning")
        },
    )
}

pub(super) async fn fences(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let notice = pesan(page.lang, &query(q));
    let values = FenceValues {
        jenis: "village".into(),
        cara: "wilayah".into(),
        jenis_gambar: "area".into(),
        ..Default::default()
    };
    fences_page(
        &st,
        &page,
        StatusCode::OK,
        values,
        FormErrors::default(),
        RegionMatches::default(),
        notice,
    )
    .await
}

/// `POST /peringatan/area`: the form becomes the app's `{name, kind, region, radius_m}` or
/// `{name, kind, shape}`; what the app refuses is shown beside the form. The region
/// search step (`langkah=cari`) saves nothing and lists the matches.
pub(super) async fn create_fence(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let lang = page.lang;
    let mut v = FenceValues::from_form(&f);
    if let Some((status, matches, errors)) =
        region_step(&st, lang, &mut v, f.get("langkah") == Some("cari"))
    {
        return fences_page(&st, &page, status, v, errors, matches, None).await;
    }
    let mut errors = FormErrors::default();
    let mut input = json!({"name": v.nama, "kind": v.jenis});
    if v.cara == "tetap" {
        v.cara = "wilayah".into();
    }
    shape_input(lang, &v, &mut input, &mut errors);
    if !errors.is_empty() {
        if v.nama.is_empty() {
            errors.push(
                "nama",
                &tr(lang, k!("w_name")),
                core_message(lang, "this attribute is required"),
            );
        }
        return fences_page(
            &st,
            &page,
            UNPROCESSABLE,
            v,
            errors,
            RegionMatches::default(),
            None,
        )
        .await;
    }
    match st.app.create_fence(&page.authed.actor, &input).await {
        Ok(_) => Redirect::to("/peringatan/area?pesan=area").into_response(),
        Err(AppError::Validation(e)) => {
            errors.domain(lang, &e, |field| fence_place(lang, &v.cara, field));
            fences_page(
                &st,
                &page,
                UNPROCESSABLE,
                v,
                errors,
                RegionMatches::default(),
                None,
            )
            .await
        }
        Err(e) => page.error(e),
    }
}

// ---- editing one area ----

#[allow(clippy::too_many_arguments)]
async fn edit_page(
    st: &AppState,
    page: &Page,
    id: FenceId,
    status: StatusCode,
    values: Option<FenceValues>,
    errors: FormErrors,
    matches: RegionMatches,
    stale: bool,
) -> Response {
    let lang = page.lang;
    if !can_configure(page) {
        return page.error(AppError::Forbidden(
            "coordinators and administrators set up early warning".into(),
        ));
    }
    let f = match st.app.fence_for(&page.authed.actor, id).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let values = values.unwrap_or_else(|| FenceValues::of(&f));
    let g = st.app.gazetteer();
    let data = json!({
        "text": area_script_text(lang),
        "center": home_center(st, page),
        "fences": {"type": "FeatureCollection", "features": [fence_feature(&f)]},
    });
    render(
        status,
        "peringatan_area_ubah.html",
        context! {
            fence_id => f.id.to_string(),
            fence_name => f.name.as_str(),
            current_shape => shape_label(lang, &f.shape),
            current_region => f.region_code.as_deref().and_then(|c| g.get(c)).map(|r| format!("{} ({})", r.name, r.code)),
            kinds => fence_kinds(lang),
            chosen => chosen_label(st, lang, &values.wilayah),
            matches => matches.options,
            matches_title => matches.title,
            v => Value::from_serialize(&values),
            errors => errors.by_field,
            summary => errors.summary,
            stale => stale,
            editing => true,
            data_json => json_for_script(&data),
            ..page_ctx(page, "warning")
        },
    )
}

/// `GET /peringatan/area/{id}/ubah`: the edit form, filled with the stored area.
pub(super) async fn edit_fence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
) -> Response {
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    edit_page(
        &st,
        &page,
        id,
        StatusCode::OK,
        None,
        FormErrors::default(),
        RegionMatches::default(),
        false,
    )
    .await
}

/// `POST /peringatan/area/{id}/ubah`: name, kind and (unless kept) the new shape, on the
/// version the form was opened on. Someone else's change in between is not overwritten:
/// the form comes back (409) with what was typed, the stored area on the map and the
/// current version, to be saved again.
pub(super) async fn update_fence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let lang = page.lang;
    let mut v = FenceValues::from_form(&f);
    if let Some((status, matches, errors)) =
        region_step(&st, lang, &mut v, f.get("langkah") == Some("cari"))
    {
        return edit_page(&st, &page, id, status, Some(v), errors, matches, false).await;
    }
    let mut errors = FormErrors::default();
    let mut input = json!({"name": v.nama, "kind": v.jenis});
    shape_input(lang, &v, &mut input, &mut errors);
    if !errors.is_empty() {
        return edit_page(
            &st,
            &page,
            id,
            UNPROCESSABLE,
            Some(v),
            errors,
            RegionMatches::default(),
            false,
        )
        .await;
    }
    // A version that is not a number can never match, which is the honest answer.
    let version = v.versi.parse::<i64>().unwrap_or(-1);
    match st
        .app
        .update_fence(&page.authed.actor, id, Some(version), &input)
        .await
    {
        Ok(_) => Redirect::to("/peringatan/area?pesan=diubah").into_response(),
        Err(AppError::Validation(e)) => {
            errors.domain(lang, &e, |field| fence_place(lang, &v.cara, field));
            edit_page(
                &st,
                &page,
                id,
                UNPROCESSABLE,
                Some(v),
                errors,
                RegionMatches::default(),
                false,
            )
            .await
        }
        Err(AppError::PreconditionFailed { current }) => {
            v.versi = current.to_string();
            edit_page(
                &st,
                &page,
                id,
                StatusCode::CONFLICT,
                Some(v),
                errors,
                RegionMatches::default(),
                true,
            )
            .await
        }
        Err(e) => page.error(e),
    }
}

/// `aktif=1|0` as a flag.
fn active_flag(f: &FormData) -> bool {
    f.get("aktif") == Some("1")
}

pub(super) async fn fence_active(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = FenceId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let on = active_flag(&f);
    match st.app.set_fence_active(&page.authed.actor, id, on).await {
        Ok(()) => Redirect::to(&format!(
            "/peringatan/area?pesan={}",
            if on { "aktif" } else { "nonaktif" }
        ))
        .into_response(),
        Err(e) => page.error(e),
    }
}

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
            tr(lang, k!("w_metres")).replace("{n}", &format!("{}", d.round()))
        );
    }
    if let Some(m) = trig.get("minutes").and_then(Json::as_u64) {
        trigger = format!(
            "{trigger} {}",
            tr(lang, k!("w_minutes")).replace("{n}", &m.to_string())
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
        quiet => tr(lang, k!("w_quiet_short")).replace("{n}", &(r.spec.quiet_period_s / 60).to_string()),
        hysteresis => tr(lang, k!("w_hyst_short")).replace("{n}", &format!("{}", r.spec.hysteresis_m.round())),
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

pub(super) async fn rules(
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

pub(super) async fn create_rule(
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
    match st.app.create_rule(&page.authed.actor, &v.to_json()).await {
        Ok(_) => Redirect::to("/peringatan/aturan?pesan=aturan").into_response(),
        Err(AppError::Validation(e)) => {
            let mut errors = FormErrors::default();
            errors.domain(lang, &e, |field| rule_place(lang, field));
            rules_page(&st, &page, UNPROCESSABLE, v, errors, None).await
        }
        Err(e) => page.error(e),
    }
}

pub(super) async fn rule_active(
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
    fn delivery_errors_are_said_in_the_visitors_language() {
        assert_eq!(
            delivery_error(Lang::Id, "the receiver answered 500 Internal Server Error"),
            "penerima menjawab dengan kode 500"
        );
        assert_eq!(
            delivery_error(Lang::Id, "the webhook is switched off"),
            "webhook sedang dimatikan"
        );
        assert_eq!(
            delivery_error(
                Lang::Id,
                "error sending request for url (http://x/): connection refused"
            ),
            "penerima tidak dapat dihubungi (rinciannya di log server)"
        );
        assert_eq!(
            delivery_error(Lang::En, "the SMS gateway answered 429 Too Many Requests"),
            "the SMS gateway answered with code 429"
        );
    }

    #[test]
    fn pasted_geojson_becomes_one_geometry() {
        let poly = json!({"type": "Polygon", "coordinates": [[[105.0, -5.0], [105.1, -5.0], [105.1, -5.1], [105.0, -5.0]]]});
        assert_eq!(geometry_of(poly.clone()), Ok(poly.clone()));
        let feature = json!({"type": "Feature", "geometry": poly, "properties": {}});
        assert_eq!(geometry_of(feature.clone()), Ok(poly.clone()));
        let two = json!({"type": "FeatureCollection", "features": [feature.clone(), feature]});
        let joined = geometry_of(two).expect("two areas");
        assert_eq!(joined["type"], "MultiPolygon");
        assert_eq!(joined["coordinates"].as_array().map(Vec::len), Some(2));
        let line = json!({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[105.0, -5.0], [105.1, -5.1]]}});
        let mixed = json!({"type": "FeatureCollection", "features": [line, {"type": "Feature", "geometry": poly}]});
        assert_eq!(geometry_of(mixed), Err(k!("w_mixed_collection")));
    }

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

    #[test]
    fn targets_hide_what_need_not_be_shown() {
        assert_eq!(
            target_text("webhook", "https://user:pw@hooks.example.org/t/secret?x=1"),
            "hooks.example.org"
        );
        assert_eq!(target_text("sms", "+6281234567890"), "+628•••••••890");
    }

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
