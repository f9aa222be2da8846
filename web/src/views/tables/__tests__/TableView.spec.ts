import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { useToastStore } from '@/stores/toasts'
import { type Call, freshApp, mockFetch } from '@/__tests__/fetch-mock'
import { column } from '@/__tests__/columns'
import TableView from '../TableView.vue'

vi.mock('@/components/JsonEditor.vue', () => import('@/__tests__/json-editor-stub'))

const schema = {
  name: 'products', label: 'Product', primary_key: ['id'], source: 'model',
  columns: [column('id', 'integer', { primary_key: true, auto_increment: true }), column('name', 'text'), column('price', 'decimal')],
  foreign_keys: [], referenced_by: [], indexes: [],
}
const product = (id: number) => ({ id, name: `p${id}`, price: id * 2 })

function rowsApi(call: Call) {
  const limit = Number(call.search.get('limit'))
  const start = Number(call.search.get('after') ?? call.search.get('offset') ?? 0)
  const rows = Array.from({ length: limit }, (_, i) => product(start + i + 1))
  return { status: 200, body: { rows, count: 5000, count_kind: 'estimated', next_cursor: String(start + limit) } }
}

let w: VueWrapper | null = null
let router: Router

async function mountPage(extra: Parameters<typeof mockFetch>[0] = {}) {
  const mock = mockFetch({
    'GET /api/v1/tables/products': { status: 200, body: schema },
    'GET /api/v1/tables/products/rows': rowsApi,
    ...extra,
  })
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tables/:table', name: 'table', component: TableView, props: true },
      { path: '/tables/:table/new', name: 'row-new', component: { template: '<div />' } },
      { path: '/tables/:table/rows/:pk', name: 'row', component: { template: '<div />' } },
      { path: '/explorer', name: 'explorer', component: { template: '<div />' } },
    ],
  })
  await router.push('/tables/products')
  w = mount(TableView, { props: { table: 'products' }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return mock
}
const cell = (row: number, name: string) => w!.findAll('[data-testid="grid-row"]')[row]!.find(`[data-testid="cell-${name}"]`)

describe('TableView grid editing', () => {
  freshApp(() => {
    w?.unmount()
    w = null
  })

  it('saves one edited cell with PATCH and shows the stored value', async () => {
    const { calls } = await mountPage({
      'PATCH /api/v1/tables/products/rows/2': { status: 200, body: { id: 2, name: 'p2', price: 7.5 } },
    })
    await cell(1, 'price').trigger('dblclick')
    await w!.find('[data-testid="cell-input"]').setValue('7.50')
    await w!.find('[data-testid="cell-input"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/v1/tables/products/rows/2', body: { price: '7.50' } })
    expect(calls.at(-1)!.headers.get('X-CSRF-Token')).toBe('tok')
    expect(cell(1, 'price').text()).toBe('7.5')
  })

  it('shows a refused edit on the cell and in a toast', async () => {
    await mountPage({
      'PATCH /api/v1/tables/products/rows/1': {
        status: 422,
        body: { error: { code: 'validation', message: 'price: violates a check constraint', fields: { price: ['violates a check constraint'] } } },
      },
    })
    await cell(0, 'price').trigger('dblclick')
    await w!.find('[data-testid="cell-input"]').setValue('-5')
    await w!.find('[data-testid="cell-input"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(w!.find('[data-testid="cell-error"]').text()).toBe('violates a check constraint')
    expect(useToastStore().toasts.map((t) => [t.kind, t.message])).toEqual([['error', 'price: violates a check constraint']])
  })

  it('appends rows with "Load more" without changing the URL', async () => {
    const { calls } = await mountPage()
    expect(w!.find('[data-testid="loaded-count"]').exists()).toBe(false)
    await w!.find('[data-testid="load-more"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)!.search.get('after')).toBe('50')
    expect(w!.find('[data-testid="loaded-count"]').text()).toBe('550 rows loaded')
    expect(w!.find('[data-testid="page-info"]').text()).toContain('rows 1–550')
    expect(router.currentRoute.value.fullPath).toBe('/tables/products')
    // the pager's Next continues after the loaded rows
    await w!.find('[data-testid="page-next"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ offset: '550', after: '550' })
  })

  it('links each row to its page and to its duplicate', async () => {
    await mountPage()
    const first = w!.findAll('[data-testid="grid-row"]')[0]!
    expect(first.find('[data-testid="row-open"]').attributes('href')).toBe('/tables/products/rows/1')
    expect(first.find('[data-testid="row-duplicate"]').attributes('href')).toBe('/tables/products/new?copy=1')
  })

  it('`/` focuses the quick search, unless the user is typing', async () => {
    await mountPage()
    const search = w!.find('[data-testid="quick-search"]').element
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }))
    expect(document.activeElement).toBe(search)
    const other = document.createElement('input')
    document.body.appendChild(other)
    other.focus()
    const typed = new KeyboardEvent('keydown', { key: '/', bubbles: true, cancelable: true })
    other.dispatchEvent(typed)
    expect(document.activeElement).toBe(other)
    expect(typed.defaultPrevented).toBe(false)
    other.remove()
  })
})
