//! The audit trail: sensitive access, signed checkpoints, the CSV export.

mod api;
