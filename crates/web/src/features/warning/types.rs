//! What the early-warning API reads and answers. The bodies of subjects, devices,
//! deployments, fences, rules, webhooks and alert responses are the domain's
//! (`sinergi_core::warning::body`), which the app crate checks field by field (every field
//! at fault is named at once) and whose schemas the API document shows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sinergi_app::warning::AlertView;
use sinergi_core::schema::{FenceShape, Geometry, TriggerDoc};
use sinergi_core::warning::{Deployment, Device, Subject};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A field at fault.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub message: String,
}

/// What happened to one fix: `stored`, `held`, `duplicate` or `refused` (with `errors`).
#[derive(Serialize, ToSchema)]
pub struct FixResultView {
    pub status: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// Alerts this fix raised.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<Uuid>,
}

/// The answer to a batch of fixes: one result per fix, in order.
#[derive(Serialize, ToSchema)]
pub struct IngestView {
    pub stored: usize,
    pub held: usize,
    pub duplicates: usize,
    pub refused: usize,
    pub results: Vec<FixResultView>,
}

impl From<&sinergi_app::warning::IngestReport> for IngestView {
    fn from(r: &sinergi_app::warning::IngestReport) -> Self {
        IngestView {
            stored: r.stored,
            held: r.held,
            duplicates: r.duplicates,
            refused: r.refused,
            results: r
                .results
                .iter()
                .map(|x| FixResultView {
                    status: serde_json::to_value(x.status)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    errors: x
                        .errors
                        .iter()
                        .map(|e| FieldProblem {
                            field: e.field.clone(),
                            message: e.message.to_string(),
                        })
                        .collect(),
                    alerts: x.alerts.iter().map(|a| a.0).collect(),
                })
                .collect(),
        }
    }
}

/// A rejected CSV row (or the header, at its line).
#[derive(Serialize, ToSchema)]
pub struct RowProblem {
    /// 1-based line number; the header is line 1.
    pub line: usize,
    pub message: String,
}

/// The answer to a CSV import: counts, per-line errors and, for a dry run, what would have
/// changed.
#[derive(Serialize, ToSchema)]
pub struct ImportView {
    pub dry_run: bool,
    pub rows: usize,
    pub stored: usize,
    pub held: usize,
    pub duplicates: usize,
    pub refused: usize,
    pub alerts: usize,
    pub errors: Vec<RowProblem>,
}

impl From<&sinergi_app::warning::ImportReport> for ImportView {
    fn from(r: &sinergi_app::warning::ImportReport) -> Self {
        ImportView {
            dry_run: r.dry_run,
            rows: r.rows,
            stored: r.stored,
            held: r.held,
            duplicates: r.duplicates,
            refused: r.refused,
            alerts: r.alerts,
            errors: r
                .errors
                .iter()
                .map(|e| RowProblem {
                    line: e.line,
                    message: e.message.clone(),
                })
                .collect(),
        }
    }
}

/// A fix held for an unknown, undeployed or another agency's device.
#[derive(Serialize, ToSchema)]
pub struct HeldFixView {
    pub id: i64,
    pub serial: String,
    pub recorded_at: DateTime<Utc>,
    pub device_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub battery: Option<f64>,
    pub source: String,
    pub received_at: DateTime<Utc>,
    /// The sender's user name, `operator`, or none where you may not know.
    pub submitted_by: Option<String>,
    pub submitted_by_agency: Option<String>,
}

impl From<&sinergi_app::warning::HeldFix> for HeldFixView {
    fn from(h: &sinergi_app::warning::HeldFix) -> Self {
        let f = &h.fix;
        HeldFixView {
            id: f.id,
            serial: f.serial.clone(),
            recorded_at: f.recorded_at,
            device_id: f.device_id.map(|x| x.0),
            subject_id: f.subject_id.map(|x| x.0),
            lon: f.lon,
            lat: f.lat,
            accuracy_m: f.accuracy_m,
            battery: f.battery,
            source: f.source.clone(),
            received_at: f.received_at,
            submitted_by: h.submitted_by.clone(),
            submitted_by_agency: h.submitted_by_agency.clone(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct HeldList {
    pub held: Vec<HeldFixView>,
}

/// Something tracked: an elephant, a herd, a ranger team.
#[derive(Serialize, ToSchema)]
pub struct SubjectView {
    pub id: Uuid,
    pub owner_agency_id: Uuid,
    pub name: String,
    pub species: String,
    /// individual, herd or team.
    pub kind: String,
    /// public, internal, restricted or secret.
    pub sensitivity: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

impl From<&Subject> for SubjectView {
    fn from(s: &Subject) -> Self {
        SubjectView {
            id: s.id.0,
            owner_agency_id: s.owner_agency_id.0,
            name: s.name.clone(),
            species: s.species.clone(),
            kind: s.kind.clone(),
            sensitivity: s.sensitivity.as_str().to_string(),
            notes: s.notes.clone(),
            created_at: s.created_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct SubjectList {
    pub subjects: Vec<SubjectView>,
}

/// A collar, tag or phone.
#[derive(Serialize, ToSchema)]
pub struct DeviceView {
    pub id: Uuid,
    pub serial: String,
    /// collar, tag or phone.
    pub kind: String,
    pub owner_agency_id: Uuid,
    pub expected_interval_s: i64,
    pub created_at: DateTime<Utc>,
}

impl From<&Device> for DeviceView {
    fn from(d: &Device) -> Self {
        DeviceView {
            id: d.id.0,
            serial: d.serial.clone(),
            kind: d.kind.clone(),
            owner_agency_id: d.owner_agency_id.0,
            expected_interval_s: d.expected_interval_s,
            created_at: d.created_at,
        }
    }
}

/// A device on a subject for a period.
#[derive(Serialize, ToSchema)]
pub struct DeploymentView {
    pub id: Uuid,
    pub device_id: Uuid,
    pub subject_id: Uuid,
    pub start_at: DateTime<Utc>,
    pub end_at: Option<DateTime<Utc>>,
}

impl From<&Deployment> for DeploymentView {
    fn from(d: &Deployment) -> Self {
        DeploymentView {
            id: d.id.0,
            device_id: d.device_id.0,
            subject_id: d.subject_id.0,
            start_at: d.start_at,
            end_at: d.end_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct DeviceWithDeployments {
    pub device: DeviceView,
    pub deployments: Vec<DeploymentView>,
}

#[derive(Serialize, ToSchema)]
pub struct DeviceList {
    pub devices: Vec<DeviceWithDeployments>,
}

#[derive(Serialize, ToSchema)]
pub struct DeployAnswer {
    pub deployment: DeploymentView,
    /// Held fixes since the start attached to the subject.
    pub held_fixes_attached: u64,
}

/// A track's properties: one time and battery reading per position.
#[derive(Serialize, ToSchema)]
pub struct TrackProperties {
    pub name: String,
    pub species: String,
    pub times: Vec<String>,
    pub battery: Vec<Option<f64>>,
    #[schema(format = DateTime)]
    pub since: String,
    #[schema(format = DateTime)]
    pub until: String,
}

/// A subject's track: a LineString (a Point for one fix, no geometry for none).
#[derive(Serialize, ToSchema)]
pub struct TrackFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
    #[schema(value_type = Option<Geometry>)]
    pub geometry: Value,
    pub properties: TrackProperties,
}

/// A fence's properties.
#[derive(Serialize, ToSchema)]
pub struct FenceProperties {
    pub name: String,
    /// village, park, plantation, concession, peatland, road, river or other.
    pub kind: String,
    #[schema(value_type = FenceShape)]
    pub shape: Value,
    pub region_code: Option<String>,
    pub active: bool,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// Also the ETag: what `If-Match` names.
    pub version: i64,
}

/// A fence as a GeoJSON Feature (a circle as its polygon).
#[derive(Serialize, ToSchema)]
pub struct FenceFeature {
    /// `Feature`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: Uuid,
    #[schema(value_type = Option<Geometry>)]
    pub geometry: Value,
    pub properties: FenceProperties,
}

impl From<&sinergi_core::warning::Fence> for FenceFeature {
    fn from(f: &sinergi_core::warning::Fence) -> Self {
        FenceFeature {
            kind: "Feature".into(),
            id: f.id.0,
            geometry: f.shape.to_geojson(),
            properties: FenceProperties {
                name: f.name.clone(),
                kind: f.kind.clone(),
                shape: f.shape.to_json(),
                region_code: f.region_code.clone(),
                active: f.active,
                created_at: f.created_at.to_rfc3339(),
                updated_at: f.updated_at.to_rfc3339(),
                version: f.version,
            },
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct FenceCollection {
    /// `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<FenceFeature>,
}

/// Which subjects a rule watches: `{type: any}`, `{type: species, value}` or
/// `{type: subject, value}` (a subject id).
#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct SubjectFilterDoc {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: Option<String>,
}

/// A daily window of local time (minutes after midnight; the end wraps midnight when it
/// is below the start).
#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ActiveHoursDoc {
    pub start_minute: u16,
    pub end_minute: u16,
    pub utc_offset_minutes: i16,
}

/// Someone outside Sinergi told of alerts.
#[derive(Serialize, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct ContactDoc {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// Who is told of a rule's alerts.
#[derive(Serialize, ToSchema)]
pub struct RecipientsView {
    /// Agency codes.
    pub agencies: Vec<Option<String>>,
    pub users: Vec<Uuid>,
    #[schema(value_type = Vec<ContactDoc>)]
    pub contacts: Value,
}

/// An alert rule.
#[derive(Serialize, ToSchema)]
pub struct RuleView {
    pub id: Uuid,
    pub name: String,
    /// The owner agency's code.
    pub agency: Option<String>,
    pub active: bool,
    /// Fence ids; empty: every fence of the agency.
    pub fences: Vec<Uuid>,
    #[schema(value_type = SubjectFilterDoc)]
    pub subjects: Value,
    #[schema(value_type = TriggerDoc)]
    pub trigger: Value,
    /// info, warning or critical.
    pub severity: String,
    pub hysteresis_m: f64,
    pub quiet_period_min: i64,
    #[schema(value_type = Option<ActiveHoursDoc>)]
    pub active_hours: Value,
    pub recipients: RecipientsView,
    /// board, webhook, email or sms.
    pub channels: Vec<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct RuleList {
    pub rules: Vec<RuleView>,
}

/// A receiver of alerts over HTTP.
#[derive(Serialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub owner_agency_id: Uuid,
    pub url: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    /// The HMAC-SHA256 secret, shown once when the webhook is registered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl From<&sinergi_app::Webhook> for WebhookView {
    fn from(w: &sinergi_app::Webhook) -> Self {
        WebhookView {
            id: w.id.0,
            owner_agency_id: w.owner_agency_id.0,
            url: w.url.clone(),
            active: w.active,
            created_at: w.created_at,
            secret: None,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct WebhookList {
    pub webhooks: Vec<WebhookView>,
}

/// An alert with the names a reader needs beside it.
#[derive(Serialize, ToSchema)]
pub struct AlertDto {
    /// Position in the live stream.
    pub seq: i64,
    pub id: Uuid,
    pub rule_id: Option<Uuid>,
    pub fence_id: Option<Uuid>,
    pub subject_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub report_id: Option<Uuid>,
    pub fix_id: Option<i64>,
    pub hotspot_id: Option<Uuid>,
    /// enter, exit, proximity, dwell, cross, hotspot_inside, a sighting kind, or a
    /// device-health kind (device_silent, battery_low, no_movement).
    pub kind: String,
    /// info, warning or critical.
    pub severity: String,
    pub owner_agency_id: Uuid,
    pub at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub distance_m: Option<f64>,
    /// open, acknowledged or closed.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<Uuid>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by: Option<Uuid>,
    pub outcome: Option<String>,
    pub version: i64,
    pub rule_name: Option<String>,
    pub fence_name: Option<String>,
    pub subject_name: Option<String>,
    pub species: Option<String>,
    pub seconds_to_acknowledge: Option<i64>,
    pub seconds_to_close: Option<i64>,
}

fn text_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl From<&AlertView> for AlertDto {
    fn from(v: &AlertView) -> Self {
        let a = &v.alert;
        AlertDto {
            seq: a.seq,
            id: a.id.0,
            rule_id: a.rule_id.map(|x| x.0),
            fence_id: a.fence_id.map(|x| x.0),
            subject_id: a.subject_id.map(|x| x.0),
            device_id: a.device_id.map(|x| x.0),
            report_id: a.report_id.map(|x| x.0),
            fix_id: a.fix_id,
            hotspot_id: a.hotspot_id.map(|x| x.0),
            kind: a.kind.clone(),
            severity: text_of(&a.severity),
            owner_agency_id: a.owner_agency_id.0,
            at: a.at,
            lon: a.lon,
            lat: a.lat,
            distance_m: a.distance_m,
            status: text_of(&a.status),
            created_at: a.created_at,
            acknowledged_at: a.acknowledged_at,
            acknowledged_by: a.acknowledged_by.map(|x| x.0),
            closed_at: a.closed_at,
            closed_by: a.closed_by.map(|x| x.0),
            outcome: a.outcome.clone(),
            version: a.version,
            rule_name: v.rule_name.clone(),
            fence_name: v.fence_name.clone(),
            subject_name: v.subject_name.clone(),
            species: v.species.clone(),
            seconds_to_acknowledge: v.seconds_to_acknowledge,
            seconds_to_close: v.seconds_to_close,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AlertList {
    pub alerts: Vec<AlertDto>,
    /// The stream position to pass as `before` for the next page (a full page).
    pub next_before: Option<i64>,
}

/// A logged response step.
#[derive(Serialize, ToSchema)]
pub struct AlertActionView {
    pub id: Uuid,
    pub alert_id: Uuid,
    pub at: DateTime<Utc>,
    pub user_id: Uuid,
    pub username: String,
    pub action: String,
    pub note: String,
}

/// One delivery of the alert to one destination.
#[derive(Serialize, ToSchema)]
pub struct DeliveryView {
    pub id: i64,
    pub alert_id: Uuid,
    /// webhook, email or sms.
    pub channel: String,
    pub target: String,
    /// pending, sent or failed.
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An alert with its response log and deliveries.
#[derive(Serialize, ToSchema)]
pub struct AlertDetail {
    #[serde(flatten)]
    pub alert: AlertDto,
    pub actions: Vec<AlertActionView>,
    pub deliveries: Vec<DeliveryView>,
}

impl AlertDetail {
    pub fn of(
        view: &AlertView,
        actions: &[sinergi_app::AlertAction],
        deliveries: &[sinergi_app::OutboxRow],
    ) -> Self {
        AlertDetail {
            alert: AlertDto::from(view),
            actions: actions
                .iter()
                .map(|x| AlertActionView {
                    id: x.id,
                    alert_id: x.alert_id.0,
                    at: x.at,
                    user_id: x.user_id.0,
                    username: x.username.clone(),
                    action: x.action.clone(),
                    note: x.note.clone(),
                })
                .collect(),
            deliveries: deliveries
                .iter()
                .map(|d| DeliveryView {
                    id: d.id,
                    alert_id: d.alert_id.0,
                    channel: d.channel.clone(),
                    target: d.target.clone(),
                    status: d.status.clone(),
                    attempts: d.attempts,
                    next_attempt_at: d.next_attempt_at,
                    last_error: d.last_error.clone(),
                    sent_at: d.sent_at,
                    created_at: d.created_at,
                })
                .collect(),
        }
    }
}

/// `dry_run=true`: report what would change, the alerts it would raise included; write
/// nothing.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DryRun {
    /// true: report what would change, the alerts it would raise included; write nothing
    pub dry_run: Option<bool>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// RFC 3339; default a week before until
    pub since: Option<String>,
    /// RFC 3339; default now
    pub until: Option<String>,
    /// Fixes, at most 50,000 (default 5,000)
    #[param(minimum = 1, maximum = 50000)]
    pub limit: Option<u32>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AlertQuery {
    /// RFC 3339
    pub since: Option<String>,
    /// open, acknowledged or closed
    pub status: Option<String>,
    /// A fence id
    pub area: Option<String>,
    /// A subject id
    pub subject: Option<String>,
    /// Stream position: the page after one that ended there
    #[param(minimum = 1)]
    pub before: Option<i64>,
    /// 1–1000 (default 100)
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// One fix of a device.
#[derive(Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct FixRequest {
    /// The device's serial.
    pub device: String,
    pub recorded_at: DateTime<Utc>,
    pub lon: f64,
    pub lat: f64,
    pub accuracy_m: Option<f64>,
    pub battery: Option<f64>,
}

/// Switch on or off.
#[derive(Deserialize, ToSchema)]
pub struct ActiveFlag {
    #[serde(default)]
    #[schema(value_type = bool)]
    pub active: sinergi_core::input::Field<bool>,
}
