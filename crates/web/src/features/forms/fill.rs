//! Filling a form in Sinergi's phone app (ADR 37): `/formulir/{id}/isi` shows the newest
//! version's questions (kept by the service worker, so it opens offline once visited);
//! `static/formulir-isi.js` saves the answers in the outbox, which sends them to `POST
//! /api/v1/forms/{id}/answers` once, under the identity the phone chose, when there is a
//! signal.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use serde_json::Value;
use sinergi_app::submissions::AppEntry;
use sinergi_app::AppError;
use utoipa_axum::routes;

use super::api::form_id;
use super::types::SubmissionDetail;
use crate::api_common::{parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P404, P409, P422};
use crate::problem::{ApiError, ApiResult};
use crate::ui::render::{page_ctx, render};
use crate::ui::Page;
use crate::AppState;

/// The phone app's routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![route(routes!(enter_answers))]
}

/// Answers filled in the phone app.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct AnswersRequest {
    /// The identity the phone chose for this entry (`uuid:…`): sending it again adds
    /// nothing.
    instance_id: String,
    /// The number of the form version the phone showed (1, 2, …).
    version: i32,
    /// The answers by question path, a repeat as an array of objects (as a submission's
    /// `data` shows them); a select_multiple's as an array.
    #[schema(value_type = std::collections::BTreeMap<String, super::types::AnswerValue>)]
    answers: Value,
    /// When it was filled in on the phone (RFC 3339); now when absent. A time after now
    /// counts as now.
    #[schema(format = DateTime)]
    answered_at: Option<String>,
}

#[utoipa::path(post, path = "/forms/{id}/answers", tag = "forms",
    summary = "Send answers filled in Sinergi's phone app: kept as a submission from the app of the version it names, counted for campaigns when it was filled in",
    params(("id" = String, Path, description = "The form's UUID")),
    request_body = AnswersRequest,
    responses((status = 201, description = "The submission", body = SubmissionDetail),
        (status = 200, description = "The same entry again (its instance_id): nothing added", body = SubmissionDetail),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn enter_answers(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = form_id(&id)?;
    // A form the caller does not see answers as one that does not exist, whatever the body.
    st.app.form_view(&a.actor, id).await?;
    let v = parse_json(body)?;
    let field = |name: &str, m: sinergi_core::error::Message| ApiError(AppError::field(name, m));
    let instance_id = v.get("instance_id").and_then(Value::as_str).ok_or_else(|| {
        field(
            "instance_id",
            sinergi_core::msg!("fill-instance-id", "the identity the phone chose for this entry is required (uuid:…)"),
        )
    })?;
    let version = v
        .get("version")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| {
            field(
                "version",
                sinergi_core::msg!("whole-number", "must be a whole number from 1"),
            )
        })?;
    let answers = match v.get("answers") {
        Some(Value::Object(m)) => m.clone(),
        _ => {
            return Err(field(
                "answers",
                sinergi_core::msg!("paper-answers", "the answers must be a JSON object by question path"),
            ))
        }
    };
    let answered_at = match v.get("answered_at") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|_| {
                    field(
                        "answered_at",
                        sinergi_core::msg!("fill-answered-at", "must be a time such as 2026-12-07T09:30:00+07:00"),
                    )
                })?
                .with_timezone(&chrono::Utc),
        ),
        Some(_) => {
            return Err(field(
                "answered_at",
                sinergi_core::msg!("fill-answered-at", "must be a time such as 2026-12-07T09:30:00+07:00"),
            ))
        }
    };
    let (s, received) = st
        .app
        .enter_app_submission(
            &a.actor,
            id,
            AppEntry {
                answers,
                version,
                instance_id: instance_id.to_string(),
                answered_at,
            },
        )
        .await?;
    super::paper::entered(&st, &a.actor, &s, received).await
}

/// `GET /formulir/{id}/isi`: the form to fill on the phone.
pub(crate) async fn page(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let s = match st
        .app
        .paper_sheet(&page.authed.actor, id, None, None, None, page.lang.code())
        .await
    {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let uploaded: std::collections::BTreeSet<String> = match st
        .app
        .version_media(&page.authed.actor, id, s.version.number)
        .await
    {
        Ok(m) => m.uploaded().map(|f| f.name.clone()).collect(),
        Err(e) => return page.error(e),
    };
    let media_base = format!("/formulir/{id}/versi/{}/media/", s.version.number);
    let mut rows = Vec::new();
    let kept = HashMap::new();
    let of = super::paper::RowsOf {
        kept: &kept,
        calculations: &s.questionnaire.calculations,
        media: Some((&media_base, &uploaded)),
    };
    super::paper::rows(&of, &s.questionnaire.items, ("", "", ""), &[], &mut rows);
    render(
        StatusCode::OK,
        "formulir_isi.html",
        context! {
            form => context! {
                id => s.form.id.to_string(), title => s.form.title.as_str(),
                form_id => s.form.xml_id.as_str(), version => s.version.version.as_str(),
                number => s.version.number, root => s.questionnaire.root.as_str(),
            },
            rows => rows,
            ..page_ctx(&page, "forms")
        },
    )
}
