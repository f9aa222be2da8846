import { ref } from 'vue'
import { defineStore } from 'pinia'
import { api, apiBaseUrl, mountPrefix, unwrap } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { ExplorerRequest, NewHistoryEntry, NewSavedRequest, SavedRequestPatch } from '@/api/types'
import type { OpenApiDoc } from '@/lib/openapi'

/** The explorer's OpenAPI document, the user's request history and saved requests. */
export const useExplorerStore = defineStore('explorer', () => {
  const spec = ref<OpenApiDoc | null>(null)
  const specError = ref<string | null>(null)
  const history = ref<ExplorerRequest[]>([])
  const saved = ref<ExplorerRequest[]>([])
  const listsError = ref<string | null>(null)

  /** URL of the document (relative server URLs resolve against it). */
  const specUrl = () => `${apiBaseUrl()}/api/openapi.json`
  /** Where rubbie's own paths live when the document names no server. */
  const fallbackServer = () => mountPrefix()

  async function loadSpec(force = false): Promise<void> {
    if (spec.value && !force) return
    specError.value = null
    try {
      const res = await globalThis.fetch(specUrl(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      if (!res.ok) throw ApiError.from(res.status, await res.json().catch(() => null))
      spec.value = (await res.json()) as OpenApiDoc
    } catch (e) {
      specError.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function loadLists(): Promise<void> {
    listsError.value = null
    try {
      const [h, s] = await Promise.all([
        unwrap(api.GET('/api/v1/explorer/history')),
        unwrap(api.GET('/api/v1/explorer/saved')),
      ])
      history.value = h.requests
      saved.value = s.requests
    } catch (e) {
      listsError.value = e instanceof Error ? e.message : String(e)
    }
  }

  async function addHistory(entry: NewHistoryEntry): Promise<ExplorerRequest> {
    const req = await unwrap(api.POST('/api/v1/explorer/history', { body: entry }))
    history.value = [req, ...history.value.filter((r) => r.id !== req.id)].slice(0, 200)
    return req
  }

  async function clearHistory(): Promise<void> {
    await unwrap(api.DELETE('/api/v1/explorer/history'))
    history.value = []
  }

  async function save(req: NewSavedRequest): Promise<ExplorerRequest> {
    const created = await unwrap(api.POST('/api/v1/explorer/saved', { body: req }))
    saved.value = [created, ...saved.value]
    return created
  }

  async function updateSaved(id: number, patch: SavedRequestPatch): Promise<ExplorerRequest> {
    const updated = await unwrap(api.PATCH('/api/v1/explorer/saved/{id}', { params: { path: { id } }, body: patch }))
    saved.value = saved.value.map((r) => (r.id === id ? updated : r))
    return updated
  }

  async function removeSaved(id: number): Promise<void> {
    await unwrap(api.DELETE('/api/v1/explorer/saved/{id}', { params: { path: { id } } }))
    saved.value = saved.value.filter((r) => r.id !== id)
  }

  return {
    spec, specError, history, saved, listsError, specUrl, fallbackServer,
    loadSpec, loadLists, addHistory, clearHistory, save, updateSaved, removeSaved,
  }
})
