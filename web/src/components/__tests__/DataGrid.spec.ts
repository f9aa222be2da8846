import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import DataGrid from '../DataGrid.vue'
import type { Column } from '@/api/types'

const col = (name: string, kind: Column['kind']): Column => ({
  name, label: name, type: kind, kind, nullable: true, default: null,
  primary_key: name === 'id', auto_increment: false, hidden: false, readonly: false, enum_values: null, references: null,
})
const columns = [col('id', 'integer'), col('country', 'text'), col('name', 'text')]
const rows = [
  { id: 1, country: 'DE', name: 'a' },
  { id: 2, country: 'FR', name: 'b' },
]

describe('DataGrid', () => {
  it('emits sort with shift for an added key and shows priority badges', async () => {
    const w = mount(DataGrid, { props: { columns, rows, orderBy: 'country,-name', clickable: true } })
    expect(w.find('[data-testid="sort-rank-country"]').text()).toBe('1')
    expect(w.find('[data-testid="sort-rank-name"]').text()).toBe('2')
    expect(w.find('[data-testid="grid-header-name"]').attributes('aria-sort')).toBe('descending')
    await w.find('[data-testid="grid-header-id"]').trigger('click', { shiftKey: true })
    await w.find('[data-testid="grid-header-id"]').trigger('click')
    expect(w.emitted('sort')).toEqual([['id', true], ['id', false]])
    await w.setProps({ orderBy: 'country' })
    expect(w.find('[data-testid="sort-rank-country"]').exists()).toBe(false)
  })

  it('selects rows and the page with checkboxes', async () => {
    const w = mount(DataGrid, {
      props: { columns, rows, orderBy: '', clickable: true, keys: ['1', '2'], selected: new Set(['2']) },
    })
    const page = w.find('[data-testid="select-page"]').element as HTMLInputElement
    expect(page.indeterminate).toBe(true)
    const boxes = w.findAll('[data-testid="select-row"]')
    expect(boxes.map((b) => (b.element as HTMLInputElement).checked)).toEqual([false, true])
    await boxes[0]!.setValue(true)
    expect(w.emitted('toggle')).toEqual([['1']])
    expect(w.emitted('open')).toBeUndefined()
    await w.find('[data-testid="select-page"]').setValue(true)
    expect(w.emitted('togglePage')).toEqual([[true]])
    await w.setProps({ allMatching: true })
    expect(w.findAll('[data-testid="select-row"]').every((b) => (b.element as HTMLInputElement).checked)).toBe(true)
  })

  it('has no selection column without keys', () => {
    const w = mount(DataGrid, { props: { columns, rows, orderBy: '', clickable: false } })
    expect(w.find('[data-testid="select-page"]').exists()).toBe(false)
  })
})
