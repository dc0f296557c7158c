//! What meetings produce besides their record (ADR 24): reminders of open action items
//! (in-app notifications, each kind once per item) and each user's calendar of meetings
//! and due dates, with the private calendar address a user issues and revokes.
//!
//! The printable minutes and attendance list are drawn by the web crate from the
//! meeting's record (`meeting_for`, `meeting_items`).

use std::collections::HashMap;

use chrono::{DateTime, Days, Months, Utc};
use serde_json::json;
use sinergi_core::access::Actor;
use sinergi_core::audit::Action as AuditAction;
use sinergi_core::coordination::{ActionItem, Group, GroupRole, Meeting};
use sinergi_core::ids::{AgencyId, GroupId, NotificationId, UserId};
use sinergi_core::time::Zone;
use sinergi_core::user::Role;
use sinergi_store::notifications::Notification;
use sinergi_store::Mail;

use crate::auth::{random_token, token_hash};
use crate::{App, AppError, AppResult};

/// "Due soon" is sent this many days before the due date (in the owing agency's date).
pub const DUE_SOON_DAYS: u64 = 3;

/// A reminder's kind, as stored and as the notification's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// The item is due within [`DUE_SOON_DAYS`]: to the owing agency's coordinators and
    /// administrators.
    DueSoon,
    /// The day after the due date: to them and to the group's secretaries with an account.
    Overdue,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::DueSoon => "due_soon",
            ReminderKind::Overdue => "overdue",
        }
    }

    /// The kind of the notifications it sends.
    pub fn notification_kind(self) -> &'static str {
        match self {
            ReminderKind::DueSoon => "action_item_due_soon",
            ReminderKind::Overdue => "action_item_overdue",
        }
    }
}

/// What one run of the reminders sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RemindersSent {
    /// Reminders recorded (each an item and a kind).
    pub reminders: usize,
    /// Notifications written for them.
    pub notifications: usize,
    /// Mails queued for those recipients who gave an e-mail address (ADR 28).
    pub mails: usize,
}

/// A user's calendar: the meetings of their agency's groups and the due dates of the open
/// items their agency owes, with each record's group.
#[derive(Debug, Clone, Default)]
pub struct CalendarEntries {
    pub meetings: Vec<(Meeting, Group)>,
    pub items: Vec<(ActionItem, Group)>,
}

impl App {
    async fn zone_of_agency(
        &self,
        agency: AgencyId,
        cache: &mut HashMap<AgencyId, Zone>,
    ) -> AppResult<Zone> {
        if let Some(z) = cache.get(&agency) {
            return Ok(*z);
        }
        let zone = self
            .store
            .agency(agency)
            .await?
            .and_then(|a| a.jurisdiction.first().map(|c| Zone::for_region(c)))
            .unwrap_or(Zone::Wib);
        cache.insert(agency, zone);
        Ok(zone)
    }

    /// Sends the reminders due at `now`: "overdue" for open items due before the owing
    /// agency's date, "due soon" for those due from that date to [`DUE_SOON_DAYS`] after
    /// it. Each kind is sent once per item (the store's key decides, so runs may race);
    /// an item found overdue before its "due soon" was sent gets only "overdue".
    pub async fn run_reminders(&self, now: DateTime<Utc>) -> AppResult<RemindersSent> {
        let mut sent = RemindersSent::default();
        let mut zones = HashMap::new();
        let mut groups: HashMap<GroupId, Option<Group>> = HashMap::new();
        // Indonesia's dates are UTC's or the next day's.
        let utc_today = now.date_naive();
        let latest_today = utc_today + Days::new(1);
        for kind in [ReminderKind::Overdue, ReminderKind::DueSoon] {
            let (from, until) = match kind {
                ReminderKind::Overdue => (None, utc_today),
                ReminderKind::DueSoon => (Some(utc_today), latest_today + Days::new(DUE_SOON_DAYS)),
            };
            for item in self
                .store
                .items_to_remind(kind.as_str(), from, until)
                .await?
            {
                let zone = self.zone_of_agency(item.agency_id, &mut zones).await?;
                let today = now.with_timezone(&zone.offset()).date_naive();
                let due_now = match kind {
                    ReminderKind::Overdue => item.due < today,
                    ReminderKind::DueSoon => {
                        item.due >= today && item.due <= today + Days::new(DUE_SOON_DAYS)
                    }
                };
                if !due_now {
                    continue;
                }
                let group = match groups.entry(item.group_id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(self.store.group(item.group_id).await?)
                    }
                };
                let Some(group) = group.as_ref() else {
                    continue;
                };
                let recipients = self.reminder_recipients(&item, group, kind).await?;
                let agency = self
                    .store
                    .agency(item.agency_id)
                    .await?
                    .map(|a| a.code.to_string())
                    .unwrap_or_default();
                let notices: Vec<Notification> = recipients
                    .iter()
                    .map(|u| Notification {
                        id: NotificationId::new_at(now, Self::id_bits()),
                        user_id: *u,
                        kind: kind.notification_kind().into(),
                        record_type: Some("action_item".into()),
                        record_id: Some(item.id.to_string()),
                        detail: json!({
                            "what": item.what, "due": item.due.to_string(), "agency": agency,
                            "group": group.name, "meeting": item.meeting_id.to_string(),
                        }),
                        created_at: now,
                        read_at: None,
                    })
                    .collect();
                let mails = if self.mail_configured() {
                    self.reminder_mails(&item, group, &agency, kind, &recipients, now)
                        .await?
                } else {
                    Vec::new()
                };
                let mut entry = self.audit(
                    None,
                    AuditAction::ActionItemReminder,
                    "action_item",
                    &item.id.to_string(),
                    json!({"kind": kind.as_str(), "recipients": notices.len(), "mails": mails.len(),
                        "due": item.due.to_string()}),
                );
                entry.at = now;
                if self
                    .store
                    .record_reminder(item.id, kind.as_str(), now, &notices, &mails, &entry)
                    .await?
                {
                    sent.reminders += 1;
                    sent.notifications += notices.len();
                    sent.mails += mails.len();
                }
            }
        }
        self.run_disposition_reminders(now, &mut sent, &mut zones)
            .await?;
        let (reminders, notices, mails) = self.run_case_reminders(now).await?;
        sent.reminders += reminders;
        sent.notifications += notices;
        sent.mails += mails;
        let (reminders, notices, mails) = self.run_campaign_reminders(now).await?;
        sent.reminders += reminders;
        sent.notifications += notices;
        sent.mails += mails;
        Ok(sent)
    }

    /// Reminders of open dispositions with a due date (ADR 28), by the same rules as the
    /// groups' items in the receiving agency's date: "due soon" to the person it was
    /// passed to, "overdue" to them and to whoever made it; in the app, and by mail to
    /// those who gave an address.
    async fn run_disposition_reminders(
        &self,
        now: DateTime<Utc>,
        sent: &mut RemindersSent,
        zones: &mut HashMap<AgencyId, Zone>,
    ) -> AppResult<()> {
        let utc_today = now.date_naive();
        let latest_today = utc_today + Days::new(1);
        for kind in [ReminderKind::Overdue, ReminderKind::DueSoon] {
            let (from, until) = match kind {
                ReminderKind::Overdue => (None, utc_today),
                ReminderKind::DueSoon => (Some(utc_today), latest_today + Days::new(DUE_SOON_DAYS)),
            };
            for d in self
                .store
                .dispositions_to_remind(kind.as_str(), from, until)
                .await?
            {
                let Some(due) = d.due else { continue };
                let zone = self.zone_of_agency(d.agency_id, zones).await?;
                let today = now.with_timezone(&zone.offset()).date_naive();
                let due_now = match kind {
                    ReminderKind::Overdue => due < today,
                    ReminderKind::DueSoon => {
                        due >= today && due <= today + Days::new(DUE_SOON_DAYS)
                    }
                };
                if !due_now {
                    continue;
                }
                let Some(letter) = self.store.letter(d.letter_id).await? else {
                    continue;
                };
                let mut recipients = Vec::new();
                let mut person = String::new();
                for uid in [
                    Some(d.to_user),
                    (kind == ReminderKind::Overdue).then_some(d.created_by),
                ]
                .into_iter()
                .flatten()
                {
                    if recipients.contains(&uid) {
                        continue;
                    }
                    if let Some(u) = self.store.user(uid).await? {
                        if uid == d.to_user {
                            person = u.display_name.clone();
                        }
                        if u.active {
                            recipients.push(uid);
                        }
                    }
                }
                let notice_kind = match kind {
                    ReminderKind::DueSoon => "disposition_due_soon",
                    ReminderKind::Overdue => "disposition_overdue",
                };
                let notices: Vec<Notification> = recipients
                    .iter()
                    .map(|u| Notification {
                        id: NotificationId::new_at(now, Self::id_bits()),
                        user_id: *u,
                        kind: notice_kind.into(),
                        record_type: Some("letter".into()),
                        record_id: Some(letter.id.to_string()),
                        detail: json!({"what": d.instruction, "subject": letter.subject,
                            "due": due.to_string(), "to": person, "disposition": d.id.to_string()}),
                        created_at: now,
                        read_at: None,
                    })
                    .collect();
                let mails = if self.mail_configured() {
                    let due_text = due.format("%d-%m-%Y");
                    let subject = match kind {
                        ReminderKind::DueSoon => format!(
                            "[Sinergi] Disposisi jatuh tempo {due_text}: {}",
                            letter.subject
                        ),
                        ReminderKind::Overdue => format!(
                            "[Sinergi] Disposisi terlambat sejak {due_text}: {}",
                            letter.subject
                        ),
                    };
                    let body = format!(
                        "Disposisi atas surat \"{}\"{} kepada {person}:\n\n{}\n\nTenggat: {due_text}\n\n\
                         Lihat suratnya dan tandai selesai di Sinergi: /surat/{}\n\n\
                         Surel ini dikirim karena alamat Anda terdaftar untuk pengingat di Sinergi; \
                         hapus alamat di halaman Akun untuk berhenti menerimanya.\n",
                        letter.subject,
                        letter.number.as_deref().map(|n| format!(" ({n})")).unwrap_or_default(),
                        d.instruction,
                        letter.id,
                    );
                    self.mails_to(
                        &recipients,
                        (&subject, &body),
                        notice_kind,
                        ("disposition", d.id.to_string()),
                        now,
                    )
                    .await?
                } else {
                    Vec::new()
                };
                let mut entry = self.audit(
                    None,
                    AuditAction::DispositionReminder,
                    "disposition",
                    &d.id.to_string(),
                    json!({"kind": kind.as_str(), "recipients": notices.len(), "mails": mails.len(),
                        "due": due.to_string()}),
                );
                entry.at = now;
                if self
                    .store
                    .record_disposition_reminder(d.id, kind.as_str(), now, &notices, &mails, &entry)
                    .await?
                {
                    sent.reminders += 1;
                    sent.notifications += notices.len();
                    sent.mails += mails.len();
                }
            }
        }
        Ok(())
    }

    /// The mails of a reminder, one per recipient who gave an e-mail address, in
    /// Indonesian, with the due date as the owing agency reads it.
    async fn reminder_mails(
        &self,
        item: &ActionItem,
        g: &Group,
        agency: &str,
        kind: ReminderKind,
        recipients: &[UserId],
        now: DateTime<Utc>,
    ) -> AppResult<Vec<Mail>> {
        let due = item.due.format("%d-%m-%Y");
        let (subject, opening) = match kind {
            ReminderKind::DueSoon => (
                format!("[Sinergi] Tindak lanjut jatuh tempo {due}: {}", item.what),
                format!("Tindak lanjut {agency} dalam {} jatuh tempo pada {due}.", g.name),
            ),
            ReminderKind::Overdue => (
                format!("[Sinergi] Tindak lanjut terlambat sejak {due}: {}", item.what),
                format!(
                    "Tindak lanjut {agency} dalam {} telah melewati tenggat {due} dan belum selesai.",
                    g.name
                ),
            ),
        };
        let body = format!(
            "{opening}\n\nTindak lanjut: {}\nPenanggung jawab: {agency}{}\nTenggat: {due}\n\n\
             Lihat dan perbarui statusnya di Sinergi: /rapat/{}\n\n\
             Surel ini dikirim karena alamat Anda terdaftar untuk pengingat di Sinergi; \
             hapus alamat di halaman Akun untuk berhenti menerimanya.\n",
            item.what,
            item.person
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default(),
            item.meeting_id,
        );
        self.mails_to(
            recipients,
            (&subject, &body),
            kind.notification_kind(),
            ("action_item", item.id.to_string()),
            now,
        )
        .await
    }

    /// Who a reminder goes to: the active coordinators and administrators of the owing
    /// agency; when overdue, also the group's secretaries who have an active account.
    async fn reminder_recipients(
        &self,
        item: &ActionItem,
        g: &Group,
        kind: ReminderKind,
    ) -> AppResult<Vec<UserId>> {
        let mut out: Vec<UserId> = self
            .store
            .users(Some(item.agency_id))
            .await?
            .into_iter()
            .filter(|u| u.active && matches!(u.role, Role::Coordinator | Role::AgencyAdmin))
            .map(|u| u.id)
            .collect();
        if kind == ReminderKind::Overdue {
            for p in g.people.iter().filter(|p| p.role == GroupRole::Sekretaris) {
                let Some(uid) = p.user_id else { continue };
                if out.contains(&uid) {
                    continue;
                }
                if let Some(u) = self.store.user(uid).await? {
                    if u.active {
                        out.push(uid);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The calendar of `agency` at `now`: the meetings of the groups it is a member of
    /// from 3 months before to 12 months after, and the open items it owes.
    async fn calendar_of_agency(
        &self,
        agency: AgencyId,
        now: DateTime<Utc>,
    ) -> AppResult<CalendarEntries> {
        let from = now.checked_sub_months(Months::new(3)).unwrap_or(now);
        let until = now.checked_add_months(Months::new(12)).unwrap_or(now);
        let mut out = CalendarEntries::default();
        let groups = self.store.groups_for_agencies(&[agency]).await?;
        for g in &groups {
            for m in self.store.meetings_of_group(g.id).await? {
                if m.starts_at >= from && m.starts_at <= until {
                    out.meetings.push((m, g.clone()));
                }
            }
        }
        let by_id: HashMap<GroupId, &Group> = groups.iter().map(|g| (g.id, g)).collect();
        for item in self.store.open_items_owed_by(agency).await? {
            // Only items of groups the agency (still) sees.
            if let Some(g) = by_id.get(&item.group_id) {
                out.items.push((item, (*g).clone()));
            }
        }
        out.meetings.sort_by_key(|(m, _)| (m.starts_at, m.id));
        Ok(out)
    }

    /// The signed-in user's calendar.
    pub async fn calendar_for(&self, actor: &Actor) -> AppResult<CalendarEntries> {
        self.calendar_of_agency(actor.agency_id, self.now()).await
    }

    /// The calendar behind a private calendar address; not found for an unknown or
    /// revoked token or an inactive user.
    pub async fn calendar_by_token(&self, token: &str) -> AppResult<CalendarEntries> {
        let user = self
            .store
            .calendar_token_user(&token_hash(token))
            .await?
            .ok_or(AppError::NotFound)?;
        let user = self
            .store
            .user(user)
            .await?
            .filter(|u| u.active)
            .ok_or(AppError::NotFound)?;
        self.calendar_of_agency(user.agency_id, self.now()).await
    }

    /// Issues the actor's private calendar token (replacing any earlier one); only its
    /// SHA-256 is kept. Audited.
    pub async fn issue_calendar_token(&self, actor: &Actor) -> AppResult<String> {
        let token = random_token();
        let entry = self.audit(
            Some(actor),
            AuditAction::CalendarTokenIssue,
            "user",
            &actor.user_id.to_string(),
            json!({}),
        );
        self.store
            .set_calendar_token(actor.user_id, Some(&token_hash(&token)), self.now(), &entry)
            .await?;
        Ok(token)
    }

    /// Revokes the actor's private calendar token; false when there was none. Audited.
    pub async fn revoke_calendar_token(&self, actor: &Actor) -> AppResult<bool> {
        let entry = self.audit(
            Some(actor),
            AuditAction::CalendarTokenRevoke,
            "user",
            &actor.user_id.to_string(),
            json!({}),
        );
        Ok(self
            .store
            .set_calendar_token(actor.user_id, None, self.now(), &entry)
            .await?)
    }

    /// When the actor's private calendar token was issued, if they have one.
    pub async fn calendar_token_issued(&self, actor: &Actor) -> AppResult<Option<DateTime<Utc>>> {
        Ok(self.store.calendar_token_issued(actor.user_id).await?)
    }
}
