import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export const PAGE_SIZES = [25, 50, 100] as const
export const DEFAULT_LIMIT = 50

/** What the table page shows, as captured in its URL query. */
export interface ViewState {
  /** The where JSON text, as in the URL ('' = no filter). */
  where: string
  /** Quick search text ('' = none). */
  search: string
  /** `col,-col2` ('' = unsorted). */
  orderBy: string
  /** Shown columns in order (empty = the table's default columns). */
  columns: string[]
  offset: number
  limit: number
  /** Keyset cursor (`next_cursor` of the previous page; '' = use `offset`). */
  after: string
  /** Ask for an exact count (`count=exact`) instead of the default estimate. */
  exact: boolean
  /** The saved view shown (`view=<id>`; absent: none). Kept while the view is changed, so it can be updated. */
  view?: string
}

function first(v: LocationQuery[string] | undefined): string {
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

function int(text: string, fallback: number, min: number, max: number): number {
  const n = Number.parseInt(text, 10)
  return Number.isFinite(n) && n >= min && n <= max ? n : fallback
}

export function parseView(query: LocationQuery): ViewState {
  const cols = first(query.columns)
  return {
    where: first(query.where),
    search: first(query.search),
    orderBy: first(query.order_by),
    columns: cols ? cols.split(',').filter((c) => c !== '') : [],
    offset: int(first(query.offset), 0, 0, Number.MAX_SAFE_INTEGER),
    limit: int(first(query.limit), DEFAULT_LIMIT, 1, 1000),
    after: first(query.after),
    exact: first(query.count) === 'exact',
    view: first(query.view) || undefined,
  }
}

/** ViewState → URL query, leaving out defaults so URLs stay short. */
export function viewQuery(v: Partial<ViewState>): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  if (v.where) q.where = v.where
  if (v.search) q.search = v.search
  if (v.orderBy) q.order_by = v.orderBy
  if (v.columns && v.columns.length) q.columns = v.columns.join(',')
  if (v.offset && v.offset > 0) q.offset = String(v.offset)
  if (v.limit !== undefined && v.limit !== DEFAULT_LIMIT) q.limit = String(v.limit)
  if (v.after) q.after = v.after
  if (v.exact) q.count = 'exact'
  if (v.view) q.view = v.view
  return q
}

/** What selects the rows (not which page of them): a change resets paging and selection. */
export function selectionKey(v: ViewState): string {
  return JSON.stringify([v.where, v.search, v.orderBy, v.limit])
}

export type SortDir = 'asc' | 'desc' | null

export interface SortKey {
  column: string
  dir: 'asc' | 'desc'
}

export function parseOrder(orderBy: string): SortKey[] {
  return orderBy
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '' && p !== '-')
    .map((p) => (p.startsWith('-') ? { column: p.slice(1), dir: 'desc' as const } : { column: p, dir: 'asc' as const }))
}

export function formatOrder(keys: readonly SortKey[]): string {
  return keys.map((k) => (k.dir === 'desc' ? `-${k.column}` : k.column)).join(',')
}

/** Direction of `column` in an `order_by` string. */
export function sortOf(orderBy: string, column: string): SortDir {
  return parseOrder(orderBy).find((k) => k.column === column)?.dir ?? null
}

/** 1-based priority of `column` in a multi-column sort (null when unsorted or the only key). */
export function sortRank(orderBy: string, column: string): number | null {
  const keys = parseOrder(orderBy)
  if (keys.length < 2) return null
  const i = keys.findIndex((k) => k.column === column)
  return i < 0 ? null : i + 1
}

/**
 * Clicking a header. Plain click: sort by that column only (asc → desc → none).
 * Shift-click (`add`): add it as the last key, or cycle it in place (asc → desc → removed).
 */
export function nextSort(orderBy: string, column: string, add = false): string {
  const keys = parseOrder(orderBy)
  const i = keys.findIndex((k) => k.column === column)
  const cur = i >= 0 ? keys[i]!.dir : null
  if (!add) {
    if (cur === null) return column
    if (cur === 'asc') return `-${column}`
    return ''
  }
  if (cur === null) return formatOrder([...keys, { column, dir: 'asc' }])
  if (cur === 'asc') {
    keys[i] = { column, dir: 'desc' }
    return formatOrder(keys)
  }
  keys.splice(i, 1)
  return formatOrder(keys)
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 })
const plain = new Intl.NumberFormat('en-US')

/** A row count for the pager: `12,345`, or `≈ 1.2M` / `≈ 2,000` when estimated. */
export function formatCount(n: number, estimated: boolean): string {
  if (!estimated) return plain.format(n)
  return `≈ ${n >= 100_000 ? compact.format(n) : plain.format(n)}`
}
