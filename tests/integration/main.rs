//! Black-box tests of the running server: each test starts its own server on
//! port 0 over its own SQLite file, and talks to it over HTTP with a
//! cookie-jar client, as a browser (with or without JavaScript) or an
//! attacker would.
#![cfg(feature = "ssr")]

mod smtp_server;
mod support;

mod abuse;
mod account_settings;
mod bad_input;
mod csrf;
mod devices;
mod devices_list;
mod devices_sign_out;
mod headers;
mod login;
mod logout;
mod logout_clear_site_data;
mod mail;
mod operations;
mod pages;
mod password_reset;
mod passwords;
mod rate_limits;
mod remember_me;
mod session_renewal;
mod sessions;
mod signup;
mod sudo_mode;
mod verification;
