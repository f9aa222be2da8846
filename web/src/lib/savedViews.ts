/** Saved views ↔ the table page's URL state (lib/view.ts). */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { SavedView, ViewChange } from '@/api/types'
import { viewQuery, type ViewState } from './view'

/** The URL parameters a view is made of (paging and count are not part of a view). */
const DEFINITION_PARAMS = ['where', 'search', 'order_by', 'columns'] as const

type Definition = Pick<ViewState, 'where' | 'search' | 'orderBy' | 'columns'>

function definitionOf(v: SavedView): Definition {
  return {
    where: v.where && Object.keys(v.where).length ? JSON.stringify(v.where) : '',
    search: v.search ?? '',
    orderBy: v.order_by ?? '',
    columns: v.columns ?? [],
  }
}

/** The table page URL query that shows a saved view: its definition plus `view=<id>` (shareable). */
export function savedViewQuery(v: SavedView): LocationQueryRaw {
  return viewQuery({ ...definitionOf(v), view: String(v.id) })
}

/**
 * The id of `?view=ID` when the URL has nothing else that defines a view: then the page should
 * show that view's saved definition. Null otherwise (no view, or the URL says what to show).
 */
export function viewLinkId(query: LocationQuery): number | null {
  const raw = Array.isArray(query.view) ? query.view[0] : query.view
  if (!raw || !/^\d+$/.test(raw)) return null
  if (DEFINITION_PARAMS.some((p) => query[p] !== undefined && query[p] !== '')) return null
  return Number(raw)
}

/** Whether the page shows `v` as saved (not once its filter, search, sort or columns changed). */
export function showsView(state: ViewState, v: SavedView): boolean {
  const saved = definitionOf(v)
  return (
    sameWhere(state.where, saved.where) &&
    state.search === saved.search &&
    state.orderBy === saved.orderBy &&
    state.columns.join(',') === saved.columns.join(',')
  )
}

function sameWhere(a: string, b: string): boolean {
  if (a === b) return true
  try {
    return canonical(JSON.parse(a || '{}')) === canonical(JSON.parse(b || '{}'))
  } catch {
    return false
  }
}

/** JSON text with object keys sorted, so `{a,b}` and `{b,a}` compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/**
 * The page's state as a view body. For a new view, parts not set are left out; to overwrite a
 * view (`overwrite`), they are sent empty, which clears them. Throws when the URL's filter is not
 * JSON (the grid shows that error already).
 */
export function viewInput(state: ViewState, overwrite: boolean): ViewChange {
  let where: Record<string, unknown> | undefined
  if (state.where) {
    try {
      where = JSON.parse(state.where) as Record<string, unknown>
    } catch {
      throw new Error('The filter in the URL is not valid JSON: fix or clear it first.')
    }
  }
  const body: ViewChange = {}
  if (where || overwrite) body.where = where ?? {}
  if (state.search || overwrite) body.search = state.search
  if (state.orderBy || overwrite) body.order_by = state.orderBy
  if (state.columns.length || overwrite) body.columns = state.columns
  return body
}

/** Who may change a view (its owner) and who may delete it (also an admin, for a shared one). */
export function canDelete(v: SavedView, isAdmin: boolean): boolean {
  return v.mine || (isAdmin && v.shared)
}
