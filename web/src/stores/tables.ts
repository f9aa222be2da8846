import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { TableSchema, TableSummary } from '@/api/types'

/** The table list (sidebar, home) and a cache of table schemas. */
export const useTablesStore = defineStore('tables', () => {
  const tables = ref<TableSummary[]>([])
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

  function reset() {
    tables.value = []
    loaded.value = false
    schemas.value = {}
  }

  return { tables, loaded, loading, error, schemas, loadTables, schema, reset }
})
