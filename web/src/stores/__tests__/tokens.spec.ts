import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { configureApi } from '@/api/client'
import { ApiError } from '@/api/errors'
import { useTokensStore } from '@/stores/tokens'
import { mockFetch } from '@/__tests__/fetch-mock'

const token = (id: number, name: string, last_used_at: number | null = null) => ({ id, name, created_at: 1_700_000_000 + id, last_used_at })

describe('tokens store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'csrf', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => vi.unstubAllGlobals())

  it('lists, creates (secret returned, not kept) and revokes with DELETE', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/auth/tokens': { status: 200, body: { tokens: [token(1, 'ci')] } },
      'POST /api/v1/auth/tokens': { status: 201, body: { token: token(2, 'backup'), secret: 'rbt_s3cret' } },
      'DELETE /api/v1/auth/tokens/1': { status: 204 },
    })
    const store = useTokensStore()
    await store.load()
    expect(store.tokens.map((t) => t.name)).toEqual(['ci'])

    const created = await store.create('backup')
    expect(created.secret).toBe('rbt_s3cret')
    expect(calls.at(-1)).toMatchObject({ method: 'POST', body: { name: 'backup' } })
    expect(calls.at(-1)?.headers.get('X-CSRF-Token')).toBe('csrf')
    expect(store.tokens.map((t) => t.name)).toEqual(['ci', 'backup'])
    expect(JSON.stringify(store.$state)).not.toContain('rbt_s3cret')

    await store.revoke(1)
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/auth/tokens/1' })
    expect(store.tokens.map((t) => t.name)).toEqual(['backup'])
    expect(store.busy).toEqual({})
  })

  it('a 422 on create throws the field errors and adds nothing', async () => {
    mockFetch({
      'POST /api/v1/auth/tokens': { status: 422, body: { error: { code: 'validation', message: 'name: required', fields: { name: ['must not be empty'] } } } },
    })
    const store = useTokensStore()
    const err = await store.create('').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).fields).toEqual({ name: ['must not be empty'] })
    expect(store.tokens).toEqual([])
  })

  it('a token already gone (404) leaves the list too', async () => {
    mockFetch({
      'GET /api/v1/auth/tokens': { status: 200, body: { tokens: [token(1, 'ci')] } },
      'DELETE /api/v1/auth/tokens/1': { status: 404, body: { error: { code: 'not_found', message: 'no such token' } } },
    })
    const store = useTokensStore()
    await store.load()
    await expect(store.revoke(1)).rejects.toMatchObject({ status: 404 })
    expect(store.tokens).toEqual([])
  })
})
