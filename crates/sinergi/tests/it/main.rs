//! Integration tests of the `sinergi` binary, in one test binary: the command line
//! (`cli`), coordination as a demo user (`coordination`) and a server killed mid-ingest
//! and started again (`crash`).

mod cases;
mod cli;
mod coordination;
mod crash;
mod operations;
