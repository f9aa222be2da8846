//! PATCH bodies tell a field left out (keep it) from a field set to `null` (reset or clear it).

use serde::{Deserialize, Deserializer};

/// For `#[serde(default, deserialize_with = "present")]` on an `Option<Option<T>>`: absent is
/// `None`, `null` is `Some(None)`, a value is `Some(Some(value))`.
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}
