import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAuthStore } from '../auth'
import { configureApi } from '@/api/client'
import { ApiError } from '@/api/errors'
import { mockFetch } from '@/__tests__/fetch-mock'

const session = { user: { id: 1, username: 'admin', role: 'admin' }, csrf_token: 'tok-123' }

describe('auth store', () => {
  let onUnauthorized: ReturnType<typeof vi.fn<() => void>>

  beforeEach(() => {
    setActivePinia(createPinia())
    const auth = useAuthStore()
    onUnauthorized = vi.fn<() => void>()
    configureApi({ csrfToken: () => auth.csrfToken, onUnauthorized })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('login stores the user and CSRF token, without sending a CSRF header', async () => {
    const { calls } = mockFetch({ 'POST /api/v1/auth/login': { status: 200, body: session } })
    const auth = useAuthStore()
    await auth.login('admin', 'secret')
    expect(auth.user?.username).toBe('admin')
    expect(auth.csrfToken).toBe('tok-123')
    expect(auth.signedIn).toBe(true)
    expect(calls[0]?.body).toEqual({ username: 'admin', password: 'secret' })
    expect(calls[0]?.headers.get('X-CSRF-Token')).toBeNull()
  })

  it('a failed login throws the API error and does not trigger the 401 handler', async () => {
    mockFetch({
      'POST /api/v1/auth/login': {
        status: 401,
        body: { error: { code: 'unauthorized', message: 'invalid credentials' } },
      },
    })
    const auth = useAuthStore()
    const err = await auth.login('admin', 'nope').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(401)
    expect((err as ApiError).code).toBe('unauthorized')
    expect(auth.user).toBeNull()
    expect(onUnauthorized).not.toHaveBeenCalled()
  })

  it('fetchMe restores the session after a reload', async () => {
    mockFetch({ 'GET /api/v1/auth/me': { status: 200, body: session } })
    const auth = useAuthStore()
    expect(await auth.fetchMe()).toBe(true)
    expect(auth.csrfToken).toBe('tok-123')
    expect(auth.checked).toBe(true)
  })

  it('fetchMe resolves false when not signed in', async () => {
    mockFetch({ 'GET /api/v1/auth/me': { status: 401, body: { error: { code: 'unauthorized', message: 'x' } } } })
    const auth = useAuthStore()
    expect(await auth.fetchMe()).toBe(false)
    expect(auth.user).toBeNull()
    expect(auth.checked).toBe(true)
  })

  it('logout sends the CSRF token and clears the state', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/auth/login': { status: 200, body: session },
      'POST /api/v1/auth/logout': { status: 204 },
    })
    const auth = useAuthStore()
    await auth.login('admin', 'secret')
    await auth.logout()
    expect(calls[1]?.path).toBe('/api/v1/auth/logout')
    expect(calls[1]?.headers.get('X-CSRF-Token')).toBe('tok-123')
    expect(auth.user).toBeNull()
    expect(auth.csrfToken).toBeNull()
  })

  it('a 401 on any other request calls the expired-session handler', async () => {
    mockFetch({
      'POST /api/v1/auth/login': { status: 200, body: session },
      'GET /api/v1/tables': { status: 401, body: { error: { code: 'unauthorized', message: 'expired' } } },
    })
    const auth = useAuthStore()
    await auth.login('admin', 'secret')
    const { api, unwrap } = await import('@/api/client')
    await expect(unwrap(api.GET('/api/v1/tables'))).rejects.toThrow('expired')
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('a network failure becomes an ApiError with status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))))
    const auth = useAuthStore()
    const err = await auth.login('a', 'b').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(0)
  })
})
