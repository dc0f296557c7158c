//! The storage port: everything Sinergi keeps, described in domain terms by the [`Store`]
//! trait, with an embedded SQLite adapter (the default) and a PostgreSQL adapter (for
//! scale). Both pass the same conformance suite ([`conformance`]).
//!
//! This crate must never decide who may see what: it applies the [`ViewScope`] the core
//! computed, and nothing else. Each write method is one transaction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::agency::Agency;
use sinergi_core::agreement::Agreement;
use sinergi_core::audit::{AuditEntry, NewAudit};
use sinergi_core::checkpoint::Checkpoint;
use sinergi_core::ids::{AgencyId, AttachmentId, NotificationId, ReferralId, ReportId, UserId};
use sinergi_core::query::ReportFilter;
use sinergi_core::report::{Report, ReportEvent, Status, StoredReport};
use sinergi_core::report_types::ReportType;
use sinergi_core::sharing::Viewer;
use sinergi_core::user::{Role, User};

pub mod conformance;
mod imp;
mod migrate;
pub mod warning;

pub use imp::{PgStore, SqliteStore};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; the string names what is duplicated
    /// (`agency code`, `username`, …).
    #[error("{0} already exists")]
    Duplicate(&'static str),
    /// A referenced record does not exist (e.g. a parent agency).
    #[error("{0} does not exist")]
    MissingReference(&'static str),
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("unsupported database URL: {0}")]
    BadUrl(String),
    #[error("database error")]
    Backend(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// One region of the shipped gazetteer, as loaded into the `regions` table.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub level: i64,
    pub parent_code: Option<String>,
    pub lon: f64,
    pub lat: f64,
}

/// A new agency with its parent already resolved to an id.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyRow {
    pub agency: Agency,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewUserRow {
    pub user: User,
    pub password_hash: String,
    pub created_at: DateTime<Utc>,
}

/// A sign-in session: a browser session (cookie) or an API token. Only the SHA-256 of the
/// secret token is stored, so a copy of the database does not hand out sessions.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: UserId,
    pub kind: String,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub report_id: ReportId,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// What an event row needs beyond [`ReportEvent`]: who did it, by id.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    pub actor_id: UserId,
    pub event: ReportEvent,
}

#[derive(Debug, Clone, PartialEq)]
pub enum InsertOutcome {
    Inserted,
    /// A report with this id already exists; it is returned unchanged.
    Exists(Box<Report>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome {
    Updated,
    /// The stored version differs from the expected one; nothing was written.
    VersionMismatch(i64),
    NotFound,
}

/// Which audit entries to read. `agencies: None` means all.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AuditFilter {
    pub agencies: Option<Vec<AgencyId>>,
    pub actor: Option<String>,
    pub record_id: Option<String>,
    pub action: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Oldest first (for verifying) instead of newest first (for reading).
    pub ascending: bool,
    /// Continue after this sequence number, in the chosen order.
    pub cursor: Option<i64>,
    pub limit: u32,
}

/// One report shared with an agency (`referral`) or one user (`break_glass`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReferralRow {
    pub id: ReferralId,
    pub report_id: ReportId,
    pub kind: String,
    pub to_agency: Option<AgencyId>,
    pub to_user: Option<UserId>,
    pub reason: String,
    pub until: DateTime<Utc>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ReferralRow {
    pub fn as_referral(&self) -> sinergi_core::sharing::Referral {
        sinergi_core::sharing::Referral {
            report_id: self.report_id,
            to_agency: self.to_agency,
            to_user: self.to_user,
            until: self.until,
            revoked: self.revoked_at.is_some(),
        }
    }
}

/// A user's second factor: the shared secret (base32), when enrolment was confirmed
/// (`None` while pending) and the last step accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct TotpRow {
    pub secret: String,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_step: i64,
}

/// A message for one user in the application (e.g. "someone used emergency access to a
/// report of your agency").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Notification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: String,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    pub detail: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// How many connections a pool holds and how many of them wait unused.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolUse {
    pub pool: &'static str,
    pub size: u32,
    pub idle: u32,
    pub max: u32,
}

impl PoolUse {
    pub fn of<DB: sqlx::Database>(pool: &'static str, p: &sqlx::Pool<DB>) -> PoolUse {
        PoolUse {
            pool,
            size: p.size(),
            idle: u32::try_from(p.num_idle()).unwrap_or(u32::MAX),
            max: p.options().get_max_connections(),
        }
    }
}

/// A count of visible reports for one (type, status) pair.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportCount {
    pub type_key: String,
    pub status: Status,
    pub count: i64,
}

#[async_trait]
pub trait Store: warning::WarningStore + Send + Sync {
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;
    /// The connections of each pool (`read`, `write`; one pool on PostgreSQL), for the
    /// metrics.
    fn pool_use(&self) -> Vec<PoolUse> {
        Vec::new()
    }

    async fn region_count(&self) -> Result<i64>;
    /// Loads regions in one transaction; existing codes are left as they are.
    async fn load_regions(&self, rows: &[RegionRow]) -> Result<()>;

    /// Inserts an agency and its audit entry in one transaction.
    async fn insert_agency(&self, row: &AgencyRow, audit: &NewAudit) -> Result<()>;
    async fn agency(&self, id: AgencyId) -> Result<Option<Agency>>;
    async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>>;
    async fn agencies(&self) -> Result<Vec<Agency>>;
    /// Every agency below `id`, at any depth, not including `id`.
    async fn agency_descendants(&self, id: AgencyId) -> Result<Vec<AgencyId>>;
    async fn agency_count(&self) -> Result<i64>;

    /// Inserts a user and its audit entry in one transaction.
    async fn insert_user(&self, row: &NewUserRow, audit: &NewAudit) -> Result<()>;
    async fn user(&self, id: UserId) -> Result<Option<User>>;
    /// The user and their password hash, for signing in.
    async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>>;
    async fn users(&self, agency: Option<AgencyId>) -> Result<Vec<User>>;
    async fn set_user_active(&self, id: UserId, active: bool, audit: &NewAudit) -> Result<bool>;
    /// Changes a user's display name and role; false when there is no such user.
    async fn update_user(
        &self,
        id: UserId,
        display_name: &str,
        role: Role,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Replaces a user's password hash; `must_change` makes the next sign-in ask for a new
    /// password (an administrator set this one).
    async fn set_password(
        &self,
        id: UserId,
        hash: &str,
        must_change: bool,
        audit: &NewAudit,
    ) -> Result<bool>;
    async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool>;

    /// The user's TOTP state, if a secret is set (pending or confirmed).
    async fn totp(&self, id: UserId) -> Result<Option<TotpRow>>;
    /// Sets or (with `None`) clears the second factor; audited when an entry is given.
    async fn put_totp(
        &self,
        id: UserId,
        t: Option<&TotpRow>,
        audit: Option<&NewAudit>,
    ) -> Result<bool>;
    /// Records an accepted step; false when that step (or a later one) was already used,
    /// so a code is accepted once even under concurrent sign-ins.
    async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool>;

    /// Newest first.
    async fn notifications(
        &self,
        user: UserId,
        unread_only: bool,
        limit: u32,
    ) -> Result<Vec<Notification>>;
    async fn unread_notifications(&self, user: UserId) -> Result<i64>;
    /// Marks one (or, with `None`, every) unread notification of the user read.
    async fn mark_notifications_read(
        &self,
        user: UserId,
        id: Option<NotificationId>,
        at: DateTime<Utc>,
    ) -> Result<u64>;

    async fn insert_session(&self, s: &SessionRow) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>>;
    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()>;
    async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> Result<()>;

    /// Adds the types whose key is not stored yet; stored types are never overwritten.
    async fn seed_report_types(&self, types: &[ReportType]) -> Result<()>;
    async fn report_types(&self) -> Result<Vec<ReportType>>;

    /// Inserts a report, its `created` event and its audit entry in one transaction. If
    /// the id is taken, nothing is written and the stored report is returned.
    async fn insert_report(
        &self,
        r: &Report,
        ev: &NewEvent,
        audit: &NewAudit,
    ) -> Result<InsertOutcome>;
    /// Inserts many reports without events (demo data and benchmarks), in one transaction.
    async fn bulk_insert_reports(&self, rs: &[Report]) -> Result<()>;
    async fn report(&self, id: ReportId) -> Result<Option<Report>>;
    /// Replaces a report if its stored version is `expected_version`, and appends the
    /// event and the audit entry, in one transaction.
    async fn update_report(
        &self,
        r: &Report,
        expected_version: i64,
        ev: &NewEvent,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn report_events(&self, id: ReportId) -> Result<Vec<ReportEvent>>;
    /// One page of reports matching `filter` that the viewer may see (the owner rule,
    /// agreement grants and referrals) (all when `None`), newest
    /// first; at most `filter.limit + 1` rows so the caller can tell whether more remain.
    async fn list_reports(
        &self,
        viewer: Option<&Viewer>,
        filter: &ReportFilter,
    ) -> Result<Vec<Report>>;
    async fn count_reports(&self, viewer: Option<&Viewer>) -> Result<Vec<ReportCount>>;
    async fn report_total(&self) -> Result<i64>;

    async fn insert_agreement(&self, a: &Agreement, audit: &NewAudit) -> Result<()>;
    /// Replaces an agreement if its stored version is `expected_version`.
    async fn update_agreement(
        &self,
        a: &Agreement,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn agreement(&self, id: sinergi_core::ids::AgreementId) -> Result<Option<Agreement>>;
    async fn agreements(&self) -> Result<Vec<Agreement>>;
    /// Changes whenever an agreement or the agency list changes: (agreements, sum of their
    /// versions, agencies). Lets callers keep a parsed copy and check it cheaply.
    async fn sharing_stamp(&self) -> Result<(i64, i64, i64)>;

    async fn setting(&self, key: &str) -> Result<Option<String>>;
    async fn put_setting(
        &self,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<()>;

    /// Inserts a referral (or break-glass grant) with the notifications it causes.
    async fn insert_referral(
        &self,
        r: &ReferralRow,
        audit: &NewAudit,
        notices: &[Notification],
    ) -> Result<()>;
    /// Ends a referral; false when it does not exist or already ended.
    async fn revoke_referral(
        &self,
        id: ReferralId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    async fn referral(&self, id: ReferralId) -> Result<Option<ReferralRow>>;
    async fn referrals_for_report(&self, report: ReportId) -> Result<Vec<ReferralRow>>;

    /// Appends one entry to the audit trail (reads, sign-ins, exports: events that change
    /// nothing else).
    async fn append_audit(&self, e: &NewAudit) -> Result<()>;
    async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>>;
    /// The newest entry's sequence number and hash; `None` while the trail is empty.
    async fn audit_head(&self) -> Result<Option<(i64, String)>>;
    /// Stores a signed checkpoint of the trail. Not itself audited: an entry about it
    /// would leave the trail longer than the checkpoint covering it.
    async fn insert_audit_checkpoint(&self, c: &Checkpoint) -> Result<()>;
    /// At most `limit` checkpoints, ordered by the entry they sign and then by time,
    /// oldest or newest first.
    async fn audit_checkpoints(&self, newest_first: bool, limit: u32) -> Result<Vec<Checkpoint>>;

    /// A page of report rows exactly as stored, ordered by id, after `after`: what
    /// `sinergi audit verify --records` compares with the audited content hashes.
    async fn stored_reports(
        &self,
        after: Option<ReportId>,
        limit: u32,
    ) -> Result<Vec<StoredReport>>;

    /// Links an attachment (with its audit entry); an existing identical file on the same
    /// report is returned instead.
    async fn insert_attachment(
        &self,
        a: &Attachment,
        audit: &NewAudit,
    ) -> Result<Option<Attachment>>;
    async fn attachments(&self, report: ReportId) -> Result<Vec<Attachment>>;
    async fn attachment(&self, id: AttachmentId) -> Result<Option<Attachment>>;
}

/// Opens the store a URL names, creating and migrating the database as needed:
/// `sqlite://path/to/file.db` or `postgres://…`.
pub async fn open(url: &str) -> Result<std::sync::Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(SqliteStore::open(url).await?))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(std::sync::Arc::new(PgStore::open(url).await?))
    } else {
        Err(StoreError::BadUrl(
            "expected sqlite://FILE or postgres://…".to_string(),
        ))
    }
}
