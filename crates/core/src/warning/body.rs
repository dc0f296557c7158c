//! The request bodies of early warning: subjects, devices and their deployments, fences,
//! rules, webhooks and the steps of an alert's response. Each is read with
//! [`Body::read`](crate::input::Body::read); the app's use cases, which take them, name
//! every field at fault ([`super::RuleInput::parse`] a rule's). With the `openapi` feature
//! each derives its schema in the API document, keeping the names the document gave these
//! bodies before; the JSON values the domain parses itself (a fence's shape, a rule's
//! trigger and subjects) are documented by types in `crate::schema`.

use serde::Deserialize;
use serde_json::Value;

use crate::input::{Body, Field, Unknown};

/// A tracked subject: an elephant, a herd, a ranger team.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = SubjectRequest))]
pub struct NewSubject {
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub name: Field<String>,
    /// A species key: lower-case letters, digits and _ (e.g. gajah_sumatera).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub species: Field<String>,
    /// individual (the default), herd or team.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: Field<String>,
    /// public, internal, restricted (the default) or secret.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub sensitivity: Field<String>,
    /// Up to 2000 characters are kept.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub notes: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewSubject {}

/// A collar, tag or phone.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DeviceRequest))]
pub struct NewDevice {
    /// The serial it reports under, 1 to 100 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub serial: Field<String>,
    /// collar (the default), tag or phone.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: Field<String>,
    /// How often it should report, 1 to 10080 minutes (default 60).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub expected_interval_min: Field<i64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewDevice {}

/// A device put on a subject.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DeploymentRequest))]
pub struct NewDeployment {
    /// The subject's id (a subject of your agency).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub subject: Field<String>,
    /// From when: an RFC 3339 time, e.g. 2025-06-01T00:00:00+07:00; none: from the
    /// beginning, which attaches every fix held for the serial.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub start: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewDeployment {}

/// A fence: a GeoJSON shape or circle, or a region code (with `radius_m` for a circle
/// round its centre).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FenceRequest))]
pub struct NewFence {
    /// 1 to 200 characters, new to your agency (case and spacing ignored).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub name: Field<String>,
    /// village, park, plantation, concession, peatland, road, river or other (the
    /// default). A line is a road, a river or other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: Field<String>,
    /// The shape; or give `region`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::FenceShape>))]
    pub shape: Field<Value>,
    /// A Kemendagri region code: its shipped boundary, or with `radius_m` a circle round
    /// its centre.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub region: Field<String>,
    /// With `region`: the circle's radius, more than 0 and at most 200000 metres.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub radius_m: Field<f64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewFence {}

/// Changes to a fence: any of these, read as when adding one.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = FencePatch))]
pub struct FenceChanges {
    /// 1 to 200 characters, not another fence's of the agency (case and spacing ignored).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub name: Field<String>,
    /// village, park, plantation, concession, peatland, road, river or other.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub kind: Field<String>,
    /// The new shape; or give `region`. A line a cross rule watches stays a line.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::FenceShape>))]
    pub shape: Field<Value>,
    /// A Kemendagri region code: its shipped boundary, or with `radius_m` a circle round
    /// its centre.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub region: Field<String>,
    /// With `region`: the circle's radius, more than 0 and at most 200000 metres.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub radius_m: Field<f64>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for FenceChanges {}

/// An alert rule.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RuleRequest))]
pub struct NewRule {
    /// 1 to 200 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub name: Field<String>,
    /// Fence ids; none: every fence of the agency.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub fences: Field<Vec<Field<String>>>,
    /// Which subjects the rule watches; none: any.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::schema::SubjectChoice>))]
    pub subjects: Field<Value>,
    /// What makes the rule fire (the type alone may be sent as text, e.g. "enter").
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::schema::TriggerDoc, required = true))]
    pub trigger: Field<Value>,
    /// info, warning (the default) or critical.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub severity: Field<String>,
    /// Metres a subject must move back before the rule fires again, 0 to 5000.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub hysteresis_m: Field<f64>,
    /// Minutes between two alerts of the rule for one subject, 0 to 10080.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub quiet_period_min: Field<f64>,
    /// The daily window in which the rule fires, in the local time of your agency; none:
    /// always.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<RuleActiveHours>))]
    pub active_hours: Field<RuleActiveHours>,
    /// Who is told: at least one agency, user or contact.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = RuleRecipients, required = true))]
    pub recipients: Field<RuleRecipients>,
    /// Besides the board: webhook, email or sms (board is always included).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub channels: Field<Vec<Field<String>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewRule {}

/// A daily window of local time: two different times of day, `HH:MM`; the window wraps
/// midnight when `to` is before `from`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ActiveHoursRequest))]
pub struct RuleActiveHours {
    /// e.g. 18:00.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub from: Field<String>,
    /// e.g. 06:00.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub to: Field<String>,
    /// Other keys, which are not read (declared so that only an object is read as a
    /// window).
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub other: Unknown,
}

/// Who is told of a rule's alerts, as written.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RecipientsRequest))]
pub struct RuleRecipients {
    /// Agency codes.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub agencies: Field<Vec<Field<String>>>,
    /// User names.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub users: Field<Vec<Field<String>>>,
    /// People outside Sinergi: a village head, a volunteer.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<RuleContact>>))]
    pub contacts: Field<Vec<Field<RuleContact>>>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

/// Someone outside Sinergi told of alerts: a name, and a phone number or an e-mail
/// address.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ContactRequest))]
pub struct RuleContact {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub name: Field<String>,
    /// 8 to 15 digits, optionally starting with +.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub phone: Field<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub email: Field<String>,
    /// Other keys, which are not read (declared so that only an object is read as a
    /// contact).
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub other: Unknown,
}

/// A receiver of alerts over HTTP.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = WebhookRequest))]
pub struct NewWebhook {
    /// An http:// or https:// address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline, required = true))]
    pub url: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}
impl Body for NewWebhook {}

/// A step of an alert's response: acknowledging it (a note at most), logging an action
/// (`action`, and a note) or closing it (`outcome`, and a note). Every step reads the same
/// keys and uses those it needs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = AlertStepRequest))]
pub struct AlertStep {
    /// Logging an action: drive_away, patrol_dispatched, villagers_warned, false_alarm,
    /// fire_suppressed or note (which needs a note).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub action: Field<String>,
    /// Closing: resolved, no_damage, damage, false_alarm or casualty.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub outcome: Field<String>,
    /// Up to 2000 characters are kept.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(inline))]
    pub note: Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: Unknown,
}

impl Body for AlertStep {
    /// Anything but an object says nothing (acknowledging needs no body), as it always has.
    fn read(v: &Value) -> Result<Self, crate::ValidationErrors> {
        Ok(Self::deserialize(v).unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_parts_are_read_only_from_objects() {
        let r = NewRule::read(&json!({
            "active_hours": ["18:00", "06:00"],
            "recipients": {"contacts": [["Kepala Desa", "+6281234567890"], {"name": "A", "x": 1}],
                "extra": true},
        }))
        .expect("an object");
        assert!(matches!(r.active_hours, Field::Wrong(_)));
        let Field::Given(rec) = &r.recipients else {
            panic!("recipients")
        };
        let Field::Given(contacts) = &rec.contacts else {
            panic!("contacts")
        };
        assert!(matches!(contacts[0], Field::Wrong(_)));
        assert!(matches!(&contacts[1], Field::Given(c) if c.name == Field::Given("A".into())));
        assert_eq!(rec.unknown.0.keys().collect::<Vec<_>>(), ["extra"]);
    }

    #[test]
    fn an_alert_step_that_is_not_an_object_says_nothing() {
        let s = AlertStep::read(&json!(null)).expect("not refused");
        assert_eq!(s.action, Field::Absent);
        assert!(s.unknown.0.is_empty());
        let s = AlertStep::read(&json!({"action": 3, "zeta": 1})).expect("an object");
        assert_eq!(s.action, Field::Wrong(json!(3)));
        assert_eq!(s.unknown.0.keys().collect::<Vec<_>>(), ["zeta"]);
    }
}
