//! The live alert board (`/peringatan`) and the cards the home and notification pages show.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use minijinja::{context, Value};
use serde_json::{json, Value as Json};
use sinergi_app::warning::{AlertListFilter, AlertView};
use sinergi_app::AppError;
use sinergi_core::warning::{AlertId, AlertStatus, ALERT_ACTIONS, ALERT_OUTCOMES};

use super::*;
use crate::ui::format::home_zone;
use crate::ui::render::{json_for_script, page_ctx, render};
use crate::ui::Page;
use crate::AppState;

// ---- the board ---------------------------------------------------------------------------

/// The board's order (ADR 7): most severe first, then newest (by the time the alert is
/// about, which the card shows), then the later stream position. The live script puts
/// new cards by the same rule.
pub(crate) fn board_order(views: &mut [AlertView]) {
    views.sort_by(|a, b| {
        b.alert
            .severity
            .cmp(&a.alert.severity)
            .then(b.alert.at.cmp(&a.alert.at))
            .then(b.alert.seq.cmp(&a.alert.seq))
    });
}

/// The alerts still open or being handled that the actor sees, in the board's order.
pub(crate) async fn active_alerts(st: &AppState, page: &Page) -> Result<Vec<AlertView>, AppError> {
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
pub(crate) async fn active_summary(
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
pub(crate) async fn board(
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
pub(crate) async fn card_json(
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
