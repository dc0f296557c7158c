//! The request bodies of coordination: groups, meetings and action items. The checks
//! in [`super`] read them, naming every field at fault at once.
//!
//! Agencies are named by their codes and people with an account by their user names, as
//! a person types them; the caller resolves both to ids after the check.

use serde::Deserialize;

use crate::input::{Body, Field, Unknown};

/// A new working group. The creator's agency forms it and is always a member.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewGroup))]
pub struct NewGroupBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub name: Field<String>,
    /// pokja, satgas or tim_terpadu.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub kind: Field<String>,
    /// The decree or agreement that formed the group, as text (1 to 2,000 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub legal_basis: Field<String>,
    /// The UUID of the agreement in Sinergi that formed the group, if any; the creator's
    /// agency must be a party to it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub agreement: Field<String>,
    /// The codes of the member agencies besides the creator's, each once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub members: Field<Vec<Field<String>>>,
    /// The people in the group and their offices; each person's agency must be a member.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<PersonBody>>))]
    pub people: Field<Vec<Field<PersonBody>>>,
    /// The first day of the period of office (YYYY-MM-DD).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub period_from: Field<String>,
    /// The last day of the period of office, when it has one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_until: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewGroupBody {}

/// One person in a group.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = GroupPersonRequest))]
pub struct PersonBody {
    /// The code of the person's agency, a member of the group.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub agency: Field<String>,
    /// The person's user name, when they have an account.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub user: Field<String>,
    /// The person's name, 1 to 200 characters; required without `user`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub name: Field<String>,
    /// ketua, wakil, sekretaris or anggota (the default); one ketua at most.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub role: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Changes to a group; absent fields stay as they are. `members` and `people`, when
/// sent, replace the whole list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = GroupPatch))]
pub struct GroupPatchBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub name: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kind: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub legal_basis: Field<String>,
    /// `null` removes the link to the agreement.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub agreement: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub members: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<PersonBody>>))]
    pub people: Field<Vec<Field<PersonBody>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_from: Field<String>,
    /// `null` leaves the period open-ended.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub period_until: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for GroupPatchBody {}

/// A new meeting of a group.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewMeeting))]
pub struct NewMeetingBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// When it starts, with its offset (e.g. 2025-05-27T09:00:00+07:00).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime, required = true))]
    pub starts_at: Field<String>,
    /// The Kemendagri code of the place; its zone (WIB, WITA, WIT) is the one the time is
    /// shown in.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub region: Field<String>,
    /// Where it is held; a place or an online link is needed.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub place: Field<String>,
    /// The web address of an online meeting (https://…).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub online_link: Field<String>,
    /// The code of the organising member agency; the creator's agency by default.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub organiser: Field<String>,
    /// The codes of the invited agencies, each once.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub invited: Field<Vec<Field<String>>>,
    /// The points of the agenda.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub agenda: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewMeetingBody {}

/// One person at a meeting.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AttendeeRequest))]
pub struct AttendeeBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub name: Field<String>,
    /// The code of the agency the person came for.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub agency: Field<String>,
    /// Their position (*jabatan*).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub position: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Changes to a meeting's record; absent fields stay as they are; lists sent replace the
/// whole list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MeetingPatch))]
pub struct MeetingPatchBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub starts_at: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub region: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub place: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub online_link: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub invited: Field<Vec<Field<String>>>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub agenda: Field<Vec<Field<String>>>,
    /// Who came, for which agency (the *daftar hadir*).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<AttendeeBody>>))]
    pub attendance: Field<Vec<Field<AttendeeBody>>>,
    /// The minutes; `null` or empty removes them.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub minutes: Field<String>,
    /// The decisions taken, one text each.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub decisions: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for MeetingPatchBody {}

/// A new action item of a meeting.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = NewActionItem))]
pub struct NewActionItemBody {
    /// A client-chosen UUID makes a retried create idempotent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub id: Field<String>,
    /// What is to be done.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub what: Field<String>,
    /// The code of the member agency that owes it.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, required = true))]
    pub agency: Field<String>,
    /// The person who owes it, by name.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub person: Field<String>,
    /// The due date (YYYY-MM-DD), not before the meeting's date.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, required = true))]
    pub due: Field<String>,
    /// A note on the evidence.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub evidence: Field<String>,
    /// Links to the evidence: web addresses or Sinergi paths (/laporan/…).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub links: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for NewActionItemBody {}

/// A change to an action item: its status and its evidence.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActionItemPatch))]
pub struct ActionItemPatchBody {
    /// open, done or dropped.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub status: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub evidence: Field<String>,
    /// The whole new list of links.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<String>>))]
    pub links: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for ActionItemPatchBody {}
