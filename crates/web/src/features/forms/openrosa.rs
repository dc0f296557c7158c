//! OpenRosa 1.0 for ODK Collect (issue 12, ADR 33): a device linked to a user by the
//! secret in its server URL, `http(s)://HOST/openrosa/key/{secret}`, lists the newest
//! version of every form the user sees (`formList`) and downloads their XForms. Every
//! answer carries `X-OpenRosa-Version: 1.0`; the form list is `text/xml`, as Collect
//! requires; each form's `hash` is the MD5 of the exact bytes its `downloadUrl` serves.
//! A version whose XForm names media files has a `manifestUrl` (ADR 40): its manifest
//! lists the files uploaded, each with the MD5 of the bytes its `downloadUrl` serves.
//! Unknown query parameters (Collect's `deviceID`) and the `Date` header are ignored.
//! The access log names the route template, never the secret.

use axum::extract::{OriginalUri, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use md5::{Digest, Md5};
use sinergi_app::AppError;
use sinergi_core::access::Actor;
use sinergi_core::patrol::gpx::escape_into;

use super::api::version_ref;
use crate::AppState;

const NS_FORM_LIST: &str = "http://openrosa.org/xforms/xformsList";
const NS_RESPONSE: &str = "http://openrosa.org/http/response";
const NS_MANIFEST: &str = "http://openrosa.org/xforms/xformsManifest";

/// Text as XML character data (the escaping the GPX writer uses).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// An OpenRosa answer: the body as `text/xml` with `X-OpenRosa-Version: 1.0`.
fn openrosa(status: StatusCode, body: String) -> Response {
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    h.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
    r
}

/// An `<OpenRosaResponse>` with one message, as Collect shows it.
pub(crate) fn message(status: StatusCode, text: &str) -> Response {
    let nature = if status.is_success() { "" } else { " nature=\"error\"" };
    openrosa(
        status,
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenRosaResponse xmlns=\"{NS_RESPONSE}\"><message{nature}>{}</message></OpenRosaResponse>\n",
            escape(text)
        ),
    )
}

/// The answer to an error: a revoked or unknown device link is 403 (the URL itself is
/// the credential, so asking for a password would not help), a form not seen 404.
fn failure(e: AppError) -> Response {
    match e {
        AppError::Unauthenticated => message(
            StatusCode::FORBIDDEN,
            "This device link is not valid (revoked or mistyped). Link the device again in Sinergi.",
        ),
        AppError::NotFound => message(StatusCode::NOT_FOUND, "No such form."),
        e => {
            tracing::error!(error = %e, "openrosa request failed");
            message(StatusCode::INTERNAL_SERVER_ERROR, "Sinergi could not answer; try again.")
        }
    }
}

/// The text of the QR code ODK Collect scans to configure a project: its settings as
/// JSON (the server URL, forms kept as the server has them, finished forms sent on any
/// network), zlib-compressed and base64-encoded, as Collect reads it.
pub(crate) fn collect_settings(server_url: &str, project: &str) -> String {
    use base64::Engine as _;
    use std::io::Write as _;
    let json = serde_json::json!({
        "general": {
            "server_url": server_url,
            "form_update_mode": "match_exactly",
            "autosend": "wifi_and_cellular",
        },
        "admin": {},
        "project": {"name": project, "icon": "S", "color": "#1b5e4a"},
    });
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = z.write_all(json.to_string().as_bytes());
    let bytes = z.finish().unwrap_or_default();
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// `GET /openrosa/key/{token}/formList`.
pub(crate) async fn form_list(
    State(st): State<AppState>,
    Path(token): Path<String>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    let actor = match st.app.actor_for_form_device(&token).await {
        Ok(a) => a,
        Err(e) => return failure(e),
    };
    let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
    form_list_for(&st, &actor, &format!("{origin}/openrosa/key/{}", escape(&token))).await
}

/// The form list for `actor`, its download URLs under `base` (the server URL Collect
/// was given).
async fn form_list_for(st: &AppState, actor: &Actor, base: &str) -> Response {
    let forms = match st.app.current_form_versions(actor).await {
        Ok(f) => f,
        Err(e) => return failure(e),
    };
    let mut x = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"{NS_FORM_LIST}\">\n");
    for (f, v) in &forms {
        let hash = hex::encode(Md5::digest(v.xml.as_bytes()));
        let at = format!("{base}/forms/{}/{}", f.id, v.number);
        let manifest = if sinergi_core::form::media::references(&v.xml).is_empty() {
            String::new()
        } else {
            format!("    <manifestUrl>{at}/manifest</manifestUrl>\n")
        };
        x.push_str(&format!(
            "  <xform>\n    <formID>{}</formID>\n    <name>{}</name>\n    <version>{}</version>\n    <hash>md5:{hash}</hash>\n    <downloadUrl>{at}/form.xml</downloadUrl>\n{manifest}  </xform>\n",
            escape(&f.xml_id),
            escape(&v.title),
            escape(&v.version),
        ));
    }
    x.push_str("</xforms>\n");
    openrosa(StatusCode::OK, x)
}

/// `GET /openrosa/key/{token}/forms/{id}/{number}/form.xml`: the exact bytes the form
/// list's hash was computed over.
pub(crate) async fn download(
    State(st): State<AppState>,
    Path((token, id, number)): Path<(String, String, String)>,
) -> Response {
    match st.app.actor_for_form_device(&token).await {
        Ok(a) => download_for(&st, &a, &id, &number).await,
        Err(e) => failure(e),
    }
}

async fn download_for(st: &AppState, actor: &Actor, id: &str, number: &str) -> Response {
    let Some((id, number)) = version_ref(id, number) else {
        return failure(AppError::NotFound);
    };
    match st.app.form_version(actor, id, number).await {
        Ok(v) => openrosa(StatusCode::OK, v.xml),
        Err(e) => failure(e),
    }
}

/// `GET /openrosa/key/{token}/forms/{id}/{number}/manifest`: the media files of a
/// version, as ODK Collect fetches them after the form.
pub(crate) async fn manifest(
    State(st): State<AppState>,
    Path((token, id, number)): Path<(String, String, String)>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    match st.app.actor_for_form_device(&token).await {
        Ok(a) => {
            let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
            let base = format!("{origin}/openrosa/key/{}", escape(&token));
            manifest_for(&st, &a, &id, &number, &base).await
        }
        Err(e) => failure(e),
    }
}

/// The manifest of a version: every file uploaded, its name, `md5:` hash and the URL
/// (under `base`) that serves exactly those bytes. A named file not uploaded yet is left
/// out, so that Collect never fails on a download.
async fn manifest_for(st: &AppState, actor: &Actor, id: &str, number: &str, base: &str) -> Response {
    let Some((id, number)) = version_ref(id, number) else {
        return failure(AppError::NotFound);
    };
    let v = match st.app.version_media(actor, id, number).await {
        Ok(v) => v,
        Err(e) => return failure(e),
    };
    let mut x = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"{NS_MANIFEST}\">\n");
    for m in v.uploaded() {
        x.push_str(&format!(
            "  <mediaFile>\n    <filename>{}</filename>\n    <hash>md5:{}</hash>\n    <downloadUrl>{base}/forms/{id}/{number}/media/{}</downloadUrl>\n  </mediaFile>\n",
            escape(&m.name),
            m.md5,
            escape(&super::submissions::path_part(&m.name)),
        ));
    }
    x.push_str("</manifest>\n");
    openrosa(StatusCode::OK, x)
}

/// `GET /openrosa/key/{token}/forms/{id}/{number}/media/{name}`: one media file.
pub(crate) async fn media_file(
    State(st): State<AppState>,
    Path((token, id, number, name)): Path<(String, String, String, String)>,
) -> Response {
    match st.app.actor_for_form_device(&token).await {
        Ok(a) => media_for(&st, &a, &id, &number, &name).await,
        Err(e) => failure(e),
    }
}

async fn media_for(st: &AppState, actor: &Actor, id: &str, number: &str, name: &str) -> Response {
    let Some((id, number)) = version_ref(id, number) else {
        return failure(AppError::NotFound);
    };
    match st.app.form_media_file(actor, id, number, name).await {
        Ok((m, bytes)) => {
            let mut r = crate::api_common::file_response(bytes, &m.content_type, &m.name, "attachment");
            r.headers_mut()
                .insert("x-openrosa-version", HeaderValue::from_static("1.0"));
            r
        }
        Err(e) => failure(e),
    }
}

/// The largest submission post ODK Collect is told to send (it splits larger ones).
fn accepted_length(st: &AppState) -> usize {
    st.app
        .config
        .max_attachment_bytes
        .saturating_mul(crate::ui::PHOTO_FORM_BUDGET)
        .saturating_sub(sinergi_core::submission::MAX_XML)
        .max(1024 * 1024)
}

/// `HEAD /openrosa/key/{token}/submission`: 204 with the largest post accepted, which
/// ODK Collect asks before sending.
pub(crate) async fn submission_head(
    State(st): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    if let Err(e) = st.app.actor_for_form_device(&token).await {
        return failure(e);
    }
    head_answer(&st)
}

fn head_answer(st: &AppState) -> Response {
    let mut r = openrosa(StatusCode::NO_CONTENT, String::new());
    if let Ok(v) = HeaderValue::from_str(&accepted_length(st).to_string()) {
        r.headers_mut().insert("x-openrosa-accept-content-length", v);
    }
    r
}

/// The answer to a submission refused or failed, as Collect shows it.
fn submission_failure(e: AppError) -> Response {
    match e {
        AppError::Validation(errs) | AppError::Malformed(errs) => {
            let text = errs
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            message(StatusCode::BAD_REQUEST, &text)
        }
        AppError::Conflict(text) => message(StatusCode::CONFLICT, &text),
        AppError::Forbidden(text) => message(StatusCode::FORBIDDEN, &text),
        AppError::PayloadTooLarge(text) => message(StatusCode::PAYLOAD_TOO_LARGE, &text),
        AppError::UnsupportedMediaType(text) => {
            message(StatusCode::UNSUPPORTED_MEDIA_TYPE, &text)
        }
        e => failure(e),
    }
}

/// `POST /openrosa/key/{token}/submission`: a multipart post with the instance
/// (`xml_submission_file`) and files, one part each named by its file name; a split
/// upload sends the same instance with the next files (and `*isIncomplete*` = `yes` on
/// all but the last). 201 for a new submission, an edit, or files added to one.
pub(crate) async fn submission_post(
    State(st): State<AppState>,
    Path(token): Path<String>,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    match st.app.actor_for_form_device(&token).await {
        Ok(a) => submission_for(&st, &a, mp).await,
        Err(e) => failure(e),
    }
}

async fn submission_for(
    st: &AppState,
    actor: &Actor,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Ok(mut mp) = mp else {
        return message(
            StatusCode::BAD_REQUEST,
            "A submission is a multipart/form-data post with a part xml_submission_file.",
        );
    };
    let mut xml: Option<String> = None;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().map(str::to_string);
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) => return message(e.status(), &e.body_text()),
                };
                if name == "xml_submission_file" {
                    match String::from_utf8(bytes.to_vec()) {
                        Ok(s) => xml = Some(s),
                        Err(_) => {
                            return message(
                                StatusCode::BAD_REQUEST,
                                "xml_submission_file: the instance is not UTF-8 text",
                            )
                        }
                    }
                } else if name != "*isIncomplete*" && name != "deviceID" {
                    files.push((file_name.filter(|f| !f.is_empty()).unwrap_or(name), bytes.to_vec()));
                }
            }
            Ok(None) => break,
            Err(e) => return message(e.status(), &e.body_text()),
        }
    }
    let Some(xml) = xml else {
        return message(
            StatusCode::BAD_REQUEST,
            "xml_submission_file: a part with the instance is required",
        );
    };
    match st.app.receive_submission(actor, &xml, &files).await {
        Ok((_, received)) => {
            let text = match received {
                sinergi_app::submissions::Received::Created => "Submission received. Terima kasih.",
                sinergi_app::submissions::Received::Edited => "Edit received. Terima kasih.",
                sinergi_app::submissions::Received::Resumed => "Files received. Terima kasih.",
            };
            openrosa(
                StatusCode::CREATED,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<OpenRosaResponse xmlns=\"{NS_RESPONSE}\"><message nature=\"submit-success\">{}</message></OpenRosaResponse>\n",
                    escape(text)
                ),
            )
        }
        Err(e) => submission_failure(e),
    }
}

// ---- the same with a user name and password (Basic over https, Digest over http) ----------

const REALM: &str = "Basic realm=\"Sinergi\", charset=\"UTF-8\"";

/// The user a request's credentials sign in as. ODK Collect sends credentials only after
/// a 401 asking for them: over https that asks for HTTP Basic, over plain http for HTTP
/// Digest (RFC 7616, MD5, `qop=auth`), where only a response computed from the password
/// and the server's nonce crosses the network (ADR 34). Basic credentials sent over http
/// are not read. Digest is accepted over https too. Each check counts like a sign-in (the
/// same rate limits, lock-out and audited failures); no session is made.
async fn basic_actor(
    st: &AppState,
    from: Option<std::net::IpAddr>,
    method: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Result<Actor, Response> {
    use base64::Engine as _;
    use sinergi_core::digest;
    let origin = crate::features::ogc::api::origin(st, uri, headers);
    let https = origin.starts_with("https://");
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let key = st.app.digest_key().map_err(failure)?;
    let now = st.app.now().timestamp();
    let ask = |stale: bool| {
        let mut r = message(StatusCode::UNAUTHORIZED, "Sign in with your Sinergi user name and password.");
        let value = if https {
            HeaderValue::from_static(REALM)
        } else {
            HeaderValue::from_str(&digest::challenge(&digest::nonce(&key, now), stale))
                .unwrap_or_else(|_| HeaderValue::from_static("Digest"))
        };
        r.headers_mut().insert(header::WWW_AUTHENTICATE, value);
        r
    };
    let checked = if let Some(c) = given.and_then(digest::parse) {
        match digest::check_nonce(&key, &c.nonce, now) {
            digest::NonceState::Fresh => {}
            digest::NonceState::Stale => return Err(ask(true)),
            digest::NonceState::Forged => return Err(ask(false)),
        }
        // The credentials answer for this request: its path (and query) as sent.
        let target = uri.path_and_query().map(|p| p.as_str()).unwrap_or(uri.path());
        if c.uri != target && c.uri != uri.path() {
            return Err(ask(false));
        }
        st.app.actor_for_digest(from, &c, method).await
    } else {
        let basic = given
            .filter(|_| https)
            .and_then(|v| v.strip_prefix("Basic ").or_else(|| v.strip_prefix("basic ")))
            .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b.trim()).ok())
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| t.split_once(':').map(|(u, p)| (u.to_string(), p.to_string())));
        let Some((user, password)) = basic else {
            return Err(ask(false));
        };
        st.app.actor_for_password(from, &user, &password).await
    };
    match checked {
        Ok(a) => Ok(a),
        Err(AppError::Unauthenticated) => Err(ask(false)),
        Err(AppError::TooManyRequests { retry_after_s }) => {
            let mut r = message(StatusCode::TOO_MANY_REQUESTS, "Too many failed sign-ins; try again later.");
            if let Ok(v) = HeaderValue::from_str(&retry_after_s.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Err(r)
        }
        Err(AppError::Forbidden(text)) => Err(message(StatusCode::FORBIDDEN, &text)),
        Err(e) => Err(failure(e)),
    }
}

/// `GET /openrosa/formList` with a user name and password.
pub(crate) async fn basic_form_list(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    match basic_actor(&st, from, "GET", &uri, &headers).await {
        Ok(a) => {
            let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
            form_list_for(&st, &a, &format!("{origin}/openrosa")).await
        }
        Err(r) => r,
    }
}

/// `GET /openrosa/forms/{id}/{number}/form.xml` with a user name and password.
pub(crate) async fn basic_download(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    match basic_actor(&st, from, "GET", &uri, &headers).await {
        Ok(a) => download_for(&st, &a, &id, &number).await,
        Err(r) => r,
    }
}

/// `GET /openrosa/forms/{id}/{number}/manifest` with a user name and password.
pub(crate) async fn basic_manifest(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path((id, number)): Path<(String, String)>,
) -> Response {
    match basic_actor(&st, from, "GET", &uri, &headers).await {
        Ok(a) => {
            let origin = crate::features::ogc::api::origin(&st, &uri, &headers);
            manifest_for(&st, &a, &id, &number, &format!("{origin}/openrosa")).await
        }
        Err(r) => r,
    }
}

/// `GET /openrosa/forms/{id}/{number}/media/{name}` with a user name and password.
pub(crate) async fn basic_media_file(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Path((id, number, name)): Path<(String, String, String)>,
) -> Response {
    match basic_actor(&st, from, "GET", &uri, &headers).await {
        Ok(a) => media_for(&st, &a, &id, &number, &name).await,
        Err(r) => r,
    }
}

/// `HEAD /openrosa/submission` with a user name and password.
pub(crate) async fn basic_submission_head(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
) -> Response {
    match basic_actor(&st, from, "HEAD", &uri, &headers).await {
        Ok(_) => head_answer(&st),
        Err(r) => r,
    }
}

/// `POST /openrosa/submission` with a user name and password.
pub(crate) async fn basic_submission_post(
    State(st): State<AppState>,
    crate::auth::ClientAddr(from): crate::auth::ClientAddr,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    mp: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    match basic_actor(&st, from, "POST", &uri, &headers).await {
        Ok(a) => submission_for(&st, &a, mp).await,
        Err(r) => r,
    }
}
