import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import AuditDiff from '../AuditDiff.vue'

const before = { id: 1, name: 'Ann', email: 'ann@example.com', notes: null }
const after = { id: 1, name: 'Anna', email: 'ann@example.com', notes: '••••••' }

describe('AuditDiff', () => {
  it('shows the changed keys side by side, the others behind "show all columns"', async () => {
    const w = mount(AuditDiff, { props: { before, after, changed: ['name', 'notes'] } })
    const keys = () => w.findAll('[data-testid^="diff-line-"]').map((r) => r.attributes('data-testid')!.slice('diff-line-'.length))
    expect(keys()).toEqual(['name', 'notes'])
    const name = w.find('[data-testid="diff-line-name"]')
    expect(name.attributes('data-changed')).toBe('true')
    expect(name.find('.diff-before').text()).toBe('Ann')
    expect(name.find('.diff-after').text()).toBe('Anna')
    // a NULL and a withheld secret are told apart
    expect(w.find('[data-testid="diff-line-notes"] .diff-before').text()).toBe('NULL')
    expect(w.find('[data-testid="diff-line-notes"] .diff-after').classes()).toContain('diff-withheld')

    await w.find('[data-testid="diff-show-all"]').setValue(true)
    expect(keys()).toEqual(['id', 'name', 'email', 'notes'])
    expect(w.find('[data-testid="diff-line-email"]').attributes('data-changed')).toBe('false')
  })

  it('marks the missing side of an insert and says when nothing was recorded', () => {
    const w = mount(AuditDiff, { props: { before: null, after: { id: 2 }, changed: ['id'] } })
    expect(w.find('[data-testid="diff-line-id"] .diff-before').text()).toBe('—')
    expect(w.find('[data-testid="diff-show-all"]').exists()).toBe(false)
    const none = mount(AuditDiff, { props: { before: null, after: null, changed: [] } })
    expect(none.find('[data-testid="diff-none"]').exists()).toBe(true)
  })
})
