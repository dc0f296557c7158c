//! Fixes in: JSON batches, Movebank CSV, MQTT messages, village sightings from the registry
//! and FIRMS hotspots, each evaluated by the engine as it arrives.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::{Action, NewAudit};
use sinergi_core::error::FieldError;
use sinergi_core::observation::{FixInput, Hotspot, RowError};
use sinergi_core::report::Report;
use sinergi_core::warning::{Alert, AlertId, Channel, Device, HotspotId, Rule};
use sinergi_geofence::{Event, EventKind, Fix, Outcome};
use sinergi_store::warning::{Claim, NewAlert, NewFix, NewHotspot};

use super::EngineState;
use crate::{App, AppError, AppResult};

/// What happened to one fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStatus {
    /// Stored and evaluated.
    Stored,
    /// Stored, but its device is unknown or not deployed at that time: held for an
    /// administrator to assign; not evaluated.
    Held,
    /// Already stored (same device and time); nothing changed.
    Duplicate,
    /// Not stored; `errors` says why.
    Refused,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixResult {
    pub status: FixStatus,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Alerts this fix raised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertId>,
}

/// The answer to a batch: one result per fix, in order, and the alerts raised.
#[derive(Debug, Clone, Serialize)]
pub struct IngestReport {
    pub stored: usize,
    pub held: usize,
    pub duplicates: usize,
    pub refused: usize,
    pub results: Vec<FixResult>,
    #[serde(skip)]
    pub alerts: Vec<Alert>,
}

/// The answer to a CSV import (Movebank or FIRMS): counts, per-line errors and, for a dry
/// run, what would have changed.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows: usize,
    pub stored: usize,
    pub held: usize,
    pub duplicates: usize,
    pub refused: usize,
    pub alerts: usize,
    pub errors: Vec<RowError>,
}

fn event_kind(k: EventKind) -> &'static str {
    match k {
        EventKind::Enter => "enter",
        EventKind::Exit => "exit",
        EventKind::Proximity => "proximity",
        EventKind::Dwell => "dwell",
        EventKind::Cross => "cross",
        EventKind::HotspotInside => "hotspot_inside",
        EventKind::SightingInside => "sighting_inside",
        EventKind::SightingProximity => "sighting_proximity",
    }
}

/// The dedupe key of a tracked subject's event: its time first (so inserts land near the
/// end of the index), then a digest of rule, fence, subject and kind.
fn event_dedupe(e: &Event) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(e.rule.0.as_bytes());
    h.update(e.fence.0.as_bytes());
    if let Some(s) = e.subject {
        h.update(s.0.as_bytes());
    }
    h.update(event_kind(e.kind).as_bytes());
    format!("{:013}:{}", e.at_ms, hex::encode(&h.finalize()[..12]))
}

/// Whose a fix is ([`Claim`]) and the device it is for. The operator (command line, MQTT
/// broker) and system administrators may send fixes for any device; everyone else for the
/// devices of their agency and those below it. From anyone else, a fix for a serial no
/// device has, or for another agency's device, is held for the sender's agency: it joins
/// a subject only if the device's agency, or one above it, sent it. Both get the same
/// answer (held), so a sender learns nothing of other agencies' devices.
fn claim_for<'d>(actor: Option<&Actor>, device: Option<&'d Device>) -> (Claim, Option<&'d Device>) {
    let any_device =
        actor.is_none_or(|a| a.may(sinergi_core::permission::Action::WarningEverywhere));
    match (actor, device) {
        (_, Some(d))
            if any_device || actor.is_some_and(|a| super::admin::within(a, d.owner_agency_id)) =>
        {
            (Claim::Device, Some(d))
        }
        (Some(a), _) if !any_device => (Claim::Agency(a.agency_id), None),
        _ => (Claim::Device, None),
    }
}

/// Everyone but analysts sends fixes.
fn may_send_fixes(actor: Option<&Actor>) -> AppResult<()> {
    match actor {
        Some(a) if !a.may(sinergi_core::permission::Action::SendFixes) => {
            Err(AppError::Forbidden("analysts may not send fixes".into()))
        }
        _ => Ok(()),
    }
}

/// A dry run: its copy of the engine state, and the fixes and alerts it has counted so far
/// (a file may repeat itself).
struct Trial {
    state: EngineState,
    fixes: std::collections::HashSet<(String, i64, String)>,
    alerts: std::collections::HashSet<String>,
}

/// A batch evaluated against an engine state: what to store, and what each input became.
pub(crate) struct PlannedBatch {
    pub results: Vec<FixResult>,
    pub fixes: Vec<NewFix>,
    /// (index into results, index into fixes)
    pub slots: Vec<(usize, usize)>,
    pub alerts: Vec<NewAlert>,
}

impl PlannedBatch {
    /// The audit entry of a batch that writes something: who sent how much, from where.
    fn audit(&self, app: &App, actor: Option<&Actor>, source: &str) -> Option<NewAudit> {
        if self.fixes.is_empty() {
            return None;
        }
        let count = |s: FixStatus| self.results.iter().filter(|r| r.status == s).count();
        Some(app.audit(
            actor,
            Action::Import,
            "fixes",
            source,
            json!({
                "source": source,
                "fixes": self.fixes.len(),
                "held": count(FixStatus::Held),
                "refused": count(FixStatus::Refused),
                "alerts": self.alerts.len(),
            }),
        ))
    }
}

impl App {
    /// Stores and evaluates a batch of parsed fixes (`Err` items are refused as given).
    /// `actor: None` is the local operator or a configured broker. The batch leaves one
    /// audit entry, written with it.
    pub async fn ingest_fixes(
        &self,
        actor: Option<&Actor>,
        inputs: Vec<Result<FixInput, Vec<FieldError>>>,
        source: &str,
    ) -> AppResult<IngestReport> {
        may_send_fixes(actor)?;
        let now = self.now();
        let waited = std::time::Instant::now();
        let mut st = self.engine_state().await?;
        let started = std::time::Instant::now();
        let planned = self.plan_fixes(&mut st, actor, inputs, source, now);
        let entry = planned.audit(self, actor, source);
        let PlannedBatch {
            mut results,
            fixes,
            slots,
            alerts,
        } = planned;
        let evaluated = std::time::Instant::now();
        let outcome = self
            .commit_batch(st, &fixes, &[], &alerts, entry.as_ref())
            .await?;
        crate::operations::fixes_ingested(&outcome, waited.elapsed());
        tracing::debug!(
            fixes = fixes.len(),
            alerts = alerts.len(),
            lock_wait_ms = (started - waited).as_secs_f64() * 1000.0,
            evaluate_ms = (evaluated - started).as_secs_f64() * 1000.0,
            store_ms = evaluated.elapsed().as_secs_f64() * 1000.0,
            "ingest"
        );
        for (slot, stored) in slots.iter().zip(&outcome.fixes_stored) {
            if !stored {
                results[slot.0].status = FixStatus::Duplicate;
            }
        }
        let by_fix: HashMap<usize, usize> = slots.iter().map(|(r, f)| (*f, *r)).collect();
        let committed: std::collections::HashSet<AlertId> =
            outcome.alerts.iter().map(|a| a.id).collect();
        for new in &alerts {
            if let Some(r) = new.fix.and_then(|f| by_fix.get(&f)) {
                if committed.contains(&new.id) {
                    results[*r].alerts.push(new.id);
                }
            }
        }
        let count = |s: FixStatus| results.iter().filter(|r| r.status == s).count();
        Ok(IngestReport {
            stored: count(FixStatus::Stored),
            held: count(FixStatus::Held),
            duplicates: count(FixStatus::Duplicate),
            refused: count(FixStatus::Refused),
            results,
            alerts: outcome.alerts,
        })
    }

    /// Classifies a batch (stored for a subject, held, refused) and evaluates it on `st`
    /// in time order; nothing is written. The real ingest and a dry run both go through
    /// here, so a dry run predicts what the import does.
    pub(crate) fn plan_fixes(
        &self,
        st: &mut EngineState,
        actor: Option<&Actor>,
        inputs: Vec<Result<FixInput, Vec<FieldError>>>,
        source: &str,
        now: DateTime<Utc>,
    ) -> PlannedBatch {
        let mut results: Vec<FixResult> = Vec::with_capacity(inputs.len());
        let mut fixes: Vec<NewFix> = Vec::new();
        let mut slots: Vec<(usize, usize)> = Vec::new();
        for (i, input) in inputs.into_iter().enumerate() {
            match input {
                Err(errors) => results.push(FixResult {
                    status: FixStatus::Refused,
                    errors,
                    alerts: Vec::new(),
                }),
                Ok(f) => {
                    let (claim, device) = claim_for(actor, st.devices.get(&f.device));
                    let subject = device.and_then(|d| st.subject_at(d, f.recorded_at));
                    results.push(FixResult {
                        status: if subject.is_some() {
                            FixStatus::Stored
                        } else {
                            FixStatus::Held
                        },
                        errors: Vec::new(),
                        alerts: Vec::new(),
                    });
                    slots.push((i, fixes.len()));
                    fixes.push(NewFix {
                        serial: f.device,
                        recorded_at: f.recorded_at,
                        device_id: device.map(|d| d.id),
                        subject_id: subject,
                        lon: f.lon,
                        lat: f.lat,
                        accuracy_m: f.accuracy_m,
                        battery: f.battery,
                        source: source.to_string(),
                        received_at: now,
                        submitted_by: actor.map(|a| a.user_id),
                        submitted_agency: actor.map(|a| a.agency_id),
                        claim,
                    });
                }
            }
        }
        // Evaluate in time order (a file may list one animal after another).
        let mut order: Vec<usize> = (0..fixes.len()).collect();
        order.sort_by_key(|&k| fixes[k].recorded_at);
        let mut events: Vec<(usize, Event)> = Vec::new();
        let mut buf = Vec::new();
        for k in order {
            let f = &fixes[k];
            let Some(subject) = f.subject_id else {
                continue;
            };
            let mut fix = Fix::track(
                sinergi_geofence::SubjectId(subject.0),
                f.recorded_at.timestamp_millis(),
                f.lon,
                f.lat,
            );
            fix.species = st.subjects.get(&subject).map(|s| s.species.clone());
            if st.engine.evaluate(&fix, &mut buf) == Outcome::Evaluated {
                events.extend(buf.drain(..).map(|e| (k, e)));
            }
            buf.clear();
        }
        let alerts = self.alerts_for_events(st, &events, now);
        PlannedBatch {
            results,
            fixes,
            slots,
            alerts,
        }
    }

    /// A copy of the engine state to try a batch on (a dry run), taken once the batch
    /// committing now is in: the database then holds everything the copy has seen.
    async fn trial_state(&self) -> AppResult<EngineState> {
        let st = self.engine_state().await?;
        self.settled().await;
        Ok(st.clone())
    }

    /// How many of these alerts an import would store: those whose dedupe key is neither
    /// stored nor already counted.
    async fn new_alerts(
        &self,
        alerts: &[NewAlert],
        counted: &mut std::collections::HashSet<String>,
    ) -> AppResult<usize> {
        let keys: Vec<String> = alerts.iter().map(|a| a.dedupe.clone()).collect();
        let stored = self.store.existing_alerts(&keys).await?;
        Ok(keys
            .into_iter()
            .zip(stored)
            .filter(|(k, stored)| !stored && counted.insert(k.clone()))
            .count())
    }

    /// What a batch would do, tried on a dry run's copy of the engine: the same
    /// classification and evaluation as [`App::ingest_fixes`], duplicates and alerts
    /// counted against the database and what the dry run counted before. Nothing is
    /// written. Returns the report and how many alerts would be raised.
    async fn try_fixes(
        &self,
        trial: &mut Trial,
        actor: Option<&Actor>,
        inputs: Vec<Result<FixInput, Vec<FieldError>>>,
        source: &str,
    ) -> AppResult<(IngestReport, usize)> {
        may_send_fixes(actor)?;
        let planned = self.plan_fixes(&mut trial.state, actor, inputs, source, self.now());
        let stored = self.store.existing_fixes(&planned.fixes).await?;
        let mut results = planned.results;
        for ((slot, fix), stored) in planned.slots.iter().zip(&planned.fixes).zip(stored) {
            let key = (
                fix.serial.clone(),
                fix.recorded_at.timestamp_millis(),
                fix.claim.key(),
            );
            if stored || !trial.fixes.insert(key) {
                results[slot.0].status = FixStatus::Duplicate;
            }
        }
        let alerts = self.new_alerts(&planned.alerts, &mut trial.alerts).await?;
        let count = |s: FixStatus| results.iter().filter(|r| r.status == s).count();
        Ok((
            IngestReport {
                stored: count(FixStatus::Stored),
                held: count(FixStatus::Held),
                duplicates: count(FixStatus::Duplicate),
                refused: count(FixStatus::Refused),
                results,
                alerts: Vec::new(),
            },
            alerts,
        ))
    }

    /// Imports a Movebank CSV export; bad rows are reported by line and the rest go in. A
    /// dry run goes through the same steps on a copy of the engine and writes nothing, so
    /// it reports what the import would do, alerts included.
    pub async fn import_movebank(
        &self,
        actor: Option<&Actor>,
        csv_text: &str,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        may_send_fixes(actor)?;
        let parsed = sinergi_core::observation::parse_movebank(csv_text, self.now());
        let rows = parsed.rows.len() + parsed.errors.len();
        let mut errors = parsed.errors;
        let mut trial = match dry_run {
            true => Some(Trial {
                state: self.trial_state().await?,
                fixes: Default::default(),
                alerts: Default::default(),
            }),
            false => None,
        };
        let (mut stored, mut held, mut duplicates, mut alerts) = (0, 0, 0, 0);
        // Large files go in as several transactions of bounded size.
        for chunk in parsed.rows.chunks(20_000) {
            let inputs = chunk.iter().map(|(_, f)| Ok(f.clone())).collect();
            let (r, raised) = match trial.as_mut() {
                Some(t) => self.try_fixes(t, actor, inputs, "movebank").await?,
                None => {
                    let r = self.ingest_fixes(actor, inputs, "movebank").await?;
                    let raised = r.alerts.len();
                    (r, raised)
                }
            };
            for ((line, _), res) in chunk.iter().zip(&r.results) {
                if res.status == FixStatus::Refused {
                    errors.push(RowError {
                        line: *line,
                        message: res
                            .errors
                            .iter()
                            .map(|e| e.message.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                    });
                }
            }
            stored += r.stored;
            held += r.held;
            duplicates += r.duplicates;
            alerts += raised;
        }
        errors.sort_by_key(|e| e.line);
        Ok(ImportReport {
            dry_run,
            rows,
            stored,
            held,
            duplicates,
            refused: errors.len(),
            alerts,
            errors,
        })
    }

    /// Imports a FIRMS CSV: each new hotspot inside a watched area raises a fire alert;
    /// importing the same file again changes nothing. A dry run evaluates the hotspots on
    /// a copy of the engine and writes nothing.
    pub async fn import_firms(
        &self,
        actor: Option<&Actor>,
        csv_text: &str,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        if let Some(a) = actor {
            if !a.may(sinergi_core::permission::Action::ConfigureWarning) {
                return Err(AppError::Forbidden(
                    "coordinators and administrators import hotspots".into(),
                ));
            }
        }
        let now = self.now();
        let parsed = sinergi_core::observation::parse_firms(csv_text, now);
        let rows = parsed.rows.len() + parsed.errors.len();
        let hotspots: Vec<NewHotspot> = parsed
            .rows
            .iter()
            .map(|(_, h): &(usize, Hotspot)| NewHotspot {
                id: HotspotId::new_at(now, Self::id_bits()),
                dedupe: h.dedupe_key(),
                lon: h.lon,
                lat: h.lat,
                acquired_at: h.acquired_at,
                satellite: h.satellite.clone(),
                confidence: h.confidence.clone(),
                frp: h.frp,
                imported_at: now,
            })
            .collect();
        // Hotspots already stored were evaluated when they came in: importing a file again
        // must change nothing, also not the quiet periods.
        let keys: Vec<String> = hotspots.iter().map(|h| h.dedupe.clone()).collect();
        let known = self.store.existing_hotspots(&keys).await?;
        // The new ones, each once.
        let mut seen = std::collections::HashSet::new();
        let new: Vec<usize> = (0..hotspots.len())
            .filter(|&k| !known[k] && seen.insert(hotspots[k].dedupe.clone()))
            .collect();
        if dry_run {
            let mut trial = self.trial_state().await?;
            let alerts = self.plan_hotspots(&mut trial, &hotspots, &new, now);
            let alerts = self.new_alerts(&alerts, &mut Default::default()).await?;
            return Ok(ImportReport {
                dry_run,
                rows,
                stored: new.len(),
                held: 0,
                duplicates: hotspots.len() - new.len(),
                refused: parsed.errors.len(),
                alerts,
                errors: parsed.errors,
            });
        }
        let mut st = self.engine_state().await?;
        let alerts = self.plan_hotspots(&mut st, &hotspots, &new, now);
        let entry = (!new.is_empty()).then(|| {
            self.audit(
                actor,
                Action::Import,
                "hotspots",
                "firms",
                json!({"source": "firms", "hotspots": new.len(), "alerts": alerts.len()}),
            )
        });
        let outcome = self
            .commit_batch(st, &[], &hotspots, &alerts, entry.as_ref())
            .await?;
        let stored = outcome.hotspots_stored.iter().filter(|s| **s).count();
        Ok(ImportReport {
            dry_run,
            rows,
            stored,
            held: 0,
            duplicates: hotspots.len() - stored,
            refused: parsed.errors.len(),
            alerts: outcome.alerts.len(),
            errors: parsed.errors,
        })
    }

    /// Evaluates the hotspots `new` indexes on `st`; the alerts they raise.
    fn plan_hotspots(
        &self,
        st: &mut EngineState,
        hotspots: &[NewHotspot],
        new: &[usize],
        now: DateTime<Utc>,
    ) -> Vec<NewAlert> {
        let mut events: Vec<(usize, Event)> = Vec::new();
        let mut buf = Vec::new();
        for &k in new {
            let h = &hotspots[k];
            st.engine.evaluate(
                &Fix::hotspot(h.acquired_at.timestamp_millis(), h.lon, h.lat),
                &mut buf,
            );
            events.extend(buf.drain(..).map(|e| (k, e)));
        }
        let mut alerts = self.alerts_for_events_with(st, &events, now, |k, e| {
            format!("hotspot:{}:{}:{}", hotspots[k].dedupe, e.rule, e.fence)
        });
        for (a, (k, _)) in alerts.iter_mut().zip(&events) {
            a.fix = None;
            a.hotspot = Some(*k);
        }
        alerts
    }

    /// A registry report of a wildlife sighting or conflict enters the engine as a fix
    /// without a device (a village reporter: "elephants at the edge of the village").
    pub async fn evaluate_report(&self, r: &Report) -> AppResult<Vec<Alert>> {
        let Some(t) = self.report_type(&r.type_key) else {
            return Ok(Vec::new());
        };
        if !matches!(t.category.as_str(), "wildlife" | "wildlife_conflict") {
            return Ok(Vec::new());
        }
        let species = r.attributes.get("species").and_then(|v| v.as_str());
        let (lon, lat) = r.geometry.representative_point();
        let now = self.now();
        let mut st = self.engine_state().await?;
        let mut buf = Vec::new();
        st.engine.evaluate(
            &Fix::sighting(species, r.occurred_at.timestamp_millis(), lon, lat),
            &mut buf,
        );
        let events: Vec<(usize, Event)> = buf.into_iter().map(|e| (0, e)).collect();
        let mut alerts = self.alerts_for_events_with(&st, &events, now, |_, e| {
            format!(
                "report:{}:{}:{}:{}",
                r.id,
                e.rule,
                e.fence,
                event_kind(e.kind)
            )
        });
        for a in &mut alerts {
            a.fix = None;
            a.report_id = Some(r.id);
        }
        if alerts.is_empty() {
            return Ok(Vec::new());
        }
        let outcome = self.commit_batch(st, &[], &[], &alerts, None).await?;
        Ok(outcome.alerts)
    }

    /// Alerts for events keyed by rule, fence, subject, kind and time (fix and tick events).
    pub(crate) fn alerts_for_events(
        &self,
        st: &EngineState,
        events: &[(usize, Event)],
        now: DateTime<Utc>,
    ) -> Vec<NewAlert> {
        self.alerts_for_events_with(st, events, now, |_, e| event_dedupe(e))
    }

    /// Alerts to store for engine events, with their deliveries.
    fn alerts_for_events_with(
        &self,
        st: &EngineState,
        events: &[(usize, Event)],
        now: DateTime<Utc>,
        dedupe: impl Fn(usize, &Event) -> String,
    ) -> Vec<NewAlert> {
        events
            .iter()
            .filter_map(|(k, e)| {
                let rule = st.rules.get(&sinergi_core::warning::RuleId(e.rule.0))?;
                Some(NewAlert {
                    id: AlertId::new_at(now, Self::id_bits()),
                    dedupe: dedupe(*k, e),
                    rule_id: Some(rule.id),
                    fence_id: Some(sinergi_core::warning::FenceId(e.fence.0)),
                    subject_id: e.subject.map(|s| sinergi_core::warning::SubjectId(s.0)),
                    device_id: None,
                    report_id: None,
                    fix: Some(*k),
                    hotspot: None,
                    kind: event_kind(e.kind).to_string(),
                    severity: rule.spec.severity,
                    owner_agency_id: rule.owner_agency_id,
                    at: DateTime::from_timestamp_millis(e.at_ms).unwrap_or(now),
                    lon: e.lon,
                    lat: e.lat,
                    distance_m: e.distance_m,
                    created_at: now,
                    deliveries: self.deliveries_for(st, rule),
                })
            })
            .collect()
    }

    /// Outbox destinations of a rule's alerts: the webhooks of its agency and recipient
    /// agencies, its contacts' phones (SMS) and addresses (e-mail).
    pub(crate) fn deliveries_for(&self, st: &EngineState, rule: &Rule) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for ch in &rule.spec.channels {
            match ch {
                Channel::Board => {}
                Channel::Webhook => {
                    for w in st.webhooks.iter().filter(|w| {
                        w.active
                            && (w.owner_agency_id == rule.owner_agency_id
                                || rule.spec.recipients.agencies.contains(&w.owner_agency_id))
                    }) {
                        out.push(("webhook".to_string(), w.id.to_string()));
                    }
                }
                Channel::Sms => {
                    for c in &rule.spec.recipients.contacts {
                        if let Some(p) = &c.phone {
                            out.push(("sms".to_string(), p.clone()));
                        }
                    }
                }
                Channel::Email => {
                    for c in &rule.spec.recipients.contacts {
                        if let Some(e) = &c.email {
                            out.push(("email".to_string(), e.clone()));
                        }
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Commits what a batch evaluated under the engine lock (see the module documentation
    /// of `warning`): the commit lock is taken before the engine lock is let go, so the
    /// next batch is evaluated while this one commits, and commits keep evaluation order.
    /// A batch evaluated on a state that holds a failed batch is refused unwritten.
    /// Live streams and the delivery worker hear of the alerts in commit order. `audit`
    /// is the batch's entry, written with it.
    pub(crate) async fn commit_batch(
        &self,
        st: tokio::sync::MutexGuard<'_, EngineState>,
        fixes: &[NewFix],
        hotspots: &[NewHotspot],
        alerts: &[NewAlert],
        audit: Option<&NewAudit>,
    ) -> AppResult<sinergi_store::warning::IngestOutcome> {
        use std::sync::atomic::Ordering;
        let based_on = st.failures_seen;
        let waited = std::time::Instant::now();
        let turn = self.warning.commit.lock().await;
        drop(st);
        let started = std::time::Instant::now();
        if self.warning.failed_commits.load(Ordering::SeqCst) != based_on {
            return Err(AppError::Unavailable(
                "an earlier batch could not be stored; the engine is being rebuilt, nothing of this one was stored"
                    .into(),
            ));
        }
        let outcome = match self.store.ingest(fixes, hotspots, alerts, audit).await {
            Ok(o) => o,
            Err(e) => {
                self.warning.failed_commits.fetch_add(1, Ordering::SeqCst);
                return Err(e.into());
            }
        };
        self.publish(&outcome.alerts);
        drop(turn);
        tracing::debug!(
            fixes = fixes.len(),
            alerts = alerts.len(),
            turn_wait_ms = (started - waited).as_secs_f64() * 1000.0,
            commit_ms = started.elapsed().as_secs_f64() * 1000.0,
            "commit"
        );
        Ok(outcome)
    }

    /// Tells live streams and the delivery worker about committed alerts.
    pub(crate) fn publish(&self, alerts: &[Alert]) {
        crate::operations::alerts_raised(alerts);
        for a in alerts {
            self.events
                .publish(crate::events::LiveEvent::Alert(super::LiveAlert {
                    alert: a.clone(),
                    update: false,
                }));
        }
        if !alerts.is_empty() {
            self.warning.outbox_ready.notify_one();
        }
    }
}
