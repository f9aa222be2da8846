import { ref } from 'vue'
import { api, unwrap } from '@/api/client'
import { toApiError } from '@/api/errors'
import type { SavedView, ViewChange, ViewInput } from '@/api/types'

/**
 * A table's saved views (the user's own and the shared ones, by name) and the calls that change
 * them. Changes keep `views` in step; failed calls throw the API's error for the caller to show.
 */
export function useSavedViews(table: () => string) {
  const views = ref<SavedView[]>([])
  const loaded = ref(false)
  const error = ref<string | null>(null)

  const path = () => ({ path: { table: table() } })
  const one = (id: number) => ({ path: { table: table(), id } })
  const byName = (a: SavedView, b: SavedView) => a.name.localeCompare(b.name)

  async function load(): Promise<void> {
    error.value = null
    try {
      views.value = (await unwrap(api.GET('/api/v1/tables/{table}/views', { params: path() }))).views
      loaded.value = true
    } catch (e) {
      error.value = toApiError(e).message
    }
  }

  function put(v: SavedView) {
    views.value = [...views.value.filter((x) => x.id !== v.id), v].sort(byName)
  }

  async function create(body: ViewInput): Promise<SavedView> {
    const v = await unwrap(api.POST('/api/v1/tables/{table}/views', { params: path(), body }))
    put(v)
    return v
  }

  async function update(id: number, body: ViewChange): Promise<SavedView> {
    const v = await unwrap(api.PATCH('/api/v1/tables/{table}/views/{id}', { params: one(id), body }))
    put(v)
    return v
  }

  async function remove(id: number): Promise<void> {
    await unwrap(api.DELETE('/api/v1/tables/{table}/views/{id}', { params: one(id) }))
    views.value = views.value.filter((x) => x.id !== id)
  }

  return { views, loaded, error, load, create, update, remove }
}

/** One view by id (for `?view=ID` links). */
export function fetchSavedView(table: string, id: number): Promise<SavedView> {
  return unwrap(api.GET('/api/v1/tables/{table}/views/{id}', { params: { path: { table, id } } }))
}
