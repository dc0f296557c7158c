//! A form's submissions exported beyond the CSV (ADR 38), each streamed in keyset pages
//! of 500 so memory stays flat whatever their number, and each acting on the
//! submissions the caller sees with the table's filters:
//! - GeoJSON (`submissions.geojson`): a Feature per submission at its first geopoint
//!   (no geometry when it has none), the fixed fields and every answer as properties;
//! - the ODK-style zip (`submissions.zip`): ODK Central's tables, the main one and one per
//!   repeat with `PARENT_KEY`/`KEY` (`sinergi_app::odk_export`);
//! - XLSX (`submissions.xlsx`): the CSV's columns on one sheet, written row by row to
//!   temporary files in the writer's constant-memory mode, then zipped into an
//!   anonymous temporary file that is streamed (an XLSX cannot be sent before it is
//!   finished; ADR 38).

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use futures_util::{stream, StreamExt};
use serde_json::{json, Map, Value};
use sinergi_app::odk_export::OdkExport;
use sinergi_app::submissions::SubmissionFilter;
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::form::FormId;
use sinergi_core::submission::Submission;
use utoipa_axum::routes;

use super::api::form_id;
use super::submissions::{filter_of, Names, SubmissionParams};
use crate::api_common::{query_error, route, ApiRoute};
use crate::auth::Authed;
use crate::openapi::{P401, P404, P422};
use crate::problem::ApiResult;
use crate::AppState;

pub(crate) fn routes() -> Vec<ApiRoute> {
    vec![
        route(routes!(export_geojson)),
        route(routes!(export_zip)),
        route(routes!(export_xlsx)),
    ]
}

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    GeoJson,
    OdkZip,
    Xlsx,
}

/// The content type of an XLSX workbook.
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A form's submissions the actor sees as one XLSX sheet: written page by page, then
/// streamed from a temporary file.
async fn xlsx_response(
    st: &AppState,
    actor: &Actor,
    form: FormId,
    mut f: SubmissionFilter,
) -> ApiResult<Response> {
    f.skip_total = false;
    let first = st.app.submissions(actor, form, &f).await?;
    if first.total > sinergi_app::submissions::XLSX_MAX_ROWS {
        return Err(sinergi_app::submissions::too_many_for_xlsx().into());
    }
    let columns = st.app.submission_columns(&first.form).await?;
    let xml_id = first.form.xml_id.clone();
    let mut book = sinergi_app::submissions::SubmissionsXlsx::new(&xml_id, &columns)?;
    let mut names = Names::new(st).await?;
    let mut page = first;
    loop {
        for s in &page.submissions {
            let user = names.user(st, s.submitted_by).await?;
            let agency = names.agencies.get(&s.agency_id).cloned().unwrap_or_default();
            book.push(s, &user, &agency, &columns)?;
        }
        match page.submissions.last() {
            Some(last) if page.submissions.len() as i64 == f.limit => {
                f.after = Some((last.received_at, last.id));
                f.skip_total = true;
                page = st.app.submissions(actor, form, &f).await?;
            }
            _ => break,
        }
    }
    let io = |e: std::io::Error| AppError::Internal(Box::new(e));
    let file = tempfile::tempfile().map_err(io)?;
    let out = file.try_clone().map_err(io)?;
    tokio::task::spawn_blocking(move || book.finish(out))
        .await
        .map_err(|e| AppError::Internal(Box::new(e)))??;
    let mut file = tokio::fs::File::from_std(file);
    tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::Start(0))
        .await
        .map_err(io)?;
    let body = tokio_util::io::ReaderStream::new(file).fuse();
    Ok(attachment(
        Response::new(Body::from_stream(body)),
        XLSX,
        &format!("{xml_id}.xlsx"),
    ))
}

fn failed() -> std::io::Error {
    std::io::Error::other("export failed")
}

fn attachment(mut resp: Response, content_type: &'static str, file: &str) -> Response {
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.replace('"', ""))) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// A submission as a GeoJSON Feature.
fn feature(s: &Submission, user: &str, agency: &str, columns: &[String]) -> Value {
    let mut props = Map::new();
    props.insert("instance_id".into(), json!(s.root_instance_id));
    props.insert("received_at".into(), json!(s.received_at.to_rfc3339()));
    props.insert("answered_at".into(), json!(s.answered_at.to_rfc3339()));
    props.insert("submitted_by".into(), json!(user));
    props.insert("agency".into(), json!(agency));
    props.insert("version".into(), json!(s.version_number));
    props.insert("source".into(), json!(s.source.as_str()));
    props.insert("review_state".into(), json!(s.review_state.as_str()));
    props.insert("edits".into(), json!(s.edits));
    let data = s.data.as_object();
    for c in columns {
        props.insert(
            c.clone(),
            data.and_then(|d| d.get(c)).cloned().unwrap_or(Value::Null),
        );
    }
    // Repeats as lists of their entries.
    if let Some(d) = data {
        for (k, v) in d {
            if v.is_array() && !props.contains_key(k) {
                props.insert(k.clone(), v.clone());
            }
        }
    }
    json!({
        "type": "Feature",
        "id": s.id.to_string(),
        "geometry": s.lon.zip(s.lat).map(|(lon, lat)| json!({"type": "Point", "coordinates": [lon, lat]})),
        "properties": props,
    })
}

/// Bytes written by the zip writer, taken out page by page.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| failed())?.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn take(&self) -> Bytes {
        self.0
            .lock()
            .map(|mut v| Bytes::from(std::mem::take(&mut *v)))
            .unwrap_or_default()
    }
}

type Zip = zip::ZipWriter<zip::write::StreamWriter<Shared>>;

/// Where the export stands between two pages.
struct Cursor {
    filter: SubmissionFilter,
    /// The table being written (the zip's file), for the ODK zip.
    table: usize,
    /// Whether the next page starts a table.
    starting: bool,
    first: bool,
    done: bool,
    zip: Option<Zip>,
    buf: Shared,
    names: Names,
}

/// A form's submissions the actor sees, exported in `format` and streamed.
pub(crate) async fn export_response(
    st: &AppState,
    actor: &Actor,
    form: FormId,
    mut f: SubmissionFilter,
    format: Format,
) -> ApiResult<Response> {
    f.oldest_first = true;
    f.limit = 500;
    f.offset = 0;
    f.after = None;
    if format == Format::Xlsx {
        return xlsx_response(st, actor, form, f).await;
    }
    // The first page answers errors (a form not seen) before the download starts.
    let first = st.app.submissions(actor, form, &f).await?;
    let columns = st.app.submission_columns(&first.form).await?;
    let odk = Arc::new(st.app.odk_export(&first.form).await?);
    let xml_id = first.form.xml_id.clone();
    let buf = Shared::default();
    let zip = (format == Format::OdkZip).then(|| zip::ZipWriter::new_stream(buf.clone()));
    let cursor = Cursor {
        filter: f,
        table: 0,
        starting: true,
        first: true,
        done: false,
        zip,
        buf,
        names: Names::new(st).await?,
    };
    let st = st.clone();
    let actor = actor.clone();
    let body = stream::unfold(cursor, move |mut c| {
        let st = st.clone();
        let actor = actor.clone();
        let columns = columns.clone();
        let odk = odk.clone();
        async move {
            if c.done {
                return None;
            }
            match step(&st, &actor, form, &mut c, format, &columns, &odk).await {
                Ok(bytes) => Some((Ok(bytes), c)),
                Err(e) => {
                    tracing::error!(error = %e, "export failed mid-stream");
                    c.done = true;
                    Some((Err(failed()), c))
                }
            }
        }
    });
    // Fused: the compression layer polls once more after the end.
    let resp = Response::new(Body::from_stream(body.fuse()));
    Ok(match format {
        Format::GeoJson => attachment(resp, "application/geo+json", &format!("{xml_id}.geojson")),
        Format::OdkZip => attachment(resp, "application/zip", &format!("{xml_id}.csv.zip")),
        Format::Xlsx => attachment(resp, XLSX, &format!("{xml_id}.xlsx")),
    })
}

/// One page of the export: its bytes.
async fn step(
    st: &AppState,
    actor: &Actor,
    form: FormId,
    c: &mut Cursor,
    format: Format,
    columns: &[String],
    odk: &OdkExport,
) -> Result<Bytes, AppError> {
    let page = st.app.submissions(actor, form, &c.filter).await?;
    let full = page.submissions.len() as i64 == c.filter.limit;
    match format {
        Format::Xlsx => Err(AppError::Internal(
            "an XLSX is written whole by xlsx_response, not page by page".into(),
        )),
        Format::GeoJson => {
            let mut out = String::new();
            if c.first {
                out.push_str("{\"type\":\"FeatureCollection\",\"features\":[\n");
            }
            for s in &page.submissions {
                let user = c.names.user(st, s.submitted_by).await.map_err(|e| e.0)?;
                let agency = c.names.agencies.get(&s.agency_id).cloned().unwrap_or_default();
                if !c.first {
                    out.push_str(",\n");
                }
                c.first = false;
                out.push_str(&feature(s, &user, &agency, columns).to_string());
            }
            match page.submissions.last() {
                Some(last) if full => {
                    c.filter.after = Some((last.received_at, last.id));
                    c.filter.skip_total = true;
                }
                _ => {
                    out.push_str("\n]}\n");
                    c.done = true;
                }
            }
            Ok(Bytes::from(out))
        }
        Format::OdkZip => {
            let Some(table) = odk.tables.get(c.table) else {
                c.done = true;
                return Ok(Bytes::new());
            };
            let zip = c.zip.as_mut().ok_or_else(|| AppError::Internal("no zip writer".into()))?;
            let io = |e: std::io::Error| AppError::Internal(Box::new(e));
            if c.starting {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated);
                zip.start_file(table.file.as_str(), options)
                    .map_err(|e| AppError::Internal(Box::new(e)))?;
                zip.write_all(odk.header(table).as_bytes()).map_err(io)?;
                c.starting = false;
            }
            let mut out = String::new();
            let present = if table.repeat.is_none() {
                st.app.submission_files_present(&page.submissions).await?
            } else {
                Default::default()
            };
            for s in &page.submissions {
                if table.repeat.is_none() {
                    let user = c.names.user(st, s.submitted_by).await.map_err(|e| e.0)?;
                    let got = present.get(&s.id).copied().unwrap_or(0);
                    odk.main_row(&mut out, s, &user, (got, odk.expected_files(s)));
                } else {
                    odk.repeat_rows(&mut out, table, s);
                }
            }
            zip.write_all(out.as_bytes()).map_err(io)?;
            match page.submissions.last() {
                Some(last) if full => {
                    c.filter.after = Some((last.received_at, last.id));
                    c.filter.skip_total = true;
                }
                _ => {
                    // The next table starts from the first submission again.
                    c.table += 1;
                    c.starting = true;
                    c.filter.after = None;
                    if c.table == odk.tables.len() {
                        if let Some(z) = c.zip.take() {
                            z.finish().map_err(|e| AppError::Internal(Box::new(e)))?;
                        }
                        c.done = true;
                    }
                }
            }
            Ok(c.buf.take())
        }
    }
}

/// An export asked through the API: the table's filters from the query.
async fn export_api(
    st: &AppState,
    a: &Authed,
    id: &str,
    q: Result<Query<SubmissionParams>, QueryRejection>,
    format: Format,
) -> ApiResult<Response> {
    let q = q.map(|Query(q)| q).map_err(query_error)?;
    export_response(st, &a.actor, form_id(id)?, filter_of(&q)?, format).await
}

#[utoipa::path(get, path = "/forms/{id}/submissions.geojson", tag = "forms",
    summary = "A form's submissions you see as GeoJSON, streamed: a Feature per submission at its first geopoint (none without one), its fixed fields and answers as properties; the same filters as the table",
    params(("id" = String, Path, description = "The form's UUID"), SubmissionParams),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = String, content_type = "application/geo+json"),
        (status = 401, response = P401), (status = 404, response = P404), (status = 422, response = P422)))]
async fn export_geojson(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SubmissionParams>, QueryRejection>,
) -> ApiResult<Response> {
    export_api(&st, &a, &id, q, Format::GeoJson).await
}

#[utoipa::path(get, path = "/forms/{id}/submissions.zip", tag = "forms",
    summary = "A form's submissions you see as ODK Central's csv.zip, streamed: the main table and one per repeat (PARENT_KEY, KEY), so scripts written for ODK Central keep working; the same filters as the table",
    params(("id" = String, Path, description = "The form's UUID"), SubmissionParams),
    responses((status = 200, description = "The zip", content_type = "application/zip", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404), (status = 422, response = P422)))]
async fn export_zip(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SubmissionParams>, QueryRejection>,
) -> ApiResult<Response> {
    export_api(&st, &a, &id, q, Format::OdkZip).await
}

#[utoipa::path(get, path = "/forms/{id}/submissions.xlsx", tag = "forms",
    summary = "A form's submissions you see as one XLSX sheet with the CSV's columns (answers as text, nothing as a formula); the same filters as the table; more than 1,048,575 submissions are refused (422, field `format`): take the CSV or the zip",
    params(("id" = String, Path, description = "The form's UUID"), SubmissionParams),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = [u8]),
        (status = 401, response = P401), (status = 404, response = P404), (status = 422, response = P422)))]
async fn export_xlsx(
    State(st): State<AppState>,
    a: Authed,
    Path(id): Path<String>,
    q: Result<Query<SubmissionParams>, QueryRejection>,
) -> ApiResult<Response> {
    export_api(&st, &a, &id, q, Format::Xlsx).await
}

/// `GET /formulir/{id}/kiriman.geojson`, `…/kiriman.zip` and `…/kiriman.xlsx`: the
/// table's exports.
pub(crate) async fn page_export(
    st: &AppState,
    page: &crate::ui::Page,
    id: &str,
    filter: Result<SubmissionFilter, AppError>,
    format: Format,
) -> Response {
    let Ok(id) = form_id(id) else {
        return page.error(AppError::NotFound);
    };
    let filter = match filter {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    match export_response(st, &page.authed.actor, id, filter, format).await {
        Ok(r) => r.into_response(),
        Err(e) => page.error(e.0),
    }
}
