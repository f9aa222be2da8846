import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap, VIEW_AS_HEADER } from '@/api/client'
import type { Operation, Permission, PermissionMatrix, PermissionsDocument, PreviewPage, Rule, RuleBody, TableSchema } from '@/api/types'

/** The permission matrix (admin-only), the full table schemas its editor needs, import/export. */
export const usePermissionsStore = defineStore('permissions', () => {
  const roles = ref<string[]>([])
  const tables = ref<string[]>([])
  const permissions = ref<Permission[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  const schemas = ref<Record<string, TableSchema>>({})

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      const m = (await unwrap(api.GET('/api/v1/permissions'))) as PermissionMatrix & { permissions: Permission[] }
      roles.value = m.roles
      tables.value = m.tables
      permissions.value = m.permissions
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  function rule(role: string, table: string, operation: Operation): Rule | null {
    return permissions.value.find((p) => p.role === role && p.table === table && p.operation === operation)?.rule ?? null
  }

  /** Every column of a table, whoever the console is viewed as (`admin` sees them all). */
  async function schema(table: string): Promise<TableSchema> {
    const cached = schemas.value[table]
    if (cached) return cached
    const s = await unwrap(
      api.GET('/api/v1/tables/{table}', { params: { path: { table } }, headers: { [VIEW_AS_HEADER]: 'admin' } }),
    )
    schemas.value[table] = s
    return s
  }

  async function save(role: string, table: string, operation: Operation, body: Rule): Promise<Permission> {
    const p = (await unwrap(
      api.PUT('/api/v1/permissions/{role}/{table}/{operation}', {
        params: { path: { role, table, operation } },
        body: body as RuleBody,
      }),
    )) as Permission
    permissions.value = [
      ...permissions.value.filter((x) => !(x.role === role && x.table === table && x.operation === operation)),
      p,
    ]
    return p
  }

  async function remove(role: string, table: string, operation: Operation): Promise<void> {
    await unwrap(api.DELETE('/api/v1/permissions/{role}/{table}/{operation}', { params: { path: { role, table, operation } } }))
    permissions.value = permissions.value.filter((x) => !(x.role === role && x.table === table && x.operation === operation))
  }

  function preview(role: string, table: string, rule: Rule, limit = 10): Promise<PreviewPage> {
    return unwrap(api.POST('/api/v1/permissions/preview', { body: { role, table, rule: rule as RuleBody, limit } }))
  }

  function exportDocument(): Promise<PermissionsDocument> {
    return unwrap(api.GET('/api/v1/permissions/export'))
  }

  async function importDocument(doc: PermissionsDocument): Promise<void> {
    await unwrap(api.POST('/api/v1/permissions/import', { body: doc }))
  }

  return {
    roles, tables, permissions, loaded, loading, error, schemas,
    load, rule, schema, save, remove, preview, exportDocument, importDocument,
  }
})
