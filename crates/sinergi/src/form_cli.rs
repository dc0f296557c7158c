//! `sinergi form`: forms from XLSForm workbooks on the command line (ADR 33), acting as
//! one user (`--as USER`) through the same use cases as the API; a form the user does
//! not see answers like one that does not exist.

use anyhow::{anyhow, Context};
use clap::Subcommand;
use serde_json::json;
use sinergi_app::{App, AppError};
use sinergi_core::form::FormId;
use sinergi_core::submission::{ReviewState, SubmissionId};

use crate::coordination_cli::{actor, fields, print_json, table, Out, Who};

#[derive(Subcommand)]
pub enum FormCmd {
    /// Publish an XLSForm workbook: a new form of the user's agency, or the next
    /// version of the form with its form_id. Every problem is printed by sheet, row and
    /// column, and nothing is stored then.
    Import {
        /// The .xlsx workbook.
        file: std::path::PathBuf,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// The forms of the user's agency and those below it.
    List {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A form with its versions, the newest first.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A form version's media files (the pictures, sounds and videos its labels show):
    /// without files, list those its XForm names and which are uploaded; with files,
    /// upload each under its file name, all checked before any is stored.
    Media {
        /// The form's id.
        id: String,
        /// The version's number (default: the newest).
        #[arg(long)]
        version: Option<i32>,
        /// The files to upload, each named as the form names it.
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Send a submission: an instance XML (as ODK Collect or Briefcase saves it) and
    /// the photos it names, checked against its form version as a phone's would be.
    Submit {
        /// The instance XML file.
        file: std::path::PathBuf,
        /// The files the instance names (photos), by their file names.
        files: Vec<std::path::PathBuf>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Write the printable paper form of a form's newest version (PDF), for a unit's
    /// region and agency and a period, printed with the form code on every page.
    Paper {
        /// The form's id.
        id: String,
        /// Where to write the PDF.
        #[arg(long)]
        out_file: std::path::PathBuf,
        /// The unit's region (Kemendagri code, e.g. 15.01).
        #[arg(long)]
        region: Option<String>,
        /// The period: 2021, 2021-Q3 or 2021-07.
        #[arg(long)]
        period: Option<String>,
        /// The answering agency's code.
        #[arg(long)]
        agency: Option<String>,
        /// Print in English instead of Indonesian.
        #[arg(long)]
        english: bool,
        #[command(flatten)]
        who: Who,
    },
    /// Type in a filled paper form: its answers (a JSON object by question path, a
    /// repeat as an array of objects), the date written on it and its scan; kept as a
    /// submission from paper, counted for campaigns with the paper's date.
    Enter {
        /// The form's id.
        id: String,
        /// The answers' JSON file.
        #[arg(long)]
        answers: std::path::PathBuf,
        /// The date written on the paper (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The paper's scan (PDF or photo).
        #[arg(long)]
        scan: Option<std::path::PathBuf>,
        /// The code of the agency that answered it, when not the user's own.
        #[arg(long)]
        agency: Option<String>,
        /// An identity for this entry (uuid:…): entering it again adds nothing.
        #[arg(long)]
        instance_id: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A form's submissions the user sees, the newest first (`--csv`: every one, the
    /// oldest first, as the CSV export).
    Submissions {
        /// The form's id.
        id: String,
        /// Only those in this review state: received, approved, has_issues, rejected.
        #[arg(long)]
        state: Option<String>,
        /// At most this many (1–1000).
        #[arg(long, default_value_t = 50)]
        limit: i64,
        /// Print every matching submission as CSV.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        /// Write every matching submission to this XLSX file (one sheet, the CSV's
        /// columns).
        #[arg(long, value_name = "FILE", conflicts_with_all = ["json", "csv"])]
        xlsx: Option<std::path::PathBuf>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Review a submission: approved, has_issues or rejected, with a comment (required
    /// unless approved).
    Review {
        /// The submission's id.
        id: String,
        #[arg(long)]
        state: String,
        #[arg(long, default_value = "")]
        comment: String,
        #[command(flatten)]
        who: Who,
    },
}

fn review_state(s: &str) -> anyhow::Result<ReviewState> {
    ReviewState::parse(s).ok_or_else(|| {
        anyhow!("--state: {s} is not one of received, approved, has_issues, rejected")
    })
}

fn not_found(what: &str, id: &str) -> impl Fn(AppError) -> anyhow::Error {
    let (what, id) = (what.to_string(), id.to_string());
    move |e| match e {
        AppError::NotFound => anyhow!("{what} {id}: not found"),
        e => e.into(),
    }
}

fn form_id(s: &str) -> anyhow::Result<FormId> {
    FormId::parse(s).ok_or_else(|| anyhow!("{s} is not a form id (a UUID)"))
}

pub async fn run(app: &App, cmd: FormCmd) -> anyhow::Result<()> {
    match cmd {
        FormCmd::Import { file, who, out } => {
            let a = actor(app, &who).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let (form, v) = app.publish_form(&a, &bytes, &name).await?;
            if out.json {
                return print_json(&json!({
                    "id": form.id.to_string(), "form_id": form.xml_id, "title": v.title,
                    "number": v.number, "version": v.version, "languages": v.languages,
                }));
            }
            println!(
                "Published {} ({}) as version {} ({}); form {}",
                v.title, form.xml_id, v.number, v.version, form.id
            );
            Ok(())
        }
        FormCmd::List { who, out } => {
            let a = actor(app, &who).await?;
            let forms = app.forms(&a).await?;
            if out.json {
                return print_json(&json!({"forms": forms.iter().map(|f| json!({
                    "id": f.id.to_string(), "form_id": f.xml_id, "title": f.title,
                    "current_version": f.current_version, "updated_at": f.updated_at.to_rfc3339(),
                })).collect::<Vec<_>>()}));
            }
            let rows: Vec<Vec<String>> = forms
                .iter()
                .map(|f| {
                    vec![
                        f.id.to_string(),
                        f.xml_id.clone(),
                        f.current_version.to_string(),
                        f.title.clone(),
                    ]
                })
                .collect();
            table(&["ID", "FORM_ID", "VERSION", "TITLE"], &rows);
            Ok(())
        }
        FormCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let v = app
                .form_view(&a, form_id(&id)?)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => anyhow!("form {id}: not found"),
                    e => e.into(),
                })?;
            if out.json {
                return print_json(&json!({
                    "id": v.form.id.to_string(), "form_id": v.form.xml_id, "title": v.form.title,
                    "current_version": v.form.current_version,
                    "versions": v.versions.iter().map(|x| json!({
                        "number": x.number, "version": x.version, "title": x.title,
                        "languages": x.languages, "file_name": x.file_name,
                        "workbook_sha256": x.workbook_sha256,
                        "published_at": x.published_at.to_rfc3339(),
                    })).collect::<Vec<_>>(),
                }));
            }
            fields(&[
                ("Form", v.form.title.clone()),
                ("Form ID", v.form.xml_id.clone()),
                ("Version", v.form.current_version.to_string()),
            ]);
            let rows: Vec<Vec<String>> = v
                .versions
                .iter()
                .map(|x| {
                    vec![
                        x.number.to_string(),
                        x.version.clone(),
                        x.published_at.to_rfc3339(),
                        x.file_name.clone(),
                    ]
                })
                .collect();
            table(&["NUMBER", "VERSION", "PUBLISHED", "FILE"], &rows);
            Ok(())
        }
        FormCmd::Media {
            id,
            version,
            files,
            who,
            out,
        } => media(app, &id, version, &files, &who, &out).await,
        FormCmd::Submit {
            file,
            files,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let xml = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {} as text", file.display()))?;
            let mut parts = Vec::new();
            for f in &files {
                let bytes =
                    std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
                let name = f
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                parts.push((name, bytes));
            }
            let (sub, received) = app
                .receive_submission(&a, &xml, &parts)
                .await
                .map_err(|e| match e {
                    AppError::NotFound => anyhow!(
                        "{}: no form of this instance is visible to {}",
                        file.display(),
                        who.as_user
                    ),
                    e => e.into(),
                })?;
            let what = match received {
                sinergi_app::submissions::Received::Created => "received",
                sinergi_app::submissions::Received::Edited => "edited",
                sinergi_app::submissions::Received::Resumed => "already received; files added",
            };
            if out.json {
                return print_json(&json!({
                    "id": sub.id.to_string(), "instance_id": sub.root_instance_id, "outcome": what,
                }));
            }
            println!("Submission {} ({}): {what}", sub.id, sub.root_instance_id);
            Ok(())
        }
        FormCmd::Paper {
            id,
            out_file,
            region,
            period,
            agency,
            english,
            who,
        } => {
            let a = actor(app, &who).await?;
            let sheet = app
                .paper_sheet(
                    &a,
                    form_id(&id)?,
                    region.as_deref(),
                    period.as_deref(),
                    agency.as_deref(),
                    if english { "en" } else { "id" },
                )
                .await
                .map_err(not_found("form", &id))?;
            let (pdf, _) = sinergi_web::paper_sheet_pdf(&sheet, english);
            std::fs::write(&out_file, &pdf)
                .with_context(|| format!("cannot write {}", out_file.display()))?;
            println!(
                "Wrote the paper form {} (version {}, {} bytes) to {}",
                sheet.form.xml_id,
                sheet.version.version,
                pdf.len(),
                out_file.display()
            );
            Ok(())
        }
        FormCmd::Enter {
            id,
            answers,
            date,
            scan,
            agency,
            instance_id,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let text = std::fs::read_to_string(&answers)
                .with_context(|| format!("cannot read {}", answers.display()))?;
            let answers_map = match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(m)) => m,
                Ok(_) => {
                    return Err(anyhow!(
                        "{}: the answers must be a JSON object by question path",
                        answers.display()
                    ))
                }
                Err(e) => return Err(anyhow!("{}: not JSON: {e}", answers.display())),
            };
            let answered_on = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
                .map_err(|_| anyhow!("--date: {date} is not a date (YYYY-MM-DD)"))?;
            let scan = match scan {
                Some(p) => {
                    let bytes = std::fs::read(&p)
                        .with_context(|| format!("cannot read {}", p.display()))?;
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default();
                    Some((name, bytes))
                }
                None => None,
            };
            let agency_id = match agency {
                None => None,
                Some(code) => Some(
                    app.agency_by_code(&code)
                        .await?
                        .map(|x| x.id)
                        .ok_or_else(|| anyhow!("--agency: {code} is not an agency"))?,
                ),
            };
            let (sub, received) = app
                .enter_paper_submission(
                    &a,
                    form_id(&id)?,
                    sinergi_app::submissions::PaperEntry {
                        answers: answers_map,
                        answered_on,
                        agency_id,
                        scan,
                        instance_id,
                    },
                )
                .await
                .map_err(not_found("form", &id))?;
            let what = match received {
                sinergi_app::submissions::Received::Resumed => "already entered; nothing added",
                _ => "entered from paper",
            };
            if out.json {
                return print_json(&json!({
                    "id": sub.id.to_string(), "instance_id": sub.root_instance_id, "outcome": what,
                    "answered_at": sub.answered_at.to_rfc3339(),
                }));
            }
            println!("Submission {} ({}): {what}", sub.id, sub.root_instance_id);
            Ok(())
        }
        FormCmd::Submissions {
            id,
            state,
            limit,
            csv,
            xlsx,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let form = form_id(&id)?;
            let mut filter = sinergi_app::submissions::SubmissionFilter {
                review_state: state.as_deref().map(review_state).transpose()?,
                limit: limit.clamp(1, 1000),
                ..Default::default()
            };
            let mut users = std::collections::HashMap::new();
            let agencies: std::collections::HashMap<_, _> = app
                .agencies()
                .await?
                .into_iter()
                .map(|x| (x.id, x.code.to_string()))
                .collect();
            if csv || xlsx.is_some() {
                let page = app
                    .submissions(&a, form, &filter)
                    .await
                    .map_err(not_found("form", &id))?;
                let columns = app.submission_columns(&page.form).await?;
                filter.oldest_first = true;
                let mut rows = Vec::new();
                app.each_submission(&a, form, &filter, |_, s| {
                    rows.push(s.clone());
                    Ok(())
                })
                .await?;
                let mut out = sinergi_app::submissions::csv_header(&columns);
                let mut book = match &xlsx {
                    Some(_) if rows.len() as i64 > sinergi_app::submissions::XLSX_MAX_ROWS => {
                        return Err(sinergi_app::submissions::too_many_for_xlsx().into());
                    }
                    Some(_) => Some(sinergi_app::submissions::SubmissionsXlsx::new(
                        &page.form.xml_id,
                        &columns,
                    )?),
                    None => None,
                };
                for s in &rows {
                    if let std::collections::hash_map::Entry::Vacant(slot) =
                        users.entry(s.submitted_by)
                    {
                        let name = app
                            .user_by_id(s.submitted_by)
                            .await?
                            .map(|u| u.username.as_str().to_string())
                            .unwrap_or_default();
                        slot.insert(name);
                    }
                    let agency = agencies.get(&s.agency_id).cloned().unwrap_or_default();
                    match book.as_mut() {
                        Some(b) => b.push(s, &users[&s.submitted_by], &agency, &columns)?,
                        None => sinergi_app::submissions::csv_row(
                            &mut out,
                            s,
                            &users[&s.submitted_by],
                            &agency,
                            &columns,
                        ),
                    }
                }
                if let (Some(book), Some(path)) = (book, &xlsx) {
                    let file = std::fs::File::create(path)
                        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
                    book.finish(file)?;
                    eprintln!("{} submissions written to {}", rows.len(), path.display());
                    return Ok(());
                }
                print!("{out}");
                return Ok(());
            }
            let page = app
                .submissions(&a, form, &filter)
                .await
                .map_err(not_found("form", &id))?;
            if out.json {
                return print_json(&json!({
                    "total": page.total,
                    "submissions": page.submissions.iter().map(|s| json!({
                        "id": s.id.to_string(), "instance_id": s.root_instance_id,
                        "agency": agencies.get(&s.agency_id), "review_state": s.review_state.as_str(),
                        "source": s.source.as_str(), "received_at": s.received_at.to_rfc3339(),
                        "edits": s.edits, "data": s.data,
                    })).collect::<Vec<_>>(),
                }));
            }
            let rows: Vec<Vec<String>> = page
                .submissions
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.received_at.to_rfc3339(),
                        agencies.get(&s.agency_id).cloned().unwrap_or_default(),
                        s.review_state.as_str().to_string(),
                        s.root_instance_id.clone(),
                    ]
                })
                .collect();
            table(&["ID", "RECEIVED", "AGENCY", "REVIEW", "INSTANCE"], &rows);
            println!("{} of {}", page.submissions.len(), page.total);
            Ok(())
        }
        FormCmd::Review {
            id,
            state,
            comment,
            who,
        } => {
            let a = actor(app, &who).await?;
            let sid = SubmissionId::parse(&id)
                .ok_or_else(|| anyhow!("{id} is not a submission id (a UUID)"))?;
            let s = app
                .review_submission(&a, sid, review_state(&state)?, &comment)
                .await
                .map_err(not_found("submission", &id))?;
            println!("Submission {}: {}", s.id, s.review_state.as_str());
            Ok(())
        }
    }
}

/// `sinergi form media`: lists a version's media, or uploads files to it (every file read
/// and checked first, so a bad one stores none).
async fn media(
    app: &App,
    id: &str,
    version: Option<i32>,
    files: &[std::path::PathBuf],
    who: &Who,
    out: &Out,
) -> anyhow::Result<()> {
    let a = actor(app, who).await?;
    let fid = form_id(id)?;
    let number = match version {
        Some(n) => n,
        None => {
            app.form_view(&a, fid)
                .await
                .map_err(not_found("form", id))?
                .form
                .current_version
        }
    };
    let v = app
        .version_media(&a, fid, number)
        .await
        .map_err(not_found("form version", &format!("{id} {number}")))?;
    if !files.is_empty() {
        let mut read = Vec::new();
        for f in files {
            let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            app.check_form_media(&v, &name, &bytes)
                .map_err(|e| anyhow!("{}: {}", f.display(), e))?;
            read.push((name, bytes));
        }
        for (name, bytes) in &read {
            let m = app
                .upload_form_media(&a, fid, number, name, bytes)
                .await
                .map_err(|e| anyhow!("{name}: {}", e))?;
            if !out.json {
                println!(
                    "Uploaded {} ({}, {} bytes, md5 {})",
                    m.name, m.content_type, m.size, m.md5
                );
            }
        }
        if !out.json {
            return Ok(());
        }
    }
    let v = app.version_media(&a, fid, number).await?;
    if out.json {
        return print_json(&json!({
            "form": v.form.id.to_string(), "number": number,
            "files": v.entries.iter().map(|e| json!({
                "name": e.reference.name, "kind": e.reference.kind.as_str(),
                "uploaded": e.file.is_some(),
                "content_type": e.file.as_ref().map(|f| f.content_type.clone()),
                "size": e.file.as_ref().map(|f| f.size),
                "md5": e.file.as_ref().map(|f| f.md5.clone()),
            })).collect::<Vec<_>>(),
        }));
    }
    if v.entries.is_empty() {
        println!(
            "Version {number} of {} names no media files.",
            v.form.xml_id
        );
        return Ok(());
    }
    let rows: Vec<Vec<String>> = v
        .entries
        .iter()
        .map(|e| {
            vec![
                e.reference.name.clone(),
                e.reference.kind.as_str().to_string(),
                e.file
                    .as_ref()
                    .map(|f| format!("{} bytes, md5 {}", f.size, f.md5))
                    .unwrap_or_else(|| "not uploaded".into()),
            ]
        })
        .collect();
    table(&["NAME", "KIND", "FILE"], &rows);
    Ok(())
}
