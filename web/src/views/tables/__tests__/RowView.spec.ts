import { describe, expect, it } from 'vitest'
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createMemoryHistory, createRouter, type Router } from 'vue-router'
import { freshApp, mockFetch } from '@/__tests__/fetch-mock'
import { column } from '@/__tests__/columns'
import RowView from '../RowView.vue'

const schema = {
  name: 'orders', label: 'Order', primary_key: ['id'], source: 'model',
  columns: [
    column('id', 'integer', { primary_key: true, auto_increment: true }),
    column('status', 'enum', { enum_values: ['new', 'paid'] }),
    column('total', 'decimal'),
    column('placed_at', 'datetime', { readonly: true }),
    column('gift', 'boolean'),
  ],
  foreign_keys: [], referenced_by: [], indexes: [],
}
const order = { id: 7, status: 'paid', total: 12.5, placed_at: '2024-05-01T10:00:00Z', gift: false }

let w: VueWrapper | null = null
let router: Router

async function open(path: string) {
  router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/tables/:table', name: 'table', component: { template: '<div />' } },
      { path: '/tables/:table/new', name: 'row-new', component: RowView, props: true },
      { path: '/tables/:table/rows/:pk', name: 'row', component: RowView, props: true },
    ],
  })
  await router.push(path)
  const { table, pk } = router.currentRoute.value.params as { table: string; pk?: string }
  w = mount(RowView, { props: { table, pk }, global: { plugins: [router] } })
  await flushPromises()
}

describe('RowView: duplicate a row', () => {
  freshApp(() => {
    w?.unmount()
    w = null
  })

  it('links a stored row to its duplicate', async () => {
    mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows/7': { status: 200, body: order },
    })
    await open('/tables/orders/rows/7')
    expect(w!.find('[data-testid="duplicate-row"]').attributes('href')).toBe('/tables/orders/new?copy=7')
  })

  it('prefills the new row from the copied one and creates it with those values', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows/7': { status: 200, body: order },
      'POST /api/v1/tables/orders/rows': { status: 201, body: { ...order, id: 8 } },
    })
    await open('/tables/orders/new?copy=7')
    expect(w!.find('[data-testid="copy-of"]').text()).toContain('7')
    expect((w!.find('[data-testid="field-id"]').element as HTMLInputElement).value).toBe('(auto)')
    expect((w!.find('[data-testid="field-status"]').element as HTMLSelectElement).value).toBe('paid')
    expect((w!.find('[data-testid="field-total"]').element as HTMLInputElement).value).toBe('12.5')
    await w!.find('[data-testid="row-form"]').trigger('submit')
    await flushPromises()
    // no key and no read-only column; `gift: false` sent although it is the empty form's value
    expect(calls.at(-1)).toMatchObject({ method: 'POST', body: { status: 'paid', total: '12.5', gift: false } })
    expect(Object.keys(calls.at(-1)!.body as object).sort()).toEqual(['gift', 'status', 'total'])
    expect(router.currentRoute.value.fullPath).toBe('/tables/orders/rows/8')
  })

  it('says so when the row to copy is gone', async () => {
    mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: schema },
      'GET /api/v1/tables/orders/rows/9': { status: 404, body: { error: { code: 'not_found', message: 'no row' } } },
    })
    await open('/tables/orders/new?copy=9')
    expect(w!.find('[data-testid="row-error"]').text()).toBe('Row 9 not found in orders.')
    expect(w!.find('[data-testid="row-form"]').exists()).toBe(false)
  })
})
