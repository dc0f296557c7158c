//! Area profiles (ADR 25): a kelurahan or desa, by its Kemendagri code, with its needs
//! assessment, its place on a roadmap (a plan of kind roadmap and the stage reached), its
//! monitoring posts (*posko*) and their periodic reports, and the history of every edit.
//!
//! - [`body`]: the request bodies; [`AreaInput::from_body`], [`PostInput::from_body`] and
//!   [`PostReportInput::from_body`] check them, naming every field at fault at once.
//!
//! Who sees a profile is [`AreaProfile::visible_to`]: the owner agency, the agencies above
//! it, the member agencies of the working group whose plan is the profile's roadmap, and
//! the agencies responsible for its posts.
//! Who writes it is [`AreaProfile::may_write`]. A post is overdue when no report came
//! within its cadence ([`AreaPost::overdue`]).

pub mod body;

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::agency::AgencyCode;
use crate::coordination::Group;
use crate::error::{Message, ValidationErrors};
use crate::ids::{AgencyId, AreaPostId, PlanId, PlanNodeId, PostReportId, UserId};
use crate::input::Field;
use crate::permission::Action;
use crate::plan::{
    agency_code, count, optional_date, optional_text, required_date, required_text, uuid_field,
};

pub use body::{AreaBody, AssessmentBody, NeedsBody, NewPostBody, NewPostReportBody};

/// The longest note of one aspect of the needs assessment, or a summary, in characters.
pub const MAX_NOTE: usize = 5000;
/// The longest name of a post, in characters.
pub const MAX_NAME: usize = 200;
/// The longest cadence of a post, in days.
pub const MAX_CADENCE: u32 = 366;

keyword_enum!(
    /// Where the area stands: drug-prone (*rawan narkoba*), recovering, or a Kelurahan
    /// (Desa) Bersinar — free of drugs.
    Condition {
        DrugProne = "drug_prone",
        Recovering = "recovering",
        Bersinar = "bersinar",
    }
);

keyword_enum!(
    /// The aspects of the needs assessment (the seed's *identifikasi kebutuhan*), in the
    /// order the pages show them.
    Aspect {
        NaturalResources = "natural_resources",
        HumanResources = "human_resources",
        Institutions = "institutions",
        Infrastructure = "infrastructure",
        Entrepreneurship = "entrepreneurship",
        CsrGrants = "csr_grants",
        CapitalMarkets = "capital_markets",
    }
);

keyword_enum!(
    /// How far an aspect meets the area's needs.
    Rating {
        Lacking = "lacking",
        Developing = "developing",
        Adequate = "adequate",
    }
);

/// One aspect of the needs assessment: a short text and a rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
}

/// An area profile as stored (and, whole, as each version of its history).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaProfile {
    /// The village's Kemendagri code, `PP.KK.CC.DDDD`.
    pub code: String,
    /// The agency that created the profile.
    pub owner_agency_id: AgencyId,
    pub condition: Condition,
    pub summary: Option<String>,
    /// The assessed aspects; an aspect not assessed is absent.
    pub needs: BTreeMap<Aspect, Assessment>,
    /// A plan of kind roadmap.
    pub roadmap_id: Option<PlanId>,
    /// A node of kind stage of the roadmap: the stage the area has reached.
    pub stage_id: Option<PlanNodeId>,
    /// The day the area reached its stage.
    pub stage_since: Option<NaiveDate>,
    pub version: i64,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_by: UserId,
    pub updated_at: DateTime<Utc>,
}

impl AreaProfile {
    /// Who sees the profile, its history and its posts: the users of the owner agency, of
    /// the agencies above it (as for `internal` reports), of the member agencies of the
    /// roadmap's working group (`roadmap_group`, when the profile has a roadmap), and of
    /// the agencies responsible for one of its posts (`post_agencies`), which file the
    /// posts' reports.
    pub fn visible_to(
        &self,
        actor: &Actor,
        roadmap_group: Option<&Group>,
        post_agencies: &[AgencyId],
    ) -> bool {
        actor.agency_id == self.owner_agency_id
            || actor.agency_descendants.contains(&self.owner_agency_id)
            || roadmap_group.is_some_and(|g| g.is_member(actor.agency_id))
            || post_agencies.contains(&actor.agency_id)
    }

    /// Who edits the profile and adds posts: a coordinator or administrator of the owner
    /// agency or of a member agency of the roadmap's group.
    pub fn may_write(&self, actor: &Actor, roadmap_group: Option<&Group>) -> bool {
        actor.may(Action::ManageGroups)
            && (actor.agency_id == self.owner_agency_id
                || roadmap_group.is_some_and(|g| g.is_member(actor.agency_id)))
    }
}

/// One version of a profile: the profile as it was after an edit.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaVersion {
    pub profile: AreaProfile,
    pub changed_by: UserId,
    pub changed_at: DateTime<Utc>,
}

/// A monitoring post (*posko*) of an area.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaPost {
    pub id: AreaPostId,
    pub area_code: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// The agency that staffs the post and files its reports.
    pub responsible_agency_id: AgencyId,
    /// A report is due every this many days.
    pub cadence_days: u32,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

impl AreaPost {
    /// Who files the post's reports: whoever writes the profile, and the users of the
    /// post's responsible agency who record reports.
    pub fn may_report(&self, actor: &Actor, profile_writer: bool) -> bool {
        profile_writer
            || (actor.agency_id == self.responsible_agency_id && actor.may(Action::WriteReports))
    }

    /// The day the next report is due: the cadence after the last report, else after the
    /// day the post was set up (`since`).
    pub fn due(&self, last_report: Option<NaiveDate>, since: NaiveDate) -> NaiveDate {
        let from = last_report.unwrap_or(since);
        from + chrono::Duration::days(i64::from(self.cadence_days))
    }

    /// No report came within the cadence: the due day is before `today`.
    pub fn overdue(
        &self,
        last_report: Option<NaiveDate>,
        since: NaiveDate,
        today: NaiveDate,
    ) -> bool {
        self.due(last_report, since) < today
    }
}

/// What a post counted in a reporting period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCounts {
    /// Drug-abuse incidents seen or reported.
    pub incidents: u32,
    /// Residents reached by outreach.
    pub outreach: u32,
    /// People referred to rehabilitation.
    pub referrals: u32,
}

/// A periodic report of a post.
#[derive(Debug, Clone, PartialEq)]
pub struct PostReport {
    pub id: PostReportId,
    pub post_id: AreaPostId,
    pub reported_on: NaiveDate,
    pub summary: String,
    pub counts: PostCounts,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

/// Whether `code` has the form of a village's code, `PP.KK.CC.DDDD` (digits).
pub fn is_village_code(code: &str) -> bool {
    let parts: Vec<&str> = code.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .zip([2, 2, 2, 4])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
}

/// What is said of a code that is not a village's in the Kemendagri table.
pub fn not_a_village() -> Message {
    crate::msg!(
        "area-code-not-village",
        "must be the Kemendagri code of a kelurahan or desa (PP.KK.CC.DDDD)"
    )
}

/// What is said of a code that has the form of a village's but is not in the table.
pub fn unknown_village(village: &str) -> Message {
    crate::msg!(
        "area-code-unknown",
        "{code} is not a kelurahan or desa in the Kemendagri table",
        code = village
    )
}

/// The field of one aspect in a needs body.
fn needs_field(n: &NeedsBody, aspect: Aspect) -> &Field<AssessmentBody> {
    match aspect {
        Aspect::NaturalResources => &n.natural_resources,
        Aspect::HumanResources => &n.human_resources,
        Aspect::Institutions => &n.institutions,
        Aspect::Infrastructure => &n.infrastructure,
        Aspect::Entrepreneurship => &n.entrepreneurship,
        Aspect::CsrGrants => &n.csr_grants,
        Aspect::CapitalMarkets => &n.capital_markets,
    }
}

// ---- checked inputs --------------------------------------------------------------------

/// A profile's fields as sent. On create `code` is set and absent fields take their
/// defaults; on a change `None` leaves a field as it is and `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AreaInput {
    pub code: Option<String>,
    pub condition: Option<Condition>,
    pub summary: Option<Option<String>>,
    /// The aspects sent: `None` removes the aspect's assessment.
    pub needs: Vec<(Aspect, Option<Assessment>)>,
    pub roadmap: Option<Option<PlanId>>,
    pub stage: Option<Option<PlanNodeId>>,
    pub stage_since: Option<Option<NaiveDate>>,
}

impl AreaInput {
    /// Checks a profile's body: a new one (`create`: the code is required) or a change
    /// (the code cannot be changed).
    pub fn from_body(b: &AreaBody, create: bool) -> Result<AreaInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let mut a = AreaInput::default();
        if create {
            match &b.code {
                Field::Absent | Field::Null => {
                    errs.push("code", crate::msg!("fix-field-required", "is required"))
                }
                Field::Given(s) if is_village_code(s.trim()) => a.code = Some(s.trim().to_string()),
                _ => errs.push("code", not_a_village()),
            }
        } else if b.code.is_sent() {
            errs.push(
                "code",
                crate::msg!("area-code-fixed", "an area's code cannot be changed"),
            );
        }
        if b.condition.is_sent() || create {
            a.condition = match &b.condition {
                Field::Absent | Field::Null if create => Some(Condition::DrugProne),
                f => {
                    let c = f.given().and_then(|s| Condition::parse(s));
                    if c.is_none() {
                        errs.push(
                            "condition",
                            crate::msg!(
                                "area-condition-invalid",
                                "must be one of drug_prone, recovering, bersinar"
                            ),
                        );
                    }
                    c
                }
            };
        }
        if b.summary.is_sent() || create {
            a.summary = optional_text("summary", &b.summary, MAX_NOTE, &mut errs);
        }
        match &b.needs {
            Field::Absent | Field::Null => {}
            Field::Wrong(_) => errs.push(
                "needs",
                crate::msg!("object-required", "must be a JSON object"),
            ),
            Field::Given(n) => {
                n.unknown.report("needs", &mut errs);
                for aspect in Aspect::ALL {
                    let f = needs_field(n, *aspect);
                    let key = format!("needs.{}", aspect.as_str());
                    match f {
                        Field::Absent => {}
                        Field::Null => a.needs.push((*aspect, None)),
                        Field::Wrong(_) => {
                            errs.push(key, crate::msg!("object-required", "must be a JSON object"))
                        }
                        Field::Given(x) => {
                            x.unknown.report(&key, &mut errs);
                            let note =
                                optional_text(&format!("{key}.note"), &x.note, MAX_NOTE, &mut errs);
                            let rating = match &x.rating {
                                Field::Absent | Field::Null => Some(None),
                                Field::Given(s) if s.trim().is_empty() => Some(None),
                                f => {
                                    let r = f.given().and_then(|s| Rating::parse(s));
                                    if r.is_none() {
                                        errs.push(
                                            format!("{key}.rating"),
                                            crate::msg!(
                                                "area-rating-invalid",
                                                "must be one of lacking, developing, adequate"
                                            ),
                                        );
                                    }
                                    r.map(Some)
                                }
                            };
                            if let (Some(note), Some(rating)) = (note, rating) {
                                let v = (note.is_some() || rating.is_some())
                                    .then_some(Assessment { note, rating });
                                a.needs.push((*aspect, v));
                            }
                        }
                    }
                }
            }
        }
        if b.roadmap.is_sent() {
            a.roadmap = match &b.roadmap {
                Field::Null => Some(None),
                f => uuid_field("roadmap", f, &mut errs).map(|u| Some(PlanId(u))),
            };
        }
        if b.stage.is_sent() {
            a.stage = match &b.stage {
                Field::Null => Some(None),
                f => uuid_field("stage", f, &mut errs).map(|u| Some(PlanNodeId(u))),
            };
        }
        if b.stage_since.is_sent() {
            a.stage_since = optional_date("stage_since", &b.stage_since, &mut errs);
        }
        errs.into_result(a)
    }
}

/// A new post, checked; the responsible agency is resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct PostInput {
    pub id: Option<AreaPostId>,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// `None`: the creator's agency.
    pub responsible: Option<AgencyCode>,
    pub cadence_days: u32,
}

impl PostInput {
    pub fn from_body(b: &NewPostBody) -> Result<PostInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(AreaPostId);
        let name = required_text("name", &b.name, MAX_NAME, &mut errs);
        let coord = |key: &str, f: &Field<f64>, limit: f64, errs: &mut ValidationErrors| match f {
            Field::Given(v) if v.is_finite() && v.abs() <= limit => Some(*v),
            _ => {
                errs.push(
                    key,
                    crate::msg!(
                        "area-coordinate-invalid",
                        "must be a number from -{max} to {max}",
                        max = limit
                    ),
                );
                None
            }
        };
        let lon = coord("lon", &b.lon, 180.0, &mut errs);
        let lat = coord("lat", &b.lat, 90.0, &mut errs);
        let responsible = match &b.responsible {
            Field::Absent | Field::Null => Some(None),
            f => agency_code("responsible", f, &mut errs).map(Some),
        };
        let cadence = match &b.cadence_days {
            Field::Given(v) if (1..=i64::from(MAX_CADENCE)).contains(v) => Some(*v as u32),
            _ => {
                errs.push(
                    "cadence_days",
                    crate::msg!(
                        "area-cadence-invalid",
                        "must be a whole number of days from 1 to {max}",
                        max = MAX_CADENCE
                    ),
                );
                None
            }
        };
        match (name, lon, lat, responsible, cadence) {
            (Some(name), Some(lon), Some(lat), Some(responsible), Some(cadence_days))
                if errs.is_empty() =>
            {
                Ok(PostInput {
                    id,
                    name,
                    lon,
                    lat,
                    responsible,
                    cadence_days,
                })
            }
            _ => Err(errs),
        }
    }
}

/// A post's report, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct PostReportInput {
    pub id: Option<PostReportId>,
    pub reported_on: NaiveDate,
    pub summary: String,
    pub counts: PostCounts,
}

impl PostReportInput {
    pub fn from_body(b: &NewPostReportBody) -> Result<PostReportInput, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        b.unknown.report("", &mut errs);
        let id = uuid_field("id", &b.id, &mut errs).map(PostReportId);
        let reported_on = required_date("reported_on", &b.reported_on, &mut errs);
        let summary = required_text("summary", &b.summary, MAX_NOTE, &mut errs);
        let incidents = count("incidents", &b.incidents, &mut errs);
        let outreach = count("outreach", &b.outreach, &mut errs);
        let referrals = count("referrals", &b.referrals, &mut errs);
        match (reported_on, summary, incidents, outreach, referrals) {
            (
                Some(reported_on),
                Some(summary),
                Some(incidents),
                Some(outreach),
                Some(referrals),
            ) if errs.is_empty() => Ok(PostReportInput {
                id,
                reported_on,
                summary,
                counts: PostCounts {
                    incidents,
                    outreach,
                    referrals,
                },
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_code_has_four_parts_of_digits() {
        assert!(is_village_code("31.73.07.1006"));
        assert!(!is_village_code("31.73.07"));
        assert!(!is_village_code("31.73.07.100"));
        assert!(!is_village_code("31.73.07.10a6"));
    }

    #[test]
    fn a_post_is_overdue_when_no_report_came_within_its_cadence() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let p = AreaPost {
            id: AreaPostId(uuid::Uuid::nil()),
            area_code: "31.73.07.1006".into(),
            name: "Posko".into(),
            lon: 106.8,
            lat: -6.18,
            responsible_agency_id: AgencyId(uuid::Uuid::nil()),
            cadence_days: 7,
            created_by: UserId(uuid::Uuid::nil()),
            created_at: DateTime::<Utc>::default(),
        };
        assert!(!p.overdue(Some(d("2025-06-01")), d("2025-01-01"), d("2025-06-08")));
        assert!(p.overdue(Some(d("2025-06-01")), d("2025-01-01"), d("2025-06-09")));
        assert!(p.overdue(None, d("2025-01-01"), d("2025-06-09")));
    }
}
