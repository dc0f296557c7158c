//! What the cases API answers. What it reads are the domain's request bodies
//! (`sinergi_core::case::body`).

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// An agency on a case.
#[derive(Serialize, ToSchema)]
pub struct CasePartyView {
    pub agency: String,
    /// lead, supporting, prosecutor or court.
    pub role: String,
}

/// A deadline of a case.
#[derive(Serialize, ToSchema)]
pub struct DeadlineView {
    /// spdp_due, file_examination, file_return, file_completion, appeal_window,
    /// cassation_window or detention_ends.
    pub kind: String,
    /// The last day on which it is met (`YYYY-MM-DD`).
    pub due_on: String,
    /// pending, due_soon or overdue, in the zone of the case's region.
    pub urgency: String,
    /// The rule it comes from.
    pub basis: String,
    /// For a detention: the days it can be extended by next.
    pub extension_days: Option<u32>,
}

/// A case.
#[derive(Serialize, ToSchema)]
pub struct CaseView {
    pub id: Uuid,
    pub number: String,
    /// The investigating agency that leads the case.
    pub owner: String,
    /// The procedure code the case follows: kuhap_1981 or kuhap_2025.
    pub law: String,
    pub title: String,
    pub summary: Option<String>,
    /// wildlife, forestry, trafficking, narcotics or other.
    pub offence_kind: String,
    pub offence_law: String,
    pub offence_article: String,
    pub max_penalty_years: Option<u32>,
    pub region: String,
    pub opened_on: String,
    /// The stage code (e.g. `p21`).
    pub stage: String,
    pub stage_since: String,
    /// How often the prosecutor returned the file.
    pub returns: u32,
    /// convicted or acquitted, once there is a verdict.
    pub verdict: Option<String>,
    pub child_suspect: bool,
    pub assessed_user: bool,
    pub repeat_offence: bool,
    pub victim_agreement: bool,
    pub rj_excluded_offence: bool,
    pub illness: bool,
    /// The detention running now: `{authority, step, started_on}`.
    pub detention: Option<serde_json::Value>,
    pub appeal_decided_on: Option<String>,
    /// The deadlines at the current stage, soonest first.
    pub deadlines: Vec<DeadlineView>,
    pub reports: Vec<Uuid>,
    pub parties: Vec<CasePartyView>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A page of cases.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    pub cases: Vec<CaseView>,
    /// How many cases the filters match.
    pub total: i64,
}

/// A recorded step of a case.
#[derive(Serialize, ToSchema)]
pub struct StageEventView {
    pub id: Uuid,
    pub from: String,
    pub to: String,
    pub document_number: Option<String>,
    pub document_date: String,
    pub notes: Option<String>,
    pub verdict: Option<String>,
    pub scan: Option<Uuid>,
    pub recorded_by: Option<String>,
    pub recorded_at: String,
}

/// A case's steps.
#[derive(Serialize, ToSchema)]
pub struct StageEventList {
    pub events: Vec<StageEventView>,
    /// The stages the case's law allows next (their conditions aside).
    pub next: Vec<String>,
}

/// A referral of a victim to a service.
#[derive(Serialize, ToSchema)]
pub struct ServiceView {
    pub service: String,
    pub status: String,
    pub since: String,
}

/// A person on a case, without their protected fields.
#[derive(Serialize, ToSchema)]
pub struct PersonView {
    pub id: Uuid,
    /// suspect, victim, witness or informant.
    pub role: String,
    /// How the person is shown: `victim 2`, or an informant's code.
    pub label: String,
    /// An informant's code (`INF-…`).
    pub code: Option<String>,
    /// A suspect's name (part of the court record); never a protected person's.
    pub name: Option<String>,
    pub child: bool,
    pub origin_region: Option<String>,
    pub destination_country: Option<String>,
    pub repatriated_on: Option<String>,
    pub border_post: Option<String>,
    pub services: Vec<ServiceView>,
    /// Whether the identity is sealed.
    pub protected: bool,
    /// Whether the identity was erased.
    pub erased: bool,
    /// Whether you may open the identity.
    pub may_open: bool,
    /// For the owning agency: the agencies the identity is shared with.
    pub shared_with: Vec<PersonShareView>,
    /// For the owning agency's readers of identities: the codes of the agencies on the
    /// case it may be shared with under an agreement in force and that do not have it.
    pub may_share_with: Vec<String>,
    /// The identity was shared with your agency (your agency's named roles open it).
    pub shared_with_you: bool,
}

/// A protected identity shared with an agency on the case.
#[derive(Serialize, ToSchema)]
pub struct PersonShareView {
    pub person: Uuid,
    /// The receiving agency's code.
    pub agency: String,
    pub agency_name: String,
    /// The agreement it was shared under.
    pub agreement: Uuid,
    /// Why it was shared.
    pub purpose: String,
    #[schema(format = DateTime)]
    pub shared_at: String,
}

/// A case's persons.
#[derive(Serialize, ToSchema)]
pub struct PersonList {
    pub persons: Vec<PersonView>,
}

/// A protected identity, opened for a purpose (audited).
#[derive(Serialize, ToSchema)]
pub struct OpenedIdentityView {
    pub person: Uuid,
    pub name: Option<String>,
    pub identity_number: Option<String>,
    pub contact: Option<String>,
    pub address: Option<String>,
    /// The photo, base64-encoded, when one was recorded.
    pub photo: Option<String>,
    /// image/jpeg, image/png or image/webp.
    pub photo_type: Option<String>,
}

/// A transfer of a case.
#[derive(Serialize, ToSchema)]
pub struct TransferView {
    pub id: Uuid,
    pub case: Uuid,
    pub case_number: Option<String>,
    pub from: String,
    pub to: String,
    pub note: Option<String>,
    /// requested, accepted or refused.
    pub status: String,
    pub requested_at: String,
    pub decided_at: Option<String>,
    pub decision_note: Option<String>,
}

/// Transfers.
#[derive(Serialize, ToSchema)]
pub struct TransferList {
    pub transfers: Vec<TransferView>,
}

/// One cell of the enforcement funnel.
#[derive(Serialize, ToSchema)]
pub struct FunnelRowView {
    pub agency: String,
    /// The regency or city code.
    pub region: String,
    pub offence_kind: String,
    pub year: i32,
    /// Reports the cases come from (a report of two cases counts for each).
    pub reports: i64,
    pub cases: i64,
    pub p21: i64,
    pub verdicts: i64,
    pub convicted: i64,
    /// Cases that ended before trial (SP3, SKP2, restorative justice, rehabilitation,
    /// diversion, inquiry stopped).
    pub stopped: i64,
    /// convicted / verdicts, when there are verdicts.
    pub conviction_rate: Option<f64>,
}

/// Mean days spent in a stage.
#[derive(Serialize, ToSchema)]
pub struct StageTimeView {
    pub stage: String,
    pub steps: i64,
    pub mean_days: f64,
}

/// The enforcement funnel.
#[derive(Serialize, ToSchema)]
pub struct FunnelView {
    pub rows: Vec<FunnelRowView>,
    pub stage_times: Vec<StageTimeView>,
}

/// Victims counted by origin, destination and month of return.
#[derive(Serialize, ToSchema)]
pub struct VictimCountView {
    pub origin_region: Option<String>,
    pub destination_country: Option<String>,
    /// `YYYY-MM`.
    pub month: Option<String>,
    /// Null when fewer than 3 (a small cell could single a person out).
    pub victims: Option<i64>,
    pub children: Option<i64>,
}

/// Referrals counted by service and status.
#[derive(Serialize, ToSchema)]
pub struct ServiceCountView {
    pub service: String,
    pub status: String,
    /// Null when fewer than 3.
    pub victims: Option<i64>,
}

/// The counts of victims, without a name.
#[derive(Serialize, ToSchema)]
pub struct VictimCountsView {
    pub total: i64,
    pub rows: Vec<VictimCountView>,
    pub services: Vec<ServiceCountView>,
}

/// The roles whose users open the agency's protected identities.
#[derive(Serialize, ToSchema)]
pub struct DecryptRolesView {
    pub roles: Vec<String>,
}

/// A step in an evidence item's chain of custody.
#[derive(Serialize, ToSchema)]
pub struct CustodyView {
    pub seq: i64,
    /// seized, stored, handed_over, examined, returned or destroyed.
    pub action: String,
    pub on: String,
    pub holder: String,
    pub document_number: Option<String>,
    pub note: Option<String>,
    pub recorded_at: String,
}

/// An evidence item with its chain of custody, in order.
#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: Uuid,
    pub description: String,
    pub quantity: Option<String>,
    /// Who holds it now (the last step's holder).
    pub holder: Option<String>,
    pub chain: Vec<CustodyView>,
}

/// A case's evidence items.
#[derive(Serialize, ToSchema)]
pub struct EvidenceList {
    pub evidence: Vec<EvidenceView>,
}

/// A task asked of another agency.
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub case: Uuid,
    pub case_number: String,
    pub case_title: String,
    pub from: String,
    pub to: String,
    /// lab_test, tracing or other.
    pub kind: String,
    pub what: String,
    pub due_on: Option<String>,
    /// requested, done or refused.
    pub status: String,
    pub result: Option<String>,
    pub requested_at: String,
    pub answered_at: Option<String>,
}

/// Tasks.
#[derive(Serialize, ToSchema)]
pub struct TaskList {
    pub tasks: Vec<TaskView>,
}

/// Protected identities opened for one purpose (each opening audited).
#[derive(Serialize, ToSchema)]
pub struct OpenedIdentityList {
    pub identities: Vec<OpenedIdentityView>,
}

/// The agency's case-number format.
#[derive(Serialize, ToSchema)]
pub struct NumberFormatView {
    /// With `{nomor}` once, and `{bulan}` (Roman month), `{tahun}`, `{kode}`.
    pub format: String,
}
