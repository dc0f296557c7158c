//! In-app notifications in the store: messages for one user, read or unread.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sinergi_core::ids::{NotificationId, UserId};
use sqlx::Row;

use crate::backend::{corrupt, from_ms, ms, PgStore, SqliteStore};
use crate::Result;

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

/// Each user's notifications.
#[async_trait]
pub trait NotificationStore: Send + Sync {
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
}

macro_rules! notifications_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;

        pub(crate) async fn insert_notification_tx(conn: &mut <$DB as sqlx::Database>::Connection, n: &Notification) -> Result<()> {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, record_type, record_id, detail, created_at, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(n.id.0)
            .bind(n.user_id.0)
            .bind(&n.kind)
            .bind(&n.record_type)
            .bind(&n.record_id)
            .bind(n.detail.to_string())
            .bind(ms(n.created_at))
            .bind(n.read_at.map(ms))
            .execute(&mut *conn)
            .await?;
            Ok(())
        }

        #[async_trait]
        impl NotificationStore for $Store {
            async fn notifications(&self, user: UserId, unread_only: bool, limit: u32) -> Result<Vec<Notification>> {
                let q = if unread_only {
                    "SELECT id, user_id, kind, record_type, record_id, detail, created_at, read_at FROM notifications \
                     WHERE user_id = $1 AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2"
                } else {
                    "SELECT id, user_id, kind, record_type, record_id, detail, created_at, read_at FROM notifications \
                     WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
                };
                let rows = sqlx::query(q)
                    .bind(user.0)
                    .bind(limit as i64)
                    .fetch_all(&self.read)
                    .await?;
                rows.iter()
                    .map(|row| {
                        let detail: String = row.try_get("detail")?;
                        let read: Option<i64> = row.try_get("read_at")?;
                        Ok(Notification {
                            id: NotificationId(row.try_get("id")?),
                            user_id: UserId(row.try_get("user_id")?),
                            kind: row.try_get("kind")?,
                            record_type: row.try_get("record_type")?,
                            record_id: row.try_get("record_id")?,
                            detail: serde_json::from_str(&detail).map_err(|_| corrupt("notification detail"))?,
                            created_at: from_ms(row.try_get("created_at")?)?,
                            read_at: read.map(from_ms).transpose()?,
                        })
                    })
                    .collect()
            }

            async fn unread_notifications(&self, user: UserId) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                    .bind(user.0)
                    .fetch_one(&self.read)
                    .await?)
            }

            async fn mark_notifications_read(&self, user: UserId, id: Option<NotificationId>, at: DateTime<Utc>) -> Result<u64> {
                let r = match id {
                    Some(id) => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
                        .bind(ms(at))
                        .bind(user.0)
                        .bind(id.0)
                        .execute(&self.write)
                        .await?,
                    None => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                        .bind(ms(at))
                        .bind(user.0)
                        .execute(&self.write)
                        .await?,
                };
                Ok(r.rows_affected())
            }
        }
    };
}

pub(crate) mod sqlite {
    notifications_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    notifications_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
