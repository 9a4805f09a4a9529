//! Keeps a signed-out session from coming back when its id is renewed.
//!
//! tower-sessions renews a session id (`Session::cycle_id`, at every password
//! confirmation) in two steps: the old row is deleted at once, and the new
//! one is created when the response is saved. A session signed out from
//! another device, or by a password change, while its own request runs would
//! otherwise come back under the new id. So the session store notes here,
//! under its write lock, which sign-ins are between those two steps and which
//! ended lately, and refuses to create a session for an ended one.
//!
//! A sign-in is named by `meta::sign_in_key`: renewals keep it, so it also names
//! the device on the devices page.

use std::collections::HashMap;

use super::{
    ended::EndReason,
    meta::{sign_in_key, AuthMeta},
};

/// How long an ended sign-in is remembered: far longer than any request runs.
const ENDED_MEMORY_SECS: i64 = 3600;

/// How long a deleted signed-in row counts as a renewal in progress.
const RENEWAL_MEMORY_SECS: i64 = 300;

/// A signed-in session whose row was deleted and that may be created again
/// under a new id (or was logged out, in which case nothing follows).
struct Renewing {
    user_id: i64,
    /// Its device handle.
    handle: String,
    since: i64,
}

/// What the session store knows of renewals; see the module's comment.
#[derive(Default)]
pub struct Renewals {
    /// Why each ended (`None`: on its own browser, which needs no notice).
    ended: HashMap<String, (i64, Option<EndReason>)>,
    renewing: HashMap<String, Renewing>,
}

impl Renewals {
    /// A signed-in session's row was deleted.
    pub fn deleted(&mut self, meta: &AuthMeta, handle: String, now: i64) {
        self.forget_old_renewals(now);
        let key = sign_in_key(meta);
        if self.ended.contains_key(&key) {
            return; // a logout or switch of account: nothing is renewing
        }
        let renewing = Renewing {
            user_id: meta.user_id,
            handle,
            since: now,
        };
        self.renewing.insert(key, renewing);
    }

    fn forget_old_renewals(&mut self, now: i64) {
        self.renewing
            .retain(|_, r| now - r.since < RENEWAL_MEMORY_SECS);
    }

    /// A session was stored for this sign-in: its renewal, if any, is over.
    pub fn created(&mut self, meta: &AuthMeta) {
        self.renewing.remove(&sign_in_key(meta));
    }

    /// This sign-in's sessions were ended.
    pub fn ended(&mut self, meta: &AuthMeta, reason: Option<EndReason>, now: i64) {
        self.ended
            .retain(|_, (ended_at, _)| now - *ended_at < ENDED_MEMORY_SECS);
        let key = sign_in_key(meta);
        self.renewing.remove(&key);
        self.ended.insert(key, (now, reason));
    }

    /// Ends the renewals in progress of `user_id` whose device handle
    /// `selects` picks. Returns how many.
    pub fn end_renewing(
        &mut self,
        user_id: i64,
        selects: impl Fn(&str) -> bool,
        reason: EndReason,
        now: i64,
    ) -> u64 {
        self.forget_old_renewals(now);
        let keys: Vec<String> = self
            .renewing
            .iter()
            .filter(|(_, r)| r.user_id == user_id && selects(&r.handle))
            .map(|(key, _)| key.clone())
            .collect();
        for key in &keys {
            self.renewing.remove(key);
            self.ended.insert(key.clone(), (now, Some(reason)));
        }
        keys.len() as u64
    }

    /// Whether this sign-in ended lately, and why.
    pub fn ended_reason(&self, meta: &AuthMeta) -> Option<Option<EndReason>> {
        self.ended
            .get(&sign_in_key(meta))
            .map(|(_, reason)| *reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::server::session::meta::fixture::meta;

    #[test]
    fn a_renewal_caught_by_a_sign_out_is_refused_with_its_reason() {
        let mut renewals = Renewals::default();
        renewals.deleted(&meta("a"), "handle-a".into(), 100);
        renewals.deleted(&meta("b"), "handle-b".into(), 100);
        let ended = renewals.end_renewing(7, |h| h == "handle-a", EndReason::Revoked, 101);
        assert_eq!(ended, 1);
        assert_eq!(
            renewals.ended_reason(&meta("a")),
            Some(Some(EndReason::Revoked))
        );
        assert_eq!(renewals.ended_reason(&meta("b")), None);
    }

    #[test]
    fn a_renewal_that_finished_is_not_caught_by_a_later_sign_out() {
        let mut renewals = Renewals::default();
        renewals.deleted(&meta("a"), "handle-a".into(), 100);
        renewals.created(&meta("a"));
        assert_eq!(
            renewals.end_renewing(7, |_| true, EndReason::Revoked, 101),
            0
        );
    }

    #[test]
    fn a_deleted_row_stops_counting_as_a_renewal_after_a_while() {
        let mut renewals = Renewals::default();
        renewals.deleted(&meta("a"), "handle-a".into(), 100);
        let later = 100 + RENEWAL_MEMORY_SECS;
        assert_eq!(
            renewals.end_renewing(7, |_| true, EndReason::Revoked, later),
            0
        );
    }

    #[test]
    fn a_sign_in_ended_on_its_own_browser_is_refused_without_a_reason_for_a_while() {
        let mut renewals = Renewals::default();
        renewals.ended(&meta("a"), None, 100);
        // Its logout's own delete is no renewal.
        renewals.deleted(&meta("a"), "handle-a".into(), 100);
        assert_eq!(
            renewals.end_renewing(7, |_| true, EndReason::Revoked, 101),
            0
        );
        assert_eq!(renewals.ended_reason(&meta("a")), Some(None));
        // Remembered until another sign-in ends that much later.
        renewals.ended(&meta("b"), None, 100 + ENDED_MEMORY_SECS);
        assert_eq!(renewals.ended_reason(&meta("a")), None);
    }
}
