//! Early warning: subjects, devices, fences and rules, the geofence engine fed by every
//! fix as it arrives, alerts with their response, and their delivery.
//!
//! The engine (`sinergi-geofence`) lives in memory behind one async mutex: evaluation is
//! serialised. A batch is evaluated, then its fixes, alerts and outbox rows are committed
//! in one transaction. Commits go through a second lock, taken before the engine lock is
//! released, so batches commit in the order they were evaluated while the next batch is
//! already being evaluated (a two-stage pipeline; SQLite has one writer anyway). If a
//! commit fails, memory ran ahead of the database: every batch evaluated since the last
//! rebuild is refused unwritten (`503`, send again) and the engine is rebuilt from the
//! database at its next use, so no alert rests on a fix that was never stored.
//!
//! At start (and after any change to fences or rules) the engine is rebuilt: fences and
//! rules are loaded, the fixes of the last [`replay window`](replay_window) are replayed with
//! their events discarded (they were stored with their fixes), and the alerts of that window
//! restore the quiet periods and fired dwells. A restart therefore neither loses nor repeats
//! alerts.

mod admin;
mod alerts;
pub(crate) mod delivery;
mod ingest;
pub mod mqtt;
pub mod net;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, Utc};
use sinergi_core::warning::{Deployment, Device, Fence, FenceId, Rule, RuleId, Subject, SubjectId};
use sinergi_geofence::{Engine, Fix};
use sinergi_store::warning::{AlertFilter, Webhook};
use tokio::sync::{Mutex, Notify};

pub use admin::HeldFix;
pub use alerts::{AlertListFilter, AlertView, RespondInput};
pub use delivery::{signature, Clients, DeliveryConfig, SmsGateway, Smtp};
/// The HTTP client used for deliveries and polling.
pub type HttpClient = reqwest::Client;
pub use ingest::{FixResult, FixStatus, ImportReport, IngestReport};

use crate::{App, AppError, AppResult};

/// The engine and the parsed configuration it was built from. A clone is a dry run's
/// copy, evaluated apart from the live one.
#[derive(Clone)]
pub(crate) struct EngineState {
    pub engine: Engine,
    pub rules: HashMap<RuleId, Rule>,
    pub fences: HashMap<FenceId, Fence>,
    pub subjects: HashMap<SubjectId, Subject>,
    pub devices: HashMap<String, Device>,
    /// Deployments by device, oldest first.
    pub deployments: HashMap<sinergi_core::warning::DeviceId, Vec<Deployment>>,
    pub webhooks: Vec<Webhook>,
    /// Whether [`App::reload_warning`] has run since the last change.
    pub loaded: bool,
    /// [`Warning::failed_commits`] when this state was rebuilt: if it has moved since,
    /// the state holds a batch the database does not.
    pub failures_seen: u64,
}

impl EngineState {
    fn empty() -> Self {
        EngineState {
            engine: Engine::new(),
            rules: HashMap::new(),
            fences: HashMap::new(),
            subjects: HashMap::new(),
            devices: HashMap::new(),
            deployments: HashMap::new(),
            webhooks: Vec::new(),
            loaded: false,
            failures_seen: 0,
        }
    }

    /// The subject a device was on at `t`.
    pub fn subject_at(&self, device: &Device, t: DateTime<Utc>) -> Option<SubjectId> {
        self.deployments
            .get(&device.id)?
            .iter()
            .filter(|d| d.covers(t))
            .max_by_key(|d| d.start_at)
            .map(|d| d.subject_id)
    }
}

/// An alert on the event bus ([`crate::events`]): new, or changed by a response.
#[derive(Debug, Clone)]
pub struct LiveAlert {
    pub alert: sinergi_core::warning::Alert,
    /// False for a new alert; true when someone responded to it.
    pub update: bool,
}

/// The early-warning runtime held by [`App`].
pub struct Warning {
    pub(crate) state: Mutex<EngineState>,
    /// Held while a batch commits. Taken with the engine lock held (never the other way
    /// round), so commits happen in evaluation order.
    pub(crate) commit: Mutex<()>,
    /// Commits that failed since the start; see [`EngineState::failures_seen`].
    pub(crate) failed_commits: AtomicU64,
    /// Woken when deliveries are waiting.
    pub outbox_ready: Notify,
    pub delivery: DeliveryConfig,
}

impl Warning {
    pub fn new(delivery: DeliveryConfig) -> Self {
        Warning {
            state: Mutex::new(EngineState::empty()),
            commit: Mutex::new(()),
            failed_commits: AtomicU64::new(0),
            outbox_ready: Notify::new(),
            delivery,
        }
    }
}

/// How far back fixes are replayed into a rebuilt engine: a day, or the longest dwell or
/// quiet period of any rule if longer, so dwell timers and quiet periods come back exactly.
pub fn replay_window(rules: &[Rule]) -> Duration {
    let longest_s = rules
        .iter()
        .map(|r| {
            let dwell = match r.spec.trigger {
                sinergi_geofence::Trigger::Dwell { minutes } => i64::from(minutes) * 60,
                _ => 0,
            };
            dwell.max(r.spec.quiet_period_s)
        })
        .max()
        .unwrap_or(0);
    Duration::seconds(longest_s.max(24 * 3600) + 3600)
}

impl App {
    /// Rebuilds the engine from the database (see the module documentation).
    pub async fn reload_warning(&self) -> AppResult<()> {
        let mut st = self.warning.state.lock().await;
        self.rebuild(&mut st).await
    }

    /// Called with the engine lock held (`st` is behind it).
    pub(crate) async fn rebuild(&self, st: &mut EngineState) -> AppResult<()> {
        // A batch evaluated before this rebuild may still be committing; read the
        // database once it has.
        self.settled().await;
        let failures_seen = self.warning.failed_commits.load(Ordering::SeqCst);
        let store = &self.store;
        let fences = store.fences().await?;
        let rules = store.rules().await?;
        let subjects = store.subjects().await?;
        let devices = store.devices().await?;
        let deployments = store.deployments().await?;
        let mut engine = Engine::new();
        let active_fences: Vec<&Fence> = fences.iter().filter(|f| f.active).collect();
        engine
            .add_fences(active_fences.iter().map(|f| sinergi_geofence::Fence {
                id: sinergi_geofence::FenceId(f.id.0),
                shape: f.shape.to_engine(),
            }))
            .map_err(|e| AppError::Internal(format!("stored fence: {e}").into()))?;
        for r in rules.iter().filter(|r| r.active) {
            if let Some(er) = engine_rule(r, &active_fences) {
                if let Err(e) = engine.upsert_rule(er) {
                    tracing::warn!(rule = %r.id, error = %e, "a stored rule cannot be evaluated");
                }
            }
        }
        let subject_map: HashMap<SubjectId, Subject> =
            subjects.into_iter().map(|s| (s.id, s)).collect();
        // Replay recent fixes to rebuild each subject's state; their events were stored
        // with them.
        let now = self.now();
        let since = now - replay_window(&rules);
        let mut scratch = Vec::new();
        for f in store.subject_fixes_since(since).await? {
            let Some(subject) = f.subject_id else {
                continue;
            };
            let mut fix = Fix::track(
                sinergi_geofence::SubjectId(subject.0),
                f.recorded_at.timestamp_millis(),
                f.lon,
                f.lat,
            );
            fix.species = subject_map.get(&subject).map(|s| s.species.clone());
            engine.evaluate(&fix, &mut scratch);
            scratch.clear();
        }
        // Quiet periods and dwells already raised.
        let recent = store
            .alerts(&AlertFilter {
                since: Some(since),
                limit: 100_000,
                ..Default::default()
            })
            .await?;
        for a in recent.iter().rev() {
            if let (Some(rule), Some(fence)) = (a.rule_id, a.fence_id) {
                let _ = engine.restore_last_event(
                    sinergi_geofence::RuleId(rule.0),
                    a.subject_id.map(|s| sinergi_geofence::SubjectId(s.0)),
                    sinergi_geofence::FenceId(fence.0),
                    a.at.timestamp_millis(),
                );
            }
        }
        *st = EngineState {
            engine,
            rules: rules.into_iter().map(|r| (r.id, r)).collect(),
            fences: fences.into_iter().map(|f| (f.id, f)).collect(),
            subjects: subject_map,
            devices: devices.into_iter().map(|d| (d.serial.clone(), d)).collect(),
            deployments: {
                let mut by_device: HashMap<_, Vec<Deployment>> = HashMap::new();
                for d in deployments {
                    by_device.entry(d.device_id).or_default().push(d);
                }
                by_device
            },
            webhooks: store.webhooks().await?,
            loaded: true,
            failures_seen,
        };
        Ok(())
    }

    /// The engine state, rebuilt first if something changed since.
    pub(crate) async fn engine_state(&self) -> AppResult<tokio::sync::MutexGuard<'_, EngineState>> {
        let mut st = self.warning.state.lock().await;
        if !st.loaded || st.failures_seen != self.warning.failed_commits.load(Ordering::SeqCst) {
            self.rebuild(&mut st).await?;
        }
        Ok(st)
    }

    /// Waits until the batch committing now, if any, has committed. Called with the engine
    /// lock held, after which nothing else can start committing: the database then holds
    /// everything the engine has seen.
    pub(crate) async fn settled(&self) {
        drop(self.warning.commit.lock().await);
    }

    /// Marks the engine for a rebuild at the next use (fences, rules, devices changed).
    pub(crate) async fn invalidate_engine(&self) {
        self.warning.state.lock().await.loaded = false;
    }

    /// Engine figures for the status page.
    pub async fn warning_stats(&self) -> AppResult<sinergi_geofence::EngineStats> {
        Ok(self.engine_state().await?.engine.stats())
    }
}

/// The engine's form of a rule: an empty fence list means every fence of the rule's
/// agency (never every fence of every agency). `None` when that leaves nothing to watch.
pub(crate) fn engine_rule(r: &Rule, active_fences: &[&Fence]) -> Option<sinergi_geofence::Rule> {
    let fences: Vec<sinergi_geofence::FenceId> = if r.spec.fences.is_empty() {
        active_fences
            .iter()
            .filter(|f| f.owner_agency_id == r.owner_agency_id)
            .map(|f| sinergi_geofence::FenceId(f.id.0))
            .collect()
    } else {
        r.spec
            .fences
            .iter()
            .filter(|id| active_fences.iter().any(|f| f.id == **id))
            .map(|id| sinergi_geofence::FenceId(id.0))
            .collect()
    };
    if fences.is_empty() {
        return None;
    }
    Some(sinergi_geofence::Rule {
        id: sinergi_geofence::RuleId(r.id.0),
        fences,
        subjects: r.spec.subjects.clone(),
        trigger: r.spec.trigger,
        hysteresis_m: r.spec.hysteresis_m,
        quiet_period_s: r.spec.quiet_period_s,
        active_hours: r.spec.active_hours,
    })
}
