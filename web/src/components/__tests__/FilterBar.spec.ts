import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import FilterBar from '../FilterBar.vue'
import type { Column } from '@/api/types'

const col = (name: string, kind: Column['kind'], extra: Partial<Column> = {}): Column => ({
  name, label: name, type: kind, kind, nullable: true, default: null,
  primary_key: false, auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null, ...extra,
})
const columns = [
  col('id', 'integer'),
  col('status', 'enum', { enum_values: ['new', 'paid', 'shipped'] }),
  col('total', 'decimal'),
  col('vip', 'boolean'),
  col('shipped_on', 'date'),
  col('placed_at', 'datetime'),
  col('note', 'text'),
  col('secret', 'text', { hidden: true }),
]
const $ = (name: string) => `[data-testid="filter-${name}"]`

function bar(where = '') {
  return mount(FilterBar, { props: { columns, where }, attachTo: document.body })
}

describe('FilterBar (grid filter builder)', () => {
  it('builds status in [paid, shipped] AND total > 500 with widgets by column kind', async () => {
    const w = bar()
    expect(w.find($('bar')).exists()).toBe(false)
    await (w.vm as unknown as { addCondition: () => Promise<void> }).addCondition()
    await w.find($('column')).setValue('status')
    await w.find($('op')).setValue('_in')
    const multi = w.find($('value'))
    expect(multi.element.tagName).toBe('SELECT')
    expect((multi.element as HTMLSelectElement).multiple).toBe(true)
    for (const o of Array.from((multi.element as HTMLSelectElement).options)) o.selected = ['paid', 'shipped'].includes(o.value)
    await multi.trigger('change')

    await (w.vm as unknown as { addCondition: () => Promise<void> }).addCondition()
    const second = w.findAll($('cond'))[1]!
    await second.find($('column')).setValue('total')
    await second.find($('op')).setValue('_gt')
    expect(second.find($('value')).attributes('type')).toBe('number')
    await second.find($('value')).setValue('500')
    // hidden columns are not offered; no session variables in the grid
    expect(second.find($('column')).findAll('option').map((o) => o.text())).not.toContain('secret')
    expect(w.find($('source')).exists()).toBe(false)

    await w.find('form').trigger('submit')
    expect(w.emitted('apply')?.at(-1)?.[0]).toEqual({
      _and: [{ status: { _in: ['paid', 'shipped'] } }, { total: { _gt: '500' } }],
    })
    w.unmount()
  })

  it('offers operators and inputs by kind', async () => {
    const w = bar('{"vip": {"_eq": true}}')
    const ops = () => w.find($('op')).findAll('option').map((o) => (o.element as HTMLOptionElement).value)
    expect(ops()).toEqual(['_eq', '_neq', '_is_null', '_is_not_null'])
    expect(w.find($('value')).element.tagName).toBe('SELECT')
    expect((w.find($('value')).element as HTMLSelectElement).value).toBe('true')
    await w.find($('column')).setValue('shipped_on')
    expect(w.find($('value')).attributes('type')).toBe('date')
    await w.find($('column')).setValue('placed_at')
    expect(w.find($('value')).attributes('type')).toBe('datetime-local')
    await w.find($('column')).setValue('note')
    expect(ops()).toContain('_ilike')
    await w.find($('op')).setValue('_is_null')
    expect(w.find($('value')).exists()).toBe(false)
    w.unmount()
  })

  it('shows an applied where again (builder ↔ JSON) and validates raw JSON', async () => {
    const where = { _or: [{ status: { _eq: 'new' } }, { _and: [{ total: { _gte: '10' } }, { note: { _ilike: '%x%' } }] }] }
    const w = bar(JSON.stringify(where))
    expect(w.findAll($('group'))).toHaveLength(2)
    expect(w.findAll($('cond'))).toHaveLength(3)
    await w.find($('mode-json')).trigger('click')
    const json = w.find($('json'))
    expect(JSON.parse((json.element as HTMLTextAreaElement).value)).toEqual(where)

    await json.setValue('{"status": ')
    expect(w.find($('json-error')).text()).toContain('Not valid JSON')
    expect(w.find($('apply')).attributes('disabled')).toBeDefined()
    await json.setValue('[1]')
    expect(w.find($('json-error')).text()).toContain('JSON object')
    await json.setValue('{"_not": {"id": {"_eq": 1}}}')
    expect(w.find($('json-error')).exists()).toBe(false)
    await w.find('form').trigger('submit')
    expect(w.emitted('apply')?.at(-1)?.[0]).toEqual({ _not: { id: { _eq: 1 } } })
    w.unmount()
  })

  it('shows the API error and clears', async () => {
    const w = bar('{"nope": {"_eq": 1}}')
    await w.setProps({ error: 'where: unknown column nope' })
    expect(w.find($('error')).text()).toContain('unknown column')
    await w.find($('clear')).trigger('click')
    expect(w.emitted('apply')?.at(-1)?.[0]).toBeNull()
    w.unmount()
  })
})
