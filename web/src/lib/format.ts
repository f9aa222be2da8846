import type { Column } from '@/api/types'

export interface FormattedValue {
  /** Text shown in the cell. */
  text: string
  /** Extra CSS class: `v-null`, `v-true`, `v-false`, `v-num`, `v-json`, `v-muted`. */
  cls: string
  /** Full value for the tooltip when the text was shortened ('' when not shortened). */
  title: string
}

export const MAX_CELL_CHARS = 80

export function truncate(s: string, max = MAX_CELL_CHARS): string {
  return s.length > max ? s.slice(0, max - 1) + '…' : s
}

function shortened(full: string, cls: string, max: number): FormattedValue {
  const oneLine = full.replace(/\s+/g, ' ')
  const text = truncate(oneLine, max)
  return { text, cls, title: text === full ? '' : full }
}

/** Render a value for the data grid, following the column's kind. */
export function formatValue(
  value: unknown,
  column?: Pick<Column, 'kind'>,
  max = MAX_CELL_CHARS,
): FormattedValue {
  if (value === null || value === undefined) return { text: 'NULL', cls: 'v-null', title: '' }
  if (typeof value === 'boolean') {
    return value ? { text: '✓', cls: 'v-true', title: 'true' } : { text: '✗', cls: 'v-false', title: 'false' }
  }
  const kind = column?.kind
  if (kind === 'json' || typeof value === 'object') {
    return shortened(JSON.stringify(value), 'v-json', max)
  }
  if (typeof value === 'number' || kind === 'integer' || kind === 'float' || kind === 'decimal') {
    return { text: String(value), cls: 'v-num', title: '' }
  }
  if (kind === 'bytes') {
    return shortened(String(value), 'v-muted', Math.min(max, 32))
  }
  return shortened(String(value), '', max)
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['week', 7 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
]

/**
 * A Unix time (seconds) relative to `now` (ms): `just now`, `5 minutes ago`, `yesterday`,
 * `3 weeks ago` (the largest whole unit; English, like the rest of the console).
 */
export function relativeTime(seconds: number, now = Date.now()): string {
  const diff = seconds - Math.floor(now / 1000)
  const abs = Math.abs(diff)
  if (abs < 45) return 'just now'
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  for (const [unit, size] of RELATIVE_STEPS) {
    if (abs >= size) return rtf.format(Math.trunc(diff / size), unit)
  }
  return rtf.format(Math.sign(diff), 'minute')
}

/** A Unix time (seconds) as a local date and time (for tooltips and tables). */
export function localDateTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleString()
}

const counts = new Intl.NumberFormat('en-US')

/** A count for people: 1,234,567. */
export function formatCount(n: number): string {
  return counts.format(n)
}
