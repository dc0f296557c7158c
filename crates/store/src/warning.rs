//! The early-warning part of the storage port: subjects, devices and deployments, fixes,
//! fences and rules, alerts and their response, the delivery outbox, webhooks and fire
//! hotspots. Like the rest of the store, one SQL text serves both adapters.
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

use crate::imp::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
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

#[async_trait]
pub trait WarningStore: Send + Sync {
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
    /// Which of these alert dedupe keys are already stored.
    async fn existing_alerts(&self, dedupes: &[String]) -> Result<Vec<bool>>;
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

    async fn insert_webhook(&self, w: &Webhook, audit: &NewAudit) -> Result<()>;
    async fn webhooks(&self) -> Result<Vec<Webhook>>;

    /// Pending deliveries due at `now`, oldest first.
    async fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxRow>>;
    /// How many deliveries wait (pending, due or not).
    async fn outbox_backlog(&self) -> Result<i64>;
    async fn outbox_for_alert(&self, id: AlertId) -> Result<Vec<OutboxRow>>;
    /// Records one delivery attempt's result.
    async fn record_delivery(&self, row: &OutboxRow) -> Result<()>;
}

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

macro_rules! warning_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;

        use crate::imp::$m::{append_audit_tx, missed_update, update_one_audited};

        /// Switches a fence or rule on or off, audited in the same transaction; false when
        /// there is no such row.
        async fn set_active(
            pool: &sqlx::Pool<$DB>,
            sql: &'static str,
            id: uuid::Uuid,
            active: bool,
            at: DateTime<Utc>,
            audit: &NewAudit,
        ) -> Result<bool> {
            let update = sqlx::query(sql).bind(active).bind(ms(at)).bind(id);
            update_one_audited(pool, update, Some(audit)).await
        }

        /// The alerts query with the filters every plan shares (time, status, area, subject,
        /// page), ready for more conditions.
        fn alert_query(f: &AlertFilter) -> QueryBuilder<'static, $DB> {
            let mut qb: QueryBuilder<$DB> = QueryBuilder::new(format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE 1 = 1"));
            if let Some(t) = f.since {
                qb.push(" AND at >= ").push_bind(ms(t));
            }
            if let Some(s) = f.status {
                qb.push(" AND status = ").push_bind(s.as_str());
            }
            if let Some(fence) = f.fence {
                qb.push(" AND fence_id = ").push_bind(fence.0);
            }
            if let Some(s) = f.subject {
                qb.push(" AND subject_id = ").push_bind(s.0);
            }
            if let Some(seq) = f.before_seq {
                qb.push(" AND seq < ").push_bind(seq);
            }
            qb
        }

        fn fix_from_row(row: &$Row) -> Result<StoredFix> {
            Ok(StoredFix {
                id: row.try_get("id")?,
                serial: row.try_get("serial")?,
                recorded_at: from_ms(row.try_get("recorded_at")?)?,
                device_id: row.try_get::<Option<uuid::Uuid>, _>("device_id")?.map(DeviceId),
                subject_id: row.try_get::<Option<uuid::Uuid>, _>("subject_id")?.map(SubjectId),
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                accuracy_m: row.try_get("accuracy_m")?,
                battery: row.try_get("battery")?,
                source: row.try_get("source")?,
                received_at: from_ms(row.try_get("received_at")?)?,
                submitted_by: row.try_get::<Option<uuid::Uuid>, _>("submitted_by")?.map(UserId),
                submitted_agency: row.try_get::<Option<uuid::Uuid>, _>("submitted_agency_id")?.map(AgencyId),
                claim: Claim::parse(row.try_get::<&str, _>("held_for")?)?,
            })
        }

        const FIX_COLUMNS: &str = "id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
            submitted_by, submitted_agency_id, held_for";
        const ALERT_COLUMNS: &str = "seq, id, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, severity, owner_agency_id, \
            at, lon, lat, distance_m, status, created_at, acknowledged_at, acknowledged_by, closed_at, closed_by, outcome, version";

        fn opt_ms(v: Option<i64>) -> Result<Option<DateTime<Utc>>> {
            v.map(from_ms).transpose()
        }

        fn alert_from_row(row: &$Row) -> Result<Alert> {
            let severity: String = row.try_get("severity")?;
            let status: String = row.try_get("status")?;
            Ok(Alert {
                seq: row.try_get("seq")?,
                id: AlertId(row.try_get("id")?),
                rule_id: row.try_get::<Option<uuid::Uuid>, _>("rule_id")?.map(RuleId),
                fence_id: row.try_get::<Option<uuid::Uuid>, _>("fence_id")?.map(FenceId),
                subject_id: row.try_get::<Option<uuid::Uuid>, _>("subject_id")?.map(SubjectId),
                device_id: row.try_get::<Option<uuid::Uuid>, _>("device_id")?.map(DeviceId),
                report_id: row.try_get::<Option<uuid::Uuid>, _>("report_id")?.map(ReportId),
                fix_id: row.try_get("fix_id")?,
                hotspot_id: row.try_get::<Option<uuid::Uuid>, _>("hotspot_id")?.map(HotspotId),
                kind: row.try_get("kind")?,
                severity: Severity::parse(&severity).ok_or_else(|| corrupt("severity"))?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                at: from_ms(row.try_get("at")?)?,
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                distance_m: row.try_get("distance_m")?,
                status: AlertStatus::parse(&status).ok_or_else(|| corrupt("alert status"))?,
                created_at: from_ms(row.try_get("created_at")?)?,
                acknowledged_at: opt_ms(row.try_get("acknowledged_at")?)?,
                acknowledged_by: row.try_get::<Option<uuid::Uuid>, _>("acknowledged_by")?.map(UserId),
                closed_at: opt_ms(row.try_get("closed_at")?)?,
                closed_by: row.try_get::<Option<uuid::Uuid>, _>("closed_by")?.map(UserId),
                outcome: row.try_get("outcome")?,
                version: row.try_get("version")?,
            })
        }

        fn outbox_from_row(row: &$Row) -> Result<OutboxRow> {
            Ok(OutboxRow {
                id: row.try_get("id")?,
                alert_id: AlertId(row.try_get("alert_id")?),
                channel: row.try_get("channel")?,
                target: row.try_get("target")?,
                status: row.try_get("status")?,
                attempts: row.try_get("attempts")?,
                next_attempt_at: from_ms(row.try_get("next_attempt_at")?)?,
                last_error: row.try_get("last_error")?,
                sent_at: opt_ms(row.try_get("sent_at")?)?,
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        #[async_trait]
        impl WarningStore for $Store {
            async fn insert_subject(&self, s: &Subject, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO subjects (id, owner_agency_id, name, species, kind, sensitivity, notes, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(s.id.0)
                .bind(s.owner_agency_id.0)
                .bind(&s.name)
                .bind(&s.species)
                .bind(&s.kind)
                .bind(s.sensitivity.as_str())
                .bind(&s.notes)
                .bind(ms(s.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn subjects(&self) -> Result<Vec<Subject>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, species, kind, sensitivity, notes, created_at FROM subjects ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let sens: String = row.try_get("sensitivity")?;
                        Ok(Subject {
                            id: SubjectId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            species: row.try_get("species")?,
                            kind: row.try_get("kind")?,
                            sensitivity: sensitivity(&sens)?,
                            notes: row.try_get("notes")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_device(&self, d: &Device, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO devices (id, serial, kind, owner_agency_id, expected_interval_s, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(d.id.0)
                .bind(&d.serial)
                .bind(&d.kind)
                .bind(d.owner_agency_id.0)
                .bind(d.expected_interval_s)
                .bind(ms(d.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn devices(&self) -> Result<Vec<Device>> {
                let rows = sqlx::query(
                    "SELECT id, serial, kind, owner_agency_id, expected_interval_s, created_at FROM devices ORDER BY serial",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Device {
                            id: DeviceId(row.try_get("id")?),
                            serial: row.try_get("serial")?,
                            kind: row.try_get("kind")?,
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            expected_interval_s: row.try_get("expected_interval_s")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_deployment(&self, d: &Deployment, serial: &str, claimants: &[AgencyId], audit: &NewAudit) -> Result<u64> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO deployments (id, device_id, subject_id, start_at, end_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(d.id.0)
                .bind(d.device_id.0)
                .bind(d.subject_id.0)
                .bind(ms(d.start_at))
                .bind(d.end_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                let (start, end) = (ms(d.start_at), d.end_at.map(ms));
                // The device's own held fixes.
                let r = sqlx::query(
                    "UPDATE fixes SET device_id = $1, subject_id = $2 \
                     WHERE serial = $3 AND subject_id IS NULL AND held_for = '' AND recorded_at >= $4 AND ($5 IS NULL OR recorded_at < $5)",
                )
                .bind(d.device_id.0)
                .bind(d.subject_id.0)
                .bind(serial)
                .bind(start)
                .bind(end)
                .execute(&mut *tx)
                .await?;
                let mut attached = r.rows_affected();
                // Those held for the claimant agencies become the device's, one per time:
                // where the device already has a fix for that time, the held one is a
                // duplicate of it.
                if !claimants.is_empty() {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT id, recorded_at FROM fixes WHERE serial = ");
                    qb.push_bind(serial)
                        .push(" AND subject_id IS NULL AND recorded_at >= ")
                        .push_bind(start);
                    if let Some(end) = end {
                        qb.push(" AND recorded_at < ").push_bind(end);
                    }
                    qb.push(" AND held_for IN (");
                    let mut sep = qb.separated(", ");
                    for a in claimants {
                        sep.push_bind(a.0.to_string());
                    }
                    qb.push(") ORDER BY recorded_at, id");
                    let held: Vec<(i64, i64)> = qb.build_query_as().fetch_all(&mut *tx).await?;
                    if !held.is_empty() {
                        let mut qb: QueryBuilder<$DB> =
                            QueryBuilder::new("SELECT recorded_at FROM fixes WHERE held_for = '' AND serial = ");
                        qb.push_bind(serial).push(" AND recorded_at >= ").push_bind(start);
                        if let Some(end) = end {
                            qb.push(" AND recorded_at < ").push_bind(end);
                        }
                        let mut taken: std::collections::HashSet<i64> =
                            qb.build_query_scalar::<i64>().fetch_all(&mut *tx).await?.into_iter().collect();
                        let (mut join, mut drop) = (Vec::new(), Vec::new());
                        for (id, t) in held {
                            if taken.insert(t) {
                                join.push(id);
                            } else {
                                drop.push(id);
                            }
                        }
                        for chunk in join.chunks(500) {
                            let mut qb: QueryBuilder<$DB> = QueryBuilder::new("UPDATE fixes SET device_id = ");
                            qb.push_bind(d.device_id.0)
                                .push(", subject_id = ")
                                .push_bind(d.subject_id.0)
                                .push(", held_for = '' WHERE id IN (");
                            let mut sep = qb.separated(", ");
                            for id in chunk {
                                sep.push_bind(*id);
                            }
                            qb.push(")");
                            attached += qb.build().execute(&mut *tx).await?.rows_affected();
                        }
                        for chunk in drop.chunks(500) {
                            let mut qb: QueryBuilder<$DB> = QueryBuilder::new("DELETE FROM fixes WHERE id IN (");
                            let mut sep = qb.separated(", ");
                            for id in chunk {
                                sep.push_bind(*id);
                            }
                            qb.push(")");
                            qb.build().execute(&mut *tx).await?;
                        }
                    }
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(attached)
            }

            async fn end_deployment(&self, id: DeploymentId, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE deployments SET end_at = $1 WHERE id = $2 AND end_at IS NULL")
                    .bind(ms(at))
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn deployments(&self) -> Result<Vec<Deployment>> {
                let rows = sqlx::query("SELECT id, device_id, subject_id, start_at, end_at FROM deployments ORDER BY start_at, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Deployment {
                            id: DeploymentId(row.try_get("id")?),
                            device_id: DeviceId(row.try_get("device_id")?),
                            subject_id: SubjectId(row.try_get("subject_id")?),
                            start_at: from_ms(row.try_get("start_at")?)?,
                            end_at: opt_ms(row.try_get("end_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_fence(&self, f: &Fence, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO fences (id, owner_agency_id, name, name_key, kind, shape, region_code, active, created_by, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(f.id.0)
                .bind(f.owner_agency_id.0)
                .bind(&f.name)
                .bind(fence_name_key(&f.name))
                .bind(&f.kind)
                .bind(f.shape.to_json().to_string())
                .bind(&f.region_code)
                .bind(f.active)
                .bind(f.created_by.0)
                .bind(ms(f.created_at))
                .bind(ms(f.updated_at))
                .bind(f.version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_fence(&self, f: &Fence, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = self.write.begin().await?;
                let done = sqlx::query(
                    "UPDATE fences SET name = $1, name_key = $2, kind = $3, shape = $4, region_code = $5, updated_at = $6, version = $7 \
                     WHERE id = $8 AND version = $9",
                )
                .bind(&f.name)
                .bind(fence_name_key(&f.name))
                .bind(&f.kind)
                .bind(f.shape.to_json().to_string())
                .bind(&f.region_code)
                .bind(ms(f.updated_at))
                .bind(expected_version + 1)
                .bind(f.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() != 1 {
                    let missed = missed_update(&mut tx, "fences", f.id.0).await?;
                    tx.rollback().await?;
                    return Ok(missed);
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn set_fence_active(&self, id: FenceId, active: bool, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                set_active(&self.write, "UPDATE fences SET active = $1, updated_at = $2 WHERE id = $3", id.0, active, at, audit).await
            }

            async fn fences(&self) -> Result<Vec<Fence>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, kind, shape, region_code, active, created_by, created_at, updated_at, version \
                     FROM fences ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let shape: String = row.try_get("shape")?;
                        let shape: serde_json::Value = serde_json::from_str(&shape).map_err(|_| corrupt("fence shape"))?;
                        Ok(Fence {
                            id: FenceId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            kind: row.try_get("kind")?,
                            shape: Shape::parse(&shape).map_err(|_| corrupt("fence shape"))?,
                            region_code: row.try_get("region_code")?,
                            active: row.try_get("active")?,
                            created_by: UserId(row.try_get("created_by")?),
                            created_at: from_ms(row.try_get("created_at")?)?,
                            updated_at: from_ms(row.try_get("updated_at")?)?,
                            version: row.try_get("version")?,
                        })
                    })
                    .collect()
            }

            async fn insert_rule(&self, r: &Rule, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO rules (id, owner_agency_id, name, definition, active, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(r.id.0)
                .bind(r.owner_agency_id.0)
                .bind(&r.name)
                .bind(serde_json::to_string(&r.spec).map_err(|e| corrupt(&e.to_string()))?)
                .bind(r.active)
                .bind(r.created_by.0)
                .bind(ms(r.created_at))
                .bind(ms(r.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn set_rule_active(&self, id: RuleId, active: bool, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                set_active(&self.write, "UPDATE rules SET active = $1, updated_at = $2 WHERE id = $3", id.0, active, at, audit).await
            }

            async fn rules(&self) -> Result<Vec<Rule>> {
                let rows = sqlx::query(
                    "SELECT id, owner_agency_id, name, definition, active, created_by, created_at, updated_at FROM rules ORDER BY name, id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        let def: String = row.try_get("definition")?;
                        let spec: RuleSpec = serde_json::from_str(&def).map_err(|_| corrupt("rule"))?;
                        Ok(Rule {
                            id: RuleId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            name: row.try_get("name")?,
                            spec,
                            active: row.try_get("active")?,
                            created_by: UserId(row.try_get("created_by")?),
                            created_at: from_ms(row.try_get("created_at")?)?,
                            updated_at: from_ms(row.try_get("updated_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn ingest(&self, fixes: &[NewFix], hotspots: &[NewHotspot], alerts: &[NewAlert], audit: Option<&NewAudit>) -> Result<IngestOutcome> {
                let mut out = IngestOutcome {
                    fixes_stored: vec![false; fixes.len()],
                    hotspots_stored: vec![false; hotspots.len()],
                    alerts: Vec::new(),
                };
                let mut tx = self.write.begin().await?;
                // Ids and stream positions are assigned here, under the single writer, so
                // the common case (nothing stored before) needs no rows back: a chunk whose
                // every row went in is known entirely. For a chunk that met a repeat, the ids
                // it gave out that now exist are the rows it stored.
                let mut next_fix: i64 = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(id), 0) FROM fixes")
                    .fetch_one(&mut *tx)
                    .await?
                    + 1;
                let mut fix_ids: Vec<Option<i64>> = vec![None; fixes.len()];
                for (base, chunk) in statement_chunks(fixes, 2_048) {
                    let first = next_fix;
                    next_fix += chunk.len() as i64;
                    let build = || {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new(INSERT_FIXES);
                        qb.push_values(chunk.iter().enumerate(), |mut b, (i, f)| {
                            b.push_bind(first + i as i64)
                                .push_bind(&f.serial)
                                .push_bind(ms(f.recorded_at))
                                .push_bind(f.device_id.map(|d| d.0))
                                .push_bind(f.subject_id.map(|s| s.0))
                                .push_bind(f.lon)
                                .push_bind(f.lat)
                                .push_bind(f.accuracy_m)
                                .push_bind(f.battery)
                                .push_bind(&f.source)
                                .push_bind(ms(f.received_at))
                                .push_bind(f.submitted_by.map(|u| u.0))
                                .push_bind(f.submitted_agency.map(|a| a.0))
                                .push_bind(f.claim.key());
                        });
                        qb.push(FIXES_CONFLICT);
                        qb
                    };
                    let r = build().build().execute(&mut *tx).await.map_err(map_err)?;
                    if r.rows_affected() == chunk.len() as u64 {
                        for i in 0..chunk.len() {
                            out.fixes_stored[base + i] = true;
                            fix_ids[base + i] = Some(first + i as i64);
                        }
                        continue;
                    }
                    // Some were stored before: the ids given out that now exist are ours.
                    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM fixes WHERE id >= $1 AND id < $2")
                        .bind(first)
                        .bind(first + chunk.len() as i64)
                        .fetch_all(&mut *tx)
                        .await?;
                    for id in ids {
                        let i = (id - first) as usize;
                        out.fixes_stored[base + i] = true;
                        fix_ids[base + i] = Some(id);
                    }
                }
                for (i, h) in hotspots.iter().enumerate() {
                    let r = sqlx::query(
                        "INSERT INTO hotspots (id, dedupe, lon, lat, acquired_at, satellite, confidence, frp, imported_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (dedupe) DO NOTHING",
                    )
                    .bind(h.id.0)
                    .bind(&h.dedupe)
                    .bind(h.lon)
                    .bind(h.lat)
                    .bind(ms(h.acquired_at))
                    .bind(&h.satellite)
                    .bind(&h.confidence)
                    .bind(h.frp)
                    .bind(ms(h.imported_at))
                    .execute(&mut *tx)
                    .await?;
                    out.hotspots_stored[i] = r.rows_affected() == 1;
                }
                let mut next_seq: i64 = sqlx::query_scalar::<_, i64>("SELECT COALESCE(MAX(seq), 0) FROM alerts")
                    .fetch_one(&mut *tx)
                    .await?
                    + 1;
                let mut inserted: Vec<usize> = Vec::new();
                let mut seqs: Vec<i64> = vec![0; alerts.len()];
                for (base, chunk) in statement_chunks(alerts, 512) {
                    let first = next_seq;
                    next_seq += chunk.len() as i64;
                    let build = || {
                        let mut qb: QueryBuilder<$DB> = QueryBuilder::new(INSERT_ALERTS);
                        qb.push_values(chunk.iter().enumerate(), |mut b, (i, a)| {
                            let fix_id = a.fix.and_then(|i| fix_ids.get(i).copied().flatten());
                            let hotspot_id = a.hotspot.and_then(|i| hotspots.get(i)).map(|h| h.id.0);
                            b.push_bind(first + i as i64)
                                .push_bind(a.id.0)
                                .push_bind(&a.dedupe)
                                .push_bind(a.rule_id.map(|r| r.0))
                                .push_bind(a.fence_id.map(|f| f.0))
                                .push_bind(a.subject_id.map(|s| s.0))
                                .push_bind(a.device_id.map(|d| d.0))
                                .push_bind(a.report_id.map(|r| r.0))
                                .push_bind(fix_id)
                                .push_bind(hotspot_id)
                                .push_bind(&a.kind)
                                .push_bind(a.severity.as_str())
                                .push_bind(a.owner_agency_id.0)
                                .push_bind(ms(a.at))
                                .push_bind(a.lon)
                                .push_bind(a.lat)
                                .push_bind(a.distance_m)
                                .push_bind("open")
                                .push_bind(ms(a.created_at))
                                .push_bind(1i64);
                        });
                        qb.push(ALERTS_CONFLICT);
                        qb
                    };
                    let r = build().build().execute(&mut *tx).await.map_err(map_err)?;
                    if r.rows_affected() == chunk.len() as u64 {
                        for i in 0..chunk.len() {
                            inserted.push(base + i);
                            seqs[base + i] = first + i as i64;
                        }
                        continue;
                    }
                    let got: Vec<i64> = sqlx::query_scalar("SELECT seq FROM alerts WHERE seq >= $1 AND seq < $2")
                        .bind(first)
                        .bind(first + chunk.len() as i64)
                        .fetch_all(&mut *tx)
                        .await?;
                    for seq in got {
                        let i = (seq - first) as usize;
                        inserted.push(base + i);
                        seqs[base + i] = seq;
                    }
                }
                inserted.sort_unstable();
                let deliveries: Vec<(AlertId, &str, &str, DateTime<Utc>)> = inserted
                    .iter()
                    .flat_map(|i| {
                        let a = &alerts[*i];
                        a.deliveries
                            .iter()
                            .map(move |(c, t)| (a.id, c.as_str(), t.as_str(), a.created_at))
                    })
                    .collect();
                for chunk in deliveries.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "INSERT INTO outbox (alert_id, channel, target, status, attempts, next_attempt_at, created_at) ",
                    );
                    qb.push_values(chunk, |mut b, (id, c, t, at)| {
                        b.push_bind(id.0)
                            .push_bind(*c)
                            .push_bind(*t)
                            .push_bind("pending")
                            .push_bind(0i64)
                            .push_bind(ms(*at))
                            .push_bind(ms(*at));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                // Last, so that other writers wait for the audit trail as briefly as possible.
                if let Some(entry) = audit {
                    append_audit_tx(&mut tx, entry).await?;
                }
                tx.commit().await?;
                out.alerts = inserted
                    .into_iter()
                    .map(|i| {
                        let a = &alerts[i];
                        Alert {
                            seq: seqs[i],
                            id: a.id,
                            rule_id: a.rule_id,
                            fence_id: a.fence_id,
                            subject_id: a.subject_id,
                            device_id: a.device_id,
                            report_id: a.report_id,
                            fix_id: a.fix.and_then(|k| fix_ids.get(k).copied().flatten()),
                            hotspot_id: a.hotspot.and_then(|k| hotspots.get(k)).map(|h| h.id),
                            kind: a.kind.clone(),
                            severity: a.severity,
                            owner_agency_id: a.owner_agency_id,
                            at: DateTime::from_timestamp_millis(ms(a.at)).unwrap_or(a.at),
                            lon: a.lon,
                            lat: a.lat,
                            distance_m: a.distance_m,
                            status: AlertStatus::Open,
                            created_at: DateTime::from_timestamp_millis(ms(a.created_at)).unwrap_or(a.created_at),
                            acknowledged_at: None,
                            acknowledged_by: None,
                            closed_at: None,
                            closed_by: None,
                            outcome: None,
                            version: 1,
                        }
                    })
                    .collect();
                Ok(out)
            }

            async fn existing_hotspots(&self, keys: &[String]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in keys.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT dedupe FROM hotspots WHERE dedupe IN (");
                    let mut sep = qb.separated(", ");
                    for k in chunk {
                        sep.push_bind(k.clone());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let k: String = row.try_get("dedupe")?;
                        found.insert(k);
                    }
                }
                Ok(keys.iter().map(|k| found.contains(k)).collect())
            }

            async fn existing_fixes(&self, fixes: &[NewFix]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in fixes.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new(
                        "SELECT serial, recorded_at, held_for FROM fixes WHERE (recorded_at, serial, held_for) IN (VALUES ",
                    );
                    for (i, f) in chunk.iter().enumerate() {
                        if i > 0 {
                            qb.push(", ");
                        }
                        qb.push("(")
                            .push_bind(ms(f.recorded_at))
                            .push(", ")
                            .push_bind(f.serial.clone())
                            .push(", ")
                            .push_bind(f.claim.key())
                            .push(")");
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let s: String = row.try_get("serial")?;
                        let t: i64 = row.try_get("recorded_at")?;
                        let c: String = row.try_get("held_for")?;
                        found.insert((s, t, c));
                    }
                }
                Ok(fixes
                    .iter()
                    .map(|f| found.contains(&(f.serial.clone(), ms(f.recorded_at), f.claim.key())))
                    .collect())
            }

            async fn existing_alerts(&self, dedupes: &[String]) -> Result<Vec<bool>> {
                let mut found = std::collections::HashSet::new();
                for chunk in dedupes.chunks(1_000) {
                    let mut qb: QueryBuilder<$DB> = QueryBuilder::new("SELECT dedupe FROM alerts WHERE dedupe IN (");
                    let mut sep = qb.separated(", ");
                    for k in chunk {
                        sep.push_bind(k.clone());
                    }
                    qb.push(")");
                    for row in qb.build().fetch_all(&self.read).await? {
                        let k: String = row.try_get("dedupe")?;
                        found.insert(k);
                    }
                }
                Ok(dedupes.iter().map(|k| found.contains(k)).collect())
            }

            async fn subject_fixes_since(&self, since: DateTime<Utc>) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id IS NOT NULL AND recorded_at >= $1 ORDER BY recorded_at, id"
                );
                let rows = sqlx::query(&q).bind(ms(since)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn track(&self, subject: SubjectId, since: DateTime<Utc>, until: DateTime<Utc>, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM (SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id = $1 AND recorded_at >= $2 AND recorded_at <= $3 \
                     ORDER BY recorded_at DESC LIMIT $4) t ORDER BY recorded_at"
                );
                let rows = sqlx::query(&q)
                    .bind(subject.0)
                    .bind(ms(since))
                    .bind(ms(until))
                    .bind(i64::from(limit))
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn held_fixes(&self, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!(
                    "SELECT {FIX_COLUMNS} FROM fixes WHERE subject_id IS NULL ORDER BY recorded_at DESC, id DESC LIMIT $1"
                );
                let rows = sqlx::query(&q).bind(i64::from(limit)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn device_last_fixes(&self) -> Result<Vec<DeviceLastFix>> {
                let rows = sqlx::query(
                    "SELECT f.device_id, f.recorded_at, f.battery, f.lon, f.lat FROM fixes f \
                     JOIN (SELECT device_id, MAX(recorded_at) AS t FROM fixes WHERE device_id IS NOT NULL GROUP BY device_id) m \
                     ON m.device_id = f.device_id AND m.t = f.recorded_at",
                )
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(DeviceLastFix {
                            device_id: DeviceId(row.try_get("device_id")?),
                            recorded_at: from_ms(row.try_get("recorded_at")?)?,
                            battery: row.try_get("battery")?,
                            lon: row.try_get("lon")?,
                            lat: row.try_get("lat")?,
                        })
                    })
                    .collect()
            }

            async fn device_recent_fixes(&self, device: DeviceId, limit: u32) -> Result<Vec<StoredFix>> {
                let q = format!("SELECT {FIX_COLUMNS} FROM fixes WHERE device_id = $1 ORDER BY recorded_at DESC LIMIT $2");
                let rows = sqlx::query(&q).bind(device.0).bind(i64::from(limit)).fetch_all(&self.read).await?;
                rows.iter().map(fix_from_row).collect()
            }

            async fn fix_count(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM fixes").fetch_one(&self.read).await?)
            }

            async fn alerts(&self, f: &AlertFilter) -> Result<Vec<Alert>> {
                let limit = f.limit.max(1) as usize;
                // Newest first for a reader's scope and no area: one walk down the index
                // of each agency and rule in scope (each stops after `limit` matches), then
                // merged. One query over all of them would read every alert of the scope
                // and sort them.
                if let (Some(scope), None, None) = (&f.scope, f.fence, f.after_seq) {
                    let keys = scope
                        .columns()
                        .into_iter()
                        .flat_map(|(column, ids)| ids.into_iter().map(move |id| (column, id)));
                    let mut merged: Vec<Alert> = Vec::new();
                    for (column, id) in keys {
                        let mut qb = alert_query(f);
                        qb.push(" AND ").push(column).push(" = ").push_bind(id);
                        qb.push(" ORDER BY seq DESC LIMIT ").push_bind(limit as i64);
                        let rows = qb.build().fetch_all(&self.read).await?;
                        for row in &rows {
                            merged.push(alert_from_row(row)?);
                        }
                    }
                    merged.sort_unstable_by(|a, b| b.seq.cmp(&a.seq));
                    merged.dedup_by_key(|a| a.seq);
                    merged.truncate(limit);
                    return Ok(merged);
                }
                // Otherwise one query: driven by the area's index when an area is given,
                // by stream position when resuming; the scope then only filters (in SQLite
                // its columns are written `+column` so they cannot drive the query).
                let mut qb = alert_query(f);
                if let Some(scope) = &f.scope {
                    let parts = scope.columns();
                    if parts.is_empty() {
                        return Ok(Vec::new());
                    }
                    qb.push(" AND (");
                    for (n, (column, ids)) in parts.into_iter().enumerate() {
                        if n > 0 {
                            qb.push(" OR ");
                        }
                        qb.push(FILTER_ONLY).push(column).push(" IN (");
                        let mut sep = qb.separated(", ");
                        for id in ids {
                            sep.push_bind(id);
                        }
                        qb.push(")");
                    }
                    qb.push(")");
                }
                match f.after_seq {
                    Some(seq) => {
                        qb.push(" AND seq > ").push_bind(seq).push(" ORDER BY seq ASC");
                    }
                    None => {
                        qb.push(" ORDER BY seq DESC");
                    }
                }
                qb.push(" LIMIT ").push_bind(limit as i64);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(alert_from_row).collect()
            }

            async fn alert(&self, id: AlertId) -> Result<Option<Alert>> {
                let q = format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(alert_from_row).transpose()
            }

            async fn alert_exists(&self, dedupe: &str) -> Result<bool> {
                let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE dedupe = $1")
                    .bind(dedupe)
                    .fetch_one(&self.read)
                    .await?;
                Ok(n > 0)
            }

            async fn update_alert(&self, a: &Alert, expected: i64, action: Option<&AlertAction>, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = self.write.begin().await?;
                let r = sqlx::query(
                    "UPDATE alerts SET status = $1, acknowledged_at = $2, acknowledged_by = $3, closed_at = $4, closed_by = $5, \
                     outcome = $6, version = $7 WHERE id = $8 AND version = $9",
                )
                .bind(a.status.as_str())
                .bind(a.acknowledged_at.map(ms))
                .bind(a.acknowledged_by.map(|u| u.0))
                .bind(a.closed_at.map(ms))
                .bind(a.closed_by.map(|u| u.0))
                .bind(&a.outcome)
                .bind(a.version)
                .bind(a.id.0)
                .bind(expected)
                .execute(&mut *tx)
                .await?;
                if r.rows_affected() != 1 {
                    tx.rollback().await?;
                    let current: Option<i64> = sqlx::query_scalar("SELECT version FROM alerts WHERE id = $1")
                        .bind(a.id.0)
                        .fetch_optional(&self.read)
                        .await?;
                    return Ok(match current {
                        Some(v) => UpdateOutcome::VersionMismatch(v),
                        None => UpdateOutcome::NotFound,
                    });
                }
                if let Some(x) = action {
                    sqlx::query(
                        "INSERT INTO alert_actions (id, alert_id, at, user_id, action, note) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(x.id)
                    .bind(x.alert_id.0)
                    .bind(ms(x.at))
                    .bind(x.user_id.0)
                    .bind(&x.action)
                    .bind(&x.note)
                    .execute(&mut *tx)
                    .await?;
                }
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn alert_actions(&self, id: AlertId) -> Result<Vec<AlertAction>> {
                let rows = sqlx::query(
                    "SELECT x.id, x.alert_id, x.at, x.user_id, u.username, x.action, x.note FROM alert_actions x \
                     JOIN users u ON u.id = x.user_id WHERE x.alert_id = $1 ORDER BY x.at, x.id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| {
                        Ok(AlertAction {
                            id: row.try_get("id")?,
                            alert_id: AlertId(row.try_get("alert_id")?),
                            at: from_ms(row.try_get("at")?)?,
                            user_id: UserId(row.try_get("user_id")?),
                            username: row.try_get("username")?,
                            action: row.try_get("action")?,
                            note: row.try_get("note")?,
                        })
                    })
                    .collect()
            }

            async fn insert_webhook(&self, w: &Webhook, audit: &NewAudit) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO webhooks (id, owner_agency_id, url, secret, active, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(w.id.0)
                .bind(w.owner_agency_id.0)
                .bind(&w.url)
                .bind(&w.secret)
                .bind(w.active)
                .bind(ms(w.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                append_audit_tx(&mut tx, audit).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn webhooks(&self) -> Result<Vec<Webhook>> {
                let rows = sqlx::query("SELECT id, owner_agency_id, url, secret, active, created_at FROM webhooks ORDER BY created_at, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok(Webhook {
                            id: WebhookId(row.try_get("id")?),
                            owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                            url: row.try_get("url")?,
                            secret: row.try_get("secret")?,
                            active: row.try_get("active")?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn due_outbox(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<OutboxRow>> {
                let rows = sqlx::query(
                    "SELECT id, alert_id, channel, target, status, attempts, next_attempt_at, last_error, sent_at, created_at \
                     FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
                )
                .bind(ms(now))
                .bind(i64::from(limit))
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(outbox_from_row).collect()
            }

            async fn outbox_backlog(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")
                    .fetch_one(&self.read)
                    .await?)
            }

            async fn outbox_for_alert(&self, id: AlertId) -> Result<Vec<OutboxRow>> {
                let rows = sqlx::query(
                    "SELECT id, alert_id, channel, target, status, attempts, next_attempt_at, last_error, sent_at, created_at \
                     FROM outbox WHERE alert_id = $1 ORDER BY id",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(outbox_from_row).collect()
            }

            async fn record_delivery(&self, row: &OutboxRow) -> Result<()> {
                sqlx::query(
                    "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, sent_at = $5 WHERE id = $6",
                )
                .bind(&row.status)
                .bind(row.attempts)
                .bind(ms(row.next_attempt_at))
                .bind(&row.last_error)
                .bind(row.sent_at.map(ms))
                .bind(row.id)
                .execute(&self.write)
                .await?;
                Ok(())
            }
        }
    };
}

// What differs between the two databases' ingest and alert queries.
//
// SQLite inserts fixes with `OR IGNORE` rather than `ON CONFLICT DO NOTHING`: the fixes table
// has no foreign keys, so with every conflict ignored a multi-row insert can never abort
// half-way and SQLite keeps no statement journal (a copy of every index page the statement
// touches, which for 1,000 interleaved subjects is most of the per-subject index, per
// statement). The only conflict a fix can meet is its (recorded_at, serial, held_for): ids
// are given out above MAX(id) by the single writer, and every NOT NULL column is bound from
// a non-optional value (held_for's '' is a value, not NULL). Alerts likewise: in SQLite
// their table has no foreign keys (migration 0006 says why), and their only conflicts are
// the dedupe key, ignored, and the time-ordered random id.
//
// FILTER_ONLY prefixes a column that must only filter, never choose the index (SQLite's unary
// `+`; PostgreSQL plans by its statistics).
mod sqlite_warning {
    use sqlx::sqlite::{Sqlite, SqliteRow};
    const INSERT_FIXES: &str = "INSERT OR IGNORE INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
         submitted_by, submitted_agency_id, held_for) ";
    const FIXES_CONFLICT: &str = "";
    const INSERT_ALERTS: &str = "INSERT OR IGNORE INTO alerts (seq, id, dedupe, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, \
         severity, owner_agency_id, at, lon, lat, distance_m, status, created_at, version) ";
    const ALERTS_CONFLICT: &str = "";
    const FILTER_ONLY: &str = "+";
    warning_impl!(SqliteStore, Sqlite, SqliteRow, sqlite_impl);
}

mod pg_warning {
    use sqlx::postgres::{PgRow, Postgres};
    const INSERT_FIXES: &str = "INSERT INTO fixes (id, serial, recorded_at, device_id, subject_id, lon, lat, accuracy_m, battery, source, received_at, \
         submitted_by, submitted_agency_id, held_for) ";
    const FIXES_CONFLICT: &str = " ON CONFLICT (recorded_at, serial, held_for) DO NOTHING";
    const INSERT_ALERTS: &str = "INSERT INTO alerts (seq, id, dedupe, rule_id, fence_id, subject_id, device_id, report_id, fix_id, hotspot_id, kind, \
         severity, owner_agency_id, at, lon, lat, distance_m, status, created_at, version) ";
    const ALERTS_CONFLICT: &str = " ON CONFLICT (dedupe) DO NOTHING";
    const FILTER_ONLY: &str = "";
    warning_impl!(PgStore, Postgres, PgRow, pg_impl);
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
