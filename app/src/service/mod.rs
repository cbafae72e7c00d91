//! The service layer (server only): what each role may do, checked for every call (tenant,
//! role and relation from the session and the database, never from ids the browser sends),
//! and the one place a change opens its write transaction (`tx`). One file per aggregate;
//! the storage is reached through the `store` crate's traits.

pub mod api;
pub mod auth;
pub mod benchmark;
pub mod claims;
pub mod context;
pub mod dashboard;
pub mod export;
pub mod identity;
pub mod import;
pub mod kept;
pub mod month;
pub mod otp;
pub mod paging;
pub mod register;
pub mod row_check;
pub mod rows;
pub mod schedule;
pub mod settings;
pub mod setup;
pub mod shifts;
pub mod tx;
mod views;
