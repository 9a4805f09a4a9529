//! The server's notion of "now", adjustable so tests can move time forward
//! instead of sleeping through timeouts.

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use time::{Duration, OffsetDateTime};

/// Wall-clock time plus an offset that only tests change; tests can also
/// stop it, so that only `advance` moves time and a second ticking over
/// mid-test cannot change an answer.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
    frozen: bool,
}

impl Clock {
    /// A clock standing still at the current second until advanced.
    pub fn frozen() -> Clock {
        Clock {
            offset_secs: Arc::new(AtomicI64::new(OffsetDateTime::now_utc().unix_timestamp())),
            frozen: true,
        }
    }

    /// The current time in UTC.
    pub fn now(&self) -> OffsetDateTime {
        let offset = Duration::seconds(self.offset_secs.load(Ordering::Relaxed));
        if self.frozen {
            OffsetDateTime::UNIX_EPOCH + offset
        } else {
            OffsetDateTime::now_utc() + offset
        }
    }

    /// The current time as Unix seconds.
    pub fn unix(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves this clock forward (tests use it to pass a timeout).
    pub fn advance(&self, secs: i64) {
        self.offset_secs.fetch_add(secs, Ordering::Relaxed);
    }
}

/// Formats Unix seconds as `2026-11-25 03:21 UTC`.
pub fn format_utc(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "unknown".into())
}
