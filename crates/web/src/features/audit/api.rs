//! The audit API: the trail (JSON or CSV) and its signed checkpoints.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::export::csv_cell;
use sinergi_app::AppError;
use utoipa_axum::routes;

use super::types::{AuditEntryView, AuditPage, CheckpointList, CheckpointView, CheckpointWrite};
use crate::api_common::{query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P409, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The audit routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(audit)),
        route(routes!(list_audit_checkpoints, write_audit_checkpoint)),
    ]
}

// ---- audit -----------------------------------------------------------------------------

/// The audit trail, newest first, for administrators; `format=csv` for a spreadsheet.
#[utoipa::path(get, path = "/audit", tag = "audit",
    summary = "The audit trail, newest first (agency admins: their agencies; system admins: all)",
    params(
        ("actor" = Option<String>, Query, description = "User name"),
        ("record" = Option<String>, Query, description = "Record id"),
        ("action" = Option<String>, Query, description = "e.g. report_read, sign_in_failed"),
        ("since" = Option<String>, Query, description = "RFC 3339"),
        ("until" = Option<String>, Query, description = "RFC 3339"),
        ("limit" = Option<u32>, Query, description = "1–1000, default 100", minimum = 1, maximum = 1000),
        ("cursor" = Option<i64>, Query, description = "next_cursor from the previous page"),
        ("format" = Option<String>, Query, description = "json (default) or csv"),
    ),
    responses(
        (status = 200, description = "Entries with their hash chain, or CSV",
            content((AuditPage = "application/json"), (String = "text/csv"))),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn audit(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<sinergi_app::audit::RawAuditQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(raw) = q.map_err(query_error)?;
    let csv = match raw.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => return Err(ApiError(AppError::field("format", "must be json or csv"))),
    };
    let filter = st.app.audit_filter(&a.actor, &raw)?;
    let entries = st.app.audit_entries(&filter).await?;
    if csv {
        let mut w = csv_writer();
        let _ = w.write_record([
            "seq",
            "at",
            "actor",
            "action",
            "record_type",
            "record_id",
            "detail",
            "prev_hash",
            "hash",
        ]);
        for e in &entries {
            let _ = w.write_record([
                e.seq.to_string(),
                e.at.to_rfc3339(),
                csv_cell(&e.actor),
                csv_cell(&e.action),
                csv_cell(e.record_type.as_deref().unwrap_or_default()),
                csv_cell(e.record_id.as_deref().unwrap_or_default()),
                csv_cell(&e.detail.to_string()),
                e.prev_hash.clone(),
                e.hash.clone(),
            ]);
        }
        let body = w.into_inner().unwrap_or_default();
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/csv; charset=utf-8"),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    HeaderValue::from_static("attachment; filename=\"audit.csv\""),
                ),
            ],
            body,
        )
            .into_response());
    }
    let next = (entries.len() == filter.limit as usize)
        .then(|| entries.last().map(|e| e.seq))
        .flatten();
    Ok(Json(AuditPage {
        entries: entries.iter().map(AuditEntryView::from).collect(),
        next_cursor: next,
    })
    .into_response())
}

/// The newest signed checkpoints and the key this server signs with (system admins).
#[utoipa::path(get, path = "/audit/checkpoints", tag = "audit",
    summary = "The newest 100 signed checkpoints of the audit trail and this server's public key (system admins)",
    responses((status = 200, description = "Checkpoints, newest first", body = CheckpointList),
        (status = 401, response = P401), (status = 403, response = P403)))]
async fn list_audit_checkpoints(
    State(st): State<AppState>,
    a: Authed,
) -> ApiResult<Json<CheckpointList>> {
    let (key, checkpoints) = st.app.audit_checkpoint_list(&a.actor, 100).await?;
    Ok(Json(CheckpointList {
        public_key: key.to_string(),
        checkpoints: checkpoints.iter().map(CheckpointView::from).collect(),
    }))
}

/// Signs the newest entry now (system admins): 201 with the new checkpoint, or 200 with
/// the newest one when it already covers the newest entry.
#[utoipa::path(post, path = "/audit/checkpoints", tag = "audit",
    summary = "Sign the newest audit entry now (system admins); refused with 409 when the trail no longer matches an earlier checkpoint",
    responses(
        (status = 201, description = "A new checkpoint", body = CheckpointWrite),
        (status = 200, description = "The newest checkpoint already covers the newest entry; nothing was written", body = CheckpointWrite),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409)))]
async fn write_audit_checkpoint(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    use sinergi_app::checkpoints::CheckpointOutcome;
    Ok(match st.app.checkpoint_audit(Some(&a.actor)).await? {
        CheckpointOutcome::Written(c) => (
            StatusCode::CREATED,
            Json(CheckpointWrite {
                written: true,
                checkpoint: Some(CheckpointView::from(&c)),
            }),
        )
            .into_response(),
        CheckpointOutcome::Unchanged(c) => Json(CheckpointWrite {
            written: false,
            checkpoint: Some(CheckpointView::from(&c)),
        })
        .into_response(),
        CheckpointOutcome::Empty => Json(CheckpointWrite {
            written: false,
            checkpoint: None,
        })
        .into_response(),
    })
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}
