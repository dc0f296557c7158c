//! Alerts: who sees them, their response (acknowledge, log actions, close with an outcome)
//! and device health.
//!
//! An alert is seen by the users of the agency that owns its rule (or device) and the
//! agencies above it, by the rule's recipient agencies and by its recipient users. They
//! are the responders, so they get the exact position, also for location-sensitive
//! species; nobody else sees the alert at all.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::Action;
use sinergi_core::warning::body::AlertStep;
use sinergi_core::warning::{
    Alert, AlertId, AlertStatus, FenceId, Severity, SubjectId, ALERT_ACTIONS, ALERT_OUTCOMES,
};
use sinergi_core::ValidationErrors;
use sinergi_store::warning::{AlertAction, AlertFilter, AlertScope, NewAlert, OutboxRow};
use sinergi_store::UpdateOutcome;

use super::admin::within;
use super::EngineState;
use crate::{App, AppError, AppResult};

/// An alert with what a reader needs beside it.
#[derive(Debug, Clone, Serialize)]
pub struct AlertView {
    #[serde(flatten)]
    pub alert: Alert,
    pub rule_name: Option<String>,
    pub fence_name: Option<String>,
    pub subject_name: Option<String>,
    pub species: Option<String>,
    pub seconds_to_acknowledge: Option<i64>,
    pub seconds_to_close: Option<i64>,
}

/// Which alerts to list (all optional but the page size).
#[derive(Debug, Clone, Default)]
pub struct AlertListFilter {
    /// Raised at or after this time.
    pub since: Option<DateTime<Utc>>,
    pub status: Option<AlertStatus>,
    /// In this area (fence).
    pub fence: Option<FenceId>,
    pub subject: Option<SubjectId>,
    /// Below this stream position: the page after one that ended there.
    pub before: Option<i64>,
    pub limit: u32,
}

/// A response step: `{action, note?}`, or closing with `{outcome, note?}`.
#[derive(Debug, Clone)]
pub struct RespondInput {
    pub action: String,
    pub note: String,
}

/// Battery below this percentage raises `battery_low`.
pub const LOW_BATTERY_PERCENT: f64 = 15.0;
/// A device whose fixes of the last [`STILL_HOURS`] all lie within this many metres raises
/// `no_movement` (collar dropped, or the animal is down).
pub const STILL_METRES: f64 = 50.0;
pub const STILL_HOURS: i64 = 6;

impl App {
    /// Whether the actor may see the alert (see the module documentation).
    pub(crate) fn sees(&self, st: &EngineState, actor: &Actor, a: &Alert) -> bool {
        if within(actor, a.owner_agency_id) {
            return true;
        }
        let Some(rule) = a.rule_id.and_then(|r| st.rules.get(&r)) else {
            return false;
        };
        rule.spec.recipients.agencies.contains(&actor.agency_id)
            || rule.spec.recipients.users.contains(&actor.user_id)
    }

    fn view(&self, st: &EngineState, a: Alert) -> AlertView {
        let subject = a.subject_id.and_then(|s| st.subjects.get(&s));
        let rule = a.rule_id.and_then(|r| st.rules.get(&r));
        // A sighting has no subject: its species is the one the rule watches.
        let rule_species = rule.and_then(|r| match &r.spec.subjects {
            sinergi_geofence::SubjectFilter::Species(s) => Some(s.clone()),
            _ => None,
        });
        AlertView {
            rule_name: rule.map(|r| r.name.clone()),
            fence_name: a
                .fence_id
                .and_then(|f| st.fences.get(&f))
                .map(|f| f.name.clone()),
            subject_name: subject.map(|s| s.name.clone()),
            species: subject.map(|s| s.species.clone()).or(rule_species),
            seconds_to_acknowledge: a.seconds_to_acknowledge(),
            seconds_to_close: a.seconds_to_close(),
            alert: a,
        }
    }

    /// What [`Self::sees`] lets through, as a database filter: the actor's agency and
    /// those below it, and the rules naming the actor or the actor's agency.
    fn scope(st: &EngineState, actor: &Actor) -> AlertScope {
        let mut agencies = vec![actor.agency_id];
        agencies.extend(actor.agency_descendants.iter().copied());
        let mut rules: Vec<_> = st
            .rules
            .values()
            .filter(|r| {
                r.spec.recipients.agencies.contains(&actor.agency_id)
                    || r.spec.recipients.users.contains(&actor.user_id)
            })
            .map(|r| r.id)
            .collect();
        rules.sort_unstable();
        AlertScope { agencies, rules }
    }

    /// Alerts the actor sees, newest first; `before` (a stream position) gives the next
    /// page. Visibility is part of the query, so another agency's flood of alerts never
    /// pushes the actor's own off the page.
    pub async fn alerts_for(
        &self,
        actor: &Actor,
        filter: AlertListFilter,
    ) -> AppResult<Vec<AlertView>> {
        let st = self.engine_state().await?;
        let page = self
            .store
            .alerts(&AlertFilter {
                since: filter.since,
                status: filter.status,
                fence: filter.fence,
                subject: filter.subject,
                after_seq: None,
                before_seq: filter.before,
                scope: Some(Self::scope(&st, actor)),
                limit: filter.limit.clamp(1, 1000),
            })
            .await?;
        Ok(page
            .into_iter()
            .filter(|a| self.sees(&st, actor, a))
            .map(|a| self.view(&st, a))
            .collect())
    }

    /// Alerts after a stream position the actor sees, oldest first (to resume a stream).
    pub async fn alerts_after(
        &self,
        actor: &Actor,
        seq: i64,
        limit: u32,
    ) -> AppResult<Vec<AlertView>> {
        let st = self.engine_state().await?;
        let page = self
            .store
            .alerts(&AlertFilter {
                after_seq: Some(seq),
                scope: Some(Self::scope(&st, actor)),
                limit,
                ..Default::default()
            })
            .await?;
        Ok(page
            .into_iter()
            .filter(|a| self.sees(&st, actor, a))
            .map(|a| self.view(&st, a))
            .collect())
    }

    /// The view of a live alert, if the actor sees it (for streams).
    pub async fn visible_alert(&self, actor: &Actor, a: &Alert) -> AppResult<Option<AlertView>> {
        let st = self.engine_state().await?;
        Ok(self.sees(&st, actor, a).then(|| self.view(&st, a.clone())))
    }

    /// One alert with its response log and deliveries.
    pub async fn alert_for(
        &self,
        actor: &Actor,
        id: AlertId,
    ) -> AppResult<(AlertView, Vec<AlertAction>, Vec<OutboxRow>)> {
        let a = self.store.alert(id).await?.ok_or(AppError::NotFound)?;
        let st = self.engine_state().await?;
        if !self.sees(&st, actor, &a) {
            return Err(AppError::NotFound);
        }
        let view = self.view(&st, a);
        drop(st);
        Ok((
            view,
            self.store.alert_actions(id).await?,
            self.store.outbox_for_alert(id).await?,
        ))
    }

    /// Acknowledge ("responding"), log an action, or close with an outcome.
    /// `step` is `acknowledge`, `action` or `close`; `body` is `{note}`, `{action, note}` /
    /// `{outcome, note}`.
    pub async fn respond_to_alert(
        &self,
        actor: &Actor,
        id: AlertId,
        step: &str,
        body: &AlertStep,
    ) -> AppResult<AlertView> {
        if !actor.may(sinergi_core::permission::Action::RespondToAlerts) {
            return Err(AppError::Forbidden(
                "analysts do not respond to alerts".into(),
            ));
        }
        let (view, _, _) = self.alert_for(actor, id).await?;
        let mut a = view.alert;
        let now = self.now();
        let note: String = body
            .note
            .given()
            .map_or("", String::as_str)
            .trim()
            .chars()
            .take(2000)
            .collect();
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let action_name;
        match step {
            "acknowledge" => {
                if a.status != AlertStatus::Open {
                    return Err(AppError::Conflict(format!(
                        "the alert is already {}",
                        a.status.as_str()
                    )));
                }
                a.status = AlertStatus::Acknowledged;
                a.acknowledged_at = Some(now);
                a.acknowledged_by = Some(actor.user_id);
                action_name = "acknowledge".to_string();
            }
            "action" => {
                if a.status == AlertStatus::Closed {
                    return Err(AppError::Conflict("the alert is closed".into()));
                }
                let act = body.action.given().map_or("", String::as_str);
                if !ALERT_ACTIONS.contains(&act) {
                    errs.push(
                        "action",
                        sinergi_core::msg!(
                            "alert-action-invalid",
                            "must be one of: {choices}",
                            choices = ALERT_ACTIONS.join(", ")
                        ),
                    );
                }
                if act == "note" && note.is_empty() {
                    errs.push(
                        "note",
                        sinergi_core::msg!("alert-note-required", "a note needs text"),
                    );
                }
                // Acting on an alert is responding to it.
                if a.status == AlertStatus::Open {
                    a.status = AlertStatus::Acknowledged;
                    a.acknowledged_at = Some(now);
                    a.acknowledged_by = Some(actor.user_id);
                }
                action_name = act.to_string();
            }
            "close" => {
                if a.status == AlertStatus::Closed {
                    return Err(AppError::Conflict("the alert is already closed".into()));
                }
                let outcome = body.outcome.given().map_or("", String::as_str);
                if !ALERT_OUTCOMES.contains(&outcome) {
                    errs.push(
                        "outcome",
                        sinergi_core::msg!(
                            "alert-outcome-invalid",
                            "must be one of: {choices}",
                            choices = ALERT_OUTCOMES.join(", ")
                        ),
                    );
                }
                if a.acknowledged_at.is_none() {
                    a.acknowledged_at = Some(now);
                    a.acknowledged_by = Some(actor.user_id);
                }
                a.status = AlertStatus::Closed;
                a.closed_at = Some(now);
                a.closed_by = Some(actor.user_id);
                a.outcome = Some(outcome.to_string());
                action_name = format!("close:{outcome}");
            }
            _ => return Err(AppError::NotFound),
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let expected = a.version;
        a.version += 1;
        let action = AlertAction {
            id: sinergi_core::ids::ReferralId::new_at(now, Self::id_bits()).0,
            alert_id: a.id,
            at: now,
            user_id: actor.user_id,
            username: actor.username.clone(),
            action: action_name.clone(),
            note,
        };
        let entry = self.audit(
            Some(actor),
            Action::AlertRespond,
            "alert",
            &a.id.to_string(),
            json!({"step": action_name, "status": a.status.as_str()}),
        );
        match self
            .store
            .update_alert(&a, expected, Some(&action), &entry)
            .await?
        {
            UpdateOutcome::Updated => {}
            UpdateOutcome::VersionMismatch(current) => {
                return Err(AppError::PreconditionFailed { current })
            }
            UpdateOutcome::NotFound => return Err(AppError::NotFound),
        }
        // Other open boards show the new status at once.
        self.events
            .publish(crate::events::LiveEvent::Alert(super::LiveAlert {
                alert: a.clone(),
                update: true,
            }));
        let st = self.engine_state().await?;
        Ok(self.view(&st, a))
    }

    /// Checks every deployed device: silent for longer than three expected intervals, a
    /// low battery, or no movement for hours each raise one alert (once per occurrence).
    pub async fn check_device_health(&self) -> AppResult<Vec<Alert>> {
        let now = self.now();
        let st = self.engine_state().await?;
        // Read the fixes once the batch committing now (if any) is in.
        self.settled().await;
        let last = self.store.device_last_fixes().await?;
        let mut raise: Vec<NewAlert> = Vec::new();
        for d in st.devices.values() {
            let Some(subject) = st.subject_at(d, now) else {
                continue;
            };
            let Some(l) = last.iter().find(|l| l.device_id == d.id) else {
                continue;
            };
            let new = |kind: &str, dedupe: String, severity: Severity| NewAlert {
                id: AlertId::new_at(now, Self::id_bits()),
                dedupe,
                rule_id: None,
                fence_id: None,
                subject_id: Some(subject),
                device_id: Some(d.id),
                report_id: None,
                fix: None,
                hotspot: None,
                kind: kind.to_string(),
                severity,
                owner_agency_id: d.owner_agency_id,
                at: l.recorded_at,
                lon: l.lon,
                lat: l.lat,
                distance_m: None,
                created_at: now,
                deliveries: Vec::new(),
            };
            if now - l.recorded_at > Duration::seconds(3 * d.expected_interval_s) {
                raise.push(new(
                    "device_silent",
                    format!("silent:{}:{}", d.id, l.recorded_at.timestamp_millis()),
                    Severity::Warning,
                ));
            }
            if l.battery.is_some_and(|b| b < LOW_BATTERY_PERCENT) {
                raise.push(new(
                    "battery_low",
                    format!("battery:{}:{}", d.id, l.recorded_at.date_naive()),
                    Severity::Info,
                ));
            }
            let recent = self
                .store
                .device_recent_fixes(d.id, 500)
                .await?
                .into_iter()
                .filter(|f| l.recorded_at - f.recorded_at <= Duration::hours(STILL_HOURS))
                .collect::<Vec<_>>();
            let spans = recent.last().is_some_and(|oldest| {
                l.recorded_at - oldest.recorded_at
                    >= Duration::hours(STILL_HOURS) - Duration::minutes(1)
            });
            if recent.len() >= 3 && spans {
                let still = recent.iter().all(|f| {
                    let dy = (f.lat - l.lat) * sinergi_geofence::METRES_PER_DEGREE_LAT;
                    let dx = (f.lon - l.lon)
                        * sinergi_geofence::METRES_PER_DEGREE_LON
                        * l.lat.to_radians().cos();
                    (dx * dx + dy * dy).sqrt() <= STILL_METRES
                });
                // One alert per still period: keyed by where the stillness began.
                let mut start = recent
                    .last()
                    .map(|f| f.recorded_at)
                    .unwrap_or(l.recorded_at);
                if still {
                    for f in self.store.device_recent_fixes(d.id, 5000).await? {
                        let dy = (f.lat - l.lat) * sinergi_geofence::METRES_PER_DEGREE_LAT;
                        let dx = (f.lon - l.lon)
                            * sinergi_geofence::METRES_PER_DEGREE_LON
                            * l.lat.to_radians().cos();
                        if (dx * dx + dy * dy).sqrt() > STILL_METRES {
                            break;
                        }
                        start = f.recorded_at;
                    }
                    raise.push(new(
                        "no_movement",
                        format!("still:{}:{}", d.id, start.timestamp_millis()),
                        Severity::Critical,
                    ));
                }
            }
        }
        let mut fresh = Vec::new();
        for a in raise {
            if !self.store.alert_exists(&a.dedupe).await? {
                fresh.push(a);
            }
        }
        if fresh.is_empty() {
            return Ok(Vec::new());
        }
        let outcome = self.commit_batch(st, &[], &[], &fresh, None).await?;
        Ok(outcome.alerts)
    }

    /// Dwell alerts due for subjects that stay inside without sending a new fix.
    pub async fn tick_engine(&self) -> AppResult<Vec<Alert>> {
        let now = self.now();
        let mut st = self.engine_state().await?;
        let mut events = Vec::new();
        st.engine.tick(now.timestamp_millis(), &mut events);
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let events: Vec<(usize, sinergi_geofence::Event)> =
            events.into_iter().map(|e| (0, e)).collect();
        let mut alerts = self.alerts_for_events(&st, &events, now);
        for a in &mut alerts {
            a.fix = None;
        }
        let outcome = self.commit_batch(st, &[], &[], &alerts, None).await?;
        Ok(outcome.alerts)
    }
}
