/** Foreign keys in the console: where-filters for related rows, links to referenced rows, labels. */
import type { RouteLocationRaw } from 'vue-router'
import type { ColumnRef, ForeignKey, Row, RowLabels, RowPage } from '@/api/types'
import type { Where } from './where'

/**
 * The rows of the referencing table that point at `row` through the incoming key `fk`:
 * `{"<fk col>": {"_eq": value}}`, an `_and` of those for a composite key. Null when `row` lacks
 * (or has a NULL in) a referenced column, as nothing can point at that.
 */
export function relationWhere(fk: Pick<ForeignKey, 'columns' | 'references_columns'>, row: Row): Where | null {
  const conds: Where[] = []
  for (const [i, col] of fk.columns.entries()) {
    const value = row[fk.references_columns[i] ?? '']
    if (value === null || value === undefined) return null
    conds.push({ [col]: { _eq: value } })
  }
  if (conds.length === 0) return null
  return conds.length === 1 ? conds[0]! : { _and: conds }
}

/** The row page of the row a foreign-key value points at (the key is the value, as `pkKey` spells one column). */
export function referencedRowRoute(ref: ColumnRef, value: unknown): RouteLocationRaw | null {
  if (value === null || value === undefined || value === '') return null
  return { name: 'row', params: { table: ref.table, pk: String(value) } }
}

/** What a foreign-key value is called, from a page's labels (undefined when not known). */
export function labelFor(labels: RowLabels | null | undefined, column: string, value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined
  return labels?.[column]?.[typeof value === 'string' ? value : String(value)]
}

/** `a` and `b` together (a later page's labels added to the first one's); `a` is not changed. */
export function mergeLabels(a: RowLabels | null | undefined, b: RowLabels | null | undefined): RowLabels {
  const out: RowLabels = { ...(a ?? {}) }
  for (const [col, map] of Object.entries(b ?? {})) out[col] = { ...(out[col] ?? {}), ...map }
  return out
}

/** The `labels` of a rows page (none when the page was asked without `labels=true`). */
export function pageLabels(page: Pick<RowPage, 'labels'>): RowLabels {
  return page.labels ?? {}
}
