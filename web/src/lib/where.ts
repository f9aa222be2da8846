import type { Column } from '@/api/types'

export const OPERATORS = [
  { op: '_eq', label: '=' },
  { op: '_neq', label: '≠' },
  { op: '_gt', label: '>' },
  { op: '_gte', label: '≥' },
  { op: '_lt', label: '<' },
  { op: '_lte', label: '≤' },
  { op: '_ilike', label: 'ilike' },
  { op: '_nilike', label: 'not ilike' },
  { op: '_like', label: 'like' },
  { op: '_nlike', label: 'not like' },
  { op: '_in', label: 'in' },
  { op: '_nin', label: 'not in' },
  { op: '_is_null', label: 'is null' },
  { op: '_is_not_null', label: 'is not null' },
] as const

/** Operator as chosen in the filter box (`_is_not_null` is UI sugar for `_is_null: false`). */
export type FilterOp = (typeof OPERATORS)[number]['op']

/** One condition of the filter box. `value` is what the user typed. */
export interface Filter {
  column: string
  op: FilterOp
  value: string
}

export type Where = Record<string, unknown>

type ColumnLike = Pick<Column, 'name' | 'kind'>

/** Parse typed text into the JSON value the column expects (numbers, booleans stay typed). */
export function parseScalar(text: string, kind: ColumnLike['kind'] | undefined): unknown {
  const t = text.trim()
  switch (kind) {
    case 'integer':
    case 'float': {
      const n = Number(t)
      return t !== '' && Number.isFinite(n) ? n : text
    }
    case 'boolean':
      if (/^(true|t|1|yes)$/i.test(t)) return true
      if (/^(false|f|0|no)$/i.test(t)) return false
      return text
    default:
      // decimals stay strings to keep precision
      return text
  }
}

/** One filter → one where-language condition, e.g. `{"name": {"_ilike": "%a%"}}`. */
export function filterToCondition(f: Filter, columns: readonly ColumnLike[]): Where {
  const kind = columns.find((c) => c.name === f.column)?.kind
  let cond: Record<string, unknown>
  switch (f.op) {
    case '_is_null':
      cond = { _is_null: true }
      break
    case '_is_not_null':
      cond = { _is_null: false }
      break
    case '_in':
    case '_nin':
      cond = {
        [f.op]: f.value
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .map((s) => parseScalar(s, kind)),
      }
      break
    default:
      cond = { [f.op]: parseScalar(f.value, kind) }
  }
  return { [f.column]: cond }
}

/** Text columns searched by the quick search box. */
export function searchableColumns(columns: readonly (ColumnLike & { hidden?: boolean })[]): string[] {
  return columns.filter((c) => !c.hidden && (c.kind === 'text' || c.kind === 'enum')).map((c) => c.name)
}

/**
 * Filters (ANDed) plus an optional quick search (ORed `_ilike` across text columns) → the where
 * JSON, or null when there is nothing to filter on.
 */
export function buildWhere(
  filters: readonly Filter[],
  columns: readonly (ColumnLike & { hidden?: boolean })[],
  search = '',
): Where | null {
  const parts: Where[] = filters.filter((f) => f.column).map((f) => filterToCondition(f, columns))
  const q = search.trim()
  if (q) {
    const cols = searchableColumns(columns)
    const pattern = `%${q}%`
    const ors = cols.map((c) => ({ [c]: { _ilike: pattern } }))
    if (ors.length === 1) parts.push(ors[0]!)
    else if (ors.length > 1) parts.push({ _or: ors })
  }
  if (parts.length === 0) return null
  if (parts.length === 1) return parts[0]!
  return { _and: parts }
}

/**
 * Best-effort inverse of `buildWhere` for the filter box after a reload: recognises the shapes
 * `buildWhere` makes from filters. Returns null if the where is something else.
 */
export function whereToFilters(where: unknown): Filter[] | null {
  if (where === null || typeof where !== 'object' || Array.isArray(where)) return null
  const w = where as Record<string, unknown>
  const conds = Array.isArray(w._and) && Object.keys(w).length === 1 ? (w._and as unknown[]) : [w]
  const out: Filter[] = []
  for (const c of conds) {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) return null
    const entries = Object.entries(c as Record<string, unknown>)
    if (entries.length !== 1) return null
    const [column, opObj] = entries[0]!
    if (column.startsWith('_')) return null
    if (opObj === null || typeof opObj !== 'object' || Array.isArray(opObj)) return null
    const opEntries = Object.entries(opObj as Record<string, unknown>)
    if (opEntries.length !== 1) return null
    const [op, value] = opEntries[0]!
    if (op === '_is_null') {
      out.push({ column, op: value === false ? '_is_not_null' : '_is_null', value: '' })
    } else if ((op === '_in' || op === '_nin') && Array.isArray(value)) {
      out.push({ column, op, value: value.map(String).join(', ') })
    } else if (OPERATORS.some((o) => o.op === op) && (value === null || typeof value !== 'object')) {
      out.push({ column, op: op as FilterOp, value: String(value) })
    } else {
      return null
    }
  }
  return out
}
