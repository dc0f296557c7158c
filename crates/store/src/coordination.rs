//! Coordination in the store (ADR 21): working groups, their meetings and action items.
//!
//! - A group is one row of `coord_groups`, its member agencies rows of
//!   `coord_group_agencies` (one per agency: the key refuses a member twice) and its
//!   people rows of `coord_group_people`, both in their order. Which groups an agency sees
//!   is decided by the caller (`Group::visible_to`); the store only narrows by member
//!   agency ([`CoordinationStore::groups_for_agencies`]).
//! - A meeting is one row of `coord_meetings` with its agenda and decisions as JSON text,
//!   its invited agencies and its attendance as child rows.
//! - An action item is one row of `coord_action_items`, keeping its group beside its
//!   meeting so that a group's overdue items and the items carried into a meeting are one
//!   indexed query each.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sinergi_core::audit::NewAudit;
use sinergi_core::coordination::{
    ActionItem, Attendee, Group, GroupKind, GroupPerson, GroupRole, ItemStatus, Meeting,
};
use sinergi_core::ids::{ActionItemId, AgencyId, AgreementId, GroupId, MeetingId, UserId};
use sqlx::{QueryBuilder, Row};

use crate::backend::{corrupt, date_ms, from_ms, map_err, ms, PgStore, SqliteStore};
use crate::notifications::Notification;
use crate::{Result, UpdateOutcome};

/// Working groups, meetings and action items.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    /// Inserts a group with its members and people and the audit entry, in one
    /// transaction. False, with nothing written, when a group with this id exists.
    async fn insert_group(&self, g: &Group, audit: &NewAudit) -> Result<bool>;
    /// Replaces a group (and its members and people) if its stored version is
    /// `expected_version`, with the audit entry, in one transaction.
    async fn update_group(
        &self,
        g: &Group,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn group(&self, id: GroupId) -> Result<Option<Group>>;
    /// The groups one of `agencies` is a member of, by name.
    async fn groups_for_agencies(&self, agencies: &[AgencyId]) -> Result<Vec<Group>>;

    /// Inserts a meeting with its invited agencies and attendance and the audit entry;
    /// false, with nothing written, when a meeting with this id exists.
    async fn insert_meeting(&self, m: &Meeting, audit: &NewAudit) -> Result<bool>;
    /// Replaces a meeting's record if its stored version is `expected_version`.
    async fn update_meeting(
        &self,
        m: &Meeting,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>>;
    /// A group's meetings, the earliest first.
    async fn meetings_of_group(&self, group: GroupId) -> Result<Vec<Meeting>>;
    /// A group's latest `limit` meetings (by start), the earliest of them first, with the
    /// number of meetings the group has in all (ADR 26).
    async fn latest_meetings(&self, group: GroupId, limit: i64) -> Result<(Vec<Meeting>, i64)>;
    /// A group's meetings without their invited agencies and attendance (left empty), the
    /// earliest first: what counting them by year and finding the next one needs.
    async fn meeting_heads(&self, group: GroupId) -> Result<Vec<Meeting>>;

    /// Inserts an action item with the audit entry; false, with nothing written, when an
    /// item with this id exists.
    async fn insert_action_item(&self, item: &ActionItem, audit: &NewAudit) -> Result<bool>;
    /// Replaces an action item if its stored version is `expected_version`.
    async fn update_action_item(
        &self,
        item: &ActionItem,
        expected_version: i64,
        audit: &NewAudit,
    ) -> Result<UpdateOutcome>;
    async fn action_item(&self, id: ActionItemId) -> Result<Option<ActionItem>>;
    /// A meeting's own action items, by due date.
    async fn action_items_of_meeting(&self, meeting: MeetingId) -> Result<Vec<ActionItem>>;
    /// The items carried into a meeting of `group` starting at `at`: those of the group's
    /// meetings that started earlier and that were still open at `at` (not closed, or
    /// closed at or after it), by due date.
    async fn carried_items(&self, group: GroupId, at: DateTime<Utc>) -> Result<Vec<ActionItem>>;
    /// A group's open items due before `today`, by agency, then due date.
    async fn overdue_items(&self, group: GroupId, today: NaiveDate) -> Result<Vec<ActionItem>>;
    /// A group's open items due before `today` counted by owing agency, with each
    /// agency's earliest due date, by agency id (ADR 26).
    async fn overdue_counts(
        &self,
        group: GroupId,
        today: NaiveDate,
    ) -> Result<Vec<(AgencyId, i64, NaiveDate)>>;
    /// The open items owed by `agency` in any group, by due date.
    async fn open_items_owed_by(&self, agency: AgencyId) -> Result<Vec<ActionItem>>;
    /// A group's action items, narrowed to a status and an owing agency when given, by
    /// due date (ADR 26).
    async fn action_items_of_group(
        &self,
        group: GroupId,
        status: Option<ItemStatus>,
        agency: Option<AgencyId>,
    ) -> Result<Vec<ActionItem>>;

    /// Open items due from `from` (when given) to `until`, both included, that have no
    /// reminder of `kind` yet, by due date (ADR 24).
    async fn items_to_remind(
        &self,
        kind: &str,
        from: Option<NaiveDate>,
        until: NaiveDate,
    ) -> Result<Vec<ActionItem>>;
    /// Records the reminder `kind` of `item` with its notifications and the audit entry,
    /// in one transaction. False, with nothing written, when that reminder was recorded
    /// before (the key `(item, kind)`), so each is sent once however runs race.
    async fn record_reminder(
        &self,
        item: ActionItemId,
        kind: &str,
        at: DateTime<Utc>,
        notices: &[Notification],
        mails: &[crate::mail::Mail],
        audit: &NewAudit,
    ) -> Result<bool>;

    /// Sets (`Some`: replaces any earlier one) or, with `None`, removes the SHA-256 of a
    /// user's private calendar token, with the audit entry. False, with nothing written,
    /// when removing and the user had none.
    async fn set_calendar_token(
        &self,
        user: UserId,
        token_hash: Option<&str>,
        at: DateTime<Utc>,
        audit: &NewAudit,
    ) -> Result<bool>;
    /// The user whose calendar token has this SHA-256.
    async fn calendar_token_user(&self, token_hash: &str) -> Result<Option<UserId>>;
    /// When the user's calendar token was issued, if they have one.
    async fn calendar_token_issued(&self, user: UserId) -> Result<Option<DateTime<Utc>>>;
}

fn date_of(v: i64) -> Result<NaiveDate> {
    Ok(from_ms(v)?.date_naive())
}

fn texts_to_json(v: &[String]) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn texts_from_json(s: &str, what: &str) -> Result<Vec<String>> {
    serde_json::from_str(s).map_err(|_| corrupt(what))
}

const GROUP_COLUMNS: &str =
    "g.id, g.owner_agency_id, g.name, g.kind, g.legal_basis, g.agreement_id, \
    g.period_from, g.period_until, g.version, g.created_by, g.created_at, g.updated_at";
const MEETING_COLUMNS: &str = "m.id, m.group_id, m.starts_at, m.offset_s, m.region, m.place, m.online_link, \
    m.organiser_agency_id, m.agenda, m.minutes, m.decisions, m.version, m.created_by, m.created_at, m.updated_at";
const ITEM_COLUMNS: &str =
    "i.id, i.group_id, i.meeting_id, i.what, i.agency_id, i.person, i.due, i.status, \
    i.evidence, i.links, i.closed_at, i.version, i.created_by, i.created_at, i.updated_at";

macro_rules! coordination_impl {
    ($Store:ident, $DB:ty, $Row:ty, $m:ident) => {
        use super::*;
        use crate::audit::$m::AuditedTx;
        use crate::backend::$m::missed_update;

        type Conn = <$DB as sqlx::Database>::Connection;

        /// Records reminder `kind` of one record (`id`, in `table`'s column `key`) once,
        /// with its notices, mails and audit entry in one transaction. False, with nothing
        /// written, when the table's key `(key, kind)` already has it, so runs that race
        /// send each reminder once. Action items and dispositions share it.
        #[allow(clippy::too_many_arguments)]
        pub(crate) async fn record_reminder_once(
            write: &sqlx::Pool<$DB>,
            (table, key): (&str, &str),
            id: uuid::Uuid,
            kind: &str,
            at: DateTime<Utc>,
            notices: &[Notification],
            mails: &[crate::mail::Mail],
            audit: &NewAudit,
        ) -> Result<bool> {
            let mut tx = AuditedTx::begin(write, Some(audit)).await?;
            let sql = format!(
                "INSERT INTO {table} ({key}, kind, sent_at, recipients) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT ({key}, kind) DO NOTHING"
            );
            let res = sqlx::query(&sql)
                .bind(id)
                .bind(kind)
                .bind(ms(at))
                .bind(i32::try_from(notices.len()).unwrap_or(i32::MAX))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
            if res.rows_affected() == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            for n in notices {
                crate::notifications::$m::insert_notification_tx(&mut tx, n).await?;
            }
            crate::mail::$m::insert_mails_tx(&mut tx, mails).await?;
            tx.commit().await?;
            Ok(true)
        }

        fn group_from_row(row: &$Row, agencies: Vec<AgencyId>, people: Vec<GroupPerson>) -> Result<Group> {
            let kind: String = row.try_get("kind")?;
            let agreement: Option<uuid::Uuid> = row.try_get("agreement_id")?;
            let until: Option<i64> = row.try_get("period_until")?;
            Ok(Group {
                id: GroupId(row.try_get("id")?),
                owner_agency_id: AgencyId(row.try_get("owner_agency_id")?),
                name: row.try_get("name")?,
                kind: GroupKind::parse(&kind).ok_or_else(|| corrupt("group kind"))?,
                legal_basis: row.try_get("legal_basis")?,
                agreement_id: agreement.map(AgreementId),
                agencies,
                people,
                period_from: date_of(row.try_get("period_from")?)?,
                period_until: until.map(date_of).transpose()?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn meeting_from_row(row: &$Row, invited: Vec<AgencyId>, attendance: Vec<Attendee>) -> Result<Meeting> {
            let agenda: String = row.try_get("agenda")?;
            let decisions: String = row.try_get("decisions")?;
            let offset: i64 = row.try_get("offset_s")?;
            Ok(Meeting {
                id: MeetingId(row.try_get("id")?),
                group_id: GroupId(row.try_get("group_id")?),
                starts_at: from_ms(row.try_get("starts_at")?)?,
                offset_s: i32::try_from(offset).map_err(|_| corrupt("meeting offset"))?,
                region: row.try_get("region")?,
                place: row.try_get("place")?,
                online_link: row.try_get("online_link")?,
                organiser_agency_id: AgencyId(row.try_get("organiser_agency_id")?),
                invited,
                agenda: texts_from_json(&agenda, "meeting agenda")?,
                attendance,
                minutes: row.try_get("minutes")?,
                decisions: texts_from_json(&decisions, "meeting decisions")?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        fn item_from_row(row: &$Row) -> Result<ActionItem> {
            let status: String = row.try_get("status")?;
            let links: String = row.try_get("links")?;
            let closed: Option<i64> = row.try_get("closed_at")?;
            Ok(ActionItem {
                id: ActionItemId(row.try_get("id")?),
                group_id: GroupId(row.try_get("group_id")?),
                meeting_id: MeetingId(row.try_get("meeting_id")?),
                what: row.try_get("what")?,
                agency_id: AgencyId(row.try_get("agency_id")?),
                person: row.try_get("person")?,
                due: date_of(row.try_get("due")?)?,
                status: ItemStatus::parse(&status).ok_or_else(|| corrupt("item status"))?,
                evidence: row.try_get("evidence")?,
                links: texts_from_json(&links, "item links")?,
                closed_at: closed.map(from_ms).transpose()?,
                version: row.try_get("version")?,
                created_by: UserId(row.try_get("created_by")?),
                created_at: from_ms(row.try_get("created_at")?)?,
                updated_at: from_ms(row.try_get("updated_at")?)?,
            })
        }

        async fn insert_group_children(conn: &mut Conn, g: &Group) -> Result<()> {
            for (i, a) in g.agencies.iter().enumerate() {
                sqlx::query("INSERT INTO coord_group_agencies (group_id, agency_id, position) VALUES ($1, $2, $3)")
                    .bind(g.id.0)
                    .bind(a.0)
                    .bind(i as i64)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
            }
            for (i, p) in g.people.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO coord_group_people (group_id, position, agency_id, user_id, name, role) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(g.id.0)
                .bind(i as i64)
                .bind(p.agency_id.0)
                .bind(p.user_id.map(|u| u.0))
                .bind(&p.name)
                .bind(p.role.as_str())
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
            }
            Ok(())
        }

        async fn insert_meeting_children(conn: &mut Conn, m: &Meeting) -> Result<()> {
            for (i, a) in m.invited.iter().enumerate() {
                sqlx::query("INSERT INTO coord_meeting_invited (meeting_id, agency_id, position) VALUES ($1, $2, $3)")
                    .bind(m.id.0)
                    .bind(a.0)
                    .bind(i as i64)
                    .execute(&mut *conn)
                    .await
                    .map_err(map_err)?;
            }
            for (i, a) in m.attendance.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO coord_attendance (meeting_id, position, name, agency_id, job_title) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(m.id.0)
                .bind(i as i64)
                .bind(&a.name)
                .bind(a.agency_id.0)
                .bind(&a.position)
                .execute(&mut *conn)
                .await
                .map_err(map_err)?;
            }
            Ok(())
        }

        impl $Store {
            /// The groups `one` names, or those one of `agencies` is a member of, with
            /// their members and people.
            async fn groups_where(&self, agencies: &[AgencyId], one: Option<GroupId>) -> Result<Vec<Group>> {
                let push_filter = |qb: &mut QueryBuilder<'_, $DB>| {
                    if let Some(id) = one {
                        qb.push(" g.id = ").push_bind(id.0);
                        return;
                    }
                    qb.push(" g.id IN (SELECT a.group_id FROM coord_group_agencies a WHERE a.agency_id IN (");
                    let mut sep = qb.separated(", ");
                    for a in agencies {
                        sep.push_bind(a.0);
                    }
                    qb.push("))");
                };
                if one.is_none() && agencies.is_empty() {
                    return Ok(Vec::new());
                }
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {GROUP_COLUMNS} FROM coord_groups g WHERE"));
                push_filter(&mut qb);
                qb.push(" ORDER BY g.name, g.id");
                let rows = qb.build().fetch_all(&self.read).await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut members: HashMap<uuid::Uuid, Vec<AgencyId>> = HashMap::new();
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT group_id, agency_id FROM coord_group_agencies WHERE group_id IN (SELECT g.id FROM coord_groups g WHERE",
                );
                push_filter(&mut qb);
                qb.push(") ORDER BY group_id, position");
                for row in qb.build().fetch_all(&self.read).await? {
                    let g: uuid::Uuid = row.try_get("group_id")?;
                    members.entry(g).or_default().push(AgencyId(row.try_get("agency_id")?));
                }
                let mut people: HashMap<uuid::Uuid, Vec<GroupPerson>> = HashMap::new();
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT group_id, agency_id, user_id, name, role FROM coord_group_people \
                     WHERE group_id IN (SELECT g.id FROM coord_groups g WHERE",
                );
                push_filter(&mut qb);
                qb.push(") ORDER BY group_id, position");
                for row in qb.build().fetch_all(&self.read).await? {
                    let g: uuid::Uuid = row.try_get("group_id")?;
                    let role: String = row.try_get("role")?;
                    let user: Option<uuid::Uuid> = row.try_get("user_id")?;
                    people.entry(g).or_default().push(GroupPerson {
                        agency_id: AgencyId(row.try_get("agency_id")?),
                        user_id: user.map(UserId),
                        name: row.try_get("name")?,
                        role: GroupRole::parse(&role).ok_or_else(|| corrupt("group role"))?,
                    });
                }
                rows.iter()
                    .map(|row| {
                        let id: uuid::Uuid = row.try_get("id")?;
                        group_from_row(
                            row,
                            members.remove(&id).unwrap_or_default(),
                            people.remove(&id).unwrap_or_default(),
                        )
                    })
                    .collect()
            }

            /// The meetings `one` names, or those of `group`, with their invited agencies
            /// and attendance, the earliest first.
            async fn meetings_where(&self, group: Option<GroupId>, one: Option<MeetingId>) -> Result<Vec<Meeting>> {
                self.meetings_limited(group, one, None).await
            }

            /// As `meetings_where`; with `latest`, only the group's latest that many.
            async fn meetings_limited(&self, group: Option<GroupId>, one: Option<MeetingId>, latest: Option<i64>) -> Result<Vec<Meeting>> {
                let push_filter = |qb: &mut QueryBuilder<'_, $DB>| {
                    match (one, group, latest) {
                        (Some(id), _, _) => qb.push(" m.id = ").push_bind(id.0),
                        (None, Some(g), Some(n)) => qb
                            .push(" m.id IN (SELECT l.id FROM coord_meetings l WHERE l.group_id = ")
                            .push_bind(g.0)
                            .push(" ORDER BY l.starts_at DESC, l.id DESC LIMIT ")
                            .push_bind(n)
                            .push(")"),
                        (None, Some(g), None) => qb.push(" m.group_id = ").push_bind(g.0),
                        (None, None, _) => qb.push(" 1 = 0"),
                    };
                };
                let mut qb = QueryBuilder::<$DB>::new(format!("SELECT {MEETING_COLUMNS} FROM coord_meetings m WHERE"));
                push_filter(&mut qb);
                qb.push(" ORDER BY m.starts_at, m.id");
                let rows = qb.build().fetch_all(&self.read).await?;
                if rows.is_empty() {
                    return Ok(Vec::new());
                }
                let mut invited: HashMap<uuid::Uuid, Vec<AgencyId>> = HashMap::new();
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT meeting_id, agency_id FROM coord_meeting_invited WHERE meeting_id IN (SELECT m.id FROM coord_meetings m WHERE",
                );
                push_filter(&mut qb);
                qb.push(") ORDER BY meeting_id, position");
                for row in qb.build().fetch_all(&self.read).await? {
                    let m: uuid::Uuid = row.try_get("meeting_id")?;
                    invited.entry(m).or_default().push(AgencyId(row.try_get("agency_id")?));
                }
                let mut attendance: HashMap<uuid::Uuid, Vec<Attendee>> = HashMap::new();
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT meeting_id, name, agency_id, job_title FROM coord_attendance \
                     WHERE meeting_id IN (SELECT m.id FROM coord_meetings m WHERE",
                );
                push_filter(&mut qb);
                qb.push(") ORDER BY meeting_id, position");
                for row in qb.build().fetch_all(&self.read).await? {
                    let m: uuid::Uuid = row.try_get("meeting_id")?;
                    attendance.entry(m).or_default().push(Attendee {
                        name: row.try_get("name")?,
                        agency_id: AgencyId(row.try_get("agency_id")?),
                        position: row.try_get("job_title")?,
                    });
                }
                rows.iter()
                    .map(|row| {
                        let id: uuid::Uuid = row.try_get("id")?;
                        meeting_from_row(
                            row,
                            invited.remove(&id).unwrap_or_default(),
                            attendance.remove(&id).unwrap_or_default(),
                        )
                    })
                    .collect()
            }

            async fn items_query(&self, sql: String, binds: &[i64], uuid: uuid::Uuid) -> Result<Vec<ActionItem>> {
                let mut q = sqlx::query(&sql).bind(uuid);
                for b in binds {
                    q = q.bind(*b);
                }
                q.fetch_all(&self.read).await?.iter().map(item_from_row).collect()
            }
        }

        #[async_trait]
        impl CoordinationStore for $Store {
            async fn insert_group(&self, g: &Group, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO coord_groups (id, owner_agency_id, name, kind, legal_basis, agreement_id, period_from, \
                     period_until, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING",
                )
                .bind(g.id.0)
                .bind(g.owner_agency_id.0)
                .bind(&g.name)
                .bind(g.kind.as_str())
                .bind(&g.legal_basis)
                .bind(g.agreement_id.map(|a| a.0))
                .bind(date_ms(g.period_from))
                .bind(g.period_until.map(date_ms))
                .bind(g.version)
                .bind(g.created_by.0)
                .bind(ms(g.created_at))
                .bind(ms(g.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_group_children(&mut tx, g).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn update_group(&self, g: &Group, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE coord_groups SET name = $1, kind = $2, legal_basis = $3, agreement_id = $4, period_from = $5, \
                     period_until = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10",
                )
                .bind(&g.name)
                .bind(g.kind.as_str())
                .bind(&g.legal_basis)
                .bind(g.agreement_id.map(|a| a.0))
                .bind(date_ms(g.period_from))
                .bind(g.period_until.map(date_ms))
                .bind(g.version)
                .bind(ms(g.updated_at))
                .bind(g.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "coord_groups", g.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                for table in ["coord_group_agencies", "coord_group_people"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE group_id = $1"))
                        .bind(g.id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_group_children(&mut tx, g).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn group(&self, id: GroupId) -> Result<Option<Group>> {
                Ok(self.groups_where(&[], Some(id)).await?.pop())
            }

            async fn groups_for_agencies(&self, agencies: &[AgencyId]) -> Result<Vec<Group>> {
                self.groups_where(agencies, None).await
            }

            async fn insert_meeting(&self, m: &Meeting, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO coord_meetings (id, group_id, starts_at, offset_s, region, place, online_link, \
                     organiser_agency_id, agenda, minutes, decisions, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING",
                )
                .bind(m.id.0)
                .bind(m.group_id.0)
                .bind(ms(m.starts_at))
                .bind(i64::from(m.offset_s))
                .bind(&m.region)
                .bind(&m.place)
                .bind(&m.online_link)
                .bind(m.organiser_agency_id.0)
                .bind(texts_to_json(&m.agenda))
                .bind(&m.minutes)
                .bind(texts_to_json(&m.decisions))
                .bind(m.version)
                .bind(m.created_by.0)
                .bind(ms(m.created_at))
                .bind(ms(m.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                insert_meeting_children(&mut tx, m).await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn update_meeting(&self, m: &Meeting, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE coord_meetings SET starts_at = $1, offset_s = $2, region = $3, place = $4, online_link = $5, \
                     agenda = $6, minutes = $7, decisions = $8, version = $9, updated_at = $10 WHERE id = $11 AND version = $12",
                )
                .bind(ms(m.starts_at))
                .bind(i64::from(m.offset_s))
                .bind(&m.region)
                .bind(&m.place)
                .bind(&m.online_link)
                .bind(texts_to_json(&m.agenda))
                .bind(&m.minutes)
                .bind(texts_to_json(&m.decisions))
                .bind(m.version)
                .bind(ms(m.updated_at))
                .bind(m.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "coord_meetings", m.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                for table in ["coord_meeting_invited", "coord_attendance"] {
                    sqlx::query(&format!("DELETE FROM {table} WHERE meeting_id = $1"))
                        .bind(m.id.0)
                        .execute(&mut *tx)
                        .await?;
                }
                insert_meeting_children(&mut tx, m).await?;
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn meeting(&self, id: MeetingId) -> Result<Option<Meeting>> {
                Ok(self.meetings_where(None, Some(id)).await?.pop())
            }

            async fn meetings_of_group(&self, group: GroupId) -> Result<Vec<Meeting>> {
                self.meetings_where(Some(group), None).await
            }

            async fn latest_meetings(&self, group: GroupId, limit: i64) -> Result<(Vec<Meeting>, i64)> {
                let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM coord_meetings WHERE group_id = $1")
                    .bind(group.0)
                    .fetch_one(&self.read)
                    .await?;
                let list = self.meetings_limited(Some(group), None, Some(limit.max(0))).await?;
                Ok((list, total))
            }

            async fn meeting_heads(&self, group: GroupId) -> Result<Vec<Meeting>> {
                let q = format!("SELECT {MEETING_COLUMNS} FROM coord_meetings m WHERE m.group_id = $1 ORDER BY m.starts_at, m.id");
                let rows = sqlx::query(&q).bind(group.0).fetch_all(&self.read).await?;
                rows.iter().map(|r| meeting_from_row(r, Vec::new(), Vec::new())).collect()
            }

            async fn insert_action_item(&self, item: &ActionItem, audit: &NewAudit) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "INSERT INTO coord_action_items (id, group_id, meeting_id, what, agency_id, person, due, status, \
                     evidence, links, closed_at, version, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (id) DO NOTHING",
                )
                .bind(item.id.0)
                .bind(item.group_id.0)
                .bind(item.meeting_id.0)
                .bind(&item.what)
                .bind(item.agency_id.0)
                .bind(&item.person)
                .bind(date_ms(item.due))
                .bind(item.status.as_str())
                .bind(&item.evidence)
                .bind(texts_to_json(&item.links))
                .bind(item.closed_at.map(ms))
                .bind(item.version)
                .bind(item.created_by.0)
                .bind(ms(item.created_at))
                .bind(ms(item.updated_at))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn update_action_item(&self, item: &ActionItem, expected_version: i64, audit: &NewAudit) -> Result<UpdateOutcome> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query(
                    "UPDATE coord_action_items SET status = $1, evidence = $2, links = $3, closed_at = $4, version = $5, \
                     updated_at = $6 WHERE id = $7 AND version = $8",
                )
                .bind(item.status.as_str())
                .bind(&item.evidence)
                .bind(texts_to_json(&item.links))
                .bind(item.closed_at.map(ms))
                .bind(item.version)
                .bind(ms(item.updated_at))
                .bind(item.id.0)
                .bind(expected_version)
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if res.rows_affected() == 0 {
                    let outcome = missed_update(&mut tx, "coord_action_items", item.id.0).await?;
                    tx.rollback().await?;
                    return Ok(outcome);
                }
                tx.commit().await?;
                Ok(UpdateOutcome::Updated)
            }

            async fn action_item(&self, id: ActionItemId) -> Result<Option<ActionItem>> {
                Ok(self
                    .items_query(format!("SELECT {ITEM_COLUMNS} FROM coord_action_items i WHERE i.id = $1"), &[], id.0)
                    .await?
                    .pop())
            }

            async fn action_items_of_meeting(&self, meeting: MeetingId) -> Result<Vec<ActionItem>> {
                self.items_query(
                    format!("SELECT {ITEM_COLUMNS} FROM coord_action_items i WHERE i.meeting_id = $1 ORDER BY i.due, i.id"),
                    &[],
                    meeting.0,
                )
                .await
            }

            async fn carried_items(&self, group: GroupId, at: DateTime<Utc>) -> Result<Vec<ActionItem>> {
                self.items_query(
                    format!(
                        "SELECT {ITEM_COLUMNS} FROM coord_action_items i JOIN coord_meetings m ON m.id = i.meeting_id \
                         WHERE i.group_id = $1 AND m.starts_at < $2 AND (i.closed_at IS NULL OR i.closed_at >= $3) \
                         ORDER BY i.due, i.id"
                    ),
                    &[ms(at), ms(at)],
                    group.0,
                )
                .await
            }

            async fn overdue_items(&self, group: GroupId, today: NaiveDate) -> Result<Vec<ActionItem>> {
                self.items_query(
                    format!(
                        "SELECT {ITEM_COLUMNS} FROM coord_action_items i \
                         WHERE i.group_id = $1 AND i.status = 'open' AND i.due < $2 ORDER BY i.agency_id, i.due, i.id"
                    ),
                    &[date_ms(today)],
                    group.0,
                )
                .await
            }

            async fn open_items_owed_by(&self, agency: AgencyId) -> Result<Vec<ActionItem>> {
                self.items_query(
                    format!(
                        "SELECT {ITEM_COLUMNS} FROM coord_action_items i \
                         WHERE i.agency_id = $1 AND i.status = 'open' ORDER BY i.due, i.id"
                    ),
                    &[],
                    agency.0,
                )
                .await
            }

            async fn overdue_counts(&self, group: GroupId, today: NaiveDate) -> Result<Vec<(AgencyId, i64, NaiveDate)>> {
                let rows: Vec<(uuid::Uuid, i64, i64)> = sqlx::query_as(
                    "SELECT agency_id, COUNT(*), MIN(due) FROM coord_action_items \
                     WHERE group_id = $1 AND status = 'open' AND due < $2 GROUP BY agency_id ORDER BY agency_id",
                )
                .bind(group.0)
                .bind(date_ms(today))
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|(a, n, due)| Ok((AgencyId(a), n, date_of(due)?)))
                    .collect()
            }

            async fn action_items_of_group(
                &self,
                group: GroupId,
                status: Option<ItemStatus>,
                agency: Option<AgencyId>,
            ) -> Result<Vec<ActionItem>> {
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {ITEM_COLUMNS} FROM coord_action_items i WHERE i.group_id = "
                ));
                qb.push_bind(group.0);
                if let Some(s) = status {
                    qb.push(" AND i.status = ").push_bind(s.as_str());
                }
                if let Some(a) = agency {
                    qb.push(" AND i.agency_id = ").push_bind(a.0);
                }
                qb.push(" ORDER BY i.due, i.id");
                qb.build().fetch_all(&self.read).await?.iter().map(item_from_row).collect()
            }

            async fn items_to_remind(&self, kind: &str, from: Option<NaiveDate>, until: NaiveDate) -> Result<Vec<ActionItem>> {
                let sql = format!(
                    "SELECT {ITEM_COLUMNS} FROM coord_action_items i \
                     WHERE i.status = 'open' AND i.due >= $1 AND i.due <= $2 \
                     AND NOT EXISTS (SELECT 1 FROM coord_reminders r WHERE r.action_item_id = i.id AND r.kind = $3) \
                     ORDER BY i.due, i.id"
                );
                sqlx::query(&sql)
                    .bind(from.map_or(i64::MIN, date_ms))
                    .bind(date_ms(until))
                    .bind(kind)
                    .fetch_all(&self.read)
                    .await?
                    .iter()
                    .map(item_from_row)
                    .collect()
            }

            async fn record_reminder(
                &self,
                item: ActionItemId,
                kind: &str,
                at: DateTime<Utc>,
                notices: &[Notification],
                mails: &[crate::mail::Mail],
                audit: &NewAudit,
            ) -> Result<bool> {
                record_reminder_once(&self.write, ("coord_reminders", "action_item_id"), item.0, kind, at, notices, mails, audit).await
            }

            async fn set_calendar_token(
                &self,
                user: UserId,
                token_hash: Option<&str>,
                at: DateTime<Utc>,
                audit: &NewAudit,
            ) -> Result<bool> {
                let mut tx = AuditedTx::begin(&self.write, Some(audit)).await?;
                let res = sqlx::query("DELETE FROM calendar_tokens WHERE user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                match token_hash {
                    Some(hash) => {
                        sqlx::query("INSERT INTO calendar_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)")
                            .bind(user.0)
                            .bind(hash)
                            .bind(ms(at))
                            .execute(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    }
                    None if res.rows_affected() == 0 => {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    None => {}
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn calendar_token_user(&self, token_hash: &str) -> Result<Option<UserId>> {
                let row = sqlx::query("SELECT user_id FROM calendar_tokens WHERE token_hash = $1")
                    .bind(token_hash)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(|r| Ok(UserId(r.try_get("user_id")?))).transpose()
            }

            async fn calendar_token_issued(&self, user: UserId) -> Result<Option<DateTime<Utc>>> {
                let row = sqlx::query("SELECT created_at FROM calendar_tokens WHERE user_id = $1")
                    .bind(user.0)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(|r| from_ms(r.try_get("created_at")?)).transpose()
            }
        }
    };
}

pub(crate) mod sqlite {
    coordination_impl!(
        SqliteStore,
        sqlx::sqlite::Sqlite,
        sqlx::sqlite::SqliteRow,
        sqlite
    );
}

pub(crate) mod pg {
    coordination_impl!(PgStore, sqlx::postgres::Postgres, sqlx::postgres::PgRow, pg);
}
