//! The form on which an administrator proposes an agreement, saves it as a draft, or edits
//! a draft; proposing a draft and uploading its documents.
//!
//! These handlers must never act without a valid `_csrf` field. The form builds exactly
//! the JSON the API takes, so both paths share one set of checks, and a refused form comes
//! back with every value as typed.

use sinergi_core::agreement::AgreementBody;
use sinergi_core::input::Body as _;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{context, Value};
use serde::Serialize;
use serde_json::json;
use sinergi_app::AppError;
use sinergi_core::agency::Agency;
use sinergi_core::agreement::{Agreement, AgreementInput, AgreementStatus};
use sinergi_core::ids::{AgencyId, AgreementId};
use sinergi_core::protect::PersonRole;
use sinergi_core::report::Sensitivity;
use sinergi_core::sharing::Precision;
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;

use super::agreements::*;
use crate::i18n::{core_message, k, tr, tr_args, Lang};
use crate::ui::render::{csrf_page, page_ctx, render};
use crate::ui::{bad_form, sensitivity_label, FormData, Page, UNPROCESSABLE};
use crate::AppState;

// ---- the proposal form -------------------------------------------------------------------

/// One clause block as typed.
#[derive(Debug, Clone, Serialize, PartialEq)]
struct ClauseValues {
    from: String,
    to: Vec<String>,
    report_types: Vec<String>,
    categories: Vec<String>,
    max_sensitivity: String,
    /// Keys of the withheld fields (ticked boxes; a value may also list several keys
    /// separated by commas, as the API's own clients write them).
    withheld: Vec<String>,
    precision: String,
    sub: bool,
    /// The kinds of protected person whose identities may be shared (ticked boxes).
    persons: Vec<String>,
}

impl Default for ClauseValues {
    fn default() -> Self {
        ClauseValues {
            from: "*".into(),
            to: Vec::new(),
            report_types: Vec::new(),
            categories: Vec::new(),
            max_sensitivity: Sensitivity::Internal.as_str().into(),
            withheld: Vec::new(),
            precision: "0".into(),
            sub: false,
            persons: Vec::new(),
        }
    }
}

impl ClauseValues {
    /// A block left as the form offered it; such blocks are ignored.
    fn is_empty(&self) -> bool {
        self.to.is_empty()
            && self.report_types.is_empty()
            && self.categories.is_empty()
            && self.withheld.is_empty()
    }

    /// The keys of `values`, each split at commas, semicolons and spaces, in order and
    /// once each.
    fn keys_of(values: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in values {
            for k in v.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
                if !k.is_empty() && !out.iter().any(|x| x == k) {
                    out.push(k.to_string());
                }
            }
        }
        out
    }

    /// The clause as the API takes it.
    fn to_json(&self) -> serde_json::Value {
        let precision = match self.precision.trim() {
            "region" => json!("region"),
            p => match p.parse::<u64>() {
                Ok(n) => json!(n),
                // Passed on as typed, so the domain's check names the field.
                Err(_) => json!(p),
            },
        };
        let from = match self.from.trim() {
            "" => "*",
            f => f,
        };
        json!({
            "from": from,
            "to": self.to,
            "report_types": self.report_types,
            "categories": self.categories,
            "max_sensitivity": self.max_sensitivity,
            "withheld_fields": self.withheld,
            "location_precision_m": precision,
            "include_subagencies": self.sub,
            "protected_persons": self.persons,
        })
    }
}

/// The whole form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct AgreementValues {
    title: String,
    number: String,
    legal_basis: String,
    parties: Vec<String>,
    valid_from: String,
    valid_until: String,
    clauses: Vec<ClauseValues>,
    /// The button pressed: save as a draft rather than propose.
    draft: bool,
}

/// A precision as the form's select value.
fn precision_value(p: Precision) -> String {
    match p {
        Precision::Exact => "0".into(),
        Precision::Grid(m) => m.to_string(),
        Precision::Region => "region".into(),
    }
}

/// The block index of a field named `clauses[N].…`.
fn clause_index(key: &str) -> Option<(usize, &str)> {
    let rest = key.strip_prefix("clauses[")?;
    let (n, rest) = rest.split_once(']')?;
    let n = n.parse::<usize>().ok()?;
    Some((n, rest.strip_prefix('.').unwrap_or(rest)))
}

impl AgreementValues {
    fn from_form(f: &FormData) -> Self {
        let all = |key: &str| -> Vec<String> {
            f.0.iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect()
        };
        let blocks: BTreeSet<usize> =
            f.0.iter()
                .filter_map(|(k, _)| clause_index(k).map(|(n, _)| n))
                .filter(|n| *n < MAX_CLAUSES)
                .collect();
        let count = blocks.iter().next_back().map(|n| n + 1).unwrap_or(0);
        let clauses = (0..count)
            .map(|i| {
                let p = format!("clauses[{i}]");
                ClauseValues {
                    from: f.text(&format!("{p}.from")),
                    to: all(&format!("{p}.to")),
                    report_types: all(&format!("{p}.report_types")),
                    categories: all(&format!("{p}.categories")),
                    max_sensitivity: f.text(&format!("{p}.max_sensitivity")),
                    withheld: ClauseValues::keys_of(&all(&format!("{p}.withheld"))),
                    precision: f.text(&format!("{p}.precision")),
                    sub: !f.text(&format!("{p}.sub")).is_empty(),
                    persons: all(&format!("{p}.persons")),
                }
            })
            .collect();
        AgreementValues {
            title: f.text("title"),
            number: f.text("number"),
            legal_basis: f.text("legal_basis"),
            parties: all("parties"),
            valid_from: f.text("valid_from"),
            valid_until: f.text("valid_until"),
            clauses,
            draft: f.text("status") == "draft",
        }
    }

    /// A stored agreement as the form shows it, agencies by code.
    fn from_agreement(a: &Agreement, agencies: &[Agency]) -> Self {
        let by_id: HashMap<AgencyId, &Agency> = agencies.iter().map(|x| (x.id, x)).collect();
        let code = |id: &AgencyId| {
            by_id
                .get(id)
                .map(|x| x.code.to_string())
                .unwrap_or_else(|| id.to_string())
        };
        AgreementValues {
            title: a.title.clone(),
            number: a.number.clone(),
            legal_basis: a.legal_basis.clone(),
            parties: a.parties.iter().map(code).collect(),
            valid_from: a.valid_from.to_string(),
            valid_until: a.valid_until.to_string(),
            clauses: a
                .clauses
                .iter()
                .map(|c| ClauseValues {
                    from: c.from.as_ref().map(code).unwrap_or_else(|| "*".into()),
                    to: c.to.iter().map(code).collect(),
                    report_types: c.report_types.clone(),
                    categories: c.categories.clone(),
                    max_sensitivity: c.max_sensitivity.as_str().into(),
                    withheld: c.withheld_fields.clone(),
                    precision: precision_value(c.precision),
                    sub: c.include_subagencies,
                    persons: c
                        .protected_persons
                        .iter()
                        .map(|r| r.as_str().to_string())
                        .collect(),
                })
                .collect(),
            draft: true,
        }
    }

    /// The API's JSON, and for each of its clauses the form block it came from (empty
    /// blocks are left out, so the numbering can differ).
    fn to_json(&self) -> (serde_json::Value, Vec<usize>) {
        let mut used = Vec::new();
        let mut clauses = Vec::new();
        for (i, c) in self.clauses.iter().enumerate() {
            if !c.is_empty() {
                used.push(i);
                clauses.push(c.to_json());
            }
        }
        let body = json!({
            "title": self.title,
            "number": self.number,
            "legal_basis": self.legal_basis,
            "parties": self.parties,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "clauses": clauses,
            "status": if self.draft { "draft" } else { "proposed" },
        });
        (body, used)
    }
}

/// The form's errors by field name, and the summary at the top.
struct Errors {
    lang: Lang,
    by_field: BTreeMap<String, Vec<String>>,
    summary: Vec<String>,
}

impl Errors {
    fn new(lang: Lang) -> Self {
        Errors {
            lang,
            by_field: BTreeMap::new(),
            summary: Vec::new(),
        }
    }

    fn push(&mut self, field: String, message: String) {
        self.summary
            .push(format!("{}: {message}", field_label(self.lang, &field)));
        self.by_field.entry(field).or_default().push(message);
    }

    /// Adds the app's errors, each moved to the form field it is about. `used[j]` is the
    /// form block of the JSON's clause `j`.
    fn domain(&mut self, v: &ValidationErrors, used: &[usize]) {
        for e in &v.errors {
            let field = form_field(&e.field, used);
            let msg = core_message(self.lang, &e.message);
            self.push(field, msg);
        }
    }
}

/// The form field an error path of the API names: `parties[1]` is the parties select,
/// `clauses[0].to` the receivers of the first clause sent.
fn form_field(path: &str, used: &[usize]) -> String {
    if path.starts_with("parties") {
        return "parties".into();
    }
    let Some((j, rest)) = clause_index(path) else {
        return path.to_string();
    };
    let block = used.get(j).copied().unwrap_or(j);
    let name = rest.split(['[', '.']).next().unwrap_or("");
    let part = match name {
        "from" => "from",
        "to" => "to",
        "report_types" | "categories" => "what",
        "max_sensitivity" => "max_sensitivity",
        "withheld_fields" => "withheld",
        "location_precision_m" => "precision",
        "include_subagencies" => "sub",
        "protected_persons" => "persons",
        _ => "",
    };
    if part.is_empty() {
        format!("clauses[{block}]")
    } else {
        format!("clauses[{block}].{part}")
    }
}

/// The label of a form field, for the error summary.
fn field_label(lang: Lang, field: &str) -> String {
    if let Some((n, part)) = clause_index(field) {
        let clause = tr_args(lang, k!("clause_n"), &[("n", &(n + 1).to_string())]);
        let key = match part {
            "from" => k!("clause_from"),
            "to" => k!("clause_to"),
            "what" => k!("clause_what"),
            "max_sensitivity" => k!("clause_max_sens"),
            "withheld" => k!("clause_withheld"),
            "precision" => k!("clause_precision"),
            "sub" => k!("clause_sub"),
            "persons" => k!("clause_persons"),
            _ => return clause,
        };
        return format!("{clause} · {}", tr(lang, key));
    }
    let key = match field {
        "title" => k!("title"),
        "number" => k!("agreement_number"),
        "legal_basis" => k!("legal_basis"),
        "parties" => k!("parties"),
        "valid_from" => k!("valid_from"),
        "valid_until" => k!("valid_until"),
        "clauses" => k!("clauses"),
        other => return crate::i18n::field_or_other(lang, other),
    };
    tr(lang, key)
}

/// The draft a form edits: its id and the version the form was rendered from.
#[derive(Debug, Clone, Copy)]
struct Editing {
    id: AgreementId,
    version: i64,
    /// Someone else saved the draft after this form was rendered.
    stale: bool,
    /// The draft was just made by renewing an ended agreement.
    renewed: bool,
}

/// What the form offers: the agencies, and the report types with the forms (each a
/// record type of its own, ADR 39).
pub(crate) struct Choices {
    agencies: Vec<Agency>,
    types: Vec<sinergi_core::report_types::ReportType>,
}

impl Choices {
    async fn read(st: &AppState) -> Result<Choices, sinergi_app::AppError> {
        Ok(Choices {
            agencies: st.app.agencies().await?,
            types: st.app.agreement_types().await?,
        })
    }
}

fn form_page(
    page: &Page,
    status: StatusCode,
    mut values: AgreementValues,
    errors: Errors,
    agencies: &Choices,
    editing: Option<Editing>,
) -> Response {
    let lang = page.lang;
    let types = &agencies.types;
    while values.clauses.len() < CLAUSE_BLOCKS {
        values.clauses.push(ClauseValues::default());
    }
    // Report types grouped by category, in catalogue order.
    let mut order: Vec<&str> = Vec::new();
    for t in types.iter() {
        if !order.contains(&t.category.as_str()) {
            order.push(&t.category);
        }
    }
    let categories: Vec<Value> = order
        .iter()
        .map(|c| {
            let of: Vec<Value> = types
                .iter()
                .filter(|t| t.category == *c)
                .map(|t| context! { key => t.key.as_str(), label => lang.pick(&t.label_id, &t.label_en) })
                .collect();
            context! { key => *c, label => category_label(lang, c), types => of, whole => *c != "form" }
        })
        .collect();
    let sensitivities: Vec<Value> = Sensitivity::ALL
        .iter()
        .map(|s| context! { key => s.as_str(), label => sensitivity_label(lang, *s) })
        .collect();
    let mut offered = vec![
        Precision::Exact,
        Precision::Grid(1000),
        Precision::Grid(10_000),
        Precision::Region,
    ];
    // A draft saved through the API may use another grid; it stays selectable.
    for c in &values.clauses {
        if let Ok(m) = c.precision.parse::<u32>() {
            let p = if m == 0 {
                Precision::Exact
            } else {
                Precision::Grid(m)
            };
            if !offered.contains(&p) {
                offered.push(p);
            }
        }
    }
    let precisions: Vec<Value> = offered
        .iter()
        .map(|p| context! { value => precision_value(*p), label => precision_label(lang, *p) })
        .collect();
    // Fields a clause may withhold, by their labels: the description, the author and the
    // catalogue's personal-data fields, then any other key a draft already names.
    let mut withheld_keys: Vec<String> = vec!["description".into(), "author".into()];
    for f in types.iter().flat_map(|t| t.fields.iter()) {
        if f.personal && !withheld_keys.contains(&f.key) {
            withheld_keys.push(f.key.clone());
        }
    }
    // Every question of the forms, by its path: a form's clause withholds by these.
    for f in types
        .iter()
        .filter(|t| t.category == "form")
        .flat_map(|t| t.fields.iter())
    {
        if !withheld_keys.contains(&f.key) {
            withheld_keys.push(f.key.clone());
        }
    }
    for c in &values.clauses {
        for k in &c.withheld {
            if !withheld_keys.contains(k) {
                withheld_keys.push(k.clone());
            }
        }
    }
    let withheld_options: Vec<Value> = withheld_keys
        .iter()
        .map(|k| context! { key => k.as_str(), label => crate::ui::withheld_field_label(lang, types, None, k) })
        .collect();
    render(
        status,
        "perjanjian_form.html",
        context! {
            v => Value::from_serialize(&values),
            agencies => agency_options(&agencies.agencies),
            categories => categories,
            sensitivities => sensitivities,
            precisions => precisions,
            withheld_options => withheld_options,
            person_kinds => [PersonRole::Victim, PersonRole::Witness]
                .into_iter()
                .map(|r| context! { key => r.as_str(), label => crate::features::cases::ui::role_label(lang, r) })
                .collect::<Vec<_>>(),
            errors => errors.by_field,
            summary => errors.summary,
            action => match editing {
                Some(e) => format!("/perjanjian/{}/ubah", e.id),
                None => "/perjanjian".to_string(),
            },
            editing => editing.map(|e| context! {
                id => e.id.to_string(),
                version => e.version,
                stale => e.stale,
                renewed => e.renewed,
            }),
            ..page_ctx(page, "agreements")
        },
    )
}

/// `GET /perjanjian/baru`: an empty proposal with the admin's agency as the first party,
/// valid from today (WIB).
pub(crate) async fn new_form(State(st): State<AppState>, page: Page) -> Response {
    if !page.may(sinergi_core::permission::Action::ManageAgreements) {
        return page.error(forbidden());
    }
    let agencies = match Choices::read(&st).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let today = st.app.now().with_timezone(&Zone::Wib.offset()).date_naive();
    let values = AgreementValues {
        parties: page
            .agency
            .as_ref()
            .map(|a| vec![a.code.to_string()])
            .unwrap_or_default(),
        valid_from: today.to_string(),
        ..Default::default()
    };
    form_page(
        &page,
        StatusCode::OK,
        values,
        Errors::new(page.lang),
        &agencies,
        None,
    )
}

/// `POST /perjanjian`: proposes the agreement, or shows the form again with every problem
/// next to its field.
pub(crate) async fn create(
    State(st): State<AppState>,
    page: Page,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let f = match page.checked_form(body) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    if !page.may(sinergi_core::permission::Action::ManageAgreements) {
        return page.error(forbidden());
    }
    let agencies = match Choices::read(&st).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let lang = page.lang;
    let values = AgreementValues::from_form(&f);
    let (body, used) = values.to_json();
    let mut errors = Errors::new(lang);
    if let Some(resp) = nothing_flows(&page, &values, &agencies, None) {
        return resp;
    }
    match st
        .app
        .create_agreement(&page.authed.actor, &AgreementBody::read(&body).unwrap_or_default())
        .await
    {
        Ok(a) => Redirect::to(&format!("/perjanjian/{}?pesan={}", a.id, saved_notice(&a)))
            .into_response(),
        Err(AppError::Validation(v)) => {
            errors.domain(&v, &used);
            form_page(&page, UNPROCESSABLE, values, errors, &agencies, None)
        }
        Err(AppError::Forbidden(_)) => {
            errors.push("parties".into(), tr(lang, k!("not_party_admin")));
            let status = StatusCode::FORBIDDEN;
            form_page(&page, status, values, errors, &agencies, None)
        }
        Err(e) => page.error(e),
    }
}

/// The notice after saving: a draft was saved, or the agreement was proposed.
fn saved_notice(a: &Agreement) -> &'static str {
    if a.status == AgreementStatus::Draft {
        "draf"
    } else {
        "diusulkan"
    }
}

/// A proposal without a filled clause shares nothing: the form again, saying so and
/// naming the other problems at the same time. A draft may still lack its clauses.
fn nothing_flows(
    page: &Page,
    values: &AgreementValues,
    agencies: &Choices,
    editing: Option<Editing>,
) -> Option<Response> {
    let lang = page.lang;
    let (body, used) = values.to_json();
    if !used.is_empty() || values.draft {
        return None;
    }
    let mut errors = Errors::new(lang);
    errors.push("clauses".into(), tr(lang, k!("need_clause")));
    if let Err(v) = AgreementInput::parse(&body, &agencies.types) {
        errors.domain(&v, &used);
    }
    Some(form_page(
        page,
        UNPROCESSABLE,
        values.clone(),
        errors,
        agencies,
        editing,
    ))
}

// ---- drafts: edit and propose ------------------------------------------------------------

/// `GET /perjanjian/{id}/ubah`: the form filled from the draft, for an administrator of
/// a party.
pub(crate) async fn edit_form(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    q: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Response {
    let Some(id) = AgreementId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let a = match st.app.agreement_for(&page.authed.actor, id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    if !administers_party(&page, &a) {
        return page.error(forbidden());
    }
    if a.status != AgreementStatus::Draft {
        return refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_not_draft")).await;
    }
    let agencies = match Choices::read(&st).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let values = AgreementValues::from_agreement(&a, &agencies.agencies);
    let editing = Editing {
        id,
        version: a.version,
        stale: false,
        renewed: query(q).get("pesan") == Some("diperbarui"),
    };
    form_page(
        &page,
        StatusCode::OK,
        values,
        Errors::new(page.lang),
        &agencies,
        Some(editing),
    )
}

/// `POST /perjanjian/{id}/ubah` with the form's fields, `version` (the one the form was
/// rendered from) and `status` (the button: `draft` keeps it a draft, `proposed` sends it).
pub(crate) async fn edit(
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
    if !page.may(sinergi_core::permission::Action::ManageAgreements) {
        return page.error(forbidden());
    }
    let Ok(version) = f.text("version").parse::<i64>() else {
        return bad_form(&page);
    };
    let agencies = match Choices::read(&st).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    let lang = page.lang;
    let editing = Some(Editing {
        id,
        version,
        stale: false,
        renewed: false,
    });
    let values = AgreementValues::from_form(&f);
    let (body, used) = values.to_json();
    if let Some(resp) = nothing_flows(&page, &values, &agencies, editing) {
        return resp;
    }
    let mut errors = Errors::new(lang);
    match st
        .app
        .update_draft(
            &page.authed.actor,
            id,
            Some(version),
            &AgreementBody::read(&body).unwrap_or_default(),
        )
        .await
    {
        Ok(a) => {
            Redirect::to(&format!("/perjanjian/{id}?pesan={}", saved_notice(&a))).into_response()
        }
        Err(AppError::Validation(v)) => {
            errors.domain(&v, &used);
            form_page(
                &page,
                UNPROCESSABLE,
                values,
                errors,
                &agencies,
                editing,
            )
        }
        Err(AppError::Forbidden(_)) => {
            errors.push("parties".into(), tr(lang, k!("not_party_admin")));
            let status = StatusCode::FORBIDDEN;
            form_page(&page, status, values, errors, &agencies, editing)
        }
        Err(AppError::PreconditionFailed { .. }) => {
            let editing = Some(Editing {
                id,
                version,
                stale: true,
                renewed: false,
            });
            let status = StatusCode::CONFLICT;
            form_page(&page, status, values, errors, &agencies, editing)
        }
        Err(AppError::Conflict(_)) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_not_draft")).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /perjanjian/{id}/usulkan`: sends a draft to the parties for approval.
pub(crate) async fn propose(
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
    // As on the form: a proposal that shares nothing is not sent.
    match st.app.agreement_for(&page.authed.actor, id).await {
        Ok(a) if a.clauses.is_empty() && a.status == AgreementStatus::Draft => {
            return refused(&st, &page, id, UNPROCESSABLE, k!("need_clause_draft")).await;
        }
        Ok(_) => {}
        Err(e) => return page.error(e),
    }
    match st.app.propose_agreement(&page.authed.actor, id).await {
        Ok(_) => Redirect::to(&format!("/perjanjian/{id}?pesan=diusulkan")).into_response(),
        Err(AppError::Conflict(_)) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_not_draft")).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_changed")).await
        }
        Err(e) => page.error(e),
    }
}

// ---- documents ---------------------------------------------------------------------------

/// `POST /perjanjian/{id}/dokumen`, multipart with `_csrf` first and then `file`: the
/// signed text or an annex. The CSRF token is checked before the file is read.
pub(crate) async fn upload(
    State(st): State<AppState>,
    page: Page,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(id) = AgreementId::parse(&id) else {
        return page.error(AppError::NotFound);
    };
    let Ok(mut mp) = mp else {
        return bad_form(&page);
    };
    let lang = page.lang;
    let refuse = |status: StatusCode, msgs: Vec<String>| DetailExtra {
        status: Some(status),
        upload_errors: msgs,
        ..Default::default()
    };
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            vec![tr(lang, k!("file_too_large"))],
        )
    };
    let mut csrf: Option<String> = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.ok(),
                Some("file") => {
                    if !page.csrf_ok(csrf.as_deref()) {
                        return csrf_page(&page);
                    }
                    let name = field.file_name().unwrap_or("").to_string();
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return detail_page(&st, &page, id, too_large()).await;
                        }
                        Err(_) => return bad_form(&page),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return detail_page(&st, &page, id, too_large()).await;
            }
            Err(_) => return bad_form(&page),
        }
    }
    if !page.csrf_ok(csrf.as_deref()) {
        return csrf_page(&page);
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        let extra = refuse(UNPROCESSABLE, vec![tr(lang, k!("no_file"))]);
        return detail_page(&st, &page, id, extra).await;
    };
    match st
        .app
        .add_agreement_document(&page.authed.actor, id, &name, &bytes)
        .await
    {
        Ok(_) => Redirect::to(&format!("/perjanjian/{id}?pesan=dokumen#dokumen")).into_response(),
        Err(AppError::UnsupportedMediaType(_)) => {
            let extra = refuse(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                vec![tr(lang, k!("file_type_refused"))],
            );
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::PayloadTooLarge(_)) => detail_page(&st, &page, id, too_large()).await,
        Err(AppError::Validation(v)) => {
            let msgs = v
                .errors
                .iter()
                .map(|e| core_message(lang, &e.message))
                .collect();
            detail_page(&st, &page, id, refuse(UNPROCESSABLE, msgs)).await
        }
        Err(AppError::Conflict(_)) => {
            let extra = refuse(
                StatusCode::CONFLICT,
                vec![tr(lang, k!("ag_revoked_no_documents"))],
            );
            detail_page(&st, &page, id, extra).await
        }
        Err(AppError::PreconditionFailed { .. }) => {
            refused(&st, &page, id, StatusCode::CONFLICT, k!("ag_changed")).await
        }
        Err(e) => page.error(e),
    }
}

// ---- renewing an ended agreement --------------------------------------------------------

/// `POST /perjanjian/{id}/perbarui`: an expired or revoked agreement is renewed as a new
/// draft with the same title, number, legal basis, parties and clauses, valid from today
/// (WIB) for as long as the old one ran, made by the same use case as any draft; the
/// administrator continues on the draft's edit page. The old agreement stays as it was.
pub(crate) async fn renew(
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
    let a = match st.app.agreement_for(&page.authed.actor, id).await {
        Ok(a) => a,
        Err(e) => return page.error(e),
    };
    if !administers_party(&page, &a) {
        return page.error(forbidden());
    }
    let now = st.app.now();
    if !matches!(
        a.effective_status(now),
        AgreementStatus::Expired | AgreementStatus::Revoked
    ) {
        return refused(
            &st,
            &page,
            id,
            StatusCode::CONFLICT,
            k!("ag_renew_only_ended"),
        )
        .await;
    }
    let agencies = match Choices::read(&st).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let (valid_from, valid_until) = renewed_dates(&a, now);
    let values = AgreementValues {
        valid_from: valid_from.to_string(),
        valid_until: valid_until.to_string(),
        draft: true,
        ..AgreementValues::from_agreement(&a, &agencies.agencies)
    };
    let (body, _) = values.to_json();
    match st
        .app
        .create_agreement(&page.authed.actor, &AgreementBody::read(&body).unwrap_or_default())
        .await
    {
        Ok(draft) => {
            Redirect::to(&format!("/perjanjian/{}/ubah?pesan=diperbarui", draft.id)).into_response()
        }
        // The old agreement names something that no longer exists (an agency, a report
        // type): the copy cannot be made as it was; the reasons are shown on its page.
        Err(AppError::Validation(v)) => {
            let lang = page.lang;
            let msgs: Vec<String> = std::iter::once(tr(lang, k!("ag_renew_failed")))
                .chain(v.errors.iter().map(|e| core_message(lang, &e.message)))
                .collect();
            let extra = DetailExtra {
                status: Some(UNPROCESSABLE),
                error: Some(msgs.join(" ")),
                ..Default::default()
            };
            detail_page(&st, &page, id, extra).await
        }
        Err(e) => page.error(e),
    }
}

/// The dates of a renewal: from today (WIB) for as many days as `a` ran.
fn renewed_dates(
    a: &Agreement,
    now: chrono::DateTime<chrono::Utc>,
) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let today = now.with_timezone(&Zone::Wib.offset()).date_naive();
    let days = (a.valid_until - a.valid_from).num_days().max(1);
    (today, today + chrono::Duration::days(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        FormData(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn empty_blocks_are_left_out_and_errors_find_their_block() {
        let f = form(&[
            ("title", "PKS"),
            ("parties", "BNNP-JAMBI"),
            ("parties", "POLDA-JAMBI"),
            ("clauses[0].from", "*"),
            ("clauses[0].max_sensitivity", "internal"),
            ("clauses[0].precision", "0"),
            ("clauses[1].from", "BNNP-JAMBI"),
            ("clauses[1].to", "POLDA-JAMBI"),
            ("clauses[1].categories", "narcotics"),
            ("clauses[1].max_sensitivity", "internal"),
            ("clauses[1].withheld", "suspect_names, victim_names"),
            ("clauses[1].precision", "1000"),
            ("clauses[1].sub", "1"),
            ("clauses[1].persons", "victim"),
            ("clauses[1].persons", "witness"),
            ("clauses[2].precision", "region"),
        ]);
        let v = AgreementValues::from_form(&f);
        assert_eq!(v.clauses.len(), 3);
        let (body, used) = v.to_json();
        assert_eq!(used, [1]);
        assert_eq!(body["parties"], json!(["BNNP-JAMBI", "POLDA-JAMBI"]));
        let c = &body["clauses"][0];
        assert_eq!(
            c["withheld_fields"],
            json!(["suspect_names", "victim_names"])
        );
        assert_eq!(c["location_precision_m"], json!(1000));
        assert_eq!(c["include_subagencies"], json!(true));
        assert_eq!(c["from"], json!("BNNP-JAMBI"));
        assert_eq!(c["protected_persons"], json!(["victim", "witness"]));
        assert_eq!(
            form_field("clauses[0].protected_persons", &used),
            "clauses[1].persons"
        );
        assert_eq!(
            field_label(Lang::Id, "clauses[1].persons"),
            "Klausul 2 · Identitas orang yang dilindungi"
        );
        assert_eq!(form_field("clauses[0].to", &used), "clauses[1].to");
        assert_eq!(
            form_field("clauses[0].categories", &used),
            "clauses[1].what"
        );
        assert_eq!(form_field("clauses[0].to[2]", &used), "clauses[1].to");
        assert_eq!(form_field("clauses[0]", &used), "clauses[1]");
        assert_eq!(form_field("parties[1]", &used), "parties");
        assert_eq!(form_field("valid_until", &used), "valid_until");
        assert_eq!(field_label(Lang::Id, "clauses[1].to"), "Klausul 2 · Kepada");
    }

    #[test]
    fn the_form_builds_what_the_domain_accepts() {
        let f = form(&[
            ("title", "Kerja sama"),
            ("number", "PKS/01/2025"),
            ("parties", "BNNP-JAMBI"),
            ("parties", "POLDA-JAMBI"),
            ("valid_from", "2025-01-01"),
            ("valid_until", "2026-01-01"),
            ("clauses[0].from", "BNNP-JAMBI"),
            ("clauses[0].to", "POLDA-JAMBI"),
            ("clauses[0].categories", "narcotics"),
            ("clauses[0].max_sensitivity", "internal"),
            ("clauses[0].withheld", "suspect_names"),
            ("clauses[0].precision", "region"),
        ]);
        let (body, used) = AgreementValues::from_form(&f).to_json();
        assert_eq!(used, [0]);
        let types = sinergi_core::report_types::builtin();
        let parsed = AgreementInput::parse(&body, &types).expect("valid");
        assert_eq!(parsed.clauses[0].precision, Precision::Region);
    }

    #[test]
    fn blocks_beyond_the_limit_are_not_read() {
        let f = form(&[("clauses[999].to", "X"), ("clauses[x].to", "Y")]);
        assert!(AgreementValues::from_form(&f).clauses.is_empty());
    }
}
