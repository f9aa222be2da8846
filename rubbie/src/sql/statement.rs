//! Splitting SQL text into statements the way the backend's own lexer sees it: `;` ends a
//! statement only outside strings, quoted identifiers, comments and (PostgreSQL) dollar quotes.
//! The runner uses it to refuse more than one statement per run and to find the first keyword;
//! the database stays the real guard (prepared statements refuse several commands).

use std::ops::Range;

use crate::db::Backend;

/// The byte ranges of the statements in `sql`, without their `;` and surrounding blanks;
/// statements that hold only comments and blanks are left out.
pub(crate) fn split(backend: Backend, sql: &str) -> Vec<Range<usize>> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i, mut meaningful) = (0, 0, false);
    while i < bytes.len() {
        let skipped = skip_quoted_or_comment(backend, sql, i);
        if skipped > i {
            // A comment alone does not make a statement; a string or identifier does.
            meaningful |= !is_comment_start(backend, sql, i);
            i = skipped;
            continue;
        }
        match bytes[i] {
            b';' => {
                if meaningful {
                    out.push(trim(sql, start..i));
                }
                (start, meaningful) = (i + 1, false);
            }
            b if !b.is_ascii_whitespace() => meaningful = true,
            _ => {}
        }
        i += 1;
    }
    if meaningful {
        out.push(trim(sql, start..sql.len()));
    }
    out
}

/// The statement's bare words (upper case) outside strings, identifiers and comments, in order.
pub(crate) fn words<'a>(backend: Backend, stmt: &'a str) -> impl Iterator<Item = String> + 'a {
    let bytes = stmt.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let skipped = skip_quoted_or_comment(backend, stmt, i);
            if skipped > i {
                i = skipped;
                continue;
            }
            if bytes[i].is_ascii_alphabetic() || bytes[i] == b'_' {
                let begin = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$') {
                    i += 1;
                }
                return Some(stmt[begin..i].to_ascii_uppercase());
            }
            i += 1;
        }
        None
    })
}

/// Where the quoted text or comment starting at `i` ends (`i` itself when none starts there).
/// An unterminated one runs to the end of the text, as the database would read it.
fn skip_quoted_or_comment(backend: Backend, sql: &str, i: usize) -> usize {
    let bytes = sql.as_bytes();
    let rest = &bytes[i..];
    let backslashes = backend == Backend::Mysql || (backend == Backend::Postgres && is_escape_string(bytes, i));
    match rest[0] {
        b'\'' => close_quote(bytes, i + 1, b'\'', backslashes),
        b'"' => close_quote(bytes, i + 1, b'"', backend == Backend::Mysql),
        b'`' if backend != Backend::Postgres => close_quote(bytes, i + 1, b'`', false),
        b'[' if backend == Backend::Sqlite => find(bytes, i + 1, b"]"),
        b'#' if backend == Backend::Mysql => line_end(bytes, i),
        b'-' if is_line_comment(backend, rest) => line_end(bytes, i),
        b'/' if rest.get(1) == Some(&b'*') => block_comment_end(backend, bytes, i),
        b'$' if backend == Backend::Postgres => dollar_quote_end(sql, i).unwrap_or(i),
        _ => i,
    }
}

fn is_comment_start(backend: Backend, sql: &str, i: usize) -> bool {
    let rest = &sql.as_bytes()[i..];
    (rest[0] == b'#' && backend == Backend::Mysql)
        || (rest[0] == b'-' && is_line_comment(backend, rest))
        || rest.starts_with(b"/*")
}

/// `--` starts a comment; MySQL wants a blank or control character after it (`1--1` is 2).
fn is_line_comment(backend: Backend, rest: &[u8]) -> bool {
    rest.starts_with(b"--")
        && (backend != Backend::Mysql || rest.get(2).is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control()))
}

/// PostgreSQL `E'...'` strings take backslash escapes; plain ones do not.
fn is_escape_string(bytes: &[u8], quote: usize) -> bool {
    quote > 0
        && matches!(bytes[quote - 1], b'e' | b'E')
        && (quote < 2 || !(bytes[quote - 2].is_ascii_alphanumeric() || bytes[quote - 2] == b'_'))
}

/// After the opening quote at `from - 1`: a doubled quote is part of the text.
fn close_quote(bytes: &[u8], mut from: usize, quote: u8, backslashes: bool) -> usize {
    while from < bytes.len() {
        match bytes[from] {
            b'\\' if backslashes => from += 2,
            b if b == quote => {
                if bytes.get(from + 1) == Some(&quote) {
                    from += 2;
                } else {
                    return from + 1;
                }
            }
            _ => from += 1,
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> usize {
    bytes[from..].windows(needle.len()).position(|w| w == needle).map_or(bytes.len(), |p| from + p + needle.len())
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |p| from + p + 1)
}

/// PostgreSQL nests block comments; the others end at the first `*/`.
fn block_comment_end(backend: Backend, bytes: &[u8], from: usize) -> usize {
    if backend != Backend::Postgres {
        return find(bytes, from + 2, b"*/");
    }
    let (mut depth, mut i) = (0usize, from);
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// `$tag$ ... $tag$` (tag: an identifier not starting with a digit, or empty). `$1` is a
/// parameter, not a quote; neither is a `$` inside an identifier such as `a$b`.
fn dollar_quote_end(sql: &str, i: usize) -> Option<usize> {
    let bytes = sql.as_bytes();
    if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_' || bytes[i - 1] >= 0x80) {
        return None;
    }
    let tag_len = bytes[i + 1..].iter().position(|&b| b == b'$')?;
    let tag = &bytes[i + 1..i + 1 + tag_len];
    let valid = tag.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80)
        && tag.first().is_none_or(|b| !b.is_ascii_digit());
    if !valid {
        return None;
    }
    let delimiter = &bytes[i..i + tag_len + 2];
    Some(find(bytes, i + delimiter.len(), delimiter))
}

fn trim(sql: &str, range: Range<usize>) -> Range<usize> {
    let text = &sql[range.clone()];
    let start = range.start + (text.len() - text.trim_start().len());
    let end = range.end - (text.len() - text.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(backend: Backend, sql: &str) -> Vec<&str> {
        split(backend, sql).into_iter().map(|r| &sql[r]).collect()
    }

    #[test]
    fn semicolons_in_strings_comments_and_quotes_do_not_split() {
        let all = [Backend::Sqlite, Backend::Postgres, Backend::Mysql];
        for b in all {
            assert_eq!(texts(b, " SELECT 1 ; "), ["SELECT 1"]);
            assert_eq!(texts(b, "SELECT ';' ; SELECT 2;"), ["SELECT ';'", "SELECT 2"]);
            assert_eq!(texts(b, "SELECT 'it''s;' AS x"), ["SELECT 'it''s;' AS x"]);
            assert_eq!(texts(b, "SELECT 1 /* ; */"), ["SELECT 1 /* ; */"]);
            assert_eq!(texts(b, "SELECT 1 -- ;\n"), ["SELECT 1 -- ;"]);
            assert_eq!(texts(b, "-- only a comment;\n ; /* and another */"), Vec::<&str>::new());
            assert_eq!(texts(b, "COMMIT; DELETE FROM t"), ["COMMIT", "DELETE FROM t"]);
        }
        assert_eq!(texts(Backend::Postgres, "SELECT \"a;b\" FROM t"), ["SELECT \"a;b\" FROM t"]);
        assert_eq!(texts(Backend::Postgres, "SELECT $$;$$, $q$ $$; $q$"), ["SELECT $$;$$, $q$ $$; $q$"]);
        assert_eq!(texts(Backend::Postgres, "SELECT $1; SELECT 2"), ["SELECT $1", "SELECT 2"]);
        assert_eq!(texts(Backend::Postgres, "SELECT /* a /* b; */ c; */ 1"), ["SELECT /* a /* b; */ c; */ 1"]);
        assert_eq!(texts(Backend::Postgres, "SELECT E'\\';' ; SELECT 2"), ["SELECT E'\\';'", "SELECT 2"]);
        // Without E, PostgreSQL takes backslashes literally: the string ends at the second quote.
        assert_eq!(texts(Backend::Postgres, "SELECT '\\'; SELECT 2"), ["SELECT '\\'", "SELECT 2"]);
        assert_eq!(texts(Backend::Mysql, "SELECT '\\';' ; SELECT `a;b`"), ["SELECT '\\';'", "SELECT `a;b`"]);
        assert_eq!(texts(Backend::Mysql, "SELECT 1 # ;\n"), ["SELECT 1 # ;"]);
        assert_eq!(texts(Backend::Mysql, "SELECT 1--1; SELECT 2"), ["SELECT 1--1", "SELECT 2"]);
        assert_eq!(texts(Backend::Sqlite, "SELECT [a;b] FROM t"), ["SELECT [a;b] FROM t"]);
    }

    #[test]
    fn unterminated_quotes_run_to_the_end() {
        assert_eq!(texts(Backend::Sqlite, "SELECT 'a; DELETE FROM t"), ["SELECT 'a; DELETE FROM t"]);
        assert_eq!(texts(Backend::Postgres, "SELECT $x$ ; DROP"), ["SELECT $x$ ; DROP"]);
    }

    #[test]
    fn words_skip_comments_parentheses_and_strings() {
        assert_eq!(words(Backend::Postgres, "/* x */ -- y\n (select 1)").next().unwrap(), "SELECT");
        assert_eq!(words(Backend::Sqlite, "attach 'x' as y").next().unwrap(), "ATTACH");
        let words: Vec<String> = words(Backend::Sqlite, "VACUUM 'into' INTO 'f'").collect();
        assert_eq!(words, ["VACUUM", "INTO"]);
    }
}
