//! What the audit API answers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sinergi_core::audit::AuditEntry;
use sinergi_core::checkpoint::Checkpoint;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api_common::DetailValue;

/// One entry of the hash-chained audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The user name, or `operator` for the command line.
    pub actor: String,
    pub agency_id: Option<Uuid>,
    pub action: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    #[schema(value_type = BTreeMap<String, DetailValue>)]
    pub detail: Value,
    pub prev_hash: String,
    pub hash: String,
}

impl From<&AuditEntry> for AuditEntryView {
    fn from(e: &AuditEntry) -> Self {
        AuditEntryView {
            seq: e.seq,
            at: e.at,
            actor_id: e.actor_id.map(|x| x.0),
            actor: e.actor.clone(),
            agency_id: e.agency_id.map(|x| x.0),
            action: e.action.clone(),
            record_type: e.record_type.clone(),
            record_id: e.record_id.clone(),
            detail: e.detail.clone(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        }
    }
}

/// A page of the trail; a full page gives `next_cursor`.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub next_cursor: Option<i64>,
}

/// A signed statement "entry `seq` had hash `hash` at `at`".
#[derive(Serialize, ToSchema)]
pub struct CheckpointView {
    /// The newest entry when signed.
    pub seq: i64,
    /// That entry's hash.
    pub hash: String,
    pub at: DateTime<Utc>,
    /// The signer's Ed25519 public key (hex).
    pub public_key: String,
    /// Ed25519 signature (hex) over the text
    /// `sinergi-audit-checkpoint-v1\nseq SEQ\nhash HASH\nat UNIX_MS\n`.
    pub signature: String,
}

impl From<&Checkpoint> for CheckpointView {
    fn from(c: &Checkpoint) -> Self {
        CheckpointView {
            seq: c.seq,
            hash: c.hash.clone(),
            at: c.at,
            public_key: c.public_key.clone(),
            signature: c.signature.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointList {
    pub public_key: String,
    pub checkpoints: Vec<CheckpointView>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckpointWrite {
    pub written: bool,
    pub checkpoint: Option<CheckpointView>,
}
