//! What a new password must be (after OWASP ASVS 5.0, V6.2): 8 to 1,024 characters, not the
//! user's own name, and not one of the most common passwords people pick — the 8,351 entries of
//! 8 characters or more in the list of 20,000 Django ships (compiled by Royce Williams, BSD
//! licence), compared without case. Any characters are allowed; nothing is trimmed.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// Shortest and longest password accepted, in characters.
pub(crate) const MIN_CHARS: usize = 8;
pub(crate) const MAX_CHARS: usize = 1024;

static COMMON: &str = include_str!("common-passwords.txt");

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().filter(|l| !l.is_empty()).collect())
}

/// Checks `password` for the account `username`; a 422 naming `field` when it is refused.
pub(crate) fn check(field: &str, password: &str, username: Option<&str>) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        return Err(Error::field(field, format!("must be at least {MIN_CHARS} characters")));
    }
    if chars > MAX_CHARS {
        return Err(Error::field(field, format!("must be at most {MAX_CHARS} characters")));
    }
    let lower = password.to_lowercase();
    if common().contains(lower.as_str()) {
        return Err(Error::field(field, "is one of the most common passwords; choose another"));
    }
    if username.is_some_and(|u| u.trim().to_lowercase() == lower.trim()) {
        return Err(Error::field(field, "must not be the user name"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_long_common_and_own_name_are_refused() {
        assert!(check("password", "correct horse battery", Some("admin")).is_ok());
        assert!(check("password", "short", None).is_err());
        assert!(check("password", &"x".repeat(MAX_CHARS + 1), None).is_err());
        for common in ["password", "Password1", "12345678", "iloveyou", "QWERTYUIOP"] {
            assert!(check("password", common, None).is_err(), "{common}");
        }
        assert!(check("password", "margaret-h", Some("Margaret-H")).is_err());
        assert!(common().len() > 8_000);
    }
}
