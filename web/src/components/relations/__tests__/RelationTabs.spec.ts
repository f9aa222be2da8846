import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Column, ForeignKey } from '@/api/types'
import { mockFetch } from '@/__tests__/fetch-mock'
import { useTablesStore } from '@/stores/tables'
import RelationTabs from '../RelationTabs.vue'

const col = (name: string, extra: Partial<Column> = {}): Column => ({
  name, label: name, type: 'integer', kind: 'integer', nullable: false, default: null, primary_key: false,
  auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null, ...extra,
})
const orders = {
  name: 'orders', primary_key: ['id'], display_column: null, referenced_by: [], foreign_keys: [],
  columns: [col('id', { primary_key: true }), col('customer_id', { references: { table: 'customers', column: 'id' } }), col('status', { kind: 'text' })],
}
const relations: ForeignKey[] = [
  { name: 'orders_fk0', columns: ['customer_id'], references_table: 'orders', references_columns: ['id'], on_delete: 'NO ACTION', on_update: 'NO ACTION' },
  { name: 'reviews_fk0', columns: ['author_id'], references_table: 'reviews', references_columns: ['id'], on_delete: 'NO ACTION', on_update: 'NO ACTION' },
]

async function mountTabs(visible?: string[]) {
  setActivePinia(createPinia())
  if (visible) {
    const store = useTablesStore()
    store.tables = visible.map((name) => ({ name, label: name, primary_key: ['id'], source: 'model', column_count: 1, hidden: false }))
    store.loaded = true
  }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/tables/:table', name: 'table', component: { template: '<div />' } },
      { path: '/tables/:table/rows/:pk', name: 'row', component: { template: '<div />' } },
    ],
  })
  const w = mount(RelationTabs, { props: { relations, row: { id: 7, name: 'Ann' } }, global: { plugins: [router] } })
  await flushPromises()
  return w
}

describe('RelationTabs', () => {
  afterEach(() => vi.unstubAllGlobals())

  it('a tab per incoming relation with its count; rows filtered to this row, linked, with an "Open in table" link', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: orders },
      'GET /api/v1/tables/orders/rows': {
        status: 200,
        body: { rows: [{ id: 1, customer_id: 7, status: 'paid' }, { id: 4, customer_id: 7, status: 'new' }], count: 2, count_kind: 'exact', count_timed_out: false, labels: { customer_id: { '7': 'Ann' } } },
      },
      'GET /api/v1/tables/reviews': { status: 404, body: { error: { code: 'not_found', message: 'no table reviews' } } },
    })
    const w = await mountTabs()
    const rowsCall = calls.find((c) => c.path === '/api/v1/tables/orders/rows')!
    expect(JSON.parse(rowsCall.search.get('where')!)).toEqual({ customer_id: { _eq: 7 } })
    expect(rowsCall.search.get('labels')).toBe('true')
    expect(w.find('[data-testid="relation-tab-orders"]').text()).toBe('orders2')
    expect(w.find('[data-testid="relation-tab-orders"]').attributes('aria-selected')).toBe('true')
    const panel = w.find('[data-testid="related-orders"]')
    expect(panel.find('[data-testid="related-count"]').text()).toContain('2 rows in orders')
    // the key's own column is left out (it is this row in every row)
    expect(panel.findAll('th').map((t) => t.text())).toEqual(['', 'id', 'status'])
    expect(panel.findAll('[data-testid="related-row-open"]').map((a) => a.attributes('href'))).toEqual([
      '/tables/orders/rows/1',
      '/tables/orders/rows/4',
    ])
    const open = new URL(panel.find('[data-testid="related-open-table"]').attributes('href')!, 'http://x')
    expect(open.pathname).toBe('/tables/orders')
    expect(open.searchParams.get('where')).toBe('{"customer_id":{"_eq":7}}')

    // the second tab: the API's error in its panel, found with the arrow keys
    await w.find('[role="tablist"]').trigger('keydown', { key: 'ArrowRight' })
    expect(w.find('[data-testid="relation-tab-reviews"]').attributes('aria-selected')).toBe('true')
    expect(w.find('[data-testid="related-reviews"] [data-testid="related-error"]').text()).toBe('no table reviews')
  })

  it('leaves out relations from tables the user cannot open', async () => {
    mockFetch({
      'GET /api/v1/tables/orders': { status: 200, body: orders },
      'GET /api/v1/tables/orders/rows': { status: 200, body: { rows: [], count: 0, count_kind: 'exact', count_timed_out: false } },
    })
    const w = await mountTabs(['customers', 'orders'])
    expect(w.findAll('[role="tab"]').map((t) => t.attributes('data-testid'))).toEqual(['relation-tab-orders'])
    expect(w.find('[data-testid="related-empty"]').text()).toBe('No rows.')
  })
})
