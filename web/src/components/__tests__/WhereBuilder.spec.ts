import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import WhereBuilder from '../WhereBuilder.vue'
import type { Column } from '@/api/types'
import type { Where } from '@/lib/where'

const col = (name: string, kind: Column['kind']): Column => ({
  name, label: name, type: kind, kind, nullable: true, default: null,
  primary_key: false, auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null,
})
const columns = [col('id', 'integer'), col('country', 'text'), col('owner_id', 'integer')]

function builder(where: Where | null) {
  return mount(WhereBuilder, { props: { modelValue: where, columns, testid: 'f' } })
}
const last = (w: ReturnType<typeof builder>) => w.emitted('update:modelValue')?.at(-1)?.[0]

describe('WhereBuilder', () => {
  it('shows a stored where with groups and a session variable in the builder', () => {
    const w = builder({
      _and: [{ country: { _eq: 'DE' } }, { _or: [{ id: { _lt: 10 } }, { owner_id: { _eq: 'X-Rubbie-User-Id' } }] }],
    })
    expect(w.findAll('[data-testid="f-group"]')).toHaveLength(2)
    expect(w.findAll('[data-testid="f-cond"]')).toHaveLength(3)
    const sources = w.findAll('[data-testid="f-source"]').map((s) => (s.element as HTMLSelectElement).value)
    expect(sources).toEqual(['', '', 'X-Rubbie-User-Id'])
  })

  it('builds groups and session variables into where JSON', async () => {
    const w = builder(null)
    await w.find('[data-testid="f-add-condition"]').trigger('click')
    await w.find('[data-testid="f-column"]').setValue('country')
    await w.find('[data-testid="f-value"]').setValue('DE')
    await w.findAll('[data-testid="f-add-group"]')[0]!.trigger('click')
    const inner = w.findAll('[data-testid="f-group"]')[1]!
    await inner.find('[data-testid="f-add-condition"]').trigger('click')
    await inner.find('[data-testid="f-add-condition"]').trigger('click')
    const conds = inner.findAll('[data-testid="f-cond"]')
    await conds[0]!.find('[data-testid="f-column"]').setValue('owner_id')
    await conds[0]!.find('[data-testid="f-source"]').setValue('X-Rubbie-User-Id')
    await conds[1]!.find('[data-testid="f-column"]').setValue('id')
    await conds[1]!.find('[data-testid="f-op"]').setValue('_is_null')
    expect(last(w)).toEqual({
      _and: [{ country: { _eq: 'DE' } }, { _or: [{ owner_id: { _eq: 'X-Rubbie-User-Id' } }, { id: { _is_null: true } }] }],
    })
  })

  it('switches to JSON and back without losing the condition', async () => {
    const where = { _or: [{ id: { _gte: 5 } }, { country: { _in: ['DE', 'FR'] } }] }
    const w = builder(where)
    await w.find('[data-testid="f-mode-json"]').trigger('click')
    const text = (w.find('[data-testid="f-json"]').element as HTMLTextAreaElement).value
    expect(JSON.parse(text)).toEqual(where)
    await w.find('[data-testid="f-json"]').setValue('{"country": {"_eq": "X-Rubbie-Role"}}')
    expect(last(w)).toEqual({ country: { _eq: 'X-Rubbie-Role' } })
    await w.find('[data-testid="f-mode-builder"]').trigger('click')
    expect(w.findAll('[data-testid="f-cond"]')).toHaveLength(1)
    expect((w.find('[data-testid="f-source"]').element as HTMLSelectElement).value).toBe('X-Rubbie-Role')
    expect(last(w)).toEqual({ country: { _eq: 'X-Rubbie-Role' } })
  })

  it('opens in JSON mode for what the builder cannot show, and stays there', async () => {
    const w = builder({ _not: { id: { _eq: 1 } } })
    expect(w.find('[data-testid="f-json"]').exists()).toBe(true)
    await w.find('[data-testid="f-mode-builder"]').trigger('click')
    expect(w.find('[data-testid="f-json"]').exists()).toBe(true)
    expect(w.text()).toContain('cannot show')
  })

  it('flags JSON that is not an object', async () => {
    const w = builder(null)
    await w.find('[data-testid="f-mode-json"]').trigger('click')
    await w.find('[data-testid="f-json"]').setValue('[1, 2]')
    expect(w.find('[data-testid="f-json-error"]').exists()).toBe(true)
    expect(w.emitted('valid')?.at(-1)).toEqual([false])
  })
})
