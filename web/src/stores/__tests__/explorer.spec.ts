import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useExplorerStore } from '../explorer'
import { configureApi } from '@/api/client'
import { mockFetch } from '@/__tests__/fetch-mock'

const req = (id: number, kind: 'history' | 'saved', extra: object = {}) => ({
  id, kind, name: null, method: 'GET', url: '/api/status', headers: {}, body: null,
  status: 200, duration_ms: 5, response_size: 10, created_at: 1, updated_at: 1, ...extra,
})

describe('explorer store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'tok', onUnauthorized: () => {} })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('records a sent request at the top of the history, with the CSRF token', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/explorer/history': { status: 200, body: { requests: [req(1, 'history')] } },
      'GET /api/v1/explorer/saved': { status: 200, body: { requests: [] } },
      'POST /api/v1/explorer/history': (c) => ({ status: 201, body: req(2, 'history', c.body as object) }),
      'DELETE /api/v1/explorer/history': { status: 204 },
    })
    const store = useExplorerStore()
    await store.loadLists()
    const entry = { method: 'POST' as const, url: '/x', headers: { A: '1' }, body: '{}', status: 201, duration_ms: 3, response_size: 2 }
    await store.addHistory(entry)
    expect(store.history.map((r) => r.id)).toEqual([2, 1])
    const post = calls.find((c) => c.method === 'POST')!
    expect(post.body).toEqual(entry)
    expect(post.headers.get('X-CSRF-Token')).toBe('tok')
    await store.clearHistory()
    expect(store.history).toEqual([])
  })

  it('saves, renames and deletes saved requests', async () => {
    mockFetch({
      'POST /api/v1/explorer/saved': (c) => ({ status: 201, body: req(5, 'saved', c.body as object) }),
      'PATCH /api/v1/explorer/saved/5': (c) => ({ status: 200, body: req(5, 'saved', { name: 'Status', ...(c.body as object) }) }),
      'DELETE /api/v1/explorer/saved/5': { status: 204 },
    })
    const store = useExplorerStore()
    await store.save({ name: 'Status', method: 'GET', url: '/api/status', headers: {}, body: null })
    expect(store.saved.map((r) => r.name)).toEqual(['Status'])
    await store.updateSaved(5, { name: 'Shop status' })
    expect(store.saved.map((r) => r.name)).toEqual(['Shop status'])
    await store.removeSaved(5)
    expect(store.saved).toEqual([])
  })
})
