//! Report use cases: create (idempotent on the client's id), read, change with optimistic
//! concurrency, list, count, export and attachments. Visibility is always decided by the
//! core policy; a report the actor may not see is answered exactly like a missing one.

use std::path::PathBuf;

use serde_json::json;
use sha2::{Digest, Sha256};
use sinergi_core::access::{self, Actor, ViewScope};
use sinergi_core::agreement::AgencyTree;
use sinergi_core::audit::Action;
use sinergi_core::geometry::ReportGeometry;
use sinergi_core::ids::{AgencyId, AttachmentId, ReportId};
use sinergi_core::query::{BboxWidening, Cursor, RawReportQuery, ReportFilter};
use sinergi_core::report::Sensitivity;
use sinergi_core::report::{
    NewReport, NewReportBody, Report, ReportEvent, ReportPatch, ReportPatchBody, Status,
    StoredReport,
};
use sinergi_core::sharing::{decide, shown, snap, Form, Precision, Viewer};
use sinergi_store::{Attachment, InsertOutcome, NewEvent, ReportCount, UpdateOutcome};

use std::sync::Arc;

use crate::{App, AppError, AppResult, SharingCache};

/// One page of a list, with the cursor of the next page while more remain.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub reports: Vec<Report>,
    /// The form each report was delivered in (full, or shared under an agreement).
    pub forms: Vec<Form>,
    pub next: Option<Cursor>,
    pub filter: ReportFilter,
}

/// File types accepted as attachments, recognised by their first bytes rather than by the
/// name or the declared type, which a client can get wrong.
pub fn sniff_content_type(bytes: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"%PDF-", "application/pdf"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
    ];
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    SIGNATURES
        .iter()
        .find(|(sig, _)| bytes.starts_with(sig))
        .map(|(_, t)| *t)
}

fn sha256_hex(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

impl App {
    fn region_for(&self, new_code: Option<&str>, point: (f64, f64)) -> AppResult<Option<String>> {
        match new_code {
            Some(code) => match self.gazetteer().get(code) {
                Some(r) => Ok(Some(r.code.clone())),
                None => Err(AppError::field(
                    "properties.region_code",
                    sinergi_core::msg!(
                        "region-unknown",
                        "no region has the code {code}",
                        code = code
                    ),
                )),
            },
            None => Ok(self
                .gazetteer()
                .locate(point.0, point.1)
                .map(|l| l.most_specific().code.clone())),
        }
    }

    /// Creates a report owned by the actor's agency. The same id with the same content
    /// again returns the stored report (`false` = not newly created); the same id with
    /// different content is a conflict.
    pub async fn create_report(
        &self,
        actor: &Actor,
        body: &NewReportBody,
    ) -> AppResult<(Report, bool)> {
        self.create_reports(actor, std::slice::from_ref(body))
            .await?
            .pop()
            .unwrap_or(Err(AppError::NotFound))
    }

    /// Creates reports as [`App::create_report`] does each, in one transaction: a phone's
    /// outbox sent at once (ADR 20). Each body has its own outcome, in order; a refused
    /// one (invalid, or its id used by a different report) stores nothing and does not
    /// stop the others. An id given twice is stored once and the later copy is answered
    /// as a repeat (or a conflict when its content differs).
    pub async fn create_reports(
        &self,
        actor: &Actor,
        bodies: &[NewReportBody],
    ) -> AppResult<Vec<AppResult<(Report, bool)>>> {
        if !access::can_create_report(actor) {
            return Err(AppError::Forbidden("analysts cannot record reports".into()));
        }
        let now = self.now();
        let types = self.report_types();
        // Each body: its id and whether it is the first with that id in the batch (only
        // the first is stored), or why it is refused.
        let mut first_of: std::collections::HashMap<ReportId, usize> = Default::default();
        let mut prepared: Vec<AppResult<(ReportId, bool, String)>> =
            Vec::with_capacity(bodies.len());
        let mut rows: Vec<(Report, NewEvent, sinergi_core::audit::NewAudit)> = Vec::new();
        for body in bodies {
            prepared.push(self.prepare_report(actor, body, &types, now).map(|row| {
                let (id, hash) = (row.0.id, row.0.create_hash.clone());
                let first = !first_of.contains_key(&id);
                if first {
                    first_of.insert(id, rows.len());
                    rows.push(row);
                }
                (id, first, hash)
            }));
        }
        let outcomes = self.store.insert_reports(&rows).await?;
        let new_ids: Vec<ReportId> = rows
            .iter()
            .zip(&outcomes)
            .filter(|(_, o)| matches!(o, InsertOutcome::Inserted))
            .map(|((r, _, _), _)| r.id)
            .collect();
        // Read back as stored, so the answer is what a later read gives.
        let mut stored: std::collections::HashMap<ReportId, Report> = self
            .store
            .reports_by_ids(&new_ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        for id in &new_ids {
            if let Some(r) = stored.get(id) {
                // A village sighting is also a fix for the early-warning engine.
                if let Err(e) = self.evaluate_report(r).await {
                    tracing::error!(report = %r.id, error = %e, "evaluating a sighting for alerts");
                }
            }
        }
        // What each stored row's id holds now: the report just stored, or the one
        // stored before.
        let held: Vec<(Report, bool)> = rows
            .iter()
            .zip(outcomes)
            .map(|((r, _, _), o)| match o {
                InsertOutcome::Inserted => {
                    stored.remove(&r.id).map(|s| (s, true)).ok_or_else(|| {
                        AppError::Internal(format!("report {} vanished after insert", r.id).into())
                    })
                }
                InsertOutcome::Exists(existing) => Ok((*existing, false)),
            })
            .collect::<AppResult<_>>()?;
        Ok(prepared
            .into_iter()
            .map(|p| {
                let (id, first, hash) = p?;
                let (r, created) = &held[first_of[&id]];
                if first && *created {
                    Ok((r.clone(), true))
                } else if r.create_hash == hash && r.author_id == actor.user_id {
                    Ok((r.clone(), false))
                } else {
                    Err(AppError::Conflict(format!(
                        "the id {id} is already used by a different report"
                    )))
                }
            })
            .collect())
    }

    /// A new report's row, its `created` event and its audit entry, ready to store.
    fn prepare_report(
        &self,
        actor: &Actor,
        body: &NewReportBody,
        types: &[sinergi_core::report_types::ReportType],
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<(Report, NewEvent, sinergi_core::audit::NewAudit)> {
        let new = NewReport::from_body(body, types, now)?;
        let hash = sha256_hex(new.canonical_json().as_bytes());
        let region_code = self.region_for(
            new.region_code.as_deref(),
            new.geometry.representative_point(),
        )?;
        let id = new
            .id
            .unwrap_or_else(|| ReportId::new_at(now, Self::id_bits()));
        let report = Report {
            id,
            type_key: new.type_key,
            title: new.title,
            description: new.description,
            occurred_at: new.occurred_at,
            geometry: new.geometry,
            region_code,
            owner_agency_id: actor.agency_id,
            owner_agency_code: String::new(),
            author_id: actor.user_id,
            author_username: actor.username.clone(),
            sensitivity: new.sensitivity,
            attributes: new.attributes,
            status: Status::New,
            version: 1,
            created_at: now,
            updated_at: now,
            create_hash: hash,
        };
        let event = NewEvent {
            actor_id: actor.user_id,
            event: ReportEvent {
                version: 1,
                at: now,
                actor_username: actor.username.clone(),
                kind: "created".into(),
                from_status: None,
                to_status: Some(Status::New),
                changed: vec![],
                note: None,
            },
        };
        let entry = self.audit(
            Some(actor),
            Action::ReportCreate,
            "report",
            &id.to_string(),
            json!({
                "type": report.type_key,
                "sensitivity": report.sensitivity.as_str(),
                "content_sha256": StoredReport::of(&report).content_sha256(),
            }),
        );
        Ok((report, event, entry))
    }

    /// A report the actor may see, or `NotFound`, as shown to a person: reading a
    /// `restricted` or `secret` report leaves an audit entry.
    pub async fn report(&self, actor: &Actor, id: ReportId) -> AppResult<Report> {
        Ok(self.report_with_form(actor, id).await?.0)
    }

    /// A report as delivered to the actor, with the form it was delivered in.
    pub async fn report_with_form(&self, actor: &Actor, id: ReportId) -> AppResult<(Report, Form)> {
        let (r, form) = self.decided_report(actor, id).await?;
        if r.sensitivity >= Sensitivity::Restricted {
            self.store
                .append_audit(&self.audit(
                    Some(actor),
                    Action::ReportRead,
                    "report",
                    &id.to_string(),
                    json!({"sensitivity": r.sensitivity.as_str()}),
                ))
                .await?;
        }
        Ok((self.deliver(r, &form), form))
    }

    /// The stored report and the form the actor may have it in, or `NotFound`.
    pub(crate) async fn decided_report(
        &self,
        actor: &Actor,
        id: ReportId,
    ) -> AppResult<(Report, Form)> {
        let r = self.store.report(id).await?.ok_or(AppError::NotFound)?;
        let viewer = self.viewer_for(actor).await?;
        match self.form_of(&viewer, &r).await? {
            Some(form) => Ok((r, form)),
            None => Err(AppError::NotFound),
        }
    }

    /// The form `viewer` receives `r` in, the referrals naming it included (one lookup);
    /// `None`: the record does not exist for the viewer.
    pub(crate) async fn form_of(&self, viewer: &Viewer, r: &Report) -> AppResult<Option<Form>> {
        let referrals: Vec<_> = self
            .store
            .referrals_for_report(r.id)
            .await?
            .iter()
            .map(|x| x.as_referral())
            .collect();
        Ok(decide(
            viewer,
            &r.access(),
            &r.type_key,
            self.location_sensitive(&r.type_key),
            &referrals,
            viewer.now,
        ))
    }

    /// A report the actor may see in full, for use cases that act on it.
    async fn visible_report(&self, actor: &Actor, id: ReportId) -> AppResult<Report> {
        match self.decided_report(actor, id).await? {
            (r, Form::Full) => Ok(r),
            // Shared copies are read-only and carry no files: files can show the place.
            (_, Form::Shared { .. }) => Err(AppError::Forbidden(
                "this report is shared with your agency to read only".into(),
            )),
        }
    }

    /// Which of `ids` the actor may open (in any form), decided like a read but without
    /// reading: nothing is audited. For pages that link to reports, so a link is shown
    /// only where it leads somewhere.
    pub async fn visible_report_ids(
        &self,
        actor: &Actor,
        ids: &[ReportId],
    ) -> AppResult<std::collections::HashSet<ReportId>> {
        Ok(self
            .delivered_unaudited(actor, ids)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect())
    }

    /// The reports of `ids` the actor may open, each once and as delivered to them,
    /// decided like a read without auditing one (for links and counts, never for showing
    /// a restricted report).
    pub(crate) async fn delivered_unaudited(
        &self,
        actor: &Actor,
        ids: &[ReportId],
    ) -> AppResult<Vec<Report>> {
        let mut out = Vec::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let viewer = self.viewer_for(actor).await?;
        let mut decided = std::collections::HashSet::new();
        for id in ids {
            if !decided.insert(*id) {
                continue;
            }
            let Some(r) = self.store.report(*id).await? else {
                continue;
            };
            // Referrals only add: they are looked up only when nothing else admits it.
            let ls = self.location_sensitive(&r.type_key);
            let form = match decide(&viewer, &r.access(), &r.type_key, ls, &[], viewer.now) {
                Some(f) => Some(f),
                None => self.form_of(&viewer, &r).await?,
            };
            if let Some(form) = form {
                out.push(self.deliver(r, &form));
            }
        }
        Ok(out)
    }

    pub(crate) fn location_sensitive(&self, type_key: &str) -> bool {
        self.report_types()
            .iter()
            .any(|t| t.key == type_key && t.location_sensitive)
    }

    /// What the actor may see beyond their own hierarchy: the grants of every agreement
    /// in force that reaches their agency.
    pub async fn viewer_for(&self, actor: &Actor) -> AppResult<Viewer> {
        let now = self.now();
        let sharing = self.sharing().await?;
        let types = self.report_types();
        let grants = sharing
            .agreements
            .iter()
            .flat_map(|a| a.grants_for(actor.agency_id, &sharing.tree, &types, now))
            .collect();
        Ok(Viewer {
            scope: ViewScope::for_actor(actor),
            grants,
            now,
            precise_locations: false,
        })
    }

    /// The current agreements and agency tree, parsed once per change.
    pub(crate) async fn sharing(&self) -> AppResult<SharingCache> {
        let stamp = self.store.sharing_stamp().await?;
        if let Ok(guard) = self.sharing.read() {
            if let Some(c) = guard.as_ref().filter(|c| c.stamp == stamp) {
                return Ok(c.clone());
            }
        }
        let agreements = Arc::new(self.store.agreements().await?);
        let tree = Arc::new(AgencyTree::new(
            self.store
                .agencies()
                .await?
                .into_iter()
                .map(|a| (a.id, a.parent_id)),
        ));
        let fresh = SharingCache {
            stamp,
            agreements,
            tree,
        };
        if let Ok(mut guard) = self.sharing.write() {
            *guard = Some(fresh.clone());
        }
        Ok(fresh)
    }

    /// Turns a stored report into what the viewer receives: withheld fields removed and
    /// the location coarsened as the form says. The same input always gives the same
    /// output, so repeated requests reveal nothing more.
    pub fn deliver(&self, mut r: Report, form: &Form) -> Report {
        let Form::Shared {
            withheld,
            precision,
        } = form
        else {
            return r;
        };
        for f in withheld {
            match f.as_str() {
                "description" => r.description = String::new(),
                "author" => r.author_username = String::new(),
                key => {
                    r.attributes.remove(key);
                }
            }
        }
        let district = r
            .region_code
            .as_deref()
            .map(|c| c.split('.').take(3).collect::<Vec<_>>().join("."));
        match precision {
            Precision::Exact => {}
            Precision::Grid(m) => {
                let (lon, lat) = r.geometry.representative_point();
                let (lon, lat) = snap(lon, lat, *m);
                let (lon, lat) = (shown(lon, *m), shown(lat, *m));
                if let Ok(g) = ReportGeometry::point(lon, lat) {
                    r.geometry = g;
                }
                r.region_code = district;
            }
            Precision::Region => {
                let centre = district
                    .as_deref()
                    .and_then(|c| self.gazetteer().get(c))
                    .map(|g| (g.lon, g.lat));
                let (lon, lat) = centre.unwrap_or_else(|| {
                    let (lon, lat) = r.geometry.representative_point();
                    snap(lon, lat, 50_000)
                });
                let (lon, lat) = (shown(lon, 10_000), shown(lat, 10_000));
                if let Ok(g) = ReportGeometry::point(lon, lat) {
                    r.geometry = g;
                }
                r.region_code = district;
            }
        }
        r
    }

    /// Decides and delivers a page of rows the store returned for `viewer`.
    async fn deliver_page(
        &self,
        viewer: &Viewer,
        rows: Vec<Report>,
    ) -> AppResult<(Vec<Report>, Vec<Form>)> {
        let mut reports = Vec::with_capacity(rows.len());
        let mut forms = Vec::with_capacity(rows.len());
        for r in rows {
            let ls = self.location_sensitive(&r.type_key);
            let mut form = decide(viewer, &r.access(), &r.type_key, ls, &[], viewer.now);
            if form.is_none() {
                // Admitted by a referral: look it up (rare, one record at a time).
                form = self.form_of(viewer, &r).await?;
            }
            if let Some(form) = form {
                reports.push(self.deliver(r, &form));
                forms.push(form);
            }
        }
        Ok((reports, forms))
    }

    /// Records that `actor` (or the operator) exported reports with these filters.
    pub async fn audit_export(
        &self,
        actor: Option<&Actor>,
        format: &str,
        filter: &ReportFilter,
    ) -> AppResult<()> {
        let detail = json!({
            "format": format,
            "type": filter.type_key,
            "region": filter.region_prefix,
            "status": filter.status.map(|s| s.as_str()),
            "q": filter.q,
        });
        self.store
            .append_audit(&self.audit(actor, Action::ReportExport, "report", "*", detail))
            .await?;
        Ok(())
    }

    pub async fn report_history(&self, actor: &Actor, id: ReportId) -> AppResult<Vec<ReportEvent>> {
        self.decided_report(actor, id).await?;
        Ok(self.store.report_events(id).await?)
    }

    /// Applies a patch if `if_match` names the stored version.
    pub async fn patch_report(
        &self,
        actor: &Actor,
        id: ReportId,
        if_match: Option<i64>,
        body: &ReportPatchBody,
    ) -> AppResult<Report> {
        let current = self.visible_report(actor, id).await?;
        if !access::can_edit(actor, &current.access()) {
            return Err(AppError::Forbidden(
                "only the author or the owner agency's coordinators may change this report".into(),
            ));
        }
        let expected = if_match.ok_or(AppError::PreconditionRequired)?;
        if expected != current.version {
            return Err(AppError::PreconditionFailed {
                current: current.version,
            });
        }
        let ty = self
            .report_type(&current.type_key)
            .ok_or(AppError::NotFound)?;
        let patch = ReportPatch::from_body(body, &ty, self.now())?;
        if patch.status.is_some_and(|s| s != current.status)
            && !access::can_change_status(actor, &current.access())
        {
            return Err(AppError::Forbidden(
                "only the owner agency's coordinators and admins may change the status".into(),
            ));
        }
        let mut next = current.clone();
        let mut changed = Vec::new();
        macro_rules! apply {
            ($field:ident, $name:literal) => {
                if let Some(v) = patch.$field.clone() {
                    if v != next.$field {
                        next.$field = v;
                        changed.push($name.to_string());
                    }
                }
            };
        }
        apply!(title, "title");
        apply!(description, "description");
        apply!(occurred_at, "occurred_at");
        apply!(geometry, "geometry");
        apply!(sensitivity, "sensitivity");
        apply!(attributes, "attributes");
        if patch.region_code.is_some() || changed.iter().any(|c| c == "geometry") {
            let region = self.region_for(
                patch.region_code.as_deref(),
                next.geometry.representative_point(),
            )?;
            if region != next.region_code {
                next.region_code = region;
                changed.push("region_code".into());
            }
        }
        let from_status = current.status;
        let status_changed = patch.status.is_some_and(|s| s != current.status);
        if let Some(s) = patch.status {
            next.status = s;
        }
        if changed.is_empty() && !status_changed {
            return Ok(current);
        }
        let now = self.now();
        next.version = current.version + 1;
        next.updated_at = now;
        let event = NewEvent {
            actor_id: actor.user_id,
            event: ReportEvent {
                version: next.version,
                at: now,
                actor_username: actor.username.clone(),
                kind: if changed.is_empty() {
                    "status".into()
                } else {
                    "updated".into()
                },
                from_status: status_changed.then_some(from_status),
                to_status: status_changed.then_some(next.status),
                changed,
                note: patch.note.filter(|n| !n.is_empty()),
            },
        };
        match self
            .store
            .update_report(
                &next,
                current.version,
                &event,
                &self.audit(
                    Some(actor),
                    Action::ReportUpdate,
                    "report",
                    &id.to_string(),
                    json!({
                        "changed": event.event.changed,
                        "from_status": event.event.from_status.map(|s| s.as_str()),
                        "to_status": event.event.to_status.map(|s| s.as_str()),
                        "version": next.version,
                        "content_sha256": StoredReport::of(&next).content_sha256(),
                    }),
                ),
            )
            .await?
        {
            UpdateOutcome::Updated => self.store.report(id).await?.ok_or(AppError::NotFound),
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Parses list parameters; the agency code becomes an id (an unknown code is an error
    /// naming the parameter).
    pub async fn parse_report_query(&self, raw: &RawReportQuery) -> AppResult<ReportFilter> {
        let types = self.report_types();
        let keys: Vec<&str> = types.iter().map(|t| t.key.as_str()).collect();
        let (mut filter, agency) = raw.parse(&keys)?;
        if let Some(code) = agency {
            let a = self.store.agency_by_code(&code).await?.ok_or_else(|| {
                AppError::field(
                    "agency",
                    sinergi_core::msg!(
                        "agency-code-unknown",
                        "no agency has the code {code}",
                        code = format!("{code:?}")
                    ),
                )
            })?;
            filter.agency = Some(a.id);
        }
        Ok(filter)
    }

    pub async fn list_reports(&self, actor: &Actor, filter: ReportFilter) -> AppResult<ReportPage> {
        let viewer = self.viewer_for(actor).await?;
        let (reports, forms, next) = self.delivered_page(Some(&viewer), &filter).await?;
        Ok(ReportPage {
            reports,
            forms,
            next,
            filter,
        })
    }

    /// One page of the records the viewer receives (`None`: the local operator, who sees
    /// everything as stored) whose **delivered form** matches `filter`. The store is asked
    /// with a widened filter, a superset of candidates; each candidate is decided,
    /// delivered, and only then checked against the filter. So a `bbox`, `region` or `q`
    /// answers the same for a coarsened record as its shown form would, and bisecting a
    /// box cannot find the hidden position. The cursor is the last returned record's
    /// position (time and id are never coarsened).
    async fn delivered_page(
        &self,
        viewer: Option<&Viewer>,
        filter: &ReportFilter,
    ) -> AppResult<(Vec<Report>, Vec<Form>, Option<Cursor>)> {
        let limit = filter.limit as usize;
        let mut wide = match viewer {
            Some(v) if filter.bbox.is_some() => {
                let coarse = self.coarsened_for(v);
                let codes = if coarse.types.is_empty() && coarse.pairs.is_empty() {
                    // Nothing reaches this viewer coarsened: the exact box decides.
                    Some(Vec::new())
                } else {
                    self.region_codes_in_box(filter)
                };
                filter.widened(codes, coarse)
            }
            _ => filter.clone(),
        };
        let mut reports = Vec::new();
        let mut forms = Vec::new();
        loop {
            let mut rows = self.store.list_reports(viewer, &wide).await?;
            let more = rows.len() > limit;
            rows.truncate(limit);
            let last = rows.last().map(|r| Cursor {
                occurred_at_ms: r.occurred_at.timestamp_millis(),
                id: r.id,
            });
            let (delivered, delivered_forms) = match viewer {
                Some(v) => self.deliver_page(v, rows).await?,
                None => {
                    let n = rows.len();
                    (rows, vec![Form::Full; n])
                }
            };
            for (r, f) in delivered.into_iter().zip(delivered_forms) {
                if !filter.matches(&r) {
                    continue;
                }
                if reports.len() == limit {
                    // One more match exists: the page is full and has a successor.
                    let next = reports.last().map(|r: &Report| Cursor {
                        occurred_at_ms: r.occurred_at.timestamp_millis(),
                        id: r.id,
                    });
                    return Ok((reports, forms, next));
                }
                reports.push(r);
                forms.push(f);
            }
            match last {
                Some(c) if more => wide.cursor = Some(c),
                _ => return Ok((reports, forms, None)),
            }
        }
    }

    /// Which records `viewer` may receive coarsened: another agency's records of
    /// location-sensitive types, and those a grant delivers at a coarse precision.
    fn coarsened_for(&self, viewer: &Viewer) -> BboxWidening {
        let types = if viewer.precise_locations {
            Vec::new()
        } else {
            self.report_types()
                .iter()
                .filter(|t| self.location_sensitive(&t.key))
                .map(|t| t.key.clone())
                .collect()
        };
        let mut pairs: Vec<(AgencyId, String)> = Vec::new();
        for g in viewer
            .grants
            .iter()
            .filter(|g| g.precision != Precision::Exact)
        {
            for o in &g.owners {
                for t in &g.type_keys {
                    if !pairs.iter().any(|(po, pt)| po == o && pt == t) {
                        pairs.push((*o, t.clone()));
                    }
                }
            }
        }
        BboxWidening {
            viewer_agency: Some(viewer.scope.agency),
            types,
            pairs,
            ..Default::default()
        }
    }

    /// The codes of the provinces, regencies and districts whose centre lies in the
    /// filter's box: a record delivered at region precision is shown at the centre of its
    /// district. `None` when there are too many to list (a box over much of the country),
    /// and the store query then leaves the box to the delivered-form check alone.
    fn region_codes_in_box(&self, filter: &ReportFilter) -> Option<Vec<String>> {
        const MAX_CODES: usize = 400;
        // The ~7,300 provinces, regencies and districts, not the 91,599 regions.
        static CENTRES: std::sync::OnceLock<Vec<(String, f64, f64)>> = std::sync::OnceLock::new();
        let centres = CENTRES.get_or_init(|| {
            sinergi_regions::Gazetteer::shipped()
                .iter()
                .filter(|g| g.level != sinergi_regions::Level::Village)
                .map(|g| (g.code.clone(), g.lon, g.lat))
                .collect()
        });
        let Some(b) = &filter.bbox else {
            return Some(Vec::new());
        };
        let mut codes = Vec::new();
        for (code, lon, lat) in centres {
            if (b.min_lon..=b.max_lon).contains(lon) && (b.min_lat..=b.max_lat).contains(lat) {
                if codes.len() == MAX_CODES {
                    return None;
                }
                codes.push(code.clone());
            }
        }
        Some(codes)
    }

    pub async fn count_reports(&self, actor: &Actor) -> AppResult<Vec<ReportCount>> {
        let viewer = self.viewer_for(actor).await?;
        Ok(self.store.count_reports(Some(&viewer)).await?)
    }

    /// Streams every matching report to `sink`, a page at a time, so memory stays flat
    /// however many there are. `actor` is `None` for the local operator, who sees all.
    pub async fn export_reports<F>(
        &self,
        actor: Option<&Actor>,
        mut filter: ReportFilter,
        mut sink: F,
    ) -> AppResult<u64>
    where
        F: FnMut(&Report, &Form) -> std::io::Result<()>,
    {
        let viewer = match actor {
            Some(a) => Some(self.viewer_for(a).await?),
            None => None,
        };
        filter.limit = 500;
        filter.cursor = None;
        let mut n = 0u64;
        loop {
            let (page, forms, next) = self.delivered_page(viewer.as_ref(), &filter).await?;
            for (r, f) in page.iter().zip(&forms) {
                sink(r, f)?;
                n += 1;
            }
            match next {
                Some(c) => filter.cursor = Some(c),
                None => return Ok(n),
            }
        }
    }

    fn attachment_path(&self, sha256: &str) -> PathBuf {
        self.config
            .data_dir
            .join("attachments")
            .join(&sha256[0..2])
            .join(sha256)
    }

    /// The checks every stored file passes, without storing it: not empty, not larger
    /// than `max_attachment_bytes`, a photo or PDF by its bytes. Answers the content type.
    /// A form that sends a report together with its files checks them all with this
    /// before anything is written, so a refused file leaves nothing half-saved.
    pub fn check_attachment(&self, bytes: &[u8]) -> AppResult<&'static str> {
        if bytes.is_empty() {
            return Err(AppError::field(
                "file",
                sinergi_core::msg!("file-empty", "the file is empty"),
            ));
        }
        if bytes.len() > self.config.max_attachment_bytes {
            return Err(AppError::PayloadTooLarge(format!(
                "files may be at most {} bytes",
                self.config.max_attachment_bytes
            )));
        }
        sniff_content_type(bytes).ok_or_else(|| {
            AppError::UnsupportedMediaType(
                "files must be JPEG, PNG, WebP or GIF photos or PDF documents".into(),
            )
        })
    }

    /// Checks a file ([`App::check_attachment`]) and stores it under its SHA-256
    /// ([`App::put_blob`]). Returns (sha256, content type, a cleaned file name — `fallback`
    /// when none was given).
    pub(crate) async fn store_blob(
        &self,
        filename: &str,
        bytes: &[u8],
        fallback: &str,
    ) -> AppResult<(String, &'static str, String)> {
        let content_type = self.check_attachment(bytes)?;
        let name: String = filename
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        let name = if name.trim().is_empty() {
            fallback.to_string()
        } else {
            name
        };
        let sha = self.put_blob(bytes).await?;
        Ok((sha, content_type, name))
    }

    /// Stores bytes under their SHA-256 (once: the same bytes are one file), written to
    /// a temporary name first so a crash never leaves a truncated file under a hash it
    /// does not match. Returns the SHA-256, hex.
    pub(crate) async fn put_blob(&self, bytes: &[u8]) -> AppResult<String> {
        let sha = sha256_hex(bytes);
        let path = self.attachment_path(&sha);
        if tokio::fs::metadata(&path).await.is_err() {
            let dir = path
                .parent()
                .ok_or_else(|| AppError::Internal("attachment path".into()))?;
            tokio::fs::create_dir_all(dir).await?;
            let tmp = dir.join(format!("{sha}.{}.tmp", std::process::id()));
            tokio::fs::write(&tmp, bytes).await?;
            tokio::fs::rename(&tmp, &path).await?;
        }
        Ok(sha)
    }

    /// The bytes stored under a SHA-256.
    pub(crate) async fn read_blob(&self, sha256: &str) -> AppResult<Vec<u8>> {
        Ok(tokio::fs::read(self.attachment_path(sha256)).await?)
    }

    /// Stores a file under its content hash and links it to a report. The type is taken
    /// from the bytes; anything but JPEG, PNG, WebP, GIF or PDF is refused.
    pub async fn add_attachment(
        &self,
        actor: &Actor,
        report: ReportId,
        filename: &str,
        bytes: &[u8],
    ) -> AppResult<Attachment> {
        let r = self.visible_report(actor, report).await?;
        if !access::can_edit(actor, &r.access()) {
            return Err(AppError::Forbidden(
                "only the author or the owner agency's coordinators may add files".into(),
            ));
        }
        let (sha, content_type, name) = self.store_blob(filename, bytes, "lampiran").await?;
        let now = self.now();
        let a = Attachment {
            id: AttachmentId::new_at(now, Self::id_bits()),
            report_id: report,
            sha256: sha,
            filename: name,
            content_type: content_type.into(),
            size: bytes.len() as i64,
            uploaded_by: actor.user_id,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            Action::AttachmentAdd,
            "report",
            &report.to_string(),
            json!({"sha256": a.sha256, "filename": a.filename, "size": a.size}),
        );
        Ok(self.store.insert_attachment(&a, &entry).await?.unwrap_or(a))
    }

    pub async fn attachments(&self, actor: &Actor, report: ReportId) -> AppResult<Vec<Attachment>> {
        match self.decided_report(actor, report).await?.1 {
            Form::Full => Ok(self.store.attachments(report).await?),
            // Shared copies carry no files: a photo can show the place.
            Form::Shared { .. } => Ok(Vec::new()),
        }
    }

    /// An attachment's record and its bytes, if the actor may see its report.
    pub async fn attachment_content(
        &self,
        actor: &Actor,
        id: AttachmentId,
    ) -> AppResult<(Attachment, Vec<u8>)> {
        let a = self.store.attachment(id).await?.ok_or(AppError::NotFound)?;
        let r = self.visible_report(actor, a.report_id).await?;
        self.store
            .append_audit(&self.audit(
                Some(actor),
                Action::AttachmentRead,
                "report",
                &r.id.to_string(),
                json!({"attachment": a.id.to_string(), "sensitivity": r.sensitivity.as_str()}),
            ))
            .await?;
        let bytes = self.read_blob(&a.sha256).await?;
        Ok((a, bytes))
    }
}
