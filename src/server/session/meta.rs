//! The sign-in facts kept in a session's data, and the names derived from
//! them that survive a renewal of the session id.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::codec::{hex, Key};

/// Session key of the sign-in facts the store needs for expiry.
pub const AUTH_META_KEY: &str = "gh.auth";

/// Facts recorded in the session when a user signs in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuthMeta {
    /// Who signed in.
    pub user_id: i64,
    /// When the user signed in (Unix seconds); the absolute lifetime counts from here.
    pub authenticated_at: i64,
    /// "Remember me": the cookie outlives the browser, no idle timeout.
    #[serde(default)]
    pub remember: bool,
    /// When the password was last entered on this session (sudo mode).
    #[serde(default)]
    pub reauthenticated_at: i64,
    /// Where the sign-in came from, for the devices page.
    #[serde(default)]
    pub client: Option<String>,
    /// The browser's `User-Agent`, for the devices page.
    #[serde(default)]
    pub user_agent: Option<String>,
    /// Names this sign-in; kept when the session id is renewed.
    #[serde(default)]
    pub sign_in_id: String,
}

impl AuthMeta {
    /// A fresh, unguessable sign-in id.
    pub fn new_sign_in_id() -> String {
        format!("{:032x}", rand::random::<u128>())
    }
}

/// The sign-in facts in a session's data, if someone is signed in.
pub fn auth_meta(data: &HashMap<String, Value>) -> Option<AuthMeta> {
    data.get(AUTH_META_KEY)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
}

/// The sign-in facts in a stored session's data.
pub fn meta_in(data: &[u8]) -> Option<AuthMeta> {
    serde_json::from_slice(data)
        .ok()
        .and_then(|d| auth_meta(&d))
}

/// The name of a sign-in: its random id or, for a session from before
/// sign-ins had one that startup has not named yet
/// (`SessionStore::name_unnamed_sign_ins`), the user and the time of sign-in
/// (both kept across renewals).
pub fn sign_in_key(meta: &AuthMeta) -> String {
    if meta.sign_in_id.is_empty() {
        format!("{}@{}", meta.user_id, meta.authenticated_at)
    } else {
        meta.sign_in_id.clone()
    }
}

/// The device handle of a sign-in (see `DeviceSession::handle`). It names
/// the sign-in, not the session id, so it stays valid when the id is renewed.
pub fn handle_of(meta: &AuthMeta) -> String {
    let digest: Key = Sha256::digest(format!("device:{}", sign_in_key(meta))).into();
    hex(&digest)[..16].to_owned()
}

/// Sign-in facts for unit tests: user 7, signed in at 1000.
#[cfg(test)]
pub(super) mod fixture {
    use super::AuthMeta;

    pub fn meta(sign_in_id: &str) -> AuthMeta {
        AuthMeta {
            user_id: 7,
            authenticated_at: 1000,
            remember: false,
            reauthenticated_at: 1000,
            client: None,
            user_agent: None,
            sign_in_id: sign_in_id.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::fixture::meta;

    #[test]
    fn a_sign_in_from_before_sign_in_ids_is_named_by_its_user_and_time() {
        assert_eq!(sign_in_key(&meta("")), "7@1000");
        assert_eq!(sign_in_key(&meta("abc")), "abc");
    }

    #[test]
    fn a_device_handle_is_16_hex_digits_that_differ_per_sign_in() {
        let one = handle_of(&meta(&AuthMeta::new_sign_in_id()));
        let other = handle_of(&meta(&AuthMeta::new_sign_in_id()));
        assert_eq!(one.len(), 16);
        assert!(one.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(one, other);
    }

    #[test]
    fn facts_missing_from_an_older_session_take_their_defaults() {
        let data: HashMap<String, Value> = serde_json::from_str(
            r#"{"gh.auth": {"user_id": 7, "authenticated_at": 1000}, "other": 1}"#,
        )
        .unwrap();
        let read = auth_meta(&data).unwrap();
        assert_eq!(
            read,
            AuthMeta {
                reauthenticated_at: 0,
                ..meta("")
            }
        );
        assert_eq!(meta_in(&serde_json::to_vec(&data).unwrap()), Some(read));
        assert_eq!(auth_meta(&HashMap::new()), None);
    }
}
