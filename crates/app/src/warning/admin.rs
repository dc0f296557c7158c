//! Setting up early warning: subjects, devices and their deployments, fences, rules and
//! webhooks. Coordinators and administrators of an agency set up their agency's; every
//! change is audited and rebuilds the engine.

use chrono::{DateTime, Utc};
use rand::RngCore;
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::audit::Action;
use sinergi_core::ids::AgencyId;
use sinergi_core::input::Field;
use sinergi_core::msg;
use sinergi_core::report::Sensitivity;
use sinergi_core::warning::body::{
    FenceChanges, NewDeployment, NewDevice, NewFence, NewRule, NewSubject, NewWebhook,
};
use sinergi_core::warning::{
    fence_name_key, Deployment, DeploymentId, Device, DeviceId, Fence, FenceId, Recipients, Rule,
    RuleId, RuleInput, RuleSpec, Shape, Subject, SubjectId, WebhookId, DEVICE_KINDS, FENCE_KINDS,
    SUBJECT_KINDS,
};
use sinergi_core::{Message, ValidationErrors};
use sinergi_store::warning::{Claim, StoredFix, Webhook};
use sinergi_store::UpdateOutcome;

use crate::{App, AppError, AppResult};

/// A required line of text, trimmed: 1 to `longest` characters.
fn text(f: &Field<String>, k: &str, longest: usize, errs: &mut ValidationErrors) -> String {
    match f.given().map(|s| s.trim()) {
        // Names and serials are one line of visible text: a NUL or newline in a serial
        // would never match what a collar sends, and breaks logs and exports.
        Some(s) if s.chars().any(char::is_control) => {
            errs.push(
                k,
                msg!(
                    "text-control-characters",
                    "must not contain control characters"
                ),
            );
            String::new()
        }
        Some(s) if !s.is_empty() && s.chars().count() <= longest => s.to_string(),
        _ => {
            errs.push(
                k,
                msg!(
                    "setup-text-required",
                    "required, 1 to {max} characters",
                    max = longest
                ),
            );
            String::new()
        }
    }
}

/// One of `allowed`; `default` when no text was sent (absent, null, or not text).
fn one_of(
    f: &Field<String>,
    k: &str,
    allowed: &[&str],
    default: Option<&str>,
    errs: &mut ValidationErrors,
) -> String {
    match f.given().map(String::as_str) {
        Some(s) if allowed.contains(&s) => s.to_string(),
        None if default.is_some() => default.unwrap_or_default().to_string(),
        _ => {
            errs.push(
                k,
                msg!(
                    "setup-kind-invalid",
                    "must be one of: {choices}",
                    choices = allowed.join(", ")
                ),
            );
            String::new()
        }
    }
}

/// The refusal of a second fence of an agency with the same name.
fn name_taken_message() -> Message {
    msg!(
        "fence-name-taken",
        "another area of this agency already has this name"
    )
}

/// The refusal of a body that gives no shape (or a shape and a region).
fn shape_required_message() -> Message {
    msg!(
        "fence-shape-required",
        "give a shape, or a region code (with radius_m for a circle)"
    )
}

/// The shipped boundary of a province, regency or district (villages have none).
fn region_boundary(level: sinergi_regions::Level, code: &str) -> Option<Value> {
    let text = sinergi_regions::Gazetteer::boundary_geojson(level)?;
    let v: Value = serde_json::from_str(text).ok()?;
    v.get("features")?
        .as_array()?
        .iter()
        .find(|f| f["properties"]["kode"].as_str() == Some(code))
        .map(|f| f["geometry"].clone())
}

/// A held fix as a viewer may see it (see [`App::held_fixes`]).
#[derive(Debug, Clone, serde::Serialize)]
pub struct HeldFix {
    #[serde(flatten)]
    pub fix: StoredFix,
    /// The sender's user name, `operator` for the command line and the MQTT broker, or
    /// `None` where the viewer may not know (or it was not recorded).
    pub submitted_by: Option<String>,
    /// The sender's agency code, where the viewer may know it.
    pub submitted_by_agency: Option<String>,
}

/// Coordinators and administrators set up early warning for their agency.
fn may_configure(actor: &Actor) -> AppResult<()> {
    if actor.may(sinergi_core::permission::Action::ConfigureWarning) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "coordinators and administrators set up early warning".into(),
        ))
    }
}

/// Whether the actor's agency is `agency` or above it.
pub(crate) fn within(actor: &Actor, agency: AgencyId) -> bool {
    actor.agency_id == agency || actor.agency_descendants.contains(&agency)
}

/// What a fence body says about the shape.
enum FenceShapeInput {
    /// Neither `shape` nor `region`.
    Absent,
    /// Given, but refused (the errors are pushed).
    Invalid,
    /// The shape and the region it was made from or lies in.
    Given(Shape, Option<String>),
}

/// A line is a road, a river or another kind of fence, never a village or a park.
fn check_line_kind(shape: &Shape, kind: &str, errs: &mut ValidationErrors) {
    let line_kind = matches!(kind, "road" | "river");
    if shape.is_line() && !line_kind && !kind.is_empty() && kind != "other" {
        errs.push(
            "kind",
            msg!(
                "fence-line-kind",
                "a line fence is a road, a river or other"
            ),
        );
    }
}

/// Whether another fence of `agency` (not `except`) has this name, by [`fence_name_key`].
fn name_taken(fences: &[Fence], agency: AgencyId, name: &str, except: Option<FenceId>) -> bool {
    let key = fence_name_key(name);
    fences.iter().any(|f| {
        f.owner_agency_id == agency && Some(f.id) != except && fence_name_key(&f.name) == key
    })
}

/// The store's refusal of a duplicate fence name (a concurrent write took it after the
/// check) as the same validation error the check gives.
fn duplicate_name(e: sinergi_store::StoreError) -> AppError {
    match e {
        sinergi_store::StoreError::Duplicate("fence name") => {
            AppError::field("name", name_taken_message())
        }
        other => other.into(),
    }
}

impl App {
    /// `{name, species, kind: individual|herd|team, sensitivity?, notes?}`
    pub async fn create_subject(&self, actor: &Actor, body: &NewSubject) -> AppResult<Subject> {
        may_configure(actor)?;
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let name = text(&body.name, "name", 200, &mut errs);
        let species = text(&body.species, "species", 64, &mut errs);
        if !species.is_empty()
            && !species
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            errs.push(
                "species",
                msg!(
                    "subject-species-invalid",
                    "a species key: lower-case letters, digits and _ (e.g. gajah_sumatera)"
                ),
            );
        }
        let kind = one_of(
            &body.kind,
            "kind",
            &SUBJECT_KINDS,
            Some("individual"),
            &mut errs,
        );
        // Anything but text says nothing: the default.
        let sensitivity = match &body.sensitivity {
            Field::Absent | Field::Null | Field::Wrong(_) => Sensitivity::Restricted,
            Field::Given(s) => Sensitivity::parse(s).unwrap_or_else(|| {
                errs.push(
                    "sensitivity",
                    msg!(
                        "subject-sensitivity-invalid",
                        "must be public, internal, restricted or secret"
                    ),
                );
                Sensitivity::Restricted
            }),
        };
        let notes = body
            .notes
            .given()
            .map_or("", String::as_str)
            .chars()
            .take(2000)
            .collect();
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let s = Subject {
            id: SubjectId::new_at(now, Self::id_bits()),
            owner_agency_id: actor.agency_id,
            name,
            species,
            kind,
            sensitivity,
            notes,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "subject",
            &s.id.to_string(),
            json!({"name": s.name, "species": s.species}),
        );
        self.store.insert_subject(&s, &entry).await?;
        self.invalidate_engine().await;
        Ok(s)
    }

    /// Subjects of the actor's agency and those below it.
    pub async fn subjects_for(&self, actor: &Actor) -> AppResult<Vec<Subject>> {
        Ok(self
            .store
            .subjects()
            .await?
            .into_iter()
            .filter(|s| within(actor, s.owner_agency_id))
            .collect())
    }

    /// `{serial, kind: collar|tag|phone, expected_interval_min?}`
    pub async fn create_device(&self, actor: &Actor, body: &NewDevice) -> AppResult<Device> {
        may_configure(actor)?;
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let serial = text(&body.serial, "serial", 100, &mut errs);
        let kind = one_of(&body.kind, "kind", &DEVICE_KINDS, Some("collar"), &mut errs);
        let interval = match body.expected_interval_min {
            Field::Absent | Field::Null => 60,
            Field::Given(m) if (1..=10_080).contains(&m) => m,
            Field::Given(_) | Field::Wrong(_) => {
                errs.push(
                    "expected_interval_min",
                    msg!("device-interval-invalid", "1 to 10080 minutes"),
                );
                60
            }
        };
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let d = Device {
            id: DeviceId::new_at(now, Self::id_bits()),
            serial,
            kind,
            owner_agency_id: actor.agency_id,
            expected_interval_s: interval * 60,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "device",
            &d.serial,
            json!({"kind": d.kind}),
        );
        self.store
            .insert_device(&d, &entry)
            .await
            .map_err(|e| match e {
                sinergi_store::StoreError::Duplicate(_) => AppError::field(
                    "serial",
                    msg!(
                        "device-serial-taken",
                        "a device with serial {serial} already exists",
                        serial = &d.serial
                    ),
                ),
                e => e.into(),
            })?;
        self.invalidate_engine().await;
        Ok(d)
    }

    pub async fn devices_for(&self, actor: &Actor) -> AppResult<Vec<Device>> {
        Ok(self
            .store
            .devices()
            .await?
            .into_iter()
            .filter(|d| within(actor, d.owner_agency_id))
            .collect())
    }

    /// Puts a device on a subject from `start` (`{subject, start?}`); fixes held for that
    /// device since then are attached to the subject: the device's own, and those the
    /// device's agency or one above it sent before the device was registered. A device is on one subject at a time:
    /// its open deployment ends where the new one starts.
    pub async fn deploy_device(
        &self,
        actor: &Actor,
        serial: &str,
        body: &NewDeployment,
    ) -> AppResult<(Deployment, u64)> {
        may_configure(actor)?;
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let device = self
            .devices_for(actor)
            .await?
            .into_iter()
            .find(|d| d.serial == serial)
            .ok_or(AppError::NotFound)?;
        let subject = match body.subject.given().and_then(|s| SubjectId::parse(s)) {
            Some(id) => self
                .subjects_for(actor)
                .await?
                .into_iter()
                .find(|s| s.id == id)
                .map(|s| s.id),
            None => None,
        };
        if subject.is_none() {
            errs.push(
                "subject",
                msg!(
                    "deployment-subject-required",
                    "a subject of your agency is required"
                ),
            );
        }
        // Anything but text says nothing: from the beginning.
        let start = match &body.start {
            Field::Absent | Field::Null | Field::Wrong(_) => Some(DateTime::<Utc>::MIN_UTC),
            Field::Given(s) => match DateTime::parse_from_rfc3339(s) {
                Ok(t) => Some(t.with_timezone(&Utc)),
                Err(_) => {
                    errs.push(
                        "start",
                        msg!(
                            "deployment-start-invalid",
                            "an RFC 3339 time, e.g. 2025-06-01T00:00:00+07:00"
                        ),
                    );
                    None
                }
            },
        };
        let (Some(subject), Some(start)) = (subject, start) else {
            return Err(errs.into());
        };
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        // End the open deployment of this device first.
        for d in self.store.deployments().await? {
            if d.device_id == device.id && d.end_at.is_none() {
                let at = if start > d.start_at { start } else { now };
                let entry = self.audit(
                    Some(actor),
                    Action::WarningSetup,
                    "device",
                    &device.serial,
                    json!({"deployment_end": d.id.to_string()}),
                );
                self.store.end_deployment(d.id, at, &entry).await?;
            }
        }
        let dep = Deployment {
            id: DeploymentId::new_at(now, Self::id_bits()),
            device_id: device.id,
            subject_id: subject,
            start_at: start,
            end_at: None,
        };
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "device",
            &device.serial,
            json!({"deployment": dep.id.to_string(), "subject": subject.to_string()}),
        );
        // Held fixes join the subject if the device's agency, or one above it, sent them
        // (or the operator): never those another agency sent for the serial.
        let claimants = self.agency_and_above(device.owner_agency_id).await?;
        let attached = self
            .store
            .insert_deployment(&dep, &device.serial, &claimants, &entry)
            .await?;
        self.invalidate_engine().await;
        Ok((dep, attached))
    }

    /// Fixes held for an unknown or undeployed device, for administrators to assign, as
    /// the actor may see them. A fix held for the actor's agency (or one below it), or for
    /// a device of theirs, is shown exactly with its sender; any other held fix for a
    /// serial no device of theirs has is shown to the nearest 0.1° (about 10 km) without
    /// its sender — it may be a collar of theirs they recognise, but it may also be on an
    /// animal whose place must not spread. System administrators see everything.
    pub async fn held_fixes(&self, actor: &Actor) -> AppResult<Vec<HeldFix>> {
        if !actor.may(sinergi_core::permission::Action::ConfigureWarning) {
            return Err(AppError::Forbidden(
                "coordinators and administrators see held fixes".into(),
            ));
        }
        let devices = self.store.devices().await?;
        let users = self.store.users(None).await?;
        let agencies = self.store.agencies().await?;
        let everything = actor.may(sinergi_core::permission::Action::WarningEverywhere);
        let mut out = Vec::new();
        for f in self.store.held_fixes(500).await? {
            let device = devices.iter().find(|d| d.serial == f.serial);
            let exact = match (f.claim, device) {
                // The device's own fix (awaiting a deployment) is its agency's business.
                (Claim::Device, Some(d)) => {
                    if !(everything || within(actor, d.owner_agency_id)) {
                        continue;
                    }
                    true
                }
                (Claim::Device, None) => {
                    everything || f.submitted_agency.is_some_and(|a| within(actor, a))
                }
                (Claim::Agency(a), _) => everything || within(actor, a),
                (Claim::Unknown, _) => everything,
            };
            let (submitted_by, submitted_by_agency) = match (exact, f.claim, f.submitted_by) {
                (_, Claim::Unknown, _) | (false, Claim::Agency(_), _) => (None, None),
                (_, _, None) => (Some("operator".to_string()), None),
                (true, _, Some(u)) => (
                    users
                        .iter()
                        .find(|x| x.id == u)
                        .map(|x| x.username.to_string()),
                    f.submitted_agency
                        .and_then(|a| agencies.iter().find(|x| x.id == a))
                        .map(|x| x.code.to_string()),
                ),
                (false, _, Some(_)) => (None, None),
            };
            let mut f = f;
            if !exact {
                f.lon = (f.lon * 10.0).round() / 10.0;
                f.lat = (f.lat * 10.0).round() / 10.0;
                f.accuracy_m = Some(10_000.0);
            }
            out.push(HeldFix {
                fix: f,
                submitted_by,
                submitted_by_agency,
            });
        }
        Ok(out)
    }

    /// An agency and the agencies above it: whose held fixes join its devices' subjects.
    async fn agency_and_above(&self, agency: AgencyId) -> AppResult<Vec<AgencyId>> {
        let all = self.store.agencies().await?;
        let mut out = vec![agency];
        let mut at = agency;
        while let Some(parent) = all.iter().find(|a| a.id == at).and_then(|a| a.parent_id) {
            if out.contains(&parent) {
                break;
            }
            out.push(parent);
            at = parent;
        }
        Ok(out)
    }

    /// The shape a fence body gives: `shape` (a GeoJSON geometry or circle), or `region`
    /// (a Kemendagri code: its shipped boundary, or with `radius_m` a circle of that
    /// radius around its centre), with the region it lies in. A shape sent as `null` is
    /// read (and refused) as a shape.
    fn fence_shape(
        &self,
        shape: &Field<Value>,
        region: &Field<String>,
        radius_m: &Field<f64>,
        errs: &mut ValidationErrors,
    ) -> FenceShapeInput {
        let mut region_code = None;
        let shape = match (shape, region) {
            (Field::Absent, Field::Absent) => return FenceShapeInput::Absent,
            (Field::Null, Field::Absent) => Self::parse_shape(&Value::Null, errs),
            (Field::Given(s) | Field::Wrong(s), Field::Absent) => Self::parse_shape(s, errs),
            (Field::Absent, Field::Given(code)) => {
                let g = self.gazetteer();
                match g.get(code) {
                    None => {
                        errs.push(
                            "region",
                            msg!(
                                "fence-region-unknown",
                                "{code} is not a Kemendagri region code",
                                code = code
                            ),
                        );
                        None
                    }
                    Some(r) => {
                        region_code = Some(r.code.clone());
                        match radius_m {
                            Field::Given(radius) if *radius > 0.0 && *radius <= 200_000.0 => {
                                Some(Shape::Circle {
                                    lon: r.lon,
                                    lat: r.lat,
                                    radius_m: *radius,
                                })
                            }
                            Field::Given(_) | Field::Null | Field::Wrong(_) => {
                                errs.push(
                                    "radius_m",
                                    msg!(
                                        "fence-radius-invalid",
                                        "more than 0 and at most 200000 metres"
                                    ),
                                );
                                None
                            }
                            Field::Absent => {
                                match region_boundary(r.level, code).map(|b| Shape::parse(&b)) {
                                    Some(Ok(s)) => Some(s),
                                    _ => {
                                        errs.push(
                                            "region",
                                            msg!(
                                                "fence-region-no-boundary",
                                                "no boundary is shipped for {code}; give radius_m for a circle",
                                                code = code
                                            ),
                                        );
                                        None
                                    }
                                }
                            }
                        }
                    }
                }
            }
            _ => {
                errs.push("shape", shape_required_message());
                None
            }
        };
        let Some(shape) = shape else {
            return FenceShapeInput::Invalid;
        };
        if region_code.is_none() {
            let (lon, lat) = shape.anchor();
            region_code = self
                .gazetteer()
                .locate(lon, lat)
                .map(|l| l.most_specific().code.clone());
        }
        FenceShapeInput::Given(shape, region_code)
    }

    /// A sent shape, or `None` with its faults pushed.
    fn parse_shape(v: &Value, errs: &mut ValidationErrors) -> Option<Shape> {
        match Shape::parse(v) {
            Ok(s) => Some(s),
            Err(e) => {
                errs.errors.extend(e.errors);
                None
            }
        }
    }

    /// `{name, kind, shape}` or `{name, kind, region: "kode", radius_m?}` (the village
    /// boundary shipped with Sinergi, or a circle of `radius_m` around its centre). The
    /// name must be new to the actor's agency (see [`fence_name_key`]).
    pub async fn create_fence(&self, actor: &Actor, body: &NewFence) -> AppResult<Fence> {
        may_configure(actor)?;
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let name = text(&body.name, "name", 200, &mut errs);
        let kind = one_of(&body.kind, "kind", &FENCE_KINDS, Some("other"), &mut errs);
        let (shape, region_code) =
            match self.fence_shape(&body.shape, &body.region, &body.radius_m, &mut errs) {
                FenceShapeInput::Given(shape, region) => (Some(shape), region),
                FenceShapeInput::Invalid => (None, None),
                FenceShapeInput::Absent => {
                    errs.push("shape", shape_required_message());
                    (None, None)
                }
            };
        if let Some(s) = &shape {
            check_line_kind(s, &kind, &mut errs);
        }
        let fences = self.store.fences().await?;
        if !name.is_empty() && name_taken(&fences, actor.agency_id, &name, None) {
            errs.push("name", name_taken_message());
        }
        let Some(shape) = shape else {
            return Err(errs.into());
        };
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let f = Fence {
            id: FenceId::new_at(now, Self::id_bits()),
            owner_agency_id: actor.agency_id,
            name,
            kind,
            shape,
            region_code,
            active: true,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "fence",
            &f.id.to_string(),
            json!({"name": f.name, "kind": f.kind}),
        );
        self.store
            .insert_fence(&f, &entry)
            .await
            .map_err(duplicate_name)?;
        self.invalidate_engine().await;
        Ok(f)
    }

    /// One fence of the actor's agency or one below it; 404 for any other.
    pub async fn fence_for(&self, actor: &Actor, id: FenceId) -> AppResult<Fence> {
        self.fences_for(actor)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(AppError::NotFound)
    }

    /// Edits a fence of the actor's agency or one below it: any of `name`, `kind`, and
    /// `shape` or `region` (with `radius_m`), as [`App::create_fence`] reads them.
    /// `if_match` is the version the edit was made on (required; a different stored
    /// version is `PreconditionFailed`). The name must stay unique in the fence's agency;
    /// a line watched by a cross rule stays a line. The engine is rebuilt with the new
    /// fence; alerts already raised for it stay as they are (ADR 7). An edit that changes
    /// nothing writes nothing.
    pub async fn update_fence(
        &self,
        actor: &Actor,
        id: FenceId,
        if_match: Option<i64>,
        body: &FenceChanges,
    ) -> AppResult<Fence> {
        may_configure(actor)?;
        let fences = self.store.fences().await?;
        let current = fences
            .iter()
            .find(|f| f.id == id && within(actor, f.owner_agency_id))
            .cloned()
            .ok_or(AppError::NotFound)?;
        let expected = if_match.ok_or(AppError::PreconditionRequired)?;
        if expected != current.version {
            return Err(AppError::PreconditionFailed {
                current: current.version,
            });
        }
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let mut next = current.clone();
        if body.name.is_sent() {
            next.name = text(&body.name, "name", 200, &mut errs);
            if !next.name.is_empty()
                && name_taken(&fences, current.owner_agency_id, &next.name, Some(id))
            {
                errs.push("name", name_taken_message());
            }
        }
        if body.kind.is_sent() {
            next.kind = one_of(&body.kind, "kind", &FENCE_KINDS, None, &mut errs);
        }
        match self.fence_shape(&body.shape, &body.region, &body.radius_m, &mut errs) {
            FenceShapeInput::Given(shape, region) => {
                next.shape = shape;
                next.region_code = region;
            }
            FenceShapeInput::Absent if body.radius_m.is_sent() => {
                errs.push(
                    "radius_m",
                    msg!("fence-radius-without-region", "goes with a region code"),
                );
            }
            FenceShapeInput::Absent | FenceShapeInput::Invalid => {}
        }
        if errs.is_empty() {
            check_line_kind(&next.shape, &next.kind, &mut errs);
        }
        if current.shape.is_line() && !next.shape.is_line() {
            let watched_by_cross = self.store.rules().await?.iter().any(|r| {
                matches!(r.spec.trigger, sinergi_geofence::Trigger::Cross)
                    && r.spec.fences.contains(&id)
            });
            if watched_by_cross {
                errs.push(
                    "shape",
                    msg!(
                        "fence-line-watched",
                        "a cross rule watches this line; it must stay a line"
                    ),
                );
            }
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let mut changed = Vec::new();
        if next.name != current.name {
            changed.push("name");
        }
        if next.kind != current.kind {
            changed.push("kind");
        }
        if next.shape != current.shape {
            changed.push("shape");
        }
        if next.region_code != current.region_code {
            changed.push("region_code");
        }
        if changed.is_empty() {
            return Ok(current);
        }
        next.updated_at = self.now();
        next.version = expected + 1;
        let mut detail = json!({
            "changed": changed.join(","),
            "name": next.name,
            "kind": next.kind,
            "version": next.version,
        });
        if next.name != current.name {
            detail["renamed_from"] = json!(current.name);
        }
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "fence",
            &id.to_string(),
            detail,
        );
        match self
            .store
            .update_fence(&next, expected, &entry)
            .await
            .map_err(duplicate_name)?
        {
            UpdateOutcome::Updated => {
                self.invalidate_engine().await;
                Ok(next)
            }
            UpdateOutcome::VersionMismatch(v) => Err(AppError::PreconditionFailed { current: v }),
            UpdateOutcome::NotFound => Err(AppError::NotFound),
        }
    }

    /// Fences of the actor's agency and those below it.
    pub async fn fences_for(&self, actor: &Actor) -> AppResult<Vec<Fence>> {
        Ok(self
            .store
            .fences()
            .await?
            .into_iter()
            .filter(|f| within(actor, f.owner_agency_id))
            .collect())
    }

    pub async fn set_fence_active(
        &self,
        actor: &Actor,
        id: FenceId,
        active: bool,
    ) -> AppResult<()> {
        may_configure(actor)?;
        let f = self
            .fences_for(actor)
            .await?
            .into_iter()
            .find(|f| f.id == id)
            .ok_or(AppError::NotFound)?;
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "fence",
            &f.id.to_string(),
            json!({"active": active}),
        );
        self.store
            .set_fence_active(id, active, self.now(), &entry)
            .await?;
        self.invalidate_engine().await;
        Ok(())
    }

    /// Creates a rule (see [`RuleInput::parse`]); times of day are read in the zone of the
    /// actor's agency.
    pub async fn create_rule(&self, actor: &Actor, body: &NewRule) -> AppResult<Rule> {
        may_configure(actor)?;
        let agency = self
            .store
            .agency(actor.agency_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let zone = agency
            .jurisdiction
            .first()
            .map(|code| sinergi_core::time::Zone::for_region(code))
            .unwrap_or(sinergi_core::time::Zone::Wib);
        let input = RuleInput::parse(body, (zone.offset_hours() * 60) as i16)?;
        let mut errs = ValidationErrors::new();
        let fences = self.fences_for(actor).await?;
        for (i, id) in input.fences.iter().enumerate() {
            if !fences.iter().any(|f| f.id == *id) {
                errs.push(
                    format!("fences[{i}]"),
                    msg!("rule-fence-not-own", "not a fence of your agency"),
                );
            }
        }
        let mut recipients = Recipients {
            contacts: input.contacts.clone(),
            ..Default::default()
        };
        for (i, code) in input.agency_codes.iter().enumerate() {
            match self.store.agency_by_code(code).await? {
                Some(a) => recipients.agencies.push(a.id),
                None => errs.push(
                    format!("recipients.agencies[{i}]"),
                    msg!("agency-unknown", "{code} is not an agency", code = code),
                ),
            }
        }
        for (i, name) in input.usernames.iter().enumerate() {
            match self.store.user_credentials(name).await? {
                Some((u, _)) => recipients.users.push(u.id),
                None => errs.push(
                    format!("recipients.users[{i}]"),
                    msg!("rule-user-unknown", "{name} is not a user", name = name),
                ),
            }
        }
        if input
            .channels
            .contains(&sinergi_core::warning::Channel::Sms)
            && self.warning.delivery.sms.is_none()
        {
            errs.push(
                "channels",
                msg!(
                    "rule-sms-not-set-up",
                    "SMS is not set up on this server (sms_gateway_url)"
                ),
            );
        }
        if input
            .channels
            .contains(&sinergi_core::warning::Channel::Email)
            && self.warning.delivery.smtp.is_none()
        {
            errs.push(
                "channels",
                msg!(
                    "rule-email-not-set-up",
                    "e-mail is not set up on this server (smtp_url)"
                ),
            );
        }
        let line_trigger = matches!(input.trigger, sinergi_geofence::Trigger::Cross);
        for (i, id) in input.fences.iter().enumerate() {
            if let Some(f) = fences.iter().find(|f| f.id == *id) {
                if line_trigger && !f.shape.is_line() {
                    errs.push(
                        format!("fences[{i}]"),
                        msg!(
                            "rule-cross-needs-line",
                            "a cross rule watches lines (roads, rivers)"
                        ),
                    );
                }
            }
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let now = self.now();
        let r = Rule {
            id: RuleId::new_at(now, Self::id_bits()),
            owner_agency_id: actor.agency_id,
            name: input.name,
            spec: RuleSpec {
                fences: input.fences,
                subjects: input.subjects,
                trigger: input.trigger,
                severity: input.severity,
                hysteresis_m: input.hysteresis_m,
                quiet_period_s: input.quiet_period_s,
                active_hours: input.active_hours,
                recipients,
                channels: input.channels,
            },
            active: true,
            created_by: actor.user_id,
            created_at: now,
            updated_at: now,
        };
        // The engine has the last word on what it can evaluate.
        if let Some(er) = super::engine_rule(&r, &fences.iter().collect::<Vec<_>>()) {
            er.validate().map_err(|e| {
                AppError::field(
                    "trigger",
                    sinergi_core::msg!("rule-engine-refused", "{reason}", reason = e),
                )
            })?;
        }
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "rule",
            &r.id.to_string(),
            json!({"name": r.name}),
        );
        self.store.insert_rule(&r, &entry).await?;
        self.invalidate_engine().await;
        Ok(r)
    }

    pub async fn rules_for(&self, actor: &Actor) -> AppResult<Vec<Rule>> {
        Ok(self
            .store
            .rules()
            .await?
            .into_iter()
            .filter(|r| within(actor, r.owner_agency_id))
            .collect())
    }

    pub async fn set_rule_active(&self, actor: &Actor, id: RuleId, active: bool) -> AppResult<()> {
        may_configure(actor)?;
        let r = self
            .rules_for(actor)
            .await?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or(AppError::NotFound)?;
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "rule",
            &r.id.to_string(),
            json!({"active": active}),
        );
        self.store
            .set_rule_active(id, active, self.now(), &entry)
            .await?;
        self.invalidate_engine().await;
        Ok(())
    }

    /// Registers a webhook for the actor's agency (`{url}`); the signing secret is
    /// returned once. An address in a private network (or a name resolving only into
    /// one) is refused unless the operator allows it (`webhook_allow_private`).
    pub async fn create_webhook(&self, actor: &Actor, body: &NewWebhook) -> AppResult<Webhook> {
        if !actor.may(sinergi_core::permission::Action::RegisterWebhooks) {
            return Err(AppError::Forbidden(
                "administrators register webhooks".into(),
            ));
        }
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let url = text(&body.url, "url", 2000, &mut errs);
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            errs.push(
                "url",
                msg!("webhook-url-scheme", "an http:// or https:// address"),
            );
        }
        match reqwest::Url::parse(&url) {
            Err(_) if !url.is_empty() => {
                errs.push("url", msg!("webhook-url-invalid", "not a valid address"))
            }
            Ok(parsed) if errs.is_empty() => {
                // Not into the server's own network, unless the operator allows it.
                let allow_private = self.warning.delivery.allow_private_webhooks;
                if let Err(why) = super::net::check_webhook_url(&parsed, allow_private).await {
                    errs.push("url", why);
                }
            }
            _ => {}
        }
        if !errs.is_empty() {
            return Err(errs.into());
        }
        let mut b = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut b);
        let now = self.now();
        let w = Webhook {
            id: WebhookId::new_at(now, Self::id_bits()),
            owner_agency_id: actor.agency_id,
            url,
            secret: hex::encode(b),
            active: true,
            created_at: now,
        };
        let entry = self.audit(
            Some(actor),
            Action::WarningSetup,
            "webhook",
            &w.id.to_string(),
            json!({"url": w.url}),
        );
        self.store.insert_webhook(&w, &entry).await?;
        self.invalidate_engine().await;
        Ok(w)
    }

    pub async fn webhooks_for(&self, actor: &Actor) -> AppResult<Vec<Webhook>> {
        Ok(self
            .store
            .webhooks()
            .await?
            .into_iter()
            .filter(|w| within(actor, w.owner_agency_id))
            .collect())
    }
}
