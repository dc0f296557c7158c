//! Case pages (ADR 31): the cases the visitor sees with a form to open one (`/perkara`),
//! a case's page (`/perkara/{id}`: its stages, deadlines, the step form with the stages
//! its law allows next, its facts, its persons by role and label with the form that
//! opens a protected identity for a stated purpose, and its transfers), the overdue list
//! (`/perkara/tenggat`), the enforcement funnel (`/perkara/corong`, and as CSV), the
//! victim counts (`/perkara/korban`) and the transfers waiting for the visitor's agency
//! (`/perkara/pelimpahan`).
//!
//! The app decides who sees and changes what; every POST checks `_csrf` first. An opened
//! identity is shown once, on the answer to the POST that opened it (never in a URL,
//! never cached).

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde_json::json;
use sinergi_app::cases::{CaseDue, CaseView as AppCase, OpenedIdentity};
use sinergi_app::AppError;
use sinergi_core::case::{
    decrypt_purpose, share_input, table, transfer_decision, transfer_input, CaseFactsBody, CaseId,
    CaseInput, DecryptBody, FactsPatch, NewCaseBody, OffenceKind, PartyRole, PersonBody,
    PersonInput, PersonShareBody,
    ProcedureCode, ServiceKind, ServiceStatus, Stage, StageBody, StepInput, TransferBody,
    TransferDecisionBody, TransferId, TransferStatus, Urgency,
};
use sinergi_core::input::Body as _;
use sinergi_core::permission::Action;
use sinergi_core::protect::PersonRole;
use sinergi_core::ValidationErrors;

use super::api::{case_filter, case_id, funnel_view, person_id, urgency_str, victims_view, CaseQueryParams};
use crate::i18n::{core_message, field_or_other, k, tr, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::upload::FormUpload;
use crate::ui::{Page, UNPROCESSABLE};
use crate::AppState;

pub(crate) fn routes(
    _: &crate::features::Limits,
) -> Vec<(&'static str, axum::routing::MethodRouter<AppState>)> {
    use axum::routing::{get, post};
    vec![
        ("/perkara", get(list).post(create)),
        ("/perkara/tenggat", get(overdue)),
        ("/perkara/corong", get(funnel)),
        ("/perkara/corong.csv", get(funnel_csv)),
        ("/perkara/korban", get(victims)),
        ("/perkara/pelimpahan", get(transfers)),
        ("/perkara/pelimpahan/{id}", post(decide)),
        ("/perkara/tugas", get(tasks)),
        ("/perkara/pengaturan", post(settings)),
        ("/perkara/tugas/{id}", post(answer_task)),
        ("/perkara/{id}", get(detail)),
        ("/perkara/{id}/ringkasan.pdf", get(summary_pdf)),
        ("/perkara/{id}/tahap", post(step)),
        ("/perkara/{id}/fakta", post(facts)),
        ("/perkara/{id}/orang", post(add_person)),
        ("/perkara/{id}/orang/{orang}/buka", post(open_identity)),
        ("/perkara/{id}/orang/{orang}/hapus", post(erase)),
        ("/perkara/{id}/orang/{orang}/bagikan", post(share)),
        ("/perkara/{id}/orang/{orang}/bagikan/{kode}/cabut", post(unshare)),
        ("/perkara/{id}/limpah", post(transfer)),
        ("/perkara/{id}/tugas", post(request_task)),
        ("/perkara/{id}/barang-bukti", post(add_evidence)),
        ("/perkara/{id}/barang-bukti/{bb}/riwayat", post(record_custody)),
    ]
}

pub(crate) fn back_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/perkara/")?;
    if rest.starts_with("pelimpahan/") {
        return Some("/perkara/pelimpahan".into());
    }
    if rest.starts_with("tugas/") {
        return Some("/perkara/tugas".into());
    }
    let id = rest.split('/').next()?;
    rest.contains('/').then(|| format!("/perkara/{id}"))
}

pub(crate) fn stage_label(lang: Lang, law: ProcedureCode, s: Stage) -> String {
    table(law)
        .stage(s)
        .map(|d| lang.pick(d.name_id, d.name_en).to_string())
        .unwrap_or_else(|| s.as_str().to_string())
}

pub(crate) fn offence_label(lang: Lang, o: OffenceKind) -> String {
    tr(
        lang,
        match o {
            OffenceKind::Wildlife => k!("cs_off_wildlife"),
            OffenceKind::Forestry => k!("cs_off_forestry"),
            OffenceKind::Trafficking => k!("cs_off_trafficking"),
            OffenceKind::Narcotics => k!("cs_off_narcotics"),
            OffenceKind::Other => k!("cs_off_other"),
        },
    )
}

pub(crate) fn role_label(lang: Lang, r: PersonRole) -> String {
    tr(
        lang,
        match r {
            PersonRole::Suspect => k!("cs_role_suspect"),
            PersonRole::Victim => k!("cs_role_victim"),
            PersonRole::Witness => k!("cs_role_witness"),
            PersonRole::Informant => k!("cs_role_informant"),
        },
    )
}

pub(crate) fn party_label(lang: Lang, r: PartyRole) -> String {
    tr(
        lang,
        match r {
            PartyRole::Lead => k!("cs_party_lead"),
            PartyRole::Supporting => k!("cs_party_supporting"),
            PartyRole::Prosecutor => k!("cs_party_prosecutor"),
            PartyRole::Court => k!("cs_party_court"),
        },
    )
}

fn service_label(lang: Lang, s: ServiceKind) -> String {
    tr(
        lang,
        match s {
            ServiceKind::Shelter => k!("cs_svc_shelter"),
            ServiceKind::Health => k!("cs_svc_health"),
            ServiceKind::LegalAid => k!("cs_svc_legal_aid"),
            ServiceKind::ReturnHome => k!("cs_svc_return_home"),
            ServiceKind::Reintegration => k!("cs_svc_reintegration"),
        },
    )
}

fn service_status_label(lang: Lang, s: ServiceStatus) -> String {
    tr(
        lang,
        match s {
            ServiceStatus::Referred => k!("cs_svc_referred"),
            ServiceStatus::InProgress => k!("cs_svc_in_progress"),
            ServiceStatus::Completed => k!("cs_svc_completed"),
            ServiceStatus::Declined => k!("cs_svc_declined"),
        },
    )
}

pub(crate) fn urgency_label(lang: Lang, u: Urgency) -> String {
    tr(
        lang,
        match u {
            Urgency::Pending => k!("cs_urg_pending"),
            Urgency::DueSoon => k!("cs_urg_due_soon"),
            Urgency::Overdue => k!("cs_urg_overdue"),
        },
    )
}

pub(crate) fn deadline_label(lang: Lang, kind: &str) -> String {
    tr(
        lang,
        match kind {
            "spdp_due" => k!("cs_dl_spdp_due"),
            "file_examination" => k!("cs_dl_file_examination"),
            "file_return" => k!("cs_dl_file_return"),
            "file_completion" => k!("cs_dl_file_completion"),
            "appeal_window" => k!("cs_dl_appeal_window"),
            "cassation_window" => k!("cs_dl_cassation_window"),
            _ => k!("cs_dl_detention_ends"),
        },
    )
}

pub(crate) fn custody_label(lang: Lang, a: sinergi_core::case::CustodyAction) -> String {
    use sinergi_core::case::CustodyAction as A;
    tr(
        lang,
        match a {
            A::Seized => k!("cs_cu_seized"),
            A::Stored => k!("cs_cu_stored"),
            A::HandedOver => k!("cs_cu_handed_over"),
            A::Examined => k!("cs_cu_examined"),
            A::Returned => k!("cs_cu_returned"),
            A::Destroyed => k!("cs_cu_destroyed"),
        },
    )
}

fn task_kind_label(lang: Lang, k: sinergi_core::case::TaskKind) -> String {
    use sinergi_core::case::TaskKind as K;
    tr(
        lang,
        match k {
            K::LabTest => k!("cs_task_lab_test"),
            K::Tracing => k!("cs_task_tracing"),
            K::Other => k!("cs_task_other"),
        },
    )
}

fn task_status_label(lang: Lang, s: sinergi_core::case::TaskStatus) -> String {
    use sinergi_core::case::TaskStatus as S;
    tr(
        lang,
        match s {
            S::Requested => k!("cs_tr_requested"),
            S::Done => k!("cs_task_done"),
            S::Refused => k!("cs_tr_refused"),
        },
    )
}

fn transfer_status_label(lang: Lang, s: TransferStatus) -> String {
    tr(
        lang,
        match s {
            TransferStatus::Requested => k!("cs_tr_requested"),
            TransferStatus::Accepted => k!("cs_tr_accepted"),
            TransferStatus::Refused => k!("cs_tr_refused"),
        },
    )
}

fn field_label(lang: Lang, field: &str) -> String {
    let key = match field.split(['.', '[']).next().unwrap_or(field) {
        "title" => k!("cs_f_title"),
        "summary" => k!("cs_f_summary"),
        "offence_kind" | "offence" => k!("cs_f_offence_kind"),
        "offence_law" => k!("cs_f_offence_law"),
        "offence_article" => k!("cs_f_offence_article"),
        "max_penalty_years" => k!("cs_f_penalty"),
        "region" => k!("cs_f_region"),
        "opened_on" => k!("cs_f_opened_on"),
        "reports" => k!("cs_f_reports"),
        "parties" => k!("cs_f_parties"),
        "stage" => k!("cs_f_stage"),
        "document" => k!("cs_f_document"),
        "verdict" => k!("cs_f_verdict"),
        "version" => k!("cs_f_version"),
        "role" => k!("cs_f_role"),
        "name" => k!("cs_f_name"),
        "identity_number" => k!("cs_f_identity_number"),
        "contact" => k!("cs_f_contact"),
        "address" => k!("cs_f_address"),
        "photo" => k!("cs_f_photo"),
        "origin_region" => k!("cs_f_origin"),
        "destination_country" => k!("cs_f_destination"),
        "repatriated_on" => k!("cs_f_repatriated_on"),
        "border_post" => k!("cs_f_border_post"),
        "services" | "service" => k!("cs_f_services"),
        "handler" => k!("cs_f_handler"),
        "purpose" => k!("cs_f_purpose"),
        "to" => k!("cs_f_to"),
        "note" => k!("cs_f_note"),
        "decision" => k!("cs_f_decision"),
        "format" => k!("cs_f_number_format"),
        "roles" => k!("cs_f_decrypt_roles"),
        "detention" => k!("cs_f_detention"),
        "description" => k!("cs_f_description"),
        "quantity" => k!("cs_f_quantity"),
        "seized_on" | "on" => k!("cs_date"),
        "holder" => k!("cs_f_holder"),
        "document_number" => k!("cs_document_number"),
        "action" => k!("cs_f_custody_action"),
        "kind" => k!("cs_f_task_kind"),
        "what" => k!("cs_f_task_what"),
        "due_on" => k!("cs_f_due_on"),
        "result" => k!("cs_f_result"),
        "status" => k!("cs_f_decision"),
        _ => return field_or_other(lang, field),
    };
    tr(lang, key)
}

fn error_lines(lang: Lang, e: &ValidationErrors) -> Vec<String> {
    e.errors
        .iter()
        .map(|e| {
            let msg = core_message(lang, &e.message);
            if e.field.is_empty() {
                msg
            } else {
                format!("{}: {msg}", field_label(lang, &e.field))
            }
        })
        .collect()
}

fn opt(s: String) -> serde_json::Value {
    let s = s.trim().to_string();
    if s.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::Value::String(s)
    }
}

fn filter_params(f: &FormDataLike) -> CaseQueryParams {
    CaseQueryParams {
        region: f.region.clone(),
        offence: f.offence.clone(),
        stage: f.stage.clone(),
        year: f.year.clone(),
        limit: None,
        offset: f.offset.as_deref().and_then(|o| o.trim().parse().ok()),
    }
}

/// The filters of the list pages, as the query string names them.
#[derive(Debug, Default, Clone, serde::Deserialize, serde::Serialize)]
pub(crate) struct FormDataLike {
    #[serde(rename = "wilayah")]
    region: Option<String>,
    #[serde(rename = "jenis")]
    offence: Option<String>,
    #[serde(rename = "tahap")]
    stage: Option<String>,
    #[serde(rename = "tahun")]
    year: Option<String>,
    #[serde(rename = "mulai")]
    offset: Option<String>,
}

/// The filters as a query string (without `mulai`).
fn filter_query(q: &FormDataLike) -> String {
    let mut parts = Vec::new();
    for (k, v) in [("wilayah", &q.region), ("jenis", &q.offence), ("tahap", &q.stage), ("tahun", &q.year)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", crate::api_common::urlencode(v)));
        }
    }
    parts.join("&")
}

fn choices<T: Copy>(all: &[T], label: impl Fn(T) -> String, key: impl Fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter().map(|x| (key(*x).to_string(), label(*x))).collect()
}

fn due_row(lang: Lang, d: &CaseDue) -> Value {
    let c = &d.case;
    context! {
        id => c.id.to_string(),
        number => c.number.as_str(),
        title => c.title.as_str(),
        owner => d.owner_code.as_str(),
        region => c.region_code.as_str(),
        offence => offence_label(lang, c.offence.kind),
        stage => stage_label(lang, c.law, c.stage),
        opened_on => c.opened_on.to_string(),
        due_on => d.deadline.as_ref().map(|x| x.due_on.to_string()),
        due_kind => d.deadline.as_ref().map(|x| deadline_label(lang, x.kind.as_str())),
        urgency => d.urgency.map(urgency_str),
        urgency_label => d.urgency.map(|u| urgency_label(lang, u)),
    }
}

/// The values of the new-case form, as typed.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct NewValues {
    judul: String,
    ringkasan: String,
    jenis: String,
    uu: String,
    pasal: String,
    ancaman: String,
    wilayah: String,
    dibuka: String,
    laporan: String,
}

/// `GET /perkara`.
pub(crate) async fn list(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<FormDataLike>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let values = NewValues {
        jenis: OffenceKind::Wildlife.as_str().into(),
        ..Default::default()
    };
    list_page(&st, &page, &q, StatusCode::OK, &values, Vec::new()).await
}

async fn list_page(
    st: &AppState,
    page: &Page,
    q: &FormDataLike,
    status: StatusCode,
    values: &NewValues,
    mut errors: Vec<String>,
) -> Response {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let params = filter_params(q);
    let (filter, offset) = match case_filter(&params) {
        Ok(f) => (f, params.offset.unwrap_or(0)),
        Err(AppError::Validation(e)) => {
            errors.extend(error_lines(lang, &e));
            (Default::default(), 0)
        }
        Err(e) => return page.error(e),
    };
    const PAGE: u32 = 50;
    let (cases, total) = match st.app.cases(actor, &filter, PAGE, offset).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let rows: Vec<Value> = cases.iter().map(|d| due_row(lang, d)).collect();
    let next = (i64::from(offset) + i64::from(PAGE) < total).then(|| offset + PAGE);
    let prev = (offset > 0).then(|| offset.saturating_sub(PAGE));
    let query = |o: u32| format!("?mulai={o}&{}", filter_query(q));
    let stages: Vec<(String, String)> = Stage::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), stage_label(lang, ProcedureCode::Kuhap2025, *s)))
        .collect();
    render(
        status,
        "perkara_daftar.html",
        context! {
            cases => rows,
            total => total,
            next => next.map(query),
            prev => prev.map(query),
            filter => Value::from_serialize(q),
            offences => choices(OffenceKind::ALL, |o| offence_label(lang, o), |o| o.as_str()),
            stages => stages,
            can_create => actor.may(Action::WriteReports),
            can_configure => actor.may(Action::AdministerAgencies),
            number_format => st.app.case_number_format(actor).await.unwrap_or_default(),
            decrypt_roles => st.app.case_decrypt_roles(actor).await.unwrap_or_default().iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            role_choices => [sinergi_core::user::Role::FieldOfficer, sinergi_core::user::Role::Coordinator, sinergi_core::user::Role::Analyst, sinergi_core::user::Role::AgencyAdmin]
                .iter().map(|r| (r.as_str(), crate::ui::role_label(lang, *r))).collect::<Vec<_>>(),
            values => Value::from_serialize(values),
            errors => errors,
            ..page_ctx(page, "cases")
        },
    )
}

/// `POST /perkara`: opens a case.
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
        judul: f.text("judul"),
        ringkasan: f.text("ringkasan"),
        jenis: f.text("jenis"),
        uu: f.text("uu"),
        pasal: f.text("pasal"),
        ancaman: f.text("ancaman"),
        wilayah: f.text("wilayah"),
        dibuka: f.text("dibuka"),
        laporan: f.text("laporan"),
    };
    let reports: Vec<String> = values
        .laporan
        .split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let penalty: serde_json::Value = match values.ancaman.trim() {
        "" => serde_json::Value::Null,
        s => s.parse::<i64>().map(|n| json!(n)).unwrap_or(json!(s)),
    };
    let input = json!({
        "title": values.judul, "summary": opt(values.ringkasan.clone()), "offence_kind": values.jenis,
        "offence_law": values.uu, "offence_article": values.pasal, "max_penalty_years": penalty,
        "region": values.wilayah, "opened_on": values.dibuka, "reports": reports,
    });
    let body = NewCaseBody::read(&input).unwrap_or_default();
    let today = st.app.today_for_region(&values.wilayah);
    let result = match CaseInput::from_body(&body, today) {
        Ok(i) => st.app.open_case(&page.authed.actor, i).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match result {
        Ok(c) => Redirect::to(&format!("/perkara/{}", c.id)).into_response(),
        Err(AppError::Validation(e)) => {
            list_page(&st, &page, &FormDataLike::default(), UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /perkara/{id}`.
pub(crate) async fn detail(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Some(id) = CaseId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    case_page(&st, &page, id, StatusCode::OK, Vec::new(), None).await
}

async fn case_page(
    st: &AppState,
    page: &Page,
    id: CaseId,
    status: StatusCode,
    errors: Vec<String>,
    opened: Option<OpenedIdentity>,
) -> Response {
    let lang = page.lang;
    let v: AppCase = match st.app.case_view(&page.authed.actor, id).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let c = &v.case;
    let law = c.law;
    let mut names = std::collections::HashMap::new();
    for e in &v.events {
        if let std::collections::hash_map::Entry::Vacant(x) = names.entry(e.recorded_by) {
            if let Ok(Some(u)) = st.app.user_by_id(e.recorded_by).await {
                x.insert(u.username.to_string());
            }
        }
    }
    let events: Vec<Value> = v
        .events
        .iter()
        .map(|e| {
            context! {
                from => stage_label(lang, law, e.from),
                to => stage_label(lang, law, e.to),
                to_key => e.to.as_str(),
                number => e.document.number.clone(),
                date => e.document.date.to_string(),
                notes => e.document.notes.clone(),
                verdict => e.verdict.map(|x| match x {
                    sinergi_core::case::Verdict::Convicted => tr(lang, k!("cs_verdict_convicted")),
                    sinergi_core::case::Verdict::Acquitted => tr(lang, k!("cs_verdict_acquitted")),
                }),
                by => names.get(&e.recorded_by).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let deadlines: Vec<Value> = v
        .deadlines
        .iter()
        .map(|(d, u)| {
            context! {
                kind => deadline_label(lang, d.kind.as_str()),
                due_on => d.due_on.to_string(),
                urgency => urgency_str(*u),
                urgency_label => urgency_label(lang, *u),
                basis => d.basis,
                extension => d.extension_days,
            }
        })
        .collect();
    let persons: Vec<Value> = v
        .persons
        .iter()
        .map(|p| {
            let x = &p.person;
            let mine = opened.as_ref().filter(|o| o.person == x.id);
            let shown = mine.map(|o| {
                o.fields
                    .iter()
                    .filter(|(n, _)| n != "photo")
                    .map(|(n, val)| (field_label(lang, n), val.to_string()))
                    .collect::<Vec<_>>()
            });
            let photo = mine
                .and_then(|o| o.fields.iter().find(|(n, _)| n == "photo"))
                .and_then(|(_, v)| {
                    super::api::photo_type_of(Some(v.as_str())).map(|t| format!("data:{t};base64,{}", v.as_str()))
                });
            let ordinal = p.label.rsplit(' ').next().unwrap_or("").to_string();
            context! {
                id => x.id.to_string(),
                role => role_label(lang, x.role),
                label => match &p.code {
                    Some(code) => code.clone(),
                    None => format!("{} {}", role_label(lang, x.role), ordinal),
                },
                name => p.suspect_name.clone(),
                child => x.child,
                origin => x.victim.origin_region.clone(),
                destination => x.victim.destination_country.clone(),
                repatriated_on => x.victim.repatriated_on.map(|d| d.to_string()),
                border_post => x.victim.border_post.clone(),
                services => x.services.iter().map(|s| format!("{} ({})", service_label(lang, s.service), service_status_label(lang, s.status))).collect::<Vec<_>>(),
                protected => x.sealed.is_some(),
                erased => x.sealed.as_ref().is_some_and(|s| s.is_shredded()),
                may_open => p.may_open,
                shared_with => p.shared_with.iter().map(|(s, a)| context! {
                    code => a.code.as_str(),
                    name => a.name.as_str(),
                    on => sinergi_core::time::Zone::for_region(&v.case.region_code).format(s.shared_at),
                    purpose => s.purpose.as_str(),
                }).collect::<Vec<_>>(),
                may_share_with => p.may_share_with.iter().map(|a| (a.code.as_str().to_string(), a.name.clone())).collect::<Vec<_>>(),
                shared_with_you => p.shared_with_reader,
                opened => shown,
                photo => photo,
            }
        })
        .collect();
    let transfers: Vec<Value> = v
        .transfers
        .iter()
        .map(|(t, from, to)| {
            context! {
                from => from.code.as_str(),
                to => to.code.as_str(),
                status => transfer_status_label(lang, t.status),
                note => t.note.clone(),
                decision_note => t.decision_note.clone(),
                at => t.requested_at.date_naive().to_string(),
            }
        })
        .collect();
    let evidence: Vec<Value> = v
        .evidence
        .iter()
        .map(|e| {
            context! {
                id => e.id.to_string(),
                description => e.description.as_str(),
                quantity => e.quantity.clone(),
                ended => e.last().is_some_and(|l| l.action.is_final()),
                chain => e.chain.iter().map(|s| context! {
                    action => custody_label(lang, s.action),
                    on => s.on.to_string(),
                    holder => s.holder.as_str(),
                    number => s.document_number.clone(),
                    note => s.note.clone(),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let next: Vec<(String, String)> = v
        .next
        .iter()
        .map(|s| (s.as_str().to_string(), stage_label(lang, law, *s)))
        .collect();
    let passed: Vec<Value> = {
        let mut seen = vec![table(law).initial()];
        seen.extend(v.events.iter().map(|e| e.to));
        let mut out = Vec::new();
        for s in seen {
            if out.iter().all(|x: &Stage| *x != s) {
                out.push(s);
            }
        }
        out.iter()
            .map(|s| context! { label => stage_label(lang, law, *s), current => *s == c.stage })
            .collect()
    };
    let mut resp = render(
        status,
        "perkara.html",
        context! {
            case => context! {
                id => c.id.to_string(),
                number => c.number.as_str(),
                title => c.title.as_str(),
                summary => c.summary.clone().unwrap_or_default(),
                owner => v.owner.code.as_str(),
                owner_name => v.owner.name.as_str(),
                law => law.citation(),
                offence => offence_label(lang, c.offence.kind),
                offence_law => c.offence.law.as_str(),
                offence_article => c.offence.article.as_str(),
                penalty => c.offence.max_penalty_years,
                region => c.region_code.as_str(),
                opened_on => c.opened_on.to_string(),
                stage => stage_label(lang, law, c.stage),
                stage_since => c.stage_since.to_string(),
                returns => c.returns,
                version => c.version,
                child_suspect => c.facts.child_suspect,
                assessed_user => c.facts.assessed_user,
                repeat_offence => c.facts.repeat_offence,
                victim_agreement => c.facts.victim_agreement,
                rj_excluded_offence => c.facts.rj_excluded_offence,
                illness => c.facts.illness,
                detention_authority => c.dates.detention.map(|d| serde_json::to_value(d.authority).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
                detention_step => c.dates.detention.map(|d| serde_json::to_value(d.step).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()),
                detention_since => c.dates.detention.map(|d| d.started_on.to_string()),
            },
            parties => v.parties.iter().map(|(a, r)| context! { code => a.code.as_str(), name => a.name.as_str(), role => party_label(lang, *r) }).collect::<Vec<_>>(),
            passed => passed,
            events => events,
            deadlines => deadlines,
            persons => persons,
            transfers => transfers,
            evidence => evidence,
            tasks => v.tasks.iter().map(|(t, a)| context! {
                to => a.code.as_str(), kind => task_kind_label(lang, t.kind), what => t.what.as_str(),
                due_on => t.due_on.map(|d| d.to_string()), status => task_status_label(lang, t.status),
                result => t.result.clone(),
            }).collect::<Vec<_>>(),
            task_kinds => sinergi_core::case::TaskKind::ALL.iter().map(|k| (k.as_str(), task_kind_label(lang, *k))).collect::<Vec<_>>(),
            custody_actions => sinergi_core::case::CustodyAction::ALL.iter().filter(|a| **a != sinergi_core::case::CustodyAction::Seized).map(|a| (a.as_str(), custody_label(lang, *a))).collect::<Vec<_>>(),
            next => next,
            may_write => v.may_write,
            may_manage => v.may_manage,
            roles => PersonRole::ALL.iter().map(|r| (r.as_str(), role_label(lang, *r))).collect::<Vec<_>>(),
            services => choices(ServiceKind::ALL, |s| service_label(lang, s), |s| s.as_str()),
            det_authorities => [
                ("investigator", k!("cs_det_investigator")),
                ("prosecutor", k!("cs_det_prosecutor")),
                ("district_court", k!("cs_det_district_court")),
                ("high_court", k!("cs_det_high_court")),
                ("supreme_court", k!("cs_det_supreme_court")),
            ].iter().map(|(v, key)| (*v, tr(lang, key))).collect::<Vec<_>>(),
            det_steps => [
                ("initial", k!("cs_det_initial")),
                ("extension", k!("cs_det_extension")),
                ("exceptional1", k!("cs_det_exceptional1")),
                ("exceptional2", k!("cs_det_exceptional2")),
            ].iter().map(|(v, key)| (*v, tr(lang, key))).collect::<Vec<_>>(),
            today => v.today.to_string(),
            errors => errors,
            ..page_ctx(page, "cases")
        },
    );
    if opened.is_some() {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

async fn after_post(st: &AppState, page: &Page, id: CaseId, r: Result<(), AppError>) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/perkara/{id}")).into_response(),
        Err(AppError::Validation(e)) => {
            case_page(st, page, id, UNPROCESSABLE, error_lines(page.lang, &e), None).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            let e = ValidationErrors::single(
                "version",
                sinergi_core::msg!(
                    "case-changed",
                    "the case changed since you opened this page; check it and try again"
                ),
            );
            case_page(st, page, id, StatusCode::PRECONDITION_FAILED, error_lines(page.lang, &e), None).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /perkara/{id}/tahap`: a step with its document.
pub(crate) async fn step(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let version = f.text("versi").parse::<i64>().unwrap_or(0);
    let input = json!({
        "version": version, "stage": f.text("tahap"),
        "document": {"number": opt(f.text("nomor")), "date": f.text("tanggal"), "notes": opt(f.text("catatan"))},
        "verdict": opt(f.text("putusan")),
    });
    let body = StageBody::read(&input).unwrap_or_default();
    let r = match StepInput::from_body(&body) {
        Ok(s) => st.app.record_step(&page.authed.actor, id, s).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/fakta`: the case's facts.
pub(crate) async fn facts(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let on = |k: &str| f.get(k).is_some();
    let detention = if f.text("tahanan_oleh").is_empty() {
        serde_json::Value::Null
    } else {
        json!({"authority": f.text("tahanan_oleh"), "step": f.text("tahanan_tahap"), "started_on": f.text("tahanan_sejak")})
    };
    let input = json!({
        "version": f.text("versi").parse::<i64>().unwrap_or(0),
        "child_suspect": on("anak"), "assessed_user": on("pengguna"), "repeat_offence": on("residivis"),
        "victim_agreement": on("sepakat"), "rj_excluded_offence": on("dikecualikan"), "illness": on("sakit"),
        "detention": detention,
    });
    let body = CaseFactsBody::read(&input).unwrap_or_default();
    let today = st.app.today_for_region("94");
    let r = match FactsPatch::from_body(&body, today) {
        Ok(p) => st.app.update_case_facts(&page.authed.actor, id, p).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/orang`: a person, from the page's multipart form with an
/// optional photo (`foto`), or from a plain form without one.
pub(crate) async fn add_person(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Response {
    use axum::extract::FromRequest as _;
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (f, photo) = if multipart {
        let mp = axum::extract::Multipart::from_request(req, &st).await;
        match crate::ui::upload::form_with_file(&page, mp, "foto").await {
            FormUpload::Fields(f, photo) => (f, photo.map(|(_, bytes)| bytes)),
            FormUpload::Answer(r) => return r,
            FormUpload::Refused(lines) => {
                let Ok(id) = case_id(&id) else {
                    return page.error(AppError::NotFound);
                };
                return case_page(&st, &page, id, StatusCode::PAYLOAD_TOO_LARGE, lines, None).await;
            }
        }
    } else {
        match page.checked_form(Form::from_request(req, &st).await) {
            Ok(f) => (f, None),
            Err(r) => return r,
        }
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let services: Vec<String> = f
        .0
        .iter()
        .filter(|(k, _)| k == "layanan")
        .map(|(_, v)| v.clone())
        .collect();
    let role = f.text("peran");
    let victim = role == "victim";
    let mut input = json!({
        "role": role, "name": f.text("nama"), "identity_number": opt(f.text("nik")),
        "contact": opt(f.text("kontak")), "address": opt(f.text("alamat")), "child": f.get("anak").is_some(),
        "handler": opt(f.text("pengendali")),
    });
    if let Some(bytes) = photo {
        use base64::Engine as _;
        input["photo"] = json!(base64::engine::general_purpose::STANDARD.encode(bytes));
    }
    if victim {
        input["origin_region"] = opt(f.text("asal"));
        input["destination_country"] = opt(f.text("tujuan"));
        input["repatriated_on"] = opt(f.text("pulang"));
        input["border_post"] = opt(f.text("pos_lintas"));
        input["services"] = json!(services);
    }
    let body = PersonBody::read(&input).unwrap_or_default();
    let today = st.app.today_for_region("94");
    let r = match PersonInput::from_body(&body, today) {
        Ok(p) => st.app.add_person(&page.authed.actor, id, p).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/orang/{orang}/buka`: opens an identity for a purpose and shows
/// it on this answer only.
pub(crate) async fn open_identity(
    State(st): State<AppState>,
    page: Page,
    Path((id, person)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (Ok(id), Ok(person)) = (case_id(&id), person_id(&person)) else {
        return page.error(AppError::NotFound);
    };
    let body = DecryptBody::read(&json!({"purpose": f.text("keperluan")})).unwrap_or_default();
    let r = match decrypt_purpose(&body) {
        Ok(p) => st.app.open_identity(&page.authed.actor, id, person, p).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match r {
        Ok(o) => case_page(&st, &page, id, StatusCode::OK, Vec::new(), Some(o)).await,
        Err(e) => after_post(&st, &page, id, Err(e)).await,
    }
}

/// `POST /perkara/{id}/orang/{orang}/bagikan`: shares an identity with an agency on the
/// case, for a purpose.
pub(crate) async fn share(
    State(st): State<AppState>,
    page: Page,
    Path((id, person)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (Ok(id), Ok(person)) = (case_id(&id), person_id(&person)) else {
        return page.error(AppError::NotFound);
    };
    let body = PersonShareBody::read(&json!({"agency": f.text("instansi"), "purpose": f.text("keperluan")}))
        .unwrap_or_default();
    let r = match share_input(&body) {
        Ok((agency, purpose)) => st
            .app
            .share_person(&page.authed.actor, id, person, agency, purpose)
            .await
            .map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/orang/{orang}/bagikan/{kode}/cabut`: withdraws a shared identity.
pub(crate) async fn unshare(
    State(st): State<AppState>,
    page: Page,
    Path((id, person, agency)): Path<(String, String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(r) = page.checked_form(body) {
        return r;
    }
    let (Ok(id), Ok(person)) = (case_id(&id), person_id(&person)) else {
        return page.error(AppError::NotFound);
    };
    let r = st
        .app
        .unshare_person(&page.authed.actor, id, person, &agency)
        .await;
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/orang/{orang}/hapus`: crypto-shredding.
pub(crate) async fn erase(
    State(st): State<AppState>,
    page: Page,
    Path((id, person)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(r) = page.checked_form(body) {
        return r;
    }
    let (Ok(id), Ok(person)) = (case_id(&id), person_id(&person)) else {
        return page.error(AppError::NotFound);
    };
    let r = st.app.shred_person(&page.authed.actor, id, person).await;
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/limpah`: asks another agency to take the case over.
pub(crate) async fn transfer(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let body = TransferBody::read(&json!({"to": f.text("kepada"), "note": opt(f.text("catatan"))})).unwrap_or_default();
    let r = match transfer_input(&body) {
        Ok((to, note)) => st.app.request_transfer(&page.authed.actor, id, to, note).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `GET /perkara/tenggat`.
pub(crate) async fn overdue(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<FormDataLike>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let filter = match case_filter(&filter_params(&q)) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let cases = match st.app.overdue_cases(&page.authed.actor, &filter).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    render(
        StatusCode::OK,
        "perkara_tenggat.html",
        context! {
            cases => cases.iter().map(|d| due_row(lang, d)).collect::<Vec<_>>(),
            filter => Value::from_serialize(&q),
            ..page_ctx(&page, "cases")
        },
    )
}

/// `GET /perkara/corong`.
pub(crate) async fn funnel(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<FormDataLike>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let filter = match case_filter(&filter_params(&q)) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let f = match st.app.case_funnel(&page.authed.actor, &filter).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let v = funnel_view(&f);
    let rows: Vec<Value> = v
        .rows
        .iter()
        .map(|r| {
            context! {
                agency => r.agency.as_str(), region => r.region.as_str(),
                offence => OffenceKind::parse(&r.offence_kind).map(|o| offence_label(lang, o)).unwrap_or_default(),
                year => r.year, reports => r.reports, cases => r.cases, p21 => r.p21,
                verdicts => r.verdicts, convicted => r.convicted, stopped => r.stopped,
                rate => r.conviction_rate.map(|x| format!("{:.0}%", x * 100.0)),
            }
        })
        .collect();
    let totals = v.rows.iter().fold([0i64; 6], |mut t, r| {
        t[0] += r.reports;
        t[1] += r.cases;
        t[2] += r.p21;
        t[3] += r.verdicts;
        t[4] += r.convicted;
        t[5] += r.stopped;
        t
    });
    let times: Vec<Value> = f
        .stage_times
        .iter()
        .map(|t| context! { stage => stage_label(lang, ProcedureCode::Kuhap2025, t.stage), steps => t.steps, days => format!("{:.1}", t.mean_days) })
        .collect();
    let csv_query = filter_query(&q);
    render(
        StatusCode::OK,
        "perkara_corong.html",
        context! {
            rows => rows,
            totals => totals.to_vec(),
            rate => (totals[3] > 0).then(|| format!("{:.0}%", totals[4] as f64 * 100.0 / totals[3] as f64)),
            times => times,
            filter => Value::from_serialize(&q),
            offences => choices(OffenceKind::ALL, |o| offence_label(lang, o), |o| o.as_str()),
            csv => format!("/perkara/corong.csv?{csv_query}"),
            ..page_ctx(&page, "cases")
        },
    )
}

/// `GET /perkara/corong.csv`: the funnel for the agencies' annual reports.
pub(crate) async fn funnel_csv(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<FormDataLike>, QueryRejection>,
) -> Response {
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let filter = match case_filter(&filter_params(&q)) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let f = match st.app.case_funnel(&page.authed.actor, &filter).await {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let v = funnel_view(&f);
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "agency", "region", "offence", "year", "reports", "cases", "p21", "verdicts", "convicted",
        "stopped", "conviction_rate",
    ]);
    for r in &v.rows {
        let _ = w.write_record([
            r.agency.clone(),
            r.region.clone(),
            r.offence_kind.clone(),
            r.year.to_string(),
            r.reports.to_string(),
            r.cases.to_string(),
            r.p21.to_string(),
            r.verdicts.to_string(),
            r.convicted.to_string(),
            r.stopped.to_string(),
            r.conviction_rate.map(|x| format!("{x:.3}")).unwrap_or_default(),
        ]);
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"corong-perkara.csv\""),
        ],
        body,
    )
        .into_response()
}

/// `GET /perkara/korban`.
pub(crate) async fn victims(
    State(st): State<AppState>,
    page: Page,
    q: Result<Query<FormDataLike>, QueryRejection>,
) -> Response {
    let lang = page.lang;
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let filter = match case_filter(&filter_params(&q)) {
        Ok(f) => f,
        Err(e) => return page.error(e),
    };
    let v = match st.app.victim_counts(&page.authed.actor, &filter).await {
        Ok(v) => victims_view(&v),
        Err(e) => return page.error(e),
    };
    let gaz = sinergi_regions::Gazetteer::shipped();
    let rows: Vec<Value> = v
        .rows
        .iter()
        .map(|r| {
            context! {
                origin => r.origin_region.as_deref().map(|c| gaz.get(c).map(|g| format!("{} ({c})", g.name)).unwrap_or_else(|| c.to_string())),
                destination => r.destination_country.clone(),
                month => r.month.clone(),
                victims => r.victims, children => r.children,
            }
        })
        .collect();
    let services: Vec<Value> = v
        .services
        .iter()
        .map(|s| {
            context! {
                service => ServiceKind::parse(&s.service).map(|x| service_label(lang, x)).unwrap_or_default(),
                status => ServiceStatus::parse(&s.status).map(|x| service_status_label(lang, x)).unwrap_or_default(),
                victims => s.victims,
            }
        })
        .collect();
    render(
        StatusCode::OK,
        "perkara_korban.html",
        context! {
            total => v.total, rows => rows, services => services,
            filter => Value::from_serialize(&q),
            ..page_ctx(&page, "cases")
        },
    )
}

/// `GET /perkara/pelimpahan`.
pub(crate) async fn transfers(State(st): State<AppState>, page: Page) -> Response {
    transfers_page(&st, &page, StatusCode::OK, Vec::new()).await
}

async fn transfers_page(st: &AppState, page: &Page, status: StatusCode, errors: Vec<String>) -> Response {
    let lang = page.lang;
    let list = match st.app.incoming_transfers(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let rows: Vec<Value> = list
        .iter()
        .map(|(t, c, from)| {
            context! {
                id => t.id.to_string(), case_id => c.id.to_string(), number => c.number.as_str(),
                title => c.title.as_str(), from => from.code.as_str(), note => t.note.clone(),
                offence => offence_label(lang, c.offence.kind), stage => stage_label(lang, c.law, c.stage),
                at => t.requested_at.date_naive().to_string(),
            }
        })
        .collect();
    render(
        status,
        "perkara_pelimpahan.html",
        context! {
            transfers => rows,
            may_decide => page.may(Action::ManageAgencyReports),
            errors => errors,
            ..page_ctx(page, "cases")
        },
    )
}

/// `POST /perkara/pelimpahan/{id}`: accept or refuse.
pub(crate) async fn decide(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(id) = TransferId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let body = TransferDecisionBody::read(&json!({"decision": f.text("keputusan"), "note": opt(f.text("catatan"))})).unwrap_or_default();
    let r = match transfer_decision(&body) {
        Ok((accept, note)) => st.app.decide_transfer(&page.authed.actor, id, accept, note).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match r {
        Ok(t) if t.status == TransferStatus::Accepted => {
            Redirect::to(&format!("/perkara/{}", t.case_id)).into_response()
        }
        Ok(_) => Redirect::to("/perkara/pelimpahan").into_response(),
        Err(AppError::Validation(e)) => {
            transfers_page(&st, &page, UNPROCESSABLE, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}

/// `GET /perkara/{id}/ringkasan.pdf`: the case's printable summary.
pub(crate) async fn summary_pdf(State(st): State<AppState>, page: Page, Path(id): Path<String>) -> Response {
    let Some(id) = CaseId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.case_view(&page.authed.actor, id).await {
        Ok(v) => crate::api_common::file_response(
            super::pdf::summary_pdf(&v, page.lang),
            "application/pdf",
            &format!("ringkasan-perkara-{id}.pdf"),
            "inline",
        ),
        Err(e) => page.error(e),
    }
}

/// `POST /perkara/{id}/barang-bukti`: an evidence item and its seizure.
pub(crate) async fn add_evidence(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let input = json!({
        "description": f.text("uraian"), "quantity": opt(f.text("jumlah")), "seized_on": f.text("disita"),
        "holder": f.text("penyimpan"), "document_number": opt(f.text("nomor_sita")),
    });
    let body = sinergi_core::case::EvidenceBody::read(&input).unwrap_or_default();
    let today = st.app.today_for_region("94");
    let r = match sinergi_core::case::EvidenceInput::from_body(&body, today) {
        Ok(i) => st.app.add_evidence(&page.authed.actor, id, i).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/barang-bukti/{bb}/riwayat`: the next step of custody.
pub(crate) async fn record_custody(
    State(st): State<AppState>,
    page: Page,
    Path((id, item)): Path<(String, String)>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let (Ok(id), Some(item)) = (case_id(&id), sinergi_core::case::EvidenceId::parse(&item)) else {
        return page.error(AppError::NotFound);
    };
    let input = json!({
        "action": f.text("tindakan"), "on": f.text("tanggal"), "holder": f.text("penyimpan"),
        "document_number": opt(f.text("nomor")), "note": opt(f.text("catatan")),
    });
    let body = sinergi_core::case::CustodyBody::read(&input).unwrap_or_default();
    let r = match sinergi_core::case::CustodyInput::from_body(&body) {
        Ok(i) => st.app.record_custody(&page.authed.actor, id, item, i).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `POST /perkara/{id}/tugas`: asks another agency to do a task.
pub(crate) async fn request_task(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Ok(id) = case_id(&id) else {
        return page.error(AppError::NotFound);
    };
    let input = json!({
        "to": f.text("kepada"), "kind": f.text("jenis_tugas"), "what": f.text("uraian_tugas"),
        "due_on": opt(f.text("tenggat")),
    });
    let body = sinergi_core::case::TaskBody::read(&input).unwrap_or_default();
    let today = st.app.today_for_region("94") - chrono::Days::new(1);
    let r = match sinergi_core::case::TaskInput::from_body(&body, today) {
        Ok(i) => st.app.request_task(&page.authed.actor, id, i).await.map(|_| ()),
        Err(e) => Err(AppError::Validation(e)),
    };
    after_post(&st, &page, id, r).await
}

/// `GET /perkara/tugas`: the tasks asked of the visitor's agency.
pub(crate) async fn tasks(State(st): State<AppState>, page: Page) -> Response {
    tasks_page(&st, &page, StatusCode::OK, Vec::new()).await
}

async fn tasks_page(st: &AppState, page: &Page, status: StatusCode, errors: Vec<String>) -> Response {
    let lang = page.lang;
    let list = match st.app.my_tasks(&page.authed.actor).await {
        Ok(l) => l,
        Err(e) => return page.error(e),
    };
    let rows: Vec<Value> = list
        .iter()
        .map(|(t, c, from)| {
            context! {
                id => t.id.to_string(), number => c.number.as_str(), title => c.title.as_str(),
                offence => offence_label(lang, c.offence.kind), from => from.code.as_str(),
                kind => task_kind_label(lang, t.kind), what => t.what.as_str(),
                due_on => t.due_on.map(|d| d.to_string()), open => t.status == sinergi_core::case::TaskStatus::Requested,
                status => task_status_label(lang, t.status), result => t.result.clone(),
            }
        })
        .collect();
    render(
        status,
        "perkara_tugas.html",
        context! {
            tasks => rows,
            may_answer => page.may(Action::WriteReports),
            errors => errors,
            ..page_ctx(page, "cases")
        },
    )
}

/// `POST /perkara/tugas/{id}`: the answer to a task.
pub(crate) async fn answer_task(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(id) = sinergi_core::case::TaskId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let body = sinergi_core::case::TaskAnswerBody::read(&json!({"status": f.text("status"), "result": f.text("hasil")}))
        .unwrap_or_default();
    let r = match sinergi_core::case::task_answer(&body) {
        Ok((s, result)) => st.app.answer_task(&page.authed.actor, id, s, result).await,
        Err(e) => Err(AppError::Validation(e)),
    };
    match r {
        Ok(_) => Redirect::to("/perkara/tugas").into_response(),
        Err(AppError::Validation(e)) => tasks_page(&st, &page, UNPROCESSABLE, error_lines(page.lang, &e)).await,
        Err(e) => page.error(e),
    }
}

/// `POST /perkara/pengaturan`: the agency's case-number format and the roles that open
/// its protected identities.
pub(crate) async fn settings(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let actor = &page.authed.actor;
    let roles: Vec<sinergi_core::user::Role> = f
        .0
        .iter()
        .filter(|(k, _)| k == "peran_buka")
        .filter_map(|(_, v)| sinergi_core::user::Role::parse(v))
        .collect();
    let r = async {
        st.app.set_case_number_format(actor, &f.text("format_nomor")).await?;
        st.app.set_case_decrypt_roles(actor, roles).await
    }
    .await;
    match r {
        Ok(()) => Redirect::to("/perkara").into_response(),
        Err(AppError::Validation(e)) => {
            let values = NewValues::default();
            list_page(&st, &page, &FormDataLike::default(), UNPROCESSABLE, &values, error_lines(page.lang, &e)).await
        }
        Err(e) => page.error(e),
    }
}
