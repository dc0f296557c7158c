//! A form version's media files (ADR 40): the XForm names the pictures, sounds and
//! videos its labels show; the form's publishers upload each under its name, of the kind
//! named, and ODK Collect (or the phone app) fetches them. Uploading a name again replaces
//! its file, audited with both hashes; the XForm itself never changes. A new version
//! carries over the files of the version before whose names (and kinds) it still names.

use md5::{Digest as _, Md5};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::form::media::{self, FormMedia, MediaRef};
use sinergi_core::form::{Form, FormId, FormVersion};

use crate::{App, AppError, AppResult};

/// A file a version's XForm names, with the file uploaded for it, if any.
#[derive(Debug, Clone)]
pub struct MediaEntry {
    pub reference: MediaRef,
    pub file: Option<FormMedia>,
}

/// A version's media as its reader sees it.
#[derive(Debug, Clone)]
pub struct VersionMedia {
    pub form: Form,
    pub version: FormVersion,
    pub entries: Vec<MediaEntry>,
    /// Whether the reader may upload files to it.
    pub may_upload: bool,
}

impl VersionMedia {
    /// The files uploaded, by name.
    pub fn uploaded(&self) -> impl Iterator<Item = &FormMedia> {
        self.entries.iter().filter_map(|e| e.file.as_ref())
    }
}

/// The files of the version before that a new version carries over: those whose names
/// its XForm still names as the same kind.
pub(crate) fn carried(previous: Vec<FormMedia>, refs: &[MediaRef], number: i32) -> Vec<FormMedia> {
    previous
        .into_iter()
        .filter(|m| {
            refs.iter().any(|r| {
                r.name == m.name
                    && media::kind_of_content_type(&m.content_type)
                        .is_some_and(|k| media::fits(r.kind, k, &m.content_type))
            })
        })
        .map(|m| FormMedia { number, ..m })
        .collect()
}

impl App {
    /// The media a version of a form names, with the files uploaded; for anyone who sees
    /// the form (its fillers fetch them).
    pub async fn version_media(
        &self,
        actor: &Actor,
        id: FormId,
        number: i32,
    ) -> AppResult<VersionMedia> {
        let form = self.store.form(id).await?.ok_or(AppError::NotFound)?;
        if !self.sees_form(actor, &form).await? {
            return Err(AppError::NotFound);
        }
        let version = self
            .store
            .form_version(id, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let mut files = self.store.form_media(id, number).await?;
        let entries = media::references(&version.xml)
            .into_iter()
            .map(|reference| {
                let file = files
                    .iter()
                    .position(|f| f.name == reference.name)
                    .map(|i| files.swap_remove(i));
                MediaEntry { reference, file }
            })
            .collect();
        Ok(VersionMedia {
            may_upload: form.may_publish(actor),
            form,
            version,
            entries,
        })
    }

    /// Uploads a media file to a version under a name its XForm names: of the kind it
    /// names (a picture, a sound, a video), recognised by its bytes, at most the
    /// attachment limit. Replaces the file the name had.
    pub async fn upload_form_media(
        &self,
        actor: &Actor,
        id: FormId,
        number: i32,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<FormMedia> {
        let v = self.version_media(actor, id, number).await?;
        if !v.may_upload {
            return Err(AppError::Forbidden(
                "only the form's publishers (coordinators of its agency or one above it) upload its media"
                    .into(),
            ));
        }
        let (entry, content_type) = self.check_form_media(&v, name, bytes)?;
        let sha256 = self.put_blob(bytes).await?;
        let m = FormMedia {
            form_id: id,
            number,
            name: name.to_string(),
            sha256,
            md5: hex::encode(Md5::digest(bytes)),
            content_type: content_type.to_string(),
            size: bytes.len() as i64,
            uploaded_by: actor.user_id,
            uploaded_at: self.now(),
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::FormMediaUpload,
            "form",
            &id.to_string(),
            json!({
                "number": number, "name": m.name, "sha256": m.sha256, "size": m.size,
                "content_type": m.content_type,
                "replaced": entry.file.as_ref().map(|f| f.sha256.clone()),
            }),
        );
        self.store.put_form_media(&m, &audit).await?;
        Ok(m)
    }

    /// Checks a media file for a version before anything is stored: a name its XForm
    /// names, not empty, within the attachment limit, recognised by its bytes as the
    /// kind the XForm names. Returns the name's entry and the file's content type.
    pub fn check_form_media<'a>(
        &self,
        v: &'a VersionMedia,
        name: &str,
        bytes: &[u8],
    ) -> AppResult<(&'a MediaEntry, &'static str)> {
        let number = v.version.number;
        let Some(entry) = v.entries.iter().find(|e| e.reference.name == name) else {
            let names: Vec<&str> = v
                .entries
                .iter()
                .map(|e| e.reference.name.as_str())
                .collect();
            return Err(AppError::field(
                "name",
                if names.is_empty() {
                    sinergi_core::msg!(
                        "form-media-none",
                        "version {n} of this form names no media files; add them in the workbook's media columns and publish a new version",
                        n = number
                    )
                } else {
                    sinergi_core::msg!(
                        "form-media-unknown",
                        "version {n} of this form names no file {name}; it names {names}",
                        n = number,
                        name = name.to_string(),
                        names = names.join(", ")
                    )
                },
            ));
        };
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
        let (content_type, kind) = media::sniff(bytes).ok_or_else(|| {
            AppError::UnsupportedMediaType(
                "media files must be JPEG, PNG, GIF or WebP pictures, MP3, Ogg, WAV, FLAC, AMR or M4A sound, or MP4, 3GP or WebM video"
                    .into(),
            )
        })?;
        let wanted = entry.reference.kind;
        if !media::fits(wanted, kind, content_type) {
            return Err(AppError::field(
                "file",
                sinergi_core::msg!(
                    "form-media-kind",
                    "the form shows {name} as a {wanted}, and this file is a {got}",
                    name = name.to_string(),
                    wanted = wanted.noun(),
                    got = kind.noun()
                ),
            ));
        }
        Ok((entry, content_type))
    }

    /// A media file of a version the actor sees, with its bytes.
    pub async fn form_media_file(
        &self,
        actor: &Actor,
        id: FormId,
        number: i32,
        name: &str,
    ) -> AppResult<(FormMedia, Vec<u8>)> {
        let v = self.version_media(actor, id, number).await?;
        let m = v
            .entries
            .into_iter()
            .find(|e| e.reference.name == name)
            .and_then(|e| e.file)
            .ok_or(AppError::NotFound)?;
        let bytes = self.read_blob(&m.sha256).await?;
        Ok((m, bytes))
    }
}
