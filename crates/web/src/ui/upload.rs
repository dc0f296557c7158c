//! A page's file upload: a multipart form with its CSRF token first, then one file.

use axum::extract::multipart::MultipartRejection;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;

use crate::i18n::{k, tr};
use crate::ui::render::csrf_page;
use crate::ui::{bad_form, Page};

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
    let Ok(mut mp) = mp else {
        return Upload::Answer(bad_form(page));
    };
    let lang = page.lang;
    let too_large = || Upload::Refused(vec![tr(lang, k!("file_too_large"))]);
    let mut csrf: Option<String> = None;
    let mut file: Option<Vec<u8>> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    if !page.csrf_ok(csrf.as_deref()) {
                        return Upload::Answer(csrf_page(page));
                    }
                    match field.bytes().await {
                        Ok(b) => file = Some(b.to_vec()),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return too_large()
                        }
                        Err(_) => return Upload::Answer(bad_form(page)),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return too_large(),
            Err(_) => return Upload::Answer(bad_form(page)),
        }
    }
    if !page.csrf_ok(csrf.as_deref()) {
        return Upload::Answer(csrf_page(page));
    }
    match file.filter(|b| !b.is_empty()) {
        Some(b) => Upload::File(b),
        None => Upload::Refused(vec![tr(lang, k!("no_file"))]),
    }
}
