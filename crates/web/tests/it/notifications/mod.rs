//! Notifications: links while the report opens, open alerts on the home page.

mod pages;
