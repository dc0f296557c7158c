//! Sharing: agreements, referrals and break-glass access.

mod api;
mod pages;
