//! The two layers a setting can come from: the file, then `GATEHOUSE_*`
//! variables over it. A key no group declares is refused here, before any
//! value is read: a misspelt key would otherwise leave a default (maybe a
//! weaker one) in force without a word.

use std::collections::BTreeMap;

use super::{de::Raw, keys, SettingsError, ENV_ONLY, ENV_PREFIX};

/// Every key given, with its value and where it came from; a variable
/// replaces the file's value of the same key.
pub(super) fn merge(
    file_text: Option<&str>,
    file_name: &str,
    env: &[(String, String)],
) -> Result<BTreeMap<String, Raw>, SettingsError> {
    let mut raw = BTreeMap::new();
    if let Some(text) = file_text {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| SettingsError {
            key: "(file)".into(),
            source_name: file_name.into(),
            message: e.message().to_owned(),
        })?;
        for (key, value) in table {
            if !keys().contains(&key.as_str()) {
                return Err(SettingsError {
                    key,
                    source_name: file_name.into(),
                    message: format!("unknown key; known keys are: {}", keys().join(", ")),
                });
            }
            let source_name = file_name.into();
            raw.insert(key, Raw { value, source_name });
        }
    }
    for (name, value) in env {
        let Some(key) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let key = key.to_ascii_lowercase();
        if !keys().contains(&key.as_str()) {
            if ENV_ONLY.contains(&name.as_str()) {
                continue;
            }
            return Err(SettingsError {
                key: name.clone(),
                source_name: "environment".into(),
                message: format!(
                    "unknown variable; known: {} (GATEHOUSE_ + any settings key in capitals)",
                    ENV_ONLY.join(", ")
                ),
            });
        }
        let raw_value = Raw {
            value: toml::Value::String(value.clone()),
            source_name: format!("environment variable {name}"),
        };
        raw.insert(key, raw_value);
    }
    Ok(raw)
}
