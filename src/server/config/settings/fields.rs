//! Checks for keys whose type alone does not say which values are valid,
//! used as `#[serde(deserialize_with)]` on their fields.

use std::{net::SocketAddr, path::PathBuf};

use serde::{de::Error as _, Deserialize, Deserializer};

use super::IpNet;

/// `host:port`, with an example in the message (the parser's says only "invalid").
pub(super) fn socket_addr<'de, D: Deserializer<'de>>(d: D) -> Result<SocketAddr, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(|_| {
        D::Error::custom(format!(
            "expected host:port, like 127.0.0.1:3000, got {text:?}"
        ))
    })
}

/// An empty `data_dir` would put the database in the working directory.
pub(super) fn non_empty_path<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    let text = String::deserialize(d)?;
    if text.is_empty() {
        return Err(D::Error::custom("must not be empty"));
    }
    Ok(PathBuf::from(text))
}

/// Only SQLite is compiled in; empty means the default file.
pub(super) fn sqlite_url<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let url = Option::<String>::deserialize(d)?;
    if url.as_ref().is_some_and(|url| !url.starts_with("sqlite:")) {
        return Err(D::Error::custom("only sqlite: URLs are supported"));
    }
    Ok(url)
}

/// A `tracing` filter, checked now so a typo does not silence the log later.
pub(super) fn log_filter<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<tracing_subscriber::filter::Targets>()
        .map_err(|e| D::Error::custom(format!("not a log filter ({e})")))?;
    Ok(text)
}

/// A mailbox such as `Gatehouse <no-reply@example.com>`, or empty for the default.
pub(super) fn mailbox<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let from = String::deserialize(d)?;
    if !from.is_empty() && from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(D::Error::custom(format!("not a mailbox, got {from:?}")));
    }
    Ok(from)
}

/// A `/0` block would let any peer name its own address in `X-Forwarded-For`.
pub(super) fn trusted_proxies<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<IpNet>, D::Error> {
    let networks = Vec::<IpNet>::deserialize(d)?;
    if let Some(everyone) = networks.iter().find(|net| net.prefix == 0) {
        return Err(D::Error::custom(format!(
            "{}/0 would trust every peer to name its own address",
            everyone.addr
        )));
    }
    Ok(networks)
}
