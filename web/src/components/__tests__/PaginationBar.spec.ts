import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import PaginationBar from '../PaginationBar.vue'

const base = { offset: 0, limit: 50, shown: 50, estimated: false, nextCursor: null }

describe('PaginationBar counts', () => {
  it('an estimate is a button asking for the exact count', async () => {
    const w = mount(PaginationBar, { props: { ...base, count: 20000, estimated: true } })
    expect(w.find('[data-testid="count-estimated"]').text()).toBe('≈ 20,000')
    await w.find('[data-testid="count-estimated"]').trigger('click')
    expect(w.emitted('exact')).toHaveLength(1)
  })

  it('a timed-out exact count shows that state instead of a number, and pages on without a total', () => {
    const w = mount(PaginationBar, { props: { ...base, count: 20000, estimated: true, timedOut: true } })
    expect(w.find('[data-testid="page-info"]').text()).toBe('rows 1–50 · exact count timed out')
    expect(w.find('[data-testid="count-timed-out"]').attributes('title')).toContain('≈ 20,000')
    expect(w.find('[data-testid="count-estimated"]').exists()).toBe(false)
    expect(w.find('[data-testid="page-next"]').attributes('disabled')).toBeUndefined()

    const filtered = mount(PaginationBar, { props: { ...base, shown: 12, count: null, timedOut: true } })
    expect(filtered.find('[data-testid="count-timed-out"]').exists()).toBe(true)
    expect(filtered.find('[data-testid="page-next"]').attributes('disabled')).toBeDefined()
  })
})
