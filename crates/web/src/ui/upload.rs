//! A page's file upload: a multipart form with its CSRF token first, then one file.

use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;

use crate::i18n::{k, tr};
use crate::ui::render::csrf_page;
use crate::ui::{bad_form, FormData, Page};

/// What a form with one file brought.
pub(crate) enum Upload {
    File(Vec<u8>),
    /// The answer to send as it is (a bad form, a failed CSRF check).
    Answer(Response),
    /// Refused, with what to tell the user.
    Refused(Vec<String>),
}

/// The file (part `file`) of a multipart form whose `_csrf` part comes first: the CSRF
/// token is checked before the file is read.
pub(crate) async fn form_file(page: &Page, mp: Result<Multipart, MultipartRejection>) -> Upload {
    match form_with_file(page, mp, "file").await {
        FormUpload::Fields(_, Some((_, bytes))) => Upload::File(bytes),
        FormUpload::Fields(_, None) => Upload::Refused(vec![tr(page.lang, k!("no_file"))]),
        FormUpload::Answer(r) => Upload::Answer(r),
        FormUpload::Refused(lines) => Upload::Refused(lines),
    }
}

/// What a form of fields with an optional file brought.
pub(crate) enum FormUpload {
    /// The fields, and the file's name and bytes when one was chosen.
    Fields(FormData, Option<(String, Vec<u8>)>),
    /// The answer to send as it is (a bad form, a failed CSRF check).
    Answer(Response),
    /// Refused, with what to tell the user.
    Refused(Vec<String>),
}

/// The text fields and the file (part `file_part`, optional) of a multipart form whose
/// `_csrf` part comes first: the CSRF token is checked before the file is read.
pub(crate) async fn form_with_file(
    page: &Page,
    mp: Result<Multipart, MultipartRejection>,
    file_part: &str,
) -> FormUpload {
    let Ok(mut mp) = mp else {
        return FormUpload::Answer(bad_form(page));
    };
    let lang = page.lang;
    let too_large = || FormUpload::Refused(vec![tr(lang, k!("file_too_large"))]);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or("").to_string();
                let file_name = field.file_name().unwrap_or("").to_string();
                if name == file_part {
                    let csrf = pairs
                        .iter()
                        .find(|(k, _)| k == "_csrf")
                        .map(|(_, v)| v.as_str());
                    if !page.csrf_ok(csrf) {
                        return FormUpload::Answer(csrf_page(page));
                    }
                    match field.bytes().await {
                        Ok(b) if !b.is_empty() => file = Some((file_name, b.to_vec())),
                        Ok(_) => {}
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return too_large()
                        }
                        Err(_) => return FormUpload::Answer(bad_form(page)),
                    }
                } else {
                    match field.text().await {
                        Ok(v) => pairs.push((name, v)),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return too_large()
                        }
                        Err(_) => return FormUpload::Answer(bad_form(page)),
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
            Err(_) => return FormUpload::Answer(bad_form(page)),
        }
    }
    let f = FormData(pairs);
    if !page.csrf_ok(f.get("_csrf")) {
        return FormUpload::Answer(csrf_page(page));
    }
    FormUpload::Fields(f, file)
}
