//! Submissions of forms (ADR 34): an instance received from ODK Collect (or typed in
//! from paper) is read against the XForm of the version it names and kept with the
//! files it names; the same instance again only adds files still missing; an edit
//! (`deprecatedID`) becomes the submission's newest instance, the earlier ones its
//! history; reviews set its state with a comment. All of it audited.
//!
//! Who sees a submission: the submitter's agency and those above it, and the form's
//! agency and those above it (the agency that asked for the answers). Who fills a form:
//! whoever sees it (its agency, those above) and the agencies below its agency — a
//! questionnaire goes down the tree to be answered.

use chrono::Datelike;
use serde_json::{json, Value};
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::form::{Form, FormId, FormVersion};
use sinergi_core::ids::AgencyId;
use sinergi_core::permission::Action;
use sinergi_core::sharing::{Form as Delivered, Viewer};
use sinergi_core::submission::shared;
use sinergi_core::submission::{
    self, ReviewState, Schema, Source, Submission, SubmissionFile, SubmissionId,
    SubmissionInstance, SubmissionReview, MAX_COMMENT,
};
use sinergi_store::{SubmissionOutcome, SubmissionQuery};

use crate::{App, AppError, AppResult};

/// What became of a submission sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A new submission.
    Created,
    /// An edit of an earlier one (its `deprecatedID`).
    Edited,
    /// The same instance again: only files not yet received were added.
    Resumed,
}

/// A submission with what its page shows.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    /// As the actor receives it (ADR 39: a partner's share withholds and coarsens).
    pub submission: Submission,
    /// The form it reaches the actor in: full, or shared under an agreement.
    pub access: Delivered,
    pub form: Form,
    pub version: FormVersion,
    pub schema: Schema,
    pub instances: Vec<SubmissionInstance>,
    pub files: Vec<SubmissionFile>,
    pub reviews: Vec<SubmissionReview>,
    pub may_review: bool,
}

/// A page of a form's submissions.
#[derive(Debug, Clone)]
pub struct SubmissionPage {
    pub form: Form,
    /// As the actor receives them.
    pub submissions: Vec<Submission>,
    /// The form each reaches the actor in, in the same order.
    pub access: Vec<Delivered>,
    pub total: i64,
}

/// The filters of a form's submission list, as the caller gives them.
#[derive(Debug, Clone, Default)]
pub struct SubmissionFilter {
    pub version_number: Option<i32>,
    pub review_state: Option<ReviewState>,
    pub source: Option<Source>,
    pub received_from: Option<chrono::DateTime<chrono::Utc>>,
    pub received_before: Option<chrono::DateTime<chrono::Utc>>,
    pub oldest_first: bool,
    /// Only those after this one in the order (see [`SubmissionQuery::after`]).
    pub after: Option<(chrono::DateTime<chrono::Utc>, SubmissionId)>,
    pub limit: i64,
    pub offset: i64,
    /// Leave out the count of all that match (see [`SubmissionQuery::skip_total`]).
    pub skip_total: bool,
}

/// A paper form typed in (ADR 37).
#[derive(Debug, Clone, Default)]
pub struct PaperEntry {
    /// The answers by question path, a repeat as an array of objects (as
    /// [`Submission::data`] shows them); a select_multiple's as an array or
    /// space-separated.
    pub answers: serde_json::Map<String, Value>,
    /// The date written on the paper: when it was answered.
    pub answered_on: chrono::NaiveDate,
    /// The agency that answered it, when not the officer's own.
    pub agency_id: Option<AgencyId>,
    /// The paper's scan (a PDF or photo): its file name and bytes.
    pub scan: Option<(String, Vec<u8>)>,
    /// An identity chosen by the client, so that sending the same entry again (an
    /// outbox, a retry) adds nothing; a new `uuid:` when not given.
    pub instance_id: Option<String>,
}

/// What the phone app sends (ADR 37).
#[derive(Debug, Clone, Default)]
pub struct AppEntry {
    /// The answers by question path, as [`PaperEntry::answers`].
    pub answers: serde_json::Map<String, Value>,
    /// The number of the form version the phone showed.
    pub version: i32,
    /// The identity the phone chose (`uuid:…`).
    pub instance_id: String,
    /// When it was filled in on the phone.
    pub answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An `instanceID` a client chose: not empty, not too long, no control characters.
fn checked_instance_id(id: &str) -> AppResult<String> {
    let id = id.trim().to_string();
    if id.is_empty()
        || id.chars().count() > submission::MAX_INSTANCE_ID
        || id.chars().any(char::is_control)
    {
        return Err(AppError::field(
            "instance_id",
            sinergi_core::msg!(
                "submission-no-instance-id",
                "the instance has no meta/instanceID (or one longer than {max} characters)",
                max = submission::MAX_INSTANCE_ID
            ),
        ));
    }
    Ok(id)
}

/// The prefix of the file name a paper form's scan is kept under.
pub const PAPER_SCAN: &str = "kertas-";

/// Where a kept instance came from.
struct Origin {
    source: Source,
    agency_id: AgencyId,
    /// When it was answered, when not now (the paper's date).
    answered_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn xml_field(m: sinergi_core::error::Message) -> AppError {
    AppError::field("xml_submission_file", m)
}

impl App {
    /// The agencies above `agency`, nearest first.
    pub(crate) async fn agency_ancestors(&self, agency: AgencyId) -> AppResult<Vec<AgencyId>> {
        let mut out = Vec::new();
        let mut at = self.store.agency(agency).await?.and_then(|a| a.parent_id);
        while let Some(p) = at {
            if out.contains(&p) || out.len() > 32 {
                break;
            }
            out.push(p);
            at = self.store.agency(p).await?.and_then(|a| a.parent_id);
        }
        Ok(out)
    }

    /// Whether the actor sees (and may fill) a form: its agency and those above see it,
    /// the agencies below fill it.
    pub(crate) async fn sees_form(&self, actor: &Actor, form: &Form) -> AppResult<bool> {
        if form.visible_to(actor) {
            return Ok(true);
        }
        Ok(self
            .agency_ancestors(actor.agency_id)
            .await?
            .contains(&form.owner_agency_id))
    }

    /// Whether the actor sees every submission of the form (the form's agency or above).
    fn sees_all_submissions(actor: &Actor, form: &Form) -> bool {
        form.visible_to(actor)
    }

    fn sees_submission(actor: &Actor, form: &Form, s: &Submission) -> bool {
        Self::sees_all_submissions(actor, form)
            || actor.agency_id == s.agency_id
            || actor.agency_descendants.contains(&s.agency_id)
    }

    /// A published version of a form by its version string, with its XForm read as a
    /// schema; read from the store once (published versions never change).
    async fn published_version(
        &self,
        form: &Form,
        version: &str,
    ) -> AppResult<Option<std::sync::Arc<(FormVersion, Schema)>>> {
        let key = (form.id, version.to_string());
        if let Some(hit) = self
            .form_schemas
            .read()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return Ok(Some(hit));
        }
        let Some(v) = self
            .store
            .form_versions(form.id)
            .await?
            .into_iter()
            .find(|v| v.version == version)
        else {
            return Ok(None);
        };
        let schema = Schema::of_xform(&v.xml).map_err(xml_field)?;
        let entry = std::sync::Arc::new((v, schema));
        if let Ok(mut m) = self.form_schemas.write() {
            if m.len() >= crate::FORM_SCHEMAS {
                m.clear();
            }
            m.insert(key, entry.clone());
        }
        Ok(Some(entry))
    }

    /// Receives a submission's XML and some of its files (ODK Collect may split them
    /// across several posts, each with the same XML).
    pub async fn receive_submission(
        &self,
        actor: &Actor,
        xml: &str,
        files: &[(String, Vec<u8>)],
    ) -> AppResult<(Submission, Received)> {
        let head = submission::head(xml).map_err(xml_field)?;
        let form = match self.store.form_by_xml_id(&head.id).await? {
            Some(f) if self.sees_form(actor, &f).await? => f,
            _ => return Err(AppError::NotFound),
        };
        let published = self
            .published_version(&form, head.version.as_deref().unwrap_or_default())
            .await?
            .ok_or_else(|| {
                xml_field(sinergi_core::msg!(
                    "submission-unknown-version",
                    "the form {id} has no version {version}; update the form on the device",
                    id = form.xml_id.clone(),
                    version = head.version.clone().unwrap_or_default()
                ))
            })?;
        let (version, schema) = &*published;
        let inst = submission::read_instance(xml, schema).map_err(xml_field)?;
        let origin = Origin {
            source: Source::Collect,
            agency_id: actor.agency_id,
            answered_at: None,
        };
        self.keep_instance(actor, &form, version, xml, inst, files, &origin)
            .await
    }

    /// Types in a paper form (ADR 37): the answers, as a submission's `data` shows them,
    /// written as an instance of the form's newest version and read like a device's, kept
    /// as from paper with the paper's date and the scan, for the agency that answered it
    /// (the officer's own or one below it, typed in by its coordinator).
    pub async fn enter_paper_submission(
        &self,
        actor: &Actor,
        form_id: FormId,
        entry: PaperEntry,
    ) -> AppResult<(Submission, Received)> {
        let form = self.form_to_fill(actor, form_id).await?;
        let agency_id = match entry.agency_id {
            None => actor.agency_id,
            Some(a) if a == actor.agency_id => a,
            Some(a) if actor.agency_descendants.contains(&a) && actor.may(Action::PublishForms) => a,
            Some(_) => {
                return Err(AppError::field(
                    "agency",
                    sinergi_core::msg!(
                        "paper-agency",
                        "a paper form is typed in for your own agency, or by a coordinator for an agency below it"
                    ),
                ))
            }
        };
        // Today where it is latest in Indonesia (WIT), so that no zone's today is refused.
        let today = self
            .now()
            .with_timezone(&sinergi_core::time::Zone::Wit.offset())
            .date_naive();
        if entry.answered_on > today || entry.answered_on.year() < 2000 {
            return Err(AppError::field(
                "answered_on",
                sinergi_core::msg!(
                    "paper-date",
                    "the paper's date must be a real date, not after today"
                ),
            ));
        }
        let instance_id = match &entry.instance_id {
            Some(id) => checked_instance_id(id)?,
            None => format!("uuid:{}", uuid::Uuid::new_v4()),
        };
        let versions = self.store.form_versions(form.id).await?;
        let version = versions
            .iter()
            .find(|v| v.number == form.current_version)
            .ok_or(AppError::NotFound)?;
        let noon = entry
            .answered_on
            .and_hms_opt(12, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(sinergi_core::time::Zone::Wib.offset())
                    .single()
            })
            .map(|t| t.with_timezone(&chrono::Utc))
            .ok_or_else(|| AppError::Internal("noon of a date".into()))?;
        let origin = Origin {
            source: Source::Paper,
            agency_id,
            answered_at: Some(noon),
        };
        self.enter_answers(
            actor,
            &form,
            version,
            &entry.answers,
            &instance_id,
            entry.scan,
            &origin,
        )
        .await
    }

    /// Keeps what was filled in Sinergi's phone app (ADR 37): the answers to the version
    /// the phone showed, under the identity the phone chose (its outbox sends an entry
    /// until it is answered; the same entry again adds nothing), answered when the phone
    /// says — never later than now, never before the version was published.
    pub async fn enter_app_submission(
        &self,
        actor: &Actor,
        form_id: FormId,
        entry: AppEntry,
    ) -> AppResult<(Submission, Received)> {
        let form = self.form_to_fill(actor, form_id).await?;
        let instance_id = checked_instance_id(&entry.instance_id)?;
        let versions = self.store.form_versions(form.id).await?;
        let version = versions
            .iter()
            .find(|v| v.number == entry.version)
            .ok_or_else(|| {
                AppError::field(
                    "version",
                    sinergi_core::msg!(
                        "submission-unknown-version",
                        "the form {id} has no version {version}; update the form on the device",
                        id = form.xml_id.clone(),
                        version = entry.version.to_string()
                    ),
                )
            })?;
        let now = self.now();
        let answered_at = match entry.answered_at {
            None => now,
            Some(t) if t < version.published_at - chrono::Duration::minutes(5) => {
                return Err(AppError::field(
                    "answered_at",
                    sinergi_core::msg!(
                        "answered-before-version",
                        "the answers are dated before this form version was published"
                    ),
                ))
            }
            // A phone's clock ahead of the server's: counted as received.
            Some(t) => t.min(now),
        };
        let origin = Origin {
            source: Source::App,
            agency_id: actor.agency_id,
            answered_at: Some(answered_at),
        };
        self.enter_answers(
            actor,
            &form,
            version,
            &entry.answers,
            &instance_id,
            None,
            &origin,
        )
        .await
    }

    /// Writes answers as an instance of `version`, reads it like a device's and keeps it
    /// with the scan, if any.
    #[allow(clippy::too_many_arguments)]
    async fn enter_answers(
        &self,
        actor: &Actor,
        form: &Form,
        version: &FormVersion,
        answers: &serde_json::Map<String, Value>,
        instance_id: &str,
        scan: Option<(String, Vec<u8>)>,
        origin: &Origin,
    ) -> AppResult<(Submission, Received)> {
        let schema = Schema::of_xform(&version.xml).map_err(xml_field)?;
        let field = |m| AppError::field("answers", m);
        let xml = sinergi_core::questionnaire::instance_xml(&schema, answers, instance_id)
            .map_err(field)?;
        let mut inst = submission::read_instance(&xml, &schema).map_err(field)?;
        let mut files = Vec::new();
        if let Some((name, bytes)) = scan {
            let name = format!("{PAPER_SCAN}{}", sinergi_core::form::file_name(&name));
            self.check_attachment(&bytes)
                .map_err(|e| rename_file_error(e, "scan"))?;
            inst.files.push(name.clone());
            files.push((name, bytes));
        }
        self.keep_instance(actor, form, version, &xml, inst, &files, origin)
            .await
    }

    /// Keeps a read instance of `version` and those of `files` it names: a new
    /// submission, an edit of the one its `deprecatedID` names, or the same instance
    /// again adding only the files still missing.
    #[allow(clippy::too_many_arguments)]
    async fn keep_instance(
        &self,
        actor: &Actor,
        form: &Form,
        version: &FormVersion,
        xml: &str,
        inst: submission::Instance,
        files: &[(String, Vec<u8>)],
        origin: &Origin,
    ) -> AppResult<(Submission, Received)> {
        let form = form.clone();
        // Every file is checked before anything is stored.
        for (name, bytes) in files {
            if inst.files.contains(name) {
                self.check_attachment(bytes)
                    .map_err(|e| rename_file_error(e, name))?;
            }
        }
        let now = self.now();
        let (s, outcome) = match self
            .store
            .submission_instance(form.id, &inst.instance_id)
            .await?
        {
            Some(had) => {
                if had.xml != xml {
                    return Err(AppError::Conflict(format!(
                        "a different submission with the instanceID {} was received already",
                        inst.instance_id
                    )));
                }
                let s = self
                    .store
                    .submission(had.submission_id)
                    .await?
                    .ok_or(AppError::NotFound)?;
                if !Self::sees_submission(actor, &form, &s) {
                    return Err(AppError::NotFound);
                }
                (s, Received::Resumed)
            }
            None => {
                let instance = |sid: SubmissionId| SubmissionInstance {
                    submission_id: sid,
                    instance_id: inst.instance_id.clone(),
                    deprecated_id: inst.deprecated_id.clone(),
                    xml: xml.to_string(),
                    submitted_by: actor.user_id,
                    received_at: now,
                };
                let data = Value::Object(inst.data.clone());
                if let Some(previous) = &inst.deprecated_id {
                    let had = self
                        .store
                        .submission_instance(form.id, previous)
                        .await?
                        .ok_or_else(|| {
                            xml_field(sinergi_core::msg!(
                                "submission-unknown-deprecated",
                                "the instance {id} this edit replaces was never received",
                                id = previous.clone()
                            ))
                        })?;
                    let old = self
                        .store
                        .submission(had.submission_id)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    if !Self::sees_submission(actor, &form, &old) {
                        return Err(AppError::NotFound);
                    }
                    if old.submitted_by != actor.user_id
                        && !(old.agency_id == actor.agency_id && actor.may(Action::PublishForms))
                    {
                        return Err(AppError::Forbidden(
                            "only its submitter or their agency's coordinators edit a submission"
                                .into(),
                        ));
                    }
                    let s = Submission {
                        version_number: version.number,
                        instance_id: inst.instance_id.clone(),
                        data,
                        lon: inst.point.map(|p| p.0),
                        lat: inst.point.map(|p| p.1),
                        edits: old.edits + 1,
                        updated_at: now,
                        ..old
                    };
                    let audit = self.audit(
                        Some(actor),
                        AuditAction::SubmissionEdit,
                        "submission",
                        &s.id.to_string(),
                        json!({"form": form.id.to_string(), "instance_id": s.instance_id, "deprecated_id": previous}),
                    );
                    match self
                        .store
                        .edit_submission(&s, &instance(s.id), &inst.files, &audit)
                        .await?
                    {
                        SubmissionOutcome::Stored => (s, Received::Edited),
                        SubmissionOutcome::InstanceExists => {
                            return Err(AppError::Conflict(
                                "this instance was received at the same moment; send again".into(),
                            ))
                        }
                        SubmissionOutcome::Stale => {
                            return Err(AppError::Conflict(format!(
                                "the instance {previous} was edited already; edit the newest one"
                            )))
                        }
                    }
                } else {
                    let s = Submission {
                        id: SubmissionId::new_at(now, Self::id_bits()),
                        form_id: form.id,
                        version_number: version.number,
                        root_instance_id: inst.instance_id.clone(),
                        instance_id: inst.instance_id.clone(),
                        agency_id: origin.agency_id,
                        submitted_by: actor.user_id,
                        source: origin.source,
                        review_state: ReviewState::Received,
                        data,
                        lon: inst.point.map(|p| p.0),
                        lat: inst.point.map(|p| p.1),
                        edits: 0,
                        received_at: now,
                        answered_at: origin.answered_at.unwrap_or(now),
                        updated_at: now,
                    };
                    let audit = self.audit(
                        Some(actor),
                        AuditAction::SubmissionReceive,
                        "submission",
                        &s.id.to_string(),
                        json!({"form": form.id.to_string(), "version": version.number, "instance_id": s.instance_id}),
                    );
                    match self
                        .store
                        .insert_submission(&s, &instance(s.id), &inst.files, &audit)
                        .await?
                    {
                        SubmissionOutcome::Stored => (s, Received::Created),
                        _ => {
                            return Err(AppError::Conflict(
                                "this instance was received at the same moment; send again".into(),
                            ))
                        }
                    }
                }
            }
        };
        // The files this instance names and has not received yet.
        let wanted = self.store.submission_files(s.id, &inst.instance_id).await?;
        for (name, bytes) in files {
            let Some(f) = wanted
                .iter()
                .find(|f| &f.name == name && f.sha256.is_none())
            else {
                continue;
            };
            let (sha, content_type, _) = self
                .store_blob(name, bytes, name)
                .await
                .map_err(|e| rename_file_error(e, name))?;
            let got = SubmissionFile {
                sha256: Some(sha.clone()),
                content_type: Some(content_type.to_string()),
                size: Some(bytes.len() as i64),
                ..f.clone()
            };
            let audit = self.audit(
                Some(actor),
                AuditAction::SubmissionFile,
                "submission",
                &s.id.to_string(),
                json!({"name": name, "sha256": sha, "size": bytes.len()}),
            );
            self.store.receive_submission_file(&got, &audit).await?;
        }
        Ok((s, outcome))
    }

    /// A form the actor sees and fills (a partner that only receives its answers does
    /// not).
    async fn form_to_fill(&self, actor: &Actor, id: FormId) -> AppResult<Form> {
        match self.store.form(id).await? {
            Some(f) if self.sees_form(actor, &f).await? => Ok(f),
            _ => Err(AppError::NotFound),
        }
    }

    /// A form whose submissions the actor reaches: one it sees, or one an agreement's
    /// clause names for the actor's agency (then with the actor's grants, ADR 39).
    async fn form_for_submissions(
        &self,
        actor: &Actor,
        id: FormId,
    ) -> AppResult<(Form, Option<Viewer>)> {
        let f = self.store.form(id).await?.ok_or(AppError::NotFound)?;
        if Self::sees_all_submissions(actor, &f) {
            return Ok((f, None));
        }
        let viewer = self.viewer_for(actor).await?;
        let named = shared::named_by_grants(&viewer, &f.xml_id);
        if named {
            Ok((f, Some(viewer)))
        } else if self.sees_form(actor, &f).await? {
            Ok((f, None))
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The forms other agencies share the answers of with the actor's under agreements
    /// (and whose answers the actor does not see otherwise), by title.
    pub async fn shared_forms(&self, actor: &Actor) -> AppResult<Vec<Form>> {
        let viewer = self.viewer_for(actor).await?;
        let mut out: Vec<Form> = Vec::new();
        let keys = viewer.grants.iter().flat_map(|g| g.type_keys.iter());
        for key in keys {
            let Some(xml_id) = key.strip_prefix(shared::FORM_TYPE_PREFIX) else {
                continue;
            };
            if let Some(f) = self.store.form_by_xml_id(xml_id).await? {
                if !Self::sees_all_submissions(actor, &f) && !out.iter().any(|x| x.id == f.id) {
                    out.push(f);
                }
            }
        }
        out.sort_by(|a, b| a.title.cmp(&b.title));
        Ok(out)
    }

    /// The form a submission reaches the actor in: full by the owner rule, else as the
    /// viewer's grants share it; `None`: it does not exist for the actor.
    fn delivered_form(
        actor: &Actor,
        form: &Form,
        viewer: Option<&Viewer>,
        s: &Submission,
    ) -> Option<Delivered> {
        if Self::sees_submission(actor, form, s) {
            return Some(Delivered::Full);
        }
        viewer.and_then(|v| shared::decide(v, &form.xml_id, form.owner_agency_id, s))
    }

    /// A version's schema, read once per call.
    async fn schema_of(
        &self,
        cache: &mut std::collections::HashMap<i32, Schema>,
        form: &Form,
        number: i32,
    ) -> AppResult<Schema> {
        if let Some(s) = cache.get(&number) {
            return Ok(s.clone());
        }
        let version = self
            .store
            .form_version(form.id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let schema =
            Schema::of_xform(&version.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
        cache.insert(number, schema.clone());
        Ok(schema)
    }

    /// A page of the submissions of a form the actor sees (all of them for the form's
    /// agency and those above; the own agency's and those below otherwise).
    pub async fn submissions(
        &self,
        actor: &Actor,
        form: FormId,
        f: &SubmissionFilter,
    ) -> AppResult<SubmissionPage> {
        let (form, viewer) = self.form_for_submissions(actor, form).await?;
        let agencies = if Self::sees_all_submissions(actor, &form) {
            None
        } else {
            let mut a = vec![actor.agency_id];
            a.extend(actor.agency_descendants.iter().copied());
            // What agreements share: the agencies they cover, or every submission when a
            // clause covers the form's own agency.
            match viewer
                .as_ref()
                .map(|v| shared::shared_agencies(v, &form.xml_id, form.owner_agency_id))
            {
                Some(None) => None,
                Some(Some(more)) => {
                    a.extend(more);
                    Some(a)
                }
                None => Some(a),
            }
        };
        let (submissions, total) = self
            .store
            .submissions(&SubmissionQuery {
                form_id: form.id,
                agencies,
                version_number: f.version_number,
                review_state: f.review_state,
                source: f.source,
                received_from: f.received_from,
                received_before: f.received_before,
                oldest_first: f.oldest_first,
                after: f.after,
                limit: f.limit.clamp(1, 1000),
                offset: f.offset.max(0),
                skip_total: f.skip_total,
            })
            .await?;
        // Every filter above is on what no share changes (version, review state, source,
        // times); each row is then delivered as the actor receives it.
        let mut delivered = Vec::with_capacity(submissions.len());
        let mut access = Vec::with_capacity(submissions.len());
        let mut schemas = std::collections::HashMap::new();
        for s in submissions {
            match Self::delivered_form(actor, &form, viewer.as_ref(), &s) {
                Some(Delivered::Full) => {
                    delivered.push(s);
                    access.push(Delivered::Full);
                }
                Some(d) => {
                    let schema = self
                        .schema_of(&mut schemas, &form, s.version_number)
                        .await?;
                    delivered.push(shared::deliver(s, &schema, &d));
                    access.push(d);
                }
                // The store's agencies are exactly those the grants cover.
                None => {}
            }
        }
        Ok(SubmissionPage {
            form,
            submissions: delivered,
            access,
            total,
        })
    }

    /// Every submission of a form the actor sees that matches, page by page, for an
    /// export: `sink` gets each in turn.
    pub async fn each_submission(
        &self,
        actor: &Actor,
        form: FormId,
        f: &SubmissionFilter,
        mut sink: impl FnMut(&Form, &Submission) -> AppResult<()>,
    ) -> AppResult<u64> {
        let mut filter = f.clone();
        filter.limit = 500;
        filter.offset = 0;
        filter.skip_total = true;
        let mut n = 0;
        loop {
            let page = self.submissions(actor, form, &filter).await?;
            for s in &page.submissions {
                sink(&page.form, s)?;
                n += 1;
            }
            match page.submissions.last() {
                Some(last) if (page.submissions.len() as i64) == filter.limit => {
                    filter.after = Some((last.received_at, last.id));
                }
                _ => return Ok(n),
            }
        }
    }

    /// A submission the actor sees, with its history, files and reviews.
    pub async fn submission_view(
        &self,
        actor: &Actor,
        id: SubmissionId,
    ) -> AppResult<SubmissionView> {
        let s = self.store.submission(id).await?.ok_or(AppError::NotFound)?;
        let (form, viewer) = self.form_for_submissions(actor, s.form_id).await?;
        let access =
            Self::delivered_form(actor, &form, viewer.as_ref(), &s).ok_or(AppError::NotFound)?;
        let version = self
            .store
            .form_version(form.id, s.version_number)
            .await?
            .ok_or(AppError::NotFound)?;
        let schema =
            Schema::of_xform(&version.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
        let full = access == Delivered::Full;
        // A partner gets the answers as shared, no instance XML (it holds every answer),
        // no reviews, and the files only when the share withholds and coarsens nothing.
        let files = if shared::files_shared(&access) {
            self.store.submission_files(id, &s.instance_id).await?
        } else {
            Vec::new()
        };
        Ok(SubmissionView {
            instances: if full {
                self.store.submission_instances(id).await?
            } else {
                Vec::new()
            },
            files,
            reviews: if full {
                self.store.submission_reviews(id).await?
            } else {
                Vec::new()
            },
            may_review: Self::sees_all_submissions(actor, &form) && actor.may(Action::PublishForms),
            submission: shared::deliver(s, &schema, &access),
            access,
            form,
            version,
            schema,
        })
    }

    /// A received file of a submission the actor sees: its record and bytes.
    pub async fn submission_file(
        &self,
        actor: &Actor,
        id: SubmissionId,
        name: &str,
    ) -> AppResult<(SubmissionFile, Vec<u8>)> {
        let v = self.submission_view(actor, id).await?;
        let f = v
            .files
            .into_iter()
            .find(|f| f.name == name)
            .ok_or(AppError::NotFound)?;
        let sha = f.sha256.clone().ok_or(AppError::NotFound)?;
        Ok((f, self.read_blob(&sha).await?))
    }

    /// Reviews a submission: the form's agency's (or one above its) coordinators set its
    /// state, with a comment for anything but approval.
    pub async fn review_submission(
        &self,
        actor: &Actor,
        id: SubmissionId,
        state: ReviewState,
        comment: &str,
    ) -> AppResult<Submission> {
        let v = self.submission_view(actor, id).await?;
        if !v.may_review {
            return Err(AppError::Forbidden(
                "only coordinators of the form's agency or one above it review submissions".into(),
            ));
        }
        let comment = comment.trim();
        if comment.chars().count() > MAX_COMMENT
            || comment.chars().any(|c| c.is_control() && c != '\n')
        {
            return Err(AppError::field(
                "comment",
                sinergi_core::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = MAX_COMMENT
                ),
            ));
        }
        if comment.is_empty() && matches!(state, ReviewState::HasIssues | ReviewState::Rejected) {
            return Err(AppError::field(
                "comment",
                sinergi_core::msg!(
                    "review-comment-required",
                    "say what is wrong with the submission"
                ),
            ));
        }
        if state == ReviewState::Received {
            return Err(AppError::field(
                "state",
                sinergi_core::msg!("review-state", "must be approved, has_issues or rejected"),
            ));
        }
        let r = SubmissionReview {
            submission_id: id,
            state,
            comment: comment.to_string(),
            reviewed_by: actor.user_id,
            reviewed_at: self.now(),
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::SubmissionReview,
            "submission",
            &id.to_string(),
            json!({"state": state.as_str(), "comment": r.comment}),
        );
        if !self.store.review_submission(&r, &audit).await? {
            return Err(AppError::NotFound);
        }
        Ok(Submission {
            review_state: state,
            ..v.submission
        })
    }
}

/// A CSV cell: quoted when it holds a separator, a quote or a line break. Text that a
/// spreadsheet would run as a formula (a leading `=`, `+`, `-`, `@` or tab with anything
/// but numbers after it) is prefixed with `'`; numbers, geopoints and geotraces
/// (`-1.6 103.6 20 5`) stay as they are.
pub fn cell(out: &mut String, v: &str) {
    let numeric = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ';' | '-' | '+' | 'e' | 'E'))
    };
    let v = if numeric(v) {
        v.to_string()
    } else {
        sinergi_core::spreadsheet::csv_cell(v)
    };
    if v.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&v.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(&v);
    }
}

/// The CSV header: the fixed columns, then the form's questions.
pub fn csv_header(columns: &[String]) -> String {
    let mut out = String::new();
    for (i, c) in FIXED_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .chain(columns.iter().cloned())
        .enumerate()
    {
        if i > 0 {
            out.push(',');
        }
        cell(&mut out, &c);
    }
    out.push_str("\r\n");
    out
}

pub fn csv_row(out: &mut String, s: &Submission, user: &str, agency: &str, columns: &[String]) {
    for (i, v) in fixed_cells(s, user, agency).iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        cell(out, v);
    }
    for c in columns {
        out.push(',');
        cell(out, s.data.get(c).and_then(|v| v.as_str()).unwrap_or(""));
    }
    out.push_str("\r\n");
}

/// The fixed columns every submission table starts with, before the questions.
pub const FIXED_COLUMNS: [&str; 10] = [
    "instance_id",
    "received_at",
    "submitted_by",
    "agency",
    "version",
    "source",
    "review_state",
    "edits",
    "longitude",
    "latitude",
];

/// A submission's cells of [`FIXED_COLUMNS`].
fn fixed_cells(s: &Submission, user: &str, agency: &str) -> [String; 10] {
    [
        s.root_instance_id.clone(),
        s.received_at.to_rfc3339(),
        user.to_string(),
        agency.to_string(),
        s.version_number.to_string(),
        s.source.as_str().to_string(),
        s.review_state.as_str().to_string(),
        s.edits.to_string(),
        s.lon.map(|v| v.to_string()).unwrap_or_default(),
        s.lat.map(|v| v.to_string()).unwrap_or_default(),
    ]
}

/// The most submissions one XLSX sheet holds (Excel's 1,048,576 rows less the header).
pub const XLSX_MAX_ROWS: i64 = 1_048_575;

/// A form's submissions written as one XLSX sheet with the CSV's columns (ADR 38), row
/// by row in the writer's constant-memory mode (each row goes to a temporary file as it
/// is written); [`SubmissionsXlsx::finish`] writes the workbook to a file. Answers are
/// text (an identity number keeps its digits), the version, edits and coordinates
/// numbers; nothing is ever written as a formula.
pub struct SubmissionsXlsx {
    book: rust_xlsxwriter::Workbook,
    sheet: rust_xlsxwriter::Worksheet,
    row: u32,
}

fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> AppError {
    AppError::Internal(e.to_string().into())
}

impl SubmissionsXlsx {
    pub fn new(name: &str, columns: &[String]) -> AppResult<SubmissionsXlsx> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let mut sheet = book.new_worksheet_with_constant_memory();
        let name: String = name
            .chars()
            .filter(|c| !"[]:*?/\\'".contains(*c))
            .take(31)
            .collect();
        if !name.is_empty() {
            sheet.set_name(&name).map_err(xlsx_error)?;
        }
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, title) in FIXED_COLUMNS
            .iter()
            .copied()
            .chain(columns.iter().map(String::as_str))
            .enumerate()
        {
            sheet
                .write_string_with_format(0, c as u16, title, &bold)
                .map_err(xlsx_error)?;
        }
        Ok(SubmissionsXlsx {
            book,
            sheet,
            row: 0,
        })
    }

    /// Writes the next submission's row.
    pub fn push(
        &mut self,
        s: &Submission,
        user: &str,
        agency: &str,
        columns: &[String],
    ) -> AppResult<()> {
        if i64::from(self.row) >= XLSX_MAX_ROWS {
            return Err(too_many_for_xlsx());
        }
        self.row += 1;
        let r = self.row;
        for (c, v) in fixed_cells(s, user, agency).iter().enumerate() {
            let number = matches!(c, 4 | 7 | 8 | 9)
                .then(|| v.parse::<f64>().ok())
                .flatten();
            match number {
                Some(n) => self.sheet.write_number(r, c as u16, n).map(|_| ()),
                None if v.is_empty() => Ok(()),
                None => self.sheet.write_string(r, c as u16, v).map(|_| ()),
            }
            .map_err(xlsx_error)?;
        }
        for (i, col) in columns.iter().enumerate() {
            if let Some(v) = s
                .data
                .get(col)
                .and_then(|v| v.as_str())
                .filter(|v| !v.is_empty())
            {
                self.sheet
                    .write_string(r, (FIXED_COLUMNS.len() + i) as u16, v)
                    .map_err(xlsx_error)?;
            }
        }
        Ok(())
    }

    /// Writes the workbook to `out` (blocking: zipping the sheet takes a while for a
    /// large one).
    pub fn finish(mut self, out: std::fs::File) -> AppResult<()> {
        self.book.push_worksheet(self.sheet);
        self.book
            .save_to_writer(std::io::BufWriter::new(out))
            .map_err(xlsx_error)
    }
}

/// The refusal of an XLSX export larger than one sheet.
pub fn too_many_for_xlsx() -> AppError {
    AppError::field(
        "format",
        sinergi_core::msg!(
            "xlsx-too-many-rows",
            "more than {max} submissions do not fit one XLSX sheet; download the CSV or the ODK zip",
            max = XLSX_MAX_ROWS
        ),
    )
}

/// A file's refusal names the file's part.
fn rename_file_error(e: AppError, name: &str) -> AppError {
    match e {
        AppError::Validation(mut errs) => {
            for e in &mut errs.errors {
                e.field = name.to_string();
            }
            AppError::Validation(errs)
        }
        e => e,
    }
}

impl App {
    /// The columns of a form's submission table and exports: the questions outside
    /// repeats of its newest version, then those only earlier versions had, each once.
    pub async fn submission_columns(&self, form: &Form) -> AppResult<Vec<String>> {
        let mut out: Vec<String> = Vec::new();
        for v in self.store.form_versions(form.id).await? {
            let schema =
                Schema::of_xform(&v.xml).map_err(|m| AppError::Internal(m.to_string().into()))?;
            for c in schema.columns {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}

/// A form's printable paper sheet: its newest version's questions, for a unit and period.
#[derive(Debug, Clone)]
pub struct PaperSheet {
    pub form: Form,
    pub version: FormVersion,
    pub questionnaire: sinergi_core::questionnaire::Questionnaire,
    /// The unit's region: (code, name).
    pub region: Option<(String, String)>,
    pub agency: Option<sinergi_core::agency::Agency>,
    pub period: Option<String>,
}

impl App {
    /// The paper sheet of a form the actor sees, for a region (its code), a period
    /// (`2021`, `2021-Q3`, `2021-07`) and an agency (its code), each optional and checked.
    pub async fn paper_sheet(
        &self,
        actor: &Actor,
        form_id: FormId,
        region: Option<&str>,
        period: Option<&str>,
        agency: Option<&str>,
        lang: &str,
    ) -> AppResult<PaperSheet> {
        let form = self.form_to_fill(actor, form_id).await?;
        let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
            None => None,
            Some(code) => match self.gazetteer().get(code) {
                Some(r) => Some((code.to_string(), r.name.clone())),
                None => {
                    return Err(AppError::field(
                        "region",
                        sinergi_core::msg!(
                            "region-unknown",
                            "no region has the code {code}",
                            code = code
                        ),
                    ))
                }
            },
        };
        let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(p) => {
                use sinergi_core::campaign::{Period, Periodicity};
                let ok = ["yearly", "quarterly", "monthly"]
                    .iter()
                    .filter_map(|k| Periodicity::parse(k))
                    .any(|k| Period::parse(k, p).is_ok());
                if !ok {
                    return Err(AppError::field(
                        "period",
                        sinergi_core::msg!(
                            "paper-period",
                            "a period is a year (2021), a quarter (2021-Q3) or a month (2021-07)"
                        ),
                    ));
                }
                Some(p.to_string())
            }
        };
        let agency = match agency.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(code) => Some(self.store.agency_by_code(code).await?.ok_or_else(|| {
                AppError::field(
                    "agency",
                    sinergi_core::msg!("agency-unknown", "{code} is not an agency", code = code),
                )
            })?),
        };
        let version = self
            .store
            .form_versions(form.id)
            .await?
            .into_iter()
            .find(|v| v.number == form.current_version)
            .ok_or(AppError::NotFound)?;
        let questionnaire =
            sinergi_core::questionnaire::Questionnaire::of_xform(&version.xml, lang)
                .map_err(|m| AppError::Internal(m.to_string().into()))?;
        Ok(PaperSheet {
            form,
            version,
            questionnaire,
            region,
            agency,
            period,
        })
    }

    /// The agencies for which the actor types in paper forms: their own, and those
    /// below it for a coordinator.
    pub async fn paper_agencies(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<sinergi_core::agency::Agency>> {
        let mut out = Vec::new();
        for a in self.store.agencies().await? {
            if a.id == actor.agency_id
                || (actor.may(Action::PublishForms) && actor.agency_descendants.contains(&a.id))
            {
                out.push(a);
            }
        }
        out.sort_by(|a, b| {
            (a.id != actor.agency_id, &a.name).cmp(&(b.id != actor.agency_id, &b.name))
        });
        Ok(out)
    }
}
