/** Export of a table view as CSV, JSON or NDJSON: URL, streamed download with progress. */

import { consoleHeaders } from '@/api/client'

export type ExportFormat = 'csv' | 'json' | 'ndjson'

export const EXPORT_FORMATS: readonly { format: ExportFormat; label: string }[] = [
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'ndjson', label: 'NDJSON' },
]

export interface ExportView {
  where?: string
  search?: string
  orderBy?: string
  columns?: readonly string[]
}

/** `…/api/v1/tables/{t}/export?format=…&where=…` under the API root (no trailing slash). */
export function exportUrl(apiRoot: string, table: string, format: ExportFormat, v: ExportView): string {
  const q = new URLSearchParams({ format })
  if (v.where) q.set('where', v.where)
  if (v.search) q.set('search', v.search)
  if (v.orderBy) q.set('order_by', v.orderBy)
  if (v.columns && v.columns.length) q.set('columns', v.columns.join(','))
  return `${apiRoot}/api/v1/tables/${encodeURIComponent(table)}/export?${q}`
}

/** The file name of a `Content-Disposition` header (`filename*=` wins), or the fallback. */
export function filenameFrom(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through */
    }
  }
  const m = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header)
  const name = m?.[1] ?? m?.[2]
  return name ? name.replace(/\\(.)/g, '$1') : fallback
}

/**
 * Counts the rows of a CSV or NDJSON stream chunk by chunk: line ends outside quoted CSV fields
 * (a CSV field may hold a newline; a JSON string never holds a raw one). The CSV header line is not
 * a row; a last line without a newline counts once the stream ends.
 */
export class RowCounter {
  private lines = 0
  private inQuote = false
  private pending = false
  constructor(private readonly format: ExportFormat) {}

  push(text: string): void {
    const csv = this.format === 'csv'
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i)
      if (csv && ch === 34 /* " */) {
        this.inQuote = !this.inQuote
        this.pending = true
      } else if (ch === 10 /* \n */ && !this.inQuote) {
        this.lines++
        this.pending = false
      } else if (ch !== 13) {
        this.pending = true
      }
    }
  }

  /** Rows seen so far (`final`: count a last line without a newline). */
  rows(final = false): number {
    const lines = this.lines + (final && this.pending ? 1 : 0)
    return this.format === 'csv' ? Math.max(0, lines - 1) : lines
  }
}

export interface ExportProgress {
  bytes: number
  /** Rows so far (CSV/NDJSON), or null for JSON (counted in bytes). */
  rows: number | null
}

export interface ExportResult {
  blob: Blob
  filename: string
  bytes: number
  rows: number | null
}

/**
 * Fetch an export and read it with a stream reader, reporting progress per chunk. Throws the
 * API's error message on a non-2xx answer; an abort rejects with the AbortError.
 */
export async function downloadExport(
  url: string,
  format: ExportFormat,
  opts: {
    signal?: AbortSignal
    onProgress?: (p: ExportProgress) => void
    fallbackName: string
    /** POSTed as JSON (the SQL runner's export); a GET without one. */
    body?: unknown
  },
): Promise<ExportResult> {
  const method = opts.body === undefined ? 'GET' : 'POST'
  // The same headers as every console request: an admin viewing as a role exports as that role.
  const headers: Record<string, string> = consoleHeaders(method, url)
  if (method === 'POST') headers['Content-Type'] = 'application/json'
  const body = method === 'POST' ? JSON.stringify(opts.body) : undefined
  const res = await fetch(url, { method, credentials: 'include', signal: opts.signal, headers, body })
  if (!res.ok) {
    let message = `Export failed (${res.status})`
    try {
      const body = (await res.json()) as { error?: { message?: string } }
      if (body.error?.message) message = body.error.message
    } catch {
      /* not JSON */
    }
    throw new Error(message)
  }
  const counter = format === 'json' ? null : new RowCounter(format)
  const decoder = new TextDecoder()
  const parts: Uint8Array[] = []
  let bytes = 0
  if (res.body) {
    const reader = res.body.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      parts.push(value)
      bytes += value.byteLength
      counter?.push(decoder.decode(value, { stream: true }))
      opts.onProgress?.({ bytes, rows: counter ? counter.rows() : null })
    }
  }
  const rows = counter ? counter.rows(true) : null
  opts.onProgress?.({ bytes, rows })
  const type = res.headers.get('content-type') ?? 'application/octet-stream'
  return {
    blob: new Blob(parts as BlobPart[], { type }),
    filename: filenameFrom(res.headers.get('content-disposition'), opts.fallbackName),
    bytes,
    rows,
  }
}

/** Save a blob as a file through a temporary object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = href
  a.download = filename
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(href), 10_000)
}

/** `1.2 MB`, `340 kB`, `12 B`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)} kB`
  return `${(n / 1_000_000).toFixed(1)} MB`
}
