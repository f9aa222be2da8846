import { ref, shallowRef } from 'vue'
import { api, unwrap } from '@/api/client'
import { toApiError } from '@/api/errors'
import type { AuditEntry, AuditQuery, RevertPlan, RevertRequest } from '@/api/types'

/**
 * A list of audit entries for a query, newest first, with "Load more" along the keyset cursor.
 * A new `load` starts over; answers to superseded requests are dropped.
 */
export function useAuditLog() {
  const entries = shallowRef<AuditEntry[]>([])
  const nextCursor = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const loaded = ref(false)
  const error = ref<string | null>(null)

  let query: AuditQuery = {}
  let request = 0

  function fetchPage(q: AuditQuery) {
    return unwrap(api.GET('/api/v1/audit', { params: { query: q } }))
  }

  async function load(q: AuditQuery): Promise<void> {
    query = q
    const id = ++request
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(q)
      if (id !== request) return
      entries.value = page.entries
      nextCursor.value = page.next_cursor ?? null
      loaded.value = true
    } catch (e) {
      if (id !== request) return
      entries.value = []
      nextCursor.value = null
      error.value = toApiError(e).message
    } finally {
      if (id === request) loading.value = false
    }
  }

  async function loadMore(): Promise<void> {
    const cursor = nextCursor.value
    if (!cursor || loadingMore.value) return
    const id = request
    loadingMore.value = true
    error.value = null
    try {
      const page = await fetchPage({ ...query, cursor })
      if (id !== request) return
      entries.value = [...entries.value, ...page.entries]
      nextCursor.value = page.next_cursor ?? null
    } catch (e) {
      if (id === request) error.value = toApiError(e).message
    } finally {
      loadingMore.value = false
    }
  }

  /** Load the current query again (after a revert). */
  function reload(): Promise<void> {
    return load(query)
  }

  return { entries, nextCursor, loading, loadingMore, loaded, error, load, loadMore, reload }
}

/** One entry by id. */
export function fetchAuditEntry(id: number): Promise<AuditEntry> {
  return unwrap(api.GET('/api/v1/audit/{id}', { params: { path: { id } } }))
}

/** Revert an entry, or (dry run) say what a revert would write. */
export function revertAuditEntry(id: number, body: RevertRequest): Promise<RevertPlan> {
  return unwrap(api.POST('/api/v1/audit/{id}/revert', { params: { path: { id } }, body }))
}
