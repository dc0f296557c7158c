//! Area profiles through the API and the pages: a village's profile on a roadmap, its
//! stage moved and the history kept; unknown and non-village codes, a stage outside the
//! roadmap, a second profile of the same code and stale edits refused; posts and their
//! reports, one overdue; the demo's Kota Bambu Selatan page.

mod api;
mod pages;
