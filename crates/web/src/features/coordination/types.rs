//! What the coordination API answers. What it reads are the domain's request bodies
//! (`sinergi_core::coordination::body`), documented from the types the checks read.

use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// A person in a working group.
#[derive(Serialize, ToSchema)]
pub struct GroupPersonView {
    /// The person's agency code.
    pub agency: Option<String>,
    /// The person's user name, when they have an account.
    pub user: Option<String>,
    pub name: String,
    /// ketua, wakil, sekretaris or anggota.
    pub role: String,
}

/// A working group (Pokja, Satgas, Tim Terpadu).
#[derive(Serialize, ToSchema)]
pub struct GroupView {
    pub id: Uuid,
    pub name: String,
    /// pokja, satgas or tim_terpadu.
    pub kind: String,
    pub legal_basis: String,
    /// The agreement in Sinergi that formed it.
    pub agreement: Option<Uuid>,
    /// The code of the agency that formed it.
    pub owner: Option<String>,
    /// The codes of the member agencies, the owner first.
    pub members: Vec<String>,
    pub people: Vec<GroupPersonView>,
    #[schema(format = Date)]
    pub period_from: String,
    #[schema(format = Date)]
    pub period_until: Option<String>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The groups the caller's agency is a member of.
#[derive(Serialize, ToSchema)]
pub struct GroupList {
    pub groups: Vec<GroupView>,
}

/// One person at a meeting.
#[derive(Serialize, ToSchema)]
pub struct AttendeeView {
    pub name: String,
    /// The code of the agency they came for.
    pub agency: Option<String>,
    pub position: String,
}

/// An action item decided at a meeting.
#[derive(Serialize, ToSchema)]
pub struct ActionItemView {
    pub id: Uuid,
    pub group: Uuid,
    pub meeting: Uuid,
    pub what: String,
    /// The code of the member agency that owes it.
    pub agency: Option<String>,
    pub person: Option<String>,
    #[schema(format = Date)]
    pub due: String,
    /// open, done or dropped.
    pub status: String,
    pub evidence: Option<String>,
    pub links: Vec<String>,
    /// When it was closed (done or dropped).
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A meeting of a group.
#[derive(Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub group: Uuid,
    /// When it starts, in the zone of its place.
    #[schema(format = DateTime)]
    pub starts_at: String,
    /// WIB, WITA or WIT.
    pub zone: String,
    /// The Kemendagri code of the place.
    pub region: Option<String>,
    pub place: Option<String>,
    pub online_link: Option<String>,
    /// The organising agency's code.
    pub organiser: Option<String>,
    /// The invited agencies' codes.
    pub invited: Vec<String>,
    pub agenda: Vec<String>,
    pub attendance: Vec<AttendeeView>,
    pub minutes: Option<String>,
    pub decisions: Vec<String>,
    pub version: i64,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A group's meetings, the earliest first.
#[derive(Serialize, ToSchema)]
pub struct MeetingList {
    pub meetings: Vec<MeetingView>,
}

/// A meeting's action items and those carried into it: the open items of the group's
/// earlier meetings that were still open when it began.
#[derive(Serialize, ToSchema)]
pub struct ActionItemList {
    pub action_items: Vec<ActionItemView>,
    pub carried_items: Vec<ActionItemView>,
}

/// One agency's overdue items.
#[derive(Serialize, ToSchema)]
pub struct OverdueAgencyView {
    pub agency: Option<String>,
    pub items: Vec<ActionItemView>,
}

/// A group's open items due before today (in the zone of the agency that formed the
/// group), by the agency that owes them.
#[derive(Serialize, ToSchema)]
pub struct OverdueList {
    pub agencies: Vec<OverdueAgencyView>,
}
