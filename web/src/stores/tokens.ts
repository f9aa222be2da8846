import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { ApiToken, CreatedToken } from '@/api/types'
import { useKeyedList } from '@/lib/keyedList'

/**
 * The signed-in user's personal API tokens (any role). Listed tokens never carry their secret:
 * `create` returns it once, for the page to show; the store does not keep it.
 * Mutations throw `ApiError`s for the caller to show.
 */
export const useTokensStore = defineStore('tokens', () => {
  const list = useKeyedList<ApiToken, number>({
    key: (t) => t.id,
    fetch: async () => (await unwrap(api.GET('/api/v1/auth/tokens'))).tokens,
  })

  async function create(name: string): Promise<CreatedToken> {
    const created = await unwrap(api.POST('/api/v1/auth/tokens', { body: { name } }))
    list.put(created.token)
    return created
  }

  function revoke(id: number): Promise<void> {
    return list.whileBusy(id, async () => {
      try {
        await unwrap(api.DELETE('/api/v1/auth/tokens/{id}', { params: { path: { id } } }))
        list.drop(id)
      } catch (e) {
        // already revoked (another tab, or it expired): it is gone either way
        if (e instanceof ApiError && e.status === 404) list.drop(id)
        throw e
      }
    })
  }

  // `reset` drops the list at sign-out: the next user has their own tokens.
  const { items: tokens, loaded, loading, error, busy, load, reset } = list
  return { tokens, loaded, loading, error, busy, load, create, revoke, reset }
})
