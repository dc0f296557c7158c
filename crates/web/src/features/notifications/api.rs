//! The notifications API: the caller's notifications and marking them read.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use sinergi_app::AppError;

use crate::api_common::{route, ApiRoute};
use crate::auth::Authed;
use crate::problem::ApiResult;
use crate::AppState;

/// The notifications routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route("/notifications", get(list_notifications)),
        route("/notifications/read-all", post(read_all_notifications)),
        route("/notifications/{id}/read", post(read_notification)),
    ]
}

// ---- notifications ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NotificationQuery {
    unread: Option<bool>,
}

async fn list_notifications(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<NotificationQuery>, QueryRejection>,
) -> ApiResult<Json<Value>> {
    let Query(q) = q.map_err(|e| AppError::field("unread", e.body_text()))?;
    let list = st
        .app
        .notifications(&a.actor, q.unread.unwrap_or(false))
        .await?;
    let unread = st.app.unread_notifications(&a.actor).await?;
    Ok(Json(json!({"unread": unread, "notifications": list})))
}

async fn read_notification(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<uuid::Uuid>()
        .map(sinergi_core::ids::NotificationId)
        .map_err(|_| AppError::NotFound)?;
    st.app.mark_notification_read(&a.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn read_all_notifications(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let n = st.app.mark_all_notifications_read(&a.actor).await?;
    Ok(Json(json!({"marked": n})))
}
