// Building schema changes from the editor's forms: columns as typed, defaults read from text,
// and a migration name that says what the change does.
import type { SchemaChange } from '@/api/types'

/** A column as the forms edit it. */
export interface ColumnDraft {
  name: string
  type: string
  nullable: boolean
  /** `none`, a typed `value`, an expression the server knows, or (changing a column) `keep`
   * the current one, whatever it is. */
  defaultKind: 'none' | 'value' | 'current_timestamp' | 'current_date' | 'keep'
  defaultValue: string
  primaryKey: boolean
  unique: boolean
}

export function emptyColumn(over: Partial<ColumnDraft> = {}): ColumnDraft {
  return { name: '', type: 'text', nullable: true, defaultKind: 'none', defaultValue: '', primaryKey: false, unique: false, ...over }
}

const NUMERIC = /^(tinyint|smallint|mediumint|int|integer|bigint|serial|bigserial|real|double|float|numeric|decimal|money)/
const BOOLEAN = /^(boolean|bool)$/

/** The default as the API takes it: numbers and booleans for those types, text otherwise;
 * `undefined` (left out) keeps the current one. */
export function defaultOf(c: ColumnDraft): unknown {
  if (c.defaultKind === 'keep') return undefined
  if (c.defaultKind === 'none') return null
  if (c.defaultKind !== 'value') return { expression: c.defaultKind }
  const type = c.type.trim().toLowerCase()
  const v = c.defaultValue.trim()
  if (NUMERIC.test(type) && v !== '' && Number.isFinite(Number(v))) return Number(v)
  if (BOOLEAN.test(type) && (v === 'true' || v === 'false')) return v === 'true'
  return c.defaultValue
}

export type ColumnSpec = Extract<SchemaChange, { op: 'add_column' }>['column']

export function columnSpec(c: ColumnDraft): ColumnSpec {
  const spec: ColumnSpec = {
    name: c.name.trim(),
    type: c.type.trim(),
    nullable: c.primaryKey ? false : c.nullable,
    primary_key: c.primaryKey,
    unique: c.unique,
  }
  const value = defaultOf(c)
  if (value !== undefined) spec.default = value as ColumnSpec['default']
  return spec
}

/** A migration name (lower-case letters, digits, underscores) for the changes. */
export function migrationName(changes: SchemaChange[]): string {
  const first = changes[0]
  if (!first) return 'schema_change'
  const words: string[] = [first.op]
  if (first.op === 'create_table' || first.op === 'drop_table' || first.op === 'rename_table') words.push(first.table)
  else if (first.op === 'add_column' || first.op === 'alter_column') words.push(first.table, first.column.name)
  else if (first.op === 'rename_column') words.push(first.table, first.from)
  else if (first.op === 'drop_column') words.push(first.table, first.column)
  else words.push(first.table)
  const name = words
    .join('_')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '')
  return (name || 'schema_change').slice(0, 64)
}
