import { describe, expect, it, vi } from 'vitest'
import {
  explorerQuery,
  formatBytes,
  humanDuration,
  parseExplorerQuery,
  parseJsonBody,
  sendRequest,
  shareableHeaders,
  syncAutoHeaders,
  toCurl,
} from '../explorer'

const ORIGIN = 'http://localhost:3000'

describe('cURL', () => {
  it('has the method, absolute URL, headers and body, quoted for the shell', () => {
    const curl = toCurl(
      {
        method: 'POST',
        url: '/admin/api/v1/flags',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': 'tok', Cookie: 'rubbie_session=secret' },
        body: `{"name": "it's"}`,
      },
      ORIGIN,
    )
    expect(curl).toBe(
      [
        `curl -X POST 'http://localhost:3000/admin/api/v1/flags'`,
        `-H 'Content-Type: application/json'`,
        `-H 'X-CSRF-Token: tok'`,
        `--data-raw '{"name": "it'\\''s"}'`,
      ].join(' \\\n  '),
    )
    expect(curl).not.toContain('rubbie_session')
  })

  it('leaves out -X for a plain GET and never sends a body with GET', () => {
    expect(toCurl({ method: 'GET', url: '/api/status?x=a b', headers: {}, body: '{}' }, ORIGIN)).toBe(
      `curl 'http://localhost:3000/api/status?x=a%20b'`,
    )
    expect(toCurl({ method: 'DELETE', url: 'https://other.example/x', headers: {}, body: null }, ORIGIN)).toBe(
      `curl -X DELETE 'https://other.example/x'`,
    )
  })
})

describe('automatic headers', () => {
  it('adds the CSRF token for unsafe methods and Content-Type with a body, and removes them again', () => {
    let rows = syncAutoHeaders([], 'POST', true, 'tok')
    expect(rows.map((r) => [r.name, r.value])).toEqual([
      ['X-CSRF-Token', 'tok'],
      ['Content-Type', 'application/json'],
    ])
    rows = syncAutoHeaders(rows, 'GET', false, 'tok')
    expect(rows).toEqual([])
  })

  it('leaves headers the user edited alone', () => {
    const edited = [{ name: 'Content-Type', value: 'text/plain', enabled: true, auto: false }]
    expect(syncAutoHeaders(edited, 'GET', false, null)).toEqual(edited)
    expect(syncAutoHeaders(edited, 'POST', true, 'new')).toEqual([...edited, { name: 'X-CSRF-Token', value: 'new', enabled: true, auto: true }])
  })

  it('drops sensitive headers before storing or sharing', () => {
    expect(shareableHeaders({ Cookie: 'a', authorization: 'b', 'x-csrf-token': 'c', Accept: 'd' })).toEqual({ Accept: 'd' })
  })
})

describe('deep links', () => {
  it('round-trips a request through the URL query, without the CSRF token', () => {
    const req = { method: 'POST' as const, url: '/admin/api/v1/flags', headers: { 'X-CSRF-Token': 't', 'X-Demo': '1' }, body: '{"name":"a"}' }
    const q = explorerQuery(req)
    expect(q).toEqual({ method: 'POST', url: '/admin/api/v1/flags', body: '{"name":"a"}', headers: '{"X-Demo":"1"}' })
    expect(parseExplorerQuery(q as Record<string, string>)).toEqual({ ...req, headers: { 'X-Demo': '1' } })
  })

  it('reads a hand-written link', () => {
    expect(parseExplorerQuery({ url: '/api/status' })).toEqual({ method: 'GET', url: '/api/status', headers: {}, body: null })
    expect(parseExplorerQuery({ method: 'get', url: '/x', headers: 'not json' })?.method).toBe('GET')
    expect(parseExplorerQuery({ method: 'GET' })).toBeNull()
  })
})

describe('sending', () => {
  it('measures the response and reads the body', async () => {
    const fetchFn = vi.fn(async () => new Response('{"shop":"open"}', { status: 200, headers: { 'Content-Type': 'application/json' } }))
    const res = await sendRequest({ method: 'GET', url: '/api/status', headers: {}, body: 'ignored' }, ORIGIN, fetchFn)
    expect(fetchFn).toHaveBeenCalledWith('http://localhost:3000/api/status', expect.objectContaining({ method: 'GET', body: undefined, credentials: 'same-origin' }))
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect(res.response.status).toBe(200)
    expect(res.response.size).toBe(15)
    expect(parseJsonBody(res.response)).toEqual({ shop: 'open' })
  })

  it('reports a network failure instead of throwing', async () => {
    const fetchFn = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const res = await sendRequest({ method: 'POST', url: '/x', headers: {}, body: '{}' }, ORIGIN, fetchFn)
    expect(res).toMatchObject({ ok: false, error: 'Failed to fetch' })
  })

  it('formats sizes and durations', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(2048)).toBe('2.0 KB')
    expect(humanDuration(42)).toBe('42s')
    expect(humanDuration(3600 * 27 + 5)).toBe('1d 3h')
    expect(humanDuration(3600)).toBe('1h')
    expect(humanDuration(0)).toBe('0s')
    expect(parseJsonBody({ contentType: 'text/plain', text: 'hello' })).toBeUndefined()
  })
})

describe('view as role in the explorer', () => {
  it('adds X-Rubbie-View-As automatically while set, and never stores or shares it', () => {
    let rows = syncAutoHeaders([], 'GET', false, 'tok', 'support')
    expect(rows).toEqual([{ name: 'X-Rubbie-View-As', value: 'support', enabled: true, auto: true }])
    expect(syncAutoHeaders(rows, 'GET', false, 'tok', null)).toEqual([])
    rows = syncAutoHeaders([], 'POST', true, 'tok', 'support')
    expect(shareableHeaders(Object.fromEntries(rows.map((r) => [r.name, r.value])))).toEqual({ 'Content-Type': 'application/json' })
  })
})
