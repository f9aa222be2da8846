import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import DataGrid from '../DataGrid.vue'

vi.mock('@/components/JsonEditor.vue', () => import('@/__tests__/json-editor-stub'))
import type { Column } from '@/api/types'

const col = (name: string, kind: Column['kind']): Column => ({
  name, label: name, type: kind, kind, nullable: true, default: null,
  primary_key: name === 'id', auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null,
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

describe('DataGrid as an editor', () => {
  const editable = [
    col('id', 'integer'),
    { ...col('name', 'text'), nullable: false },
    { ...col('doc', 'json') },
  ]
  const people = [
    { id: 1, name: 'Ann', doc: { city: 'Lyon' } },
    { id: 2, name: 'Ben', doc: null },
    { id: 3, name: 'Cy', doc: null },
  ]
  let w: ReturnType<typeof mount> | null = null
  afterEach(() => {
    w?.unmount()
    w = null
  })

  function mountGrid(props: Record<string, unknown> = {}) {
    w = mount(DataGrid, {
      props: { columns: editable, rows: people, orderBy: '', clickable: true, keys: ['1', '2', '3'], label: 'people', ...props },
      attachTo: document.body,
    })
    return w
  }
  const td = (row: number, c: number) => w!.find(`td[data-row="${row}"][data-col="${c}"]`)
  /** A key pressed on the focused cell (it bubbles to the grid's handler). */
  const key = async (k: string) => {
    document.activeElement!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }))
    await flushPromises()
  }
  const activeCell = () => {
    const el = document.activeElement as HTMLElement
    return [el.dataset.row, el.dataset.col]
  }

  it('has one tab stop, moved with the arrow keys', async () => {
    mountGrid()
    expect(w!.findAll('td[tabindex="0"]')).toHaveLength(1)
    ;(td(0, 0).element as HTMLElement).focus()
    await key('ArrowDown')
    await key('ArrowRight')
    expect(activeCell()).toEqual(['1', '1'])
    expect(td(1, 1).attributes('tabindex')).toBe('0')
    expect(w!.findAll('td[tabindex="0"]')).toHaveLength(1)
    await key('End')
    expect(activeCell()).toEqual(['1', '2'])
    await key('Home')
    expect(activeCell()).toEqual(['1', '0'])
  })

  it('Enter edits a writable cell in place and saves it; the key cell opens the row', async () => {
    const saveCell = vi.fn(async () => null)
    mountGrid({ saveCell })
    ;(td(1, 1).element as HTMLElement).focus()
    await key('Enter')
    const input = w!.find('[data-testid="cell-input"]')
    expect((input.element as HTMLInputElement).value).toBe('Ben')
    expect(document.activeElement).toBe(input.element)
    await input.setValue('Benedict')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(saveCell).toHaveBeenCalledWith(1, editable[1], 'Benedict')
    expect(w!.find('[data-testid="cell-editor"]').exists()).toBe(false)
    expect(activeCell()).toEqual(['1', '1'])

    ;(td(0, 0).element as HTMLElement).focus()
    await key('Enter')
    expect(w!.emitted('open')).toEqual([[people[0]]])
    await td(2, 0).trigger('dblclick')
    expect(w!.emitted('open')).toHaveLength(2)
  })

  it('shows a refused value on the cell and keeps the editor open', async () => {
    mountGrid({ saveCell: vi.fn(async () => 'too short') })
    await td(0, 1).trigger('dblclick')
    await w!.find('[data-testid="cell-input"]').setValue('A')
    await w!.find('[data-testid="cell-input"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(td(0, 1).classes()).toContain('cell-invalid')
    expect(w!.find('[data-testid="cell-error"]').text()).toBe('too short')
    expect((w!.find('[data-testid="cell-input"]').element as HTMLInputElement).value).toBe('A')
    await w!.find('[data-testid="cell-input"]').trigger('keydown', { key: 'Escape' })
    expect(w!.find('[data-testid="cell-editor"]').exists()).toBe(false)
    expect(td(0, 1).text()).toBe('Ann')
  })

  it('is read-only without saveCell, and for tables without a key', async () => {
    mountGrid()
    await td(0, 1).trigger('dblclick')
    expect(w!.find('[data-testid="cell-editor"]').exists()).toBe(false)
    expect(w!.emitted('open')).toHaveLength(1)
    w!.unmount()
    mountGrid({ saveCell: vi.fn(), clickable: false, keys: undefined })
    await td(0, 1).trigger('dblclick')
    expect(w!.find('[data-testid="cell-editor"]').exists()).toBe(false)
    expect(td(0, 1).attributes('aria-readonly')).toBe('true')
  })

  it('Space toggles the row, o opens it, d duplicates it, Escape leaves the grid', async () => {
    mountGrid()
    ;(td(2, 1).element as HTMLElement).focus()
    await key(' ')
    await key('o')
    await key('d')
    expect(w!.emitted('toggle')).toEqual([['3']])
    expect(w!.emitted('open')).toEqual([[people[2]]])
    expect(w!.emitted('duplicate')).toEqual([[people[2]]])
    await key('Escape')
    expect(document.activeElement).toBe(document.body)
  })

  it('opens a JSON value in the viewer from its preview', async () => {
    mountGrid({ saveCell: vi.fn(async () => null) })
    expect(td(1, 2).find('[data-testid="cell-preview"]').exists()).toBe(false) // NULL
    await td(0, 2).find('[data-testid="cell-preview"]').trigger('click')
    expect(w!.find('[data-testid="value-viewer"]').exists()).toBe(true)
    expect(w!.find('[data-testid="value-viewer-title"]').text()).toBe('people · 1 · doc')
  })

  it('renders only the rows in view of a long list', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, name: `n${i}`, doc: null }))
    mountGrid({ rows: many, keys: many.map((r) => String(r.id)) })
    const rendered = w!.findAll('[data-testid="grid-row"]')
    expect(rendered.length).toBeGreaterThan(10)
    expect(rendered.length).toBeLessThan(100)
    expect(w!.find('table').attributes('aria-rowcount')).toBe('5001')
    const pad = w!.findAll('tr.grid-pad')
    expect(pad).toHaveLength(1)
    expect(pad[0]!.attributes('style')).toContain(`height: ${(5000 - rendered.length) * 32}px`)
  })
})
