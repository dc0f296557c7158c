//! Official letters: numbering, delivery, receipts, letters from outside.

mod api;
