//! The server secret: generated on first run into the data folder with
//! owner-only permissions, unless `GATEHOUSE_SECRET_KEY` provides one. Keys
//! for each purpose (the password pepper, ...) are derived from it, so one
//! file is all there is to back up.

use std::{
    fs,
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::Path,
};

use base64::{engine::general_purpose::STANDARD, Engine as _};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

/// File name of the generated secret inside the data folder.
pub const SECRET_FILE: &str = "secret.key";

/// 32 secret bytes. `Debug` never shows them.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([redacted])")
    }
}

/// Why the secret could not be obtained.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("GATEHOUSE_SECRET_KEY must be base64 for at least 32 bytes")]
    BadEnvironmentKey,
    #[error("the secret file {path} is unreadable or malformed: {reason}")]
    BadFile { path: String, reason: String },
    #[error("cannot write the secret file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl SecretKey {
    /// A fresh random key.
    pub fn generate() -> SecretKey {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        SecretKey(bytes)
    }

    /// Uses the environment's key if given, else reads or creates the file.
    pub fn load_or_create(
        env_value: Option<&str>,
        data_dir: &Path,
    ) -> Result<SecretKey, SecretError> {
        if let Some(value) = env_value {
            return decode(value.trim()).ok_or(SecretError::BadEnvironmentKey);
        }
        let path = data_dir.join(SECRET_FILE);
        let shown = path.display().to_string();
        match fs::read_to_string(&path) {
            Ok(text) => {
                restrict_permissions(&path);
                decode(text.trim()).ok_or(SecretError::BadFile {
                    path: shown,
                    reason: "expected base64 for 32 bytes".into(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                let mut file = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                    .map_err(|source| SecretError::Write {
                        path: shown.clone(),
                        source,
                    })?;
                writeln!(file, "{}", STANDARD.encode(key.0)).map_err(|source| {
                    SecretError::Write {
                        path: shown.clone(),
                        source,
                    }
                })?;
                tracing::info!(event = "secret_generated", path = %shown, "generated a new server secret");
                Ok(key)
            }
            Err(e) => Err(SecretError::BadFile {
                path: shown,
                reason: e.to_string(),
            }),
        }
    }

    /// A key for one purpose, derived so purposes never share key material.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }
}

fn decode(text: &str) -> Option<SecretKey> {
    let bytes = STANDARD.decode(text).ok()?;
    let bytes: [u8; 32] = bytes.get(..32)?.try_into().ok()?;
    Some(SecretKey(bytes))
}

fn restrict_permissions(path: &Path) {
    if let Ok(meta) = fs::metadata(path) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "secret file was readable by others; restricting it to the owner");
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(0o600));
        }
    }
}
