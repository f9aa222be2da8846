// The explorer's request: sending it, cURL, deep links, header defaults. Pure except `sendRequest`.
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { VIEW_AS_HEADER } from '@/api/client'
import { METHODS, type HttpMethod, type KeyValue } from './openapi'

/** A request as the builder holds it (URL relative to the origin, or absolute). */
export interface DraftRequest {
  method: HttpMethod
  url: string
  headers: Record<string, string>
  body: string | null
}

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
export const CSRF_HEADER = 'X-CSRF-Token'
/** Never stored in history, never put in links or cURL output. */
const SENSITIVE = new Set(['cookie', 'authorization', 'x-csrf-token'])
/** Not stored or shared either: it follows the current "view as" and is added again automatically. */
const SESSION_BOUND = new Set([VIEW_AS_HEADER.toLowerCase()])

export function hasBody(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD'
}

/** Enabled, named header rows → an object (last one wins). */
export function headerObject(rows: KeyValue[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const r of rows) if (r.enabled && r.name.trim()) out[r.name.trim()] = r.value
  return out
}

/** Headers fit to store or share: without cookie, authorization and the CSRF token. */
export function shareableHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => !SENSITIVE.has(k.toLowerCase()) && !SESSION_BOUND.has(k.toLowerCase())),
  )
}

/**
 * Bring the automatic header rows up to date for a method: `X-CSRF-Token` (unsafe methods),
 * `Content-Type: application/json` (when a body is sent) and `X-Rubbie-View-As` (while an admin
 * views the console as a role). Rows the user edited are left alone; automatic rows that no longer
 * apply are removed.
 */
export function syncAutoHeaders(
  rows: (KeyValue & { auto?: boolean })[],
  method: string,
  withBody: boolean,
  csrfToken: string | null,
  viewAs: string | null = null,
): (KeyValue & { auto?: boolean })[] {
  const wanted: [string, string, boolean][] = [
    [CSRF_HEADER, csrfToken ?? '', UNSAFE_METHODS.has(method)],
    ['Content-Type', 'application/json', withBody],
    [VIEW_AS_HEADER, viewAs ?? '', !!viewAs],
  ]
  let out = [...rows]
  for (const [name, value, want] of wanted) {
    const i = out.findIndex((r) => r.name.toLowerCase() === name.toLowerCase())
    if (want && i < 0) out.push({ name, value, enabled: true, auto: true })
    else if (want && out[i]?.auto) out[i] = { ...out[i]!, value }
    else if (!want && i >= 0 && out[i]?.auto) out = out.filter((_, j) => j !== i)
  }
  return out
}

/** Quote for a POSIX shell. */
function sh(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/** `curl …` for the request (absolute URL; never the cookie). */
export function toCurl(req: DraftRequest, origin: string): string {
  const url = new URL(req.url, origin).href
  const body = hasBody(req.method) && req.body ? req.body : null
  const head = req.method !== 'GET' || body !== null ? `curl -X ${req.method} ${sh(url)}` : `curl ${sh(url)}`
  const lines = [head]
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.toLowerCase() === 'cookie') continue
    lines.push(`-H ${sh(`${k}: ${v}`)}`)
  }
  if (body !== null) lines.push(`--data-raw ${sh(body)}`)
  return lines.join(' \\\n  ')
}

function first(v: LocationQuery[string] | undefined): string | null {
  if (Array.isArray(v)) return v[0] ?? null
  return v ?? null
}

/** The explorer's URL query for a request (`?method&url&body&headers`); sensitive headers left out. */
export function explorerQuery(req: DraftRequest): LocationQueryRaw {
  const q: LocationQueryRaw = { method: req.method, url: req.url }
  if (req.body && hasBody(req.method)) q.body = req.body
  const headers = shareableHeaders(req.headers)
  if (Object.keys(headers).length) q.headers = JSON.stringify(headers)
  return q
}

/** Read a request from the explorer's URL query (null when it has no `url`). */
export function parseExplorerQuery(query: LocationQuery): DraftRequest | null {
  const url = first(query.url)
  if (!url) return null
  const asked = (first(query.method) ?? 'GET').toUpperCase()
  // a link with a method the explorer does not send opens as GET
  const method = METHODS.find((m) => m === asked) ?? 'GET'
  let headers: Record<string, string> = {}
  const rawHeaders = first(query.headers)
  if (rawHeaders) {
    try {
      const parsed: unknown = JSON.parse(rawHeaders)
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        headers = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]))
      }
    } catch {
      // ignore malformed headers in a hand-edited link
    }
  }
  return { method, url, headers, body: first(query.body) }
}

export interface ExplorerResponse {
  status: number
  statusText: string
  headers: [string, string][]
  contentType: string
  text: string
  /** Body size in bytes. */
  size: number
  durationMs: number
}

export type SendResult = { ok: true; response: ExplorerResponse } | { ok: false; error: string; durationMs: number }

/** Send the request with the session cookie (same origin); never throws. */
export async function sendRequest(req: DraftRequest, origin: string, fetchFn: typeof fetch = globalThis.fetch): Promise<SendResult> {
  const started = performance.now()
  try {
    const res = await fetchFn(new URL(req.url, origin).href, {
      method: req.method,
      headers: req.headers,
      body: hasBody(req.method) && req.body ? req.body : undefined,
      credentials: 'same-origin',
      redirect: 'follow',
    })
    const buf = await res.arrayBuffer()
    const durationMs = Math.round(performance.now() - started)
    return {
      ok: true,
      response: {
        status: res.status,
        statusText: res.statusText,
        headers: [...res.headers.entries()],
        contentType: res.headers.get('content-type') ?? '',
        text: new TextDecoder().decode(buf),
        size: buf.byteLength,
        durationMs,
      },
    }
  } catch (e) {
    return {
      ok: false,
      error: e instanceof Error ? e.message || e.name : String(e),
      durationMs: Math.round(performance.now() - started),
    }
  }
}

/** Parse a response body as JSON when it says (or looks like) it is; `undefined` otherwise. */
export function parseJsonBody(res: Pick<ExplorerResponse, 'contentType' | 'text'>): unknown {
  const t = res.text.trim()
  if (!t) return undefined
  if (!res.contentType.includes('json') && !/^[[{]/.test(t)) return undefined
  try {
    return JSON.parse(t) as unknown
  } catch {
    return undefined
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  return `${(n / 1024 / 1024).toFixed(1)} MB`
}

/** `3d 4h`, `5m 12s`, `42s`: the two largest units. */
export function humanDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const units: [string, number][] = [
    ['d', Math.floor(s / 86400)],
    ['h', Math.floor((s % 86400) / 3600)],
    ['m', Math.floor((s % 3600) / 60)],
    ['s', s % 60],
  ]
  const i = units.findIndex(([, v]) => v > 0)
  if (i < 0) return '0s'
  return units
    .slice(i, i + 2)
    .filter(([, v]) => v > 0)
    .map(([u, v]) => `${v}${u}`)
    .join(' ')
}

/** Status class for colouring: `2xx` … `5xx`. */
export function statusClass(status: number): string {
  return `status-${Math.floor(status / 100)}xx`
}

export { copyText } from './clipboard'
