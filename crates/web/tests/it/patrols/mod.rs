//! Joint patrols through the API and the pages: members from several agencies, GPX tracks
//! stored once, read back by an independent GPX reader, and bad files refused by line;
//! the demo's joint patrols as the police see them.

mod api;
mod demo;
mod findings;
mod pages;
