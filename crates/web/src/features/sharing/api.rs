//! The sharing API: data-sharing agreements with their documents, referrals of single
//! reports, and emergency (break-glass) access with its setting.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Json;
use serde_json::{json, Value};
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::agreement::{Agreement, AgreementDocument};
use sinergi_core::ids::{AgreementId, ReferralId};

use crate::api_common::{
    file_response, if_match, multipart_error, parse_id, parse_json, route, ApiRoute,
};
use crate::auth::Authed;
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The sharing routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route("/agreements", get(list_agreements).post(create_agreement)),
        route("/agreements/{id}", get(get_agreement).put(put_agreement)),
        route("/agreements/{id}/propose", post(propose_agreement)),
        route(
            "/agreements/{id}/documents",
            post(upload_agreement_document),
        ),
        route(
            "/agreements/{id}/documents/{document}",
            get(download_agreement_document),
        ),
        route("/agreements/{id}/approve", post(approve_agreement)),
        route("/agreements/{id}/revoke", post(revoke_agreement)),
        route(
            "/reports/{id}/referrals",
            get(list_referrals).post(create_referral),
        ),
        route(
            "/reports/{id}/referrals/{referral}",
            delete(revoke_referral),
        ),
        route("/reports/{id}/break-glass", post(break_glass)),
        route(
            "/settings/break-glass",
            get(get_break_glass).put(put_break_glass),
        ),
    ]
}

// ---- agreements and referrals ----------------------------------------------------------

async fn agreement_json(st: &AppState, a: &Agreement) -> ApiResult<Value> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|x| x.id == *id)
            .map(|x| x.code.to_string())
    };
    let clauses: Vec<Value> = a
        .clauses
        .iter()
        .map(|c| {
            json!({
                "from": c.from.as_ref().map(code).unwrap_or(Some("*".into())),
                "to": c.to.iter().map(code).collect::<Vec<_>>(),
                "report_types": c.report_types,
                "categories": c.categories,
                "max_sensitivity": c.max_sensitivity.as_str(),
                "withheld_fields": c.withheld_fields,
                "location_precision_m": c.precision.to_json(),
                "include_subagencies": c.include_subagencies,
            })
        })
        .collect();
    Ok(json!({
        "id": a.id,
        "title": a.title,
        "number": a.number,
        "legal_basis": a.legal_basis,
        "parties": a.parties.iter().map(code).collect::<Vec<_>>(),
        "approved_by": a.approvals.iter().map(code).collect::<Vec<_>>(),
        "valid_from": a.valid_from.to_string(),
        "valid_until": a.valid_until.to_string(),
        "status": a.effective_status(st.app.now()).as_str(),
        "clauses": clauses,
        "documents": a.documents.iter().map(|d| agreement_document_json(a, d)).collect::<Vec<_>>(),
        "what_flows_where": st.app.agreement_summary(a).await?,
        "version": a.version,
        "created_at": a.created_at.to_rfc3339(),
        "updated_at": a.updated_at.to_rfc3339(),
    }))
}

fn agreement_id(s: &str) -> ApiResult<AgreementId> {
    AgreementId::parse(s).ok_or(ApiError(AppError::NotFound))
}

async fn list_agreements(State(st): State<AppState>, a: Authed) -> ApiResult<Json<Value>> {
    let mut out = Vec::new();
    for ag in st.app.agreements_for(&a.actor).await? {
        out.push(agreement_json(&st, &ag).await?);
    }
    Ok(Json(json!({"agreements": out})))
}

async fn create_agreement(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let ag = st.app.create_agreement(&a.actor, &v).await?;
    Ok((StatusCode::CREATED, Json(agreement_json(&st, &ag).await?)).into_response())
}

async fn get_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st.app.agreement_for(&a.actor, agreement_id(&id)?).await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

fn agreement_document_json(a: &Agreement, d: &AgreementDocument) -> Value {
    json!({
        "id": d.id,
        "filename": d.filename,
        "content_type": d.content_type,
        "size": d.size,
        "sha256": d.sha256,
        "uploaded_at": d.uploaded_at.to_rfc3339(),
        "href": format!("/api/v1/agreements/{}/documents/{}", a.id, d.id),
    })
}

async fn put_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = parse_json(body)?;
    let ag = st
        .app
        .update_draft(&a.actor, agreement_id(&id)?, if_match(&headers), &v)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn propose_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .propose_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn upload_agreement_document(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let id = agreement_id(&id)?;
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut stored = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("perjanjian").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        stored = Some(
            st.app
                .add_agreement_document(&a.actor, id, &name, &bytes)
                .await?,
        );
    }
    let doc = stored
        .ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))?;
    let ag = st.app.agreement_for(&a.actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(agreement_document_json(&ag, &doc)),
    )
        .into_response())
}

async fn download_agreement_document(
    State(st): State<AppState>,
    a: Authed,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Response> {
    let doc = doc.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)?;
    let (d, bytes) = st
        .app
        .agreement_document(&a.actor, agreement_id(&id)?, doc)
        .await?;
    Ok(file_response(
        bytes,
        &d.content_type,
        &d.filename,
        "attachment",
    ))
}

async fn approve_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .approve_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

async fn revoke_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let ag = st
        .app
        .revoke_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_json(&st, &ag).await?))
}

fn referral_json(r: &sinergi_store::ReferralRow, agencies: &[Agency]) -> Value {
    json!({
        "id": r.id,
        "report_id": r.report_id,
        "kind": r.kind,
        "to": r.to_agency.and_then(|id| agencies.iter().find(|x| x.id == id)).map(|x| x.code.as_str()),
        "reason": r.reason,
        "until": r.until.to_rfc3339(),
        "created_at": r.created_at.to_rfc3339(),
        "revoked_at": r.revoked_at.map(|t| t.to_rfc3339()),
    })
}

async fn list_referrals(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let rows = st.app.referrals(&a.actor, parse_id(&id)?).await?;
    let agencies = st.app.agencies().await?;
    let list: Vec<Value> = rows.iter().map(|r| referral_json(r, &agencies)).collect();
    Ok(Json(json!({ "referrals": list })))
}

async fn create_referral(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let row = st.app.refer_report(&a.actor, parse_id(&id)?, &v).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_json(&row, &agencies))).into_response())
}

async fn revoke_referral(
    State(st): State<AppState>,
    a: Authed,
    Path((id, referral)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    let referral = ReferralId::parse(&referral).ok_or(ApiError(AppError::NotFound))?;
    st.app
        .revoke_referral(&a.actor, parse_id(&id)?, referral)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn break_glass(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let v = parse_json(body)?;
    let row = st.app.break_glass(&a.actor, parse_id(&id)?, &v).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_json(&row, &agencies))).into_response())
}

async fn get_break_glass(State(st): State<AppState>, _a: Authed) -> ApiResult<Json<Value>> {
    let roles = st.app.break_glass_roles().await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(
        json!({ "roles": names, "hours": sinergi_app::agreements::BREAK_GLASS_HOURS }),
    ))
}

async fn put_break_glass(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<Value>> {
    let v = parse_json(body)?;
    let roles = st.app.set_break_glass_roles(&a.actor, &v).await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(
        json!({ "roles": names, "hours": sinergi_app::agreements::BREAK_GLASS_HOURS }),
    ))
}
