//! Integration tests of the `sinergi` binary, in one test binary: the command line
//! (`cli`) and a server killed mid-ingest and started again (`crash`).

mod cli;
mod crash;
mod operations;
