import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { ApiToken, CreatedToken } from '@/api/types'

/**
 * The signed-in user's personal API tokens (any role). Listed tokens never carry their secret:
 * `create` returns it once, for the page to show; the store does not keep it.
 * Mutations throw `ApiError`s for the caller to show.
 */
export const useTokensStore = defineStore('tokens', () => {
  const tokens = ref<ApiToken[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Ids with a revoke in flight. */
  const busy = ref<Record<number, boolean>>({})

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      tokens.value = (await unwrap(api.GET('/api/v1/auth/tokens'))).tokens
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  async function create(name: string): Promise<CreatedToken> {
    const created = await unwrap(api.POST('/api/v1/auth/tokens', { body: { name } }))
    tokens.value = [...tokens.value.filter((t) => t.id !== created.token.id), created.token]
    return created
  }

  function drop(id: number) {
    tokens.value = tokens.value.filter((t) => t.id !== id)
  }

  async function revoke(id: number): Promise<void> {
    busy.value[id] = true
    try {
      await unwrap(api.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id } } }))
      drop(id)
    } catch (e) {
      // already revoked (another tab, or it expired): it is gone either way
      if (e instanceof ApiError && e.status === 404) drop(id)
      throw e
    } finally {
      delete busy.value[id]
    }
  }

  /** Drop the list (sign-out: the next user has their own tokens). */
  function reset() {
    tokens.value = []
    loaded.value = false
    error.value = null
    busy.value = {}
  }

  return { tokens, loaded, loading, error, busy, load, create, revoke, reset }
})
