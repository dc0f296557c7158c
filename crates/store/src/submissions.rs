//! Submissions of forms in the store (ADR 34). Receiving a submission, an edit of one,
//! a file of one and a review are each one transaction with their audit entry. An
//! `instanceID` is kept once per form (the primary key of `submission_instances`), so
//! the same instance sent twice at once is stored once; an edit moves the submission
//! on only from the instance it replaces, so two edits of one instance cannot both win.

use async_trait::async_trait;
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::submission::{
    FormId, ReviewState, Source, Submission, SubmissionFile, SubmissionId, SubmissionInstance,
    SubmissionReview,
};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::{Result, StoreError};

/// What became of a submission or an edit to store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionOutcome {
    Stored,
    /// The form has an instance with this `instanceID` already.
    InstanceExists,
    /// The instance an edit replaces is no longer the submission's newest.
    Stale,
}

/// Which submissions of a form to list.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionQuery {
    pub form_id: FormId,
    /// Only these submitters' agencies; `None` for every one.
    pub agencies: Option<Vec<AgencyId>>,
    pub version_number: Option<i32>,
    pub review_state: Option<ReviewState>,
    pub source: Option<Source>,
    /// Received at or after / before (milliseconds are compared).
    pub received_from: Option<chrono::DateTime<chrono::Utc>>,
    pub received_before: Option<chrono::DateTime<chrono::Utc>>,
    /// Newest first unless set.
    pub oldest_first: bool,
    /// Only those after this one in the order (its received time and id): a keyset page
    /// for exports, whatever their size.
    pub after: Option<(chrono::DateTime<chrono::Utc>, SubmissionId)>,
    pub limit: i64,
    pub offset: i64,
    /// Leave out the count of all that match (answered as 0): for the pages of an
    /// export after the first, where only the rows matter.
    pub skip_total: bool,
}

/// What a campaign reads of a submission: who answered, when, and the texts of its
/// period (and region) questions, without the rest of its answers.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerRow {
    pub id: SubmissionId,
    pub agency_id: AgencyId,
    pub answered_at: chrono::DateTime<chrono::Utc>,
    pub review_state: ReviewState,
    pub source: Source,
    pub period: Option<String>,
    pub region: Option<String>,
}

#[async_trait]
pub trait SubmissionStore: Send + Sync {
    /// Every submission of a form as a campaign reads it: the answers to `period_field`
    /// (and `region_field`) taken from the stored JSON by the database.
    async fn campaign_answers(
        &self,
        form: FormId,
        period_field: &str,
        region_field: Option<&str>,
    ) -> Result<Vec<AnswerRow>>;
    /// Stores a new submission, its first instance and the files it names (not yet
    /// received).
    async fn insert_submission(
        &self,
        s: &Submission,
        instance: &SubmissionInstance,
        files: &[String],
        audit: &NewAudit,
    ) -> Result<SubmissionOutcome>;
    /// Stores an edit: `s` is the submission as it becomes, `instance` the new instance
    /// replacing `instance.deprecated_id`, which must be the submission's newest.
    async fn edit_submission(
        &self,
        s: &Submission,
        instance: &SubmissionInstance,
        files: &[String],
        audit: &NewAudit,
    ) -> Result<SubmissionOutcome>;
    /// The instance a form has with this `instanceID`.
    async fn submission_instance(
        &self,
        form: FormId,
        instance_id: &str,
    ) -> Result<Option<SubmissionInstance>>;
    async fn submission(&self, id: SubmissionId) -> Result<Option<Submission>>;
    /// A page of a form's submissions and how many match in all.
    async fn submissions(&self, q: &SubmissionQuery) -> Result<(Vec<Submission>, i64)>;
    /// A submission's instances, the first first.
    async fn submission_instances(&self, id: SubmissionId) -> Result<Vec<SubmissionInstance>>;
    /// The files an instance names, by name.
    async fn submission_files(
        &self,
        id: SubmissionId,
        instance_id: &str,
    ) -> Result<Vec<SubmissionFile>>;
    /// How many files the newest instance of each of these submissions has received
    /// (absent: none), in one query for a page of an export.
    async fn received_file_counts(
        &self,
        ids: &[SubmissionId],
    ) -> Result<std::collections::HashMap<SubmissionId, i64>>;
    /// Records a named file's bytes as received; false when the instance does not name
    /// it or it was received already.
    async fn receive_submission_file(&self, f: &SubmissionFile, audit: &NewAudit) -> Result<bool>;
    /// Sets a submission's review state; false when it does not exist.
    async fn review_submission(&self, r: &SubmissionReview, audit: &NewAudit) -> Result<bool>;
    /// A submission's reviews, the oldest first.
    async fn submission_reviews(&self, id: SubmissionId) -> Result<Vec<SubmissionReview>>;
}

const COLUMNS: &str = "id, form_id, version_number, root_instance_id, instance_id, agency_id, \
    submitted_by, source, review_state, data, lon, lat, edits, received_at, answered_at, updated_at";
const INSTANCE_COLUMNS: &str =
    "form_id, instance_id, submission_id, deprecated_id, xml, submitted_by, received_at";

macro_rules! submissions_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        fn from_row(row: &$Row) -> Result<Submission> {
            let version: i64 = row.try_get("version_number")?;
            let edits: i64 = row.try_get("edits")?;
            let source: String = row.try_get("source")?;
            let state: String = row.try_get("review_state")?;
            let data: String = row.try_get("data")?;
            Ok(Submission {
                id: SubmissionId(row.try_get("id")?),
                form_id: FormId(row.try_get("form_id")?),
                version_number: i32::try_from(version).map_err(|_| corrupt("form version"))?,
                root_instance_id: row.try_get("root_instance_id")?,
                instance_id: row.try_get("instance_id")?,
                agency_id: AgencyId(row.try_get("agency_id")?),
                submitted_by: UserId(row.try_get("submitted_by")?),
                source: Source::parse(&source).ok_or_else(|| corrupt("submission source"))?,
                review_state: ReviewState::parse(&state)
                    .ok_or_else(|| corrupt("submission review state"))?,
                data: serde_json::from_str(&data).map_err(|_| corrupt("submission data"))?,
                lon: row.try_get("lon")?,
                lat: row.try_get("lat")?,
                edits: i32::try_from(edits).map_err(|_| corrupt("submission edits"))?,
                received_at: from_ms(row.try_get("received_at")?)?,
                answered_at: from_ms(row.try_get("answered_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn instance_from_row(row: &$Row) -> Result<SubmissionInstance> {
            Ok(SubmissionInstance {
                submission_id: SubmissionId(row.try_get("submission_id")?),
                instance_id: row.try_get("instance_id")?,
                deprecated_id: row.try_get("deprecated_id")?,
                xml: row.try_get("xml")?,
                submitted_by: UserId(row.try_get("submitted_by")?),
                received_at: from_ms(row.try_get("received_at")?)?,
            })
        }

        async fn put_instance(
            tx: &mut AuditedTx<'_>,
            form: FormId,
            i: &SubmissionInstance,
            files: &[String],
        ) -> Result<bool> {
            let res = sqlx::query(&format!(
                "INSERT INTO submission_instances ({INSTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) \
                 ON CONFLICT (form_id, instance_id) DO NOTHING"
            ))
            .bind(form.0)
            .bind(&i.instance_id)
            .bind(i.submission_id.0)
            .bind(&i.deprecated_id)
            .bind(&i.xml)
            .bind(i.submitted_by.0)
            .bind(ms(i.received_at))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            if res.rows_affected() == 0 {
                return Ok(false);
            }
            for name in files {
                sqlx::query(
                    "INSERT INTO submission_files (submission_id, instance_id, name) VALUES ($1, $2, $3)",
                )
                .bind(i.submission_id.0)
                .bind(&i.instance_id)
                .bind(name)
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            }
            Ok(true)
        }

        #[async_trait]
        impl SubmissionStore for $Store {
            async fn campaign_answers(
                &self,
                form: FormId,
                period_field: &str,
                region_field: Option<&str>,
            ) -> Result<Vec<AnswerRow>> {
                let sql = format!(
                    "SELECT id, agency_id, answered_at, review_state, source, {} AS period, {} AS region \
                     FROM submissions WHERE form_id = $1",
                    <$Store>::json_text("$2"),
                    <$Store>::json_text("$3"),
                );
                let rows = sqlx::query(&sql)
                    .bind(form.0)
                    .bind(<$Store>::json_key(period_field))
                    .bind(<$Store>::json_key(region_field.unwrap_or("")))
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|r| {
                        let state: String = r.try_get("review_state")?;
                        let source: String = r.try_get("source")?;
                        Ok(AnswerRow {
                            id: SubmissionId(r.try_get("id")?),
                            agency_id: AgencyId(r.try_get("agency_id")?),
                            answered_at: from_ms(r.try_get("answered_at")?)?,
                            review_state: ReviewState::parse(&state)
                                .ok_or_else(|| corrupt("submission review state"))?,
                            source: Source::parse(&source).ok_or_else(|| corrupt("submission source"))?,
                            period: r.try_get("period")?,
                            region: if region_field.is_some() { r.try_get("region")? } else { None },
                        })
                    })
                    .collect()
            }

            async fn insert_submission(
                &self,
                s: &Submission,
                instance: &SubmissionInstance,
                files: &[String],
                audit: &NewAudit,
            ) -> Result<SubmissionOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(&format!(
                    "INSERT INTO submissions ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
                     ON CONFLICT (form_id, root_instance_id) DO NOTHING"
                ))
                .bind(s.id.0)
                .bind(s.form_id.0)
                .bind(i64::from(s.version_number))
                .bind(&s.root_instance_id)
                .bind(&s.instance_id)
                .bind(s.agency_id.0)
                .bind(s.submitted_by.0)
                .bind(s.source.as_str())
                .bind(s.review_state.as_str())
                .bind(s.data.to_string())
                .bind(s.lon)
                .bind(s.lat)
                .bind(i64::from(s.edits))
                .bind(ms(s.received_at))
                .bind(ms(s.answered_at))
                .bind(ms(s.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 || !put_instance(&mut tx, s.form_id, instance, files).await? {
                    tx.rollback().await?;
                    return Ok(SubmissionOutcome::InstanceExists);
                }
                tx.commit().await?;
                Ok(SubmissionOutcome::Stored)
            }

            async fn edit_submission(
                &self,
                s: &Submission,
                instance: &SubmissionInstance,
                files: &[String],
                audit: &NewAudit,
            ) -> Result<SubmissionOutcome> {
                let Some(previous) = instance.deprecated_id.as_deref() else {
                    return Err(StoreError::Corrupt("an edit without the instance it replaces".into()));
                };
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if !put_instance(&mut tx, s.form_id, instance, files).await? {
                    tx.rollback().await?;
                    return Ok(SubmissionOutcome::InstanceExists);
                }
                let moved = sqlx::query(
                    "UPDATE submissions SET instance_id = $1, version_number = $2, data = $3, lon = $4, \
                     lat = $5, edits = edits + 1, updated_at = $6 WHERE id = $7 AND instance_id = $8",
                )
                .bind(&s.instance_id)
                .bind(i64::from(s.version_number))
                .bind(s.data.to_string())
                .bind(s.lon)
                .bind(s.lat)
                .bind(ms(s.updated_at))
                .bind(s.id.0)
                .bind(previous)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if moved.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(SubmissionOutcome::Stale);
                }
                tx.commit().await?;
                Ok(SubmissionOutcome::Stored)
            }

            async fn submission_instance(
                &self,
                form: FormId,
                instance_id: &str,
            ) -> Result<Option<SubmissionInstance>> {
                let row = sqlx::query(&format!(
                    "SELECT {INSTANCE_COLUMNS} FROM submission_instances WHERE form_id = $1 AND instance_id = $2"
                ))
                .bind(form.0)
                .bind(instance_id)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(instance_from_row).transpose()
            }

            async fn submission(&self, id: SubmissionId) -> Result<Option<Submission>> {
                let row = sqlx::query(&format!("SELECT {COLUMNS} FROM submissions WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(from_row).transpose()
            }

            async fn submissions(&self, q: &SubmissionQuery) -> Result<(Vec<Submission>, i64)> {
                fn filter<'a>(qb: &mut QueryBuilder<'a, $DB>, q: &'a SubmissionQuery) -> bool {
                    qb.push(" WHERE form_id = ").push_bind(q.form_id.0);
                    if let Some(agencies) = &q.agencies {
                        if agencies.is_empty() {
                            return false;
                        }
                        qb.push(" AND agency_id IN (");
                        let mut sep = qb.separated(", ");
                        for a in agencies {
                            sep.push_bind(a.0);
                        }
                        qb.push(")");
                    }
                    if let Some(v) = q.version_number {
                        qb.push(" AND version_number = ").push_bind(i64::from(v));
                    }
                    if let Some(r) = q.review_state {
                        qb.push(" AND review_state = ").push_bind(r.as_str());
                    }
                    if let Some(s) = q.source {
                        qb.push(" AND source = ").push_bind(s.as_str());
                    }
                    if let Some(t) = q.received_from {
                        qb.push(" AND received_at >= ").push_bind(ms(t));
                    }
                    if let Some(t) = q.received_before {
                        qb.push(" AND received_at < ").push_bind(ms(t));
                    }
                    if let Some((t, id)) = q.after {
                        let op = if q.oldest_first { ">" } else { "<" };
                        qb.push(format!(" AND (received_at {op} "))
                            .push_bind(ms(t))
                            .push(" OR (received_at = ")
                            .push_bind(ms(t))
                            .push(format!(" AND id {op} "))
                            .push_bind(id.0)
                            .push("))");
                    }
                    true
                }
                let mut count = QueryBuilder::<$DB>::new("SELECT COUNT(*) FROM submissions");
                if !filter(&mut count, q) {
                    return Ok((Vec::new(), 0));
                }
                let total: i64 = if q.skip_total {
                    0
                } else {
                    count.build_query_scalar().fetch_one(&self.read).await?
                };
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {COLUMNS} FROM submissions"));
                filter(&mut qb, q);
                let dir = if q.oldest_first { "ASC" } else { "DESC" };
                qb.push(format!(" ORDER BY received_at {dir}, id {dir} LIMIT "))
                    .push_bind(q.limit)
                    .push(" OFFSET ")
                    .push_bind(q.offset);
                let rows = qb.build().fetch_all(&self.read).await?;
                let list = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
                Ok((list, total))
            }

            async fn submission_instances(&self, id: SubmissionId) -> Result<Vec<SubmissionInstance>> {
                let rows = sqlx::query(&format!(
                    "SELECT {INSTANCE_COLUMNS} FROM submission_instances WHERE submission_id = $1 \
                     ORDER BY received_at, instance_id"
                ))
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(instance_from_row).collect()
            }

            async fn submission_files(
                &self,
                id: SubmissionId,
                instance_id: &str,
            ) -> Result<Vec<SubmissionFile>> {
                let rows = sqlx::query(
                    "SELECT submission_id, instance_id, name, sha256, content_type, size \
                     FROM submission_files WHERE submission_id = $1 AND instance_id = $2 ORDER BY name",
                )
                .bind(id.0)
                .bind(instance_id)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(SubmissionFile {
                            submission_id: SubmissionId(r.try_get("submission_id")?),
                            instance_id: r.try_get("instance_id")?,
                            name: r.try_get("name")?,
                            sha256: r.try_get("sha256")?,
                            content_type: r.try_get("content_type")?,
                            size: r.try_get("size")?,
                        })
                    })
                    .collect()
            }

            async fn received_file_counts(
                &self,
                ids: &[SubmissionId],
            ) -> Result<std::collections::HashMap<SubmissionId, i64>> {
                let mut out = std::collections::HashMap::new();
                // A page of an export is 500: well under both databases' parameter limits.
                for chunk in ids.chunks(500) {
                    let mut qb = QueryBuilder::<$DB>::new(
                        "SELECT f.submission_id, COUNT(*) AS n FROM submission_files f \
                         JOIN submissions s ON s.id = f.submission_id AND s.instance_id = f.instance_id \
                         WHERE f.sha256 IS NOT NULL AND f.submission_id IN (",
                    );
                    let mut list = qb.separated(", ");
                    for id in chunk {
                        list.push_bind(id.0);
                    }
                    qb.push(") GROUP BY f.submission_id");
                    for r in qb.build().fetch_all(&self.read).await? {
                        out.insert(SubmissionId(r.try_get("submission_id")?), r.try_get::<i64, _>("n")?);
                    }
                }
                Ok(out)
            }

            async fn receive_submission_file(&self, f: &SubmissionFile, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE submission_files SET sha256 = $1, content_type = $2, size = $3 \
                     WHERE submission_id = $4 AND instance_id = $5 AND name = $6 AND sha256 IS NULL",
                )
                .bind(&f.sha256)
                .bind(&f.content_type)
                .bind(f.size)
                .bind(f.submission_id.0)
                .bind(&f.instance_id)
                .bind(&f.name)
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

            async fn review_submission(&self, r: &SubmissionReview, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query("UPDATE submissions SET review_state = $1 WHERE id = $2")
                    .bind(r.state.as_str())
                    .bind(r.submission_id.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO submission_reviews (submission_id, state, comment, reviewed_by, reviewed_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(r.submission_id.0)
                .bind(r.state.as_str())
                .bind(&r.comment)
                .bind(r.reviewed_by.0)
                .bind(ms(r.reviewed_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn submission_reviews(&self, id: SubmissionId) -> Result<Vec<SubmissionReview>> {
                let rows = sqlx::query(
                    "SELECT submission_id, state, comment, reviewed_by, reviewed_at FROM submission_reviews \
                     WHERE submission_id = $1 ORDER BY reviewed_at",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter()
                    .map(|r| {
                        let state: String = r.try_get("state")?;
                        Ok(SubmissionReview {
                            submission_id: SubmissionId(r.try_get("submission_id")?),
                            state: ReviewState::parse(&state).ok_or_else(|| corrupt("review state"))?,
                            comment: r.try_get("comment")?,
                            reviewed_by: UserId(r.try_get("reviewed_by")?),
                            reviewed_at: from_ms(r.try_get("reviewed_at")?)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

pub(crate) mod sqlite {
    submissions_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    submissions_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}

impl SqliteStore {
    /// The SQL for a top-level key's text in the `data` column, the key bound at `param`.
    fn json_text(param: &str) -> String {
        format!("json_extract(data, {param})")
    }
    /// The bound value naming a key: a JSON path for SQLite.
    fn json_key(key: &str) -> String {
        format!("$.\"{}\"", key.replace('"', ""))
    }
}

impl PgStore {
    fn json_text(param: &str) -> String {
        format!("(data::jsonb ->> {param})")
    }
    fn json_key(key: &str) -> String {
        key.to_string()
    }
}
