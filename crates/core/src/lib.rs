//! Sinergi's domain: the types every other crate speaks, parsed once at the edge
//! ("parse, don't validate"), and the access policy as pure functions.
//!
//! This crate must never do I/O: no SQL, no HTTP, no files, and it never reads the clock —
//! the current time is always passed in by the caller (see [`time::Clock`]).

pub mod access;
pub mod agency;
pub mod agreement;
pub mod area;
pub mod audit;
pub mod canonical;
pub mod case;
pub mod checkpoint;
pub mod coordination;
pub mod error;
pub mod geometry;
pub mod ical;
pub mod ids;
pub mod input;
pub mod letter;
pub mod observation;
pub mod patrol;
pub mod pdf;
pub mod permission;
pub mod plan;
pub mod protect;
pub mod query;
pub mod region;
pub mod report;
pub mod report_types;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod sensitivity;
pub mod sharing;
pub mod spreadsheet;
pub mod time;
pub mod totp;
pub mod user;
pub mod warning;
pub mod xlsform;

pub use error::{FieldError, Message, ValidationErrors};
