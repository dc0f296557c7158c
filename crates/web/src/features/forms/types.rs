//! The forms API's answers.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A published version of a form; never changed.
#[derive(Serialize, ToSchema)]
pub struct FormVersionView {
    /// 1 for the first upload, then one more for each.
    pub number: i32,
    /// The XForm's `version` attribute (the settings sheet's, or the number).
    pub version: String,
    pub title: String,
    /// The languages of the labels, e.g. `Bahasa Indonesia (id)`.
    pub languages: Vec<String>,
    /// The workbook's file name as uploaded.
    pub file_name: String,
    /// The SHA-256 of the workbook, hex.
    pub workbook_sha256: String,
    /// The user who published it.
    pub published_by: Option<String>,
    #[schema(format = DateTime)]
    pub published_at: String,
    /// Where the ODK XForm of this version is downloaded.
    pub xform: String,
}

/// A form and its versions, the newest first.
#[derive(Serialize, ToSchema)]
pub struct FormView {
    pub id: Uuid,
    /// The XForm's id (`form_id` of the settings sheet).
    pub form_id: String,
    /// The title of the newest version.
    pub title: String,
    /// The owning agency's code.
    pub owner: Option<String>,
    pub current_version: i32,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Whether you may publish a new version.
    pub may_publish: bool,
    pub versions: Vec<FormVersionView>,
}

/// A form in a list.
#[derive(Serialize, ToSchema)]
pub struct FormSummary {
    pub id: Uuid,
    pub form_id: String,
    pub title: String,
    pub owner: Option<String>,
    pub current_version: i32,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A device linked for ODK Collect.
#[derive(Serialize, ToSchema)]
pub struct FormDeviceView {
    pub id: Uuid,
    pub name: String,
    #[schema(format = DateTime)]
    pub linked_at: String,
    #[schema(format = DateTime)]
    pub revoked_at: Option<String>,
}

/// A device just linked, with the server URL to enter in ODK Collect: shown only in
/// this answer.
#[derive(Serialize, ToSchema)]
pub struct LinkedFormDevice {
    pub device: FormDeviceView,
    /// `http(s)://HOST/openrosa/key/{secret}`.
    pub server_url: String,
    /// The text of the QR code ODK Collect scans to configure itself: its settings JSON,
    /// zlib-compressed and base64-encoded.
    pub collect_settings: String,
}

/// Your linked devices, the newest first.
#[derive(Serialize, ToSchema)]
pub struct FormDeviceList {
    pub devices: Vec<FormDeviceView>,
}

/// A device to link (documents the body the handler reads field by field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LinkFormDeviceRequest {
    /// What you call it, 1–100 characters.
    pub name: String,
}

/// The forms you see.
#[derive(Serialize, ToSchema)]
pub struct FormList {
    pub forms: Vec<FormSummary>,
    /// Forms whose answers other agencies share with yours under agreements (ADR 39):
    /// read their submissions, as shared, under `/forms/{id}/submissions`.
    pub shared: Vec<FormSummary>,
}

/// A submission in a list: where it stands and its answers.
#[derive(Serialize, ToSchema)]
pub struct SubmissionSummary {
    pub id: Uuid,
    /// The `instanceID` of its first instance: its identity on the device.
    pub instance_id: String,
    /// The number of the form version it was made with.
    pub version: i32,
    /// The submitter's agency's code.
    pub agency: Option<String>,
    /// The submitter's user name.
    pub submitted_by: String,
    /// collect, paper or app.
    pub source: String,
    /// received, approved, has_issues or rejected.
    pub review_state: String,
    #[schema(format = DateTime)]
    pub received_at: String,
    /// When it was answered: when it was received, or for a paper form the date written
    /// on the paper (noon WIB); campaigns count it then.
    #[schema(format = DateTime)]
    pub answered_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// How many edits followed the first instance.
    pub edits: i32,
    /// [longitude, latitude] of its first geopoint.
    pub location: Option<[f64; 2]>,
    /// The answers: one key per question outside repeats (its path, `lokasi/desa`), a
    /// repeat as a list of such objects.
    #[schema(value_type = std::collections::BTreeMap<String, AnswerValue>)]
    pub data: serde_json::Value,
    /// Absent when the caller receives it in full; shared under an agreement otherwise:
    /// the questions withheld (by path) and the precision of its places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<crate::features::reports::types::Access>,
}

/// A page of a form's submissions.
#[derive(Serialize, ToSchema)]
pub struct SubmissionList {
    /// The questions outside repeats, in the form's order: the table's columns.
    pub columns: Vec<String>,
    /// How many match in all.
    pub total: i64,
    pub submissions: Vec<SubmissionSummary>,
}

/// One instance of a submission: the first, then one per edit.
#[derive(Serialize, ToSchema)]
pub struct SubmissionInstanceView {
    pub instance_id: String,
    /// The instance this one replaced.
    pub deprecated_id: Option<String>,
    pub submitted_by: String,
    #[schema(format = DateTime)]
    pub received_at: String,
}

/// A file the newest instance names.
#[derive(Serialize, ToSchema)]
pub struct SubmissionFileView {
    pub name: String,
    /// Whether its bytes arrived (a split upload may still be sending it).
    pub received: bool,
    pub content_type: Option<String>,
    pub size: Option<i64>,
    /// Where it is downloaded, once received.
    pub href: Option<String>,
}

/// A review of a submission.
#[derive(Serialize, ToSchema)]
pub struct SubmissionReviewView {
    pub state: String,
    pub comment: String,
    pub reviewed_by: String,
    #[schema(format = DateTime)]
    pub reviewed_at: String,
}

/// A submission with its history, files and reviews.
#[derive(Serialize, ToSchema)]
pub struct SubmissionDetail {
    /// The form's UUID.
    pub form: Uuid,
    /// The form's XForm id.
    pub form_id: String,
    pub submission: SubmissionSummary,
    pub files: Vec<SubmissionFileView>,
    /// The first instance first.
    pub instances: Vec<SubmissionInstanceView>,
    /// The oldest first.
    pub reviews: Vec<SubmissionReviewView>,
    /// Whether you may review it.
    pub may_review: bool,
}

/// A review to record (documents the body the handler reads field by field).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ReviewRequest {
    /// approved, has_issues or rejected.
    pub state: String,
    /// Why; required unless approved.
    pub comment: Option<String>,
}

/// An answer: a question's text as the form wrote it (a number, a date, a geopoint
/// `lat lon alt acc`, the names of the choices), or a repeat's items, each an object of
/// its questions' answers (a repeat within a repeat is again a list in its item).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum AnswerValue {
    Text(String),
    Repeat(Vec<RepeatItem>),
}

/// One item of a repeat: its questions' answers by name.
#[derive(Serialize, ToSchema)]
#[allow(dead_code)]
pub struct RepeatItem(std::collections::BTreeMap<String, String>);
