//! Sinergi's use cases. Each one takes the acting user (an [`Actor`], or `None` for the
//! local operator at the command line), checks it with the core policy, runs one store
//! transaction and returns a domain result.
//!
//! This crate never names a concrete database and never speaks HTTP.

pub mod agreements;
pub mod areas;
pub mod audit;
pub mod auth;
pub mod basemap;
pub mod campaigns;
pub mod cases;
pub mod checkpoints;
pub mod coordination;
pub mod dashboards;
pub mod demo;
pub mod demo_areas;
pub mod demo_cases;
pub mod demo_coordination;
mod demo_forms;
pub mod demo_patrols;
pub mod demo_plans;
pub mod demo_warning;
mod error;
pub mod events;
pub mod export;
pub mod form_media;
pub mod forms;
pub mod letters;
mod lookups;
pub mod mail;
pub mod meeting_outputs;
pub mod notifications;
pub mod odk_export;
pub mod operations;
pub mod patrols;
pub mod plans;
pub mod reporting;
pub mod reports;
pub mod submissions;
pub mod tables;
pub mod warning;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::json;
use sinergi_core::access::{self, Actor};
use sinergi_core::agency::{Agency, NewAgency};
use sinergi_core::audit::{Action, NewAudit};
use sinergi_core::ids::{AgencyId, UserId};
use sinergi_core::report_types::{builtin, ReportType};
use sinergi_core::time::Clock;
use sinergi_core::user::{check_password_for, Role, User, Username};
use sinergi_regions::Gazetteer;
use sinergi_store::{AgencyRow, NewUserRow, RegionRow, Store};

pub use error::{AppError, AppResult};
/// Records of the store that pages and API answers show.
pub use sinergi_store::warning::{AlertAction, OutboxRow, StoredFix, Webhook};
pub use sinergi_store::{Attachment, Notification, ReferralRow, SessionRow};

/// The real clock. The one place Sinergi reads the system time.
pub struct SystemClock;

impl Clock for SystemClock {
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The agreements and agency tree as of one sharing stamp.
#[derive(Clone)]
pub(crate) struct SharingCache {
    pub stamp: (i64, i64, i64),
    pub agreements: Arc<Vec<sinergi_core::agreement::Agreement>>,
    pub tree: Arc<sinergi_core::agreement::AgencyTree>,
}

/// Settings the use cases need; the binary fills them from configuration.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Attachments live under `data_dir/attachments`, named by content hash.
    pub data_dir: PathBuf,
    pub session_hours: i64,
    pub token_hours: i64,
    pub max_attachment_bytes: usize,
    /// How alerts leave Sinergi besides the live board.
    pub delivery: warning::DeliveryConfig,
    /// Take the client address from the last `X-Forwarded-For` entry (behind a proxy).
    pub trust_forwarded_for: bool,
    /// The Ed25519 key audit checkpoints are signed with, kept outside the database;
    /// made on first use when missing. Default `data_dir/audit-signing.key`.
    pub audit_signing_key: PathBuf,
    /// Who may read the metrics (`/metrics`).
    pub metrics: operations::MetricsAccess,
    /// The base map under the maps.
    pub maps: basemap::MapsConfig,
    /// The agencies' key files for protected persons (`<CODE>.key`), kept outside the
    /// database and its backups. Default `data_dir/keys`.
    pub case_keys_dir: PathBuf,
}

impl AppConfig {
    pub fn new(data_dir: PathBuf) -> Self {
        AppConfig {
            session_hours: 12,
            token_hours: 24 * 30,
            max_attachment_bytes: 20 * 1024 * 1024,
            delivery: warning::DeliveryConfig::default(),
            trust_forwarded_for: false,
            audit_signing_key: data_dir.join("audit-signing.key"),
            metrics: operations::MetricsAccess::default(),
            maps: basemap::MapsConfig::default(),
            case_keys_dir: data_dir.join("keys"),
            data_dir,
        }
    }
}

/// How many published form versions' schemas [`App`] keeps read.
pub(crate) const FORM_SCHEMAS: usize = 256;

/// Published versions with their schema, by (form, version string).
type FormSchemas = std::collections::HashMap<
    (sinergi_core::form::FormId, String),
    Arc<(
        sinergi_core::form::FormVersion,
        sinergi_core::submission::Schema,
    )>,
>;

pub struct App {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub config: AppConfig,
    types: RwLock<Arc<Vec<ReportType>>>,
    /// This server's copy of the rate limits on sign-in attempts, per client address and
    /// overall (the shared ones are in the store).
    sign_in_gate: Mutex<auth::SignInGate>,
    /// Bounds the password hashes checked at once.
    password_checks: tokio::sync::Semaphore,
    /// Parsed agreements and the agency tree, reused while the store's sharing stamp is
    /// unchanged (checked on every request, so revocation takes effect at once on every
    /// server sharing the database).
    sharing: RwLock<Option<SharingCache>>,
    /// Published form versions with their XForm read as a schema, by (form, version
    /// string): a published version never changes, so each is read once (at most
    /// [`FORM_SCHEMAS`] kept).
    form_schemas: RwLock<FormSchemas>,
    dummy_hash: String,
    /// Early warning: the geofence engine, delivery.
    pub warning: warning::Warning,
    /// Live events (alerts as they are committed) for streams to browsers.
    pub events: Arc<dyn events::EventBus>,
    /// The audit signing key once read (or made).
    audit_key: Mutex<Option<Arc<sinergi_core::checkpoint::AuditKey>>>,
    /// One checkpoint written at a time in this process.
    checkpoint_lock: tokio::sync::Mutex<()>,
    /// The base-map file being served, if any (`basemap.rs`).
    basemap: RwLock<Option<sinergi_store::tiles::MbTiles>>,
    /// The agencies' key rings for protected persons.
    case_keys: cases::KeyRings,
}

impl App {
    /// Prepares a migrated store for use: seeds the report-type catalogue and loads the
    /// shipped regions on first start.
    pub async fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: AppConfig,
    ) -> AppResult<App> {
        store.seed_report_types(&builtin()).await?;
        if store.region_count().await? == 0 {
            let rows: Vec<RegionRow> = Gazetteer::shipped()
                .iter()
                .map(|r| RegionRow {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    level: i64::from(r.level.number()),
                    parent_code: r.parent.clone(),
                    lon: r.lon,
                    lat: r.lat,
                })
                .collect();
            store.load_regions(&rows).await?;
            tracing::info!(regions = rows.len(), "loaded the Kemendagri regions");
        }
        let types = store.report_types().await?;
        let warning = warning::Warning::new(config.delivery.clone());
        let started = clock.now();
        let basemap = match &config.maps.basemap_file {
            Some(path) => Some(
                sinergi_store::tiles::MbTiles::open(path)
                    .await
                    .map_err(|e| AppError::Internal(Box::new(e)))?,
            ),
            None => None,
        };
        let case_keys = cases::KeyRings::new(config.case_keys_dir.clone());
        Ok(App {
            store,
            clock,
            config,
            types: RwLock::new(Arc::new(types)),
            sign_in_gate: Mutex::new(auth::SignInGate::new(started)),
            password_checks: tokio::sync::Semaphore::new(auth::CONCURRENT_PASSWORD_CHECKS),
            sharing: RwLock::new(None),
            form_schemas: RwLock::new(std::collections::HashMap::new()),
            dummy_hash: auth::hash_password("sinergi-dummy-password")?,
            warning,
            events: Arc::new(events::InProcessBus::default()),
            audit_key: Mutex::new(None),
            checkpoint_lock: tokio::sync::Mutex::new(()),
            basemap: RwLock::new(basemap),
            case_keys,
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// An audit entry for `actor` (`None`: the local operator at the command line).
    pub fn audit(
        &self,
        actor: Option<&Actor>,
        action: Action,
        record_type: &str,
        record_id: &str,
        detail: serde_json::Value,
    ) -> NewAudit {
        NewAudit {
            at: self.now(),
            actor_id: actor.map(|a| a.user_id),
            actor: actor
                .map(|a| a.username.clone())
                .unwrap_or_else(|| "operator".into()),
            agency_id: actor.map(|a| a.agency_id),
            action,
            record_type: Some(record_type.to_string()),
            record_id: Some(record_id.to_string()),
            detail,
        }
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        Gazetteer::shipped()
    }

    pub fn report_types(&self) -> Arc<Vec<ReportType>> {
        match self.types.read() {
            Ok(t) => t.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn report_type(&self, key: &str) -> Option<ReportType> {
        self.report_types().iter().find(|t| t.key == key).cloned()
    }

    /// The bits of a new id after its millisecond (RFC 9562 section 6.2, method 2): a
    /// counter shared by the process first, so ids made in the same millisecond sort in
    /// the order they were made (a list ordered by time and id shows two steps taken in
    /// one millisecond as they happened), then 32 random bits.
    pub(crate) fn id_bits() -> [u8; 10] {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let c = COUNTER.fetch_add(1, Ordering::Relaxed) & ((1 << 42) - 1);
        // The id keeps the low 4 bits of byte 0, all of byte 1, the low 6 bits of
        // byte 2 and bytes 3 to 9 (the rest are its version and variant).
        let mut b = [0u8; 10];
        b[0] = ((c >> 38) & 0x0F) as u8;
        b[1] = (c >> 30) as u8;
        b[2] = ((c >> 24) & 0x3F) as u8;
        b[3] = (c >> 16) as u8;
        b[4] = (c >> 8) as u8;
        b[5] = c as u8;
        rand::thread_rng().fill_bytes(&mut b[6..]);
        b
    }

    /// Builds the actor for a user: the policy needs the agencies below theirs.
    pub async fn actor_for(&self, user: &User) -> AppResult<Actor> {
        Ok(Actor {
            user_id: user.id,
            username: user.username.to_string(),
            agency_id: user.agency_id,
            role: user.role,
            agency_descendants: self.store.agency_descendants(user.agency_id).await?,
        })
    }

    // ---- agencies ----------------------------------------------------------------------

    /// Every signed-in user may list agencies: knowing who the partners are is not secret.
    pub async fn agencies(&self) -> AppResult<Vec<Agency>> {
        Ok(self.store.agencies().await?)
    }

    /// Creates an agency. `actor` is `None` for the local operator (command line), who
    /// may do anything, since they hold the database itself.
    pub async fn create_agency(&self, actor: Option<&Actor>, new: NewAgency) -> AppResult<Agency> {
        let parent = match &new.parent {
            Some(code) => Some(self.store.agency_by_code(code.as_str()).await?.ok_or_else(
                || {
                    AppError::field(
                        "parent",
                        sinergi_core::msg!(
                            "agency-code-unknown",
                            "no agency has the code {code}",
                            code = code
                        ),
                    )
                },
            )?),
            None => None,
        };
        if let Some(a) = actor {
            if !access::can_create_agency(a, parent.as_ref().map(|p| p.id)) {
                return Err(AppError::Forbidden(
                    "only administrators of the parent agency may add agencies".into(),
                ));
            }
        }
        for (i, code) in new.jurisdiction.iter().enumerate() {
            if self.gazetteer().get(code).is_none() {
                return Err(AppError::field(
                    &format!("jurisdiction[{i}]"),
                    sinergi_core::msg!(
                        "region-unknown",
                        "no region has the code {code}",
                        code = code
                    ),
                ));
            }
        }
        if self
            .store
            .agency_by_code(new.code.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::field(
                "code",
                sinergi_core::msg!(
                    "agency-code-taken",
                    "an agency with the code {code} already exists",
                    code = &new.code
                ),
            ));
        }
        let now = self.now();
        let agency = Agency {
            id: AgencyId::new_at(now, Self::id_bits()),
            code: new.code,
            name: new.name,
            kind: new.kind,
            parent_id: parent.map(|p| p.id),
            jurisdiction: new.jurisdiction,
        };
        self.store
            .insert_agency(
                &AgencyRow {
                    agency: agency.clone(),
                    created_at: now,
                },
                &self.audit(
                    actor,
                    Action::AgencyCreate,
                    "agency",
                    agency.code.as_str(),
                    json!({"name": agency.name, "kind": agency.kind.as_str()}),
                ),
            )
            .await?;
        Ok(agency)
    }

    // ---- users -------------------------------------------------------------------------

    /// Adds a user. `actor` is `None` for the local operator.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        username: &str,
        display_name: &str,
        agency_code: &str,
        role: &str,
        password: &str,
    ) -> AppResult<User> {
        let mut errs = sinergi_core::ValidationErrors::new();
        let username = Username::parse(username)
            .map_err(|m| errs.push("username", m))
            .ok();
        let role = Role::parse(role);
        if role.is_none() {
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
        if let Err(m) = check_password_for(
            password,
            username.as_ref().map(|u| u.as_str()).unwrap_or(""),
        ) {
            errs.push("password", m);
        }
        let agency = self.store.agency_by_code(agency_code.trim()).await?;
        if agency.is_none() {
            errs.push(
                "agency",
                sinergi_core::msg!(
                    "agency-code-unknown",
                    "no agency has the code {code}",
                    code = format!("{:?}", agency_code.trim())
                ),
            );
        }
        let display_name = display_name.trim();
        if display_name.chars().count() > 200 {
            errs.push(
                "display_name",
                sinergi_core::msg!("query-text-too-long", "must be at most 200 characters"),
            );
        }
        let (Some(username), Some(role), Some(agency)) = (username, role, agency) else {
            return Err(AppError::Validation(errs));
        };
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        if let Some(a) = actor {
            if !access::can_manage_user(a, agency.id, role) {
                return Err(AppError::Forbidden(
                    "you do not administer that agency or may not grant that role".into(),
                ));
            }
        }
        if self
            .store
            .user_credentials(username.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::field(
                "username",
                sinergi_core::msg!(
                    "username-taken",
                    "the username {username} is taken",
                    username = &username
                ),
            ));
        }
        let now = self.now();
        let user = User {
            id: UserId::new_at(now, Self::id_bits()),
            display_name: if display_name.is_empty() {
                username.to_string()
            } else {
                display_name.to_string()
            },
            username,
            agency_id: agency.id,
            role,
            active: true,
            totp_enabled: false,
            // A password an administrator typed is theirs, not the user's: it is replaced
            // at the first sign-in. The local operator's accounts (CLI, demo) are not.
            must_change_password: actor.is_some(),
        };
        let password_hash = auth::hash_password(password)?;
        self.store
            .insert_user(
                &NewUserRow {
                    user: user.clone(),
                    password_hash: password_hash.clone(),
                    created_at: now,
                },
                &self.audit(
                    actor,
                    Action::UserCreate,
                    "user",
                    user.username.as_str(),
                    json!({"role": user.role.as_str(), "agency": agency.code.as_str()}),
                ),
            )
            .await?;
        // The local operator's accounts sign in with this password as it is: ODK Collect
        // may use it over Digest at once. An administrator's must be replaced first.
        if !user.must_change_password {
            self.remember_digest(&user, password, &password_hash).await;
        }
        Ok(user)
    }

    /// The users an actor administers: all for system admins, their agency's and those
    /// below for agency admins, none otherwise.
    pub async fn users_visible_to(&self, actor: &Actor) -> AppResult<Vec<User>> {
        let all = self.store.users(None).await?;
        Ok(all
            .into_iter()
            .filter(|u| access::can_administer_agency(actor, u.agency_id))
            .collect())
    }

    pub async fn set_user_active(
        &self,
        actor: Option<&Actor>,
        username: &str,
        active: bool,
    ) -> AppResult<User> {
        let user = self.managed_user(actor, username).await?;
        if let Some(a) = actor {
            if a.user_id == user.id {
                return Err(AppError::Conflict("you cannot deactivate yourself".into()));
            }
        }
        let action = if active {
            Action::UserActivate
        } else {
            Action::UserDeactivate
        };
        let entry = self.audit(actor, action, "user", user.username.as_str(), json!({}));
        self.store.set_user_active(user.id, active, &entry).await?;
        if !active {
            self.store.revoke_user_sessions(user.id, self.now()).await?;
        }
        Ok(User { active, ..user })
    }
}

#[cfg(test)]
mod tests {
    use super::App;
    use chrono::TimeZone;
    use sinergi_core::ids::ReportId;

    #[test]
    fn ids_made_in_one_millisecond_sort_in_the_order_they_were_made() {
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 12, 7, 3, 0, 0)
            .single()
            .expect("time");
        let ids: Vec<uuid::Uuid> = (0..2000)
            .map(|_| ReportId::new_at(at, App::id_bits()).0)
            .collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        assert!(ids.iter().all(|u| u.get_version_num() == 7));
        let distinct: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
    }
}
