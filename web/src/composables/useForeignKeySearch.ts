import { ref } from 'vue'
import { api, unwrap } from '@/api/client'
import type { ColumnKind, ColumnRef, Row, RowsQuery } from '@/api/types'
import { parseScalar } from '@/lib/where'
import { useTablesStore } from '@/stores/tables'

/** A row a foreign key may point at: its key value (as form text) and what it is called. */
export interface ForeignKeyOption {
  value: string
  label: string | null
}

/** Options offered per search. */
export const FK_SEARCH_LIMIT = 20

/**
 * Looking up the rows a foreign-key column references: search them (the table's quick search),
 * and name one value (its display column). When the referenced table cannot be read by this user,
 * `available` turns false and both give nothing (the field stays a plain input).
 */
export function useForeignKeySearch(reference: () => ColumnRef, kind: () => ColumnKind) {
  const tables = useTablesStore()
  const available = ref(true)
  const displayColumn = ref<string | null>(null)
  const labels = new Map<string, string | null>()
  let ready: Promise<boolean> | null = null

  function ensureSchema(): Promise<boolean> {
    ready ??= tables.schema(reference().table).then(
      (s) => {
        displayColumn.value = s.display_column ?? null
        return true
      },
      () => (available.value = false),
    )
    return ready
  }

  function columns(): string {
    const key = reference().column
    return displayColumn.value && displayColumn.value !== key ? `${key},${displayColumn.value}` : key
  }

  function option(row: Row): ForeignKeyOption {
    const value = row[reference().column]
    const label = displayColumn.value ? row[displayColumn.value] : null
    const option = { value: value == null ? '' : String(value), label: label == null ? null : String(label) }
    labels.set(option.value, option.label)
    return option
  }

  async function rows(query: RowsQuery): Promise<Row[]> {
    const res = await unwrap(
      api.GET('/api/v1/tables/{table}/rows', {
        params: { path: { table: reference().table }, query: { ...query, columns: columns(), count: 'none' } },
      }),
    )
    return res.rows
  }

  /** Referenced rows matching `text` (by their text columns, or a whole number by key). */
  async function search(text: string): Promise<ForeignKeyOption[]> {
    if (!text.trim() || !(await ensureSchema())) return []
    return (await rows({ search: text.trim(), limit: FK_SEARCH_LIMIT })).map(option)
  }

  /**
   * The row with key `value`: whether it exists and what it is called (null: no label). Null when
   * it was not looked up: no value, a half-typed number, or an unreadable referenced table.
   */
  async function lookup(value: string): Promise<{ found: boolean; label: string | null } | null> {
    if (labels.has(value)) return { found: true, label: labels.get(value)! }
    if (!value.trim() || !(await ensureSchema())) return null
    const typed = parseScalar(value, kind())
    // a half-typed number is not a key (asking would be a 400)
    if ((kind() === 'integer' || kind() === 'float') && typeof typed !== 'number') return null
    const found = await rows({ where: JSON.stringify({ [reference().column]: { _eq: typed } }), limit: 1 })
    return found[0] ? { found: true, label: option(found[0]).label } : { found: false, label: null }
  }

  return { available, displayColumn, search, lookup }
}
