import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import App from '@/App.vue'
import { makeRouter } from '@/router'
import { configureApi } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { useViewAsStore } from '@/stores/viewAs'
import { mockFetch } from '@/__tests__/fetch-mock'

const table = (name: string) => ({ name, label: name, primary_key: ['id'], source: 'model', row_estimate: 1, column_count: 2 })
const me = (role: string) => ({ status: 200, body: { user: { id: 2, username: 'sam', role }, csrf_token: 't' } })

async function open(role: string, path = '/') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const auth = useAuthStore()
  const viewAs = useViewAsStore()
  configureApi({ csrfToken: () => auth.csrfToken, viewAs: () => (auth.user?.role === 'admin' ? viewAs.role : null) })
  const router = makeRouter(createMemoryHistory())
  await router.push(path)
  const w = mount(App, { global: { plugins: [pinia, router] } })
  await flushPromises()
  return { w, router, viewAs }
}

describe('AppLayout', () => {
  beforeEach(() => sessionStorage.clear())
  afterEach(() => vi.unstubAllGlobals())

  it('a non-admin sees no Users/Permissions/Settings and calls no admin-only endpoint', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/auth/me': me('support'),
      'GET /api/v1/tables': { status: 200, body: { tables: [table('customers')] } },
      'GET /api/v1/overview': { status: 200, body: { tables: [table('customers')], untracked: 0, recent: [], activity: [], people: null } },
    })
    const { w, router } = await open('support')
    expect(w.find('[data-testid="nav-explorer"]').exists()).toBe(true)
    expect(w.find('[data-testid="nav-activity"]').exists()).toBe(true)
    for (const id of ['nav-users', 'nav-permissions', 'nav-settings', 'view-as-select']) {
      expect(w.find(`[data-testid="${id}"]`).exists()).toBe(false)
    }
    expect(calls.map((c) => `${c.method} ${c.path}`).sort()).toEqual(['GET /api/v1/auth/me', 'GET /api/v1/overview', 'GET /api/v1/tables'])
    // and the admin pages send them home
    await router.push('/users')
    expect(router.currentRoute.value.name).toBe('home')
  })

  it('an admin can view as a role: header on requests, banner, the table list reloads', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/auth/me': me('admin'),
      'GET /api/v1/roles': { status: 200, body: { roles: [{ name: 'admin', builtin: true }, { name: 'support', builtin: false }] } },
      'GET /api/v1/tables': (c) => ({
        status: 200,
        body: { tables: c.headers.get('X-Rubbie-View-As') ? [table('customers')] : [table('customers'), table('orders')] },
      }),
    })
    const { w, viewAs } = await open('admin')
    expect(w.findAll('[data-testid^="table-link-"]')).toHaveLength(2)
    expect(w.find('[data-testid="view-as-banner"]').exists()).toBe(false)

    await w.find('[data-testid="view-as-select"]').setValue('support')
    await flushPromises()
    expect(viewAs.role).toBe('support')
    expect(w.find('[data-testid="view-as-banner"]').text()).toContain('support')
    expect(calls.at(-1)?.headers.get('X-Rubbie-View-As')).toBe('support')
    expect(w.findAll('[data-testid^="table-link-"]')).toHaveLength(1)

    await w.find('[data-testid="view-as-stop"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="view-as-banner"]').exists()).toBe(false)
    expect(w.findAll('[data-testid^="table-link-"]')).toHaveLength(2)
  })

  it('any user opens Account from the header: breadcrumb, profile, own tokens', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/auth/me': me('support'),
      'GET /api/v1/tables': { status: 200, body: { tables: [table('customers')] } },
      'GET /api/v1/auth/tokens': { status: 200, body: { tokens: [] } },
    })
    const { w, router } = await open('support')
    await w.find('[data-testid="nav-account"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.name).toBe('account')
    expect(w.find('[data-testid="breadcrumbs"]').text()).toBe('Account')
    expect(w.find('[data-testid="account-role"]').text()).toBe('support')
    expect(w.find('[data-testid="token-empty"]').exists()).toBe(true)
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('GET /api/v1/auth/tokens')
  })
})
