//! Checks of user-given names that say exactly what their OpenAPI schemas say
//! (`minLength`/`maxLength` count characters; "not only blanks" is the unanchored pattern
//! `[^ \t\r\n]` in the schema attributes), so that a request the document allows is never
//! refused and one it forbids never accepted.

/// The blanks a name is trimmed of: exactly the characters the schema pattern excludes.
const BLANKS: [char; 4] = [' ', '\t', '\r', '\n'];

/// The name trimmed of blanks, if it has 1 to `max` characters and is not only blanks.
pub(crate) fn name(s: &str, max: usize) -> Option<&str> {
    let trimmed = s.trim_matches(BLANKS);
    (!trimmed.is_empty() && s.chars().count() <= max).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::name;

    #[test]
    fn names_follow_the_schema() {
        assert_eq!(name(" ops ", 190), Some("ops"));
        assert_eq!(name(" \t\r\n", 190), None);
        assert_eq!(name("", 190), None);
        // characters, not bytes
        assert_eq!(name(&"é".repeat(190), 190).map(str::len), Some(380));
        assert_eq!(name(&"é".repeat(191), 190), None);
        // other white space counts as a character, as the pattern says
        assert_eq!(name("\u{2003}", 190), Some("\u{2003}"));
    }
}
