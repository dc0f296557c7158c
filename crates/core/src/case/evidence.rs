//! Evidence items of a case and their chain of custody (ADR 31): an item is seized on a
//! day and then held, handed over, examined, returned or destroyed, each step with who
//! holds it afterwards and its document; the steps are kept in order and never changed,
//! and an item returned or destroyed takes no further step.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::body::{CustodyBody, EvidenceBody};
use super::record::CaseId;
use crate::error::{Message, ValidationErrors};
use crate::ids::UserId;
use crate::plan::{optional_text, required_date, required_text, uuid_field};

/// The longest description of an item or holder.
pub const MAX_TEXT: usize = 500;

pub use crate::ids::{CustodyId, EvidenceId};

/// A step in an item's chain of custody.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustodyAction {
    /// Taken from the scene or the suspect (the first step).
    Seized,
    /// Put in a store (Rupbasan, the agency's evidence room).
    Stored,
    /// Handed to another holder (the prosecutor at stage two, a court).
    HandedOver,
    /// Sent for examination (a forensic lab, a species identification).
    Examined,
    /// Returned to its owner — the end of the chain.
    Returned,
    /// Destroyed by order (narcotics, snares) — the end of the chain.
    Destroyed,
}

impl CustodyAction {
    pub const ALL: [CustodyAction; 6] = [
        CustodyAction::Seized,
        CustodyAction::Stored,
        CustodyAction::HandedOver,
        CustodyAction::Examined,
        CustodyAction::Returned,
        CustodyAction::Destroyed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustodyAction::Seized => "seized",
            CustodyAction::Stored => "stored",
            CustodyAction::HandedOver => "handed_over",
            CustodyAction::Examined => "examined",
            CustodyAction::Returned => "returned",
            CustodyAction::Destroyed => "destroyed",
        }
    }

    pub fn parse(s: &str) -> Option<CustodyAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }

    /// Whether the chain ends with this step.
    pub fn is_final(self) -> bool {
        matches!(self, CustodyAction::Returned | CustodyAction::Destroyed)
    }
}

/// One step of custody.
#[derive(Debug, Clone, PartialEq)]
pub struct CustodyEvent {
    pub id: CustodyId,
    pub evidence_id: EvidenceId,
    /// 1 for the seizure.
    pub seq: i64,
    pub action: CustodyAction,
    pub on: NaiveDate,
    /// Who holds the item after the step (an agency, a store, a lab).
    pub holder: String,
    pub document_number: Option<String>,
    pub note: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: DateTime<Utc>,
}

/// An evidence item with its chain, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: EvidenceId,
    pub case_id: CaseId,
    pub description: String,
    /// How much, as written on the seizure record (`3 lembar kulit harimau`, `12,5 g`).
    pub quantity: Option<String>,
    pub chain: Vec<CustodyEvent>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl Evidence {
    /// The last step.
    pub fn last(&self) -> Option<&CustodyEvent> {
        self.chain.last()
    }

    /// Checks a next step: not after the chain ended, not dated before the last step or
    /// after `today`, and never a second seizure.
    pub fn check_next(&self, s: &CustodyInput, today: NaiveDate) -> Result<(), ValidationErrors> {
        let mut errs = ValidationErrors::new();
        if let Some(last) = self.last() {
            if last.action.is_final() {
                errs.push(
                    "action",
                    crate::msg!(
                        "custody-chain-ended",
                        "the item was {action}; its chain has ended",
                        action = last.action.as_str()
                    ),
                );
            }
            if s.on < last.on {
                errs.push(
                    "on",
                    crate::msg!(
                        "custody-before-last",
                        "cannot be before the last step ({last})",
                        last = last.on.to_string()
                    ),
                );
            }
        }
        if s.action == CustodyAction::Seized {
            errs.push(
                "action",
                crate::msg!(
                    "custody-seized-once",
                    "an item is seized once, when it is added"
                ),
            );
        }
        if s.on > today {
            errs.push("on", future());
        }
        errs.into_result(())
    }
}

fn future() -> Message {
    crate::msg!("case-date-future", "must not be later than today")
}

/// A step, checked for form.
#[derive(Debug, Clone, PartialEq)]
pub struct CustodyInput {
    pub action: CustodyAction,
    pub on: NaiveDate,
    pub holder: String,
    pub document_number: Option<String>,
    pub note: Option<String>,
}

impl CustodyInput {
    pub fn from_body(b: &CustodyBody) -> Result<CustodyInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let action = b.action.given().and_then(|s| CustodyAction::parse(s));
        if action.is_none() {
            errs.push(
                "action",
                crate::msg!(
                    "case-keyword-invalid",
                    "must be one of {values}",
                    values = "stored, handed_over, examined, returned, destroyed"
                ),
            );
        }
        let on = required_date("on", &b.on, &mut errs);
        let holder = required_text("holder", &b.holder, MAX_TEXT, &mut errs);
        let number = optional_text("document_number", &b.document_number, MAX_TEXT, &mut errs);
        let note = optional_text("note", &b.note, MAX_TEXT, &mut errs);
        match (action, on, holder, number, note) {
            (Some(action), Some(on), Some(holder), Some(document_number), Some(note))
                if errs.is_empty() =>
            {
                Ok(CustodyInput {
                    action,
                    on,
                    holder,
                    document_number,
                    note,
                })
            }
            _ => Err(errs),
        }
    }
}

/// An item to add, checked: its description and its seizure.
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceInput {
    pub id: Option<EvidenceId>,
    pub description: String,
    pub quantity: Option<String>,
    pub seizure: CustodyInput,
}

impl EvidenceInput {
    pub fn from_body(
        b: &EvidenceBody,
        today: NaiveDate,
    ) -> Result<EvidenceInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(EvidenceId);
        let description = required_text("description", &b.description, MAX_TEXT, &mut errs);
        let quantity = optional_text("quantity", &b.quantity, MAX_TEXT, &mut errs);
        let on = required_date("seized_on", &b.seized_on, &mut errs);
        if on.is_some_and(|d| d > today) {
            errs.push("seized_on", future());
        }
        let holder = required_text("holder", &b.holder, MAX_TEXT, &mut errs);
        let number = optional_text("document_number", &b.document_number, MAX_TEXT, &mut errs);
        match (description, quantity, on, holder, number) {
            (Some(description), Some(quantity), Some(on), Some(holder), Some(document_number))
                if errs.is_empty() =>
            {
                Ok(EvidenceInput {
                    id,
                    description,
                    quantity,
                    seizure: CustodyInput {
                        action: CustodyAction::Seized,
                        on,
                        holder,
                        document_number,
                        note: None,
                    },
                })
            }
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use uuid::Uuid;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn item() -> Evidence {
        let at = DateTime::from_timestamp(1_740_000_000, 0).expect("ts");
        let e = EvidenceId(Uuid::nil());
        Evidence {
            id: e,
            case_id: CaseId(Uuid::nil()),
            description: "Kulit harimau".into(),
            quantity: Some("1 lembar".into()),
            chain: vec![CustodyEvent {
                id: CustodyId(Uuid::nil()),
                evidence_id: e,
                seq: 1,
                action: CustodyAction::Seized,
                on: d(2025, 3, 2),
                holder: "BBTNKS".into(),
                document_number: Some("BA Sita/1".into()),
                note: None,
                recorded_by: UserId(Uuid::nil()),
                recorded_at: at,
            }],
            created_by: UserId(Uuid::nil()),
            created_at: at,
        }
    }

    fn step(action: &str, on: &str) -> CustodyInput {
        let b: CustodyBody = crate::input::Body::read(
            &json!({"action": action, "on": on, "holder": "Rupbasan Jambi"}),
        )
        .expect("body");
        CustodyInput::from_body(&b).expect("valid")
    }

    #[test]
    fn a_chain_goes_forward_in_time_and_ends_when_returned_or_destroyed() {
        let mut e = item();
        let today = d(2025, 12, 1);
        assert!(e.check_next(&step("stored", "2025-03-03"), today).is_ok());
        let err = e
            .check_next(&step("stored", "2025-03-01"), today)
            .expect_err("before");
        assert_eq!(err.errors[0].field, "on");
        let err = e
            .check_next(&step("seized", "2025-03-05"), today)
            .expect_err("twice");
        assert_eq!(err.errors[0].message.code(), Some("custody-seized-once"));
        let err = e
            .check_next(&step("stored", "2026-01-01"), today)
            .expect_err("future");
        assert_eq!(err.errors[0].message.code(), Some("case-date-future"));
        let mut last = e.chain[0].clone();
        last.action = CustodyAction::Destroyed;
        last.seq = 2;
        e.chain.push(last);
        let err = e
            .check_next(&step("stored", "2025-04-01"), today)
            .expect_err("ended");
        assert_eq!(err.errors[0].message.code(), Some("custody-chain-ended"));
    }

    #[test]
    fn an_item_needs_its_description_seizure_day_and_holder() {
        let b: EvidenceBody = crate::input::Body::read(
            &json!({"quantity": "12,5 g", "seized_on": "2030-01-01", "x": 1}),
        )
        .expect("body");
        let err = EvidenceInput::from_body(&b, d(2025, 12, 1)).expect_err("invalid");
        let fields: Vec<&str> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["x", "description", "seized_on", "holder"]);
    }
}
