//! What the accounts API reads and answers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Sign-in for an API token.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    pub username: String,
    pub password: String,
    /// The six-digit authenticator code, for accounts with a second factor (a 401
    /// `totp_required` asks for it).
    pub totp: Option<String>,
    /// `read_write` (default) or `read`.
    #[schema(pattern = "^(read_write|read)$")]
    pub scope: Option<String>,
    /// 1 to 30 (the default).
    #[schema(minimum = 1, maximum = 30)]
    pub expires_in_days: Option<i64>,
}

/// A bearer token.
#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// `read_write` or `read`.
    pub scope: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

/// A user as administrators and the user see it.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// The agency's code.
    pub agency: Option<String>,
    /// field_officer, coordinator, analyst, agency_admin or system_admin.
    pub role: String,
    pub active: bool,
    pub must_change_password: bool,
}

/// The signed-in user, with the agency's name and when this session ends.
#[derive(Serialize, ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: UserView,
    pub agency_name: Option<String>,
    #[schema(format = DateTime)]
    pub session_expires_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct UserList {
    pub users: Vec<UserView>,
}

/// An agency.
#[derive(Serialize, ToSchema)]
pub struct AgencyView {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// police, park_authority, narcotics_agency, local_government, military, prosecutor,
    /// court, immigration, village, ngo or other.
    pub kind: String,
    /// The parent agency's code.
    pub parent: Option<String>,
    /// Kemendagri region codes it covers.
    pub jurisdiction: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AgencyList {
    pub agencies: Vec<AgencyView>,
}

/// A new agency.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyRequest {
    pub code: String,
    pub name: String,
    /// police, park_authority, narcotics_agency, local_government, military, prosecutor,
    /// court, immigration, village, ngo or other.
    pub kind: String,
    /// The parent agency's code.
    pub parent: Option<String>,
    #[serde(default)]
    pub jurisdiction: Vec<String>,
}

/// A new user.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserRequest {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// The agency's code.
    pub agency: String,
    /// field_officer, coordinator, analyst, agency_admin or system_admin.
    pub role: String,
    #[schema(min_length = 10)]
    pub password: String,
}

/// Changes to a user: any of these.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub display_name: Option<String>,
    /// field_officer, coordinator, analyst, agency_admin or system_admin.
    pub role: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordReset {
    #[schema(min_length = 10)]
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    #[schema(min_length = 10)]
    pub new_password: String,
}

/// A code from the authenticator app.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    #[schema(pattern = "^[0-9]{6}$")]
    pub code: String,
}

/// The state of the caller's second factor.
#[derive(Serialize, ToSchema)]
pub struct SecondFactor {
    pub enabled: bool,
    pub enabled_at: Option<DateTime<Utc>>,
    /// An enrolment was started and awaits its first code.
    pub pending: bool,
    pub mandatory: bool,
}

impl From<sinergi_app::auth::SecondFactorStatus> for SecondFactor {
    fn from(s: sinergi_app::auth::SecondFactorStatus) -> Self {
        SecondFactor {
            enabled: s.enabled,
            enabled_at: s.enabled_at,
            pending: s.pending,
            mandatory: s.mandatory,
        }
    }
}

/// A started enrolment: what the authenticator app needs.
#[derive(Serialize, ToSchema)]
pub struct Enrolment {
    pub secret: String,
    pub otpauth_uri: String,
}

/// A user's e-mail address for reminders (ADR 28).
#[derive(Serialize, ToSchema)]
pub struct EmailView {
    pub email: Option<String>,
    /// Whether this server mails reminders at all (an SMTP server is set up).
    pub mail_enabled: bool,
}

/// An agency named by code and name.
#[derive(Serialize, ToSchema)]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
}

/// Whom an agency reports to (ADR 28): the route a letter follows upward.
#[derive(Serialize, ToSchema)]
pub struct ReportingLineView {
    pub agency: String,
    /// The agencies above it on its reporting line, nearest first (empty: it reports to
    /// no one).
    pub chain: Vec<AgencyRef>,
    /// Whether its superior was set apart from its parent in the agency tree.
    pub set_apart_from_parent: bool,
}
