//! Data-sharing agreements (nota kesepahaman / perjanjian kerja sama): parties, validity,
//! approvals and sharing clauses, and how an active agreement turns into [`Grant`]s for
//! one viewer agency. Pure: the agency tree and the report-type catalogue are passed in.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{AgencyId, AgreementId, UserId};
use crate::input::{Body, Field};
use crate::protect::PersonRole;
use crate::report_types::ReportType;
use crate::sensitivity::Sensitivity;
use crate::sharing::{Grant, Precision};
use crate::submission::shared::FORM_TYPE_PREFIX;
use crate::ValidationErrors;

pub mod body;
pub use body::{AgreementBody, BreakGlassBody, BreakGlassRolesBody, ClauseBody, ReferralBody};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementStatus {
    Draft,
    Proposed,
    Active,
    Expired,
    Revoked,
}

impl AgreementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Draft => "draft",
            AgreementStatus::Proposed => "proposed",
            AgreementStatus::Active => "active",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Proposed,
            Self::Active,
            Self::Expired,
            Self::Revoked,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// One sharing clause, with agencies as ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    /// The owner whose reports flow; `None` means every party.
    pub from: Option<AgencyId>,
    pub to: Vec<AgencyId>,
    pub report_types: Vec<String>,
    pub categories: Vec<String>,
    pub max_sensitivity: Sensitivity,
    pub withheld_fields: Vec<String>,
    pub precision: Precision,
    pub include_subagencies: bool,
    /// The kinds of protected person (victims, witnesses) whose identities the owner may
    /// share with the receiving parties, one person at a time; none by default.
    /// Informants are never shared.
    #[serde(default)]
    pub protected_persons: Vec<PersonRole>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub title: String,
    pub number: String,
    pub legal_basis: String,
    pub parties: Vec<AgencyId>,
    /// Parties whose agency admin has approved.
    pub approvals: Vec<AgencyId>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// The stored status; [`Agreement::effective_status`] adds expiry by date.
    pub status: AgreementStatus,
    pub clauses: Vec<Clause>,
    /// The signed text and annexes (PDF or scans), newest last.
    #[serde(default)]
    pub documents: Vec<AgreementDocument>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A file of an agreement: its signed text or an annex. The bytes are stored under their
/// SHA-256 like report attachments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementDocument {
    pub id: uuid::Uuid,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub uploaded_at: DateTime<Utc>,
}

/// The agency hierarchy, for expanding "including sub-agencies".
#[derive(Debug, Clone, Default)]
pub struct AgencyTree {
    children: HashMap<AgencyId, Vec<AgencyId>>,
    parent: HashMap<AgencyId, AgencyId>,
}

impl AgencyTree {
    pub fn new(pairs: impl IntoIterator<Item = (AgencyId, Option<AgencyId>)>) -> Self {
        let mut t = AgencyTree::default();
        for (id, parent) in pairs {
            if let Some(p) = parent {
                t.children.entry(p).or_default().push(id);
                t.parent.insert(id, p);
            }
        }
        t
    }

    /// Every agency below `id`, at any depth.
    pub fn descendants(&self, id: AgencyId) -> Vec<AgencyId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(a) = stack.pop() {
            for c in self.children.get(&a).into_iter().flatten() {
                if !out.contains(c) {
                    out.push(*c);
                    stack.push(*c);
                }
            }
        }
        out
    }

    /// True when `id` is `ancestor` or lies below it.
    pub fn is_within(&self, id: AgencyId, ancestor: AgencyId) -> bool {
        let mut cur = Some(id);
        let mut steps = 0;
        while let Some(a) = cur {
            if a == ancestor {
                return true;
            }
            cur = self.parent.get(&a).copied();
            steps += 1;
            if steps > 64 {
                return false;
            }
        }
        false
    }
}

impl Agreement {
    /// Active agreements whose end date has passed are expired; nothing else changes by
    /// itself.
    pub fn effective_status(&self, now: DateTime<Utc>) -> AgreementStatus {
        let today = now.date_naive();
        match self.status {
            AgreementStatus::Active | AgreementStatus::Proposed if today > self.valid_until => {
                AgreementStatus::Expired
            }
            s => s,
        }
    }

    /// Shares only while active and within its dates.
    pub fn in_force(&self, now: DateTime<Utc>) -> bool {
        let today = now.date_naive();
        self.effective_status(now) == AgreementStatus::Active
            && today >= self.valid_from
            && today <= self.valid_until
    }

    /// Whether this agreement, in force now, lets `owner` share the identity of a
    /// protected person of kind `role` with `viewer`.
    pub fn discloses_person(
        &self,
        owner: AgencyId,
        viewer: AgencyId,
        role: PersonRole,
        tree: &AgencyTree,
        now: DateTime<Utc>,
    ) -> bool {
        if !self.in_force(now) || role.is_pseudonymous() || !role.is_protected() {
            return false;
        }
        self.clauses.iter().any(|c| {
            let reaches =
                c.to.iter()
                    .any(|t| *t == viewer || (c.include_subagencies && tree.is_within(viewer, *t)));
            let roots: Vec<AgencyId> = match c.from {
                Some(f) => vec![f],
                None => self.parties.clone(),
            };
            let from = roots
                .iter()
                .any(|r| *r == owner || (c.include_subagencies && tree.is_within(owner, *r)));
            reaches && from && owner != viewer && c.protected_persons.contains(&role)
        })
    }

    /// What this agreement lets `viewer` see, one grant per clause that reaches it.
    pub fn grants_for(
        &self,
        viewer: AgencyId,
        tree: &AgencyTree,
        types: &[ReportType],
        now: DateTime<Utc>,
    ) -> Vec<Grant> {
        if !self.in_force(now) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for c in &self.clauses {
            let reaches =
                c.to.iter()
                    .any(|t| *t == viewer || (c.include_subagencies && tree.is_within(viewer, *t)));
            if !reaches {
                continue;
            }
            let roots: Vec<AgencyId> = match c.from {
                Some(f) => vec![f],
                None => self.parties.clone(),
            };
            let mut owners = roots.clone();
            if c.include_subagencies {
                for r in &roots {
                    owners.extend(tree.descendants(*r));
                }
            }
            // A form named by the clause (`form:{xml_id}`) is a type of its own; the
            // catalogue's types by key or category.
            let mut type_keys: Vec<String> = c
                .report_types
                .iter()
                .filter(|k| k.starts_with(FORM_TYPE_PREFIX))
                .cloned()
                .collect();
            type_keys.extend(
                types
                    .iter()
                    .filter(|t| {
                        !t.key.starts_with(FORM_TYPE_PREFIX)
                            && (c.report_types.contains(&t.key)
                                || c.categories.contains(&t.category))
                    })
                    .map(|t| t.key.clone()),
            );
            out.push(Grant {
                owners,
                type_keys,
                max_sensitivity: c.max_sensitivity,
                withheld_fields: c.withheld_fields.clone(),
                precision: c.precision,
            });
        }
        out
    }
}

/// A clause as submitted, with agency codes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClauseInput {
    pub from: Option<String>,
    pub to: Vec<String>,
    pub report_types: Vec<String>,
    pub categories: Vec<String>,
    pub max_sensitivity: Sensitivity,
    pub withheld_fields: Vec<String>,
    pub precision: Precision,
    pub include_subagencies: bool,
    pub protected_persons: Vec<PersonRole>,
}

/// An agreement as submitted, checked except for the agency codes, which the caller
/// resolves.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementInput {
    /// Saved as a draft (`"status": "draft"`) rather than proposed at once.
    pub draft: bool,
    pub title: String,
    pub number: String,
    pub legal_basis: String,
    pub parties: Vec<String>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub clauses: Vec<ClauseInput>,
}

/// Top-level fields a clause may withhold besides the type's attributes.
pub const WITHHOLDABLE: [&str; 2] = ["description", "author"];

fn strings(v: &Field<Vec<Field<String>>>, field: &str, errs: &mut ValidationErrors) -> Vec<String> {
    match v {
        Field::Absent | Field::Null => Vec::new(),
        Field::Given(a) => a
            .iter()
            .enumerate()
            .filter_map(|(i, x)| match x {
                Field::Given(s) => Some(s.trim().to_string()),
                _ => {
                    errs.push(
                        format!("{field}[{i}]"),
                        crate::msg!("value-not-text", "must be text"),
                    );
                    None
                }
            })
            .collect(),
        Field::Wrong(_) => {
            errs.push(field, crate::msg!("value-not-list", "must be a list"));
            Vec::new()
        }
    }
}

impl AgreementInput {
    /// Parses the JSON body of `POST /api/v1/agreements`, naming every bad field.
    pub fn parse(v: &Value, types: &[ReportType]) -> Result<AgreementInput, ValidationErrors> {
        Self::from_body(&AgreementBody::read(v)?, types)
    }

    /// Checks an agreement's body, naming every bad field.
    pub fn from_body(
        body: &AgreementBody,
        types: &[ReportType],
    ) -> Result<AgreementInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let text = |k: &str, f: &Field<String>, required: bool, errs: &mut ValidationErrors| match f
        {
            Field::Given(s) if !s.trim().is_empty() && s.chars().count() <= 500 => {
                s.trim().to_string()
            }
            Field::Absent | Field::Null if !required => String::new(),
            Field::Given(s) if s.trim().is_empty() && !required => String::new(),
            _ => {
                errs.push(
                    k,
                    crate::msg!(
                        "text-length",
                        "must be text of 1 to {max} characters",
                        max = 500
                    ),
                );
                String::new()
            }
        };
        let draft = match &body.status {
            Field::Absent | Field::Null => false,
            Field::Given(s) if s == "proposed" => false,
            Field::Given(s) if s == "draft" => true,
            _ => {
                errs.push(
                    "status",
                    crate::msg!(
                        "agreement-status-invalid",
                        "must be \"draft\" or \"proposed\""
                    ),
                );
                false
            }
        };
        let title = text("title", &body.title, true, &mut errs);
        let number = text("number", &body.number, true, &mut errs);
        let legal_basis = text("legal_basis", &body.legal_basis, false, &mut errs);
        let parties = strings(&body.parties, "parties", &mut errs);
        if parties.is_empty() {
            errs.push(
                "parties",
                crate::msg!(
                    "agreement-parties-required",
                    "an agreement needs at least one party"
                ),
            );
        }
        let date = |k: &str, f: &Field<String>, errs: &mut ValidationErrors| -> Option<NaiveDate> {
            match f
                .given()
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            {
                Some(d) => Some(d),
                None => {
                    errs.push(k, crate::msg!("date-invalid", "must be a date YYYY-MM-DD"));
                    None
                }
            }
        };
        let valid_from = date("valid_from", &body.valid_from, &mut errs);
        let valid_until = date("valid_until", &body.valid_until, &mut errs);
        if let (Some(a), Some(b)) = (valid_from, valid_until) {
            if b < a {
                errs.push(
                    "valid_until",
                    crate::msg!("valid-until-before-start", "ends before it starts"),
                );
            }
        }
        let mut clauses = Vec::new();
        match &body.clauses {
            Field::Given(list) => {
                for (i, c) in list.iter().enumerate() {
                    if let Some(c) =
                        parse_clause(c, &format!("clauses[{i}]"), &parties, types, &mut errs)
                    {
                        clauses.push(c);
                    }
                }
            }
            Field::Absent | Field::Null => {}
            Field::Wrong(_) => {
                errs.push("clauses", crate::msg!("value-not-list", "must be a list"))
            }
        }
        match (valid_from, valid_until) {
            (Some(valid_from), Some(valid_until)) if errs.is_empty() => Ok(AgreementInput {
                draft,
                title,
                number,
                legal_basis,
                parties,
                valid_from,
                valid_until,
                clauses,
            }),
            _ => Err(errs),
        }
    }
}

fn parse_clause(
    v: &Field<ClauseBody>,
    field: &str,
    parties: &[String],
    types: &[ReportType],
    errs: &mut ValidationErrors,
) -> Option<ClauseInput> {
    let Field::Given(o) = v else {
        errs.push(
            field,
            crate::msg!("clause-not-object", "a clause is an object"),
        );
        return None;
    };
    let before = errs.errors.len();
    o.unknown.report(field, errs);
    let from = match &o.from {
        Field::Absent | Field::Null => None,
        Field::Given(s) if s == "*" || s.eq_ignore_ascii_case("any") => None,
        Field::Given(s) => {
            if !parties.contains(s) {
                errs.push(
                    format!("{field}.from"),
                    crate::msg!(
                        "party-unknown",
                        "{code} is not a party to the agreement",
                        code = s
                    ),
                );
            }
            Some(s.clone())
        }
        Field::Wrong(_) => {
            errs.push(
                format!("{field}.from"),
                crate::msg!(
                    "clause-from-invalid",
                    "must be an agency code or \"*\" for any party"
                ),
            );
            None
        }
    };
    let to = strings(&o.to, &format!("{field}.to"), errs);
    if to.is_empty() {
        errs.push(
            format!("{field}.to"),
            crate::msg!("clause-to-required", "name at least one receiving party"),
        );
    }
    for t in &to {
        if !parties.contains(t) {
            errs.push(
                format!("{field}.to"),
                crate::msg!(
                    "party-unknown",
                    "{code} is not a party to the agreement",
                    code = t
                ),
            );
        }
        if from.as_deref() == Some(t.as_str()) {
            errs.push(
                format!("{field}.to"),
                crate::msg!("clause-self-share", "an agency cannot share with itself"),
            );
        }
    }
    let report_types = strings(&o.report_types, &format!("{field}.report_types"), errs);
    let categories = strings(&o.categories, &format!("{field}.categories"), errs);
    for t in &report_types {
        if !types.iter().any(|x| &x.key == t) {
            errs.push(
                format!("{field}.report_types"),
                crate::msg!(
                    "report-type-unknown",
                    "unknown report type {key}",
                    key = format!("{t:?}")
                ),
            );
        }
    }
    for c in &categories {
        if !types
            .iter()
            .any(|x| &x.category == c && !x.key.starts_with(FORM_TYPE_PREFIX))
        {
            errs.push(
                format!("{field}.categories"),
                crate::msg!(
                    "category-unknown",
                    "unknown category {key}",
                    key = format!("{c:?}")
                ),
            );
        }
    }
    if report_types.is_empty() && categories.is_empty() {
        errs.push(
            format!("{field}.report_types"),
            crate::msg!(
                "clause-flow-required",
                "name the report types or categories that flow"
            ),
        );
    }
    let max_sensitivity = match o
        .max_sensitivity
        .given()
        .and_then(|s| Sensitivity::parse(s))
    {
        Some(s) => s,
        None => {
            errs.push(
                format!("{field}.max_sensitivity"),
                crate::msg!(
                    "sensitivity-invalid",
                    "must be one of public, internal, restricted, secret"
                ),
            );
            Sensitivity::Public
        }
    };
    let withheld_fields = strings(
        &o.withheld_fields,
        &format!("{field}.withheld_fields"),
        errs,
    );
    let in_scope: Vec<&ReportType> = types
        .iter()
        .filter(|t| {
            report_types.contains(&t.key)
                || (categories.contains(&t.category) && !t.key.starts_with(FORM_TYPE_PREFIX))
        })
        .collect();
    for w in &withheld_fields {
        let known =
            WITHHOLDABLE.contains(&w.as_str()) || in_scope.iter().any(|t| t.field(w).is_some());
        if !known {
            errs.push(
                format!("{field}.withheld_fields"),
                crate::msg!(
                    "withheld-field-unknown",
                    "{key} is not a field of the shared report types",
                    key = format!("{w:?}")
                ),
            );
        }
    }
    let precision = match Precision::parse(match &o.location_precision_m {
        Field::Given(v) | Field::Wrong(v) => v,
        Field::Absent | Field::Null => &Value::Null,
    }) {
        Some(p) => p,
        None => {
            errs.push(
                format!("{field}.location_precision_m"),
                crate::msg!(
                    "location-precision-invalid",
                    "must be 0 (exact), 1000, 10000 or \"region\""
                ),
            );
            Precision::Exact
        }
    };
    let include_subagencies = match &o.include_subagencies {
        Field::Absent | Field::Null => false,
        Field::Given(b) => *b,
        Field::Wrong(_) => {
            errs.push(
                format!("{field}.include_subagencies"),
                crate::msg!("value-not-boolean", "must be true or false"),
            );
            false
        }
    };
    let mut protected_persons = Vec::new();
    let roles_field = format!("{field}.protected_persons");
    for r in strings(&o.protected_persons, &roles_field, errs) {
        match PersonRole::parse(&r) {
            Some(role @ (PersonRole::Victim | PersonRole::Witness)) => {
                if !protected_persons.contains(&role) {
                    protected_persons.push(role);
                }
            }
            Some(PersonRole::Informant) => errs.push(
                roles_field.clone(),
                crate::msg!(
                    "clause-informant-never-shared",
                    "an informant's identity is never shared: only the handler opens it"
                ),
            ),
            _ => errs.push(
                roles_field.clone(),
                crate::msg!(
                    "clause-person-kind-invalid",
                    "must be \"victim\" or \"witness\""
                ),
            ),
        }
    }
    (errs.errors.len() == before).then_some(ClauseInput {
        from,
        to,
        report_types,
        categories,
        max_sensitivity,
        withheld_fields,
        precision,
        include_subagencies,
        protected_persons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report_types::builtin;
    use serde_json::json;

    fn body() -> Value {
        json!({
            "title": "Nota Kesepahaman TNKS – Polda", "number": "PKS.01/2017",
            "parties": ["BBTNKS", "POLDA-JAMBI"], "valid_from": "2017-03-14", "valid_until": "2027-03-13",
            "clauses": [{"from": "BBTNKS", "to": ["POLDA-JAMBI"], "categories": ["forestry_crime", "wildlife_crime"],
                "report_types": ["patrol_finding"], "max_sensitivity": "internal",
                "withheld_fields": ["suspect_names"], "location_precision_m": 0, "include_subagencies": true}]
        })
    }

    #[test]
    fn a_good_agreement_parses() {
        let a = AgreementInput::parse(&body(), &builtin()).expect("valid");
        assert_eq!(a.clauses[0].precision, Precision::Exact);
        assert!(a.clauses[0].include_subagencies);
    }

    #[test]
    fn every_problem_is_named() {
        let mut b = body();
        b["parties"] = json!([]);
        b["valid_until"] = json!("2016-01-01");
        b["clauses"][0]["report_types"] = json!(["alien_landing"]);
        b["clauses"][0]["withheld_fields"] = json!(["shoe_size"]);
        b["clauses"][0]["to"] = json!(["BBTNKS"]);
        let e = AgreementInput::parse(&b, &builtin()).expect_err("bad");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        for f in [
            "parties",
            "valid_until",
            "clauses[0].report_types",
            "clauses[0].withheld_fields",
            "clauses[0].to",
            "clauses[0].from",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn grants_follow_clauses_the_tree_and_the_dates() {
        use uuid::Uuid;
        let id = |n| AgencyId(Uuid::from_u128(n));
        let (tnks, polda, polres, resort) = (id(1), id(2), id(3), id(4));
        let tree = AgencyTree::new([
            (tnks, None),
            (polda, None),
            (polres, Some(polda)),
            (resort, Some(tnks)),
        ]);
        let now = DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&Utc);
        let a = Agreement {
            id: AgreementId(Uuid::from_u128(9)),
            title: "t".into(),
            number: "n".into(),
            legal_basis: String::new(),
            parties: vec![tnks, polda],
            approvals: vec![tnks, polda],
            valid_from: NaiveDate::from_ymd_opt(2017, 3, 14).expect("date"),
            valid_until: NaiveDate::from_ymd_opt(2027, 3, 13).expect("date"),
            status: AgreementStatus::Active,
            clauses: vec![Clause {
                from: Some(tnks),
                to: vec![polda],
                report_types: vec![],
                categories: vec!["forestry_crime".into()],
                max_sensitivity: Sensitivity::Internal,
                withheld_fields: vec![],
                precision: Precision::Exact,
                include_subagencies: true,
                protected_persons: vec![PersonRole::Victim],
            }],
            documents: Vec::new(),
            version: 1,
            created_by: UserId(Uuid::from_u128(5)),
            created_at: now,
            updated_at: now,
        };
        let types = builtin();
        let g = a.grants_for(polres, &tree, &types, now);
        assert_eq!(g.len(), 1, "a Polres below the receiving Polda is included");
        assert!(
            g[0].owners.contains(&resort),
            "the park's sub-agencies' reports flow too"
        );
        assert!(g[0].type_keys.contains(&"illegal_logging".to_string()));
        assert!(
            a.grants_for(tnks, &tree, &types, now).is_empty(),
            "nothing flows the other way"
        );
        let later = DateTime::parse_from_rfc3339("2028-01-01T00:00:00Z")
            .expect("ts")
            .with_timezone(&Utc);
        assert_eq!(a.effective_status(later), AgreementStatus::Expired);
        assert!(
            a.grants_for(polda, &tree, &types, later).is_empty(),
            "an expired agreement shares nothing"
        );
        // Victims' identities may go from the park (and its resorts) to the Polda and
        // the Polres below it, one person at a time; witnesses and informants may not,
        // nor anything the other way or after the end date.
        assert!(a.discloses_person(resort, polres, PersonRole::Victim, &tree, now));
        assert!(!a.discloses_person(tnks, polda, PersonRole::Witness, &tree, now));
        assert!(!a.discloses_person(tnks, polda, PersonRole::Informant, &tree, now));
        assert!(!a.discloses_person(polda, tnks, PersonRole::Victim, &tree, now));
        assert!(!a.discloses_person(tnks, polda, PersonRole::Victim, &tree, later));
        let revoked = Agreement {
            status: AgreementStatus::Revoked,
            ..a
        };
        assert!(revoked.grants_for(polda, &tree, &types, now).is_empty());
        assert!(!revoked.discloses_person(tnks, polda, PersonRole::Victim, &tree, now));
    }

    #[test]
    fn a_clause_names_victims_or_witnesses_never_informants() {
        let mut b = body();
        b["clauses"][0]["protected_persons"] = json!(["victim", "witness", "victim"]);
        let a = AgreementInput::parse(&b, &builtin()).expect("valid");
        assert_eq!(
            a.clauses[0].protected_persons,
            [PersonRole::Victim, PersonRole::Witness]
        );
        b["clauses"][0]["protected_persons"] = json!(["informant", "suspect"]);
        let e = AgreementInput::parse(&b, &builtin()).expect_err("bad");
        let named: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            named,
            [
                "clauses[0].protected_persons",
                "clauses[0].protected_persons"
            ]
        );
        assert!(e.errors[0].message.as_str().contains("informant"));
    }
}
