//! gazette: a terminal news reader. The library holds everything; `main.rs` only wires it up.

pub mod action;
pub mod app;
pub mod config;
pub mod config_error;
pub mod dates;
pub mod feed;
pub mod fetch;
pub mod filter;
pub mod html;
pub mod ingest;
pub mod keymap;
pub mod layout;
pub mod links;
pub mod news;
pub mod opml;
pub mod reader;
pub mod sanitize;
pub mod source;
pub mod store;
pub mod subscriptions;
pub mod terminal;
pub mod text;
pub mod ui;
pub mod workers;
