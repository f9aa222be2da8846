import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useViewAsStore } from '../viewAs'
import { api, configureApi, unwrap } from '@/api/client'
import { mockFetch } from '@/__tests__/fetch-mock'

const tables = { status: 200, body: { tables: [] } }

describe('view as role', () => {
  beforeEach(() => {
    sessionStorage.clear()
    setActivePinia(createPinia())
    const viewAs = useViewAsStore()
    configureApi({ csrfToken: () => null, onUnauthorized: () => {}, viewAs: () => viewAs.role })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    configureApi({ viewAs: () => null })
  })

  it('sends no X-Rubbie-View-As header while not set', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/tables': tables })
    await unwrap(api.GET('/api/v1/tables'))
    expect(calls[0]?.headers.has('X-Rubbie-View-As')).toBe(false)
  })

  it('adds the header to every request once set, and stops after stop()', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables': tables,
      'POST /api/v1/auth/logout': { status: 204 },
    })
    const viewAs = useViewAsStore()
    viewAs.set('support')
    await unwrap(api.GET('/api/v1/tables'))
    await unwrap(api.POST('/api/v1/auth/logout'))
    expect(calls.map((c) => c.headers.get('X-Rubbie-View-As'))).toEqual(['support', 'support'])
    viewAs.stop()
    await unwrap(api.GET('/api/v1/tables'))
    expect(calls[2]?.headers.has('X-Rubbie-View-As')).toBe(false)
  })

  it('never on the login request, and a request naming its own view keeps it', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': { status: 200, body: { user: { id: 1, username: 'a', role: 'admin' }, csrf_token: 't' } },
      'GET /api/v1/tables/customers': { status: 200, body: {} },
    })
    useViewAsStore().set('support')
    await unwrap(api.POST('/api/v1/auth/login', { body: { username: 'a', password: 'b' } }))
    await unwrap(api.GET('/api/v1/tables/{table}', { params: { path: { table: 'customers' } }, headers: { 'X-Rubbie-View-As': 'admin' } }))
    expect(calls[0]?.headers.has('X-Rubbie-View-As')).toBe(false)
    expect(calls[1]?.headers.get('X-Rubbie-View-As')).toBe('admin')
  })

  it('is kept in sessionStorage; admin means yourself', () => {
    useViewAsStore().set('support')
    expect(sessionStorage.getItem('rubbie.viewAs')).toBe('support')
    setActivePinia(createPinia())
    expect(useViewAsStore().role).toBe('support')
    useViewAsStore().set('admin')
    expect(useViewAsStore().role).toBeNull()
    expect(sessionStorage.getItem('rubbie.viewAs')).toBeNull()
  })
})
