//! Signing in and sessions. Passwords are hashed with Argon2id. Sign-in costs one hash
//! verification whether or not the user exists, so timing does not reveal user names; a
//! user name with too many recent failures is refused for a while. Sessions (browser
//! cookies) and API tokens are random 256-bit secrets of which only the SHA-256 is stored.
//!
//! This module must never log or return a password, a hash or a token other than the one
//! it has just issued to its owner.

use std::collections::HashMap;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sinergi_core::access::Actor;
use sinergi_core::audit::{Action, NewAudit};
use sinergi_core::user::User;
use sinergi_store::SessionRow;

use crate::{App, AppError, AppResult};

/// Failures allowed per user name within [`WINDOW_MINUTES`] before sign-in is refused.
pub const MAX_FAILURES: u32 = 5;
pub const WINDOW_MINUTES: i64 = 15;

pub fn hash_password(p: &str) -> AppResult<String> {
    let salt = SaltString::generate(&mut rand::thread_rng());
    Argon2::default()
        .hash_password(p.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string().into()))
}

fn verify_password(p: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| Argon2::default().verify_password(p.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Recent failures per user name.
#[derive(Default)]
pub struct Throttle {
    failures: HashMap<String, (u32, DateTime<Utc>)>,
}

impl Throttle {
    fn blocked_for(&self, key: &str, now: DateTime<Utc>) -> Option<u64> {
        let (n, first) = self.failures.get(key)?;
        let until = *first + Duration::minutes(WINDOW_MINUTES);
        (*n >= MAX_FAILURES && now < until).then(|| (until - now).num_seconds().max(1) as u64)
    }

    fn fail(&mut self, key: &str, now: DateTime<Utc>) {
        let e = self.failures.entry(key.to_string()).or_insert((0, now));
        if now >= e.1 + Duration::minutes(WINDOW_MINUTES) {
            *e = (0, now);
        }
        e.0 += 1;
        // Keep the map bounded under a spray of random names.
        if self.failures.len() > 100_000 {
            self.failures
                .retain(|_, (_, first)| now < *first + Duration::minutes(WINDOW_MINUTES));
        }
    }

    fn clear(&mut self, key: &str) {
        self.failures.remove(key);
    }
}

/// What a successful sign-in hands out.
#[derive(Debug, Clone)]
pub struct Issued {
    pub token: String,
    pub csrf: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// `browser` sessions live in a cookie and need a CSRF token on forms; `api` tokens are
/// sent as `Authorization: Bearer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    Browser,
    /// A token that may read and change.
    Api,
    /// A token that may only read (GET); for dashboards and partner systems that pull.
    ApiRead,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
            SessionKind::ApiRead => "api_read",
        }
    }
}

impl App {
    /// Checks a user name and password and issues a session or token.
    pub async fn sign_in(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
    ) -> AppResult<Issued> {
        self.sign_in_for(username, password, kind, None).await
    }

    /// As [`App::sign_in`], with a shorter lifetime for an API token (capped at the
    /// configured maximum).
    pub async fn sign_in_for(
        &self,
        username: &str,
        password: &str,
        kind: SessionKind,
        lifetime_hours: Option<i64>,
    ) -> AppResult<Issued> {
        let key = username.trim().to_lowercase();
        let now = self.now();
        let blocked = self
            .throttle
            .lock()
            .map(|t| t.blocked_for(&key, now))
            .unwrap_or(None);
        if let Some(retry_after_s) = blocked {
            return Err(AppError::TooManyRequests { retry_after_s });
        }
        let found = self.store.user_credentials(&key).await?;
        let password = password.to_string();
        let hash = found
            .as_ref()
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| self.dummy_hash.clone());
        // Hashing is CPU-heavy; keep it off the async workers.
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        let user = match found {
            Some((user, _)) if ok && user.active => user,
            found => {
                if let Ok(mut t) = self.throttle.lock() {
                    t.fail(&key, now);
                }
                // The attempt is recorded under the agency of the account it named, if
                // any, so that agency's administrators see attacks on their users.
                let agency_id = found.as_ref().map(|(u, _)| u.agency_id);
                self.store
                    .append_audit(&NewAudit {
                        at: now,
                        actor_id: None,
                        actor: key.chars().take(64).collect(),
                        agency_id,
                        action: Action::SignInFailed,
                        record_type: Some("user".into()),
                        record_id: Some(key.chars().take(64).collect()),
                        detail: serde_json::json!({"via": kind.as_str()}),
                    })
                    .await?;
                return Err(AppError::Unauthenticated);
            }
        };
        let actor = self.actor_for(&user).await?;
        self.store
            .append_audit(&self.audit(
                Some(&actor),
                Action::SignIn,
                "user",
                user.username.as_str(),
                serde_json::json!({"via": kind.as_str()}),
            ))
            .await?;
        if let Ok(mut t) = self.throttle.lock() {
            t.clear(&key);
        }
        self.issue(user, kind, lifetime_hours).await
    }

    async fn issue(
        &self,
        user: User,
        kind: SessionKind,
        lifetime_hours: Option<i64>,
    ) -> AppResult<Issued> {
        let now = self.now();
        let hours = match kind {
            SessionKind::Browser => self.config.session_hours,
            SessionKind::Api | SessionKind::ApiRead => self.config.token_hours,
        };
        let hours = lifetime_hours
            .map(|h| h.clamp(1, self.config.token_hours))
            .unwrap_or(hours);
        let token = random_token();
        let csrf = random_token();
        let expires_at = now + Duration::hours(hours);
        self.store
            .insert_session(&SessionRow {
                token_hash: token_hash(&token),
                user_id: user.id,
                kind: kind.as_str().into(),
                csrf: csrf.clone(),
                created_at: now,
                expires_at,
                revoked_at: None,
            })
            .await?;
        Ok(Issued {
            token,
            csrf,
            expires_at,
            user,
        })
    }

    /// Resolves a presented token to its user, actor and session. Expired, revoked and
    /// unknown tokens, and deactivated users, are all simply unauthenticated.
    pub async fn authenticate(&self, token: &str) -> AppResult<(User, Actor, SessionRow)> {
        let session = self
            .store
            .session(&token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if session.revoked_at.is_some() || session.expires_at <= self.now() {
            return Err(AppError::Unauthenticated);
        }
        let user = self
            .store
            .user(session.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if !user.active {
            return Err(AppError::Unauthenticated);
        }
        let actor = self.actor_for(&user).await?;
        Ok((user, actor, session))
    }

    /// Ends every session and token of a user: their own choice ("sign out everywhere"),
    /// or their administrator's.
    pub async fn revoke_sessions(&self, actor: &Actor, username: &str) -> AppResult<()> {
        let (user, _) = self
            .store
            .user_credentials(username)
            .await?
            .ok_or(AppError::NotFound)?;
        let own = user.id == actor.user_id;
        if !own && !sinergi_core::access::can_manage_user(actor, user.agency_id, user.role) {
            return Err(AppError::NotFound);
        }
        self.store.revoke_user_sessions(user.id, self.now()).await?;
        self.store
            .append_audit(&self.audit(
                Some(actor),
                Action::SessionsRevoke,
                "user",
                user.username.as_str(),
                serde_json::json!({}),
            ))
            .await?;
        Ok(())
    }

    pub async fn sign_out(&self, token: &str) -> AppResult<()> {
        self.store
            .revoke_session(&token_hash(token), self.now())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_blocks_after_repeated_failures_and_forgets_later() {
        let mut t = Throttle::default();
        let now = DateTime::from_timestamp(1_700_000_000, 0).expect("ts");
        for _ in 0..MAX_FAILURES {
            assert!(t.blocked_for("ana", now).is_none());
            t.fail("ana", now);
        }
        assert!(t.blocked_for("ana", now).is_some());
        assert!(t.blocked_for("budi", now).is_none());
        assert!(t
            .blocked_for("ana", now + Duration::minutes(WINDOW_MINUTES))
            .is_none());
        t.clear("ana");
        assert!(t.blocked_for("ana", now).is_none());
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
