import { afterEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { mockFetch } from '@/__tests__/fetch-mock'
import { useToastStore } from '@/stores/toasts'
import { resolveSavedViewLink } from '../savedViewLinks'

function router() {
  setActivePinia(createPinia())
  const r = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div />' } },
      { path: '/tables/:table', name: 'table', component: { template: '<div />' } },
    ],
  })
  r.beforeEach(resolveSavedViewLink)
  return r
}

describe('?view=ID links', () => {
  afterEach(() => vi.unstubAllGlobals())

  it("open as the view's definition before the page loads, keeping the paging", async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders/views/3': {
        status: 200,
        body: { id: 3, name: 'Paid', where: { status: { _eq: 'paid' } }, search: 'x', order_by: '-total', columns: ['id'] },
      },
    })
    const r = router()
    await r.push('/tables/orders?view=3&limit=25')
    expect(r.currentRoute.value.query).toEqual({
      view: '3',
      limit: '25',
      where: '{"status":{"_eq":"paid"}}',
      search: 'x',
      order_by: '-total',
      columns: 'id',
    })
    // a URL that says what to show is left alone
    await r.push('/tables/orders?view=3&order_by=id')
    expect(r.currentRoute.value.query).toEqual({ view: '3', order_by: 'id' })
    expect(calls).toHaveLength(1)
  })

  it('a view that is gone says so and opens the plain table', async () => {
    mockFetch({ 'GET /api/v1/tables/orders/views/8': { status: 404, body: { error: { code: 'not_found', message: 'no view 8' } } } })
    const r = router()
    await r.push('/tables/orders?view=8')
    expect(r.currentRoute.value.query).toEqual({})
    expect(useToastStore().toasts.at(-1)?.message).toBe('Saved view 8: no view 8')
  })
})
