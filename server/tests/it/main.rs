//! The server's integration tests: one binary (so CI links the server once), a module per
//! area, every test through the real router over real HTTP, on SQLite or, with
//! `BITA_TEST_POSTGRES`, on PostgreSQL. `abuse.rs` is the one binary of its own: its tests
//! measure the process's memory, which other tests running beside them would disturb.

#[path = "../common/mod.rs"]
mod common;

mod api;
mod api_v1;
mod benchmark;
mod eid;
mod export;
mod import;
mod integrity;
mod kept;
mod migrate;
mod otp;
mod reads;
mod register;
mod schedule;
mod servers;
mod settings;
mod setup;
mod shifts;
mod signing;
