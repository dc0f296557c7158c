//! The notifications API: the caller's notifications and marking them read.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use sinergi_app::AppError;
use utoipa_axum::routes;

use super::types::{MarkedCount, NotificationList, NotificationQuery, NotificationView};
use crate::api_common::{route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P404, P422};
use crate::problem::ApiResult;
use crate::AppState;

/// The notifications routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_notifications)),
        route(routes!(read_all_notifications)),
        route(routes!(read_notification)),
    ]
}

// ---- notifications ---------------------------------------------------------------------

#[utoipa::path(get, path = "/notifications", tag = "notifications",
    summary = "Your notifications, newest first, with the unread count",
    params(NotificationQuery),
    responses((status = 200, description = "Notifications", body = NotificationList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_notifications(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<NotificationQuery>, QueryRejection>,
) -> ApiResult<Json<NotificationList>> {
    let Query(q) = q.map_err(|e| AppError::field("unread", e.body_text()))?;
    let list = st
        .app
        .notifications(&a.actor, q.unread.unwrap_or(false))
        .await?;
    let unread = st.app.unread_notifications(&a.actor).await?;
    Ok(Json(NotificationList {
        unread,
        notifications: list.iter().map(NotificationView::from).collect(),
    }))
}

#[utoipa::path(post, path = "/notifications/{id}/read", tag = "notifications",
    summary = "Mark one notification read",
    params(("id" = String, Path, description = "The notification's UUID")),
    responses((status = 204, description = "Marked"),
        (status = 401, response = P401), (status = 404, response = P404)))]
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

#[utoipa::path(post, path = "/notifications/read-all", tag = "notifications",
    summary = "Mark all your notifications read",
    responses((status = 200, description = "How many were unread", body = MarkedCount),
        (status = 401, response = P401)))]
async fn read_all_notifications(
    State(st): State<AppState>,
    a: Authed,
) -> ApiResult<Json<MarkedCount>> {
    let marked = st.app.mark_all_notifications_read(&a.actor).await?;
    Ok(Json(MarkedCount { marked }))
}
