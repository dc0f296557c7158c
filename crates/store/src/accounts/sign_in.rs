//! Sign-in state in the store, so that every server on one database sees the same: the
//! rate-limit buckets of the sign-in gate, failed sign-ins per user name and address (the
//! lock-out), and password-checked sign-ins waiting for their second-factor code. The
//! limits themselves (burst, refill, window) are the caller's.

use super::*;

/// A sign-in whose password was right, waiting for the code. `token_hash` is the SHA-256
/// of the continuation token the client holds.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingSignInRow {
    pub token_hash: String,
    pub user_id: UserId,
    /// The kind of session it will issue (`browser`, `api`, `api_read`).
    pub kind: String,
    pub lifetime_hours: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// Buckets that have been full this long carry no information and are removed.
const IDLE_BUCKET_MS: i64 = 3_600_000;

/// Tries a bucket update this many times when another server changed it in between.
const BUCKET_RETRIES: usize = 8;

#[async_trait]
pub trait SignInStore: Send + Sync {
    /// Takes one attempt from the token bucket `key` (`burst` attempts, refilled at
    /// `per_second`) at `now`: `Ok(())`, or the seconds until an attempt is there. A
    /// refused attempt writes nothing.
    async fn take_sign_in_attempt(
        &self,
        key: &str,
        burst: f64,
        per_second: f64,
        now: DateTime<Utc>,
    ) -> Result<Result<(), u64>>;
    /// Gives one attempt back to the bucket `key` (a sign-in that succeeded), up to `burst`.
    async fn refund_sign_in_attempt(&self, key: &str, burst: f64) -> Result<()>;
    /// The seconds `key` (user name and address) stays locked out: `max` failures within
    /// `window` of the first one; `None` when it is not.
    async fn sign_in_lockout(
        &self,
        key: &str,
        max: u32,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<u64>>;
    /// Counts a failed sign-in for `key`; the count starts again once `window` has passed
    /// since its first failure.
    async fn record_sign_in_failure(
        &self,
        key: &str,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// Forgets the failures of `key` (it signed in).
    async fn clear_sign_in_failures(&self, key: &str) -> Result<()>;
    /// Stores a pending sign-in, removing those that expired before `now`.
    async fn insert_pending_sign_in(&self, p: &PendingSignInRow, now: DateTime<Utc>) -> Result<()>;
    /// The pending sign-in of this token hash, unless it expired.
    async fn pending_sign_in(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<PendingSignInRow>>;
    async fn remove_pending_sign_in(&self, token_hash: &str) -> Result<()>;
}

/// The bucket after refilling from `at` to `now` (never above `burst`).
fn refilled(tokens: f64, at_ms: i64, burst: f64, per_second: f64, now_ms: i64) -> f64 {
    let elapsed = (now_ms - at_ms).max(0) as f64 / 1000.0;
    (tokens + elapsed * per_second).min(burst)
}

macro_rules! sign_in_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;

        #[async_trait]
        impl SignInStore for $Store {
            async fn take_sign_in_attempt(
                &self,
                key: &str,
                burst: f64,
                per_second: f64,
                now: DateTime<Utc>,
            ) -> Result<Result<(), u64>> {
                let now_ms = ms(now);
                for _ in 0..BUCKET_RETRIES {
                    let row: Option<(f64, i64)> =
                        sqlx::query_as("SELECT tokens, at FROM sign_in_buckets WHERE key = $1")
                            .bind(key)
                            .fetch_optional(&self.write)
                            .await?;
                    let written = match row {
                        None => {
                            sqlx::query("DELETE FROM sign_in_buckets WHERE at < $1")
                                .bind(now_ms - IDLE_BUCKET_MS)
                                .execute(&self.write)
                                .await?;
                            sqlx::query(
                                "INSERT INTO sign_in_buckets (key, tokens, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
                            )
                            .bind(key)
                            .bind(burst - 1.0)
                            .bind(now_ms)
                            .execute(&self.write)
                            .await?
                        }
                        Some((tokens, at)) => {
                            let have = refilled(tokens, at, burst, per_second, now_ms);
                            if have < 1.0 {
                                return Ok(Err(((1.0 - have) / per_second).ceil().max(1.0) as u64));
                            }
                            // Written only if no other server changed the bucket since it
                            // was read; otherwise read again.
                            sqlx::query(
                                "UPDATE sign_in_buckets SET tokens = $1, at = $2 WHERE key = $3 AND tokens = $4 AND at = $5",
                            )
                            .bind(have - 1.0)
                            .bind(now_ms.max(at))
                            .bind(key)
                            .bind(tokens)
                            .bind(at)
                            .execute(&self.write)
                            .await?
                        }
                    };
                    if written.rows_affected() == 1 {
                        return Ok(Ok(()));
                    }
                }
                Ok(Err(1))
            }

            async fn refund_sign_in_attempt(&self, key: &str, burst: f64) -> Result<()> {
                sqlx::query(
                    "UPDATE sign_in_buckets SET tokens = CASE WHEN tokens + 1 > $1 THEN $1 ELSE tokens + 1 END WHERE key = $2",
                )
                .bind(burst)
                .bind(key)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn sign_in_lockout(
                &self,
                key: &str,
                max: u32,
                window: chrono::Duration,
                now: DateTime<Utc>,
            ) -> Result<Option<u64>> {
                let row: Option<(i64, i64)> =
                    sqlx::query_as("SELECT failures, first_at FROM sign_in_failures WHERE key = $1")
                        .bind(key)
                        .fetch_optional(&self.write)
                        .await?;
                let Some((n, first)) = row else { return Ok(None) };
                let until = from_ms(first)? + window;
                Ok((n >= i64::from(max) && now < until).then(|| (until - now).num_seconds().max(1) as u64))
            }

            async fn record_sign_in_failure(
                &self,
                key: &str,
                window: chrono::Duration,
                now: DateTime<Utc>,
            ) -> Result<()> {
                let window_ms = window.num_milliseconds();
                let mut tx = self.write.begin().await?;
                sqlx::query(
                    "INSERT INTO sign_in_failures (key, failures, first_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (key) DO UPDATE SET \
                     failures = CASE WHEN excluded.first_at >= sign_in_failures.first_at + $3 THEN 1 ELSE sign_in_failures.failures + 1 END, \
                     first_at = CASE WHEN excluded.first_at >= sign_in_failures.first_at + $3 THEN excluded.first_at ELSE sign_in_failures.first_at END",
                )
                .bind(key)
                .bind(ms(now))
                .bind(window_ms)
                .execute(&mut *tx)
                .await?;
                // Keep the table small under a spray of random names.
                sqlx::query("DELETE FROM sign_in_failures WHERE first_at < $1")
                    .bind(ms(now) - window_ms)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
                sqlx::query("DELETE FROM sign_in_failures WHERE key = $1")
                    .bind(key)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn insert_pending_sign_in(&self, p: &PendingSignInRow, now: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query("DELETE FROM pending_sign_ins WHERE expires_at <= $1")
                    .bind(ms(now))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO pending_sign_ins (token_hash, user_id, kind, lifetime_hours, expires_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&p.token_hash)
                .bind(p.user_id.0)
                .bind(&p.kind)
                .bind(p.lifetime_hours)
                .bind(ms(p.expires_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                tx.commit().await?;
                Ok(())
            }

            async fn pending_sign_in(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<PendingSignInRow>> {
                let row = sqlx::query(
                    "SELECT token_hash, user_id, kind, lifetime_hours, expires_at FROM pending_sign_ins \
                     WHERE token_hash = $1 AND expires_at > $2",
                )
                .bind(token_hash)
                .bind(ms(now))
                .fetch_optional(&self.write)
                .await?;
                let Some(row) = row else { return Ok(None) };
                Ok(Some(PendingSignInRow {
                    token_hash: row.try_get("token_hash")?,
                    user_id: UserId(row.try_get("user_id")?),
                    kind: row.try_get("kind")?,
                    lifetime_hours: row.try_get("lifetime_hours")?,
                    expires_at: from_ms(row.try_get("expires_at")?)?,
                }))
            }

            async fn remove_pending_sign_in(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM pending_sign_ins WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }
        }
    };
}

pub(crate) mod sqlite {
    sign_in_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    sign_in_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
