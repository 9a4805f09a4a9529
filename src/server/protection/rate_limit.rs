//! Per-address rate limits (token buckets, `governor`) on the endpoints an
//! attacker would hammer: login, signup, password reset, resend
//! verification and the password check; and on new sessions, since every
//! first page view stores one server-side. `http::limits` applies them:
//! over the limit, 429 with `Retry-After`.

use std::{
    collections::HashMap,
    net::{IpAddr, Ipv6Addr},
    num::NonZeroU32,
    sync::Mutex,
    time::Duration,
};

use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::routes::endpoint::{
    path, CheckPassword, Login, RequestPasswordReset, ResendVerification, Signup,
};
use crate::server::config::settings::Settings;

/// The bucket for page views that start a session (a browser starts one and
/// keeps its cookie; a client that never keeps it would grow the session
/// table without bound).
pub const NEW_SESSION: &str = "new session";

/// The limited endpoints and their buckets.
pub struct RateLimits {
    limiters: HashMap<&'static str, DefaultKeyedRateLimiter<IpAddr>>,
    /// When each address was last logged as limited, so a flood writes one
    /// security event a minute, not one per request.
    logged: Mutex<HashMap<IpAddr, i64>>,
}

impl RateLimits {
    pub fn new(settings: &Settings) -> RateLimits {
        let per_minute = |n: u32| {
            RateLimiter::keyed(Quota::per_minute(
                NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN),
            ))
        };
        let limiters = HashMap::from([
            (
                path::<Login>(),
                per_minute(settings.throttles.rate_limit_login_per_minute),
            ),
            (
                path::<Signup>(),
                per_minute(settings.throttles.rate_limit_signup_per_minute),
            ),
            (
                path::<RequestPasswordReset>(),
                per_minute(settings.throttles.rate_limit_password_reset_per_minute),
            ),
            (
                path::<ResendVerification>(),
                per_minute(settings.throttles.rate_limit_resend_verification_per_minute),
            ),
            (
                path::<CheckPassword>(),
                per_minute(settings.throttles.rate_limit_password_check_per_minute),
            ),
            (
                NEW_SESSION,
                per_minute(settings.throttles.rate_limit_new_sessions_per_minute),
            ),
        ]);
        RateLimits {
            limiters,
            logged: Mutex::new(HashMap::new()),
        }
    }

    /// `Ok`, or how many seconds until `addr` may call `path` (or start a
    /// session, [`NEW_SESSION`]) again.
    pub fn check(&self, path: &str, addr: IpAddr) -> Result<(), u64> {
        let Some(limiter) = self.limiters.get(path) else {
            return Ok(());
        };
        limiter.check_key(&bucket_of(addr)).map_err(|not_until| {
            let wait: Duration =
                not_until.wait_time_from(governor::clock::DefaultClock::default().now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }

    /// Forgets addresses whose buckets are full again (memory stays bounded).
    pub fn forget_idle(&self, now: i64) {
        for limiter in self.limiters.values() {
            limiter.retain_recent();
        }
        if let Ok(mut logged) = self.logged.lock() {
            logged.retain(|_, at| now - *at < 60);
        }
    }

    /// Whether a refusal for `addr` should be logged (once a minute at most).
    pub fn should_log(&self, addr: IpAddr, now: i64) -> bool {
        let Ok(mut logged) = self.logged.lock() else {
            return false;
        };
        match logged.get(&addr) {
            Some(at) if now - *at < 60 => false,
            _ => {
                logged.insert(addr, now);
                true
            }
        }
    }
}

/// The key an address is counted under. An IPv6 client usually holds a
/// whole /64 and could rotate through it, so a /64 is one client.
fn bucket_of(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !(u128::from(u64::MAX)))),
        },
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_slash_64_is_one_client() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(bucket_of(a), bucket_of(b));
        assert_ne!(bucket_of(a), bucket_of(other));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        assert_eq!(bucket_of(mapped), "192.0.2.7".parse::<IpAddr>().unwrap());
        let v4: IpAddr = "192.0.2.8".parse().unwrap();
        assert_eq!(bucket_of(v4), v4);
    }

    #[test]
    fn addresses_in_one_slash_64_share_a_bucket() {
        use crate::server::config::settings::ThrottleSettings;
        let settings = Settings {
            throttles: ThrottleSettings {
                rate_limit_login_per_minute: 1,
                ..ThrottleSettings::default()
            },
            ..Settings::default()
        };
        let limits = RateLimits::new(&settings);
        assert!(limits
            .check(path::<Login>(), "2001:db8::1".parse().unwrap())
            .is_ok());
        assert!(limits
            .check(path::<Login>(), "2001:db8::2".parse().unwrap())
            .is_err());
        assert!(limits
            .check(path::<Login>(), "2001:db8:0:1::1".parse().unwrap())
            .is_ok());
    }
}
