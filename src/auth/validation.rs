//! The signup rules, compiled into both builds: the browser shows these
//! messages as the user types, and the server enforces them (it never trusts
//! the browser). The common-password list is the one rule only the server
//! checks, because the list is too big for the browser bundle.

/// The longest accepted email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;
/// The longest accepted password, in characters (Unicode code points).
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// The lowest minimum password length a deployment may configure.
pub const LOWEST_MIN_PASSWORD_CHARS: usize = 8;
/// The default minimum password length (NIST SP 800-63B rev 4, single factor).
pub const DEFAULT_MIN_PASSWORD_CHARS: usize = 15;

/// Why a password from a known breach is refused (the server decides; the
/// browser asks it and shows the same words).
pub const BREACHED_MESSAGE: &str =
    "This password has appeared in a data breach, so attackers try it early. Choose a different one.";

/// Unicode NFKC normalisation, so that visually identical input compares equal.
#[cfg(feature = "hydrate")]
pub fn nfkc(value: &str) -> String {
    // The browser ships its own Unicode tables; using them keeps ours out of the bundle.
    js_sys::JsString::from(value).normalize("NFKC").into()
}

/// Unicode NFKC normalisation, so that visually identical input compares equal.
#[cfg(not(feature = "hydrate"))]
pub fn nfkc(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    value.nfkc().collect()
}

/// The canonical form of an email address: trimmed, NFKC, lower case, and
/// (on the server) an internationalised domain written in Unicode, so that
/// `bücher.de` and its ASCII form `xn--bcher-kva.de` are one address.
/// Accounts are unique on this form.
pub fn canonical_email(raw: &str) -> String {
    unicode_domain(nfkc(raw.trim()).to_lowercase())
}

#[cfg(feature = "ssr")]
fn unicode_domain(email: String) -> String {
    match email.rsplit_once('@') {
        Some((local, domain)) if domain.contains("xn--") => match idna::domain_to_unicode(domain) {
            (unicode, Ok(())) => format!("{local}@{unicode}"),
            (_, Err(_)) => email,
        },
        _ => email,
    }
}

// The browser only shows the shape of an address; the server decides.
#[cfg(not(feature = "ssr"))]
fn unicode_domain(email: String) -> String {
    email
}

/// Checks a canonical email address given for a new account or a new
/// address: it must be one mail can be sent to.
pub fn check_email(email: &str) -> Result<(), String> {
    check_email_to_look_up(email)?;
    if !looks_like_address(email) {
        return Err(INVALID_EMAIL.into());
    }
    Ok(())
}

/// Checks a canonical email address used to find an existing account (a
/// password reset): only its size and an `@`, so an account whose address
/// predates the stricter rules of [`check_email`] can still be reached.
pub fn check_email_to_look_up(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("Enter your email address.".into());
    }
    if email.chars().count() > MAX_EMAIL_CHARS {
        return Err(format!(
            "Email addresses can be at most {MAX_EMAIL_CHARS} characters."
        ));
    }
    match email.rsplit_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() => Ok(()),
        _ => Err(INVALID_EMAIL.into()),
    }
}

const INVALID_EMAIL: &str = "Enter a valid email address, like name@example.com.";

fn looks_like_address(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    // 64 octets, as mail servers count (RFC 5321).
    local.len() <= 64 && is_dot_atom(local) && is_domain(domain) && mail_accepts(email)
}

/// RFC 5322's dot-atom, with RFC 6531's UTF-8: the local parts mail servers
/// take unquoted. (Quoted ones, such as `"a b"@x.com`, are refused: almost
/// nobody has one, and they are easy to confuse.)
fn is_dot_atom(local: &str) -> bool {
    local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || is_other_text(c)
}

/// Non-ASCII characters that can be seen: not spaces, controls, or the
/// invisible ones (zero-width spaces, direction overrides, ...) that would let
/// two addresses look alike.
fn is_other_text(c: char) -> bool {
    !c.is_ascii() && !c.is_whitespace() && !c.is_control() && !is_default_ignorable(c)
}

/// Unicode's Default_Ignorable_Code_Point property (DerivedCoreProperties.txt).
fn is_default_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'..='\u{1160}'
            | '\u{17B4}'..='\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A host name: dot-separated labels of letters, digits and inner hyphens
/// (or non-ASCII, for internationalised names), with at least two labels,
/// the last not all digits (that would be an IP address).
fn is_domain(domain: &str) -> bool {
    domain.contains('.')
        && !domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().count() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || is_other_text(c))
        })
}

/// The server also asks the mailer whether it can address the mail, so an
/// account never gets an address its messages cannot be sent to.
#[cfg(feature = "ssr")]
fn mail_accepts(email: &str) -> bool {
    email.parse::<lettre::Address>().is_ok()
}

#[cfg(not(feature = "ssr"))]
fn mail_accepts(_email: &str) -> bool {
    true
}

/// Checks a (normalised) new password against the policy. `email` is the
/// canonical email of the account, used to refuse passwords that contain it.
pub fn check_password(password: &str, email: &str, min_chars: usize) -> Result<(), String> {
    let chars = password.chars().count();
    if chars == 0 {
        return Err("Enter a password.".into());
    }
    if chars < min_chars {
        return Err(format!(
            "Use at least {min_chars} characters (this has {chars}). A few unrelated words make a good one."
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(format!("Use at most {MAX_PASSWORD_CHARS} characters."));
    }
    let local = email.split('@').next().unwrap_or_default();
    if local.chars().count() >= 3 && password.to_lowercase().contains(local) {
        return Err("Don't use your email address in your password.".into());
    }
    Ok(())
}

/// Checks that the confirmation repeats the password.
pub fn check_confirmation(password: &str, confirmation: &str) -> Result<(), String> {
    if confirmation.is_empty() {
        return Err("Repeat your password.".into());
    }
    if password != confirmation {
        return Err("The passwords don't match.".into());
    }
    Ok(())
}

/// A rough, rule-free hint of how guessable a password is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    TooShort,
    Weak,
    Fair,
    Strong,
    VeryStrong,
}

impl Strength {
    pub fn label(self) -> &'static str {
        match self {
            Strength::TooShort => "Too short",
            Strength::Weak => "Weak",
            Strength::Fair => "Fair",
            Strength::Strong => "Strong",
            Strength::VeryStrong => "Very strong",
        }
    }

    /// A 0..=4 level for the meter.
    pub fn level(self) -> u8 {
        self as u8
    }
}

/// Estimates strength from length and variety. It never blocks a password:
/// the policy above does that; this only nudges.
pub fn estimate_strength(password: &str, min_chars: usize) -> Strength {
    let chars: Vec<char> = password.chars().collect();
    if chars.len() < min_chars {
        return Strength::TooShort;
    }
    let mut distinct = chars.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let classes = [
        chars.iter().any(|c| c.is_lowercase()),
        chars.iter().any(|c| c.is_uppercase()),
        chars.iter().any(|c| c.is_numeric()),
        chars.iter().any(|c| c.is_whitespace()),
        chars
            .iter()
            .any(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ]
    .iter()
    .filter(|present| **present)
    .count();
    // Rough bits: distinct symbols carry more than repeats; variety adds a little.
    let bits = distinct.len() * 4 + (chars.len() - distinct.len()) + classes * 3;
    match bits {
        0..=44 => Strength::Weak,
        45..=64 => Strength::Fair,
        65..=89 => Strength::Strong,
        _ => Strength::VeryStrong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_email_trims_normalises_and_lowercases() {
        assert_eq!(canonical_email("  Alice@Example.COM "), "alice@example.com");
        assert_eq!(canonical_email("Hans@XN--BCHER-KVA.de"), "hans@bücher.de");
        assert_eq!(
            canonical_email("hans@xn--invalid-.de"),
            "hans@xn--invalid-.de"
        );
        // Fullwidth letters fold to ASCII under NFKC.
        assert_eq!(
            canonical_email("ａｌｉｃｅ@example.com"),
            "alice@example.com"
        );
    }

    #[test]
    fn email_shapes() {
        for good in [
            "a@b.co",
            "o'brien+tag@mail.example.com",
            "a.b-c_d@x.co",
            "josé@bücher.de",
        ] {
            assert!(check_email(good).is_ok(), "{good:?} should be accepted");
        }
        for bad in [
            "",
            "plain",
            "a@b",
            "@b.co",
            "a@.co",
            "a b@c.co",
            "a@b..co",
            "a@-b.co",
            "a..b@x.co",
            ".a@x.co",
            "a.@x.co",
            "a(b)@x.co",
            "a,b@x.co",
            "a<b>@x.co",
            "\"a\"@x.co",
            "a@b_c.co",
            "a@b.co.",
            "a\u{7f}@x.co",
            "paypal\u{200b}@x.co",
            "a\u{202e}b@x.co",
            "a@ex\u{ad}ample.com",
            "a@1.2.3.4",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(250));
        assert!(check_email(&long).is_err());
        // 40 Cyrillic letters are 80 bytes: over the 64 mail servers allow.
        assert!(check_email(&format!("{}@x.co", "ж".repeat(40))).is_err());
        assert!(check_email(&format!("{}@x.co", "ж".repeat(32))).is_ok());
    }

    #[test]
    fn accounts_are_looked_up_by_any_address_with_an_at() {
        assert!(check_email_to_look_up("ops@mail_relay.example.com").is_ok());
        assert!(check_email("ops@mail_relay.example.com").is_err());
        for bad in ["", "plain", "@x.co", "a@"] {
            assert!(check_email_to_look_up(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn password_policy() {
        let email = "alice@example.com";
        assert!(check_password("short", email, 15).is_err());
        assert!(check_password("correct horse battery staple", email, 15).is_ok());
        assert!(check_password("my name is alice, hello there", email, 15).is_err());
        assert!(check_password(&"x".repeat(1025), email, 15).is_err());
        // Code points count, not bytes.
        assert!(check_password(&"密".repeat(15), email, 15).is_ok());
    }

    #[test]
    fn strength_grows_with_length_and_variety() {
        assert_eq!(estimate_strength("abc", 15), Strength::TooShort);
        assert!(
            estimate_strength("aaaaaaaaaaaaaaaa", 15)
                < estimate_strength("correct horse battery staple", 15)
        );
    }
}
