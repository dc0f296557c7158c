//! The early-warning part of the storage port: subjects, devices and deployments, fixes,
//! fences and rules, alerts and their response, the delivery outbox, webhooks and fire
//! hotspots. Like the rest of the store, one SQL text serves both adapters.
//!
//! The domain is split in three traits, bundled by [`WarningStore`]: set-up
//! ([`WarningSetupStore`], `setup.rs`), fixes and their ingest ([`FixStore`], `fixes.rs`),
//! alerts and their delivery ([`AlertStore`], `alerts.rs`).
//!
//! Invariant: fixes, the alerts they raise and the outbox rows that deliver those alerts
//! are written in one transaction ([`WarningStore::ingest`]), so a stored fix always has
//! its alerts and every alert its deliveries.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, ReportId, UserId};
use sinergi_core::report::Sensitivity;
use sinergi_core::warning::fence_name_key;
use sinergi_core::warning::{
    Alert, AlertId, AlertStatus, Deployment, DeploymentId, Device, DeviceId, Fence, FenceId,
    HotspotId, Rule, RuleId, RuleSpec, Severity, Shape, Subject, SubjectId, WebhookId,
};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, UpdateOutcome};

/// Whose a fix is until it joins a subject; part of a fix's unique key with its serial and
/// time, so a fix someone else sent for a serial never counts as a duplicate of the
/// device's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Claim {
    /// The device's: sent for a registered device by someone who may send fixes for it,
    /// or by the operator or a system administrator (who may send fixes for any device).
    /// Joins the subject the serial's device is deployed on.
    Device,
    /// Held for the agency that sent it (another agency's device, or a serial no device
    /// has yet): it joins a subject only if the device's agency, or one above it, sent it.
    Agency(AgencyId),
    /// Held before senders were recorded: joins nothing by itself.
    Unknown,
}

impl Claim {
    /// The stored form: `''`, the agency id, or `unknown`.
    pub fn key(&self) -> String {
        match self {
            Claim::Device => String::new(),
            Claim::Agency(a) => a.0.to_string(),
            Claim::Unknown => "unknown".into(),
        }
    }

    fn parse(s: &str) -> Result<Claim> {
        match s {
            "" => Ok(Claim::Device),
            "unknown" => Ok(Claim::Unknown),
            _ => uuid::Uuid::parse_str(s)
                .map(|u| Claim::Agency(AgencyId(u)))
                .map_err(|_| corrupt("fix claim")),
        }
    }
}

/// A fix to store. `device_id`/`subject_id` are `None` for a held fix (unknown serial or
/// outside any deployment).
#[derive(Debug, Clone, PartialEq)]
pub struct NewFix {
    pub serial: String,
    pub recorded_at: DateTime<Utc>,
    pub device_id: Option<DeviceId>,
    pub subject_id: Option<SubjectId>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub battery: Option<f64>,
    /// `http`, `movebank`, `mqtt`, `report`.
    pub source: String,
    pub received_at: DateTime<Utc>,
    /// The user who sent it; `None` for the operator (command line, MQTT broker).
    pub submitted_by: Option<UserId>,
    /// That user's agency.
    pub submitted_agency: Option<AgencyId>,
    pub claim: Claim,
}

/// A stored fix.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredFix {
    pub id: i64,
    pub serial: String,
    pub recorded_at: DateTime<Utc>,
    pub device_id: Option<DeviceId>,
    pub subject_id: Option<SubjectId>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub battery: Option<f64>,
    pub source: String,
    pub received_at: DateTime<Utc>,
    /// Who sent it (`None`: the operator); shown only to whom the application allows.
    #[serde(skip)]
    pub submitted_by: Option<UserId>,
    #[serde(skip)]
    pub submitted_agency: Option<AgencyId>,
    #[serde(skip)]
    pub claim: Claim,
}

/// An alert to store with the batch that raised it. `fix` indexes the batch's fixes (the
/// stored id is filled in); `dedupe` makes a second raise of the same alert a no-op.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    pub id: AlertId,
    pub dedupe: String,
    pub rule_id: Option<RuleId>,
    pub fence_id: Option<FenceId>,
    pub subject_id: Option<SubjectId>,
    pub device_id: Option<DeviceId>,
    pub report_id: Option<ReportId>,
    pub fix: Option<usize>,
    pub hotspot: Option<usize>,
    pub kind: String,
    pub severity: Severity,
    pub owner_agency_id: AgencyId,
    pub at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub distance_m: Option<f64>,
    pub created_at: DateTime<Utc>,
    /// (channel, target) pairs to deliver to, besides the board.
    pub deliveries: Vec<(String, String)>,
}

/// A FIRMS hotspot to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHotspot {
    pub id: HotspotId,
    pub dedupe: String,
    pub lon: f64,
    pub lat: f64,
    pub acquired_at: DateTime<Utc>,
    pub satellite: String,
    pub confidence: String,
    pub frp: Option<f64>,
    pub imported_at: DateTime<Utc>,
}

/// What one ingest did: per fix whether it was new (false: already stored), per hotspot
/// likewise, and the alerts actually inserted (not those already present).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IngestOutcome {
    pub fixes_stored: Vec<bool>,
    pub hotspots_stored: Vec<bool>,
    pub alerts: Vec<Alert>,
}

/// One delivery of one alert to one destination.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutboxRow {
    pub id: i64,
    pub alert_id: AlertId,
    pub channel: String,
    pub target: String,
    /// `pending`, `sent` or `failed` (gave up after the last retry).
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A receiver of alerts over HTTP, signed with its secret.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Webhook {
    pub id: WebhookId,
    pub owner_agency_id: AgencyId,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

/// A logged response step.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AlertAction {
    pub id: uuid::Uuid,
    pub alert_id: AlertId,
    pub at: DateTime<Utc>,
    pub user_id: UserId,
    pub username: String,
    pub action: String,
    pub note: String,
}

/// Which alerts to read, newest first unless `after_seq` is set (then oldest first).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertFilter {
    pub since: Option<DateTime<Utc>>,
    pub status: Option<AlertStatus>,
    pub fence: Option<FenceId>,
    pub subject: Option<SubjectId>,
    /// Oldest first from this stream position (exclusive); otherwise newest first.
    pub after_seq: Option<i64>,
    /// Newest first below this stream position (exclusive): the next page.
    pub before_seq: Option<i64>,
    /// Only alerts this scope reaches; `None`: all.
    pub scope: Option<AlertScope>,
    pub limit: u32,
}

/// Whose alerts a reader sees: those owned by these agencies, and those raised by these
/// rules (the rules naming the reader or the reader's agency as a recipient). Indexed on
/// both, so a board finds its agency's alerts however many other agencies have.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AlertScope {
    pub agencies: Vec<AgencyId>,
    pub rules: Vec<RuleId>,
}

impl AlertScope {
    /// The scope as (column, ids) pairs, leaving out empty ones.
    fn columns(&self) -> Vec<(&'static str, Vec<uuid::Uuid>)> {
        [
            (
                "owner_agency_id",
                self.agencies.iter().map(|a| a.0).collect::<Vec<_>>(),
            ),
            ("rule_id", self.rules.iter().map(|r| r.0).collect()),
        ]
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .collect()
    }
}

/// The newest fix of a device, for device health.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceLastFix {
    pub device_id: DeviceId,
    pub recorded_at: DateTime<Utc>,
    pub battery: Option<f64>,
    pub lon: f64,
    pub lat: f64,
}

mod alerts;
mod fixes;
mod setup;

/// Subjects, devices and their deployments, fences, rules and webhooks.
#[async_trait]
pub trait WarningSetupStore: Send + Sync {
    async fn insert_subject(&self, s: &Subject, audit: &NewAudit) -> Result<()>;
    async fn subjects(&self) -> Result<Vec<Subject>>;
    async fn insert_device(&self, d: &Device, audit: &NewAudit) -> Result<()>;
    async fn devices(&self) -> Result<Vec<Device>>;
    /// Adds a deployment and attaches the held fixes of that device inside its period:
    /// the device's own ([`Claim::Device`]) and those held for one of `claimants` (the
    /// device's agency and the agencies above it). A claimant's fix for a time the device
    /// already has a fix for is a duplicate and is removed. Returns how many were attached.
    async fn insert_deployment(
        &self,
        d: &Deployment,
        serial: &str,
        claimants: &[AgencyId],
        audit: &NewAudit,
    ) -> Result<u64>;
    /// Ends a deployment at `at`.
    async fn end_deployment(
        &self,
        id: DeploymentId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    async fn deployments(&self) -> Result<Vec<Deployment>>;
    /// Inserts a fence. Another fence of the same agency with the same name (by
    /// [`sinergi_core::warning::fence_name_key`]) is `Duplicate("fence name")`.
    async fn insert_fence(&self, f: &Fence, audit: &NewAudit) -> Result<()>;
    /// Writes a fence's name, kind, shape, region and `updated_at` and sets its version
    /// to `expected_version + 1`, audited in the same transaction, if the stored version
    /// is `expected_version`; nothing is written otherwise. A name another fence of the
    /// agency has is `Duplicate("fence name")`.
    async fn update_fence(
        &self,
        f: &Fence,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn set_fence_active(
        &self,
        id: FenceId,
        active: bool,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    async fn fences(&self) -> Result<Vec<Fence>>;
    async fn insert_rule(&self, r: &Rule, audit: &NewAudit) -> Result<()>;
    async fn set_rule_active(
        &self,
        id: RuleId,
        active: bool,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    async fn rules(&self) -> Result<Vec<Rule>>;
    async fn insert_webhook(&self, w: &Webhook, audit: &NewAudit) -> Result<()>;
    async fn webhooks(&self) -> Result<Vec<Webhook>>;
}

/// Fixes and hotspots: the ingest of a batch with the alerts it raised, and reads of fixes.
#[async_trait]
pub trait FixStore: Send + Sync {
    /// Stores fixes and hotspots (skipping ones already stored), the alerts they raised
    /// (skipping duplicates by `dedupe`), their outbox rows and the batch's audit entry,
    /// in one transaction.
    async fn ingest(
        &self,
        fixes: &[NewFix],
        hotspots: &[NewHotspot],
        alerts: &[NewAlert],
        audit: Option<&NewAudit>,
    ) -> Result<IngestOutcome>;
    /// Which of these hotspot keys are already stored.
    async fn existing_hotspots(&self, keys: &[String]) -> Result<Vec<bool>>;
    /// Which of these fixes are already stored (same serial, time and claim).
    async fn existing_fixes(&self, fixes: &[NewFix]) -> Result<Vec<bool>>;
    /// Fixes of deployed devices since `since`, oldest first, for rebuilding the engine.
    async fn subject_fixes_since(&self, since: DateTime<Utc>) -> Result<Vec<StoredFix>>;
    /// A subject's track between two times, oldest first.
    async fn track(
        &self,
        subject: SubjectId,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<StoredFix>>;
    /// Fixes waiting for an administrator to assign their device, newest first.
    async fn held_fixes(&self, limit: u32) -> Result<Vec<StoredFix>>;
    async fn device_last_fixes(&self) -> Result<Vec<DeviceLastFix>>;
    /// The last fixes of one device (newest first), for the no-movement check.
    async fn device_recent_fixes(&self, device: DeviceId, limit: u32) -> Result<Vec<StoredFix>>;
    async fn fix_count(&self) -> Result<i64>;
}

/// Alerts, their response and their delivery outbox.
#[async_trait]
pub trait AlertStore: Send + Sync {
    /// Which of these alert dedupe keys are already stored.
    async fn existing_alerts(&self, dedupes: &[String]) -> Result<Vec<bool>>;
    async fn alerts(&self, f: &AlertFilter) -> Result<Vec<Alert>>;
    async fn alert(&self, id: AlertId) -> Result<Option<Alert>>;
    /// Whether an alert with this dedupe key exists (device-health alerts check before
    /// raising again).
    async fn alert_exists(&self, dedupe: &str) -> Result<bool>;
    /// Saves a changed alert if it still has `expected` version, with the logged action.
    async fn update_alert(
        &self,
        a: &Alert,
        expected: i64,
        action: Option<&AlertAction>,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn alert_actions(&self, id: AlertId) -> Result<Vec<AlertAction>>;
    /// Pending deliveries due at `now`, oldest first.
    async fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxRow>>;
    /// How many deliveries wait (pending, due or not).
    async fn outbox_backlog(&self) -> Result<i64>;
    async fn outbox_for_alert(&self, id: AlertId) -> Result<Vec<OutboxRow>>;
    /// Records one delivery attempt's result.
    async fn record_delivery(&self, row: &OutboxRow) -> Result<()>;
}

/// The early-warning store: its three parts together.
pub trait WarningStore: WarningSetupStore + FixStore + AlertStore {}

impl<T: WarningSetupStore + FixStore + AlertStore> WarningStore for T {}

/// Splits rows for multi-row inserts: full chunks of `max` (a power of two), then the rest
/// in descending powers of two, so every statement has one of a few shapes and stays in the
/// prepared-statement cache (a statement of any other row count would be parsed anew).
/// Yields each chunk with the index of its first row.
fn statement_chunks<T>(rows: &[T], max: usize) -> Vec<(usize, &[T])> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let left = rows.len() - start;
        let size = if left >= max {
            max
        } else {
            1 << (usize::BITS - 1 - left.leading_zeros())
        };
        out.push((start, &rows[start..start + size]));
        start += size;
    }
    out
}

fn sensitivity(s: &str) -> Result<Sensitivity> {
    Sensitivity::parse(s).ok_or_else(|| corrupt("sensitivity"))
}

const FIX_COLUMNS: &str = "id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
    submitted_by, submitted_agency_id, held_for";

const ALERT_COLUMNS: &str = "seq, id, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, severity, owner_agency_id, \
    at, lon, lat, distance_m, status, created_at, acknowledged_at, acknowledged_by, closed_at, closed_by, outcome, version";

fn opt_ms(v: Option<i64>) -> Result<Option<DateTime<Utc>>> {
    v.map(from_ms).transpose()
}

#[cfg(test)]
mod tests {
    use super::statement_chunks;

    #[test]
    fn insert_chunks_cover_every_row_once_in_few_shapes() {
        for n in [0usize, 1, 2, 3, 511, 512, 513, 1_000, 5_737, 10_000] {
            let rows: Vec<usize> = (0..n).collect();
            let chunks = statement_chunks(&rows, 512);
            let flat: Vec<usize> = chunks.iter().flat_map(|(_, c)| c.iter().copied()).collect();
            assert_eq!(flat, rows, "n = {n}");
            for (base, c) in &chunks {
                assert_eq!(c.first(), rows.get(*base), "first row index, n = {n}");
                assert!(
                    c.len().is_power_of_two() && c.len() <= 512,
                    "n = {n}: {}",
                    c.len()
                );
            }
        }
    }
}
