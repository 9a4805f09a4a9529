//! When a session ends. tower-sessions offers one expiry; the store enforces
//! these two itself, on every load.

/// The timeouts the session store enforces.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// How long a session lasts without a request (not for remembered ones).
    pub idle_secs: i64,
    /// How long a session lasts after sign-in, however busy.
    pub absolute_secs: i64,
    /// The lifetime of a remembered session (no idle timeout applies).
    pub remember_secs: i64,
}

impl SessionPolicy {
    /// When a session ends: a remembered one a fixed time after sign-in, any
    /// other after the idle timeout or the absolute lifetime, whichever is first.
    pub fn expiry(self, remembered: bool, started_at: i64, last_seen: i64) -> i64 {
        if remembered {
            return started_at + self.remember_secs;
        }
        (last_seen + self.idle_secs).min(started_at + self.absolute_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: SessionPolicy = SessionPolicy {
        idle_secs: 600,
        absolute_secs: 3600,
        remember_secs: 86400,
    };

    #[test]
    fn a_session_ends_at_the_idle_timeout_or_the_absolute_lifetime_whichever_is_first() {
        assert_eq!(POLICY.expiry(false, 0, 100), 700);
        assert_eq!(POLICY.expiry(false, 0, 3500), 3600);
    }

    #[test]
    fn a_remembered_session_ends_a_fixed_time_after_sign_in_however_idle() {
        assert_eq!(POLICY.expiry(true, 50, 50), 86450);
        assert_eq!(POLICY.expiry(true, 50, 80000), 86450);
    }
}
