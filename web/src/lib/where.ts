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
 * One column's operator object (`{"_gt": 1, "_lt": 9}`) → filter rows, or null when it holds
 * something the filter rows cannot show (an unknown operator, an object value, a relation).
 */
export function conditionToFilters(column: string, opObj: unknown): Filter[] | null {
  if (column.startsWith('_')) return null
  if (opObj === null || typeof opObj !== 'object' || Array.isArray(opObj)) return null
  const opEntries = Object.entries(opObj as Record<string, unknown>)
  if (opEntries.length === 0) return null
  const out: Filter[] = []
  for (const [op, value] of opEntries) {
    if (op === '_is_null') {
      out.push({ column, op: value === false ? '_is_not_null' : '_is_null', value: '' })
    } else if ((op === '_in' || op === '_nin') && Array.isArray(value)) {
      if (value.some((v) => v !== null && typeof v === 'object')) return null
      out.push({ column, op, value: value.map(String).join(', ') })
    } else if (OPERATORS.some((o) => o.op === op) && (value === null || typeof value !== 'object')) {
      out.push({ column, op: op as FilterOp, value: String(value) })
    } else {
      return null
    }
  }
  return out
}

/**
 * Best-effort inverse of `buildWhere` for the filter box after a reload: recognises the shapes
 * `buildWhere` makes from filters. Returns null if the where is something else.
 */
export function whereToFilters(where: unknown): Filter[] | null {
  if (!isPlainObject(where)) return null
  const conds = Array.isArray(where._and) && Object.keys(where).length === 1 ? (where._and as unknown[]) : [where]
  const out: Filter[] = []
  for (const c of conds) {
    if (!isPlainObject(c)) return null
    const entries = Object.entries(c)
    if (entries.length !== 1) return null
    const [column, opObj] = entries[0]!
    const f = conditionToFilters(column, opObj)
    if (!f || f.length !== 1) return null
    out.push(...f)
  }
  return out
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

// ---- the filter builder's tree (permission rules): conditions in AND/OR groups ----

/** Session variables a permission rule may compare with; substituted from the signed-in user. */
export const SESSION_VARIABLES = ['X-Rubbie-User-Id', 'X-Rubbie-Username', 'X-Rubbie-Role'] as const
export type SessionVariable = (typeof SESSION_VARIABLES)[number]

export const isSessionVariable = (v: unknown): v is SessionVariable =>
  typeof v === 'string' && (SESSION_VARIABLES as readonly string[]).includes(v)

/** Operators whose value may be a session variable (one scalar compared with the column). */
export const SESSION_OPS: readonly FilterOp[] = ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte']

/** A condition of the builder: a filter whose value is typed text or a session variable. */
export interface CondNode extends Filter {
  type: 'cond'
  /** The session variable compared with, or null for the typed `value`. */
  session: SessionVariable | null
}

/** Conditions (and nested groups) joined by AND or OR. */
export interface GroupNode {
  type: 'group'
  mode: '_and' | '_or'
  children: WhereNode[]
}

export type WhereNode = CondNode | GroupNode

export const emptyGroup = (mode: GroupNode['mode'] = '_and'): GroupNode => ({ type: 'group', mode, children: [] })

/**
 * The where JSON of a builder node, or null when it has nothing to filter on (empty groups and
 * conditions without a column are left out; a group of one is that one).
 */
export function nodeToWhere(node: WhereNode, columns: readonly ColumnLike[]): Where | null {
  if (node.type === 'cond') {
    if (!node.column) return null
    if (node.session && SESSION_OPS.includes(node.op)) return { [node.column]: { [node.op]: node.session } }
    return filterToCondition(node, columns)
  }
  const parts = node.children.map((c) => nodeToWhere(c, columns)).filter((w): w is Where => w !== null)
  if (parts.length === 0) return null
  if (parts.length === 1) return parts[0]!
  return { [node.mode]: parts }
}

function parseNode(expr: unknown): WhereNode | null {
  if (!isPlainObject(expr)) return null
  const parts: WhereNode[] = []
  for (const [key, value] of Object.entries(expr)) {
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) return null
      const children: WhereNode[] = []
      for (const v of value) {
        const child = parseNode(v)
        if (!child) return null
        children.push(child)
      }
      parts.push({ type: 'group', mode: key, children })
      continue
    }
    // `_not`, relations (nested objects without operators) and the like: JSON mode only
    const filters = conditionToFilters(key, value)
    if (!filters) return null
    for (const f of filters) {
      const session = SESSION_OPS.includes(f.op) && isSessionVariable((value as Record<string, unknown>)[f.op])
      parts.push({ type: 'cond', ...f, session: session ? (f.value as SessionVariable) : null })
    }
  }
  if (parts.length === 1) return parts[0]!
  return { type: 'group', mode: '_and', children: parts }
}

/**
 * Where JSON → the builder's tree (always a group at the root), or null when the builder cannot
 * show it (`_not`, relation filters, object values): the caller falls back to JSON editing.
 * `null`/`{}` give an empty group.
 */
export function whereToNode(where: unknown): GroupNode | null {
  if (where === null || where === undefined) return emptyGroup()
  const node = parseNode(where)
  if (!node) return null
  return node.type === 'group' ? node : { type: 'group', mode: '_and', children: [node] }
}

// ---- operators and value widgets by column kind (the grid's filter builder) ----

const ALL_OPS = OPERATORS.map((o) => o.op) as FilterOp[]
const NULL_OPS: FilterOp[] = ['_is_null', '_is_not_null']
const ORDER_OPS: FilterOp[] = ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_in', '_nin', ...NULL_OPS]

/** Operators that make sense for a column kind (unknown kinds get them all). */
export function operatorsFor(kind: ColumnLike['kind'] | undefined): FilterOp[] {
  switch (kind) {
    case 'boolean':
      return ['_eq', '_neq', ...NULL_OPS]
    case 'integer':
    case 'float':
    case 'decimal':
    case 'date':
    case 'time':
    case 'datetime':
      return ORDER_OPS
    case 'enum':
      return ['_eq', '_neq', '_in', '_nin', '_ilike', '_nilike', '_like', '_nlike', ...NULL_OPS]
    case 'json':
    case 'bytes':
      return NULL_OPS
    default:
      return ALL_OPS
  }
}

export type ValueWidget = 'none' | 'enum' | 'enum-multi' | 'boolean' | 'number' | 'date' | 'datetime' | 'text'

/** Which input edits a condition's value. */
export function valueWidget(
  column: Pick<Column, 'kind'> & { enum_values?: string[] | null } | undefined,
  op: FilterOp,
  value = '',
): ValueWidget {
  if (op === '_is_null' || op === '_is_not_null') return 'none'
  if (op.includes('like')) return 'text'
  const list = op === '_in' || op === '_nin'
  if (column?.kind === 'enum' && column.enum_values?.length) return list ? 'enum-multi' : 'enum'
  if (list) return 'text'
  switch (column?.kind) {
    case 'boolean':
      return 'boolean'
    case 'integer':
    case 'float':
    case 'decimal':
      return 'number'
    case 'date':
      return value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'date' : 'text'
    case 'datetime':
      return value === '' || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value) ? 'datetime' : 'text'
    default:
      return 'text'
  }
}

/** `a, b` ↔ `['a', 'b']` for the multi-select of `_in` on enum columns. */
export const splitList = (text: string): string[] => text.split(',').map((s) => s.trim()).filter((s) => s !== '')
