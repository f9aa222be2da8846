import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { mockFetch } from '@/__tests__/fetch-mock'
import { useAuthStore } from '@/stores/auth'
import { useTablesStore } from '@/stores/tables'
import UntrackedTables from '../UntrackedTables.vue'
import UntrackTableButton from '../UntrackTableButton.vue'

const summary = (name: string) => ({ name, label: name, primary_key: ['id'], source: 'introspected', row_estimate: 3, column_count: 2 })

function setup(role = 'admin') {
  setActivePinia(createPinia())
  useAuthStore().user = { id: 1, username: 'root', role }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', name: 'home', component: { template: '<div />' } },
      { path: '/tables/:table', name: 'table', component: { template: '<div />' } },
    ],
  })
  return router
}

describe('tracking', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('lists untracked tables (filtered by the sidebar search); Track serves and opens one', async () => {
    let tracked = false
    const { calls } = mockFetch({
      'GET /api/v1/tables': () => ({
        status: 200,
        body: tracked ? { tables: [summary('news')], untracked: [summary('logs')] } : { tables: [], untracked: [summary('logs'), summary('news')] },
      }),
      'POST /api/v1/tables/news/track': () => ((tracked = true), { status: 200, body: summary('news') }),
    })
    const router = setup()
    const tables = useTablesStore()
    await tables.loadTables()
    const w = mount(UntrackedTables, { props: { filter: '' }, global: { plugins: [router] } })
    expect(w.findAll('[data-testid^="untracked-"]').map((e) => e.attributes('data-testid'))).toEqual([
      'untracked-tables',
      'untracked-logs',
      'untracked-news',
    ])
    await w.setProps({ filter: 'NEW' })
    expect(w.find('[data-testid="untracked-logs"]').exists()).toBe(false)
    await w.find('[data-testid="track-news"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'POST' && c.path === '/api/v1/tables/news/track')).toBe(true)
    expect(tables.tables.map((t) => t.name)).toEqual(['news'])
    expect(tables.untracked.map((t) => t.name)).toEqual(['logs'])
    expect(router.currentRoute.value.fullPath).toBe('/tables/news')
  })

  it('Track all serves every untracked table in one request', async () => {
    let tracked = false
    const { calls } = mockFetch({
      'GET /api/v1/tables': () => ({
        status: 200,
        body: tracked
          ? { tables: [summary('logs'), summary('news')], untracked: [] }
          : { tables: [], untracked: [summary('logs'), summary('news')] },
      }),
      'POST /api/v1/tracking/track-all': () => ((tracked = true), { status: 200, body: { tracked: ['logs', 'news'] } }),
    })
    const router = setup()
    const tables = useTablesStore()
    await tables.loadTables()
    const w = mount(UntrackedTables, { props: { filter: '' }, global: { plugins: [router] } })
    expect(w.find('[data-testid="track-all"]').text()).toBe('Track all 2')
    await w.find('[data-testid="track-all"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual(['/api/v1/tracking/track-all'])
    expect(tables.tables.map((t) => t.name)).toEqual(['logs', 'news'])
    expect(tables.untracked).toEqual([])
  })

  it('untracks after a confirmation that says the data is untouched, then goes home', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/tables/news/untrack': { status: 204 },
      'GET /api/v1/tables': { status: 200, body: { tables: [], untracked: [summary('news')] } },
    })
    const router = setup()
    await router.push('/tables/news')
    const w = mount(UntrackTableButton, { props: { table: 'news' }, global: { plugins: [router] }, attachTo: document.body })
    await w.find('[data-testid="untrack-table"]').trigger('click')
    expect(w.find('[data-testid="untrack-dialog"]').text()).toContain('data in the database are untouched')
    await w.find('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /api/v1/tables/news/untrack')
    expect(router.currentRoute.value.name).toBe('home')
    expect(useTablesStore().untracked.map((t) => t.name)).toEqual(['news'])
  })

  it('offers nothing to other roles', () => {
    const router = setup('support')
    const w = mount(UntrackTableButton, { props: { table: 'news' }, global: { plugins: [router] } })
    expect(w.find('[data-testid="untrack-table"]').exists()).toBe(false)
  })
})
