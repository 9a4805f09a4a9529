//! Sessions: the two-tier store (signed-in in SQLite behind a cache,
//! anonymous in memory), their timeouts, ended sign-ins and renewals, and
//! the one-time notice kept in the session.
//!
//! Lower modules never import higher ones: `codec`, `policy` and `ended`
//! stand alone, `meta` names sign-ins, `renewal` and `cached` build on those,
//! `store` on all of them, and `devices`, `migrate` and `sweep` add to the
//! store.

mod cached;
mod codec;
pub mod devices;
pub mod ended;
pub mod flash;
pub mod meta;
mod migrate;
pub mod policy;
pub mod renewal;
pub mod store;
mod sweep;
#[cfg(test)]
mod test_db;
#[cfg(test)]
mod testing;
