//! Coordination through the API and the pages: a Satgas with members from two agencies,
//! its meetings, attendance, minutes and decisions, action items owed by member agencies,
//! open items carried to the next meeting and overdue items by agency; bad input named by
//! field, stale edits refused.

mod api;
mod calendar;
pub(crate) mod outputs;
mod pages;
mod reminders;
