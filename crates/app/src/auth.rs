//! Signing in and sessions. Passwords are hashed with Argon2id. Sign-in costs one hash
//! verification whether or not the user exists, so timing does not reveal user names; a
//! user name with too many recent failures from one address is refused for a while.
//! The limits and the lock-outs, and sign-ins waiting for their second factor, are kept in
//! the store so that every server on one database shares them; a copy of the gate's
//! buckets in memory answers a flood from one server without touching the database (ADR 10). Sessions (browser
//! cookies) and API tokens are random 256-bit secrets of which only the SHA-256 is stored.
//!
//! This module must never log or return a password, a hash or a token other than the one
//! it has just issued to its owner.

use std::collections::HashMap;
use std::net::IpAddr;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sinergi_core::access::Actor;
use sinergi_core::audit::{Action, NewAudit};
use sinergi_core::totp::TotpSecret;
use sinergi_core::user::{Role, User};
use sinergi_core::ValidationErrors;
use sinergi_store::{PendingSignInRow, SessionRow, TotpRow};

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

pub(crate) fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// Sign-in attempts one client address may make: a burst of this many, then one more
/// every [`ADDRESS_REFILL_SECONDS`] (ten a minute).
pub const ADDRESS_BURST: f64 = 10.0;
pub const ADDRESS_REFILL_SECONDS: f64 = 6.0;
/// Sign-in attempts the whole server takes: a burst of this many, then this many a second.
pub const GLOBAL_BURST: f64 = 60.0;
pub const GLOBAL_PER_SECOND: f64 = 20.0;
/// Password hashes checked at once; more callers wait (Argon2id takes about 19 MiB and a
/// core for a fraction of a second each).
pub const CONCURRENT_PASSWORD_CHECKS: usize = 4;

/// A token bucket: `burst` attempts, refilled at `per_second`.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: DateTime<Utc>,
}

impl Bucket {
    /// Takes one token, or says in how many seconds one will be there.
    fn take(&mut self, burst: f64, per_second: f64, now: DateTime<Utc>) -> Result<(), u64> {
        let elapsed = (now - self.at).num_milliseconds().max(0) as f64 / 1000.0;
        self.tokens = (self.tokens + elapsed * per_second).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - self.tokens) / per_second).ceil().max(1.0) as u64)
        }
    }
}

/// Rate limits on sign-in attempts, checked before any password is hashed or anything is
/// written: per client address and for the whole service. Answered with 429 and
/// `Retry-After`. This is the server's own copy, consulted first: what it refuses costs no
/// database access. What it admits is then taken from the shared buckets in the store
/// ([`sinergi_store::SignInStore`]), so several servers together keep the same limits.
pub struct SignInGate {
    per_address: HashMap<Option<IpAddr>, Bucket>,
    global: Bucket,
}

impl SignInGate {
    pub fn new(now: DateTime<Utc>) -> SignInGate {
        SignInGate {
            per_address: HashMap::new(),
            global: Bucket {
                tokens: GLOBAL_BURST,
                at: now,
            },
        }
    }

    /// Gives back the attempt of a sign-in that succeeded: the limits count failures, so
    /// that many colleagues behind one address (an office, a mobile carrier's NAT) can
    /// all sign in, while a guesser is slowed to the refill rate.
    fn refund(&mut self, from: Option<IpAddr>) {
        if let Some(b) = self.per_address.get_mut(&from) {
            b.tokens = (b.tokens + 1.0).min(ADDRESS_BURST);
        }
        self.global.tokens = (self.global.tokens + 1.0).min(GLOBAL_BURST);
    }

    fn admit(&mut self, from: Option<IpAddr>, now: DateTime<Utc>) -> Result<(), u64> {
        if self.per_address.len() > 100_000 {
            // Keep the map bounded: a full bucket carries no information.
            self.per_address.retain(|_, b| {
                let elapsed = (now - b.at).num_seconds() as f64;
                b.tokens + elapsed / ADDRESS_REFILL_SECONDS < ADDRESS_BURST
            });
        }
        let bucket = self.per_address.entry(from).or_insert(Bucket {
            tokens: ADDRESS_BURST,
            at: now,
        });
        bucket.take(ADDRESS_BURST, 1.0 / ADDRESS_REFILL_SECONDS, now)?;
        self.global.take(GLOBAL_BURST, GLOBAL_PER_SECOND, now)
    }
}

/// The store's bucket of one client address.
fn address_bucket(from: Option<IpAddr>) -> String {
    match from {
        Some(a) => format!("address|{a}"),
        None => "address|-".to_string(),
    }
}

/// The store's bucket of the whole service.
const GLOBAL_BUCKET: &str = "*";

/// The lock-out key: the user name together with the client address, so that wrong
/// passwords typed from one address never lock the account out for its owner elsewhere.
fn lockout_key(username: &str, from: Option<IpAddr>) -> String {
    match from {
        Some(a) => format!("{username}|{a}"),
        None => format!("{username}|-"),
    }
}

/// How long a password-checked sign-in waits for its second-factor code.
pub const PENDING_MINUTES: i64 = 5;

/// Whether an account must have a second factor before it may do anything: system
/// administrators, who can change every agency's settings and users.
pub fn second_factor_mandatory(role: Role) -> bool {
    role.may(sinergi_core::permission::Action::AdministerAgenciesEverywhere)
}

/// The state of a user's second factor, for their security page.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SecondFactorStatus {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// An enrolment was started and awaits its first code.
    pub pending: bool,
    pub mandatory: bool,
}

/// A started enrolment: what the authenticator app needs.
#[derive(Debug, Clone)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
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

    fn parse(s: &str) -> Option<SessionKind> {
        match s {
            "browser" => Some(SessionKind::Browser),
            "api" => Some(SessionKind::Api),
            "api_read" => Some(SessionKind::ApiRead),
            _ => None,
        }
    }
}

impl App {
    /// Checks a user name and password and issues a session or token.
    ///
    /// An account with a second factor also needs `code`; without one the answer is
    /// [`AppError::SecondFactorRequired`] carrying a continuation for
    /// [`App::complete_sign_in`].
    pub async fn sign_in(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
        code: Option<&str>,
        kind: SessionKind,
    ) -> AppResult<Issued> {
        self.sign_in_for(from, username, password, code, kind, None)
            .await
    }

    /// As [`App::sign_in`], with a shorter lifetime for an API token (capped at the
    /// configured maximum).
    pub async fn sign_in_for(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
        code: Option<&str>,
        kind: SessionKind,
        lifetime_hours: Option<i64>,
    ) -> AppResult<Issued> {
        let (user, lock_key) = self
            .check_password(from, username, password, kind.as_str())
            .await?;
        if user.totp_enabled {
            match code.map(str::trim).filter(|c| !c.is_empty()) {
                None => {
                    let pending = random_token();
                    let now = self.now();
                    self.store
                        .insert_pending_sign_in(
                            &PendingSignInRow {
                                token_hash: token_hash(&pending),
                                user_id: user.id,
                                kind: kind.as_str().to_string(),
                                lifetime_hours,
                                expires_at: now + Duration::minutes(PENDING_MINUTES),
                            },
                            now,
                        )
                        .await?;
                    self.refund_sign_in(from).await?;
                    return Err(AppError::SecondFactorRequired { pending });
                }
                Some(code) => {
                    if !self.check_code(&user, code).await? {
                        return Err(self.second_factor_failed(&user, &lock_key, kind).await);
                    }
                }
            }
        }
        self.finish_sign_in(from, user, &lock_key, kind, lifetime_hours)
            .await
    }

    /// The user a name and password sign in as, for ODK Collect's HTTP Basic sign-in on
    /// each request (no session is made): the same rate limits, lock-out and audit of
    /// failures as a sign-in. An account with a second factor cannot sign in this way
    /// (Collect cannot ask for a code): it links a device instead.
    pub async fn actor_for_password(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
    ) -> AppResult<Actor> {
        let (user, _) = self
            .check_password(from, username, password, "openrosa")
            .await?;
        self.refund_sign_in(from).await?;
        if user.totp_enabled {
            return Err(AppError::Forbidden(
                "this account has a second factor: link the device with a QR code instead".into(),
            ));
        }
        self.actor_for(&user).await
    }

    /// Checks a user name and password after the rate limits and lock-out; a failure is
    /// recorded and audited (with `via`). Answers the user and the lock-out key.
    async fn check_password(
        &self,
        from: Option<IpAddr>,
        username: &str,
        password: &str,
        via: &str,
    ) -> AppResult<(User, String)> {
        let key = username.trim().to_lowercase();
        let now = self.now();
        let lock_key = lockout_key(&key, from);
        self.admit_sign_in(from, &lock_key, now).await?;
        let found = self.store.user_credentials(&key).await?;
        let hash = found
            .as_ref()
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| self.dummy_hash.clone());
        let ok = self.password_matches(password, hash).await?;
        let (user, hash) = match found {
            Some((user, hash)) if ok && user.active => (user, hash),
            found => {
                let agency = found.as_ref().map(|(u, _)| u.agency_id);
                self.sign_in_failed(from, &key, &lock_key, agency, via, now)
                    .await?;
                return Err(AppError::Unauthenticated);
            }
        };
        self.remember_digest(&user, password, &hash).await;
        Ok((user, lock_key))
    }

    /// Records a failed sign-in against the lock-out and in the audit log, under the
    /// agency of the account it named, if any, so that agency's administrators see
    /// attacks on their users.
    async fn sign_in_failed(
        &self,
        from: Option<IpAddr>,
        key: &str,
        lock_key: &str,
        agency_id: Option<sinergi_core::ids::AgencyId>,
        via: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        self.store
            .record_sign_in_failure(lock_key, Duration::minutes(WINDOW_MINUTES), now)
            .await?;
        self.store
            .append_audit(&NewAudit {
                at: now,
                actor_id: None,
                actor: key.chars().take(64).collect(),
                agency_id,
                action: Action::SignInFailed,
                record_type: Some("user".into()),
                record_id: Some(key.chars().take(64).collect()),
                detail: serde_json::json!({
                    "via": via,
                    "address": from.map(|a| a.to_string()),
                }),
            })
            .await?;
        Ok(())
    }

    /// The key HTTP Digest's HA1s are sealed and its nonces signed with: derived from the
    /// audit signing key, which every server sharing the database shares and which is
    /// kept out of the database and its backups.
    pub fn digest_key(&self) -> AppResult<[u8; 32]> {
        Ok(self.audit_key()?.derive("sinergi/openrosa-digest/v1"))
    }

    /// Keeps the user's Digest HA1 made from the password just checked (whose Argon2 hash
    /// is `hash`: kept only while it is still the user's), unless the one kept is already
    /// it (ADR 34). A failure (the key file cannot be read) is logged and does not stop
    /// the sign-in: only Digest waits for the next one.
    pub(crate) async fn remember_digest(&self, user: &User, password: &str, hash: &str) {
        if let Err(e) = self.keep_digest(user, password, hash).await {
            tracing::warn!(error = %e, user = %user.username.as_str(), "could not keep the Digest HA1");
        }
    }

    async fn keep_digest(&self, user: &User, password: &str, hash: &str) -> AppResult<()> {
        use sinergi_core::digest;
        let key = self.digest_key()?;
        let ha1 = digest::ha1(user.username.as_str(), password);
        let kept = self.store.digest_ha1(user.id).await?;
        if kept
            .and_then(|k| digest::open_ha1(&key, user.id.0, &k))
            .as_deref()
            == Some(ha1.as_str())
        {
            return Ok(());
        }
        let mut random = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut random);
        let sealed = digest::seal_ha1(&key, user.id.0, &ha1, random);
        self.store.set_digest_ha1(user.id, &sealed, hash).await?;
        Ok(())
    }

    /// The user HTTP Digest credentials sign in as (ODK Collect over http, ADR 34), after
    /// the same rate limits and lock-out as a password: the response must be the one the
    /// user's kept HA1 gives for this `method` and the credentials' nonce and URI (the
    /// caller checked the nonce is Sinergi's and fresh, and the URI the request's). A user
    /// with no HA1 kept yet (not signed in with the password since Digest came) fails
    /// like a wrong password.
    pub async fn actor_for_digest(
        &self,
        from: Option<IpAddr>,
        c: &sinergi_core::digest::Credentials,
        method: &str,
    ) -> AppResult<Actor> {
        use sinergi_core::digest;
        let key = c.username.trim().to_lowercase();
        let now = self.now();
        let lock_key = lockout_key(&key, from);
        self.admit_sign_in(from, &lock_key, now).await?;
        let found = self.store.user_credentials(&key).await?;
        let secret = self.digest_key()?;
        let mut ok = false;
        if let Some((u, _)) = found.as_ref().filter(|(u, _)| u.active) {
            if let Some(ha1) = self
                .store
                .digest_ha1(u.id)
                .await?
                .and_then(|k| digest::open_ha1(&secret, u.id.0, &k))
            {
                ok = digest::same(&digest::expected_response(&ha1, method, c), &c.response);
            }
        }
        let user = match found {
            Some((user, _)) if ok => user,
            found => {
                let agency = found.as_ref().map(|(u, _)| u.agency_id);
                self.sign_in_failed(from, &key, &lock_key, agency, "openrosa-digest", now)
                    .await?;
                return Err(AppError::Unauthenticated);
            }
        };
        self.refund_sign_in(from).await?;
        if user.totp_enabled {
            return Err(AppError::Forbidden(
                "this account has a second factor: link the device with a QR code instead".into(),
            ));
        }
        if user.must_change_password {
            return Err(AppError::Forbidden(
                "choose your own password in Sinergi first, then sign in with it here".into(),
            ));
        }
        self.actor_for(&user).await
    }

    /// Checks a password against its Argon2id hash: at most
    /// [`CONCURRENT_PASSWORD_CHECKS`] at once (the rate limits keep the queue short), off
    /// the async workers since hashing is CPU-heavy.
    async fn password_matches(&self, password: &str, hash: String) -> AppResult<bool> {
        let _permit = self
            .password_checks
            .acquire()
            .await
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        let password = password.to_string();
        tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| AppError::Internal(Box::new(e)))
    }

    /// The checks before a password is looked at: the address's and the service's rate
    /// limits (this server's copy first, then the shared buckets), then this user name's
    /// lock-out from this address.
    async fn admit_sign_in(
        &self,
        from: Option<IpAddr>,
        lock_key: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let too_many = |retry_after_s| AppError::TooManyRequests { retry_after_s };
        if let Ok(mut gate) = self.sign_in_gate.lock() {
            gate.admit(from, now).map_err(too_many)?;
        }
        self.store
            .take_sign_in_attempt(
                &address_bucket(from),
                ADDRESS_BURST,
                1.0 / ADDRESS_REFILL_SECONDS,
                now,
            )
            .await?
            .map_err(too_many)?;
        self.store
            .take_sign_in_attempt(GLOBAL_BUCKET, GLOBAL_BURST, GLOBAL_PER_SECOND, now)
            .await?
            .map_err(too_many)?;
        let blocked = self
            .store
            .sign_in_lockout(
                lock_key,
                MAX_FAILURES,
                Duration::minutes(WINDOW_MINUTES),
                now,
            )
            .await?;
        match blocked {
            Some(retry_after_s) => Err(AppError::TooManyRequests { retry_after_s }),
            None => Ok(()),
        }
    }

    /// Gives back the attempt of a sign-in that succeeded, here and in the store.
    async fn refund_sign_in(&self, from: Option<IpAddr>) -> AppResult<()> {
        if let Ok(mut gate) = self.sign_in_gate.lock() {
            gate.refund(from);
        }
        self.store
            .refund_sign_in_attempt(&address_bucket(from), ADDRESS_BURST)
            .await?;
        self.store
            .refund_sign_in_attempt(GLOBAL_BUCKET, GLOBAL_BURST)
            .await?;
        Ok(())
    }

    /// Continues a sign-in whose password was right with the code from the
    /// authenticator app. A wrong code counts as a failed sign-in; the continuation stays
    /// usable until it expires, so a mistyped code can be typed again.
    pub async fn complete_sign_in(
        &self,
        from: Option<IpAddr>,
        pending: &str,
        code: &str,
    ) -> AppResult<Issued> {
        let now = self.now();
        let waiting = self
            .store
            .pending_sign_in(&token_hash(pending), now)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let (user_id, lifetime) = (waiting.user_id, waiting.lifetime_hours);
        let kind = SessionKind::parse(&waiting.kind)
            .ok_or_else(|| AppError::Internal("stored pending sign-in kind".into()))?;
        let user = self
            .store
            .user(user_id)
            .await?
            .filter(|u| u.active)
            .ok_or(AppError::Unauthenticated)?;
        let key = lockout_key(user.username.as_str(), from);
        self.admit_sign_in(from, &key, now).await?;
        if !self.check_code(&user, code).await? {
            return Err(self.second_factor_failed(&user, &key, kind).await);
        }
        self.store
            .remove_pending_sign_in(&token_hash(pending))
            .await?;
        self.finish_sign_in(from, user, &key, kind, lifetime).await
    }

    /// True when `code` is the user's current code and had not been used yet (the step is
    /// then marked used).
    async fn check_code(&self, user: &User, code: &str) -> AppResult<bool> {
        let Some(row) = self.store.totp(user.id).await? else {
            return Ok(false);
        };
        if row.enabled_at.is_none() {
            return Ok(false);
        }
        let secret = TotpSecret::parse_base32(&row.secret)
            .map_err(|e| AppError::Internal(format!("stored TOTP secret: {e}").into()))?;
        match secret.verify(code, self.now().timestamp(), row.last_step) {
            Some(step) => Ok(self.store.use_totp_step(user.id, step).await?),
            None => Ok(false),
        }
    }

    async fn second_factor_failed(&self, user: &User, key: &str, kind: SessionKind) -> AppError {
        let now = self.now();
        if let Err(e) = self
            .store
            .record_sign_in_failure(key, Duration::minutes(WINDOW_MINUTES), now)
            .await
        {
            return e.into();
        }
        let logged = self
            .store
            .append_audit(&NewAudit {
                at: now,
                actor_id: None,
                actor: user.username.as_str().to_string(),
                agency_id: Some(user.agency_id),
                action: Action::SignInFailed,
                record_type: Some("user".into()),
                record_id: Some(user.username.as_str().to_string()),
                detail: serde_json::json!({"via": kind.as_str(), "factor": "totp"}),
            })
            .await;
        match logged {
            Ok(()) => AppError::Unauthenticated,
            Err(e) => e.into(),
        }
    }

    async fn finish_sign_in(
        &self,
        from: Option<IpAddr>,
        user: User,
        key: &str,
        kind: SessionKind,
        lifetime_hours: Option<i64>,
    ) -> AppResult<Issued> {
        let actor = self.actor_for(&user).await?;
        self.refund_sign_in(from).await?;
        let factors = if user.totp_enabled {
            "password+totp"
        } else {
            "password"
        };
        self.store
            .append_audit(&self.audit(
                Some(&actor),
                Action::SignIn,
                "user",
                user.username.as_str(),
                serde_json::json!({"via": kind.as_str(), "factors": factors}),
            ))
            .await?;
        self.store.clear_sign_in_failures(key).await?;
        self.issue(user, kind, lifetime_hours).await
    }

    /// The user's second-factor state.
    pub async fn second_factor(&self, user: &User) -> AppResult<SecondFactorStatus> {
        let row = self.store.totp(user.id).await?;
        Ok(SecondFactorStatus {
            enabled: row.as_ref().is_some_and(|r| r.enabled_at.is_some()),
            enabled_at: row.as_ref().and_then(|r| r.enabled_at),
            pending: row.as_ref().is_some_and(|r| r.enabled_at.is_none()),
            mandatory: second_factor_mandatory(user.role),
        })
    }

    /// Starts (or restarts) enrolment: a new secret, not yet required at sign-in.
    pub async fn start_enrolment(&self, user: &User) -> AppResult<Enrolment> {
        if self.second_factor(user).await?.enabled {
            return Err(AppError::Conflict(
                "a second factor is already set up; turn it off first to replace it".into(),
            ));
        }
        let mut bytes = [0u8; 20];
        rand::thread_rng().fill_bytes(&mut bytes);
        let secret = TotpSecret::from_bytes(&bytes).map_err(|e| AppError::Internal(e.into()))?;
        let b32 = secret.to_base32();
        self.store
            .put_totp(
                user.id,
                Some(&TotpRow {
                    secret: b32.clone(),
                    enabled_at: None,
                    last_step: 0,
                }),
                None,
            )
            .await?;
        Ok(Enrolment {
            otpauth_uri: secret.otpauth_uri("Sinergi", user.username.as_str()),
            secret: b32,
        })
    }

    /// Confirms enrolment with the first code the app shows; from then on sign-in asks
    /// for a code.
    pub async fn confirm_enrolment(&self, actor: &Actor, user: &User, code: &str) -> AppResult<()> {
        let row = match self.store.totp(user.id).await? {
            Some(r) if r.enabled_at.is_none() => r,
            Some(_) => {
                return Err(AppError::Conflict(
                    "the second factor is already set up".into(),
                ))
            }
            None => {
                return Err(AppError::Conflict(
                    "start the set-up first to get a secret".into(),
                ))
            }
        };
        let secret = TotpSecret::parse_base32(&row.secret)
            .map_err(|e| AppError::Internal(format!("stored TOTP secret: {e}").into()))?;
        let Some(step) = secret.verify(code, self.now().timestamp(), row.last_step) else {
            return Err(AppError::field(
                "code",
                sinergi_core::msg!(
                    "totp-code-mismatch",
                    "the code does not match; check the phone's clock and type the current code"
                ),
            ));
        };
        let entry = self.audit(
            Some(actor),
            Action::TotpEnable,
            "user",
            user.username.as_str(),
            serde_json::json!({}),
        );
        self.store
            .put_totp(
                user.id,
                Some(&TotpRow {
                    secret: row.secret,
                    enabled_at: Some(self.now()),
                    last_step: step,
                }),
                Some(&entry),
            )
            .await?;
        Ok(())
    }

    /// Turns off one's own second factor, proven with a current code. Not allowed where
    /// it is mandatory.
    pub async fn disable_own_second_factor(
        &self,
        actor: &Actor,
        user: &User,
        code: &str,
    ) -> AppResult<()> {
        if second_factor_mandatory(user.role) {
            return Err(AppError::Conflict(
                "system administrators must keep a second factor".into(),
            ));
        }
        if !self.second_factor(user).await?.enabled {
            return Err(AppError::Conflict("no second factor is set up".into()));
        }
        if !self.check_code(user, code).await? {
            return Err(AppError::field(
                "code",
                sinergi_core::msg!("code-mismatch", "the code does not match"),
            ));
        }
        self.clear_second_factor(Some(actor), user, "self").await
    }

    /// Clears another user's second factor, for someone who lost their phone: their
    /// agency's administrator or a system administrator (`None`: the local operator at
    /// the command line). They set it up again at their next sign-in.
    pub async fn reset_second_factor(
        &self,
        actor: Option<&Actor>,
        username: &str,
    ) -> AppResult<()> {
        let user = self.managed_user(actor, username).await?;
        if self.store.totp(user.id).await?.is_none() {
            return Err(AppError::Conflict(format!(
                "{} has no second factor",
                user.username
            )));
        }
        self.clear_second_factor(actor, &user, "reset").await?;
        // Whoever had the phone may hold a session: end them all.
        self.store.revoke_user_sessions(user.id, self.now()).await?;
        Ok(())
    }

    async fn clear_second_factor(
        &self,
        actor: Option<&Actor>,
        user: &User,
        how: &str,
    ) -> AppResult<()> {
        let entry = self.audit(
            actor,
            Action::TotpDisable,
            "user",
            user.username.as_str(),
            serde_json::json!({"how": how}),
        );
        if !self.store.put_totp(user.id, None, Some(&entry)).await? {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// True when the user must set up a second factor before anything else.
    pub fn must_enrol(&self, user: &User) -> bool {
        second_factor_mandatory(user.role) && !user.totp_enabled
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

    /// Changes a user's display name and role. The actor must administer the user's
    /// agency and be allowed to grant the new role; nobody changes their own role.
    pub async fn update_user(
        &self,
        actor: Option<&Actor>,
        username: &str,
        display_name: Option<&str>,
        role: Option<&str>,
    ) -> AppResult<User> {
        let user = self.managed_user(actor, username).await?;
        let mut errs = ValidationErrors::new();
        let name = match display_name.map(str::trim) {
            None => user.display_name.clone(),
            Some(n) if n.is_empty() || n.chars().count() > 200 => {
                errs.push(
                    "display_name",
                    sinergi_core::msg!("display-name-length", "must be 1 to 200 characters"),
                );
                String::new()
            }
            Some(n) if n.chars().any(char::is_control) => {
                errs.push(
                    "display_name",
                    sinergi_core::msg!(
                        "text-control-characters",
                        "must not contain control characters"
                    ),
                );
                String::new()
            }
            Some(n) => n.to_string(),
        };
        let new_role = match role {
            None => Some(user.role),
            Some(r) => {
                let parsed = Role::parse(r);
                if parsed.is_none() {
                    let all: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                    errs.push(
                        "role",
                        sinergi_core::msg!(
                            "user-role-invalid",
                            "role must be one of {choices}",
                            choices = all.join(", ")
                        ),
                    );
                }
                parsed
            }
        };
        let Some(new_role) = new_role.filter(|_| errs.is_empty()) else {
            return Err(AppError::Validation(errs));
        };
        if let Some(a) = actor {
            if new_role != user.role && a.user_id == user.id {
                return Err(AppError::Conflict("you cannot change your own role".into()));
            }
            if !sinergi_core::access::can_manage_user(a, user.agency_id, new_role) {
                return Err(AppError::Forbidden("you may not grant that role".into()));
            }
        }
        let entry = self.audit(
            actor,
            Action::UserUpdate,
            "user",
            user.username.as_str(),
            serde_json::json!({"role": new_role.as_str(), "previous_role": user.role.as_str()}),
        );
        if !self
            .store
            .update_user(user.id, &name, new_role, &entry)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(User {
            display_name: name,
            role: new_role,
            ..user
        })
    }

    /// An administrator (or the operator) sets a new password for a user who lost theirs.
    /// The user must replace it at the next sign-in, and their sessions end now.
    /// `temporary`: the user must replace it at the next sign-in (always so when an
    /// administrator sets it; the operator may set a lasting one, e.g. for an
    /// administrator who is locked out).
    pub async fn reset_password(
        &self,
        actor: Option<&Actor>,
        username: &str,
        password: &str,
        temporary: bool,
    ) -> AppResult<()> {
        let user = self.managed_user(actor, username).await?;
        if let Some(a) = actor {
            if a.user_id == user.id {
                return Err(AppError::Conflict(
                    "change your own password on your account page".into(),
                ));
            }
        }
        sinergi_core::user::check_password_for(password, user.username.as_str())
            .map_err(|m| AppError::field("password", m))?;
        let hash = hash_password(password)?;
        let entry = self.audit(
            actor,
            Action::PasswordReset,
            "user",
            user.username.as_str(),
            serde_json::json!({}),
        );
        let must_change = temporary || actor.is_some();
        self.store
            .set_password(user.id, &hash, must_change, &entry)
            .await?;
        self.store.revoke_user_sessions(user.id, self.now()).await?;
        Ok(())
    }

    /// A user replaces their own password, giving the current one. Every session of the
    /// user ends (the web UI signs the browser in again).
    pub async fn change_own_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
    ) -> AppResult<()> {
        let (stored, hash) = self
            .store
            .user_credentials(user.username.as_str())
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let ok = self.password_matches(current, hash).await?;
        if !ok {
            return Err(AppError::field(
                "current_password",
                sinergi_core::msg!("password-not-current", "this is not your current password"),
            ));
        }
        sinergi_core::user::check_password_for(new, stored.username.as_str())
            .map_err(|m| AppError::field("new_password", m))?;
        let actor = self.actor_for(&stored).await?;
        let entry = self.audit(
            Some(&actor),
            Action::PasswordChange,
            "user",
            stored.username.as_str(),
            serde_json::json!({}),
        );
        let hash = hash_password(new)?;
        self.store
            .set_password(stored.id, &hash, false, &entry)
            .await?;
        self.remember_digest(&stored, new, &hash).await;
        self.store
            .revoke_user_sessions(stored.id, self.now())
            .await?;
        Ok(())
    }

    /// The user named `username` (any case) whom `actor` (`None`: the operator) manages;
    /// a user they do not manage answers like a missing one.
    pub(crate) async fn managed_user(
        &self,
        actor: Option<&Actor>,
        username: &str,
    ) -> AppResult<User> {
        let (user, _) = self
            .store
            .user_credentials(username.trim().to_lowercase().as_str())
            .await?
            .ok_or(AppError::NotFound)?;
        match actor {
            Some(a) if !sinergi_core::access::can_manage_user(a, user.agency_id, user.role) => {
                Err(AppError::NotFound)
            }
            _ => Ok(user),
        }
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
    use sinergi_store::SignInStore;

    /// The lock-out, kept in the store: `MAX_FAILURES` failures within the window block
    /// the key until the window ends; other keys are not affected; signing in clears it.
    #[tokio::test]
    async fn throttle_blocks_after_repeated_failures_and_forgets_later() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let t = sinergi_store::SqliteStore::open(&url).await.expect("store");
        let window = Duration::minutes(WINDOW_MINUTES);
        let blocked_for = |key: &'static str, now| {
            let t = &t;
            async move {
                t.sign_in_lockout(key, MAX_FAILURES, window, now)
                    .await
                    .expect("lockout")
            }
        };
        let now = DateTime::from_timestamp(1_700_000_000, 0).expect("ts");
        for _ in 0..MAX_FAILURES {
            assert!(blocked_for("ana", now).await.is_none());
            t.record_sign_in_failure("ana", window, now)
                .await
                .expect("fail");
        }
        assert!(blocked_for("ana", now).await.is_some());
        assert!(blocked_for("budi", now).await.is_none());
        assert!(blocked_for("ana", now + window).await.is_none());
        t.clear_sign_in_failures("ana").await.expect("clear");
        assert!(blocked_for("ana", now).await.is_none());
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}
