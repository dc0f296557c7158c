//! `sinergi case` and `sinergi keygen`: cases carried to court (ADR 27) at the command
//! line, acting as one user (`--as USER`) through the same use cases as the API, so a
//! case the user may not see answers like one that does not exist; and the key file of
//! an agency's protected persons.
//!
//! Lists and records print as readable tables; `--json` prints them as JSON instead. Bad
//! input names the field and exits non-zero.

use std::sync::Arc;

use anyhow::{anyhow, bail};
use clap::Subcommand;
use serde_json::{json, Value};
use sinergi_app::cases::{CaseDue, CaseFilter, CaseView};
use sinergi_app::{App, AppError};
use sinergi_core::agency::AgencyCode;
use sinergi_core::case::body::{NewCaseBody, StageBody};
use sinergi_core::case::{CaseId, CaseInput, OffenceKind, PersonId, Stage, StepInput, Urgency};
use sinergi_core::input::Body;
use sinergi_core::protect::DecryptPurpose;
use sinergi_core::time::Zone;

use crate::coordination_cli::{actor, fields, print_json, table, Out, Who};

#[derive(Subcommand)]
pub enum CaseCmd {
    /// The cases the user sees, the latest opened first, with their next deadline.
    List {
        /// Only cases in this region (a Kemendagri code or its start, e.g. 15 or 15.01).
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        /// Only this kind of offence: wildlife, forestry, trafficking, narcotics, other.
        #[arg(long, value_name = "KIND")]
        offence: Option<String>,
        /// Only cases at this stage (e.g. penyidikan, p21, putusan).
        #[arg(long, value_name = "STAGE")]
        stage: Option<String>,
        /// Only cases opened in this year.
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A case: its steps, persons (protected ones by role only), transfers and deadlines.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Open a case owned by the user's agency.
    Open {
        #[arg(long)]
        title: String,
        #[arg(long)]
        summary: Option<String>,
        /// wildlife, forestry, trafficking, narcotics or other.
        #[arg(long)]
        offence_kind: String,
        /// The law, e.g. "UU 5/1990".
        #[arg(long)]
        law: String,
        /// The article(s), e.g. "Pasal 21 ayat (2) huruf d jo. Pasal 40 ayat (2)".
        #[arg(long)]
        article: String,
        /// The heaviest prison term threatened, in years (0–20).
        #[arg(long, value_name = "N")]
        max_penalty_years: Option<i64>,
        /// The Kemendagri code of the regency or city where it happened.
        #[arg(long, value_name = "CODE")]
        region: String,
        /// The day the case was opened (YYYY-MM-DD, not in the future).
        #[arg(long, value_name = "DATE")]
        opened_on: String,
        /// A registry report the case comes from (repeatable).
        #[arg(long = "report", value_name = "ID")]
        reports: Vec<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Record a step of a case to its next stage, with the document that records it.
    Step {
        id: String,
        /// The stage entered (e.g. spdp, p21, putusan).
        #[arg(long)]
        stage: String,
        /// The document's number (not for a verdict becoming final).
        #[arg(long)]
        number: Option<String>,
        /// The document's date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        date: String,
        /// The prosecutor's notes on a returned file (P-19).
        #[arg(long)]
        notes: Option<String>,
        /// For a verdict: convicted or acquitted.
        #[arg(long)]
        verdict: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// The cases the user sees whose earliest deadline is due soon or past.
    Overdue {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// The enforcement funnel: reports, cases, P-21, verdicts, convictions.
    Funnel {
        /// Only cases in this region (a Kemendagri code or its start, e.g. 61).
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        /// Only cases opened in this year.
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Add a person to a case; a victim's, witness's or informant's identity is sealed
    /// with the owning agency's key file.
    AddPerson {
        case: String,
        /// suspect, victim, witness or informant.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        /// NIK or passport number.
        #[arg(long)]
        identity_number: Option<String>,
        #[arg(long)]
        contact: Option<String>,
        #[arg(long)]
        address: Option<String>,
        /// A photo (JPEG, PNG or WebP, at most 2 MB), sealed like the other fields.
        #[arg(long, value_name = "FILE")]
        photo: Option<std::path::PathBuf>,
        /// Under 18 at the time of the offence.
        #[arg(long)]
        child: bool,
        /// A victim's home regency or city (Kemendagri code).
        #[arg(long, value_name = "CODE")]
        origin: Option<String>,
        /// A victim's destination country (ISO 3166-1 alpha-2, e.g. MY).
        #[arg(long, value_name = "CC")]
        destination: Option<String>,
        /// The day a victim was sent home (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        repatriated_on: Option<String>,
        /// The border post a victim came home through.
        #[arg(long)]
        border_post: Option<String>,
        /// A service a victim is referred to (repeatable): shelter, health, legal_aid,
        /// return_home, reintegration.
        #[arg(long = "service", value_name = "SERVICE")]
        services: Vec<String>,
        /// An informant's handler (a user name of the owning agency).
        #[arg(long)]
        handler: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Add an evidence item with its seizure.
    AddEvidence {
        case: String,
        #[arg(long)]
        description: String,
        #[arg(long)]
        quantity: Option<String>,
        #[arg(long, value_name = "DATE")]
        seized_on: String,
        /// Who holds it after the seizure.
        #[arg(long)]
        holder: String,
        /// The seizure record's number.
        #[arg(long)]
        number: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Ask another agency, joined by an agreement in force, to take the case over.
    Transfer {
        case: String,
        /// The receiving agency's code.
        #[arg(long)]
        to: String,
        #[arg(long)]
        note: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Victims counted by origin, destination and month of return (no names; cells of
    /// 1–2 shown as <3).
    Victims {
        #[arg(long, value_name = "CODE")]
        region: Option<String>,
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Open a protected person's identity, for a purpose kept in the audit trail.
    OpenIdentity {
        case: String,
        person: String,
        /// Why the identity is opened (3–500 characters).
        #[arg(long)]
        purpose: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Share one protected person's identity with an agency on the case, when an
    /// agreement in force names that kind of person (audited with the purpose).
    Share {
        case: String,
        person: String,
        /// The receiving agency's code.
        #[arg(long, value_name = "AGENCY")]
        to: String,
        /// Why the identity is shared (3–500 characters).
        #[arg(long)]
        purpose: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Withdraw a shared identity from an agency.
    Unshare {
        case: String,
        person: String,
        /// The agency it was shared with.
        #[arg(long, value_name = "AGENCY")]
        from: String,
        #[command(flatten)]
        who: Who,
    },
}

fn case_id(s: &str) -> anyhow::Result<CaseId> {
    CaseId::parse(s).ok_or_else(|| anyhow!("{s} is not a case id (a UUID)"))
}

fn person_id(s: &str) -> anyhow::Result<PersonId> {
    PersonId::parse(s).ok_or_else(|| anyhow!("{s} is not a person id (a UUID)"))
}

fn named(e: AppError, what: &str, id: &str) -> anyhow::Error {
    match e {
        AppError::NotFound => anyhow!("{what} {id}: not found"),
        e => e.into(),
    }
}

fn region_arg(r: Option<String>) -> anyhow::Result<Option<String>> {
    if let Some(r) = &r {
        if r.is_empty() || !r.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            bail!("--region: {r} is not a Kemendagri code or its start (e.g. 15.01)");
        }
    }
    Ok(r)
}

fn urgency(u: Option<Urgency>) -> &'static str {
    match u {
        Some(Urgency::Overdue) => "overdue",
        Some(Urgency::DueSoon) => "due soon",
        Some(Urgency::Pending) => "pending",
        None => "-",
    }
}

fn keyword<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn due_json(c: &CaseDue) -> Value {
    json!({
        "id": c.case.id.to_string(), "number": c.case.number, "owner": c.owner_code,
        "title": c.case.title, "offence_kind": c.case.offence.kind.as_str(),
        "region": c.case.region_code, "opened_on": c.case.opened_on.to_string(),
        "law": c.case.law.as_str(), "stage": c.case.stage.as_str(),
        "stage_since": c.case.stage_since.to_string(),
        "verdict": c.case.verdict.map(|v| v.as_str()),
        "deadline": c.deadline.as_ref().map(|d| json!({
            "kind": keyword(d.kind), "due_on": d.due_on.to_string(), "basis": d.basis,
        })),
        "urgency": c.urgency.map(keyword),
    })
}

fn print_cases(cases: &[CaseDue]) {
    let rows: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            vec![
                c.case.number.clone(),
                c.owner_code.clone(),
                c.case.opened_on.to_string(),
                c.case.region_code.clone(),
                c.case.offence.kind.as_str().to_string(),
                c.case.stage.as_str().to_string(),
                c.deadline
                    .as_ref()
                    .map(|d| format!("{} {}", keyword(d.kind), d.due_on))
                    .unwrap_or_else(|| "-".into()),
                urgency(c.urgency).to_string(),
                c.case.id.to_string(),
                c.case.title.clone(),
            ]
        })
        .collect();
    table(
        &[
            "NUMBER",
            "OWNER",
            "OPENED",
            "REGION",
            "OFFENCE",
            "STAGE",
            "NEXT DEADLINE",
            "",
            "ID",
            "TITLE",
        ],
        &rows,
    );
}

fn view_json(v: &CaseView) -> Value {
    let c = &v.case;
    json!({
        "id": c.id.to_string(), "number": c.number, "title": c.title, "summary": c.summary,
        "owner": v.owner.code.as_str(), "law": c.law.as_str(),
        "offence": {"kind": c.offence.kind.as_str(), "law": c.offence.law, "article": c.offence.article,
                    "max_penalty_years": c.offence.max_penalty_years},
        "region": c.region_code, "opened_on": c.opened_on.to_string(),
        "stage": c.stage.as_str(), "stage_since": c.stage_since.to_string(),
        "returns": c.returns, "verdict": c.verdict.map(|x| x.as_str()),
        "facts": c.facts, "version": c.version,
        "parties": v.parties.iter().map(|(a, r)| json!({"agency": a.code.as_str(), "role": r.as_str()})).collect::<Vec<_>>(),
        "steps": v.events.iter().map(|e| json!({
            "from": e.from.as_str(), "to": e.to.as_str(), "number": e.document.number,
            "date": e.document.date.to_string(), "notes": e.document.notes,
            "verdict": e.verdict.map(|x| x.as_str()),
        })).collect::<Vec<_>>(),
        "persons": v.persons.iter().map(|p| json!({
            "id": p.person.id.to_string(), "role": p.person.role.as_str(), "label": p.label,
            "name": p.suspect_name, "child": p.person.child,
            "erased": p.person.sealed.as_ref().is_some_and(|s| s.is_shredded()),
            "origin_region": p.person.victim.origin_region,
            "destination_country": p.person.victim.destination_country,
            "repatriated_on": p.person.victim.repatriated_on.map(|d| d.to_string()),
            "border_post": p.person.victim.border_post,
            "services": p.person.services.iter().map(|s| json!({
                "service": s.service.as_str(), "status": s.status.as_str(), "since": s.since.to_string(),
            })).collect::<Vec<_>>(),
            "may_open": p.may_open,
            "shared_with": p.shared_with.iter().map(|(_, a)| a.code.as_str()).collect::<Vec<_>>(),
            "may_share_with": p.may_share_with.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(),
            "shared_with_you": p.shared_with_reader,
        })).collect::<Vec<_>>(),
        "transfers": v.transfers.iter().map(|(t, from, to)| json!({
            "id": t.id.to_string(), "from": from.code.as_str(), "to": to.code.as_str(),
            "status": t.status.as_str(), "note": t.note,
            "requested_at": t.requested_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
        "deadlines": v.deadlines.iter().map(|(d, u)| json!({
            "kind": keyword(d.kind), "due_on": d.due_on.to_string(), "basis": d.basis,
            "urgency": keyword(*u),
        })).collect::<Vec<_>>(),
        "next": v.next.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "today": v.today.to_string(),
    })
}

fn print_view(v: &CaseView) {
    let c = &v.case;
    let mut pairs = vec![
        ("Number", c.number.clone()),
        ("Id", c.id.to_string()),
        ("Title", c.title.clone()),
        (
            "Owner",
            format!("{} ({})", v.owner.code.as_str(), v.owner.name),
        ),
        (
            "Offence",
            format!(
                "{} — {} {}{}",
                c.offence.kind.as_str(),
                c.offence.law,
                c.offence.article,
                c.offence
                    .max_penalty_years
                    .map(|y| format!(", up to {y} years"))
                    .unwrap_or_default()
            ),
        ),
        ("Region", c.region_code.clone()),
        ("Opened", format!("{} ({})", c.opened_on, c.law.as_str())),
        (
            "Stage",
            format!("{} since {}", c.stage.as_str(), c.stage_since),
        ),
        ("Returns (P-19)", c.returns.to_string()),
        (
            "Verdict",
            c.verdict
                .map(|x| x.as_str().to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        ("Version", c.version.to_string()),
        (
            "Next stages",
            if v.next.is_empty() {
                "-".into()
            } else {
                v.next
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    if let Some(s) = &c.summary {
        pairs.insert(3, ("Summary", s.clone()));
    }
    if !v.parties.is_empty() {
        pairs.push((
            "Agencies",
            v.parties
                .iter()
                .map(|(a, r)| format!("{} ({})", a.code.as_str(), r.as_str()))
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    fields(&pairs);
    println!("\nSteps:");
    let rows: Vec<Vec<String>> = v
        .events
        .iter()
        .map(|e| {
            vec![
                e.document.date.to_string(),
                format!("{} → {}", e.from.as_str(), e.to.as_str()),
                e.document.number.clone().unwrap_or_else(|| "-".into()),
                e.verdict
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                e.document.notes.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(&["DATE", "STEP", "DOCUMENT", "VERDICT", "NOTES"], &rows);
    println!("\nDeadlines (today {}):", v.today);
    let rows: Vec<Vec<String>> = v
        .deadlines
        .iter()
        .map(|(d, u)| {
            vec![
                keyword(d.kind),
                d.due_on.to_string(),
                urgency(Some(*u)).to_string(),
                d.basis.to_string(),
            ]
        })
        .collect();
    table(&["DEADLINE", "DUE", "", "BASIS"], &rows);
    println!("\nPersons:");
    let rows: Vec<Vec<String>> = v
        .persons
        .iter()
        .map(|p| {
            let x = &p.person;
            let mut about = Vec::new();
            if x.child {
                about.push("child".to_string());
            }
            if let Some(o) = &x.victim.origin_region {
                about.push(format!("from {o}"));
            }
            if let Some(c) = &x.victim.destination_country {
                about.push(format!("destination {c}"));
            }
            if let Some(d) = x.victim.repatriated_on {
                about.push(format!(
                    "home {d}{}",
                    x.victim
                        .border_post
                        .as_ref()
                        .map(|b| format!(" via {b}"))
                        .unwrap_or_default()
                ));
            }
            for s in &x.services {
                about.push(format!("{}: {}", s.service.as_str(), s.status.as_str()));
            }
            if x.sealed.as_ref().is_some_and(|s| s.is_shredded()) {
                about.push("identity erased".into());
            }
            vec![
                p.label.clone(),
                x.role.as_str().to_string(),
                p.suspect_name
                    .clone()
                    .unwrap_or_else(|| "(protected)".into()),
                if p.may_open { "yes" } else { "" }.to_string(),
                x.id.to_string(),
                about.join("; "),
            ]
        })
        .collect();
    table(&["LABEL", "ROLE", "NAME", "MAY OPEN", "ID", "FACTS"], &rows);
    if !v.transfers.is_empty() {
        println!("\nTransfers:");
        let rows: Vec<Vec<String>> = v
            .transfers
            .iter()
            .map(|(t, from, to)| {
                vec![
                    t.requested_at.date_naive().to_string(),
                    format!("{} → {}", from.code.as_str(), to.code.as_str()),
                    t.status.as_str().to_string(),
                    t.note.clone().unwrap_or_default(),
                ]
            })
            .collect();
        table(&["REQUESTED", "FROM → TO", "STATUS", "NOTE"], &rows);
    }
}

/// The conviction rate as shown: convictions over verdicts.
fn rate(convicted: i64, verdicts: i64) -> Option<f64> {
    (verdicts > 0).then(|| 100.0 * convicted as f64 / verdicts as f64)
}

pub async fn run(app: &App, cmd: CaseCmd) -> anyhow::Result<()> {
    match cmd {
        CaseCmd::List {
            region,
            offence,
            stage,
            year,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let offence = offence
                .map(|o| {
                    OffenceKind::parse(&o).ok_or_else(|| {
                        anyhow!("--offence: {o} is not one of wildlife, forestry, trafficking, narcotics, other")
                    })
                })
                .transpose()?;
            let stage = stage
                .map(|s| {
                    Stage::parse(&s).ok_or_else(|| anyhow!("--stage: {s} is not a stage of a case"))
                })
                .transpose()?;
            let filter = CaseFilter {
                region: region_arg(region)?,
                offence,
                stage,
                year,
            };
            let (cases, total) = app
                .cases(&a, &filter, sinergi_app::cases::MAX_PAGE, 0)
                .await?;
            if out.json {
                return print_json(&json!({
                    "total": total,
                    "cases": cases.iter().map(due_json).collect::<Vec<_>>(),
                }));
            }
            print_cases(&cases);
            if total > cases.len() as i64 {
                println!("({} of {total} shown; narrow the list)", cases.len());
            }
            Ok(())
        }
        CaseCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let v = app
                .case_view(&a, case_id(&id)?)
                .await
                .map_err(|e| named(e, "case", &id))?;
            if out.json {
                return print_json(&view_json(&v));
            }
            print_view(&v);
            Ok(())
        }
        CaseCmd::Open {
            title,
            summary,
            offence_kind,
            law,
            article,
            max_penalty_years,
            region,
            opened_on,
            reports,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let body = json!({
                "title": title, "summary": summary, "offence_kind": offence_kind,
                "offence_law": law, "offence_article": article,
                "max_penalty_years": max_penalty_years, "region": region,
                "opened_on": opened_on, "reports": reports,
            });
            let today = app
                .now()
                .with_timezone(&Zone::for_region(&region).offset())
                .date_naive();
            let input =
                CaseInput::from_body(&NewCaseBody::read(&body).map_err(AppError::from)?, today)
                    .map_err(AppError::from)?;
            let c = app.open_case(&a, input).await?;
            if out.json {
                return print_json(&json!({
                    "id": c.id.to_string(), "number": c.number, "law": c.law.as_str(),
                    "stage": c.stage.as_str(), "version": c.version,
                }));
            }
            println!(
                "Opened case {} ({}), following {}; id {}",
                c.number,
                c.title,
                c.law.as_str(),
                c.id
            );
            Ok(())
        }
        CaseCmd::Step {
            id,
            stage,
            number,
            date,
            notes,
            verdict,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&id)?;
            let v = app
                .case_view(&a, cid)
                .await
                .map_err(|e| named(e, "case", &id))?;
            let body = json!({
                "version": v.case.version, "stage": stage,
                "document": {"number": number, "date": date, "notes": notes},
                "verdict": verdict,
            });
            let s = StepInput::from_body(&StageBody::read(&body).map_err(AppError::from)?)
                .map_err(AppError::from)?;
            let (c, e) = app
                .record_step(&a, cid, s)
                .await
                .map_err(|e| named(e, "case", &id))?;
            if out.json {
                return print_json(&json!({
                    "id": c.id.to_string(), "stage": c.stage.as_str(), "version": c.version,
                    "from": e.from.as_str(), "returns": c.returns,
                    "verdict": c.verdict.map(|x| x.as_str()),
                }));
            }
            println!(
                "Case {}: {} → {} on {} (version {}).",
                c.number,
                e.from.as_str(),
                e.to.as_str(),
                e.document.date,
                c.version
            );
            Ok(())
        }
        CaseCmd::Overdue { who, out } => {
            let a = actor(app, &who).await?;
            let cases = app.overdue_cases(&a, &CaseFilter::default()).await?;
            if out.json {
                return print_json(&json!({
                    "cases": cases.iter().map(due_json).collect::<Vec<_>>(),
                }));
            }
            print_cases(&cases);
            Ok(())
        }
        CaseCmd::Funnel {
            region,
            year,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let filter = CaseFilter {
                region: region_arg(region)?,
                year,
                ..CaseFilter::default()
            };
            let f = app.case_funnel(&a, &filter).await?;
            if out.json {
                return print_json(&json!({
                    "rows": f.rows.iter().map(|(r, code)| json!({
                        "agency": code, "region": r.region_code, "offence_kind": r.offence.as_str(),
                        "year": r.year, "reports": r.reports, "cases": r.cases, "p21": r.p21,
                        "verdicts": r.verdicts, "convicted": r.convicted, "stopped": r.stopped,
                        "conviction_rate": rate(r.convicted, r.verdicts),
                    })).collect::<Vec<_>>(),
                    "stage_times": f.stage_times.iter().map(|t| json!({
                        "stage": t.stage.as_str(), "steps": t.steps, "mean_days": t.mean_days,
                    })).collect::<Vec<_>>(),
                }));
            }
            let rows: Vec<Vec<String>> = f
                .rows
                .iter()
                .map(|(r, code)| {
                    vec![
                        code.clone(),
                        r.region_code.clone(),
                        r.offence.as_str().to_string(),
                        r.year.to_string(),
                        r.reports.to_string(),
                        r.cases.to_string(),
                        r.p21.to_string(),
                        r.verdicts.to_string(),
                        r.convicted.to_string(),
                        rate(r.convicted, r.verdicts)
                            .map(|x| format!("{x:.0}%"))
                            .unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            table(
                &[
                    "AGENCY",
                    "REGION",
                    "OFFENCE",
                    "YEAR",
                    "REPORTS",
                    "CASES",
                    "P-21",
                    "VERDICTS",
                    "CONVICTED",
                    "CONVICTION RATE",
                ],
                &rows,
            );
            Ok(())
        }
        CaseCmd::AddPerson {
            case,
            role,
            name,
            identity_number,
            contact,
            address,
            photo,
            child,
            origin,
            destination,
            repatriated_on,
            border_post,
            services,
            handler,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let photo = match photo {
                Some(path) => {
                    use base64::Engine as _;
                    let bytes = std::fs::read(&path)
                        .map_err(|e| anyhow!("--photo: cannot read {}: {e}", path.display()))?;
                    Some(base64::engine::general_purpose::STANDARD.encode(bytes))
                }
                None => None,
            };
            let mut body = json!({
                "role": role, "name": name, "identity_number": identity_number, "contact": contact,
                "address": address, "child": child, "handler": handler, "photo": photo,
            });
            if origin.is_some()
                || destination.is_some()
                || repatriated_on.is_some()
                || !services.is_empty()
            {
                body["origin_region"] = json!(origin);
                body["destination_country"] = json!(destination);
                body["repatriated_on"] = json!(repatriated_on);
                body["border_post"] = json!(border_post);
                body["services"] = json!(services);
            }
            let b = sinergi_core::case::PersonBody::read(&body).map_err(AppError::Validation)?;
            let today = app
                .case_view(&a, cid)
                .await
                .map_err(|e| named(e, "case", &case))?
                .today;
            let input = sinergi_core::case::PersonInput::from_body(&b, today)
                .map_err(AppError::Validation)?;
            let p = app
                .add_person(&a, cid, input)
                .await
                .map_err(|e| named(e, "case", &case))?;
            if out.json {
                return print_json(
                    &json!({"id": p.person.id.to_string(), "role": p.person.role.as_str(),
                    "label": p.label, "protected": p.person.sealed.is_some()}),
                );
            }
            fields(&[
                ("person", p.person.id.to_string()),
                ("role", p.person.role.as_str().to_string()),
                (
                    "shown as",
                    p.code.clone().unwrap_or_else(|| p.label.clone()),
                ),
                (
                    "sealed",
                    if p.person.sealed.is_some() {
                        "yes".into()
                    } else {
                        "no (a suspect)".into()
                    },
                ),
            ]);
            Ok(())
        }
        CaseCmd::AddEvidence {
            case,
            description,
            quantity,
            seized_on,
            holder,
            number,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let b = sinergi_core::case::EvidenceBody::read(&json!({
                "description": description, "quantity": quantity, "seized_on": seized_on,
                "holder": holder, "document_number": number,
            }))
            .map_err(AppError::Validation)?;
            let today = app
                .case_view(&a, cid)
                .await
                .map_err(|e| named(e, "case", &case))?
                .today;
            let input = sinergi_core::case::EvidenceInput::from_body(&b, today)
                .map_err(AppError::Validation)?;
            let e = app
                .add_evidence(&a, cid, input)
                .await
                .map_err(|e| named(e, "case", &case))?;
            if out.json {
                return print_json(&json!({"id": e.id.to_string(), "description": e.description}));
            }
            fields(&[
                ("evidence", e.id.to_string()),
                ("description", e.description.clone()),
            ]);
            Ok(())
        }
        CaseCmd::Transfer {
            case,
            to,
            note,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let b = sinergi_core::case::TransferBody::read(&json!({"to": to, "note": note}))
                .map_err(AppError::Validation)?;
            let (to_code, note) =
                sinergi_core::case::transfer_input(&b).map_err(AppError::Validation)?;
            let t = app
                .request_transfer(&a, cid, to_code, note)
                .await
                .map_err(|e| named(e, "case", &case))?;
            if out.json {
                return print_json(&json!({"id": t.id.to_string(), "status": t.status.as_str()}));
            }
            fields(&[
                ("transfer", t.id.to_string()),
                ("to", to),
                ("status", t.status.as_str().to_string()),
            ]);
            Ok(())
        }
        CaseCmd::Victims {
            region,
            year,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let f = CaseFilter {
                region: region_arg(region)?,
                year,
                ..CaseFilter::default()
            };
            let v = app.victim_counts(&a, &f).await?;
            let shown = |n: i64| {
                sinergi_app::cases::suppressed(n).map_or("<3".to_string(), |n| n.to_string())
            };
            if out.json {
                let rows: Vec<Value> = v
                    .rows
                    .iter()
                    .map(|r| json!({"origin_region": r.origin_region, "destination_country": r.destination_country,
                        "month": r.month, "victims": sinergi_app::cases::suppressed(r.victims),
                        "children": sinergi_app::cases::suppressed(r.children)}))
                    .collect();
                return print_json(&json!({"total": v.total, "rows": rows}));
            }
            let rows: Vec<Vec<String>> = v
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.origin_region.clone().unwrap_or_else(|| "-".into()),
                        r.destination_country.clone().unwrap_or_else(|| "-".into()),
                        r.month.clone().unwrap_or_else(|| "-".into()),
                        shown(r.victims),
                        shown(r.children),
                    ]
                })
                .collect();
            table(
                &["ORIGIN", "DESTINATION", "MONTH", "VICTIMS", "CHILDREN"],
                &rows,
            );
            println!("Victims in all: {}", v.total);
            Ok(())
        }
        CaseCmd::OpenIdentity {
            case,
            person,
            purpose,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let pid = person_id(&person)?;
            let purpose =
                DecryptPurpose::parse(&purpose).map_err(|m| AppError::field("purpose", m))?;
            let opened = app
                .open_identity(&a, cid, pid, purpose)
                .await
                .map_err(|e| named(e, "person", &person))?;
            if out.json {
                let mut m = serde_json::Map::new();
                for (f, v) in &opened.fields {
                    m.insert(f.clone(), json!(v.as_str()));
                }
                return print_json(&json!({"person": pid.to_string(), "fields": m}));
            }
            let pairs: Vec<(&str, String)> = opened
                .fields
                .iter()
                .map(|(f, v)| (f.as_str(), v.as_str().to_string()))
                .collect();
            fields(&pairs);
            eprintln!("(The opening is recorded in the audit trail with its purpose.)");
            Ok(())
        }
        CaseCmd::Share {
            case,
            person,
            to,
            purpose,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let pid = person_id(&person)?;
            let to = AgencyCode::parse(&to).map_err(|m| AppError::field("to", m))?;
            let purpose =
                DecryptPurpose::parse(&purpose).map_err(|m| AppError::field("purpose", m))?;
            let s = app
                .share_person(&a, cid, pid, to.clone(), purpose)
                .await
                .map_err(|e| named(e, "person", &person))?;
            if out.json {
                return print_json(&json!({
                    "person": pid.to_string(),
                    "agency": to.as_str(),
                    "agreement": s.agreement_id.to_string(),
                    "purpose": s.purpose,
                    "shared_at": s.shared_at.to_rfc3339(),
                }));
            }
            println!(
                "Shared person {pid} with {}; its named roles open the identity with their own key.",
                to.as_str()
            );
            Ok(())
        }
        CaseCmd::Unshare {
            case,
            person,
            from,
            who,
        } => {
            let a = actor(app, &who).await?;
            let cid = case_id(&case)?;
            let pid = person_id(&person)?;
            app.unshare_person(&a, cid, pid, from.trim())
                .await
                .map_err(|e| match e {
                    AppError::NotFound => {
                        anyhow!("person {person} of case {case} is not shared with {from}")
                    }
                    e => e.into(),
                })?;
            println!("Withdrew person {pid} from {}.", from.trim());
            Ok(())
        }
    }
}

/// `sinergi keygen --agency CODE`: a new key file for the agency's protected persons.
pub async fn keygen(app: Arc<App>, agency: &str) -> anyhow::Result<()> {
    let code = agency.trim();
    if app.store.agency_by_code(code).await?.is_none() {
        bail!("--agency: there is no agency {code}");
    }
    let path = sinergi_app::cases::write_key_file(&app.config.case_keys_dir, code)?;
    println!("Wrote the key file of {code}: {}", path.display());
    println!(
        "Back it up now, somewhere outside the database and its backups (a second medium kept \
         apart): without it the protected persons it seals can never be opened, and with the \
         database backups it would open them."
    );
    Ok(())
}
