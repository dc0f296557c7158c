//! Forms and questionnaires (issue 12, ADR 33): a form converted from an XLSForm
//! workbook ([`crate::xlsform`]), owned by an agency, with numbered versions. A published
//! version never changes: a new upload of the form (same `form_id`) is a new version, and
//! ODK Collect tells versions apart by their `version` string, which must therefore be new
//! too. The same workbook twice is refused, not stored again.
//!
//! Who sees a form: its owning agency and the agencies above it (as for cases,
//! [`Form::visible_to`]), and — to fill it — the agencies below it (ADR 34; the app
//! checks the tree); who publishes: [`Action::PublishForms`] of the owning agency or one
//! above it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::ids::{AgencyId, UserId};
use crate::permission::Action;
use crate::xlsform::Problem;

pub use crate::ids::{FormDeviceId, FormId};

pub mod media;

/// The longest form file name kept.
pub const MAX_FILE_NAME: usize = 200;
/// The largest XLSForm workbook, in bytes.
pub const MAX_WORKBOOK: usize = 5 * 1024 * 1024;

/// A form: what stays the same across its versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Form {
    pub id: FormId,
    pub owner_agency_id: AgencyId,
    /// The XForm's id (`form_id` of the settings sheet): one form per id on the server,
    /// as ODK Collect requires.
    pub xml_id: String,
    /// The title of the newest version.
    pub title: String,
    /// The number of the newest version (1, 2, …).
    pub current_version: i32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One published version of a form, as converted; never changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormVersion {
    pub form_id: FormId,
    /// 1 for the first upload, then one more for each.
    pub number: i32,
    /// The XForm's `version` attribute: the settings sheet's `version`, or the number
    /// when the sheet gives none.
    pub version: String,
    pub title: String,
    /// The languages of the labels (`Bahasa Indonesia (id)`), empty for one unnamed.
    pub languages: Vec<String>,
    /// The ODK XForm document.
    pub xml: String,
    /// The workbook's file name as uploaded.
    pub file_name: String,
    /// The SHA-256 of the workbook, hex: the same workbook is not published twice.
    pub workbook_sha256: String,
    pub published_by: UserId,
    pub published_at: DateTime<Utc>,
}

/// A device (a phone with ODK Collect) linked to a user by a secret in its server URL
/// (`/openrosa/key/{token}`): it acts as that user; the user revokes it. Only the
/// secret's SHA-256 is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDevice {
    pub id: FormDeviceId,
    pub user_id: UserId,
    /// What the user calls it ("HP Samsung Pak Budi").
    pub name: String,
    /// The SHA-256 of the secret, hex.
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The longest device name.
pub const MAX_DEVICE_NAME: usize = 100;

/// A device's name, checked: 1 to [`MAX_DEVICE_NAME`] characters, no control characters.
pub fn device_name(s: &str) -> Result<String, crate::error::Message> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > MAX_DEVICE_NAME || t.chars().any(char::is_control) {
        return Err(crate::msg!(
            "text-length",
            "must be text of 1 to {max} characters",
            max = MAX_DEVICE_NAME
        ));
    }
    Ok(t.to_string())
}

impl Form {
    /// The owning agency and the agencies above it see the form.
    pub fn visible_to(&self, actor: &Actor) -> bool {
        actor.agency_id == self.owner_agency_id
            || actor.agency_descendants.contains(&self.owner_agency_id)
    }

    /// Whether the actor may publish a new version of it.
    pub fn may_publish(&self, actor: &Actor) -> bool {
        self.visible_to(actor) && actor.may(Action::PublishForms)
    }
}

/// The field an XLSForm problem is reported under in an API answer: `survey[12].relevant`
/// (the sheet, the row as the spreadsheet numbers it, the column's header), `survey[12]`,
/// `settings.version`, `survey`, or `file` for the workbook as a whole.
pub fn problem_field(p: &Problem) -> String {
    if p.sheet.is_empty() {
        return "file".into();
    }
    match (p.row, &p.column) {
        (Some(r), Some(c)) => format!("{}[{r}].{c}", p.sheet),
        (Some(r), None) => format!("{}[{r}]", p.sheet),
        (None, Some(c)) => format!("{}.{c}", p.sheet),
        (None, None) => p.sheet.clone(),
    }
}

/// A file name as kept: its last path part, at most [`MAX_FILE_NAME`] characters, or
/// `form.xlsx`.
pub fn file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let kept: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILE_NAME)
        .collect();
    if kept.is_empty() {
        "form.xlsx".into()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Message;
    use crate::user::Role;
    use uuid::Uuid;

    fn actor(agency: u128, below: &[u128], role: Role) -> Actor {
        Actor {
            user_id: UserId(Uuid::from_u128(1)),
            username: "u".into(),
            agency_id: AgencyId(Uuid::from_u128(agency)),
            role,
            agency_descendants: below
                .iter()
                .map(|n| AgencyId(Uuid::from_u128(*n)))
                .collect(),
        }
    }

    #[test]
    fn the_owner_and_those_above_see_it_and_their_coordinators_publish() {
        let t = DateTime::from_timestamp(1_700_000_000, 0).expect("ts");
        let f = Form {
            id: FormId(Uuid::from_u128(9)),
            owner_agency_id: AgencyId(Uuid::from_u128(3)),
            xml_id: "kotan".into(),
            title: "KOTAN".into(),
            current_version: 1,
            created_by: UserId(Uuid::from_u128(1)),
            created_at: t,
            updated_at: t,
        };
        assert!(f.visible_to(&actor(3, &[], Role::FieldOfficer)));
        assert!(
            f.visible_to(&actor(2, &[3], Role::Analyst)),
            "the agency above"
        );
        assert!(
            !f.visible_to(&actor(4, &[], Role::AgencyAdmin)),
            "another agency"
        );
        assert!(f.may_publish(&actor(3, &[], Role::Coordinator)));
        assert!(!f.may_publish(&actor(3, &[], Role::FieldOfficer)));
        assert!(!f.may_publish(&actor(4, &[], Role::Coordinator)));
    }

    #[test]
    fn problems_are_named_by_sheet_row_and_column() {
        let p = |sheet: &str, row, column: Option<&str>| Problem {
            sheet: sheet.into(),
            row,
            column: column.map(str::to_string),
            message: Message::from("x"),
        };
        assert_eq!(
            problem_field(&p("survey", Some(12), Some("relevant"))),
            "survey[12].relevant"
        );
        assert_eq!(problem_field(&p("choices", Some(3), None)), "choices[3]");
        assert_eq!(
            problem_field(&p("settings", None, Some("version"))),
            "settings.version"
        );
        assert_eq!(problem_field(&p("", None, None)), "file");
        assert_eq!(file_name("C:\\Users\\kotan 2023.xlsx"), "kotan 2023.xlsx");
        assert_eq!(file_name("  "), "form.xlsx");
    }
}
