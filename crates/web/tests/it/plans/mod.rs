//! Plans through the API and the pages: the Kerinci Seblat Pokja's joint work plan as a
//! tree of goals, programmes and activities; a node under itself or its descendant
//! refused, a responsible agency outside the group refused, stale edits refused; progress
//! against target and time; a roadmap's stage reached; evidence that does not tell what
//! the reader may not see.

mod api;
mod pages;
