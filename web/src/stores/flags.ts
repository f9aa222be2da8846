import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import type { Flag, NewFlag } from '@/api/types'

/** Feature flags (Settings → Feature flags). Mutations throw `ApiError`s for the caller to show. */
export const useFlagsStore = defineStore('flags', () => {
  const flags = ref<Flag[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Names with a write in flight (the toggle is disabled meanwhile). */
  const busy = ref<Record<string, boolean>>({})

  function put(flag: Flag) {
    const i = flags.value.findIndex((f) => f.name === flag.name)
    if (i >= 0) flags.value[i] = flag
    else flags.value = [...flags.value, flag].sort((a, b) => a.name.localeCompare(b.name))
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      flags.value = (await unwrap(api.GET('/api/v1/flags'))).flags
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function create(input: NewFlag): Promise<Flag> {
    const flag = await unwrap(api.POST('/api/v1/flags', { body: input }))
    put(flag)
    return flag
  }

  async function patch(name: string, body: { enabled?: boolean; description?: string | null }): Promise<Flag> {
    busy.value[name] = true
    try {
      const flag = await unwrap(api.PATCH('/api/v1/flags/{name}', { params: { path: { name } }, body }))
      put(flag)
      return flag
    } finally {
      delete busy.value[name]
    }
  }

  /** Switch a flag; the list shows the new state at once and goes back if the server refuses. */
  async function setEnabled(name: string, enabled: boolean): Promise<Flag> {
    const before = flags.value.find((f) => f.name === name)
    if (before) put({ ...before, enabled })
    try {
      return await patch(name, { enabled })
    } catch (e) {
      if (before) put(before)
      throw e
    }
  }

  function setDescription(name: string, description: string): Promise<Flag> {
    return patch(name, { description: description.trim() ? description.trim() : null })
  }

  async function remove(name: string): Promise<void> {
    await unwrap(api.DELETE('/api/v1/flags/{name}', { params: { path: { name } } }))
    flags.value = flags.value.filter((f) => f.name !== name)
  }

  return { flags, loaded, loading, error, busy, load, create, setEnabled, setDescription, remove }
})
