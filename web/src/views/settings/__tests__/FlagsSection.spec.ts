import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import FlagsSection from '../FlagsSection.vue'
import { useFlagsStore } from '@/stores/flags'
import { useAuthStore } from '@/stores/auth'
import { useToastStore } from '@/stores/toasts'
import { configureApi } from '@/api/client'
import { mockFetch, type Call } from '@/__tests__/fetch-mock'

const flag = (name: string, enabled = false, description: string | null = null) => ({
  name,
  description,
  enabled,
  updated_at: 1_700_000_000,
  updated_by: 'admin',
})

/** The section in a router (its "recent changes" link to the Activity page). */
function mountFlags() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: FlagsSection },
      { path: '/activity', name: 'activity', component: { template: '<div />' } },
    ],
  })
  return mount(FlagsSection, { global: { plugins: [router] } })
}

function routes(extra: Record<string, (c: Call) => { status: number; body?: unknown }> = {}) {
  return mockFetch({
    'GET /api/v1/flags': { status: 200, body: { flags: [flag('shop.maintenance'), flag('beta', true, 'Beta UI')] } },
    'PATCH /api/v1/flags/shop.maintenance': (c) => ({
      status: 200,
      body: { ...flag('shop.maintenance'), ...(c.body as object) },
    }),
    'GET /api/v1/audit': { status: 200, body: { entries: [], next_cursor: null } },
    ...extra,
  })
}

describe('flags', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    const auth = useAuthStore()
    auth.csrfToken = 'tok'
    configureApi({ csrfToken: () => auth.csrfToken, onUnauthorized: () => {} })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('the store switches a flag with PATCH {enabled} and the CSRF token', async () => {
    const { calls } = routes()
    const store = useFlagsStore()
    await store.load()
    const updated = await store.setEnabled('shop.maintenance', true)
    expect(updated.enabled).toBe(true)
    const patch = calls.find((c) => c.method === 'PATCH')!
    expect(patch.path).toBe('/api/v1/flags/shop.maintenance')
    expect(patch.body).toEqual({ enabled: true })
    expect(patch.headers.get('X-CSRF-Token')).toBe('tok')
    expect(store.flags.find((f) => f.name === 'shop.maintenance')?.enabled).toBe(true)
  })

  it('the store goes back when the server refuses the switch', async () => {
    routes({
      'PATCH /api/v1/flags/beta': () => ({ status: 403, body: { error: { code: 'forbidden', message: 'no' } } }),
    })
    const store = useFlagsStore()
    await store.load()
    await expect(store.setEnabled('beta', false)).rejects.toThrow('no')
    expect(store.flags.find((f) => f.name === 'beta')?.enabled).toBe(true)
  })

  it('the list toggles a flag (PATCH) and edits a description', async () => {
    const { calls } = routes()
    const w = mountFlags()
    await flushPromises()
    expect(w.find('[data-testid="flag-row-beta"]').text()).toContain('Beta UI')
    const toggle = w.find('[data-testid="flag-toggle-shop.maintenance"]')
    expect((toggle.element as HTMLInputElement).checked).toBe(false)
    await toggle.setValue(true)
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PATCH').map((c) => c.body)).toEqual([{ enabled: true }])
    // "who changed this" below the list asks again after the change
    expect(calls.filter((c) => c.path === '/api/v1/audit').map((c) => c.search.get('category'))).toEqual(['flag', 'flag'])
    expect((w.find('[data-testid="flag-toggle-shop.maintenance"]').element as HTMLInputElement).checked).toBe(true)

    await w.find('[data-testid="flag-desc-shop.maintenance"]').trigger('click')
    await w.find('[data-testid="flag-desc-input-shop.maintenance"]').setValue('Closes the shop')
    await w.find('[data-testid="flag-desc-save-shop.maintenance"]').trigger('submit')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PATCH').at(-1)?.body).toEqual({ description: 'Closes the shop' })
    expect(w.find('[data-testid="flag-row-shop.maintenance"]').text()).toContain('Closes the shop')
  })

  it('shows validation errors from the API under the name field', async () => {
    routes({
      'POST /api/v1/flags': () => ({
        status: 422,
        body: { error: { code: 'validation', message: 'invalid', fields: { name: ['use a-z 0-9 . _ -'] } } },
      }),
    })
    const w = mountFlags()
    await flushPromises()
    await w.find('[data-testid="flag-new"]').trigger('click')
    await w.find('[data-testid="flag-name"]').setValue('Bad Name')
    await w.find('[data-testid="flag-form"]').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="flag-error-name"]').text()).toBe('use a-z 0-9 . _ -')
  })

  it('creates a flag, and asks before deleting one', async () => {
    const { calls } = routes({
      'POST /api/v1/flags': (c) => ({ status: 201, body: { ...flag('new.one'), ...(c.body as object) } }),
      'DELETE /api/v1/flags/beta': () => ({ status: 204 }),
    })
    const w = mountFlags()
    await flushPromises()
    await w.find('[data-testid="flag-new"]').trigger('click')
    await w.find('[data-testid="flag-name"]').setValue('new.one')
    await w.find('[data-testid="flag-enabled"]').setValue(true)
    await w.find('[data-testid="flag-form"]').trigger('submit')
    await flushPromises()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ name: 'new.one', description: null, enabled: true })
    expect(w.find('[data-testid="flag-row-new.one"]').exists()).toBe(true)

    await w.find('[data-testid="flag-delete-beta"]').trigger('click')
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    await w.find('[data-testid="flag-delete-confirm-beta"]').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.method === 'DELETE' && c.path === '/api/v1/flags/beta')).toBe(true)
    expect(w.find('[data-testid="flag-row-beta"]').exists()).toBe(false)
    expect(useToastStore().toasts.map((t) => t.kind)).toEqual(['success', 'success'])
  })
})
