//! The data-sharing agreement pages: the list of agreements the user's agency is party to,
//! and one agreement with its parties, clauses, plain-language summary and documents (with
//! the approve, propose, revoke and upload controls) and the decisions taken on it. The
//! form on which an administrator proposes, saves or edits a draft is in
//! `agreement_form.rs`.
//!
//! These handlers must never act without a valid `_csrf` field and never decide who may
//! approve, propose, edit, upload or revoke: the controls follow the same rules as the
//! app, which checks again.

use std::collections::{BTreeMap, HashMap};

use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::agreement::{AgencyTree, Agreement, AgreementStatus, Clause};
use sinergi_core::ids::{AgencyId, AgreementId};
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::Precision;
use sinergi_core::time::Zone;

use crate::api_common::urlencode;
use crate::ui::format::{human_size, km};
use crate::i18n::{k, tr, tr_args, Lang};
use crate::ui::render::{page_ctx, render};
use crate::ui::{sensitivity_label, show_time, FormData, Page, UNPROCESSABLE};
use crate::AppState;

/// The most clause blocks the form reads; more is not a real agreement.
pub(crate) const MAX_CLAUSES: usize = 20;

/// Clause blocks the form offers without JavaScript.
pub(crate) const CLAUSE_BLOCKS: usize = 3;

// ---- labels shared with the report page ------------------------------------------------

pub(crate) fn status_label(lang: Lang, s: AgreementStatus) -> String {
    let key = match s {
        AgreementStatus::Draft => k!("ag_draft"),
        AgreementStatus::Proposed => k!("ag_proposed"),
        AgreementStatus::Active => k!("ag_active"),
        AgreementStatus::Expired => k!("ag_expired"),
        AgreementStatus::Revoked => k!("ag_revoked"),
    };
    tr(lang, key)
}

/// A category of report types in words; an unknown one is shown as its key.
pub(crate) fn category_label(lang: Lang, c: &str) -> String {
    let key = match c {
        "forestry_crime" => k!("cat_forestry_crime"),
        "wildlife_crime" => k!("cat_wildlife_crime"),
        "fire" => k!("cat_fire"),
        "wildlife_conflict" => k!("cat_wildlife_conflict"),
        "wildlife" => k!("cat_wildlife"),
        "trafficking" => k!("cat_trafficking"),
        "narcotics" => k!("cat_narcotics"),
        "community" => k!("cat_community"),
        "patrol" => k!("cat_patrol"),
        "form" => k!("cat_form"),
        other => return other.to_string(),
    };
    tr(lang, key)
}

/// How precisely a clause delivers locations, as a table cell or select option.
pub(crate) fn precision_label(lang: Lang, p: Precision) -> String {
    match p {
        Precision::Exact => tr(lang, k!("prec_exact")),
        Precision::Grid(m) => tr_args(lang, k!("prec_grid"), &[("n", &km(m))]),
        Precision::Region => tr(lang, k!("prec_region")),
    }
}

pub(crate) fn type_label(types: &[ReportType], key: &str, lang: Lang) -> String {
    types
        .iter()
        .find(|t| t.key == key)
        .map(|t| lang.pick(&t.label_id, &t.label_en).to_string())
        .unwrap_or_else(|| key.to_string())
}

pub(crate) fn forbidden() -> AppError {
    AppError::Forbidden("administrators only".into())
}

pub(crate) fn agency_options(agencies: &[Agency]) -> Vec<Value> {
    let mut sorted: Vec<&Agency> = agencies.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    sorted
        .iter()
        .map(|a| context! { code => a.code.as_str(), label => format!("{} — {}", a.code, a.name) })
        .collect()
}

/// An agency as `{code, name}` for the templates; an unknown id shows as itself.
pub(crate) fn agency_ref(by_id: &HashMap<AgencyId, &Agency>, id: &AgencyId) -> Value {
    match by_id.get(id) {
        Some(a) => context! { code => a.code.as_str(), name => a.name.as_str() },
        None => context! { code => id.to_string(), name => "" },
    }
}

pub(crate) fn query(q: Result<Query<Vec<(String, String)>>, QueryRejection>) -> FormData {
    FormData(q.map(|Query(v)| v).unwrap_or_default())
}

pub(crate) fn notice_of(lang: Lang, pesan: Option<&str>) -> Option<String> {
    let key = match pesan? {
        "diusulkan" => k!("notice_ag_proposed"),
        "draf" => k!("notice_ag_draft"),
        "dokumen" => k!("notice_ag_document"),
        "disetujui" => k!("notice_ag_approved"),
        "dicabut" => k!("notice_ag_revoked"),
        _ => return None,
    };
    Some(tr(lang, key))
}

// ---- list --------------------------------------------------------------------------------

/// `GET /perjanjian`: the agreements the user's agency (or one above it) is party to.
pub(crate) async fn list(State(st): State<AppState>, page: Page) -> Response {
    let lang = page.lang;
    let (mut agreements, agencies) = match (
        st.app.agreements_for(&page.authed.actor).await,
        st.app.agencies().await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return page.error(e),
    };
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|a| (a.id, a)).collect();
    let now = st.app.now();
    agreements.sort_by_key(|a| std::cmp::Reverse(a.created_at));
    let rows: Vec<Value> = agreements
        .iter()
        .map(|a| {
            let status = a.effective_status(now);
            context! {
                id => a.id.to_string(),
                number => a.number.as_str(),
                title => a.title.as_str(),
                parties => a.parties.iter().map(|p| agency_ref(&by_id, p)).collect::<Vec<_>>(),
                valid_from => a.valid_from.to_string(),
                valid_until => a.valid_until.to_string(),
                status => status.as_str(),
                status_label => status_label(lang, status),
            }
        })
        .collect();
    render(
        StatusCode::OK,
        "perjanjian_daftar.html",
        context! {
            agreements => rows,
            can_propose => page.may(sinergi_core::permission::Action::ManageAgreements),
            ..page_ctx(&page, "agreements")
        },
    )
}

// ---- detail ------------------------------------------------------------------------------

/// What the detail page shows besides the agreement.
#[derive(Default)]
pub(crate) struct DetailExtra {
    pub(crate) status: Option<StatusCode>,
    pub(crate) notice: Option<String>,
    /// A refused approval or revocation, shown at the top.
    pub(crate) error: Option<String>,
    /// The revoke form was sent without its statement ticked.
    pub(crate) revoke_unticked: bool,
    /// A refused upload.
    pub(crate) upload_errors: Vec<String>,
}

/// One clause as a sentence ("what flows where"), every word from the catalogue: types
/// and categories by name, withheld fields by their labels, the sensitivity and the
/// location precision in words. The API's `what_flows_where` is the same sentence in
/// Bahasa Indonesia.
pub(crate) fn flow_sentence(
    lang: Lang,
    c: &Clause,
    code: &dyn Fn(&AgencyId) -> String,
    types: &[ReportType],
) -> String {
    let sub = if c.include_subagencies {
        format!(" ({})", tr(lang, k!("with_sub")))
    } else {
        String::new()
    };
    let from = c
        .from
        .as_ref()
        .map(code)
        .unwrap_or_else(|| tr(lang, k!("ag_flow_any_party")));
    let to: Vec<String> = c.to.iter().map(code).collect();
    let mut what: Vec<String> = c
        .report_types
        .iter()
        .map(|k| type_label(types, k, lang))
        .collect();
    what.extend(c.categories.iter().map(|k| {
        tr_args(
            lang,
            k!("ag_flow_category"),
            &[("name", &category_label(lang, k))],
        )
    }));
    let without = if c.withheld_fields.is_empty() {
        String::new()
    } else {
        let fields: Vec<String> = c
            .withheld_fields
            .iter()
            .map(|w| crate::ui::withheld_field_label(lang, types, None, w))
            .collect();
        tr_args(
            lang,
            k!("ag_flow_without"),
            &[("fields", &fields.join(", "))],
        )
    };
    let place = match c.precision {
        Precision::Exact => tr(lang, k!("place_exact")),
        Precision::Grid(m) => tr_args(lang, k!("place_grid"), &[("n", &km(m))]),
        Precision::Region => tr(lang, k!("place_region")),
    };
    let flow = tr_args(
        lang,
        k!("ag_flow"),
        &[
            ("from", &format!("{from}{sub}")),
            ("to", &format!("{}{sub}", to.join(", "))),
            ("what", &what.join(", ")),
            (
                "level",
                &sensitivity_label(lang, c.max_sensitivity).to_lowercase(),
            ),
            ("without", &without),
            ("place", &place),
        ],
    );
    if c.protected_persons.is_empty() {
        return flow;
    }
    let kinds: Vec<String> = c
        .protected_persons
        .iter()
        .map(|r| crate::features::cases::ui::role_label(lang, *r).to_lowercase())
        .collect();
    format!(
        "{flow} {}",
        tr_args(lang, k!("ag_flow_persons"), &[("kinds", &kinds.join(", "))])
    )
}

/// May the actor approve `a` for their agency now? The app's rule, to choose the button.
pub(crate) fn may_approve(page: &Page, a: &Agreement, status: AgreementStatus) -> bool {
    let mine = page.authed.actor.agency_id;
    page.may(sinergi_core::permission::Action::ManageAgreements)
        && a.parties.contains(&mine)
        && !a.approvals.contains(&mine)
        && status == AgreementStatus::Proposed
}

/// Does the actor administer a party of `a`? The app's rule for editing and proposing a
/// draft and for adding documents, to choose the controls.
pub(crate) fn administers_party(page: &Page, a: &Agreement) -> bool {
    sinergi_core::access::manages_agreement(&page.authed.actor, &a.parties)
}

/// May the actor revoke `a`? The app's rule, to choose the button.
pub(crate) fn may_revoke(page: &Page, a: &Agreement) -> bool {
    sinergi_core::access::manages_agreement(&page.authed.actor, &a.parties)
        && a.status != AgreementStatus::Revoked
}

pub(crate) async fn detail_page(
    st: &AppState,
    page: &Page,
    id: AgreementId,
    extra: DetailExtra,
) -> Response {
    let lang = page.lang;
    let a = match st.app.agreement_for(&page.authed.actor, id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let agencies = match st.app.agencies().await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|x| (x.id, x)).collect();
    let code = |id: &AgencyId| {
        by_id
            .get(id)
            .map(|x| x.code.to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let types = match st.app.agreement_types().await {
        Ok(t) => t,
        Err(e) => return page.error(e),
    };
    let summary: Vec<String> = a
        .clauses
        .iter()
        .map(|c| flow_sentence(lang, c, &code, &types))
        .collect();
    let now = st.app.now();
    let status = a.effective_status(now);
    let parties: Vec<Value> = a
        .parties
        .iter()
        .map(|p| {
            let r = agency_ref(&by_id, p);
            context! { approved => a.approvals.contains(p), ..r }
        })
        .collect();
    let clauses: Vec<Value> = a
        .clauses
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut what: Vec<Value> = c
                .categories
                .iter()
                .map(|k| context! { category => true, label => category_label(lang, k) })
                .collect();
            what.extend(
                c.report_types
                    .iter()
                    .map(|k| context! { category => false, label => type_label(&types, k, lang) }),
            );
            context! {
                label => tr_args(lang, k!("clause_n"), &[("n", &(i + 1).to_string())]),
                from => c.from.as_ref().map(|f| agency_ref(&by_id, f)),
                to => c.to.iter().map(|t| agency_ref(&by_id, t)).collect::<Vec<_>>(),
                what => what,
                max_sensitivity => c.max_sensitivity.as_str(),
                max_sensitivity_label => sensitivity_label(lang, c.max_sensitivity),
                withheld => c
                    .withheld_fields
                    .iter()
                    .map(|w| crate::ui::withheld_field_label(lang, &types, None, w))
                    .collect::<Vec<_>>()
                    .join(", "),
                precision => precision_label(lang, c.precision),
                sub => c.include_subagencies,
                persons => c
                    .protected_persons
                    .iter()
                    .map(|r| crate::features::cases::ui::role_label(lang, *r))
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })
        .collect();
    // The proposer by name; a user who no longer exists shows as nothing rather than
    // failing the page.
    let proposer = match st.app.user_by_id(a.created_by).await {
        Ok(u) => u
            .map(|u| format!("{} ({})", u.display_name, u.username.as_str()))
            .unwrap_or_default(),
        Err(e) => return page.error(e),
    };
    let my_agency = page
        .agency
        .as_ref()
        .map(|x| format!("{} ({})", x.name, x.code))
        .unwrap_or_default();
    let documents: Vec<Value> = a
        .documents
        .iter()
        .rev()
        .map(|d| {
            context! {
                id => d.id.to_string(),
                filename => d.filename.as_str(),
                content_type => d.content_type.as_str(),
                size => human_size(d.size),
                time => show_time(Zone::Wib, d.uploaded_at),
                href => format!("/api/v1/agreements/{}/documents/{}", a.id, d.id),
            }
        })
        .collect();
    let party_admin = administers_party(page, &a);
    let is_draft = a.status == AgreementStatus::Draft;
    let shared = shared_links(page, &a, &agencies, &types, now);
    render(
        extra.status.unwrap_or(StatusCode::OK),
        "perjanjian_detail.html",
        context! {
            a => context! {
                id => a.id.to_string(),
                title => a.title.as_str(),
                number => a.number.as_str(),
                legal_basis => a.legal_basis.as_str(),
                valid_from => a.valid_from.to_string(),
                valid_until => a.valid_until.to_string(),
                status => status.as_str(),
                status_label => status_label(lang, status),
                created => show_time(Zone::Wib, a.created_at),
                updated => show_time(Zone::Wib, a.updated_at),
                version => a.version,
                proposer => proposer,
            },
            parties => parties,
            summary => summary,
            clauses => clauses,
            can_approve => may_approve(page, &a, status),
            can_revoke => may_revoke(page, &a),
            can_edit_draft => party_admin && is_draft,
            can_upload => party_admin && a.status != AgreementStatus::Revoked,
            can_renew => party_admin && matches!(status, AgreementStatus::Expired | AgreementStatus::Revoked),
            shared => shared,
            documents => documents,
            upload_errors => extra.upload_errors,
            approve_hint => tr_args(lang, k!("approve_hint"), &[("agency", &my_agency)]),
            notice => extra.notice,
            action_error => extra.error,
            revoke_unticked => extra.revoke_unticked,
            ..page_ctx(page, "agreements")
        },
    )
}

/// What `a` shares with the viewer's agency now, as links into the report list: for each
/// agency whose reports flow to the viewer (not the viewer's own agency or those below
/// it, which the viewer sees anyway), its reports and each shared type of them, with the
/// list's own `agency` and `type` parameters. Empty when the agreement is not in force
/// or shares nothing with the viewer.
fn shared_links(
    page: &Page,
    a: &Agreement,
    agencies: &[Agency],
    types: &[ReportType],
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<Value> {
    let lang = page.lang;
    let actor = &page.authed.actor;
    let tree = AgencyTree::new(agencies.iter().map(|x| (x.id, x.parent_id)));
    let mut by_owner: BTreeMap<String, (&Agency, Vec<String>)> = BTreeMap::new();
    for g in a.grants_for(actor.agency_id, &tree, types, now) {
        for owner in &g.owners {
            if *owner == actor.agency_id || actor.agency_descendants.contains(owner) {
                continue;
            }
            let Some(agency) = agencies.iter().find(|x| x.id == *owner) else {
                continue;
            };
            let entry = by_owner
                .entry(agency.code.to_string())
                .or_insert((agency, Vec::new()));
            for t in &g.type_keys {
                if !entry.1.contains(t) {
                    entry.1.push(t.clone());
                }
            }
        }
    }
    by_owner
        .values()
        .filter(|(_, keys)| !keys.is_empty())
        .map(|(agency, keys)| {
            let code = agency.code.to_string();
            // Types in catalogue order.
            let shared_types: Vec<Value> = types
                .iter()
                .filter(|t| keys.contains(&t.key))
                .map(|t| {
                    // A form's answers are read from the forms page's shared section.
                    let href = if t.key.starts_with(sinergi_core::submission::shared::FORM_TYPE_PREFIX) {
                        "/formulir".to_string()
                    } else {
                        format!("/laporan?agency={}&type={}", urlencode(&code), urlencode(&t.key))
                    };
                    context! { label => lang.pick(&t.label_id, &t.label_en), href => href }
                })
                .collect();
            context! {
                code => code.as_str(),
                name => agency.name.as_str(),
                href => format!("/laporan?agency={}", urlencode(&code)),
                label => tr_args(lang, k!("ag_reports_of"), &[("agency", &code)]),
                types => shared_types,
            }
        })
        .collect()
}

/// `GET /perjanjian/{id}`.
pub(crate) async fn detail(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = AgreementId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let f = FormData(q.map(|Query(v)| v).unwrap_or_default());
    let extra = DetailExtra {
        notice: notice_of(page.lang, f.get("pesan")),
        ..Default::default()
    };
    detail_page(&st, &page, id, extra).await
}

/// The detail page again with a refused action explained.
pub(crate) async fn refused(
    st: &AppState,
    page: &Page,
    id: AgreementId,
    status: StatusCode,
    key: &str,
) -> Response {
    let extra = DetailExtra {
        status: Some(status),
        error: Some(tr(page.lang, key)),
        ..Default::default()
    };
    detail_page(st, page, id, extra).await
}

/// `POST /perjanjian/{id}/setujui`: the approval of the actor's own agency.
pub(crate) async fn approve(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    if let Err(resp) = page.checked_form(body) {
        return resp;
    }
    let Some(id) = AgreementId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    match st.app.approve_agreement(&page.authed.actor, id).await {
        Ok(_) => Redirect::to(&format!("/perjanjian/{id}?pesan=disetujui")).into_response(),
        Err(AppError::Conflict(_)) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_not_proposed")).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_changed")).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /perjanjian/{id}/cabut` with the statement `yakin=1` ticked.
pub(crate) async fn revoke(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let Some(id) = AgreementId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    if f.text("yakin") != "1" {
        let extra = DetailExtra {
            status: Some(UNPROCESSABLE),
            revoke_unticked: true,
            ..Default::default()
        };
        return detail_page(&st, &page, id, extra).await;
    }
    match st.app.revoke_agreement(&page.authed.actor, id).await {
        Ok(_) => Redirect::to(&format!("/perjanjian/{id}?pesan=dicabut")).into_response(),
        Err(AppError::Conflict(_)) => {
            refused(
                &st,
                &page,
                id,
                StatusCode::CONFLICT,
                k!("ag_already_revoked"),
            )
            .await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_changed")).await
        }
        Err(e) => page.error(e),
    }
}
