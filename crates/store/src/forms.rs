//! Forms and their versions in the store (ADR 33). Publishing a version is one
//! transaction with its audit entry: the form row is created with version 1 or moved to
//! the next number only from the number the caller read, so two uploads at once cannot
//! both become version 2; a version string or a workbook already published for the form
//! is refused before anything is written.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::form::media::FormMedia;
use sinergi_core::form::{Form, FormDevice, FormDeviceId, FormId, FormVersion};
use sinergi_core::ids::{AgencyId, UserId};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::Result;

/// What became of a version to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishOutcome {
    Published,
    /// The form already has a version with this version string (its number).
    VersionExists(i32),
    /// The same workbook is already this version (its number).
    WorkbookExists(i32),
    /// Another form has this XForm id.
    IdTaken,
    /// The form moved on since it was read (another upload came first).
    Stale,
}

#[async_trait]
pub trait FormStore: Send + Sync {
    /// Publishes `version` of `form`: a new form when `version.number` is 1, else the
    /// next version of the stored form whose current version is `version.number - 1`;
    /// with the media files it carries over from the version before (ADR 40).
    async fn publish_form_version(
        &self,
        form: &Form,
        version: &FormVersion,
        media: &[FormMedia],
        audit: &NewAudit,
    ) -> Result<PublishOutcome>;
    /// The media files uploaded to a version, by name.
    async fn form_media(&self, form: FormId, number: i32) -> Result<Vec<FormMedia>>;
    /// Stores a version's media file under its name, replacing the file it had.
    async fn put_form_media(&self, m: &FormMedia, audit: &NewAudit) -> Result<()>;
    async fn form(&self, id: FormId) -> Result<Option<Form>>;
    async fn form_by_xml_id(&self, xml_id: &str) -> Result<Option<Form>>;
    /// The forms of these agencies, by title.
    async fn forms(&self, owners: &[AgencyId]) -> Result<Vec<Form>>;
    /// A form's versions, the newest first.
    async fn form_versions(&self, form: FormId) -> Result<Vec<FormVersion>>;
    async fn form_version(&self, form: FormId, number: i32) -> Result<Option<FormVersion>>;
    async fn insert_form_device(&self, d: &FormDevice, audit: &NewAudit) -> Result<()>;
    /// A user's devices, the newest first.
    async fn form_devices(&self, user: UserId) -> Result<Vec<FormDevice>>;
    async fn form_device_by_token(&self, token_hash: &str) -> Result<Option<FormDevice>>;
    /// Revokes a user's device; false when it is not theirs or already revoked.
    async fn revoke_form_device(
        &self,
        id: FormDeviceId,
        user: UserId,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
}

const MEDIA_COLUMNS: &str =
    "form_id, number, name, sha256, md5, content_type, size, uploaded_by, uploaded_at";

const DEVICE_COLUMNS: &str = "id, user_id, name, token_hash, created_at, revoked_at";

const FORM_COLUMNS: &str =
    "id, owner_agency_id, xml_id, title, current_version, created_by, created_at, updated_at";
const VERSION_COLUMNS: &str = "form_id, number, version, title, languages, xml, file_name, \
    workbook_sha256, published_by, published_at";

macro_rules! forms_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;

        fn form_from_row(row: &$Row) -> Result<Form> {
            let current: i64 = row.try_get("current_version")?;
            Ok(Form {
                id: FormId(row.try_get("id")?),
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                xml_id: row.try_get("xml_id")?,
                title: row.try_get("title")?,
                current_version: i32::try_from(current).map_err(|_| corrupt("form version"))?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn device_from_row(row: &$Row) -> Result<FormDevice> {
            let revoked: Option<i64> = row.try_get("revoked_at")?;
            Ok(FormDevice {
                id: FormDeviceId(row.try_get("id")?),
                user_id: UserId(row.try_get("user_id")?),
                name: row.try_get("name")?,
                token_hash: row.try_get("token_hash")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                revoked_at: revoked.map(from_ms).transpose()?,
            })
        }

        fn media_from_row(row: &$Row) -> Result<FormMedia> {
            let number: i64 = row.try_get("number")?;
            Ok(FormMedia {
                form_id: FormId(row.try_get("form_id")?),
                number: i32::try_from(number).map_err(|_| corrupt("form version"))?,
                name: row.try_get("name")?,
                sha256: row.try_get("sha256")?,
                md5: row.try_get("md5")?,
                content_type: row.try_get("content_type")?,
                size: row.try_get("size")?,
                uploaded_by: UserId(row.try_get("uploaded_by")?),
                uploaded_at: from_ms(row.try_get("uploaded_at")?)?,
            })
        }

        async fn insert_media(
            tx: &mut AuditedTx<'_>,
            m: &FormMedia,
        ) -> Result<()> {
            sqlx::query(&format!(
                "INSERT INTO form_media ({MEDIA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (form_id, number, name) DO UPDATE SET sha256 = excluded.sha256, \
                 md5 = excluded.md5, content_type = excluded.content_type, size = excluded.size, \
                 uploaded_by = excluded.uploaded_by, uploaded_at = excluded.uploaded_at"
            ))
            .bind(m.form_id.0)
            .bind(i64::from(m.number))
            .bind(&m.name)
            .bind(&m.sha256)
            .bind(&m.md5)
            .bind(&m.content_type)
            .bind(m.size)
            .bind(m.uploaded_by.0)
            .bind(ms(m.uploaded_at))
            .execute(&mut **tx)
            .await
            .map_err(map_err)?;
            Ok(())
        }

        fn version_from_row(row: &$Row) -> Result<FormVersion> {
            let number: i64 = row.try_get("number")?;
            let languages: String = row.try_get("languages")?;
            Ok(FormVersion {
                form_id: FormId(row.try_get("form_id")?),
                number: i32::try_from(number).map_err(|_| corrupt("form version"))?,
                version: row.try_get("version")?,
                title: row.try_get("title")?,
                languages: serde_json::from_str(&languages)
                    .map_err(|_| corrupt("form languages"))?,
                xml: row.try_get("xml")?,
                file_name: row.try_get("file_name")?,
                workbook_sha256: row.try_get("workbook_sha256")?,
                published_by: UserId(row.try_get("published_by")?),
                published_at: from_ms(row.try_get("published_at")?)?,
            })
        }

        #[async_trait]
        impl FormStore for $Store {
            async fn publish_form_version(
                &self,
                form: &Form,
                v: &FormVersion,
                media: &[FormMedia],
                audit: &NewAudit,
            ) -> Result<PublishOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                if v.number == 1 {
                    let taken: Option<uuid::Uuid> =
                        sqlx::query_scalar("SELECT id FROM forms WHERE xml_id = $1")
                            .bind(&form.xml_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if taken.is_some() {
                        tx.rollback().await?;
                        return Ok(PublishOutcome::IdTaken);
                    }
                    sqlx::query(&format!(
                        "INSERT INTO forms ({FORM_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
                    ))
                    .bind(form.id.0)
                    .bind(form.owner_agency_id.0)
                    .bind(&form.xml_id)
                    .bind(&v.title)
                    .bind(i64::from(v.number))
                    .bind(form.created_by.0)
                    .bind(ms(form.created_at))
                    .bind(ms(v.published_at))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                } else {
                    let same = sqlx::query(
                        "SELECT number, version, workbook_sha256 FROM form_versions \
                         WHERE form_id = $1 AND (version = $2 OR workbook_sha256 = $3) ORDER BY number",
                    )
                    .bind(form.id.0)
                    .bind(&v.version)
                    .bind(&v.workbook_sha256)
                    .fetch_all(&mut *tx)
                    .await?;
                    let mut found = None;
                    for r in &same {
                        let n: i64 = r.try_get("number")?;
                        let n = i32::try_from(n).map_err(|_| corrupt("form version"))?;
                        let sha: String = r.try_get("workbook_sha256")?;
                        if sha == v.workbook_sha256 {
                            found = Some(PublishOutcome::WorkbookExists(n));
                            break;
                        }
                        found.get_or_insert(PublishOutcome::VersionExists(n));
                    }
                    if let Some(outcome) = found {
                        tx.rollback().await?;
                        return Ok(outcome);
                    }
                    let moved = sqlx::query(
                        "UPDATE forms SET title = $1, current_version = $2, updated_at = $3 \
                         WHERE id = $4 AND current_version = $5",
                    )
                    .bind(&v.title)
                    .bind(i64::from(v.number))
                    .bind(ms(v.published_at))
                    .bind(form.id.0)
                    .bind(i64::from(v.number - 1))
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    if moved.rows_affected() == 0 {
                        tx.rollback().await?;
                        return Ok(PublishOutcome::Stale);
                    }
                }
                sqlx::query(&format!(
                    "INSERT INTO form_versions ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(v.form_id.0)
                .bind(i64::from(v.number))
                .bind(&v.version)
                .bind(&v.title)
                .bind(serde_json::to_string(&v.languages).map_err(|_| corrupt("form languages"))?)
                .bind(&v.xml)
                .bind(&v.file_name)
                .bind(&v.workbook_sha256)
                .bind(v.published_by.0)
                .bind(ms(v.published_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                for m in media {
                    insert_media(&mut tx, m).await?;
                }
                tx.commit().await?;
                Ok(PublishOutcome::Published)
            }

            async fn form_media(&self, form: FormId, number: i32) -> Result<Vec<FormMedia>> {
                let rows = sqlx::query(&format!(
                    "SELECT {MEDIA_COLUMNS} FROM form_media WHERE form_id = $1 AND number = $2 ORDER BY name"
                ))
                .bind(form.0)
                .bind(i64::from(number))
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(media_from_row).collect()
            }

            async fn put_form_media(&self, m: &FormMedia, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                insert_media(&mut tx, m).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn form(&self, id: FormId) -> Result<Option<Form>> {
                let row = sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM forms WHERE id = $1"))
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(form_from_row).transpose()
            }

            async fn form_by_xml_id(&self, xml_id: &str) -> Result<Option<Form>> {
                let row = sqlx::query(&format!("SELECT {FORM_COLUMNS} FROM forms WHERE xml_id = $1"))
                    .bind(xml_id)
                    .fetch_optional(&self.read)
                    .await?;
                row.as_ref().map(form_from_row).transpose()
            }

            async fn forms(&self, owners: &[AgencyId]) -> Result<Vec<Form>> {
                if owners.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {FORM_COLUMNS} FROM forms WHERE owner_agency_id IN ("
                ));
                let mut sep = qb.separated(", ");
                for a in owners {
                    sep.push_bind(a.0);
                }
                qb.push(") ORDER BY title, id");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter().map(form_from_row).collect()
            }

            async fn form_versions(&self, form: FormId) -> Result<Vec<FormVersion>> {
                let rows = sqlx::query(&format!(
                    "SELECT {VERSION_COLUMNS} FROM form_versions WHERE form_id = $1 ORDER BY number DESC"
                ))
                .bind(form.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(version_from_row).collect()
            }

            async fn insert_form_device(&self, d: &FormDevice, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(&format!(
                    "INSERT INTO form_devices ({DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(d.id.0)
                .bind(d.user_id.0)
                .bind(&d.name)
                .bind(&d.token_hash)
                .bind(ms(d.created_at))
                .bind(d.revoked_at.map(ms))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn form_devices(&self, user: UserId) -> Result<Vec<FormDevice>> {
                let rows = sqlx::query(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM form_devices WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
                ))
                .bind(user.0)
                .fetch_all(&self.read)
                .await?;
                rows.iter().map(device_from_row).collect()
            }

            async fn form_device_by_token(&self, token_hash: &str) -> Result<Option<FormDevice>> {
                let row = sqlx::query(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM form_devices WHERE token_hash = $1"
                ))
                .bind(token_hash)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(device_from_row).transpose()
            }

            async fn revoke_form_device(
                &self,
                id: FormDeviceId,
                user: UserId,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE form_devices SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
                )
                .bind(ms(at))
                .bind(id.0)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn form_version(&self, form: FormId, number: i32) -> Result<Option<FormVersion>> {
                let row = sqlx::query(&format!(
                    "SELECT {VERSION_COLUMNS} FROM form_versions WHERE form_id = $1 AND number = $2"
                ))
                .bind(form.0)
                .bind(i64::from(number))
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(version_from_row).transpose()
            }
        }
    };
}

pub(crate) mod sqlite {
    forms_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    forms_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
