//! Validation of the `next` parameter: after login the user may only be sent
//! to a path on this site, never to another host.

use crate::routes::page;

/// The longest `next` value considered.
const MAX_NEXT_LEN: usize = 2048;

/// `next` if it is a same-site relative path, else the dashboard.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_site_path)
        .unwrap_or_else(|| page::DASHBOARD.to_owned())
}

fn same_site_path(raw: &str) -> Option<String> {
    if raw.is_empty() || raw.len() > MAX_NEXT_LEN || !local_however_decoded(raw) {
        return None;
    }
    let base = url::Url::parse("http://gatehouse.invalid/").ok()?;
    let resolved = base.join(raw).ok()?;
    if resolved.origin() != base.origin() {
        return None;
    }
    let mut path = resolved.path().to_owned();
    if let Some(query) = resolved.query() {
        path.push('?');
        path.push_str(query);
    }
    // Resolving `.` and `..` can itself produce `//host` (`/..//evil`), so
    // the result is checked again.
    local_however_decoded(&path).then_some(path)
}

/// Checks the value and every percent-decoding of it, so encoded forms of
/// `//host` or `/\host` cannot slip through a later decoder.
fn local_however_decoded(value: &str) -> bool {
    let mut candidate = value.to_owned();
    for _ in 0..4 {
        if !looks_local(&candidate) {
            return false;
        }
        let Ok(decoded) = percent_encoding::percent_decode_str(&candidate).decode_utf8() else {
            return false;
        };
        if decoded == candidate {
            return true;
        }
        candidate = decoded.into_owned();
    }
    true
}

fn looks_local(value: &str) -> bool {
    let mut chars = value.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/') | Some('\\'))
        && !value
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept() {
        assert_eq!(safe_next(Some("/dashboard")), "/dashboard");
        assert_eq!(safe_next(Some("/a/b?x=1")), "/a/b?x=1");
    }

    #[test]
    fn anything_leaving_the_site_goes_to_the_dashboard() {
        for bad in [
            "//evil.test",
            "/\\evil.test",
            "\\\\evil.test",
            "https://evil.test",
            "http:evil.test",
            "javascript:alert(1)",
            "%2F%2Fevil.test",
            "/%2F/evil.test",
            "%2F%5Cevil.test",
            "/%5Cevil.test",
            "%252F%252Fevil.test",
            "/..//evil.test",
            "/.//evil.test",
            "/%2e%2e//evil.test",
            "/%2E//evil.test",
            "/a/../..//evil.test",
            "/./\\evil.test",
            "/\tevil",
            " //evil.test",
            "evil.test",
            "",
        ] {
            assert_eq!(
                safe_next(Some(bad)),
                "/dashboard",
                "{bad:?} must not be followed"
            );
        }
        assert_eq!(safe_next(None), "/dashboard");
    }
}
