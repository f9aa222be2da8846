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
