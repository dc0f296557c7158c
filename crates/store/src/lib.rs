//! The storage port: everything Sinergi keeps, described in domain terms by one trait per
//! domain ([`AccountStore`] with [`SignInStore`], [`ReportStore`], [`SharingStore`], [`AuditStore`],
//! [`NotificationStore`], [`WarningStore`], [`PatrolStore`], [`LetterStore`],
//! [`CoordinationStore`], [`PlanStore`]), bundled by [`Store`], with an embedded SQLite
//! adapter (the default) and a PostgreSQL adapter (for scale). Each domain's file holds
//! its trait and its SQL for both adapters; both adapters pass the same conformance suite
//! (`tests/conformance/`).
//!
//! This crate must never decide who may see what: it applies the [`ViewScope`] the core
//! computed, and nothing else. Each write method is one transaction; an audited write
//! commits its audit entry in the same transaction (`audit::AuditedTx`).
//!
//! [`ViewScope`]: sinergi_core::access::ViewScope

use async_trait::async_trait;

pub mod accounts;
pub mod areas;
pub mod audit;
mod backend;
pub mod campaigns;
pub mod cases;
pub mod coordination;
pub mod forms;
pub mod letters;
pub mod mail;
mod migrate;
pub mod notifications;
pub mod patrols;
pub mod plans;
pub mod reports;
pub mod sharing;
pub mod submissions;
pub mod tiles;
pub mod warning;

pub use accounts::{
    AccountStore, AgencyRow, NewUserRow, PendingSignInRow, SessionRow, SignInStore, TotpRow,
};
pub use areas::AreaStore;
pub use audit::{AuditFilter, AuditStore};
pub use backend::{PgStore, SqliteStore};
pub use campaigns::CampaignStore;
pub use cases::CaseStore;
pub use coordination::CoordinationStore;
pub use forms::{FormStore, PublishOutcome};
pub use letters::{LetterStore, RegisterOutcome, SendOutcome};
pub use mail::{Mail, MailCounts, MailStore};
pub use notifications::{Notification, NotificationStore};
pub use patrols::{LegInsert, PatrolStore};
pub use plans::{NodeUpdate, PlanStore};
pub use reports::{Attachment, InsertOutcome, NewEvent, ReportCount, ReportStore};
pub use sharing::{ReferralRow, SharingStore};
pub use submissions::{AnswerRow, SubmissionOutcome, SubmissionQuery, SubmissionStore};
pub use warning::WarningStore;

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
    /// The database's migrations do not match this binary's (edited after they ran, or
    /// made by a newer version); nothing was changed.
    #[error("database migrations do not match: {0}")]
    Migration(String),
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

#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome {
    Updated,
    /// The stored version differs from the expected one; nothing was written.
    VersionMismatch(i64),
    NotFound,
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

/// The whole store: every domain's trait, plus what belongs to none (the backend's name,
/// a health check, the shipped gazetteer). Adding a domain adds its trait here.
#[async_trait]
pub trait Store:
    AccountStore
    + SignInStore
    + ReportStore
    + SharingStore
    + AuditStore
    + NotificationStore
    + WarningStore
    + PatrolStore
    + LetterStore
    + CoordinationStore
    + PlanStore
    + MailStore
    + AreaStore
    + CaseStore
    + FormStore
    + SubmissionStore
    + CampaignStore
    + Send
    + Sync
{
    /// `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
    async fn ping(&self) -> Result<()>;
    /// Writes a consistent copy of the whole database to the new file `file` while it
    /// is in use (`VACUUM INTO` on SQLite); false, with nothing written, on a backend
    /// copied with its own tools (PostgreSQL: `pg_dump`).
    async fn copy_into(&self, file: &str) -> Result<bool>;
    /// The connections of each pool (`read`, `write`; one pool on PostgreSQL), for the
    /// metrics.
    fn pool_use(&self) -> Vec<PoolUse> {
        Vec::new()
    }

    async fn region_count(&self) -> Result<i64>;
    /// Loads regions in one transaction; existing codes are left as they are.
    async fn load_regions(&self, rows: &[RegionRow]) -> Result<()>;
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
