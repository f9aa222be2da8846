import type { Row } from '@/api/types'

/** Escape one key component: `~` → `~7E`, `,` → `~2C`. */
function escapeComponent(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value)
  return s.replace(/~/g, '~7E').replace(/,/g, '~2C')
}

/**
 * The row key used in `/rows/{pk}`, before URL encoding: a single-column key is the value as a
 * string; composite keys are the escaped components in `primaryKey` order joined by `,`.
 * Returns null when the row lacks a key component (or the table has no primary key).
 */
export function pkKey(row: Row, primaryKey: readonly string[]): string | null {
  if (primaryKey.length === 0) return null
  const parts: unknown[] = []
  for (const col of primaryKey) {
    const v = row[col]
    if (v === null || v === undefined) return null
    parts.push(v)
  }
  if (parts.length === 1) return String(parts[0])
  return parts.map(escapeComponent).join(',')
}

/**
 * The row key as a URL path segment (`pkKey` + `encodeURIComponent`).
 * Note: openapi-fetch already encodes path params, so API calls pass `pkKey`, not this.
 */
export function encodePk(row: Row, primaryKey: readonly string[]): string | null {
  const key = pkKey(row, primaryKey)
  return key === null ? null : encodeURIComponent(key)
}

/** Split a row key back into its components (inverse of `pkKey` for composite keys). */
export function decodePk(key: string, columns: number): string[] {
  if (columns <= 1) return [key]
  return key.split(',').map((p) => p.replace(/~2C/gi, ',').replace(/~7E/gi, '~'))
}
