//! Password hashing with argon2id; secrets and their hashes for sessions and tokens.

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// An argon2id PHC string for `password`.
pub(crate) fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(Error::internal)
}

/// Hashing is CPU-bound for tens of milliseconds: at most this many run at once, off the async
/// workers, so a burst of sign-ins cannot stall every other request.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// [`verify`] on the blocking pool, at most two at a time. With no stored hash (unknown or
/// disabled user) it checks against a fixed dummy hash, so the answer takes as long either way.
pub(crate) async fn verify_slowly(password: &str, stored: Option<&str>) -> Result<bool> {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let _permit = HASHING.acquire().await.map_err(Error::internal)?;
    let real = stored.is_some();
    let stored = match stored {
        Some(s) => s.to_owned(),
        None => DUMMY.get_or_init(|| hash(&random_secret()).unwrap_or_default()).clone(),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify(&password, &stored)).await.map_err(Error::internal)?;
    Ok(ok && real)
}

/// Whether `password` matches the stored PHC string.
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh random secret, URL-safe, 256 bits.
pub(crate) fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored for a session or token secret: its SHA-256, so a database leak is no login.
pub(crate) fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Constant-time comparison for CSRF tokens.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse", &a));
        assert!(!verify("wrong", &a));
        assert_ne!(a, hash("correct horse").unwrap());
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
