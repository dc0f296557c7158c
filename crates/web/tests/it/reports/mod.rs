//! Reports: writing, reading, filtering and exporting them.

mod api;
mod batch;
mod pages;
