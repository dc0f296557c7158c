//! The command line of coordination (ADR 21–24): working groups, meetings, action items,
//! official letters and plans.
//!
//! Every command acts as one user (`--as USER`): with their permissions, seeing what they
//! may see, and audited as them, through the same `App` use cases as the API. A record the
//! user may not see is answered exactly like one that does not exist. Lists and records
//! print as readable tables; `--json` prints them in the API's field names instead. A
//! create reads the same body as the API's `POST` from a file (`--json FILE`, or `-` for
//! standard input); bad input names the field and exits non-zero.

use std::collections::HashMap;
use std::io::Read;

use anyhow::{anyhow, bail, Context};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::{json, Value};
use sinergi_app::{App, AppError};
use sinergi_core::access::Actor;
use sinergi_core::agency::Agency;
use sinergi_core::coordination::body::{ActionItemPatchBody, NewGroupBody, NewMeetingBody};
use sinergi_core::coordination::{ActionItem, Group, Meeting};
use sinergi_core::ids::{ActionItemId, AgencyId, GroupId, LetterId, MeetingId, PlanId};
use sinergi_core::input::Body;
use sinergi_core::letter::body::{NewLetterBody, RegisterLetterBody};
use sinergi_core::letter::Letter;
use sinergi_core::plan::{elapsed_pct, stage_reached, tree_order, Plan, PlanNode, Progress};
use sinergi_core::time::Zone;
use sinergi_core::ValidationErrors;

/// Who the command acts as.
#[derive(Args)]
pub struct Who {
    /// Act as this user: their permissions, what they may see, audited as them.
    #[arg(long = "as", value_name = "USER", required = true)]
    pub(crate) as_user: String,
}

/// How a command prints what it answers.
#[derive(Args)]
pub struct Out {
    /// Print JSON in the API's field names instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

/// The body of a create, as the API's `POST` reads it.
#[derive(Args)]
pub struct BodyFile {
    /// The JSON body (the same as the API's), from this file or `-` for standard input.
    #[arg(long = "json", value_name = "FILE", required = true)]
    file: String,
}

#[derive(Subcommand)]
pub enum GroupCmd {
    /// The working groups the user's agency is a member of.
    List {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A group: its members and people.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Form a group owned by the user's agency (the body of POST /api/v1/groups).
    Create {
        #[command(flatten)]
        body: BodyFile,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Subcommand)]
pub enum MeetingCmd {
    /// A group's meetings, the earliest first.
    List {
        #[arg(long, value_name = "ID")]
        group: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A meeting with its record, its action items and those carried into it.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Record a meeting of a group (the body of POST /api/v1/groups/{id}/meetings).
    Create {
        #[arg(long, value_name = "ID")]
        group: String,
        #[command(flatten)]
        body: BodyFile,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Subcommand)]
pub enum ActionItemCmd {
    /// The action items of the user's groups (or of one), by due date.
    List {
        #[arg(long, value_name = "ID")]
        group: Option<String>,
        /// Only the open items due before today (in each group's zone).
        #[arg(long)]
        overdue: bool,
        /// Only the items this agency owes (its code).
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Mark an item done.
    Done {
        id: String,
        /// What was done, as evidence.
        #[arg(long)]
        evidence: Option<String>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Change an item's status (open, done, dropped) or evidence.
    Update {
        id: String,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        evidence: Option<String>,
        /// The version the change is made against (as read); a newer one is refused.
        #[arg(long)]
        version: Option<i64>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
}

/// Which letters a list holds.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LetterBox {
    /// Sent to the user's agency.
    #[value(alias = "inbox")]
    In,
    /// The agency's own: drafts, sent, registered.
    #[value(alias = "outbox")]
    Out,
}

#[derive(Subcommand)]
pub enum LetterCmd {
    /// The letters of the user's agency and those sent to it, the newest first.
    List {
        #[arg(long = "box", value_enum)]
        letter_box: Option<LetterBox>,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A letter with its receipts; opening one sent to the user's agency records its
    /// read receipt, as the API does.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Draft a letter of the user's agency (the body of POST /api/v1/letters).
    Create {
        #[command(flatten)]
        body: BodyFile,
        #[command(flatten)]
        who: Who,
    },
    /// Send a draft: it takes the agency's next number and reaches every recipient.
    Send {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// Register a letter that came on paper (the body of POST /api/v1/letters/incoming).
    Register {
        #[command(flatten)]
        body: BodyFile,
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Subcommand)]
pub enum PlanCmd {
    /// A group's plans, the earliest period first.
    List {
        #[arg(long, value_name = "ID")]
        group: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
    /// A plan's tree with each node's progress against its target and the time gone.
    Show {
        id: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        out: Out,
    },
}

// ---- shared ----------------------------------------------------------------------------

/// The user named by `--as`, as an actor; a deactivated user acts no more.
pub(crate) async fn actor(app: &App, who: &Who) -> anyhow::Result<Actor> {
    let name = who.as_user.as_str();
    let (u, _) = app
        .store
        .user_credentials(name)
        .await?
        .ok_or_else(|| anyhow!("--as: no user {name}"))?;
    if !u.active {
        bail!("--as: {name} is deactivated");
    }
    Ok(app.actor_for(&u).await?)
}

/// The body in `file` (or standard input), read as the API reads it.
fn read_body<T: Body>(file: &BodyFile) -> anyhow::Result<T> {
    let text = if file.file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("--json: cannot read standard input")?;
        s
    } else {
        std::fs::read_to_string(&file.file)
            .with_context(|| format!("--json: cannot read {}", file.file))?
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| {
        AppError::Validation(ValidationErrors::single(
            "body",
            format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        ))
    })?;
    Ok(T::read(&v).map_err(AppError::from)?)
}

/// A missing record (or one the user may not see) named by what was asked for.
fn missing(what: &str, id: &str) -> anyhow::Error {
    anyhow!("{what} {id}: not found")
}

/// `e`, with "not found" naming the record asked for.
fn named(e: AppError, what: &str, id: &str) -> anyhow::Error {
    match e {
        AppError::NotFound => missing(what, id),
        e => e.into(),
    }
}

struct Agencies(
    HashMap<AgencyId, Agency>,
    HashMap<sinergi_core::ids::UserId, String>,
);

impl Agencies {
    async fn load(app: &App) -> anyhow::Result<Agencies> {
        Ok(Agencies(
            app.agencies()
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect(),
            app.store
                .users(None)
                .await?
                .into_iter()
                .map(|u| (u.id, u.username.to_string()))
                .collect(),
        ))
    }

    fn code(&self, id: AgencyId) -> String {
        self.0
            .get(&id)
            .map(|a| a.code.to_string())
            .unwrap_or_default()
    }

    fn name(&self, id: AgencyId) -> String {
        self.0.get(&id).map(|a| a.name.clone()).unwrap_or_default()
    }

    /// The zone of the agency's place (its first jurisdiction), else WIB.
    fn zone(&self, id: AgencyId) -> Zone {
        self.0
            .get(&id)
            .and_then(|a| a.jurisdiction.first())
            .map_or(Zone::Wib, |c| Zone::for_region(c))
    }

    fn by_code(&self, code: &str) -> Option<&Agency> {
        self.0
            .values()
            .find(|a| a.code.as_str().eq_ignore_ascii_case(code.trim()))
    }
}

/// Prints rows under a header, each column as wide as its widest cell.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(c.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let last = cells.len().saturating_sub(1);
        let mut s = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            s.push_str(c);
            if i < last {
                let pad = widths[i].saturating_sub(c.chars().count()) + 2;
                s.extend(std::iter::repeat_n(' ', pad));
            }
        }
        println!("{}", s.trim_end());
    };
    line(header.to_vec());
    for r in rows {
        line(r.iter().map(String::as_str).collect());
    }
    if rows.is_empty() {
        println!("(none)");
    }
}

/// Prints `label: value` pairs, the labels aligned.
pub(crate) fn fields(pairs: &[(&str, String)]) {
    let w = pairs.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (l, v) in pairs {
        println!("{:<w$}  {}", format!("{l}:"), v, w = w + 1);
    }
}

pub(crate) fn print_json(v: &Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn or_dash(s: Option<String>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or_else(|| "-".into())
}

// ---- groups ----------------------------------------------------------------------------

fn group_json(g: &Group, ag: &Agencies) -> Value {
    json!({
        "id": g.id.0,
        "name": g.name,
        "kind": g.kind.as_str(),
        "legal_basis": g.legal_basis,
        "agreement": g.agreement_id.map(|a| a.0),
        "owner": ag.code(g.owner_agency_id),
        "members": g.agencies.iter().map(|a| ag.code(*a)).collect::<Vec<_>>(),
        "people": g.people.iter().map(|p| json!({
            "agency": ag.code(p.agency_id),
            "user": p.user_id.and_then(|u| ag.1.get(&u).cloned()),
            "name": p.name,
            "role": p.role.as_str(),
        })).collect::<Vec<_>>(),
        "period_from": g.period_from.to_string(),
        "period_until": g.period_until.map(|d| d.to_string()),
        "version": g.version,
        "created_at": g.created_at.to_rfc3339(),
        "updated_at": g.updated_at.to_rfc3339(),
    })
}

fn period(from: Option<chrono::NaiveDate>, until: Option<chrono::NaiveDate>) -> String {
    match (from, until) {
        (None, None) => "-".into(),
        (Some(f), None) => format!("from {f}"),
        (f, u) => format!(
            "{} – {}",
            f.map(|d| d.to_string()).unwrap_or_default(),
            u.map(|d| d.to_string()).unwrap_or_default()
        ),
    }
}

fn print_group(g: &Group, ag: &Agencies) {
    fields(&[
        ("Group", g.id.to_string()),
        ("Name", g.name.clone()),
        ("Kind", g.kind.as_str().into()),
        ("Legal basis", g.legal_basis.clone()),
        ("Formed by", ag.code(g.owner_agency_id)),
        ("Period", period(Some(g.period_from), g.period_until)),
        ("Version", g.version.to_string()),
    ]);
    println!();
    println!("Member agencies");
    let rows: Vec<Vec<String>> = g
        .agencies
        .iter()
        .map(|a| vec![ag.code(*a), ag.name(*a)])
        .collect();
    table(&["AGENCY", "NAME"], &rows);
    println!();
    println!("People");
    let rows: Vec<Vec<String>> = g
        .people
        .iter()
        .map(|p| vec![p.role.as_str().into(), ag.code(p.agency_id), p.name.clone()])
        .collect();
    table(&["ROLE", "AGENCY", "NAME"], &rows);
}

pub async fn group(app: &App, cmd: GroupCmd) -> anyhow::Result<()> {
    match cmd {
        GroupCmd::List { who, out } => {
            let a = actor(app, &who).await?;
            let groups = app.groups_for(&a).await?;
            let ag = Agencies::load(app).await?;
            if out.json {
                return print_json(&json!({
                    "groups": groups.iter().map(|g| group_json(g, &ag)).collect::<Vec<_>>()
                }));
            }
            let rows: Vec<Vec<String>> = groups
                .iter()
                .map(|g| {
                    vec![
                        g.id.to_string(),
                        g.kind.as_str().into(),
                        g.agencies.len().to_string(),
                        g.period_from.to_string(),
                        g.name.clone(),
                    ]
                })
                .collect();
            table(&["ID", "KIND", "MEMBERS", "SINCE", "NAME"], &rows);
        }
        GroupCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let gid = GroupId::parse(&id).ok_or_else(|| missing("group", &id))?;
            let g = app
                .group_for(&a, gid)
                .await
                .map_err(|e| named(e, "group", &id))?;
            let ag = Agencies::load(app).await?;
            if out.json {
                return print_json(&group_json(&g, &ag));
            }
            print_group(&g, &ag);
        }
        GroupCmd::Create { body, who } => {
            let a = actor(app, &who).await?;
            let body: NewGroupBody = read_body(&body)?;
            let g = app.create_group(&a, &body).await?;
            let ag = Agencies::load(app).await?;
            println!("Formed group {}.", g.id);
            print_group(&g, &ag);
        }
    }
    Ok(())
}

// ---- meetings and action items ---------------------------------------------------------

fn meeting_json(m: &Meeting, ag: &Agencies) -> Value {
    let zone = m.zone();
    json!({
        "id": m.id.0,
        "group": m.group_id.0,
        "starts_at": m.starts_at.with_timezone(&zone.offset()).to_rfc3339(),
        "zone": zone.abbreviation(),
        "region": m.region,
        "place": m.place,
        "online_link": m.online_link,
        "organiser": ag.code(m.organiser_agency_id),
        "invited": m.invited.iter().map(|a| ag.code(*a)).collect::<Vec<_>>(),
        "agenda": m.agenda,
        "attendance": m.attendance.iter().map(|x| json!({
            "name": x.name, "agency": ag.code(x.agency_id), "position": x.position,
        })).collect::<Vec<_>>(),
        "minutes": m.minutes,
        "decisions": m.decisions,
        "version": m.version,
        "created_at": m.created_at.to_rfc3339(),
        "updated_at": m.updated_at.to_rfc3339(),
    })
}

fn item_json(i: &ActionItem, ag: &Agencies) -> Value {
    json!({
        "id": i.id.0,
        "group": i.group_id.0,
        "meeting": i.meeting_id.0,
        "what": i.what,
        "agency": ag.code(i.agency_id),
        "person": i.person,
        "due": i.due.to_string(),
        "status": i.status.as_str(),
        "evidence": i.evidence,
        "links": i.links,
        "closed_at": i.closed_at.map(|t| t.to_rfc3339()),
        "version": i.version,
        "created_at": i.created_at.to_rfc3339(),
        "updated_at": i.updated_at.to_rfc3339(),
    })
}

fn item_rows(items: &[ActionItem], ag: &Agencies) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|i| {
            vec![
                i.id.to_string(),
                i.due.to_string(),
                i.status.as_str().into(),
                ag.code(i.agency_id),
                or_dash(i.person.clone()),
                i.what.clone(),
            ]
        })
        .collect()
}

const ITEM_HEADER: [&str; 6] = ["ID", "DUE", "STATUS", "AGENCY", "PERSON", "WHAT"];

fn place(m: &Meeting) -> String {
    or_dash(m.place.clone().or_else(|| m.online_link.clone()))
}

fn print_meeting(m: &Meeting, g: &Group, ag: &Agencies) {
    let mut f = vec![
        ("Meeting", m.id.to_string()),
        ("Group", format!("{} ({})", g.name, g.id)),
        ("Starts", m.zone().format(m.starts_at)),
        ("Place", place(m)),
    ];
    if m.place.is_some() {
        if let Some(l) = &m.online_link {
            f.push(("Online", l.clone()));
        }
    }
    f.push(("Organiser", ag.code(m.organiser_agency_id)));
    f.push((
        "Invited",
        or_dash(Some(
            m.invited
                .iter()
                .map(|a| ag.code(*a))
                .collect::<Vec<_>>()
                .join(", "),
        )),
    ));
    f.push(("Version", m.version.to_string()));
    fields(&f);
    for (title, list) in [("Agenda", &m.agenda), ("Decisions", &m.decisions)] {
        if !list.is_empty() {
            println!();
            println!("{title}");
            for (n, x) in list.iter().enumerate() {
                println!("  {}. {x}", n + 1);
            }
        }
    }
    if !m.attendance.is_empty() {
        println!();
        println!("Attendance");
        let rows: Vec<Vec<String>> = m
            .attendance
            .iter()
            .map(|x| vec![ag.code(x.agency_id), x.name.clone(), x.position.clone()])
            .collect();
        table(&["AGENCY", "NAME", "POSITION"], &rows);
    }
    if let Some(minutes) = &m.minutes {
        println!();
        println!("Minutes");
        for l in minutes.lines() {
            println!("{}", format!("  {l}").trim_end());
        }
    }
}

pub async fn meeting(app: &App, cmd: MeetingCmd) -> anyhow::Result<()> {
    match cmd {
        MeetingCmd::List { group, who, out } => {
            let a = actor(app, &who).await?;
            let gid = GroupId::parse(&group).ok_or_else(|| missing("group", &group))?;
            let list = app
                .meetings_of(&a, gid)
                .await
                .map_err(|e| named(e, "group", &group))?;
            let ag = Agencies::load(app).await?;
            if out.json {
                return print_json(&json!({
                    "meetings": list.iter().map(|m| meeting_json(m, &ag)).collect::<Vec<_>>()
                }));
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|m| {
                    vec![
                        m.id.to_string(),
                        m.zone().format(m.starts_at),
                        ag.code(m.organiser_agency_id),
                        m.attendance.len().to_string(),
                        place(m),
                    ]
                })
                .collect();
            table(&["ID", "STARTS", "ORGANISER", "PRESENT", "PLACE"], &rows);
        }
        MeetingCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let mid = MeetingId::parse(&id).ok_or_else(|| missing("meeting", &id))?;
            let (m, g) = app
                .meeting_for(&a, mid)
                .await
                .map_err(|e| named(e, "meeting", &id))?;
            let items = app.meeting_items(&a, mid).await?;
            let ag = Agencies::load(app).await?;
            if out.json {
                let mut v = meeting_json(&m, &ag);
                v["action_items"] = json!(items
                    .own
                    .iter()
                    .map(|i| item_json(i, &ag))
                    .collect::<Vec<_>>());
                v["carried_items"] = json!(items
                    .carried
                    .iter()
                    .map(|i| item_json(i, &ag))
                    .collect::<Vec<_>>());
                return print_json(&v);
            }
            print_meeting(&m, &g, &ag);
            println!();
            println!("Action items");
            table(&ITEM_HEADER, &item_rows(&items.own, &ag));
            if !items.carried.is_empty() {
                println!();
                println!("Carried from earlier meetings");
                table(&ITEM_HEADER, &item_rows(&items.carried, &ag));
            }
        }
        MeetingCmd::Create { group, body, who } => {
            let a = actor(app, &who).await?;
            let gid = GroupId::parse(&group).ok_or_else(|| missing("group", &group))?;
            let body: NewMeetingBody = read_body(&body)?;
            let m = app
                .create_meeting(&a, gid, &body)
                .await
                .map_err(|e| named(e, "group", &group))?;
            let g = app.group_for(&a, gid).await?;
            let ag = Agencies::load(app).await?;
            println!("Recorded meeting {}.", m.id);
            print_meeting(&m, &g, &ag);
        }
    }
    Ok(())
}

pub async fn action_item(app: &App, cmd: ActionItemCmd) -> anyhow::Result<()> {
    match cmd {
        ActionItemCmd::List {
            group,
            overdue,
            agency,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let ag = Agencies::load(app).await?;
            let owing = match &agency {
                Some(code) => Some(
                    ag.by_code(code)
                        .map(|x| x.id)
                        .ok_or_else(|| anyhow!("--agency: {code} is not an agency"))?,
                ),
                None => None,
            };
            let groups = match &group {
                Some(id) => {
                    let gid = GroupId::parse(id).ok_or_else(|| missing("group", id))?;
                    vec![app
                        .group_for(&a, gid)
                        .await
                        .map_err(|e| named(e, "group", id))?]
                }
                None => app.groups_for(&a).await?,
            };
            // Visibility first: only the items of groups the user sees, then the filters.
            let mut items: Vec<ActionItem> = Vec::new();
            for g in &groups {
                if overdue {
                    for of in app.overdue_by_agency(&a, g.id).await? {
                        items.extend(of.items);
                    }
                } else {
                    for m in app.meetings_of(&a, g.id).await? {
                        items.extend(app.meeting_items(&a, m.id).await?.own);
                    }
                }
            }
            items.retain(|i| owing.is_none_or(|o| i.agency_id == o));
            items.sort_by(|x, y| x.due.cmp(&y.due).then(x.id.cmp(&y.id)));
            if out.json {
                return print_json(&json!({
                    "action_items": items.iter().map(|i| item_json(i, &ag)).collect::<Vec<_>>()
                }));
            }
            table(&ITEM_HEADER, &item_rows(&items, &ag));
        }
        ActionItemCmd::Done {
            id,
            evidence,
            who,
            out,
        } => {
            update_item(app, &id, Some("done".into()), evidence, None, &who, &out).await?;
        }
        ActionItemCmd::Update {
            id,
            status,
            evidence,
            version,
            who,
            out,
        } => {
            if status.is_none() && evidence.is_none() {
                bail!("give --status or --evidence");
            }
            update_item(app, &id, status, evidence, version, &who, &out).await?;
        }
    }
    Ok(())
}

async fn update_item(
    app: &App,
    id: &str,
    status: Option<String>,
    evidence: Option<String>,
    version: Option<i64>,
    who: &Who,
    out: &Out,
) -> anyhow::Result<()> {
    let a = actor(app, who).await?;
    let iid = ActionItemId::parse(id).ok_or_else(|| missing("action item", id))?;
    let (current, _) = app
        .action_item_for(&a, iid)
        .await
        .map_err(|e| named(e, "action item", id))?;
    let mut body = json!({});
    if let Some(s) = status {
        body["status"] = json!(s);
    }
    if let Some(e) = evidence {
        body["evidence"] = json!(e);
    }
    let body = ActionItemPatchBody::read(&body).map_err(AppError::from)?;
    let item = app
        .update_action_item(&a, iid, Some(version.unwrap_or(current.version)), &body)
        .await
        .map_err(|e| named(e, "action item", id))?;
    let ag = Agencies::load(app).await?;
    if out.json {
        return print_json(&item_json(&item, &ag));
    }
    if item == current {
        println!("Action item {id} is already {}.", item.status.as_str());
    } else {
        println!(
            "Action item {id} is now {} (version {}).",
            item.status.as_str(),
            item.version
        );
    }
    table(&ITEM_HEADER, &item_rows(std::slice::from_ref(&item), &ag));
    Ok(())
}

// ---- letters ---------------------------------------------------------------------------

/// `in` when the letter was sent to the viewer's agency (not its own), else `out`.
fn letter_box(l: &Letter, viewer: AgencyId) -> &'static str {
    if l.recipient(viewer).is_some() && l.agency_id != viewer {
        "in"
    } else {
        "out"
    }
}

fn letter_json(l: &Letter, ag: &Agencies, viewer: AgencyId) -> Value {
    json!({
        "id": l.id.0,
        "agency": ag.code(l.agency_id),
        "agency_name": ag.name(l.agency_id),
        "status": l.status.as_str(),
        "box": letter_box(l, viewer),
        "number": l.number,
        "date": l.letter_date.map(|d| d.to_string()),
        "subject": l.subject,
        "body": l.body,
        "nature": l.nature.as_str(),
        "signatory": l.signatory,
        "external_sender": l.external_sender,
        "recipients": l.recipients.iter().map(|r| json!({
            "agency": ag.code(r.agency_id),
            "agency_name": ag.name(r.agency_id),
            "role": r.role.as_str(),
            "delivered_at": r.delivered_at.map(|t| t.to_rfc3339()),
            "read_at": r.read_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
        "documents": l.documents.iter().map(|d| json!({
            "id": d.id, "filename": d.filename, "content_type": d.content_type, "size": d.size,
        })).collect::<Vec<_>>(),
        "version": l.version,
        "created_at": l.created_at.to_rfc3339(),
        "updated_at": l.updated_at.to_rfc3339(),
    })
}

fn from_of(l: &Letter, ag: &Agencies) -> String {
    l.external_sender
        .clone()
        .unwrap_or_else(|| ag.code(l.agency_id))
}

fn print_letter(l: &Letter, ag: &Agencies, viewer: AgencyId) {
    let zone = ag.zone(l.agency_id);
    let by_role = |role: &str| {
        or_dash(Some(
            l.recipients
                .iter()
                .filter(|r| r.role.as_str() == role)
                .map(|r| ag.code(r.agency_id))
                .collect::<Vec<_>>()
                .join(", "),
        ))
    };
    fields(&[
        ("Letter", l.id.to_string()),
        ("Status", l.status.as_str().into()),
        ("Box", letter_box(l, viewer).into()),
        ("Number", or_dash(l.number.clone())),
        ("Date", or_dash(l.letter_date.map(|d| d.to_string()))),
        ("From", from_of(l, ag)),
        ("To", by_role("to")),
        ("Copies", by_role("copy")),
        ("Nature", l.nature.as_str().into()),
        ("Subject", l.subject.clone()),
        ("Signatory", or_dash(Some(l.signatory.clone()))),
        ("Version", l.version.to_string()),
    ]);
    if !l.body.is_empty() {
        println!();
        for line in l.body.lines() {
            println!("{}", format!("  {line}").trim_end());
        }
    }
    if !l.recipients.is_empty() {
        println!();
        println!("Receipts");
        let rows: Vec<Vec<String>> = l
            .recipients
            .iter()
            .map(|r| {
                vec![
                    ag.code(r.agency_id),
                    r.role.as_str().into(),
                    or_dash(r.delivered_at.map(|t| zone.format(t))),
                    or_dash(r.read_at.map(|t| zone.format(t))),
                ]
            })
            .collect();
        table(&["AGENCY", "ROLE", "DELIVERED", "READ"], &rows);
    }
    if !l.documents.is_empty() {
        println!();
        println!("Documents");
        let rows: Vec<Vec<String>> = l
            .documents
            .iter()
            .map(|d| vec![d.id.to_string(), d.size.to_string(), d.filename.clone()])
            .collect();
        table(&["ID", "BYTES", "FILE"], &rows);
    }
}

pub async fn letter(app: &App, cmd: LetterCmd) -> anyhow::Result<()> {
    match cmd {
        LetterCmd::List {
            letter_box: want,
            who,
            out,
        } => {
            let a = actor(app, &who).await?;
            let ag = Agencies::load(app).await?;
            let letters: Vec<Letter> = app
                .letters_for(&a)
                .await?
                .into_iter()
                .filter(|l| {
                    want.is_none_or(|w| {
                        letter_box(l, a.agency_id) == if w == LetterBox::In { "in" } else { "out" }
                    })
                })
                .collect();
            if out.json {
                return print_json(&json!({
                    "letters": letters.iter().map(|l| letter_json(l, &ag, a.agency_id)).collect::<Vec<_>>()
                }));
            }
            let rows: Vec<Vec<String>> = letters
                .iter()
                .map(|l| {
                    vec![
                        l.id.to_string(),
                        letter_box(l, a.agency_id).into(),
                        l.status.as_str().into(),
                        or_dash(l.number.clone()),
                        or_dash(l.letter_date.map(|d| d.to_string())),
                        from_of(l, &ag),
                        l.subject.clone(),
                    ]
                })
                .collect();
            table(
                &["ID", "BOX", "STATUS", "NUMBER", "DATE", "FROM", "SUBJECT"],
                &rows,
            );
        }
        LetterCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let lid = LetterId::parse(&id).ok_or_else(|| missing("letter", &id))?;
            let l = app
                .open_letter(&a, lid)
                .await
                .map_err(|e| named(e, "letter", &id))?;
            let ag = Agencies::load(app).await?;
            if out.json {
                return print_json(&letter_json(&l, &ag, a.agency_id));
            }
            print_letter(&l, &ag, a.agency_id);
        }
        LetterCmd::Create { body, who } => {
            let a = actor(app, &who).await?;
            let body: NewLetterBody = read_body(&body)?;
            let l = app.create_letter(&a, &body).await?;
            let ag = Agencies::load(app).await?;
            println!(
                "Drafted letter {}; `sinergi letter send` numbers and sends it.",
                l.id
            );
            print_letter(&l, &ag, a.agency_id);
        }
        LetterCmd::Send { id, who, out } => {
            let a = actor(app, &who).await?;
            let lid = LetterId::parse(&id).ok_or_else(|| missing("letter", &id))?;
            let draft = app
                .letter_for(&a, lid)
                .await
                .map_err(|e| named(e, "letter", &id))?;
            let l = app
                .send_letter(&a, lid, Some(draft.version))
                .await
                .map_err(|e| named(e, "letter", &id))?;
            let ag = Agencies::load(app).await?;
            if out.json {
                return print_json(&letter_json(&l, &ag, a.agency_id));
            }
            println!(
                "Sent letter {} as {} to {} recipients.",
                l.id,
                l.number.as_deref().unwrap_or_default(),
                l.recipients.len()
            );
        }
        LetterCmd::Register { body, who } => {
            let a = actor(app, &who).await?;
            let body: RegisterLetterBody = read_body(&body)?;
            let l = app.register_letter(&a, &body).await?;
            let ag = Agencies::load(app).await?;
            println!("Registered letter {}.", l.id);
            print_letter(&l, &ag, a.agency_id);
        }
    }
    Ok(())
}

// ---- plans -----------------------------------------------------------------------------

fn plan_json(p: &Plan) -> Value {
    json!({
        "id": p.id.0,
        "group": p.group_id.0,
        "kind": p.kind.as_str(),
        "title": p.title,
        "description": p.description,
        "period_from": p.period_from.to_string(),
        "period_until": p.period_until.to_string(),
        "version": p.version,
        "created_at": p.created_at.to_rfc3339(),
        "updated_at": p.updated_at.to_rfc3339(),
    })
}

fn pct(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.0}%"))
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

pub async fn plan(app: &App, cmd: PlanCmd) -> anyhow::Result<()> {
    match cmd {
        PlanCmd::List { group, who, out } => {
            let a = actor(app, &who).await?;
            let gid = GroupId::parse(&group).ok_or_else(|| missing("group", &group))?;
            let plans = app
                .plans_of(&a, gid)
                .await
                .map_err(|e| named(e, "group", &group))?;
            if out.json {
                return print_json(&json!({
                    "plans": plans.iter().map(plan_json).collect::<Vec<_>>()
                }));
            }
            let rows: Vec<Vec<String>> = plans
                .iter()
                .map(|p| {
                    vec![
                        p.id.to_string(),
                        p.kind.as_str().into(),
                        period(Some(p.period_from), Some(p.period_until)),
                        p.title.clone(),
                    ]
                })
                .collect();
            table(&["ID", "KIND", "PERIOD", "TITLE"], &rows);
        }
        PlanCmd::Show { id, who, out } => {
            let a = actor(app, &who).await?;
            let pid = PlanId::parse(&id).ok_or_else(|| missing("plan", &id))?;
            let tree = app
                .plan_tree(&a, pid)
                .await
                .map_err(|e| named(e, "plan", &id))?;
            let ag = Agencies::load(app).await?;
            let ordered = tree_order(&tree.nodes);
            let mut depth: HashMap<_, usize> = HashMap::new();
            for n in &ordered {
                let d = n
                    .parent_id
                    .and_then(|p| depth.get(&p).map(|d| d + 1))
                    .unwrap_or(0);
                depth.insert(n.id, d);
            }
            let plan_elapsed =
                elapsed_pct(tree.plan.period_from, tree.plan.period_until, tree.today);
            let reached = stage_reached(&tree.nodes);
            if out.json {
                let mut nodes = Vec::with_capacity(ordered.len());
                for n in &ordered {
                    let d = depth.get(&n.id).copied().unwrap_or(0);
                    nodes.push(node_json(app, &a, n, d, &tree.plan, tree.today, &ag).await?);
                }
                return print_json(&json!({
                    "plan": plan_json(&tree.plan),
                    "today": tree.today.to_string(),
                    "elapsed_pct": plan_elapsed,
                    "stage_reached": reached.map(|r| r.0),
                    "nodes": nodes,
                }));
            }
            fields(&[
                ("Plan", tree.plan.id.to_string()),
                ("Title", tree.plan.title.clone()),
                ("Kind", tree.plan.kind.as_str().into()),
                ("Group", format!("{} ({})", tree.group.name, tree.group.id)),
                (
                    "Period",
                    period(Some(tree.plan.period_from), Some(tree.plan.period_until)),
                ),
                (
                    "Time gone",
                    format!("{plan_elapsed:.0}% (on {})", tree.today),
                ),
            ]);
            if let Some(r) = reached.and_then(|r| tree.nodes.iter().find(|n| n.id == r)) {
                println!("Stage reached: {}", r.title);
            }
            println!();
            let rows: Vec<Vec<String>> = ordered
                .iter()
                .map(|n| {
                    let d = depth.get(&n.id).copied().unwrap_or(0);
                    let p = Progress::of(n, &tree.plan, tree.today);
                    let target = match &n.target {
                        Some(t) => format!(
                            "{}/{} {}",
                            number(n.achieved.unwrap_or(0.0)),
                            number(t.value),
                            t.unit.clone().unwrap_or_else(|| t.indicator.clone())
                        ),
                        None => "-".into(),
                    };
                    vec![
                        format!("{}{}", "  ".repeat(d), n.title),
                        n.kind.as_str().into(),
                        ag.code(n.responsible_agency_id),
                        period(n.starts_on, n.ends_on),
                        target,
                        pct(p.achieved_pct),
                        pct(p.elapsed_pct),
                        format!(
                            "{}{}",
                            n.status.as_str(),
                            if p.behind { " BEHIND" } else { "" }
                        ),
                        n.evidence.len().to_string(),
                    ]
                })
                .collect();
            table(
                &[
                    "NODE",
                    "KIND",
                    "RESPONSIBLE",
                    "PERIOD",
                    "ACHIEVED/TARGET",
                    "DONE",
                    "TIME",
                    "STATUS",
                    "EVIDENCE",
                ],
                &rows,
            );
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn node_json(
    app: &App,
    actor: &Actor,
    n: &PlanNode,
    depth: usize,
    plan: &Plan,
    today: chrono::NaiveDate,
    ag: &Agencies,
) -> anyhow::Result<Value> {
    let titles = app.evidence_titles(actor, &n.evidence).await?;
    let p = Progress::of(n, plan, today);
    Ok(json!({
        "id": n.id.0,
        "plan": n.plan_id.0,
        "parent": n.parent_id.map(|p| p.0),
        "depth": depth,
        "position": n.position,
        "kind": n.kind.as_str(),
        "title": n.title,
        "description": n.description,
        "responsible": ag.code(n.responsible_agency_id),
        "supporting": n.supporting.iter().map(|a| ag.code(*a)).collect::<Vec<_>>(),
        "starts_on": n.starts_on.map(|d| d.to_string()),
        "ends_on": n.ends_on.map(|d| d.to_string()),
        "budget": n.budget,
        "funding_source": n.funding_source,
        "indicator": n.target.as_ref().map(|t| t.indicator.clone()),
        "unit": n.target.as_ref().and_then(|t| t.unit.clone()),
        "target": n.target.as_ref().map(|t| t.value),
        "achieved": n.achieved,
        "status": n.status.as_str(),
        "activity": n.activity.as_ref().map(|a| json!({
            "kind": a.kind.as_str(),
            "participants": a.participants.iter().map(|p| json!({
                "agency": ag.code(p.agency_id), "male": p.male, "female": p.female,
            })).collect::<Vec<_>>(),
            "materials": a.materials,
            "area": a.area,
            "audience": a.audience,
            "boards": a.boards,
            "dataset": a.dataset,
            "agreement": a.agreement_id.map(|x| x.0),
        })),
        "evidence": n.evidence.iter().zip(titles).map(|(e, title)| json!({
            "kind": e.kind.as_str(),
            "id": e.id,
            "url": e.url,
            "href": e.href(),
            "visible": e.id.is_none() || title.is_some(),
            "title": title,
        })).collect::<Vec<_>>(),
        "progress": {
            "achieved_pct": p.achieved_pct,
            "elapsed_pct": p.elapsed_pct,
            "behind": p.behind,
        },
        "version": n.version,
        "created_at": n.created_at.to_rfc3339(),
        "updated_at": n.updated_at.to_rfc3339(),
    }))
}
