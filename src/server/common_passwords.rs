//! The built-in list of common passwords (about 100,000 entries, shipped by
//! the `passwords` crate, MIT licence). Server-side only: it is too large for
//! the browser bundle.

/// Whether the password (or its lower-case form) is on the list.
pub fn is_common(password: &str) -> bool {
    if passwords::analyzer::is_common_password(password) {
        return true;
    }
    let lower = password.to_lowercase();
    lower != password && passwords::analyzer::is_common_password(&lower)
}

#[cfg(test)]
mod tests {
    #[test]
    fn well_known_passwords_are_common() {
        assert!(super::is_common("password1234"));
        assert!(super::is_common("Password1234"));
        assert!(!super::is_common("correct horse battery staple"));
    }
}
