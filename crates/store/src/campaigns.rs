//! Monitoring campaigns in the store (ADR 35). A campaign and its units are written in
//! one transaction with the audit entry; a campaign whose periods overlap another
//! campaign of the same form is refused there (an answer would count twice).

use async_trait::async_trait;
use chrono::NaiveDate;
use sinergi_core::audit::NewAudit;
use sinergi_core::campaign::{
    Campaign, CampaignId, CampaignIndex, FormId, Period, Periodicity, Unit,
};
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::index::IndexId;
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::Result;

#[async_trait]
pub trait CampaignStore: Send + Sync {
    /// Stores a campaign with its units; false (nothing written) when its periods
    /// overlap those of another campaign of the same form.
    async fn insert_campaign(&self, c: &Campaign, audit: &NewAudit) -> Result<bool>;
    async fn campaign(&self, id: CampaignId) -> Result<Option<Campaign>>;
    /// The campaigns owned by `owners` or with a unit answered by one of `units`, the
    /// newest first.
    async fn campaigns(&self, owners: &[AgencyId], units: &[AgencyId]) -> Result<Vec<Campaign>>;
    /// Stores an index of a campaign; false (nothing written) when the campaign has one
    /// by that name.
    async fn insert_campaign_index(&self, i: &CampaignIndex, audit: &NewAudit) -> Result<bool>;
    /// A campaign's indices, by name.
    async fn campaign_indices(&self, campaign: CampaignId) -> Result<Vec<CampaignIndex>>;
    /// Every campaign whose last period started on or after `since` (those that may
    /// still need reminders), the oldest first.
    async fn campaigns_since(&self, since: NaiveDate) -> Result<Vec<Campaign>>;
    /// Records a reminder of a campaign with its notifications and mails, once per
    /// `kind`; false, with nothing written, when it was sent already.
    async fn record_campaign_reminder(
        &self,
        campaign: CampaignId,
        kind: &str,
        at: chrono::DateTime<chrono::Utc>,
        sent: (&[crate::Notification], &[crate::mail::Mail]),
        audit: &NewAudit,
    ) -> Result<bool>;
}

const COLUMNS: &str =
    "id, owner_agency_id, form_id, title, periodicity, first_period, last_period, \
    due_days, grace_days, period_field, region_field, created_by, created_at, \
    remind_days, escalate_days";

fn date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt("campaign period"))
}

/// The first day after a campaign's last period.
fn span_end(c: &Campaign) -> NaiveDate {
    Period {
        periodicity: c.periodicity,
        start: c.last_period,
    }
    .end()
}

macro_rules! campaigns_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        fn from_row(row: &$Row, units: Vec<Unit>) -> Result<Campaign> {
            let p: String = row.try_get("periodicity")?;
            let due: i64 = row.try_get("due_days")?;
            let grace: i64 = row.try_get("grace_days")?;
            let remind: i64 = row.try_get("remind_days")?;
            let escalate: i64 = row.try_get("escalate_days")?;
            let first: String = row.try_get("first_period")?;
            let last: String = row.try_get("last_period")?;
            Ok(Campaign {
                id: CampaignId(row.try_get("id")?),
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                form_id: FormId(row.try_get("form_id")?),
                title: row.try_get("title")?,
                periodicity: Periodicity::parse(&p).ok_or_else(|| corrupt("periodicity"))?,
                first_period: date(&first)?,
                last_period: date(&last)?,
                due_days: u32::try_from(due).map_err(|_| corrupt("due days"))?,
                grace_days: u32::try_from(grace).map_err(|_| corrupt("grace days"))?,
                remind_days: u32::try_from(remind).map_err(|_| corrupt("remind days"))?,
                escalate_days: u32::try_from(escalate).map_err(|_| corrupt("escalate days"))?,
                period_field: row.try_get("period_field")?,
                region_field: row.try_get("region_field")?,
                units,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        impl $Store {
            async fn with_units(&self, rows: Vec<$Row>) -> Result<Vec<Campaign>> {
                let mut out = Vec::with_capacity(rows.len());
                for row in &rows {
                    let id: uuid::Uuid = row.try_get("id")?;
                    let units = sqlx::query(
                        "SELECT region_code, agency_id FROM campaign_units WHERE campaign_id = $1 ORDER BY position",
                    )
                    .bind(id)
                    .fetch_all(&self.read)
                    .await?
                    .iter()
                    .map(|u| {
                        Ok(Unit {
                            region_code: u.try_get("region_code")?,
                            agency_id: AgencyId(u.try_get("agency_id")?),
                        })
                    })
                    .collect::<Result<Vec<_>>>()?;
                    out.push(from_row(row, units)?);
                }
                Ok(out)
            }
        }

        #[async_trait]
        impl CampaignStore for $Store {
            async fn insert_campaign(&self, c: &Campaign, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let others = sqlx::query(
                    "SELECT periodicity, first_period, last_period FROM campaigns WHERE form_id = $1",
                )
                .bind(c.form_id.0)
                .fetch_all(&mut *tx)
                .await?;
                for o in &others {
                    let p: String = o.try_get("periodicity")?;
                    let first: String = o.try_get("first_period")?;
                    let last: String = o.try_get("last_period")?;
                    let other = Period {
                        periodicity: Periodicity::parse(&p).ok_or_else(|| corrupt("periodicity"))?,
                        start: date(&last)?,
                    };
                    if date(&first)? < span_end(c) && c.first_period < other.end() {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                }
                sqlx::query(&format!(
                    "INSERT INTO campaigns ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
                ))
                .bind(c.id.0)
                .bind(c.owner_agency_id.0)
                .bind(c.form_id.0)
                .bind(&c.title)
                .bind(c.periodicity.as_str())
                .bind(c.first_period.to_string())
                .bind(c.last_period.to_string())
                .bind(i64::from(c.due_days))
                .bind(i64::from(c.grace_days))
                .bind(&c.period_field)
                .bind(&c.region_field)
                .bind(c.created_by.0)
                .bind(ms(c.created_at))
                .bind(i64::from(c.remind_days))
                .bind(i64::from(c.escalate_days))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for (i, u) in c.units.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO campaign_units (campaign_id, region_code, agency_id, position) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(c.id.0)
                    .bind(&u.region_code)
                    .bind(u.agency_id.0)
                    .bind(i as i64)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn campaign(&self, id: CampaignId) -> Result<Option<Campaign>> {
                let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM campaigns WHERE id = $1"))
                    .bind(id.0)
                    .fetch_all(&self.read)
                    .await?;
                Ok(self.with_units(rows).await?.into_iter().next())
            }

            async fn campaigns(&self, owners: &[AgencyId], units: &[AgencyId]) -> Result<Vec<Campaign>> {
                if owners.is_empty() && units.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {COLUMNS} FROM campaigns WHERE 1 = 0"));
                if !owners.is_empty() {
                    qb.push(" OR owner_agency_id IN (");
                    let mut sep = qb.separated(", ");
                    for a in owners {
                        sep.push_bind(a.0);
                    }
                    qb.push(")");
                }
                if !units.is_empty() {
                    qb.push(" OR id IN (SELECT campaign_id FROM campaign_units WHERE agency_id IN (");
                    let mut sep = qb.separated(", ");
                    for a in units {
                        sep.push_bind(a.0);
                    }
                    qb.push("))");
                }
                qb.push(" ORDER BY created_at DESC, id DESC");
                let rows = qb.build().fetch_all(&self.read).await?;
                self.with_units(rows).await
            }

            async fn campaigns_since(&self, since: NaiveDate) -> Result<Vec<Campaign>> {
                let rows = sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM campaigns WHERE last_period >= $1 ORDER BY created_at, id"
                ))
                .bind(since.to_string())
                .fetch_all(&self.read)
                .await?;
                self.with_units(rows).await
            }

            async fn record_campaign_reminder(
                &self,
                campaign: CampaignId,
                kind: &str,
                at: chrono::DateTime<chrono::Utc>,
                (notices, mails): (&[crate::Notification], &[crate::mail::Mail]),
                audit: &NewAudit,
            ) -> Result<bool> {
                crate::coordination::$m::record_reminder_once(
                    &self.write,
                    ("campaign_reminders", "campaign_id"),
                    campaign.0,
                    kind,
                    at,
                    notices,
                    mails,
                    audit,
                )
                .await
            }

            async fn insert_campaign_index(&self, i: &CampaignIndex, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO campaign_indices (id, campaign_id, name, definition, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (campaign_id, name) DO NOTHING",
                )
                .bind(i.id.0)
                .bind(i.campaign_id.0)
                .bind(&i.def.name)
                .bind(serde_json::to_string(&i.def).map_err(|_| corrupt("index definition"))?)
                .bind(i.created_by.0)
                .bind(ms(i.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn campaign_indices(&self, campaign: CampaignId) -> Result<Vec<CampaignIndex>> {
                let rows = sqlx::query(
                    "SELECT id, campaign_id, definition, created_by, created_at FROM campaign_indices \
                     WHERE campaign_id = $1 ORDER BY name",
                )
                .bind(campaign.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|r| {
                        let def: String = r.try_get("definition")?;
                        Ok(CampaignIndex {
                            id: IndexId(r.try_get("id")?),
                            campaign_id: CampaignId(r.try_get("campaign_id")?),
                            def: serde_json::from_str(&def).map_err(|_| corrupt("index definition"))?,
                            created_by: UserId(r.try_get("created_by")?),
                            created_at: from_ms(r.try_get("created_at")?)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    campaigns_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    campaigns_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
