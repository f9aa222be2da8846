import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { TableSchema, TableSummary } from '@/api/types'

/** The table list (sidebar, home), the untracked tables (admins) and a cache of table schemas. */
export const useTablesStore = defineStore('tables', () => {
  const tables = ref<TableSummary[]>([])
  /** Tables in the database rubbie does not serve until an admin tracks them ([] for others). */
  const untracked = ref<TableSummary[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const schemas = ref<Record<string, TableSchema>>({})

  async function loadTables(force = false): Promise<void> {
    if (loading.value || (loaded.value && !force)) return
    loading.value = true
    error.value = null
    try {
      const res = await unwrap(api.GET('/api/v1/tables'))
      tables.value = res.tables
      untracked.value = res.untracked ?? []
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function schema(table: string, force = false): Promise<TableSchema> {
    const cached = schemas.value[table]
    if (cached && !force) return cached
    const s = await unwrap(api.GET('/api/v1/tables/{table}', { params: { path: { table } } }))
    schemas.value[table] = s
    return s
  }

  /** Serve a table from now on (admins); the lists are loaded again. */
  async function track(table: string): Promise<TableSummary> {
    const summary = await unwrap(api.POST('/api/v1/tables/{table}/track', { params: { path: { table } } }))
    // move it across now (a list load already under way may predate the change)
    untracked.value = untracked.value.filter((t) => t.name !== table)
    tables.value = [...tables.value.filter((t) => t.name !== table), summary].sort((a, b) => a.name.localeCompare(b.name))
    await loadTables(true)
    return summary
  }

  /** Serve every untracked table (admins) in one step; returns their names. */
  async function trackAll(): Promise<string[]> {
    const res = await unwrap(api.POST('/api/v1/tracking/track-all'))
    await loadTables(true)
    return res.tracked
  }

  /** Stop serving a table (its data stays in the database); the lists are loaded again. */
  async function untrack(table: string): Promise<void> {
    await unwrap(api.POST('/api/v1/tables/{table}/untrack', { params: { path: { table } } }))
    delete schemas.value[table]
    tables.value = tables.value.filter((t) => t.name !== table)
    await loadTables(true)
  }

  function reset() {
    tables.value = []
    untracked.value = []
    loaded.value = false
    schemas.value = {}
  }

  return { tables, untracked, loaded, loading, error, schemas, loadTables, schema, track, trackAll, untrack, reset }
})
