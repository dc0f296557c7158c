//! Dashboards and exports (ADR 26): a working group's dashboard as its members see it (and
//! as missing to anyone else), letters awaiting an answer until the addressee answers,
//! what an agency owes to whom, and the CSV and XLSX exports read back.

mod api;
