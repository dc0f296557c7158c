//! Joint patrols (patroli bersama): a patrol with its mandate, transport, leader and
//! members from several agencies, its planned area and dates, its status, and its legs,
//! each with the track recorded on a phone or imported from a handheld GPS (ADR 16).
//!
//! - [`body`]: the request bodies; [`PatrolInput::from_body`] and
//!   [`PatrolPatch::from_body`] check them, naming every field at fault at once.
//! - [`track`]: track points, the cleaning every track goes through, the track hash that
//!   finds a duplicate upload.
//! - [`gpx`]: reading and writing GPX.
//! - [`effort`]: distance, hours, patrol-days, person-days, covered grid cells and the
//!   rates of findings, computed from the tracks.
//! - [`observation`]: points marked in the field waiting to be confirmed as reports, and
//!   findings (reports linked to a patrol).
//! - [`shared`]: patrols exchanged under agreements (the form a partner receives).
//! - [`summary`]: effort and findings over many patrols, grouped by patrol, agency, area,
//!   leader or month, from the legs' stored figures.
//!
//! A joint patrol is one record, owned by the organising agency; every member agency
//! sees it as its owner does ([`Patrol::visible_to`]). The patrol's `area` is the
//! Kemendagri code of the region patrolled: it is checked like every region code and
//! gives the zone in which the patrol's days are counted. (A drawn area would be a fence
//! of the early-warning domain; patrols do not depend on it.)

pub mod body;
pub mod effort;
pub mod gpx;
pub mod observation;
pub mod shared;
pub mod summary;
pub mod track;

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::access::{ReportAccess, ViewScope};
use crate::agency::AgencyCode;
use crate::error::{Message, ValidationErrors};
use crate::ids::{AgencyId, LegId, PatrolId, UserId};
use crate::input::{short_text, Body, Field};
use crate::sensitivity::Sensitivity;
use crate::time::Zone;
use crate::user::Username;

pub use body::{MemberBody, NewPatrolBody, PatrolPatchBody};
use effort::Effort;
use track::Track;

/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest member name, in characters.
pub const MAX_NAME: usize = 200;
/// The most members one patrol may have.
pub const MAX_MEMBERS: usize = 100;
/// The longest a patrol may be planned for, in days from its first to its last.
pub const MAX_DAYS: i64 = 366;

macro_rules! keyword_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|x| x.as_str() == s)
            }
        }
    };
}

keyword_enum!(
    /// What the patrol is for.
    Mandate {
        ForestSecurity = "forest_security",
        FirePrevention = "fire_prevention",
        WildlifeProtection = "wildlife_protection",
        JointOperation = "joint_operation",
    }
);

keyword_enum!(
    /// How the patrol moves.
    Transport {
        Foot = "foot",
        Vehicle = "vehicle",
        Boat = "boat",
        Motorbike = "motorbike",
    }
);

keyword_enum!(
    /// Where the patrol stands: planned → under way → done, or planned → done for a
    /// patrol recorded after it happened. Done is final.
    PatrolStatus {
        Planned = "planned",
        UnderWay = "under_way",
        Done = "done",
    }
);

keyword_enum!(
    /// A member's part in the patrol.
    MemberRole {
        Leader = "leader",
        Member = "member",
    }
);

keyword_enum!(
    /// Where a leg's track came from.
    TrackSource {
        Phone = "phone",
        Gpx = "gpx",
    }
);

impl PatrolStatus {
    /// Whether a patrol may go from `self` to `to`; staying is no change and allowed.
    pub fn check_transition(self, to: PatrolStatus) -> Result<(), Message> {
        use PatrolStatus::*;
        match (self, to) {
            (Planned, _) | (UnderWay, UnderWay | Done) | (Done, Done) => Ok(()),
            (UnderWay, Planned) => Err(crate::msg!(
                "patrol-status-backwards",
                "the patrol is under way; it cannot be planned again"
            )),
            (Done, _) => Err(crate::msg!(
                "patrol-status-final",
                "the patrol is done; its status cannot change"
            )),
        }
    }
}

/// One person on a patrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub agency_id: AgencyId,
    /// The person's account, when they have one (the leader does).
    pub user_id: Option<UserId>,
    pub name: String,
    pub role: MemberRole,
}

/// A patrol as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patrol {
    pub id: PatrolId,
    /// The organising agency.
    pub owner_agency_id: AgencyId,
    pub title: String,
    pub mandate: Mandate,
    pub transport: Transport,
    /// The member whose role is leader.
    pub leader: UserId,
    pub members: Vec<Member>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    /// The Kemendagri code of the region patrolled.
    pub area: Option<String>,
    pub status: PatrolStatus,
    pub sensitivity: Sensitivity,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Patrol {
    /// The owner and every member agency.
    pub fn agencies(&self) -> BTreeSet<AgencyId> {
        std::iter::once(self.owner_agency_id)
            .chain(self.members.iter().map(|m| m.agency_id))
            .collect()
    }

    /// Who sees the patrol: the one visibility rule ([`ViewScope::admits`]) applied as if
    /// each member agency owned it as the organising agency does, and every member with an
    /// account.
    pub fn visible_to(&self, scope: &ViewScope) -> bool {
        self.members.iter().any(|m| m.user_id == Some(scope.user))
            || self.agencies().into_iter().any(|agency| {
                scope.admits(&ReportAccess {
                    owner_agency: agency,
                    author: self.created_by,
                    sensitivity: self.sensitivity,
                })
            })
    }

    /// The zone the patrol's days are counted in: its area's, else that of `fallback`
    /// (the organising agency's jurisdiction), else WIB.
    pub fn zone(&self, fallback: Option<&str>) -> Zone {
        self.area
            .as_deref()
            .or(fallback)
            .map_or(Zone::Wib, Zone::for_region)
    }

    /// The patrol's effort from its legs, its days counted in `zone`.
    pub fn effort(&self, legs: &[Leg], zone: Zone) -> Effort {
        Effort::of_patrol(legs.iter().map(|l| &l.track), zone, self.members.len())
    }
}

/// One leg of a patrol: a day's (or a stretch's) track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leg {
    pub id: LegId,
    pub patrol_id: PatrolId,
    /// The local date, in the patrol's zone, of the track's first point: legs are known
    /// by their day whatever order they were uploaded in.
    pub date: NaiveDate,
    pub track: Track,
    pub source: TrackSource,
    /// [`track::track_sha256`] of the track: a second upload of it is a duplicate.
    pub track_sha256: String,
    pub created_at: DateTime<Utc>,
}

impl Leg {
    /// A leg of a cleaned track; its date and hash are computed.
    pub fn new(
        id: LegId,
        patrol_id: PatrolId,
        track: Track,
        source: TrackSource,
        zone: Zone,
        created_at: DateTime<Utc>,
    ) -> Leg {
        let first = track.start().unwrap_or(created_at);
        Leg {
            id,
            patrol_id,
            date: first.with_timezone(&zone.offset()).date_naive(),
            track_sha256: track::track_sha256(&track),
            track,
            source,
            created_at,
        }
    }

    /// The day of the patrol the leg is on, counting the planned first day as day 1
    /// (0 or less before it).
    pub fn day_number(&self, planned_start: NaiveDate) -> i64 {
        (self.date - planned_start).num_days() + 1
    }
}

/// The leg already holding a track of this hash, if any.
pub fn duplicate_of<'a>(legs: &'a [Leg], track_sha256: &str) -> Option<&'a Leg> {
    legs.iter().find(|l| l.track_sha256 == track_sha256)
}

/// What is said when a track is sent again.
pub fn duplicate_message(existing: &Leg) -> Message {
    crate::msg!(
        "patrol-track-duplicate",
        "this track was already sent, as the leg of {date}; it is not counted twice",
        date = existing.date
    )
}

/// A member as sent, checked; agency and user are resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberInput {
    pub agency: AgencyCode,
    pub user: Option<Username>,
    pub name: Option<String>,
    pub role: MemberRole,
}

/// A new patrol as sent, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PatrolInput {
    pub id: Option<PatrolId>,
    pub title: String,
    pub mandate: Mandate,
    pub transport: Transport,
    /// Exactly one has the role leader, and a user name.
    pub members: Vec<MemberInput>,
    pub planned_start: NaiveDate,
    pub planned_end: NaiveDate,
    pub area: Option<String>,
    pub sensitivity: Sensitivity,
    pub status: PatrolStatus,
}

impl PatrolInput {
    /// Reads and checks the JSON body of a new patrol.
    pub fn from_json(v: &Value) -> Result<PatrolInput, ValidationErrors> {
        Self::from_body(&NewPatrolBody::read(v)?)
    }

    /// Checks a new patrol's body, naming every field at fault.
    pub fn from_body(body: &NewPatrolBody) -> Result<PatrolInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let id = match &body.id {
            Field::Absent | Field::Null => None,
            Field::Given(s) => {
                let id = PatrolId::parse(s);
                if id.is_none() {
                    errs.push("id", crate::msg!("uuid-invalid", "must be a UUID"));
                }
                id
            }
            Field::Wrong(_) => {
                errs.push(
                    "id",
                    crate::msg!("uuid-string-invalid", "must be a UUID string"),
                );
                None
            }
        };
        let title = match &body.title {
            Field::Absent => {
                errs.push(
                    "title",
                    crate::msg!("title-required", "a title is required"),
                );
                None
            }
            f => title(f, &mut errs),
        };
        let mandate = mandate(&body.mandate, &mut errs);
        let transport = transport(&body.transport, &mut errs);
        let members = members(&body.members, &mut errs);
        let planned_start = date("planned_start", &body.planned_start, &mut errs);
        let planned_end = date("planned_end", &body.planned_end, &mut errs);
        if let (Some(a), Some(b)) = (planned_start, planned_end) {
            check_dates(a, b, &mut errs);
        }
        let area = area(&body.area, &mut errs);
        let sensitivity = sensitivity(&body.sensitivity, &mut errs);
        let status = match &body.status {
            Field::Absent | Field::Null => Some(PatrolStatus::Planned),
            f => status(f, &mut errs),
        };
        match (
            title,
            mandate,
            transport,
            members,
            planned_start,
            planned_end,
            status,
        ) {
            (
                Some(title),
                Some(mandate),
                Some(transport),
                Some(members),
                Some(planned_start),
                Some(planned_end),
                Some(status),
            ) if errs.is_empty() => Ok(PatrolInput {
                id,
                title,
                mandate,
                transport,
                members,
                planned_start,
                planned_end,
                area: area.flatten(),
                sensitivity: sensitivity.unwrap_or(Sensitivity::Internal),
                status,
            }),
            _ => Err(errs),
        }
    }

    /// The leader's user name.
    pub fn leader(&self) -> Option<&Username> {
        leader_of(&self.members)
    }
}

fn leader_of(members: &[MemberInput]) -> Option<&Username> {
    members
        .iter()
        .find(|m| m.role == MemberRole::Leader)
        .and_then(|m| m.user.as_ref())
}

/// A change to a patrol; `None` leaves a field as it is. `area: Some(None)` removes the
/// area.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PatrolPatch {
    pub title: Option<String>,
    pub mandate: Option<Mandate>,
    pub transport: Option<Transport>,
    pub members: Option<Vec<MemberInput>>,
    pub planned_start: Option<NaiveDate>,
    pub planned_end: Option<NaiveDate>,
    pub area: Option<Option<String>>,
    pub sensitivity: Option<Sensitivity>,
    pub status: Option<PatrolStatus>,
}

impl PatrolPatch {
    /// Reads and checks the JSON body of a change to `current`.
    pub fn from_json(v: &Value, current: &Patrol) -> Result<PatrolPatch, ValidationErrors> {
        Self::from_body(&PatrolPatchBody::read(v)?, current)
    }

    /// Checks a change to `current`, naming every field at fault: the dates as they will
    /// be must be in order, the status may only move forward.
    pub fn from_body(
        body: &PatrolPatchBody,
        current: &Patrol,
    ) -> Result<PatrolPatch, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        body.unknown.report("", &mut errs);
        let mut p = PatrolPatch::default();
        if body.title.is_sent() {
            p.title = title(&body.title, &mut errs);
        }
        if body.mandate.is_sent() {
            p.mandate = mandate(&body.mandate, &mut errs);
        }
        if body.transport.is_sent() {
            p.transport = transport(&body.transport, &mut errs);
        }
        if body.members.is_sent() {
            p.members = members(&body.members, &mut errs);
        }
        if body.planned_start.is_sent() {
            p.planned_start = date("planned_start", &body.planned_start, &mut errs);
        }
        if body.planned_end.is_sent() {
            p.planned_end = date("planned_end", &body.planned_end, &mut errs);
        }
        let dates_ok = body.planned_start.is_sent() == p.planned_start.is_some()
            && body.planned_end.is_sent() == p.planned_end.is_some();
        if dates_ok && (p.planned_start.is_some() || p.planned_end.is_some()) {
            check_dates(
                p.planned_start.unwrap_or(current.planned_start),
                p.planned_end.unwrap_or(current.planned_end),
                &mut errs,
            );
        }
        p.area = area(&body.area, &mut errs);
        if body.sensitivity.is_sent() {
            p.sensitivity = sensitivity(&body.sensitivity, &mut errs);
        }
        if body.status.is_sent() {
            p.status = status(&body.status, &mut errs);
            if let Some(to) = p.status {
                if let Err(m) = current.status.check_transition(to) {
                    errs.push("status", m);
                }
            }
        }
        errs.into_result(p)
    }

    pub fn is_empty(&self) -> bool {
        *self == PatrolPatch::default()
    }

    /// The new leader's user name, when the members change.
    pub fn leader(&self) -> Option<&Username> {
        self.members.as_deref().and_then(leader_of)
    }
}

fn title(f: &Field<String>, errs: &mut ValidationErrors) -> Option<String> {
    short_text("title", f, MAX_TITLE, errs)
}

fn mandate(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Mandate> {
    let m = f.given().and_then(|s| Mandate::parse(s));
    if m.is_none() {
        errs.push(
            "mandate",
            crate::msg!(
                "patrol-mandate-invalid",
                "must be one of forest_security, fire_prevention, wildlife_protection, joint_operation"
            ),
        );
    }
    m
}

fn transport(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Transport> {
    let t = f.given().and_then(|s| Transport::parse(s));
    if t.is_none() {
        errs.push(
            "transport",
            crate::msg!(
                "patrol-transport-invalid",
                "must be one of foot, vehicle, boat, motorbike"
            ),
        );
    }
    t
}

fn status(f: &Field<String>, errs: &mut ValidationErrors) -> Option<PatrolStatus> {
    let s = f.given().and_then(|s| PatrolStatus::parse(s));
    if s.is_none() {
        errs.push(
            "status",
            crate::msg!(
                "patrol-status-invalid",
                "must be one of planned, under_way, done"
            ),
        );
    }
    s
}

fn sensitivity(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Sensitivity> {
    match f {
        Field::Absent | Field::Null => None,
        f => {
            let s = f.given().and_then(|s| Sensitivity::parse(s));
            if s.is_none() {
                errs.push(
                    "sensitivity",
                    crate::msg!(
                        "sensitivity-invalid",
                        "must be one of public, internal, restricted, secret"
                    ),
                );
            }
            s
        }
    }
}

/// The area: `None` when not sent, `Some(None)` when sent as `null`.
fn area(f: &Field<String>, errs: &mut ValidationErrors) -> Option<Option<String>> {
    match f {
        Field::Absent => None,
        Field::Null => Some(None),
        f => match f.given().map(|s| s.trim()) {
            Some(s) if crate::region::is_region_code_shape(s) => Some(Some(s.to_string())),
            _ => {
                errs.push(
                    "area",
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

fn date(key: &str, f: &Field<String>, errs: &mut ValidationErrors) -> Option<NaiveDate> {
    let d = f
        .given()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok());
    if d.is_none() {
        errs.push(
            key,
            crate::msg!("date-invalid", "must be a date YYYY-MM-DD"),
        );
    }
    d
}

fn check_dates(start: NaiveDate, end: NaiveDate, errs: &mut ValidationErrors) {
    if end < start {
        errs.push(
            "planned_end",
            crate::msg!("valid-until-before-start", "ends before it starts"),
        );
    } else if (end - start).num_days() + 1 > MAX_DAYS {
        errs.push(
            "planned_end",
            crate::msg!(
                "patrol-too-long",
                "a patrol lasts at most {days} days",
                days = MAX_DAYS
            ),
        );
    }
}

/// The members: each checked, exactly one leader with an account, nobody twice.
fn members(
    f: &Field<Vec<Field<MemberBody>>>,
    errs: &mut ValidationErrors,
) -> Option<Vec<MemberInput>> {
    let list = match f {
        Field::Given(list) if !list.is_empty() => list,
        Field::Wrong(_) => {
            errs.push("members", crate::msg!("value-not-list", "must be a list"));
            return None;
        }
        _ => {
            errs.push(
                "members",
                crate::msg!(
                    "patrol-members-required",
                    "a patrol needs at least one member, its leader"
                ),
            );
            return None;
        }
    };
    if list.len() > MAX_MEMBERS {
        errs.push(
            "members",
            crate::msg!(
                "patrol-members-too-many",
                "a patrol has at most {max} members",
                max = MAX_MEMBERS
            ),
        );
        return None;
    }
    let before = errs.errors.len();
    let mut out = Vec::with_capacity(list.len());
    for (i, m) in list.iter().enumerate() {
        let key = format!("members[{i}]");
        if let Some(m) = member(m, &key, errs) {
            out.push((i, m));
        }
    }
    let leaders: Vec<usize> = out
        .iter()
        .filter(|(_, m)| m.role == MemberRole::Leader)
        .map(|(i, _)| *i)
        .collect();
    let all_read = out.len() == list.len();
    if leaders.is_empty() && all_read {
        errs.push(
            "members",
            crate::msg!(
                "patrol-leader-required",
                "one member must have the role leader"
            ),
        );
    }
    for i in leaders.iter().skip(1) {
        errs.push(
            format!("members[{i}].role"),
            crate::msg!("patrol-leader-repeated", "a patrol has one leader"),
        );
    }
    for (i, m) in &out {
        if m.role == MemberRole::Leader && m.user.is_none() {
            errs.push(
                format!("members[{i}].user"),
                crate::msg!(
                    "patrol-leader-account",
                    "the leader needs a user name: the leader answers for the patrol in Sinergi"
                ),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for (i, m) in &out {
        if let Some(u) = &m.user {
            if !seen.insert(u.as_str()) {
                errs.push(
                    format!("members[{i}].user"),
                    crate::msg!(
                        "patrol-member-repeated",
                        "{user} is named twice",
                        user = u.as_str()
                    ),
                );
            }
        }
    }
    (errs.errors.len() == before).then(|| out.into_iter().map(|(_, m)| m).collect())
}

fn member(f: &Field<MemberBody>, key: &str, errs: &mut ValidationErrors) -> Option<MemberInput> {
    let Field::Given(m) = f else {
        errs.push(
            key,
            crate::msg!("patrol-member-not-object", "a member is an object"),
        );
        return None;
    };
    let before = errs.errors.len();
    m.unknown.report(key, errs);
    let agency = match &m.agency {
        Field::Absent | Field::Null => {
            errs.push(
                format!("{key}.agency"),
                crate::msg!(
                    "patrol-member-agency-required",
                    "give the code of the member's agency"
                ),
            );
            None
        }
        Field::Given(s) => AgencyCode::parse(s)
            .map_err(|e| errs.push(format!("{key}.agency"), e))
            .ok(),
        Field::Wrong(_) => {
            errs.push(
                format!("{key}.agency"),
                crate::msg!("value-not-text", "must be text"),
            );
            None
        }
    };
    let user = match &m.user {
        Field::Absent | Field::Null => None,
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
    let name = match &m.name {
        Field::Absent | Field::Null if m.user.is_sent() => None,
        Field::Absent | Field::Null => {
            errs.push(
                format!("{key}.name"),
                crate::msg!(
                    "patrol-member-name-required",
                    "give the member's name or user name"
                ),
            );
            None
        }
        f => short_text(&format!("{key}.name"), f, MAX_NAME, errs),
    };
    let role = match &m.role {
        Field::Absent | Field::Null => Some(MemberRole::Member),
        f => {
            let r = f.given().and_then(|s| MemberRole::parse(s));
            if r.is_none() {
                errs.push(
                    format!("{key}.role"),
                    crate::msg!("patrol-member-role-invalid", "must be leader or member"),
                );
            }
            r
        }
    };
    match (agency, role) {
        (Some(agency), Some(role)) if errs.errors.len() == before => Some(MemberInput {
            agency,
            user,
            name,
            role,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Actor;
    use crate::user::Role;
    use serde_json::json;
    use uuid::Uuid;

    fn fields(e: &ValidationErrors) -> Vec<(&str, &str)> {
        e.errors
            .iter()
            .map(|e| (e.field.as_str(), e.message.as_str()))
            .collect()
    }

    fn good() -> Value {
        json!({
            "title": "Patroli gabungan Bukit Tiga Puluh",
            "mandate": "joint_operation",
            "transport": "foot",
            "members": [
                {"agency": "BTNBT", "user": "Ranger.Andi", "role": "leader"},
                {"agency": "POLRES-TEBO", "user": "bripka.sari"},
                {"agency": "POLRES-TEBO", "name": "Budi (tanpa akun)"}
            ],
            "planned_start": "2025-05-27",
            "planned_end": "2025-05-30",
            "area": "15.08"
        })
    }

    #[test]
    fn a_joint_patrol_is_read() {
        let p = PatrolInput::from_json(&good()).expect("valid");
        assert_eq!(p.mandate, Mandate::JointOperation);
        assert_eq!(p.transport, Transport::Foot);
        assert_eq!(p.status, PatrolStatus::Planned);
        assert_eq!(p.sensitivity, Sensitivity::Internal);
        assert_eq!(p.area.as_deref(), Some("15.08"));
        assert_eq!(p.leader().map(Username::as_str), Some("ranger.andi"));
        assert_eq!(p.members.len(), 3);
        assert_eq!(p.members[1].role, MemberRole::Member);
        assert_eq!(p.members[2].name.as_deref(), Some("Budi (tanpa akun)"));
        assert_eq!(p.members[2].agency.as_str(), "POLRES-TEBO");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let e = PatrolInput::from_json(&json!({
            "id": "nope",
            "title": " ",
            "mandate": "hunting",
            "transport": 3,
            "members": [
                {"agency": "btnbt", "role": "boss", "colour": "red"},
                {"user": "x"},
                5
            ],
            "planned_start": "27/05/2025",
            "planned_end": "2025-05-30",
            "area": "Jambi",
            "sensitivity": "top",
            "status": "lost",
            "extra": 1
        }))
        .expect_err("invalid");
        assert_eq!(
            fields(&e),
            [
                ("extra", "unknown field"),
                ("id", "must be a UUID"),
                ("title", "must be text of 1 to 200 characters"),
                (
                    "mandate",
                    "must be one of forest_security, fire_prevention, wildlife_protection, joint_operation"
                ),
                ("transport", "must be one of foot, vehicle, boat, motorbike"),
                ("members[0].colour", "unknown field"),
                (
                    "members[0].agency",
                    "agency code may contain only upper-case letters, digits, '-', '_' and '.'"
                ),
                ("members[0].name", "give the member's name or user name"),
                ("members[0].role", "must be leader or member"),
                ("members[1].agency", "give the code of the member's agency"),
                ("members[1].user", "username must be 3 to 64 characters"),
                ("members[2]", "a member is an object"),
                ("planned_start", "must be a date YYYY-MM-DD"),
                (
                    "area",
                    "must be a Kemendagri code such as 15.01 or 31.73.07.1006"
                ),
                (
                    "sensitivity",
                    "must be one of public, internal, restricted, secret"
                ),
                ("status", "must be one of planned, under_way, done"),
            ]
        );
        let e = PatrolInput::from_json(&json!({})).expect_err("empty");
        assert_eq!(
            fields(&e).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            [
                "title",
                "mandate",
                "transport",
                "members",
                "planned_start",
                "planned_end"
            ]
        );
        assert!(PatrolInput::from_json(&json!([1])).is_err());
    }

    #[test]
    fn the_leader_is_one_member_with_an_account() {
        let with = |members: Value| {
            let mut v = good();
            v["members"] = members;
            PatrolInput::from_json(&v)
        };
        let e = with(json!([{"agency": "BTNBT", "user": "ranger.andi"}])).expect_err("none");
        assert_eq!(
            fields(&e),
            [("members", "one member must have the role leader")]
        );
        let e = with(json!([
            {"agency": "BTNBT", "user": "ranger.andi", "role": "leader"},
            {"agency": "BTNBT", "name": "Andi", "role": "leader"},
            {"agency": "POLRES-TEBO", "user": "RANGER.ANDI"}
        ]))
        .expect_err("two");
        assert_eq!(
            fields(&e),
            [
                ("members[1].role", "a patrol has one leader"),
                (
                    "members[1].user",
                    "the leader needs a user name: the leader answers for the patrol in Sinergi"
                ),
                ("members[2].user", "ranger.andi is named twice"),
            ]
        );
        let e = with(json!([])).expect_err("empty");
        assert_eq!(
            fields(&e),
            [("members", "a patrol needs at least one member, its leader")]
        );
        let many: Vec<Value> = (0..=MAX_MEMBERS)
            .map(|i| json!({"agency": "BTNBT", "name": format!("M{i}")}))
            .collect();
        let e = with(json!(many)).expect_err("many");
        assert_eq!(
            fields(&e),
            [("members", "a patrol has at most 100 members")]
        );
    }

    #[test]
    fn planned_dates_are_in_order_and_bounded() {
        let mut v = good();
        v["planned_end"] = json!("2025-05-26");
        let e = PatrolInput::from_json(&v).expect_err("backwards");
        assert_eq!(fields(&e), [("planned_end", "ends before it starts")]);
        v["planned_end"] = json!("2026-05-28");
        let e = PatrolInput::from_json(&v).expect_err("too long");
        assert_eq!(
            fields(&e),
            [("planned_end", "a patrol lasts at most 366 days")]
        );
        v["planned_end"] = json!("2026-05-27");
        assert!(PatrolInput::from_json(&v).is_ok());
    }

    fn ids() -> (AgencyId, AgencyId, AgencyId, UserId, UserId) {
        let a = |n: u128| Uuid::from_u128(n);
        (
            AgencyId(a(1)),
            AgencyId(a(2)),
            AgencyId(a(3)),
            UserId(a(10)),
            UserId(a(11)),
        )
    }

    fn patrol() -> Patrol {
        let (park, police, _, leader, officer) = ids();
        let at = DateTime::from_timestamp(1_748_300_000, 0).expect("t");
        Patrol {
            id: PatrolId(Uuid::from_u128(100)),
            owner_agency_id: park,
            title: "Patroli".into(),
            mandate: Mandate::JointOperation,
            transport: Transport::Foot,
            leader,
            members: vec![
                Member {
                    agency_id: park,
                    user_id: Some(leader),
                    name: "Andi".into(),
                    role: MemberRole::Leader,
                },
                Member {
                    agency_id: police,
                    user_id: Some(officer),
                    name: "Sari".into(),
                    role: MemberRole::Member,
                },
            ],
            planned_start: NaiveDate::from_ymd_opt(2025, 5, 27).expect("d"),
            planned_end: NaiveDate::from_ymd_opt(2025, 5, 30).expect("d"),
            area: Some("15.08".into()),
            status: PatrolStatus::Planned,
            sensitivity: Sensitivity::Restricted,
            version: 1,
            created_by: leader,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_status_moves_forward_only() {
        use PatrolStatus::*;
        for (from, to, ok) in [
            (Planned, UnderWay, true),
            (Planned, Done, true),
            (UnderWay, Done, true),
            (UnderWay, UnderWay, true),
            (UnderWay, Planned, false),
            (Done, UnderWay, false),
            (Done, Planned, false),
            (Done, Done, true),
        ] {
            assert_eq!(from.check_transition(to).is_ok(), ok, "{from:?} → {to:?}");
        }
        assert_eq!(
            Done.check_transition(Planned).expect_err("final").code(),
            Some("patrol-status-final")
        );
        let mut p = patrol();
        p.status = Done;
        let e = PatrolPatch::from_json(&json!({"status": "planned"}), &p).expect_err("final");
        assert_eq!(
            fields(&e),
            [("status", "the patrol is done; its status cannot change")]
        );
        p.status = UnderWay;
        let e = PatrolPatch::from_json(&json!({"status": "planned"}), &p).expect_err("back");
        assert_eq!(
            fields(&e),
            [(
                "status",
                "the patrol is under way; it cannot be planned again"
            )]
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_sends() {
        let p = patrol();
        let patch = PatrolPatch::from_json(
            &json!({"status": "under_way", "title": "Baru", "area": null}),
            &p,
        )
        .expect("valid");
        assert_eq!(
            patch,
            PatrolPatch {
                title: Some("Baru".into()),
                area: Some(None),
                status: Some(PatrolStatus::UnderWay),
                ..PatrolPatch::default()
            }
        );
        assert!(PatrolPatch::from_json(&json!({}), &p)
            .expect("empty")
            .is_empty());
        // The dates as they would be: a new end before the current start.
        let e = PatrolPatch::from_json(&json!({"planned_end": "2025-05-01", "x": 1}), &p)
            .expect_err("dates");
        assert_eq!(
            fields(&e),
            [
                ("x", "unknown field"),
                ("planned_end", "ends before it starts")
            ]
        );
        let patch = PatrolPatch::from_json(
            &json!({"members": [{"agency": "BTNBT", "user": "ranger.budi", "role": "leader"}]}),
            &p,
        )
        .expect("members");
        assert_eq!(patch.leader().map(Username::as_str), Some("ranger.budi"));
        let e = PatrolPatch::from_json(&json!({"members": null, "mandate": null}), &p)
            .expect_err("null");
        assert_eq!(
            fields(&e).into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["mandate", "members"]
        );
    }

    fn actor(agency: AgencyId, user: UserId, role: Role) -> Actor {
        Actor {
            user_id: user,
            username: "x".into(),
            agency_id: agency,
            role,
            agency_descendants: Vec::new(),
        }
    }

    #[test]
    fn a_joint_patrol_is_seen_by_every_member_agency() {
        let (park, police, other, _, _) = ids();
        let stranger = UserId(Uuid::from_u128(99));
        let p = patrol();
        assert_eq!(p.agencies(), BTreeSet::from([park, police]));
        let sees =
            |agency, role| p.visible_to(&ViewScope::for_actor(&actor(agency, stranger, role)));
        // Restricted: the organising agency and the member agency, no one else.
        assert!(sees(park, Role::FieldOfficer));
        assert!(sees(police, Role::Analyst));
        assert!(!sees(other, Role::AgencyAdmin));
        // Secret: a member with an account still sees the patrol they are on.
        let mut secret = p.clone();
        secret.sensitivity = Sensitivity::Secret;
        let (_, police, _, _, officer) = ids();
        assert!(secret.visible_to(&ViewScope::for_actor(&actor(
            police,
            officer,
            Role::FieldOfficer
        ))));
        assert!(!secret.visible_to(&ViewScope::for_actor(&actor(
            police,
            stranger,
            Role::FieldOfficer
        ))));
    }

    #[test]
    fn legs_are_dated_in_the_patrol_zone_and_duplicates_found() {
        use track::TrackPoint;
        let p = patrol();
        assert_eq!(p.zone(None), Zone::Wib);
        let mut papua = p.clone();
        papua.area = None;
        assert_eq!(papua.zone(Some("94.01")), Zone::Wit);
        assert_eq!(papua.zone(None), Zone::Wib);
        // 2025-05-27 23:30 UTC: the 28th in WIB.
        let t0 = DateTime::from_timestamp(1_748_388_600, 0).expect("t");
        let track = Track {
            segments: vec![vec![
                TrackPoint {
                    lon: 103.6,
                    lat: -1.6,
                    ele: None,
                    time: t0,
                },
                TrackPoint {
                    lon: 103.61,
                    lat: -1.6,
                    ele: None,
                    time: t0 + chrono::Duration::minutes(20),
                },
            ]],
        };
        let leg = Leg::new(
            LegId(Uuid::from_u128(7)),
            p.id,
            track.clone(),
            TrackSource::Gpx,
            p.zone(None),
            t0,
        );
        assert_eq!(leg.date, NaiveDate::from_ymd_opt(2025, 5, 28).expect("d"));
        assert_eq!(leg.day_number(p.planned_start), 2);
        let legs = vec![leg];
        let again = track::track_sha256(&track);
        let dup = duplicate_of(&legs, &again).expect("duplicate");
        assert_eq!(
            duplicate_message(dup),
            "this track was already sent, as the leg of 2025-05-28; it is not counted twice"
        );
        assert!(duplicate_of(&legs, "0").is_none());
        let e = p.effort(&legs, p.zone(None));
        assert_eq!((e.patrol_days, e.person_days), (1, 2));
        assert!((e.distance_km - 1.113).abs() < 0.01, "{}", e.distance_km);
    }

    #[test]
    fn keywords_read_back() {
        for m in Mandate::ALL {
            assert_eq!(Mandate::parse(m.as_str()), Some(*m));
            assert_eq!(serde_json::to_value(m).expect("json"), json!(m.as_str()));
        }
        for t in Transport::ALL {
            assert_eq!(Transport::parse(t.as_str()), Some(*t));
        }
        for s in PatrolStatus::ALL {
            assert_eq!(serde_json::to_value(s).expect("json"), json!(s.as_str()));
        }
        assert_eq!(TrackSource::parse("gpx"), Some(TrackSource::Gpx));
        assert_eq!(MemberRole::parse("boss"), None);
    }
}

#[cfg(all(test, feature = "openapi"))]
mod schema_tests {
    use super::*;
    use utoipa::{PartialSchema, ToSchema};

    #[test]
    fn the_bodies_are_documented_from_their_types() {
        let s = serde_json::to_value(NewPatrolBody::schema()).expect("a schema");
        assert_eq!(
            s["required"],
            serde_json::json!([
                "title",
                "mandate",
                "transport",
                "members",
                "planned_start",
                "planned_end"
            ]),
            "{s}"
        );
        assert_eq!(
            s["properties"]["members"]["items"]["$ref"], "#/components/schemas/PatrolMemberRequest",
            "{s}"
        );
        assert_eq!(s["properties"]["planned_start"]["format"], "date", "{s}");
        assert!(s["properties"].get("unknown").is_none(), "{s}");
        let mut named = Vec::new();
        NewPatrolBody::schemas(&mut named);
        assert_eq!(named.len(), 1);
        let m = serde_json::to_value(&named[0].1).expect("a schema");
        assert_eq!(named[0].0, "PatrolMemberRequest");
        assert_eq!(m["required"], serde_json::json!(["agency"]), "{m}");
        let p = serde_json::to_value(PatrolPatchBody::schema()).expect("a schema");
        assert!(p.get("required").is_none(), "{p}");
        assert_eq!(p["properties"]["status"]["type"][0], "string", "{p}");
    }
}
