//! Area profiles in the store (ADR 25): a profile is one row of `area_profiles` keyed by
//! its Kemendagri code; every version of it (the first included) is one row of
//! `area_profile_versions` holding the profile whole as JSON, written in the transaction
//! of the edit, so the history can never miss an edit. Posts and their reports are rows
//! of `area_posts` and `area_post_reports`. Who sees a profile is decided by the caller
//! (`AreaProfile::visible_to`); the store lists by code prefix only.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sinergi_core::area::{
    AreaPost, AreaProfile, AreaVersion, Aspect, Assessment, Condition, PostCounts, PostReport,
};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, AreaPostId, PlanId, PlanNodeId, PostReportId, UserId};
use sqlx::Row;

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, UpdateOutcome};

/// Area profiles, their history, posts and post reports.
#[async_trait]
pub trait AreaStore: Send + Sync {
    /// Inserts a profile and its first version with the audit entry; false, with
    /// nothing written, when the code has a profile.
    async fn insert_area(&self, a: &AreaProfile, audit: &NewAudit) -> Result<bool>;
    /// Replaces a profile if its stored version is `expected_version`, keeping the new
    /// version in the history.
    async fn update_area(
        &self,
        a: &AreaProfile,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn area(&self, code: &str) -> Result<Option<AreaProfile>>;
    /// The profiles whose code starts with `prefix` (all when empty), by code.
    async fn areas(&self, prefix: &str) -> Result<Vec<AreaProfile>>;
    /// Every version of a profile, the newest first.
    async fn area_history(&self, code: &str) -> Result<Vec<AreaVersion>>;

    /// Inserts a post with the audit entry; false when a post with this id exists.
    async fn insert_area_post(&self, p: &AreaPost, audit: &NewAudit) -> Result<bool>;
    async fn area_post(&self, id: AreaPostId) -> Result<Option<AreaPost>>;
    /// An area's posts, by name.
    async fn area_posts(&self, code: &str) -> Result<Vec<AreaPost>>;
    /// Inserts a post's report with the audit entry; false when one with this id exists.
    async fn insert_post_report(&self, r: &PostReport, audit: &NewAudit) -> Result<bool>;
    async fn post_report(&self, id: PostReportId) -> Result<Option<PostReport>>;
    /// A post's reports, the latest day first.
    async fn post_reports(&self, post: AreaPostId) -> Result<Vec<PostReport>>;
}

fn date_of(v: i64) -> Result<chrono::NaiveDate> {
    Ok(from_ms(v)?.date_naive())
}

fn needs_json(n: &BTreeMap<Aspect, Assessment>) -> Result<String> {
    serde_json::to_string(n).map_err(|_| corrupt("area needs"))
}

fn profile_json(a: &AreaProfile) -> Result<String> {
    serde_json::to_string(a).map_err(|_| corrupt("area profile"))
}

const AREA_COLUMNS: &str =
    "code, owner_agency_id, condition, summary, needs, roadmap_id, stage_id, \
    stage_since, version, created_by, created_at, updated_by, updated_at";
const POST_COLUMNS: &str =
    "id, area_code, name, lon, lat, responsible_agency_id, cadence_days, created_by, created_at";
const REPORT_COLUMNS: &str =
    "id, post_id, reported_on, summary, incidents, outreach, referrals, created_by, created_at";

macro_rules! areas_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        fn area_from_row(row: &$Row) -> Result<AreaProfile> {
            let condition: String = row.try_get("condition")?;
            let needs: String = row.try_get("needs")?;
            let roadmap: Option<uuid::Uuid> = row.try_get("roadmap_id")?;
            let stage: Option<uuid::Uuid> = row.try_get("stage_id")?;
            let since: Option<i64> = row.try_get("stage_since")?;
            Ok(AreaProfile {
                code: row.try_get("code")?,
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                condition: Condition::parse(&condition).ok_or_else(|| corrupt("area condition"))?,
                summary: row.try_get("summary")?,
                needs: serde_json::from_str(&needs).map_err(|_| corrupt("area needs"))?,
                roadmap_id: roadmap.map(PlanId),
                stage_id: stage.map(PlanNodeId),
                stage_since: since.map(date_of).transpose()?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_by: UserId(row.try_get("updated_by")?),
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn post_from_row(row: &$Row) -> Result<AreaPost> {
            let cadence: i64 = row.try_get("cadence_days")?;
            Ok(AreaPost {
                id: AreaPostId(row.try_get("id")?),
                area_code: row.try_get("area_code")?,
                name: row.try_get("name")?,
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                responsible_agency_id: AgencyId(row.try_get("responsible_agency_id")?),
                cadence_days: u32::try_from(cadence).map_err(|_| corrupt("post cadence"))?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        fn report_from_row(row: &$Row) -> Result<PostReport> {
            let n = |k: &str| -> Result<u32> {
                let v: i64 = row.try_get(k)?;
                u32::try_from(v).map_err(|_| corrupt("post report count"))
            };
            Ok(PostReport {
                id: PostReportId(row.try_get("id")?),
                post_id: AreaPostId(row.try_get("post_id")?),
                reported_on: date_of(row.try_get("reported_on")?)?,
                summary: row.try_get("summary")?,
                counts: PostCounts {
                    incidents: n("incidents")?,
                    outreach: n("outreach")?,
                    referrals: n("referrals")?,
                },
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
            })
        }

        async fn insert_version(
            tx: &mut <$DB as sqlx::Database>::Connection,
            a: &AreaProfile,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO area_profile_versions (code, version, profile, changed_by, changed_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&a.code)
            .bind(a.version)
            .bind(profile_json(a)?)
            .bind(a.updated_by.0)
            .bind(ms(a.updated_at))
            .execute(&mut *tx)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        #[async_trait]
        impl AreaStore for $Store {
            async fn insert_area(&self, a: &AreaProfile, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO area_profiles (code, owner_agency_id, condition, summary, needs, roadmap_id, \
                     stage_id, stage_since, version, created_by, created_at, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (code) DO NOTHING",
                )
                .bind(&a.code)
                .bind(a.owner_agency_id.0)
                .bind(a.condition.as_str())
                .bind(&a.summary)
                .bind(needs_json(&a.needs)?)
                .bind(a.roadmap_id.map(|p| p.0))
                .bind(a.stage_id.map(|p| p.0))
                .bind(a.stage_since.map(date_ms))
                .bind(a.version)
                .bind(a.created_by.0)
                .bind(ms(a.created_at))
                .bind(a.updated_by.0)
                .bind(ms(a.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_version(&mut tx, a).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn update_area(
                &self,
                a: &AreaProfile,
                expected_version: i64,
                audit: &NewAudit,
            ) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE area_profiles SET condition = $1, summary = $2, needs = $3, roadmap_id = $4, \
                     stage_id = $5, stage_since = $6, version = $7, updated_by = $8, updated_at = $9 \
                     WHERE code = $10 AND version = $11",
                )
                .bind(a.condition.as_str())
                .bind(&a.summary)
                .bind(needs_json(&a.needs)?)
                .bind(a.roadmap_id.map(|p| p.0))
                .bind(a.stage_id.map(|p| p.0))
                .bind(a.stage_since.map(date_ms))
                .bind(a.version)
                .bind(a.updated_by.0)
                .bind(ms(a.updated_at))
                .bind(&a.code)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let current: Option<i64> =
                        sqlx::query_scalar("SELECT version FROM area_profiles WHERE code = $1")
                            .bind(&a.code)
                            .fetch_optional(&mut *tx)
                            .await?;
                    tx.rollback().await?;
                    return Ok(match current {
                        Some(v) => UpdateOutcome::VersionMismatch(v),
                        None => UpdateOutcome::NotFound,
                    });
                }
                insert_version(&mut tx, a).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn area(&self, code: &str) -> Result<Option<AreaProfile>> {
                let row = sqlx::query(&format!("SELECT {AREA_COLUMNS} FROM area_profiles WHERE code = $1"))
                    .bind(code)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(area_from_row).transpose()
            }

            async fn areas(&self, prefix: &str) -> Result<Vec<AreaProfile>> {
                // Codes are digits and dots, so a prefix has no LIKE wildcard; anything
                // else matches nothing.
                if !prefix.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                    return Ok(Vec::new());
                }
                sqlx::query(&format!(
                    "SELECT {AREA_COLUMNS} FROM area_profiles WHERE code LIKE $1 ORDER BY code"
                ))
                .bind(format!("{prefix}%"))
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(area_from_row)
                .collect()
            }

            async fn area_history(&self, code: &str) -> Result<Vec<AreaVersion>> {
                let rows = sqlx::query(
                    "SELECT profile, changed_by, changed_at FROM area_profile_versions \
                     WHERE code = $1 ORDER BY version DESC",
                )
                .bind(code)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|row| -> Result<AreaVersion> {
                        let profile: String = row.try_get("profile")?;
                        Ok(AreaVersion {
                            profile: serde_json::from_str(&profile)
                                .map_err(|_| corrupt("area profile version"))?,
                            changed_by: UserId(row.try_get("changed_by")?),
                            changed_at: from_ms(row.try_get("changed_at")?)?,
                        })
                    })
                    .collect()
            }

            async fn insert_area_post(&self, p: &AreaPost, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO area_posts (id, area_code, name, lon, lat, responsible_agency_id, cadence_days, \
                     created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (id) DO NOTHING",
                )
                .bind(p.id.0)
                .bind(&p.area_code)
                .bind(&p.name)
                .bind(p.lon)
                .bind(p.lat)
                .bind(p.responsible_agency_id.0)
                .bind(i64::from(p.cadence_days))
                .bind(p.created_by.0)
                .bind(ms(p.created_at))
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

            async fn area_post(&self, id: AreaPostId) -> Result<Option<AreaPost>> {
                let row = sqlx::query(&format!("SELECT {POST_COLUMNS} FROM area_posts WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(post_from_row).transpose()
            }

            async fn area_posts(&self, code: &str) -> Result<Vec<AreaPost>> {
                sqlx::query(&format!(
                    "SELECT {POST_COLUMNS} FROM area_posts WHERE area_code = $1 ORDER BY name, id"
                ))
                .bind(code)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(post_from_row)
                .collect()
            }

            async fn insert_post_report(&self, r: &PostReport, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO area_post_reports (id, post_id, reported_on, summary, incidents, outreach, \
                     referrals, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(r.id.0)
                .bind(r.post_id.0)
                .bind(date_ms(r.reported_on))
                .bind(&r.summary)
                .bind(i64::from(r.counts.incidents))
                .bind(i64::from(r.counts.outreach))
                .bind(i64::from(r.counts.referrals))
                .bind(r.created_by.0)
                .bind(ms(r.created_at))
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

            async fn post_report(&self, id: PostReportId) -> Result<Option<PostReport>> {
                let row = sqlx::query(&format!(
                    "SELECT {REPORT_COLUMNS} FROM area_post_reports WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(report_from_row).transpose()
            }

            async fn post_reports(&self, post: AreaPostId) -> Result<Vec<PostReport>> {
                sqlx::query(&format!(
                    "SELECT {REPORT_COLUMNS} FROM area_post_reports WHERE post_id = $1 \
                     ORDER BY reported_on DESC, created_at DESC, id DESC"
                ))
                .bind(post.0)
                .fetch_all(&self.read)
                .await?
                .iter()
                .map(report_from_row)
                .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    areas_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    areas_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
