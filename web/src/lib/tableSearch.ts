import type { TableSummary } from '@/api/types'

/** The tables whose name or label contains the search text (case-insensitive); all for ''. */
export function searchTables<T extends Pick<TableSummary, 'name' | 'label'>>(tables: readonly T[], search: string): readonly T[] {
  const q = search.trim().toLowerCase()
  if (!q) return tables
  return tables.filter((t) => t.name.toLowerCase().includes(q) || t.label.toLowerCase().includes(q))
}
