// Whether the schema editor is on (GET /api/v1/schema says, with the reason when it is not),
// and every table with its keys, for the forms; shared by the schema pages.
import { computed, ref } from 'vue'
import { api, unwrap } from '@/api/client'
import type { SchemaEditing, SchemaTable } from '@/api/types'
import { useAuthStore } from '@/stores/auth'

const editing = ref<SchemaEditing | null>(null)
const tables = ref<SchemaTable[]>([])

export function useSchemaEditing() {
  const auth = useAuthStore()
  const enabled = computed(() => auth.isAdmin && editing.value?.enabled === true)
  async function load() {
    const doc = await unwrap(api.GET('/api/v1/schema'))
    editing.value = doc.editing
    tables.value = doc.tables
  }
  return { editing, tables, enabled, load }
}
