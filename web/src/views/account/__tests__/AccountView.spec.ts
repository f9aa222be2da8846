import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import AccountView from '../AccountView.vue'
import { configureApi } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { useToastStore } from '@/stores/toasts'
import { mockFetch, type Call } from '@/__tests__/fetch-mock'

const now = Math.floor(Date.now() / 1000)
const token = (id: number, name: string, last_used_at: number | null = null) => ({ id, name, created_at: now - 3600 * id, last_used_at })

function routes(extra: Parameters<typeof mockFetch>[0] = {}) {
  return mockFetch({
    'GET /api/v1/auth/tokens': { status: 200, body: { tokens: [token(1, 'ci', now - 120)] } },
    ...extra,
  })
}

async function open() {
  const w = mount(AccountView)
  await flushPromises()
  return w
}

const sel = (id: string) => `[data-testid="${id}"]`

describe('AccountView', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'csrf', onUnauthorized: () => {}, viewAs: () => null })
    useAuthStore().user = { id: 7, username: 'sam', role: 'support' }
  })
  afterEach(() => vi.unstubAllGlobals())

  it('shows the user, and the tokens with "never" for an unused one', async () => {
    routes({ 'GET /api/v1/auth/tokens': { status: 200, body: { tokens: [token(2, 'old'), token(1, 'ci', now - 120)] } } })
    const w = await open()
    expect(w.find(sel('account-username')).text()).toBe('sam')
    expect(w.find(sel('account-role')).text()).toBe('support')
    const rows = w.findAll(sel('token-row'))
    // newest first
    expect(rows.map((r) => r.find(sel('token-name-cell')).text())).toEqual(['ci', 'old'])
    expect(rows[0]!.find(sel('token-last-used')).text()).toBe('2 minutes ago')
    expect(rows[1]!.find(sel('token-last-used')).text()).toBe('never')
    expect(rows[1]!.find(sel('token-created-at')).text()).toBe('2 hours ago')
  })

  it('creates a token and shows its secret once, with a curl example', async () => {
    const { calls } = routes({
      'POST /api/v1/auth/tokens': { status: 201, body: { token: { id: 5, name: 'nightly', created_at: now, last_used_at: null }, secret: 'rbt_abc123' } },
    })
    const writeText = vi.fn(async () => {})
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const w = await open()
    expect(w.find(sel('token-created')).exists()).toBe(false)
    await w.find(sel('token-new')).trigger('click')
    await w.find(sel('token-name')).setValue('  nightly ')
    await w.find(sel('token-form')).trigger('submit')
    await flushPromises()

    expect(calls.find((c: Call) => c.method === 'POST')?.body).toEqual({ name: 'nightly' })
    expect(w.find(sel('token-form')).exists()).toBe(false)
    expect(w.find(sel('token-secret')).text()).toBe('rbt_abc123')
    expect(w.find(sel('token-warning')).text()).toContain("won't be shown again")
    expect(w.find(sel('token-curl')).text()).toBe(
      `curl -H "Authorization: Bearer rbt_abc123" ${window.location.origin}/api/v1/auth/me`,
    )
    expect(w.findAll(sel('token-row')).map((r) => r.find(sel('token-name-cell')).text())).toEqual(['nightly', 'ci'])

    await w.find(sel('token-copy')).trigger('click')
    await flushPromises()
    expect(writeText).toHaveBeenCalledWith('rbt_abc123')
    expect(w.find(sel('token-copy')).text()).toContain('Copied')

    // dismissed: the secret is gone from the page for good (the list never has it)
    await w.find(sel('token-created-done')).trigger('click')
    expect(w.find(sel('token-created')).exists()).toBe(false)
    expect(w.html()).not.toContain('rbt_abc123')
  })

  it('a 422 shows under the name field; other errors above the form, which stays open', async () => {
    let attempt = 0
    routes({
      'POST /api/v1/auth/tokens': () =>
        ++attempt === 1
          ? { status: 422, body: { error: { code: 'validation', message: 'name: too long', fields: { name: ['at most 100 characters'] } } } }
          : { status: 500, body: { error: { code: 'internal', message: 'database is locked' } } },
    })
    const w = await open()
    await w.find(sel('token-new')).trigger('click')
    await w.find(sel('token-name')).setValue('x'.repeat(200))
    await w.find(sel('token-form')).trigger('submit')
    await flushPromises()
    expect(w.find(sel('token-error-name')).text()).toBe('at most 100 characters')
    expect(w.find(sel('token-name')).classes()).toContain('invalid')
    expect(w.find(sel('token-created')).exists()).toBe(false)
    expect(useToastStore().toasts).toEqual([])

    await w.find(sel('token-form')).trigger('submit')
    await flushPromises()
    expect(w.find(sel('token-error-name')).exists()).toBe(false)
    expect(w.find(sel('token-form-error')).text()).toContain('database is locked')
    expect((w.find(sel('token-name')).element as HTMLInputElement).value).toBe('x'.repeat(200))
    expect(useToastStore().toasts).toEqual([])
  })

  it('revokes after an inline confirm, with DELETE', async () => {
    const { calls } = routes({ 'DELETE /api/v1/auth/tokens/1': { status: 204 } })
    const w = await open()
    await w.find(sel('token-revoke')).trigger('click')
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)
    // "Keep" backs out
    await w.find(sel('token-revoke-cancel')).trigger('click')
    expect(w.find(sel('token-revoke-confirm')).exists()).toBe(false)
    await w.find(sel('token-revoke')).trigger('click')
    await w.find(sel('token-revoke-confirm')).trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual(['/api/v1/auth/tokens/1'])
    expect(w.findAll(sel('token-row'))).toHaveLength(0)
    expect(w.find(sel('token-empty')).exists()).toBe(true)
    expect(useToastStore().toasts.at(-1)).toMatchObject({ kind: 'success', message: 'Token ci revoked' })
  })
})
