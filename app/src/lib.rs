//! BITA's shared crate: compiled natively for the server (feature `ssr`) and to wasm for the
//! browser (feature `hydrate`). `domain` is pure and runs in both; `api` is the only door
//! between browser and server; `ui` holds the pages per role.
#![recursion_limit = "512"]

pub mod api;
pub use engine as domain;
pub mod i18n;
pub mod paths;
pub mod ui;

/// Browser entry point. BITA uses Leptos islands: pages are rendered on the server and only
/// the interactive parts (islands) are hydrated, which keeps the download small for old phones.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
