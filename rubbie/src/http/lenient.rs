//! Integers as JSON Schema means them: `7.0` is an integer there, and clients (JavaScript
//! among them) may send one. serde's integer types refuse it; these accept any number with no
//! fractional part that fits the type and refuse the rest with serde's kind of message.

use serde::{Deserialize, Deserializer};

/// An optional integer that also takes integral floats (`7.0`).
pub(crate) fn opt_int<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    Option::<serde_json::Number>::deserialize(d)?.map(|n| integer::<D::Error, T>(&n)).transpose()
}

/// An integer that also takes integral floats (`7.0`).
pub(crate) fn int<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    integer::<D::Error, T>(&serde_json::Number::deserialize(d)?)
}

/// An optional list of integers that also takes integral floats.
pub(crate) fn opt_ints<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<i64> + TryFrom<u64>,
{
    Option::<Vec<serde_json::Number>>::deserialize(d)?
        .map(|v| v.iter().map(integer::<D::Error, T>).collect())
        .transpose()
}

fn integer<E: serde::de::Error, T: TryFrom<i64> + TryFrom<u64>>(n: &serde_json::Number) -> Result<T, E> {
    let fits = if let Some(i) = n.as_i64() {
        T::try_from(i).ok()
    } else if let Some(u) = n.as_u64() {
        T::try_from(u).ok()
    } else {
        // only below 2^53 is a float's integer the number that was written (-2^63 - 1 reads
        // as -2^63 and would be taken for it)
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0)
            .and_then(|f| T::try_from(f as i64).ok())
    };
    fits.ok_or_else(|| E::custom(format!("invalid value: {n}, expected an integer in range")))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "super::opt_int")]
        v: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_int")]
        u: Option<u64>,
        #[serde(default, deserialize_with = "super::opt_ints")]
        list: Option<Vec<i64>>,
    }

    fn v(s: &str) -> Result<Option<i64>, String> {
        serde_json::from_str::<T>(s).map(|t| t.v).map_err(|e| e.to_string())
    }

    #[test]
    fn integral_floats_are_integers() {
        assert_eq!(v(r#"{"v": 7}"#), Ok(Some(7)));
        assert_eq!(v(r#"{"v": -536870912.0}"#), Ok(Some(-536_870_912)));
        assert_eq!(v(r#"{"v": null}"#), Ok(None));
        assert_eq!(v("{}"), Ok(None));
        assert_eq!(v(r#"{"v": -9223372036854775808}"#), Ok(Some(i64::MIN)));
        assert!(v(r#"{"v": -9223372036854775809}"#).is_err());
        assert!(v(r#"{"v": 1.5}"#).is_err());
        assert!(v(r#"{"v": 1e300}"#).is_err());
        assert!(v(r#"{"v": 18446744073709551615}"#).is_err());
        assert!(v(r#"{"v": "7"}"#).is_err());
        let t: T = serde_json::from_str(r#"{"u": 6053.0, "list": [1, 2.0]}"#).unwrap();
        assert_eq!((t.u, t.list), (Some(6053), Some(vec![1, 2])));
        assert!(serde_json::from_str::<T>(r#"{"u": -1}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"u": 18446744073709551615}"#).unwrap().u == Some(u64::MAX));
    }
}
