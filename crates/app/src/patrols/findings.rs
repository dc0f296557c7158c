//! What patrols found: observations from waypoints to confirm or dismiss, findings
//! (reports linked to a patrol), and the effort and findings of many patrols summed over
//! a period (ADR 16).
//!
//! Only findings the actor may see count, in every figure: a finding is a report, and a
//! report the actor may not open does not exist for them (ADR 9: counts act on what the
//! caller receives).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::ids::{AgencyId, PatrolId, ReportId};
use sinergi_core::patrol::effort::{self, finding_rates, Cell, FindingRate};
use sinergi_core::patrol::gpx::Waypoint;
use sinergi_core::patrol::observation::{finding_counts, Observation, ObservationState};
use sinergi_core::patrol::summary::{summarize, GroupBy, LegFigures, PatrolFacts, Summary};
use sinergi_core::patrol::{MemberRole, Patrol};
use sinergi_core::permission::Action;
use sinergi_core::time::Zone;

use crate::{App, AppError, AppResult};

/// One finding of a patrol as the actor may see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub report_id: ReportId,
    pub type_key: String,
    pub title: String,
    pub occurred_at: DateTime<Utc>,
}

/// A patrol's findings the actor may see, and their rates over its effort.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolFindings {
    pub findings: Vec<Finding>,
    pub by_type: BTreeMap<String, FindingRate>,
}

impl App {
    /// Keeps a file's waypoints as observations of `patrol`, to be confirmed; those
    /// already kept (the same file again) are not added twice. Returns how many were new.
    pub(crate) async fn keep_waypoints(
        &self,
        actor: &Actor,
        patrol: PatrolId,
        waypoints: &[Waypoint],
        now: DateTime<Utc>,
    ) -> AppResult<usize> {
        if waypoints.is_empty() {
            return Ok(0);
        }
        let obs: Vec<Observation> = waypoints
            .iter()
            .map(|w| Observation::of_waypoint(patrol, w, actor.user_id, now))
            .collect();
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolObservationsAdd,
            "patrol",
            &patrol.to_string(),
            json!({"waypoints": obs.len()}),
        );
        Ok(self.store.add_observations(&obs, &entry).await?)
    }

    /// A patrol's observations with their state; not found when the actor may not see
    /// the patrol.
    pub async fn patrol_observations(
        &self,
        actor: &Actor,
        patrol: PatrolId,
    ) -> AppResult<Vec<(Observation, ObservationState)>> {
        self.visible_patrol(actor, patrol).await?;
        Ok(self
            .store
            .observations(patrol)
            .await?
            .into_iter()
            .map(|(o, reported)| {
                let s = o.state(reported);
                (o, s)
            })
            .collect())
    }

    /// Those who add tracks to a patrol also decide its observations and link its
    /// findings: [`Action::RecordPatrols`] in an agency that organises the patrol or is a
    /// member of it.
    async fn patrol_to_record(&self, actor: &Actor, patrol: PatrolId) -> AppResult<Patrol> {
        if !actor.may(Action::RecordPatrols) {
            return Err(AppError::Forbidden("analysts cannot record patrols".into()));
        }
        let p = self.visible_patrol(actor, patrol).await?;
        if !p.agencies().contains(&actor.agency_id) {
            return Err(AppError::Forbidden(
                "only an agency that organises the patrol or is a member of it may record its findings"
                    .into(),
            ));
        }
        Ok(p)
    }

    /// Dismisses an observation (or takes a dismissal back). Dismissing a confirmed one
    /// changes nothing it counts: its report stays a finding.
    pub async fn dismiss_observation(
        &self,
        actor: &Actor,
        patrol: PatrolId,
        id: ReportId,
        dismissed: bool,
    ) -> AppResult<()> {
        self.patrol_to_record(actor, patrol).await?;
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolObservationDismiss,
            "patrol",
            &patrol.to_string(),
            json!({"observation": id.to_string(), "dismissed": dismissed}),
        );
        if self
            .store
            .set_observation_dismissed(patrol, id, dismissed, &entry)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Links a report to a patrol as its finding. The actor must be able to record on
    /// the patrol and see the report in full (a report shared to read cannot be
    /// claimed). Linking it again changes nothing.
    pub async fn link_finding(
        &self,
        actor: &Actor,
        patrol: PatrolId,
        report: ReportId,
    ) -> AppResult<bool> {
        self.patrol_to_record(actor, patrol).await?;
        let (_, form) = self.report_with_form(actor, report).await?;
        if form != sinergi_core::sharing::Form::Full {
            return Err(AppError::Forbidden(
                "a report shared with your agency to read only cannot be linked to a patrol".into(),
            ));
        }
        let now = self.now();
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolFindingLink,
            "patrol",
            &patrol.to_string(),
            json!({"report": report.to_string()}),
        );
        Ok(self
            .store
            .link_finding(patrol, report, actor.user_id, now, &entry)
            .await?)
    }

    /// Of these reports, those the actor may see, with their type, title (as delivered)
    /// and time.
    async fn visible_findings(
        &self,
        actor: &Actor,
        ids: &[ReportId],
    ) -> AppResult<HashMap<ReportId, Finding>> {
        Ok(self
            .delivered_unaudited(actor, ids)
            .await?
            .into_iter()
            .map(|r| {
                (
                    r.id,
                    Finding {
                        report_id: r.id,
                        occurred_at: r.occurred_at.with_timezone(&Utc),
                        type_key: r.type_key,
                        title: r.title,
                    },
                )
            })
            .collect())
    }

    /// A patrol's findings the actor may see, newest first, with their rates over the
    /// patrol's effort.
    pub async fn patrol_findings(
        &self,
        actor: &Actor,
        patrol: PatrolId,
    ) -> AppResult<PatrolFindings> {
        let (p, legs) = self.patrol_for(actor, patrol).await?;
        let ids: Vec<ReportId> = self
            .store
            .findings(&[patrol])
            .await?
            .into_iter()
            .map(|(_, r)| r)
            .collect();
        let visible = self.visible_findings(actor, &ids).await?;
        let mut findings: Vec<Finding> = visible.into_values().collect();
        findings.sort_by(|a, b| {
            b.occurred_at
                .cmp(&a.occurred_at)
                .then(a.report_id.cmp(&b.report_id))
        });
        let effort = self.effort_of(&p, &legs).await?;
        let counts = finding_counts(findings.iter().map(|f| f.type_key.as_str()));
        Ok(PatrolFindings {
            by_type: finding_rates(&effort, &counts),
            findings,
        })
    }

    /// The effort and findings of the patrols the actor sees, over `from..=to` (local
    /// dates), grouped by `group`. The agency's names are the caller's to look up.
    pub async fn patrol_summary(
        &self,
        actor: &Actor,
        group: GroupBy,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Summary> {
        let own = self.patrols_for(actor).await?;
        let own_ids: Vec<PatrolId> = own.iter().map(|p| p.id).collect();
        let mut legs: HashMap<PatrolId, Vec<LegFigures>> = HashMap::new();
        for l in self.store.leg_figures(&own_ids, from, to).await? {
            legs.entry(l.patrol_id).or_default().push(l);
        }
        // Patrols shared under agreements count as delivered: their figures come from
        // the coarsened tracks the actor receives, never from the stored ones.
        let mut patrols = own;
        for (p, delivered, _) in self.shared_patrols_for(actor).await? {
            let figures = delivered
                .iter()
                .filter(|l| from <= l.date && l.date <= to)
                .map(|l| LegFigures {
                    patrol_id: p.id,
                    date: l.date,
                    distance_m: effort::distance(&l.track) * 1000.0,
                    seconds: (effort::hours(&l.track) * 3600.0).round() as i64,
                    cells: effort::cells(&l.track).into_iter().collect(),
                })
                .collect();
            legs.insert(p.id, figures);
            patrols.push(p);
        }
        let ids: Vec<PatrolId> = patrols.iter().map(|p| p.id).collect();
        let pairs = self.store.findings(&ids).await?;
        let report_ids: Vec<ReportId> = pairs.iter().map(|(_, r)| *r).collect();
        let visible = self.visible_findings(actor, &report_ids).await?;
        let mut found: HashMap<PatrolId, Vec<ReportId>> = HashMap::new();
        for (p, r) in pairs {
            found.entry(p).or_default().push(r);
        }
        let mut zones: HashMap<(AgencyId, Option<String>), Zone> = HashMap::new();
        let mut facts = Vec::with_capacity(patrols.len());
        for p in patrols {
            let key = (p.owner_agency_id, p.area.clone());
            let zone = match zones.get(&key) {
                Some(z) => *z,
                None => {
                    let z = self
                        .patrol_zone(p.owner_agency_id, p.area.as_deref())
                        .await?;
                    zones.insert(key, z);
                    z
                }
            };
            let offset = zone.offset();
            let findings = found
                .remove(&p.id)
                .unwrap_or_default()
                .iter()
                .filter_map(|r| visible.get(r))
                .map(|f| {
                    (
                        f.type_key.clone(),
                        f.occurred_at.with_timezone(&offset).date_naive(),
                    )
                })
                .collect();
            let leader = p
                .members
                .iter()
                .find(|m| m.role == MemberRole::Leader)
                .map_or_else(String::new, |m| m.name.clone());
            facts.push(PatrolFacts {
                id: p.id,
                owner_agency_id: p.owner_agency_id,
                area: p.area.clone(),
                leader,
                members: p.members.len(),
                legs: legs.remove(&p.id).unwrap_or_default(),
                findings,
            });
        }
        Ok(summarize(&facts, group, from, to))
    }

    /// The grid cells the actor's visible patrols covered over `from..=to`.
    pub async fn patrol_coverage(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
    ) -> AppResult<Vec<Cell>> {
        let s = self.patrol_summary(actor, GroupBy::Month, from, to).await?;
        Ok(s.total.effort.cells.into_iter().collect())
    }
}
