//! The audit API: the trail (JSON or CSV) and its signed checkpoints.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use serde_json::{json, Value};
use sinergi_app::export::csv_cell;
use sinergi_app::AppError;

use crate::api_common::{query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The audit routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route("/audit", get(audit)),
        route(
            "/audit/checkpoints",
            get(list_audit_checkpoints).post(write_audit_checkpoint),
        ),
    ]
}

// ---- audit -----------------------------------------------------------------------------

/// The audit trail, newest first, for administrators; `format=csv` for a spreadsheet.
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
    Ok(Json(json!({"entries": entries, "next_cursor": next})).into_response())
}

/// The newest signed checkpoints and the key this server signs with (system admins).
async fn list_audit_checkpoints(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let (key, checkpoints) = st.app.audit_checkpoint_list(&a.actor, 100).await?;
    Ok(Json(
        json!({"public_key": key.to_string(), "checkpoints": checkpoints}),
    ))
}

/// Signs the newest entry now (system admins): 201 with the new checkpoint, or 200 with
/// the newest one when it already covers the newest entry.
async fn write_audit_checkpoint(State(st): State<AppState>, a: Authed) -> ApiResult<Response> {
    use sinergi_app::checkpoints::CheckpointOutcome;
    Ok(match st.app.checkpoint_audit(Some(&a.actor)).await? {
        CheckpointOutcome::Written(c) => (
            StatusCode::CREATED,
            Json(json!({"written": true, "checkpoint": c})),
        )
            .into_response(),
        CheckpointOutcome::Unchanged(c) => {
            Json(json!({"written": false, "checkpoint": c})).into_response()
        }
        CheckpointOutcome::Empty => {
            Json(json!({"written": false, "checkpoint": null})).into_response()
        }
    })
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(Vec::new())
}
