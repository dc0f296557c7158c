//! Fixes in: JSON batches, Movebank CSV, MQTT messages, village sightings from the registry
//! and FIRMS hotspots, each evaluated by the engine as it arrives.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sinergi_core::access::Actor;
use sinergi_core::error::FieldError;
use sinergi_core::observation::{FixInput, Hotspot, RowError};
use sinergi_core::report::Report;
use sinergi_core::user::Role;
use sinergi_core::warning::{Alert, AlertId, Channel, Device, HotspotId, Rule};
use sinergi_geofence::{Event, EventKind, Fix, Outcome};
use sinergi_store::warning::{NewAlert, NewFix, NewHotspot};

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

/// Who may send fixes: everyone but analysts; devices of other agencies are refused.
fn may_report_for(actor: Option<&Actor>, device: Option<&Device>) -> Result<(), String> {
    let Some(actor) = actor else { return Ok(()) };
    if actor.role == Role::Analyst {
        return Err("analysts may not send fixes".into());
    }
    match device {
        Some(d)
            if actor.role != Role::SystemAdmin
                && d.owner_agency_id != actor.agency_id
                && !actor.agency_descendants.contains(&d.owner_agency_id) =>
        {
            Err("the device belongs to another agency".into())
        }
        _ => Ok(()),
    }
}

impl App {
    /// Stores and evaluates a batch of parsed fixes (`Err` items are refused as given).
    /// `actor: None` is the local operator or a configured broker.
    pub async fn ingest_fixes(
        &self,
        actor: Option<&Actor>,
        inputs: Vec<Result<FixInput, Vec<FieldError>>>,
        source: &str,
    ) -> AppResult<IngestReport> {
        if let Some(a) = actor {
            if a.role == Role::Analyst {
                return Err(AppError::Forbidden("analysts may not send fixes".into()));
            }
        }
        let now = self.now();
        let waited = std::time::Instant::now();
        let mut st = self.engine_state().await?;
        let started = std::time::Instant::now();
        let mut results: Vec<FixResult> = Vec::with_capacity(inputs.len());
        let mut fixes: Vec<NewFix> = Vec::new();
        // (index into results, index into fixes)
        let mut slots: Vec<(usize, usize)> = Vec::new();
        for (i, input) in inputs.into_iter().enumerate() {
            match input {
                Err(errors) => results.push(FixResult {
                    status: FixStatus::Refused,
                    errors,
                    alerts: Vec::new(),
                }),
                Ok(f) => {
                    let device = st.devices.get(&f.device).cloned();
                    if let Err(msg) = may_report_for(actor, device.as_ref()) {
                        results.push(FixResult {
                            status: FixStatus::Refused,
                            errors: vec![FieldError {
                                field: format!("[{i}].device"),
                                message: msg,
                            }],
                            alerts: Vec::new(),
                        });
                        continue;
                    }
                    let subject = device
                        .as_ref()
                        .and_then(|d| st.subject_at(d, f.recorded_at));
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
        let alerts = self.alerts_for_events(&st, &events, now);
        let evaluated = std::time::Instant::now();
        let outcome = self.commit_batch(st, &fixes, &[], &alerts).await?;
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

    /// What importing these fixes would do, without writing or evaluating anything.
    pub async fn preview_fixes(
        &self,
        actor: Option<&Actor>,
        inputs: &[FixInput],
    ) -> AppResult<(usize, usize, usize, usize)> {
        let st = self.engine_state().await?;
        self.settled().await;
        let keys: Vec<(String, DateTime<Utc>)> = inputs
            .iter()
            .map(|f| (f.device.clone(), f.recorded_at))
            .collect();
        let existing = self.store.existing_fixes(&keys).await?;
        let (mut stored, mut held, mut dup, mut refused) = (0, 0, 0, 0);
        let mut seen = std::collections::HashSet::new();
        for (f, exists) in inputs.iter().zip(existing) {
            let device = st.devices.get(&f.device);
            if may_report_for(actor, device).is_err() {
                refused += 1;
            } else if exists || !seen.insert((f.device.clone(), f.recorded_at)) {
                dup += 1;
            } else if device
                .and_then(|d| st.subject_at(d, f.recorded_at))
                .is_some()
            {
                stored += 1;
            } else {
                held += 1;
            }
        }
        Ok((stored, held, dup, refused))
    }

    /// Imports a Movebank CSV export; bad rows are reported by line and the rest go in.
    pub async fn import_movebank(
        &self,
        actor: Option<&Actor>,
        csv_text: &str,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        let parsed = sinergi_core::observation::parse_movebank(csv_text, self.now());
        let rows = parsed.rows.len() + parsed.errors.len();
        let mut errors = parsed.errors;
        let inputs: Vec<FixInput> = parsed.rows.iter().map(|(_, f)| f.clone()).collect();
        if dry_run {
            let (stored, held, duplicates, refused) = self.preview_fixes(actor, &inputs).await?;
            return Ok(ImportReport {
                dry_run,
                rows,
                stored,
                held,
                duplicates,
                refused: refused + errors.len(),
                alerts: 0,
                errors,
            });
        }
        let mut report = IngestReport {
            stored: 0,
            held: 0,
            duplicates: 0,
            refused: 0,
            results: Vec::new(),
            alerts: Vec::new(),
        };
        // Large files go in as several transactions of bounded size.
        for chunk in parsed.rows.chunks(20_000) {
            let r = self
                .ingest_fixes(
                    actor,
                    chunk.iter().map(|(_, f)| Ok(f.clone())).collect(),
                    "movebank",
                )
                .await?;
            for ((line, _), res) in chunk.iter().zip(&r.results) {
                if res.status == FixStatus::Refused {
                    errors.push(RowError {
                        line: *line,
                        message: res
                            .errors
                            .iter()
                            .map(|e| e.message.clone())
                            .collect::<Vec<_>>()
                            .join("; "),
                    });
                }
            }
            report.stored += r.stored;
            report.held += r.held;
            report.duplicates += r.duplicates;
            report.refused += r.refused;
            report.alerts.extend(r.alerts);
        }
        errors.sort_by_key(|e| e.line);
        Ok(ImportReport {
            dry_run,
            rows,
            stored: report.stored,
            held: report.held,
            duplicates: report.duplicates,
            refused: errors.len(),
            alerts: report.alerts.len(),
            errors,
        })
    }

    /// Imports a FIRMS CSV: each new hotspot inside a watched area raises a fire alert;
    /// importing the same file again changes nothing.
    pub async fn import_firms(
        &self,
        actor: Option<&Actor>,
        csv_text: &str,
        dry_run: bool,
    ) -> AppResult<ImportReport> {
        if let Some(a) = actor {
            if !matches!(
                a.role,
                Role::Coordinator | Role::AgencyAdmin | Role::SystemAdmin
            ) {
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
                id: HotspotId::new_at(now, Self::random10()),
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
        let mut seen = std::collections::HashSet::new();
        let mut st = self.engine_state().await?;
        let mut events: Vec<(usize, Event)> = Vec::new();
        let mut buf = Vec::new();
        for (k, h) in hotspots.iter().enumerate() {
            if known[k] || !seen.insert(h.dedupe.clone()) {
                continue;
            }
            st.engine.evaluate(
                &Fix::hotspot(h.acquired_at.timestamp_millis(), h.lon, h.lat),
                &mut buf,
            );
            events.extend(buf.drain(..).map(|e| (k, e)));
        }
        let mut alerts = self.alerts_for_events_with(&st, &events, now, |k, e| {
            format!("hotspot:{}:{}:{}", hotspots[k].dedupe, e.rule, e.fence)
        });
        for (a, (k, _)) in alerts.iter_mut().zip(&events) {
            a.fix = None;
            a.hotspot = Some(*k);
        }
        if dry_run {
            return Ok(ImportReport {
                dry_run,
                rows,
                stored: known.iter().filter(|k| !**k).count(),
                held: 0,
                duplicates: known.iter().filter(|k| **k).count(),
                refused: parsed.errors.len(),
                alerts: alerts.len(),
                errors: parsed.errors,
            });
        }
        let outcome = self.commit_batch(st, &[], &hotspots, &alerts).await?;
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
        let outcome = self.commit_batch(st, &[], &[], &alerts).await?;
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
                    id: AlertId::new_at(now, Self::random10()),
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
    /// Live streams and the delivery worker hear of the alerts in commit order.
    pub(crate) async fn commit_batch(
        &self,
        st: tokio::sync::MutexGuard<'_, EngineState>,
        fixes: &[NewFix],
        hotspots: &[NewHotspot],
        alerts: &[NewAlert],
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
        let outcome = match self.store.ingest(fixes, hotspots, alerts).await {
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
        for a in alerts {
            let _ = self.warning.live.send(super::LiveAlert {
                alert: a.clone(),
                update: false,
            });
        }
        if !alerts.is_empty() {
            self.warning.outbox_ready.notify_one();
        }
    }
}
