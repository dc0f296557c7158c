//! The letters API (ADR 22): drafts, sending, the inbox with receipts, letters from
//! outside, their files, the printable letter and the agency's numbering format.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::ids::{AgencyId, LetterId};
use sinergi_core::input::Body as _;
use sinergi_core::ids::DispositionId;
use sinergi_core::letter::body::{
    DispositionPatchBody, ForwardLetterBody, LetterFormatBody, LetterPatchBody,
    NewDispositionBody, NewLetterBody, RegisterLetterBody,
};
use sinergi_core::letter::{render_number, Disposition, Letter, LetterDocument};
use utoipa_axum::routes;

use super::types::{
    DispositionList, DispositionView, LetterFormatView, LetterList, LetterView, RecipientView,
};
use crate::api_common::{file_response, if_match, multipart_error, parse_json, route, ApiRoute};
use crate::auth::Authed;
use crate::features::sharing::types::DocumentView;
use crate::openapi::{P401, P403, P404, P409, P412, P413, P415, P422, P428};
use crate::problem::{ApiError, ApiResult};
use crate::AppState;

/// The letters routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(list_letters, create_letter)),
        route(routes!(register_letter)),
        route(routes!(get_letter, patch_letter)),
        route(routes!(send_letter)),
        route(routes!(forward_letter)),
        route(routes!(upload_document)),
        route(routes!(download_document)),
        route(routes!(letter_pdf)),
        route(routes!(get_format, put_format)),
        route(routes!(list_dispositions, dispose)),
        route(routes!(my_dispositions)),
        route(routes!(patch_disposition)),
    ]
}

/// A malformed id names no letter: answered as a missing one.
pub(crate) fn letter_id(s: &str) -> ApiResult<LetterId> {
    LetterId::parse(s).ok_or(ApiError(AppError::NotFound))
}

/// Every agency by id, to name them in answers.
pub(crate) async fn agencies(st: &AppState) -> ApiResult<HashMap<AgencyId, Agency>> {
    Ok(st
        .app
        .agencies()
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect())
}

fn names(all: &HashMap<AgencyId, Agency>, id: AgencyId) -> (String, String) {
    all.get(&id)
        .map(|a| (a.code.to_string(), a.name.clone()))
        .unwrap_or_default()
}

fn document_view(l: &Letter, d: &LetterDocument) -> DocumentView {
    DocumentView {
        id: d.id,
        filename: d.filename.clone(),
        content_type: d.content_type.clone(),
        size: d.size,
        sha256: d.sha256.clone(),
        uploaded_at: d.uploaded_at.to_rfc3339(),
        href: format!("/api/v1/letters/{}/documents/{}", l.id, d.id),
    }
}

/// A letter as the viewer of `viewer_agency` receives it.
pub(crate) fn letter_view(
    l: &Letter,
    all: &HashMap<AgencyId, Agency>,
    viewer_agency: AgencyId,
) -> LetterView {
    let (agency, agency_name) = names(all, l.agency_id);
    let incoming = l.recipient(viewer_agency).is_some() && l.agency_id != viewer_agency;
    LetterView {
        id: l.id.0,
        agency,
        agency_name,
        status: l.status.as_str().into(),
        letter_box: if incoming { "in" } else { "out" }.into(),
        number: l.number.clone(),
        date: l.letter_date.map(|d| d.to_string()),
        subject: l.subject.clone(),
        body: l.body.clone(),
        nature: l.nature.as_str().into(),
        signatory: l.signatory.clone(),
        external_sender: l.external_sender.clone(),
        recipients: l
            .recipients
            .iter()
            .map(|r| {
                let (agency, agency_name) = names(all, r.agency_id);
                RecipientView {
                    agency,
                    agency_name,
                    role: r.role.as_str().into(),
                    forwarded_from: r.forwarded_from.map(|f| names(all, f).0),
                    forward_note: r.forward_note.clone(),
                    delivered_at: r.delivered_at.map(|t| t.to_rfc3339()),
                    read_at: r.read_at.map(|t| t.to_rfc3339()),
                }
            })
            .collect(),
        documents: l.documents.iter().map(|d| document_view(l, d)).collect(),
        reply_by: l.reply_by.map(|d| d.to_string()),
        in_reply_to: l.in_reply_to.map(|r| r.0),
        version: l.version,
        created_at: l.created_at.to_rfc3339(),
        updated_at: l.updated_at.to_rfc3339(),
    }
}

async fn answer(st: &AppState, a: &Authed, status: StatusCode, l: &Letter) -> ApiResult<Response> {
    let all = agencies(st).await?;
    let mut resp = (status, Json(letter_view(l, &all, a.actor.agency_id))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", l.version)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

/// Which letters a list holds.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct BoxQuery {
    /// `in` (sent to the caller's agency), `out` (its own: drafts, sent, registered), or
    /// absent for both.
    #[serde(rename = "box")]
    pub letter_box: Option<String>,
}

#[utoipa::path(get, path = "/letters", tag = "letters",
    summary = "The letters of the caller's agency and those sent to it, the newest first",
    params(BoxQuery),
    responses((status = 200, description = "Letters", body = LetterList),
        (status = 401, response = P401), (status = 422, response = P422)))]
async fn list_letters(
    State(st): State<AppState>,
    a: Authed,
    q: Result<Query<BoxQuery>, QueryRejection>,
) -> ApiResult<Json<LetterList>> {
    let want = q.ok().and_then(|Query(q)| q.letter_box);
    if let Some(w) = want.as_deref().filter(|w| !matches!(*w, "in" | "out")) {
        return Err(AppError::field(
            "box",
            sinergi_core::msg!("letter-box-invalid", "must be in or out, not {value}", value = w),
        )
        .into());
    }
    let all = agencies(&st).await?;
    let letters = st
        .app
        .letters_for(&a.actor)
        .await?
        .iter()
        .map(|l| letter_view(l, &all, a.actor.agency_id))
        .filter(|v| want.as_deref().is_none_or(|w| v.letter_box == w))
        .collect();
    Ok(Json(LetterList { letters }))
}

#[utoipa::path(post, path = "/letters", tag = "letters",
    summary = "Draft a letter of the caller's agency (idempotent on a client-chosen id)",
    request_body = NewLetterBody,
    responses((status = 201, description = "The draft, with an ETag", body = LetterView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 409, response = P409), (status = 422, response = P422)))]
async fn create_letter(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = NewLetterBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let l = st.app.create_letter(&a.actor, &body).await?;
    answer(&st, &a, StatusCode::CREATED, &l).await
}

#[utoipa::path(post, path = "/letters/incoming", tag = "letters",
    summary = "Register a letter that came from outside Sinergi (then attach its scan)",
    request_body = RegisterLetterBody,
    responses((status = 201, description = "The registered letter", body = LetterView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn register_letter(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let body = RegisterLetterBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let l = st.app.register_letter(&a.actor, &body).await?;
    answer(&st, &a, StatusCode::CREATED, &l).await
}

#[utoipa::path(get, path = "/letters/{id}", tag = "letters",
    summary = "A letter; opening one sent to the caller's agency records its read receipt",
    params(("id" = String, Path, description = "The letter's UUID")),
    responses((status = 200, description = "The letter, with an ETag", body = LetterView),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn get_letter(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let l = st.app.open_letter(&a.actor, letter_id(&id)?).await?;
    answer(&st, &a, StatusCode::OK, &l).await
}

#[utoipa::path(patch, path = "/letters/{id}", tag = "letters", summary = "Change a draft",
    params(("id" = String, Path, description = "The letter's UUID"),
        ("If-Match" = String, Header, description = "The ETag read")),
    request_body = LetterPatchBody,
    responses((status = 200, description = "The draft", body = LetterView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 412, response = P412), (status = 422, response = P422),
        (status = 428, response = P428)))]
async fn patch_letter(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = letter_id(&id)?;
    let body = LetterPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let l = st
        .app
        .update_letter(&a.actor, id, if_match(&headers), &body)
        .await?;
    answer(&st, &a, StatusCode::OK, &l).await
}

#[utoipa::path(post, path = "/letters/{id}/send", tag = "letters",
    summary = "Send a draft: it takes the agency's next number and reaches every recipient",
    params(("id" = String, Path, description = "The letter's UUID"),
        ("If-Match" = String, Header, description = "The ETag of the draft as read")),
    responses((status = 200, description = "The sent letter", body = LetterView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 412, response = P412), (status = 428, response = P428)))]
async fn send_letter(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let l = st
        .app
        .send_letter(&a.actor, letter_id(&id)?, if_match(&headers))
        .await?;
    answer(&st, &a, StatusCode::OK, &l).await
}

#[utoipa::path(post, path = "/letters/{id}/forward", tag = "letters",
    summary = "Pass a letter your agency holds up its reporting line, with a note",
    params(("id" = String, Path, description = "The letter's UUID")),
    request_body = ForwardLetterBody,
    responses((status = 200, description = "The letter, with its new recipient", body = LetterView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 422, response = P422)))]
async fn forward_letter(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = letter_id(&id)?;
    let body = ForwardLetterBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let l = st.app.forward_letter(&a.actor, id, &body).await?;
    answer(&st, &a, StatusCode::OK, &l).await
}

#[utoipa::path(post, path = "/letters/{id}/documents", tag = "letters",
    summary = "Attach an annex or the scan (PDF, JPEG, PNG, WebP, GIF) to a draft or a registered letter",
    params(("id" = String, Path, description = "The letter's UUID")),
    request_body(content = crate::api_common::FileUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The document", body = DocumentView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 409, response = P409),
        (status = 413, response = P413), (status = 415, response = P415),
        (status = 422, response = P422)))]
async fn upload_document(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let id = letter_id(&id)?;
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut stored = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("surat").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
        stored = Some(st.app.add_letter_document(&a.actor, id, &name, &bytes).await?);
    }
    let doc = stored
        .ok_or_else(|| ApiError(AppError::field("file", "a part named \"file\" is required")))?;
    let l = st.app.letter_for(&a.actor, id).await?;
    Ok((StatusCode::CREATED, Json(document_view(&l, &doc))).into_response())
}

#[utoipa::path(get, path = "/letters/{id}/documents/{document}", tag = "letters",
    summary = "Download a file of a letter",
    params(("id" = String, Path, description = "The letter's UUID"),
        ("document" = String, Path, description = "The document's id")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn download_document(
    State(st): State<AppState>,
    a: Authed,
    Path((id, doc)): Path<(String, String)>,
) -> ApiResult<Response> {
    let doc = doc.parse::<uuid::Uuid>().map_err(|_| AppError::NotFound)?;
    let (d, bytes) = st
        .app
        .letter_document(&a.actor, letter_id(&id)?, doc)
        .await?;
    Ok(file_response(bytes, &d.content_type, &d.filename, "attachment"))
}

/// The language of a printable letter.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LangQuery {
    /// `id` (the default) or `en`.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/letters/{id}/letter.pdf", tag = "letters",
    summary = "The letter as a printable PDF (A4)",
    params(("id" = String, Path, description = "The letter's UUID"), LangQuery),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn letter_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let lang = match q.ok().and_then(|Query(q)| q.lang).as_deref() {
        None | Some("id") => crate::i18n::Lang::Id,
        Some("en") => crate::i18n::Lang::En,
        Some(_) => return Err(ApiError(AppError::field("lang", "must be id or en"))),
    };
    let l = st.app.letter_for(&a.actor, letter_id(&id)?).await?;
    let all = agencies(&st).await?;
    let bytes = super::pdf::letter_pdf(&l, &all, lang);
    let name = format!("surat-{}.pdf", l.id);
    Ok(file_response(bytes, "application/pdf", &name, "inline"))
}

async fn format_view(st: &AppState, a: &Authed) -> ApiResult<LetterFormatView> {
    let format = st.app.letter_format(a.actor.agency_id).await?;
    let all = agencies(st).await?;
    let code = names(&all, a.actor.agency_id).0;
    let today = st.app.now().date_naive();
    Ok(LetterFormatView {
        example: render_number(&format, 1, today, &code),
        format,
    })
}

#[utoipa::path(get, path = "/letter-format", tag = "letters",
    summary = "The numbering format of the caller's agency",
    responses((status = 200, description = "The format", body = LetterFormatView),
        (status = 401, response = P401)))]
async fn get_format(State(st): State<AppState>, a: Authed) -> ApiResult<Json<LetterFormatView>> {
    Ok(Json(format_view(&st, &a).await?))
}

#[utoipa::path(put, path = "/letter-format", tag = "letters",
    summary = "Set the numbering format of the caller's agency (its administrators)",
    request_body = LetterFormatBody,
    responses((status = 200, description = "The format", body = LetterFormatView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 422, response = P422)))]
async fn put_format(
    State(st): State<AppState>,
    a: Authed,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<LetterFormatView>> {
    let body = LetterFormatBody::read(&parse_json(body)?).map_err(AppError::from)?;
    st.app.set_letter_format(&a.actor, &body).await?;
    Ok(Json(format_view(&st, &a).await?))
}

/// A disposition as its agency's people see it.
pub(crate) async fn disposition_view(
    st: &AppState,
    d: &Disposition,
    l: &Letter,
) -> ApiResult<DispositionView> {
    let to = st
        .app
        .store
        .user(d.to_user)
        .await
        .map_err(AppError::from)?
        .map(|u| u.username.to_string())
        .unwrap_or_default();
    Ok(DispositionView {
        id: d.id.0,
        letter: l.id.0,
        letter_subject: l.subject.clone(),
        letter_number: l.number.clone(),
        to,
        instruction: d.instruction.clone(),
        due: d.due.map(|x| x.to_string()),
        done: d.done,
        note: d.note.clone(),
        created_at: d.created_at.to_rfc3339(),
        done_at: d.done_at.map(|t| t.to_rfc3339()),
        version: d.version,
    })
}

#[utoipa::path(get, path = "/letters/{id}/dispositions", tag = "letters",
    summary = "The dispositions the caller's agency made of a letter",
    params(("id" = String, Path, description = "The letter's UUID")),
    responses((status = 200, description = "Dispositions, in the order made", body = DispositionList),
        (status = 401, response = P401), (status = 404, response = P404)))]
async fn list_dispositions(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<DispositionList>> {
    let id = letter_id(&id)?;
    let l = st.app.letter_for(&a.actor, id).await?;
    let mut out = Vec::new();
    for d in st.app.letter_dispositions(&a.actor, id).await? {
        out.push(disposition_view(&st, &d, &l).await?);
    }
    Ok(Json(DispositionList { dispositions: out }))
}

#[utoipa::path(post, path = "/letters/{id}/dispositions", tag = "letters",
    summary = "Pass a received letter to a person of the agency (disposisi); they are notified",
    params(("id" = String, Path, description = "The letter's UUID")),
    request_body = NewDispositionBody,
    responses((status = 201, description = "The disposition", body = DispositionView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 422, response = P422)))]
async fn dispose(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Response> {
    let id = letter_id(&id)?;
    let body = NewDispositionBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let d = st.app.dispose_letter(&a.actor, id, &body).await?;
    let l = st.app.letter_for(&a.actor, id).await?;
    Ok((StatusCode::CREATED, Json(disposition_view(&st, &d, &l).await?)).into_response())
}

#[utoipa::path(get, path = "/dispositions", tag = "letters",
    summary = "The dispositions given to the caller, open ones first",
    responses((status = 200, description = "Dispositions", body = DispositionList),
        (status = 401, response = P401)))]
async fn my_dispositions(State(st): State<AppState>, a: Authed) -> ApiResult<Json<DispositionList>> {
    let mut out = Vec::new();
    for (d, l) in st.app.my_dispositions(&a.actor).await? {
        out.push(disposition_view(&st, &d, &l).await?);
    }
    Ok(Json(DispositionList { dispositions: out }))
}

#[utoipa::path(patch, path = "/dispositions/{id}", tag = "letters",
    summary = "Mark a disposition done (or open again), with a note",
    params(("id" = String, Path, description = "The disposition's UUID"),
        ("If-Match" = Option<String>, Header, description = "The version read")),
    request_body = DispositionPatchBody,
    responses((status = 200, description = "The disposition", body = DispositionView),
        (status = 401, response = P401), (status = 403, response = P403),
        (status = 404, response = P404), (status = 412, response = P412),
        (status = 422, response = P422)))]
async fn patch_disposition(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<DispositionView>> {
    let id = DispositionId::parse(&id).ok_or(ApiError(AppError::NotFound))?;
    let body = DispositionPatchBody::read(&parse_json(body)?).map_err(AppError::from)?;
    let d = st
        .app
        .update_disposition(&a.actor, id, if_match(&headers), &body)
        .await?;
    let l = st
        .app
        .store
        .letter(d.letter_id)
        .await
        .map_err(AppError::from)?
        .ok_or(AppError::NotFound)?;
    Ok(Json(disposition_view(&st, &d, &l).await?))
}
