//! Accounts in the store: agencies, users and their second factor, sessions and API
//! tokens, administrator settings.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::agency::{Agency, AgencyCode, AgencyKind};
use sinergi_core::audit::NewAudit;
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::user::{Role, User, Username};
use sqlx::Row;
use uuid::Uuid;

use crate::backend::{corrupt, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::Result;

mod sign_in;

pub use sign_in::{PendingSignInRow, SignInStore};

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

/// A user's second factor: the shared secret (base32), when enrolment was confirmed
/// (`None` while pending) and the last step accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct TotpRow {
    pub secret: String,
    pub enabled_at: Option<DateTime<Utc>>,
    pub last_step: i64,
}

const AGENCY_COLUMNS: &str = "id, code, name, kind, parent_id, jurisdiction";
const USER_COLUMNS: &str =
    "id, username, display_name, agency_id, role, active, totp_enabled_at, must_change_password";

/// Agencies, users, their second factor, sessions and settings.
#[async_trait]
pub trait AccountStore: Send + Sync {
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
    /// The user's sealed HA1 for HTTP Digest, if one was made since the password was set.
    async fn digest_ha1(&self, id: UserId) -> Result<Option<String>>;
    /// Keeps the user's sealed HA1, made from the password whose hash is
    /// `password_hash`: nothing is kept when the password changed in between.
    async fn set_digest_ha1(&self, id: UserId, sealed: &str, password_hash: &str) -> Result<()>;
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
    async fn insert_session(&self, s: &SessionRow) -> Result<()>;
    async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>>;
    async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()>;
    async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> Result<()>;
    /// The user's e-mail address for reminders, if they gave one (ADR 28).
    async fn user_email(&self, id: UserId) -> Result<Option<String>>;
    /// The e-mail addresses of those of `ids` who gave one.
    async fn user_emails(&self, ids: &[UserId]) -> Result<Vec<(UserId, String)>>;
    /// Sets or (with `None`) removes the user's e-mail address, audited.
    async fn set_user_email(
        &self,
        id: UserId,
        email: Option<&str>,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// Every reporting line set apart from the agencies' parents: (agency, superior).
    async fn reporting_lines(&self) -> Result<Vec<(AgencyId, AgencyId)>>;
    /// Sets whom `agency` reports to or, with `None`, lets it report to its parent again.
    async fn set_reporting_line(
        &self,
        agency: AgencyId,
        superior: Option<AgencyId>,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<()>;
    async fn setting(&self, key: &str) -> Result<Option<String>>;
    async fn put_setting(
        &self,
        key: &str,
        value: &str,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<()>;
}

macro_rules! accounts_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::{AuditedTx, update_one_audited};

        fn agency_from_row(row: &$Row) -> Result<Agency> {
            let kind: String = row.try_get("kind")?;
            let code: String = row.try_get("code")?;
            let jurisdiction: String = row.try_get("jurisdiction")?;
            let parent: Option<Uuid> = row.try_get("parent_id")?;
            Ok(Agency {
                id: AgencyId(row.try_get("id")?),
                code: AgencyCode::parse(&code).map_err(|_| corrupt("agency code"))?,
                name: row.try_get("name")?,
                kind: AgencyKind::parse(&kind).ok_or_else(|| corrupt("agency kind"))?,
                parent_id: parent.map(AgencyId),
                jurisdiction: serde_json::from_str(&jurisdiction).map_err(|_| corrupt("jurisdiction"))?,
            })
        }

        fn user_from_row(row: &$Row) -> Result<User> {
            let role: String = row.try_get("role")?;
            let username: String = row.try_get("username")?;
            Ok(User {
                id: UserId(row.try_get("id")?),
                username: Username::parse(&username).map_err(|_| corrupt("username"))?,
                display_name: row.try_get("display_name")?,
                agency_id: AgencyId(row.try_get("agency_id")?),
                role: Role::parse(&role).ok_or_else(|| corrupt("role"))?,
                active: row.try_get("active")?,
                totp_enabled: row.try_get::<Option<i64>, _>("totp_enabled_at")?.is_some(),
                must_change_password: row.try_get("must_change_password")?,
            })
        }

        fn session_from_row(row: &$Row) -> Result<SessionRow> {
            let revoked: Option<i64> = row.try_get("revoked_at")?;
            Ok(SessionRow {
                token_hash: row.try_get("token_hash")?,
                user_id: UserId(row.try_get("user_id")?),
                kind: row.try_get("kind")?,
                csrf: row.try_get("csrf")?,
                created_at: from_ms(row.try_get("created_at")?)?,
                expires_at: from_ms(row.try_get("expires_at")?)?,
                revoked_at: revoked.map(from_ms).transpose()?,
            })
        }

        #[async_trait]
        impl AccountStore for $Store {
            async fn insert_agency(&self, row: &AgencyRow, audit: &NewAudit) -> Result<()> {
                let a = &row.agency;
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO agencies (id, code, name, kind, parent_id, jurisdiction, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(a.id.0)
                .bind(a.code.as_str())
                .bind(&a.name)
                .bind(a.kind.as_str())
                .bind(a.parent_id.map(|p| p.0))
                .bind(serde_json::to_string(&a.jurisdiction).unwrap_or_else(|_| "[]".into()))
                .bind(ms(row.created_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn agency(&self, id: AgencyId) -> Result<Option<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(agency_from_row).transpose()
            }

            async fn agency_by_code(&self, code: &str) -> Result<Option<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies WHERE code = $1");
                let row = sqlx::query(&q).bind(code).fetch_optional(&self.read).await?;
                row.as_ref().map(agency_from_row).transpose()
            }

            async fn agencies(&self) -> Result<Vec<Agency>> {
                let q = format!("SELECT {AGENCY_COLUMNS} FROM agencies ORDER BY code");
                let rows = sqlx::query(&q).fetch_all(&self.read).await?;
                rows.iter().map(agency_from_row).collect()
            }

            async fn agency_descendants(&self, id: AgencyId) -> Result<Vec<AgencyId>> {
                let ids: Vec<Uuid> = sqlx::query_scalar(
                    "WITH RECURSIVE d(id) AS (SELECT id FROM agencies WHERE parent_id = $1 \
                     UNION SELECT a.id FROM agencies a JOIN d ON a.parent_id = d.id) SELECT id FROM d",
                )
                .bind(id.0)
                .fetch_all(&self.read)
                .await?;
                Ok(ids.into_iter().map(AgencyId).collect())
            }

            async fn agency_count(&self) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM agencies").fetch_one(&self.read).await?)
            }

            async fn insert_user(&self, row: &NewUserRow, audit: &NewAudit) -> Result<()> {
                let u = &row.user;
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO users (id, username, display_name, agency_id, role, password_hash, active, created_at, must_change_password) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(u.id.0)
                .bind(u.username.as_str())
                .bind(&u.display_name)
                .bind(u.agency_id.0)
                .bind(u.role.as_str())
                .bind(&row.password_hash)
                .bind(u.active)
                .bind(ms(row.created_at))
                .bind(u.must_change_password)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn user(&self, id: UserId) -> Result<Option<User>> {
                let q = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
                let row = sqlx::query(&q).bind(id.0).fetch_optional(&self.read).await?;
                row.as_ref().map(user_from_row).transpose()
            }

            async fn user_credentials(&self, username: &str) -> Result<Option<(User, String)>> {
                let q = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1");
                let row = sqlx::query(&q).bind(username).fetch_optional(&self.read).await?;
                match row {
                    None => Ok(None),
                    Some(row) => Ok(Some((user_from_row(&row)?, row.try_get("password_hash")?))),
                }
            }

            async fn users(&self, agency: Option<AgencyId>) -> Result<Vec<User>> {
                let rows = match agency {
                    Some(a) => {
                        let q = format!("SELECT {USER_COLUMNS} FROM users WHERE agency_id = $1 ORDER BY username");
                        sqlx::query(&q).bind(a.0).fetch_all(&self.read).await?
                    }
                    None => {
                        let q = format!("SELECT {USER_COLUMNS} FROM users ORDER BY username");
                        sqlx::query(&q).fetch_all(&self.read).await?
                    }
                };
                rows.iter().map(user_from_row).collect()
            }

            async fn set_user_active(&self, id: UserId, active: bool, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active).bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn update_user(&self, id: UserId, display_name: &str, role: Role, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET display_name = $1, role = $2 WHERE id = $3")
                    .bind(display_name.to_string())
                    .bind(role.as_str())
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn set_password(&self, id: UserId, hash: &str, must_change: bool, audit: &NewAudit) -> Result<bool> {
                // A new password makes the Digest HA1 of the old one worthless: it goes.
                let update = sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, digest_ha1 = NULL WHERE id = $3")
                    .bind(hash.to_string())
                    .bind(must_change)
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn user_email(&self, id: UserId) -> Result<Option<String>> {
                let v: Option<Option<String>> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(v.flatten())
            }

            async fn user_emails(&self, ids: &[UserId]) -> Result<Vec<(UserId, String)>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = sqlx::QueryBuilder::<$DB>::new("SELECT id, email FROM users WHERE email IS NOT NULL AND id IN (");
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(id.0);
                }
                qb.push(")");
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.iter()
                    .map(|r| Ok((UserId(r.try_get("id")?), r.try_get("email")?)))
                    .collect()
            }

            async fn set_user_email(&self, id: UserId, email: Option<&str>, audit: &NewAudit) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                    .bind(email.map(str::to_string))
                    .bind(id.0);
                update_one_audited(&self.write, update, Some(audit)).await
            }

            async fn reporting_lines(&self) -> Result<Vec<(AgencyId, AgencyId)>> {
                let rows = sqlx::query("SELECT agency_id, superior_id FROM reporting_lines")
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|r| Ok((AgencyId(r.try_get("agency_id")?), AgencyId(r.try_get("superior_id")?))))
                    .collect()
            }

            async fn set_reporting_line(
                &self,
                agency: AgencyId,
                superior: Option<AgencyId>,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                match superior {
                    Some(s) => {
                        sqlx::query(
                            "INSERT INTO reporting_lines (agency_id, superior_id, set_at) VALUES ($1, $2, $3) \
                             ON CONFLICT (agency_id) DO UPDATE SET superior_id = excluded.superior_id, set_at = excluded.set_at",
                        )
                        .bind(agency.0)
                        .bind(s.0)
                        .bind(ms(at))
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    }
                    None => {
                        sqlx::query("DELETE FROM reporting_lines WHERE agency_id = $1")
                            .bind(agency.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            async fn digest_ha1(&self, id: UserId) -> Result<Option<String>> {
                let v: Option<Option<String>> = sqlx::query_scalar("SELECT digest_ha1 FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                Ok(v.flatten())
            }

            async fn set_digest_ha1(&self, id: UserId, sealed: &str, password_hash: &str) -> Result<()> {
                sqlx::query("UPDATE users SET digest_ha1 = $1 WHERE id = $2 AND password_hash = $3")
                    .bind(sealed)
                    .bind(id.0)
                    .bind(password_hash)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn set_password_hash(&self, id: UserId, hash: &str) -> Result<bool> {
                let r = sqlx::query("UPDATE users SET password_hash = $1, digest_ha1 = NULL WHERE id = $2")
                    .bind(hash)
                    .bind(id.0)
                    .execute(&self.write)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn totp(&self, id: UserId) -> Result<Option<TotpRow>> {
                let row = sqlx::query("SELECT totp_secret, totp_enabled_at, totp_last_step FROM users WHERE id = $1")
                    .bind(id.0)
                    .fetch_optional(&self.read)
                    .await?;
                let Some(row) = row else { return Ok(None) };
                let secret: Option<String> = row.try_get("totp_secret")?;
                let enabled: Option<i64> = row.try_get("totp_enabled_at")?;
                Ok(match secret {
                    Some(secret) => Some(TotpRow {
                        secret,
                        enabled_at: enabled.map(from_ms).transpose()?,
                        last_step: row.try_get("totp_last_step")?,
                    }),
                    None => None,
                })
            }

            async fn put_totp(&self, id: UserId, t: Option<&TotpRow>, audit: Option<&NewAudit>) -> Result<bool> {
                let update = sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled_at = $2, totp_last_step = $3 WHERE id = $4")
                    .bind(t.map(|t| t.secret.clone()))
                    .bind(t.and_then(|t| t.enabled_at).map(ms))
                    .bind(t.map(|t| t.last_step).unwrap_or(0))
                    .bind(id.0);
                update_one_audited(&self.write, update, audit).await
            }

            async fn use_totp_step(&self, id: UserId, step: i64) -> Result<bool> {
                let r = sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
                    .bind(step)
                    .bind(id.0)
                    .execute(&self.write)
                    .await?;
                Ok(r.rows_affected() == 1)
            }

            async fn insert_session(&self, s: &SessionRow) -> Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (token_hash, user_id, kind, csrf, created_at, expires_at, revoked_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(&s.token_hash)
                .bind(s.user_id.0)
                .bind(&s.kind)
                .bind(&s.csrf)
                .bind(ms(s.created_at))
                .bind(ms(s.expires_at))
                .bind(s.revoked_at.map(ms))
                .execute(&self.write)
                .await
                .map_err(map_err)?;
                Ok(())
            }

            async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
                let row = sqlx::query(
                    "SELECT token_hash, user_id, kind, csrf, created_at, expires_at, revoked_at FROM sessions WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.read)
                .await?;
                row.as_ref().map(session_from_row).transpose()
            }

            async fn revoke_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(token_hash)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn revoke_user_sessions(&self, user: UserId, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                    .bind(ms(at))
                    .bind(user.0)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn setting(&self, key: &str) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn put_setting(&self, key: &str, value: &str, at: DateTime<Utc>, audit: &NewAudit) -> Result<()> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                sqlx::query(
                    "INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(key)
                .bind(value)
                .bind(ms(at))
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

pub(crate) mod sqlite {
    accounts_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    accounts_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
