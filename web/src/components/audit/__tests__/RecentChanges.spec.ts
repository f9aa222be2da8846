import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import { configureApi } from '@/api/client'
import { mockFetch } from '@/__tests__/fetch-mock'
import { auditEntry } from '@/__tests__/audit-entries'
import RecentChanges from '../RecentChanges.vue'

describe('RecentChanges ("who changed this")', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'tok', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists the latest entries of its category and links to all of them', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/audit': { status: 200, body: { entries: [auditEntry(5, { category: 'flag', summary: 'Turned flag beta on', user: 'sam' })], next_cursor: 'x' } },
    })
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div />' } }, { path: '/activity', name: 'activity', component: { template: '<div />' } }] })
    await router.push('/')
    const w = mount(RecentChanges, { props: { category: 'flag' }, global: { plugins: [router] } })
    await flushPromises()
    expect(Object.fromEntries(calls[0]!.search)).toEqual({ category: 'flag', limit: '5' })
    expect(w.find('[data-testid="audit-feed-item"]').text()).toContain('Turned flag beta on')
    expect(w.find('[data-testid="audit-feed-item"]').text()).toContain('sam')
    expect(w.find('[data-testid="recent-changes-all"]').attributes('href')).toBe('/activity?category=flag')

    await (w.vm as unknown as { reload: () => Promise<void> }).reload()
    expect(calls).toHaveLength(2)
  })
})
