//! Sharing in the store: agreements between agencies, referrals of one report to an
//! agency and break-glass access for one user.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::agreement::{Agreement, AgreementStatus};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, AgreementId, ReferralId, ReportId, UserId};
use sqlx::Row;
use uuid::Uuid;

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::notifications::Notification;
use crate::{Result, StoreError, UpdateOutcome};

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

/// Agreements, referrals and break-glass grants.
#[async_trait]
pub trait SharingStore: Send + Sync {
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
}

macro_rules! sharing_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;
        use crate::notifications::$m::insert_notification_tx;

        fn agreement_from_row(row: &$Row) -> Result<Agreement> {
            let def: String = row.try_get("definition")?;
            let mut a: Agreement = serde_json::from_str(&def).map_err(|_| corrupt("agreement"))?;
            let status: String = row.try_get("status")?;
            a.status = AgreementStatus::parse(&status).ok_or_else(|| corrupt("agreement status"))?;
            a.version = row.try_get("version")?;
            Ok(a)
        }

        fn referral_from_row(row: &$Row) -> Result<ReferralRow> {
            let to_agency: Option<Uuid> = row.try_get("to_agency")?;
            let to_user: Option<Uuid> = row.try_get("to_user")?;
            let revoked: Option<i64> = row.try_get("revoked_at")?;
            Ok(ReferralRow {
                id: ReferralId(row.try_get("id")?),
                report_id: ReportId(row.try_get("report_id")?),
                kind: row.try_get("kind")?,
                to_agency: to_agency.map(AgencyId),
                to_user: to_user.map(UserId),
                reason: row.try_get("reason")?,
                until: from_ms(row.try_get("until")?)?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                revoked_at: revoked.map(from_ms).transpose()?,
            })
        }

        #[async_trait]
        impl SharingStore for $Store {
            async fn insert_agreement(&self, a: &Agreement, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO agreements (id, title, number, status, valid_from, valid_until, definition, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                )
                .bind(a.id.0)
                .bind(&a.title)
                .bind(&a.number)
                .bind(a.status.as_str())
                .bind(date_ms(a.valid_from))
                .bind(date_ms(a.valid_until))
                .bind(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(a.version)
                .bind(a.created_by.0)
                .bind(ms(a.created_at))
                .bind(ms(a.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn update_agreement(&self, a: &Agreement, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE agreements SET title = $1, number = $2, status = $3, valid_from = $4, valid_until = $5, definition = $6, \
                     version = $7, updated_at = $8 WHERE id = $9 AND version = $10",
                )
                .bind(&a.title)
                .bind(&a.number)
                .bind(a.status.as_str())
                .bind(date_ms(a.valid_from))
                .bind(date_ms(a.valid_until))
                .bind(serde_json::to_string(a).map_err(|e| StoreError::Corrupt(e.to_string()))?)
                .bind(a.version)
                .bind(ms(a.updated_at))
                .bind(a.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "agreements", a.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn agreement(&self, id: AgreementId) -> Result<Option<Agreement>> {
                let row = sqlx::query("SELECT definition, status, version FROM agreements WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(agreement_from_row).transpose()
            }

            async fn agreements(&self) -> Result<Vec<Agreement>> {
                let rows = sqlx::query("SELECT definition, status, version FROM agreements ORDER BY valid_from DESC, id")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter().map(agreement_from_row).collect()
            }

            async fn sharing_stamp(&self) -> Result<(i64, i64, i64)> {
                Ok(sqlx::query_as(
                    "SELECT (SELECT COUNT(*) FROM agreements), \
                     (SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM agreements), \
                     (SELECT COUNT(*) FROM agencies)",
                )
                .fetch_one(&self.read)
                .await?)
            }

            async fn insert_referral(&self, r: &ReferralRow, audit: &NewAudit, notices: &[Notification]) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO referrals (id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(r.id.0)
                .bind(r.report_id.0)
                .bind(&r.kind)
                .bind(r.to_agency.map(|a| a.0))
                .bind(r.to_user.map(|u| u.0))
                .bind(&r.reason)
                .bind(ms(r.until))
                .bind(r.created_by.0)
                .bind(ms(r.created_at))
                .bind(r.revoked_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for n in notices {
                    insert_notification_tx(&mut tx, n).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn revoke_referral(&self, id: ReferralId, at: DateTime<Utc>, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query("UPDATE referrals SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(id.0)
                    .execute(&mut *tx)
                    .await?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn referral(&self, id: ReferralId) -> Result<Option<ReferralRow>> {
                let row = sqlx::query(
                    "SELECT id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at FROM referrals WHERE id = $1",
                )
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(referral_from_row).transpose()
            }

            async fn referrals_for_report(&self, report: ReportId) -> Result<Vec<ReferralRow>> {
                let rows = sqlx::query(
                    "SELECT id, report_id, kind, to_agency, to_user, reason, until, created_by, created_at, revoked_at \
                     FROM referrals WHERE report_id = $1 ORDER BY created_at, id",
                )
                .bind(report.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(referral_from_row).collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    sharing_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    sharing_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
