//! Coordination (ADR 21): working groups (Pokja, Satgas, Tim Terpadu) with their member
//! agencies and people, the groups' meetings (attendance, minutes, decisions) and the
//! action items decided at a meeting, each owed by a member agency.
//!
//! - [`body`]: the request bodies; the `…Input::from_body` and `…Patch::from_body`
//!   functions check them, naming every field at fault at once.
//!
//! Membership decides who sees a group and everything under it ([`Group::visible_to`]):
//! an agency that is not a member is answered as if the group did not exist. The open action items of a group are carried to every later meeting of the
//! group until they are closed ([`carried_into`]); nothing is copied, so an item closed
//! between two meetings shows on the first and not on the second.

pub mod body;

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Actor, ViewScope};
use crate::agency::AgencyCode;
use crate::error::{Message, ValidationErrors};
use crate::ids::{ActionItemId, AgencyId, AgreementId, GroupId, MeetingId, UserId};
use crate::input::Field;
use crate::permission::Action;
use crate::time::Zone;
use crate::user::Username;

pub use body::{
    ActionItemPatchBody, AttendeeBody, GroupPatchBody, MeetingPatchBody, NewActionItemBody,
    NewGroupBody, NewMeetingBody, PersonBody,
};

/// The longest name (of a group, a person, a position), in characters.
pub const MAX_NAME: usize = 200;
/// The longest legal basis, in characters.
pub const MAX_LEGAL_BASIS: usize = 2000;
/// The longest place, agenda point, decision or action, in characters.
pub const MAX_LINE: usize = 2000;
/// The longest minutes or evidence note, in characters.
pub const MAX_TEXT: usize = 50_000;
/// The most entries of one list (members, people, agenda, attendance, decisions).
pub const MAX_LIST: usize = 500;
/// The longest link, in characters.
pub const MAX_LINK: usize = 1000;

keyword_enum!(
    /// What kind of body the group is.
    GroupKind {
        Pokja = "pokja",
        Satgas = "satgas",
        TimTerpadu = "tim_terpadu",
    }
);

keyword_enum!(
    /// A person's office in the group.
    GroupRole {
        Ketua = "ketua",
        Wakil = "wakil",
        Sekretaris = "sekretaris",
        Anggota = "anggota",
    }
);

keyword_enum!(
    /// Where an action item stands. Any status may follow any other (an item dropped by
    /// mistake is opened again); closing (done, dropped) records when.
    ItemStatus {
        Open = "open",
        Done = "done",
        Dropped = "dropped",
    }
);

/// A person in a group, with their office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupPerson {
    pub agency_id: AgencyId,
    /// Their account, when they have one.
    pub user_id: Option<UserId>,
    pub name: String,
    pub role: GroupRole,
}

/// A working group as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub id: GroupId,
    /// The agency that formed the group (its creator's); always a member.
    pub owner_agency_id: AgencyId,
    pub name: String,
    pub kind: GroupKind,
    /// The decree or agreement that formed the group, as text.
    pub legal_basis: String,
    /// The agreement that formed it, when it is in Sinergi.
    pub agreement_id: Option<AgreementId>,
    /// The member agencies, the owner first, each once.
    pub agencies: Vec<AgencyId>,
    pub people: Vec<GroupPerson>,
    pub period_from: NaiveDate,
    pub period_until: Option<NaiveDate>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Group {
    pub fn is_member(&self, agency: AgencyId) -> bool {
        self.agencies.contains(&agency)
    }

    /// Who sees the group, its meetings and its action items as a member: the users of a
    /// member agency — not the agencies above a member. Other agencies see a group only
    /// under an agreement: the app adds, read only, the parties of the agreement in force
    /// that formed it (`App::group_for`, ADR 21).
    pub fn visible_to(&self, scope: &ViewScope) -> bool {
        self.is_member(scope.agency)
    }

    /// Who records the group's meetings and action items: a coordinator or administrator
    /// of a member agency.
    pub fn may_record(&self, actor: &Actor) -> bool {
        actor.may(Action::ManageGroups) && self.is_member(actor.agency_id)
    }

    /// Who changes the group itself: a coordinator or administrator of the owner.
    pub fn may_edit(&self, actor: &Actor) -> bool {
        actor.may(Action::ManageGroups) && actor.agency_id == self.owner_agency_id
    }
}

/// One person at a meeting (the *daftar hadir*).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub name: String,
    pub agency_id: AgencyId,
    /// Their position (*jabatan*), perhaps empty.
    pub position: String,
}

/// A meeting of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub group_id: GroupId,
    pub starts_at: DateTime<Utc>,
    /// The offset the time was given with, in seconds east of UTC.
    pub offset_s: i32,
    /// The Kemendagri code of the place, which gives the zone the time is shown in.
    pub region: Option<String>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    pub organiser_agency_id: AgencyId,
    pub invited: Vec<AgencyId>,
    pub agenda: Vec<String>,
    pub attendance: Vec<Attendee>,
    pub minutes: Option<String>,
    pub decisions: Vec<String>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Meeting {
    /// The zone the meeting's time is shown in: its place's region's, else the zone of
    /// the offset it was given with, else WIB.
    pub fn zone(&self) -> Zone {
        match &self.region {
            Some(code) => Zone::for_region(code),
            None => match self.offset_s {
                28_800 => Zone::Wita,
                32_400 => Zone::Wit,
                _ => Zone::Wib,
            },
        }
    }

    /// The meeting's date where it is held.
    pub fn local_date(&self) -> NaiveDate {
        self.starts_at
            .with_timezone(&self.zone().offset())
            .date_naive()
    }
}

/// An action item decided at a meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub group_id: GroupId,
    pub meeting_id: MeetingId,
    pub what: String,
    /// The member agency that owes it.
    pub agency_id: AgencyId,
    /// The person who owes it, by name, when one is named.
    pub person: Option<String>,
    pub due: NaiveDate,
    pub status: ItemStatus,
    pub evidence: Option<String>,
    pub links: Vec<String>,
    /// When it was last closed (done or dropped); `None` while open.
    pub closed_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl ActionItem {
    /// Open and due before `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == ItemStatus::Open && self.due < today
    }

    /// Whether the item was still open when a meeting starting at `at` began.
    pub fn open_at(&self, at: DateTime<Utc>) -> bool {
        self.closed_at.is_none_or(|c| c >= at)
    }
}

/// The items carried into a meeting starting at `at`: those of earlier meetings of the
/// group (`earlier`, each with its meeting's start) that were still open when it began.
pub fn carried_into(at: DateTime<Utc>, earlier: &[(DateTime<Utc>, ActionItem)]) -> Vec<ActionItem> {
    earlier
        .iter()
        .filter(|(start, item)| *start < at && item.open_at(at))
        .map(|(_, item)| item.clone())
        .collect()
}

// ---- checked inputs --------------------------------------------------------------------

/// A person as sent, checked; agency and user are resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonInput {
    pub agency: AgencyCode,
    pub user: Option<Username>,
    pub name: Option<String>,
    pub role: GroupRole,
}

/// A new group as sent, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    pub id: Option<GroupId>,
    pub name: String,
    pub kind: GroupKind,
    pub legal_basis: String,
    pub agreement: Option<AgreementId>,
    /// The member agencies besides the owner, each once.
    pub members: Vec<AgencyCode>,
    pub people: Vec<PersonInput>,
    pub period_from: NaiveDate,
    pub period_until: Option<NaiveDate>,
}

impl GroupInput {
    /// Checks a new group's body, naming every field at fault.
    pub fn from_body(b: &NewGroupBody) -> Result<GroupInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(GroupId);
        let name = required_text("name", &b.name, MAX_NAME, &mut errs);
        let kind = kind(&b.kind, &mut errs);
        let legal_basis = required_text("legal_basis", &b.legal_basis, MAX_LEGAL_BASIS, &mut errs);
        let agreement = uuid_field("agreement", &b.agreement, &mut errs).map(AgreementId);
        let members = match &b.members {
            Field::Absent | Field::Null => Some(Vec::new()),
            f => members(f, &mut errs),
        };
        let people = match &b.people {
            Field::Absent | Field::Null => Some(Vec::new()),
            f => people(f, &mut errs),
        };
        let period_from = required_date("period_from", &b.period_from, &mut errs);
        let period_until = optional_date("period_until", &b.period_until, &mut errs);
        if let (Some(from), Some(Some(until))) = (period_from, period_until) {
            check_period(from, until, &mut errs);
        }
        match (
            name,
            kind,
            legal_basis,
            members,
            people,
            period_from,
            period_until,
        ) {
            (
                Some(name),
                Some(kind),
                Some(legal_basis),
                Some(members),
                Some(people),
                Some(period_from),
                Some(period_until),
            ) if errs.is_empty() => Ok(GroupInput {
                id,
                name,
                kind,
                legal_basis,
                agreement,
                members,
                people,
                period_from,
                period_until,
            }),
            _ => Err(errs),
        }
    }
}

/// A change to a group; `None` leaves a field as it is. `agreement` and `period_until`
/// are `Some(None)` when sent as `null` (removed).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupPatch {
    pub name: Option<String>,
    pub kind: Option<GroupKind>,
    pub legal_basis: Option<String>,
    pub agreement: Option<Option<AgreementId>>,
    pub members: Option<Vec<AgencyCode>>,
    pub people: Option<Vec<PersonInput>>,
    pub period_from: Option<NaiveDate>,
    pub period_until: Option<Option<NaiveDate>>,
}

impl GroupPatch {
    /// Checks a change to `current`, naming every field at fault; the period as it will
    /// be must be in order.
    pub fn from_body(b: &GroupPatchBody, current: &Group) -> Result<GroupPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut p = GroupPatch::default();
        if b.name.is_sent() {
            p.name = required_text("name", &b.name, MAX_NAME, &mut errs);
        }
        if b.kind.is_sent() {
            p.kind = kind(&b.kind, &mut errs);
        }
        if b.legal_basis.is_sent() {
            p.legal_basis =
                required_text("legal_basis", &b.legal_basis, MAX_LEGAL_BASIS, &mut errs);
        }
        if b.agreement.is_sent() {
            p.agreement = Some(uuid_field("agreement", &b.agreement, &mut errs).map(AgreementId));
        }
        if b.members.is_sent() {
            p.members = members(&b.members, &mut errs);
        }
        if b.people.is_sent() {
            p.people = people(&b.people, &mut errs);
        }
        if b.period_from.is_sent() {
            p.period_from = required_date("period_from", &b.period_from, &mut errs);
        }
        if b.period_until.is_sent() {
            p.period_until = optional_date("period_until", &b.period_until, &mut errs);
        }
        if errs.is_empty() {
            let from = p.period_from.unwrap_or(current.period_from);
            if let Some(until) = p.period_until.unwrap_or(current.period_until) {
                check_period(from, until, &mut errs);
            }
        }
        errs.into_result(p)
    }

    pub fn is_empty(&self) -> bool {
        *self == GroupPatch::default()
    }
}

/// A new meeting as sent, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct MeetingInput {
    pub id: Option<MeetingId>,
    pub starts_at: DateTime<FixedOffset>,
    pub region: Option<String>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// The organising agency's code; the creator's agency when not given.
    pub organiser: Option<AgencyCode>,
    pub invited: Vec<AgencyCode>,
    pub agenda: Vec<String>,
}

impl MeetingInput {
    /// Checks a new meeting's body, naming every field at fault: a place or an online
    /// link is needed.
    pub fn from_body(b: &NewMeetingBody) -> Result<MeetingInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(MeetingId);
        let starts_at = match &b.starts_at {
            Field::Absent | Field::Null => {
                errs.push(
                    "starts_at",
                    crate::msg!(
                        "coord-starts-at-required",
                        "when the meeting starts is required"
                    ),
                );
                None
            }
            f => date_time("starts_at", f, &mut errs),
        };
        let region = optional_region(&b.region, &mut errs);
        let place = optional_text("place", &b.place, MAX_LINE, &mut errs);
        let online_link = optional_link("online_link", &b.online_link, &mut errs);
        if place.as_ref().is_some_and(Option::is_none)
            && online_link.as_ref().is_some_and(Option::is_none)
            && !errs
                .errors
                .iter()
                .any(|e| e.field == "place" || e.field == "online_link")
        {
            errs.push(
                "place",
                crate::msg!(
                    "coord-place-required",
                    "give the place of the meeting or its online link"
                ),
            );
        }
        let organiser = match &b.organiser {
            Field::Absent | Field::Null => Some(None),
            f => agency_code("organiser", f, &mut errs).map(Some),
        };
        let invited = match &b.invited {
            Field::Absent | Field::Null => Some(Vec::new()),
            f => agency_list("invited", f, &mut errs),
        };
        let agenda = match &b.agenda {
            Field::Absent | Field::Null => Some(Vec::new()),
            f => text_list("agenda", f, MAX_LINE, &mut errs),
        };
        match (
            starts_at,
            region,
            place,
            online_link,
            organiser,
            invited,
            agenda,
        ) {
            (
                Some(starts_at),
                Some(region),
                Some(place),
                Some(online_link),
                Some(organiser),
                Some(invited),
                Some(agenda),
            ) if errs.is_empty() => Ok(MeetingInput {
                id,
                starts_at,
                region,
                place,
                online_link,
                organiser,
                invited,
                agenda,
            }),
            _ => Err(errs),
        }
    }
}

/// An attendee as sent, checked; the agency is resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct AttendeeInput {
    pub name: String,
    pub agency: AgencyCode,
    pub position: String,
}

/// A change to a meeting's record; `None` leaves a field as it is; lists sent replace
/// the whole list. `minutes: Some(None)` removes the minutes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MeetingPatch {
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub region: Option<Option<String>>,
    pub place: Option<Option<String>>,
    pub online_link: Option<Option<String>>,
    pub invited: Option<Vec<AgencyCode>>,
    pub agenda: Option<Vec<String>>,
    pub attendance: Option<Vec<AttendeeInput>>,
    pub minutes: Option<Option<String>>,
    pub decisions: Option<Vec<String>>,
}

impl MeetingPatch {
    /// Checks a change to `current`, naming every field at fault: the meeting keeps a
    /// place or an online link.
    pub fn from_body(
        b: &MeetingPatchBody,
        current: &Meeting,
    ) -> Result<MeetingPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut p = MeetingPatch::default();
        if b.starts_at.is_sent() {
            p.starts_at = date_time("starts_at", &b.starts_at, &mut errs);
        }
        p.region = optional_region(&b.region, &mut errs).filter(|_| b.region.is_sent());
        p.place =
            optional_text("place", &b.place, MAX_LINE, &mut errs).filter(|_| b.place.is_sent());
        p.online_link = optional_link("online_link", &b.online_link, &mut errs)
            .filter(|_| b.online_link.is_sent());
        if b.invited.is_sent() {
            p.invited = agency_list("invited", &b.invited, &mut errs);
        }
        if b.agenda.is_sent() {
            p.agenda = text_list("agenda", &b.agenda, MAX_LINE, &mut errs);
        }
        if b.attendance.is_sent() {
            p.attendance = attendance(&b.attendance, &mut errs);
        }
        if b.minutes.is_sent() {
            p.minutes = optional_text("minutes", &b.minutes, MAX_TEXT, &mut errs);
        }
        if b.decisions.is_sent() {
            p.decisions = text_list("decisions", &b.decisions, MAX_LINE, &mut errs);
        }
        if errs.is_empty() {
            let place = p.place.clone().unwrap_or_else(|| current.place.clone());
            let link = p
                .online_link
                .clone()
                .unwrap_or_else(|| current.online_link.clone());
            if place.is_none() && link.is_none() {
                errs.push(
                    "place",
                    crate::msg!(
                        "coord-place-required",
                        "give the place of the meeting or its online link"
                    ),
                );
            }
        }
        errs.into_result(p)
    }
}

/// A new action item as sent, checked; the agency is resolved and the due date compared
/// with the meeting's by [`check_due`] once the meeting is known.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionItemInput {
    pub id: Option<ActionItemId>,
    pub what: String,
    pub agency: AgencyCode,
    pub person: Option<String>,
    pub due: NaiveDate,
    pub evidence: Option<String>,
    pub links: Vec<String>,
}

impl ActionItemInput {
    pub fn from_body(b: &NewActionItemBody) -> Result<ActionItemInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(ActionItemId);
        let what = required_text("what", &b.what, MAX_LINE, &mut errs);
        let agency = match &b.agency {
            Field::Absent | Field::Null => {
                errs.push(
                    "agency",
                    crate::msg!(
                        "coord-item-agency-required",
                        "give the code of the member agency that owes the item"
                    ),
                );
                None
            }
            f => agency_code("agency", f, &mut errs),
        };
        let person = optional_text("person", &b.person, MAX_NAME, &mut errs);
        let due = required_date("due", &b.due, &mut errs);
        let evidence = optional_text("evidence", &b.evidence, MAX_TEXT, &mut errs);
        let links = match &b.links {
            Field::Absent | Field::Null => Some(Vec::new()),
            f => links(f, &mut errs),
        };
        match (what, agency, person, due, evidence, links) {
            (Some(what), Some(agency), Some(person), Some(due), Some(evidence), Some(links))
                if errs.is_empty() =>
            {
                Ok(ActionItemInput {
                    id,
                    what,
                    agency,
                    person,
                    due,
                    evidence,
                    links,
                })
            }
            _ => Err(errs),
        }
    }
}

/// A change to an action item: its status, evidence and links.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionItemPatch {
    pub status: Option<ItemStatus>,
    pub evidence: Option<Option<String>>,
    pub links: Option<Vec<String>>,
}

impl ActionItemPatch {
    pub fn from_body(b: &ActionItemPatchBody) -> Result<ActionItemPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut p = ActionItemPatch::default();
        if b.status.is_sent() {
            p.status = b.status.given().and_then(|s| ItemStatus::parse(s));
            if p.status.is_none() {
                errs.push(
                    "status",
                    crate::msg!(
                        "coord-item-status-invalid",
                        "must be one of open, done, dropped"
                    ),
                );
            }
        }
        if b.evidence.is_sent() {
            p.evidence = optional_text("evidence", &b.evidence, MAX_TEXT, &mut errs);
        }
        if b.links.is_sent() {
            p.links = match &b.links {
                Field::Null => Some(Vec::new()),
                f => links(f, &mut errs),
            };
        }
        errs.into_result(p)
    }

    /// `item` with this change made at `now`: closing records the time, opening clears it.
    pub fn apply(&self, item: &ActionItem, now: DateTime<Utc>) -> ActionItem {
        let mut next = item.clone();
        if let Some(s) = self.status {
            if s != item.status {
                next.status = s;
                next.closed_at = (s != ItemStatus::Open).then_some(now);
            }
        }
        if let Some(e) = &self.evidence {
            next.evidence = e.clone();
        }
        if let Some(l) = &self.links {
            next.links = l.clone();
        }
        next
    }
}

/// An item's due date must not be before the meeting it was decided at.
pub fn check_due(due: NaiveDate, meeting: &Meeting) -> Result<(), Message> {
    let held = meeting.local_date();
    if due < held {
        return Err(crate::msg!(
            "coord-due-before-meeting",
            "is before the meeting of {date}",
            date = held
        ));
    }
    Ok(())
}

/// What is said of an agency that is not a member of the group.
pub fn not_a_member(agency: &str) -> Message {
    crate::msg!(
        "coord-not-member",
        "{code} is not a member agency of the group",
        code = agency
    )
}

// ---- field readers ---------------------------------------------------------------------

/// True when `s` has something a reader can see: not only spaces and invisible marks.
fn visible(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_whitespace()
            && !matches!(
                c,
                '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
            )
    })
}

/// Text of 1 to `limit` visible characters, trimmed; line breaks are allowed only in
/// long texts (minutes, evidence, legal basis).
fn text(key: &str, f: &Field<String>, limit: usize, errs: &mut ValidationErrors) -> Option<String> {
    let multiline = limit > MAX_NAME;
    match f.given().map(|s| s.trim()) {
        Some(s)
            if s.chars()
                .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t'))) =>
        {
            errs.push(
                key,
                crate::msg!(
                    "text-control-characters",
                    "must not contain control characters"
                ),
            );
            None
        }
        Some(s) if visible(s) && s.chars().count() <= limit => Some(s.to_string()),
        _ => {
            errs.push(
                key,
                crate::msg!(
                    "text-length",
                    "must be text of 1 to {max} characters",
                    max = limit
                ),
            );
            None
        }
    }
}

fn required_text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<String> {
    if f.is_unset() {
        errs.push(key, crate::msg!("fix-field-required", "is required"));
        return None;
    }
    text(key, f, limit, errs)
}

/// `Some(None)` when absent, null or empty.
fn optional_text(
    key: &str,
    f: &Field<String>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<Option<String>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        f => text(key, f, limit, errs).map(Some),
    }
}

fn optional_link(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<String>> {
    let t = optional_text(key, f, MAX_LINK, errs)?;
    match t {
        Some(l)
            if !(l.starts_with("https://") || l.starts_with("http://"))
                || l.contains(char::is_whitespace) =>
        {
            errs.push(
                key,
                crate::msg!(
                    "coord-link-invalid",
                    "must be a web address starting with https://"
                ),
            );
            None
        }
        t => Some(t),
    }
}

fn optional_region(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Option<String>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        f => match f.given().map(|s| s.trim()) {
            Some(s) if crate::region::is_region_code_shape(s) => Some(Some(s.to_string())),
            _ => {
                errs.push(
                    "region",
                    crate::msg!(
                        "region-code-invalid",
                        "must be a Kemendagri code such as 15.01 or 31.73.07.1006"
                    ),
                );
                None
            }
        },
    }
}

fn uuid_field(key: &str, f: &Field<String>, errs: &mut ValidationErrors) -> Option<uuid::Uuid> {
    match f {
        Field::Absent | Field::Null => None,
        Field::Given(s) => {
            let id = uuid::Uuid::parse_str(s.trim()).ok();
            if id.is_none() {
                errs.push(key, crate::msg!("uuid-invalid", "must be a UUID"));
            }
            id
        }
        Field::Wrong(_) => {
            errs.push(
                key,
                crate::msg!("uuid-string-invalid", "must be a UUID string"),
            );
            None
        }
    }
}

fn kind(f: &Field<String>, errs: &mut ValidationErrors) -> Option<GroupKind> {
    let k = f.given().and_then(|s| GroupKind::parse(s));
    if k.is_none() {
        errs.push(
            "kind",
            crate::msg!(
                "coord-kind-invalid",
                "must be one of pokja, satgas, tim_terpadu"
            ),
        );
    }
    k
}

fn parse_date(f: &Field<String>) -> Option<NaiveDate> {
    f.given()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

fn required_date(key: &str, f: &Field<String>, errs: &mut ValidationErrors) -> Option<NaiveDate> {
    let d = parse_date(f);
    if d.is_none() {
        errs.push(
            key,
            crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
        );
    }
    d
}

fn optional_date(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<Option<NaiveDate>> {
    match f {
        Field::Absent | Field::Null => Some(None),
        Field::Given(s) if s.trim().is_empty() => Some(None),
        f => required_date(key, f, errs).map(Some),
    }
}

fn check_period(from: NaiveDate, until: NaiveDate, errs: &mut ValidationErrors) {
    if until < from {
        errs.push(
            "period_until",
            crate::msg!("valid-until-before-start", "ends before it starts"),
        );
    }
}

fn date_time(
    key: &str,
    f: &Field<String>,
    errs: &mut ValidationErrors,
) -> Option<DateTime<FixedOffset>> {
    let t = f
        .given()
        .and_then(|s| DateTime::parse_from_rfc3339(s.trim()).ok());
    if t.is_none() {
        errs.push(
            key,
            crate::msg!(
                "date-time-invalid",
                "must be a date-time with its offset, e.g. 2025-05-27T08:30:00+07:00"
            ),
        );
    }
    t
}

fn agency_code(key: &str, f: &Field<String>, errs: &mut ValidationErrors) -> Option<AgencyCode> {
    match f {
        Field::Given(s) => AgencyCode::parse(s).map_err(|e| errs.push(key, e)).ok(),
        _ => {
            errs.push(key, crate::msg!("value-not-text", "must be text"));
            None
        }
    }
}

/// The entries of a list field, or the field's fault.
fn list<'a, T>(
    key: &str,
    f: &'a Field<Vec<Field<T>>>,
    errs: &mut ValidationErrors,
) -> Option<&'a [Field<T>]> {
    match f {
        Field::Given(list) if list.len() > MAX_LIST => {
            errs.push(
                key,
                crate::msg!(
                    "coord-list-too-long",
                    "at most {max} entries",
                    max = MAX_LIST
                ),
            );
            None
        }
        Field::Given(list) => Some(list),
        Field::Null => Some(&[]),
        _ => {
            errs.push(key, crate::msg!("value-not-list", "must be a list"));
            None
        }
    }
}

/// Agency codes, each once: a second mention is named.
fn agency_list(
    key: &str,
    f: &Field<Vec<Field<String>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<AgencyCode>> {
    let list = list(key, f, errs)?;
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    let mut seen = BTreeSet::new();
    for (i, e) in list.iter().enumerate() {
        let k = format!("{key}[{i}]");
        if let Some(code) = agency_code(&k, e, errs) {
            if !seen.insert(code.as_str().to_string()) {
                errs.push(
                    k,
                    crate::msg!(
                        "coord-agency-repeated",
                        "{code} is named twice",
                        code = code.as_str()
                    ),
                );
                continue;
            }
            out.push(code);
        }
    }
    (errs.errors.len() == before).then_some(out)
}

fn members(f: &Field<Vec<Field<String>>>, errs: &mut ValidationErrors) -> Option<Vec<AgencyCode>> {
    agency_list("members", f, errs)
}

fn text_list(
    key: &str,
    f: &Field<Vec<Field<String>>>,
    limit: usize,
    errs: &mut ValidationErrors,
) -> Option<Vec<String>> {
    let list = list(key, f, errs)?;
    let before = errs.errors.len();
    let out: Vec<String> = list
        .iter()
        .enumerate()
        .filter_map(|(i, e)| text(&format!("{key}[{i}]"), e, limit, errs))
        .collect();
    (errs.errors.len() == before).then_some(out)
}

fn links(f: &Field<Vec<Field<String>>>, errs: &mut ValidationErrors) -> Option<Vec<String>> {
    let list = list("links", f, errs)?;
    let before = errs.errors.len();
    let mut out = Vec::new();
    for (i, e) in list.iter().enumerate() {
        let k = format!("links[{i}]");
        if let Some(l) = text(&k, e, MAX_LINK, errs) {
            let ok = (l.starts_with("https://") || l.starts_with("http://") || l.starts_with('/'))
                && !l.contains(char::is_whitespace);
            if ok {
                out.push(l);
            } else {
                errs.push(
                    k,
                    crate::msg!(
                        "coord-evidence-link-invalid",
                        "must be a web address (https://…) or a Sinergi path (/…)"
                    ),
                );
            }
        }
    }
    (errs.errors.len() == before).then_some(out)
}

/// The people: each checked, one ketua at most, nobody twice (by user name, or by name
/// within an agency).
fn people(
    f: &Field<Vec<Field<PersonBody>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<PersonInput>> {
    let list = list("people", f, errs)?;
    let before = errs.errors.len();
    let mut out: Vec<(usize, PersonInput)> = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let key = format!("people[{i}]");
        let Field::Given(p) = p else {
            errs.push(key, crate::msg!("object-required", "must be a JSON object"));
            continue;
        };
        let at = errs.errors.len();
        p.unknown.report(&key, errs);
        let agency = match &p.agency {
            Field::Absent | Field::Null => {
                errs.push(
                    format!("{key}.agency"),
                    crate::msg!(
                        "coord-person-agency-required",
                        "give the code of the person's agency"
                    ),
                );
                None
            }
            f => agency_code(&format!("{key}.agency"), f, errs),
        };
        let user = match &p.user {
            Field::Absent | Field::Null => None,
            Field::Given(s) if s.trim().is_empty() => None,
            Field::Given(s) => Username::parse(s)
                .map_err(|e| errs.push(format!("{key}.user"), e))
                .ok(),
            Field::Wrong(_) => {
                errs.push(
                    format!("{key}.user"),
                    crate::msg!("value-not-text", "must be text"),
                );
                None
            }
        };
        let name = match optional_text(&format!("{key}.name"), &p.name, MAX_NAME, errs) {
            // A user name that was typed but is not one has its own error already.
            Some(None) if user.is_none() && p.user.given().is_none_or(|u| u.trim().is_empty()) => {
                errs.push(
                    format!("{key}.name"),
                    crate::msg!(
                        "coord-person-name-required",
                        "give the person's name or user name"
                    ),
                );
                None
            }
            n => n.flatten(),
        };
        let role = match &p.role {
            Field::Absent | Field::Null => Some(GroupRole::Anggota),
            f => {
                let r = f.given().and_then(|s| GroupRole::parse(s));
                if r.is_none() {
                    errs.push(
                        format!("{key}.role"),
                        crate::msg!(
                            "coord-role-invalid",
                            "must be one of ketua, wakil, sekretaris, anggota"
                        ),
                    );
                }
                r
            }
        };
        if let (Some(agency), Some(role), true) = (agency, role, errs.errors.len() == at) {
            out.push((
                i,
                PersonInput {
                    agency,
                    user,
                    name,
                    role,
                },
            ));
        }
    }
    let mut seen = BTreeSet::new();
    let mut ketua = false;
    for (i, p) in &out {
        let who = match &p.user {
            Some(u) => format!("user:{}", u.as_str()),
            None => format!(
                "name:{}:{}",
                p.agency.as_str(),
                p.name.as_deref().unwrap_or("").to_lowercase()
            ),
        };
        if !seen.insert(who) {
            let (field, named) = match &p.user {
                Some(u) => (format!("people[{i}].user"), u.as_str().to_string()),
                None => (
                    format!("people[{i}].name"),
                    p.name.clone().unwrap_or_default(),
                ),
            };
            errs.push(
                field,
                crate::msg!(
                    "coord-person-repeated",
                    "{name} is named twice",
                    name = named
                ),
            );
        }
        if p.role == GroupRole::Ketua {
            if ketua {
                errs.push(
                    format!("people[{i}].role"),
                    crate::msg!("coord-ketua-repeated", "a group has one ketua"),
                );
            }
            ketua = true;
        }
    }
    (errs.errors.len() == before).then(|| out.into_iter().map(|(_, p)| p).collect())
}

fn attendance(
    f: &Field<Vec<Field<AttendeeBody>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<AttendeeInput>> {
    let list = list("attendance", f, errs)?;
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    for (i, a) in list.iter().enumerate() {
        let key = format!("attendance[{i}]");
        let Field::Given(a) = a else {
            errs.push(key, crate::msg!("object-required", "must be a JSON object"));
            continue;
        };
        a.unknown.report(&key, errs);
        let name = required_text(&format!("{key}.name"), &a.name, MAX_NAME, errs);
        let agency = match &a.agency {
            Field::Absent | Field::Null => {
                errs.push(
                    format!("{key}.agency"),
                    crate::msg!(
                        "coord-person-agency-required",
                        "give the code of the person's agency"
                    ),
                );
                None
            }
            f => agency_code(&format!("{key}.agency"), f, errs),
        };
        let position = optional_text(&format!("{key}.position"), &a.position, MAX_NAME, errs);
        if let (Some(name), Some(agency), Some(position)) = (name, agency, position) {
            out.push(AttendeeInput {
                name,
                agency,
                position: position.unwrap_or_default(),
            });
        }
    }
    (errs.errors.len() == before).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::Body;
    use serde_json::json;

    fn fields(e: &ValidationErrors) -> Vec<&str> {
        e.errors.iter().map(|e| e.field.as_str()).collect()
    }

    fn group_body(v: serde_json::Value) -> NewGroupBody {
        NewGroupBody::read(&v).expect("object")
    }

    #[test]
    fn a_pokja_is_read() {
        let g = GroupInput::from_body(&group_body(json!({
            "name": "Pokja TNKS–Polda", "kind": "pokja",
            "legal_basis": "Nota Kesepahaman 14 Maret 2017",
            "members": ["POLDA-JAMBI", "POLDA-BENGKULU"],
            "people": [
                {"agency": "BBTNKS", "user": "kepala.tnks", "role": "ketua"},
                {"agency": "POLDA-JAMBI", "name": "Kombes Budi", "role": "wakil"},
                {"agency": "BBTNKS", "name": "Sari", "role": "sekretaris"}
            ],
            "period_from": "2017-05-29", "period_until": "2020-05-28"
        })))
        .expect("valid");
        assert_eq!(g.kind, GroupKind::Pokja);
        assert_eq!(g.members.len(), 2);
        assert_eq!(g.people[0].role, GroupRole::Ketua);
        assert_eq!(g.people[1].name.as_deref(), Some("Kombes Budi"));
        assert_eq!(g.period_until, NaiveDate::from_ymd_opt(2020, 5, 28));
    }

    #[test]
    fn every_bad_field_of_a_group_is_named_and_a_member_twice_too() {
        let e = GroupInput::from_body(&group_body(json!({
            "name": " ", "kind": "club", "legal_basis": "SK",
            "members": ["POLDA-JAMBI", "POLDA-JAMBI"],
            "people": [
                {"agency": "BBTNKS", "user": "a.user", "role": "ketua"},
                {"agency": "BBTNKS", "user": "A.USER", "role": "ketua"},
                {"agency": "BBTNKS", "role": "boss"}
            ],
            "period_from": "2017-05-29", "period_until": "2016-01-01", "colour": 1
        })))
        .expect_err("invalid");
        assert_eq!(
            fields(&e),
            [
                "colour",
                "name",
                "kind",
                "members[1]",
                "people[2].name",
                "people[2].role",
                "people[1].user",
                "people[1].role",
                "period_until"
            ]
        );
        let e = GroupInput::from_body(&group_body(json!({
            "name": "Pokja", "kind": "pokja", "legal_basis": "SK", "period_from": "2017-05-29",
            "people": [{"agency": "BBTNKS", "user": ""}, {"agency": "BBTNKS", "user": "x"}]
        })))
        .expect_err("a person without a name");
        assert_eq!(fields(&e), ["people[0].name", "people[1].user"]);
        let e = GroupInput::from_body(&group_body(json!({}))).expect_err("empty");
        assert_eq!(fields(&e), ["name", "kind", "legal_basis", "period_from"]);
    }

    fn meeting(region: Option<&str>, at: &str) -> Meeting {
        let t = DateTime::parse_from_rfc3339(at).expect("time");
        Meeting {
            id: MeetingId(uuid::Uuid::nil()),
            group_id: GroupId(uuid::Uuid::nil()),
            starts_at: t.with_timezone(&Utc),
            offset_s: t.offset().local_minus_utc(),
            region: region.map(String::from),
            place: Some("Aula".into()),
            online_link: None,
            organiser_agency_id: AgencyId(uuid::Uuid::nil()),
            invited: vec![],
            agenda: vec![],
            attendance: vec![],
            minutes: None,
            decisions: vec![],
            version: 1,
            created_by: UserId(uuid::Uuid::nil()),
            created_at: t.with_timezone(&Utc),
            updated_at: t.with_timezone(&Utc),
        }
    }

    #[test]
    fn a_meeting_is_dated_where_it_is_held() {
        // 23:30 UTC on the 26th is the 27th in Kapuas Hulu (WIB) and in Papua (WIT).
        let m = meeting(Some("61.06"), "2025-05-26T23:30:00Z");
        assert_eq!(m.zone(), Zone::Wib);
        assert_eq!(
            m.local_date(),
            NaiveDate::from_ymd_opt(2025, 5, 27).expect("d")
        );
        let m = meeting(None, "2025-05-27T08:00:00+09:00");
        assert_eq!(m.zone(), Zone::Wit);
        let due = NaiveDate::from_ymd_opt(2025, 5, 26).expect("d");
        assert!(check_due(due, &m).is_err());
        assert!(check_due(m.local_date(), &m).is_ok());
    }

    #[test]
    fn a_meeting_needs_a_place_or_a_link_and_names_bad_fields() {
        let e = MeetingInput::from_body(
            &NewMeetingBody::read(&json!({
                "starts_at": "27 Mei", "invited": ["POLDA-JAMBI", "POLDA-JAMBI"], "agenda": [""]
            }))
            .expect("object"),
        )
        .expect_err("invalid");
        assert_eq!(
            fields(&e),
            ["starts_at", "place", "invited[1]", "agenda[0]"]
        );
        let m = MeetingInput::from_body(
            &NewMeetingBody::read(&json!({
                "starts_at": "2025-05-27T09:00:00+07:00", "online_link": "https://meet.example/abc"
            }))
            .expect("object"),
        )
        .expect("valid");
        assert_eq!(m.online_link.as_deref(), Some("https://meet.example/abc"));
    }

    #[test]
    fn open_items_are_carried_until_closed() {
        let base = meeting(None, "2025-05-27T09:00:00+07:00");
        let item = |closed: Option<&str>| ActionItem {
            id: ActionItemId(uuid::Uuid::nil()),
            group_id: base.group_id,
            meeting_id: base.id,
            what: "Bentuk Satgas".into(),
            agency_id: base.organiser_agency_id,
            person: None,
            due: NaiveDate::from_ymd_opt(2025, 6, 30).expect("d"),
            status: if closed.is_some() {
                ItemStatus::Done
            } else {
                ItemStatus::Open
            },
            evidence: None,
            links: vec![],
            closed_at: closed.map(|c| {
                DateTime::parse_from_rfc3339(c)
                    .expect("t")
                    .with_timezone(&Utc)
            }),
            version: 1,
            created_by: base.created_by,
            created_at: base.starts_at,
            updated_at: base.starts_at,
        };
        let next = meeting(None, "2025-06-10T09:00:00+07:00").starts_at;
        let earlier = vec![
            (base.starts_at, item(None)),
            (base.starts_at, item(Some("2025-06-01T00:00:00Z"))),
            (base.starts_at, item(Some("2025-06-20T00:00:00Z"))),
        ];
        assert_eq!(carried_into(next, &earlier).len(), 2);
        assert_eq!(carried_into(base.starts_at, &earlier).len(), 0);
        let today = NaiveDate::from_ymd_opt(2025, 7, 1).expect("d");
        assert!(earlier[0].1.overdue(today));
        assert!(!earlier[1].1.overdue(today));
        let p = ActionItemPatch::from_body(
            &ActionItemPatchBody::read(&json!({"status": "done"})).expect("object"),
        )
        .expect("valid");
        let done = p.apply(&earlier[0].1, next);
        assert_eq!(done.closed_at, Some(next));
        let e = ActionItemPatch::from_body(
            &ActionItemPatchBody::read(&json!({"status": "finished", "links": ["ftp://x"]}))
                .expect("object"),
        )
        .expect_err("invalid");
        assert_eq!(fields(&e), ["status", "links[0]"]);
    }
}
