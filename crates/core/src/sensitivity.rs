//! How widely a record may be seen: the classification every report, alert and sharing
//! clause carries, and the access policy ([`crate::access`]) decides on. It depends on
//! nothing else in the crate, so every module can use it without a cycle.

use serde::{Deserialize, Serialize};

/// How widely a report may be seen. Ordered from least to most sensitive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    Public,
    Internal,
    Restricted,
    Secret,
}

impl Sensitivity {
    pub const ALL: [Sensitivity; 4] = [
        Sensitivity::Public,
        Sensitivity::Internal,
        Sensitivity::Restricted,
        Sensitivity::Secret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sensitivity::Public => "public",
            Sensitivity::Internal => "internal",
            Sensitivity::Restricted => "restricted",
            Sensitivity::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label_id(self) -> &'static str {
        match self {
            Sensitivity::Public => "Publik",
            Sensitivity::Internal => "Internal",
            Sensitivity::Restricted => "Terbatas",
            Sensitivity::Secret => "Rahasia",
        }
    }
}
