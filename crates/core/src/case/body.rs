//! The request bodies of cases: opening a case, its facts, a stage step, a person, a
//! decrypt, a transfer and its decision. The checks in [`super::record`] read them,
//! naming every field at fault at once.

use serde::Deserialize;

use crate::input::{Body, Field, Unknown};

/// Opens a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseRequest))]
pub struct NewCaseBody {
    /// The case's id (optional; a retried create with the same id is refused, not
    /// doubled).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub id: Field<String>,
    /// A short title, up to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub title: Field<String>,
    /// What happened, up to 20,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub summary: Field<String>,
    /// wildlife, forestry, trafficking, narcotics or other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub offence_kind: Field<String>,
    /// The law, e.g. `UU 5/1990`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub offence_law: Field<String>,
    /// The article(s), e.g. `Pasal 21 ayat (2) huruf d jo. Pasal 40 ayat (2)`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub offence_article: Field<String>,
    /// The heaviest prison term the offence is threatened with, in years (0–20; life
    /// and death sentences: 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i64>))]
    pub max_penalty_years: Field<i64>,
    /// The Kemendagri code of the regency or city (or province) where it happened.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub region: Field<String>,
    /// The day the case was opened (`YYYY-MM-DD`, not in the future); it chooses the
    /// procedure code the case follows.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub opened_on: Field<String>,
    /// The registry reports the case comes from (ids the caller can see).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub reports: Field<Vec<Field<String>>>,
    /// Other agencies on the case: `{agency, role}` with role supporting, prosecutor or
    /// court.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<CasePartyBody>>))]
    pub parties: Field<Vec<Field<CasePartyBody>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewCaseBody {}

/// An agency on a joint case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CasePartyRequest))]
pub struct CasePartyBody {
    /// The agency's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub agency: Field<String>,
    /// supporting, prosecutor or court.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub role: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// The facts of a case the law's conditions and deadlines read; each key sent replaces
/// the fact, an absent one stays.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseFactsRequest))]
pub struct CaseFactsBody {
    /// The version the caller read (optimistic locking).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub version: Field<i64>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub child_suspect: Field<bool>,
    /// The integrated assessment team found the suspect a user, not a dealer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub assessed_user: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub repeat_offence: Field<bool>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub victim_agreement: Field<bool>,
    /// An offence restorative justice never settles (terrorism, corruption, sexual
    /// violence, against life, state security …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub rj_excluded_offence: Field<bool>,
    /// A certified serious illness of the detained suspect (exceptional extension).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub illness: Field<bool>,
    /// The detention running now, or `null` when no one is detained.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<DetentionBody>))]
    pub detention: Field<DetentionBody>,
    /// The day the high court's decision on appeal was notified.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub appeal_decided_on: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for CaseFactsBody {}

/// A detention period.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DetentionRequest))]
pub struct DetentionBody {
    /// investigator, prosecutor, district_court, high_court or supreme_court.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub authority: Field<String>,
    /// initial, extension or exceptional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub step: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub started_on: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// A step of a case to its next stage, with the document that records it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseStageRequest))]
pub struct StageBody {
    /// The version of the case the caller read.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = i64))]
    pub version: Field<i64>,
    /// The stage entered (a code of the case's law table, e.g. `p21`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub stage: Field<String>,
    /// The document: `{number, date, notes}`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<StageDocumentBody>))]
    pub document: Field<StageDocumentBody>,
    /// For the verdict: convicted or acquitted.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub verdict: Field<String>,
    /// An uploaded scan of the document (an attachment id), optional.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub scan: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for StageBody {}

/// The document of a step.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseStageDocumentRequest))]
pub struct StageDocumentBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub number: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub date: Field<String>,
    /// The prosecutor's notes on a returned file.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub notes: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// A person linked to a case. The identifying fields of a victim, witness or informant
/// are sealed before they are stored.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CasePersonRequest))]
pub struct PersonBody {
    /// The person's id (optional; the same id twice is refused, not doubled).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub id: Field<String>,
    /// suspect, victim, witness or informant.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub name: Field<String>,
    /// NIK or passport number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub identity_number: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub contact: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub address: Field<String>,
    /// A photo of a victim, witness or informant: a JPEG, PNG or WebP image of at most
    /// 2 MB, base64-encoded; sealed like the other identifying fields.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub photo: Field<String>,
    /// Under 18 at the time of the offence.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<bool>))]
    pub child: Field<bool>,
    /// A victim's home: the Kemendagri code of the regency or city.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub origin_region: Field<String>,
    /// A trafficking victim's destination country (ISO 3166-1 alpha-2, e.g. `MY`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub destination_country: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub repatriated_on: Field<String>,
    /// The border post a victim came home through (e.g. `Entikong`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub border_post: Field<String>,
    /// The services a victim was referred to: shelter, health, legal_aid, return_home,
    /// reintegration.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub services: Field<Vec<Field<String>>>,
    /// An informant's handler (a user name of the agency; default: whoever records).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub handler: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for PersonBody {}

/// Why a protected identity is opened.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecryptRequest))]
pub struct DecryptBody {
    /// The purpose, 3–500 characters; kept in the audit trail.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub purpose: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for DecryptBody {}

/// Share one protected person's identity with an agency on the case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PersonShareRequest))]
pub struct PersonShareBody {
    /// The receiving agency's code: an agency on the case, with an agreement in force
    /// whose clause names this kind of person.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub agency: Field<String>,
    /// Why it is shared, 3–500 characters; kept in the audit trail.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub purpose: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for PersonShareBody {}

/// The status of a victim's referral to a service.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ServiceReferralRequest))]
pub struct ServiceBody {
    /// shelter, health, legal_aid, return_home or reintegration.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub service: Field<String>,
    /// referred, in_progress, completed or declined.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ServiceBody {}

/// A request to hand a case over to another agency.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseTransferRequest))]
pub struct TransferBody {
    /// The receiving agency's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Field<String>,
    /// Why, up to 5,000 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for TransferBody {}

/// The receiving agency's answer to a transfer.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseTransferDecisionRequest))]
pub struct TransferDecisionBody {
    /// accept or refuse.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub decision: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for TransferDecisionBody {}

/// An evidence item and its seizure.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EvidenceRequest))]
pub struct EvidenceBody {
    /// The item's id (optional; the same id twice is refused, not doubled).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub id: Field<String>,
    /// What it is, up to 500 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub description: Field<String>,
    /// How much, as on the seizure record (`3 lembar`, `12,5 g`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub quantity: Field<String>,
    /// The day it was seized (`YYYY-MM-DD`, not in the future).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub seized_on: Field<String>,
    /// Who holds it after the seizure.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub holder: Field<String>,
    /// The seizure record's number (berita acara penyitaan).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub document_number: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for EvidenceBody {}

/// A step in an evidence item's chain of custody.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CustodyRequest))]
pub struct CustodyBody {
    /// stored, handed_over, examined, returned or destroyed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub action: Field<String>,
    /// The day (`YYYY-MM-DD`), not before the last step nor in the future.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub on: Field<String>,
    /// Who holds the item after the step.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub holder: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub document_number: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for CustodyBody {}

/// A task another agency is asked to do for a case.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseTaskRequest))]
pub struct TaskBody {
    /// The agency asked (its code), joined to yours by an agreement in force.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub to: Field<String>,
    /// lab_test, tracing or other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kind: Field<String>,
    /// What is asked, up to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub what: Field<String>,
    /// By when (`YYYY-MM-DD`, not in the past).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due_on: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for TaskBody {}

/// The asked agency's answer to a task.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CaseTaskAnswerRequest))]
pub struct TaskAnswerBody {
    /// done or refused.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub status: Field<String>,
    /// The result, or why it is refused.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub result: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for TaskAnswerBody {}
