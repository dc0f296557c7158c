//! Area profiles (ADR 25): a kelurahan or desa by its Kemendagri code with its needs
//! assessment, its roadmap and the stage reached, its monitoring posts and their reports,
//! and the history of every edit.
//!
//! A profile is seen by the owner agency, the agencies above it, the member agencies of
//! the working group whose plan is the profile's roadmap, and the agencies responsible
//! for its posts (`AreaProfile::visible_to`);
//! for anyone else every route answers like a missing code. It is written by a
//! coordinator or administrator of the owner or of a member of that group
//! (`AreaProfile::may_write`); a post's reports also by the post's responsible agency.
//! The roadmap's title and stage names are shown only to whoever sees the plan.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::area::{
    unknown_village, AreaBody, AreaInput, AreaPost, AreaProfile, AreaVersion, NewPostBody,
    NewPostReportBody, PostInput, PostReport, PostReportInput,
};
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::coordination::Group;
use sinergi_core::ids::{AreaPostId, PlanId, PlanNodeId, PostReportId};
use sinergi_core::plan::{tree_order, NodeKind, Plan, PlanKind, PlanNode};
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;
use sinergi_store::UpdateOutcome;

use crate::{App, AppError, AppResult};

/// A roadmap as the reader of a profile sees it: the plan and its stages in order.
#[derive(Debug, Clone)]
pub struct Roadmap {
    pub plan: Plan,
    /// The nodes of kind stage, in the order the tree is read.
    pub stages: Vec<PlanNode>,
}

impl Roadmap {
    /// The 1-based number of a stage among the roadmap's stages.
    pub fn stage_number(&self, stage: PlanNodeId) -> Option<usize> {
        self.stages
            .iter()
            .position(|s| s.id == stage)
            .map(|i| i + 1)
    }
}

/// A profile as its reader sees it.
#[derive(Debug, Clone)]
pub struct AreaView {
    pub profile: AreaProfile,
    /// The village's name from the gazetteer.
    pub name: String,
    /// The roadmap, when the profile has one and the reader sees its plan.
    pub roadmap: Option<Roadmap>,
    /// Whether the reader may edit the profile and add posts.
    pub may_write: bool,
    /// Today in the area's zone.
    pub today: NaiveDate,
}

/// A post with its latest report and whether a report is overdue.
#[derive(Debug, Clone)]
pub struct PostStatus {
    pub post: AreaPost,
    pub last: Option<PostReport>,
    /// The day the next report is due.
    pub due: NaiveDate,
    pub overdue: bool,
    /// Whether the reader may file the post's reports.
    pub may_report: bool,
}

/// What the list of areas is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct AreaFilter {
    /// A code prefix (`31`, `31.73`, `31.73.07` …).
    pub region: Option<String>,
    /// A stage (a node of a roadmap).
    pub stage: Option<PlanNodeId>,
}

fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

fn forbidden() -> AppError {
    AppError::Forbidden(
        "only a coordinator or administrator of the owner agency or of the roadmap's group writes the area's profile"
            .into(),
    )
}

impl App {
    /// The group whose plan is the profile's roadmap (whoever asks).
    async fn roadmap_group(&self, a: &AreaProfile) -> AppResult<Option<Group>> {
        let Some(plan) = a.roadmap_id else {
            return Ok(None);
        };
        let Some(p) = self.store.plan(plan).await? else {
            return Ok(None);
        };
        Ok(self.store.group(p.group_id).await?)
    }

    /// The agencies responsible for the area's posts.
    async fn post_agencies(&self, a: &AreaProfile) -> AppResult<Vec<sinergi_core::ids::AgencyId>> {
        Ok(self
            .store
            .area_posts(&a.code)
            .await?
            .into_iter()
            .map(|p| p.responsible_agency_id)
            .collect())
    }

    /// Today in the zone of the area.
    fn area_today(&self, code: &str) -> NaiveDate {
        self.now()
            .with_timezone(&Zone::for_region(code).offset())
            .date_naive()
    }

    /// A profile the actor sees, with its roadmap's group; not found otherwise.
    async fn area_seen(
        &self,
        actor: &Actor,
        code: &str,
    ) -> AppResult<(AreaProfile, Option<Group>)> {
        let a = self
            .store
            .area(code.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let g = self.roadmap_group(&a).await?;
        if !a.visible_to(actor, g.as_ref(), &self.post_agencies(&a).await?) {
            return Err(AppError::NotFound);
        }
        Ok((a, g))
    }

    /// A roadmap and its stages, when the actor sees its plan.
    async fn roadmap_for(&self, actor: &Actor, plan: PlanId) -> AppResult<Option<Roadmap>> {
        let Ok((plan, _)) = self.plan_for(actor, plan).await else {
            return Ok(None);
        };
        let nodes = self.store.plan_nodes(plan.id).await?;
        let stages = tree_order(&nodes)
            .into_iter()
            .filter(|n| n.kind == NodeKind::Stage)
            .cloned()
            .collect();
        Ok(Some(Roadmap { plan, stages }))
    }

    fn village_name(&self, code: &str) -> String {
        self.gazetteer()
            .get(code)
            .map(|r| r.name.clone())
            .unwrap_or_else(|| code.to_string())
    }

    /// A profile as the actor sees it; not found when the actor may not.
    pub async fn area_for(&self, actor: &Actor, code: &str) -> AppResult<AreaView> {
        let (profile, group) = self.area_seen(actor, code).await?;
        let roadmap = match profile.roadmap_id {
            Some(p) => self.roadmap_for(actor, p).await?,
            None => None,
        };
        Ok(AreaView {
            name: self.village_name(&profile.code),
            may_write: profile.may_write(actor, group.as_ref()),
            today: self.area_today(&profile.code),
            roadmap,
            profile,
        })
    }

    /// The profiles the actor sees, by code, narrowed by `filter` (on what the actor
    /// receives: the stage filter matches only a stage of a roadmap the actor sees).
    pub async fn areas(&self, actor: &Actor, filter: &AreaFilter) -> AppResult<Vec<AreaView>> {
        let prefix = filter.region.as_deref().unwrap_or("").trim();
        let mut groups: HashMap<PlanId, Option<Group>> = HashMap::new();
        let mut roadmaps: HashMap<PlanId, Option<Roadmap>> = HashMap::new();
        let mut out = Vec::new();
        for a in self.store.areas(prefix).await? {
            let g = match a.roadmap_id {
                Some(p) => match groups.get(&p) {
                    Some(g) => g.clone(),
                    None => {
                        let g = self.roadmap_group(&a).await?;
                        groups.insert(p, g.clone());
                        g
                    }
                },
                None => None,
            };
            if !a.visible_to(actor, g.as_ref(), &self.post_agencies(&a).await?) {
                continue;
            }
            let roadmap = match a.roadmap_id {
                Some(p) => match roadmaps.get(&p) {
                    Some(r) => r.clone(),
                    None => {
                        let r = self.roadmap_for(actor, p).await?;
                        roadmaps.insert(p, r.clone());
                        r
                    }
                },
                None => None,
            };
            if let Some(stage) = filter.stage {
                if roadmap.is_none() || a.stage_id != Some(stage) {
                    continue;
                }
            }
            out.push(AreaView {
                name: self.village_name(&a.code),
                may_write: a.may_write(actor, g.as_ref()),
                today: self.area_today(&a.code),
                roadmap,
                profile: a,
            });
        }
        Ok(out)
    }

    /// Applies a checked input to `next`: the roadmap must be a plan of kind roadmap the
    /// actor sees, the stage a stage of that roadmap; a stage that changes without a day
    /// is reached today.
    async fn apply_area_input(
        &self,
        actor: &Actor,
        current: Option<&AreaProfile>,
        next: &mut AreaProfile,
        input: AreaInput,
    ) -> AppResult<()> {
        let mut errs = ValidationErrors::new();
        if let Some(c) = input.condition {
            next.condition = c;
        }
        if let Some(s) = input.summary {
            next.summary = s;
        }
        for (aspect, v) in input.needs {
            match v {
                Some(v) => {
                    next.needs.insert(aspect, v);
                }
                None => {
                    next.needs.remove(&aspect);
                }
            }
        }
        if let Some(r) = input.roadmap {
            if r != next.roadmap_id && input.stage.is_none() {
                next.stage_id = None;
            }
            next.roadmap_id = r;
        }
        if let Some(s) = input.stage {
            next.stage_id = s;
        }
        if let Some(since) = input.stage_since {
            next.stage_since = since;
        }
        if let Some(plan) = next.roadmap_id {
            let roadmap_changed = current.map(|c| c.roadmap_id) != Some(next.roadmap_id);
            match self.plan_for(actor, plan).await {
                Ok((p, _)) if p.kind == PlanKind::Roadmap => {}
                Ok(_) => errs.push(
                    "roadmap",
                    sinergi_core::msg!("area-roadmap-not-roadmap", "is not a plan of kind roadmap"),
                ),
                // A roadmap kept as it was stays, even if the editor cannot see it.
                Err(AppError::NotFound) if !roadmap_changed => {}
                Err(AppError::NotFound) => errs.push(
                    "roadmap",
                    sinergi_core::msg!("area-roadmap-unknown", "no plan you can see has this id"),
                ),
                Err(e) => return Err(e),
            }
        }
        if let Some(stage) = next.stage_id {
            match next.roadmap_id {
                None => errs.push(
                    "stage",
                    sinergi_core::msg!("area-stage-needs-roadmap", "a stage needs a roadmap"),
                ),
                Some(plan) => {
                    let ok = self
                        .store
                        .plan_node(stage)
                        .await?
                        .is_some_and(|n| n.plan_id == plan && n.kind == NodeKind::Stage);
                    if !ok {
                        errs.push(
                            "stage",
                            sinergi_core::msg!(
                                "area-stage-not-in-roadmap",
                                "is not a stage of the area's roadmap"
                            ),
                        );
                    }
                }
            }
        }
        let stage_changed = current.map(|c| c.stage_id) != Some(next.stage_id);
        if next.stage_id.is_none() {
            next.stage_since = None;
        } else if stage_changed && input.stage_since.is_none() {
            next.stage_since = Some(self.area_today(&next.code));
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        Ok(())
    }

    /// Creates the profile of a village for the actor's agency.
    pub async fn create_area(&self, actor: &Actor, body: &AreaBody) -> AppResult<AreaProfile> {
        let now = to_ms(self.now());
        self.create_area_at(actor, body, now).await
    }

    pub(crate) async fn create_area_at(
        &self,
        actor: &Actor,
        body: &AreaBody,
        now: DateTime<Utc>,
    ) -> AppResult<AreaProfile> {
        if !actor.may(sinergi_core::permission::Action::ManageGroups) {
            return Err(forbidden());
        }
        let input = AreaInput::from_body(body, true)?;
        let code = input.code.clone().unwrap_or_default();
        match self.gazetteer().get(&code) {
            Some(r) if r.level == sinergi_regions::Level::Village => {}
            _ => return Err(AppError::field("code", unknown_village(&code))),
        }
        let mut a = AreaProfile {
            code: code.clone(),
            owner_agency_id: actor.agency_id,
            condition: sinergi_core::area::Condition::DrugProne,
            summary: None,
            needs: Default::default(),
            roadmap_id: None,
            stage_id: None,
            stage_since: None,
            version: 1,
            created_by: actor.user_id,
            created_at: now,
            updated_by: actor.user_id,
            updated_at: now,
        };
        self.apply_area_input(actor, None, &mut a, input).await?;
        let entry = self.audit(
            Some(actor),
            AuditAction::AreaCreate,
            "area",
            &a.code,
            json!({"condition": a.condition.as_str()}),
        );
        if self.store.insert_area(&a, &entry).await? {
            return Ok(a);
        }
        Err(AppError::Conflict(format!("{code} already has a profile")))
    }

    /// Changes a profile. `if_match` is the version the change was made against; a
    /// change that changes nothing writes nothing. The new version joins the history.
    pub async fn update_area(
        &self,
        actor: &Actor,
        code: &str,
        if_match: Option<i64>,
        body: &AreaBody,
    ) -> AppResult<AreaProfile> {
        let now = to_ms(self.now());
        self.update_area_at(actor, code, if_match, body, now).await
    }

    pub(crate) async fn update_area_at(
        &self,
        actor: &Actor,
        code: &str,
        if_match: Option<i64>,
        body: &AreaBody,
        now: DateTime<Utc>,
    ) -> AppResult<AreaProfile> {
        let (current, g) = self.area_seen(actor, code).await?;
        if !current.may_write(actor, g.as_ref()) {
            return Err(forbidden());
        }
        if let Some(v) = if_match {
            if v != current.version {
                return Err(AppError::PreconditionFailed {
                    current: current.version,
                });
            }
        }
        let input = AreaInput::from_body(body, false)?;
        let mut next = current.clone();
        self.apply_area_input(actor, Some(&current), &mut next, input)
            .await?;
        if next == current {
            return Ok(current);
        }
        next.version = current.version + 1;
        next.updated_by = actor.user_id;
        next.updated_at = now;
        let entry = self.audit(
            Some(actor),
            AuditAction::AreaUpdate,
            "area",
            &next.code,
            json!({"version": next.version, "stage_changed": next.stage_id != current.stage_id}),
        );
        match self
            .store
            .update_area(&next, current.version, &entry)
            .await?
        {
            UpdateOutcome::Updated => Ok(next),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Every version of a profile, the newest first.
    pub async fn area_history(&self, actor: &Actor, code: &str) -> AppResult<Vec<AreaVersion>> {
        let (a, _) = self.area_seen(actor, code).await?;
        Ok(self.store.area_history(&a.code).await?)
    }

    /// The posts of an area with their latest report and whether one is overdue.
    pub async fn area_posts(&self, actor: &Actor, code: &str) -> AppResult<Vec<PostStatus>> {
        let (a, g) = self.area_seen(actor, code).await?;
        let writer = a.may_write(actor, g.as_ref());
        self.posts_status(&a, Some(actor), writer).await
    }

    async fn posts_status(
        &self,
        a: &AreaProfile,
        actor: Option<&Actor>,
        writer: bool,
    ) -> AppResult<Vec<PostStatus>> {
        let today = self.area_today(&a.code);
        let zone = Zone::for_region(&a.code).offset();
        let mut out = Vec::new();
        for post in self.store.area_posts(&a.code).await? {
            let last = self.store.post_reports(post.id).await?.into_iter().next();
            let since = post.created_at.with_timezone(&zone).date_naive();
            let last_day = last.as_ref().map(|r| r.reported_on);
            out.push(PostStatus {
                due: post.due(last_day, since),
                overdue: post.overdue(last_day, since, today),
                may_report: actor.is_some_and(|x| post.may_report(x, writer)),
                last,
                post,
            });
        }
        Ok(out)
    }

    /// What the command line shows of an area: as `actor` sees it, or, without one, as
    /// the operator (who holds the database) does — the whole profile and its roadmap.
    pub async fn area_overview(
        &self,
        actor: Option<&Actor>,
        code: &str,
    ) -> AppResult<(AreaView, Vec<PostStatus>, Vec<AreaVersion>)> {
        if let Some(actor) = actor {
            let v = self.area_for(actor, code).await?;
            let posts = self.area_posts(actor, code).await?;
            let history = self.area_history(actor, code).await?;
            return Ok((v, posts, history));
        }
        let a = self
            .store
            .area(code.trim())
            .await?
            .ok_or(AppError::NotFound)?;
        let v = self.operator_area_view(a).await?;
        let posts = self.posts_status(&v.profile, None, false).await?;
        let history = self.store.area_history(&v.profile.code).await?;
        Ok((v, posts, history))
    }

    /// Every profile, as the operator sees it, narrowed by a code prefix.
    pub async fn operator_areas(&self, prefix: &str) -> AppResult<Vec<AreaView>> {
        let mut out = Vec::new();
        for a in self.store.areas(prefix.trim()).await? {
            out.push(self.operator_area_view(a).await?);
        }
        Ok(out)
    }

    async fn operator_area_view(&self, a: AreaProfile) -> AppResult<AreaView> {
        let roadmap = match a.roadmap_id {
            Some(p) => match self.store.plan(p).await? {
                Some(plan) => {
                    let nodes = self.store.plan_nodes(plan.id).await?;
                    let stages = tree_order(&nodes)
                        .into_iter()
                        .filter(|n| n.kind == NodeKind::Stage)
                        .cloned()
                        .collect();
                    Some(Roadmap { plan, stages })
                }
                None => None,
            },
            None => None,
        };
        Ok(AreaView {
            name: self.village_name(&a.code),
            may_write: false,
            today: self.area_today(&a.code),
            roadmap,
            profile: a,
        })
    }

    /// Sets up a monitoring post of an area.
    pub async fn create_area_post(
        &self,
        actor: &Actor,
        code: &str,
        body: &NewPostBody,
    ) -> AppResult<AreaPost> {
        let now = to_ms(self.now());
        self.create_area_post_at(actor, code, body, now).await
    }

    pub(crate) async fn create_area_post_at(
        &self,
        actor: &Actor,
        code: &str,
        body: &NewPostBody,
        now: DateTime<Utc>,
    ) -> AppResult<AreaPost> {
        let (a, g) = self.area_seen(actor, code).await?;
        if !a.may_write(actor, g.as_ref()) {
            return Err(forbidden());
        }
        let input = PostInput::from_body(body)?;
        let responsible = match &input.responsible {
            None => actor.agency_id,
            Some(c) => match self.store.agency_by_code(c.as_str()).await? {
                Some(x) => x.id,
                None => {
                    return Err(AppError::field(
                        "responsible",
                        sinergi_core::msg!(
                            "agency-unknown",
                            "{code} is not an agency",
                            code = c.as_str()
                        ),
                    ))
                }
            },
        };
        let p = AreaPost {
            id: input
                .id
                .unwrap_or_else(|| AreaPostId::new_at(now, Self::id_bits())),
            area_code: a.code.clone(),
            name: input.name,
            lon: input.lon,
            lat: input.lat,
            responsible_agency_id: responsible,
            cadence_days: input.cadence_days,
            created_by: actor.user_id,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::AreaPostCreate,
            "area_post",
            &p.id.to_string(),
            json!({"area": a.code, "cadence_days": i64::from(p.cadence_days)}),
        );
        if self.store.insert_area_post(&p, &entry).await? {
            return Ok(p);
        }
        match self.store.area_post(p.id).await? {
            Some(existing)
                if existing.created_by == actor.user_id && existing.area_code == a.code =>
            {
                Ok(existing)
            }
            _ => Err(AppError::Conflict("a post with this id exists".into())),
        }
    }

    /// A post of an area the actor sees; not found otherwise (and for a post of another
    /// area).
    async fn post_seen(
        &self,
        actor: &Actor,
        code: &str,
        post: AreaPostId,
    ) -> AppResult<(AreaProfile, Option<Group>, AreaPost)> {
        let (a, g) = self.area_seen(actor, code).await?;
        match self.store.area_post(post).await? {
            Some(p) if p.area_code == a.code => Ok((a, g, p)),
            _ => Err(AppError::NotFound),
        }
    }

    /// A post's reports, the latest day first.
    pub async fn post_reports(
        &self,
        actor: &Actor,
        code: &str,
        post: AreaPostId,
    ) -> AppResult<(AreaPost, Vec<PostReport>)> {
        let (_, _, p) = self.post_seen(actor, code, post).await?;
        let reports = self.store.post_reports(p.id).await?;
        Ok((p, reports))
    }

    /// Files a post's periodic report.
    pub async fn create_post_report(
        &self,
        actor: &Actor,
        code: &str,
        post: AreaPostId,
        body: &NewPostReportBody,
    ) -> AppResult<PostReport> {
        let (a, g, p) = self.post_seen(actor, code, post).await?;
        if !p.may_report(actor, a.may_write(actor, g.as_ref())) {
            return Err(AppError::Forbidden(
                "only the post's agency or whoever writes the area's profile files its reports"
                    .into(),
            ));
        }
        let input = PostReportInput::from_body(body)?;
        if input.reported_on > self.area_today(&a.code) {
            return Err(AppError::field(
                "reported_on",
                sinergi_core::msg!("area-report-future", "is after today"),
            ));
        }
        let now = to_ms(self.now());
        let r = PostReport {
            id: input
                .id
                .unwrap_or_else(|| PostReportId::new_at(now, Self::id_bits())),
            post_id: p.id,
            reported_on: input.reported_on,
            summary: input.summary,
            counts: input.counts,
            created_by: actor.user_id,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            AuditAction::AreaPostReportCreate,
            "area_post_report",
            &r.id.to_string(),
            json!({"area": a.code, "post": p.id.to_string(), "reported_on": r.reported_on.to_string()}),
        );
        if self.store.insert_post_report(&r, &entry).await? {
            return Ok(r);
        }
        match self.store.post_report(r.id).await? {
            Some(existing) if existing.created_by == actor.user_id && existing.post_id == p.id => {
                Ok(existing)
            }
            _ => Err(AppError::Conflict(
                "a post report with this id exists".into(),
            )),
        }
    }
}
