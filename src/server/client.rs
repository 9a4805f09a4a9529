//! Who is on the other end of a request, for logs.

use std::{convert::Infallible, fmt, net::SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{header::USER_AGENT, request::Parts, Extensions, HeaderMap},
};

/// The client's address and user agent, as far as the server can tell.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub addr: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
}

impl Client {
    /// Reads the client from request parts.
    pub fn from_parts(parts: &Parts) -> Client {
        Client::new(&parts.headers, &parts.extensions)
    }

    /// Reads the client from a request's headers and extensions.
    pub fn new(headers: &HeaderMap, extensions: &Extensions) -> Client {
        Client {
            addr: extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip()),
            user_agent: headers
                .get(USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(256).collect()),
        }
    }
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
