import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import type { Column } from '@/api/types'
import DataGrid from '@/components/DataGrid.vue'

vi.mock('@/components/JsonEditor.vue', () => import('@/__tests__/json-editor-stub'))

const col = (name: string, extra: Partial<Column> = {}): Column => ({
  name, label: name, type: 'integer', kind: 'integer', nullable: true, default: null, primary_key: false,
  auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null, ...extra,
})
const columns = [col('id', { primary_key: true }), col('customer_id', { references: { table: 'customers', column: 'id' } })]
const rows = [
  { id: 1, customer_id: 469 },
  { id: 2, customer_id: 12 },
  { id: 3, customer_id: null },
]

function mountGrid(labels?: Record<string, Record<string, string>>) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/tables/:table/rows/:pk', name: 'row', component: { template: '<div />' } },
    ],
  })
  return mount(DataGrid, { props: { columns, rows, orderBy: '', clickable: true, labels }, global: { plugins: [router] } })
}

describe('foreign keys in the data grid', () => {
  it('shows the label with the id linking to the referenced row (out of the Tab order)', () => {
    const w = mountGrid({ customer_id: { '469': 'Elif Nguyen' } })
    const cells = w.findAll('[data-testid="cell-customer_id"]')
    expect(cells[0]!.find('[data-testid="fk-label"]').text()).toBe('Elif Nguyen')
    const link = cells[0]!.find('[data-testid="fk-id"]')
    expect(link.text()).toBe('469')
    expect(link.attributes('href')).toBe('/tables/customers/rows/469')
    expect(link.attributes('tabindex')).toBe('-1')
    // no label known: the id alone, still a link; NULL stays NULL
    expect(cells[1]!.find('[data-testid="fk-label"]').exists()).toBe(false)
    expect(cells[1]!.find('[data-testid="fk-id"]').attributes('href')).toBe('/tables/customers/rows/12')
    expect(cells[2]!.text()).toBe('NULL')
  })

  it('shows plain values when the page passes no labels', () => {
    const w = mountGrid()
    expect(w.find('[data-testid="fk-cell"]').exists()).toBe(false)
    expect(w.findAll('[data-testid="cell-customer_id"]')[0]!.text()).toBe('469')
  })
})
