//! Value types settings are made of: the public origin, proxy networks, and
//! secrets that must never reach a log.

use std::{
    fmt,
    net::{IpAddr, SocketAddr},
};

use serde::{de::Error as _, Deserialize, Deserializer};

/// A scheme, host and optional port, as browsers send in `Origin`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
}

impl Origin {
    /// Parses `scheme://host[:port]` (a trailing `/` is tolerated).
    pub fn parse(value: &str) -> Result<Origin, String> {
        let url = url::Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err("the scheme must be http or https".into());
        }
        if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
            return Err("give only scheme, host and port, without a path".into());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("an origin cannot carry credentials".into());
        }
        let host = url
            .host_str()
            .ok_or_else(|| "a host is required".to_string())?;
        Ok(Origin {
            scheme: url.scheme().to_owned(),
            host: host.to_ascii_lowercase(),
            port: url.port(),
        })
    }

    /// The plain-http origin of a socket address.
    pub fn for_addr(addr: SocketAddr) -> Origin {
        let host = match addr.ip() {
            IpAddr::V4(ip) => ip.to_string(),
            IpAddr::V6(ip) => format!("[{ip}]"),
        };
        Origin {
            scheme: "http".into(),
            host,
            port: Some(addr.port()),
        }
    }

    /// Whether the scheme is https.
    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }

    /// Whether the host is this machine (plain http is acceptable there).
    pub fn is_loopback(&self) -> bool {
        let bare = self.host.trim_start_matches('[').trim_end_matches(']');
        bare == "localhost"
            || bare
                .parse::<IpAddr>()
                .map(|ip| ip.is_loopback())
                .unwrap_or(false)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Origin::parse(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// An IP network: an address and a prefix length (`10.0.0.0/8`, `::1/128`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpNet {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl IpNet {
    /// Parses `addr` or `addr/prefix`.
    pub fn parse(text: &str) -> Result<IpNet, String> {
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr
            .trim()
            .parse()
            .map_err(|_| format!("{text:?} is not an IP address or CIDR block"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{text:?} has an invalid prefix length"))?,
            None => max,
        };
        Ok(IpNet { addr, prefix })
    }

    /// Whether `ip` is inside this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl<'de> Deserialize<'de> for IpNet {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IpNet::parse(&String::deserialize(deserializer)?).map_err(D::Error::custom)
    }
}

/// A secret from the environment; `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_contain_their_addresses_only() {
        let block = IpNet::parse("10.0.0.0/8").unwrap();
        assert!(block.contains("10.255.0.1".parse().unwrap()));
        assert!(!block.contains("11.0.0.1".parse().unwrap()));
        assert!(!block.contains("::ffff:10.0.0.1".parse().unwrap()));
        let host = IpNet::parse(" ::1 ").unwrap();
        assert_eq!(host.prefix, 128);
        assert!(IpNet::parse("10.0.0.0/33").is_err());
        assert_eq!(IpNet::parse("0.0.0.0/0").unwrap().prefix, 0);
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        let origin = Origin::parse("https://Auth.Example:8443/").unwrap();
        assert_eq!(origin.to_string(), "https://auth.example:8443");
        assert!(origin.is_https() && !origin.is_loopback());
        assert!(Origin::parse("https://auth.example/login").is_err());
        assert!(Origin::parse("ftp://auth.example").is_err());
        assert!(Origin::parse("https://user:pw@auth.example").is_err());
        let local = Origin::for_addr("[::1]:3000".parse().unwrap());
        assert_eq!(local.to_string(), "http://[::1]:3000");
        assert!(local.is_loopback());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "[redacted]");
    }
}
