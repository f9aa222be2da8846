import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, vi } from 'vitest'
import { configureApi } from '@/api/client'

/** Every test of the calling `describe` on a fresh Pinia and API client; `unmount` after each. */
export function freshApp(unmount: () => void) {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'tok', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => {
    unmount()
    vi.unstubAllGlobals()
  })
}

export interface Call {
  method: string
  path: string
  search: URLSearchParams
  headers: Headers
  body: unknown
}

type Reply = { status: number; body?: unknown }
type Handler = (call: Call) => Reply | Promise<Reply>

/**
 * Replace globalThis.fetch with a router of `"METHOD /path"` → handler; records every call.
 * Paths are matched after the base URL, e.g. `GET /api/v1/auth/me`.
 */
export function mockFetch(routes: Record<string, Handler | Reply>) {
  const calls: Call[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = input instanceof Request ? input : new Request(input, init)
    const url = new URL(req.url)
    const text = await req.text()
    const call: Call = {
      method: req.method,
      path: url.pathname,
      search: url.searchParams,
      headers: req.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    }
    calls.push(call)
    const key = `${call.method} ${call.path}`
    const route = routes[key]
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: `no mock for ${key}` } }), { status: 404, headers: { 'Content-Type': 'application/json' } })
    const reply = typeof route === 'function' ? await route(call) : route
    if (reply.body === undefined) return new Response(null, { status: reply.status })
    return new Response(JSON.stringify(reply.body), {
      status: reply.status,
      headers: { 'Content-Type': 'application/json' },
    })
  })
  vi.stubGlobal('fetch', fn)
  return { calls, fn }
}
