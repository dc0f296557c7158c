//! Users and roles. Every user belongs to exactly one agency and holds one role there.

use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, UserId};
use crate::Message;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    FieldOfficer,
    Coordinator,
    Analyst,
    AgencyAdmin,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::FieldOfficer,
        Role::Coordinator,
        Role::Analyst,
        Role::AgencyAdmin,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::FieldOfficer => "field_officer",
            Role::Coordinator => "coordinator",
            Role::Analyst => "analyst",
            Role::AgencyAdmin => "agency_admin",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// A user name: 3–64 characters of lower-case letters, digits, '.', '_' and '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    /// Parses a user name, lower-cased: `Ranger.TNKS` is the account `ranger.tnks`, as
    /// people type names with a capital on phones.
    pub fn parse(s: &str) -> Result<Self, Message> {
        let s = s.trim().to_ascii_lowercase();
        if s.len() < 3 || s.len() > 64 {
            return Err(crate::msg!(
                "username-length",
                "username must be 3 to 64 characters"
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            return Err(crate::msg!(
                "username-characters",
                "username may contain only lower-case letters, digits, '.', '_' and '-'"
            ));
        }
        Ok(Username(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Passwords people pick first, in Indonesian and English, that guessing tools try first.
/// Compared case-insensitively, also with trailing digits and punctuation removed.
const COMMON: &[&str] = &[
    "password",
    "passw0rd",
    "sandi",
    "katasandi",
    "kata sandi",
    "rahasia",
    "qwerty",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "0987654321",
    "iloveyou",
    "indonesia",
    "jakarta",
    "bismillah",
    "alhamdulillah",
    "sayang",
    "sayangku",
    "cintaku",
    "admin",
    "administrator",
    "welcome",
    "selamat datang",
    "polri",
    "bhayangkara",
    "sinergi",
    "letmein",
    "monkey",
    "dragon",
    "football",
    "sepakbola",
    "garuda",
    "merdeka",
    "pancasila",
    "superman",
    "batman",
    "sunshine",
    "princess",
    "abcdefghij",
    "abc123",
    "qwerty123",
    "password123",
];

/// Checks a new password: long enough, not one of the passwords guessed first, not the
/// user name, not one character repeated.
pub fn check_password_for(p: &str, username: &str) -> Result<(), Message> {
    let n = p.chars().count();
    if n < 10 {
        return Err(crate::msg!(
            "password-too-short",
            "password must be at least 10 characters"
        ));
    }
    if n > 200 {
        return Err(crate::msg!(
            "password-too-long",
            "password must be at most 200 characters"
        ));
    }
    let lower = p.to_lowercase();
    let stem = lower.trim_end_matches(|c: char| c.is_ascii_digit() || c.is_ascii_punctuation());
    if COMMON.contains(&lower.as_str()) || COMMON.contains(&stem) || stem.is_empty() {
        return Err(crate::msg!(
            "password-too-common",
            "this password is too common; choose another"
        ));
    }
    let user = username.to_lowercase();
    if !user.is_empty() && (lower.contains(&user) && user.len() >= 3) {
        return Err(crate::msg!(
            "password-contains-username",
            "the password must not contain the user name"
        ));
    }
    let mut chars = p.chars();
    if let Some(first) = chars.next() {
        if chars.all(|c| c == first) {
            return Err(crate::msg!(
                "password-one-character",
                "the password must not be one character repeated"
            ));
        }
    }
    Ok(())
}

/// [`check_password_for`] without a user name.
pub fn check_password(p: &str) -> Result<(), Message> {
    check_password_for(p, "")
}

/// A stored user, without the password hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: String,
    pub agency_id: AgencyId,
    pub role: Role,
    pub active: bool,
    /// A confirmed second factor (TOTP) is required at sign-in.
    pub totp_enabled: bool,
    /// The password was set by an administrator: the user must choose their own before
    /// doing anything else.
    pub must_change_password: bool,
}

/// A user's e-mail address for reminders (ADR 28): an address, or `null` to stop mail.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = EmailAddress))]
pub struct EmailBody {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = true))]
    pub email: crate::input::Field<String>,
    #[serde(flatten)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub unknown: crate::input::Unknown,
}

impl crate::input::Body for EmailBody {}

/// The address an [`EmailBody`] sets (trimmed, lower-cased domain), or `None` to remove it.
pub fn email_of(b: &EmailBody) -> Result<Option<String>, crate::ValidationErrors> {
    let mut errs = crate::ValidationErrors::new();
    b.unknown.report("", &mut errs);
    let out = match &b.email {
        crate::input::Field::Null => None,
        crate::input::Field::Given(s) if s.trim().is_empty() => None,
        crate::input::Field::Given(s) if crate::input::email_address(s) => {
            let s = s.trim();
            let (local, domain) = s.split_once('@').unwrap_or((s, ""));
            Some(format!("{local}@{}", domain.to_lowercase()))
        }
        _ => {
            errs.push(
                "email",
                crate::msg!("email-invalid", "not an e-mail address"),
            );
            None
        }
    };
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_and_passwords() {
        assert!(Username::parse("ranger.tnks").is_ok());
        assert_eq!(
            Username::parse(" Ranger.TNKS ").map(|u| u.to_string()),
            Ok("ranger.tnks".to_string())
        );
        assert!(Username::parse("Rängér").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(check_password("short").is_err());
        assert!(check_password("long enough pass").is_ok());
        assert!(
            check_password("Password123!").is_err(),
            "common with digits appended"
        );
        assert!(check_password("bismillah2024").is_err());
        assert!(check_password("aaaaaaaaaaaa").is_err());
        assert!(check_password_for("ranger.tnks-2025", "ranger.tnks").is_err());
        assert!(check_password_for("hutan lindung kerinci", "ranger.tnks").is_ok());
        assert_eq!(Role::parse("agency_admin"), Some(Role::AgencyAdmin));
        assert_eq!(Role::parse("king"), None);
    }
}
