import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { NewUser, UserAccount, UserChange } from '@/api/types'

/** rubbie's users (admin-only). Mutations throw `ApiError`s for the caller to show. */
export const useUsersStore = defineStore('users', () => {
  const users = ref<UserAccount[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Ids with a write in flight. */
  const busy = ref<Record<number, boolean>>({})

  function put(user: UserAccount) {
    const i = users.value.findIndex((u) => u.id === user.id)
    if (i >= 0) users.value[i] = user
    else users.value = [...users.value, user]
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      users.value = (await unwrap(api.GET('/api/v1/users'))).users
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function create(input: NewUser): Promise<UserAccount> {
    const user = await unwrap(api.POST('/api/v1/users', { body: input }))
    put(user)
    return user
  }

  async function update(id: number, change: UserChange): Promise<UserAccount> {
    busy.value[id] = true
    try {
      const user = await unwrap(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: change }))
      put(user)
      return user
    } finally {
      delete busy.value[id]
    }
  }

  async function remove(id: number): Promise<void> {
    await unwrap(api.DELETE('/api/v1/users/{id}', { params: { path: { id } } }))
    users.value = users.value.filter((u) => u.id !== id)
  }

  return { users, loaded, loading, error, busy, load, create, update, remove }
})
