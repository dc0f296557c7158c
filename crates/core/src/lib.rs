//! Sinergi's domain: the types every other crate speaks, parsed once at the edge
//! ("parse, don't validate"), and the access policy as pure functions.
//!
//! This crate must never do I/O: no SQL, no HTTP, no files, and it never reads the clock —
//! the current time is always passed in by the caller (see [`time::Clock`]).

/// An enum of keywords with its list, its text and its parser (a trimmed exact match),
/// serialised as its snake_case name. Shared by the domain modules.
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
                Self::ALL.iter().copied().find(|x| x.as_str() == s.trim())
            }
        }
    };
}

pub mod access;
pub mod agency;
pub mod agreement;
pub mod area;
pub mod audit;
pub mod campaign;
pub mod canonical;
pub mod case;
pub mod checkpoint;
pub mod coordination;
pub mod digest;
pub mod error;
pub mod form;
pub mod geometry;
pub mod ical;
pub mod ids;
pub mod index;
pub mod input;
pub mod letter;
pub mod observation;
pub mod patrol;
pub mod pdf;
pub mod permission;
pub mod plan;
pub mod protect;
pub mod query;
pub mod questionnaire;
pub mod region;
pub mod report;
pub mod report_types;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod sensitivity;
pub mod sharing;
pub mod spreadsheet;
pub mod submission;
pub mod time;
pub mod totp;
pub mod user;
pub mod warning;
pub mod xlsform;

pub use error::{FieldError, Message, ValidationErrors};
