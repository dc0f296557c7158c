//! Joint patrols (ADR 16): create, read, change, and add tracks from GPX files; a
//! patrol's effort and its tracks as GPX.
//!
//! Who sees a patrol is `Patrol::visible_to` (the one visibility rule, applied as if each
//! member agency owned the patrol); a patrol the actor may not see is answered like a
//! missing one. Who may write: [`Action::RecordPatrols`] creates patrols for one's own
//! agency and adds tracks to the patrols one's agency organises or is a member of;
//! [`Action::ManagePatrols`] in the organising agency, or the patrol's leader, changes a
//! patrol.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sinergi_core::access::{Actor, ViewScope};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::ids::{AgencyId, LegId, PatrolId, UserId};
use sinergi_core::patrol::effort::Effort;
use sinergi_core::patrol::gpx::{read_gpx, write_gpx, GpxTrack, Waypoint};
use sinergi_core::patrol::shared;
use sinergi_core::patrol::track::{clean, Track};
use sinergi_core::patrol::{
    duplicate_of, Leg, Mandate, Member, MemberInput, MemberRole, NewPatrolBody, Patrol,
    PatrolInput, PatrolPatch, PatrolPatchBody, PatrolStatus, TrackSource, Transport, MAX_TITLE,
};
use sinergi_core::permission::Action;
use sinergi_core::report::Sensitivity;
use sinergi_core::sharing::Form;
use sinergi_core::time::Zone;
use sinergi_core::{FieldError, ValidationErrors};
use sinergi_store::{LegInsert, UpdateOutcome};

use crate::{App, AppError, AppResult};

mod export;
mod findings;
pub use export::{PatrolExport, CSV_COLUMNS};
pub use findings::{Finding, PatrolFindings};

/// What importing a GPX file did.
#[derive(Debug, Clone)]
pub struct GpxImport {
    /// The patrol the tracks went to (as it is after the import).
    pub patrol: Patrol,
    /// Whether the patrol was made from the file.
    pub created_patrol: bool,
    /// The legs added.
    pub legs: Vec<Leg>,
    /// The legs that already held a track of the file: those tracks were not added again.
    pub duplicates: Vec<LegId>,
    /// What cleaning left out, each naming its line.
    pub warnings: Vec<FieldError>,
    /// The file's waypoints, kept as the patrol's observations for someone to confirm.
    pub waypoints: Vec<Waypoint>,
    /// How many of them were new observations (a file sent again adds none).
    pub new_observations: usize,
}

/// The field the file's faults and warnings are reported on.
const FILE: &str = "file";

/// A cleaned track cut at local midnight in `zone`: one track per day, in date order
/// (a leg is a day's track, ADR 16). A segment that runs over midnight continues as a
/// segment of the next day; the one step across midnight belongs to neither.
pub fn split_by_day(track: &Track, zone: Zone) -> Vec<(NaiveDate, Track)> {
    let offset = zone.offset();
    let mut days: BTreeMap<NaiveDate, Track> = BTreeMap::new();
    for seg in &track.segments {
        let mut current: Option<NaiveDate> = None;
        for p in seg {
            let d = p.time.with_timezone(&offset).date_naive();
            let t = days.entry(d).or_default();
            if current != Some(d) {
                t.segments.push(Vec::new());
                current = Some(d);
            }
            if let Some(s) = t.segments.last_mut() {
                s.push(*p);
            }
        }
    }
    days.into_iter().collect()
}

/// A title from a GPX track name: trimmed, control characters left out, at most
/// [`MAX_TITLE`] characters; `None` when nothing is left.
fn title_from(name: &str) -> Option<String> {
    let t: String = name
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_TITLE)
        .collect();
    let t = t.trim().to_string();
    (!t.is_empty()).then_some(t)
}

/// `t` to the millisecond, as the store keeps instants: what a use case returns is what
/// a later read gives.
fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

impl App {
    /// The zone a patrol's days are counted in: its area's, else the organising agency's
    /// jurisdiction's.
    async fn patrol_zone(&self, owner: AgencyId, area: Option<&str>) -> AppResult<Zone> {
        if let Some(a) = area {
            return Ok(Zone::for_region(a));
        }
        let fallback = self
            .store
            .agency(owner)
            .await?
            .and_then(|a| a.jurisdiction.first().cloned());
        Ok(fallback.as_deref().map_or(Zone::Wib, Zone::for_region))
    }

    /// The patrol if the actor may see it; otherwise not found.
    async fn visible_patrol(&self, actor: &Actor, id: PatrolId) -> AppResult<Patrol> {
        match self.store.patrol(id).await? {
            Some(p) if p.visible_to(&ViewScope::for_actor(actor)) => Ok(p),
            _ => Err(AppError::NotFound),
        }
    }

    /// Resolves members' agency codes and user names, naming every one unknown (and every
    /// user who is not of the agency given) in `errs`. The leader's id comes back with
    /// the list when all resolved.
    ///
    /// Every member's agency must be able to take part in a patrol `organiser` organises
    /// (see [`App::may_patrol_with`]); agencies in `already` (the patrol's members before
    /// a change) stay allowed, so an agreement that ended does not freeze a past patrol.
    async fn resolve_members(
        &self,
        organiser: AgencyId,
        already: &[AgencyId],
        members: &[MemberInput],
        errs: &mut ValidationErrors,
    ) -> AppResult<Option<(Vec<Member>, UserId)>> {
        let may_join = self.may_patrol_with(organiser).await?;
        let mut out = Vec::with_capacity(members.len());
        let mut leader = None;
        let before = errs.errors.len();
        for (i, m) in members.iter().enumerate() {
            let agency = self.store.agency_by_code(m.agency.as_str()).await?;
            if agency.is_none() {
                errs.push(
                    format!("members[{i}].agency"),
                    sinergi_core::msg!(
                        "agency-unknown",
                        "{code} is not an agency",
                        code = m.agency.as_str()
                    ),
                );
            }
            let user = match &m.user {
                Some(name) => match self.store.user_credentials(name.as_str()).await? {
                    Some((u, _)) => Some(u),
                    None => {
                        errs.push(
                            format!("members[{i}].user"),
                            sinergi_core::msg!(
                                "patrol-member-user-unknown",
                                "{user} is not a user",
                                user = name.as_str()
                            ),
                        );
                        None
                    }
                },
                None => None,
            };
            let (Some(agency), true) = (agency, m.user.is_none() || user.is_some()) else {
                continue;
            };
            if !may_join(agency.id) && !already.contains(&agency.id) {
                errs.push(
                    format!("members[{i}].agency"),
                    sinergi_core::msg!(
                        "patrol-member-outside-agreement",
                        "{agency} is not part of the organising agency and no agreement in force joins them",
                        agency = agency.code.as_str()
                    ),
                );
                continue;
            }
            if let Some(u) = &user {
                if u.agency_id != agency.id {
                    errs.push(
                        format!("members[{i}].user"),
                        sinergi_core::msg!(
                            "patrol-member-other-agency",
                            "{user} is not of {agency}",
                            user = u.username.as_str(),
                            agency = agency.code.as_str()
                        ),
                    );
                    continue;
                }
            }
            if m.role == MemberRole::Leader {
                leader = user.as_ref().map(|u| u.id);
            }
            out.push(Member {
                agency_id: agency.id,
                user_id: user.as_ref().map(|u| u.id),
                name: m
                    .name
                    .clone()
                    .or_else(|| user.as_ref().map(|u| u.display_name.clone()))
                    .unwrap_or_default(),
                role: m.role,
            });
        }
        if errs.errors.len() > before {
            return Ok(None);
        }
        Ok(leader.map(|l| (out, l)))
    }

    /// Which agencies may have members on a patrol `organiser` organises (ADR 16): the
    /// organiser itself, the agencies above and below it, and the parties of every
    /// agreement in force to which the organiser is a party (a party stands for its units
    /// too, so a Polres takes part under its Polda's MoU). Any other agency is outside
    /// every agreement and is refused.
    pub async fn may_patrol_with(
        &self,
        organiser: AgencyId,
    ) -> AppResult<impl Fn(AgencyId) -> bool> {
        let sharing = self.sharing().await?;
        let now = self.now();
        let tree = sharing.tree.clone();
        let joined: Vec<Vec<AgencyId>> = sharing
            .agreements
            .iter()
            .filter(|a| a.in_force(now))
            .map(|a| a.parties.clone())
            .filter(|parties| parties.iter().any(|p| tree.is_within(organiser, *p)))
            .collect();
        Ok(move |agency: AgencyId| {
            tree.is_within(agency, organiser)
                || tree.is_within(organiser, agency)
                || joined
                    .iter()
                    .any(|parties| parties.iter().any(|p| tree.is_within(agency, *p)))
        })
    }

    /// The agencies that may have members on a patrol the actor's agency organises, by
    /// code (what the new-patrol form offers).
    pub async fn patrol_partner_agencies(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<sinergi_core::agency::Agency>> {
        let may_join = self.may_patrol_with(actor.agency_id).await?;
        let mut list: Vec<_> = self
            .agencies()
            .await?
            .into_iter()
            .filter(|a| may_join(a.id))
            .collect();
        list.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        Ok(list)
    }

    /// Checks an area code against the gazetteer.
    fn check_area(&self, area: Option<&str>, errs: &mut ValidationErrors) {
        if let Some(code) = area {
            if self.gazetteer().get(code).is_none() {
                errs.push(
                    "area",
                    sinergi_core::msg!(
                        "region-unknown",
                        "no region has the code {code}",
                        code = code
                    ),
                );
            }
        }
    }

    /// Creates a patrol organised by the actor's agency. Members name their agency by
    /// code and, when they have an account, themselves by user name; every one unknown is
    /// named at once. The same id again by its creator returns the stored patrol.
    pub async fn create_patrol(&self, actor: &Actor, body: &NewPatrolBody) -> AppResult<Patrol> {
        if !actor.may(Action::RecordPatrols) {
            return Err(AppError::Forbidden("analysts cannot record patrols".into()));
        }
        let input = PatrolInput::from_body(body)?;
        let mut errs = ValidationErrors::new();
        self.check_area(input.area.as_deref(), &mut errs);
        let resolved = self
            .resolve_members(actor.agency_id, &[], &input.members, &mut errs)
            .await?;
        let (members, leader) = match resolved {
            Some(r) if errs.is_empty() => r,
            _ => return Err(errs.into()),
        };
        let now = to_ms(self.now());
        let p = Patrol {
            id: input
                .id
                .unwrap_or_else(|| PatrolId::new_at(now, Self::id_bits())),
            owner_agency_id: actor.agency_id,
            title: input.title,
            mandate: input.mandate,
            transport: input.transport,
            leader,
            members,
            planned_start: input.planned_start,
            planned_end: input.planned_end,
            area: input.area,
            status: input.status,
            sensitivity: input.sensitivity,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolCreate,
            "patrol",
            &p.id.to_string(),
            json!({"title": p.title, "members": p.members.len(), "status": p.status.as_str()}),
        );
        if self.store.insert_patrol(&p, &[], &entry).await? {
            return Ok(p);
        }
        match self.store.patrol(p.id).await? {
            Some(existing) if existing.created_by == actor.user_id => Ok(existing),
            _ => Err(AppError::Conflict("a patrol with this id exists".into())),
        }
    }

    /// The patrols the actor sees, the newest planned start first.
    pub async fn patrols_for(&self, actor: &Actor) -> AppResult<Vec<Patrol>> {
        let scope = ViewScope::for_actor(actor);
        let patrols = self
            .store
            .patrols_for_agencies(&scope.internal_owners, true)
            .await?;
        Ok(patrols
            .into_iter()
            .filter(|p| p.visible_to(&scope))
            .collect())
    }

    /// A patrol with its legs as the actor receives it (see
    /// [`App::patrol_delivered`]); not found when the actor may not see it.
    pub async fn patrol_for(&self, actor: &Actor, id: PatrolId) -> AppResult<(Patrol, Vec<Leg>)> {
        let (p, legs, _) = self.patrol_delivered(actor, id).await?;
        Ok((p, legs))
    }

    /// A patrol with its legs and the form the actor receives it in: in full when the
    /// actor's agency organises it or is on it (or sees those agencies' records), else as
    /// an agreement shares it (`patrol::shared`: members without names, tracks at the
    /// clause's precision, read-only); not found otherwise.
    pub async fn patrol_delivered(
        &self,
        actor: &Actor,
        id: PatrolId,
    ) -> AppResult<(Patrol, Vec<Leg>, Form)> {
        let p = self.store.patrol(id).await?.ok_or(AppError::NotFound)?;
        let form = if p.visible_to(&ViewScope::for_actor(actor)) {
            Form::Full
        } else {
            let viewer = self.viewer_for(actor).await?;
            shared::decide(&viewer, &p).ok_or(AppError::NotFound)?
        };
        let legs = self.store.legs(id).await?;
        let (p, legs) = shared::deliver(p, legs, &form);
        Ok((p, legs, form))
    }

    /// The patrols other agencies share with the actor's under agreements (and that the
    /// actor does not see otherwise), delivered, the newest planned start first.
    pub async fn shared_patrols_for(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(Patrol, Vec<Leg>, Form)>> {
        let viewer = self.viewer_for(actor).await?;
        let owners: Vec<AgencyId> = viewer
            .grants
            .iter()
            .filter(|g| g.type_keys.iter().any(|t| t == shared::PATROL_TYPE))
            .flat_map(|g| g.owners.iter().copied())
            .collect();
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let scope = ViewScope::for_actor(actor);
        let mut out = Vec::new();
        for p in self.store.patrols_for_agencies(&owners, false).await? {
            if p.visible_to(&scope) {
                continue;
            }
            let Some(form) = shared::decide(&viewer, &p) else {
                continue;
            };
            let legs = self.store.legs(p.id).await?;
            let (p, legs) = shared::deliver(p, legs, &form);
            out.push((p, legs, form));
        }
        Ok(out)
    }

    /// Changes a patrol: a coordinator or administrator of the organising agency, or the
    /// patrol's leader. `if_match` is the version the change was made against; a change
    /// that changes nothing writes nothing.
    pub async fn update_patrol(
        &self,
        actor: &Actor,
        id: PatrolId,
        if_match: Option<i64>,
        body: &PatrolPatchBody,
    ) -> AppResult<Patrol> {
        let current = self.visible_patrol(actor, id).await?;
        let manages =
            actor.may(Action::ManagePatrols) && actor.agency_id == current.owner_agency_id;
        if !manages && actor.user_id != current.leader {
            return Err(AppError::Forbidden(
                "only the patrol's leader or a coordinator of the organising agency may change it"
                    .into(),
            ));
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let patch = PatrolPatch::from_body(body, &current)?;
        let mut errs = ValidationErrors::new();
        if let Some(Some(a)) = &patch.area {
            self.check_area(Some(a), &mut errs);
        }
        let members = match &patch.members {
            Some(m) => {
                let already: Vec<AgencyId> = current.members.iter().map(|m| m.agency_id).collect();
                self.resolve_members(current.owner_agency_id, &already, m, &mut errs)
                    .await?
            }
            None => None,
        };
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let mut next = current.clone();
        if let Some(t) = patch.title {
            next.title = t;
        }
        if let Some(m) = patch.mandate {
            next.mandate = m;
        }
        if let Some(t) = patch.transport {
            next.transport = t;
        }
        if let Some((m, leader)) = members {
            next.members = m;
            next.leader = leader;
        }
        if let Some(d) = patch.planned_start {
            next.planned_start = d;
        }
        if let Some(d) = patch.planned_end {
            next.planned_end = d;
        }
        if let Some(a) = patch.area {
            next.area = a;
        }
        if let Some(s) = patch.sensitivity {
            next.sensitivity = s;
        }
        if let Some(s) = patch.status {
            next.status = s;
        }
        if next == current {
            return Ok(current);
        }
        let changed: Vec<&str> = [
            ("title", next.title != current.title),
            ("mandate", next.mandate != current.mandate),
            ("transport", next.transport != current.transport),
            ("members", next.members != current.members),
            ("planned_start", next.planned_start != current.planned_start),
            ("planned_end", next.planned_end != current.planned_end),
            ("area", next.area != current.area),
            ("sensitivity", next.sensitivity != current.sensitivity),
            ("status", next.status != current.status),
        ]
        .into_iter()
        .filter(|(_, c)| *c)
        .map(|(f, _)| f)
        .collect();
        next.version = current.version + 1;
        next.updated_at = to_ms(self.now());
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolUpdate,
            "patrol",
            &id.to_string(),
            json!({"changed": changed.join(","), "version": next.version, "status": next.status.as_str()}),
        );
        match self
            .store
            .update_patrol(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Imports a GPX file's tracks as legs of `patrol`, or of a new patrol made from the
    /// file (see [`GpxImport`]). The file is read and every track cleaned first; any fault
    /// refuses the file, naming its lines, and nothing is stored. The tracks are cut into
    /// one leg per local day; a day's track the patrol already has is reported in
    /// `duplicates` and not stored again.
    pub async fn import_gpx(
        &self,
        actor: &Actor,
        patrol: Option<PatrolId>,
        bytes: &[u8],
        now: DateTime<Utc>,
    ) -> AppResult<GpxImport> {
        if !actor.may(Action::RecordPatrols) {
            return Err(AppError::Forbidden("analysts cannot record patrols".into()));
        }
        let now = to_ms(now);
        let existing = match patrol {
            Some(id) => {
                let p = self.visible_patrol(actor, id).await?;
                if !p.agencies().contains(&actor.agency_id) {
                    return Err(AppError::Forbidden(
                        "only an agency that organises the patrol or is a member of it may add tracks to it"
                            .into(),
                    ));
                }
                Some(p)
            }
            None => None,
        };
        let file =
            read_gpx(bytes).map_err(|e| AppError::Validation(e.into_validation_errors(FILE)))?;
        let name = file
            .tracks
            .iter()
            .find_map(|t| t.name.as_deref().and_then(title_from));
        let (track, lines) = GpxTrack::merge(file.tracks);
        let cleaned = clean(track, &lines, now).map_err(|issues| {
            let mut errs = ValidationErrors::new();
            for i in issues {
                errs.push(FILE, i.message);
            }
            AppError::Validation(errs)
        })?;
        let warnings: Vec<FieldError> = cleaned
            .warnings
            .into_iter()
            .map(|w| FieldError {
                field: FILE.into(),
                message: w.message,
            })
            .collect();
        let (owner, area) = match &existing {
            Some(p) => (p.owner_agency_id, p.area.clone()),
            None => (actor.agency_id, None),
        };
        let zone = self.patrol_zone(owner, area.as_deref()).await?;
        let days = split_by_day(&cleaned.track, zone);
        let patrol_id = existing
            .as_ref()
            .map_or_else(|| PatrolId::new_at(now, Self::id_bits()), |p| p.id);
        let stored = match &existing {
            Some(_) => self.store.legs(patrol_id).await?,
            None => Vec::new(),
        };
        let mut fresh: Vec<Leg> = Vec::new();
        let mut duplicates = Vec::new();
        for (_, t) in days {
            let leg = Leg::new(
                LegId::new_at(now, Self::id_bits()),
                patrol_id,
                t,
                TrackSource::Gpx,
                zone,
                now,
            );
            match duplicate_of(&stored, &leg.track_sha256)
                .or_else(|| duplicate_of(&fresh, &leg.track_sha256))
            {
                Some(d) => duplicates.push(d.id),
                None => fresh.push(leg),
            }
        }
        let Some(patrol) = existing else {
            let mut done = self
                .create_patrol_from_gpx(
                    actor,
                    patrol_id,
                    name,
                    fresh,
                    warnings,
                    file.waypoints,
                    now,
                )
                .await?;
            done.new_observations = self
                .keep_waypoints(actor, patrol_id, &done.waypoints, now)
                .await?;
            return Ok(done);
        };
        let mut legs = Vec::with_capacity(fresh.len());
        for leg in fresh {
            let entry = self.audit(
                Some(actor),
                AuditAction::PatrolTrackAdd,
                "patrol",
                &patrol.id.to_string(),
                json!({
                    "leg": leg.id.to_string(),
                    "date": leg.date.to_string(),
                    "points": leg.track.point_count(),
                    "source": leg.source.as_str(),
                    "track_sha256": leg.track_sha256,
                }),
            );
            match self.store.insert_leg(&leg, &entry).await? {
                LegInsert::Inserted => legs.push(leg),
                LegInsert::Duplicate(id) => duplicates.push(id),
            }
        }
        let new_observations = self
            .keep_waypoints(actor, patrol.id, &file.waypoints, now)
            .await?;
        Ok(GpxImport {
            patrol,
            created_patrol: false,
            legs,
            duplicates,
            warnings,
            waypoints: file.waypoints,
            new_observations,
        })
    }

    /// A patrol made from an imported file: the importer's agency organises it, the
    /// importer leads it alone, it is done, planned over the days of its tracks.
    #[allow(clippy::too_many_arguments)]
    async fn create_patrol_from_gpx(
        &self,
        actor: &Actor,
        id: PatrolId,
        name: Option<String>,
        legs: Vec<Leg>,
        warnings: Vec<FieldError>,
        waypoints: Vec<Waypoint>,
        now: DateTime<Utc>,
    ) -> AppResult<GpxImport> {
        let first = legs.first().map_or(now.date_naive(), |l| l.date);
        let last = legs.last().map_or(first, |l| l.date);
        let display = self
            .store
            .user(actor.user_id)
            .await?
            .map_or_else(|| actor.username.clone(), |u| u.display_name);
        let p = Patrol {
            id,
            owner_agency_id: actor.agency_id,
            title: name.unwrap_or_else(|| format!("Patroli {first}")),
            mandate: Mandate::ForestSecurity,
            transport: Transport::Foot,
            leader: actor.user_id,
            members: vec![Member {
                agency_id: actor.agency_id,
                user_id: Some(actor.user_id),
                name: display,
                role: MemberRole::Leader,
            }],
            planned_start: first,
            planned_end: last,
            area: None,
            status: PatrolStatus::Done,
            sensitivity: Sensitivity::Internal,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::PatrolCreate,
            "patrol",
            &p.id.to_string(),
            json!({
                "title": p.title,
                "source": "gpx",
                "legs": legs.len(),
                "points": legs.iter().map(|l| l.track.point_count()).sum::<usize>(),
            }),
        );
        if !self.store.insert_patrol(&p, &legs, &entry).await? {
            return Err(AppError::Conflict("a patrol with this id exists".into()));
        }
        Ok(GpxImport {
            patrol: p,
            created_patrol: true,
            legs,
            duplicates: Vec::new(),
            warnings,
            waypoints,
            new_observations: 0,
        })
    }

    /// A patrol's effort from its legs, its days counted in the patrol's zone.
    pub async fn patrol_effort(&self, actor: &Actor, id: PatrolId) -> AppResult<Effort> {
        let (p, legs) = self.patrol_for(actor, id).await?;
        self.effort_of(&p, &legs).await
    }

    /// The effort of a patrol whose legs the caller already read (counted in its zone).
    pub async fn effort_of(&self, p: &Patrol, legs: &[Leg]) -> AppResult<Effort> {
        let zone = self
            .patrol_zone(p.owner_agency_id, p.area.as_deref())
            .await?;
        Ok(p.effort(legs, zone))
    }

    /// Every patrol the actor sees with its legs, as delivered: their own (as
    /// [`App::patrols_for`]) and those shared under agreements, the newest planned start
    /// first.
    pub async fn patrols_delivered_for(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(Patrol, Vec<Leg>, Form)>> {
        let mut out = Vec::new();
        for p in self.patrols_for(actor).await? {
            let legs = self.store.legs(p.id).await?;
            out.push((p, legs, Form::Full));
        }
        out.extend(self.shared_patrols_for(actor).await?);
        out.sort_by(|a, b| {
            b.0.planned_start
                .cmp(&a.0.planned_start)
                .then(b.0.id.cmp(&a.0.id))
        });
        Ok(out)
    }

    /// [`App::patrols_delivered_for`] without the forms.
    pub async fn patrols_with_legs_for(&self, actor: &Actor) -> AppResult<Vec<(Patrol, Vec<Leg>)>> {
        Ok(self
            .patrols_delivered_for(actor)
            .await?
            .into_iter()
            .map(|(p, legs, _)| (p, legs))
            .collect())
    }

    /// A patrol's legs as one GPX 1.1 file, a track per leg named by the patrol and the
    /// leg's date, and its observations as waypoints (not for a patrol shared under an
    /// agreement, whose observation points are not shared).
    pub async fn patrol_gpx(&self, actor: &Actor, id: PatrolId) -> AppResult<String> {
        let (p, legs, form) = self.patrol_delivered(actor, id).await?;
        let waypoints: Vec<Waypoint> = if form == Form::Full {
            self.store
                .observations(id)
                .await?
                .into_iter()
                .map(|(o, _)| Waypoint {
                    lon: o.lon,
                    lat: o.lat,
                    ele: None,
                    time: o.observed_at,
                    name: o.name,
                    desc: o.description,
                })
                .collect()
        } else {
            Vec::new()
        };
        let tracks: Vec<GpxTrack> = legs
            .into_iter()
            .map(|l| GpxTrack {
                name: Some(format!("{} {}", p.title, l.date)),
                track: l.track,
                lines: Vec::new(),
            })
            .collect();
        Ok(write_gpx(&tracks, &waypoints))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sinergi_core::agency::NewAgency;
    use sinergi_core::input::Body;
    use sinergi_store::{SqliteStore, Store};

    use super::*;
    use crate::{AppConfig, SystemClock};

    struct World {
        app: App,
        _dir: tempfile::TempDir,
    }

    async fn world() -> World {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&url).await.expect("store"));
        let app = App::new(
            store,
            Arc::new(SystemClock),
            AppConfig::new(dir.path().to_path_buf()),
        )
        .await
        .expect("app");
        for (code, kind) in [
            ("BTNBT", "park_authority"),
            ("POLRES-TEBO", "police"),
            ("DINAS-X", "local_government"),
        ] {
            let new =
                NewAgency::parse(code, code, kind, None, &["15.08".to_string()]).expect("agency");
            app.create_agency(None, new).await.expect("agency");
        }
        for (name, agency, role) in [
            ("ranger.andi", "BTNBT", "field_officer"),
            ("koord.budi", "BTNBT", "coordinator"),
            ("brigpol.sari", "POLRES-TEBO", "field_officer"),
            ("staf.dewi", "DINAS-X", "agency_admin"),
        ] {
            app.create_user(None, name, name, agency, role, "kata-sandi-panjang")
                .await
                .expect("user");
        }
        // The park and the Polres work together under an agreement in force (sharing
        // nothing by itself); DINAS-X is party to none.
        let party = |code: &str| {
            let app = &app;
            let code = code.to_string();
            async move {
                app.store
                    .agency_by_code(&code)
                    .await
                    .expect("read")
                    .expect("agency")
                    .id
            }
        };
        let now = app.now();
        let agreement = sinergi_core::agreement::Agreement {
            id: sinergi_core::ids::AgreementId::new_at(now, [7; 10]),
            title: "Kerja sama patroli".into(),
            number: "PKS/01/2025".into(),
            legal_basis: String::new(),
            parties: vec![party("BTNBT").await, party("POLRES-TEBO").await],
            approvals: vec![],
            valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).expect("date"),
            valid_until: NaiveDate::from_ymd_opt(2099, 12, 31).expect("date"),
            status: sinergi_core::agreement::AgreementStatus::Active,
            clauses: vec![],
            documents: vec![],
            version: 1,
            created_by: actor(&app, "staf.dewi").await.user_id,
            created_at: now,
            updated_at: now,
        };
        let entry = app.audit(
            None,
            sinergi_core::audit::Action::AgreementCreate,
            "agreement",
            "t",
            json!({}),
        );
        app.store
            .insert_agreement(&agreement, &entry)
            .await
            .expect("agreement");
        World { app, _dir: dir }
    }

    async fn actor(app: &App, name: &str) -> Actor {
        let (u, _) = app
            .store
            .user_credentials(name)
            .await
            .expect("read")
            .expect("user");
        app.actor_for(&u).await.expect("actor")
    }

    fn body(v: serde_json::Value) -> NewPatrolBody {
        NewPatrolBody::read(&v).expect("a body")
    }

    fn joint() -> NewPatrolBody {
        body(json!({
            "title": "Patroli gabungan Bukit Tigapuluh",
            "mandate": "joint_operation",
            "transport": "foot",
            "members": [
                {"agency": "BTNBT", "user": "ranger.andi", "role": "leader"},
                {"agency": "POLRES-TEBO", "user": "brigpol.sari"},
                {"agency": "BTNBT", "name": "Pak Udin (pemandu)"}
            ],
            "planned_start": "2025-05-27",
            "planned_end": "2025-05-29",
            "area": "15.08",
            "sensitivity": "restricted"
        }))
    }

    fn gpx(points: &[(f64, f64, Option<&str>)]) -> Vec<u8> {
        let mut s = String::from(
            "<?xml version=\"1.0\"?>\n<gpx version=\"1.1\" creator=\"test\" xmlns=\"http://www.topografix.com/GPX/1/1\">\n\
             <wpt lat=\"-1.6\" lon=\"103.6\"><name>Jerat</name></wpt>\n\
             <trk><name>Patroli Sungai Batang</name><trkseg>\n",
        );
        for (lon, lat, time) in points {
            match time {
                Some(t) => s.push_str(&format!(
                    "<trkpt lat=\"{lat}\" lon=\"{lon}\"><time>{t}</time></trkpt>\n"
                )),
                None => s.push_str(&format!("<trkpt lat=\"{lat}\" lon=\"{lon}\"></trkpt>\n")),
            }
        }
        s.push_str("</trkseg></trk>\n</gpx>\n");
        s.into_bytes()
    }

    fn walk() -> Vec<u8> {
        gpx(&[
            (103.600, -1.600, Some("2025-05-27T01:00:00Z")),
            (103.601, -1.600, Some("2025-05-27T01:01:00Z")),
            (103.602, -1.601, Some("2025-05-27T01:02:00Z")),
            // The next morning, local time (WIB): a second leg.
            (103.610, -1.610, Some("2025-05-28T01:00:00Z")),
            (103.611, -1.611, Some("2025-05-28T01:02:00Z")),
        ])
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_748_500_000, 0).expect("now")
    }

    #[tokio::test]
    async fn a_joint_patrol_is_seen_by_its_member_agency_and_no_outsider() {
        let w = world().await;
        let app = &w.app;
        let andi = actor(app, "ranger.andi").await;
        let p = app.create_patrol(&andi, &joint()).await.expect("create");
        assert_eq!(p.members.len(), 3);
        assert_eq!(p.members[2].user_id, None);
        assert_eq!(p.members[1].name, "brigpol.sari");
        let sari = actor(app, "brigpol.sari").await;
        let dewi = actor(app, "staf.dewi").await;
        assert_eq!(app.patrols_for(&sari).await.expect("list"), vec![p.clone()]);
        assert!(app.patrol_for(&sari, p.id).await.is_ok());
        assert!(app.patrols_for(&dewi).await.expect("list").is_empty());
        assert!(matches!(
            app.patrol_for(&dewi, p.id).await,
            Err(AppError::NotFound)
        ));
        // Tracks: from a member agency, yes; changes: the leader or the organiser's
        // coordinator, not a member of another agency.
        let imported = app
            .import_gpx(&sari, Some(p.id), &walk(), now())
            .await
            .expect("import");
        assert_eq!(imported.legs.len(), 2);
        let patch = PatrolPatchBody::read(&json!({"status": "under_way"})).expect("patch");
        assert!(matches!(
            app.update_patrol(&sari, p.id, None, &patch).await,
            Err(AppError::Forbidden(_))
        ));
        let budi = actor(app, "koord.budi").await;
        let changed = app
            .update_patrol(&budi, p.id, Some(1), &patch)
            .await
            .expect("update");
        assert_eq!(
            (changed.status, changed.version),
            (PatrolStatus::UnderWay, 2)
        );
        assert!(matches!(
            app.update_patrol(&andi, p.id, Some(1), &patch).await,
            Err(AppError::PreconditionFailed { current: 2 })
        ));
        // The same status again changes nothing and writes nothing.
        let same = app
            .update_patrol(&andi, p.id, Some(2), &patch)
            .await
            .expect("no-op");
        assert_eq!(same.version, 2);
        // Unknown agencies and users, a user of another agency, and an agency outside
        // every agreement with the organiser, all named at once.
        let mut bad = joint();
        bad.members = body(json!({"members": [
            {"agency": "NOPE", "user": "ranger.andi", "role": "leader"},
            {"agency": "BTNBT", "user": "hantu"},
            {"agency": "BTNBT", "user": "brigpol.sari"},
            {"agency": "DINAS-X", "name": "Pak Joko"}
        ]}))
        .members;
        let Err(AppError::Validation(e)) = app.create_patrol(&andi, &bad).await else {
            panic!("refused")
        };
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "members[0].agency",
                "members[1].user",
                "members[2].user",
                "members[3].agency"
            ]
        );
        assert!(
            e.errors[3].message.as_str().contains("DINAS-X"),
            "{:?}",
            e.errors[3]
        );
        // Nor can a change add it.
        let add = PatrolPatchBody::read(&json!({"members": [
            {"agency": "BTNBT", "user": "ranger.andi", "role": "leader"},
            {"agency": "DINAS-X", "name": "Pak Joko"}
        ]}))
        .expect("patch");
        let Err(AppError::Validation(e)) = app.update_patrol(&budi, p.id, Some(2), &add).await
        else {
            panic!("refused")
        };
        assert_eq!(e.errors[0].field, "members[1].agency");
        let effort = app.patrol_effort(&sari, p.id).await.expect("effort");
        assert_eq!((effort.patrol_days, effort.person_days), (2, 6));
    }

    #[tokio::test]
    async fn a_file_sent_twice_stores_nothing_new() {
        let w = world().await;
        let app = &w.app;
        let andi = actor(app, "ranger.andi").await;
        let p = app.create_patrol(&andi, &joint()).await.expect("create");
        let first = app
            .import_gpx(&andi, Some(p.id), &walk(), now())
            .await
            .expect("first");
        assert_eq!(first.legs.len(), 2);
        assert!(first.duplicates.is_empty() && !first.created_patrol);
        assert_eq!(first.waypoints.len(), 1);
        let audit_before = app.store.audit_head().await.expect("head");
        let again = app
            .import_gpx(&andi, Some(p.id), &walk(), now())
            .await
            .expect("again");
        assert!(again.legs.is_empty());
        let mut ids: Vec<LegId> = first.legs.iter().map(|l| l.id).collect();
        ids.sort();
        let mut dups = again.duplicates.clone();
        dups.sort();
        assert_eq!(dups, ids);
        assert_eq!(app.store.legs(p.id).await.expect("legs").len(), 2);
        assert_eq!(app.store.audit_head().await.expect("head"), audit_before);
        let text = app.patrol_gpx(&andi, p.id).await.expect("gpx");
        let back = read_gpx(text.as_bytes()).expect("reads back");
        assert_eq!(back.tracks.len(), 2);
    }

    #[tokio::test]
    async fn a_file_without_times_is_refused_with_its_lines() {
        let w = world().await;
        let app = &w.app;
        let andi = actor(app, "ranger.andi").await;
        let file = gpx(&[
            (103.600, -1.600, Some("2025-05-27T01:00:00Z")),
            (103.601, -1.600, None),
            (103.602, -1.601, Some("2025-05-27T01:02:00Z")),
        ]);
        let Err(AppError::Validation(e)) = app.import_gpx(&andi, None, &file, now()).await else {
            panic!("refused")
        };
        assert_eq!(e.errors[0].field, "file");
        assert!(e.errors[0].message.as_str().contains("line 6"), "{e:?}");
        assert!(app.patrols_for(&andi).await.expect("list").is_empty());
    }

    #[tokio::test]
    async fn a_file_without_a_patrol_makes_one() {
        let w = world().await;
        let app = &w.app;
        let andi = actor(app, "ranger.andi").await;
        let r = app
            .import_gpx(&andi, None, &walk(), now())
            .await
            .expect("import");
        assert!(r.created_patrol);
        let p = &r.patrol;
        assert_eq!(p.title, "Patroli Sungai Batang");
        assert_eq!(
            (p.mandate, p.transport),
            (Mandate::ForestSecurity, Transport::Foot)
        );
        assert_eq!((p.status, p.leader), (PatrolStatus::Done, andi.user_id));
        assert_eq!(p.members.len(), 1);
        assert_eq!(
            (p.planned_start.to_string(), p.planned_end.to_string()),
            ("2025-05-27".to_string(), "2025-05-28".to_string())
        );
        let (stored, legs) = app.patrol_for(&andi, p.id).await.expect("stored");
        assert_eq!(&stored, p);
        assert_eq!(legs, r.legs);
        // An analyst records nothing; another agency's patrol is not theirs to add to.
        let dewi = actor(app, "staf.dewi").await;
        assert!(matches!(
            app.import_gpx(&dewi, Some(p.id), &walk(), now()).await,
            Err(AppError::NotFound)
        ));
    }
}
