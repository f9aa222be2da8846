import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { Flag, NewFlag } from '@/api/types'
import { useKeyedList } from '@/lib/keyedList'

/** Feature flags (Settings → Feature flags). Mutations throw `ApiError`s for the caller to show. */
export const useFlagsStore = defineStore('flags', () => {
  const list = useKeyedList<Flag, string>({
    key: (f) => f.name,
    fetch: async () => (await unwrap(api.GET('/api/v1/flags'))).flags,
    compare: (a, b) => a.name.localeCompare(b.name),
  })

  async function create(input: NewFlag): Promise<Flag> {
    const flag = await unwrap(api.POST('/api/v1/flags', { body: input }))
    list.put(flag)
    return flag
  }

  /** A change to one flag; its toggle is disabled meanwhile. */
  function patch(name: string, body: { enabled?: boolean; description?: string | null }): Promise<Flag> {
    return list.whileBusy(name, async () => {
      const flag = await unwrap(api.PATCH('/api/v1/flags/{name}', { params: { path: { name } }, body }))
      list.put(flag)
      return flag
    })
  }

  /** Switch a flag; the list shows the new state at once and goes back if the server refuses. */
  async function setEnabled(name: string, enabled: boolean): Promise<Flag> {
    const before = list.items.value.find((f) => f.name === name)
    if (before) list.put({ ...before, enabled })
    try {
      return await patch(name, { enabled })
    } catch (e) {
      if (before) list.put(before)
      throw e
    }
  }

  function setDescription(name: string, description: string): Promise<Flag> {
    return patch(name, { description: description.trim() ? description.trim() : null })
  }

  async function remove(name: string): Promise<void> {
    await unwrap(api.DELETE('/api/v1/flags/{name}', { params: { path: { name } } }))
    list.drop(name)
  }

  const { items: flags, loaded, loading, error, busy, load } = list
  return { flags, loaded, loading, error, busy, load, create, setEnabled, setDescription, remove }
})
