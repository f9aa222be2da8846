import type { Column, ColumnKind, Row } from '@/api/types'
import { fromDraft, isEditable, toDraft, type Draft, type Parsed } from '@/lib/form'

// What the data grid lets a user do with one cell: edit it in place, open its value in the value
// viewer, or (neither) open the row.

type CellColumn = Pick<Column, 'name' | 'kind' | 'nullable' | 'readonly' | 'auto_increment' | 'primary_key'>

/** Kinds a one-line input can edit without losing anything. */
const INLINE_KINDS: ReadonlySet<ColumnKind> = new Set([
  'text', 'integer', 'float', 'decimal', 'boolean', 'date', 'time', 'datetime', 'enum', 'uuid',
])

/** Kinds where an empty input means NULL (an empty number or date is no value at all). */
const EMPTY_IS_NULL: ReadonlySet<ColumnKind> = new Set(['integer', 'float', 'decimal', 'date', 'time', 'datetime', 'uuid'])

/** Text longer than this opens in the value viewer rather than a one-line input. */
export const LONG_TEXT = 120

/**
 * Whether the grid may write the column: the table has a primary key (to address the row) and
 * the column is not part of it, read-only or filled by the database. Role permissions are the
 * server's business (a 403 is shown like any error).
 */
export function isWritable(column: CellColumn, tableHasKey: boolean): boolean {
  return tableHasKey && isEditable(column, false)
}

/** JSON, bytes, other structured values and long or multi-line text: a preview in the cell, the whole value in the viewer. */
export function opensInViewer(column: Pick<Column, 'kind'>, value: unknown): boolean {
  if (column.kind === 'json' || column.kind === 'bytes') return true
  if (value !== null && typeof value === 'object') return true
  return typeof value === 'string' && (value.length > LONG_TEXT || value.includes('\n'))
}

export type CellAction = 'edit' | 'view' | 'open'

/** What Enter or a double-click does on a cell. */
export function cellAction(column: CellColumn, value: unknown, writable: boolean): CellAction {
  if (opensInViewer(column, value)) return 'view'
  return writable && INLINE_KINDS.has(column.kind) ? 'edit' : 'open'
}

/** Whether the viewer may save the value (only JSON and text are edited there, bytes are shown). */
export function viewerEditable(column: Pick<Column, 'kind'>, writable: boolean): boolean {
  return writable && (column.kind === 'json' || column.kind === 'text')
}

/** The viewer's text for a value: JSON pretty-printed, text as it is. */
export function viewerText(column: Pick<Column, 'kind'>, value: unknown): string {
  if (column.kind === 'json' || (value !== null && typeof value === 'object')) return JSON.stringify(value ?? null, null, 2)
  return value === null || value === undefined ? '' : String(value)
}

/** The viewer's text back to a value to save, or why it cannot be saved. */
export function parseViewerText(column: Pick<Column, 'kind' | 'nullable'>, text: string): Parsed {
  if (column.kind !== 'json') return { ok: true, value: text }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { ok: false, error: `Invalid JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (value === null && !column.nullable) return { ok: false, error: 'This column cannot be NULL' }
  return { ok: true, value }
}

/**
 * The inline editor's starting draft. A NULL cell opens as an empty input (typing just works and
 * leaving it empty changes nothing); selects (enum, boolean) show their NULL option instead.
 */
export function cellDraft(value: unknown, column: Pick<Column, 'name' | 'kind' | 'nullable'>): Draft {
  if (value === null && column.kind !== 'boolean' && column.kind !== 'enum') return { text: '', isNull: false }
  return toDraft(value, column)
}

/** An inline editor's draft → the value to save: like the row form, but an empty number or date is NULL where allowed. */
export function parseCellDraft(draft: Draft, column: CellColumn, original: unknown): Parsed {
  if (!draft.isNull && draft.text.trim() === '' && column.nullable && EMPTY_IS_NULL.has(column.kind)) {
    return { ok: true, value: null }
  }
  return fromDraft(draft, column, original)
}

/**
 * A row's values to prefill the form of its duplicate: everything but what the database fills in
 * (auto-increment, read-only/generated columns) and key columns that have a default.
 */
export function duplicateValues(row: Row, columns: readonly Pick<Column, 'name' | 'readonly' | 'auto_increment' | 'primary_key' | 'default'>[]): Row {
  const out: Row = {}
  for (const c of columns) {
    if (c.auto_increment || c.readonly) continue
    if (c.primary_key && c.default != null && c.default !== '') continue
    if (c.name in row) out[c.name] = row[c.name]
  }
  return out
}
