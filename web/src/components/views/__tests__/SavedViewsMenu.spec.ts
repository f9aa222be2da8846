import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { defineComponent, h } from 'vue'
import { useRoute } from 'vue-router'
import type { SavedView } from '@/api/types'
import { parseView } from '@/lib/view'
import { useAuthStore } from '@/stores/auth'
import { mockFetch } from '@/__tests__/fetch-mock'
import SavedViewsMenu from '../SavedViewsMenu.vue'

const view = (over: Partial<SavedView>): SavedView => ({
  id: 1, table: 'customers', name: 'v', where: null, search: null, order_by: null, columns: null,
  shared: false, owner: 'ann', mine: true, created_at: 0, updated_at: 0, ...over,
})
const mine = view({ id: 1, name: 'German', where: { country: { _eq: 'DE' } }, order_by: '-id' })
const theirs = view({ id: 2, name: 'Big orders', shared: true, owner: 'bob', mine: false })

/** The menu on a table page whose URL is the state (as TableView passes it). */
const Page = defineComponent(() => {
  const route = useRoute()
  return () => h(SavedViewsMenu, { table: 'customers', state: parseView(route.query) })
})

async function open(path: string, role = 'support') {
  setActivePinia(createPinia())
  useAuthStore().user = { id: 1, username: 'ann', role }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/tables/:table', name: 'table', component: Page }],
  })
  await router.push(path)
  const w = mount({ template: '<RouterView />' }, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { w, router }
}

describe('SavedViewsMenu', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it("lists own and shared views (owner, badge), each a link to the view's URL", async () => {
    mockFetch({ 'GET /api/v1/tables/customers/views': { status: 200, body: { views: [theirs, mine] } } })
    const { w } = await open('/tables/customers')
    await w.find('[data-testid="views-button"]').trigger('click')
    const link = w.find('[data-testid="view-item-1"]')
    const href = new URL(link.attributes('href')!, 'http://x')
    expect(href.pathname).toBe('/tables/customers')
    expect(Object.fromEntries(href.searchParams)).toEqual({ where: '{"country":{"_eq":"DE"}}', order_by: '-id', view: '1' })
    expect(w.find('[data-testid="view-item-2"]').text()).toContain('by bob')
    expect(w.find('[data-testid="view-item-2"] [data-testid="view-shared"]').exists()).toBe(true)
    expect(w.find('[data-testid="view-update"]').exists()).toBe(false)
  })

  it('names the active view, marks it changed, and updates it with the page (clearing what is gone)', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/customers/views': { status: 200, body: { views: [mine] } },
      'PATCH /api/v1/tables/customers/views/1': (c) => ({ status: 200, body: { ...mine, ...(c.body as object), where: null } }),
    })
    const { w } = await open('/tables/customers?view=1&order_by=name')
    expect(w.find('[data-testid="active-view-name"]').text()).toBe('German')
    expect(w.find('[data-testid="view-modified"]').exists()).toBe(true)
    await w.find('[data-testid="views-button"]').trigger('click')
    await w.find('[data-testid="view-update"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)?.body).toEqual({ where: {}, search: '', order_by: 'name', columns: [] })
    expect(w.find('[data-testid="view-modified"]').exists()).toBe(false)
  })

  it('saves the page as a new view and makes it the active one; a taken name shows on the field', async () => {
    let first = true
    const { calls } = mockFetch({
      'GET /api/v1/tables/customers/views': { status: 200, body: { views: [] } },
      'POST /api/v1/tables/customers/views': (c) =>
        first
          ? ((first = false),
            { status: 409, body: { error: { code: 'conflict', message: 'name taken', fields: { name: ['you already have a view with this name'] } } } })
          : { status: 201, body: view({ id: 9, ...(c.body as object) }) },
    })
    const { w, router } = await open('/tables/customers?search=ann&columns=id,name&offset=50')
    await w.find('[data-testid="views-button"]').trigger('click')
    await w.find('[data-testid="view-save"]').trigger('click')
    expect(w.find('[data-testid="save-view-captures"]').text()).toContain('the search "ann"')
    await w.find('[data-testid="save-view-name"]').setValue('Mine')
    await w.find('[data-testid="save-view-shared"]').setValue(true)
    expect(w.find('[data-testid="save-view-submit"]').attributes('form')).toBe(w.find('form').attributes('id'))
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="save-view-name-error"]').text()).toContain('already have a view')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls.at(-1)?.body).toEqual({ name: 'Mine', shared: true, search: 'ann', columns: ['id', 'name'] })
    expect(router.currentRoute.value.query.view).toBe('9')
    expect(w.find('[data-testid="save-view-dialog"]').exists()).toBe(false)
    expect(w.find('[data-testid="active-view-name"]').text()).toBe('Mine')
  })

  it("lets an admin delete someone's shared view, after asking", async () => {
    mockFetch({
      'GET /api/v1/tables/customers/views': { status: 200, body: { views: [theirs] } },
      'DELETE /api/v1/tables/customers/views/2': { status: 204 },
    })
    const { w, router } = await open('/tables/customers?view=2', 'admin')
    await w.find('[data-testid="views-button"]').trigger('click')
    expect(w.find('[data-testid="view-edit"]').exists()).toBe(false)
    await w.find('[data-testid="view-delete"]').trigger('click')
    expect(w.find('[data-testid="delete-view-dialog"]').text()).toContain('of bob')
    await w.find('[data-testid="confirm-ok"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query.view).toBeUndefined()
    expect(w.find('[data-testid="active-view-name"]').exists()).toBe(false)
  })
})
