//! BITA's shared crate: compiled natively for the server (feature `ssr`) and to wasm for the
//! browser (feature `hydrate`). `domain` is pure and runs in both; `model` holds the page
//! types the browser shares; `endpoints` (the server functions) and the form posts are the
//! only doors between browser and server; `service` (server only) is the one place a change
//! opens its transaction; `ui` holds the pages per role.
#![recursion_limit = "512"]

pub use engine as domain;
pub mod endpoints;
pub mod i18n;
pub mod model;
pub mod paths;
#[cfg(feature = "ssr")]
pub mod service;
pub mod ui;

/// Browser entry point. BITA uses Leptos islands: pages are rendered on the server and only
/// the interactive parts (islands) are hydrated, which keeps the download small for old phones.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
