//! The audit trail's shape and its hash chain. Every entry carries the hash of the entry
//! before it, so changing, removing or reordering a stored entry breaks the chain at that
//! point, and [`verify`] names the first entry that no longer fits.
//!
//! The chain proves the trail was not edited in place, but it is unkeyed: whoever can write
//! the database can recompute every hash after an edit, or cut off the newest entries.
//! Signed checkpoints ([`crate::checkpoint`]) pin the chain up to the newest one.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::canonical;
use crate::ids::{AgencyId, UserId};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. Stored as its `as_str` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    SignIn,
    SignInFailed,
    SignOut,
    ReportCreate,
    ReportUpdate,
    ReportRead,
    ReportExport,
    AttachmentAdd,
    AttachmentRead,
    AgencyCreate,
    UserCreate,
    UserActivate,
    UserDeactivate,
    UserUpdate,
    PasswordChange,
    PasswordReset,
    AgreementCreate,
    AgreementUpdate,
    AgreementApprove,
    AgreementRevoke,
    ReferralCreate,
    ReferralRevoke,
    BreakGlass,
    SettingChange,
    SessionsRevoke,
    TotpEnable,
    TotpDisable,
    WarningSetup,
    AlertRespond,
    Import,
    PatrolCreate,
    PatrolUpdate,
    PatrolTrackAdd,
    PatrolObservationsAdd,
    PatrolObservationDismiss,
    PatrolFindingLink,
    LetterCreate,
    LetterUpdate,
    LetterSend,
    LetterRegister,
    LetterRead,
    LetterDocumentAdd,
    LetterFormatChange,
    DispositionCreate,
    DispositionUpdate,
    GroupCreate,
    GroupUpdate,
    MeetingCreate,
    MeetingUpdate,
    ActionItemCreate,
    ActionItemUpdate,
    PlanCreate,
    PlanUpdate,
    PlanNodeCreate,
    PlanNodeUpdate,
    ActionItemReminder,
    CalendarTokenIssue,
    CalendarTokenRevoke,
    UserEmailChange,
    ReportingLineChange,
    LetterForward,
    DispositionReminder,
    AreaCreate,
    AreaUpdate,
    AreaPostCreate,
    AreaPostReportCreate,
    CaseCreate,
    CaseUpdate,
    CaseStageRecord,
    CasePersonAdd,
    CasePersonDecrypt,
    CasePersonShred,
    CasePersonShare,
    CasePersonUnshare,
    FormPublish,
    FormMediaUpload,
    FormDeviceLink,
    FormDeviceRevoke,
    SubmissionReceive,
    SubmissionEdit,
    SubmissionFile,
    SubmissionReview,
    CampaignCreate,
    CampaignIndexCreate,
    CampaignReminder,
    CaseServiceUpdate,
    CaseTransferRequest,
    CaseTransferDecide,
    CaseSettingsChange,
    CaseDeadlineReminder,
    CaseEvidenceAdd,
    CaseCustodyRecord,
    CaseTaskRequest,
    CaseTaskAnswer,
}

impl Action {
    pub const ALL: [Action; 94] = [
        Action::SignIn,
        Action::SignInFailed,
        Action::SignOut,
        Action::ReportCreate,
        Action::ReportUpdate,
        Action::ReportRead,
        Action::ReportExport,
        Action::AttachmentAdd,
        Action::AttachmentRead,
        Action::AgencyCreate,
        Action::UserCreate,
        Action::UserActivate,
        Action::UserDeactivate,
        Action::UserUpdate,
        Action::PasswordChange,
        Action::PasswordReset,
        Action::AgreementCreate,
        Action::AgreementUpdate,
        Action::AgreementApprove,
        Action::AgreementRevoke,
        Action::ReferralCreate,
        Action::ReferralRevoke,
        Action::BreakGlass,
        Action::SettingChange,
        Action::SessionsRevoke,
        Action::TotpEnable,
        Action::TotpDisable,
        Action::WarningSetup,
        Action::AlertRespond,
        Action::Import,
        Action::PatrolCreate,
        Action::PatrolUpdate,
        Action::PatrolTrackAdd,
        Action::PatrolObservationsAdd,
        Action::PatrolObservationDismiss,
        Action::PatrolFindingLink,
        Action::LetterCreate,
        Action::LetterUpdate,
        Action::LetterSend,
        Action::LetterRegister,
        Action::LetterRead,
        Action::LetterDocumentAdd,
        Action::LetterFormatChange,
        Action::DispositionCreate,
        Action::DispositionUpdate,
        Action::GroupCreate,
        Action::GroupUpdate,
        Action::MeetingCreate,
        Action::MeetingUpdate,
        Action::ActionItemCreate,
        Action::ActionItemUpdate,
        Action::PlanCreate,
        Action::PlanUpdate,
        Action::PlanNodeCreate,
        Action::PlanNodeUpdate,
        Action::ActionItemReminder,
        Action::CalendarTokenIssue,
        Action::CalendarTokenRevoke,
        Action::UserEmailChange,
        Action::ReportingLineChange,
        Action::LetterForward,
        Action::DispositionReminder,
        Action::AreaCreate,
        Action::AreaUpdate,
        Action::AreaPostCreate,
        Action::AreaPostReportCreate,
        Action::CaseCreate,
        Action::CaseUpdate,
        Action::CaseStageRecord,
        Action::CasePersonAdd,
        Action::CasePersonDecrypt,
        Action::CasePersonShred,
        Action::CasePersonShare,
        Action::CasePersonUnshare,
        Action::FormPublish,
        Action::FormMediaUpload,
        Action::FormDeviceLink,
        Action::FormDeviceRevoke,
        Action::SubmissionReceive,
        Action::SubmissionEdit,
        Action::SubmissionFile,
        Action::SubmissionReview,
        Action::CampaignCreate,
        Action::CampaignIndexCreate,
        Action::CampaignReminder,
        Action::CaseServiceUpdate,
        Action::CaseTransferRequest,
        Action::CaseTransferDecide,
        Action::CaseSettingsChange,
        Action::CaseDeadlineReminder,
        Action::CaseEvidenceAdd,
        Action::CaseCustodyRecord,
        Action::CaseTaskRequest,
        Action::CaseTaskAnswer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::SignIn => "sign_in",
            Action::SignInFailed => "sign_in_failed",
            Action::SignOut => "sign_out",
            Action::ReportCreate => "report_create",
            Action::ReportUpdate => "report_update",
            Action::ReportRead => "report_read",
            Action::ReportExport => "report_export",
            Action::AttachmentAdd => "attachment_add",
            Action::AttachmentRead => "attachment_read",
            Action::AgencyCreate => "agency_create",
            Action::UserCreate => "user_create",
            Action::UserActivate => "user_activate",
            Action::UserDeactivate => "user_deactivate",
            Action::UserUpdate => "user_update",
            Action::PasswordChange => "password_change",
            Action::PasswordReset => "password_reset",
            Action::AgreementCreate => "agreement_create",
            Action::AgreementUpdate => "agreement_update",
            Action::AgreementApprove => "agreement_approve",
            Action::AgreementRevoke => "agreement_revoke",
            Action::ReferralCreate => "referral_create",
            Action::ReferralRevoke => "referral_revoke",
            Action::BreakGlass => "break_glass",
            Action::SettingChange => "setting_change",
            Action::SessionsRevoke => "sessions_revoke",
            Action::TotpEnable => "totp_enable",
            Action::TotpDisable => "totp_disable",
            Action::WarningSetup => "warning_setup",
            Action::AlertRespond => "alert_respond",
            Action::Import => "import",
            Action::PatrolCreate => "patrol_create",
            Action::PatrolUpdate => "patrol_update",
            Action::PatrolTrackAdd => "patrol_track_add",
            Action::PatrolObservationsAdd => "patrol_observations_add",
            Action::PatrolObservationDismiss => "patrol_observation_dismiss",
            Action::PatrolFindingLink => "patrol_finding_link",
            Action::LetterCreate => "letter_create",
            Action::LetterUpdate => "letter_update",
            Action::LetterSend => "letter_send",
            Action::LetterRegister => "letter_register",
            Action::LetterRead => "letter_read",
            Action::LetterDocumentAdd => "letter_document_add",
            Action::LetterFormatChange => "letter_format_change",
            Action::DispositionCreate => "disposition_create",
            Action::DispositionUpdate => "disposition_update",
            Action::GroupCreate => "group_create",
            Action::GroupUpdate => "group_update",
            Action::MeetingCreate => "meeting_create",
            Action::MeetingUpdate => "meeting_update",
            Action::ActionItemCreate => "action_item_create",
            Action::ActionItemUpdate => "action_item_update",
            Action::PlanCreate => "plan_create",
            Action::PlanUpdate => "plan_update",
            Action::PlanNodeCreate => "plan_node_create",
            Action::PlanNodeUpdate => "plan_node_update",
            Action::ActionItemReminder => "action_item_reminder",
            Action::CalendarTokenIssue => "calendar_token_issue",
            Action::CalendarTokenRevoke => "calendar_token_revoke",
            Action::UserEmailChange => "user_email_change",
            Action::ReportingLineChange => "reporting_line_change",
            Action::LetterForward => "letter_forward",
            Action::DispositionReminder => "disposition_reminder",
            Action::AreaCreate => "area_create",
            Action::AreaUpdate => "area_update",
            Action::AreaPostCreate => "area_post_create",
            Action::AreaPostReportCreate => "area_post_report_create",
            Action::CaseCreate => "case_create",
            Action::CaseUpdate => "case_update",
            Action::CaseStageRecord => "case_stage_record",
            Action::CasePersonAdd => "case_person_add",
            Action::CasePersonDecrypt => "case_person_decrypt",
            Action::CasePersonShred => "case_person_shred",
            Action::CasePersonShare => "case_person_share",
            Action::CasePersonUnshare => "case_person_unshare",
            Action::FormPublish => "form_publish",
            Action::FormMediaUpload => "form_media_upload",
            Action::FormDeviceLink => "form_device_link",
            Action::FormDeviceRevoke => "form_device_revoke",
            Action::SubmissionReceive => "submission_receive",
            Action::SubmissionEdit => "submission_edit",
            Action::SubmissionFile => "submission_file",
            Action::SubmissionReview => "submission_review",
            Action::CampaignCreate => "campaign_create",
            Action::CampaignIndexCreate => "campaign_index_create",
            Action::CampaignReminder => "campaign_reminder",
            Action::CaseServiceUpdate => "case_service_update",
            Action::CaseTransferRequest => "case_transfer_request",
            Action::CaseTransferDecide => "case_transfer_decide",
            Action::CaseSettingsChange => "case_settings_change",
            Action::CaseDeadlineReminder => "case_deadline_reminder",
            Action::CaseEvidenceAdd => "case_evidence_add",
            Action::CaseCustodyRecord => "case_custody_record",
            Action::CaseTaskRequest => "case_task_request",
            Action::CaseTaskAnswer => "case_task_answer",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// An entry about to be appended; the store gives it its sequence number and hashes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAudit {
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    /// The user name, `operator` for the command line, or the name tried at a failed
    /// sign-in.
    pub actor: String,
    /// The acting user's agency, which decides whose administrators see the entry.
    pub agency_id: Option<AgencyId>,
    pub action: Action,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// Extra facts as strings and integers only, so the text form is stable.
    pub detail: Value,
}

/// A stored entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub actor: String,
    pub agency_id: Option<AgencyId>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub detail: Value,
    pub prev_hash: String,
    pub hash: String,
}

/// The hash of entry `seq` following `prev_hash`: SHA-256 over the previous hash and the
/// canonical JSON text ([`crate::canonical`]) of every stored field. The text must never
/// change: every trail already stored is verified with it.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    seq: i64,
    prev_hash: &str,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    actor: &str,
    agency_id: Option<AgencyId>,
    action: &str,
    record_type: Option<&str>,
    record_id: Option<&str>,
    detail: &Value,
) -> String {
    let body = entry_body(
        seq,
        at,
        actor_id,
        actor,
        agency_id,
        action,
        record_type,
        record_id,
        detail,
    );
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(canonical::to_string(&body).as_bytes());
    hex::encode(h.finalize())
}

/// The stored fields of an entry as one JSON object, as hashed.
#[allow(clippy::too_many_arguments)]
fn entry_body(
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<UserId>,
    actor: &str,
    agency_id: Option<AgencyId>,
    action: &str,
    record_type: Option<&str>,
    record_id: Option<&str>,
    detail: &Value,
) -> Value {
    json!({
        "seq": seq,
        "at": at.timestamp_millis(),
        "actor_id": actor_id.map(|u| u.to_string()),
        "actor": actor,
        "agency_id": agency_id.map(|a| a.to_string()),
        "action": action,
        "record_type": record_type,
        "record_id": record_id,
        "detail": detail,
    })
}

impl NewAudit {
    pub fn hash(&self, seq: i64, prev_hash: &str) -> String {
        entry_hash(
            seq,
            prev_hash,
            self.at,
            self.actor_id,
            &self.actor,
            self.agency_id,
            self.action.as_str(),
            self.record_type.as_deref(),
            self.record_id.as_deref(),
            &self.detail,
        )
    }
}

impl AuditEntry {
    /// The hash this entry should carry, computed from its own fields.
    pub fn expected_hash(&self) -> String {
        entry_hash(
            self.seq,
            &self.prev_hash,
            self.at,
            self.actor_id,
            &self.actor,
            self.agency_id,
            &self.action,
            self.record_type.as_deref(),
            self.record_id.as_deref(),
            &self.detail,
        )
    }
}

/// Why the chain is broken, at the first entry that does not fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// The sequence number of the first entry that does not fit (or, for a gap, the
    /// number that is missing).
    pub seq: i64,
    pub reason: String,
}

/// Walks entries in sequence order, carrying the state between pages: feed every page to
/// [`Verifier::check`], then read [`Verifier::head`].
#[derive(Debug, Clone)]
pub struct Verifier {
    expected_seq: i64,
    prev_hash: String,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            prev_hash: GENESIS.to_string(),
            checked: 0,
        }
    }
}

impl Verifier {
    /// A verifier that continues after entry `seq` with hash `hash`, e.g. from a checkpoint
    /// already trusted, instead of from the genesis.
    pub fn after(seq: i64, hash: &str) -> Self {
        Verifier {
            expected_seq: seq + 1,
            prev_hash: hash.to_string(),
            checked: 0,
        }
    }

    pub fn check(&mut self, e: &AuditEntry) -> Result<(), Broken> {
        if e.seq != self.expected_seq {
            return Err(Broken {
                seq: self.expected_seq,
                reason: format!(
                    "entry {} is missing (the next stored entry is {})",
                    self.expected_seq, e.seq
                ),
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(Broken {
                seq: e.seq,
                reason: "it does not follow the entry before it".into(),
            });
        }
        if e.hash != e.expected_hash() {
            return Err(Broken {
                seq: e.seq,
                reason: "its content does not match its hash".into(),
            });
        }
        self.expected_seq += 1;
        self.prev_hash = e.hash.clone();
        self.checked += 1;
        Ok(())
    }

    /// The hash of the last entry checked.
    pub fn head(&self) -> &str {
        &self.prev_hash
    }
}

/// Verifies a complete list of entries.
pub fn verify(entries: &[AuditEntry]) -> Result<u64, Broken> {
    let mut v = Verifier::default();
    for e in entries {
        v.check(e)?;
    }
    Ok(v.checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|seq| {
                let new = NewAudit {
                    at: DateTime::from_timestamp(1_700_000_000 + seq, 0).expect("ts"),
                    actor_id: None,
                    actor: "operator".into(),
                    agency_id: None,
                    action: Action::AgencyCreate,
                    record_type: Some("agency".into()),
                    record_id: Some(format!("A{seq}")),
                    detail: json!({"n": seq}),
                };
                let hash = new.hash(seq, &prev);
                let e = AuditEntry {
                    seq,
                    at: new.at,
                    actor_id: None,
                    actor: new.actor,
                    agency_id: None,
                    action: new.action.as_str().into(),
                    record_type: new.record_type,
                    record_id: new.record_id,
                    detail: new.detail,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    /// An entry whose detail has nested objects whose keys were inserted out of order,
    /// text that needs escaping, non-ASCII text, and every kind of JSON value.
    fn pinned_entry() -> NewAudit {
        let mut inner = serde_json::Map::new();
        inner.insert("zeta".into(), json!(-7));
        inner.insert("alpha".into(), json!([1, "dua", null, true, 2.5]));
        inner.insert("Émile".into(), json!("ß"));
        let mut detail = serde_json::Map::new();
        detail.insert("z".into(), Value::Object(inner));
        detail.insert(
            "b".into(),
            json!("baris\nbaru \"kutip\" \\ \u{1} é 🐅 </script>"),
        );
        detail.insert("a".into(), json!(18_446_744_073_709_551_615u64));
        detail.insert("f".into(), json!(101.0));
        detail.insert("g".into(), json!(1e-7));
        NewAudit {
            at: DateTime::from_timestamp_millis(1_748_300_000_123).expect("ts"),
            actor_id: Some(UserId(uuid::Uuid::from_u128(
                0x0190_0000_0000_7000_8000_0000_0000_0001,
            ))),
            actor: "petugas".into(),
            agency_id: Some(AgencyId(uuid::Uuid::from_u128(2))),
            action: Action::ReportUpdate,
            record_type: Some("report".into()),
            record_id: None,
            detail: Value::Object(detail),
        }
    }

    /// The hash of an entry must never change: every trail already stored is verified with
    /// it. This pins the exact text hashed and the hash of one entry; if it fails, the
    /// canonical form changed (a serde_json feature, a dependency, an edit) and `audit
    /// verify` would report every existing entry as broken.
    #[test]
    fn the_hashed_form_of_an_entry_is_pinned() {
        let e = pinned_entry();
        let body = entry_body(
            7,
            e.at,
            e.actor_id,
            &e.actor,
            e.agency_id,
            e.action.as_str(),
            e.record_type.as_deref(),
            e.record_id.as_deref(),
            &e.detail,
        );
        assert_eq!(
            canonical::to_string(&body),
            r#"{"action":"report_update","actor":"petugas","actor_id":"01900000-0000-7000-8000-000000000001","agency_id":"00000000-0000-0000-0000-000000000002","at":1748300000123,"detail":{"a":18446744073709551615,"b":"baris\nbaru \"kutip\" \\ \u0001 é 🐅 </script>","f":101.0,"g":1e-7,"z":{"alpha":[1,"dua",null,true,2.5],"zeta":-7,"Émile":"ß"}},"record_id":null,"record_type":"report","seq":7}"#
        );
        assert_eq!(
            e.hash(7, GENESIS),
            "723e72dbc16710bef7dd6ec4d201672776e0fac840943d7d64189a672d53b44b"
        );
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(5)), Ok(5));
        assert_eq!(verify(&[]), Ok(0));
    }

    /// The defect checkpoints answer: an edit with every later hash recomputed, or cutting
    /// off the newest entries, leaves a chain that verifies on its own.
    #[test]
    fn rechaining_and_truncation_pass_the_chain_but_not_a_checkpoint() {
        use crate::checkpoint::{AuditKey, CheckpointProblem};
        let c = chain(5);
        let key = AuditKey::from_seed([5; 32]);
        let trusted = [key.public_key()];
        let cp = key.sign(4, &c[3].hash, c[3].at);
        assert_eq!(cp.check(&trusted, Some(&c[3].hash), 5), Ok(()));

        let mut r = c.clone();
        r[1].actor = "mallory".into();
        for i in 1..r.len() {
            r[i].prev_hash = r[i - 1].hash.clone();
            r[i].hash = r[i].expected_hash();
        }
        assert_eq!(verify(&r), Ok(5), "a re-chained trail verifies on its own");
        assert!(matches!(
            cp.check(&trusted, Some(&r[3].hash), 5),
            Err(CheckpointProblem::Rechained { .. })
        ));

        let t = c[..3].to_vec();
        assert_eq!(verify(&t), Ok(3), "a truncated trail verifies on its own");
        assert_eq!(
            cp.check(&trusted, None, 3),
            Err(CheckpointProblem::Truncated { chain_end: 3 })
        );

        // Continuing from a checkpoint checks only what follows it.
        let mut v = Verifier::after(4, &c[3].hash);
        assert_eq!(v.check(&c[4]), Ok(()));
        assert_eq!(v.head(), c[4].hash);
        let mut v = Verifier::after(4, &r[3].hash);
        assert!(v.check(&c[4]).is_err());
    }

    #[test]
    fn changes_removals_and_reordering_are_found_at_the_first_broken_entry() {
        let mut c = chain(5);
        c[2].actor = "mallory".into();
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(3));

        let mut c = chain(5);
        c.remove(1);
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(2));

        // Swapping two entries' contents while keeping the sequence numbers in place.
        let mut c = chain(5);
        let (a, b) = (c[1].clone(), c[2].clone());
        c[1] = AuditEntry { seq: 2, ..b };
        c[2] = AuditEntry { seq: 3, ..a };
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(2));

        // Recomputing one entry's hash after editing it breaks the next link instead.
        let mut c = chain(5);
        c[1].actor = "mallory".into();
        c[1].hash = c[1].expected_hash();
        assert_eq!(verify(&c).map_err(|b| b.seq), Err(3));
    }
}
