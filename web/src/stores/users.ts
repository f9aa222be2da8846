import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { NewUser, UserAccount, UserChange } from '@/api/types'
import { useKeyedList } from '@/lib/keyedList'

/** rubbie's users (admin-only). Mutations throw `ApiError`s for the caller to show. */
export const useUsersStore = defineStore('users', () => {
  const list = useKeyedList<UserAccount, number>({
    key: (u) => u.id,
    fetch: async () => (await unwrap(api.GET('/api/v1/users'))).users,
  })

  async function create(input: NewUser): Promise<UserAccount> {
    const user = await unwrap(api.POST('/api/v1/users', { body: input }))
    list.put(user)
    return user
  }

  function update(id: number, change: UserChange): Promise<UserAccount> {
    return list.whileBusy(id, async () => {
      const user = await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: change }))
      list.put(user)
      return user
    })
  }

  async function remove(id: number): Promise<void> {
    await unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }))
    list.drop(id)
  }

  const { items: users, loaded, loading, error, busy, load } = list
  return { users, loaded, loading, error, busy, load, create, update, remove }
})
