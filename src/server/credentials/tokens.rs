//! One-time tokens sent by email: at least 256 bits from the OS's CSPRNG,
//! stored only as a SHA-256, consumed (deleted) on use, expiring.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    VerifyEmail,
    ResetPassword,
    ChangeEmail,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            TokenKind::VerifyEmail => "verify_email",
            TokenKind::ResetPassword => "reset_password",
            TokenKind::ChangeEmail => "change_email",
        }
    }
}

/// A token that was valid when consumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redeemed {
    pub user_id: i64,
    /// The new address, for an email change.
    pub payload: Option<String>,
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates a token; returns the only copy of its plain value.
pub async fn issue(
    conn: &mut SqliteConnection,
    user_id: i64,
    kind: TokenKind,
    payload: Option<&str>,
    now: i64,
    ttl_secs: i64,
) -> Result<String, sqlx::Error> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    sqlx::query(
        "INSERT INTO tokens (token_hash, user_id, kind, payload, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(hash(&token))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(payload)
    .bind(now)
    .bind(now + ttl_secs)
    .execute(conn)
    .await?;
    Ok(token)
}

/// Whether a token (by hash) is live, without using it up.
pub async fn is_live(
    conn: &mut SqliteConnection,
    token_hash: &str,
    kind: TokenKind,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM tokens WHERE token_hash = ? AND kind = ? AND expires_at > ?",
    )
    .bind(token_hash)
    .bind(kind.as_str())
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Uses a token up (by hash): deleted whether or not it had expired, and
/// returned only if it was still live. Two concurrent uses cannot both win.
pub async fn redeem(
    conn: &mut SqliteConnection,
    token_hash: &str,
    kind: TokenKind,
    now: i64,
) -> Result<Option<Redeemed>, sqlx::Error> {
    let row: Option<(i64, Option<String>, i64)> = sqlx::query_as(
        "DELETE FROM tokens WHERE token_hash = ? AND kind = ? RETURNING user_id, payload, expires_at",
    )
    .bind(token_hash)
    .bind(kind.as_str())
    .fetch_optional(conn)
    .await?;
    Ok(row
        .filter(|(_, _, expires_at)| *expires_at > now)
        .map(|(user_id, payload, _)| Redeemed { user_id, payload }))
}

/// Revokes a user's outstanding tokens of the given kinds.
pub async fn revoke(
    conn: &mut SqliteConnection,
    user_id: i64,
    kinds: &[TokenKind],
) -> Result<(), sqlx::Error> {
    for kind in kinds {
        sqlx::query("DELETE FROM tokens WHERE user_id = ? AND kind = ?")
            .bind(user_id)
            .bind(kind.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// All kinds, for "revoke everything".
pub const ALL_KINDS: [TokenKind; 3] = [
    TokenKind::VerifyEmail,
    TokenKind::ResetPassword,
    TokenKind::ChangeEmail,
];
