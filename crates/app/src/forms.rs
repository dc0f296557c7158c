//! Forms (ADR 33): an XLSForm workbook uploaded by a user publishes a version of a form
//! of the user's agency: the first upload of a `form_id` makes the form, each later one
//! the next version, never changing an earlier one. Every problem of the workbook is
//! answered at once, by sheet, row and column; nothing is stored then.

use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::form::{self, Form, FormDevice, FormDeviceId, FormId, FormVersion, MAX_WORKBOOK};
use sinergi_core::permission::Action;
use sinergi_core::xlsform;
use sinergi_core::ValidationErrors;
use sinergi_store::PublishOutcome;

use crate::{App, AppError, AppResult};

/// A form with its versions, the newest first.
#[derive(Debug, Clone)]
pub struct FormView {
    pub form: Form,
    pub versions: Vec<FormVersion>,
    pub may_publish: bool,
}

impl App {
    /// Publishes an XLSForm workbook: a new form of the actor's agency, or the next
    /// version of the form with its `form_id` that the actor may publish.
    pub async fn publish_form(
        &self,
        actor: &Actor,
        workbook: &[u8],
        file_name: &str,
    ) -> AppResult<(Form, FormVersion)> {
        if !actor.may(Action::PublishForms) {
            return Err(AppError::Forbidden(
                "only coordinators and administrators publish forms".into(),
            ));
        }
        if workbook.len() > MAX_WORKBOOK {
            return Err(AppError::PayloadTooLarge(format!(
                "a workbook may have at most {} MB",
                MAX_WORKBOOK / (1024 * 1024)
            )));
        }
        let file_name = form::file_name(file_name);
        let mut parsed = xlsform::parse(workbook, &file_name).map_err(problems)?;
        let existing = self.store.form_by_xml_id(&parsed.id).await?;
        let now = self.now();
        let (form, number) = match existing {
            Some(f) if f.visible_to(actor) => {
                if !f.may_publish(actor) {
                    return Err(AppError::Forbidden(
                        "only coordinators and administrators publish forms".into(),
                    ));
                }
                let n = f.current_version + 1;
                (f, n)
            }
            Some(_) => return Err(id_taken(&parsed.id)),
            None => (
                Form {
                    id: FormId::new_at(now, Self::id_bits()),
                    owner_agency_id: actor.agency_id,
                    xml_id: parsed.id.clone(),
                    title: parsed.title.clone(),
                    current_version: 1,
                    created_by: actor.user_id,
                    created_at: now,
                    updated_at: now,
                },
                1,
            ),
        };
        // A published form always has a version, so that ODK Collect can tell its
        // versions apart: its number when the settings sheet names none.
        if parsed
            .version
            .as_deref()
            .is_none_or(|v| v.trim().is_empty())
        {
            parsed.version = Some(number.to_string());
        }
        let x = xlsform::xform_of(parsed);
        let version = FormVersion {
            form_id: form.id,
            number,
            version: x.version.clone().unwrap_or_else(|| number.to_string()),
            title: x.title,
            languages: x.languages,
            xml: x.xml,
            file_name,
            workbook_sha256: hex::encode(Sha256::digest(workbook)),
            published_by: actor.user_id,
            published_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::FormPublish,
            "form",
            &form.id.to_string(),
            json!({
                "form_id": form.xml_id, "number": number, "version": version.version,
                "workbook_sha256": version.workbook_sha256,
            }),
        );
        // The files of the version before that this one still names come with it.
        let carried = if number > 1 {
            crate::form_media::carried(
                self.store.form_media(form.id, number - 1).await?,
                &sinergi_core::form::media::references(&version.xml),
                number,
            )
        } else {
            Vec::new()
        };
        match self
            .store
            .publish_form_version(&form, &version, &carried, &audit)
            .await?
        {
            PublishOutcome::Published => {}
            PublishOutcome::IdTaken => return Err(id_taken(&form.xml_id)),
            PublishOutcome::VersionExists(n) => {
                return Err(AppError::field(
                    "settings.version",
                    sinergi_core::msg!(
                        "form-version-exists",
                        "version {version} of this form is published already (upload {n}); give the new upload a new version in the settings sheet",
                        version = version.version.clone(),
                        n = n
                    ),
                ))
            }
            PublishOutcome::WorkbookExists(n) => {
                return Err(AppError::Conflict(format!(
                    "this workbook is version {n} of the form already; nothing was added"
                )))
            }
            PublishOutcome::Stale => {
                return Err(AppError::Conflict(
                    "another upload published a version of this form first; upload again".into(),
                ))
            }
        }
        let form = Form {
            title: version.title.clone(),
            current_version: number,
            updated_at: now,
            ..form
        };
        Ok((form, version))
    }

    /// The forms the actor sees: those of the actor's agency and the agencies below it
    /// (as every record), and those of the agencies above it, which it fills in (ADR 34).
    pub async fn forms(&self, actor: &Actor) -> AppResult<Vec<Form>> {
        let mut owners = vec![actor.agency_id];
        owners.extend(actor.agency_descendants.iter().copied());
        owners.extend(self.agency_ancestors(actor.agency_id).await?);
        Ok(self.store.forms(&owners).await?)
    }

    /// A form the actor sees, with its versions; not found otherwise.
    pub async fn form_view(&self, actor: &Actor, id: FormId) -> AppResult<FormView> {
        let form = self.store.form(id).await?.ok_or(AppError::NotFound)?;
        if !self.sees_form(actor, &form).await? {
            return Err(AppError::NotFound);
        }
        let versions = self.store.form_versions(id).await?;
        Ok(FormView {
            may_publish: form.may_publish(actor),
            form,
            versions,
        })
    }

    /// One version of a form the actor sees.
    pub async fn form_version(
        &self,
        actor: &Actor,
        id: FormId,
        number: i32,
    ) -> AppResult<FormVersion> {
        let form = self.store.form(id).await?.ok_or(AppError::NotFound)?;
        if !self.sees_form(actor, &form).await? {
            return Err(AppError::NotFound);
        }
        self.store
            .form_version(id, number)
            .await?
            .ok_or(AppError::NotFound)
    }
}

impl App {
    /// Links a device (ODK Collect) to the actor: the answer's secret goes into the
    /// device's server URL (`/openrosa/key/{secret}`) and is never shown again.
    pub async fn link_form_device(
        &self,
        actor: &Actor,
        name: &str,
    ) -> AppResult<(FormDevice, String)> {
        let name = form::device_name(name).map_err(|m| AppError::field("name", m))?;
        let mut secret = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut secret);
        let secret = hex::encode(secret);
        let now = self.now();
        let d = FormDevice {
            id: FormDeviceId::new_at(now, Self::id_bits()),
            user_id: actor.user_id,
            name,
            token_hash: hex::encode(Sha256::digest(secret.as_bytes())),
            created_at: now,
            revoked_at: None,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::FormDeviceLink,
            "form_device",
            &d.id.to_string(),
            json!({"name": d.name}),
        );
        self.store.insert_form_device(&d, &audit).await?;
        Ok((d, secret))
    }

    /// The actor's linked devices, the newest first, revoked ones too.
    pub async fn form_devices(&self, actor: &Actor) -> AppResult<Vec<FormDevice>> {
        Ok(self.store.form_devices(actor.user_id).await?)
    }

    /// Revokes one of the actor's devices: its URL stops working at once.
    pub async fn revoke_form_device(&self, actor: &Actor, id: FormDeviceId) -> AppResult<()> {
        let audit = self.audit(
            Some(actor),
            AuditAction::FormDeviceRevoke,
            "form_device",
            &id.to_string(),
            json!({}),
        );
        if !self
            .store
            .revoke_form_device(id, actor.user_id, self.now(), &audit)
            .await?
        {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// The user a device's secret acts as; unauthenticated for an unknown or revoked
    /// secret or an inactive user.
    pub async fn actor_for_form_device(&self, secret: &str) -> AppResult<Actor> {
        if secret.len() != 64 || !secret.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Unauthenticated);
        }
        let hash = hex::encode(Sha256::digest(secret.to_ascii_lowercase().as_bytes()));
        let d = self
            .store
            .form_device_by_token(&hash)
            .await?
            .filter(|d| d.revoked_at.is_none())
            .ok_or(AppError::Unauthenticated)?;
        let user = self
            .user_by_id(d.user_id)
            .await?
            .filter(|u| u.active)
            .ok_or(AppError::Unauthenticated)?;
        self.actor_for(&user).await
    }

    /// The newest version of every form the actor sees, for ODK Collect's form list.
    pub async fn current_form_versions(
        &self,
        actor: &Actor,
    ) -> AppResult<Vec<(Form, FormVersion)>> {
        let mut out = Vec::new();
        for f in self.forms(actor).await? {
            if let Some(v) = self.store.form_version(f.id, f.current_version).await? {
                out.push((f, v));
            }
        }
        Ok(out)
    }
}

/// Every problem of a workbook, each under its sheet, row and column.
fn problems(list: Vec<xlsform::Problem>) -> AppError {
    let mut errs = ValidationErrors::new();
    for p in list {
        errs.push(form::problem_field(&p), p.message);
    }
    AppError::Validation(errs)
}

fn id_taken(id: &str) -> AppError {
    AppError::field(
        "settings.form_id",
        sinergi_core::msg!(
            "form-id-taken",
            "another agency's form has the id {id}; choose another form_id in the settings sheet",
            id = id
        ),
    )
}

/// An XLSForm workbook written from its sheets' rows (the first row of each the
/// headers): how the demo, the benchmark and the tests write the forms they publish.
pub fn workbook_of(sheets: &[(&str, Vec<Vec<&str>>)]) -> AppResult<Vec<u8>> {
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string().into());
    let mut wb = rust_xlsxwriter::Workbook::new();
    // A fixed creation time: the same sheets make the same bytes, so that uploading a
    // workbook twice is seen as the same workbook (its SHA-256) whatever the clock says.
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2000, 1, 1).map_err(fail)?;
    wb.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created));
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).map_err(fail)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if !v.is_empty() {
                    let (r, c) = (
                        u32::try_from(r).map_err(|e| AppError::Internal(Box::new(e)))?,
                        u16::try_from(c).map_err(|e| AppError::Internal(Box::new(e)))?,
                    );
                    ws.write_string(r, c, *v).map_err(fail)?;
                }
            }
        }
    }
    wb.save_to_buffer().map_err(fail)
}
