import type { LocationQuery, LocationQueryRaw } from 'vue-router'

export const PAGE_SIZES = [25, 50, 100] as const
export const DEFAULT_LIMIT = 50

/** What the table page shows, as captured in its URL query. */
export interface ViewState {
  /** The where JSON text, as in the URL ('' = no filter). */
  where: string
  /** `col,-col2` ('' = unsorted). */
  orderBy: string
  offset: number
  limit: number
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
  return {
    where: first(query.where),
    orderBy: first(query.order_by),
    offset: int(first(query.offset), 0, 0, Number.MAX_SAFE_INTEGER),
    limit: int(first(query.limit), DEFAULT_LIMIT, 1, 1000),
  }
}

/** ViewState → URL query, leaving out defaults so URLs stay short. */
export function viewQuery(v: ViewState): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  if (v.where) q.where = v.where
  if (v.orderBy) q.order_by = v.orderBy
  if (v.offset > 0) q.offset = String(v.offset)
  if (v.limit !== DEFAULT_LIMIT) q.limit = String(v.limit)
  return q
}

export type SortDir = 'asc' | 'desc' | null

/** Direction of `column` in an `order_by` string. */
export function sortOf(orderBy: string, column: string): SortDir {
  for (const part of orderBy.split(',')) {
    if (part === column) return 'asc'
    if (part === `-${column}`) return 'desc'
  }
  return null
}

/** Clicking a header: asc → desc → none (sorting by that one column). */
export function nextSort(orderBy: string, column: string): string {
  switch (sortOf(orderBy, column)) {
    case null:
      return column
    case 'asc':
      return `-${column}`
    default:
      return ''
  }
}
