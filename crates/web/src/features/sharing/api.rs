//! The sharing API: data-sharing agreements with their documents, referrals of single
//! reports, and emergency (break-glass) access with its setting.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::agreement::{
    Agreement, AgreementBody, AgreementDocument, BreakGlassBody, BreakGlassRolesBody, ReferralBody,
};
use sinergi_core::input::Body as _;
use sinergi_core::ids::{AgreementId, ReferralId};
use utoipa_axum::routes;

use super::types::{
    AgreementList, AgreementView, BreakGlassSetting, ClauseView, DocumentView, PrecisionView,
    ReferralList, ReferralView,
};
use crate::api_common::{
    file_response, if_match, multipart_error, parse_id, parse_json, route, ApiRoute, FileUpload,
};
use crate::auth::Authed;
use crate::openapi::{P401, P403, P404, P409, P412, P413, P415, P422};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The sharing routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_agreements, create_agreement)),
        route(routes!(get_agreement, put_agreement)),
        route(routes!(propose_agreement)),
        route(routes!(upload_agreement_document)),
        route(routes!(download_agreement_document)),
        route(routes!(approve_agreement)),
        route(routes!(revoke_agreement)),
        route(routes!(list_referrals, create_referral)),
        route(routes!(revoke_referral)),
        route(routes!(break_glass)),
        route(routes!(get_break_glass, put_break_glass)),
    ]
}

// ---- agreements and referrals ----------------------------------------------------------

async fn agreement_view(st: &AppState, a: &Agreement) -> ApiResult<AgreementView> {
    let agencies = st.app.agencies().await?;
    let code = |id: &sinergi_core::ids::AgencyId| {
        agencies
            .iter()
            .find(|x| x.id == *id)
            .map(|x| x.code.to_string())
    };
    // The same sentences as the agreement page, in Bahasa Indonesia.
    let code_text = |id: &sinergi_core::ids::AgencyId| code(id).unwrap_or_else(|| id.to_string());
    let types = st.app.agreement_types().await?;
    let what_flows_where: Vec<String> = a
        .clauses
        .iter()
        .map(|c| super::ui::agreements::flow_sentence(crate::i18n::Lang::Id, c, &code_text, &types))
        .collect();
    let clauses = a
        .clauses
        .iter()
        .map(|c| ClauseView {
            from: c.from.as_ref().map(code).unwrap_or(Some("*".into())),
            to: c.to.iter().map(code).collect(),
            report_types: c.report_types.clone(),
            categories: c.categories.clone(),
            max_sensitivity: c.max_sensitivity.as_str().to_string(),
            withheld_fields: c.withheld_fields.clone(),
            location_precision_m: PrecisionView::from(c.precision),
            include_subagencies: c.include_subagencies,
            protected_persons: c
                .protected_persons
                .iter()
                .map(|r| r.as_str().to_string())
                .collect(),
        })
        .collect();
    Ok(AgreementView {
        id: a.id.0,
        title: a.title.clone(),
        number: a.number.clone(),
        legal_basis: a.legal_basis.clone(),
        parties: a.parties.iter().map(code).collect(),
        approved_by: a.approvals.iter().map(code).collect(),
        valid_from: a.valid_from.to_string(),
        valid_until: a.valid_until.to_string(),
        status: a.effective_status(st.app.now()).as_str().to_string(),
        clauses,
        documents: a.documents.iter().map(|d| document_view(a, d)).collect(),
        what_flows_where,
        version: a.version,
        created_at: a.created_at.to_rfc3339(),
        updated_at: a.updated_at.to_rfc3339(),
    })
}

fn agreement_id(s: &str) -> ApiResult<AgreementId> {
    AgreementId::parse(s).ok_or(ApiError(AppError::NotFound))
}

#[utoipa::path(get, path = "/agreements", tag = "agreements",
    summary = "Agreements your agency is party to (all for system admins)",
    responses((status = 200, description = "Agreements", body = AgreementList),
        (status = 401, response = P401)))]
async fn list_agreements(State(st): State<AppState>, a: Authed) -> ApiResult<Json<AgreementList>> {
    let mut out = Vec::new();
    for ag in st.app.agreements_for(&a.actor).await? {
        out.push(agreement_view(&st, &ag).await?);
    }
    Ok(Json(AgreementList { agreements: out }))
}

#[utoipa::path(post, path = "/agreements", tag = "agreements",
    summary = "Propose a data-sharing agreement (status proposed)",
    request_body = AgreementBody,
    responses((status = 201, description = "The agreement, with what flows where", body = AgreementView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn create_agreement(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = AgreementBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let ag = st.app.create_agreement(&a.actor, &body).await?;
    Ok((StatusCode::CREATED, Json(agreement_view(&st, &ag).await?)).into_response())
}

#[utoipa::path(get, path = "/agreements/{id}", tag = "agreements",
    summary = "An agreement, with what flows where",
    params(("id" = String, Path, description = "The agreement's UUID")),
    responses((status = 200, description = "The agreement", body = AgreementView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AgreementView>> {
    let ag = st.app.agreement_for(&a.actor, agreement_id(&id)?).await?;
    Ok(Json(agreement_view(&st, &ag).await?))
}

fn document_view(a: &Agreement, d: &AgreementDocument) -> DocumentView {
    DocumentView {
        id: d.id,
        filename: d.filename.clone(),
        content_type: d.content_type.clone(),
        size: d.size,
        sha256: d.sha256.clone(),
        uploaded_at: d.uploaded_at.to_rfc3339(),
        href: format!("/api/v1/agreements/{}/documents/{}", a.id, d.id),
    }
}

#[utoipa::path(put, path = "/agreements/{id}", tag = "agreements",
    summary = "Replace a draft agreement's content (`status` draft keeps it a draft, proposed sends it)",
    params(("id" = String, Path, description = "The agreement's UUID"),
        ("If-Match" = Option<String>, Header, description = "The version read, as an ETag")),
    request_body = AgreementBody,
    responses((status = 200, description = "The agreement", body = AgreementView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 412, response = P412), (status = 422, response = P422)))]
async fn put_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<AgreementView>> {
    let body = AgreementBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let ag = st
        .app
        .update_draft(&a.actor, agreement_id(&id)?, if_match(&headers), &body)
        .await?;
    Ok(Json(agreement_view(&st, &ag).await?))
}

#[utoipa::path(post, path = "/agreements/{id}/propose", tag = "agreements",
    summary = "Send a draft to the parties for approval",
    params(("id" = String, Path, description = "The agreement's UUID")),
    responses((status = 200, description = "The agreement", body = AgreementView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409)))]
async fn propose_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AgreementView>> {
    let ag = st
        .app
        .propose_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_view(&st, &ag).await?))
}

#[utoipa::path(post, path = "/agreements/{id}/documents", tag = "agreements",
    summary = "Attach the signed text or an annex (PDF, JPEG, PNG, WebP, GIF)",
    params(("id" = String, Path, description = "The agreement's UUID")),
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The document", body = DocumentView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 413, response = P413), (status = 415, response = P415),
        (status = 422, response = P422)))]
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
    Ok((StatusCode::CREATED, Json(document_view(&ag, &doc))).into_response())
}

#[utoipa::path(get, path = "/agreements/{id}/documents/{document}", tag = "agreements",
    summary = "Download a document of an agreement",
    params(("id" = String, Path, description = "The agreement's UUID"),
        ("document" = String, Path, description = "The document's id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404)))]
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

#[utoipa::path(post, path = "/agreements/{id}/approve", tag = "agreements",
    summary = "Approve for your agency (active once every party has)",
    params(("id" = String, Path, description = "The agreement's UUID")),
    responses((status = 200, description = "The agreement", body = AgreementView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409)))]
async fn approve_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AgreementView>> {
    let ag = st
        .app
        .approve_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_view(&st, &ag).await?))
}

#[utoipa::path(post, path = "/agreements/{id}/revoke", tag = "agreements",
    summary = "Revoke: sharing stops at once",
    params(("id" = String, Path, description = "The agreement's UUID")),
    responses((status = 200, description = "The agreement", body = AgreementView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409)))]
async fn revoke_agreement(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<AgreementView>> {
    let ag = st
        .app
        .revoke_agreement(&a.actor, agreement_id(&id)?)
        .await?;
    Ok(Json(agreement_view(&st, &ag).await?))
}

fn referral_view(r: &sinergi_app::ReferralRow, agencies: &[Agency]) -> ReferralView {
    ReferralView {
        id: r.id.0,
        report_id: r.report_id.0,
        kind: r.kind.clone(),
        to: r
            .to_agency
            .and_then(|id| agencies.iter().find(|x| x.id == id))
            .map(|x| x.code.to_string()),
        reason: r.reason.clone(),
        until: r.until.to_rfc3339(),
        created_at: r.created_at.to_rfc3339(),
        revoked_at: r.revoked_at.map(|t| t.to_rfc3339()),
    }
}

#[utoipa::path(get, path = "/reports/{id}/referrals", tag = "referrals",
    summary = "A report's referrals",
    params(("id" = String, Path, description = "The report's UUID")),
    responses((status = 200, description = "Referrals", body = ReferralList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_referrals(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<ReferralList>> {
    let rows = st.app.referrals(&a.actor, parse_id(&id)?).await?;
    let agencies = st.app.agencies().await?;
    let referrals = rows.iter().map(|r| referral_view(r, &agencies)).collect();
    Ok(Json(ReferralList { referrals }))
}

#[utoipa::path(post, path = "/reports/{id}/referrals", tag = "referrals",
    summary = "Share one report with an agency until a date",
    params(("id" = String, Path, description = "The report's UUID")),
    request_body = ReferralBody,
    responses((status = 201, description = "The referral", body = ReferralView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn create_referral(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = ReferralBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let row = st.app.refer_report(&a.actor, parse_id(&id)?, &body).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_view(&row, &agencies))).into_response())
}

#[utoipa::path(delete, path = "/reports/{id}/referrals/{referral}", tag = "referrals",
    summary = "End a referral",
    params(("id" = String, Path, description = "The report's UUID"),
        ("referral" = String, Path, description = "The referral's id")),
    responses((status = 204, description = "Ended"),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409)))]
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

#[utoipa::path(post, path = "/reports/{id}/break-glass", tag = "referrals",
    summary = "Emergency access to one restricted report for a few hours, with a justification; audited under the owner agency",
    params(("id" = String, Path, description = "The report's UUID")),
    request_body = BreakGlassBody,
    responses((status = 201, description = "The access granted", body = ReferralView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn break_glass(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = BreakGlassBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let row = st.app.break_glass(&a.actor, parse_id(&id)?, &body).await?;
    let agencies = st.app.agencies().await?;
    Ok((StatusCode::CREATED, Json(referral_view(&row, &agencies))).into_response())
}

#[utoipa::path(get, path = "/settings/break-glass", tag = "settings",
    summary = "The roles that may use emergency access",
    responses((status = 200, description = "The setting", body = BreakGlassSetting),
        (status = 401, response = P401)))]
async fn get_break_glass(
    State(st): State<AppState>,
    _a: Authed,
) -> ApiResult<Json<BreakGlassSetting>> {
    let roles = st.app.break_glass_roles().await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(BreakGlassSetting::new(names)))
}

#[utoipa::path(put, path = "/settings/break-glass", tag = "settings",
    summary = "Set the roles that may use emergency access (system admins)",
    request_body = BreakGlassRolesBody,
    responses((status = 200, description = "The setting", body = BreakGlassSetting),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn put_break_glass(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<BreakGlassSetting>> {
    let body = BreakGlassRolesBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let roles = st.app.set_break_glass_roles(&a.actor, &body).await?;
    let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
    Ok(Json(BreakGlassSetting::new(names)))
}
