//! Monitoring campaigns (ADR 35): a form assigned to respondent units for a run of
//! periods; who answered what, when, and the reporting and on-time rates computed from
//! the form's submissions as they are now.
//!
//! Which submission answers a unit's period: one of the campaign's form, sent by the
//! unit's agency, whose period question holds a period of the campaign (and whose
//! region question, when the campaign names one, holds the unit's region), answered
//! within the period's window (from its first day to the end of its grace days), not
//! rejected in review. The earliest such answer counts.
//!
//! Who sees a campaign: its agency and those above see every unit; a unit's agency (and
//! those above it) sees the campaign with its own units only. Coordinators and
//! administrators of the form's agency or one above it set one up.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::agency::AgencyCode;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::campaign::{
    check_span, Campaign, CampaignId, CampaignIndex, CellState, Period, Periodicity, Rates, Unit,
    MAX_UNITS,
};
use sinergi_core::form::{Form, FormId};
use sinergi_core::index::{IndexDef, IndexId};
use sinergi_core::submission::{ReviewState, SubmissionId};
use sinergi_core::ValidationErrors;

use crate::{App, AppError, AppResult};

/// A campaign to set up, as the caller gives it.
#[derive(Debug, Clone, Default)]
pub struct NewCampaign {
    pub form: String,
    pub title: String,
    pub periodicity: String,
    pub first_period: String,
    pub last_period: String,
    pub due_days: i64,
    pub grace_days: i64,
    /// Days before the due date that unanswered units are reminded (default 7).
    pub remind_days: Option<i64>,
    /// Days after the due date that a missing unit is escalated (default 14).
    pub escalate_days: Option<i64>,
    pub period_field: String,
    pub region_field: Option<String>,
    /// (region code, agency code) per unit.
    pub units: Vec<(String, String)>,
}

/// One unit's period.
#[derive(Debug, Clone)]
pub struct Cell {
    pub state: CellState,
    pub answered_at: Option<DateTime<Utc>>,
    pub submission: Option<SubmissionId>,
    pub paper: bool,
    /// The counted answer's data.
    pub data: Option<serde_json::Value>,
}

/// A unit's row of the campaign's table.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub unit: Unit,
    pub agency_code: String,
    pub region_name: String,
    pub cells: Vec<Cell>,
    pub rates: Rates,
}

/// A campaign with where every unit it shows stands.
#[derive(Debug, Clone)]
pub struct CampaignView {
    pub campaign: Campaign,
    pub form: Form,
    pub periods: Vec<Period>,
    pub rows: Vec<UnitRow>,
    pub by_period: Vec<Rates>,
    pub overall: Rates,
    /// Whether the viewer sees every unit (the campaign's agency or above).
    pub whole: bool,
}

fn title_of(s: &str) -> Result<String, sinergi_core::Message> {
    let t = s.trim();
    if t.is_empty() || t.chars().count() > 200 || t.chars().any(char::is_control) {
        return Err(sinergi_core::msg!(
            "text-length",
            "must be text of 1 to {max} characters",
            max = 200
        ));
    }
    Ok(t.to_string())
}

impl App {
    /// Sets up a campaign for a form the actor may publish.
    pub async fn create_campaign(&self, actor: &Actor, n: &NewCampaign) -> AppResult<Campaign> {
        let mut errs = ValidationErrors::new();
        let form = match FormId::parse(n.form.trim()) {
            Some(id) => self.store.form(id).await?,
            None => None,
        };
        let form = match form {
            Some(f) if f.visible_to(actor) => Some(f),
            _ => {
                errs.push(
                    "form",
                    sinergi_core::msg!("campaign-form-unknown", "is not a form you see"),
                );
                None
            }
        };
        if let Some(f) = &form {
            if !f.may_publish(actor) {
                return Err(AppError::Forbidden(
                    "only coordinators and administrators of the form's agency set up campaigns"
                        .into(),
                ));
            }
        }
        let title = title_of(&n.title).map_err(|m| errs.push("title", m)).ok();
        let periodicity = Periodicity::parse(n.periodicity.trim());
        if periodicity.is_none() {
            errs.push(
                "periodicity",
                sinergi_core::msg!(
                    "case-keyword-invalid",
                    "must be one of {values}",
                    values = "monthly, quarterly, yearly"
                ),
            );
        }
        let span = periodicity
            .map(|p| check_span(p, &n.first_period, &n.last_period, n.due_days, n.grace_days));
        if let Some(Err(e)) = &span {
            errs.extend(e.clone());
        }
        let days = sinergi_core::campaign::check_reminder_days(
            n.remind_days
                .unwrap_or(i64::from(sinergi_core::campaign::REMIND_DAYS)),
            n.escalate_days
                .unwrap_or(i64::from(sinergi_core::campaign::ESCALATE_DAYS)),
        );
        if let Err(e) = &days {
            errs.extend(e.clone());
        }
        // The period (and region) questions must be questions of the form's newest
        // version, outside repeats.
        let columns = match &form {
            Some(f) => self.submission_columns(f).await?,
            None => Vec::new(),
        };
        let period_field = n.period_field.trim().to_string();
        if form.is_some() && !columns.contains(&period_field) {
            errs.push(
                "period_field",
                sinergi_core::msg!(
                    "campaign-field-unknown",
                    "{name} is not a question of the form (outside repeats)",
                    name = period_field.clone()
                ),
            );
        }
        let region_field = n
            .region_field
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if let (Some(r), true) = (&region_field, form.is_some()) {
            if !columns.contains(r) {
                errs.push(
                    "region_field",
                    sinergi_core::msg!(
                        "campaign-field-unknown",
                        "{name} is not a question of the form (outside repeats)",
                        name = r.clone()
                    ),
                );
            }
        }
        let mut units: Vec<Unit> = Vec::new();
        if n.units.is_empty() || n.units.len() > MAX_UNITS {
            errs.push(
                "units",
                sinergi_core::msg!(
                    "campaign-units-count",
                    "a campaign has 1 to {max} units",
                    max = MAX_UNITS
                ),
            );
        }
        for (i, (region, agency)) in n.units.iter().enumerate() {
            let field = format!("units[{i}]");
            let region = region.trim();
            if self.gazetteer().get(region).is_none() {
                errs.push(
                    format!("{field}.region"),
                    sinergi_core::msg!(
                        "region-unknown",
                        "no region has the code {code}",
                        code = region
                    ),
                );
                continue;
            }
            if units.iter().any(|u| u.region_code == region) {
                errs.push(
                    format!("{field}.region"),
                    sinergi_core::msg!(
                        "campaign-unit-twice",
                        "the region {code} is a unit already",
                        code = region
                    ),
                );
                continue;
            }
            let agency = match AgencyCode::parse(agency.trim()) {
                Ok(code) => {
                    self.agency_named(&code, &format!("{field}.agency"), &mut errs)
                        .await?
                }
                Err(m) => {
                    errs.push(format!("{field}.agency"), m);
                    None
                }
            };
            if let Some(a) = agency {
                units.push(Unit {
                    region_code: region.to_string(),
                    agency_id: a.id,
                });
            }
        }
        if region_field.is_none() {
            let mut seen: HashMap<_, usize> = HashMap::new();
            for u in &units {
                *seen.entry(u.agency_id).or_default() += 1;
            }
            if seen.values().any(|n| *n > 1) {
                errs.push(
                    "region_field",
                    sinergi_core::msg!(
                        "campaign-region-field-needed",
                        "an agency answers for more than one region: name the form's question that holds the region's code"
                    ),
                );
            }
        }
        let (
            Some(form),
            Some(title),
            Some(p),
            Some(Ok((first, last))),
            Ok((remind, escalate)),
            true,
        ) = (form, title, periodicity, span, days, errs.is_empty())
        else {
            return Err(AppError::Validation(errs));
        };
        let now = self.now();
        let c = Campaign {
            id: CampaignId::new_at(now, Self::id_bits()),
            owner_agency_id: form.owner_agency_id,
            form_id: form.id,
            title,
            periodicity: p,
            first_period: first.start,
            last_period: last.start,
            due_days: u32::try_from(n.due_days).unwrap_or(0),
            grace_days: u32::try_from(n.grace_days).unwrap_or(0),
            remind_days: remind,
            escalate_days: escalate,
            period_field,
            region_field,
            units,
            created_by: actor.user_id,
            created_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CampaignCreate,
            "campaign",
            &c.id.to_string(),
            json!({"form": form.id.to_string(), "title": c.title, "units": c.units.len(),
                   "first_period": first.label(), "last_period": last.label()}),
        );
        if !self.store.insert_campaign(&c, &audit).await? {
            return Err(AppError::field(
                "first_period",
                sinergi_core::msg!(
                    "campaign-overlap",
                    "another campaign of this form covers some of these periods; an answer would count twice"
                ),
            ));
        }
        Ok(c)
    }

    /// The campaigns the actor sees: its agency's and those below it, and those it (or
    /// an agency below it) answers.
    pub async fn campaigns(&self, actor: &Actor) -> AppResult<Vec<Campaign>> {
        let mut mine = vec![actor.agency_id];
        mine.extend(actor.agency_descendants.iter().copied());
        Ok(self.store.campaigns(&mine, &mine).await?)
    }

    /// A campaign the actor sees, with its table and rates.
    pub async fn campaign_view(&self, actor: &Actor, id: CampaignId) -> AppResult<CampaignView> {
        self.campaign_view_at(actor, id, self.now()).await
    }

    /// [`App::campaign_view`] as it stands at `now`.
    async fn campaign_view_at(
        &self,
        actor: &Actor,
        id: CampaignId,
        now: DateTime<Utc>,
    ) -> AppResult<CampaignView> {
        let c = self.store.campaign(id).await?.ok_or(AppError::NotFound)?;
        let whole = c.seen_whole_by(actor);
        let shown: Vec<Unit> = c
            .units
            .iter()
            .filter(|u| {
                whole
                    || u.agency_id == actor.agency_id
                    || actor.agency_descendants.contains(&u.agency_id)
            })
            .cloned()
            .collect();
        if shown.is_empty() {
            return Err(AppError::NotFound);
        }
        let form = self
            .store
            .form(c.form_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let periods = c.periods();
        // The earliest counted answer per (unit, period).
        // The earliest counted answer per (unit, period), read from the period (and
        // region) questions alone; the winners' whole answers are read afterwards.
        let mut first: HashMap<(usize, usize), (DateTime<Utc>, SubmissionId, bool)> =
            HashMap::new();
        let by_label: HashMap<String, usize> = periods
            .iter()
            .enumerate()
            .map(|(i, p)| (p.label(), i))
            .collect();
        for s in self
            .store
            .campaign_answers(c.form_id, &c.period_field, c.region_field.as_deref())
            .await?
        {
            if s.review_state == ReviewState::Rejected {
                continue;
            }
            let Some(&pi) = s.period.as_deref().and_then(|l| by_label.get(l.trim())) else {
                continue;
            };
            let ui = c.units.iter().position(|u| {
                u.agency_id == s.agency_id
                    && (c.region_field.is_none()
                        || s.region.as_deref().map(str::trim) == Some(u.region_code.as_str()))
            });
            let Some(ui) = ui else {
                continue;
            };
            if !c.accepts(&c.units[ui], &periods[pi], s.answered_at) {
                continue;
            }
            let paper = s.source == sinergi_core::submission::Source::Paper;
            match first.get(&(ui, pi)) {
                Some(had) if had.0 <= s.answered_at => {}
                _ => {
                    first.insert((ui, pi), (s.answered_at, s.id, paper));
                }
            }
        }
        let mut data: HashMap<SubmissionId, serde_json::Value> = HashMap::new();
        for ((ui, _), (_, id, _)) in &first {
            if !shown.contains(&c.units[*ui]) {
                continue;
            }
            if let Some(sub) = self.store.submission(*id).await? {
                data.insert(*id, sub.data);
            }
        }
        let codes: HashMap<_, _> = self
            .agencies()
            .await?
            .into_iter()
            .map(|a| (a.id, a.code.to_string()))
            .collect();
        let mut rows = Vec::new();
        let mut by_period = vec![Rates::default(); periods.len()];
        let mut overall = Rates::default();
        for (ui, u) in c.units.iter().enumerate() {
            if !shown.contains(u) {
                continue;
            }
            let mut rates = Rates::default();
            let cells = periods
                .iter()
                .enumerate()
                .map(|(pi, p)| {
                    let got = first.get(&(ui, pi));
                    let state = c.cell(u, p, got.map(|g| g.0), now);
                    if c.is_due(u, p, now) {
                        rates.add(state);
                        by_period[pi].add(state);
                        overall.add(state);
                    } else {
                        by_period[pi].add_progress(state);
                    }
                    Cell {
                        state,
                        answered_at: got.map(|g| g.0),
                        submission: got.map(|g| g.1),
                        paper: got.is_some_and(|g| g.2),
                        data: got.and_then(|g| data.get(&g.1).cloned()),
                    }
                })
                .collect();
            rows.push(UnitRow {
                agency_code: codes.get(&u.agency_id).cloned().unwrap_or_default(),
                region_name: self
                    .gazetteer()
                    .get(&u.region_code)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
                unit: u.clone(),
                cells,
                rates,
            });
        }
        Ok(CampaignView {
            campaign: c,
            form,
            periods,
            rows,
            by_period,
            overall,
            whole,
        })
    }
}

/// A unit's period under an index: its score and band, or why it has none.
#[derive(Debug, Clone)]
pub enum IndexCell {
    Scored { score: f64, band: Option<usize> },
    NoScore(sinergi_core::index::NoScore),
}

/// An index computed over a campaign's table.
#[derive(Debug, Clone)]
pub struct IndexResult {
    pub index: CampaignIndex,
    /// Per row of the campaign's table (the units the viewer sees), per period; `None`
    /// when the period has no counted answer.
    pub cells: Vec<Vec<Option<IndexCell>>>,
    /// Per period: the mean score of the units scored, and how many were.
    pub means: Vec<Option<(f64, usize)>>,
}

impl App {
    /// Defines an index over a campaign's answers: coordinators and administrators of
    /// the campaign's agency or one above it; its components must be questions of the
    /// form.
    pub async fn create_campaign_index(
        &self,
        actor: &Actor,
        campaign: CampaignId,
        def: IndexDef,
    ) -> AppResult<CampaignIndex> {
        let c = self
            .store
            .campaign(campaign)
            .await?
            .ok_or(AppError::NotFound)?;
        let whole = c.seen_whole_by(actor);
        if !whole {
            // A unit's agency sees the campaign but may not do this; others get 404.
            self.campaign_view(actor, campaign).await?;
            return Err(AppError::Forbidden(
                "only the campaign's agency defines its indices".into(),
            ));
        }
        if !actor.may(sinergi_core::permission::Action::PublishForms) {
            return Err(AppError::Forbidden(
                "only coordinators and administrators define indices".into(),
            ));
        }
        let form = self
            .store
            .form(c.form_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let columns = self.submission_columns(&form).await?;
        def.check(&columns).map_err(AppError::Validation)?;
        let now = self.now();
        let i = CampaignIndex {
            id: IndexId::new_at(now, Self::id_bits()),
            campaign_id: c.id,
            def: IndexDef {
                name: def.name.trim().to_string(),
                ..def
            },
            created_by: actor.user_id,
            created_at: now,
        };
        let audit = self.audit(
            Some(actor),
            AuditAction::CampaignIndexCreate,
            "campaign",
            &c.id.to_string(),
            json!({"index": i.id.to_string(), "name": i.def.name}),
        );
        if !self.store.insert_campaign_index(&i, &audit).await? {
            return Err(AppError::field(
                "name",
                sinergi_core::msg!(
                    "index-name-taken",
                    "the campaign has an index by this name already"
                ),
            ));
        }
        Ok(i)
    }

    /// Every index of a campaign computed over the rows of `view`.
    pub async fn campaign_indices(&self, view: &CampaignView) -> AppResult<Vec<IndexResult>> {
        let mut out = Vec::new();
        for index in self.store.campaign_indices(view.campaign.id).await? {
            let cells: Vec<Vec<Option<IndexCell>>> = view
                .rows
                .iter()
                .map(|row| {
                    row.cells
                        .iter()
                        .map(|cell| {
                            let data = cell.data.as_ref()?;
                            Some(
                                match index.def.score(|f| data.get(f).and_then(|v| v.as_str())) {
                                    Ok(score) => IndexCell::Scored {
                                        score,
                                        band: index.def.band(score),
                                    },
                                    Err(n) => IndexCell::NoScore(n),
                                },
                            )
                        })
                        .collect()
                })
                .collect();
            let means = (0..view.periods.len())
                .map(|pi| {
                    let scores: Vec<f64> = cells
                        .iter()
                        .filter_map(|row| match &row[pi] {
                            Some(IndexCell::Scored { score, .. }) => Some(*score),
                            _ => None,
                        })
                        .collect();
                    (!scores.is_empty()).then(|| {
                        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
                        ((mean * 100.0).round() / 100.0, scores.len())
                    })
                })
                .collect();
            out.push(IndexResult {
                index,
                cells,
                means,
            });
        }
        Ok(out)
    }
}

impl App {
    /// Reminders of campaigns (ADR 35), each sent once per unit, period and level: "due
    /// soon" to the coordinators and administrators of a unit that has not answered a
    /// period due within the campaign's `remind_days`; "overdue" to them once the due
    /// date passed; "escalated" to those of the unit's superior agency the campaign's
    /// `escalate_days` after it.
    /// Nothing is sent for a period whose answers are no longer accepted. In the app,
    /// and by mail to those who gave an address.
    pub async fn run_campaign_reminders(
        &self,
        now: DateTime<Utc>,
    ) -> AppResult<(usize, usize, usize)> {
        let (mut reminders, mut notices_sent, mut mails_sent) = (0, 0, 0);
        let since = (now - chrono::Duration::days(800)).date_naive();
        for c in self.store.campaigns_since(since).await? {
            let Some(owner) = self.store.agency(c.owner_agency_id).await? else {
                continue;
            };
            let Some(creator) = self.store.user(c.created_by).await? else {
                continue;
            };
            let as_owner = Actor {
                user_id: creator.id,
                username: creator.username.as_str().to_string(),
                agency_id: owner.id,
                role: sinergi_core::user::Role::Coordinator,
                agency_descendants: Vec::new(),
            };
            let v = self.campaign_view_at(&as_owner, c.id, now).await?;
            for row in &v.rows {
                for (p, cell) in v.periods.iter().zip(&row.cells) {
                    if cell.answered_at.is_some() {
                        continue;
                    }
                    let due = c.due_date(p);
                    let still_accepted = c.accepts(&row.unit, p, now);
                    let local_today = now
                        .with_timezone(
                            &sinergi_core::time::Zone::for_region(&row.unit.region_code).offset(),
                        )
                        .date_naive();
                    let levels: &[&str] = match cell.state {
                        _ if !still_accepted => &[],
                        CellState::Open
                            if due - local_today
                                <= chrono::Duration::days(i64::from(c.remind_days)) =>
                        {
                            &["due_soon"]
                        }
                        CellState::Missing
                            if local_today - due
                                > chrono::Duration::days(i64::from(c.escalate_days)) =>
                        {
                            &["overdue", "escalated"]
                        }
                        CellState::Missing => &["overdue"],
                        _ => &[],
                    };
                    for &level in levels {
                        let recipients = if level == "escalated" {
                            match self.superior_of(row.unit.agency_id).await? {
                                Some(sup) => self.case_managers(sup.id, None).await?,
                                None => Vec::new(),
                            }
                        } else {
                            self.case_managers(row.unit.agency_id, None).await?
                        };
                        let period = p.label();
                        let detail = json!({
                            "campaign": c.title, "period": period, "due": due.to_string(),
                            "region": row.unit.region_code, "region_name": row.region_name,
                            "agency": row.agency_code,
                        });
                        let notices: Vec<sinergi_store::Notification> = recipients
                            .iter()
                            .map(|u| sinergi_store::Notification {
                                id: sinergi_core::ids::NotificationId::new_at(now, Self::id_bits()),
                                user_id: *u,
                                kind: format!("campaign_{level}"),
                                record_type: Some("campaign".into()),
                                record_id: Some(c.id.to_string()),
                                detail: detail.clone(),
                                created_at: now,
                                read_at: None,
                            })
                            .collect();
                        let mails = if self.mail_configured() && !recipients.is_empty() {
                            let due_text = due.format("%d-%m-%Y");
                            let subject = match level {
                                "due_soon" => {
                                    format!("[Sinergi] {} {period}: tenggat {due_text}", c.title)
                                }
                                "overdue" => format!(
                                    "[Sinergi] {} {period}: lewat tenggat {due_text}",
                                    c.title
                                ),
                                _ => format!(
                                    "[Sinergi] {} {period}: {} belum menjawab (tenggat {due_text})",
                                    c.title, row.agency_code
                                ),
                            };
                            let body = format!(
                            "Kampanye: {}\nPeriode: {period}\nUnit: {} ({}), {}\nTenggat: {due_text}\n\n\
                             Lihat kampanyenya di Sinergi: /kampanye/{}\n\n\
                             Surel ini dikirim karena alamat Anda terdaftar untuk pengingat di Sinergi; \
                             hapus alamat di halaman Akun untuk berhenti menerimanya.\n",
                            c.title, row.region_name, row.unit.region_code, row.agency_code, c.id,
                        );
                            self.mails_to(
                                &recipients,
                                (&subject, &body),
                                &format!("campaign_{level}"),
                                ("campaign", c.id.to_string()),
                                now,
                            )
                            .await?
                        } else {
                            Vec::new()
                        };
                        let mut entry = self.audit(
                            None,
                            AuditAction::CampaignReminder,
                            "campaign",
                            &c.id.to_string(),
                            json!({"level": level, "region": row.unit.region_code, "period": period,
                            "due": due.to_string(), "recipients": notices.len() as i64,
                            "mails": mails.len() as i64}),
                        );
                        entry.at = now;
                        let kind = format!("{level}:{}:{period}", row.unit.region_code);
                        if self
                            .store
                            .record_campaign_reminder(c.id, &kind, now, (&notices, &mails), &entry)
                            .await?
                        {
                            reminders += 1;
                            notices_sent += notices.len();
                            mails_sent += mails.len();
                        }
                    }
                }
            }
        }
        Ok((reminders, notices_sent, mails_sent))
    }
}
