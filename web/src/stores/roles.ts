import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { NewRole, Role, RoleChange } from '@/api/types'

/** Roles (admin first). Admin-only: load it only for admins. Mutations throw `ApiError`s. */
export const useRolesStore = defineStore('roles', () => {
  const roles = ref<Role[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      roles.value = (await unwrap(api.GET('/api/v1/roles'))).roles
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function create(input: NewRole): Promise<Role> {
    const role = await unwrap(api.POST('/api/v1/roles', { body: input }))
    roles.value = [...roles.value, role]
    return role
  }

  async function update(name: string, change: RoleChange): Promise<Role> {
    const role = await unwrap(api.PATCH('/api/v1/roles/{name}', { params: { path: { name } }, body: change }))
    roles.value = roles.value.map((r) => (r.name === name ? role : r))
    return role
  }

  async function remove(name: string): Promise<void> {
    await unwrap(api.DELETE('/api/v1/roles/{name}', { params: { path: { name } } }))
    roles.value = roles.value.filter((r) => r.name !== name)
  }

  function reset() {
    roles.value = []
    loaded.value = false
  }

  return { roles, loaded, loading, error, load, create, update, remove, reset }
})
