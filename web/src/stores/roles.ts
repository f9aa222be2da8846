import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { NewRole, Role, RoleChange } from '@/api/types'
import { useKeyedList } from '@/lib/keyedList'

/** Roles (admin first). Admin-only: load it only for admins. Mutations throw `ApiError`s. */
export const useRolesStore = defineStore('roles', () => {
  const list = useKeyedList<Role, string>({
    key: (r) => r.name,
    fetch: async () => (await unwrap(api.GET('/api/v1/roles'))).roles,
  })

  async function create(input: NewRole): Promise<Role> {
    const role = await unwrap(api.POST('/api/v1/roles', { body: input }))
    list.put(role)
    return role
  }

  async function update(name: string, change: RoleChange): Promise<Role> {
    const role = await unwrap(api.PATCH('/api/v1/roles/{name}', { params: { path: { name } }, body: change }))
    list.put(role, name) // a rename keeps the role's place
    return role
  }

  async function remove(name: string): Promise<void> {
    await unwrap(api.DELETE('/api/v1/roles/{name}', { params: { path: { name } } }))
    list.drop(name)
  }

  const { items: roles, loaded, loading, error, load, reset } = list
  return { roles, loaded, loading, error, load, create, update, remove, reset }
})
