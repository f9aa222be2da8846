import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { mockFetch, type Call } from '@/__tests__/fetch-mock'
import ForeignKeyPicker from '../ForeignKeyPicker.vue'

const customers = [
  { id: 5, name: 'Hana Kowalski' },
  { id: 28, name: 'Hana Costa' },
]

function rowsFor(c: Call) {
  const where = c.search.get('where')
  if (where) {
    const id = (JSON.parse(where) as { id: { _eq: number } }).id._eq
    return { status: 200, body: { rows: customers.filter((r) => r.id === id), count_timed_out: false } }
  }
  const q = (c.search.get('search') ?? '').toLowerCase()
  return { status: 200, body: { rows: customers.filter((r) => r.name.toLowerCase().includes(q)), count_timed_out: false } }
}

function mountPicker(value = '') {
  const w = mount(ForeignKeyPicker, {
    props: {
      id: 'f',
      reference: { table: 'customers', column: 'id' },
      kind: 'integer' as const,
      modelValue: value,
      testid: 'field',
      // v-model: the parent passes the value back
      'onUpdate:modelValue': (v: string) => w.setProps({ modelValue: v }),
    },
    attachTo: document.body,
  })
  return w
}

describe('ForeignKeyPicker', () => {
  let calls: Call[]
  beforeEach(() => {
    vi.useFakeTimers()
    setActivePinia(createPinia())
    calls = mockFetch({
      'GET /api/v1/tables/customers': { status: 200, body: { name: 'customers', display_column: 'name', columns: [], primary_key: ['id'] } },
      'GET /api/v1/tables/customers/rows': rowsFor,
    }).calls
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it("shows the current value's label", async () => {
    const w = mountPicker('28')
    await flushPromises()
    expect(w.find('[data-testid="fk-picker-label"]').text()).toBe('Hana Costa')
    const lookup = calls.find((c) => c.search.get('where'))!
    expect(lookup.search.get('columns')).toBe('id,name')
    expect(JSON.parse(lookup.search.get('where')!)).toEqual({ id: { _eq: 28 } })
  })

  it('searches as you type, offers "label (id)" and picks one with the keyboard', async () => {
    const w = mountPicker()
    const input = w.find('[data-testid="field"]')
    await input.setValue('hana')
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['hana'])
    await vi.advanceTimersByTimeAsync(300)
    await flushPromises()
    const search = calls.find((c) => c.search.get('search'))!
    expect(search.search.get('limit')).toBe('20')
    expect(search.search.get('columns')).toBe('id,name')
    const options = w.findAll('[data-testid="fk-option"]')
    expect(options.map((o) => o.text())).toEqual(['Hana Kowalski (5)', 'Hana Costa (28)'])
    expect(input.attributes('aria-expanded')).toBe('true')
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(input.attributes('aria-activedescendant')).toBe(options[1]!.attributes('id'))
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['28'])
    expect(input.attributes('aria-expanded')).toBe('false')
    await flushPromises()
    expect(w.find('[data-testid="fk-picker-label"]').text()).toBe('Hana Costa')
  })

  it('keeps a typed raw id, and says when no row has it', async () => {
    const w = mountPicker()
    await w.find('[data-testid="field"]').setValue('999')
    await flushPromises()
    expect(w.emitted('update:modelValue')?.at(-1)).toEqual(['999'])
    expect(w.find('[data-testid="fk-picker-label"]').text()).toContain('no customers row with this key')
    // half-typed text is not looked up as a key
    await w.find('[data-testid="field"]').setValue('Han')
    await flushPromises()
    expect(calls.filter((c) => c.search.get('where')?.includes('Han'))).toHaveLength(0)
  })
})
