import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import UsersView from '../UsersView.vue'
import { configureApi } from '@/api/client'
import { useToastStore } from '@/stores/toasts'
import { mockFetch } from '@/__tests__/fetch-mock'

const admin = { id: 1, username: 'admin', role: 'admin', active: true, created_at: 1_700_000_000 }
const routes = (extra = {}) =>
  mockFetch({
    'GET /api/v1/users': { status: 200, body: { users: [admin] } },
    'GET /api/v1/roles': { status: 200, body: { roles: [{ name: 'admin', builtin: true }, { name: 'support', builtin: false }] } },
    ...extra,
  })

describe('UsersView', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'tok', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('creates a user with the chosen role; field errors show under the inputs', async () => {
    let attempt = 0
    const { calls } = routes({
      'POST /api/v1/users': () =>
        ++attempt === 1
          ? { status: 422, body: { error: { code: 'validation', message: 'password: too short', fields: { password: ['must be at least 8 characters'] } } } }
          : { status: 201, body: { id: 2, username: 'sam', role: 'support', active: true, created_at: 1_700_000_100 } },
    })
    const w = mount(UsersView)
    await flushPromises()
    await w.find('[data-testid="user-new"]').trigger('click')
    await w.find('[data-testid="user-username"]').setValue('sam')
    await w.find('[data-testid="user-password"]').setValue('short')
    expect((w.find('[data-testid="user-role"]').element as HTMLSelectElement).value).toBe('support')
    await w.find('[data-testid="user-form"]').trigger('submit')
    await flushPromises()
    expect(w.find('[data-testid="user-error-password"]').text()).toContain('at least 8')
    await w.find('[data-testid="user-password"]').setValue('long-enough')
    await w.find('[data-testid="user-form"]').trigger('submit')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').at(-1)?.body).toEqual({ username: 'sam', password: 'long-enough', role: 'support' })
    expect(w.find('[data-testid="user-row-sam"]').exists()).toBe(true)
  })

  it('a refused change (409) goes back and says why', async () => {
    routes({
      'PATCH /api/v1/users/1': { status: 409, body: { error: { code: 'conflict', message: 'at least one active admin must remain' } } },
    })
    const w = mount(UsersView)
    await flushPromises()
    const toggle = w.find('[data-testid="user-active-admin"]')
    await toggle.setValue(false)
    await flushPromises()
    expect((toggle.element as HTMLInputElement).checked).toBe(true)
    expect(useToastStore().toasts.at(-1)?.message).toContain('at least one active admin must remain')
  })
})
