//! Password hashing with argon2id; secrets and their hashes for sessions and tokens.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::Engine;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Argon2's working memory (19 MiB with the default parameters) is allocated at least this big,
/// just over 32 MiB. glibc serves such a request with its own mmap and returns it to the system
/// when freed; a freed mmap of 32 MiB or less instead raises glibc's mmap threshold to its size,
/// after which the heap keeps growing under ordinary requests (a soak grew the demo from 50 MB to
/// 400 MB in a minute). Other allocators do not care either way.
const MIN_WORKING_BLOCKS: usize = 32 * 1024 + 1;

/// Argon2 over `memory` of our own making, see [`MIN_WORKING_BLOCKS`].
fn argon2_into(argon: &Argon2<'_>, password: &str, salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    let memory = vec![Block::new(); Ord::max(argon.params().block_count(), MIN_WORKING_BLOCKS)];
    argon.hash_password_into_with_memory(password.as_bytes(), salt, out, memory)
}

/// An argon2id PHC string for `password` (the crate's default parameters: m=19456, t=2, p=1).
pub(crate) fn hash(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::default();
    let mut raw_salt = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut raw_salt).map_err(Error::internal)?;
    let mut out = [0u8; 32];
    argon2_into(&argon, password, salt_bytes, &mut out).map_err(Error::internal)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: argon.params().try_into().map_err(Error::internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(Error::internal)?),
    };
    Ok(phc.to_string())
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

/// Whether `password` matches the stored PHC string (with the parameters stored in it).
pub(crate) fn verify(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else { return false };
    let (Some(salt), Some(expected)) = (phc.salt, phc.hash) else { return false };
    let (Ok(algorithm), Ok(params)) = (Algorithm::try_from(phc.algorithm), Params::try_from(&phc)) else {
        return false;
    };
    let version = match phc.version.map(Version::try_from) {
        None => Version::V0x13,
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut raw_salt = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut raw_salt) else { return false };
    let mut out = vec![0u8; expected.len()];
    argon2_into(&Argon2::new(algorithm, version, params), password, salt, &mut out).is_ok()
        // Output's equality is constant-time.
        && Output::new(&out).is_ok_and(|computed| computed == expected)
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

    /// Hashes stored before rubbie brought its own working memory still verify, and the crate's
    /// own verifier accepts ours: the PHC strings are the same format.
    #[test]
    fn hashes_are_those_of_the_argon2_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"pw", &salt).unwrap().to_string();
        assert!(verify("pw", &theirs) && !verify("px", &theirs));
        let ours = hash("pw").unwrap();
        assert!(Argon2::default().verify_password(b"pw", &PasswordHash::new(&ours).unwrap()).is_ok());
        assert_eq!(ours.split('$').nth(3), theirs.split('$').nth(3), "same parameters");
        assert!(!verify("pw", "not a hash") && !verify("pw", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$"));
    }
}
