//! The settings contract: defaults, layering, refusals and their messages.

use super::*;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_apply_without_a_file() {
    let s = Settings::from_sources(None, "Leptos.toml", &[]).unwrap();
    assert_eq!(s.passwords.bcrypt_cost, 12);
    assert_eq!(s.sessions.session_idle_timeout_secs, 1800);
    assert_eq!(s.passwords.password_min_length, 15);
}

#[test]
fn environment_overrides_the_file() {
    let s = Settings::from_sources(
        Some("bcrypt_cost = 11\n"),
        "Leptos.toml",
        &env(&[("GATEHOUSE_BCRYPT_COST", "13")]),
    )
    .unwrap();
    assert_eq!(s.passwords.bcrypt_cost, 13);
}

#[test]
fn invalid_values_name_the_key_and_source() {
    let err = Settings::from_sources(None, "Leptos.toml", &env(&[("GATEHOUSE_BCRYPT_COST", "4")]))
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bcrypt_cost"), "{text}");
    assert!(text.contains("GATEHOUSE_BCRYPT_COST"), "{text}");

    let err = Settings::from_sources(Some("colour = 1\n"), "Leptos.toml", &[]).unwrap_err();
    assert!(err.to_string().contains("colour"));
}

#[test]
fn trusted_proxies_accept_addresses_and_blocks() {
    let s = Settings::from_sources(
        Some("trusted_proxies = [\"10.0.0.0/8\", \"::1\"]\n"),
        "Leptos.toml",
        &[],
    )
    .unwrap();
    assert!(s.site.trusted_proxies[0].contains("10.1.2.3".parse().unwrap()));
    assert!(!s.site.trusted_proxies[0].contains("11.0.0.1".parse().unwrap()));
    assert!(s.site.trusted_proxies[1].contains("::1".parse().unwrap()));
    let s = Settings::from_sources(
        None,
        "Leptos.toml",
        &env(&[("GATEHOUSE_TRUSTED_PROXIES", "127.0.0.1, 192.168.0.0/16")]),
    )
    .unwrap();
    assert_eq!(s.site.trusted_proxies.len(), 2);
    assert!(
        Settings::from_sources(Some("trusted_proxies = [\"nope\"]\n"), "Leptos.toml", &[]).is_err()
    );
    for everyone in ["0.0.0.0/0", "::/0"] {
        let err = Settings::from_sources(
            None,
            "Leptos.toml",
            &env(&[("GATEHOUSE_TRUSTED_PROXIES", everyone)]),
        )
        .unwrap_err();
        assert!(err.to_string().contains("trusted_proxies"), "{err}");
    }
}

#[test]
fn a_misspelt_variable_stops_startup() {
    let err = Settings::from_sources(
        None,
        "Leptos.toml",
        &env(&[("GATEHOUSE_BCRYPT_CSOT", "14")]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("GATEHOUSE_BCRYPT_CSOT"), "{err}");
    let fine = env(&[
        ("GATEHOUSE_CONFIG", "/dev/null"),
        ("GATEHOUSE_SECRET_KEY", "x"),
        ("GATEHOUSE_SMTP_USERNAME", "u"),
        ("GATEHOUSE_SMTP_PASSWORD", "p"),
        ("GATEHOUSE_BCRYPT_COST", "12"),
    ]);
    assert!(Settings::from_sources(None, "Leptos.toml", &fine).is_ok());
}

#[test]
fn the_log_mail_transport_is_refused_for_an_https_site() {
    let err = Settings::from_sources(
        Some("public_origin = \"https://auth.example\"\nmail_transport = \"log\"\n"),
        "Leptos.toml",
        &[],
    )
    .unwrap_err();
    assert!(err.to_string().contains("mail_transport"), "{err}");
    assert!(Settings::from_sources(Some("mail_transport = \"log\"\n"), "Leptos.toml", &[]).is_ok());
}

#[test]
fn plain_http_is_refused_off_localhost() {
    let err = Settings::from_sources(
        Some("public_origin = \"http://example.com\"\n"),
        "Leptos.toml",
        &[],
    )
    .unwrap_err();
    assert!(err.to_string().contains("public_origin"));
    assert!(Settings::from_sources(
        Some("public_origin = \"https://example.com\"\n"),
        "Leptos.toml",
        &[]
    )
    .is_ok());
}

#[test]
fn messages_name_the_key_the_source_and_the_value() {
    let err = Settings::from_sources(None, "Leptos.toml", &env(&[("GATEHOUSE_BCRYPT_COST", "4")]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid setting `bcrypt_cost` (from environment variable GATEHOUSE_BCRYPT_COST): \
         must be between 10 and 20, got 4"
    );
    let err = Settings::from_sources(Some("smtp_port = \"x\"\n"), "/etc/gh.toml", &[]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid setting `smtp_port` (from /etc/gh.toml): expected a whole number, got \"x\""
    );
    let err = Settings::from_sources(Some("email_verification = \"maybe\"\n"), "f.toml", &[])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid setting `email_verification` (from f.toml): \
         expected \"required\" or \"optional\", got \"maybe\""
    );
    let err = Settings::from_sources(
        None,
        "Leptos.toml",
        &env(&[("GATEHOUSE_MAIL_TRANSPORT", "pigeon")]),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .ends_with("expected \"file\", \"smtp\" or \"log\", got \"pigeon\""),
        "{err}"
    );
    let err = Settings::from_sources(Some("allow_insecure_http = 3\n"), "f.toml", &[]).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("(from f.toml): expected true or false, got integer"),
        "{err}"
    );
    let err = Settings::from_sources(Some("smtp_host = 25\n"), "f.toml", &[]).unwrap_err();
    assert!(err.to_string().contains("`smtp_host`"), "{err}");
    let err = Settings::from_sources(Some("colour = 1\n"), "f.toml", &[]).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "invalid setting `colour` (from f.toml): unknown key; known keys are: site_addr, "
        ),
        "{err}"
    );
}

#[test]
fn environment_strings_are_read_as_the_field_type() {
    let s = Settings::from_sources(
        None,
        "Leptos.toml",
        &env(&[
            ("GATEHOUSE_ALLOW_INSECURE_HTTP", "yes"),
            ("GATEHOUSE_PUBLIC_ORIGIN", "http://intranet.example"),
            ("GATEHOUSE_EMAIL_VERIFICATION", " optional "),
            ("GATEHOUSE_SMTP_PORT", "2525"),
            ("GATEHOUSE_SMTP_SECURITY", "tls"),
            ("GATEHOUSE_SESSION_CLEANUP_INTERVAL_SECS", "30"),
            ("GATEHOUSE_PASSWORD_MIN_LENGTH", "8"),
            ("GATEHOUSE_TRUSTED_PROXIES", ""),
            ("GATEHOUSE_DATABASE_URL", "sqlite::memory:"),
        ]),
    )
    .unwrap();
    assert!(s.site.allow_insecure_http);
    assert_eq!(
        s.site.public_origin.as_ref().unwrap().host,
        "intranet.example"
    );
    assert_eq!(
        s.verification.email_verification,
        EmailVerification::Optional
    );
    assert_eq!(s.mail.smtp_port, 2525);
    assert_eq!(s.mail.smtp_security, SmtpSecurity::Tls);
    assert_eq!(s.sessions.session_cleanup_interval_secs, 30);
    assert_eq!(s.passwords.password_min_length, 8);
    assert!(s.site.trusted_proxies.is_empty());
    assert_eq!(s.database_url(), "sqlite::memory:");

    // The file may quote what the environment has to.
    let s = Settings::from_sources(
        Some("bcrypt_cost = \"13\"\ntrusted_proxies = \"10.0.0.1, 10.0.0.2\"\n"),
        "Leptos.toml",
        &[],
    )
    .unwrap();
    assert_eq!(s.passwords.bcrypt_cost, 13);
    assert_eq!(s.site.trusted_proxies.len(), 2);
}

#[test]
fn empty_strings_leave_optional_keys_unset() {
    let s = Settings::from_sources(
        Some("public_origin = \"\"\ndatabase_url = \" \"\nmail_from = \"\"\n"),
        "Leptos.toml",
        &[],
    )
    .unwrap();
    assert!(s.site.public_origin.is_none());
    assert_eq!(s.database_url(), "sqlite://data/gatehouse.db");
    assert!(s.mail.mail_from.is_empty());
    for bad in [
        "data_dir = \"\"\n",
        "database_url = \"postgres://db\"\n",
        "mail_from = \"not a mailbox\"\n",
        "log_level = \"gatehouse=loud\"\n",
        "site_addr = \"localhost\"\n",
        "public_origin = \"https://auth.example/path\"\n",
    ] {
        let key = bad.split(' ').next().unwrap();
        let err = Settings::from_sources(Some(bad), "Leptos.toml", &[]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with(&format!("invalid setting `{key}` (from Leptos.toml)")),
            "{err}"
        );
    }
}

#[test]
fn environment_only_secrets_are_no_keys() {
    assert!(!keys().contains(&"secret_key"));
    assert!(!keys().contains(&"smtp_credentials"));
    let s = Settings::from_sources(
        None,
        "Leptos.toml",
        &env(&[
            ("GATEHOUSE_SECRET_KEY", "c2VjcmV0"),
            ("GATEHOUSE_SMTP_USERNAME", "mailer"),
            ("GATEHOUSE_SMTP_PASSWORD", "pw"),
        ]),
    )
    .unwrap();
    assert_eq!(s.site.secret_key.unwrap().0, "c2VjcmV0");
    let (user, password) = s.mail.smtp_credentials.unwrap();
    assert_eq!((user.as_str(), password.0.as_str()), ("mailer", "pw"));
    let err = Settings::from_sources(Some("secret_key = \"x\"\n"), "Leptos.toml", &[]).unwrap_err();
    assert!(err.to_string().contains("unknown key"), "{err}");
}

#[test]
fn every_number_has_bounds_that_fit_its_field() {
    for (key, ..) in BOUNDS {
        assert!(keys().contains(key), "BOUNDS names {key}, which is no key");
    }
    for key in keys() {
        let name = format!("GATEHOUSE_{}", key.to_ascii_uppercase());
        if let Err(err) = Settings::from_sources(None, "Leptos.toml", &env(&[(&name, "1")])) {
            assert!(
                !err.to_string().contains("no bounds"),
                "{key} is a number without an entry in BOUNDS"
            );
        }
    }
    for &(key, min, max) in BOUNDS {
        let name = format!("GATEHOUSE_{}", key.to_ascii_uppercase());
        for fits in [min, max] {
            let value = fits.to_string();
            Settings::from_sources(None, "Leptos.toml", &env(&[(&name, &value)]))
                .unwrap_or_else(|e| panic!("{key} = {fits}: {e}"));
        }
        for outside in [min - 1, max + 1] {
            let value = outside.to_string();
            let err =
                Settings::from_sources(None, "Leptos.toml", &env(&[(&name, &value)])).unwrap_err();
            assert!(err.to_string().contains("must be between"), "{err}");
        }
    }
}

#[test]
fn the_documented_settings_file_lists_every_key_at_its_default() {
    let text = include_str!("../../../../Leptos.toml");
    let file: toml::Table = text.parse().unwrap();
    let mut documented: Vec<&str> = file.keys().map(String::as_str).collect();
    let mut declared = keys().to_vec();
    documented.sort_unstable();
    declared.sort_unstable();
    assert_eq!(documented, declared);
    let loaded = Settings::from_sources(Some(text), "Leptos.toml", &[]).unwrap();
    assert_eq!(format!("{loaded:?}"), format!("{:?}", Settings::default()));
}
