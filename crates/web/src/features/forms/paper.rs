//! Paper forms (ADR 37): the printable sheet of a form for a unit and period
//! (`/formulir/{id}/kertas.pdf`, `GET /api/v1/forms/{id}/paper.pdf`), and typing a filled
//! sheet in (`/formulir/{id}/kertas`, `POST /api/v1/forms/{id}/paper`): its answers, the
//! date written on it and its scan, kept as a submission from paper that counts for a
//! campaign with the paper's date.

use std::collections::{BTreeMap, HashMap};

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use chrono::NaiveDate;
use minijinja::{context, Value as Ctx};
use serde_json::{Map, Value};
use sinergi_app::submissions::{PaperEntry, PaperSheet};
use sinergi_app::AppError;
use sinergi_core::questionnaire::{Item, Kind};
use sinergi_core::submission::FieldType;
use utoipa_axum::routes;

use super::api::form_id;
use super::paper_pdf::{form_code, paper_pdf, PaperFor};
use super::types::SubmissionDetail;
use crate::api_common::{multipart_error, route, ApiRoute};
use crate::auth::Authed;
use crate::i18n::{core_message, k, tr, Lang};
use crate::openapi::{P401, P404, P409, P413, P415, P422};
use crate::problem::{ApiError, ApiResult};
use crate::ui::render::{page_ctx, render};
use crate::ui::upload::{form_with_file, FormUpload};
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

/// The paper routes, relative to `/api/v1`.
pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![route(routes!(paper_sheet_pdf)), route(routes!(enter_paper))]
}

/// Whom a printed sheet is for.
#[derive(serde::Deserialize, utoipa::IntoParams, Default, Clone)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct SheetParams {
    /// The unit's region (Kemendagri code, e.g. 15.01).
    pub region: Option<String>,
    /// The period (2021, 2021-Q3, 2021-07).
    pub period: Option<String>,
    /// The answering agency's code.
    pub agency: Option<String>,
    /// `id` (the default) or `en`.
    pub lang: Option<String>,
}

/// The printable sheet's PDF and its file name.
pub(crate) fn sheet_bytes(s: &PaperSheet, lang: Lang) -> (Vec<u8>, String) {
    let f = PaperFor {
        unit: s.region.as_ref().map(|(c, n)| format!("{c} {n}")),
        agency: s.agency.as_ref().map(|a| format!("{} ({})", a.name, a.code)),
        period: s.period.clone(),
    };
    let code = form_code(
        &s.form.id.to_string(),
        s.version.number,
        &f,
        s.region.as_ref().map(|(c, _)| c.as_str()),
    );
    let pdf = paper_pdf(&s.questionnaire, &s.form.xml_id, &s.version.version, &code, &f, lang);
    let name = format!(
        "{}-{}{}.pdf",
        s.form.xml_id,
        s.region.as_ref().map(|(c, _)| c.as_str()).unwrap_or("kertas"),
        s.period.as_deref().map(|p| format!("-{p}")).unwrap_or_default()
    );
    (pdf, name)
}

fn sheet_pdf(s: &PaperSheet, lang: Lang) -> Response {
    let (pdf, name) = sheet_bytes(s, lang);
    crate::api_common::file_response(pdf, "application/pdf", &name, "inline")
}

#[utoipa::path(get, path = "/forms/{id}/paper.pdf", tag = "forms",
    summary = "The printable paper form (A4) of a form's newest version, for a unit (region, agency) and period: every page carries them and the form code as text and QR code",
    params(("id" = String, Path, description = "The form's UUID"), SheetParams),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 422, response = P422)))]
async fn paper_sheet_pdf(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SheetParams>, QueryRejection>,
) -> ApiResult<Response> {
    let q = q
        .map_err(crate::api_common::query_error)?
        .0;
    let lang = match q.lang.as_deref() {
        None | Some("id") => Lang::Id,
        Some("en") => Lang::En,
        Some(_) => {
            return Err(ApiError(AppError::field(
                "lang",
                sinergi_core::msg!("case-lang-invalid", "must be id or en"),
            )))
        }
    };
    let s = st
        .app
        .paper_sheet(
            &a.actor,
            form_id(&id)?,
            q.region.as_deref(),
            q.period.as_deref(),
            q.agency.as_deref(),
            lang.code(),
        )
        .await?;
    Ok(sheet_pdf(&s, lang))
}

/// A paper form typed in, as multipart parts.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct PaperUpload {
    /// The answers as a JSON object by question path, a repeat as an array of objects
    /// (as a submission's `data` shows them).
    answers: String,
    /// The date written on the paper (YYYY-MM-DD): when it was answered.
    answered_on: String,
    /// The code of the agency that answered it, when not yours (a coordinator's agency
    /// below theirs).
    agency: Option<String>,
    /// An identity for this entry (`uuid:…`): sending it again adds nothing.
    instance_id: Option<String>,
    /// The scan of the paper (PDF or photo).
    #[schema(value_type = Option<String>, format = Binary)]
    scan: Option<Vec<u8>>,
}

#[utoipa::path(post, path = "/forms/{id}/paper", tag = "forms",
    summary = "Type in a paper form: its answers, the paper's date and scan; kept as a submission from paper of the newest version, counted for campaigns with the paper's date",
    params(("id" = String, Path, description = "The form's UUID")),
    request_body(content = PaperUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The submission", body = SubmissionDetail),
        (status = 200, description = "The same entry again (its instance_id): nothing added", body = SubmissionDetail),
        (status = 401, response = P401), (status = 404, response = P404),
        (status = 409, response = P409), (status = 413, response = P413),
        (status = 415, response = P415), (status = 422, response = P422)))]
async fn enter_paper(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let id = form_id(&id)?;
    // A form the caller does not see answers as one that does not exist, whatever the body.
    st.app.form_view(&a.actor, id).await?;
    let mut mp = mp.map_err(|e| ApiError(AppError::field("body", e.body_text())))?;
    let mut answers = None;
    let mut answered_on = None;
    let mut agency = None;
    let mut instance_id = None;
    let mut scan = None;
    while let Some(field) = mp.next_field().await.map_err(|e| multipart_error(&e))? {
        let name = field.name().unwrap_or("").to_string();
        if name == "scan" {
            let file = field.file_name().unwrap_or("scan").to_string();
            let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
            if !bytes.is_empty() {
                scan = Some((file, bytes.to_vec()));
            }
            continue;
        }
        let text = field.text().await.map_err(|e| multipart_error(&e))?;
        match name.as_str() {
            "answers" => {
                answers = Some(match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Object(m)) => m,
                    _ => {
                        return Err(ApiError(AppError::field(
                            "answers",
                            sinergi_core::msg!(
                                "paper-answers",
                                "the answers must be a JSON object by question path"
                            ),
                        )))
                    }
                })
            }
            "answered_on" => answered_on = Some(text),
            "agency" => agency = Some(text).filter(|t| !t.trim().is_empty()),
            "instance_id" => instance_id = Some(text).filter(|t| !t.trim().is_empty()),
            _ => {}
        }
    }
    let answers = answers.ok_or_else(|| {
        ApiError(AppError::field(
            "answers",
            sinergi_core::msg!("paper-answers", "the answers must be a JSON object by question path"),
        ))
    })?;
    let answered_on = paper_date(answered_on.as_deref())?;
    let agency_id = match agency {
        None => None,
        Some(code) => Some(agency_by_code(&st, code.trim()).await?),
    };
    let (s, received) = st
        .app
        .enter_paper_submission(
            &a.actor,
            id,
            PaperEntry {
                answers,
                answered_on,
                agency_id,
                scan,
                instance_id,
            },
        )
        .await?;
    entered(&st, &a.actor, &s, received).await
}

/// The answer to an entry (a paper typed in, answers from the phone app): 201 with the
/// submission, or 200 when the same entry came again and nothing was added.
pub(crate) async fn entered(
    st: &AppState,
    actor: &sinergi_core::access::Actor,
    s: &sinergi_core::submission::Submission,
    received: sinergi_app::submissions::Received,
) -> ApiResult<Response> {
    let v = st.app.submission_view(actor, s.id).await?;
    let body = super::submissions::detail(st, &v).await?;
    let status = if received == sinergi_app::submissions::Received::Resumed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    let mut resp = (status, Json(body)).into_response();
    if let Ok(loc) = HeaderValue::from_str(&format!("/api/v1/submissions/{}", s.id)) {
        resp.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(resp)
}

fn paper_date(s: Option<&str>) -> Result<NaiveDate, AppError> {
    s.map(str::trim)
        .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or_else(|| {
            AppError::field(
                "answered_on",
                sinergi_core::msg!("paper-date", "the paper's date must be a real date, not after today"),
            )
        })
}

async fn agency_by_code(st: &AppState, code: &str) -> Result<sinergi_core::ids::AgencyId, AppError> {
    st.app
        .agency_by_code(code)
        .await?
        .map(|a| a.id)
        .ok_or_else(|| {
            AppError::field(
                "agency",
                sinergi_core::msg!("agency-unknown", "{code} is not an agency", code = code),
            )
        })
}

/// `GET /formulir/{id}/kertas.pdf?wilayah=&periode=&instansi=`: the printable sheet.
pub(crate) async fn sheet(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let got = |k: &str| q.get(k).map(String::as_str);
    match st
        .app
        .paper_sheet(
            &page.authed.actor,
            id,
            got("wilayah"),
            got("periode"),
            got("instansi"),
            page.lang.code(),
        )
        .await
    {
        Ok(s) => sheet_pdf(&s, page.lang),
        Err(e) => page.error(e),
    }
}

/// A question's input on the typing page. `conds` are the `relevant` expressions of the
/// groups and repeats around it: the phone app shows it only when they and its own hold.
fn field_ctx(i: &Item, name: &str, kept: &HashMap<String, Vec<String>>, conds: &[String]) -> Ctx {
    let kind = match &i.kind {
        Kind::Input(FieldType::Int) => "int",
        Kind::Input(FieldType::Decimal) => "decimal",
        Kind::Input(FieldType::Date) => "date",
        Kind::Input(FieldType::Geopoint) => "geopoint",
        Kind::Input(_) => "text",
        Kind::SelectOne => "one",
        Kind::SelectMultiple => "many",
        Kind::Trigger => "ok",
        Kind::Upload => "upload",
        Kind::Note => "note",
        Kind::Group | Kind::Repeat => "heading",
    };
    let values = kept.get(name).cloned().unwrap_or_default();
    // With a choice_filter, each choice carries its columns (JSON) for the phone app.
    let columns = |n: usize| {
        i.choice_filter.as_ref()?;
        let cols: serde_json::Map<String, serde_json::Value> = i
            .choice_columns
            .get(n)?
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        Some(serde_json::Value::Object(cols).to_string())
    };
    let choices: Vec<Ctx> = i
        .choices
        .iter()
        .enumerate()
        .map(|(n, (v, l))| context! { value => v, label => l, checked => values.contains(v), columns => columns(n) })
        .collect();
    let first = |n: &str| kept.get(n).and_then(|v| v.first()).cloned().unwrap_or_default();
    context! {
        kind => kind, name => name, label => i.label.as_str(), hint => i.hint.as_deref(),
        required => i.required, conditional => i.relevant.is_some(), choices => choices,
        filter => i.choice_filter.as_deref(),
        value => first(name), lat => first(&format!("{name}#lat")), lon => first(&format!("{name}#lon")),
        id => format!("isian-{}", name.replace(['/', '[', ']'], "-")),
        logic => logic(conds, i.relevant.as_deref(), i.constraint.as_deref(), i.constraint_message.as_deref()),
    }
}

/// The expressions the phone app evaluates for a row (ADR 37): every `relevant` that must
/// hold as a JSON list, the answer's `constraint` and its message.
fn logic(conds: &[String], own: Option<&str>, constraint: Option<&str>, message: Option<&str>) -> Ctx {
    let mut all: Vec<&str> = conds.iter().map(String::as_str).collect();
    all.extend(own);
    context! {
        relevant => (!all.is_empty()).then(|| serde_json::to_string(&all).unwrap_or_default()),
        constraint => constraint, message => message,
    }
}

/// How many entries of a repeat the typing page offers.
const REPEAT_ROWS: usize = 3;

/// What the rows of a form's questions are drawn from.
pub(crate) struct RowsOf<'a> {
    /// Values to show again (a refused paper entry), by input name.
    pub kept: &'a HashMap<String, Vec<String>>,
    /// The form's calculations (path, expression), written as hidden inputs the phone
    /// app computes; none on the paper entry page.
    pub calculations: &'a [(String, String)],
    /// Where the version's media files are (`/formulir/{id}/versi/{n}/media/`) and
    /// which are uploaded: the phone app shows them with the labels; none on paper.
    pub media: Option<(&'a str, &'a std::collections::BTreeSet<String>)>,
}

/// The uploaded media files a question's label shows, as the fill page embeds them.
fn media_ctx(of: &RowsOf<'_>, i: &Item) -> Vec<Ctx> {
    let Some((base, uploaded)) = of.media else {
        return Vec::new();
    };
    i.media
        .iter()
        .filter(|(_, name)| uploaded.contains(name))
        .map(|(kind, name)| {
            context! {
                kind => kind.as_str(),
                href => format!("{base}{}", super::submissions::path_part(name)),
            }
        })
        .collect()
}

/// The rows of `items` (inside `container`, `conds` holding around them), their inputs
/// named `a:{prefix}{path without strip}`.
pub(crate) fn rows(
    of: &RowsOf<'_>,
    items: &[Item],
    (prefix, strip, container): (&str, &str, &str),
    conds: &[String],
    out: &mut Vec<Ctx>,
) {
    let with = |own: &Option<String>| -> Vec<String> {
        let mut c = conds.to_vec();
        c.extend(own.clone());
        c
    };
    for i in items {
        let rel = i.path.strip_prefix(strip).unwrap_or(&i.path);
        let name = format!("{prefix}{rel}");
        match i.kind {
            Kind::Group => {
                let inner = with(&i.relevant);
                if !i.label.is_empty() {
                    out.push(context! { kind => "heading", label => i.label.as_str(), logic => logic(&inner, None, None, None) });
                }
                rows(of, &i.children, (prefix, strip, &i.path), &inner, out);
            }
            Kind::Repeat => {
                let inner = with(&i.relevant);
                out.push(context! { kind => "heading", label => i.label.as_str(), conditional => i.relevant.is_some(), logic => logic(&inner, None, None, None) });
                let strip_inner = format!("{}/", i.path);
                for e in 1..=REPEAT_ROWS {
                    out.push(context! { kind => "entry", number => e, logic => logic(&inner, None, None, None) });
                    rows(of, &i.children, (&format!("{name}[{e}]/"), &strip_inner, &i.path), &inner, out);
                }
            }
            Kind::Note => out.push(context! { kind => "note", label => i.label.as_str(), media => media_ctx(of, i), logic => logic(&with(&i.relevant), None, None, None) }),
            Kind::Upload => {}
            _ => {
                let row = field_ctx(i, &format!("a:{name}"), of.kept, conds);
                out.push(context! { media => media_ctx(of, i), ..row });
            }
        }
    }
    // The calculations that sit directly in this container.
    for (path, expr) in of.calculations {
        let parent = path.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        if parent == container {
            let rel = path.strip_prefix(strip).unwrap_or(path);
            out.push(context! { kind => "calculate", name => format!("a:{prefix}{rel}"), calculate => expr.as_str() });
        }
    }
}

async fn entry_page(
    st: &AppState,
    page: &Page,
    id: sinergi_core::form::FormId,
    status: StatusCode,
    problems: Vec<(String, String)>,
    kept: &[(String, String)],
) -> Response {
    let s = match st
        .app
        .paper_sheet(&page.authed.actor, id, None, None, None, page.lang.code())
        .await
    {
        Ok(s) => s,
        Err(e) => return page.error(e),
    };
    let agencies = match st.app.paper_agencies(&page.authed.actor).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in kept {
        map.entry(k.clone()).or_default().push(v.clone());
    }
    let mut out = Vec::new();
    let of = RowsOf {
        kept: &map,
        calculations: &[],
        media: None,
    };
    rows(&of, &s.questionnaire.items, ("", "", ""), &[], &mut out);
    let chosen = map.get("instansi").and_then(|v| v.first()).cloned().unwrap_or_default();
    let agencies: Vec<Ctx> = agencies
        .iter()
        .map(|a| context! { id => a.id.to_string(), name => a.name.as_str(), code => a.code.as_str(), chosen => chosen == a.id.to_string() })
        .collect();
    let zone = crate::ui::format::home_zone(page);
    let today = st.app.now().with_timezone(&zone.offset()).date_naive();
    render(
        status,
        "formulir_kertas.html",
        context! {
            form => context! {
                id => s.form.id.to_string(), title => s.form.title.as_str(),
                form_id => s.form.xml_id.as_str(), version => s.version.version.as_str(),
            },
            rows => out,
            agencies => agencies,
            answered_on => map.get("tanggal_kertas").and_then(|v| v.first()).cloned().unwrap_or_default(),
            // One identity per page shown, so that a form posted twice is kept once.
            instance_id => map
                .get("instance_id")
                .and_then(|v| v.first())
                .cloned()
                .unwrap_or_else(|| format!("uuid:{}", uuid::Uuid::new_v4())),
            today => today.to_string(),
            problems => problems,
            ..page_ctx(page, "forms")
        },
    )
}

/// `GET /formulir/{id}/kertas`: the page to type a paper form in.
pub(crate) async fn entry(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    entry_page(&st, &page, id, StatusCode::OK, Vec::new(), &[]).await
}

/// The answers of the typing page's fields: `a:path` (several for a select_multiple),
/// `a:path#lat`/`#lon` for a geopoint, `a:repeat[n]/path` within a repeat's entry n;
/// an empty field or entry is no answer.
pub(crate) fn answers_of(pairs: &[(String, String)]) -> Map<String, Value> {
    let mut flat: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut points: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (k, v) in pairs {
        let Some(name) = k.strip_prefix("a:") else { continue };
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        if let Some((path, part)) = name.rsplit_once('#') {
            let p = points.entry(path.to_string()).or_default();
            match part {
                "lat" => p.0 = v.to_string(),
                "lon" => p.1 = v.to_string(),
                _ => {}
            }
            continue;
        }
        flat.entry(name.to_string()).or_default().push(v.to_string());
    }
    for (path, (lat, lon)) in points {
        flat.entry(path).or_default().push(format!("{lat} {lon}").trim().to_string());
    }
    let mut out = Map::new();
    let mut entries: BTreeMap<String, BTreeMap<usize, Map<String, Value>>> = BTreeMap::new();
    for (name, values) in flat {
        let value = if values.len() == 1 {
            Value::String(values[0].clone())
        } else {
            Value::Array(values.into_iter().map(Value::String).collect())
        };
        let inside = name.split_once('[').and_then(|(rep, rest)| {
            let (n, rel) = rest.split_once("]/")?;
            Some((rep.to_string(), n.parse::<usize>().ok()?, rel.to_string()))
        });
        match inside {
            Some((rep, n, rel)) => {
                entries.entry(rep).or_default().entry(n).or_default().insert(rel, value);
            }
            None => {
                out.insert(name, value);
            }
        }
    }
    for (rep, list) in entries {
        out.insert(rep, Value::Array(list.into_values().map(Value::Object).collect()));
    }
    out
}

/// `POST /formulir/{id}/kertas`: keeps a typed-in paper form, then shows it.
pub(crate) async fn enter(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(id) = form_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let lang = page.lang;
    let (pairs, scan) = match form_with_file(&page, mp, "pindaian").await {
        FormUpload::Fields(f, file) => (f.0, file),
        FormUpload::Answer(r) => return r,
        FormUpload::Refused(lines) => {
            let p = lines.into_iter().map(|l| (tr(lang, k!("fm_paper_scan")), l)).collect();
            return entry_page(&st, &page, id, StatusCode::PAYLOAD_TOO_LARGE, p, &[]).await;
        }
    };
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let answered_on = match paper_date(get("tanggal_kertas")) {
        Ok(d) => d,
        Err(AppError::Validation(v)) => {
            let p = v
                .errors
                .iter()
                .map(|e| (tr(lang, k!("fm_paper_answered_on")), core_message(lang, &e.message)))
                .collect();
            return entry_page(&st, &page, id, UNPROCESSABLE, p, &pairs).await;
        }
        Err(e) => return page.error(e),
    };
    let agency_id = get("instansi").and_then(sinergi_core::ids::AgencyId::parse);
    let entry = PaperEntry {
        answers: answers_of(&pairs),
        answered_on,
        agency_id,
        scan,
        instance_id: get("instance_id").map(str::to_string).filter(|s| !s.is_empty()),
    };
    match st.app.enter_paper_submission(&page.authed.actor, id, entry).await {
        Ok((s, _)) => Redirect::to(&format!("/kiriman/{}", s.id)).into_response(),
        Err(AppError::Validation(v)) => {
            let p = v
                .errors
                .iter()
                .map(|e| {
                    let place = match e.field.as_str() {
                        "answered_on" => tr(lang, k!("fm_paper_answered_on")),
                        "agency" => tr(lang, k!("fm_paper_agency")),
                        "scan" => tr(lang, k!("fm_paper_scan")),
                        _ => tr(lang, k!("fm_answers")),
                    };
                    (place, core_message(lang, &e.message))
                })
                .collect();
            entry_page(&st, &page, id, UNPROCESSABLE, p, &pairs).await
        }
        Err(AppError::UnsupportedMediaType(m)) => {
            let p = vec![(tr(lang, k!("fm_paper_scan")), m)];
            entry_page(&st, &page, id, StatusCode::UNSUPPORTED_MEDIA_TYPE, p, &pairs).await
        }
        Err(AppError::PayloadTooLarge(_)) => {
            let p = vec![(tr(lang, k!("fm_paper_scan")), tr(lang, k!("file_too_large")))];
            entry_page(&st, &page, id, StatusCode::PAYLOAD_TOO_LARGE, p, &pairs).await
        }
        Err(AppError::Conflict(m)) => {
            let p = vec![(tr(lang, k!("fm_answers")), m)];
            entry_page(&st, &page, id, StatusCode::CONFLICT, p, &pairs).await
        }
        Err(e) => page.error(e),
    }
}
