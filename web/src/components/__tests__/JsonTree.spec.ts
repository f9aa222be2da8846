import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import JsonTree from '../JsonTree.vue'

const nodes = (w: ReturnType<typeof mount>) => w.findAll('[data-testid="json-node"]')

describe('JsonTree', () => {
  it('renders only the first 200 children of a big array, then more on demand', async () => {
    const big = Array.from({ length: 1000 }, (_, i) => i)
    const w = mount(JsonTree, { props: { value: big } })
    expect(nodes(w)).toHaveLength(1 + 200)
    expect(w.find('[data-testid="json-more"]').text()).toContain('800 hidden')
    await w.find('[data-testid="json-more"]').trigger('click')
    expect(nodes(w)).toHaveLength(1 + 400)
  })

  it('keeps deep levels collapsed (not rendered) until opened', async () => {
    const value = { a: { b: { c: { d: 1 } } }, s: 'x', n: null }
    const w = mount(JsonTree, { props: { value } })
    // root, a, b (collapsed: c not rendered), s, n
    expect(nodes(w)).toHaveLength(5)
    expect(w.text()).not.toContain('"d"')
    expect(w.text()).toContain('1 key')
    const toggles = w.findAll('[data-testid="json-toggle"]')
    await toggles[toggles.length - 1]!.trigger('click')
    expect(w.text()).toContain('"c"')
    expect(w.text()).toContain('"s": "x"')
  })

  it('shows primitives as JSON', () => {
    const w = mount(JsonTree, { props: { value: { t: true, s: 'he said "hi"', e: [] } } })
    expect(w.find('.jt-bool').text()).toBe('true')
    expect(w.find('.jt-str').text()).toBe('"he said \\"hi\\""')
    expect(w.text()).toContain('[]')
  })
})
