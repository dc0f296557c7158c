//! Agencies (instansi): who owns data. An agency has a short code, a kind and an optional
//! parent, which forms the command hierarchy (Polda → Polres → Polsek; BNN → BNNP → BNNK).

use serde::{Deserialize, Serialize};

use crate::ids::AgencyId;
use crate::{Message, ValidationErrors};

/// The kinds of agency Sinergi knows. The set is closed so that policies and reports can
/// rely on it; `Other` covers the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    Police,
    ParkAuthority,
    NarcoticsAgency,
    LocalGovernment,
    Military,
    Prosecutor,
    Court,
    Immigration,
    Village,
    Ngo,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 11] = [
        AgencyKind::Police,
        AgencyKind::ParkAuthority,
        AgencyKind::NarcoticsAgency,
        AgencyKind::LocalGovernment,
        AgencyKind::Military,
        AgencyKind::Prosecutor,
        AgencyKind::Court,
        AgencyKind::Immigration,
        AgencyKind::Village,
        AgencyKind::Ngo,
        AgencyKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::Police => "police",
            AgencyKind::ParkAuthority => "park_authority",
            AgencyKind::NarcoticsAgency => "narcotics_agency",
            AgencyKind::LocalGovernment => "local_government",
            AgencyKind::Military => "military",
            AgencyKind::Prosecutor => "prosecutor",
            AgencyKind::Court => "court",
            AgencyKind::Immigration => "immigration",
            AgencyKind::Village => "village",
            AgencyKind::Ngo => "ngo",
            AgencyKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

/// An agency code such as `POLDA-JAMBI` or `BNNK-BATANGHARI`: 2–40 characters of upper-case
/// letters, digits, `-`, `_` and `.`. Codes are what administrators type, so they are short
/// and stable; the database id is separate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn parse(s: &str) -> Result<Self, Message> {
        let s = s.trim();
        if s.len() < 2 || s.len() > 40 {
            return Err(crate::msg!(
                "agency-code-length",
                "agency code must be 2 to 40 characters"
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
        {
            return Err(crate::msg!(
                "agency-code-characters",
                "agency code may contain only upper-case letters, digits, '-', '_' and '.'"
            ));
        }
        Ok(AgencyCode(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stored agency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agency {
    pub id: AgencyId,
    pub code: AgencyCode,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_id: Option<AgencyId>,
    /// Kemendagri codes of the regions the agency is responsible for.
    pub jurisdiction: Vec<String>,
}

/// The input to create an agency, already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgency {
    pub code: AgencyCode,
    pub name: String,
    pub kind: AgencyKind,
    pub parent: Option<AgencyCode>,
    pub jurisdiction: Vec<String>,
}

impl NewAgency {
    pub fn parse(
        code: &str,
        name: &str,
        kind: &str,
        parent: Option<&str>,
        jurisdiction: &[String],
    ) -> Result<Self, ValidationErrors> {
        let mut errs = ValidationErrors::new();
        let code = AgencyCode::parse(code)
            .map_err(|m| errs.push("code", m))
            .ok();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errs.push(
                "name",
                crate::msg!("agency-name-length", "name must be 1 to 200 characters"),
            );
        }
        let kind = AgencyKind::parse(kind);
        if kind.is_none() {
            let allowed: Vec<&str> = AgencyKind::ALL.iter().map(|k| k.as_str()).collect();
            errs.push(
                "kind",
                crate::msg!(
                    "agency-kind-invalid",
                    "kind must be one of {choices}",
                    choices = allowed.join(", ")
                ),
            );
        }
        let parent = match parent.map(str::trim).filter(|p| !p.is_empty()) {
            Some(p) => AgencyCode::parse(p)
                .map_err(|m| errs.push("parent", m))
                .ok(),
            None => None,
        };
        for (i, j) in jurisdiction.iter().enumerate() {
            if !crate::region::is_region_code_shape(j) {
                errs.push(
                    format!("jurisdiction[{i}]"),
                    crate::msg!(
                        "jurisdiction-invalid",
                        "not a Kemendagri region code (PP, PP.KK, PP.KK.CC or PP.KK.CC.DDDD)"
                    ),
                );
            }
        }
        match (code, kind) {
            (Some(code), Some(kind)) if errs.is_empty() => Ok(NewAgency {
                code,
                name: name.to_string(),
                kind,
                parent,
                jurisdiction: jurisdiction.to_vec(),
            }),
            _ => Err(errs),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_parsed() {
        assert!(AgencyCode::parse("POLDA-JAMBI").is_ok());
        assert!(AgencyCode::parse("polda").is_err());
        assert!(AgencyCode::parse("X").is_err());
        assert!(AgencyCode::parse("A B").is_err());
    }

    #[test]
    fn new_agency_names_every_bad_field() {
        let e = NewAgency::parse("x", "", "spaceship", Some("bad code"), &["99.1".into()])
            .expect_err("invalid");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["code", "name", "kind", "parent", "jurisdiction[0]"]
        );
    }
}
