// Statement boundaries in the SQL editor, so "run" can take the statement under the cursor:
// semicolons outside strings, quoted identifiers, comments and PostgreSQL dollar quotes (the
// server splits the same way and refuses a run of more than one statement).

export type Dialect = 'sqlite' | 'postgres' | 'mysql'

export interface Span {
  /** Offset of the statement's first non-blank character. */
  from: number
  /** Offset just past its last non-blank character (before the `;`). */
  to: number
  text: string
}

/** The end of the quoted run that starts at `i` (the opening `quote`), past the closing one. */
function skipQuoted(text: string, i: number, quote: string, backslash: boolean): number {
  let j = i + 1
  while (j < text.length) {
    const c = text[j]
    if (backslash && c === '\\') j += 2
    else if (c === quote) {
      if (text[j + 1] === quote) j += 2 // doubled quote: an escaped one
      else return j + 1
    } else j++
  }
  return text.length
}

function skipBlockComment(text: string, i: number, nested: boolean): number {
  let depth = 1
  let j = i + 2
  while (j < text.length) {
    if (text.startsWith('*/', j)) {
      depth--
      j += 2
      if (depth === 0 || !nested) return j
    } else if (nested && text.startsWith('/*', j)) {
      depth++
      j += 2
    } else j++
  }
  return text.length
}

/** `$tag$ … $tag$` starting at `i`, or -1 when `$` does not open one here. */
function skipDollar(text: string, i: number): number {
  const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66))
  if (!m) return -1
  const close = text.indexOf(m[0], i + m[0].length)
  return close < 0 ? text.length : close + m[0].length
}

/** Where the token at `i` ends when it is a string, identifier or comment; -1 otherwise. */
function skipToken(text: string, i: number, dialect: Dialect): number {
  const c = text[i]
  const next = text[i + 1]
  if (c === "'") return skipQuoted(text, i, "'", dialect === 'mysql')
  if (c === '"') return skipQuoted(text, i, '"', dialect === 'mysql')
  if (c === '`' && dialect !== 'postgres') return skipQuoted(text, i, '`', false)
  if (c === '[' && dialect === 'sqlite') {
    const close = text.indexOf(']', i + 1)
    return close < 0 ? text.length : close + 1
  }
  const lineComment = (c === '-' && next === '-' && (dialect !== 'mysql' || /[\s]/.test(text[i + 2] ?? ' '))) || (c === '#' && dialect === 'mysql')
  if (lineComment) {
    const end = text.indexOf('\n', i)
    return end < 0 ? text.length : end + 1
  }
  if (c === '/' && next === '*') return skipBlockComment(text, i, dialect === 'postgres')
  if (c === '$' && dialect === 'postgres' && !/[A-Za-z0-9_]/.test(text[i - 1] ?? ' ')) return skipDollar(text, i)
  return -1
}

function span(text: string, from: number, to: number): Span | null {
  while (from < to && /\s/.test(text[from]!)) from++
  while (to > from && /\s/.test(text[to - 1]!)) to--
  return from < to ? { from, to, text: text.slice(from, to) } : null
}

/** The statements of `text`, in order (blank ones left out). */
export function statements(text: string, dialect: Dialect): Span[] {
  const out: Span[] = []
  let start = 0
  let i = 0
  while (i < text.length) {
    const skipped = skipToken(text, i, dialect)
    if (skipped > i) {
      i = skipped
    } else if (text[i] === ';') {
      const s = span(text, start, i)
      if (s) out.push(s)
      start = ++i
    } else i++
  }
  const last = span(text, start, text.length)
  if (last) out.push(last)
  return out
}

/**
 * The statement the cursor at `pos` is in, or the one it follows on the same stretch of blank
 * text (the cursor just after `…;`), or else the next one; null when there is none.
 */
export function statementAt(text: string, pos: number, dialect: Dialect): Span | null {
  const all = statements(text, dialect)
  const inside = all.find((s) => pos >= s.from && pos <= s.to + 1)
  if (inside) return inside
  const before = all.filter((s) => s.to < pos).at(-1)
  const between = before ? text.slice(before.to, pos) : ''
  if (before && !between.includes('\n\n')) return before
  return all.find((s) => s.from >= pos) ?? before ?? null
}
