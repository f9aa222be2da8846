//! Keeping secrets out of what rubbie shows: setting values and passwords inside URLs.

/// Shown instead of a secret value.
pub(crate) const REDACTED: &str = "••••••";

/// Whether a setting's name says it holds a secret.
pub(crate) fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    ["password", "passwd", "secret", "token", "api_key", "apikey", "private_key", "credential", "_key"]
        .iter()
        .any(|word| key.contains(word))
        || key == "key"
}

/// The value as it may be shown: secrets fully redacted, URLs with their password masked.
pub(crate) fn shown(value: Option<&str>, secret: bool) -> Option<String> {
    let value = value?;
    if secret {
        return Some(REDACTED.to_owned());
    }
    Some(mask_url_password(value))
}

/// `scheme://user:password@host/...` → `scheme://user:***@host/...`; anything else unchanged.
/// For hosts that print or log a database URL.
pub fn mask_url_password(value: &str) -> String {
    let Some(scheme_end) = value.find("://") else { return value.to_owned() };
    let rest = &value[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let userinfo = &authority[..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &value[..scheme_end + 3], &value[scheme_end + 3 + at..]),
                None => value.to_owned(),
            }
        }
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted() {
        assert!(is_secret_key("RUBBIE_ADMIN_PASSWORD"));
        assert!(is_secret_key("STRIPE_API_KEY"));
        assert!(is_secret_key("session_secret"));
        assert!(is_secret_key("GITHUB_TOKEN"));
        assert!(!is_secret_key("BIND_ADDR"));
        assert!(!is_secret_key("DATABASE_URL"));
        assert_eq!(shown(Some("hunter2"), true).as_deref(), Some(REDACTED));
        assert_eq!(shown(None, true), None);
        assert_eq!(
            mask_url_password("postgres://app:s3cr3t@db.internal:5432/shop?sslmode=require"),
            "postgres://app:***@db.internal:5432/shop?sslmode=require"
        );
        assert_eq!(mask_url_password("mysql://root@127.0.0.1/test"), "mysql://root@127.0.0.1/test");
        assert_eq!(mask_url_password("sqlite://shop.db"), "sqlite://shop.db");
        assert_eq!(mask_url_password("postgres://u:p@ss@h/db"), "postgres://u:***@h/db");
        assert_eq!(mask_url_password("127.0.0.1:8000"), "127.0.0.1:8000");
    }
}
