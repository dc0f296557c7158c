//! Letter pages (`/surat`): the inbox and the outbox; a form to write a letter to other
//! agencies (with copies); one letter's page with its number, text, files and each
//! recipient's delivery and read receipt, the send button of a draft and a file upload;
//! the printable letter; a form to register a letter that came from outside; the
//! agency's numbering format.
//!
//! The app decides who sees and writes what; every POST checks `_csrf` first.

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::ids::{DispositionId, LetterId};
use sinergi_core::input::Body as _;
use sinergi_core::letter::body::{
    DispositionPatchBody, ForwardLetterBody, LetterFormatBody, NewDispositionBody, NewLetterBody,
    RegisterLetterBody,
};
use sinergi_core::letter::{LetterStatus, Nature};
use sinergi_core::permission::Action;
use sinergi_core::ValidationErrors;

use super::api::{agencies, disposition_view, letter_view};
use super::pdf::{letter_pdf, long_date, nature_label};
use super::types::LetterView;
use crate::api_common::file_response;
use crate::i18n::{core_message, field_or_other, k, tr, Lang};
use crate::ui::format::home_zone;
use crate::ui::render::{page_ctx, render};
use crate::ui::upload::{form_file, Upload};
use crate::ui::{show_time, FormData, Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/surat", get(list)),
        ("/surat/baru", get(new_form).post(create)),
        ("/surat/masuk-luar", get(register_form).post(register)),
        ("/surat/format", get(format_form).post(set_format)),
        ("/surat/{id}", get(detail)),
        ("/surat/{id}/kirim", post(send)),
        ("/surat/{id}/teruskan", post(forward)),
        ("/surat/{id}/berkas", post(upload)),
        ("/surat/{id}/surat.pdf", get(pdf)),
        ("/surat/{id}/disposisi", post(dispose)),
        ("/surat/disposisi/{id}/selesai", post(finish_disposition)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/surat/")?;
    let id = rest.split('/').next()?;
    (rest.contains('/')).then(|| format!("/surat/{id}"))
}

/// The name of a letter's field an error names, as its form calls it.
fn field_label(lang: Lang, field: &str) -> Option<String> {
    let key = match field.split(['[', '.']).next().unwrap_or(field) {
        "subject" => k!("l_subject"),
        "to" => k!("l_to"),
        "copies" => k!("l_copies"),
        "signatory" => k!("l_signatory"),
        "nature" => k!("l_nature"),
        "sender" => k!("l_sender"),
        "format" => k!("l_format"),
        "body" => k!("l_body"),
        "number" => k!("l_number"),
        "date" => k!("l_date"),
        "instruction" => k!("l_instruction"),
        "note" => k!("l_forward_note"),
        "due" => k!("l_due"),
        "reply_by" => k!("lr_reply_by"),
        "in_reply_to" => k!("lr_in_reply_to"),
        _ => return None,
    };
    Some(tr(lang, key))
}

fn error_lines(lang: Lang, e: &ValidationErrors) -> Vec<String> {
    e.errors
        .iter()
        .map(|e| {
            let msg = core_message(lang, &e.message);
            match field_label(lang, &e.field) {
                Some(name) => format!("{name}: {msg}"),
                None if e.field.is_empty() => msg,
                None => format!("{}: {msg}", field_or_other(lang, &e.field)),
            }
        })
        .collect()
}

fn status_label(lang: Lang, s: &str) -> String {
    let key = match s {
        "draft" => k!("l_status_draft"),
        "sent" => k!("l_status_sent"),
        "registered" => k!("l_status_registered"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

fn may_write(page: &Page) -> bool {
    page.authed.actor.may(Action::ManageLetters)
}

/// A letter for a template, its times in the viewer's zone.
fn letter_ctx(page: &Page, v: &LetterView) -> Value {
    let lang = page.lang;
    let zone = home_zone(page);
    let time = |t: &Option<String>| {
        t.as_deref()
            .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            .map(|t| show_time(zone, t.with_timezone(&chrono::Utc)))
    };
    context! {
        id => v.id.to_string(),
        agency => v.agency,
        agency_name => v.agency_name,
        status => v.status,
        status_label => status_label(lang, &v.status),
        letter_box => v.letter_box,
        number => v.number,
        date => v.date.as_deref().and_then(|d| d.parse().ok()).map(|d| long_date(lang, d)),
        subject => v.subject,
        body => v.body,
        nature => nature_label(lang, &v.nature),
        signatory => v.signatory,
        external_sender => v.external_sender,
        version => v.version,
        recipients => v.recipients.iter().map(|r| context! {
            agency => r.agency, agency_name => r.agency_name,
            role => match r.role.as_str() {
                "to" => tr(lang, k!("l_to")),
                "forwarded" => tr(lang, k!("l_forwarded")),
                _ => tr(lang, k!("l_copies")),
            },
            forwarded_from => r.forwarded_from, forward_note => r.forward_note,
            delivered => time(&r.delivered_at), read => time(&r.read_at),
        }).collect::<Vec<_>>(),
        documents => v.documents.iter().map(|d| context! {
            filename => d.filename, href => d.href, size => d.size,
        }).collect::<Vec<_>>(),
    }
}

/// `GET /surat?kotak=masuk|keluar`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let want = match f.get("kotak") {
        Some("keluar") => "out",
        Some("disposisi") => return dispositions_page(&st, &page).await,
        _ => "in",
    };
    let all = match agencies(&st).await {
        Ok(a) => a,
        Err(e) => return page.error(e.0),
    };
    let letters = match st.app.letters_for(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let mine = page.authed.actor.agency_id;
    let rows: Vec<Value> = letters
        .iter()
        .filter_map(|l| {
            let v = letter_view(l, &all, mine);
            if v.letter_box != want {
                return None;
            }
            // Not opened yet by anyone of the agency.
            let unread = l.recipient(mine).is_some_and(|r| r.read_at.is_none());
            Some(context! { unread => unread, ..letter_ctx(&page, &v) })
        })
        .collect();
    render(
        StatusCode::OK,
        "surat.html",
        context! {
            letters => rows,
            kotak => if want == "in" { "masuk" } else { "keluar" },
            can_write => may_write(&page),
            can_format => page.authed.actor.may(Action::AdministerAgencies),
            ..page_ctx(&page, "letters")
        },
    )
}

/// `GET /surat?kotak=disposisi`: the letters passed to the user, open ones first.
async fn dispositions_page(st: &AppState, page: &Page) -> Response {
    let list = match st.app.my_dispositions(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let mut rows = Vec::new();
    for (d, l) in &list {
        match disposition_view(st, d, l).await {
            Ok(v) => rows.push(v),
            Err(e) => return page.error(e.0),
        }
    }
    render(
        StatusCode::OK,
        "surat.html",
        context! {
            dispositions => Value::from_serialize(&rows),
            kotak => "disposisi",
            can_write => may_write(page),
            can_format => page.authed.actor.may(Action::AdministerAgencies),
            ..page_ctx(page, "letters")
        },
    )
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct NewValues {
    perihal: String,
    sifat: String,
    penandatangan: String,
    isi: String,
    kepada: Vec<String>,
    tembusan: Vec<String>,
    balas_paling_lambat: String,
    membalas: String,
}

async fn new_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    values: &NewValues,
    errors: Vec<String>,
) -> Response {
    let all = match st.app.agencies().await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let mut choices: Vec<(String, String)> = all
        .into_iter()
        .filter(|a| a.id != page.authed.actor.agency_id)
        .map(|a| (a.code.to_string(), a.name))
        .collect();
    choices.sort();
    // The letters the agency may answer: sent to it as an addressee (ADR 26).
    let mine = page.authed.actor.agency_id;
    let answerable: Vec<(String, String)> = match st.app.letters_for(&page.authed.actor).await {
        Ok(list) => list
            .into_iter()
            .filter(|l| l.answerable_by(mine))
            .map(|l| {
                let label = match &l.number {
                    Some(n) => format!("{n} — {}", l.subject),
                    None => l.subject.clone(),
                };
                (l.id.to_string(), label)
            })
            .collect(),
        Err(e) => return page.error(e),
    };
    let natures: Vec<(&str, String)> = Nature::ALL
        .iter()
        .map(|n| (n.as_str(), nature_label(page.lang, n.as_str())))
        .collect();
    render(
        status,
        "surat_baru.html",
        context! {
            values => Value::from_serialize(values),
            agencies => choices,
            answerable => answerable,
            natures => natures,
            errors => errors,
            ..page_ctx(page, "letters")
        },
    )
}

/// `GET /surat/baru` (`?membalas={id}`: an answer to that letter, addressed to its sender).
pub(crate) async fn new_form(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    if !may_write(&page) {
        return page.error(AppError::Forbidden(
            "only coordinators and administrators write letters".into(),
        ));
    }
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let mut values = NewValues {
        sifat: "biasa".into(),
        ..Default::default()
    };
    if let Some(original) = f.get("membalas").and_then(LetterId::parse) {
        if let Ok(l) = st.app.letter_for(&page.authed.actor, original).await {
            if l.answerable_by(page.authed.actor.agency_id) {
                values.membalas = l.id.to_string();
                if let Ok(Some(a)) = st.app.agency(l.agency_id).await {
                    values.kepada = vec![a.code.to_string()];
                }
            }
        }
    }
    new_page(&st, &page, StatusCode::OK, &values, Vec::new()).await
}

fn all_of(f: &FormData, key: &str) -> Vec<String> {
    f.0.iter()
        .filter(|(k, v)| k == key && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_string())
        .collect()
}

/// `POST /surat/baru`: the draft is kept; its page sends it.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let values = NewValues {
        perihal: f.text("perihal"),
        sifat: f.text("sifat"),
        penandatangan: f.text("penandatangan"),
        isi: f.text("isi"),
        kepada: all_of(&f, "kepada"),
        tembusan: all_of(&f, "tembusan"),
        balas_paling_lambat: f.text("balas_paling_lambat"),
        membalas: f.text("membalas"),
    };
    let input = json!({
        "subject": values.perihal, "nature": values.sifat, "signatory": values.penandatangan,
        "body": values.isi, "to": values.kepada, "copies": values.tembusan,
        "reply_by": values.balas_paling_lambat, "in_reply_to": values.membalas,
    });
    // The form builds an object, which always reads.
    let body = NewLetterBody::read(&input).unwrap_or_default();
    match st.app.create_letter(&page.authed.actor, &body).await {
        Ok(l) => Redirect::to(&format!("/surat/{}?pesan=konsep", l.id)).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            new_page(&st, &page, UNPROCESSABLE, &values, lines).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /surat/{id}`: opening a letter sent to one's agency records its read receipt.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let notice = match f.get("pesan") {
        Some("konsep") => Some(tr(page.lang, k!("l_notice_draft"))),
        Some("terkirim") => Some(tr(page.lang, k!("l_notice_sent"))),
        Some("berkas") => Some(tr(page.lang, k!("l_notice_file"))),
        Some("tercatat") => Some(tr(page.lang, k!("l_notice_registered"))),
        Some("disposisi") => Some(tr(page.lang, k!("l_notice_disposed"))),
        Some("selesai") => Some(tr(page.lang, k!("l_notice_disposition_done"))),
        Some("diteruskan") => Some(tr(page.lang, k!("l_notice_forwarded"))),
        _ => None,
    };
    detail_page(&st, &page, id, StatusCode::OK, Vec::new(), notice).await
}

async fn detail_page(
    st: &AppState,
    page: &Page,
    id: LetterId,
    status: StatusCode,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let l = match st.app.open_letter(&page.authed.actor, id).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let all = match agencies(st).await {
        Ok(a) => a,
        Err(e) => return page.error(e.0),
    };
    let v = letter_view(&l, &all, page.authed.actor.agency_id);
    let own = l.agency_id == page.authed.actor.agency_id && may_write(page);
    let mine = page.authed.actor.agency_id;
    let received = l.recipient(mine).is_some()
        || (l.status == LetterStatus::Registered && l.agency_id == mine);
    let mut dispositions = Vec::new();
    if received {
        let list = match st.app.letter_dispositions(&page.authed.actor, id).await {
            Ok(d) => d,
            Err(e) => return page.error(e),
        };
        for d in &list {
            match disposition_view(st, d, &l).await {
                Ok(v) => dispositions.push(context! {
                    mine => d.to_user == page.authed.actor.user_id, ..Value::from_serialize(&v)
                }),
                Err(e) => return page.error(e.0),
            }
        }
    }
    // Who answered (ADR 26): each addressee asked to answer, with the answer the viewer
    // may see, or the date it is awaited by.
    let replies = match st.app.visible_replies(&page.authed.actor, &[l.id]).await {
        Ok(r) => r,
        Err(e) => return page.error(e),
    };
    let answers: Vec<Value> = l
        .awaited_answers()
        .into_iter()
        .map(|(agency, by)| {
            let reply = replies.iter().find(|r| r.agency_id == agency);
            context! {
                agency => all.get(&agency).map(|a| a.code.to_string()).unwrap_or_default(),
                reply => reply.map(|r| r.id.to_string()),
                reply_number => reply.and_then(|r| r.number.clone()),
                due => by.to_string(),
            }
        })
        .collect();
    let answered_by: Vec<Value> = replies
        .iter()
        .map(|r| context! {
            id => r.id.to_string(),
            number => r.number.clone(),
            agency => all.get(&r.agency_id).map(|a| a.code.to_string()).unwrap_or_default(),
        })
        .collect();
    let original = match l.in_reply_to {
        Some(o) => st.app.letter_for(&page.authed.actor, o).await.ok().map(|o| {
            context! { id => o.id.to_string(), number => o.number.clone(), subject => o.subject }
        }),
        None => None,
    };
    let people: Vec<(String, String)> = if received && may_write(page) {
        match st.app.store.users(Some(mine)).await {
            Ok(u) => u
                .into_iter()
                .filter(|u| u.active)
                .map(|u| (u.username.to_string(), u.display_name.clone()))
                .collect(),
            Err(e) => return page.error(e.into()),
        }
    } else {
        Vec::new()
    };
    // Who the actor's agency would pass the letter to, when it holds it.
    let superior = if l.held_by(mine) && may_write(page) {
        match st.app.superior_of(mine).await {
            Ok(sup) => sup.filter(|sup| !l.agencies().contains(&sup.id)),
            Err(e) => return page.error(e),
        }
    } else {
        None
    };
    render(
        status,
        "surat_detail.html",
        context! {
            superior => superior.map(|a| context! { code => a.code.to_string(), name => a.name }),
            letter => letter_ctx(page, &v),
            received => received,
            dispositions => dispositions,
            people => people,
            can_dispose => received && may_write(page),
            answers => answers,
            answered_by => answered_by,
            original => original,
            reply_by => l.reply_by.map(|d| d.to_string()),
            can_answer => l.answerable_by(mine) && may_write(page),
            can_send => own && v.status == "draft",
            can_attach => own && v.status != "sent",
            errors => errors,
            notice => notice,
            ..page_ctx(page, "letters")
        },
    )
}

/// `POST /surat/{id}/kirim`: the draft read at `version` is numbered and sent.
pub(crate) async fn send(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let version = f.text("version").parse::<i64>().unwrap_or(-1);
    match st.app.send_letter(&page.authed.actor, id, Some(version)).await {
        Ok(_) => Redirect::to(&format!("/surat/{id}?pesan=terkirim")).into_response(),
        Err(AppError::PreconditionFailed { .. }) | Err(AppError::Conflict(_)) => {
            let lines = vec![tr(page.lang, k!("l_stale"))];
            detail_page(&st, &page, id, StatusCode::CONFLICT, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /surat/{id}/teruskan`: the letter passed up the agency's reporting line.
pub(crate) async fn forward(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let body = ForwardLetterBody::read(&json!({"note": f.text("catatan")})).unwrap_or_default();
    match st.app.forward_letter(&page.authed.actor, id, &body).await {
        Ok(_) => Redirect::to(&format!("/surat/{id}?pesan=diteruskan")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(AppError::Conflict(_)) => {
            let lines = vec![tr(page.lang, k!("l_forward_conflict"))];
            detail_page(&st, &page, id, StatusCode::CONFLICT, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /surat/{id}/berkas`: an annex, or the scan of a registered letter.
pub(crate) async fn upload(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let (name, bytes) = match form_file(&page, mp).await {
        Upload::File(b) => ("surat".to_string(), b),
        Upload::Answer(resp) => return resp,
        Upload::Refused(lines) => {
            return detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await;
        }
    };
    match st
        .app
        .add_letter_document(&page.authed.actor, id, &name, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/surat/{id}?pesan=berkas")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(AppError::UnsupportedMediaType(_)) => {
            let lines = vec![tr(page.lang, k!("err_415_text"))];
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /surat/{id}/surat.pdf`.
pub(crate) async fn pdf(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let l = match st.app.letter_for(&page.authed.actor, id).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let all = match agencies(&st).await {
        Ok(a) => a,
        Err(e) => return page.error(e.0),
    };
    let bytes = letter_pdf(&l, &all, page.lang);
    file_response(bytes, "application/pdf", &format!("surat-{id}.pdf"), "inline")
}

#[derive(Debug, Clone, Default, serde::Serialize)]
struct RegisterValues {
    nomor: String,
    pengirim: String,
    tanggal: String,
    perihal: String,
    ringkasan: String,
    sifat: String,
}

fn register_page(page: &Page, status: StatusCode, values: &RegisterValues, errors: Vec<String>) -> Response {
    let natures: Vec<(&str, String)> = Nature::ALL
        .iter()
        .map(|n| (n.as_str(), nature_label(page.lang, n.as_str())))
        .collect();
    render(
        status,
        "surat_luar.html",
        context! {
            values => Value::from_serialize(values),
            natures => natures,
            errors => errors,
            ..page_ctx(page, "letters")
        },
    )
}

/// `GET /surat/masuk-luar`.
pub(crate) async fn register_form(page: Page) -> Response {
    if !may_write(&page) {
        return page.error(AppError::Forbidden(
            "only coordinators and administrators register letters".into(),
        ));
    }
    let values = RegisterValues {
        sifat: "biasa".into(),
        ..Default::default()
    };
    register_page(&page, StatusCode::OK, &values, Vec::new())
}

/// `POST /surat/masuk-luar`: the letter is registered; its page takes the scan.
pub(crate) async fn register(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let values = RegisterValues {
        nomor: f.text("nomor"),
        pengirim: f.text("pengirim"),
        tanggal: f.text("tanggal"),
        perihal: f.text("perihal"),
        ringkasan: f.text("ringkasan"),
        sifat: f.text("sifat"),
    };
    let input = json!({
        "number": values.nomor, "sender": values.pengirim, "date": values.tanggal,
        "subject": values.perihal, "body": values.ringkasan, "nature": values.sifat,
    });
    let body = RegisterLetterBody::read(&input).unwrap_or_default();
    match st.app.register_letter(&page.authed.actor, &body).await {
        Ok(l) => Redirect::to(&format!("/surat/{}?pesan=tercatat", l.id)).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            register_page(&page, UNPROCESSABLE, &values, lines)
        }
        Err(e) => page.error(e),
    }
}

async fn format_page(
    st: &AppState,
    page: &Page,
    status: StatusCode,
    value: Option<String>,
    errors: Vec<String>,
    notice: Option<String>,
) -> Response {
    let current = match st.app.letter_format(page.authed.actor.agency_id).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let code = match st.app.agency(page.authed.actor.agency_id).await {
        Ok(a) => a.map(|a| a.code.to_string()).unwrap_or_default(),
        Err(e) => return page.error(e),
    };
    let today = st.app.now().with_timezone(&home_zone(page).offset()).date_naive();
    let example = sinergi_core::letter::render_number(&current, 1, today, &code);
    render(
        status,
        "surat_format.html",
        context! {
            format => value.unwrap_or_else(|| current.clone()),
            current => current,
            example => example,
            errors => errors,
            notice => notice,
            ..page_ctx(page, "letters")
        },
    )
}

/// `GET /surat/format`.
pub(crate) async fn format_form(State(st): State<AppState>, page: Page) -> Response {
    if !page.authed.actor.may(Action::AdministerAgencies) {
        return page.error(AppError::Forbidden(
            "only an administrator of the agency sets its letter numbers".into(),
        ));
    }
    format_page(&st, &page, StatusCode::OK, None, Vec::new(), None).await
}

/// `POST /surat/format`.
pub(crate) async fn set_format(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let value = f.text("format");
    let body = LetterFormatBody::read(&json!({ "format": value })).unwrap_or_default();
    match st.app.set_letter_format(&page.authed.actor, &body).await {
        Ok(_) => {
            let notice = Some(tr(page.lang, k!("l_notice_format")));
            format_page(&st, &page, StatusCode::OK, None, Vec::new(), notice).await
        }
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            format_page(&st, &page, UNPROCESSABLE, Some(value), lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /surat/{id}/disposisi`: the letter passed to a person of the agency.
pub(crate) async fn dispose(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = LetterId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let mut input = json!({"to": f.text("kepada"), "instruction": f.text("instruksi")});
    if !f.text("batas").is_empty() {
        input["due"] = json!(f.text("batas"));
    }
    let body = NewDispositionBody::read(&input).unwrap_or_default();
    match st.app.dispose_letter(&page.authed.actor, id, &body).await {
        Ok(_) => Redirect::to(&format!("/surat/{id}?pesan=disposisi")).into_response(),
        Err(AppError::Validation(e)) => {
            let lines = error_lines(page.lang, &e);
            detail_page(&st, &page, id, UNPROCESSABLE, lines, None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /surat/disposisi/{id}/selesai`: the person (or a coordinator) marks it done.
pub(crate) async fn finish_disposition(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = DispositionId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let version = f.text("version").parse::<i64>().unwrap_or(-1);
    let mut input = json!({"status": "done"});
    if !f.text("catatan").is_empty() {
        input["note"] = json!(f.text("catatan"));
    }
    let body = DispositionPatchBody::read(&input).unwrap_or_default();
    match st
        .app
        .update_disposition(&page.authed.actor, id, Some(version), &body)
        .await
    {
        Ok(d) => Redirect::to(&format!("/surat/{}?pesan=selesai", d.letter_id)).into_response(),
        Err(e) => page.error(e),
    }
}
