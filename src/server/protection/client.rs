//! Who is on the other end of a request: the address rate limits and logs
//! use, and the user agent.
//!
//! The address is the socket's peer, unless that peer is a trusted proxy
//! (`trusted_proxies`): then `X-Forwarded-For` is read from the right,
//! skipping trusted hops, and the first untrusted hop is the client. A
//! `X-Forwarded-For` sent by anyone else changes nothing.

use std::{
    convert::Infallible,
    fmt,
    net::{IpAddr, SocketAddr},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header::USER_AGENT, request::Parts, Extensions, HeaderMap},
};

use crate::server::config::settings::IpNet;

/// The client's address and user agent, as far as the server can tell.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub addr: Option<IpAddr>,
    pub user_agent: Option<String>,
}

impl Client {
    /// Reads the client from request parts.
    pub fn from_parts(parts: &Parts) -> Client {
        Client::new(&parts.headers, &parts.extensions)
    }

    /// The client the middleware resolved, or the socket peer if it did not run.
    pub fn new(headers: &HeaderMap, extensions: &Extensions) -> Client {
        extensions
            .get::<Client>()
            .cloned()
            .unwrap_or_else(|| Client::resolve(headers, extensions, &[]))
    }

    /// The client behind `trusted` proxies, from the socket peer and `X-Forwarded-For`.
    pub fn resolve(headers: &HeaderMap, extensions: &Extensions, trusted: &[IpNet]) -> Client {
        let peer = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip());
        Client {
            addr: peer.map(|peer| client_address(peer, headers, trusted)),
            user_agent: headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(256).collect()),
        }
    }
}

fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    // From the right: each trusted hop vouches for the one before it, and
    // anything left of an unreadable entry was written by the client.
    let mut client = peer;
    for hop in hops.into_iter().rev() {
        let Ok(hop) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = hop;
        if !is_trusted(hop) {
            break;
        }
    }
    client
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.addr {
            Some(addr) => write!(f, "{addr}"),
            None => f.write_str("unknown"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Client, Infallible> {
        Ok(Client::from_parts(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(peer, &xff("1.2.3.4"), &[]), peer);
    }

    #[test]
    fn forwarded_hops_are_read_from_the_right_through_trusted_proxies() {
        let trusted = [IpNet::parse("10.0.0.0/8").unwrap()];
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let client = client_address(peer, &xff("6.6.6.6, 198.51.100.7, 10.0.0.2"), &trusted);
        assert_eq!(
            client,
            "198.51.100.7".parse::<IpAddr>().unwrap(),
            "the spoofed left entry is ignored"
        );
        assert_eq!(client_address(peer, &HeaderMap::new(), &trusted), peer);
    }

    #[test]
    fn junk_in_the_forwarded_list_cannot_pick_the_client() {
        let trusted = [IpNet::parse("10.0.0.0/8").unwrap()];
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        // The client sent "1.2.3.4, x"; the proxy appended the real address.
        let client = client_address(peer, &xff("1.2.3.4, x, 203.0.113.5"), &trusted);
        assert_eq!(client, "203.0.113.5".parse::<IpAddr>().unwrap());
        let client = client_address(peer, &xff("1.2.3.4, x"), &trusted);
        assert_eq!(client, peer, "nothing readable was vouched for");
    }
}
