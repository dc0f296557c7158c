//! Observations for the early-warning feature: animal-collar fixes and fire hotspots,
//! parsed and validated at the edge so that every rejected input names exactly what is
//! wrong with it.
//!
//! Three inputs are understood:
//!
//! * a collar fix as a JSON object ([`parse_fix`]) or a JSON array of them
//!   ([`parse_fix_batch`]);
//! * a Movebank CSV export ([`parse_movebank`]);
//! * a NASA FIRMS VIIRS or MODIS CSV ([`parse_firms`]).
//!
//! All of them apply the same checks: coordinates must be finite and inside the WGS 84
//! ranges, timestamps may not lie more than [`FUTURE_TOLERANCE_MINUTES`] after `now` nor
//! before 1990-01-01, and a collar fix at exactly 0,0 is refused. The module is pure: the
//! caller passes the CSV text or the parsed JSON and the current time.
//!
//! One submodule per input: `fix` (JSON), `movebank` and `firms` (CSV), with the shared
//! checks in `checks` and the CSV reading in `table`; this module re-exports their API.

mod checks;
mod firms;
mod fix;
mod movebank;
mod table;

/// One problem with one input field; the same type the rest of the crate uses, so API
/// errors for observations look like every other validation error.
pub use crate::error::FieldError;
pub use checks::{FUTURE_TOLERANCE_MINUTES, MAX_DEVICE_CHARS};
pub use firms::{parse_firms, FirmsParse, Hotspot};
pub use fix::{
    parse_fix, parse_fix_batch, parse_fix_batch_bytes, FixInput, FIX_FIELDS, MAX_FIX_BATCH,
};
pub use movebank::{
    parse_movebank, write_movebank, MovebankParse, MovebankRow, MOVEBANK_EXPORT_COLUMNS,
};
pub use table::RowError;
