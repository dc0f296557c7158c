//! One alert (`/peringatan/{id}`): its response log and deliveries, and responding to it.

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::input::Body;
use sinergi_core::warning::body::AlertStep;
use sinergi_core::warning::{AlertId, ALERT_ACTIONS, ALERT_OUTCOMES};

use super::*;
use crate::ui::format::home_zone;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

// ---- one alert ---------------------------------------------------------------------------

pub(crate) async fn detail(
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
        return tr_args(lang, k!("w_del_err_answered"), &[("code", &code(rest))]);
    }
    if let Some(rest) = raw.strip_prefix("the SMS gateway answered ") {
        return tr_args(lang, k!("w_del_err_sms_answered"), &[("code", &code(rest))]);
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

pub(crate) async fn acknowledge(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    respond(&st, &page, &id, "acknowledge", body).await
}

pub(crate) async fn act(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    respond(&st, &page, &id, "action", body).await
}

pub(crate) async fn close(
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
    let body = AlertStep::read(&input).unwrap_or_default();
    match st
        .app
        .respond_to_alert(&page.authed.actor, id, step, &body)
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
                        other => crate::i18n::field_or_other(lang, other),
                    };
                    format!("{label}: {}", core_message(lang, &e.message))
                })
                .collect();
            detail_page(st, page, id, None, msgs, UNPROCESSABLE).await
        }
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
    fn targets_hide_what_need_not_be_shown() {
        assert_eq!(
            target_text("webhook", "https://user:pw@hooks.example.org/t/secret?x=1"),
            "hooks.example.org"
        );
        assert_eq!(target_text("sms", "+6281234567890"), "+628•••••••890");
    }
}
