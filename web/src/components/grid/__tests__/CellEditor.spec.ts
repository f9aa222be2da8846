import { afterEach, describe, expect, it } from 'vitest'
import { mount, type VueWrapper } from '@vue/test-utils'
import type { Column } from '@/api/types'
import type { Draft } from '@/lib/form'
import { column } from '@/__tests__/columns'
import CellEditor from '../CellEditor.vue'

let w: VueWrapper | null = null
afterEach(() => {
  w?.unmount()
  w = null
})

function mountEditor(c: Column, draft: Draft, extra: Record<string, unknown> = {}) {
  w = mount(CellEditor, { props: { column: c, draft, ...extra }, attachTo: document.body })
  return w
}

describe('CellEditor', () => {
  it('picks the input for the kind and focuses it', () => {
    expect(mountEditor(column('n', 'integer'), { text: '1', isNull: false }).find('input').attributes('type')).toBe('number')
    w!.unmount()
    const date = mountEditor(column('d', 'date'), { text: '2024-01-01', isNull: false }).find('input')
    expect(date.attributes('type')).toBe('date')
    expect(document.activeElement).toBe(date.element)
    w!.unmount()
    expect(mountEditor(column('t', 'datetime'), { text: '', isNull: false }).find('input').attributes('type')).toBe('datetime-local')
  })

  it('offers enum values and booleans in a select, with NULL only when allowed', async () => {
    const e = mountEditor(column('s', 'enum', { enum_values: ['new', 'paid'], nullable: true }), { text: 'new', isNull: false })
    const options = e.findAll('option').map((o) => o.text())
    expect(options).toEqual(['new', 'paid', 'NULL'])
    await e.find('select').setValue(e.findAll('option')[2]!.element.value)
    expect(e.emitted('update:draft')?.at(-1)).toEqual([{ text: 'new', isNull: true }])
    w!.unmount()
    const b = mountEditor(column('b', 'boolean'), { text: 'true', isNull: false })
    expect(b.findAll('option').map((o) => o.text())).toEqual(['true', 'false'])
  })

  it('reports typing, Enter, Esc and the NULL box', async () => {
    const e = mountEditor(column('name', 'text', { nullable: true }), { text: 'a', isNull: false })
    await e.find('input[data-testid="cell-input"]').setValue('ab')
    expect(e.emitted('update:draft')?.at(-1)).toEqual([{ text: 'ab', isNull: false }])
    await e.find('[data-testid="cell-null"]').setValue(true)
    expect(e.emitted('update:draft')?.at(-1)).toEqual([{ text: 'a', isNull: true }])
    await e.find('input[data-testid="cell-input"]').trigger('keydown', { key: 'Enter' })
    expect(e.emitted('commit')).toEqual([[true]])
    await e.find('input[data-testid="cell-input"]').trigger('keydown', { key: 'Escape' })
    expect(e.emitted('cancel')).toHaveLength(1)
  })

  it('saves when focus leaves the editor, not when it moves to its NULL box', async () => {
    const e = mountEditor(column('name', 'text', { nullable: true }), { text: 'a', isNull: false })
    const input = e.find('input[data-testid="cell-input"]')
    await input.trigger('focusout', { relatedTarget: e.find('[data-testid="cell-null"]').element })
    expect(e.emitted('commit')).toBeUndefined()
    await input.trigger('focusout', { relatedTarget: document.body })
    expect(e.emitted('commit')).toEqual([[false]])
  })

  it('shows the error and keeps what was typed', () => {
    const e = mountEditor(column('price', 'decimal'), { text: '-5', isNull: false }, { error: 'violates a check constraint' })
    expect(e.find('[data-testid="cell-error"]').text()).toBe('violates a check constraint')
    expect((e.find('input').element as HTMLInputElement).value).toBe('-5')
    expect(e.find('input').attributes('aria-invalid')).toBe('true')
  })

  it('shows NULL as the placeholder of an empty input for a NULL value', () => {
    const e = mountEditor(column('born', 'date', { nullable: true }), { text: '', isNull: false }, { wasNull: true })
    expect(e.find('input').attributes('placeholder')).toBe('NULL')
  })
})
