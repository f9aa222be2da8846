import type { Row } from '@/api/types'
import { pkKey } from './pk'
import type { Where } from './where'

export type BulkAction = 'delete' | 'update'

/** What the user selected: some rows by key, or every row matching the view. */
export type BulkSelection =
  | { kind: 'keys'; keys: string[] }
  | { kind: 'matching'; where: Where | null; search: string; count: number }

/** The body of `POST /tables/{t}/bulk` (keys are raw `pkKey` segments, not URL-encoded). */
export interface BulkBody {
  action: BulkAction
  keys?: string[]
  where?: Where
  search?: string
  set?: Record<string, unknown>
  expected: number
}

export function bulkBody(action: BulkAction, sel: BulkSelection, set?: Record<string, unknown>): BulkBody {
  const body: BulkBody =
    sel.kind === 'keys'
      ? { action, keys: [...sel.keys], expected: sel.keys.length }
      : { action, expected: sel.count }
  if (sel.kind === 'matching') {
    if (sel.where) body.where = sel.where
    if (sel.search.trim()) body.search = sel.search
  }
  if (action === 'update') body.set = { ...(set ?? {}) }
  return body
}

/** How many rows a selection holds. */
export const selectionSize = (sel: BulkSelection): number => (sel.kind === 'keys' ? sel.keys.length : sel.count)

/** The keys of rows (rows without a full key are skipped). */
export function rowKeys(rows: readonly Row[], primaryKey: readonly string[]): string[] {
  return rows.map((r) => pkKey(r, primaryKey)).filter((k): k is string => k !== null)
}
